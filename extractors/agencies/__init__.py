"""Agencies: every body a document names, once per canonical name and locality.

The text is scanned once (the analysis assigned to ``Context.agency_analysis``) by patterns compiled from the gazetteer:
national bodies (``agencies.tsv``), named local bodies (``local_agencies.tsv``), kinds of
local bodies and how each is named (``body_kinds.tsv``), plural groups (``groups.tsv``),
People's Committees and their groups ("UBND các tỉnh, TP trực thuộc TW", "HĐND, UBND xã",
"UBND cấp huyện, cấp xã"), bodies named by capitalisation alone ("Trường Tiểu học X", cut at
the words of ``name_stops.tsv``), and the same names with OCR-damaged marks (matched on a
mark-less copy of the text). Overlapping candidates are settled by length, then pass order.
Each mention then gets its canonical name (full, no abbreviation, division word dropped
where the kind's naming says so) and locality (the issuer's unless the text names another,
or the kind does not exist at the issuer's level — a commune has no Sở; a ministry's
document names local bodies of no single province: null). A mention never crosses a line.

The package, one job a module:

- ``vocabulary``: the gazetteer compiled once (aliases, abbreviations, alternations);
- ``reading``: small readers of the text around a position (a place name, a line's end);
- ``placing``: where the document stands (the issuer's unit, its province) and which unit a
  division word means;
- ``scan``: the :class:`~extractors.agencies.scan.Scan` every reader works on, and mentions;
- ``matching``: the passes that find candidate mentions in the folded text;
- ``bodies``: how each kind of body is read from its head words;
- ``naming``: where a name ends, and the rules that finish names once chosen;
- ``groups``: plural groups, their scopes, listed members and ministries, and their names;
- ``settle``: which candidates stand where they overlap, and what cited titles hide;
- ``analysis``: from mentions to the agencies of the document;
- ``abbr``: short forms the document defines or its names imply.

Public API: :func:`extract_agencies`, :func:`find_agencies`, :func:`canonical_agency`.
"""
from __future__ import annotations

import re

from extractors.registry import component
from pipeline.core.models import Context, Section

from .analysis import AgencyHit, _analyse, analysis_of
from .groups import _group_name
from .matching import find_mentions
from .placing import _place, _Resolver
from .vocabulary import fold, gazetteer, _local_levels, _tidy


# What other modules import: the extractor (registered as the component "agencies"), the
# tasks extractor's two entry points, the hit type, and the place reader the gazetteer
# tests load the locality files through.
__all__ = ["AgencyHit", "canonical_agency", "extract_agencies", "find_agencies", "gazetteer", "_place"]


# Posts held in a body: "Giám đốc Sở X", "Chủ tịch, các PCT UBND tỉnh" name the body.
_POSITIONS = re.compile(
    r"(?:\s*(?:,|và|các|phó|thủ trưởng|bộ trưởng|giám đốc|chủ tịch|trưởng ban|trưởng phòng|"
    r"chi cục trưởng|cục trưởng|tổng cục trưởng|chánh văn phòng|cvp|pcvp|ct|pct|gđ|pgđ)\s*)*")


@component("agencies", requires=("text", "document", "locality"), assigns=("agencies", "agency_analysis"))
def extract_agencies(ctx: Context) -> Section:
    """Every body named in the document, once per (canonical name, locality); the analysis
    behind it is assigned to ``ctx.agency_analysis`` for the tasks extractor."""
    a = ctx.agency_analysis = _analyse(ctx)
    return Section(items=[dict(i) for i in a.items],
                   spans=[[ctx.text.span(s, e) for s, e in sp] for sp in a.spans])


def find_agencies(ctx: Context, start: int, end: int) -> list[AgencyHit]:
    """Agency mentions inside ``ctx.text.text[start:end]``, named as extract_agencies names them."""
    return [h for h in analysis_of(ctx).hits if h.start >= start and h.end <= end]


def canonical_agency(raw: str, ctx: Context) -> tuple[str, str | None] | None:
    """A raw name ("Sở KH&CN", "UBND tỉnh", "Tổng cục TCDLCL", "BCĐ 19") → (name, locality)."""
    raw = " ".join(raw.split())
    if not raw:
        return None
    place = _place(ctx)
    mentions = find_mentions(raw, place)
    if mentions:
        best = max(mentions, key=lambda m: m.end - m.start)
        covered = (_POSITIONS.fullmatch(fold(raw[:best.start])) is not None
                   and not re.search(r"\w", raw[best.end:]))
        if best.group and covered:
            known = analysis_of(ctx).group_names.get(best.group)
            fm = [best.form or ""]
            return known or _group_name(best.group, fm, fm), best.locality
        if best.name and covered:
            return best.name, best.locality
    from rapidfuzz import fuzz, process  # lazy: OCR-damaged names only

    g = gazetteer()
    hit = process.extractOne(fold(_tidy(raw)), list(g.national) + list(g.local), scorer=fuzz.ratio,
                             score_cutoff=88)
    if not hit:
        return None
    if hit[0] in g.national:
        return g.national[hit[0]], None
    name, kind = g.local[hit[0]]
    return name, _Resolver(place).default_locality(_local_levels().get(name, {"province"}))
