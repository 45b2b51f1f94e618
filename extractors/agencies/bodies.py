"""How each kind of body is read from its head words: by division word, designator or
proper name (body_kinds.tsv naming), named local bodies and the unit words after them,
unlisted names by capitalisation (matched fuzzily to known names), People's Committees and
Councils single or plural."""
from __future__ import annotations

import re

from gazetteer.localities import DIVISIONS, lookup_unit

from .groups import _each_unit_scope, _members, _OPEN_TAIL, _party_members, _plural_tail, _QUALIFIER, _scope_form, _with_cac
from .naming import _BODY_START, _expand_domains, _name_extent, _PARTY_COMMITTEE, _surface, _WORD
from .placing import _division_after
from .reading import _caps_line, _line_end, _NEAR, _proper_after
from .scan import _Mention, Scan
from .vocabulary import _alias_key, _CAP_TIER, _DIV_ALT, _DIV_BEFORE, fold, _LINK_DIV, _listed_head_forms, _local_levels, _NATIONAL_WORDS, _same_head, _SCOPE_WORD, _SP_DIV, _tidy, _TIERS, _WE


# Media named as a channel ("tuyên truyền trên Cổng thông tin điện tử xã") are not recipients.
_CHANNEL_BEFORE = re.compile(r"(?:trên|qua|hệ thống|tại)\s+$")


# "Ban chỉ đạo ISO tại các cơ quan": one such body in each of many, not a body.
_DISTRIBUTIVE = re.compile(r"[^\S\n]+(?:tại|của|ở|trong)[^\S\n]+(?:các|mỗi|từng)\s")


_POSITION_VP = re.compile(
    r"(?:(?:cvp|pcvp|chánh văn phòng|phó chánh văn phòng)(?:\s*,\s*|\s+và\s+|\s+)(?:các\s+)?)+$")


def _pick_kind(s: Scan, kind: str | None, alts: list[str], end: int) -> str | None:
    """Of the kinds sharing a head ("BCH Quân sự"), the one existing at the level of the
    division word after it ("… tỉnh": Bộ Chỉ huy; "… xã": Ban Chỉ huy), else at the issuer's."""
    f, res, g = s.f, s.res, s.g
    if len(alts) < 2:
        return kind
    d = _SP_DIV.match(f[end:end + _NEAR])
    tier = DIVISIONS.get(d.group(1)) if d else res.p.tier
    return next((k for k in alts if tier in g.kinds[k]["levels"]), kind)


def _named_body_at(s: Scan, cands: list[_Mention], start: int, head: str) -> _Mention | None:
    """The longest known body starting at ``start`` (the group's last word) whose name begins
    with ``head`` (a ministry after "thuộc" is left out of the national scan)."""
    f, g = s.f, s.g
    hits = [c for c in cands if c.start == start and c.name and c.name.startswith(head + " ")]
    m = g.national_re.match(f, start)
    if m and m.start() == start:
        name = g.national.get(_alias_key(m.group(1), g.national))
        if name and name.startswith(head + " "):
            hits.append(_Mention(m.start(), m.end(), 1, name, None))
    return max(hits, key=lambda c: c.end, default=None)


def _compound(s: Scan, kind: str, m: re.Match) -> _Mention | None:
    f, t, res, g = s.f, s.t, s.res, s.g
    spec = g.kinds[kind]
    naming, canonical, levels = spec["naming"], spec["canonical"], spec["levels"]
    start, end = m.start(), m.end()
    head_text = t[start:end]
    single_word = " " not in canonical
    # A body's name is capitalised; the same words in lower case are a field or a fund
    # ("quỹ bảo hiểm xã hội", "thanh tra, kiểm tra", "công an xã" in running text aside).
    if not head_text[:1].isupper():
        return None
    if naming in ("level_word",) and ("Đài" in canonical or "Cổng" in canonical):
        if _CHANNEL_BEFORE.search(f[max(0, start - 12):start]):
            return None
    if naming == "designator":
        d = re.match(r"[^\S\n]+(\d+|[A-Z][A-Z0-9&]+)" + _WE, t[end:end + _NEAR])
        if not d:  # "Ban Chỉ đạo chuyển đổi số xã": a named purpose closed by a division word
            d = re.match(r"[^\S\n]+((?:[a-zđà-ỹ]+,?[^\S\n]+){0,15}?[a-zđà-ỹ]+)(?=[^\S\n]+(?:(?:của|cấp)[^\S\n]+)?(?:"
                         + _DIV_ALT + r")" + _WE + ")", f[end:end + _NEAR])
            if not d or re.search(r"\b(?:của|các|cho|với|để|tại|trong|theo|là|gồm|có|được|trên|nhằm)\b", d.group(1)):
                # "(sau đây gọi là Ban Chỉ đạo)": the document's own committee, named again
                if naming == "designator" and head_text[:1].isupper() and not re.match(r"[^\S\n]+[A-ZĐ\d]", t[end:end + _NEAR]):
                    return _Mention(start, end, 2, canonical, res.default_locality(levels), anaphor=True)
                return None
            d = re.match(r"[^\S\n]+(" + re.escape(t[end:end + d.end()].strip()) + ")", t[end:end + _NEAR])
        end += d.end()
        if _DISTRIBUTIVE.match(f, end):
            return None
        name = f"{canonical} {d.group(1)}"
        # "… của huyện": the unit's own; "… cấp xã" below the issuer: one in each such unit
        link = _LINK_DIV.match(f[end:end + _NEAR])
        if link:
            below = _SP_DIV.match(f[end + link.end():])
            tier = DIVISIONS[below.group(1)]
            if link.group(1) == "cấp" and res.p.tier in _TIERS and _TIERS[tier] > _TIERS[res.p.tier]:
                end += link.end() + below.end()
                return _Mention(start, end, 2, f"{name} cấp {below.group(1)}", res.p.locality)
            end += link.end()
        div = _division_after(f, t, end)
        loc = None
        if div:
            loc, _ = res.division(div[0], div[1])
            end = div[2]
            if div[1] and loc and not d.group(1)[:1].isupper() and not d.group(1)[:1].isdigit():
                # a committee named by its purpose keeps the place printed after it
                name = f"{name} {div[0]} {loc}"
        return _Mention(start, end, 2, name, loc or res.default_locality(levels))
    if naming == "of_body" and not re.match(r"[^\S\n]+(?:ban chỉ đạo|bcđ)" + _WE, f[end:end + _NEAR]):
        # "Văn phòng thường trực Ban Chỉ huy PCTT và TKCN tỉnh": the body it serves, in full
        sp = re.match(r"[^\S\n]+", f[end:end + _NEAR])
        body = g.compound_re.match(f, end + sp.end()) if sp and g.compound_re else None
        if not body:
            return None
        bkey = _alias_key(body.group(1), g.kind_heads)
        bkind = _pick_kind(s, g.kind_heads.get(bkey), g.kind_alts.get(bkey, []), body.end())
        inner_m = _compound(s, bkind, body) if bkind and g.kinds[bkind]["naming"] != "of_body" else None
        if not inner_m or not inner_m.name:
            return None
        return _Mention(start, inner_m.end, 2, f"{canonical} {inner_m.name}", inner_m.locality)
    if naming == "of_body":
        inner = re.match(r"[^\S\n]+(?:ban chỉ đạo|bcđ)[^\S\n]+(\d+|[a-z][a-z0-9&]+)" + _WE, f[end:end + _NEAR])
        if not inner:  # "Tổ giúp việc Ban Chỉ đạo": of the committee the document sets up
            bare_body = re.match(r"[^\S\n]+(?:ban chỉ đạo|bcđ)" + _WE, f[end:end + _NEAR])
            if not bare_body:
                return None
            return _Mention(start, end + bare_body.end(), 2, f"{canonical} Ban Chỉ đạo",
                            res.default_locality(levels))
        des = t[end:end + inner.end()].split()[-1]
        end += inner.end()
        div = _division_after(f, t, end)
        loc = None
        if div:
            loc, _ = res.division(div[0], div[1])
            end = div[2]
        return _Mention(start, end, 2, f"{canonical} Ban Chỉ đạo {des}", loc or res.default_locality(levels))
    if naming == "proper":
        if _caps_line(t, start):
            return None
        proper = _proper_after(t, end)
        if not proper:
            return None
        unit = lookup_unit(proper[0], res.p.date)
        # A name after a lower unit ("Ban quản lý rừng phòng hộ Đăk Hà") is the body's own
        # name: the body is the province's unless the unit is the issuer's.
        own = unit and (unit.tier == "province" or unit.name == res.p.locality)
        loc = unit.name if own else res.default_locality(levels)
        return _Mention(start, proper[1], 2, f"{canonical} {proper[0]}", loc)
    if naming == "level_word" and "nhân dân" not in fold(canonical):
        scope = _each_unit_scope(f, start, end)
        if scope:  # "Công an các tỉnh biên giới": that body of each unit, one group
            extra, after = _plural_tail(t, f, scope[2], len(scope[3]))
            if _OPEN_TAIL.match(f, after):
                return None
            name = f"{canonical} {scope[0]}" + (f" {extra}" if extra else "")
            return _Mention(scope[1], after, 2, name, res.p.locality, generic=True,
                            plural_name=_with_cac(name, scope[0]))
    div = _division_after(f, t, end)
    if naming == "bare" and "national" in levels and re.match(r"[^\S\n]+[A-ZĐÀ-Ỹ]", t[end:end + _NEAR]):
        return None  # "Văn phòng Bộ Tài chính": the named ministry's, not the issuer's own unit
    if naming == "bare":
        loc = res.default_locality(levels)
        name = canonical
        if div:
            loc2, _ = res.division(div[0], div[1])
            if _PARTY_COMMITTEE.search(canonical):  # "Thành ủy Thành phố": as printed
                name = f"{canonical} {_tidy(t[end:div[2]])}"
            loc, end = loc2 or loc, div[2]
        elif _PARTY_COMMITTEE.search(canonical) and not _caps_line(t, start):
            # "Tỉnh ủy Nghệ An": a committee named with its province keeps it
            proper = _proper_after(t, end)
            unit = lookup_unit(proper[0], res.p.date) if proper else None
            if unit is not None and unit.tier == "province" and fold(unit.name) == fold(proper[0]):
                name, loc, end = f"{canonical} {proper[0]}", unit.name, proper[1]
            else:  # "Tỉnh ủy, HĐND, UBND tỉnh Thanh Hóa": the place after the last head is its too
                at, ell = end, _HEAD_CHAIN.match(f, end)
                while ell:
                    at, ell = ell.end(), _HEAD_CHAIN.match(f, ell.end())
                shared = _division_after(f, t, at) if at > end else None
                if shared and shared[1] and DIVISIONS.get(shared[0]) == "province":
                    name, loc = f"{canonical} {shared[1]}", shared[1]
        return _Mention(start, end, 2, name, loc)
    # level_word: head + division word ("Văn phòng Ủy ban nhân dân tỉnh"); a place name
    # right after the head is part of the body's own name ("Đài Phát thanh - Truyền hình Đà Nẵng").
    if not div:
        # "TT HĐND, UBND các huyện, thị xã", "Đảng ủy, UBND các xã": the unit words follow the
        # next head.
        ell = _ELLIPSIS.match(f, end)
        at = ell.end() if ell else end
        scope = _scope_form(f, at)
        if scope:
            return _Mention(start, end if ell else scope[2], 2, f"{canonical} {scope[0]}", res.p.locality,
                            generic=True)
        shared = _division_after(f, t, at) if ell else None
        if shared:  # "TT HĐND, UBND tỉnh": the unit words, kept out of this mention's span
            div = (shared[0], shared[1], end)
    if not div and canonical.startswith("Cổng"):  # a portal of a central body
        owner = _portal_owner(s, end)
        if owner:
            return _Mention(start, owner[1], 2, f"{canonical} {owner[0]}", None)
    cap = re.match(r"[^\S\n]+(?:ở[^\S\n]+)?cấp[^\S\n]+(tỉnh|huyện|xã)" + _WE, f[end:end + _NEAR])
    if not div and cap and res.p.tier in _TIERS and _TIERS[_CAP_TIER[cap.group(1)]] > _TIERS[res.p.tier]:
        # "Văn phòng Ủy ban nhân dân ở cấp huyện": one in each district, a category; the span
        # is kept (no name) so that the words inside it name no body either
        return _Mention(start, end + cap.end(), 2)
    if not div and not _caps_line(t, start):
        proper = _proper_after(t, end)
        unit = lookup_unit(proper[0], res.p.date) if proper else None
        if unit is not None and unit.tier == "province":
            return _Mention(start, proper[1], 2, f"{canonical} {proper[0]}", unit.name)
    if div:
        loc, _ = res.division(div[0], div[1])
        # the place printed after the division word is part of the name ("Thuế tỉnh Quảng Ninh")
        word = f"{div[0]} {div[1]}" if div[1] else div[0]
        end = div[2]
    else:
        if single_word:
            return None  # "Thanh tra", "Công an" need their division word
        loc, word = res.division(None)
        if word is None:
            return None
    return _Mention(start, end, 2, f"{canonical} {word}", loc or res.default_locality(levels))


_GOVERNMENT_ISSUERS = ("Chính phủ", "Thủ tướng Chính phủ", "Văn phòng Chính phủ")


def _portal_owner(s: Scan, end: int) -> tuple[str, int] | None:
    """The central body whose portal is named: printed after it ("Cổng TTĐT Bộ Y tế"), or,
    with none printed, a central issuer's own ("TGĐ Cổng TTĐT" in the Government's Nơi nhận)."""
    f, res, g = s.f, s.res, s.g
    sp = re.match(r"[^\S\n]+", f[end:end + _NEAR])
    body = g.national_re.match(f, end + sp.end()) if sp else None
    if body:
        name = g.national.get(_alias_key(body.group(1), g.national))
        if name:
            return name, body.end()
    if res.p.tier == "national" and res.p.issuer:
        if res.p.issuer in _GOVERNMENT_ISSUERS:
            return "Chính phủ", end
        if res.p.issuer.startswith("Bộ "):
            return res.p.issuer, end
    return None


def _listed(s: Scan, name: str, kind: str, start: int, end: int, known: bool = True) -> _Mention:
    """A named body and the unit words printed after it. The name keeps what the text prints
    of its unit where that is part of how it is told apart: a tier ("Trung tâm Phục vụ hành
    chính công cấp xã"), or, for a body no list knows, the division word and place
    ("Trung tâm Chuyển đổi số Thành phố"); a known body's unit words ("Sở Tài chính tỉnh",
    "Sở Y tế thành phố Hà Nội") go to the locality only."""
    f, t, res, g = s.f, s.t, s.res, s.g
    levels = g.kinds[kind]["levels"] if kind in g.kinds else {"province"}
    row_levels = _local_levels().get(name)
    levels = row_levels or levels
    scope = _each_unit_scope(f, start, end)
    if scope:  # "Sở Tài chính các tỉnh, thành phố trực thuộc Trung ương": that body of each unit
        full = f"{name} {scope[0]}"
        return _Mention(scope[1], scope[2], 3, full, res.p.locality, generic=True,
                        plural_name=_with_cac(full, scope[0]))
    tier = _TIER_AFTER.match(f, end)
    if tier:
        return _Mention(start, tier.end(), 3, f"{name} cấp {tier.group(1)}",
                        res.p.locality if res.p.tier in _TIERS else None)
    div = _division_after(f, t, end)
    loc = None
    if div:
        loc, _ = res.division(div[0], div[1])
        printed = _tidy(t[end:div[2]])
        if not known:
            name = f"{name} {printed}"
        end = div[2]
    return _Mention(start, end, 3, name, loc or res.default_locality(levels))


_TIER_AFTER = re.compile(r"[^\S\n]+cấp[^\S\n]+(tỉnh|huyện|xã)(?![\w&])")
# "… cấp tỉnh, cấp xã": each further tier names the same body of that tier.
_TIER_CHAIN = re.compile(r"[^\S\n]*(?:,|và)[^\S\n]*(?:và[^\S\n]+)?(cấp[^\S\n]+(tỉnh|huyện|xã))(?![\w&])")


def _tier_chain(s: Scan, m: _Mention) -> list[_Mention]:
    """The further tiers chained after a body named by its tier ("Trung tâm Phục vụ hành chính
    công cấp tỉnh, cấp xã" → also "… cấp xã"), each a mention on its own words."""
    if not m.name or not _TIER_AFTER.search(m.name):
        return []
    head = m.name[:m.name.rindex(" cấp ")]
    out, end = [], m.end
    while (c := _TIER_CHAIN.match(s.f, end)) is not None:
        out.append(_Mention(c.start(1), c.end(1), 3, f"{head} cấp {c.group(2)}", m.locality))
        end = c.end()
    return out


def _fallback_listed(s: Scan, m: re.Match) -> _Mention | None:
    """``Trường Tiểu học Nghĩa Đàn`` not in the gazetteer: the head and the name after it
    (:func:`_name_extent`), matched fuzzily against known names (OCR-damaged spellings)."""
    f, t, res, g = s.f, s.t, s.res, s.g
    if _caps_line(t, m.start()):
        return None
    head = _listed_head_forms().get(fold(m.group(1)), m.group(1))
    first = _WORD.match(t, m.end())
    if not first or not first.group(1)[0].isupper():
        return None  # "Hội đồng", "Hội nghị": another word, not the head "Hội" and a name
    # "xã Trường Giang", "Trường Sơn": a place whose name begins like a body's head word
    if _DIV_BEFORE.search(f[max(0, m.start() - 12):m.start()]):
        return None
    pos = _name_extent(t, f, first.start(1))
    opens = _BODY_START.match(t, first.start(1))
    if opens and opens.end() >= pos:
        return None  # "Sở | Phòng …", "Ban | Thường trực": another body's head, no name of its own
    raw = _tidy(head + t[m.end():pos])
    if raw == head:
        return None
    place = re.match(r"[^\d(\-–]*[^\d(\s\-–]", raw)
    unit = lookup_unit(place.group(0), res.p.date) if place and " " in place.group(0) else None
    if unit is not None and fold(unit.name) == fold(place.group(0)):
        return None
    from rapidfuzz import fuzz, process  # lazy: only for names outside the gazetteer

    # only names of the same head: "Cục Quản lý thị trường" is not "Chi cục Quản lý thị trường"
    same_head = _same_head(g, fold(head))
    fuzzy = g.__dict__.setdefault("_fuzzy", {})  # a name printed again is matched once
    key = (fold(head), fold(raw))
    if key not in fuzzy:
        if len(fuzzy) > 4096:
            fuzzy.clear()
        fuzzy[key] = process.extractOne(key[1], same_head, scorer=fuzz.ratio, score_cutoff=90)
    best = fuzzy[key]
    if not best and len(raw.split()) >= 4 and _line_end(t, pos):
        # A line cropped on the right ("Sở Kế hoạch và Đầ"): the one known name it begins.
        names = {g.local[k][0] for k in same_head if k.startswith(fold(raw)) and k != fold(raw)}
        if len(names) == 1:
            best = (fold(_tidy(names.pop())),)
    name, kind = g.local[best[0]] if best else (_expand_domains(raw), head)
    mention = _listed(s, name, kind, m.start(), pos, known=bool(best))
    mention.prio = 6
    if _NATIONAL_WORDS.search(fold(name)):  # "Bệnh viện Đa khoa vùng Tây Nguyên": no one province's
        mention.locality = None
    # A known name followed by more of a name ("Trung tâm Văn hóa - Thể thao | và Truyền thanh
    # - Truyền hình") is a longer body, unless what follows is a place ("… | Kon Tum").
    known = g.local_re.match(f, m.start()) if not best else None
    # (only across a connector: a glued table cell "Sở Lao động - TB&XH | Cung cấp …" is not)
    if known and known.end() < pos and re.match(r"[^\S\n]*(?:-|–|,|và(?!\w))", t[known.end():pos]):
        rest = t[known.end():pos].strip(" ,-–")
        rest = re.sub(r"^và\s+", "", rest)
        if rest[:1].isupper() and lookup_unit(rest) is None:
            mention.prio = 3
    return mention


# "HĐND, UBND các tỉnh …", "HĐND và UBND xã": the first head shares the second's unit words.
_ELLIPSIS = re.compile(r"[^\S\n]*(?:,|và)[^\S\n]*(?:ủy ban nhân dân|hội đồng nhân dân|ubnd|hđnd)(?=[^\S\n])")


# "Tỉnh ủy, HĐND, UBND tỉnh X": the heads that share the place printed after the last one.
_HEAD_CHAIN = re.compile(r"[^\S\n]*(?:,|và)[^\S\n]*(?:ủy ban nhân dân|hội đồng nhân dân|ubnd|hđnd)(?=[^\S\n]|,)")


def _tier_mention(s: Scan, head: str, word: str, start: int, end: int) -> _Mention | None:
    """``UBND cấp huyện``: the tier's bodies as a group below the issuer, or one body."""
    res = s.res
    tier = _CAP_TIER[word]
    p = res.p
    if p.tier not in _TIERS or _TIERS[tier] > _TIERS[p.tier]:
        loc = p.locality if p.tier in _TIERS else None
        return _Mention(start, end, 5, None, loc, group=("ubnd", head, tier, ""),
                        form="cấp " + word, generic=True)
    div = {"province": None, "district": "huyện", "commune": "xã"}[tier]
    loc, kind = res.division(div) if div else res.division(p.kind if tier == p.tier else "tỉnh")
    name = res.unit_name(head, loc, kind)
    return _Mention(start, end, 5, name, loc, generic=True) if name else None


def _unit_body(s: Scan, m: re.Match) -> _Mention | list[_Mention] | None:
    f, t, res = s.f, s.t, s.res
    head_key = (m.group(1) or m.group(3) or "").lower()
    head = "Ủy ban nhân dân" if head_key in ("ủy ban nhân dân", "ubnd") else "Hội đồng nhân dân"
    start, end = m.start(), m.end()
    at = end      # where the unit words are read; past a shared second head in an ellipsis
    own = True    # the unit words follow this head itself (its span includes them)
    ell = _ELLIPSIS.match(f, end)
    if ell and not _SCOPE_WORD.match(f[end:end + _NEAR]):
        at, own = ell.end(), False
    # Positions of the Văn phòng: "CVP, các PCVP UBND tỉnh" names the Văn phòng.
    before = f[max(0, start - 60):start]
    vp = head == "Ủy ban nhân dân" and _POSITION_VP.search(before)
    p = res.p

    def span_end(pos: int) -> int:
        return pos if own else end

    cap = re.match(r"[^\S\n]+cấp[^\S\n]+(tỉnh|huyện|xã)" + _WE, f[at:at + _NEAR])
    if cap:
        return _tier_mention(s, head, cap.group(1), start, span_end(at + cap.end()))
    scope = _scope_form(f, at, require_cac=False)
    if not scope:
        # A bare head: the issuer (signature "TM. ỦY BAN NHÂN DÂN", "Ủy ban nhân dân ban hành").
        if own and p.issuer and p.issuer.startswith(head) and not vp:
            return _Mention(start, end, 5, p.issuer, p.locality, generic=True)
        if own and not vp and _BARE_RECIPIENT.search(f, max(0, start - 12), start) and re.match(r"[^\S\n]*[;,]", f[end:end + _NEAR]):
            # "- HĐND;" in a local issuer's Nơi nhận: the Council of the issuer's own unit
            name = res.unit_name(head, p.locality, p.kind) if p.tier in _TIERS else None
            return _Mention(start, end, 5, name, p.locality, generic=True) if name else None
        return None
    form, divs, after = scope
    plural = f[at:after].split()[0] == "các" or len(divs) > 1
    if plural:
        if _OPEN_TAIL.match(f, after):
            return None
        members = _members(t, f, after, divs, p.date)
        if members:
            # "Ủy ban nhân dân các tỉnh: Gia Lai, Đắk Lắk": one body in each unit named.
            out = []
            for i, (unit, div, ms, me) in enumerate(members):
                out.append(_Mention(start if i == 0 else ms, me, 5, f"{head} {div} {unit}", unit))
            return out + _party_members(f, start, members)
        tier = DIVISIONS.get(divs[0], "province")
        key = ""
        qual = _QUALIFIER.match(f, after)
        if qual:
            after, key = qual.end(), "thí điểm"
        if not key:
            extra, end2 = _plural_tail(t, f, after, len(divs))
            if extra:
                after, key, form = end2, fold(extra), f"{head} {form} {extra}"
        elif key == "thí điểm":
            form = _surface(t, start, after, head)
        # Groups take the issuer's locality (a national issuer has none).
        return _Mention(start, span_end(after), 5, None, p.locality, group=("ubnd", head, tier, key),
                        form=form, generic=True)
    div = divs[0]
    pos = after
    proper = None
    pr = _proper_after(t, pos)
    if pr:
        unit = lookup_unit(pr[0], kind=div)
        more = _proper_after(" " + t[pr[1] + 1:pr[1] + 60], 0) if t[pr[1]:pr[1] + 1] == "\n" else None
        if unit is None and more:
            # a letterhead wraps the place name ("UBND THÀNH PHỐ HÀ | NỘI")
            unit = lookup_unit(f"{pr[0]} {more[0]}", kind=div)
            pr = (pr[0], pr[1] + more[1]) if unit is not None else pr
        if unit is not None or DIVISIONS[div] == "district":
            proper, pos = (unit.name if unit else pr[0]), pr[1]
    qual = _QUALIFIER.match(f, pos)
    if qual and not proper:
        pos = qual.end()
        return _Mention(start, span_end(pos), 5, None, p.locality, group=("ubnd", head, DIVISIONS[div], "thí điểm"),
                        form=_surface(t, start, pos, head), generic=True)
    loc, kind = res.division(div, proper)
    if loc is None:
        return None
    if vp:
        return _Mention(start, span_end(pos), 5, f"Văn phòng {head} {div}", loc)
    if proper:
        return _Mention(start, span_end(pos), 5, f"{head} {div} {proper}", loc)
    name = res.unit_name(head, loc, kind)
    return _Mention(start, span_end(pos), 5, name, loc, generic=True) if name else None


_BARE_RECIPIENT = re.compile(r"(?:^|\n)[^\S\n]*[-+•][^\S\n]*$")
