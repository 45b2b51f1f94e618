"""Naming rules: where a name read from capitalisation ends (stop words, division words,
the next body), its surface form, and the rules that finish names once mentions are chosen
(a Ban's parent body, a shared "Thường trực", short forms written in full)."""
from __future__ import annotations

import functools
import re

from gazetteer import load_tsv
from gazetteer.localities import lookup_unit

from . import abbr
from .reading import _cut_at_line_end, _NEAR
from .scan import _Mention, Scan
from .vocabulary import _COUNCIL_DIV, _DIV_ALT, _DIV_AT, _domain_expansions, fold, _NATIONAL_WORDS, _tidy


_STANDING_LEAD = re.compile(r"(?:^|[\n\-•+])[^\S\n]*(?:thường trực|tt)[^\S\n]*:[^\S\n]*(?:[^;\n:]*,[^\S\n]*)?$")


def _shared_standing(chosen: list[_Mention], f: str) -> None:
    """"Thường trực: Tỉnh ủy, HĐND tỉnh": the standing body of each council or committee listed."""
    for c in chosen:
        if not c.name or c.group or not (c.name.startswith("Hội đồng nhân dân")
                                          or _PARTY_COMMITTEE.search(c.name)):
            continue
        ls = f.rfind("\n", 0, c.start) + 1
        if _STANDING_LEAD.search(f, max(ls - 1, 0), c.start):
            c.name = f"Thường trực {c.name}"


def _expand_short_forms(s: Scan, chosen: list[_Mention]) -> list[_Mention]:
    """Names read from capitals that hold a short form ("Viện PYQG", "Ban VSTBPN&BĐG Thành
    phố") in full, by a body the document names in full or by the domains; a name whose short
    form nothing resolves ("Phòng VX") is not a body of this document."""
    t, g = s.t, s.g
    known = [c.name for c in chosen if c.name]
    national = set(g.national.values())
    # A name cut by the end of its line (a wrapped table cell: "Ban Quản lý | các khu …") that
    # begins exactly one longer name of the document is that body.
    for c in chosen:
        if c.prio in (3, 6) and c.name and c.group is None and _cut_at_line_end(t, c.end):
            longer = {k for k in known if k.startswith(c.name + " ")}
            if len(longer) == 1:
                c.name = longer.pop()
    out = []
    for c in chosen:
        if c.prio not in (3, 6) or not c.name or not abbr.abbreviation_tokens(c.name):
            out.append(c)
            continue
        full = abbr.expand(c.name, known)
        if full is None:
            continue
        c.name = full
        if full in national or _NATIONAL_WORDS.search(fold(full)):
            c.locality = None
        out.append(c)
    return out


# A Party committee of a unit, whose name the text may print with the unit ("Tỉnh ủy Nghệ An").
_PARTY_COMMITTEE = re.compile(r"(?:Tỉnh|Thành|Huyện|Quận|Thị) ủy$")


_COMMITTEE = r"(?:Tỉnh ủy|Thành ủy|Huyện ủy|Quận ủy|Thị ủy|Đảng ủy(?: " + _DIV_ALT + r")?)"


_PARENT_SUFFIX = re.compile(r"(?:Hội đồng nhân dân (?:" + _DIV_ALT + r")|" + _COMMITTEE + r")$")


_BAN_OF = re.compile(r"Ban (?!Chỉ đạo|Chỉ huy|Quản lý|Thường vụ)")


def _ban_parents(s: Scan, chosen: list[_Mention]) -> list[_Mention]:
    """A Ban of a Council or a Party committee keeps its parent in its name ("Ban Kinh tế -
    Ngân sách HĐND tỉnh" → "Ban Kinh tế - Ngân sách Hội đồng nhân dân tỉnh"); Ban listed before
    a body that carries the parent share it ("Ban Tổ chức, Ban Tuyên giáo Tỉnh ủy")."""
    f, g = s.f, s.g
    def bare_ban(c: _Mention) -> bool:
        return bool(c.name and c.group is None and _BAN_OF.match(c.name) and not _PARENT_SUFFIX.search(c.name)
                    and c.name not in national)

    national = set(g.national.values())

    out: list[_Mention] = []
    for c in chosen:
        prev = out[-1] if out else None
        if prev and bare_ban(prev) and c.name and re.fullmatch(r"[^\S\n]+(?:của[^\S\n]+)?", f[prev.end:c.start]):
            council = _COUNCIL_DIV.match(f[c.start:c.end])
            if council and c.name.startswith("Hội đồng nhân dân"):
                prev.name, prev.end = f"{prev.name} Hội đồng nhân dân {council.group(1)}", c.end
                prev.locality = c.locality or prev.locality
                continue
            if re.fullmatch(_COMMITTEE, c.name):
                prev.name, prev.end, prev.locality = f"{prev.name} {c.name}", c.end, c.locality or prev.locality
                continue
        out.append(c)
    known = {name for name, _ in g.local.values()}
    for k in range(len(out) - 2, -1, -1):
        c, nxt = out[k], out[k + 1]
        if (bare_ban(c) and c.name not in known and nxt.name
                and re.fullmatch(r"[^\S\n]*(?:,|và|,[^\S\n]*và)[^\S\n]*", f[c.end:nxt.start])):
            parent = _PARENT_SUFFIX.search(nxt.name)
            if parent:
                c.name = f"{c.name} {parent.group(0)}"
    return out


def _unit_word(word: str) -> str:
    """A unit word as names print it: a Party committee capitalised ("Thành ủy")."""
    return word.capitalize() if word.endswith("ủy") else word


@functools.cache
def _name_stops() -> tuple[frozenset, re.Pattern]:
    words = frozenset(fold(r["word"]) for r in load_tsv("name_stops.tsv", required=("word", "kind"))
                      if r["kind"] not in ("capital", "region", "qualifier", "compound", "subunit"))
    return words, re.compile(r"(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")


@functools.cache
def _capital_stops() -> re.Pattern:
    """Capitalised words that open a new cell, not more of a name ("… Sở Nội vụ Các sở, ban")."""
    words = [r["word"] for r in load_tsv("name_stops.tsv") if r["kind"] == "capital"]
    return re.compile(r"(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")


@functools.cache
def _regions() -> tuple[str, ...]:
    return tuple(" " + r["word"] for r in load_tsv("name_stops.tsv") if r["kind"] == "region")


def _ends_region(text: str) -> bool:
    """``text`` ends with a region's name ("… vùng Bắc Trung Bộ")."""
    return text.endswith(_regions())


def _capital_stop(t: str, pos: int) -> bool:
    """A capital stop word at ``pos`` ("Quý III/2019", "Các sở"), unless a proper name goes on
    with it ("Lê Quý Đôn", "Từ Sơn"): the next word capitalised and not a Roman numeral."""
    m = _capital_stops().match(t, pos)
    if not m:
        return False
    nxt = re.match(r"[^\S\n]+([A-ZĐÀ-Ỹ][\wÀ-ỹ]*)", t[m.end():m.end() + _NEAR])
    return not (nxt and not re.fullmatch(r"[IVXLC]+", nxt.group(1)) and not nxt.group(1).isupper())


# Words that open another body, so never continue a name ("Sở Tài chính và Sở Xây dựng").
_BODY_START = re.compile(r"(?:Sở|Phòng|Bộ|Ban|Chi cục|Cục|Tổng cục|Trung tâm|Ủy ban|UBND|HĐND|Hội đồng|Công an|"
                         r"Thanh tra|Văn phòng|Kho bạc|Bảo hiểm|Trường|Bệnh viện|Trạm|Viện|Đài|Báo|Cổng|Hội|Hiệp hội|Liên minh|Liên hiệp|"
                         r"Liên đoàn|Đoàn|Huyện|Tỉnh|Thành|Chủ tịch|Giám đốc|Thủ trưởng|Cơ quan|Thường trực)(?![\w])")


_WORD = re.compile(r"[^\S\n]*([\wÀ-ỹ&]+)")


@functools.cache
def _compounds() -> re.Pattern:
    words = [r["word"] for r in load_tsv("name_stops.tsv") if r["kind"] == "compound"]
    return re.compile(r"(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")(?![\w])")


def _in_compound(f: str, pos: int) -> bool:
    """The stop word at ``pos`` ends a noun with the word before ("công trình", "chương trình")."""
    prev = re.search(r"([\wÀ-ỹ]+)[^\S\n]+$", f[max(0, pos - 20):pos])
    return bool(prev and _compounds().match(f, pos - len(prev.group(0))))


def _name_extent(t: str, f: str, pos: int) -> int:
    """End of a body's name that starts with a capitalised word at ``pos``: capitalised
    words, lower-case words up to a stop word or a division word, ``-``, and ``,`` / ``và`` /
    ``các`` where the name plainly goes on ("Phòng Phổ biến, giáo dục pháp luật", "Ban Quản lý
    các Khu kinh tế và Khu công nghiệp")."""
    stops, stop_re = _name_stops()
    end = pos
    lower_run = 0
    while True:
        w = _WORD.match(t, end)
        if not w:
            break
        word = w.group(1)
        if word[0].isupper() or word[0].isdigit():
            if end > pos and ((_BODY_START.match(t, w.start(1)) and not _ends_region(t[pos:w.end(1)]))
                              or _capital_stop(t, w.start(1)) or _ends_with_province(t[pos:end])):
                break
            end, lower_run = w.end(), 0
        elif ((stop_re.match(f, w.start(1)) and not _in_compound(f, w.start(1))) or _DIV_AT.match(f[w.start(1):w.start(1) + _NEAR])
              or lower_run >= 8 or t[pos:end].endswith(" Việt Nam")):
            # a name that ends with the country's name ends there ("Hội Làm vườn Việt Nam tham gia")
            # "và" / "các" go on only before a capitalised word that opens no new body.
            if word in ("và", "các"):
                nxt = _WORD.match(t, w.end())
                if (nxt and nxt.group(1)[0].isupper() and not _BODY_START.match(t, nxt.start(1))
                        and not _capital_stop(t, nxt.start(1))):
                    end, lower_run = nxt.end(), 0
                    continue
            break
        else:
            end, lower_run = w.end(), lower_run + 1
        link = re.match(r"[^\S\n]*(?:(-|–)\s*|(,)[^\S\n]*)", t[end:end + _NEAR])  # a dash may end the line
        if link:
            nxt = _WORD.match(t, end + link.end())
            if not nxt:
                break
            first = nxt.group(1)
            if link.group(2) == ",":
                # a comma goes on into lower case words only ("…, giáo dục pháp luật")
                if first[0].isupper() or stop_re.match(f, nxt.start(1)):
                    break
                if _DIV_AT.match(f[nxt.start(1):nxt.start(1) + _NEAR]):
                    break
            elif _BODY_START.match(t, nxt.start(1)) or _capital_stop(t, nxt.start(1)):
                break
            end = nxt.start(1)
            end = _WORD.match(t, end).end()
            lower_run = 0 if first[0].isupper() else lower_run + 1
    return end


def _expand_domains(name: str) -> str:
    """A name read from capitalisation with its domains written in full ("Trường THPT Chuyên
    Thái Bình" → "Trường Trung học phổ thông Chuyên Thái Bình"): abbreviations.tsv, domain."""
    full = _domain_expansions()
    return re.sub(r"(?<![\w&])[A-ZĐ][A-ZĐ&\-]+(?![\w&])", lambda a: full.get(a.group(0), a.group(0)), name)


def _ends_with_province(name: str) -> bool:
    """A name closed by a province's name ("Trường Đại học Thái Bình"): what follows in capitals
    is the next cell of a flattened table ("… Thái Bình | Tư vấn tuyển sinh"), not more name."""
    words = name.split()
    return any(len(words) > n and (u := lookup_unit(" ".join(words[-n:]))) is not None
               and u.tier == "province" and fold(u.name) == fold(" ".join(words[-n:]))
               for n in (2, 3))


def _surface(t: str, start: int, end: int, head: str) -> str:
    text = t[start:end]
    text = re.sub(r"^(?:UBND|Ủy ban nhân dân|ỦY BAN NHÂN DÂN|HĐND|Hội đồng nhân dân)", head, text)
    return _tidy(text)


@functools.cache
def _subunit_heads() -> tuple[str, ...]:
    return tuple(r["word"] + " " for r in load_tsv("name_stops.tsv") if r["kind"] == "subunit")


_PARENT_LINK = re.compile(r"[^\S\n]+(?:(trực thuộc|thuộc)[^\S\n]+)?")


def _subunit_parents(s: Scan, chosen: list[_Mention]) -> list[_Mention]:
    """A unit read from capitals followed by the body it belongs to is named with it ("Phòng Nội
    chính thuộc Văn phòng UBND tỉnh" → "Phòng Nội chính thuộc Văn phòng Ủy ban nhân dân tỉnh");
    the same unit named alone elsewhere ("qua Phòng Nội chính") is that body when it is the
    only one so named."""
    def subunit(c: _Mention) -> bool:
        return bool(c.prio == 6 and c.name and c.group is None and c.name.startswith(_subunit_heads()))

    out: list[_Mention] = []
    merged: dict[str, str | None] = {}
    for c in chosen:
        prev = out[-1] if out else None
        if prev and subunit(prev) and c.name and c.group is None and c.prio != 6:
            link = _PARENT_LINK.fullmatch(s.f, prev.end, c.start)
            if link:
                conn = f"{link.group(1)} " if link.group(1) else ""
                prev.name, prev.end = f"{prev.name} {conn}{c.name}", c.end
                prev.locality = c.locality if c.locality is not None else prev.locality
                merged[prev.name] = prev.locality
                prev.prio = 3  # a name complete now
                continue
        out.append(c)
    for c in out:
        if subunit(c):
            longer = [n for n in merged if n.startswith(c.name + " ")]
            if len(longer) == 1:
                c.name, c.locality = longer[0], merged[longer[0]]
    return out


_FORCE_BEFORE = re.compile(r"(?<![\w])lực lượng[^\S\n]+$")


def _forces_named(s: Scan, chosen: list[_Mention]) -> None:
    """"lực lượng Công an xã": the force of a body named is "Lực lượng Công an xã"."""
    for c in chosen:
        if c.name and c.group is None and c.prio != 6 and not c.name.startswith("Lực lượng"):
            m = _FORCE_BEFORE.search(s.f, max(0, c.start - 12), c.start)
            if m:
                c.name, c.start = f"Lực lượng {c.name}", m.start()
