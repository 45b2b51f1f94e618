"""``vanban export``: the corpus in other tools' formats.

``--format spacy`` writes a spaCy ``DocBin`` of documents (files or folders): each
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

    from pipeline.run.extract import extract_path
    from pipeline.read.ingest import IngestError
    from pipeline.share.spacy_component import doc_from_extraction

    nlp = spacy.blank("vi")
    docs, failed = DocBin(store_user_data=True), 0
    for path in inputs:
        try:
            extraction = extract_path(path)
        except IngestError as exc:
            failed += 1
            click.echo(f"vanban: {exc}", err=True)
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


WRITERS = {"spacy": _spacy}


@click.command("export")
@click.argument("inputs", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(sorted(WRITERS)), required=True,
              help="spacy: a DocBin of the documents named by INPUTS.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="File to write (spacy: data/out/vanban.spacy).")
@click.option("--db", "db_path", default="data/out/vanban.db", show_default=True,
              type=click.Path(dir_okay=False), help="Database, for formats that read it.")
def export_command(inputs: tuple[str, ...], fmt: str, out: str | None, db_path: str) -> None:
    """Export the corpus in another tool's format.

    Example: vanban export --format spacy data/raw --out data/out/vanban.spacy
    """
    WRITERS[fmt](inputs, out, db_path)
