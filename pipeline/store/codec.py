"""The JSON form of an Extraction (contract, provenance spans, normalised text): what the
build caches per source and what the database keeps to re-derive a document's rows."""
from __future__ import annotations

from pipeline.core.models import Extraction, NormalisedText, Span


def span_to_json(span: Span) -> list:
    return [span.start, span.end, span.page, span.text]


def span_from_json(data) -> Span:
    if isinstance(data, dict):
        return Span(data["start"], data["end"], data["page"], data["text"])
    return Span(*data)


def _prov_to_json(prov: dict) -> dict:
    out: dict = {}
    for section, value in prov.items():
        if isinstance(value, dict):  # document: field → spans
            out[section] = {k: [span_to_json(s) for s in spans] for k, spans in value.items()}
        else:
            out[section] = [[span_to_json(s) for s in spans] for spans in value]
    return out


def _prov_from_json(data: dict) -> dict:
    out: dict = {}
    for section, value in data.items():
        if isinstance(value, dict):
            out[section] = {k: [span_from_json(s) for s in spans] for k, spans in value.items()}
        else:
            out[section] = [[span_from_json(s) for s in spans] for spans in value]
    return out


def extraction_to_json(e: Extraction) -> dict:
    return {
        "contract": e.contract,
        "provenance": _prov_to_json(e.provenance or {}),
        "text": None if e.text is None else {  # the fields of NormalisedText (asdict, without its deep copies)
            "text": e.text.text, "footnote_start": e.text.footnote_start, "line_starts": list(e.text.line_starts),
            "line_origins": [list(o) for o in e.text.line_origins]},
    }


def extraction_from_json(data: dict) -> Extraction:
    text = data.get("text")
    nt = None
    if text is not None:
        nt = NormalisedText(text["text"], text["footnote_start"], list(text.get("line_starts", [])),
                            [tuple(o) for o in text.get("line_origins", [])])
    return Extraction(data["contract"], _prov_from_json(data.get("provenance") or {}), nt)
