"""The shape every structured reader (Word, web page, Markdown tables) renders into.

A reader turns its file into a list of blocks — paragraphs, tables, page breaks — and
:func:`render` lays them out as the plain text the text path reads, so every extractor works
unchanged:

* a paragraph is one line, paragraphs apart by a blank line (as in a text file);
* a data table becomes markdown pipe rows (``| STT | Nội dung | Cơ quan chủ trì |``, a rule
  under the first row), the form ``extractors.tables`` reads; a cell spanning columns keeps its
  text in its first column, a cell spanning rows repeats its text in every row it covers (each
  row's duty has that lead);
* a layout table — the header block (issuing body | motto; number | place and date) or the
  signature block set in a borderless table — is read as paragraphs, row by row and cell by
  cell; the header's cells also give ``Source.header_lines`` column by column, as the PDF
  reader does from word positions.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

PAGE_BREAK = "\f"


@dataclass
class Cell:
    lines: list[str]
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Table:
    rows: list[list[Cell]] = field(default_factory=list)


Block = str | Table  # a paragraph, a table, or PAGE_BREAK


@functools.cache
def _cues(kind: str) -> re.Pattern:
    from gazetteer import load_yaml

    cues = load_yaml("formats.yml")["layout_table_cues"]
    kinds = ("header", "signature") if kind == "layout" else (kind,)
    return re.compile("|".join(f"(?:{c})" for k in kinds for c in cues[k]), re.I)


def _has_cue(cells: list[list[list[str]]], kind: str) -> bool:
    cue = _cues(kind)
    return any(cue.search(line.strip()) for row in cells for cell in row for line in cell)


def grid(table: Table) -> list[list[list[str]]]:
    """Rows × columns of cell lines, spans laid out: a column span leaves the columns after
    its first empty, a row span repeats the cell's lines down the rows it covers."""
    out: list[list[list[str] | None]] = []
    pending: dict[int, tuple[list[str], int]] = {}  # column → (lines, rows still covered)
    for row in table.rows:
        cells: list[list[str] | None] = []
        col = 0
        queue = list(row)
        while queue or any(c >= col for c in pending):
            if col in pending:
                lines, left = pending[col]
                cells.append(list(lines))
                pending[col] = (lines, left - 1)
                if left - 1 <= 0:
                    del pending[col]
                col += 1
                continue
            if not queue:
                cells.append([])
                col += 1
                continue
            cell = queue.pop(0)
            for k in range(max(1, cell.colspan)):
                lines = cell.lines if k == 0 else []
                cells.append(list(lines))
                if cell.rowspan > 1:
                    pending[col] = (lines, cell.rowspan - 1)
                col += 1
        out.append(cells)
    width = max((len(r) for r in out), default=0)
    return [[c or [] for c in r] + [[] for _ in range(width - len(r))] for r in out]


def is_layout(cells: list[list[list[str]]]) -> bool:
    """A header or signature block set in a table (few columns, its cues inside), or a
    one-row / one-column table: read as paragraphs, not as a data table."""
    width = max((len(r) for r in cells), default=0)
    if width <= 1 or len(cells) <= 1 and width <= 3:
        return True
    if width > 3 or has_column_headers(cells[0]):
        return False
    return _has_cue(cells, "layout")


@functools.cache
def _column_headers() -> re.Pattern:
    """The task-table column names the tables extractor knows (the same data file)."""
    from gazetteer import load_yaml

    pats = [p for kind in load_yaml("section_headings.yml")["table_columns"].values() for p in kind]
    return re.compile(r"^(?:" + "|".join(pats).replace(" ", r"\s+") + r")$", re.I)


def has_column_headers(row: list[list[str]]) -> bool:
    """A first row naming two kinds of column ("STT", "Nội dung", "Thời hạn"): a data table,
    whatever its cells say."""
    names = _column_headers()
    return sum(1 for cell in row
               if names.match(" ".join(" ".join(cell).lower().replace("*", " ").split()).strip(" .:()"))) >= 2


def _cell_text(lines: list[str]) -> str:
    text = " ".join(" ".join(ln.split()) for ln in lines if ln.strip())
    return text.replace("|", "/")


def pipe_rows(cells: list[list[list[str]]]) -> list[str]:
    rows = [cells[0]] + [r for r in cells[1:] if any(_cell_text(c) for c in r)]
    out = []
    for i, row in enumerate(rows):
        out.append("| " + " | ".join(_cell_text(c) for c in row) + " |")
        if i == 0:
            out.append("|" + "---|" * len(row))
    return out


def _layout_lines(cells: list[list[list[str]]]) -> list[str]:
    return [ln for row in cells for cell in row for ln in cell if ln.strip()]


def _header_columns(cells: list[list[list[str]]]) -> list[str]:
    width = max(len(r) for r in cells)
    return [ln.strip() for col in range(width) for row in cells if col < len(row)
            for ln in row[col] if ln.strip()]


HEADER_WITHIN = 12  # the header block stands among the first blocks of a document


def render(blocks: list[Block]) -> tuple[list[str], list[str] | None]:
    """(pages, header lines) from a reader's blocks."""
    pages: list[list[str]] = [[]]
    header: list[str] | None = None
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            cells = grid(block)
            if not cells or not any(ln.strip() for r in cells for c in r for ln in c):
                continue
            if is_layout(cells):
                if (header is None and i < HEADER_WITHIN and len(pages) == 1
                        and max(map(len, cells)) > 1 and _has_cue(cells, "header")):
                    header = _header_columns(cells)
                pages[-1].append("\n\n".join(_layout_lines(cells)))
            else:
                pages[-1].append("\n".join(pipe_rows(cells)))
        elif block == PAGE_BREAK:
            if pages[-1]:
                pages.append([])
        elif block.strip():
            pages[-1].append(block.rstrip())
    if len(pages) > 1 and not pages[-1]:
        pages.pop()
    return ["\n\n".join(p) + "\n" if p else "" for p in pages], header


_has_column_headers = has_column_headers  # the name other modules imported first
