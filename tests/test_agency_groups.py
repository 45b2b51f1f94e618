"""Agencies: how plural groups and bodies named inside duties are named (invented inputs)."""
from __future__ import annotations

import pytest

from extractors.agencies import extract_agencies
from pipeline.core.models import Context, Source, SourceFormat
from pipeline.text.normalize import normalize_text

_GL = ("Ủy ban nhân dân tỉnh Gia Lai", "Gia Lai", "province")
_CT = ("Ủy ban nhân dân thành phố Cần Thơ", "Cần Thơ", "province")


def _ctx(text: str, issuer=_GL) -> Context:
    doc = {"issuer": {"name": issuer[0], "locality": issuer[1]}, "issued_date": "2025-10-02"}
    return Context(source=Source("t.txt", "", SourceFormat.TXT, [text]), text=normalize_text(text),
                   document=doc, locality=issuer[1], level=issuer[2])


def names(text: str, issuer=_GL) -> set[tuple[str, str | None]]:
    return {(a["name"], a["locality"]) for a in extract_agencies(_ctx(text, issuer)).items}


_CELLS = "".join(f"\n| Cập nhật số liệu đợt {i} |\nUBND xã, phường\n" for i in range(4))


@pytest.mark.parametrize("text,issuer,expected", [
    # the numbered heading that opens the group's duties names it, not the wording of the
    # table cells that repeat it more often
    ("IV. TỔ CHỨC THỰC HIỆN\n5. Ủy ban nhân dân phường, xã\n- Rà soát hồ sơ đất đai.\n" + _CELLS,
     _GL, {("Ủy ban nhân dân các phường, xã", "Gia Lai")}),
    # with no heading, the commoner wording
    ("Phụ lục nhiệm vụ" + _CELLS + "Sở Tài chính phối hợp với Ủy ban nhân dân phường, xã.\n",
     _CT, {("Ủy ban nhân dân các xã, phường", "Cần Thơ"), ("Sở Tài chính", "Cần Thơ")}),
])
def test_a_group_is_named_as_the_heading_of_its_duties_names_it(text, issuer, expected):
    assert names(text, issuer) == expected
