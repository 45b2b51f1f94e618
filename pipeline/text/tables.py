"""Tables of a document, found once from its raw pages: rows of cells, each cell with its
offsets in the normalised text.

Three shapes of flattened table are read:

* markdown/pipe or tab-separated rows (``| STT | Nội dung | Cơ quan chủ trì |``),
  :func:`raw_tables`;
* a web page's table printed one cell per run of lines between ``|`` lines,
  :func:`flat_tables`;
* pdftotext ``-layout`` tables without borders: cells in space-aligned columns, a long cell
  wrapped onto the next lines in its own column (:func:`layout_tables`). The columns are cut
  at the header cells' start positions (a header cell may wrap as well: "Thời gian" /
  "hoàn thành"), a line with a number in the first column opens a row and the lines below
  it add to its cells.

A table is a block whose header row names its columns with the words of
gazetteer/section_headings.yml ``table_columns`` (:func:`column_kind`). The normaliser turns
cell borders into spaces and may glue rows together, so the cells read from the raw lines
are found again in the normalised text, in order. It splits layout lines at their gaps, so
a wrapped layout cell is not one run of the normalised text: its offsets are those of its
first piece and its text is whole (``Cell.layout``). A table that runs on over a page break
without repeating its header is one table: the next page's opening rows (a headless pipe
block of the same width, or layout lines cut at the table's columns) are added to it.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from gazetteer import load_yaml

from pipeline.core.models import Cell, TextTable

_COLUMNS = load_yaml("section_headings.yml")["table_columns"]
_COLUMN_RES = {
    kind: re.compile(r"^(?:" + "|".join(pats).replace(" ", r"\s+") + r")$", re.I)
    for kind, pats in _COLUMNS.items()
}
_ROW = re.compile(r"^\s*\|.*\|\s*$|^[^\t\n]*\t[^\t\n]*\t")
_RULE = re.compile(r"^\s*+\|?(?:\s*+:?-{2,}:?\s*+\|?)+\s*$")  # possessive: linear on blanks
_NUMBER_CELL = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,2}|[IVX]{1,5}|[A-Z])\.?$")


def column_kind(header: str) -> str | None:
    """``"content"``, ``"lead"``, ``"deadline"`` … for a header cell, or None."""
    h = " ".join(header.lower().replace("*", " ").split()).strip(" .:()")
    for kind, rx in _COLUMN_RES.items():
        if rx.match(h):
            return kind
    return None


def _cells(line: str) -> list[str]:
    if "|" in line:
        parts = line.strip().split("|")
        if parts and not parts[0].strip():
            parts = parts[1:]
        if parts and not parts[-1].strip():
            parts = parts[:-1]
    else:
        parts = line.split("\t")
    return [p.strip() for p in parts]


def raw_tables(raw: str) -> list[list[list[str]]]:
    """Blocks of consecutive table lines in raw text, as rows of cell strings."""
    blocks: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in raw.splitlines():
        if _RULE.match(line) and current:
            continue
        if _ROW.match(line) and len(_cells(line)) >= 3:
            current.append(_cells(line))
            continue
        if current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


_BAR = "|"
_ROW_OPENER = re.compile(r"^\**\s*(?:\d{1,3}(?:\.\d{1,3}){0,2}|[IVX]{1,5}|[A-Z])\.?\s*\**$")


def bar_rows(lines: list[str], opens_row=None) -> list[list[str]]:
    """Rows of cell strings of one table printed one cell per run of lines, each cell after a
    line that is only "|" and each row closed by one. "|" twice in a row closes a row, or
    stands for an empty cell: it is a new row when the row holds all the first row's cells
    already or the next cell opens a row (``opens_row``: a row number by default)."""
    opens_row = opens_row or _ROW_OPENER.match
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    bars = 0
    for raw in lines:
        line = raw.strip()
        if line == _BAR:
            if cell:
                row.append(" ".join(cell))
                cell = []
            bars += 1
            continue
        if bars >= 2 and row:
            if not rows or len(row) >= len(rows[0]) or opens_row(line):
                rows.append(row)
                row = []
            else:
                row.extend([""] * (bars - 1))
        bars = 0
        cell.append(line)
    if cell:
        row.append(" ".join(cell))
    if row:
        rows.append(row)
    return rows


def flat_tables(raw: str) -> list[list[list[str]]]:
    """Tables a web page printed one cell per run of lines (:func:`bar_rows`: "|" / "STT" /
    "|" / "Nội dung" / … / "|" / "|" / "1" / …), as rows of cell strings. A table is a run of
    lines without a blank one."""
    blocks: list[list[list[str]]] = []
    lines = raw.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != _BAR:
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i].strip():
            i += 1
        rows = bar_rows(lines[start:i])
        if len(rows) >= 2 and max(len(r) for r in rows) >= 3:
            blocks.append(_spanned_numbers(rows))
    return blocks


def _spanned_numbers(rows: list[list[str]]) -> list[list[str]]:
    """A row printed without its number cell under a numbered row ("1" spans two rows, each
    with its own Nhiệm vụ) gets an empty number cell, so that its cells keep their columns."""
    if column_kind(rows[0][0]) != "number":
        return rows
    out = [rows[0]]
    for row in rows[1:]:
        prev = out[-1]
        if (len(out) > 1 and 2 <= len(row) < len(rows[0]) and not _ROW_OPENER.match(row[0])
                and (_ROW_OPENER.match(prev[0]) or not prev[0])):
            row = ["", *row]
        out.append(row)
    return out


_GAP = re.compile(r"\s{2,}")
_LAYOUT_END_BLANKS = 3  # this many blank lines end a layout table


def _fragments(line: str) -> list[tuple[int, str]]:
    """(column, text) of each piece of a layout line, cut at runs of two or more spaces."""
    out, pos = [], 0
    for m in [*_GAP.finditer(line), None]:
        end = m.start() if m else len(line)
        piece = line[pos:end]
        if piece.strip():
            out.append((pos + len(piece) - len(piece.lstrip()), piece.strip()))
        pos = m.end() if m else len(line)
    return out


def _column_of(col: int, starts: list[int]) -> int:
    """The column a piece starting at ``col`` belongs to (a centred cell may start a little
    before its header)."""
    best = 0
    for i, s in enumerate(starts):
        if col >= s - 2:
            best = i
    return best


def _place_pieces(frags: list[tuple[int, str]], starts: list[int]) -> dict[int, str] | None:
    """The pieces of a line by column; a piece that runs over the next column's start is cut
    at the single space before it. None when a piece spans columns and cannot be cut (the
    line is no table line)."""
    out: dict[int, str] = {}
    for col, text in frags:
        i = _column_of(col, starts)
        while text:
            nxt = starts[i + 1] if i + 1 < len(starts) else None
            if nxt is None or col + len(text) <= nxt:
                out[i] = (out.get(i, "") + " " + text).strip()
                break
            cut = text.rfind(" ", 0, nxt - col + 1)
            if cut <= 0:
                return None
            out[i] = (out.get(i, "") + " " + text[:cut]).strip()
            text = text[cut:].lstrip()
            col += cut + 1
            i += 1
    return out


def _layout_rows(lines: list[str], j: int, starts: list[int], header: list[str] | None):
    """Rows of a layout table from line ``j`` on, cut at the column ``starts``; wrapped header
    cells before the first row are added to ``header`` (None: a continued table, whose first
    line must open a row). Returns (rows as column → text, index of the line after)."""
    rows: list[dict[int, str]] = []
    current: dict[int, str] | None = None
    blanks = 0
    while j < len(lines):
        line = lines[j]
        if not line.strip():
            blanks += 1
            if blanks >= _LAYOUT_END_BLANKS:
                break
            j += 1
            continue
        gap, blanks = blanks, 0
        frags = _fragments(line)
        if len(frags) == 1 and frags[0][1].isdigit() and _column_of(frags[0][0], starts) > 0:
            j += 1  # a page number
            continue
        placed = _place_pieces(frags, starts)
        if placed is None:
            break
        first = placed.get(0, "")
        if gap >= 2 and rows and not _NUMBER_CELL.match(first):
            break  # after a wider gap only a new row goes on (not the signature block)
        if current is None and not rows and not _NUMBER_CELL.match(first):
            if header is None:
                break
            for k, v in placed.items():  # the header's wrapped cells
                header[k] = header[k] + " " + v
            j += 1
            continue
        if _NUMBER_CELL.match(first) or current is None:
            current = dict(placed)
            rows.append(current)
        else:
            for k, v in placed.items():
                current[k] = (current.get(k, "") + " " + v).strip()
        j += 1
    return rows, j


def _layout_header(line: str) -> tuple[list[int], list[str]] | None:
    if len(_GAP.findall(line)) < 2:  # three cells need two gaps
        return None
    frags = _fragments(line)
    if len(frags) < 3:
        return None
    kinds = [column_kind(text) for _, text in frags]
    if "content" not in kinds or sum(k is not None for k in kinds) < 3:
        return None
    return [c for c, _ in frags], [text for _, text in frags]


def layout_tables(raw: str) -> list[list[list[str]]]:
    """Tables of a pdftotext -layout page, as rows of cell strings (header first)."""
    return [[header] + rows for header, _, rows in _layout_blocks(raw)]


def _layout_blocks(raw: str):
    """(header, column starts, rows) of each layout table of a page."""
    lines = raw.splitlines()
    i = 0
    while i < len(lines):
        found = _layout_header(lines[i])
        if found is None:
            i += 1
            continue
        starts, header = found
        rows, i = _layout_rows(lines, i + 1, starts, header)
        if rows:
            width = len(starts)
            yield header, starts, [[r.get(k, "") for k in range(width)] for r in rows]


def layout_continuation(raw: str, starts: list[int]) -> list[list[str]]:
    """The rows a page opens with when a layout table runs on from the page before without
    repeating its header (cut at that table's column ``starts``); [] when the page opens
    with anything else."""
    lines = raw.splitlines()
    j = 0
    while j < len(lines):  # blank lines and a running page number before the rows
        frags = _fragments(lines[j])
        if not frags or (len(frags) == 1 and frags[0][1].isdigit()):
            j += 1
            continue
        break
    # a row line has its cells apart; prose wrapped at the margin is one run of text
    if j >= len(lines) or _layout_header(lines[j]) or len(_fragments(lines[j])) < 3:
        return []
    rows, _ = _layout_rows(lines, j, starts, None)
    return [[r.get(k, "") for k in range(len(starts))] for r in rows]


def _locate_layout(text: str, table: TextTable, rows: list[list[str]], cursor: int,
                   normalize: Callable[[str], str]) -> list[list[Cell]]:
    """Offsets of the first piece of every cell of a layout table (see module doc)."""
    out = []
    for cells in rows:
        found = [Cell(normalize(raw), layout=True) for raw in cells]
        for cell in found:
            if not cell.text:
                continue
            words = cell.text.split()
            for n in (3, 2, 1):  # the first piece may be shorter than three words
                m = re.compile(r"\s+".join(map(re.escape, words[:n]))).search(text, cursor)
                if m:
                    break
            if m:
                cell.start, cell.end = m.start(), m.end()
                table.start = m.start() if table.start < 0 else table.start
                table.end = max(table.end, m.end())
        starts = [c.start for c in found if c.start >= cursor]
        if starts:  # the next row is searched after this one's first piece
            cursor = min(starts) + 1
        out.append(found)
    return out


def _flex(cells: list[Cell]) -> re.Pattern:
    """The cells in order, any run of whitespace (a space, or a line break where the
    normaliser split the row) between and within them."""
    return re.compile(r"\s+".join(
        "(" + r"\s+".join(map(re.escape, c.text.split())) + ")" for c in cells))


def _locate(text: str, table: TextTable, rows: list[list[str]], cursor: int,
            normalize: Callable[[str], str]) -> list[list[Cell]]:
    """Offsets of every cell in the normalised ``text``: each row is found whole (its cells
    joined by the spaces that replaced the borders), from ``cursor`` on, then its cells in it."""
    out = []
    for cells in rows:
        found = [Cell(normalize(raw)) for raw in cells]
        # the row whole, else without its number cells (a normaliser may drop a bare "1")
        for drop_numbers in (False, True):
            kept = [c for c in found if c.text and not (drop_numbers and _NUMBER_CELL.match(c.text))]
            m = _flex(kept).search(text, cursor) if kept else None
            if m:
                for i, cell in enumerate(kept, start=1):
                    cell.start, cell.end = m.span(i)
                cursor = m.end()
                table.start = m.start() if table.start < 0 else table.start
                table.end = max(table.end, cursor)
                break
        out.append(found)
    return out


def find_tables(pages: list[str], text: str, normalize: Callable[[str], str]) -> list[TextTable]:
    """Every table of the raw ``pages`` whose header names its columns, its cells located in
    the normalised ``text`` (``normalize`` turns a raw cell into normalised text)."""
    tables: list[TextTable] = []
    cursor = 0
    last: tuple | None = None  # (table, "md" | "layout", width or column starts) open at a page end
    for page in pages or []:
        blocks = [(b, _locate) for b in raw_tables(page) + flat_tables(page)]
        layout_starts = []
        if not any(_has_header(b) for b, _ in blocks):
            found = list(_layout_blocks(page))
            if found or not blocks:  # headerless pipe rows may continue the last page's table
                blocks = [([h] + rows, _locate_layout) for h, _, rows in found]
                layout_starts = [st for _, st, _ in found]
        rest = _continued_rows(page, last, blocks)
        if rest is not None:
            table, kind, shape = last
            if kind == "md":
                blocks = blocks[1:]
            table.rows += (_locate if kind == "md" else _locate_layout)(text, table, rest, cursor, normalize)
            if table.end > 0:
                cursor = table.end
        else:
            last = None
        for n, (block, locate) in enumerate(blocks):
            header_at = next((i for i, r in enumerate(block) if any(column_kind(c) for c in r)), None)
            if header_at is None:
                continue
            table = TextTable(columns=_columns(block[header_at]))
            located = locate(text, table, block[header_at:], cursor, normalize)
            table.header, table.rows = located[0], located[1:]
            if table.end > 0:
                cursor = table.end
            tables.append(table)
            if n == len(blocks) - 1:  # the page's last table may run on
                shape = layout_starts[n] if locate is _locate_layout else len(block[header_at])
                last = (table, "md" if locate is _locate else "layout", shape)
    return tables


def _columns(header: list[str]) -> dict[str, int]:
    """Kind → index of the first header cell of that kind."""
    columns: dict[str, int] = {}
    for i, c in enumerate(header):
        kind = column_kind(c)
        if kind and kind not in columns:
            columns[kind] = i
    return columns


def _has_header(block: list[list[str]]) -> bool:
    return any(column_kind(c) for r in block for c in r)


def _continued_rows(page: str, last, blocks) -> list[list[str]] | None:
    """The rows that continue ``last`` at the top of ``page``, or None."""
    if last is None:
        return None
    _, kind, shape = last
    if kind == "md":
        if not blocks or blocks[0][1] is not _locate or _has_header(blocks[0][0]):
            return None
        first = blocks[0][0]
        head = next((ln for ln in page.splitlines() if ln.strip() and not ln.strip().isdigit()), "")
        if not _ROW.match(head) or any(len(r) != shape for r in first):
            return None  # prose comes first, or another table
        return first
    rows = layout_continuation(page, shape)
    return rows or None


