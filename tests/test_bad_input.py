"""Bad input, one test per case: each is either read or refused with one clear line naming
the file and the reason; in a batch each gets its row in ``sources`` and the batch goes on."""
from __future__ import annotations

import codecs
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_fixtures import VERSION, standin_extract
from pdf_fixtures import ROOT, encrypted_pdf, scan_pdf, text_pdf
from pipeline.run.build import build_database
from pipeline.read.encodings import unicode_to_cp1258, unicode_to_tcvn3, unicode_to_vni
from pipeline.read.ingest import IngestError, NeedsOCR, read_source
from pipeline.core.models import SourceFormat
from pipeline.run.extract import extract_source

SEED = ROOT / "tests" / "fixtures" / "seeds" / "001_229f55b587587d45.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\x00\xff garbage \x13\x37" * 3
HTML = b"<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not found</body></html>\n"


def refused(path: Path, cls=IngestError) -> IngestError:
    with pytest.raises(cls) as info:
        read_source(path, ocr=False)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path) + ": ")
    return info.value


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


# --- refused ------------------------------------------------------------------------------

def test_corrupt_pdf(tmp_path):
    err = refused(write(tmp_path, "corrupt.pdf", CORRUPT_PDF))
    assert "corrupt PDF" in err.reason and err.status == "error"


def test_truncated_pdf(tmp_path):
    good = (ROOT / "data" / "raw" / "002_a91ec36326a737e9.pdf").read_bytes()
    err = refused(write(tmp_path, "truncated.pdf", good[: len(good) // 3]))
    assert "corrupt PDF" in err.reason


def test_encrypted_pdf(tmp_path):
    err = refused(encrypted_pdf(tmp_path / "locked.pdf"))
    assert err.reason == "encrypted PDF (password required)"


def test_encrypted_pdf_without_user_password_is_read(tmp_path):
    src = read_source(encrypted_pdf(tmp_path / "owner-only.pdf", user_password=None))
    assert "Ủy ban nhân dân" in src.pages[0]


def test_zero_byte_file(tmp_path):
    for name in ("empty.txt", "empty.pdf"):
        assert refused(write(tmp_path, name, b"")).reason == "empty file (0 bytes)"


def test_binary_junk_named_txt(tmp_path):
    junk = random.Random(7).randbytes(4096)
    assert "binary" in refused(write(tmp_path, "junk.txt", junk)).reason


def test_png_named_txt(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(500)
    assert "binary" in refused(write(tmp_path, "image.txt", png)).reason


def test_html_saved_as_pdf(tmp_path):
    assert "HTML" in refused(write(tmp_path, "page.pdf", HTML)).reason


def test_unknown_encoding_is_refused(tmp_path):
    # Latin-1 symbols with no Vietnamese reading in any of the encodings
    data = bytes([0xA4, 0xB1, 0xD7, 0xF7, 0xA6, 0xBC, 0x20]) * 40
    assert "not UTF-8" in refused(write(tmp_path, "mystery.txt", data)).reason


def test_no_text_layer_needs_ocr(tmp_path):
    err = refused(write(tmp_path, "scan.pdf", scan_pdf(3)), NeedsOCR)
    assert err.status == "needs_ocr" and "no text layer" in err.reason


# --- read -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, data, encoding", [
    ("utf16.txt", SEED_TEXT.encode("utf-16"), "utf-16"),
    ("utf16-nobom.txt", SEED_TEXT.encode("utf-16-le"), "utf-16-le"),
    ("utf8-bom.txt", codecs.BOM_UTF8 + SEED_TEXT.encode("utf-8"), "utf-8-sig"),
    ("cp1258.txt", unicode_to_cp1258(SEED_TEXT), "windows-1258"),
    ("vni.txt", unicode_to_vni(SEED_TEXT).encode("cp1252"), "vni"),
])
def test_encodings_are_converted(tmp_path, name, data, encoding):
    src = read_source(write(tmp_path, name, data))
    assert src.encoding == encoding
    assert src.pages == [SEED_TEXT]


def test_tcvn3_text(tmp_path):
    # TCVN3 holds no capitals with tones (the .VnTimeH fonts draw them from lowercase
    # codes), so compare on lowercase text.
    text = SEED_TEXT.lower()
    src = read_source(write(tmp_path, "tcvn3.txt", unicode_to_tcvn3(text).encode("latin-1")))
    assert src.encoding == "tcvn3"
    assert src.pages == [text]


def test_2000_page_pdf_streams(tmp_path):
    line = "Trang van ban: Uy ban nhan dan tinh ban hanh ke hoach trien khai nhiem vu."
    src = read_source(write(tmp_path, "big.pdf", text_pdf(repeat=2000, line=line)))
    assert src.page_count == 2000
    assert src.pages[1999].strip() == line


def test_names_with_spaces_and_vietnamese(tmp_path):
    p = tmp_path / "Kế hoạch số 231 (bản sao) Thừa Thiên Huế.txt"
    shutil.copy(SEED, p)
    src = read_source(p)
    assert src.path == str(p) and src.pages == [SEED_TEXT]


def test_uppercase_suffix_and_unsupported_type(tmp_path):
    p = tmp_path / "SCAN.PDF"
    shutil.copy(ROOT / "data" / "raw" / "001_229f55b587587d45.pdf", p)
    assert read_source(p).format is SourceFormat.PDF
    assert "unsupported" in refused(write(tmp_path, "notes.xlsx", b"PK\x03\x04")).reason


# --- the batch goes on ------------------------------------------------------------------------

def test_batch_records_every_bad_file_and_goes_on(tmp_path, capfd):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "good.txt")
    shutil.copy(SEED, raw / "bản sao của good.txt")  # duplicate content, another name
    write(raw, "corrupt.pdf", CORRUPT_PDF)
    encrypted_pdf(raw / "locked.pdf")
    write(raw, "empty.txt", b"")
    write(raw, "junk.txt", random.Random(7).randbytes(2048))
    write(raw, "page.pdf", HTML)
    write(raw, "scan.pdf", scan_pdf(2))
    write(raw, "vni.txt", unicode_to_vni(SEED_TEXT.replace("231", "232")).encode("cp1252"))
    write(raw, "big.pdf", text_pdf(repeat=2000, line="Trang van ban so 2000: Uy ban nhan dan tinh ban hanh ke hoach."))

    report = build_database([raw], tmp_path / "out" / "v.db", workers=2, progress=False,
                            ocr=False, extractor=standin_extract, version=VERSION)
    con = sqlite3.connect(tmp_path / "out" / "v.db")
    rows = {Path(p).name: (status, error) for p, status, error in
            con.execute("select path, status, error from sources")}
    # the first name in path order holds the document, the other is its duplicate
    assert rows["bản sao của good.txt"] == ("ok", None)
    assert rows["good.txt"] == ("duplicate", f"same content as {raw / 'bản sao của good.txt'}")
    assert rows["vni.txt"] == ("ok", None) and rows["big.pdf"] == ("ok", None)
    assert rows["scan.pdf"][0] == "needs_ocr"
    for bad in ("corrupt.pdf", "locked.pdf", "empty.txt", "junk.txt", "page.pdf"):
        assert rows[bad][0] == "error" and rows[bad][1], bad
    assert report.failed == 5 and report.needs_ocr == 1 and report.duplicates == 1
    assert con.execute("select count(*) from documents where ingested = 1").fetchone()[0] == 3
    err = capfd.readouterr().err
    failing = [ln for ln in err.splitlines() if ln.startswith("vanban: ")]
    assert len(failing) == 6
    assert f"vanban: {raw / 'locked.pdf'}: encrypted PDF (password required)" in failing


# --- never anything but IngestError ------------------------------------------------------------

VIET = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
vietnamese_text = st.text(alphabet=VIET + VIET.upper() + "bcdghklmnpqrstvx BCDGHKLMNPQRSTVX0123456789.,;:/-()\n\f\t", max_size=400)
encoders = st.sampled_from([
    lambda s: s.encode("utf-8"), lambda s: s.encode("utf-16"), lambda s: s.encode("utf-16-le"),
    unicode_to_cp1258, lambda s: unicode_to_vni(s).encode("cp1252", errors="replace"),
    lambda s: unicode_to_tcvn3(s).encode("latin-1", errors="replace"),
])


def extractor_errors(contract: dict) -> list[str]:
    """The details of the ``extractor_error`` warnings: an extractor that raised (the runner
    keeps the other sections and records the error instead of raising)."""
    return [w["detail"] for w in contract.get("warnings") or [] if w.get("code") == "extractor_error"]


def _through_extract(tmp_path: Path, name: str, data: bytes) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    try:
        source = read_source(p, ocr=False)
    except IngestError:
        return
    contract = extract_source(source).contract  # must not raise either
    assert extractor_errors(contract) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".pdf"]))
def test_random_bytes_never_raise_anything_else(tmp_path, data, suffix):
    _through_extract(tmp_path, "random" + suffix, data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=vietnamese_text, encode=encoders)
def test_vietnamese_looking_text_never_raises_anything_else(tmp_path, text, encode):
    _through_extract(tmp_path, "text.txt", encode(text))


vietnamese_words = st.lists(
    st.text(alphabet=VIET + VIET.upper() + "bcdghklmnpqrstvx", min_size=1, max_size=8),
    min_size=1, max_size=40,
).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=vietnamese_words)
def test_vietnamese_text_in_utf8_is_always_read(tmp_path, text):
    p = tmp_path / "t.txt"
    p.write_bytes(text.encode("utf-8"))
    src = read_source(p)
    if any(ord(c) > 0xFF for c in text):  # beyond Latin-1: never mistaken for TCVN3/VNI
        assert (src.encoding, src.pages) == ("utf-8", [text])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=vietnamese_text, cut=st.integers(min_value=0, max_value=50_000))
def test_damaged_pdfs_never_raise_anything_else(tmp_path, text, cut):
    good = (ROOT / "data" / "raw" / "003_c9f8ed6c535907a1.pdf").read_bytes()
    pos = cut % len(good)
    damaged = good[:pos] + text.encode("utf-8") + good[pos + len(text):]
    _through_extract(tmp_path, "damaged.pdf", damaged)
    assert os.path.exists(tmp_path / "damaged.pdf")
