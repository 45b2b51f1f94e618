"""OpenDocument text (.odt): converted to .docx by LibreOffice headless, then read as Word.

The same converter the .doc reader prefers gives ODT at no further cost; without LibreOffice
an .odt is refused with the package to install.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from pipeline.core.models import Source, SourceFormat
from pipeline.read.readers.doc import convert
from pipeline.read.readers.docx import read_docx


def read_odt(path: Path, sha: str) -> Source:
    with tempfile.TemporaryDirectory(prefix="vanban-odt-") as tmp:
        made = convert(path, "docx", Path(tmp))
        source = read_docx(made, sha, SourceFormat.ODT)
    source.path = str(path)
    return source
