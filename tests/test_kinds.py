"""Document kinds: one vocabulary (gazetteer/doc_types.tsv) read by every part that needs it."""
import pytest

import gazetteer
from gazetteer import GazetteerError, group_kinds
from extractors import citation_parts
from extractors.header import doc_type_of_number, kind_heading
from pipeline.store.publish import labels


def _row(name, code, heading="", en=""):
    return {"name": name, "code": code, "symbols": code, "issuer": "", "generic": "",
            "heading": heading, "en": en}


def test_every_kind_has_one_vietnamese_and_one_english_name():
    kinds = gazetteer.kinds()
    for code, kind in kinds.items():
        assert kind["code"] == code
        assert kind["vi"] in {w["name"] for w in kind["words"]}
        assert kind["en"] and kind["en"][0].isupper()
        assert set(kind["headings"]) <= {w["name"] for w in kind["words"]}


@pytest.mark.parametrize("code, vi, en", [
    ("QĐ", "Quyết định", "Decision"),
    ("NĐ", "Nghị định", "Decree"),
    ("KH", "Kế hoạch", "Plan"),
    ("CTr", "Chương trình", "Programme"),
    ("CV", "Công văn", "Official letter"),
    ("Luật", "Luật", "Law"),
])
def test_kind_names_by_code(code, vi, en):
    kind = gazetteer.kinds()[code]
    assert (kind["vi"], kind["en"]) == (vi, en)


def test_aliases_of_a_kind_are_its_other_words():
    words = {w["name"] for w in gazetteer.kinds()["CTr"]["words"]}
    assert {"Chương trình hành động", "Chương trình phối hợp", "Chương trình"} <= words
    assert "Văn bản" in {w["name"] for w in gazetteer.kinds()["CV"]["words"]}


@pytest.mark.parametrize("line, code", [
    ("KẾ HOẠCH", "KH"),
    ("QUYẾT ĐỊNH:", "QĐ"),
    ("HƯỚNG DẪN LIÊN NGÀNH", "HD"),
    ("KÊ HOẠCH", "KH"),            # OCR's broken mark still reads as the heading
    ("HỢP ĐỒNG", None),             # a kind that is never a document's own heading here
    ("Kế hoạch", None),             # a heading is printed in capitals
])
def test_header_reads_kind_headings_from_the_vocabulary(line, code):
    assert kind_heading(line) == code


def test_every_heading_word_is_read_by_the_header():
    for code, kind in gazetteer.kinds().items():
        for word in kind["headings"]:
            assert kind_heading(word.upper()) == code


@pytest.mark.parametrize("number, code", [
    ("45/KH-UBND", "KH"),
    ("7/2023/TT-BTC", "TT"),
    ("21-CT/TW", "CT"),
    ("310/UBND-VX", "CV"),
])
def test_symbol_codes_come_from_the_heading_kinds(number, code):
    assert doc_type_of_number(number) == code


def test_citations_read_every_kind_word_longest_first():
    words = [r["name"] for r in citation_parts.kinds()]
    all_words = [w["name"] for k in gazetteer.kinds().values() for w in k["words"]]
    assert sorted(words) == sorted(all_words)
    assert words.index("Thông tư liên tịch") < words.index("Thông tư")


def test_publishing_labels_hold_no_second_list_of_kinds():
    assert "doc_kinds" not in labels()


def test_a_kind_without_an_english_name_is_a_broken_file():
    with pytest.raises(GazetteerError, match="no row names"):
        group_kinds([_row("Tờ trình", "TTr", heading="yes")])


def test_a_kind_named_twice_is_a_broken_file():
    rows = [_row("Kế hoạch", "KH", en="Plan"), _row("Kế hoạch liên tịch", "KH", en="Joint plan")]
    with pytest.raises(GazetteerError, match="two English names"):
        group_kinds(rows)


def test_group_kinds_keeps_aliases_and_headings_in_file_order():
    rows = [_row("Hướng dẫn liên ngành", "HD", heading="yes"), _row("Hướng dẫn", "HD", "yes", "Guidance")]
    kind = group_kinds(rows)["HD"]
    assert kind["vi"] == "Hướng dẫn" and kind["en"] == "Guidance"
    assert kind["headings"] == ("Hướng dẫn liên ngành", "Hướng dẫn")
    assert [w["name"] for w in kind["words"]] == ["Hướng dẫn liên ngành", "Hướng dẫn"]
