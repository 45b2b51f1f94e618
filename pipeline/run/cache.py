"""The per-source result cache of the batch build (the JSON form of an Extraction is
pipeline/store/codec.py).

One file per (content, extractor version): ``<dir>/<sha256>-<version>.json`` holding the
source's row for the ``sources`` table and, when it was read, its Extraction (contract,
provenance spans, normalised text). Files are written to a temporary name and renamed, so
a killed build never leaves a half-written entry.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

CACHE_FORMAT = 1
PRUNE_EVERY = 86400  # seconds: an update in place walks the whole cache at most once a day


def version_tag(version: str) -> str:
    """A file-name-safe form of a version string."""
    return re.sub(r"[^\w.+-]", "_", version)


class ResultCache:
    """Entries under ``root``, keyed by content hash and version."""

    def __init__(self, root: str | os.PathLike, version: str):
        self.root = Path(root)
        self.version = version
        self.tag = version_tag(version)

    def path(self, sha: str) -> Path:
        return self.root / f"{sha}-{self.tag}.json"

    def get(self, sha: str) -> dict | None:
        try:
            with open(self.path(sha), encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return None
        if data.get("format") != CACHE_FORMAT or data.get("version") != self.version:
            return None
        return data

    def put(self, sha: str, entry: dict) -> None:
        entry = {"format": CACHE_FORMAT, "version": self.version, **entry}
        write_json_atomic(self.path(sha), entry)

    def prune_due(self) -> bool:
        """Whether the last :meth:`prune` is more than :data:`PRUNE_EVERY` seconds old."""
        import time

        try:
            return time.time() - (self.root / ".pruned").stat().st_mtime > PRUNE_EVERY
        except OSError:
            return True

    def prune(self, keep: set[str]) -> int:
        """Remove entries of other versions, and of this one whose sha is not in ``keep``
        and which are older than a week (a file taken out and put back stays cheap)."""
        import time

        removed = 0
        week_ago = time.time() - 7 * 86400
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / ".pruned").touch()
        for p in self.root.glob("*-*.json"):
            sha, _, tag = p.stem.partition("-")
            if len(sha) != 64:
                continue
            try:
                if tag != self.tag or (sha not in keep and p.stat().st_mtime < week_ago):
                    p.unlink()
                    removed += 1
            except OSError:
                pass
        return removed


def write_json_atomic(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)
