"""Agencies: raw mention → canonical (name, locality); identities; golden seeds."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from extractors.agencies import AgencyHit, canonical_agency, extract_agencies, find_agencies
from pipeline.core.models import Context, NormalisedText, Source, SourceFormat
from pipeline.text.normalize import normalize_text

FIXTURES = Path(__file__).parent / "fixtures"


def normalise(raw: str) -> NormalisedText:
    return normalize_text(raw)


def make_ctx(text: str, issuer: str | None, locality: str | None, level: str | None = None,
             date: str | None = None, parent: str | None = None) -> Context:
    doc = {"issuer": {"name": issuer, "locality": locality} if issuer else None, "issued_date": date}
    return Context(source=Source("t.txt", "", SourceFormat.TXT, [text]), text=normalise(text),
                   document=doc, locality=locality, level=level, parent_locality=parent)


PROVINCE = make_ctx("", "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province", "2021-03-01")
CITY = make_ctx("", "Ủy ban nhân dân thành phố Huế", "Huế", "province", "2025-07-23")
COMMUNE = make_ctx("", "Ủy ban nhân dân xã Hà Đông", "Hà Đông", "commune", "2026-07-06", "Hải Phòng")


@pytest.mark.parametrize("ctx,raw,expected", [
    (PROVINCE, "Sở KH&CN", ("Sở Khoa học và Công nghệ", "Kon Tum")),
    (PROVINCE, "Sở Khoa hoc và Công nghê", ("Sở Khoa học và Công nghệ", "Kon Tum")),
    (PROVINCE, "UBND tỉnh", ("Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum")),
    (PROVINCE, "Chủ tịch, các PCT UBND tỉnh", ("Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum")),
    (PROVINCE, "CVP, các PCVP UBND tỉnh", ("Văn phòng Ủy ban nhân dân tỉnh", "Kon Tum")),
    (PROVINCE, "Giám đốc Sở Tài chính", ("Sở Tài chính", "Kon Tum")),
    (PROVINCE, "Tổng cục TCDLCL", ("Tổng cục Tiêu chuẩn Đo lường Chất lượng", None)),
    (PROVINCE, "Tổng cục TCĐLCL", ("Tổng cục Tiêu chuẩn Đo lường Chất lượng", None)),
    (PROVINCE, "Tổng cục Tiêu Chuẩn Đo Lường Chất lượng", ("Tổng cục Tiêu chuẩn Đo lường Chất lượng", None)),
    (PROVINCE, "Bộ KH&CN", ("Bộ Khoa học và Công nghệ", None)),
    (PROVINCE, "Bộ trưởng Bộ Tài chính", ("Bộ Tài chính", None)),
    (PROVINCE, "Bộ Thông tin và Truyền thông", ("Bộ Thông tin và Truyền thông", None)),
    (PROVINCE, "BCĐ 19", ("Ban Chỉ đạo 19", "Kon Tum")),
    (PROVINCE, "Ban chỉ đạo 19 tỉnh", ("Ban Chỉ đạo 19", "Kon Tum")),
    (PROVINCE, "Ban Chỉ đạo cải cách hành chính của Chính phủ",
     ("Ban Chỉ đạo cải cách hành chính của Chính phủ", None)),
    (PROVINCE, "Đài PTTH tỉnh", ("Đài Phát thanh - Truyền hình tỉnh", "Kon Tum")),
    (PROVINCE, "Cổng TTĐT tỉnh", ("Cổng Thông tin điện tử tỉnh", "Kon Tum")),
    (PROVINCE, "Thường trực HĐND tỉnh", ("Thường trực Hội đồng nhân dân tỉnh", "Kon Tum")),
    (PROVINCE, "Thường trực Tỉnh ủy", ("Thường trực Tỉnh ủy", "Kon Tum")),
    (PROVINCE, "Báo Kon Tum", ("Báo Kon Tum", "Kon Tum")),
    (PROVINCE, "Ban TĐKT", ("Ban Thi đua - Khen thưởng", "Kon Tum")),
    (PROVINCE, "UBND cấp xã", ("Ủy ban nhân dân cấp xã", "Kon Tum")),
    (PROVINCE, "HĐND tỉnh Kon Tum", ("Hội đồng nhân dân tỉnh Kon Tum", "Kon Tum")),
    (PROVINCE, "Ủy ban nhân dân tỉnh Thừa Thiên Huế", ("Ủy ban nhân dân tỉnh Thừa Thiên Huế", "Thừa Thiên Huế")),
    (CITY, "UBND thành phố", ("Ủy ban nhân dân thành phố Huế", "Huế")),
    (CITY, "Văn phòng UBND thành phố Huế", ("Văn phòng Ủy ban nhân dân thành phố Huế", "Huế")),
    (CITY, "Tổ giúp việc Ban chỉ đạo 19", ("Tổ giúp việc Ban Chỉ đạo 19", "Huế")),
    (CITY, "Sở Nội vụ", ("Sở Nội vụ", "Huế")),
    (COMMUNE, "Sở Khoa học và Công nghệ", ("Sở Khoa học và Công nghệ", "Hải Phòng")),
    (COMMUNE, "Chi cục TĐC", ("Chi cục Tiêu chuẩn Đo lường Chất lượng", "Hải Phòng")),
    (COMMUNE, "Phòng Văn hóa- Xã hội", ("Phòng Văn hóa - Xã hội", "Hà Đông")),
    (COMMUNE, "Phòng Văn hoá - Xã hội", ("Phòng Văn hóa - Xã hội", "Hà Đông")),
    (COMMUNE, "Trung tâm Phục vụ hành chính công xã", ("Trung tâm Phục vụ hành chính công", "Hà Đông")),
    (COMMUNE, "BCĐ ISO xã", ("Ban Chỉ đạo ISO", "Hà Đông")),
    (COMMUNE, "UBND xã", ("Ủy ban nhân dân xã Hà Đông", "Hà Đông")),
    (COMMUNE, "UBND thành phố", ("Ủy ban nhân dân thành phố", "Hải Phòng")),
    (COMMUNE, "Các phòng ban chuyên môn xã", ("Các cơ quan chuyên môn thuộc Ủy ban nhân dân xã", "Hà Đông")),
    (COMMUNE, "Chính phủ", ("Chính phủ", None)),
    (COMMUNE, "Ban Bí thư", ("Ban Bí thư", None)),
])
def test_canonical_agency(ctx, raw, expected):
    assert canonical_agency(raw, ctx) == expected


NATIONAL = make_ctx("", "Bộ Tài chính", None, "national", "2024-08-12")
PROVINCE_2025 = make_ctx("", "Ủy ban nhân dân tỉnh Bắc Ninh", "Bắc Ninh", "province", "2025-11-18")
DISTRICT = make_ctx("", "Ủy ban nhân dân huyện Krông Pắc", "Krông Pắc", "district", "2022-07-14", "Đắk Lắk")


@pytest.mark.parametrize("ctx,raw,expected", [
    # bodies of a province, current names and the forces, the Front and mass organisations
    (PROVINCE_2025, "Sở Nông nghiệp và Môi trường", ("Sở Nông nghiệp và Môi trường", "Bắc Ninh")),
    (PROVINCE_2025, "Công an tỉnh", ("Công an tỉnh", "Bắc Ninh")),
    (PROVINCE_2025, "Bộ CHQS tỉnh", ("Bộ Chỉ huy Quân sự tỉnh", "Bắc Ninh")),
    (PROVINCE_2025, "Ủy ban MTTQ Việt Nam tỉnh", ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Bắc Ninh")),
    (PROVINCE_2025, "UBMTTQ tỉnh", ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Bắc Ninh")),
    (PROVINCE_2025, "LĐLĐ tỉnh", ("Liên đoàn Lao động tỉnh", "Bắc Ninh")),
    (PROVINCE_2025, "Tỉnh đoàn", ("Tỉnh Đoàn", "Bắc Ninh")),
    (PROVINCE_2025, "Hội LHPN tỉnh", ("Hội Liên hiệp Phụ nữ tỉnh", "Bắc Ninh")),
    (PROVINCE_2025, "Thuế tỉnh Bắc Ninh", ("Thuế tỉnh Bắc Ninh", "Bắc Ninh")),
    (PROVINCE_2025, "Kho bạc Nhà nước khu vực VI", ("Kho bạc Nhà nước khu vực VI", None)),
    (PROVINCE, "KBNN tỉnh", ("Kho bạc Nhà nước tỉnh", "Kon Tum")),
    (PROVINCE, "BHXH tỉnh", ("Bảo hiểm xã hội tỉnh", "Kon Tum")),
    (PROVINCE, "Cục Thuế tỉnh", ("Cục Thuế tỉnh", "Kon Tum")),
    (PROVINCE, "Thanh tra tỉnh", ("Thanh tra tỉnh", "Kon Tum")),
    (PROVINCE, "Ban Quản lý các khu công nghiệp", ("Ban Quản lý các khu công nghiệp", "Kon Tum")),
    (PROVINCE, "Trường Chính trị tỉnh", ("Trường Chính trị tỉnh", "Kon Tum")),
    (PROVINCE, "Bệnh viện Đa khoa tỉnh", ("Bệnh viện Đa khoa tỉnh", "Kon Tum")),
    (CITY, "Đài Phát thanh - Truyền hình Huế", ("Đài Phát thanh - Truyền hình Huế", "Huế")),
    # OCR-damaged marks and capitals
    (PROVINCE, "Sở Tài nguyên và Môi truờng", ("Sở Tài nguyên và Môi trường", "Kon Tum")),
    (PROVINCE, "Cuc Thuế tỉnh", ("Cục Thuế tỉnh", "Kon Tum")),
    (PROVINCE, "Kho bac Nhà nước tỉnh", ("Kho bạc Nhà nước tỉnh", "Kon Tum")),
    (PROVINCE, "SỞ TÀI CHÍNH", ("Sở Tài chính", "Kon Tum")),
    # district and commune bodies; a district has no Sở: its province's
    (DISTRICT, "Huyện đoàn", ("Huyện Đoàn", "Krông Pắc")),
    (DISTRICT, "Phòng GD&ĐT", ("Phòng Giáo dục và Đào tạo", "Krông Pắc")),
    (DISTRICT, "Trung tâm Y tế huyện", ("Trung tâm Y tế", "Krông Pắc")),
    (DISTRICT, "Sở Y tế", ("Sở Y tế", "Đắk Lắk")),
    (COMMUNE, "Công an xã", ("Công an xã", "Hà Đông")),
    (COMMUNE, "Trạm Y tế xã", ("Trạm Y tế", "Hà Đông")),
    (COMMUNE, "Ban CHQS xã", ("Ban Chỉ huy Quân sự xã", "Hà Đông")),
    # a ministry's document: central bodies, and local ones of no single province
    (NATIONAL, "VPCP", ("Văn phòng Chính phủ", None)),
    (NATIONAL, "Kho bạc Nhà nước", ("Kho bạc Nhà nước", None)),
    (NATIONAL, "Trung ương Đoàn TNCS Hồ Chí Minh", ("Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh", None)),
    (NATIONAL, "UBND các tỉnh, TP trực thuộc TW", ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", None)),
    (NATIONAL, "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
     ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", None)),
    (NATIONAL, "Các Bộ, cơ quan ngang Bộ, cơ quan thuộc CP", ("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", None)),
    (NATIONAL, "Sở KH&CN các tỉnh, thành phố trực thuộc TW",
     ("Sở Khoa học và Công nghệ các tỉnh, thành phố trực thuộc Trung ương", None)),
    (NATIONAL, "Sở Tài chính", ("Sở Tài chính", None)),
    (NATIONAL, "UBND cấp huyện", ("Ủy ban nhân dân cấp huyện", None)),
])
def test_canonical_agency_beyond_the_seeds(ctx, raw, expected):
    assert canonical_agency(raw, ctx) == expected


@pytest.mark.parametrize("raw", ["", "các cơ quan, đơn vị liên quan", "thủ tục hành chính", "xyz",
                                 "Sở Tài chính hướng dẫn các đơn vị lập dự toán"])
def test_not_an_agency(raw):
    assert canonical_agency(raw, PROVINCE) is None


def names(ctx: Context) -> set[tuple[str, str | None]]:
    return {(a["name"], a["locality"]) for a in extract_agencies(ctx).items}


def test_a_body_named_two_ways_is_one_identity():
    text = ("1. Sở Khoa học và Công nghệ chủ trì.\n2. Sở KH&CN tổng hợp, báo cáo UBND tỉnh.\n"
            "3. Giám đốc Sở Khoa học và Công nghệ; Chủ tịch Ủy ban nhân dân tỉnh Kon Tum.\n"
            "- Tổng cục TCĐLCL;\n- Tổng cục Tiêu Chuẩn Đo lường Chất lượng.\n")
    ctx = make_ctx(text, "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province")
    sec = extract_agencies(ctx)
    by_name = {(a["name"], a["locality"]): a["mentions"] for a in sec.items}
    assert by_name == {("Sở Khoa học và Công nghệ", "Kon Tum"): 3,
                       ("Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum"): 2,
                       ("Tổng cục Tiêu chuẩn Đo lường Chất lượng", None): 2}
    assert [len(s) for s in sec.spans] == [a["mentions"] for a in sec.items]


def test_the_same_name_in_two_provinces_is_two():
    text = "Căn cứ Quyết định số 12/2015/QĐ-UBND của Ủy ban nhân dân tỉnh Thừa Thiên Huế;\nUBND thành phố Huế giao Sở Tài chính."
    ctx = make_ctx(text, "Ủy ban nhân dân thành phố Huế", "Huế", "province")
    assert {("Ủy ban nhân dân tỉnh Thừa Thiên Huế", "Thừa Thiên Huế"),
            ("Ủy ban nhân dân thành phố Huế", "Huế")} <= names(ctx)
    assert names(make_ctx("Sở Tài chính chủ trì.", "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum")) == {
        ("Sở Tài chính", "Kon Tum")}
    assert names(make_ctx("Sở Tài chính chủ trì.", "Ủy ban nhân dân thành phố Huế", "Huế")) == {
        ("Sở Tài chính", "Huế")}


def test_open_ended_groups_never_count_definite_ones_do():
    text = ("5. Các sở, ngành, đơn vị có liên quan phối hợp.\n"
            "- UBND các huyện, thị xã, thành phố liên quan;\n"
            "- Các Sở, ban ngành, đơn vị thuộc tỉnh;\n"
            "Văn phòng phối hợp với các cơ quan, đơn vị liên quan.\n")
    ctx = make_ctx(text, "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province")
    assert names(ctx) == {("Các sở, ban, ngành", "Kon Tum")}


def test_categories_count_only_when_assigned_duties():
    named = "Nâng cao hiệu quả của cơ quan hành chính nhà nước.\n"
    assigned = named + "6. Các cơ quan hành chính nhà nước trên địa bàn tỉnh\na) Xây dựng kế hoạch.\n"
    issuer = ("Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province")
    assert names(make_ctx(named, *issuer)) == set()
    got = extract_agencies(make_ctx(assigned, *issuer)).items
    assert got == [{"name": "Các cơ quan hành chính nhà nước", "locality": "Kon Tum", "mentions": 2}]


def test_groups_inside_a_cited_title_are_not_this_documents():
    text = ("Căn cứ Nghị định số 150/2025/NĐ-CP ngày 12 tháng 6 năm 2025 của Chính phủ quy định tổ chức "
            "các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh và Ủy ban nhân dân xã, phường, đặc khu;\n")
    ctx = make_ctx(text, "Ủy ban nhân dân thành phố Huế", "Huế", "province")
    assert names(ctx) == {("Chính phủ", None)}


def test_district_groups_take_the_commonest_wording():
    text = ("Kế hoạch đối với Ủy ban nhân dân các huyện, thị xã và thành phố.\n"
            "- Tại một số UBND các huyện, thị xã và thành phố trên địa bàn tỉnh.\n"
            "- Triển khai tại 02 UBND cấp huyện.\n"
            "4. UBND các huyện triển khai thí điểm\n"
            "- UBND huyện, thị xã được thí điểm có trách nhiệm phối hợp.\n")
    ctx = make_ctx(text, "Ủy ban nhân dân tỉnh Thừa Thiên Huế", "Thừa Thiên Huế", "province")
    got = {a["name"]: a["mentions"] for a in extract_agencies(ctx).items}
    assert got == {"Ủy ban nhân dân các huyện, thị xã và thành phố": 3,
                   "Ủy ban nhân dân các huyện triển khai thí điểm": 2}
    tie = "- Ủy ban nhân dân các huyện, thành phố;\n- Ủy ban nhân dân cấp huyện chỉ đạo.\n"
    ctx = make_ctx(tie, "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province")
    assert names(ctx) == {("Ủy ban nhân dân cấp huyện", "Kon Tum")}
    # "… trực thuộc Trung ương" is the same enumeration said in full: counted with it
    national = ("Điều 5. Ủy ban nhân dân cấp tỉnh chỉ đạo thực hiện.\n"
                "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương chịu trách nhiệm thi hành.\n"
                "Nơi nhận:\n- HĐND, UBND các tỉnh, thành phố;\n")
    ctx = make_ctx(national, "Chính phủ", None, "national")
    assert names(ctx) == {("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", None),
                          ("Hội đồng nhân dân các tỉnh, thành phố", None)}


def test_channels_and_filing_codes_are_not_agencies():
    text = ("- Tuyên truyền trên Cổng thông tin điện tử xã, hệ thống Đài truyền thanh xã.\n"
            "- Rà soát lại thành phần Ban chỉ đạo ISO tại các cơ quan, tổ chức.\n"
            "- Lưu: VT, VHXH.\n")
    assert names(make_ctx(text, "Ủy ban nhân dân xã Hà Đông", "Hà Đông", "commune")) == set()


def test_find_agencies_matches_extract_agencies():
    text = "2. Sở KH&CN\n- Chủ trì, phối hợp với Sở Tài chính, UBND các huyện báo cáo UBND tỉnh.\n"
    ctx = make_ctx(text, "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province")
    line = ctx.text.text.index("- Chủ trì")
    hits = find_agencies(ctx, line, len(ctx.text.text))
    assert all(isinstance(h, AgencyHit) for h in hits)
    assert [(h.name, h.locality) for h in hits] == [
        ("Sở Tài chính", "Kon Tum"), ("Ủy ban nhân dân các huyện", "Kon Tum"),
        ("Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum")]
    assert find_agencies(ctx, 0, line)[0].name == "Sở Khoa học và Công nghệ"


def test_national_groups_and_shared_unit_words():
    text = ("Kính gửi:\n- Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ;\n"
            "- HĐND, UBND các tỉnh, TP trực thuộc TW;\n"
            "1. Chủ tịch Ủy ban nhân dân các tỉnh chỉ đạo Ủy ban nhân dân cấp huyện, cấp xã thực hiện.\n"
            "2. Thủ trưởng cơ quan thuộc Chính phủ báo cáo.\n")
    got = names(make_ctx(text, "Thủ tướng Chính phủ", None, "national", "2016-05-20"))
    assert got == {("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", None),
                   ("Hội đồng nhân dân các tỉnh, thành phố trực thuộc Trung ương", None),
                   ("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", None),
                   ("Ủy ban nhân dân cấp huyện", None), ("Ủy ban nhân dân cấp xã", None)}


def test_sectors_listed_after_cac_so_each_name_a_so():
    text = "Giám đốc các sở: Nội vụ, Tài nguyên và Môi trường, Văn hóa, Thể thao và Du lịch; Giám đốc Công an tỉnh.\n"
    assert names(make_ctx(text, "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province")) == {
        ("Sở Nội vụ", "Kon Tum"), ("Sở Tài nguyên và Môi trường", "Kon Tum"),
        ("Sở Văn hóa, Thể thao và Du lịch", "Kon Tum"), ("Công an tỉnh", "Kon Tum")}


def test_names_read_from_capitals_stop_at_the_duty():
    text = ("1. Trung tâm Trợ giúp pháp lý nhà nước tổ chức tư vấn.\n"
            "2. Phòng Phổ biến, giáo dục pháp luật chủ trì, phối hợp với Trường Tiểu học Nghĩa Đàn, "
            "Trung tâm Văn hóa - Thể thao và Truyền thanh - Truyền hình huyện.\n"
            "3. Sở Xây dựng số hóa dữ liệu; Phòng Văn hóa - Xã hội rà soát thủ tục.\n")
    got = {a["name"] for a in extract_agencies(make_ctx(text, "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum")).items}
    assert got == {"Trung tâm Trợ giúp pháp lý nhà nước", "Phòng Phổ biến, giáo dục pháp luật",
                   "Trường Tiểu học Nghĩa Đàn", "Trung tâm Văn hóa - Thể thao và Truyền thanh - Truyền hình huyện",
                   "Sở Xây dựng", "Phòng Văn hóa - Xã hội"}


def test_a_committee_named_again_by_its_head_alone():
    text = ("Điều 1. Kiện toàn Ban Chỉ đạo chuyển đổi số tỉnh (sau đây gọi tắt là Ban Chỉ đạo).\n"
            "Điều 2. Ban Chỉ đạo có nhiệm vụ giúp Chủ tịch; thành lập Tổ giúp việc Ban Chỉ đạo.\n")
    ctx = make_ctx(text, "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province")
    got = {a["name"]: a["mentions"] for a in extract_agencies(ctx).items}
    assert got == {"Ban Chỉ đạo chuyển đổi số": 3, "Tổ giúp việc Ban Chỉ đạo": 1}
    # two committees: the bare head is neither
    two = text + "Ban Chỉ đạo 389 tỉnh phối hợp.\n"
    got = {a["name"] for a in extract_agencies(make_ctx(two, "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum")).items}
    assert "Ban Chỉ đạo" not in got and {"Ban Chỉ đạo chuyển đổi số", "Ban Chỉ đạo 389"} <= got


def test_a_duty_heading_may_name_a_group_by_its_head_words():
    text = ("2.1. Các cơ quan, tổ chức thuộc hệ thống hành chính Nhà nước tỉnh Kon Tum\n"
            "III. Nội dung thực hiện\n"
            "1. Đối với các cơ quan, tổ chức đang áp dụng Tiêu chuẩn quốc gia\n"
            "Tiếp tục duy trì.\n"
            "2. Đối với các cơ quan, tổ chức khác\n")
    ctx = make_ctx(text, "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province")
    line = ctx.text.text.index("1. Đối với")
    hits = find_agencies(ctx, line, ctx.text.text.index("Tiếp tục"))
    assert [(h.name, h.locality) for h in hits] == [
        ("Các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước", "Kon Tum")]
    assert find_agencies(ctx, ctx.text.text.index("2. Đối với"), len(ctx.text.text)) == []
    # never without the group named in full
    alone = make_ctx("1. Đối với các cơ quan, tổ chức đang áp dụng ISO\n", "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum")
    assert names(alone) == set()


def test_issuer_with_layout_residue_or_capitals_still_gives_the_locality():
    text = "UBND xã chủ trì; phối hợp với Sở Nội vụ.\n"
    ctx = make_ctx(text, "Ủy ban nhân dân xã Nghĩa Đàn Cộng Hòa Xã Hội Chủ Nghĩa Việt Nam",
                   "Nghĩa Đàn Cộng Hòa Xã Hội Chủ Nghĩa Việt Nam", None, "2025-09-25")
    assert names(ctx) == {("Ủy ban nhân dân xã Nghĩa Đàn", "Nghĩa Đàn"), ("Sở Nội vụ", "Nghệ An")}
    ctx = make_ctx("UBND tỉnh giao Sở Tài chính.\n", "Uỷ ban nhân dân tỉnh quảng nam", None, None, "2019-09-12")
    assert names(ctx) == {("Ủy ban nhân dân tỉnh Quảng Nam", "Quảng Nam"), ("Sở Tài chính", "Quảng Nam")}


DISTRICT = make_ctx("", "Ủy ban nhân dân huyện Thanh Chương", "Thanh Chương", "district", "2023-03-14", "Nghệ An")
MINISTRY = make_ctx("", "Bộ Nông nghiệp và Phát triển nông thôn", None, "national", "2024-06-20")


@pytest.mark.parametrize("ctx,text,expected", [
    # a domain abbreviated inside a name (abbreviations.tsv, category domain)
    (DISTRICT, "Phòng Nông nghiệp và PTNT huyện chủ trì.\n",
     {("Phòng Nông nghiệp và Phát triển nông thôn", "Thanh Chương")}),
    (DISTRICT, "Báo cáo Sở Nông nghiệp và PTNT.\n", {("Sở Nông nghiệp và Phát triển nông thôn", "Nghệ An")}),
    # one head, two kinds: the level of the division word decides
    (PROVINCE, "BCH Quân sự tỉnh bảo đảm an ninh.\n", {("Bộ Chỉ huy Quân sự tỉnh", "Kon Tum")}),
    (COMMUNE, "BCH Quân sự xã phối hợp.\n", {("Ban Chỉ huy Quân sự xã", "Hà Đông")}),
    # a ministry's own units are national bodies; an addressed Vụ in brackets is not one
    (MINISTRY, "1. Vụ Kế hoạch chủ trì, phối hợp với Văn phòng Bộ, Cục Thú y.\n",
     {("Vụ Kế hoạch", None), ("Văn phòng Bộ", None), ("Cục Thú y", None)}),
    (MINISTRY, "Phản ánh về Bộ Tài chính (Vụ Ngân sách nhà nước).\n", {("Bộ Tài chính", None)}),
    (MINISTRY, "2. Các đơn vị thuộc Bộ triển khai.\n", {("Các đơn vị thuộc Bộ", None)}),
    # of the ministry named: not the issuer's units, nor that ministry acting, but its units
    (MINISTRY, "2. Các đơn vị thuộc Bộ Tài chính triển khai.\n", {("Các đơn vị thuộc Bộ Tài chính", None)}),
    # state groups and corporations assigned duties; a province's branch by its place
    (PROVINCE, "Tổng công ty Điện lực miền Trung, Viettel Kon Tum bảo đảm hạ tầng.\n",
     {("Tổng công ty Điện lực miền Trung", None), ("Viettel Kon Tum", "Kon Tum")}),
    (MINISTRY, "Tập đoàn Công nghiệp - Viễn thông Quân đội (Viettel) bảo đảm liên lạc.\n",
     {("Tập đoàn Công nghiệp - Viễn thông Quân đội", None)}),
    # definite groups named by the unit they belong to
    (DISTRICT, "8. Các cơ quan, đơn vị thuộc huyện thực hiện.\n",
     {("Các cơ quan, đơn vị thuộc huyện", "Thanh Chương")}),
    (DISTRICT, "Các cơ quan, đơn vị thuộc huyện có liên quan phối hợp.\n", set()),
    (COMMUNE, "- Các phòng chuyên môn, đơn vị thuộc xã;\n",
     {("Các cơ quan chuyên môn thuộc Ủy ban nhân dân xã", "Hà Đông")}),
    # glued table cells: a capitalised "Các", "Năm", "Quý" opens the next cell
    (PROVINCE, "1 Tập huấn Sở Nội vụ Các sở, ban, ngành Quý III/2019\n",
     {("Sở Nội vụ", "Kon Tum"), ("Các sở, ban, ngành", "Kon Tum")}),
    (PROVINCE, "2 Đào tạo Trường Cao đẳng Kỹ thuật Công nghiệp Năm 2020\n",
     {("Trường Cao đẳng Kỹ thuật Công nghiệp", "Kon Tum")}),
    (MINISTRY, "Sở Nông nghiệp và Phát triển nông thôn các tỉnh, thành phố báo cáo; Sở Nông nghiệp và "
               "Phát triển nông thôn các tỉnh, thành phố trực thuộc Trung ương thực hiện.\n",
     {("Sở Nông nghiệp và Phát triển nông thôn các tỉnh, thành phố trực thuộc Trung ương", None)}),
    (DISTRICT, "Phối hợp với Bệnh viện Đa khoa Trung ương Thái Nguyên.\n",
     {("Bệnh viện Đa khoa Trung ương Thái Nguyên", None)}),
])
def test_names_and_localities_found_in_running_text(ctx, text, expected):
    ctx = make_ctx(text, ctx.document["issuer"]["name"], ctx.locality, ctx.level,
                   ctx.document["issued_date"], ctx.parent_locality)
    assert names(ctx) == expected


SEED_CTX = {}


def seed_context(stem: str) -> tuple[Context, dict]:
    if stem not in SEED_CTX:
        gold = json.loads((FIXTURES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
        raw = (FIXTURES / "seeds" / f"{stem}.txt").read_text(encoding="utf-8")
        doc = gold["document"]
        issuer = doc["issuer"]
        ctx = make_ctx(raw, issuer["name"], issuer["locality"], None, doc["issued_date"])
        SEED_CTX[stem] = (ctx, gold)
    return SEED_CTX[stem]


STEMS = sorted(p.stem for p in (FIXTURES / "gold").glob("*.json"))


@given(st.sampled_from(STEMS), st.integers(0, 40000), st.integers(0, 3000))
@settings(max_examples=60, deadline=None)
def test_find_agencies_stays_inside_and_agrees(stem, start, length):
    ctx, _ = seed_context(stem)
    known = {(a["name"], a["locality"]) for a in extract_agencies(ctx).items}
    for h in find_agencies(ctx, start, start + length):
        assert start <= h.start < h.end <= start + length
        assert (h.name, h.locality) in known
        assert "\n" not in ctx.text.text[h.start:h.end]  # a mention never runs into the next line


def test_golden_seeds_agencies(score):
    tally = {False: [0, 0, 0], True: [0, 0, 0]}
    for stem in STEMS:
        ctx, gold = seed_context(stem)
        pred = extract_agencies(ctx).items
        for loc in (False, True):
            pk = sorted({score.agency_key(a, loc) for a in pred})
            gk = sorted({score.agency_key(a, loc) for a in gold["agencies"]})
            tp, fp, fn, _ = score.match_sets(pk, gk, score.near_key)
            for i, v in enumerate((tp, fp, fn)):
                tally[loc][i] += v

    def f1(tp, fp, fn):
        return 2 * tp / (2 * tp + fp + fn)

    assert f1(*tally[False]) >= 0.93
    assert f1(*tally[True]) >= 0.90


def test_broken_and_clean_renderings_agree():
    a, _ = seed_context("000_3677fabeb5caf27f")
    b, _ = seed_context("001_229f55b587587d45")
    assert names(a) == names(b)
    # the letterhead only 000 has counts for nothing named elsewhere: same counts, same order
    assert extract_agencies(a).items == extract_agencies(b).items


Q_TRI = ("Ủy ban nhân dân tỉnh Quảng Trị", "Quảng Trị", "province", "2019-07-12")


@pytest.mark.parametrize("text,issuer,expected", [
    # a Council's Ban keeps its parent; Ban listed before a Party body share its parent
    ("Báo cáo thẩm tra của Ban Kinh tế - Ngân sách HĐND tỉnh.\n", Q_TRI,
     {("Ban Kinh tế - Ngân sách Hội đồng nhân dân tỉnh", "Quảng Trị")}),
    ("- Ban Tổ chức, Ban Tuyên giáo, UBKT Tỉnh ủy;\n", Q_TRI,
     {("Ban Tổ chức Tỉnh ủy", "Quảng Trị"), ("Ban Tuyên giáo Tỉnh ủy", "Quảng Trị"),
      ("Ủy ban Kiểm tra Tỉnh ủy", "Quảng Trị")}),
    # a national Ban before a local one keeps its own name
    ("Hướng dẫn của Ban Tuyên giáo Trung ương, Ban Thường vụ Tỉnh ủy.\n", Q_TRI,
     {("Ban Tuyên giáo Trung ương", None), ("Ban Thường vụ Tỉnh ủy", "Quảng Trị")}),
    # "TT HĐND, UBND các huyện": the Council's Thường trực of each district, and the UBND group
    ("- TT HĐND, UBND các huyện, thị xã;\n", Q_TRI,
     {("Thường trực Hội đồng nhân dân các huyện, thị xã", "Quảng Trị"),
      ("Ủy ban nhân dân các huyện, thị xã", "Quảng Trị")}),
    # Council groups; council members are persons
    ("Thường trực HĐND tỉnh, các Ban của HĐND tỉnh, các Tổ đại biểu HĐND tỉnh và đại biểu HĐND tỉnh giám sát.\n",
     ("Hội đồng nhân dân tỉnh Quảng Trị", "Quảng Trị", "province", "2019-07-12"),
     {("Thường trực Hội đồng nhân dân tỉnh", "Quảng Trị"), ("Các Ban của Hội đồng nhân dân tỉnh", "Quảng Trị"),
      ("Các Tổ đại biểu Hội đồng nhân dân tỉnh", "Quảng Trị"), ("Hội đồng nhân dân tỉnh Quảng Trị", "Quảng Trị")}),
    # one office in each district is a category
    ("Thí điểm hợp nhất Văn phòng Ủy ban nhân dân ở cấp huyện.\n", Q_TRI, set()),
    # a line cropped on the right names the one body it begins
    ("Nơi nhận:\n- Sở Kế hoạch và Đầ\n", Q_TRI, {("Sở Kế hoạch và Đầu tư", "Quảng Trị")}),
    # a flattened table row: the name ends at the province's name; a glued cell is not more name
    ("2 Trường Đại học Thái Bình Tư vấn tuyển sinh Tháng 3/2018\n1 Sở Lao động - TB&XH Cung cấp thông tin\n",
     Q_TRI, {("Trường Đại học Thái Bình", "Quảng Trị"), ("Sở Lao động - Thương binh và Xã hội", "Quảng Trị")}),
    # a name read from capitalisation is written in full
    ("- Trường THPT Chuyên Lê Quý Đôn tổ chức ngày hội.\n", Q_TRI,
     {("Trường Trung học phổ thông Chuyên Lê Quý Đôn", "Quảng Trị")}),
    # "đoàn" is not refolded ("đòan"): group patterns spelled as printed match
    ("Các đơn vị y tế trực thuộc Sở triển khai.\n", ("Sở Y tế", "Quảng Trị", "province", "2019-07-12"),
     {("Các đơn vị thuộc Sở", "Quảng Trị")}),
])
def test_council_bodies_groups_and_damaged_lines(text, issuer, expected):
    assert names(make_ctx(text, *issuer)) == expected


def test_letterhead_columns_read_across():
    """Two letterhead columns read across give the header "Ủy ban nhân dân Cong Hoa … Tinh Lam
    Dong": the unit is the last division word before a known place."""
    junk = "Ủy ban nhân dân Cong Hoa Xa Hoi Chu Nghia Viet Nam Tinh Lam Dong"
    ctx = make_ctx("UBND tỉnh giao Sở Y tế.\n", junk, junk, None, "2021-08-16")
    assert names(ctx) == {("Ủy ban nhân dân tỉnh Lâm Đồng", "Lâm Đồng"), ("Sở Y tế", "Lâm Đồng")}


N_AN = ("Ủy ban nhân dân tỉnh Nghệ An", "Nghệ An", "province", "2021-07-12")


@pytest.mark.parametrize("text,issuer,expected", [
    # a place name ends at the first lower-case word ("đ", "ề" sit in the capitals' range)
    ("Ủy ban nhân dân huyện Cần Giờ đề nghị các cơ quan thực hiện.\n",
     ("Ủy ban nhân dân huyện Cần Giờ", "Cần Giờ", "district", "2019-09-17"),
     {("Ủy ban nhân dân huyện Cần Giờ", "Cần Giờ")}),
    ("Ủy ban nhân dân tỉnh Đắk Lắk đã ban hành.\n", N_AN, {("Ủy ban nhân dân tỉnh Đắk Lắk", "Đắk Lắk")}),
    # the Front's standing board, and Council groups with their members between
    ("Đề nghị Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh tham gia giám sát.\n", N_AN,
     {("Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Nghệ An")}),
    ("Giao các Tổ đại biểu và đại biểu Hội đồng nhân dân tỉnh giám sát.\n", N_AN,
     {("Các Tổ đại biểu Hội đồng nhân dân tỉnh", "Nghệ An")}),
    # the units of a body the text names are a group of that body
    ("Các đơn vị thuộc Bộ Tài chính thực hiện.\n", N_AN, {("Các đơn vị thuộc Bộ Tài chính", None)}),
    ("Các đơn vị thuộc Sở Y tế triển khai.\n", N_AN, {("Các đơn vị thuộc Sở Y tế", "Nghệ An")}),
    # a region's "Bộ" is not a ministry
    ("Giao Bệnh viện Đa khoa vùng Bắc Trung Bộ tiếp nhận bệnh nhân.\n", N_AN,
     {("Bệnh viện Đa khoa vùng Bắc Trung Bộ", None)}),
    ("Phối hợp với Sở Y tế, Bộ Quốc phòng.\n", N_AN, {("Sở Y tế", "Nghệ An"), ("Bộ Quốc phòng", None)}),
])
def test_place_names_front_boards_unit_groups_and_regions(text, issuer, expected):
    assert names(make_ctx(text, *issuer)) == expected


_NATIONAL = make_ctx("", "Bộ Công an", None, None)
_QB = make_ctx("", "Ủy ban nhân dân tỉnh Quảng Bình", "Quảng Bình", "province")
_LD = make_ctx("", "Ủy ban nhân dân tỉnh Lâm Đồng", "Lâm Đồng", "province")


@pytest.mark.parametrize("text,base,expected", [
    ("Công an các tỉnh biên giới tăng cường tuần tra.", _NATIONAL, {("Công an các tỉnh biên giới", None)}),
    ("Đề nghị Công an các tỉnh phối hợp.", _NATIONAL, {("Công an các tỉnh", None)}),
    ("Bộ Chỉ huy Quân sự các tỉnh, thành phố trực thuộc Trung ương chủ trì.", _NATIONAL,
     {("Bộ Chỉ huy Quân sự các tỉnh, thành phố trực thuộc Trung ương", None)}),
    ("Văn phòng thường trực Ban Chỉ huy phòng, chống thiên tai và tìm kiếm cứu nạn tỉnh tổng hợp.", _QB,
     {("Văn phòng thường trực Ban Chỉ huy Phòng chống thiên tai và Tìm kiếm cứu nạn tỉnh", "Quảng Bình")}),
    ("Đài Khí tượng Thủy văn tỉnh Quảng Bình theo dõi.", _QB, {("Đài Khí tượng Thủy văn tỉnh Quảng Bình", "Quảng Bình")}),
    ("Công ty TNHH MTV Khai thác công trình thủy lợi Quảng Bình vận hành hồ chứa.", _QB,
     {("Công ty trách nhiệm hữu hạn một thành viên Khai thác công trình thủy lợi Quảng Bình", "Quảng Bình")}),
    ("Ban điều hành các khu phố tuyên truyền.", _LD, {("Ban điều hành các khu phố", "Lâm Đồng")}),
    ("Chủ tịch Ủy ban nhân dân các tỉnh Lào Cai, Yên Bái, Hà Giang, Cao Bằng:\n1. Chỉ đạo.", _NATIONAL,
     {("Ủy ban nhân dân các tỉnh Lào Cai, Yên Bái, Hà Giang, Cao Bằng", None)}),
    ("Ủy ban nhân dân các huyện, thành phố Đà Lạt, thành phố Bảo Lộc triển khai.", _LD,
     {("Ủy ban nhân dân các huyện, thành phố Đà Lạt, thành phố Bảo Lộc", "Lâm Đồng")}),
    ("Ủy ban nhân dân các tỉnh ven biển chủ động.", _NATIONAL, {("Ủy ban nhân dân các tỉnh ven biển", None)}),
])
def test_groups_keep_their_qualifier_or_named_members(text, base, expected):
    ctx = make_ctx(text, base.document["issuer"]["name"], base.locality, base.level)
    assert names(ctx) == expected


_KT = ("Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "province", "2015-03-16")
_BYT = ("Bộ Y tế", None, None, "2021-09-20")


@pytest.mark.parametrize("text,issuer,expected", [
    ("Chi cục Thống kê tỉnh cập nhật số liệu.", _KT, {("Chi cục Thống kê tỉnh", "Kon Tum")}),
    ("Chi cục Kiểm lâm chỉ đạo Hạt Kiểm lâm các huyện, thành phố trực phòng cháy.", _KT,
     {("Chi cục Kiểm lâm", "Kon Tum"), ("Hạt Kiểm lâm các huyện, thành phố", "Kon Tum")}),
    ("Ban quản lý rừng phòng hộ Đăk Hà xây dựng phương án.", _KT,
     {("Ban quản lý rừng phòng hộ Đăk Hà", "Kon Tum")}),
    ("Cục Y tế dự phòng phối hợp với các Viện Pasteur, các bệnh viện trực thuộc Bộ.", _BYT,
     {("Cục Y tế dự phòng", None), ("Các Viện Pasteur", None), ("Các bệnh viện trực thuộc Bộ", None)}),
])
def test_provincial_branches_and_ministry_units(text, issuer, expected):
    assert names(make_ctx(text, *issuer)) == expected


# --- short forms: defined in the document, initials of a body named in full, domains -------

def _agencies(text: str, issuer=("Ủy ban nhân dân tỉnh Gia Lai", "Gia Lai", "province")) -> dict:
    ctx = make_ctx(text, issuer[0], issuer[1], issuer[2], "2025-09-10")
    return {(a["name"], a["locality"]): a["mentions"] for a in extract_agencies(ctx).items}


@pytest.mark.parametrize("text,name,mentions,short", [
    # a parenthesised short form after the name
    ("1. Giao Trung tâm Ứng dụng tiến bộ khoa học (Trung tâm UDTB) chủ trì.\n"
     "2. Trung tâm UDTB báo cáo kết quả.\n", "Trung tâm Ứng dụng tiến bộ khoa học", 2, "Trung tâm UDTB"),
    # "(sau đây gọi tắt là …)"
    ("1. Ban Quản lý dự án hạ tầng kỹ thuật (sau đây gọi tắt là Ban QLDAHT) lập hồ sơ.\n"
     "2. Ban QLDAHT phối hợp với Sở Xây dựng.\n", "Ban Quản lý dự án hạ tầng kỹ thuật", 2, "Ban QLDAHT"),
    # the bare short form, defined after a known body
    ("1. Sở Nông nghiệp và Môi trường (SNNMT) chủ trì.\n2. SNNMT hướng dẫn các xã.\n",
     "Sở Nông nghiệp và Môi trường", 2, "SNNMT"),
])
def test_a_short_form_the_document_defines_is_that_body(text, name, mentions, short):
    got = _agencies(text)
    assert got.get((name, "Gia Lai")) == mentions, got
    assert not any(short in n for n, _ in got), got


@pytest.mark.parametrize("text,want", [
    # the initials of a body the text names in full, words after the short form kept
    ("1. Kiện toàn Ban Vì sự tiến bộ phụ nữ và Bình đẳng giới tỉnh.\n"
     "Nơi nhận:\n- Ban VSTBPN&BĐG tỉnh;\n", ("Ban Vì sự tiến bộ phụ nữ và Bình đẳng giới tỉnh", "Gia Lai")),
    # glued domains of abbreviations.tsv
    ("Nơi nhận:\n- Viện PYTTTW;\n", ("Viện Pháp y tâm thần Trung ương", None)),
    ("Nơi nhận:\n- Trung tâm TTDL và CNS tỉnh;\n", ("Trung tâm Thông tin dữ liệu và Chuyển đổi số tỉnh", "Gia Lai")),
    # a national body written with its domains abbreviated
    ("Nơi nhận:\n- Cục KTVB&QLXLVPHC (Bộ Tư pháp);\n",
     ("Cục Kiểm tra văn bản và Quản lý xử lý vi phạm hành chính", None)),
])
def test_short_forms_are_written_in_full(text, want):
    got = _agencies(text)
    assert want in got, got
    assert not any(any(c.isupper() and c2.isupper() for c, c2 in zip(w, w[1:]))
                   for n, _ in got for w in n.split() if "&" in w or w.isupper()), got


@pytest.mark.parametrize("line", ["- Phòng VX, TH;", "- Trung tâm CN;", "- Phòng KGVX;"])
def test_a_short_form_nothing_resolves_is_no_name(line):
    got = _agencies("Nơi nhận:\n- Sở Tài chính;\n" + line + "\n- Lưu: VT.\n")
    assert set(got) == {("Sở Tài chính", "Gia Lai")}, got


@pytest.mark.parametrize("text,want", [
    # a tier printed after a known body stays in its name
    ("1. Trung tâm Phục vụ hành chính công cấp xã tiếp nhận hồ sơ.\n",
     ("Trung tâm Phục vụ hành chính công cấp xã", "Gia Lai")),
    # a body no list knows keeps its printed division word; a known one does not
    ("1. Trung tâm Điều phối du lịch tỉnh vận hành hệ thống.\n",
     ("Trung tâm Điều phối du lịch tỉnh", "Gia Lai")),
    ("1. Sở Tài chính tỉnh Gia Lai bố trí kinh phí.\n", ("Sở Tài chính", "Gia Lai")),
    # a body other than the issuer, named bare, stays bare; the province is its locality
    ("1. Trình HĐND tỉnh xem xét.\n", ("Hội đồng nhân dân tỉnh", "Gia Lai")),
    # … unless the text prints it in full elsewhere
    ("1. Trình HĐND tỉnh xem xét.\n2. Nghị quyết của Hội đồng nhân dân tỉnh Gia Lai.\n",
     ("Hội đồng nhân dân tỉnh Gia Lai", "Gia Lai")),
    # a Party committee keeps the place printed with it
    ("Thực hiện Kết luận của Tỉnh ủy Gia Lai về chuyển đổi số.\n", ("Tỉnh ủy Gia Lai", "Gia Lai")),
    ("- Văn phòng Thành ủy;\n", ("Văn phòng Thành ủy", "Gia Lai")),
    # the issuer's Văn phòng, named by its positions
    ("Nơi nhận:\n- VPUB: CVP, các PCVP;\n", ("Văn phòng Ủy ban nhân dân tỉnh", "Gia Lai")),
])
def test_names_keep_what_the_text_prints(text, want):
    got = _agencies(text)
    assert want in got, got


def test_bodies_inside_a_cited_title_are_not_mentions():
    text = ("1. Bãi bỏ Quyết định số 12/2010/QĐ-UBND ngày 05 tháng 3 năm 2010 của Ủy ban nhân dân\n"
            "tỉnh Gia Lai thành lập Trung tâm Y tế huyện Ia Grai trên cơ sở Phòng Y tế\n"
            "huyện Ia Grai.\n"
            "2. Sở Y tế chủ trì thực hiện.\n")
    got = _agencies(text)
    assert ("Sở Y tế", "Gia Lai") in got
    assert not any(n.startswith(("Trung tâm Y tế", "Phòng Y tế")) for n, _ in got), got


@pytest.mark.parametrize("line,want", [
    ("- Các Bộ: YT, TC, GD&ĐT;", {"Bộ Y tế", "Bộ Tài chính", "Bộ Giáo dục và Đào tạo"}),
    ("- Các Bộ XD, QP, NN&MT,\nNV;", {"Bộ Xây dựng", "Bộ Quốc phòng", "Bộ Nông nghiệp và Môi trường", "Bộ Nội vụ"}),
    ("3. Các Bộ: Công an, Ngoại giao chủ động phối hợp.", {"Bộ Công an", "Bộ Ngoại giao"}),
])
def test_a_list_of_ministries_names_each(line, want):
    got = {n for n, _ in _agencies(line + "\n", ("Thủ tướng Chính phủ", None, "national"))}
    assert want <= got, got


def test_a_group_is_named_by_the_units_it_opens_a_duty_with():
    text = ("1. Sở Nội vụ phối hợp với UBND cấp xã rà soát.\n2. Sở Tư pháp phối hợp với UBND cấp xã.\n"
            "3. Sở Y tế phối hợp với UBND cấp xã.\n4. UBND các xã, phường tổ chức thực hiện.\n"
            "Nơi nhận:\n- UBND các xã, phường;\n")
    got = _agencies(text)
    assert ("Ủy ban nhân dân các xã, phường", "Gia Lai") in got and got[("Ủy ban nhân dân các xã, phường", "Gia Lai")] == 5
    assert not any("cấp xã" in n for n, _ in got), got


def test_a_name_cut_by_its_line_end_is_the_one_longer_name_it_begins():
    text = ("1. Ban Quản lý các khu công nghệ cao và khu công nghiệp chủ trì.\n"
            "| 2 | Hỗ trợ doanh nghiệp | Ban Quản lý\ncác khu công nghệ cao | 2026 |\n")
    got = _agencies(text)
    assert got.get(("Ban Quản lý các khu công nghệ cao và khu công nghiệp", "Gia Lai")) == 2, got


@pytest.mark.parametrize("text", [
    "- Điểm quan trắc xã Quảng Tiến - xã\nTrường Sơn 2169710 579669;\n",
    "Lấy mẫu tại Trường Sơn: 01 vị trí.\n",
])
def test_a_place_named_like_a_body_is_no_body(text):
    got = _agencies(text, ("Ủy ban nhân dân tỉnh Thanh Hóa", "Thanh Hóa", "province"))
    assert not any(n.startswith("Trường") for n, _ in got), got


def test_a_standing_body_shared_by_a_list():
    got = _agencies("Nơi nhận:\n- Thường trực: Tỉnh ủy, HĐND tỉnh (để b/c);\n- Lưu: VT.\n")
    assert {("Thường trực Tỉnh ủy", "Gia Lai"), ("Thường trực Hội đồng nhân dân tỉnh", "Gia Lai")} <= set(got), got
    assert ("Tỉnh ủy", "Gia Lai") not in got


@pytest.mark.parametrize("issuer,line,want", [
    ("Chính phủ", "- VPCP: BTCN, các PCN, TGĐ Cổng TTĐT, các Vụ;", "Cổng Thông tin điện tử Chính phủ"),
    ("Bộ Y tế", "- Cổng TTĐT Bộ Y tế;", "Cổng Thông tin điện tử Bộ Y tế"),
    ("Bộ Y tế", "- Cổng TTĐT;", "Cổng Thông tin điện tử Bộ Y tế"),
])
def test_a_central_portal_is_its_owners(issuer, line, want):
    got = _agencies("Nơi nhận:\n" + line + "\n", (issuer, None, "national"))
    assert (want, None) in got, got


def test_the_central_recipients_list():
    text = ("Nơi nhận:\n- Ban Bí thư Trung ương Đảng;\n- Thủ tướng, các Phó Thủ tướng Chính phủ;\n"
            "- Văn phòng Trung ương và các Ban của Đảng;\n- Văn phòng Tổng Bí thư;\n"
            "- Hội đồng Dân tộc và các Ủy ban của Quốc hội;\n"
            "- Cơ quan trung ương của các tổ chức chính trị - xã hội;\n- Các bộ, ngành, địa phương;\n"
            "- Công báo;\n- Lưu: VT, KGVX (2b).\n")
    got = {n for n, _ in _agencies(text, ("Thủ tướng Chính phủ", None, "national"))}
    assert {"Văn phòng Tổng Bí thư", "Các Ban của Đảng", "Hội đồng Dân tộc", "Các Ủy ban của Quốc hội",
            "Cơ quan trung ương của các tổ chức chính trị - xã hội", "Các bộ, ngành, địa phương"} <= got, got
    assert not {"Công báo", "Quốc hội", "Văn thư"} & got, got


# --- member lists, wrapped names, regional units, associations -----------------------------

_VPCP = ("Văn phòng Chính phủ", None, None, "2025-10-02")
_TTG = ("Thủ tướng Chính phủ", None, None, "2025-10-02")
_QN = ("Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi", "province", "2025-10-02")


@pytest.mark.parametrize("text,issuer,expected", [
    # a plural committee with its members after a colon: one body in each province
    ("1. Chủ tịch Ủy ban nhân dân các tỉnh: Lâm Đồng, Đắk Lắk và Gia Lai khẩn trương sơ tán dân.", _TTG,
     {("Ủy ban nhân dân tỉnh Lâm Đồng", "Lâm Đồng"), ("Ủy ban nhân dân tỉnh Đắk Lắk", "Đắk Lắk"),
      ("Ủy ban nhân dân tỉnh Gia Lai", "Gia Lai")}),
    # ... across a line break and a stray list dash, with the Party committee of each too
    ("- Bí thư Tỉnh ủy, Chủ tịch UBND các tỉnh: Quảng Trị,\n- Huế và Quảng Ngãi;", _TTG,
     {("Ủy ban nhân dân tỉnh Quảng Trị", "Quảng Trị"), ("Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi"),
      ("Tỉnh ủy Quảng Trị", "Quảng Trị"), ("Tỉnh ủy Quảng Ngãi", "Quảng Ngãi"),
      ("Ủy ban nhân dân thành phố Huế", "Huế"), ("Tỉnh ủy Huế", "Huế")}),
    # without a colon the members stay in the group's name (one group)
    ("Ủy ban nhân dân các tỉnh Lâm Đồng, Gia Lai chủ động ứng phó.", _TTG,
     {("Ủy ban nhân dân các tỉnh Lâm Đồng, Gia Lai", None)}),
    # a name wrapped onto the next line (a body no list knows keeps its printed unit word)
    ("Sở Nội vụ phối hợp với Trung tâm Dịch\nvụ việc làm tỉnh và Ủy ban nhân\ndân các xã tổ chức.", _QN,
     {("Sở Nội vụ", "Quảng Ngãi"), ("Trung tâm Dịch vụ việc làm tỉnh", "Quảng Ngãi"),
      ("Ủy ban nhân dân các xã", "Quảng Ngãi")}),
    # regional units of national bodies carry no locality
    ("Kiểm toán nhà nước khu vực IV, Ngân hàng Nhà nước khu vực 5 và Chi cục Hải quan khu vực VII "
     "phối hợp thực hiện.", _QN,
     {("Kiểm toán Nhà nước khu vực IV", None), ("Ngân hàng Nhà nước khu vực 5", None),
      ("Chi cục Hải quan khu vực VII", None)}),
    ("- NH Nhà nước CN khu vực 9;", _QN, {("Ngân hàng Nhà nước chi nhánh khu vực 9", None)}),
    # associations and unions, national and provincial
    ("Đề nghị Hiệp hội Doanh nghiệp tỉnh, Liên minh Hợp tác xã tỉnh và Hội Làm vườn Việt Nam tham gia.", _QN,
     {("Hiệp hội Doanh nghiệp tỉnh", "Quảng Ngãi"), ("Liên minh Hợp tác xã tỉnh", "Quảng Ngãi"),
      ("Hội Làm vườn Việt Nam", None)}),
    # a head printed with a capital ("Chi Cục") and a name whose dash ends the line
    ("Sở Y tế (Chi Cục Quản lý dược - Mỹ phẩm) kiểm tra; Sở Y tế (Chi cục Quản lý dược -\nMỹ phẩm) "
     "báo cáo.", _QN, {("Sở Y tế", "Quảng Ngãi"), ("Chi cục Quản lý dược - Mỹ phẩm", "Quảng Ngãi")}),
    # a ministry list whose domain begins with one capital letter ("Y tế")
    ("Dự họp có lãnh đạo các Bộ, cơ quan: Tài chính, Y tế, Dân tộc và Tôn giáo.", _VPCP,
     {("Bộ Tài chính", None), ("Bộ Y tế", None), ("Bộ Dân tộc và Tôn giáo", None)}),
    # a known abbreviation in brackets after another body is that body, not a definition
    ("Nơi nhận:\n- Văn phòng Chính phủ (Cục KSTTHC);\n- Lưu: VT.", _QN,
     {("Văn phòng Chính phủ", None), ("Cục Kiểm soát thủ tục hành chính", None)}),
    # a bare "HĐND" line in a local issuer's Nơi nhận is the Council of the issuer's unit
    ("Nơi nhận:\n- HĐND;\n- Lưu: VT.", _QN, {("Hội đồng nhân dân tỉnh", "Quảng Ngãi")}),
    # a national bank's provincial branch
    ("Chi nhánh Ngân hàng Chính sách xã hội tỉnh cho vay vốn.", _QN,
     {("Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "Quảng Ngãi")}),
    # "Hội đồng" and "Hội nghị" are not the head "Hội" and a name
    ("Hội đồng thẩm định họp xét; Hội nghị tổng kết được tổ chức.", _QN, set()),
    # a provincial unit of VNPT is named Viễn thông <province>; the provincial post office
    ("Nơi nhận:\n- VNPT Quảng Ngãi;\n- Bưu điện tỉnh;\n- Lưu: VT.", _QN,
     {("Viễn thông Quảng Ngãi", "Quảng Ngãi"), ("Bưu điện tỉnh", "Quảng Ngãi")}),
    # a committee named by its purpose keeps the place printed; its posts are not bodies
    ("Kiện toàn Ban Chỉ đạo phòng chống dịch bệnh tỉnh Quảng Ngãi, gồm: Trưởng Ban Chỉ đạo là Chủ "
     "tịch UBND tỉnh; thường trực Ban Chỉ đạo là Sở Y tế.", _QN,
     {("Ban Chỉ đạo phòng chống dịch bệnh tỉnh Quảng Ngãi", "Quảng Ngãi"),
      ("Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi"), ("Sở Y tế", "Quảng Ngãi")}),
    # a national document: the Party committee sharing the place printed after the last head,
    # and a bare standing body that is the one named with its province elsewhere
    ("Làm việc với Thường trực Tỉnh ủy Quảng Ngãi.\nĐề nghị Thường trực Tỉnh ủy chỉ đạo.\n"
     "Nơi nhận:\n- Tỉnh ủy, HĐND, UBND tỉnh Quảng Ngãi;\n- Lưu: VT.", _VPCP,
     {("Thường trực Tỉnh ủy Quảng Ngãi", "Quảng Ngãi"), ("Tỉnh ủy Quảng Ngãi", "Quảng Ngãi"),
      ("Hội đồng nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi"), ("Ủy ban nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi")}),
])
def test_member_lists_wraps_regional_units_and_associations(text, issuer, expected):
    assert names(make_ctx(text, *issuer)) == expected


@pytest.mark.parametrize("date,expected", [
    ("2019-06-10", "Phòng Thương mại và Công nghiệp Việt Nam"),
    ("2025-09-10", "Liên đoàn Thương mại và Công nghiệp Việt Nam"),
])
def test_an_abbreviation_names_the_body_as_it_was_named_then(date, expected):
    ctx = make_ctx("Nơi nhận:\n- VCCI;\n- Lưu: VT.", "Bộ Tài chính", None, None, date)
    assert names(ctx) == {(expected, None)}


def test_the_analysis_is_made_once_and_read_by_tasks_through_its_declared_field(monkeypatch):
    """The agencies component assigns its analysis to ``Context.agency_analysis``; the tasks
    extractor's entry points read that field instead of scanning the text again."""
    from extractors.agencies import analysis
    from extractors.registry import components

    text = "3. Sở Nội vụ\n- Chủ trì, phối hợp với Sở Tài chính rà soát biên chế năm 2027.\n"
    ctx = make_ctx(text, "Ủy ban nhân dân tỉnh Cao Bằng", "Cao Bằng", "province")
    runs = []
    real = analysis._analyse
    monkeypatch.setattr(analysis, "_analyse", lambda c: runs.append(c) or real(c))
    import extractors.agencies as agencies
    monkeypatch.setattr(agencies, "_analyse", analysis._analyse)
    assert ctx.agency_analysis is None
    section = extract_agencies(ctx)
    assert ctx.agency_analysis is not None and len(runs) == 1
    line = ctx.text.text.index("- Chủ trì")
    assert [h.name for h in find_agencies(ctx, line, len(text))] == ["Sở Tài chính"]
    assert canonical_agency("Sở Nội vụ", ctx) == ("Sở Nội vụ", "Cao Bằng")
    assert len(runs) == 1  # read from the field, not made again
    assert {i["name"] for i in section.items} == {"Sở Nội vụ", "Sở Tài chính"}
    tasks = next(c for c in components() if c.name == "tasks")
    agencies_component = next(c for c in components() if c.name == "agencies")
    assert "agency_analysis" in tasks.requires and "agency_analysis" in agencies_component.assigns


def test_without_the_component_the_analysis_is_made_and_not_kept():
    text = "- Sở Y tế chủ trì kiểm tra an toàn thực phẩm.\n"
    ctx = make_ctx(text, "Ủy ban nhân dân tỉnh Cao Bằng", "Cao Bằng", "province")
    assert [h.name for h in find_agencies(ctx, 0, len(text))] == ["Sở Y tế"]
    assert ctx.agency_analysis is None
