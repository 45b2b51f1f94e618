"""Stand-in extractors for the build tests: fast, deterministic, importable by worker
processes (module level). They make a minimal contract from the text, so the build's
mechanics (cache, workers, atomic swap) are tested apart from the real extractors."""
from __future__ import annotations

import os
import re
import time

from pipeline.core.models import Extraction, NormalisedText

VERSION = "stand-in-1"


def standin_extract(source) -> Extraction:
    text = "\n".join(" ".join(p.split()) for p in source.pages)
    m = re.search(r"Số:\s*(\d+)\s*/\s*([\w-]+)", text)
    digest = source.sha256[:8]
    document = {
        "doc_type": "KH",
        # distinct content → distinct identity, so each file is its own document
        "number": f"{m.group(1)}/{m.group(2)}" if m else f"{digest}/KH-TEST",
        "issuer": {"name": "Ủy ban nhân dân tỉnh Thử Nghiệm", "locality": "Thử Nghiệm"},
        "place": None, "issued_date": None, "title": text[:60] or None, "signer": None,
    }
    contract = {
        "schema": "vanban.extraction/1",
        "source": {"path": source.path, "sha256": source.sha256, "format": str(source.format),
                   "pages": source.page_count},
        "document": document, "citations": [], "standards": [], "agencies": [], "tasks": [],
        "deadlines": [], "warnings": [],
    }
    starts, origins, pos = [], [], 0
    for i, page in enumerate(source.pages, start=1):
        starts.append(pos)
        origins.append((i, 0))
        pos += len(" ".join(page.split())) + 1
    return Extraction(contract, {}, NormalisedText(text, len(text), starts, origins))


def slow_extract(source) -> Extraction:
    """Announces itself and dawdles, so a test can kill the build mid-extraction."""
    print("EXTRACTING", source.path, flush=True)
    time.sleep(float(os.environ.get("VANBAN_TEST_SLEEP", "0.3")))
    return standin_extract(source)


def crashing_extract(source) -> Extraction:
    """Kills its own process on a file named *crash*, as a segfaulting reader would."""
    if "crash" in os.path.basename(source.path):
        os._exit(3)
    return standin_extract(source)


def failing_extract(source) -> Extraction:
    if "boom" in os.path.basename(source.path):
        raise ValueError("extractor bug")
    return standin_extract(source)


def stalling_extract(source) -> Extraction:
    """Never finishes on a file named *stall* (a document that sends an extractor quadratic)."""
    if "stall" in os.path.basename(source.path):
        time.sleep(3600)
    return standin_extract(source)


def citing_extract(source) -> Extraction:
    """The stand-in, plus a citation for each "căn cứ N/KH-UBND" line: documents that cite
    each other, so the build's graph changes as files come and go."""
    e = standin_extract(source)
    issuer = e.contract["document"]["issuer"]
    e.contract["citations"] = [
        {"doc_type": "KH", "number": f"{n}/{sym}", "issuer": dict(issuer), "issued_date": None, "title": None,
         "relation": "based_on", "mentions": 1}
        for n, sym in re.findall(r"(?i)căn cứ\s+(\d+)/([\w-]+)", e.text.text)]
    return e
