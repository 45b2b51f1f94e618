"""A reproducible benchmark corpus: the seeds re-issued with other numbers, dates and
places, rendered to PDF with scripts/make_pdfs.py (pipeline/quality/render_pdf.py, the
renderer ``vanban eval`` uses), until a page target is reached; a change to the renderer
makes the corpus again."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"

# Places swapped per document (the same choice throughout one document).
PLACES = {
    "Thừa Thiên Huế": ["Quảng Nam", "Nghệ An", "Bình Định", "Thái Bình", "Lâm Đồng", "Cà Mau", "Yên Bái"],
    "Kon Tum": ["Gia Lai", "Đắk Lắk", "Sơn La", "Lào Cai", "Hà Giang", "Bến Tre"],
    "Hà Đông": ["Phú Lương", "Tân Hòa", "Minh Khai", "Yên Thế", "Hòa Bình"],
}
TINY = """ỦY BAN NHÂN DÂN
TỈNH {PLACE_UP}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {n}/KH-UBND
{place}, ngày {d} tháng {m} năm {y}
KẾ HOẠCH
Triển khai nhiệm vụ cải cách hành chính năm {y}
Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của Thủ tướng Chính phủ;
1. Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành triển khai thực hiện trước ngày 30/9/{y}.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn An
"""


def _make_pdfs():
    spec = importlib.util.spec_from_file_location("make_pdfs", ROOT / "scripts" / "make_pdfs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variant(text: str, rng: random.Random, number: int) -> str:
    """The seed with another number, issue date and place."""
    for old, options in PLACES.items():
        if old in text:
            new = rng.choice(options)
            text = text.replace(old, new).replace(old.upper(), new.upper())
    text = re.sub(r"(Số:\s*)(\d+)", lambda m: m.group(1) + str(number), text, count=1)
    year = rng.randint(2012, 2026)
    text = re.sub(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}",
                  f"ngày {rng.randint(1, 28):02d} tháng {rng.randint(1, 12)} năm {year}", text, count=1)
    return text


def _render(args) -> tuple[str, int]:
    text, out = args
    mk = _make_pdfs()
    mk.render(text, Path(out))
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(out)
    try:
        return out, len(doc)
    finally:
        doc.close()


def _stamp(pages: int, seed: int, texts: list[Path]) -> str:
    h = hashlib.sha256(f"{pages}:{seed}".encode())
    renderer = [ROOT / "pipeline" / "quality" / name for name in ("render_pdf.py", "pdf_tables.py")]
    for p in [ROOT / "scripts" / "make_pdfs.py", *renderer, Path(__file__), *texts]:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def real_sources() -> Path | None:
    """The folder of real document texts beside the repository (``../shared/corpus/raw``),
    when there is one: the benchmark then renders real documents, not the seeds."""
    for base in (ROOT.parent, ROOT.parent.parent):
        folder = base / "shared" / "corpus" / "raw"
        if folder.is_dir() and any(folder.glob("*.txt")):
            return folder
    return None


def make_corpus(folder: Path, pages: int = 2000, seed: int = 20260101, workers: int = 2,
                source: Path | None = None) -> list[Path]:
    """PDFs in ``folder`` adding up to at least ``pages`` pages, rendered from the texts in
    ``source`` (default: the seeds), each re-issued with other numbers, dates and places
    when the target needs more than one copy; reused when already made with the same
    parameters and code."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp_file = folder / ".stamp.json"
    texts = sorted((source or SEEDS).glob("*.txt"))
    stamp = _stamp(pages, seed, texts)
    try:
        old = json.loads(stamp_file.read_text())
        if old.get("stamp") == stamp:
            return [folder / name for name in old["files"]]
    except (OSError, ValueError):
        pass
    for p in folder.glob("*.pdf"):
        p.unlink()
    seeds = [p.read_text(encoding="utf-8", errors="replace") for p in texts]
    rng = random.Random(seed)
    # One pass over the texts as they are, then variants until the page target is reached.
    with ProcessPoolExecutor(max_workers=workers) as pool:
        made = list(pool.map(_render, [(s, str(folder / f"doc-{i:04d}.pdf")) for i, s in enumerate(seeds)],
                             chunksize=4))
        page_counts = [n for _, n in made]
        jobs, total, i = [], sum(page_counts), len(seeds)
        while total < pages:
            k = i % len(seeds)
            jobs.append((variant(seeds[k], rng, i + 1), str(folder / f"doc-{i:04d}.pdf")))
            total += page_counts[k]
            i += 1
        made += list(pool.map(_render, jobs, chunksize=8))
    files = [Path(out).name for out, _ in made]
    stamp_file.write_text(json.dumps({"stamp": stamp, "files": files, "pages": sum(n for _, n in made)}))
    return [folder / name for name in files]


def make_tiny_corpus(folder: Path, n: int = 1000, seed: int = 7) -> list[Path]:
    """``n`` one-page text documents, for the no-change re-run at scale."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    places = [p for options in PLACES.values() for p in options]
    files = []
    for i in range(n):
        place = rng.choice(places)
        text = TINY.format(PLACE_UP=place.upper(), place=place, n=i + 1, d=rng.randint(1, 28),
                           m=rng.randint(1, 12), y=rng.randint(2012, 2026))
        p = folder / f"tiny-{i:04d}.txt"
        if not p.exists() or p.read_text(encoding="utf-8") != text:
            p.write_text(text, encoding="utf-8")
        files.append(p)
    return files
