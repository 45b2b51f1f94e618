"""Citations: one string → normalised fields (table), relations in context, seeds vs gold."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from extractors.citations import citation_identity, extract_citations, parse_citation, read_citations
from gazetteer import load_tsv, load_yaml
from seed_fixtures import SEEDS, gold, scorer, seed_context

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
    # a Party committee named in the text is named as printed; its locality is the citing
    # body's province (its place of issue when the header names no place)
    ("Chỉ thị số 17-CT/TU ngày 20/6/2017 của Ban Thường vụ Tỉnh ủy", PARTY_QN,
     expect("CT", "17-CT/TU", "2017-06-20", ("Ban Thường vụ Tỉnh ủy", "Quảng Ngãi"))),
    ("Thông tri số 04-TT/TU ngày 3/10/2025 của Thành ủy Thành phố Hồ Chí Minh", None,
     expect("TT", "04-TT/TU", "2025-10-03", ("Thành ủy thành phố Hồ Chí Minh", "Hồ Chí Minh"))),
    ("Kế hoạch số 88-KH/TU ngày 6/2/2020 của Tỉnh ủy Lào Cai", KON_TUM,
     expect("KH", "88-KH/TU", "2020-02-06", ("Tỉnh ủy Lào Cai", "Lào Cai"))),
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
    # one issuer closing a list of numbers from the same body names it for all of them
    ("các Thông tư số 07/2019/TT-BTP, 08/2019/TT-BTP của Bộ Tư pháp", None,
     expect("TT", "07/2019/TT-BTP", None, ("Bộ Tư pháp", None))),
    ("Chỉ thị số 12-CT/TU ngày 06/6/2020, Kế hoạch số 40-KH/TU ngày 9/12/2020 của Ban Thường vụ Tỉnh ủy", KON_TUM,
     expect("CT", "12-CT/TU", "2020-06-06", ("Ban Thường vụ Tỉnh ủy", "Kon Tum"))),
    # a code that served a body since renamed: its name on the cited document's date
    ("Tờ trình số 45/TTr-SNN ngày 02/5/2019", KON_TUM,
     expect("TTr", "45/TTr-SNN", "2019-05-02", ("Sở Nông nghiệp và Phát triển nông thôn", "Kon Tum"))),
    ("Tờ trình số 46/TTr-SNN ngày 02/5/2020", {**KON_TUM, "issued_date": "2025-09-01"},
     expect("TTr", "46/TTr-SNN", "2020-05-02", ("Sở Nông nghiệp và Phát triển nông thôn", "Kon Tum"))),
    ("Hướng dẫn số 15-HD/BTCTW ngày 3/4/2020", None,
     expect("HD", "15-HD/BTCTW", "2020-04-03", ("Ban Tổ chức Trung ương", None))),
    # a kind word after "thành phố" is no place: the citing city completes the name
    ("Quyết định số 21/2023/QĐ-UBND ngày 4/5/2023 của Ủy ban nhân dân thành phố Quy định về khen thưởng",
     {"issuer": {"name": "Ủy ban nhân dân thành phố Đà Nẵng", "locality": "Đà Nẵng"}, "issued_date": "2024-01-01"},
     expect("QĐ", "21/2023/QĐ-UBND", "2023-05-04", ("Ủy ban nhân dân thành phố Đà Nẵng", "Đà Nẵng"))),
    # a kind code glued to the issuer's; a verb with a capital after the place is no place
    ("Nghị định số 52/2021/NĐCP ngày 01 tháng 4 năm 2021 của Chính phủ", None,
     expect("NĐ", "52/2021/NĐ-CP", "2021-04-01", ("Chính phủ", None))),
    ("Quyết định số 18/2004/QĐ-UB ngày 9/3/2004 của Ủy ban nhân dân tỉnh Bình Định Ban hành quy chế", None,
     expect("QĐ", "18/2004/QĐ-UB", "2004-03-09", ("Ủy ban nhân dân tỉnh Bình Định", "Bình Định"))),
    # a number with a decimal part; a code with a space typed after "&"
    ("Nghị quyết số 45.3/2024/NQ-CP ngày 02 tháng 5 năm 2024 của Chính phủ", None,
     expect("NQ", "45.3/2024/NQ-CP", "2024-05-02", ("Chính phủ", None))),
    ("Công văn số 8812/SXD-QLN& VLXD ngày 03/6/2020 của Sở Xây dựng", KON_TUM,
     expect("CV", "8812/SXD-QLN&VLXD", "2020-06-03", ("Sở Xây dựng", "Kon Tum"))),
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
    "kết nối cộng đồng Dân Luật Việt Nam",
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
    # a cue line ending in ":" governs the items of the list below it, when a citation opens the item
    ("Điều 2. Bãi bỏ các quyết định sau đây:\n1. Quyết định số 14/2008/QĐ-UBND ngày 03/4/2008 của Ủy ban nhân "
     "dân tỉnh Kon Tum về việc thành lập Ban chỉ đạo thực hiện Quyết định 22/2001/QĐ-TTg.\n"
     "2. Quyết định số 09/2011/QĐ-UB ngày 5/5/2011 của Ủy ban nhân dân tỉnh Kon Tum.\n"
     "Điều 3. Quyết định số 31/2012/QĐ-UBND vẫn được áp dụng.",
     {"14/2008/QĐ-UBND": "repeals", "22/2001/QĐ-TTg": "mentions", "09/2011/QĐ-UB": "repeals",
      "31/2012/QĐ-UBND": "mentions"}),
    ("Căn cứ các văn bản sau:\n- Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ;\n"
     "- Rà soát thủ tục theo Quyết định số 03/2019/QĐ-UBND;",
     {"61/2018/NĐ-CP": "based_on", "03/2019/QĐ-UBND": "mentions"}),
    # the amender named in a Căn cứ line ("được sửa đổi, bổ sung bởi/tại …") is a basis too
    ("Căn cứ Luật Thủy lợi số 08/2017/QH14 được sửa đổi, bổ sung bởi Luật số 35/2018/QH14;",
     {"08/2017/QH14": "based_on", "35/2018/QH14": "based_on"}),
    ("Căn cứ Nghị định số 40/2019/NĐ-CP quy định chi tiết việc thu phí được sửa đổi, bổ sung một số điều "
     "tại Nghị định số 12/2021/NĐ-CP;", {"40/2019/NĐ-CP": "based_on", "12/2021/NĐ-CP": "based_on"}),
    # a Căn cứ block goes on in a line that leaves "Căn cứ" out; a proposal after it does not
    ("Căn cứ Nghị định số 61/2018/NĐ-CP của Chính phủ về một cửa;\nNghị định số 107/2021/NĐ-CP của Chính phủ "
     "về sửa đổi Nghị định 61;\nTheo đề nghị của Sở Nội vụ tại Tờ trình số 45/TTr-SNV; ý kiến của Sở Tư pháp "
     "tại Báo cáo số 12/BC-STP;",
     {"61/2018/NĐ-CP": "based_on", "107/2021/NĐ-CP": "based_on", "45/TTr-SNV": "mentions",
      "12/BC-STP": "mentions"}),
    # an amending law whose name lists numbered laws: one law, the listed ones only mentioned
    ("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Thủy sản số 18/2017/QH14, Luật Lâm nghiệp số "
     "16/2017/QH14 và Luật Chăn nuôi số 32/2018/QH14;",
     {"Luật sửa đổi, bổ sung một số điều của Luật Thủy sản số 18/2017/QH14, Luật Lâm nghiệp số 16/2017/QH14 "
      "và Luật Chăn nuôi số 32/2018/QH14": "based_on", "18/2017/QH14": "mentions", "16/2017/QH14": "mentions",
      "32/2018/QH14": "mentions"}),
    # "Luật Sửa đổi" with a capital is the same amending law; its name holds the laws it amends
    ("Căn cứ Luật Sửa đổi, bổ sung một số điều của Luật Phòng, chống thiên tai và Luật Đê điều ngày 17 tháng 6 "
     "năm 2020;",
     {"Luật sửa đổi, bổ sung một số điều của Luật Phòng, chống thiên tai và Luật Đê điều": "based_on",
      "Luật Phòng, chống thiên tai": "mentions", "Luật Đê điều": "mentions"}),
    # a listed law typed in lower case; a name never runs on into the next line
    ("Căn cứ Luật doanh nghiệp ngày 26 tháng 11 năm 2014;\nThực hiện Luật KBCB\nHà Nội, ngày 5 tháng 3 năm 2014",
     {"Luật Doanh nghiệp": "based_on", "Luật Khám bệnh, chữa bệnh": "implements"}),
    # examples listed after another's description stay mentions across ";"
    ("- Triển khai có hiệu quả các văn bản hướng dẫn thi hành về phòng cháy, nhất là: Luật Phòng cháy và chữa cháy, "
     "Chỉ thị số 19/CT-TTg của Thủ tướng Chính phủ; Kế hoạch số 27-KH/TU của Tỉnh ủy; Công văn số 88/UBND-NC "
     "của UBND tỉnh;",
     {"Luật Phòng cháy và chữa cháy": "mentions", "19/CT-TTg": "mentions", "27-KH/TU": "mentions",
      "88/UBND-NC": "mentions"}),
    # a Căn cứ member after another's description (and its amender) is a basis again after ";"
    ("Căn cứ các Nghị định của Chính phủ: Nghị định số 21/2024/NĐ-CP quy định chi tiết Luật Đất đai được sửa "
     "đổi, bổ sung bởi Nghị định số 50/2025/NĐ-CP; Nghị định số 33/2024/NĐ-CP quy định về phí;",
     {"21/2024/NĐ-CP": "based_on", "Luật Đất đai": "mentions", "50/2025/NĐ-CP": "based_on",
      "33/2024/NĐ-CP": "based_on"}),
    # "Căn cứ các Quyết định … về phê duyệt …: A; B": the list after the colon
    ("Căn cứ các Quyết định của Thủ tướng Chính phủ về phê duyệt quy hoạch tỉnh: Quyết định số 120/QĐ-TTg "
     "ngày 3/2/2023 phê duyệt Quy hoạch tỉnh Kon Tum; Quyết định số 230/QĐ-TTg ngày 5/3/2024;",
     {"120/QĐ-TTg": "based_on", "230/QĐ-TTg": "based_on"}),
    # a cue left at the end of a line reaches the citations that open the next one
    ("Để tiếp tục thực hiện nghiêm\nChỉ thị số 07/CT-TTg ngày 01/3/2022 của Thủ tướng Chính phủ; Kế hoạch số "
     "55-KH/TU ngày 2/4/2023 của Ban Thường vụ Tỉnh ủy, Ủy ban nhân dân tỉnh yêu cầu:",
     {"07/CT-TTg": "implements", "55-KH/TU": "implements"}),
    # an item that names the lead-in's act again still opens with its citation; a wrapped
    # upper-case title opens no clause mid-phrase
    ("Điều 1. Bãi bỏ các Quyết định sau đây:\n1. Quyết định bãi bỏ Quyết định số 61/2017/QĐ-UBND ngày "
     "3/5/2017 của Ủy ban nhân dân tỉnh Kon Tum.",
     {"61/2017/QĐ-UBND": "repeals"}),
    ("QUYẾT ĐỊNH\nBÃI BỎ QUYẾT ĐỊNH SỐ 11/2019/QĐ-UBND SỬA ĐỔI,\nBỔ SUNG QUYẾT ĐỊNH SỐ 09/2016/QĐ-UBND",
     {"11/2019/QĐ-UBND": "repeals", "09/2016/QĐ-UBND": "mentions"}),
    # a listed law with its comma left out is the same law, named as first printed
    ("Căn cứ Luật Cán bộ, công chức ngày 13/11/2008;\nThực hiện Luật Cán bộ công chức.",
     {"Luật Cán bộ, công chức": "based_on"}),
    # an act's list goes on in the next line; a long self reference still acts
    ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Thay thế Quyết định số 31/QĐ-UBND ngày 2/3/2021 của "
     "Ủy ban nhân dân tỉnh Kon Tum;\nQuyết định số 45/QĐ-UBND ngày 5/4/2021 của Ủy ban nhân dân tỉnh Kon Tum.",
     {"31/QĐ-UBND": "replaces", "45/QĐ-UBND": "replaces"}),
    ("Nghị quyết này đã được Hội đồng nhân dân tỉnh Kon Tum khóa XII, kỳ họp thứ 9 thông qua ngày 10 tháng 12 "
     "năm 2024 và thay thế Nghị quyết số 22/2020/NQ-HĐND ngày 1/7/2020.", {"22/2020/NQ-HĐND": "replaces"}),
    # provisions between the cue and the document do not hide it
    ("Điều 3. Bãi bỏ khoản 8 Điều 4, điểm a khoản 4 Điều 14, Điều 23, Điều 28 và Điều 30 Nghị định số "
     "12/2014/NĐ-CP ngày 01 tháng 2 năm 2014 của Chính phủ.", {"12/2014/NĐ-CP": "repeals"}),
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


@pytest.mark.parametrize("text", [
    "Số hiệu: 77/SNV-TCBC\nCông văn 77/SNV-TCBC năm 2024\nSố: 77/SNV-TCBC\nKính gửi: các sở",
    "**Số: 1203/QĐ-UBND**\nĐiều 1. Ban hành kèm theo Quyết định số 1203/QĐ-UBND này Quy chế.",
])
def test_own_number_line_is_never_cited_even_when_the_header_missed_it(text):
    assert read_citations(text, {"number": None})[0] == []


def test_laws_listed_in_an_amending_law_are_counted_once_each():
    items = read_citations("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Thủy sản số 18/2017/QH14 và Luật "
                           "Chăn nuôi số 32/2018/QH14;\nLuật Chăn nuôi số 32/2018/QH14 quy định …", KON_TUM)[0]
    counts = {i["number"] or i["title"]: i["mentions"] for i in items}
    assert counts == {"Luật sửa đổi, bổ sung một số điều của Luật Thủy sản số 18/2017/QH14 và Luật Chăn nuôi "
                      "số 32/2018/QH14": 1, "18/2017/QH14": 1, "32/2018/QH14": 2}


@pytest.mark.parametrize("title, kind, expected", [
    ("Triển khai thi hành luật đất đai trên địa bàn tỉnh Gia Lai", "KH", "implements"),
    ("Bãi bỏ quyết định số 14/2019/QĐ-UBND của Ủy ban nhân dân tỉnh", "QĐ", "repeals"),
    ("Về công tác phổ biến luật đất đai năm 2026", "KH", "mentions"),
])
def test_the_documents_own_title_says_what_it_does(title, kind, expected):
    body = "Căn cứ Luật Tổ chức chính quyền địa phương;\nNội dung Luật Đất đai và Quyết định số 14/2019/QĐ-UBND."
    doc = {**KON_TUM, "doc_type": kind, "number": None, "title": title}
    rel = relations(body, doc)
    assert rel.get("Luật Đất đai" if "luật" in title else "14/2019/QĐ-UBND") == expected


def test_own_decision_named_on_an_attached_plan_is_not_a_citation():
    text = ("Số:\n1207/QĐ-UBND\nQUYẾT ĐỊNH\nKẾ HOẠCH\n(Kèm theo Quyết định số 1207/QĐ-UBND ngày 3 tháng 4 năm "
            "2025 của Ủy ban nhân dân Thành phố)\nThực hiện Quyết định số 1118/QĐ-UBND của Ủy ban nhân dân Thành phố")
    doc = {"number": None, "issuer": {"name": "Ủy ban nhân dân thành phố Cần Thơ", "locality": "Cần Thơ"}}
    assert [i["number"] for i in read_citations(text, doc)[0]] == ["1118/QĐ-UBND"]


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


# A number of look-alikes only, an issuer known only by a local body's code, a law cited with
# and without its number.
LOOKALIKES_LOCAL_CODES_AND_LAWS = [
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


@pytest.mark.parametrize("text,doc,expected", LOOKALIKES_LOCAL_CODES_AND_LAWS,
                         ids=[t[:40] for t, _, _ in LOOKALIKES_LOCAL_CODES_AND_LAWS])
def test_lookalike_numbers_local_issuer_codes_and_laws(text, doc, expected):
    items = read_citations(text, {**doc, "doc_type": "KH"})[0]
    got = [(i["doc_type"], i["number"], i["issuer"]["name"], i["issuer"]["locality"], i["title"], i["mentions"])
           for i in items]
    assert got == expected


def test_ocr_lookalike_dates_read_as_digits():
    got = parse_citation("Quyết định số 5/QĐ-TTg ngày O5 tháng lO năm 2O11 của Thủ tướng Chính phủ")
    assert got["issued_date"] == "2011-10-05"


@pytest.mark.parametrize("text, title", [
    ("Căn cứ Luật Ban hành văn bản quy phạm pháp luật của HĐND, UBND ngày 03/12/2004;",
     "Luật Ban hành văn bản quy phạm pháp luật của Hội đồng nhân dân, Ủy ban nhân dân"),
])
def test_abbreviated_law_name_with_comma_read_whole(text, title):
    from extractors import citation_parts as P

    assert any(pat.match(text, text.index("Luật")) and t == title for t, pat in P.law_title_patterns())
