"""Markdown as OCR tools write it (MinerU, Marker): text the normaliser already reads, once
three things it does not know are turned into text.

* HTML ``<table>`` blocks become pipe rows (a header or signature block laid out as a table
  becomes its lines), as the Word and web readers render tables;
* image links (``![](images/x.jpg)``, ``<img …>``) go — a figure is not text;
* inline LaTeX (``$\\geq 80\\%$``, ``\\(…\\)``) becomes its characters (``≥ 80%``) from the
  symbol table in ``gazetteer/formats.yml``.

Headings (``#``), emphasis, pipe tables and pandoc escapes are left to the normaliser, which
reads them in any text.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

from pipeline.core.models import Source, SourceFormat
from pipeline.read.readers.errors import ReaderError

_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)|<img\b[^>\n]*>", re.I)
_INLINE_MATH = re.compile(r"\$\$?([^$\n]{1,200})\$\$?|\\\(([^\n]{1,200}?)\\\)")
_WRAPPERS = re.compile(r"\\(?:text|mathrm|mathbf|mathit|textbf|textit|operatorname|mathrm)\s*\{([^{}]*)\}")
_SCRIPT = re.compile(r"[\^_]\{([^{}]*)\}|[\^_](\w)")
_COMMAND = re.compile(r"\\([A-Za-z]+|[%&_#$ ,;:!])")
_TABLE_OPEN = re.compile(r"<table\b", re.I)
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)
_WRAPPER_TAGS = re.compile(r"</?(?:html|body)\s*>", re.I)


@functools.cache
def _symbols() -> dict[str, str]:
    from gazetteer import load_yaml

    return {str(k): str(v) for k, v in load_yaml("formats.yml")["latex_symbols"].items()}


def read_markdown(path: Path, sha: str) -> Source:
    from pipeline.read.encodings import UndecodableText, decode_text

    try:
        text, encoding = decode_text(path.read_bytes())
    except UndecodableText as exc:
        raise ReaderError(str(exc)) from None
    text = markdown_to_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise ReaderError("Markdown file without text")
    pages = text.split("\f")
    return Source(str(path), sha, SourceFormat.MD, pages, encoding=encoding)


def markdown_to_text(text: str) -> str:
    text = _tables(text)
    text = _IMAGE.sub("", text)
    return _INLINE_MATH.sub(lambda m: latex_text(m.group(1) or m.group(2) or ""), text)


def latex_text(tex: str) -> str:
    """A LaTeX fragment's characters: ``\\geq 80\\%`` → ``≥ 80%``."""
    symbols = _symbols()
    for _ in range(3):  # nested wrappers: \text{\textbf{x}}
        tex = _WRAPPERS.sub(r"\1", tex)
    tex = _COMMAND.sub(lambda m: symbols.get(m.group(1), " " if m.group(1) in " ,;:!" else ""), tex)
    tex = _SCRIPT.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), tex)
    tex = tex.replace("{", "").replace("}", "").replace("~", " ")
    return " ".join(tex.split())


def _tables(text: str) -> str:
    """Each outermost ``<table>…</table>`` replaced by its rendering (nesting counted)."""
    out: list[str] = []
    pos = 0
    while True:
        m = _TABLE_OPEN.search(text, pos)
        if not m:
            break
        depth, end = 0, None
        for tag in _TABLE_TAG.finditer(text, m.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        if end is None:
            break
        out.append(_WRAPPER_TAGS.sub("", text[pos:m.start()]))
        out.append("\n" + render_table(text[m.start():end]) + "\n")
        pos = end
    out.append(_WRAPPER_TAGS.sub("", text[pos:]) if out else text[pos:])
    return "".join(out)


def render_table(fragment: str) -> str:
    import lxml.html

    from pipeline.read.readers.blocks import render
    from pipeline.read.readers.html import _table

    try:
        el = lxml.html.fragment_fromstring(fragment)
    except Exception:  # noqa: BLE001 — a broken table stays as it was
        return fragment
    pages, _ = render([_table(el)])
    return pages[0].strip("\n") if pages else ""
