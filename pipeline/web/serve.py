"""Serve a vanban database with Datasette: immutable, on 127.0.0.1, with the project plugin.

``make_datasette(db_path)`` gives the configured app (used by tests through its
client); ``serve(db_path, port)`` runs it with uvicorn.
"""
from __future__ import annotations

import asyncio
import copy
import functools
import sqlite3
from pathlib import Path

import yaml
from pipeline.store.access import read_only

METADATA_PATH = Path(__file__).with_name("metadata.yml")
SETTINGS = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 500, "default_page_size": 50}


@functools.cache
def _metadata() -> dict:
    return yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))


def is_vanban_db(db_path: str | Path | None) -> bool:
    """Whether the SQLite file holds vanban's tables (documents and citations)."""
    if not db_path or not Path(db_path).is_file():
        return False
    conn = read_only(db_path)
    try:
        names = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        return {"documents", "citations"} <= names
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def metadata_for(db_name: str, db_path: str | Path | None = None) -> dict:
    """The project metadata with its database key renamed to the served file's name (and the
    links of its description with it)."""
    meta = copy.deepcopy(_metadata())
    dbs = meta.get("databases", {})
    if "vanban" in dbs and db_name != "vanban":
        dbs[db_name] = dbs.pop("vanban")
        html = dbs[db_name].get("description_html") or ""
        dbs[db_name]["description_html"] = html.replace('href="/vanban/', f'href="/{db_name}/').replace(
            "db=vanban", f"db={db_name}")
    if db_name in dbs:  # the site's home page leads with the same links as the database page
        start = (dbs[db_name].get("description_html") or "").split("</p>")[0]
        if 'class="vanban-start"' in start:
            meta["description_html"] = start + "</p>\n" + meta.get("description_html", "")
    return meta


def register_plugin() -> None:
    from datasette.plugins import pm

    from pipeline.web import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="vanban")


def make_datasette(db_path: str | Path):
    from datasette.app import Datasette

    register_plugin()
    db_path = Path(db_path)
    return Datasette(immutables=[str(db_path)], metadata=metadata_for(db_path.stem, db_path),
                     settings=SETTINGS)


def serve(db_path: str | Path, port: int = 8001, host: str = "127.0.0.1") -> None:
    """Run Datasette on ``host:port`` until interrupted."""
    import uvicorn

    if not Path(db_path).is_file():
        raise FileNotFoundError(f"{db_path}: no database (run `make extract` first)")
    ds = make_datasette(db_path)
    asyncio.run(ds.invoke_startup())
    print(f"vanban: serving {db_path} at http://{host}:{port}/")
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")


def _click_command():
    import click

    @click.command("serve")
    @click.argument("db_path", default="data/out/vanban.db", type=click.Path(dir_okay=False))
    @click.option("--port", default=8001, show_default=True, help="Port on 127.0.0.1.")
    def serve_cmd(db_path: str, port: int) -> None:
        """Serve the database with Datasette (immutable, 127.0.0.1).

        Example: vanban serve data/out/vanban.db --port 8001
        """
        serve(db_path, port)

    return serve_cmd


serve_command = _click_command()


if __name__ == "__main__":  # python -m pipeline.web.serve DB [PORT]
    import sys

    serve(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8001)
