"""Publishing source by source: the database updated in place for what changed, in one transaction.

A :class:`Publisher` takes sources one at a time (``add``: a new or changed source with its
Extraction; ``remove``: a source that left the inputs) and, at ``finish``, brings every table
derived from them up to date — reading the database, never the whole corpus in memory:

* **raw tables** (leading ``_``, hidden from the site) hold what a source contributes on its
  own: ``_extractions`` (its Extraction, compressed, to re-derive its rows), ``_keys`` (its own
  identity and every citation's, with the fields a stub is made of), ``_agency_names`` (each
  agency spelling a document uses) and ``_standard_codes``;
* **identities**: a partial key (no issuer, no year) joins the one full key of its kind and
  number (:func:`pipeline.core.identity.resolve_partial_keys`), group by group, only for the
  groups a changed source touches; a source whose resolution moved is re-derived;
* **documents**: of the sources that are one document, the first path holds its rows, the
  others are ``duplicate``; a document cited but not ingested is a stub row made from its
  citations (the first citing path gives its number and label, later ones fill what is
  missing); a new document replaces the stub others already cite, a removed one becomes a
  stub again when it is still cited;
* **aggregates**: agencies (commonest spelling, counts), standards and localities for the
  keys touched; the whole-graph measures (PageRank, components, chain depth) and legal status
  recomputed from SQL reads of the citations table, rows written only where they changed.

A from-scratch publish is the same process on an empty database, so an incremental build
gives the same table rows as a full one.
"""
from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable

import sqlite_utils

import gazetteer
from gazetteer.places import Gazetteer, division_hints
from pipeline.core.identity import agency_id, document_id, short_hash
from pipeline.core.models import Extraction
from pipeline.core.vntext import fold_key
from pipeline.store import rows as R
from pipeline.store.codec import extraction_from_json, extraction_to_json

RAW_TABLES = {
    "_extractions": "path text primary key, sha256 text, status text, error text, data blob",
    "_keys": ("path text not null, seq integer not null, k_type text, k_ident text, k_issuer text, "
              "k_year integer, resolved_id text, r_year integer, doc_type text, number text, title text, "
              "issued_date text, issuer text, issuer_locality text, relation text, mentions integer, "
              "spans text, primary key (path, seq)"),
    "_agency_names": "document_id text, agency_id text, spelling text, locality text, n integer",
    "_standard_codes": "document_id text, standard_id text, code text",
    "_state": "key text primary key, value text",
}
RAW_INDEXES = [
    ("_keys", ("k_type", "k_ident", "k_issuer", "k_year")), ("_keys", ("resolved_id", "seq", "path")),
    ("_keys", ("resolved_id", "path", "seq")),
    ("_agency_names", ("document_id",)), ("_agency_names", ("agency_id",)),
    ("_standard_codes", ("document_id",)), ("_standard_codes", ("standard_id",)),
    ("documents", ("source_path",)), ("documents", ("issuer_locality",)), ("sources", ("sha256",)),
    # Covering indexes: an add reads counts, spellings and edges without the table rows.
    ("_agency_names", ("agency_id", "spelling", "locality", "n")), ("document_agencies", ("agency_id", "mentions")),
    ("documents", ("issuer",)), ("documents", ("issuer_locality", "locality_id")),
    ("citations", ("citing_id", "cited_id")),
    # a chain walked either way reads the edges from the index alone
    ("citations", ("cited_id", "citing_id", "relation")), ("citations", ("citing_id", "cited_id", "relation")),
    ("documents", ("id", "in_degree", "pagerank", "component", "chain_depth")),  # the measures, in id order
    # what a chain prints of a document: a tree read from page cache or disk touches one leaf a node
    ("documents", ("id", "label", "number", "issuer", "issued_date", "year", "ingested", "doc_type")),
    ("documents", ("ingested",)),  # the build's count of documents read
    ("sources", ("document_id",)),  # the copies of a document, and the sources without one
]
DOC_COLUMNS = ["id", "doc_type", "kind_name", "number", "label", "issuer", "issuer_id", "issuer_locality",
               "locality_id", "place", "issued_date", "year", "title", "signer_name", "signer_position",
               "signer_authority", "ingested", "source_path"]
STUB_FIELDS = ["doc_type", "kind_name", "number", "label", "issuer", "issuer_id", "issuer_locality",
               "issued_date", "year", "title"]
SOURCE_COLUMNS = ["path", "sha256", "format", "pages", "status", "error", "document_id", "ocr_confidence"]
AGENCY_COLUMNS = ["id", "name", "name_folded", "locality", "locality_id", "locality_code", "kind", "level",
                  "parent_id", "documents", "mentions", "tasks", "issued"]
LOCALITY_COLUMNS = ["id", "name", "full_name", "division", "level", "code", "parent_id", "successor_id",
                    "succession_kind", "succession_effective", "current"]
NOT_UNDER_COMMITTEE = (None, "people_committee", "people_council", "group", "party")

# Test hooks (a build killed mid-publish): called after each source, and before the commit.
ON_SOURCE: Callable[[], None] | None = None
BEFORE_COMMIT: Callable[[], None] | None = None


class _Unit:
    """What a kept resolution needs of a gazetteer unit."""

    def __init__(self, id: str, code: int | None, level: str | None):  # noqa: A002
        self.id, self.code, self.level = id, code, level


def _insert(con, table: str, rows: list[dict], replace: bool = False) -> None:
    if not rows:
        return
    cols = list(rows[0])
    verb = "insert or replace" if replace else "insert"
    con.executemany(f"{verb} into [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
                    f"values ({', '.join('?' * len(cols))})", [tuple(r[c] for c in cols) for r in rows])


# A stub takes a field its first citation leaves out from the next citation that has it: these
# hold only the citations that have it, so a field no citation has costs no walk of every citer.
STUB_FILLS = ("issuer", "title", "issuer_locality", "issued_date")


def create_raw_tables(db: sqlite_utils.Database) -> None:
    for name, cols in RAW_TABLES.items():
        db.execute(f"create table if not exists [{name}] ({cols})")
    for table, cols in RAW_INDEXES:
        db[table].create_index(list(cols), if_not_exists=True)
    for name in STUB_FILLS:
        db.execute(f"create index if not exists idx__keys_with_{name} on _keys (resolved_id, path, seq) "
                   f"where {name} is not null")
    _analyze_new_indexes(db)


def _analyze_new_indexes(db: sqlite_utils.Database) -> None:
    """Statistics for an index added to a database analysed before: without them the planner
    takes the unique id index over a covering one (a fresh database is analysed whole after
    its first publish)."""
    if not db["sqlite_stat1"].exists():
        return
    for (name,) in db.execute("""select name from sqlite_master where type = 'index'
                                  and name not in (select idx from sqlite_stat1 where idx is not null)
                                  and tbl_name in (select tbl from sqlite_stat1)""").fetchall():
        db.execute(f"ANALYZE [{name}]")


def pack(e: Extraction) -> bytes:
    return zlib.compress(json.dumps(extraction_to_json(e), ensure_ascii=False, sort_keys=True,
                                    separators=(",", ":")).encode("utf-8"), 6)


def unpack(blob: bytes) -> Extraction:
    return extraction_from_json(json.loads(zlib.decompress(blob)))


class Publisher:
    """Sources in, tables brought up to date at :meth:`finish`; all on one connection whose
    transaction the caller opened (nothing here commits)."""

    def __init__(self, con: sqlite3.Connection, labels: dict, fresh: bool = False):
        self.con = con
        self.fresh = fresh  # an empty database: nothing to remove before adding
        self.labels = labels
        self.kind_names = {code: k["vi"] for code, k in gazetteer.kinds().items()}
        self.type_ids = dict(con.execute("select code, id from doc_types"))
        self.role_ids = dict(con.execute("select code, id from roles"))
        self.groups: set[tuple] = set()  # key groups (kind, number) whose resolution may move
        self.dids: set[str] = set()  # documents whose ingested row may change
        self.cited: set[str] = set()  # documents whose stub row may change
        self.aids: set[str] = set()
        self.sids: set[str] = set()
        self.recite: set[str] = set()  # paths whose citations resolve anew
        self.derived: set[str] = set()
        self.doubtful: set[str] = set()  # ids a source's link may dangle on: rows deleted, ids given
        self.added = 0

    # --- sources in ------------------------------------------------------------------------

    def remove(self, path: str) -> None:
        """Forget a source: its raw rows, its source row, its document's rows when it holds them."""
        con = self.con
        for (did,) in con.execute("select id from documents where source_path = ? and ingested = 1",
                                  (path,)).fetchall():
            self._drop_document(did)
        for t, i, rid, seq in con.execute("select k_type, k_ident, resolved_id, seq from _keys where path = ?",
                                          (path,)).fetchall():
            self.groups.add((t, i))
            (self.dids if seq == 0 else self.cited).add(rid)
        for sql in ("delete from _keys where path = ?", "delete from _extractions where path = ?",
                    "delete from source_pages where source_path = ?", "delete from sources where path = ?"):
            con.execute(sql, (path,))

    def add(self, source: dict, extraction: Extraction | None) -> None:
        """A new or changed source (its row for ``sources``; its Extraction when it was read)."""
        path = source["path"]
        if not self.fresh:
            self.remove(path)
        conf = source.get("ocr_confidence")
        pages = []
        if isinstance(conf, (list, tuple)):
            pages = [{"source_path": path, "page": n, "ocr_confidence": round(c, 4)}
                     for n, c in enumerate(conf, start=1) if c is not None]
            conf = round(sum(conf) / len(conf), 4) if conf else None
        status, error = str(source.get("status") or "ok"), source.get("error")
        doc_id = None
        if extraction is not None:
            self._add_raw(path, source.get("sha256"), status, error, extraction)
        else:
            doc_id = source.get("document_id")
            if doc_id is not None:
                self.doubtful.add(doc_id)  # the caller's id: checked like a deleted row's
        _insert(self.con, "sources", [{
            "path": path, "sha256": source.get("sha256"), "format": source.get("format"),
            "pages": source.get("pages"), "status": status, "error": error, "document_id": doc_id,
            "ocr_confidence": conf}])
        _insert(self.con, "source_pages", pages)
        self.added += 1
        if ON_SOURCE is not None:
            ON_SOURCE()

    def _copies(self) -> None:
        """Sources without an Extraction: the same bytes under another name are its document;
        a caller's id must point at a row."""
        # Only a row deleted here, or an id a caller gave, can leave a link dangling.
        self.con.execute("""update sources set document_id = null where document_id in (select value from json_each(?))
            and path not in (select path from _extractions)
            and document_id not in (select id from documents)""", (json.dumps(sorted(self.doubtful)),))
        self.con.execute("""update sources set document_id = (
                select s2.document_id from sources s2 join _extractions e on e.path = s2.path
                where s2.sha256 = sources.sha256 order by s2.path limit 1)
            where document_id is null and sha256 is not null and path not in (select path from _extractions)""")

    def _add_raw(self, path: str, sha: str | None, status: str, error: str | None, e: Extraction) -> None:
        c = e.contract
        self.con.execute("insert into _extractions (path, sha256, status, error, data) values (?, ?, ?, ?, ?)",
                         (path, sha, status, error, pack(e)))
        keys = [{**self._key_fields(R._doc_key(c.get("document", {}))), "path": path, "seq": 0}]
        for i, cit in enumerate(c.get("citations", [])):
            issuer, issuer_loc = R._issuer(cit.get("issuer"))
            spans = R._spans(e, "citations", i, cit.get("number") or cit.get("title"))
            keys.append({**self._key_fields(R._doc_key(cit)), "path": path, "seq": i + 1,
                         "doc_type": cit.get("doc_type"), "number": cit.get("number"), "title": cit.get("title"),
                         "issued_date": cit.get("issued_date"), "issuer": issuer, "issuer_locality": issuer_loc,
                         "relation": cit.get("relation"), "mentions": int(cit.get("mentions") or 0),
                         "spans": json.dumps([list(s) for s in spans], ensure_ascii=False)})
        cols = ["path", "seq", "k_type", "k_ident", "k_issuer", "k_year", "doc_type", "number", "title",
                "issued_date", "issuer", "issuer_locality", "relation", "mentions", "spans"]
        self.con.executemany(f"insert into _keys ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                             [tuple(k.get(col) for col in cols) for k in keys])
        for k in keys:
            self.groups.add((k["k_type"], k["k_ident"]))

    @staticmethod
    def _key_fields(key: tuple) -> dict:
        return {"k_type": key[0], "k_ident": key[1], "k_issuer": key[2], "k_year": key[3]}

    # --- rows out ----------------------------------------------------------------------------

    def finish(self) -> None:
        """Bring every derived table up to date for the sources added and removed."""
        self._resolve()
        self._documents()
        for path in sorted(self.recite - self.derived):
            row = self.con.execute("select id from documents where source_path = ? and ingested = 1",
                                   (path,)).fetchone()
            if row:
                self._drop_citations(row[0])
                self._add_citations(path, row[0])
        self._stubs()
        self._copies()
        self._agencies()
        self._localities()
        self._standards()
        self._unused_codes()
        from pipeline.store.measures import store_metrics_sql
        from pipeline.store.status import refresh_status

        store_metrics_sql(self.con)
        refresh_status(sqlite_utils.Database(self.con))
        if BEFORE_COMMIT is not None:
            BEFORE_COMMIT()

    def _resolve(self) -> None:
        """Partial keys of the touched groups joined to their only full key (stored in ``_keys``)."""
        con = self.con
        for t, i in sorted(self.groups, key=repr):
            keys = con.execute("select distinct k_issuer, k_year from _keys where k_type is ? and k_ident is ?",
                               (t, i)).fetchall()
            complete = [k for k in keys if k[0] is not None and k[1] is not None]
            for issuer, year in keys:
                resolved = (issuer, year)
                if issuer is None or year is None:
                    found = [k for k in complete if (issuer is None or k[0] == issuer)
                             and (year is None or k[1] == year)]
                    if len(found) == 1:
                        resolved = found[0]
                new = document_id((t, i, *resolved))
                where = "k_type is ? and k_ident is ? and k_issuer is ? and k_year is ?"
                args = (t, i, issuer, year)
                # The rows of one key share a resolution once resolved: when it stays, only the
                # rows added since (unresolved) move — read through the resolved_id index.
                kept = con.execute(f"select resolved_id from _keys where {where} and resolved_id is not null "
                                   f"limit 1", args).fetchone()
                if kept and kept[0] == new:
                    moved = con.execute(f"select path, seq, resolved_id from _keys indexed by "
                                        f"idx__keys_resolved_id_seq_path where resolved_id is null and {where}",
                                        args).fetchall()
                    for path, seq, _ in moved:
                        con.execute("update _keys set resolved_id = ?, r_year = ? where path = ? and seq = ?",
                                    (new, resolved[1], path, seq))
                else:
                    moved = con.execute(f"select path, seq, resolved_id from _keys where {where} "
                                        f"and resolved_id is not ?", args + (new,)).fetchall()
                    if moved:
                        con.execute(f"update _keys set resolved_id = ?, r_year = ? where {where}",
                                    (new, resolved[1], *args))
                for path, seq, old in moved:
                    if seq == 0:
                        self.dids.update(x for x in (old, new) if x)
                    else:
                        self.cited.update(x for x in (old, new) if x)
                        self.recite.add(path)

    def _documents(self) -> None:
        """Per touched document: its first source holds the rows, the others are duplicates."""
        con = self.con
        for did in sorted(self.dids):
            holders = con.execute("select k.path, e.status, e.error from _keys k join _extractions e "
                                  "on e.path = k.path where k.resolved_id = ? and k.seq = 0 order by k.path",
                                  (did,)).fetchall()
            winner = holders[0][0] if holders else None
            cur = con.execute("select source_path, ingested from documents where id = ?", (did,)).fetchone()
            if cur and cur[1] and cur[0] != winner:
                self._drop_document(did)
                cur = None
            if winner and not (cur and cur[1]):
                if cur:
                    self._drop_stub(did)
                self._derive(winner, did)
            for path, status, error in holders:
                if path != winner and status == "ok":
                    status, error = "duplicate", f"same document as {winner}"
                con.execute("update sources set status = ?, error = ?, document_id = ? where path = ?",
                            (status, error, did, path))

    def _derive(self, path: str, did: str) -> None:
        """Every row of an ingested document, from its stored Extraction."""
        con = self.con
        self.derived.add(path)
        self.dids.add(did)
        e = unpack(con.execute("select data from _extractions where path = ?", (path,)).fetchone()[0])
        year = con.execute("select r_year from _keys where path = ? and seq = 0", (path,)).fetchone()[0]
        doc = e.contract.get("document", {})
        issuer, issuer_loc = R._issuer(doc.get("issuer"))
        rows, agencies = R.Rows(), R._Agencies()
        text = e.text.text if e.text is not None else None
        kind = doc.get("doc_type")
        rows.documents[did] = d = {
            "id": did, "doc_type": self._type_id(kind), "kind_name": self.kind_names.get(kind),
            "number": doc.get("number"), "label": R._label(kind, doc.get("number"), doc.get("title"), issuer, year),
            "issuer": issuer, "issuer_id": agencies.add(issuer, issuer_loc), "issuer_locality": issuer_loc,
            "locality_id": None, "place": doc.get("place"), "issued_date": doc.get("issued_date"), "year": year,
            "title": doc.get("title"), "signer_name": (doc.get("signer") or {}).get("name"),
            "signer_position": (doc.get("signer") or {}).get("position"),
            "signer_authority": (doc.get("signer") or {}).get("authority"), "ingested": 1, "source_path": path,
        }
        folded = R._folded(self.kind_names, kind, doc.get("number"), doc.get("title"), text)
        R.add_own_sections(rows, agencies, did, e)
        self._insert_document(d, text, folded)
        self._add_citations(path, did)
        codes = {}
        for std in e.contract.get("standards", []):
            code = " ".join((std.get("code") or "").split())
            if code:
                codes.setdefault(R.slug(code) or "s" + short_hash(code), code)
        _insert(con, "_standard_codes", [{"document_id": did, "standard_id": s, "code": codes[s]}
                                          for s in sorted(codes)])
        self.sids.update(codes)
        by_id = lambda r: r["id"]  # noqa: E731
        _insert(con, "document_standards", sorted(rows.document_standards.values(),
                                                  key=lambda r: r["standard_id"]))
        _insert(con, "document_agencies", sorted(rows.document_agencies.values(), key=lambda r: r["agency_id"]))
        _insert(con, "agency_mentions", sorted(rows.agency_mentions, key=by_id), replace=True)
        _insert(con, "tasks", sorted(rows.tasks, key=by_id), replace=True)
        links = [{**t, "role": self._role_id(t["role"])} for t in rows.task_agencies.values()]
        _insert(con, "task_agencies", sorted(links, key=lambda r: (r["task_id"], r["agency_id"], r["role"])))
        _insert(con, "deadlines", sorted(rows.deadlines, key=by_id), replace=True)
        _insert(con, "warnings", sorted(rows.warnings, key=by_id), replace=True)
        self._agency_names(did, agencies)

    def _agency_names(self, did: str, agencies: R._Agencies) -> None:
        out = []
        for aid in sorted(agencies.spellings):
            for spelling, n in sorted(agencies.spellings[aid].items()):
                out.append({"document_id": did, "agency_id": aid, "spelling": spelling,
                            "locality": agencies.locality[aid], "n": n})
        _insert(self.con, "_agency_names", out)
        self.aids.update(agencies.spellings)

    def _insert_document(self, d: dict, text: str | None, folded: str | None) -> None:
        con = self.con
        _insert(con, "documents", [{c: d.get(c) for c in DOC_COLUMNS}])
        _insert(con, "document_texts", [{"document_id": d["id"], "text": text, "text_folded": folded}])
        con.execute("insert into documents_fts (rowid, kind_name, number, title, text, text_folded) "
                    "select rowid, kind_name, number, title, ?, ? from documents where id = ?",
                    (text, folded, d["id"]))

    def _add_citations(self, path: str, did: str) -> None:
        """Citation rows of an ingested document from its ``_keys`` rows (targets resolved)."""
        cites: dict[str, dict] = {}
        mentions: dict[str, dict] = {}
        for cited, relation, n, spans in self.con.execute(
                "select resolved_id, relation, mentions, spans from _keys where path = ? and seq > 0 "
                "order by seq", (path,)).fetchall():
            if cited == did:
                continue  # a document naming itself is not a citation
            self.cited.add(cited)
            cid = "c" + short_hash(did, cited)
            row = cites.get(cid)
            if row is None:
                row = cites[cid] = {"id": cid, "citing_id": did, "cited_id": cited,
                                    "relation": relation or "mentions", "mentions": 0}
            else:
                row["relation"] = R._strongest(row["relation"], relation)
            row["mentions"] += int(n or 0)
            for start, end, page, text in json.loads(spans or "[]"):
                mid = "cm" + short_hash(cid, start, end)
                mentions[mid] = {"id": mid, "citation_id": cid, "document_id": did, "page": page,
                                 "start": start, "end": end, "text": text}
        _insert(self.con, "citations", [cites[k] for k in sorted(cites)])
        _insert(self.con, "citation_mentions", [mentions[k] for k in sorted(mentions)])

    def _drop_citations(self, did: str) -> None:
        con = self.con
        for (cited,) in con.execute("select cited_id from citations where citing_id = ?", (did,)):
            self.cited.add(cited)
        con.execute("delete from citation_mentions where document_id = ?", (did,))
        con.execute("delete from citations where citing_id = ?", (did,))

    def _forget_names(self, did: str) -> None:
        con = self.con
        self.aids.update(a for (a,) in con.execute("select agency_id from _agency_names where document_id = ?",
                                                   (did,)))
        con.execute("delete from _agency_names where document_id = ?", (did,))

    def _drop_row(self, did: str) -> None:
        con = self.con
        row = con.execute("select rowid from documents where id = ?", (did,)).fetchone()
        if row:
            con.execute("delete from documents_fts where rowid = ?", (row[0],))
        con.execute("delete from document_texts where document_id = ?", (did,))
        con.execute("delete from documents where id = ?", (did,))
        self.doubtful.add(did)
        self._forget_names(did)
        self.cited.add(did)  # still cited? a stub takes its place

    def _drop_document(self, did: str) -> None:
        con = self.con
        self.dids.add(did)
        self.sids.update(s for (s,) in con.execute("select standard_id from _standard_codes where document_id = ?",
                                                   (did,)))
        self._drop_citations(did)
        for sql in ("delete from task_agencies where task_id in (select id from tasks where document_id = ?)",
                    "delete from deadlines where document_id = ?", "delete from tasks where document_id = ?",
                    "delete from document_standards where document_id = ?",
                    "delete from _standard_codes where document_id = ?",
                    "delete from document_agencies where document_id = ?",
                    "delete from agency_mentions where document_id = ?",
                    "delete from warnings where document_id = ?"):
            con.execute(sql, (did,))
        self._drop_row(did)

    def _drop_stub(self, did: str) -> None:
        self._drop_row(did)

    # --- stubs -------------------------------------------------------------------------------

    # In path order straight from the index: the first citer found ends the walk.
    _CITERS = ("select {cols} from _keys k indexed by {index} join documents d on d.source_path = k.path and d.ingested = 1 "
               "where k.resolved_id = ? and k.seq > 0 and d.id != ? {extra} order by k.path, k.seq limit 1")

    def _first(self, did: str, cols: str, having: str | None = None):
        """The first citer's ``cols``; ``having``: the first citer that has this field."""
        cols = ", ".join("k." + c.strip() for c in cols.split(","))
        if having is None:
            sql = self._CITERS.format(cols=cols, index="idx__keys_resolved_id_path_seq", extra="")
        else:
            assert having in STUB_FILLS
            sql = self._CITERS.format(cols=cols, index=f"idx__keys_with_{having}", extra=f"and k.{having} is not null")
        return self.con.execute(sql, (did, did)).fetchone()

    def _stub(self, did: str) -> dict | None:
        """The stub row of a document cited but not ingested: the first citation (in path
        order) names it, later ones fill what it left out."""
        first = self._first(did, "doc_type, number, title, issuer, issuer_locality, issued_date, k_year")
        if first is None:
            return None
        kind, number, title, issuer, issuer_loc, date, year = first
        label = R._label(kind, number, title, issuer, year)
        loc_for_id = issuer_loc
        if issuer is None:
            hit = self._first(did, "issuer, issuer_locality", "issuer")
            if hit:
                issuer, loc_for_id = hit
        filled = {"title": title, "issuer_locality": issuer_loc, "issued_date": date}
        for name in filled:
            if filled[name] is None:
                hit = self._first(did, name, name)
                filled[name] = hit[0] if hit else None
        title, issuer_loc, date = filled["title"], filled["issuer_locality"], filled["issued_date"]
        return {
            "id": did, "doc_type": kind, "number": number, "label": label, "issuer": issuer,
            "issuer_id": agency_id(issuer, loc_for_id) if issuer and issuer.strip() else None,
            "issuer_locality": issuer_loc, "issued_date": date, "year": year, "title": title,
            "spelling": " ".join(issuer.split()) if issuer and issuer.strip() else None, "spelling_loc": loc_for_id,
        }

    def _stubs(self) -> None:
        con = self.con
        for did in sorted(self.cited | self.dids):
            cur = con.execute("select ingested from documents where id = ?", (did,)).fetchone()
            if cur and cur[0]:
                continue
            stub = self._stub(did)
            if stub is None:
                if cur:
                    self._drop_stub(did)
                continue
            kind = stub["doc_type"]
            row = {**{c: None for c in DOC_COLUMNS}, **{k: stub[k] for k in ("id", "number", "label", "issuer",
                   "issuer_id", "issuer_locality", "issued_date", "year", "title")},
                   "doc_type": self._type_id(kind), "kind_name": self.kind_names.get(kind), "ingested": 0}
            folded = R._folded(self.kind_names, kind, stub["number"], stub["title"])
            names = [(stub["issuer_id"], stub["spelling"], stub["spelling_loc"], 1)] if stub["issuer_id"] else []
            if cur:
                old = con.execute(f"select {', '.join(DOC_COLUMNS)} from documents where id = ?", (did,)).fetchone()
                old_folded = con.execute("select text_folded from document_texts where document_id = ?",
                                         (did,)).fetchone()
                old_names = con.execute("select agency_id, spelling, locality, n from _agency_names "
                                        "where document_id = ? order by agency_id", (did,)).fetchall()
                if (tuple(old) == tuple(row[c] for c in DOC_COLUMNS) and old_folded
                        and old_folded[0] == folded and old_names == names):
                    continue
                self._drop_stub(did)
            self._insert_document(row, None, folded)
            if names:
                _insert(con, "_agency_names", [{"document_id": did, "agency_id": a, "spelling": s, "locality": l,
                                                "n": n} for a, s, l, n in names])
                self.aids.add(names[0][0])

    # --- aggregates --------------------------------------------------------------------------

    def _type_id(self, code: str | None) -> int | None:
        if not code:
            return None
        if code not in self.type_ids:
            kinds = gazetteer.kinds()
            cur = self.con.execute("insert into doc_types (id, code, name_vi, name_en) values "
                                   "((select coalesce(max(id), 0) + 1 from doc_types), ?, ?, ?)",
                                   (code, kinds.get(code, {}).get("vi"), kinds.get(code, {}).get("en")))
            self.type_ids[code] = cur.lastrowid
        return self.type_ids[code]

    def _role_id(self, code: str) -> int:
        if code not in self.role_ids:
            cur = self.con.execute("insert into roles (id, code) values "
                                   "((select coalesce(max(id), 0) + 1 from roles), ?)", (code,))
            self.role_ids[code] = cur.lastrowid
        return self.role_ids[code]

    def _agencies(self) -> None:
        """Rows of the touched agencies: display name the commonest spelling, counts from the links."""
        con = self.con
        kinds, words = self.labels["agency_kinds"], self.labels["group_words"]
        for aid in sorted(self.aids):
            spellings = con.execute("select spelling, sum(n) from _agency_names where agency_id = ? "
                                    "group by spelling", (aid,)).fetchall()
            old = con.execute(f"select {', '.join(AGENCY_COLUMNS)} from agencies where id = ?", (aid,)).fetchone()
            if not spellings:
                if old:
                    con.execute("delete from agencies where id = ?", (aid,))
                continue
            name = min(spellings, key=lambda r: (-r[1], r[0]))[0]
            locs = con.execute("select locality, sum(n) from _agency_names where agency_id = ? group by locality",
                               (aid,)).fetchall()
            locality = min(locs, key=lambda r: (-r[1], r[0] or ""))[0]
            docs, mentions = con.execute("select count(*), coalesce(sum(mentions), 0) from document_agencies "
                                         "where agency_id = ?", (aid,)).fetchone()
            tasks = con.execute("select count(*) from task_agencies where agency_id = ?", (aid,)).fetchone()[0]
            issued = con.execute("select count(*) from documents where issuer_id = ?", (aid,)).fetchone()[0]
            row = {"id": aid, "name": name, "name_folded": fold_key(name), "locality": locality,
                   "locality_id": None, "locality_code": None, "kind": R._agency_kind(name, kinds, words),
                   "level": None, "parent_id": None, "documents": docs, "mentions": mentions, "tasks": tasks,
                   "issued": issued}
            if old:
                old = dict(zip(AGENCY_COLUMNS, old))
                for keep in ("locality_id", "locality_code", "level", "parent_id"):  # set by _localities
                    row[keep] = old[keep]
                if old == row:
                    continue
                sets = [c for c in AGENCY_COLUMNS[1:] if old[c] != row[c]]
                con.execute(f"update agencies set {', '.join(f'[{c}] = ?' for c in sets)} where id = ?",
                            [row[c] for c in sets] + [aid])
            else:
                _insert(con, "agencies", [row])

    def _localities(self) -> None:
        """Localities from every agency and issuer name (the division words the corpus uses), the
        locality of each agency and document, and a local body's parent committee."""
        con = self.con
        names = [r[0] for r in con.execute("select name from agencies order by id")]
        names += [r[0] for r in con.execute("select distinct issuer from documents where issuer is not null "
                                            "order by issuer")]
        locs = [r[0] for r in con.execute("select locality from agencies where locality is not null order by id")]
        doc_locs = [r[0] for r in con.execute("select distinct issuer_locality from documents "
                                              "where issuer_locality is not null order by issuer_locality")]
        # The gazetteer is consulted only when the names or localities in use changed: otherwise
        # the last resolution (kept in _state) places new rows.
        digest = short_hash(json.dumps([names, locs, doc_locs], ensure_ascii=False), length=32)
        kept = self.con.execute("select value from _state where key = 'localities'").fetchone()
        kept = json.loads(kept[0]) if kept else {}
        if kept.get("digest") == digest:
            unit_of = {k: _Unit(*v) for k, v in kept["units"].items() if v}
            gaz = None
        else:
            gaz = Gazetteer(division_hints(names, locs + doc_locs))
            unit_of = {fold_key(x): gaz.resolve(x) for x in sorted(set(locs + doc_locs))}
            self.con.execute("insert or replace into _state (key, value) values ('localities', ?)", (json.dumps({
                "digest": digest, "units": {k: [u.id, u.code, u.level] if u else None for k, u in unit_of.items()}},
                ensure_ascii=False, sort_keys=True),))
        unit_of = {k: u for k, u in unit_of.items() if u}
        for loc in doc_locs:
            unit = unit_of.get(fold_key(loc))
            uid = unit.id if unit else None
            con.execute("update documents set locality_id = ? where issuer_locality = ? and locality_id is not ?",
                        (uid, loc, uid))
        rows = {r[0]: dict(zip(AGENCY_COLUMNS, r)) for r in con.execute(
            f"select {', '.join(AGENCY_COLUMNS)} from agencies order by id")}
        committees = {}
        for r in rows.values():
            if r["kind"] == "people_committee":
                unit = unit_of.get(fold_key(r["locality"])) if r["locality"] else None
                if unit:
                    committees[unit.id] = r["id"]
        for aid, r in rows.items():
            unit = unit_of.get(fold_key(r["locality"])) if r["locality"] else None
            want = {"locality_id": unit.id if unit else None, "locality_code": unit.code if unit else None,
                    "level": unit.level if unit else "national", "parent_id": None}
            if want["locality_id"] and r["kind"] not in NOT_UNDER_COMMITTEE:
                want["parent_id"] = committees.get(want["locality_id"])
            sets = [c for c in want if r[c] != want[c]]
            if sets:
                con.execute(f"update agencies set {', '.join(f'[{c}] = ?' for c in sets)} where id = ?",
                            [want[c] for c in sets] + [aid])
        if gaz is None:
            return  # the same units as last time
        new = {}
        for uid in sorted(gaz.units):
            u = gaz.units[uid]
            new[uid] = (u.id, u.name, u.full_name, u.division, u.level, u.code, u.parent, u.successor,
                        u.succession_kind, u.succession_effective, int(u.current))
        old = {r[0]: tuple(r) for r in con.execute(f"select {', '.join(LOCALITY_COLUMNS)} from localities")}
        for uid in sorted(set(old) - set(new)):
            con.execute("delete from localities where id = ?", (uid,))
        for uid in sorted(new):
            if old.get(uid) != new[uid]:
                con.execute(f"insert or replace into localities ({', '.join(LOCALITY_COLUMNS)}) "
                            f"values ({', '.join('?' * len(LOCALITY_COLUMNS))})", new[uid])

    def _unused_codes(self) -> None:
        """A kind or role outside the vocabularies is a row while something uses it."""
        kinds, roles = set(gazetteer.kinds()), {r["code"] for r in self.labels["roles"]}
        for table, known, used in (("doc_types", kinds, "select 1 from documents where doc_type = ?"),
                                   ("roles", roles, "select 1 from task_agencies where role = ?")):
            for rid, code in self.con.execute(f"select id, code from {table}").fetchall():
                if code not in known and not self.con.execute(used + " limit 1", (rid,)).fetchone():
                    self.con.execute(f"delete from {table} where id = ?", (rid,))
                    (self.type_ids if table == "doc_types" else self.role_ids).pop(code, None)

    def _standards(self) -> None:
        con = self.con
        for sid in sorted(self.sids):
            code = con.execute("select min(code) from _standard_codes where standard_id = ?", (sid,)).fetchone()[0]
            old = con.execute("select code from standards where id = ?", (sid,)).fetchone()
            if code is None:
                if old:
                    con.execute("delete from standards where id = ?", (sid,))
            elif old is None:
                con.execute("insert into standards (id, code) values (?, ?)", (sid, code))
            elif old[0] != code:
                con.execute("update standards set code = ? where id = ?", (code, sid))

