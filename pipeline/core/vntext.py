"""Vietnamese text primitives: the one home of folding, mark stripping and tone placement.

Each operation has its own name because callers need different things:

* :func:`fold_key` — ``Quyết  Định`` → ``quyet dinh``: a key for search and matching
  (lower case, no marks, đ → d, single spaces). Lengths change.
* :func:`fold_chars` — the same folding one character for one (spaces kept), so an
  offset found in the folded text is an offset in the text.
* :func:`casefold_vi` — lower case with the contract's tone placement, one character for
  one: marks kept, so ``Uỷ ban`` and ``ủy ban`` compare equal.
* :func:`strip_marks` — ``Đồng Nai`` → ``Dong Nai``: marks removed, case kept.
* :func:`strip_tones` — ``Việt`` → ``Viêt``: tone marks removed, letters (ê, ơ, ư…) kept.
* :func:`place_tones` — old-style placement on a word-final open cluster (``hoà``,
  ``thuỷ``, ``UỶ``) → the placement the official bodies print (``hòa``, ``thủy``, ``ỦY``).
"""
from __future__ import annotations

import functools
import re
import unicodedata

# --- tone placement ----------------------------------------------------------------------

# Only word-final clusters move: "toàn", "khuỷu" keep theirs, and after "q" the "u" is part
# of the consonant ("quý" stays).
_TONED = {
    "a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ",
    "A": "ÀÁẢÃẠ", "E": "ÈÉẺẼẸ", "Y": "ỲÝỶỸỴ",
}
_TONE_CARRIER = {  # base vowel → its five toned forms, same order as _TONED
    "o": "òóỏõọ", "u": "ùúủũụ", "O": "ÒÓỎÕỌ", "U": "ÙÚỦŨỤ",
}
_TONE_PAIRS = (("o", "a"), ("o", "e"), ("u", "y"))


def _tone_table() -> dict[str, str]:
    table = {}
    for first, second in _TONE_PAIRS:
        for f in (first, first.upper()):
            for s in (second, second.upper()):
                for i, toned in enumerate(_TONED[s]):
                    table[f + toned] = _TONE_CARRIER[f][i] + s
    return table


# Old cluster → contract cluster, every case combination ("oà", "OÀ", "Oà", …).
TONE_TABLE: dict[str, str] = _tone_table()
# The lower-case clusters alone: what folded (lower-cased) text can hold.
TONE_TABLE_LOWER: dict[str, str] = {k: v for k, v in TONE_TABLE.items() if k == k.lower()}

_TONE_RE = re.compile(r"(?<![qQ])(?:" + "|".join(TONE_TABLE) + r")(?!\w)")
_TONE_RE_LOWER = re.compile(r"(?<![qQ])(?:" + "|".join(TONE_TABLE_LOWER) + r")(?!\w)")


def place_tones(text: str) -> str:
    """``UỶ BAN`` → ``ỦY BAN``, ``hoà`` → ``hòa``; ``toàn``, ``quý`` unchanged. Same length."""
    return _TONE_RE.sub(lambda m: TONE_TABLE[m.group(0)], text)


# --- case folding, marks kept ------------------------------------------------------------

def casefold_vi(text: str) -> str:
    """Lower case with the contract's tone placement, one character for one (``Uỷ ban`` →
    ``ủy ban``). A character whose lower case is longer (``İ``) is kept as it is."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return _TONE_RE_LOWER.sub(lambda m: TONE_TABLE_LOWER[m.group(0)], low)


# --- folding: no marks -------------------------------------------------------------------

class _FoldTable(dict):
    """``str.translate`` table filled on demand: a character → its lower-case base letter
    (đ/Đ → d; NFD leaves them whole, they are letters, not d + a mark)."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        if c in "đĐ":
            base = "d"
        else:
            base = unicodedata.normalize("NFD", c)[0].lower()
            if len(base) != 1:
                base = c
        self[code] = base
        return base


_FOLD_CHARS = _FoldTable()


def fold_chars(text: str) -> str:
    """``KẾ HOẠCH`` → ``ke hoach``: lower case, no marks, đ → d, one character for one, so
    offsets carry over. OCR drops and swaps marks; names are also looked for in this form."""
    return text.translate(_FOLD_CHARS)


_D_TO_D = str.maketrans({"đ": "d", "Đ": "D"})


def strip_marks(text: str) -> str:
    """``Đồng Nai`` → ``Dong Nai``: every combining mark removed, đ → d, case kept."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_TO_D))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# The five tone marks (huyền, sắc, hỏi, ngã, nặng) as combining characters; the other
# marks (ă â ê ô ơ ư) make distinct letters.
TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")


def strip_tones(text: str) -> str:
    """``Việt`` → ``Viêt``: the tone marks removed, the letters' own marks kept; NFC."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))


# --- whole documents, folded once ---------------------------------------------------------

@functools.lru_cache(maxsize=4)
def casefold_document(text: str) -> str:
    """:func:`casefold_vi` of a whole document's text, computed once however many readers ask
    (the last few documents are kept)."""
    return casefold_vi(text)


@functools.lru_cache(maxsize=4)
def fold_document(text: str) -> str:
    """:func:`fold_chars` of a whole document's text, computed once however many readers ask."""
    return fold_chars(text)


def fold_key(text: str | None) -> str:
    """``Quyết  Định`` → ``quyet dinh``: no marks, đ → d, lower case, single spaces."""
    if not text:
        return ""
    quick = text.translate(_FOLD_CHARS)  # the common case, at C speed: every letter folds to ASCII
    if quick.isascii():  # then it equals the full folding below (checked on every code point)
        return " ".join(quick.split())
    return " ".join(strip_marks(text).casefold().split())


_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.S)


def is_all_caps(line: str) -> bool:
    """At least two letters, and no letter in lower case (read at C speed: a long line of
    capitals costs no more than its length)."""
    return line.isupper() and _TWO_LETTERS.search(line) is not None
