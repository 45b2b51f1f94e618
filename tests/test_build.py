"""The batch build: incremental by content hash, parallel with the same result for any N,
atomic (a killed build leaves the previous database), and pluggable runners."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import build_fixtures as bf
from pdf_fixtures import ROOT
import pipeline.run.build as build_module
from pipeline.run.build import build_database, discover
from pipeline.store import background

SEEDS = ROOT / "tests" / "fixtures" / "seeds"
TESTS = ROOT / "tests"


@pytest.fixture(autouse=True)
def steady_code(monkeypatch):
    """Other work on the tree changes the code fingerprint (which re-publishes); hold it."""
    monkeypatch.setattr(build_module, "code_fingerprint", lambda: "test")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_corpus(root: Path, n: int = 6) -> Path:
    """``n`` small documents: the seeds with their numbers varied, as .txt and one PDF."""
    raw = root / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(n):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (raw / f"doc {i:02d}.txt").write_text(f"Số: {100 + i}/KH-UBND\n" + text, encoding="utf-8")
    shutil.copy(ROOT / "data" / "raw" / "002_a91ec36326a737e9.pdf", raw / "Kế hoạch 314.pdf")
    return raw


def build(raw: Path, db: Path, **kw):
    kw.setdefault("workers", 0)
    kw.setdefault("extractor", bf.standin_extract)
    kw.setdefault("version", bf.VERSION)
    return build_database([raw], db, progress=False, **kw)


def source_paths(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [Path(p).name for (p,) in con.execute("select path from sources order by path")]
    finally:
        con.close()


def test_discover_walks_folders_in_order(tmp_path):
    raw = make_corpus(tmp_path, 3)
    (raw / "sub").mkdir()
    (raw / "sub" / "b.TXT").write_text("x")
    (raw / ".cache").mkdir()
    (raw / ".cache" / "hidden.txt").write_text("x")
    (raw / "~$lock.txt").write_text("x")
    (raw / "notes.xlsx").write_text("x")  # not a format vanban reads
    names = [d for d, _ in discover([raw, raw / "doc 00.txt"])]
    assert names == sorted(names)
    assert [Path(n).name for n in names] == ["Kế hoạch 314.pdf", "doc 00.txt", "doc 01.txt", "doc 02.txt", "b.TXT"]


def test_incremental_rebuild(tmp_path):
    raw, db = make_corpus(tmp_path), tmp_path / "out" / "v.db"
    first = build(raw, db)
    assert (first.processed, first.cached, first.unchanged) == (7, 0, False)
    assert first.documents == 7

    again = build(raw, db)  # nothing changed: the database is left as it was
    assert again.unchanged and again.processed == 0 and again.documents == 7

    (raw / "doc 06.txt").write_text("Số: 999/KH-UBND\nMột văn bản mới về kế hoạch.", encoding="utf-8")
    (raw / "doc 01.txt").write_text("Số: 555/KH-UBND\nNội dung đã sửa đổi.", encoding="utf-8")
    (raw / "doc 02.txt").unlink()
    changed = build(raw, db)
    assert (changed.processed, changed.cached, changed.unchanged) == (2, 5, False)
    names = source_paths(db)
    assert "doc 02.txt" not in names and "doc 06.txt" in names and len(names) == 7

    bumped = build(raw, db, version="stand-in-2")  # a new extractor version re-runs all
    assert (bumped.processed, bumped.cached) == (7, 0)


def graph_documents(db: Path) -> set[str]:
    data = json.loads(db.with_suffix(".json").read_text(encoding="utf-8"))
    return {n["number"] for n in data["nodes"] if n["kind"] == "document" and n.get("ingested")}


def test_every_build_writes_the_graph_exports_beside_the_database(tmp_path):
    raw, db = make_corpus(tmp_path, 2), tmp_path / "out" / "v.db"
    build(raw, db)
    for fmt in ("graphml", "gexf", "json"):
        assert db.with_suffix(f".{fmt}").stat().st_size > 0
    assert {"100/KH-UBND", "101/KH-UBND"} <= graph_documents(db)
    gexf = db.with_suffix(".gexf").read_text(encoding="utf-8")
    assert "101/KH-UBND" in gexf and "<gexf" in gexf

    (raw / "doc 01.txt").unlink()
    (raw / "doc 05.txt").write_text("Số: 505/KH-UBND\nmới", encoding="utf-8")
    build(raw, db)
    numbers = graph_documents(db)
    assert "505/KH-UBND" in numbers and "101/KH-UBND" not in numbers

    db.with_suffix(".gexf").unlink()  # a no-change run puts back a missing export
    assert build(raw, db).unchanged and db.with_suffix(".gexf").exists()


def test_export_command_writes_the_chosen_format(tmp_path):
    from click.testing import CliRunner
    from pipeline.cli import main

    raw, db = make_corpus(tmp_path, 1), tmp_path / "v.db"
    build(raw, db)
    for fmt, marker in (("graphml", "<graphml"), ("gexf", "<gexf"), ("json", '"nodes"')):
        target = tmp_path / f"g.{fmt}"
        result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", fmt, "--out", str(target)])
        assert result.exit_code == 0, result.output
        assert marker in target.read_text(encoding="utf-8")


def test_renamed_file_reuses_its_cached_result(tmp_path):
    raw, db = make_corpus(tmp_path, 3), tmp_path / "v.db"
    build(raw, db)
    (raw / "doc 00.txt").rename(raw / "đổi tên.txt")
    report = build(raw, db)
    assert report.processed == 0 and report.cached == 4 and not report.unchanged
    assert "đổi tên.txt" in source_paths(db)


def test_touched_file_keeps_its_hash_and_result(tmp_path):
    raw, db = make_corpus(tmp_path, 2), tmp_path / "v.db"
    build(raw, db)
    os.utime(raw / "doc 00.txt")  # new mtime, same bytes
    report = build(raw, db)
    assert report.unchanged


def test_database_is_identical_for_any_number_of_workers(tmp_path):
    raw = make_corpus(tmp_path, 8)
    digests = set()
    for workers in (0, 1, 2, 3):
        db = tmp_path / f"w{workers}" / "v.db"
        build(raw, db, workers=workers)
        digests.add(sha(db))
    assert len(digests) == 1


def test_duplicate_content_is_one_document_two_sources(tmp_path):
    raw, db = make_corpus(tmp_path, 2), tmp_path / "v.db"
    shutil.copy(raw / "doc 01.txt", raw / "doc 01 (bản sao).txt")
    report = build(raw, db)
    con = sqlite3.connect(db)
    rows = con.execute("select path, status, error, document_id from sources where path like '%doc 01%' order by path").fetchall()
    # the first name in path order holds the document ("doc 01 (…" < "doc 01.txt")
    assert [r[1] for r in rows] == ["ok", "duplicate"]
    assert rows[1][2] == f"same content as {raw / 'doc 01 (bản sao).txt'}"
    assert rows[0][3] == rows[1][3] is not None  # both point at the one document
    assert report.duplicates == 1 and report.processed == 3  # the copy was not read again


def test_extractor_failure_is_recorded_and_the_batch_goes_on(tmp_path, capfd):
    raw, db = make_corpus(tmp_path, 2), tmp_path / "v.db"
    (raw / "boom.txt").write_text("Số: 1/KH-UBND\nnội dung", encoding="utf-8")
    report = build(raw, db, workers=2, extractor=bf.failing_extract)
    assert report.failed == 1 and report.documents == 3
    assert f"vanban: {raw / 'boom.txt'}: extraction failed: ValueError: extractor bug" in capfd.readouterr().err


def test_a_crashing_reader_costs_only_its_file(tmp_path):
    raw, db = make_corpus(tmp_path, 4), tmp_path / "v.db"
    (raw / "crash.txt").write_text("Số: 2/KH-UBND\nnội dung", encoding="utf-8")
    report = build(raw, db, workers=2, extractor=bf.crashing_extract)
    con = sqlite3.connect(db)
    status = dict(con.execute("select path, status from sources").fetchall())
    assert status[str(raw / "crash.txt")] == "error"
    assert sum(s == "ok" for s in status.values()) == 5 and report.documents == 5


def _dask_sync():
    from pipeline.run.runners.dask_runner import dask_runner

    return dask_runner(scheduler="sync", batch=2)


@pytest.mark.parametrize("workers, runner", [(1, None), (2, None), (0, None), (0, _dask_sync)])
def test_a_document_over_its_time_budget_is_recorded_and_the_batch_goes_on(tmp_path, capfd, workers, runner):
    raw, db = make_corpus(tmp_path, 4), tmp_path / "v.db"
    (raw / "a stall.txt").write_text("Số: 3/KH-UBND\nnội dung", encoding="utf-8")
    report = build(raw, db, workers=workers, extractor=bf.stalling_extract, timeout=0.5,
                   runner=runner() if runner else None)
    con = sqlite3.connect(db)
    rows = dict((Path(p).name, (s, e)) for p, s, e in con.execute("select path, status, error from sources"))
    con.close()
    assert rows["a stall.txt"] == ("error", "took over 0.5 s")
    # the stalled worker was replaced: every other file still got read (with one worker too)
    assert sum(s == "ok" for s, _ in rows.values()) == 5 and report.documents == 5
    assert f"vanban: {raw / 'a stall.txt'}: took over 0.5 s" in capfd.readouterr().err


def test_a_timed_out_document_is_tried_again_under_a_larger_budget(tmp_path):
    raw, db = make_corpus(tmp_path, 1), tmp_path / "v.db"
    (raw / "stall.txt").write_text("Số: 3/KH-UBND\nnội dung", encoding="utf-8")
    build(raw, db, workers=1, extractor=bf.stalling_extract, timeout=0.3)
    (raw / "other.txt").write_text("Số: 4/KH-UBND\nkhác", encoding="utf-8")
    same = build(raw, db, workers=1, extractor=bf.stalling_extract, timeout=0.3)
    assert same.processed == 1  # only the new file: the timeout is remembered
    larger = build(raw, db, workers=1, extractor=bf.standin_extract, timeout=5)
    assert larger.processed == 1 and larger.failed == 0


def test_progress_bar_on_stderr(tmp_path, capfd):
    raw = make_corpus(tmp_path, 2)
    build_database([raw], tmp_path / "v.db", workers=0, progress=True,
                   extractor=bf.standin_extract, version=bf.VERSION)
    captured = capfd.readouterr()
    assert "3/3" in captured.err and captured.out == ""


# --- atomic: kill the build at any moment -----------------------------------------------------

KILLER = """
import sys, time
sys.path[:0] = [{tests!r}, {root!r}]
from pathlib import Path
import build_fixtures as bf
import pipeline.store.incremental as I
import pipeline.run.build as B
from pipeline.run.build import build_database

B.code_fingerprint = lambda: "test"     # as in this test run: the build updates in place

stage = {stage!r}
def hold(word):
    print(word, flush=True); time.sleep(60)
if stage == "mid-publish":              # rows of the new source written, not committed
    I.ON_SOURCE = lambda: hold("PUBLISHING")
if stage == "before-commit":            # every table brought up to date, not committed
    I.BEFORE_COMMIT = lambda: hold("PUBLISHED")
build_database([Path({raw!r})], Path({db!r}), workers={workers}, progress=False,
               extractor=bf.slow_extract, version=bf.VERSION)
print("DONE", flush=True)
"""


@pytest.mark.parametrize("stage, signal_word, workers", [
    ("extracting", "EXTRACTING", 1),
    ("extracting", "EXTRACTING", 2),
    ("mid-publish", "PUBLISHING", 2),
    ("before-commit", "PUBLISHED", 1),
])
def test_killing_the_build_leaves_the_previous_database(tmp_path, stage, signal_word, workers):
    raw, db = make_corpus(tmp_path, 3), tmp_path / "out" / "v.db"
    build(raw, db)
    before = sha(db)
    (raw / "new.txt").write_text("Số: 77/KH-UBND\nvăn bản mới", encoding="utf-8")
    script = KILLER.format(tests=str(TESTS), root=str(ROOT), stage=stage, raw=str(raw), db=str(db),
                           workers=workers)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "VANBAN_TEST_SLEEP": "30" if stage == "extracting" else "0"},
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line or line.startswith(signal_word):
                break
        assert line.startswith(signal_word), f"the build never reached {stage}"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, at once
        proc.wait(timeout=30)
    assert sha(db) == before
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert "new.txt" not in source_paths(db)
    con.close()
    # and the next build cleans up after the killed one
    report = build(raw, db)
    assert "new.txt" in source_paths(db) and report.documents == 5
    assert not list(db.parent.glob(".v.db.tmp-*"))


# --- runners ----------------------------------------------------------------------------------

def test_dask_runner_gives_the_same_database(tmp_path):
    from pipeline.run.runners.dask_runner import dask_runner

    raw = make_corpus(tmp_path, 5)
    build(raw, tmp_path / "pool" / "v.db", workers=2)
    report = build(raw, tmp_path / "dask" / "v.db", runner=dask_runner(scheduler="sync", batch=2))
    assert report.processed == 6
    assert sha(tmp_path / "dask" / "v.db") == sha(tmp_path / "pool" / "v.db")


def test_dask_local_cluster_gives_the_same_database(tmp_path):
    """The per-file stage on a real distributed cluster: two worker processes, tasks and
    results pickled across, as on many machines."""
    from dask.distributed import Client, LocalCluster
    from pipeline.run.runners.dask_runner import dask_runner

    raw = make_corpus(tmp_path, 5)
    build(raw, tmp_path / "pool" / "v.db", workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        report = build(raw, tmp_path / "dask" / "v.db", runner=dask_runner(client=client))
        pids = set(client.run(os.getpid).values())
    assert report.processed == 6 and report.failed == 0
    assert os.getpid() not in pids and len(pids) == 2  # the work ran in the cluster's processes
    assert sha(tmp_path / "dask" / "v.db") == sha(tmp_path / "pool" / "v.db")


def test_real_extractor_builds_the_seeds(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sorted(SEEDS.glob("*.txt"))[:3]:
        shutil.copy(p, raw / p.name)
    report = build_database([raw], tmp_path / "v.db", workers=1, progress=False)
    assert report.failed == 0 and report.documents >= 2


def _warm() -> None:
    import build_fixtures  # noqa: F401
    import pipeline.read.ingest  # noqa: F401
    import pipeline.run.build  # noqa: F401


def test_dask_local_cluster_keeps_the_time_budget(tmp_path):
    """On a cluster a stalled file is recorded as over its budget and the others still land."""
    from dask.distributed import Client, LocalCluster
    from pipeline.run.runners.dask_runner import dask_runner

    raw = make_corpus(tmp_path, 3)
    (raw / "a stall.txt").write_text("Số: 3/KH-UBND\nnội dung", encoding="utf-8")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(_warm)  # imports done before the clock starts: the budget is the file's alone
        report = build(raw, tmp_path / "v.db", runner=dask_runner(client=client), extractor=bf.stalling_extract,
                       timeout=3)
    con = sqlite3.connect(tmp_path / "v.db")
    rows = dict((Path(p).name, (s, e)) for p, s, e in con.execute("select path, status, error from sources"))
    con.close()
    assert rows["a stall.txt"] == ("error", "took over 3 s")
    assert report.documents == 4 and sum(s == "ok" for s, _ in rows.values()) == 4


def test_an_update_in_place_equals_a_fresh_build(tmp_path):
    """New, changed and removed files through the build: the rows of a build from nothing,
    and a new document takes the citations that waited for it."""
    from test_incremental import table_rows

    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(4):
        (raw / f"d{i}.txt").write_text(f"Số: {10 + i}/KH-UBND\ncăn cứ {20 + i}/KH-UBND\ncăn cứ 10/KH-UBND\n",
                                       encoding="utf-8")
    live = tmp_path / "live" / "v.db"
    build(raw, live, extractor=bf.citing_extract)
    (raw / "d9.txt").write_text("Số: 21/KH-UBND\ncăn cứ 13/KH-UBND\n", encoding="utf-8")  # cited by d1
    (raw / "d2.txt").write_text("Số: 12/KH-UBND\ncăn cứ 11/KH-UBND\n", encoding="utf-8")
    (raw / "d3.txt").unlink()
    report = build(raw, live, extractor=bf.citing_extract)
    assert (report.processed, report.cached) == (2, 2)
    scratch = tmp_path / "scratch" / "v.db"
    build(raw, scratch, extractor=bf.citing_extract)
    got, want = table_rows(live), table_rows(scratch)
    assert {k: v for k, v in got.items() if k != "sqlite_stat1"} == want
    con = sqlite3.connect(live)
    assert con.execute("select ingested, in_degree from documents where number = '21/KH-UBND'").fetchone() == (1, 1)
    # the removed d3 is still cited (by d9): a stub row again
    assert con.execute("select ingested, in_degree from documents where number = '13/KH-UBND'").fetchone() == (0, 1)
    con.close()


def test_exports_in_the_background_land_beside_the_database(tmp_path):
    raw, db = make_corpus(tmp_path, 2), tmp_path / "v.db"
    report = build(raw, db, exports="background")
    assert report.documents == 3
    deadline = time.monotonic() + 60
    def done() -> bool:  # the files in place, and the export's pid file taken away
        return all(db.with_suffix(f".{f}").exists() for f in ("graphml", "gexf", "json")) \
            and not background.pid_path(db).exists()

    while time.monotonic() < deadline and not done():
        time.sleep(0.2)
    assert done()
    assert {"100/KH-UBND", "101/KH-UBND"} <= graph_documents(db)


# A reader holding the database's read lock, as a long export does (about a minute at 100,000
# documents), named like the export module; it says "ready" once it holds the lock.
_HOLD = textwrap.dedent("""
    import sqlite3, sys, time
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("begin")
    con.execute("select count(*) from documents").fetchone()
    print("ready", flush=True)
    time.sleep(120)
""")


def test_an_update_stops_an_export_still_reading_the_database_as_it_was(tmp_path):
    raw, db = make_corpus(tmp_path, 2), tmp_path / "v.db"
    build(raw, db, exports="none")
    reader = subprocess.Popen([sys.executable, "-c", _HOLD, str(db), "pipeline.store.background"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "ready"
        background.pid_path(db).write_text(str(reader.pid))
        (raw / "doc 05.txt").write_text("Số: 105/KH-UBND\n" + sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8"),
                                        encoding="utf-8")
        report = build(raw, db, exports="none")  # without the stop: "database is locked" at the commit
        assert report.in_place and report.documents == 4
        reader.wait(timeout=10)  # stopped (it would sleep two minutes); reaped by the stop
        assert not background.pid_path(db).exists()
    finally:
        if reader.poll() is None:
            reader.kill()


def test_a_pid_file_of_another_program_is_not_signalled(tmp_path):
    db = tmp_path / "v.db"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        background.pid_path(db).write_text(str(other.pid))
        assert background.stop(db) is False
        assert other.poll() is None
        assert not background.pid_path(db).exists()  # stale: removed
    finally:
        other.kill()


def test_an_update_in_place_walks_the_cache_at_most_once_a_day(tmp_path):
    raw, db = make_corpus(tmp_path, 3), tmp_path / "v.db"
    build(raw, db, exports="none")
    cache = tmp_path / ".cache"
    stale = cache / f"{'0' * 64}-an_older_version.json"  # what a prune removes
    stale.write_text("{}", encoding="utf-8")
    (raw / "doc 00.txt").unlink()
    assert build(raw, db, exports="none").in_place
    assert stale.exists()  # pruned less than a day ago: no walk of every entry
    os.utime(cache / ".pruned", (time.time() - 2 * 86400,) * 2)
    (raw / "doc 01.txt").unlink()
    assert build(raw, db, exports="none").in_place
    assert not stale.exists()


def test_the_extractor_version_covers_code_in_subpackages(tmp_path, monkeypatch):
    import pipeline.run.version as version

    for rel in ("extractors/agencies/scan.py", "extractors/header.py", "gazetteer/kinds.yml",
                "pipeline/text/normalize.py", "pipeline/run/extract.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(version, "_ROOT", tmp_path)
    before = version.extractor_version.__wrapped__()
    (tmp_path / "extractors/agencies/scan.py").write_text("x = 2\n", encoding="utf-8")
    assert version.extractor_version.__wrapped__() != before


_WARMED = []


def _warm_note() -> None:
    _WARMED.append(True)


def _double_and_warmed(task):
    return {"value": task * 2, "warmed": bool(_WARMED)}


def test_a_worker_started_early_takes_the_first_files_or_is_stopped():
    import multiprocessing

    run = build_module.process_runner(2)
    run.start_early(_double_and_warmed, _warm_note)
    got = sorted(run(_double_and_warmed, [1, 2, 3]))
    assert [r["value"] for _, r in got] == [2, 4, 6]
    assert any(r["warmed"] for _, r in got) and not all(r["warmed"] for _, r in got)  # one of the two was early
    run.start_early(_double_and_warmed, _warm_note)  # a build that finds nothing to read
    run.close()
    assert multiprocessing.active_children() == []
