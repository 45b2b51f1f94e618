"""Citations: one string → normalised fields (table), relations in context, seeds vs gold."""
from __future__ import annotations

import functools
import json

import pytest
from hypothesis import given, settings, strategies as st

from extractors.citations import citation_identity, extract_citations, parse_citation, read_citations
from gazetteer import load_tsv, load_yaml
from seed_fixtures import FIXTURES, SEEDS, gold, scorer, seed_context

HUE = {"issuer": {"name": "Ủy ban nhân dân thành phố Huế", "locality": "Huế"},
       "issued_date": "2025-07-23", "number": "314/KH-UBND"}
KON_TUM = {"issuer": {"name": "Ủy ban nhân dân tỉnh Kon Tum", "locality": "Kon Tum"},
           "issued_date": "2021-03-01", "number": "15/2021/QĐ-UBND"}
HA_DONG = {"issuer": {"name": "Ủy ban nhân dân xã Hà Đông", "locality": "Hà Đông"},
           "issued_date": "2026-07-06"}

PARTY_QN = {"issuer": {"name": "Ban Thường vụ Tỉnh ủy", "locality": None}, "place": "Quảng Ngãi",
            "issued_date": "2024-04-10", "number": "25-CT/TU"}
MINISTRY = {"issuer": {"name": "Bộ Nội vụ", "locality": None}, "place": "Hà Nội", "issued_date": "2023-05-04"}

BKHCN = ("Bộ Khoa học và Công nghệ", None)
TTG = ("Thủ tướng Chính phủ", None)
TTH = ("Ủy ban nhân dân tỉnh Thừa Thiên Huế", "Thừa Thiên Huế")
KT = ("Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum")


def expect(doc_type, number, date=None, issuer=(None, None), title=None, relation="mentions", warnings=()):
    return {"doc_type": doc_type, "number": number, "issued_date": date,
            "issuer": {"name": issuer[0], "locality": issuer[1]}, "title": title,
            "relation": relation, "warnings": list(warnings)}


# (citation string, citing document, expected fields)
TABLE = [
    ("Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng Chính phủ", None,
     expect("QĐ", "19/2014/QĐ-TTg", "2014-03-05", TTG)),
    ("Quyết định 19/2014/QĐ-TTg ngày 05/3/2014", None, expect("QĐ", "19/2014/QĐ-TTg", "2014-03-05", TTG)),
    ("Quyết định số 19/2014/QĐ-\nTTg ngày 05 tháng 3 năm 2014", None,
     expect("QĐ", "19/2014/QĐ-TTg", "2014-03-05", TTG)),
    ("Quyết định số 19/2014/QĐ- TTg", None, expect("QĐ", "19/2014/QĐ-TTg", None, TTG)),
    ("Quyết định số 19/2014/QÐ-TTg", None, expect("QĐ", "19/2014/QĐ-TTg", None, TTG)),  # U+00D0
    ("Quyết định số 19/2014/QD-TTg", None, expect("QĐ", "19/2014/QĐ-TTg", None, TTG)),
    ("Quyết định số 19/2014/ QĐ-TTg ngày 5-3-2014", None, expect("QĐ", "19/2014/QĐ-TTg", "2014-03-05", TTG)),
    ("Căn cứ Quyết định số 2667/QĐ-BKHCN ngày 28 tháng 12 năm 2022 của Bộ Khoa học và Công nghệ", None,
     expect("QĐ", "2667/QĐ-BKHCN", "2022-12-28", BKHCN, relation="based_on")),
    ("Thông tư số 10/2025/TT-BKHCN ngày 27/6/2025 của Bộ Khoa học và Công nghệ", None,
     expect("TT", "10/2025/TT-BKHCN", "2025-06-27", BKHCN)),
    ("Thông tư số 26/2014/TT-BKHCN ngày 10 tháng 10 năm 2014 của Bộ trưởng Bộ Khoa học và Công nghệ", None,
     expect("TT", "26/2014/TT-BKHCN", "2014-10-10", BKHCN)),
    ("Thông tư số 116/2015/TT-BTC ngày 11 tháng 8 năm 2015 của Bộ trưởng Bộ Tài chính", None,
     expect("TT", "116/2015/TT-BTC", "2015-08-11", ("Bộ Tài chính", None))),
    ("Thông tư 26/2014/TT-BKHCN", None, expect("TT", "26/2014/TT-BKHCN", None, BKHCN)),
    ("Nghị định số 150/2025/NĐ-CP ngày 12 tháng 6 năm 2025 của Chính phủ", None,
     expect("NĐ", "150/2025/NĐ-CP", "2025-06-12", ("Chính phủ", None))),
    ("Nghị định 30/2020/ND-CP", None, expect("NĐ", "30/2020/NĐ-CP", None, ("Chính phủ", None))),
    ("Nghị quyết số 30c/NQ-CP ngày 08 tháng 11 năm 2011 của Chính phủ", None,  # lettered number
     expect("NQ", "30c/NQ-CP", "2011-11-08", ("Chính phủ", None))),
    ("Công văn số 1221/BKHCN-TĐC ngày 04 tháng 5 năm 2023 của Bộ Khoa học và Công nghệ", None,
     expect("CV", "1221/BKHCN-TĐC", "2023-05-04", BKHCN)),
    ("Công văn số 3003/BKHCN-TĐC ngày 25 ngày 9 năm 2018 của Bộ Khoa học và Công nghệ", None,
     expect("CV", "3003/BKHCN-TĐC", "2018-09-25", BKHCN, warnings=["source_typo"])),
    ("văn bản số 456/SKHCN-TĐC ngày 01/6/2020", KON_TUM,
     expect("CV", "456/SKHCN-TĐC", "2020-06-01", ("Sở Khoa học và Công nghệ", "Kon Tum"))),
    ("Văn bản số 12/QĐ-UBND", KON_TUM, expect("QĐ", "12/QĐ-UBND", None, KT)),
    ("Triển khai Chương trình số 3328/CTPH-BKHCN-TTH ngày 22 tháng 11 năm 2021", None,
     expect("CTr", "3328/CTPH-BKHCN-TTH", "2021-11-22", BKHCN, relation="implements")),
    ("Chỉ thị số 38-CT/TW ngày 30/7/2024 của Ban Bí thư", None,
     expect("CT", "38-CT/TW", "2024-07-30", ("Ban Bí thư", None))),
    ("Chỉ thị số 38-CT/TW", None, expect("CT", "38-CT/TW", None, ("Ban Bí thư", None))),
    ("Nghị quyết số 15-NQ/TW", None, expect("NQ", "15-NQ/TW", None, ("Ban Chấp hành Trung ương", None))),
    ("Kết luận số 05-KL/TW", None, expect("KL", "05-KL/TW", None, ("Ban Chấp hành Trung ương", None))),
    ("Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ", None,
     expect("NQ", "76/NQ-CP", "2021-07-15", ("Chính phủ", None))),
    ("Nghị quyết số 37/2008/NQ-HĐND, ngày 13 tháng 12 năm 2018 của Hội đồng nhân dân tỉnh Kon Tum", KON_TUM,
     expect("NQ", "37/2008/NQ-HĐND", "2018-12-13", ("Hội đồng nhân dân tỉnh Kon Tum", "Kon Tum"),
            warnings=["number_year_mismatch"])),
    ("Nghị quyết số 12/2019/NQ-HĐND", KON_TUM,
     expect("NQ", "12/2019/NQ-HĐND", None, ("Hội đồng nhân dân tỉnh Kon Tum", "Kon Tum"))),
    ("Quyết định số 169/QĐ-BCĐCCHC ngày 11 tháng 3 năm 2020 của Ban Chỉ đạo cải cách hành chính của Chính phủ",
     None, expect("QĐ", "169/QĐ-BCĐCCHC", "2020-03-11", ("Ban Chỉ đạo cải cách hành chính của Chính phủ", None))),
    ("Quyết định số 169/QĐ-BCĐCCHC", None,
     expect("QĐ", "169/QĐ-BCĐCCHC", None, ("Ban Chỉ đạo cải cách hành chính của Chính phủ", None))),
    # a bare …/QĐ-UBND: the citing body as named on the cited date (Huế was a province in 2022)
    ("Quyết định 2276/QĐ-UBND ngày 21/9/2022", HUE, expect("QĐ", "2276/QĐ-UBND", "2022-09-21", TTH)),
    ("Kế hoạch số 02/KH-UBND ngày 03/01/2025 của UBND thành phố Huế", HUE,
     expect("KH", "02/KH-UBND", "2025-01-03", ("Ủy ban nhân dân thành phố Huế", "Huế"))),
    ("Kế hoạch số 20/KH-UBND ngày 03/02/2025", HUE,
     expect("KH", "20/KH-UBND", "2025-02-03", ("Ủy ban nhân dân thành phố Huế", "Huế"))),
    ("Quyết định số 12/2015/QĐ-UBND ngày 12 tháng 3 năm 2015 của Ủy ban nhân dân tỉnh Thừa Thiên Huế", HUE,
     expect("QĐ", "12/2015/QĐ-UBND", "2015-03-12", TTH)),
    ("Công văn số 1234/UBND-KT ngày 5/3/2020 của UBND tỉnh", KON_TUM,
     expect("CV", "1234/UBND-KT", "2020-03-05", KT)),
    ("Quyết định số 45/QĐ-UBND ngày 2/2/2021 của Chủ tịch Ủy ban nhân dân tỉnh Kon Tum", KON_TUM,
     expect("QĐ", "45/QĐ-UBND", "2021-02-02", KT)),
    ("Kế hoạch số 241/KH-UBND ngày 02/7/2026 của Ủy ban nhân dân thành phố Hải Phòng", HA_DONG,
     expect("KH", "241/KH-UBND", "2026-07-02", ("Ủy ban nhân dân thành phố Hải Phòng", "Hải Phòng"))),
    ("Quyết định số 99/QĐ-UBND ngày 01/01/2027", KON_TUM,
     expect("QĐ", "99/QĐ-UBND", "2027-01-01", KT, warnings=["cited_after_citing"])),
    ("Quyết định số 123/QĐ-UBND ngày 31 tháng 2 năm 2020", KON_TUM,
     expect("QĐ", "123/QĐ-UBND", None, KT, warnings=["source_typo"])),
    ("Thông tư liên tịch số 05/2019/TTLT-BTC-BNV ngày 01/02/2019", None,
     expect("TTLT", "05/2019/TTLT-BTC-BNV", "2019-02-01", ("Bộ Tài chính", None))),
    ("Quyết định số 1234/QĐ-BNNPTNT", None,
     expect("QĐ", "1234/QĐ-BNNPTNT", None, ("Bộ Nông nghiệp và Phát triển nông thôn", None))),
    ("Quyết định số 77/QĐ-BNNMT", None, expect("QĐ", "77/QĐ-BNNMT", None, ("Bộ Nông nghiệp và Môi trường", None))),
    ("Pháp lệnh số 02/2011/UBTVQH12", None,
     expect("PL", "02/2011/UBTVQH12", None, ("Ủy ban Thường vụ Quốc hội", None))),
    ("Nghị quyết số 176/2025/QH15", None, expect("NQ", "176/2025/QH15", None, ("Quốc hội", None))),
    ("Luật số 77/2015/QH13 ngày 19/6/2015", None, expect("Luật", "77/2015/QH13", "2015-06-19", ("Quốc hội", None))),
    ("Thông báo kết luận số 123/TB-VPCP ngày 05/01/2021 của Văn phòng Chính phủ", KON_TUM,
     expect("TB", "123/TB-VPCP", "2021-01-05", ("Văn phòng Chính phủ", None))),
    # OCR noise: l and O for 1 and 0 in the number and year, D for Đ, a dashed date, a year only
    ("Căn cứ Quyết định số l9/2O14/QD-TTg ngày 5/3/2014 của Thủ tướng", None,
     expect("QĐ", "19/2014/QĐ-TTg", "2014-03-05", TTG, relation="based_on")),
    ("Quyết định số 1050/QĐ-UBND năm 2015 của UBND tỉnh", KON_TUM, expect("QĐ", "1050/QĐ-UBND", "2015", KT)),
    # local bodies no list holds, and the Party committee by its statutory name
    ("Kế hoạch số 12/KH-BCĐ ngày 10/01/2020 của Ban Chỉ đạo cải cách hành chính tỉnh", KON_TUM,
     expect("KH", "12/KH-BCĐ", "2020-01-10", ("Ban Chỉ đạo cải cách hành chính tỉnh Kon Tum", "Kon Tum"))),
    ("Nghị quyết số 05-NQ/TU ngày 12/8/2020 của Ban Chấp hành Đảng bộ tỉnh", KON_TUM,
     expect("NQ", "05-NQ/TU", "2020-08-12", ("Tỉnh ủy Kon Tum", "Kon Tum"))),
    # a place never runs on into the next line's capitals
    ("Quyết định số 45/2020/QĐ-UBND ngày 1/2/2020 của Ủy ban nhân dân tỉnh Kon Tum\nỦY BAN NHÂN DÂN TỈNH", None,
     expect("QĐ", "45/2020/QĐ-UBND", "2020-02-01", KT)),
    # a Party committee whose header names no place: its place of issue, when a province
    ("Chỉ thị số 17-CT/TU ngày 20/6/2017 của Ban Thường vụ Tỉnh ủy", PARTY_QN,
     expect("CT", "17-CT/TU", "2017-06-20", ("Ban Thường vụ Tỉnh ủy Quảng Ngãi", "Quảng Ngãi"))),
    ("Nghị quyết số 15/2022/NQ-HĐND", PARTY_QN,
     expect("NQ", "15/2022/NQ-HĐND", None, ("Hội đồng nhân dân tỉnh Quảng Ngãi", "Quảng Ngãi"))),
    # … but a ministry in Hà Nội does not make a bare …/QĐ-UBND Hà Nội's
    ("Quyết định số 12/QĐ-UBND", MINISTRY, expect("QĐ", "12/QĐ-UBND", None)),
    ("Quy định số 08-QĐi/TW", None, expect("QyĐ", "08-QĐi/TW", None, ("Ban Chấp hành Trung ương", None))),
    ("các văn bản 77/2015/QH13 và", None, expect("Luật", "77/2015/QH13", None, ("Quốc hội", None))),
    # laws by name: number null, sentence-case title, Quốc hội
    ("Căn cứ Luật Tổ chức Chính quyền địa phương ngày 19 tháng 6 năm 2015;", None,
     expect("Luật", None, "2015-06-19", ("Quốc hội", None), "Luật Tổ chức chính quyền địa phương", "based_on")),
    ("Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương "
     "ngày 22 tháng 11 năm 2019", None,
     expect("Luật", None, "2019-11-22", ("Quốc hội", None), "Luật sửa đổi, bổ sung một số điều của "
            "Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương")),
    ("theo quy định của Luật Ngân sách Nhà nước, chỉ đạo", None,
     expect("Luật", None, None, ("Quốc hội", None), "Luật Ngân sách nhà nước")),
    ("Luật Ngân sách nhà nước năm 2015", None,
     expect("Luật", None, "2015", ("Quốc hội", None), "Luật Ngân sách nhà nước")),
    ("Luật Cán bộ, công chức ngày 13 tháng 11 năm 2008", None,
     expect("Luật", None, "2008-11-13", ("Quốc hội", None), "Luật Cán bộ, công chức")),
    ("Luật Tiêu chuẩn và Quy chuẩn kỹ thuật ngày 29/6/2006", None,
     expect("Luật", None, "2006-06-29", ("Quốc hội", None), "Luật Tiêu chuẩn và Quy chuẩn kỹ thuật")),
    ("Luật Tổ chức chính quyền địa phương số 77/2015/QH13", None,
     expect("Luật", "77/2015/QH13", None, ("Quốc hội", None), "Luật Tổ chức chính quyền địa phương")),
    ("Bộ luật Lao động năm 2019", None, expect("Luật", None, "2019", ("Quốc hội", None), "Bộ luật Lao động")),
    # programmes and plans named with their issuer
    ("Thực hiện Chương trình tổng thể cải cách hành chính giai đoạn 2021-2030 của Chính phủ", None,
     expect("CTr", None, None, ("Chính phủ", None),
            "Chương trình tổng thể cải cách hành chính giai đoạn 2021-2030", "implements")),
    ("Kế hoạch cải cách hành chính giai đoạn 2021-2025, định hướng đến năm 2030 của tỉnh Thừa Thiên Huế "
     "(nay là thành phố Huế)", HUE,
     expect("KH", None, None, TTH, "Kế hoạch cải cách hành chính giai đoạn 2021-2025, định hướng đến năm 2030")),
]

NOT_CITATIONS = [
    "Kế hoạch này thay thế các văn bản trước đây",
    "Thực hiện Hiệp định số 12/2020/HĐ giữa hai nước",
    "Nghị định thư số 5 về hợp tác",
    "Dự thảo Kế hoạch triển khai áp dụng năm 2026 của Sở Khoa học và Công nghệ",
    "các Thông báo gửi về Sở Khoa học và Công nghệ",
    "theo quy định của pháp luật về ngân sách nhà nước",
    "Số: 15/2021/QĐ-UBND",
    "Xây dựng và ban hành Chương trình hành động cụ thể của xã về triển khai áp dụng",
    "Kế hoạch năm 2025 của Sở Tài chính",
    "áp dụng TCVN ISO 9001:2015 và ISO 14001:2015",
    "Dự thảo Luật Thủ đô (sửa đổi)",
    "báo cáo theo Mẫu số 01/BC kèm theo",
    "theo Kế hoạch hoạt động năm 2025 của Sở Tài chính",
]


@pytest.mark.parametrize("text,doc,expected", TABLE, ids=[t[:50] for t, _, _ in TABLE])
def test_parse_citation(text, doc, expected):
    got = parse_citation(text, doc)
    assert got is not None
    got.pop("mentions")
    assert got == expected


@pytest.mark.parametrize("text", NOT_CITATIONS)
def test_not_a_citation(text):
    assert parse_citation(text, KON_TUM) is None


def relations(text: str, doc: dict = KON_TUM) -> dict[str, str]:
    items, _, _ = read_citations(text, doc)
    return {(i["number"] or i["title"]): i["relation"] for i in items}


@pytest.mark.parametrize("text,expected", [
    # one cue governs every member of the list (gold 003: four in one sentence)
    ("Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách "
     "hành chính nhà nước giai đoạn 2021 - 2030; Chỉ thị số 38-CT/TW ngày 30/7/2024 của Ban Bí thư về đẩy mạnh; "
     "Quyết định số 1478/QĐ-UBND ngày 14/4/2020 của Ủy ban nhân dân thành phố Hải Phòng ban hành Kế hoạch "
     "cải cách hành chính nhà nước trọng tâm giai đoạn 2026 - 2030.",
     {"76/NQ-CP": "based_on", "38-CT/TW": "based_on", "1478/QĐ-UBND": "based_on"}),
    ("Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ về công tác văn thư và Nghị định số 45/2020/NĐ-CP;",
     {"30/2020/NĐ-CP": "based_on", "45/2020/NĐ-CP": "based_on"}),
    # nested in a description: only mentioned
    ("Căn cứ Thông tư số 26/2014/TT-BKHCN ngày 10 tháng 10 năm 2014 của Bộ trưởng Bộ Khoa học và Công nghệ "
     "quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014;",
     {"26/2014/TT-BKHCN": "based_on", "19/2014/QĐ-TTg": "mentions"}),
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
     "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
     {"Luật Tổ chức chính quyền địa phương": "based_on", "Luật Tổ chức Chính phủ": "mentions",
      "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương":
      "based_on"}),
    ("Kế hoạch này thay thế Kế hoạch số 02/KH-UBND ngày 03/01/2021 của UBND tỉnh Kon Tum về triển khai.",
     {"02/KH-UBND": "replaces"}),
    ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 12/2015/QĐ-UBND.",
     {"12/2015/QĐ-UBND": "replaces"}),
    ("Điều 4. Quyết định này có hiệu lực kể từ ngày 01 tháng 01 năm 2021 và thay thế Quyết định số "
     "12/2015/QĐ-UBND ngày 12/3/2015 của Ủy ban nhân dân tỉnh Kon Tum.", {"12/2015/QĐ-UBND": "replaces"}),
    ("Điều 2. Bãi bỏ Quyết định số 05/2019/QĐ-UBND ngày 01/02/2019 của UBND tỉnh.", {"05/2019/QĐ-UBND": "repeals"}),
    ("Quyết định số 07/2020/QĐ-UBND hết hiệu lực kể từ ngày Quyết định này có hiệu lực thi hành.",
     {"07/2020/QĐ-UBND": "repeals"}),
    ("Thông tư số 07/2020/TT-BTC đã hết hiệu lực.", {"07/2020/TT-BTC": "mentions"}),
    ("Điều 1. Sửa đổi, bổ sung một số điều của Quy chế ban hành kèm theo Quyết định số 08/2020/QĐ-UBND:",
     {"08/2020/QĐ-UBND": "amends"}),
    # a decree that amends a third one: the amendment is not this document's act
    ("Căn cứ Nghị định số 154/2020/NĐ-CP sửa đổi, bổ sung một số điều của Nghị định số 34/2016/NĐ-CP;",
     {"154/2020/NĐ-CP": "based_on", "34/2016/NĐ-CP": "mentions"}),
    ("Thực hiện Kế hoạch số 241/KH-UBND ngày 02/7/2020 của Ủy ban nhân dân tỉnh Kon Tum.",
     {"241/KH-UBND": "implements"}),
    ("Để triển khai Nghị quyết số 57-NQ/TW, Ủy ban nhân dân tỉnh ban hành Kế hoạch.", {"57-NQ/TW": "implements"}),
    ("- Tiếp tục triển khai thực hiện có hiệu quả Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014; "
     "Chương trình tổng thể cải cách hành chính giai đoạn 2021-2030 của Chính phủ, Kế hoạch cải cách hành chính "
     "giai đoạn 2021-2025 của tỉnh Kon Tum;",
     {"19/2014/QĐ-TTg": "implements", "Chương trình tổng thể cải cách hành chính giai đoạn 2021-2030": "implements",
      "Kế hoạch cải cách hành chính giai đoạn 2021-2025": "implements"}),
    ("- Đẩy mạnh áp dụng quy trình nội bộ bắt buộc theo Quyết định 2276/QĐ-UBND ngày 21/9/2020;",
     {"2276/QĐ-UBND": "mentions"}),
    ("- Triển khai rà soát quy trình theo Quyết định số 2276/QĐ-UBND;", {"2276/QĐ-UBND": "mentions"}),
    ("2. Định mức: Áp dụng Thông tư số 116/2015/TT-BTC ngày 11 tháng 8 năm 2015 của Bộ Tài chính.",
     {"116/2015/TT-BTC": "mentions"}),
    # a law named in an upper-case title line is a mention (only names laws.tsv lists)
    ("QUY ĐỊNH CHI TIẾT THI HÀNH MỘT SỐ ĐIỀU CỦA LUẬT ĐO LƯỜNG\nCăn cứ Luật Đo lường ngày 11/11/2011;",
     {"Luật Đo lường": "based_on"}),
    ("LUẬT\nĐO LƯỜNG", {}),
    # other verbs may open the clause before an implements cue, never before a stronger one
    ("1. Tổ chức quán triệt, triển khai thực hiện các Thông tư số 01/2020/TT-BNV, 02/2020/TT-BNV và "
     "03/2020/TT-BNV của Bộ Nội vụ.",
     {"01/2020/TT-BNV": "implements", "02/2020/TT-BNV": "implements", "03/2020/TT-BNV": "implements"}),
    ("- Rà soát, bãi bỏ Quyết định số 05/2019/QĐ-UBND ngày 01/02/2019.", {"05/2019/QĐ-UBND": "mentions"}),
    ("- Kiểm tra, đôn đốc việc thực hiện Quyết định số 05/2019/QĐ-UBND.", {"05/2019/QĐ-UBND": "mentions"}),
    # laws written with abbreviations are read in full; a pre-2015 name with "của … , …" whole
    ("Căn cứ Luật Tổ chức HĐND và UBND ngày 26/11/2003;\nCăn cứ Luật Ban hành văn bản quy phạm pháp luật "
     "của Hội đồng nhân dân, Ủy ban nhân dân ngày 03 tháng 12 năm 2004;",
     {"Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân": "based_on",
      "Luật Ban hành văn bản quy phạm pháp luật của Hội đồng nhân dân, Ủy ban nhân dân": "based_on"}),
    ("Căn cứ Luật Ban hành VBQPPL ngày 22/6/2015;", {"Luật Ban hành văn bản quy phạm pháp luật": "based_on"}),
    # the strongest context wins across mentions
    ("Thực hiện Quyết định số 19/2014/QĐ-TTg.\nCăn cứ Quyết định số 19/2014/QĐ-TTg;", {"19/2014/QĐ-TTg": "based_on"}),
])
def test_relations(text, expected):
    assert relations(text) == expected


@pytest.mark.parametrize("text,doc,issuer", [
    # a People's Council committee signs its Báo cáo thẩm tra: completed with the citing province
    ("Báo cáo thẩm tra số 67/BC-HĐND ngày 05/10/2025 của Ban Văn hóa - Xã hội Hội đồng nhân dân tỉnh",
     {"issuer": {"name": "Hội đồng nhân dân tỉnh Quảng Trị", "locality": "Quảng Trị"}},
     "Ban Văn hóa - Xã hội Hội đồng nhân dân tỉnh Quảng Trị"),
    ("Công văn số 1072/BNN-TY ngày 1/2/2019 của Bộ Nông nghiệp và PTNT", KON_TUM,
     "Bộ Nông nghiệp và Phát triển nông thôn"),
    ("Công văn số 1072/BNN-TY ngày 1/2/2019", KON_TUM, "Bộ Nông nghiệp và Phát triển nông thôn"),
])
def test_issuer_spellings(text, doc, issuer):
    assert parse_citation(text, doc)["issuer"]["name"] == issuer


def test_short_forms_and_footnotes_count_as_mentions_urls_do_not():
    text = ("Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng Chính phủ;\n"
            "Thực hiện theo Điều 4 Quyết định 19/2014/QĐ-TTg và các Điều 5, 6, 7 Thông tư số 26/2014/TT-BKHCN.\n"
            "Kiểm tra theo Quyết định số 19 và Thông tư 26.\n"
            "https://thuvienphapluat.vn/van-ban/quyet-dinh-19-2014-qd-ttg-222596.aspx\n"
            "2 quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014")
    items, spans, _ = read_citations(text, KON_TUM)
    counts = {i["number"]: i["mentions"] for i in items}
    assert counts == {"19/2014/QĐ-TTg": 4, "26/2014/TT-BKHCN": 2}
    assert all(len(s) == i["mentions"] for s, i in zip(spans, items))


def test_a_department_cites_its_provinces_committee():
    sở = {"issuer": {"name": "Sở Khoa học và Công nghệ", "locality": "Kon Tum"}, "issued_date": "2025-01-01"}
    got = parse_citation("Quyết định số 12/QĐ-UBND ngày 1/2/2024", sở)
    assert got["issuer"] == {"name": "Ủy ban nhân dân tỉnh Kon Tum", "locality": "Kon Tum"}


def test_a_named_programme_repeated_alone_counts_as_a_mention():
    text = ("Thực hiện Chương trình tổng thể cải cách hành chính giai đoạn 2021-2030 của Chính phủ.\n"
            "- Bám sát Chương trình tổng thể cải cách hành chính giai đoạn 2021-2030 trong chỉ đạo.")
    items, spans, _ = read_citations(text, KON_TUM)
    assert [(i["doc_type"], i["mentions"], i["relation"]) for i in items] == [("CTr", 2, "implements")]


def test_same_number_from_two_issuers_is_two_documents():
    text = ("Căn cứ Kế hoạch số 231/KH-UBND ngày 16/6/2020 của Ủy ban nhân dân tỉnh Thừa Thiên Huế; "
            "Kế hoạch số 231/KH-UBND ngày 01/02/2019 của Ủy ban nhân dân tỉnh Kon Tum.")
    items, _, _ = read_citations(text, KON_TUM)
    assert [(i["number"], i["issuer"]["name"]) for i in items] == [
        ("231/KH-UBND", "Ủy ban nhân dân tỉnh Thừa Thiên Huế"), ("231/KH-UBND", "Ủy ban nhân dân tỉnh Kon Tum")]


def test_own_number_is_not_a_citation():
    assert read_citations("Số: 15/2021/QĐ-UBND\nQuyết định số 15/2021/QĐ-UBND có hiệu lực", KON_TUM)[0] == []


def test_identity_folds_spelling_and_keeps_issuer_and_year():
    a = parse_citation("Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014")
    b = parse_citation("Quyết định số 19/2014/QD-TTg")
    assert citation_identity(a) == citation_identity(b)
    x = parse_citation("Kế hoạch số 231/KH-UBND ngày 16/6/2023 của Ủy ban nhân dân tỉnh Thừa Thiên Huế")
    y = parse_citation("Kế hoạch số 231/KH-UBND ngày 16/6/2023 của Ủy ban nhân dân tỉnh Kon Tum")
    assert citation_identity(x) != citation_identity(y)
    law = parse_citation("Luật Ngân sách Nhà nước")
    assert citation_identity(law)[1] == citation_identity(parse_citation("Luật Ngân sách nhà nước"))[1]


@settings(max_examples=60, deadline=None)
@given(day=st.integers(1, 28), month=st.integers(1, 12), year=st.integers(2000, 2030),
       style=st.sampled_from(["long", "slash", "dash"]), num=st.integers(1, 9999),
       brk=st.sampled_from(["-", "- ", "-\n"]))
def test_dates_and_split_symbols_read_one_way(day, month, year, style, num, brk):
    date = {"long": f"ngày {day:02d} tháng {month} năm {year}", "slash": f"ngày {day}/{month}/{year}",
            "dash": f"ngày {day}-{month:02d}-{year}"}[style]
    got = parse_citation(f"Quyết định số {num}/{year}/QĐ{brk}TTg {date} của Thủ tướng Chính phủ")
    assert got["number"] == f"{num}/{year}/QĐ-TTg"
    assert got["issued_date"] == f"{year:04d}-{month:02d}-{day:02d}"
    assert got["warnings"] == []


# --- data files ------------------------------------------------------------------------------

CONTRACT_TYPES = {"Luật", "NĐ", "NQ", "QĐ", "TT", "CT", "KH", "CV", "CTr", "TB", "BC", "HD", "TTr", "QC",
                  "QyĐ", "PA", "ĐA", "DA", "BB", "CĐ", "GM", "PL", "TTLT", "NQLT", "KL", "HĐ", "TC",
                  "BGN", "BTT", "HP", "L", "TTri"}


def test_doc_types_use_contract_codes():
    rows = load_tsv("doc_types.tsv", required=("name", "code", "symbols", "issuer", "generic"))
    assert {r["code"] for r in rows} <= CONTRACT_TYPES
    by_name = {r["name"]: r["code"] for r in rows}
    assert by_name["Quyết định"] == "QĐ" and by_name["Công văn"] == "CV" and by_name["Chương trình"] == "CTr"


def test_issuer_codes_schema():
    rows = load_tsv("issuer_codes.tsv", required=("code", "kind", "name", "level", "aliases", "until", "default_kind"))
    assert {r["level"] for r in rows} <= {"national", "party", "local", "province"}
    assert all(("{unit}" in r["name"] or "{place}" in r["name"]) == (r["level"] == "local") for r in rows)


def test_every_cue_example_yields_its_relation():
    for rel in load_yaml("citation_cues.yml")["relations"]:
        for example in rel["examples"]:
            items, _, _ = read_citations(example, KON_TUM)
            assert items and items[0]["relation"] == rel["relation"], example


# --- golden: the seeds against their gold files ----------------------------------------------


def test_seeds_against_gold():
    score = scorer()
    tally = {"tp": 0, "fp": 0, "fn": 0}
    acc = {k: [0, 0] for k in ("doc_type", "issued_date", "issuer", "relation")}
    for seed in SEEDS:
        ctx = seed_context(seed)
        section = extract_citations(ctx)
        assert len(section.spans) == len(section.items)
        for item, spans in zip(section.items, section.spans):
            assert len(spans) == item["mentions"]
            for sp in spans:
                assert ctx.text.text[sp.start:sp.end] == sp.text
        pred, gc = section.items, gold(seed)["citations"]
        tp, fp, fn, pairs = score.match_sets([score.citation_key(c) for c in pred],
                                             [score.citation_key(c) for c in gc])
        tally["tp"] += tp
        tally["fp"] += fp
        tally["fn"] += fn
        for pi, gi in pairs:
            p, g = pred[pi], gc[gi]
            checks = {"doc_type": score.norm(p["doc_type"]) == score.norm(g["doc_type"]),
                      "issued_date": (p["issued_date"] or "") == (g["issued_date"] or ""),
                      "issuer": score.similar(p["issuer"]["name"], g["issuer"]["name"]),
                      "relation": p["relation"] == g["relation"]}
            for k, ok in checks.items():
                acc[k][0] += ok
                acc[k][1] += 1
    p = tally["tp"] / max(1, tally["tp"] + tally["fp"])
    r = tally["tp"] / max(1, tally["tp"] + tally["fn"])
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    assert f1 >= 0.97, tally
    for k, (right, total) in acc.items():
        assert right / total >= 0.95, (k, right, total)


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem[:3] for s in SEEDS])
def test_seed_mention_counts_and_warnings(seed):
    section = extract_citations(seed_context(seed))
    gc = {(c["number"] or c["title"]): c["mentions"] for c in gold(seed)["citations"]}
    got = {(c["number"] or c["title"]): c["mentions"] for c in section.items}
    assert got == gc
    gold_codes = sorted(w["code"] for w in gold(seed)["warnings"]
                        if w["code"] in ("number_year_mismatch", "cited_after_citing")
                        or "ngày" in w["detail"] and w["code"] == "source_typo")
    assert sorted(w["code"] for w in section.warnings) == gold_codes


# --- held-out documents (tests/fixtures/heldout_citations): written before the code saw them --

HELDOUT = sorted((FIXTURES / "heldout_citations").glob("*.txt"))


HELDOUT3 = sorted((FIXTURES / "heldout3_citations").glob("*.txt"))


@functools.cache
def _heldout_predictions(round_: int = 2) -> tuple[tuple[dict, dict], ...]:
    """(prediction, gold) pairs, citations and standards only, for a held-out round's folder."""
    from pipeline.extract import extract_path

    folder = "heldout_citations" if round_ == 2 else f"heldout{round_}_citations"
    pairs = []
    for path in sorted((FIXTURES / folder).glob("*.txt")):
        g = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        p = extract_path(path).contract
        keep = ("citations", "standards")
        pairs.append(({"source": g["source"], **{k: p.get(k) or [] for k in keep}},
                      {"source": g["source"], **{k: g.get(k) or [] for k in keep}}))
    return tuple(pairs)


def _mention_counts_right(pairs) -> float:
    """Share of gold citations whose mention count the prediction gets right."""
    score = scorer()
    right = total = 0
    for pred, gold_doc in pairs:
        got = {score.citation_key(c): c["mentions"] for c in pred["citations"]}
        for c in gold_doc["citations"]:
            total += 1
            right += got.get(score.citation_key(c)) == c["mentions"]
    return right / total


def test_heldout_citations_score_above_floor():
    """Figures on first sight were F1 1.000, issuer 0.895, date 0.965, relation 0.982 (docs
    01–06) and issuer 0.986 (07–08); all reach 1.000 now. Floors leave a little room."""
    assert len(HELDOUT) >= 8
    result = scorer().score(list(_heldout_predictions()), verbose=True)
    cites = result["sections"]["citations"]
    assert cites["f1"] >= 0.97, result["misses"]
    assert result["sections"]["standards"]["f1"] >= 0.95, result["misses"]
    for attr in ("citation.doc_type", "citation.issued_date", "citation.issuer", "citation.relation"):
        assert result["accuracy"][attr] >= 0.95, (attr, result["accuracy"])


def test_heldout3_citations_score_above_floor():
    """Round 3 (pre-2015 laws, Tờ trình/Báo cáo thẩm tra, lists sharing "của Bộ …", footnotes,
    a flattened table, date styles). First sight: F1 0.965, issuer 0.964, date 0.945, relation
    0.945, standards 0.667. Now F1 1.000 and all 1.000 but dates 0.947 and standards 0.667: the
    table's wrapped cells reach the extractor with their dates and a standard torn off."""
    assert len(HELDOUT3) >= 6
    result = scorer().score(list(_heldout_predictions(3)), verbose=True)
    assert result["sections"]["citations"]["f1"] >= 0.97, result["misses"]
    assert result["sections"]["standards"]["f1"] >= 0.6, result["misses"]
    floors = {"citation.doc_type": 0.97, "citation.issued_date": 0.92, "citation.issuer": 0.97,
              "citation.relation": 0.97}
    for attr, floor in floors.items():
        assert result["accuracy"][attr] >= floor, (attr, result["accuracy"])


@pytest.mark.parametrize("round_", [2, 3])
def test_heldout_mention_counts(round_):
    assert _mention_counts_right(_heldout_predictions(round_)) >= 0.93


@settings(max_examples=40, deadline=None)
@given(num=st.integers(1, 9999), year=st.integers(2000, 2026), data=st.data())
def test_ocr_lookalike_digits_read_as_digits(num, year, data):
    """Any 1 read as l/I and 0 read as O/o in a symbol's number and year reads one way, also
    a number made only of look-alikes ("lO/2O15/…": "số" or a year stands by it)."""
    def noisy(s: str) -> str:
        return "".join(data.draw(st.sampled_from({"1": "1lI", "0": "0Oo"}.get(ch, ch))) for ch in s)

    got = parse_citation(f"Quyết định số {noisy(str(num))}/{noisy(str(year))}/QĐ-TTg ngày 5/3/{year}")
    assert got["number"] == f"{num}/{year}/QĐ-TTg"
    assert got["issued_date"] == f"{year}-03-05"


@pytest.mark.parametrize("example", load_yaml("citation_cues.yml")["examples_enacting"],
                         ids=lambda e: e["doc_type"])
def test_only_enacting_kinds_act_in_their_own_clauses(example):
    items = read_citations(example["text"], {"doc_type": example["doc_type"], "issued_date": "2024-01-01"})[0]
    assert [i["relation"] for i in items] == [example["relation"]]


# Round 5 gaps: a number of look-alikes only, an issuer known only by a local body's code,
# a law cited with and without its number.
ROUND5 = [
    ("Căn cứ Quyết định số lO/2O15/QĐ-UBND ngày 05/3/2015 của UBND tỉnh;", KON_TUM,
     [("QĐ", "10/2015/QĐ-UBND", "Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", None, 1)]),
    ("Theo Quyết định IO/2O15/QĐ-TTg ngày 05/3/2015.", KON_TUM,
     [("QĐ", "10/2015/QĐ-TTg", "Thủ tướng Chính phủ", None, None, 1)]),
    ("Thực hiện Kế hoạch số 12/KH-BCĐ ngày 05/3/2021;", KON_TUM,
     [("KH", "12/KH-BCĐ", "Ban Chỉ đạo tỉnh Kon Tum", "Kon Tum", None, 1)]),
    ("Thực hiện Công văn số 45/BQL-KHTH ngày 05/3/2026;", HA_DONG,
     [("CV", "45/BQL-KHTH", "Ban Quản lý xã Hà Đông", "Hà Đông", None, 1)]),
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
     "Theo Luật số 77/2015/QH13, Luật Tổ chức chính quyền địa phương số 77/2015/QH13 quy định.", KON_TUM,
     [("Luật", "77/2015/QH13", "Quốc hội", None, "Luật Tổ chức chính quyền địa phương", 3)]),
    ("Căn cứ Thông tư số 23/2011/TT-BTTTT ngày ll/8/2011 của Bộ Thông tin và Truyền thông;", KON_TUM,
     [("TT", "23/2011/TT-BTTTT", "Bộ Thông tin và Truyền thông", None, None, 1)]),
    # a commune the header gave no province: the gazetteer's only province of that commune
    ("Thực hiện Kế hoạch số 118/KH-UBND ngày 20/02/2026 của UBND tỉnh;",
     {"issuer": {"name": "Ủy ban nhân dân xã Định Quán", "locality": "Định Quán"}, "issued_date": "2026-03-12"},
     [("KH", "118/KH-UBND", "Ủy ban nhân dân tỉnh Đồng Nai", "Đồng Nai", None, 1)]),
    ("Căn cứ Luật Tổ chức chính quyền địa phương số 77/2015/QH13;\nTheo Luật số 77/2015/QH13 thì", KON_TUM,
     [("Luật", "77/2015/QH13", "Quốc hội", None, "Luật Tổ chức chính quyền địa phương", 2)]),
]


@pytest.mark.parametrize("text,doc,expected", ROUND5, ids=[t[:40] for t, _, _ in ROUND5])
def test_round5_gaps(text, doc, expected):
    items = read_citations(text, {**doc, "doc_type": "KH"})[0]
    got = [(i["doc_type"], i["number"], i["issuer"]["name"], i["issuer"]["locality"], i["title"], i["mentions"])
           for i in items]
    assert got == expected


def test_ocr_lookalike_dates_read_as_digits():
    got = parse_citation("Quyết định số 5/QĐ-TTg ngày O5 tháng lO năm 2O11 của Thủ tướng Chính phủ")
    assert got["issued_date"] == "2011-10-05"


def test_heldout5_citations_score_above_floor():
    """Round 5 (a 2013 provincial QĐ with OCR look-alikes, a 2022 ministry TT that replaces
    and repeals, a 2026 commune KH). First sight: F1 1.000, relation 1.000, date 0.95 (a
    look-alike day), issuer 0.95 (a commune's "UBND tỉnh" with no province in the header).
    Now all 1.000."""
    pairs = list(_heldout_predictions(5))
    assert len(pairs) >= 3
    result = scorer().score(pairs, verbose=True)
    assert result["sections"]["citations"]["f1"] >= 0.97, result["misses"]
    assert result["sections"]["standards"]["f1"] >= 0.95, result["misses"]
    for attr in ("citation.doc_type", "citation.issued_date", "citation.issuer", "citation.relation"):
        assert result["accuracy"][attr] >= 0.97, (attr, result["accuracy"])
    assert _mention_counts_right(pairs) >= 0.9


def test_heldout6_citations_score_above_floor():
    """Round 6 (a 2018 Prime Minister's CT implementing a -NQ/TW resolution and a law cited by
    name and year, a 2024 department KH with TCVN ISO/IEC standards, a 2012 QĐ citing laws by
    abbreviated names). First sight: citations F1 0.909 (a law named "… của HĐND, UBND" was
    cut at "của"), standards 0.800 (a judgement call, see the README). Now all 1.000."""
    pairs = list(_heldout_predictions(6))
    assert len(pairs) >= 3
    result = scorer().score(pairs, verbose=True)
    assert result["sections"]["citations"]["f1"] >= 0.97, result["misses"]
    assert result["sections"]["standards"]["f1"] >= 0.95, result["misses"]
    for attr in ("citation.doc_type", "citation.issued_date", "citation.issuer", "citation.relation"):
        assert result["accuracy"][attr] >= 0.97, (attr, result["accuracy"])
    assert _mention_counts_right(pairs) >= 0.9


@pytest.mark.parametrize("text, title", [
    ("Căn cứ Luật Ban hành văn bản quy phạm pháp luật của HĐND, UBND ngày 03/12/2004;",
     "Luật Ban hành văn bản quy phạm pháp luật của Hội đồng nhân dân, Ủy ban nhân dân"),
])
def test_abbreviated_law_name_with_comma_read_whole(text, title):
    from extractors import citation_parts as P

    assert any(pat.match(text, text.index("Luật")) and t == title for t, pat in P.law_title_patterns())
