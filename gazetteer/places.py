"""Localities for the published database: a bare name (``Hà Đông``) → one unit row.

Units come from :mod:`gazetteer.localities` (current units from the ``vietnam-provinces``
package, former provinces and their successors from the gazetteer's data files). The
division word a document uses (``xã Hà Đông``, ``tỉnh Kon Tum``) decides between
namesakes; a former unit links to the unit it became.
"""
from __future__ import annotations

from dataclasses import dataclass

from gazetteer import localities as gl

from pipeline.core.identity import slug
from pipeline.core.vntext import fold_key

DIVISIONS = gl.DIVISIONS
split_division = gl.split_division


@dataclass(frozen=True)
class Unit:
    id: str
    name: str            # bare name: "Thừa Thiên Huế"
    division: str        # "tỉnh", "thành phố", "xã", …
    level: str           # province | commune | district
    code: int | None = None
    parent: str | None = None      # id of the province of a commune
    successor: str | None = None   # id of the unit it became
    succession_kind: str | None = None
    succession_effective: str | None = None
    current: bool = True           # exists after the 2025 reorganisation

    @property
    def full_name(self) -> str:
        return f"{self.division} {self.name}"


def _unit_id(division: str, name: str, code: int | None = None, commune: bool = False) -> str:
    # Namesake communes exist in several provinces: their code keeps them apart.
    base = slug(f"{division} {name}")
    return f"{base}-{code}" if commune and code is not None else base


class Gazetteer:
    """Resolves bare locality names, given the division words seen in the corpus."""

    def __init__(self, hints: dict[str, set[str]] | None = None):
        # hints: folded bare name → division words seen with it ("xã", "tỉnh")
        self.hints = hints or {}
        self.units: dict[str, Unit] = {}

    def _convert(self, u: "gl.Unit") -> Unit:
        commune = u.tier == "commune"
        parent = successor = kind = None
        if commune and u.province:
            p = gl.lookup_unit(u.province)
            parent = self._remember(self._convert(p)).id if p else None
        after = gl.successor(u.full_name) if not u.current else None
        if after:
            div, name = split_division(after[0])
            nxt = self.resolve(name, div)
            successor, kind = (nxt.id if nxt else None), after[2]
        return Unit(_unit_id(u.kind, u.name, u.code, commune), u.name, u.kind, u.tier, u.code,
                    parent, successor, kind, after[1] if after else None, u.current)

    def resolve(self, name: str | None, division: str | None = None) -> Unit | None:
        """The unit a bare name means; a placeholder unit (no code) when nothing fits."""
        if not name:
            return None
        divisions = {division} if division else self.hints.get(fold_key(name), set())
        found = None
        for div in sorted(divisions):
            found = found or gl.lookup_unit(name, kind=div)
        if found is None and not divisions:
            found = gl.lookup_unit(name)
        if found is not None:
            return self._remember(self._convert(found))
        div = min(divisions) if divisions else "địa phương"
        return self._remember(Unit(_unit_id(div, name), name, div, DIVISIONS.get(div, "unknown"),
                                   current=False))

    def _remember(self, unit: Unit) -> Unit:
        return self.units.setdefault(unit.id, unit)


def division_hints(names: list[str], localities: list[str]) -> dict[str, set[str]]:
    """Division words each locality is named with in the corpus (``Ủy ban nhân dân xã Hà Đông``)."""
    hints: dict[str, set[str]] = {}
    folded_names = [fold_key(n) for n in names if n]
    by_length = sorted(DIVISIONS, key=len, reverse=True)
    for loc in sorted({fold_key(x) for x in localities if x}):
        for fn in folded_names:
            if not fn.endswith(" " + loc):
                continue
            before = fn[: -len(loc) - 1]
            div = next((d for d in by_length if before == fold_key(d) or before.endswith(" " + fold_key(d))), None)
            if div:
                hints.setdefault(loc, set()).add(div)
    return hints
