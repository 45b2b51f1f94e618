"""Shared data shapes: a source as read, its normalised text, and extraction results.

Extractors receive a :class:`Context` and return a :class:`Section`: contract
items (plain dicts, exactly as ``vanban.extraction/1`` defines them) with a
parallel list of provenance spans, so ``--json`` prints the contract while the
database keeps every mention's page and offsets.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum


class SourceFormat(StrEnum):
    PDF = "pdf"
    TXT = "txt"
    DOCX = "docx"
    DOC = "doc"
    ODT = "odt"
    HTML = "html"
    MD = "md"
    OCR = "ocr"


class SourceStatus(StrEnum):
    OK = "ok"
    ERROR = "error"
    NEEDS_OCR = "needs_ocr"
    DUPLICATE = "duplicate"


@dataclass
class Source:
    """A file as read from disk: raw text page by page, before normalisation."""

    path: str
    sha256: str
    format: SourceFormat
    pages: list[str]
    encoding: str | None = None
    # Optional header block read column by column from word positions (PDF page 1):
    # lines of the left column, then lines of the right column.
    header_lines: list[str] | None = None
    ocr_confidence: list[float] | None = None
    # A saved web page's metadata panel (number, doc_type, issuer, issued_date, signer as
    # the page shows them): a cross-check of the header, never read in its place.
    metadata: dict[str, str] | None = None

    @property
    def page_count(self) -> int:
        return len(self.pages)


@dataclass(frozen=True)
class Span:
    """Where something stands: offsets in the normalised text, and its source page (1-based)."""

    start: int
    end: int
    page: int
    text: str


@dataclass
class Cell:
    """One table cell: its normalised text and where it stands in the normalised text."""

    text: str
    start: int = -1  # offsets in the normalised text; -1 when not found there
    end: int = -1
    layout: bool = False  # read from a pdftotext -layout table: text is whole, offsets partial


@dataclass
class TextTable:
    """A table as the document prints it: its header row, the kind of each column the header
    names (``"content"``, ``"lead"``, ``"deadline"`` … → first column index) and its rows."""

    columns: dict[str, int]
    header: list[Cell] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    start: int = -1  # normalised offsets of the whole table (header included)
    end: int = -1


@dataclass(frozen=True)
class Signature:
    """The signature block closing the body (pipeline.text.signature), its parts as printed:
    ``authority`` the TM./KT./TL./TUQ. line ("KT. CHỦ TỊCH"), ``position`` the signer's
    ("PHÓ CHỦ TỊCH", "Q. GIÁM ĐỐC"), ``name`` the signer's name at ``name_start``; ``start``
    and ``end`` bound the lines it was read from (normalised offsets)."""

    start: int
    end: int
    name: str | None = None
    name_start: int | None = None
    position: str | None = None
    authority: str | None = None


@dataclass
class NormalisedText:
    """Normalised document text, one logical line (heading, paragraph, item) per ``\\n``,
    with the structure the normaliser found in it.

    ``text[:footnote_start]`` is the body; footnotes (marked, kept out of the body)
    follow it. ``line_origins`` maps the start offset of every logical line to its
    source (page, character offset in that page's raw text). ``tables`` are the document's
    tables, read once from the raw pages (pipeline.text.tables); ``header`` the header block
    read column by column where the reader laid it out (a PDF's first page), one field a line;
    ``signature`` the signer block that closes the body (None: none found).
    """

    text: str
    footnote_start: int
    line_starts: list[int] = field(default_factory=list)
    line_origins: list[tuple[int, int]] = field(default_factory=list)
    tables: list[TextTable] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    signature: Signature | None = None

    @property
    def body(self) -> str:
        return self.text[: self.footnote_start]

    @property
    def footnotes(self) -> str:
        return self.text[self.footnote_start :]

    def origin_at(self, offset: int) -> tuple[int, int]:
        """(page, source char) of the logical line that holds ``offset``."""
        if not self.line_starts:
            return (1, 0)
        i = max(0, bisect.bisect_right(self.line_starts, offset) - 1)
        return self.line_origins[i]

    def page_at(self, offset: int) -> int:
        return self.origin_at(offset)[0]

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.page_at(start), self.text[start:end])


@dataclass
class Section:
    """Contract items of one section, with the spans where each was found."""

    items: list[dict] = field(default_factory=list)
    spans: list[list[Span]] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


@dataclass
class Context:
    """What an extractor may read: the source, its normalised text, and what earlier
    extractors found (the header first; agencies before tasks)."""

    source: Source
    text: NormalisedText
    document: dict = field(default_factory=dict)
    # Locality of the issuing body ("Thừa Thiên Huế", "Hà Đông"), and its level
    # ("national", "province", "commune", …), for attaching localities to agencies.
    locality: str | None = None
    level: str | None = None
    # Where the locality sits, when known: the province of a commune ("Hải Phòng").
    parent_locality: str | None = None
    citations: Section | None = None
    agencies: Section | None = None
    # The agencies component's reading of the text (extractors.agencies.analysis): every
    # mention named, for the tasks extractor to place agencies in duties. Typed loosely:
    # the model layer knows no extractor.
    agency_analysis: object | None = None

    @property
    def year(self) -> int | None:
        date = self.document.get("issued_date")
        return int(date[:4]) if date else None


@dataclass
class Extraction:
    """One document's result: the contract object plus provenance for the database.

    ``provenance[section][i]`` holds the spans of ``contract[section][i]``
    (sections: citations, standards, agencies, tasks, deadlines); ``provenance["document"]``
    maps header field names to a one-span list.
    """

    contract: dict
    provenance: dict[str, list[list[Span]] | dict[str, list[Span]]]
    text: NormalisedText | None = None


def warning(code: str, detail: str) -> dict:
    return {"code": code, "detail": detail}
