"""The ``vanban`` command line: a thin click layer over the library.

Every command prints one line per failing file (``vanban: <path>: <reason>``) on stderr
and carries on with the rest.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline import __version__


def _inputs(paths: tuple[str, ...]) -> list[Path]:
    from pipeline.read.ingest import input_files

    return input_files(paths)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vanban")
def main() -> None:
    """vanban: Vietnamese administrative documents → citation and responsibility graph."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print one contract object per document (JSON Lines).")
def extract(paths: tuple[str, ...], as_json: bool) -> None:
    """Extract documents (files or folders of .pdf/.txt/.docx/.doc/.odt/.html/.md) to the extraction contract.

    Example: vanban extract data/raw/*.txt --json > out.jsonl
    """
    from pipeline.run.extract import extract_each

    failed = 0
    files = _inputs(paths)
    for path, result, error in extract_each(files):
        if error:
            failed += 1
            click.echo(f"vanban: {error}", err=True)
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
@click.option("--exports", type=click.Choice(["wait", "background", "none"]), default="wait", show_default=True,
              help="Graph exports (GraphML, GEXF, JSON) beside the database: written before the command "
                   "returns, by a detached process once the database is committed (about a minute per "
                   "100,000 documents; a later build stops one that is still running), or not at all.")
def build(inputs: tuple[str, ...], out: str, workers: int | None, no_progress: bool, no_ocr: bool,
          timeout: float, exports: str) -> None:
    """Build the SQLite database (and graph exports) from folders of documents.

    Example: vanban build data/raw --out data/out/vanban.db --workers 2
    """
    from pipeline.run.build import build_database

    report = build_database([Path(p) for p in inputs], Path(out), workers=workers,
                            progress=not no_progress, ocr=not no_ocr,
                            timeout=timeout if timeout > 0 else None, exports=exports)
    click.echo(report.summary() if hasattr(report, "summary") else str(report), err=True)


@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("raw_dir", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--format", "formats", multiple=True, type=click.Choice(["txt", "pdf", "docx", "html", "md"]),
              help="Paths to score, repeatable (default: txt and pdf); pdf, docx, html and md are "
                   "rendered from the text.")
@click.option("--workers", type=int, default=2, show_default=True, help="Worker processes.")
@click.option("--timeout", type=int, default=60, show_default=True, help="Seconds allowed per document.")
@click.option("--no-survey", is_flag=True, help="Skip the documents that have no gold.")
@click.option("--misses", "miss_limit", type=int, default=None,
              help="Show at most this many misses of each kind (default: all).")
@click.option("--record", "quality_md", type=click.Path(dir_okay=False, exists=True),
              help="Rewrite the current-figures block of this markdown file (bench/QUALITY.md).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Also write the scores as JSON here.")
def eval_command(gold_dir, raw_dir, formats, workers, timeout, no_survey, miss_limit, quality_md, json_out):
    """Score extraction against gold: per section, per attribute, per document, every miss.

    RAW_DIR defaults to the folder ``raw`` beside GOLD_DIR. Example:
    vanban eval corpus/gold --record bench/QUALITY.md
    """
    from pipeline.quality.evaluate import evaluate, full_text, record

    def progress(i, n, res):
        if res.error:
            click.echo(f"vanban: {res.stem} ({res.fmt}): {res.error}", err=True)
        if i % 20 == 0 or i == n:
            click.echo(f"  {i}/{n} extracted", err=True)

    report = evaluate(Path(gold_dir), Path(raw_dir) if raw_dir else None, formats=formats or ("txt", "pdf"),
                      workers=workers, timeout=timeout, survey=not no_survey, progress=progress)
    click.echo(full_text(report, miss_limit))
    if quality_md:
        record(report, Path(quality_md))
        click.echo(f"current figures written to {quality_md}", err=True)
    if json_out:
        Path(json_out).write_text(json.dumps(report.scores, ensure_ascii=False, indent=1), encoding="utf-8")


def _add_optional(module: str, attr: str) -> None:
    import importlib

    main.add_command(getattr(importlib.import_module(module), attr))


_add_optional("pipeline.web.serve", "serve_command")
_add_optional("pipeline.store.chain", "chain_command")
_add_optional("pipeline.store.status", "status_command")
_add_optional("pipeline.web.cascade", "cascade_command")
_add_optional("pipeline.share.export", "export_command")


if __name__ == "__main__":
    main()
