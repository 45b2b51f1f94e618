"""Calendar dates, checked in one place for every extractor (header, citations, deadlines).

A printed date is only turned into ISO form when the calendar has it: the month is 1–12,
the day exists in that month (leap years included: 29 February 2024, not 2023), and the
year is a plausible one for an administrative document. An impossible date
("ngày 31 tháng 2 năm 2023") is read as nothing, and :func:`impossible_date` gives the
``source_typo`` warning that quotes it.
"""
from __future__ import annotations

import calendar

from pipeline.core.models import warning

MIN_YEAR, MAX_YEAR = 1900, 2100


def valid_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def valid_date(year: int, month: int, day: int) -> bool:
    """The calendar has this day (any year in range; leap years counted)."""
    return valid_year(year) and 1 <= month <= 12 and 1 <= day <= days_in_month(year, month)


def iso_day(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` when the calendar has that day, else None."""
    return f"{year:04d}-{month:02d}-{day:02d}" if valid_date(year, month, day) else None


def iso_month(year: int, month: int) -> str | None:
    """``YYYY-MM`` for a real month, else None."""
    return f"{year:04d}-{month:02d}" if valid_year(year) and 1 <= month <= 12 else None


def last_day(value: str) -> str:
    """The last day an ISO year, month or day covers: ``2024-02`` → ``2024-02-29``."""
    parts = value.split("-")
    if len(parts) == 1:
        return f"{value}-12-31"
    if len(parts) == 2:
        return f"{value}-{days_in_month(int(parts[0]), int(parts[1])):02d}"
    return value


def impossible_date(raw: str, where: str = "") -> dict:
    """The ``source_typo`` warning for a printed date the calendar does not have."""
    place = f" ({where})" if where else ""
    return warning("source_typo", f'"{" ".join(raw.split())}"{place}: no such date in the calendar; read as null')
