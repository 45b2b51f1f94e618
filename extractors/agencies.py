"""Agencies: every body a document names, once per canonical name and locality.

The text is scanned once (cached on the Context) by patterns compiled from the gazetteer:
national bodies (``agencies.tsv``), named local bodies (``local_agencies.tsv``), kinds of
local bodies and how each is named (``body_kinds.tsv``), plural groups (``groups.tsv``),
People's Committees and their groups. Overlapping candidates are settled by pass order,
then length. Each mention then gets its canonical name (full, no abbreviation, division
word dropped where the kind's naming says so) and locality (the issuer's unless the text
names another, or the kind does not exist at the issuer's level — a commune has no Sở).

Public API: :func:`extract_agencies`, :func:`find_agencies`, :func:`canonical_agency`.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from gazetteer import load_tsv
from gazetteer.localities import DIVISIONS, lookup_unit, candidates
from pipeline.models import Context, Section

# ----------------------------------------------------------------------------------------
# Folding: lower case with the contract's tone placement, same length as the text, so
# offsets found in the folded text are offsets in the text.

_TONE_FIX = {
    "uỷ": "ủy", "uý": "úy", "uỳ": "ùy", "uỹ": "ũy", "uỵ": "ụy",
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
}
_TONE_RE = re.compile("|".join(_TONE_FIX) + r"(?!\w)")


def fold(text: str) -> str:
    low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return _TONE_RE.sub(lambda m: _TONE_FIX[m.group(0)], low)


def _tidy(name: str) -> str:
    """One spelling: single spaces, `` - `` between words, tone placement fixed."""
    name = re.sub(r"\s*-\s*", " - ", name)
    name = re.sub(r"\s*,\s*", ", ", name)
    name = " ".join(name.split())
    for old, new in _TONE_FIX.items():
        name = re.sub(old + r"(?!\w)", new, name)
        name = re.sub(old.capitalize() + r"(?!\w)", new.capitalize(), name)
        name = re.sub(old.upper() + r"(?!\w)", new.upper(), name)
    return name


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
_QUALIFIER = re.compile(r"\s+((?:được\s+|triển khai\s+|tham gia\s+|áp dụng\s+)?thí điểm)\b")
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
_TITLE_END = re.compile(r";|\.(?=\s|$)|\n|,\s+(?=[A-ZĐÀ-Ỹ])")
# "Ban chỉ đạo ISO tại các cơ quan": one such body in each of many, not a body.
_DISTRIBUTIVE = re.compile(r"\s+(?:tại|của|ở|trong)\s+(?:các|mỗi|từng)\s")
_POSITION_VP = re.compile(
    r"(?:(?:cvp|pcvp|chánh văn phòng|phó chánh văn phòng)(?:\s*,\s*|\s+và\s+|\s+)(?:các\s+)?)+$")
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
    groups: list[tuple[str, re.Pattern, str]] = field(default_factory=list)
    national_re: re.Pattern | None = None
    national_abbr_re: re.Pattern | None = None
    local_re: re.Pattern | None = None
    local_abbr_re: re.Pattern | None = None
    compound_re: re.Pattern | None = None
    compound_abbr_re: re.Pattern | None = None
    fuzzy_names: dict[str, str] = field(default_factory=dict)   # folded name → name


def _alternation(keys) -> str:
    return "|".join(sorted(keys, key=len, reverse=True))


@functools.cache
def gazetteer() -> _Gaz:
    g = _Gaz()
    for row in load_tsv("agencies.tsv", required=("name", "kind", "level", "aliases", "abbreviations")):
        name = row["name"]
        for alias in [name, *_split(row["aliases"])]:
            g.national[fold(_tidy(alias))] = name
        for abbr in _split(row["abbreviations"]):
            for v in _abbr_variants(abbr):
                g.national_abbr[v] = name
        g.fuzzy_names[fold(name)] = name
    for row in load_tsv("local_agencies.tsv", required=("name", "kind", "levels", "aliases", "abbreviations")):
        entry = (row["name"], row["kind"])
        for alias in [row["name"], *_split(row["aliases"])]:
            g.local[fold(_tidy(alias))] = entry
        for abbr in _split(row["abbreviations"]):
            for v in _abbr_variants(abbr):
                g.local_abbr[v] = entry
        g.fuzzy_names[fold(row["name"])] = row["name"]
    for row in load_tsv("body_kinds.tsv", required=("kind", "heads", "canonical", "levels", "naming")):
        row = dict(row, levels=set(_split(row["levels"])))
        g.kinds[row["kind"]] = row
        for head in _split(row["heads"]):
            if re.fullmatch(r"[A-ZĐ][A-ZĐ&\-]*(?: [A-ZĐ][A-ZĐ&\-]*)*", head) and head not in ("BCĐ",):
                g.kind_abbr[head] = row["kind"]
            elif head == "BCĐ":
                g.kind_abbr[head] = row["kind"]
            else:
                g.kind_heads[fold(_tidy(head))] = row["kind"]
    for row in load_tsv("groups.tsv", required=("name", "pattern", "condition")):
        g.groups.append((row["name"], re.compile(row["pattern"]), row["condition"]))

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
    g.compound_abbr_re = re.compile(
        _ABBR_START + "(" + _alternation(_alias_re(h) if " " in h else re.escape(h) for h in cabbr) + ")"
        + _ABBR_END) if cabbr else None
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
        m = _ISSUER_UNIT.search(name)
        if m:
            kind = m.group(1).lower()
            locality = locality or m.group(2).strip()
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
    parent_kind = None
    if parent:
        unit = lookup_unit(parent, date)
        parent_kind = unit.kind if unit else "tỉnh"
    return _Place(locality, kind, tier, parent, parent_kind, name, date)


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


@dataclass(frozen=True)
class AgencyHit:
    start: int
    end: int
    name: str
    locality: str | None


def _caps_line(t: str, pos: int) -> bool:
    ls = t.rfind("\n", 0, pos) + 1
    le = t.find("\n", pos)
    line = t[ls: le if le >= 0 else len(t)]
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters)


def _proper_after(t: str, pos: int) -> tuple[str, int] | None:
    """A capitalised place name right after ``pos`` ("Thừa Thiên Huế", "KON TUM")."""
    m = re.match(r"\s+((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)(?:\s*-\s*[A-ZĐÀ-Ỹ][\wÀ-ỹ]*|\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*)", t[pos:])
    if not m:
        return None
    name = m.group(1)
    if name.isupper():
        name = " ".join(w.capitalize() for w in name.split())
    return _tidy(name), pos + m.end()


def _division_after(f: str, t: str, pos: int, allow_proper: bool = True):
    """`` tỉnh Kon Tum`` / `` xã`` after pos → (division, proper or None, end)."""
    m = re.match(r"\s+(" + _DIV_ALT + r")" + _WE, f[pos:])
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
            return None, None
        return None, None

    def default_locality(self, levels: set[str]) -> str | None:
        """Locality of a body of a kind existing at ``levels``, named without its place."""
        p = self.p
        if p.tier == "national" or p.tier is None:
            return p.locality
        if p.tier in levels:
            return p.locality
        if p.tier == "commune" and p.parent and "province" in levels:
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
        return f"{head} {div} {locality}" if div else None


def _scan(t: str, place: _Place) -> list[_Mention]:
    g = gazetteer()
    f = fold(t)
    res = _Resolver(place)
    cands: list[_Mention] = []

    skip = [(m.start(), m.end()) for m in re.finditer(r"(?m)^[\s\-–]*lưu\s*:?.*$", f)]

    # 1. National bodies, by name and by abbreviation.
    for m in g.national_re.finditer(f):
        if _LAW_PREFIX.search(f[max(0, m.start() - 100): m.start()]):
            continue
        name = g.national.get(_alias_key(m.group(1), g.national))
        if name:
            cands.append(_Mention(m.start(), m.end(), 1, name, None))
    for m in g.national_abbr_re.finditer(t):
        cands.append(_Mention(m.start(), m.end(), 1, g.national_abbr[m.group(1)], None))

    # 2. Kinds named by division word, designator, or bare; and "Tổ giúp việc <body>".
    for regex, lookup in ((g.compound_re, lambda s: g.kind_heads.get(_alias_key(s, g.kind_heads))),
                          (g.compound_abbr_re, lambda s: g.kind_abbr.get(" ".join(s.split())))):
        if regex is None:
            continue
        src = f if regex is g.compound_re else t
        for m in regex.finditer(src):
            kind = lookup(m.group(1))
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
    for m in re.finditer(r"(?<![\w])(Sở|Phòng|Chi cục|Trung tâm)\s+(?=[A-ZĐÀ-Ỹ])", t):
        mention = _fallback_listed(m, f, t, res, g)
        if mention:
            cands.append(mention)

    # 4. Plural groups.
    for name, regex, condition in g.groups:
        for m in regex.finditer(f):
            if _OPEN_TAIL.match(f, m.end()):
                continue
            loc, _ = res.division(None)
            cands.append(_Mention(m.start(), m.end(), 4, name, loc, condition=condition,
                                  assigned=_assigned(f, m.start()), generic=True))
    for m in re.finditer(
            r"\bcác\s+(?:cơ quan|phòng,?\s*ban)\s+chuyên môn"
            r"(?:\s+(thuộc|của|trực thuộc)\s+(?:ủy ban nhân dân|ubnd)(?:\s+(" + _DIV_ALT + r"))?"
            r"|\s+(" + _DIV_ALT + r")" + _WE + r")?", f):
        if _OPEN_TAIL.match(f, m.end()):
            continue
        div = m.group(2) or m.group(3)
        loc, kind = res.division(div) if div else res.division(None)
        if loc is None:
            continue
        cands.append(_Mention(m.start(), m.end(), 4, None, loc, group=("chuyen_mon", loc),
                              form=f"{m.group(1) or ''}|{div or ''}", generic=True))

    # 5. People's Committees and Councils, single and plural.
    for m in re.finditer(r"(?<![\w])(ủy ban nhân dân|hội đồng nhân dân)(\s*\((?:UBND|HĐND)\))?|"
                         r"(?<![\w/\-])(UBND|HĐND)(?![\w/\-])", _fold_keep_abbr(f, t)):
        mention = _unit_body(m, f, t, res, g)
        if mention:
            cands.append(mention)

    chosen = _select(cands, skip)
    # Level-generic mentions and groups inside the trích yếu of a cited document are the
    # cited document's words, not this document's bodies.
    titles = _title_regions(t, f)
    return [c for c in chosen if not (c.generic and any(s <= c.start < e for s, e in titles))]


def _fold_keep_abbr(f: str, t: str) -> str:
    """Folded text where the abbreviations UBND/HĐND keep their capitals (case-sensitive)."""
    out = list(f)
    for m in re.finditer(r"UBND|HĐND", t):
        out[m.start():m.end()] = list(m.group(0))
    return "".join(out)


def _alias_key(matched: str, table: dict) -> str:
    """The table key of a matched alias (the pattern tolerates spacing and commas)."""
    key = fold(_tidy(matched))
    if key in table:
        return key
    squeezed = re.sub(r"\s*,\s*", " ", key)
    return next((k for k in table if re.sub(r"\s*,\s*", " ", k) == squeezed), key)


def _assigned(f: str, start: int) -> bool:
    ls = f.rfind("\n", 0, start) + 1
    return _ASSIGN_PREFIX.fullmatch(f[ls:start]) is not None


def _title_regions(t: str, f: str) -> list[tuple[int, int]]:
    regions = []
    for m in _CITATION_HEAD.finditer(f):
        if not re.search(r"\d", m.group(0)):
            continue
        end_m = _TITLE_END.search(t, m.end())
        regions.append((m.end(), end_m.start() if end_m else len(t)))
    return regions


def _select(cands: list[_Mention], skip: list[tuple[int, int]]) -> list[_Mention]:
    taken: list[tuple[int, int]] = []
    out = []
    for c in sorted(cands, key=lambda c: (c.prio, -(c.end - c.start), c.start)):
        if any(s <= c.start < e for s, e in skip):
            continue
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        taken.append((c.start, c.end))
        out.append(c)
    return sorted(out, key=lambda c: c.start)


def _compound(kind: str, m: re.Match, f: str, t: str, res: _Resolver, g: _Gaz) -> _Mention | None:
    spec = g.kinds[kind]
    naming, canonical, levels = spec["naming"], spec["canonical"], spec["levels"]
    start, end = m.start(), m.end()
    head_text = t[start:end]
    single_word = " " not in canonical
    if single_word and not head_text[:1].isupper():
        return None
    if naming in ("level_word",) and ("Đài" in canonical or "Cổng" in canonical):
        if _CHANNEL_BEFORE.search(f[max(0, start - 12):start]):
            return None
    if naming == "designator":
        d = re.match(r"\s+(\d+|[A-Z][A-Z0-9&]+)" + _WE, t[end:])
        if not d:  # "Ban Chỉ đạo chuyển đổi số xã": a named purpose closed by a division word
            d = re.match(r"\s+((?:[a-zđà-ỹ]+\s+){0,6}?[a-zđà-ỹ]+)(?=\s+(?:" + _DIV_ALT + r")" + _WE + ")",
                         f[end:])
            if not d or re.search(r"\b(?:và|của|các|cho|với|để)\b", d.group(1)):
                return None
            d = re.match(r"\s+(" + re.escape(t[end:end + d.end()].strip()) + ")", t[end:])
        end += d.end()
        if _DISTRIBUTIVE.match(f, end):
            return None
        name = f"{canonical} {d.group(1)}"
        div = _division_after(f, t, end)
        loc = None
        if div:
            loc, _ = res.division(div[0], div[1])
            end = div[2]
        return _Mention(start, end, 2, name, loc or res.default_locality(levels))
    if naming == "of_body":
        inner = re.match(r"\s+(?:ban chỉ đạo|bcđ)\s+(\d+|[a-z][a-z0-9&]+)" + _WE, f[end:])
        if not inner:
            return None
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
        loc = unit.name if unit else res.default_locality(levels)
        return _Mention(start, proper[1], 2, f"{canonical} {proper[0]}", loc)
    div = _division_after(f, t, end)
    if naming == "bare":
        loc = res.default_locality(levels)
        if div:
            loc2, _ = res.division(div[0], div[1])
            loc, end = loc2 or loc, div[2]
        return _Mention(start, end, 2, canonical, loc)
    # level_word: head + division word ("Văn phòng Ủy ban nhân dân tỉnh")
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


def _listed(name: str, kind: str, start: int, end: int, f: str, t: str, res: _Resolver, g: _Gaz) -> _Mention:
    levels = g.kinds[kind]["levels"] if kind in g.kinds else {"province"}
    row_levels = _local_levels().get(name)
    levels = row_levels or levels
    div = _division_after(f, t, end)
    loc = None
    if div:
        loc, _ = res.division(div[0], div[1])
        end = div[2]
    return _Mention(start, end, 3, name, loc or res.default_locality(levels))


@functools.cache
def _local_levels() -> dict[str, set[str]]:
    return {r["name"]: set(_split(r["levels"])) for r in load_tsv("local_agencies.tsv")}


_NAME_TOKEN = re.compile(r"\s*([A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[a-zđà-ỹ][\wà-ỹ]*)?)")
_NAME_LINK = re.compile(r"\s*(-|,|và)(?=\s*[A-ZĐÀ-Ỹ])")


def _fallback_listed(m: re.Match, f: str, t: str, res: _Resolver, g: _Gaz) -> _Mention | None:
    """``Sở Xyz abc`` not in the gazetteer: capitalised words, each with at most one more
    syllable, joined by ``-``, ``,`` or ``và``; matched fuzzily against known names."""
    if _caps_line(t, m.start()):
        return None
    head = m.group(1)
    pos = m.end()
    parts: list[str] = []
    while True:
        tok = _NAME_TOKEN.match(t, pos)
        if not tok:
            break
        parts.append(tok.group(1))
        pos = tok.end()
        link = _NAME_LINK.match(t, pos)
        if not link:
            break
        parts.append({"-": " - ", ",": ", ", "và": " và "}[link.group(1)])
        pos = link.end()
    if not parts:
        return None
    raw = _tidy(head + " " + "".join(parts))
    from rapidfuzz import fuzz, process  # lazy: only for names outside the gazetteer

    best = process.extractOne(fold(raw), list(g.local), scorer=fuzz.ratio, score_cutoff=90)
    name, kind = g.local[best[0]] if best else (raw, head)
    mention = _listed(name, kind, m.start(), pos, f, t, res, g)
    mention.prio = 6
    return mention


def _unit_body(m: re.Match, f: str, t: str, res: _Resolver, g: _Gaz) -> _Mention | None:
    head_key = (m.group(1) or m.group(3) or "").lower()
    head = "Ủy ban nhân dân" if head_key in ("ủy ban nhân dân", "ubnd") else "Hội đồng nhân dân"
    start, end = m.start(), m.end()
    rest = f[end:]
    # Positions of the Văn phòng: "CVP, các PCVP UBND tỉnh" names the Văn phòng.
    before = f[max(0, start - 60):start]
    vp = head == "Ủy ban nhân dân" and _POSITION_VP.search(before)
    # "cấp huyện", "cấp xã": a tier.
    cap = re.match(r"\s+cấp\s+(tỉnh|huyện|xã)" + _WE, rest)
    if cap:
        tier = {"tỉnh": "province", "huyện": "district", "xã": "commune"}[cap.group(1)]
        end += cap.end()
        p = res.p
        if p.tier in _TIERS and _TIERS[tier] > _TIERS[p.tier]:
            return _Mention(start, end, 5, None, p.locality, group=("ubnd", head, tier, ""),
                            form="cấp " + cap.group(1), generic=True)
        word = {"province": None, "district": "huyện", "commune": "xã"}[tier]
        loc, kind = res.division(word) if word else res.division(p.kind if tier == p.tier else "tỉnh")
        name = res.unit_name(head, loc, kind)
        return _Mention(start, end, 5, name, loc, generic=True) if name else None
    enum = re.match(r"\s+(các\s+)?((?:" + _DIV_ALT + r")(?:(?:\s*,\s*(?:và\s+)?|\s+và\s+)(?:" + _DIV_ALT
                    + r"))*)" + _WE, rest)
    if not enum:
        # A bare head: the issuer (signature "TM. ỦY BAN NHÂN DÂN", "Ủy ban nhân dân ban hành").
        p = res.p
        if p.issuer and p.issuer.startswith(head) and not vp:
            return _Mention(start, end, 5, p.issuer, p.locality, generic=True)
        return None
    divs = re.split(r"\s*,\s*(?:và\s+)?|\s+và\s+", enum.group(2))
    plural = bool(enum.group(1)) or len(divs) > 1
    end += enum.end()
    if plural:
        if _OPEN_TAIL.match(f, end):
            return None
        tier = DIVISIONS[divs[0]]
        p = res.p
        qual = _QUALIFIER.match(f, end)
        key = ""
        if qual:
            end = qual.end()
            key = "thí điểm"
        # a group of the issuer's level or above ("UBND các tỉnh") in a local document
        # is out of its locality only when the text names it so; keep the issuer's.
        return _Mention(start, end, 5, None, p.locality, group=("ubnd", head, tier, key),
                        form="các " + _tidy(t[m.end() + enum.start(2): m.end() + enum.end(2)].lower())
                        if not key else _surface(t, start, end, head), generic=True)
    div = divs[0]
    proper = None
    pr = _proper_after(t, end)
    if pr:
        unit = lookup_unit(pr[0], kind=div)
        if unit is not None or DIVISIONS[div] == "district":
            proper, end = (unit.name if unit else pr[0]), pr[1]
    qual = _QUALIFIER.match(f, end)
    if qual and not proper:
        end = qual.end()
        return _Mention(start, end, 5, None, res.p.locality, group=("ubnd", head, DIVISIONS[div], "thí điểm"),
                        form=_surface(t, start, end, head), generic=True)
    loc, kind = res.division(div, proper)
    if loc is None:
        return None
    if vp:
        return _Mention(start, end, 5, f"Văn phòng {head} {div}", loc)
    if proper:
        return _Mention(start, end, 5, f"{head} {div} {proper}", loc)
    name = res.unit_name(head, loc, kind)
    return _Mention(start, end, 5, name, loc, generic=True) if name else None


def _surface(t: str, start: int, end: int, head: str) -> str:
    text = t[start:end]
    text = re.sub(r"^(?:UBND|Ủy ban nhân dân|ỦY BAN NHÂN DÂN|HĐND|Hội đồng nhân dân)", head, text)
    return _tidy(text)


# ----------------------------------------------------------------------------------------
# From mentions to agencies


def _group_name(key: tuple, forms: list[str], heading_forms: list[str]) -> str:
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
    if enums and len(enums) > len(caps):
        counts = Counter(enums)
        best = max(counts, key=lambda s: (counts[s], -enums.index(s)))
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
    # Name the groups from all their mentions.
    forms: dict[tuple, list[str]] = {}
    headings: dict[tuple, list[str]] = {}
    for mt in mentions:
        if mt.group:
            forms.setdefault(mt.group, []).append(mt.form or "")
            if _assigned(f, mt.start) and _line_end(t, mt.end):
                headings.setdefault(mt.group, []).append(mt.form or "")
    names = {k: _group_name(k, v, headings.get(k, [])) for k, v in forms.items()}
    # Categories count only where some mention is assigned duties.
    assigned = {mt.name for mt in mentions if mt.condition == "assigned" and mt.assigned}
    hits = []
    for mt in mentions:
        name = names[mt.group] if mt.group else mt.name
        if not name or (mt.condition == "assigned" and mt.name not in assigned):
            continue
        hits.append(AgencyHit(mt.start, mt.end, name, mt.locality))
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


def _line_end(t: str, end: int) -> bool:
    rest = t[end: (t.find("\n", end) if t.find("\n", end) >= 0 else len(t))]
    return not re.search(r"\w", rest) or bool(re.fullmatch(r"\s*(?:trên địa bàn.*|:.*)?", rest, re.I))


# ----------------------------------------------------------------------------------------
# Public API

# Posts held in a body: "Giám đốc Sở X", "Chủ tịch, các PCT UBND tỉnh" name the body.
_POSITIONS = re.compile(
    r"(?:\s*(?:,|và|các|phó|thủ trưởng|bộ trưởng|giám đốc|chủ tịch|trưởng ban|trưởng phòng|"
    r"chi cục trưởng|cục trưởng|tổng cục trưởng|chánh văn phòng|cvp|pcvp|ct|pct|gđ|pgđ)\s*)*")


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
