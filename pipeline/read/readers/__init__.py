"""Readers for the formats beyond text and PDF, one small module each, all rendering into the
same pages of text (:mod:`.blocks`): Word (:mod:`.docx`), Word 97–2003 (:mod:`.doc`, through
antiword), OpenDocument (:mod:`.odt`, through LibreOffice when installed), saved web pages
(:mod:`.html`) and OCR tools' Markdown (:mod:`.markdown`).

:func:`read_structured` looks at the file's first bytes before trusting its name: a Word 97
file named ``.docx`` (or the reverse) is read as what it is; an HTML page named ``.doc`` is
refused — portals serve error pages under a document's name.
"""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.core.models import Source, SourceFormat
from pipeline.read.readers.errors import ReaderError

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 (and other Office 97 files)
ZIP = b"PK\x03\x04"
_HTML = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<meta|<title)", re.I)
_NAMES = {SourceFormat.DOCX: "Word document", SourceFormat.DOC: "Word document",
          SourceFormat.ODT: "OpenDocument text"}


def sniff(head: bytes) -> str:
    """What the first bytes say the file is: ole, zip, html, rtf, pdf or other."""
    body = head.lstrip(b"\xef\xbb\xbf")
    if head.startswith(OLE):
        return "ole"
    if head.startswith(ZIP):
        return "zip"
    if body.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if _HTML.match(body):
        return "html"
    return "other"


def read_structured(path: Path, fmt: SourceFormat, sha: str) -> Source:
    with open(path, "rb") as fh:
        head = fh.read(2048)
    kind = sniff(head)
    if fmt is SourceFormat.HTML:
        from pipeline.read.readers.html import read_html

        return read_html(path, sha)
    if fmt is SourceFormat.MD:
        from pipeline.read.readers.markdown import read_markdown

        return read_markdown(path, sha)
    # Word and OpenDocument: the bytes decide which reader
    if kind == "html":
        raise ReaderError(f"an HTML page saved as {path.suffix.lower()}, not a {_NAMES[fmt]}")
    if kind == "rtf":  # older portals serve RTF under .doc; LibreOffice reads it
        from pipeline.read.readers.doc import read_via_libreoffice, soffice

        if soffice() is None:
            raise ReaderError(f"an RTF file saved as {path.suffix.lower()} (reading it needs LibreOffice)")
        return read_via_libreoffice(path, sha, fmt)
    if kind == "pdf":
        raise ReaderError(f"a PDF saved as {path.suffix.lower()} (rename it .pdf)")
    if kind == "ole":
        from pipeline.read.readers.doc import read_doc

        return read_doc(path, sha)
    if kind == "zip":
        if fmt is SourceFormat.ODT or _is_odf(path):
            from pipeline.read.readers.odt import read_odt

            return read_odt(path, sha)
        from pipeline.read.readers.docx import read_docx

        return read_docx(path, sha)
    what = {SourceFormat.DOCX: "corrupt DOCX (not a zip archive)",
            SourceFormat.ODT: "corrupt ODT (not a zip archive)",
            SourceFormat.DOC: "not a Word document (no Word 97–2003 or DOCX signature)"}
    raise ReaderError(what[fmt])


def _is_odf(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return z.read("mimetype").startswith(b"application/vnd.oasis.opendocument")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
