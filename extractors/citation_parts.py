"""The parts of one citation: its symbol (số ký hiệu), its date, and its issuer.

Each reader takes the text at a position and returns what it read and where it ended,
or ``None``; :mod:`extractors.citations` strings them together. Vocabularies are data:
``gazetteer/doc_types.tsv`` (kinds), ``issuer_codes.tsv`` (symbol codes → bodies),
``laws.tsv`` and ``citation_cues.yml``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import gazetteer
from gazetteer import load_tsv, load_yaml
from pipeline.core.vntext import fold_key

from pipeline.core.dates import iso_day

# --- vocabularies -----------------------------------------------------------------------


@functools.cache
def kinds() -> tuple[dict, ...]:
    """Every kind word (rows of doc_types.tsv), longest first (so "Thông tư liên tịch" wins)."""
    rows = [row for kind in gazetteer.kinds().values() for row in kind["words"]]
    return tuple(sorted(rows, key=lambda r: -len(r["name"])))


@functools.cache
def kind_by_word() -> dict[str, dict]:
    return {fold_key(r["name"]): r for r in kinds()}


@functools.cache
def kind_by_symbol() -> dict[str, str]:
    """Symbol code (upper-cased) → doc_type: QĐ, QD → QĐ; CTPH → CTr."""
    out: dict[str, str] = {}
    for r in kinds():
        for s in filter(None, (x.strip() for x in r["symbols"].split(","))):
            out.setdefault(s.upper(), r["code"])
    return out


@functools.cache
def canonical_symbol_code() -> dict[str, str]:
    """Kind codes typed or read without their Đ → as printed officially: QD → QĐ, ND → NĐ.
    Distinct codes of one kind (QĐi, a Party Quy định) stay as printed."""
    out: dict[str, str] = {}
    for r in kinds():
        syms = [x.strip() for x in r["symbols"].split(",") if x.strip()]
        for s in syms:
            if fold_key(s) == fold_key(syms[0]):
                out.setdefault(s.upper(), syms[0])
    return out


@functools.cache
def kind_name(code: str) -> str:
    """doc_type → the plain kind word used in warnings (CV → Công văn)."""
    names = [r["name"] for r in kinds() if r["code"] == code and r["generic"] != "yes"]
    return min(names, key=len) if names else code


@functools.cache
def issuer_rows() -> tuple[dict, ...]:
    return load_tsv("issuer_codes.tsv",
                    required=("code", "kind", "name", "level", "aliases", "until", "default_kind"))


def default_kind(code: str | None) -> str | None:
    """doc_type of a symbol whose only code is its issuer's (77/2015/QH13 → Luật)."""
    code = re.sub(r"\d+$", "", code or "").upper()
    return next((r["default_kind"] for r in issuer_rows() if r["code"].upper() == code and r["default_kind"]), None)


@functools.cache
def cues() -> dict:
    return load_yaml("citation_cues.yml")


@functools.cache
def law_titles() -> tuple[str, ...]:
    return tuple(sorted((r["title"] for r in load_tsv("laws.tsv", required=("title",))),
                        key=len, reverse=True))


@functools.cache
def law_title_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """(title, pattern) for every listed law, longest first; a pattern also accepts the
    abbreviations of citation_cues.yml ("Luật Tổ chức HĐND và UBND")."""
    return tuple((title, re.compile("(?i:" + r"\s+".join(pieces) + ")" + _NOT_LETTER))
                 for title, pieces, _ in _law_title_pieces())


@functools.cache
def _law_title_pieces() -> tuple[tuple[str, tuple[str, ...], tuple[bool, ...]], ...]:
    """(title, the pattern of each word or abbreviated phrase, the lower-case letters each may
    open with: its word, or an abbreviated phrase's first word and its abbreviation's letters)."""
    fulls = sorted(((full.split(" "), short) for short, full in abbreviations().items()),
                   key=lambda x: -len(x[0]))
    out = []
    for title in law_titles():
        words, pieces, heads, i = title.split(" "), [], [], 0
        while i < len(words):
            for fw, short in fulls:
                # a comma may close the phrase ("… của Hội đồng nhân dân, Ủy ban nhân dân")
                got = words[i:i + len(fw)]
                tail = got[-1][len(got[-1].rstrip(",;")):] if got else ""
                bare = [w.lower() for w in got[:-1]] + [got[-1].rstrip(",;").lower()] if got else []
                if bare == [w.lower() for w in fw]:
                    pieces.append("(?:" + r"\s+".join(map(re.escape, fw)) + "|" + re.escape(short) + ")"
                                  + re.escape(tail))
                    letters = re.match(r"[^\W\d_]*", short).group(0).lower()
                    heads.append((fw[0].lower(), letters) if fw[0].isalpha() and letters else None)
                    i += len(fw)
                    break
            else:  # a comma inside a name is often left out ("Luật Thi đua khen thưởng")
                w = words[i]
                pieces.append(re.escape(w.rstrip(",")) + (",?" if w.endswith(",") else ""))
                heads.append((w.rstrip(",").lower(),) if w.rstrip(",").isalpha() else None)
                i += 1
        out.append((title, tuple(pieces), tuple(heads)))
    return tuple(out)


@functools.cache
def law_titles_by_words() -> tuple[dict[tuple[str, str], tuple[int, ...]], tuple[int, ...]]:
    """Which listed laws' patterns can match where two given words open (lower case): (first two
    words → indexes of law_title_patterns, indexes of those whose second word may be an
    abbreviation, tried wherever two words open)."""
    by_words: dict[tuple[str, str], list[int]] = {}
    anywhere = []
    for i, (_, _, heads) in enumerate(_law_title_pieces()):
        if len(heads) >= 2 and heads[0] and heads[1] and len(heads[0]) == 1:
            for second in heads[1]:
                by_words.setdefault((heads[0][0], second), []).append(i)
        else:
            anywhere.append(i)
    return {k: tuple(v) for k, v in by_words.items()}, tuple(anywhere)


@functools.cache
def law_titles_folded() -> tuple[str, ...]:
    """:func:`law_titles` folded (fold_key), in the same order."""
    return tuple(fold_key(t) for t in law_titles())


@functools.cache
def law_titles_by_head() -> tuple[int, dict[str, tuple[int, ...]]]:
    """(k, the first k characters of a folded title → the indexes of the titles opening so):
    k is the shortest folded title's length, so only a few titles are tried at a position."""
    folded = law_titles_folded()
    k = min(map(len, folded), default=1)
    out: dict[str, list[int]] = {}
    for i, ft in enumerate(folded):
        out.setdefault(ft[:k], []).append(i)
    return k, {h: tuple(ix) for h, ix in out.items()}


@functools.cache
def abbreviations() -> dict[str, str]:
    return dict(cues().get("name_abbreviations") or {})


def expand_abbreviations(name: str) -> str:
    """``Luật Tổ chức HĐND và UBND`` → ``Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân``."""
    for short, full in sorted(abbreviations().items(), key=lambda kv: -len(kv[0])):
        name = re.sub(rf"(?<![^\W\d_]){re.escape(short)}{_NOT_LETTER}", full, name)
    return re.sub(r"^((?:Bộ luật|Luật) )(\w)", lambda m: m.group(1) + m.group(2).upper(), name)


def kind_words_pattern() -> str:
    """Alternation of every kind word, longest first, case-insensitive on the first letter."""
    words = [re.escape(r["name"]) for r in kinds()]
    return "(?i:" + "|".join(words) + ")"


# --- symbols ------------------------------------------------------------------------------

# Numbers may carry a letter suffix: 30c/NQ-CP, 1131a/QĐ-UBND.
# A symbol segment: QĐ, TTg, BKHCN, QH13, BNN&PTNT (upper-case start, no spaces).
SEG = r"[A-ZĐ](?:[A-Za-zĐđ]|&[ ]?(?=[A-ZĐ]))*\d*"  # "QLN& TTBĐS": a space after & is a typo
# "QĐ-TTg", "QĐ- TTg" or "QĐ-\n\nTTg" (a line break the reflow missed), never " - "
_JOIN = r"(?:-\s{0,3}|\s-(?!\s))"
SYMBOL_RE = re.compile(
    rf"""(?<![\w/.\-])
    (?:
      (?P<num>\d{{1,5}}(?:\.\d{{1,2}})?[a-z]?)(?:\s?/\s?(?P<year>(?:19|20)\d{{2}}))?\s?/\s?
          (?P<segs>{SEG}(?:{_JOIN}{SEG})*)
    | (?P<pnum>\d{{1,5}})\s?-\s?(?P<pkind>{SEG})\s?/\s?(?P<psegs>{SEG}(?:{_JOIN}{SEG})*)
    )(?![\w/])""",
    re.X,
)


@dataclass
class Symbol:
    number: str            # as printed, spaces removed, kind code canonical: 19/2014/QĐ-TTg
    year: int | None       # the year written in the number
    kind_code: str | None  # doc_type the symbol implies (None: a công văn, no kind)
    issuer_code: str | None
    segments: tuple[str, ...]


def _split_segments(segs: str) -> list[str]:
    return [s.replace(" ", "") for s in re.split(r"\s*-\s*", segs) if s.strip()]


def read_symbol(m: re.Match) -> Symbol:
    """A :data:`SYMBOL_RE` match → its normalised parts."""
    canon = canonical_symbol_code()
    by_symbol = kind_by_symbol()
    if m.group("pnum"):  # Party style: 38-CT/TW
        kind = m.group("pkind")
        kind = canon.get(kind.upper(), kind)
        rest = _split_segments(m.group("psegs"))
        number = f"{m.group('pnum')}-{kind}/" + "-".join(rest)
        return Symbol(number, None, by_symbol.get(kind.upper()), rest[0] if rest else None,
                      tuple([kind, *rest]))
    segs = _split_segments(m.group("segs"))
    if len(segs) == 1:  # "79/2025/NĐCP": the kind code glued to the issuer's
        for k in sorted(by_symbol, key=len, reverse=True):
            if segs[0].upper().startswith(k) and len(segs[0]) > len(k) and is_issuer_code(segs[0][len(k):]):
                segs = [segs[0][:len(k)], segs[0][len(k):]]
                break
    first = segs[0]
    bare = re.sub(r"\d+$", "", first)  # QH13 → QH
    kind_code = None
    issuer = None
    if first.upper() in by_symbol or (bare != first and bare.upper() in by_symbol):
        key = first.upper() if first.upper() in by_symbol else bare.upper()
        kind_code = by_symbol[key]
        if first.upper() in canon:
            segs[0] = canon[first.upper()]
        # the issuer is the next segment; a lone QH13 / UBTVQH12 is its own issuer
        issuer = segs[1] if len(segs) > 1 else (bare if bare != first else None)
    else:
        issuer = first  # a công văn: 1221/BKHCN-TĐC
    year = int(m.group("year")) if m.group("year") else None
    head = m.group("num") + (f"/{year}" if year else "")
    return Symbol(f"{head}/" + "-".join(segs), year, kind_code, issuer, tuple(segs))


# --- dates ------------------------------------------------------------------------------

DATE_RE = re.compile(
    r"""(?i:ngày)\s*(?:
        (?P<d>\d{1,2})\s*(?P<sep>(?i:tháng|ngày))\s*(?P<m>\d{1,2})\s*,?\s*(?i:năm)\s*(?P<y>\d{4})
      | (?P<d2>\d{1,2})\s*(?P<s2>[/.\-])\s*(?P<m2>\d{1,2})\s*(?P=s2)\s*(?P<y2>\d{4})
      | (?P<bad>[^\s;,]*(?:\s+(?i:tháng|/)\s*[^\s;,]*)?(?:\s+(?i:năm)\s*)?(?P<y3>\d{4})?)
    )""",
    re.X,
)


@dataclass
class Date:
    iso: str | None
    start: int
    end: int
    raw: str
    typo: str | None = None       # what the source should have printed
    unreadable: bool = False
    impossible: bool = False      # well printed, but the calendar has no such day


def iso_date(day: int, month: int, year: int) -> str | None:
    return iso_day(year, month, day)


def read_date(text: str, pos: int) -> Date | None:
    """A date opening at ``pos`` ("ngày 05 tháng 3 năm 2014", "ngày 27/6/2025"), or None."""
    m = DATE_RE.match(text, pos)
    if not m:
        return None
    raw = m.group(0)
    if m.group("d"):
        d, mo, y = int(m.group("d")), int(m.group("m")), int(m.group("y"))
        typo = None
        if m.group("sep").lower() == "ngày":  # "ngày 25 ngày 9 năm 2018"
            typo = raw[: m.start("sep") - m.start()] + "tháng" + raw[m.end("sep") - m.start():]
        iso = iso_date(d, mo, y)
        return Date(iso, m.start(), m.end(), raw, typo, unreadable=iso is None, impossible=iso is None)
    if m.group("d2"):
        d, mo, y = int(m.group("d2")), int(m.group("m2")), int(m.group("y2"))
        iso = iso_date(d, mo, y)
        return Date(iso, m.start(), m.end(), raw, None, unreadable=iso is None, impossible=iso is None)
    bad = m.group("bad") or ""
    if not re.search(r"[.…_]{2,}|\d", bad):  # "ngày ký", "ngày làm việc": no date at all
        return None
    y = m.group("y3")
    return Date(y, m.start(), m.end(), raw.rstrip(), None, unreadable=True)


# --- issuers ----------------------------------------------------------------------------

LOCAL_BODIES = {
    "ủy ban nhân dân": "Ủy ban nhân dân", "ubnd": "Ủy ban nhân dân",
    "hội đồng nhân dân": "Hội đồng nhân dân", "hđnd": "Hội đồng nhân dân",
    "thường trực hội đồng nhân dân": "Thường trực Hội đồng nhân dân",
    "thường trực hđnd": "Thường trực Hội đồng nhân dân",
    "văn phòng ủy ban nhân dân": "Văn phòng Ủy ban nhân dân", "văn phòng ubnd": "Văn phòng Ủy ban nhân dân",
    "ban thường vụ tỉnh ủy": "Ban Thường vụ Tỉnh ủy", "tỉnh ủy": "Tỉnh ủy", "thành ủy": "Thành ủy",
    "huyện ủy": "Huyện ủy", "đảng ủy": "Đảng ủy",
    # the Party committee by its statutory name ("Ban Chấp hành Đảng bộ tỉnh" is the Tỉnh ủy)
    "ban chấp hành đảng bộ tỉnh": "Tỉnh ủy", "ban chấp hành đảng bộ thành phố": "Thành ủy",
    "ban chấp hành đảng bộ huyện": "Huyện ủy",
}
UNITS = {"thành phố": "thành phố", "tp.": "thành phố", "tp": "thành phố", "tỉnh": "tỉnh",
         "huyện": "huyện", "quận": "quận", "thị xã": "thị xã", "tx.": "thị xã",
         "thị trấn": "thị trấn", "xã": "xã", "phường": "phường", "đặc khu": "đặc khu"}
UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
# A place name: capitalised words, or a number ("Phường 5"), joined by spaces or " - ".
# Never across a line break: the next line may open with a capitalised heading.
PLACE = rf"(?:[{UPPER}][\w]*|\d{{1,2}})(?:(?:[ \t]+|[ \t]?-[ \t]?)(?:[{UPPER}][\w]*|\d{{1,2}}))*"
_NOT_LETTER = r"(?![^\W\d_])"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


LOCAL_RE = re.compile(
    rf"(?P<body>(?i:{_alternation(LOCAL_BODIES)})){_NOT_LETTER}"
    rf"(?:[ \t]+(?P<unit>(?i:{_alternation(UNITS)})){_NOT_LETTER})?"
    rf"(?:[ \t]+(?P<place>{PLACE}))?"
)
UNIT_RE = re.compile(rf"(?P<unit>(?i:{_alternation(UNITS)})){_NOT_LETTER}[ \t]+(?P<place>{PLACE})")


@dataclass
class Issuer:
    name: str | None
    locality: str | None
    explicit: bool = True      # named in the text (False: implied by symbol or context)
    end: int = 0


def locality_of(name: str | None) -> str | None:
    """``Ủy ban nhân dân tỉnh Thừa Thiên Huế`` → ``Thừa Thiên Huế``; national bodies → None."""
    if not name:
        return None
    m = LOCAL_RE.match(name)
    if m and m.group("place"):
        return m.group("place")
    return None


@functools.cache
def _national_names() -> tuple[tuple[str, str], ...]:
    """(spelling, canonical name) for every national body and alias, longest first."""
    pairs = []
    for r in issuer_rows():
        if r["level"] in ("national", "party"):
            pairs.append((r["name"], r["name"]))
            for a in filter(None, (x.strip() for x in r["aliases"].split(";"))):
                pairs.append((a, r["name"]))
    return tuple(sorted(set(pairs), key=lambda p: -len(p[0])))


@functools.cache
def _national_re() -> re.Pattern:
    return re.compile(f"(?i:{_alternation(n for n, _ in _national_names())}){_NOT_LETTER}")


@functools.cache
def _province_dept_re() -> re.Pattern:
    names = set()
    for r in issuer_rows():
        if r["level"] == "province":
            names.add(r["name"])
            names.update(filter(None, (x.strip() for x in r["aliases"].split(";"))))
    return re.compile(f"(?i:{_alternation(names)}){_NOT_LETTER}")


@functools.cache
def _province_dept_names() -> dict[str, str]:
    out = {}
    for r in issuer_rows():
        if r["level"] == "province":
            out[fold_key(r["name"])] = r["name"]
            for a in filter(None, (x.strip() for x in r["aliases"].split(";"))):
                out[fold_key(a)] = r["name"]
    return out


def _canonical_national(spelling: str) -> str:
    key = fold_key(spelling)
    for s, name in _national_names():
        if fold_key(s) == key:
            return name
    return spelling


@dataclass
class Citer:
    """What a citation's implied issuer is read against: the citing document."""

    issuer: str | None = None        # "Ủy ban nhân dân thành phố Huế"
    locality: str | None = None
    parent_locality: str | None = None  # the province of a commune
    level: str | None = None

    @property
    def unit(self) -> str | None:
        """``thành phố Huế`` from the citing body's name."""
        m = LOCAL_RE.match(self.issuer or "")
        if m and m.group("unit") and m.group("place"):
            return f"{UNITS[m.group('unit').lower()]} {m.group('place')}"
        # a department or agency of a province ("Sở Tài chính", Kon Tum): its province
        division = _division_of(self.locality) if self.locality and self.level != "commune" else None
        return f"{division} {self.locality}" if division else None

    @property
    def province(self) -> str | None:
        """The citing body's province, with its division word (``thành phố Hải Phòng``)."""
        unit = self.unit
        if unit and unit.split(" ")[0] in ("tỉnh", "thành"):
            return unit
        name = self.parent_locality or (_province_of_commune(unit) if unit else None)
        if not name:
            return None
        return f"{_division_of(name) or 'tỉnh'} {name}"


def _province_of_commune(unit: str) -> str | None:
    """The province of a commune named without one (see gazetteer.localities.province_of)."""
    try:
        from gazetteer.localities import province_of

        return province_of(unit)
    except Exception:  # noqa: BLE001 - a locality lookup never breaks extraction
        return None


def division_of(province: str) -> str | None:
    """``Hải Phòng`` → ``thành phố``, ``Kon Tum`` → ``tỉnh``; None for a place that is no province."""
    return _division_of(province)


@functools.cache
def _division_of(province: str) -> str | None:
    """``Hải Phòng`` → ``thành phố``, ``Kon Tum`` → ``tỉnh``; None for a place that is no province."""
    for r in load_tsv("provinces_2024.tsv"):
        if fold_key(r["name"]) == fold_key(province) and r.get("kind"):
            return r["kind"]
    try:  # the package knows the provinces after 2025
        from gazetteer.places import Gazetteer

        unit = Gazetteer().resolve(province)
        if unit and unit.division in ("tỉnh", "thành phố"):
            return unit.division
    except Exception:  # noqa: BLE001 - a locality lookup never breaks extraction
        pass
    return None


_PARTY_PROVINCE = ("Tỉnh ủy", "Thành ủy", "Ban Thường vụ Tỉnh ủy")


@functools.cache
def _kind_word_re() -> re.Pattern:
    words = _alternation(cues()["place_stop_words"])
    return re.compile(f"(?:{kind_words_pattern()}|(?i:{words})){_NOT_LETTER}")


def _place_cut(text: str, m: re.Match) -> int | None:
    """Where a place read from capitals really ends, when a kind word or verb follows it."""
    if not m.group("place"):
        return None
    for w in re.finditer(r"\S+", text[m.start("place"):m.end("place")]):
        at = m.start("place") + w.start()
        if _kind_word_re().match(text, at):
            return at
    return None


def _party_as_printed(m: re.Match, citer: Citer) -> Issuer | None:
    """A Party committee named in the text is named as printed ("của Ban Thường vụ Tỉnh ủy",
    "của Thành ủy Thành phố Hồ Chí Minh"): the place is part of its name only where the text
    prints it; its locality is the place printed, else the citing body's province."""
    raw = m.group("body")
    if raw.lower() not in ("tỉnh ủy", "thành ủy", "ban thường vụ tỉnh ủy", "huyện ủy", "đảng ủy"):
        return None
    body, unit, place = LOCAL_BODIES[raw.lower()], m.group("unit"), m.group("place")
    if place:
        words = [body] + ([UNITS[unit.lower()]] if unit else []) + [place]
        return Issuer(" ".join(words), place, True, m.end())
    prov = citer.province
    locality = prov.split(" ", 1)[1] if prov and body != "Đảng ủy" else citer.locality
    return Issuer(f"{body} {unit}" if unit else body, locality, True, m.end())


def _local_name(body: str, unit: str | None, place: str | None, citer: Citer) -> tuple[str, bool]:
    """A local body as named in the text, completed from the citing body when the text
    leaves the unit out ("của UBND tỉnh"). Returns (name, completed_from_context)."""
    body = LOCAL_BODIES[body.lower()]
    unit = UNITS[unit.lower()] if unit else None
    own, prov = citer.unit, citer.province
    if body in _PARTY_PROVINCE or body in ("Huyện ủy", "Đảng ủy"):
        if place:
            return f"{body} {unit + ' ' if body == 'Đảng ủy' and unit else ''}{place}", False
        ref = prov if body in _PARTY_PROVINCE else own
        return (f"{body} {ref.split(' ', 1)[1]}" if ref else body), True
    if unit and place:
        return f"{body} {unit} {place}", False
    if own and (unit is None or own.startswith(unit + " ")):
        return f"{body} {own}", True
    if unit in ("tỉnh", "thành phố") and prov:
        return f"{body} {prov}", True
    return (f"{body} {unit}" if unit else body), True


@functools.cache
def _position_re() -> re.Pattern:
    return re.compile(rf"(?:{_alternation(cues()['issuer_positions'])})(?:\s*,\s*|\s+)")


def read_issuer(text: str, pos: int, citer: Citer) -> Issuer | None:
    """The body named at ``pos`` (just after "của "): a national body, a local one, a
    department, or "tỉnh X" (a province's plan → its People's Committee)."""
    for _ in range(3):  # a position first ("Bộ trưởng Bộ …", "Chủ tịch UBND tỉnh …")
        m = _national_re().match(text, pos)
        if m:
            return Issuer(_canonical_national(m.group(0)), None, True, m.end())
        m = LOCAL_RE.match(text, pos)
        if m:
            cut = _place_cut(text, m)
            if cut is not None:
                # "của Ủy ban nhân dân thành phố Quy định về …", "… tỉnh Bình Phước Ban hành …":
                # a kind word or a verb, not a place
                m = LOCAL_RE.match(text[:cut].rstrip(" \t") + " ", pos) or m
            party = _party_as_printed(m, citer)
            if party:
                return party
            name, completed = _local_name(m.group("body"), m.group("unit"), m.group("place"), citer)
            return Issuer(name, locality_of(name), not completed, m.end())
        m = _province_dept_re().match(text, pos)
        if m:
            name = _province_dept_names()[fold_key(m.group(0))]
            after = UNIT_RE.match(text, m.end() + 1) if text[m.end():m.end() + 1] == " " else None
            if after:
                return Issuer(name, after.group("place"), True, after.end())
            prov = citer.province
            return Issuer(name, prov.split(" ", 1)[1] if prov else citer.locality, True, m.end())
        m = UNIT_RE.match(text, pos)
        if m:  # "của tỉnh Thừa Thiên Huế": the province's People's Committee
            unit = UNITS[m.group("unit").lower()]
            return Issuer(f"Ủy ban nhân dân {unit} {m.group('place')}", m.group("place"), True, m.end())
        m = _named_local_re().match(text, pos)
        if m:  # "Ban Chỉ đạo cải cách hành chính tỉnh": a local body named by its duty
            return _named_local(m, citer)
        p = _position_re().match(text, pos)
        if not p:
            return None
        pos = p.end()
    return None


@functools.cache
def _named_local_re() -> re.Pattern:
    heads = _alternation(cues()["local_body_heads"])
    return re.compile(
        rf"(?P<head>{heads}){_NOT_LETTER}(?P<words>(?:,?[ \t]+(?!(?i:của|ngày|số|tại|theo)\s)[^\W\d_]+){{0,12}}?)"
        rf"[ \t]+(?P<unit>(?i:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|đặc khu)){_NOT_LETTER}"
        rf"(?:[ \t]+(?P<place>{PLACE}))?")


def _named_local(m: re.Match, citer: Citer) -> Issuer:
    """A local body the gazetteer does not list, completed with the citing body's place when
    the text leaves it out (the unit must agree: "… tỉnh" takes the citing province)."""
    base = " ".join((m.group("head") + m.group("words")).split())
    unit = UNITS[m.group("unit").lower()]
    if m.group("place"):
        return Issuer(f"{base} {unit} {m.group('place')}", m.group("place"), True, m.end())
    own, prov = citer.unit, citer.province
    ref = own if own and own.startswith(unit + " ") else prov if unit in ("tỉnh", "thành phố") else None
    if ref and ref.startswith(unit + " "):
        return Issuer(f"{base} {ref}", ref.split(" ", 1)[1], True, m.end())
    return Issuer(f"{base} {unit}", None, True, m.end())


@functools.cache
def _issuer_codes() -> frozenset[str]:
    return frozenset(r["code"].upper() for r in issuer_rows() if r["code"])


def is_issuer_code(code: str | None) -> bool:
    return bool(code) and re.sub(r"\d+$", "", code).upper() in _issuer_codes()


def issuer_from_code(code: str | None, kind: str | None, citer: Citer, date: str | None = None) -> Issuer | None:
    """The body a symbol's issuer code implies (TTg → Thủ tướng Chính phủ; UBND → the
    citing document's own People's Committee), as named on the cited document's ``date``
    when the code served a body since renamed (SNN: Sở Nông nghiệp và Phát triển nông thôn
    until 2025-02-28)."""
    if not code:
        return None
    code = re.sub(r"\d+$", "", code)
    rows = [r for r in issuer_rows() if r["code"] and r["code"].upper() == code.upper()]
    if date:
        rows = [r for r in rows if not r["until"] or date[:len(r["until"])] <= r["until"][:len(date)]]
    # a row for this kind first; then the name of the date (or, undated, the current one)
    rows.sort(key=lambda r: (r["kind"] != (kind or ""), (not r["until"]) if date else bool(r["until"])))
    rows = [r for r in rows if not r["kind"] or r["kind"] == kind]
    if not rows:
        return None
    row = rows[0]
    if row["level"] in ("national", "party"):
        return Issuer(row["name"], None, False)
    if row["level"] == "province":
        prov = citer.province
        return Issuer(row["name"], prov.split(" ", 1)[1] if prov else citer.locality, False)
    unit = citer.unit
    if "{place}" in row["name"]:
        prov = citer.province
        if not prov:
            return None
        name = row["name"].replace("{place}", prov.split(" ", 1)[1])
        return Issuer(name, prov.split(" ", 1)[1], False)
    if not unit:
        return Issuer(None, None, False)
    name = row["name"].replace("{unit}", unit)
    place = UNIT_RE.match(unit)  # "Ban Chỉ đạo tỉnh Kon Tum": a body LOCAL_RE does not know
    return Issuer(name, locality_of(name) or (place.group("place") if place else None), False)


# --- names in sentence case -------------------------------------------------------------


def sentence_case(title: str) -> str:
    """``Luật Tổ chức Chính quyền địa phương`` → ``Luật Tổ chức chính quyền địa phương``:
    the word after each "Luật" keeps its capital, proper nouns and acronyms theirs."""
    words = title.split(" ")
    out = []
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < len(words) else ""
        keep = (i == 0 or w == "Luật" or (w == "Bộ" and nxt == "luật") or prev in ("Luật", "luật")
                or w.isupper() or not w[:1].isupper())
        out.append(w if keep else w[:1].lower() + w[1:])
    text = " ".join(out)
    for proper in cues()["title_proper_nouns"]:
        text = re.sub(rf"(?<=\s){re.escape(proper.lower())}{_NOT_LETTER}", proper, text)
    return text
