"""The structured document the normaliser returns: tables read once with their cells,
list markers by one grammar, the header block, footnotes apart from the body."""
from __future__ import annotations

import pytest

from pipeline.core.models import Context, Source, SourceFormat
from pipeline.text.markers import opens_line, read_marker
from pipeline.text.normalize import normalize_pages

PIPE_TABLE = (
    "KẾ HOẠCH\n"
    "Nâng cao chất lượng dịch vụ công năm 2031\n"
    "\n"
    "| STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Thời gian hoàn thành |\n"
    "|---|---|---|---|\n"
    "| 1 | Rà soát quy trình nội bộ | Sở Nội vụ | Quý II/2031 |\n"
    "| 2 | Cập nhật cơ sở dữ liệu | Sở Tư pháp | Tháng 9/2031 |\n"
    "\n"
    "Các cơ quan triển khai nghiêm túc Kế hoạch này.\n"
)


def _cell_texts(row):
    return [c.text for c in row]


def test_a_table_is_read_once_with_its_cells_at_their_offsets():
    doc = normalize_pages([PIPE_TABLE])
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.columns == {"number": 0, "content": 1, "lead": 2, "deadline": 3}
    assert _cell_texts(table.header) == ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"]
    assert [_cell_texts(r) for r in table.rows] == [
        ["1", "Rà soát quy trình nội bộ", "Sở Nội vụ", "Quý II/2031"],
        ["2", "Cập nhật cơ sở dữ liệu", "Sở Tư pháp", "Tháng 9/2031"],
    ]
    for row in [table.header, *table.rows]:
        for cell in row:
            assert cell.start >= 0 and doc.text[cell.start:cell.end] == cell.text
    assert doc.text[table.start:table.end].startswith("STT")
    assert table.end <= doc.text.index("Các cơ quan triển khai")


def test_a_table_running_over_a_page_break_is_one_table():
    first, second = PIPE_TABLE.split("\n\nCác cơ quan")[0], (
        "| 3 | Tổng kết, báo cáo kết quả | Văn phòng Ủy ban | Tháng 12/2031 |\n"
        "\nCác cơ quan triển khai nghiêm túc Kế hoạch này.\n")
    doc = normalize_pages([first, second])
    assert len(doc.tables) == 1
    assert [r[0].text for r in doc.tables[0].rows] == ["1", "2", "3"]
    last = doc.tables[0].rows[-1][1]
    assert doc.text[last.start:last.end] == "Tổng kết, báo cáo kết quả"


def test_text_without_a_table_header_has_no_tables():
    doc = normalize_pages(["| Hà Nội | Hải Phòng | Cần Thơ |\n| 12 | 34 | 56 |\n"])
    assert doc.tables == []


def test_task_tables_are_read_from_the_structured_document_not_the_source():
    from extractors.tables import find_tables

    text = normalize_pages([PIPE_TABLE])
    ctx = Context(source=Source("t", "", SourceFormat.TXT, []), text=text)  # no raw pages
    tables = find_tables(ctx)
    assert len(tables) == 1
    assert [r.number for r in tables[0].rows] == ["1", "2"]
    assert tables[0].rows[0].cell(tables[0].columns["lead"]).text == "Sở Nội vụ"


@pytest.mark.parametrize("line, kind, label", [
    ("Điều 3. Tổ chức thực hiện", "article", "Điều 3"),
    ("Điều 12a: Hiệu lực", "article", "Điều 12a"),
    ("IV. TỔ CHỨC THỰC HIỆN", "roman", "IV"),
    ("II - NHIỆM VỤ", "roman", "II"),
    ("Phần thứ hai. NỘI DUNG", "roman", "II"),
    ("3. Sở Xây dựng:", "number", "3"),
    ("2.4. Hoàn thiện thể chế", "number", "2.4"),
    ("1.2 Về cơ sở vật chất", "number", "1.2"),
    ("l. Sở Công Thương chủ trì", "number", "1"),
    ("b) Kiểm tra việc thực hiện", "letter", "b"),
    ("đ) Báo cáo định kỳ", "letter", "đ"),
    ("c/ Sở Y tế hướng dẫn", "letter", "c"),
    ("- Tuyên truyền rộng rãi", "dash", "-"),
    ("• Tập huấn cán bộ", "dash", "-"),
    ("+ Cấp xã thực hiện", "plus", "+"),
    ("- + Cấp tỉnh thực hiện", "plus", "+"),
])
def test_list_markers_of_each_kind(line, kind, label):
    marker = read_marker(line)
    assert marker is not None and (marker.kind, marker.label) == (kind, label)
    assert line[marker.length:].strip() and not line[marker.length:].startswith(" ")


@pytest.mark.parametrize("line", [
    "b/c kết quả thực hiện",  # báo cáo, not the letter b
    "2031; Luật Đầu tư công",  # a wrapped date
    "51). Các nội dung khác",  # the end of a wrapped reference
    "- 15% so với năm trước",  # a range or a minus, not a bullet
    "điều chỉnh kế hoạch",
    "Thời gian qua, tỉnh đã",
])
def test_lookalikes_are_not_list_markers(line):
    assert read_marker(line) is None


@pytest.mark.parametrize("line, opens", [
    ("a)", True),  # a letter alone on its line is an item whose text follows
    ("Điều 5.", True),
    ("15.", False),  # "khoản 3 Điều" / "15.": a wrapped reference, not an item
    ("XVII.", False),
    ("3. Sở Tài chính", True),
    ("Chương II", True),
    ("Phụ lục 3 kèm theo", True),
])
def test_which_lines_open_a_logical_line(line, opens):
    assert opens_line(line) is opens


def test_the_normaliser_and_the_outline_read_the_same_markers():
    from extractors.outline import parse_text

    doc = normalize_pages(["I. NHIỆM VỤ\n1.2 Về cơ sở dữ liệu dùng chung của tỉnh\n"
                           "a. Sở Khoa học chủ trì xây dựng\n- Kiểm tra định kỳ\n"])
    assert doc.text.split("\n") == ["I. NHIỆM VỤ", "1.2 Về cơ sở dữ liệu dùng chung của tỉnh",
                                    "a. Sở Khoa học chủ trì xây dựng", "- Kiểm tra định kỳ"]
    refs = [n.ref for root in parse_text(doc.text) for n in root.walk()]
    assert refs == ["I", "I.1.2", "I.1.2.a", "I.1.2.a.-1"]


def test_header_block_read_by_columns_is_one_field_a_line():
    doc = normalize_pages(["body"], header_lines=["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số:", "77/KH-UBND",
                                                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"])
    assert doc.header == ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: 77/KH-UBND",
                          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert normalize_pages(["body"]).header == []


def test_footnotes_stand_apart_from_the_body():
    doc = normalize_pages(["Căn cứ Thông tư số 09/2030/TT-BNV của Bộ Nội vụ2;\n"
                           "1. Sở Nội vụ hướng dẫn thực hiện.\n"
                           "2 về việc hướng dẫn công tác văn thư\n"])
    assert doc.footnotes == "2 về việc hướng dẫn công tác văn thư"
    assert "Bộ Nội vụ;" in doc.body and "về việc hướng dẫn" not in doc.body
    assert "1. Sở Nội vụ hướng dẫn thực hiện." in doc.body
