"""The version of the extraction code: light to import (a build that finds nothing to read
compares it without loading the extractors)."""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def extractor_version() -> str:
    """A digest of the extraction code and vocabularies: a change re-runs what it affects."""
    digest = hashlib.sha256()
    for folder, patterns in (("extractors", ("**/*.py",)), ("gazetteer", ("*.py", "*.tsv", "*.yml")),
                             ("pipeline", ("text/*.py", "read/ocr_repair.py", "run/extract.py", "core/*.py"))):
        for pattern in patterns:
            for path in sorted((_ROOT / folder).glob(pattern)):
                digest.update(path.relative_to(_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
