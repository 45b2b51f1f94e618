"""Legal status of every document in a published database, derived from who cites it.

A document is ``replaced`` or ``repealed`` once a document citing it ``replaces`` it or
``repeals`` it as a whole; ``partly_repealed`` when the repeal names provisions ("Bãi bỏ
khoản 2 Điều 5 Quyết định số …") or a part ("một số điều"); ``amended`` when a document
``amends`` it or replaces only a provision or annex of it; ``in_force`` otherwise. Each act is kept as evidence: the citing document,
its date (the status runs from it) and the provision the text names.

A status is only as good as the corpus: a repeal the corpus does not hold is unknown, so
``in_force`` means "no act against it in these documents".

``update_status(db)`` reads the published tables (documents, citations, citation_mentions)
and rewrites the status columns, the ``status_evidence`` table and the two basis warnings,
so it can run after a full or an incremental publish. Warnings: ``basis_superseded`` (a
``based_on`` citation replaced or repealed before the document's own date) and
``basis_later_superseded`` (after it).
"""
from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from gazetteer import load_yaml

from pipeline.core.identity import short_hash
from pipeline.store.access import db_option

STATUSES = ("in_force", "amended", "partly_repealed", "replaced", "repealed")
TERMINAL = ("replaced", "repealed")
WARNING_CODES = ("basis_superseded", "basis_later_superseded")
STATUS_COLUMNS = {"status": str, "status_since": str, "status_by": str}
EVIDENCE_TABLE = "status_evidence"
EVIDENCE_COLUMNS = {
    "id": str, "document_id": str, "effect": str, "relation": str, "by_id": str, "by_label": str,
    "by_date": str, "provision": str, "citation_id": str, "page": int, "excerpt": str,
}
# How far before a mention the clause that acts on it is read ("Bãi bỏ khoản 2 Điều 5 của
# Quy định ban hành kèm theo …").
WINDOW = 240


@functools.cache
def _vocab() -> dict:
    return load_yaml("status_terms.yml")


@functools.cache
def _provision_re() -> re.Pattern:
    return re.compile(_vocab()["provision_pattern"], re.IGNORECASE | re.VERBOSE)


@functools.cache
def _partial_re() -> re.Pattern:
    words = sorted(_vocab()["partial_words"], key=len, reverse=True)
    return re.compile("(?i:" + "|".join(re.escape(w) for w in words) + r")(?![^\W\d_])")


# "… hết hiệu lực một phần", written after the number.
_PARTLY_AFTER = re.compile(r"(?i:hiệu lực(?:\s+thi hành)?\s+một phần)")
# The citing document's own article heading ("Điều 2. Bãi bỏ …") is not a provision acted on.
_ARTICLE_HEAD = re.compile(r"^\s*Điều\s+\d+[a-zđ]?\s*[.:]\s*")
_CLAUSE_BREAK = re.compile(r"[;\n]|\.\s+(?=[A-ZĐ])")


def _clause_before(text: str, start: int) -> str:
    """The clause a mention stands in, up to the mention: from the last ';', '.', line break."""
    lo = max(0, start - WINDOW)
    window = text[lo:start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(window)]
    return window[breaks[-1]:] if breaks else window


def _clause_after(text: str, end: int) -> str:
    window = text[end:end + WINDOW]
    m = _CLAUSE_BREAK.search(window)
    return window[:m.start()] if m else window


@dataclass
class Reading:
    """What one citing clause does to the document it names."""

    effect: str                 # amended | partly_repealed | replaced | repealed
    provision: str | None       # "khoản 2 Điều 5", "Điều 3, Điều 4"
    excerpt: str | None


def read_effect(relation: str, before: str, after: str = "") -> Reading | None:
    """The effect of a ``replaces`` / ``repeals`` / ``amends`` citation, from the clause text
    before the mention (and after it, for "… hết hiệu lực" written after the number)."""
    base = {"replaces": "replaced", "repeals": "repealed", "amends": "amended"}.get(relation)
    if base is None:
        return None
    before = _ARTICLE_HEAD.sub("", before)
    found = list(_provision_re().finditer(before))
    provision = " ".join(found[-1].group(0).split()).strip(" ,") if found else None
    partial = bool(provision) or bool(_partial_re().search(before)) or bool(_PARTLY_AFTER.search(after))
    effect = base
    if partial and base == "repealed":
        effect = "partly_repealed"
    elif partial and base == "replaced":  # a provision or annex replaced: the rest stands, amended
        effect = "amended"
    excerpt = " ".join((before + "…" + after).split())[-200:] or None
    return Reading(effect, provision, excerpt)


def ensure_schema(db: sqlite_utils.Database) -> None:
    have = set(db["documents"].columns_dict)
    for col, typ in STATUS_COLUMNS.items():
        if col not in have:
            db["documents"].add_column(col, typ)
    if not db[EVIDENCE_TABLE].exists():
        db[EVIDENCE_TABLE].create(EVIDENCE_COLUMNS, pk="id", foreign_keys=[
            ("document_id", "documents", "id"), ("by_id", "documents", "id"),
            ("citation_id", "citations", "id")])
        for col in ("document_id", "by_id"):
            db[EVIDENCE_TABLE].create_index([col], if_not_exists=True)
    db["documents"].create_index(["status"], if_not_exists=True)


def _mentions_by_citation(db: sqlite_utils.Database, ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for r in db.query(f"select citation_id, start, \"end\", page from citation_mentions "
                      f"where citation_id in ({marks}) order by start", ids):
        out.setdefault(r["citation_id"], []).append(r)
    return out


@functools.cache
def _cue_res() -> dict[str, re.Pattern]:
    """Per relation, the cue words of citation_cues.yml (prefix and postfix)."""
    out = {}
    for rel in load_yaml("citation_cues.yml")["relations"]:
        words = list(rel.get("cues", [])) + list(rel.get("postfix", []))
        out[rel["relation"]] = re.compile(
            "(?i:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")")
    return out


def _best_reading(relation: str, text: str | None, mentions: list[dict]) -> tuple[Reading, dict | None]:
    """The reading of the mention whose clause carries the relation's cue (else the first)."""
    cue = _cue_res().get(relation)
    first = None
    for m in mentions:
        if not text or m["start"] is None:
            continue
        before, after = _clause_before(text, m["start"]), _clause_after(text, m["end"])
        hits = list(cue.finditer(before)) if cue else []
        if hits:  # what the act names starts at its cue word
            before = before[hits[-1].start():]
        reading = read_effect(relation, before, after)
        if first is None:
            first = (reading, m)
        if hits or (cue and cue.search(after)):
            return reading, m
    if first:
        return first
    return read_effect(relation, ""), (mentions[0] if mentions else None)


def _rank(effect: str) -> int:
    return STATUSES.index(effect)


def _date_key(d: str | None) -> str:
    return d or "9999"


def derive(events: list[dict]) -> tuple[str, str | None, str | None]:
    """(status, since, by id) from a document's evidence rows.

    The first act that ends its force decides; else a partial repeal, else an amendment
    (the latest of its kind, so "since" is the last change)."""
    if not events:
        return "in_force", None, None
    ordered = sorted(events, key=lambda e: (_date_key(e["by_date"]), e["by_id"] or ""))
    ending = [e for e in ordered if e["effect"] in TERMINAL]
    if ending:
        e = ending[0]
        return e["effect"], e["by_date"], e["by_id"]
    for effect in ("partly_repealed", "amended"):
        found = [e for e in ordered if e["effect"] == effect]
        if found:
            e = found[-1]
            return effect, e["by_date"], e["by_id"]
    return "in_force", None, None


def _evidence(db: sqlite_utils.Database, docs: dict[str, dict]) -> list[dict]:
    # Through the relation index, named: the planner's statistics count every citation's
    # relation alike and would scan the whole table for these few.
    hint = " indexed by idx_citations_relation" if db.conn.execute(
        "select 1 from sqlite_master where type = 'index' and name = 'idx_citations_relation'").fetchone() else ""
    cites = list(db.query(f"select id, citing_id, cited_id, relation from citations{hint} "
                          "where relation in ('replaces', 'repeals', 'amends') order by id"))
    mentions = _mentions_by_citation(db, [c["id"] for c in cites])
    texts: dict[str, str | None] = {}
    rows = []
    for c in cites:
        citing = docs.get(c["citing_id"]) or {}
        if c["citing_id"] not in texts:
            texts[c["citing_id"]] = next(iter(db.query("select text from document_texts where document_id = ?",
                                                       [c["citing_id"]])), {}).get("text")
        reading, mention = _best_reading(c["relation"], texts[c["citing_id"]], mentions.get(c["id"], []))
        rows.append({
            "id": "se" + short_hash(c["id"]), "document_id": c["cited_id"], "effect": reading.effect,
            "relation": c["relation"], "by_id": c["citing_id"], "by_label": citing.get("label"),
            "by_date": citing.get("issued_date"), "provision": reading.provision, "citation_id": c["id"],
            "page": mention.get("page") if mention else None, "excerpt": reading.excerpt,
        })
    return rows


def _basis_warnings(db: sqlite_utils.Database, docs: dict[str, dict], status: dict[str, tuple]) -> list[dict]:
    out = []
    ended = sorted(d for d, (st, _, _) in status.items() if st in TERMINAL)
    for c in (r for d in ended for r in db.query(  # the citations of what was replaced or repealed only
            "select id, citing_id, cited_id from citations where cited_id = ? and relation = 'based_on'", [d])):
        st, since, by = status.get(c["cited_id"], ("in_force", None, None))
        if st not in TERMINAL:
            continue
        doc, basis = docs.get(c["citing_id"]) or {}, docs.get(c["cited_id"]) or {}
        own = doc.get("issued_date")
        by_label = (docs.get(by) or {}).get("label") or by
        verb = "replaced" if st == "replaced" else "repealed"
        if since and own and since[:len(own)] < own[:len(since)]:
            code = "basis_superseded"
            detail = f"based on {basis.get('label')}, {verb} by {by_label} on {since}, before this document ({own})"
        else:
            code = "basis_later_superseded"
            detail = (f"based on {basis.get('label')}, {verb} by {by_label}"
                      f"{' on ' + since if since else ''}, after this document ({own or 'undated'})")
        out.append({"id": "w" + short_hash(c["citing_id"], code, c["cited_id"]), "document_id": c["citing_id"],
                    "code": code, "detail": detail})
    return out


def update_status(db) -> dict[str, int]:
    """Rewrite every document's status, the evidence rows and the basis warnings from the
    database's tables. ``db``: a path or a ``sqlite_utils.Database``. Returns counts by status."""
    db = db if isinstance(db, sqlite_utils.Database) else sqlite_utils.Database(db)
    with db.conn:
        ensure_schema(db)
    with db.conn:
        return refresh_status(db)


def _executemany(db: sqlite_utils.Database, sql: str, rows: list[tuple]) -> None:
    if rows:
        db.conn.executemany(sql, rows)


class _Docs:
    """``id → {label, issued_date}`` read on demand (the corpus is not held in memory)."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.rows: dict[str, dict | None] = {}

    def get(self, did):
        if did not in self.rows:
            row = self.db.conn.execute("select id, label, issued_date from documents where id = ?", (did,)).fetchone()
            self.rows[did] = dict(zip(("id", "label", "issued_date"), row)) if row else None
        return self.rows[did]


def refresh_status(db: sqlite_utils.Database) -> dict[str, int]:
    """:func:`update_status` inside the caller's transaction (nothing here commits); rows are
    written only where they change, and only documents acted on are held in memory."""
    docs = _Docs(db)
    evidence = _evidence(db, docs)
    by_doc: dict[str, list[dict]] = {}
    for e in evidence:
        by_doc.setdefault(e["document_id"], []).append(e)
    status = {d: derive(events) for d, events in by_doc.items()}
    cols = list(EVIDENCE_COLUMNS)
    _sync(db, EVIDENCE_TABLE, cols, sorted(evidence, key=lambda r: r["id"]), "1")
    old = {r[0]: tuple(r[1:]) for r in db.conn.execute(
        f"select id, status, status_since, status_by from documents where id in "
        f"(select document_id from {EVIDENCE_TABLE})")}
    _executemany(db, "update documents set status = ?, status_since = ?, status_by = ? where id = ?",
                 [(*status[d], d) for d in sorted(status) if old.get(d) != tuple(status[d])])
    db.conn.execute(f"""update documents set status = 'in_force', status_since = null, status_by = null
        where (status is not 'in_force' or status_since is not null or status_by is not null)
          and id not in (select document_id from {EVIDENCE_TABLE})""")
    marks = ",".join("?" * len(WARNING_CODES))
    warnings = _basis_warnings(db, docs, status)
    _sync(db, "warnings", ["id", "document_id", "code", "detail"], sorted(warnings, key=lambda r: r["id"]),
          f"code in ({marks})", list(WARNING_CODES))
    return dict(db.conn.execute("select status, count(*) from documents group by status").fetchall())


def _sync(db: sqlite_utils.Database, table: str, cols: list[str], rows: list[dict], where: str,
          params: list | None = None) -> None:
    """Make the rows of ``table`` matching ``where`` equal to ``rows`` (by id), touching only
    those that differ."""
    have = {r[0]: tuple(r) for r in db.conn.execute(
        f"select {', '.join(f'[{c}]' for c in cols)} from [{table}] where {where}", params or [])}
    want = {r["id"]: tuple(r[c] for c in cols) for r in rows}
    _executemany(db, f"delete from [{table}] where id = ?", [(i,) for i in sorted(set(have) - set(want))])
    _executemany(db, f"insert or replace into [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
                     f"values ({', '.join('?' * len(cols))})",
                 [want[i] for i in sorted(want) if have.get(i) != want[i]])


# --- reading it back ------------------------------------------------------------------------


def status_lines(db_path: str | Path, number: str) -> list[str]:
    """The status of every document numbered (or labelled, or with id) ``number``, with evidence."""
    db = sqlite_utils.Database(db_path)
    if "status" not in db["documents"].columns_dict:
        update_status(db)
    docs = list(db.query(
        "select id, label, issuer, issued_date, ingested, status, status_since, status_by from documents "
        "where number = ? or label = ? or id = ? order by id", [number, number, number]))
    if not docs:
        return [f"no document numbered {number!r}"]
    lines = []
    for d in docs:
        stub = "" if d["ingested"] else ", not in corpus"
        head = ", ".join(str(x) for x in (d["issuer"], d["issued_date"]) if x)
        lines.append(f"{d['label']} ({head}{stub})")
        since = f" since {d['status_since']}" if d["status_since"] else ""
        lines.append(f"  status: {d['status']}{since}")
        for e in db.query(f"select * from {EVIDENCE_TABLE} where document_id = ? "
                          f"order by coalesce(by_date, '9999'), by_label", [d["id"]]):
            where = f" ({e['provision']})" if e["provision"] else ""
            lines.append(f"  - {e['effect']}{where} by {e['by_label']}"
                         f"{' of ' + e['by_date'] if e['by_date'] else ''}")
        for w in db.query("select a.label, w.code, w.detail from citations c "
                          "join warnings w on w.document_id = c.citing_id join documents a on a.id = c.citing_id "
                          "where c.cited_id = ? and w.code in (?, ?) and instr(w.detail, ?) > 0 order by a.label",
                          [d["id"], *WARNING_CODES, d["label"]]):
            lines.append(f"  ! {w['label']}: {w['code']}: {w['detail']}")
        for w in db.query("select code, detail from warnings where document_id = ? and code in (?, ?) order by id",
                          [d["id"], *WARNING_CODES]):
            lines.append(f"  ! {w['code']}: {w['detail']}")
    lines.append("(a status is only as good as the corpus: acts outside it are not known)")
    return lines


def _click_command():
    import click

    @click.command("status")
    @click.argument("number")
    @db_option
    def status(number: str, db_path: str) -> None:
        """Print a document's legal status (in force, amended, repealed …) with its evidence.

        Example: vanban status "12/2020/QĐ-UBND"
        """
        print("\n".join(status_lines(db_path, number)), file=sys.stdout)

    return status


status_command = _click_command()
