"""Word 97–2003 .doc: through LibreOffice when installed, else through antiword.

Measured on a plan with a header table, automatic list numbers and a duty table with merged
cells (tests/fixtures/formats), and on the five seed documents saved as .doc:

* LibreOffice headless converts the file to .docx and the Word reader keeps everything —
  list numbers, tables, merged cells: the seeds score as their text (1.000), ≈ 10 s a file;
* antiword (0.6 MB) keeps the tables: its DocBook output (``-x db``) marks every row and
  cell. It loses Word's automatic list numbers (its list levels are guesses, so they are
  left out) and a merged cell's text below its first row: on the seeds, header, citations,
  agencies and deadlines as the text, tasks F1 0.18 (the outline is in the list numbers);
  20 ms a file;
* catdoc drops the tables; wvHtml numbers every list item "1." and drops paragraphs.

``VANBAN_DOC_READER=antiword`` (or ``libreoffice``) forces one reader.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.core.models import Source, SourceFormat
from pipeline.read.readers.blocks import Block, Cell, Table, render
from pipeline.read.readers.errors import ReaderError

READER_ENV = "VANBAN_DOC_READER"
TIMEOUT = 180  # seconds for one conversion


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_doc(path: Path, sha: str, fmt: SourceFormat = SourceFormat.DOC) -> Source:
    choice = os.environ.get(READER_ENV, "").lower()
    if choice != "antiword" and soffice():
        return read_via_libreoffice(path, sha, fmt)
    if choice == "libreoffice":
        raise ReaderError("reading .doc with LibreOffice needs it installed (libreoffice-writer-nogui)")
    return read_via_antiword(path, sha)


def convert(path: Path, target: str, out_dir: Path) -> Path:
    """``path`` converted by LibreOffice headless into ``out_dir`` (a private profile per call,
    so conversions may run side by side)."""
    exe = soffice()
    if exe is None:
        raise ReaderError(f"reading {path.suffix.lower()} needs LibreOffice (libreoffice-writer-nogui)")
    profile = out_dir / "profile"
    try:
        run = subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                              "--convert-to", target, "--outdir", str(out_dir), str(path.resolve())],
                             capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ReaderError(f"LibreOffice took over {TIMEOUT} s to convert the file") from None
    made = out_dir / (path.stem + "." + target.split(":")[0])
    if run.returncode or not made.exists():
        detail = (run.stderr or run.stdout).decode("utf-8", "replace").strip().splitlines()
        raise ReaderError("corrupt or unreadable document (LibreOffice could not convert it"
                          + (f": {detail[-1]}" if detail else "") + ")")
    return made


def read_via_libreoffice(path: Path, sha: str, fmt: SourceFormat) -> Source:
    from pipeline.read.readers.docx import read_docx

    with tempfile.TemporaryDirectory(prefix="vanban-doc-") as tmp:
        made = convert(path, "docx", Path(tmp))
        source = read_docx(made, sha, fmt)
    source.path = str(path)
    return source


# --- antiword -------------------------------------------------------------------------------


def read_via_antiword(path: Path, sha: str) -> Source:
    exe = shutil.which("antiword")
    if exe is None:
        raise ReaderError("reading .doc needs antiword or LibreOffice (scripts/system-deps.sh)")
    try:
        run = subprocess.run([exe, "-x", "db", "-m", "UTF-8.txt", str(path)],
                             capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ReaderError(f"antiword took over {TIMEOUT} s") from None
    if run.returncode:
        detail = run.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReaderError("corrupt Word document" + (f" ({detail[-1]})" if detail else ""))
    pages, header = render(docbook_blocks(run.stdout))
    if not any(p.strip() for p in pages):
        raise ReaderError("Word document without text")
    return Source(str(path), sha, SourceFormat.DOC, pages, header_lines=header)


def docbook_blocks(xml: bytes) -> list[Block]:
    """antiword's DocBook: paragraphs (list items as plain paragraphs) and tables."""
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml, parser)
    if root is None:
        return []
    blocks: list[Block] = []
    _walk(root, blocks)
    return blocks


def _lines(el) -> list[str]:
    text = "".join(el.itertext())
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def _walk(el, blocks: list[Block]) -> None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("informaltable", "table"):
            table = Table()
            for row in child.iter("row"):
                table.rows.append([Cell(_lines(entry)) for entry in row.iter("entry")])
            blocks.append(table)
        elif tag in ("para", "title") and not any(
                isinstance(c.tag, str) and c.tag in ("informaltable", "table") for c in child.iter()):
            blocks.append("\n".join(_lines(child)))
        elif tag in ("bookinfo",):
            continue
        else:
            _walk(child, blocks)
