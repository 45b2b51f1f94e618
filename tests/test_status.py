"""Legal status of documents (pipeline/store/status.py): each relation wording, a small corpus
where a decision is amended, then replaced, and a plan rests on it, the CLI and Datasette."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.run.extract import extract_path
from pipeline.store.publish import publish
from pipeline.store.status import derive, read_effect, update_status

HEAD = """ỦY BAN NHÂN DÂN
TỈNH NAM ĐỊNH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: {number}
Nam Định, ngày {day} tháng {month} năm {year}
{kind}
{title}
"""
FOOT = """
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Văn Bình
"""


# (relation of the citation, clause before the cited number, clause after it) → effect, provision
WORDINGS = [
    ("repeals", "Bãi bỏ ", "", "repealed", None),
    ("repeals", "Bãi bỏ khoản 2 Điều 5 ", "", "partly_repealed", "khoản 2 Điều 5"),
    ("repeals", "Bãi bỏ điểm b khoản 1 Điều 4 của ", "", "partly_repealed", "điểm b khoản 1 Điều 4"),
    ("repeals", "Bãi bỏ Điều 3, Điều 4 và Điều 9 của Quy định ban hành kèm theo ", "",
     "partly_repealed", "Điều 3, Điều 4 và Điều 9"),
    ("repeals", "Bãi bỏ Phụ lục II ban hành kèm theo ", "", "partly_repealed", "Phụ lục II"),
    ("repeals", "Bãi bỏ một số điều của ", "", "partly_repealed", None),
    ("repeals", "Điều 3. Bãi bỏ ", "", "repealed", None),
    ("repeals", "", " hết hiệu lực kể từ ngày Quyết định này có hiệu lực", "repealed", None),
    ("repeals", "", " hết hiệu lực một phần", "partly_repealed", None),
    ("repeals", "", " về việc thu một phần viện phí", "repealed", None),
    ("repeals", "Chấm dứt hiệu lực ", "", "repealed", None),
    ("replaces", "Quyết định này thay thế ", "", "replaced", None),
    ("replaces", "Kế hoạch này thay thế cho ", "", "replaced", None),
    ("replaces", "Thay thế Phụ lục III ban hành kèm theo ", "", "amended", "Phụ lục III"),
    ("amends", "Sửa đổi, bổ sung một số điều của ", "", "amended", None),
    ("amends", "Sửa đổi khoản 3 Điều 7 ", "", "amended", "khoản 3 Điều 7"),
    ("amends", "Sửa đổi, bổ sung điểm a khoản 1 Điều 6 ", "", "amended", "điểm a khoản 1 Điều 6"),
]


@pytest.mark.parametrize("relation, before, after, effect, provision", WORDINGS)
def test_each_relation_wording_reads_as_its_effect(relation, before, after, effect, provision):
    r = read_effect(relation, before, after)
    assert (r.effect, r.provision) == (effect, provision)


@pytest.mark.parametrize("relation", ["based_on", "implements", "mentions"])
def test_relations_that_do_not_act_have_no_effect(relation):
    assert read_effect(relation, "Bãi bỏ khoản 2 Điều 5 ") is None


def ev(effect, date, by):
    return {"effect": effect, "by_date": date, "by_id": by}


@pytest.mark.parametrize("events, expected", [
    ([], ("in_force", None, None)),
    ([ev("amended", "2021-01-02", "a"), ev("amended", "2022-03-04", "b")], ("amended", "2022-03-04", "b")),
    ([ev("amended", "2021-01-02", "a"), ev("partly_repealed", "2020-01-01", "p")],
     ("partly_repealed", "2020-01-01", "p")),
    ([ev("amended", "2021-01-02", "a"), ev("replaced", "2023-05-06", "r"), ev("repealed", "2024-01-01", "x")],
     ("replaced", "2023-05-06", "r")),
    ([ev("repealed", None, "x"), ev("replaced", "2023-05-06", "r")], ("replaced", "2023-05-06", "r")),
])
def test_status_is_the_first_ending_act_else_the_latest_change(events, expected):
    assert derive(events) == expected


# --- a small corpus ----------------------------------------------------------------------------

DOCS = {
    "a_qd_2020.txt": dict(
        number="12/2020/QĐ-UBND", day="10", month="3", year="2020", kind="QUYẾT ĐỊNH",
        title="Ban hành Quy chế quản lý cụm công nghiệp trên địa bàn tỉnh Nam Định",
        body="Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
             "QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Quy chế quản lý cụm công nghiệp.\n"
             "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."),
    "b_qd_2021.txt": dict(
        number="30/2021/QĐ-UBND", day="5", month="8", year="2021", kind="QUYẾT ĐỊNH",
        title="Sửa đổi, bổ sung một số điều của Quy chế quản lý cụm công nghiệp",
        body="Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
             "QUYẾT ĐỊNH:\nĐiều 1. Sửa đổi, bổ sung khoản 2 Điều 5 của Quy chế ban hành kèm theo "
             "Quyết định số 12/2020/QĐ-UBND ngày 10 tháng 3 năm 2020 của Ủy ban nhân dân tỉnh Nam Định.\n"
             "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."),
    "c_kh_2022.txt": dict(
        number="88/KH-UBND", day="2", month="4", year="2022", kind="KẾ HOẠCH",
        title="Phát triển cụm công nghiệp năm 2022",
        body="Căn cứ Quyết định số 12/2020/QĐ-UBND ngày 10 tháng 3 năm 2020 của Ủy ban nhân dân tỉnh "
             "Nam Định ban hành Quy chế quản lý cụm công nghiệp;\n"
             "I. MỤC ĐÍCH\nPhát triển cụm công nghiệp."),
    "d_qd_2023.txt": dict(
        number="07/2023/QĐ-UBND", day="15", month="2", year="2023", kind="QUYẾT ĐỊNH",
        title="Ban hành Quy chế quản lý cụm công nghiệp trên địa bàn tỉnh Nam Định",
        body="Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
             "QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Quy chế quản lý cụm công nghiệp.\n"
             "Điều 2. Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 12/2020/QĐ-UBND "
             "ngày 10 tháng 3 năm 2020 của Ủy ban nhân dân tỉnh Nam Định."),
    "e_kh_2024.txt": dict(
        number="41/KH-UBND", day="20", month="5", year="2024", kind="KẾ HOẠCH",
        title="Phát triển cụm công nghiệp năm 2024",
        body="Căn cứ Quyết định số 12/2020/QĐ-UBND ngày 10 tháng 3 năm 2020 của Ủy ban nhân dân tỉnh "
             "Nam Định ban hành Quy chế quản lý cụm công nghiệp;\n"
             "I. MỤC ĐÍCH\nPhát triển cụm công nghiệp."),
}
DECISION, AMENDING, EARLY_PLAN, REPLACING, LATE_PLAN = (
    "12/2020/QĐ-UBND", "30/2021/QĐ-UBND", "88/KH-UBND", "07/2023/QĐ-UBND", "41/KH-UBND")


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("status")
    extractions = []
    for name, d in DOCS.items():
        path = folder / name
        path.write_text(HEAD.format(**d) + d["body"] + FOOT, encoding="utf-8")
        extractions.append(extract_path(path))
    sources = [{"path": e.contract["source"]["path"], "sha256": e.contract["source"]["sha256"],
                "format": "txt", "pages": 1, "status": "ok", "error": None} for e in extractions]
    db_path = folder / "vanban.db"
    publish(extractions, sources, db_path)
    return db_path


def rows(db_path, sql, params=()):
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def doc(db_path, number):
    found = rows(db_path, "select * from documents where number = ?", (number,))
    assert len(found) == 1, (number, found)
    return found[0]


def test_fixture_citations_carry_the_relations_the_status_rests_on(corpus_db):
    got = {(r["citing"], r["relation"]) for r in rows(corpus_db, """
        select a.number as citing, c.relation from citations c join documents a on a.id = c.citing_id
        join documents b on b.id = c.cited_id where b.number = ?""", (DECISION,))}
    assert got == {(AMENDING, "amends"), (EARLY_PLAN, "based_on"), (REPLACING, "replaces"),
                   (LATE_PLAN, "based_on")}


def test_amended_then_replaced_decision_is_replaced_since_the_replacing_date(corpus_db):
    d = doc(corpus_db, DECISION)
    assert (d["status"], d["status_since"]) == ("replaced", "2023-02-15")
    assert d["status_by"] == doc(corpus_db, REPLACING)["id"]


def test_evidence_names_each_act_its_date_and_provision(corpus_db):
    d = doc(corpus_db, DECISION)
    evidence = {(e["effect"], e["by_label"], e["by_date"], e["provision"]) for e in rows(
        corpus_db, "select * from status_evidence where document_id = ?", (d["id"],))}
    assert evidence == {("amended", AMENDING, "2021-08-05", "khoản 2 Điều 5"),
                        ("replaced", REPLACING, "2023-02-15", None)}


@pytest.mark.parametrize("number", [AMENDING, EARLY_PLAN, REPLACING, LATE_PLAN])
def test_documents_nobody_acts_on_are_in_force(corpus_db, number):
    assert doc(corpus_db, number)["status"] == "in_force"


def test_cited_only_documents_get_a_status_too(corpus_db):
    stubs = rows(corpus_db, "select status from documents where ingested = 0")
    assert stubs and all(s["status"] == "in_force" for s in stubs)


@pytest.mark.parametrize("plan, code", [(EARLY_PLAN, "basis_later_superseded"), (LATE_PLAN, "basis_superseded")])
def test_plan_resting_on_the_replaced_decision_is_warned_by_date(corpus_db, plan, code):
    warnings = rows(corpus_db, "select code, detail from warnings where document_id = ? and code like 'basis%'",
                    (doc(corpus_db, plan)["id"],))
    assert [w["code"] for w in warnings] == [code]
    assert DECISION in warnings[0]["detail"] and REPLACING in warnings[0]["detail"]


def test_update_status_is_idempotent_and_follows_a_changed_table(corpus_db, tmp_path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(corpus_db.read_bytes())
    before = rows(copy, "select id, status, status_since from documents order by id")
    update_status(copy)
    assert rows(copy, "select id, status, status_since from documents order by id") == before
    assert len(rows(copy, "select * from warnings where code like 'basis%'")) == 2
    # an incremental publish that drops the replacing decision's citation: back to amended
    conn = sqlite3.connect(copy)
    with conn:
        conn.execute("delete from citation_mentions where citation_id in "
                     "(select id from citations where relation = 'replaces')")
        conn.execute("delete from citations where relation = 'replaces'")
    conn.close()
    update_status(copy)
    assert (doc(copy, DECISION)["status"], doc(copy, DECISION)["status_since"]) == ("amended", "2021-08-05")
    assert rows(copy, "select * from warnings where code like 'basis%'") == []


def test_cli_prints_status_with_evidence_and_the_warnings(corpus_db):
    result = CliRunner().invoke(main, ["status", DECISION, "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "status: replaced since 2023-02-15" in out
    assert f"amended (khoản 2 Điều 5) by {AMENDING}" in out
    assert f"replaced by {REPLACING}" in out
    assert "basis_superseded" in out and "basis_later_superseded" in out
    assert "only as good as the corpus" in out


def test_cli_names_an_unknown_number(corpus_db):
    result = CliRunner().invoke(main, ["status", "999/QĐ-XYZ", "--db", str(corpus_db)])
    assert "no document numbered" in result.output


def test_datasette_facets_status_and_lists_documents_on_a_superseded_basis(corpus_db):
    from pipeline.web.serve import make_datasette

    ds = make_datasette(corpus_db)
    asyncio.run(ds.invoke_startup())
    name = corpus_db.stem
    got = asyncio.run(ds.client.get(f"/{name}/documents_on_superseded_basis.json?_shape=array")).json()
    assert {(r["document"], r["warning"], r["superseded_by"]) for r in got} == {
        (EARLY_PLAN, "basis_later_superseded", REPLACING), (LATE_PLAN, "basis_superseded", REPLACING)}
    page = asyncio.run(ds.client.get(f"/{name}/documents.json?_facet=status"))
    facets = page.json()["facet_results"]
    results = facets["results"] if "results" in facets else facets
    values = {v["value"] for v in results["status"]["results"]}
    assert {"replaced", "in_force"} <= values
