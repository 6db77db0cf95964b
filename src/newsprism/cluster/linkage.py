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

Two more terms, both measured on the dev sets: a time cost that grows with
the log of the gap between two clusters' publication dates (a hard window
only far out, since one event's follow-ups come weeks or months later), and a
bonus for a lone article joining an established story (``join_bonus``).

And a cohesion rule for merging two groups: a node also carries ``inner``,
its members' summed similarity over distinct pairs (additive too: a merge
adds the two nodes' sums and twice their cross similarity), so its mean
within-pair similarity is known without revisiting members. Two groups
merge only when their cross similarity reaches ``cohesion_ratio`` times the
looser group's. On the dev sets, nearly every merge of two groups of short
NeuS excerpts joined two events of one topic (20 of 21), while ECB+'s group
merges were nearly all right (137 of 144) and ran closer to their groups'
cohesion; the rule stops topic chains growing in large corpora (NeuS train).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(slots=True)
class Node:
    """A cluster: an existing story or articles of the batch being grouped."""

    members: list[int]  # article indices (of the batch: an existing story's stay with it)
    idx: "np.ndarray"  # sum vector, sorted term ids
    val: "np.ndarray"
    dense: "np.ndarray | None"  # sum of embedder vectors, when an embedder is used
    r_sum: float
    lo: int | None  # earliest and latest publication day (ordinal), if known
    hi: int | None
    story: int | None = None  # index of the existing story it is, if any
    pen: "np.ndarray | None" = None  # sum of the members' mismatch-penalty vectors (``SparseVector.present``)
    # Members counted but not listed: an existing story's, so that grouping a
    # batch never copies the member lists of the (large) stories it touches.
    unlisted: int = 0
    inner: float = 0.0  # summed similarity over the ordered pairs of distinct members (see ``cohesion``)

    @property
    def cohesion(self) -> float:
        """Mean similarity of two distinct members (0 for a single article: no pairs)."""
        n = self.n
        return self.inner / (n * (n - 1)) if n > 1 else 0.0

    @property
    def n(self) -> int:
        return len(self.members) + self.unlisted


def add_vectors(a_idx: "np.ndarray", a_val: "np.ndarray", b_idx: "np.ndarray", b_val: "np.ndarray"):
    """Sum of two sorted sparse vectors, sorted.

    A stable sort of two sorted runs is a merge (linear), and summing runs
    of equal ids with reduceat avoids np.add.at, which is many times slower.
    """
    import numpy as np

    idx = np.concatenate([a_idx, b_idx])
    val = np.concatenate([a_val, b_val]).astype(np.float32, copy=False)
    if not len(idx):
        return idx, val
    order = np.argsort(idx, kind="stable")
    idx, val = idx[order], val[order]
    first = np.empty(len(idx), dtype=bool)
    first[0] = True
    np.not_equal(idx[1:], idx[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return idx[starts], np.add.reduceat(val, starts)


def add_sorted(a_idx: "np.ndarray", a_val: "np.ndarray", b_idx: "np.ndarray", b_val: "np.ndarray"):
    """``add_vectors`` of two vectors whose ids are sorted and distinct, the same
    bits: a few articles' terms added to a story's sum are found in it by binary
    search and inserted, rather than both sorted again. A story's sum holds
    every term of its members, and sorting it for each article that joined
    made the cost per article grow with the stories."""
    import numpy as np

    if len(a_idx) < len(b_idx):
        a_idx, a_val, b_idx, b_val = b_idx, b_val, a_idx, a_val  # float addition commutes exactly
    dtype = np.result_type(a_idx, b_idx)
    if not len(b_idx):  # nodes grouped on given similarities (``clusterer._refine``) carry no sums
        return a_idx.astype(dtype), a_val.astype(np.float32)  # copies, as below
    if 8 * len(b_idx) > len(a_idx):
        return add_vectors(a_idx, a_val, b_idx, b_val)
    pos = np.searchsorted(a_idx, b_idx)
    hit = pos < len(a_idx)
    hit[hit] = a_idx[pos[hit]] == b_idx[hit]
    b32 = b_val.astype(np.float32, copy=False)
    new = ~hit
    # The new terms' places in the sum, each after the ones before it (as ``np.insert``
    # places them, in one pass where it sorts and copies twice), and the old terms' places.
    at = pos[new] + np.arange(np.count_nonzero(new))
    old = np.ones(len(a_idx) + len(at), dtype=bool)
    old[at] = False
    idx = np.empty(len(old), dtype=dtype)
    val = np.empty(len(old), dtype=np.float32)
    idx[old], val[old] = a_idx, a_val
    idx[at], val[at] = b_idx[new], b32[new]
    val[pos[hit] + np.searchsorted(pos[new], pos[hit], side="right")] += b32[hit]
    return idx, val


def sparse_dot(a_idx: "np.ndarray", a_val: "np.ndarray", b_idx: "np.ndarray", b_val: "np.ndarray") -> float:
    """Dot product of two sorted sparse vectors.

    The shorter one is looked up in the longer by binary search: a story's
    sum vector holds every term of its members, and sorting both together
    (as np.intersect1d does) made each score cost the size of the story.
    """
    import numpy as np

    if len(a_idx) > len(b_idx):
        a_idx, a_val, b_idx, b_val = b_idx, b_val, a_idx, a_val
    if not len(a_idx) or not len(b_idx):
        return 0.0
    pos = np.searchsorted(b_idx, a_idx)
    pos[pos == len(b_idx)] = 0
    hit = b_idx[pos] == a_idx
    return float(np.dot(a_val[hit].astype(np.float64), b_val[pos[hit]]))


def merge_nodes(a: Node, b: Node, similarity: float) -> Node:
    """The union of two nodes; ``similarity`` is their summed pair similarity (``similarity_sum``)."""
    idx, val = add_sorted(a.idx, a.val, b.idx, b.val)
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
        pen=_add(a.pen, b.pen),
        unlisted=a.unlisted + b.unlisted,
        inner=a.inner + b.inner + 2.0 * similarity,
    )


def _add(x: "np.ndarray | None", y: "np.ndarray | None") -> "np.ndarray | None":
    return y if x is None else x if y is None else x + y


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
    # Below the window, a gap in time costs time_penalty * log(1 + gap / time_scale_days):
    # follow-ups of one event come weeks later, other events of a topic months or years.
    time_penalty: float = 0.0
    time_scale_days: float = 10.0
    # A lone article joining an established story (join_min members or more) scores
    # join_bonus higher: the average over a story's varied members (background pieces,
    # follow-ups) runs lower than the article's match to the members nearest to it.
    join_bonus: float = 0.0
    join_min: int = 8
    # Two groups (two articles or more each) merge only when their average pair
    # similarity reaches this share of the looser group's ``Node.cohesion``: two
    # tight groups that each found their own event (the court ruling on Monday,
    # its reversal on Wednesday) stay apart even where their topic words carry
    # the cross similarity over the threshold. The looser group sets the bar so
    # that a pair of near-copies inside one group does not raise it.
    cohesion_ratio: float = 0.0


def score(a: Node, b: Node, p: LinkageParams, similarity: float | None = None) -> float:
    """Linkage score of two nodes; ``similarity``, their summed pair similarity, when already known."""
    time_cost = 0.0
    if None not in (a.lo, a.hi, b.lo, b.hi):
        gap = max(a.lo, b.lo) - min(a.hi, b.hi)  # type: ignore[type-var, operator]
        if p.window_days is not None and gap > p.window_days:
            return float("-inf")
        time_cost = p.time_penalty * math.log1p(max(gap, 0) / p.time_scale_days)
    s = similarity if similarity is not None else similarity_sum(a, b, p)
    an, bn = a.n, b.n  # a property: read once, this is the linkage's innermost call
    small, large = (an, bn) if an < bn else (bn, an)
    bonus = p.join_bonus if small == 1 and large >= p.join_min else 0.0
    cross = s / (an * bn)
    if small > 1 and cross < p.cohesion_ratio * min(a.cohesion, b.cohesion):
        return float("-inf")
    return cross - p.alpha * (a.r_sum / an + b.r_sum / bn) / 2 - time_cost + bonus


def similarity_sum(a: Node, b: Node, p: LinkageParams) -> float:
    """Sum of the pair similarities across two nodes (lexical, dense, mismatch penalties)."""
    import numpy as np

    s = sparse_dot(a.idx, a.val, b.idx, b.val)
    if p.dense_weight and a.dense is not None and b.dense is not None:
        s += p.dense_weight * float(np.dot(a.dense, b.dense))
    if a.pen is not None and b.pen is not None:
        s -= float(np.dot(a.pen, b.pen))
    return s


def agglomerate(
    nodes: dict[int, Node], edges: dict[tuple[int, int], float | None], p: LinkageParams, fresh_key: int
) -> tuple[dict[int, Node], list[tuple[int, int]]]:
    """Merge the best-scoring connected pair until none reaches the threshold.

    Returns the surviving nodes and the merges of two existing stories as
    (survivor, absorbed) story indices.
    A node that is an existing story survives a merge with a batch node, and
    of two existing stories the older (lower story index) survives, so a
    story's id never changes. ``fresh_key`` is the first unused node key.
    ``edges`` maps each candidate pair to its summed similarity where the
    caller has it already (two articles scored as neighbours), else None.
    Summed similarity is additive, so a merged node's sum with a neighbour
    is the two parts' sums whenever both are known; only the rest is
    computed from the sum vectors. With every pair given (a story grouped
    afresh from its members) no sum vector is ever read.
    """
    neighbours: dict[int, set[int]] = {k: set() for k in nodes}
    heap: list[tuple[float, int, int]] = []
    known: dict[tuple[int, int], float | None] = {}  # each linked pair once, (low, high)
    for (a, b), sim in edges.items():
        if a == b or a not in nodes or b not in nodes:
            continue
        neighbours[a].add(b)
        neighbours[b].add(a)
        pair = (a, b) if a < b else (b, a)
        if sim is not None or pair not in known:
            known[pair] = sim
    for (a, b), sim in known.items():
        s = score(nodes[a], nodes[b], p, sim)
        if s >= p.threshold:
            heapq.heappush(heap, (-s, a, b))
    merges: list[tuple[int, int]] = []
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in nodes or b not in nodes:
            continue  # one side was merged away since this pair was scored
        keep, drop = _survivor(nodes, a, b)
        sim = known.get((a, b) if a < b else (b, a))
        merged = merge_nodes(nodes[keep], nodes[drop], similarity_sum(nodes[keep], nodes[drop], p) if sim is None else sim)
        merged.story = nodes[keep].story
        kept, dropped = nodes[keep].story, nodes[drop].story
        if kept is not None and dropped is not None:
            merges.append((kept, dropped))
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
            sa, sb = known.get((a, c) if a < c else (c, a)), known.get((b, c) if b < c else (c, b))
            sim = sa + sb if sa is not None and sb is not None else similarity_sum(merged, nodes[c], p)
            known[(c, key)] = sim  # c < key: keys only grow
            s = score(merged, nodes[c], p, sim)
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



def agglomerate_given(nodes: list[Node], sims: dict[tuple[int, int], float], p: LinkageParams) -> list[Node]:
    """``agglomerate`` of nodes that are no stories and have no sum vectors, every
    pair of them a candidate with its summed similarity given (``sims``, by
    (lower, higher) place in ``nodes``), as a story grouped afresh from its
    members is (``clusterer._refine``); returns the survivors.

    The same merges in the same order, and the same bits: the same heap, and
    ``score`` and ``merge_nodes`` inlined on plain numbers (the graph is
    complete, so no neighbour sets either). ``agglomerate`` made a ``Node``
    (and two empty numpy sums) for every merge and called ``score`` through
    its properties, and regrouping stories of up to 32 members grew to cost
    as much as the neighbour search. The survivors carry empty sums, as
    ``agglomerate`` leaves them here (``clusterer._fill_sums`` gives them theirs).
    """
    n0 = len(nodes)
    size = [nd.n for nd in nodes]
    r_sum = [nd.r_sum for nd in nodes]
    inner = [nd.inner for nd in nodes]
    lo: list[int | None] = [nd.lo for nd in nodes]
    hi: list[int | None] = [nd.hi for nd in nodes]
    members = [nd.members for nd in nodes]
    alive = dict.fromkeys(range(n0))  # keys in order of making, as ``agglomerate``'s
    known = dict(sims)
    alpha, threshold, window, ratio = p.alpha, p.threshold, p.window_days, p.cohesion_ratio
    join_bonus, join_min = p.join_bonus, p.join_min
    costs: dict[int, float] = {}  # a gap's time cost, by the same ``math.log1p`` as ``score``'s
    minus_inf = float("-inf")

    def scored(a: int, b: int, s: float) -> float:
        """``score`` of nodes a and b (their summed similarity ``s``)."""
        an, bn = size[a], size[b]
        time_cost = 0.0
        la, lb, ha, hb = lo[a], lo[b], hi[a], hi[b]
        if la is not None and lb is not None and ha is not None and hb is not None:
            gap = (la if la > lb else lb) - (ha if ha < hb else hb)
            if window is not None and gap > window:
                return minus_inf
            time_cost = costs.get(gap, minus_inf)
            if time_cost == minus_inf:
                time_cost = costs[gap] = p.time_penalty * math.log1p(max(gap, 0) / p.time_scale_days)
        small, large = (an, bn) if an < bn else (bn, an)
        bonus = join_bonus if small == 1 and large >= join_min else 0.0
        cross = s / (an * bn)
        if small > 1:
            ca = inner[a] / (an * (an - 1)) if an > 1 else 0.0
            cb = inner[b] / (bn * (bn - 1)) if bn > 1 else 0.0
            if cross < ratio * (ca if ca < cb else cb):
                return minus_inf
        return cross - alpha * (r_sum[a] / an + r_sum[b] / bn) / 2 - time_cost + bonus

    heap: list[tuple[float, int, int]] = []
    for (a, b), s in known.items():
        sc = scored(a, b, s)
        if sc >= threshold:
            heap.append((-sc, a, b))
    heapq.heapify(heap)  # the same pops as pushing one by one: entries are distinct and totally ordered
    while heap:
        _, a, b = heapq.heappop(heap)
        if a not in alive or b not in alive:
            continue
        # ``_survivor``: of two nodes of no story, b keeps; ``merge_nodes(b, a)``.
        sim = known[(a, b) if a < b else (b, a)]
        key = len(size)
        size.append(size[b] + size[a])
        r_sum.append(r_sum[b] + r_sum[a])
        inner.append(inner[b] + inner[a] + 2.0 * sim)
        lo.append(_min(lo[b], lo[a]))
        hi.append(_max(hi[b], hi[a]))
        members.append(members[b] + members[a])
        del alive[a], alive[b]
        for c in alive:
            s = known[(a, c) if a < c else (c, a)] + known[(b, c) if b < c else (c, b)]
            known[(c, key)] = s
            sc = scored(key, c, s)
            if sc >= threshold:
                heapq.heappush(heap, (-sc, key, c))
        alive[key] = None
    out = []
    for k in alive:
        if k < n0:
            out.append(nodes[k])
        else:
            nd = nodes[0]
            out.append(Node(members[k], nd.idx[:0], nd.val[:0], None, r_sum[k], lo[k], hi[k], inner=inner[k]))
    return out
