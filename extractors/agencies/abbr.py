"""Abbreviated body names: what a short form stands for in this document.

Three sources, tried in this order before the gazetteer's national list:

1. **Definitions** the document writes (Schwartz–Hearst style): a body's name followed by a
   parenthesised short form, "Vụ Kế hoạch - Tài chính (Vụ KHTC)", or by "(sau đây gọi tắt là
   Sở NN&MT)". Every later use of the short form is a mention of that body.
2. **Initials** of a body named in full in the same document: "Ban VSTBPN&BĐG Thành phố" is
   the "Ban Vì sự tiến bộ phụ nữ và Bình đẳng giới Thành phố" the text names elsewhere.
3. **Domains** of ``abbreviations.tsv`` (category domain), also glued together: "Viện PYTTTW"
   is "Viện Pháp y tâm thần Trung ương" (PYTT + TW).

A name that keeps an abbreviation none of these resolves is not emitted (contract: names in
full, never by abbreviation).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from gazetteer import load_tsv
from pipeline.core.vntext import strip_marks

# A token written as an abbreviation: two or more capitals, maybe joined by & or - ("KH&CN",
# "LĐ-TB&XH", "PYTTTW"); not a Roman numeral or a designator with digits ("A03", "19").
_ABBR_TOKEN = re.compile(r"(?<![\w&])[A-ZĐ](?:[A-ZĐ]|&[A-ZĐ]|-[A-ZĐ](?=[A-ZĐ&]))+(?![\w&])")
_ROMAN = re.compile(r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
# "(Vụ KHTC)", "(sau đây gọi tắt là Sở NN&MT)", "(viết tắt: BQL)".
_DEFINITION = re.compile(
    r"[^\S\n]*\([^\S\n]*(?:(?:sau đây|dưới đây)[^\S\n]+)?(?:(?:được[^\S\n]+)?(?:gọi tắt|viết tắt|gọi)"
    r"(?:[^\S\n]+là|[^\S\n]*:)[^\S\n]*)?[\"“]?([^()\n\"”]{2,60}?)[\"”]?[^\S\n]*\)", re.I)
# Words a short form leaves out of its initials.
_SKIP_WORDS = frozenset({"và", "của", "các", "về", "cho", "-", "–", ",", "&"})
# Words a short form writes with two letters.
_TWO_LETTER = {"trung ương": "TW", "thành phố": "TP", "quốc gia": "QG"}


def abbreviation_tokens(name: str) -> list[str]:
    """The unresolved-looking tokens of ``name`` ("Ban VSTBPN&BĐG Thành phố" → ["VSTBPN&BĐG"])."""
    return [m.group(0) for m in _ABBR_TOKEN.finditer(name) if not _ROMAN.fullmatch(m.group(0))]


def letters(text: str) -> str:
    """The letters of a short form, capitals without marks ("KH&CN" → "KHCN", "GD&ĐT" → "GDDT")."""
    return _bare_upper(text)


def _bare_upper(text: str) -> str:
    return "".join(c for c in strip_marks(text.upper()) if "A" <= c <= "Z")


def initials(words: str) -> set[str]:
    """The ways a short form may spell ``words``: their initials, function words left out,
    with "Trung ương" as TW and "quốc gia" as QG or Q G ("Vì sự tiến bộ phụ nữ và Bình đẳng
    giới" → VSTBPNBDG)."""
    toks = [w for w in re.split(r"[\s,\-–&]+", words.strip()) if w]
    outs = {""}
    i = 0
    while i < len(toks):
        pair = " ".join(toks[i:i + 2]).lower()
        if pair in _TWO_LETTER:
            two = _bare_upper(_TWO_LETTER[pair])
            outs = {o + two for o in outs}
            i += 2
            continue
        w = toks[i]
        if w.lower() in _SKIP_WORDS:
            i += 1
            continue
        outs = {o + _bare_upper(w[0]) for o in outs}
        i += 1
    return outs


@functools.cache
def _domains() -> dict[str, str]:
    """Short form (letters only, no marks) → expansion, of abbreviations.tsv's domains."""
    out = {}
    for r in load_tsv("abbreviations.tsv"):
        if r["category"] in ("domain", "division") and not r["abbr"].endswith("."):
            out.setdefault(_bare_upper(r["abbr"]), r["expansion"])
    return out


def segment(token: str) -> str | None:
    """A glued short form read as known domains ("PYTTTW" → "Pháp y tâm thần Trung ương",
    "VSTBPN&BĐG" → "Vì sự tiến bộ phụ nữ và Bình đẳng giới"); None if any piece is unknown."""
    pieces = []
    for part in re.split(r"(&)", token):
        if part == "&":
            pieces.append("và")
            continue
        read = _segment_letters(_bare_upper(part))
        if read is None:
            return None
        pieces.extend(read)
    return " ".join(pieces)


def _segment_letters(letters: str) -> list[str] | None:
    table = _domains()
    best: list[list[str] | None] = [None] * (len(letters) + 1)
    best[0] = []
    for i in range(len(letters)):  # fewest pieces, each a known domain
        if best[i] is None:
            continue
        for j in range(len(letters), i, -1):
            exp = table.get(letters[i:j])
            if exp and (best[j] is None or len(best[j]) > len(best[i]) + 1):
                best[j] = best[i] + [exp]
    return best[len(letters)]


@dataclass
class Definition:
    short: str              # the short form as written ("Sở NN&MT", "KHTC")
    name: str
    locality: str | None
    start: int              # the parenthesis
    end: int


def find_definitions(text: str, bodies) -> list[Definition]:
    """Short forms defined right after a body's name: ``bodies`` are (start, end, name,
    locality) of names found in ``text``; the longest ending at each place is the long form."""
    by_end: dict[int, tuple] = {}
    for b in bodies:
        if b[2] and (b[1] not in by_end or b[1] - b[0] > by_end[b[1]][1] - by_end[b[1]][0]):
            by_end[b[1]] = b
    out = []
    for end, b in sorted(by_end.items()):
        m = _DEFINITION.match(text, end)
        if not m:
            continue
        short = " ".join(m.group(1).split())
        if not abbreviation_tokens(short) or short == b[2]:
            continue
        out.append(Definition(short, b[2], b[3], end, m.end()))
    return out


def short_form_re(defs: list[Definition]) -> re.Pattern | None:
    if not defs:
        return None
    alts = sorted({re.escape(d.short) for d in defs}, key=len, reverse=True)
    return re.compile(r"(?<![\w&])(?:" + "|".join(alts) + r")(?![\w&])")


def by_initials(name: str, known: list[str]) -> str | None:
    """The body among ``known`` (names in full found in the same document) that the short
    form in ``name`` stands for: same words before and after it, the short form's letters the
    initials of the words it replaces ("Ban VSTBPN&BĐG Thành phố" → "Ban Vì sự tiến bộ phụ nữ
    và Bình đẳng giới Thành phố")."""
    toks = abbreviation_tokens(name)
    if len(toks) != 1:
        return None
    tok = toks[0]
    i = name.find(tok)
    head, tail = name[:i].strip(), name[i + len(tok):].strip()
    letters = _bare_upper(tok)
    hits = set()
    for full in known:
        if full == name or abbreviation_tokens(full):
            continue
        low = full.casefold()
        if not low.startswith(head.casefold() + " ") or (tail and not low.endswith(" " + tail.casefold())):
            continue
        middle = full[len(head):len(full) - len(tail)] if tail else full[len(head):]
        if letters in initials(middle):
            hits.add(full)
    return hits.pop() if len(hits) == 1 else None


def expand(name: str, known: list[str]) -> str | None:
    """``name`` with its short forms resolved: by a body named in full in the document, else
    by the domains; None when some short form stays unresolved."""
    if not abbreviation_tokens(name):
        return name
    full = by_initials(name, known)
    if full:
        return full
    out = name
    for tok in abbreviation_tokens(name):
        read = segment(tok)
        if read is None:
            return None
        out = out.replace(tok, read, 1)
    return " ".join(out.split())
