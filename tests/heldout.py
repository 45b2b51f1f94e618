"""Score the pipeline on a folder of hand-judged documents (tests/fixtures/heldout*_*/ and
realistic_*/): each ``NN_name.txt`` has its gold as ``NN_name.json`` (contract sections,
judged before the pipeline was run on it) or ``NN_name.yml`` (the realistic sets' compact
form, see the comment at the top of each file). Scoring uses the seed scorer copy
(tests/fixtures/score.py).

    .venv/bin/python tests/heldout.py tasks tests/fixtures/heldout3_tasks [--verbose] [NAME...]
    .venv/bin/python tests/heldout.py headers tests/fixtures/heldout_headers [--verbose]
    .venv/bin/python tests/heldout.py agencies tests/fixtures/realistic_agencies [--verbose] [NAME...]

Task-role misses are split in two: a gold agency the document-level agency list lacks is a
recognition miss (agencies.find_agencies), any other is a role/assignment miss.
"""
from __future__ import annotations

import difflib
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def _load_scorer():
    """tests/fixtures/score.py (the seed scorer copy) as a module."""
    spec = importlib.util.spec_from_file_location("vanban_score", FIXTURES / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


score = _load_scorer()

HEADER_FIELDS = ("doc_type", "number", "issuer", "place", "issued_date", "title", "signer")


def _gold_files(folder: Path, names: list[str] | None = None) -> list[Path]:
    """The gold files of a folder (``*.json``, else ``*.yml``), filtered by name parts."""
    folder = Path(folder)
    files = sorted(folder.glob("*.json")) or sorted(folder.glob("*.yml"))
    return [f for f in files if not names or any(n in f.stem for n in names)]


def _yaml(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def predict(txt: Path) -> dict:
    """The pipeline's contract dict for one text."""
    from pipeline.run.extract import extract_path

    return extract_path(txt).contract


# --- tasks and deadlines -------------------------------------------------------------------


def _deadline(value):
    if not value:
        return None
    s, e, r = value
    return {"text": None, "start": s, "end": e, "recurrence": r}


def task_gold(path: Path) -> dict:
    """A contract-shaped gold dict from ``.json`` (as is) or ``.yml`` (agencies as name → role,
    deadline as [start, end, recurrence])."""
    path = Path(path)
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    data = _yaml(path)
    tasks = [{"ref": t["ref"], "text": t["text"],
              "agencies": [{"name": n, "locality": None, "role": r} for n, r in (t.get("agencies") or {}).items()],
              "deadline": _deadline(t.get("deadline"))} for t in data["tasks"]]
    return {"source": {"path": path.with_suffix(".txt").name}, "document": {},
            "tasks": tasks, "deadlines": [_deadline(d) for d in data.get("deadlines") or []]}


def known(name: str, names: list[str]) -> bool:
    """Whether ``name`` is (near enough) one of the normalised ``names``."""
    n = score.norm(name)
    return any(n == m or difflib.SequenceMatcher(None, n, m).ratio() >= 0.92 for m in names)


def task_pairs(folder: Path, names: list[str] | None = None) -> list[tuple[dict, dict]]:
    """(prediction, gold) per document: the prediction's tasks, deadlines and agencies."""
    out = []
    for path in _gold_files(folder, names):
        p = predict(path.with_suffix(".txt"))
        out.append(({"tasks": p.get("tasks") or [], "deadlines": p.get("deadlines") or [],
                     "agencies": p.get("agencies") or []}, task_gold(path)))
    return out


def role_breakdown(ps: list[tuple[dict, dict]]) -> dict:
    """Count task-agency misses by cause on tasks matched by ref."""
    out = {"recognition_fn": 0, "role_fn": 0, "fp": 0}
    for pred, g in ps:
        names = [score.norm(a["name"]) for a in pred.get("agencies") or []]
        pt = {t["ref"]: t for t in pred["tasks"]}
        for t in g["tasks"]:
            p = pt.get(t["ref"]) or {"agencies": []}
            pk = {(score.norm(a["name"]), a["role"]) for a in p["agencies"]}
            gk = {(score.norm(a["name"]), a["role"]) for a in t["agencies"]}
            for n, r in gk - pk:
                out["recognition_fn" if not known(n, names) else "role_fn"] += 1
            out["fp"] += len(pk - gk)
    return out


def _print_task_misses(ps: list[tuple[dict, dict]]) -> None:
    for pred, g in ps:
        stem = Path(g["source"]["path"]).stem
        names = [score.norm(a["name"]) for a in pred.get("agencies") or []]
        pt = {t["ref"]: t for t in pred["tasks"]}
        for t in g["tasks"]:
            p = pt.pop(t["ref"], None)
            if p is None:
                print(f"  {stem}: MISSING {t['ref']} {t['text'][:60]}")
                continue
            pa = {a["name"]: a["role"] for a in p["agencies"]}
            ga = {a["name"]: a["role"] for a in t["agencies"]}
            if score.token_f1(p["text"], t["text"]) < 0.9:
                print(f"  {stem}: {t['ref']} text {p['text'][:80]!r}")
            if {(score.norm(k), v) for k, v in pa.items()} != {(score.norm(k), v) for k, v in ga.items()}:
                unk = [k for k in ga if not known(k, names)]
                print(f"  {stem}: {t['ref']} agencies {pa} != {ga}" + (f"  [not recognised: {unk}]" if unk else ""))
            if score.deadline_key(p["deadline"]) != score.deadline_key(t["deadline"]):
                print(f"  {stem}: {t['ref']} deadline {score.deadline_key(p['deadline'])!r} != {score.deadline_key(t['deadline'])!r}")
        for ref, p in pt.items():
            print(f"  {stem}: EXTRA {ref} {p['text'][:60]}")
        pdl = sorted({score.deadline_key(d) for d in pred["deadlines"]})
        gdl = sorted({score.deadline_key(d) for d in g["deadlines"]})
        if pdl != gdl:
            print(f"  {stem}: deadlines extra {sorted(set(pdl) - set(gdl))} missing {sorted(set(gdl) - set(pdl))}")


def task_report(ps: list[tuple[dict, dict]], verbose: bool = False) -> dict:
    """The scorer's result on tasks and deadlines; ``verbose`` prints every miss."""
    result = score.score([({"tasks": p["tasks"], "deadlines": p["deadlines"]}, g) for p, g in ps])
    if verbose:
        _print_task_misses(ps)
    return result


def score_tasks(folder: Path, names: list[str] | None = None, verbose: bool = False) -> dict:
    return task_report(task_pairs(folder, names), verbose)


# --- headers -------------------------------------------------------------------------------


def header_of(path: Path) -> tuple[dict, list[str]]:
    """The document object and warning codes for one text (``_ocr_`` in the name: an OCR
    source, so the OCR repairs run as they would on a scan)."""
    from extractors.header import extract_header
    from pipeline.run.extract import build_context
    from pipeline.core.models import Source, SourceFormat

    fmt = SourceFormat.OCR if "_ocr_" in path.name else SourceFormat.TXT
    text = path.read_text(encoding="utf-8")
    ctx = build_context(Source(str(path), "", fmt, text.split("\f")))
    section = extract_header(ctx)
    return section.items[0], [w["code"] for w in section.warnings]


def score_headers(folder: Path, verbose: bool = False) -> dict:
    """The scorer's document.* accuracies and an exact per-field accuracy (every field of
    ``document`` compared as the header golden tests do: titles printed in capitals
    case-insensitively), plus the header warnings; ``verbose`` adds the ``wrong`` list."""
    pairs, exact, total, wrong = [], 0, 0, []
    for path in sorted(Path(folder).glob("*.txt")):
        want = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        got, codes = header_of(path)
        pairs.append(({"document": got}, {"document": want["document"], "source": {"path": str(path)}}))
        for field in HEADER_FIELDS:
            g, w = got[field], want["document"][field]
            same = score.norm(g) == score.norm(w) if field == "title" else g == w
            exact += same
            total += 1
            if not same:
                wrong.append(f"{path.stem}: {field}: got {g!r}, want {w!r}")
        total += 1
        if sorted(codes) == sorted(want["warnings"]):
            exact += 1
        else:
            wrong.append(f"{path.stem}: warnings: got {codes}, want {want['warnings']}")
    acc = {k: v for k, v in score.score(pairs)["accuracy"].items() if k.startswith("document.")}
    out = {"documents": len(pairs), "scorer": acc,
           "scorer_mean": round(sum(acc.values()) / len(acc), 3),
           "exact_fields": round(exact / total, 3)}
    if verbose:
        out["wrong"] = wrong
    return out


# --- agencies ------------------------------------------------------------------------------


def score_agencies(folder: Path, verbose: bool = False) -> dict:
    """The scorer's result on agencies for a folder of ``.json`` gold."""
    pairs = [({"agencies": predict(path.with_suffix(".txt"))["agencies"]},
              json.loads(path.read_text(encoding="utf-8")))
             for path in sorted(Path(folder).glob("*.json"))]
    return score.score(pairs, verbose=verbose)


def agency_gold(yml: Path) -> list[dict]:
    """The agencies of a ``.yml`` gold: ``name | locality`` lines (``null``: national)."""
    pairs = [(x.rpartition("|")[0].strip(), x.rpartition("|")[2].strip()) for x in _yaml(yml)["agencies"]]
    return [{"name": n, "locality": None if loc == "null" else loc} for n, loc in pairs]


def agencies_by_doc(folder: Path, names: list[str] | None = None) -> dict:
    """For a folder of ``.yml`` gold, per document and in total: tp/fp/fn without and with
    locality, and the differences."""
    out = {"docs": {}, "total": {False: [0, 0, 0], True: [0, 0, 0]}}
    for yml in _gold_files(folder, names):
        g, p = agency_gold(yml), predict(yml.with_suffix(".txt"))["agencies"]
        doc = {}
        for loc in (False, True):
            pk = sorted({score.agency_key(a, loc) for a in p})
            gk = sorted({score.agency_key(a, loc) for a in g})
            tp, fp, fn, pairs = score.match_sets(pk, gk, score.near_key)
            mp, mg = {i for i, _ in pairs}, {j for _, j in pairs}
            doc[loc] = (tp, fp, fn, [k for i, k in enumerate(gk) if i not in mg],
                        [k for i, k in enumerate(pk) if i not in mp])
            for i, v in enumerate((tp, fp, fn)):
                out["total"][loc][i] += v
        out["docs"][yml.stem] = doc
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# --- command line --------------------------------------------------------------------------


def _main_tasks(folder: Path, names: list[str], verbose: bool) -> None:
    ps = task_pairs(folder, names)
    result = task_report(ps, verbose)
    for k in ("tasks", "task_agencies", "deadlines"):
        s = result["sections"][k]
        print(f"{k:15} P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}  {s['tp']}/{s['fp']}/{s['fn']}")
    print(f"task.deadline   {result['accuracy']['task.deadline']}")
    print("task_agency misses by cause:", role_breakdown(ps))


def _main_agencies(folder: Path, names: list[str], verbose: bool) -> None:
    if not list(folder.glob("*.yml")):
        result = score_agencies(folder, verbose)
        for k in ("agencies", "agencies+locality"):
            print(k, result["sections"][k])
        for m in result.get("misses", []):
            print("  ", m)
        return
    result = agencies_by_doc(folder, names)
    for stem, doc in result["docs"].items():
        tp, fp, fn, missed, extra = doc[True]
        print(f"{stem:32} names F1 {prf(*doc[False][:3])[2]:.3f}  +locality F1 {prf(tp, fp, fn)[2]:.3f}")
        if verbose:
            for k in doc[False][3]:
                print(f"    missed {k}")
            for k in doc[False][4]:
                print(f"    extra  {k}")
            names_ok = {k.partition('|')[0] for k in doc[True][3]} - set(doc[False][3])
            for k in doc[True][3]:
                if k.partition('|')[0] in names_ok:
                    print(f"    locality: want {k}")
    for loc, label in ((False, "agencies"), (True, "agencies+locality")):
        p, r, f = prf(*result["total"][loc])
        tp, fp, fn = result["total"][loc]
        print(f"{label:18} P {p:.3f} R {r:.3f} F1 {f:.3f}  {tp}/{fp}/{fn}")


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    verbose = "--verbose" in argv
    if len(args) < 2 or args[0] not in ("tasks", "headers", "agencies"):
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    kind, folder, names = args[0], Path(args[1]), args[2:]
    if kind == "tasks":
        _main_tasks(folder, names, verbose)
    elif kind == "headers":
        print(json.dumps(score_headers(folder, verbose), ensure_ascii=False, indent=1))
    else:
        _main_agencies(folder, names, verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
