"""Extraction takes time proportional to its input, whatever the input repeats.

A hostile or broken file (one phrase repeated for a megabyte, on one line) must not send
an extractor quadratic: extracting four times the text may take at most about six times
as long. The ratio is measured inside the test (CPU time of this process, best of three),
so it does not depend on how fast or busy the machine is.
"""
from __future__ import annotations

import gc
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.run.extract import extract_source
from pipeline.core.models import Source, SourceFormat

# Each extractor's trigger words, repeated (invented names and numbers).
PHRASES = {
    "deadline cue": "trước ngày 1 tháng 1 năm ",
    "deadline with a frequency": "định kỳ hằng quý, báo cáo trước ngày 15 ",
    "deadline period": "từ tháng 3 đến tháng 5/2026, ",
    "agency head": "Sở ",
    "agency with a partner": "phối hợp với Sở Tài chính, ",
    "local body": "Ủy ban nhân dân huyện Sơn Lâm, ",
    "abbreviated bodies": "UBND các xã, phường; ",
    "citation line": "Căn cứ Quyết định số 12/QĐ-UBND ngày 12/3/2020 của Ủy ban nhân dân tỉnh Lâm Viên;\n",
    "bare citation words": "Luật số Nghị định Thông tư ",
    "outline line": "1. Nội dung công việc triển khai thực hiện.\n",
    "duty clause": "- Giao Sở Y tế chủ trì, phối hợp Công an tỉnh thực hiện; ",
    "header lines": "Số: 12/KH-UBND\nKẾ HOẠCH\n",
    "capitals": "BAN CHỈ ĐẠO ",
    "marks to normalise": "hoà thuỷ ",
}
BASE_BYTES = 6_000
MAX_RATIO = 6.0


def _cpu_seconds(text: str) -> float:
    """Best of three, with the collector held back (its pauses fall where they like)."""
    best = float("inf")
    for _ in range(3):
        gc.collect()
        gc.disable()
        try:
            t0 = time.process_time()
            extract_source(Source("x.txt", "", SourceFormat.TXT, [text]))
            best = min(best, time.process_time() - t0)
        finally:
            gc.enable()
    return best


def _ratio(phrase: str, base_bytes: int = BASE_BYTES) -> float:
    n = max(1, base_bytes // len(phrase.encode()))
    small = _cpu_seconds(phrase * n)
    large = _cpu_seconds(phrase * (4 * n))
    return large / max(small, 0.02)  # below 20 ms the fixed costs are noise


def _confirmed_ratio(phrase: str) -> float:
    """A ratio over the bound is measured once more: a quadratic path fails twice, a busy
    moment of the machine does not."""
    ratio = _ratio(phrase)
    return ratio if ratio <= MAX_RATIO else min(ratio, _ratio(phrase))


@pytest.fixture(scope="module", autouse=True)
def warm():
    """Load the vocabularies once, so the first measurement does not pay for them."""
    extract_source(Source("x.txt", "", SourceFormat.TXT, ["Sở Tài chính trước ngày 1/1/2025."]))


@pytest.mark.parametrize("phrase", list(PHRASES.values()), ids=list(PHRASES))
def test_four_times_the_text_takes_at_most_six_times_as_long(phrase):
    assert _confirmed_ratio(phrase) <= MAX_RATIO


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list(PHRASES.values()) + [" ", "\n", ", ", "và "]), min_size=1, max_size=4))
def test_random_repetition_never_goes_quadratic(parts):
    assert _confirmed_ratio("".join(parts)) <= MAX_RATIO
