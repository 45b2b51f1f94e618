#!/usr/bin/env python3
"""Render document texts as the other formats portals publish, reproducibly.

    python scripts/make_formats.py                          # tests/fixtures/formats/*.txt → DOCX, HTML, DOC, MD
    python scripts/make_formats.py DOC.txt… --out DIR [--formats docx,html,doc,md]

* DOCX (python-docx) as Word documents are drafted: the header block as a borderless
  two-column table (issuing body | motto; number | place and date); list items with Word's
  automatic numbering (``numbering.xml``: "I.", "1.", "a)", "-" — the numbers are not in the
  text runs); pipe tables as Word tables, equal cells down a column merged vertically and a
  group row ("| I | Nhóm … | | |") merged across; the recipients and the signature side by
  side in a borderless table.
* HTML shaped like a saved portal page: banner and menu, a metadata panel (Số hiệu, Loại văn
  bản, Nơi ban hành, Ngày ban hành, Người ký), the document (header table, paragraphs, bullet
  lists, tables with rowspan/colspan), a "Văn bản liên quan" list and a footer.
* DOC (Word 97–2003): the DOCX converted by LibreOffice headless (only this script needs
  LibreOffice; the .doc files it makes are committed, and reading a .doc needs only antiword).
* Markdown as OCR tools write it: headings, data tables as HTML ``<table>`` blocks, an image
  link, a LaTeX fragment for ≥.

Each output reads back, through vanban's readers, to the same extraction as the text it was
made from (tests/test_formats.py). Bytes are reproducible: fixed dates, fixed zip entries.
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "formats"
sys.path.insert(0, str(ROOT))
# the same two-column header split as the PDF renderer
from pipeline.quality.render_pdf import _header_rows, split_header  # noqa: E402
from pipeline.text.markers import read_marker  # noqa: E402  (the one list-marker grammar)

FORMATS = ("docx", "html", "doc", "md")
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

# --- the text's structure -------------------------------------------------------------------

_PIPE = re.compile(r"^\s*\|.*\|\s*$")
_RULE = re.compile(r"^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*$")
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:?", re.I)
_SIGN_OPEN = re.compile(r"^(TM|KT|TL|TUQ)\.\s")
# the list levels a Word author would set up: I. / 1. / a) / bullet (marker kind, Word's
# number format, level text)
LEVELS = [("roman", "upperRoman", "%1."), ("number", "decimal", "%2."), ("letter", "lowerLetter", "%3)"),
          ("dash", "bullet", "-")]


def list_item(line: str) -> tuple[int, str, str] | None:
    """(level, label, text) of a line whose marker (pipeline.text.markers) is printed the way
    Word prints that level (``I.``, ``1.``, ``a)``, ``-``) and is followed by text."""
    marker = read_marker(line)
    if marker is None:
        return None
    level = next((i for i, (kind, _, _) in enumerate(LEVELS) if kind == marker.kind), None)
    printed = line[:marker.length].rstrip()
    text = line[len(printed):]
    if level is None or not text[:1].isspace() or not text.strip():
        return None  # no space after the marker, or nothing after it
    text = text.lstrip()
    if printed != LEVELS[level][2].replace(f"%{level + 1}", marker.label):
        return None
    return level, marker.label, text


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _label(level: int, n: int) -> str:
    return (_roman(n), str(n), chr(ord("a") + n - 1), "-")[level]


class ListCounter:
    """Word's counting for the one multi-level list: an item is numbered automatically only
    when Word would print the very label the text has; otherwise it stays literal text."""

    def __init__(self):
        self.counters: list[int] = [0, 0, 0, 0]

    def match(self, line: str) -> tuple[int, str] | None:
        item = list_item(line)
        if item is None:
            return None
        level, label, text = item
        if level == 3:
            return 3, text
        n = self.counters[level] + 1
        if _label(level, n) != label:
            return None
        self.counters[level] = n
        for deeper in range(level + 1, 3):
            self.counters[deeper] = 0
        return level, text


_MOTTO_HALVES = (re.compile(r"^CỘNG HÒA XÃ HỘI$", re.I), re.compile(r"^CHỦ NGHĨA VIỆT NAM$", re.I))


def document_lines(text: str) -> list[str]:
    """The document as its author typed it, one paragraph a line: the normaliser's logical
    lines, in the text's order. A crawled page's site furniture (banner, metadata panel,
    related documents), its hard line wraps and markup residue are the crawl's, not the
    document's: no Word file or saved page holds them. A pipe table's rows stay as written."""
    from pipeline.text.normalize import normalize_text

    pages = text.split("\f")
    normed = normalize_text(text)
    starts = normed.line_starts + [len(normed.text) + 1]
    tables = _flat_tables(pages)
    out: list[str] = []
    # footnotes (set after the body by the normaliser) go back where the text prints them
    for k in sorted(range(len(normed.line_origins)), key=lambda k: normed.line_origins[k]):
        page, char = normed.line_origins[k]
        table = next((t for t in tables if t[0] == page and t[1] <= char < t[2]), None)
        if table is not None:  # a web page's table printed a cell a line: the table itself
            if table[3]:
                out += table[3]
                table[3] = []
            continue
        line = normed.text[starts[k]:starts[k + 1] - 1]
        raw = pages[page - 1][char:].split("\n", 1)[0]
        if _PIPE.match(raw):
            line = raw.strip()
        if out and _MOTTO_HALVES[0].match(out[-1]) and _MOTTO_HALVES[1].match(line):
            out[-1] += " " + line  # the motto's two halves are one line of its cell
            continue
        out.append(line)
    return out


def _flat_tables(pages: list[str]) -> list[list]:
    """[page, first char, end char, pipe rows] of each table a crawled page printed one cell
    a line ("|" lines between cells), read as the tables extractor reads it, cut at the
    document's end (the site furniture after it); only a data table, its first row naming
    its columns ("STT", "Nội dung", …)."""
    from extractors.tables import flat_tables
    from pipeline.read.readers.blocks import _has_column_headers
    from pipeline.text.normalize import document_bounds, normalize_line

    flat = [ln for page in pages for ln in page.split("\n")]
    _, end = document_bounds([normalize_line(ln) for ln in flat])
    found, base = [], 0
    for page_no, page in enumerate(pages, 1):
        lines = page.split("\n")
        offs = [0]
        for ln in lines:
            offs.append(offs[-1] + len(ln) + 1)
        i = 0
        while i < len(lines) and base + i < end:
            if lines[i].strip() != "|":
                i += 1
                continue
            j = i
            while j < len(lines) and lines[j].strip() and base + j < end:
                j += 1
            for rows in flat_tables("\n".join(lines[i:j]))[:1]:
                cells = [[normalize_line(c).replace("|", "/") for c in r] for r in rows]
                if not _has_column_headers([[c] for c in cells[0]]):
                    continue  # a header or signature block laid out with bars: paragraphs
                width = max(map(len, cells))
                pipe = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in cells]
                found.append([page_no, offs[i], offs[j], pipe[:1] + ["|" + "---|" * width] + pipe[1:]])
            i = j
        base += len(lines)
    return found


def parse(text: str) -> tuple[list[str], list[str], list]:
    """(header left column, right column, body items): an item is ("p", line), ("table",
    rows of cells) or ("sign", recipients lines, signature lines)."""
    left, right, body = split_header("\n".join(document_lines(text)))
    lines = [re.sub(r"\s+", " ", ln).strip() for ln in body]
    items: list = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _PIPE.match(line):
            rows = []
            while i < len(lines) and _PIPE.match(lines[i]):
                if not _RULE.match(lines[i]):
                    rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            items.append(("table", rows))
            continue
        if _RECIPIENTS.match(line):
            block = _signature_block(lines, i)
            if block:
                recipients, signature, i = block
                items.append(("sign", recipients, signature))
                continue
        if line:
            items.append(("p", line))
        i += 1
    return left, right, items


def _signature_block(lines: list[str], i: int):
    """Recipients (from "Nơi nhận") and the signature after them, up to the next blank-separated
    heading in capitals that is not part of a signature (PHỤ LỤC …) or the end."""
    j = i + 1
    while j < len(lines) and (not lines[j] or lines[j].startswith(("-", "+"))):
        j += 1
    if j >= len(lines) or not _SIGN_OPEN.match(lines[j]):
        return None
    k = j
    while k < len(lines) and not lines[k].upper().startswith(("PHỤ LỤC", "|")):
        k += 1
    recipients = [ln for ln in lines[i:j] if ln]
    signature = [ln for ln in lines[j:k] if ln]
    return recipients, signature, k


def merged(rows: list[list[str]]) -> list[list[tuple[str, int, int]]]:
    """Cells as (text, colspan, rowspan), or None where a span covers them: a row holding only
    its first two cells spans the rest; equal cells down a column (not the first two
    columns) merge into one."""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out: list[list] = [[(c, 1, 1) for c in r] for r in rows]
    for r, row in enumerate(rows):
        if r and width > 2 and row[1] and not any(row[2:]):
            out[r] = [out[r][0], (row[1], width - 1, 1)] + [None] * (width - 2)
    for c in range(2, width):
        r = 1
        while r < len(rows):
            s = r
            while (s + 1 < len(rows) and rows[r][c] and rows[s + 1][c] == rows[r][c]
                   and out[s + 1][c] is not None and out[r][c] is not None):
                s += 1
            if s > r:
                text, span, _ = out[r][c]
                out[r][c] = (text, span, s - r + 1)
                for k in range(r + 1, s + 1):
                    out[k][c] = None
            r = s + 1
    return out


# --- DOCX ----------------------------------------------------------------------------------

def _numbering(document):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="space"/>'
        f'<w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, (_, fmt, text) in enumerate(LEVELS))
    numbering = document.part.numbering_part.element
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
                         f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(paragraph, num_id: str, level: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                            f'<w:numId w:val="{num_id}"/></w:numPr>'))


def _no_borders(table) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    borders = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    table._tbl.tblPr.append(parse_xml(f'<w:tblBorders {nsdecls("w")}>{borders}</w:tblBorders>'))


def _cell_lines(cell, lines: list[str], bold: bool = False) -> None:
    cell.paragraphs[0].text = ""
    for k, line in enumerate(lines):
        p = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
        p.add_run(line).bold = bold and not line.startswith(("Số", "-"))


def render_docx(text: str, out: Path) -> Path:
    import datetime as dt

    import docx

    document = docx.Document()
    props = document.core_properties
    props.created = props.modified = props.last_printed = dt.datetime(2024, 1, 1)
    props.author = props.last_modified_by = "vanban"
    props.revision = 1
    num_id = _numbering(document)
    left, right, items = parse(text)
    rows = [r for r in _header_rows(left, right) if r[0] or r[1]]
    if rows:
        table = document.add_table(rows=len(rows), cols=2)
        _no_borders(table)
        for r, (lcol, rcol) in enumerate(rows):
            _cell_lines(table.cell(r, 0), lcol, bold=True)
            _cell_lines(table.cell(r, 1), rcol, bold=True)
    counter = ListCounter()
    for item in items:
        if item[0] == "p":
            found = counter.match(item[1])
            if found:
                level, rest = found
                _numbered(document.add_paragraph(rest), num_id, level)
            else:
                document.add_paragraph(item[1])
        elif item[0] == "table":
            _word_table(document, item[1])
        else:
            table = document.add_table(rows=1, cols=2)
            _no_borders(table)
            _cell_lines(table.cell(0, 0), item[1])
            _cell_lines(table.cell(0, 1), item[2], bold=True)
    document.add_paragraph()  # Word ends a document with a paragraph, even after a table
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    _fix_zip(out)
    return out


def _word_table(document, rows: list[list[str]]) -> None:
    cells = merged(rows)
    width = len(cells[0])
    table = document.add_table(rows=len(cells), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            text, colspan, rowspan = cell
            target = table.cell(r, c)
            if colspan > 1 or rowspan > 1:
                target = target.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            target.text = text


def _fix_zip(path: Path) -> None:
    """Rewrite a zip with fixed entry times, so the same text gives the same bytes."""
    with zipfile.ZipFile(path) as zin:
        entries = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


# --- DOC -----------------------------------------------------------------------------------

def render_doc(docx_path: Path, out: Path) -> Path:
    """The DOCX saved as Word 97–2003 by LibreOffice headless."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("make_formats: .doc needs LibreOffice (apt-get install libreoffice-writer-nogui)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "doc:MS Word 97", "--outdir", tmp, str(docx_path)],
                       check=True, capture_output=True, timeout=180)
        made = Path(tmp) / (docx_path.stem + ".doc")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made, out)
    return out


# --- HTML ----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/css/portal.css"></head>
<body>
<div id="top"><img src="/img/logo.png" alt="logo">
<div class="site-name">CỔNG THÔNG TIN ĐIỆN TỬ {site}</div><div class="hotline">Đường dây nóng: 0229 000 001</div></div>
<nav class="menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
<li><a href="/van-ban">Văn bản chỉ đạo điều hành</a></li><li><a href="/lien-he">Liên hệ</a></li></ul></nav>
<div class="breadcrumb"><a href="/">Trang chủ</a> » <a href="/van-ban">Văn bản</a> » {number}</div>
<div class="page-body">
<div class="left-col">
<table class="vb-metadata">
<tr><td>Số hiệu</td><td>{number}</td></tr>
<tr><td>Loại văn bản</td><td>{kind}</td></tr>
<tr><td>Nơi ban hành</td><td>{issuer}</td></tr>
<tr><td>Ngày ban hành</td><td>{date}</td></tr>
<tr><td>Người ký</td><td>{signer}</td></tr>
<tr><td>Tình trạng</td><td>Còn hiệu lực</td></tr>
</table>
<div id="noi-dung-van-ban">
{document}
</div>
<div class="vb-lienquan"><h3>Văn bản liên quan</h3><ul>
<li><a href="/vb/1">Quyết định số 1520/QĐ-UBND ngày 12 tháng 7 năm 2021 của Ủy ban nhân dân tỉnh Ninh Bình về quy chế phối hợp</a></li>
<li><a href="/vb/2">Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa</a></li>
<li><a href="/vb/3">Công văn số 404/BTTTT-THH ngày 11 tháng 2 năm 2022 của Bộ Thông tin và Truyền thông</a></li>
</ul></div>
</div>
<aside class="right-col"><h3>Tin mới</h3><ul><li><a href="/tin/1">Hội nghị tổng kết công tác năm của Sở Nội vụ tỉnh Ninh Bình</a></li></ul></aside>
</div>
<div class="bottom-info"><p>Cơ quan chủ quản: Văn phòng Ủy ban nhân dân tỉnh Ninh Bình. Địa chỉ: số 9 đường Lê Lợi.</p>
<p>Điện thoại: 0229 000 000. Ghi rõ nguồn khi phát hành lại thông tin từ cổng này.</p></div>
</body></html>
"""


def _e(s: str) -> str:
    return html.escape(s, quote=False)


def render_html(text: str, out: Path) -> Path:
    left, right, items = parse(text)
    parts: list[str] = []
    rows = [r for r in _header_rows(left, right) if r[0] or r[1]]
    if rows:
        parts.append('<table class="header" style="border:none">')
        for lcol, rcol in rows:
            parts.append("<tr><td><b>" + "<br>".join(map(_e, lcol)) + "</b></td><td><b>"
                         + "<br>".join(map(_e, rcol)) + "</b></td></tr>")
        parts.append("</table>")
    bullets: list[str] = []

    def flush():
        if bullets:
            parts.append("<ul>" + "".join(f"<li>{_e(b)}</li>" for b in bullets) + "</ul>")
            bullets.clear()

    for item in items:
        bullet = list_item(item[1]) if item[0] == "p" else None
        if bullet and bullet[0] == 3:
            bullets.append(bullet[2])
            continue
        flush()
        if item[0] == "p":
            parts.append(f"<p>{_e(item[1])}</p>")
        elif item[0] == "table":
            parts.append(_html_table(item[1]))
        else:
            parts.append('<table class="signature"><tr><td>' + "".join(f"<p>{_e(x)}</p>" for x in item[1])
                         + "</td><td>" + "".join(f"<p><b>{_e(x)}</b></p>" for x in item[2]) + "</td></tr></table>")
    flush()
    meta = _metadata(left, right, items)
    page = PAGE.format(document="\n".join(parts), **{k: _e(v) for k, v in meta.items()})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def _html_table(rows: list[list[str]]) -> str:
    out = ['<table border="1">']
    for r, row in enumerate(merged(rows)):
        tag = "th" if r == 0 else "td"
        cells = []
        for cell in row:
            if cell is None:
                continue
            text, colspan, rowspan = cell
            attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
            cells.append(f"<{tag}{attrs}>{_e(text)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _metadata(left: list[str], right: list[str], items: list) -> dict[str, str]:
    number = next((re.sub(r"^Số\s*:\s*", "", s) for s in left if s.startswith("Số")), "")
    date = next((s for s in right if "ngày" in s), "")
    m = re.search(r"ngày\s+(\d+)\s+tháng\s+(\d+)\s+năm\s+(\d{4})", date)
    paras = [it[1] for it in items if it[0] == "p"]
    kind = paras[0].title() if paras else ""
    signer = next((it[2][-1] for it in items if it[0] == "sign"), "")
    issuer = " ".join(s for s in left if not s.startswith("Số")).title()
    return {"number": number, "kind": kind, "issuer": issuer, "signer": signer,
            "date": f"{int(m.group(1)):02d}/{int(m.group(2)):02d}/{m.group(3)}" if m else "",
            "title": f"{kind} {number}".strip(), "site": issuer.upper() or "TỈNH"}


# --- Markdown ------------------------------------------------------------------------------

def render_markdown(text: str, out: Path) -> Path:
    """As an OCR tool writes it: lines as paragraphs, the kind as a heading, data tables as
    HTML, a figure as an image link, "≥" as LaTeX."""
    left, right, items = parse(text)
    parts = [*left, *right] if left or right else []
    first = True
    for item in items:
        if item[0] == "p":
            line = item[1].replace("≥", r"$\geq$")
            if first and line.isupper():
                line = "# " + line
                first = False
            parts.append(line)
        elif item[0] == "table":
            parts.append(_html_table(item[1]).replace(' border="1"', ""))
        else:
            parts += item[1] + item[2]
    parts.insert(min(len(parts), len(left) + len(right) + 1), "![](images/3f2a9c0d1e.jpg)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return out


def render(text: str, stem: str, out_dir: Path, formats=FORMATS) -> list[Path]:
    made = []
    docx_path = out_dir / f"{stem}.docx"
    if "docx" in formats or "doc" in formats:
        made.append(render_docx(text, docx_path))
    if "doc" in formats:
        made.append(render_doc(docx_path, out_dir / f"{stem}.doc"))
        if "docx" not in formats:
            docx_path.unlink()
            made.remove(docx_path)
    if "html" in formats:
        made.append(render_html(text, out_dir / f"{stem}.html"))
    if "md" in formats:
        made.append(render_markdown(text, out_dir / f"{stem}.md"))
    return made


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("texts", nargs="*", type=Path, help="document .txt files (default: tests/fixtures/formats/*.txt)")
    ap.add_argument("--out", type=Path, help="output folder (default: beside each text)")
    ap.add_argument("--formats", help="comma-separated: " + ",".join(FORMATS)
                    + " (default: all; doc only where LibreOffice is installed)")
    args = ap.parse_args(argv)
    if args.formats:
        formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    else:
        has_office = shutil.which("soffice") or shutil.which("libreoffice")
        formats = FORMATS if has_office else tuple(f for f in FORMATS if f != "doc")
    for path in args.texts or sorted(FIXTURES.glob("*.txt")):
        for made in render(path.read_text(encoding="utf-8"), path.stem, args.out or path.parent, formats):
            print(made)
    return 0


if __name__ == "__main__":
    sys.exit(main())
