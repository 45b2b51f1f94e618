"""The layers import one way only: the import-linter contract in pyproject.toml holds."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_layers_import_one_way_only():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("lint-imports is missing: install the test extra (make setup)")
    run = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


@pytest.mark.parametrize("layer", ["core", "read", "text", "run", "store", "web", "quality", "share"])
def test_every_layer_says_what_it_holds(layer):
    import importlib

    module = importlib.import_module(f"pipeline.{layer}")
    assert module.__doc__ and len(module.__doc__.split()) >= 8
