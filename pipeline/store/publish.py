"""The SQLite database for Datasette: its schema, and publishing sources into it.

``publish(extractions, sources, db_path)`` writes a new file from the contract objects;
``publish_stream(items, db_path, fresh=...)`` takes ``(source row, Extraction or None)``
pairs one at a time — a new file, or the existing database updated in place for the
sources given (and ``removed``) inside one transaction. Both go through
:class:`pipeline.store.incremental.Publisher`, so an update gives the same rows as a
publish from scratch. The same inputs in the same order give a byte-identical file:
nothing records a time.
"""
from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils
import yaml

import gazetteer
from pipeline.core.models import Extraction
from pipeline.store import measures
from pipeline.store.access import read_only

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


def create_schema(db: sqlite_utils.Database) -> None:
    """Every table, index, full-text index and view of an empty database."""
    from pipeline.store.incremental import create_raw_tables
    from pipeline.store.status import ensure_schema

    for name, columns, pk, fks in SCHEMA:
        db[name].create(columns, pk=pk, foreign_keys=fks)
        for column, _other, _ in fks:
            db[name].create_index([column], if_not_exists=True)
    _lookups(db)
    for table, columns in EXTRA_INDEXES:
        db[table].create_index(columns, if_not_exists=True)
    # Tasks and agencies: kept in step by triggers as rows come and go.
    for table, columns in FTS.items():
        db[table].enable_fts(columns, tokenize=TOKENIZE, create_triggers=True)
    # Documents: one index over documents + document_texts, keyed by the documents rowid,
    # kept by the publisher (Datasette: fts_table / fts_pk in metadata.yml).
    db.execute(f"create virtual table documents_fts using fts5({', '.join(DOCUMENTS_FTS_COLUMNS)}, "
               f"tokenize='{TOKENIZE}')")
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip())
    ensure_schema(db)
    create_raw_tables(db)


def _lookups(db: sqlite_utils.Database) -> None:
    """doc_types and roles, in code order so ids never move (a code outside the vocabularies
    is added after them when it first appears)."""
    kinds = gazetteer.kinds()
    for code in sorted(kinds):
        db["doc_types"].lookup({"code": code}, {"name_vi": kinds[code].get("vi"), "name_en": kinds[code].get("en")})
    roles = {r["code"]: r for r in labels()["roles"]}
    for code in sorted(roles):
        db["roles"].lookup({"code": code}, {"name_vi": roles[code].get("vi"), "name_en": roles[code].get("en")})


def has_schema(db_path: str | Path) -> bool:
    """Whether ``db_path`` is a database this version can update in place."""
    from pipeline.store.incremental import RAW_TABLES

    try:
        con = read_only(db_path)
    except sqlite3.Error:
        return False
    try:
        names = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.Error:
        return False
    finally:
        con.close()
    return {name for name, *_ in SCHEMA} | set(RAW_TABLES) <= names


def publish_stream(items: Iterable[tuple[dict, Extraction | None]], db_path: str | Path, *,
                   fresh: bool = True, removed: Iterable[str] = (), graph_dir: str | Path | None = None) -> int:
    """Publish ``(source row, Extraction or None)`` pairs, consumed one at a time.

    ``fresh``: a new database at ``db_path`` (any file there is replaced); otherwise the
    database there is updated in place — the sources given replace theirs, ``removed`` paths
    leave — in one transaction: a crash leaves it as it was. Returns the sources taken."""
    from pipeline.store.incremental import Publisher

    db_path = Path(db_path)
    if fresh:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    con = sqlite3.connect(db_path, isolation_level=None)
    try:
        if fresh:
            # A fresh file that the caller swaps in (after its own fsync): no journal, no syncs.
            # Neither setting is stored in the file, so the bytes are the same either way.
            con.execute("PRAGMA journal_mode = MEMORY")
            con.execute("PRAGMA synchronous = OFF")
            create_schema(sqlite_utils.Database(con))
        else:
            con.execute("PRAGMA journal_mode = DELETE")
            con.execute("PRAGMA synchronous = FULL")
            from pipeline.store.incremental import create_raw_tables

            create_raw_tables(sqlite_utils.Database(con))  # indexes added since the file was made
        con.execute("PRAGMA cache_size = -32768")  # 32 MB of pages, whatever the corpus size
        con.execute("BEGIN IMMEDIATE")
        try:
            pub = Publisher(con, labels(), fresh=fresh)
            measures.prepare()
            for path in removed:
                pub.remove(path)
            for source, extraction in items:
                pub.add(source, extraction)
            pub.finish()
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        if fresh:
            con.execute("ANALYZE")
    finally:
        con.close()
    if graph_dir is not None:
        from pipeline.store.graph import stream_export

        for fmt in ("graphml", "gexf", "json"):
            stream_export(db_path, Path(graph_dir) / f"vanban.{fmt}", fmt)
    return pub.added


def paired(extractions: Iterable[Extraction], sources: list[dict]) -> list[tuple[dict, Extraction | None]]:
    """``(source row, Extraction)`` in path order: a source without an Extraction has None, an
    Extraction without a source row gets one (status ok)."""
    by_path = {s["path"]: dict(s) for s in sources}
    out: dict[str, tuple[dict, Extraction | None]] = {}
    for e in extractions:
        path = (e.contract.get("source") or {}).get("path")
        if path in out:
            continue  # one reading per path
        out[path] = (by_path.pop(path, None) or {"path": path, "status": "ok"}, e)
    for path, s in by_path.items():
        out.setdefault(path, (s, None))
    return [out[p] for p in sorted(out, key=lambda p: p or "")]


def publish(extractions: list[Extraction], sources: list[dict], db_path: str | Path,
            graph_dir: str | Path | None = None) -> None:
    """Write a new database at ``db_path`` (replacing any file there) from the extractions.

    With ``graph_dir``, the graph is also exported there (``vanban.graphml``, ``.gexf``, ``.json``).
    """
    publish_stream(paired(extractions, sources), db_path, fresh=True, graph_dir=graph_dir)
