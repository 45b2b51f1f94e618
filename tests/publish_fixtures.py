"""A database built once from the gold contract files, shared by the publish tests.

Each gold file becomes an Extraction; its seed's text (lines trimmed — a stand-in for
the normaliser) rides along, so mentions are located in the text and the annotated
view has something to show.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pipeline.core.models import Extraction, NormalisedText
from pipeline.store.publish import publish

FIXTURES = Path(__file__).parent / "fixtures"
GOLD = sorted((FIXTURES / "gold").glob("*.json"))
_BUILT: dict[str, Path] = {}


def naive_text(raw: str) -> NormalisedText:
    lines = [" ".join(line.split()) for line in raw.splitlines() if line.strip()]
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    text = "\n".join(lines)
    return NormalisedText(text, len(text), starts, [(1 + i // 40, 0) for i in range(len(lines))])


def gold_inputs(with_text: bool = True) -> tuple[list[Extraction], list[dict]]:
    extractions, sources = [], []
    for path in GOLD:
        contract = json.loads(path.read_text(encoding="utf-8"))
        seed = FIXTURES / "seeds" / (path.stem + ".txt")
        text = naive_text(seed.read_text(encoding="utf-8")) if with_text and seed.exists() else None
        extractions.append(Extraction(contract=contract, provenance={}, text=text))
        src = contract["source"]
        sources.append({"path": src["path"], "sha256": src.get("sha256"), "format": src.get("format"),
                        "pages": src.get("pages"), "status": "ok", "error": None})
    return extractions, sources


def build(directory: Path, name: str = "vanban.db", **kw) -> Path:
    extractions, sources = gold_inputs(**kw)
    db_path = Path(directory) / name
    publish(extractions, sources, db_path)
    return db_path


@pytest.fixture(scope="session")
def gold_db(tmp_path_factory) -> Path:
    """Path of ``vanban.db`` built from the five gold files (once per test session)."""
    if "gold" not in _BUILT:
        _BUILT["gold"] = build(tmp_path_factory.mktemp("gold"))
    return _BUILT["gold"]


def q(db_path, sql, params=()) -> list[dict]:
    """Rows of a query as dicts."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()
