"""Databases written for the browsing tests (invented documents, no corpus text).

- :func:`cascade_contracts`: a national directive, two provincial plans implementing it,
  one department's plan under one of them, and a report that only mentions the directive
  (its duties are not part of the cascade).
- :func:`synthetic_contracts`: ``n`` documents citing earlier ones, most citations going
  to already much-cited documents (a few hubs, a long tail), over kinds, issuers and years.
"""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from pipeline.core.models import Extraction
from pipeline.store.publish import publish
from publish_fixtures import naive_text

PM = {"name": "Thủ tướng Chính phủ", "locality": None}
DIRECTIVE = "05/CT-TTg"
PLAN_A, PLAN_B, DEPT_PLAN, REPORT = "21/KH-UBND", "88/KH-UBND", "7/KH-SNV", "9/BC-UBND"


def _committee(province: str) -> dict:
    return {"name": f"Ủy ban nhân dân tỉnh {province}", "locality": province}


def _doc(doc_type, number, issuer, date, title, citations=(), tasks=(), path=None) -> dict:
    return {
        "schema": "vanban.extraction/1",
        "source": {"path": path or f"fixtures/{number.replace('/', '-')}.txt", "sha256": None,
                   "format": "txt", "pages": 1},
        "document": {"doc_type": doc_type, "number": number, "issuer": issuer, "place": None,
                     "issued_date": date, "title": title, "signer": None},
        "citations": list(citations), "standards": [], "agencies": [], "tasks": list(tasks),
        "deadlines": [], "warnings": [],
    }


def _cite(doc_type, number, issuer, date, relation) -> dict:
    return {"doc_type": doc_type, "number": number, "issued_date": date, "issuer": issuer,
            "title": None, "relation": relation, "mentions": 1}


def _task(ref, text, agencies, end=None) -> dict:
    deadline = {"text": f"trước ngày {end}", "start": None, "end": end, "recurrence": None} if end else None
    return {"ref": ref, "text": text, "agencies": agencies, "deadline": deadline}


def _agency(name, locality, role) -> dict:
    return {"name": name, "locality": locality, "role": role}


def cascade_contracts() -> list[dict]:
    directive = _doc("CT", DIRECTIVE, PM, "2023-02-10", "Về tăng cường số hóa hồ sơ hành chính", tasks=[
        _task("1", "Bộ Nội vụ hướng dẫn số hóa hồ sơ.", [_agency("Bộ Nội vụ", None, "lead")], "2023-06-30"),
        _task("2", "Ủy ban nhân dân các tỉnh xây dựng kế hoạch thực hiện.",
              [_agency("Ủy ban nhân dân các tỉnh", None, "lead")], "2023-04-30"),
    ])
    cite_directive = lambda relation: _cite("CT", DIRECTIVE, PM, "2023-02-10", relation)  # noqa: E731
    plan_a = _doc("KH", PLAN_A, _committee("Lai Châu"), "2023-03-20", "Thực hiện Chỉ thị số 05/CT-TTg",
                  citations=[cite_directive("implements")], tasks=[
        _task("II.1", "Sở Nội vụ chủ trì triển khai số hóa hồ sơ tại các sở, ngành.",
              [_agency("Sở Nội vụ", "Lai Châu", "lead"), _agency("Sở Tài chính", "Lai Châu", "coordinate")],
              "2023-09-30"),
        _task("II.2", "Sở Tài chính bố trí kinh phí.", [_agency("Sở Tài chính", "Lai Châu", "lead")], "2023-05-31"),
    ])
    plan_b = _doc("KH", PLAN_B, _committee("Bạc Liêu"), "2023-04-02", "Triển khai Chỉ thị số 05/CT-TTg",
                  citations=[cite_directive("based_on")], tasks=[
        _task("1", "Sở Nội vụ tham mưu số hóa hồ sơ lưu trữ.", [_agency("Sở Nội vụ", "Bạc Liêu", "lead")],
              "2023-12-31"),
    ])
    dept = _doc("KH", DEPT_PLAN, {"name": "Sở Nội vụ tỉnh Lai Châu", "locality": "Lai Châu"}, "2023-04-15",
                "Số hóa hồ sơ của Sở Nội vụ",
                citations=[_cite("KH", PLAN_A, _committee("Lai Châu"), "2023-03-20", "implements")], tasks=[
        _task("1", "Phòng Cải cách hành chính rà soát hồ sơ cần số hóa.",
              [_agency("Phòng Cải cách hành chính", "Lai Châu", "lead")], "2023-06-15"),
    ])
    report = _doc("BC", REPORT, _committee("Lai Châu"), "2023-12-20", "Tình hình thực hiện năm 2023",
                  citations=[cite_directive("mentions")], tasks=[
        _task("1", "Văn phòng tổng hợp số liệu.", [_agency("Văn phòng Ủy ban nhân dân tỉnh", "Lai Châu", "lead")]),
    ])
    return [directive, plan_a, plan_b, dept, report]


def _text(contract: dict) -> str:
    """A short invented text printing the header, each citation and each duty."""
    d = contract["document"]
    lines = [d["issuer"]["name"].upper(), f"Số: {d['number']}", d["title"]]
    for c in contract["citations"]:
        lines.append(f"Căn cứ văn bản số {c['number']} của {c['issuer']['name']};")
    for t in contract["tasks"]:
        lines.append(f"{t['ref']}. {t['text']}")
    return "\n".join(lines)


KINDS = ["QĐ", "KH", "CV", "TB", "NĐ", "TT", "CT", "NQ"]
ISSUERS = [PM, {"name": "Bộ Tài chính", "locality": None}, {"name": "Bộ Y tế", "locality": None},
           {"name": "Bộ Giáo dục và Đào tạo", "locality": None}, {"name": "Chính phủ", "locality": None}] + [
    _committee(p) for p in ("Điện Biên", "Sơn La", "Hà Giang", "Kon Tum", "Gia Lai", "Cà Mau", "Long An",
                            "Nghệ An", "Quảng Bình", "Phú Yên")]
RELATIONS = ["based_on"] * 6 + ["implements"] * 2 + ["mentions"] * 3 + ["amends", "replaces"]


def synthetic_contracts(n: int = 500, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    docs, weight = [], []
    for i in range(n):
        kind, issuer = rng.choice(KINDS), rng.choice(ISSUERS)
        year = 2012 + i * 13 // n
        number = f"{i + 100}/{year}/{kind}-X{i % 7}"
        cited = set()
        if docs:
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
                cited.add(rng.choices(range(len(docs)), weights=weight)[0])
        citations = [_cite(docs[j]["document"]["doc_type"], docs[j]["document"]["number"],
                           docs[j]["document"]["issuer"], docs[j]["document"]["issued_date"],
                           rng.choice(RELATIONS)) for j in sorted(cited)]
        for j in cited:
            weight[j] += 1
        docs.append(_doc(kind, number, issuer, f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                         f"Văn bản thử số {i}", citations=citations, path=f"synthetic/{i:04d}.txt"))
        weight.append(1)
    return docs


def build_browse_db(directory: Path, synthetic: int = 500, status: bool = True) -> Path:
    """The cascade fixture (with texts) plus ``synthetic`` documents, published; with
    ``status``, the directive marked amended (as a later amending document would make it)."""
    extractions = [Extraction(contract=c, provenance={}, text=naive_text(_text(c))) for c in cascade_contracts()]
    extractions += [Extraction(contract=c, provenance={}, text=None) for c in synthetic_contracts(synthetic)]
    db_path = Path(directory) / "browse.db"
    publish(extractions, [], db_path)
    if status:
        conn = sqlite3.connect(db_path)
        with conn:
            conn.execute("update documents set status = 'in_force' where ingested = 1")
            conn.execute("update documents set status = 'amended' where number = ?", [DIRECTIVE])
        conn.close()
    return db_path
