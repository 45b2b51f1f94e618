"""A real headless Chromium on the Datasette site: the chain query and the graph view.

Debian's chromium drives Playwright (Playwright's own browser download is not used).
Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from publish_fixtures import gold_db  # noqa: F401  (fixture)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent (Debian package chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(gold_db):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.web.serve", str(gold_db), str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            cwd=Path(__file__).resolve().parent.parent)
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
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        yield pg
        context.close()
        browser.close()


def test_chain_query_and_graph_in_chromium(server, page):
    # The canned query, from its form.
    page.goto(f"{server}/vanban/documents_resting_on")
    page.fill("input[name=number]", "19/2014/QĐ-TTg")
    page.locator("form.sql input[type=submit], form.sql button[type=submit]").first.click()
    page.wait_for_selector("table.rows-and-columns")
    table = page.inner_text("table.rows-and-columns")
    assert "314/KH-UBND" in table
    assert "Ủy ban nhân dân tỉnh Kon Tum" in table
    page.screenshot(path=str(ARTIFACTS / "chain-query.png"), full_page=True)

    # From a result row to the chain picture around the decree.
    page.locator("table.rows-and-columns a", has_text="sơ đồ").first.click()
    page.wait_for_selector("#vanban-graph svg g.node")
    nodes = page.locator("#vanban-graph svg g.node")
    assert nodes.count() >= 3
    assert page.locator("#vanban-graph svg line.edge").count() >= 2
    labels = page.locator("#vanban-graph svg text.node-label").all_text_contents()
    assert "314/KH-UBND" in labels and "19/2014/QĐ-TTg" in labels
    page.screenshot(path=str(ARTIFACTS / "chain-graph.png"), full_page=True)

    # The whole graph.
    page.goto(f"{server}/-/vanban/graph")
    page.wait_for_selector("#vanban-graph svg g.node")
    assert page.locator("#vanban-graph svg g.node").count() == int(
        page.get_attribute("#vanban-graph", "data-nodes"))
    assert page.locator("#vanban-graph svg g.node").count() > 20
    page.screenshot(path=str(ARTIFACTS / "whole-graph.png"), full_page=True)


def test_annotated_document_in_chromium(server, page):
    page.goto(f"{server}/vanban/documents?number=314%2FKH-UBND")
    page.locator("a", has_text="annotated view").first.click()
    page.wait_for_selector(".vanban-text")
    assert page.locator(".vanban-text a.ent-citation").count() >= 10
    assert page.locator(".vanban-text a.ent-agency").count() >= 5
    assert page.locator(".vanban-text a.task-badge").count() >= 10
    page.screenshot(path=str(ARTIFACTS / "annotated-document.png"), full_page=False)
    page.locator(".vanban-text a.ent-agency").first.click()
    page.wait_for_load_state()
    assert "/vanban/agencies/" in page.url
