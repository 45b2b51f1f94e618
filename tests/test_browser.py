"""A real headless Chromium on the Datasette site: the documents table, the citation graph
at 500 documents (filters, search, focus, click), the document page (status, basis tree,
duty cascade).

Debian's chromium drives Playwright (Playwright's own browser download is not used).
Screenshots go to test-artifacts/; with ``VANBAN_SCREENSHOTS=1`` the README's pictures in
docs/img/ are refreshed too (small PNGs).
"""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright import sync_api

from browse_fixtures import DEPT_PLAN, DIRECTIVE, PLAN_A, PLAN_B, build_browse_db

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
README_IMG = ROOT / "docs" / "img"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent (Debian package chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browse_db(tmp_path_factory) -> Path:
    return build_browse_db(tmp_path_factory.mktemp("browser"), synthetic=500)


@pytest.fixture(scope="module")
def server(browse_db):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.web.serve", str(browse_db), str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # readiness wait, not an assertion on speed
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"datasette did not start: {out}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def page():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.js_errors = errors
        yield pg
        context.close()
        browser.close()


def shoot(page, name: str) -> None:
    """A screenshot in test-artifacts/, and a small copy for the README when asked."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    if os.environ.get("VANBAN_SCREENSHOTS"):
        from PIL import Image

        README_IMG.mkdir(parents=True, exist_ok=True)
        img = Image.open(path).convert("RGB")
        img.thumbnail((960, 960))
        img.quantize(colors=128).save(README_IMG / f"{name}.png", optimize=True)


def q(db, sql, params=()):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_documents_table_is_one_line_a_row(server, page):
    page.goto(f"{server}/browse")
    starts = page.locator(".vanban-start a").all_text_contents()
    assert [s.split(" / ")[1] for s in starts[:4]] == ["documents", "duties", "agencies", "citations"]
    shoot(page, "home")
    page.locator(".vanban-start a", has_text="documents").click()
    page.wait_for_selector("table.rows-and-columns")
    headers = page.locator("table.rows-and-columns th").all_text_contents()
    assert not [h for h in headers if h.strip() in ("text", "text_folded")]
    heights = page.eval_on_selector_all("table.rows-and-columns tbody tr",
                                        "rows => rows.map(r => r.getBoundingClientRect().height)")
    line = page.eval_on_selector("table.rows-and-columns tbody td",
                                 "td => parseFloat(getComputedStyle(td).lineHeight) || 20")
    assert len(heights) == 50 and max(heights) < 2.6 * line, (max(heights), line)
    assert page.locator(".facet-info-name", has_text="status").count() == 1
    page.evaluate("window.scrollTo(0, document.querySelector('table.rows-and-columns').getBoundingClientRect().top"
                  " + window.scrollY - 60)")
    shoot(page, "documents")


def test_graph_at_500_documents_filters_searches_and_focuses(server, page, browse_db):
    page.goto(f"{server}/-/vanban/graph")
    page.wait_for_selector("#vanban-cy[data-ready='1']", timeout=180000)
    assert page.evaluate("vanbanGraph.cy.nodes().length") == 505
    # Labels: only some (the most cited first), none overlapping at the default zoom.
    boxes = page.evaluate("vanbanGraph.labelBoxes()")
    assert 5 <= len(boxes) < 250
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a["x2"] <= b["x1"] or b["x2"] <= a["x1"] or a["y2"] <= b["y1"] or b["y2"] <= a["y1"], (a, b)
    top = q(browse_db, "select id from documents order by in_degree desc, id limit 1")[0][0]
    assert top in {b["id"] for b in boxes}
    shoot(page, "graph")
    cy = "#vanban-cy"

    # Relation filter: unticking "mentions" leaves exactly the other citations.
    page.locator("#vanban-relations input[value=mentions]").uncheck()
    others = q(browse_db, "select count(*) from citations where relation != 'mentions'")[0][0]
    assert int(page.get_attribute(cy, "data-visible-edges")) == others
    page.locator("#vanban-relations input[value=mentions]").check()

    # Kind and year filters.
    page.select_option("#vanban-kind", "NĐ")
    kinds = page.evaluate("vanbanGraph.cy.nodes().filter(n => n.visible()).map(n => n.data('kind'))")
    assert kinds and set(kinds) == {"NĐ"}
    assert len(kinds) == q(browse_db, "select count(*) from documents d join doc_types t on t.id = d.doc_type "
                                      "where t.code = 'NĐ'")[0][0]
    page.select_option("#vanban-year", "2015")
    years = page.evaluate("vanbanGraph.cy.nodes().filter(n => n.visible()).map(n => n.data('year'))")
    assert set(years) <= {"2015"}
    page.select_option("#vanban-kind", "")
    page.select_option("#vanban-year", "")
    assert int(page.get_attribute(cy, "data-visible-nodes")) == 505

    # Search (without diacritics) selects a document; focus shows its chain either way.
    page.fill("#vanban-search", "thuc hien chi thi so 05")
    page.press("#vanban-search", "Enter")
    selected = page.evaluate("vanbanGraph.cy.nodes(':selected').map(n => n.data('label'))")
    assert selected == [PLAN_A]
    page.fill("#vanban-search", DIRECTIVE)
    page.press("#vanban-search", "Enter")
    page.click("#vanban-focus-resting")
    shown = set(page.evaluate("vanbanGraph.cy.nodes().filter(n => n.visible()).map(n => n.data('label'))"))
    assert shown == {DIRECTIVE, PLAN_A, PLAN_B, DEPT_PLAN, "9/BC-UBND"}
    shoot(page, "graph-focus")
    page.fill("#vanban-search", DEPT_PLAN)
    page.press("#vanban-search", "Enter")
    page.click("#vanban-focus-basis")
    shown = set(page.evaluate("vanbanGraph.cy.nodes().filter(n => n.visible()).map(n => n.data('label'))"))
    assert shown == {DEPT_PLAN, PLAN_A, DIRECTIVE}

    # A click on a node opens its document page.
    pos = page.evaluate(f"""(() => {{ const n = vanbanGraph.cy.nodes().filter(x => x.data('label') === '{PLAN_A}')[0];
                              const p = n.renderedPosition(); return [p.x, p.y]; }})()""")
    box = page.locator(cy).bounding_box()
    page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    page.wait_for_selector(".vanban-doc")
    assert "/-/vanban/document/" in page.url and PLAN_A in page.inner_text("h1")
    page.locator("#vanban-focus-clear").count()  # the page changed; nothing else to do here
    assert not page.js_errors, page.js_errors


def test_document_page_with_status_basis_and_cascade(server, page):
    page.goto(f"{server}/browse/documents?number={DEPT_PLAN}")
    page.locator("table.rows-and-columns td.col-label a", has_text=DEPT_PLAN).click()
    page.wait_for_selector(".vanban-doc")
    assert page.inner_text(".vanban-status") == "in_force"
    basis = page.locator("#basis")
    assert basis.locator("ul.vanban-tree ul.vanban-tree a", has_text=DIRECTIVE).count() == 1
    rows = page.locator("#duties table tbody tr")
    assert rows.count() == 1 and "Phòng Cải cách hành chính" in rows.first.inner_text()
    assert page.locator(".vanban-text a.task-badge").count() == 1
    shoot(page, "document")
    # Up the basis tree to the directive, and its cascade below.
    basis.locator("a", has_text=DIRECTIVE).click()
    page.wait_for_selector(".vanban-doc")
    cascade = page.locator("#cascade")
    assert cascade.locator("h3").all_text_contents() == ["Bạc Liêu", "Lai Châu"]
    assert "Phòng Cải cách hành chính" in cascade.inner_text()
    cascade.scroll_into_view_if_needed()
    shoot(page, "cascade")
    assert not page.js_errors, page.js_errors
