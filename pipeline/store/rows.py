"""Contract objects → table rows, with one identity per document, agency and locality.

Pure Python, no database: :func:`assemble` turns extractions and source records into
plain row dicts keyed by stable ids, which :mod:`pipeline.store.publish` writes. Every
item keeps its provenance spans (offsets in the normalised text and the source page);
when an extraction carries text but no spans (a hand-written gold file, an older
extractor), the item is located in the text by its printed form.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline.core.identity import (
    agency_id, document_id, document_key, resolve_partial_keys, short_hash, slug,
)
from pipeline.core.models import Extraction
from pipeline.core.vntext import fold_key
from gazetteer.places import Gazetteer, division_hints

RELATION_ORDER = ["based_on", "replaces", "repeals", "amends", "implements", "mentions"]


@dataclass
class Rows:
    documents: dict[str, dict] = field(default_factory=dict)
    sources: list[dict] = field(default_factory=list)
    source_pages: list[dict] = field(default_factory=list)  # per-page OCR confidence
    citations: dict[str, dict] = field(default_factory=dict)
    citation_mentions: list[dict] = field(default_factory=list)
    standards: dict[str, dict] = field(default_factory=dict)
    document_standards: dict[tuple, dict] = field(default_factory=dict)
    agencies: dict[str, dict] = field(default_factory=dict)
    document_agencies: dict[tuple, dict] = field(default_factory=dict)
    agency_mentions: list[dict] = field(default_factory=list)
    localities: dict[str, dict] = field(default_factory=dict)
    tasks: list[dict] = field(default_factory=list)
    task_agencies: dict[tuple, dict] = field(default_factory=dict)
    deadlines: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


# ---- provenance -----------------------------------------------------------------------

def _span_tuple(span) -> tuple[int, int, int | None, str | None]:
    if isinstance(span, dict):
        return span.get("start"), span.get("end"), span.get("page"), span.get("text")
    return span.start, span.end, span.page, span.text


def _spans(extraction: Extraction, section: str, index: int, needle: str | None) -> list[tuple]:
    """Spans of item ``index`` of ``section``: from provenance, else found in the text."""
    prov = (extraction.provenance or {}).get(section)
    if isinstance(prov, list) and index < len(prov) and prov[index]:
        return sorted(_span_tuple(s) for s in prov[index])
    return locate(extraction, needle)


def locate(extraction: Extraction, needle: str | None, limit: int = 50) -> list[tuple]:
    """Every place ``needle`` is printed in the normalised text (whitespace-tolerant)."""
    text = extraction.text
    if text is None or not needle or not needle.strip():
        return []
    pattern = r"\s+".join(re.escape(w) for w in needle.split())
    found = []
    for m in re.finditer(pattern, text.text, flags=re.IGNORECASE):
        found.append((m.start(), m.end(), text.page_at(m.start()), m.group(0)))
        if len(found) >= limit:
            break
    return found


def _task_needle(task_text: str) -> str:
    # Task text joins the source's line breaks; its first words are enough to find it.
    return " ".join(task_text.split()[:10])


# ---- identities -----------------------------------------------------------------------

def _issuer(obj: dict | None) -> tuple[str | None, str | None]:
    obj = obj or {}
    return obj.get("name") or None, obj.get("locality") or None


def _doc_key(doc: dict, title: str | None = None):
    name, _ = _issuer(doc.get("issuer"))
    return document_key(doc.get("doc_type"), doc.get("number"), title or doc.get("title"),
                        name, doc.get("issued_date"))


def _label(doc_type, number, title, issuer, year) -> str:
    if number:
        return number
    if title:
        return title if len(title) <= 90 else title[:87].rstrip() + "…"
    who = ", ".join(str(x) for x in (issuer, year) if x)
    return f"{doc_type or '?'} ({who})" if who else (doc_type or "?")


def _folded(kind_names: dict, doc_type: str | None, *parts: str | None) -> str | None:
    """Searchable text without marks: the kind's name (``quyet dinh``), number, title, text."""
    return fold_key(" ".join(p for p in (kind_names.get(doc_type), *parts) if p)) or None


def _strongest(a: str | None, b: str | None) -> str:
    rank = {r: i for i, r in enumerate(RELATION_ORDER)}
    return min(a or "mentions", b or "mentions", key=lambda r: rank.get(r, len(rank)))


class _Agencies:
    """One row per (canonical name, locality); the display name is the commonest spelling."""

    def __init__(self):
        self.spellings: dict[str, Counter] = {}
        self.locality: dict[str, str | None] = {}

    def add(self, name: str | None, locality: str | None) -> str | None:
        if not name or not name.strip():
            return None
        aid = agency_id(name, locality)
        self.spellings.setdefault(aid, Counter())[" ".join(name.split())] += 1
        self.locality.setdefault(aid, locality)
        return aid

    def name(self, aid: str) -> str:
        counts = self.spellings[aid]
        return sorted(counts, key=lambda n: (-counts[n], n))[0]


# ---- assembly -------------------------------------------------------------------------

def assemble(extractions: list[Extraction], sources: list[dict], kinds: list[dict],
             kind_names: dict[str, str] | None = None, group_words: list[str] = ("các", "cấp")) -> Rows:
    """Rows for every table. ``kinds``: agency kinds by name prefix; ``kind_names``:
    document kind code → Vietnamese name, folded into the searchable text."""
    rows = Rows()
    kind_names = kind_names or {}
    ordered = sorted(extractions, key=lambda e: (e.contract.get("source", {}).get("path") or "",
                                                  _doc_key(e.contract.get("document", {})).__repr__()))
    # All identities first, so a partial one (no year, no issuer) can join its full row.
    keys = set()
    for e in ordered:
        keys.add(_doc_key(e.contract.get("document", {})))
        for c in e.contract.get("citations", []):
            keys.add(_doc_key(c))
    alias = resolve_partial_keys(keys)

    def doc_id_for(key):
        return document_id(alias.get(key, key))

    agencies = _Agencies()
    ingested: list[tuple[str, Extraction]] = []
    source_doc: dict[str, str] = {}
    duplicate_of: dict[str, str] = {}

    for e in ordered:
        doc = e.contract.get("document", {})
        path = e.contract.get("source", {}).get("path")
        did = doc_id_for(_doc_key(doc))
        if did in rows.documents and rows.documents[did]["ingested"]:
            duplicate_of[path] = rows.documents[did]["source_path"]
            source_doc[path] = did
            continue
        issuer, issuer_loc = _issuer(doc.get("issuer"))
        key = alias.get(_doc_key(doc), _doc_key(doc))
        text = e.text.text if e.text is not None else None
        rows.documents[did] = {
            "id": did, "doc_type": doc.get("doc_type"), "number": doc.get("number"),
            "label": _label(doc.get("doc_type"), doc.get("number"), doc.get("title"), issuer, key[3]),
            "issuer": issuer, "issuer_id": agencies.add(issuer, issuer_loc),
            "issuer_locality": issuer_loc, "locality_id": None, "place": doc.get("place"),
            "issued_date": doc.get("issued_date"), "year": key[3], "title": doc.get("title"),
            "signer_name": (doc.get("signer") or {}).get("name"),
            "signer_position": (doc.get("signer") or {}).get("position"),
            "signer_authority": (doc.get("signer") or {}).get("authority"),
            "text": text, "text_folded": _folded(kind_names, doc.get("doc_type"), doc.get("number"),
                                                 doc.get("title"), text),
            "ingested": 1, "source_path": path,
        }
        source_doc[path] = did
        ingested.append((did, e))

    for did, e in ingested:
        _add_sections(rows, agencies, did, e, doc_id_for, kind_names)

    _add_sources(rows, sources, source_doc, duplicate_of)
    _add_agencies_and_localities(rows, agencies, kinds, group_words)
    return rows


def _add_sections(rows: Rows, agencies: _Agencies, did: str, e: Extraction, doc_id_for,
                  kind_names: dict) -> None:
    _add_citations(rows, agencies, did, e, doc_id_for, kind_names)
    add_own_sections(rows, agencies, did, e)


def _add_citations(rows: Rows, agencies: _Agencies, did: str, e: Extraction, doc_id_for,
                   kind_names: dict) -> None:
    c = e.contract
    # Citations: one row per (citing, cited); a stub document row for what is not ingested.
    for i, cit in enumerate(c.get("citations", [])):
        key = _doc_key(cit)
        cited = doc_id_for(key)
        if cited == did:
            continue  # a document naming itself is not a citation
        issuer, issuer_loc = _issuer(cit.get("issuer"))
        stub = rows.documents.get(cited)
        if stub is None:
            stub = rows.documents[cited] = {
                "id": cited, "doc_type": cit.get("doc_type"), "number": cit.get("number"),
                "label": _label(cit.get("doc_type"), cit.get("number"), cit.get("title"), issuer, key[3]),
                "issuer": issuer, "issuer_id": agencies.add(issuer, issuer_loc),
                "issuer_locality": issuer_loc, "locality_id": None, "place": None,
                "issued_date": cit.get("issued_date"), "year": key[3], "title": cit.get("title"),
                "signer_name": None, "signer_position": None, "signer_authority": None,
                "text": None, "text_folded": _folded(kind_names, cit.get("doc_type"), cit.get("number"),
                                                     cit.get("title")),
                "ingested": 0, "source_path": None,
            }
        elif not stub["ingested"]:
            for field_, value in (("issued_date", cit.get("issued_date")), ("title", cit.get("title")),
                                  ("issuer", issuer), ("issuer_locality", issuer_loc)):
                if stub[field_] is None and value:
                    stub[field_] = value
            if stub["issuer_id"] is None:
                stub["issuer_id"] = agencies.add(issuer, issuer_loc)
            stub["text_folded"] = _folded(kind_names, stub["doc_type"], stub["number"], stub["title"])
        cid = "c" + short_hash(did, cited)
        row = rows.citations.get(cid)
        if row is None:
            row = rows.citations[cid] = {"id": cid, "citing_id": did, "cited_id": cited,
                                         "relation": cit.get("relation") or "mentions", "mentions": 0}
        else:
            row["relation"] = _strongest(row["relation"], cit.get("relation"))
        row["mentions"] += int(cit.get("mentions") or 0)
        for start, end, page, text in _spans(e, "citations", i, cit.get("number") or cit.get("title")):
            rows.citation_mentions.append({
                "id": "cm" + short_hash(cid, start, end), "citation_id": cid, "document_id": did,
                "page": page, "start": start, "end": end, "text": text})



def add_own_sections(rows: Rows, agencies: _Agencies, did: str, e: Extraction) -> None:
    """Standards, agencies, tasks, deadlines and warnings of one ingested document: rows that
    depend on the document alone (its citations resolve against the corpus)."""
    c = e.contract
    for i, std in enumerate(c.get("standards", [])):
        code = " ".join((std.get("code") or "").split())
        if not code:
            continue
        sid = slug(code) or "s" + short_hash(code)
        rows.standards.setdefault(sid, {"id": sid, "code": code})
        spans = _spans(e, "standards", i, code)
        link = rows.document_standards.setdefault((did, sid), {
            "document_id": did, "standard_id": sid, "mentions": 0, "page": None})
        link["mentions"] += max(1, len(spans))
        link["page"] = link["page"] or (spans[0][2] if spans else None)

    for i, ag in enumerate(c.get("agencies", [])):
        aid = agencies.add(ag.get("name"), ag.get("locality"))
        if aid is None:
            continue
        link = rows.document_agencies.setdefault((did, aid), {
            "document_id": did, "agency_id": aid, "mentions": 0})
        link["mentions"] += int(ag.get("mentions") or 0)
        for start, end, page, text in _spans(e, "agencies", i, ag.get("name")):
            rows.agency_mentions.append({
                "id": "am" + short_hash(aid, did, start, end), "agency_id": aid, "document_id": did,
                "page": page, "start": start, "end": end, "text": text})

    seen_refs: Counter = Counter()
    task_by_deadline: dict[str, str] = {}
    for i, task in enumerate(c.get("tasks", [])):
        ref = task.get("ref") or f"#{i + 1}"
        seen_refs[ref] += 1
        tid = "t" + short_hash(did, ref, seen_refs[ref])
        spans = _spans(e, "tasks", i, _task_needle(task.get("text") or ""))
        dl = task.get("deadline") or {}
        doc_label = rows.documents[did]["label"]
        rows.tasks.append({
            "id": tid, "document_id": did, "seq": i + 1, "ref": ref,
            "label": f"{doc_label} {ref}", "section": ref.split(".")[0],
            "text": task.get("text"), "text_folded": fold_key(task.get("text")) or None,
            "deadline_text": dl.get("text"), "deadline_start": dl.get("start"),
            "deadline_end": dl.get("end"), "deadline_recurrence": dl.get("recurrence"),
            "start": spans[0][0] if spans else None, "end": spans[0][1] if spans else None,
            "page": spans[0][2] if spans else None,
        })
        if dl.get("text"):
            task_by_deadline.setdefault(fold_key(dl["text"]), tid)
        for ag in task.get("agencies", []):
            aid = agencies.add(ag.get("name"), ag.get("locality"))
            if aid:
                role = ag.get("role") or "responsible"
                rows.task_agencies[(tid, aid, role)] = {"task_id": tid, "agency_id": aid, "role": role}

    for i, dl in enumerate(c.get("deadlines", [])):
        spans = _spans(e, "deadlines", i, dl.get("text"))
        end = dl.get("end")
        rows.deadlines.append({
            "id": "dl" + short_hash(did, i, dl.get("text")), "document_id": did,
            "task_id": task_by_deadline.get(fold_key(dl.get("text"))), "text": dl.get("text"),
            "start": dl.get("start"), "end": end, "recurrence": dl.get("recurrence"),
            "month": end[:7] if end and len(end) >= 7 else None,
            "span_start": spans[0][0] if spans else None, "span_end": spans[0][1] if spans else None,
            "page": spans[0][2] if spans else None,
        })

    for i, w in enumerate(c.get("warnings", [])):
        rows.warnings.append({"id": "w" + short_hash(did, i, w.get("code"), w.get("detail")),
                              "document_id": did, "code": w.get("code"), "detail": w.get("detail")})


def _add_sources(rows: Rows, sources: list[dict], source_doc: dict, duplicate_of: dict) -> None:
    by_path = {s["path"]: dict(s) for s in sources}
    for path in source_doc:
        by_path.setdefault(path, {"path": path, "status": "ok"})
    for path in sorted(by_path):
        s = by_path[path]
        conf = s.get("ocr_confidence")
        if isinstance(conf, (list, tuple)):
            rows.source_pages.extend({"source_path": path, "page": n, "ocr_confidence": round(c, 4)}
                                     for n, c in enumerate(conf, start=1) if c is not None)
            conf = round(sum(conf) / len(conf), 4) if conf else None
        status, error = s.get("status") or "ok", s.get("error")
        if path in duplicate_of and status == "ok":
            status, error = "duplicate", f"same document as {duplicate_of[path]}"
        rows.sources.append({
            "path": path, "sha256": s.get("sha256"), "format": s.get("format"),
            "pages": s.get("pages"), "status": str(status), "error": error,
            "document_id": source_doc.get(path) or s.get("document_id"), "ocr_confidence": conf,
        })
    # The same bytes under a second name (no extraction of its own) are the same document.
    by_sha = {s["sha256"]: s["document_id"] for s in rows.sources if s["sha256"] and s["document_id"]}
    for s in rows.sources:
        if s["document_id"] is None and s["sha256"]:
            s["document_id"] = by_sha.get(s["sha256"])
        if s["document_id"] not in rows.documents:  # a caller's id must point at a row
            s["document_id"] = None


def _agency_kind(name: str, kinds: list[dict], group_words: list[str] = ("các", "cấp")) -> str | None:
    folded = fold_key(name)
    words = folded.split()
    if any(fold_key(w) in words for w in group_words):
        return "group"
    best = None
    for k in kinds:
        p = fold_key(k["prefix"])
        if (folded == p or folded.startswith(p + " ")) and (best is None or len(p) > len(fold_key(best["prefix"]))):
            best = k
    return best["kind"] if best else None


def _add_agencies_and_localities(rows: Rows, agencies: _Agencies, kinds: list[dict],
                                 group_words: list[str]) -> None:
    names = [agencies.name(a) for a in agencies.spellings] + [d["issuer"] or "" for d in rows.documents.values()]
    locs = [l for l in agencies.locality.values() if l] + [d["issuer_locality"] for d in rows.documents.values() if d["issuer_locality"]]
    gaz = Gazetteer(division_hints(names, locs))
    unit_of = {fold_key(l): gaz.resolve(l) for l in sorted(set(locs))}

    for d in rows.documents.values():
        unit = unit_of.get(fold_key(d["issuer_locality"])) if d["issuer_locality"] else None
        d["locality_id"] = unit.id if unit else None

    task_counts = Counter(link["agency_id"] for link in rows.task_agencies.values())
    doc_counts = Counter(link["agency_id"] for link in rows.document_agencies.values())
    mention_counts = Counter()
    for link in rows.document_agencies.values():
        mention_counts[link["agency_id"]] += link["mentions"]
    issued = Counter(d["issuer_id"] for d in rows.documents.values() if d["issuer_id"])
    for aid in sorted(agencies.spellings):
        name, loc = agencies.name(aid), agencies.locality[aid]
        unit = unit_of.get(fold_key(loc)) if loc else None
        rows.agencies[aid] = {
            "id": aid, "name": name, "name_folded": fold_key(name), "locality": loc,
            "locality_id": unit.id if unit else None, "locality_code": unit.code if unit else None,
            "kind": _agency_kind(name, kinds, group_words), "level": unit.level if unit else "national",
            "parent_id": None, "documents": doc_counts[aid], "mentions": mention_counts[aid],
            "tasks": task_counts[aid], "issued": issued[aid],
        }
    # A local body's parent is its locality's People's Committee, when that body is a row.
    committees = {(r["locality_id"]): r["id"] for r in rows.agencies.values()
                  if r["kind"] == "people_committee" and r["locality_id"]}
    for r in rows.agencies.values():
        if r["locality_id"] and r["kind"] not in (None, "people_committee", "people_council", "group", "party"):
            r["parent_id"] = committees.get(r["locality_id"])

    for uid in sorted(gaz.units):
        u = gaz.units[uid]
        rows.localities[uid] = {
            "id": u.id, "name": u.name, "full_name": u.full_name, "division": u.division,
            "level": u.level, "code": u.code, "parent_id": u.parent, "successor_id": u.successor,
            "succession_kind": u.succession_kind, "succession_effective": u.succession_effective,
            "current": int(u.current),
        }
