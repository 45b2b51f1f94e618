"""Word .docx: paragraphs in order with their automatic numbering, tables, footnotes.

python-docx opens the package; the body is walked in its XML order (paragraphs and tables
interleaved, content controls opened). Word keeps a list item's number out of the text runs
("1.", "a)", a bullet): :class:`Numbering` renders it from ``numbering.xml`` as Word counts
it — one counter per list, deeper levels restarting under a new upper item, ``%1.%2.`` level
texts, start values and overrides. Footnote references stay in the text as their number
glued to the word (``phủ1``), and the footnotes follow the page as ``1 text`` lines — the
form the normaliser sets apart as footnotes. Hard page breaks split pages.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.core.models import Source, SourceFormat
from pipeline.read.readers.blocks import PAGE_BREAK, Block, Cell, Table, render
from pipeline.read.readers.errors import ReaderError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Runs whose text is not the document's: deleted revisions, field instructions.
_SKIP = {W + "del", W + "moveFrom", W + "instrText", W + "delText", MC_FALLBACK, W + "footnotePr",
         W + "endnotePr"}
TAB = "    "  # a tab stop: a wide gap, as a layout column's gutter reads in text


def read_docx(path: Path, sha: str, fmt: SourceFormat = SourceFormat.DOCX) -> Source:
    doc = open_docx(path)
    reader = _Reader(doc)
    blocks = reader.blocks(doc.element.body)
    pages, header = render(blocks)
    if reader.notes:
        pages[-1] = pages[-1].rstrip("\n") + "\n\n" + "\n".join(reader.notes) + "\n"
    return Source(str(path), sha, fmt, pages, header_lines=header)


def open_docx(path: Path):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError):  # python-docx's word for a bad zip
        raise ReaderError("corrupt DOCX (not a readable zip archive)") from None
    except KeyError as exc:
        raise ReaderError(f"corrupt DOCX (missing part {exc})") from None
    except ValueError as exc:  # a zip of something else (an .xlsx, an .odt renamed)
        raise ReaderError(f"not a Word document ({exc})") from None
    except Exception as exc:  # noqa: BLE001 — malformed XML inside the package
        raise ReaderError(f"corrupt DOCX ({type(exc).__name__}: {exc})") from None


class _Reader:
    def __init__(self, doc):
        self.numbering = Numbering(doc)
        self.styles = _StyleNumbering(doc)
        self.footnotes = _footnotes(doc)
        self.notes: list[str] = []

    def blocks(self, container) -> list[Block]:
        out: list[Block] = []
        for child in container.iterchildren():
            tag = child.tag
            if tag == W + "p":
                out.extend(self.paragraph(child))
            elif tag == W + "tbl":
                out.append(self.table(child))
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    out.extend(self.blocks(content))
            elif tag not in _SKIP and tag != W + "sectPr" and len(child):
                out.extend(self.blocks(child))  # customXml, inserted or moved-in paragraphs
        return out

    def paragraph(self, p) -> list[Block]:
        ppr = p.find(W + "pPr")
        out: list[Block] = []
        if ppr is not None and _on(ppr.find(W + "pageBreakBefore")):
            out.append(PAGE_BREAK)
        parts: list[str] = [self.number(p, ppr)]
        for piece in self._runs(p):
            if piece == PAGE_BREAK:
                out.append("".join(parts))
                out.append(PAGE_BREAK)
                parts = []
            else:
                parts.append(piece)
        out.append("".join(parts))
        return [b for b in out if b == PAGE_BREAK or b.strip()]

    def number(self, p, ppr) -> str:
        num_id, level = None, 0
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        if numpr is not None:
            num_id, level = _val(numpr.find(W + "numId")), _int(_val(numpr.find(W + "ilvl")), 0)
        if num_id is None and ppr is not None:
            style = _val(ppr.find(W + "pStyle"))
            if style:
                num_id, style_level = self.styles.get(style)
                level = style_level if numpr is None else level
        if not num_id or num_id == "0" or not _has_text(p):
            return ""
        return self.numbering.label(num_id, level)

    def _runs(self, node):
        for child in node.iterchildren():
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == W + "t":
                yield child.text or ""
            elif tag == W + "tab" and node.tag == W + "r":
                yield TAB
            elif tag in (W + "br", W + "cr"):
                kind = child.get(W + "type")
                yield PAGE_BREAK if kind == "page" else ("\n" if kind != "column" else TAB)
            elif tag == W + "noBreakHyphen":
                yield "-"
            elif tag == W + "footnoteReference":
                yield self._note(child.get(W + "id"))
            elif tag == W + "pPr" or tag == W + "rPr":
                continue
            elif tag == W + "txbxContent":  # a text box: its paragraphs in place
                for block in self.blocks(child):
                    if isinstance(block, str) and block != PAGE_BREAK:
                        yield "\n" + block + "\n"
            else:
                yield from self._runs(child)

    def _note(self, note_id: str | None) -> str:
        body = self.footnotes.get(note_id or "")
        if body is None:
            return ""
        n = len(self.notes) + 1
        self.notes.append(f"{n} {body}")
        return str(n)

    def table(self, tbl) -> Table:
        table = Table()
        vmerge: dict[int, Cell] = {}  # grid column → the cell a vertical merge continues
        for tr in tbl.iterchildren(W + "tr"):
            row: list[Cell] = []
            col = 0
            for tc in tr.iterchildren(W + "tc"):
                tcpr = tc.find(W + "tcPr")
                span = _int(_val(tcpr.find(W + "gridSpan")) if tcpr is not None else None, 1)
                merge = tcpr.find(W + "vMerge") if tcpr is not None else None
                if merge is not None and merge.get(W + "val") in (None, "continue"):
                    top = vmerge.get(col)
                    if top is not None:
                        top.rowspan += 1
                        col += span
                        continue
                cell = Cell(self._cell_lines(tc), colspan=span)
                for c in range(col, col + span):
                    vmerge.pop(c, None)
                if merge is not None:  # restart: later rows may continue it
                    vmerge[col] = cell
                row.append(cell)
                col += span
            table.rows.append(row)
        return table

    def _cell_lines(self, tc) -> list[str]:
        lines: list[str] = []
        for block in self.blocks(tc):
            if isinstance(block, Table):  # a table nested in a cell: its rows as lines
                from pipeline.read.readers.blocks import grid

                lines += [" ".join(" ".join(c) for c in r).strip() for r in grid(block)]
            elif block != PAGE_BREAK:
                lines += block.split("\n")
        return [ln for ln in lines if ln.strip()]


def _has_text(p) -> bool:
    return any((t.text or "").strip() for t in p.iter(W + "t"))


def _val(el) -> str | None:
    return None if el is None else el.get(W + "val")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _on(el) -> bool:
    return el is not None and el.get(W + "val") not in ("0", "false", "off")


def _footnotes(doc) -> dict[str, str]:
    """Footnote id → its text (separators and continuation notices left out)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        part = doc.part.part_related_by(RT.FOOTNOTES)
    except KeyError:
        return {}
    from lxml import etree

    try:
        root = etree.fromstring(part.blob)
    except etree.XMLSyntaxError:
        return {}
    notes = {}
    for fn in root.iterchildren(W + "footnote"):
        if fn.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join("".join(t.text or "" for t in p.iter(W + "t")).strip() for p in fn.iter(W + "p"))
        notes[fn.get(W + "id")] = " ".join(text.split())
    return notes


# --- list numbering ------------------------------------------------------------------------

_BULLETS = {"+": "+", "-": "-", "–": "-", "—": "-"}  # kept as typed; any other bullet → "-"


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:  # Word's a … z, aa … zz
    n = max(1, n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    """Word's list numbers from ``numbering.xml``: ``label(numId, level)`` counts one item."""

    def __init__(self, doc):
        self.levels: dict[str, dict[int, dict]] = {}  # abstractNumId → level → definition
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstract, start overrides)
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for absn in root.iterchildren(W + "abstractNum"):
            levels = {}
            for lvl in absn.iterchildren(W + "lvl"):
                levels[_int(lvl.get(W + "ilvl"), 0)] = {
                    "start": _int(_val(lvl.find(W + "start")), 1),
                    "fmt": _val(lvl.find(W + "numFmt")) or "decimal",
                    "text": _val(lvl.find(W + "lvlText")) or "",
                    "legal": lvl.find(W + "isLgl") is not None,
                    "suffix": _val(lvl.find(W + "suff")) or "tab",
                }
            self.levels[absn.get(W + "abstractNumId")] = levels
        for num in root.iterchildren(W + "num"):
            overrides = {}
            for ov in num.iterchildren(W + "lvlOverride"):
                start = ov.find(W + "startOverride")
                if start is not None:
                    overrides[_int(ov.get(W + "ilvl"), 0)] = _int(_val(start), 1)
            self.nums[num.get(W + "numId")] = (_val(num.find(W + "abstractNumId")) or "", overrides)

    def label(self, num_id: str, level: int) -> str:
        if num_id not in self.nums:
            return ""
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if level not in levels:
            return ""
        # lists sharing a definition share its counters, unless a list restarts them
        key = abstract if not overrides else num_id
        counters = self.counters.setdefault(key, [None] * 10)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in overrides.items():
                if 0 <= lvl < 10:
                    counters[lvl] = start - 1
        defn = levels[level]
        current = counters[level]
        counters[level] = defn["start"] if current is None else current + 1
        for deeper in range(level + 1, 10):
            counters[deeper] = None
        if defn["fmt"] == "bullet":
            return _BULLETS.get(defn["text"].strip(), "-") + " "
        text = defn["text"]
        for lvl in range(9, -1, -1):
            token = f"%{lvl + 1}"
            if token in text:
                d = levels.get(lvl, defn)
                n = counters[lvl] if counters[lvl] is not None else d["start"]
                text = text.replace(token, format_number(n, "decimal" if defn["legal"] else d["fmt"]))
        return (text + (" " if defn["suffix"] != "nothing" else "")) if text else ""


class _StyleNumbering:
    """A paragraph style's list (headings numbered through their style)."""

    def __init__(self, doc):
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        try:
            root = doc.styles.element
        except Exception:  # noqa: BLE001 — no styles part
            return
        for st in root.iterchildren(W + "style"):
            ppr = st.find(W + "pPr")
            numpr = ppr.find(W + "numPr") if ppr is not None else None
            num_id = _val(numpr.find(W + "numId")) if numpr is not None else None
            level = _int(_val(numpr.find(W + "ilvl")), 0) if numpr is not None else None
            self.styles[st.get(W + "styleId")] = (num_id, level, _val(st.find(W + "basedOn")))

    def get(self, style: str) -> tuple[str | None, int]:
        seen = set()
        while style and style not in seen:
            seen.add(style)
            num_id, level, based = self.styles.get(style, (None, None, None))
            if num_id:
                return num_id, level or 0
            style = based
        return None, 0
