"""Outline parsing: item markers, nesting and contract refs (extractors/outline.py)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.outline import (Node, appendix_part, clean, heading_kind, is_duty_subsection, parse_text,
                                read_marker)
from gazetteer import load_yaml


def refs(text: str) -> list[str]:
    return [n.ref for root in parse_text(text) for n in root.walk()]


def find(text: str, ref: str) -> Node:
    for root in parse_text(text):
        for n in root.walk():
            if n.ref == ref:
                return n
    raise KeyError(ref)


# (outline shape, refs in document order)
SHAPES = [
    ("roman and numbers",
     "I. MỤC ĐÍCH\n1. Mục đích\n2. Yêu cầu\nII. NHIỆM VỤ\n1. Khảo sát.",
     ["I", "I.1", "I.2", "II", "II.1"]),
    ("dash bullets count under their parent",
     "IV. TỔ CHỨC\n2. Sở A\n- Làm đầu mối.\n- Chủ trì.\n3. Sở B\n- Hướng dẫn.",
     ["IV", "IV.2", "IV.2.-1", "IV.2.-2", "IV.3", "IV.3.-1"]),
    ("plus under dash",
     "V. LỘ TRÌNH\n2. Lộ trình\n- Năm 2026: Triển khai:\n+ Tuyên truyền.\n+ Thành lập.\n- Năm 2027: Tiếp tục.",
     ["V", "V.2", "V.2.-1", "V.2.-1.+1", "V.2.-1.+2", "V.2.-2"]),
    ("'- +' extraction artifact reads as a plus bullet",
     "V. LỘ TRÌNH\n- Năm 2026:\n - + Tổ chức tuyên truyền.\n - + Thành lập Ban.",
     ["V", "V.-1", "V.-1.+1", "V.-1.+2"]),
    ("letters including đ",
     "IV. TỔ CHỨC\n2. Sở A\na) Một.\nb) Hai.\nc) Ba.\nd) Bốn.\nđ) Năm.\ne) Sáu.",
     ["IV", "IV.2", "IV.2.a", "IV.2.b", "IV.2.c", "IV.2.d", "IV.2.đ", "IV.2.e"]),
    ("dash under a letter",
     "IV. X\n6. Các cơ quan\nđ) Phối hợp với Sở A\n- Phối hợp một.\n- Phối hợp hai.\ne) Về báo cáo",
     ["IV", "IV.6", "IV.6.đ", "IV.6.đ.-1", "IV.6.đ.-2", "IV.6.e"]),
    ("1.1. under 1. adds its last number",
     "IV. TIẾN ĐỘ\n1. Tuyên truyền\n1.1. Nhiệm vụ:\n- Tổ chức.\n1.2. Thời gian thực hiện: Từ tháng 7 năm 2026.\n2. Đào tạo\n2.1. Nhiệm vụ:",
     ["IV", "IV.1", "IV.1.1", "IV.1.1.-1", "IV.1.2", "IV.2", "IV.2.1"]),
    ("2.1. with no 2. above keeps its whole number",
     "II. ĐỐI TƯỢNG\n2.1. Các cơ quan\n2.2. Khuyến khích",
     ["II", "II.2.1", "II.2.2"]),
    ("articles",
     "Điều 1. Ban hành Quy chế.\nĐiều 2. Giao Sở Tài chính chủ trì.\nĐiều 3. Thi hành.",
     ["Điều 1", "Điều 2", "Điều 3"]),
    ("an article holding Roman sections leaves itself out of their refs",
     "Điều 1. Phê duyệt Kế hoạch:\nI. Mục đích\n1. Mục đích\nVI. Tổ chức thực hiện\n1. Sở A\n- Chủ trì.\nĐiều 2. Giao Sở A.",
     ["Điều 1", "I", "I.1", "VI", "VI.1", "VI.1.-1", "Điều 2"]),
    ("numbering restarts inside each article",
     "Điều 1. Phạm vi\n1. Một.\n2. Hai.\nĐiều 2. Trách nhiệm\n1. Sở A:\na) Chủ trì.\n2. Sở B.",
     ["Điều 1", "Điều 1.1", "Điều 1.2", "Điều 2", "Điều 2.1", "Điều 2.1.a", "Điều 2.2"]),
    ("a number after a dash closes the dash",
     "III. NGUYÊN TẮC\n- Việc tổ chức.\n1. Một.\n2. Hai.",
     ["III", "III.-1", "III.1", "III.2"]),
    ("dashes directly under a Roman section",
     "III. NGUYÊN TẮC\n- Một.\n- Hai:\n+ Điều kiện;\n+ Mức độ.",
     ["III", "III.-1", "III.-2", "III.-2.+1", "III.-2.+2"]),
    ("markdown headings and bold markers",
     "## II. NHIỆM VỤ\n**1. Khảo sát**\n- Một.\n### III. KINH PHÍ",
     ["II", "II.1", "II.1.-1", "III"]),
    ("en dash and bullet glyphs are dash bullets",
     "II. NHIỆM VỤ\n1. Khảo sát\n– Một.\n• Hai.",
     ["II", "II.1", "II.1.-1", "II.1.-2"]),
    ("markdown list asterisk is a dash bullet",
     "II. NHIỆM VỤ\n* Một.\n* Hai.",
     ["II", "II.-1", "II.-2"]),
    ("recipients after Kính gửi are no items",
     "Kính gửi:\n- Sở Tài chính;\n- Sở Nội vụ.\nĐề nghị các đơn vị:\n1. Báo cáo.\n2. Kiểm tra.",
     ["1", "2"]),
    ("Nơi nhận ends the outline",
     "II. NHIỆM VỤ\n1. Một.\nNơi nhận:\n- Như trên;\n- Lưu: VT.",
     ["II", "II.1"]),
    ("dates and percentages open no item",
     "II. NHIỆM VỤ\n1. Một\n15/9/2025 là hạn.\n100% cơ quan áp dụng.\n2025. Năm.",
     ["II", "II.1"]),
    ("numbers with a closing parenthesis",
     "II. NHIỆM VỤ\n1) Một.\n2) Hai.",
     ["II", "II.1", "II.2"]),
    ("closing paragraph belongs to no item; a later article still parses",
     "IV. TỔ CHỨC\n5. Sở A\nPhối hợp.\nTrên đây là Kế hoạch của xã./.\nĐiều 2. Giao.",
     ["IV", "IV.5", "Điều 2"]),
    ("a marker alone on its line takes the next line as its heading",
     "II. NHIỆM VỤ\n1.\nKhảo sát hiện trạng.\n2.\nĐào tạo.",
     ["II", "II.1", "II.2"]),
    ("a duty paragraph opening with 'Trong quá trình' is no closing",
     "IV. TỔ CHỨC\n3. Sở Y tế\nTrong quá trình thực hiện, chủ trì kiểm tra.\n4. Sở Nội vụ\nPhối hợp.",
     ["IV", "IV.3", "IV.4"]),
    ("letters with a slash",
     "II. NHIỆM VỤ\n1. Sở A:\na/ Một.\nb/ Hai.",
     ["II", "II.1", "II.1.a", "II.1.b"]),
    ("OCR 'l.' is the number one",
     "Chủ tịch yêu cầu:\nl. Sở A:\na/ Chủ trì.\n2. Sở B phối hợp.",
     ["1", "1.a", "2"]),
    ("items the normaliser glued onto the lead-in line are split",
     "Chủ tịch yêu cầu: l. Sở A: a/ Chủ trì rà soát trước ngày 30/9/2016. b/ Chỉ đạo các công ty.\n2. Sở B.",
     ["1", "1.a", "1.b", "2"]),
    ("a number inside a sentence is no glued item",
     "II. NHIỆM VỤ\n1. Thực hiện theo Kế hoạch số 12. Tổng hợp kết quả.\n2. Hai.",
     ["II", "II.1", "II.2"]),
    ("'3 .' with a space before the dot",
     "Yêu cầu:\n3 . UBND các huyện:\n– Xây dựng.\n– Báo cáo.",
     ["3", "3.-1", "3.-2"]),
    ("chapters close their articles and stay out of refs; their title is no body",
     "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\n1. Một.\nChương II\nTỔ CHỨC THỰC HIỆN\nĐiều 25. Trách nhiệm\n1. Hai.",
     ["Điều 1", "Điều 1.1", "Điều 25", "Điều 25.1"]),
    ("a plan attached after the signature is read",
     "Điều 2. Giao Sở A.\nNơi nhận:\n- Như Điều 3;\nKT. CHỦ TỊCH\nNguyễn Văn A\nKẾ HOẠCH\nVề việc X\nI. MỤC ĐÍCH\nII. NHIỆM VỤ\n1. Một.",
     ["Điều 2", "I", "II", "II.1"]),
    ("an appendix prefixes its refs with PL and its number",
     "II. NHIỆM VỤ\n1. Một.\nPHỤ LỤC II\nDANH MỤC NHIỆM VỤ\nI. NHIỆM VỤ CHUNG\n1. Hai.",
     ["II", "II.1", "PLII.I", "PLII.I.1"]),
    ("an execution-formula paragraph closes the last request",
     "Thủ tướng chỉ thị:\n7. Giao Bộ A theo dõi.\nBộ trưởng, Chủ tịch UBND các tỉnh chịu trách nhiệm thi hành Chỉ thị này./.",
     ["7"]),
    ("a 'Yêu cầu … thực hiện./.' paragraph closes a Công văn's bullets",
     "Yêu cầu:\n- Một.\n- Phòng Y tế tuyên truyền.\nYêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.",
     ["-1", "-2"]),
]


@pytest.mark.parametrize("text, expected", [(t, e) for _, t, e in SHAPES], ids=[n for n, _, _ in SHAPES])
def test_outline_refs(text, expected):
    assert refs(text) == expected


def test_body_paragraphs_and_notes():
    text = ("II. NHIỆM VỤ\n6. Hội nghị tổng kết.\n(Phụ lục kèm theo)\n"
            "IV. TỔ CHỨC THỰC HIỆN\n4. UBND các huyện\nXây dựng kế hoạch. Bố trí cán bộ.\n"
            "Trong quá trình thực hiện, nếu có vướng mắc, báo cáo Sở./.")
    item = find(text, "II.6")
    assert item.body == [] and item.notes == ["(Phụ lục kèm theo)"]
    iv4 = find(text, "IV.4")
    assert iv4.heading == "UBND các huyện"
    assert iv4.body == ["Xây dựng kế hoạch. Bố trí cán bộ."]  # the closing paragraph is not its
    assert iv4.text == "UBND các huyện Xây dựng kế hoạch. Bố trí cán bộ."


def test_closing_paragraphs_are_not_item_bodies():
    text = ("Yêu cầu:\n- Phòng Y tế tuyên truyền.\n"
            "Yêu cầu các cơ quan, đơn vị nghiêm túc triển khai thực hiện./.")
    assert find(text, "-1").body == []
    text = "7. Giao Bộ A theo dõi.\nBộ trưởng chịu trách nhiệm thi hành Chỉ thị này./."
    assert find(text, "7").body == []


def test_cut_ranges_leave_a_table_out_of_bodies():
    text = "II. NHIỆM VỤ\n1. Một (kèm theo) STT Nội dung 1 Xây dựng Sở A\n2. Hai."
    start = text.index("STT")
    end = text.index("\n2.")
    assert find(text, "II.1").heading.endswith("STT Nội dung 1 Xây dựng Sở A")
    roots = parse_text(text, cut=[(start, end)])
    item = [n for r in roots for n in r.walk() if n.ref == "II.1"][0]
    assert item.heading == "Một (kèm theo)"


@pytest.mark.parametrize("line, part", [
    ("PHỤ LỤC", "PL"), ("PHỤ LỤC II", "PLII"), ("Phụ lục 01", "PL1"), ("Phụ lục số 2", "PL2"),
    ("PHỤ LỤC I: DANH MỤC NHIỆM VỤ", "PLI"),
    ("Phụ lục 01. Danh mục nhiệm vụ", "PL1"), ("Phụ lục kèm theo", None),
    ("(Chi tiết tại Phụ lục kèm theo)", None), ("Phụ lục kèm theo Kế hoạch này gồm các nhiệm vụ do các sở thực hiện", None),
])
def test_appendix_part(line, part):
    assert appendix_part(line) == part


def test_bare_marker_heading():
    item = find("II. NHIỆM VỤ\n1.\nKhảo sát hiện trạng.\nTổng hợp.", "II.1")
    assert (item.heading, item.body) == ("Khảo sát hiện trạng.", ["Tổng hợp."])


def test_soft_line_break_joins_the_heading():
    text = "II. NHIỆM VỤ\n1. Triển khai xây dựng, áp dụng Hệ thống quản lý chất lượng theo Tiêu\nchuẩn quốc gia.\n2. Hai."
    item = find(text, "II.1")
    assert item.heading == "Triển khai xây dựng, áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia."
    assert item.body == []


def test_url_lines_are_dropped_and_markup_cleaned():
    text = "VII. TỔ CHỨC\n5. Các cơ quan\n- Thực hiện (*khi có yêu cầu*).\nhttps://example.org/a.aspx\n- Hai."
    assert find(text, "VII.5.-1").text == "Thực hiện (khi có yêu cầu)."
    assert refs(text) == ["VII", "VII.5", "VII.5.-1", "VII.5.-2"]


def test_offsets_point_into_the_text():
    text = "I. MỤC ĐÍCH\n1. Mục đích\n- Triển khai áp dụng.\n  - Kết quả áp dụng."
    for root in parse_text(text):
        for node in root.walk():
            s, e = node.heading_span
            assert clean(text[s:e]) == node.heading
            assert text[node.start:node.end].endswith(text[s:e][-5:])
            assert node.start <= s <= e <= node.end


@pytest.mark.parametrize("line, kind, marker", [
    ("Điều 12. Trách nhiệm", "article", "Điều 12"),
    ("IV. TỔ CHỨC THỰC HIỆN", "roman", "IV"),
    ("XII. Điều khoản", "roman", "XII"),
    ("1.1. Nhiệm vụ:", "number", "1.1"),
    ("2.1 Các cơ quan", "number", "2.1"),
    ("đ) Tổ chức", "letter", "đ"),
    ("- + Tổ chức", "plus", "+"),
    ("+ Tổ chức", "plus", "+"),
    ("- Tổ chức", "dash", "-"),
    ("l. Sở Nông nghiệp", "number", "1"),
    ("3 . UBND các huyện", "number", "3"),
    ("a/ Chủ trì", "letter", "a"),
    ("Phần II", "roman", "II"),
    ("PHẦN III. TỔ CHỨC THỰC HIỆN", "roman", "III"),
    ("Phần thứ hai: Nhiệm vụ", "roman", "II"),
    ("Phần 2 - NHIỆM VỤ", "roman", "II"),
])
def test_read_marker(line, kind, marker):
    assert read_marker(line)[:2] == (kind, marker)


@pytest.mark.parametrize("line", [
    "Việc áp dụng.", "15/9/2025 là hạn", "100% cơ quan", "2025 là năm", "IVAN đến", "-2 độ",
    "Vì vậy, cần", "1.000 người tham gia", "lợn bệnh", "l. thường",
    "Phần kinh phí còn lại", "Phần 2 của kế hoạch", "phần lớn các xã",
])
def test_no_marker(line):
    assert read_marker(line) is None


@pytest.mark.parametrize("example", load_yaml("section_headings.yml")["examples"],
                         ids=lambda e: e["heading"])
def test_heading_kinds_from_data(example):
    assert heading_kind(example["heading"]) == example["kind"]


def test_duty_subsection():
    assert is_duty_subsection("Nhiệm vụ")
    assert is_duty_subsection("Các nhiệm vụ cụ thể")
    assert not is_duty_subsection("Nội dung chi và chế độ áp dụng")


_LINE = st.one_of(
    st.sampled_from(["I. A", "II. B", "1. C", "2. D", "1.1. E", "a) F", "b) G", "- H", "+ K",
                     "- + L", "Điều 1. M", "Điều 2. N", "đoạn văn.", "(ghi chú)", "Nơi nhận:"]),
    st.text(alphabet="abc xyzĐđ.-+1)", max_size=12),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=25))
def test_any_text_gives_a_consistent_tree(lines):
    text = "\n".join(lines)
    for root in parse_text(text):
        assert root.parent is None
        for node in root.walk():
            for child in node.children:
                assert child.parent is node
                assert child.ref.startswith(node.ref) or node.kind == "article"
            assert 0 <= node.start <= node.end <= len(text)


@pytest.mark.parametrize("text, ref, body", [
    # a closing sentence inside the paragraph after a letter's last request
    ("Đề nghị:\n5. Duy trì báo cáo định kỳ.\nVăn bản gửi qua hộp thư điện tử. Trong quá trình thực hiện, "
     "nếu có vướng mắc, đề nghị liên hệ Sở Tư pháp để được hướng dẫn./.", "5", []),
    # an unmarked "…./." paragraph after an item that is a whole sentence is no part of it
    ("Đề nghị:\n2. Rà soát, kiện toàn đội ngũ báo cáo viên.\nĐề nghị Quý cơ quan quan tâm, phối hợp./.", "2", []),
    # … but after a label ("4. Ủy ban nhân dân các huyện") it is the item's paragraph
    ("IV. TỔ CHỨC THỰC HIỆN\n4. Ủy ban nhân dân các huyện\nXây dựng kế hoạch triển khai./.", "IV.4",
     ["Xây dựng kế hoạch triển khai./."]),
    # a duty sentence that merely mentions "trong quá trình" stays
    ("IV. TỔ CHỨC\n3. Sở Y tế\nChủ trì kiểm tra. Trong quá trình thực hiện, chủ động đề xuất.", "IV.3",
     ["Chủ trì kiểm tra. Trong quá trình thực hiện, chủ động đề xuất."]),
])
def test_closing_after_the_last_item(text, ref, body):
    assert find(text, ref).body == body


def test_parts_hold_their_items_like_roman_sections():
    """"Phần I" / "Phần II" on their own line, the title on the next: a part is a top-level
    section and gives its numeral to the refs of its items."""
    text = ("Phần I\nMỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nĐẩy mạnh chuyển đổi số.\n"
            "Phần II\nNHIỆM VỤ, GIẢI PHÁP\n1. Rà soát dữ liệu.\n2. Số hóa hồ sơ:\n"
            "a) Tổ chức tuyên truyền.\nPhần III\nTỔ CHỨC THỰC HIỆN\n1. Phòng Kinh tế\n- Tham mưu.")
    roots = parse_text(text)
    assert [(r.ref, r.heading) for r in roots] == [
        ("I", "MỤC ĐÍCH, YÊU CẦU"), ("II", "NHIỆM VỤ, GIẢI PHÁP"), ("III", "TỔ CHỨC THỰC HIỆN")]
    assert [n.ref for n in roots[1].leaves()] == ["II.1", "II.2.a"]
    assert heading_kind(roots[2].heading) == "organisation"


@pytest.mark.parametrize("heading, kind", [
    ("Trách nhiệm của các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ, Ủy ban nhân dân các "
     "tỉnh, thành phố trực thuộc trung ương", "organisation"),
    ("Sở Tài chính chủ trì, phối hợp với các sở, ngành rà soát, tổng hợp nhu cầu kinh phí "
     "thực hiện nhiệm vụ trong năm", None),
])
def test_long_article_titles_that_open_with_trach_nhiem(heading, kind):
    assert heading_kind(heading) == kind


@pytest.mark.parametrize(("title", "ends"), [
    ("QUY CHẾ", True),  # an attached document's title in capitals starts a new outline
    ("QUY ĐỊNH", True),
    ("Quy chế", False),  # a body line in sentence case stays the article's text
])
def test_attached_document_title_ends_the_closing_article(title, ends):
    text = ("Điều 3. Giám đốc các Sở chịu trách nhiệm thi hành Quyết định này./.\n"
            f"{title}\nPhối hợp trong công tác theo dõi thi hành pháp luật\n"
            "Điều 5. Trách nhiệm của Sở Tư pháp\n1. Chủ trì kiểm tra.\n")
    body = find(text, "Điều 3").text
    assert ("Phối hợp" in body) is not ends
    assert "Điều 5.1" in refs(text)


@pytest.mark.parametrize("text, ref, heading", [
    # a title in capitals that a web page wrapped goes on in capitals
    ("I. MỤC\nĐÍCH, YÊU CẦU\n1. Mục đích", "I", "MỤC ĐÍCH, YÊU CẦU"),
    ("IV. TỔ CHỨC\nTHỰC HIỆN\n1. Sở Xây dựng", "IV", "TỔ CHỨC THỰC HIỆN"),
    # a short heading in running case stays apart from the paragraph under it
    ("II. NHIỆM VỤ\n1. Mục tiêu chung\nNâng cao năng lực.", "II.1", "Mục tiêu chung"),
    # a heading closed by punctuation never runs on
    ("III. TIẾN ĐỘ.\nNĂM 2026 TRIỂN KHAI", "III", "TIẾN ĐỘ."),
])
def test_wrapped_heading_goes_on_onto_the_next_line(text, ref, heading):
    assert find(text, ref).heading == heading


def test_a_heading_cut_inside_a_body_name_goes_on():
    text = "IV. TỔ CHỨC THỰC HIỆN\n1. Giao Sở\nCông Thương chủ trì:\na) Rà soát.\n2. Sở Y tế\nHỗ trợ các cơ sở."
    cut_in_name = text.index("Sở\nCông") + 2
    nodes = {n.ref: n for root in parse_text(text, name_breaks={cut_in_name}) for n in root.walk()}
    assert nodes["IV.1"].heading == "Giao Sở Công Thương chủ trì:"
    # a whole name stays the heading; the paragraph under it is its body
    assert (nodes["IV.2"].heading, nodes["IV.2"].body) == ("Sở Y tế", ["Hỗ trợ các cơ sở."])


def test_a_cut_line_before_a_closing_paragraph_closes_with_it():
    text = ("1. Sở Y tế\na) Theo dõi, báo cáo.\nChủ tịch UBND tỉnh yêu cầu\n"
            "Thủ trưởng các sở thực hiện nghiêm túc Chỉ thị này. Trong quá trình thực hiện, nếu có vướng mắc, báo cáo.")
    assert find(text, "1.a").body == []
