"""Small readers of the text around a position: a capitalised place name after it, capital
lines, soft line wraps, a duty's lead-in before it. They know nothing of bodies."""
from __future__ import annotations

import bisect
import functools
import re

from .vocabulary import _listed_head_forms, _tidy


# Headings and lead-ins that assign duties to the group that follows.
_ASSIGN_PREFIX = re.compile(
    r"\s*(?:(?:[-+•*]|(?:[ivxlc]+|\d+|[a-zđ])[.)]|\d+(?:\.\d+)+\.?)\s*)*"
    r"(?:đối với\s+|giao\s+|đề nghị\s+|yêu cầu\s+)?")


# How far a look-ahead at one position reads (a slice to the end of the text at every name
# is quadratic on a long line); every pattern matched there is far shorter.
_NEAR = 400


def _caps_line(t: str, pos: int) -> bool:
    breaks = _line_breaks(t)  # find/rfind from ``pos`` walk a whole long line at every name
    i = bisect.bisect_left(breaks, pos)
    ls = breaks[i - 1] + 1 if i else 0
    le = breaks[i] if i < len(breaks) else len(t)
    return _caps_between(t, ls, le)


@functools.lru_cache(maxsize=4)
def _line_breaks(t: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", t)]


@functools.lru_cache(maxsize=8)  # once per line, not once per name on it (a long line is quadratic)
def _caps_between(t: str, ls: int, le: int) -> bool:
    letters = [c for c in t[ls:le] if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters)


_PROPER = re.compile(r"[^\S\n]+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)(?:[^\S\n]*-[^\S\n]*[A-ZĐÀ-Ỹ][\wÀ-ỹ]*|[^\S\n]+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*)")


_PROPER_WORD = re.compile(r"([\wÀ-ỹ]+)")


def _proper_after(t: str, pos: int) -> tuple[str, int] | None:
    """A capitalised place name right after ``pos`` ("Thừa Thiên Huế", "KON TUM")."""
    # The class À-Ỹ also holds lower-case letters (đ, ề): every word must be upper-case
    # initial, so a place ends at the first lower-case word ("huyện Cần Giờ đề nghị").
    m = _PROPER.match(t, pos)
    if not m:
        return None
    name, end = m.group(1), m.end()
    for w in _PROPER_WORD.finditer(name):
        if not w.group(1)[0].isupper():
            name = name[:w.start()].rstrip(" -")
            end = m.start(1) + len(name)
            break
    if not name:
        return None
    if name.isupper():
        name = " ".join(w.capitalize() for w in name.split())
    return _tidy(name), end


# A line break between a word and a lower-case word that is no list marker ("a)") is a soft
# wrap of the source: "Ủy ban nhân\ndân", "Trung tâm Dịch\nvụ việc làm" are one name.
_SOFT_WRAP = re.compile(r"(?<=[\wÀ-ỹ])[^\S\n]*\n(?=[^\S\n]*[a-zđà-ỹ](?![).]))")


# A line that ends on a word needing what follows (a determiner, a linking word) goes on in
# the next, capitalised or not: "các\nSở, ngành", "thuộc\nỦy ban nhân dân".
_OPEN_END_WRAP = re.compile(r"(?<![\w])(?:các|Các|của|thuộc|trực thuộc)([^\S\n]*\n)(?=[^\S\n]*[A-ZĐÀ-Ỹ])")


@functools.cache
def _head_wrap() -> re.Pattern:
    """A line ending on the head of a named body, the name on the next line ("Hiệp hội\nDoanh
    nghiệp tỉnh"); the word before the head is caught to tell a place's last word ("Hải Phòng")."""
    heads = sorted(set(_listed_head_forms().values()), key=len, reverse=True)
    return re.compile(r"(?:(?<![\wÀ-ỹ])([\wÀ-ỹ]+)[^\S\n]+)?(?<![\w&])(?:" + "|".join(map(re.escape, heads))
                      + r")([^\S\n]*\n)(?=[^\S\n]*[A-ZĐÀ-Ỹ][\wÀ-ỹ]*[^\S\n]+[\wÀ-ỹ])")


def _join_head(m: re.Match) -> str:
    if m.group(1) and m.group(1)[0].isupper():
        return m.group(0)  # "Hải Phòng", "Bộ Xây dựng | Phòng": a place or a name ends there
    ls = m.string.rfind("\n", 0, m.start()) + 1
    if not m.group(1) and not m.string[ls:m.start()].strip(" \t|"):
        return m.group(0)  # a head alone on its line is a table cell, not a wrapped name
    return m.group(0)[:m.start(2) - m.start()] + " " * len(m.group(2))


def _soft_join(t: str) -> str:
    """``t`` with its soft wraps made blanks; the same length, so offsets still hold."""
    t = _SOFT_WRAP.sub(lambda m: " " * len(m.group(0)), t)
    t = _head_wrap().sub(_join_head, t)
    return _OPEN_END_WRAP.sub(lambda m: m.group(0)[:m.start(1) - m.start()] + " " * len(m.group(1)), t)


# Lower-case words to the line's end: matched from a position, so a long line is read only as
# far as its first other character (not cut out whole on every call).
_LOWER_TO_LINE_END = re.compile(r"(?:[^\S\n]+[a-zđà-ỹ]+)*[^\S\n]*(?:\n|\Z)")


def _cut_at_line_end(t: str, end: int) -> bool:
    """Only lower-case words (or nothing) follow ``end`` on its line, and no punctuation."""
    return _LOWER_TO_LINE_END.match(t, end) is not None


def _fold_keep_abbr(f: str, t: str) -> str:
    """Folded text where the abbreviations UBND/HĐND keep their capitals (case-sensitive)."""
    out = list(f)
    for m in re.finditer(r"UBND|HĐND", t):
        out[m.start():m.end()] = list(m.group(0))
    return "".join(out)


def _assigned(f: str, start: int) -> bool:
    # a bounded look back: a prefix of list marks and a verb is short, a long line is not one
    window = max(0, start - 200)
    ls = f.rfind("\n", window, start) + 1
    if not ls and window:
        return False
    return _ASSIGN_PREFIX.fullmatch(f[ls:start]) is not None


def _marked(f: str, start: int) -> bool:
    """Something stands before ``start`` on its line: a list mark or a lead-in ("6. ", "- Giao "),
    not only blanks and markup (a bare table cell)."""
    ls = f.rfind("\n", max(0, start - 200), start) + 1
    return bool(f[ls:start].strip(" \t*_#"))


# What may follow a name to its line's end: no word at all, or "trên địa bàn …" / ": …" (matched
# from the position: a long line is not cut out on every call).
_NO_WORD_TO_LINE_END = re.compile(r"[^\w\n]*(?:\n|\Z)")
_AREA_OR_COLON = re.compile(r"[^\S\n]*(?:trên địa bàn|:)", re.I)


def _line_end(t: str, end: int) -> bool:
    return bool(_NO_WORD_TO_LINE_END.match(t, end) or _AREA_OR_COLON.match(t, end))
