"""``vanban cascade NUMBER``: the duties that flow down from a document.

For a document X (a directive of the Prime Minister, say), the documents that rest on or
implement X — transitively, X included — and their duties, grouped by locality and
agency: what each province and department was told to do because of X, and by when.

The query is the ``duty_cascade`` canned query of ``metadata.yml`` (one source for the
site, the document page and the command line).
"""
from __future__ import annotations

import sqlite3
import sys
from itertools import groupby
from pathlib import Path

from pipeline.store.access import db_option, read_only

NATIONAL = "(trung ương / national)"
NO_AGENCY = "(chưa rõ cơ quan / no agency named)"


def cascade_sql() -> str:
    from pipeline.web.serve import _metadata

    return _metadata()["databases"]["vanban"]["queries"]["duty_cascade"]["sql"]


def cascade_rows(db_path: str | Path, number: str) -> list[dict]:
    """Rows of the cascade of ``number`` (number, label or id), ordered by locality and agency."""
    conn = read_only(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(cascade_sql(), {"number": number})]
    finally:
        conn.close()


def grouped(rows: list[dict]) -> list[dict]:
    """``[{"locality", "agencies": [{"agency", "duties": [row, …]}, …]}, …]`` in row order."""
    out = []
    for locality, by_loc in groupby(rows, key=lambda r: r["locality"] or ""):
        agencies = [{"agency": agency or NO_AGENCY, "duties": list(duties)}
                    for agency, duties in groupby(by_loc, key=lambda r: r["agency"])]
        out.append({"locality": locality or NATIONAL, "agencies": agencies})
    return out


def _deadline(row: dict) -> str:
    return row["deadline_end"] or row["deadline_recurrence"] or row["deadline_text"] or "—"


def cascade_lines(db_path: str | Path, number: str, width: int = 100) -> list[str]:
    rows = cascade_rows(db_path, number)
    if not rows:
        return [f"no duties found under {number!r} (unknown number, or no document rests on it with duties)"]
    docs = sorted({(r["depth"], r["document"]) for r in rows})
    lines = [f"Duty cascade of {number}: {len(rows)} duties in {len(docs)} documents"]
    for group in grouped(rows):
        lines.append("")
        lines.append(group["locality"])
        for ag in group["agencies"]:
            lines.append(f"  {ag['agency']}")
            for r in ag["duties"]:
                text = " ".join((r["text"] or "").split())
                text = text if len(text) <= width else text[: width - 1] + "…"
                lines.append(f"    - [{r['document']} {r['ref']}, {r['role'] or '?'}, by {_deadline(r)}] {text}")
    return lines


def _click_command():
    import click

    @click.command("cascade")
    @click.argument("number")
    @db_option
    def cascade(number: str, db_path: str) -> None:
        """Duties flowing down from NUMBER, by locality and agency.

        Documents that rest on or implement NUMBER (transitively, NUMBER included),
        with their duties. Example: vanban cascade "12/CT-TTg"
        """
        print("\n".join(cascade_lines(db_path, number)), file=sys.stdout)

    return cascade


cascade_command = _click_command()
