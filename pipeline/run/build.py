"""The batch build: every file under the inputs → one SQLite database, incrementally.

* **Incremental.** Each source is keyed by the sha256 of its bytes and the version of the
  readers and extractors; its result (contract, provenance, normalised text, or the reason
  it failed) is cached in ``<out dir>/.cache/<sha>-<version>.json``, so only new or changed
  files are read. Files that left the inputs leave the database, since it is rebuilt from
  the current file list. When the manifest — every (path, sha256) plus the version and a
  fingerprint of the code — is unchanged and the database is still the one we wrote, the
  build returns at once (file hashes are reused while size, mtime and inode stand).
* **Parallel.** Reading and extraction run in ``workers`` processes (default: the CPU
  count); results are assembled in path order, so the database is the same for any N.
  A reader that kills its process (a segfault deep in a PDF library) costs that file only,
  and so does a file that runs past its time budget (``timeout``, default 60 s): it is
  recorded as an error "took over N s" and its worker is replaced.
* **Atomic.** :func:`pipeline.store.publish.publish` writes a temporary file beside the old
  database, which is then swapped in with ``os.replace``: a build killed at any moment
  leaves the previous database intact.
* **Robust.** A file that cannot be read prints one line ``vanban: <path>: <reason>``, gets
  a row in ``sources`` with its status (``error``, ``needs_ocr``), and the batch goes on. The
  same bytes under a second name are one document with two sources (``duplicate``).
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import multiprocessing.connection as mp_connection
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.run.cache import ResultCache, extraction_from_json, extraction_to_json, write_json_atomic
from pipeline.read.ingest import INGEST_VERSION, SUFFIXES, IngestError, read_source, sha256_file
from pipeline.core.models import Extraction, Source, SourceStatus

Extractor = Callable[[Source], Extraction]
# A task: (path, sha256, ocr, extractor, cache root, version). A runner maps work() over tasks.
Task = tuple
Runner = Callable[[Callable[[Task], dict], list[Task]], Iterator[tuple[int, dict]]]

_CODE_DIRS = ("pipeline", "extractors", "gazetteer")
DEFAULT_TIMEOUT = 60.0  # seconds per file


@dataclass
class BuildReport:
    out: Path
    sources: int = 0  # input files
    documents: int = 0  # documents in the database read from the inputs
    processed: int = 0  # files read and extracted in this run
    cached: int = 0  # files whose cached result was reused
    failed: int = 0  # status error
    needs_ocr: int = 0
    duplicates: int = 0
    unchanged: bool = False  # nothing changed: the database was left as it was
    seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def summary(self) -> str:
        parts = [f"{self.documents} documents from {self.sources} files"]
        if self.unchanged:
            parts.append("unchanged")
        else:
            parts.append(f"{self.processed} read, {self.cached} cached")
        for n, what in ((self.duplicates, "duplicate"), (self.needs_ocr, "need OCR"), (self.failed, "failed")):
            if n:
                parts.append(f"{n} {what}")
        return f"{', '.join(parts)} → {self.out} in {self.seconds:.2f} s"


# --- discovery -----------------------------------------------------------------------------


def discover(inputs: Iterable[str | os.PathLike]) -> list[tuple[str, Path]]:
    """(display path, file) for every .txt/.pdf under the inputs, sorted, each file once.
    Hidden files and folders (``.cache``) and editor lock files (``~$x``) are skipped;
    a file named explicitly is always taken (it fails later if it is not readable)."""
    found: dict[str, tuple[str, Path]] = {}

    def add(display: str, p: Path) -> None:
        try:
            key = str(p.resolve())
        except OSError:
            key = display
        found.setdefault(key, (display, p))

    for inp in inputs:
        p = Path(inp)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith((".", "~$")) or Path(name).suffix.lower() not in SUFFIXES:
                        continue
                    fp = Path(root) / name
                    add(fp.as_posix(), fp)
        else:
            add(p.as_posix(), p)
    return sorted(found.values(), key=lambda t: t[0])


def code_fingerprint() -> str:
    """Sizes and mtimes of the package's code and data files: a change re-publishes."""
    base = Path(__file__).resolve().parents[2]
    h = hashlib.sha256()
    for d in _CODE_DIRS:
        for p in sorted((base / d).rglob("*")):
            if p.is_file() and p.suffix in (".py", ".tsv", ".yml", ".yaml", ".json"):
                st = p.stat()
                h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


def default_extractor() -> tuple[Extractor, str]:
    from pipeline.run import extract

    return extract.extract_source, str(extract.EXTRACTOR_VERSION)


# --- the per-file work (runs in a worker process) ---------------------------------------------


def work(task: Task) -> dict:
    """Read and extract one file; returns its cache entry (and stores it when it is final)."""
    path, sha, ocr, extractor, cache_root, version = task
    row = {"path": path, "sha256": sha, "format": Path(path).suffix.lower().lstrip(".") or None,
           "pages": None, "status": SourceStatus.OK.value, "error": None, "ocr_confidence": None}
    cacheable = True
    extraction = None
    try:
        source = read_source(path, ocr=ocr)
        row.update(format=str(source.format), pages=source.page_count,
                   ocr_confidence=source.ocr_confidence)
        try:
            e = extractor(source)
            extraction = extraction_to_json(e)
        except Exception as exc:  # an extractor bug must not stop the batch
            row.update(status=SourceStatus.ERROR.value, error=f"extraction failed: {type(exc).__name__}: {exc}")
            cacheable = False
    except IngestError as exc:
        row.update(status=exc.status, error=exc.reason)
        cacheable = exc.status == SourceStatus.ERROR.value  # needs_ocr may be read later
    except Exception as exc:  # a reader bug: record it, keep going
        row.update(status=SourceStatus.ERROR.value, error=f"{type(exc).__name__}: {exc}")
        cacheable = False
    if isinstance(row["error"], str):
        row["error"] = " ".join(row["error"].split())
    entry = {"source": row, "extraction": extraction}
    if cacheable and cache_root is not None:
        try:
            ResultCache(cache_root, version).put(sha, entry)
        except OSError:
            pass
    return entry


# --- runners -----------------------------------------------------------------------------------


def _one_ocr_worker() -> None:
    """Files already run in parallel: each worker OCRs its pages one at a time, so the
    machine runs one tesseract per core rather than cores² of them."""
    os.environ.setdefault("VANBAN_OCR_WORKERS", "1")


def _context():
    return mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()


def _worker_loop(conn, func) -> None:
    """A pool worker: run ``func`` on each task received until told to stop."""
    _one_ocr_worker()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        i, task = msg
        conn.send((i, func(task)))


class _Worker:
    """One worker process, its pipe, and the task it holds (``index``) since ``started``."""

    def __init__(self, ctx, func):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_loop, args=(child, func), daemon=True)
        self.proc.start()
        child.close()  # the worker holds the only other end: its death reads as EOF here
        self.index: int | None = None
        self.started = 0.0

    def give(self, i: int, task: Task) -> bool:
        try:
            self.conn.send((i, task))
        except (OSError, ValueError):
            return False
        self.index, self.started = i, time.monotonic()
        return True

    def stop(self, kill: bool = False) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                kill = True
        if kill and self.proc.is_alive():
            self.proc.kill()
        self.proc.join(timeout=None if kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def process_runner(workers: int, timeout: float | None = None) -> Runner:
    """Map work() over the tasks in ``workers`` processes; ``workers=0`` runs in this process.

    Each worker holds one task at a time, so the parent always knows which file a worker
    is on: a worker that dies (a segfault deep in a PDF library) costs that file only, and
    a file still running after ``timeout`` seconds has its worker killed and recorded as
    "took over N s". Either way a fresh worker takes the dead one's place. (``workers=0``
    has no time budget: nothing can stop a call in its own process.)"""

    def run(func, tasks: list[Task]) -> Iterator[tuple[int, dict]]:
        if workers <= 0:
            for i, t in enumerate(tasks):
                yield i, func(t)
            return
        ctx = _context()
        queue = list(range(len(tasks)))[::-1]  # popped from the end: path order
        pool = [_Worker(ctx, func) for _ in range(min(workers, len(tasks)))]

        def feed(k: int) -> None:
            while queue:
                i = queue.pop()
                if pool[k].give(i, tasks[i]):
                    return
                queue.append(i)  # the idle worker was gone: replace it and retry
                pool[k].stop(kill=True)
                pool[k] = _Worker(ctx, func)
            pool[k].index = None

        def replace(k: int) -> None:
            pool[k].stop(kill=True)
            pool[k] = _Worker(ctx, func)

        try:
            for k in range(len(pool)):
                feed(k)
            while True:
                busy = [k for k, w in enumerate(pool) if w.index is not None]
                if not busy:
                    break
                wait_for = None
                if timeout is not None:
                    wait_for = max(0.0, min(pool[k].started for k in busy) + timeout - time.monotonic())
                ready = set(mp_connection.wait([pool[k].conn for k in busy], timeout=wait_for))
                now = time.monotonic()
                for k in busy:
                    w = pool[k]
                    if w.conn in ready:
                        try:
                            i, entry = w.conn.recv()
                        except (EOFError, OSError):  # the worker died on this file
                            i, entry = w.index, _crash_entry(tasks[w.index])
                            replace(k)
                    elif timeout is not None and now - w.started >= timeout:
                        i, entry = w.index, timeout_entry(tasks[w.index], timeout)
                        replace(k)
                    else:
                        continue
                    yield i, entry
                    feed(k)
        finally:
            for w in pool:
                w.stop(kill=w.index is not None)

    return run


def _seconds(timeout: float) -> str:
    return f"{timeout:g}"


def timeout_entry(task: Task, timeout: float) -> dict:
    """The cache entry of a file that ran past its time budget."""
    entry = _crash_entry(task)
    entry["source"]["error"] = f"took over {_seconds(timeout)} s"
    entry["timeout"] = timeout
    return entry


def _crash_entry(task: Task) -> dict:
    path, sha = task[0], task[1]
    return {"source": {"path": path, "sha256": sha, "format": Path(path).suffix.lower().lstrip("."),
                       "pages": None, "status": SourceStatus.ERROR.value,
                       "error": "the reader crashed (its worker process died)", "ocr_confidence": None},
            "extraction": None}


# --- the build -----------------------------------------------------------------------------------


def _stat_key(p: Path) -> list[int] | None:
    try:
        st = p.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _say(msg: str, bar=None) -> None:
    if bar is not None:
        bar.write(msg, file=sys.stderr)
    else:
        print(msg, file=sys.stderr)


def _manifest_path(cache_root: Path, out: Path) -> Path:
    return cache_root / f"manifest-{out.name}.json"


def _load_json(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def _db_counts(db: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        docs = con.execute("select count(*) from documents where ingested = 1").fetchone()[0]
        status = dict(con.execute("select status, count(*) from sources group by status").fetchall())
    finally:
        con.close()
    return {"documents": docs, **{f"status_{k}": v for k, v in status.items()}}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_stale_temps(out: Path) -> None:
    """Temporary databases left by killed builds (not those of a build still running)."""
    for p in out.parent.glob(f".{out.name}.tmp-*"):
        pid = p.name.rsplit("-", 1)[-1].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        try:
            p.unlink()
        except OSError:
            pass


def build_database(
    inputs: list[Path],
    out: Path,
    workers: int | None = None,
    progress: bool = True,
    *,
    ocr: bool = True,
    extractor: Extractor | None = None,
    version: str | None = None,
    runner: Runner | None = None,
    cache_dir: Path | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> BuildReport:
    """Build ``out`` from every .txt/.pdf under ``inputs``; see the module docstring.

    ``extractor``/``version`` default to :func:`pipeline.run.extract.extract_source` and its
    ``EXTRACTOR_VERSION``; ``runner`` to a process pool of ``workers`` (see
    :mod:`pipeline.run.runners.dask_runner` for a cluster); ``ocr=False`` leaves scans as
    ``needs_ocr``; ``cache_dir`` defaults to ``<out dir>/.cache``; ``timeout`` is each
    file's time budget in seconds in the process pool (``None``: no limit).
    """
    t0 = time.perf_counter()
    out = Path(out)
    cache_root = Path(cache_dir) if cache_dir else out.parent / ".cache"
    report = BuildReport(out=out)
    if extractor is None:
        extractor, ext_version = default_extractor()
        version = version or ext_version
    full_version = f"{version or '0'}+ingest{INGEST_VERSION}"

    files = discover(inputs)
    report.sources = len(files)
    manifest_file = _manifest_path(cache_root, out)
    manifest = _load_json(manifest_file)
    known = manifest.get("files", {})

    # Hashes: reused while a file's size, mtime and inode are unchanged.
    entries: list[dict] = []
    for display, p in files:
        stat = _stat_key(p)
        old = known.get(display)
        if stat is not None and old and old.get("stat") == stat:
            sha = old["sha256"]
        else:
            try:
                sha = sha256_file(p)
            except OSError as exc:
                sha = "unreadable:" + hashlib.sha256(f"{display}:{exc}".encode()).hexdigest()
        entries.append({"path": display, "file": p, "sha256": sha, "stat": stat})

    key = hashlib.sha256(json.dumps(
        [full_version, code_fingerprint(), ocr, timeout, [(e["path"], e["sha256"]) for e in entries]],
    ).encode()).hexdigest()
    if manifest.get("key") == key and out.exists() and manifest.get("db") == _stat_key(out):
        counts = manifest.get("counts", {})
        report.unchanged = True
        report.documents = counts.get("documents", 0)
        report.failed = counts.get("status_error", 0)
        report.needs_ocr = counts.get("status_needs_ocr", 0)
        report.duplicates = counts.get("status_duplicate", 0)
        report.errors = [tuple(x) for x in manifest.get("errors", [])]
        for path, reason in report.errors:  # still there: say so again
            _say(f"vanban: {path}: {reason}")
        if not all(out.with_suffix(f".{fmt}").exists() for fmt in ("graphml", "gexf", "json")):
            _export_graphs(out)
        report.seconds = time.perf_counter() - t0
        return report

    # One read per distinct content: the first path (in order) is canonical.
    canonical: dict[str, str] = {}
    for e in entries:
        canonical.setdefault(e["sha256"], e["path"])
    cache = ResultCache(cache_root, full_version)
    results: dict[str, dict] = {}
    tasks: list[Task] = []
    for e in entries:
        sha = e["sha256"]
        if canonical[sha] != e["path"] or sha in results:
            continue
        hit = None if sha.startswith("unreadable:") else cache.get(sha)
        if hit is not None and hit.get("timeout") is not None and (
                timeout is None or timeout > hit["timeout"]):
            hit = None  # it ran out of a shorter budget than it has now: try again
        if hit is not None:
            results[sha] = hit
            report.cached += 1
        else:
            store = None if sha.startswith("unreadable:") else cache_root
            tasks.append((str(e["file"]), sha, ocr, extractor, store, full_version))

    if tasks:
        import tqdm as _tqdm

        _tqdm.tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked
        n = (os.cpu_count() or 1) if workers is None else workers
        run = runner or process_runner(n, timeout)
        bar = _tqdm.tqdm(total=len(tasks), desc="vanban", unit="file", file=sys.stderr,
                         disable=not progress, dynamic_ncols=True)
        try:
            for i, entry in run(work, tasks):
                results[tasks[i][1]] = entry
                if entry.get("timeout") is not None and tasks[i][4] is not None:
                    cache.put(tasks[i][1], entry)  # not again until the budget grows
                report.processed += 1
                bar.update(1)
        finally:
            bar.close()

    # Assemble in path order: the same database whatever the order of completion.
    extractions: list[Extraction] = []
    source_rows: list[dict] = []
    for e in entries:
        sha, path = e["sha256"], e["path"]
        entry = results[sha]
        row = {**entry["source"], "path": path}
        if canonical[sha] != path and row["status"] == SourceStatus.OK.value:
            row.update(status=SourceStatus.DUPLICATE.value, error=f"same content as {canonical[sha]}")
        if row["status"] in (SourceStatus.ERROR.value, SourceStatus.NEEDS_OCR.value):
            report.errors.append((path, row["error"] or row["status"]))
            _say(f"vanban: {path}: {row['error'] or row['status']}")
        source_rows.append(row)
        if entry.get("extraction") is not None:
            ex = extraction_from_json(entry["extraction"])
            ex.contract = {**ex.contract, "source": {**(ex.contract.get("source") or {}), "path": path,
                                                     "sha256": sha, "format": row["format"],
                                                     "pages": row["pages"]}}
            extractions.append(ex)

    _publish_atomically(extractions, source_rows, out)
    _export_graphs(out)

    counts = _db_counts(out)
    report.documents = counts.get("documents", 0)
    report.failed = counts.get("status_error", 0)
    report.needs_ocr = counts.get("status_needs_ocr", 0)
    report.duplicates = counts.get("status_duplicate", 0)
    write_json_atomic(manifest_file, {
        "key": key, "db": _stat_key(out), "counts": counts, "errors": report.errors,
        "files": {e["path"]: {"sha256": e["sha256"], "stat": e["stat"]} for e in entries},
    })
    cache.prune({e["sha256"] for e in entries})
    report.seconds = time.perf_counter() - t0
    return report


def _export_graphs(out: Path) -> None:
    """GraphML, GEXF and JSON beside the database (``vanban.db`` → ``vanban.graphml`` …)."""
    from pipeline.store.graph import export_database

    try:
        export_database(out)
    except Exception as exc:  # the database is in place; a failed export must not undo it
        _say(f"vanban: {out}: graph export failed: {type(exc).__name__}: {exc}")


def _publish_atomically(extractions: list[Extraction], sources: list[dict], out: Path) -> None:
    from pipeline.store.publish import publish

    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        publish(extractions, sources, tmp)
        with open(tmp, "rb+") as fh:  # on disk before it takes the old one's place
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
