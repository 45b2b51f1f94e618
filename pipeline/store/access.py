"""Opening a built database from the commands that only read it (chain, status, cascade, the
site): read-only, so a reader never creates an empty file or holds a write lock, and one
``--db`` option with the same default and check everywhere."""
from __future__ import annotations

import sqlite3
from pathlib import Path

DEFAULT_DB = "data/out/vanban.db"


def read_only(db_path: str | Path) -> sqlite3.Connection:
    """A read-only connection (a file URI: spaces and ``?`` in the path are safe)."""
    return sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)


def db_option(command):
    """``--db PATH``: the database built by ``vanban build`` (it must exist)."""
    import click

    return click.option("--db", "db_path", default=DEFAULT_DB, show_default=True,
                        type=click.Path(exists=True, dir_okay=False),
                        help="Database built by `vanban build`.")(command)
