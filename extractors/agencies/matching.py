"""Finding candidate mentions in the folded text: one pass per source of names (national
bodies, kinds, named local bodies, mark-less names, plural groups, People's Committees,
shorthands, short forms the document defines), then the settling of overlaps."""
from __future__ import annotations

import re

from . import abbr
from .bodies import _compound, _fallback_listed, _listed, _named_body_at, _pick_kind, _tier_chain, _tier_mention, _unit_body
from .groups import _listed_ministries, _MINISTRY_LIST, _OPEN_TAIL, _SHORTHAND_NOT
from .naming import _name_extent, _unit_word
from .placing import _Place
from .reading import _assigned, _fold_keep_abbr, _NEAR
from .scan import _Mention, Scan
from .settle import settle
from .vocabulary import _alias_key, bare, _DIV_ALT, _listed_heads, scan, _sector_re, _tidy, _WE


# "cơ quan thuộc Chính phủ": a category named after its parent, not the parent acting.
_CATEGORY_OF = re.compile(r"(?:cơ quan|đơn vị)\s+(?:trực\s+)?thuộc\s+$")


_LAW_PREFIX = re.compile(r"luật (?:tổ chức|sửa đổi[^;]{0,80}?)\s+$")
_SO_LIST = re.compile(r"(?<![\w])các[^\S\n]+sở[^\S\n]*:[^\S\n]*")
_UNIT_HEADS = re.compile(r"(?<![\w])(ủy ban nhân dân|hội đồng nhân dân)(\s*\((?:UBND|HĐND)\))?|"
                         r"(?<![\w/\-])(UBND|HĐND)(?![\w/\-])")
_TIER_CHAIN = re.compile(r"(?<![\w])(ủy ban nhân dân|hội đồng nhân dân|ubnd|hđnd)[^\S\n]+cấp[^\S\n]+(?:tỉnh|huyện|xã)"
                         r"((?:(?:[^\S\n]*,[^\S\n]*|[^\S\n]+)(?:và[^\S\n]+)?cấp[^\S\n]+(?:tỉnh|huyện|xã)"
                         + _WE + ")+)")


# "Các cơ quan chuyên môn(, cơ quan hành chính khác) thuộc UBND tỉnh | cấp tỉnh | tỉnh": the
# specialised bodies of a People's Committee (its "phòng chuyên môn" in a commune), named with
# the scope the text prints.
_CHUYEN_MON = re.compile(
    r"\bcác\s+(?:cơ quan|phòng(?:,?\s*ban)?)\s+chuyên môn"
    r"(?P<extra>\s*,\s*(?:các\s+)?cơ quan hành chính khác)?"
    r"(?P<co>\s*,\s*(?:các\s+)?đơn vị(?:\s+sự nghiệp(?:\s+công lập)?)?)?"
    r"(?:\s+(?P<conn>thuộc|của|trực thuộc)\s+(?:(?:ủy ban nhân dân|ubnd)(?:\s+(?P<d1>" + _DIV_ALT + r"))?|(?P<d2>"
    + _DIV_ALT + r")" + _WE + r")"
    r"|\s+cấp\s+(?P<cap>tỉnh|huyện|xã)" + _WE + r"|\s+(?P<d4>" + _DIV_ALT + r")" + _WE + r")?")


def find_mentions(text: str, place: _Place) -> list[_Mention]:
    """The bodies named in ``text``, overlaps settled: candidates from every pass, in pass
    order (a tie in the settling goes to the earlier pass)."""
    s = Scan.of(text, place)
    skip = [(m.start(), m.end()) for m in re.finditer(r"(?m)^[\s\-–]*lưu\s*:?.*$", s.f)]
    cands = _national(s) + _kinds(s) + _local(s)
    cands += _marks_lost(s)
    cands += _groups(s, cands)
    cands += _unit_bodies(s) + _shorthands(s) + _forces(s)
    cands, skip = _defined_short_forms(s, cands, skip)
    return settle(s, cands, skip)


def _national(s: Scan) -> list[_Mention]:
    """1. National bodies, by name and by abbreviation."""
    f, t, g = s.f, s.t, s.g
    cands: list[_Mention] = []
    for m in g.national_names.finditer(f):
        if _LAW_PREFIX.search(f[max(0, m.start() - 100): m.start()]):
            continue
        if _CATEGORY_OF.search(f[max(0, m.start() - 30): m.start()]):
            continue
        name = g.national.get(_alias_key(m.group(1), g.national))
        if name:
            cands.append(_Mention(m.start(), m.end(), 1, name, None))
    for m in scan(g.national_abbr_re, t):
        cands.append(_Mention(m.start(), m.end(), 1, g.abbr_as_of(m.group(1), s.res.p.date), None))
    return cands


def _kinds(s: Scan) -> list[_Mention]:
    """2. Kinds named by division word, designator, or bare; and "Tổ giúp việc <body>"."""
    f, t, g = s.f, s.t, s.g
    cands: list[_Mention] = []
    for regex, table, keyof in ((g.compound_names, g.kind_heads, lambda k: _alias_key(k, g.kind_heads)),
                                (g.compound_abbr_re, g.kind_abbr, lambda k: " ".join(k.split()))):
        if regex is None:
            continue
        src = f if regex is g.compound_names else t
        for m in (regex.finditer(src) if regex is g.compound_names else scan(regex, src)):
            key = keyof(m.group(1))
            kind = _pick_kind(s, table.get(key), g.kind_alts.get(key, []), m.end())
            mention = _compound(s, kind, m) if kind else None
            if mention:
                cands.append(mention)
    return cands


def _local(s: Scan) -> list[_Mention]:
    """3. Named local bodies (Sở, Phòng, Chi cục, Ban, Trung tâm), with a division word after;
    lists of ministries and of Sở by their domains."""
    f, t, g = s.f, s.t, s.g
    cands: list[_Mention] = []
    for regex, src, table in ((g.local_names, f, g.local), (g.local_abbr_re, t, g.local_abbr)):
        for m in (regex.finditer(src) if src is f else scan(regex, src)):
            entry = table.get(m.group(1) if src is t else _alias_key(m.group(1), table))
            if entry is None or (src is f and not t[m.start()].isupper()):
                continue
            name, kind = entry
            mention = _listed(s, name, kind, m.start(), m.end())
            cands += [mention, *_tier_chain(s, mention)]
    for m in scan(_listed_heads(), t):
        mention = _fallback_listed(s, m)
        if mention:
            cands.append(mention)

    # 3a'. "Các Bộ: TC, XD, KH&CN", "các Bộ XD, TP, QP": each listed domain names one ministry.
    for m in _MINISTRY_LIST.finditer(t):
        cands.extend(_listed_ministries(t, m.end()))

    # 3a. "Giám đốc các sở: Nội vụ, Tài chính, Y tế": each listed domain names one Sở.
    for m in scan(_SO_LIST, f):
        pos = m.end()
        while True:
            d = _sector_re().match(f, pos)
            if not d or not t[pos].isupper():
                break
            name, kind = g.local[_alias_key("sở " + d.group(1), g.local)]
            cands.append(_listed(s, name, kind, pos, d.end(1)))
            sep = re.match(r"[^\S\n]*(?:,|và|;)[^\S\n]*(?:sở[^\S\n]+)?", f[d.end(1):d.end(1) + _NEAR])
            if not sep or f[d.end(1):d.end(1) + sep.end()].strip() == ";":
                break
            pos = d.end(1) + sep.end()
    return cands


def _marks_lost(s: Scan) -> list[_Mention]:
    """3b. The same names with OCR-damaged marks, where no exact name stands."""
    f, t, g = s.f, s.t, s.g
    cands: list[_Mention] = []
    bt = bare(t)
    for m in g.bare_names.finditer(bt):
        key = g.bare_keys.get(_alias_key(m.group(1), g.bare_keys))
        if key is None or f[m.start():m.end()] == key:
            continue  # found exactly above
        if key in g.national:
            cands.append(_Mention(m.start(), m.end(), 7, g.national[key], None))
        if key in g.local:
            if t[m.start()].isupper():
                name, kind = g.local[key]
                mention = _listed(s, name, kind, m.start(), m.end())
                mention.prio = 7
                cands.append(mention)
        if key in g.kind_heads:
            mention = _compound(s, g.kind_heads[key], m)
            if mention:
                mention.prio = 7
                cands.append(mention)
    return cands


def _groups(s: Scan, cands: list[_Mention]) -> list[_Mention]:
    """4. Plural groups (``cands``: the bodies found so far, for "các đơn vị thuộc Bộ X")."""
    f, t, res, g = s.f, s.t, s.res, s.g
    out: list[_Mention] = []
    for (name, regex, condition, scope), matches in zip(g.groups, g.group_scan.each(f)):
        for m in matches:
            if _OPEN_TAIL.match(f, m.end()):
                continue
            if name.endswith(("Bộ", "Sở")) and re.match(r"[^\S\n]+[A-ZĐÀ-Ỹ]", t[m.end():m.end() + _NEAR]):
                # "các đơn vị thuộc Bộ Tài chính": the units of the body named, not the issuer's
                body = _named_body_at(s, cands + out, m.end() - 2, name[-2:])
                if body:
                    out.append(_Mention(m.start(), body.end, 4, name[:-2] + body.name, body.locality,
                                          condition=condition, assigned=_assigned(f, m.start())))
                continue
            # "Các cơ quan, đơn vị thuộc {div}": as the text names the unit
            gname = name.replace("{div}", _unit_word(m.group("div"))) if "{div}" in name else name
            loc = res.division(None)[0] if scope == "local" else None
            out.append(_Mention(m.start(), m.end(), 4, gname, loc, condition=condition,
                                  assigned=_assigned(f, m.start()), generic=True))
    for m in _CHUYEN_MON.finditer(f):
        if _OPEN_TAIL.match(f, m.end()):
            continue
        div = m.group("d1") or m.group("d2") or m.group("d4")
        loc, kind = res.division(div) if div else res.division(None)
        if loc is None:
            continue
        # a group of its own listed with it ("…, đơn vị sự nghiệp công lập thuộc UBND") keeps its words
        end = m.start("co") if m.group("co") and "sự nghiệp" in m.group("co") else m.end()
        out.append(_Mention(m.start(), end, 4, None, loc, group=("chuyen_mon", loc, bool(m.group("extra"))),
                            form=f"{m.group('conn') or ''}|{div or ''}|{m.group('cap') or ''}", generic=True))
    return out


_FORCE = re.compile(r"(?<![\w])lực lượng[^\S\n]+")


def _forces(s: Scan) -> list[_Mention]:
    """A force named by its capitalised name ("lực lượng Kiểm lâm", "lực lượng Dân quân tự vệ"):
    a group of the issuer's locality, named "Lực lượng …" (a known body after the word keeps
    its own reading and takes the word on: naming._forces_named)."""
    f, t, res = s.f, s.t, s.res
    out = []
    for m in _FORCE.finditer(f):
        if m.end() >= len(t) or not t[m.end()].isupper():
            continue
        end = _name_extent(t, f, m.end())
        if end > m.end():
            out.append(_Mention(m.start(), end, 6, "Lực lượng " + _tidy(t[m.end():end]),
                                res.default_locality({"province"})))
    return out


def _unit_bodies(s: Scan) -> list[_Mention]:
    """5. People's Committees and Councils, single and plural."""
    f, t = s.f, s.t
    cands: list[_Mention] = []
    for m in scan(_UNIT_HEADS, _fold_keep_abbr(f, t)):
        mention = _unit_body(s, m)
        if isinstance(mention, list):
            cands.extend(mention)
        elif mention:
            cands.append(mention)

    # "UBND cấp huyện, cấp xã": each further tier of the chain is one more mention.
    for m in scan(_TIER_CHAIN, f):
        head = "Ủy ban nhân dân" if m.group(1) in ("ủy ban nhân dân", "ubnd") else "Hội đồng nhân dân"
        for c in re.finditer(r"cấp[^\S\n]+(tỉnh|huyện|xã)", f[m.start(2):m.end(2)]):
            mention = _tier_mention(s, head, c.group(1), m.start(2) + c.start(), m.start(2) + c.end())
            if mention:
                cands.append(mention)
    return cands


def _shorthands(s: Scan) -> list[_Mention]:
    """A duty heading that names a group by its head words alone ("1. Đối với các cơ quan, tổ
    chức đang áp dụng …") repeats the group named in full elsewhere in the document."""
    f, res, g = s.f, s.res, s.g
    cands: list[_Mention] = []
    for (name, regex), matches in zip(g.shorthands, g.group_scan.each(f)[len(g.groups):]):
        for m in matches:
            if _assigned(f, m.start()) and not _SHORTHAND_NOT.match(f, m.end()):
                loc = res.division(None)[0]
                cands.append(_Mention(m.start(), m.end(), 8, name, loc, condition="assigned",
                                      assigned=True, generic=True, shorthand=True))
    return cands


def _defined_short_forms(s: Scan, cands: list[_Mention], skip: list[tuple[int, int]]
                         ) -> tuple[list[_Mention], list[tuple[int, int]]]:
    """Short forms the document defines ("Vụ Kế hoạch - Tài chính (Vụ KHTC)"): each later use
    is that body, whatever else the words would read as; the definitions are skipped."""
    t, g = s.t, s.g
    defs = abbr.find_definitions(t, [(c.start, c.end, c.name, c.locality) for c in cands
                                     if c.name and not c.group])
    # "Văn phòng Chính phủ (Cục KSTTHC)": a known abbreviation of another body in brackets is
    # that body (the unit addressed), not a short form the document defines.
    defs = [d for d in defs if d.short not in g.national_abbr or g.abbr_as_of(d.short, s.res.p.date) == d.name]
    short_re = abbr.short_form_re(defs)
    if short_re:
        first = {}
        for d in defs:
            first.setdefault(d.short, d)
        skip += [(d.start, d.end) for d in defs]
        uses = [m for m in short_re.finditer(t) if not any(lo <= m.start() < hi for lo, hi in skip)]
        cands = [c for c in cands if not any(c.start < m.end() and m.start() < c.end for m in uses)]
        cands += [_Mention(m.start(), m.end(), 0, first[m.group(0)].name, first[m.group(0)].locality)
                  for m in uses]
    return cands, skip
