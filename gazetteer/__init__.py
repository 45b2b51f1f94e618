"""Vocabularies as data: TSV/YAML files beside this module, loaded once and checked.

Every data file starts with ``#`` comment lines stating its source and date; TSV files
then have a header row. ``load_tsv(name, required=(...))`` raises ``GazetteerError``
when a required column is missing or a row is short, so a broken edit fails loudly.
"""
from __future__ import annotations

import csv
import functools
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent


class GazetteerError(ValueError):
    """A gazetteer file does not match its schema."""


def _data_lines(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


@functools.cache
def load_tsv(name: str, required: tuple[str, ...] = ()) -> tuple[dict, ...]:
    """Rows of ``gazetteer/<name>`` as dicts (empty cells become ``""``)."""
    path = DATA_DIR / name
    lines = _data_lines(path)
    if not lines:
        raise GazetteerError(f"{name}: no header row")
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise GazetteerError(f"{name}: missing columns {missing}")
    rows = []
    for lineno, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise GazetteerError(f"{name}: row {lineno} has the wrong number of cells: {row}")
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return tuple(rows)


@functools.cache
def load_yaml(name: str):
    """Parsed ``gazetteer/<name>`` (YAML)."""
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


KIND_COLUMNS = ("name", "code", "symbols", "issuer", "generic", "heading", "en")


@functools.cache
def kinds() -> dict[str, dict]:
    """The one vocabulary of document kinds (``doc_types.tsv``), by contract code, in file
    order: ``{"KH": {"code": "KH", "vi": "Kế hoạch", "en": "Plan", "words": (rows…),
    "headings": ("Kế hoạch",)}}``. ``words`` are the file's rows for the code — every kind
    word written in running text, with its symbols, implied issuer and generic flag;
    ``headings`` the words printed as a document's own kind heading (``KẾ HOẠCH``)."""
    return group_kinds(load_tsv("doc_types.tsv", required=KIND_COLUMNS))


def group_kinds(rows) -> dict[str, dict]:
    """Kind-word rows grouped by code (see :func:`kinds`); a code with no row or two rows
    giving its English name is a broken file."""
    out: dict[str, dict] = {}
    for row in rows:
        kind = out.setdefault(row["code"], {"code": row["code"], "vi": None, "en": None,
                                            "words": (), "headings": ()})
        kind["words"] += (row,)
        if row["heading"] == "yes":
            kind["headings"] += (row["name"],)
        if row["en"]:
            if kind["en"]:
                raise GazetteerError(f"doc_types.tsv: two English names for {row['code']}")
            kind["vi"], kind["en"] = row["name"], row["en"]
    unnamed = [code for code, k in out.items() if not k["en"]]
    if unnamed:
        raise GazetteerError(f"doc_types.tsv: no row names the kind(s) {unnamed} (en column)")
    return out


def split_list(cell: str | None) -> list[str]:
    """A ``|``-separated cell (aliases, levels) as a list, blanks dropped."""
    return [x.strip() for x in (cell or "").split("|") if x.strip()]


def duplicates(values) -> list[str]:
    """Values met more than once (for schema checks: aliases must name one body)."""
    seen, dup = set(), []
    for v in values:
        if v in seen and v not in dup:
            dup.append(v)
        seen.add(v)
    return dup
