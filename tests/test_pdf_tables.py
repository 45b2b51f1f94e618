"""Ruled tables: render_pdf draws a text's data tables as ruled tables, and the PDF reader
reads a ruled table back as pipe rows, row by row and cell by cell, across page breaks."""
from __future__ import annotations

import re

import pytest

from pipeline.quality.pdf_tables import body_items, flat_rows, layout
from pipeline.quality.render_pdf import render
from pipeline.read import pdftables
from pipeline.read.ingest import read_source

HEADER = """ỦY BAN NHÂN DÂN
TỈNH LONG GIANG
Số: 41/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Long Giang, ngày 03 tháng 4 năm 2031

KẾ HOẠCH
Phát triển thư viện cộng đồng năm 2031

Ủy ban nhân dân tỉnh ban hành kế hoạch như sau.
"""
COLUMNS = ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"]
DUTIES = [
    ("Khảo sát nhu cầu đọc tại các thôn bản vùng cao", "Sở Văn hóa và Thể thao",
     "Ủy ban nhân dân các xã", "Quý II/2031"),
    ("Bổ sung đầu sách cho tủ sách trường học", "Sở Giáo dục và Đào tạo", "Thư viện tỉnh", "Tháng 9/2031"),
    ("Tổng kết và báo cáo kết quả thực hiện", "Sở Văn hóa và Thể thao", "Các sở, ngành", "Tháng 12/2031"),
]


def flat_table(columns, rows) -> str:
    """A table as a crawled web page prints it: a cell a run of lines, "|" lines between."""
    out = ["|"]
    for i, row in enumerate([columns, *rows]):
        if i:
            out += ["|", "|"]
        for k, cell in enumerate(row):
            if k:
                out.append("|")
            out.append(cell)
    out.append("|")
    return "\n".join(out)


def pipe_rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in ln.strip()[1:-1].split("|")] for ln in text.splitlines()
            if re.match(r"^\|.*\|$", ln.strip()) and not re.match(r"^\|(-+\|)+$", ln.strip())]


VERBS = ["Tổ chức", "Khảo sát", "Biên soạn", "Số hóa", "Bổ sung", "Kiểm tra", "Tập huấn"]
PLACES = ["thôn bản vùng cao", "trường tiểu học", "nhà văn hóa xã", "bến phà", "chợ phiên",
          "trạm y tế", "khu công nghiệp", "đồn biên phòng", "làng nghề gốm", "điểm bưu điện", "bệnh viện huyện"]
THINGS = ["tủ sách", "hội sách lưu động", "lớp kỹ năng đọc", "kho tài liệu số", "góc đọc thiếu nhi"]


def numbered(n: int) -> list[tuple[str, ...]]:
    """``n`` duty rows, each worded differently (a real table's rows are not alike)."""
    return [(f"{i}", f"{VERBS[i % 7]} {THINGS[i % 5]} tại {PLACES[i % 11]} cho bạn đọc khu vực {i}",
             f"Phòng Văn hóa huyện {PLACES[(i + 3) % 11].split()[-1]}", "Hội Khuyến học tỉnh",
             f"Tháng {1 + i % 12}/2032") for i in range(1, n + 1)]


def test_flat_table_drawn_and_read_back_row_by_row(tmp_path):
    rows = [(str(i), *d) for i, d in enumerate(DUTIES, 1)]
    text = HEADER + "\n" + flat_table(COLUMNS, rows) + "\n\nNơi nhận:\n- Lưu: VT.\n"
    src = read_source(render(text, tmp_path / "t.pdf"))
    page = src.pages[0]
    got = pipe_rows(page)
    assert got[0] == COLUMNS
    assert got[1:] == [list(r) for r in rows]
    assert "|---|---|---|---|---|" in page  # a rule under the column names
    # the prose around the table keeps its place
    assert page.index("ban hành kế hoạch") < page.index("| STT |") < page.index("Nơi nhận")


def test_markdown_pipe_table_drawn_as_ruled_table(tmp_path):
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join((str(i), *d)) + " |" for i, d in enumerate(DUTIES, 1)]
    pdf = render(HEADER + "\n" + "\n".join(lines) + "\n", tmp_path / "m.pdf")
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        assert pdftables.has_rulings(doc[0])
    finally:
        doc.close()
    got = pipe_rows(read_source(pdf).pages[0])
    assert got[1] == ["1", *DUTIES[0]]


def test_table_over_a_page_break_goes_on_without_its_header(tmp_path):
    rows = numbered(45)
    text = HEADER + "\n" + flat_table(COLUMNS, rows) + "\n"
    src = read_source(render(text, tmp_path / "long.pdf"))
    with_rows = [i for i, p in enumerate(src.pages) if pipe_rows(p)]
    assert len(with_rows) >= 2
    numbers = [r[0] for p in src.pages for r in pipe_rows(p) if r[0] != "STT"]
    assert numbers == [str(i) for i in range(1, 46)]  # every row once, in order
    for i in with_rows[1:]:
        page = src.pages[i]
        first = next(ln for ln in page.splitlines() if ln.strip() and not ln.strip().isdigit())
        assert first.startswith("| ")  # the rows go on at the head of the page
        assert all(len(r) == len(COLUMNS) for r in pipe_rows(page))
        assert "STT" not in page


def test_repeated_column_names_over_a_continued_table_are_left_out(tmp_path):
    from fpdf import FPDF

    from pipeline.quality.render_pdf import font_dir

    pdf = FPDF()
    pdf.add_font("Serif", "", str(font_dir() / "DejaVuSerif.ttf"))
    pdf.add_font("Serif", "B", str(font_dir() / "DejaVuSerif-Bold.ttf"))
    pdf.set_font("Serif", "", 10)
    pdf.add_page()
    with pdf.table(repeat_headings=1, line_height=5) as table:  # column names on every page
        for row in [COLUMNS, *numbered(60)]:
            r = table.row()
            for cell in row:
                r.cell(cell)
    path = tmp_path / "repeat.pdf"
    pdf.output(str(path))
    src = read_source(path)
    assert len(src.pages) >= 2
    assert sum(p.count("| STT |") for p in src.pages) == 1
    numbers = [r[0] for p in src.pages for r in pipe_rows(p) if r[0] != "STT"]
    assert numbers == [str(i) for i in range(1, 61)]


def test_merged_cells_read_as_the_other_readers_write_them(tmp_path):
    rows = [
        ("I", "Nhóm nhiệm vụ về thư viện số"),  # a group title across the row
        ("1", "Số hóa tài liệu địa chí", "Thư viện tỉnh", "Sở Khoa học và Công nghệ", "Năm 2032"),
        ("Xây dựng kho dữ liệu số", "Trung tâm Chuyển đổi số"),  # under the same number
    ]
    text = HEADER + "\n" + flat_table(COLUMNS, rows) + "\n"
    got = pipe_rows(read_source(render(text, tmp_path / "merged.pdf")).pages[0])
    assert got[1] == ["I", "Nhóm nhiệm vụ về thư viện số", "", "", ""]
    assert got[2] == ["1", "Số hóa tài liệu địa chí", "Thư viện tỉnh", "Sở Khoa học và Công nghệ", "Năm 2032"]
    # the number labels its first row; the cells merged down belong to both rows
    assert got[3] == ["", "Xây dựng kho dữ liệu số", "Trung tâm Chuyển đổi số", "Sở Khoa học và Công nghệ",
                      "Năm 2032"]


def test_page_without_rulings_is_read_as_before_and_never_opens_pdfplumber(tmp_path, monkeypatch):
    import pdfplumber
    import pypdfium2 as pdfium

    text = HEADER + "\n" + "\n".join(f"{i}. Giao Sở Nội vụ tỉnh Long Giang thực hiện việc {i}." for i in range(1, 60))
    path = render(text, tmp_path / "plain.pdf")

    def refuse(*a, **k):
        raise AssertionError("pdfplumber opened for a page without rulings")

    monkeypatch.setattr(pdfplumber, "open", refuse)
    src = read_source(path)
    doc = pdfium.PdfDocument(str(path))
    try:
        for i, page in enumerate(src.pages):
            p = doc[i]
            assert not pdftables.has_rulings(p)
            tp = p.get_textpage()
            assert page == tp.get_text_range().replace("\r\n", "\n").replace("\x02", "-").replace("\r", "")
            tp.close()
            p.close()
    finally:
        doc.close()
    assert "|" not in "".join(src.pages)


def test_a_box_around_text_is_not_a_table(tmp_path):
    from fpdf import FPDF

    from pipeline.quality.render_pdf import font_dir

    pdf = FPDF()
    pdf.add_font("Serif", "", str(font_dir() / "DejaVuSerif.ttf"))
    pdf.set_font("Serif", "", 11)
    pdf.add_page()
    for y in (20, 60):  # two framed notes: rulings, but no rows and columns of data
        pdf.rect(20, y, 170, 30)
        pdf.set_xy(25, y + 5)
        pdf.multi_cell(160, 6, "Ghi chú: tài liệu gửi kèm theo đường bưu điện trước ngày 15 hằng tháng.")
    path = tmp_path / "box.pdf"
    pdf.output(str(path))
    page = read_source(path).pages[0]
    assert "|" not in page and page.count("Ghi chú") == 2


def test_tasks_of_a_ruled_table_over_pages_match_the_text(tmp_path):
    from pipeline.run.extract import extract_path

    rows = numbered(30)
    text = HEADER + "\nPHỤ LỤC\n\n" + flat_table(COLUMNS, rows) + "\n"
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    pdf = render(text, tmp_path / "plan.pdf")
    assert len(read_source(pdf).pages) >= 2

    def duties(path):
        tasks = extract_path(path).contract["tasks"]
        return sorted((t["text"][:40], t.get("deadline") or "") for t in tasks)

    from_text = duties(tmp_path / "plan.txt")
    assert len(from_text) == 30
    assert duties(pdf) == from_text


@pytest.mark.parametrize("rows, expected", [
    # a full row; a group title spanning the width (number + title, or title alone)
    ([["A", "B", "C"], ["1", "x", "y"]], [[("1", 1, 1), ("x", 1, 1), ("y", 1, 1)]]),
    ([["A", "B", "C"], ["I", "group"]], [[("I", 1, 1), ("group", 2, 1), None]]),
    ([["A", "B", "C"], ["GROUP"]], [[("GROUP", 3, 1), None, None]]),
    # a row without its number under a numbered row: the number and the missing end span down
    ([["A", "B", "C", "D"], ["1", "x", "y", "z"], ["x2", "y2"]],
     [[("1", 1, 2), ("x", 1, 1), ("y", 1, 1), ("z", 1, 2)], [None, ("x2", 1, 1), ("y2", 1, 1), None]]),
    # a short numbered row: its missing last cell is the one above, spanning down
    ([["A", "B", "C", "D"], ["1", "x", "y", "z"], ["2", "x2", "y2"]],
     [[("1", 1, 1), ("x", 1, 1), ("y", 1, 1), ("z", 1, 2)], [("2", 1, 1), ("x2", 1, 1), ("y2", 1, 1), None]]),
    # under a group title nothing spans down: empty cells
    ([["A", "B", "C", "D"], ["I", "group"], ["2", "x2", "y2"]],
     [[("I", 1, 1), ("group", 3, 1), None, None], [("2", 1, 1), ("x2", 1, 1), ("y2", 1, 1), ("", 1, 1)]]),
])
def test_layout_puts_back_the_merges_a_crawled_table_leaves_out(rows, expected):
    grid = layout(rows)[1:]
    got = [[(s.text, s.colspan, s.rowspan) if s else None for s in line] for line in grid]
    assert got == expected


def test_only_data_tables_are_drawn_as_tables():
    header_block = ["|", "ỦY BAN NHÂN DÂN TỈNH LONG GIANG", "|", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "|",
                    "|", "Số: 41/KH-UBND", "|", "Long Giang, ngày 03 tháng 4 năm 2031", "|"]
    data = flat_table(COLUMNS, [("1", *DUTIES[0])]).splitlines()
    items = body_items(header_block + [""] + data)
    assert items[:len(header_block)] == header_block  # a layout block stays lines
    assert items[-1] == [COLUMNS, ["1", *DUTIES[0]]]
    assert flat_rows(data) == [COLUMNS, ["1", *DUTIES[0]]]


def test_pdfplumber_finds_the_same_tables(tmp_path, monkeypatch):
    """The grid rebuilt from pypdfium2's strokes is the one pdfplumber's find_tables finds."""
    rows = [("I", "Nhóm nhiệm vụ về thư viện số"), *numbered(25),
            ("Lập danh mục tài liệu quý hiếm", "Thư viện tỉnh")]
    pdf = render(HEADER + "\n" + flat_table(COLUMNS, rows) + "\n", tmp_path / "both.pdf")
    fast = read_source(pdf).pages
    monkeypatch.setenv("VANBAN_TABLE_READER", "pdfplumber")
    assert read_source(pdf).pages == fast
    assert sum(len(pipe_rows(p)) for p in fast) == 1 + len(rows)


def test_table_inside_a_form_xobject_is_read(tmp_path):
    """A producer that wraps each page in a form XObject (imposition, N-up, some printers)."""
    import pypdfium2 as pdfium

    rows = [(str(i), *d) for i, d in enumerate(DUTIES, 1)]
    flat = render(HEADER + "\n" + flat_table(COLUMNS, rows) + "\n", tmp_path / "flat.pdf")
    src = pdfium.PdfDocument(str(flat))
    dest = pdfium.PdfDocument.new()
    try:
        w, h = src[0].get_size()
        xobj = src.page_as_xobject(0, dest)
        page = dest.new_page(w, h)
        page.insert_obj(xobj.as_pageobject())
        page.gen_content()
        page.close()
        dest.save(str(tmp_path / "wrapped.pdf"))
    finally:
        dest.close()
        src.close()
    got = pipe_rows(read_source(tmp_path / "wrapped.pdf").pages[0])
    assert got == [COLUMNS, *[list(r) for r in rows]]
