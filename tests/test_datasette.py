"""The Datasette site: canned queries, search, annotated view, graph view, metadata."""
from __future__ import annotations

import asyncio
import html
import json
import re
import urllib.parse

import pytest
import sqlite_utils
import yaml

from pipeline.core.models import Extraction, NormalisedText
from pipeline.store.publish import SCHEMA, VIEWS, publish
from pipeline.web.serve import METADATA_PATH, make_datasette, metadata_for

CANNED = {
    "documents_resting_on": {"number": "19/2014/QĐ-TTg"},
    "what_x_rests_on": {"number": "314/KH-UBND"},
    "documents_citing_standard": {"standard": "ISO 18091"},
    "agency_duties": {"agency": "so khoa hoc", "locality": "Kon Tum"},
    "deadlines_between": {"from": "2025-01-01", "to": "2026-12-31"},
    "most_cited": {},
    "duty_cascade": {"number": "19/2014/QĐ-TTg"},
    "replacing_or_amending": {},
}
# Canned queries checked on a database of their own (tests/test_status.py): the gold corpus
# has no document resting on a superseded basis.
CANNED_ELSEWHERE = {"documents_on_superseded_basis"}


@pytest.fixture(scope="module")
def site(gold_db):
    ds = make_datasette(gold_db)
    asyncio.run(ds.invoke_startup())

    def get(path, **params):
        url = path + ("?" + urllib.parse.urlencode(params) if params else "")
        return asyncio.run(ds.client.get(url))
    return get


def test_metadata_names_every_canned_query_table_and_view():
    meta = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))
    db = meta["databases"]["vanban"]
    assert set(db["queries"]) == set(CANNED) | CANNED_ELSEWHERE
    for table, *_ in SCHEMA:
        desc = db["tables"][table]["description"]
        assert " / " in desc, f"{table}: description should be Vietnamese / English"
    assert set(VIEWS) <= set(db["tables"])
    assert metadata_for("other")["databases"].keys() == {"other"}


@pytest.mark.parametrize("name", sorted(CANNED))
def test_canned_query_returns_rows(site, name):
    r = site(f"/vanban/{name}.json", _shape="array", **CANNED[name])
    assert r.status_code == 200, r.text
    assert len(r.json()) > 0


def test_chain_query_lists_the_citing_plans_with_depth_and_path(site):
    rows = site("/vanban/documents_resting_on.json", _shape="array", number="19/2014/QĐ-TTg").json()
    labels = {r["label"] for r in rows}
    assert "314/KH-UBND" in labels and len(rows) == 2
    assert all(r["depth"] == 1 and r["path"].startswith("19/2014/QĐ-TTg ← ") for r in rows)
    assert {r["relation"] for r in rows} == {"based_on"}


def test_what_x_rests_on_follows_every_citation(site):
    rows = site("/vanban/what_x_rests_on.json", _shape="array", number="314/KH-UBND").json()
    assert len(rows) == 11
    assert {"replaces", "based_on", "implements", "mentions"} == {r["relation"] for r in rows}


@pytest.mark.parametrize("table, query, expect, column", [
    ("documents", "quyet dinh", "19/2014/QĐ-TTg", "label"),
    ("documents", "so khoa hoc", "231/KH-UBND", "label"),
    ("agencies", "so khoa hoc", "Sở Khoa học và Công nghệ", "name"),
    ("tasks", "so khoa hoc", None, "label"),
    ("agencies", "chi dao", "Ban Chỉ đạo 19", "name"),
    ("tasks", "dinh", None, "label"),
])
def test_search_without_diacritics(site, table, query, expect, column):
    rows = site(f"/vanban/{table}.json", _search=query, _shape="array").json()
    assert rows, f"{query!r} found nothing in {table}"
    if expect:
        assert expect in {r[column] for r in rows}


def test_one_documents_row_for_a_decree_cited_twice(site):
    rows = site("/vanban/documents.json", number="19/2014/QĐ-TTg", _shape="array").json()
    assert len(rows) == 1 and rows[0]["in_degree"] == 2


def test_views_answer(site):
    rows = site("/vanban/duties_per_agency.json", _shape="array").json()
    assert rows and {"agency", "role", "tasks"} <= set(rows[0])


def _doc_id(site, number):
    return site("/vanban/documents.json", number=number, _shape="array").json()[0]["id"]


def test_annotated_view_marks_and_links(site):
    did = _doc_id(site, "314/KH-UBND")
    r = site(f"/-/vanban/document/{did}")
    assert r.status_code == 200
    page = r.text
    assert page.count('class="ent ent-citation"') >= 10
    assert 'class="ent ent-agency"' in page and 'class="task-badge"' in page
    assert 'class="ent ent-deadline"' in page
    assert re.search(r'href="/vanban/citations/c[0-9a-f]+"', page)
    assert re.search(r'href="/vanban/agencies/a[0-9a-f]+"', page)
    assert re.search(r'href="/vanban/tasks/t[0-9a-f]+"', page)
    # The text between the marks is the document's own text.
    plain = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "trước ngày 31/7/2025" in plain


def test_document_row_links_to_its_views(site):
    did = _doc_id(site, "314/KH-UBND")
    page = site(f"/vanban/documents/{did}").text
    assert f"/-/vanban/document/{did}" in page and f"doc={did}" in page
    # Mention pages link to their place in the text.
    mentions = site("/vanban/citation_mentions").text
    assert re.search(r'href="/-/vanban/document/d[0-9a-f]+\?db=vanban#m-citation_mentions-cm[0-9a-f]+"', mentions)


def test_graph_view_and_json(site):
    did = _doc_id(site, "19/2014/QĐ-TTg")
    data = site("/-/vanban/graph.json", doc=did).json()
    labels = {n["label"] for n in data["nodes"]}
    assert "314/KH-UBND" in labels and "19/2014/QĐ-TTg" in labels
    assert all(e["relation"] for e in data["edges"])
    page = site("/-/vanban/graph", doc=did).text
    assert "/-/vanban/static/graph.js" in page and 'id="vanban-graph-data"' in page
    whole = site("/-/vanban/graph.json").json()
    assert len(whole["nodes"]) == 32 and len(whole["edges"]) == 31
    assert site("/-/vanban/static/graph.js").status_code == 200
    assert site("/-/vanban/static/..%2Fpublish.py").status_code != 200
    assert site("/-/vanban/static/missing.js").status_code == 404
    assert site("/-/vanban/document/nope").status_code == 404


def test_document_text_is_escaped(tmp_path):
    text = 'Căn cứ Quyết định số 1/2020/QĐ-UBND.\n<script>alert("x")</script> & <b>Sở Tài chính</b>'
    nt = NormalisedText(text, len(text), [0, text.index("\n") + 1], [(1, 0), (1, 0)])
    contract = {
        "schema": "vanban.extraction/1", "source": {"path": "evil.txt", "format": "txt"},
        "document": {"doc_type": "KH", "number": "2/KH-UBND", "issuer": {"name": "Ủy ban nhân dân tỉnh Kon Tum",
                     "locality": "Kon Tum"}, "place": None, "issued_date": "2024-01-01",
                     "title": "<img src=x onerror=alert(1)>", "signer": None},
        "citations": [{"doc_type": "QĐ", "number": "1/2020/QĐ-UBND", "issued_date": None,
                       "issuer": {"name": "Ủy ban nhân dân tỉnh Kon Tum", "locality": "Kon Tum"},
                       "title": None, "relation": "based_on", "mentions": 1}],
        "standards": [], "agencies": [{"name": "Sở Tài chính", "locality": "Kon Tum", "mentions": 1}],
        "tasks": [], "deadlines": [], "warnings": [],
    }
    db = tmp_path / "evil.db"
    publish([Extraction(contract=contract, provenance={}, text=nt)], [], db)
    did = sqlite_utils.Database(db).execute("select id from documents where ingested = 1").fetchone()[0]
    ds = make_datasette(db)
    page = asyncio.run(ds.client.get(f"/-/vanban/document/{did}")).text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "<b>Sở" not in page
    assert 'class="ent ent-agency"' in page and 'class="ent ent-citation"' in page
    graph = asyncio.run(ds.client.get(f"/-/vanban/graph?doc={did}")).text
    data = re.search(r'id="vanban-graph-data">(.*?)</script>', graph, re.S).group(1)
    assert "<" not in data and json.loads(data)["nodes"]


# ---- tables for people, the document page, the plugin without a metadata file ----------

from browse_fixtures import DEPT_PLAN, DIRECTIVE, PLAN_A, PLAN_B, build_browse_db  # noqa: E402
from pipeline.web.datasette_plugin import get_metadata  # noqa: E402


@pytest.fixture(scope="module")
def browse_site(tmp_path_factory):
    db = build_browse_db(tmp_path_factory.mktemp("browse"), synthetic=40)
    ds = make_datasette(db)
    asyncio.run(ds.invoke_startup())
    return lambda path: asyncio.run(ds.client.get(path))


def test_documents_rows_carry_no_large_text(gold_db, site):
    columns = {r[1] for r in sqlite_utils.Database(gold_db).execute("pragma table_info(documents)").fetchall()}
    assert not {"text", "text_folded"} & columns
    texts = sqlite_utils.Database(gold_db).execute(
        "select count(*) from document_texts x join documents d on d.id = x.document_id "
        "where d.ingested = 1 and length(x.text) > 1000").fetchone()[0]
    assert texts >= 3
    # Search on documents still reaches words that stand only in the text.
    rows = site("/vanban/documents.json", _search="trước ngày 31/7/2025", _shape="array").json()
    assert "314/KH-UBND" in {r["label"] for r in rows}


def test_documents_are_faceted_by_kind_issuer_year_and_status(tmp_path):
    db = build_browse_db(tmp_path, synthetic=0)
    ds = make_datasette(db)
    data = asyncio.run(ds.client.get("/browse/documents.json?_extra=facet_results")).json()
    assert {"doc_type", "issuer", "year", "status"} <= set(data["facet_results"])


@pytest.mark.parametrize("path", ["/", "/vanban"])
def test_home_page_leads_with_documents_tasks_agencies_citations(site, path):
    page = site(path).text
    start = page[page.index('class="vanban-start"'):]
    links = re.findall(r'href="/vanban/(\w+)"', start)[:4]
    assert links == ["documents", "tasks", "agencies", "citations"]
    if path == "/":
        return
    # Detail tables (each mention, full texts) wait under the hidden tables.
    listed = set(re.findall(r'<h3><a href="/vanban/(\w+)"', page))
    assert {"documents", "tasks", "agencies", "citations"} <= listed
    assert not {"agency_mentions", "citation_mentions", "document_texts", "documents_fts"} & listed


def test_metadata_reaches_a_database_served_without_it(gold_db, tmp_path):
    from datasette.app import Datasette

    from pipeline.web.serve import register_plugin

    register_plugin()
    copy = tmp_path / "other.db"
    copy.write_bytes(gold_db.read_bytes())
    ds = Datasette(immutables=[str(copy)])
    meta = get_metadata(ds, None, None, None)
    assert "duty_cascade" in meta["databases"]["other"]["queries"]
    assert 'href="/other/documents"' in meta["databases"]["other"]["description_html"]
    r = asyncio.run(ds.client.get("/other/duty_cascade.json?_shape=array&number=19/2014/QĐ-TTg"))
    assert r.status_code == 200 and r.json()
    # A database without vanban's tables gets nothing.
    plain = tmp_path / "plain.db"
    sqlite_utils.Database(plain)["t"].insert({"a": 1})
    assert get_metadata(Datasette(immutables=[str(plain)]), None, None, None) == {}


def _browse_doc(get, number):
    return get(f"/browse/documents.json?_shape=array&number={urllib.parse.quote(number)}").json()[0]["id"]


def test_document_page_shows_status_basis_tree_resting_and_duties(browse_site):
    page = browse_site(f"/-/vanban/document/{_browse_doc(browse_site, DEPT_PLAN)}").text
    assert 'class="vanban-status vanban-status-in_force"' in page
    basis = page[page.index('id="basis"'):page.index('id="resting"')]
    # Transitive: the department's plan → the provincial plan → the directive, nested.
    assert basis.index(PLAN_A) < basis.index(DIRECTIVE)
    assert basis.count('<ul class="vanban-tree">') == 2
    duties = page[page.index('id="duties"'):page.index('id="cascade"')]
    assert "Phòng Cải cách hành chính" in duties and "lead" in duties and "2023-06-15" in duties
    directive = browse_site(f"/-/vanban/document/{_browse_doc(browse_site, DIRECTIVE)}").text
    resting = directive[directive.index('id="resting"'):directive.index('id="duties"')]
    assert PLAN_A in resting and PLAN_B in resting and DEPT_PLAN in resting
    assert "vanban-status-amended" in directive


def test_graph_page_bundles_cytoscape(browse_site):
    page = browse_site("/-/vanban/graph").text
    assert "/-/vanban/static/cytoscape.min.js" in page and "cdn" not in page.lower()
    assert browse_site("/-/vanban/static/cytoscape.min.js").status_code == 200
    assert browse_site("/-/vanban/static/cytoscape.LICENSE.txt").status_code == 200
    data = browse_site("/-/vanban/graph.json").json()
    assert len(data["nodes"]) == 45
    assert {"kind", "year", "issuer", "title", "in_degree"} <= set(data["nodes"][0])
