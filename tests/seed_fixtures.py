"""Seed documents as extractor contexts, and the scorer's keys, for golden tests.

The context comes from the pipeline's own ``build_context`` and header extractor, as
``vanban extract`` builds it.
"""
from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path

from extractors.header import extract_header
from pipeline.core.models import Context, NormalisedText, Source, SourceFormat
from pipeline.run.extract import build_context
from pipeline.text.normalize import normalize_text

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def gold(seed: Path) -> dict:
    return json.loads((FIXTURES / "gold" / f"{seed.stem}.json").read_text(encoding="utf-8"))


def normalise(raw: str) -> NormalisedText:
    return normalize_text(raw)


def seed_context(seed: Path) -> Context:
    raw = seed.read_text(encoding="utf-8")
    ctx = build_context(Source(str(seed), "", SourceFormat.TXT, raw.split("\f")))
    header = extract_header(ctx)
    if not ctx.document and header.items:
        ctx.document = header.items[0]
    return ctx


@functools.cache
def scorer():
    """tests/fixtures/score.py as a module (its keys and normalisers)."""
    spec = importlib.util.spec_from_file_location("vanban_score", FIXTURES / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
