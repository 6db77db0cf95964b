"""The stories: which article is in which, and what the linkage keeps of each.

Per article, by its index in arrival order (as in the neighbour index), in
flat arrays (a few dozen bytes each, where an object per article took some
270): its story, its hubness ``r`` and the best similarities it is the mean
of (``top``), the article it copies or follows (``original``, see the module
docstring of ``clusterer``) and its publication day. Per story, a ``Record``:
its id, members, the sums the linkage reads (``linkage.Node``), and what it
absorbed.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from newsprism.arrays import decode, encode
from newsprism.model import Story

if TYPE_CHECKING:
    import numpy as np

_NONE = -1  # no story, no original
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
        self.records: list[Record] = []
        self.copies: dict[int, list[int]] = {}  # article -> its copies and near-copies

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

    def live(self, s: int) -> int:
        """The story that story s is part of now (itself unless it merged into another)."""
        records = self.records
        while (into := records[s].merged_into) is not None:
            s = into
        return s

    def new_record(self, idx: "np.ndarray", val: "np.ndarray", dense: "np.ndarray | None") -> int:
        s = len(self.records)
        self.records.append(Record(f"{self.id_prefix}{s + 1}", [], idx, val, dense, 0.0, 0, None, None))
        return s

    def stories(self, ids: Sequence[str]) -> list[Story]:
        """Live stories, in order of creation; articles (``ids`` by index) in arrival order."""
        return [
            Story(id=st.id, articles=[ids[m] for m in st.members], absorbed=list(st.absorbed))
            for st in self.records
            if st.merged_into is None
        ]

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
            "stories": [record_to_dict(s) for s in self.records],
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
        t.records = [record_from_dict(s) for s in d["stories"]]
        t.index_copies()
        return t

    def index_copies(self) -> None:
        """Fill ``copies`` from each article's ``original`` (after a load)."""
        self.copies = {}
        for i, o in enumerate(self.original):
            if o != _NONE:
                self.copies.setdefault(o, []).append(i)


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

