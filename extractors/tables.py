"""Task tables: the tables of a document (read once by the normaliser, pipeline.text.tables)
whose rows are duties.

Plans often list their duties in a table, usually in a "Phụ lục":

    | STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
    | 1   | Xây dựng …        | Sở Nội vụ       | Các sở, ngành    | Quý III/2025         |

A table is a task table when one column holds the duty (content) and another who does it or
by when (lead / coordinate / responsible / deadline); the header words are data
(gazetteer/section_headings.yml, ``table_columns``). Each row with content is one task:
``content`` its text, the agencies of the ``lead`` column lead, of ``coordinate``
coordinate, of ``responsible`` responsible, the ``deadline`` column its time limit. A row
whose number is a Roman numeral or a capital letter and has no other cells groups the rows
below it ("| I | Nhóm nhiệm vụ về thể chế | | |"). A cell read from a pdftotext -layout
table has its whole text but the offsets of its first piece only (``Cell.layout``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.core.models import Cell, NormalisedText
# The table readers live with the normaliser; re-exported for the converters and tests.
from pipeline.text.tables import column_kind, flat_tables, layout_tables, raw_tables  # noqa: F401

_GROUP_TITLE = re.compile(r"^([IVX]{1,5})[.)]\s+\S")
_GROUP_NUMBER = re.compile(r"^(?:[IVX]{1,5}|[A-Z])\.?$")
_ROW_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3}){0,2}(?:#\d{1,2})?\.?$")


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


def task_tables(text: NormalisedText) -> list[Table]:
    """The task tables among the document's tables (only those: others stay plain text)."""
    out = []
    for found in text.tables:
        table = Table(dict(found.columns), start=found.start, end=found.end)
        if table.is_task_table:
            _add_rows(table, found.rows, "")
            out.append(table)
    return out


def find_tables(ctx) -> list[Table]:
    """The task tables of a document (``ctx.text.tables`` read as duties)."""
    return task_tables(ctx.text)


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
