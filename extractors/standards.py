"""Standards a document names: ``TCVN ISO 9001:2015``, ``TCVN 7391-1:2005``, ``ISO 9001:2015``.

Codes are written the one way the standard bodies print them (prefix, number, ``:year``):
``TCVN ISO 9001-2015`` becomes ``TCVN ISO 9001:2015``. A code printed without its year is
the same standard as a dated one with the same number in the document, and kept as printed
only when no dated form exists. A code that appears once and differs by one digit from a
code the document repeats (``TCVN ISO 900:2015`` beside ``TCVN ISO 9001:2015``) is read as
that code, with a ``source_typo`` warning. Footnote URLs never count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.core.models import Context, Section, warning
from extractors.registry import component

STANDARD_RE = re.compile(
    r"""(?<![\w/.-])
    (?P<prefix>TCVN(?:\s+ISO(?:\s*/\s*IEC)?)?|ISO(?:\s*/\s*IEC)?)\s+
    (?P<num>\d{1,5}(?:-\d{1,2})*)
    (?:\s*(?P<sep>[:\-])\s*(?P<year>(?:19|20)\d{2}))?
    (?![\w:])""",
    re.X,
)


@dataclass
class _Mention:
    start: int
    end: int
    prefix: str
    num: str
    year: str | None
    raw: str

    @property
    def code(self) -> str:
        return f"{self.prefix} {self.num}" + (f":{self.year}" if self.year else "")


# OCR reads 0 and 1 as O, o, l, I inside a code ("TCVN ISO 9OO1:2015"): a run after the
# prefix, or after the year's colon, that holds a real digit is read as digits.
_OCR_DIGITS = re.compile(r"(?:(?<=TCVN )|(?<=ISO )|(?<=IEC ))(?=[\dOolI]*\d)[\dOolI]{3,5}(?![\w])"
                         r"|(?<=\d:)(?=[\dOolI]*\d)[\dOolI]{4}(?!\w)")
_DIGIT_OF = str.maketrans("OolI", "0011")


def _mentions(text: str) -> list[_Mention]:
    view = re.sub(r"(?:https?://|www\.)\S+", lambda m: " " * len(m.group(0)), text)
    view = _OCR_DIGITS.sub(lambda m: m.group(0).translate(_DIGIT_OF), view)
    out = []
    for m in STANDARD_RE.finditer(view):
        prefix = re.sub(r"\s*/\s*", "/", " ".join(m.group("prefix").split()))
        out.append(_Mention(m.start(), m.end(), prefix, m.group("num"), m.group("year"), m.group(0)))
    return out


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by one inserted, deleted or changed character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def read_standards(text: str) -> tuple[list[dict], list[list[tuple[int, int]]], list[dict]]:
    """Standards in ``text``: (items, mention offsets per item, warnings)."""
    mentions = _mentions(text)
    # ISO 9001:2015 beside TCVN ISO 9001:2015 is the national adoption of the same standard
    tcvn = {(m.num, m.year) for m in mentions if m.prefix.startswith("TCVN ISO")}
    for m in mentions:
        if m.prefix.startswith("ISO") and (m.num, m.year) in tcvn:
            m.prefix = "TCVN " + m.prefix
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.code] = counts.get(m.code, 0) + 1
    warnings = []
    for m in mentions:
        if not m.year or counts[m.code] > 1:
            continue
        near = [c for c in counts if c != m.code and counts[c] > 1 and c.startswith(m.prefix + " ")
                and c.endswith(f":{m.year}") and _one_edit(c[len(m.prefix) + 1:-5], m.num)]
        if len(near) == 1:
            warnings.append(warning("source_typo", f'"{m.raw}" read as {near[0]}'))
            m.num = near[0][len(m.prefix) + 1:-5]
    dated = {(m.prefix, m.num): m.code for m in mentions if m.year}
    order: list[str] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for m in mentions:
        code = m.code if m.year else dated.get((m.prefix, m.num), m.code)
        if code not in spans:
            order.append(code)
            spans[code] = []
        spans[code].append((m.start, m.end))
    return [{"code": c} for c in order], [spans[c] for c in order], warnings


@component("standards", requires=("text",))
def extract_standards(ctx: Context) -> Section:
    """Every standard ``ctx`` names, with the spans of all its mentions."""
    items, offsets, warnings = read_standards(ctx.text.text)
    return Section(items=items, spans=[[ctx.text.span(a, b) for a, b in o] for o in offsets],
                   warnings=warnings)
