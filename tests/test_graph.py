"""The citation and responsibility graph, its measures, its exports and `vanban chain`."""
from __future__ import annotations

import io
import json

import networkx as nx
from hypothesis import given, strategies as st
import pytest

from pipeline.store.chain import chain_lines, print_chain
from pipeline.store.graph import build_graph, chain_depths, citation_graph, export_graph, pagerank
from publish_fixtures import q


@pytest.fixture(scope="module")
def graph(gold_db):
    return build_graph(gold_db)




def test_nodes_and_edges_of_every_kind(graph, gold_db):
    kinds = {k for _, k in graph.nodes(data="kind")}
    assert kinds == {"document", "agency", "locality", "task"}
    edge_kinds = {k for *_, k in graph.edges(data="kind")}
    assert {"cites", "issued_by", "assigned", "successor_of", "part_of", "located_in"} <= edge_kinds
    n_cites = sum(1 for *_, k in graph.edges(data="kind") if k == "cites")
    assert n_cites == q(gold_db, "select count(*) n from citations")[0]["n"]
    roles = {d["role"] for *_, d in graph.edges(data=True) if d["kind"] == "assigned"}
    assert roles == {"lead", "coordinate", "responsible", "direct"}


def test_node_ids_derive_from_identity(graph, gold_db):
    did = q(gold_db, "select id from documents where number = '19/2014/QĐ-TTg'")[0]["id"]
    node = graph.nodes[f"doc:{did}"]
    assert node["in_degree"] == 2 and node["chain_depth"] == 0 and node["ingested"] == 0
    assert ("locality:thanh-pho-hue", "locality:tinh-thua-thien-hue") in {
        (u, v) for u, v, k in graph.edges(data="kind") if k == "successor_of"}


def test_measures_are_stored_on_documents(graph, gold_db):
    rows = q(gold_db, "select id, in_degree, pagerank, component, chain_depth, ingested from documents")
    assert all(r["pagerank"] is not None for r in rows)
    assert abs(sum(r["pagerank"] for r in rows) - 1) < 1e-6
    for r in rows:
        node = graph.nodes[f"doc:{r['id']}"]
        assert (node["in_degree"], node["component"], node["chain_depth"]) == (
            r["in_degree"], r["component"], r["chain_depth"])
    ingested = [r for r in rows if r["ingested"]]
    assert all(r["chain_depth"] == 1 and r["in_degree"] == 0 for r in ingested)
    # The gold corpus has three citation islands: Huế and Kon Tum share decrees, Hà Đông and 231 stand alone.
    assert sorted({r["component"] for r in rows}) == [1, 2, 3]


@pytest.mark.parametrize("edges, expected", [
    ([], {}),
    ([("a", "b"), ("b", "c")], {"a": 2, "b": 1, "c": 0}),
    ([("a", "b"), ("a", "c"), ("c", "d"), ("d", "e")], {"a": 3, "b": 0, "c": 2, "d": 1, "e": 0}),
    ([("a", "b"), ("b", "a"), ("b", "c")], {"a": 1, "b": 1, "c": 0}),  # a cycle is one step
])
def test_chain_depths(edges, expected):
    g = nx.DiGraph(edges)
    assert chain_depths(g) == expected


def test_pagerank_favours_the_cited():
    g = nx.DiGraph([("a", "c"), ("b", "c"), ("c", "d")])
    rank = pagerank(g)
    assert abs(sum(rank.values()) - 1) < 1e-9
    assert rank["d"] > rank["c"] > rank["a"] == rank["b"]


def test_citation_graph_is_documents_only(graph):
    c = citation_graph(graph)
    assert all(n.startswith("doc:") for n in c.nodes)


def test_exports_round_trip(graph, tmp_path):
    paths = export_graph(graph, tmp_path)
    assert [p.suffix for p in paths] == [".graphml", ".gexf", ".json"]
    back = nx.read_graphml(paths[0])
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert nx.read_gexf(paths[1]).number_of_nodes() == graph.number_of_nodes()
    data = json.loads(paths[2].read_text(encoding="utf-8"))
    assert len(data["nodes"]) == graph.number_of_nodes() and len(data["edges"]) == graph.number_of_edges()
    again = export_graph(graph, tmp_path / "again")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]


def _comparable(g) -> tuple[dict, list]:
    nodes = {n: {k: v for k, v in a.items()} for n, a in g.nodes(data=True)}
    edges = sorted((u, v, k, tuple(sorted((x, y) for x, y in a.items() if x != "id")))
                   for u, v, k, a in g.edges(keys=True, data=True))
    return nodes, edges


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_streamed_export_is_the_graph_of_the_database(graph, gold_db, tmp_path, fmt):
    """Exports written row by row from the database read back as build_graph's graph:
    the same nodes with the same attributes (metrics included), the same edges."""
    from pipeline.store.graph import stream_export

    path = stream_export(gold_db, tmp_path / f"g.{fmt}", fmt)
    if fmt == "graphml":
        back = nx.read_graphml(path, force_multigraph=True)
    elif fmt == "gexf":
        back = nx.read_gexf(path)
    else:
        back = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    want_nodes, want_edges = _comparable(graph)
    got_nodes, got_edges = _comparable(nx.MultiDiGraph(back))
    assert got_nodes.keys() == want_nodes.keys()
    if fmt != "gexf":  # GEXF carries parallel edges by number, not by key
        assert got_edges == want_edges
        assert got_nodes == want_nodes
    else:
        assert back.number_of_edges() == graph.number_of_edges()
        doc = next(n for n, a in want_nodes.items() if a.get("pagerank"))
        assert got_nodes[doc]["pagerank"] == pytest.approx(want_nodes[doc]["pagerank"])


def test_chain_lists_citing_plans(gold_db):
    out = io.StringIO()
    print_chain(gold_db, "19/2014/QĐ-TTg", file=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("19/2014/QĐ-TTg (QĐ, Thủ tướng Chính phủ, 2014-03-05")
    assert any("based_on ← 314/KH-UBND" in line for line in lines[1:])
    assert len(lines) == 3 and lines[-1].startswith("└── ")


def test_chain_downwards_and_unknown(gold_db):
    lines = chain_lines(gold_db, "314/KH-UBND", direction="cited")
    assert any("replaces → 02/KH-UBND" in line for line in lines)
    assert len(lines) == 12
    assert chain_lines(gold_db, "999/XX-YY") == ["no document numbered '999/XX-YY'"]
    with pytest.raises(ValueError):
        chain_lines(gold_db, "314/KH-UBND", direction="sideways")


def test_chain_command(gold_db):
    from click.testing import CliRunner

    from pipeline.store.chain import chain_command

    result = CliRunner().invoke(chain_command, ["19/2014/QĐ-TTg", "--db", str(gold_db)])
    assert result.exit_code == 0, result.output
    assert "based_on ← 314/KH-UBND" in result.output
    result = CliRunner().invoke(chain_command, ["314/KH-UBND", "--db", str(gold_db), "--direction", "cited"])
    assert "replaces → 02/KH-UBND" in result.output


@pytest.mark.parametrize("seed", range(40))
def test_array_measures_match_the_graph_definitions(seed):
    """The array forms used on the database (scipy/numpy) agree with the networkx definitions
    on random citation graphs with cycles; components numbered 1 = largest, ties by smallest id."""
    import random

    import numpy as np

    from pipeline.store.measures import _chain_depths, _components

    rng = random.Random(seed)
    n = rng.randint(1, 30)
    pairs = {(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 2 * n))}
    pairs = sorted((a, b) for a, b in pairs if a != b)
    src = np.array([a for a, _ in pairs], dtype=np.int64)
    dst = np.array([b for _, b in pairs], dtype=np.int64)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(pairs)
    want_depths = [chain_depths(g)[i] for i in range(n)]
    assert _chain_depths(n, src, dst).tolist() == want_depths
    assert _chain_depths(n, src, dst, rounds=1).tolist() == want_depths  # the rest one at a time
    comps = sorted(nx.weakly_connected_components(g), key=lambda s: (-len(s), min(s)))
    want = {i: k for k, s in enumerate(comps, start=1) for i in s}
    assert _components(n, src, dst).tolist() == [want[i] for i in range(n)]


@pytest.mark.parametrize("edges, m", [
    ([(0, 1), (1, 2)], 3),  # a chain numbered sources first: the reverse order is needed
    ([(2, 0), (0, 1), (3, 1)], 4),
])
def test_condensation_order_puts_every_edge_backwards(edges, m):
    import numpy as np

    from pipeline.store.measures import _sinks_first

    cs = np.array([a for a, _ in edges], dtype=np.int64)
    cd = np.array([b for _, b in edges], dtype=np.int64)
    pos = {c: k for k, c in enumerate(_sinks_first(m, cs, cd).tolist())}
    assert sorted(pos) == list(range(m))
    assert all(pos[a] > pos[b] for a, b in edges)


@pytest.mark.parametrize("ids, dangling", [
    (["d1", "d2", "d3"], "d9"),  # one width: read as fixed-width strings
    (["d1", "d2", "d3"], "d99"),  # an edge to an id of another width: the general path
    (["d1", "d22", "d3"], "d9"),  # ids of several widths: the general path
])
def test_citation_arrays_index_edges_into_the_sorted_ids(ids, dangling):
    import sqlite3

    from pipeline.store.measures import _citation_arrays

    con = sqlite3.connect(":memory:")
    con.execute("create table documents (id text primary key)")
    con.execute("create table citations (id text primary key, citing_id text, cited_id text)")
    con.executemany("insert into documents values (?)", [(i,) for i in reversed(ids)])
    edges = [(ids[2], ids[0]), (ids[0], ids[1]), (ids[1], dangling), (ids[1], ids[1]), (ids[0], None)]
    con.executemany("insert into citations values (?, ?, ?)", [(f"c{k}", a, b) for k, (a, b) in enumerate(edges)])
    got, src, dst = _citation_arrays(con)
    names = [g.decode() if isinstance(g, bytes) else g for g in got.tolist()]
    assert names == sorted(ids)
    # the dangling edge, the self-citation and the edge to nothing are left out
    assert sorted(zip(src.tolist(), dst.tolist())) == [(0, 1), (2, 0)]


@given(st.lists(st.binary(min_size=1, max_size=3), min_size=1, max_size=40),
       st.lists(st.binary(min_size=1, max_size=3), max_size=40),
       st.integers(min_value=1, max_value=16))
def test_id_positions_agree_with_a_plain_search(suffixes, others, prefix):
    """Ids sharing their first 8 bytes (a long common prefix) or not, of any width up to 16."""
    import numpy as np

    from pipeline.store.measures import _positions

    width = prefix + 3
    ids = np.array(sorted({b"p" * prefix + s for s in suffixes}), dtype=f"S{width}")
    queries = np.concatenate([ids, np.array([b"p" * prefix + s for s in others] + [b"q"], dtype=f"S{width}")])
    plain, fast = np.searchsorted(ids, queries), _positions(ids, queries)
    found = ids[np.minimum(plain, len(ids) - 1)] == queries
    assert (plain[found] == fast[found]).all()
    assert not (ids[np.minimum(fast, len(ids) - 1)] == queries)[~found].any()


def test_a_chain_deeper_than_the_peeled_levels_keeps_its_depths():
    import numpy as np

    from pipeline.store.measures import _chain_depths

    n = 600  # each document cites the one before; a cycle of two at the bottom
    src = np.array([i for i in range(1, n)] + [0], dtype=np.int64)
    dst = np.array([i - 1 for i in range(1, n)] + [1], dtype=np.int64)
    assert _chain_depths(n, src, dst).tolist() == [0, 0] + list(range(1, n - 1))


def test_chain_reads_documents_from_a_covering_index_also_in_an_older_database(gold_db, tmp_path):
    """An index added after a database was first analysed gets its statistics at the next
    publish, so the chain's join reads document rows from it, not from the table."""
    import shutil
    import sqlite3

    import sqlite_utils

    from pipeline.store.chain import neighbours_sql
    from pipeline.store.incremental import create_raw_tables

    db = shutil.copy(gold_db, tmp_path / "old.db")
    con = sqlite3.connect(db)
    name = "idx_documents_id_label_number_issuer_issued_date_year_ingested_doc_type"
    con.execute(f"drop index {name}")
    con.execute(f"create index {name} on documents (id, label, number, issuer, issued_date, year, ingested, doc_type)")
    con.commit()

    def plan() -> str:
        return " / ".join(r[-1] for r in con.execute("explain query plan " + neighbours_sql("cited_id", "citing_id", 2),
                                                      ("a", "b")))

    assert f"COVERING INDEX {name}" not in plan()  # unanalysed, the unique id index wins
    create_raw_tables(sqlite_utils.Database(con))
    assert f"COVERING INDEX {name}" in plan()
    assert "COVERING INDEX idx_citations_cited_id_citing_id_relation" in plan()
