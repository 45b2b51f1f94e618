"""Citations: the other documents a document names, what it does with them, how often.

Four readers find mentions in the normalised text (body and footnotes; footnote URLs
never count): numbered documents (``Quyết định số 19/2014/QĐ-TTg ngày … của …``, a bare
``2276/QĐ-UBND``), laws by name (``Luật Tổ chức chính quyền địa phương ngày …``),
programmes and plans named with their issuer (``Chương trình tổng thể … của Chính phủ``),
and short forms that repeat a number already cited in full (``Quyết định 19``). Mentions
of one document are grouped into one contract item, in order of first mention.

The relation is the strongest context any mention stands in: a cue (``Căn cứ``,
``thay thế``, ``bãi bỏ``, ``sửa đổi, bổ sung``, ``Thực hiện``…, ``gazetteer/citation_cues.yml``)
opening a clause governs the citations listed after it, not those nested in their
descriptions (``… quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg``).
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from gazetteer.successions import issuer_name_on
from pipeline.core.identity import document_key
from pipeline.core.vntext import fold_key
from pipeline.core.models import Context, Section, warning

from . import citation_parts as P
from .registry import component
from pipeline.core.dates import impossible_date

RELATIONS = ("based_on", "replaces", "repeals", "amends", "implements", "mentions")

# --- mentions -----------------------------------------------------------------------------


@dataclass
class Mention:
    start: int                  # span of the mention in the text
    end: int
    core_end: int               # end of number/date/issuer: a list separator may follow
    form: str                   # numbered | law | named | short
    doc_type: str | None
    number: str | None = None
    title: str | None = None
    symbol: P.Symbol | None = None
    date: P.Date | None = None
    issuer: P.Issuer | None = None
    kind_word: str | None = None
    short: tuple[str, int | None] | None = None   # (number, year) of a short form
    nested: bool = False        # inside another citation's name
    claim_end: int | None = None  # a law whose name lists numbered laws claims only its head
    relation: str = "mentions"


# The number and year of a symbol as OCR misreads them: "l9/2O14/QĐ-TTg" (l, I for 1; O, o
# for 0). A run counts only when it holds a real digit and a "/" follows it.
# A number made only of look-alikes ("lO/2O15/QĐ-UBND") counts when a year holding a real
# digit follows it, or when "số" stands right before it.
_OCR_DIGITS = re.compile(r"(?<![\w/])(?=[\dlIOo]*\d)[\dlIOo]{2,5}(?=\s?/\s?(?:[\dlIOo]{4}\s?/|[A-ZĐ]))"
                         r"|(?<![\w/])[\dlIOo]{1,5}(?=\s?/\s?(?=[\dlIOo]{0,3}\d)(?:19|2[0Oo])[\dlIOo]{2}\s?/\s?[A-ZĐ])"
                         r"|(?<=[sS]ố )[\dlIOo]{1,5}(?=\s?/\s?[A-ZĐ])"
                         r"|(?<=/)(?=[\dlIOo]*\d)[\dlIOo]{4}(?=\s?/)")
_DIGIT_OF = str.maketrans("lIOo", "1100")
# A date after "ngày" with look-alikes in its day or month ("ngày ll/8/2011", "ngày O5 tháng
# lO năm 2O11"): day and month are 1–2 characters, the year opens with a real 1 or 2.
_L = r"[\dlIOo]"
_OCR_DATE = re.compile(rf"(?<=[nN]gày ){_L}{{1,2}}\s?([/.\-]){_L}{{1,2}}\s?\1\s?[12]{_L}{{3}}(?!\w)"
                       rf"|(?<=[nN]gày ){_L}{{1,2}} tháng {_L}{{1,2}},? năm [12]{_L}{{3}}(?!\w)")


# Scanning a long text with a pattern that opens with a look-behind tries the pattern at every
# position; the readers below find the few positions where a match can open with a fast
# pattern first (a literal, a letter class) and try the full pattern only there.


def _matches_at(pattern: re.Pattern, text: str, starts, endpos: int | None = None):
    """``pattern.finditer(text)`` when every match opens at one of ``starts`` (increasing):
    the same matches, the pattern tried only there."""
    end = 0
    endpos = len(text) if endpos is None else endpos
    for at in starts:
        if at < end:
            continue
        m = pattern.match(text, at, endpos)
        if m:
            yield m
            end = max(m.end(), at + 1)


def _translated(text: str, matches, table: dict) -> str:
    """``text`` with each match translated by ``table`` (same length)."""
    out, last = [], 0
    for m in matches:
        out += [text[last:m.start()], m.group(0).translate(table)]
        last = m.end()
    return "".join(out) + text[last:] if out else text


_SLASH = re.compile("/")
_GAY = re.compile("gày ")
_SLASH_REACH = 40  # an OCR'd number opens within 7 characters of its "/" and reads 15 past it


def _slash_windows(text: str):
    """Spans around the slashes of ``text``, merged: every look-alike number lies in one."""
    start = end = None
    for m in _SLASH.finditer(text):
        if end is not None and m.start() - _SLASH_REACH <= end:
            end = m.start() + _SLASH_REACH
            continue
        if end is not None:
            yield start, end
        start, end = max(0, m.start() - _SLASH_REACH), m.start() + _SLASH_REACH
    if end is not None:
        yield start, min(end, len(text))


def _view(text: str) -> str:
    """The text as the readers see it: OCR look-alikes of Đ and of digits in symbols fixed,
    URLs blanked (same length)."""
    text = text.replace("\u00d0", "Đ").replace("\u00f0", "đ")
    text = _translated(text, (m for a, b in _slash_windows(text) for m in _OCR_DIGITS.finditer(text, a, b)),
                       _DIGIT_OF)
    text = _translated(text, _matches_at(_OCR_DATE, text, (m.end() for m in _GAY.finditer(text))), _DIGIT_OF)
    return re.sub(r"(?:https?://|www\.)\S+", lambda m: " " * len(m.group(0)), text)


_LETTER_BEFORE = r"(?<![^\W\d_])"
_LETTER = re.compile(r"[^\W\d_]")


def _opening_words(pattern: re.Pattern, text: str, pos: int = 0, endpos: int | None = None):
    """``(_LETTER_BEFORE + pattern).finditer(text, pos, endpos)``: ``pattern`` opens with a
    literal, so it is searched fast, and a match right after a letter is dropped (the search
    goes on from the next character, as the look-behind would)."""
    endpos = len(text) if endpos is None else endpos
    while True:
        m = pattern.search(text, pos, endpos)
        if not m:
            return
        if m.start() and _LETTER.match(text, m.start() - 1):
            pos = m.start() + 1
            continue
        yield m
        pos = max(m.end(), m.start() + 1)


@functools.lru_cache(maxsize=4)
def _lowered(view: str) -> str | None:
    """``view`` in lower case, one character for one, where a case-insensitive pattern finds
    nothing that the lower-cased words do not (None when a letter breaks that: ſ, ı, İ)."""
    low = view.lower()
    return low if len(low) == len(view) and _ODD_CASE.search(view) is None else None


# The letters a case-insensitive pattern matches that lower() does not turn into the
# pattern's letter (ſ for s, ı and İ for i): a text holding one is scanned the slow way.
_ODD_CASE = re.compile("[ſıİ]")


@functools.cache
def _words_re(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


@functools.lru_cache(maxsize=8)  # asked once per line of one text
def _starts_of(view: str, words: tuple[str, ...]) -> list[int] | None:
    """Where one of ``words`` (lower case) opens in ``view``, in any case: a superset of
    where a case-insensitive pattern opening with one of them can match (None: not known)."""
    low = _lowered(view)
    return None if low is None else [m.start() for m in _words_re(words).finditer(low)]


@functools.cache
def _kind_heads() -> tuple[str, ...] | None:
    """The first word of every kind word, lower case; None unless all are letters only (then a
    match of one never covers the place where another opens after a non-letter)."""
    heads = tuple(r["name"].split()[0].lower() for r in P.kinds())
    return heads if all(h.isalpha() for h in heads) else None


def _kind_matches(pattern: re.Pattern, view: str, pos: int = 0, endpos: int | None = None):
    """``pattern.finditer(view, pos, endpos)`` for a pattern opening with a kind word after a
    non-letter: tried only where a kind word's first word opens."""
    endpos = len(view) if endpos is None else endpos
    starts = _starts_of(view, _kind_heads()) if _kind_heads() else None
    if starts is None:
        return pattern.finditer(view, pos, endpos)
    lo, hi = bisect.bisect_left(starts, pos), bisect.bisect_left(starts, endpos)
    return _matches_at(pattern, view, starts[lo:hi], endpos)


@functools.cache
def _prefix_re() -> re.Pattern:
    """Kind word and "số" standing right before a symbol (searched in the text before it)."""
    return re.compile(rf"(?:{_LETTER_BEFORE}(?P<kind>{P.kind_words_pattern()})\s*)?"
                      rf"(?:(?P<so>(?i:số))\s*(?P<colon>:)?\s*)?$")


def _prefix_before(view: str, lo: int, hi: int) -> re.Match:
    """``_prefix_re().search(view, lo, hi)``, tried only where a kind word or "số" opens (and
    where the empty prefix stands: at ``hi``, or before a line break ending the window)."""
    kinds = _starts_of(view, _kind_heads()) if _kind_heads() else None
    so = _starts_of(view, ("số",))
    if kinds is None or so is None:
        return _prefix_re().search(view, lo, hi)
    near = set(kinds[bisect.bisect_left(kinds, lo):bisect.bisect_left(kinds, hi)]
               + so[bisect.bisect_left(so, lo):bisect.bisect_left(so, hi)])
    if hi > lo and view[hi - 1] == "\n":
        near.add(hi - 1)  # "$" also stands before a final line break
    for at in sorted(near):
        m = _prefix_re().match(view, at, hi)
        if m:
            return m
    return _prefix_re().match(view, hi, hi)


_BEFORE_DATE = re.compile(r"[\s,]*(?:(?i:được\s+)?(?i:ban hành\s+))?")
_YEAR_ONLY = re.compile(r"\s*,?\s*(?i:năm)\s+((?:19|20)\d{2})(?![\d/])")
_BEFORE_ISSUER = re.compile(r"[\s,]*+(?i:của|do)\s+")  # possessive: linear on blanks


def _trailer(view: str, pos: int, citer: P.Citer) -> tuple[P.Date | None, P.Issuer | None, int]:
    """Date and issuer after a number or name: ", ngày … của …" in either order."""
    date = issuer = None
    end = pos
    for _ in range(2):
        at = _BEFORE_DATE.match(view, end).end()
        if date is None and view[at:at + 4].lower() == "ngày":
            date = P.read_date(view, at)
            if date:
                end = date.end
                continue
        year = _YEAR_ONLY.match(view, end) if date is None else None
        if year:  # "Quyết định số 1050/QĐ-UBND năm 2015": a year-only date
            date = P.Date(year.group(1), year.start(1), year.end(), year.group(0).strip(" ,"))
            end = year.end()
            continue
        m = _BEFORE_ISSUER.match(view, end)
        if issuer is None and m:
            issuer = P.read_issuer(view, m.end(), citer)
            if issuer:
                end = issuer.end
                continue
        break
    return date, issuer, end


def _kind_row(word: str | None) -> dict | None:
    return P.kind_by_word().get(fold_key(word)) if word else None


def _find_numbered(view: str, citer: P.Citer, taken: list[tuple[int, int]]) -> list[Mention]:
    out = []
    taken = _Spans(taken)
    for m in P.SYMBOL_RE.finditer(view):
        if m.start() in taken:
            continue
        pre = _prefix_before(view, max(0, m.start() - 45), m.start())
        kind, so = pre.group("kind"), pre.group("so")
        line_start = view.rfind("\n", max(0, pre.start() - 200), m.start()) + 1  # bounded: one long line
        if pre.group("colon") and not view[max(line_start, pre.start() - 200):pre.start()].strip():
            continue  # "Số: 231/KH-UBND": the document's own number line
        sym = P.read_symbol(m)
        if not kind and not (sym.kind_code or P.is_issuer_code(sym.issuer_code)):
            continue  # a bare code of unknown shape: not a document symbol
        if not kind and _not_citation_re().search(view, max(0, m.start() - 40), pre.start()):
            continue  # "Hiệp định số …", "Mẫu số 01/BC": not a cited document
        row = _kind_row(kind)
        # the symbol's kind code is the formal one; the kind word serves when it has none
        doc_type = sym.kind_code or (row["code"] if row and row["generic"] != "yes" else None) \
            or P.default_kind(sym.issuer_code) or "CV"
        date, issuer, end = _trailer(view, m.end(), citer)
        out.append(Mention(pre.start() if (kind or so) else m.start(), end, end, "numbered", doc_type,
                           sym.number, None, sym, date, issuer, kind))
    return out


@functools.cache
def _not_citation_re() -> re.Pattern:
    words = "|".join(re.escape(w) for w in P.cues()["not_citations"] + P.cues()["not_document_words"])
    return re.compile(rf"{_LETTER_BEFORE}(?i:{words})\s*(?:(?i:số)\s*)?$")


class _Spans:
    """Spans (start, end), possibly overlapping, asked whether they cover a position: by
    bisection over the starts and the furthest end reached so far (no scan of every span)."""

    def __init__(self, spans: list[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach = []
        far = -1
        for _, b in ordered:
            far = max(far, b)
            self.reach.append(far)

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos)
        return i > 0 and self.reach[i - 1] > pos


# Laws by name --------------------------------------------------------------------------------

_LAW_WORD = re.compile(rf"(?P<kw>Bộ luật|Luật)\s+(?=[{P.UPPER}]|sửa đổi)")
_LAW_RE = re.compile(_LETTER_BEFORE + _LAW_WORD.pattern)
_AMEND_RE = re.compile(r"(?:[sS]ửa đổi,? bổ sung|[sS]ửa đổi)(?:\s+(?:một số điều|một số điều của các|"
                       r"các điều)\s*)?(?:\s*của)?(?:\s+các)?\s+")
_BILL_RE = re.compile(r"(?i:dự thảo|dự án)\s*$")
_WORD = re.compile(r"[ \t]*([^\s,;.:()“”\"]+)")  # a name never runs on into the next line
_NEXT_WORD = re.compile(r"\s*(\S+)")
_LAW_SEP = re.compile(r"(?:,\s*|\s+và\s+)(?=(?:Bộ luật|Luật)\s)")
_LAW_NUMBER = re.compile(r"\s*+,?\s*+(?i:số)\s+")  # possessive: linear on blanks
_LAW_YEAR = re.compile(r"\s*+,?\s*+(?i:năm)\s+((?:19|20)\d{2})(?!\d)")


# A law named in an upper-case title line ("… CỦA LUẬT CHẤT LƯỢNG SẢN PHẨM, HÀNG HÓA"): only
# the names laws.tsv lists are read there, since capitals hide where a name ends.
# A listed law written in lower case ("Luật doanh nghiệp", OCR and careless typing): only
# the names laws.tsv lists.
_LAW_WORD_LOWER = re.compile(rf"(?P<kw>Bộ luật|Luật)[ \t]+(?=[^\W\d_])(?![{P.UPPER}])(?!sửa đổi)")
_LAW_WORD_UPPER = re.compile(rf"(?P<kw>BỘ LUẬT|LUẬT) +(?=[{P.UPPER}]{{2}})")




@functools.cache
def _law_name_stops() -> tuple[str, ...]:
    return tuple(sorted(P.cues()["law_name_stops"], key=len, reverse=True))


@functools.cache
def _not_law_names() -> frozenset[str]:
    return frozenset(fold_key(n) for n in P.cues()["not_law_names"])


def _listed_law(view: str, pos: int) -> tuple[str, int] | None:
    """The first law of laws.tsv (longest first) written at ``pos``: as listed once folded
    (marks dropped by OCR), or as its pattern reads it (abbreviations, a comma left out)."""
    titles, folded = P.law_titles(), P.law_titles_folded()
    k, by_head = P.law_titles_by_head()
    head = fold_key(view[pos:pos + 3 * k])  # the few titles opening so, before folding more
    candidates = by_head.get(head[:k], ()) if len(head) >= k else range(len(titles))
    longest = max((len(titles[i]) for i in candidates), default=0)
    ahead = fold_key(view[pos:pos + longest + 20]) if candidates else ""  # once, then a cheap test per title
    by_fold = next((i for i in candidates if ahead.startswith(folded[i])
                    and fold_key(view[pos:pos + len(titles[i])]) == folded[i]
                    and not re.match(r"[^\W\d_]", view[pos + len(titles[i]):pos + len(titles[i]) + 1])), None)
    by_pattern, m = _listed_law_pattern(view, pos)
    if by_fold is not None and (by_pattern is None or by_fold <= by_pattern):
        return titles[by_fold], pos + len(titles[by_fold])
    if by_pattern is None:
        return None
    title = titles[by_pattern]
    printed = " ".join(view[pos:m.end()].split())
    if fold_key(printed).replace(",", "") == fold_key(title).replace(",", ""):
        return P.sentence_case(printed), m.end()  # as printed: the comma is the text's
    return title, m.end()


_TWO_WORDS = re.compile(r"([^\W\d_]+)\s+([^\W\d_]+)")


def _listed_law_pattern(view: str, pos: int) -> tuple[int | None, re.Match | None]:
    """The first listed law whose pattern matches at ``pos``: (its index, the match). Only the
    laws whose name opens with the two words written there are tried (and those whose second
    word may be abbreviated)."""
    two = _TWO_WORDS.match(view, pos)
    if not two:
        return None, None  # every pattern opens with two words
    patterns = P.law_title_patterns()
    by_words, anywhere = P.law_titles_by_words()
    if _ODD_CASE.search(two.group(0)):
        tried = range(len(patterns))  # a letter lower() does not fold as the patterns do
    else:
        tried = sorted(by_words.get((two.group(1).lower(), two.group(2).lower()), ()) + anywhere)
    for i in tried:
        m = patterns[i][1].match(view, pos)
        if m:
            return i, m
    return None, None


def _law_name(view: str, pos: int) -> tuple[str, int] | None:
    """The name of a law opening at ``pos`` ("Luật …"): (name in sentence case, end)."""
    listed = _listed_law(view, pos)
    if listed:
        return listed
    kw = _LAW_RE.match(view, pos)
    if not kw:
        return None
    stops = _law_name_stops()
    end = at = kw.end()
    words = 0
    while True:
        m = _WORD.match(view, at)
        if not m:
            break
        low = view[m.start(1):m.start(1) + 200].lower()  # stop words are short: no copy of the rest
        if words and any(low.startswith(s + " ") or low == s for s in stops):
            break
        word = m.group(1)
        if word.lower() in ("và", "hoặc"):
            nxt = _NEXT_WORD.match(view, m.end())
            if not nxt or not nxt.group(1)[:1].isupper() or nxt.group(1) in ("Luật", "Bộ"):
                break
        elif re.fullmatch(r"\d{4}", word):
            break
        words += 1
        end = at = m.end()
    if not words:
        return None
    name = " ".join(view[kw.end():end].split())
    if fold_key(name) in _not_law_names():
        return None  # "… Luật Việt Nam": a community or a site, not a law
    return P.sentence_case(P.expand_abbreviations(" ".join(view[pos:end].split()))), end


def _find_laws(view: str, citer: P.Citer) -> list[Mention]:
    out: list[Mention] = []
    upper = [m for m in _opening_words(_LAW_WORD_UPPER, view) if _law_name(view, m.start())]
    lower = [m for m in _opening_words(_LAW_WORD_LOWER, view) if _law_name(view, m.start())]
    reach = -1  # the furthest core end of the laws read so far (they open in order)
    for m in sorted([*_opening_words(_LAW_WORD, view), *upper, *lower], key=lambda x: x.start()):
        if _BILL_RE.search(view[max(0, m.start() - 12):m.start()]):
            continue  # a bill, not a law
        nested = m.start() < reach
        amend = _AMEND_RE.match(view, m.end())
        claim = None
        if amend:
            end = at = amend.end()
            numbered = 0
            while True:
                inner = _law_name(view, at)
                if not inner:
                    break
                end = inner[1]
                # "… của Luật Đất đai số 31/2024/QH15, Luật Nhà ở số 27/2023/QH15 và …": the
                # amended laws' numbers belong to the name; a lone one is the amending law's own
                num = _LAW_NUMBER.match(view, end)
                sm = P.SYMBOL_RE.match(view, num.end()) if num else None
                if sm and (numbered or _LAW_SEP.match(view, sm.end())):
                    end, numbered = sm.end(), numbered + 1
                sep = _LAW_SEP.match(view, end)
                if not sep:
                    break
                at = sep.end()
            claim = amend.end() if numbered else None
            if end == amend.end():  # "Luật sửa đổi, bổ sung một số điều của 37 luật …"
                rest = _law_name(view, m.start())
                end = rest[1] if rest else amend.end()
            title = P.sentence_case(" ".join(view[m.start():end].split()))
            title = re.sub(r"^((?:Bộ luật|Luật) )Sửa", r"\1sửa", title)  # "Luật sửa đổi …" in sentence case
        else:
            found = _law_name(view, m.start())
            if not found:
                continue
            title, end = found
        number = None
        num = _LAW_NUMBER.match(view, end)
        if num:
            sm = P.SYMBOL_RE.match(view, num.end())
            if sm:
                number = P.read_symbol(sm).number
                end = sm.end()
        date, issuer, tail = (None, None, end) if nested else _trailer(view, end, citer)
        if date is None and not nested:
            year = _LAW_YEAR.match(view, end)
            if year:
                date = P.Date(year.group(1), year.start(1), year.end(), year.group(0))
                tail = year.end()
        out.append(Mention(m.start(), tail, end if nested else tail, "law", "Luật", number,
                           title, None, date, issuer, m.group("kw"), nested=nested, claim_end=claim))
        reach = max(reach, out[-1].core_end)
    return out


# Programmes and plans by name ---------------------------------------------------------------


@functools.cache
def _named_re() -> re.Pattern:
    kinds = "|".join(re.escape(k) for k in P.cues()["named_kinds"])
    return re.compile(rf"(?P<kind>{kinds})\s+(?!(?i:số)\b)")  # after a non-letter: _opening_words


class _NextFinder:
    """The next match of a pattern at or after a position, for positions asked in increasing
    order: the last answer serves until it is passed, so the text is read once in all."""

    def __init__(self, view: str, pattern: re.Pattern):
        self.view, self.pattern, self.found = view, pattern, -1

    def next(self, pos: int) -> int:
        """Where the next match starts (len(view) when there is none)."""
        if self.found < pos:
            m = self.pattern.search(self.view, pos)
            self.found = m.start() if m else len(self.view)
        return self.found


_NAMED_STOP = re.compile(r";|\n|\(|\. ")  # a programme's name ends before these
_CUA = re.compile(" của ")
_LONGEST_NAME = 1000  # characters between the kind word and "của": longer is no name


def _find_named(view: str, citer: P.Citer, taken: list[tuple[int, int]]) -> list[Mention]:
    cfg = P.cues()
    not_after = sorted(cfg["named_not_after"], key=len, reverse=True)
    out = []
    taken = _Spans(taken)
    stops, cuas = _NextFinder(view, _NAMED_STOP), _NextFinder(view, _CUA)
    for m in _opening_words(_named_re(), view):
        if m.start() in taken:
            continue
        window = max(0, m.start() - 200)  # bounded: the words right before, not a whole long line
        before = view[max(window, view.rfind("\n", window, m.start()) + 1):m.start()].rstrip().lower()
        before = re.sub(r"(?:\s+các|\s+những)$", "", before)
        if any(before == w or before.endswith(" " + w) for w in not_after):
            continue
        limit = stops.next(m.end())
        cua = cuas.next(m.end())
        if cua + len(" của ") > limit or cua - m.end() > _LONGEST_NAME:
            continue
        title = " ".join(view[m.start():cua].strip(" ,").split())
        rest = title[len(m.group("kind")):]
        words = [w for w in re.findall(r"[^\W\d_]+", rest) if w.lower() not in cfg["named_filler_words"]]
        if (len(words) < cfg["named_min_words"] or len(words) > 30 or words[0].lower() in cfg["named_stop_words"]
                or next(_opening_words(_named_re(), rest), None) or P.SYMBOL_RE.search(rest)
                or re.search(r"[“”\"]", rest)):
            continue
        issuer = P.read_issuer(view, cua + 5, citer)
        if not issuer or not issuer.name or not (issuer.locality or _is_national(issuer.name)):
            continue
        date, _, end = _trailer(view, issuer.end, citer)
        row = _kind_row(m.group("kind"))
        out.append(Mention(m.start(), end, end, "named", row["code"] if row else None, None,
                           title, None, date, issuer, m.group("kind")))
    return out


def _repeated_names(view: str, named: list[Mention], taken: list[tuple[int, int]]) -> list[Mention]:
    """Later places where a programme or plan named with its issuer is named again alone."""
    out = []
    taken, seen = _Spans(taken), set()
    firsts: dict[str, Mention] = {}
    for m in named:
        firsts.setdefault(m.title, m)
    for title, first in firsts.items():
        for hit in re.finditer(re.escape(title) + r"(?![^\W\d_])", view, re.IGNORECASE):
            if hit.start() not in taken and hit.start() not in seen:
                seen.add(hit.start())
                out.append(Mention(hit.start(), hit.end(), hit.end(), "named", first.doc_type, None, title,
                                   kind_word=first.kind_word))
    return out


def _is_national(name: str) -> bool:
    return any(r["name"] == name and r["level"] in ("national", "party") for r in P.issuer_rows())


# Short forms -----------------------------------------------------------------------------------


@functools.cache
def _short_re() -> re.Pattern:
    return re.compile(rf"{_LETTER_BEFORE}(?P<kind>{P.kind_words_pattern()})\s+(?:(?i:số)\s+)?"
                      r"(?P<num>\d{1,5})(?:/(?P<year>(?:19|20)\d{2}))?(?![\w/])")


def _find_short(view: str, taken: list[tuple[int, int]]) -> list[Mention]:
    out = []
    taken = _Spans(taken)
    for m in _kind_matches(_short_re(), view):
        if m.start() in taken:
            continue
        row = _kind_row(m.group("kind"))
        if not row or row["generic"] == "yes" or row["code"] == "Luật":
            continue
        year = int(m.group("year")) if m.group("year") else None
        out.append(Mention(m.start(), m.end(), m.end(), "short", row["code"], kind_word=m.group("kind"),
                           short=(m.group("num"), year)))
    return out


# --- relations ----------------------------------------------------------------------------


@dataclass
class Cue:
    start: int
    end: int
    relation: str
    scope_end: int = 0
    postfix_from: int | None = None   # a postfix cue governs [postfix_from, start)
    tight: bool = False               # from a lead-in: the citation must open the item


_MARKER_RE = re.compile(r"(?:\s*(?:[-–—+•*·∙●○■▪]|[IVXLC]{1,6}\.(?=\s)|\d{1,2}(?:\.\d{1,2})*[.)]?(?=\s)"
                        r"|[a-zđ]\)|Điều\s+\d+\.?)\s*)*")


# What may follow a cue at the end of a line whose clause goes on below: a few words, no
# punctuation that closes it ("Để tiếp tục thực hiện nghiêm").
_OPEN_CUE_TAIL = re.compile(r"(?:[ \t]+[^\W\d_]+){0,4}[ \t]*")
_MARKUP_OPEN = re.compile(r"[\s*_]*")
# An item of a numbered or bulleted list ("1. ", "a) ", "- "); an article ("Điều 3.") is not.
_LIST_ITEM_RE = re.compile(r"\s*(?:[-–—+•*·∙●○■▪]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\))\s+")


@functools.cache
def _cue_res() -> tuple[re.Pattern, re.Pattern, re.Pattern, dict[str, str]]:
    """(prefix cues, self-reference cues, postfix cues) as patterns; phrase → relation."""
    relation_of: dict[str, str] = {}
    prefix, selfref, postfix = [], [], []
    for rel in P.cues()["relations"]:
        for c in rel.get("cues", []):
            relation_of[c.lower()] = rel["relation"]
            prefix.append(c)
            if rel.get("self_reference"):
                selfref.append(c)
        for c in rel.get("postfix", []):
            relation_of[c.lower()] = rel["relation"]
            postfix.append(c)

    def alt(ws):
        return "(?i:" + "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True)) + r")(?![^\W\d_])"

    return re.compile(alt(prefix)), re.compile(alt(selfref)), re.compile(alt(postfix)), relation_of


@functools.cache
def _openers_re() -> re.Pattern:
    return re.compile("(?i:" + "|".join(re.escape(o) for o in P.cues()["cue_openers"]) + r")\s+")


@functools.cache
def _self_re() -> re.Pattern:
    return re.compile(rf"{_LETTER_BEFORE}{P.kind_words_pattern()}\s+này(?![^\W\d_])")


@functools.cache
def _lead_verbs_re() -> re.Pattern:
    cfg = P.cues()["lead_verb_phrases"]
    word = r"[^\W\d_]+"
    phrase = rf"{word}(?:[ \t]+{word}){{0,{cfg['max_words'] - 1}}}(?:[ \t]*,|[ \t]+và)[ \t]+"
    return re.compile(rf"(?:{phrase}){{1,{cfg['max_phrases']}}}")


def _is_upper_line(line: str) -> bool:
    return line.isupper() and len(line.strip()) >= 3


def _wrapped_title_line(view: str, ls: int, le: int) -> bool:
    """An upper-case line that goes on from the upper-case line above (no closing mark)."""
    if ls == 0 or not view[ls:le].isupper():
        return False
    above = view[view.rfind("\n", 0, ls - 1) + 1:ls - 1].rstrip(" *_")
    if not above or not _is_upper_line(above) or above[-1] in ".;:":
        return False
    return not re.fullmatch(P.kind_words_pattern(), above.strip(" *_"))  # "QUYẾT ĐỊNH" heads the title


_SENTENCE_END = re.compile(rf"\.(?=\s+[{P.UPPER}])")
_CLAUSE_BREAK = re.compile(rf"(?:;|\.(?=\s+[{P.UPPER}]))\s+")


def _clause_starts(view: str, ls: int, le: int) -> list[int]:
    line = view[ls:le]
    starts = [ls + _MARKER_RE.match(line).end()]
    for m in _CLAUSE_BREAK.finditer(line):
        starts.append(ls + m.end())
    return starts


_ACTS = frozenset({"amends", "repeals", "replaces"})
# Relations whose list may go on in the next line without its cue ("Thay thế A;\nB;").
_RUNS_ON = _ACTS | {"based_on"}


@functools.cache
def _self_window_re() -> tuple[re.Pattern, int]:
    """(the words a self-reference's cue may stand behind, the longest cue's length)."""
    _, selfref, _, relation_of = _cue_res()
    words = P.cues()["self_reference_window"]
    return re.compile(rf"(?:\s*\S+){{0,{words}}}\s*"), max(map(len, relation_of), default=0)


def _self_cue(view: str, at: int, clause_end: int) -> re.Match | None:
    """The cue of "Quyết định này … thay thế" after a self-reference ending at ``at``: the
    first in the clause, when at most self_reference_window words stand before it. Only those
    words and one cue's length are searched, so many self-references in one clause stay linear."""
    window, longest = _self_window_re()
    last_start = window.match(view, at, clause_end).end()  # where a cue may open at the latest
    m = _cue_res()[1].search(view, at, min(clause_end, last_start + longest + 1))
    return m if m and m.start() <= last_start else None


@functools.cache
def _cue_words() -> tuple[str, ...]:
    """Lower case: every cue and opener, and "này" (self-references and postfix cues)."""
    _, _, _, relation_of = _cue_res()
    return (*relation_of, *(o.lower() for o in P.cues()["cue_openers"]), "này")


def _cues(view: str, enacting: bool = True) -> list[Cue]:
    """Relation cues in ``view``; ``enacting=False`` (a plan, a letter): a clause that opens
    with an act (sửa đổi, bãi bỏ, thay thế) is a duty for later, not this document's act."""
    prefix, selfref, postfix, relation_of = _cue_res()
    openers = _openers_re()
    out: list[Cue] = []
    pos = 0
    lead_in: str | None = None  # the relation of a cue line ending in ":" ("Bãi bỏ …, cụ thể như sau:")
    open_rel: str | None = None  # the previous line was a "Căn cứ …;" (or "Thay thế …;") clause
    hits = _starts_of(view, _cue_words())
    for line in view.split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        if lead_in is None and open_rel is None and hits is not None:
            i = bisect.bisect_left(hits, ls)
            if i == len(hits) or hits[i] >= le:
                continue  # no cue, opener or "này" in the line, none running on into it: no cue
        starts = _clause_starts(view, ls, le)
        line_cues = []
        item = _LIST_ITEM_RE.match(line)
        if lead_in and item:  # an item of the lead-in's list: a citation opening it shares the cue
            line_cues.append(Cue(ls + item.end(), ls + item.end(), lead_in, tight=True))
        elif open_rel:  # "Căn cứ …;\nNghị định số …;": the next member, its cue left out
            at = ls + _MARKUP_OPEN.match(line).end()
            line_cues.append(Cue(at, at, open_rel, tight=True))
        if line.strip() and not (lead_in and item):
            lead_in = None
        wrapped = _wrapped_title_line(view, ls, le)
        for c in starts:
            if wrapped and c == starts[0]:
                continue  # "… SỬA ĐỔI,\nBỔ SUNG …": a title wrapped mid-phrase opens no clause
            o = openers.match(view, c)
            at = o.end() if o else c
            m = prefix.match(view, at)
            if not m:  # "Tổ chức quán triệt, triển khai thực hiện …"
                lead = _lead_verbs_re().match(view, at)
                m = prefix.match(view, lead.end()) if lead else None
                if m and relation_of[m.group(0).lower()] not in P.cues()["lead_verb_phrases"]["relations"]:
                    m = None
            if m and (enacting or relation_of[m.group(0).lower()] not in _ACTS):
                line_cues.append(Cue(m.start(), m.end(), relation_of[m.group(0).lower()]))
        ordered = sorted(starts)
        for s in _kind_matches(_self_re(), view, ls, le):
            later = bisect.bisect_right(ordered, s.end())
            clause_end = min(ordered[later] - 1, le) if later < len(ordered) else le
            m = _self_cue(view, s.end(), clause_end)
            if m:
                line_cues.append(Cue(m.start(), m.end(), relation_of[m.group(0).lower()]))
        for i, c in enumerate(starts):
            clause_end = starts[i + 1] if i + 1 < len(starts) else le
            if "này" not in view[c:clause_end]:
                continue
            for m in postfix.finditer(view, c, clause_end):
                out.append(Cue(m.start(), m.end(), relation_of[m.group(0).lower()], postfix_from=c))
        own = [q for q in line_cues if not q.tight]
        if own and line.rstrip().endswith(":"):
            lead_in = max(own, key=lambda q: q.start).relation
        if line.strip():
            last = max(line_cues, key=lambda q: q.start).relation if line_cues else None
            open_rel = last if last in _RUNS_ON and line.rstrip(" *_").endswith(";") else None
        line_cues.sort(key=lambda q: q.start)
        sentence_ends = [ls + m.start() for m in _SENTENCE_END.finditer(line)] + [le]
        for i, q in enumerate(line_cues):
            nxt = line_cues[i + 1].start if i + 1 < len(line_cues) else le
            after = bisect.bisect_left(sentence_ends, q.end)
            q.scope_end = min(nxt, sentence_ends[after]) if after < len(sentence_ends) else nxt
            if q.scope_end == le and _OPEN_CUE_TAIL.fullmatch(view, q.end, le):
                # "Để tiếp tục thực hiện nghiêm\n<citations>": the clause goes on below
                nl = view.find("\n", le + 1)
                nl = len(view) if nl < 0 else nl
                ends = [m.start() for m in _SENTENCE_END.finditer(view, le + 1, nl)]
                q.scope_end = min(ends + [nl])
        out.extend(line_cues)
    return out


_TRANSPARENT_TAIL = re.compile(
    r"(?:\s*(?:(?i:các|số|tại)|(?i:điểm|khoản|điều|mục|chương|phần|phụ lục)\s+[\dIVXa-zđ]+"
    r"(?:\s*(?:,|và)\s*[\dIVXa-zđ]+)*))+\s*$")


@functools.cache
def _amended_by_re() -> re.Pattern:
    return re.compile("(?:" + P.cues()["amended_by"] + r")\s*$", re.IGNORECASE)


_PROVISIONS = re.compile(r"(?i:điểm|khoản|điều|mục|chương|phần|phụ lục)\s+[\dIVXa-zđ]{1,5}(?![^\W\d_])[,\s]*")
_LIST_TAIL = re.compile(r"(?:,|\s*(?i:\bvà|\bhoặc))\s*$")


def _tight_gap_ok(gap: str, relation: str) -> bool:
    """An item of a lead-in's list opens with its citation, or with the lead-in's own act
    named again ("Bãi bỏ các Quyết định sau:\n1. Quyết định bãi bỏ Quyết định số …")."""
    words = " ".join(gap.split()).strip(" *_")
    if not words:
        return True
    prefix, _, _, relation_of = _cue_res()
    hits = [m for m in prefix.finditer(words) if relation_of[m.group(0).lower()] == relation]
    return bool(hits) and hits[-1].end() == len(words) and len(words.split()) <= 5


@functools.cache
def _transparent_res() -> tuple[re.Pattern, ...]:
    """The phrases a cue reaches across, longest first, one pattern each (removed in turn)."""
    return tuple(re.compile(rf"(?i:{re.escape(p)})")
                 for p in sorted(P.cues()["transparent_in_gap"], key=len, reverse=True))


def _gap_ok(gap: str, relation: str = "") -> bool:
    """May a cue reach across ``gap`` to the citation after it?"""
    cfg = P.cues()
    if relation == "based_on":  # "Căn cứ các Quyết định … về phê duyệt quy hoạch: A; B": the list
        gap = gap.rsplit(":", 1)[-1]
    for phrase in _transparent_res():
        gap = phrase.sub(" ", gap)
    gap = _PROVISIONS.sub(" ", gap)  # "Bãi bỏ khoản 8 Điều 4, điểm a khoản 4 Điều 14, Điều 23 …"
    if ";" in gap or len(gap.split()) > cfg["max_gap_words"]:
        return False
    low = " " + " ".join(gap.lower().split()) + " "
    return not any(f" {w} " in low for w in cfg["nesting_words"])


def _assign_relations(view: str, mentions: list[Mention], enacting: bool = True) -> None:
    strength = {r: i for i, r in enumerate(RELATIONS)}
    by_start = sorted(mentions, key=lambda m: m.start)  # each cue looks up its range (no scan of all)
    starts = [m.start for m in by_start]

    def starting_in(lo: int, hi: int) -> list[Mention]:
        return by_start[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)]

    for cue in _cues(view, enacting):
        if cue.postfix_from is not None:
            inside = [m for m in starting_in(cue.postfix_from, cue.start) if not m.nested]
            for m in inside:
                if strength[cue.relation] < strength[m.relation]:
                    m.relation = cue.relation
            continue
        inside = starting_in(cue.end, cue.scope_end)
        prev, member, head = None, False, False
        for m in inside:
            if m.nested:
                continue
            if prev is None:
                gap = view[cue.end:m.start]
                member = head = _tight_gap_ok(gap, cue.relation) if cue.tight else _gap_ok(gap, cue.relation)
                if cue.tight and not member:
                    break  # the item does not open with a citation: the lead-in does not reach it
            else:
                between = view[prev.core_end:m.start]
                tail = _TRANSPARENT_TAIL.sub("", between).rstrip()
                if ";" in between:  # a new member of the list: read like the first one
                    gap = _LIST_TAIL.sub("", between.rsplit(";", 1)[1])
                    if gap.strip(" *_"):  # words before it: read like the first one
                        member = head = False if cue.tight else _gap_ok(gap, cue.relation)
                    else:  # the list goes on as it began: members of the cue's list, or
                        member = head  # examples after a description ("… nhất là: A; B")
                elif _amended_by_re().search(between):
                    # "Căn cứ X … được sửa đổi, bổ sung bởi Y": Y is a basis where the item is
                    # one; the act of amending X as amended is not an act on Y
                    member = head and cue.relation == "based_on"
                elif not (tail.endswith(",") or _LIST_TAIL.search(tail) or not tail):
                    member = False  # inside the previous citation's description
            if member and strength[cue.relation] < strength[m.relation]:
                m.relation = cue.relation
            prev = m


# --- from mentions to items ---------------------------------------------------------------


class _Item:
    """The mentions of one cited document, with what they say of it kept as they are added
    (a document cited ten thousand times is not read again at each mention)."""

    def __init__(self, mentions: list[Mention] | None = None):
        self.reset(mentions or [])

    def reset(self, mentions: list[Mention]) -> None:
        self.mentions: list[Mention] = []
        self._number = self._title = self._date = None
        self._plain = self._explicit = self._any = None  # issuers, by preference
        for m in mentions:
            self.add(m)

    def add(self, m: Mention) -> None:
        self.mentions.append(m)
        if self._number is None and m.number:
            self._number = m.number
        if self._title is None and m.form in ("law", "named") and m.title:
            self._title = m.title
        if self._date is None and m.date:
            self._date = m.date
        i = m.issuer
        if i:
            self._any = self._any or i
            if i.explicit:
                self._explicit = self._explicit or i
                if not (i.locality and i.locality.isupper()):
                    self._plain = self._plain or i

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    def number(self) -> str | None:
        return self._number

    def title(self) -> str | None:
        return self._title

    def date(self) -> P.Date | None:
        return self._date

    def issuer(self) -> P.Issuer | None:
        # a name read from an upper-case title line is the last resort ("… TỈNH THỪA THIÊN")
        return self._plain or self._explicit or self._any


def _compatible(item: _Item, m: Mention) -> bool:
    a, b = item.issuer(), m.issuer
    if a and b and a.explicit and b.explicit and a.name and b.name:
        fa, fb = fold_key(a.name), fold_key(b.name)
        if not (fa.startswith(fb) or fb.startswith(fa)):  # one cut by a line break is the same body
            return False
    da, db = item.date(), m.date
    return not (da and db and da.iso and db.iso and da.iso != db.iso)


def _group(mentions: list[Mention]) -> list[_Item]:
    items: list[_Item] = []
    by_key: dict[tuple, list[_Item]] = {}
    for m in sorted(mentions, key=lambda x: x.start):
        if m.form == "short":
            continue
        # a law by name is one document whether or not its number is given, and one with
        # "Luật số 77/2015/QH13" cited by number alone
        keys = []
        if m.form == "law" and m.title:
            keys.append(("t", m.doc_type, fold_key(m.title).replace(",", "")))
        if m.number:
            keys.append(("n", fold_key(m.number).replace(" ", "")))
        if not keys:
            keys.append(("t", m.doc_type, fold_key(m.title).replace(",", "")))
        home = next((it for k in keys for it in by_key.get(k, []) if _compatible(it, m)), None)
        if home is None:
            home = _Item()
            items.append(home)
        for k in keys:
            homes = by_key.setdefault(k, [])
            if not any(x is home for x in homes):
                homes.append(home)
        home.add(m)
    # a number cited alone before the law that carries it was named with it: one document
    untitled: dict[str, list[_Item]] = {}
    for it in items:
        if not it.title() and it.number():
            untitled.setdefault(it.number(), []).append(it)
    merged: set[int] = set()
    for it in list(items):
        num = it.number()
        if it.title() and num:
            for other in [o for o in untitled.get(num, ()) if id(o) not in merged
                          and all(_compatible(it, x) for x in o.mentions)]:
                it.reset(sorted(it.mentions + other.mentions, key=lambda x: x.start))
                merged.add(id(other))
    items = [it for it in items if id(it) not in merged]
    by_number: dict[tuple, list[_Item]] = {}  # (kind, the number's digits before "/" or "-")
    for it in items:
        head = re.match(r"(\d+)[/-]", it.number() or "")
        if head:
            by_number.setdefault((it.first.doc_type, head.group(1)), []).append(it)
    for m in (x for x in mentions if x.form == "short"):
        num, year = m.short
        fits = [it for it in by_number.get((m.doc_type, num), ())
                if year is None or (it.first.symbol and it.first.symbol.year == year)]
        if len(fits) == 1:
            fits[0].add(m)
    return items


# The document's own number line ("Số: 231/KH-UBND", a portal's "Số hiệu: …"): the first of each.
_OWN_NUMBER_LINE = re.compile(r"^[\W_]*(?i:số(?:\s+hiệu)?)[\W_]*:[\s*_]*", re.M)


def _number_key(number: str) -> str:
    return fold_key(number).replace(" ", "")  # fold_key already reads đ as d


def _own_numbers(view: str, doc: dict) -> set[str]:
    """The citing document's number, from its header and from its own number line (which the
    header may have missed): never a citation of itself."""
    out = {_number_key(doc["number"])} if doc.get("number") else set()
    for label in ("số", "số hiệu"):
        for m in _OWN_NUMBER_LINE.finditer(view):
            if " ".join(view[m.start():m.end()].lower().strip(" *_:\n").split()) != label:
                continue
            sym = P.SYMBOL_RE.match(view, m.end())
            if sym:
                out.add(_number_key(P.read_symbol(sym).number))
            break
    return out


_LIST_JOIN = re.compile(r"\s*(?:,|(?i:và))\s*(?:(?i:và)\s+)?")


def _share_list_issuers(view: str, numbered: list[Mention]) -> None:
    """"Chỉ thị số 31-CT/TU ngày …, Kế hoạch số 134-KH/TU ngày … của Ban Thường vụ Tỉnh ủy",
    "các Thông tư số 01/2020/TT-BNV, 02/2020/TT-BNV của Bộ Nội vụ": one issuer closes a list
    of numbers from the same body (same issuer code) and names it for all of them."""
    ordered = sorted(numbered, key=lambda m: m.start)
    for i in range(len(ordered) - 2, -1, -1):
        m, nxt = ordered[i], ordered[i + 1]
        if m.issuer or not nxt.issuer or not nxt.issuer.explicit or not (m.symbol and nxt.symbol):
            continue
        if m.symbol.issuer_code != nxt.symbol.issuer_code or not _LIST_JOIN.fullmatch(view, m.end, nxt.start):
            continue
        m.issuer = nxt.issuer


def _mention_key(m: Mention) -> str | None:
    if m.number:
        return "n:" + _number_key(m.number)
    if m.form == "law" and m.title:
        return "t:" + fold_key(m.title).replace(",", "")
    return None


_LOWER_LAW_WORD = re.compile(r"(?<![^\W\d_])(bộ luật|luật)(?=\s)")


def _title_relations(title: str | None, citer: P.Citer, enacting: bool) -> dict[str, str]:
    """Documents the citing document's own title acts on ("Triển khai thi hành Luật Việc làm
    trên địa bàn …" implements the law): mention key → relation. Titles come in sentence
    case, so "luật" is read as the start of a law's name."""
    if not title:
        return {}
    text = _LOWER_LAW_WORD.sub(lambda m: m.group(1)[:1].upper() + m.group(1)[1:], " ".join(title.split()))
    view = _view(text)
    laws = _find_laws(view, citer)
    taken = [(m.start, m.claim_end or m.end) for m in laws if not m.nested]
    found = laws + _find_numbered(view, citer, taken)
    _assign_relations(view, found, enacting)
    return {k: m.relation for m in found if m.relation != "mentions" and (k := _mention_key(m))}


def _is_self(m: Mention, doc: dict, own_numbers: set[str] | None = None) -> bool:
    number = doc.get("number")
    if not m.number:
        return False
    if not number or _number_key(number) != _number_key(m.number):
        if not own_numbers or _number_key(m.number) not in own_numbers:
            return False
        # "(Kèm theo Quyết định số 2820/QĐ-UBND … của Ủy ban nhân dân Thành phố)": its own
        # decision, unless the text names another kind of body as the issuer
        own = (doc.get("issuer") or {}).get("name")
        return not (m.issuer and m.issuer.explicit and own and m.issuer.name
                    and fold_key(m.issuer.name).split()[:3] != fold_key(own).split()[:3])
    own = (doc.get("issuer") or {}).get("name")
    return not (m.issuer and m.issuer.explicit and own and fold_key(m.issuer.name or "") != fold_key(own))


def _resolve_issuer(item: _Item, citer: P.Citer, date: str | None) -> dict:
    first = item.first
    found = item.issuer()
    if found is None and first.symbol:
        found = P.issuer_from_code(first.symbol.issuer_code, first.doc_type, citer, date)
    if found is None:
        row = _kind_row(first.kind_word) or next((r for r in P.kinds() if r["code"] == first.doc_type), None)
        if row and row["issuer"]:
            found = P.Issuer(row["issuer"], None, False)
    if found is None or not found.name:
        return {"name": None, "locality": None}
    name, locality = found.name, found.locality
    if not found.explicit and P.locality_of(name):
        # a body the text leaves implied is named as it was on the cited document's date
        name = issuer_name_on(name, date)
        locality = P.locality_of(name)
    return {"name": name, "locality": locality}


def _kind_label(item: _Item) -> str:
    word = item.first.kind_word
    return (word[:1].upper() + word[1:]) if word and _kind_row(word)["generic"] != "yes" else \
        P.kind_name(item.first.doc_type or "CV")


def _warnings(item: _Item, out: dict, doc_date: str | None) -> list[dict]:
    ws = []
    label = out["number"] or out["title"]
    sym = item.first.symbol
    date = out["issued_date"]
    if sym and sym.year and date and date[:4].isdigit() and int(date[:4]) != sym.year:
        ws.append(warning("number_year_mismatch", f"{out['number']} dated {date}"))
    if date and doc_date and date[:len(doc_date)] > doc_date[:len(date)]:
        ws.append(warning("cited_after_citing", f"{label} dated {date}, after the document ({doc_date})"))
    for m in item.mentions:
        d = m.date
        if d and d.impossible:
            ws.append(impossible_date(d.raw, f"the citation of {_kind_label(item)} số {label}"))
            break
        if d and d.typo:
            ws.append(warning("source_typo", f'"{d.raw}" in the citation of {_kind_label(item)} số {label} '
                                             f'(for "{d.typo}"); read as {d.iso}'))
            break
        if d and d.unreadable:
            ws.append(warning("source_typo", f'"{d.raw}" in the citation of {_kind_label(item)} số {label} '
                                             f"is not a readable date; read as {d.iso}"))
            break
    return ws


def _citer(doc: dict, locality: str | None = None, parent: str | None = None,
           level: str | None = None) -> P.Citer:
    issuer = doc.get("issuer") or {}
    locality = locality or issuer.get("locality")
    if not locality and P.locality_of(issuer.get("name")) is None and P.LOCAL_RE.match(issuer.get("name") or ""):
        # a local body named without its place ("Ban Thường vụ Tỉnh ủy"): the place of issue,
        # when it is a province ("Quảng Ngãi, ngày …"), is its locality
        place = doc.get("place")
        locality = place if place and P.division_of(place) else None
    return P.Citer(issuer.get("name"), locality, parent, level)


def read_citations(text: str, doc: dict | None = None, citer: P.Citer | None = None
                   ) -> tuple[list[dict], list[list[tuple[int, int]]], list[dict]]:
    """Citations in ``text`` cited by ``doc``: (items, mention offsets per item, warnings)."""
    doc = doc or {}
    citer = citer or _citer(doc)
    view = _view(text)
    laws = _find_laws(view, citer)
    taken = [(m.start, m.claim_end or m.end) for m in laws if not m.nested]
    own = _own_numbers(view, doc)
    numbered = [m for m in _find_numbered(view, citer, taken) if not _is_self(m, doc, own)]
    _share_list_issuers(view, numbered)
    # a number inside an amending law's name is nested there; one a listed law in that name
    # already carries ("… của Luật Nhà ở số 27/2023/QH15 …") is that law's mention
    carried = _Spans([(x.start, x.end) for x in laws if x.nested and x.number])
    numbered = [m for m in numbered if m.start not in carried]
    claimed = _Spans([(x.start, x.core_end) for x in laws if x.claim_end])
    for m in numbered:
        m.nested = m.start in claimed
    taken += [(m.start, m.core_end) for m in numbered]
    named = _find_named(view, citer, taken)
    taken += [(m.start, m.end) for m in named]
    named += _repeated_names(view, named, taken)
    taken += [(m.start, m.end) for m in named]
    short = _find_short(view, taken)
    mentions = laws + numbered + named + short
    kind = doc.get("doc_type")
    enacting = not kind or kind in P.cues()["enacting_kinds"]
    _assign_relations(view, mentions, enacting=enacting)
    by_title = _title_relations(doc.get("title"), citer, enacting)
    items, spans, warnings = [], [], []
    strength = {r: i for i, r in enumerate(RELATIONS)}
    for it in _group(mentions):
        for m in it.mentions:  # what the document's own title says it does
            rel = by_title.get(_mention_key(m))
            if rel and strength[rel] < strength[m.relation]:
                m.relation = rel
        first = it.first
        date = it.date()
        iso = date.iso if date else None
        out = {
            "doc_type": first.doc_type,
            "number": it.number(),
            "issued_date": iso,
            "issuer": _resolve_issuer(it, citer, iso),
            "title": it.title(),
            "relation": min((m.relation for m in it.mentions), key=strength.__getitem__),
            "mentions": len(it.mentions),
        }
        items.append(out)
        spans.append([(m.start, m.end) for m in sorted(it.mentions, key=lambda x: x.start)])
        warnings += _warnings(it, out, doc.get("issued_date"))
    return items, spans, warnings


# --- public API -----------------------------------------------------------------------------


@component("citations", requires=("text", "document", "locality"))
def extract_citations(ctx: Context) -> Section:
    """Every document ``ctx`` cites, as contract items with the spans of all mentions."""
    citer = _citer(ctx.document, ctx.locality, ctx.parent_locality, ctx.level)
    items, offsets, warnings = read_citations(ctx.text.text, ctx.document, citer)
    spans = [[ctx.text.span(a, b) for a, b in offs] for offs in offsets]
    return Section(items=items, spans=spans, warnings=warnings)


def parse_citation(text: str, context: dict | None = None) -> dict | None:
    """One citation string → its normalised fields (the first citation the string holds).

    ``context`` is the citing document's contract ``document`` dict (issuer, issued_date,
    number), used for implied issuers. Returns None when the string cites nothing.
    """
    items, _, warnings = read_citations(text, context or {})
    if not items:
        return None
    item = dict(items[0])
    item["warnings"] = [w["code"] for w in warnings]
    return item


def citation_identity(item: dict) -> tuple:
    """(doc_type, number-or-title, issuer name, year), folded: one row per cited document."""
    issuer = (item.get("issuer") or {}).get("name")
    return document_key(item.get("doc_type"), item.get("number"), item.get("title"), issuer,
                        item.get("issued_date"))
