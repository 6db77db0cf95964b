"""The copy index's storage: what it keeps of each article, by arrival number.

As datasketch keeps an index apart from its storage, the copy index
(``index``: the LSH, the groups of copies and the rules that decide) reads
what it knows of each article from here. Per article, by arrival number:

* its id (``newsprism.ids.ArticleIds``: an id taken in again after it was let
  go is found at its latest place);
* its fingerprints (sorted sampled shingle hashes, the MinHash) and its
  ``published`` and outlet id, in the block of the batch it came with: a
  block holds its batch's hashes end to end, its signatures as one matrix,
  and its strings in two lists;
* in flat columns: its block and row in it, flags (sampled, credits another,
  forgotten, held), the article it was found to copy (``match``), its day.

An object per article with its arrays and dict entries took some 520 bytes
besides its hashes; the columns take 13 bytes and the block about 150 (the
MinHash alone is 128). ``drop`` lets an article go: once fewer than a quarter
of a block's articles are held, they are copied into a block of their own and
the old block is freed. Its id, day and columns stay (the arrival numbers
``CopyIndex.segment`` counts), some 45 bytes.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsprism.ids import ArticleIds

if TYPE_CHECKING:
    import numpy as np

SAMPLED, CREDITS, FORGOTTEN, HELD = 1, 2, 4, 8
NONE = -1  # no match


@dataclass(slots=True)
class _Block:
    shingles: "np.ndarray"  # uint32, the rows' sorted hashes end to end
    bounds: "np.ndarray"  # int64, row r's hashes are shingles[bounds[r]:bounds[r + 1]]
    minhash: "np.ndarray"  # uint32[rows, NUM_PERM]
    published: list[str | None]
    outlets: list[str | None]
    live: int  # rows still held


class PrintStore:
    """Every article the copy index took in, by arrival number; see the module docstring."""

    def __init__(self) -> None:
        self.ids = ArticleIds()
        self._blocks: list[_Block | None] = []
        self._block = array("i")
        self._row = array("i")
        self.flags = array("B")
        self.match = array("i")
        self.days = array("i")
        self._outlets: dict[str, str] = {}  # one string per outlet id, shared by its articles
        self.n_held = 0

    def __len__(self) -> int:
        return len(self.ids)

    def add(
        self, ids: Sequence[str], shingles: "np.ndarray", bounds: "np.ndarray", minhash: "np.ndarray",
        flags: Sequence[int], published: Sequence[str | None], outlets: Sequence[str | None], days: Sequence[int],
    ) -> int:
        """Take in a batch of articles (held, no match), as one block; returns the first one's number."""
        import numpy as np

        first, n = len(self.ids), len(ids)
        if not n:
            return first
        same: dict[str, str] = {}  # a batch's articles often share a ``published`` value
        block = _Block(
            np.ascontiguousarray(shingles, dtype=np.uint32), np.asarray(bounds, dtype=np.int64),
            np.ascontiguousarray(minhash, dtype=np.uint32), [None if p is None else same.setdefault(p, p) for p in published],
            [None if o is None else self._outlets.setdefault(o, o) for o in outlets], n,
        )
        self.ids.extend(ids)
        self._block.extend([len(self._blocks)] * n)
        self._row.extend(range(n))
        self._blocks.append(block)
        self.flags.extend([f | HELD for f in flags])
        self.match.extend([NONE] * n)
        self.days.extend(days)
        self.n_held += n
        return first

    def place(self, aid: str) -> int | None:
        """The number of the article held under this id, or None."""
        k = self.ids.place(aid)
        return k if k is not None and self.flags[k] & HELD else None

    def held(self, k: int) -> bool:
        return bool(self.flags[k] & HELD)

    def _at(self, k: int) -> tuple[_Block, int]:
        block = self._blocks[self._block[k]]
        assert block is not None, f"article {k} was let go"
        return block, self._row[k]

    def shingles(self, k: int) -> "np.ndarray":
        block, r = self._at(k)
        return block.shingles[block.bounds[r] : block.bounds[r + 1]]

    def n_shingles(self, k: int) -> int:
        block, r = self._at(k)
        return int(block.bounds[r + 1] - block.bounds[r])

    def minhash(self, k: int) -> "np.ndarray":
        block, r = self._at(k)
        return block.minhash[r]

    def published(self, k: int) -> str | None:
        block, r = self._at(k)
        return block.published[r]

    def outlet(self, k: int) -> str | None:
        block, r = self._at(k)
        return block.outlets[r]

    def drop(self, k: int) -> None:
        """Let article k go: only its id, day and columns stay."""
        self.flags[k] &= ~HELD & 0xFF
        self.n_held -= 1
        b = self._block[k]
        block = self._blocks[b]
        assert block is not None
        block.live -= 1
        if not block.live:
            self._blocks[b] = None
        elif 4 * block.live < len(block.outlets):
            self._compact(b)

    def _compact(self, b: int) -> None:
        """Copy block b's held rows into a block of their own and free it."""
        import numpy as np

        block = self._blocks[b]
        assert block is not None
        ks = self._members(b)
        rows = [self._row[k] for k in ks]
        sizes = np.array([block.bounds[r + 1] - block.bounds[r] for r in rows], dtype=np.int64)
        shingles = np.concatenate([block.shingles[block.bounds[r] : block.bounds[r + 1]] for r in rows])
        self._blocks[b] = _Block(
            shingles.astype(np.uint32, copy=False), np.concatenate([[0], np.cumsum(sizes)]), block.minhash[rows].copy(),
            [block.published[r] for r in rows], [block.outlets[r] for r in rows], len(rows),
        )
        for new, k in enumerate(ks):
            self._row[k] = new

    def _members(self, b: int) -> list[int]:
        """The held articles of block b, in order."""
        import numpy as np

        blocks = np.frombuffer(self._block, dtype=np.int32)
        flags = np.frombuffer(self.flags, dtype=np.uint8)
        out = np.flatnonzero((blocks == b) & (flags & HELD).astype(bool)).tolist()
        del blocks, flags  # views: released before the columns grow
        return out
