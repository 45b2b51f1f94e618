"""The corpus as one graph: documents, agencies, localities and tasks (networkx).

Node ids derive from row ids (``doc:d…``, ``agency:a…``, ``locality:tinh-…``,
``task:t…``), which derive from normalised identity. Edges:

- ``cites``        document → document (``relation``, ``mentions``)
- ``issued_by``    document → agency
- ``assigned``     task → agency (``role``)
- ``part_of``      task → document
- ``located_in``   agency → locality
- ``successor_of`` locality → the locality it replaced (``kind``, ``effective``)

Citation measures are stored back on ``documents``: ``in_degree`` (documents citing
it), ``pagerank`` and ``component`` (weakly connected component, 1 = largest) over the
citation graph, and ``chain_depth`` — the longest chain of citations it rests on.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx
import sqlite_utils

from pipeline.store.measures import PAGERANK_DIGITS


def _db(db) -> sqlite_utils.Database:
    return db if isinstance(db, sqlite_utils.Database) else sqlite_utils.Database(db)


def _clean(attrs: dict) -> dict:
    # GraphML/GEXF take no None values.
    return {k: v for k, v in attrs.items() if v is not None}


def build_graph(db) -> nx.MultiDiGraph:
    """The graph of a published database (a path or a ``sqlite_utils.Database``)."""
    db = _db(db)
    g = nx.MultiDiGraph()
    q = lambda sql: list(db.query(sql))  # noqa: E731
    for r in q("select id, name, full_name, level, code from localities order by id"):
        g.add_node(f"locality:{r['id']}", kind="locality", label=r["full_name"] or r["name"],
                   **_clean({"level": r["level"], "code": r["code"]}))
    for r in q("select id, name, locality, kind as agency_kind, level from agencies order by id"):
        g.add_node(f"agency:{r['id']}", kind="agency", label=r["name"],
                   **_clean({"locality": r["locality"], "agency_kind": r["agency_kind"], "level": r["level"]}))
    for r in q("""select d.id, d.label, d.number, t.code as doc_type, d.issuer, d.issued_date, d.year,
                         d.ingested from documents d left join doc_types t on t.id = d.doc_type
                  order by d.id"""):
        g.add_node(f"doc:{r['id']}", kind="document", label=r["label"],
                   **_clean({k: r[k] for k in ("number", "doc_type", "issuer", "issued_date", "year", "ingested")}))
    for r in q("select id, label, ref, document_id from tasks order by id"):
        g.add_node(f"task:{r['id']}", kind="task", label=r["label"], ref=r["ref"])

    for r in q("select id, successor_id, succession_kind, succession_effective from localities "
               "where successor_id is not null order by id"):
        g.add_edge(f"locality:{r['successor_id']}", f"locality:{r['id']}", key="successor_of",
                   kind="successor_of", **_clean({"succession": r["succession_kind"],
                                                  "effective": r["succession_effective"]}))
    for r in q("select id, locality_id from agencies where locality_id is not null order by id"):
        g.add_edge(f"agency:{r['id']}", f"locality:{r['locality_id']}", key="located_in", kind="located_in")
    for r in q("select id, issuer_id from documents where issuer_id is not null order by id"):
        g.add_edge(f"doc:{r['id']}", f"agency:{r['issuer_id']}", key="issued_by", kind="issued_by")
    for r in q("select citing_id, cited_id, relation, mentions from citations order by id"):
        g.add_edge(f"doc:{r['citing_id']}", f"doc:{r['cited_id']}", key="cites", kind="cites",
                   relation=r["relation"], mentions=r["mentions"] or 0)
    for r in q("select id, document_id from tasks order by id"):
        g.add_edge(f"task:{r['id']}", f"doc:{r['document_id']}", key="part_of", kind="part_of")
    for r in q("""select ta.task_id, ta.agency_id, r.code as role from task_agencies ta
                  join roles r on r.id = ta.role order by ta.task_id, ta.agency_id, r.code"""):
        g.add_edge(f"task:{r['task_id']}", f"agency:{r['agency_id']}", key=f"assigned:{r['role']}",
                   kind="assigned", role=r["role"])
    annotate(g)
    return g


def citation_graph(g: nx.MultiDiGraph) -> nx.DiGraph:
    """Documents and the ``cites`` edges between them (parallel edges merged)."""
    c = nx.DiGraph()
    c.add_nodes_from(sorted(n for n, k in g.nodes(data="kind") if k == "document"))
    c.add_edges_from(sorted((u, v) for u, v, k in g.edges(data="kind") if k == "cites"))
    return c


def chain_depths(c: nx.DiGraph) -> dict[str, int]:
    """Longest chain of citations below each document (0 when it cites nothing).

    Cycles (two documents citing each other) are collapsed first, so the depth is finite.
    """
    cond = nx.condensation(c)
    depth: dict[int, int] = {}
    for comp in reversed(list(nx.topological_sort(cond))):
        succ = list(cond.successors(comp))
        depth[comp] = 1 + max(depth[s] for s in succ) if succ else 0
    return {n: depth[cond.graph["mapping"][n]] for n in c.nodes}


def pagerank(c: nx.DiGraph, alpha: float = 0.85, tol: float = 1e-12, max_iter: int = 200) -> dict:
    """PageRank by power iteration in sorted node order (no SciPy; deterministic).

    Same definition as ``networkx.pagerank``: dangling nodes spread their rank evenly.
    """
    nodes = sorted(c.nodes)
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n)
    out = {u: sorted(c.successors(u)) for u in nodes}
    for _ in range(max_iter):
        dangling = alpha * sum(rank[u] for u in nodes if not out[u]) / n
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for u in nodes:
            if out[u]:
                share = alpha * rank[u] / len(out[u])
                for v in out[u]:
                    new[v] += share
        delta = sum(abs(new[u] - rank[u]) for u in nodes)
        rank = new
        if delta < n * tol:
            break
    return rank


def annotate(g: nx.MultiDiGraph) -> None:
    """Set in_degree, pagerank, component and chain_depth on every document node."""
    c = citation_graph(g)
    if not c:
        return
    rank = pagerank(c)
    comps = sorted(nx.weakly_connected_components(c), key=lambda s: (-len(s), min(s)))
    comp_of = {n: i for i, s in enumerate(comps, start=1) for n in s}
    depths = chain_depths(c)
    for n in c.nodes:
        g.nodes[n].update(in_degree=c.in_degree(n), pagerank=round(rank[n], PAGERANK_DIGITS),
                          component=comp_of[n], chain_depth=depths[n])


def store_metrics(db, g: nx.MultiDiGraph) -> None:
    """Write the document measures of ``g`` into the ``documents`` table."""
    db = _db(db)
    rows = sorted(
        (a["in_degree"], a["pagerank"], a["component"], a["chain_depth"], n.split(":", 1)[1])
        for n, a in g.nodes(data=True) if a.get("kind") == "document" and "pagerank" in a
    )
    rows.sort(key=lambda r: r[-1])
    db.conn.executemany(
        "update documents set in_degree = ?, pagerank = ?, component = ?, chain_depth = ? where id = ?",
        rows)


FORMATS = ("graphml", "gexf", "json")


def _plain(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    plain = nx.MultiDiGraph()
    plain.add_nodes_from((n, _clean(a)) for n, a in sorted(g.nodes(data=True)))
    plain.add_edges_from((u, v, k, _clean(a)) for u, v, k, a in sorted(g.edges(keys=True, data=True),
                                                                         key=lambda e: (e[0], e[1], e[2])))
    return plain


def write_graph(plain: nx.MultiDiGraph, path: str | Path, fmt: str) -> Path:
    """Write one export (``graphml``, ``gexf`` for Gephi, ``json`` node-link) through a
    temporary file, so a reader never sees half of one."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        if fmt == "graphml":
            nx.write_graphml(plain, tmp)
        elif fmt == "gexf":
            nx.write_gexf(plain, tmp)
        else:
            data = nx.node_link_data(plain, edges="edges")
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def export_graph(g: nx.MultiDiGraph, out_dir: str | Path, stem: str = "vanban",
                 formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write ``<stem>.graphml``, ``<stem>.gexf`` (Gephi) and ``<stem>.json`` (node-link)."""
    plain = _plain(g)
    return [write_graph(plain, Path(out_dir) / f"{stem}.{fmt}", fmt) for fmt in formats]


# --- streamed exports: straight from the database, one row at a time -------------------------

# (attribute, GraphML type) of nodes and edges, as build_graph sets them.
NODE_ATTRS = [("kind", "string"), ("label", "string"), ("level", "string"), ("code", "long"),
              ("locality", "string"), ("agency_kind", "string"), ("number", "string"),
              ("doc_type", "string"), ("issuer", "string"), ("issued_date", "string"), ("year", "long"),
              ("ingested", "long"), ("ref", "string"), ("in_degree", "long"), ("pagerank", "double"),
              ("component", "long"), ("chain_depth", "long")]
EDGE_ATTRS = [("kind", "string"), ("succession", "string"), ("effective", "string"),
              ("relation", "string"), ("mentions", "long"), ("role", "string")]


def _stream(con) -> tuple:
    """(nodes, edges) generators over the database in the graph's sorted order: nodes
    ``(id, attrs)``, edges ``(source, target, key, attrs)``."""
    def q(sql):
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    def nodes():
        for r in q("select id, name, locality, kind as agency_kind, level from agencies order by id"):
            yield f"agency:{r['id']}", _clean({"kind": "agency", "label": r["name"], "locality": r["locality"],
                                                "agency_kind": r["agency_kind"], "level": r["level"]})
        for r in q("""select d.id, d.label, d.number, t.code as doc_type, d.issuer, d.issued_date, d.year,
                             d.ingested, d.in_degree, d.pagerank, d.component, d.chain_depth
                      from documents d left join doc_types t on t.id = d.doc_type order by d.id"""):
            yield f"doc:{r.pop('id')}", _clean({"kind": "document", **r})
        for r in q("select id, name, full_name, level, code from localities order by id"):
            yield f"locality:{r['id']}", _clean({"kind": "locality", "label": r["full_name"] or r["name"],
                                                  "level": r["level"], "code": r["code"]})
        for r in q("select id, label, ref from tasks order by id"):
            yield f"task:{r['id']}", _clean({"kind": "task", "label": r["label"], "ref": r["ref"]})

    def edges():
        for r in q("select id, successor_id, succession_kind, succession_effective from localities "
                   "where successor_id is not null order by id"):
            yield (f"locality:{r['successor_id']}", f"locality:{r['id']}", "successor_of",
                   _clean({"kind": "successor_of", "succession": r["succession_kind"],
                           "effective": r["succession_effective"]}))
        for r in q("select id, locality_id from agencies where locality_id is not null order by id"):
            yield f"agency:{r['id']}", f"locality:{r['locality_id']}", "located_in", {"kind": "located_in"}
        for r in q("select id, issuer_id from documents where issuer_id is not null order by id"):
            yield f"doc:{r['id']}", f"agency:{r['issuer_id']}", "issued_by", {"kind": "issued_by"}
        for r in q("select citing_id, cited_id, relation, mentions from citations order by id"):
            yield (f"doc:{r['citing_id']}", f"doc:{r['cited_id']}", "cites",
                   _clean({"kind": "cites", "relation": r["relation"], "mentions": r["mentions"] or 0}))
        for r in q("select id, document_id from tasks order by id"):
            yield f"task:{r['id']}", f"doc:{r['document_id']}", "part_of", {"kind": "part_of"}
        for r in q("""select ta.task_id, ta.agency_id, r.code as role from task_agencies ta
                      join roles r on r.id = ta.role order by ta.task_id, ta.agency_id, r.code"""):
            yield (f"task:{r['task_id']}", f"agency:{r['agency_id']}", f"assigned:{r['role']}",
                   {"kind": "assigned", "role": r["role"]})

    return nodes(), edges()


_XML_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;",
                              "\r": "&#13;", "\t": "&#9;"})


def _x(value) -> str:
    """Text for an XML attribute or element (double-quoted attributes)."""
    return str(value).translate(_XML_SPECIAL)


class _GraphML:
    def __init__(self, fh):
        self.fh = fh
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        for i, (name, typ) in enumerate(NODE_ATTRS):
            fh.write(f'<key id="n{i}" for="node" attr.name="{name}" attr.type="{typ}" />\n')
        for i, (name, typ) in enumerate(EDGE_ATTRS):
            fh.write(f'<key id="e{i}" for="edge" attr.name="{name}" attr.type="{typ}" />\n')
        fh.write('<graph edgedefault="directed">\n')
        self.nkey = {n: f"n{i}" for i, (n, _) in enumerate(NODE_ATTRS)}
        self.ekey = {n: f"e{i}" for i, (n, _) in enumerate(EDGE_ATTRS)}

    def node(self, nid, attrs) -> None:
        data = "".join(f'<data key="{self.nkey[k]}">{_x(v)}</data>' for k, v in attrs.items())
        self.fh.write(f'<node id="{_x(nid)}">{data}</node>\n')

    def edges_start(self) -> None:
        pass

    def edge(self, n, u, v, key, attrs) -> None:
        data = "".join(f'<data key="{self.ekey[k]}">{_x(x)}</data>' for k, x in attrs.items())
        self.fh.write(f'<edge source="{_x(u)}" target="{_x(v)}" id="{_x(key)}">{data}</edge>\n')

    def end(self) -> None:
        self.fh.write("</graph>\n</graphml>\n")


_GEXF_TYPES = {"string": "string", "long": "long", "double": "double"}


class _GEXF:
    def __init__(self, fh):
        self.fh = fh
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n<gexf xmlns="http://www.gexf.net/1.2draft" '
                 'version="1.2">\n<graph defaultedgetype="directed" mode="static">\n')
        for cls, attrs in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
            fh.write(f'<attributes class="{cls}" mode="static">\n')
            for i, (name, typ) in enumerate(attrs):
                fh.write(f'<attribute id="{i}" title="{name}" type="{_GEXF_TYPES[typ]}" />\n')
            fh.write("</attributes>\n")
        self.nidx = {n: i for i, (n, _) in enumerate(NODE_ATTRS)}
        self.eidx = {n: i for i, (n, _) in enumerate(EDGE_ATTRS)}
        fh.write("<nodes>\n")

    def node(self, nid, attrs) -> None:
        vals = "".join(f'<attvalue for="{self.nidx[k]}" value="{_x(v)}" />' for k, v in attrs.items())
        label = _x(attrs.get("label", nid))
        self.fh.write(f'<node id="{_x(nid)}" label="{label}"><attvalues>{vals}</attvalues></node>\n')

    def edges_start(self) -> None:
        self.fh.write("</nodes>\n<edges>\n")

    def edge(self, n, u, v, key, attrs) -> None:
        vals = "".join(f'<attvalue for="{self.eidx[k]}" value="{_x(x)}" />' for k, x in attrs.items())
        self.fh.write(f'<edge id="{n}" source="{_x(u)}" target="{_x(v)}" label="{_x(key)}">'
                      f"<attvalues>{vals}</attvalues></edge>\n")

    def end(self) -> None:
        self.fh.write("</edges>\n</graph>\n</gexf>\n")


class _JSON:
    """networkx node-link form (``nx.node_link_graph(data, edges="edges")`` reads it back)."""

    def __init__(self, fh):
        self.fh = fh
        self.first = True
        self.dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
        fh.write('{"directed": true, "multigraph": true, "graph": {},\n"nodes": [')

    def node(self, nid, attrs) -> None:
        self.fh.write(("\n" if self.first else ",\n") + self.dumps({**attrs, "id": nid}))
        self.first = False

    def edges_start(self) -> None:
        self.fh.write('\n],\n"edges": [')
        self.first = True

    def edge(self, n, u, v, key, attrs) -> None:
        self.fh.write(("\n" if self.first else ",\n")
                      + self.dumps({**attrs, "source": u, "target": v, "key": key}))
        self.first = False

    def end(self) -> None:
        self.fh.write("\n]}\n")


_WRITERS = {"graphml": _GraphML, "gexf": _GEXF, "json": _JSON}


def stream_exports(db_path: str | Path, targets: dict[str, str | Path]) -> list[Path]:
    """Write exports of a published database (``{format: path}``) in one pass over its rows
    (memory does not grow with the corpus), each through a temporary file so a reader never
    sees half of one."""
    import sqlite3

    for fmt in targets:
        if fmt not in _WRITERS:
            raise ValueError(f"format must be one of {FORMATS}")
    paths = {fmt: Path(p) for fmt, p in targets.items()}
    tmps = {fmt: p.with_name(f".{p.name}.tmp-{os.getpid()}") for fmt, p in paths.items()}
    handles = []
    con = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    try:
        for fmt, tmp in tmps.items():
            tmp.parent.mkdir(parents=True, exist_ok=True)
            handles.append(open(tmp, "w", encoding="utf-8", buffering=1 << 20))
        writers = [_WRITERS[fmt](fh) for fmt, fh in zip(tmps, handles)]
        nodes, edges = _stream(con)
        for nid, attrs in nodes:
            for w in writers:
                w.node(nid, attrs)
        for w in writers:
            w.edges_start()
        for n, (u, v, key, attrs) in enumerate(edges):
            for w in writers:
                w.edge(n, u, v, key, attrs)
        for w in writers:
            w.end()
        for fh in handles:
            fh.close()
        for fmt in tmps:
            os.replace(tmps[fmt], paths[fmt])
    finally:
        con.close()
        for fh in handles:
            fh.close()
        for tmp in tmps.values():
            tmp.unlink(missing_ok=True)
    return list(paths.values())


def stream_export(db_path: str | Path, path: str | Path, fmt: str) -> Path:
    """One export of a published database, written row by row."""
    return stream_exports(db_path, {fmt: path})[0]


def export_database(db_path: str | Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """The graph of a published database, exported beside it (``vanban.db`` → ``vanban.graphml`` …)."""
    db_path = Path(db_path)
    return stream_exports(db_path, {fmt: db_path.with_name(f"{db_path.stem}.{fmt}") for fmt in formats})
