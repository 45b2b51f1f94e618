"""Agencies: how plural groups and bodies named inside duties are named (invented inputs)."""
from __future__ import annotations

import pytest

from extractors.agencies import extract_agencies
from pipeline.core.models import Context, Source, SourceFormat
from pipeline.text.normalize import normalize_text

_GL = ("Ủy ban nhân dân tỉnh Gia Lai", "Gia Lai", "province")
_CT = ("Ủy ban nhân dân thành phố Cần Thơ", "Cần Thơ", "province")


def _ctx(text: str, issuer=_GL) -> Context:
    doc = {"issuer": {"name": issuer[0], "locality": issuer[1]}, "issued_date": "2025-10-02"}
    return Context(source=Source("t.txt", "", SourceFormat.TXT, [text]), text=normalize_text(text),
                   document=doc, locality=issuer[1], level=issuer[2])


def names(text: str, issuer=_GL) -> set[tuple[str, str | None]]:
    return {(a["name"], a["locality"]) for a in extract_agencies(_ctx(text, issuer)).items}


_CELLS = "".join(f"\n| Cập nhật số liệu đợt {i} |\nUBND xã, phường\n" for i in range(4))


@pytest.mark.parametrize("text,issuer,expected", [
    # the numbered heading that opens the group's duties names it, not the wording of the
    # table cells that repeat it more often
    ("IV. TỔ CHỨC THỰC HIỆN\n5. Ủy ban nhân dân phường, xã\n- Rà soát hồ sơ đất đai.\n" + _CELLS,
     _GL, {("Ủy ban nhân dân các phường, xã", "Gia Lai")}),
    # with no heading, the commoner wording
    ("Phụ lục nhiệm vụ" + _CELLS + "Sở Tài chính phối hợp với Ủy ban nhân dân phường, xã.\n",
     _CT, {("Ủy ban nhân dân các xã, phường", "Cần Thơ"), ("Sở Tài chính", "Cần Thơ")}),
])
def test_a_group_is_named_as_the_heading_of_its_duties_names_it(text, issuer, expected):
    assert names(text, issuer) == expected


@pytest.mark.parametrize("text,expected", [
    # the scope printed after the group is part of its name
    ("Nơi nhận:\n- Các cơ quan chuyên môn thuộc UBND tỉnh;\n- Lưu: VT.\n",
     "Các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh"),
    ("3. Người đứng đầu các cơ quan chuyên môn cấp tỉnh chịu trách nhiệm.\n",
     "Các cơ quan chuyên môn cấp tỉnh"),
    # a second kind of body named with it stays in the name
    ("Kính gửi:\n- Các cơ quan chuyên môn, cơ quan hành chính khác\nthuộc Ủy ban nhân dân Tỉnh;\n",
     "Các cơ quan chuyên môn, cơ quan hành chính khác thuộc Ủy ban nhân dân tỉnh"),
    # a group of its own listed with it does not cut the scope off
    ("Nơi nhận:\n- Các cơ quan chuyên môn, đơn vị sự nghiệp công lập thuộc UBND tỉnh;\n",
     "Các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh"),
    # nothing printed after it: the group as named, no scope invented
    ("2. Các cơ quan chuyên môn rà soát thủ tục hành chính.\n", "Các cơ quan chuyên môn"),
])
def test_the_specialised_bodies_are_named_with_the_scope_printed(text, expected):
    got = names(text)
    assert (expected, "Gia Lai") in got, got
    assert not any(n.startswith("Các cơ quan chuyên môn") and n != expected for n, _ in got), got


@pytest.mark.parametrize("text,expected,absent", [
    # a unit followed by the body it belongs to, with "thuộc" …
    ("Thành viên gồm Sở Tư pháp, Phòng Tổng hợp thuộc Văn phòng UBND tỉnh và Công an tỉnh.\n",
     {("Phòng Tổng hợp thuộc Văn phòng Ủy ban nhân dân tỉnh", "Gia Lai")}, "Phòng Tổng hợp"),
    # … or without it; the unit named alone later is the same body
    ("1. Giao Phòng Cảnh sát kinh tế Công an tỉnh theo dõi.\n2. Báo cáo về Công an tỉnh (qua Phòng Cảnh sát "
     "kinh tế).\n", {("Phòng Cảnh sát kinh tế Công an tỉnh", "Gia Lai")}, "Phòng Cảnh sát kinh tế"),
    # a unit followed by no body keeps its own name
    ("3. Phòng Quản lý đô thị hướng dẫn các hộ dân.\n", {("Phòng Quản lý đô thị", "Gia Lai")}, None),
])
def test_a_unit_is_named_with_the_body_it_belongs_to(text, expected, absent):
    got = names(text)
    assert expected <= got, got
    assert absent is None or (absent, "Gia Lai") not in got, got


@pytest.mark.parametrize("text,expected", [
    # a body named by its division word keeps the place printed after it …
    ("1. Công an tỉnh Gia Lai chủ trì.\n", ("Công an tỉnh Gia Lai", "Gia Lai")),
    ("Nơi nhận:\n- Thuế tỉnh Gia Lai;\n", ("Thuế tỉnh Gia Lai", "Gia Lai")),
    # … and a commune's body its commune
    ("Làm việc với Trạm Y tế và Công an xã Ia Grai.\n", ("Công an xã Ia Grai", "Ia Grai")),
    # none printed: the division word alone
    ("2. Công an tỉnh theo dõi.\n", ("Công an tỉnh", "Gia Lai")),
])
def test_a_body_keeps_the_place_printed_after_its_division_word(text, expected):
    assert expected in names(text)


_MIN = ("Bộ Nội vụ", None, "national")


@pytest.mark.parametrize("text,issuer,expected", [
    # "Các <body> tỉnh, thành phố …": that body of each unit, "các" before the units
    ("Nơi nhận:\n- Các Sở Nội vụ tỉnh, thành phố trực thuộc Trung ương;\n", _MIN,
     {("Sở Nội vụ các tỉnh, thành phố trực thuộc Trung ương", None)}),
    # several kinds of unit without "các": a group, named as printed
    ("3. Chỉ đạo Bảo hiểm xã hội tỉnh, thành phố ký hợp đồng.\n", _MIN,
     {("Bảo hiểm xã hội tỉnh, thành phố", None)}),
    # the same group printed with "các" elsewhere is that one group
    ("1. Giao Công an các phường, xã phối hợp.\n2. Công an phường, xã rà soát.\n", _CT,
     {("Công an các phường, xã", "Cần Thơ")}),
    # one unit kind, no "các": one body
    ("2. Sở Nội vụ tỉnh hướng dẫn.\n", _GL, {("Sở Nội vụ", "Gia Lai")}),
])
def test_a_body_of_each_unit_is_one_group(text, issuer, expected):
    assert names(text, issuer) == expected


@pytest.mark.parametrize("text,expected", [
    # a new "các" opens another noun phrase: the group named before it stands
    ("2. Phối hợp với UBND các xã, phường và các đơn vị liên quan tổ chức.\n",
     {("Ủy ban nhân dân các xã, phường", "Gia Lai")}),
    ("3. Các sở, ban, ngành, UBND các xã, phường, các cơ quan, đơn vị có liên quan xây dựng kế hoạch.\n",
     {("Các sở, ban, ngành", "Gia Lai"), ("Ủy ban nhân dân các xã, phường", "Gia Lai")}),
    # the tail on the same noun phrase makes the whole group open-ended
    ("4. Phối hợp với các sở, ngành, đơn vị có liên quan.\n", set()),
    ("5. Chủ trì, phối hợp với UBND các xã có liên quan.\n", set()),
])
def test_an_open_tail_after_a_new_noun_phrase_leaves_the_group_named(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a line ending on "các" goes on in the next, capitalised or not
    ("1. Rà soát đội ngũ.\nĐơn vị chủ trì: Các\nSở, ngành, đơn vị.\n", {("Các sở, ban, ngành", "Gia Lai")}),
    # a line ending on a full name does not run into the next line's capitals
    ("Nơi nhận:\n- Sở Tài chính\nSở Xây dựng;\n", {("Sở Tài chính", "Gia Lai"), ("Sở Xây dựng", "Gia Lai")}),
])
def test_a_line_ending_on_a_determiner_wraps_into_the_next(text, expected):
    assert names(text) == expected


def test_each_tier_chained_after_a_body_names_that_tier():
    got = names("3. Công chức làm việc tại Trung tâm Phục vụ hành chính công cấp tỉnh, cấp xã được đánh giá.\n")
    assert got == {("Trung tâm Phục vụ hành chính công cấp tỉnh", "Gia Lai"),
                   ("Trung tâm Phục vụ hành chính công cấp xã", "Gia Lai")}


@pytest.mark.parametrize("text,expected", [
    # a head before "…, UBND <units>" shares the units printed after the People's Committee
    ("Nơi nhận:\n- Đảng ủy, UBND các xã, phường;\n- Lưu: VT.\n",
     {("Đảng ủy các xã, phường", "Gia Lai"), ("Ủy ban nhân dân các xã, phường", "Gia Lai")}),
    ("Nơi nhận:\n- TT HĐND, UBND các xã;\n",
     {("Thường trực Hội đồng nhân dân các xã", "Gia Lai"), ("Ủy ban nhân dân các xã", "Gia Lai")}),
])
def test_a_head_shares_the_units_of_the_committee_after_it(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a force named by its capitalised name
    ("2. Chỉ đạo lực lượng Dân quân tự vệ thường xuyên tuần tra.\n", ("Lực lượng Dân quân tự vệ", "Gia Lai")),
    # a known body after the word takes it on
    ("4. Lực lượng Công an xã tăng cường phối hợp.\n", ("Lực lượng Công an xã", "Gia Lai")),
])
def test_a_force_is_named_with_its_word(text, expected):
    got = names(text)
    assert expected in got, got
    assert not any(n == expected[0].removeprefix("Lực lượng ") for n, _ in got), got


def test_lower_case_forces_are_no_bodies():
    assert names("3. Huy động lực lượng tại chỗ và phương tiện.\n") == set()


@pytest.mark.parametrize("text,expected", [
    # one more item of a list that "các" opens
    ("6. Các sở, ban, ngành, đơn vị, tổ chức chính trị - xã hội theo chức năng tổ chức thực hiện.\n",
     {("Các sở, ban, ngành", "Gia Lai"), ("Các tổ chức chính trị - xã hội", "Gia Lai")}),
    # a counterpart after "phối hợp"
    ("b) Phối hợp tổ chức chính trị - xã hội tại địa phương tuyên truyền.\n",
     {("Các tổ chức chính trị - xã hội", "Gia Lai")}),
    # said of one organisation, it names no group
    ("Hội Cựu chiến binh là tổ chức chính trị - xã hội của cựu chiến binh.\n", set()),
])
def test_a_group_named_without_cac_in_a_list_or_after_phoi_hop(text, expected):
    assert {x for x in names(text) if x[0].startswith("Các")} == expected


@pytest.mark.parametrize("text,expected", [
    # a head followed only by another body's head names nothing of its own
    ("Phó Trưởng Ban Thường trực Ban Chỉ đạo là Phó Chủ tịch.\n", set()),
    ("Sở Sở Sở Sở\n", set()),
    # a body-start word that a name goes on from is part of the name
    ("2. Ban Thanh tra nhân dân có trách nhiệm báo cáo về hoạt động.\n", {"Ban Thanh tra nhân dân"}),
])
def test_a_head_followed_by_another_head_names_no_body(text, expected):
    got = {n for n, _ in names(text, _MIN)}
    assert not any(n.startswith(("Ban Thường trực", "Sở Sở")) for n in got), got
    assert expected <= got, got


def test_a_letterhead_place_name_wrapped_over_two_lines_is_one_name():
    text = "UBND TỈNH GIA\nLAI\nSỞ NỘI VỤ\nSố: 12/SNV-VP\n\n1. Báo cáo UBND Tỉnh trước ngày 10.\n"
    got = names(text, ("Sở Nội vụ", "Gia Lai", "province"))
    assert ("Ủy ban nhân dân tỉnh Gia Lai", "Gia Lai") in got, got
    assert ("Ủy ban nhân dân tỉnh", "Gia Lai") not in got, got


@pytest.mark.parametrize("text,expected", [
    # one wording in the body, one in the Nơi nhận: the body's names the group
    ("Điều 3. Chủ tịch UBND các phường, xã chịu trách nhiệm thi hành.\nNơi nhận:\n- UBND cấp xã;\n- Lưu: VT.\n",
     "Ủy ban nhân dân các phường, xã"),
    ("Điều 3. Chủ tịch UBND cấp xã chịu trách nhiệm thi hành.\nNơi nhận:\n- UBND các phường, xã;\n- Lưu: VT.\n",
     "Ủy ban nhân dân cấp xã"),
])
def test_a_tie_of_wordings_goes_to_the_body_over_the_recipients(text, expected):
    assert names(text) == {(expected, "Gia Lai")}


@pytest.mark.parametrize("text,expected,absent", [
    # a line ending on a body's head, its name on the next line
    ("6. Đề nghị: Hiệp hội\nNgười mua hàng tỉnh, Hội Nông dân tỉnh\n- Tuyên truyền.\n",
     ("Hiệp hội Người mua hàng tỉnh", "Gia Lai"), None),
    # a head alone on its line is a table cell
    ("|\nTrường\n|\nY tế cơ sở cấp xã\n", None, "Trường Y tế"),
])
def test_a_line_ending_on_a_head_wraps_into_its_name(text, expected, absent):
    got = names(text)
    assert expected is None or expected in got, got
    assert absent is None or not any(n.startswith(absent) for n, _ in got), got
