"""``vanban export``: the corpus in other tools' formats.

``--format graphml|gexf|json`` writes the citation and responsibility graph of a built
database (streamed from it: memory does not grow with the corpus; ``vanban build`` writes
the three beside the database too). ``--format spacy`` writes a spaCy ``DocBin`` of documents (files or folders): each
Doc is the normalised text with ``doc.spans["citations"|"agencies"|"tasks"|"deadlines"]``
and the contract's attributes on ``Span._`` (kept with ``store_user_data``), ready for
training a span categoriser. Each format is one entry of ``WRITERS``.
"""
from __future__ import annotations

from pathlib import Path

import click


def write_docbin(inputs: list[Path], out: Path) -> tuple[int, int]:
    """Extract every input file into a DocBin at ``out``; (documents written, failed)."""
    import spacy
    from spacy.tokens import DocBin

    from pipeline.run.extract import extract_each
    from pipeline.share.spacy_component import doc_from_extraction

    nlp = spacy.blank("vi")
    docs, failed = DocBin(store_user_data=True), 0
    for _, extraction, error in extract_each(inputs):
        if error:
            failed += 1
            click.echo(f"vanban: {error}", err=True)
            continue
        docs.add(doc_from_extraction(nlp, extraction))
    out.parent.mkdir(parents=True, exist_ok=True)
    docs.to_disk(out)
    return len(docs), failed


def _spacy(inputs: tuple[str, ...], out: str | None, db_path: str | None) -> None:
    from pipeline.read.ingest import input_files

    if not inputs:
        raise click.UsageError("--format spacy needs INPUTS: files or folders of documents")
    written, failed = write_docbin(input_files(inputs), Path(out or "data/out/vanban.spacy"))
    click.echo(f"{out or 'data/out/vanban.spacy'}: {written} documents ({failed} failed)", err=True)


def _graph(fmt: str):
    def write(inputs: tuple[str, ...], out: str | None, db_path: str) -> None:
        from pipeline.store.graph import stream_export

        if inputs:
            raise click.UsageError(f"--format {fmt} reads the database (--db), not INPUTS")
        if not Path(db_path).is_file():
            raise click.UsageError(f"{db_path}: no database (run vanban build first)")
        target = Path(out) if out else Path(db_path).with_suffix(f".{fmt}")
        stream_export(db_path, target, fmt)
        click.echo(str(target), err=True)
    return write


WRITERS = {"spacy": _spacy, **{fmt: _graph(fmt) for fmt in ("graphml", "gexf", "json")}}


@click.command("export")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(sorted(WRITERS)), required=True,
              help="graphml, gexf (Gephi, yEd), json (node-link): the graph of --db; "
                   "spacy: a DocBin of the documents named by INPUTS.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="File to write (graph formats: beside the database; spacy: data/out/vanban.spacy).")
@click.option("--db", "db_path", default="data/out/vanban.db", show_default=True,
              type=click.Path(dir_okay=False), help="Database, for formats that read it.")
def export_command(inputs: tuple[str, ...], fmt: str, out: str | None, db_path: str) -> None:
    """Export the corpus in another tool's format.

    Example: vanban export --format gexf --out graph.gexf
    """
    WRITERS[fmt](inputs, out, db_path)
