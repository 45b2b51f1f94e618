"""``vanban chain NUMBER``: the citation chain of a document as a tree in the terminal.

``direction="citing"`` lists the documents that rest on it (who cites it, and who
cites those …); ``direction="cited"`` what it rests on.
"""
from __future__ import annotations

import sys
from pathlib import Path

import sqlite_utils

DIRECTIONS = {"citing": ("cited_id", "citing_id", "←"), "cited": ("citing_id", "cited_id", "→")}


def _describe(doc: dict) -> str:
    bits = [b for b in (doc.get("kind"), doc.get("issuer"), doc.get("issued_date") or doc.get("year")) if b]
    stub = "" if doc.get("ingested") else ", not in corpus"
    return f"{doc['label']} ({', '.join(str(b) for b in bits)}{stub})"


def chain_lines(db_path: str | Path, number: str, direction: str = "citing", max_depth: int = 20) -> list[str]:
    """The tree as text lines; one tree per document matching ``number`` (or label, or id)."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {sorted(DIRECTIONS)}")
    here, there, arrow = DIRECTIONS[direction]
    db = sqlite_utils.Database(db_path)
    docs = {r["id"]: r for r in db.query(
        """select d.id, d.label, d.number, d.issuer, d.issued_date, d.year, d.ingested, t.code as kind
           from documents d left join doc_types t on t.id = d.doc_type""")}
    edges: dict[str, list[tuple[str, str]]] = {}
    for r in db.query(f"select {here} as a, {there} as b, relation from citations"):
        edges.setdefault(r["a"], []).append((r["b"], r["relation"]))
    roots = sorted((d for d in docs.values() if number in (d["number"], d["label"], d["id"])),
                   key=lambda d: d["id"])
    if not roots:
        return [f"no document numbered {number!r}"]
    lines: list[str] = []

    def walk(node: str, prefix: str, seen: tuple[str, ...]) -> None:
        children = sorted(edges.get(node, []), key=lambda e: (docs[e[0]]["label"], e[1]))
        for i, (child, relation) in enumerate(children):
            last = i == len(children) - 1
            loop = " [cycle]" if child in seen else ""
            lines.append(f"{prefix}{'└── ' if last else '├── '}{relation} {arrow} {_describe(docs[child])}{loop}")
            if not loop and len(seen) < max_depth:
                walk(child, prefix + ("    " if last else "│   "), seen + (child,))

    for root in roots:
        lines.append(_describe(root))
        before = len(lines)
        walk(root["id"], "", (root["id"],))
        if len(lines) == before:
            lines.append("└── (none)" if direction == "citing" else "└── (cites nothing)")
    return lines


def citation_tree(root: str, links: dict[str, list[tuple[str, str]]], max_depth: int = 20,
                  limit: int = 300) -> list[dict]:
    """The chain below ``root`` as nested ``{"id", "relation", "children", "cycle", "repeat"}``.

    ``links[node]`` lists ``(neighbour, relation)`` in one direction (what a document cites,
    or who cites it). A node already expanded elsewhere is listed again without its
    children (``repeat``); a node on its own path is a ``cycle``; at most ``limit`` nodes.
    """
    expanded: set[str] = {root}
    count = 0

    def walk(node: str, path: tuple[str, ...]) -> list[dict]:
        nonlocal count
        out = []
        for child, relation in sorted(set(links.get(node, [])), key=lambda e: (e[0], e[1])):
            if count >= limit:
                break
            count += 1
            item = {"id": child, "relation": relation, "children": [],
                    "cycle": child in path, "repeat": child in expanded and child not in path}
            if not item["cycle"] and not item["repeat"] and len(path) < max_depth:
                expanded.add(child)
                item["children"] = walk(child, path + (child,))
            out.append(item)
        return out

    return walk(root, (root,))


def print_chain(db_path: str | Path, number: str, direction: str = "citing", file=None) -> None:
    """Print the chain of ``number`` (e.g. ``19/2014/QĐ-TTg``) as a tree with relations."""
    print("\n".join(chain_lines(db_path, number, direction)), file=file or sys.stdout)


def _click_command():
    import click

    @click.command("chain")
    @click.argument("number")
    @click.option("--db", "db_path", default="data/out/vanban.db", show_default=True,
                  type=click.Path(exists=True, dir_okay=False), help="Database built by `vanban build`.")
    @click.option("--direction", type=click.Choice(sorted(DIRECTIONS)), default="citing", show_default=True,
                  help="citing: documents resting on NUMBER; cited: what NUMBER rests on.")
    def chain(number: str, db_path: str, direction: str) -> None:
        """Print the citation chain of a document as a tree with relations.

        Example: vanban chain "19/2014/QĐ-TTg"
        """
        print_chain(db_path, number, direction)

    return chain


chain_command = _click_command()
