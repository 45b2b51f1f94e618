"""Publishing in place: an update for new, changed and removed sources gives the same table
rows as a publish from scratch, in one transaction, consuming its sources one at a time."""
from __future__ import annotations

import copy
import hashlib
import sqlite3

import pytest

import pipeline.store.incremental as incremental
from pipeline.core.models import Extraction
from pipeline.store.publish import publish_stream

PROVINCE = "Hà Giang"
UBND = f"Ủy ban nhân dân tỉnh {PROVINCE}"


def cite(number, date=None, issuer=UBND, relation="based_on", title=None, kind=None):
    kind = kind or number.split("/")[-1].split("-")[0]
    return {"doc_type": kind, "number": number, "issued_date": date, "title": title,
            "issuer": {"name": issuer, "locality": None} if issuer else None, "relation": relation,
            "mentions": 1}


def doc(path, number, date, citations=(), agencies=("Sở Tài chính",), std=None, issuer=UBND):
    kind = number.split("/")[-1].split("-")[0]
    tasks = [{"ref": f"{i + 1}", "text": f"{name} chủ trì thực hiện nhiệm vụ số {i + 1} của văn bản {number}.",
              "agencies": [{"name": name, "locality": PROVINCE, "role": "lead"}],
              "deadline": {"text": "trước ngày 30/6/2025", "start": None, "end": "2025-06-30", "recurrence": None}}
             for i, name in enumerate(agencies)]
    return {
        "schema": "vanban.extraction/1", "source": {"path": path, "format": "txt"},
        "document": {"doc_type": kind, "number": number, "issuer": {"name": issuer, "locality": PROVINCE},
                     "place": PROVINCE, "issued_date": date, "title": f"Kế hoạch thực hiện {number}",
                     "signer": {"name": "Trần Văn Bình", "position": "Phó Chủ tịch", "authority": "KT. CHỦ TỊCH"}},
        "citations": list(citations), "standards": [{"code": std}] if std else [],
        "agencies": [{"name": n, "locality": PROVINCE, "mentions": 2} for n in agencies],
        "tasks": tasks,
        "deadlines": [{"text": "trước ngày 30/6/2025", "start": None, "end": "2025-06-30", "recurrence": None}],
        "warnings": [],
    }


# A corpus at its start, and the changes applied to it one after the other.
DECREE = doc("c/decree.txt", "12/2023/QĐ-UBND", "2023-05-04", agencies=("Sở Nội vụ",))
PLAN_A = doc("a/plan.txt", "5/KH-UBND", "2024-02-01",
             [cite("12/2023/QĐ-UBND", "2023-05-04"), cite("15/KH-UBND", None, issuer=None, relation="implements"),
              cite("72/2025/QH15", None, issuer=None, kind="Luật",
                   title="Luật Tổ chức chính quyền địa phương")],
             std="TCVN 5945:2005")
PLAN_B = doc("b/plan.txt", "7/KH-UBND", "2024-03-01",
             [cite("12/2023/QĐ-UBND", None, relation="implements"), cite("5/KH-UBND", "2024-02-01", relation="replaces")],
             agencies=("Sở Y tế", "Sở Tài chính"))
PLAN_B_COPY = copy.deepcopy(PLAN_B)
PLAN_B_COPY["source"]["path"] = "d/plan-copy.txt"
FIFTEEN = doc("e/fifteen.txt", "15/KH-UBND", "2022-01-10", [cite("12/2023/QĐ-UBND", "2023-05-04", relation="mentions")])
PLAN_A2 = doc("a/plan.txt", "5/KH-UBND", "2024-02-01", [cite("7/KH-UBND", "2024-03-01", relation="amends")],
              agencies=("Sở Xây dựng",))
NO_DATE = doc("f/nodate.txt", "12/QĐ-UBND", None, agencies=("Công an tỉnh",))


def item(contract):
    sha = hashlib.sha256(repr(contract).encode()).hexdigest()
    return ({"path": contract["source"]["path"], "sha256": sha, "status": "ok"},
            Extraction(contract=contract, provenance={}))


def fresh(tmp_path, name, contracts):
    db = tmp_path / name
    publish_stream(sorted((item(c) for c in contracts), key=lambda x: x[0]["path"]), db, fresh=True)
    return db


def update(db, add=(), remove=()):
    publish_stream(sorted((item(c) for c in add), key=lambda x: x[0]["path"]), db, fresh=False,
                   removed=list(remove))


def table_rows(db) -> dict[str, list[tuple]]:
    """Every table's rows, sorted (rowids aside); the documents' full-text rows by document id."""
    con = sqlite3.connect(db)
    try:
        names = [n for (n,) in con.execute("select name from sqlite_master where type = 'table' "
                                           "and name not like 'sqlite_%' and name not like '%_fts%' order by name")]
        out = {n: sorted(con.execute(f"select * from [{n}]").fetchall(), key=repr) for n in names}
        out["documents_fts"] = sorted(con.execute(
            "select d.id, f.* from documents_fts f join documents d on d.rowid = f.rowid").fetchall(), key=repr)
        out["tasks_fts"] = sorted(con.execute("select * from tasks_fts").fetchall(), key=repr)
        out["agencies_fts"] = sorted(con.execute("select * from agencies_fts").fetchall(), key=repr)
        return out
    finally:
        con.close()


def assert_same(db, want):
    got, expected = table_rows(db), table_rows(want)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], name


STEPS = [  # (added or changed, removed paths, the corpus after the step)
    ([DECREE], [], [PLAN_A, PLAN_B, PLAN_B_COPY, DECREE]),
    ([FIFTEEN], [], [PLAN_A, PLAN_B, PLAN_B_COPY, DECREE, FIFTEEN]),
    ([PLAN_A2], ["b/plan.txt"], [PLAN_A2, PLAN_B_COPY, DECREE, FIFTEEN]),
    ([NO_DATE], ["c/decree.txt"], [PLAN_A2, PLAN_B_COPY, FIFTEEN, NO_DATE]),
    ([PLAN_B], ["d/plan-copy.txt", "e/fifteen.txt"], [PLAN_A2, PLAN_B, NO_DATE]),
]


def test_every_update_gives_the_rows_of_a_publish_from_scratch(tmp_path):
    db = fresh(tmp_path, "live.db", [PLAN_A, PLAN_B, PLAN_B_COPY])
    for n, (added, removed, corpus) in enumerate(STEPS):
        update(db, added, removed)
        assert_same(db, fresh(tmp_path, f"scratch-{n}.db", corpus))


def q(db, sql, args=()):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def doc_id(db, number):
    return q(db, "select id from documents where number = ?", (number,))[0][0]


def test_a_removed_source_takes_its_rows_and_edges_with_it(tmp_path):
    db = fresh(tmp_path, "v.db", [PLAN_A, PLAN_B, DECREE])
    b = doc_id(db, "7/KH-UBND")
    update(db, remove=["b/plan.txt"])
    for table, column in (("citations", "citing_id"), ("tasks", "document_id"), ("deadlines", "document_id"),
                          ("document_agencies", "document_id"), ("citation_mentions", "document_id"),
                          ("document_texts", "document_id"), ("_agency_names", "document_id")):
        assert q(db, f"select count(*) from {table} where {column} = ?", (b,)) == [(0,)], table
    assert q(db, "select count(*) from sources where path = 'b/plan.txt'") == [(0,)]
    assert q(db, "select count(*) from documents where id = ?", (b,)) == [(0,)]  # nobody cites it now
    # Sở Y tế was named by that plan only: its agency row went too
    assert q(db, "select count(*) from agencies where name = 'Sở Y tế'") == [(0,)]
    # an ingested document still cited becomes a stub again
    update(db, remove=["c/decree.txt"])
    assert q(db, "select ingested, in_degree from documents where number = '12/2023/QĐ-UBND'") == [(0, 1)]
    assert (tmp_path / "v.db").exists()
    graph = {(a, b) for a, b in q(db, "select citing_id, cited_id from citations")}
    assert all(q(db, "select 1 from documents where id = ?", (x,)) for edge in graph for x in edge)


def test_a_new_document_resolves_what_earlier_documents_cite(tmp_path):
    db = fresh(tmp_path, "v.db", [PLAN_A, PLAN_B])
    stub = q(db, "select id, ingested, title from documents where number = '12/2023/QĐ-UBND'")
    assert [(r[1]) for r in stub] == [0]
    partial = q(db, "select c.cited_id from citations c join documents d on d.id = c.cited_id "
                    "where d.number = '15/KH-UBND'")
    update(db, add=[DECREE, FIFTEEN])
    # the stub others cited is now the ingested document, with the same id and in-degree
    assert q(db, "select id, ingested, in_degree from documents where number = '12/2023/QĐ-UBND'") == [
        (stub[0][0], 1, 3)]
    # "15/KH-UBND" cited with no year and no issuer joins the one full document of that number
    fifteen = doc_id(db, "15/KH-UBND")
    assert q(db, "select count(*) from documents where number = '15/KH-UBND'") == [(1,)]
    assert partial and partial[0][0] != fifteen
    assert q(db, "select relation from citations where cited_id = ?", (fifteen,)) == [("implements",)]
    assert q(db, "select in_degree from documents where id = ?", (fifteen,)) == [(1,)]


def test_the_copy_of_a_removed_document_takes_its_place(tmp_path):
    db = fresh(tmp_path, "v.db", [PLAN_B, PLAN_B_COPY])
    assert q(db, "select path, status from sources order by path") == [("b/plan.txt", "ok"),
                                                                       ("d/plan-copy.txt", "duplicate")]
    update(db, remove=["b/plan.txt"])
    assert q(db, "select path, status, error from sources") == [("d/plan-copy.txt", "ok", None)]
    assert q(db, "select source_path from documents where ingested = 1") == [("d/plan-copy.txt",)]


def test_an_update_that_fails_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    db = fresh(tmp_path, "v.db", [PLAN_A, PLAN_B])
    before = table_rows(db)

    def boom():
        raise RuntimeError("disk full")

    monkeypatch.setattr(incremental, "BEFORE_COMMIT", boom)
    with pytest.raises(RuntimeError):
        update(db, add=[DECREE, PLAN_A2], remove=["b/plan.txt"])
    assert table_rows(db) == before


def test_the_publisher_takes_its_sources_one_at_a_time(tmp_path, monkeypatch):
    """Each source is written before the next is asked for: nothing holds the corpus."""
    taken = []
    monkeypatch.setattr(incremental, "ON_SOURCE", lambda: taken.append(len(pulled)))
    pulled = []

    def sources():
        for c in (PLAN_A, PLAN_B, DECREE, FIFTEEN):
            pulled.append(c["source"]["path"])
            assert len(taken) == len(pulled) - 1  # the one before is in the database already
            yield item(c)

    publish_stream(sources(), tmp_path / "v.db", fresh=True)
    assert taken == [1, 2, 3, 4]
