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
        from pipeline.run.extract import extract_source
        from pipeline.core.models import Source, SourceFormat

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
    (for a training corpus: :func:`pipeline.share.export.write_docbin`)."""
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


# ---- for notebooks: the corpus of a database as Docs, a table and a figure of the spans ----

def docs_from_database(nlp: Language, db, limit: int | None = None) -> list[Doc]:
    """The stored texts of the documents read into ``db`` (a path or sqlite-utils Database),
    run through ``nlp``; ``doc.user_data["document_id"]`` names each one's row."""
    from pipeline.store.analysis import _db

    rows = _db(db).query("""select d.id, x.text from documents d join document_texts x on x.document_id = d.id
                            where d.ingested = 1 and x.text is not null order by d.label, d.id""")
    docs = []
    for row in rows:
        if limit is not None and len(docs) >= limit:
            break
        doc = nlp(row["text"])
        doc.user_data["document_id"] = row["id"]
        docs.append(doc)
    return docs


def span_table(docs: list[Doc], key: str | None = None, limit: int | None = None):
    """An :class:`pipeline.store.analysis.Table` of the spans (one group, or all), with attributes."""
    from pipeline.store.analysis import Table

    rows = []
    for doc in docs:
        number = (doc._.vanban or {}).get("document", {}).get("number")
        for k in [key] if key else SPAN_KEYS:
            for span in doc.spans[k] if k in doc.spans else []:
                attrs = {a: span._.get(a) for a in ATTRIBUTES[k] if a != "text" and span._.get(a) is not None}
                rows.append({"document": number, "group": k, "label": span.label_,
                             "text": " ".join(span.text.split())[:80],
                             "attributes": ", ".join(f"{a}={v}" for a, v in attrs.items()
                                                     if not isinstance(v, (dict, list)))[:120]})
    return Table(["document", "group", "label", "text", "attributes"], rows[:limit] if limit else rows,
                 "Spans set by the vanban component")


def span_counts_figure(docs: list[Doc]):
    """Bars: spans of each group per document."""
    from pipeline.store.analysis import _new_figure, short_label

    fig, ax = _new_figure(8, 3 + 0.25 * len(docs))
    names = [short_label((d._.vanban or {}).get("document", {}).get("number") or "?", 30) for d in docs]
    left = [0] * len(docs)
    for key, colour in zip(SPAN_KEYS, ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728")):
        counts = [len(d.spans[key]) if key in d.spans else 0 for d in docs]
        ax.barh(names, counts, left=left, color=colour, label=key)
        left = [a + b for a, b in zip(left, counts)]
    ax.set_xlabel("spans")
    ax.set_title("doc.spans per document")
    ax.legend(loc="lower right")
    return fig
