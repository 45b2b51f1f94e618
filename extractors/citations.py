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
from dataclasses import dataclass, field

from gazetteer.successions import issuer_name_on
from pipeline.identity import document_key, fold
from pipeline.models import Context, Section, warning

from . import citation_parts as P
from .dates import impossible_date

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


def _view(text: str) -> str:
    """The text as the readers see it: OCR look-alikes of Đ and of digits in symbols fixed,
    URLs blanked (same length)."""
    text = text.replace("\u00d0", "Đ").replace("\u00f0", "đ")
    text = _OCR_DIGITS.sub(lambda m: m.group(0).translate(_DIGIT_OF), text)
    text = _OCR_DATE.sub(lambda m: m.group(0).translate(_DIGIT_OF), text)
    return re.sub(r"(?:https?://|www\.)\S+", lambda m: " " * len(m.group(0)), text)


_LETTER_BEFORE = r"(?<![^\W\d_])"


@functools.cache
def _prefix_re() -> re.Pattern:
    """Kind word and "số" standing right before a symbol (searched in the text before it)."""
    return re.compile(rf"(?:{_LETTER_BEFORE}(?P<kind>{P.kind_words_pattern()})\s*)?"
                      rf"(?:(?P<so>(?i:số))\s*(?P<colon>:)?\s*)?$")


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
    return P.kind_by_word().get(fold(word)) if word else None


def _find_numbered(view: str, citer: P.Citer, taken: list[tuple[int, int]]) -> list[Mention]:
    out = []
    for m in P.SYMBOL_RE.finditer(view):
        if _inside(m.start(), taken):
            continue
        pre = _prefix_re().search(view, max(0, m.start() - 45), m.start())
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


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# Laws by name --------------------------------------------------------------------------------

_LAW_RE = re.compile(rf"{_LETTER_BEFORE}(?P<kw>Bộ luật|Luật)\s+(?=[{P.UPPER}]|sửa đổi)")
_AMEND_RE = re.compile(r"(?:sửa đổi,? bổ sung|sửa đổi)(?:\s+(?:một số điều|một số điều của các|"
                       r"các điều)\s*)?(?:\s*của)?(?:\s+các)?\s+")
_BILL_RE = re.compile(r"(?i:dự thảo|dự án)\s*$")
_WORD = re.compile(r"\s*([^\s,;.:()“”\"]+)")
_NEXT_WORD = re.compile(r"\s*(\S+)")
_LAW_SEP = re.compile(r"(?:,\s*|\s+và\s+)(?=(?:Bộ luật|Luật)\s)")
_LAW_NUMBER = re.compile(r"\s*+,?\s*+(?i:số)\s+")  # possessive: linear on blanks
_LAW_YEAR = re.compile(r"\s*+,?\s*+(?i:năm)\s+((?:19|20)\d{2})(?!\d)")


# A law named in an upper-case title line ("… CỦA LUẬT CHẤT LƯỢNG SẢN PHẨM, HÀNG HÓA"): only
# the names laws.tsv lists are read there, since capitals hide where a name ends.
_UPPER_LAW_RE = re.compile(rf"{_LETTER_BEFORE}(?P<kw>BỘ LUẬT|LUẬT) +(?=[{P.UPPER}]{{2}})")


def _law_name(view: str, pos: int) -> tuple[str, int] | None:
    """The name of a law opening at ``pos`` ("Luật …"): (name in sentence case, end)."""
    for title, pattern in P.law_title_patterns():
        seg = view[pos:pos + len(title)]
        if fold(seg) == fold(title) and not re.match(r"[^\W\d_]", view[pos + len(title):pos + len(title) + 1]):
            return title, pos + len(title)
        m = pattern.match(view, pos)  # written with abbreviations
        if m:
            return title, m.end()
    kw = _LAW_RE.match(view, pos)
    if not kw:
        return None
    stops = sorted(P.cues()["law_name_stops"], key=len, reverse=True)
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
    return P.sentence_case(P.expand_abbreviations(" ".join(view[pos:end].split()))), end


def _find_laws(view: str, citer: P.Citer) -> list[Mention]:
    out: list[Mention] = []
    upper = [m for m in _UPPER_LAW_RE.finditer(view) if _law_name(view, m.start())]
    for m in sorted([*_LAW_RE.finditer(view), *upper], key=lambda x: x.start()):
        if _BILL_RE.search(view[max(0, m.start() - 12):m.start()]):
            continue  # a bill, not a law
        nested = any(x.start <= m.start() < x.core_end for x in out)
        amend = _AMEND_RE.match(view, m.end())
        if amend:
            end = at = amend.end()
            while True:
                inner = _law_name(view, at)
                if not inner:
                    break
                end = inner[1]
                sep = _LAW_SEP.match(view, end)
                if not sep:
                    break
                at = sep.end()
            if end == amend.end():  # "Luật sửa đổi, bổ sung một số điều của 37 luật …"
                rest = _law_name(view, m.start())
                end = rest[1] if rest else amend.end()
            title = P.sentence_case(" ".join(view[m.start():end].split()))
        else:
            found = _law_name(view, m.start())
            if not found:
                continue
            title, end = found
        number = None
        num = _LAW_NUMBER.match(view, end)
        if num and not nested:
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
                           title, None, date, issuer, m.group("kw"), nested=nested))
    return out


# Programmes and plans by name ---------------------------------------------------------------


@functools.cache
def _named_re() -> re.Pattern:
    kinds = "|".join(re.escape(k) for k in P.cues()["named_kinds"])
    return re.compile(rf"{_LETTER_BEFORE}(?P<kind>{kinds})\s+(?!(?i:số)\b)")


def _find_named(view: str, citer: P.Citer, taken: list[tuple[int, int]]) -> list[Mention]:
    cfg = P.cues()
    not_after = sorted(cfg["named_not_after"], key=len, reverse=True)
    out = []
    for m in _named_re().finditer(view):
        if _inside(m.start(), taken):
            continue
        window = max(0, m.start() - 200)  # bounded: the words right before, not a whole long line
        before = view[max(window, view.rfind("\n", window, m.start()) + 1):m.start()].rstrip().lower()
        before = re.sub(r"(?:\s+các|\s+những)$", "", before)
        if any(before == w or before.endswith(" " + w) for w in not_after):
            continue
        limit = len(view)
        for stop in (";", "\n", "(", ". "):
            i = view.find(stop, m.end())
            limit = min(limit, i if i >= 0 else limit)
        cua = view.find(" của ", m.end(), limit)
        if cua < 0:
            continue
        title = " ".join(view[m.start():cua].strip(" ,").split())
        rest = title[len(m.group("kind")):]
        words = [w for w in re.findall(r"[^\W\d_]+", rest) if w.lower() not in cfg["named_filler_words"]]
        if (len(words) < cfg["named_min_words"] or len(words) > 30 or words[0].lower() in cfg["named_stop_words"]
                or _named_re().search(rest) or P.SYMBOL_RE.search(rest) or re.search(r"[“”\"]", rest)):
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
    for title in dict.fromkeys(m.title for m in named):
        first = next(m for m in named if m.title == title)
        for hit in re.finditer(re.escape(title) + r"(?![^\W\d_])", view, re.IGNORECASE):
            if not _inside(hit.start(), taken) and not any(o.start == hit.start() for o in out):
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
    for m in _short_re().finditer(view):
        if _inside(m.start(), taken):
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


_MARKER_RE = re.compile(r"(?:\s*(?:[-–—+•*·∙●○■▪]|[IVXLC]{1,6}\.(?=\s)|\d{1,2}(?:\.\d{1,2})*[.)]?(?=\s)"
                        r"|[a-zđ]\)|Điều\s+\d+\.?)\s*)*")


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


def _clause_starts(view: str, ls: int, le: int) -> list[int]:
    line = view[ls:le]
    starts = [ls + _MARKER_RE.match(line).end()]
    for m in re.finditer(rf"(?:;|\.(?=\s+[{P.UPPER}]))\s+", line):
        starts.append(ls + m.end())
    return starts


_ACTS = frozenset({"amends", "repeals", "replaces"})


def _cues(view: str, enacting: bool = True) -> list[Cue]:
    """Relation cues in ``view``; ``enacting=False`` (a plan, a letter): a clause that opens
    with an act (sửa đổi, bãi bỏ, thay thế) is a duty for later, not this document's act."""
    prefix, selfref, postfix, relation_of = _cue_res()
    openers = _openers_re()
    out: list[Cue] = []
    pos = 0
    for line in view.split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        starts = _clause_starts(view, ls, le)
        line_cues = []
        for c in starts:
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
        for s in _self_re().finditer(view, ls, le):
            clause_end = min([x - 1 for x in starts if x > s.end()] + [le])
            window = view[s.end():clause_end]
            m = selfref.search(window)
            if m and len(window[:m.start()].split()) <= P.cues()["self_reference_window"]:
                line_cues.append(Cue(s.end() + m.start(), s.end() + m.end(), relation_of[m.group(0).lower()]))
        for i, c in enumerate(starts):
            clause_end = starts[i + 1] if i + 1 < len(starts) else le
            if "này" not in view[c:clause_end]:
                continue
            for m in postfix.finditer(view, c, clause_end):
                out.append(Cue(m.start(), m.end(), relation_of[m.group(0).lower()], postfix_from=c))
        line_cues.sort(key=lambda q: q.start)
        sentence_ends = [ls + m.start() for m in re.finditer(rf"\.(?=\s+[{P.UPPER}])", line)] + [le]
        for i, q in enumerate(line_cues):
            nxt = line_cues[i + 1].start if i + 1 < len(line_cues) else le
            q.scope_end = min([nxt] + [e for e in sentence_ends if e >= q.end])
        out.extend(line_cues)
    return out


_TRANSPARENT_TAIL = re.compile(
    r"(?:\s*(?:(?i:các|số|tại)|(?i:điểm|khoản|điều|mục|chương|phần|phụ lục)\s+[\dIVXa-zđ]+"
    r"(?:\s*(?:,|và)\s*[\dIVXa-zđ]+)*))+\s*$")


_LIST_TAIL = re.compile(r"(?:,|\s*(?i:\bvà|\bhoặc))\s*$")


def _gap_ok(gap: str) -> bool:
    """May a cue reach across ``gap`` to the citation after it?"""
    cfg = P.cues()
    for phrase in sorted(cfg["transparent_in_gap"], key=len, reverse=True):
        gap = re.sub(rf"(?i:{re.escape(phrase)})", " ", gap)
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
        prev, member = None, False
        for m in inside:
            if m.nested:
                continue
            if prev is None:
                member = _gap_ok(view[cue.end:m.start])
            else:
                between = view[prev.core_end:m.start]
                tail = _TRANSPARENT_TAIL.sub("", between).rstrip()
                if ";" in between:  # a new member of the list: read like the first one
                    member = _gap_ok(_LIST_TAIL.sub("", between.rsplit(";", 1)[1]))
                elif not (tail.endswith(",") or _LIST_TAIL.search(tail) or not tail):
                    member = False  # inside the previous citation's description
            if member and strength[cue.relation] < strength[m.relation]:
                m.relation = cue.relation
            prev = m


# --- from mentions to items ---------------------------------------------------------------


@dataclass
class _Item:
    mentions: list[Mention] = field(default_factory=list)

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    def number(self) -> str | None:
        return next((m.number for m in self.mentions if m.number), None)

    def title(self) -> str | None:
        return next((m.title for m in self.mentions if m.form in ("law", "named") and m.title), None)

    def date(self) -> P.Date | None:
        return next((m.date for m in self.mentions if m.date), None)

    def issuer(self) -> P.Issuer | None:
        return next((m.issuer for m in self.mentions if m.issuer and m.issuer.explicit), None) or \
            next((m.issuer for m in self.mentions if m.issuer), None)


def _compatible(item: _Item, m: Mention) -> bool:
    a, b = item.issuer(), m.issuer
    if a and b and a.explicit and b.explicit and a.name and b.name and fold(a.name) != fold(b.name):
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
            keys.append(("t", m.doc_type, fold(m.title)))
        if m.number:
            keys.append(("n", fold(m.number).replace(" ", "")))
        if not keys:
            keys.append(("t", m.doc_type, fold(m.title)))
        home = next((it for k in keys for it in by_key.get(k, []) if _compatible(it, m)), None)
        if home is None:
            home = _Item()
            items.append(home)
        for k in keys:
            if home not in by_key.setdefault(k, []):
                by_key[k].append(home)
        home.mentions.append(m)
    # a number cited alone before the law that carries it was named with it: one document
    for it in list(items):
        num = it.number()
        if it.title() and num:
            for other in [o for o in items if o is not it and not o.title() and o.number() == num
                          and all(_compatible(it, x) for x in o.mentions)]:
                it.mentions = sorted(it.mentions + other.mentions, key=lambda x: x.start)
                items.remove(other)
    for m in (x for x in mentions if x.form == "short"):
        num, year = m.short
        fits = [it for it in items if it.number() and it.first.doc_type == m.doc_type
                and re.match(rf"{num}[/-]", it.number())
                and (year is None or (it.first.symbol and it.first.symbol.year == year))]
        if len(fits) == 1:
            fits[0].mentions.append(m)
    return items


def _is_self(m: Mention, doc: dict) -> bool:
    number = doc.get("number")
    if not number or not m.number or fold(number).replace(" ", "") != fold(m.number).replace(" ", ""):
        return False
    own = (doc.get("issuer") or {}).get("name")
    return not (m.issuer and m.issuer.explicit and own and fold(m.issuer.name or "") != fold(own))


def _resolve_issuer(item: _Item, citer: P.Citer, date: str | None) -> dict:
    first = item.first
    found = item.issuer()
    if found is None and first.symbol:
        found = P.issuer_from_code(first.symbol.issuer_code, first.doc_type, citer)
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
    taken = [(m.start, m.end) for m in laws if not m.nested]
    numbered = [m for m in _find_numbered(view, citer, taken) if not _is_self(m, doc)]
    taken += [(m.start, m.core_end) for m in numbered]
    named = _find_named(view, citer, taken)
    taken += [(m.start, m.end) for m in named]
    named += _repeated_names(view, named, taken)
    taken += [(m.start, m.end) for m in named]
    short = _find_short(view, taken)
    mentions = laws + numbered + named + short
    kind = doc.get("doc_type")
    _assign_relations(view, mentions, enacting=not kind or kind in P.cues()["enacting_kinds"])
    items, spans, warnings = [], [], []
    strength = {r: i for i, r in enumerate(RELATIONS)}
    for it in _group(mentions):
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
