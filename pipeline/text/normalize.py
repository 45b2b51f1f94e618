"""Normalise raw page text into one logical line per heading, paragraph or list item.

The work is a chain of small named steps, each a plain function tested on its own:

* character steps (per line): :func:`to_nfc`, :func:`fix_tone_placement`,
  :func:`clean_spaces`, :func:`strip_markup`, :func:`tidy_symbols`;
* line steps: drop URL lines, page numbers and running headers/footers
  (:func:`is_noise_line`, :func:`running_lines`), split pdftotext layout columns in the
  header and signature blocks (:func:`split_layout_columns`), set footnotes apart
  (:func:`split_footnotes`);
* reflow: :func:`should_join` decides whether a PDF/OCR line break is soft.

The result also carries the structure read once for every extractor: the tables
(pipeline.text.tables), the header columns and the signature block (pipeline.text.signature).
It keeps, for every logical line, the page and character where it began in the
source, so extractors can report provenance (``NormalisedText.origin_at``).
"""
from __future__ import annotations

import functools
import re
from itertools import accumulate
import unicodedata
from dataclasses import dataclass

import gazetteer
from gazetteer import load_yaml

from pipeline.core.models import NormalisedText
from pipeline.text.markers import opens_line, read_marker, strip_marker
from pipeline.text.signature import find_signature
from pipeline.text.tables import find_tables
# Tone placement (hoà → hòa, UỶ → ỦY) lives with the other Vietnamese text primitives.
from pipeline.core.vntext import TONE_TABLE
from pipeline.core.vntext import is_all_caps  # noqa: F401  (re-exported)
from pipeline.core.vntext import place_tones as fix_tone_placement  # noqa: F401  (re-exported)

# --- character steps -------------------------------------------------------------------

def to_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# Letters that OCR and some fonts put in place of Đ/đ (Icelandic eth, African D); they
# never occur in Vietnamese text, so the swap is safe everywhere.
_LOOKALIKES = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u0189": "Đ", "\u0256": "đ"})
_LOOKALIKE = re.compile("[" + "".join(map(chr, _LOOKALIKES)) + "]")


def fix_lookalikes(text: str) -> str:
    """``ÐỒNG NAI`` (with an eth) → ``ĐỒNG NAI``."""
    return text.translate(_LOOKALIKES) if _LOOKALIKE.search(text) else text


# Two letters that may form an old-style tone cluster (a superset of the clusters
# place_tones moves): a line without such a pair is passed at once.
_TONE_HINT = re.compile("[" + "".join(sorted({k[0] for k in TONE_TABLE})) + "]["
                        + "".join(sorted({k[1] for k in TONE_TABLE})) + "]")


_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff\t]")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200c-\u200f\u2028\u2029\u00ad]")


_SPACE_RUN = re.compile(r" {2,}")


_ODD_OR_CONTROL = re.compile(_ODD_SPACES.pattern[:-1] + _CONTROL.pattern[1:])


def clean_spaces(text: str) -> str:
    """Odd spaces become one space; control characters and soft hyphens go."""
    if _ODD_OR_CONTROL.search(text):  # most lines have neither: one scan instead of two
        text = _CONTROL.sub("", _ODD_SPACES.sub(" ", text))
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    return text.strip()


_BR = re.compile(r"<br\s*/?>", re.I)
_MARKUP = (
    # a converter's escape before punctuation (pandoc: ``TT\-BTTTT``, ``1\.``); a run of
    # backslashes goes whole, so a second pass finds nothing left to unescape
    (re.compile(r"\\+(?=[!-/:-@\[\]^_`{|}~])"), ""),
    (_BR, " "),  # an HTML line break inside a converted table cell
    (re.compile(r"\*{2,}|_{2,}(?=\S)|(?<=\S)_{2,}"), ""),  # **bold**, __bold__
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *italic*
    (re.compile(r"^\s*#{1,6}\s+"), ""),  # markdown headings
    # emphasis opened on one line and closed on another (a converter's hard wrap inside
    # *…*): the marker at a line's edge goes; a lone "*" (a header mark) stays
    (re.compile(r"^\s*\*(?=[^\s*])"), ""),
    (re.compile(r"(?<=[^\s*])\s*\*\s*$"), ""),
    (re.compile(r"^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$"), ""),  # table rule |---|---|
    (re.compile(r"\s*\|\s*"), " "),  # table cell borders
)


# Every markup pattern needs one of these characters: a line without them has none.
_MARKUP_HINT = re.compile(r"[\\<*_#|]")


def strip_markup(text: str) -> str:
    """Markdown and table residue (``**``, ``*x*``, ``|``) left by converters; repeated
    while a removal uncovers more (``#|0`` → ``# 0`` → ``0``)."""
    if not _MARKUP_HINT.search(text):
        return text
    for _ in range(4):
        before = text
        for pattern, repl in _MARKUP:
            text = pattern.sub(repl, text)
        if text == before:
            break
    return text


_SYMBOL_SLASH = re.compile(r"(?<=[\dA-ZĐ])\s*/\s*(?=[A-ZĐ])|(?<=\d)\s+/(?=\d)|(?<=\d)/\s+(?=\d{4}/)")


_NUMBER_LABEL_SPACES = re.compile(r"\bSố\s*:\s*")
_SLASH_SPACE = re.compile(r"\s/|/\s")
_OTHER_SPACE = re.compile(r"[^\S ]| {2}")


def tidy_symbols(text: str) -> str:
    """``Số:  231 /KH-UBND`` → ``Số: 231/KH-UBND``; spaces inside document symbols go."""
    if _SLASH_SPACE.search(text):  # only a space beside a slash can go
        text = _SYMBOL_SLASH.sub("/", text)
    if "Số" in text and (text.count("Số") != text.count("Số: ") or _OTHER_SPACE.search(text)):
        text = _NUMBER_LABEL_SPACES.sub("Số: ", text)  # "Số: x" already is what it makes
    return text


def normalize_line(line: str) -> str:
    """Every character step, in order. Idempotent."""
    line = to_nfc(line)
    line = fix_lookalikes(line)
    line = clean_spaces(line)
    if _MARKUP_HINT.search(line):  # a control character may hide markup ("x\x1f__")
        line = clean_spaces(strip_markup(line))
    line = to_nfc(line)  # removing a control character may free a mark to compose
    if _TONE_HINT.search(line):
        line = fix_tone_placement(line)  # one letter for one: the line stays clean
    line = tidy_symbols(line).rstrip(" ")  # a closing "Số:" gains a space
    return to_nfc(line)  # a moved tone may sit before a stray combining mark


# --- line classification -------------------------------------------------------------

_RULE_LINE = re.compile(r"^[\s_\-–—=.·*]+$")
_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S*\s*$", re.I)
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:trang\s+)?\d{1,4}(?:\s*/\s*\d{1,4})?(?:\s*[-–—])?\s*$", re.I)
_NOISE = re.compile("|".join(f"(?{'i' if p.flags & re.I else ''}:{p.pattern})"
                             for p in (_URL_LINE, _PAGE_NUMBER, _RULE_LINE)))  # one scan a line


def is_noise_line(line: str) -> bool:
    """URL-only lines (footnote link targets) and bare page numbers."""
    return bool(_NOISE.match(line))


def _edge_lines(lines: list[str], depth: int = 2) -> list[str]:
    """The first and last ``depth`` non-blank lines of a page, where running heads sit."""
    edge = [ln for ln in lines if ln.strip()]
    return edge[:depth] + edge[-depth:]


def _tracks_page(occurrences: list[tuple[int, str]]) -> bool:
    """Does some number in the line (not its list marker) move with the page number?
    (``Trang 2``, ``231/KH-UBND - 3``: a running head; ``1. Mục đích`` is not.)"""
    rows = [[int(n) for n in re.findall(r"\d+", strip_marker(form))] for _, form in occurrences]
    if not rows or any(len(r) != len(rows[0]) for r in rows):
        return False
    return any(len({r[j] - page for r, (page, _) in zip(rows, occurrences)}) == 1
               for j in range(len(rows[0])))


def _running_forms(line: str) -> set[str]:
    """The line normalised, whole and (pdftotext -layout) column by column."""
    parts = split_layout_columns(line)
    forms = {normalize_line(line)} | ({normalize_line(p) for p in parts} if len(parts) > 1 else set())
    return {f for f in forms if f}


def running_key(text: str) -> str:
    return re.sub(r"\d+", "#", text)


def running_lines(pages: list[list[str]]) -> set[str]:
    """Lines that open or close at least three pages (and half of them): running headers
    and footers, keyed with their digits masked (``Kế hoạch số #/KH-UBND``).

    A list item or heading that repeats word for word (``1. Mục đích`` opening several
    pages) is text, not a running head: it counts only when a number in it follows the
    page number.
    """
    if len(pages) < 3:
        return set()
    seen: dict[str, list[tuple[int, str]]] = {}
    for page_no, lines in enumerate(pages):
        forms = {f for ln in _edge_lines(lines) for f in _running_forms(ln)}
        for form in forms:
            key = running_key(form)
            if len(key) > 3:
                seen.setdefault(key, []).append((page_no, form))
    limit = max(3, len(pages) // 2)
    return {k for k, occ in seen.items()
            if len(occ) >= limit and (not starts_item(occ[0][1]) or _tracks_page(occ))}


_LAYOUT_GAP = re.compile(r"(?<=\S)\s{3,}(?=\S)")


# A wide gap that is a form's blank, not a column gutter: ``Số:      /QĐ-UBND``,
# ``ngày     tháng     năm 2024`` (a draft's unfilled number and date).
_BLANK_BEFORE = re.compile(r"(?:\bSố\s*:|\bngày|\btháng)$", re.I)
_BLANK_AFTER = re.compile(r"^(?:/|tháng\b|năm\b)", re.I)


def column_starts(line: str, blanks: bool = True) -> list[int]:
    """Where each part that :func:`split_layout_columns` cuts from ``line`` begins;
    ``blanks=False``: a gap after ``ngày`` is a gutter too (a table cell ends there)."""
    starts: list[int] = []
    prev = ""
    pos = 0
    for m in [*_LAYOUT_GAP.finditer(line), None]:
        end = m.start() if m else len(line)
        part = line[pos:end].strip()
        if part:
            if blanks and starts and (_BLANK_BEFORE.search(prev) or _BLANK_AFTER.match(part)):
                prev += " " + part
            else:
                starts.append(pos + len(line[pos:end]) - len(line[pos:end].lstrip()))
                prev = part
        pos = m.end() if m else pos
    return starts


def split_layout_columns(line: str) -> list[str]:
    """pdftotext -layout puts two columns on one line with a wide gap: split them."""
    parts: list[str] = []
    for part in _LAYOUT_GAP.split(line.strip()):
        if not part:
            continue
        if parts and (_BLANK_BEFORE.search(parts[-1]) or _BLANK_AFTER.match(part)):
            parts[-1] += " " + part
        else:
            parts.append(part)
    return parts


# A table printed by pdftotext -layout: cells in space-aligned columns, a long cell wrapped
# onto the next lines in its own column. Each row with its continuation lines becomes one
# logical line whose cells read in order (``QĐ 1234/QĐ-UBND`` + ``ngày 12/3/2024``).
_COLUMN_SLACK = 2  # characters a cell may stand off its column's start


def _layout_parts(line: str) -> list[tuple[int, str]]:
    """(start column, text) of each gap-separated part of a raw line."""
    starts = column_starts(line, blanks=False)
    ends = starts[1:] + [len(line)]
    return [(a, line[a:b].strip()) for a, b in zip(starts, ends) if line[a:b].strip()]


def _column_of(start: int, grid: list[int]) -> int | None:
    for k in range(len(grid) - 1, -1, -1):
        if abs(start - grid[k]) <= _COLUMN_SLACK:
            return k
    return None


def _fits(parts: list[tuple[int, str]], grid: list[int]) -> list[int] | None:
    """The column of each part, when every part starts on a column and stays inside it."""
    cols = []
    for start, text in parts:
        k = _column_of(start, grid)
        if k is None or (cols and k <= cols[-1]):
            return None
        if k + 1 < len(grid) and start + len(text) > grid[k + 1] + _COLUMN_SLACK:
            return None
        cols.append(k)
    return cols


def layout_table_rows(lines: list[str]) -> dict[int, tuple[str, list[int]]]:
    """Rows of the space-aligned tables in one page's raw ``lines``: index of a row's first
    line → (the row's cells in order, one line; indices of its continuation lines). A table
    starts at a line of three or more parts and holds while lines keep to its columns; a
    line with a part in the first column opens a row, the others continue its cells."""
    rows: dict[int, tuple[str, list[int]]] = {}
    i = 0
    while i < len(lines):
        # three parts need two wide gaps: most lines have none and are not looked at twice
        parts = _layout_parts(lines[i]) if len(_LAYOUT_GAP.findall(lines[i], 0)) >= 2 else []
        if len(parts) < 3:
            i += 1
            continue
        grid = [a for a, _ in parts]
        table: list[tuple[int, list[str], list[int]]] = []  # (first line, cells, continuations)
        j = i
        while j < len(lines):
            parts = _layout_parts(lines[j])
            cols = _fits(parts, grid) if parts else None
            if cols is None:
                break
            opens = cols[0] == 0 and (len(parts) > 1 or _ROW_NUMBER_CELL.match(parts[0][1]))
            if cols[0] == 0 and not opens:
                break  # prose back at the margin
            if opens or not table:
                table.append((j, [""] * len(grid), []))
            else:
                table[-1][2].append(j)
            cells = table[-1][1]
            for k, (_, text) in zip(cols, parts):
                cells[k] = glue(cells[k], text) if cells[k] else text
            j += 1
        if len(table) >= 2:
            for first, cells, more in table:
                rows[first] = (" ".join(c for c in cells if c), more)
            i = j
        else:
            i += 1
    return rows


# A markdown/pipe table row: one logical line per row, cell borders become spaces.
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_ROW_NUMBER_CELL = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3}){0,2}|[IVX]{1,5}|[A-Z])\.?$")


def is_data_row(line: str) -> bool:
    """A row of a data table (three filled cells, or a row number first) rather than the
    two-column layout table a converter makes of the header or signature block."""
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    filled = [c for c in cells if c and not _TABLE_RULE.match("|" + c + "|")]
    return len(filled) >= 3 or bool(filled and _ROW_NUMBER_CELL.match(strip_markup(filled[0]).strip()))


_TABLE_RULE = re.compile(r"^\s*+\|?(?:\s*+:?-{3,}:?\s*+\|)+\s*+:?-*:?\s*$")  # possessive: linear on blanks


def split_cells(line: str) -> list[str]:
    """A markdown/HTML table row of the header or signature block → one part per cell
    and per ``<br>`` (converters put both columns of the block in one table row)."""
    if _TABLE_RULE.match(line):
        return []
    cells = line.strip().strip("|").split("|") if "|" in line else [line]
    return [piece for cell in cells for piece in _BR.split(cell) if piece.strip()]


# The national motto and the Party's title stand in the right column of the header; text
# tools that drop the gap glue them to the issuing body (``ỦY BAN NHÂN DÂN CỘNG HÒA …``).
_MOTTO = re.compile(
    r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|ĐẢNG CỘNG SẢN VIỆT NAM|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc",
    re.I,
)


def split_motto(line: str) -> list[str]:
    """Set the motto apart from what shares its line (already normalised text)."""
    if not _MOTTO.search(line):
        return [line]
    parts = []
    pos = 0
    for m in _MOTTO.finditer(line):
        parts += [line[pos:m.start()], m.group(0)]
        pos = m.end()
    parts.append(line[pos:])
    return [p.strip(" -–") if i % 2 == 0 else p for i, p in enumerate(parts) if p.strip(" -–")]


# A header block flattened onto one line by a converter ("BỘ Y TẾ ------- CỘNG HÒA … Số:
# 12/BYT-KCB V/v … Hà Nội, ngày 5 tháng 3 năm 2014 Kính gửi: …"): its fields are cut apart.
_FLAT_BREAKS = re.compile(r"\s+(?=Số\s*:\s*\S)|\s+(?=V/v\b)|\s+(?=Kính gửi\s*:)|\s*-{3,}\s*")
_FLAT_DATE = re.compile(r",\s*ngày\b(?:[^,;:]{0,30}?năm\s+\d{4}|\s*$)")  # or cut after "ngày"


def _place_start(text: str, comma: int) -> int:
    """Where the place name before ``comma`` begins: up to four capitalised words."""
    words = list(re.finditer(r"\S+", text[:comma]))
    start = comma
    for w in reversed(words[-4:]):
        word = w.group(0)
        if not (word[:1].isupper() and word.isalpha() and not word.isupper() or word in _unit_words()):
            break
        start = w.start()
    return start


def split_flat_header(line: str) -> list[str]:
    """One header line holding several fields → one line per field (already normalised
    text); a line holding one field comes back alone."""
    parts = [p for p in _FLAT_BREAKS.split(line) if p and p.strip()]
    out: list[str] = []
    for part in parts:
        m = _FLAT_DATE.search(part)
        if m:
            start = _place_start(part, m.start())
            if start < m.start():
                pieces = [part[:start], part[start:m.end()], part[m.end():]]
            else:
                pieces = [part]
        else:
            pieces = [part]
        out += [q for piece in pieces for q in _caps_tail_apart(piece.strip()) if q]
    return out or [line]


def drop_caption(texts: list[str], number: str | None, open_: bool = False) -> tuple[list[str], bool]:
    """Header pieces without a portal's caption of the document (``Công văn 12/BYT-KCB năm
    2014 … do Bộ Y tế ban hành.``): one sentence, from its kind word and the document's own
    number to its full stop, over as many lines as it was wrapped to. Returns the pieces
    kept and whether the caption runs on into the next line."""
    kept = []
    for text in texts:
        if not open_ and number is not None and _is_caption(text, number or None):
            open_ = True
        if open_:
            open_ = not text.rstrip().endswith(".")
            continue
        kept.append(text)
    return kept, open_


def tidy_header_lines(lines: list[str]) -> list[str]:
    """Raw header lines read column by column (a PDF's header block) → one field a line:
    normalised, the motto and flattened fields apart, a portal's caption out, a number
    wrapped under its ``Số:`` label rejoined."""
    pieces = [f for raw in lines for t in split_motto(normalize_line(raw)) if t for f in split_flat_header(t)]
    pieces, _ = drop_caption(pieces, "")
    out: list[str] = []
    for piece in pieces:
        if out and _NUMBER_LABEL.match(out[-1]) and _header_field_runs_on(out[-1], piece):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


_STOP_SPACE = re.compile(r"[.;:]\s+")


def _caps_tail_apart(text: str) -> list[str]:
    """``… do Bộ Y tế ban hành. BỘ Y TẾ``, ``Nơi nhận: TM. ỦY BAN NHÂN DÂN`` → the sentence,
    then the capital line glued after it (a body, or an authority opening with its prefix)."""
    # A clean tail has no , ; or : so only stops at or after the last of them qualify
    # (scanning earlier ones would split the text once per stop: quadratic on long lines).
    last = max(text.rfind(","), text.rfind(";"), text.rfind(":"))
    for m in _STOP_SPACE.finditer(text, max(0, last)):
        head, tail = text[:m.start() + 1], text[m.end():]
        words = tail.split()
        clean = not re.search(r"[,;:]", tail) and "." not in " ".join(words[1:])
        if (clean and len(words) >= 2 and is_all_caps(tail) and len(head.split()) >= 2
                and not is_all_caps(head.split()[-1])):
            return [head, tail]
    return [text]


# The openings that always start a new logical line (list markers: pipeline.text.markers).
# The place/date line of the header (``Hà Nội, ngày 05 tháng 3 năm 2014``) stands alone.
PLACE_DATE_LINE = re.compile(r"^[^\d,;:]{2,40},\s*ng[àa]y\b", re.I)
_OPENINGS = re.compile(
    r"^(?:Căn cứ|Thực hiện|Triển khai|Xét đề nghị|Theo đề nghị|Nơi nhận|Kính gửi|Số\s*:|"
    r"V/v|TM\.|KT\.|TL\.|TUQ\.|Q\.|QUYẾT ĐỊNH|Trên đây)",
)


@functools.cache
def _labels() -> re.Pattern:
    """``Thời gian thực hiện:``, ``Cơ quan chủ trì:`` … (gazetteer/line_labels.yml)."""
    labels = sorted(load_yaml("line_labels.yml")["labels"], key=len, reverse=True)
    return re.compile(r"^(?:" + "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in labels) + r")\s*:")


def starts_item(line: str) -> bool:
    """Does ``line`` open a new logical line: a list marker, a heading, a fixed opening
    (``Căn cứ``, ``Nơi nhận``) or an item's field label (``Thời gian thực hiện:``)?"""
    if _openings_or_labels().match(line):
        return True
    return opens_line(line)


@functools.cache
def _openings_or_labels() -> re.Pattern:
    return re.compile(f"(?:{_OPENINGS.pattern})|(?:{_labels().pattern})")


# Words that cannot end a Vietnamese sentence or heading: a line ending in one runs on.
DANGLING_WORDS = frozenset(
    "của và với các cho tại về để trong theo những được là từ đến hoặc như một số "
    "thuộc trên dưới giữa đối vào bằng nhằm qua do mà thì nếu khi".split()
)

# "… những năm tiếp theo": the phrase is complete although "theo" usually runs on.
_COMPLETE_ENDINGS = ("tiếp theo",)


def ends_dangling(text: str) -> bool:
    """Does ``text`` end on a word that cannot close a sentence or heading?"""
    low = text.lower()
    return low.rsplit(" ", 1)[-1] in DANGLING_WORDS and not low.endswith(_COMPLETE_ENDINGS)


_SYMBOL_TOKEN = re.compile(r"[\w./]*[\dA-ZĐ][-/]")


def _symbol_tail(line: str) -> bool:
    """Whether ``line`` ends in a symbol cut after its hyphen or slash (``12/QĐ-``): only
    its last word is looked at, so joining a long paragraph line by line stays linear."""
    return line.endswith(("-", "/")) and bool(_SYMBOL_TOKEN.fullmatch(line.rsplit(None, 1)[-1]))


def should_join(prev: str, nxt: str, wide: int, full: int | None = None, gap: bool = False,
                last: str | None = None, head: bool = False) -> bool:
    """Is the break between ``prev`` and ``nxt`` a soft (layout) break?

    ``wide`` is the length from which a line counts as running to the margin; ``full``
    the stricter length a numbered heading must reach before an upper-case line can
    continue it; ``gap`` says a blank line stood between them in a source whose blank
    lines mean something; ``last`` is the physical line that ended ``prev`` (whether it
    ran to the margin is a matter of that line alone, not of what it was joined to);
    ``head`` says both stand in the document's first lines (its header block).
    """
    width = len(last if last is not None else prev)
    if not prev or not nxt:
        return False
    if _header_field_runs_on(prev, nxt, head):
        return True
    if _MOTTO.fullmatch(prev.strip()):
        return False  # the motto stands alone
    if starts_item(nxt):
        return False
    if PLACE_DATE_LINE.match(nxt) or PLACE_DATE_LINE.match(prev):
        return False
    if is_all_caps(prev):
        return False
    ends_clause = prev[-1] in ".;:!?…"
    if is_all_caps(nxt):
        # Upper-case runs on only as a code or acronym ("TCVN ISO 9001:2015;", "HTQLCL.")
        # after a line cut at the margin; otherwise it is a heading.
        if ends_clause or gap:
            return False
        if not ends_dangling(prev):
            code_like = any(map(str.isdigit, nxt)) or len(nxt.split()) == 1
            if not (code_like and width >= wide):
                return False
    first = nxt[0]
    if first.islower() or first in ",;)" or (first.isdigit() and not ends_clause):
        return True
    if prev.endswith((",", "(")) or (prev.endswith("-") and not prev.endswith(" -")):
        return True
    if gap or ends_clause:
        return False
    if ends_dangling(prev):
        return True
    if full is not None and opens_line(prev):
        return width >= full
    return width >= wide


_NUMBER_LABEL = re.compile(r"^(?:Luật\s+)?[Ss]ố\s*:?$")  # "Số:", a law's "Luật số:"
_DATE_CONTINUES = re.compile(r"^(?:ngày|tháng|năm)\b|^\d{1,2}\s+(?:tháng|năm)\b|^\d{4}\b", re.I)


def _header_field_runs_on(prev: str, nxt: str, head: bool = True) -> bool:
    """A header field wrapped by a converter: ``Số:`` / ``12/KH-UBND``; ``Huế, ngày 24`` /
    ``tháng 11 năm 2025`` (the place/date line has no year yet); in the header (``head``),
    ``Thành phố Hồ Chí`` / ``Minh, ngày …`` (a place cut before its date)."""
    if _NUMBER_LABEL.match(prev):
        return bool(re.match(r"^[\d./…_ ]*/", nxt)) or bool(re.match(r"^\d+[/-]", nxt))
    if PLACE_DATE_LINE.match(prev) and not re.search(r"\b(?:1[89]|20)\d\d\b", prev):
        return bool(_DATE_CONTINUES.match(nxt))
    if head and PLACE_DATE_LINE.match(nxt) and (nxt[:1].isupper() or nxt.split()[0] in _unit_words()):
        return _place_head(prev) and bool(PLACE_DATE_LINE.match(prev + " " + nxt))
    return False


@functools.cache
def _unit_words() -> frozenset[str]:
    terms = load_yaml("header_terms.yml")
    abbreviations = {a for abbr in terms["unit_abbreviations"] for a in (abbr, abbr.capitalize())}
    return frozenset(w for u in terms["unit_types"] for w in u.split()) | abbreviations


def _place_head(text: str) -> bool:
    """``Thành phố Hồ Chí``: the start of a place name cut before its date (capitalised
    words, unit words in lower case), not the motto, a caps body line or a summary."""
    words = text.split()
    if not 1 <= len(words) <= 5 or is_all_caps(text) or _MOTTO.search(text) or not text[:1].isupper():
        return False
    return all(w[:1].isupper() and w.isalpha() or w in _unit_words() for w in words)


def glue(prev: str, nxt: str) -> str:
    """Join two halves of a line; a symbol cut after its hyphen rejoins without a space."""
    if _symbol_tail(prev) and re.match(r"[\dA-ZĐ]", nxt):
        return prev + nxt
    return prev + " " + nxt


# --- footnotes ------------------------------------------------------------------------

def _is_numbered(line: str) -> bool:
    marker = read_marker(line)
    return marker is not None and marker.kind == "number"


_FOOTNOTE_START = re.compile(r"^(\d{1,2})\s+(?=\S)(?!\d)")
_GLUED_MARKER = r"(?<=[a-zà-ỹđ\)”])({n})(?=[\s(.,;:)]|$)"


@dataclass(slots=True)
class _Line:
    text: str
    page: int
    char: int
    blank_before: bool = False
    hard: bool = False  # a table row: never joined with its neighbours


def split_footnotes(lines: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """Footnote bodies (``1 về việc …`` answering a ``phủ1`` marker) go out of the body.

    A footnote starts with its number and a space, and counts only if the body before it
    carries that number glued to a word; it runs on over lower-case continuation lines.
    The markers are removed from the body.
    """
    body: list[_Line] = []
    notes: list[_Line] = []
    in_note = False
    numbers: list[str] = []
    for ln in lines:
        m = _FOOTNOTE_START.match(ln.text)
        if m and not _is_numbered(ln.text) and re.search(_GLUED_MARKER.format(n=m.group(1)),
                                                         " ".join(b.text for b in body[-60:])):
            in_note = True
            numbers.append(m.group(1))
            notes.append(ln)
            continue
        if in_note and ln.text[:1].islower():
            notes[-1] = _Line(notes[-1].text + " " + ln.text, notes[-1].page, notes[-1].char)
            continue
        in_note = False
        body.append(ln)
    for n in numbers:
        marker = re.compile(_GLUED_MARKER.format(n=n))
        for b in body:
            b.text = marker.sub("", b.text, count=1) if marker.search(b.text) else b.text
    return body, notes


# --- JSON-wrapped OCR ------------------------------------------------------------------
# Some OCR tools save a page as a JSON object: headings as keys, each holding a score and
# the lines under it; schema keys ("Topic", "Name") and scores are not document text.

_SCHEMA_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_ ]{0,30}$")


def unwrap_json_text(page: str) -> str:
    """A page that is a JSON object or array → its text lines in order (keys that are text,
    string values); any other page comes back unchanged."""
    head = page.lstrip()[:1]
    if head not in ("{", "["):
        return page
    import json

    try:  # strict=False: a rendering may wrap a string's text over lines
        data, end = json.JSONDecoder(strict=False).raw_decode(page.lstrip())
    except ValueError:
        return page
    if len(page.lstrip()[end:].strip()) > 8:  # more than a page number after it: not one object
        return page
    lines: list[str] = []
    stack = [data]
    while stack:  # depth-first, in the document's order, without recursion
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in reversed(list(item.items())):
                stack.append(value)
                if not _SCHEMA_KEY.match(key):
                    stack.append(key)
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, str) and item.strip():
            lines.append(item.strip())
    return "\n".join(lines)


# --- web-crawl furniture --------------------------------------------------------------
# A page saved from an online legal library wraps the document in the site's furniture: a
# banner and a metadata panel before it, a caption, related-document lists and notices
# after it (gazetteer/web_furniture.yml). The document runs from its own header (the
# issuing body above the motto) to the last line before the furniture that follows it.


@functools.cache
def _furniture() -> dict:
    return load_yaml("web_furniture.yml")


def _label_key(text: str) -> str:
    return " ".join(text.strip(" #*|").split()).casefold()


@functools.cache
def _panel_label_re() -> re.Pattern:
    labels = sorted(_furniture()["panel_labels"], key=len, reverse=True)
    return re.compile(r"^[#*|\s]*(" + "|".join(re.escape(x) for x in labels) + r")\s*:", re.I)


@functools.cache
def _end_headings() -> frozenset[str]:
    return frozenset(_label_key(h) for h in _furniture()["end_headings"])


@functools.cache
def _end_heading_start() -> re.Pattern:
    """The first word of an end heading, after any markup: most lines are passed at once."""
    words = sorted({h.split()[0] for h in _end_headings()}, key=len, reverse=True)
    return re.compile(r"^[#*|\s]*(?i:" + "|".join(map(re.escape, words)) + r")")


def panel_label(text: str) -> str | None:
    """``Số hiệu:`` / ``Hiệu lực: Đã biết`` → the label, when a short line opens with a
    metadata-panel label."""
    m = _panel_label_re().match(text) if len(text) <= 60 else None
    return m.group(1).casefold() if m else None


def _panel_at(texts: list[str], i: int) -> bool:
    """Do enough distinct panel labels stand within a few lines from ``i``?"""
    window = texts[i:i + int(_furniture()["panel_span"])]
    labels = {lab for lab in map(panel_label, window) if lab}
    return len(labels) >= int(_furniture()["panel_min_labels"])


def _is_rule_or_caps(text: str) -> bool:
    return bool(_RULE_LINE.match(text)) or (is_all_caps(text) and not any(c.isdigit() for c in text))


def _document_start(texts: list[str]) -> int:
    """The line where the document's own header begins, when a metadata panel (or a
    portal's banner with one) stands before it; 0 when nothing precedes the header."""
    panel_end = None
    for i, text in enumerate(texts[:400]):
        if panel_label(text) and _panel_at(texts, i):
            panel_end = i + 1
        elif _MOTTO.search(text):
            if panel_end is None:
                return 0
            start = i
            # the issuing body printed above the motto (its own lines, rules between)
            k, taken = i - 1, 0
            while k >= panel_end and taken < 12 and (not texts[k] or _is_rule_or_caps(texts[k])):
                if texts[k]:
                    start, taken = k, taken + 1
                k -= 1
            return start
    return 0


_OWN_NUMBER = re.compile(r"^Số\s*:?\s*(\d+[/-][\w./&-]+)")


def _own_number(texts: list[str], start: int) -> str | None:
    filled = [t for t in texts[start:start + 80] if t]
    for text, nxt in zip(filled, filled[1:] + [""]):
        m = _OWN_NUMBER.match(text if not text.endswith(":") else text + " " + nxt)
        if m:
            return m.group(1)
    return None


def _is_caption(text: str, number: str | None) -> bool:
    """A portal's one-line caption of the document: ``Quyết định 12/2025/QĐ-UBND …``
    (its kind word, then its own number)."""
    m = re.match(r"^(\S+(?:\s+\S+){0,3}?)\s+(?:số\s+)?(\d+[/-][\w./&-]*\w)", text)
    if not m:
        return False
    kinds = {w.casefold() for kind in gazetteer.kinds().values() for w in kind["headings"]}
    if m.group(1).casefold() not in kinds:
        return False
    return number is None or m.group(2) == number


def _document_end(texts: list[str], start: int) -> int:
    """Index after the document's last line: before the first related-documents heading
    or metadata panel that follows the document, and before a caption just above it."""
    end = len(texts)
    for i in range(start + 1, len(texts)):
        text = texts[i]
        if len(text) > 60:
            continue
        if ((_end_heading_start().match(text) and _label_key(text) in _end_headings())
                or (panel_label(text) and _panel_at(texts, i))):
            end = i
            break
    if end == len(texts):
        return end
    number = _own_number(texts, start)
    window = [j for j in range(start + 1, end) if texts[j]][-int(_furniture()["caption_window"]):]
    return next((j for j in window if _is_caption(texts[j], number)), end)


def document_bounds(texts: list[str]) -> tuple[int, int]:
    """(first, end) line indexes of the document inside a saved web page (normalised
    lines); (0, len) for a document with no furniture around it."""
    start = _document_start(texts)
    return start, _document_end(texts, start)


# --- the whole chain -----------------------------------------------------------------


def _raw_lines(pages: list[str]) -> list[list[tuple[str, int]]]:
    """Each page's lines with their character offset in that page."""
    out = []
    for page in pages:
        lines = page.split("\n")
        out.append(list(zip(lines, accumulate((len(x) + 1 for x in lines[:-1]), initial=0))))
    return out


def _widths(lines: list[str]) -> tuple[int, int]:
    """(wide, full): 62% and 85% of the 80th-percentile line length."""
    lengths = sorted(len(x) for x in lines if len(x) > 20)
    if not lengths:
        return 60, 80
    p80 = lengths[int(len(lengths) * 0.8)]
    return int(p80 * 0.62), int(p80 * 0.85)


@dataclass
class _SubjectColumn:
    """A Công văn's ``V/v`` summary in the left column of a pdftotext -layout header,
    its wrapped lines side by side with ``Kính gửi`` or the date in the right column."""
    line: _Line
    starts: list[int]  # column starts of the V/v line

    def takes(self, raw: str, first: str) -> bool:
        """Is ``first`` (the left part of ``raw``) a wrapped line of the summary?"""
        cols = column_starts(raw)
        right = self.starts[1] if len(self.starts) > 1 else None
        if not cols or (right is None and len(cols) < 2):
            return False  # no columns side by side: the reflow joins it as it should
        if right is not None and (cols[0] >= right or cols[0] + len(first) > right + 2):
            return False
        if right is None and cols[0] > self.starts[0] + 12:
            return False
        return not (starts_item(first) or is_all_caps(first) or PLACE_DATE_LINE.match(first)
                    or _MOTTO.search(first))


def _subject_column(open_at: _SubjectColumn | None, raw: str,
                    texts: list[str]) -> tuple[str | None, list[str]]:
    """("open" | "continued" | None, texts left to emit) for one header line: a ``V/v``
    line opens the column; a wrapped line of it is glued to it, not to the right column."""
    if not texts or not texts[0] or is_noise_line(texts[0]):
        return None, texts
    if open_at is not None and open_at.takes(raw, texts[0]):
        open_at.line.text = glue(open_at.line.text, texts[0])
        return "continued", texts[1:]
    if texts[0].startswith("V/v"):
        return "open", texts
    return None, texts


def normalize_pages(pages: list[str], ocr: bool = False, paragraphs: bool = False,
                    header_lines: list[str] | None = None) -> NormalisedText:
    """Raw page texts → :class:`NormalisedText` (see module docstring). ``paragraphs``: the
    reader knew where paragraphs end (Word, web page, Markdown), so a blank line is a break
    even when one stands between every line. ``header_lines``: the header block as a reader
    laid it out column by column (a PDF's first page), raw."""
    source_pages = pages
    if ocr:
        from pipeline.read.ocr_repair import repair_ocr_pages

        pages = repair_ocr_pages(pages)  # across pages: heading numbers read twice (II./II.)
    if pages and pages[0].lstrip()[:1] in ("{", "["):  # JSON-wrapped OCR, maybe over several pages
        joined = "\n".join(re.sub(r"\n[ \t]*\d{1,4}[ \t]*$", "", p) for p in pages)  # page numbers out
        unwrapped = unwrap_json_text(joined)
        pages = [unwrapped] if not unwrapped.lstrip().startswith(("{", "[")) else pages
    paged = _raw_lines(pages)
    running = running_lines([[raw for raw, _ in p] for p in paged])
    normed = [normalize_line(raw) for p in paged for raw, _ in p]
    first, end = document_bounds(normed)  # web-crawl furniture stays out
    own_number = _own_number(normed, first)  # a portal's caption repeats it
    in_caption = False
    total = end - first
    lines: list[_Line] = []
    subject_at: _SubjectColumn | None = None  # an open V/v column (pdftotext -layout)
    seen = filled = 0
    flat = -1
    blank = False
    for page_no, page in enumerate(paged, start=1):
        subject_at = None
        edges = set(_edge_lines([raw for raw, _ in page], depth=3)) if running else set()
        table_rows = layout_table_rows([raw for raw, _ in page])
        continued = {k for _, more in table_rows.values() for k in more}
        for at, (raw, char) in enumerate(page):
            flat += 1
            if not first <= flat < end:
                continue
            seen += 1
            empty = not raw.strip()
            filled += not empty
            if at in continued:
                continue  # already read into its row
            row = ("|" in raw and TABLE_ROW.match(raw) is not None) or at in table_rows
            # Columns side by side only matter in the header and signature blocks; a row
            # of a data table (a task table in an annex) stays one line whatever its place.
            edge = filled <= 14 or seen > total - 45
            subject = None
            if at in table_rows:
                texts = [normalize_line(table_rows[at][0])]
            elif edge and not (row and is_data_row(raw)):
                parts = [col for cell in split_cells(raw) for col in split_layout_columns(cell)]
                # a line of one part is normalised already (normalize_line strips what strip() does)
                normal = [normed[flat]] if parts == [raw.strip()] else map(normalize_line, parts)
                texts = [t for part in normal for t in split_motto(part)]
                if filled <= 14:
                    texts, in_caption = drop_caption([f for t in texts for f in split_flat_header(t)],
                                                     own_number, in_caption)
                row = row and len(texts) == 1
                if not row and "|" not in raw:
                    subject, texts = _subject_column(subject_at, raw, texts)
            else:
                texts = [normed[flat]]
            if subject is None:
                subject_at = None
            blank = blank or empty
            for text in texts:
                if not text or is_noise_line(text):
                    blank = blank or not text
                    continue
                if raw in edges and running_key(text) in running:
                    continue
                lines.append(_Line(text, page_no, char, blank, hard=row))
                blank = False
                if subject == "open":
                    subject_at = _SubjectColumn(lines[-1], column_starts(raw))
                    subject = "opened"
    body, notes = split_footnotes(lines)
    wide, full = _widths([b.text for b in body])
    # Blank lines separate paragraphs only where they are not between every line.
    blanks_mean_breaks = paragraphs or sum(b.blank_before for b in body) < 0.5 * max(1, len(body))

    logical: list[_Line] = []
    last = ""
    for ln in body:
        gap = ln.blank_before and blanks_mean_breaks
        joined = (bool(logical) and not ln.hard and not logical[-1].hard
                  and should_join(logical[-1].text, ln.text, wide, full, gap, last, head=len(logical) < 20))
        last = ln.text
        if joined:
            logical[-1].text = glue(logical[-1].text, ln.text)
        else:
            logical.append(_Line(ln.text, ln.page, ln.char, hard=ln.hard))

    text_parts: list[str] = []
    starts: list[int] = []
    origins: list[tuple[int, int]] = []
    pos = 0
    for group in (logical, notes):
        for ln in group:
            starts.append(pos)
            origins.append((ln.page, ln.char))
            text_parts.append(ln.text)
            pos += len(ln.text) + 1
        if group is logical:
            footnote_start = pos
    text = "\n".join(text_parts)
    footnote_start = min(footnote_start, len(text))
    return NormalisedText(text=text, footnote_start=footnote_start,
                          line_starts=starts, line_origins=origins,
                          tables=find_tables(source_pages, text, normalize_line),
                          header=tidy_header_lines(header_lines or []),
                          signature=find_signature(text[:footnote_start]))


def normalize_text(raw: str) -> NormalisedText:
    """One raw text (pages separated by form feeds) → :class:`NormalisedText`."""
    return normalize_pages(raw.split("\f"))
