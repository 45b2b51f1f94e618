"""Publishing contract objects to SQLite: identities, links, search, determinism."""
from __future__ import annotations

import copy
import json
import random

import pytest
import sqlite_utils
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.identity import document_key, document_year, fold, resolve_partial_keys
from pipeline.core.models import Extraction, NormalisedText, Span
from pipeline.store.publish import SCHEMA, publish
from publish_fixtures import GOLD, build, gold_inputs, q




# ---- identity helpers -----------------------------------------------------------------

@pytest.mark.parametrize("raw, folded", [
    ("Quyết định", "quyet dinh"),
    ("ĐỊNH", "dinh"),
    ("Sở Khoa học và Công nghệ", "so khoa hoc va cong nghe"),
    ("  Ủy   ban\nnhân dân ", "uy ban nhan dan"),
    ("19/2014/QĐ-TTg", "19/2014/qd-ttg"),
    (None, ""),
])
def test_fold(raw, folded):
    assert fold(raw) == folded


@given(st.text())
def test_fold_is_idempotent_and_markless(text):
    once = fold(text)
    assert fold(once) == once
    assert "đ" not in once and "Đ" not in once


@pytest.mark.parametrize("number, date, year", [
    ("19/2014/QĐ-TTg", "2014-03-05", 2014),
    ("26/2014/TT-BKHCN", None, 2014),
    ("37/2008/NQ-HĐND", "2018-12-13", 2008),   # the symbol's year wins over a mistyped date
    ("2667/QĐ-BKHCN", "2022-12-28", 2022),
    ("2276/QĐ-UBND", None, None),
    (None, "2015", 2015),
    (None, None, None),
])
def test_document_year(number, date, year):
    assert document_year(number, date) == year


def test_partial_keys_join_their_only_full_match():
    full = document_key("TT", "26/2014/TT-BKHCN", None, "Bộ Khoa học và Công nghệ", "2014-10-10")
    no_issuer = document_key("TT", "26/2014/TT-BKHCN", None, None, None)
    bare = document_key("QĐ", "2276/QĐ-UBND", None, "Ủy ban nhân dân tỉnh A", None)
    a = document_key("QĐ", "2276/QĐ-UBND", None, "Ủy ban nhân dân tỉnh A", "2022-09-21")
    alias = resolve_partial_keys({full, no_issuer, bare, a})
    assert alias == {no_issuer: full, bare: a}
    # Two candidates: ambiguous, left alone.
    b = document_key("QĐ", "2276/QĐ-UBND", None, "Ủy ban nhân dân tỉnh A", "2023-01-02")
    assert bare not in resolve_partial_keys({bare, a, b})


# ---- schema ---------------------------------------------------------------------------

def test_every_link_has_a_foreign_key_and_an_index(gold_db):
    db = sqlite_utils.Database(gold_db)
    for name, _cols, _pk, fks in SCHEMA:
        declared = {(fk.column, fk.other_table) for fk in db[name].foreign_keys}
        assert declared == {(c, t) for c, t, _ in fks}, name
        indexed = {ix.columns[0] for ix in db[name].indexes}
        pk = db[name].pks
        for column, _t, _c in fks:
            assert column in indexed or pk[0] == column, f"{name}.{column} has no index"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_lookup_tables_hold_codes(gold_db):
    kinds = {r["code"] for r in q(gold_db, "select code from doc_types")}
    assert {"KH", "QĐ", "TT", "NĐ", "CV", "Luật"} <= kinds
    roles = q(gold_db, "select r.code, count(*) n from task_agencies ta join roles r on r.id = ta.role group by 1")
    assert {r["code"] for r in roles} == {"lead", "coordinate", "responsible", "direct"}


def test_tables_have_rows(gold_db):
    counts = {t: q(gold_db, f"select count(*) n from [{t}]")[0]["n"] for t, *_ in SCHEMA}
    for table in ("documents", "sources", "citations", "citation_mentions", "standards",
                  "document_standards", "agencies", "agency_mentions", "localities", "tasks",
                  "task_agencies", "deadlines", "warnings"):
        assert counts[table] > 0, table


# ---- documents and citations ----------------------------------------------------------

def test_a_decree_cited_twice_is_one_stub_row(gold_db):
    rows = q(gold_db, "select * from documents where number = '19/2014/QĐ-TTg'")
    assert len(rows) == 1
    assert rows[0]["ingested"] == 0 and rows[0]["in_degree"] == 2
    assert rows[0]["issuer"] == "Thủ tướng Chính phủ" and rows[0]["issued_date"] == "2014-03-05"


def test_the_same_plan_twice_is_one_row_and_a_duplicate_source(gold_db):
    rows = q(gold_db, "select id from documents where number = '231/KH-UBND'")
    assert len(rows) == 1
    sources = q(gold_db, "select path, status, document_id from sources order by path")
    assert [s["status"] for s in sources] == ["ok", "duplicate", "ok", "ok", "ok"]
    assert sources[0]["document_id"] == sources[1]["document_id"] == rows[0]["id"]
    # Its sections are loaded once.
    assert q(gold_db, "select count(*) n from tasks where document_id = ?", [rows[0]["id"]])[0]["n"] == 13


def test_citation_counts_match_gold(gold_db):
    ingested = {r["number"] or r["title"]: r["id"] for r in q(gold_db, "select * from documents where ingested = 1")}
    assert len(ingested) == 4
    for path in GOLD[1:]:
        gold = json.loads(path.read_text(encoding="utf-8"))
        did = ingested[gold["document"]["number"] or gold["document"]["title"]]
        n = q(gold_db, "select count(*) n from citations where citing_id = ?", [did])[0]["n"]
        assert n == len(gold["citations"]), path.name


def _doc(number, date, issuer="Ủy ban nhân dân tỉnh Kon Tum", locality="Kon Tum", citations=(), path=None):
    return {
        "schema": "vanban.extraction/1",
        "source": {"path": path or f"x/{number.replace('/', '_')}.txt", "format": "txt"},
        "document": {"doc_type": number.split("/")[-1].split("-")[0], "number": number,
                     "issuer": {"name": issuer, "locality": locality}, "place": locality,
                     "issued_date": date, "title": f"Văn bản {number}", "signer": None},
        "citations": list(citations), "standards": [], "agencies": [], "tasks": [], "deadlines": [],
        "warnings": [],
    }


def _cite(number, date, issuer="Ủy ban nhân dân tỉnh Kon Tum", relation="based_on"):
    return {"doc_type": number.split("/")[-1].split("-")[0], "number": number, "issued_date": date,
            "issuer": {"name": issuer, "locality": None}, "title": None, "relation": relation, "mentions": 1}


def _publish(tmp_path, contracts, name="t.db"):
    exs = [Extraction(contract=c, provenance={}) for c in contracts]
    srcs = [{"path": c["source"]["path"], "status": "ok"} for c in contracts]
    publish(exs, srcs, tmp_path / name)
    return tmp_path / name


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
def test_a_stub_is_filled_in_when_its_document_is_ingested(tmp_path, order):
    a = _doc("5/KH-UBND", "2024-02-01", citations=[_cite("12/2023/QĐ-UBND", "2023-05-04")])
    b = _doc("7/KH-UBND", "2024-03-01", citations=[_cite("12/2023/QĐ-UBND", None, relation="implements")])
    decree = _doc("12/2023/QĐ-UBND", "2023-05-04")
    docs = [a, b, decree]
    db = _publish(tmp_path, [docs[i] for i in order])
    rows = q(db, "select id, ingested, title, in_degree from documents where number = '12/2023/QĐ-UBND'")
    assert len(rows) == 1
    assert rows[0]["ingested"] == 1 and rows[0]["title"] == "Văn bản 12/2023/QĐ-UBND"
    assert rows[0]["in_degree"] == 2
    relations = sorted(r["relation"] for r in q(db, "select relation from citations where cited_id = ?", [rows[0]["id"]]))
    assert relations == ["based_on", "implements"]


def test_ids_do_not_depend_on_input_order(tmp_path):
    extractions, sources = gold_inputs()
    publish(extractions, sources, tmp_path / "a.db")
    shuffled = list(zip(extractions, sources))
    random.Random(7).shuffle(shuffled)
    publish([e for e, _ in shuffled], [s for _, s in shuffled], tmp_path / "b.db")
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()


def test_rebuild_is_byte_identical(tmp_path, gold_db):
    again = build(tmp_path)
    assert again.read_bytes() == gold_db.read_bytes()


def test_the_strongest_relation_wins_when_a_citation_repeats(tmp_path):
    doc = _doc("9/QĐ-UBND", "2024-01-01", citations=[
        _cite("1/2020/QĐ-UBND", "2020-01-01", relation="mentions"),
        _cite("1/2020/QĐ-UBND", "2020-01-01", relation="replaces"),
    ])
    db = _publish(tmp_path, [doc])
    rows = q(db, "select relation, mentions from citations")
    assert rows == [{"relation": "replaces", "mentions": 2}]


# ---- agencies and localities ----------------------------------------------------------

def test_same_name_in_two_provinces_is_two_agencies(gold_db):
    rows = q(gold_db, "select locality from agencies where name = 'Sở Tài chính' order by locality")
    assert [r["locality"] for r in rows] == ["Huế", "Kon Tum", "Thừa Thiên Huế"]


def test_agency_rows_carry_kind_level_and_locality(gold_db):
    rows = {(r["name"], r["locality"]): r for r in q(gold_db, "select * from agencies")}
    so = rows[("Sở Khoa học và Công nghệ", "Kon Tum")]
    assert (so["kind"], so["level"], so["locality_id"]) == ("department", "province", "tinh-kon-tum")
    ubnd = rows[("Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum")]
    assert so["parent_id"] == ubnd["id"] and ubnd["issued"] == 1
    assert rows[("Bộ Khoa học và Công nghệ", None)]["level"] == "national"
    assert rows[("Ủy ban nhân dân cấp xã", "Kon Tum")]["kind"] == "group"


@pytest.mark.parametrize("unit, code, successor, parent", [
    ("tinh-thua-thien-hue", 46, "thanh-pho-hue", None),
    ("tinh-kon-tum", 62, "tinh-quang-ngai", None),
    ("xa-ha-dong-10882", 10882, None, "thanh-pho-hai-phong"),
    ("thanh-pho-hue", 46, None, None),
])
def test_localities_resolve_with_successors(gold_db, unit, code, successor, parent):
    row = q(gold_db, "select * from localities where id = ?", [unit])[0]
    assert (row["code"], row["successor_id"], row["parent_id"]) == (code, successor, parent)


# ---- tasks, deadlines, mentions -------------------------------------------------------

def test_tasks_and_roles_match_gold(gold_db):
    gold = json.loads(GOLD[2].read_text(encoding="utf-8"))  # 314/KH-UBND
    did = q(gold_db, "select id from documents where number = '314/KH-UBND'")[0]["id"]
    tasks = q(gold_db, "select * from tasks where document_id = ? order by seq", [did])
    assert [t["ref"] for t in tasks] == [t["ref"] for t in gold["tasks"]]
    links = q(gold_db, """select t.ref, a.name, r.code role from task_agencies ta join tasks t on t.id = ta.task_id
                          join agencies a on a.id = ta.agency_id join roles r on r.id = ta.role
                          where t.document_id = ?""", [did])
    expected = {(t["ref"], a["name"], a["role"]) for t in gold["tasks"] for a in t["agencies"]}
    assert {(r["ref"], r["name"], r["role"]) for r in links} == expected
    dated = [t for t in tasks if t["ref"] == "IV.6.a"][0]
    assert dated["deadline_end"] == "2025-07-31"


def test_mention_offsets_point_at_their_text(gold_db):
    texts = {r["id"]: r["text"] for r in q(gold_db, "select document_id as id, text from document_texts where text is not null")}
    for table in ("citation_mentions", "agency_mentions"):
        rows = q(gold_db, f'select document_id, start, "end", text, page from {table}')
        assert rows
        for r in rows:
            assert texts[r["document_id"]][r["start"]:r["end"]] == r["text"]
            assert r["page"] >= 1


def test_provenance_spans_are_used_as_given(tmp_path):
    text = "Căn cứ Quyết định số 12/2023/QĐ-UBND ngày 04/5/2023.\nSở Tài chính chủ trì."
    nt = NormalisedText(text, len(text), [0, text.index("\n") + 1], [(1, 0), (2, 0)])
    doc = _doc("9/KH-UBND", "2024-01-01", citations=[_cite("12/2023/QĐ-UBND", "2023-05-04")])
    doc["agencies"] = [{"name": "Sở Tài chính", "locality": "Kon Tum", "mentions": 1}]
    s = text.index("12/2023")
    a = text.index("Sở Tài chính")
    prov = {"citations": [[Span(s, s + 15, 1, text[s:s + 15])]],
            "agencies": [[Span(a, a + 12, 2, "Sở Tài chính")]]}
    publish([Extraction(contract=doc, provenance=prov, text=nt)], [], tmp_path / "p.db")
    assert q(tmp_path / "p.db", 'select start, "end", page from citation_mentions') == [
        {"start": s, "end": s + 15, "page": 1}]
    assert q(tmp_path / "p.db", "select page, text from agency_mentions") == [{"page": 2, "text": "Sở Tài chính"}]


def test_warnings_and_deadlines_are_kept(gold_db):
    codes = {r["code"] for r in q(gold_db, "select code from warnings")}
    assert {"source_typo", "number_year_mismatch"} & codes
    rows = q(gold_db, "select * from deadlines where recurrence = 'quarterly'")
    assert rows and rows[0]["end"] is None


# ---- search ---------------------------------------------------------------------------

@pytest.mark.parametrize("table, query, expect", [
    ("documents", "quyet dinh", "19/2014/QĐ-TTg"),
    ("documents", "quyết định", "19/2014/QĐ-TTg"),
    ("documents", "dinh", "19/2014/QĐ-TTg"),
    ("documents", "18091", "231/KH-UBND"),
    ("agencies", "so khoa hoc", "Sở Khoa học và Công nghệ"),
    ("agencies", "Sở Khoa học", "Sở Khoa học và Công nghệ"),
    ("agencies", "tieu chuan do luong", "Tổng cục Tiêu chuẩn Đo lường Chất lượng"),
    ("tasks", "tham dinh", None),
])
def test_full_text_search_folds_diacritics_and_d(gold_db, table, query, expect):
    label = {"documents": "label", "agencies": "name", "tasks": "label"}[table]
    fts_query = " ".join(f'"{w}"' for w in query.split())
    rows = q(gold_db, f"select t.{label} from {table} t join {table}_fts f on f.rowid = t.rowid "
                      f"where {table}_fts match ?", [fts_query])
    assert rows
    if expect:
        assert expect in {r[label] for r in rows}


def test_publish_tolerates_empty_and_odd_inputs(tmp_path):
    doc = _doc("1/CV-UBND", None)
    doc["document"]["issuer"] = None
    doc["tasks"] = [{"ref": None, "text": "", "agencies": [{"name": "", "locality": None, "role": "lead"}],
                     "deadline": None}]
    doc["standards"] = [{"code": ""}]
    sources = [{"path": "broken.pdf", "status": "error", "error": "unreadable", "document_id": "nope"}]
    publish([Extraction(contract=copy.deepcopy(doc), provenance={})], sources, tmp_path / "o.db")
    assert q(tmp_path / "o.db", "select status, document_id from sources where path = 'broken.pdf'") == [
        {"status": "error", "document_id": None}]
    assert q(tmp_path / "o.db", "select count(*) n from tasks")[0]["n"] == 1


def test_a_copy_under_another_name_points_at_the_same_document(tmp_path):
    doc = _doc("3/KH-UBND", "2024-01-01", path="a/3.txt")
    sources = [{"path": "a/3.txt", "sha256": "abc", "status": "ok"},
               {"path": "b/copy.txt", "sha256": "abc", "status": "duplicate", "error": "same content as a/3.txt"}]
    publish([Extraction(contract=doc, provenance={})], sources, tmp_path / "d.db", graph_dir=tmp_path / "g")
    rows = q(tmp_path / "d.db", "select path, status, document_id from sources order by path")
    assert rows[0]["document_id"] and rows[0]["document_id"] == rows[1]["document_id"]
    assert rows[1]["status"] == "duplicate"
    assert sorted(p.name for p in (tmp_path / "g").iterdir()) == ["vanban.gexf", "vanban.graphml", "vanban.json"]


def test_rebuild_is_identical_across_hash_seeds(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = ("import sys; sys.path.insert(0, 'tests'); from pathlib import Path; "
              "from publish_fixtures import build; build(Path(sys.argv[1]))")
    root = Path(__file__).resolve().parent.parent
    for seed in ("1", "4242"):
        (tmp_path / seed).mkdir()
        subprocess.run([sys.executable, "-c", script, str(tmp_path / seed)], check=True, cwd=root,
                       env={**os.environ, "PYTHONHASHSEED": seed})
    assert (tmp_path / "1" / "vanban.db").read_bytes() == (tmp_path / "4242" / "vanban.db").read_bytes()


def test_ocr_confidence_is_kept_per_page(tmp_path):
    doc = _doc("5/KH-UBND", "2024-02-01", path="scan.pdf")
    sources = [{"path": "scan.pdf", "sha256": "s", "format": "ocr", "pages": 2, "status": "ok",
                "ocr_confidence": [0.9, 0.8]}]
    publish([Extraction(contract=doc, provenance={})], sources, tmp_path / "o.db")
    assert q(tmp_path / "o.db", "select page, ocr_confidence from source_pages order by page") == [
        {"page": 1, "ocr_confidence": 0.9}, {"page": 2, "ocr_confidence": 0.8}]
    assert q(tmp_path / "o.db", "select ocr_confidence from sources")[0]["ocr_confidence"] == 0.85
