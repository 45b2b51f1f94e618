"""The normaliser finds the signature block once (NormalisedText.signature), its parts as printed."""
from __future__ import annotations

import pytest

from pipeline.core.models import Context, Source, SourceFormat
from pipeline.text.normalize import normalize_text
from pipeline.text.signature import find_signature, signature_line

_BODY = "Điều 3. Các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.\n"
_ANNEX = ("QUY ĐỊNH\nVề quản lý cụm công nghiệp trên địa bàn\nĐiều 1. Phạm vi áp dụng\n"
          "Quy định này áp dụng đối với các tổ chức, cá nhân hoạt động trong cụm công nghiệp của tỉnh.\n"
          "Điều 2. Trong quá trình thực hiện, các cơ quan phản ánh vướng mắc về Sở Công Thương./.")


@pytest.mark.parametrize("block, name, position, authority", [
    # stacked: authority, position, name on their own lines, under the recipients
    ("Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nĐỗ Quang Vinh",
     "Đỗ Quang Vinh", "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH"),
    # flattened onto one line by a text tool
    ("Nơi nhận:\n- Như trên;\nKT. BỘ TRƯỞNG THỨ TRƯỞNG Hà Thị Lan",
     "Hà Thị Lan", "THỨ TRƯỞNG", "KT. BỘ TRƯỞNG"),
    # beside the Nơi nhận: the signature column glued to the recipients' lines
    ("Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- Sở Tài chính; KT. CHỦ TỊCH\n- Lưu: VT, TH. PHÓ CHỦ TỊCH\nLò Văn Sơn",
     "Lò Văn Sơn", "PHÓ CHỦ TỊCH", "KT. CHỦ TỊCH"),
    # "Q." heads the acting signer's own position; the stamp line is noise
    ("Nơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN\nQ. CHỦ TỊCH\n(Đã ký)\nVũ Đình Khoa",
     "Vũ Đình Khoa", "Q. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN"),
    # TUQ. and a name wrapped over two lines
    ("Nơi nhận:\n- Như trên;\nTUQ. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\nMa Thị\nHồng",
     "Ma Thị Hồng", "CHÁNH VĂN PHÒNG", "TUQ. CHỦ TỊCH"),
    # the last block above an annex (a Quy định ban hành kèm theo)
    ("Nơi nhận:\n- Như Điều 3;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nTriệu Văn Khang\n" + _ANNEX,
     "Triệu Văn Khang", "CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN"),
])
def test_the_signature_block_is_found_in_each_layout(block, name, position, authority):
    nt = normalize_text(_BODY + block)
    sig = nt.signature
    assert sig is not None
    assert (sig.name, sig.position, sig.authority) == (name, position, authority)
    assert nt.text[sig.name_start:].startswith(name.split()[0])
    assert sig.start <= sig.name_start < sig.end <= nt.footnote_start
    assert nt.text[sig.start:sig.end].rstrip().endswith(name.split()[-1])


@pytest.mark.parametrize("text", [
    _BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT.",  # no signer at all
    _BODY + "Bảng tổng hợp\nStt\nStt",  # words stacked at the end are no signature
    "",
])
def test_no_signature_block_is_none(text):
    assert normalize_text(text).signature is None
    assert find_signature(text) is None


def test_a_running_paragraph_ends_the_block():
    text = ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNông Văn Tuấn\n"
            "Các sở, ban, ngành căn cứ nhiệm vụ được giao tổ chức triển khai thực hiện kế hoạch này.\n"
            "GIÁM ĐỐC\nLý Thị Mai")
    sig = find_signature(text)
    assert (sig.name, sig.position, sig.authority) == ("Lý Thị Mai", "GIÁM ĐỐC", None)


@pytest.mark.parametrize("line, expected", [
    ("KT. CHỦ TỊCH", ("authority", "KT. CHỦ TỊCH")),
    ("TL.BỘ TRƯỞNG", ("authority", "TL.BỘ TRƯỞNG")),
    ("Q. GIÁM ĐỐC", ("position", "Q. GIÁM ĐỐC")),
    ("- Như trên; PHÓ CHỦ TỊCH", ("position", "PHÓ CHỦ TỊCH")),
    ("QUYẾT ĐỊNH", None),
    ("Nguyễn Văn An", None),
])
def test_a_signature_line_is_read_as_printed(line, expected):
    assert signature_line(line) == expected


def test_the_header_writes_the_parts_the_text_layer_found():
    """The header reads the signer from NormalisedText.signature, not from the lines: a text
    whose signature is taken away has no signer."""
    from dataclasses import replace

    from extractors.header import extract_header

    raw = _BODY + "Nơi nhận:\n- Như trên;\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nMông Thị Hoa"
    nt = normalize_text(raw)
    ctx = Context(source=Source("x.txt", "x", SourceFormat.TXT, [raw]), text=nt)
    assert extract_header(ctx).items[0]["signer"] == {
        "name": "Mông Thị Hoa", "position": "Phó Giám đốc", "authority": "KT. Giám đốc"}
    bare = Context(source=ctx.source, text=replace(nt, signature=None))
    section = extract_header(bare)
    assert section.items[0]["signer"] is None
    assert "missing_signer" in {w["code"] for w in section.warnings}
