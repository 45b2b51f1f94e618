#!/usr/bin/env python3
"""OCR throughput: vanban's ``ocr_pdf`` against bare tesseract on the same scanned pages.

    python bench/ocr_bench.py [PDF ...] [--max-pages 6] [--workers N] [--json]

Runs, on the same pages (default: data/raw/scanned/*.pdf, first ``--max-pages`` pages):

* ``vanban``        — ``pipeline.read.ocr.ocr_pdf`` with an empty cache (render at 300 dpi,
                      one single-threaded tesseract per page, ``--workers`` at once);
* ``vanban cached`` — the same call again: every page from the cache;
* ``tesseract``     — the bare CLI as one would script it: ``pdftoppm -r 300 -gray`` then
                      ``tesseract page.pgm - -l vie`` page after page, with tesseract's
                      default OpenMP threading (and ``tesseract 1thr``: the same with
                      OMP_THREAD_LIMIT=1, one page at a time);
* ``ocrmypdf``      — ``ocrmypdf --force-ocr -l vie --sidecar`` when it is installed.

and prints pages/s for each and the ratio of vanban to each bare tool (> 1: vanban is
faster). CPU time is shared: run it on an otherwise idle machine for stable figures.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.read import ocr  # noqa: E402


def subset_pdf(files: list[Path], max_pages: int, out_dir: Path) -> list[Path]:
    """Copies of ``files`` holding, together, at most ``max_pages`` pages."""
    import pypdfium2 as pdfium

    out, left = [], max_pages
    for f in files:
        if left <= 0:
            break
        src = pdfium.PdfDocument(str(f))
        n = min(len(src), left)
        dst = pdfium.PdfDocument.new()
        dst.import_pages(src, list(range(n)))
        target = out_dir / f.name
        dst.save(str(target))
        dst.close()
        src.close()
        out.append(target)
        left -= n
    return out


def page_count(files: list[Path]) -> int:
    import pypdfium2 as pdfium

    total = 0
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        total += len(doc)
        doc.close()
    return total


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_vanban(files: list[Path], workers: int, cache: Path) -> None:
    for f in files:
        ocr.ocr_pdf(f, workers=workers, cache_dir=cache)


def run_bare_tesseract(files: list[Path], tmp: Path, threads: int | None = None) -> None:
    env = dict(os.environ)
    env.pop("OMP_THREAD_LIMIT", None)
    if threads:
        env["OMP_THREAD_LIMIT"] = str(threads)
    for f in files:
        stem = tmp / f.stem
        subprocess.run(["pdftoppm", "-r", "300", "-gray", str(f), str(stem)], check=True)
        for page in sorted(tmp.glob(f"{f.stem}-*.pgm")):
            subprocess.run(["tesseract", str(page), "-", "-l", "vie"], check=True,
                           capture_output=True, env=env)
            page.unlink()


def run_ocrmypdf(files: list[Path], tmp: Path, workers: int) -> None:
    for f in files:
        subprocess.run(["ocrmypdf", "--force-ocr", "-l", "vie", "-j", str(workers), "-q",
                        "--sidecar", str(tmp / f"{f.stem}.txt"), str(f), str(tmp / f.name)],
                       check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--max-pages", type=int, default=6, help="pages OCR'd per engine (default 6)")
    ap.add_argument("--workers", type=int, default=None, help="tesseract processes (default: cores)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    if not ocr.tesseract_available():
        print("ocr_bench: tesseract with the Vietnamese model is not installed; skipped",
              file=sys.stderr)
        return 0
    files = args.pdfs or sorted((ROOT / "data" / "raw" / "scanned").glob("*.pdf"))
    if not files:
        print("ocr_bench: no scanned PDFs (run `make scans`)", file=sys.stderr)
        return 1
    workers = args.workers or ocr.default_workers()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="vanban-ocr-bench-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "in").mkdir()
        files = subset_pdf(files, args.max_pages, tmp / "in")
        pages = page_count(files)
        cache = tmp / "cache"

        def record(name: str, seconds: float) -> None:
            results[name] = {"pages": pages, "seconds": round(seconds, 2),
                             "pages_per_s": round(pages / seconds, 3) if seconds else None}

        record("vanban", timed(lambda: run_vanban(files, workers, cache)))
        record("vanban cached", timed(lambda: run_vanban(files, workers, cache)))
        if shutil.which("pdftoppm"):
            work = tmp / "bare"
            work.mkdir()
            record("tesseract", timed(lambda: run_bare_tesseract(files, work)))
            record("tesseract 1thr", timed(lambda: run_bare_tesseract(files, work, threads=1)))
        if shutil.which("ocrmypdf"):
            work = tmp / "ocrmypdf"
            work.mkdir()
            record("ocrmypdf", timed(lambda: run_ocrmypdf(files, work, workers)))

    ours = results["vanban"]["pages_per_s"]
    for name in ("tesseract", "tesseract 1thr", "ocrmypdf"):
        if name in results and results[name]["pages_per_s"]:
            key = "ratio_to_" + name.replace(" ", "_")
            results["vanban"][key] = round(ours / results[name]["pages_per_s"], 2)
    meta = {"workers": workers, "cores": os.cpu_count(), "engine": ocr.tesseract_version()}
    if args.json:
        print(json.dumps({"ocr": results, **meta}, indent=2))
        return 0
    print(f"OCR benchmark: {pages} pages, {workers} worker(s), {meta['engine']}")
    for name, r in results.items():
        ratios = "  ".join(f"{k.replace('ratio_to_', '×')}={v}" for k, v in r.items() if k.startswith("ratio"))
        print(f"  {name:<14} {r['seconds']:>8.2f} s  {r['pages_per_s']:>8.3f} pages/s  {ratios}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
