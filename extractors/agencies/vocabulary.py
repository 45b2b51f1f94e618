"""The agency vocabulary, compiled once: folding, aliases and abbreviations of national and
local bodies, kinds of bodies and their heads, plural groups, and the alternations matched
against a document's folded text (all from gazetteer/*.tsv)."""
from __future__ import annotations

import bisect
import functools
import re

from dataclasses import dataclass, field

from gazetteer import load_tsv
from gazetteer.localities import DIVISIONS
from pipeline.core.vntext import casefold_document, casefold_vi, fold_chars, fold_document, place_tones

from . import abbr


# OCR drops and swaps marks ("Môi truờng", "Cuc Thuế"), so names are also looked for
# without marks (bare). pipeline.core.vntext holds both; a whole text is folded once per
# document however many readers fold it (the scan, the analysis), a name each time.
_LONG = 4096


def fold(text: str) -> str:
    return casefold_document(text) if len(text) > _LONG else casefold_vi(text)


def bare(text: str) -> str:
    return fold_document(text) if len(text) > _LONG else fold_chars(text)


@functools.lru_cache(maxsize=65536)  # names repeat across mentions and documents
def _tidy(name: str) -> str:
    """One spelling: single spaces, `` - `` between words, tone placement fixed."""
    name = re.sub(r"\s*[-–]\s*", " - ", name)  # an en dash is the same joint
    name = re.sub(r"\s*,\s*", ", ", name)
    name = " ".join(name.split())
    return place_tones(name)


def _alias_tokens(alias: str) -> list[str]:
    """A folded alias in pieces: words, and the joints " " (any blanks), "-" and "," between."""
    out = []
    for tok in re.split(r"(\s*-\s*|\s*,\s*|\s+)", fold(_tidy(alias))):
        if tok:
            out.append(tok.strip() or " " if tok.strip() in ("-", ",", "") else tok)
    return out


# How a joint may be printed, once a text's blanks are collapsed to one space.
_JOINT_PATTERN = {" ": r"\s+", "-": r"\s*-\s*", ",": r"\s*,?\s*"}
_JOINT_FORMS = {" ": (" ",), "-": ("-", " -", "- ", " - "), ",": ("", " ", ",", " ,", ", ", " , ")}


def _alias_re(alias: str) -> str:
    """A folded alias as a pattern tolerant of spacing around ``-`` and ``,``."""
    return "".join(_JOINT_PATTERN.get(tok) or re.escape(tok) for tok in _alias_tokens(alias))


def _alias_forms(alias: str) -> list[str]:
    """Every way :func:`_alias_re` matches the alias in a text whose blanks are collapsed."""
    forms = [""]
    for tok in _alias_tokens(alias):
        forms = [f + j for f in forms for j in _JOINT_FORMS.get(tok, (tok,))]
    return forms


_WORD_CHAR = re.compile(r"[\w&]")
_BLANK_RUNS = re.compile(r"\s\s+")
_ODD_BLANKS = re.compile(r"\s\s+|[^\S ]")  # what differs from one space


@functools.lru_cache(maxsize=4)
def _collapsed(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` with every run of blanks made one space, and where the runs that shrank
    stand in it (offsets) with the total shrink after each: a position maps back."""
    at, shrink = [], []
    total = 0
    for m in _BLANK_RUNS.finditer(text):
        at.append(m.start() - total)
        total += m.end() - m.start() - 1
        shrink.append(total)
    return _ODD_BLANKS.sub(" ", text), at, shrink


class _Names:
    """``_W (alias|alias|…) _WE`` over folded aliases, as one Aho-Corasick automaton: the same
    matches as the alternation's ``finditer`` (leftmost, then the first alias in its order),
    in time linear in the text instead of one try of every alias at every position."""

    def __init__(self, aliases):
        import ahocorasick

        self.order = sorted(((_alias_re(a), a) for a in aliases), key=lambda pa: len(pa[0]), reverse=True)
        self.automaton = ahocorasick.Automaton()
        for i, (_, alias) in enumerate(self.order):
            for form in _alias_forms(alias):
                if form not in self.automaton:  # two aliases printed alike end alike: either
                    self.automaton.add_word(form, (i, len(form)))
        self.automaton.make_automaton()

    def pattern(self) -> str:
        return _W + "(" + "|".join(p for p, _ in self.order) + ")" + _WE

    def finditer(self, text: str) -> list["_Hit"]:
        collapsed, at, shrink = _collapsed(text)

        def back(pos: int) -> int:
            i = bisect.bisect_left(at, pos)
            return pos + (shrink[i - 1] if i else 0)

        best: dict[int, tuple[int, int]] = {}  # start → (alias order, end)
        for last, (i, length) in self.automaton.iter(collapsed):
            start, end = back(last - length + 1), back(last) + 1
            if _WORD_CHAR.match(text, end):
                continue  # _WE
            if start not in best or i < best[start][0]:
                best[start] = (i, end)
        out, reach = [], 0
        for start in sorted(best):
            if start < reach or (start and _WORD_CHAR.match(text, start - 1)):
                continue  # inside the previous match, or _W
            end = best[start][1]
            out.append(_Hit(text, start, end))
            reach = end
        return out


_OPENING_LENGTH = 12  # a beginning this long is rare enough


def _openings(items, rest=()) -> set[str] | None:
    """The literal beginnings one of which every match of a parsed pattern ``items`` (then
    ``rest``) opens with; None when a match may open otherwise (a class, a flag, an empty
    branch). Zero-width assertions are passed over: they do not move the start."""
    from re import _constants as C  # noqa: N812 - the parser's own op names

    items = list(items)
    for n, (op, av) in enumerate(items):
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue
        after = items[n + 1:] + list(rest)
        if op is C.LITERAL:
            word = ""
            for op2, av2 in items[n:]:
                if op2 is not C.LITERAL:
                    break
                word += chr(av2)
            if len(word) >= _OPENING_LENGTH:
                return {word}
            tail = _openings(items[n + len(word):], rest)  # longer beginnings: fewer tries
            return {word + w for w in tail} if tail and len(tail) <= 16 else {word}
        if op is C.SUBPATTERN:
            if av[1] or av[2]:
                return None  # flags inside: case may not matter
            return _openings(av[3], after)
        if op is C.BRANCH:
            out = set()
            for branch in av[1]:
                sub = _openings(branch, after)
                if sub is None:
                    return None
                out |= sub
            return out
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            body = _openings(av[2])
            if body is None:
                return None
            if av[0] > 0:
                return body
            tail = _openings(after)
            return None if tail is None else body | tail
        return None
    return None  # a pattern that may match the empty string


class _Openings:
    """Patterns scanned together: each is tried only where one of its literal beginnings
    stands (found for all of them in one automaton pass), which finds the same matches as
    its ``finditer`` when every match opens with one (else it is scanned as it is)."""

    def __init__(self, patterns: list[re.Pattern]):
        import ahocorasick
        from re import _parser

        self.patterns = patterns
        self.automaton = ahocorasick.Automaton()
        self.whole: list[int] = []  # patterns scanned as they are
        for i, p in enumerate(patterns):
            words = None if p.flags & re.IGNORECASE else _openings(_parser.parse(p.pattern, p.flags))
            if not words or "" in words:
                self.whole.append(i)
                continue
            for w in words:
                if w not in self.automaton:
                    self.automaton.add_word(w, (len(w), []))
                self.automaton.get(w)[1].append(i)
        if len(self.automaton):
            self.automaton.make_automaton()

    def each(self, text: str) -> list:
        """For each pattern, in order, its matches in ``text``."""
        starts: list[set[int]] = [set() for _ in self.patterns]
        if len(self.automaton):
            for last, (length, owners) in self.automaton.iter(text):
                for i in owners:
                    starts[i].add(last - length + 1)
        out = []
        for i, p in enumerate(self.patterns):
            out.append(list(p.finditer(text)) if i in self.whole else list(_matches_at(p, text, sorted(starts[i]))))
        return out


@functools.lru_cache(maxsize=None)
def _openings_of(pattern: re.Pattern) -> _Openings:
    return _Openings([pattern])


def scan(pattern: re.Pattern, text: str) -> list[re.Match]:
    """``pattern.finditer(text)``, tried only where one of its literal beginnings stands."""
    return _openings_of(pattern).each(text)[0]


def _matches_at(pattern: re.Pattern, text: str, starts):
    """``pattern.finditer(text)`` when every match opens at one of ``starts`` (increasing)."""
    end = 0
    for at in starts:
        if at < end:
            continue
        m = pattern.match(text, at)
        if m:
            yield m
            end = max(m.end(), at + 1)


class _Hit:
    """What the passes read of a match: its span and text (``group(1)`` is the name)."""

    __slots__ = ("string", "_start", "_end")

    def __init__(self, string: str, start: int, end: int):
        self.string, self._start, self._end = string, start, end

    def start(self, group: int = 0) -> int:
        return self._start

    def end(self, group: int = 0) -> int:
        return self._end

    def span(self, group: int = 0) -> tuple[int, int]:
        return self._start, self._end

    def group(self, group: int = 0) -> str:
        return self.string[self._start:self._end]


_W = r"(?<![\w&])"           # word start


_WE = r"(?![\w&])"           # word end


_ABBR_START = r"(?<![\w&/\-.])"  # an abbreviation is not a piece of a document number


_ABBR_END = r"(?![\w&/\-])"


_DIV_WORDS = sorted(DIVISIONS, key=len, reverse=True)


_DIV_ALT = "|".join(re.escape(d) for d in _DIV_WORDS)


# Division words compiled once (hot: read after every head and inside every name).
_DIV_AT = re.compile(r"(?:" + _DIV_ALT + r")(?![\w])")
_SP_DIV = re.compile(r"[^\S\n]+(" + _DIV_ALT + r")" + _WE)
_LINK_DIV = re.compile(r"[^\S\n]+(của|cấp)(?=[^\S\n]+(?:" + _DIV_ALT + r")" + _WE + ")")
_DIV_BEFORE = re.compile(r"(?:^|[^\w])(?:" + _DIV_ALT + r")\s*$")
_SCOPE_WORD = re.compile(r"[^\S\n]+(?:cấp|các|" + _DIV_ALT + r")" + _WE)
_MEMBER_NEXT = re.compile(r"[^\S\n]*(?:,|và(?![\w]))(?:[^\S\n]*(?:" + _DIV_ALT + r")(?![\w]))?")
_COUNCIL_DIV = re.compile(r"(?:hội đồng nhân dân|hđnd)[^\S\n]+(" + _DIV_ALT + r")" + _WE)
_TIERS = {"province": 0, "district": 1, "commune": 2}


# A body named as serving a region or the nation, not the issuer's locality.
_NATIONAL_WORDS = re.compile(r"(?<!\w)(?:vùng|trung ương|quốc gia)(?!\w)")


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


def _abbr_variants(abbr: str) -> set[str]:
    """``TCĐLCL`` also as ``TCDLCL`` (Đ lost in rendering)."""
    return {abbr, abbr.replace("Đ", "D").replace("đ", "d")}


@dataclass
class _Gaz:
    national: dict[str, str] = field(default_factory=dict)       # folded alias → name
    national_abbr: dict[str, str] = field(default_factory=dict)  # exact abbreviation → name
    local: dict[str, tuple[str, str]] = field(default_factory=dict)      # folded alias → (name, kind)
    local_abbr: dict[str, tuple[str, str]] = field(default_factory=dict)
    kinds: dict[str, dict] = field(default_factory=dict)
    kind_heads: dict[str, str] = field(default_factory=dict)    # folded head → kind
    kind_abbr: dict[str, str] = field(default_factory=dict)     # exact head → kind
    kind_alts: dict[str, list[str]] = field(default_factory=dict)  # head shared by kinds → kinds
    groups: list[tuple[str, re.Pattern, str, str]] = field(default_factory=list)
    shorthands: list[tuple[str, re.Pattern]] = field(default_factory=list)  # (group, head words)
    national_re: re.Pattern | None = None
    national_abbr_re: re.Pattern | None = None
    local_re: re.Pattern | None = None
    local_abbr_re: re.Pattern | None = None
    compound_re: re.Pattern | None = None
    compound_abbr_re: re.Pattern | None = None
    # Mark-less forms of multi-word names and heads → their folded key (OCR tolerance).
    bare_keys: dict[str, str] = field(default_factory=dict)
    bare_re: re.Pattern | None = None
    # An abbreviation two rows share (a body renamed) → [(name, valid_to)] of the older rows.
    abbr_before: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # The four alternations of names above as automata, for scanning whole texts (the
    # patterns serve to read a name at a known position).
    group_scan: "_Openings | None" = None  # the patterns of groups, then of shorthands
    national_names: "_Names | None" = None
    local_names: "_Names | None" = None
    compound_names: "_Names | None" = None
    bare_names: "_Names | None" = None

    def abbr_as_of(self, abbr: str, date: str | None) -> str:
        """The body an abbreviation meant on ``date`` ("VCCI" in 2019: Phòng Thương mại và
        Công nghiệp Việt Nam; after its 2025 renaming, the Liên đoàn)."""
        for name, until in sorted(self.abbr_before.get(abbr, ()), key=lambda r: r[1]):
            if date and date < until:
                return name
        return self.national_abbr[abbr]


def _alternation(keys) -> str:
    return "|".join(sorted(keys, key=len, reverse=True))


@functools.cache
def _domain_abbrs() -> list[tuple[str, str]]:
    """(folded expansion, abbreviation) of the domains of abbreviations.tsv, longest first."""
    rows = [(fold(_tidy(r["expansion"])), r["abbr"]) for r in load_tsv("abbreviations.tsv")
            if r["category"] == "domain"]
    return sorted(rows, key=lambda r: -len(r[0]))


def _with_domain_abbrs(alias: str) -> set[str]:
    """A name with any one of its domains abbreviated ("Phòng Nông nghiệp và PTNT")."""
    key = fold(_tidy(alias))
    out = {key}
    for exp, abbr in _domain_abbrs():
        if len(exp.split()) < 2:
            continue
        m = re.search(r"(?<!\w)" + re.escape(exp) + r"(?!\w)", key)
        if m and m.start() > 0:  # never the head itself
            out.add(key[:m.start()] + fold(abbr) + key[m.end():])
    return out


@functools.cache
def gazetteer() -> _Gaz:
    g = _Gaz()
    for row in load_tsv("agencies.tsv", required=("name", "kind", "level", "aliases", "abbreviations")):
        name = row["name"]
        for alias in [name, *_split(row["aliases"])]:
            for key in _with_domain_abbrs(alias):
                g.national.setdefault(key, name)
        for abbr in _split(row["abbreviations"]):
            for v in _abbr_variants(abbr):
                if row.get("valid_to"):  # a former name: by date only (abbr_as_of)
                    g.abbr_before.setdefault(v, []).append((name, row["valid_to"]))
                    g.national_abbr.setdefault(v, name)
                else:
                    g.national_abbr[v] = name
    for row in load_tsv("local_agencies.tsv", required=("name", "kind", "levels", "aliases", "abbreviations")):
        entry = (row["name"], row["kind"])
        for alias in [row["name"], *_split(row["aliases"])]:
            for key in _with_domain_abbrs(alias):
                g.local.setdefault(key, entry)
        for abbr in _split(row["abbreviations"]):
            for v in _abbr_variants(abbr):
                g.local_abbr[v] = entry
    for row in load_tsv("body_kinds.tsv", required=("kind", "heads", "canonical", "levels", "naming")):
        row = dict(row, levels=set(_split(row["levels"])))
        g.kinds[row["kind"]] = row
        for head in _split(row["heads"]):
            if re.fullmatch(r"[A-ZĐ][A-ZĐ&\-]*(?: [A-ZĐ][A-ZĐ&\-]*)*", head):
                key, table = head, g.kind_abbr
            else:
                key, table = fold(_tidy(head)), g.kind_heads
            g.kind_alts.setdefault(key, []).append(row["kind"])
            table.setdefault(key, row["kind"])
    for row in load_tsv("groups.tsv", required=("name", "pattern", "condition", "scope")):
        g.groups.append((row["name"], re.compile(row["pattern"]), row["condition"], row["scope"]))
        if row.get("shorthand"):
            g.shorthands.append((row["name"], re.compile(_W + _alias_re(row["shorthand"]) + _WE)))

    g.group_scan = _Openings([r for _, r, _, _ in g.groups] + [r for _, r in g.shorthands])
    g.national_names = _Names(g.national)
    g.national_re = re.compile(g.national_names.pattern())
    g.national_abbr_re = re.compile(
        _ABBR_START + "(" + _alternation(re.escape(a) for a in g.national_abbr) + ")" + _ABBR_END)
    g.local_names = _Names(g.local)
    g.local_re = re.compile(g.local_names.pattern())
    g.local_abbr_re = re.compile(
        _ABBR_START + "(" + _alternation(re.escape(a) for a in g.local_abbr) + ")" + _ABBR_END)
    # Heads of kinds named by a division word, a designator, or bare (not unit, not listed).
    compound = [h for h, k in g.kind_heads.items() if g.kinds[k]["naming"] not in ("unit", "listed")]
    g.compound_names = _Names(compound)
    g.compound_re = re.compile(g.compound_names.pattern())
    cabbr = [h for h, k in g.kind_abbr.items() if g.kinds[k]["naming"] not in ("unit", "listed")]
    # Abbreviated heads match case-sensitively in the unfolded text ("TT HĐND", "Đài PTTH").
    g.compound_abbr_re = re.compile(
        _ABBR_START + "(" + _alternation(r"\s+".join(map(re.escape, h.split())) for h in cabbr) + ")"
        + _ABBR_END) if cabbr else None
    # Names of three words or more (heads of two or more) are distinctive enough to be
    # matched without their marks; the same key is then resolved as if matched exactly.
    for key in [*g.national, *g.local, *[h for h in g.kind_heads if g.kinds[g.kind_heads[h]]["naming"]
                                         not in ("unit", "listed")]]:
        words = len(key.split())
        if words >= 3 or (words == 2 and key in g.kind_heads):
            g.bare_keys.setdefault(bare(key), key)
    g.bare_names = _Names(g.bare_keys)
    g.bare_re = re.compile(g.bare_names.pattern())
    return g


@functools.cache
def _sector_re() -> re.Pattern:
    """The domain part of every Sở's name and alias ("tài nguyên và môi trường")."""
    domains = [k[3:] for k in gazetteer().local if k.startswith("sở ")]
    return re.compile("(" + _alternation(_alias_re(d) for d in domains) + ")" + _WE)


def _alias_key(matched: str, table: dict) -> str:
    """The table key of a matched alias (the pattern tolerates spacing and commas)."""
    memo = _squeezed_keys(table)[1]  # a name printed again is keyed once
    if matched not in memo:
        if len(memo) > 65536:
            memo.clear()
        key = fold(_tidy(matched))
        memo[matched] = key if key in table else _squeezed_keys(table)[0].get(_squeeze(key), key)
    return memo[matched]


def _squeeze(key: str) -> str:
    return re.sub(r"\s*,\s*", " ", key)


_SQUEEZED: dict[int, tuple[dict, int, dict[str, str], dict[str, str]]] = {}


def _squeezed_keys(table: dict) -> tuple[dict[str, str], dict[str, str]]:
    """A table's keys by their form without commas (the first key of each form), built once
    per table (not a scan of the table per name matched with a comma left out), and the keys
    of the names matched so far."""
    cached = _SQUEEZED.get(id(table))
    if cached is None or cached[0] is not table or cached[1] != len(table):
        index: dict[str, str] = {}
        for k in table:
            index.setdefault(_squeeze(k), k)
        cached = _SQUEEZED[id(table)] = (table, len(table), index, {})
    return cached[2], cached[3]


@functools.cache
def _local_levels() -> dict[str, set[str]]:
    return {r["name"]: set(_split(r["levels"])) for r in load_tsv("local_agencies.tsv")}


@functools.cache
def _listed_heads() -> re.Pattern:
    """Heads of kinds named by a name of their own ("Sở", "Trường", "Bệnh viện" …)."""
    heads = [h for r in load_tsv("body_kinds.tsv") if r["naming"] == "listed" for h in _split(r["heads"])]
    # "Chi Cục" printed with a capital is the head "Chi cục", not "Cục" after a stray word
    heads += [h.title() for h in heads if h.title() != h]
    return re.compile(r"(?<![\w&])(" + "|".join(sorted(map(re.escape, heads), key=len, reverse=True))
                      + r")(?=[^\S\n]+[A-ZĐÀ-Ỹ])")


@functools.cache
def _listed_head_forms() -> dict[str, str]:
    """Folded listed head → the head as names print it ("chi cục" → "Chi cục")."""
    return {fold(h): h for r in load_tsv("body_kinds.tsv") if r["naming"] == "listed" for h in _split(r["heads"])}


@functools.cache
def _domain_expansions() -> dict[str, str]:
    return {r["abbr"]: r["expansion"] for r in load_tsv("abbreviations.tsv") if r["category"] == "domain"}


def _same_head(g: _Gaz, head: str) -> list[str]:
    """Known local names under ``head`` (folded), listed once per gazetteer and head."""
    cache = g.__dict__.setdefault("_same_head", {})
    if head not in cache:
        cache[head] = [k for k in g.local if k.startswith(head + " ")]
    return cache[head]


_CAP_TIER = {"tỉnh": "province", "huyện": "district", "xã": "commune"}
