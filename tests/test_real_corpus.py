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

# section → F1 floor, per format
SECTION_FLOORS = {
    "citations": 0.88, "agencies": 0.72, "agencies+locality": 0.65,
    "tasks": 0.40, "task_agencies": 0.41, "deadlines": 0.70,
}
ATTRIBUTE_FLOORS = {
    "document.doc_type": 0.62, "document.number": 0.57, "document.issuer": 0.57,
    "document.issued_date": 0.28, "document.place": 0.11, "document.title": 0.42,
    "document.signer": 0.85, "citation.issuer": 0.92, "citation.issued_date": 0.97,
    "citation.relation": 0.71, "task.deadline": 0.91,
}
MACRO_FLOOR = 0.67


@pytest.fixture(scope="module")
def report():
    from pipeline.quality.evaluate import evaluate

    return evaluate(CORPUS / "gold", CORPUS / "raw", formats=("txt", "pdf"), survey=False, timeout=120)


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
@pytest.mark.parametrize("section", sorted(SECTION_FLOORS))
def test_section_f1_stays_above_its_floor(report, fmt, section):
    assert report.scores[fmt]["sections"][section]["f1"] >= SECTION_FLOORS[section]


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
@pytest.mark.parametrize("attribute", sorted(ATTRIBUTE_FLOORS))
def test_attribute_accuracy_stays_above_its_floor(report, fmt, attribute):
    assert report.scores[fmt]["accuracy"][attribute] >= ATTRIBUTE_FLOORS[attribute]


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_macro_f1_stays_above_its_floor(report, fmt):
    assert report.scores[fmt]["macro_f1"] >= MACRO_FLOOR


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
