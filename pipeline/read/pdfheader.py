"""Read the two-column header block of a PDF's first page column by column.

An official document opens with a two-column block: issuing body | national motto, then
number | place and date (a Công văn adds its ``V/v …`` summary under the number). Reading
the page in text order interleaves the columns (``CỘNG HÒA … VIỆT`` / ``ỦY BAN NHÂN DÂN`` /
``NAM``), so the block is rebuilt from word positions: lines are grouped by height, split
at wide gaps into segments, the gutter between the columns is found from the lines that
have two segments, and each segment goes to the column it sits in. The block ends at the
place/date line (plus the left-column lines right under it), or at the first line that
runs across the gutter.

Words come from pypdfium2's character boxes (a few milliseconds a page);
:func:`plumber_words` gives the same words through pdfplumber's layout analysis, for
comparison and as a fallback reader.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

_DATE = re.compile(r"\bngày\b.*\bnăm\b", re.I)
_RULE = re.compile(r"^[\s_\-–—=.·*]+$")
HEADER_REGION = 0.45  # the block sits in the top part of page 1 (share of the height)
MAX_LINES = 16


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page
    bottom: float


@dataclass
class _Line:
    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return self.bottom - self.top


def pdfium_words(textpage, page_height: float, region: float = HEADER_REGION) -> list[Word]:
    """Words of a pypdfium2 text page within the top ``region`` of the page."""
    text = textpage.get_text_range()
    n = min(len(text), textpage.count_chars())
    limit = page_height * (1 - region)  # PDF y grows upwards
    words: list[Word] = []
    cur: list = []  # [text, x0, x1, top, bottom]

    def flush():
        if cur and cur[0].strip():
            words.append(Word(cur[0], cur[1], cur[2], cur[3], cur[4]))
        cur.clear()

    for i in range(n):
        c = text[i]
        if c.isspace():
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        if top < limit or right <= left:
            flush()
            continue
        t, b = page_height - top, page_height - bottom
        h = b - t
        if cur and (abs(t - cur[3]) > 0.5 * h or left - cur[2] > 0.4 * h or left < cur[1]):
            flush()
        if cur:
            cur[0] += c
            cur[2] = max(cur[2], right)
            cur[3] = min(cur[3], t)
            cur[4] = max(cur[4], b)
        else:
            cur.extend([c, left, right, t, b])
    flush()
    return words


def plumber_words(path, region: float = HEADER_REGION) -> tuple[list[Word], float, float]:
    """(words, width, height) of page 1's top ``region`` through pdfplumber (slower)."""
    import pdfplumber

    with pdfplumber.open(path, pages=[1]) as pdf:
        page = pdf.pages[0]
        try:
            width, height = float(page.width), float(page.height)
            found = page.within_bbox((0, 0, width, height * region)).extract_words()
            words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"]) for w in found]
        finally:
            page.close()
    return words, width, height


def _lines(words: list[Word]) -> list[_Line]:
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        mid = (w.top + w.bottom) / 2
        for line in reversed(lines[-3:]):
            if line.top - 1 <= mid <= line.bottom + 1:
                line.words.append(w)
                break
        else:
            lines.append(_Line([w]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    lines.sort(key=lambda ln: ln.top)
    return lines


def _segments(line: _Line, page_width: float) -> list[list[Word]]:
    gap = max(1.2 * line.height, 0.03 * page_width)
    segs: list[list[Word]] = [[line.words[0]]]
    for w in line.words[1:]:
        if w.x0 - segs[-1][-1].x1 > gap:
            segs.append([w])
        else:
            segs[-1].append(w)
    return [s for s in segs if not _RULE.match(" ".join(w.text for w in s))]


def _text(seg: list[Word]) -> str:
    return " ".join(w.text for w in seg)


def header_lines(words: list[Word], page_width: float, page_height: float) -> list[str] | None:
    """Lines of the left column, then of the right one; ``None`` without a two-column block."""
    lines = [ln for ln in _lines([w for w in words if w.bottom <= page_height * HEADER_REGION])][:MAX_LINES]
    segmented = [(ln, _segments(ln, page_width)) for ln in lines]
    segmented = [(ln, segs) for ln, segs in segmented if segs]
    two = [segs for _, segs in segmented if len(segs) == 2]
    if not two:
        return None
    lo = max(s[0][-1].x1 for s in two)
    hi = min(s[1][0].x0 for s in two)
    if lo >= hi:  # ragged columns: fall back to the middle of the gaps
        lo = hi = statistics.median((s[0][-1].x1 + s[1][0].x0) / 2 for s in two)
    tol = 0.01 * page_width
    gutter = (lo + hi) / 2

    block: list[tuple[_Line, list[list[Word]]]] = []
    for ln, segs in segmented:
        if len(segs) > 2 or any(s[0].x0 < lo - tol and s[-1].x1 > hi + tol for s in segs):
            break
        block.append((ln, segs))
    # End at the place/date line, keeping left-column lines just under it (V/v …).
    dated = [i for i, (_, segs) in enumerate(block) if any(_DATE.search(_text(s)) for s in segs)]
    if dated:
        end = dated[0] + 1
        while end < len(block):
            ln, segs = block[end]
            prev = block[end - 1][0]
            if any(s[0].x0 >= gutter for s in segs) or ln.top - prev.bottom > 1.0 * max(ln.height, prev.height):
                break
            end += 1
        block = block[:end]
    left = [_text(s) for _, segs in block for s in segs if (s[0].x0 + s[-1].x1) / 2 < gutter]
    right = [_text(s) for _, segs in block for s in segs if (s[0].x0 + s[-1].x1) / 2 >= gutter]
    if not left or not right:
        return None
    return left + right
