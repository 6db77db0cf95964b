"""The stories: which article is in which, and what the linkage keeps of each.

Per article, by its index in arrival order (as in the neighbour index), in
flat arrays (a few dozen bytes each, where an object per article took some
270): its story, its hubness ``r`` and the best similarities it is the mean
of (``top``), the article it copies or follows (``original``, see the module
docstring of ``clusterer``) and its publication day.

Per story, by its index in order of creation: an open story (one articles
can still join) is a ``Record``: its id, members, the sums the linkage reads
(``linkage.Node``), and what it absorbed. A closed story, spilled (no
article can join it any more, ``clusterer._spill``) or merged into another,
keeps only what its id and members need, in flat arrays: its scalars, its
members end to end in one array, and its id and absorbed ids only where they
are not the usual (an id other than its number's, absorbed ids at all). That
is some 50 bytes and 4 an article, where a ``Record`` took some 800 and 36
an article, and the clusterer's look for stories to spill reads the open
ones only: a watch that runs for months holds and scans what its window
holds, not every story it ever made. ``records`` reads every story as a
``Record`` (a closed one's made on the spot: change it through the table's
methods, never in place).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from newsprism.arrays import decode, encode
from newsprism.model import Story

if TYPE_CHECKING:
    import numpy as np

_NONE = -1  # no story, no original, merged into none
_NO_DAY = -(2**31)


@dataclass(slots=True)
class Record:
    id: str
    members: list[int]  # article indices, in arrival order
    idx: "np.ndarray"  # sum vector: sorted term ids
    val: "np.ndarray"
    dense: "np.ndarray | None"
    r_sum: float
    n: int  # members that count in the sums (copies and near-copies do not)
    lo: int | None  # earliest and latest publication day (ordinal) of those
    hi: int | None
    absorbed: list[str] = field(default_factory=list)
    merged_into: int | None = None
    pen: "np.ndarray | None" = None  # sum of the members' mismatch-penalty vectors
    inner: float = 0.0  # see linkage.Node.inner
    spilled: bool = False  # no article can join it any more: its sums are dropped (``clusterer._spill``)
    # Pair similarities of members by (lower, higher) article index, and the members
    # whose pairs with each other are all in it. An article's vector never changes, so
    # an entry never goes stale: ``_refine`` scores only the pairs of members new since
    # the last time. Derived, never saved.
    sims: dict[tuple[int, int], float] = field(default_factory=dict)
    known: set[int] = field(default_factory=set)


class StoryTable:
    """The stories and each article's place in them; see the module docstring."""

    def __init__(self, id_prefix: str, r_neighbours: int) -> None:
        self.id_prefix = id_prefix
        self.k = r_neighbours
        self.story = array("i")  # per article: its story (not followed through merges; see ``live``)
        self.r = array("d")
        self._top = array("d")  # per article, k slots
        self._n_top = array("b")
        self.original = array("i")
        self._day = array("i")
        self.copies: dict[int, list[int]] = {}  # article -> its copies and near-copies
        self._no_stories()

    def _no_stories(self) -> None:
        """The per-story part, empty: made here only, so a new column cannot be left out of a reload."""
        self._open: dict[int, Record] = {}  # story -> its record, for the open stories
        # Per story (every one; read for the closed): merged into, scalars, members' place in ``_members``.
        self._into = array("i")
        self._r_sum = array("d")
        self._n = array("i")
        self._lo = array("i")
        self._hi = array("i")
        self._inner = array("d")
        self._at = array("q")
        self._len = array("i")
        self._members = array("i")  # the closed stories' members, each story's end to end
        self._ids: dict[int, str] = {}  # closed stories whose id is not the usual (``_usual_id``)
        self._absorbed: dict[int, list[str]] = {}  # closed stories that absorbed any
        self.n_spilled = 0

    def __len__(self) -> int:
        return len(self.story)

    def add_articles(self, days: Sequence[int | None], story: int = _NONE, original: int | None = None) -> int:
        """Room for new articles (no story yet unless given); returns the first one's index."""
        first, n = len(self.story), len(days)
        self.story.extend([story] * n)
        self.r.extend([0.0] * n)
        self._top.extend([0.0] * (n * self.k))
        self._n_top.extend([0] * n)
        self.original.extend([_NONE if original is None else original] * n)
        self._day.extend([_NO_DAY if d is None else d for d in days])
        return first

    # ------------------------------------------------------------ per article

    def day(self, i: int) -> int | None:
        d = self._day[i]
        return None if d == _NO_DAY else d

    def top(self, i: int) -> list[float]:
        """The best similarities seen so far of article i, best first: ``r`` is their mean
        over ``k``, and it rises when a later article turns out closer than those."""
        at = i * self.k
        return self._top[at : at + self._n_top[i]].tolist()

    def set_top(self, i: int, values: list[float]) -> None:
        at = i * self.k
        self._top[at : at + len(values)] = array("d", values)
        self._n_top[i] = len(values)

    def original_of(self, i: int) -> int | None:
        """For a copy, the article it copies; for a near-copy, the one it follows."""
        o = self.original[i]
        return None if o == _NONE else o

    def root(self, i: int) -> int:
        """The original an article copies or follows (itself when it is neither)."""
        original = self.original
        while original[i] != _NONE:
            i = original[i]
        return i

    def linked(self, i: int) -> bool:
        """Whether an article is in the linkage: neither a copy nor a near-copy."""
        return self.original[i] == _NONE

    def followers(self, j: int) -> list[int]:
        """The copies and near-copies of an article, and theirs (a copy may copy a near-copy)."""
        out, todo = [], [j]
        while todo:
            for c in self.copies.get(todo.pop(), ()):
                out.append(c)
                todo.append(c)
        return out

    def live_of(self, i: int) -> int:
        """The story article i is in now."""
        return self.live(self.story[i])

    # ------------------------------------------------------------ per story

    @property
    def n_stories(self) -> int:
        return len(self._into)

    @property
    def records(self) -> "Records":
        """Every story as a ``Record``, by index (read-only for the closed ones; see the module docstring)."""
        return Records(self)

    def live(self, s: int) -> int:
        """The story that story s is part of now (itself unless it merged into another)."""
        into = self._into
        while into[s] != _NONE:
            s = into[s]
        return s

    def merged_into(self, s: int) -> int | None:
        into = self._into[s]
        return None if into == _NONE else into

    def open(self, s: int) -> Record:
        """An open story's record, to read and change (KeyError for a closed one)."""
        return self._open[s]

    def is_open(self, s: int) -> bool:
        return s in self._open

    def open_stories(self) -> list[tuple[int, Record]]:
        """The open stories, in order of creation (stories are only ever added last)."""
        return list(self._open.items())

    def record(self, s: int) -> Record:
        """Story s as a ``Record``: an open one's own, or a closed one's made now (read-only)."""
        st = self._open.get(s)
        if st is not None:
            return st
        into = self._into[s]
        return Record(
            self.id_of(s), self.members(s), *closed_sums()[:3], self._r_sum[s], self._n[s],
            _day_or_none(self._lo[s]), _day_or_none(self._hi[s]), list(self._absorbed.get(s, ())),
            None if into == _NONE else into, inner=self._inner[s], spilled=into == _NONE,
        )

    def id_of(self, s: int) -> str:
        st = self._open.get(s)
        return st.id if st is not None else self._ids.get(s) or self._usual_id(s)

    def members(self, s: int) -> list[int]:
        """Story s's members, in arrival order (a copy of the list)."""
        st = self._open.get(s)
        if st is not None:
            return list(st.members)
        at = self._at[s]
        return self._members[at : at + self._len[s]].tolist()

    def absorbed(self, s: int) -> list[str]:
        st = self._open.get(s)
        return list(st.absorbed) if st is not None else list(self._absorbed.get(s, ()))

    def _usual_id(self, s: int) -> str:
        return f"{self.id_prefix}{s + 1}"

    def new_record(self, idx: "np.ndarray", val: "np.ndarray", dense: "np.ndarray | None") -> int:
        s = self.n_stories
        self._open[s] = Record(self._usual_id(s), [], idx, val, dense, 0.0, 0, None, None)
        self._extend_stories(1)
        return s

    def _extend_stories(self, n: int) -> None:
        for column in (self._into, self._n, self._lo, self._hi, self._len, self._at):
            column.extend([_NONE] * n)
        for floats in (self._r_sum, self._inner):
            floats.extend([0.0] * n)

    def close(self, s: int, into: int | None = None) -> None:
        """Close an open story: merged ``into`` another (its members gone there already), or
        spilled (``into`` None). It keeps its id, members, absorbed ids and scalars; its
        sums and pair similarities go."""
        st = self._open.pop(s)
        if into is None:
            self.n_spilled += 1
        else:
            self._into[s] = into
        self._r_sum[s], self._n[s], self._inner[s] = st.r_sum, st.n, st.inner
        self._lo[s], self._hi[s] = _day_column(st.lo), _day_column(st.hi)
        self._at[s], self._len[s] = len(self._members), len(st.members)
        self._members.extend(st.members)
        if st.id != self._usual_id(s):
            self._ids[s] = st.id
        if st.absorbed:
            self._absorbed[s] = list(st.absorbed)

    def add_member(self, s: int, i: int) -> None:
        """Article i, which came after every member, joins story s (a copy: it may join a closed story)."""
        st = self._open.get(s)
        if st is not None:
            st.members.append(i)
            return
        at, n = self._at[s], self._len[s]
        if at + n != len(self._members):  # not the last story written: moved to the end (copies are few)
            self._members.extend(self._members[at : at + n])
            self._at[s] = at = len(self._members) - n
        self._members.append(i)
        self._len[s] = n + 1

    def stories(self, ids: Sequence[str]) -> list[Story]:
        """Live stories, in order of creation; articles (``ids`` by index) in arrival order."""
        return [
            Story(id=self.id_of(s), articles=[ids[m] for m in self.members(s)], absorbed=self.absorbed(s))
            for s in range(self.n_stories)
            if self._into[s] == _NONE
        ]

    def story_ids(self) -> list[str]:
        """Every story's id, merged ones too, in order of creation (without making their records)."""
        return [self.id_of(s) for s in range(self.n_stories)]

    def load_records(self, records: Sequence[Record]) -> None:
        """Take these stories (as ``record_from_dict`` makes them) as the table's, closing the spilled and merged ones."""
        self._no_stories()
        self._extend_stories(len(records))
        for s, st in enumerate(records):
            self._open[s] = st
            if st.spilled or st.merged_into is not None:
                self.close(s, st.merged_into)

    # ------------------------------------------------------------ persistence

    COLUMNS: ClassVar[dict[str, str]] = {"story": "int32", "r": "float64", "top": "float64", "n_top": "int8", "original": "int32", "day": "int32"}

    def columns(self, start: int = 0, end: int | None = None) -> dict[str, "np.ndarray"]:
        """The per-article columns (``COLUMNS``) of articles ``start`` to ``end``, as copies."""
        import numpy as np

        end = len(self) if end is None else end
        arrays: dict[str, array[Any]] = {"story": self.story, "r": self.r, "top": self._top, "n_top": self._n_top, "original": self.original, "day": self._day}
        width = {"top": self.k}
        # Copies, never views: an array.array that exports its buffer cannot grow.
        return {
            name: np.frombuffer(arrays[name], dtype=dtype)[start * width.get(name, 1) : end * width.get(name, 1)]
            .reshape((end - start, self.k) if name == "top" else (end - start,))
            .copy()
            for name, dtype in self.COLUMNS.items()
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **{name: encode(a, self.COLUMNS[name]) for name, a in self.columns().items()},
            "stories": [record_to_dict(self.record(s)) for s in range(self.n_stories)],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], id_prefix: str, r_neighbours: int) -> "StoryTable":
        t = cls(id_prefix, r_neighbours)
        t.story = array("i", decode(d["story"], "int32").tobytes())
        t.r = array("d", decode(d["r"], "float64").tobytes())
        t._top = array("d", decode(d["top"], "float64").tobytes())
        t._n_top = array("b", decode(d["n_top"], "int8").tobytes())
        t.original = array("i", decode(d["original"], "int32").tobytes())
        t._day = array("i", decode(d["day"], "int32").tobytes())
        t.load_records([record_from_dict(s) for s in d["stories"]])
        t.index_copies()
        return t

    def index_copies(self) -> None:
        """Fill ``copies`` from each article's ``original`` (after a load)."""
        self.copies = {}
        for i, o in enumerate(self.original):
            if o != _NONE:
                self.copies.setdefault(o, []).append(i)


class Records(Sequence[Record]):
    """Every story of a table as a ``Record``, by index (``StoryTable.record``)."""

    def __init__(self, table: StoryTable) -> None:
        self.table = table

    def __len__(self) -> int:
        return self.table.n_stories

    def __getitem__(self, s: int) -> Record:  # type: ignore[override]
        if not -len(self) <= s < len(self):
            raise IndexError(s)
        return self.table.record(s % len(self))

    def __iter__(self) -> Iterator[Record]:
        return (self.table.record(s) for s in range(len(self)))


def _day_column(day: int | None) -> int:
    return _NO_DAY if day is None else day


def _day_or_none(day: int) -> int | None:
    return None if day == _NO_DAY else day


@cache
def closed_sums() -> tuple["np.ndarray", "np.ndarray", None, None]:
    """A closed story's sums (idx, val, dense, pen), one object for them all: the
    database parts (``cluster.parts``) see by identity that they are saved."""
    import numpy as np

    idx, val = np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    idx.flags.writeable = val.flags.writeable = False
    return idx, val, None, None

RECORD_ARRAYS = {"idx": "int32", "val": "float32", "dense": "float32", "pen": "float64"}


def record_fields(s: Record) -> tuple[dict[str, Any], dict[str, "np.ndarray | None"]]:
    """A story's saved fields: the plain ones, and its arrays (``RECORD_ARRAYS``; None: none)."""
    plain = {
        "id": s.id, "members": s.members, "r_sum": s.r_sum, "n": s.n, "lo": s.lo, "hi": s.hi,
        "absorbed": s.absorbed, "merged_into": s.merged_into, "inner": s.inner, "spilled": s.spilled,
    }
    return plain, {"idx": s.idx, "val": s.val, "dense": s.dense, "pen": s.pen}


def record_to_dict(s: Record) -> dict[str, Any]:
    plain, arrays = record_fields(s)
    encoded = {k: None if a is None else encode(a, RECORD_ARRAYS[k]) for k, a in arrays.items()}
    both = {**plain, **encoded}
    order = ("id", "members", "idx", "val", "dense", "r_sum", "n", "lo", "hi", "absorbed", "merged_into", "pen", "inner", "spilled")
    return {k: both[k] for k in order}


def record_from_dict(d: dict[str, Any], idx_dtype: str = "int32") -> Record:
    """A story as ``to_dict`` saved it (term ids as int64 before version 4)."""
    return Record(
        d["id"], list(d["members"]), decode(d["idx"], idx_dtype).astype("int32"), decode(d["val"], "float32"),
        None if d["dense"] is None else decode(d["dense"], "float32"),
        d["r_sum"], d["n"], d["lo"], d["hi"], list(d["absorbed"]), d["merged_into"],
        None if d.get("pen") is None else decode(d["pen"], "float64"),
        d.get("inner", 0.0),
        spilled=d.get("spilled", False),
    )

