"""The articles' vectors, packed: the storage that the neighbour index reads.

As datasketch keeps an index apart from its storage, the neighbour index
(``index``) keeps its postings and search apart from this store of what it
searches. Per article, by its index in arrival order:

* its sparse TF-IDF vector: sorted term ids (int32) and weights (float32);
* its blocking keys (int32, ``-1`` where it has fewer than the most);
* its mismatch-penalty roots (``SparseVector.present``, float64);
* with an embedder, its dense row (float32).

An article without a vector (a copy, which joins its original's story) has
empty entries. Everything sits in flat arrays, in segments that are filled
and never moved, rather than in a few numpy objects per article: each costs
about 100 bytes of header, more than a short vector's data, and a view of a
segment stays valid for good (a story of one article shares its article's
arrays). 100,000 articles of the bench corpus took about 2.4 KB each as
objects with int64 term ids, and take about 1.2 KB here.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from newsprism.arrays import decode, encode
from newsprism.cluster.features import SparseVector

if TYPE_CHECKING:
    import numpy as np

ENTRIES = 1 << 22  # entries per segment of the vectors' term ids and weights: 16 MB of int32
_ROW_BITS = 16
ROWS = 1 << _ROW_BITS  # rows per segment of the per-article rows (keys, penalty roots, dense rows)


class _Segments:
    """Rows of one dtype and shape, appended in blocks, in segments that never
    move. ``fixed`` segments hold ``ROWS`` rows each, so row ``i`` is found by
    arithmetic (a block may straddle two); otherwise a block goes whole into
    the last segment (``ENTRIES`` rows), or into a new one when it does not
    fit, and its place is returned."""

    def __init__(self, dtype: str, shape: tuple[int, ...] = (), fixed: bool = False) -> None:
        self.dtype, self.shape, self.fixed = dtype, shape, fixed
        self.parts: list["np.ndarray"] = []
        self.used = 0  # rows filled in the last segment

    def append(self, block: "np.ndarray") -> tuple[int, int]:
        """Store the rows; returns (segment, first row in it)."""
        import numpy as np

        n = len(block)
        if self.fixed:
            place = (len(self.parts) - 1, self.used) if self.parts and self.used < ROWS else (len(self.parts), 0)
            done = 0
            while done < n:
                if not self.parts or self.used == ROWS:
                    self.parts.append(np.zeros((ROWS, *self.shape), dtype=self.dtype))
                    self.used = 0
                take = min(n - done, ROWS - self.used)
                self.parts[-1][self.used : self.used + take] = block[done : done + take]
                self.used += take
                done += take
            return place
        if n > ENTRIES:  # a large block (a loaded state) is a segment of its own, not copied again
            self.parts.append(np.ascontiguousarray(block, dtype=self.dtype))
            self.used = n
            return len(self.parts) - 1, 0
        if not self.parts or self.used + n > len(self.parts[-1]):
            self.parts.append(np.empty((ENTRIES, *self.shape), dtype=self.dtype))
            self.used = 0
        self.parts[-1][self.used : self.used + n] = block
        self.used += n
        return len(self.parts) - 1, self.used - n

    def free(self, k: int, fill: float) -> None:
        """Free segment ``k`` of a ``fixed`` store: every row of it reads ``fill``
        from now on (one row's memory, broadcast)."""
        import numpy as np

        if self.parts[k].strides[0]:
            self.parts[k] = np.broadcast_to(np.full(self.shape, fill, dtype=self.dtype), (ROWS, *self.shape))

    def row(self, i: int) -> "np.ndarray":
        """Row ``i`` of a ``fixed`` store."""
        return self.parts[i >> _ROW_BITS][i & (ROWS - 1)]

    def rows(self, start: int, end: int) -> "np.ndarray":
        """Rows ``start`` to ``end`` of a ``fixed`` store, as one array (a copy of
        only the segments they are in)."""
        import numpy as np

        if start >= end:
            return np.zeros((0, *self.shape), dtype=self.dtype)
        first, last = start >> _ROW_BITS, (end - 1) >> _ROW_BITS
        pieces = [
            self.parts[k][max(start - (k << _ROW_BITS), 0) : min(end - (k << _ROW_BITS), ROWS)] for k in range(first, last + 1)
        ]
        return np.concatenate(pieces)


class VectorStore:
    """The vectors of every article taken in, in arrival order; see the module docstring."""

    def __init__(self, n_present: int, n_keys: int) -> None:
        self.n_present, self.n_keys = n_present, n_keys
        self._entries = _Segments("int32")  # term ids, article after article
        self._weights = _Segments("float32")  # their weights, at the same places
        # Per article: the segment of its entries (-1: no vector), and where they start and end in it.
        self._seg, self._start, self._end = array("i"), array("i"), array("i")
        self._live: list[int] = []  # per segment of entries: how many are still some article's (see ``drop``)
        self._keys = _Segments("int32", (n_keys,), fixed=True)
        self._present = _Segments("float64", (n_present,), fixed=True)
        self._dense: _Segments | None = None  # made with the first dense row

    def __len__(self) -> int:
        return len(self._seg)

    def append(self, vectors: Sequence[SparseVector | None], dense: "np.ndarray | None" = None) -> None:
        """Take in articles' vectors (None: an article without one, a copy), and
        with an embedder their dense rows (a row per article; NaN for none)."""
        import numpy as np

        n = len(vectors)
        if not n:
            return
        sizes = np.fromiter((0 if v is None else len(v.idx) for v in vectors), dtype=np.int64, count=n)
        some = [v for v in vectors if v is not None]
        seg = -1
        ends = np.zeros(n, dtype=np.int64)
        if some:
            seg, first = self._entries.append(np.concatenate([v.idx for v in some]).astype(np.int32, copy=False))
            self._weights.append(np.concatenate([v.val for v in some]).astype(np.float32, copy=False))
            self._count_live(seg, int(sizes.sum()))
            ends = first + np.cumsum(sizes)
        self._seg.extend([-1 if v is None else seg for v in vectors])
        self._start.extend((ends - sizes).tolist())
        self._end.extend(ends.tolist())
        keys = np.full((n, self.n_keys), -1, dtype=np.int32)
        present = np.zeros((n, self.n_present), dtype=np.float64)
        for r, v in enumerate(vectors):
            if v is not None:
                k = np.asarray(v.keys, dtype=np.int32)[: self.n_keys]
                keys[r, : len(k)] = k
                present[r, : len(v.present)] = v.present
        self._keys.append(keys)
        self._present.append(present)
        self._append_dense(n, dense)

    def _append_dense(self, n: int, dense: "np.ndarray | None") -> None:
        import numpy as np

        if self._dense is None:
            if dense is None:
                return
            dim = dense.shape[1]
            self._dense = _Segments("float32", (dim,), fixed=True)
            if len(self._seg) > n:  # the articles before had none
                self._dense.append(np.full((len(self._seg) - n, dim), np.nan, dtype=np.float32))
        rows = np.full((n, self._dense.shape[0]), np.nan, dtype=np.float32) if dense is None else dense
        self._dense.append(np.asarray(rows, dtype=np.float32))

    def _count_live(self, seg: int, n: int) -> None:
        self._live.extend([0] * (seg + 1 - len(self._live)))
        self._live[seg] += n

    def drop(self, rows: Sequence[int]) -> None:
        """Forget the vectors of these articles (a spilled story's, or those a search no
        longer reads): they read as articles without a vector from now on. A segment
        of term ids and weights left less than a quarter full moves what it still
        holds to the last segment and is freed, so the entries held follow the
        articles kept, not all that came. A full segment of per-article rows
        (keys, penalty roots, dense rows) none of whose articles has a vector
        any more is freed too: its rows read as an article's without one."""
        import numpy as np

        seg, start, end, live = self._seg, self._start, self._end, self._live
        emptied, rows_of = set(), set()
        for i in rows:
            k = seg[i]
            if k < 0:
                continue
            live[k] -= end[i] - start[i]
            seg[i] = -1
            emptied.add(k)
            rows_of.add(i >> _ROW_BITS)
        last = len(self._entries.parts) - 1
        for k in sorted(emptied):
            if k < last and live[k] * 4 < len(self._entries.parts[k]):  # never the segment still being filled
                self._move_out(k)
        full = len(self) >> _ROW_BITS  # segments of rows before this one are full
        segs = np.frombuffer(self._seg, dtype=np.int32)
        for r in sorted(rows_of):
            if r < full and (segs[r << _ROW_BITS : (r + 1) << _ROW_BITS] < 0).all():
                for store, fill in ((self._keys, -1), (self._present, 0.0), (self._dense, np.nan)):
                    if store is not None:
                        store.free(r, fill)
        del segs

    def _move_out(self, k: int) -> None:
        """Move the entries still held in segment ``k`` to the last one, and free it.
        Arrays taken from it before (views) stay valid: they keep their own reference."""
        import numpy as np

        held = np.flatnonzero(np.frombuffer(self._seg, dtype=np.int32) == k).tolist()
        if held:
            idx, val = self.gather(held)
            sizes = np.fromiter(map(len, idx), dtype=np.int64, count=len(held))
            seg, first = self._entries.append(np.concatenate(idx))
            self._weights.append(np.concatenate(val))
            self._count_live(seg, int(sizes.sum()))
            ends = first + np.cumsum(sizes)
            for i, b, e in zip(held, (ends - sizes).tolist(), ends.tolist()):
                self._seg[i], self._start[i], self._end[i] = seg, b, e
        self._live[k] = 0
        self._entries.parts[k], self._weights.parts[k] = np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)

    # ------------------------------------------------------------ reading

    def has(self, i: int) -> bool:
        """Whether article ``i`` has a vector (a copy has none)."""
        return self._seg[i] >= 0

    def idx(self, i: int) -> "np.ndarray":
        return self._entries.parts[self._seg[i]][self._start[i] : self._end[i]]

    def val(self, i: int) -> "np.ndarray":
        return self._weights.parts[self._seg[i]][self._start[i] : self._end[i]]

    def gather(self, others: Sequence[int]) -> tuple[list["np.ndarray"], list["np.ndarray"]]:
        """The term ids and weights of many articles (views)."""
        entries, weights, seg, start, end = self._entries.parts, self._weights.parts, self._seg, self._start, self._end
        return (
            [entries[seg[j]][start[j] : end[j]] for j in others],
            [weights[seg[j]][start[j] : end[j]] for j in others],
        )

    def keys(self, i: int) -> "np.ndarray":
        row = self._keys.row(i)
        return row[row >= 0]

    def present(self, i: int) -> "np.ndarray":
        return self._present.row(i)

    def presents(self, others: Sequence[int]) -> "np.ndarray":
        import numpy as np

        return np.array([self._present.row(j) for j in others], dtype=np.float64).reshape(len(others), self.n_present)

    def dense(self, i: int) -> "np.ndarray | None":
        if self._dense is None:
            return None
        row = self._dense.row(i)
        return None if row[0] != row[0] else row  # NaN: none

    # ------------------------------------------------------------ persistence

    DTYPES: ClassVar[dict[str, str]] = {
        "has": "uint8", "sizes": "int32", "idx": "int32", "val": "float32", "keys": "int32", "present": "float64", "dense": "float32",
    }

    def segment(self, start: int, end: int) -> dict[str, "np.ndarray | None"]:
        """The vectors of articles ``start`` to ``end``, packed: every article's
        entries end to end with their sizes, and its rows (``DTYPES``; ``dense``
        None without an embedder). ``from_dict`` takes them, joined end to end."""
        import numpy as np

        has = [self.has(i) for i in range(start, end)]
        with_vec = [i for i, h in zip(range(start, end), has) if h]
        idx, val = self.gather(with_vec)
        sizes = np.zeros(end - start, dtype=np.int32)
        sizes[[i - start for i in with_vec]] = [len(x) for x in idx]
        return {
            "has": np.asarray(has, dtype=np.uint8),
            "sizes": sizes,
            "idx": np.concatenate(idx).astype(np.int32, copy=False) if idx else np.empty(0, dtype=np.int32),
            "val": np.concatenate(val).astype(np.float32, copy=False) if val else np.empty(0, dtype=np.float32),
            "keys": self._keys.rows(start, end),
            "present": self._present.rows(start, end),
            "dense": None if self._dense is None else self._dense.rows(start, end),
        }

    def to_dict(self) -> dict[str, Any]:
        """The vectors packed (JSON-ready), as ``segment`` packs them."""
        seg = self.segment(0, len(self))
        dense = seg["dense"]
        return {
            **{name: None if a is None else encode(a, self.DTYPES[name]) for name, a in seg.items()},
            "dense_dim": None if dense is None else dense.shape[1],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], n_present: int, n_keys: int) -> "VectorStore":
        import numpy as np

        store = cls(n_present, n_keys)
        has = decode(d["has"], "uint8").astype(bool)
        n = len(has)
        sizes = decode(d["sizes"], "int32").astype(np.int64)
        idx, val = decode(d["idx"], "int32"), decode(d["val"], "float32")
        keys = decode(d["keys"], "int32").reshape(n, n_keys)
        present = decode(d["present"], "float64").reshape(n, n_present)
        dense = None if d["dense"] is None else decode(d["dense"], "float32").reshape(n, d["dense_dim"])
        seg, first = store._entries.append(idx)
        store._weights.append(val)
        store._count_live(seg, len(idx))
        ends = first + np.cumsum(sizes)
        store._seg.extend(np.where(has, seg, -1).tolist())
        store._start.extend((ends - sizes).tolist())
        store._end.extend(ends.tolist())
        store._keys.append(keys)
        store._present.append(present)
        if dense is not None:
            store._dense = _Segments("float32", (dense.shape[1],), fixed=True)
            store._dense.append(dense)
        return store
