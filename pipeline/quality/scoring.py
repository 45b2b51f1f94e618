"""Score extraction output against gold files, section by section.

The one home of the scoring rules: the same keys, matching and thresholds as the
reference scorer shipped beside the gold (``tools/score.py``; tests check the two agree on
the real corpus), plus a record of every miss by section and kind for ``vanban eval``.

    python -m pipeline.quality.scoring PREDICTIONS.jsonl GOLD_DIR [--json] [--verbose]

PREDICTIONS.jsonl holds one `vanban.extraction/1` object per line (what
`vanban extract FILE... --json` prints). Each prediction is paired with the
gold file whose name matches the prediction's source file name (same stem).
GOLD_DIR holds `<stem>.json` files in the same contract.

Prints precision / recall / F1 per section and attribute accuracies on the
matched items. Standard library only, so it runs on any machine.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import signal
import sys
import unicodedata
from pathlib import Path

from pipeline.core.vntext import TONE_TABLE_LOWER

# Old-style tone placement -> the contract's placement. The reference scorer replaces
# these clusters anywhere in a word (not only word-final): keep its rule, share the table.
TONE_FIX = TONE_TABLE_LOWER


def norm(text: str | None) -> str:
    if text is None:
        return ""
    t = unicodedata.normalize("NFC", str(text)).casefold()
    for old, new in TONE_FIX.items():
        t = t.replace(old, new)
    t = re.sub(r"[\s\u00a0]+", " ", t).strip(" .;,:")
    return t


def norm_number(number: str | None) -> str:
    t = norm(number).replace(" ", "")
    return t.replace("đ", "d")  # QĐ / QD, NĐ / ND typed either way


def tokens(text: str | None) -> list[str]:
    return re.findall(r"\w+", norm(text))


def token_f1(a: str | None, b: str | None) -> float:
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    common = sum(min(ta.count(w), tb.count(w)) for w in set(ta))
    if not common:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


def similar(a: str | None, b: str | None, cutoff: float = 0.9) -> bool:
    na, nb = norm(a), norm(b)
    if not na and not nb:
        return True
    return difflib.SequenceMatcher(None, na, nb).ratio() >= cutoff


def name_of(x) -> str | None:
    if isinstance(x, dict):
        return x.get("name")
    return x


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


class Accuracy:
    def __init__(self) -> None:
        self.right = self.total = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += bool(ok)

    def value(self) -> float | None:
        return self.right / self.total if self.total else None


def same_key(a: str, b: str) -> bool:
    return a == b


def near_key(a: str, b: str) -> bool:
    """Agency keys `name|locality|role`: the name may differ slightly (0.92), the rest not."""
    an, _, arest = a.partition("|")
    bn, _, brest = b.partition("|")
    return arest == brest and (an == bn or difflib.SequenceMatcher(None, an, bn).ratio() >= 0.92)


def match_sets(pred_keys: list, gold_keys: list, same=same_key) -> tuple[int, int, int, list]:
    """One-to-one matching, exact pairs first. Returns tp, fp, fn and (pred_i, gold_i) pairs."""
    used_p, used_g, pairs = set(), set(), []
    for exact in (True, False):
        for gi, gk in enumerate(gold_keys):
            if gi in used_g:
                continue
            for pi, pk in enumerate(pred_keys):
                if pi not in used_p and (pk == gk if exact else same(pk, gk)):
                    used_p.add(pi)
                    used_g.add(gi)
                    pairs.append((pi, gi))
                    break
    tp = len(pairs)
    return tp, len(pred_keys) - tp, len(gold_keys) - tp, pairs


def citation_key(c: dict) -> str:
    if c.get("number"):
        return "n:" + norm_number(c["number"])
    return "t:" + norm(c.get("doc_type")) + "|" + norm(c.get("title"))


def agency_key(a: dict, with_locality: bool) -> str:
    key = norm(a.get("name"))
    if with_locality:
        key += "|" + norm(a.get("locality"))
    return key


def deadline_key(d: dict | None) -> str:
    if not d:
        return ""
    return f"{d.get('start') or ''}|{d.get('end') or ''}|{d.get('recurrence') or ''}"


def score(pairs: list[tuple[dict, dict]], verbose: bool = False) -> dict:
    sections = {k: Tally() for k in (
        "citations", "standards", "agencies", "agencies+locality", "tasks",
        "task_agencies", "deadlines")}
    acc = {k: Accuracy() for k in (
        "document.doc_type", "document.number", "document.issuer", "document.issued_date",
        "document.place", "document.title", "document.signer",
        "citation.doc_type", "citation.issued_date", "citation.issuer", "citation.relation",
        "task.deadline")}
    misses: list[str] = []
    records: list[dict] = []

    def miss(stem: str, section: str, kind: str, item, detail: str = "") -> None:
        """One miss: ``kind`` is ``missed`` (gold only), ``extra`` (prediction only) or
        ``wrong`` (matched, an attribute differs)."""
        records.append({"document": stem, "section": section, "kind": kind,
                        "item": str(item), "detail": detail})

    for pred, gold in pairs:
        stem = Path(gold["source"]["path"]).stem
        pd, gd = pred.get("document") or {}, gold.get("document") or {}
        header = {
            "doc_type": norm(pd.get("doc_type")) == norm(gd.get("doc_type")),
            "number": norm_number(pd.get("number")) == norm_number(gd.get("number")),
            "issuer": similar(name_of(pd.get("issuer")), name_of(gd.get("issuer"))),
            "issued_date": (pd.get("issued_date") or "") == (gd.get("issued_date") or ""),
            "place": similar(pd.get("place"), gd.get("place")),
            "title": token_f1(pd.get("title"), gd.get("title")) >= 0.8
            or (not pd.get("title") and not gd.get("title")),
            "signer": similar(name_of(pd.get("signer")), name_of(gd.get("signer"))),
        }
        for field, ok in header.items():
            acc["document." + field].add(ok)
            if not ok:
                got, want = pd.get(field), gd.get(field)
                miss(stem, "document", "wrong", field,
                     f"{name_of(got)!r} != gold {name_of(want)!r}")

        pc, gc = pred.get("citations") or [], gold.get("citations") or []
        tp, fp, fn, matched = match_sets([citation_key(c) for c in pc], [citation_key(c) for c in gc])
        sections["citations"].add(tp, fp, fn)
        matched_g = {gi for _, gi in matched}
        matched_p = {pi for pi, _ in matched}
        for i in range(len(gc)):
            if i not in matched_g:
                label = gc[i].get('number') or gc[i].get('title')
                misses.append(f"{stem}: missed citation {label}")
                miss(stem, "citations", "missed", label, gc[i].get("relation") or "")
        for i in range(len(pc)):
            if i not in matched_p:
                label = pc[i].get('number') or pc[i].get('title')
                misses.append(f"{stem}: extra citation {label}")
                miss(stem, "citations", "extra", label, pc[i].get("relation") or "")
        for pi, gi in matched:
            p, g = pc[pi], gc[gi]
            checks = {
                "doc_type": (norm(p.get("doc_type")) == norm(g.get("doc_type")), "doc_type"),
                "issued_date": ((p.get("issued_date") or "") == (g.get("issued_date") or ""), "issued_date"),
                "issuer": (similar(name_of(p.get("issuer")), name_of(g.get("issuer"))), "issuer"),
                "relation": (p.get("relation") == g.get("relation"), "relation"),
            }
            for field, (ok, key) in checks.items():
                acc["citation." + field].add(ok)
                if not ok:
                    miss(stem, "citations", "wrong", g.get("number") or g.get("title"),
                         f"{field}: {name_of(p.get(key))!r} != gold {name_of(g.get(key))!r}")

        ps = [norm(s.get("code")) for s in pred.get("standards") or []]
        gs = [norm(s.get("code")) for s in gold.get("standards") or []]
        sections["standards"].add(*match_sets(sorted(set(ps)), sorted(set(gs)))[:3])

        pa, ga = pred.get("agencies") or [], gold.get("agencies") or []
        for section, loc in (("agencies", False), ("agencies+locality", True)):
            pk = sorted({agency_key(a, loc) for a in pa})
            gk = sorted({agency_key(a, loc) for a in ga})
            tp, fp, fn, pairs_ = match_sets(pk, gk, near_key)
            sections[section].add(tp, fp, fn)
            if section == "agencies":
                mg, mp = {g for _, g in pairs_}, {p for p, _ in pairs_}
                for i, k in enumerate(gk):
                    if i not in mg:
                        misses.append(f"{stem}: missed agency {k}")
                        miss(stem, "agencies", "missed", k)
                for i, k in enumerate(pk):
                    if i not in mp:
                        misses.append(f"{stem}: extra agency {k}")
                        miss(stem, "agencies", "extra", k)
            elif section == "agencies+locality":
                names = {k.partition("|")[0] for k in gk} & {k.partition("|")[0] for k in pk}
                got = {k.partition("|")[0]: k.partition("|")[2] for k in pk}
                for k in gk:
                    name, _, loc = k.partition("|")
                    if name in names and got.get(name) != loc:
                        miss(stem, "agencies", "wrong", name, f"locality {got.get(name)!r} != gold {loc!r}")

        pt, gt = pred.get("tasks") or [], gold.get("tasks") or []
        used: set[int] = set()
        task_tp = 0
        for g in gt:
            best, best_i = 0.0, None
            for i, p in enumerate(pt):
                if i in used:
                    continue
                s = token_f1(p.get("text"), g.get("text"))
                if s > best:
                    best, best_i = s, i
            if best_i is not None and best >= 0.5:
                used.add(best_i)
                task_tp += 1
                p = pt[best_i]
                pk = sorted({agency_key(a, False) + "|" + (a.get("role") or "") for a in p.get("agencies") or []})
                gk = sorted({agency_key(a, False) + "|" + (a.get("role") or "") for a in g.get("agencies") or []})
                ta_tp, ta_fp, ta_fn, ta_pairs = match_sets(pk, gk, near_key)
                sections["task_agencies"].add(ta_tp, ta_fp, ta_fn)
                ref = g.get("ref")
                for i, k in enumerate(gk):
                    if i not in {b for _, b in ta_pairs}:
                        miss(stem, "task_agencies", "missed", f"{ref} {k}")
                for i, k in enumerate(pk):
                    if i not in {a for a, _ in ta_pairs}:
                        miss(stem, "task_agencies", "extra", f"{ref} {k}")
                same_deadline = deadline_key(p.get("deadline")) == deadline_key(g.get("deadline"))
                acc["task.deadline"].add(same_deadline)
                if not same_deadline:
                    miss(stem, "tasks", "wrong", ref,
                         f"deadline {deadline_key(p.get('deadline'))!r} != gold {deadline_key(g.get('deadline'))!r}")
            else:
                misses.append(f"{stem}: missed task {g.get('ref')} {str(g.get('text'))[:60]}")
                miss(stem, "tasks", "missed", g.get("ref"), str(g.get("text"))[:80])
        sections["tasks"].add(task_tp, len(pt) - task_tp, len(gt) - task_tp)
        for i, p in enumerate(pt):
            if i not in used:
                miss(stem, "tasks", "extra", p.get("ref"), str(p.get("text"))[:80])

        pdl = sorted({deadline_key(d) for d in pred.get("deadlines") or []})
        gdl = sorted({deadline_key(d) for d in gold.get("deadlines") or []})
        sections["deadlines"].add(*match_sets(pdl, gdl)[:3])
        misses += [f"{stem}: missed deadline {k}" for k in gdl if k not in pdl]
        for k in gdl:
            if k not in pdl:
                miss(stem, "deadlines", "missed", k)
        for k in pdl:
            if k not in gdl:
                miss(stem, "deadlines", "extra", k)

    out = {"documents": len(pairs), "sections": {}, "accuracy": {}}
    for k, t in sections.items():
        p, r, f = t.prf()
        out["sections"][k] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                              "tp": t.tp, "fp": t.fp, "fn": t.fn}
    for k, a in acc.items():
        v = a.value()
        out["accuracy"][k] = None if v is None else round(v, 3)
    fs = [out["sections"][k]["f1"] for k in ("citations", "agencies", "tasks", "deadlines")]
    out["macro_f1"] = round(sum(fs) / len(fs), 3)
    if verbose:
        out["misses"] = misses
        out["miss_records"] = records
    return out


def load_pairs(pred_path: Path, gold_dir: Path) -> tuple[list, list[str]]:
    gold = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))}
    preds = {}
    for line in pred_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            preds[Path(obj["source"]["path"]).stem] = obj
    pairs, missing = [], []
    for stem, g in gold.items():
        if stem in preds:
            pairs.append((preds[stem], g))
        else:
            missing.append(stem)
            pairs.append(({}, g))  # a document the pipeline dropped scores zero
    return pairs, missing


def main() -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("predictions", type=Path)
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--verbose", action="store_true", help="list every miss")
    args = ap.parse_args()
    pairs, missing = load_pairs(args.predictions, args.gold_dir)
    result = score(pairs, verbose=args.verbose)
    result["missing_predictions"] = missing
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"documents: {result['documents']}  (no prediction for: {', '.join(missing) or 'none'})")
    print(f"{'section':20} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn")
    for k, s in result["sections"].items():
        print(f"{k:20} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}   {s['tp']}/{s['fp']}/{s['fn']}")
    print("attribute accuracy on matched items:")
    for k, v in result["accuracy"].items():
        print(f"  {k:24} {'-' if v is None else f'{v:.3f}'}")
    for m in result.get("misses", []):
        print("  " + m)
    print(f"macro F1 (citations, agencies, tasks, deadlines): {result['macro_f1']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
