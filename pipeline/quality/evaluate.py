"""Measure extraction on real documents with gold: ``vanban eval`` and ``make eval``.

Every document that has gold is extracted twice — from its text, and from a PDF rendered
from that text by the project's own renderer (pipeline/quality/render_pdf.py), so the PDF path is
scored too — and scored with the rules of pipeline/quality/scoring.py. Every other document of
the raw folder is extracted as well, to report the ones that fail, run out of time or
look empty. Documents run in forked worker processes under a time budget each, so one
slow file costs its own row of the report and nothing else.
"""
from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import re
import signal
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.quality import scoring

SECTIONS = ("citations", "agencies", "agencies+locality", "tasks", "task_agencies", "deadlines")
FORMATS = ("txt", "pdf")
# Paths a text can be rendered to: the PDF by the package's renderer; Word, web page and
# Markdown by the fixture script of a checkout (scripts/make_formats.py).
RENDERED = ("pdf", "docx", "html", "md")
_SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
# Signs that a section should not be empty: a legal basis, a duty section.
_BASIS = re.compile(r"^\s*Căn cứ\b", re.M)
_DUTIES = re.compile(r"^\s*(?:[IVX]+[.)]?\s*|\d+[.)]\s*)?(?:NHIỆM VỤ|TỔ CHỨC THỰC HIỆN|GIẢI PHÁP, NHIỆM VỤ)", re.M)
BEGIN, END = "<!-- current:begin -->", "<!-- current:end -->"


@dataclass
class DocResult:
    """One document through one path: its contract, or why there is none."""

    stem: str
    fmt: str
    contract: dict | None = None
    error: str | None = None
    seconds: float = 0.0
    empty: list[str] = field(default_factory=list)


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


def _job(args: tuple[str, str, str, int, str]) -> DocResult:
    """Extract one file (rendering the PDF first for the pdf path) in a worker."""
    stem, fmt, path, timeout, tmp = args
    from pipeline.run.extract import extract_path

    started = time.perf_counter()
    result = DocResult(stem, fmt)
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        if fmt in RENDERED:
            path = str(_render(fmt, Path(path).read_text(encoding="utf-8"), Path(tmp) / f"{stem}.{fmt}"))
        extraction = extract_path(path)
        result.contract = extraction.contract
        result.empty = _looks_empty(extraction.contract, extraction.text.body)
    except _Timeout:
        result.error = f"took over {timeout} s"
    except Exception as exc:  # noqa: BLE001 — one document's failure is one row of the report
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
    result.seconds = time.perf_counter() - started
    return result


def _render(fmt: str, text: str, out: Path) -> Path:
    if fmt == "pdf":
        from pipeline.quality.render_pdf import render

        return render(text, out)
    import importlib.util

    script = _SCRIPTS / "make_formats.py"
    if not script.exists():
        raise FileNotFoundError(f"{script}: rendering to {fmt} needs a checkout's scripts/")
    spec = importlib.util.spec_from_file_location("make_formats", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {"docx": module.render_docx, "html": module.render_html, "md": module.render_markdown}[fmt](text, out)


def _looks_empty(contract: dict, body: str) -> list[str]:
    """What a reader would expect from this text and the extraction lacks."""
    doc = contract.get("document") or {}
    out = []
    if not any(doc.get(k) for k in ("doc_type", "number", "issued_date", "issuer")):
        out.append("no header fields")
    if _BASIS.search(body) and not contract.get("citations"):
        out.append("no citations though the text has 'Căn cứ'")
    if _DUTIES.search(body) and not contract.get("tasks"):
        out.append("no tasks though the text has a duty section")
    for code in {w["code"] for w in contract.get("warnings") or [] if w.get("code") == "extractor_error"}:
        out.append(code)
    return out


@dataclass
class EvalReport:
    scores: dict[str, dict]  # format → scoring.score(..., verbose=True)
    per_document: dict[str, list[tuple[str, float]]]  # format → [(stem, macro F1)] worst first
    survey: list[DocResult]  # every raw document as text
    seconds: float

    def problems(self) -> list[DocResult]:
        return [r for r in self.survey if r.error or r.empty]


def _raw_files(raw_dir: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(raw_dir.iterdir()) if p.is_file() and not p.name.startswith(".")}


def _run_jobs(jobs: list[tuple], workers: int, progress) -> list[DocResult]:
    # Forked workers share the imported extractors; each runs few documents so memory
    # held by one large PDF goes back to the system.
    ctx = multiprocessing.get_context("fork")
    from pipeline.run import extract

    extract._extractors()  # import once in the parent, before forking
    results = []
    with ctx.Pool(workers, maxtasksperchild=20) as pool:
        for i, res in enumerate(pool.imap_unordered(_job, jobs), 1):
            results.append(res)
            if progress:
                progress(i, len(jobs), res)
    return results


def evaluate(gold_dir: Path, raw_dir: Path | None = None, formats=FORMATS, workers: int = 2,
             timeout: int = 60, survey: bool = True, progress=None) -> EvalReport:
    """Extract and score every gold document in each format; survey the rest of ``raw_dir``."""
    started = time.perf_counter()
    gold_dir = Path(gold_dir)
    raw_dir = Path(raw_dir) if raw_dir else gold_dir.parent / "raw"
    gold = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))}
    if not gold:
        raise FileNotFoundError(f"{gold_dir}: no gold files (*.json)")
    raw = _raw_files(raw_dir)
    with tempfile.TemporaryDirectory(prefix="vanban-eval-") as tmp:
        jobs = [(stem, fmt, str(raw[stem]), timeout, tmp) for fmt in formats for stem in gold if stem in raw]
        if survey:
            jobs += [(stem, "txt", str(path), timeout, tmp) for stem, path in raw.items()
                     if stem not in gold or "txt" not in formats]
        results = _run_jobs(jobs, workers, progress)
    by_format: dict[str, dict[str, DocResult]] = defaultdict(dict)
    for r in results:
        by_format[r.fmt][r.stem] = r
    scores, per_document = {}, {}
    for fmt in formats:
        got = by_format.get(fmt, {})
        pairs = [((got[s].contract if s in got and got[s].contract else {}), g) for s, g in gold.items()]
        scores[fmt] = scoring.score(pairs, verbose=True)
        per_document[fmt] = sorted(((s, scoring.score([p])["macro_f1"]) for s, p in zip(gold, pairs)),
                                   key=lambda x: (x[1], x[0]))
    return EvalReport(scores, per_document, sorted(by_format.get("txt", {}).values(), key=lambda r: r.stem),
                      time.perf_counter() - started)


# --- printing -------------------------------------------------------------------------------

def table(report: EvalReport) -> str:
    """The markdown table of sections and attributes, one column pair per format."""
    fmts = list(report.scores)
    head = "| | " + " | ".join(f"{f} P | {f} R | {f} F1" for f in fmts) + " |"
    rule = "|---|" + "---:|" * (3 * len(fmts))
    rows = [head, rule]
    for sec in SECTIONS:
        cells = []
        for f in fmts:
            s = report.scores[f]["sections"][sec]
            cells += [f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"**{s['f1']:.3f}**"]
        rows.append(f"| {sec} | " + " | ".join(cells) + " |")
    rows.append("")
    rows.append("| attribute | " + " | ".join(fmts) + " |")
    rows.append("|---|" + "---:|" * len(fmts))
    for attr in next(iter(report.scores.values()))["accuracy"]:
        vals = [report.scores[f]["accuracy"][attr] for f in fmts]
        rows.append(f"| {attr} | " + " | ".join("-" if v is None else f"{v:.3f}" for v in vals) + " |")
    rows.append("| **macro F1** | " + " | ".join(f"**{report.scores[f]['macro_f1']:.3f}**" for f in fmts) + " |")
    return "\n".join(rows)


def _key(r: dict) -> tuple:
    return (r["document"], r["section"], r["kind"], r["item"], r["detail"])


def misses_text(report: EvalReport, fmt: str = "txt", limit: int | None = None, beyond: str | None = None) -> str:
    """Every miss of one format, grouped by section, then by kind (missed, extra, wrong);
    with ``beyond``, only those that format ``beyond`` does not miss too."""
    records = report.scores[fmt].get("miss_records", [])
    if beyond:
        seen = {_key(r) for r in report.scores[beyond].get("miss_records", [])}
        records = [r for r in records if _key(r) not in seen]
    if not records:
        return "  none"
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        grouped[(r["section"], r["kind"])].append(r)
    out = []
    order = ("document", "citations", "agencies", "tasks", "task_agencies", "deadlines")
    for (sec, kind) in sorted(grouped, key=lambda k: (order.index(k[0]) if k[0] in order else 99, k[1])):
        items = grouped[(sec, kind)]
        out.append(f"## {sec} — {kind} ({len(items)})")
        for r in items[:limit]:
            detail = f" — {r['detail']}" if r["detail"] else ""
            out.append(f"  {r['document']}: {r['item']}{detail}")
        if limit and len(items) > limit:
            out.append(f"  … {len(items) - limit} more")
    return "\n".join(out)


def survey_text(report: EvalReport) -> str:
    n = len(report.survey)
    problems = report.problems()
    slow = sorted(report.survey, key=lambda r: -r.seconds)[:3]
    out = [f"{n} documents extracted as text; {len(problems)} to look at; "
           f"slowest: " + ", ".join(f"{r.stem} {r.seconds:.1f} s" for r in slow)]
    kinds = Counter()
    for r in problems:
        what = r.error or "; ".join(r.empty)
        kinds.update([r.error and ("failed" if "took over" not in r.error else "timed out") or "looks empty"])
        out.append(f"  {r.stem}: {what}")
    if kinds:
        out.insert(1, "  " + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items())))
    return "\n".join(out)


def per_document_text(report: EvalReport) -> str:
    """Each document's macro F1 in every format, the worst first."""
    fmts = list(report.per_document)
    table_ = {f: dict(docs) for f, docs in report.per_document.items()}
    stems = sorted(table_[fmts[0]], key=lambda s: (min(table_[f][s] for f in fmts), s))
    out = ["  " + "  ".join(f"{f:>5}" for f in fmts) + "  document"]
    out += ["  " + "  ".join(f"{table_[f][s]:.3f}" for f in fmts) + f"  {s}" for s in stems]
    return "\n".join(out)


def full_text(report: EvalReport, miss_limit: int | None = None) -> str:
    fmts = list(report.scores)
    parts = [table(report), "", "# per-document macro F1, worst first", per_document_text(report), ""]
    parts += [f"# misses ({fmts[0]})", misses_text(report, fmts[0], miss_limit), ""]
    for fmt in fmts[1:]:  # the other paths: only what they miss beyond the first
        parts += [f"# misses in {fmt} only (beyond {fmts[0]})", misses_text(report, fmt, miss_limit,
                                                                        beyond=fmts[0]), ""]
    parts.append("# every raw document")
    parts.append(survey_text(report))
    parts.append(f"\n{len(report.per_document.get(fmts[0], []))} gold documents × {len(fmts)} formats "
                 f"+ survey in {report.seconds:.0f} s")
    return "\n".join(parts)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, cwd=Path(__file__).parent,
                          timeout=10).stdout.strip()


def _commit(ignore: Path | None = None) -> str:
    """The checkout's commit, marked ``+changes`` when tracked files differ from it
    (``ignore``: the file being written, whose own edits do not count)."""
    try:
        top = Path(_git("rev-parse", "--show-toplevel") or ".")
        changed = [top / ln[3:] for ln in _git("status", "--porcelain", "--untracked-files=no").splitlines()]
        dirty = [p for p in changed if not (ignore and p.resolve() == Path(ignore).resolve())]
        return (_git("rev-parse", "--short", "HEAD") or "unknown") + ("+changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def record(report: EvalReport, quality_md: Path, today: dt.date | None = None) -> None:
    """Rewrite the current block of ``quality_md`` (between its markers) with this report."""
    text = quality_md.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise ValueError(f"{quality_md}: no {BEGIN} … {END} block to rewrite")
    today = today or dt.date.today()
    block = (f"{BEGIN}\nMeasured {today.isoformat()} at commit `{_commit(quality_md)}` "
             f"({len(report.per_document.get('txt', []))} documents with gold):\n\n{table(report)}\n{END}")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    quality_md.write_text(head + block + tail, encoding="utf-8")
