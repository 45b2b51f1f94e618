#!/usr/bin/env python3
"""Scale benchmark: a generated corpus of many small text documents that cite each other.

    python bench/scale.py --docs 100000 --real-docs 5000 --record     # make bench-scale

Documents come from templates (no corpus text): plans, decisions and letters of many
provinces, each citing a law every document cites, the document it implements (a
binary tree of citations, so chains are ~log2(N) deep) and its predecessor.

Two corpora, each measure in a fresh process for its own peak RSS:

* ``--docs`` (100,000): the DATABASE is written directly from templated extraction results
  (:func:`template_extraction`: the contract the template describes, with its text), through
  the real publisher (:func:`pipeline.store.publish.publish_stream`), bypassing reading and
  text extraction — a real first build of 100,000 files would take hours on a shared 2-core
  machine. The database is then adopted as the build of the corpus folder
  (:func:`pipeline.run.build.adopt_database`), so what follows are real ``build_database``
  runs: the re-run with nothing changed, the build after adding one document (read and
  extracted for real, published in place), and the chain query (``vanban chain``).
* ``--real-docs`` (5,000): a real first build (cold cache, every file read and extracted),
  with its documents per second, then its no-change and add-one runs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(os.environ.get("VANBAN_SCALE_WORK") or ROOT / "data" / "out" / "bench" / "scale")

PROVINCES = ["Lâm Đồng", "Gia Lai", "Nghệ An", "Bình Định", "Thái Bình", "Cà Mau", "Yên Bái", "Sơn La",
             "Lào Cai", "Bến Tre", "Quảng Nam", "Đắk Lắk"]
KINDS = [("KH", "KẾ HOẠCH", "Kế hoạch"), ("QĐ", "QUYẾT ĐỊNH", "Quyết định"), ("CV", None, "Công văn")]
TOPICS = ["cải cách hành chính", "chuyển đổi số", "phòng chống thiên tai", "an toàn thực phẩm",
          "phát triển du lịch", "bảo vệ môi trường", "xây dựng nông thôn mới", "phổ biến giáo dục pháp luật"]
AGENCIES = ["Sở Nội vụ", "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Công an tỉnh",
            "Sở Văn hóa, Thể thao và Du lịch", "Sở Nông nghiệp và Môi trường"]


def _meta(i: int) -> dict:
    """Number, kind, province and date of document ``i`` (1-based), the same every time."""
    rng = random.Random(i)
    code, heading, name = KINDS[i % len(KINDS)]
    year = 2015 + (i * 7919) % 11
    return {"n": i, "code": code, "heading": heading, "name": name,
            "province": PROVINCES[i % len(PROVINCES)], "year": year,
            "d": rng.randint(1, 28), "m": rng.randint(1, 12), "topic": rng.choice(TOPICS)}


def number(meta: dict) -> str:
    symbol = "UBND" if meta["code"] == "CV" else f"{meta['code']}-UBND"
    return f"{meta['n']}/{symbol}"


def _citation(meta: dict) -> str:
    return (f"{meta['name']} số {number(meta)} ngày {meta['d']:02d} tháng {meta['m']} năm {meta['year']} "
            f"của Ủy ban nhân dân tỉnh {meta['province']}")


def document(i: int) -> str:
    me = _meta(i)
    rng = random.Random(-i)
    lines = ["ỦY BAN NHÂN DÂN", f"TỈNH {me['province'].upper()}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "Độc lập - Tự do - Hạnh phúc", f"Số: {number(me)}",
             f"{me['province']}, ngày {me['d']:02d} tháng {me['m']} năm {me['year']}"]
    if me["heading"]:
        lines += [me["heading"], f"Về việc triển khai công tác {me['topic']} năm {me['year']}"]
    else:
        lines += [f"V/v triển khai công tác {me['topic']} năm {me['year']}"]
    lines.append("Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;")
    for j in sorted({i // 2, i - 1} - {0}):
        lines.append(f"Căn cứ {_citation(_meta(j))};")
    a, b = rng.sample(AGENCIES, 2)
    lines += [
        f"1. {a} chủ trì, phối hợp với {b} xây dựng kế hoạch {me['topic']}, báo cáo kết quả "
        f"trước ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{me['year'] + 1}.",
        f"2. Ủy ban nhân dân các huyện, thành phố tổ chức thực hiện, định kỳ hằng quý báo cáo {a}.",
        f"3. {b} theo dõi, đôn đốc việc thực hiện; tổng hợp, báo cáo trong tháng 12 năm {me['year']}.",
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", f"Nguyễn Văn {chr(65 + i % 26)}n",
    ]
    return "\n".join(lines) + "\n"


def make_scale_corpus(folder: Path, docs: int) -> int:
    """``docs`` text files in ``folder`` (in sub-folders of 1,000); only missing ones are written."""
    made = 0
    for i in range(1, docs + 1):
        p = folder / f"{(i - 1) // 1000:03d}" / f"doc-{i:06d}.txt"
        if p.exists():
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(document(i), encoding="utf-8")
        made += 1
    for extra in folder.glob("added-*.txt"):  # the add-one document of a previous run
        extra.unlink()
    return made


def _rss() -> tuple[float, float]:
    import resource

    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


def _child_build(folder: str, out: str, workers: int, exports: str = "wait") -> None:
    from pipeline.run.build import build_database

    t = time.perf_counter()
    report = build_database([Path(folder)], Path(out), workers=workers, progress=False, ocr=False,
                            exports=exports)
    seconds = time.perf_counter() - t
    own, kids = _rss()
    print(json.dumps({"seconds": seconds, "in_build": report.seconds, "exports": report.export_seconds,
                      "extraction_wait": report.wait_seconds,
                      "documents": report.documents, "processed": report.processed,
                      "unchanged": report.unchanged, "in_place": report.in_place,
                      "rss_mb": own, "worker_rss_mb": kids}))


def _child_write(folder: str, out: str) -> None:
    from pipeline.store.graph import export_database

    t = time.perf_counter()
    docs = write_database(Path(folder), Path(out))
    t_export = time.perf_counter()
    export_database(Path(out))  # as a build leaves them
    seconds = time.perf_counter() - t
    own, kids = _rss()
    print(json.dumps({"seconds": seconds, "in_build": seconds, "exports": time.perf_counter() - t_export,
                      "documents": docs,
                      "processed": docs, "unchanged": False, "in_place": False,
                      "rss_mb": own, "worker_rss_mb": kids}))


def _child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        sys.exit(f"bench: {args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def build(folder: Path, out: Path, workers: int, exports: str = "wait") -> dict:
    return _child(["--child-build", str(folder), str(out), str(workers), exports])


# --- the database straight from the templates ----------------------------------------------

def _issuer(meta: dict) -> dict:
    return {"name": f"Ủy ban nhân dân tỉnh {meta['province']}", "locality": meta["province"]}


def template_extraction(i: int, path: str, text: str):
    """What the template of document ``i`` says, as an Extraction: the header, the law, the
    two documents it rests on, its agencies, three tasks and their deadlines (no extractor run)."""
    from pipeline.core.models import Extraction, NormalisedText

    me = _meta(i)
    rng = random.Random(-i)
    # As the extractors read the template (the law's issuer from its symbol; a letter's own
    # kind unnamed in its header), so a real read of one more document joins the same rows.
    cites = [{"doc_type": "Luật", "number": "72/2025/QH15", "issuer": {"name": "Quốc hội", "locality": None},
              "issued_date": None,
              "title": "Luật Tổ chức chính quyền địa phương", "relation": "based_on", "mentions": 1}]
    for j in sorted({i // 2, i - 1} - {0}):
        m = _meta(j)
        cites.append({"doc_type": m["code"], "number": number(m), "issuer": _issuer(m),
                      "issued_date": f"{m['year']}-{m['m']:02d}-{m['d']:02d}", "title": None,
                      "relation": "based_on", "mentions": 1})
    a, b = rng.sample(AGENCIES, 2)
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    due = {"text": f"trước ngày {day}/{month}/{me['year'] + 1}", "start": None,
           "end": f"{me['year'] + 1}-{month:02d}-{day:02d}", "recurrence": None}
    yearly = {"text": f"trong tháng 12 năm {me['year']}", "start": None, "end": f"{me['year']}-12",
              "recurrence": None}
    local = lambda name, role: {"name": name, "locality": me["province"], "role": role}  # noqa: E731
    lines = text.splitlines()
    tasks = [
        {"ref": "1", "text": lines[-7][3:], "agencies": [local(a, "lead"), local(b, "coordinate")], "deadline": due},
        {"ref": "2", "text": lines[-6][3:], "agencies": [local("Ủy ban nhân dân các huyện, thành phố", "responsible")],
         "deadline": None},
        {"ref": "3", "text": lines[-5][3:], "agencies": [local(b, "direct")], "deadline": yearly},
    ]
    contract = {
        "schema": "vanban.extraction/1", "source": {"path": path, "format": "txt", "pages": 1},
        "document": {"doc_type": me["code"] if me["heading"] else None, "number": number(me), "issuer": _issuer(me), "place": me["province"],
                     "issued_date": f"{me['year']}-{me['m']:02d}-{me['d']:02d}",
                     "title": f"Về việc triển khai công tác {me['topic']} năm {me['year']}",
                     "signer": {"name": lines[-1], "position": "Phó Chủ tịch", "authority": "KT. CHỦ TỊCH"}},
        "citations": cites, "standards": [],
        "agencies": [{"name": c["issuer"]["name"], "locality": c["issuer"]["locality"], "mentions": 1}
                     for c in cites[1:]] + [{"name": n, "locality": me["province"], "mentions": 2} for n in (a, b)]
                    + [{"name": "Ủy ban nhân dân các huyện, thành phố", "locality": me["province"], "mentions": 1},
                       {"name": _issuer(me)["name"], "locality": me["province"], "mentions": 1}],
        "tasks": tasks, "deadlines": [due, yearly], "warnings": [],
    }
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    body = "\n".join(lines)
    return Extraction(contract, _provenance(contract, body), NormalisedText(body, len(body), starts,
                                                                           [(1, k) for k in range(len(lines))]))


def _provenance(contract: dict, body: str) -> dict:
    """Where each item is printed, as an extractor gives it (so publishing need not search)."""
    from pipeline.core.models import Span

    def at(needle: str | None) -> list:
        k = body.find(needle) if needle else -1
        return [Span(k, k + len(needle), 1, needle)] if k >= 0 else []

    return {"citations": [at(c["number"]) for c in contract["citations"]],
            "agencies": [at(a["name"]) for a in contract["agencies"]],
            "tasks": [at(t["text"]) for t in contract["tasks"]],
            "deadlines": [at(d["text"]) for d in contract["deadlines"]]}


def write_database(folder: Path, out: Path) -> int:
    """The database of ``folder``'s generated files written from their templates (see the module
    docstring), then adopted as the build of the folder."""
    import hashlib

    from pipeline.run.build import adopt_database, discover
    from pipeline.store.publish import publish_stream

    def items():
        for display, f in discover([folder]):
            p = Path(f)
            data = p.read_bytes()
            i = int(p.stem.rsplit("-", 1)[-1])
            yield ({"path": display, "sha256": hashlib.sha256(data).hexdigest(), "format": "txt", "pages": 1,
                    "status": "ok", "error": None},
                   template_extraction(i, display, data.decode("utf-8")))

    out.parent.mkdir(parents=True, exist_ok=True)
    n = publish_stream(items(), out, fresh=True)
    adopt_database([folder], out, ocr=False)
    return n


def chain_ms(db: Path, docs: int, tries: int = 20) -> dict:
    """40 chain queries (each a connection of its own, as ``vanban chain`` makes), run twice:
    first with the pages as the build left them in the OS cache, then again with them cached."""
    from pipeline.store.chain import chain_lines

    rng = random.Random(5)
    queries = []
    for _ in range(tries):
        i = rng.randint(docs // 2, docs)
        queries += [("cited", i), ("citing", max(1, i // 64))]
    passes = []
    for _ in range(2):
        times, sizes = [], []
        for direction, target in queries:
            t = time.perf_counter()
            lines = chain_lines(db, number(_meta(target)), direction)
            times.append(1000 * (time.perf_counter() - t))
            sizes.append(len(lines))
        passes.append({"median_ms": statistics.median(times), "max_ms": max(times),
                       "median_lines": statistics.median(sizes)})
    return {**passes[0], "again": passes[1]}


def _measure(corpus: Path, db: Path, docs: int, workers: int, first: str, say, reuse: bool = False) -> dict:
    """First build (``first``: "write" from the templates, or "build" for real), no-change
    re-run, add one document, chain queries."""
    import shutil

    for extra in corpus.glob("added-*.txt"):
        extra.unlink()
    saved = db.parent.parent / f"first-{first}-{docs}.json"
    r = {}
    if reuse and db.exists() and saved.exists():
        # The first build as measured before; the database brought up to this code's version
        # (written from the templates: adopted again; built: republished from the cache).
        r["first"] = json.loads(saved.read_text(encoding="utf-8"))
        say(f"bench: {docs}: reusing {db} (first build measured before: {r['first']['seconds']:.0f} s)")
        if first == "write":
            _child(["--child-adopt", str(corpus), str(db)])
        else:
            build(corpus, db, workers)
    else:
        shutil.rmtree(db.parent, ignore_errors=True)
        say(f"bench: {docs}: first build ({first}) …")
        r["first"] = _child(["--child-write", str(corpus), str(db)]) if first == "write" else build(corpus, db, workers)
        saved.write_text(json.dumps(r["first"]), encoding="utf-8")
    say(f"bench: {r['first']}")
    for _ in range(3):  # a run right after a code edit re-publishes; the next is the no-change one
        r["nochange"] = build(corpus, db, workers)
        if r["nochange"]["unchanged"]:
            break
    say(f"bench: no change {r['nochange']}")
    # Documents no run has seen (numbered past the corpus by the clock): read and extracted,
    # not taken from the cache of an earlier run.
    fresh = docs + 1 + 2 * (int(time.time()) % 1_000_000)
    (corpus / f"added-{fresh}.txt").write_text(document(fresh), encoding="utf-8")
    r["add_one"] = build(corpus, db, workers)
    say(f"bench: add one {r['add_one']}")
    (corpus / f"added-{fresh + 1}.txt").write_text(document(fresh + 1), encoding="utf-8")
    r["add_one_bg"] = build(corpus, db, workers, "background")
    say(f"bench: add one, exports in the background {r['add_one_bg']}")
    from pipeline.store.background import pid_path

    time.sleep(1)
    while pid_path(db).exists() or list(db.parent.glob(".*.tmp-*")):  # the exports, before the chain queries
        time.sleep(1)
    time.sleep(5)  # the exporting process gone, the machine quiet again
    r["chain"] = chain_ms(db, docs)
    say(f"bench: chain {r['chain']}")
    r["size_mb"] = db.stat().st_size / 1e6
    return r


def _table(r: dict, docs: int, first_name: str) -> list[str]:
    lines = ["| measure | seconds | of which waiting for extraction | of which graph exports | "
             "peak RSS MB (build process / largest worker) |", "|---|---:|---:|---:|---:|"]
    for key, name in (("first", first_name), ("nochange", "re-run, nothing changed"),
                      ("add_one", "add one new document (read, extracted, published in place)"),
                      ("add_one_bg", "add one more new document, graph exports in the background (`exports=\"background\"`)")):
        x = r[key]
        lines.append(f"| {name} | {x['seconds']:.2f} | {x.get('extraction_wait', 0):.2f} | {x['exports']:.2f} | "
                     f"{x['rss_mb']:.0f} / {x['worker_rss_mb']:.0f} |")
    c = r["chain"]
    lines += ["", f"No change: {1000 * r['nochange']['seconds'] / docs:.3f} s per 1,000 documents. "
                  f"Chain query (`vanban chain`, 40 queries, trees of median {c['median_lines']:.0f} lines): "
                  f"median {c['median_ms']:.1f} ms, max {c['max_ms']:.1f} ms"
                  + (f"; the same queries again, pages cached: median {c['again']['median_ms']:.1f} ms, "
                     f"max {c['again']['max_ms']:.1f} ms" if "again" in c else "")
                  + f". Database {r['size_mb']:.0f} MB."]
    return lines


def _kept_subsection(title: str) -> list[str]:
    """The subsection of the recorded scale section whose heading holds ``title`` (``--only``
    measured the other one), under a note that it is from an earlier run."""
    from bench.results import RESULTS

    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    section = text.partition("<!-- scale -->")[2].partition("<!-- /scale -->")[0]
    for part in section.split("\n### ")[1:]:
        heading, _, body = part.partition("\n")
        if title in heading:
            body = body.split("\nBenchmark wall time")[0].strip()
            note = "(From an earlier run: not measured by this one.)"
            body = body if note in body else f"{note}\n\n{body}"
            return [f"### {heading}", "", body, ""]
    return []


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="vanban scale benchmark")
    ap.add_argument("--docs", type=int, default=100_000, help="documents of the database written from templates")
    ap.add_argument("--real-docs", type=int, default=5_000, help="documents of the real first build (0: none)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--record", action="store_true", help="write the results to bench/RESULTS.md")
    ap.add_argument("--child-build", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--reuse", action="store_true",
                    help="keep the databases of an earlier run (and its first-build figures); measure the rest")
    ap.add_argument("--only", choices=["write", "real"], help="one of the two corpora")
    ap.add_argument("--child-write", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--child-adopt", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_build:
        _child_build(args.child_build[0], args.child_build[1], int(args.child_build[2]), args.child_build[3])
        return 0
    if args.child_write:
        _child_write(*args.child_write)
        return 0
    if args.child_adopt:
        from pipeline.run.build import adopt_database

        adopt_database([Path(args.child_adopt[0])], Path(args.child_adopt[1]), ocr=False)
        db = Path(args.child_adopt[1])
        if not all(db.with_suffix(f".{f}").exists() for f in ("graphml", "gexf", "json")):
            from pipeline.store.graph import export_database

            export_database(db)
        print("{}")
        return 0
    say = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    from bench.run import machine

    started = time.perf_counter()
    out = [f"Machine: {machine()}", ""]
    if args.docs and args.only != "real":
        corpus, db = WORK / f"corpus-{args.docs}", WORK / f"db-{args.docs}" / "vanban.db"
        t = time.perf_counter()
        make_scale_corpus(corpus, args.docs)
        say(f"bench: {args.docs} documents in {corpus} ({time.perf_counter() - t:.0f} s)")
        r = _measure(corpus, db, args.docs, args.workers, "write", say, args.reuse)
        out += [f"### {args.docs:,} documents, database written from the templates",
                "", f"{args.docs:,} generated text files; the database written from their templated "
                    "extraction results (reading and extraction bypassed: `template_extraction`), then real "
                    f"`build_database` runs with {args.workers} workers.", ""]
        out += _table(r, args.docs, "database written from the templates (no extraction)")
        out.append("")
    if args.real_docs and args.only != "write":
        corpus, db = WORK / f"corpus-{args.real_docs}", WORK / f"db-real-{args.real_docs}" / "vanban.db"
        make_scale_corpus(corpus, args.real_docs)
        import shutil

        if not args.reuse:
            shutil.rmtree(db.parent, ignore_errors=True)  # its cache too: a cold first build
        r = _measure(corpus, db, args.real_docs, args.workers, "build", say, args.reuse)
        f = r["first"]
        out += [f"### {args.real_docs:,} documents, a real first build",
                "", f"Every file read and extracted ({args.workers} workers, cold cache): "
                    f"{f['documents'] / f['seconds']:.1f} documents/s.", ""]
        out += _table(r, args.real_docs, "first full build (cold cache)")
        out.append("")
    if args.only and args.record:  # the other corpus as recorded before, marked as such
        out += _kept_subsection("a real first build" if args.only == "write" else "database written from")
    out.append(f"Benchmark wall time: {time.perf_counter() - started:.0f} s.")
    text = "\n".join(out)
    print(text)
    if args.record:
        from bench.results import record

        record("scale", "## Scale (`bench/scale.py`)\n\nRecorded "
               f"{time.strftime('%Y-%m-%d')}, `python bench/scale.py --docs {args.docs} "
               f"--real-docs {args.real_docs}`.\n\n" + text)
        say("bench: recorded in bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
