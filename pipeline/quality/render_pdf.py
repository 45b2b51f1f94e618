"""Render a document's text into a PDF with a real two-column header block, reproducibly.

An official document's header is two columns: issuing body | national motto on the first
row, number | place and date on the second. Rendering it that way (as word processors do)
makes the PDF path exercise column-aware reading of the header; the body is set in one
column, one source line after another, wrapped at the margin as a PDF would be. A data
table of the text (markdown pipe rows, or a crawled page's table printed one cell a line
between "|" lines) is drawn as a ruled table, cells wrapping inside their columns, merged
cells where the text leaves them out (:mod:`pipeline.quality.pdf_tables`). The output
is byte-for-byte reproducible: fixed creation date and file id, fonts from a fixed path.
Used by scripts/make_pdfs.py (the seed PDFs) and ``vanban eval`` (the PDF path of the
real corpus). Uses fpdf2.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from fpdf import FPDF

from pipeline.quality.pdf_tables import body_items, draw_table

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian fonts-dejavu-core
)
EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)

_MOTTO = re.compile(r"^(CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc)", re.I)
_NUMBER = re.compile(r"^Số\s*:")
_PLACE_DATE = re.compile(r"[^\W\d_][\w\s.]*,\s*ngày\b.*\bnăm\s+\d{4}", re.I)
_NUMBER_FIELD = re.compile(r"Số\s*:\s*\S*(?:\s+/\S*)?")  # "Số: 314 /KH-UBND", "Số: /KH-UBND"
_RULE = re.compile(r"^[\s_\-–—=.·*]*$")


def font_dir() -> Path:
    for d in FONT_DIRS:
        if (d / "DejaVuSerif.ttf").exists():
            return d
    try:  # the same DejaVu fonts ship inside matplotlib
        import matplotlib

        d = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        if (d / "DejaVuSerif.ttf").exists():
            return d
    except ImportError:
        pass
    raise RuntimeError("no DejaVu font: install fonts-dejavu-core (scripts/system-deps.sh)")


def split_header(text: str) -> tuple[list[str], list[str], list[str]]:
    """(left column, right column, body lines). The header is the leading lines up to the
    place/date line; motto and place/date go right, the issuing body and number left."""
    lines = [ln.strip() for ln in text.splitlines()]
    nonblank = [i for i, ln in enumerate(lines) if ln and not _RULE.match(ln)]
    end = None
    for i in nonblank[:15]:
        if _PLACE_DATE.search(lines[i]):
            end = i
            break
    if end is None:
        return [], [], lines
    left: list[str] = []
    right: list[str] = []
    for i in nonblank:
        if i > end:
            break
        line = re.sub(r"\s+", " ", lines[i])
        if _MOTTO.match(line):
            right.append(line)
        elif _NUMBER.match(line):
            number = _NUMBER_FIELD.match(line).group(0)
            rest = line[len(number):].strip()
            left.append(number)
            if rest:  # "Số: 314 /KH-UBND Huế, ngày …" on one line
                right.append(rest)
        elif _PLACE_DATE.search(line):
            right.append(line)
        else:
            left.append(line)
    return left, right, lines[end + 1:]


class _Doc(FPDF):
    def __init__(self, fonts: Path):
        super().__init__(format="A4", unit="mm")
        self.set_creation_date(EPOCH)
        self.set_margins(25, 20, 20)
        self.set_auto_page_break(True, margin=20)
        self.add_font("Serif", "", str(fonts / "DejaVuSerif.ttf"))
        self.add_font("Serif", "B", str(fonts / "DejaVuSerif-Bold.ttf"))
        self.add_font("Serif", "I", str(fonts / "DejaVuSerif-Italic.ttf"))

    def footer(self):  # page numbers, as official documents print them
        if self.page_no() > 1:
            self.set_y(-14)
            self.set_font("Serif", "", 9)
            self.cell(0, 5, str(self.page_no()), align="C")


def _header_rows(left: list[str], right: list[str]) -> list[tuple[list[str], list[str]]]:
    """Pair the columns into table rows: (body | motto), then (number | place, date)."""
    lnum = [i for i, s in enumerate(left) if _NUMBER.match(s)]
    rdate = [i for i, s in enumerate(right) if _PLACE_DATE.search(s)]
    lcut = lnum[0] if lnum else len(left)
    rcut = rdate[0] if rdate else len(right)
    return [(left[:lcut], right[:rcut]), (left[lcut:], right[rcut:])]


_OPENER = re.compile(r"^(Căn cứ|Thực hiện|Triển khai|Theo|Xét|Kính gửi|Để|Nhằm|Điều|Chương|[IVX]+\.|\d+\.|\|)")  # | a table


def _title_block(body: list[str]) -> int:
    """How many leading body lines are the centred kind + summary: from an all-caps kind
    line to the first line that opens the text proper, at most 8 lines."""
    lines = [i for i, s in enumerate(body) if s]
    if not lines or not body[lines[0]].isupper():
        return 0
    for i in lines[2:9]:  # lines[1] opens the summary, whatever its first word
        if _OPENER.match(body[i]) or body[i].isupper():
            return i
    return 0


def _fit(pdf: FPDF, text: str, style: str, width: float, size: float = 12.0) -> None:
    """Set the largest font size (≤ size) at which ``text`` fits on one line of ``width``."""
    pdf.set_font("Serif", style, size)
    while size > 7 and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font("Serif", style, size)


def _body_size(pdf: FPDF, lines: list[str]) -> float:
    """12 pt for paragraph-per-line text; for text already broken into printed lines, the
    size at which nearly all of them fit, so the PDF keeps the source's line breaks."""
    pdf.set_font("Serif", "", 12)
    widths = sorted(pdf.get_string_width(ln) for ln in lines if ln)
    if not widths or widths[len(widths) // 2] > 1.3 * pdf.epw:
        return 12.0
    p99 = widths[int(len(widths) * 0.99)]
    return max(8.0, min(12.0, 12.0 * (pdf.epw - 2) / p99 - 0.1))


MAX_ROWSPANS = (0, 3, 1)  # merged table cells: unlimited, then shorter when one outgrows a page


def render(text: str, out: Path, fonts: Path | None = None) -> Path:
    """Render one document's text into ``out``."""
    fonts = fonts or font_dir()
    for cap in MAX_ROWSPANS:
        try:
            pdf = _render(text, fonts, cap)
            break
        except ValueError:  # a merged table cell taller than a page
            if cap == MAX_ROWSPANS[-1]:
                raise
    # A file id from the content alone keeps the bytes reproducible.
    pdf.file_id = lambda: "<%s><%s>" % ((hashlib.md5(text.encode()).hexdigest().upper(),) * 2)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def _render(text: str, fonts: Path, max_rowspan: int) -> FPDF:
    pdf = _Doc(fonts)
    pdf.add_page()
    left, right, body = split_header(text)
    width = pdf.epw
    lw, rw = width * 0.42, width * 0.58
    x0 = pdf.l_margin
    for lcol, rcol in _header_rows(left, right):
        if not lcol and not rcol:
            continue
        top = pdf.get_y()
        pdf.set_xy(x0, top)
        for s in lcol:
            _fit(pdf, s, "" if _NUMBER.match(s) else "B", lw - 4)
            pdf.set_x(x0)
            pdf.multi_cell(lw, 5.5, s, align="C", new_x="LMARGIN", new_y="NEXT")
        left_bottom = pdf.get_y()
        pdf.set_xy(x0 + lw, top)
        for s in rcol:
            _fit(pdf, s, "I" if _PLACE_DATE.search(s) else "B", rw - 4)
            pdf.set_x(x0 + lw)
            pdf.multi_cell(rw, 5.5, s, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(left_bottom, pdf.get_y()) + 4)
    body = [re.sub(r"\s+", " ", line).strip() for line in body]
    size = _body_size(pdf, body)
    title = _title_block(body)
    pdf.ln(4)
    for i in range(title):  # the kind (KẾ HOẠCH) and its summary, centred as printed
        if body[i]:
            _fit(pdf, body[i], "B", pdf.epw - 4, size + 1)
            pdf.multi_cell(0, 6, body[i], align="C", new_x="LMARGIN", new_y="NEXT")
    if title:
        pdf.ln(4)
    pdf.set_font("Serif", "", size)
    for item in body_items(body[title:]):
        if isinstance(item, list):
            draw_table(pdf, item, max_rowspan)
            pdf.set_font("Serif", "", size)
        elif not item:
            pdf.ln(1.5)
        else:
            pdf.multi_cell(0, 6, item, align="L", new_x="LMARGIN", new_y="NEXT")
    return pdf
