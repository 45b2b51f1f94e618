"""Datasette plugin for vanban: the annotated document view and the citation-graph view.

Routes (``?db=`` picks the database; default the first one):

- ``/-/vanban/document/<id>``  the document page: header and status, its legal basis as a
  tree (transitive), what rests on it, its duties, the duty cascade below it, beside the
  normalised text with citations, agencies, tasks and deadlines highlighted (displaCy-style),
  each linked to its row. Text is escaped.
- ``/-/vanban/graph``           the citation graph (Cytoscape.js, bundled), whole or around
  ``?doc=<id>``: filters by relation, kind, year, issuer; search; focus on a chain.
- ``/-/vanban/graph.json``      the same graph as JSON.
- ``/-/vanban/static/<file>``   the bundled script and style (no CDN).

Cells holding a document id link to the document's row and annotated view.
"""
from __future__ import annotations

import json
from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from pipeline.web.cascade import cascade_sql, grouped
from pipeline.store.chain import citation_tree
from pipeline.web.serve import is_vanban_db, metadata_for

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
STATIC_TYPES = {".js": "application/javascript", ".css": "text/css", ".txt": "text/plain"}
GRAPH_LIMIT = 800  # nodes drawn in the whole-graph view (the most cited first)
PAGE_TABLES = {"citation_mentions", "agency_mentions", "tasks", "deadlines"}
DOC_COLUMNS = {"document_id", "citing_id", "cited_id", "issuer_id"}
TREE_LIMIT = 300  # nodes in a basis / resting-on tree on the document page
TITLE_WIDTH = 90  # characters of a title shown in a documents row


def _db(datasette, request):
    name = request.args.get("db")
    names = [n for n in datasette.databases if n != "_internal"]
    if name is None and names:
        name = names[0]
    if name not in names:
        raise NotFound("No such database")
    return name, datasette.get_database(name)


def _row_url(datasette, db: str, table: str, pk: str) -> str:
    return datasette.urls.table(db, table) + "/" + tilde_encode(str(pk))


async def _render(datasette, request, name: str, context: dict) -> Response:
    template = datasette.jinja_env.from_string((TEMPLATES / name).read_text(encoding="utf-8"))
    html = await datasette.render_template([template], context, request=request)
    return Response.html(html)


# ---- annotated document -----------------------------------------------------------------

async def _annotations(db, doc_id: str) -> tuple[list[dict], list[dict]]:
    """(entities, tasks) with offsets in the document text."""
    entities = []
    q = """select m.id, m.start, m."end", c.id as row_id, c.relation, d.label
           from citation_mentions m join citations c on c.id = m.citation_id
           join documents d on d.id = c.cited_id where m.document_id = ?"""
    for r in (await db.execute(q, [doc_id])).rows:
        entities.append({"start": r["start"], "end": r["end"], "kind": "citation", "table": "citations",
                         "row": r["row_id"], "anchor": f"m-citation_mentions-{r['id']}",
                         "label": f"{r['relation']}: {r['label']}", "badge": r["relation"]})
    q = """select m.id, m.start, m."end", a.id as row_id, a.name from agency_mentions m
           join agencies a on a.id = m.agency_id where m.document_id = ?"""
    for r in (await db.execute(q, [doc_id])).rows:
        entities.append({"start": r["start"], "end": r["end"], "kind": "agency", "table": "agencies",
                         "row": r["row_id"], "anchor": f"m-agency_mentions-{r['id']}", "label": r["name"],
                         "badge": "cơ quan"})
    q = """select id, span_start, span_end, "end", recurrence from deadlines where document_id = ?"""
    for r in (await db.execute(q, [doc_id])).rows:
        entities.append({"start": r["span_start"], "end": r["span_end"], "kind": "deadline",
                         "table": "deadlines", "row": r["id"], "anchor": f"m-deadlines-{r['id']}",
                         "label": r["end"] or r["recurrence"] or "deadline",
                         "badge": r["end"] or r["recurrence"] or "hạn"})
    q = """select t.id, t.start, t."end", t.ref,
                  group_concat(a.name || ' (' || r.code || ')', '; ') as who
           from tasks t left join task_agencies ta on ta.task_id = t.id
           left join agencies a on a.id = ta.agency_id left join roles r on r.id = ta.role
           where t.document_id = ? group by t.id"""
    tasks = [{"start": r["start"], "end": r["end"], "kind": "task", "table": "tasks", "row": r["id"],
              "anchor": f"m-tasks-{r['id']}", "label": f"{r['ref']}" + (f": {r['who']}" if r["who"] else "")}
             for r in (await db.execute(q, [doc_id])).rows]
    return entities, tasks


def _valid(spans: list[dict], length: int) -> list[dict]:
    ok = [s for s in spans if s["start"] is not None and s["end"] is not None
          and 0 <= s["start"] < s["end"] <= length]
    return sorted(ok, key=lambda s: (s["start"], -(s["end"] - s["start"]), s["kind"], str(s["row"])))


def _non_overlapping(spans: list[dict]) -> list[dict]:
    kept, last_end = [], -1
    for s in spans:  # longest first at each start; later overlaps are dropped
        if s["start"] >= last_end:
            kept.append(s)
            last_end = s["end"]
    return kept


def annotate_html(text: str, entities: list[dict], tasks: list[dict], url) -> Markup:
    """Escaped ``text`` with entity marks (links) and task bands; ``url(span)`` gives a row URL."""
    entities = _non_overlapping(_valid(entities, len(text)))
    tasks = _non_overlapping(_valid(tasks, len(text)))
    cuts = sorted({0, len(text), *(p for s in entities + tasks for p in (s["start"], s["end"]))})
    out = []

    def covering(spans, a, b):
        return next((s for s in spans if s["start"] <= a and b <= s["end"]), None)

    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        ent, task = covering(entities, a, b), covering(tasks, a, b)
        if task and task["start"] == a:
            out.append(Markup('<a class="task-badge" id="{}" href="{}" title="{}">{}</a>').format(
                task["anchor"], url(task), task["label"], "Nhiệm vụ " + task["label"].split(":")[0]))
        if ent:
            anchor = Markup(' id="{}"').format(ent["anchor"]) if ent["start"] == a else ""
            badge = (Markup('<span class="ent-label">{}</span>').format(ent.get("badge") or ent["label"])
                     if ent["end"] == b else "")
            piece = Markup('<a class="ent ent-{}" href="{}"{} title="{}">{}{}</a>').format(
                ent["kind"], url(ent), anchor, ent["label"], piece, badge)
        if task:
            piece = Markup('<span class="task-text">{}</span>').format(piece)
        out.append(piece)
    return Markup("").join(out)


async def _doc_index(db) -> dict[str, dict]:
    rows = (await db.execute("""select d.id, d.label, d.ingested, d.issuer, d.year, t.code as kind
                                from documents d left join doc_types t on t.id = d.doc_type""")).rows
    return {r["id"]: dict(r) for r in rows}


async def _edges(db) -> list[dict]:
    return [dict(r) for r in (await db.execute(
        "select citing_id, cited_id, relation from citations order by citing_id, cited_id")).rows]


def _doc_href(db_name: str, doc: dict, row_url) -> str:
    return (f"/-/vanban/document/{tilde_encode(doc['id'])}?db={db_name}" if doc.get("ingested")
            else row_url(doc["id"]))


def _trees(docs: dict, edges: list[dict], root: str, href) -> dict:
    """The basis tree (what ``root`` rests on) and the resting-on tree, as nested dicts."""
    cites, cited_by = {}, {}
    for e in edges:
        cites.setdefault(e["citing_id"], []).append((e["cited_id"], e["relation"]))
        cited_by.setdefault(e["cited_id"], []).append((e["citing_id"], e["relation"]))

    def dress(node):
        doc = docs[node["id"]]
        return {**node, **{k: doc.get(k) for k in ("label", "kind", "issuer", "year", "ingested")},
                "href": href(doc), "children": [dress(c) for c in node["children"]]}

    return {name: [dress(c) for c in citation_tree(root, links, limit=TREE_LIMIT)]
            for name, links in (("basis", cites), ("resting", cited_by))}


async def _duties(db, doc_id: str) -> list[dict]:
    q = """select t.id as task_id, t.ref, t.text, t.deadline_text, t.deadline_end, t.deadline_recurrence,
                  a.id as agency_id, a.name as agency, a.locality, r.code as role
           from tasks t left join task_agencies ta on ta.task_id = t.id
           left join agencies a on a.id = ta.agency_id left join roles r on r.id = ta.role
           where t.document_id = ? order by t.seq, r.code, a.name"""
    return [dict(r) for r in (await db.execute(q, [doc_id])).rows]


async def _cascade(db, doc_id: str) -> list[dict]:
    """Duty cascade below the document (its own duties are in the duties table)."""
    rows = [dict(r) for r in (await db.execute(cascade_sql(), {"number": doc_id})).rows]
    return grouped([r for r in rows if r["depth"] > 0])


async def document_view(datasette, request):
    db_name, db = _db(datasette, request)
    doc_id = request.url_vars["doc_id"]
    rows = (await db.execute("""select d.*, t.code as kind, x.text from documents d
                                left join doc_types t on t.id = d.doc_type
                                left join document_texts x on x.document_id = d.id
                                where d.id = ?""", [doc_id])).rows
    if not rows:
        raise NotFound("No such document")
    doc = dict(rows[0])
    entities, tasks = await _annotations(db, doc_id)
    text = doc.get("text") or ""
    row_url = lambda table, pk: _row_url(datasette, db_name, table, pk)  # noqa: E731
    body = annotate_html(text, entities, tasks, lambda s: row_url(s["table"], s["row"]))
    counts = {k: sum(1 for e in entities if e["kind"] == k) for k in ("citation", "agency", "deadline")}
    counts["task"] = len(tasks)
    trees = _trees(await _doc_index(db), await _edges(db), doc_id,
                   lambda d: _doc_href(db_name, d, lambda pk: row_url("documents", pk)))
    cascade = await _cascade(db, doc_id)
    return await _render(datasette, request, "vanban_document.html", {
        "doc": doc, "body": body, "has_text": bool(text), "counts": counts, "db_name": db_name,
        "row_url": row_url("documents", doc_id), "trees": trees, "duties": await _duties(db, doc_id),
        "cascade": cascade, "cascade_count": sum(len(a["duties"]) for g in cascade for a in g["agencies"]),
        "cascade_url": datasette.urls.database(db_name) + "/duty_cascade?number=" + tilde_encode(doc_id),
        "agency_url": lambda pk: row_url("agencies", pk), "task_url": lambda pk: row_url("tasks", pk),
        "graph_url": f"/-/vanban/graph?db={db_name}&doc={doc_id}",
        "static": "/-/vanban/static/",
    })


# ---- citation graph ---------------------------------------------------------------------

async def graph_data(db, doc_id: str | None, depth: int = 6) -> dict:
    """Nodes and cites edges: around ``doc_id`` (both directions, up to ``depth``) or all."""
    docs = {r["id"]: dict(r) for r in (await db.execute(
        """select d.id, d.label, d.title, d.ingested, d.in_degree, d.issuer, d.year, t.code as kind
           from documents d left join doc_types t on t.id = d.doc_type""")).rows}
    edges = [dict(r) for r in (await db.execute(
        "select citing_id, cited_id, relation from citations order by id")).rows]
    if doc_id:
        if doc_id not in docs:
            raise NotFound("No such document")
        keep, frontier = {doc_id}, {doc_id}
        for _ in range(depth):
            step = ({e["citing_id"] for e in edges if e["cited_id"] in frontier}
                    | {e["cited_id"] for e in edges if e["citing_id"] in frontier}) - keep
            if not step:
                break
            keep |= step
            frontier = step
    else:
        ranked = sorted(docs.values(), key=lambda d: (-(d["in_degree"] or 0), not d["ingested"], d["id"]))
        keep = {d["id"] for d in ranked[:GRAPH_LIMIT]}
    nodes = [{"id": i, "label": docs[i]["label"], "title": docs[i]["title"], "kind": docs[i]["kind"],
              "ingested": docs[i]["ingested"],
              "in_degree": docs[i]["in_degree"] or 0, "issuer": docs[i]["issuer"], "year": docs[i]["year"],
              "root": i == doc_id}
             for i in sorted(keep)]
    links = [{"source": e["citing_id"], "target": e["cited_id"], "relation": e["relation"]}
             for e in edges if e["citing_id"] in keep and e["cited_id"] in keep]
    return {"nodes": nodes, "edges": links, "root": doc_id}


def _script_json(data) -> Markup:
    # Safe inside <script type="application/json">: no "<", ">" or "&" survive literally.
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


async def graph_view(datasette, request):
    db_name, db = _db(datasette, request)
    doc_id = request.args.get("doc") or None
    data = await graph_data(db, doc_id, int(request.args.get("depth") or 6))
    for n in data["nodes"]:
        n["href"] = _doc_href(db_name, n, lambda pk: _row_url(datasette, db_name, "documents", pk))
    root = next((n for n in data["nodes"] if n["root"]), None)
    return await _render(datasette, request, "vanban_graph.html", {
        "data": _script_json(data), "root": root, "db_name": db_name,
        "count_nodes": len(data["nodes"]), "count_edges": len(data["edges"]),
        "static": "/-/vanban/static/",
    })


async def graph_json(datasette, request):
    _, db = _db(datasette, request)
    return Response.json(await graph_data(db, request.args.get("doc") or None,
                                          int(request.args.get("depth") or 6)))


async def static_file(request):
    path = (STATIC / request.url_vars["name"]).resolve()
    if path.parent != STATIC or not path.is_file() or path.suffix not in STATIC_TYPES:
        raise NotFound("No such file")
    response = Response(path.read_text(encoding="utf-8"),
                        content_type=STATIC_TYPES[path.suffix] + "; charset=utf-8")
    response.headers["Cache-Control"] = "max-age=3600"
    return response


# ---- hooks ------------------------------------------------------------------------------

@hookimpl
def register_routes():
    return [
        (r"^/-/vanban/document/(?P<doc_id>[^/]+)$", document_view),
        (r"^/-/vanban/graph$", graph_view),
        (r"^/-/vanban/graph\.json$", graph_json),
        (r"^/-/vanban/static/(?P<name>[A-Za-z0-9_.-]+)$", static_file),
    ]


_META_CACHE: dict[tuple, dict] = {}


@hookimpl
def get_metadata(datasette, key, database, table):
    """vanban's descriptions, facets and canned queries for every database with its tables,
    so ``datasette data/out/vanban.db`` (plugin from the entry point) shows them too."""
    dbs = tuple((name, getattr(d, "path", None)) for name, d in datasette.databases.items()
                if name != "_internal")
    if dbs not in _META_CACHE:
        meta: dict = {}
        for name, path in dbs:
            if is_vanban_db(path):
                one = metadata_for(name, path)
                meta = {**one, "databases": {**meta.get("databases", {}), **one["databases"]}}
        _META_CACHE[dbs] = meta
    return _META_CACHE[dbs]


@hookimpl
def extra_css_urls():
    return ["/-/vanban/static/vanban.css"]


@hookimpl
def menu_links(datasette):
    return [{"href": "/-/vanban/graph", "label": "Sơ đồ trích dẫn / Citation graph"}]


def _plain(value):
    # The table view hands expanded foreign keys over as {"value": …, "label": …}.
    return value.get("value") if isinstance(value, dict) else value


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Document ids link to the row, the annotated text and the chain picture; a
    mention's page links to the place in the annotated text."""
    if column == "page" and table in PAGE_TABLES and value is not None:
        doc_id, row_id = _plain(row["document_id"]), _plain(row["id"])
        return Markup('<a href="/-/vanban/document/{}?db={}#m-{}-{}">{}</a>').format(
            tilde_encode(str(doc_id)), database, table, row_id, value)
    if not isinstance(value, str) or not value:
        return None
    if column.endswith("_folded"):  # search aid: a glimpse is enough
        return Markup('<span class="vanban-preview">{}</span>').format(
            value[:80] + ("…" if len(value) > 80 else ""))
    if table == "documents" and column == "label":  # the name opens the document page
        return Markup('<a href="/-/vanban/document/{}?db={}" title="trang văn bản / document page">{}</a>').format(
            tilde_encode(str(_plain(row["id"]))), database, value)
    if table == "documents" and column == "title" and len(value) > TITLE_WIDTH:
        return Markup('<span title="{}">{}…</span>').format(value, value[:TITLE_WIDTH - 1])
    if table == "document_texts" and column == "text":
        doc_id = str(_plain(row["document_id"]))
        preview = value[:300] + ("…" if len(value) > 300 else "")
        return Markup('<a href="/-/vanban/document/{}?db={}">Xem văn bản có chú thích / annotated view</a>'
                      '<br><span class="vanban-preview">{}</span>').format(tilde_encode(doc_id), database, preview)
    if table is None and column in DOC_COLUMNS and value.startswith("d"):
        row_url = _row_url(datasette, database, "documents", value)
        return Markup('<a href="{}">{}</a> · <a href="/-/vanban/document/{}?db={}">văn bản</a>'
                      ' · <a href="/-/vanban/graph?db={}&amp;doc={}">sơ đồ</a>').format(
            row_url, value, tilde_encode(value), database, database, tilde_encode(value))
    if table == "documents" and column == "id":
        return Markup('{} · <a href="/-/vanban/document/{}?db={}">văn bản</a>'
                      ' · <a href="/-/vanban/graph?db={}&amp;doc={}">sơ đồ</a>').format(
            value, tilde_encode(value), database, database, tilde_encode(value))
    return None
