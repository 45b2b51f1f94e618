"""pipeline.store.analysis: the queries and figures behind the notebooks.

Exact answers come from a small hand-made corpus published with pipeline.store.publish:

    A (KH, read)  --based_on-->  B (QĐ)  --based_on-->  C (NĐ, stub)
    A             --mentions-->  D (TT, stub)
    E (KH, read)  --implements-> B

``B`` is read in the "after" corpus and only cited (a stub) in the "before" one. The
figures and the seed database (built by the real pipeline) are checked for shape.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure

from pipeline.store import analysis as A
from pipeline.core.models import Extraction
from pipeline.store.publish import publish

matplotlib.use("Agg")

PROVINCE = {"name": "Ủy ban nhân dân tỉnh Thử Nghiệm", "locality": "Thử Nghiệm"}
GOV = {"name": "Chính phủ", "locality": None}
B_REF = {"doc_type": "QĐ", "number": "10/QĐ-UBND", "issued_date": "2024-01-10", "issuer": PROVINCE}
C_REF = {"doc_type": "NĐ", "number": "5/2020/NĐ-CP", "issued_date": "2020-02-01", "issuer": GOV}
D_REF = {"doc_type": "TT", "number": "7/2021/TT-BTC", "issued_date": "2021-03-01",
         "issuer": {"name": "Bộ Tài chính", "locality": None}}
SO_X = {"name": "Sở Xây dựng", "locality": "Thử Nghiệm"}
SO_Y = {"name": "Sở Y tế", "locality": "Thử Nghiệm"}


def cite(ref: dict, relation: str) -> dict:
    return {**ref, "title": None, "relation": relation, "mentions": 1}


def deadline(end: str | None, recurrence: str | None = None) -> dict:
    return {"text": f"trước {end}", "start": None, "end": end, "recurrence": recurrence}


def task(ref: str, agencies: list[tuple[dict, str]], end: str | None) -> dict:
    return {"ref": ref, "text": f"Nhiệm vụ {ref}", "deadline": deadline(end) if end else None,
            "agencies": [{**a, "role": role} for a, role in agencies]}


def contract(path: str, doc: dict, citations=(), tasks=(), deadlines=()) -> Extraction:
    agencies = {(a["name"], a["locality"]) for t in tasks for a in t["agencies"]}
    return Extraction({
        "schema": "vanban.extraction/1",
        "source": {"path": path, "sha256": path * 4, "format": "txt", "pages": 1},
        "document": {"place": None, "title": f"Văn bản {doc['number']}", "signer": None, **doc},
        "citations": list(citations), "standards": [],
        "agencies": [{"name": n, "locality": loc, "mentions": 1} for n, loc in sorted(agencies)],
        "tasks": list(tasks), "deadlines": list(deadlines), "warnings": [],
    }, {}, None)


def corpus(with_b: bool) -> list[Extraction]:
    a = contract("a.txt", {"doc_type": "KH", "number": "1/KH-UBND", "issued_date": "2025-01-05", "issuer": PROVINCE},
                 citations=[cite(B_REF, "based_on"), cite(D_REF, "mentions")],
                 tasks=[task("1", [(SO_X, "lead"), (SO_Y, "coordinate")], "2025-03-31"),
                        task("2", [(SO_X, "responsible")], "2025-06"),
                        task("3", [(SO_Y, "lead")], "2026"),
                        task("4", [(SO_X, "lead")], None)],
                 deadlines=[deadline("2025-03-31"), deadline("2025-06"), deadline("2026"),
                            deadline(None, "quarterly")])
    e = contract("e.txt", {"doc_type": "KH", "number": "2/KH-UBND", "issued_date": "2025-02-01", "issuer": PROVINCE},
                 citations=[cite(B_REF, "implements")])
    b = contract("b.txt", {k: B_REF[k] for k in ("doc_type", "number", "issued_date", "issuer")},
                 citations=[cite(C_REF, "based_on")])
    return [a, e, b] if with_b else [a, e]


def _publish(tmp_path, name: str, extractions) -> Path:
    path = tmp_path / name
    sources = [{"path": x.contract["source"]["path"], "sha256": x.contract["source"]["sha256"],
                "format": "txt", "pages": 1, "status": "ok", "error": None} for x in extractions]
    publish(extractions, sources, path)
    return path


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    d = tmp_path_factory.mktemp("analysis")
    return _publish(d, "before.db", corpus(False)), _publish(d, "after.db", corpus(True))


@pytest.fixture(scope="module")
def db(dbs):
    return A.open_db(dbs[1])


# --- locating and opening the database ---------------------------------------------------------


@pytest.mark.parametrize("env, expected", [
    ({}, "ROOT/data/out/vanban.db"),
    ({"VANBAN_DB": ""}, "ROOT/data/out/vanban.db"),
    ({"VANBAN_DB": "other/x.db"}, "ROOT/other/x.db"),
    ({"VANBAN_DB": "/abs/y.db"}, "/abs/y.db"),
])
def test_database_path(env, expected, tmp_path):
    root = tmp_path / "repo"
    assert A.database_path(env, root=root) == Path(expected.replace("ROOT", str(root)))


def test_repo_root_is_found_from_a_subfolder():
    root = A.repo_root()
    assert (root / "pyproject.toml").is_file() and (root / "pipeline" / "store" / "analysis.py").is_file()
    assert A.repo_root(root / "notebooks") == root


def test_open_db_is_read_only_and_explains_a_missing_file(dbs, tmp_path):
    with pytest.raises(FileNotFoundError, match="make extract"):
        A.open_db(tmp_path / "none.db")
    db = A.open_db(dbs[0])
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("delete from documents")


# --- tables --------------------------------------------------------------------------------------


def test_table_renders_html_and_text():
    t = A.Table(["a", "b"], [{"a": "<x>", "b": None, "hidden": 1}], "T & co")
    html = t._repr_html_()
    assert "<td>&lt;x&gt;</td><td></td>" in html and "hidden" not in html and "T &amp; co" in html
    assert str(t).splitlines() == ["T & co", "a    b", "---  -", "<x>"]
    assert "(no rows)" in A.Table(["a"], [])._repr_html_() and "(no rows)" in str(A.Table(["a"], []))
    assert t.column("a") == ["<x>"] and len(t.head(0)) == 0


def test_overview_counts(db):
    counts = {r["what"]: r["count"] for r in A.overview(db)}
    assert counts["documents read (in the corpus)"] == 3
    assert counts["documents only cited (stubs)"] == 2  # C and D
    assert counts["citations"] == 4


# --- citations -----------------------------------------------------------------------------------


def test_most_cited(db):
    t = A.most_cited(db)
    assert [(r["document"], r["cited_by"], r["relations"], r["in_corpus"]) for r in t] == [
        ("10/QĐ-UBND", 2, "based_on×1, implements×1", "yes"),
        ("5/2020/NĐ-CP", 1, "based_on×1", "no"),
        ("7/2021/TT-BTC", 1, "mentions×1", "no"),
    ]
    assert len(A.most_cited(db, limit=1)) == 1


def test_longest_chains(db):
    t = A.longest_chains(db)
    assert [(r["length"], r["chain"], r["relations"]) for r in t] == [
        (2, "1/KH-UBND → 10/QĐ-UBND → 5/2020/NĐ-CP", "based_on → based_on"),
        (2, "2/KH-UBND → 10/QĐ-UBND → 5/2020/NĐ-CP", "implements → based_on"),
    ]
    assert len(t[0]["path_ids"]) == 3


def test_longest_chain_survives_a_cycle(tmp_path):
    x = {"doc_type": "QĐ", "number": "1/QĐ-UBND", "issued_date": "2024-01-01", "issuer": PROVINCE}
    y = {"doc_type": "QĐ", "number": "2/QĐ-UBND", "issued_date": "2024-02-01", "issuer": PROVINCE}
    path = _publish(tmp_path, "cycle.db", [contract("x.txt", x, [cite(y, "mentions")]),
                                           contract("y.txt", y, [cite(x, "mentions")])])
    t = A.longest_chains(path)
    assert [r["length"] for r in t] == [1, 1]  # no head: each start walks until it would loop


@pytest.mark.parametrize("kinds, relations, expected", [
    (("KH",), ("based_on", "implements"),
     [("1/KH-UBND", "based_on", "10/QĐ-UBND"), ("2/KH-UBND", "implements", "10/QĐ-UBND")]),
    (("KH",), ("based_on", "mentions"),
     [("1/KH-UBND", "based_on", "10/QĐ-UBND"), ("1/KH-UBND", "mentions", "7/2021/TT-BTC")]),
    (None, ("based_on",), [("1/KH-UBND", "based_on", "10/QĐ-UBND"), ("10/QĐ-UBND", "based_on", "5/2020/NĐ-CP")]),
    (("QĐ",), ("based_on",), [("10/QĐ-UBND", "based_on", "5/2020/NĐ-CP")]),
])
def test_legal_basis(db, kinds, relations, expected):
    t = A.legal_basis(db, kinds=kinds, relations=relations)
    assert [(r["plan"], r["relation"], r["basis"]) for r in t] == expected


def test_legal_basis_skips_stubs_as_plans(dbs):
    # In "before", B is a stub: its own citations are unknown, so it is never a plan.
    t = A.legal_basis(dbs[0], kinds=None, relations=("based_on",))
    assert [r["plan"] for r in t] == ["1/KH-UBND"]


# --- duties and deadlines ------------------------------------------------------------------------


@pytest.mark.parametrize("value, day, precision", [
    ("2025-07-15", dt.date(2025, 7, 15), "day"),
    ("2025-02", dt.date(2025, 2, 28), "month"),
    ("2024-02", dt.date(2024, 2, 29), "month"),
    ("2030", dt.date(2030, 12, 31), "year"),
    (None, None, None),
    ("", None, None),
    ("2025-13", None, "month"),
    ("soon", None, "year"),
])
def test_last_day_and_precision(value, day, precision):
    assert A.last_day(value) == day
    assert A.precision(value) == precision


def test_duties_by_agency(db):
    t = A.duties_by_agency(db)
    got = {r["agency"]: (r["lead"], r["responsible"], r["coordinate"], r["direct"], r["tasks"],
                         r["earliest_deadline"]) for r in t}
    assert got == {"Sở Xây dựng": (2, 1, 0, 0, 3, "2025-03-31"), "Sở Y tế": (1, 0, 1, 0, 2, "2025-03-31")}
    assert t[0]["agency"] == "Sở Xây dựng"  # most duties first


def test_deadline_calendar(db):
    t = A.deadline_calendar(db)
    assert [(r["month"], r["deadlines"], r["day"], r["month_only"], r["year_only"]) for r in t] == [
        ("2025-03", 1, 1, 0, 0), ("2025-06", 1, 0, 1, 0), ("2026-12", 1, 0, 0, 1)]
    assert [r["recurrence"] for r in A.recurring_deadlines(db)] == ["quarterly"]


@pytest.mark.parametrize("as_of, roles, expected", [
    # X: T1 due 2025-03-31, T2 due 2025-06-30; Y: T1, T3 due 2026-12-31
    ("2025-05-01", None, {"Sở Xây dựng": (1, 1, 0, "2025-06-30"), "Sở Y tế": (1, 0, 1, "2026-12-31")}),
    ("2025-01-01", None, {"Sở Xây dựng": (0, 1, 1, "2025-03-31"), "Sở Y tế": (0, 1, 1, "2025-03-31")}),
    ("2025-03-31", None, {"Sở Xây dựng": (0, 1, 1, "2025-03-31"), "Sở Y tế": (0, 1, 1, "2025-03-31")}),
    ("2025-04-01", None, {"Sở Xây dựng": (1, 1, 0, "2025-06-30"), "Sở Y tế": (1, 0, 1, "2026-12-31")}),
    ("2027-01-01", None, {"Sở Xây dựng": (2, 0, 0, None), "Sở Y tế": (2, 0, 0, None)}),
    ("2025-05-01", ("lead",), {"Sở Xây dựng": (1, 0, 0, None), "Sở Y tế": (0, 0, 1, "2026-12-31")}),
    (dt.date(2025, 5, 1), ("coordinate",), {"Sở Y tế": (1, 0, 0, None)}),
])
def test_agency_deadlines(db, as_of, roles, expected):
    t = A.agency_deadlines(db, as_of, horizon_days=90, roles=roles)
    assert {r["agency"]: (r["overdue"], r["upcoming"], r["later"], r["next_due"]) for r in t} == expected
    scores = [(r["overdue"] + r["upcoming"], r["overdue"]) for r in t]
    assert scores == sorted(scores, reverse=True)


def test_agency_tasks(db):
    x = next(r for r in A.duties_by_agency(db) if r["agency"] == "Sở Xây dựng")
    t = A.agency_tasks(db, x["agency_id"], "2025-05-01")
    assert [(r["role"], r["deadline_end"], r["status"]) for r in t] == [
        ("lead", "2025-03-31", "overdue"), ("responsible", "2025-06", "upcoming"), ("lead", None, None)]


# --- what a rebuild changed ----------------------------------------------------------------------


def test_compare_databases(dbs):
    before, after = dbs
    ch = A.compare_databases(before, after)
    assert [r["document"] for r in ch.stubs_filled] == ["10/QĐ-UBND"]
    assert [r["document"] for r in ch.new_stubs] == ["5/2020/NĐ-CP"]
    assert len(ch.new_documents) == 0 and len(ch.removed_documents) == 0
    assert [(r["citing"], r["relation"], r["cited"]) for r in ch.new_citations] == [
        ("10/QĐ-UBND", "based_on", "5/2020/NĐ-CP")]
    assert len(ch.removed_citations) == 0
    assert sorted((r["document"], r["was"], r["now"]) for r in ch.deeper_chains) == [
        ("1/KH-UBND", 1, 2), ("10/QĐ-UBND", 0, 1), ("2/KH-UBND", 1, 2)]
    counts = {r["change"]: r["count"] for r in ch.summary()}
    assert counts["stubs filled"] == 1 and counts["new citations"] == 1
    # and backwards: the document read is gone again, its citation too
    back = A.compare_databases(after, before)
    assert [r["document"] for r in back.removed_documents] == ["5/2020/NĐ-CP"]
    assert [r["cited"] for r in back.removed_citations] == ["5/2020/NĐ-CP"]
    assert len(back.stubs_filled) == 0


def test_compare_identical_databases_is_empty(dbs):
    ch = A.compare_databases(dbs[1], dbs[1])
    assert all(r["count"] == 0 for r in ch.summary())


# --- figures -------------------------------------------------------------------------------------


def _texts(fig: Figure) -> set[str]:
    return {t.get_text() for ax in fig.axes for t in ax.texts}


def test_figures_are_drawn(db, dbs, tmp_path):
    figs = [
        A.most_cited_figure(A.most_cited(db)),
        A.citation_figure(db),
        A.duties_figure(A.duties_by_agency(db)),
        A.deadline_calendar_figure(A.deadline_calendar(db), as_of="2025-05-01"),
        A.agency_deadlines_figure(A.agency_deadlines(db, "2025-05-01")),
        A.changes_figure(dbs[1], A.compare_databases(*dbs)),
    ]
    for i, fig in enumerate(figs):
        assert isinstance(fig, Figure)
        fig.savefig(tmp_path / f"{i}.png")
        assert (tmp_path / f"{i}.png").stat().st_size > 1000


def test_citation_figure_labels_and_limits(db):
    assert _texts(A.citation_figure(db)) == {"1/KH-UBND", "2/KH-UBND", "10/QĐ-UBND", "5/2020/NĐ-CP",
                                             "7/2021/TT-BTC"}
    fig = A.citation_figure(db, max_nodes=2)
    assert len(_texts(fig)) == 2 and "2 of 5 documents" in fig.axes[0].get_title()
    assert _texts(A.citation_figure(db, nodes=["nothing"])) == {"no citations to draw"}


def test_calendar_figure_spans_every_month(db):
    fig = A.deadline_calendar_figure(A.deadline_calendar(db))
    assert len(fig.axes[0].patches) == 3 * 22  # 2025-03 … 2026-12, three stacked series


def test_short_label():
    assert A.short_label("19/2014/QĐ-TTg") == "19/2014/QĐ-TTg"
    assert A.short_label("x" * 30, 10) == "x" * 9 + "…"
    assert A.short_label(None) == "?"


# --- on the seed corpus, built by the real pipeline ------------------------------------------------


def test_seed_database_answers(seed_db):
    cited = A.most_cited(seed_db)
    assert cited[0]["cited_by"] >= 2  # 19/2014/QĐ-TTg is cited by two seed plans
    assert "19/2014/QĐ-TTg" in cited.column("document")
    plans = set(A.legal_basis(seed_db).column("plan"))
    assert {"231/KH-UBND", "314/KH-UBND"} <= plans
    assert len(A.duties_by_agency(seed_db, limit=None)) > 10
    assert len(A.deadline_calendar(seed_db)) > 3


def test_an_empty_database_gives_empty_tables_and_still_draws(tmp_path):
    empty = _publish(tmp_path, "empty.db", [])
    tables = [A.most_cited(empty), A.longest_chains(empty), A.legal_basis(empty), A.duties_by_agency(empty),
              A.deadline_calendar(empty), A.agency_deadlines(empty, "2025-01-01")]
    assert [len(t) for t in tables] == [0] * len(tables)
    for fig in (A.most_cited_figure(tables[0]), A.citation_figure(empty), A.duties_figure(tables[3]),
                A.deadline_calendar_figure(tables[4]), A.agency_deadlines_figure(tables[5])):
        fig.savefig(tmp_path / "f.png")
