"""The notebooks run end to end (nbclient, a kernel on this interpreter) against a database
the pipeline builds from the seeds, and are committed without outputs."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest


ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["01-citation-graph.ipynb", "02-agency-duties.ipynb", "03-add-your-documents.ipynb", "04-spacy.ipynb"]


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def test_the_notebooks_are_the_ones_listed():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    nb = _read(name)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name} cell {cell.id}: outputs committed (clear them)"
            assert cell.execution_count is None, f"{name} cell {cell.id}: execution count committed"
            assert not {"execution", "collapsed", "scrolled"} & set(cell.metadata), cell.metadata
    assert set(nb.metadata) <= {"kernelspec", "language_info"}, nb.metadata.keys()


@pytest.mark.parametrize("name", NAMES)
def test_logic_lives_in_the_package(name):
    code = "\n".join(c.source for c in _read(name).cells if c.cell_type == "code")
    assert "from pipeline.store import analysis as A" in code
    assert "A.open_db(" in code and "A.database_path()" in code  # honours $VANBAN_DB
    assert "def " not in code and "class " not in code and "select " not in code.lower()
    params = [c for c in _read(name).cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1


def test_readme_links_every_notebook():
    readme = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"]({name})" in readme


@pytest.fixture(scope="module")
def kernel_manager_factory(tmp_path_factory):
    """Kernels on this interpreter: a kernelspec written to a temp dir, not installed anywhere."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    kernels = tmp_path_factory.mktemp("kernels")
    spec = kernels / "vanban-test"
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "vanban tests", "language": "python"}))
    ksm = KernelSpecManager(kernel_dirs=[str(kernels)])
    return lambda: KernelManager(kernel_name="vanban-test", kernel_spec_manager=ksm)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_and_shows_a_figure_and_a_table(name, seed_db, kernel_manager_factory, monkeypatch,
                                                      tmp_path):
    from nbclient import NotebookClient

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))  # nothing written under ~
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("VANBAN_DB", str(seed_db))  # the kernel inherits this environment
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = _read(name)
    NotebookClient(nb, km=kernel_manager_factory(), timeout=120,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    data = [o.get("data", {}) for o in outputs if o.output_type in ("display_data", "execute_result")]
    assert any("image/png" in d for d in data), "no figure"
    tables = [d["text/html"] for d in data if "<table" in d.get("text/html", "")]
    assert any("<td>" in t and "(no rows)" not in t for t in tables), "no table with rows"
    assert str(seed_db) in "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
