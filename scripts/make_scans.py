#!/usr/bin/env python3
"""Make scan-like, image-only PDFs of the seed documents, reproducibly.

    python scripts/make_scans.py [--dpi 200] [--fixture-pages 1]

Each seed PDF in data/raw/*.pdf (made by scripts/make_pdfs.py; for a seed text
data/raw/*.txt with no PDF, make_pdfs.py is run into a temporary folder, or, failing
that, the text is typeset here with fpdf2 and DejaVu Sans) is
rendered to page images, degraded like a desk scanner would — off-white paper,
sensor noise, dust specks, slight blur, a small skew, a red circular stamp on the
last page — and rebuilt as an image-only PDF (JPEG pages, no text layer):

    data/raw/scanned/<stem>.pdf          every page, for the pipeline and the scorer
    tests/fixtures/scanned/<stem>.pdf    the first pages only, for the OCR tests

The random generator is seeded from the file stem, and the PDF dates are fixed, so
a re-run produces the same bytes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
OUT = RAW / "scanned"
FIXTURES = ROOT / "tests" / "fixtures" / "scanned"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)  # fixed PDF dates: same bytes on re-run
JPEG_QUALITY = 30  # text stays crisp; a page is ~150-200 KB


def seed_of(stem: str) -> int:
    return int.from_bytes(hashlib.sha256(stem.encode()).digest()[:4], "big")


# --- inputs ---------------------------------------------------------------------------

def typeset_text(text: str) -> bytes:
    """Fallback when no seed PDF exists: the seed text set on A4 pages, as a PDF."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(EPOCH)
    pdf.set_margins(25, 20, 20)
    pdf.set_auto_page_break(True, 20)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            pdf.multi_cell(0, 6.5, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(2)
    return bytes(pdf.output())


def render_with_make_pdfs(texts: list[Path]) -> dict[str, bytes]:
    """Seed texts → PDFs through scripts/make_pdfs.py (two-column header), when it runs."""
    script = ROOT / "scripts" / "make_pdfs.py"
    if not texts or not script.exists():
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, str(script), *map(str, texts), "--out", tmp],
                              capture_output=True, text=True)
        if done.returncode != 0:
            return {}
        return {p.stem: p.read_bytes() for p in Path(tmp).glob("*.pdf")}


def inputs() -> list[tuple[str, bytes]]:
    """(stem, PDF bytes) for every seed: data/raw/<stem>.pdf when present; else the seed
    text rendered by scripts/make_pdfs.py; else typeset here."""
    pdfs = {p.stem: p.read_bytes() for p in sorted(RAW.glob("*.pdf"))}
    missing = [t for t in sorted(RAW.glob("*.txt")) if t.stem not in pdfs]
    pdfs.update(render_with_make_pdfs(missing))
    for txt in missing:
        if txt.stem not in pdfs:
            pdfs[txt.stem] = typeset_text(txt.read_text(encoding="utf-8"))
    return sorted(pdfs.items())


def render(pdf_bytes: bytes, dpi: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in doc]
    finally:
        doc.close()


# Where the seal goes: over the signing title of the last page, as offices stamp it.
SIGNATURE_ANCHORS = ("TM.", "KT.", "Q.", "PHÓ CHỦ TỊCH", "CHỦ TỊCH", "GIÁM ĐỐC", "TRƯỞNG")


def signature_anchor(pdf_bytes: bytes, dpi: int) -> tuple[int, int] | None:
    """Pixel position (left, bottom) of the last signing title on the last page, if any."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        page = doc[len(doc) - 1]
        height = page.get_size()[1]
        tp = page.get_textpage()
        boxes = []
        for anchor in SIGNATURE_ANCHORS:
            search = tp.search(anchor, match_case=True, match_whole_word=False)
            while (hit := search.get_next()) is not None:
                boxes.append(tp.get_charbox(hit[0]))
        if not boxes:
            return None
        left, bottom, _, _ = min(boxes, key=lambda b: b[1])  # the lowest title line
        return int(left * dpi / 72), int((height - bottom) * dpi / 72)
    finally:
        doc.close()


# --- degradations ---------------------------------------------------------------------

def stamp(size: int, rng: np.random.Generator) -> Image.Image:
    """A red round seal on a transparent square: two rings, a star, arcs of letters."""
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    red = (200, 30, 35, 190)
    c, r = size / 2, size / 2 - 4
    d.ellipse([c - r, c - r, c + r, c + r], outline=red, width=max(3, size // 60))
    r2 = r * 0.68
    d.ellipse([c - r2, c - r2, c + r2, c + r2], outline=red, width=max(2, size // 90))
    star = [(c + r2 * 0.55 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             c - r2 * 0.55 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    d.polygon(star, fill=red)
    font = ImageFont.truetype(str(FONT_BOLD), max(10, size // 14))
    letters = "ỦY BAN NHÂN DÂN * ỦY BAN NHÂN DÂN *"
    for k, ch in enumerate(letters):  # the ring of text a seal carries
        a = math.pi + k * 2 * math.pi / len(letters)
        x, y = c + (r + r2) / 2 * math.cos(a), c + (r + r2) / 2 * math.sin(a)
        d.text((x, y), ch, fill=red, font=font, anchor="mm")
    angle = float(rng.uniform(-25, 25))
    return im.rotate(angle, resample=Image.BICUBIC)


def degrade(page: Image.Image, rng: np.random.Generator, *,
            seal_at: tuple[int, int] | None = None) -> Image.Image:
    """A scanner's rendering of ``page``; ``seal_at``: where to stamp the seal's centre."""
    w, h = page.size
    if seal_at:
        s = stamp(int(w * 0.2), rng)
        # centred left of the title, so it overlaps the title's first letters, not all of it
        x = int(seal_at[0] + rng.uniform(-0.02, 0.02) * w) - int(s.size[0] * 0.65)
        y = int(seal_at[1] + rng.uniform(-0.01, 0.02) * h) - s.size[1] // 2
        # Ink over toner: multiply, so type under the seal stays black as on paper.
        layer = Image.new("RGB", page.size, "white")
        layer.paste(s, (min(max(0, x), w - s.size[0]), min(max(0, y), h - s.size[1])), s)
        page = ImageChops.multiply(page, layer)
    a = np.asarray(page, dtype=np.float32)
    # paper: slightly off-white and uneven; toner: not quite black
    a = a * 0.88 + 12
    a += rng.normal(0, 6, size=a.shape[:2])[..., None]  # sensor noise
    specks = rng.random(a.shape[:2]) < 0.0006  # dust
    a[specks] = rng.uniform(40, 120)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    angle = float(rng.uniform(-0.8, 0.8))  # a page fed slightly askew
    return img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(232, 232, 228))


def to_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """Image-only PDF: each page one JPEG (grayscale, or colour when it carries the seal)."""
    pages = []
    for im in images:
        colour = np.asarray(im, dtype=np.int16)
        spread = (colour.max(axis=2) - colour.min(axis=2)) > 60
        pages.append(im if spread.mean() > 0.0005 else im.convert("L"))
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=dpi,
                  quality=JPEG_QUALITY, optimize=True, creationDate=EPOCH.timetuple(), modDate=EPOCH.timetuple(),
                  producer="vanban make_scans", title="scan")
    return buf.getvalue()


def make(stem: str, pdf_bytes: bytes, dpi: int, fixture_pages: int) -> list[Path]:
    """Write the scan of every page to data/raw/scanned and, when ``fixture_pages``,
    the first pages to tests/fixtures/scanned."""
    rng = np.random.default_rng(seed_of(stem))
    pages = render(pdf_bytes, dpi)
    w, h = pages[-1].size
    seal = signature_anchor(pdf_bytes, dpi) or (int(w * 0.7), int(h * 0.75))
    scans = [degrade(p, rng, seal_at=seal if i == len(pages) - 1 else None)
             for i, p in enumerate(pages)]
    written = []
    for folder, subset in ((OUT, scans), (FIXTURES, scans[:fixture_pages])):
        if not subset:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{stem}.pdf"
        target.write_bytes(to_pdf(subset, dpi))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=200, help="scan resolution (200-300)")
    ap.add_argument("--fixture-pages", type=int, default=1,
                    help="pages kept in tests/fixtures/scanned")
    ap.add_argument("--fixtures", default="001,004",
                    help="comma-separated stem prefixes copied to tests/fixtures/scanned")
    ap.add_argument("stems", nargs="*", help="only these seed stems")
    args = ap.parse_args(argv)
    for stem, pdf_bytes in inputs():
        if args.stems and stem not in args.stems:
            continue
        fixture = any(stem.startswith(p) for p in args.fixtures.split(",") if p)
        for path in make(stem, pdf_bytes, args.dpi, args.fixture_pages if fixture else 0):
            print(f"{path.relative_to(ROOT)}\t{path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
