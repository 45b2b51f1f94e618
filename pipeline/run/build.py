"""The batch build: every file under the inputs → one SQLite database, incrementally.

* **Incremental.** Each source is keyed by the sha256 of its bytes and the version of the
  readers and extractors; its result (contract, provenance, normalised text, or the reason
  it failed) is cached in ``<out dir>/.cache/<sha>-<version>.json``, so only new or changed
  files are read. When the manifest — every (path, sha256) plus the version and a
  fingerprint of the code — is unchanged and the database is still the one we wrote, the
  build returns at once (file hashes are reused while size, mtime and inode stand).
* **Published in place.** When the database is the one the last build wrote, with the same
  code and settings, only the new, changed and removed sources are published into it
  (:func:`pipeline.store.publish.publish_stream`: their rows, their citations' targets in
  both directions, the aggregates and graph measures they touch) inside one transaction, so
  a build killed at any moment leaves the previous database intact. Otherwise a new file is
  written beside the old one and swapped in with ``os.replace``. Graph exports still being
  written in the background for the previous database are stopped first
  (:mod:`pipeline.store.background`).
* **Bounded memory.** Results stream from the workers to the database in path order: a
  worker's result is held only until its turn, a cached one is read when its turn comes.
* **Parallel.** Reading and extraction run in ``workers`` processes (default: the CPU
  count); results are published in path order, so the database is the same for any N.
  With the default extractor and a spare core, one worker starts at once and loads the
  extractor's vocabularies while the files are surveyed, so adding one new document does
  not wait for that start-up.
  A reader that kills its process (a segfault deep in a PDF library) costs that file only,
  and so does a file that runs past its time budget (``timeout``, default 60 s): it is
  recorded as an error "took over N s" and its worker is replaced (in process and on Dask,
  see :func:`run_with_budget` and :mod:`pipeline.run.runners.dask_runner`).
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

from pipeline.run.cache import ResultCache, write_json_atomic
from pipeline.store import background
from pipeline.store.codec import extraction_from_json, extraction_to_json
from pipeline.read.ingest import INGEST_VERSION, SUFFIXES, IngestError, read_source, sha256_file
from pipeline.core.models import Extraction, Source, SourceFormat, SourceStatus

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
    in_place: bool = False  # the database was updated in place (not written anew)
    seconds: float = 0.0
    export_seconds: float = 0.0  # of which writing the graph exports
    wait_seconds: float = 0.0  # of which waiting for the workers' results (reading, extraction)
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


def discover(inputs: Iterable[str | os.PathLike]) -> list[tuple[str, str]]:
    """(display path, file path) for every file vanban reads under the inputs, sorted, each
    file once (the two are the same string: a path as the inputs name it).
    Hidden files and folders (``.cache``) and editor lock files (``~$x``) are skipped;
    a file named explicitly is always taken (it fails later if it is not readable)."""
    return [(d, p) for d, p, _ in _discover(inputs)]


def _discover(inputs: Iterable[str | os.PathLike]) -> list[tuple[str, str, tuple | None]]:
    """:func:`discover` with each file's :func:`_stat_key`, taken in the same pass."""
    inputs = [Path(i) for i in inputs]
    if len(inputs) == 1 and inputs[0].is_dir():  # the common case: nothing to merge
        return sorted((path, path, stat) for path, stat in _walk(str(inputs[0])))
    found: dict[str, tuple[str, str, tuple | None]] = {}
    for p in inputs:
        if p.is_dir():
            # once per folder: a file's own path is its key beneath it (no per-file resolve)
            top, base = str(p), str(p.resolve()).rstrip(os.sep)
            for path, stat in _walk(top):
                found.setdefault(base + path[len(top):], (path, path, stat))
        else:
            try:
                key = str(p.resolve())
            except OSError:
                key = p.as_posix()
            found.setdefault(key, (p.as_posix(), p.as_posix(), _stat_key(p)))
    return sorted(found.values())


def _walk(top: str) -> list[tuple[str, tuple | None]]:
    """(path, stat key) of the readable-looking files under ``top``, in no particular order;
    like ``os.walk``: symbolic links to folders are not followed. One stat call per file is
    the floor of a change check (an edit in place changes the file, not its folder)."""
    found: list[tuple[str, tuple | None]] = []
    stack = [top]
    while stack:
        try:
            with os.scandir(stack.pop()) as it:
                entries = list(it)
        except OSError:
            continue
        for e in entries:
            name = e.name
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not name.startswith(".") and not e.is_symlink():
                    stack.append(e.path)
                continue
            dot = name.rfind(".")  # hidden files (a leading dot) are skipped anyway
            if dot <= 0 or name.startswith("~$") or name[dot:].lower() not in SUFFIXES:
                continue
            try:
                st = e.stat()
                found.append((e.path, (st.st_size, st.st_mtime_ns, st.st_ino)))
            except OSError:
                found.append((e.path, None))
    return found


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
    from pipeline.run.version import extractor_version

    return extract_default, extractor_version()


def extract_default(source: Source) -> Extraction:
    """:func:`pipeline.run.extract.extract_source`, imported on first use: a build with
    nothing to read does not load the extractors."""
    from pipeline.run.extract import extract_source

    return extract_source(source)


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


def _worker_loop(conn, func, warm: Callable[[], None] | None = None) -> None:
    """A pool worker: run ``func`` on each task received until told to stop (``warm`` first)."""
    _one_ocr_worker()
    if warm is not None:
        try:
            os.nice(5)  # a head start taken from idle time: the build's own work comes first
            warm()
        except Exception:  # noqa: BLE001 — only a head start: the task will say what is wrong
            pass
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

    def __init__(self, ctx, func, warm: Callable[[], None] | None = None):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_loop, args=(child, func, warm), daemon=True)
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
    "took over N s". Either way a fresh worker takes the dead one's place. With ``workers=0``
    the budget is kept by an alarm signal in this process (see :func:`run_with_budget`)."""

    spare: list[_Worker] = []

    def start_early(func, warm: Callable[[], None]) -> None:
        """One worker started now, running ``warm``, for the next run: its start-up (the
        extractor loading its vocabularies) overlaps the build's survey of the files."""
        if workers > 0 and not spare:
            spare.append(_Worker(_context(), func, warm))

    def close() -> None:
        """Stop a worker started early that no run took."""
        while spare:
            spare.pop().stop(kill=True)

    def run(func, tasks: list[Task]) -> Iterator[tuple[int, dict]]:
        if workers <= 0:
            return ((i, run_with_budget(func, t, timeout)) for i, t in enumerate(tasks))
        results = pooled(func, tasks)
        next(results)  # the workers are started on their first files now, not when the first result is asked for
        return results

    def pooled(func, tasks: list[Task]) -> Iterator:
        ctx = _context()
        queue = list(range(len(tasks)))[::-1]  # popped from the end: path order
        pool = [spare.pop() if spare else _Worker(ctx, func) for _ in range(min(workers, len(tasks)))]

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
            yield None  # started (see run)
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

    run.start_early, run.close = start_early, close
    return run


class OverBudget(BaseException):
    """Raised by the alarm in the middle of a file's work (not an Exception: work() must not
    record it as an extraction failure)."""


def run_with_budget(func, task: Task, timeout: float | None) -> dict:
    """``func(task)`` in this process, stopped after ``timeout`` seconds by SIGALRM and
    recorded as "took over N s". The alarm exists in the main thread only: elsewhere (a
    thread pool) the call runs without a budget."""
    import signal
    import threading

    if not timeout or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        return func(task)

    def ring(_signum, _frame):
        raise OverBudget()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return func(task)
    except OverBudget:
        return timeout_entry(task, timeout)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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


def _stat_key(p: Path | str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(p)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


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
    exports: str = "wait",
) -> BuildReport:
    """Build ``out`` from every .txt/.pdf under ``inputs``; see the module docstring.

    ``extractor``/``version`` default to :func:`pipeline.run.extract.extract_source` and its
    ``EXTRACTOR_VERSION``; ``runner`` to a process pool of ``workers`` (see
    :mod:`pipeline.run.runners.dask_runner` for a cluster); ``ocr=False`` leaves scans as
    ``needs_ocr``; ``cache_dir`` defaults to ``<out dir>/.cache``; ``timeout`` is each
    file's time budget in seconds (``None``: no limit); ``exports``: the graph exports are
    written before the build returns (``"wait"``), by a detached process once the database
    is committed (``"background"``: they take seconds per 100,000 documents, the update in
    place does not), or not at all (``"none"``).
    """
    t0 = time.perf_counter()
    if extractor is None:
        extractor, ext_version = default_extractor()
        version = version or ext_version
    n = (os.cpu_count() or 1) if workers is None else workers
    run = runner or process_runner(n, timeout)
    if extractor is extract_default and hasattr(run, "start_early") and (os.cpu_count() or 1) > 1:
        run.start_early(work, _warm)  # a spare core: one worker loads the extractor meanwhile
    try:
        return _build(inputs, Path(out), run, progress, ocr, extractor, version, cache_dir, timeout, exports, t0)
    finally:
        getattr(run, "close", lambda: None)()


def _warm() -> None:
    """The default extractor run once on a few lines: its vocabularies and patterns are loaded
    and compiled on first use (about two seconds), here before the first file arrives."""
    extract_default(Source("warm.txt", "", SourceFormat.TXT, [WARM_TEXT]))


WARM_TEXT = """ỦY BAN NHÂN DÂN TỈNH A
Số: 1/KH-UBND
KẾ HOẠCH
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Quyết định số 19/2014/QĐ-TTg;
1. Sở Tài chính chủ trì, phối hợp với Ủy ban nhân dân các xã thực hiện trước ngày 15/9/2025; báo cáo hằng quý.
"""


def _build(inputs, out: Path, run: Runner, progress: bool, ocr: bool, extractor: Extractor, version: str | None,
           cache_dir, timeout: float | None, exports: str, t0: float) -> BuildReport:
    cache_root = Path(cache_dir) if cache_dir else out.parent / ".cache"
    report = BuildReport(out=out)
    full_version = f"{version or '0'}+ingest{INGEST_VERSION}"

    files = _discover(inputs)
    report.sources = len(files)
    manifest_file = _manifest_path(cache_root, out)
    manifest = _load_json(manifest_file)
    recorded, known = _load_files(_files_path(manifest_file))
    survey = _survey(files, known)
    entries = survey.entries
    del files, known
    vkey, key = _keys(entries, full_version, ocr, timeout)
    if manifest.get("key") == key and out.exists() and _same_stat(manifest.get("db"), out):
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

    from pipeline.store.publish import has_schema

    # In place when the database is the one the last build wrote, with the same code and
    # settings: only the sources that changed are published. Otherwise a new file.
    # (the file list is the last build's only if it was recorded with the manifest's key)
    in_place = (out.exists() and manifest.get("vkey") == vkey and _same_stat(manifest.get("db"), out)
                and recorded == manifest.get("key") and has_schema(out))
    todo, removed = survey.changes(in_place)
    cache = ResultCache(cache_root, full_version)
    # The cache is pruned (a walk of every entry) only when results may have fallen out of
    # use: a new file (other code or settings), or content removed or replaced — and then,
    # on an update in place, at most once a day (an unused entry is kept a week anyway).
    prune = not in_place or ((bool(removed) or survey.replaced()) and cache.prune_due())

    # One read per distinct content: the first path (in order) is canonical.
    wanted = {e["sha256"] for e in todo}
    canonical: dict[str, str] = {}
    for e in entries:
        if e["sha256"] in wanted:
            canonical.setdefault(e["sha256"], e["path"])
    tasks: list[Task] = []
    planned: set[str] = set()
    for e in todo:
        sha = e["sha256"]
        if sha in planned:
            continue
        planned.add(sha)
        hit = None if sha.startswith("unreadable:") else cache.get(sha)
        if hit is not None and hit.get("timeout") is not None and (
                timeout is None or timeout > hit["timeout"]):
            hit = None  # it ran out of a shorter budget than it has now: try again
        if hit is None:
            store = None if sha.startswith("unreadable:") else cache_root
            tasks.append((str(e["file"]), sha, ocr, extractor, store, full_version))
    report.cached = len({e["sha256"] for e in entries}) - len(tasks)

    import tqdm as _tqdm

    _tqdm.tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked
    bar = _tqdm.tqdm(total=len(tasks), desc="vanban", unit="file", file=sys.stderr,
                     disable=not progress or not tasks, dynamic_ncols=True)

    def on_result(i: int, entry: dict, waited: float) -> None:
        report.wait_seconds += waited
        if entry.get("timeout") is not None and tasks[i][4] is not None:
            cache.put(tasks[i][1], entry)  # not again until the budget grows
        report.processed += 1
        bar.update(1)

    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out)
    background.stop(out)  # an export of the database as it was: stale, and its read lock would block the commit
    items = _stream(todo, canonical, tasks, _start(run, tasks, timeout), cache, on_result)
    try:
        if in_place:
            from pipeline.store.publish import publish_stream

            publish_stream(items, out, fresh=False, removed=removed)
        else:
            _publish_atomically(items, out)
    finally:
        items.close()
        bar.close()
    report.in_place = in_place
    t_export = time.perf_counter()
    if exports == "background":
        background.start(out)
    elif exports != "none":
        _export_graphs(out)
    report.export_seconds = time.perf_counter() - t_export

    counts = _db_counts(out)
    report.documents = counts.get("documents", 0)
    report.failed = counts.get("status_error", 0)
    report.needs_ocr = counts.get("status_needs_ocr", 0)
    report.duplicates = counts.get("status_duplicate", 0)
    report.errors = _db_errors(out)
    for path, reason in report.errors:
        _say(f"vanban: {path}: {reason}")
    _write_manifest(manifest_file, key, vkey, out, counts, report.errors, (survey.rows, sorted(survey.gone)))
    if prune:
        cache.prune({e["sha256"] for e in entries})
    report.seconds = time.perf_counter() - t0
    return report


def _same_stat(recorded, path: Path) -> bool:
    return recorded is not None and tuple(recorded) == _stat_key(path)


def _files_path(manifest_file: Path) -> Path:
    return manifest_file.with_name(manifest_file.name.removesuffix(".json") + ".files.sqlite")


def _load_files(path: Path) -> tuple[str | None, dict[str, tuple]]:
    """The key of the build that recorded the file list at ``path``, and the list: path →
    (sha256, size, mtime_ns, inode). One read; (None, {}) when there is none."""
    if not path.exists():
        return None, {}
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("select value from meta where name = 'key'").fetchone()
            files = {r[0]: r[1:] for r in con.execute("select path, sha256, size, mtime_ns, ino from files")}
        finally:
            con.close()
    except sqlite3.Error:
        return None, {}
    return (row[0] if row else None), files


def _file_row(path: str, sha: str, stat: tuple | None) -> tuple:
    return (path, sha, *(stat or (None, None, None)))


@dataclass
class _Survey:
    """The files found, against the file list of the last build."""

    entries: list[dict]  # every file: path, file, sha256, stat (in path order)
    rows: list[tuple]  # rows of the file list that are new or differ from the last build's
    gone: dict[str, str]  # path → last sha256, of the files no longer there
    changed: list[tuple[str, str | None, str]]  # (path, last sha256 or None, sha256): content changed

    def changes(self, in_place: bool) -> tuple[list[dict], list[str]]:
        """The sources to publish (in path order) and the paths to remove (``in_place``
        False: everything, into a new file). A path sharing its content with a changed one
        is taken again: which copy is canonical may have moved."""
        if not in_place:
            return self.entries, []
        shas = set(self.gone.values())
        for _path, old, new in self.changed:
            shas.add(new)
            if old is not None:
                shas.add(old)
        return [e for e in self.entries if e["sha256"] in shas], sorted(self.gone)

    def replaced(self) -> bool:
        """Some path's content was replaced (not only new files)."""
        return any(old is not None for _path, old, _new in self.changed)


def _survey(files: list[tuple[str, str, tuple | None]], known: dict[str, tuple]) -> _Survey:
    """Each file's sha256 — reused while its size, mtime and inode stand — and what differs
    from ``known`` (path → (sha256, size, mtime_ns, inode); emptied as it is read)."""
    entries, rows, changed = [], [], []
    for display, p, stat in files:
        old = known.pop(display, None)
        if old is not None and stat is not None and old[1:] == stat:
            sha = old[0]
        else:
            try:
                sha = sha256_file(p)
            except OSError as exc:
                sha = "unreadable:" + hashlib.sha256(f"{display}:{exc}".encode()).hexdigest()
            row = _file_row(display, sha, stat)
            if old is None or old != row[1:]:
                rows.append(row)
            if old is None or old[0] != sha:
                changed.append((display, old[0] if old else None, sha))
        entries.append({"path": display, "file": p, "sha256": sha, "stat": stat})
    return _Survey(entries, rows, {p: f[0] for p, f in known.items()}, changed)


def _write_manifest(path: Path, key: str, vkey: str, out: Path, counts: dict, errors: list,
                    file_changes: tuple[list[tuple], list[str]]) -> None:
    """The file list (a SQLite file beside the manifest, updated by its changes only, in one
    transaction), then the manifest. A crash between the two leaves a manifest whose database
    stamp no longer matches: the next build writes a new database rather than trust either."""
    rows, gone = file_changes
    files = _files_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        _update_files(files, key, rows, gone)
    except sqlite3.DatabaseError:  # unreadable: written anew
        for suffix in ("", "-journal"):
            Path(str(files) + suffix).unlink(missing_ok=True)
        _update_files(files, key, rows, gone)
    write_json_atomic(path, {"key": key, "vkey": vkey, "db": _stat_key(out), "counts": counts, "errors": errors})


def _update_files(files: Path, key: str, rows: list[tuple], gone: list[str]) -> None:
    con = sqlite3.connect(files, isolation_level=None)
    try:
        con.execute("create table if not exists files (path text primary key, sha256 text not null, "
                    "size integer, mtime_ns integer, ino integer)")
        con.execute("create table if not exists meta (name text primary key, value text)")
        con.execute("BEGIN IMMEDIATE")
        con.executemany("delete from files where path = ?", ((p,) for p in gone))
        con.executemany("insert or replace into files values (?, ?, ?, ?, ?)", rows)
        con.execute("insert or replace into meta values ('key', ?)", (key,))
        con.execute("COMMIT")
    finally:
        con.close()


def _keys(entries: list[dict], full_version: str, ocr: bool, timeout: float | None) -> tuple[str, str]:
    """The key of the code and settings, and of those with every (path, sha256)."""
    vkey = hashlib.sha256(json.dumps([full_version, code_fingerprint(), ocr, timeout]).encode()).hexdigest()
    listing = "\0".join([f"{e['path']}\0{e['sha256']}" for e in entries])  # no path holds a NUL
    key = hashlib.sha256(f"{vkey}\0{listing}".encode("utf-8", "surrogatepass")).hexdigest()
    return vkey, key


def adopt_database(inputs: list[Path], out: Path, *, version: str | None = None, ocr: bool = True,
                   timeout: float | None = DEFAULT_TIMEOUT, cache_dir: Path | None = None) -> None:
    """Record ``out`` as the build of ``inputs`` (its manifest), as if :func:`build_database`
    had just written it: for a database published by other means (the scale benchmark writes
    one from templated extraction results), so that the next build updates it in place."""
    out = Path(out)
    cache_root = Path(cache_dir) if cache_dir else out.parent / ".cache"
    if version is None:
        version = default_extractor()[1]
    entries = [{"path": d, "file": p, "sha256": sha256_file(p), "stat": stat} for d, p, stat in _discover(inputs)]
    vkey, key = _keys(entries, f"{version}+ingest{INGEST_VERSION}", ocr, timeout)
    manifest_file = _manifest_path(cache_root, out)
    gone = set(_load_files(_files_path(manifest_file))[1]).difference(e["path"] for e in entries)
    rows = [_file_row(e["path"], e["sha256"], e["stat"]) for e in entries]
    _write_manifest(manifest_file, key, vkey, out, _db_counts(out), _db_errors(out), (rows, sorted(gone)))


def _start(run: Runner, tasks: list[Task], timeout: float | None) -> Iterator[tuple[int, dict]]:
    """The runner's results; a runner that takes a time budget is given the build's."""
    import inspect

    if not tasks:
        return iter(())
    try:
        takes_budget = "timeout" in inspect.signature(run).parameters
    except (TypeError, ValueError):
        takes_budget = False
    return run(work, tasks, timeout=timeout) if takes_budget else run(work, tasks)


def _stream(todo: list[dict], canonical: dict[str, str], tasks: list[Task], results: Iterator,
            cache: ResultCache, on_result: Callable[[int, dict, float], None]):
    """``(source row, Extraction or None)`` for each source to publish, in path order, as the
    workers finish them: a worker's result is held only until the paths with its content have
    gone by, a cached one is read when its turn comes — never the whole corpus at once."""
    index = {t[1]: i for i, t in enumerate(tasks)}
    left: dict[str, int] = {}
    for e in todo:
        left[e["sha256"]] = left.get(e["sha256"], 0) + 1
    held: dict[str, dict] = {}
    try:
        for e in todo:
            sha, path = e["sha256"], e["path"]
            if sha in index:
                while sha not in held:
                    t = time.perf_counter()
                    i, entry = next(results)
                    on_result(i, entry, time.perf_counter() - t)
                    held[tasks[i][1]] = entry
                entry = held[sha]
            else:
                entry = cache.get(sha) or _crash_entry((path, sha))
            left[sha] -= 1
            if not left[sha]:
                held.pop(sha, None)
            row = {**entry["source"], "path": path}
            if canonical[sha] != path and row["status"] == SourceStatus.OK.value:
                row.update(status=SourceStatus.DUPLICATE.value, error=f"same content as {canonical[sha]}")
            extraction = None
            if entry.get("extraction") is not None:
                extraction = extraction_from_json(entry["extraction"])
                extraction.contract = {**extraction.contract, "source": {
                    **(extraction.contract.get("source") or {}), "path": path, "sha256": sha,
                    "format": row["format"], "pages": row["pages"]}}
            yield row, extraction
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops the workers when publishing failed half-way


def _db_errors(db: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [(p, r) for p, r in con.execute(
            "select path, coalesce(error, status) from sources where status in ('error', 'needs_ocr') "
            "order by path")]
    finally:
        con.close()


def _export_graphs(out: Path) -> None:
    """GraphML, GEXF and JSON beside the database (``vanban.db`` → ``vanban.graphml`` …)."""
    from pipeline.store.graph import export_database

    try:
        export_database(out)
    except Exception as exc:  # the database is in place; a failed export must not undo it
        _say(f"vanban: {out}: graph export failed: {type(exc).__name__}: {exc}")


def _publish_atomically(items, out: Path) -> None:
    """A new database written beside the old one, then swapped in."""
    from pipeline.store.publish import publish_stream

    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        publish_stream(items, tmp, fresh=True)
        with open(tmp, "rb+") as fh:  # on disk before it takes the old one's place
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
