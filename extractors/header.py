"""The header of an official document: kind, number, issuer, place, date, title, signer.

A Vietnamese administrative document opens with two columns — issuing body | national
motto, then number | place and date (a Công văn adds its ``V/v …`` summary under the
number) — then the kind heading (KẾ HOẠCH), the title (trích yếu), and ends with the
signature block (TM./KT. …, position, name), often side by side with ``Nơi nhận``.
Sources lose parts of it (a draft's blank number, a header cut off, OCR damage): each
missing field is ``None`` with a warning, never an error. Words are matched without
diacritics where OCR breaks them (``KÊ HOẠCH``, ``ngay … thang``, ``CHU TỊCH``).
Vocabulary lives in ``gazetteer/header_terms.yml``.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from gazetteer import load_yaml
from pipeline.models import Context, Section, Span, warning

from .dates import impossible_date, iso_day, iso_month, valid_year
from pipeline.normalize import PLACE_DATE_LINE, ends_dangling, is_all_caps, normalize_line, split_motto

HEADER_LINES = 16  # the header block sits in the first lines of page 1
SIGNATURE_LINES = 40


@functools.cache
def terms() -> dict:
    return load_yaml("header_terms.yml")


# --- folding: compare without diacritics, keeping every offset ------------------------

@functools.cache
def _fold_char(c: str) -> str:
    if c in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base if len(base) == 1 else c


def fold(text: str) -> str:
    """``KẾ HOẠCH`` → ``ke hoach``; one character for one, so offsets carry over."""
    return "".join(_fold_char(c) for c in text)


def _fkey(text: str) -> str:
    return " ".join(fold(text).split())


@functools.cache
def _kinds() -> dict[str, str]:
    return {_fkey(k): v for k, v in terms()["document_kinds"].items()}


@functools.cache
def _positions() -> list[tuple[str, str]]:
    """(folded, printed) positions, longest first."""
    return sorted(((_fkey(p), p) for p in terms()["positions"]), key=lambda x: -len(x[0]))


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
              "trung tâm", "văn phòng", "thanh tra", "đài", "báo", "cổng", "học viện")


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
    for unit in sorted(terms()["unit_types"], key=len, reverse=True):
        if fold(low).startswith(fold(unit) + " ") or fold(low) == fold(unit):
            return unit, restore_place(_title_words(low[len(unit):].strip()), unit)
    return None, _title_words(low)


def _local_prefix(caps: str) -> tuple[str, str] | None:
    """(written body kind, remainder) when ``caps`` opens with a local body kind."""
    key = fold(caps)
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
    national = _national().get(_fkey(caps))
    if national:
        return national
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


def _is_parent_of(upper: str, lower: str) -> bool:
    """Is ``upper`` a local body heading ``lower`` (UBND TỈNH X / SỞ Y), rather than two
    parties side by side (ỦY BAN NHÂN DÂN TỈNH X - BỘ Y)?"""
    parent = _local_issuer(upper)
    if parent is None or parent.locality is None or _local_issuer(lower) is not None:
        return False
    return not (lower.upper().startswith("BỘ ") or _fkey(lower) in _national())


def _starts_body(line: str) -> bool:
    low = " ".join(line.lower().split())
    return (any(fold(low).startswith(fold(h) + " ") for h in _ORG_HEADS) or _local_prefix(line) is not None
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
        if out and (not _starts_body(line) or not _is_complete(out[-1])):
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


def _position_at(caps: str) -> tuple[str, str] | None:
    """(printed position, remainder) when ``caps`` opens with a position; exact spelling
    first (THỨ TRƯỞNG and THỦ TRƯỞNG fold alike), then without diacritics (OCR)."""
    upper = " ".join(caps.upper().split())
    for _, printed in _positions():
        if upper.startswith(printed + " ") or upper == printed:
            return printed, upper[len(printed):].strip()
    key = fold(caps)
    for folded, printed in _positions():
        if key.startswith(folded + " ") or key == folded:
            return printed, caps[len(folded):].strip()
    return None


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
    r"^\s*S[ốôoóồổộ06]\s*[:;.]?\s*(?:(\d{1,6})|[.…_]*)\s*([/-]\s*[A-ZĐ0-9][\w\-/.&Đđ]*)", re.I)
_DATE_TAIL = (r"\s{0,40}+,\s*(?:ngay\s+(?:(\d{1,2})\s+|[.…_]+\s*)?(?:thang|ngay)\s+(?:(\d{1,2})\s+|[.…_]+\s*)?"
              r"nam\s+(\d{4})|(?:ngay\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}))")
_PLACE_DATE = re.compile(r"(?:^|\s)([^\d,:;]{2,40}?)" + _DATE_TAIL)
# "TL.BỘ TRƯỞNG": OCR and text tools drop the space after the dot
_AUTHORITY = re.compile(r"^(T/M|K/T|T/L|TM|KT|TL|TUQ|Q)(?:[.:]\s*|\s+)(\S.*)$")
# What follows the title or ends the header block: the legal basis, the addressee, the
# preamble, or the first item.
_ENDS_TITLE = re.compile(
    r"^(?:Căn cứ|Kính gửi|Xét|Theo đề nghị|"
    r"[IVX]+\.\s|\d{1,2}\.\s|[-+•]\s|Điều\s+\d|Chương\s+[IVX\d]|Nơi nhận)")
# Openings of a preamble that a title may also start with ("Triển khai xây dựng …"):
# they end the title only after its first line.
_PREAMBLE = re.compile(r"^(?:Thực hiện|Triển khai|Để |Nhằm |Trên cơ sở|Thời gian qua)")


def _is_name_word(word: str, first: bool) -> bool:
    """``Bình``; first word only: the one-letter ``Y`` / ``H`` of Ê Đê names; ``H'Hen``."""
    if first and len(word) == 1:
        return word.isupper() and word.isalpha()
    parts = word.split("'")
    return all(p.isalpha() and p[0].isupper() and (p[1:].islower() or not p[1:]) for p in parts) \
        and len(parts) <= 2 and len(word) > 1


def _is_person_name(text: str) -> bool:
    """2–6 capitalised words of letters only: ``Nguyễn Thanh Bình``, ``Y Dhăm Ênuôl``."""
    words = text.replace("’", "'").split()
    return 2 <= len(words) <= 6 and all(_is_name_word(w, i == 0) for i, w in enumerate(words))


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


def _lines(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
        if limit and len(out) >= limit:
            break
    return out


@functools.cache
def _motto_words() -> frozenset[str]:
    return frozenset(fold(w) for w in terms()["motto_words"])


def _is_motto(line: str) -> bool:
    """Only words of the mottos, with or without diacritics (``CONG HOA XA HOI …``)."""
    words = re.findall(r"\w+", fold(line))
    return bool(words) and all(w in _motto_words() for w in words)


def _is_mark(line: str) -> bool:
    """``DỰ THẢO``, ``HỎA TỐC``, ``*``: stamps in the header block."""
    key = re.sub(r"[()\d]", " ", fold(line))
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
    codes = {v.upper(): v for v in terms()["document_kinds"].values()}
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
    for prefix in sorted(terms()["place_prefixes"], key=len, reverse=True):
        if place.lower().startswith(prefix + " "):
            place = place[len(prefix):].strip()
            break
    return _title_words(place) if is_all_caps(place) else place


def parse_place_date(line: str) -> tuple[str | None, str | None, int, int] | None:
    """``TP. Hồ Chí Minh, ngày 02 tháng 4 năm 2016`` → (``Hồ Chí Minh``, ``2016-04-02``,
    start, end); ``ngày 5/3/2014`` and a draft's ``ngày  tháng  năm 2024`` (→ ``2024``) too."""
    m = _PLACE_DATE.search(fold(line))
    if not m:
        return None
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
        if parse_number(line):
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
    for proper in terms()["proper_in_titles"]:
        text = re.sub(r"(?<=\s)" + re.escape(proper.lower()), proper, text)
    return text[:1].upper() + text[1:]


def title_after_heading(head: list[tuple[int, str]], kind_at: int) -> tuple[str | None, list[tuple[int, str]], str | None]:
    """(title, its lines, ``CỦA …`` issuer line) after the kind heading.

    A title may be printed in capitals (Nghị định, older decisions); it then runs on over
    capital lines until an authority line (``ỦY BAN NHÂN DÂN TỈNH …``, ``THỦ TƯỚNG CHÍNH
    PHỦ``) or the preamble. A mixed-case title ends at a capital line, at the preamble,
    or at a line that closes a sentence.
    """
    i = kind_at + 1
    of_line = None
    if i < len(head) and is_all_caps(head[i][1]) and fold(head[i][1]).startswith("cua "):
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
        if is_all_caps(line):
            authority = issuer_of_authority_line(line) is not None or _position_at(line) is not None
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
        parts.append((pos, line))
        i += 1
    if not parts:
        return None, [], of_line
    if caps_title:
        caps = [line for _, line in parts if is_all_caps(line)]
        tail = [line for _, line in parts[len(caps):]]  # lower-case lines follow the caps
        return " ".join([_title_case(" ".join(caps))] + tail), parts, of_line
    return " ".join(line for _, line in parts), parts, of_line


def title_of_letter(zone: list[tuple[int, str]]) -> tuple[str | None, list[tuple[int, str]]]:
    """A Công văn's ``V/v …`` summary, with its wrapped lines (the date or the motto may
    stand between them when columns were read side by side)."""
    for k, (pos, line) in enumerate(zone):
        m = re.match(r"^V/v\s*:?\s*(.+)$", line)
        if not m:
            continue
        parts = [(pos + m.start(1), m.group(1).strip())]
        for pos2, nxt in zone[k + 1:]:
            if (PLACE_DATE_LINE.match(nxt) or parse_place_date(nxt) or _is_motto(nxt)
                    or _is_mark(nxt) or (is_all_caps(nxt) and not any(c.isdigit() for c in nxt))):
                continue
            if parse_number(nxt) or nxt.startswith(("Kính gửi", "V/v")) or nxt.endswith(":"):
                break
            parts.append((pos2, nxt))
        return " ".join(t for _, t in parts), parts
    return None, []


# --- signature ------------------------------------------------------------------------


def _trailing_caps(line: str) -> str | None:
    """The capital words that end a line: ``- Như trên; PHÓ CHỦ TỊCH`` → ``PHÓ CHỦ TỊCH``
    (text tools that drop the gap glue the signature column to ``Nơi nhận``)."""
    words = line.split()
    i = len(words)
    while i > 0 and (words[i - 1].isupper() or words[i - 1] in ("T/M", "K/T", "T/L")):
        i -= 1
    tail = words[i:]
    # start at the first word that opens an authority or a position
    for j in range(len(tail)):
        run = " ".join(tail[j:])
        if _AUTHORITY.match(run) or _position_at(run):
            return run
    return None


def _signature_parts(line: str) -> tuple[str, str] | None:
    """(``authority`` | ``position``, written form) for a signature-block line."""
    run = line if is_all_caps(line) else _trailing_caps(line)
    if not run:
        return None
    m = _AUTHORITY.match(run)
    if m and m.group(1).upper() in terms()["acting_prefixes"] and _position_at(m.group(2)):
        # "Q. CHỦ TỊCH": the signer's own position, held ad interim
        return "position", terms()["acting_prefixes"][m.group(1).upper()] + " " + _position_case(m.group(2))
    if m:
        return "authority", authority_case(m.group(1), m.group(2))
    if _position_at(run):
        return "position", _position_case(run)
    return None


def _scan_signature(lines: list[tuple[int, str]]) -> tuple[str | None, int | None, str | None, str | None]:
    """(name, its offset, position, authority) reading ``lines`` upwards (see extract_signer)."""
    noise = {n.lower() for n in terms()["signature_noise"]}
    name = name_pos = position = authority = None
    for pos, raw in reversed(lines):
        text = raw.strip()
        if not text or text.lower() in noise:
            continue
        if text.startswith(("-", "+", "•", "Nơi nhận")):
            found = _signature_parts(text)  # "- Như trên; KT. CHỦ TỊCH"
        elif name is None and position is None and authority is None and _is_person_name(text):
            name, name_pos = text, pos
            continue
        else:
            found = _signature_parts(text)
            if found is None and not is_all_caps(text) and (len(text) > 60 or text.endswith((".", ";", ":"))):
                break  # the body
        if found is None:
            continue
        kind, value = found
        if kind == "position" and position is None and authority is None:
            position = value
        elif kind == "authority" and authority is None:
            authority = value
    return name, name_pos, position, authority


def _block_before_annex(lines: list[tuple[int, str]]) -> list[tuple[int, str]] | None:
    """When an annex follows the signature (a Quy chế or Kế hoạch ban hành kèm theo), the
    lines up to the signer's name under the last authority or position line."""
    for i in range(len(lines) - 1, -1, -1):
        text = lines[i][1].strip()
        if not (is_all_caps(text) and (_AUTHORITY.match(text) or _position_at(text))):
            continue
        for j in range(i + 1, min(i + 8, len(lines))):
            if _is_person_name(lines[j][1].strip()):
                return lines[:j + 1]
    return None


def extract_signer(ctx: Context, body: str) -> tuple[dict | None, Span | None]:
    """Name, position and authority from the end of the body.

    Reading upwards: the signer's name is the lowest person-name line; the position is the
    nearest position line above it; the authority the nearest TM./KT./TL. line above that
    (``TM. Ủy ban nhân dân / KT. Chủ tịch`` keeps ``KT. Chủ tịch``). ``Nơi nhận`` items
    in between are skipped; a running paragraph ends the block. When the end of the body
    holds no signature (an annex follows it), the last signature block above is read.
    """
    lines = _lines(body)
    name, name_pos, position, authority = _scan_signature(lines[-SIGNATURE_LINES:])
    if name is None:
        block = _block_before_annex(lines)
        if block is not None:
            name, name_pos, position, authority = _scan_signature(block[-SIGNATURE_LINES:])
    if name is None and position is None:
        return None, None
    span = ctx.text.span(name_pos, name_pos + len(name)) if name else None
    return {"name": name, "position": position, "authority": authority}, span


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
    tm = re.search(r"^TM\.\s*(.+)$", body, re.M)
    if tm and place:
        kind = official_case(tm.group(1))
        unit = re.search(rf"\b({units})\s+{re.escape(place)}\b", body)
        if unit:
            u = unit.group(1).lower()
            return Issuer(f"{kind} {u} {place}", place, terms()["unit_types"].get(u))
    return None


def _spelled_as_place(issuer: Issuer, place: str) -> Issuer:
    """A locality printed without diacritics (``HUYEN THACH HA``) that the place/date line
    spells with them (``Thạch Hà, ngày …``) takes the place line's spelling."""
    loc = issuer.locality
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
    # A PDF's header read column by column (pipeline.pdfheader) beats the interleaved text.
    column_lines = [t for x in (ctx.source.header_lines or []) for t in split_motto(normalize_line(x)) if t]
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
    else:
        title, title_lines = title_of_letter(zone)
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

    signer, signer_span = extract_signer(ctx, body)
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
