#!/usr/bin/env python3
"""Benchmark: extraction time on pathological shapes (one phrase repeated for a megabyte).

    make bench-shapes                         # python bench/shapes.py --record
    python bench/shapes.py --mb 0.3 --only Sở  # a quicker look at some shapes

Each shape is a phrase of the linear-time test's table (tests/test_linear_time.py PHRASES:
every extractor's trigger words) repeated to ``--mb`` megabytes on one line or many. Each
is extracted in its own process, within the build's time budget per file, and the CPU
seconds per megabyte of every stage are printed (normalise, then each extractor in its
order). Then the batch: every shape, plus the seed documents, through ``vanban build`` in
one run; every file must be recorded in ``sources`` (a file over the budget as an error,
the batch going on).
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / "data" / "out" / "bench-shapes"
BUDGET = 5.0  # seconds per megabyte, every stage together (issue: under 5 s/MB)


def shape_text(phrase: str, mb: float) -> str:
    return phrase * max(1, int(mb * 1e6 // len(phrase.encode())))


def measure(name: str, mb: float) -> dict:
    """CPU seconds per MB of each stage on one shape, in this process (the child's job)."""
    from extractors.registry import components
    from pipeline.core.models import Source, SourceFormat
    from pipeline.run import extract as ex
    from tests.test_linear_time import PHRASES

    # warm: vocabularies loaded and patterns compiled before the clock starts
    ex.extract_source(Source("warm.txt", "0", SourceFormat.TXT, [
        "Số: 1/KH-UBND\nKẾ HOẠCH\nCăn cứ Luật Đất đai; Sở Tài chính chủ trì, báo cáo trước ngày 1/1/2025."]))
    text = shape_text(PHRASES[name], mb)
    size = len(text.encode()) / 1e6
    source = Source("shape.txt", "0", SourceFormat.TXT, [text])
    t = time.process_time()
    ctx = ex.build_context(source)
    stages = {"normalise": time.process_time() - t}
    for comp in components():
        t = time.process_time()
        section = comp.fn(ctx)
        stages[comp.name] = time.process_time() - t
        for attr in comp.assigns:  # what later extractors read, as extract_context sets it
            if attr in ex.SECTIONS and hasattr(ctx, attr):
                setattr(ctx, attr, section)
    return {"shape": name, "mb": round(size, 3), "per_mb": {k: v / size for k, v in stages.items()}}


def run_one(name: str, mb: float, timeout: float) -> dict:
    """One shape in a fresh process; over the budget it is killed and reported so."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--mb", str(mb)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"shape": name, "error": f"took over {timeout:.0f} s"}
    if out.returncode:
        return {"shape": name, "error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def batch(names: list[str], mb: float, timeout: float, workers: int) -> dict:
    """Every shape and the seed documents through ``vanban build``: all recorded?"""
    from tests.test_linear_time import PHRASES

    folder = WORK / "batch"
    if folder.exists():
        for p in folder.iterdir():
            p.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (folder / f"shape-{i:02d}.txt").write_text(shape_text(PHRASES[name], mb), encoding="utf-8")
    seeds = sorted((ROOT / "data" / "raw").glob("*.txt"))
    for p in seeds:
        (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    files = sorted(p.name for p in folder.iterdir())
    db = WORK / "batch.db"
    db.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "pipeline.cli", "build", str(folder), "--out", str(db), "--no-progress",
           "--workers", str(workers), "--timeout", str(timeout)]
    t = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.monotonic() - t
    rows = []
    if db.exists():
        with sqlite3.connect(db) as con:
            rows = con.execute("SELECT path, status, error FROM sources").fetchall()
    recorded = {Path(p).name: (status, error) for p, status, error in rows}
    statuses: dict[str, int] = {}
    for status, _ in recorded.values():
        statuses[status] = statuses.get(status, 0) + 1
    return {"files": len(files), "shapes": len(names), "seeds": len(seeds), "recorded": len(recorded),
            "missing": [f for f in files if f not in recorded], "seconds": seconds, "exit": done.returncode,
            "statuses": statuses, "errors": {f: e for f, (s, e) in recorded.items() if s == "error"}}


def table(results: list[dict]) -> list[str]:
    stages = next((list(r["per_mb"]) for r in results if "per_mb" in r), [])
    lines = ["| shape | " + " | ".join(stages) + " | total s/MB |", "|---|" + "---:|" * (len(stages) + 1)]
    for r in results:
        if "per_mb" not in r:
            lines.append(f"| {r['shape']} | " + " | ".join("" for _ in stages) + f" | {r['error']} |")
            continue
        total = sum(r["per_mb"].values())
        mark = "" if total < BUDGET else " (over)"
        lines.append(f"| {r['shape']} | " + " | ".join(f"{r['per_mb'][s]:.2f}" for s in stages)
                     + f" | **{total:.2f}**{mark} |")
    return lines


def main() -> int:
    from pipeline.run.build import DEFAULT_TIMEOUT

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=1.0, help="size of each shape (megabytes)")
    ap.add_argument("--only", default="", help="only the shapes whose name holds this")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per file (the build's budget)")
    ap.add_argument("--workers", type=int, default=2, help="workers of the batch build")
    ap.add_argument("--no-batch", action="store_true", help="skip the batch through vanban build")
    ap.add_argument("--record", action="store_true", help="write the results to bench/RESULTS.md")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.mb)))
        return 0

    from bench.run import machine
    from tests.test_linear_time import PHRASES

    names = [n for n in PHRASES if args.only in n]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    results = []
    for name in names:
        results.append(run_one(name, args.mb, args.timeout))
        r = results[-1]
        say = (f"{sum(r['per_mb'].values()):.2f} s/MB  " + " ".join(f"{k} {v:.2f}" for k, v in r["per_mb"].items())
               if "per_mb" in r else r["error"])
        print(f"bench: {name:27s} {say}", file=sys.stderr, flush=True)
    lines = [f"Each shape {args.mb:g} MB, in its own process, CPU seconds per MB by stage; budget "
             f"{args.timeout:.0f} s per file. Machine: {machine()}; load average {load} at the start "
             "(a busy machine inflates CPU time too).", ""] + table(results)
    over = [r["shape"] for r in results if "per_mb" not in r or sum(r["per_mb"].values()) >= BUDGET]
    lines += ["", f"Shapes at or over {BUDGET:g} s/MB: {', '.join(over) if over else 'none'}."]
    if not args.no_batch:
        b = batch(names, args.mb, args.timeout, args.workers)
        lines += ["", f"Batch: {b['shapes']} shapes and {b['seeds']} seed documents through `vanban build "
                      f"--workers {args.workers} --timeout {args.timeout:.0f}` in {b['seconds']:.0f} s: "
                      f"{b['recorded']} of {b['files']} files recorded in `sources` ("
                      + ", ".join(f"{n} {s}" for s, n in sorted(b["statuses"].items())) + ")"
                      + (f"; missing: {', '.join(b['missing'])}" if b["missing"] else "")
                      + (f"; recorded as errors: {', '.join(f'{f} ({e})' for f, e in b['errors'].items())}"
                         if b["errors"] else "") + "."]
    text = "\n".join(lines)
    print(text)
    if args.record:
        from bench.results import record

        record("shapes", "## Pathological shapes (`bench/shapes.py`)\n\n"
               f"Recorded {time.strftime('%Y-%m-%d')}, `python bench/shapes.py --mb {args.mb:g}`.\n\n" + text)
        print("bench: recorded in bench/RESULTS.md", file=sys.stderr)
    if not args.no_batch and (b["missing"] or b["exit"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
