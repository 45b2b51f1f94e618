"""Write the corpus to a new SQLite file for Datasette (sqlite-utils).

``publish(extractions, sources, db_path)`` builds every table from the contract
objects (rows assembled by :mod:`pipeline.store.rows`), stores the graph measures
(:mod:`pipeline.store.graph`), adds full-text search, indexes and views. The same inputs
give a byte-identical file: rows go in sorted by primary key, nothing records a time.
The caller swaps the new file into place.
"""
from __future__ import annotations

import functools
from pathlib import Path

import sqlite_utils
import yaml

import gazetteer
from pipeline.core.models import Extraction
from pipeline.store.rows import Rows, assemble

LABELS_PATH = Path(__file__).with_name("labels.yml")
# Folds case and marks but leaves đ/Đ alone: the *_folded columns cover that.
TOKENIZE = "unicode61 remove_diacritics 2"


@functools.cache
def labels() -> dict:
    return yaml.safe_load(LABELS_PATH.read_text(encoding="utf-8"))


# Column types and foreign keys, table by table, in creation order.
SCHEMA: list[tuple[str, dict, str | tuple, list[tuple[str, str, str]]]] = [
    ("doc_types", {"id": int, "code": str, "name_vi": str, "name_en": str}, "id", []),
    ("roles", {"id": int, "code": str, "name_vi": str, "name_en": str}, "id", []),
    ("localities", {
        "id": str, "name": str, "full_name": str, "division": str, "level": str, "code": int,
        "parent_id": str, "successor_id": str, "succession_kind": str, "succession_effective": str,
        "current": int,
    }, "id", [("parent_id", "localities", "id"), ("successor_id", "localities", "id")]),
    ("agencies", {
        "id": str, "name": str, "name_folded": str, "locality": str, "locality_id": str,
        "locality_code": int, "kind": str, "level": str, "parent_id": str,
        "documents": int, "mentions": int, "tasks": int, "issued": int,
    }, "id", [("locality_id", "localities", "id"), ("parent_id", "agencies", "id")]),
    ("documents", {
        "id": str, "doc_type": int, "kind_name": str, "number": str, "label": str, "issuer": str, "issuer_id": str,
        "issuer_locality": str, "locality_id": str, "place": str, "issued_date": str, "year": int,
        "title": str, "signer_name": str, "signer_position": str, "signer_authority": str,
        "ingested": int, "source_path": str,
        "in_degree": int, "pagerank": float, "component": int, "chain_depth": int,
    }, "id", [("doc_type", "doc_types", "id"), ("issuer_id", "agencies", "id"),
              ("locality_id", "localities", "id")]),
    # The large text lives beside its document, so a documents row stays one line.
    ("document_texts", {"document_id": str, "text": str, "text_folded": str}, "document_id",
     [("document_id", "documents", "id")]),
    ("sources", {
        "path": str, "sha256": str, "format": str, "pages": int, "status": str, "error": str,
        "document_id": str, "ocr_confidence": float,
    }, "path", [("document_id", "documents", "id")]),
    ("source_pages", {"source_path": str, "page": int, "ocr_confidence": float},
     ("source_path", "page"), [("source_path", "sources", "path")]),
    ("citations", {
        "id": str, "citing_id": str, "cited_id": str, "relation": str, "mentions": int,
    }, "id", [("citing_id", "documents", "id"), ("cited_id", "documents", "id")]),
    ("citation_mentions", {
        "id": str, "citation_id": str, "document_id": str, "page": int, "start": int, "end": int,
        "text": str,
    }, "id", [("citation_id", "citations", "id"), ("document_id", "documents", "id")]),
    ("standards", {"id": str, "code": str}, "id", []),
    ("document_standards", {"document_id": str, "standard_id": str, "mentions": int, "page": int},
     ("document_id", "standard_id"), [("document_id", "documents", "id"), ("standard_id", "standards", "id")]),
    ("document_agencies", {"document_id": str, "agency_id": str, "mentions": int},
     ("document_id", "agency_id"), [("document_id", "documents", "id"), ("agency_id", "agencies", "id")]),
    ("agency_mentions", {
        "id": str, "agency_id": str, "document_id": str, "page": int, "start": int, "end": int,
        "text": str,
    }, "id", [("agency_id", "agencies", "id"), ("document_id", "documents", "id")]),
    ("tasks", {
        "id": str, "document_id": str, "seq": int, "ref": str, "label": str, "section": str,
        "text": str, "text_folded": str, "deadline_text": str, "deadline_start": str,
        "deadline_end": str, "deadline_recurrence": str, "start": int, "end": int, "page": int,
    }, "id", [("document_id", "documents", "id")]),
    ("task_agencies", {"task_id": str, "agency_id": str, "role": int},
     ("task_id", "agency_id", "role"),
     [("task_id", "tasks", "id"), ("agency_id", "agencies", "id"), ("role", "roles", "id")]),
    ("deadlines", {
        "id": str, "document_id": str, "task_id": str, "text": str, "start": str, "end": str,
        "recurrence": str, "month": str, "span_start": int, "span_end": int, "page": int,
    }, "id", [("document_id", "documents", "id"), ("task_id", "tasks", "id")]),
    ("warnings", {"id": str, "document_id": str, "code": str, "detail": str}, "id",
     [("document_id", "documents", "id")]),
]

FTS = {
    "tasks": ["ref", "text", "text_folded"],
    "agencies": ["name", "name_folded"],
}
# Search on documents covers their text too: one FTS table over documents + document_texts,
# keyed by the documents rowid (Datasette: fts_table / fts_pk in metadata.yml).
DOCUMENTS_FTS_COLUMNS = ["kind_name", "number", "title", "text", "text_folded"]
TEXT_COLUMNS = ("text", "text_folded")
EXTRA_INDEXES = [("documents", ["number"]), ("documents", ["year"]), ("citations", ["relation"]),
                 ("deadlines", ["end"]), ("standards", ["code"]), ("agencies", ["name"])]

VIEWS = {
    # One row per agency and role: how many duties, in how many documents, next dated deadline.
    "duties_per_agency": """
        select a.id as agency_id, a.name as agency, a.locality, r.code as role,
               count(distinct t.id) as tasks, count(distinct t.document_id) as documents,
               min(t.deadline_end) as earliest_deadline
        from task_agencies ta
        join agencies a on a.id = ta.agency_id
        join roles r on r.id = ta.role
        join tasks t on t.id = ta.task_id
        group by a.id, r.code
        order by tasks desc, agency, role""",
    # Deadlines not yet past (a YYYY or YYYY-MM end counts until its last day), by month.
    "open_deadlines_by_month": """
        select coalesce(dl.month, substr(dl."end", 1, 4)) as month, count(*) as deadlines,
               count(distinct dl.document_id) as documents,
               group_concat(dl.text, ' | ') as texts
        from deadlines dl
        where dl."end" is not null
          and dl."end" >= substr(date('now'), 1, length(dl."end"))
        group by 1
        order by 1""",
}


def _create_schema(db: sqlite_utils.Database) -> None:
    for name, columns, pk, fks in SCHEMA:
        db[name].create(columns, pk=pk, foreign_keys=fks)
        for column, _other, _ in fks:
            db[name].create_index([column], if_not_exists=True)


def _lookups(db: sqlite_utils.Database, rows: Rows) -> tuple[dict, dict]:
    """Fill doc_types and roles with Table.lookup, in code order so ids never move."""
    kinds = gazetteer.kinds()
    used = {d["doc_type"] for d in rows.documents.values() if d["doc_type"]}
    type_ids = {}
    for code in sorted(set(kinds) | used):
        extra = {"name_vi": kinds.get(code, {}).get("vi"), "name_en": kinds.get(code, {}).get("en")}
        type_ids[code] = db["doc_types"].lookup({"code": code}, extra)
    roles = {r["code"]: r for r in labels()["roles"]}
    role_ids = {}
    for code in sorted(set(roles) | {t["role"] for t in rows.task_agencies.values()}):
        extra = {"name_vi": roles.get(code, {}).get("vi"), "name_en": roles.get(code, {}).get("en")}
        role_ids[code] = db["roles"].lookup({"code": code}, extra)
    return type_ids, role_ids


def _split_texts(docs: list[dict]) -> tuple[list[dict], list[dict]]:
    """Document rows without their large text, and the ``document_texts`` rows holding it."""
    texts = [{"document_id": d["id"], **{c: d.get(c) for c in TEXT_COLUMNS}} for d in docs]
    return [{k: v for k, v in d.items() if k not in TEXT_COLUMNS} for d in docs], texts


def _documents_search(db: sqlite_utils.Database) -> None:
    cols = ", ".join(DOCUMENTS_FTS_COLUMNS)
    db.execute(f"create virtual table documents_fts using fts5({cols}, tokenize='{TOKENIZE}')")
    db.execute(f"""insert into documents_fts (rowid, {cols})
                   select d.rowid, d.kind_name, d.number, d.title, t.text, t.text_folded
                   from documents d left join document_texts t on t.document_id = d.id
                   order by d.rowid""")


def _insert(db: sqlite_utils.Database, table: str, items, key) -> None:
    ordered = sorted(items, key=key)
    if ordered:
        db[table].insert_all(ordered, batch_size=500)


def publish(extractions: list[Extraction], sources: list[dict], db_path: str | Path,
            graph_dir: str | Path | None = None) -> None:
    """Write a new database at ``db_path`` (replacing any file there) from the extractions.

    With ``graph_dir``, the graph is also exported there (``vanban.graphml``, ``.gexf``, ``.json``).
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)

    kind_names = {code: k["vi"] for code, k in gazetteer.kinds().items()}
    rows = assemble(extractions, sources, labels()["agency_kinds"], kind_names, labels()["group_words"])
    db = sqlite_utils.Database(db_path)
    # A fresh file that the caller swaps in (after its own fsync): no journal, no syncs.
    # Neither setting is stored in the file, so the bytes are the same either way.
    db.conn.execute("PRAGMA journal_mode = MEMORY")
    db.conn.execute("PRAGMA synchronous = OFF")
    with db.conn:
        _create_schema(db)
        type_ids, role_ids = _lookups(db, rows)
        by_id = lambda r: r["id"]  # noqa: E731
        _insert(db, "localities", rows.localities.values(), by_id)
        _insert(db, "agencies", rows.agencies.values(), by_id)
        docs = [{**d, "doc_type": type_ids.get(d["doc_type"]), "kind_name": kind_names.get(d["doc_type"])}
                for d in rows.documents.values()]
        docs, texts = _split_texts(docs)
        _insert(db, "documents", docs, by_id)
        _insert(db, "document_texts", texts, lambda r: r["document_id"])
        _insert(db, "sources", rows.sources, lambda r: r["path"])
        _insert(db, "source_pages", rows.source_pages, lambda r: (r["source_path"], r["page"]))
        _insert(db, "citations", rows.citations.values(), by_id)
        _insert(db, "citation_mentions", rows.citation_mentions, by_id)
        _insert(db, "standards", rows.standards.values(), by_id)
        _insert(db, "document_standards", rows.document_standards.values(),
                lambda r: (r["document_id"], r["standard_id"]))
        _insert(db, "document_agencies", rows.document_agencies.values(),
                lambda r: (r["document_id"], r["agency_id"]))
        _insert(db, "agency_mentions", rows.agency_mentions, by_id)
        _insert(db, "tasks", rows.tasks, by_id)
        links = [{**t, "role": role_ids[t["role"]]} for t in rows.task_agencies.values()]
        _insert(db, "task_agencies", links, lambda r: (r["task_id"], r["agency_id"], r["role"]))
        _insert(db, "deadlines", rows.deadlines, by_id)
        _insert(db, "warnings", rows.warnings, by_id)

    from pipeline.store.graph import build_graph, export_graph, store_metrics  # reads the tables just written
    from pipeline.store.status import update_status
    graph = build_graph(db)
    with db.conn:
        store_metrics(db, graph)
    update_status(db)  # legal status from the citations just written
    if graph_dir is not None:
        export_graph(graph, graph_dir)

    with db.conn:
        for table, columns in EXTRA_INDEXES:
            db[table].create_index(columns, if_not_exists=True)
        for table, columns in FTS.items():
            db[table].enable_fts(columns, tokenize=TOKENIZE)
        _documents_search(db)
        for name, sql in VIEWS.items():
            db.create_view(name, sql.strip())
    db.conn.execute("ANALYZE")
    db.close()
