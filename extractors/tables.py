"""Task tables: rows of a flattened table (markdown pipes, tab-separated cells) as duties.

Plans often list their duties in a table, usually in a "Phụ lục":

    | STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
    | 1   | Xây dựng …        | Sở Nội vụ       | Các sở, ngành    | Quý III/2025         |

The normaliser turns cell borders into spaces and may glue rows together, so the cells are
read from the raw source lines and then found again in the normalised text (offsets there
are what spans use). A table is a task table when one column holds the duty (content) and
another who does it or by when (lead / coordinate / responsible / deadline); the header
words are data (gazetteer/section_headings.yml, ``table_columns``). Each row with content is
one task: ``content`` its text, the agencies of the ``lead`` column lead, of ``coordinate``
coordinate, of ``responsible`` responsible, the ``deadline`` column its time limit. A row
whose number is a Roman numeral or a capital letter and has no other cells groups the rows
below it ("| I | Nhóm nhiệm vụ về thể chế | | |").

pdftotext ``-layout`` prints a table without borders: cells stand in space-aligned columns
and a long cell wraps onto the next lines, in its own column, beside the other cells.
There the columns are cut at the header cells' start positions (a header cell may wrap as
well: "Thời gian" / "hoàn thành"), a line with a number in the first column opens a row and
the lines below it add to its cells. The normaliser splits such lines at their gaps, so a
wrapped cell is not one run of the normalised text: a layout cell's offsets are those of its
first piece, and its bodies are read from its own text (``Cell.layout``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from gazetteer import load_yaml

_COLUMNS = load_yaml("section_headings.yml")["table_columns"]
_COLUMN_RES = {
    kind: re.compile(r"^(?:" + "|".join(pats).replace(" ", r"\s+") + r")$", re.I)
    for kind, pats in _COLUMNS.items()
}
_ROW = re.compile(r"^\s*\|.*\|\s*$|^[^\t\n]*\t[^\t\n]*\t")
_RULE = re.compile(r"^\s*+\|?(?:\s*+:?-{2,}:?\s*+\|?)+\s*$")  # possessive: linear on blanks
_GROUP_TITLE = re.compile(r"^([IVX]{1,5})[.)]\s+\S")
_GROUP_NUMBER = re.compile(r"^(?:[IVX]{1,5}|[A-Z])\.?$")
_NUMBER_CELL = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,2}|[IVX]{1,5}|[A-Z])\.?$")
_ROW_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3}){0,2}(?:#\d{1,2})?\.?$")


@dataclass
class Cell:
    text: str
    start: int = -1  # offsets in the normalised text; -1 when not found there
    end: int = -1
    layout: bool = False  # read from a pdftotext -layout table: text is whole, offsets partial


@dataclass
class Row:
    cells: list[Cell]
    number: str = ""
    group: str = ""

    def cell(self, i: int | None) -> Cell | None:
        if i is None or i >= len(self.cells):
            return None
        return self.cells[i]


@dataclass
class Table:
    columns: dict[str, int]  # kind → column index (first column of that kind)
    rows: list[Row] = field(default_factory=list)
    start: int = -1  # normalised offsets of the whole table (header included)
    end: int = -1

    @property
    def is_task_table(self) -> bool:
        return "content" in self.columns and any(
            k in self.columns for k in ("lead", "coordinate", "responsible", "deadline"))


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


def flat_tables(raw: str) -> list[list[list[str]]]:
    """Tables a web page printed one cell per run of lines, each cell after a line that is
    only "|" and each row closed by one ("|" / "STT" / "|" / "Nội dung" / … / "|" / "|" /
    "1" / …), as rows of cell strings. A table is a run of lines without a blank one.

    "|" twice in a row closes a row, or stands for an empty cell: it is a new row when the
    row holds all the header's cells already or the next cell is a row number."""
    blocks: list[list[list[str]]] = []
    lines = raw.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() != _BAR:
            i += 1
            continue
        rows, row, cell, bars = [], [], [], 0
        while i < len(lines) and lines[i].strip():
            line = lines[i].strip()
            i += 1
            if line == _BAR:
                if cell:
                    row.append(" ".join(cell))
                    cell = []
                bars += 1
                continue
            if bars >= 2 and row:
                width = len(rows[0]) if rows else None
                if width is None or len(row) >= width or _ROW_OPENER.match(line):
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
    frags = _fragments(line)
    kinds = [column_kind(text) for _, text in frags]
    if len(frags) < 3 or "content" not in kinds or sum(k is not None for k in kinds) < 3:
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


def _locate_layout(text: str, table: Table, rows: list[list[str]], cursor: int, normalize):
    """Offsets of the first piece of every cell of a layout table (see module doc)."""
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
        yield found


def _flex(cells: list[Cell]) -> re.Pattern:
    """The cells in order, any run of whitespace (a space, or a line break where the
    normaliser split the row) between and within them."""
    return re.compile(r"\s+".join(
        "(" + r"\s+".join(map(re.escape, c.text.split())) + ")" for c in cells))


def _locate(text: str, table: Table, rows: list[list[str]], cursor: int, normalize):
    """Offsets of every cell in the normalised ``text``: each row is found whole (its cells
    joined by the spaces that replaced the borders), from ``cursor`` on, then its cells in it."""
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
        yield found


def find_tables(ctx) -> list[Table]:
    """The task tables of a document (only those: other tables stay plain text). A table that
    runs on over a page break without repeating its header is one table: the next page's
    opening rows (a headless markdown block of the same width, or layout lines cut at the
    first part's columns) are added to it."""
    from pipeline.text.normalize import normalize_line

    text = ctx.text.text
    tables: list[Table] = []
    cursor = 0
    last: tuple | None = None  # (table, group, "md" | "layout", width or column starts) open at a page end
    for page in ctx.source.pages or []:
        blocks = [(b, _locate) for b in raw_tables(page) + flat_tables(page)]
        layout_starts = []
        if not any(_has_header(b) for b, _ in blocks):
            found = list(_layout_blocks(page))
            if found or not blocks:  # headerless pipe rows may continue the last page's table
                blocks = [([h] + rows, _locate_layout) for h, _, rows in found]
                layout_starts = [st for _, st, _ in found]
        rest = _continued_rows(page, last, blocks)
        if rest is not None:
            table, group, kind, shape = last
            if kind == "md":
                blocks = blocks[1:]
            located = list((_locate if kind == "md" else _locate_layout)(text, table, rest, cursor, normalize_line))
            if table.end > 0:
                cursor = table.end
            group = _add_rows(table, located, group)
            last = (table, group, kind, shape)
        else:
            last = None
        for n, (block, locate) in enumerate(blocks):
            header_at = next((i for i, r in enumerate(block) if any(column_kind(c) for c in r)), None)
            if header_at is None:
                continue
            header = block[header_at]
            columns: dict[str, int] = {}
            for i, c in enumerate(header):
                kind = column_kind(c)
                if kind and kind not in columns:
                    columns[kind] = i
            table = Table(columns)
            located = list(locate(text, table, block[header_at:], cursor, normalize_line))
            if table.end > 0:
                cursor = table.end
            if not table.is_task_table:
                continue
            group = _add_rows(table, located[1:], "")
            tables.append(table)
            if n == len(blocks) - 1:  # the page's last table may run on
                shape = layout_starts[n] if locate is _locate_layout else len(header)
                last = (table, group, "md" if locate is _locate else "layout", shape)
    return tables


def _continued_rows(page: str, last, blocks) -> list[list[str]] | None:
    """The rows that continue ``last`` at the top of ``page``, or None."""
    if last is None:
        return None
    _, _, kind, shape = last
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


def _add_rows(table: Table, located: list[list[Cell]], group: str) -> str:
    """Add the task rows among ``located`` to ``table``; returns the group open at the end."""
    for cells in located:
        cells = _inherit_spanned(table, cells)
        row = _row(table, cells, group)
        if row is None:
            continue
        if row.group != group:  # a group row: it names the rows below
            group = row.group
            continue
        table.rows.append(row)
    return group


def _inherit_spanned(table: Table, cells: list[Cell]) -> list[Cell]:
    """A row under the same number as the one above (its number cell empty, its last cells
    missing) shares the cells it lacks with that row, which spans it: "1.1", "1.2"."""
    number_at = table.columns.get("number")
    if number_at is None or not table.rows or number_at >= len(cells) or cells[number_at].text:
        return cells
    if sum(bool(c.text) for c in cells) < 2:
        return cells
    prev = table.rows[-1]
    if not prev.number or len(cells) >= len(prev.cells):
        return cells
    base = prev.number.split("#")[0]
    if "#" not in prev.number:
        prev.number = base + "#1"
    count = int(prev.number.split("#")[1]) + 1
    cells = [*cells, *prev.cells[len(cells):]]
    cells[number_at] = Cell(f"{base}#{count}")
    return cells


def _has_header(block: list[list[str]]) -> bool:
    return any(column_kind(c) for r in block for c in r)


def _row(table: Table, cells: list[Cell], group: str) -> Row | None:
    row = Row(cells)
    number_at = table.columns.get("number", 0 if "content" in table.columns and table.columns["content"] > 0 else None)
    number = row.cell(number_at).text.strip() if row.cell(number_at) else ""
    content = row.cell(table.columns["content"])
    others = [c for i, c in enumerate(cells) if i not in (number_at, table.columns["content"]) and c.text]
    if _GROUP_NUMBER.match(number) and not others:
        row.group = number.rstrip(".")
        return row
    titled = _GROUP_TITLE.match(number)
    if titled and not others and (content is None or not content.text):  # "II. HOÀN THIỆN …" in one cell
        row.group = titled.group(1)
        return row
    if content is None or not content.text or content.start < 0:
        return None
    if column_kind(content.text):  # a repeated header row (one per page)
        return None
    row.number = number.rstrip(".") if _ROW_NUMBER.match(number) else ""
    row.group = group
    return row


def row_ref(prefix: str, row: Row, index: int) -> str:
    """``PL.1``, ``PL.I.2``, ``III.3`` (a table inside section III): the row's number, or its
    position when it has none."""
    number = row.number.replace("#", ".")  # "1#2": the second row under a spanning "1"
    parts = [p for p in (prefix, row.group, number or str(index)) if p]
    return ".".join(parts)
