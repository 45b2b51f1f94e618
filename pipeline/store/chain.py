"""``vanban chain NUMBER``: the citation chain of a document as a tree in the terminal.

``direction="citing"`` lists the documents that rest on it (who cites it, and who
cites those …); ``direction="cited"`` what it rests on.
"""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from pipeline.store.access import db_option, read_only

DIRECTIONS = {"citing": ("cited_id", "citing_id", "←"), "cited": ("citing_id", "cited_id", "→")}


def _describe(doc: dict) -> str:
    bits = [b for b in (doc.get("kind"), doc.get("issuer"), doc.get("issued_date") or doc.get("year")) if b]
    stub = "" if doc.get("ingested") else ", not in corpus"
    return f"{doc['label']} ({', '.join(str(b) for b in bits)}{stub})"


_DOC_SQL = """select d.id, d.label, d.number, d.issuer, d.issued_date, d.year, d.ingested, t.code as kind
               from documents d left join doc_types t on t.id = d.doc_type"""


def neighbours_sql(here: str, there: str, n: int) -> str:
    """The neighbours of ``n`` documents and what the tree prints of them: edges and rows both
    read from covering indexes (citations by either end; documents by id with these columns)."""
    return f"""select c.{here} as node, c.relation, d.id, d.label, d.number, d.issuer,
                      d.issued_date, d.year, d.ingested, t.code as kind
               from citations c join documents d on d.id = c.{there}
               left join doc_types t on t.id = d.doc_type
               where c.{here} in ({', '.join('?' * n)})"""


def chain_lines(db_path: str | Path, number: str, direction: str = "citing", max_depth: int = 20,
                limit: int = 2000) -> list[str]:
    """The tree as text lines; one tree per document matching ``number`` (or label, or id).

    Walks the citations table through its indexes, a level of the tree per query, so the
    time depends on the size of the tree, not of the corpus. A document reached again
    by another branch is listed ``[see above]`` without its own chain (a tree of every path
    grows exponentially in a dense graph); at most ``limit`` lines."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {sorted(DIRECTIONS)}")
    here, there, arrow = DIRECTIONS[direction]
    con = read_only(db_path)
    con.row_factory = sqlite3.Row
    try:
        return _lines(con, number, here, there, arrow, direction, max_depth, limit)
    finally:
        con.close()


def _lines(con, number, here, there, arrow, direction, max_depth, limit) -> list[str]:
    docs: dict[str, dict] = {}

    def doc(did: str) -> dict:
        if did not in docs:
            docs[did] = dict(con.execute(_DOC_SQL + " where d.id = ?", (did,)).fetchone())
        return docs[did]

    kids: dict[str, list[tuple[str, str]]] = {}  # node → [(neighbour, relation)]

    def fetch(nodes: list[str]) -> None:
        # the neighbours of a batch of documents and their rows, in one indexed query
        for at in range(0, len(nodes), 500):
            batch = nodes[at:at + 500]
            for node in batch:
                kids.setdefault(node, [])
            for r in con.execute(neighbours_sql(here, there, len(batch)), batch):
                row = dict(r)
                node, relation = row.pop("node"), row.pop("relation")
                docs.setdefault(row["id"], row)
                kids[node].append((row["id"], relation))

    def children(node: str) -> list[tuple[str, str]]:
        if node not in kids:
            fetch([node])
        return kids[node]

    roots = {r["id"]: dict(r) for col in ("number", "id")  # indexed; a label differs from the
             for r in con.execute(_DOC_SQL + f" where d.{col} = ?", (number,))}  # number only unnumbered
    if not roots:
        roots = {r["id"]: dict(r) for r in con.execute(_DOC_SQL + " where d.label = ?", (number,))}
    docs.update(roots)
    if not roots:
        return [f"no document numbered {number!r}"]
    lines: list[str] = []
    # Breadth first, a level per query while the tree stays within the line limit: a query per
    # level, not per document shown (the walk below fetches what this leaves out).
    frontier, fetched = sorted(roots), 0
    for _ in range(max_depth):
        new = [n for n in frontier if n not in kids]
        if not new or fetched > limit:
            break
        fetch(new)
        fetched += sum(len(kids[n]) for n in new)
        frontier = sorted({child for n in new for child, _ in kids[n]})

    expanded: set[str] = set(roots)

    def walk(node: str, prefix: str, seen: tuple[str, ...]) -> None:
        kids = sorted(children(node), key=lambda e: (doc(e[0])["label"], e[1]))
        for i, (child, relation) in enumerate(kids):
            if len(lines) >= limit:
                lines.append(f"{prefix}… (more than {limit} lines: not shown)")
                return
            last = i == len(kids) - 1
            mark = " [cycle]" if child in seen else " [see above]" if child in expanded else ""
            lines.append(f"{prefix}{'└── ' if last else '├── '}{relation} {arrow} {_describe(doc(child))}{mark}")
            if not mark and len(seen) < max_depth:
                expanded.add(child)  # a document shared by two branches is expanded once
                walk(child, prefix + ("    " if last else "│   "), seen + (child,))

    for root in sorted(roots.values(), key=lambda d: d["id"]):
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
    @db_option
    @click.option("--direction", type=click.Choice(sorted(DIRECTIONS)), default="citing", show_default=True,
                  help="citing: documents resting on NUMBER; cited: what NUMBER rests on.")
    def chain(number: str, db_path: str, direction: str) -> None:
        """Print the citation chain of a document as a tree with relations.

        Example: vanban chain "19/2014/QĐ-TTg"
        """
        print_chain(db_path, number, direction)

    return chain


chain_command = _click_command()
