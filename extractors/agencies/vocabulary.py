"""The agency vocabulary, compiled once: folding, aliases and abbreviations of national and
local bodies, kinds of bodies and their heads, plural groups, and the alternations matched
against a document's folded text (all from gazetteer/*.tsv)."""
from __future__ import annotations

import functools
import re

from dataclasses import dataclass, field

from gazetteer import load_tsv
from gazetteer.localities import DIVISIONS
from pipeline.core.vntext import casefold_vi, fold_chars, place_tones

from . import abbr


# OCR drops and swaps marks ("Môi truờng", "Cuc Thuế"), so names are also looked for
# without marks (bare). pipeline.core.vntext holds both; aliases, not wrappers (hot path).
fold = casefold_vi


bare = fold_chars


@functools.lru_cache(maxsize=65536)  # names repeat across mentions and documents
def _tidy(name: str) -> str:
    """One spelling: single spaces, `` - `` between words, tone placement fixed."""
    name = re.sub(r"\s*[-–]\s*", " - ", name)  # an en dash is the same joint
    name = re.sub(r"\s*,\s*", ", ", name)
    name = " ".join(name.split())
    return place_tones(name)


def _alias_re(alias: str) -> str:
    """A folded alias as a pattern tolerant of spacing around ``-`` and ``,``."""
    parts = []
    for tok in re.split(r"(\s*-\s*|\s*,\s*|\s+)", fold(_tidy(alias))):
        if not tok:
            continue
        if tok.strip() == "-":
            parts.append(r"\s*-\s*")
        elif tok.strip() == ",":
            parts.append(r"\s*,?\s*")
        elif tok.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(tok))
    return "".join(parts)


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

    g.national_re = re.compile(_W + "(" + _alternation(_alias_re(a) for a in g.national) + ")" + _WE)
    g.national_abbr_re = re.compile(
        _ABBR_START + "(" + _alternation(re.escape(a) for a in g.national_abbr) + ")" + _ABBR_END)
    g.local_re = re.compile(_W + "(" + _alternation(_alias_re(a) for a in g.local) + ")" + _WE)
    g.local_abbr_re = re.compile(
        _ABBR_START + "(" + _alternation(re.escape(a) for a in g.local_abbr) + ")" + _ABBR_END)
    # Heads of kinds named by a division word, a designator, or bare (not unit, not listed).
    compound = [h for h, k in g.kind_heads.items() if g.kinds[k]["naming"] not in ("unit", "listed")]
    g.compound_re = re.compile(_W + "(" + _alternation(_alias_re(h) for h in compound) + ")" + _WE)
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
    g.bare_re = re.compile(_W + "(" + _alternation(_alias_re(b) for b in g.bare_keys) + ")" + _WE)
    return g


@functools.cache
def _sector_re() -> re.Pattern:
    """The domain part of every Sở's name and alias ("tài nguyên và môi trường")."""
    domains = [k[3:] for k in gazetteer().local if k.startswith("sở ")]
    return re.compile("(" + _alternation(_alias_re(d) for d in domains) + ")" + _WE)


def _alias_key(matched: str, table: dict) -> str:
    """The table key of a matched alias (the pattern tolerates spacing and commas)."""
    key = fold(_tidy(matched))
    if key in table:
        return key
    squeezed = re.sub(r"\s*,\s*", " ", key)
    return next((k for k in table if re.sub(r"\s*,\s*", " ", k) == squeezed), key)


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
