"""The citation measures of every document, computed from the database (numpy/scipy).

``in_degree`` (documents citing it), ``pagerank``, ``component`` (weakly connected, 1 =
largest) and ``chain_depth`` (the longest chain of citations it rests on): the same
definitions as :mod:`pipeline.store.graph` gives them on a networkx graph, here on index
arrays read from the ``citations`` table, in memory proportional to the citation graph and
without networkx — an update in place recomputes them for the whole corpus each time.
"""
from __future__ import annotations

PAGERANK_DIGITS = 8


def prepare() -> None:
    """Load numpy and scipy's graph routines now: a build calls this before the sources
    arrive, while its workers are still reading them, rather than after the last one."""
    import numpy  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401


def _citation_arrays(con):
    """Document ids (sorted, a numpy array) and the citation edges as index arrays into them.

    Ids of one width (``d`` + a hash) are read as one string per column and cut up by numpy:
    no Python object per row, which at 100,000 documents is most of the cost."""
    import numpy as np

    lo, hi, text = con.execute("select min(length(cast(id as blob))), max(length(cast(id as blob))), "
                               "group_concat(id, '') from (select id from documents order by id)").fetchone()
    ids = pairs = None
    if lo and lo == hi:
        ids = np.frombuffer(text.encode("utf-8"), dtype=f"S{lo}")
        count, text = con.execute("select count(citing_id || cited_id), group_concat(citing_id || cited_id, '') "
                                  "from citations").fetchone()
        raw = (text or "").encode("utf-8")
        if len(raw) == 2 * lo * count:  # every edge two ids of that width (else: the general path)
            pairs = np.frombuffer(raw, dtype=f"S{lo}").reshape(-1, 2)
    if pairs is None:
        ids = np.array([r[0] for r in con.execute("select id from documents order by id")], dtype=object)
        rows = con.execute("select citing_id, cited_id from citations "
                           "where citing_id is not null and cited_id is not null").fetchall()
        pairs = np.array(rows, dtype=object).reshape(-1, 2)
    n = len(ids)
    if not n or not len(pairs):
        empty = np.zeros(0, dtype=np.int64)
        return ids, empty, empty
    pos = _positions(ids, pairs.ravel()).reshape(-1, 2)
    found = ids[np.minimum(pos, n - 1)] == pairs
    keep = found.all(axis=1) & (pos[:, 0] != pos[:, 1])
    return ids, pos[keep, 0].astype(np.int64), pos[keep, 1].astype(np.int64)


def _positions(ids, queries):
    """``np.searchsorted(ids, queries)`` where a query is found, for sorted ``ids``. Byte
    strings of up to 16 bytes are searched by their first 8 as an integer (several times
    faster than comparing strings); the rare ids sharing those 8 bytes, by the whole string."""
    import numpy as np

    width = ids.dtype.itemsize
    if ids.dtype.kind != "S" or width > 16 or not len(ids):
        return np.searchsorted(ids, queries)

    def head(a):
        padded = np.zeros((len(a), 16), dtype=np.uint8)
        padded[:, :width] = a.view(np.uint8).reshape(-1, width)
        return padded.view(">u8")[:, 0].astype(np.uint64)  # big-endian: byte order is number order

    keys, wanted = head(ids), head(queries)
    pos = np.searchsorted(keys, wanted, "left")
    twin = np.zeros(len(keys) + 1, dtype=bool)  # the first of ids sharing their 8 bytes
    twin[:-2] = keys[1:] == keys[:-1]
    shared = twin[pos]
    if shared.any():
        pos[shared] = np.searchsorted(ids, queries[shared])
    return pos


def _pagerank_arrays(n: int, src, dst, alpha: float = 0.85, tol: float = 1e-12, max_iter: int = 200):
    """:func:`pipeline.store.graph.pagerank` on index arrays; the same definition and stopping rule."""
    import numpy as np

    s, d = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    out = np.bincount(s, minlength=n).astype(float)
    dangling = out == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        spread = alpha * rank[dangling].sum() / n
        share = np.divide(alpha * rank, out, out=np.zeros(n), where=~dangling)
        new = np.bincount(d, weights=share[s], minlength=n) + ((1.0 - alpha) / n + spread)
        delta = np.abs(new - rank).sum()
        rank = new
        if delta < n * tol:
            break
    return rank


def _sparse(n: int, src, dst):
    import numpy as np
    from scipy.sparse import csr_matrix

    return csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))


def _components(n: int, src, dst):
    """Weakly connected components numbered 1 = largest (ties: the smallest member id)."""
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    m, label = connected_components(_sparse(n, src, dst), directed=True, connection="weak")
    size = np.bincount(label, minlength=m)
    first = np.full(m, n, dtype=np.int64)
    seen, at = np.unique(label, return_index=True)  # each component's first (smallest) member
    first[seen] = at
    number = np.empty(m, dtype=np.int64)
    number[np.lexsort((first, -size))] = np.arange(1, m + 1)
    return number[label]


def _chain_depths(n: int, src, dst, rounds: int = 256):
    """:func:`pipeline.store.graph.chain_depths` on index arrays: strongly connected
    components (scipy), then the longest chain below each over the condensation.

    The condensation is peeled from its sinks, a level of the tree per numpy step: a
    component's depth is the round in which the last of the components it cites is done.
    After ``rounds`` levels (a chain of that many documents is rare) the rest is finished
    one component at a time, sinks first."""
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    s, d = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    m, comp = connected_components(_sparse(n, s, d), directed=True, connection="strong")
    cs, cd = comp[s], comp[d]
    keep = cs != cd
    cs, cd = cs[keep], cd[keep]
    left = np.bincount(cs, minlength=m)  # citations not yet done, per component
    by = np.argsort(cd, kind="stable")
    ptr = np.concatenate(([0], np.cumsum(np.bincount(cd, minlength=m))))
    citers = cs[by]  # the components citing each one, grouped by it
    depth = np.zeros(m, dtype=np.int64)
    done = left == 0
    frontier = np.flatnonzero(done)
    level = 0
    while frontier.size and level < rounds:
        starts, sizes = ptr[frontier], ptr[frontier + 1] - ptr[frontier]
        total = int(sizes.sum())
        if not total:
            frontier = frontier[:0]
            break
        # every citer of the frontier, once per citation
        at = np.repeat(starts - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes) + np.arange(total)
        who, times = np.unique(citers[at], return_counts=True)
        left[who] -= times
        level += 1
        frontier = who[left[who] == 0]
        depth[frontier] = level
        done[frontier] = True
    if not done.all():  # deeper than ``rounds``: the rest in an order where what it cites comes first
        order = _sinks_first(m, cs, cd)
        by_src = np.argsort(cs, kind="stable")
        sptr = np.concatenate(([0], np.cumsum(np.bincount(cs, minlength=m)))).tolist()
        succ = cd[by_src].tolist()
        values = depth.tolist()
        get = values.__getitem__
        for c in order[~done[order]].tolist():
            values[c] = 1 + max(map(get, succ[sptr[c]:sptr[c + 1]]))
        depth = np.asarray(values, dtype=np.int64)
    return depth[comp]


def _sinks_first(m: int, cs, cd):
    """An order of the condensation's components in which every edge goes backwards. scipy
    numbers strong components as Tarjan finds them (sinks first); checked, else Kahn's order."""
    import numpy as np

    if not len(cs) or bool((cs > cd).all()):
        return np.arange(m)
    out = np.bincount(cs, minlength=m).tolist()
    by = np.argsort(cd, kind="stable")
    ptr = np.concatenate(([0], np.cumsum(np.bincount(cd, minlength=m)))).tolist()
    pred = cs[by].tolist()
    order = [c for c in range(m) if not out[c]]
    for c in order:  # grows while it is walked
        for p in pred[ptr[c]:ptr[c + 1]]:
            out[p] -= 1
            if not out[p]:
                order.append(p)
    return np.asarray(order, dtype=np.int64)


MEASURES = ("in_degree", "pagerank", "component", "chain_depth")


def store_metrics_sql(con) -> int:
    """in_degree, pagerank, component and chain_depth of every document, computed from the
    citations table and written where they changed (``con``: a sqlite3 connection; nothing
    here commits). Returns the rows written."""
    import numpy as np

    ids, src, dst = _citation_arrays(con)
    n = len(ids)
    if not n:
        return 0
    want = np.empty(n, dtype=[("in_degree", "i8"), ("pagerank", "f8"), ("component", "i8"), ("chain_depth", "i8")])
    want["in_degree"] = np.bincount(dst, minlength=n)
    want["pagerank"] = np.round(_pagerank_arrays(n, src, dst), PAGERANK_DIGITS)
    want["component"] = _components(n, src, dst)
    want["chain_depth"] = _chain_depths(n, src, dst)
    # What is stored, in id order, from the covering index of the four columns (no table rows).
    have = np.fromiter(con.execute(
        "select coalesce(in_degree, -1), coalesce(pagerank, -1.0), coalesce(component, -1), "
        "coalesce(chain_depth, -1) from documents order by id"), dtype=want.dtype, count=n)
    changed = np.flatnonzero(have != want)
    if changed.size:
        def text(i: int) -> str:
            return ids[i] if ids.dtype == object else ids[i].decode("utf-8")
        con.executemany(f"update documents set {' = ?, '.join(MEASURES)} = ? where id = ?",
                        ((*want[i].tolist(), text(i)) for i in changed.tolist()))
    return int(changed.size)
