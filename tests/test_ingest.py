"""Reading files: encodings (UTF-8/16, Windows-1258, TCVN3, VNI), pages, PDF text and
the column-aware header block."""
from __future__ import annotations

import codecs
import hashlib
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pdf_fixtures import ROOT, load_make_pdfs, text_pdf
from pipeline.read.encodings import (
    decode_text, repair_legacy, tcvn3_to_unicode, unicode_to_cp1258, unicode_to_tcvn3,
    unicode_to_vni, vietnamese_score, vni_to_unicode,
)
from pipeline.read.ingest import read_source
from pipeline.core.models import SourceFormat
from pipeline.read.pdfheader import Word, header_lines
from pipeline.run.extract import extract_path

SEEDS = ROOT / "tests" / "fixtures" / "seeds"
RAW = ROOT / "data" / "raw"
SENTENCE = ("Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. Quyết định số "
            "19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng Chính phủ về việc áp dụng "
            "Hệ thống quản lý chất lượng; người dân, khuyến khích, giữa, thuở, nghiêng.")
LOWER = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
LETTERS = LOWER + LOWER.upper()


# --- legacy encodings: known answers, written independently of the table -----------------

@pytest.mark.parametrize("legacy, expected", [
    ("B¶o Th¾ng", "Bảo Thắng"),
    ("M\u00adêng Kh\u00ad¬ng", "Mường Khương"),  # ư is 0xAD, the soft hyphen position
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("QUYÕT §ÞNH", "QUYẾT ĐỊNH"),  # capitals typed with .VnTimeH: lowercase codes
    ("Sè: 231/KH-UBND", "Số: 231/KH-UBND"),
])
def test_tcvn3_known_answers(legacy, expected):
    assert tcvn3_to_unicode(legacy) == expected


@pytest.mark.parametrize("legacy, expected", [
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("QUYEÁT ÑÒNH", "QUYẾT ĐỊNH"),
    ("UÛY BAN NHAÂN DAÂN", "ỦY BAN NHÂN DÂN"),
    ("Xin chaøo caùc baïn", "Xin chào các bạn"),
])
def test_vni_known_answers(legacy, expected):
    assert vni_to_unicode(legacy) == expected


@pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv not installed")
def test_tcvn3_table_agrees_with_iconv():
    """Every TCVN3 byte the table holds decodes as glibc's TCVN5712-1 decodes it."""
    probe = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=b"a", capture_output=True)
    if probe.returncode:
        pytest.skip("iconv has no TCVN5712-1")
    data = bytes(range(0xA1, 0x100))
    ours = unicodedata.normalize("NFC", "".join(tcvn3_to_unicode(chr(b)) for b in data))
    theirs = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data,
                            capture_output=True, check=True).stdout.decode()
    assert ours == unicodedata.normalize("NFC", theirs)


def test_tables_round_trip_every_letter():
    assert tcvn3_to_unicode(unicode_to_tcvn3(LOWER)) == LOWER
    for letter in LETTERS:
        assert vni_to_unicode(unicode_to_vni(letter)) == letter, letter


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=LETTERS + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-/()\n"))
def test_vni_round_trip(text):
    assert vni_to_unicode(unicode_to_vni(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=LOWER + "abcdefghijklmnopqrstuvwxyz0123456789 .,;:-/()\n"))
def test_tcvn3_round_trip(text):
    assert tcvn3_to_unicode(unicode_to_tcvn3(text)) == text


@pytest.mark.parametrize("encode, expected_encoding", [
    (lambda s: s.encode("utf-8"), "utf-8"),
    (lambda s: codecs.BOM_UTF8 + s.encode("utf-8"), "utf-8-sig"),
    (lambda s: s.encode("utf-16"), "utf-16"),  # with BOM
    (lambda s: s.encode("utf-16-le"), "utf-16-le"),  # without BOM: told by its zero bytes
    (lambda s: s.encode("utf-16-be"), "utf-16-be"),
    (unicode_to_cp1258, "windows-1258"),
    (lambda s: unicode_to_tcvn3(s).encode("latin-1"), "tcvn3"),
    (lambda s: unicode_to_vni(s).encode("cp1252"), "vni"),
    (lambda s: unicode_to_vni(s).encode("utf-8"), "utf-8+vni"),  # VNI text re-saved as UTF-8
])
def test_decode_text_detects_encoding(encode, expected_encoding):
    text = SENTENCE.lower() if "tcvn3" in expected_encoding else SENTENCE
    decoded, encoding = decode_text(encode(text))
    assert encoding == expected_encoding
    assert decoded == text


def test_repair_leaves_real_vietnamese_alone():
    for text in ("Hòa và các tên", SENTENCE, "plain ascii text"):
        assert repair_legacy(text) == (text, None)


def test_score_prefers_the_right_reading():
    assert vietnamese_score("Việt Nam") > vietnamese_score("ViÖt Nam")
    assert vietnamese_score("chào các bạn") > vietnamese_score("chaứo caực baùn")


# --- text files -----------------------------------------------------------------------------

def test_txt_pages_split_on_form_feeds(tmp_path):
    p = tmp_path / "x.txt"
    p.write_bytes("Trang một\r\nhai dòng\fTrang hai\f".encode("utf-8"))
    src = read_source(p)
    assert src.format is SourceFormat.TXT
    assert src.pages == ["Trang một\nhai dòng", "Trang hai"]
    assert src.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


def test_seed_reads_unchanged():
    seed = SEEDS / "001_229f55b587587d45.txt"
    src = read_source(seed)
    assert src.encoding == "utf-8"
    assert src.pages == [seed.read_text(encoding="utf-8")]


# --- PDFs ----------------------------------------------------------------------------------

SEED_HEADERS = {
    "000_3677fabeb5caf27f": ["ỦY BAN NHÂN DÂN", "TỈNH THỪA THIÊN HUẾ", "Số: 231 /KH-UBND",
                             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                             "Thừa Thiên Huế, ngày 16 tháng 6 năm 2023"],
    "001_229f55b587587d45": ["Số: 231 /KH-UBND", "Thừa Thiên Huế, ngày 16 tháng 6 năm 2023"],
    "002_a91ec36326a737e9": ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HUẾ", "Số: 314 /KH-UBND",
                             "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                             "Huế, ngày 23 tháng 7 năm 2025"],
    "003_c9f8ed6c535907a1": ["Số: /KH-UBND", "Hà Đông, ngày 06 tháng 07 năm 2026"],
    "004_489fe2d2252b8d2c": None,  # the source text has lost its header block
}


@pytest.mark.parametrize("stem", sorted(SEED_HEADERS))
def test_seed_pdf_header_read_by_column(stem):
    src = read_source(RAW / f"{stem}.pdf")
    assert src.format is SourceFormat.PDF
    assert src.page_count > 1
    assert src.header_lines == SEED_HEADERS[stem]
    assert ("KẾ HOẠCH" if stem < "004" else "QUYẾT ĐỊNH") in src.pages[0]


def test_pdfplumber_reads_the_same_header(monkeypatch):
    path = RAW / "002_a91ec36326a737e9.pdf"
    fast = read_source(path).header_lines
    monkeypatch.setenv("VANBAN_HEADER_READER", "pdfplumber")
    assert read_source(path).header_lines == fast == SEED_HEADERS[path.stem]


def test_pdf_pages_keep_boundaries(tmp_path):
    p = tmp_path / "pages.pdf"
    p.write_bytes(text_pdf(["Page one: Uy ban nhan dan tinh Thua Thien Hue ban hanh",
                            "Page two: Can cu Quyet dinh so 19/2014/QD-TTg ngay 05 thang 3",
                            "Page three: Noi nhan, Luu VT, CN va cac so ban nganh lien quan"]))
    src = read_source(p)
    assert [pg.split(":")[0] for pg in src.pages] == ["Page one", "Page two", "Page three"]
    assert src.header_lines is None  # no two-column block on this page


def W(text, x0, top, size=10.0):  # a word of ~0.5 em per character
    return Word(text, x0, x0 + 0.5 * size * len(text), top, top + size)


@pytest.mark.parametrize("words, expected", [
    (  # the interleaving pdfplumber's extract_text produces, read back by column
        [W("ỦY BAN NHÂN DÂN", 90, 60), W("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT", 300, 58),
         W("TỈNH BẮC NINH", 95, 73), W("NAM", 380, 71), W("Độc lập - Tự do - Hạnh phúc", 320, 84),
         W("Số: 12/QĐ-UBND", 90, 110), W("Bắc Ninh, ngày 2 tháng 3 năm 2024", 310, 110),
         W("QUYẾT ĐỊNH", 260, 150), W("Về việc ban hành quy chế làm việc của Ủy ban", 150, 165)],
        ["ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH", "Số: 12/QĐ-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT",
         "NAM", "Độc lập - Tự do - Hạnh phúc", "Bắc Ninh, ngày 2 tháng 3 năm 2024"],
    ),
    (  # a Công văn: the V/v summary under the number stays in the left column
        [W("BỘ KHOA HỌC VÀ CÔNG NGHỆ", 70, 60), W("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 290, 60),
         W("Độc lập - Tự do - Hạnh phúc", 320, 73),
         W("Số: 1221/BKHCN-TĐC", 80, 100), W("Hà Nội, ngày 04 tháng 5 năm 2023", 320, 100),
         W("V/v triển khai áp dụng", 85, 112), W("thí điểm TCVN ISO 18091", 85, 124),
         W("Kính gửi: Ủy ban nhân dân tỉnh Thừa Thiên Huế", 150, 160)],
        ["BỘ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 1221/BKHCN-TĐC", "V/v triển khai áp dụng",
         "thí điểm TCVN ISO 18091", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
         "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 04 tháng 5 năm 2023"],
    ),
    (  # one column only: no header block to rebuild
        [W("KẾ HOẠCH", 250, 60), W("Triển khai thực hiện nhiệm vụ năm 2024 trên địa bàn", 100, 75)],
        None,
    ),
])
def test_header_lines_from_word_positions(words, expected):
    assert header_lines(words, 595, 842) == expected


def test_make_pdfs_is_reproducible(tmp_path):
    mk = load_make_pdfs()
    seed = SEEDS / "001_229f55b587587d45.txt"
    a = mk.render(seed.read_text(encoding="utf-8"), tmp_path / "a.pdf")
    b = mk.render(seed.read_text(encoding="utf-8"), tmp_path / "b.pdf")
    assert a.read_bytes() == b.read_bytes()


def test_seed_pdfs_in_data_raw_are_current(tmp_path):
    """data/raw/*.pdf read as a fresh rendering of their seed does (re-run `make pdfs`)."""
    mk = load_make_pdfs()
    for stem in SEED_HEADERS:
        fresh = mk.render((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"), tmp_path / f"{stem}.pdf")
        a, b = read_source(fresh), read_source(RAW / f"{stem}.pdf")
        assert (a.pages, a.header_lines) == (b.pages, b.header_lines), stem


def test_pdf_header_fields_equal_the_text_they_came_from():
    for stem in SEED_HEADERS:
        from_txt = extract_path(SEEDS / f"{stem}.txt").contract["document"]
        from_pdf = extract_path(RAW / f"{stem}.pdf").contract["document"]
        assert from_pdf == from_txt, stem
