"""Small PDFs made on the fly for the ingest tests: plain text pages written by hand
(fast enough for 2,000 pages), pages with no text layer, encrypted files, seed renderings."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pdf(objects: list[bytes]) -> bytes:
    """Assemble numbered objects (1-based, in order) into a PDF with a correct xref."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def text_pdf(pages: list[str] | None = None, *, repeat: int = 0, line: str = "") -> bytes:
    """A PDF with Helvetica (ASCII) text: one page per string in ``pages``, or ``repeat``
    pages that all show ``line`` (sharing one content stream, so 2,000 pages stay small)."""
    texts = pages if pages is not None else [line] * repeat
    shared = pages is None
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]

    def content(text: str) -> bytes:
        lines = text.split("\n")
        ops = [b"BT /F1 11 Tf 14 TL 72 760 Td"]
        for ln in lines:
            esc = ln.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append(b"(" + esc + b") Tj T*")
        ops.append(b"ET")
        return _stream(b"\n".join(ops))

    kids = []
    if shared:
        objects.append(content(line))
        content_ref = len(objects)
    for text in texts:
        if not shared:
            objects.append(content(text))
            content_ref = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_ref)
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    return _pdf(objects)


def scan_pdf(n_pages: int = 2) -> bytes:
    """Pages that only draw shapes, like a scan without OCR: no text layer."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    objects.append(_stream(b"0.2 g 72 600 450 120 re f 0.5 g 72 400 300 40 re f"))
    kids = []
    for _ in range(n_pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>")
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    return _pdf(objects)


def encrypted_pdf(path: Path, user_password: str | None = "secret") -> Path:
    """A small Vietnamese PDF encrypted with fpdf2 (RC4); ``user_password=None`` makes an
    owner-only file that opens without a password."""
    from fpdf import FPDF

    mk = load_make_pdfs()
    pdf = FPDF()
    pdf.add_font("Serif", "", str(mk.font_dir() / "DejaVuSerif.ttf"))
    pdf.set_font("Serif", "", 12)
    pdf.set_encryption(owner_password="owner", user_password=user_password)
    pdf.add_page()
    for _ in range(5):
        pdf.multi_cell(0, 6, "Ủy ban nhân dân tỉnh Thừa Thiên Huế ban hành kế hoạch triển khai.",
                       new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def load_make_pdfs():
    """The PDF renderer behind scripts/make_pdfs.py and ``vanban eval``."""
    from pipeline.quality import render_pdf

    return render_pdf
