"""Name a local body as it was on a date, following renames and mergers of its unit.

Rows of ``successions.tsv`` link a former unit to the one it became (``renamed``: the same
body under a new name; ``merged``: absorbed into a larger unit).
"""
from __future__ import annotations

from . import load_tsv

_COLUMNS = ("old_name", "new_name", "effective", "kind")


def successions() -> tuple[dict, ...]:
    return load_tsv("successions.tsv", required=_COLUMNS)


def issuer_name_on(name: str, date: str | None) -> str:
    """``Ủy ban nhân dân thành phố Huế`` on 2022-09-21 → ``Ủy ban nhân dân tỉnh Thừa Thiên Huế``.

    Walks successions backwards: if ``name`` ends in a unit that some earlier unit became
    after ``date``, the earlier unit's name is used. ``date`` may be YYYY, YYYY-MM or YYYY-MM-DD.
    Only renames go backwards: a merged province's body did not become the new one's.
    """
    if not date:
        return name
    for row in successions():
        new, old = row["new_name"], row["old_name"]
        if row["kind"] == "renamed" and name.endswith(new) and date < row["effective"]:
            return name[: -len(new)] + old
    return name


def successor_on(unit: str, date: str | None) -> str:
    """``tỉnh Kon Tum`` on 2025-08-01 → ``tỉnh Quảng Ngãi``: the unit that stood for it then."""
    if not date:
        return unit
    by_old = {row["old_name"].casefold(): row for row in successions()}
    seen: set[str] = set()
    while unit.casefold() in by_old and unit.casefold() not in seen:
        seen.add(unit.casefold())
        row = by_old[unit.casefold()]
        if date < row["effective"]:
            break
        unit = row["new_name"]
    return unit
