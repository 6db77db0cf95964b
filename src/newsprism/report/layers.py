"""A layered drawing of a directed graph: which row each node takes in its column.

The provenance graph is drawn left to right, one column per layer. Lines that
cross are what makes such a drawing hard to follow, so the rows are chosen the
Sugiyama way: a line that spans several columns gets a waypoint in each column
it passes, so it is ordered like any node (and never runs through a box); the
lines into one node share their waypoints, so five articles quoting one man
reach him as one bundle rather than five strands across the page. Then
each column is sorted by the mean row of its neighbours in the column before
it, sweeping right and back, and neighbours are swapped while a swap removes
crossings. The ordering with the fewest crossings seen is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

# A row of a column: a node's id, or a waypoint of the long lines into a node as (that node, column).
Slot = str | tuple[str, int]
# Sweeps right and back: crossings rarely drop after the first few.
ROUNDS = 8


@dataclass
class Layering:
    """Each column's rows, top to bottom: node ids, and waypoints as (target node, column)."""

    columns: list[list[Slot]]
    # Each edge's waypoints (by its index in the edges given), in the columns strictly between its ends.
    waypoints: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    crossings: int = 0


def crossings(upper: Sequence[object], lower: Sequence[object], links: Iterable[tuple[object, object]]) -> int:
    """How many pairs of lines between two adjacent columns cross: the pairs whose ends are in
    opposite orders above and below, counted as inversions (E log E, where trying every pair
    of lines took seconds on a large story's graph)."""
    up = {k: i for i, k in enumerate(upper)}
    low = {k: i for i, k in enumerate(lower)}
    ends = sorted((up[a], low[b]) for a, b in links if a in up and b in low)
    # Lines from one upper row are sorted by their lower row, so they never count as crossing.
    seen = [0] * (len(lower) + 1)  # a Fenwick tree over lower rows: how many lines so far end there
    n = 0
    for k, (_, b) in enumerate(ends):
        at, below = b + 1, 0
        while at > 0:  # lines so far that end at or above b
            below += seen[at]
            at -= at & -at
        n += k - below
        at = b + 1
        while at < len(seen):
            seen[at] += 1
            at += at & -at
    return n


def layer(columns: Sequence[Sequence[str]], edges: Sequence[tuple[str, str]]) -> Layering:
    """Rows for ``columns`` (node ids per column, in their first order) that keep ``edges`` (source,
    target) from crossing. An edge whose target is not in a later column (a loop back) is left out
    of the ordering: it is drawn around the side."""
    where = {n: c for c, col in enumerate(columns) for n in col}
    order: list[list[Slot]] = [list(col) for col in columns]
    links: list[dict[tuple[Slot, Slot], None]] = [{} for _ in columns]  # links[c]: lines from column c to c + 1
    waypoints: dict[int, list[tuple[str, int]]] = {}
    for i, (s, t) in enumerate(edges):
        cs, ct = where.get(s), where.get(t)
        if cs is None or ct is None or ct <= cs:
            continue
        chain: list[Slot] = [s]
        for c in range(cs + 1, ct):
            if (t, c) not in order[c]:
                order[c].append((t, c))
            waypoints.setdefault(i, []).append((t, c))
            chain.append((t, c))
        chain.append(t)
        for c, (a, b) in enumerate(pairwise(chain), cs):
            links[c][(a, b)] = None

    def total(o: list[list[Slot]]) -> int:
        return sum(crossings(o[c], o[c + 1], links[c]) for c in range(len(o) - 1))

    def by_neighbours(c: int, fixed: int) -> None:
        pos = {k: i for i, k in enumerate(order[fixed])}
        ends = [(a, b) if fixed == c - 1 else (b, a) for a, b in links[min(c, fixed)]]
        near: dict[Slot, list[int]] = {}
        for f, m in ends:
            near.setdefault(m, []).append(pos[f])
        here = {k: i for i, k in enumerate(order[c])}
        # A node with no neighbour there keeps its place; ties keep the present order.
        order[c].sort(key=lambda k: (sum(near[k]) / len(near[k]) if k in near else here[k], here[k]))

    # Each slot's neighbours in the column above (ups[c]) and below (downs[c]).
    ups: list[dict[Slot, list[Slot]]] = [{} for _ in order]
    downs: list[dict[Slot, list[Slot]]] = [{} for _ in order]
    for c, pairs in enumerate(links):
        for a, b in pairs:
            downs[c].setdefault(a, []).append(b)
            ups[c + 1].setdefault(b, []).append(a)

    def transpose() -> None:
        """Swap neighbours in a column while a swap removes crossings. A swap of u over v changes
        only the crossings between u's lines and v's, so only those are counted."""
        rows = [{k: i for i, k in enumerate(col)} for col in order]
        better = True
        while better:
            better = False
            for c, col in enumerate(order):
                sides = [(nbrs, rows[c + d]) for nbrs, d in ((ups[c], -1), (downs[c], 1)) if 0 <= c + d < len(order)]
                for i in range(len(col) - 1):
                    u, v = col[i], col[i + 1]
                    gain = 0
                    for nbrs, row in sides:
                        for q in (row[x] for x in nbrs.get(v, ())):
                            for p in (row[x] for x in nbrs.get(u, ())):
                                gain += (p > q) - (p < q)  # crossing now, and not once swapped; or the reverse
                    if gain > 0:
                        col[i], col[i + 1] = v, u
                        rows[c][u], rows[c][v] = i + 1, i
                        better = True

    best = [list(col) for col in order]
    fewest = total(order)
    for _ in range(ROUNDS):
        if not fewest:
            break
        for c in range(1, len(order)):
            by_neighbours(c, c - 1)
        for c in range(len(order) - 2, -1, -1):
            by_neighbours(c, c + 1)
        transpose()
        n = total(order)
        if n < fewest:
            best, fewest = [list(col) for col in order], n
    return Layering(best, waypoints, fewest)
