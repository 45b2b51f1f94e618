"""The ``vanban`` command line: a thin click layer over the library.

Every command prints one line per failing file (``vanban: <path>: <reason>``) on stderr
and carries on with the rest.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__


def _inputs(paths: tuple[str, ...]) -> list[Path]:
    from .ingest import SUFFIXES

    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        else:
            files.append(p)
    return files


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vanban")
def main() -> None:
    """vanban: Vietnamese administrative documents → citation and responsibility graph."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one contract object per document (JSON Lines).")
def extract(paths: tuple[str, ...], as_json: bool) -> None:
    """Extract documents (files or folders of .pdf/.txt) to the extraction contract.

    Example: vanban extract data/raw/*.txt --json > out.jsonl
    """
    from .extract import extract_path
    from .ingest import IngestError

    failed = 0
    files = _inputs(paths)
    for path in files:
        try:
            result = extract_path(path)
        except IngestError as exc:
            failed += 1
            click.echo(f"vanban: {exc}", err=True)
            continue
        except Exception as exc:  # noqa: BLE001 — report and go on with the batch
            failed += 1
            click.echo(f"vanban: {path}: unexpected error: {type(exc).__name__}: {exc}", err=True)
            continue
        if as_json:
            sys.stdout.write(json.dumps(result.contract, ensure_ascii=False) + "\n")
        else:
            doc = result.contract["document"]
            counts = ", ".join(f"{len(result.contract[k])} {k}" for k in
                               ("citations", "agencies", "tasks", "deadlines"))
            click.echo(f"{path}: {doc.get('doc_type')} {doc.get('number') or '(no number)'} "
                       f"{doc.get('issued_date') or ''} — {counts}")
    if files and failed == len(files):
        raise SystemExit(1)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "out", default="data/out/vanban.db", show_default=True, type=click.Path(dir_okay=False),
              help="SQLite database to write (replaced atomically).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: the machine's cores).")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--no-ocr", is_flag=True, help="Leave scans without a text layer as needs_ocr.")
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Seconds a file may take; one over it is recorded as an error and the batch goes on.")
def build(inputs: tuple[str, ...], out: str, workers: int | None, no_progress: bool, no_ocr: bool,
          timeout: float) -> None:
    """Build the SQLite database (and graph exports) from folders of documents.

    Example: vanban build data/raw --out data/out/vanban.db --workers 2
    """
    from .build import build_database

    report = build_database([Path(p) for p in inputs], Path(out), workers=workers,
                            progress=not no_progress, ocr=not no_ocr,
                            timeout=timeout if timeout > 0 else None)
    click.echo(report.summary() if hasattr(report, "summary") else str(report), err=True)


@main.command()
@click.option("--db", "db_path", default="data/out/vanban.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Database built by `vanban build`.")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]), default="graphml",
              show_default=True, help="graphml or gexf (Gephi, yEd) or json (node-link).")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="File to write (default: beside the database, named after it).")
def export(db_path: str, fmt: str, out: str | None) -> None:
    """Export the citation and responsibility graph of a database.

    Example: vanban export --format gexf --out graph.gexf
    """
    from .graph import stream_export

    target = Path(out) if out else Path(db_path).with_suffix(f".{fmt}")
    stream_export(db_path, target, fmt)
    click.echo(f"{target}", err=True)


def _add_optional(module: str, attr: str) -> None:
    import importlib

    main.add_command(getattr(importlib.import_module(module), attr))


_add_optional("pipeline.serve", "serve_command")
_add_optional("pipeline.chain", "chain_command")


if __name__ == "__main__":
    main()
