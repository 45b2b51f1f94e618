"""vanban as a spaCy component: ``spacy.blank("vi").add_pipe("vanban")`` sets span groups
with the contract's attributes; displaCy draws them; ``vanban export --format spacy``
writes a DocBin. The entry points in pyproject.toml are checked the way the tools load them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner
from spacy.tokens import DocBin

import pipeline.share.spacy_component  # noqa: F401  (registers the factory without the entry point)
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
# Invented letter of the same form as the corpus: a header, a basis, two duties.
TEXT = """ỦY BAN NHÂN DÂN
TỈNH ĐIỆN BIÊN
Số: 45/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Điện Biên, ngày 12 tháng 3 năm 2024

KẾ HOẠCH
Triển khai số hóa hồ sơ hành chính

Căn cứ Chỉ thị số 07/CT-TTg ngày 10 tháng 1 năm 2024 của Thủ tướng Chính phủ về số hóa hồ sơ;
Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện như sau:
I. NHIỆM VỤ
1. Sở Nội vụ chủ trì, phối hợp với Sở Tài chính triển khai số hóa hồ sơ, hoàn thành trước ngày 30/6/2024.
2. Ủy ban nhân dân các huyện rà soát hồ sơ, báo cáo trước ngày 15/12/2024.
"""


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("vi")
    nlp.add_pipe("vanban")
    return nlp


@pytest.mark.parametrize("text", [TEXT, TEXT.replace("phối hợp với Sở", "phối hợp với\n   Sở").replace(" của ", "  của ")],
                         ids=["as printed", "wrapped and double spaces"])
def test_span_groups_carry_the_contract(nlp, text):
    doc = nlp(text)
    assert set(doc.spans) == {"citations", "agencies", "tasks", "deadlines"}
    (cit,) = doc.spans["citations"]
    assert cit.label_ == "CITATION" and "07/CT-TTg" in cit.text
    assert (cit._.number, cit._.doc_type, cit._.relation) == ("07/CT-TTg", "CT", "based_on")
    agencies = {" ".join(s.text.split()): s for s in doc.spans["agencies"]}
    assert {"Sở Nội vụ", "Sở Tài chính"} <= set(agencies)
    assert agencies["Sở Nội vụ"]._.locality == "Điện Biên"
    deadlines = {s._.end: s.text for s in doc.spans["deadlines"]}
    assert deadlines == {"2024-06-30": "trước ngày 30/6/2024", "2024-12-15": "trước ngày 15/12/2024"}
    tasks = doc.spans["tasks"]
    assert [t._.ref for t in tasks] == ["I.1", "I.2"]
    roles = {(a["name"], a["role"]) for a in tasks[0]._.agencies}
    assert ("Sở Nội vụ", "lead") in roles and ("Sở Tài chính", "coordinate") in roles
    assert doc._.vanban["document"]["number"] == "45/KH-UBND"
    # Every span stands where its words are printed in the text handed to spaCy.
    for key in doc.spans:
        for span in doc.spans[key]:
            assert text[span.start_char:span.end_char] == span.text


def test_displacy_renders_the_spans(nlp):
    from spacy import displacy

    doc = nlp(TEXT)
    html = displacy.render(doc, style="span", options={"spans_key": "agencies"}, jupyter=False)
    assert html.count("AGENCY") == len(doc.spans["agencies"]) and "Nội vụ" in html


def test_export_writes_a_docbin_with_attributes(tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    (src / "b.txt").write_text(TEXT.replace("45/KH-UBND", "46/KH-UBND"), encoding="utf-8")
    out = tmp_path / "corpus.spacy"
    result = CliRunner().invoke(main, ["export", "--format", "spacy", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("vi").vocab))
    assert sorted(d._.vanban["document"]["number"] for d in docs) == ["45/KH-UBND", "46/KH-UBND"]
    cit = docs[0].spans["citations"][0]
    assert cit._.relation == "based_on" and cit._.number == "07/CT-TTg"
    assert {len(d.spans["tasks"]) for d in docs} == {2}


def _entry_points() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]


@pytest.fixture
def installed_entry_points(tmp_path) -> dict:
    """An environment where the project's entry points are installed as pyproject.toml declares
    them (a dist-info on PYTHONPATH), whatever the shared virtualenv holds."""
    dist = tmp_path / "vanban_entry_points-0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: vanban-entry-points\nVersion: 0.0\n")
    (dist / "entry_points.txt").write_text("".join(
        f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()) for group, eps in _entry_points().items()))
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}


def test_spacy_finds_the_component_through_its_entry_point(installed_entry_points):
    code = ("import json, spacy; nlp = spacy.blank('vi'); nlp.add_pipe('vanban'); "
            f"doc = nlp({TEXT!r}); print(json.dumps({{k: len(v) for k, v in doc.spans.items()}}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=installed_entry_points, timeout=120)
    assert out.returncode == 0, out.stderr
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    assert counts["citations"] == 1 and counts["tasks"] == 2


def test_datasette_loads_the_plugin_through_its_entry_point(installed_entry_points, gold_db):
    code = ("import asyncio; from datasette.app import Datasette; "
            f"ds = Datasette(immutables=[{str(gold_db)!r}]); "
            "r = asyncio.run(ds.client.get('/-/vanban/graph.json')); "
            "q = asyncio.run(ds.client.get('/vanban/duty_cascade.json?_shape=array&number=19/2014/Q%C4%90-TTg')); "
            "print(r.status_code, len(r.json()['nodes']), q.status_code)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=installed_entry_points, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["200", "32", "200"]


def test_every_declared_entry_point_resolves():
    import importlib

    for group, eps in _entry_points().items():
        for name, target in eps.items():
            module, _, attr = target.partition(":")
            obj = importlib.import_module(module)
            assert obj is not None and (not attr or callable(getattr(obj, attr))), (group, name)
