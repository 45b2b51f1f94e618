"""Plural groups: the scope of units a group names ("các tỉnh, thành phố trực thuộc Trung
ương"), what narrows it (a qualifier, listed members), lists of ministries and the one
name a group takes from all its wordings in a document."""
from __future__ import annotations

import functools
import re

from collections import Counter

from gazetteer import load_tsv
from gazetteer.localities import DIVISIONS, lookup_unit

from . import abbr
from .naming import _BODY_START, _capital_stop
from .reading import _NEAR, _proper_after
from .scan import _Mention
from .vocabulary import _DIV_ALT, fold, _MEMBER_NEXT, _split, _tidy


# Open-ended tail: "các sở, ngành, đơn vị có liên quan" is never an agency.
# The tail goes on the same noun phrase ("các sở, ngành, đơn vị có liên quan": all of them the
# relevant ones); a new "các" opens another ("UBND các xã, phường và các đơn vị liên quan": the
# communes, and some relevant units besides).
_OPEN_TAIL = re.compile(
    r"(?:\s*(?:,|và)\s*(?!các\s)(?:đơn vị|cơ quan|tổ chức|địa phương|ban|ngành|sở|phòng))*"
    r"(?:\s+\w+){0,2}?\s*(?:có\s+)?liên quan\b")


# A restrictive qualifier that makes a subgroup ("UBND các huyện triển khai thí điểm").
_QUALIFIER = re.compile(r"[^\S\n]+((?:được[^\S\n]+|triển khai[^\S\n]+|tham gia[^\S\n]+|áp dụng[^\S\n]+)?thí điểm)\b")


# After a group's head words: an open or other set, not the group named before.
_SHORTHAND_NOT = re.compile(r"[^\S\n]*(?:,[^\S\n]*)?(?:khác|có liên quan|liên quan|cá nhân|và cá nhân)\b")


# "các tỉnh, thành phố trực thuộc Trung ương", "các huyện, thị xã": one body in each unit.
_ENUM_DIV = r"(?:" + _DIV_ALT + r"|tp\.?)"


_PLURAL_SCOPE = re.compile(
    r"[^\S\n]+(các[^\S\n]+)?(" + _ENUM_DIV + r"(?:(?:[^\S\n]*[,/][^\S\n]*(?:và[^\S\n]+)?|[^\S\n]+và[^\S\n]+)"
    + _ENUM_DIV + r")*)(?![\w&])((?:[^\S\n]*,)?[^\S\n]+trực thuộc[^\S\n]+(?:trung ương|tw)(?![\w&]))?")


def _scope_form(f: str, pos: int, require_cac: bool = True) -> tuple[str, list[str], int] | None:
    """The enumeration of unit kinds at ``pos`` → ("các tỉnh, thành phố trực thuộc Trung ương",
    ["tỉnh", "thành phố"], end); None when there is none (or no "các" where one is required)."""
    m = _PLURAL_SCOPE.match(f, pos)
    if not m or (require_cac and not m.group(1)):
        return None
    divs = [("thành phố" if d.startswith("tp") else d)
            for d in re.split(r"[^\S\n]*[,/][^\S\n]*(?:và[^\S\n]+)?|[^\S\n]+và[^\S\n]+", m.group(2))]
    joined = m.group(2)
    for d in re.findall(r"(?<![\w])tp\.?(?![\w])", joined):
        joined = joined.replace(d, "thành phố", 1)
    form = "các " + _tidy(joined.replace("/", ", "))
    if m.group(3):
        form += " trực thuộc Trung ương"
    return form, divs, m.end()


_CAC_BEFORE = re.compile(r"(?<![\w])các[^\S\n]+$")


def _each_unit_scope(f: str, start: int, end: int) -> tuple[str, int, int, list[str]] | None:
    """The units a body at ``start:end`` is named for, one in each: "… các tỉnh, thành phố"
    after it; the same without "các" where "Các" stands before the body ("Các Sở Y tế tỉnh,
    thành phố") or several kinds are listed ("Bảo hiểm xã hội tỉnh, thành phố", named as
    printed) → (wording, start, end, division words); None for one unit ("Sở Y tế tỉnh")."""
    scope = _scope_form(f, end)
    if scope:
        return scope[0], start, scope[2], scope[1]
    scope = _scope_form(f, end, require_cac=False)
    if not scope:
        return None
    cac = _CAC_BEFORE.search(f, max(0, start - 8), start)
    if cac:
        return scope[0], cac.start(), scope[2], scope[1]
    if len(scope[1]) > 1:
        return scope[0][len("các "):], start, scope[2], scope[1]
    return None


def _with_cac(name: str, wording: str) -> str | None:
    """The name a group printed without "các" has where the text prints it with it."""
    return None if wording.startswith("các ") else name.replace(" " + wording, " các " + wording, 1)


@functools.cache
def _scope_qualifiers() -> re.Pattern:
    """Words that narrow a plural scope ("Công an các tỉnh biên giới"): name_stops.tsv, qualifier."""
    words = [r["word"] for r in load_tsv("name_stops.tsv") if r["kind"] == "qualifier"]
    return re.compile(r"[^\S\n]+(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")


def _plural_tail(t: str, f: str, pos: int, ndivs: int = 1) -> tuple[str, int]:
    """What narrows a plural scope ending at ``pos``: a qualifier ("… các tỉnh biên giới") or
    the members named ("… các tỉnh Lào Cai, Yên Bái", "… các huyện, thành phố Đà Lạt, thành phố
    Bảo Lộc"), which stay in the group's name → (words, end); ("", pos) when nothing does."""
    q = _scope_qualifiers().match(f, pos)
    if q:
        return _tidy(t[pos:q.end()]), q.end()
    first = _proper_after(t, pos)
    if not first:
        return "", pos
    end, count = first[1], 1
    while True:
        sep = _MEMBER_NEXT.match(f[end:end + _NEAR])
        nxt = _proper_after(t, end + sep.end()) if sep else None
        if not nxt or _BODY_START.match(nxt[0]) or _capital_stop(nxt[0], 0):
            break
        end, count = nxt[1], count + 1
    # One name after several kinds ("các huyện, thị xã và thành phố Huế") names the last
    # kind's unit only; the group is still every unit of the kinds.
    if count == 1 and (ndivs > 1 or lookup_unit(first[0]) is None):
        return "", pos
    return _tidy(t[pos:end]), end


_MEMBER_COLON = re.compile(r"[^\S\n]*:[^\S\n]*")


# Between members: a comma or "và", across a line break and a stray list dash.
_MEMBER_SEP = re.compile(r"[^\S\n]*(?:,|và(?![\w]))[^\S\n]*(?:\n[^\S\n]*(?:[-–+][^\S\n]*)?)?(?:và(?![\w])[^\S\n]*)?")


def _members(t: str, f: str, pos: int, divs: list[str], date: str | None) -> list[tuple[str, str, int, int]]:
    """The units a plural scope lists after a colon ("các tỉnh: Khánh Hòa, Gia Lai và Đắk Lắk")
    → [(unit name, division word, start, end)]; [] unless at least two names, each a known
    unit of one of the kinds, follow."""
    c = _MEMBER_COLON.match(f, pos)
    if not c:
        return []
    out, at = [], c.end()
    while True:
        # A name is read from a short window, so a line break before it does not stop it.
        pr = _proper_after(" " + t[at:at + 60], 0)
        if not pr or _BODY_START.match(pr[0]):
            break
        # "các tỉnh: …, Huế": a unit of the same tier under another division word counts too
        unit = next((u for u in [lookup_unit(pr[0], date, kind=d) for d in divs] + [lookup_unit(pr[0], date)]
                     if u is not None and DIVISIONS.get(u.kind) == DIVISIONS.get(divs[0])), None)
        if unit is None:
            break
        end = at + pr[1] - 1
        div = unit.kind or divs[0]
        out.append((unit.name, div, at, end))
        sep = _MEMBER_SEP.match(f, end)
        if not sep or not sep.group(0):
            break
        at = sep.end()
    return out if len(out) >= 2 else []


# "Bí thư Tỉnh ủy, Chủ tịch UBND các tỉnh: A, B": the Party committee of each unit listed too.
_PARTY_BEFORE = re.compile(r"(tỉnh ủy|thành ủy)[^\S\n]*(?:,|và)[^\S\n]*(?:(?:đồng chí|chủ tịch)[^\S\n]+)*$")


def _party_members(f: str, start: int, members: list) -> list[_Mention]:
    m = _PARTY_BEFORE.search(f, max(0, start - 60), start)
    if not m or m.end(1) - m.start(1) < len(members):
        return []
    head = m.group(1).capitalize()
    # one character of the committee's word each, so the mentions do not overlap
    return [_Mention(m.start(1) + i, m.start(1) + i + 1, 5, f"{head} {unit}", unit, member=True)
            for i, (unit, _div, _s, _e) in enumerate(members)]


_MINISTRY_LIST = re.compile(r"(?<![\w])[Cc]ác[^\S\n]+[Bb]ộ(?:,[^\S\n]*cơ quan)?[^\S\n]*:?[^\S\n]*(?=[A-ZĐ])")


# an abbreviation has two letters or more: "Y tế" is a domain, not the letter Y
_LIST_ITEM = re.compile(r"([A-ZĐ][A-ZĐ&\-]+(?![\wÀ-ỹ])|[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:[^\S\n]+[\wÀ-ỹ]+){0,8})")


@functools.cache
def _ministries_by_domain() -> dict[str, str]:
    """A ministry's domain, written out or by its initials ("Xây dựng", "XD", "KH&CN") →
    its name; current ministries first where two share initials."""
    out: dict[str, str] = {}
    rows = [r for r in load_tsv("agencies.tsv") if r["name"].startswith("Bộ ") and r["kind"] == "ministry"]
    for r in sorted(rows, key=lambda r: bool(r["valid_to"])):
        domain = r["name"][3:]
        out.setdefault(fold(domain), r["name"])
        for letters in abbr.initials(domain):
            out.setdefault(letters, r["name"])
        for a in _split(r["abbreviations"]):
            if a.startswith("Bộ "):
                out.setdefault(abbr.letters(a[3:]), r["name"])
    return out


def _listed_ministries(t: str, pos: int) -> list[_Mention]:
    """The ministries of a list after "các Bộ", up to the first item that names none."""
    table = _ministries_by_domain()
    out = []
    while True:
        m = _LIST_ITEM.match(t, pos)
        if not m:
            break
        item, end = m.group(1), m.end(1)
        if item.isupper() or "&" in item:
            name = table.get(abbr.letters(item))
        else:  # the longest run of words that is a domain ("Ngoại giao | chủ động …")
            words = list(re.finditer(r"[\wÀ-ỹ]+", item))
            name = None
            for k in range(len(words), 0, -1):
                name = table.get(fold(item[:words[k - 1].end()]))
                if name:
                    end = m.start(1) + words[k - 1].end()
                    break
        if not name:
            break
        out.append(_Mention(m.start(1), end, 1, name, None))
        sep = re.match(r"[^\S\n]*(?:,|và(?![\w]))(?:[^\S\n]*\n)?[^\S\n]*", t[end:end + _NEAR])
        if not sep:
            break
        pos = end + sep.end()
    return out if len(out) >= 2 else []


_TW_SUFFIX = " trực thuộc Trung ương"


def _specialised_name(key: tuple, forms: list[str]) -> str:
    """"Các cơ quan chuyên môn …" with the scope its mentions print most: "thuộc Ủy ban nhân dân
    tỉnh", "cấp tỉnh", or none where no mention prints one."""
    _, _, extra = key
    conns = Counter(fm.split("|")[0] for fm in forms if fm.split("|")[0])
    divs = Counter(fm.split("|")[1] for fm in forms if fm.split("|")[1])
    caps = Counter(fm.split("|")[2] for fm in forms if fm.split("|")[2])
    name = "Các cơ quan chuyên môn" + (", cơ quan hành chính khác" if extra else "")
    if conns or divs:
        conn = conns.most_common(1)[0][0] if conns else "thuộc"
        div = divs.most_common(1)[0][0] if divs else None
        return f"{name} {conn} Ủy ban nhân dân" + (f" {div}" if div else "")
    if caps:
        return f"{name} cấp {caps.most_common(1)[0][0]}"
    return name


def _group_name(key: tuple, forms: list[str], heading_forms: list[str], subject_forms: list[str] = (),
                body_forms: list[str] = ()) -> str:
    if key[0] == "chuyen_mon":
        return _specialised_name(key, forms)
    _, head, tier, qual = key
    if qual:
        pool = heading_forms or forms
        return max(pool, key=lambda s: (len(s), s))
    enums = [fm for fm in forms if fm.startswith("các ")]
    caps = [fm for fm in forms if fm.startswith("cấp ")]
    # The units enumerated where the group opens a duty item name it ("IV.6. Ủy ban nhân dân
    # phường, xã, đặc khu"); else the commoner wording.
    subject_enums = [fm for fm in subject_forms if fm.startswith("các ")]
    if subject_enums:
        enums, caps = subject_enums, []
    elif enums and len(enums) == len(caps) and body_forms:
        # a tie: the wording of the document's body over that of its Nơi nhận
        enums = [fm for fm in body_forms if fm.startswith("các ")]
        caps = [fm for fm in body_forms if fm.startswith("cấp ")]
    if enums and len(enums) > len(caps):
        # The commonest wording names the set ("UBND cấp tỉnh" in the articles and "UBND các
        # tỉnh, thành phố trực thuộc trung ương" in Nơi nhận are one group, as the seed golds
        # merge them); "… trực thuộc Trung ương" is the same enumeration said in full.
        bases = [fm.removesuffix(_TW_SUFFIX) for fm in enums]
        counts = Counter(bases)
        best = max(counts, key=lambda s: (counts[s], -bases.index(s)))
        if best + _TW_SUFFIX in enums:
            best += _TW_SUFFIX
        return f"{head} {best}"
    word = caps[0][4:] if caps else {"province": "tỉnh", "district": "huyện", "commune": "xã"}[tier]
    return f"{head} cấp {word}"
