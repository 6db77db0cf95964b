"""Disjoint sets over 0..n-1: the grouping step shared by several stages."""

from __future__ import annotations

from collections import defaultdict


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving keeps later finds short
            i = parent[i]
        return i

    def union(self, keep: int, drop: int) -> None:
        """Join the sets of ``keep`` and ``drop``; the root of ``keep``'s set stays the root."""
        self.parent[self.find(drop)] = self.find(keep)

    def groups(self) -> list[list[int]]:
        """The sets, each in ascending order, ordered by their smallest member."""
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return list(out.values())
