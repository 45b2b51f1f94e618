"""Administrative units before and after the 2025 reorganisation, looked up by name.

Units after 1 July 2025 (34 provinces and cities, 3 321 communes) come from the
``vietnam-provinces`` package as shipped (no download); the 63 provinces before it come
from ``provinces_2024.tsv``, and what each became from ``successions.tsv``; the districts
and communes before it, with the commune each commune became, from the address mapping the
``underthesea`` package ships.

    lookup_unit("Thừa Thiên Huế") → Unit("Thừa Thiên Huế", "tỉnh", 46, "Thừa Thiên Huế", …)
    lookup_unit("xã Hà Đông")     → Unit("Hà Đông", "xã", 10882, "Hải Phòng")
    successor("tỉnh Kon Tum")     → ("tỉnh Quảng Ngãi", "2025-07-01", "merged")
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from . import load_tsv
from pipeline.core.vntext import fold_key

# Division words, longest first, and the tier each names.
DIVISIONS = {
    "thành phố": "province", "tỉnh": "province",
    "thị xã": "district", "huyện": "district", "quận": "district",
    "thị trấn": "commune", "đặc khu": "commune", "phường": "commune", "xã": "commune",
}
_DIV_RE = re.compile(
    r"^(?:(" + "|".join(sorted(DIVISIONS, key=len, reverse=True)) + r"|tp\.?)\s+)?(.+)$", re.IGNORECASE
)
# The 2025 reorganisation, for choosing between a former and a current unit by date.
REORGANISED = "2025-07-01"


@dataclass(frozen=True)
class Unit:
    name: str                  # bare name: "Thừa Thiên Huế", "Hà Đông"
    kind: str                  # division word: "tỉnh", "thành phố", "xã", "phường", "đặc khu"
    code: int | None           # statistics office code (province or commune)
    province: str              # bare name of its province (itself for a province)
    tier: str = "province"     # province | district | commune
    current: bool = True       # exists after the 2025 reorganisation
    successor: str | None = None   # "tỉnh Quảng Ngãi" for a merged or renamed unit
    effective: str | None = None   # date the succession took effect

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"


def _key(text: str) -> str:
    t = unicodedata.normalize("NFC", text).casefold()
    return " ".join(t.replace("-", " - ").split())


def _bare(text: str) -> str:
    """Key without marks (đ → d), for OCR-damaged names."""
    return fold_key(_key(text))


def split_division(full: str) -> tuple[str | None, str]:
    """``tỉnh Thừa Thiên Huế`` → (``tỉnh``, ``Thừa Thiên Huế``); a bare name → (None, name)."""
    m = _DIV_RE.match(" ".join(full.split()))
    if not m:
        return None, full.strip()
    div = (m.group(1) or "").lower() or None
    if div and div.startswith("tp"):
        div = "thành phố"
    return div, m.group(2).strip()


@functools.cache
def _successions() -> dict[str, tuple[str, str, str]]:
    rows = load_tsv("successions.tsv", required=("old_name", "new_name", "effective", "kind"))
    return {_key(r["old_name"]): (r["new_name"], r["effective"], r["kind"]) for r in rows}


@functools.cache
def all_units() -> tuple[Unit, ...]:
    """Every unit: current provinces, former provinces, current communes (in that order)."""
    from vietnam_provinces import Province, Ward  # shipped data, read lazily

    units: list[Unit] = []
    province_names: dict[int, str] = {}
    for p in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        div, name = split_division(p.name)
        province_names[int(p.code)] = name
        units.append(Unit(name, div or p.division_type.value, int(p.code), name))
    current = {_key(u.full_name) for u in units}
    succ = _successions()
    for row in load_tsv("provinces_2024.tsv", required=("code", "name", "kind")):
        full = f"{row['kind']} {row['name']}"
        after = succ.get(_key(full))
        if after is None and _key(full) in current:
            continue  # unchanged: the current unit stands for it
        units.append(Unit(row["name"], row["kind"], int(row["code"]), row["name"], "province", False,
                          after[0] if after else None, after[1] if after else None))
    for w in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        div, name = split_division(w.name)
        units.append(Unit(name, div or w.division_type.value, int(w.code),
                          province_names.get(int(w.province_code), ""), "commune"))
    units.extend(_former_local_units())
    return tuple(units)


_OLD_DIVISIONS = ("thành phố", "thị xã", "thị trấn", "huyện", "quận", "phường", "xã")


def _split_old(full: str) -> tuple[str, str] | None:
    """``Quận Ninh Kiều`` → (``quận``, ``Ninh Kiều``); None for a name with no division word."""
    low = full.strip()
    for d in _OLD_DIVISIONS:
        if low.lower().startswith(d + " "):
            return d, low[len(d) + 1:].strip()
    return None


def _former_local_units() -> list[Unit]:
    """Districts and communes before 1 July 2025, from the address mapping ``underthesea``
    ships (``underthesea/address/data/mapping.json``: each former ward with its district,
    province and successor ward). Districts end with the reorganisation (no successor unit);
    a former commune's successor is the commune it was merged into."""
    import json
    from importlib.util import find_spec
    from pathlib import Path

    try:  # located without importing the package, which loads its models
        spec = find_spec("underthesea")
        root = Path(next(iter(spec.submodule_search_locations)))
        data = json.loads((root / "address" / "data" / "mapping.json").read_text(encoding="utf-8"))
    except (AttributeError, TypeError, StopIteration, ImportError, OSError, ValueError):
        return []  # the package or its data is missing: former local units stay unknown
    short = {k: split_division(v["name"])[1] for k, v in data.get("old_province_names", {}).items()}
    out: list[Unit] = []
    seen: set[tuple] = set()
    for r in data.get("ward_mapping", []):
        prov = short.get(r.get("old_province_key"), "")
        dist = _split_old(r.get("old_district") or "")
        if dist and ("d",) + dist + (prov,) not in seen:
            seen.add(("d",) + dist + (prov,))
            out.append(Unit(dist[1], dist[0], None, prov, "district", False, None, REORGANISED))
        ward = _split_old(r.get("old_ward") or "")
        if not ward or ("w",) + ward + (prov,) in seen:
            continue
        seen.add(("w",) + ward + (prov,))
        if r.get("mapping_type") == "unchanged" and r.get("old_ward") == r.get("new_ward"):
            continue  # the current commune stands for it
        new = _split_old(r.get("new_ward") or "")
        out.append(Unit(ward[1], ward[0], None, prov, "commune", False, " ".join(new) if new else None,
                        REORGANISED))
    return out


@functools.cache
def _index() -> tuple[dict[str, list[Unit]], dict[str, list[Unit]]]:
    exact: dict[str, list[Unit]] = {}
    bare: dict[str, list[Unit]] = {}
    for u in all_units():
        exact.setdefault(_key(u.name), []).append(u)
        bare.setdefault(_bare(u.name), []).append(u)
    return exact, bare


def candidates(name: str, kind: str | None = None) -> list[Unit]:
    """Every unit a name may mean, provinces first (current before former), then communes."""
    div, bare_name = split_division(name)
    kind = (kind or div or "").lower() or None
    exact, bare = _index()
    pool = exact.get(_key(bare_name)) or bare.get(_bare(bare_name)) or []
    if kind:
        pool = [u for u in pool if u.kind == kind]
    return pool


@functools.lru_cache(maxsize=65536)  # the same words are looked up at every mention of a body
def lookup_unit(name: str, date: str | None = None, *, kind: str | None = None,
                province: str | None = None) -> Unit | None:
    """The unit ``name`` means ("Huế", "tỉnh Kon Tum", "xã Hà Đông", "TP. Hải Phòng").

    A division word in the name (or ``kind``) picks between namesakes; ``province`` (a bare
    province name) picks between communes; ``date`` (ISO) prefers the units that existed then.
    Provinces win over communes of the same name.
    """
    if not name or not name.strip():
        return None
    pool = candidates(name, kind)
    if province:
        inside = [u for u in pool if _key(u.province) == _key(province) or
                  (u.successor and _key(split_division(u.successor)[1]) == _key(province))]
        pool = inside or pool
    if date:
        then = [u for u in pool if (u.current if date >= (u.effective or REORGANISED) else
                                    (not u.current or u.tier == "province"))]
        pool = then or pool
    provinces = [u for u in pool if u.tier == "province"]
    if provinces:
        return provinces[0]
    return pool[0] if pool else None


def successor(name: str) -> tuple[str, str, str] | None:
    """``tỉnh Kon Tum`` → (``tỉnh Quảng Ngãi``, ``2025-07-01``, ``merged``); None if unchanged."""
    div, bare_name = split_division(name)
    if div is None:
        unit = lookup_unit(bare_name)
        div = unit.kind if unit else "tỉnh"
    return _successions().get(_key(f"{div} {bare_name}"))


def unit_on(name: str, date: str | None) -> str:
    """The unit's name as it stood on ``date``, following successions forward:
    ``tỉnh Thừa Thiên Huế`` on 2025-03-01 → ``thành phố Huế``."""
    from .successions import successor_on

    return successor_on(name, date)


@functools.cache
def province_of(unit: str) -> str | None:
    """``xã Định Quán`` → ``Đồng Nai``: the province of every commune or district of that
    name, when they agree on one (``xã Tân Phú`` is in several provinces: None)."""
    if unit.split(" ")[0] not in ("xã", "phường", "thị", "đặc", "huyện", "quận"):
        return None
    provinces = {u.province for u in candidates(unit) if u.tier != "province" and u.province}
    return provinces.pop() if len(provinces) == 1 else None
