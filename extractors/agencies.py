"""Agencies: every body a document names, once per canonical name and locality.

The text is scanned once (cached on the Context) by patterns compiled from the gazetteer:
national bodies (``agencies.tsv``), named local bodies (``local_agencies.tsv``), kinds of
local bodies and how each is named (``body_kinds.tsv``), plural groups (``groups.tsv``),
People's Committees and their groups ("UBND các tỉnh, TP trực thuộc TW", "HĐND, UBND xã",
"UBND cấp huyện, cấp xã"), bodies named by capitalisation alone ("Trường Tiểu học X", cut at
the words of ``name_stops.tsv``), and the same names with OCR-damaged marks (matched on a
mark-less copy of the text). Overlapping candidates are settled by length, then pass order.
Each mention then gets its canonical name (full, no abbreviation, division word dropped
where the kind's naming says so) and locality (the issuer's unless the text names another,
or the kind does not exist at the issuer's level — a commune has no Sở; a ministry's
document names local bodies of no single province: null). A mention never crosses a line.

Public API: :func:`extract_agencies`, :func:`find_agencies`, :func:`canonical_agency`.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from gazetteer import load_tsv
from extractors import agency_abbr as abbr
from gazetteer.localities import DIVISIONS, lookup_unit, candidates
from pipeline.core.models import Context, Section
from pipeline.core.vntext import casefold_vi, fold_chars, place_tones
from extractors.registry import component

from .intervals import Disjoint, Union

# ----------------------------------------------------------------------------------------
# Folding: lower case with the contract's tone placement, same length as the text, so
# offsets found in the folded text are offsets in the text.

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
_TIERS = {"province": 0, "district": 1, "commune": 2}

# Open-ended tail: "các sở, ngành, đơn vị có liên quan" is never an agency.
_OPEN_TAIL = re.compile(
    r"(?:\s*(?:,|và)\s*(?:các\s+)?(?:đơn vị|cơ quan|tổ chức|địa phương|ban|ngành|sở|phòng))*"
    r"(?:\s+\w+){0,2}?\s*(?:có\s+)?liên quan\b")
# A restrictive qualifier that makes a subgroup ("UBND các huyện triển khai thí điểm").
_QUALIFIER = re.compile(r"[^\S\n]+((?:được[^\S\n]+|triển khai[^\S\n]+|tham gia[^\S\n]+|áp dụng[^\S\n]+)?thí điểm)\b")
# Headings and lead-ins that assign duties to the group that follows.
_ASSIGN_PREFIX = re.compile(
    r"\s*(?:(?:[-+•*]|(?:[ivxlc]+|\d+|[a-zđ])[.)]|\d+(?:\.\d+)+\.?)\s*)*"
    r"(?:đối với\s+|giao\s+|đề nghị\s+|yêu cầu\s+)?")
# Media named as a channel ("tuyên truyền trên Cổng thông tin điện tử xã") are not recipients.
_CHANNEL_BEFORE = re.compile(r"(?:trên|qua|hệ thống|tại)\s+$")
# A citation head, whose trích yếu follows: groups named in it are not this document's.
_CITATION_HEAD = re.compile(
    r"(?:nghị định|quyết định|thông tư(?: liên tịch)?|công văn|kế hoạch|chỉ thị|nghị quyết|"
    r"chương trình|hướng dẫn|thông báo|đề án|văn bản)\s+(?:số\s+)?\d+[^\s,;]*")
_TITLE_END = re.compile(r";|\.(?=\s|$)|:|\n[^\S\n]*\n|\n(?=[^\S\n]*(?:[-+•*|]|\d+[.)]|[a-zđ]\)|[IVX]+\.))|,\s+(?=[A-ZĐÀ-Ỹ])")
_TITLE_MAX = 400
# Where a sentence turns from the cited title to what this document asks of a body.
_TITLE_STOP = re.compile(r"(?:,[^\S\n]*|\s)(?:đề nghị|yêu cầu|giao|chỉ đạo|ủy ban nhân dân (?:tỉnh|thành phố|xã|phường) ban hành)\s")
# The issuer of a cited document ("… ngày 23/11/2005 của Ủy ban nhân dân tỉnh"): a body of its own.
_ISSUER_BEFORE = re.compile(r"(?:của|do|giữa|và)\s+(?:(?:bộ trưởng|thủ trưởng|chủ tịch|tổng cục trưởng|"
                            r"cục trưởng|giám đốc|tổng giám đốc|thống đốc|trưởng ban|chánh án|viện trưởng)\s+)?$")
# "Ban chỉ đạo ISO tại các cơ quan": one such body in each of many, not a body.
_DISTRIBUTIVE = re.compile(r"[^\S\n]+(?:tại|của|ở|trong)[^\S\n]+(?:các|mỗi|từng)\s")
_POSITION_VP = re.compile(
    r"(?:(?:cvp|pcvp|chánh văn phòng|phó chánh văn phòng)(?:\s*,\s*|\s+và\s+|\s+)(?:các\s+)?)+$")
# "cơ quan thuộc Chính phủ": a category named after its parent, not the parent acting.
_CATEGORY_OF = re.compile(r"(?:cơ quan|đơn vị)\s+(?:trực\s+)?thuộc\s+$")
# After a group's head words: an open or other set, not the group named before.
_SHORTHAND_NOT = re.compile(r"[^\S\n]*(?:,[^\S\n]*)?(?:khác|có liên quan|liên quan|cá nhân|và cá nhân)\b")
# A body named as serving a region or the nation, not the issuer's locality.
_NATIONAL_WORDS = re.compile(r"(?<!\w)(?:vùng|trung ương|quốc gia)(?!\w)")
_ADDRESS_UNITS = ("Vụ ",)
_ADDRESS_BEFORE = re.compile(r"\([^\S\n]*(?:qua[^\S\n]+)?$", re.I)
_LAW_PREFIX = re.compile(r"luật (?:tổ chức|sửa đổi[^;]{0,80}?)\s+$")


# ----------------------------------------------------------------------------------------
# Gazetteer, compiled once


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


# ----------------------------------------------------------------------------------------
# Where the document stands


@dataclass
class _Place:
    locality: str | None
    kind: str | None          # division word of the issuer's unit: "tỉnh", "thành phố", "xã"
    tier: str | None          # province | district | commune | national
    parent: str | None        # the province of a commune
    parent_kind: str | None
    issuer: str | None        # issuer's name
    date: str | None


_ISSUER_UNIT = re.compile(r"(?:Ủy ban nhân dân|Hội đồng nhân dân)\s+(" + _DIV_ALT + r")\s+(.+)$", re.I)


def _place(ctx: Context) -> _Place:
    doc = ctx.document or {}
    issuer = doc.get("issuer") or {}
    name = issuer.get("name") if isinstance(issuer, dict) else None
    locality = ctx.locality or (issuer.get("locality") if isinstance(issuer, dict) else None)
    date = doc.get("issued_date")
    kind = None
    if name:
        name = _tidy(name)
        m = _ISSUER_UNIT.search(name)
        if m:
            kind = m.group(1).lower()
            # The header may hand over a place with layout residue ("Nghĩa Đàn Cộng Hòa …")
            # or in capitals: the longest leading run of words that is a known unit wins.
            unit = _unit_prefix(m.group(2), kind, date)
            if unit is not None:
                head = "Ủy ban nhân dân" if fold(name).startswith("ủy") else "Hội đồng nhân dân"
                name = f"{head} {kind} {unit.name}"
                if not locality or lookup_unit(locality, date) is None or fold(locality) != fold(unit.name):
                    locality = unit.name
            else:
                locality = locality or m.group(2).strip()
        head_m = re.match(r"(Ủy ban nhân dân|Hội đồng nhân dân)\s+(.+)$", name, re.I)
        if head_m and (not m or lookup_unit(locality or "", date) is None):
            # Two letterhead columns read across ("Ủy ban nhân dân Cong Hoa Xa Hoi … Tinh Lam
            # Dong"): the unit is the last division word followed by a known place.
            inside = _unit_inside(head_m.group(2), date)
            if inside:
                kind, unit = inside
                name, locality = f"{_tidy(head_m.group(1)).capitalize()} {kind} {unit.name}", unit.name
    if locality and lookup_unit(locality, date) is None:
        unit = _unit_prefix(locality, kind, date)
        if unit is None and _unit_inside(locality, date):
            kind, unit = _unit_inside(locality, date)
        locality = unit.name if unit else locality
    if locality and not kind:
        unit = lookup_unit(locality, date)
        kind = unit.kind if unit else None
    tier = ctx.level if ctx.level in ("province", "district", "commune", "national") else None
    if tier is None and kind:
        tier = DIVISIONS.get(kind)
    if tier is None and locality is None:
        tier = "national" if name else None
    parent = ctx.parent_locality
    if tier == "commune" and locality and not parent:
        parent = _infer_parent(locality, kind, ctx.text.text)
    if tier == "district" and not parent:
        # a former district (underthesea's address mapping) knows its province
        unit = lookup_unit(locality, date, kind=kind) if locality else None
        parent = unit.province if unit is not None and unit.tier == "district" else None
        parent = parent or _named_province(ctx.text.text, date)
    parent_kind = None
    if parent:
        unit = lookup_unit(parent, date)
        parent_kind = unit.kind if unit else "tỉnh"
    return _Place(locality, kind, tier, parent, parent_kind, name, date)


def _unit_prefix(words: str, kind: str | None, date: str | None):
    """The unit named by the longest leading run of ``words`` ("krông pắc", "Nghĩa Đàn Cộng …")."""
    parts = words.replace("*", " ").split()
    for n in range(min(len(parts), 5), 0, -1):
        unit = lookup_unit(" ".join(parts[:n]), date, kind=kind)
        if unit is not None:
            return unit
    return None


def _unit_inside(words: str, date: str | None):
    """(division word, unit) of the last division word in ``words`` that a known place follows,
    marks or none ("… Chu Nghia Viet Nam Tinh Lam Dong" → tỉnh Lâm Đồng); None if there is none."""
    parts = words.replace("*", " ").split()
    low = [bare(p) for p in parts]
    divs = {bare(d): d for d in DIVISIONS}
    for i in range(len(parts) - 1, -1, -1):
        for n in (2, 1):
            d = divs.get(" ".join(low[i:i + n]))
            if d and i + n < len(parts):
                unit = _unit_prefix(" ".join(parts[i + n:]), d, date)
                if unit is not None:
                    return d, unit
    return None


def _named_province(text: str, date: str | None) -> str | None:
    """A district's province (the package lists no districts): the one the text names most."""
    named = Counter()
    for m in re.finditer(r"(?:tỉnh|thành phố)[^\S\n]+([A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:[^\S\n]+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){0,3})", text):
        unit = _unit_prefix(m.group(1), None, date)
        if unit is not None and unit.tier == "province":
            named[unit.name] += 1
    return named.most_common(1)[0][0] if named else None


def _infer_parent(locality: str, kind: str | None, text: str) -> str | None:
    """A commune's province: the one the text names, among those with a commune so named."""
    provinces = {u.province for u in candidates(locality, kind) if u.tier == "commune"}
    named = [p for p in provinces if re.search(r"(?:tỉnh|thành phố)\s+" + re.escape(p), text, re.I)]
    if len(named) == 1:
        return named[0]
    return next(iter(provinces)) if len(provinces) == 1 else None


# ----------------------------------------------------------------------------------------
# Mentions


@dataclass
class _Mention:
    start: int
    end: int
    prio: int
    name: str | None = None           # canonical name, when known from the mention alone
    locality: str | None = None
    group: tuple | None = None        # identity of a group whose name depends on all mentions
    form: str | None = None           # the group's wording here, for naming it
    condition: str = "always"
    assigned: bool = False
    generic: bool = False             # level-generic (dropped inside a cited title)
    shorthand: bool = False           # a group's head words alone (kept if named in full too)
    anaphor: bool = False             # "Ban Chỉ đạo" alone: the one committee the text names
    member: bool = False              # one of the bodies a shared head names in each unit listed


@dataclass(frozen=True)
class AgencyHit:
    start: int
    end: int
    name: str
    locality: str | None


# How far a look-ahead at one position reads (a slice to the end of the text at every name
# is quadratic on a long line); every pattern matched there is far shorter.
_NEAR = 400


def _caps_line(t: str, pos: int) -> bool:
    breaks = _line_breaks(t)  # find/rfind from ``pos`` walk a whole long line at every name
    i = bisect.bisect_left(breaks, pos)
    ls = breaks[i - 1] + 1 if i else 0
    le = breaks[i] if i < len(breaks) else len(t)
    return _caps_between(t, ls, le)


@functools.lru_cache(maxsize=4)
def _line_breaks(t: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", t)]


@functools.lru_cache(maxsize=8)  # once per line, not once per name on it (a long line is quadratic)
def _caps_between(t: str, ls: int, le: int) -> bool:
    letters = [c for c in t[ls:le] if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters)


_PROPER = re.compile(r"[^\S\n]+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)(?:[^\S\n]*-[^\S\n]*[A-ZĐÀ-Ỹ][\wÀ-ỹ]*|[^\S\n]+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*)")
_PROPER_WORD = re.compile(r"([\wÀ-ỹ]+)")


def _proper_after(t: str, pos: int) -> tuple[str, int] | None:
    """A capitalised place name right after ``pos`` ("Thừa Thiên Huế", "KON TUM")."""
    # The class À-Ỹ also holds lower-case letters (đ, ề): every word must be upper-case
    # initial, so a place ends at the first lower-case word ("huyện Cần Giờ đề nghị").
    m = _PROPER.match(t, pos)
    if not m:
        return None
    name, end = m.group(1), m.end()
    for w in _PROPER_WORD.finditer(name):
        if not w.group(1)[0].isupper():
            name = name[:w.start()].rstrip(" -")
            end = m.start(1) + len(name)
            break
    if not name:
        return None
    if name.isupper():
        name = " ".join(w.capitalize() for w in name.split())
    return _tidy(name), end


def _division_after(f: str, t: str, pos: int, allow_proper: bool = True):
    """`` tỉnh Kon Tum`` / `` xã`` after pos → (division, proper or None, end)."""
    m = re.match(r"[^\S\n]+(" + _DIV_ALT + r")" + _WE, f[pos:pos + _NEAR])
    if not m:
        return None
    end = pos + m.end()
    div = m.group(1)
    proper = _proper_after(t, end) if allow_proper else None
    if proper:
        unit = lookup_unit(proper[0], kind=div)
        if unit is not None or DIVISIONS[div] == "district":
            return div, (unit.name if unit else proper[0]), proper[1]
    return div, None, end


# "các tỉnh, thành phố trực thuộc Trung ương", "các huyện, thị xã": one body in each unit.
_ENUM_DIV = r"(?:" + _DIV_ALT + r"|tp\.?)"
_PLURAL_SCOPE = re.compile(
    r"[^\S\n]+(các[^\S\n]+)?(" + _ENUM_DIV + r"(?:(?:[^\S\n]*[,/][^\S\n]*(?:và[^\S\n]+)?|[^\S\n]+và[^\S\n]+)"
    + _ENUM_DIV + r")*)(?![\w&])((?:[^\S\n]*,)?[^\S\n]+trực thuộc[^\S\n]+(?:trung ương|tw)(?![\w&]))?")


def _scope_form(f: str, pos: int, require_cac: bool = True) -> tuple[str, list[str], int] | None:
    """The enumeration of unit kinds at ``pos`` → ("các tỉnh, thành phố trực thuộc Trung ương",
    ["tỉnh", "thành phố"], end); None when there is none (or no "các" where one is required)."""
    m = _PLURAL_SCOPE.match(f, pos)
    if not m or (require_cac and not m.group(1)):
        return None
    divs = [("thành phố" if d.startswith("tp") else d)
            for d in re.split(r"[^\S\n]*[,/][^\S\n]*(?:và[^\S\n]+)?|[^\S\n]+và[^\S\n]+", m.group(2))]
    joined = m.group(2)
    for d in re.findall(r"(?<![\w])tp\.?(?![\w])", joined):
        joined = joined.replace(d, "thành phố", 1)
    form = "các " + _tidy(joined.replace("/", ", "))
    if m.group(3):
        form += " trực thuộc Trung ương"
    return form, divs, m.end()


@functools.cache
def _scope_qualifiers() -> re.Pattern:
    """Words that narrow a plural scope ("Công an các tỉnh biên giới"): name_stops.tsv, qualifier."""
    words = [r["word"] for r in load_tsv("name_stops.tsv") if r["kind"] == "qualifier"]
    return re.compile(r"[^\S\n]+(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")


def _plural_tail(t: str, f: str, pos: int, ndivs: int = 1) -> tuple[str, int]:
    """What narrows a plural scope ending at ``pos``: a qualifier ("… các tỉnh biên giới") or
    the members named ("… các tỉnh Lào Cai, Yên Bái", "… các huyện, thành phố Đà Lạt, thành phố
    Bảo Lộc"), which stay in the group's name → (words, end); ("", pos) when nothing does."""
    q = _scope_qualifiers().match(f, pos)
    if q:
        return _tidy(t[pos:q.end()]), q.end()
    first = _proper_after(t, pos)
    if not first:
        return "", pos
    end, count = first[1], 1
    while True:
        sep = re.match(r"[^\S\n]*(?:,|và(?![\w]))(?:[^\S\n]*(?:" + _DIV_ALT + r")(?![\w]))?", f[end:end + _NEAR])
        nxt = _proper_after(t, end + sep.end()) if sep else None
        if not nxt or _BODY_START.match(nxt[0]) or _capital_stop(nxt[0], 0):
            break
        end, count = nxt[1], count + 1
    # One name after several kinds ("các huyện, thị xã và thành phố Huế") names the last
    # kind's unit only; the group is still every unit of the kinds.
    if count == 1 and (ndivs > 1 or lookup_unit(first[0]) is None):
        return "", pos
    return _tidy(t[pos:end]), end


_MEMBER_COLON = re.compile(r"[^\S\n]*:[^\S\n]*")
# Between members: a comma or "và", across a line break and a stray list dash.
_MEMBER_SEP = re.compile(r"[^\S\n]*(?:,|và(?![\w]))[^\S\n]*(?:\n[^\S\n]*(?:[-–+][^\S\n]*)?)?(?:và(?![\w])[^\S\n]*)?")


def _members(t: str, f: str, pos: int, divs: list[str], date: str | None) -> list[tuple[str, str, int, int]]:
    """The units a plural scope lists after a colon ("các tỉnh: Khánh Hòa, Gia Lai và Đắk Lắk")
    → [(unit name, division word, start, end)]; [] unless at least two names, each a known
    unit of one of the kinds, follow."""
    c = _MEMBER_COLON.match(f, pos)
    if not c:
        return []
    out, at = [], c.end()
    while True:
        # A name is read from a short window, so a line break before it does not stop it.
        pr = _proper_after(" " + t[at:at + 60], 0)
        if not pr or _BODY_START.match(pr[0]):
            break
        # "các tỉnh: …, Huế": a unit of the same tier under another division word counts too
        unit = next((u for u in [lookup_unit(pr[0], date, kind=d) for d in divs] + [lookup_unit(pr[0], date)]
                     if u is not None and DIVISIONS.get(u.kind) == DIVISIONS.get(divs[0])), None)
        if unit is None:
            break
        end = at + pr[1] - 1
        div = unit.kind or divs[0]
        out.append((unit.name, div, at, end))
        sep = _MEMBER_SEP.match(f, end)
        if not sep or not sep.group(0):
            break
        at = sep.end()
    return out if len(out) >= 2 else []


# "Bí thư Tỉnh ủy, Chủ tịch UBND các tỉnh: A, B": the Party committee of each unit listed too.
_PARTY_BEFORE = re.compile(r"(tỉnh ủy|thành ủy)[^\S\n]*(?:,|và)[^\S\n]*(?:(?:đồng chí|chủ tịch)[^\S\n]+)*$")


def _party_members(f: str, start: int, members: list) -> list[_Mention]:
    m = _PARTY_BEFORE.search(f, max(0, start - 60), start)
    if not m or m.end(1) - m.start(1) < len(members):
        return []
    head = m.group(1).capitalize()
    # one character of the committee's word each, so the mentions do not overlap
    return [_Mention(m.start(1) + i, m.start(1) + i + 1, 5, f"{head} {unit}", unit, member=True)
            for i, (unit, _div, _s, _e) in enumerate(members)]


class _Resolver:
    def __init__(self, place: _Place):
        self.p = place

    def division(self, div: str | None, proper: str | None = None) -> tuple[str | None, str | None]:
        """(locality, division word of that unit) meant by a division word (and place name)."""
        p = self.p
        if proper:
            unit = lookup_unit(proper, p.date, kind=div)
            return (unit.name if unit else proper), (div or (unit.kind if unit else None))
        if div is None:
            return p.locality, p.kind
        tier = DIVISIONS.get(div)
        if p.tier == "commune":
            if tier == "commune":
                return p.locality, p.kind
            if tier == "province":
                return p.parent, p.parent_kind
            return None, None
        if p.tier == "province":
            if tier == "province" and (div == p.kind or div == "tỉnh"):
                return p.locality, p.kind
            if tier == "province" and p.kind == "thành phố":
                return p.locality, p.kind
            return None, None  # a district or commune not named
        if p.tier == "district":
            if tier == "district":
                return p.locality, p.kind
            if tier == "province" and p.parent:
                return p.parent, p.parent_kind
            return None, None
        return None, None

    def default_locality(self, levels: set[str]) -> str | None:
        """Locality of a body of a kind existing at ``levels``, named without its place."""
        p = self.p
        if "national" in levels:  # a national body's regional unit ("Kho bạc Nhà nước khu vực VI")
            return None
        if p.tier == "national" or p.tier is None:
            return p.locality
        if p.tier in levels:
            return p.locality
        if p.tier in ("commune", "district") and p.parent and "province" in levels:
            return p.parent
        return p.locality

    def unit_name(self, head: str, locality: str | None, div: str | None) -> str | None:
        p = self.p
        if locality is None:
            return None
        if locality == p.locality and p.issuer and p.issuer.startswith(head):
            return p.issuer
        if div is None:
            unit = lookup_unit(locality, p.date)
            div = unit.kind if unit else None
        # Another body than the issuer is named as printed: "HĐND tỉnh" stays "Hội đồng nhân
        # dân tỉnh", the province only in its locality (contract, conventions in practice 3).
        return f"{head} {div}" if div else None


# A line break between a word and a lower-case word that is no list marker ("a)") is a soft
# wrap of the source: "Ủy ban nhân\ndân", "Trung tâm Dịch\nvụ việc làm" are one name.
_SOFT_WRAP = re.compile(r"(?<=[\wÀ-ỹ])[^\S\n]*\n(?=[^\S\n]*[a-zđà-ỹ](?![).]))")


def _soft_join(t: str) -> str:
    """``t`` with its soft wraps made blanks; the same length, so offsets still hold."""
    return _SOFT_WRAP.sub(lambda m: " " * len(m.group(0)), t)


def _scan(t: str, place: _Place) -> list[_Mention]:
    t = _soft_join(t)
    g = gazetteer()
    f = fold(t)
    res = _Resolver(place)
    cands: list[_Mention] = []

    skip = [(m.start(), m.end()) for m in re.finditer(r"(?m)^[\s\-–]*lưu\s*:?.*$", f)]

    # 1. National bodies, by name and by abbreviation.
    for m in g.national_re.finditer(f):
        if _LAW_PREFIX.search(f[max(0, m.start() - 100): m.start()]):
            continue
        if _CATEGORY_OF.search(f[max(0, m.start() - 30): m.start()]):
            continue
        name = g.national.get(_alias_key(m.group(1), g.national))
        if name:
            cands.append(_Mention(m.start(), m.end(), 1, name, None))
    for m in g.national_abbr_re.finditer(t):
        cands.append(_Mention(m.start(), m.end(), 1, g.abbr_as_of(m.group(1), place.date), None))

    # 2. Kinds named by division word, designator, or bare; and "Tổ giúp việc <body>".
    for regex, table, keyof in ((g.compound_re, g.kind_heads, lambda s: _alias_key(s, g.kind_heads)),
                                (g.compound_abbr_re, g.kind_abbr, lambda s: " ".join(s.split()))):
        if regex is None:
            continue
        src = f if regex is g.compound_re else t
        for m in regex.finditer(src):
            key = keyof(m.group(1))
            kind = _pick_kind(table.get(key), g.kind_alts.get(key, []), f, m.end(), res, g)
            mention = _compound(kind, m, f, t, res, g) if kind else None
            if mention:
                cands.append(mention)

    # 3. Named local bodies (Sở, Phòng, Chi cục, Ban, Trung tâm), with a division word after.
    for regex, src, table in ((g.local_re, f, g.local), (g.local_abbr_re, t, g.local_abbr)):
        for m in regex.finditer(src):
            entry = table.get(m.group(1) if src is t else _alias_key(m.group(1), table))
            if entry is None or (src is f and not t[m.start()].isupper()):
                continue
            name, kind = entry
            cands.append(_listed(name, kind, m.start(), m.end(), f, t, res, g))
    for m in _listed_heads().finditer(t):
        mention = _fallback_listed(m, f, t, res, g)
        if mention:
            cands.append(mention)

    # 3a'. "Các Bộ: TC, XD, KH&CN", "các Bộ XD, TP, QP": each listed domain names one ministry.
    for m in _MINISTRY_LIST.finditer(t):
        cands.extend(_listed_ministries(t, m.end()))

    # 3a. "Giám đốc các sở: Nội vụ, Tài chính, Y tế": each listed domain names one Sở.
    for m in re.finditer(r"(?<![\w])các[^\S\n]+sở[^\S\n]*:[^\S\n]*", f):
        pos = m.end()
        while True:
            d = _sector_re().match(f, pos)
            if not d or not t[pos].isupper():
                break
            name, kind = g.local[_alias_key("sở " + d.group(1), g.local)]
            cands.append(_listed(name, kind, pos, d.end(1), f, t, res, g))
            sep = re.match(r"[^\S\n]*(?:,|và|;)[^\S\n]*(?:sở[^\S\n]+)?", f[d.end(1):d.end(1) + _NEAR])
            if not sep or f[d.end(1):d.end(1) + sep.end()].strip() == ";":
                break
            pos = d.end(1) + sep.end()

    # 3b. The same names with OCR-damaged marks, where no exact name stands.
    bt = bare(t)
    for m in g.bare_re.finditer(bt):
        key = g.bare_keys.get(_alias_key(m.group(1), g.bare_keys))
        if key is None or f[m.start():m.end()] == key:
            continue  # found exactly above
        if key in g.national:
            cands.append(_Mention(m.start(), m.end(), 7, g.national[key], None))
        if key in g.local:
            if t[m.start()].isupper():
                name, kind = g.local[key]
                mention = _listed(name, kind, m.start(), m.end(), f, t, res, g)
                mention.prio = 7
                cands.append(mention)
        if key in g.kind_heads:
            mention = _compound(g.kind_heads[key], m, f, t, res, g)
            if mention:
                mention.prio = 7
                cands.append(mention)

    # 4. Plural groups.
    for name, regex, condition, scope in g.groups:
        for m in regex.finditer(f):
            if _OPEN_TAIL.match(f, m.end()):
                continue
            if name.endswith(("Bộ", "Sở")) and re.match(r"[^\S\n]+[A-ZĐÀ-Ỹ]", t[m.end():m.end() + _NEAR]):
                # "các đơn vị thuộc Bộ Tài chính": the units of the body named, not the issuer's
                body = _named_body_at(cands, m.end() - 2, f, name[-2:], g)
                if body:
                    cands.append(_Mention(m.start(), body.end, 4, name[:-2] + body.name, body.locality,
                                          condition=condition, assigned=_assigned(f, m.start())))
                continue
            # "Các cơ quan, đơn vị thuộc {div}": as the text names the unit
            gname = name.replace("{div}", _unit_word(m.group("div"))) if "{div}" in name else name
            loc = res.division(None)[0] if scope == "local" else None
            cands.append(_Mention(m.start(), m.end(), 4, gname, loc, condition=condition,
                                  assigned=_assigned(f, m.start()), generic=True))
    for m in re.finditer(
            r"\bcác\s+(?:cơ quan|phòng(?:,?\s*ban)?)\s+chuyên môn(?:\s*,\s*đơn vị)?"
            r"(?:\s+(thuộc|của|trực thuộc)\s+(?:(?:ủy ban nhân dân|ubnd)(?:\s+(" + _DIV_ALT + r"))?|(?P<d2>"
            + _DIV_ALT + r")" + _WE + r")"
            r"|\s+(" + _DIV_ALT + r")" + _WE + r")?", f):
        if _OPEN_TAIL.match(f, m.end()):
            continue
        div = m.group(2) or m.group("d2") or m.group(4)
        loc, kind = res.division(div) if div else res.division(None)
        if loc is None:
            continue
        cands.append(_Mention(m.start(), m.end(), 4, None, loc, group=("chuyen_mon", loc),
                              form=f"{m.group(1) or ''}|{div or ''}", generic=True))

    # 5. People's Committees and Councils, single and plural.
    for m in re.finditer(r"(?<![\w])(ủy ban nhân dân|hội đồng nhân dân)(\s*\((?:UBND|HĐND)\))?|"
                         r"(?<![\w/\-])(UBND|HĐND)(?![\w/\-])", _fold_keep_abbr(f, t)):
        mention = _unit_body(m, f, t, res, g)
        if isinstance(mention, list):
            cands.extend(mention)
        elif mention:
            cands.append(mention)

    # "UBND cấp huyện, cấp xã": each further tier of the chain is one more mention.
    for m in re.finditer(r"(?<![\w])(ủy ban nhân dân|hội đồng nhân dân|ubnd|hđnd)[^\S\n]+cấp[^\S\n]+(?:tỉnh|huyện|xã)"
                         r"((?:(?:[^\S\n]*,[^\S\n]*|[^\S\n]+)(?:và[^\S\n]+)?cấp[^\S\n]+(?:tỉnh|huyện|xã)" + _WE + ")+)", f):
        head = "Ủy ban nhân dân" if m.group(1) in ("ủy ban nhân dân", "ubnd") else "Hội đồng nhân dân"
        for c in re.finditer(r"cấp[^\S\n]+(tỉnh|huyện|xã)", f[m.start(2):m.end(2)]):
            mention = _tier_mention(head, c.group(1), m.start(2) + c.start(), m.start(2) + c.end(), res)
            if mention:
                cands.append(mention)

    # A duty heading that names a group by its head words alone ("1. Đối với các cơ quan, tổ
    # chức đang áp dụng …") repeats the group named in full elsewhere in the document.
    for name, regex in g.shorthands:
        for m in regex.finditer(f):
            if _assigned(f, m.start()) and not _SHORTHAND_NOT.match(f, m.end()):
                loc = res.division(None)[0]
                cands.append(_Mention(m.start(), m.end(), 8, name, loc, condition="assigned",
                                      assigned=True, generic=True, shorthand=True))

    # Short forms the document defines ("Vụ Kế hoạch - Tài chính (Vụ KHTC)"): each later use
    # is that body, whatever else the words would read as.
    defs = abbr.find_definitions(t, [(c.start, c.end, c.name, c.locality) for c in cands
                                     if c.name and not c.group])
    # "Văn phòng Chính phủ (Cục KSTTHC)": a known abbreviation of another body in brackets is
    # that body (the unit addressed), not a short form the document defines.
    defs = [d for d in defs if d.short not in g.national_abbr or g.abbr_as_of(d.short, place.date) == d.name]
    short_re = abbr.short_form_re(defs)
    if short_re:
        first = {}
        for d in defs:
            first.setdefault(d.short, d)
        skip += [(d.start, d.end) for d in defs]
        uses = [m for m in short_re.finditer(t) if not any(s <= m.start() < e for s, e in skip)]
        cands = [c for c in cands if not any(c.start < m.end() and m.start() < c.end for m in uses)]
        cands += [_Mention(m.start(), m.end(), 0, first[m.group(0)].name, first[m.group(0)].locality)
                  for m in uses]

    # The committee word shared by a member list is those members, not the bare committee.
    shared = [(c.start, c.end) for c in cands if c.member]
    if shared:
        cands = [c for c in cands if c.member or not any(c.start < e and s < c.end for s, e in shared)]
    chosen = _ban_parents(_select(cands, skip), f, g)
    chosen = _expand_short_forms(chosen, t, res, g)
    _shared_standing(chosen, f)
    # "Bộ Tài chính (Vụ Ngân sách nhà nước)", "(qua Vụ Kế hoạch)": the unit a reply is addressed
    # to inside the ministry named, like "Lưu: VT, NSNN" — not a body of the document.
    chosen = [c for c in chosen if not (c.name and c.name.startswith(_ADDRESS_UNITS)
                                        and _ADDRESS_BEFORE.search(t[max(0, c.start - 12):c.start]))]
    # Level-generic mentions and groups inside the trích yếu of a cited document are the
    # cited document's words, not this document's bodies.
    titles = _title_regions(t, f)
    chosen = [c for c in chosen if not any(s <= c.start < e for s, e in titles)
              or (not c.generic and _ISSUER_BEFORE.search(f, max(0, c.start - 40), c.start))]
    named = {c.name for c in chosen if not c.shorthand}
    chosen = [c for c in chosen if not c.shorthand or c.name in named]
    # "Ban Chỉ đạo" alone is the document's committee when it names exactly one of its own.
    own = {c.name for c in chosen if not c.anaphor and c.locality is not None and c.name
           and c.name.startswith("Ban Chỉ đạo ")}
    for c in chosen:
        if c.anaphor:
            c.name = next(iter(own)) if len(own) == 1 else None
    return [c for c in chosen if not c.anaphor or c.name]


_MINISTRY_LIST = re.compile(r"(?<![\w])[Cc]ác[^\S\n]+[Bb]ộ(?:,[^\S\n]*cơ quan)?[^\S\n]*:?[^\S\n]*(?=[A-ZĐ])")
# an abbreviation has two letters or more: "Y tế" is a domain, not the letter Y
_LIST_ITEM = re.compile(r"([A-ZĐ][A-ZĐ&\-]+(?![\wÀ-ỹ])|[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:[^\S\n]+[\wÀ-ỹ]+){0,8})")


@functools.cache
def _ministries_by_domain() -> dict[str, str]:
    """A ministry's domain, written out or by its initials ("Xây dựng", "XD", "KH&CN") →
    its name; current ministries first where two share initials."""
    out: dict[str, str] = {}
    rows = [r for r in load_tsv("agencies.tsv") if r["name"].startswith("Bộ ") and r["kind"] == "ministry"]
    for r in sorted(rows, key=lambda r: bool(r["valid_to"])):
        domain = r["name"][3:]
        out.setdefault(fold(domain), r["name"])
        for letters in abbr.initials(domain):
            out.setdefault(letters, r["name"])
        for a in _split(r["abbreviations"]):
            if a.startswith("Bộ "):
                out.setdefault(abbr.letters(a[3:]), r["name"])
    return out


def _listed_ministries(t: str, pos: int) -> list[_Mention]:
    """The ministries of a list after "các Bộ", up to the first item that names none."""
    table = _ministries_by_domain()
    out = []
    while True:
        m = _LIST_ITEM.match(t, pos)
        if not m:
            break
        item, end = m.group(1), m.end(1)
        if item.isupper() or "&" in item:
            name = table.get(abbr.letters(item))
        else:  # the longest run of words that is a domain ("Ngoại giao | chủ động …")
            words = list(re.finditer(r"[\wÀ-ỹ]+", item))
            name = None
            for k in range(len(words), 0, -1):
                name = table.get(fold(item[:words[k - 1].end()]))
                if name:
                    end = m.start(1) + words[k - 1].end()
                    break
        if not name:
            break
        out.append(_Mention(m.start(1), end, 1, name, None))
        sep = re.match(r"[^\S\n]*(?:,|và(?![\w]))(?:[^\S\n]*\n)?[^\S\n]*", t[end:end + _NEAR])
        if not sep:
            break
        pos = end + sep.end()
    return out if len(out) >= 2 else []


_STANDING_LEAD = re.compile(r"(?:^|[\n\-•+])[^\S\n]*(?:thường trực|tt)[^\S\n]*:[^\S\n]*(?:[^;\n:]*,[^\S\n]*)?$")


def _shared_standing(chosen: list[_Mention], f: str) -> None:
    """"Thường trực: Tỉnh ủy, HĐND tỉnh": the standing body of each council or committee listed."""
    for c in chosen:
        if not c.name or c.group or not (c.name.startswith("Hội đồng nhân dân")
                                          or _PARTY_COMMITTEE.search(c.name)):
            continue
        ls = f.rfind("\n", 0, c.start) + 1
        if _STANDING_LEAD.search(f, max(ls - 1, 0), c.start):
            c.name = f"Thường trực {c.name}"


def _cut_at_line_end(t: str, end: int) -> bool:
    """Only lower-case words (or nothing) follow ``end`` on its line, and no punctuation."""
    nl = t.find("\n", end)
    rest = t[end: nl if nl >= 0 else len(t)]
    return re.fullmatch(r"(?:[^\S\n]+[a-zđà-ỹ]+)*[^\S\n]*", rest) is not None


def _expand_short_forms(chosen: list[_Mention], t: str, res: _Resolver, g: _Gaz) -> list[_Mention]:
    """Names read from capitals that hold a short form ("Viện PYQG", "Ban VSTBPN&BĐG Thành
    phố") in full, by a body the document names in full or by the domains; a name whose short
    form nothing resolves ("Phòng VX") is not a body of this document."""
    known = [c.name for c in chosen if c.name]
    national = set(g.national.values())
    # A name cut by the end of its line (a wrapped table cell: "Ban Quản lý | các khu …") that
    # begins exactly one longer name of the document is that body.
    for c in chosen:
        if c.prio in (3, 6) and c.name and c.group is None and _cut_at_line_end(t, c.end):
            longer = {k for k in known if k.startswith(c.name + " ")}
            if len(longer) == 1:
                c.name = longer.pop()
    out = []
    for c in chosen:
        if c.prio not in (3, 6) or not c.name or not abbr.abbreviation_tokens(c.name):
            out.append(c)
            continue
        full = abbr.expand(c.name, known)
        if full is None:
            continue
        c.name = full
        if full in national or _NATIONAL_WORDS.search(fold(full)):
            c.locality = None
        out.append(c)
    return out


# A Party committee of a unit, whose name the text may print with the unit ("Tỉnh ủy Nghệ An").
_PARTY_COMMITTEE = re.compile(r"(?:Tỉnh|Thành|Huyện|Quận|Thị) ủy$")
_COMMITTEE = r"(?:Tỉnh ủy|Thành ủy|Huyện ủy|Quận ủy|Thị ủy|Đảng ủy(?: " + _DIV_ALT + r")?)"
_PARENT_SUFFIX = re.compile(r"(?:Hội đồng nhân dân (?:" + _DIV_ALT + r")|" + _COMMITTEE + r")$")
_BAN_OF = re.compile(r"Ban (?!Chỉ đạo|Chỉ huy|Quản lý|Thường vụ)")


def _ban_parents(chosen: list[_Mention], f: str, g: _Gaz) -> list[_Mention]:
    """A Ban of a Council or a Party committee keeps its parent in its name ("Ban Kinh tế -
    Ngân sách HĐND tỉnh" → "Ban Kinh tế - Ngân sách Hội đồng nhân dân tỉnh"); Ban listed before
    a body that carries the parent share it ("Ban Tổ chức, Ban Tuyên giáo Tỉnh ủy")."""
    def bare_ban(c: _Mention) -> bool:
        return bool(c.name and c.group is None and _BAN_OF.match(c.name) and not _PARENT_SUFFIX.search(c.name)
                    and c.name not in national)

    national = set(g.national.values())

    out: list[_Mention] = []
    for c in chosen:
        prev = out[-1] if out else None
        if prev and bare_ban(prev) and c.name and re.fullmatch(r"[^\S\n]+(?:của[^\S\n]+)?", f[prev.end:c.start]):
            council = re.match(r"(?:hội đồng nhân dân|hđnd)[^\S\n]+(" + _DIV_ALT + r")" + _WE, f[c.start:c.end])
            if council and c.name.startswith("Hội đồng nhân dân"):
                prev.name, prev.end = f"{prev.name} Hội đồng nhân dân {council.group(1)}", c.end
                prev.locality = c.locality or prev.locality
                continue
            if re.fullmatch(_COMMITTEE, c.name):
                prev.name, prev.end, prev.locality = f"{prev.name} {c.name}", c.end, c.locality or prev.locality
                continue
        out.append(c)
    known = {name for name, _ in g.local.values()}
    for k in range(len(out) - 2, -1, -1):
        c, nxt = out[k], out[k + 1]
        if (bare_ban(c) and c.name not in known and nxt.name
                and re.fullmatch(r"[^\S\n]*(?:,|và|,[^\S\n]*và)[^\S\n]*", f[c.end:nxt.start])):
            parent = _PARENT_SUFFIX.search(nxt.name)
            if parent:
                c.name = f"{c.name} {parent.group(0)}"
    return out


def _unit_word(word: str) -> str:
    """A unit word as names print it: a Party committee capitalised ("Thành ủy")."""
    return word.capitalize() if word.endswith("ủy") else word


def _pick_kind(kind: str | None, alts: list[str], f: str, end: int, res: _Resolver, g: _Gaz) -> str | None:
    """Of the kinds sharing a head ("BCH Quân sự"), the one existing at the level of the
    division word after it ("… tỉnh": Bộ Chỉ huy; "… xã": Ban Chỉ huy), else at the issuer's."""
    if len(alts) < 2:
        return kind
    d = re.match(r"[^\S\n]+(" + _DIV_ALT + r")" + _WE, f[end:end + _NEAR])
    tier = DIVISIONS.get(d.group(1)) if d else res.p.tier
    return next((k for k in alts if tier in g.kinds[k]["levels"]), kind)


def _fold_keep_abbr(f: str, t: str) -> str:
    """Folded text where the abbreviations UBND/HĐND keep their capitals (case-sensitive)."""
    out = list(f)
    for m in re.finditer(r"UBND|HĐND", t):
        out[m.start():m.end()] = list(m.group(0))
    return "".join(out)


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


def _assigned(f: str, start: int) -> bool:
    # a bounded look back: a prefix of list marks and a verb is short, a long line is not one
    window = max(0, start - 200)
    ls = f.rfind("\n", window, start) + 1
    if not ls and window:
        return False
    return _ASSIGN_PREFIX.fullmatch(f[ls:start]) is not None


def _named_body_at(cands: list[_Mention], start: int, f: str, head: str, g: _Gaz) -> _Mention | None:
    """The longest known body starting at ``start`` (the group's last word) whose name begins
    with ``head`` (a ministry after "thuộc" is left out of the national scan)."""
    hits = [c for c in cands if c.start == start and c.name and c.name.startswith(head + " ")]
    m = g.national_re.match(f, start)
    if m and m.start() == start:
        name = g.national.get(_alias_key(m.group(1), g.national))
        if name and name.startswith(head + " "):
            hits.append(_Mention(m.start(), m.end(), 1, name, None))
    return max(hits, key=lambda c: c.end, default=None)


def _title_regions(t: str, f: str) -> list[tuple[int, int]]:
    """The trích yếu after each numbered citation head, across wrapped lines, up to a
    sentence end, a new item or a request to a body (at most _TITLE_MAX characters)."""
    regions = []
    for m in _CITATION_HEAD.finditer(f):
        if not re.search(r"\d", m.group(0)):
            continue
        end_m = _TITLE_END.search(t, m.end(), m.end() + _TITLE_MAX)
        stop = _TITLE_STOP.search(f, m.end(), end_m.start() if end_m else m.end() + _TITLE_MAX)
        end = stop.start() if stop else (end_m.start() if end_m else min(len(t), m.end() + _TITLE_MAX))
        regions.append((m.end(), end))
    return regions


def _select(cands: list[_Mention], skip: list[tuple[int, int]]) -> list[_Mention]:
    taken = Disjoint()
    skipped = Union(skip)
    out = []
    # The longest name wins ("Kho bạc Nhà nước tỉnh" over "Kho bạc Nhà nước"), exact before
    # mark-less (prio 7) on a tie; guesses from capitalisation alone (prio 6) only where no
    # known name stands.
    for c in sorted(cands, key=lambda c: (c.prio == 6, -(c.end - c.start), c.prio, c.start)):
        if c.start in skipped or taken.overlaps(c.start, c.end):
            continue
        taken.add(c.start, c.end)
        out.append(c)
    return sorted(out, key=lambda c: c.start)


def _compound(kind: str, m: re.Match, f: str, t: str, res: _Resolver, g: _Gaz) -> _Mention | None:
    spec = g.kinds[kind]
    naming, canonical, levels = spec["naming"], spec["canonical"], spec["levels"]
    start, end = m.start(), m.end()
    head_text = t[start:end]
    single_word = " " not in canonical
    # A body's name is capitalised; the same words in lower case are a field or a fund
    # ("quỹ bảo hiểm xã hội", "thanh tra, kiểm tra", "công an xã" in running text aside).
    if not head_text[:1].isupper():
        return None
    if naming in ("level_word",) and ("Đài" in canonical or "Cổng" in canonical):
        if _CHANNEL_BEFORE.search(f[max(0, start - 12):start]):
            return None
    if naming == "designator":
        d = re.match(r"[^\S\n]+(\d+|[A-Z][A-Z0-9&]+)" + _WE, t[end:end + _NEAR])
        if not d:  # "Ban Chỉ đạo chuyển đổi số xã": a named purpose closed by a division word
            d = re.match(r"[^\S\n]+((?:[a-zđà-ỹ]+,?[^\S\n]+){0,15}?[a-zđà-ỹ]+)(?=[^\S\n]+(?:(?:của|cấp)[^\S\n]+)?(?:"
                         + _DIV_ALT + r")" + _WE + ")", f[end:end + _NEAR])
            if not d or re.search(r"\b(?:của|các|cho|với|để|tại|trong|theo|là|gồm|có|được|trên|nhằm)\b", d.group(1)):
                # "(sau đây gọi là Ban Chỉ đạo)": the document's own committee, named again
                if naming == "designator" and head_text[:1].isupper() and not re.match(r"[^\S\n]+[A-ZĐ\d]", t[end:end + _NEAR]):
                    return _Mention(start, end, 2, canonical, res.default_locality(levels), anaphor=True)
                return None
            d = re.match(r"[^\S\n]+(" + re.escape(t[end:end + d.end()].strip()) + ")", t[end:end + _NEAR])
        end += d.end()
        if _DISTRIBUTIVE.match(f, end):
            return None
        name = f"{canonical} {d.group(1)}"
        # "… của huyện": the unit's own; "… cấp xã" below the issuer: one in each such unit
        link = re.match(r"[^\S\n]+(của|cấp)(?=[^\S\n]+(?:" + _DIV_ALT + r")" + _WE + ")", f[end:end + _NEAR])
        if link:
            below = re.match(r"[^\S\n]+(" + _DIV_ALT + r")" + _WE, f[end + link.end():])
            tier = DIVISIONS[below.group(1)]
            if link.group(1) == "cấp" and res.p.tier in _TIERS and _TIERS[tier] > _TIERS[res.p.tier]:
                end += link.end() + below.end()
                return _Mention(start, end, 2, f"{name} cấp {below.group(1)}", res.p.locality)
            end += link.end()
        div = _division_after(f, t, end)
        loc = None
        if div:
            loc, _ = res.division(div[0], div[1])
            end = div[2]
            if div[1] and loc and not d.group(1)[:1].isupper() and not d.group(1)[:1].isdigit():
                # a committee named by its purpose keeps the place printed after it
                name = f"{name} {div[0]} {loc}"
        return _Mention(start, end, 2, name, loc or res.default_locality(levels))
    if naming == "of_body" and not re.match(r"[^\S\n]+(?:ban chỉ đạo|bcđ)" + _WE, f[end:end + _NEAR]):
        # "Văn phòng thường trực Ban Chỉ huy PCTT và TKCN tỉnh": the body it serves, in full
        sp = re.match(r"[^\S\n]+", f[end:end + _NEAR])
        body = g.compound_re.match(f, end + sp.end()) if sp and g.compound_re else None
        if not body:
            return None
        bkey = _alias_key(body.group(1), g.kind_heads)
        bkind = _pick_kind(g.kind_heads.get(bkey), g.kind_alts.get(bkey, []), f, body.end(), res, g)
        inner_m = _compound(bkind, body, f, t, res, g) if bkind and g.kinds[bkind]["naming"] != "of_body" else None
        if not inner_m or not inner_m.name:
            return None
        return _Mention(start, inner_m.end, 2, f"{canonical} {inner_m.name}", inner_m.locality)
    if naming == "of_body":
        inner = re.match(r"[^\S\n]+(?:ban chỉ đạo|bcđ)[^\S\n]+(\d+|[a-z][a-z0-9&]+)" + _WE, f[end:end + _NEAR])
        if not inner:  # "Tổ giúp việc Ban Chỉ đạo": of the committee the document sets up
            bare_body = re.match(r"[^\S\n]+(?:ban chỉ đạo|bcđ)" + _WE, f[end:end + _NEAR])
            if not bare_body:
                return None
            return _Mention(start, end + bare_body.end(), 2, f"{canonical} Ban Chỉ đạo",
                            res.default_locality(levels))
        des = t[end:end + inner.end()].split()[-1]
        end += inner.end()
        div = _division_after(f, t, end)
        loc = None
        if div:
            loc, _ = res.division(div[0], div[1])
            end = div[2]
        return _Mention(start, end, 2, f"{canonical} Ban Chỉ đạo {des}", loc or res.default_locality(levels))
    if naming == "proper":
        if _caps_line(t, start):
            return None
        proper = _proper_after(t, end)
        if not proper:
            return None
        unit = lookup_unit(proper[0], res.p.date)
        # A name after a lower unit ("Ban quản lý rừng phòng hộ Đăk Hà") is the body's own
        # name: the body is the province's unless the unit is the issuer's.
        own = unit and (unit.tier == "province" or unit.name == res.p.locality)
        loc = unit.name if own else res.default_locality(levels)
        return _Mention(start, proper[1], 2, f"{canonical} {proper[0]}", loc)
    if naming == "level_word" and "nhân dân" not in fold(canonical):
        scope = _scope_form(f, end)
        if scope:  # "Công an các tỉnh biên giới": that body of each unit, one group
            extra, after = _plural_tail(t, f, scope[2], len(scope[1]))
            if _OPEN_TAIL.match(f, after):
                return None
            name = f"{canonical} {scope[0]}" + (f" {extra}" if extra else "")
            return _Mention(start, after, 2, name, res.p.locality, generic=True)
    div = _division_after(f, t, end)
    if naming == "bare" and "national" in levels and re.match(r"[^\S\n]+[A-ZĐÀ-Ỹ]", t[end:end + _NEAR]):
        return None  # "Văn phòng Bộ Tài chính": the named ministry's, not the issuer's own unit
    if naming == "bare":
        loc = res.default_locality(levels)
        name = canonical
        if div:
            loc2, _ = res.division(div[0], div[1])
            if _PARTY_COMMITTEE.search(canonical):  # "Thành ủy Thành phố": as printed
                name = f"{canonical} {_tidy(t[end:div[2]])}"
            loc, end = loc2 or loc, div[2]
        elif _PARTY_COMMITTEE.search(canonical) and not _caps_line(t, start):
            # "Tỉnh ủy Nghệ An": a committee named with its province keeps it
            proper = _proper_after(t, end)
            unit = lookup_unit(proper[0], res.p.date) if proper else None
            if unit is not None and unit.tier == "province" and fold(unit.name) == fold(proper[0]):
                name, loc, end = f"{canonical} {proper[0]}", unit.name, proper[1]
            else:  # "Tỉnh ủy, HĐND, UBND tỉnh Thanh Hóa": the place after the last head is its too
                at, ell = end, _HEAD_CHAIN.match(f, end)
                while ell:
                    at, ell = ell.end(), _HEAD_CHAIN.match(f, ell.end())
                shared = _division_after(f, t, at) if at > end else None
                if shared and shared[1] and DIVISIONS.get(shared[0]) == "province":
                    name, loc = f"{canonical} {shared[1]}", shared[1]
        return _Mention(start, end, 2, name, loc)
    # level_word: head + division word ("Văn phòng Ủy ban nhân dân tỉnh"); a place name
    # right after the head is part of the body's own name ("Đài Phát thanh - Truyền hình Đà Nẵng").
    if not div and "nhân dân" in fold(canonical):
        # "TT HĐND, UBND các huyện, thị xã": the Council's unit words follow the next head.
        ell = _ELLIPSIS.match(f, end)
        at = ell.end() if ell else end
        scope = _scope_form(f, at)
        if scope:
            return _Mention(start, end if ell else scope[2], 2, f"{canonical} {scope[0]}", res.p.locality,
                            generic=True)
        shared = _division_after(f, t, at) if ell else None
        if shared:  # "TT HĐND, UBND tỉnh": the unit words, kept out of this mention's span
            div = (shared[0], shared[1], end)
    if not div and canonical.startswith("Cổng"):  # a portal of a central body
        owner = _portal_owner(f, end, res, g)
        if owner:
            return _Mention(start, owner[1], 2, f"{canonical} {owner[0]}", None)
    cap = re.match(r"[^\S\n]+(?:ở[^\S\n]+)?cấp[^\S\n]+(tỉnh|huyện|xã)" + _WE, f[end:end + _NEAR])
    if not div and cap and res.p.tier in _TIERS and _TIERS[_CAP_TIER[cap.group(1)]] > _TIERS[res.p.tier]:
        # "Văn phòng Ủy ban nhân dân ở cấp huyện": one in each district, a category; the span
        # is kept (no name) so that the words inside it name no body either
        return _Mention(start, end + cap.end(), 2)
    if not div and not _caps_line(t, start):
        proper = _proper_after(t, end)
        unit = lookup_unit(proper[0], res.p.date) if proper else None
        if unit is not None and unit.tier == "province":
            return _Mention(start, proper[1], 2, f"{canonical} {proper[0]}", unit.name)
    if div:
        loc, _ = res.division(div[0], div[1])
        word = div[0]
        end = div[2]
    else:
        if single_word:
            return None  # "Thanh tra", "Công an" need their division word
        loc, word = res.division(None)
        if word is None:
            return None
    return _Mention(start, end, 2, f"{canonical} {word}", loc or res.default_locality(levels))


_GOVERNMENT_ISSUERS = ("Chính phủ", "Thủ tướng Chính phủ", "Văn phòng Chính phủ")


def _portal_owner(f: str, end: int, res: _Resolver, g: _Gaz) -> tuple[str, int] | None:
    """The central body whose portal is named: printed after it ("Cổng TTĐT Bộ Y tế"), or,
    with none printed, a central issuer's own ("TGĐ Cổng TTĐT" in the Government's Nơi nhận)."""
    sp = re.match(r"[^\S\n]+", f[end:end + _NEAR])
    body = g.national_re.match(f, end + sp.end()) if sp else None
    if body:
        name = g.national.get(_alias_key(body.group(1), g.national))
        if name:
            return name, body.end()
    if res.p.tier == "national" and res.p.issuer:
        if res.p.issuer in _GOVERNMENT_ISSUERS:
            return "Chính phủ", end
        if res.p.issuer.startswith("Bộ "):
            return res.p.issuer, end
    return None


def _listed(name: str, kind: str, start: int, end: int, f: str, t: str, res: _Resolver, g: _Gaz,
            known: bool = True) -> _Mention:
    """A named body and the unit words printed after it. The name keeps what the text prints
    of its unit where that is part of how it is told apart: a tier ("Trung tâm Phục vụ hành
    chính công cấp xã"), or, for a body no list knows, the division word and place
    ("Trung tâm Chuyển đổi số Thành phố"); a known body's unit words ("Sở Tài chính tỉnh",
    "Sở Y tế thành phố Hà Nội") go to the locality only."""
    levels = g.kinds[kind]["levels"] if kind in g.kinds else {"province"}
    row_levels = _local_levels().get(name)
    levels = row_levels or levels
    scope = _scope_form(f, end)
    if scope:  # "Sở Tài chính các tỉnh, thành phố trực thuộc Trung ương": that body of each unit
        return _Mention(start, scope[2], 3, f"{name} {scope[0]}", res.p.locality, generic=True)
    tier = _TIER_AFTER.match(f, end)
    if tier:
        return _Mention(start, tier.end(), 3, f"{name} cấp {tier.group(1)}",
                        res.p.locality if res.p.tier in _TIERS else None)
    div = _division_after(f, t, end)
    loc = None
    if div:
        loc, _ = res.division(div[0], div[1])
        printed = _tidy(t[end:div[2]])
        if not known:
            name = f"{name} {printed}"
        end = div[2]
    return _Mention(start, end, 3, name, loc or res.default_locality(levels))


_TIER_AFTER = re.compile(r"[^\S\n]+cấp[^\S\n]+(tỉnh|huyện|xã)(?![\w&])")


@functools.cache
def _local_levels() -> dict[str, set[str]]:
    return {r["name"]: set(_split(r["levels"])) for r in load_tsv("local_agencies.tsv")}


@functools.cache
def _name_stops() -> tuple[frozenset, re.Pattern]:
    words = frozenset(fold(r["word"]) for r in load_tsv("name_stops.tsv", required=("word", "kind"))
                      if r["kind"] not in ("capital", "region", "qualifier", "compound"))
    return words, re.compile(r"(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")


@functools.cache
def _capital_stops() -> re.Pattern:
    """Capitalised words that open a new cell, not more of a name ("… Sở Nội vụ Các sở, ban")."""
    words = [r["word"] for r in load_tsv("name_stops.tsv") if r["kind"] == "capital"]
    return re.compile(r"(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")


@functools.cache
def _regions() -> tuple[str, ...]:
    return tuple(" " + r["word"] for r in load_tsv("name_stops.tsv") if r["kind"] == "region")


def _ends_region(text: str) -> bool:
    """``text`` ends with a region's name ("… vùng Bắc Trung Bộ")."""
    return text.endswith(_regions())


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


def _capital_stop(t: str, pos: int) -> bool:
    """A capital stop word at ``pos`` ("Quý III/2019", "Các sở"), unless a proper name goes on
    with it ("Lê Quý Đôn", "Từ Sơn"): the next word capitalised and not a Roman numeral."""
    m = _capital_stops().match(t, pos)
    if not m:
        return False
    nxt = re.match(r"[^\S\n]+([A-ZĐÀ-Ỹ][\wÀ-ỹ]*)", t[m.end():m.end() + _NEAR])
    return not (nxt and not re.fullmatch(r"[IVXLC]+", nxt.group(1)) and not nxt.group(1).isupper())


# Words that open another body, so never continue a name ("Sở Tài chính và Sở Xây dựng").
_BODY_START = re.compile(r"(?:Sở|Phòng|Bộ|Ban|Chi cục|Cục|Tổng cục|Trung tâm|Ủy ban|UBND|HĐND|Hội đồng|Công an|"
                         r"Thanh tra|Văn phòng|Kho bạc|Bảo hiểm|Trường|Bệnh viện|Trạm|Viện|Đài|Báo|Cổng|Hội|Hiệp hội|Liên minh|Liên hiệp|"
                         r"Liên đoàn|Đoàn|Huyện|Tỉnh|Thành|Chủ tịch|Giám đốc|Thủ trưởng|Cơ quan|Thường trực)(?![\w])")
_WORD = re.compile(r"[^\S\n]*([\wÀ-ỹ&]+)")


@functools.cache
def _compounds() -> re.Pattern:
    words = [r["word"] for r in load_tsv("name_stops.tsv") if r["kind"] == "compound"]
    return re.compile(r"(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")


def _in_compound(f: str, pos: int) -> bool:
    """The stop word at ``pos`` ends a noun with the word before ("công trình", "chương trình")."""
    prev = re.search(r"([\wÀ-ỹ]+)[^\S\n]+$", f[max(0, pos - 20):pos])
    return bool(prev and _compounds().match(f, pos - len(prev.group(0))))


def _name_extent(t: str, f: str, pos: int) -> int:
    """End of a body's name that starts with a capitalised word at ``pos``: capitalised
    words, lower-case words up to a stop word or a division word, ``-``, and ``,`` / ``và`` /
    ``các`` where the name plainly goes on ("Phòng Phổ biến, giáo dục pháp luật", "Ban Quản lý
    các Khu kinh tế và Khu công nghiệp")."""
    stops, stop_re = _name_stops()
    end = pos
    lower_run = 0
    while True:
        w = _WORD.match(t, end)
        if not w:
            break
        word = w.group(1)
        if word[0].isupper() or word[0].isdigit():
            if end > pos and ((_BODY_START.match(t, w.start(1)) and not _ends_region(t[pos:w.end(1)]))
                              or _capital_stop(t, w.start(1)) or _ends_with_province(t[pos:end])):
                break
            end, lower_run = w.end(), 0
        elif ((stop_re.match(f, w.start(1)) and not _in_compound(f, w.start(1))) or re.match(r"(?:" + _DIV_ALT + r")(?![\w])", f[w.start(1):w.start(1) + _NEAR])
              or lower_run >= 8 or t[pos:end].endswith(" Việt Nam")):
            # a name that ends with the country's name ends there ("Hội Làm vườn Việt Nam tham gia")
            # "và" / "các" go on only before a capitalised word that opens no new body.
            if word in ("và", "các"):
                nxt = _WORD.match(t, w.end())
                if (nxt and nxt.group(1)[0].isupper() and not _BODY_START.match(t, nxt.start(1))
                        and not _capital_stop(t, nxt.start(1))):
                    end, lower_run = nxt.end(), 0
                    continue
            break
        else:
            end, lower_run = w.end(), lower_run + 1
        link = re.match(r"[^\S\n]*(?:(-|–)\s*|(,)[^\S\n]*)", t[end:end + _NEAR])  # a dash may end the line
        if link:
            nxt = _WORD.match(t, end + link.end())
            if not nxt:
                break
            first = nxt.group(1)
            if link.group(2) == ",":
                # a comma goes on into lower case words only ("…, giáo dục pháp luật")
                if first[0].isupper() or stop_re.match(f, nxt.start(1)):
                    break
                if re.match(r"(?:" + _DIV_ALT + r")(?![\w])", f[nxt.start(1):nxt.start(1) + _NEAR]):
                    break
            elif _BODY_START.match(t, nxt.start(1)) or _capital_stop(t, nxt.start(1)):
                break
            end = nxt.start(1)
            end = _WORD.match(t, end).end()
            lower_run = 0 if first[0].isupper() else lower_run + 1
    return end


def _expand_domains(name: str) -> str:
    """A name read from capitalisation with its domains written in full ("Trường THPT Chuyên
    Thái Bình" → "Trường Trung học phổ thông Chuyên Thái Bình"): abbreviations.tsv, domain."""
    full = _domain_expansions()
    return re.sub(r"(?<![\w&])[A-ZĐ][A-ZĐ&\-]+(?![\w&])", lambda a: full.get(a.group(0), a.group(0)), name)


@functools.cache
def _domain_expansions() -> dict[str, str]:
    return {r["abbr"]: r["expansion"] for r in load_tsv("abbreviations.tsv") if r["category"] == "domain"}


def _ends_with_province(name: str) -> bool:
    """A name closed by a province's name ("Trường Đại học Thái Bình"): what follows in capitals
    is the next cell of a flattened table ("… Thái Bình | Tư vấn tuyển sinh"), not more name."""
    words = name.split()
    return any(len(words) > n and (u := lookup_unit(" ".join(words[-n:]))) is not None
               and u.tier == "province" and fold(u.name) == fold(" ".join(words[-n:]))
               for n in (2, 3))


def _same_head(g: _Gaz, head: str) -> list[str]:
    """Known local names under ``head`` (folded), listed once per gazetteer and head."""
    cache = g.__dict__.setdefault("_same_head", {})
    if head not in cache:
        cache[head] = [k for k in g.local if k.startswith(head + " ")]
    return cache[head]


def _fallback_listed(m: re.Match, f: str, t: str, res: _Resolver, g: _Gaz) -> _Mention | None:
    """``Trường Tiểu học Nghĩa Đàn`` not in the gazetteer: the head and the name after it
    (:func:`_name_extent`), matched fuzzily against known names (OCR-damaged spellings)."""
    if _caps_line(t, m.start()):
        return None
    head = _listed_head_forms().get(fold(m.group(1)), m.group(1))
    first = _WORD.match(t, m.end())
    if not first or not first.group(1)[0].isupper():
        return None  # "Hội đồng", "Hội nghị": another word, not the head "Hội" and a name
    # "xã Trường Giang", "Trường Sơn": a place whose name begins like a body's head word
    if re.search(r"(?:^|[^\w])(?:" + _DIV_ALT + r")\s*$", f[max(0, m.start() - 12):m.start()]):
        return None
    pos = _name_extent(t, f, first.start(1))
    raw = _tidy(head + t[m.end():pos])
    if raw == head:
        return None
    place = re.match(r"[^\d(\-–]*[^\d(\s\-–]", raw)
    unit = lookup_unit(place.group(0), res.p.date) if place and " " in place.group(0) else None
    if unit is not None and fold(unit.name) == fold(place.group(0)):
        return None
    from rapidfuzz import fuzz, process  # lazy: only for names outside the gazetteer

    # only names of the same head: "Cục Quản lý thị trường" is not "Chi cục Quản lý thị trường"
    same_head = _same_head(g, fold(head))
    fuzzy = g.__dict__.setdefault("_fuzzy", {})  # a name printed again is matched once
    key = (fold(head), fold(raw))
    if key not in fuzzy:
        if len(fuzzy) > 4096:
            fuzzy.clear()
        fuzzy[key] = process.extractOne(key[1], same_head, scorer=fuzz.ratio, score_cutoff=90)
    best = fuzzy[key]
    if not best and len(raw.split()) >= 4 and _line_end(t, pos):
        # A line cropped on the right ("Sở Kế hoạch và Đầ"): the one known name it begins.
        names = {g.local[k][0] for k in same_head if k.startswith(fold(raw)) and k != fold(raw)}
        if len(names) == 1:
            best = (fold(_tidy(names.pop())),)
    name, kind = g.local[best[0]] if best else (_expand_domains(raw), head)
    mention = _listed(name, kind, m.start(), pos, f, t, res, g, known=bool(best))
    mention.prio = 6
    if _NATIONAL_WORDS.search(fold(name)):  # "Bệnh viện Đa khoa vùng Tây Nguyên": no one province's
        mention.locality = None
    # A known name followed by more of a name ("Trung tâm Văn hóa - Thể thao | và Truyền thanh
    # - Truyền hình") is a longer body, unless what follows is a place ("… | Kon Tum").
    known = g.local_re.match(f, m.start()) if not best else None
    # (only across a connector: a glued table cell "Sở Lao động - TB&XH | Cung cấp …" is not)
    if known and known.end() < pos and re.match(r"[^\S\n]*(?:-|–|,|và(?!\w))", t[known.end():pos]):
        rest = t[known.end():pos].strip(" ,-–")
        rest = re.sub(r"^và\s+", "", rest)
        if rest[:1].isupper() and lookup_unit(rest) is None:
            mention.prio = 3
    return mention


_CAP_TIER = {"tỉnh": "province", "huyện": "district", "xã": "commune"}
# "HĐND, UBND các tỉnh …", "HĐND và UBND xã": the first head shares the second's unit words.
_ELLIPSIS = re.compile(r"[^\S\n]*(?:,|và)[^\S\n]*(?:ủy ban nhân dân|hội đồng nhân dân|ubnd|hđnd)(?=[^\S\n])")


# "Tỉnh ủy, HĐND, UBND tỉnh X": the heads that share the place printed after the last one.
_HEAD_CHAIN = re.compile(r"[^\S\n]*(?:,|và)[^\S\n]*(?:ủy ban nhân dân|hội đồng nhân dân|ubnd|hđnd)(?=[^\S\n]|,)")


def _tier_mention(head: str, word: str, start: int, end: int, res: _Resolver) -> _Mention | None:
    """``UBND cấp huyện``: the tier's bodies as a group below the issuer, or one body."""
    tier = _CAP_TIER[word]
    p = res.p
    if p.tier not in _TIERS or _TIERS[tier] > _TIERS[p.tier]:
        loc = p.locality if p.tier in _TIERS else None
        return _Mention(start, end, 5, None, loc, group=("ubnd", head, tier, ""),
                        form="cấp " + word, generic=True)
    div = {"province": None, "district": "huyện", "commune": "xã"}[tier]
    loc, kind = res.division(div) if div else res.division(p.kind if tier == p.tier else "tỉnh")
    name = res.unit_name(head, loc, kind)
    return _Mention(start, end, 5, name, loc, generic=True) if name else None


def _unit_body(m: re.Match, f: str, t: str, res: _Resolver, g: _Gaz) -> _Mention | list[_Mention] | None:
    head_key = (m.group(1) or m.group(3) or "").lower()
    head = "Ủy ban nhân dân" if head_key in ("ủy ban nhân dân", "ubnd") else "Hội đồng nhân dân"
    start, end = m.start(), m.end()
    at = end      # where the unit words are read; past a shared second head in an ellipsis
    own = True    # the unit words follow this head itself (its span includes them)
    ell = _ELLIPSIS.match(f, end)
    if ell and not re.match(r"[^\S\n]+(?:cấp|các|" + _DIV_ALT + r")" + _WE, f[end:end + _NEAR]):
        at, own = ell.end(), False
    # Positions of the Văn phòng: "CVP, các PCVP UBND tỉnh" names the Văn phòng.
    before = f[max(0, start - 60):start]
    vp = head == "Ủy ban nhân dân" and _POSITION_VP.search(before)
    p = res.p

    def span_end(pos: int) -> int:
        return pos if own else end

    cap = re.match(r"[^\S\n]+cấp[^\S\n]+(tỉnh|huyện|xã)" + _WE, f[at:at + _NEAR])
    if cap:
        return _tier_mention(head, cap.group(1), start, span_end(at + cap.end()), res)
    scope = _scope_form(f, at, require_cac=False)
    if not scope:
        # A bare head: the issuer (signature "TM. ỦY BAN NHÂN DÂN", "Ủy ban nhân dân ban hành").
        if own and p.issuer and p.issuer.startswith(head) and not vp:
            return _Mention(start, end, 5, p.issuer, p.locality, generic=True)
        if own and not vp and _BARE_RECIPIENT.search(f, max(0, start - 12), start) and re.match(r"[^\S\n]*[;,]", f[end:end + _NEAR]):
            # "- HĐND;" in a local issuer's Nơi nhận: the Council of the issuer's own unit
            name = res.unit_name(head, p.locality, p.kind) if p.tier in _TIERS else None
            return _Mention(start, end, 5, name, p.locality, generic=True) if name else None
        return None
    form, divs, after = scope
    plural = f[at:after].split()[0] == "các" or len(divs) > 1
    if plural:
        if _OPEN_TAIL.match(f, after):
            return None
        members = _members(t, f, after, divs, p.date)
        if members:
            # "Ủy ban nhân dân các tỉnh: Gia Lai, Đắk Lắk": one body in each unit named.
            out = []
            for i, (unit, div, s, e) in enumerate(members):
                out.append(_Mention(start if i == 0 else s, e, 5, f"{head} {div} {unit}", unit))
            return out + _party_members(f, start, members)
        tier = DIVISIONS.get(divs[0], "province")
        key = ""
        qual = _QUALIFIER.match(f, after)
        if qual:
            after, key = qual.end(), "thí điểm"
        if not key:
            extra, end2 = _plural_tail(t, f, after, len(divs))
            if extra:
                after, key, form = end2, fold(extra), f"{head} {form} {extra}"
        elif key == "thí điểm":
            form = _surface(t, start, after, head)
        # Groups take the issuer's locality (a national issuer has none).
        return _Mention(start, span_end(after), 5, None, p.locality, group=("ubnd", head, tier, key),
                        form=form, generic=True)
    div = divs[0]
    pos = after
    proper = None
    pr = _proper_after(t, pos)
    if pr:
        unit = lookup_unit(pr[0], kind=div)
        if unit is not None or DIVISIONS[div] == "district":
            proper, pos = (unit.name if unit else pr[0]), pr[1]
    qual = _QUALIFIER.match(f, pos)
    if qual and not proper:
        pos = qual.end()
        return _Mention(start, span_end(pos), 5, None, p.locality, group=("ubnd", head, DIVISIONS[div], "thí điểm"),
                        form=_surface(t, start, pos, head), generic=True)
    loc, kind = res.division(div, proper)
    if loc is None:
        return None
    if vp:
        return _Mention(start, span_end(pos), 5, f"Văn phòng {head} {div}", loc)
    if proper:
        return _Mention(start, span_end(pos), 5, f"{head} {div} {proper}", loc)
    name = res.unit_name(head, loc, kind)
    return _Mention(start, span_end(pos), 5, name, loc, generic=True) if name else None


_BARE_RECIPIENT = re.compile(r"(?:^|\n)[^\S\n]*[-+•][^\S\n]*$")


def _surface(t: str, start: int, end: int, head: str) -> str:
    text = t[start:end]
    text = re.sub(r"^(?:UBND|Ủy ban nhân dân|ỦY BAN NHÂN DÂN|HĐND|Hội đồng nhân dân)", head, text)
    return _tidy(text)


# ----------------------------------------------------------------------------------------
# From mentions to agencies


_TW_SUFFIX = " trực thuộc Trung ương"


def _group_name(key: tuple, forms: list[str], heading_forms: list[str], subject_forms: list[str] = ()) -> str:
    if key[0] == "chuyen_mon":
        conns = Counter(fm.split("|")[0] for fm in forms if fm.split("|")[0])
        divs = Counter(fm.split("|")[1] for fm in forms if fm.split("|")[1])
        conn = conns.most_common(1)[0][0] if conns else "thuộc"
        div = divs.most_common(1)[0][0] if divs else None
        return f"Các cơ quan chuyên môn {conn} Ủy ban nhân dân" + (f" {div}" if div else "")
    _, head, tier, qual = key
    if qual:
        pool = heading_forms or forms
        return max(pool, key=lambda s: (len(s), s))
    enums = [fm for fm in forms if fm.startswith("các ")]
    caps = [fm for fm in forms if fm.startswith("cấp ")]
    # The units enumerated where the group opens a duty item name it ("IV.6. Ủy ban nhân dân
    # phường, xã, đặc khu"); else the commoner wording.
    subject_enums = [fm for fm in subject_forms if fm.startswith("các ")]
    if subject_enums:
        enums, caps = subject_enums, []
    if enums and len(enums) > len(caps):
        # The commonest wording names the set ("UBND cấp tỉnh" in the articles and "UBND các
        # tỉnh, thành phố trực thuộc trung ương" in Nơi nhận are one group, as the seed golds
        # merge them); "… trực thuộc Trung ương" is the same enumeration said in full.
        bases = [fm.removesuffix(_TW_SUFFIX) for fm in enums]
        counts = Counter(bases)
        best = max(counts, key=lambda s: (counts[s], -bases.index(s)))
        if best + _TW_SUFFIX in enums:
            best += _TW_SUFFIX
        return f"{head} {best}"
    word = caps[0][4:] if caps else {"province": "tỉnh", "district": "huyện", "commune": "xã"}[tier]
    return f"{head} cấp {word}"


@dataclass
class _Analysis:
    hits: list[AgencyHit]
    items: list[dict]
    spans: list[list[tuple[int, int]]]
    group_names: dict[tuple, str] = field(default_factory=dict)


def _analyse(ctx: Context) -> _Analysis:
    t = ctx.text.text
    key = (len(t), hash(t), ctx.locality, ctx.level, ctx.parent_locality,
           str((ctx.document or {}).get("issuer")), (ctx.document or {}).get("issued_date"))
    cached = getattr(ctx, "_agency_analysis", None)
    if cached and cached[0] == key:
        return cached[1]
    place = _place(ctx)
    mentions = _scan(t, place)
    f = fold(t)
    # Name the groups from all their mentions; a line of the Nơi nhận heads no duties.
    blocks = _recipient_blocks(t)
    forms: dict[tuple, list[str]] = {}
    headings: dict[tuple, list[str]] = {}
    subjects: dict[tuple, list[str]] = {}  # wordings that open a duty item
    for mt in mentions:
        if mt.group:
            forms.setdefault(mt.group, []).append(mt.form or "")
            if _assigned(f, mt.start) and not any(s <= mt.start < e for s, e in blocks):
                # a duty follows, or the group heads a section ("IV.6. UBND phường, xã:")
                if not re.match(r"[^\S\n]*[;,.][^\S\n]*(?:\n|$)", t[mt.end:mt.end + 200]):
                    subjects.setdefault(mt.group, []).append(mt.form or "")
                if _line_end(t, mt.end):
                    headings.setdefault(mt.group, []).append(mt.form or "")
    names = {k: _group_name(k, v, headings.get(k, []), subjects.get(k, [])) for k, v in forms.items()}
    # Categories count only where some mention is assigned duties.
    assigned = {mt.name for mt in mentions if mt.condition == "assigned" and mt.assigned}
    hits = []
    for mt in mentions:
        name = names[mt.group] if mt.group else mt.name
        if not name or (mt.condition == "assigned" and mt.name not in assigned):
            continue
        hits.append(AgencyHit(mt.start, mt.end, name, mt.locality))
    # "UBND tỉnh (b/c)" where the text also prints "UBND tỉnh Bình Định": the name printed in full.
    printed = {h.name for h in hits}
    hits = [AgencyHit(h.start, h.end, f"{h.name} {h.locality}", h.locality)
            if h.locality and f"{h.name} {h.locality}" in printed else h for h in hits]
    # A national document's "Thường trực Tỉnh ủy" where it also prints "Thường trực Tỉnh ủy
    # Thanh Hóa" and no other: that one body.
    full: dict[str, set] = {}
    for h in hits:
        if h.locality and h.name.endswith(" " + h.locality):
            full.setdefault(h.name[:-len(h.locality) - 1], set()).add((h.name, h.locality))
    hits = [AgencyHit(h.start, h.end, *next(iter(full[h.name])))
            if h.locality is None and len(full.get(h.name, ())) == 1 else h for h in hits]
    # "Sở X các tỉnh, thành phố" where the text also says "… trực thuộc Trung ương": one group.
    full = {h.name for h in hits if h.name.endswith(_TW_SUFFIX)}
    hits = [AgencyHit(h.start, h.end, h.name + _TW_SUFFIX, h.locality) if h.name + _TW_SUFFIX in full else h
            for h in hits]
    # The letterhead (capital lines above "Số:") repeats the issuer a rendering may lack:
    # it counts only for a body the text names nowhere else (000 and 001 must agree).
    head_end = _letterhead_end(t)
    elsewhere = {(h.name, h.locality) for h in hits if h.start >= head_end}
    hits = [h for h in hits if h.start >= head_end or (h.name, h.locality) not in elsewhere]
    order: dict[tuple, int] = {}
    items, spans = [], []
    for h in hits:
        k = (h.name, h.locality)
        if k not in order:
            order[k] = len(items)
            items.append({"name": h.name, "locality": h.locality, "mentions": 0})
            spans.append([])
        i = order[k]
        items[i]["mentions"] += 1
        spans[i].append((h.start, h.end))
    result = _Analysis(hits, items, spans, names)
    try:
        object.__setattr__(ctx, "_agency_analysis", (key, result))
    except (AttributeError, TypeError):
        pass
    return result


_RECIPIENTS = re.compile(r"(?m)^[^\S\n]*[*_]*[^\S\n]*(?:Nơi nhận|NƠI NHẬN)[^\S\n]*[*_]*[^\S\n]*:")


def _recipients_start(t: str) -> int:
    """Offset of the last "Nơi nhận:" (the recipients' block), or the text's end."""
    last = None
    for last in _RECIPIENTS.finditer(t):
        pass
    return last.start() if last else len(t)


@functools.cache
def _attachment_heading() -> re.Pattern:
    """A line that is only a kind word in capitals ("KẾ HOẠCH", "PHỤ LỤC"): an attached
    document begins after the decision's Nơi nhận (kind words from doc_types.tsv)."""
    kinds = sorted({r["name"].upper() for r in load_tsv("doc_types.tsv") if r.get("generic") != "yes"}
                   | {"PHỤ LỤC"}, key=len, reverse=True)
    return re.compile(r"(?m)^[^\S\n]*[*#_]*[^\S\n]*(?:" + "|".join(map(re.escape, kinds)) + r")[^\S\n]*[*_]*[^\S\n]*$")


def _recipient_blocks(t: str) -> list[tuple[int, int]]:
    """Each "Nơi nhận:" block, up to the attached document that may follow it."""
    blocks = []
    for m in _RECIPIENTS.finditer(t):
        nxt = _attachment_heading().search(t, m.end())
        blocks.append((m.start(), nxt.start() if nxt else len(t)))
    return blocks


def _letterhead_end(t: str) -> int:
    """Offset of the "Số: …" line when only a letterhead (a few short lines: issuing body,
    Quốc hiệu) stands above it, else 0."""
    m = re.search(r"(?m)^[^\S\n]*Số[^\S\n]*[:.]", t[:800])
    if not m:
        return 0
    above = [ln for ln in t[:m.start()].split("\n") if ln.strip()]
    return m.start() if 0 < len(above) <= 8 and all(len(ln) <= 120 for ln in above) else 0


def _line_end(t: str, end: int) -> bool:
    rest = t[end: (t.find("\n", end) if t.find("\n", end) >= 0 else len(t))]
    return not re.search(r"\w", rest) or bool(re.fullmatch(r"\s*(?:trên địa bàn.*|:.*)?", rest, re.I))


# ----------------------------------------------------------------------------------------
# Public API

# Posts held in a body: "Giám đốc Sở X", "Chủ tịch, các PCT UBND tỉnh" name the body.
_POSITIONS = re.compile(
    r"(?:\s*(?:,|và|các|phó|thủ trưởng|bộ trưởng|giám đốc|chủ tịch|trưởng ban|trưởng phòng|"
    r"chi cục trưởng|cục trưởng|tổng cục trưởng|chánh văn phòng|cvp|pcvp|ct|pct|gđ|pgđ)\s*)*")


@component("agencies", requires=("text", "document", "locality"))
def extract_agencies(ctx: Context) -> Section:
    """Every body named in the document, once per (canonical name, locality)."""
    a = _analyse(ctx)
    return Section(items=[dict(i) for i in a.items],
                   spans=[[ctx.text.span(s, e) for s, e in sp] for sp in a.spans])


def find_agencies(ctx: Context, start: int, end: int) -> list[AgencyHit]:
    """Agency mentions inside ``ctx.text.text[start:end]``, named as extract_agencies names them."""
    return [h for h in _analyse(ctx).hits if h.start >= start and h.end <= end]


def canonical_agency(raw: str, ctx: Context) -> tuple[str, str | None] | None:
    """A raw name ("Sở KH&CN", "UBND tỉnh", "Tổng cục TCDLCL", "BCĐ 19") → (name, locality)."""
    raw = " ".join(raw.split())
    if not raw:
        return None
    place = _place(ctx)
    mentions = _scan(raw, place)
    if mentions:
        best = max(mentions, key=lambda m: m.end - m.start)
        covered = (_POSITIONS.fullmatch(fold(raw[:best.start])) is not None
                   and not re.search(r"\w", raw[best.end:]))
        if best.group and covered:
            known = _analyse(ctx).group_names.get(best.group)
            fm = [best.form or ""]
            return known or _group_name(best.group, fm, fm), best.locality
        if best.name and covered:
            return best.name, best.locality
    from rapidfuzz import fuzz, process  # lazy: OCR-damaged names only

    g = gazetteer()
    hit = process.extractOne(fold(_tidy(raw)), list(g.national) + list(g.local), scorer=fuzz.ratio,
                             score_cutoff=88)
    if not hit:
        return None
    if hit[0] in g.national:
        return g.national[hit[0]], None
    name, kind = g.local[hit[0]]
    return name, _Resolver(place).default_locality(_local_levels().get(name, {"province"}))
