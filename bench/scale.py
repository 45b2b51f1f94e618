#!/usr/bin/env python3
"""Scale benchmark: a generated corpus of many small text documents that cite each other.

    python bench/scale.py --docs 100000 --record     # make bench runs it with --docs 100000

Documents come from templates (no corpus text): plans, decisions and letters of many
provinces, each citing a law every document cites, the document it implements (a
binary tree of citations, so chains are ~log2(N) deep) and its predecessor. Measured,
each build in a fresh process for its own peak RSS: the first full build (cold cache),
the re-run with nothing changed, the build after adding one document, and the chain
query (``vanban chain``) on the resulting graph.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = ROOT / "data" / "out" / "bench" / "scale"

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


def _child_build(folder: str, out: str, workers: int) -> None:
    import resource

    from pipeline.run.build import build_database

    t = time.perf_counter()
    report = build_database([Path(folder)], Path(out), workers=workers, progress=False, ocr=False)
    seconds = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "in_build": report.seconds, "documents": report.documents,
                      "processed": report.processed, "unchanged": report.unchanged,
                      "rss_mb": own / 1024, "worker_rss_mb": kids / 1024}))


def build(folder: Path, out: Path, workers: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child-build", str(folder), str(out), str(workers)],
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        sys.exit(f"bench: build failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def chain_ms(db: Path, docs: int, tries: int = 20) -> dict:
    from pipeline.store.chain import chain_lines

    rng = random.Random(5)
    times, sizes = [], []
    for _ in range(tries):
        i = rng.randint(docs // 2, docs)
        for direction, target in (("cited", i), ("citing", max(1, i // 64))):
            t = time.perf_counter()
            lines = chain_lines(db, number(_meta(target)), direction)
            times.append(1000 * (time.perf_counter() - t))
            sizes.append(len(lines))
    return {"median_ms": statistics.median(times), "max_ms": max(times), "median_lines": statistics.median(sizes)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="vanban scale benchmark")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--record", action="store_true", help="write the results to bench/RESULTS.md")
    ap.add_argument("--child-build", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_build:
        _child_build(args.child_build[0], args.child_build[1], int(args.child_build[2]))
        return 0
    say = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    corpus, db = WORK / f"corpus-{args.docs}", WORK / f"db-{args.docs}" / "vanban.db"
    t = time.perf_counter()
    make_scale_corpus(corpus, args.docs)
    say(f"bench: {args.docs} documents in {corpus.relative_to(ROOT)} ({time.perf_counter() - t:.0f} s)")
    import shutil

    shutil.rmtree(db.parent, ignore_errors=True)
    r = {}
    say("bench: first build …")
    r["first"] = build(corpus, db, args.workers)
    say(f"bench: {r['first']}")
    for _ in range(3):  # a run right after a code edit re-publishes; the next is the no-change one
        r["nochange"] = build(corpus, db, args.workers)
        if r["nochange"]["unchanged"]:
            break
    say(f"bench: no change {r['nochange']}")
    (corpus / f"added-{args.docs + 1:06d}.txt").write_text(document(args.docs + 1), encoding="utf-8")
    r["add_one"] = build(corpus, db, args.workers)
    say(f"bench: add one {r['add_one']}")
    r["chain"] = chain_ms(db, args.docs)
    say(f"bench: chain {r['chain']}")
    size_mb = db.stat().st_size / 1e6
    from bench.run import machine

    lines = [
        f"Corpus: {args.docs} generated text documents (bench/scale.py templates), {args.workers} workers; "
        f"database {size_mb:.0f} MB.",
        f"Machine: {machine()}",
        "",
        "| measure | seconds | peak RSS MB (build process / largest worker) |",
        "|---|---:|---:|",
    ]
    for key, name in (("first", "first full build (cold cache)"), ("nochange", "re-run, nothing changed"),
                      ("add_one", "add one document")):
        x = r[key]
        lines.append(f"| {name} | {x['seconds']:.2f} | {x['rss_mb']:.0f} / {x['worker_rss_mb']:.0f} |")
    c = r["chain"]
    lines += ["", f"Chain query (`vanban chain`, {2 * 20} queries, trees of median {c['median_lines']:.0f} lines): "
                  f"median {c['median_ms']:.1f} ms, max {c['max_ms']:.1f} ms."]
    text = "\n".join(lines)
    print(text)
    if args.record:
        results = ROOT / "bench" / "RESULTS.md"
        old = results.read_text(encoding="utf-8")
        head, _, rest = old.partition("<!-- scale -->")
        tail = rest.partition("<!-- /scale -->")[2] if rest else ""
        results.write_text(head.rstrip("\n") + "\n\n<!-- scale -->\n## Scale (`bench/scale.py`)\n\nRecorded "
                           f"{time.strftime('%Y-%m-%d')}, `python bench/scale.py --docs {args.docs}`.\n\n"
                           + text + "\n<!-- /scale -->\n" + tail, encoding="utf-8")
        say("bench: recorded in bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
