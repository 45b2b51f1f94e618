"""Repair the typical defects of OCR'd Vietnamese text before normalisation.

The normaliser calls :func:`repair_ocr_text` on the page text of OCR sources only
(``Source.format == "ocr"``). Each defect has its own small step:

* :func:`fix_broken_diacritics` — combining marks set apart by a space, spacing
  accents (``´ ` ˜ ˆ``) typed after a vowel;
* :func:`fix_lookalike_chars` — letters from outside the Vietnamese alphabet the
  OCR model emits for Vietnamese ones (``Ð`` U+00D0 for ``Đ``; gazetteer/ocr_lookalikes.tsv);
* :func:`join_hyphenated_breaks` — a word, number range or symbol cut by a
  hyphen at the end of a line;
* :func:`fix_document_symbols` — ``0``/``O`` and ``1``/``l``/``I`` inside document
  symbols (``l9/2O14/OĐ-TTg`` → ``19/2014/QĐ-TTg``);
* :func:`fix_standard_codes` — ``IS0 9001:2015`` → ``ISO 9001:2015``;
* :func:`fix_digit_lookalikes` — ``O``/``o``/``l``/``I`` inside numbers (``2O23``);
* :func:`fix_roman_headings` — ``IL NHIỆM VỤ`` → ``II. NHIỆM VỤ``, a repeated ``II.``
  between ``II.`` and ``IV.`` → ``III.``;
* :func:`fix_signature_marks` — ``TM: ỦY BAN`` → ``TM. ỦY BAN``;
* :func:`fix_place_names` — ``TỈNH THÙA THIÊN HUẾ`` → ``TỈNH THỪA THIÊN HUẾ`` (localities
  gazetteer, marks ignored);
* :func:`fix_urls` — spaces the OCR put inside web addresses;
* :func:`clear_debris` — specks read as marks (a line holding only ``+`` or ``_``);
* :func:`restore_cropped_header` — letters a cropped scan cut from the issuing body's
  lines (``BAN NHÂN DÂN`` / ``H QUẢNG NAM``), page 1 only.

Every step keeps the number of lines except :func:`join_hyphenated_breaks`.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from gazetteer import load_tsv, load_yaml
from pipeline.core.vntext import fold_key, strip_marks, strip_tones

# Letters the OCR model reads as digits, and back.
_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_LOOKS_DIGIT = "0-9OolI"
_LETTER = r"A-Za-zÀ-ỹĐđ"


@functools.cache
def _lookalikes(scope: str) -> dict[str, str]:
    rows = load_tsv("ocr_lookalikes.tsv", required=("wrong", "right", "scope"))
    return {r["wrong"]: r["right"] for r in rows if r["scope"] == scope}


# --- broken diacritics -------------------------------------------------------------------

# Spacing accents → the combining mark they draw.
_SPACING_ACCENTS = {
    "\u00b4": "\u0301", "\u02ca": "\u0301",  # ´ ˊ  acute (sắc)
    "`": "\u0300", "\u02cb": "\u0300",       # ` ˋ  grave (huyền)
    "\u02dc": "\u0303",                      # ˜   tilde (ngã)
    "\u02c0": "\u0309",                      # ˀ   hook above (hỏi)
    "\u02c6": "\u0302",                      # ˆ   circumflex
}
_VIET_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_DETACHED = re.compile(r"[ \t]+([\u0300-\u036f])")
_SPACING = re.compile(r"(?<=[" + _LETTER + r"])([aăâeêioôơuưyAĂÂEÊIOÔƠUƯY]*)([" +
                      "".join(_SPACING_ACCENTS) + r"])(?=[" + _LETTER + r"])")


def _is_viet_letter(c: str) -> bool:
    if len(c) != 1 or not c.isalpha():
        return False
    return strip_tones(c) in _VIET_VOWELS or c.isascii() or c in "đĐ"


def _attach_spacing(m: re.Match) -> str:
    vowels, accent = m.group(1), m.group(2)
    if not vowels:
        return m.group(0)
    merged = unicodedata.normalize("NFC", vowels[-1] + _SPACING_ACCENTS[accent])
    if len(merged) != 1 or not _is_viet_letter(merged):
        return m.group(0)
    return vowels[:-1] + merged


def fix_broken_diacritics(text: str) -> str:
    """Reattach marks the OCR set apart: ``Vie ̣t`` → ``Việt``, ``Quye´t`` → ``Quyét``;
    the result is NFC. Accents are only merged inside a word (a letter on both sides)."""
    text = _DETACHED.sub(r"\1", text)
    text = _SPACING.sub(_attach_spacing, text)
    return unicodedata.normalize("NFC", text)


# --- look-alike letters ----------------------------------------------------------------

def fix_lookalike_chars(text: str) -> str:
    """Letters outside the Vietnamese alphabet → the Vietnamese letter they stand for
    (``ÐIỀU`` → ``ĐIỀU``, ``cöng`` → ``công``)."""
    table = _lookalikes("char")
    return text.translate(str.maketrans(table)) if table else text


# --- hyphenated line breaks ---------------------------------------------------------------

_HYPHEN_BREAK = re.compile(r"([\w]+)-[ \t]*\n[ \t]*([\w]+)")
_SYLLABLE = re.compile(r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
                       r"[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?")


def _syllable(word: str) -> bool:
    return bool(_SYLLABLE.fullmatch(strip_marks(word.lower())))


def _join_hyphen(m: re.Match) -> str:
    left, right = m.group(1), m.group(2)
    if left.islower() and right.islower() and _syllable(left + right):
        return left + right  # one syllable cut in two: "lư-\nợng"
    return f"{left}-{right}"  # a range, a symbol or a compound: "2021-\n2025", "QĐ-\nUBND"


def join_hyphenated_breaks(text: str) -> str:
    """Rejoin a token cut by a hyphen at a line end (no space before the hyphen):
    ``2021-⏎2025`` → ``2021-2025``, ``QĐ-⏎UBND`` → ``QĐ-UBND``, ``lư-⏎ợng`` → ``lượng``.
    A spaced dash (``Độc lập -⏎Tự do``) is a real line break and stays."""
    return _HYPHEN_BREAK.sub(_join_hyphen, text)


# --- document symbols ---------------------------------------------------------------------

# number [/year] / kind-and-issuer parts, e.g. 19/2014/QĐ-TTg, 231 /KH-UBND, 38-CT/TW.
_SYMBOL = re.compile(
    r"(?<![\w/])(?P<num>[" + _LOOKS_DIGIT + r"|]*\d[" + _LOOKS_DIGIT + r"|]*)"
    r"(?P<year>/[" + _LOOKS_DIGIT + r"]{4})?"
    r"(?P<sep>[ ]?[/-])"
    r"(?P<rest>[A-ZĐ0-9][\wĐ]*(?:[-/][\wĐ]+)*)"
)
_IN_CAPS = re.compile(r"(?<=[A-ZĐ])[01l](?=[A-ZĐ])")


def _fix_part(part: str, first: bool) -> str:
    kinds = _lookalikes("kind")
    part = re.sub("ĐĐ+", "Đ", part)  # one Đ read twice: "QĐÐ" (Ð → Đ already)
    if first and part in kinds:
        return kinds[part]
    return _IN_CAPS.sub(lambda m: {"0": "O", "1": "I", "l": "I"}[m.group(0)], part)


def _fix_symbol(m: re.Match) -> str:
    rest = m.group("rest")
    if not re.search(r"[A-ZĐ]{2}", rest) and rest not in _lookalikes("kind"):
        return m.group(0)  # not a symbol: "1/2" or "15/7/2021"
    parts = re.split(r"([-/])", rest)
    fixed = "".join(p if p in "-/" else _fix_part(p, i == 0) for i, p in enumerate(parts))
    year = (m.group("year") or "").translate(_TO_DIGIT)
    return m.group("num").translate(_TO_DIGIT) + year + m.group("sep") + fixed


def fix_document_symbols(text: str) -> str:
    """Digits and capitals confused inside document symbols: ``l9/2O14/OĐ-TTg`` →
    ``19/2014/QĐ-TTg``; ``2667/0Đ-BKHCN`` → ``2667/QĐ-BKHCN``; ``1221/BKHCN-T0C`` →
    ``1221/BKHCN-TOC``."""
    return _SYMBOL.sub(_fix_symbol, text)


# --- standards and numbers -----------------------------------------------------------------

_ISO = re.compile(r"(?<![\w])(?:I[1l|]?|[1l|])S[O0o](?![\w])")
_STD_COLON = re.compile(r"(?<=ISO )(\d{3,5}) ?: ?(?=\d{4}\b)|(?<=ISO )(\d{3,5}) :(?=\d)")


def fix_standard_codes(text: str) -> str:
    """``IS0 9001:2015`` → ``ISO 9001:2015``, ``1SO``, ``I1SO`` → ``ISO``; a space the OCR
    put around the year's colon goes: ``ISO 18091 :2020`` → ``ISO 18091:2020``
    (the digits themselves: :func:`fix_digit_lookalikes`)."""
    text = _ISO.sub("ISO", text)
    return _STD_COLON.sub(lambda m: (m.group(1) or m.group(2)) + ":", text)


_NUMBER_RUN = re.compile(r"(?<![" + _LETTER + r"\d])[" + _LOOKS_DIGIT + r"]+(?![" + _LETTER + r"\d])")


def _fix_run(m: re.Match) -> str:
    run = m.group(0)
    digits = sum(c.isdigit() for c in run)
    if digits == 0 or digits * 2 < len(run):
        return run
    return run.translate(_TO_DIGIT)


def fix_digit_lookalikes(text: str) -> str:
    """Letters inside numbers: ``2O23`` → ``2023``, ``l5/7`` → ``15/7``, ``O4`` → ``04``.
    A run is changed only when at least half of it is digits: ``I``, ``lO`` stay."""
    return _NUMBER_RUN.sub(_fix_run, text)


# --- Roman numeral headings -------------------------------------------------------------

_ROMAN = {r: i for i, r in enumerate(
    "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split(), start=1)}
_ROMAN_OF = {i: r for r, i in _ROMAN.items()}
# A heading line: "II. NHIỆM VỤ", and "IL NHIỆM VỤ" (the last I and its dot read as L).
_HEADING = re.compile(r"^(?P<ind>[ \t]*)(?:(?P<num>[IVX]{1,5})(?P<dot>[.:])|(?P<il>I{1,3}L))"
                      r"(?=[ \t]+[A-ZĐÀ-Ỹ])", re.M)


def fix_roman_headings(text: str) -> str:
    """Roman numerals of top-level headings misread: ``IL NHIỆM VỤ`` → ``II. NHIỆM VỤ``;
    in a run ``I., II., II., IV.`` the repeated one is ``III.`` (only when the next
    heading confirms it, so a numbering that restarts is left alone)."""
    return fix_roman_headings_pages([text])[0]


def fix_roman_headings_pages(pages: list[str]) -> list[str]:
    """:func:`fix_roman_headings` over a document's pages: a heading sequence runs on
    from page to page."""
    heads = []  # [page, start, end, value]
    for i, text in enumerate(pages):
        for m in _HEADING.finditer(text):
            roman = m.group("num") or m.group("il")[:-1] + "I"
            if roman in _ROMAN:
                heads.append([i, m.start() + len(m.group("ind")), m.end(), _ROMAN[roman]])
    for k in range(1, len(heads)):
        prev, cur = heads[k - 1][3], heads[k][3]
        nxt = heads[k + 1][3] if k + 1 < len(heads) else None
        if cur == prev and (nxt is None or nxt == prev + 2) and prev + 1 in _ROMAN_OF:
            heads[k][3] = prev + 1
    out = []
    for i, text in enumerate(pages):
        parts, last = [], 0
        for _, start, end, value in (h for h in heads if h[0] == i):
            parts.append(text[last:start] + _ROMAN_OF[value] + ".")
            last = end
        out.append("".join(parts) + text[last:])
    return out


# --- debris -----------------------------------------------------------------------------------

_DEBRIS_LINE = re.compile(r"^[ \t]*(?:[^\w\s]{1,4}|[a-z]|[^\w\s]*\w?(?:[ \t]+[^\w\s]+)+)[ \t]*$", re.M)
# Marks before a line's text that no line starts with: a run holding _ ~ | `, or : ; ,
_LEADING_DEBRIS = re.compile(
    r"^([ \t]*)(?:(?:[-_.:;,~|`'\"][ \t]*)*[_~|`](?:[ \t]*[-_.:;,~|`'\"])*|[:;,]+)[ \t]*(?=\w)", re.M)
_TRAILING_DEBRIS = re.compile(r"[ \t]+[_~|`]+[ \t]*$", re.M)


def clear_debris(text: str) -> str:
    """Specks read as characters. Lines of a few marks, a lone lowercase letter, or one
    character among marks (``+``, ``_``, ``z``, ``N  ..``) are emptied; ``_ ~ | ```
    runs and a leading ``:`` before a line's text, or after it, are dropped
    (``- _ Nguyễn Văn A`` → ``Nguyễn Văn A``). The line count stays."""
    text = _DEBRIS_LINE.sub("", text)
    text = _LEADING_DEBRIS.sub(r"\1", text)
    return _TRAILING_DEBRIS.sub("", text)


# --- web addresses -------------------------------------------------------------------------------

_URL_LINE = re.compile(r"^[ \t]*(?:https?://|www\.)\S*(?:[ \t]+\S+)*[ \t]*$", re.M)


def fix_urls(text: str) -> str:
    """A line holding web addresses has no spaces but between addresses: the OCR's
    ``…/tcvn-iso-9001-201 5-he-thong…`` → ``…/tcvn-iso-9001-2015-he-thong…``, so the
    line still reads as an address (and is dropped as one)."""
    return _URL_LINE.sub(lambda m: re.sub(r"(?<=\S)[ \t]+(?!https?://|www\.)(?=\S)", "", m.group(0)), text)


# --- signature block --------------------------------------------------------------------------

# The authority marks of a signature (Nghị định 30/2020/NĐ-CP): TM. KT. TL. TUQ. Q.
_AUTHORITY = re.compile(r"^([ \t]*)[^\w\s*]{0,3}[ \t]*(TM|KT|TL|TUQ|Q)[.:,;-][ \t]*(?=[A-ZĐÀ-Ỹ])", re.M)


def fix_signature_marks(text: str) -> str:
    """``TM: ỦY BAN`` → ``TM. ỦY BAN``, ``"KT. CHỦ TỊCH`` → ``KT. CHỦ TỊCH``,
    ``KT-CHỦ TỊCH`` → ``KT. CHỦ TỊCH``: the mark's dot misread, specks before it
    (markdown ``**`` is the normaliser's to strip)."""
    return _AUTHORITY.sub(lambda m: f"{m.group(1)}{m.group(2)}. ", text)


# --- place names ------------------------------------------------------------------------------

@functools.cache
def _place_names() -> tuple[frozenset, dict[str, str]]:
    """(known names casefolded, bare key → the one name it can be; ambiguous keys left out)."""
    from gazetteer import localities

    names = {u.name for u in localities.all_units()}
    by_bare: dict[str, set[str]] = {}
    for n in names:
        by_bare.setdefault(fold_key(n), set()).add(n)
    return (frozenset(n.casefold() for n in names),
            {k: next(iter(v)) for k, v in by_bare.items() if len(v) == 1})


_WORD = r"[A-ZĐÀ-Ỹ][\wÀ-ỹ]*"
_PLACE = re.compile(
    r"(?P<div>\b(?:[Tt]ỉnh|TỈNH|[Tt]hành phố|THÀNH PHỐ|[Hh]uyện|HUYỆN|[Qq]uận|QUẬN|[Tt]hị xã|THỊ XÃ|"
    r"[Tt]hị trấn|THỊ TRẤN|[Xx]ã|XÃ|[Pp]hường|PHƯỜNG)[ ]+)"
    r"(?P<name>" + _WORD + r"(?:[ ]" + _WORD + r"){0,3})"
    r"|^(?P<lead>[ \t]*)(?P<place>" + _WORD + r"(?:[ ]" + _WORD + r"){0,3})(?=, ngày )",
    re.M)


def _fix_name(words: list[str]) -> str | None:
    """The gazetteer spelling of the longest leading run of ``words`` that differs from a
    known name only in its marks; None when the run is spelled right or is unknown."""
    known, by_bare = _place_names()
    for n in range(len(words), 0, -1):
        cand = " ".join(words[:n])
        if cand.casefold() in known:
            return None
        right = by_bare.get(fold_key(cand))
        if right:
            right = right.upper() if cand.isupper() else right
            return " ".join([right, *words[n:]])
    return None


def _fix_place(m: re.Match) -> str:
    if m.group("div"):
        fixed = _fix_name(m.group("name").split(" "))
        return m.group("div") + fixed if fixed else m.group(0)
    fixed = _fix_name(m.group("place").split(" "))
    return m.group("lead") + fixed if fixed else m.group(0)


def fix_place_names(text: str) -> str:
    """Place names whose marks the OCR got wrong, restored from the localities gazetteer:
    ``TỈNH THÙA THIÊN HUẾ`` → ``TỈNH THỪA THIÊN HUẾ``, ``xã Ha Đông`` → ``xã Hà Đông``,
    ``Thưa Thiên Huế, ngày`` → ``Thừa Thiên Huế, ngày``. Only after a division word or
    before ``, ngày``; a name two units share without marks is left as read."""
    return _PLACE.sub(_fix_place, text)


# --- cropped header -----------------------------------------------------------------------------

_CROP_MAX = 5  # letters a scan's left edge may cut off a header line
_HEADER_DEPTH = 4  # the issuing body's lines: the first lines of page 1


@functools.cache
def _header_words() -> tuple[tuple[str, ...], dict[str, str]]:
    """(local body kinds in capitals, unit words in capitals → as written)."""
    terms = load_yaml("header_terms.yml")
    bodies = tuple(k for k in terms["local_bodies"] if " " in k)
    units = {u.upper(): u for u in terms["unit_types"]}
    return bodies, units


def _completion(left: str, words) -> tuple[str, str] | None:
    """(whole word, rest) when ``left`` opens with the tail of exactly one of ``words``
    cut by at most _CROP_MAX letters (the shortest cut wins); None when ``left`` opens
    with a whole word already."""
    if any(left == w or left.startswith(w + " ") for w in words):
        return None
    found: dict[int, set[tuple[str, str]]] = {}
    for w in words:
        for cut in range(1, min(_CROP_MAX, len(w) - 1) + 1):
            tail = w[cut:]
            if tail[:1].isalpha() and (left == tail or left.startswith(tail + " ")):
                found.setdefault(cut, set()).add((w, left[len(tail):].strip()))
    if not found:
        return None
    best = found[min(found)]
    return next(iter(best)) if len(best) == 1 else None


def _restore_left(left: str) -> str | None:
    bodies, units = _header_words()
    hit = _completion(left, bodies)
    if hit and len(left) >= 6:  # "BAN NHÂN DÂN" → "ỦY BAN NHÂN DÂN"
        return " ".join(x for x in hit if x)
    hit = _completion(left, tuple(units))
    if hit and hit[1]:  # "H QUẢNG NAM" → "TỈNH QUẢNG NAM", when Quảng Nam is a known tỉnh
        from gazetteer import localities

        if localities.candidates(hit[1], units[hit[0]]):
            return f"{hit[0]} {hit[1]}"
    return None


def restore_cropped_header(page: str) -> str:
    """A scan cropped at its left edge cuts the first letters of the issuing body's
    lines: ``BAN NHÂN DÂN`` / ``H QUẢNG NAM`` → ``ỦY BAN NHÂN DÂN`` / ``TỈNH QUẢNG NAM``.
    Only the left column of the first lines of the page, only a completion that the
    header vocabulary and the localities gazetteer make unique."""
    lines = page.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > _HEADER_DEPTH:
            break
        m = re.match(r"^(\s*)(\S.*?)(?=\s{3,}\S|\s*$)", line)
        left = " ".join(m.group(2).split()) if m else ""
        letters = [c for c in left if c.isalpha()]
        if len(letters) < 2 or not all(c.isupper() for c in letters):
            continue
        fixed = _restore_left(left)
        if fixed:
            lines[i] = m.group(1) + fixed + line[m.end(2):]
    return "\n".join(lines)


# --- the chain -------------------------------------------------------------------------------

STEPS = (
    clear_debris,
    fix_urls,
    fix_broken_diacritics,
    fix_lookalike_chars,
    join_hyphenated_breaks,
    fix_document_symbols,
    fix_standard_codes,
    fix_digit_lookalikes,
    fix_roman_headings,
    fix_signature_marks,
    fix_place_names,
)


def repair_ocr_text(text: str) -> str:
    """All OCR repair steps, in order, on one page's (or a whole document's) text."""
    for step in STEPS:
        text = step(text)
    return text


def repair_ocr_pages(pages: list[str]) -> list[str]:
    """:func:`repair_ocr_text` on every page, then the steps that need the whole
    document (a heading numbering that runs across pages)."""
    pages = fix_roman_headings_pages([repair_ocr_text(p) for p in pages])
    return [restore_cropped_header(pages[0]), *pages[1:]] if pages else pages
