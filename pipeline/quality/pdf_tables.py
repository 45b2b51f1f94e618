"""Data tables of a document's text, found and drawn as ruled PDF tables (for render_pdf).

A text holds a table in one of two forms: markdown pipe rows (``| STT | Nhiệm vụ | … |``),
or a crawled web page's table printed one cell per run of lines, each cell after a line
that is only "|" and each row closed by a second one. A printed document shows either as a
ruled table, so that is how it is drawn: every cell wraps inside its column.

Crawled tables leave out the cells a merged cell covers, and the renderer merges them back
as the source page had them: a row of one cell, or of a row number and one cell, spans the
width (a group title, "I | Hoàn thiện thể chế"); a row without its number cell under a
numbered row shares that number (the number cell spans both rows); cells missing at a row's
end are the cells above it, spanning down. Only data tables are drawn so: a block whose first
row names its columns ("STT", "Nội dung", "Thời hạn") for the crawled form (a page's header,
signature and metadata blocks use the same bars), any table that is not a layout block for
pipe rows. Everything else stays text lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.text.tables import bar_rows

_BAR = "|"
_PIPE_ROW = re.compile(r"^\|.*\|$")
_PIPE_RULE = re.compile(r"^\|?(?:\s*:?-{2,}:?\s*\|)+\s*$")
_OPENER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,2}|[IVX]{1,5}|[A-Z])\.?$")
_EMPHASIS = re.compile(r"\*+")
TABLE_FONT = 10.0  # pt, at most; cells are set a little smaller than the body
LINE = 5.0  # mm between the lines of a cell


def plain(cell: str) -> str:
    """A cell's text without markdown emphasis marks, spaces collapsed."""
    return " ".join(_EMPHASIS.sub(" ", cell).split())


def _is_opener(cell: str) -> bool:
    return bool(_OPENER.match(plain(cell)))


def pipe_cells(line: str) -> list[str]:
    return [plain(c) for c in line.strip()[1:-1].split("|")]


def flat_rows(lines: list[str]) -> list[list[str]]:
    """Rows of cells of a table printed one cell per run of lines between "|" lines
    (:func:`pipeline.text.tables.bar_rows`), emphasis marks dropped."""
    return [[plain(c) for c in r] for r in bar_rows(lines, _is_opener)]


def _names_columns(row: list[str]) -> bool:
    from pipeline.read.readers.blocks import has_column_headers

    return has_column_headers([[c] for c in row])


def body_items(lines: list[str]) -> list[str | list[list[str]]]:
    """The body's lines, each data table among them replaced by its rows of cells."""
    out: list[str | list[list[str]]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == _BAR:  # a crawled table runs to the next blank line
            j = i
            while j < len(lines) and lines[j].strip():
                j += 1
            rows = flat_rows(lines[i:j])
            if len(rows) >= 2 and len(rows[0]) >= 3 and _names_columns(rows[0]):
                out.append(rows)
            else:
                out.extend(lines[i:j])
            i = j
            continue
        if _PIPE_ROW.match(line.strip()) and line.count(_BAR) >= 3:
            j = i
            rows = []
            while j < len(lines) and _PIPE_ROW.match(lines[j].strip()):
                if not _PIPE_RULE.match(lines[j].strip()):
                    rows.append(pipe_cells(lines[j]))
                j += 1
            if len(rows) >= 2 and not _is_layout(rows):
                out.append(rows)
            else:
                out.extend(lines[i:j])
            i = j
            continue
        out.append(line)
        i += 1
    return out


def _is_layout(rows: list[list[str]]) -> bool:
    from pipeline.read.readers.blocks import is_layout

    return is_layout([[[c] for c in r] for r in rows])


@dataclass(eq=False)
class Span:
    text: str
    colspan: int = 1
    rowspan: int = 1


def layout(rows: list[list[str]], max_rowspan: int = 0) -> list[list[Span | None]]:
    """Rows × columns (the first row's width) of cells, ``None`` where a merged cell covers
    the position, with the merges a crawled table leaves out put back (module doc); a merged
    cell spans at most ``max_rowspan`` rows when that is set (an empty cell goes on below)."""
    width = len(rows[0])
    grid: list[list[Span | None]] = []
    owners: list[list[Span]] = []
    grouped: list[bool] = []  # rows holding a cell across columns (group titles)
    for r, cells in enumerate(rows):
        if len(cells) > width:  # more cells than columns: the surplus joins the last one
            cells = cells[:width - 1] + [" ".join(c for c in cells[width - 1:] if c)]
        line: list[Span | None] = [None] * width
        own: list[Span | None] = [None] * width

        def put(c: int, text: str, span: int = 1) -> None:
            s = Span(text, span)
            line[c] = s
            for k in range(c, c + span):
                own[k] = s

        def extend(c: int, *, number: bool = False) -> bool:
            if r < 2 or grouped[r - 1]:  # never the column names, never a group title
                return False
            above = owners[r - 1][c]
            if above.colspan > 1 or (number and not _is_opener(above.text)):
                return False
            if max_rowspan and above.rowspan >= max_rowspan:
                return False
            above.rowspan += 1
            own[c] = above
            return True

        n = len(cells)
        if r == 0 or n == width:
            for c, text in enumerate(cells):
                put(c, text)
        elif n == 1:
            put(0, cells[0], width)
        elif n == 2 and _is_opener(cells[0]):
            put(0, cells[0])
            put(1, cells[1], width - 1)
        elif not _is_opener(cells[0]) and extend(0, number=True):
            for k, text in enumerate(cells[:width - 1]):
                put(k + 1, text)
            for c in range(n + 1, width):
                if not extend(c):
                    put(c, "")
        else:
            for c, text in enumerate(cells):
                put(c, text)
            for c in range(n, width):
                if not extend(c):
                    put(c, "")
        grid.append(line)
        owners.append(own)  # type: ignore[arg-type]
        grouped.append(any(s is not None and s.colspan > 1 for s in line))
    return grid


def _col_widths(pdf, grid: list[list[Span | None]], total: float, pad: float) -> list[float]:
    """Widths in proportion to each column's text, never narrower than its longest word."""
    width = len(grid[0])
    need = [0.0] * width
    mass = [0.0] * width
    for line in grid:
        for c, s in enumerate(line):
            if s is None or s.colspan > 1 or not s.text:
                continue
            words = s.text.split()
            need[c] = max(need[c], max(pdf.get_string_width(w) for w in words) + 2 * pad + 1)
            mass[c] += pdf.get_string_width(s.text)
    rows = max(1, len(grid) - 1)
    weight = [max(n, (m / rows) ** 0.5 * 4) for n, m in zip(need, mass)]
    widths = [total * w / sum(weight) for w in weight]
    for _ in range(width):  # give each column its longest word, from the widest ones
        short = [c for c in range(width) if widths[c] < need[c]]
        if not short:
            break
        for c in short:
            widths[c] = need[c]
        rest = [c for c in range(width) if c not in short]
        spare = total - sum(widths[c] for c in short)
        base = sum(widths[c] for c in rest)
        if not rest or spare <= 0 or base <= 0:
            break
        for c in rest:
            widths[c] *= spare / base
    return widths


def _too_tall(pdf, grid: list[list[Span | None]], widths: list[float], pad: float) -> bool:
    """Whether a merged cell's rows look taller than a page (estimated from the text widths,
    so that a long merge is cut before fpdf2 refuses it)."""
    heights = []
    for line in grid:
        h = 0.0
        for c, s in enumerate(line):
            if s is None or s.rowspan > 1 or not s.text:
                continue
            room = max(1.0, sum(widths[c:c + s.colspan]) - 2 * pad)
            lines = int(pdf.get_string_width(s.text) * 1.15 / room) + 1
            h = max(h, lines * LINE + 2 * pad)
        heights.append(h)
    page = (pdf.h - pdf.t_margin - pdf.b_margin) * 0.85
    return any(s is not None and s.rowspan > 1 and sum(heights[r:r + s.rowspan]) > page
               for r, line in enumerate(grid) for s in line)


def draw_table(pdf, rows: list[list[str]], max_rowspan: int = 0, size: float = TABLE_FONT) -> None:
    """Draw ``rows`` (the first one names the columns) as a ruled table across the text width.
    fpdf2 keeps a merged cell's rows on one page: merges that look taller than a page span
    fewer rows (3, then 1); one that still outgrows a page raises ValueError, and the caller
    draws again with a smaller ``max_rowspan``."""
    from fpdf.enums import TableHeadingsDisplay

    pdf.set_font("Serif", "", size)
    pad = 1.0
    for cap in (max_rowspan, 3, 1):
        if max_rowspan and cap > max_rowspan:
            continue
        grid = layout(rows, cap)
        widths = _col_widths(pdf, grid, pdf.epw, pad)
        if not _too_tall(pdf, grid, widths, pad):
            break
    pdf.ln(1)
    with pdf.table(col_widths=widths, width=pdf.epw, text_align="LEFT", v_align="TOP",
                   line_height=LINE, padding=pad, repeat_headings=TableHeadingsDisplay.NONE,
                   first_row_as_headings=True) as table:
        for line in grid:
            row = table.row()
            for s in line:
                if s is not None:
                    row.cell(s.text, colspan=s.colspan, rowspan=s.rowspan)
    pdf.ln(2)
