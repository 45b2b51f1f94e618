"""Word, OpenDocument, saved web pages and Markdown: each reads into the same pages of text as
the plain text it was made from, so every extractor gives the same contract output."""
from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_fixtures import VERSION, standin_extract
from pdf_fixtures import ROOT
from seed_fixtures import SEEDS, gold, scorer
from pipeline.run.build import build_database
from pipeline.run.extract import extract_path
from pipeline.read.ingest import SUFFIXES, IngestError, read_source
from pipeline.core.models import SourceFormat
from pipeline.read.readers.blocks import Cell, Table, grid, render
from pipeline.read.readers.markdown import latex_text, markdown_to_text

FORMATS = ROOT / "tests" / "fixtures" / "formats"
PLAN = FORMATS / "plan_duty_table.txt"
SECTIONS = ("document", "citations", "standards", "agencies", "tasks", "deadlines")
needs_soffice = pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                                   reason="LibreOffice not installed (only the .doc/.odt conversion tests need it)")
needs_antiword = pytest.mark.skipif(not shutil.which("antiword"), reason="antiword not installed (scripts/system-deps.sh)")


def make_formats():
    spec = importlib.util.spec_from_file_location("make_formats", ROOT / "scripts" / "make_formats.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def contract(path: Path) -> dict:
    out = extract_path(path).contract
    return {k: out[k] for k in SECTIONS}


@pytest.fixture(scope="module")
def plan_contract():
    return contract(PLAN)


# --- golden: each format extracts as the text it was made from -------------------------------

@pytest.mark.parametrize("suffix, fmt", [(".docx", "docx"), (".html", "html"), (".md", "md")])
def test_fixture_extracts_as_its_text(plan_contract, suffix, fmt):
    path = PLAN.with_suffix(suffix)
    result = extract_path(path).contract
    assert result["source"]["format"] == fmt
    assert {k: result[k] for k in SECTIONS} == plan_contract


def test_the_plan_fixture_exercises_tables_numbers_and_header(plan_contract):
    """The golden comparison means something: the text has a duty table, numbered items and
    a full header, and the extractors read them."""
    refs = [t["ref"] for t in plan_contract["tasks"]]
    assert any(r.startswith("PL.") for r in refs) and "III.1.b" in refs
    assert plan_contract["document"]["number"] == "58/KH-UBND"
    assert plan_contract["document"]["issued_date"] == "2024-03-14"


@needs_soffice
def test_doc_through_libreoffice_extracts_as_its_text(plan_contract, monkeypatch):
    monkeypatch.setenv("VANBAN_DOC_READER", "libreoffice")
    result = extract_path(PLAN.with_suffix(".doc")).contract
    assert result["source"]["format"] == "doc"
    assert {k: result[k] for k in SECTIONS} == plan_contract


@needs_antiword
def test_doc_through_antiword_keeps_header_and_tables(plan_contract, monkeypatch):
    """antiword keeps every table row and cell (not Word's automatic list numbers, nor a
    merged cell's text in the rows below its first)."""
    monkeypatch.setenv("VANBAN_DOC_READER", "antiword")
    source = read_source(PLAN.with_suffix(".doc"))
    assert source.format is SourceFormat.DOC
    assert source.header_lines[:3] == ["ỦY BAN NHÂN DÂN", "TỈNH NINH BÌNH", "Số: 58/KH-UBND"]
    assert "| 1 | Nâng cấp Trung tâm dữ liệu của tỉnh | Sở Thông tin và Truyền thông |" in source.pages[0]
    result = contract(PLAN.with_suffix(".doc"))
    assert result["document"] == plan_contract["document"]
    assert result["citations"] == plan_contract["citations"]
    table_tasks = [t["text"] for t in plan_contract["tasks"] if t["ref"].startswith("PL.")]
    assert [t["text"] for t in result["tasks"] if t["ref"].startswith("PL.")] == table_tasks


@needs_soffice
@pytest.mark.slow
def test_odt_through_libreoffice_extracts_as_its_text(plan_contract, tmp_path):
    from pipeline.read.readers.doc import convert

    odt = convert(PLAN.with_suffix(".docx"), "odt", tmp_path)
    result = extract_path(odt).contract
    assert result["source"]["format"] == "odt"
    assert {k: result[k] for k in SECTIONS} == plan_contract


@pytest.mark.parametrize("name, reader", [("plan.odt", None), ("plan.doc", "libreoffice")])
def test_without_libreoffice_odt_is_refused_with_what_to_install(tmp_path, monkeypatch, name, reader):
    import pipeline.read.readers.doc as doc

    monkeypatch.setattr(doc, "soffice", lambda: None)
    if reader:
        monkeypatch.setenv("VANBAN_DOC_READER", reader)
    data = PLAN.with_suffix(".docx" if name.endswith(".odt") else ".doc").read_bytes()
    if name.endswith(".odt"):  # an OpenDocument package: its mimetype entry first
        import io

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            z.writestr("content.xml", "<office:document-content/>")
        data = buf.getvalue()
    assert "LibreOffice" in refused(_write(tmp_path, name, data))


def test_fixtures_are_current(tmp_path):
    """The committed DOCX, HTML and Markdown are what the script makes now (re-run
    `make formats`); the script's output is byte-for-byte reproducible."""
    mk = make_formats()
    made = mk.render(PLAN.read_text(encoding="utf-8"), PLAN.stem, tmp_path, ("docx", "html", "md"))
    again = mk.render_docx(PLAN.read_text(encoding="utf-8"), tmp_path / "again.docx")
    assert again.read_bytes() == (tmp_path / f"{PLAN.stem}.docx").read_bytes()
    for path in made:
        if path.suffix == ".docx":  # the package's bytes follow python-docx's template: compare what is read
            fresh, committed = read_source(path), read_source(FORMATS / path.name)
            assert (fresh.pages, fresh.header_lines) == (committed.pages, committed.header_lines)
        else:
            assert path.read_bytes() == (FORMATS / path.name).read_bytes(), path.name


# A page crawled from a legal library, as text: site furniture, a metadata panel with cell
# borders on their own lines, then the document hard-wrapped, its header fields split.
_CRAWL_HEAD = """|
Bản quyền thuộc về Thư viện Văn bản Mẫu
**Số hiệu:**
|
45/KH-UBND
|
**Loại văn bản:**
|
Kế hoạch
|
**Nơi ban hành:**
|
Tỉnh Hà Giang
|
**Ngày ban hành:**
|
03/04/2025
|
**ỦY BAN NHÂN DÂN
TỈNH HÀ GIANG**
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
---------------
|
Số:
45/KH-UBND
|
*Hà Giang, ngày 03
tháng 4 năm 2025*
|
**KẾ HOẠCH**
**Triển khai sổ tay
điện tử tại các xã**
"""


_LEFT = ["ỦY BAN NHÂN DÂN", "TỈNH HÀ GIANG", "Số: 45/KH-UBND"]
_RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Giang, ngày 03 tháng 4 năm 2025"]


@pytest.mark.parametrize("body, tables", [
    ("Căn cứ Luật Tổ chức chính quyền địa phương;\n", []),
    # a table the page printed one cell a line, "|" lines between cells and rows
    ("Căn cứ Luật Tổ chức chính quyền địa phương;\n\n|\n**STT**\n|\n**Nội dung**\n|\n**Cơ quan chủ trì**\n|\n"
     "**Thời hạn**\n|\n|\n1\n|\nRà soát danh mục\nthủ tục\n|\nSở Nội vụ\n|\nQuý II/2025\n|\n",
     [[["STT", "Nội dung", "Cơ quan chủ trì", "Thời hạn"], ["1", "Rà soát danh mục thủ tục", "Sở Nội vụ", "Quý II/2025"]]]),
])
def test_a_crawled_page_renders_as_the_document_only(tmp_path, body, tables):
    """The renderer writes what the document's author typed: no site furniture, the header
    fields whole in the two header columns, wrapped lines one paragraph, tables as tables."""
    mk = make_formats()
    left, right = _LEFT, _RIGHT
    hl, hr, items = mk.parse(_CRAWL_HEAD + body)
    assert (hl, hr) == (left, right)
    assert [it[1] for it in items if it[0] == "table"] == tables
    paras = [it[1] for it in items if it[0] == "p"]
    assert paras[:2] == ["KẾ HOẠCH", "Triển khai sổ tay điện tử tại các xã"]
    assert not any("Số hiệu" in p or p in ("|", "**") for p in paras)
    source = read_source(mk.render_docx(_CRAWL_HEAD + body, tmp_path / "crawl.docx"))
    assert "Thư viện" not in source.pages[0]
    assert source.header_lines == left + right


@pytest.fixture(scope="module")
def seeds_rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    mk = make_formats()
    for seed in SEEDS:
        mk.render(seed.read_text(encoding="utf-8"), seed.stem, out, ("docx", "html"))
    return out


@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_seeds_rendered_score_one(seeds_rendered, suffix):
    score = scorer()
    pairs = [(extract_path(seeds_rendered / f"{seed.stem}{suffix}").contract, gold(seed)) for seed in SEEDS]
    result = score.score(pairs)
    assert result["documents"] == len(SEEDS)
    assert {k: v["f1"] for k, v in result["sections"].items()} == {k: 1.0 for k in result["sections"]}
    assert all(v in (1.0, None) for v in result["accuracy"].values()), result["accuracy"]


# --- Word: numbering, tables, footnotes, pages ------------------------------------------------

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(tmp_path: Path, build) -> Path:
    import docx

    document = docx.Document()
    build(document)
    path = tmp_path / "t.docx"
    document.save(str(path))
    return path


def _numbering(document, levels: list[tuple[str, str, int]], nums: dict[str, dict[int, int]]):
    """Add an abstract list (fmt, lvlText, start per level) and list instances numId →
    start overrides."""
    from docx.oxml import parse_xml

    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
                   f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text, start) in enumerate(levels))
    root = document.part.numbering_part.element
    first = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    abstract = parse_xml(f'<w:abstractNum {W_NS} w:abstractNumId="77">{lvls}</w:abstractNum>')
    first.addprevious(abstract) if first is not None else root.append(abstract)
    for num_id, overrides in nums.items():
        ov = "".join(f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{s}"/></w:lvlOverride>'
                     for lvl, s in overrides.items())
        root.append(parse_xml(f'<w:num {W_NS} w:numId="{num_id}"><w:abstractNumId w:val="77"/>{ov}</w:num>'))


def _item(document, text: str, num_id: str, level: int):
    from docx.oxml import parse_xml

    p = document.add_paragraph(text)
    p._p.get_or_add_pPr().insert(0, parse_xml(
        f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


LEVELS = [("upperRoman", "%1.", 1), ("decimal", "%2.", 1), ("lowerLetter", "%3)", 1), ("bullet", "\uf0b7", 1)]


@pytest.mark.parametrize("items, expected", [
    (  # levels restart under a new upper item; a bullet's symbol font character reads "-"
        [("Mục tiêu", "80", 0), ("Chung", "80", 1), ("Ý một", "80", 2), ("Ý hai", "80", 2),
         ("Chi tiết", "80", 3), ("Cụ thể", "80", 1), ("Ý ba", "80", 2), ("Nhiệm vụ", "80", 0),
         ("Thể chế", "80", 1)],
        ["I. Mục tiêu", "1. Chung", "a) Ý một", "b) Ý hai", "- Chi tiết", "2. Cụ thể", "a) Ý ba",
         "II. Nhiệm vụ", "1. Thể chế"],
    ),
    (  # a list instance with a start override restarts; one without continues the shared list
        [("Một", "80", 1), ("Hai", "80", 1), ("Lại một", "81", 1), ("Ba", "82", 1)],
        ["1. Một", "2. Hai", "5. Lại một", "3. Ba"],
    ),
])
def test_word_list_numbers_are_rendered(tmp_path, items, expected):
    def build(document):
        _numbering(document, LEVELS, {"80": {}, "81": {1: 5}, "82": {}})
        for text, num_id, level in items:
            _item(document, text, num_id, level)

    src = read_source(_docx(tmp_path, build))
    assert [ln for ln in src.pages[0].splitlines() if ln] == expected


def test_word_legal_numbering_and_style_lists(tmp_path):
    from docx.oxml import parse_xml

    def build(document):
        _numbering(document, [("decimal", "%1.", 1), ("decimal", "%1.%2.", 1)], {"80": {}})
        _item(document, "Quy định chung", "80", 0)
        _item(document, "Phạm vi", "80", 1)
        _item(document, "Đối tượng", "80", 1)
        styles = document.styles.element
        styles.append(parse_xml(f'<w:style {W_NS} w:type="paragraph" w:styleId="DieuMuc"><w:name w:val="Dieu Muc"/>'
                                f'<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="80"/></w:numPr></w:pPr></w:style>'))
        p = document.add_paragraph("Tổ chức thực hiện")
        p._p.get_or_add_pPr().append(parse_xml(f'<w:pStyle {W_NS} w:val="DieuMuc"/>'))

    lines = [ln for ln in read_source(_docx(tmp_path, build)).pages[0].splitlines() if ln]
    assert lines == ["1. Quy định chung", "1.1. Phạm vi", "1.2. Đối tượng", "2. Tổ chức thực hiện"]


_LONG = "Xây dựng kho dữ liệu dùng chung phục vụ quản lý đất đai và quy hoạch trên địa bàn tỉnh Cao Bằng"


@pytest.mark.parametrize("paragraphs, lines", [
    # a Word paragraph ends where its author ended it, however long and unpunctuated
    ([_LONG, "Sở Tài nguyên và Môi trường"], [_LONG, "Sở Tài nguyên và Môi trường"]),
    ([_LONG + " năm 2025", "Phối hợp với các huyện rà soát danh mục"],
     [_LONG + " năm 2025", "Phối hợp với các huyện rà soát danh mục"]),
    # a paragraph a printed line (a converted PDF): a sentence running on in lower case still joins
    ([_LONG, "và các xã biên giới."], [_LONG + " và các xã biên giới."]),
])
def test_word_paragraph_ends_are_breaks(tmp_path, paragraphs, lines):
    def build(document):
        for text in paragraphs:
            document.add_paragraph(text)

    body = extract_path(_docx(tmp_path, build)).text.body
    assert body.splitlines() == lines


def test_word_merged_cells(tmp_path):
    def build(document):
        t = document.add_table(rows=4, cols=4)
        for c, h in enumerate(["STT", "Nội dung", "Chủ trì", "Thời hạn"]):
            t.cell(0, c).text = h
        t.cell(1, 0).text = "I"
        t.cell(1, 1).merge(t.cell(1, 3)).text = "Nhóm việc"
        for r, (n, task, when) in enumerate([("1", "Việc một", "Quý I/2025"), ("2", "Việc hai", "Quý II/2025")], 2):
            t.cell(r, 0).text, t.cell(r, 1).text, t.cell(r, 3).text = n, task, when
        t.cell(2, 2).merge(t.cell(3, 2)).text = "Sở Xây dựng"

    page = read_source(_docx(tmp_path, build)).pages[0]
    assert page.splitlines() == [
        "| STT | Nội dung | Chủ trì | Thời hạn |", "|---|---|---|---|",
        "| I | Nhóm việc |  |  |",
        "| 1 | Việc một | Sở Xây dựng | Quý I/2025 |",
        "| 2 | Việc hai | Sở Xây dựng | Quý II/2025 |",
    ]


def test_word_footnotes_and_page_breaks(tmp_path):
    from docx.enum.text import WD_BREAK
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    def build(document):
        p = document.add_paragraph("Căn cứ Luật Tổ chức chính quyền địa phương")
        p._p.append(parse_xml(f'<w:r {W_NS}><w:footnoteReference w:id="2"/></w:r>'))
        p.add_run(" năm 2025;")
        document.add_paragraph("Trang một kết thúc.").runs[0].add_break(WD_BREAK.PAGE)
        document.add_paragraph("Trang hai bắt đầu.")
        notes = (f'<w:footnotes {W_NS}><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 f'<w:footnote w:id="2"><w:p><w:r><w:t>Luật số 72/2025/QH15 ngày 16 tháng 6 năm 2025.</w:t></w:r></w:p></w:footnote></w:footnotes>')
        part = Part(PackURI("/word/footnotes.xml"),
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                    notes.encode(), document.part.package)
        document.part.relate_to(part, RT.FOOTNOTES)

    path = _docx(tmp_path, build)
    src = read_source(path)
    assert len(src.pages) == 2 and src.pages[1].startswith("Trang hai")
    assert "phương1 năm 2025;" in src.pages[0]
    assert src.pages[-1].rstrip().endswith("1 Luật số 72/2025/QH15 ngày 16 tháng 6 năm 2025.")
    text = extract_path(path).text
    assert "72/2025/QH15" in text.footnotes and "72/2025/QH15" not in text.body


def test_word_header_laid_out_with_tabs(tmp_path):
    """A header typed as paragraphs with tab stops instead of a table reads as well."""
    lines = ["ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỈNH LẠNG SƠN\tĐộc lập - Tự do - Hạnh phúc",
             "Số: 45/QĐ-UBND\tLạng Sơn, ngày 3 tháng 4 năm 2024", "QUYẾT ĐỊNH",
             "Về việc phê duyệt kế hoạch chuyển đổi số năm 2024", "Điều 1. Phê duyệt Kế hoạch.", "CHỦ TỊCH", "Hồ Văn Thiện"]

    def build(document):
        for line in lines:
            first, *rest = line.split("\t")
            run = document.add_paragraph().add_run(first)
            for part in rest:
                run.add_tab()
                run.add_text(part)

    doc = extract_path(_docx(tmp_path, build)).contract["document"]
    assert (doc["number"], doc["issued_date"], doc["place"]) == ("45/QĐ-UBND", "2024-04-03", "Lạng Sơn")
    assert doc["issuer"] == {"name": "Ủy ban nhân dân tỉnh Lạng Sơn", "locality": "Lạng Sơn"}


# --- the shared table layout ------------------------------------------------------------------

def test_grid_spans_rows_and_columns():
    table = Table([[Cell(["a"]), Cell(["b"], rowspan=2), Cell(["c"])],
                   [Cell(["d"]), Cell(["e"])],
                   [Cell(["f"], colspan=3)]])
    assert grid(table) == [[["a"], ["b"], ["c"]], [["d"], ["b"], ["e"]], [["f"], [], []]]


@pytest.mark.parametrize("rows, header, first_lines", [
    ([[Cell(["ỦY BAN NHÂN DÂN", "TỈNH AN GIANG"]), Cell(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])],
      [Cell(["Số: 7/QĐ-UBND"]), Cell(["An Giang, ngày 2 tháng 1 năm 2025"])]],
     ["ỦY BAN NHÂN DÂN", "TỈNH AN GIANG", "Số: 7/QĐ-UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "An Giang, ngày 2 tháng 1 năm 2025"],
     ["ỦY BAN NHÂN DÂN", "", "TỈNH AN GIANG"]),
    ([[Cell(["Nơi nhận:", "- Như trên;"]), Cell(["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"])]],
     None, ["Nơi nhận:", "", "- Như trên;"]),
    ([[Cell(["TT"]), Cell(["Nội dung"]), Cell(["Đơn vị thực hiện"])], [Cell(["1"]), Cell(["Rà soát"]), Cell(["Sở Y tế"])]],
     None, ["| TT | Nội dung | Đơn vị thực hiện |", "|---|---|---|", "| 1 | Rà soát | Sở Y tế |"]),
    ([[Cell(["Nội dung"]), Cell(["Thời hạn"])], [Cell(["Báo cáo kết quả"]), Cell(["Hà Giang, ngày 5 tháng 6 năm 2025"])]],
     None, ["| Nội dung | Thời hạn |", "|---|---|", "| Báo cáo kết quả | Hà Giang, ngày 5 tháng 6 năm 2025 |"]),
])
def test_layout_and_data_tables(rows, header, first_lines):
    pages, header_lines = render([Table(rows)])
    assert header_lines == header
    assert pages[0].splitlines()[: len(first_lines)] == first_lines


# --- web pages -------------------------------------------------------------------------------

def test_portal_page_reads_the_document_only():
    src = read_source(PLAN.with_suffix(".html"))
    text = "\n".join(src.pages)
    for furniture in ("CỔNG THÔNG TIN ĐIỆN TỬ", "Văn bản liên quan", "1520/QĐ-UBND", "Trang chủ",
                      "Tin mới", "Cơ quan chủ quản", "Đường dây nóng", "Còn hiệu lực", "Số hiệu"):
        assert furniture not in text, furniture
    assert src.metadata == {"number": "58/KH-UBND", "doc_type": "Kế Hoạch", "issuer": "Ủy Ban Nhân Dân Tỉnh Ninh Bình",
                            "issued_date": "14/03/2024", "signer": "Trần Văn Khải"}
    cited = {c["number"] for c in extract_path(PLAN.with_suffix(".html")).contract["citations"]}
    assert cited == {"47/2020/NĐ-CP", "749/QĐ-TTg"}  # the related-documents list is not cited


@pytest.mark.parametrize("number, date, expected", [
    ("58/KH-UBND", "14/03/2024", []),
    ("58 /KH-UBND", "14/3/2024", []),
    ("85/KH-UBND", "14/03/2024", ["page panel Số hiệu 85/KH-UBND, header 58/KH-UBND"]),
    ("58/KH-UBND", "15/03/2024", ["page panel Ngày ban hành 2024-03-15, header 2024-03-14"]),
])
def test_metadata_panel_is_a_cross_check(tmp_path, number, date, expected):
    html = PLAN.with_suffix(".html").read_text(encoding="utf-8")
    html = html.replace("<td>58/KH-UBND</td>", f"<td>{number}</td>").replace("<td>14/03/2024</td>", f"<td>{date}</td>")
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    result = extract_path(p).contract
    assert result["document"]["number"] == "58/KH-UBND"  # the header stands
    assert [w["detail"] for w in result["warnings"] if w["code"] == "metadata_mismatch"] == expected


PAGE = """<html><head><meta charset="{charset}"><title>t</title></head><body>
<div class="menu-top"><a href="/">Trang chủ</a> <a href="/a">Tin tức</a> <a href="/b">Liên hệ</a></div>
<div class="khung"><div class="noidung">{body}</div>
<div class="box"><b>Văn bản liên quan</b><ul><li><a href="/1">Nghị định 15/2020/NĐ-CP</a></li>
<li><a href="/2">Thông tư 01/2021/TT-BNV</a></li></ul></div></div></body></html>"""
BODY = ("<p>Căn cứ Luật Ban hành văn bản quy phạm pháp luật năm 2025 của Quốc hội; các nội dung "
        "được triển khai như sau:</p><ol><li>Rà soát thủ tục</li><li>Công bố kết quả</li></ol>"
        "<ol type='a'><li>Lập danh mục</li><li>1. Đã đánh số</li></ol><ul><li>Ý một</li></ul>"
        "<p>Dòng một<br>Dòng hai&nbsp;tiếp</p>")


@pytest.mark.parametrize("charset, encode, wrap", [
    ("utf-8", "utf-8", False),
    ("windows-1258", "cp1258", False),
    ("utf-8", "utf-8", True),  # ASP.NET portals put the whole page in one <form>
])
def test_page_lists_line_breaks_and_charsets(tmp_path, charset, encode, wrap):
    from pipeline.read.encodings import unicode_to_cp1258

    html = PAGE.format(charset=charset, body=BODY)
    if wrap:
        html = html.replace("<body>", "<body><form id='aspnetForm' method='post'>").replace("</body>", "</form></body>")
    data = html.encode("utf-8") if encode == "utf-8" else unicode_to_cp1258(html)
    p = tmp_path / "page.htm"
    p.write_bytes(data)
    lines = [ln for ln in read_source(p).pages[0].splitlines() if ln]
    assert lines == ["Căn cứ Luật Ban hành văn bản quy phạm pháp luật năm 2025 của Quốc hội; các nội dung "
                     "được triển khai như sau:", "1. Rà soát thủ tục", "2. Công bố kết quả", "a) Lập danh mục",
                     "1. Đã đánh số", "- Ý một", "Dòng một", "Dòng hai tiếp"]


def test_known_portal_block_wins_over_a_longer_summary(tmp_path):
    """A legal library page: the document sits in its known block; a longer summary of the
    document beside it (no links, so no furniture by density) is not read."""
    summary = "<p>Tóm tắt: " + "văn bản quy định về việc quản lý hồ sơ, " * 40 + "</p>"
    page = ("<html><body><div class='tomtat'>" + summary + "</div><div id='divContentDoc'><div class='content1'>"
            "<p>QUYẾT ĐỊNH</p><p>Về việc ban hành quy chế quản lý hồ sơ điện tử của Sở Nội vụ tỉnh Lào Cai</p>"
            "<p>Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý hồ sơ điện tử.</p></div></div></body></html>")
    p = tmp_path / "tvpl.html"
    p.write_text(page, encoding="utf-8")
    text = read_source(p).pages[0]
    assert text.startswith("QUYẾT ĐỊNH") and "Tóm tắt" not in text


# --- Markdown --------------------------------------------------------------------------------

@pytest.mark.parametrize("tex, text", [
    (r"\geq 80\%", "≥ 80%"),
    (r"\leq 5", "≤ 5"),
    (r"25^{\circ}C", "25°C"),
    (r"\text{CO}_{2}", "CO2"),
    (r"10 \times 20", "10 × 20"),
    (r"\mathrm{m}^2", "m2"),
])
def test_latex_fragments(tex, text):
    assert latex_text(tex) == text


def test_markdown_images_tables_and_maths():
    md = ("# QUYẾT ĐỊNH\n\n![](images/a1.jpg)\n\nTỷ lệ đạt $\\geq 95\\%$ số hồ sơ.\n\n"
          "<html><body><table><tr><td>STT</td><td>Nội dung</td><td>Cơ quan chủ trì</td></tr>"
          "<tr><td>1</td><td>Cập nhật dữ liệu</td><td>Sở Nội vụ</td></tr></table></body></html>\n\nHết.\n")
    out = markdown_to_text(md)
    assert "images/" not in out and "<" not in out
    assert "Tỷ lệ đạt ≥ 95% số hồ sơ." in out
    assert "| 1 | Cập nhật dữ liệu | Sở Nội vụ |" in out.splitlines()
    assert out.rstrip().endswith("Hết.")


# --- bad files: one line, recorded, the batch goes on -----------------------------------------

def refused(path: Path) -> str:
    with pytest.raises(IngestError) as info:
        read_source(path, ocr=False)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return info.value.reason


def _write(folder: Path, name: str, data: bytes) -> Path:
    p = folder / name
    p.write_bytes(data)
    return p


def _truncated_docx() -> bytes:
    data = PLAN.with_suffix(".docx").read_bytes()
    return data[: len(data) // 2]


def _zip_without_document() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "không phải Word")
    return buf.getvalue()


BAD = [
    ("corrupt.docx", b"PK\x03\x04" + b"\x00garbage" * 40, "corrupt DOCX"),
    ("truncated.docx", _truncated_docx(), "corrupt DOCX"),
    ("other-zip.docx", _zip_without_document(), "DOCX"),
    ("page.doc", "<!DOCTYPE html><html><body>Không tìm thấy trang</body></html>".encode(), "an HTML page saved as .doc"),
    ("junk.doc", b"\x01\x02 not a word file " * 30, "not a Word document"),
    ("empty-page.html", b"<html><head><title>x</title></head><body>\n</body></html>", "no document in the page"),
    ("menu-only.html", PAGE.format(charset="utf-8", body="").encode(), "no document in the page"),
    ("blank.md", b"   \n\n ", "whitespace"),
]


@pytest.mark.parametrize("name, data, reason", BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_in_one_line(tmp_path, name, data, reason):
    assert reason in refused(_write(tmp_path, name, data))


RTF = (b"{\\rtf1\\ansi\\ansicpg1258 {\\pard S\\u7889? : 12/KH-UBND\\par}"
       b"{\\pard C\\u259?n c\\u7913? Lu\\u7853?t Ng\\u226?n s\\u225?ch nh\\u224? n\\u432?\\u7899?c n\\u259?m 2015;\\par}}")


def test_rtf_named_doc_without_libreoffice(tmp_path, monkeypatch):
    import pipeline.read.readers.doc as doc

    monkeypatch.setattr(doc, "soffice", lambda: None)
    assert "RTF" in refused(_write(tmp_path, "old.doc", RTF))


@needs_soffice
def test_rtf_named_doc_is_read_through_libreoffice(tmp_path):
    src = read_source(_write(tmp_path, "old.doc", RTF))
    assert src.format is SourceFormat.DOC and "Căn cứ Luật Ngân sách nhà nước năm 2015;" in src.pages[0]


@needs_antiword
def test_corrupt_word97_file(tmp_path, monkeypatch):
    monkeypatch.setenv("VANBAN_DOC_READER", "antiword")
    data = PLAN.with_suffix(".doc").read_bytes()
    assert "Word" in refused(_write(tmp_path, "cut.doc", data[:1024]))


def test_word_files_named_for_the_other_format_are_read(tmp_path):
    docx_as_doc = _write(tmp_path, "named.doc", PLAN.with_suffix(".docx").read_bytes())
    assert read_source(docx_as_doc).format is SourceFormat.DOCX


@needs_antiword
def test_word97_named_docx_is_read_as_doc(tmp_path, monkeypatch):
    monkeypatch.setenv("VANBAN_DOC_READER", "antiword")
    p = _write(tmp_path, "named.docx", PLAN.with_suffix(".doc").read_bytes())
    assert read_source(p).format is SourceFormat.DOC


def test_batch_of_mixed_formats_records_format_and_goes_on(tmp_path, capfd):
    raw = tmp_path / "raw"
    raw.mkdir()
    for i, suffix in enumerate((".txt", ".docx", ".html", ".md")):
        text = PLAN.read_text(encoding="utf-8").replace("58/KH-UBND", f"6{i}/KH-UBND")
        if suffix == ".txt":
            (raw / "plan.txt").write_text(text, encoding="utf-8")
        else:
            make_formats().render(text, f"plan-{suffix[1:]}", raw, (suffix[1:],))
    for name, data, _ in BAD:
        if name in ("corrupt.docx", "page.doc", "empty-page.html"):
            _write(raw, name, data)
    report = build_database([raw], tmp_path / "v.db", workers=1, progress=False, ocr=False,
                            extractor=standin_extract, version=VERSION)
    con = sqlite3.connect(tmp_path / "v.db")
    rows = {Path(p).name: (fmt, status) for p, fmt, status in con.execute("select path, format, status from sources")}
    assert rows["plan-docx.docx"] == ("docx", "ok") and rows["plan-html.html"] == ("html", "ok")
    assert rows["plan-md.md"] == ("md", "ok") and rows["plan.txt"] == ("txt", "ok")
    for bad in ("corrupt.docx", "page.doc", "empty-page.html"):
        assert rows[bad][1] == "error", bad
    assert report.failed == 3
    failing = [ln for ln in capfd.readouterr().err.splitlines() if ln.startswith("vanban: ")]
    assert f"vanban: {raw / 'page.doc'}: an HTML page saved as .doc, not a Word document" in failing


def test_every_suffix_is_collected_by_the_cli(tmp_path):
    from pipeline.cli import _inputs

    for suffix in (".docx", ".doc", ".odt", ".html", ".htm", ".md", ".xlsx"):
        (tmp_path / f"x{suffix}").write_bytes(b"x")
    assert sorted(p.suffix for p in _inputs((str(tmp_path),))) == sorted(s for s in SUFFIXES if s not in (".txt", ".pdf"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=3000), st.text(max_size=2000).map(lambda s: ("<html><body>" + s).encode())),
       suffix=st.sampled_from([".docx", ".doc", ".html", ".md", ".odt"]))
def test_random_bytes_never_raise_anything_else(tmp_path, data, suffix, monkeypatch):
    monkeypatch.setenv("VANBAN_DOC_READER", "antiword")  # no LibreOffice start per example
    p = tmp_path / ("random" + suffix)
    p.write_bytes(data)
    try:
        source = read_source(p, ocr=False)
    except IngestError:
        return
    from pipeline.run.extract import extract_source

    contract = extract_source(source).contract
    assert [w for w in contract["warnings"] if w["code"] == "extractor_error"] == []
