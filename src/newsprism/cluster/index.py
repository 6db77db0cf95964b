"""The neighbour index: admission of articles and search for each one's nearest.

Blocking: each article's rarest heavy terms (its ``keys``) are keys of an
inverted index whose posting lists keep the latest ``posting_cap`` articles,
so a query costs the same at 1,000 and at 1,000,000 articles. A query looks
up ``query_keys`` of its keys, scores the ``candidates`` articles that most
of them list exactly (lexical blocks, mismatch penalties, and an embedder's
cosine), and keeps the ``searched`` best.

The index holds the articles (ids, vectors in a ``VectorStore``, the
featurizer whose vocabulary and document frequencies made them) and no
stories: a copy of it runs the search in a worker process, a batch or two
ahead of the clusterer (``stream.SearchStage``), and gives the same
neighbours, since it takes in the same batches in the same order.

Forgetting: an article dated more than ``hot_days`` before the newest
article taken in, and older than the latest ``hot_articles`` arrivals, is
no candidate any more (``searchable``; see ``ClusterConfig``). Both limits
move only when a batch is taken in, from what every copy of the index sees
alike (its articles' days and places), so a copy in a worker forgets
exactly what this one does. A copy that only searches drops the forgotten
articles' vectors (``forget``); the clusterer's own copy keeps them for the
stories still open and drops them when it spills a story. The posting lists
keep forgotten articles' places (a query reads a list's latest
``posting_cap`` entries, then skips the forgotten): they are bounded per key.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from newsprism.cluster.config import ClusterConfig
from newsprism.cluster.features import Featurizer, SparseVector, TermBatch, VectorBatch, count_terms, sparse_dots
from newsprism.cluster.vectors import VectorStore
from newsprism.ids import ArticleIds

NO_DAY = -(2**31)  # an article without a publication day

if TYPE_CHECKING:
    import numpy as np


class Found(NamedTuple):
    """What ``NeighbourIndex.search`` found for a batch: the index of its first
    article that is no copy, for each such article its nearest neighbours
    (article index, similarity), best first, and their vectors."""

    first: int
    near: list[list[tuple[int, float]]]
    vectors: VectorBatch


class NeighbourIndex:
    """Articles in arrival order, their vectors, and the blocking index over them; see the module docstring."""

    def __init__(self, config: ClusterConfig, featurizer: Featurizer | None = None, dense_weight: float = 0.0) -> None:
        self.config = config
        self.featurizer = featurizer or Featurizer(config.features)
        self.dense_weight = dense_weight  # the embedder's, see ``Calibration``
        self.ids = ArticleIds()  # compact: every article keeps its id and place for good
        self.by_id = self.ids.places()
        self.vectors = VectorStore(len(self.featurizer.penalties), config.keys)
        # Key -> the latest articles that have it (``array("i")``: 4 bytes an entry, where a list took 8).
        self._postings: dict[int, array] = {}
        # A term seen in only one article is no key yet; remember that article
        # so that it is posted the moment a second article shares the term.
        self._pending: dict[int, int] = {}
        # Articles taken in with the neighbours found elsewhere (``admit(post=False)``)
        # are posted only when this index next searches: until then it is not read,
        # and posting is a good part of taking an article in.
        self._unposted: list[int] = []
        self._scratch: "np.ndarray | None" = None  # see SparseVector.dots; never saved
        # Each article's similarity with itself, once asked (NaN: not yet): the near-copy
        # rule asks it of every neighbour of every article. Derived, never saved.
        self._own = array("d")
        self.days = array("i")  # per article: its publication day (ordinal), or NO_DAY
        # The clock of forgetting (see the module docstring): the newest day taken in, and
        # the article from which on every one is searchable whatever its day.
        self.newest = NO_DAY
        self.hot_from = 0
        self._dropped_to = (0, NO_DAY)  # ``forget`` has dropped what (hot_from, horizon) made unsearchable
        self._released_to = (0, NO_DAY)  # ``_release`` has released what (hot_from, horizon) made unsearchable
        self._unused: list["np.ndarray"] = []  # term ids that only forgotten articles had, to leave the vocabulary
        self._n_unused = 0  # how many came to ``_unused`` since it was last looked over
        self._last_had: "np.ndarray | None" = None  # by term id: the latest article that had it (-1: none here)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self.ids.place(article_id) is not None

    # ------------------------------------------------------------ admission

    def split(self, batch: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        """The batch's new articles: those that need a vector, and copies that join
        their original's story (an original known here or in this batch)."""
        seen: set[str] = set()
        fresh = []
        for a in batch:
            if a.id not in self.by_id and a.id not in seen:
                seen.add(a.id)
                fresh.append(a)
        originals_here = {a.id for a in fresh if a.duplicate_of is None}
        copies = [a for a in fresh if self._follows(a, originals_here)]
        copy_ids = {a.id for a in copies}
        return [a for a in fresh if a.id not in copy_ids], copies

    def _follows(self, a: Any, originals_here: set[str]) -> bool:
        target = a.duplicate_of
        return target is not None and target != a.id and (target in self.by_id or target in originals_here)

    def vectorize(
        self, batch: Sequence[Any], originals: list[Any], terms: TermBatch | None, counted: Sequence[int] | None
    ) -> VectorBatch:
        """The vectors of the batch's ``originals``, from ``terms`` (the term counts of
        the batch's articles at positions ``counted``) or counted here."""
        if terms is None:
            return self.featurizer.vectorize(count_terms(originals), n_keys=self.config.keys)
        row: dict[str, int] = {}
        for r, k in enumerate(range(len(batch)) if counted is None else counted):
            row.setdefault(batch[k].id, r)  # a repeated id is its first occurrence, as in ``split``
        return self.featurizer.vectorize(terms, [row[a.id] for a in originals], n_keys=self.config.keys)

    def admit(
        self, ids: Sequence[str], vectors: Sequence[SparseVector], dense: "np.ndarray | None" = None, post: bool = True,
        days: Sequence[int | None] | None = None,
    ) -> int:
        """Take in articles with vectors and post them in the blocking index (or
        leave that for later, see ``_unposted``); returns the first one's index.
        ``days``: their publication days (ordinals), which move the clock of forgetting."""
        first = len(self.ids)
        self._register(ids, days)
        self._tick(days)
        self.vectors.append(vectors, dense)
        self._note_terms(first, vectors)
        self._release()  # after: an article can come in forgotten already (dated past the window)
        if post:
            self.post_taken()
            for i in range(first, len(self.ids)):
                self._post(i)
        else:
            self._unposted.extend(range(first, len(self.ids)))
        return first

    def admit_empty(self, ids: Sequence[str], days: Sequence[int | None] | None = None) -> int:
        """Take in articles without vectors (copies); returns the first one's index.
        They do not move the clock: the clusterer takes a batch's copies in after
        searching, a copy of the index before."""
        first = len(self.ids)
        self._register(ids, days)
        self.vectors.append([None] * len(ids))
        return first

    def _register(self, ids: Sequence[str], days: Sequence[int | None] | None = None) -> None:
        self.ids.extend(ids)
        self._own.extend([math.nan] * (len(self.ids) - len(self._own)))
        self.days.extend([NO_DAY] * len(ids) if days is None else [NO_DAY if d is None else d for d in days])

    def _tick(self, days: Sequence[int | None] | None) -> None:
        """Move the clock of forgetting after articles with vectors came in. A day
        past tomorrow (a wrong date) does not count: it would forget everything."""
        import datetime as dt

        latest = dt.date.today().toordinal() + 1
        dated = [d for d in days or () if d is not None and d <= latest]
        if dated:
            self.newest = max(self.newest, *dated)
        self.hot_from = max(self.hot_from, len(self.ids) - self.config.hot_articles)

    @property
    def horizon(self) -> int:
        """The earliest day that keeps an article searchable whatever its place."""
        c = self.config
        if self.newest == NO_DAY:
            return NO_DAY
        return self.newest - c.hot_window[0]

    def searchable(self, i: int) -> bool:
        """Whether article i can still be found as a neighbour (see the module docstring)."""
        return i >= self.hot_from or self.days[i] >= self.horizon

    def _searchable(self, keys: "np.ndarray") -> "np.ndarray":
        """``searchable`` of many articles at once."""
        import numpy as np

        days = np.frombuffer(self.days, dtype=np.int32)  # a view: released on return, before the array grows
        return (keys >= self.hot_from) | (days[keys] >= self.horizon)

    def forget(self) -> None:
        """Drop the vectors of the articles no longer searchable (for a copy that only searches)."""
        gone, self._dropped_to = self._forgotten_since(self._dropped_to)
        self.vectors.drop(gone)

    def _forgotten_since(self, done: tuple[int, int]) -> tuple[list[int], tuple[int, int]]:
        """The articles no longer searchable that were still searchable at the clock
        ``done`` (hot_from, horizon), and the clock now."""
        import numpy as np

        horizon = self.horizon
        done_from, done_horizon = done
        if (self.hot_from, horizon) == done:
            return [], done
        days = np.frombuffer(self.days, dtype=np.int32)[: self.hot_from]
        gone = np.flatnonzero(days < horizon)
        # Only the newly forgotten: those forgotten before are older by place and by day.
        old = gone < done_from
        gone = gone[~old | (days[gone] >= done_horizon)]
        del days
        return gone.tolist(), (self.hot_from, horizon)

    def _note_terms(self, first: int, vectors: Sequence[SparseVector]) -> None:
        """Remember, for each term, the latest article that had it (``_release``)."""
        import numpy as np

        n = self.featurizer.n_terms
        if self._last_had is None or len(self._last_had) < n:
            bigger = np.full(max(1024, n, 2 * (0 if self._last_had is None else len(self._last_had))), -1, dtype=np.int32)
            if self._last_had is not None:
                bigger[: len(self._last_had)] = self._last_had
            self._last_had = bigger
        if vectors:
            idx = [v.idx for v in vectors]
            owners = np.repeat(np.arange(first, first + len(idx), dtype=np.int32), [len(t) for t in idx])
            np.maximum.at(self._last_had, np.concatenate(idx), owners)

    def _release(self) -> None:
        """Let go of what only forgotten articles need, so that a dated stream's
        index stays the same size once past the window (``held``): their
        blocking keys' posting lists lose the forgotten articles at their heads
        (a whole list when none is left), a key only one of them had stops
        waiting in ``_pending``, and a term that no later article had leaves the
        vocabulary once its count has faded (``_forget_terms``).

        Searches find what they found before: a query reads a list's latest
        ``posting_cap`` entries and skips the forgotten ones, and the forgotten
        leave only from a list's head, where no searchable entry is behind them;
        a forgotten article's pending key would have been posted at a list's head.
        Only a forgotten term that comes back differs: it counts from one again,
        as a new term (``FeatureConfig.faded_count``), and the earlier articles that had it, all
        forgotten, are not posted under it.
        Runs whenever the clock moves, before anything drops the newly
        forgotten articles' vectors (``forget``, a spilled story). The
        vocabulary is looked over once a fifth of its size has come to wait."""
        import numpy as np

        gone, self._released_to = self._forgotten_since(self._released_to)
        gone = [i for i in gone if self.vectors.has(i)]
        if not gone:
            return
        keys = np.unique(np.concatenate([self.vectors.keys(i) for i in gone])).tolist()
        postings, pending, days, hot_from, horizon = self._postings, self._pending, self.days, self.hot_from, self.horizon
        held = set(gone)
        for key in keys:
            if pending.get(key, -1) in held:
                del pending[key]
            plist = postings.get(key)
            if plist is None:
                continue
            head = 0  # (``searchable``, inlined: this runs over every key of every forgotten article)
            while head < len(plist) and plist[head] < hot_from and days[plist[head]] < horizon:
                head += 1
            if head == len(plist):
                del postings[key]
            elif head:
                del plist[:head]
        idx = [self.vectors.idx(i) for i in gone]
        terms = np.concatenate(idx)
        if self._last_had is not None:  # (None: a loaded index, which knows only what came since)
            owners = np.repeat(np.asarray(gone, dtype=np.int32), [len(t) for t in idx])
            self._unused.append(terms[self._last_had[terms] == owners])
            self._n_unused += len(self._unused[-1])
        if self._n_unused and self._n_unused * 5 >= self.featurizer.n_held:
            self._forget_terms()

    def _forget_terms(self) -> None:
        """Take out of the vocabulary the terms waiting in ``_unused`` that no
        article had since (the latest that had one is still forgotten) and whose
        faded count is below ``FeatureConfig.faded_count``; the others that no article had since
        wait until it is."""
        import numpy as np

        f = self.featurizer
        terms = np.unique(np.concatenate(self._unused))
        last = self._last_had[terms]  # type: ignore[index]
        terms = terms[~self._searchable(last.astype(np.int64))]
        faded = f.recent[terms] < self.config.features.faded_count
        f.forget_terms(terms[faded])
        self._unused = [terms[~faded]]
        self._n_unused = 0

    def held(self) -> dict[str, int]:
        """What the index holds (counts): articles, vectors, blocking keys and their
        entries, keys waiting for a second article, terms in the vocabulary."""
        return {
            "articles": len(self.ids), "vectors": sum(self.vectors.has(i) for i in range(len(self.ids))),
            "keys": len(self._postings), "postings": sum(map(len, self._postings.values())),
            "pending": len(self._pending), "terms": self.featurizer.n_held,
        }

    def take(self, batch: Sequence[Any], terms: TermBatch | None = None, counted: Sequence[int] | None = None) -> range:
        """Take a batch's articles in as ``search`` does, without searching; returns their indices."""
        return self._take(batch, terms, counted)[0]

    def _take(self, batch: Sequence[Any], terms: TermBatch | None, counted: Sequence[int] | None) -> tuple[range, VectorBatch]:
        originals, copies = self.split(batch)
        vectors = self.vectorize(batch, originals, terms, counted)
        first = self.admit([a.id for a in originals], vectors.unpack(), days=[article_day(a) for a in originals])
        self.admit_empty([a.id for a in copies], [article_day(a) for a in copies])
        return range(first, len(self.ids)), vectors

    def search(self, batch: Sequence[Any], terms: TermBatch | None = None, counted: Sequence[int] | None = None) -> Found:
        """Take a batch in as the clusterer's ``add`` would (same indices, same
        vectors and blocking keys) and find the nearest neighbours of its
        articles that are no copy: what ``add`` needs of a copy of this index
        that runs ahead of it (in a worker process) and sees the same batches.

        The batch's items need only ``id`` and ``duplicate_of`` (and ``title``
        and ``text`` when ``terms`` are not given).
        """
        taken, vectors = self._take(batch, terms, counted)
        return Found(taken.start, [self.neighbours(i) for i in taken if self.vectors.has(i)], vectors)

    def post_taken(self) -> None:
        """Post the articles taken in without posting, with the document
        frequencies as they are now (as ``post_loaded`` posts a saved state's)."""
        for i in self._unposted:
            self._post(i)
        self._unposted.clear()

    # ------------------------------------------------------------ blocking

    def _post(self, i: int) -> None:
        df = self.featurizer.df
        cap = self.config.pending_cap
        for key in self.vectors.keys(i).tolist():
            if df[key] < 2:
                self._pending[key] = i
                continue
            earlier = self._pending.pop(key, None)
            if earlier is not None and earlier != i:
                self._append(key, earlier)
            self._append(key, i)
        if len(self._pending) > cap:
            for key in list(self._pending)[: len(self._pending) - cap]:
                del self._pending[key]  # the oldest hapaxes are the least likely to recur

    def post_loaded(self) -> None:
        """Post every article at once, exactly as ``_post`` would one by one into
        empty postings: the document frequencies do not change in between, so a
        key only one article has waits in ``_pending`` and any other gets every
        article that has it, in order, trimmed as ``_append`` trims. (Ten times
        faster than one by one; for a loaded state.)"""
        import numpy as np

        cap, pending_cap = self.config.posting_cap, self.config.pending_cap
        indices = [i for i in range(len(self.ids)) if self.vectors.has(i)]
        keys_of = [self.vectors.keys(i) for i in indices]
        sizes = np.fromiter(map(len, keys_of), dtype=np.int64, count=len(keys_of))
        keys = np.concatenate(keys_of).astype(np.int64) if keys_of else np.empty(0, dtype=np.int64)
        arts = np.repeat(np.asarray(indices, dtype=np.int64), sizes)
        single = self.featurizer.df[keys] < 2
        self._pending = dict(zip(keys[single][-pending_cap:].tolist(), arts[single][-pending_cap:].tolist()))
        keys, arts = keys[~single], arts[~single]
        order = np.argsort(keys, kind="stable")  # stable: each key's articles stay in arrival order
        keys, arts = keys[order], arts[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.empty(0, dtype=np.int64)
        ends = np.r_[starts[1:], len(keys)].astype(np.int64)
        counts = ends - starts
        # After c appends a list holds c, or once trimmed CAP plus what came since its last trim.
        kept = np.where(counts <= 2 * cap, counts, cap + (counts - 2 * cap - 1) % (cap + 1))
        listed = arts.tolist()
        self._postings = {k: array("i", listed[e - n : e]) for k, e, n in zip(keys[starts].tolist(), ends.tolist(), kept.tolist())}
        self._unposted.clear()

    def _append(self, key: int, i: int) -> None:
        plist = self._postings.get(key)
        if plist is None:
            plist = self._postings[key] = array("i")
        plist.append(i)
        if len(plist) > 2 * self.config.posting_cap:  # trim in bulk: amortised O(1) per append
            del plist[: -self.config.posting_cap]

    # ------------------------------------------------------------ search

    def neighbours(self, i: int) -> list[tuple[int, float]]:
        """Nearest neighbours of article i among the candidates, with similarities, best first."""
        c = self.config
        postings = self._postings
        lists = [postings[k] for k in self.vectors.keys(i).tolist() if k in postings][: c.query_keys]
        listed = _listed([p[-c.posting_cap :] for p in lists])
        cands = _most_common(listed[listed != i], c.candidates, self._searchable if self.hot_from else None)
        sims = self.similarities(i, cands)
        scored = [(s, j) for s, j in zip(sims.tolist(), cands) if s > 0]
        scored.sort(reverse=True)
        return [(j, s) for s, j in scored[: c.searched]]

    def similarities(self, i: int, others: Sequence[int]) -> "np.ndarray":
        """Pair similarities of article i with each of ``others`` (lexical, mismatch penalties, dense)."""
        store = self.vectors
        idx, val = store.gather(others)
        sims = sparse_dots(store.idx(i), store.val(i), idx, val, self._scratch_for_terms())
        present = store.present(i)
        if len(others) and present.any():
            sims -= store.presents(others) @ present
        dense = store.dense(i)
        if self.dense_weight and dense is not None:
            for k, j in enumerate(others):
                other = store.dense(j)
                if other is not None:
                    sims[k] += self.dense_weight * float(dense @ other)
        return sims

    def self_similarity(self, i: int) -> float:
        own = self._own[i]
        if own != own:  # NaN: not asked before
            own = self._own[i] = float(self.similarities(i, [i])[0])
        return own

    def _scratch_for_terms(self) -> "np.ndarray":
        import numpy as np

        n = self.featurizer.n_terms
        if self._scratch is None or len(self._scratch) < n:
            self._scratch = np.zeros(max(n, 2 * (0 if self._scratch is None else len(self._scratch))), dtype=np.float32)
        return self._scratch

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        return {"featurizer": self.featurizer.to_dict(), "ids": list(self.ids), "vectors": self.vectors.to_dict()}

    def clock(self) -> dict[str, int]:
        """The clock of forgetting, as a state saves it (the days are the stories table's)."""
        return {"newest": self.newest, "hot_from": self.hot_from}

    def set_clock(self, days: "np.ndarray", clock: dict[str, int] | None) -> None:
        """Restore the articles' days and the clock (a state saved before there was one: none yet)."""
        import numpy as np

        self.days = array("i", np.asarray(days, dtype=np.int32).tobytes())
        if clock is not None:
            self.newest, self.hot_from = clock["newest"], clock["hot_from"]

    @classmethod
    def from_dict(cls, d: dict[str, Any], config: ClusterConfig, dense_weight: float = 0.0) -> "NeighbourIndex":
        index = cls(config, Featurizer.from_dict(d["featurizer"], config.features), dense_weight)
        index._register(d["ids"])
        index.vectors = VectorStore.from_dict(d["vectors"], len(index.featurizer.penalties), config.keys)
        index.post_loaded()
        return index


def _listed(lists: list[array]) -> "np.ndarray":
    """The entries of posting lists (``array("i")``), one after another."""
    import numpy as np

    if not lists:
        return np.empty(0, dtype=np.int32)
    return np.frombuffer(b"".join(lists), dtype=np.int32)


def _most_common(listed: "np.ndarray", n: int, keep: "Callable[[np.ndarray], np.ndarray] | None" = None) -> list[int]:
    """The same articles, in the same order, as ``Counter(listed).most_common(n)``
    (ties in order of first appearance), only those ``keep`` keeps (a mask of
    the articles). Counted by numpy's sort: the posting lists a query reads
    fill up as a corpus grows (to ``posting_cap`` each), and a ``Counter``
    walked in Python over their thousands of entries made the cost per
    article grow with the corpus.

    The entries are a few posting lists end to end, each in arrival order, so
    a stable sort merges their runs (timsort) and leaves each article's first
    appearance first; the best ``n`` are then partitioned off on one number
    (more entries first, then the earlier first appearance) and only they are
    sorted. ``np.unique`` with indices and counts, then a ``lexsort`` of every
    article, took 1.4 times the CPU at the 2,000-3,200 entries a query reads
    once the lists fill (bench/README)."""
    import numpy as np

    if not len(listed):
        return []
    order = np.argsort(listed, kind="stable")
    ranked = listed[order]
    head = np.empty(len(ranked), dtype=bool)
    head[0] = True
    np.not_equal(ranked[1:], ranked[:-1], out=head[1:])
    starts = np.flatnonzero(head)
    counts = np.diff(starts, append=len(ranked))
    first = order[starts]
    if keep is not None:
        kept = keep(ranked[starts].astype(np.int64))
        counts, first = counts[kept], first[kept]
    rank = ((len(listed) - counts) << 32) | first  # entries fewer than len(listed), places under 2**32
    if len(rank) > n:
        rank = np.partition(rank, n - 1)[:n]
    rank.sort()
    return listed[rank & 0xFFFFFFFF].tolist()


def article_day(a: Any) -> int | None:
    """An article's publication day as an ordinal (``published_day``), if it has one."""
    day = a.published_day
    return day.toordinal() if day else None
