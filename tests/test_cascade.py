"""The duty cascade: from a national directive down to a department's plan, by locality
and agency — as a canned query, a document-page section and ``vanban cascade``."""
from __future__ import annotations

import asyncio
import re

import pytest
from click.testing import CliRunner

from browse_fixtures import DEPT_PLAN, DIRECTIVE, PLAN_A, PLAN_B, REPORT, build_browse_db
from pipeline.web.cascade import NATIONAL, cascade_rows, grouped
from pipeline.cli import main
from pipeline.web.serve import make_datasette


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return build_browse_db(tmp_path_factory.mktemp("cascade"), synthetic=0)


@pytest.mark.parametrize("number, documents", [
    (DIRECTIVE, {DIRECTIVE, PLAN_A, PLAN_B, DEPT_PLAN}),   # both plans, and the plan under plan A
    (PLAN_A, {PLAN_A, DEPT_PLAN}),                          # only what hangs under plan A
    (PLAN_B, {PLAN_B}),
    (DEPT_PLAN, {DEPT_PLAN}),
])
def test_cascade_follows_implementing_and_resting_documents(db, number, documents):
    rows = cascade_rows(db, number)
    assert {r["document"] for r in rows} == documents
    assert REPORT not in {r["document"] for r in rows}  # a mere mention passes no duty down


def test_cascade_depth_counts_the_steps_down(db):
    depth = {r["document"]: r["depth"] for r in cascade_rows(db, DIRECTIVE)}
    assert depth == {DIRECTIVE: 0, PLAN_A: 1, PLAN_B: 1, DEPT_PLAN: 2}


def test_cascade_groups_by_locality_then_agency(db):
    groups = grouped(cascade_rows(db, DIRECTIVE))
    assert [g["locality"] for g in groups] == [NATIONAL, "Bạc Liêu", "Lai Châu"]
    lai_chau = {a["agency"]: a["duties"] for a in groups[2]["agencies"]}
    assert set(lai_chau) == {"Phòng Cải cách hành chính", "Sở Nội vụ", "Sở Tài chính"}
    # An agency on two duties, with its role on each and the earlier deadline first.
    assert [(d["role"], d["deadline_end"]) for d in lai_chau["Sở Tài chính"]] == [
        ("lead", "2023-05-31"), ("coordinate", "2023-09-30")]


def test_cascade_command_prints_the_groups(db):
    result = CliRunner().invoke(main, ["cascade", DIRECTIVE, "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.index("Bạc Liêu") < out.index("Lai Châu")
    assert re.search(r"\[7/KH-SNV 1, lead, by 2023-06-15\] Phòng Cải cách hành chính", out)
    assert "9/BC-UBND" not in out
    missing = CliRunner().invoke(main, ["cascade", "999/XX", "--db", str(db)])
    assert "no duties found" in missing.output


def test_cascade_canned_query_and_document_section(db):
    ds = make_datasette(db)
    asyncio.run(ds.invoke_startup())
    rows = asyncio.run(ds.client.get(f"/browse/duty_cascade.json?_shape=array&number={DIRECTIVE}")).json()
    assert {r["document"] for r in rows} == {DIRECTIVE, PLAN_A, PLAN_B, DEPT_PLAN}
    did = asyncio.run(ds.client.get(f"/browse/documents.json?_shape=array&number={DIRECTIVE}")).json()[0]["id"]
    page = asyncio.run(ds.client.get(f"/-/vanban/document/{did}")).text
    section = page[page.index('id="cascade"'):]
    # Below the directive: both provinces, the department's duty; the directive's own duties
    # are in its duties table, not repeated in the cascade.
    assert "Bạc Liêu" in section and "Lai Châu" in section and "Phòng Cải cách hành chính" in section
    assert "Bộ Nội vụ hướng dẫn" not in section
    assert "Duty cascade (5)" in section
