"""One calendar for every extractor: impossible dates (31 February, 29 February of a common
year, month 13) are read as null with a ``source_typo`` warning that quotes them."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.citations import read_citations
from pipeline.core.dates import iso_day, iso_month, last_day, valid_date
from extractors.deadlines import find_deadlines
from extractors.header import extract_header
from pipeline.run.extract import build_context
from pipeline.core.models import Source, SourceFormat


@pytest.mark.parametrize("y, m, d, iso", [
    (2024, 2, 29, "2024-02-29"),   # leap year
    (2023, 2, 29, None),           # common year
    (2000, 2, 29, "2000-02-29"),   # divisible by 400
    (1900, 2, 29, None),           # divisible by 100 only
    (2023, 2, 31, None),
    (2025, 4, 31, None),
    (2025, 12, 31, "2025-12-31"),
    (2025, 13, 1, None),
    (2025, 0, 10, None),
    (2025, 6, 0, None),
    (1850, 6, 1, None),            # no administrative document of that year
])
def test_iso_day_follows_the_calendar(y, m, d, iso):
    assert iso_day(y, m, d) == iso


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_real_day_is_valid(day):
    assert valid_date(day.year, day.month, day.day)
    assert iso_day(day.year, day.month, day.day) == day.isoformat()


@pytest.mark.parametrize("value, last", [("2024-02", "2024-02-29"), ("2023-02", "2023-02-28"),
                                         ("2025", "2025-12-31"), ("2025-09-15", "2025-09-15")])
def test_last_day(value, last):
    assert last_day(value) == last


def test_iso_month():
    assert iso_month(2025, 12) == "2025-12" and iso_month(2025, 13) is None


HEADER = """ỦY BAN NHÂN DÂN
TỈNH LÂM VIÊN
Số: 45/KH-UBND
Đà Lạt, {date}
KẾ HOẠCH
Triển khai công tác chuyển đổi số năm 2023
"""


@pytest.mark.parametrize("date, iso, typo", [
    ("ngày 31 tháng 2 năm 2023", None, True),
    ("ngày 29 tháng 02 năm 2023", None, True),
    ("ngày 29 tháng 02 năm 2024", "2024-02-29", False),
    ("ngày 30 tháng 4 năm 2023", "2023-04-30", False),
    ("ngày 31 tháng 4 năm 2023", None, True),
])
def test_header_date_checked_against_the_calendar(date, iso, typo):
    text = HEADER.format(date=date)
    section = extract_header(build_context(Source("x.txt", "", SourceFormat.TXT, [text])))
    assert section.items[0]["issued_date"] == iso
    quoted = [w for w in section.warnings if w["code"] == "source_typo" and date in w["detail"]]
    assert bool(quoted) == typo


@pytest.mark.parametrize("text, iso, typo", [
    ("Quyết định số 12/QĐ-UBND ngày 30/02/2021", None, "30/02/2021"),
    ("Quyết định số 12/QĐ-UBND ngày 29/02/2020", "2020-02-29", None),
    ("Nghị quyết số 7/NQ-HĐND ngày 31 tháng 6 năm 2022", None, "ngày 31 tháng 6 năm 2022"),
])
def test_citation_date_checked_against_the_calendar(text, iso, typo):
    items, _, warnings = read_citations(text, {"issued_date": "2025-01-01"})
    assert items[0]["issued_date"] == iso
    typos = [w["detail"] for w in warnings if w["code"] == "source_typo"]
    assert (len(typos) == 1 and typo in typos[0]) if typo else not typos


@pytest.mark.parametrize("text, end", [
    ("Báo cáo kết quả trước ngày 29/02/2023.", None),
    ("Báo cáo kết quả trước ngày 29/02/2024.", "2024-02-29"),
    ("Hoàn thành trước ngày 31 tháng 9 năm 2025.", None),
])
def test_deadline_date_checked_against_the_calendar(text, end):
    assert [h.to_contract()["end"] for h in find_deadlines(text, 2025)] == ([end] if end else [])
