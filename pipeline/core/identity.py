"""Stable identities for published rows: folded keys and ids derived from them.

A document is (doc_type, number, issuer, year) — the contract's identity — so a
decree cited by fifty plans is one row. Ids hash the folded key, never row order,
so the same inputs always give the same ids.
"""
from __future__ import annotations

import hashlib
import re

from pipeline.core.vntext import fold_key

_YEAR_IN_NUMBER = re.compile(r"/((?:19|20)\d{2})/")


fold = fold_key  # the name identities have always used


def short_hash(*parts: object, length: int = 12) -> str:
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


def slug(text: str | None, limit: int = 60) -> str:
    """``tỉnh Thừa Thiên Huế`` → ``tinh-thua-thien-hue``."""
    s = re.sub(r"[^a-z0-9]+", "-", fold_key(text)).strip("-")
    return s[:limit].rstrip("-")


def document_year(number: str | None, issued_date: str | None) -> int | None:
    """The year in the symbol (``19/2014/QĐ-TTg``) first — it is what every citer
    prints — else the year of the date."""
    if number:
        m = _YEAR_IN_NUMBER.search(number + "/")
        if m:
            return int(m.group(1))
    if issued_date and issued_date[:4].isdigit():
        return int(issued_date[:4])
    return None


# A document key: (doc_type, number-or-title, issuer, year) folded; None where unknown.
DocKey = tuple[str, str, str | None, int | None]


def document_key(doc_type: str | None, number: str | None, title: str | None,
                 issuer: str | None, issued_date: str | None) -> DocKey:
    ident = "no:" + fold_key(number).replace(" ", "") if number else "title:" + fold_key(title)
    return (fold_key(doc_type), ident, fold_key(issuer) or None, document_year(number, issued_date))


def document_id(key: DocKey) -> str:
    return "d" + short_hash(*key)


def resolve_partial_keys(keys: set[DocKey]) -> dict[DocKey, DocKey]:
    """Map a key with an unknown issuer or year to the one complete key it can only mean.

    ``26/2014/TT-BKHCN`` cited without a date, or a bare ``2276/QĐ-UBND`` with no year,
    joins the row of the same kind and number whose issuer/year is known — when exactly
    one such row exists; otherwise it stays its own row.
    """
    by_ident: dict[tuple[str, str], list[DocKey]] = {}
    for k in keys:
        by_ident.setdefault((k[0], k[1]), []).append(k)
    alias: dict[DocKey, DocKey] = {}
    for k in sorted(keys, key=repr):
        if k[2] is not None and k[3] is not None:
            continue
        matches = {
            c for c in by_ident[(k[0], k[1])]
            if c != k and (k[2] is None or c[2] == k[2]) and (k[3] is None or c[3] == k[3])
            and c[2] is not None and c[3] is not None
        }
        if len(matches) == 1:
            alias[k] = matches.pop()
    return alias


def agency_id(name: str, locality: str | None) -> str:
    return "a" + short_hash(fold_key(name), fold_key(locality))
