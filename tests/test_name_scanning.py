"""Scanning long texts fast finds exactly what the patterns find.

The gazetteer's names are matched by automata and the patterns that open with a literal
are tried only where that literal stands; citations search look-behind patterns by their
literal and kind words in the lower-cased text. Each must give the same matches as the
plain ``finditer`` of the pattern it stands for, on any text made of the words the
patterns look for, joined by blanks, commas, dashes and line breaks.
"""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import citations as C
from extractors.agencies import matching as M
from extractors.agencies.vocabulary import _listed_heads, gazetteer, scan

_JOINTS = st.sampled_from([" ", "", "  ", ", ", " , ", " - ", "-", "\n", " \n ", "; "])


def _texts(words: list[str]):
    pieces = st.lists(st.tuples(st.sampled_from(words), _JOINTS), min_size=1, max_size=25)
    return pieces.map(lambda ps: "".join(w + j for w, j in ps))


def _spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in matches]


_G = gazetteer()
_NAME_WORDS = sorted({*list(_G.national)[:60], *list(_G.local)[:60], *list(_G.bare_keys)[:40],
                      "sở", "bộ", "ủy ban nhân dân", "văn hóa", "thể thao và du lịch", "lao động",
                      "thương binh và xã hội", "x", "chính phủ", "&", "tỉnh"})


@settings(max_examples=150, deadline=None)
@given(_texts(_NAME_WORDS))
def test_name_automata_find_what_the_alternations_find(text):
    for name in ("national", "local", "compound", "bare"):
        pattern, automaton = getattr(_G, name + "_re"), getattr(_G, name + "_names")
        assert _spans(automaton.finditer(text)) == _spans(pattern.finditer(text)), name


_GROUP_WORDS = ["các", "sở", "ban", "ngành", "cơ quan", "đơn vị", "thuộc", "trực", "tỉnh", "bộ",
                "cơ quan ngang bộ", "chính phủ", "phòng", "chuyên môn", "ủy ban nhân dân", "ubnd", "UBND",
                "HĐND", "xã", "thôn", "tổ dân phố", "và", "hội đồng nhân dân", "của", "đảng", "cấp",
                "huyện", "trung ương", "Sở", "Tài chính", "Trường", "Bệnh viện", "Các", "Bộ", "TC", ":"]


@settings(max_examples=150, deadline=None)
@given(_texts(_GROUP_WORDS))
def test_patterns_tried_at_their_literal_beginnings_find_what_finditer_finds(text):
    patterns = [r for _, r, _, _ in _G.groups] + [
        _G.national_abbr_re, _G.local_abbr_re, _listed_heads(), M._SO_LIST, M._UNIT_HEADS, M._TIER_CHAIN]
    for p in patterns:
        got = [(m.span(), m.groups()) for m in scan(p, text)]
        assert got == [(m.span(), m.groups()) for m in p.finditer(text)], p.pattern
    each = _G.group_scan.each(text)
    for (_, p, _, _), found in zip(_G.groups, each):
        assert [m.span() for m in found] == [m.span() for m in p.finditer(text)], p.pattern


_CITATION_WORDS = ["Luật", "luật", "LUẬT", "Bộ luật", "Đất đai", "Quyết định", "quyết định", "QUYẾT ĐỊNH",
                   "Nghị định", "Thông tư", "số", "12", "/", "2020", "QĐ-UBND", "này", "thay thế", "Căn cứ",
                   "Kế hoạch", "Chương trình", "của", "x", "l9/2O14/QĐ-TTg", "ngày", "ll/8/2011", "O5 tháng lO năm 2O11"]


@settings(max_examples=150, deadline=None)
@given(_texts(_CITATION_WORDS))
def test_citation_scans_find_what_the_look_behind_patterns_find(text):
    letter_before = r"(?<![^\W\d_])"
    for word in (C._LAW_WORD, C._LAW_WORD_LOWER, C._LAW_WORD_UPPER, C._named_re()):
        slow = re.compile(letter_before + word.pattern)
        assert [m.span() for m in C._opening_words(word, text)] == [m.span() for m in slow.finditer(text)]
    for pattern in (C._short_re(), C._self_re()):
        assert [m.span() for m in C._kind_matches(pattern, text)] == [m.span() for m in pattern.finditer(text)]


@settings(max_examples=150, deadline=None)
@given(_texts(_CITATION_WORDS))
def test_ocr_look_alikes_are_read_near_slashes_as_everywhere(text):
    slow = C._OCR_DIGITS.sub(lambda m: m.group(0).translate(C._DIGIT_OF), text)
    slow = C._OCR_DATE.sub(lambda m: m.group(0).translate(C._DIGIT_OF), slow)
    slow = re.sub(r"(?:https?://|www\.)\S+", lambda m: " " * len(m.group(0)), slow)
    assert C._view(text) == slow


@settings(max_examples=150, deadline=None)
@given(_texts(_CITATION_WORDS + ["Số", "SỐ", ":", "hồsố"]))
def test_kind_and_number_word_before_a_symbol_found_as_the_pattern_finds_them(text):
    for hi in range(0, len(text) + 1, 7):
        lo = max(0, hi - 45)
        fast, slow = C._prefix_before(text, lo, hi), C._prefix_re().search(text, lo, hi)
        assert (fast.span(), fast.groupdict()) == (slow.span(), slow.groupdict())
