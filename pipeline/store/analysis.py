"""Queries and figures behind the notebooks in ``notebooks/``.

Every number a notebook shows comes from a function here, so it is tested
(``tests/test_analysis.py``) and usable outside Jupyter. Queries take a database — a
path or a ``sqlite_utils.Database`` — and return a :class:`Table` (rows of dicts that
Jupyter shows as HTML). Figure functions return a ``matplotlib.figure.Figure`` made
without pyplot, so they keep no global state and work with any backend (Agg included).

The database is the one ``vanban build`` writes; notebooks find it through the
``VANBAN_DB`` environment variable (default ``data/out/vanban.db`` under the repository).
"""
from __future__ import annotations

import calendar
import datetime as dt
import html
import itertools
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from pipeline.store.access import read_only

ENV_VAR = "VANBAN_DB"
DEFAULT_DB = Path("data") / "out" / "vanban.db"

ROLES = ("lead", "responsible", "coordinate", "direct")
RELATIONS = ("based_on", "replaces", "repeals", "amends", "implements", "mentions")
RELATION_COLOURS = {"based_on": "#1f77b4", "replaces": "#d62728", "repeals": "#8c564b",
                    "amends": "#ff7f0e", "implements": "#2ca02c", "mentions": "#b0b0b0"}
ROLE_COLOURS = {"lead": "#1f77b4", "responsible": "#2ca02c", "coordinate": "#ff7f0e", "direct": "#9467bd"}
PRECISION_COLOURS = {"day": "#1f77b4", "month": "#7fb3d5", "year": "#d0d0d0"}
HIGHLIGHT = "#e7298a"  # not a relation colour


# --- tables ----------------------------------------------------------------------------------


@dataclass
class Table:
    """Rows of dicts with an ordered list of the columns to show.

    Rows may carry more keys than ``columns`` (ids, paths) for further use; only the
    columns are shown. Jupyter renders it as HTML; ``str()`` gives aligned text.
    """

    columns: list[str]
    rows: list[dict]
    title: str | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def column(self, name: str) -> list:
        return [r.get(name) for r in self.rows]

    def head(self, n: int = 10) -> Table:
        return Table(self.columns, self.rows[:n], self.title)

    def _repr_html_(self) -> str:
        cell = lambda v: "" if v is None else html.escape(str(v))  # noqa: E731
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{cell(r.get(c))}</td>" for c in self.columns) + "</tr>"
                       for r in self.rows)
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        empty = "" if self.rows else f"<tr><td colspan='{len(self.columns)}'>(no rows)</td></tr>"
        return (f"<table class='vanban-table'>{caption}<thead><tr>{head}</tr></thead>"
                f"<tbody>{body}{empty}</tbody></table>")

    def __str__(self) -> str:
        cells = [[("" if r.get(c) is None else str(r.get(c))) for c in self.columns] for r in self.rows]
        widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(self.columns)]
        line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()  # noqa: E731
        out = ([self.title] if self.title else []) + [line(self.columns), line(["-" * w for w in widths])]
        return "\n".join(out + [line(row) for row in cells] + ([] if cells else ["(no rows)"]))

    def __repr__(self) -> str:
        return f"<Table {self.title or ''} {len(self.rows)} rows × {len(self.columns)} columns>"


# --- the database ----------------------------------------------------------------------------


def repo_root(start: Path | None = None) -> Path:
    """The repository holding the package: the first folder above ``start`` (default the
    current directory) with a ``pyproject.toml`` and ``pipeline/``, else the package's parent."""
    here = Path(start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "pyproject.toml").is_file() and (d / "pipeline").is_dir():
            return d
    return Path(__file__).resolve().parents[2]


def database_path(environ: Mapping[str, str] | None = None, root: Path | None = None) -> Path:
    """``$VANBAN_DB`` (a relative value is taken from the repository root), else
    ``data/out/vanban.db`` under the repository root."""
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    base = root or repo_root()
    path = Path(value).expanduser() if value else DEFAULT_DB
    return path if path.is_absolute() else base / path


def open_db(path: str | Path | None = None) -> sqlite_utils.Database:
    """Open the database read-only (an analysis never changes it)."""
    path = Path(path) if path is not None else database_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"no database at {path}: build it with `make extract` "
            f"(or `vanban build data/raw --out {path}`), or point {ENV_VAR} at one")
    conn = read_only(path)
    return sqlite_utils.Database(conn)


def _db(db) -> sqlite_utils.Database:
    return db if isinstance(db, sqlite_utils.Database) else open_db(db)


def _q(db, sql: str, params: Iterable | Mapping = ()) -> list[dict]:
    return list(_db(db).query(sql, params))


def overview(db) -> Table:
    """What the database holds: documents read and only cited, citations, agencies, tasks …"""
    d = _db(db)
    counts = [
        ("documents read (in the corpus)", "select count(*) from documents where ingested = 1"),
        ("documents only cited (stubs)", "select count(*) from documents where ingested = 0"),
        ("citations", "select count(*) from citations"),
        ("agencies", "select count(*) from agencies"),
        ("tasks (duties)", "select count(*) from tasks"),
        ("agency–task assignments", "select count(*) from task_agencies"),
        ("deadlines", "select count(*) from deadlines"),
        ("source files", "select count(*) from sources"),
    ]
    rows = [{"what": what, "count": d.execute(sql).fetchone()[0]} for what, sql in counts]
    return Table(["what", "count"], rows, "Database overview")


def sources(db) -> Table:
    """Every input file with its status (ok, duplicate, needs_ocr, error) and document."""
    rows = _q(db, """select s.path, s.format, s.pages, s.status, d.label as document, s.error
                     from sources s left join documents d on d.id = s.document_id order by s.path""")
    return Table(["path", "format", "pages", "status", "document", "error"], rows, "Source files")


def short_label(label: str | None, width: int = 24) -> str:
    """A node label: the number as is, a long title cut to ``width`` characters."""
    label = label or "?"
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


# --- notebook 01: the citation graph -----------------------------------------------------------

_DOCS = """select d.id, d.label, d.number, t.code as kind, d.issuer, d.issued_date, d.year,
                  d.ingested, d.in_degree, d.pagerank, d.chain_depth, d.title
           from documents d left join doc_types t on t.id = d.doc_type"""


def _documents(db) -> dict[str, dict]:
    return {r["id"]: r for r in _q(db, _DOCS)}


def _citations(db) -> list[dict]:
    return _q(db, "select id, citing_id, cited_id, relation, mentions from citations order by id")


def most_cited(db, limit: int = 10) -> Table:
    """Documents cited by the most documents (ties: more mentions, then label), with how
    they are cited (``based_on×2, mentions×1``) and whether the corpus holds them."""
    docs = _documents(db)
    by_cited: dict[str, list[dict]] = defaultdict(list)
    for c in _citations(db):
        by_cited[c["cited_id"]].append(c)
    rows = []
    for doc_id, cites in by_cited.items():
        d = docs[doc_id]
        rel = Counter(c["relation"] for c in cites)
        rows.append({
            "id": doc_id, "document": d["label"], "kind": d["kind"], "issuer": d["issuer"],
            "issued": d["issued_date"] or d["year"], "cited_by": len({c["citing_id"] for c in cites}),
            "mentions": sum(c["mentions"] or 0 for c in cites),
            "relations": ", ".join(f"{r}×{rel[r]}" for r in RELATIONS if rel[r]),
            "in_corpus": "yes" if d["ingested"] else "no",
        })
    rows.sort(key=lambda r: (-r["cited_by"], -r["mentions"], r["document"]))
    return Table(["document", "kind", "issuer", "issued", "cited_by", "mentions", "relations", "in_corpus"],
                 rows[:limit] if limit else rows, "Most-cited documents")


def _longest_path(start: str, succ: dict[str, list[str]], depth: dict[str, int], label) -> list[str]:
    """Greedy walk down the deepest successor: a longest path in a DAG; a cycle is cut
    where it would revisit a document."""
    path, seen = [start], {start}
    while True:
        options = [s for s in succ.get(path[-1], ()) if s not in seen]
        if not options:
            return path
        nxt = min(options, key=lambda s: (-depth[s], label(s)))
        path.append(nxt)
        seen.add(nxt)


def longest_chains(db, limit: int = 10) -> Table:
    """The longest chains of citations: a document, what it cites, what that cites …

    One row per document no other document cites (the head of its chains), following its
    deepest branch; ``length`` counts the citation steps. Longest first.
    """
    import networkx as nx

    from pipeline.store.graph import chain_depths

    docs = _documents(db)
    cites = _citations(db)
    g = nx.DiGraph()
    g.add_nodes_from(sorted({c["citing_id"] for c in cites} | {c["cited_id"] for c in cites}))
    relation = {}
    for c in cites:
        g.add_edge(c["citing_id"], c["cited_id"])
        relation[c["citing_id"], c["cited_id"]] = c["relation"]
    if not g:
        return Table(["length", "head", "chain", "relations"], [], "Longest citation chains")
    depth = chain_depths(g)
    label = lambda n: docs[n]["label"] or n  # noqa: E731
    succ = {n: sorted(g.successors(n)) for n in g}
    heads = [n for n in g if g.in_degree(n) == 0] or list(g)  # all in cycles: start anywhere
    rows = []
    for head in heads:
        path = _longest_path(head, succ, depth, label)
        rows.append({
            "length": len(path) - 1, "head": label(head), "head_kind": docs[head]["kind"],
            "chain": " → ".join(label(n) for n in path),
            "relations": " → ".join(relation[a, b] for a, b in itertools.pairwise(path)),
            "path_ids": path,
        })
    rows.sort(key=lambda r: (-r["length"], r["head"]))
    return Table(["length", "head", "chain", "relations"], rows[:limit] if limit else rows,
                 "Longest citation chains")


def legal_basis(db, kinds: Iterable[str] | None = ("KH",),
                relations: Iterable[str] = ("based_on", "implements")) -> Table:
    """What each plan in the corpus rests on: one row per (plan, cited document), with the
    relation, ordered by plan then by the contract's relation order. ``kinds=None``: every
    document read, not only plans."""
    kinds = None if kinds is None else list(kinds)
    relations = list(relations)
    docs = _documents(db)
    rank = {r: i for i, r in enumerate(RELATIONS)}
    rows = []
    for c in _citations(db):
        plan, cited = docs[c["citing_id"]], docs[c["cited_id"]]
        if not plan["ingested"] or (kinds is not None and plan["kind"] not in kinds):
            continue
        if c["relation"] not in relations:
            continue
        rows.append({
            "plan": plan["label"], "plan_issuer": plan["issuer"], "relation": c["relation"],
            "basis": cited["label"], "kind": cited["kind"], "issuer": cited["issuer"],
            "issued": cited["issued_date"] or cited["year"], "in_corpus": "yes" if cited["ingested"] else "no",
            "plan_id": plan["id"], "basis_id": cited["id"],
            "_order": (plan["label"] or "", plan["id"], rank.get(c["relation"], 99), cited["issued_date"] or "",
                       cited["label"] or ""),
        })
    rows.sort(key=lambda r: r.pop("_order"))
    return Table(["plan", "relation", "basis", "kind", "issuer", "issued", "in_corpus"], rows,
                 "Legal basis of each plan")


def _new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def most_cited_figure(table: Table):
    """Horizontal bars: how many documents cite each of the most-cited ones."""
    rows = list(reversed(table.rows))
    fig, ax = _new_figure(8, max(2.5, 0.35 * len(rows) + 1))
    colours = ["#1f77b4" if r["in_corpus"] == "yes" else "#b0b0b0" for r in rows]
    ax.barh([short_label(r["document"], 40) for r in rows], [r["cited_by"] for r in rows], color=colours)
    ax.set_xlabel("documents citing it")
    ax.set_title("Most-cited documents (grey: not in the corpus, only cited)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def citation_figure(db, *, nodes: Iterable[str] | None = None, highlight: Iterable[tuple[str, str]] = (),
                    highlight_label: str = "new", max_nodes: int = 60, title: str | None = None):
    """The citation graph drawn in layers: citing documents on the left, the documents they
    rest on to the right (column = chain depth). Blue: read; grey: only cited. Edge colour:
    relation. ``nodes`` restricts the drawing to those document ids; ``highlight`` draws the
    given (citing, cited) pairs thick, in pink (``highlight_label`` in the legend). Past
    ``max_nodes``, only the best-connected documents are drawn."""
    import networkx as nx
    from matplotlib.lines import Line2D

    docs = _documents(db)
    cites = _citations(db)
    g = nx.DiGraph()
    for c in cites:
        g.add_edge(c["citing_id"], c["cited_id"], relation=c["relation"])
    if nodes is not None:
        g = g.subgraph(set(nodes) & set(g)).copy()
    total = g.number_of_nodes()
    if total > max_nodes:
        keep = sorted(g, key=lambda n: (-g.degree(n), docs[n]["label"] or n))[:max_nodes]
        g = g.subgraph(keep).copy()
    if not g:
        fig, ax = _new_figure(6, 2)
        ax.text(0.5, 0.5, "no citations to draw", ha="center", va="center")
        ax.set_axis_off()
        return fig

    from pipeline.store.graph import chain_depths

    depth = chain_depths(g)
    top = max(depth.values())
    for n in g:
        g.nodes[n]["layer"] = top - depth[n]  # citing documents left, their basis right
    layers = Counter(g.nodes[n]["layer"] for n in g)
    tallest = max(layers.values())
    ordered = nx.DiGraph()  # node order inside a layer: by label, so the drawing is stable
    ordered.add_nodes_from(sorted(g.nodes(data=True), key=lambda x: (x[1]["layer"], docs[x[0]]["label"] or "")))
    ordered.add_edges_from(g.edges(data=True))
    pos, filled = {}, Counter()
    for n, layer in ordered.nodes(data="layer"):  # each layer a column, centred on the tallest
        pos[n] = (float(layer), -(filled[layer] + (tallest - layers[layer]) / 2))
        filled[layer] += 1

    fig, ax = _new_figure(4 + 3.5 * top, min(30, max(3.5, 0.3 * tallest + 1.5)))
    highlight = set(highlight)
    for rel in RELATIONS:
        edges = [(u, v) for u, v, r in ordered.edges(data="relation") if r == rel and (u, v) not in highlight]
        if edges:
            nx.draw_networkx_edges(ordered, pos, edgelist=edges, ax=ax, edge_color=RELATION_COLOURS[rel],
                                   width=1.2, arrows=True, arrowsize=10, node_size=200)
    hl = [e for e in ordered.edges if e in highlight]
    if hl:
        nx.draw_networkx_edges(ordered, pos, edgelist=hl, ax=ax, edge_color=HIGHLIGHT, width=3,
                               arrows=True, arrowsize=16, node_size=200)
    in_deg = dict(ordered.in_degree())
    colours = ["#1f77b4" if docs[n]["ingested"] else "#c8c8c8" for n in ordered]
    sizes = [120 + 80 * in_deg[n] for n in ordered]
    nx.draw_networkx_nodes(ordered, pos, ax=ax, node_color=colours, node_size=sizes, edgecolors="#404040",
                           linewidths=0.5)
    for n, (x, y) in pos.items():
        last = ordered.nodes[n]["layer"] == top
        ax.annotate(short_label(docs[n]["label"]), (x, y), xytext=(8 if last else -8, 0),
                    textcoords="offset points", ha="left" if last else "right", va="center", fontsize=8)
    used = [r for r in RELATIONS if any(rr == r for *_, rr in ordered.edges(data="relation"))]
    handles = [Line2D([], [], color=RELATION_COLOURS[r], lw=2, label=r) for r in used]
    if hl:
        handles.append(Line2D([], [], color=HIGHLIGHT, lw=3, label=highlight_label))
    handles += [Line2D([], [], marker="o", ls="", color="#1f77b4", label="in the corpus"),
                Line2D([], [], marker="o", ls="", color="#c8c8c8", label="only cited")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=min(len(handles), 5),
              fontsize=8, frameon=False)
    xs = [x for x, _ in pos.values()]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(-tallest + 0.4, 0.6)
    shown = "" if total == g.number_of_nodes() else f" — {g.number_of_nodes()} of {total} documents"
    ax.set_title((title or "Citation graph: citing → cited") + shown)
    ax.set_axis_off()
    return fig


# --- notebook 02: agencies, duties, deadlines --------------------------------------------------


def last_day(value: str | None) -> dt.date | None:
    """The last day a deadline allows: ``2025-07-31`` as is, ``2025-07`` → 31 July,
    ``2025`` → 31 December; None for anything else."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
        if len(parts) == 2:
            return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
        if len(parts) == 1 and len(value) == 4:
            return dt.date(parts[0], 12, 31)
    except ValueError:
        return None
    return None


def precision(value: str | None) -> str | None:
    """``day``, ``month`` or ``year``: how exactly a deadline's end is given."""
    if not value:
        return None
    return {3: "day", 2: "month", 1: "year"}.get(len(value.split("-")))


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def duties_by_agency(db, limit: int | None = 15) -> Table:
    """One row per agency: its duties by role (lead, responsible, coordinate, direct), the
    distinct duties and documents, and its earliest dated deadline."""
    rows = _q(db, """select a.id, a.name, a.locality, r.code as role, t.id as task_id, t.document_id,
                            t.deadline_end
                     from task_agencies ta join agencies a on a.id = ta.agency_id
                     join roles r on r.id = ta.role join tasks t on t.id = ta.task_id""")
    agg: dict[str, dict] = {}
    for r in rows:
        a = agg.setdefault(r["id"], {"agency_id": r["id"], "agency": r["name"], "locality": r["locality"],
                                     **dict.fromkeys(ROLES, 0), "_tasks": set(), "_docs": set(), "_due": []})
        a[r["role"]] = a.get(r["role"], 0) + 1
        a["_tasks"].add(r["task_id"])
        a["_docs"].add(r["document_id"])
        if last_day(r["deadline_end"]):
            a["_due"].append(last_day(r["deadline_end"]))
    out = []
    for a in agg.values():
        a["tasks"], a["documents"] = len(a.pop("_tasks")), len(a.pop("_docs"))
        due = a.pop("_due")
        a["earliest_deadline"] = min(due).isoformat() if due else None
        out.append(a)
    out.sort(key=lambda a: (-a["tasks"], a["agency"], a["locality"] or ""))
    return Table(["agency", "locality", *ROLES, "tasks", "documents", "earliest_deadline"],
                 out[:limit] if limit else out, "Duties per agency and role")


def _agency_name(r: dict) -> str:
    return f"{r['agency']} ({r['locality']})" if r.get("locality") else r["agency"]


def duties_figure(table: Table):
    """Stacked horizontal bars: each agency's duties by role."""
    rows = list(reversed(table.rows))
    fig, ax = _new_figure(9, max(2.5, 0.35 * len(rows) + 1.2))
    names = [short_label(_agency_name(r), 55) for r in rows]
    left = [0] * len(rows)
    for role in ROLES:
        vals = [r.get(role, 0) for r in rows]
        ax.barh(names, vals, left=left, color=ROLE_COLOURS[role], label=role)
        left = [a + b for a, b in zip(left, vals)]
    ax.set_xlabel("duties (an agency may hold several roles on one duty)")
    ax.set_title("Duties per agency and role")
    ax.legend(fontsize=8, loc="lower right")
    ax.tick_params(axis="y", labelsize=8)
    return fig


def deadline_calendar(db) -> Table:
    """Dated deadlines by the month of their last day (a year-only ``2030`` falls in
    December 2030), split by how exactly the text gives them. Recurring deadlines with no
    end are left out: see :func:`recurring_deadlines`."""
    months: dict[str, dict] = {}
    for r in _q(db, 'select id, document_id, "end" from deadlines where "end" is not null'):
        day = last_day(r["end"])
        if day is None:
            continue
        m = months.setdefault(day.strftime("%Y-%m"), {"month": day.strftime("%Y-%m"), "deadlines": 0,
                                                       "day": 0, "month_only": 0, "year_only": 0,
                                                       "_docs": set()})
        m["deadlines"] += 1
        m[{"day": "day", "month": "month_only", "year": "year_only"}[precision(r["end"])]] += 1
        m["_docs"].add(r["document_id"])
    rows = []
    for key in sorted(months):
        m = months[key]
        m["documents"] = len(m.pop("_docs"))
        rows.append(m)
    return Table(["month", "deadlines", "documents", "day", "month_only", "year_only"], rows,
                 "Deadline calendar (by month of the last day)")


def recurring_deadlines(db) -> Table:
    rows = _q(db, """select d.label as document, dl.text, dl.recurrence from deadlines dl
                     join documents d on d.id = dl.document_id
                     where dl.recurrence is not null order by dl.recurrence, d.label, dl.text""")
    return Table(["document", "text", "recurrence"], rows, "Recurring deadlines")


def _month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def deadline_calendar_figure(table: Table, as_of=None):
    """Bars by month (every month between the first and last deadline), stacked by how
    exactly the deadline is given; a red line at ``as_of``."""
    fig, ax = _new_figure(10, 3.8)
    if not table.rows:
        ax.text(0.5, 0.5, "no dated deadlines", ha="center", va="center")
        ax.set_axis_off()
        return fig
    months = _month_range(table.rows[0]["month"], table.rows[-1]["month"])
    by = {r["month"]: r for r in table.rows}
    x = list(range(len(months)))
    bottom = [0] * len(months)
    for key, label in (("day", "exact day"), ("month_only", "month only"), ("year_only", "year only (→ Dec)")):
        vals = [by.get(m, {}).get(key, 0) for m in months]
        ax.bar(x, vals, bottom=bottom, color=PRECISION_COLOURS[key.split("_")[0]], label=label, width=0.85)
        bottom = [a + b for a, b in zip(bottom, vals)]
    step = max(1, len(months) // 24)
    ax.set_xticks(x[::step], months[::step], rotation=90, fontsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if as_of is not None:
        day = _as_date(as_of)
        key = day.strftime("%Y-%m")
        if months[0] <= key <= months[-1]:
            ax.axvline(months.index(key), color="#e31a1c", lw=1.5, label=f"as of {day.isoformat()}")
    ax.set_ylabel("deadlines")
    ax.set_title("Deadline calendar")
    ax.legend(fontsize=8)
    return fig


def _task_deadlines(db, roles: Iterable[str] | None) -> list[dict]:
    rows = _q(db, """select a.id as agency_id, a.name as agency, a.locality, r.code as role, t.id as task_id,
                            t.label as task, t.text, t.deadline_text, t.deadline_end, d.label as document
                     from task_agencies ta join agencies a on a.id = ta.agency_id
                     join roles r on r.id = ta.role join tasks t on t.id = ta.task_id
                     join documents d on d.id = t.document_id
                     where t.deadline_end is not null
                     order by a.name, a.locality, t.id, r.code""")
    roles = None if roles is None else set(roles)
    return [r for r in rows if (roles is None or r["role"] in roles) and last_day(r["deadline_end"])]


def _status(due: dt.date, as_of: dt.date, horizon: int) -> str:
    if due < as_of:
        return "overdue"
    return "upcoming" if (due - as_of).days <= horizon else "later"


def agency_deadlines(db, as_of, horizon_days: int = 90, roles: Iterable[str] | None = None,
                     limit: int | None = 15) -> Table:
    """Per agency, its dated duties as of ``as_of``: ``overdue`` (the last day has passed —
    the database records no completion, so read it as *due date passed*), ``upcoming``
    (due within ``horizon_days``), ``later``; and the next due date. Agencies with overdue
    or upcoming duties first, most first. ``roles`` limits the roles counted."""
    as_of = _as_date(as_of)
    agg: dict[str, dict] = {}
    seen = set()
    for r in _task_deadlines(db, roles):
        if (r["agency_id"], r["task_id"]) in seen:  # one duty counts once, whatever the roles
            continue
        seen.add((r["agency_id"], r["task_id"]))
        a = agg.setdefault(r["agency_id"], {"agency_id": r["agency_id"], "agency": r["agency"],
                                            "locality": r["locality"], "overdue": 0, "upcoming": 0,
                                            "later": 0, "_next": []})
        due = last_day(r["deadline_end"])
        a[_status(due, as_of, horizon_days)] += 1
        if due >= as_of:
            a["_next"].append(due)
    rows = []
    for a in agg.values():
        nxt = a.pop("_next")
        a["next_due"] = min(nxt).isoformat() if nxt else None
        rows.append(a)
    rows.sort(key=lambda a: (-(a["overdue"] + a["upcoming"]), -a["overdue"], a["agency"], a["locality"] or ""))
    return Table(["agency", "locality", "overdue", "upcoming", "later", "next_due"],
                 rows[:limit] if limit else rows,
                 f"Dated duties per agency as of {as_of.isoformat()} (upcoming = within {horizon_days} days)")


def agency_tasks(db, agency_id: str, as_of, horizon_days: int = 90) -> Table:
    """The duties of one agency with their role, deadline and status as of ``as_of``."""
    as_of = _as_date(as_of)
    rows = _q(db, """select t.label as task, r.code as role, d.label as document, t.deadline_text,
                            t.deadline_end, t.text
                     from task_agencies ta join roles r on r.id = ta.role join tasks t on t.id = ta.task_id
                     join documents d on d.id = t.document_id
                     where ta.agency_id = ? order by t.deadline_end is null, t.deadline_end, t.id, r.code""",
              [agency_id])
    for r in rows:
        due = last_day(r["deadline_end"])
        r["status"] = _status(due, as_of, horizon_days) if due else None
        r["text"] = short_label(r["text"], 90)
    return Table(["task", "role", "document", "deadline_end", "status", "text"], rows, "Duties of the agency")


def agency_deadlines_figure(table: Table):
    """Grouped horizontal bars: overdue and upcoming duties per agency."""
    rows = [r for r in table.rows if r["overdue"] or r["upcoming"]] or table.rows
    rows = list(reversed(rows))
    fig, ax = _new_figure(9, max(2.5, 0.4 * len(rows) + 1.2))
    names = [short_label(_agency_name(r), 55) for r in rows]
    y = list(range(len(rows)))
    ax.barh([v + 0.2 for v in y], [r["overdue"] for r in rows], height=0.4, color="#d62728", label="overdue")
    ax.barh([v - 0.2 for v in y], [r["upcoming"] for r in rows], height=0.4, color="#2ca02c", label="upcoming")
    ax.set_yticks(y, names, fontsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("duties")
    ax.set_title(table.title or "Dated duties per agency")
    ax.legend(fontsize=8, loc="lower right")
    return fig


# --- notebook 03: what a rebuild changed -------------------------------------------------------


@dataclass
class Changes:
    """What changed between two builds of the database (documents compared by id, which
    derives from their identity, so a stub and the document read later share it)."""

    new_documents: Table  # read now, absent before
    stubs_filled: Table  # only cited before, read now
    new_stubs: Table  # cited for the first time and not read
    removed_documents: Table  # gone (their file left the inputs, or nothing cites them any more)
    new_citations: Table
    removed_citations: Table
    deeper_chains: Table  # chain_depth grew

    def summary(self) -> Table:
        names = ["new_documents", "stubs_filled", "new_stubs", "removed_documents", "new_citations",
                 "removed_citations", "deeper_chains"]
        return Table(["change", "count"], [{"change": n.replace("_", " "), "count": len(getattr(self, n))}
                                           for n in names], "What changed")

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()

    def changed_documents(self) -> set[str]:
        ids = set()
        for t in (self.new_documents, self.stubs_filled, self.new_stubs):
            ids |= {r["id"] for r in t}
        for t in (self.new_citations,):
            ids |= {r["citing_id"] for r in t} | {r["cited_id"] for r in t}
        return ids


def compare_databases(before, after) -> Changes:
    """The changes from database ``before`` to ``after`` (paths or Databases)."""
    b_docs, a_docs = _documents(before), _documents(after)
    doc_cols = ["document", "kind", "issuer", "issued"]

    def doc_row(d: dict, **extra) -> dict:
        return {"id": d["id"], "document": d["label"], "kind": d["kind"], "issuer": d["issuer"],
                "issued": d["issued_date"] or d["year"], **extra}

    def table(rows, cols, title):
        return Table(cols, sorted(rows, key=lambda r: tuple(str(r.get(c) or "") for c in cols)), title)

    new_docs = [doc_row(d) for i, d in a_docs.items() if d["ingested"] and i not in b_docs]
    filled = [doc_row(d) for i, d in a_docs.items() if d["ingested"] and i in b_docs and not b_docs[i]["ingested"]]
    new_stubs = [doc_row(d) for i, d in a_docs.items() if not d["ingested"] and i not in b_docs]
    removed = [doc_row(d) for i, d in b_docs.items() if i not in a_docs]

    def cite_rows(db, docs):
        return {(c["citing_id"], c["cited_id"], c["relation"]): {
            "citing_id": c["citing_id"], "cited_id": c["cited_id"], "citing": docs[c["citing_id"]]["label"],
            "relation": c["relation"], "cited": docs[c["cited_id"]]["label"],
            "cited_in_corpus": "yes" if docs[c["cited_id"]]["ingested"] else "no"} for c in _citations(db)}

    b_cites, a_cites = cite_rows(before, b_docs), cite_rows(after, a_docs)
    cite_cols = ["citing", "relation", "cited", "cited_in_corpus"]
    deeper = [doc_row(d, was=b_docs[i]["chain_depth"], now=d["chain_depth"]) for i, d in a_docs.items()
              if i in b_docs and (d["chain_depth"] or 0) > (b_docs[i]["chain_depth"] or 0)]
    return Changes(
        new_documents=table(new_docs, doc_cols, "New documents"),
        stubs_filled=table(filled, doc_cols, "Stubs filled in (cited before, read now)"),
        new_stubs=table(new_stubs, doc_cols, "New stubs (cited, not in the corpus)"),
        removed_documents=table(removed, doc_cols, "Documents no longer in the database"),
        new_citations=table([a_cites[k] for k in a_cites.keys() - b_cites.keys()], cite_cols, "New citations"),
        removed_citations=table([b_cites[k] for k in b_cites.keys() - a_cites.keys()], cite_cols,
                                "Citations gone"),
        deeper_chains=table(deeper, [*doc_cols, "was", "now"], "Chains that grew (chain_depth)"),
    )


def changes_figure(after, changes: Changes):
    """The citation graph around what changed: the changed documents and their neighbours,
    new citations in red."""
    ids = changes.changed_documents()
    neighbours = set(ids)
    for c in _citations(after):
        if c["citing_id"] in ids or c["cited_id"] in ids:
            neighbours |= {c["citing_id"], c["cited_id"]}
    return citation_figure(after, nodes=neighbours,
                           highlight={(r["citing_id"], r["cited_id"]) for r in changes.new_citations},
                           title="What the new documents changed")
