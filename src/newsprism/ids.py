"""Article ids in arrival order, with each one's place: the rows that stay.

Every article keeps its id and place for good (a story's id and members are
stable, and a forgotten article keeps its place when its id comes back), so
at a million articles the ids are most of what an index holds past its
window. A list of ``str`` and a dict back to places took about 130 bytes an
article; here the ids are UTF-8 bytes end to end in one buffer with their
ends in an array, and places are found through an open-addressing table of
``array("i")`` keyed by CRC-32 (the same in every process: a copy sent to a
worker needs no rebuilding), about 25 bytes an article.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from typing import overload
from zlib import crc32

_EMPTY = -1
_UTF8, _ANY = "utf-8", "surrogatepass"  # any str round-trips, a lone surrogate too


class ArticleIds:
    """Ids in arrival order: ``ids[k]`` (a ``str``; a slice gives a list), ``len``
    (places, an id taken in again counted at each), iteration, ``append``/``extend``,
    ``place(id)`` (its latest place; None: not here) and ``distinct`` (how many ids)."""

    __slots__ = ("_blob", "_ends", "_table", "distinct")

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._blob = bytearray()
        self._ends = array("q")
        self._table = array("i", [_EMPTY]) * 8
        self.distinct = 0
        self.extend(ids)

    def __len__(self) -> int:
        return len(self._ends)

    def _bytes(self, k: int) -> bytearray:
        return self._blob[self._ends[k - 1] if k else 0 : self._ends[k]]

    @overload
    def __getitem__(self, k: int) -> str: ...
    @overload
    def __getitem__(self, k: slice) -> list[str]: ...
    def __getitem__(self, k: int | slice) -> str | list[str]:
        if isinstance(k, slice):
            return [self._bytes(j).decode(_UTF8, _ANY) for j in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        return self._bytes(k).decode(_UTF8, _ANY)

    def __iter__(self) -> Iterator[str]:
        return (self._bytes(k).decode(_UTF8, _ANY) for k in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ArticleIds):
            return self._ends == other._ends and self._blob == other._blob
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as a list

    def __repr__(self) -> str:
        return f"ArticleIds({len(self)} ids)"

    def append(self, aid: str) -> None:
        """Add an id. An id here already takes a new place too, and ``place`` finds
        that one from now on (the copy index takes an article in again once it has
        let go of it); its earlier places keep it (``ids[k]``)."""
        key = aid.encode(_UTF8, _ANY)
        self._blob += key
        self._ends.append(len(self._blob))
        if 2 * len(self) > len(self._table):
            self._rehash(2 * len(self._table))
        else:
            self._put(key, len(self) - 1)

    def extend(self, ids: Iterable[str]) -> None:
        for aid in ids:
            self.append(aid)

    def place(self, aid: str) -> int | None:
        """The place of an id, or None."""
        key = aid.encode(_UTF8, _ANY)
        table, mask = self._table, len(self._table) - 1
        slot = crc32(key) & mask
        while (k := table[slot]) != _EMPTY:
            if self._bytes(k) == key:
                return k
            slot = (slot + 1) & mask
        return None

    def _put(self, key: bytes | bytearray, k: int) -> None:
        """Point the id's slot at place k (a new slot for a new id)."""
        table, mask = self._table, len(self._table) - 1
        slot = crc32(key) & mask
        while (j := table[slot]) != _EMPTY and self._bytes(j) != key:
            slot = (slot + 1) & mask
        if j == _EMPTY:
            self.distinct += 1
        table[slot] = k

    def _rehash(self, size: int) -> None:
        self._table = array("i", [_EMPTY]) * size
        self.distinct = 0
        for k in range(len(self)):
            self._put(self._bytes(k), k)

    def places(self) -> "Places":
        return Places(self)


class Places(Mapping[str, int]):
    """An ``ArticleIds`` read as id -> latest place (the dict it replaces): each id
    once, however often it was taken in."""

    __slots__ = ("_ids",)

    def __init__(self, ids: ArticleIds) -> None:
        self._ids = ids

    def __getitem__(self, aid: str) -> int:
        k = self._ids.place(aid)
        if k is None:
            raise KeyError(aid)
        return k

    def __contains__(self, aid: object) -> bool:
        return isinstance(aid, str) and self._ids.place(aid) is not None

    def __iter__(self) -> Iterator[str]:
        ids = self._ids
        return (aid for k, aid in enumerate(ids) if ids.place(aid) == k)

    def __len__(self) -> int:
        return self._ids.distinct
