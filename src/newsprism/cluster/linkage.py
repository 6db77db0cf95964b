"""Average-linkage agglomeration restricted to a sparse candidate graph.

With linear similarity (a dot product), the mean similarity of all pairs
across two clusters is the dot product of their sum vectors divided by the
product of their sizes, so a cluster is one sum vector and a merge never
revisits its members. Only pairs joined by a candidate edge are ever
compared, which keeps the cost proportional to the number of edges.

The hubness correction: each article carries ``r``, the mean similarity to
its nearest neighbours. Subtracting the pair's mean ``r`` (CSLS, Conneau et
al. 2018) lowers the bar for short texts, which score low against
everything, and raises it for long same-topic texts, which score high
against everything; one threshold then fits short excerpts and long reports.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass
class Node:
    """A cluster: an existing story or articles of the batch being grouped."""

    members: list[int]  # article indices
    idx: "np.ndarray"  # sum vector, sorted term ids
    val: "np.ndarray"
    dense: "np.ndarray | None"  # sum of embedder vectors, when an embedder is used
    r_sum: float
    lo: int | None  # earliest and latest publication day (ordinal), if known
    hi: int | None
    story: int | None = None  # index of the existing story it is, if any

    @property
    def n(self) -> int:
        return len(self.members)


def add_vectors(a_idx: "np.ndarray", a_val: "np.ndarray", b_idx: "np.ndarray", b_val: "np.ndarray"):
    import numpy as np

    idx = np.concatenate([a_idx, b_idx])
    uniq, inv = np.unique(idx, return_inverse=True)
    val = np.zeros(len(uniq), dtype=np.float32)
    np.add.at(val, inv, np.concatenate([a_val, b_val]))
    return uniq, val


def merge_nodes(a: Node, b: Node) -> Node:
    idx, val = add_vectors(a.idx, a.val, b.idx, b.val)
    dense = a.dense + b.dense if a.dense is not None and b.dense is not None else None
    return Node(
        members=a.members + b.members,
        idx=idx,
        val=val,
        dense=dense,
        r_sum=a.r_sum + b.r_sum,
        lo=_min(a.lo, b.lo),
        hi=_max(a.hi, b.hi),
        story=a.story,
    )


def _min(x: int | None, y: int | None) -> int | None:
    return y if x is None else x if y is None else min(x, y)


def _max(x: int | None, y: int | None) -> int | None:
    return y if x is None else x if y is None else max(x, y)


@dataclass(frozen=True)
class LinkageParams:
    threshold: float
    alpha: float  # weight of the hubness correction
    dense_weight: float  # weight of the embedder's cosine next to the lexical one
    window_days: int | None  # stories further apart in time never merge


def score(a: Node, b: Node, p: LinkageParams) -> float:
    import numpy as np

    if p.window_days is not None and None not in (a.lo, a.hi, b.lo, b.hi):
        gap = max(a.lo, b.lo) - min(a.hi, b.hi)  # type: ignore[type-var, operator]
        if gap > p.window_days:
            return float("-inf")
    _, i, j = np.intersect1d(a.idx, b.idx, assume_unique=True, return_indices=True)
    s = float(np.dot(a.val[i].astype(np.float64), b.val[j]))
    if p.dense_weight and a.dense is not None and b.dense is not None:
        s += p.dense_weight * float(np.dot(a.dense, b.dense))
    nn = a.n * b.n
    return s / nn - p.alpha * (a.r_sum / a.n + b.r_sum / b.n) / 2


def agglomerate(
    nodes: dict[int, Node], edges: set[tuple[int, int]], p: LinkageParams, fresh_key: int
) -> tuple[dict[int, Node], list[tuple[int, int]]]:
    """Merge the best-scoring connected pair until none reaches the threshold.

    Returns the surviving nodes and the merges of two existing stories as
    (survivor, absorbed) story indices.
    A node that is an existing story survives a merge with a batch node, and
    of two existing stories the older (lower story index) survives, so a
    story's id never changes. ``fresh_key`` is the first unused node key.
    """
    neighbours: dict[int, set[int]] = {k: set() for k in nodes}
    heap: list[tuple[float, int, int]] = []
    for a, b in edges:
        if a == b or a not in nodes or b not in nodes:
            continue
        neighbours[a].add(b)
        neighbours[b].add(a)
    for a, b in {(min(a, b), max(a, b)) for a in neighbours for b in neighbours[a]}:
        s = score(nodes[a], nodes[b], p)
        if s >= p.threshold:
            heapq.heappush(heap, (-s, a, b))
    merges: list[tuple[int, int]] = []
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in nodes or b not in nodes:
            continue  # one side was merged away since this pair was scored
        keep, drop = _survivor(nodes, a, b)
        merged = merge_nodes(nodes[keep], nodes[drop])
        merged.story = nodes[keep].story
        if nodes[keep].story is not None and nodes[drop].story is not None:
            merges.append((nodes[keep].story, nodes[drop].story))
        near = (neighbours.pop(a) | neighbours.pop(b)) - {a, b}
        del nodes[a], nodes[b]
        # A new key invalidates every heap entry that names the old pair.
        key = fresh_key
        fresh_key += 1
        nodes[key] = merged
        neighbours[key] = near
        for c in near:
            neighbours[c] -= {a, b}
            neighbours[c].add(key)
            s = score(merged, nodes[c], p)
            if s >= p.threshold:
                heapq.heappush(heap, (-s, key, c))
    return nodes, merges


def _survivor(nodes: dict[int, Node], a: int, b: int) -> tuple[int, int]:
    sa, sb = nodes[a].story, nodes[b].story
    if sa is None:
        return b, a
    if sb is None:
        return a, b
    return (a, b) if sa < sb else (b, a)
