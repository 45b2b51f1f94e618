"""The evaluation report: miss records by kind, tables, the recorded block, empty-looking
documents — on small contracts written for the test."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline.quality import evaluate, scoring


def _doc(**kw):
    base = {"document": {"doc_type": "KH", "number": "12/KH-UBND", "issuer": {"name": "Ủy ban nhân dân tỉnh An Giang"},
                         "place": "An Giang", "issued_date": "2025-03-04", "title": "Triển khai công tác năm 2025",
                         "signer": {"name": "Lê Văn A"}},
            "citations": [], "agencies": [], "tasks": [], "deadlines": [], "source": {"path": "x/a.txt"}}
    base.update(kw)
    return base


CIT = {"doc_type": "QĐ", "number": "5/QĐ-TTg", "issued_date": "2024-01-02",
       "issuer": {"name": "Thủ tướng Chính phủ"}, "relation": "based_on"}


@pytest.mark.parametrize("pred_extra, gold_extra, expected", [
    ({"citations": []}, {"citations": [CIT]}, ("citations", "missed", "5/QĐ-TTg")),
    ({"citations": [CIT]}, {"citations": []}, ("citations", "extra", "5/QĐ-TTg")),
    ({"citations": [{**CIT, "relation": "mentions"}]}, {"citations": [CIT]}, ("citations", "wrong", "5/QĐ-TTg")),
    ({"agencies": [{"name": "Sở Tài chính", "locality": None}]},
     {"agencies": [{"name": "Sở Tài chính", "locality": "An Giang"}]}, ("agencies", "wrong", "sở tài chính")),
    ({"agencies": []}, {"agencies": [{"name": "Sở Y tế", "locality": "An Giang"}]},
     ("agencies", "missed", "sở y tế")),
    ({"tasks": [{"ref": "1", "text": "Tổ chức tuyên truyền rộng rãi", "agencies": [], "deadline": None}]},
     {"tasks": []}, ("tasks", "extra", "1")),
    ({"tasks": []}, {"tasks": [{"ref": "II.1", "text": "Rà soát thủ tục", "agencies": [], "deadline": None}]},
     ("tasks", "missed", "II.1")),
    ({"deadlines": []}, {"deadlines": [{"start": None, "end": "2025-09-15", "recurrence": None}]},
     ("deadlines", "missed", "|2025-09-15|")),
    ({"document": {**_doc()["document"], "issued_date": None}}, {}, ("document", "wrong", "issued_date")),
])
def test_each_miss_is_recorded_with_its_section_and_kind(pred_extra, gold_extra, expected):
    result = scoring.score([(_doc(**pred_extra), _doc(**gold_extra))], verbose=True)
    got = {(r["section"], r["kind"], r["item"]) for r in result["miss_records"]}
    assert expected in got


def test_a_perfect_prediction_records_no_miss():
    gold = _doc(citations=[CIT], agencies=[{"name": "Sở Y tế", "locality": "An Giang"}])
    assert scoring.score([(gold, gold)], verbose=True)["miss_records"] == []


def _report(pred, gold):
    scores = {f: scoring.score([(pred, gold)], verbose=True) for f in ("txt", "pdf")}
    per_doc = {f: [("a", scores[f]["macro_f1"])] for f in scores}
    return evaluate.EvalReport(scores, per_doc, [evaluate.DocResult("a", "txt", pred)], 1.0)


def test_table_has_a_row_per_section_and_attribute_and_a_column_per_format():
    text = evaluate.table(_report(_doc(), _doc(citations=[CIT])))
    for name in evaluate.SECTIONS + ("document.title", "citation.relation", "macro F1"):
        assert f"| {name} |" in text or f"| **{name}** |" in text
    assert "txt F1" in text and "pdf F1" in text


def test_misses_of_the_second_format_exclude_those_the_first_has():
    report = _report(_doc(), _doc(citations=[CIT]))
    assert "5/QĐ-TTg" in evaluate.misses_text(report, "txt")
    assert evaluate.misses_text(report, "pdf", beyond="txt").strip() == "none"


def test_record_rewrites_only_the_current_block(tmp_path):
    md = tmp_path / "Q.md"
    md.write_text(f"intro\n{evaluate.BEGIN}\nold figures\n{evaluate.END}\noutro\n", encoding="utf-8")
    evaluate.record(_report(_doc(), _doc()), md, today=dt.date(2026, 1, 2))
    text = md.read_text(encoding="utf-8")
    assert text.startswith("intro\n") and text.endswith("outro\n")
    assert "old figures" not in text and "Measured 2026-01-02" in text and "| citations |" in text


def test_record_refuses_a_file_without_the_block(tmp_path):
    md = tmp_path / "Q.md"
    md.write_text("no block\n", encoding="utf-8")
    with pytest.raises(ValueError, match="current:begin"):
        evaluate.record(_report(_doc(), _doc()), md)


@pytest.mark.parametrize("contract, body, expected", [
    ({"document": {}}, "", "no header fields"),
    (_doc(), "Căn cứ Luật Tổ chức chính quyền địa phương;\n", "no citations though the text has 'Căn cứ'"),
    (_doc(), "II. NHIỆM VỤ\n1. Rà soát.\n", "no tasks though the text has a duty section"),
    ({**_doc(), "warnings": [{"code": "extractor_error", "detail": "tasks: X"}]}, "", "extractor_error"),
])
def test_documents_that_look_empty_are_reported(contract, body, expected):
    assert expected in evaluate._looks_empty(contract, body)


def test_a_complete_extraction_does_not_look_empty():
    contract = _doc(citations=[CIT], tasks=[{"ref": "1", "text": "x"}])
    assert evaluate._looks_empty(contract, "Căn cứ Quyết định số 5/QĐ-TTg;\nII. NHIỆM VỤ\n1. x\n") == []


def test_eval_scores_a_gold_folder_in_both_formats(tmp_path):
    """End to end on a seed: its text and its rendered PDF both score against its gold."""
    import shutil
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures"
    seed = sorted((fixtures / "seeds").glob("001_*.txt"))[0]
    (tmp_path / "gold").mkdir()
    (tmp_path / "raw").mkdir()
    shutil.copy(fixtures / "gold" / f"{seed.stem}.json", tmp_path / "gold")
    shutil.copy(seed, tmp_path / "raw")
    (tmp_path / "raw" / "zz_unreadable.txt").write_bytes(b"")
    report = evaluate.evaluate(tmp_path / "gold", workers=1)
    assert report.scores["txt"]["macro_f1"] == 1.0
    assert report.scores["pdf"]["macro_f1"] == 1.0
    assert [r.stem for r in report.survey] == [seed.stem, "zz_unreadable"]
    assert report.survey[1].error  # an empty file is reported, not fatal
