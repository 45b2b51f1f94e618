"""Deadlines: Vietnamese time expressions → contract values, and the seeds' deadlines section."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.deadlines import (DeadlineHit, extract_deadlines, find_deadlines, find_recurrences,
                                  load_phrases)
from pipeline.core.models import Context, NormalisedText, Section, Source, SourceFormat, Span
from pipeline.text.normalize import normalize_text

FIXTURES = Path(__file__).parent / "fixtures"
STEMS = sorted(p.stem for p in (FIXTURES / "gold").glob("*.json"))

# (text, document year, [(start, end, recurrence), …]) — every hit find_deadlines must give.
CASES = [
    # before / chậm nhất
    ("Hoàn thành trước ngày 15/9/2025.", 2025, [(None, "2025-09-15", None)]),
    ("báo cáo UBND tỉnh trước ngày 30/6", 2025, [(None, "2025-06-30", None)]),
    ("trước ngày 31 tháng 7 năm 2025", 2025, [(None, "2025-07-31", None)]),
    ("chậm nhất ngày 20/10/2025", 2025, [(None, "2025-10-20", None)]),
    ("chậm nhất là ngày 05/12/2024", 2024, [(None, "2024-12-05", None)]),
    ("gửi chậm nhất vào ngày 10 tháng 01 năm 2026", 2025, [(None, "2026-01-10", None)]),
    ("trước ngày 15.9.2025", 2025, [(None, "2025-09-15", None)]),
    ("trước ngày 25 ngày 9 năm 2018", 2018, [(None, "2018-09-25", None)]),  # source typo read one way
    ("trước tháng 10/2025", 2025, [(None, "2025-10", None)]),
    ("trước 10/2025", 2025, [(None, "2025-10", None)]),
    ("trước ngày 31/02/2025", 2025, []),  # no such day
    ("trước ngày 25", 2025, []),  # a day with no month or frequency
    # recurring dates
    ("trước ngày 25 hàng quý", 2025, [(None, None, "quarterly")]),
    ("trước 05/12 hàng năm", 2025, [(None, None, "yearly")]),
    ("trước ngày 15/12 hằng năm", 2025, [(None, None, "yearly")]),
    ("trước ngày 20 hàng tháng", 2025, [(None, None, "monthly")]),
    ("trước ngày 20 của tháng cuối quý", 2025, [(None, None, "quarterly")]),
    ("hằng năm, trước ngày 15/11 gửi báo cáo", 2025, [(None, None, "yearly")]),
    ("định kỳ trước ngày 25 hàng quý và trước 05/12 hàng năm",
     2025, [(None, None, "quarterly"), (None, None, "yearly")]),
    # until
    ("Đến năm 2030, đảm bảo 100% cơ quan áp dụng", 2021, [(None, "2030", None)]),
    ("thời gian hoàn thành đến năm 2025; Ủy ban nhân dân các huyện, thời gian hoàn thành đến năm 2027",
     2021, [(None, "2025", None), (None, "2027", None)]),
    ("đến hết năm 2025", 2025, [(None, "2025", None)]),
    ("đến hết tháng 6/2026", 2026, [(None, "2026-06", None)]),
    ("từ nay đến năm 2025", 2023, [(None, "2025", None)]),
    ("đến quý IV/2025", 2025, [(None, "2025-12", None)]),
    # within / vào
    ("trong quý III/2025", 2025, [(None, "2025-09", None)]),
    ("trong Quý IV năm 2025", 2025, [(None, "2025-12", None)]),
    ("trong quý 2/2026", 2026, [(None, "2026-06", None)]),
    ("trong quý I", 2026, [(None, "2026-03", None)]),
    ("trong tháng 10/2025", 2025, [(None, "2025-10", None)]),
    ("trong tháng 11", 2025, [(None, "2025-11", None)]),
    ("hoàn thành trong năm 2025", 2025, [(None, "2025", None)]),
    ("tổng kết vào tháng 6 năm 2028", 2026, [(None, "2028-06", None)]),
    ("vào cuối năm 2025", 2025, [(None, "2025", None)]),
    ("vào cuối quý III/2025", 2025, [(None, "2025-09", None)]),
    ("trong 6 tháng cuối năm 2025", 2025, [("2025-07", "2025-12", None)]),
    # periods
    ("Từ tháng 9 năm 2026 đến tháng 4 năm 2027", 2026, [("2026-09", "2027-04", None)]),
    ("Từ năm 2021 đến 2030.", 2021, [("2021", "2030", None)]),
    ("Từ năm 2021 đến năm 2025", 2021, [("2021", "2025", None)]),
    ("từ ngày 01/7/2025 đến ngày 30/9/2025", 2025, [("2025-07-01", "2025-09-30", None)]),
    ("từ 01/7 đến 31/12/2025", 2025, [("2025-07-01", "2025-12-31", None)]),
    ("từ ngày 01 đến ngày 15/10/2025", 2025, [("2025-10-01", "2025-10-15", None)]),
    ("từ tháng 7 đến tháng 9 năm 2025", 2025, [("2025-07", "2025-09", None)]),
    ("từ tháng 11/2025 đến tháng 02", 2025, [("2025-11", "2026-02", None)]),
    ("Từ quý III/2025 đến quý I/2026", 2025, [("2025-07", "2026-03", None)]),
    ("Từ tháng 7 năm 2026 và thực hiện thường xuyên trong quá trình triển khai",
     2026, [("2026-07", None, None)]),
    ("từ năm 2026 trở đi", 2025, [("2026", None, None)]),
    # labels and fields
    ("- Năm 2027: Tiếp tục cử cán bộ tham gia tập huấn", 2026, [(None, "2027", None)]),
    ("+ Quý IV/2025: tổng kết, đánh giá", 2025, [(None, "2025-12", None)]),
    ("Thời gian thực hiện: Quý III/2025", 2025, [(None, "2025-09", None)]),
    ("Thời gian hoàn thành: Tháng 12/2025.", 2025, [(None, "2025-12", None)]),
    ("Thời gian thực hiện: Năm 2026", 2026, [(None, "2026", None)]),
    # not deadlines
    ("Hà Đông, ngày 06 tháng 07 năm 2026", 2026, []),
    ("Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014", 2025, []),
    ("Kế hoạch thực hiện Mục tiêu chất lượng năm 2025", 2025, []),
    ("trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ", 2025, []),
    ("trong vòng 30 ngày kể từ ngày 01/7/2025", 2025, []),
    ("Trong thời gian 24 tháng", 2026, []),
    ("Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.", 2025, []),
    ("có hiệu lực kể từ ngày 01/8/2025 đến ngày 31/12/2025", 2025, []),
    ("giai đoạn 2021-2025, định hướng đến năm 2030", 2023, []),
    ("Chiến lược phát triển, tầm nhìn đến năm 2045", 2023, []),
    ("giai đoạn từ năm 2021 đến năm 2025", 2021, []),
    ("số liệu tính đến ngày 30/6/2025", 2025, []),
    ("Từ năm 2015 đến nay, tỉnh đã triển khai", 2025, []),
    ("tối thiểu 01 lần/năm", 2025, []),
    ("báo cáo định kỳ 6 tháng", 2025, []),
    ("Hằng năm kiểm tra, giám sát", 2025, []),
    ("giảm trước 3/4 số hồ sơ tồn đọng", 2025, []),
    ("trước khi công bố", 2025, []),
    # OCR-damaged cues still read; look-alike words of exclusions do not exclude
    ("hoàn thành truớc ngày 15/7/2019", 2019, [(None, "2019-07-15", None)]),
    ("báo cáo truớc ngày 25 hằng tháng", 2019, [(None, None, "monthly")]),
    ("báo cáo Hội đồng nhân dân tỉnh trước ngày 30 tháng 6 năm 2020", 2018, [(None, "2020-06-30", None)]),
    # past events narrated with "đã"/"vừa": history, not a limit — even with no issue date
    ("Từ ngày 07 đến ngày 09 tháng 9 năm 2023, trên địa bàn tỉnh đã xảy ra mưa lớn", None, []),
    ("Trong tháng 8 vừa qua, bão số 3 đã gây thiệt hại nặng nề", 2024, []),
    ("Từ ngày 01/3 đến 15/3/2022, Đoàn kiểm tra đã làm việc với 12 đơn vị", 2022, []),
    # …but an obligation before the "đã", or a target years ahead, stays a limit
    ("Chậm nhất ngày 30/6/2025, các đơn vị phải hoàn thành các nhiệm vụ đã được giao",
     2025, [(None, "2025-06-30", None)]),
    ("Đến năm 2030, 100% số xã đã đạt chuẩn nông thôn mới", 2025, [(None, "2030", None)]),
    ("Từ ngày 01/7 đến 31/12/2025, tổ chức kiểm tra các đơn vị đã đăng ký",
     2025, [("2025-07-01", "2025-12-31", None)]),
    # a bracket after a frequency dates it: the date repeats
    ("Định kỳ báo cáo Sở Nội vụ kết quả thực hiện hằng năm\n(trước ngày 20 tháng 10) để tổng hợp", 2026,
     [(None, None, "yearly")]),
    ("báo cáo kết quả hằng quý (trước ngày 25 của tháng cuối quý)", 2026, [(None, None, "quarterly")]),
    # … a bracket after other words does not
    ("báo cáo kết quả thực hiện (trước ngày 20 tháng 10)", 2026, [(None, "2026-10-20", None)]),
]


@pytest.mark.parametrize(("hit", "issued", "past"), [
    # a period with no end goes on after the document is issued
    ({"text": "Từ 01/3/2026", "start": "2026-03-01", "end": None}, "2026-04-10", False),
    ({"text": "năm 2024 và các năm tiếp theo", "start": "2024", "end": None}, "2026-04-10", False),
    # one that ended before it is history
    ({"text": "từ tháng 1 đến tháng 3/2026", "start": "2026-01", "end": "2026-03"}, "2026-04-10", True),
])
def test_a_period_is_past_only_once_it_has_ended(hit, issued, past):
    from extractors.deadlines import is_past

    assert is_past(hit, issued) is past


def values(hits: list[DeadlineHit]) -> list[tuple]:
    return [(h.start_date, h.end_date, h.recurrence) for h in hits]


@pytest.mark.parametrize(("text", "year", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_time_expressions(text, year, expected):
    hits = find_deadlines(text, year)
    assert values(hits) == expected
    assert all(text[h.start:h.end] == h.text for h in hits)


def test_year_fills_only_missing_years():
    assert values(find_deadlines("trước ngày 30/6", 2025)) == [(None, "2025-06-30", None)]
    assert values(find_deadlines("trước ngày 30/6/2026", 2025)) == [(None, "2026-06-30", None)]
    assert find_deadlines("trước ngày 30/6", None) == []  # no year, no value


def test_texts_and_field_values():
    """A field value holding one limit is the deadline's whole text (gold 003)."""
    line = "6.2. Thời gian thực hiện: Thực hiện thường xuyên trong quá trình triển khai; " \
           "tổng kết vào tháng 6 năm 2028."
    [hit] = find_deadlines(line, 2026)
    assert hit.text == "Thực hiện thường xuyên trong quá trình triển khai; tổng kết vào tháng 6 năm 2028"
    assert hit.to_contract() == {"text": hit.text, "start": None, "end": "2028-06", "recurrence": None}
    [label] = find_deadlines("- Năm 2026: Triển khai việc xây dựng", 2026)
    assert label.text == "Năm 2026"
    [hit] = find_deadlines("gửi về Sở định kỳ trước ngày 25 hàng quý.", 2025)
    assert hit.text == "trước ngày 25 hàng quý"


def _phrase_examples():
    data = load_phrases()
    groups = [data["cues"][k]["examples"] for k in ("before", "until", "within", "from")]
    groups += [data["cues"]["span_examples"]]
    groups += [data["field_labels"]["examples"], data["line_labels"]["examples"],
               data["relative_limits"]["examples"]]
    return [ex for g in groups for ex in g]


@pytest.mark.parametrize("ex", _phrase_examples(), ids=lambda ex: ex["text"][:40])
def test_phrase_file_examples(ex):
    """Every example in gazetteer/deadline_phrases.yml reads as it says."""
    expected = [] if ex.get("none") else [(ex.get("start"), ex.get("end"), ex.get("recurrence"))]
    assert values(find_deadlines(ex["text"], ex.get("year"))) == expected


@pytest.mark.parametrize("ex", load_phrases()["frequencies"]["examples"], ids=lambda ex: ex["text"][:40])
def test_recurrence_examples(ex):
    found = find_recurrences(ex["text"])
    if ex.get("none"):
        assert found == []
    else:
        assert [r for _, _, r in found] == [ex["recurrence"]]


@pytest.mark.parametrize(("text", "expected"), [
    ("Tổ chức đánh giá nội bộ tối thiểu 01 lần/năm và họp ít nhất 02 lần/năm",
     [("01 lần/năm", "yearly"), ("02 lần/năm", "half_yearly")]),
    ("Định kỳ theo quy định hàng năm hoặc đột xuất", [("Định kỳ theo quy định hàng năm", "yearly")]),
    ("báo cáo hàng quý, hàng tháng", [("hàng quý", "quarterly"), ("hàng tháng", "monthly")]),
    ("định kỳ trước ngày 25 hàng quý", []),  # belongs to a dated deadline
    ("nguồn kinh phí được phân bổ hàng năm", []),  # a budget cycle
    ("trong dự toán ngân sách hàng năm", []),
])
def test_find_recurrences(text, expected):
    assert [(text[s:e], r) for s, e, r in find_recurrences(text)] == expected


# --------------------------------------------------------------------------- section

def _normalise(raw: str) -> NormalisedText:
    return normalize_text(raw)


def _context(text: str, document: dict | None = None, citations: Section | None = None) -> Context:
    nt = text if isinstance(text, NormalisedText) else NormalisedText(text, len(text))
    return Context(source=Source("x.txt", "", SourceFormat.TXT, [nt.text]), text=nt,
                   document=document or {}, citations=citations)


def _seed_context(stem: str) -> Context:
    raw = (FIXTURES / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
    gold = json.loads((FIXTURES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    return _context(_normalise(raw), gold["document"])


def _keys(items: list[dict]) -> list[tuple]:
    return sorted((d["start"] or "", d["end"] or "", d["recurrence"] or "") for d in items)


@pytest.mark.parametrize("stem", STEMS)
def test_golden_deadlines(stem):
    gold = json.loads((FIXTURES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    ctx = _seed_context(stem)
    section = extract_deadlines(ctx)
    assert _keys(section.items) == _keys(gold["deadlines"])
    assert len(section.spans) == len(section.items)
    for item, spans in zip(section.items, section.spans):
        assert spans and spans[0].text == item["text"]
        assert all(ctx.text.text[sp.start:sp.end] == sp.text for sp in spans)


def test_broken_and_clean_renderings_agree():
    a, b = (extract_deadlines(_seed_context(s)).items for s in STEMS[:2])
    assert a == b


def test_section_deduplicates_and_keeps_every_span():
    text = "- Đến năm 2030, đảm bảo A.\n- Đến năm 2030 đảm bảo B.\n- Hoàn thành trước ngày 30/6."
    section = extract_deadlines(_context(text, {"issued_date": "2025-03-01"}))
    assert _keys(section.items) == [("", "2025-06-30", ""), ("", "2030", "")]
    assert [len(s) for s in section.spans] == [2, 1]


@pytest.mark.parametrize(("text", "document", "expected"), [
    # a period inside a cited document's title
    ("Căn cứ Quyết định số 2667/QĐ-BKHCN ngày 28 tháng 12 năm 2022 của Bộ Khoa học và Công nghệ "
     "phê duyệt phương hướng, mục tiêu, nhiệm vụ đến năm 2025;", {"issued_date": "2023-06-16"}, []),
    ("Chỉ thị số 38-CT/TW ngày 30/7/2024 của Ban Bí thư về đẩy mạnh công tác tiêu chuẩn quốc gia "
     "đến năm 2030 và những năm tiếp theo;", {"issued_date": "2026-07-06"}, []),
    # …but a strong cue after a citation is this document's own limit
    ("Triển khai Kế hoạch số 12/KH-UBND, báo cáo kết quả trước ngày 15/12/2025.",
     {"issued_date": "2025-03-01"}, [("", "2025-12-15", "")]),
    ("Triển khai Quyết định số 12/QĐ-UBND về cải cách hành chính, hoàn thành trong quý III/2025.",
     {"issued_date": "2025-03-01"}, [("", "2025-09", "")]),
    # …and so is a weak cue after a topic that cites a document, past its colon
    ("Về nguồn vốn theo Nghị quyết số 21/2022/QH15 cho tỉnh Bình Định: Ủy ban nhân dân tỉnh rà soát, "
     "báo cáo trong Quý II năm 2026.", {"issued_date": "2025-11-01"}, [("", "2026-06", "")]),
    # the plan's own title
    ("Kế hoạch triển khai áp dụng ISO trong năm 2025 tại các cơ quan\nHoàn thành trong quý III/2025.",
     {"issued_date": "2025-03-01", "title": "triển khai áp dụng ISO trong năm 2025 tại các cơ quan"},
     [("", "2025-09", "")]),
    # a year before the document's year is past, not a limit
    ("Năm 2022: đã hoàn thành.\nNăm 2026: mở rộng.", {"issued_date": "2025-03-01"}, [("", "2026", "")]),
    # a period that ended before the issue date (same year) is history, whatever its verb
    ("Từ ngày 07 đến ngày 09 tháng 9 năm 2023, mưa lớn kéo dài gây ngập úng.\n"
     "Các huyện báo cáo thiệt hại trước ngày 20/9/2023.",
     {"issued_date": "2023-09-12"}, [("", "2023-09-20", "")]),
    ("Trong tháng 8/2023, lũ quét gây thiệt hại.", {"issued_date": "2023-09-12"}, []),
    # …a period still running on the issue date is kept
    ("Hoàn thành trong tháng 9/2023.", {"issued_date": "2023-09-12"}, [("", "2023-09", "")]),
])
def test_section_exclusions(text, document, expected):
    assert _keys(extract_deadlines(_context(text, document)).items) == expected


def test_citation_spans_mark_cited_titles():
    text = "Thực hiện Chương trình hành động của Tỉnh ủy về phát triển đến năm 2030; Đến năm 2027, xong."
    cite = Section(items=[{"number": None}], spans=[[Span(10, 22, 1, text[10:22])]])
    assert _keys(extract_deadlines(_context(text, {}, cite)).items) == [("", "2027", "")]
    assert _keys(extract_deadlines(_context(text, {})).items) == [("", "2027", ""), ("", "2030", "")]


def test_footnotes_are_left_out():
    body = "Hoàn thành trước ngày 30/9/2025.\n"
    nt = NormalisedText(body + "1 Đến năm 2030 theo Quyết định khác.", len(body))
    assert _keys(extract_deadlines(_context(nt, {"issued_date": "2025-01-02"})).items) == \
        [("", "2025-09-30", "")]


# --------------------------------------------------------------------------- properties

_VOCAB = ["trước ngày", "chậm nhất", "đến", "năm", "tháng", "quý", "Từ", "hàng năm", "định kỳ",
          "trong", "vào", "ngày", "III", "IV", "/", "-", ":", "\n", "- Năm", "Thời gian thực hiện:",
          "15/9/2025", "30/6", "2030", "10/2025", "25", "lần/năm", "01", " ", ", ", "."]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=120),
                 st.lists(st.sampled_from(_VOCAB), max_size=25).map(" ".join)),
       st.one_of(st.none(), st.integers(1990, 2040)))
def test_find_never_raises_and_offsets_hold(text, year):
    hits = find_deadlines(text, year)
    for h in hits:
        assert text[h.start:h.end] == h.text
        assert h.recurrence in (None, "yearly", "half_yearly", "quarterly", "monthly")
    assert all(a.end <= b.start for a, b in zip(hits, hits[1:]))
    for s, e, rec in find_recurrences(text):
        assert 0 <= s < e <= len(text)
