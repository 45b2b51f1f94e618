"""The normaliser, step by step (tables), then as a whole (properties and seeds)."""
from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.text.normalize import (
    clean_spaces,
    fix_lookalikes,
    fix_tone_placement,
    is_noise_line,
    normalize_line,
    normalize_pages,
    normalize_text,
    running_lines,
    starts_item,
    should_join,
    column_starts,
    split_cells,
    split_layout_columns,
    split_motto,
    strip_markup,
    tidy_symbols,
    to_nfc,
)

# --- character steps -------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("Ho\u0300a", "Hòa"),  # decomposed grave → precomposed
    ("U\u031b\u0309y", "Ửy"),
    ("Việt Nam", "Việt Nam"),
])
def test_to_nfc(raw, expected):
    assert to_nfc(raw) == expected
    assert unicodedata.is_normalized("NFC", to_nfc(raw))


@pytest.mark.parametrize("raw, expected", [
    ("UỶ BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN"),
    ("Uỷ ban", "Ủy ban"),
    ("hoà bình", "hòa bình"),
    ("CỘNG HOÀ", "CỘNG HÒA"),
    ("thuỷ lợi", "thủy lợi"),
    ("Khánh Hoà", "Khánh Hòa"),
    ("hoạ sĩ", "họa sĩ"),
    ("khoẻ mạnh", "khỏe mạnh"),
    ("tuỳ theo", "tùy theo"),
    # unchanged: closed syllables, qu-, the triphthong uyu, already-new placement
    ("toàn bộ", "toàn bộ"),
    ("quý", "quý"),
    ("Quý IV", "Quý IV"),
    ("khuỷu tay", "khuỷu tay"),
    ("hoàng", "hoàng"),
    ("thuyết", "thuyết"),
    ("Ủy ban", "Ủy ban"),
    ("quả", "quả"),
])
def test_fix_tone_placement(raw, expected):
    assert fix_tone_placement(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("TỈNH \u00d0ỒNG NAI", "TỈNH ĐỒNG NAI"),
    ("\u00f0ồng", "đồng"),
    ("\u0189ỘC LẬP", "ĐỘC LẬP"),
    ("Đà Nẵng", "Đà Nẵng"),
])
def test_fix_lookalikes(raw, expected):
    assert fix_lookalikes(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Số:\u00a0231", "Số: 231"),
    ("a\u2003\u2009b", "a b"),
    ("a\tb", "a b"),
    ("  lề   trái  ", "lề trái"),
    ("zero\u200bwidth", "zero width"),
    ("soft\u00adhyphen", "softhyphen"),
    ("bell\u0007 char", "bell char"),
    ("\ufeffBOM", "BOM"),
    ("line\u2028sep", "linesep"),
])
def test_clean_spaces(raw, expected):
    assert clean_spaces(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("**ỦY BAN NHÂN DÂN**", "ỦY BAN NHÂN DÂN"),
    ("__QUYẾT ĐỊNH__", "QUYẾT ĐỊNH"),
    ("*Hà Nội, ngày 5 tháng 3 năm 2014*", "Hà Nội, ngày 5 tháng 3 năm 2014"),
    ("## I. MỤC ĐÍCH", "I. MỤC ĐÍCH"),
    ("| 1 | Sở Tài chính | 2025 |", "1 Sở Tài chính 2025"),
    ("|---|---|", ""),
    ("KT. CHỦ TỊCH <br> PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"),
    ("2 * 3 = 6", "2 * 3 = 6"),  # a lone asterisk is text
    # pandoc's escapes before punctuation
    ("Số: 07/2023/TT\\-BTTTT", "Số: 07/2023/TT-BTTTT"),
    ("**Điều 1\\. Phạm vi điều chỉnh**", "Điều 1. Phạm vi điều chỉnh"),
    ("Độc lập \\- Tự do \\- Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
    ("C:\\Users", "C:\\Users"),  # a backslash before a letter is text
])
def test_strip_markup(raw, expected):
    assert clean_spaces(strip_markup(raw)) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Số:  231 /KH-UBND", "Số: 231/KH-UBND"),
    ("Số : 231/KH-UBND", "Số: 231/KH-UBND"),
    ("Quyết định số 2667 / QĐ-BKHCN", "Quyết định số 2667/QĐ-BKHCN"),
    ("19/ 2014/QĐ-TTg", "19/2014/QĐ-TTg"),
    ("10 /2025/TT-BKHCN", "10/2025/TT-BKHCN"),
    ("ngày 15/7/2021", "ngày 15/7/2021"),
    ("Điều 1 / Khoản 2", "Điều 1/Khoản 2"),
])
def test_tidy_symbols(raw, expected):
    assert tidy_symbols(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Số:  231 /KH-UBND ", "Số: 231/KH-UBND"),
    ("TM. UỶ BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"),
    ("**Số:\u00a0 12 /QĐ-UBND**", "Số: 12/QĐ-UBND"),
    ("\u00d0ộc lập - Tự do - Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
    ("ngày  16   tháng  6   năm 2023", "ngày 16 tháng 6 năm 2023"),
])
def test_normalize_line(raw, expected):
    assert normalize_line(raw) == expected


# --- line steps ------------------------------------------------------------------------


@pytest.mark.parametrize("line, noise", [
    ("https://thuvienphapluat.vn/TCVN/linh-vuc-khac/tcvn-iso-9001-2015-916104.aspx", True),
    ("www.chinhphu.vn", True),
    ("12", True),
    ("- 3 -", True),
    ("Trang 2", True),
    ("2/5", True),
    ("_______________", True),
    ("1. Mục đích", False),
    ("2015;", False),
    ("Xem https://example.vn để biết thêm", False),
    ("I. MỤC ĐÍCH, YÊU CẦU", False),
])
def test_is_noise_line(line, noise):
    assert is_noise_line(line) is noise


def test_running_lines_found_on_most_pages():
    pages = [["KẾ HOẠCH SỐ 231/KH-UBND", f"{i}. Mục {i}", f"Nội dung trang {i}", "Dòng giữa", "Dòng cuối", f"Trang {i}"]
             for i in range(1, 6)]
    found = running_lines(pages)
    assert "KẾ HOẠCH SỐ #/KH-UBND" in found
    assert not any(x.startswith("Nội dung trang") for x in found)
    assert running_lines(pages[:2]) == set()  # two pages are too few to tell


@pytest.mark.parametrize("raw, expected", [
    ("ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
     ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]),
    ("   Số: 231/KH-UBND        Thừa Thiên Huế, ngày 16 tháng 6 năm 2023",
     ["Số: 231/KH-UBND", "Thừa Thiên Huế, ngày 16 tháng 6 năm 2023"]),
    ("Số:        /QĐ-UBND", ["Số: /QĐ-UBND"]),  # a draft's blank, not a gutter
    ("Bình Định, ngày     tháng     năm 2024", ["Bình Định, ngày tháng năm 2024"]),
    ("Nơi nhận:                         KT. CHỦ TỊCH", ["Nơi nhận:", "KT. CHỦ TỊCH"]),
    ("one column only", ["one column only"]),
])
def test_split_layout_columns(raw, expected):
    assert split_layout_columns(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("| **ỦY BAN NHÂN DÂN** | **CỘNG HÒA** <br> **Độc lập** |",
     [" **ỦY BAN NHÂN DÂN** ", " **CỘNG HÒA** ", " **Độc lập** "]),
    ("|---|---|", []),
    ("plain line", ["plain line"]),
    ("KT. CHỦ TỊCH<br/>PHÓ CHỦ TỊCH", ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
])
def test_split_cells(raw, expected):
    assert split_cells(raw) == expected


@pytest.mark.parametrize("line, expected", [
    ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
     ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]),
    ("HUYỆN BA TƠ Độc lập - Tự do - Hạnh phúc", ["HUYỆN BA TƠ", "Độc lập - Tự do - Hạnh phúc"]),
    ("BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG CỘNG SẢN VIỆT NAM",
     ["BAN CHẤP HÀNH TRUNG ƯƠNG", "ĐẢNG CỘNG SẢN VIỆT NAM"]),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]),
    ("Sở Tài chính", ["Sở Tài chính"]),
])
def test_split_motto(line, expected):
    assert split_motto(line) == expected


# (prev, next, join?) at wide=50: the reflow decision on its own.
JOIN_CASES = [
    ("Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 của", "Thủ tướng Chính phủ;", True),
    ("triển khai áp dụng Hệ thống quản lý chất lượng theo Tiêu", "chuẩn quốc gia TCVN ISO 9001:2015", True),
    ("hoạt động của các cơ quan hành chính nhà nước trên địa bàn tỉnh", "Thừa Thiên Huế năm 2023.", True),
    ("Mục đích", "Triển khai thí điểm tại hai huyện.", False),  # short line: a heading
    ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", False),  # headings and numbered items stay
    ("Nâng cao chất lượng phục vụ người dân và doanh nghiệp trong năm;", "- Bảo đảm tiến độ.", False),
    ("Tổ chức thực hiện các nhiệm vụ được giao đúng tiến độ và chất lượng.", "Kết quả báo cáo về Sở.", False),
    ("a) Sở Khoa học và Công nghệ chủ trì, phối hợp với các đơn vị liên quan", "b) Sở Tài chính bố trí kinh phí.", False),
    ("ỦY BAN NHÂN DÂN", "TỈNH THỪA THIÊN HUẾ", False),  # the header block keeps its lines
    ("V/v triển khai áp dụng Hệ thống quản lý chất lượng ISO", "Quảng Nam, ngày 05 tháng 3 năm 2014", False),
    ("Số: 231/KH-UBND", "Thừa Thiên Huế, ngày 16 tháng 6 năm 2023", False),
    ("Nơi nhận:", "- Như trên;", False),
    ("Tiêu chuẩn quốc gia TCVN ISO 9001:2015 vào hoạt động của các cơ quan, tổ chức thuộc", "TCVN ISO 9001:2015;", True),
    ("đến năm 2030 và những năm tiếp theo", "Thời gian qua, công tác tiêu chuẩn đã đạt kết quả.", False),
    ("các cơ quan, đơn vị thuộc UBND tỉnh và", "UBND các huyện triển khai.", True),
]


@pytest.mark.parametrize("prev, nxt, join", JOIN_CASES)
def test_should_join(prev, nxt, join):
    assert should_join(prev, nxt, wide=50, full=70) is join


def test_should_join_measures_the_physical_line():
    # The joined paragraph is long, but the line that ended it was short: a hard break.
    assert not should_join("x " * 60 + "kết thúc", "Thời gian qua", wide=50, last="kết thúc")
    assert should_join("kết thúc", "Thời gian qua", wide=5, last="kết thúc")


# --- the whole chain -----------------------------------------------------------------


def test_rejoins_pdf_lines_and_keeps_structure():
    raw = "\n".join([
        "ỦY BAN NHÂN DÂN",
        "TỈNH KON TUM",
        "Số: 12 /KH-UBND",
        "Kon Tum, ngày 5 tháng 3 năm 2021",
        "KẾ HOẠCH",
        "Áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO",
        "9001:2015 năm 2021",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Nâng cao chất lượng, hiệu quả hoạt động của các cơ quan hành chính nhà",
        "nước trên địa bàn tỉnh.",
        "+ Bảo đảm công khai, minh bạch.",
        "2. Yêu cầu",
    ])
    lines = normalize_text(raw).text.split("\n")
    assert lines == [
        "ỦY BAN NHÂN DÂN", "TỈNH KON TUM", "Số: 12/KH-UBND", "Kon Tum, ngày 5 tháng 3 năm 2021",
        "KẾ HOẠCH", "Áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015 năm 2021",
        "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích",
        "- Nâng cao chất lượng, hiệu quả hoạt động của các cơ quan hành chính nhà nước trên địa bàn tỉnh.",
        "+ Bảo đảm công khai, minh bạch.", "2. Yêu cầu",
    ]


def _paged_doc() -> list[str]:
    body = ("Các sở, ban, ngành căn cứ chức năng, nhiệm vụ được giao chủ động triển khai thực hiện "
            "Kế hoạch này, định kỳ báo cáo kết quả về Sở Khoa học và Công nghệ.")
    pages = []
    topics = ["Tuyên truyền", "Đào tạo", "Kiểm tra", "Báo cáo"]
    for i in range(1, 5):
        pages.append("\n".join([
            "Kế hoạch số 231/KH-UBND của UBND tỉnh Thừa Thiên Huế",
            f"{i}. {topics[i - 1]}",
            body,
            "https://thuvienphapluat.vn/van-ban/abc-123.aspx",
            f"- {i} -",
        ]))
    return pages


def test_drops_page_numbers_running_headers_and_url_lines():
    text = normalize_pages(_paged_doc()).text
    assert "thuvienphapluat" not in text
    assert "Kế hoạch số 231/KH-UBND của UBND" not in text
    assert "- 2 -" not in text and "\n2\n" not in text
    assert text.count("Các sở, ban, ngành căn cứ") == 4


def test_every_line_maps_back_to_its_page():
    pages = _paged_doc()
    norm = normalize_pages(pages)
    assert len(norm.line_starts) == len(norm.line_origins) == norm.text.count("\n") + 1
    for start, (page, char) in zip(norm.line_starts, norm.line_origins):
        line = norm.text[start:].split("\n", 1)[0]
        assert 1 <= page <= len(pages)
        # the logical line opens with the words found at that page and character
        assert pages[page - 1][char:].startswith(line.split(" ")[0])
        assert norm.page_at(start) == page
    assert norm.page_at(norm.text.rindex("4. Báo cáo")) == 4


def test_footnotes_leave_the_body_and_their_markers_go():
    raw = "\n".join([
        "Căn cứ Quyết định số 19/2014/QĐ-TTg của Thủ tướng Chính phủ1 về việc áp dụng;",
        "Căn cứ Thông tư số 26/2014/TT-BKHCN của Bộ Khoa học và Công nghệ2;",
        "1. Mục đích",
        "Triển khai áp dụng hệ thống quản lý chất lượng.",
        "1 về việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2008",
        "2 quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg",
    ])
    norm = normalize_text(raw)
    assert "Chính phủ về việc" in norm.body and "Chính phủ1" not in norm.body
    assert "Công nghệ;" in norm.body
    assert "1. Mục đích" in norm.body  # a numbered item is not a footnote
    assert "TCVN ISO 9001:2008" not in norm.body
    assert norm.footnotes.startswith("1 về việc áp dụng")
    assert "2 quy định chi tiết" in norm.footnotes


def test_layout_header_and_signature_columns_are_split():
    raw = "\n".join([
        "    ỦY BAN NHÂN DÂN                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "   TỈNH THỪA THIÊN HUẾ                    Độc lập - Tự do - Hạnh phúc",
        "   Số: 2276 /QĐ-UBND             Thừa Thiên Huế, ngày 21 tháng 9 năm 2022",
        "Điều 1. Ban hành quy trình.",
        "Nơi nhận:                                        TM. ỦY BAN NHÂN DÂN",
        "- Như Điều 3;                                       KT. CHỦ TỊCH",
        "                                                  Nguyễn Thanh Bình",
    ])
    lines = normalize_text(raw).text.split("\n")
    assert lines[:6] == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỈNH THỪA THIÊN HUẾ",
                         "Độc lập - Tự do - Hạnh phúc", "Số: 2276/QĐ-UBND",
                         "Thừa Thiên Huế, ngày 21 tháng 9 năm 2022"]
    assert lines[-5:] == ["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "- Như Điều 3;", "KT. CHỦ TỊCH", "Nguyễn Thanh Bình"]


def test_markdown_table_header_becomes_lines():
    raw = ("| **ỦY BAN NHÂN DÂN TỈNH KON TUM** | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM** <br> "
           "**Độc lập - Tự do - Hạnh phúc** |\n|---|---|\n| Số: 1234/QĐ-UBND | *Kon Tum, ngày 28 tháng 12 năm 2020* |")
    assert normalize_text(raw).text.split("\n") == [
        "ỦY BAN NHÂN DÂN TỈNH KON TUM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 1234/QĐ-UBND", "Kon Tum, ngày 28 tháng 12 năm 2020"]


# --- properties ------------------------------------------------------------------------

_VI = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
_ALPHABET = _VI + _VI.upper() + "0123456789 ./-:;,()*|#_\t\u00a0\u200b\u00ad\n\f" + "\u0300\u0301\u0303\u0309\u0323"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_normalize_line_is_idempotent_nfc_and_total(text):
    once = normalize_line(text)
    assert normalize_line(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "\n" not in once.strip("\n") or "\n" in text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_normalize_line_idempotent_on_vietnamese(text):
    once = normalize_line(text)
    assert normalize_line(once) == once


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.text(alphabet=_ALPHABET, max_size=400)))
def test_normalize_text_never_raises_and_yields_nfc(text):
    norm = normalize_text(text)
    assert unicodedata.is_normalized("NFC", norm.text)
    assert 0 <= norm.footnote_start <= len(norm.text)
    assert len(norm.line_starts) == len(norm.line_origins)
    assert all(line == line.strip() and "  " not in line for line in norm.text.split("\n"))


# Documents shaped like real sources: headings, wrapped paragraphs, bullets, blank lines,
# page numbers, old tone marks and odd spaces.
_WORDS = st.sampled_from(
    "các cơ quan đơn vị triển khai thực hiện kế hoạch của Ủy ban nhân dân tỉnh UỶ ban hoà "
    "Sở Khoa học và Công nghệ chủ trì phối hợp với báo cáo kết quả trước ngày 31/7/2025 "
    "TCVN ISO 9001:2015 quý toàn khuỷu 2667/QĐ-BKHCN".split())
_SENTENCE = st.lists(_WORDS, min_size=3, max_size=40).map(" ".join).map(lambda s: s[:1].upper() + s[1:])


def _wrap(text: str, width: int) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return lines + [cur]


_BLOCK = st.one_of(
    st.tuples(st.just("heading"), st.sampled_from(["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "II. NHIỆM VỤ",
                                                    "2. Yêu cầu", "KẾ HOẠCH", "Nơi nhận:"])),
    st.tuples(st.sampled_from(["para", "- ", "+ ", "a) "]), _SENTENCE.map(lambda s: s + st_end(s))),
    st.tuples(st.just("page"), st.integers(1, 40).map(lambda n: f"- {n} -")),
)


def st_end(sentence: str) -> str:
    return ".;:"[len(sentence) % 3]


@st.composite
def documents(draw):
    width = draw(st.integers(45, 90))
    blank = draw(st.booleans())
    out = []
    for kind, text in draw(st.lists(_BLOCK, min_size=1, max_size=12)):
        if kind in ("heading", "page"):
            out.append(text)
        else:
            out += _wrap(("" if kind == "para" else kind) + text, width)
        if blank:
            out.append("")
    return "\n".join(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_normalize_text_is_idempotent_on_documents(raw):
    once = normalize_text(raw)
    twice = normalize_text(once.text)
    assert twice.text == once.text
    assert twice.footnote_start == len(twice.text) or once.footnote_start < len(once.text)


# --- the seeds -------------------------------------------------------------------------

from seed_fixtures import SEEDS  # noqa: E402


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_seed_is_a_fixpoint_and_clean(seed):
    norm = normalize_text(seed.read_text(encoding="utf-8"))
    assert unicodedata.is_normalized("NFC", norm.text)
    assert not re.search(r"UỶ|Uỷ|\bhoà\b|\bHoà\b", norm.text)
    assert "https://" not in norm.body
    assert "Số: 231 /" not in norm.text and "  " not in norm.text
    body = norm.body.rstrip("\n")
    assert normalize_text(body).text == body


def test_broken_and_clean_renderings_agree_from_the_title_on():
    seed000, seed001 = SEEDS[0], SEEDS[1]
    a = normalize_text(seed000.read_text(encoding="utf-8")).text
    b = normalize_text(seed001.read_text(encoding="utf-8")).text
    # 000 adds the header block; from the number line on the two texts read the same.
    a_tail = a[a.index("Số: 231/KH-UBND"):]
    b_tail = b[b.index("Số: 231/KH-UBND"):]
    assert a_tail.replace("TCĐLCL", "TCDLCL") == b_tail


# --- repeated headings, OCR markers, table rows, field labels -----------------------------


def test_repeated_numbered_heading_is_not_a_running_header():
    # "1. Mục đích" opens three pages word for word (one per section of an annex): text.
    pages = [["1. Mục đích", f"Nội dung phần {i} của phụ lục kèm theo.", "Dòng giữa trang.",
              "Kế hoạch số 231/KH-UBND", f"Trang {i}/3"] for i in range(1, 4)]
    found = running_lines(pages)
    assert "#. Mục đích" not in found
    assert "Kế hoạch số #/KH-UBND" in found
    text = normalize_pages(["\n".join(p) for p in pages]).text
    assert text.count("1. Mục đích") == 3
    assert "Kế hoạch số 231/KH-UBND" not in text


def test_numbered_running_head_that_follows_the_page_is_dropped():
    # a number that moves with the page is a running head, even in a line that looks like an item
    pages = [[f"- {i + 1} -", "1. Sở Tài chính", f"Đoạn {i} của văn bản.", f"2. Nội dung {i + 1}"] for i in range(1, 5)]
    found = running_lines(pages)
    assert "1. Sở Tài chính" not in found
    assert "#. Nội dung #" in found  # "2. Nội dung 3/4/5/6": its second number tracks the page


@pytest.mark.parametrize("line", [
    "l. Mục đích",  # OCR's "l." for "1."
    "a/ Sở Tài chính bố trí kinh phí",
    "b/Sở Y tế hướng dẫn",
    "– Sở Nội vụ chủ trì",
    "— Sở Tư pháp thẩm định",
    "Thời gian thực hiện: Quý III năm 2025.",
    "Cơ quan chủ trì: Sở Nội vụ",
    "Nội dung: Rà soát thủ tục hành chính.",
    "Kinh phí: Ngân sách tỉnh.",
])
def test_ocr_markers_and_field_labels_start_a_line(line):
    lead_in = "Các sở, ngành có trách nhiệm triển khai thực hiện các nhiệm vụ cụ thể như sau đây"
    assert starts_item(line)
    assert not should_join(lead_in, line, wide=50)


@pytest.mark.parametrize("line", ["b/c kết quả", "l. thực hiện", "nội dung: không", "Thời gian qua, tỉnh đã"])
def test_lookalike_openings_are_not_markers(line):
    assert not starts_item(line)


def test_items_with_ocr_markers_do_not_glue_to_the_lead_in():
    raw = "\n".join([
        "Để triển khai có hiệu quả Kế hoạch này, Ủy ban nhân dân tỉnh yêu cầu các sở, ngành thực hiện",
        "l. Mục đích",
        "a/ Sở Tài chính bố trí kinh phí thực hiện kế hoạch theo quy định hiện hành của",
        "pháp luật về ngân sách nhà nước",
        "b/ Sở Y tế hướng dẫn các đơn vị",
    ])
    assert normalize_text(raw).text.split("\n")[1:] == [
        "l. Mục đích",
        "a/ Sở Tài chính bố trí kinh phí thực hiện kế hoạch theo quy định hiện hành của pháp luật về ngân sách nhà nước",
        "b/ Sở Y tế hướng dẫn các đơn vị",
    ]


def test_unpunctuated_heading_keeps_its_field_label_apart():
    raw = "\n".join([
        "3. Xây dựng chính quyền điện tử, chính quyền số trên địa bàn toàn tỉnh",
        "Thời gian thực hiện: Trong tháng 11/2025.",
        "Cơ quan chủ trì: Sở Khoa học và Công nghệ",
    ])
    assert normalize_text(raw).text.split("\n") == raw.split("\n")


def test_table_rows_stay_one_line_each_with_their_number():
    raw = "\n".join(["PHỤ LỤC", "Danh mục nhiệm vụ năm 2025 của các sở, ngành trên địa bàn tỉnh",
                     "| STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Thời gian hoàn thành |",
                     "|---|---|---|---|",
                     "| 1 | Rà soát, đánh giá thủ tục hành chính của | Sở Tư pháp | Quý III/2025 |",
                     "| 2 | Số hóa hồ sơ | Sở Nội vụ | 2025 |",
                     "| II | Nhóm nhiệm vụ về tổ chức bộ máy | | |",
                     "| 3 | xây dựng vị trí việc làm | Sở Nội vụ | Tháng 12/2025 |"])
    # a table at the top and at the end of a document (both inside the header/signature zones)
    lines = normalize_text(raw).text.split("\n")
    assert lines[2:] == [
        "STT Nội dung nhiệm vụ Cơ quan chủ trì Thời gian hoàn thành",
        "1 Rà soát, đánh giá thủ tục hành chính của Sở Tư pháp Quý III/2025",
        "2 Số hóa hồ sơ Sở Nội vụ 2025",
        "II Nhóm nhiệm vụ về tổ chức bộ máy",
        "3 xây dựng vị trí việc làm Sở Nội vụ Tháng 12/2025",
    ]
    # … and in the middle of a long body
    middle = "\n".join(["Đoạn văn bản số %d của phần nội dung, đủ dài để không phải là tiêu đề." % i for i in range(60)])
    lines = normalize_text(middle + "\n" + raw + "\n" + middle).text.split("\n")
    assert "1 Rà soát, đánh giá thủ tục hành chính của Sở Tư pháp Quý III/2025" in lines
    assert "3 xây dựng vị trí việc làm Sở Nội vụ Tháng 12/2025" in lines


@pytest.mark.parametrize("line, starts", [
    ("V/v tăng cường công tác          Kính gửi:", [0, 33]),
    ("      hành chính năm 2013", [6]),
    ("  Số:      /QĐ-UBND       Hà Nội, ngày     tháng     năm 2024", [2, 26]),  # blanks of a form
    ("", []),
])
def test_column_starts(line, starts):
    assert column_starts(line) == starts
    assert [line[i:].split("   ")[0].strip()[:3] for i in starts] == [p[:3] for p in split_layout_columns(line)]


def test_vv_summary_left_of_kinh_gui_in_layout_columns():
    """pdftotext -layout: the V/v summary wraps in the left column beside Kính gửi and its
    recipients; the summary stays one line, the recipients keep theirs."""
    raw = "\n".join([
        "  Số: 1856/UBND-TNMT                          Cần Giờ, ngày 17 tháng 9 năm 2019",
        "V/v tăng cường công tác quản lý          Kính gửi:",
        "chất thải rắn sinh hoạt trên địa bàn          - Thủ trưởng các phòng, ban chuyên môn huyện;",
        "huyện                                          - Ủy ban nhân dân các xã, thị trấn.",
        "",
        "      Thực hiện Chỉ thị số 19/CT-UBND ngày 28 tháng 8 năm 2019 của Ủy ban nhân dân Thành phố.",
    ])
    assert normalize_text(raw).text.split("\n")[2:6] == [
        "V/v tăng cường công tác quản lý chất thải rắn sinh hoạt trên địa bàn huyện",
        "Kính gửi:",
        "- Thủ trưởng các phòng, ban chuyên môn huyện;",
        "- Ủy ban nhân dân các xã, thị trấn.",
    ]


def test_vv_summary_alone_in_its_column_still_reflows():
    raw = "\n".join(["  Số: 2574/BNV-CCHC          Hà Nội, ngày 25 tháng 6 năm 2013",
                     "V/v hướng dẫn xác định Chỉ số cải cách", "      hành chính năm 2013", "",
                     "             Kính gửi: Các Bộ, cơ quan ngang Bộ."])
    assert normalize_text(raw).text.split("\n")[2:] == [
        "V/v hướng dẫn xác định Chỉ số cải cách hành chính năm 2013", "Kính gửi: Các Bộ, cơ quan ngang Bộ."]


@pytest.mark.parametrize("raw, expected", [
    # a scan cropped at its left edge: the issuing body's first letters restored
    ("BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nH QUẢNG NAM         Độc lập - Tự do - Hạnh phúc",
     ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỈNH QUẢNG NAM", "Độc lập - Tự do - Hạnh phúc"]),
    ("ĐỒNG NHÂN DÂN\nNH THỪA THIÊN HUẾ", ["HỘI ĐỒNG NHÂN DÂN", "TỈNH THỪA THIÊN HUẾ"]),
    # whole words, an unknown place, an ambiguous cut: left as read
    ("XÃ HÒA VANG\nBAN CHỈ ĐẠO", ["XÃ HÒA VANG", "BAN CHỈ ĐẠO"]),
    ("ỦY BAN NHÂN DÂN\nH NOWHERE", ["ỦY BAN NHÂN DÂN", "H NOWHERE"]),
    ("ỦY BAN NHÂN DÂN\nN CẦN GIỜ", ["ỦY BAN NHÂN DÂN", "N CẦN GIỜ"]),
])
def test_ocr_cropped_header_restored(raw, expected):
    assert normalize_pages([raw], ocr=True).text.split("\n") == expected


_LAYOUT_TABLE = [
    "STT   Nội dung nhiệm vụ              Văn bản chỉ đạo        Cơ quan chủ trì      Thời gian",
    "1     Rà soát thủ tục hành chính     QĐ 1234/QĐ-UBND        Văn phòng HĐND và    Quý II/2024",
    "      nội bộ                         ngày 12/3/2024         UBND huyện",
    "2     Bố trí kinh phí thực hiện      NQ 12/NQ-HĐND ngày     Phòng Tài chính -    Tháng 6/2024",
    "                                     20/12/2023             Kế hoạch",
    "3     Duy trì hệ thống TCVN ISO      QĐ 19/2014/QĐ-TTg      Phòng Nội vụ         Năm 2024",
    "      9001:2015",
]


@pytest.mark.parametrize("where", ["alone", "middle"])
def test_layout_table_rows_keep_their_wrapped_cells(where):
    """pdftotext -layout: a wrapped cell continues its own column, in its own row."""
    prose = ["Đoạn văn bản số %d của phần nội dung, đủ dài để không phải là tiêu đề." % i for i in range(60)]
    raw = _LAYOUT_TABLE if where == "alone" else prose + [""] + _LAYOUT_TABLE + [""] + prose
    lines = normalize_text("\n".join(raw)).text.split("\n")
    for row in ["STT Nội dung nhiệm vụ Văn bản chỉ đạo Cơ quan chủ trì Thời gian",
                "1 Rà soát thủ tục hành chính nội bộ QĐ 1234/QĐ-UBND ngày 12/3/2024 Văn phòng HĐND và UBND huyện Quý II/2024",
                "2 Bố trí kinh phí thực hiện NQ 12/NQ-HĐND ngày 20/12/2023 Phòng Tài chính - Kế hoạch Tháng 6/2024",
                "3 Duy trì hệ thống TCVN ISO 9001:2015 QĐ 19/2014/QĐ-TTg Phòng Nội vụ Năm 2024"]:
        assert row in lines
    if where == "middle":  # the prose around the table is untouched
        assert lines.count(prose[0]) == 2 and len(lines) == 2 * len(prose) + 4


@pytest.mark.parametrize("raw", [
    # two columns side by side: a letterhead, not a table
    ["UY BAN NHAN DAN          CONG HOA XA HOI CHU NGHIA VIET NAM", "TINH LAM DONG            Doc lap - Tu do - Hanh phuc"],
    # one line of three parts alone is no table
    ["Nơi nhận:        KT. CHỦ TỊCH       x", "- Như trên;", "- Lưu: VT."],
])
def test_layout_table_needs_two_rows_of_three_columns(raw):
    from pipeline.text.normalize import layout_table_rows

    assert layout_table_rows(raw) == {}


# --- web-crawl furniture ------------------------------------------------------------

from pipeline.text.normalize import document_bounds, panel_label  # noqa: E402

_PANEL = ["Số hiệu:", "45/2024/QĐ-UBND", "Loại văn bản:", "Quyết định", "Nơi ban hành:",
          "Tỉnh Phú Yên", "Người ký:", "Trần Văn Tư", "Ngày ban hành:", "03/04/2024",
          "Tình trạng:", "Còn hiệu lực"]
_HEADER = ["ỦY BAN NHÂN", "DÂN", "TỈNH PHÚ YÊN", "-------", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
           "Độc lập - Tự do - Hạnh phúc", "Số:", "45/2024/QĐ-UBND", "Phú Yên, ngày 03 tháng 4 năm 2024",
           "QUYẾT ĐỊNH", "Về việc quản lý chợ"]
_SIGNATURE = ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Tư"]
_AFTER = ["Quyết định 45/2024/QĐ-UBND về quản lý chợ do Tỉnh Phú Yên ban hành",
          "Văn bản này chưa có bản dịch", "## Văn bản liên quan", "Ban hành:", "01/01/2024",
          "Hiệu lực: Còn", "Tình trạng: Còn", "Cập nhật:", "02/01/2024"]


@pytest.mark.parametrize("line, label", [
    ("Số hiệu:", "số hiệu"),
    ("**Ngày ban hành:**", "ngày ban hành"),
    ("Hiệu lực: Còn hiệu lực", "hiệu lực"),
    ("Số: 12/KH-UBND", None),  # the document's own number line
    ("Thời gian thực hiện: Quý III năm 2025", None),
    ("Tình trạng: " + "x" * 80, None),  # a running sentence is not a panel line
])
def test_panel_label(line, label):
    assert panel_label(line) == label


@pytest.mark.parametrize("texts, first, last", [
    # banner + panel before the header, caption + related list + panel after the signature
    (["Bản quyền thuộc về trang"] + _PANEL + _HEADER + ["Điều 1. Nội dung."] + _SIGNATURE + _AFTER,
     "ỦY BAN NHÂN", "Trần Văn Tư"),
    # no furniture: the whole text is the document
    (_HEADER + ["Điều 1. Nội dung."] + _SIGNATURE, "ỦY BAN NHÂN", "Trần Văn Tư"),
    # an annex after the signature stays until the related-documents heading
    (_PANEL + _HEADER + _SIGNATURE + ["PHỤ LỤC", "Danh sách các chợ"] + _AFTER[2:],
     "ỦY BAN NHÂN", "Danh sách các chợ"),
    # a document whose motto comes late (a report before a draft) keeps its opening lines
    (["TỜ TRÌNH", "Dự thảo Luật"] + ["Nội dung trình."] * 20 + _HEADER, "TỜ TRÌNH", "Về việc quản lý chợ"),
])
def test_document_bounds_cut_web_furniture(texts, first, last):
    start, end = document_bounds(texts)
    kept = [t for t in texts[start:end] if t]
    assert kept[0] == first and kept[-1] == last


def test_contact_lines_in_a_letter_are_not_furniture():
    texts = _HEADER + ["Đầu mối liên hệ:", "Địa chỉ: số 5 đường Lê Lợi", "Điện thoại: 0257 3822 123",
                       "Email: sotc@phuyen.gov.vn"] + _SIGNATURE
    assert document_bounds(texts) == (0, len(texts))


def test_normaliser_drops_crawl_furniture_and_reads_the_header_as_header():
    raw = "\n".join(["|", "Bản quyền thuộc về trang", "|"] + [f"**{x}**" if x.endswith(":") else x for x in _PANEL]
                    + ["|"] + _HEADER + ["Điều 1. Nội dung của quyết định."] + _SIGNATURE + _AFTER)
    text = normalize_text(raw).text
    assert text.startswith("ỦY BAN NHÂN")
    assert "Văn bản liên quan" not in text and "Số hiệu" not in text and "Bản quyền" not in text
    assert text.rstrip().endswith("Trần Văn Tư")


@pytest.mark.parametrize("prev, nxt, join", [
    ("Số:", "27/2024/QĐ-UBND", True),  # the number wrapped under its label
    ("Số:", "/KH-UBND", True),  # a draft's blank number
    ("Số:", "Điều 1. Nội dung", False),
    ("Vinh, ngày 03", "tháng 5 năm 2024", True),  # the place/date line wrapped
    ("Pleiku, ngày", "12 tháng 8 năm 2023", True),
    ("Pleiku, ngày 12 tháng 8 năm 2023", "QUYẾT ĐỊNH", False),  # complete: the title follows
    ("Pleiku, ngày 12 tháng 8 năm 2023", "năm học mới", False),
])
def test_wrapped_header_fields_rejoin(prev, nxt, join):
    assert should_join(prev, nxt, 60, 80) is join


@pytest.mark.parametrize("raw, expected", [
    ("*Vinh, ngày 03", "Vinh, ngày 03"),  # emphasis opened here, closed on a later line
    ("tháng 5 năm 2024 *", "tháng 5 năm 2024"),
    ("*Căn cứ Luật Đất đai;*", "Căn cứ Luật Đất đai;"),
    ("*", "*"),  # a header mark stays
    ("* Gạch đầu dòng", "* Gạch đầu dòng"),  # a bullet stays
])
def test_strip_markup_unpaired_emphasis_at_line_edges(raw, expected):
    assert strip_markup(raw) == expected


@pytest.mark.parametrize("prev, nxt, join", [
    ("Thành phố Hải", "Phòng, ngày 4 tháng 6 năm 2024", True),  # the place name cut before its date
    ("Buôn Ma", "Thuột, ngày 4 tháng 6 năm 2024", True),
    ("Thành", "phố Vinh, ngày 4 tháng 6 năm 2024", True),
    ("Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 4 tháng 6 năm 2024", False),  # the motto
    ("TỈNH GIA LAI", "Pleiku, ngày 4 tháng 6 năm 2024", False),  # the issuer's line
    ("V/v tăng cường", "Hà Nội, ngày 4 tháng 6 năm 2024", False),
])
def test_place_cut_before_its_date_rejoins(prev, nxt, join):
    assert should_join(prev, nxt, 60, 80, head=True) is join


def test_name_before_a_later_date_line_is_not_a_place():
    # a signer's name, then an annex's own place/date line, far from the header
    assert not should_join("Nguyễn Văn Ba", "Hà Nội, ngày 4 tháng 6 năm 2024", 60, 80)


@pytest.mark.parametrize("line, parts", [
    ("Số: 51/SYT-NV V/v tiêm chủng mở rộng năm 2024 Quy Nhơn, ngày 9 tháng 2 năm 2024 Kính gửi: Các bệnh viện",
     ["Số: 51/SYT-NV", "V/v tiêm chủng mở rộng năm 2024", "Quy Nhơn, ngày 9 tháng 2 năm 2024",
      "Kính gửi: Các bệnh viện"]),
    ("Công văn 51/SYT-NV năm 2024 về tiêm chủng do Sở Y tế ban hành. SỞ Y TẾ -------",
     ["Công văn 51/SYT-NV năm 2024 về tiêm chủng do Sở Y tế ban hành.", "SỞ Y TẾ"]),
    ("TP. Cần Thơ, ngày 3 tháng 3 năm 2023", ["TP. Cần Thơ, ngày 3 tháng 3 năm 2023"]),
    ("KT. GIÁM ĐỐC", ["KT. GIÁM ĐỐC"]),  # an authority line is not a sentence and a caps tail
    ("Hà Nội, ngày 9 tháng 2 năm 2024", ["Hà Nội, ngày 9 tháng 2 năm 2024"]),
])
def test_split_flat_header(line, parts):
    from pipeline.text.normalize import split_flat_header

    assert split_flat_header(line) == parts


def test_flattened_header_with_a_portal_caption_reads_as_a_header():
    raw = ("Công văn 51/SYT-NV năm 2024 về tiêm chủng do Sở Y tế ban hành. SỞ Y TẾ ------- "
           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------\n"
           "Số: 51/SYT-NV V/v tiêm chủng mở rộng Quy Nhơn, ngày 9 tháng 2 năm 2024 Kính gửi: Các bệnh viện\n"
           "Sở Y tế đề nghị các bệnh viện triển khai tiêm chủng.\n")
    lines = normalize_text(raw).text.split("\n")
    assert lines[:5] == ["SỞ Y TẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "Số: 51/SYT-NV", "V/v tiêm chủng mở rộng"]
    assert "ban hành." not in normalize_text(raw).text  # the caption is the portal's, not the document's


@pytest.mark.parametrize("lines, expected", [
    # a PDF header read column by column: the number wrapped under its label
    (["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "Số:", "45/QĐ-UBND", "Sơn La, ngày 2 tháng 3 năm 2024"],
     ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "Số: 45/QĐ-UBND", "Sơn La, ngày 2 tháng 3 năm 2024"]),
    # a portal's caption wrapped over three lines before the issuing body
    (["Công văn 8/BTC-NSNN năm 2022", "về dự toán do Bộ Tài", "chính ban hành. BỘ TÀI CHÍNH -------",
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"],
     ["BỘ TÀI CHÍNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]),
])
def test_tidy_header_lines(lines, expected):
    from pipeline.text.normalize import tidy_header_lines

    assert tidy_header_lines(lines) == expected


@pytest.mark.parametrize("line, parts", [
    ("Nơi nhận: TM. ỦY BAN NHÂN DÂN", ["Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"]),
    ("- UBND tỉnh (b/c); KT. CHỦ TỊCH", ["- UBND tỉnh (b/c);", "KT. CHỦ TỊCH"]),
    ("- Lưu: VT, NV. PHÓ CHỦ TỊCH", ["- Lưu: VT, NV. PHÓ CHỦ TỊCH"]),  # a code list, not a sentence
])
def test_caps_line_glued_after_a_sentence_comes_apart(line, parts):
    from pipeline.text.normalize import split_flat_header

    assert split_flat_header(line) == parts


@pytest.mark.parametrize("page, lines", [
    ('{"BỘ XÂY DỰNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM ": [512, "12/2021/TT-BXD ", "Hà Nội, ngày 3 tháng 5 năm 2021"],'
     ' "Topic": {"Name": "THÔNG TƯ ", "Description": [null]}, "- Lưu: VT.": [88, "Lê Văn Hải"]}',
     ["BỘ XÂY DỰNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "12/2021/TT-BXD", "Hà Nội, ngày 3 tháng 5 năm 2021",
      "THÔNG TƯ", "- Lưu: VT.", "Lê Văn Hải"]),
    ("Số: 5/KH-UBND\n{not json", ["Số: 5/KH-UBND", "{not json"]),  # text stays text
    ("{broken json", ["{broken json"]),
])
def test_unwrap_json_text(page, lines):
    from pipeline.text.normalize import unwrap_json_text

    assert unwrap_json_text(page).split("\n") == lines


def test_json_object_rendered_over_pages_is_unwrapped_whole():
    pages = ['{"BỘ Y TẾ ": [12, "Số: 4/QĐ-BYT", "Hà Nội, ngày 2 tháng\nnăm 2020"],\n1',
             ' "Điều 1. Phạm vi": [9, "Quyết định này\nquy định."]}\n2']
    text = normalize_pages(pages).text
    assert text.startswith("BỘ Y TẾ\nSố: 4/QĐ-BYT")
    assert '"' not in text and "{" not in text


def test_pages_not_json_stay_pages():
    pages = ["", "Số: 4/QĐ-BYT\nHà Nội, ngày 2 tháng 3 năm 2020", "Điều 1. Phạm vi"]
    assert [page for page, _ in normalize_pages(pages).line_origins] == [2, 2, 3]
