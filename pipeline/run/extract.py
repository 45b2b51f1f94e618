"""One document, end to end: source → normalised text → every extractor → contract.

Extractors run in dependency order (the header first: its issuer and date inform
citations and agencies; agencies before tasks). An extractor that fails on odd input
costs only its own section, recorded as an ``extractor_error`` warning — one bad table
must not lose a document's citations.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pipeline.core.models import Context, Extraction, Section, Source, SourceFormat, warning
from pipeline.run.version import extractor_version
from pipeline.text.normalize import normalize_pages

SCHEMA = "vanban.extraction/1"
SECTIONS = ("citations", "standards", "agencies", "tasks", "deadlines")
log = logging.getLogger(__name__)


def __getattr__(name: str):  # EXTRACTOR_VERSION, computed on first use
    if name == "EXTRACTOR_VERSION":
        return extractor_version()
    raise AttributeError(name)


# Readers that lay out the file's own paragraphs (pipeline.read.readers.blocks): a paragraph
# end there is the author's, not a line wrap to be guessed at.
PARAGRAPH_FORMATS = frozenset({SourceFormat.DOCX, SourceFormat.DOC, SourceFormat.ODT, SourceFormat.HTML,
                               SourceFormat.MD})


def build_context(source: Source) -> Context:
    """Normalise a source and wrap it for the extractors."""
    text = normalize_pages(source.pages, ocr=source.format == SourceFormat.OCR,
                           paragraphs=source.format in PARAGRAPH_FORMATS, header_lines=source.header_lines)
    return Context(source=source, text=text)


def _run(name: str, fn: Callable[[Context], Section], ctx: Context, warnings: list[dict]) -> Section:
    try:
        return fn(ctx)
    except Exception as exc:  # noqa: BLE001 — one section's failure must not lose the rest
        log.warning("%s: %s extractor failed: %r", ctx.source.path, name, exc)
        warnings.append(warning("extractor_error", f"{name}: {type(exc).__name__}: {exc}"))
        return Section()


def _extractors():
    """The registered extractors, in their checked order (extractors/registry.py)."""
    from extractors.registry import components

    return components()


def extract_context(ctx: Context) -> Extraction:
    warnings: list[dict] = []
    sections: dict[str, Section] = {}
    for comp in _extractors():
        section = _run(comp.name, comp.fn, ctx, warnings)
        sections[comp.name] = section
        for name in comp.assigns:  # what later extractors read (the header sets its own)
            if name in SECTIONS and hasattr(ctx, name):
                setattr(ctx, name, section)
        warnings.extend(section.warnings)
    header = sections.pop("header")
    document = header.items[0] if header.items else {
        k: None for k in ("doc_type", "number", "issuer", "place", "issued_date", "title", "signer")}
    if ctx.source.metadata:  # a saved page's metadata panel: a cross-check, never the header
        from pipeline.read.readers.html import metadata_disagreements

        warnings += [warning("metadata_mismatch", d) for d in metadata_disagreements(ctx.source.metadata, document)]
    source = ctx.source
    contract = {
        "schema": SCHEMA,
        "source": {"path": source.path, "sha256": source.sha256, "format": str(source.format),
                   "pages": source.page_count},
        "document": document,
        **{name: sections[name].items for name in SECTIONS},
        "warnings": warnings,
    }
    provenance = {name: sections[name].spans for name in SECTIONS}
    provenance["document"] = {"header": header.spans[0] if header.spans else []}
    return Extraction(contract=contract, provenance=provenance, text=ctx.text)


def extract_source(source: Source) -> Extraction:
    """A read source → its :class:`Extraction` (contract + provenance + text)."""
    return extract_context(build_context(source))


def extract_path(path: str | Path) -> Extraction:
    """Read and extract one file; raises ``pipeline.read.ingest.IngestError`` on unreadable input."""
    from pipeline.read.ingest import read_source

    return extract_source(read_source(path))


def extract_each(paths):
    """``(path, extraction, None)`` for every file read, ``(path, None, reason)`` for every
    file that could not be: a batch reports a bad file in one line and goes on."""
    from pipeline.read.ingest import IngestError

    for path in paths:
        try:
            yield path, extract_path(path), None
        except IngestError as exc:
            yield path, None, str(exc)
        except Exception as exc:  # noqa: BLE001 — report and go on with the batch
            yield path, None, f"{path}: unexpected error: {type(exc).__name__}: {exc}"
