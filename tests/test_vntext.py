"""Vietnamese text primitives: each operation does its own job, and only that."""
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.vntext import (
    casefold_vi,
    fold_chars,
    fold_key,
    place_tones,
    strip_marks,
    strip_tones,
)

# Vietnamese letters (every vowel with every tone, đ, both cases), spaces and punctuation:
# the text these functions meet, plus a few foreign letters.
_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
_ALPHABET = _VOWELS + _VOWELS.upper() + "bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX  -,.:/0123ßİñ"
vietnamese_text = st.text(alphabet=_ALPHABET, max_size=40)


@pytest.mark.parametrize("raw, expected", [
    ("Quyết  Định", "quyet dinh"),
    ("  Ủy ban nhân dân\ttỉnh Lâm Đồng ", "uy ban nhan dan tinh lam dong"),
    ("ĐẢNG ỦY", "dang uy"),
    ("Sở Nông nghiệp và Môi trường", "so nong nghiep va moi truong"),
    ("12/2024/NĐ-CP", "12/2024/nd-cp"),
    ("", ""),
    (None, ""),
])
def test_fold_key_makes_a_search_key(raw, expected):
    assert fold_key(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("KẾ HOẠCH", "ke hoach"),
    ("Đoàn  Thanh niên", "doan  thanh nien"),  # spaces kept one for one
    ("Cuc Thuế tỉnh", "cuc thue tinh"),
    ("UỶ BAN", "uy ban"),
])
def test_fold_chars_folds_one_character_for_one(raw, expected):
    assert fold_chars(raw) == expected
    assert len(fold_chars(raw)) == len(raw)


@pytest.mark.parametrize("raw, expected", [
    ("Uỷ ban nhân dân", "ủy ban nhân dân"),
    ("HOÀ BÌNH", "hòa bình"),
    ("Toàn Quốc", "toàn quốc"),      # "oà" inside a word keeps its place
    ("Quý", "quý"),                  # after q the u is part of the consonant
    ("İzmir", "İzmir"),              # a letter whose lower case is longer stays as it is
])
def test_casefold_vi_lowers_and_places_tones_keeping_marks(raw, expected):
    assert casefold_vi(raw) == expected
    assert len(casefold_vi(raw)) == len(raw)


@pytest.mark.parametrize("raw, expected", [
    ("Đồng Nai", "Dong Nai"),
    ("KHOA HỌC VÀ CÔNG NGHỆ", "KHOA HOC VA CONG NGHE"),
    ("trường", "truong"),
    ("abc 123", "abc 123"),
])
def test_strip_marks_keeps_case(raw, expected):
    assert strip_marks(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Việt", "Viêt"),
    ("người", "ngươi"),
    ("Đắk Lắk", "Đăk Lăk"),        # ă and đ are letters, not tones
    ("ĐỒNG", "ĐÔNG"),
])
def test_strip_tones_keeps_the_letters_own_marks(raw, expected):
    assert strip_tones(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Uỷ ban", "Ủy ban"),
    ("UỶ BAN", "ỦY BAN"),
    ("hoà giải", "hòa giải"),
    ("Khánh Hoà", "Khánh Hòa"),
    ("thuỷ lợi", "thủy lợi"),
    ("khoẻ", "khỏe"),
    ("toàn thể", "toàn thể"),        # the cluster is not word-final
    ("khuỷu", "khuỷu"),
    ("quý", "quý"),
    ("QUÝ", "QUÝ"),
    ("hòa", "hòa"),                  # already in the contract's placement
])
def test_place_tones_moves_old_style_placement_only(raw, expected):
    assert place_tones(raw) == expected


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_place_tones_is_idempotent_and_keeps_nfc(text):
    text = unicodedata.normalize("NFC", text)
    once = place_tones(text)
    assert place_tones(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert len(once) == len(text)


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_fold_key_is_idempotent_ascii_like_and_nfc(text):
    key = fold_key(text)
    assert fold_key(key) == key
    assert unicodedata.is_normalized("NFC", key)
    assert not any(unicodedata.combining(c) for c in key)
    assert "đ" not in key and key == key.casefold()
    assert "  " not in key and key == key.strip()


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_same_length_folds_agree_with_the_key(text):
    text = unicodedata.normalize("NFC", text)
    assert len(fold_chars(text)) == len(text)
    assert len(casefold_vi(text)) == len(text)
    # folding after lower-casing with tone placement changes nothing: marks go anyway
    assert fold_chars(casefold_vi(text)) == fold_chars(text)
    if "ß" not in text and "İ" not in text:  # the two letters whose case folding grows
        assert " ".join(fold_chars(text).split()) == fold_key(text)


def _full_key(text: str) -> str:
    return " ".join(strip_marks(text).casefold().split())


def test_fold_key_quick_path_agrees_with_the_full_folding_on_every_character():
    """fold_key takes a one-for-one translation when it gives ASCII: for every character of
    the Basic Multilingual Plane, that translation is the full folding (marks, case, đ)."""
    for cp in range(0x10000):
        c = chr(cp)
        if not 0xD800 <= cp <= 0xDFFF:
            assert fold_key(f"a{c}b") == _full_key(f"a{c}b"), hex(cp)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_fold_key_agrees_with_the_full_folding_on_any_text(text):
    assert fold_key(text) == _full_key(text)


@settings(max_examples=200, deadline=None)
@given(vietnamese_text)
def test_strip_marks_and_strip_tones_output_nfc(text):
    text = unicodedata.normalize("NFC", text)
    assert unicodedata.is_normalized("NFC", strip_marks(text))
    assert unicodedata.is_normalized("NFC", strip_tones(text))
    assert strip_marks(strip_tones(text)) == strip_marks(text)
