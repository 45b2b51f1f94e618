"""Floors on the real-document corpus (``../shared/corpus``): per section and attribute, from
the text and from a PDF rendered from it. Floors are the figures last recorded in
bench/QUALITY.md and only ever go up. Skipped when the corpus is not beside the checkout."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.quality import scoring

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
REFERENCE_SCORER = ROOT.parent / "shared" / "tools" / "score.py"

pytestmark = pytest.mark.skipif(not (CORPUS / "gold").is_dir(),
                                reason="../shared/corpus is not beside the checkout")

# Floors at the figures recorded in bench/QUALITY.md (text; the PDF path, whose rendering
# depends on the installed fonts, a little below its own figures). Floors only go up.
SECTION_FLOORS = {
    "txt": {"citations": 0.985, "agencies": 0.948, "agencies+locality": 0.943,
            "tasks": 0.98, "task_agencies": 0.93, "deadlines": 0.931},
    "pdf": {"citations": 0.98, "agencies": 0.94, "agencies+locality": 0.935,
            "tasks": 0.975, "task_agencies": 0.92, "deadlines": 0.92},
}
ATTRIBUTE_FLOORS = {
    "txt": {"document.doc_type": 1.0, "document.number": 1.0, "document.issuer": 1.0,
            "document.issued_date": 0.971, "document.place": 1.0, "document.title": 0.971,
            "document.signer": 1.0, "citation.issuer": 0.99, "citation.issued_date": 0.978,
            "citation.relation": 0.987, "task.deadline": 0.989},
    "pdf": {"document.doc_type": 0.99, "document.number": 0.99, "document.issuer": 0.99,
            "document.issued_date": 0.96, "document.place": 0.99, "document.title": 0.96,
            "document.signer": 0.99, "citation.issuer": 0.98, "citation.issued_date": 0.97,
            "citation.relation": 0.98, "task.deadline": 0.97},
}
MACRO_FLOORS = {"txt": 0.961, "pdf": 0.955}


@pytest.fixture(scope="module")
def report():
    from pipeline.quality.evaluate import evaluate

    return evaluate(CORPUS / "gold", CORPUS / "raw", formats=("txt", "pdf"), survey=False, timeout=120)


@pytest.mark.parametrize("fmt, section", [(f, s) for f, floors in SECTION_FLOORS.items() for s in floors])
def test_section_f1_stays_above_its_floor(report, fmt, section):
    assert report.scores[fmt]["sections"][section]["f1"] >= SECTION_FLOORS[fmt][section]


@pytest.mark.parametrize("fmt, attribute", [(f, a) for f, floors in ATTRIBUTE_FLOORS.items() for a in floors])
def test_attribute_accuracy_stays_above_its_floor(report, fmt, attribute):
    assert report.scores[fmt]["accuracy"][attribute] >= ATTRIBUTE_FLOORS[fmt][attribute]


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_macro_f1_stays_above_its_floor(report, fmt):
    assert report.scores[fmt]["macro_f1"] >= MACRO_FLOORS[fmt]


def test_every_gold_document_is_extracted_in_both_formats(report):
    for fmt in ("txt", "pdf"):
        assert len(report.per_document[fmt]) == len(list((CORPUS / "gold").glob("*.json")))
        assert report.scores[fmt]["documents"] == len(report.per_document[fmt])


@pytest.mark.skipif(not REFERENCE_SCORER.exists(), reason="no reference scorer beside the gold")
def test_scoring_rules_agree_with_the_reference_scorer(report, tmp_path):
    """pipeline/quality/scoring.py gives the reference scorer's figures on the same predictions."""
    gold = sorted((CORPUS / "gold").glob("*.json"))
    preds = tmp_path / "pred.jsonl"
    from pipeline.run.extract import extract_path

    with preds.open("w", encoding="utf-8") as f:
        for g in gold[:8]:
            f.write(json.dumps(extract_path(CORPUS / "raw" / f"{g.stem}.txt").contract, ensure_ascii=False) + "\n")
    ref = json.loads(subprocess.run([sys.executable, str(REFERENCE_SCORER), str(preds), str(CORPUS / "gold"),
                                     "--json"], capture_output=True, text=True, check=True).stdout)
    ours = scoring.score(scoring.load_pairs(preds, CORPUS / "gold")[0])
    assert ours["sections"] == ref["sections"]
    assert ours["accuracy"] == ref["accuracy"]
    assert ours["macro_f1"] == ref["macro_f1"]
