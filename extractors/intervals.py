"""Sets of text ranges with logarithmic look-ups, so that choosing among n matches stays
O(n log n) (a scan of every kept range per match is quadratic on a text that repeats a
phrase thousands of times)."""
from __future__ import annotations

import bisect
from collections.abc import Iterable


class Disjoint:
    """Non-overlapping half-open ranges ``[start, end)``, kept sorted: ranges are only
    added when they overlap none already there (the usual "first come takes its text")."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.points: list[int] = []  # empty ranges, kept apart so ``ends`` stays sorted

    def overlaps(self, start: int, end: int) -> bool:
        """``start < e and s < end`` for some kept ``[s, e)`` (the test of a linear scan)."""
        i = bisect.bisect_left(self.starts, end)  # the ranges with s < end
        if i and self.ends[i - 1] > start:  # disjoint and sorted: the last has the largest end
            return True
        j = bisect.bisect_right(self.points, start)
        return j < len(self.points) and self.points[j] < end

    def add(self, start: int, end: int) -> None:
        if start == end:
            bisect.insort(self.points, start)
            return
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


class Union:
    """The union of any ranges (they may overlap), merged once, for point tests."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(r for r in ranges if r[0] < r[1]):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def __contains__(self, pos: int) -> bool:
        """Is ``pos`` inside a range (``s <= pos < e``)?"""
        i = bisect.bisect_right(self.starts, pos)
        return bool(i) and pos < self.ends[i - 1]

    def __bool__(self) -> bool:
        return bool(self.starts)
