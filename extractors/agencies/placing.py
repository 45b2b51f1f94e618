"""Where the document stands: the issuer's unit, its tier and (for a commune or district) its
province, read from the header and the text; and the :class:`_Resolver` that says which
unit a division word ("tỉnh", "xã") means in that document."""
from __future__ import annotations

import re

from collections import Counter
from dataclasses import dataclass

from gazetteer.localities import DIVISIONS, candidates, lookup_unit
from pipeline.core.models import Context

from .reading import _NEAR, _proper_after
from .vocabulary import bare, _DIV_ALT, fold, _SP_DIV, _tidy


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


def _division_after(f: str, t: str, pos: int, allow_proper: bool = True):
    """`` tỉnh Kon Tum`` / `` xã`` after pos → (division, proper or None, end)."""
    m = _SP_DIV.match(f[pos:pos + _NEAR])
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
