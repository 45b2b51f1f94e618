"""Read one input file into a :class:`~pipeline.core.models.Source`: raw text page by page.

``read_source(path)`` either returns a Source or raises :class:`IngestError` whose message
is one line naming the file and the reason (``vanban: x.pdf: encrypted PDF (password
required)``). A PDF without a usable text layer raises the subclass :class:`NeedsOCR`
unless OCR (``pipeline.read.ocr``, tesseract) is available to read it; the build records such
files with status ``needs_ocr``.

* ``.txt`` — any encoding :func:`pipeline.read.encodings.decode_text` knows (UTF-8 ± BOM,
  UTF-16, Windows-1258, TCVN3, VNI); form feeds split pages.
* ``.pdf`` — pypdfium2's text layer, one page at a time (each page closed at once, so a
  2,000-page file streams); page 1's two-column header block is also read column by
  column from word positions into ``Source.header_lines`` (:mod:`pipeline.read.pdfheader`).
  A text layer typed with TCVN3/VNI fonts is converted like a legacy text file. A ruled
  table (a page with ruling lines) is read cell by cell into pipe rows, as the Word reader
  writes a table (:mod:`pipeline.read.pdftables`).
* ``.docx`` / ``.doc`` / ``.odt`` (Word, Word 97–2003, OpenDocument), ``.html`` / ``.htm`` (a
  saved web page: the document only, not the site around it), ``.md`` (OCR tools' Markdown)
  — each by its reader in :mod:`pipeline.read.readers`, into the same pages of text (tables as
  pipe rows, the header block's columns as ``header_lines``).

A file whose content is of another kind than its name says is read as what it is where that
is safe (a Word 97 file named .docx), refused otherwise (an HTML page named .doc).
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from pipeline.core.models import Source, SourceFormat

INGEST_VERSION = "2"  # bump when what read_source returns changes for the same bytes
SUFFIXES = {".txt": SourceFormat.TXT, ".pdf": SourceFormat.PDF, ".docx": SourceFormat.DOCX,
            ".doc": SourceFormat.DOC, ".odt": SourceFormat.ODT, ".html": SourceFormat.HTML,
            ".htm": SourceFormat.HTML, ".md": SourceFormat.MD}
MIN_PAGE_CHARS = 40  # fewer visible characters than this: a page without text
SAMPLE_PAGES = 20  # pages looked at to judge the whole text layer
# Words of the header block come from pypdfium2's character boxes (fast); set this to
# "pdfplumber" to take them from pdfplumber's layout analysis (≈40–150 ms a document).
HEADER_READER_ENV = "VANBAN_HEADER_READER"
# Ruled tables come from pypdfium2's path objects (≈20 ms a page that has rulings); set this
# to "pdfplumber" to find them with pdfplumber's find_tables (≈0.4 s a page).
TABLE_READER_ENV = "VANBAN_TABLE_READER"


def input_files(paths) -> list[Path]:
    """Files named, and the readable files inside folders named (recursively, sorted)."""
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        else:
            files.append(p)
    return files


class IngestError(Exception):
    """A file that cannot be read; ``str()`` is one line: ``<path>: <reason>``."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path = str(path)
        self.reason = " ".join(str(reason).split())  # always one line
        super().__init__(f"{self.path}: {self.reason}")

    status = "error"


class NeedsOCR(IngestError):
    """A PDF whose text layer is missing or unreadable, and no OCR to read it."""

    status = "needs_ocr"


def sha256_file(path: str | os.PathLike) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def read_source(path: str | os.PathLike, *, ocr: bool = True) -> Source:
    """Read ``path`` (any of :data:`SUFFIXES`). ``ocr=False`` never runs OCR (scans raise NeedsOCR)."""
    path = Path(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise IngestError(path, f"unsupported file type {path.suffix or '(none)'!r}")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IngestError(path, "file not found") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror or exc}") from None
    if size == 0:
        raise IngestError(path, "empty file (0 bytes)")
    try:
        if fmt is SourceFormat.TXT:
            return _read_txt(path)
        if fmt is SourceFormat.PDF:
            return _read_pdf(path, ocr=ocr)
        return _read_structured(path, fmt)
    except IngestError:
        raise
    except MemoryError:
        raise IngestError(path, "out of memory while reading") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror or exc}") from None


# --- text ----------------------------------------------------------------------------------


def _read_txt(path: Path) -> Source:
    from pipeline.read.encodings import UndecodableText, decode_text

    data = path.read_bytes()
    try:
        text, encoding = decode_text(data)
    except UndecodableText as exc:
        raise IngestError(path, str(exc)) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():  # a trailing form feed ends the last page
        pages.pop()
    return Source(str(path), hashlib.sha256(data).hexdigest(), SourceFormat.TXT, pages, encoding=encoding)


# --- Word, OpenDocument, web pages, Markdown --------------------------------------------------


def _read_structured(path: Path, fmt: SourceFormat) -> Source:
    from pipeline.read.readers import read_structured
    from pipeline.read.readers.errors import ReaderError

    try:
        return read_structured(path, fmt, sha256_file(path))
    except ReaderError as exc:
        raise IngestError(path, exc.reason) from None


# --- PDF -----------------------------------------------------------------------------------

_HTML = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<\?xml)", re.I)
# PDFium's own marks in extracted text: \x02 / U+FFFE a hyphen it generated at a line end.
_PDFIUM_MARKS = str.maketrans({"\x02": "-", "\ufffe": "-", "\r": None})


def _check_magic(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" in head:
        return
    if _HTML.match(head):
        raise IngestError(path, "an HTML page saved as .pdf, not a PDF")
    raise IngestError(path, "not a PDF (no %PDF header)")


def _open_pdf(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower():
            raise IngestError(path, "encrypted PDF (password required)") from None
        m = re.search(r"PDFium: ([^)]*)", msg)
        raise IngestError(path, f"corrupt PDF ({(m.group(1) if m else msg).strip().lower()})") from None


def _page_texts(doc, path: Path) -> tuple[list[str], list[str] | None]:
    """Every page's text, and page 1's header lines; pages are closed one by one."""
    pages: list[str] = []
    header: list[str] | None = None
    tables = _Tables(path)
    try:
        for i in range(len(doc)):
            try:
                page = doc[i]
            except Exception as exc:  # a broken page object
                raise IngestError(path, f"corrupt PDF (page {i + 1}: {exc})") from None
            try:
                textpage = page.get_textpage()
                try:
                    pages.append(_page_text(page, textpage, i, tables))
                    if i == 0:
                        header = _header(page, textpage, path)
                finally:
                    textpage.close()
            finally:
                page.close()
    finally:
        tables.close()
    return pages, header


class _Tables:
    """Where a page has ruling lines, its ruled tables: from pypdfium2's path objects, or
    through pdfplumber's ``find_tables`` when :data:`TABLE_READER_ENV` says so (opened once)."""

    def __init__(self, path: Path):
        self.path = path
        self.pdf = None
        self.last_header: list[str] | None = None  # column names the last page ended under

    def grids(self, page, index: int):
        from pipeline.read.pdftables import find_grids, pdfium_grids

        if os.environ.get(TABLE_READER_ENV) != "pdfplumber":
            return pdfium_grids(page, page.get_size()[1])
        if self.pdf is None:
            import pdfplumber

            self.pdf = pdfplumber.open(self.path)
        plumber_page = self.pdf.pages[index]
        try:
            return find_grids(plumber_page)
        finally:
            plumber_page.close()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _page_text(page, textpage, i: int, tables: _Tables) -> str:
    """A page's text; a ruled data table on it as pipe rows (:mod:`pipeline.read.pdftables`)."""
    from pipeline.read.pdftables import has_rulings, page_text

    text, carry = textpage.get_text_range(), None
    if has_rulings(page):
        try:
            grids = tables.grids(page, i)
            if grids:
                text, carry = page_text(textpage, page.get_size()[1], grids, _PDFIUM_MARKS, tables.last_header)
        except Exception:  # the tables are a bonus; the text layer still stands
            text, carry = textpage.get_text_range(), None
    tables.last_header = carry
    return text.replace("\r\n", "\n").translate(_PDFIUM_MARKS)


def _header(page, textpage, path: Path) -> list[str] | None:
    """Page 1's two-column header block, column by column (:mod:`pipeline.read.pdfheader`)."""
    from pipeline.read.pdfheader import header_lines, pdfium_words

    try:
        if os.environ.get(HEADER_READER_ENV) == "pdfplumber":
            from pipeline.read.pdfheader import plumber_words

            words, width, height = plumber_words(path)
        else:
            width, height = page.get_size()
            words = pdfium_words(textpage, height)
        return header_lines(words, width, height)
    except Exception:  # the header is a bonus; the text still stands
        return None


# Characters a Vietnamese text layer should not hold: controls, Latin-1 symbols (the residue
# of TCVN3/VNI fonts), other scripts, private use, U+FFFD, pdfminer-style (cid:N).
_UNEXPECTED = re.compile(
    r"[^\t\n\f\x20-\x7e\u00a0\u00a7\u00ab\u00b0\u00b7\u00bb\u00c0-\u024f\u0300-\u036f"
    r"\u1e00-\u1eff\u2000-\u206f\u20ab\u20ac\u2100-\u22ff\u25a0-\u25ff]|\(cid:\d+\)"
)


def _suspicious(sample: str) -> bool:
    """A fast screen: is ``sample`` worth :func:`pipeline.read.ocr.looks_garbled`'s judgement?"""
    return len(_UNEXPECTED.findall(sample)) > 0.005 * max(1, _visible(sample))


def _visible(text: str) -> int:
    return len("".join(text.split()))


def _read_pdf(path: Path, *, ocr: bool) -> Source:
    _check_magic(path)
    sha = sha256_file(path)
    doc = _open_pdf(path)
    try:
        if len(doc) == 0:
            raise IngestError(path, "PDF has no pages")
        pages, header = _page_texts(doc, path)
    finally:
        doc.close()

    encoding = None
    sample = "\n".join(pages[:SAMPLE_PAGES])
    from pipeline.read.encodings import repair_legacy, tcvn3_to_unicode, vni_to_unicode

    _, legacy = repair_legacy(sample)
    if legacy:  # fonts without a Unicode map, typed in TCVN3/VNI
        convert = tcvn3_to_unicode if legacy == "tcvn3" else vni_to_unicode
        pages = [convert(p) for p in pages]
        header = [convert(h) for h in header] if header else header
        sample = "\n".join(pages[:SAMPLE_PAGES])
        encoding = legacy

    filled = sum(1 for p in pages if _visible(p) >= MIN_PAGE_CHARS)
    reason = None
    if filled * 2 < len(pages):
        reason = "no text layer"
    elif _suspicious(sample):
        from pipeline.read.ocr import looks_garbled  # the careful (slower) judgement

        if looks_garbled(sample):
            reason = "text layer is unreadable (fonts without a Unicode map)"
    if reason:
        return _ocr_or_raise(path, sha, reason, ocr)
    return Source(str(path), sha, SourceFormat.PDF, pages, encoding=encoding, header_lines=header)


def _ocr_or_raise(path: Path, sha: str, reason: str, ocr: bool) -> Source:
    if not ocr:
        raise NeedsOCR(path, f"{reason}; needs OCR")
    try:
        from pipeline.read.ocr import OcrUnavailable, ocr_pdf, tesseract_available
    except ImportError:
        raise NeedsOCR(path, f"{reason}; needs OCR (OCR module unavailable)") from None
    if not tesseract_available():
        raise NeedsOCR(path, f"{reason}; needs OCR (install tesseract-ocr-vie)")
    try:
        texts, confidences = ocr_pdf(path)
    except OcrUnavailable as exc:
        raise NeedsOCR(path, f"{reason}; needs OCR ({exc})") from None
    except Exception as exc:  # a failed OCR run leaves the file waiting for OCR
        raise NeedsOCR(path, f"{reason}; OCR failed ({type(exc).__name__}: {exc})") from None
    if sum(_visible(t) for t in texts) < MIN_PAGE_CHARS:
        raise NeedsOCR(path, f"{reason}, and OCR found no text")
    return Source(str(path), sha, SourceFormat.OCR, list(texts), encoding="ocr",
                  ocr_confidence=list(confidences))
