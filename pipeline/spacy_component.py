"""vanban's extraction as a spaCy pipeline component, for researchers who work in spaCy.

    import spacy
    nlp = spacy.blank("vi")
    nlp.add_pipe("vanban")          # registered through the ``spacy_factories`` entry point
    doc = nlp(text)
    doc.spans["citations"]          # also "agencies", "tasks", "deadlines"
    span._.relation, span._.number  # the contract's attributes (EXTRACTION.md)
    doc._.vanban                    # the whole contract object of the document

The component runs the same normaliser and extractors as ``vanban extract``. The
extractors see normalised text; each span found there is placed back in ``doc.text``
by its printed form, searched from the source offset of its line (whitespace between
words may differ), and snapped to token boundaries.
"""
from __future__ import annotations

import hashlib
import re

from spacy.language import Language
from spacy.tokens import Doc, Span

SPAN_KEYS = ("citations", "agencies", "tasks", "deadlines")
LABELS = {"citations": "CITATION", "agencies": "AGENCY", "tasks": "TASK", "deadlines": "DEADLINE"}
# Contract fields of each section's items (EXTRACTION.md), set on Span._ by name.
ATTRIBUTES = {
    "citations": ("doc_type", "number", "issued_date", "issuer", "title", "relation", "mentions"),
    "agencies": ("name", "locality", "mentions"),
    "tasks": ("ref", "text", "agencies", "deadline"),
    "deadlines": ("text", "start", "end", "recurrence"),
}
SPAN_ATTRIBUTES = sorted({a for names in ATTRIBUTES.values() for a in names} | {"vanban"})


def _register_extensions() -> None:
    for name in SPAN_ATTRIBUTES:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("vanban"):
        Doc.set_extension("vanban", default=None)


_register_extensions()


def _pattern(printed: str) -> re.Pattern | None:
    words = printed.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words)) if words else None


def _place(doc_text: str, span, origin: int) -> tuple[int, int] | None:
    """Offsets of a normalised-text span in the raw ``doc_text``: searched from its line's
    source offset first, then from the start."""
    pattern = _pattern(span.text)
    if pattern is None:
        return None
    m = pattern.search(doc_text, max(0, origin)) or pattern.search(doc_text)
    return (m.start(), m.end()) if m else None


class VanbanComponent:
    """Sets ``doc.spans[key]`` for the four sections and ``doc._.vanban`` (the contract)."""

    def __init__(self, nlp: Language, name: str = "vanban"):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        from .extract import extract_source
        from .models import Source, SourceFormat

        source = Source(path=f"<spacy:{self.name}>", sha256=hashlib.sha256(doc.text.encode()).hexdigest(),
                        format=SourceFormat.TXT, pages=[doc.text])
        result = extract_source(source)
        doc._.vanban = result.contract
        for key in SPAN_KEYS:
            doc.spans[key] = self._spans(doc, result, key)
        return doc

    def _spans(self, doc: Doc, result, key: str) -> list[Span]:
        def place(sp):
            _page, origin = result.text.origin_at(sp.start)  # one page: an offset in doc.text
            return _place(doc.text, sp, origin)

        return section_spans(doc, result.contract, result.provenance, key, place)


def section_spans(doc: Doc, contract: dict, provenance: dict, key: str, place) -> list[Span]:
    """Spans of section ``key`` in ``doc``, with the contract's attributes; ``place(span)``
    gives the (start, end) of an extraction span in ``doc.text``, or None."""
    out, seen = [], set()
    for item, spans in zip(contract.get(key) or [], provenance.get(key) or []):
        for sp in spans or []:
            placed = place(sp)
            span = doc.char_span(*placed, label=LABELS[key], alignment_mode="expand") if placed else None
            if span is None or len(span) == 0 or (span.start, span.end) in seen:
                continue
            seen.add((span.start, span.end))
            span._.vanban = item
            for attr in ATTRIBUTES[key]:
                span._.set(attr, item.get(attr))
            out.append(span)
    return sorted(out, key=lambda s: (s.start, s.end))


def doc_from_extraction(nlp: Language, extraction) -> Doc:
    """A Doc of the normalised text with the four span groups, offsets taken as they are
    (for a training corpus: :func:`pipeline.export.write_docbin`)."""
    doc = nlp.make_doc(extraction.text.text)
    doc._.vanban = extraction.contract
    for key in SPAN_KEYS:
        doc.spans[key] = section_spans(doc, extraction.contract, extraction.provenance, key,
                                       lambda sp: (sp.start, sp.end))
    return doc


@Language.factory("vanban", default_config={})
def make_vanban(nlp: Language, name: str) -> VanbanComponent:
    """The ``vanban`` factory (entry point ``spacy_factories``)."""
    return VanbanComponent(nlp, name)
