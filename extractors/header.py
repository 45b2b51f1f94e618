"""The header of an official document: kind, number, issuer, place, date, title, signer.

A Vietnamese administrative document opens with two columns — issuing body | national
motto, then number | place and date — then the kind heading (KẾ HOẠCH), the title
(trích yếu), and ends with the signature block (TM./KT. …, position, name). Sources lose
parts of it (a draft's blank number, a header cut off): each missing field is ``None``
with a warning, never an error. Vocabulary lives in ``gazetteer/header_terms.yml``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from gazetteer import load_yaml
from pipeline.models import Context, Section, Span, warning
from pipeline.normalize import is_all_caps, normalize_line, starts_item

HEADER_LINES = 16  # the header block sits in the first lines of page 1
SIGNATURE_LINES = 40


@functools.cache
def terms() -> dict:
    return load_yaml("header_terms.yml")


# --- casing of names printed in capitals ----------------------------------------------

# Heads of organisation names whose remainder is capitalised segment by segment
# ("Bộ Văn hóa, Thể thao và Du lịch"): the official naming convention.
_ORG_HEADS = ("tổng cục", "chi cục", "cục", "bộ", "sở", "ban", "phòng", "vụ", "viện",
              "trung tâm", "văn phòng", "thanh tra", "đài", "báo", "cổng", "học viện")


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _capitalise_segments(name: str) -> str:
    parts = re.split(r"(\s+và\s+|,\s*|\s+-\s+)", name.lower())
    return "".join(p if i % 2 else _cap(p.strip()) for i, p in enumerate(parts))


def _title_words(name: str) -> str:
    return " ".join(_cap(w) for w in name.split())


def split_unit(rest: str) -> tuple[str | None, str]:
    """``TỈNH THỪA THIÊN HUẾ`` → (``tỉnh``, ``Thừa Thiên Huế``)."""
    low = rest.strip()
    for abbr, full in terms()["unit_abbreviations"].items():
        if low.upper().startswith(abbr + " "):
            return full, _title_words(low[len(abbr):].strip())
    for unit in sorted(terms()["unit_types"], key=len, reverse=True):
        if low.lower().startswith(unit + " ") or low.lower() == unit:
            return unit, _title_words(low[len(unit):].strip())
    return None, _title_words(low)


def official_case(caps: str) -> str:
    """Name printed in capitals → as written in running text.

    ``ỦY BAN NHÂN DÂN TỈNH KON TUM`` → ``Ủy ban nhân dân tỉnh Kon Tum``;
    ``BỘ KHOA HỌC VÀ CÔNG NGHỆ`` → ``Bộ Khoa học và Công nghệ``.
    """
    caps = " ".join(caps.split())
    upper = caps.upper()
    for printed, written in sorted(terms()["local_bodies"].items(), key=lambda kv: -len(kv[0])):
        if upper.startswith(printed + " ") or upper == printed:
            unit, place = split_unit(caps[len(printed):])
            return " ".join(x for x in (written, unit, place) if x)
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


def issuer_from_caps(lines: list[str]) -> Issuer | None:
    """Issuing-body lines (capitals) → the issuer; a parent line gives the locality
    (``UBND TỈNH KON TUM`` / ``SỞ TÀI CHÍNH`` → Sở Tài chính, Kon Tum)."""
    if not lines:
        return None
    bodies = _body_lines(lines)
    parent = _local_issuer(bodies[0]) if len(bodies) > 1 else None
    name = official_case(bodies[-1])
    local = _local_issuer(bodies[-1])
    if local:
        return local
    if parent:
        return Issuer(name, parent.locality, parent.level)
    return Issuer(name, None, "national")


def _body_lines(lines: list[str]) -> list[str]:
    """Group wrapped capital lines into one line per body (a new body starts with a head)."""
    heads = tuple(h.upper() for h in _ORG_HEADS) + tuple(terms()["local_bodies"])
    out: list[str] = []
    for line in lines:
        starts_body = line.upper().startswith(heads)
        if out and (not starts_body or not _is_complete(out[-1])):
            out[-1] += " " + line
        else:
            out.append(line)
    return out


def _is_complete(line: str) -> bool:
    local = _local_issuer(line)
    return local is None or local.locality is not None


def _local_issuer(caps: str) -> Issuer | None:
    upper = " ".join(caps.upper().split())
    for printed in sorted(terms()["local_bodies"], key=len, reverse=True):
        if upper.startswith(printed + " ") or upper == printed:
            unit, place = split_unit(caps.strip()[len(printed):])
            level = terms()["unit_types"].get(unit) if unit else None
            return Issuer(official_case(caps), place or None, level)
    return None


# --- fields ---------------------------------------------------------------------------

_NUMBER = re.compile(r"^\s*S[ốố]\s*:?\s*(\d*)\s*/\s*([\w\-/.&]+)")
_PLACE_DATE = re.compile(
    r"(?:^|\s)([^\d,:;]{2,40}?)\s*,\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I
)
def _is_person_name(text: str) -> bool:
    """2–5 capitalised words of letters only: ``Nguyễn Thanh Bình``."""
    words = text.split()
    return 2 <= len(words) <= 5 and all(w.isalpha() and w[0].isupper() and w[1:].islower() for w in words)


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
_AUTHORITY = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s*(.+)$")


# What follows the title: the legal basis, the addressee, or the first item.
_ENDS_TITLE = re.compile(r"^(?:Căn cứ|Kính gửi|Xét|Theo đề nghị|[IVX]+\.\s|\d{1,2}\.\s|[-+•]\s|Điều\s+\d)")


def _lines(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
        if limit and len(out) >= limit:
            break
    return out


def _is_motto(line: str) -> bool:
    words = re.findall(r"\w+", line.upper())
    return bool(words) and all(w in terms()["motto_words"] for w in words)


def kind_heading(line: str) -> str | None:
    key = " ".join(line.strip().rstrip(":").split()).upper()
    if not is_all_caps(line):
        return None
    return terms()["document_kinds"].get(key)


def _doc_type_of_symbol(symbol: str) -> str | None:
    """``KH-UBND`` → KH; ``2015/QĐ-UBND`` → QĐ; ``UBND-VP`` (a letter) → CV."""
    part = symbol.split("/")[-1]
    head = part.split("-")[0].upper()
    codes = {v.upper(): v for v in terms()["document_kinds"].values()}
    if head in codes:
        return codes[head]
    return "CV" if part else None


def _iso_date(day: str, month: str, year: str) -> str | None:
    d, m, y = int(day), int(month), int(year)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _position_case(caps: str) -> str:
    """``PHÓ CHỦ TỊCH`` → ``Phó Chủ tịch``; ``KT. CHỦ TỊCH`` → ``KT. Chủ tịch``."""
    m = _AUTHORITY.match(caps)
    if m:
        return f"{m.group(1)}. {_position_case(m.group(2))}" if m.group(1) != "TM" else \
            f"TM. {official_case(m.group(2))}"
    words = caps.lower().split()
    if words and words[0] == "phó":
        return "Phó " + _cap(" ".join(words[1:]))
    return _cap(" ".join(words))


def extract_signer(ctx: Context, body: str) -> tuple[dict | None, Span | None]:
    lines = _lines(body)[-SIGNATURE_LINES:]
    positions = terms()["positions"]
    name_at = None
    for i in range(len(lines) - 1, -1, -1):
        text = lines[i][1].strip()
        if _is_person_name(text):
            name_at = i
            break
        if starts_item(text) and not _AUTHORITY.match(text):
            break
    position = authority = None
    search_from = name_at if name_at is not None else len(lines)
    for j in range(search_from - 1, max(-1, search_from - 7), -1):
        text = lines[j][1].strip()
        auth = _AUTHORITY.match(text)
        if auth and authority is None:
            authority = _position_case(text)
        elif is_all_caps(text) and position is None and not auth:
            if any(text.upper().startswith(p) for p in positions):
                position = _position_case(text)
    if name_at is None and position is None:
        return None, None
    # "TM. Ủy ban nhân dân / KT. Chủ tịch": the KT. line is the signer's own authority.
    name = lines[name_at][1].strip() if name_at is not None else None
    span = ctx.text.span(lines[name_at][0], lines[name_at][0] + len(name)) if name else None
    return {"name": name, "position": position, "authority": authority}, span


def _issuer_fallback(body: str, place: str | None) -> Issuer | None:
    """No issuing-body lines: read the issuer from the authority line of a decision
    (``CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH KON TUM``), from the enacting sentence
    (``Ủy ban nhân dân (UBND) tỉnh … ban hành``), or from ``TM. ỦY BAN NHÂN DÂN`` + place."""
    positions = terms()["positions"]
    for _, line in _lines(body, 30):
        if is_all_caps(line) and not _is_motto(line):
            for p in positions:
                if line.upper().startswith(p + " "):
                    return issuer_from_caps([line[len(p):].strip()])
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


def _parent_locality(body: str, issuer: Issuer) -> str | None:
    """For a commune, the province or city it belongs to, as the text names it."""
    if issuer.level not in ("commune", "district"):
        return None
    for m in re.finditer(r"(?:Ủy ban nhân dân|UBND)\s+(?:tỉnh|thành phố)\s+(\S.*)", body):
        name = proper_name_at(m.group(1))
        if name and name != issuer.locality:
            return name
    return None


def extract_header(ctx: Context) -> Section:
    """Fill ``ctx.document`` (and the issuer's locality/level on ``ctx``).

    Returns a Section whose single item is the contract ``document`` object, with the
    spans of number, date, title, issuer and signer, and the header warnings.
    """
    body = ctx.text.body
    head = _lines(body, HEADER_LINES + 10)
    warnings: list[dict] = []
    spans: list[Span] = []

    # The kind heading ends the header block; the title follows it.
    kind_at, doc_type = None, None
    for i, (_, line) in enumerate(head):
        doc_type = kind_heading(line)
        if doc_type:
            kind_at = i
            break
    header_zone = head[: kind_at if kind_at is not None else HEADER_LINES]
    zone_lines = [normalize_line(x) for x in (ctx.source.header_lines or [])] or [t for _, t in header_zone]

    number = symbol = None
    number_line = False
    for pos, line in header_zone or head[:HEADER_LINES]:
        m = _NUMBER.search(line)
        if m:
            number_line = True
            symbol = m.group(2)
            if m.group(1):
                number = f"{m.group(1)}/{m.group(2)}"
                spans.append(ctx.text.span(pos + m.start(1), pos + m.end(2)))
            else:
                warnings.append(warning("blank_number", f"{m.group(0).strip()} (number left blank)"))
            break
    if not number_line:
        for line in zone_lines:
            m = _NUMBER.search(line)
            if m:
                symbol, number_line = m.group(2), True
                number = f"{m.group(1)}/{m.group(2)}" if m.group(1) else None
                break

    place = issued = None
    for pos, line in head[:HEADER_LINES + 4]:
        text = _NUMBER.sub(" ", line)
        m = _PLACE_DATE.search(text)
        if m:
            place = m.group(1).strip()
            place = _title_words(place) if is_all_caps(place) else place
            issued = _iso_date(m.group(2), m.group(3), m.group(4))
            break

    if doc_type is None and symbol:
        doc_type = _doc_type_of_symbol(symbol)

    title = None
    if kind_at is not None:
        parts = []
        for pos, line in head[kind_at + 1: kind_at + 4]:
            if not line or is_all_caps(line) or _ENDS_TITLE.match(line):
                break
            parts.append(line)
            spans.append(ctx.text.span(pos, pos + len(line)))
        title = " ".join(parts) or None
    else:
        for pos, line in head:
            m = re.match(r"^V/v\s*:?\s*(.+)$", line)
            if m:
                title = m.group(1).strip()
                break

    caps = [ln for ln in zone_lines
            if is_all_caps(ln) and not _is_motto(ln) and not _NUMBER.search(ln)
            and "NGÀY" not in ln.upper() and not kind_heading(ln)]
    issuer = issuer_from_caps(caps)
    if issuer is None:
        issuer = _issuer_fallback(body, place)
        if not (number and issued):
            warnings.append(warning("missing_header", "no issuing-body line in the header block"
                                    + ("" if number else "; no number")
                                    + ("" if issued else "; no place/date line")))

    signer, signer_span = extract_signer(ctx, body)
    if signer is None or not signer.get("name"):
        warnings.append(warning("missing_signer", "no signer name found in the signature block"))
    if signer_span:
        spans.append(signer_span)

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
