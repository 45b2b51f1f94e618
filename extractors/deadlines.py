"""Time limits in Vietnamese administrative text → contract deadline values.

``find_deadlines(text, year)`` finds every absolute time limit ("trước ngày 15/9/2025",
"Từ tháng 9 năm 2026 đến tháng 4 năm 2027", "- Năm 2027: …", "trong quý III/2025") with
its offsets; ``find_recurrences(text)`` finds frequencies with no date ("hằng năm",
"01 lần/năm", "định kỳ 6 tháng"), which are no deadline; ``extract_deadlines(ctx)`` builds
the document-wide ``deadlines`` section, leaving out periods of cited titles, the plan's
own title, effective dates and past years.

Cue words, frequencies, relative limits and exclusions are data in
``gazetteer/deadline_phrases.yml``; this module only holds the date grammar (numbers) and
the rules that combine them. A date is only a deadline after a cue (trước, chậm nhất, đến,
trong, vào, Từ … đến …), as a field value ("Thời gian thực hiện: …") or as a roadmap label
at the start of a line ("Năm 2027: …"); bare dates (issue dates of citations) never are.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, replace

from gazetteer import load_yaml
from pipeline.core.models import Context, Section

from pipeline.core.dates import iso_day, iso_month, last_day
from .outline import tolerant_letters
from .registry import component

PHRASES_FILE = "deadline_phrases.yml"
RECURRENCES = ("yearly", "half_yearly", "quarterly", "monthly")


@dataclass(frozen=True)
class DeadlineHit:
    """One time limit: ``text == source[start:end]``; values in contract form."""

    start: int
    end: int
    text: str
    start_date: str | None
    end_date: str | None
    recurrence: str | None

    def to_contract(self) -> dict:
        return {"text": self.text, "start": self.start_date, "end": self.end_date,
                "recurrence": self.recurrence}

    @property
    def key(self) -> tuple:
        return (self.start_date, self.end_date, self.recurrence)


# --------------------------------------------------------------------------- grammar

_Y = r"(?:19|20)\d{2}"
_ROMAN = r"(?:IV|I{1,3}|[1-4])(?![\w])"
_YEAR_TAIL = rf"(?:\s*[/-]\s*|\s+năm\s+){_Y}"

# One date term; each alternative is parsed by the same-named regex in _TERM_PARTS.
_TERM_PARTS: dict[str, str] = {
    "dmy_long": rf"ngày\s+(?P<d>\d{{1,2}})\s+(?:tháng|ngày)\s+(?P<m>\d{{1,2}})\s*,?\s+năm\s+(?P<y>{_Y})",
    "dmy": rf"(?:ngày\s+)?(?P<d>\d{{1,2}})\s?(?P<s>[/.-])\s?(?P<m>\d{{1,2}})\s?(?P=s)\s?(?P<y>{_Y})(?!\d)",
    "dm_long": r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?![\d/])(?!\s*,?\s*năm\s+\d)",
    "dm": r"(?P<day_word>ngày\s+)?(?P<d>\d{1,2})\s?/\s?(?P<m>\d{1,2})(?![\d/])",
    # A span of months or quarters in one term: "Tháng 3-4/2014", "Quý III-IV/2025".
    "mspan": rf"tháng\s+(?P<m>\d{{1,2}})\s*[-–]\s*(?:tháng\s+)?(?P<m2>\d{{1,2}}){_YEAR_TAIL.replace(_Y, '(?P<y>' + _Y + ')')}(?!\d)",
    "qspan": rf"qu[ýí]\s+(?P<q>{_ROMAN})\s*[-–]\s*(?:qu[ýí]\s+)?(?P<q2>{_ROMAN})(?:{_YEAR_TAIL.replace(_Y, '(?P<y>' + _Y + ')')})?",
    "my": rf"(?:tháng\s+)?(?P<m>\d{{1,2}})(?:\s*[/-]\s*|\s+năm\s+)(?P<y>{_Y})(?!\d)",
    "m": r"tháng\s+(?P<m>\d{1,2})(?![\d/])(?!\s+năm\s+\d)",
    "q": rf"qu[ýí]\s+(?P<q>{_ROMAN})(?:{_YEAR_TAIL.replace(_Y, '(?P<y>' + _Y + ')')})?",
    "half": rf"(?:0?6|sáu)\s+tháng\s+(?P<h>đầu|cuối)\s+năm(?:\s+(?P<y>{_Y}))?",
    "y": rf"năm\s+(?P<y>{_Y})(?!\d)",
    "d": r"ngày\s+(?:m[ồù]ng\s+)?(?P<d>\d{1,2})(?![\d/])(?!\s+(?:tháng|ngày)\s+\d)",
}
_TERM_RES = {k: re.compile(v, re.I) for k, v in _TERM_PARTS.items()}
# A time of day before a date is read past: "trước 17 giờ ngày 10/8/2021", "trước 16h00 ngày …".
_CLOCK = r"\d{1,2}\s*(?:giờ|h)(?:\s*\d{2}(?:\s*phút)?)?\s*,?\s*(?=ngày\b)"
# Transparent prefixes: "đến hết năm 2025", "cuối tháng 6/2025".
_TERM = rf"(?:{_CLOCK})?(?:(?:hết|cuối)\s+)?(?:" + "|".join(
    re.sub(r"\(\?P<\w+>", "(?:", re.sub(r"\(\?P=s\)", "[/.-]", v)) for v in _TERM_PARTS.values()) + ")"


@dataclass(frozen=True)
class _Term:
    kind: str
    y: int | None
    m: int | None = None
    d: int | None = None
    q: int | None = None
    h: str | None = None
    has_day_word: bool = True
    m2: int | None = None  # last month / quarter of a span term ("tháng 3-4", "quý III-IV")
    q2: int | None = None
    end_only: bool = False  # "cuối quý III", "hết năm": the end of the period, not all of it

    def with_year(self, year: int | None) -> "_Term":
        return self if self.y is not None else _with_year(self, year)

    @property
    def month_key(self) -> tuple[int, int] | None:
        """(year, first month) for ordering terms of a period."""
        if self.y is None:
            return None
        first = self.m or (3 * self.q - 2 if self.q else (7 if self.h == "cuối" else 1))
        return (self.y, first)

    def iso(self, side: str) -> str | None:
        """Contract value of the term as a period's ``start`` or ``end``."""
        y = self.y
        if y is None:
            return None
        if self.kind in ("dmy", "dmy_long", "dm", "dm_long"):
            return iso_day(y, self.m, self.d)
        if self.kind in ("my", "m"):
            return iso_month(y, self.m)
        if self.kind == "q":
            m = 3 * self.q - 2 if side == "start" else 3 * self.q
            return f"{y:04d}-{m:02d}"
        if self.kind == "mspan":
            m = self.m if side == "start" else self.m2
            return f"{y:04d}-{m:02d}" if 1 <= self.m < self.m2 <= 12 else None
        if self.kind == "qspan":
            m = 3 * self.q - 2 if side == "start" else 3 * self.q2
            return f"{y:04d}-{m:02d}" if self.q < self.q2 else None
        if self.kind == "half":
            first = 1 if self.h == "đầu" else 7
            return f"{y:04d}-{first if side == 'start' else first + 5:02d}"
        if self.kind == "y":
            return f"{y:04d}"
        return None  # a bare day has no value without a frequency

    @property
    def spans_months(self) -> bool:
        return self.kind in ("q", "half", "mspan", "qspan")


@functools.lru_cache(maxsize=4096)
def _with_year(term: _Term, year: int | None) -> _Term:
    return replace(term, y=year)


@functools.lru_cache(maxsize=4096)  # terms repeat ("tháng 12", "năm 2025"); a _Term is immutable
def _parse_term(s: str) -> _Term | None:
    s = re.sub(rf"^{_CLOCK}", "", s.strip(), flags=re.I)
    end_only = bool(re.match(r"(?:hết|cuối)\s+", s, re.I))
    s = re.sub(r"^(?:hết|cuối)\s+", "", s, flags=re.I)
    if re.fullmatch(_Y, s):
        return _Term("y", int(s))
    for kind, rx in _TERM_RES.items():
        m = rx.fullmatch(s)
        if not m:
            continue
        g = m.groupdict()
        q, q2 = (_quarter(g.get(k)) for k in ("q", "q2"))
        return _Term(kind, int(g["y"]) if g.get("y") else None,
                     int(g["m"]) if g.get("m") else None, int(g["d"]) if g.get("d") else None,
                     q, (g.get("h") or "").lower() or None,
                     has_day_word=kind != "dm" or bool(g.get("day_word")), end_only=end_only,
                     m2=int(g["m2"]) if g.get("m2") else None, q2=q2)
    return None


def _quarter(q: str | None) -> int | None:
    if not q:
        return None
    return int(q) if q.isdigit() else load_phrases()["roman_numerals"][q.upper()]


# --------------------------------------------------------------------------- phrase data

@functools.cache
def load_phrases() -> dict:
    data = load_yaml(PHRASES_FILE)
    for key in ("cues", "field_labels", "frequencies", "relative_limits", "exclusions", "roman_numerals"):
        if key not in data:
            raise ValueError(f"{PHRASES_FILE}: missing section {key!r}")
    return data


def _alt(phrases, tolerant: bool = False) -> str:
    """Regex alternation of plain phrases, longest first, spaces as any whitespace. With
    ``tolerant`` (the cues, which a date must follow) letters match their diacritic variants
    (OCR: "truớc ngày", "hằng thảng"); never for exclusions ("tính" is not "tỉnh")."""
    parts = sorted({p.strip() for p in phrases if p and p.strip()}, key=len, reverse=True)
    word = (lambda w: tolerant_letters(re.escape(w))) if tolerant else re.escape
    return "(?:" + "|".join(r"\s+".join(map(word, p.split())) for p in parts) + ")"


@functools.cache
def _freq_map() -> dict[str, str | None]:
    out = {}
    freqs = load_phrases()["frequencies"]
    for rec in (*RECURRENCES, "unspecified"):
        for p in freqs.get(rec, []):
            out[" ".join(p.lower().split())] = None if rec == "unspecified" else rec
    return out


@functools.cache
def _patterns() -> dict[str, re.Pattern]:
    data = load_phrases()
    cues = data["cues"]
    freq = _freq_map()
    unit_freq = _alt([p for p, r in freq.items() if r], tolerant=True)
    # Lead-in frequencies exclude bare "định kỳ" (no unit); tails may be joined by "của".
    tail = rf"(?P<freq>\s*,?\s*(?:của\s+)?{unit_freq}(?!\w))?"
    lead = rf"(?:(?P<lfreq>{unit_freq})\s*,?\s*)?"
    B = r"(?<![\w])"
    E = r"(?![\w])"
    point_cues = {k: _alt(cues[k]["phrases"], tolerant=True) for k in ("before", "until", "within")}
    point = "|".join(f"(?P<{k}>{v})" for k, v in point_cues.items())
    labels = _alt(data["field_labels"]["phrases"])
    bullet = r"(?:[-+•*–]\s*|\d+(?:\.\d+)*[.)]\s*|[a-zđ][)]\s*)*"
    return {
        "range": re.compile(
            rf"{B}{_alt(cues['from']['phrases'])}\s+(?P<a>{_TERM})\s*(?:{_alt(cues['range_joins'])})\s*"
            rf"(?P<b>{_TERM}|{_Y}(?!\d)){tail}{E}", re.I),
        "from": re.compile(
            rf"{B}{_alt(cues['from']['phrases'])}\s+(?P<a>{_TERM})\s*,?\s*{_alt(cues['continuations'])}{E}", re.I),
        "point": re.compile(rf"{B}{lead}(?:{point})\s+(?P<a>{_TERM}){tail}{E}", re.I),
        "field": re.compile(rf"{B}(?P<label>{labels})\s*:[\s*_]*(?P<a>{_TERM}){tail}{E}", re.I),
        "continuation": re.compile(rf"\s*,?\s*{_alt(cues['continuations'])}{E}", re.I),
        # "- Năm 2025 và các năm tiếp theo:" — a label whose period goes on
        "line_label": re.compile(
            rf"(?m)^[ \t]*{bullet}(?P<a>{_TERM})(?:\s*,?\s*{_alt(cues['continuations'])})?\s*:", re.I),
        # "- Năm 2023 - 2024: Kết nối …": a roadmap label spanning years
        "label_range": re.compile(
            rf"(?m)^[ \t]*{bullet}(?:năm|giai\s+đoạn)\s+(?P<a>{_Y})\s*[-–]\s*(?:năm\s+)?(?P<b>{_Y})\s*:", re.I),
        # "giai đoạn 2026 - 2030", "năm 2026 - 2027", "xuyên suốt 2025 - 2035": a span of years
        "year_span": re.compile(
            rf"{B}(?P<pre>{_alt(cues['span_openers'])}\s+)?(?P<kw>(?:giai\s+đoạn|năm)\s+)?(?P<a>{_Y})\s*[-–]\s*"
            rf"(?:năm\s+)?(?P<b>{_Y})(?!\d)(?:\s*,?\s*(?P<cont>{_alt(cues['continuations'])}){E})?", re.I),
        # "Thời gian: Quý IV/2025 - Quý II/2026" (a table's time cell): two terms of one kind
        "field_range": re.compile(rf"{B}(?:{labels})\s*:\s*(?P<a>{_TERM})\s*[-–]\s*(?P<b>{_TERM}){E}", re.I),
        "field_end": re.compile(rf"{B}{labels}\s*:[\s*_]*$", re.I),
        # "(2026 trở đi)" closing an item: a bare year that starts a period
        "bare_from": re.compile(rf"\(\s*(?:từ\s+)?(?:năm\s+)?(?P<a>{_Y})\s*,?\s*{_alt(cues['continuations'])}\s*\)", re.I),
        # "Thời gian thực hiện: Từ 01/7/2025.": a field whose value opens a period
        "field_from": re.compile(rf"{B}(?:{labels})\s*:[\s*_]*{_alt(cues['from']['phrases'])}\s+(?P<a>{_TERM})\s*(?:[.;]|$)", re.I),
        # "trong 02 tháng cuối năm 2025 (và những tháng đầu năm 2026)"
        "year_turn": re.compile(
            rf"{B}(?P<n>0?[1-9]|1[01])\s+tháng\s+cuối\s+năm\s+(?P<y>{_Y})"
            rf"(?:\s*,?\s*và\s+(?:những|các|mấy)\s+tháng\s+đầu\s+năm\s+(?P<y2>{_Y}))?{E}", re.I),
        "field_line": re.compile(rf"(?m){B}{labels}\s*:[ \t]*(?P<value>[^\n]*)", re.I),
        "relative": re.compile("|".join(f"(?:{p})" for p in data["relative_limits"]["patterns"]), re.I),
        "right_before": re.compile(rf"{B}{_alt(data['exclusions']['right_before'])}\s*,?\s*$", re.I),
        "in_clause": re.compile(rf"{B}{_alt(data['exclusions']['in_clause'])}{E}", re.I),
        "right_after": re.compile(rf"^\s*{_alt(data['exclusions']['right_after'])}{E}", re.I),
        "strong_cue": re.compile(rf"\s*{_alt(cues['before']['phrases'], tolerant=True)}{E}", re.I),
        "past_narration": re.compile(
            rf"{B}(?:(?P<past>{_alt(data['exclusions']['past_markers'])})|"
            rf"{_alt(data['exclusions']['past_blockers'])}){E}", re.I),
        "budget": re.compile(rf"{B}{_alt(data['exclusions']['budget_context'])}{E}", re.I),
        "citation_number": re.compile(data["exclusions"]["citation_number"]),
        "own_limit": re.compile(rf"{B}{_alt(data['exclusions']['own_limit_before'])}\s*,?\s*$", re.I),
        "freq": re.compile(rf"{B}{_alt(freq)}{E}", re.I),
        "next_year": re.compile(rf"\s*,?\s*{_alt(data['next_year'])}{E}", re.I),
        "per_unit": re.compile(rf"{B}{data['frequencies']['per_unit']['pattern']}{E}", re.I),
    }


@functools.lru_cache(maxsize=1024)
def _recurrence_of(phrase: str | None) -> str | None:
    if not phrase:
        return None
    p = " ".join(phrase.lower().replace(",", " ").split())
    p = re.sub(r"^của\s+", "", p)
    return _freq_map().get(p)


# --------------------------------------------------------------------------- find

def _mask_relative(text: str) -> str:
    """Blank out relative limits ("trong thời hạn 05 ngày làm việc …"), keeping offsets."""
    return _patterns()["relative"].sub(lambda m: "\x00" * len(m.group()), text)


_CLAUSE_BREAK = re.compile(r"[;\n]|\.\s|\(|\)")


_CLAUSE_WINDOW = 800


@functools.lru_cache(maxsize=4)
def _clause_breaks(text: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of the clause breaks of ``text`` (";", a line break, ". ", a bracket):
    found once per text, so the clause of every date is a bisection, not a rescan."""
    ms = list(_CLAUSE_BREAK.finditer(text))
    return [m.start() for m in ms], [m.end() for m in ms]


def _clause_start(text: str, pos: int, window: int = _CLAUSE_WINDOW) -> int:
    ends = _clause_breaks(text)[1]
    i = bisect.bisect_right(ends, pos) - 1
    return max(max(0, pos - window), ends[i] if i >= 0 else 0)


def _clause_prefix(text: str, pos: int, window: int = _CLAUSE_WINDOW) -> str:
    """Text from the start of the clause that holds ``pos`` up to ``pos`` (at most ``window``)."""
    return text[_clause_start(text, pos, window):pos]


@functools.lru_cache(maxsize=4)
def _found(name: str, text: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of every match of the pattern ``name`` in ``text``, found once."""
    ms = list(_patterns()[name].finditer(text))
    return [m.start() for m in ms], [m.end() for m in ms]


def _any_between(name: str, text: str, lo: int, hi: int) -> bool:
    """Does a match of the pattern ``name`` lie within ``text[lo:hi]``?"""
    starts, ends = _found(name, text)
    i = bisect.bisect_left(starts, lo)
    return i < len(starts) and ends[i] <= hi  # matches do not overlap: their ends are in order


def _clause_recurrence(text: str, start: int, end: int) -> str | None:
    """The frequency a date without its year takes from its clause: "Định kỳ 6 tháng, báo cáo
    … trước ngày 15 tháng 6 và ngày 15 tháng 12 hằng năm" → half_yearly (a frequency before
    the date first, else one after it)."""
    spans = _frequencies(text)  # found once per text, not once per date
    starts = _frequency_starts(text)
    first = _clause_start(text, start)
    i = bisect.bisect_right(starts, start)
    while i and spans[i - 1][0] >= first:  # the last frequency of the clause before the date
        i -= 1
        if spans[i][1] <= start:
            return spans[i][2]
    if first and text[first - 1] == "(":
        # "báo cáo … hằng năm (trước ngày 15 tháng 11)": the bracket dates the frequency before it
        j = bisect.bisect_right(starts, first - 1) - 1
        if j >= 0 and not text[spans[j][1]:first - 1].strip():
            return spans[j][2]
    limit = min(len(text), end + _CLAUSE_WINDOW)  # like the clause prefix: a bounded look
    breaks = _clause_breaks(text)[0]
    j = bisect.bisect_left(breaks, end)  # the first clause break after the date
    stop = breaks[j] if j < len(breaks) and breaks[j] < limit else limit
    for k in range(bisect.bisect_left(starts, end), len(spans)):
        s, e, rec = spans[k]
        if s >= stop:
            break
        if e <= stop:
            return rec
    return None


_QUOTE_OPEN, _QUOTE_CLOSE = "“«", "”»"
_QUOTED_TITLE_MAX = 250


def _in_quoted_title(text: str, start: int, end: int) -> bool:
    """Inside a quoted name on one line (Đề án “… đến năm 2030”): a title's period. Long
    quoted passages (an amended article) keep their limits."""
    lo = max(0, start - _QUOTED_TITLE_MAX)
    opened = max(text.rfind(q, lo, start) for q in _QUOTE_OPEN)
    if opened < 0 or max(text.rfind(q, opened, start) for q in _QUOTE_CLOSE) >= 0:
        return False
    hi = min(len(text), opened + _QUOTED_TITLE_MAX)
    closes = [i for i in (text.find(q, end, hi) for q in _QUOTE_CLOSE) if i >= 0]
    return bool(closes) and "\n" not in text[opened:min(closes)]


@functools.lru_cache(maxsize=4)
def _frequency_starts(text: str) -> list[int]:
    return [s for s, _, _ in _frequencies(text)]


@functools.lru_cache(maxsize=4)
def _frequencies(text: str) -> list[tuple[int, int, str]]:
    """(start, end, recurrence) of every frequency phrase of ``text``, in order."""
    out = []
    for m in _patterns()["freq"].finditer(text):
        if rec := _recurrence_of(m.group()):
            out.append((m.start(), m.end(), rec))
    return out


def _excluded(text: str, start: int, end: int) -> bool:
    """An effective date, a title's period or vision, a cut-off, or past time."""
    pats = _patterns()
    if _in_quoted_title(text, start, end):
        return True
    before = text[max(0, start - 40):start]
    if pats["right_before"].search(before):
        return True
    if _any_between("in_clause", text, _clause_start(text, start), start):
        return True
    return bool(pats["right_after"].match(text[end:end + 20]))


def _narrated_past(text: str, end: int) -> bool:
    """The date's clause goes on to tell what happened ("…, trên địa bàn tỉnh đã xảy ra
    mưa lớn"): the first past marker or obligation word after the date decides."""
    window = load_phrases()["exclusions"].get("past_window", 80)
    stop = _CLAUSE_BREAK.search(text, end, end + window)
    rest = text[end:stop.start() if stop else end + window]
    m = _patterns()["past_narration"].search(rest)
    return bool(m and m["past"])


def _not_after_year(vals, year: int | None) -> bool:
    """A period that ends no later than the document's year (a target years ahead, "Đến năm
    2030, 100% xã đã đạt chuẩn", keeps its limit whatever verb follows)."""
    latest = vals[1] or vals[0]
    return year is None or latest is None or int(latest[:4]) <= year


def _hit(text: str, start: int, end: int, s: str | None, e: str | None, rec: str | None):
    while end > start and text[end - 1] in " \t\n,;:.":
        end -= 1
    return DeadlineHit(start, end, text[start:end], s, e, rec)


def _point_values(cue: str, term: _Term, rec: str | None, year: int | None):
    if rec and term.y is None:
        # A repeating date: its values are left to the recurrence (contract: end null).
        return (None, None, rec)
    # (a date with its year does not repeat, whatever follows it: "năm 2025 hằng năm")
    if term.kind == "d" or (term.kind == "dm" and not term.has_day_word):
        return None  # "trước ngày 25" or "trước 3/4" with no frequency: no date
    t = term.with_year(year)
    end = t.iso("end")
    if end is None:
        return None
    # a quarter is done by its last month (corpus convention); a half-year or a span of
    # months or quarters gives its first month as well
    start = (t.iso("start") if cue == "within" and t.spans_months and t.kind != "q" and not t.end_only
             else None)
    return (start, end, None)


def _range_values(a: _Term, b: _Term, rec: str | None, year: int | None):
    if rec:
        return None
    if a.kind == "d" and b.m is not None:  # "từ ngày 01 đến ngày 15/10/2025"
        a = replace(a, kind="dm", m=b.m, y=a.y or b.y)
    if b.y is None:
        b = b.with_year(a.y if a.y is not None else year)
        if a.month_key and b.month_key and b.month_key < a.month_key:
            b = replace(b, y=b.y + 1)
    if a.y is None:
        a = a.with_year(b.y)
        if a.month_key and b.month_key and a.month_key > b.month_key:
            a = replace(a, y=a.y - 1)
    s, e = a.iso("start"), b.iso("end")
    if s is None or e is None:
        return None
    return (s, e, None)


def _candidates(text: str, masked: str, year: int | None) -> list[tuple[DeadlineHit, bool]]:
    """(hit, excluded) for every match. An excluded match still claims its text, so a
    shorter cue inside it ("đến năm 2025" in "giai đoạn từ năm 2021 đến năm 2025") is not
    read on its own."""
    pats = _patterns()
    out: list[tuple[DeadlineHit, bool]] = []

    def add(start: int, end: int, vals, cue_start: int | None = None) -> None:
        if vals:
            hit = _hit(text, start, end, *vals)
            # judged only if the hit is chosen (most overlapping candidates are not)
            out.append((hit, lambda: (_not_after_year(vals, year) and _narrated_past(text, end))
                        or _excluded(text, cue_start or start, end)))

    for m in pats["range"].finditer(masked):
        a, b = _parse_term(m["a"]), _parse_term(m["b"])
        add(m.start(), m.end(), a and b and _range_values(a, b, _recurrence_of(m["freq"]), year))
    for m in pats["from"].finditer(masked):
        a = _parse_term(m["a"])
        s = a and a.with_year(year).iso("start")
        add(m.start(), m.end(), s and (s, None, None))
    for m in pats["point"].finditer(masked):
        cue = next(k for k in ("before", "until", "within") if m[k])
        term = _parse_term(m["a"])
        if term and re.search(r"(?i)ngày$", m[cue]):  # "trước ngày 30/6": the cue holds "ngày"
            term = replace(term, has_day_word=True)
        rec = _recurrence_of(m["freq"]) or _recurrence_of(m["lfreq"])
        if term and term.y is None and not rec:
            rec = _clause_recurrence(masked, m.start(), m.end())
            if not rec and (nxt := pats["next_year"].match(masked, m.end())):
                term = replace(term, y=year + 1 if year else None)  # "… của năm sau"
        add(m.start(), m.end(), term and _point_values(cue, term, rec, year), m.start(cue))
    for m in pats["year_span"].finditer(masked):
        if int(m["a"]) >= int(m["b"]) or not (m["pre"] or _span_placed(masked, m)):
            continue
        end = None if m["cont"] else m["b"]
        add(m.start() if m["pre"] or m["kw"] else m.start("a"), m.end(), (m["a"], end, None))
    for m in pats["bare_from"].finditer(masked):
        add(m.start() + 1, m.end() - 1, (m["a"], None, None))
    for m in pats["field_from"].finditer(masked):
        a = _parse_term(m["a"])
        s = a and a.with_year(year).iso("start")
        add(m.start(), m.end(), s and (s, None, None))
    for m in pats["year_turn"].finditer(masked):
        n, y = int(m["n"]), m["y"]
        add(m.start(), m.end(), (f"{y}-{13 - n:02d}", m["y2"] or f"{y}-12", None))
    for m in pats["field_range"].finditer(masked):
        a, b = _parse_term(m["a"]), _parse_term(m["b"])
        if a and b and a.kind == b.kind:
            add(m.start("a"), m.end(), _range_values(a, b, None, year))
    for m in pats["label_range"].finditer(masked):
        if int(m["a"]) < int(m["b"]):
            out.append((_hit(text, _label_start(m), m.end("b"), m["a"], m["b"], None), False))
    for name in ("field", "line_label"):
        for m in pats[name].finditer(masked):
            term = _parse_term(m["a"])
            if term is None or (name == "line_label" and term.y is None):
                continue  # a label needs its year: "Ngày 5/6:" in minutes is no roadmap
            rec = _recurrence_of(m.groupdict().get("freq"))
            end = m.end("a") if name == "line_label" else m.end()
            if not rec and (cont := pats["continuation"].match(masked, m.end("a"))):
                # "Thời gian: Năm 2024 và các năm tiếp theo": a period that starts and goes on
                s = term.with_year(year).iso("start")
                add(m.start("a"), cont.end(), s and (s, None, None))
                continue
            add(m.start("a"), end, _point_values("within", term, rec, year))
    return out


_LABEL_END = re.compile(r"\s*(?::|[.;]?\s*$)")
_LINE_LEAD = re.compile(r"[ \t]*(?:[-+•*–]\s*|\d+(?:\.\d+)*[.)]\s*|[a-zđ][)]\s*)*\Z", re.I)


def _span_placed(text: str, m: re.Match) -> bool:
    """A span of years with no cue is a limit where it opens a line or item ("1. Giai đoạn
    2025 - 2030") or is a field's value ("Thời gian thực hiện: năm 2026 - 2027") — not inside
    a sentence, where it names a programme's period."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    before = text[line_start:m.start()]
    if before.rstrip().endswith("(") and text[m.end():m.end() + 3].lstrip().startswith(")"):
        return True  # "… tiến tới thí điểm (2025 - 2026)."
    if m["kw"] and _LINE_LEAD.match(before):
        line_end = text.find("\n", m.end())
        after = text[m.end():line_end if line_end >= 0 else len(text)]
        return bool(_LABEL_END.match(after))  # the label alone, or before its colon
    return bool(_patterns()["field_end"].search(before))


def _label_start(m: re.Match) -> int:
    """Where a roadmap label's words start ("Năm" in "- Năm 2023 - 2024:")."""
    return m.start() + len(m.group()) - len(m.group().lstrip(" \t-+•*–0123456789.)"))


def _select(cands: list[tuple[DeadlineHit, bool]]) -> list[DeadlineHit]:
    """Non-overlapping hits: the earliest first, the longest of those starting together;
    excluded matches take part, then are dropped. ``excluded`` may be a function, called
    for the chosen hits only."""
    chosen: list[tuple[DeadlineHit, bool]] = []
    for h, excluded in sorted(cands, key=lambda c: (c[0].start, -(c[0].end - c[0].start))):
        if chosen and h.start < chosen[-1][0].end:
            continue
        chosen.append((h, excluded))
    return [h for h, excluded in chosen if not (excluded() if callable(excluded) else excluded)]


def _widen_fields(text: str, hits: list[DeadlineHit]) -> list[DeadlineHit]:
    """A "Thời gian thực hiện: …" value holding exactly one limit becomes its text."""
    for m in _patterns()["field_line"].finditer(text):
        vs, ve = m.start("value"), m.end("value")
        while ve > vs and text[ve - 1] in " \t.;,":
            ve -= 1
        inside = [i for i, h in enumerate(hits) if vs <= h.start and h.end <= ve]
        if len(inside) == 1 and ve > vs:
            h = hits[inside[0]]
            hits[inside[0]] = DeadlineHit(vs, ve, text[vs:ve], h.start_date, h.end_date, h.recurrence)
    return hits


def find_deadlines(text: str, year: int | None = None) -> list[DeadlineHit]:
    """Every absolute time limit in ``text``, in order; ``year`` fills dates given without one.

    >>> [h.to_contract() for h in find_deadlines("báo cáo trước ngày 30/6", 2025)]
    [{'text': 'trước ngày 30/6', 'start': None, 'end': '2025-06-30', 'recurrence': None}]
    """
    if not text:
        return []
    masked = _mask_relative(text)
    return _widen_fields(text, _select(_candidates(text, masked, year)))


def find_recurrences(text: str) -> list[tuple[int, int, str | None]]:
    """Frequencies with no date: ``(start, end, recurrence)``; recurrence ``None`` for a bare
    "định kỳ". Budget cycles ("được phân bổ hàng năm") and frequencies that belong to a
    dated deadline ("trước ngày 25 hàng quý") are left out.
    """
    if not text:
        return []
    pats = _patterns()
    taken = [(h.start, h.end) for h in find_deadlines(text, None)]
    # a repeating date with no year in scope still owns its frequency
    taken += [(m.start(), m.end()) for m in pats["point"].finditer(text) if m["freq"] or m["lfreq"]]
    per_unit = load_phrases()["frequencies"]["per_unit"]
    found: list[tuple[int, int, str | None]] = []
    for m in pats["per_unit"].finditer(text):
        n = m["n"].lower()
        count = int(n) if n.isdigit() else per_unit["counts"].get(n)
        rec = per_unit["recurrence"].get(m["unit"].lower(), {}).get(count)
        if rec:
            found.append((m.start(), m.end(), rec))
    for m in pats["freq"].finditer(text):
        found.append((m.start(), m.end(), _recurrence_of(m.group())))
    out: list[tuple[int, int, str | None]] = []
    for s, e, rec in sorted(found, key=lambda x: (x[0], -(x[1] - x[0]))):
        if out and s < out[-1][1]:
            continue
        # inside a dated deadline, or a bare "định kỳ" that introduces one
        if any(ts <= s < te or (rec is None and not text[e:ts].strip() and ts >= e) for ts, te in taken):
            continue
        if pats["budget"].search(_clause_prefix(text, s)[-40:]):
            continue
        # "Định kỳ theo quy định hàng năm": the bare "định kỳ" takes the unit that follows.
        if out and out[-1][2] is None and rec and not _CLAUSE_BREAK.search(text, out[-1][1], s) \
                and s - out[-1][1] <= 30:
            out[-1] = (out[-1][0], e, rec)
            continue
        out.append((s, e, rec))
    return out


# --------------------------------------------------------------------------- section

def _citation_cut(ctx: Context) -> list[int]:
    """Offsets of citation mentions known from the citations section, if it ran."""
    if not ctx.citations:
        return []
    return sorted(sp.start for spans in ctx.citations.spans for sp in spans)


def _title_ranges(body: str, title: str | None) -> list[tuple[int, int]]:
    words = (title or "").split()
    if len(words) < 4:
        return []
    rx = re.compile(r"\s+".join(map(re.escape, words)), re.I)
    return [(m.start(), m.end()) for m in rx.finditer(body)]


def _in_cited_title(body: str, hit: DeadlineHit, cites: list[int]) -> bool:
    """A weak cue (đến, trong, vào, a period) in a clause that cites a numbered document
    reads as part of that document's title: "Quyết định số 2667/QĐ-BKHCN … đến năm 2025"."""
    if re.match(r"(?i)trước|chậm nhất|muộn nhất|không muộn|hạn", hit.text):
        return False
    clause_start = _clause_start(body, hit.start)
    colon = body.rfind(": ", clause_start, hit.start)  # "Về vốn theo Nghị quyết số X: UBND tỉnh … trong Quý I/2026"
    clause_start = colon + 2 if colon >= 0 else clause_start
    if _patterns()["own_limit"].search(body[max(clause_start, hit.start - 30):hit.start]):
        return False
    if _any_between("citation_number", body, clause_start, hit.start):
        return True
    i = bisect.bisect_left(cites, clause_start)
    return i < len(cites) and cites[i] < hit.start


_last_day = last_day  # the last day an ISO year, month or day covers


def is_past(hit, issued: str | None, year: int | None = None, *, keep_strong: bool = False) -> bool:
    """A period over before the document was issued is history, not a limit: with the issue
    date, the period's last day comes before it; with only its year, an earlier year. A
    limit set with a strong cue ("trước ngày 30/6/2025") in a letter issued just after it is
    still the letter's limit (a late letter), so there only the year counts — or nothing,
    with ``keep_strong`` (a task's own limit, whatever its year).
    ``hit`` is a DeadlineHit or a contract deadline dict."""
    get = (lambda k: hit.get(k)) if isinstance(hit, dict) else (
        lambda k: getattr(hit, {"end": "end_date", "start": "start_date", "text": "text"}[k]))
    latest = get("end") or get("start")
    if not latest or not get("end"):
        return False  # a period with no end ("Từ 01/7/2025", "năm 2024 và các năm tiếp theo") goes on
    strong = _patterns()["strong_cue"].match(get("text") or "")
    if strong and keep_strong:
        return False
    if issued and re.fullmatch(r"\d{4}-\d{2}-\d{2}", issued) and not strong:
        return _last_day(latest) < issued
    year = year or (int(issued[:4]) if issued else None)
    return bool(year and int(latest[:4]) < year)


@component("deadlines", requires=("text", "document", "citations"))
def extract_deadlines(ctx: Context) -> Section:
    """The document-wide ``deadlines``: every limit in the body, deduplicated by value."""
    body = ctx.text.body
    year = ctx.year
    cites = _citation_cut(ctx)
    titles = _title_ranges(body, (ctx.document or {}).get("title"))
    section = Section()
    index: dict[tuple, int] = {}
    found = [h for h in find_deadlines(body, year)
             if not (_in_cited_title(body, h, cites) or any(s <= h.start < e for s, e in titles))]
    for hit in sorted(found + _table_deadlines(ctx, found), key=lambda h: h.start):
        if is_past(hit, (ctx.document or {}).get("issued_date"), year):
            continue
        span = ctx.text.span(hit.start, hit.end)
        if hit.key in index:
            section.spans[index[hit.key]].append(span)
            continue
        index[hit.key] = len(section.items)
        section.items.append(hit.to_contract())
        section.spans.append([span])
    return section


# A deadline cell of a task table is the value of this field ("Quý III/2025" needs no cue).
TABLE_FIELD = "Thời gian thực hiện: "


def _table_deadlines(ctx: Context, found: list[DeadlineHit]) -> list[DeadlineHit]:
    """Time limits in the deadline column of task tables (extractors/tables.py) that the
    text scan did not read (a bare "Quý III/2025" has no cue)."""
    from .tables import find_tables

    out = []
    for table in find_tables(ctx):
        col = table.columns.get("deadline")
        for row in table.rows:
            cell = row.cell(col)
            if cell is None or cell.start < 0 or any(cell.start <= h.start < cell.end for h in found):
                continue
            for h in find_deadlines(TABLE_FIELD + cell.text, ctx.year)[:1]:
                out.append(DeadlineHit(cell.start, cell.end, cell.text, h.start_date, h.end_date, h.recurrence))
    return out
