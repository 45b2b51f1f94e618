"""bench/RESULTS.md is written by several benchmarks, each owning one section between
``<!-- name -->`` and ``<!-- /name -->``: recording one section leaves the others as they are."""
from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def record(name: str, body: str, path: Path = RESULTS) -> Path:
    """Put ``body`` in section ``name`` of ``path`` (replaced in place, or added at the end)."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = f"{start}\n{body.strip()}\n{end}"
    head, found, rest = old.partition(start)
    if found and end in rest:
        new = head + section + rest.partition(end)[2]
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(new, encoding="utf-8")
    return path
