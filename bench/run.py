#!/usr/bin/env python3
"""Benchmark: ingest → database against the bare PDF readers, on one generated corpus.

    make bench                      # python bench/run.py
    python bench/run.py --pages 500 --record   # smaller corpus; write bench/RESULTS.md

Builds a reproducible corpus (bench/corpus.py: the seeds re-issued with other numbers,
dates and places, rendered to PDF, ~2,000 pages), then measures, each in a fresh process
so every figure has its own peak RSS:

* the baselines on the same PDFs: ``pdftotext`` (poppler, one process per file), bare
  pypdfium2 text, bare pdfplumber ``extract_text`` (within a time budget; its rate is
  measured on the pages it reached);
* vanban stage by stage in one process (ingest, normalise, extract, graph, publish);
* vanban end to end (``build_database``: ingest → database, cold cache) with 1 and N
  workers, and the re-run with nothing changed (in-process, and the whole ``vanban build``
  command), also on 1,000 small text documents.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / "data" / "out" / "bench"


def _rss_mb() -> float:
    """Peak RSS of this process or of the largest child it waited for, in MB. The own
    figure is VmHWM: ru_maxrss would carry over the parent's peak across fork + exec."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1])
    except OSError:
        pass
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


# --- measurements (each runs in its own process) -----------------------------------------------


def m_pdftotext(files: list[Path], **_) -> dict:
    t = time.perf_counter()
    for f in files:
        subprocess.run(["pdftotext", "-q", str(f), "-"], stdout=subprocess.DEVNULL, check=False)
    return {"seconds": time.perf_counter() - t}


def m_pypdfium2(files: list[Path], **_) -> dict:
    import pypdfium2 as pdfium

    t = time.perf_counter()
    chars = 0
    for f in files:
        doc = pdfium.PdfDocument(str(f))
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            chars += len(tp.get_text_range())
            tp.close()
            page.close()
        doc.close()
    return {"seconds": time.perf_counter() - t, "chars": chars}


def m_pdfplumber(files: list[Path], budget: float = 120.0, **_) -> dict:
    import pdfplumber

    t = time.perf_counter()
    pages = 0
    for f in files:
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
        if time.perf_counter() - t > budget:
            break
    return {"seconds": time.perf_counter() - t, "pages_measured": pages}


def m_stages(files: list[Path], out: Path, **_) -> dict:
    """Every stage in this one process, timed apart."""
    import pipeline.store.graph as graph
    import pipeline.store.measures as measures
    from pipeline.run.extract import build_context, extract_context
    from pipeline.read.ingest import read_source
    from pipeline.store.publish import publish

    times = {"ingest": 0.0, "normalise": 0.0, "extract": 0.0, "graph": 0.0, "publish": 0.0}
    extractions, sources = [], []
    for f in files:
        t0 = time.perf_counter()
        src = read_source(f)
        t1 = time.perf_counter()
        ctx = build_context(src)
        t2 = time.perf_counter()
        ex = extract_context(ctx)
        t3 = time.perf_counter()
        times["ingest"] += t1 - t0
        times["normalise"] += t2 - t1
        times["extract"] += t3 - t2
        extractions.append(ex)
        sources.append({"path": str(f), "sha256": src.sha256, "format": str(src.format),
                        "pages": src.page_count, "status": "ok", "error": None})
    spent = {"graph": 0.0}
    # the publisher's measures are the SQL ones
    for module, name in ((graph, "build_graph"), (graph, "store_metrics"), (measures, "store_metrics_sql")):
        original = getattr(module, name, None)
        if original is None:
            continue

        def timed(*a, _f=original, **k):
            t = time.perf_counter()
            try:
                return _f(*a, **k)
            finally:
                spent["graph"] += time.perf_counter() - t

        setattr(module, name, timed)
    out.unlink(missing_ok=True)
    t = time.perf_counter()
    publish(extractions, sources, out)
    times["graph"] = spent["graph"]
    times["publish"] = time.perf_counter() - t - spent["graph"]
    return {"stages": times}


def m_build(files: list[Path], out: Path, workers: int = 1, fresh: bool = True, **_) -> dict:
    from pipeline.run.build import build_database

    if fresh:
        shutil.rmtree(out.parent, ignore_errors=True)
    folder = files[0].parent
    t = time.perf_counter()
    report = build_database([folder], out, workers=workers, progress=False, ocr=False)
    return {"seconds": time.perf_counter() - t, "in_build": report.seconds, "documents": report.documents,
            "processed": report.processed, "unchanged": report.unchanged, "failed": report.failed}


MEASURES = {"pdftotext": m_pdftotext, "pypdfium2": m_pypdfium2, "pdfplumber": m_pdfplumber,
            "stages": m_stages, "build": m_build}


def child(kind: str, args: dict) -> None:
    files = sorted(Path(args.pop("folder")).glob(args.pop("glob")))
    if "out" in args:
        args["out"] = Path(args["out"])
    result = MEASURES[kind](files, **args)
    result["rss_mb"] = _rss_mb()
    print(json.dumps(result))


def measure(kind: str, folder: Path, pattern: str = "*.pdf", **kw) -> dict:
    payload = json.dumps({"folder": str(folder), "glob": pattern, **{k: str(v) if isinstance(v, Path) else v
                                                                     for k, v in kw.items()}})
    proc = subprocess.run([sys.executable, __file__, "--child", kind, payload], capture_output=True,
                          text=True, cwd=ROOT)
    if proc.returncode:
        sys.exit(f"bench: {kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rerun(folder: Path, out: Path, workers: int, pattern: str = "*.pdf") -> dict:
    """The build again with nothing changed. If the code changed meanwhile (the tree is
    being edited), that run re-publishes; the next one is the no-change figure."""
    for _ in range(3):
        result = measure("build", folder, pattern, out=out, workers=workers, fresh=False)
        if result["unchanged"]:
            break
    return result


def cli_rerun(folder: Path, out: Path) -> float:
    cmd = [sys.executable, "-m", "pipeline.cli"]  # this tree's code (an installed script may be another's)
    t = time.perf_counter()
    subprocess.run(cmd + ["build", str(folder), "--out", str(out), "--no-progress", "--no-ocr"],
                   cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - t


# --- report ------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
        mem_s = f"{mem:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        mem_s = "RAM unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    poppler = subprocess.run(["pdftotext", "-v"], capture_output=True, text=True).stderr.splitlines()[:1]
    from importlib.metadata import version

    return (f"{cpu}, {usable} usable cores, {mem_s}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; pypdfium2 {version('pypdfium2')}, "
            f"pdfplumber {version('pdfplumber')}, {poppler[0] if poppler else 'pdftotext ?'}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="vanban benchmark")
    ap.add_argument("--pages", type=int, default=2000, help="corpus size in pages (default 2000)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--plumber-budget", type=float, default=90.0,
                    help="seconds bare pdfplumber may run (its rate comes from the pages it reached)")
    ap.add_argument("--tiny", type=int, default=1000, help="small documents for the no-change re-run at scale")
    ap.add_argument("--record", action="store_true", help="write the results to bench/RESULTS.md")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], json.loads(args.child[1]))
        return 0
    if not shutil.which("pdftotext"):
        sys.exit("bench: pdftotext not found (Debian: poppler-utils; run scripts/system-deps.sh)")

    from bench.corpus import SEEDS, make_corpus, make_tiny_corpus, real_sources

    t_all = time.perf_counter()
    say = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    corpus = WORK / "corpus"
    say(f"bench: corpus of ≥{args.pages} pages in {corpus.relative_to(ROOT)} …")
    t = time.perf_counter()
    source = real_sources()
    files = make_corpus(corpus, args.pages, workers=args.workers, source=source)
    origin = (f"rendered from the {len(list(source.glob('*.txt')))} real document texts in {source}"
              if source else f"generated from the seeds in {SEEDS.relative_to(ROOT)}")
    t_corpus = time.perf_counter() - t
    pages = json.loads((corpus / ".stamp.json").read_text())["pages"]
    docs = len(files)
    say(f"bench: {docs} documents, {pages} pages ({t_corpus:.1f} s)")

    r: dict[str, dict] = {}
    for kind, kw in (("pdftotext", {}), ("pypdfium2", {}), ("pdfplumber", {"budget": args.plumber_budget})):
        say(f"bench: {kind} …")
        r[kind] = measure(kind, corpus, **kw)
    say("bench: vanban stages …")
    r["stages"] = measure("stages", corpus, out=WORK / "stages" / "stages.db")
    db = WORK / "db" / "vanban.db"
    say("bench: vanban build, 1 worker …")
    r["build1"] = measure("build", corpus, out=db, workers=1)
    say(f"bench: vanban build, {args.workers} workers …")
    r["buildN"] = measure("build", corpus, out=db, workers=args.workers)
    say("bench: re-run, nothing changed …")
    r["rerun"] = rerun(corpus, db, args.workers)
    r["rerun_cli"] = {"seconds": cli_rerun(corpus, db)}
    tiny = WORK / "tiny"
    make_tiny_corpus(tiny, args.tiny)
    tiny_db = WORK / "tiny-db" / "vanban.db"
    say(f"bench: {args.tiny} small documents, first build …")
    r["tiny_first"] = measure("build", tiny, "*.txt", out=tiny_db, workers=args.workers)
    r["tiny_rerun"] = rerun(tiny, tiny_db, args.workers, "*.txt")
    r["tiny_rerun_cli"] = {"seconds": cli_rerun(tiny, tiny_db)}

    plumber_rate = r["pdfplumber"]["seconds"] / max(1, r["pdfplumber"]["pages_measured"])
    plumber_full = plumber_rate * pages
    base = {"pdftotext": r["pdftotext"]["seconds"], "pypdfium2": r["pypdfium2"]["seconds"],
            "pdfplumber": plumber_full}
    e2e1, e2eN = r["build1"]["seconds"], r["buildN"]["seconds"]

    lines = []
    add = lines.append
    add(f"Corpus: {docs} PDF documents, {pages} pages ({origin}, by bench/corpus.py).")
    add(f"Machine: {machine()}")
    add("")
    add("| reader / stage | seconds | pages/s | docs/s | ms/page | peak RSS MB |")
    add("|---|---:|---:|---:|---:|---:|")

    def row(name, secs, rss=None, note=""):
        secs = max(secs, 1e-6)  # a stage the code no longer runs apart
        add(f"| {name}{note} | {secs:.2f} | {pages / secs:.0f} | {docs / secs:.1f} | {1000 * secs / pages:.2f} | "
            f"{'' if rss is None else f'{rss:.0f}'} |")

    row("pdftotext (poppler, a process per file)", base["pdftotext"], r["pdftotext"]["rss_mb"])
    row("bare pypdfium2 text", base["pypdfium2"], r["pypdfium2"]["rss_mb"])
    row("bare pdfplumber extract_text", plumber_full, r["pdfplumber"]["rss_mb"],
        f" (measured on {r['pdfplumber']['pages_measured']} pages)")
    for stage, secs in r["stages"]["stages"].items():
        row(f"vanban stage: {stage}", secs)
    add(f"| (all stages in one process: peak RSS) | | | | | {r['stages']['rss_mb']:.0f} |")
    row("**vanban end to end, 1 worker** (ingest → database)", e2e1, r["build1"]["rss_mb"])
    row(f"**vanban end to end, {args.workers} workers**", e2eN, r["buildN"]["rss_mb"])
    add("")
    add("| ratio of vanban end to end to … | 1 worker | "
        f"{args.workers} workers |")
    add("|---|---:|---:|")
    for name, secs in base.items():
        add(f"| {name} | {e2e1 / secs:.2f}× | {e2eN / secs:.2f}× |")
    add("")
    add(f"No-change re-run ({docs} PDFs): {r['rerun']['in_build']:.3f} s in build_database, "
        f"{r['rerun_cli']['seconds']:.2f} s for the whole `vanban build` command (Python start-up included).")
    add(f"No-change re-run ({args.tiny} text documents): {r['tiny_rerun']['in_build']:.3f} s in build_database, "
        f"{r['tiny_rerun_cli']['seconds']:.2f} s for the whole command; their first build took "
        f"{r['tiny_first']['seconds']:.1f} s.")
    add(f"Benchmark wall time: {time.perf_counter() - t_all:.0f} s (corpus generation {t_corpus:.0f} s).")
    text = "\n".join(lines)
    print(text)
    if args.record:
        from bench.results import record

        results = record("run", f"Recorded {time.strftime('%Y-%m-%d')}, "
                         f"`python bench/run.py --pages {args.pages} --workers {args.workers}`.\n\n" + text)
        say(f"bench: recorded in {results.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
