"""OCR of scanned PDFs (pipeline/read/ocr.py) and OCR text repair (pipeline/read/ocr_repair.py)."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.read import ocr
from pipeline.run.extract import extract_path
from pipeline.read.ocr_repair import (
    clear_debris,
    fix_broken_diacritics,
    fix_digit_lookalikes,
    fix_document_symbols,
    fix_lookalike_chars,
    fix_place_names,
    fix_roman_headings,
    fix_signature_marks,
    fix_standard_codes,
    fix_urls,
    join_hyphenated_breaks,
    repair_ocr_pages,
    repair_ocr_text,
)

FIXTURES = Path(__file__).parent / "fixtures"
SCANNED = FIXTURES / "scanned"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
GOLD = FIXTURES / "gold"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

needs_tesseract = pytest.mark.skipif(
    not ocr.tesseract_available(),
    reason="tesseract with the Vietnamese model is not installed "
           "(apt-get install tesseract-ocr tesseract-ocr-vie, or `make system-deps`)")


# --- repair steps, one table each ---------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("ÐIỀU 1", "ĐIỀU 1"),
    ("ðồng", "đồng"),
    ("19/2014/QÐ-TTg", "19/2014/QĐ-TTg"),
    ("cöng nghệ", "công nghệ"),
    ("nǎm 2023", "năm 2023"),
    ("19⁄2014", "19/2014"),
    ("(b/©);", "(b/c);"),
    ("Đồng Nai", "Đồng Nai"),  # already right
])
def test_fix_lookalike_chars(raw, expected):
    assert fix_lookalike_chars(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Vie \u0323t", "Vi\u1eb9t"),                  # combining dot below set apart by a space
    ("Quye\u00b4t", "Quy\u00e9t"),                 # spacing acute inside a word
    ("nhie`u ho\u02c6m", "nhi\u00e8u h\u00f4m"),   # spacing grave, spacing circumflex
    ("Vie\u0302\u0323t", "Vi\u1ec7t"),             # decomposed → NFC
    ("`a`", "`a`"),                                 # markup, not an accent: no letter after
    ("it's", "it's"),
])
def test_fix_broken_diacritics(raw, expected):
    assert fix_broken_diacritics(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("giai đoạn 2021-\n2025", "giai đoạn 2021-2025"),
    ("Quyết định 2667/QĐ-\nBKHCN", "Quyết định 2667/QĐ-BKHCN"),
    ("chất lư-\nợng", "chất lượng"),   # one syllable cut in two
    ("kinh-\ntế", "kinh-tế"),          # two syllables: the hyphen stays
    ("Độc lập -\nTự do", "Độc lập -\nTự do"),  # a spaced dash is no hyphenation
    ("đoạn 2021-\n\n2025", "đoạn 2021-\n\n2025"),  # a paragraph break stays
])
def test_join_hyphenated_breaks(raw, expected):
    assert join_hyphenated_breaks(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("l9/2O14/OĐ-TTg", "19/2014/QĐ-TTg"),
    ("2667/0Đ-BKHCN", "2667/QĐ-BKHCN"),
    ("Số: 23l /KH-UBND", "Số: 231 /KH-UBND"),
    ("1221/BKHCN-T0C", "1221/BKHCN-TOC"),
    ("76/N0-CP", "76/NQ-CP"),
    ("37/2OO8/NQ-HĐND", "37/2008/NQ-HĐND"),
    ("38-CT/TW", "38-CT/TW"),
    ("169/QĐ-BCĐCCHC", "169/QĐ-BCĐCCHC"),
    ("101/QĐĐ-BKHCN", "101/QĐ-BKHCN"),  # one Đ read twice
    ("15/7/2021", "15/7/2021"),        # a date, not a symbol
    ("1/2 số lượng", "1/2 số lượng"),
])
def test_fix_document_symbols(raw, expected):
    assert fix_document_symbols(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("TCVN IS0 9001:2015", "TCVN ISO 9001:2015"),
    ("TCVN 1SO 18091:2020", "TCVN ISO 18091:2020"),
    ("TCVN I1SO 9001:2015", "TCVN ISO 9001:2015"),
    ("ISO 9001", "ISO 9001"),
    ("ISOLATE 1", "ISOLATE 1"),
    ("1SO điện tử", "ISO điện tử"),
    ("TCVN ISO 18091 :2020", "TCVN ISO 18091:2020"),
    ("ISO 9001 : 2015", "ISO 9001:2015"),
])
def test_fix_standard_codes(raw, expected):
    assert fix_standard_codes(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("năm 2O23", "năm 2023"),
    ("ngày O4 tháng 5", "ngày 04 tháng 5"),
    ("ngày l5/7/2O21", "ngày 15/7/2021"),
    ("ISO 900l:2015", "ISO 9001:2015"),
    ("Phần I, mục II", "Phần I, mục II"),  # Roman numerals: no digit in the run
    ("lO", "lO"),
    ("COVID-19", "COVID-19"),
    ("Hòa", "Hòa"),
])
def test_fix_digit_lookalikes(raw, expected):
    assert fix_digit_lookalikes(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("I. MỤC ĐÍCH\nIL NHIỆM VỤ\nIII. KINH PHÍ", "I. MỤC ĐÍCH\nII. NHIỆM VỤ\nIII. KINH PHÍ"),
    ("I. A\nII. B\nII. C\nIV. D", "I. A\nII. B\nIII. C\nIV. D"),   # III read as II
    ("I. A\nII. B\nI. A\nII. B", "I. A\nII. B\nI. A\nII. B"),      # numbering restarts
    ("I. A\nII. B\nII. C\nV. D", "I. A\nII. B\nII. C\nV. D"),      # unconfirmed: left
    ("IL est", "IL est"),                                                # no heading
])
def test_fix_roman_headings(raw, expected):
    assert fix_roman_headings(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Nơi nhận:\n+\n- Bộ Tài chính;", "Nơi nhận:\n\n- Bộ Tài chính;"),
    ("_ PHÓ CHỦ TỊCH\nz\n  Nguyễn Văn A", "PHÓ CHỦ TỊCH\n\n  Nguyễn Văn A"),
    ("I.\na) Mục tiêu\n- Các sở;", "I.\na) Mục tiêu\n- Các sở;"),  # short but real
    ("- _ Nguyễn Văn A\nN    ..\nLê Văn B _", "Nguyễn Văn A\n\nLê Văn B"),
])
def test_clear_debris(raw, expected):
    assert clear_debris(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("https://x.vn/tcvn-iso-9001-201 5-he-thong-916 104.aspx",
     "https://x.vn/tcvn-iso-9001-2015-he-thong-916104.aspx"),
    ("https://a.vn/x-1 2 https://b.vn/y", "https://a.vn/x-12 https://b.vn/y"),
    ("Xem tại https://a.vn/x và b", "Xem tại https://a.vn/x và b"),  # prose: untouched
])
def test_fix_urls(raw, expected):
    assert fix_urls(raw) == expected


def test_roman_headings_run_across_pages():
    pages = ["I. MỤC ĐÍCH\nnội dung", "II. PHẠM VI\nnội dung", "II. NỘI DUNG", "IV. TỔ CHỨC"]
    assert [p.split("\n")[0] for p in repair_ocr_pages(pages)] == [
        "I. MỤC ĐÍCH", "II. PHẠM VI", "III. NỘI DUNG", "IV. TỔ CHỨC"]


@pytest.mark.parametrize("raw, expected", [
    ("TM: ỦY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"),
    ('"KT. CHỦ TỊCH', "KT. CHỦ TỊCH"),
    ("KT-CHỦ TỊCH", "KT. CHỦ TỊCH"),
    ("**KT. CHỦ TỊCH", "**KT. CHỦ TỊCH"),  # markup: the normaliser's job
    ("TL. GIÁM ĐỐC", "TL. GIÁM ĐỐC"),
    ("KTX Bách Khoa", "KTX Bách Khoa"),
])
def test_fix_signature_marks(raw, expected):
    assert fix_signature_marks(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("TỈNH THÙA THIÊN HUẾ", "TỈNH THỪA THIÊN HUẾ"),
    ("Thưa Thiên Huế, ngày 16 tháng 6 năm 2023", "Thừa Thiên Huế, ngày 16 tháng 6 năm 2023"),
    ("trên địa bàn xã Ha Đông năm 2026", "trên địa bàn xã Hà Đông năm 2026"),
    ("Ủy ban nhân dân tỉnh Kon Tum", "Ủy ban nhân dân tỉnh Kon Tum"),  # right already
    ("tỉnh Thừa Thiên Huế và Bộ", "tỉnh Thừa Thiên Huế và Bộ"),
    ("thành phố Xyzabc", "thành phố Xyzabc"),  # unknown: left as read
])
def test_fix_place_names(raw, expected):
    assert fix_place_names(raw) == expected


def test_repair_chain_on_a_noisy_line():
    raw = "Căn cứ Quyết định số l9/2O14/OĐ-TTg ngày O5 tháng 3 năm 2O14 của Thủ tướng về TCVN IS0 9001:2OO8"
    assert repair_ocr_text(raw) == (
        "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng về TCVN ISO 9001:2008")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_repair_leaves_correct_text_alone(seed):
    text = unicodedata.normalize("NFC", seed.read_text(encoding="utf-8"))
    assert repair_ocr_text(text) == text


def _gold_symbols() -> list[str]:
    numbers = set()
    for path in GOLD.glob("*.json"):
        gold = json.loads(path.read_text(encoding="utf-8"))
        numbers.add(gold["document"]["number"])
        numbers.update(c["number"] for c in gold["citations"])
    return sorted(n for n in numbers if n and re.search(r"[01]", n))


_MISREAD = {"0": "Oo", "1": "lI"}


@st.composite
def misread_symbol(draw):
    """A gold symbol with one 0/1 per digit run misread as a letter."""
    symbol = draw(st.sampled_from(_gold_symbols()))
    out = symbol
    for m in re.finditer(r"\d+", symbol):
        spots = [m.start() + i for i, c in enumerate(m.group()) if c in _MISREAD]
        if spots and len(m.group()) > 1:
            i = draw(st.sampled_from(spots))
            out = out[:i] + draw(st.sampled_from(_MISREAD[out[i]])) + out[i + 1:]
    return symbol, out


@settings(max_examples=60, deadline=None)
@given(misread_symbol())
def test_repair_restores_misread_gold_symbols(pair):
    symbol, misread = pair
    assert repair_ocr_text(f"Căn cứ Quyết định số {misread} ngày 05/3/2014;") == \
        f"Căn cứ Quyết định số {symbol} ngày 05/3/2014;"


# --- does a PDF need OCR? ---------------------------------------------------------------

@pytest.mark.parametrize("text, garbled", [
    ("Căn cứ Quyết định số 2667/QĐ-BKHCN ngày 28 tháng 12 năm 2022 của Bộ Khoa học và "
     "Công nghệ phê duyệt phương hướng, mục tiêu, nhiệm vụ khoa học công nghệ và đổi mới "
     "sáng tạo đến năm 2025; Ủy ban nhân dân tỉnh xây dựng kế hoạch", False),
    # TCVN3 (.VnTime font) bytes read as Latin-1: "Uû ban nh©n d©n tØnh Thõa Thiªn HuÕ"
    ("Uû ban nh©n d©n tØnh Thõa Thiªn HuÕ ban hµnh kÕ ho¹ch ¸p dông tiªu chuÈn "
     "quèc gia TCVN ISO 9001:2015 vµo ho¹t ®éng cña c¸c c¬ quan", True),
    ("(cid:3)(cid:4)(cid:5)(cid:6)(cid:7)(cid:8) (cid:9)(cid:10)(cid:11)", True),
    ("\ue000\ue001\ue002 \ue003\ue004 \ue005\ue006", True),
    # Glyph-index text: Latin letters, but no word reads as Vietnamese.
    (" ".join(["Xqwz bkrt Pzzlq mnbv Qxxr"] * 6), True),
    ("", False),
    ("Số: 231/KH-UBND", False),  # too little to judge
])
def test_looks_garbled(text, garbled):
    assert ocr.looks_garbled(text) is garbled


def _text_pdf(path: Path, lines: list[str]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", FONT)
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_text_pdf_has_a_text_layer(tmp_path):
    seed = (FIXTURES / "seeds" / "001_229f55b587587d45.txt").read_text(encoding="utf-8")
    pdf = _text_pdf(tmp_path / "t.pdf", [ln for ln in seed.splitlines() if ln.strip()][:25])
    assert ocr.has_text_layer(pdf)
    assert not ocr.needs_ocr(pdf)


def test_scan_has_no_text_layer():
    scan = next(SCANNED.glob("*.pdf"))
    assert not ocr.has_text_layer(scan)
    assert ocr.needs_ocr(scan)


def test_nearly_empty_text_layer_counts_as_none(tmp_path):
    pdf = _text_pdf(tmp_path / "stamp.pdf", ["Trang 1"])  # a page number and nothing else
    assert not ocr.has_text_layer(pdf)


# --- the OCR cache (no tesseract needed) ---------------------------------------------------

def _counting_fake(monkeypatch):
    calls = []

    def fake(png: bytes, lang: str = "vie"):
        calls.append(len(png))
        return f"trang {len(calls)}", 0.9

    monkeypatch.setattr(ocr, "_run_tesseract", fake)
    monkeypatch.setattr(ocr, "tesseract_available", lambda lang="vie": True)
    return calls


def test_cache_hit_skips_tesseract(tmp_path, monkeypatch):
    calls = _counting_fake(monkeypatch)
    scan = SCANNED / "001_229f55b587587d45.pdf"
    first = ocr.ocr_pdf(scan, workers=1, cache_dir=tmp_path, dpi=72)
    assert len(calls) == 1
    second = ocr.ocr_pdf(scan, workers=1, cache_dir=tmp_path, dpi=72)
    assert len(calls) == 1  # served from the cache
    assert second == first
    pages = [p for p in tmp_path.rglob("*.json") if p.parent.name != "files"]
    assert len(pages) == 1


def test_rerun_of_the_same_file_skips_rendering(tmp_path, monkeypatch):
    _counting_fake(monkeypatch)
    scan = SCANNED / "001_229f55b587587d45.pdf"
    first = ocr.ocr_pdf(scan, cache_dir=tmp_path, dpi=72)
    monkeypatch.setattr(ocr, "render_pages", lambda *a, **k: pytest.fail("rendered again"))
    assert ocr.ocr_pdf(scan, cache_dir=tmp_path, dpi=72) == first


def test_same_page_in_another_file_is_a_cache_hit(tmp_path, monkeypatch):
    calls = _counting_fake(monkeypatch)
    scan = SCANNED / "001_229f55b587587d45.pdf"
    other = tmp_path / "copy.pdf"
    other.write_bytes(scan.read_bytes() + b"\n%another file, same page\n")
    ocr.ocr_pdf(scan, cache_dir=tmp_path / "cache", dpi=72)
    ocr.ocr_pdf(other, cache_dir=tmp_path / "cache", dpi=72)
    assert len(calls) == 1


def test_cache_can_be_disabled(tmp_path, monkeypatch):
    calls = _counting_fake(monkeypatch)
    scan = SCANNED / "001_229f55b587587d45.pdf"
    ocr.ocr_pdf(scan, cache_dir=False, dpi=72)
    ocr.ocr_pdf(scan, cache_dir=False, dpi=72)
    assert len(calls) == 2


def test_torn_cache_file_is_redone(tmp_path, monkeypatch):
    calls = _counting_fake(monkeypatch)
    scan = SCANNED / "001_229f55b587587d45.pdf"
    ocr.ocr_pdf(scan, cache_dir=tmp_path, dpi=72)
    for f in tmp_path.rglob("*.json"):
        f.write_text("{not json")
    texts, confs = ocr.ocr_pdf(scan, cache_dir=tmp_path, dpi=72)
    assert len(calls) == 2 and confs == [0.9]


def test_missing_tesseract_raises(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_available", lambda lang="vie": False)
    with pytest.raises(ocr.OcrUnavailable):
        ocr.ocr_pdf(SCANNED / "001_229f55b587587d45.pdf")


@pytest.mark.parametrize("tsv, expected", [
    ("level\tconf\ttext\n1\t-1\t\n5\t90\tSố\n5\t70\t231\n5\t95\t \n", 0.8),
    ("level\tconf\ttext\n1\t-1\t\n", 0.0),
])
def test_mean_confidence(tsv, expected):
    assert ocr._mean_confidence(tsv) == pytest.approx(expected)


# --- real OCR of one scanned seed page -------------------------------------------------------

@needs_tesseract
def test_ocr_finds_number_and_date_of_a_scanned_seed(tmp_path, monkeypatch):
    stem = "001_229f55b587587d45"
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))["document"]
    calls = []
    real = ocr._run_tesseract
    monkeypatch.setattr(ocr, "_run_tesseract", lambda png, lang="vie": calls.append(1) or real(png, lang))

    texts, confs = ocr.ocr_pdf(SCANNED / f"{stem}.pdf", cache_dir=tmp_path)
    assert len(texts) == len(confs) == len(calls) >= 1
    assert all(0.5 < c <= 1 for c in confs)
    page = repair_ocr_text(texts[0])
    assert gold["number"] in re.sub(r"\s+", "", page)
    y, m, d = (int(x) for x in gold["issued_date"].split("-"))
    assert re.search(rf"ngày 0?{d} tháng 0?{m} năm {y}", page)

    again = ocr.ocr_pdf(SCANNED / f"{stem}.pdf", cache_dir=tmp_path)
    assert again == (texts, confs)
    assert len(calls) == len(texts)  # the re-run cost no OCR


@needs_tesseract
@pytest.mark.parametrize("stem", ["001_229f55b587587d45", "004_489fe2d2252b8d2c"])
def test_scanned_seed_page_through_the_pipeline(stem, tmp_path, monkeypatch):
    """Ingest → OCR → repair → normalise → extract on the first page of a scanned seed:
    the header and the citations it holds agree with the gold."""
    monkeypatch.setenv(ocr.CACHE_ENV, str(tmp_path))
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    contract = extract_path(SCANNED / f"{stem}.pdf").contract

    assert contract["source"]["format"] == "ocr"
    for field in ("number", "issued_date"):
        assert contract["document"][field] == gold["document"][field]
    found = {c["number"] for c in contract["citations"] if c["number"]}
    assert found <= {c["number"] for c in gold["citations"]}
    if stem.startswith("004"):  # its first page cites six documents by number
        assert len(found) >= 5
