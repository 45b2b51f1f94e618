"""Shared test fixtures and helpers.

pytest imports this file with tests/ on ``sys.path`` (tests/ is not a package), so the helper
modules here (seed_fixtures, publish_fixtures, build_fixtures, pdf_fixtures, browse_fixtures,
analysis_fixtures, heldout) import by their plain names from any test, with no path set-up.

Session-wide databases are fixtures, available to every test without an import:
- ``seed_db``: a database the real pipeline built from the seed texts (analysis, notebooks);
- ``gold_db``: a database published from the gold contract files (publish, graph, web);
- ``score``: the seed scorer (tests/fixtures/score.py) as a module.
"""
from __future__ import annotations

import pytest

from analysis_fixtures import seed_db  # noqa: F401  (fixture)
from publish_fixtures import gold_db  # noqa: F401  (fixture)
from seed_fixtures import scorer


@pytest.fixture(scope="session")
def score():
    """tests/fixtures/score.py: the scorer's own keys, normalisers and matching."""
    return scorer()
