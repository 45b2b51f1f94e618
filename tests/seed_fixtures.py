"""Seed documents as extractor contexts, and the scorer's keys, for golden tests.

The context comes from the pipeline's own ``build_context`` and header extractor, as
``vanban extract`` builds it; where those are missing, from the normaliser with the gold
``document`` object standing in for the header.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from pipeline.core.models import Context, NormalisedText, Source, SourceFormat

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def gold(seed: Path) -> dict:
    return json.loads((FIXTURES / "gold" / f"{seed.stem}.json").read_text(encoding="utf-8"))


def normalise(raw: str) -> NormalisedText:
    try:
        from pipeline.text.normalize import normalize_text
    except ImportError:  # before the normaliser: join soft breaks inside paragraphs
        lines, cur = [], ""
        for ln in raw.splitlines():
            ln = " ".join(ln.split())
            if not ln:
                continue
            if cur and not cur.endswith((".", ";", ":")) and not ln[:1] in "-+" and not ln[:1].isdigit():
                cur += " " + ln
            else:
                if cur:
                    lines.append(cur)
                cur = ln
        text = "\n".join(lines + [cur])
        return NormalisedText(text, len(text), [0], [(1, 0)])
    return normalize_text(raw)


def seed_context(seed: Path) -> Context:
    raw = seed.read_text(encoding="utf-8")
    source = Source(str(seed), "", SourceFormat.TXT, raw.split("\f"))
    try:
        from extractors.header import extract_header
        from pipeline.run.extract import build_context

        ctx = build_context(source)
        header = extract_header(ctx)
        if not ctx.document and header.items:
            ctx.document = header.items[0]
        return ctx
    except ImportError:
        pass
    doc = gold(seed)["document"]
    issuer = doc.get("issuer") or {}
    return Context(source=source, text=normalise(raw), document=doc, locality=issuer.get("locality"))


def scorer():
    """tests/fixtures/score.py as a module (its keys and normalisers)."""
    spec = importlib.util.spec_from_file_location("vanban_score", FIXTURES / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
