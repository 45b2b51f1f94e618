"""Gazetteer files: schema, unique aliases, and the examples they promise."""
from __future__ import annotations

import re

import pytest

from gazetteer import DATA_DIR, duplicates, load_tsv, split_list
from gazetteer.localities import lookup_unit, successor, unit_on
from gazetteer.successions import issuer_name_on, successor_on

SCHEMAS = {
    "agencies.tsv": ("name", "kind", "level", "aliases", "abbreviations", "symbols", "valid_from",
                     "valid_to", "successor"),
    "local_agencies.tsv": ("name", "kind", "levels", "aliases", "abbreviations", "valid_to"),
    "body_kinds.tsv": ("kind", "heads", "canonical", "levels", "naming", "examples"),
    "abbreviations.tsv": ("abbr", "expansion", "category", "body"),
    "groups.tsv": ("name", "pattern", "condition", "scope", "shorthand", "example"),
    "name_stops.tsv": ("word", "kind"),
    "provinces_2024.tsv": ("code", "name", "kind"),
    "successions.tsv": ("old_name", "new_name", "effective", "kind"),
}


@pytest.mark.parametrize("name,columns", SCHEMAS.items())
def test_file_has_source_header_and_schema(name, columns):
    head = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("#")
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    assert re.search(r"Source|Nghị (định|quyết)", text), "header must state its source"
    assert re.search(r"Compiled 20\d\d", text), "header must state its date"
    rows = load_tsv(name, required=columns)
    assert rows and all(set(columns) <= set(r) for r in rows)


def _fold(s: str) -> str:
    return " ".join(s.casefold().replace("-", " - ").split())


def test_every_alias_names_one_body():
    """One body per spelling; a renamed body's former row may keep the abbreviation its
    successor uses (the same body, told apart by the document's date)."""
    spellings = []
    rows = {r["name"]: r for r in load_tsv("agencies.tsv")}
    for file in ("agencies.tsv", "local_agencies.tsv"):
        for row in load_tsv(file):
            spellings += [_fold(x) for x in [row["name"], *split_list(row["aliases"])]]
            later = rows.get(row.get("successor") or "")
            kept = set(split_list(later["abbreviations"])) if later else set()
            spellings += [a for a in split_list(row["abbreviations"]) if a not in kept]
    assert duplicates(spellings) == []


def test_names_are_unique_and_spelled_with_contract_tones():
    names = [r["name"] for f in ("agencies.tsv", "local_agencies.tsv") for r in load_tsv(f)]
    assert duplicates(names) == []
    for name in names:
        assert not re.search(r"(?:uỷ|oà|oá|oạ|Uỷ)(?!\w)", name), name


def test_successors_are_listed_bodies():
    names = {r["name"] for r in load_tsv("agencies.tsv")}
    for row in load_tsv("agencies.tsv"):
        if row["successor"]:
            assert row["valid_to"], row["name"]
            assert row["successor"] in names, row["successor"]


def test_local_agency_kinds_and_levels_are_known():
    kinds = {r["kind"] for r in load_tsv("body_kinds.tsv")}
    for row in load_tsv("local_agencies.tsv"):
        assert row["kind"] in kinds
        assert set(split_list(row["levels"])) <= {"province", "district", "commune"}
        assert row["name"].startswith(row["kind"] + " ")


def test_body_kind_namings_are_known():
    for row in load_tsv("body_kinds.tsv"):
        assert row["naming"] in {"unit", "listed", "designator", "level_word", "proper", "bare", "of_body"}
        assert "→" in row["examples"]


def test_abbreviation_categories():
    rows = load_tsv("abbreviations.tsv")
    assert duplicates([r["abbr"] for r in rows]) == []
    assert {r["category"] for r in rows} <= {"body_kind", "domain", "division", "position", "group", "not_body"}
    must = {"UBND", "HĐND", "BCĐ", "KH&CN", "TCĐLCL", "PTTH", "TTĐT", "CQHCNN", "CCHC", "TTHC"}
    assert must <= {r["abbr"] for r in rows}
    for r in rows:
        assert bool(r["body"]) == (r["category"] == "position"), r["abbr"]


def test_group_patterns_compile_and_match_their_example():
    rows = load_tsv("groups.tsv")
    assert duplicates([r["name"] for r in rows]) == []
    for row in rows:
        assert re.search(row["pattern"], row["example"].lower()), row["name"]
        assert row["condition"] in {"always", "assigned"}
        assert row["scope"] in {"local", "national"}
        assert not row["shorthand"] or row["name"].lower().startswith(row["shorthand"]), row["name"]


def test_name_stops_are_cased_by_kind_and_unique():
    rows = load_tsv("name_stops.tsv")
    assert duplicates([r["word"] for r in rows]) == []
    for r in rows:
        assert r["kind"] in {"function", "verb", "capital", "region", "qualifier", "compound", "subunit"}, r["word"]
        # lower-case stops are matched folded; capital ones are words a name never takes on;
        # a region's name is capitalised and ends in a word that would open a body; a subunit
        # is a head as names print it
        assert (r["word"] == r["word"].lower()) == (r["kind"] not in ("capital", "region", "subunit")), r["word"]
        if r["kind"] == "region":
            assert r["word"].split()[-1] in {"Bộ"}, r["word"]


def _context(level: str):
    from extractors.agencies import _place  # noqa: F401  (the extractor reads these files)
    from pipeline.core.models import Context, NormalisedText, Source, SourceFormat

    issuer, locality, date, parent = {
        "province": ("Ủy ban nhân dân tỉnh Kon Tum", "Kon Tum", "2021-03-01", None),
        "district": ("Ủy ban nhân dân huyện Krông Pắc", "Krông Pắc", "2022-07-14", "Đắk Lắk"),
        "commune": ("Ủy ban nhân dân xã Hà Đông", "Hà Đông", "2026-07-06", "Hải Phòng"),
        "national": ("Bộ Tài chính", None, "2024-08-12", None)}[level]
    return Context(source=Source("t.txt", "", SourceFormat.TXT, [""]), text=NormalisedText("", 0, [0], [(1, 0)]),
                   document={"issuer": {"name": issuer, "locality": locality}, "issued_date": date},
                   locality=locality, level=level, parent_locality=parent)


@pytest.mark.parametrize("row", load_tsv("body_kinds.tsv"), ids=lambda r: r["kind"])
def test_body_kind_examples_read_as_promised(row):
    """``raw → canonical`` of each kind, read at the first level where the kind exists."""
    from extractors.agencies import canonical_agency

    raw, _, want = row["examples"].partition(" → ")
    got = canonical_agency(raw, _context(split_list(row["levels"])[0]))
    assert got is not None and got[0] == want, (raw, got)


@pytest.mark.parametrize("row", load_tsv("agencies.tsv"), ids=lambda r: r["name"])
def test_national_names_and_abbreviations_read_as_themselves(row):
    from extractors.agencies import canonical_agency

    ctx = _context("national")
    # an abbreviation a renamed body kept is read by the document's date (tests/test_agencies.py)
    dated = {a for r in load_tsv("agencies.tsv") if r["valid_to"] for a in split_list(r["abbreviations"])}
    abbrs = [a for a in split_list(row["abbreviations"]) if row["valid_to"] or a not in dated]
    for raw in [row["name"], *split_list(row["aliases"]), *abbrs]:
        assert canonical_agency(raw, ctx) == (row["name"], None), raw


@pytest.mark.parametrize("name,kind,province,current", [
    ("Thừa Thiên Huế", "tỉnh", "Thừa Thiên Huế", False),
    ("tỉnh Thừa Thiên Huế", "tỉnh", "Thừa Thiên Huế", False),
    ("Kon Tum", "tỉnh", "Kon Tum", False),
    ("Huế", "thành phố", "Huế", True),
    ("Hải Phòng", "thành phố", "Hải Phòng", True),
    ("TP. Hải Phòng", "thành phố", "Hải Phòng", True),
    ("xã Hà Đông", "xã", "Hải Phòng", True),
    ("phường Hà Đông", "phường", "Hà Nội", True),
    ("Thanh Hoá", "tỉnh", "Thanh Hóa", True),
    ("Bà Rịa - Vũng Tàu", "tỉnh", "Bà Rịa - Vũng Tàu", False),
])
def test_lookup_unit(name, kind, province, current):
    unit = lookup_unit(name)
    assert unit is not None
    assert (unit.kind, unit.province, unit.current) == (kind, province, current)


def test_lookup_unit_picks_commune_by_province_and_rejects_nonsense():
    assert lookup_unit("Hà Đông", province="Hải Phòng").kind == "xã"
    assert lookup_unit("Hà Đông", province="Hà Nội").kind == "phường"
    assert lookup_unit("Không Có Nơi Này") is None
    assert lookup_unit("") is None


def test_every_former_province_has_a_successor():
    for row in load_tsv("provinces_2024.tsv"):
        unit = lookup_unit(f"{row['kind']} {row['name']}")
        assert unit is not None, row["name"]
        if not unit.current:
            assert unit.successor, row["name"]
            after = lookup_unit(unit.successor)
            assert after is not None and after.current, unit.successor
    current = [u for u in map(lambda r: lookup_unit(f"{r['kind']} {r['name']}"),
                              load_tsv("provinces_2024.tsv")) if u.current]
    assert len(current) == 34 - 1  # thành phố Huế exists only under its new name


@pytest.mark.parametrize("unit,date,expected", [
    ("tỉnh Thừa Thiên Huế", "2024-12-31", "tỉnh Thừa Thiên Huế"),
    ("tỉnh Thừa Thiên Huế", "2025-01-01", "thành phố Huế"),
    ("tỉnh Kon Tum", "2025-06-30", "tỉnh Kon Tum"),
    ("tỉnh Kon Tum", "2025-07-01", "tỉnh Quảng Ngãi"),
    ("tỉnh Hải Dương", "2026", "thành phố Hải Phòng"),
])
def test_successor_on(unit, date, expected):
    assert successor_on(unit, date) == expected
    assert unit_on(unit, date) == expected


def test_successor_and_issuer_name_on():
    assert successor("Kon Tum") == ("tỉnh Quảng Ngãi", "2025-07-01", "merged")
    assert successor("Huế") is None
    assert issuer_name_on("Ủy ban nhân dân thành phố Huế", "2022-09-21") == "Ủy ban nhân dân tỉnh Thừa Thiên Huế"
    assert issuer_name_on("Ủy ban nhân dân thành phố Huế", "2025-01-03") == "Ủy ban nhân dân thành phố Huế"
    # merged provinces are not renamed backwards: Quảng Ngãi's committee was not Kon Tum's
    assert issuer_name_on("Ủy ban nhân dân tỉnh Quảng Ngãi", "2024-01-01") == "Ủy ban nhân dân tỉnh Quảng Ngãi"


@pytest.mark.parametrize("row", load_tsv("local_agencies.tsv"), ids=lambda r: r["name"])
def test_local_names_and_abbreviations_read_as_themselves(row):
    from extractors.agencies import canonical_agency

    ctx = _context(split_list(row["levels"])[0])
    for raw in [row["name"], *split_list(row["aliases"]), *split_list(row["abbreviations"])]:
        got = canonical_agency(raw, ctx)
        assert got is not None and got[0] == row["name"], (raw, got)


@pytest.mark.parametrize("unit, province", [
    ("xã Định Quán", "Đồng Nai"),   # one commune of that name
    ("xã Tân Phú", None),            # namesakes in several provinces
    ("tỉnh Kon Tum", None),          # not a commune or district
])
def test_province_of_a_commune(unit, province):
    from gazetteer.localities import province_of

    assert province_of(unit) == province


@pytest.mark.parametrize("name,date,tier,province", [
    ("huyện Nghĩa Đàn", "2020-05-01", "district", "Nghệ An"),      # a district before 2025
    ("quận Ninh Kiều", "2019-01-01", "district", "Cần Thơ"),
    ("huyện Krông Pắc", "2021-01-01", "district", "Đắk Lắk"),
])
def test_former_districts_are_placed_in_their_province(name, date, tier, province):
    from gazetteer.localities import lookup_unit

    unit = lookup_unit(name, date)
    assert unit is not None and unit.tier == tier and unit.province == province and not unit.current


def test_a_former_commune_knows_the_commune_it_became():
    from gazetteer.localities import lookup_unit

    unit = lookup_unit("phường An Bình", "2020-01-01", province="Cần Thơ")
    assert unit is not None and unit.tier == "commune" and unit.successor == "phường An Bình"
    assert lookup_unit("xã Hà Đông", "2026-07-06").current  # after 2025 the current commune wins
