"""List markers: the one grammar of how an item, article or section opens a line.

Vietnamese administrative documents nest their items in a conventional order (Nghị định
30/2020/NĐ-CP): articles ``Điều 1.``, Roman sections ``I.`` (or ``Phần II``), numbers
``1.`` / ``1.1.``, letters ``a)`` … ``đ)``, dash bullets ``-`` and plus bullets ``+``.
:func:`read_marker` reads the marker a line opens with; the normaliser uses it to decide
where a logical line starts, the outline to nest items, the format converters to number
lists. Headings of larger divisions (``Chương II``, ``Mục 1``, ``Phụ lục 2``) are a kind of
their own (``heading``) that only :func:`heading_marker` reads: they open a line but are not
items of the outline.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from gazetteer import load_yaml

# Kinds, highest in the outline first.
KINDS = ("article", "roman", "number", "letter", "dash", "plus")

_ROMAN_NUMERAL = re.compile(r"^(?=[IVX])X{0,3}(IX|IV|V?I{0,3})$")  # I … XXXIX
_UPPER = "A-ZĐÀ-Ỹ"

_ARTICLE = re.compile(r"Điều\s+(\d{1,3}[a-zđ]?)\s*(?:[.:]\s*|$)", re.I)
_ROMAN = re.compile(r"([IVX]{1,6})\s*[.\-–):]\s*(?!\d)")
# after its dot a number opens a word ("1.Sở" still is one); "51)." closes a reference
_NUMBER = re.compile(r"(\d{1,2}(?:\s?\.\s?\d{1,2}){0,3})\s?(?:[.)]\s*|(?<=\d)\s+(?=[^\W\d]))(?=[^\W\d]|\s|$)")
_NUMBER_PUNCTUATED = re.compile(r"\d{1,2}(?:\s?\.\s?\d{1,2}){0,3}\s?[.)]")
_NUMBER_MULTI_BARE = re.compile(r"\d{1,2}(?:\.\d{1,2}){1,3}\s+")
# "a/ Sở …" (also OCR's reading of "a)") before a capital only: "b/c kết quả" is báo cáo
_LETTER = re.compile(rf"([a-zđ])\s?(?:\)|/(?=\s*[{_UPPER}]))\s*")
_LETTER_DOT = re.compile(r"([a-zđ])\.\s+(?=\w)")
# OCR reads "1." as "l." ("l. Sở Nông nghiệp …"): a lone "l" before a capital is one.
_OCR_ONE = re.compile(rf"l\s?[.)]\s+(?=[{_UPPER}])")
_PLUS = re.compile(r"(?:[-–—•]\s*)?\+\s*")
_DASH = re.compile(r"(?:[-–—•●▪◦∙·○■]|\*(?=\s))\s*")
_HEADING = re.compile(r"(?:Chương|Mục|Phụ\s+lục)\s+([\dIVXLC]+)\b\.?\s*")

_HEADINGS = load_yaml("section_headings.yml")
# "Phần II", "PHẦN II. NHIỆM VỤ", "Phần thứ hai": a part is a section like "II."
_PART = re.compile(_HEADINGS["part"])
_PART_ORDINALS = {k.lower(): v for k, v in _HEADINGS["part_ordinals"].items()}


class Marker(NamedTuple):
    """A list marker as read: its kind, its label (``"Điều 2"``, ``"IV"``, ``"1.1"``,
    ``"a"``, ``"-"``, ``"+"``) and its length in the line, trailing space included."""

    kind: str
    label: str
    length: int


def is_roman(token: str) -> bool:
    return bool(_ROMAN_NUMERAL.match(token))


def part_numeral(n: str) -> str | None:
    """"II" for "II", "2" or "hai"."""
    if n.isdigit():
        k = int(n)
        if not 0 < k < 40:
            return None
        out = ""
        for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
            while k >= value:
                out, k = out + sym, k - value
        return out
    if is_roman(n):
        return n
    return _PART_ORDINALS.get(n.lower())


# The characters a marker can begin with: most lines begin otherwise and are passed at once.
_FIRST = frozenset("0123456789IVXĐđPpabcdefghijklmnopqrstuvwxyz-–—•●▪◦∙·○■*+")


def read_marker(line: str) -> Marker | None:
    """The list marker ``line`` opens with, or None."""
    if line[:1] not in _FIRST:
        return None
    if m := _ARTICLE.match(line):
        return Marker("article", "Điều " + m.group(1), m.end())
    if (m := _ROMAN.match(line)) and is_roman(m.group(1)):
        return Marker("roman", m.group(1), m.end())
    if m := _PART.match(line):
        numeral = part_numeral(m.group("n"))
        if numeral:
            return Marker("roman", numeral, m.end())
    if m := _NUMBER.match(line + " x"):  # a marker alone on its line (OCR) still opens an item
        bare = not _NUMBER_PUNCTUATED.match(line)
        if not bare or _NUMBER_MULTI_BARE.match(line):
            return Marker("number", re.sub(r"\s", "", m.group(1)), min(m.end(), len(line)))
    if m := _OCR_ONE.match(line):
        return Marker("number", "1", m.end())
    if m := _LETTER.match(line):
        return Marker("letter", m.group(1), m.end())
    if (m := _LETTER_DOT.match(line)) and line[m.end()].isupper():
        return Marker("letter", m.group(1), m.end())
    if (m := _PLUS.match(line)) and m.end() < len(line):
        return Marker("plus", "+", m.end())
    if (m := _DASH.match(line)) and m.end() < len(line) and not line[m.end()].isdigit():
        return Marker("dash", "-", m.end())
    return None


def heading_marker(line: str) -> Marker | None:
    """``Chương II``, ``Mục 1``, ``Phụ lục 2``: a division heading (not an outline item)."""
    if line[:1] not in "CMP":
        return None
    m = _HEADING.match(line)
    return Marker("heading", m.group(1), m.end()) if m else None


def opens_line(line: str) -> bool:
    """Does ``line`` open with a list marker or a division heading? A number or Roman
    numeral alone on a line (``15.``, ``XVII.``) does not: it is as often the end of a
    wrapped reference (``khoản 3 Điều`` / ``15.``) as an item's number."""
    m = read_marker(line) or heading_marker(line)
    if m is None:
        return False
    return m.kind not in ("number", "roman") or m.length < len(line.rstrip())


def strip_marker(line: str) -> str:
    """``line`` without the marker it opens with."""
    m = read_marker(line) or heading_marker(line)
    return line[m.length:] if m else line
