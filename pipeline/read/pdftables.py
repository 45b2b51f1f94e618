"""Ruled tables of a PDF page, read cell by cell into the page text as markdown pipe rows.

A PDF's text layer runs through a table cell after cell, each cell's lines on their own, so
the rows are lost. An administrative PDF draws its data tables with ruling lines (a Word or
LibreOffice export, fpdf2): where a page has them, the table's grid is rebuilt from the
page's straight strokes (pypdfium2 path objects: grid lines where strokes run, merged cells
where no stroke parts two cells; :func:`pdfium_grids`, or pdfplumber's ``find_tables`` on
that page alone, :func:`find_grids`, which finds the same grids about twenty times slower),
and the page's characters (pypdfium2's boxes, as the rest of the text) go into the cell
under their centre. The table goes into the page text where its first character stood, as
the Word and web readers write a table (:mod:`pipeline.read.readers.blocks`): a ``| … |``
row per table row, a rule under the first; the text around it stays in its order.

* A cell spanning columns keeps its text in its first column; one spanning rows repeats its
  text in each row it covers, except in the first column, where a row number labels only
  its first row (the rows below it are that number's sub-rows).
* A table without two rows and two columns, or set as a header or signature block, is
  layout: its text stays as the text layer has it.
* A table at the head of a page, as wide as the table that ended the page before, is that
  table going on (even a single row): column names it repeats are left out, so the rows
  follow.

Only pages with ruling lines pay for this: :func:`has_rulings` looks at the bounds of the
page's path objects (microseconds) before any stroke is read.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

THIN = 2.0  # pt: a path this thin (or thinner) is a ruling line
MIN_RULE = 8.0  # pt: shorter strokes are not rulings (underlines of single letters, dots)
SNAP = 1.5  # pt: cell edges this close are one grid line


def has_rulings(page) -> bool:
    """Whether a pypdfium2 page holds enough horizontal and vertical strokes (thin paths, or
    the sides of rectangles) to draw a table of two rows and two columns. Raw PDFium calls:
    no Python object per page object, so a page of text costs a few microseconds."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    refs = [ctypes.byref(v) for v in (left, bottom, right, top)]
    across = down = 0
    for obj, _ in _paths(page):
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
            continue
        w, h = right.value - left.value, top.value - bottom.value
        if h <= THIN and w >= MIN_RULE:
            across += 1
        elif w <= THIN and h >= MIN_RULE:
            down += 1
        elif w >= MIN_RULE and h >= MIN_RULE:  # a rectangle: a cell's four sides
            across += 2
            down += 2
        if across >= 3 and down >= 3:
            return True
    return False


def _paths(page, max_depth: int = 2):
    """(raw path object, matrix to page space) of a page, those inside form XObjects too
    (a producer may wrap a whole page in one form); raw PDFium calls, no object wrappers."""
    import pypdfium2.raw as pdfium_c

    stack = [(None, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0)]
    while stack:
        form, m, depth = stack.pop()
        count = (pdfium_c.FPDFPage_CountObjects(page.raw) if form is None
                 else pdfium_c.FPDFFormObj_CountObjects(form))
        for i in range(count):
            obj = (pdfium_c.FPDFPage_GetObject(page.raw, i) if form is None
                   else pdfium_c.FPDFFormObj_GetObject(form, i))
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                yield obj, m
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < max_depth:
                stack.append((obj, _times(_matrix(obj), m), depth + 1))


def _matrix(obj) -> tuple[float, ...]:
    import ctypes

    import pypdfium2.raw as pdfium_c

    fm = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(fm)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (fm.a, fm.b, fm.c, fm.d, fm.e, fm.f)


def _times(m, n) -> tuple[float, ...]:
    """The matrix m then n (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


@dataclass
class Grid:
    """A table's grid lines (top-down page coordinates) and its cells by (row, column)."""

    bbox: tuple[float, float, float, float]
    xs: list[float]
    ys: list[float]
    cells: dict[tuple[int, int], tuple[int, int]]  # origin (row, col) → (rowspan, colspan)
    owner: dict[tuple[int, int], tuple[int, int]]  # every (row, col) → its cell's origin

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys) - 1, len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        c = bisect.bisect_right(self.xs, x) - 1
        r = bisect.bisect_right(self.ys, y) - 1
        rows, cols = self.shape
        if not (0 <= r < rows and 0 <= c < cols):
            return None
        return self.owner.get((r, c))


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(lines: list[float], v: float) -> int:
    i = bisect.bisect_left(lines, v - SNAP)
    return min(i, len(lines) - 1)


def grid_of(cells: list[tuple[float, float, float, float]], bbox) -> Grid | None:
    """The grid of a table from its cells' boxes (x0, top, x1, bottom)."""
    xs = _snap([v for c in cells for v in (c[0], c[2])])
    ys = _snap([v for c in cells for v in (c[1], c[3])])
    if len(xs) < 2 or len(ys) < 2:
        return None
    origins: dict[tuple[int, int], tuple[int, int]] = {}
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for x0, top, x1, bottom in cells:
        r0, r1 = _index(ys, top), _index(ys, bottom)
        c0, c1 = _index(xs, x0), _index(xs, x1)
        if r1 <= r0 or c1 <= c0 or (r0, c0) in owner:
            continue
        origins[(r0, c0)] = (r1 - r0, c1 - c0)
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), (r0, c0))
    return Grid(tuple(bbox), xs, ys, origins, owner)


MAX_SEGMENTS = 4000  # more strokes than this on a page: a drawing, not a table


def _segments(page, height: float) -> tuple[list[tuple], list[tuple]]:
    """The page's straight strokes as (y, x0, x1) across and (x, y0, y1) down, in top-down
    coordinates: every line of every path, a rectangle's four sides, curves left out."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    across: list[tuple] = []
    down: list[tuple] = []
    fx, fy = ctypes.c_float(), ctypes.c_float()
    for obj, outer in _paths(page):
        a, b, c, d, e, f = _times(_matrix(obj), outer)
        start = cur = None
        for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
            pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(fx), ctypes.byref(fy))
            pt = (a * fx.value + c * fy.value + e, height - (b * fx.value + d * fy.value + f))
            kind = pdfium_c.FPDFPathSegment_GetType(seg)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                start = cur = pt
                continue
            lines = [(cur, pt)] if kind == pdfium_c.FPDF_SEGMENT_LINETO and cur else []
            if pdfium_c.FPDFPathSegment_GetClose(seg) and start:
                lines.append((pt, start))
            for (x0, y0), (x1, y1) in lines:
                if abs(y1 - y0) <= THIN and abs(x1 - x0) >= MIN_RULE:
                    across.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
                elif abs(x1 - x0) <= THIN and abs(y1 - y0) >= MIN_RULE:
                    down.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
            cur = pt
        if len(across) + len(down) > MAX_SEGMENTS:
            return [], []
    return _merge(across), _merge(down)


def _merge(segs: list[tuple]) -> list[tuple]:
    """Strokes on one line (within SNAP) that touch or overlap, as one."""
    out: list[list[float]] = []
    for pos, lo, hi in sorted(segs):
        for m in reversed(out[-8:]):
            if abs(m[0] - pos) <= SNAP and lo <= m[2] + SNAP and hi >= m[1] - SNAP:
                m[1], m[2] = min(m[1], lo), max(m[2], hi)
                break
        else:
            out.append([pos, lo, hi])
    return [tuple(m) for m in out]


def _components(across: list[tuple], down: list[tuple]) -> list[tuple[list, list]]:
    """Groups of strokes that cross or touch one another: one group a table."""
    parent = list(range(len(across) + len(down)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, x0, x1) in enumerate(across):
        for j, (x, y0, y1) in enumerate(down):
            if x0 - SNAP <= x <= x1 + SNAP and y0 - SNAP <= y <= y1 + SNAP:
                parent[find(i)] = find(len(across) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, s in enumerate(across):
        groups.setdefault(find(i), ([], []))[0].append(s)
    for j, s in enumerate(down):
        groups.setdefault(find(len(across) + j), ([], []))[1].append(s)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


def _covers(segs: list[tuple], pos: float, lo: float, hi: float) -> bool:
    """Whether a stroke on line ``pos`` runs from ``lo`` to ``hi``."""
    return any(abs(p - pos) <= SNAP and a <= lo + SNAP and b >= hi - SNAP for p, a, b in segs)


def lattice(across: list[tuple], down: list[tuple]) -> Grid | None:
    """The grid ruled by one group of strokes: grid lines where strokes run, and next to
    each other the cells no stroke parts (merged cells)."""
    xs = _snap([s[0] for s in down])
    ys = _snap([s[0] for s in across])
    if len(xs) < 2 or len(ys) < 2:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not _covers(down, xs[c + 1], ys[r], ys[r + 1]):
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < rows and not _covers(across, ys[r + 1], xs[c], xs[c + 1]):
                parent[find((r + 1, c))] = find((r, c))
    spans: dict[tuple[int, int], list[int]] = {}
    for k in parent:
        root = find(k)
        box = spans.setdefault(root, [k[0], k[1], k[0], k[1]])
        box[0], box[1] = min(box[0], k[0]), min(box[1], k[1])
        box[2], box[3] = max(box[2], k[0]), max(box[3], k[1])
    cells: dict[tuple[int, int], tuple[int, int]] = {}
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in spans.values():
        cells[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                owner[(r, c)] = (r0, c0)
    return Grid((xs[0], ys[0], xs[-1], ys[-1]), xs, ys, cells, owner)


def pdfium_grids(page, height: float) -> list[Grid]:
    """The ruled tables of a pypdfium2 page, from its path objects alone, top to bottom."""
    across, down = _segments(page, height)
    grids = [g for g in (lattice(a, d) for a, d in _components(across, down)) if g is not None]
    return sorted(grids, key=lambda g: (g.bbox[1], g.bbox[0]))


def find_grids(plumber_page) -> list[Grid]:
    """The ruled tables pdfplumber finds on a page, as grids, top to bottom."""
    grids = []
    for table in plumber_page.find_tables():
        g = grid_of([c for c in table.cells if c], table.bbox)
        if g is not None:
            grids.append(g)
    return sorted(grids, key=lambda g: (g.bbox[1], g.bbox[0]))


def _clean(text: str) -> str:
    return " ".join(text.split()).replace("|", "/")


def rows_of(grid: Grid, texts: dict[tuple[int, int], str]) -> list[list[str]]:
    """Rows × columns of cell text, spans laid out (module doc)."""
    n_rows, n_cols = grid.shape
    out = []
    for r in range(n_rows):
        row = []
        for c in range(n_cols):
            origin = grid.owner.get((r, c))
            if origin is None:
                row.append("")
            elif origin == (r, c):
                row.append(texts.get(origin, ""))
            elif origin[1] != c or c == 0:  # covered from the left, or a row number above
                row.append("")
            else:  # covered from above: the same cell for this row too
                row.append(texts.get(origin, ""))
        out.append(row)
    return out


def is_data(rows: list[list[str]]) -> bool:
    from pipeline.read.readers.blocks import is_layout

    rows = [r for r in rows if any(r)]
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return False
    return not is_layout([[[c] if c else [] for c in r] for r in rows])


def _names_columns(row: list[str]) -> bool:
    from pipeline.read.readers.blocks import has_column_headers

    return has_column_headers([[c] for c in row])


def pipe_lines(rows: list[list[str]]) -> list[str]:
    rows = [rows[0]] + [r for r in rows[1:] if any(r)]
    out = []
    for i, row in enumerate(rows):
        out.append("| " + " | ".join(row) + " |")
        if i == 0:
            out.append("|" + "---|" * len(row))
    return out


def page_text(textpage, page_height: float, grids: list[Grid], marks: dict,
              last_header: list[str] | None) -> tuple[str, list[str] | None]:
    """The page's text with each data table of ``grids`` in pipe rows where it begins, and the
    column names of the table that ends the page (for the next page's repeated header)."""
    text = textpage.get_text_range()
    n = min(len(text), textpage.count_chars())
    owner = [-1] * n  # grid index, -1 outside any table; None for characters without a box
    cell_of: list[tuple[int, int] | None] = [None] * n
    for i in range(n):
        left, bottom, right, top = textpage.get_charbox(i)
        if right <= left or text[i].isspace():
            owner[i] = None  # type: ignore[call-overload]
            continue
        x, y = (left + right) / 2, page_height - (bottom + top) / 2
        for k, g in enumerate(grids):
            x0, t0, x1, b0 = g.bbox
            if x0 <= x <= x1 and t0 <= y <= b0:
                owner[i] = k
                cell_of[i] = g.cell_at(x, y)
                break
    _fill_gaps(owner)

    cells: list[dict[tuple[int, int], list[str]]] = [{} for _ in grids]
    for i in range(n):
        k = owner[i]
        if k >= 0 and cell_of[i] is not None:
            parts = cells[k].setdefault(cell_of[i], [])
            if parts and (text[i - 1].isspace() or text[i - 1] in "\x02\ufffe" or owner[i - 1] != k):
                parts.append(" ")
            parts.append(text[i])
    tables: list[list[str] | None] = []
    header = None  # the column names the page ends under
    for k, g in enumerate(grids):
        rows = rows_of(g, {o: _clean("".join(p).translate(marks)) for o, p in cells[k].items()})
        going_on = (k == 0 and last_header is not None and len(rows[0]) == len(last_header)
                    and not text[:_first(owner, k)].strip())
        if not (going_on and any(any(r) for r in rows)) and not is_data(rows):
            tables.append(None)
            continue
        if going_on and rows[0] == last_header and len(rows) > 1:
            rows = rows[1:]  # the column names again, over the rows going on
        if _names_columns(rows[0]):
            header = rows[0]
        elif going_on:
            header = last_header
        else:
            header = None
        tables.append(pipe_lines(rows))
    if not any(tables):
        return text, None

    out: list[str] = []
    done = set()
    for i in range(n):
        k = owner[i]
        if k < 0 or tables[k] is None:
            out.append(text[i])
        elif k not in done:
            done.add(k)
            out.append("\n" + "\n".join(tables[k]) + "\n")
    out.append(text[n:])
    return "".join(out), header


def _first(owner: list[int], k: int) -> int:
    return next((i for i, o in enumerate(owner) if o == k), 0)


def _fill_gaps(owner: list) -> None:
    """Spaces and generated line breaks belong to a table when the characters on both sides
    do; elsewhere to the text around it."""
    n = len(owner)
    prev = -1
    i = 0
    while i < n:
        if owner[i] is not None:
            prev = owner[i]
            i += 1
            continue
        j = i
        while j < n and owner[j] is None:
            j += 1
        nxt = owner[j] if j < n else -1
        fill = prev if prev == nxt and prev >= 0 else -1
        for m in range(i, j):
            owner[m] = fill
        i = j
