"""Settling candidates: the longest name wins a span (pass order on a tie); then the naming
rules, and the mentions that are not the document's own bodies are dropped (a unit
addressed inside a ministry, words of a cited document's title, an unresolved anaphor)."""
from __future__ import annotations

import re

from ..intervals import Disjoint, Union
from .naming import _ban_parents, _expand_short_forms, _forces_named, _shared_standing, _subunit_parents
from .scan import _Mention, Scan


# A citation head, whose trích yếu follows: groups named in it are not this document's.
_CITATION_HEAD = re.compile(
    r"(?:nghị định|quyết định|thông tư(?: liên tịch)?|công văn|kế hoạch|chỉ thị|nghị quyết|"
    r"chương trình|hướng dẫn|thông báo|đề án|văn bản)\s+(?:số\s+)?\d+[^\s,;]*")


_TITLE_END = re.compile(r";|\.(?=\s|$)|:|\n[^\S\n]*\n|\n(?=[^\S\n]*(?:[-+•*|]|\d+[.)]|[a-zđ]\)|[IVX]+\.))|,\s+(?=[A-ZĐÀ-Ỹ])")


_TITLE_MAX = 400


# Where a sentence turns from the cited title to what this document asks of a body.
_TITLE_STOP = re.compile(r"(?:,[^\S\n]*|\s)(?:đề nghị|yêu cầu|giao|chỉ đạo|ủy ban nhân dân (?:tỉnh|thành phố|xã|phường) ban hành)\s")


# The issuer of a cited document ("… ngày 23/11/2005 của Ủy ban nhân dân tỉnh"): a body of its own.
_ISSUER_BEFORE = re.compile(r"(?:của|do|giữa|và)\s+(?:(?:bộ trưởng|thủ trưởng|chủ tịch|tổng cục trưởng|"
                            r"cục trưởng|giám đốc|tổng giám đốc|thống đốc|trưởng ban|chánh án|viện trưởng)\s+)?$")


_ADDRESS_UNITS = ("Vụ ",)


_ADDRESS_BEFORE = re.compile(r"\([^\S\n]*(?:qua[^\S\n]+)?$", re.I)


def _title_regions(t: str, f: str) -> list[tuple[int, int]]:
    """The trích yếu after each numbered citation head, across wrapped lines, up to a
    sentence end, a new item or a request to a body (at most _TITLE_MAX characters)."""
    regions = []
    for m in _CITATION_HEAD.finditer(f):
        if not re.search(r"\d", m.group(0)):
            continue
        end_m = _TITLE_END.search(t, m.end(), m.end() + _TITLE_MAX)
        stop = _TITLE_STOP.search(f, m.end(), end_m.start() if end_m else m.end() + _TITLE_MAX)
        end = stop.start() if stop else (end_m.start() if end_m else min(len(t), m.end() + _TITLE_MAX))
        regions.append((m.end(), end))
    return regions


def _select(cands: list[_Mention], skip: list[tuple[int, int]]) -> list[_Mention]:
    taken = Disjoint()
    skipped = Union(skip)
    out = []
    # The longest name wins ("Kho bạc Nhà nước tỉnh" over "Kho bạc Nhà nước"), exact before
    # mark-less (prio 7) on a tie; guesses from capitalisation alone (prio 6) only where no
    # known name stands.
    for c in sorted(cands, key=lambda c: (c.prio == 6, -(c.end - c.start), c.prio, c.start)):
        if c.start in skipped or taken.overlaps(c.start, c.end):
            continue
        taken.add(c.start, c.end)
        out.append(c)
    return sorted(out, key=lambda c: c.start)


def settle(s: Scan, cands: list[_Mention], skip: list[tuple[int, int]]) -> list[_Mention]:
    """The candidates that stand: one per span (:func:`_select`), named by the naming rules,
    less the units addressed inside a body, the words of cited titles and unresolved anaphors."""
    t, f = s.t, s.f
    # The committee word shared by a member list is those members, not the bare committee.
    shared = [(c.start, c.end) for c in cands if c.member]
    if shared:
        cands = [c for c in cands if c.member or not any(c.start < hi and lo < c.end for lo, hi in shared)]
    chosen = _subunit_parents(s, _ban_parents(s, _select(cands, skip)))
    _forces_named(s, chosen)
    chosen = _expand_short_forms(s, chosen)
    _shared_standing(chosen, f)
    # "Bộ Tài chính (Vụ Ngân sách nhà nước)", "(qua Vụ Kế hoạch)": the unit a reply is addressed
    # to inside the ministry named, like "Lưu: VT, NSNN" — not a body of the document.
    chosen = [c for c in chosen if not (c.name and c.name.startswith(_ADDRESS_UNITS)
                                        and _ADDRESS_BEFORE.search(t[max(0, c.start - 12):c.start]))]
    # Level-generic mentions and groups inside the trích yếu of a cited document are the
    # cited document's words, not this document's bodies.
    titles = _title_regions(t, f)
    chosen = [c for c in chosen if not any(lo <= c.start < hi for lo, hi in titles)
              or (not c.generic and _ISSUER_BEFORE.search(f, max(0, c.start - 40), c.start))]
    named = {c.name for c in chosen if not c.shorthand}
    chosen = [c for c in chosen if not c.shorthand or c.name in named]
    # "Ban Chỉ đạo" alone is the document's committee when it names exactly one of its own.
    own = {c.name for c in chosen if not c.anaphor and c.locality is not None and c.name
           and c.name.startswith("Ban Chỉ đạo ")}
    for c in chosen:
        if c.anaphor:
            c.name = next(iter(own)) if len(own) == 1 else None
    return [c for c in chosen if not c.anaphor or c.name]
