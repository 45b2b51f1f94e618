"""A database built once per session by the real pipeline from the seed texts (plus one
seed PDF from data/raw, so the PDF reader takes part), shared by the analysis and notebook
tests. No OCR, no dependence on `make extract` having run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.run.build import build_database

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
RAW_PDF = ROOT / "data" / "raw" / "002_a91ec36326a737e9.pdf"
_BUILT: dict[str, Path] = {}


def build_seed_db(directory: Path) -> Path:
    inputs = directory / "inputs"
    shutil.copytree(SEEDS, inputs)
    if RAW_PDF.exists():
        shutil.copy2(RAW_PDF, inputs / RAW_PDF.name)
    out = directory / "out" / "vanban.db"
    build_database([inputs], out, workers=0, progress=False, ocr=False)
    return out


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """Path of a database the pipeline built from the seeds (once per test session)."""
    if "seeds" not in _BUILT:
        _BUILT["seeds"] = build_seed_db(tmp_path_factory.mktemp("seed-db"))
    return _BUILT["seeds"]
