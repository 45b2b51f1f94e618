"""The header of an official document: kind, number, issuer, place, date, title, signer.

A Vietnamese administrative document opens with two columns — issuing body | national
motto, then number | place and date (a Công văn adds its ``V/v …`` summary under the
number) — then the kind heading (KẾ HOẠCH), the title (trích yếu), and ends with the
signature block (TM./KT. …, position, name), often side by side with ``Nơi nhận``: the
normaliser finds that block (pipeline.text.signature); this module writes its parts.
Sources lose parts of it (a draft's blank number, a header cut off, OCR damage): each
missing field is ``None`` with a warning, never an error. Words are matched without
diacritics where OCR breaks them (``KÊ HOẠCH``, ``ngay … thang``, ``CHU TỊCH``).
Vocabulary lives in ``gazetteer/header_terms.yml``; kinds in ``gazetteer/doc_types.tsv``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from gazetteer import kinds, load_yaml
from pipeline.core.models import Context, Section, Span, warning
from pipeline.core.vntext import fold_chars
from pipeline.text.normalize import (
    PLACE_DATE_LINE,
    ends_dangling,
    is_all_caps,
)
from pipeline.text.signature import AUTHORITY as _AUTHORITY, position_at as _position_at, signature_line
from pipeline.text.limits import LINE_MAX
from extractors.registry import component
from pipeline.core.dates import impossible_date, iso_day, iso_month, valid_year

HEADER_LINES = 16  # the header block sits in the first lines of page 1


@functools.cache
def terms() -> dict:
    return load_yaml("header_terms.yml")


def _fkey(text: str) -> str:
    return " ".join(fold_chars(text).split())


@functools.cache
def _kinds() -> dict[str, str]:
    return {_fkey(w): code for code, kind in kinds().items() for w in kind["headings"]}


@functools.cache
def _national() -> dict[str, str]:
    return {_fkey(k): v for k, v in terms()["national_bodies"].items()}


@functools.cache
def _local_bodies() -> list[tuple[str, str, str]]:
    """(folded, printed, written) local body kinds, longest first."""
    items = [(_fkey(k), k, v) for k, v in terms()["local_bodies"].items()]
    return sorted(items, key=lambda x: -len(x[0]))


# --- casing of names printed in capitals ----------------------------------------------

# Heads of organisation names whose remainder is capitalised segment by segment
# ("Bộ Văn hóa, Thể thao và Du lịch"): the official naming convention.
_ORG_HEADS = ("tổng cục", "chi cục", "cục", "bộ", "sở", "ban", "phòng", "vụ", "viện",
              "trung tâm", "văn phòng", "thanh tra", "đài", "báo", "cổng", "học viện", "ủy ban", "đảng đoàn")


@functools.cache
def _ascii_agencies() -> dict[str, str]:
    """Folded name → written name of the named local bodies (gazetteer/local_agencies.tsv),
    for a letterhead printed without diacritics; names that fold alike are left out."""
    from gazetteer import load_tsv

    seen: dict[str, set[str]] = {}
    for row in load_tsv("local_agencies.tsv", required=("name",)):
        seen.setdefault(_fkey(row["name"]), set()).add(row["name"])
    return {k: v.pop() for k, v in seen.items() if len(v) == 1}


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _capitalise_segments(name: str) -> str:
    parts = re.split(r"(\s+và\s+|,\s*|\s+-\s+)", name.lower())
    return "".join(p if i % 2 else _cap(p.strip()) for i, p in enumerate(parts))


def _title_words(name: str) -> str:
    return " ".join(_cap(w) for w in name.split())


def restore_place(place: str, unit: str | None) -> str:
    """A place name printed without diacritics (OCR, ASCII) → as the localities gazetteer
    writes it, when only one unit of that kind bears it (``Lam Dong`` → ``Lâm Đồng``)."""
    if not place or not place.isascii() or not unit:
        return place
    from gazetteer.localities import candidates  # the unit tables load lazily

    names = {u.name for u in candidates(place, unit)}
    return names.pop() if len(names) == 1 else place


def split_unit(rest: str) -> tuple[str | None, str]:
    """``TỈNH THỪA THIÊN HUẾ`` → (``tỉnh``, ``Thừa Thiên Huế``); ``TINH LAM DONG`` →
    (``tỉnh``, ``Lâm Đồng``): the unit word matched and the place restored without diacritics."""
    low = rest.strip()
    for abbr, full in terms()["unit_abbreviations"].items():
        if low.upper().startswith(abbr + " "):
            return full, restore_place(_title_words(low[len(abbr):].strip()), full)
    folded = fold_chars(low)
    for unit in sorted(terms()["unit_types"], key=len, reverse=True):
        if folded.startswith(fold_chars(unit) + " ") or folded == fold_chars(unit):
            return unit, restore_place(_title_words(low[len(unit):].strip()), unit)
    return None, _title_words(low)


def _local_prefix(caps: str) -> tuple[str, str] | None:
    """(written body kind, remainder) when ``caps`` opens with a local body kind."""
    key = fold_chars(caps)
    for folded, printed, written in _local_bodies():
        if key.startswith(folded + " ") or key == folded:
            return written, caps[len(printed):]
    return None


def official_case(caps: str) -> str:
    """Name printed in capitals → as written in running text.

    ``ỦY BAN NHÂN DÂN TỈNH KON TUM`` → ``Ủy ban nhân dân tỉnh Kon Tum``;
    ``BỘ KHOA HỌC VÀ CÔNG NGHỆ`` → ``Bộ Khoa học và Công nghệ``.
    """
    caps = " ".join(caps.split())
    national = _national().get(_fkey(caps)) or (_national_names().get(_fkey(caps)) if is_all_caps(caps) else None)
    if national:
        return national  # also any national body the gazetteer lists (BẢO HIỂM XÃ HỘI VIỆT NAM)
    if caps.isascii() and _fkey(caps) in _ascii_agencies():
        return _ascii_agencies()[_fkey(caps)]  # SO TAI CHINH (no diacritics) → Sở Tài chính
    local = _local_prefix(caps)
    if local:
        unit, place = split_unit(local[1])
        return " ".join(x for x in (local[0], unit, place) if x)
    low = caps.lower()
    for head in _ORG_HEADS:
        if low.startswith(head + " "):
            return _cap(head) + " " + _capitalise_segments(caps[len(head) + 1:])
    text = _cap(low)
    for proper in terms()["proper_in_titles"]:
        text = re.sub(r"(?<=\s)" + re.escape(proper.lower()), proper, text)
    return text


@dataclass
class Issuer:
    name: str
    locality: str | None
    level: str | None
    span: Span | None = None


def issuer_from_caps(lines: list[str], symbol_body: str | None = None, joint: bool = False) -> Issuer | None:
    """Issuing-body lines (capitals) → the issuer; a parent line gives the locality
    (``UBND TỈNH KON TUM`` / ``SỞ TÀI CHÍNH`` → Sở Tài chính, Kon Tum). ``symbol_body``
    (``Ủy ban nhân dân`` for a ``…-UBND`` number) completes a lone unit line. ``joint``
    (a joint symbol, ``…/TTLT-BKHCN-BNV``): the bodies are parties, the first one issues."""
    if not lines:
        return None
    bodies = _body_lines(lines)
    if (len(bodies) == 2 and " ".join(bodies[0].upper().split()) in terms()["bare_units"]
            and _local_issuer(bodies[1]) is not None):
        bodies = bodies[::-1]  # "VĂN PHÒNG / ỦY BAN NHÂN DÂN TỈNH X": the office printed above its parent
    if joint and len(bodies) > 1:
        # the parties may sit under a common parent (UBND TỈNH X / SỞ A - SỞ B)
        under = _is_parent_of(bodies[0], bodies[1])
        if not under or len(bodies) > 2:
            return issuer_from_caps(bodies[:2] if under else bodies[:1], symbol_body)
    central = _central_party_body(bodies)
    if central:
        return Issuer(central, None, "national")
    headed = _position_at(bodies[-1])
    local_head = _local_issuer(headed[1]) if headed and headed[1] else None
    if local_head is not None:  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X": the chair issues (…/QĐ-CTUBND)
        return Issuer(f"{_position_case(headed[0])} {local_head.name}", local_head.locality, local_head.level)
    parent = _local_issuer(bodies[0]) if len(bodies) > 1 else None
    name = official_case(bodies[-1])
    local = _local_issuer(bodies[-1])
    if local:
        return local
    bare = terms()["bare_units"].get(" ".join(bodies[-1].upper().split()))
    if bare and len(bodies) > 1:
        # "VĂN PHÒNG" under its parent: the office is named after it
        parent_name = official_case(bodies[0])
        unit, place = split_unit((_local_prefix(bodies[0]) or ("", bodies[0]))[1])
        name = bare.format(parent=parent_name, unit=unit or "", place=place).replace("  ", " ").strip()
        name = _cap(name.split()[0]) + name[len(name.split()[0]):]
        return Issuer(name, parent.locality if parent else None, parent.level if parent else "national")
    if parent:
        return Issuer(name, parent.locality, parent.level)
    unit, place = split_unit(bodies[-1])
    if unit and place and symbol_body:
        # the body's first line was lost ("TỈNH QUẢNG TRỊ" alone, a cropped scan): the
        # number's symbol names the kind of body (…/CT-UBND → Ủy ban nhân dân)
        return Issuer(f"{symbol_body} {unit} {place}", place, terms()["unit_types"].get(unit))
    return Issuer(name, None, "national")


@functools.cache
def _national_names() -> dict[str, str]:
    from gazetteer import load_tsv

    return {_fkey(r["name"]): r["name"] for r in load_tsv("agencies.tsv", required=("name",))}


def _central_party_body(bodies: list[str]) -> str | None:
    """``BAN CHẤP HÀNH TRUNG ƯƠNG`` / ``BAN TỔ CHỨC``: a central Party body printed under the
    Central Committee bears "Trung ương" in its name (``Ban Tổ chức Trung ương``,
    ``Văn phòng Trung ương Đảng``), as the national list names it."""
    if len(bodies) < 2 or _fkey(bodies[0]) not in {_fkey(p) for p in terms()["central_party_parents"]}:
        return None
    child = official_case(bodies[-1])
    for suffix in terms()["central_party_suffixes"]:
        found = _national_names().get(_fkey(f"{child} {suffix}"))
        if found:
            return found
    return child  # a body under the Central Committee named by itself (ĐẢNG ĐOÀN QUỐC HỘI)


def _is_parent_of(upper: str, lower: str) -> bool:
    """Is ``upper`` a local body heading ``lower`` (UBND TỈNH X / SỞ Y), rather than two
    parties side by side (ỦY BAN NHÂN DÂN TỈNH X - BỘ Y)?"""
    parent = _local_issuer(upper)
    if parent is None or parent.locality is None or _local_issuer(lower) is not None:
        return False
    return not (lower.upper().startswith("BỘ ") or _fkey(lower) in _national())


def _starts_body(line: str) -> bool:
    low = " ".join(line.lower().split())
    return (any(fold_chars(low).startswith(fold_chars(h) + " ") for h in _ORG_HEADS) or _local_prefix(line) is not None
            or _fkey(line) in _national() or low.upper() in terms()["bare_units"])


def _split_parties(line: str) -> list[str]:
    """``BỘ TÀI CHÍNH - BỘ NỘI VỤ`` (a joint header on one line) → one line per party;
    ``UBND TỈNH BÀ RỊA - VŨNG TÀU`` stays whole (what follows the dash opens no body)."""
    line = line.strip(" -–")  # "BỘ KHOA HỌC VÀ CÔNG NGHỆ -" / "BỘ NỘI VỤ": the dash joins parties
    parts = re.split(r"\s+[-–]\s+", line)
    if len(parts) > 1 and all(_starts_body(p) for p in parts):
        return parts
    return [line]


def _body_lines(lines: list[str]) -> list[str]:
    """Group wrapped capital lines into one line per body (a new body starts with a head)."""
    out: list[str] = []
    for line in (p for ln in lines for p in _split_parties(ln)):
        wrapped_national = bool(out) and _fkey(out[-1] + " " + line) in _national()  # THỦ TƯỚNG / CHÍNH PHỦ
        # a body kind cut inside ("CHỦ TỊCH ỦY" / "BAN NHÂN DÂN", "ỦY" / "BAN NHÂN DÂN")
        fragment = bool(out) and ((len(out[-1].split()) <= 2 and not _starts_body(out[-1])) or (
            _local_prefix(out[-1].split()[-1] + " " + line) is not None and _local_prefix(line) is None))
        if out and (wrapped_national or fragment or not _starts_body(line) or not _is_complete(out[-1])):
            out[-1] += " " + line
        else:
            out.append(line)
    return out


def _is_complete(line: str) -> bool:
    local = _local_issuer(line)
    return local is None or local.locality is not None


def _local_issuer(caps: str) -> Issuer | None:
    local = _local_prefix(" ".join(caps.split()))
    if local is None:
        return None
    unit, place = split_unit(local[1])
    level = terms()["unit_types"].get(unit) if unit else None
    return Issuer(official_case(caps), place or None, level)


def issuer_of_authority_line(line: str) -> Issuer | None:
    """``CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KON TUM`` → the UBND; ``THỦ TƯỚNG CHÍNH PHỦ`` →
    the Prime Minister; ``BỘ TRƯỞNG BỘ TÀI CHÍNH`` → the Ministry."""
    if _fkey(line) in _national():
        return Issuer(_national()[_fkey(line)], None, "national")
    pos = _position_at(line)
    if pos and pos[1]:
        return issuer_from_caps([pos[1]])
    if _starts_body(line):
        return issuer_from_caps([line])
    return None


# --- fields ---------------------------------------------------------------------------

# "Số:" as printed and as OCR breaks it ("S6:", "Sô:"); a draft leaves the number blank
# ("Số:      /QĐ-UBND", "Số: …/KH-UBND"); the Party writes "Số 38-CT/TW".
_NUMBER = re.compile(
    r"^\s*(?:Luật\s+)?S[ốôoóồổộ06]\s*[:;.]?\s*(?:(\d{1,6})|[.…_]*)\s*([/-]\s*[A-ZĐ0-9][\w\-/.&Đđ]*)", re.I)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,6})(/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)+)\s*$")
_DATE_TAIL = (r"\s{0,40}+,\s*(?:ngay\s+(?:(\d{1,2})\s+|[.…_]+\s*)?(?:thang|ngay)\s+(?:(\d{1,2})\s*|[.…_]+\s*)?"
              r"nam\s+(\d{4})|(?:ngay\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}))")
_PLACE_DATE = re.compile(r"(?:^|\s)([^\d,:;]{2,40}?)" + _DATE_TAIL)
# The comma left out ("Hà Nội ngày 01 tháng 12 năm 2025"): only a line that is nothing
# else, its place in capitalised words (folded text: checked on the printed line).
_PLACE_DATE_NO_COMMA = re.compile(
    r"^\s*((?:\S+\s+){0,4}?\S+)\s+ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})\s*$")
# What follows the title or ends the header block: the legal basis, the addressee, the
# preamble, or the first item.
_ENDS_TITLE = re.compile(
    r"^(?:Căn cứ|Kính gửi|Xét|Theo đề nghị|"
    r"[IVX]+\.\s|\d{1,2}\.\s|[-+•]\s|Điều\s+\d|Chương\s+[IVX\d]|Nơi nhận)")
# Openings of a preamble that a title may also start with ("Triển khai xây dựng …"):
# they end the title only after its first line.
_PREAMBLE = re.compile(r"^(?:Thực hiện|Triển khai|Để |Nhằm |Trên cơ sở|Thời gian qua)")


def proper_name_at(text: str) -> str | None:
    """The run of capitalised words that opens ``text`` (``Hà Đông giai đoạn`` → ``Hà Đông``)."""
    words = []
    for word in text.split():
        if word[:1].isupper() and word.rstrip(",.;:").isalpha():
            words.append(word.rstrip(",.;:"))
            if word[-1] in ",.;:":
                break
        else:
            break
    return " ".join(words) or None


def _lines(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, line) of the first ``limit`` lines of ``text``, each cut to its first
    ``LINE_MAX`` characters."""
    out, pos = [], 0
    for line in text.split("\n", limit)[:limit]:
        out.append((pos, line[:LINE_MAX]))
        pos += len(line) + 1
    return out


@functools.cache
def _motto_words() -> frozenset[str]:
    return frozenset(fold_chars(w) for w in terms()["motto_words"])


def _is_motto(line: str) -> bool:
    """Only words of the mottos, with or without diacritics (``CONG HOA XA HOI …``)."""
    words = re.findall(r"\w+", fold_chars(line))
    return bool(words) and all(w in _motto_words() for w in words)


def _is_mark(line: str) -> bool:
    """``DỰ THẢO``, ``HỎA TỐC``, ``*``: stamps in the header block."""
    key = re.sub(r"[()\d]", " ", fold_chars(line))
    key = " ".join(key.replace("lần", "lan").split())
    return key in terms()["header_marks"]


def kind_heading(line: str) -> str | None:
    """``KẾ HOẠCH`` (or OCR's ``KÊ HOẠCH``) → ``KH``; only a line in capitals counts."""
    if not is_all_caps(line):
        return None
    return _kinds().get(_fkey(line.strip().rstrip(":")))


def doc_type_of_number(number: str) -> str | None:
    """``231/KH-UBND`` → KH; ``10/2025/TT-BKHCN`` → TT; ``38-CT/TW`` → CT (the Party puts
    the kind before the slash); ``1085/UBND-KTN`` (no kind in the symbol) → CV."""
    codes = {code.upper(): code for code, kind in kinds().items() if kind["headings"]}
    party = re.match(r"^\d*-([^\W\d_]+)/", number)
    if party and party.group(1).upper() in codes:
        return codes[party.group(1).upper()]
    part = number.split("/")[-1]
    head = part.split("-")[0].upper()
    if head in codes:
        return codes[head]
    return "CV" if "-" in part else None


def is_joint_symbol(symbol: str | None) -> bool:
    """``36/2014/TTLT-BKHCN-BNV``, ``3328/CTPH-BKHCN-TTH``: a joint document's symbol."""
    code = re.sub(r"\s+", "", symbol or "").split("/")[-1].split("-")
    return len(code) > 2 and code[0].upper() in {k.upper() for k in terms()["joint_kinds"]}


def _symbol_body(symbol: str | None) -> str | None:
    """The local body kind a symbol names: ``45/CT-UBND`` → ``Ủy ban nhân dân``."""
    code = re.sub(r"\s+", "", symbol or "").split("/")[-1].split("-")[-1].upper()
    return terms()["local_bodies"].get(code) if code in ("UBND", "HĐND") else None


def parse_number(line: str) -> tuple[str | None, re.Match] | None:
    """``Số: 231/KH-UBND`` → (``231/KH-UBND``, match); a blank number gives ``None``."""
    m = _NUMBER.search(line)
    if not m:
        return None
    symbol = re.sub(r"\s+", "", m.group(2)).rstrip(".,;")
    return (m.group(1) + symbol if m.group(1) else None), m


def _iso_date(day: str | None, month: str | None, year: str) -> str | None:
    y = int(year)
    if not valid_year(y):
        return None
    if month is None:
        return f"{y:04d}"
    if day is None:
        return iso_month(y, int(month))
    return iso_day(y, int(month), int(day))


def _clean_place(place: str) -> str:
    words = place.split()
    while words and not words[0][:1].isupper():  # "… miền Trung Hà Nội": keep the name
        words = words[1:]
    place = " ".join(words)
    if is_all_caps(place):
        place = _title_words(place)
    # the place as printed (convention 1), its unit word written out: "TP. Huế" → "Thành phố Huế"
    for abbr, full in sorted(terms()["place_abbreviations"].items(), key=lambda x: -len(x[0])):
        if place.lower().startswith(abbr + " "):
            return full + " " + place[len(abbr):].strip()
    return place


def parse_place_date(line: str) -> tuple[str | None, str | None, int, int] | None:
    """``TP. Hồ Chí Minh, ngày 02 tháng 4 năm 2016`` → (``Hồ Chí Minh``, ``2016-04-02``,
    start, end); ``ngày 5/3/2014`` and a draft's ``ngày  tháng  năm 2024`` (→ ``2024``) too."""
    line = line.replace("*", " ")  # a footnote mark in the date ("tháng 11* năm 2025")
    m = _PLACE_DATE.search(fold_chars(line))
    if not m:
        bare = _PLACE_DATE_NO_COMMA.match(fold_chars(line))
        place = line[bare.start(1):bare.end(1)] if bare else ""
        if not bare or not all(w[:1].isupper() for w in place.split()):
            return None
        return _clean_place(place), _iso_date(bare.group(2), bare.group(3), bare.group(4)), bare.start(1), bare.end()
    if m.group(4):
        day, month, year = m.group(2), m.group(3), m.group(4)
    else:
        day, month, year = m.group(5), m.group(6), m.group(7)
    place = _clean_place(line[m.start(1):m.end(1)].strip()) or None
    return place, _iso_date(day, month, year), m.start(1), m.end()


def _position_case(caps: str) -> str:
    """``PHÓ CHỦ TỊCH`` → ``Phó Chủ tịch``; ``VỤ TRƯỞNG VỤ PHÁP CHẾ`` → ``Vụ trưởng Vụ
    Pháp chế``; OCR's ``CHU TỊCH`` → ``Chủ tịch`` (the printed form from the vocabulary)."""
    pos = _position_at(caps)
    if pos is None:
        return official_case(caps)
    words = pos[0].lower().split()
    head = "Phó " + _cap(" ".join(words[1:])) if words[0] == "phó" and len(words) > 1 else _cap(" ".join(words))
    for proper in terms()["proper_in_titles"]:  # "Chánh Văn phòng", "Thủ tướng Chính phủ"
        head = re.sub(r"(?<=\s)" + re.escape(proper.lower()), proper, head)
    return head + (" " + official_case(pos[1]) if pos[1] else "")


def authority_case(prefix: str, rest: str) -> str:
    """``KT.`` + ``CHỦ TỊCH`` → ``KT. Chủ tịch``; ``T/M`` + ``BAN BÍ THƯ`` → ``TM. Ban Bí thư``."""
    key = prefix.upper().rstrip(".:")
    written = terms()["authority_prefixes"].get(key, key + ".")
    inner = _position_case(rest) if _position_at(rest) else official_case(rest)
    return f"{written} {inner}"


# --- the header block -----------------------------------------------------------------


def _ends_zone(line: str) -> bool:
    if _ENDS_TITLE.match(line) or _PREAMBLE.match(line) or _AUTHORITY.match(line):
        return True
    # A long running paragraph is the body, not the header block.
    return (len(line) > 120 and not is_all_caps(line) and not line.startswith("V/v")
            and not parse_number(line) and not PLACE_DATE_LINE.match(line))


@dataclass
class _Block:
    zone: list[tuple[int, str]]  # header lines before the kind heading (or the body)
    kind_at: int | None  # index of the kind heading in ``head``
    head: list[tuple[int, str]]


def header_block(body: str) -> _Block:
    head = _lines(body, HEADER_LINES + 14)
    kind_at = None
    end = min(len(head), HEADER_LINES)
    for i, (_, line) in enumerate(head[: HEADER_LINES + 2]):
        if kind_heading(line):
            kind_at, end = i, i
            break
        if _ends_zone(line):
            end = min(end, i)
            break
    return _Block(head[:end], kind_at, head)


def header_end(body: str) -> int:
    """Offset in ``body`` where the header block (issuing body, motto, number, place and
    date, ``V/v``) ends: bodies named there are the letterhead, not mentions in the text."""
    zone = header_block(body).zone
    return zone[-1][0] + len(zone[-1][1]) if zone else 0


def _caps_issuer_lines(lines: list[str]) -> list[str]:
    """The issuing body's lines: capitals that are not motto, number, date, kind or a
    stamp; those above the number line when there are any (the body sits over it)."""
    out, before_number = [], None
    for line in lines:
        if parse_number(line) or _BARE_NUMBER.match(line):
            before_number = list(out) if before_number is None else before_number
            continue
        if (is_all_caps(line) and not _is_motto(line) and not _is_mark(line) and not kind_heading(line)
                and not parse_place_date(line) and not line.startswith("V/v")):
            out.append(line)
    return before_number if before_number else out


def _title_case(caps: str) -> str:
    """A title printed in capitals → sentence case, acronyms and codes kept."""
    keep = {a.upper() for a in terms()["title_acronyms"]}
    words = []
    for word in caps.split():
        core = word.strip(",.;:()“”\"'")
        words.append(word if core.upper() in keep or any(ch.isdigit() for ch in core) else word.lower())
    text = " ".join(words)
    for proper in sorted(terms()["proper_in_titles"], key=len, reverse=True):
        text = re.sub(r"(?<=\s)" + re.escape(proper.lower()), proper, text)
    text = _restore_places(text)
    return text[:1].upper() + text[1:]


def _restore_places(text: str) -> str:
    """``tỉnh khánh hòa`` (a title lowered from capitals) → ``tỉnh Khánh Hòa``: after each
    unit word, the longest run of words the localities gazetteer knows as that kind."""
    from gazetteer.localities import candidates

    words = text.split(" ")
    i = 0
    while i < len(words):
        unit = next((u for u in ("thành phố", "thị xã", "tỉnh", "xã", "phường", "thị trấn")
                     if " ".join(words[i:i + len(u.split())]) == u), None)
        if unit is None:
            i += 1
            continue
        i += len(unit.split())
        for n in range(min(4, len(words) - i), 0, -1):
            core = [w.rstrip(",.;:") for w in words[i:i + n]]
            if any(w != c for w, c in zip(words[i:i + n - 1], core[:-1])):
                continue  # punctuation inside: the name ends before it
            found = [u.name for u in candidates(" ".join(core)) if u.kind == unit]
            if found and found[0].casefold() == " ".join(core).casefold():
                proper = found[0].split()
                words[i:i + n] = [p + w[len(c):] for p, w, c in zip(proper, words[i:i + n], core)]
                i += n
                break
    return " ".join(words)


def _is_authority_line(line: str) -> bool:
    """Does a capital line after the title name the enacting authority (``CHỦ TỊCH ỦY BAN
    NHÂN DÂN TỈNH X``, ``THỦ TƯỚNG CHÍNH PHỦ``, ``BỘ TRƯỞNG BỘ Y TẾ``, ``ỦY BAN NHÂN DÂN
    THÀNH PHỐ X``)? A title line that merely opens like a body (``BAN HÀNH KẾ HOẠCH …``,
    OCR-free ``BỎ …`` folding like ``BỘ``) does not."""
    if _position_at(line) is not None or _fkey(line) in _national():
        return True
    local = _local_issuer(line)
    if local is not None:
        return local.locality is not None
    upper = " ".join(line.upper().split())
    heads = [h.upper() for h in _ORG_HEADS if h not in ("ban",)]
    return any(upper.startswith(h + " ") for h in heads) and len(upper.split()) <= 8 and not any(
        c.isdigit() for c in upper)


def title_after_heading(head: list[tuple[int, str]], kind_at: int) -> tuple[str | None, list[tuple[int, str]], str | None]:
    """(title, its lines, ``CỦA …`` issuer line) after the kind heading.

    A title may be printed in capitals (Nghị định, older decisions); it then runs on over
    capital lines until an authority line (``ỦY BAN NHÂN DÂN TỈNH …``, ``THỦ TƯỚNG CHÍNH
    PHỦ``) or the preamble. A mixed-case title ends at a capital line, at the preamble,
    or at a line that closes a sentence.
    """
    i = kind_at + 1
    of_line = None
    if i < len(head) and is_all_caps(head[i][1]) and fold_chars(head[i][1]).startswith("cua "):
        of_line = head[i][1][4:].strip()  # "CHỈ THỊ / CỦA BAN BÍ THƯ"
        i += 1
    parts: list[tuple[int, str]] = []
    caps_title = False
    while i < len(head) and len(parts) < 6:
        pos, line = head[i]
        if not line or _ENDS_TITLE.match(line) or kind_heading(line) or PLACE_DATE_LINE.match(line):
            break
        if parts and _PREAMBLE.match(line):
            break
        if is_all_caps(line) or (line.isalpha() and line.isupper()):  # "Ý" / "KIẾN CHỈ ĐẠO …"
            authority = _is_authority_line(line)
            if parts and not caps_title:
                break
            if authority and not (parts and ends_dangling(parts[-1][1])):
                break
            if re.match(r"^(?:KHÓA|KHOÁ|KỲ HỌP)\b", line):
                break
            caps_title = True
        else:
            # a caps heading may run on in lower case ("KẾT LUẬN CỦA … / về tình hình …"):
            # a line opening in lower case continues, it cannot start a sentence
            if caps_title and not line[:1].islower():
                break
            if parts and parts[-1][1].endswith((".", ":", ";")):
                break
            if parts and line.endswith((".", ":", ";")) and len(line) > 80:
                break  # the first paragraph of the body
            if parts and len(line) > 200 and not ends_dangling(parts[-1][1]):
                break  # a paragraph (OCR lines that lost their final stop)
        parts.append((pos, line))
        i += 1
    if not parts:
        return None, [], of_line
    if parts and re.match(r"^V/v\b", parts[0][1], re.I):  # a Công điện's "V/v …" under its heading
        pos, line = parts[0]
        cut = re.match(r"^V/v\s*:?\s*", line, re.I).end()
        parts[0] = (pos + cut, line[cut:])
    if caps_title:
        caps = [line for _, line in parts if is_all_caps(line) or (line.isalpha() and line.isupper())]
        tail = [line for _, line in parts[len(caps):]]  # lower-case lines follow the caps
        return " ".join([_title_case(" ".join(caps))] + tail), parts, of_line
    return " ".join(line for _, line in parts), parts, of_line


_GLUED_PREAMBLE = re.compile(r"\s(?:Căn cứ|Xét đề nghị|Theo đề nghị)\b")


def title_before_heading(head: list[tuple[int, str]], at: int) -> tuple[str | None, list[tuple[int, str]], str | None]:
    """(title, its lines, kind) when OCR read the trích yếu before its kind heading: the
    lines where the header block ends, then ``NGHỊ ĐỊNH`` within two lines; a preamble
    glued to the title (``… vốn nhà nước Căn cứ Luật …``) is cut off."""
    for j in range(at + 1, min(at + 3, len(head))):
        kind = kind_heading(head[j][1])
        if kind is None:
            continue
        lines = [(pos, line) for pos, line in head[at:j] if line and not is_all_caps(line)]
        if not lines or _ENDS_TITLE.match(lines[0][1]) or _PREAMBLE.match(lines[0][1]):
            return None, [], None
        text = " ".join(line for _, line in lines)
        cut = _GLUED_PREAMBLE.search(text)
        text = text[:cut.start()] if cut else text
        return text.strip(), [(lines[0][0], text.strip())], kind
    return None, [], None


def title_of_letter(zone: list[tuple[int, str]]) -> tuple[str | None, list[tuple[int, str]]]:
    """A Công văn's ``V/v …`` summary, with its wrapped lines (the date or the motto may
    stand between them when columns were read side by side)."""
    for k, (pos, line) in enumerate(zone):
        m = re.match(r"^V/v\s*:?\s*(.+)$", line)
        if not m:
            continue
        parts = [(pos + m.start(1), m.group(1).strip())]
        dated = False
        for pos2, nxt in zone[k + 1:]:
            acronym = " " not in nxt.strip() and is_all_caps(nxt) and not parts[-1][1].endswith((".", ";"))
            if PLACE_DATE_LINE.match(nxt) or parse_place_date(nxt):
                dated = True
                continue
            if (_is_motto(nxt) or _is_mark(nxt)
                    or (is_all_caps(nxt) and not any(c.isdigit() for c in nxt) and not acronym)):
                continue
            if parse_number(nxt) or nxt.startswith(("Kính gửi", "V/v")) or nxt.endswith(":"):
                break
            sentence = len(nxt) > 60 or "," in " ".join(nxt.split()[:3])  # "Ngày 18/11/2025, Sở …"
            if dated and nxt[:1].isupper() and sentence and not ends_dangling(parts[-1][1]):
                break  # a sentence of the body after the date, not the summary wrapped beside it
            parts.append((pos2, nxt))
        title = " ".join(t for _, t in parts)
        return title[:1].upper() + title[1:], parts  # the trích yếu opens a sentence
    return None, []


# --- signature ------------------------------------------------------------------------


def _signature_parts(line: str) -> tuple[str, str] | None:
    """(``authority`` | ``position``, written form) for a signature-block line."""
    found = signature_line(line)
    if found is None:
        return None
    kind, run = found
    return kind, (_authority_written(run) if kind == "authority" else _position_written(run))


def _position_written(run: str) -> str:
    """``PHÓ CHỦ TỊCH`` → ``Phó Chủ tịch``; ``Q. CHỦ TỊCH`` (held ad interim) → ``Q. Chủ tịch``."""
    m = _AUTHORITY.match(run)
    acting = terms()["acting_prefixes"]
    if m and m.group(1).upper() in acting and _position_at(m.group(2)):
        return acting[m.group(1).upper()] + " " + _position_case(m.group(2))
    return _position_case(run)


def _authority_written(run: str) -> str:
    m = _AUTHORITY.match(run)
    return authority_case(m.group(1), m.group(2))


def extract_signer(ctx: Context) -> tuple[dict | None, Span | None]:
    """Name, position and authority of the signature block the text layer found
    (``NormalisedText.signature``), written in official case."""
    sig = ctx.text.signature
    if sig is None:
        return None, None
    position = _position_written(sig.position) if sig.position else None
    authority = _authority_written(sig.authority) if sig.authority else None
    span = ctx.text.span(sig.name_start, sig.name_start + len(sig.name)) if sig.name else None
    return {"name": sig.name, "position": position, "authority": authority}, span


# --- issuer when the header block is gone ---------------------------------------------


def _issuer_fallback(body: str, place: str | None) -> Issuer | None:
    """No issuing-body lines: read the issuer from the authority line of a decision
    (``CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KON TUM``), from the enacting sentence
    (``Ủy ban nhân dân (UBND) tỉnh … ban hành``), or from ``TM. ỦY BAN NHÂN DÂN`` + place."""
    for _, line in _lines(body, 30):
        if is_all_caps(line) and not _is_motto(line) and not _AUTHORITY.match(line):
            issuer = issuer_of_authority_line(line)
            if issuer and (issuer.level == "national" or issuer.locality):
                return issuer
    bodies = "|".join(re.escape(b) for b in sorted(terms()["local_bodies"].values(), key=len, reverse=True))
    units = "|".join(sorted(terms()["unit_types"], key=len, reverse=True))
    enact = re.compile(
        rf"(?:^|,\s)({bodies}|UBND)\s*(?:\((?:UBND|HĐND)\)\s*)?({units})\b(.{{0,60}}?)\s(?:xây dựng và\s+)?ban hành",
        re.I | re.M)
    m = enact.search(body)
    if m and (not m.group(3).strip() or proper_name_at(m.group(3).strip()) == m.group(3).strip()):
        kind = terms()["local_bodies"].get(m.group(1).upper(), _cap(m.group(1).lower()))
        unit = m.group(2).lower()
        name = m.group(3).strip() or None
        if name and name.isupper():
            name = _title_words(name)
        if not name:
            near = re.search(rf"\b{unit}\s+(\S.*)", body[m.end():m.end() + 300])
            name = (proper_name_at(near.group(1)) if near else None) or place
        if name:
            return Issuer(f"{kind} {unit} {name}", name, terms()["unit_types"].get(unit))
    closing = _closing_issuer(body)
    if closing:
        return closing
    tm = re.search(r"^TM\.\s*(.+)$", body, re.M)
    if tm and place:
        kind = official_case(tm.group(1))
        unit = re.search(rf"\b({units})\s+{re.escape(place)}\b", body)
        if unit:
            u = unit.group(1).lower()
            return Issuer(f"{kind} {u} {place}", place, terms()["unit_types"].get(u))
    return None


_CLOSING = re.compile(r"^([A-ZĐ][^\n,;:]{3,60}?)\s+(?:xin\s+)?thông báo\s+(?:để|dề|đề|ý kiến|kết luận)", re.M)


def _closing_issuer(body: str) -> Issuer | None:
    """A notice's closing formula names its issuer (``Văn phòng Chính phủ thông báo để …
    biết, thực hiện``) when the header is lost; only a body the national list knows."""
    for m in _CLOSING.finditer(body):
        name = _national_names().get(_fkey(m.group(1))) or _national().get(_fkey(m.group(1)))
        if name:
            return Issuer(name, None, "national")
    return None


def _spelled_as_place(issuer: Issuer, place: str) -> Issuer:
    """A locality printed without diacritics (``HUYEN THACH HA``) that the place/date line
    spells with them (``Thạch Hà, ngày …``) takes the place line's spelling."""
    loc = issuer.locality
    place = split_unit(place)[1] if split_unit(place)[0] else place  # "Thành phố Huế" → "Huế"
    if not loc or not loc.isascii() or place.isascii() or _fkey(loc) != _fkey(place):
        return issuer
    head, sep, tail = issuer.name.rpartition(loc)
    name = head + place + tail if sep else issuer.name
    return Issuer(name, place, issuer.level, issuer.span)


def _parent_locality(body: str, issuer: Issuer) -> str | None:
    """For a commune, the province or city it belongs to, as the text names it."""
    if issuer.level not in ("commune", "district"):
        return None
    for m in re.finditer(r"(?:Ủy ban nhân dân|UBND)\s+(?:tỉnh|thành phố)\s+(\S.*)", body):
        name = proper_name_at(m.group(1))
        if name and name != issuer.locality:
            return name
    if issuer.locality:  # the text names no province: the gazetteer may know the only one
        from gazetteer.localities import province_of

        unit = next((u for u, lvl in terms()["unit_types"].items()
                     if lvl == issuer.level and f" {u} {issuer.locality}" in f" {issuer.name}"), None)
        return province_of(f"{unit} {issuer.locality}") if unit else None
    return None


# --- the whole header -----------------------------------------------------------------


@component("header", requires=("text",), assigns=("document", "locality", "level", "parent_locality"))
def extract_header(ctx: Context) -> Section:
    """Fill ``ctx.document`` (and the issuer's locality/level on ``ctx``).

    Returns a Section whose single item is the contract ``document`` object, with the
    spans of number, date, title, issuer and signer, and the header warnings.
    """
    body = ctx.text.body
    block = header_block(body)
    head, zone = block.head, block.zone
    warnings: list[dict] = []
    spans: list[Span] = []
    # A PDF's header read column by column (pipeline.read.pdfheader) beats the interleaved text.
    column_lines = ctx.text.header
    zone_texts = column_lines or [t for _, t in zone]

    doc_type = kind_heading(head[block.kind_at][1]) if block.kind_at is not None else None

    number = None
    number_line = False
    blank_symbol = ""
    for pos, line in zone or head[:HEADER_LINES]:
        found = parse_number(line)
        if found:
            number_line = True
            number, m = found
            if number:
                spans.append(ctx.text.span(pos + m.start(1), pos + m.end(2)))
            else:
                symbol = re.sub(r"\s+", "", m.group(2))
                warnings.append(warning("blank_number", f"Số: {symbol} (number left blank)"))
                number = None
            blank_symbol = m.group(2)
            break
    if not number_line:
        # the "Số:" label lost (OCR): a line that is nothing but a document symbol
        for pos, line in zone or head[:HEADER_LINES]:
            m = _BARE_NUMBER.match(line)
            if m:
                number_line, number, blank_symbol = True, m.group(1) + m.group(2), m.group(2)
                spans.append(ctx.text.span(pos + m.start(1), pos + m.end(2)))
                break
    if not number_line:
        for line in column_lines:
            found = parse_number(line)
            if found:
                number_line = True
                number, m = found
                blank_symbol = m.group(2)
                if not number:
                    warnings.append(warning("blank_number", f"Số: {blank_symbol} (number left blank)"))
                break

    place = issued = None
    for pos, line in list(zone) + list(head[:HEADER_LINES + 4]):
        text = _NUMBER.sub(lambda m: " " * len(m.group(0)), line)
        found = parse_place_date(text)
        if found:
            place, issued, start, end = found
            if issued is None:  # "ngày 31 tháng 2 năm 2023"
                warnings.append(impossible_date(text[start:end].strip(), "date line"))
            spans.append(ctx.text.span(pos + start, pos + end))
            break

    if doc_type is None and number_line:
        doc_type = doc_type_of_number(number or re.sub(r"\s+", "", blank_symbol))

    title, of_line = None, None
    if block.kind_at is not None:
        title, title_lines, of_line = title_after_heading(head, block.kind_at)
        if title is None:  # OCR read the trích yếu above its heading
            for at in range(max(0, block.kind_at - 2), block.kind_at):
                line = head[at][1]
                if line and not is_all_caps(line) and not parse_place_date(line) and not _is_motto(line):
                    title, title_lines, _ = title_before_heading(head, at)
                    break
    else:
        title, title_lines = title_of_letter(zone)
        if title is None:
            title, title_lines, kind = title_before_heading(head, len(zone))
            doc_type = doc_type or kind
    spans += [ctx.text.span(pos, pos + len(line)) for pos, line in title_lines]

    issuer = issuer_of_authority_line(of_line) if of_line else None
    symbol = number or blank_symbol
    header_issuer = issuer_from_caps(_caps_issuer_lines(zone_texts), _symbol_body(symbol),
                                     joint=is_joint_symbol(symbol) or doc_type in ("TTLT", "NQLT"))
    issuer = issuer or header_issuer
    if issuer is None:
        issuer = _issuer_fallback(body, place)
    if header_issuer is None and not (number and issued):
        warnings.append(warning("missing_header", "no issuing-body line in the header block"
                                + ("" if number else "; no number")
                                + ("" if issued else "; no place/date line")))

    signer, signer_span = extract_signer(ctx)
    if signer is None or not signer.get("name"):
        warnings.append(warning("missing_signer", "no signer name found in the signature block"))
    if signer_span:
        spans.append(signer_span)

    if issuer and place:
        issuer = _spelled_as_place(issuer, place)
    if issuer:
        ctx.locality, ctx.level = issuer.locality, issuer.level
        ctx.parent_locality = _parent_locality(body, issuer)
    document = {
        "doc_type": doc_type,
        "number": number,
        "issuer": {"name": issuer.name, "locality": issuer.locality} if issuer else None,
        "place": place,
        "issued_date": issued,
        "title": title,
        "signer": signer,
    }
    ctx.document = document
    return Section(items=[document], spans=[spans], warnings=warnings)
