#!/usr/bin/env python3
"""Render seed texts into PDFs with a real two-column header block, reproducibly.

    python scripts/make_pdfs.py                      # the seeds → data/raw/*.pdf
    python scripts/make_pdfs.py SEED.txt… --out DIR

The renderer itself is pipeline/quality/render_pdf.py (``vanban eval`` uses it too).
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pipeline.quality.render_pdf import font_dir, render  # noqa: E402

SEEDS = ROOT / "tests" / "fixtures" / "seeds"
RAW = ROOT / "data" / "raw"
DEFAULT_SEEDS = ("000", "001", "002", "003", "004")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", nargs="*", type=Path, help="seed .txt files (default: the five seeds)")
    ap.add_argument("--out", type=Path, default=RAW, help="output folder (default data/raw)")
    args = ap.parse_args(argv)
    seeds = args.seeds or [p for p in sorted(SEEDS.glob("*.txt")) if p.name[:3] in DEFAULT_SEEDS]
    fonts = font_dir()
    for seed in seeds:
        out = args.out / (seed.stem + ".pdf")
        render(seed.read_text(encoding="utf-8"), out, fonts)
        print(f"{out}  {hashlib.sha256(out.read_bytes()).hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
