"""From mentions to agencies: groups named from all their mentions, names completed where the
text prints them in full elsewhere, the letterhead counted once, and mentions counted per
(name, locality). The agencies component keeps the result on the Context's declared
``agency_analysis`` field, which find_agencies and canonical_agency (the tasks extractor's
entry points) read."""
from __future__ import annotations

import functools
import re

from dataclasses import dataclass, field

from gazetteer import load_tsv
from pipeline.core.models import Context

from .groups import _group_name, _TW_SUFFIX
from .matching import find_mentions
from .placing import _place
from .reading import _assigned, _line_end, _marked
from .vocabulary import fold


@dataclass(frozen=True)
class AgencyHit:
    start: int
    end: int
    name: str
    locality: str | None


@dataclass
class _Analysis:
    hits: list[AgencyHit]
    items: list[dict]
    spans: list[list[tuple[int, int]]]
    group_names: dict[tuple, str] = field(default_factory=dict)


def analysis_of(ctx: Context) -> _Analysis:
    """The analysis the agencies component assigned, or (a caller that ran no pipeline, as the
    tests do) one made now and not kept."""
    return ctx.agency_analysis if ctx.agency_analysis is not None else _analyse(ctx)


def _analyse(ctx: Context) -> _Analysis:
    t = ctx.text.text
    place = _place(ctx)
    mentions = find_mentions(t, place)
    f = fold(t)
    # Name the groups from all their mentions; a line of the Nơi nhận heads no duties.
    blocks = _recipient_blocks(t)
    forms: dict[tuple, list[str]] = {}
    headings: dict[tuple, list[str]] = {}
    subjects: dict[tuple, list[str]] = {}  # wordings that open a duty item
    marked: dict[tuple, list[str]] = {}    # … after a list mark or lead-in, not a bare table cell
    body: dict[tuple, list[str]] = {}       # wordings outside the Nơi nhận
    for mt in mentions:
        if mt.group:
            forms.setdefault(mt.group, []).append(mt.form or "")
            outside = not any(lo <= mt.start < hi for lo, hi in blocks)
            if outside:
                body.setdefault(mt.group, []).append(mt.form or "")
            if _assigned(f, mt.start) and outside:
                # a duty follows, or the group heads a section ("IV.6. UBND phường, xã:")
                if not re.match(r"[^\S\n]*[;,.][^\S\n]*(?:\n|$)", t[mt.end:mt.end + 200]):
                    subjects.setdefault(mt.group, []).append(mt.form or "")
                    if _marked(f, mt.start):
                        marked.setdefault(mt.group, []).append(mt.form or "")
                if _line_end(t, mt.end):
                    headings.setdefault(mt.group, []).append(mt.form or "")
    # An item's heading names its group ("6. UBND phường, xã, đặc khu") over the cells of a
    # table that word it otherwise ("UBND xã, phường, đặc khu" in each row's column).
    names = {k: _group_name(k, v, headings.get(k, []), marked.get(k) or subjects.get(k, []), body.get(k, []))
             for k, v in forms.items()}
    # Categories count only where some mention is assigned duties.
    assigned = {mt.name for mt in mentions if mt.condition == "assigned" and mt.assigned}
    # "Công an phường, xã" where the text also prints "Công an các phường, xã": that group.
    plural = {mt.name for mt in mentions if mt.name}
    for mt in mentions:
        if mt.plural_name in plural:
            mt.name = mt.plural_name
    hits = []
    for mt in mentions:
        name = names[mt.group] if mt.group else mt.name
        if not name or (mt.condition == "assigned" and mt.name not in assigned):
            continue
        hits.append(AgencyHit(mt.start, mt.end, name, mt.locality))
    # "UBND tỉnh (b/c)" where the text also prints "UBND tỉnh Bình Định": the name printed in full.
    printed = {h.name for h in hits}
    hits = [AgencyHit(h.start, h.end, f"{h.name} {h.locality}", h.locality)
            if h.locality and f"{h.name} {h.locality}" in printed else h for h in hits]
    # A national document's "Thường trực Tỉnh ủy" where it also prints "Thường trực Tỉnh ủy
    # Thanh Hóa" and no other: that one body.
    full: dict[str, set] = {}
    for h in hits:
        if h.locality and h.name.endswith(" " + h.locality):
            full.setdefault(h.name[:-len(h.locality) - 1], set()).add((h.name, h.locality))
    hits = [AgencyHit(h.start, h.end, *next(iter(full[h.name])))
            if h.locality is None and len(full.get(h.name, ())) == 1 else h for h in hits]
    # "Sở X các tỉnh, thành phố" where the text also says "… trực thuộc Trung ương": one group.
    full = {h.name for h in hits if h.name.endswith(_TW_SUFFIX)}
    hits = [AgencyHit(h.start, h.end, h.name + _TW_SUFFIX, h.locality) if h.name + _TW_SUFFIX in full else h
            for h in hits]
    # The letterhead (capital lines above "Số:") repeats the issuer a rendering may lack:
    # it counts only for a body the text names nowhere else (000 and 001 must agree).
    head_end = _letterhead_end(t)
    elsewhere = {(h.name, h.locality) for h in hits if h.start >= head_end}
    hits = [h for h in hits if h.start >= head_end or (h.name, h.locality) not in elsewhere]
    order: dict[tuple, int] = {}
    items, spans = [], []
    for h in hits:
        k = (h.name, h.locality)
        if k not in order:
            order[k] = len(items)
            items.append({"name": h.name, "locality": h.locality, "mentions": 0})
            spans.append([])
        i = order[k]
        items[i]["mentions"] += 1
        spans[i].append((h.start, h.end))
    return _Analysis(hits, items, spans, names)


_RECIPIENTS = re.compile(r"(?m)^[^\S\n]*[*_]*[^\S\n]*(?:Nơi nhận|NƠI NHẬN)[^\S\n]*[*_]*[^\S\n]*:")


@functools.cache
def _attachment_heading() -> re.Pattern:
    """A line that is only a kind word in capitals ("KẾ HOẠCH", "PHỤ LỤC"): an attached
    document begins after the decision's Nơi nhận (kind words from doc_types.tsv)."""
    kinds = sorted({r["name"].upper() for r in load_tsv("doc_types.tsv") if r.get("generic") != "yes"}
                   | {"PHỤ LỤC"}, key=len, reverse=True)
    return re.compile(r"(?m)^[^\S\n]*[*#_]*[^\S\n]*(?:" + "|".join(map(re.escape, kinds)) + r")[^\S\n]*[*_]*[^\S\n]*$")


def _recipient_blocks(t: str) -> list[tuple[int, int]]:
    """Each "Nơi nhận:" block, up to the attached document that may follow it."""
    blocks = []
    for m in _RECIPIENTS.finditer(t):
        nxt = _attachment_heading().search(t, m.end())
        blocks.append((m.start(), nxt.start() if nxt else len(t)))
    return blocks


def _letterhead_end(t: str) -> int:
    """Offset of the "Số: …" line when only a letterhead (a few short lines: issuing body,
    Quốc hiệu) stands above it, else 0."""
    m = re.search(r"(?m)^[^\S\n]*Số[^\S\n]*[:.]", t[:800])
    if not m:
        return 0
    above = [ln for ln in t[:m.start()].split("\n") if ln.strip()]
    return m.start() if 0 < len(above) <= 8 and all(len(ln) <= 120 for ln in above) else 0
