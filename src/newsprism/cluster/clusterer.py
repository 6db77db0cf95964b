"""Incremental story clustering.

Articles arrive in batches, in any order. For each batch:

1. features, running document frequencies, TF-IDF vectors (``features``);
2. candidates by blocking: each article's rarest heavy terms are keys of an
   inverted index whose posting lists keep the latest ``posting_cap``
   articles, so a query costs the same at 1,000 and at 1,000,000 articles;
3. exact similarity to the best candidates, kept as the article's nearest
   neighbours, and its hubness ``r`` (mean of the top ``r_neighbours``);
4. average linkage over the batch's articles and the stories they touch
   (``linkage``: hubness correction, name-mismatch penalty, time cost, join
   bonus, cohesion rule for two groups); a batch node that joins a story
   takes its id, two stories that merge keep the older id and record the
   other as absorbed;
5. second thoughts: an earlier article that a new one links to moves to the
   new one's story when it fits there better than with the rest of its own
   (``_reconsider``). In a stream, the first article of an event often
   arrives before any other of that event and joins the nearest story of the
   topic; once its own event's articles come, it moves to them. Stories keep
   their ids; ``add`` reports the articles that moved;
6. refinement: each earlier story the batch brought articles to is grouped
   again from its own members, exactly as a batch is (up to ``refine_max``
   members, larger ones less often); parts that no longer join split off as
   new stories (``_refine``). Merges made on what a stream had seen so far
   (the first article of an event in the nearest story of its topic, a
   bridge that later articles outweigh) are undone once the members tell
   otherwise; the part holding most of the story's earlier members keeps
   its id.

Copies (``Article.duplicate_of`` set by the dedup stage) join their
original's story directly: they say nothing new about the story's wording.
So do near-copies the dedup stage let through (a rewrite of every sentence,
an updated version of a report): an article with an earlier neighbour that
scores ``near_copy`` of what the two score with themselves follows the one
that scores most so (``_Art.original``), keeps its vector for the neighbour
search, and stays out of the linkage. Left in, a pair of near-copies makes
each other's nearest neighbour: both get a high ``r`` and their group a high
cohesion, and an event told by five outlets, each with a rewrite, split
into five pairs (NewsWCL50 with one rewrite of each article: 0.596). An
article's edges skip its own near-copies (``_edges``), or the versions of
one text fill each other's places and never meet another outlet's. On the
dev sets as they are, the rule takes 54 articles as followers (ECB+ 10, NeuS
val 3, NeuS train 41), each in the gold story of the one it follows; besides
rewrites it takes short reports of one event told in nearly the same words
(two NeuS excerpts on Nikki Haley's resignation), so it stays inside the
clusterer: a follower is no copy, and the brief counts it as its own source.
"""

from __future__ import annotations

from array import array
from bisect import insort
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple

from newsprism.arrays import decode, encode
from newsprism.cluster.config import ClusterConfig, FeatureConfig
from newsprism.cluster.features import Featurizer, SparseVector, TermBatch, VectorBatch, count_terms
from newsprism.cluster.linkage import Node, add_vectors, agglomerate, merge_nodes, score, similarity_sum
from newsprism.embedders import Calibration
from newsprism.errors import InputError
from newsprism.model import Article, Story

if TYPE_CHECKING:
    import numpy as np

    from newsprism.embedders import Embedder
class Found(NamedTuple):
    """What ``StoryClusterer.search`` found for a batch: the index of its first
    article that is no copy, for each such article its nearest neighbours
    (article index, similarity), best first, and their vectors."""

    first: int
    near: list[list[tuple[int, float]]]
    vectors: VectorBatch


@dataclass(slots=True)
class _Art:
    id: str
    story: int  # index into StoryClusterer._stories (follows merges)
    vec: SparseVector | None  # None for copies: they join their original's story
    dense: "np.ndarray | None"
    r: float
    day: int | None
    # The ``r_neighbours`` best similarities seen so far, best first: ``r`` is their
    # mean, and it rises when a later article turns out closer than those.
    top: list[float] = field(default_factory=list)
    # For a copy, the index of the article it copies; for a near-copy (which keeps
    # its vector), of the article it follows. Either way it is out of the linkage.
    original: int | None = None


@dataclass(slots=True)
class _Story:
    id: str
    members: list[int]  # article indices, in arrival order
    idx: "np.ndarray"
    val: "np.ndarray"
    dense: "np.ndarray | None"
    r_sum: float
    n: int  # members that count in the sums (copies do not)
    lo: int | None
    hi: int | None
    absorbed: list[str] = field(default_factory=list)
    merged_into: int | None = None
    pen: "np.ndarray | None" = None  # sum of the members' mismatch-penalty vectors
    inner: float = 0.0  # see Node.inner
    # Pair similarities of members by (lower, higher) article index, and the members
    # whose pairs with each other are all in it. An article's vector never changes, so
    # an entry never goes stale: ``_refine`` scores only the pairs of members new since
    # the last time. Derived, never saved.
    sims: dict[tuple[int, int], float] = field(default_factory=dict)
    known: set[int] = field(default_factory=set)


class StoryClusterer:
    """Groups articles into stories, batch after batch; see the module docstring."""

    def __init__(
        self,
        embedder: "Embedder | None" = None,
        *,
        config: ClusterConfig | None = None,
        id_prefix: str = "s",
        featurizer: Featurizer | None = None,
    ) -> None:
        self.embedder = embedder
        self.config = config or ClusterConfig()
        # The embedder's calibration as this clusterer took it (a loaded state keeps its own).
        self.calibration: Calibration | None = None if embedder is None else embedder.calibration
        self.params = self.config.linkage(self.calibration)
        self.id_prefix = id_prefix
        self.featurizer = featurizer or Featurizer(self.config.features)
        self._arts: list[_Art] = []
        self._by_id: dict[str, int] = {}
        self._stories: list[_Story] = []
        self._postings: dict[int, list[int]] = {}
        # A term seen in only one article is no key yet; remember that article
        # so that it is posted the moment a second article shares the term.
        self._pending: dict[int, int] = {}
        self._copies: dict[int, list[int]] = {}  # article index -> its copies' indices
        # Articles taken in with the neighbours found elsewhere (``add(found=)``) are
        # posted only when this clusterer next searches itself: until then its
        # blocking index is not read, and posting is a good part of taking one in.
        self._unposted: list[int] = []
        self._scratch: "np.ndarray | None" = None  # see SparseVector.dots; never saved

    # ------------------------------------------------------------ adding

    def add(
        self,
        batch: Sequence[Article],
        terms: TermBatch | None = None,
        counted: Sequence[int] | None = None,
        found: "Found | None" = None,
    ) -> dict[str, str]:
        """Cluster a batch; returns article id -> story id for its articles.

        ``terms``, the ``count_terms`` of the batch's articles at positions
        ``counted`` (default: all of them), computed elsewhere (e.g. in a
        worker process), saves counting them here; it must hold every
        article that is no copy (``duplicate_of`` None). ``found``, what
        ``search`` returned for this batch on a copy of this clusterer as it
        is now, saves the vectors and the neighbour search (``terms`` are
        then not needed).
        """
        originals, copies = self._split(batch)
        days, dense = [_ordinal(a) for a in originals], self._embed(originals)
        if found is None:
            first = self._admit(originals, self._vectors(batch, originals, terms, counted).unpack(), days, dense)
            near = [self._neighbours(i) for i in range(first, len(self._arts))]
        elif found.first != len(self._arts) or len(found.near) != len(originals):
            raise ValueError(f"neighbours found for articles {found.first}.. do not fit this batch ({len(self._arts)}..)")
        else:
            first = self._admit(originals, self.featurizer.take(found.vectors), days, dense, post=False)
            near = found.near
        moved = self._settle(first, near, [(a.id, self._by_id[a.duplicate_of], _ordinal(a)) for a in copies])
        out = {a.id: self.story_of(a.id) for a in batch if a.id in self._by_id}
        return {**out, **{aid: self.story_of(aid) for aid in moved}}  # type: ignore[dict-item]

    def _settle(self, first: int, near: list[list[tuple[int, float]]], copies: list[tuple[str, int, int | None]]) -> set[str]:
        """Group the articles from ``first`` on, just taken in, as one batch
        (steps 3 to 6 of the module docstring), given each one's nearest
        neighbours; ``copies`` (id, index of the original, day) join their
        originals' stories. Returns the ids of earlier articles that moved."""
        batch_idx = list(range(first, len(self._arts)))
        followers = self._near_copies(batch_idx, near)
        edges = {}
        for i, e in zip(batch_idx, near):
            if i not in followers:
                # ``r`` reads the ``neighbours`` nearest places, where a near-copy's
                # counts nothing. Filled from farther down instead, it rose on
                # corpora of rewrites and cost recall (ECB+ with one rewrite of
                # each article: 0.878 -> 0.854).
                self._set_top(i, e[:self.config.neighbours])
                edges[i] = self._edges(i, e)
        self._raise_hubness(edges, first)
        n_stories = len(self._stories)
        self._group([i for i in batch_idx if i not in followers], edges)
        moved = self._reconsider(edges, first)
        for i in followers:
            self._follow(i)
        for copy in copies:
            self._add_copy(*copy)
        return moved | self._refine_touched(first, n_stories)

    def search(self, batch: Sequence[Any], terms: TermBatch | None = None, counted: Sequence[int] | None = None) -> "Found":
        """The neighbour search of ``add`` alone, for a copy of this clusterer
        that runs ahead of it (in a worker process) and sees the same batches.

        The batch's items need only ``id`` and ``duplicate_of`` (and
        ``title`` and ``text`` when ``terms`` are not given). The copy
        takes the batch's articles in as ``add`` would (same indices, same
        vectors and blocking keys), but keeps no stories.
        """
        taken, vectors = self._take(batch, terms, counted)
        return Found(taken.start, [self._neighbours(i) for i in taken if self._arts[i].vec is not None], vectors)

    def take(self, batch: Sequence[Any], terms: TermBatch | None = None, counted: Sequence[int] | None = None) -> range:
        """Take a batch's articles in as ``search`` does, without searching; returns their indices."""
        return self._take(batch, terms, counted)[0]

    def _take(self, batch: Sequence[Any], terms: TermBatch | None, counted: Sequence[int] | None) -> tuple[range, VectorBatch]:
        originals, copies = self._split(batch)
        vectors = self._vectors(batch, originals, terms, counted)
        first = self._admit(originals, vectors.unpack(), [None] * len(originals), None)
        for a in copies:
            self._by_id[a.id] = len(self._arts)
            self._arts.append(_Art(a.id, -1, None, None, 0.0, None, original=self._by_id[a.duplicate_of]))
        return range(first, len(self._arts)), vectors

    def searcher(self) -> "StoryClusterer":
        """A clusterer that shares this one's articles and blocking index but
        holds no stories: what ``search`` needs. Copy it before use (as an
        engine stage is copied): it shares this one's state."""
        self._post_taken()
        view = StoryClusterer(self.embedder, config=self.config, id_prefix=self.id_prefix, featurizer=self.featurizer)
        view.calibration, view.params = self.calibration, self.params
        view._arts, view._by_id, view._postings, view._pending = self._arts, self._by_id, self._postings, self._pending
        return view

    def _split(self, batch: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        """The batch's new articles: those clustered on their own, and copies that join their original's story."""
        fresh = self._unique_new(batch)
        originals_here = {a.id for a in fresh if a.duplicate_of is None}
        copies = [a for a in fresh if self._follows(a, originals_here)]
        copy_ids = {a.id for a in copies}
        return [a for a in fresh if a.id not in copy_ids], copies

    def _vectors(
        self, batch: Sequence[Any], originals: list[Any], terms: TermBatch | None, counted: Sequence[int] | None
    ) -> VectorBatch:
        if terms is None:
            return self.featurizer.vectorize(count_terms(originals), n_keys=self.config.keys)
        row: dict[str, int] = {}
        for r, k in enumerate(range(len(batch)) if counted is None else counted):
            row.setdefault(batch[k].id, r)  # a repeated id is its first occurrence, as in ``_unique_new``
        return self.featurizer.vectorize(terms, [row[a.id] for a in originals], n_keys=self.config.keys)

    def _admit(
        self, originals: list[Any], vecs: list[SparseVector], days: list[int | None], dense: "np.ndarray | None",
        post: bool = True,
    ) -> int:
        """Register the articles and post them in the blocking index (or leave
        that for later, see ``_unposted``); returns the first one's index."""
        first = len(self._arts)
        for k, (a, vec) in enumerate(zip(originals, vecs)):
            self._by_id[a.id] = len(self._arts)
            self._arts.append(_Art(a.id, -1, vec, None if dense is None else dense[k], 0.0, days[k]))
        if post:
            self._post_taken()
            for i in range(first, len(self._arts)):
                self._post(i)
        else:
            self._unposted.extend(range(first, len(self._arts)))
        return first

    def _post_taken(self) -> None:
        """Post the articles taken in without posting, with the document
        frequencies as they are now (as ``from_dict`` posts a saved state's)."""
        for i in self._unposted:
            self._post(i)
        self._unposted.clear()

    def _unique_new(self, batch: Sequence[Article]) -> list[Article]:
        seen: set[str] = set()
        out = []
        for a in batch:
            if a.id not in self._by_id and a.id not in seen:
                seen.add(a.id)
                out.append(a)
        return out

    def _follows(self, a: Article, originals_here: set[str]) -> bool:
        """Whether a copy can simply join its original's story (known, or in this batch)."""
        target = a.duplicate_of
        return target is not None and target != a.id and (target in self._by_id or target in originals_here)

    def _near_copies(self, batch_idx: list[int], near: list[list[tuple[int, float]]]) -> set[int]:
        """The batch's articles that follow an earlier one as near-copies (see the
        module docstring), each with ``original`` set to the article it follows."""
        import math

        out: set[int] = set()
        own: dict[int, float] = {}  # self-similarities, each scored once a batch

        def self_similarity(k: int) -> float:
            if k not in own:
                own[k] = self._self_similarity(k)
            return own[k]

        for i, e in zip(batch_idx, near):
            # Only earlier neighbours can be followed (so no cycle), but not only
            # the nearest: of five versions of one text, each one's nearest is as
            # likely to come after it as before, and half of them stayed apart.
            best, best_ratio = None, self.config.near_copy
            di = self._arts[i].day
            for j, sim in e:
                if j >= i:
                    continue
                dj = self._arts[j].day
                if di is not None and dj is not None and abs(di - dj) > self.config.window_days:
                    continue  # the same text years apart (a republished piece) is another story's
                both = self_similarity(i) * self_similarity(j)
                if both > 0 and (ratio := sim / math.sqrt(both)) >= best_ratio:
                    best, best_ratio = j, ratio
            if best is not None:
                self._arts[i].original = self._root(best)
                out.add(i)
        return out

    def _self_similarity(self, i: int) -> float:
        return float(self._similarities(i, [i])[0])

    def _follow(self, i: int) -> None:
        """Put a near-copy in the story of the article it follows, as a copy is put."""
        a = self._arts[i]
        s = a.story = self._live(self._arts[a.original].story)  # type: ignore[index]
        self._copies.setdefault(a.original, []).append(i)  # type: ignore[arg-type]
        insort(self._stories[s].members, i)

    def _add_copy(self, article_id: str, original: int, day: int | None) -> None:
        s = self._live(self._arts[original].story)
        i = self._by_id[article_id] = len(self._arts)
        self._arts.append(_Art(article_id, s, None, None, 0.0, day, original=original))
        self._copies.setdefault(original, []).append(i)
        self._stories[s].members.append(i)

    def _embed(self, articles: list[Article]) -> "np.ndarray | None":
        if self.embedder is None or not articles:
            return None
        return self.embedder.embed([embed_text(a) for a in articles])

    # ------------------------------------------------------------ blocking

    def _post(self, i: int) -> None:
        df = self.featurizer.df
        for key in self._arts[i].vec.keys:  # type: ignore[union-attr]
            if df[key] < 2:
                self._pending[key] = i
                continue
            earlier = self._pending.pop(key, None)
            if earlier is not None and earlier != i:
                self._append(key, earlier)
            self._append(key, i)
        if len(self._pending) > self.config.pending_cap:
            for key in list(self._pending)[: len(self._pending) - self.config.pending_cap]:
                del self._pending[key]  # the oldest hapaxes are the least likely to recur

    def _post_loaded(self, indices: list[int]) -> None:
        """Post a loaded state's articles at once, exactly as ``_post`` would one
        by one into empty postings: the document frequencies do not change in
        between, so a key only one article has waits in ``_pending`` and any
        other gets every article that has it, in order, trimmed as ``_append``
        trims. (Ten times faster than one by one.)"""
        import numpy as np

        keys_of = [self._arts[i].vec.keys for i in indices]  # type: ignore[union-attr]
        sizes = np.fromiter(map(len, keys_of), dtype=np.int64, count=len(keys_of))
        keys = np.fromiter(chain.from_iterable(keys_of), dtype=np.int64, count=int(sizes.sum()))
        arts = np.repeat(np.asarray(indices, dtype=np.int64), sizes)
        single = self.featurizer.df[keys] < 2
        self._pending = dict(zip(keys[single][-self.config.pending_cap:].tolist(), arts[single][-self.config.pending_cap:].tolist()))
        keys, arts = keys[~single], arts[~single]
        order = np.argsort(keys, kind="stable")  # stable: each key's articles stay in arrival order
        keys, arts = keys[order], arts[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.empty(0, dtype=np.int64)
        ends = np.r_[starts[1:], len(keys)].astype(np.int64)
        counts = ends - starts
        # After c appends a list holds c, or once trimmed CAP plus what came since its last trim.
        kept = np.where(counts <= 2 * self.config.posting_cap, counts, self.config.posting_cap + (counts - 2 * self.config.posting_cap - 1) % (self.config.posting_cap + 1))
        listed = arts.tolist()
        self._postings = {k: listed[e - n : e] for k, e, n in zip(keys[starts].tolist(), ends.tolist(), kept.tolist())}

    def _append(self, key: int, i: int) -> None:
        plist = self._postings.setdefault(key, [])
        plist.append(i)
        if len(plist) > 2 * self.config.posting_cap:  # trim in bulk: amortised O(1) per append
            del plist[:-self.config.posting_cap]

    def _neighbours(self, i: int) -> list[tuple[int, float]]:
        """Nearest neighbours of article i among the candidates, with similarities, best first."""
        vec = self._arts[i].vec
        assert vec is not None
        postings = self._postings
        lists = [postings[k] for k in vec.keys if k in postings][:self.config.query_keys]
        counts: Counter[int] = Counter(chain.from_iterable(p[-self.config.posting_cap:] for p in lists))
        counts.pop(i, None)
        cands = _most_common(counts, self.config.candidates)
        sims = self._similarities(i, cands)
        scored = [(s, j) for s, j in zip(sims.tolist(), cands) if s > 0]
        scored.sort(reverse=True)
        return [(j, s) for s, j in scored[:self.config.searched]]

    def _edges(self, i: int, near: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The first ``config.neighbours`` neighbours that stand for different originals
        other than the article's own. Five versions of one text otherwise take
        each other's places, and the text never meets another outlet's."""
        out: list[tuple[int, float]] = []
        seen = {i}
        for j, sim in near:
            root = self._root(j)
            if root not in seen:
                seen.add(root)
                out.append((j, sim))
                if len(out) == self.config.neighbours:
                    break
        return out

    def _set_top(self, i: int, near: list[tuple[int, float]]) -> None:
        """An article's hubness ``r`` from its nearest neighbours (``neighbours`` >= ``r_neighbours`` of them when it has so many)."""
        art = self._arts[i]
        # A near-copy repeats the article it follows: counted, it would count one text twice.
        art.top = [s for j, s in near if self._arts[j].original is None][:self.config.r_neighbours]
        art.r = sum(art.top) / self.config.r_neighbours

    def _similarities(self, i: int, others: list[int]) -> "np.ndarray":
        """Pair similarities of article i with each of ``others`` (lexical, mismatch penalties, dense)."""
        import numpy as np

        art = self._arts[i]
        vec = art.vec
        assert vec is not None
        sims = vec.dots([self._arts[j].vec for j in others], self._scratch_for_terms())  # type: ignore[misc]
        if others and any(vec.present):
            sims -= np.asarray([self._arts[j].vec.present for j in others]) @ vec.present  # type: ignore[union-attr]
        if self.params.dense_weight and art.dense is not None:
            for k, j in enumerate(others):
                other = self._arts[j].dense
                if other is not None:
                    sims[k] += self.params.dense_weight * float(art.dense @ other)
        return sims

    def _raise_hubness(self, edges: dict[int, list[tuple[int, float]]], first: int) -> None:
        """Let earlier articles learn of closer neighbours that arrived after them.

        An article's ``r`` is measured when it arrives, against what is there
        then: in a stream of small batches the first articles of a topic meet
        few of their kind, keep a low ``r`` and so a low bar, and pull later
        articles of other events of the topic into their story. Articles of
        the same batch have already seen each other (``first`` is the batch's
        first index), so only older ones are updated. ``r`` only rises.
        """
        for near in edges.values():
            for j, sim in near:
                if j >= first:
                    continue
                art = self._arts[j]
                if art.original is not None:
                    continue  # a near-copy is out of the linkage
                if len(art.top) == self.config.r_neighbours and sim <= art.top[-1]:
                    continue
                art.top = sorted([*art.top, sim], reverse=True)[:self.config.r_neighbours]
                r = sum(art.top) / self.config.r_neighbours
                if r > art.r:
                    self._stories[self._live(art.story)].r_sum += r - art.r
                    art.r = r

    def _scratch_for_terms(self) -> "np.ndarray":
        import numpy as np

        n = self.featurizer.n_terms
        if self._scratch is None or len(self._scratch) < n:
            self._scratch = np.zeros(max(n, 2 * (0 if self._scratch is None else len(self._scratch))), dtype=np.float32)
        return self._scratch

    # ------------------------------------------------------------ grouping

    def _group(self, batch_idx: list[int], edges: dict[int, list[tuple[int, float]]]) -> None:
        nodes: dict[int, Node] = {}
        key_of_art: dict[int, int] = {}
        key_of_story: dict[int, int] = {}
        for i in batch_idx:
            key_of_art[i] = len(nodes)
            nodes[len(nodes)] = self._article_node(i)
        pairs: dict[tuple[int, int], float | None] = {}
        for i, near in edges.items():
            for j, sim in near:
                if self._arts[j].original is not None:
                    j, sim = self._root(j), None  # a near-copy stands for the article it follows
                    if j == i:
                        continue
                if j in key_of_art:
                    pairs.setdefault((key_of_art[i], key_of_art[j]), sim)
                    continue
                s = self._live(self._arts[j].story)
                if s not in key_of_story:
                    key_of_story[s] = len(nodes)
                    nodes[len(nodes)] = self._story_node(s)
                pairs[(key_of_art[i], key_of_story[s])] = None
        self._link(nodes, pairs)

    def _link(self, nodes: dict[int, Node], pairs: dict[tuple[int, int], float | None]) -> None:
        survivors, merges = agglomerate(nodes, pairs, self.params, len(nodes))
        for keep, drop in merges:
            self._absorb(keep, drop)
        # New stories are numbered in the arrival order of their first article.
        for node in sorted(survivors.values(), key=lambda nd: min(nd.members) if nd.story is None else -1):
            self._commit(node)

    def _article_node(self, i: int) -> Node:
        a = self._arts[i]
        assert a.vec is not None
        return Node([i], a.vec.idx, a.vec.val, a.dense, a.r, a.day, a.day, pen=_pen(a.vec))

    def _story_node(self, s: int) -> Node:
        st = self._stories[s]
        # Only the count matters to the linkage; the real list stays with the story.
        return Node([], st.idx, st.val, st.dense, st.r_sum, st.lo, st.hi, story=s, pen=st.pen, unlisted=st.n, inner=st.inner)

    def _absorb(self, keep: int, drop: int) -> None:
        k, d = self._stories[keep], self._stories[drop]
        k.absorbed.extend([d.id, *d.absorbed])
        k.members = sorted(k.members + d.members)
        for m in d.members:
            self._arts[m].story = keep
        d.merged_into = keep
        d.members = []
        d.sims, d.known = {}, set()  # the survivor scores the absorbed members as new ones

    def _commit(self, node: Node) -> int:
        """Write a surviving node back as a new story or into its story; returns the story."""
        new_members = node.members
        if node.story is None:
            s = len(self._stories)
            self._stories.append(
                _Story(f"{self.id_prefix}{s + 1}", [], node.idx, node.val, node.dense, 0.0, 0, None, None)
            )
        else:
            s = node.story
        st = self._stories[s]
        if new_members:  # a story's list is kept sorted: untouched, it needs no new sort
            st.members = sorted(set(st.members) | set(new_members))
        st.idx, st.val, st.dense = node.idx, node.val, node.dense
        st.r_sum, st.n, st.lo, st.hi, st.pen, st.inner = node.r_sum, node.n, node.lo, node.hi, node.pen, node.inner
        for m in new_members:
            self._arts[m].story = s
        return s

    def _live(self, s: int) -> int:
        while self._stories[s].merged_into is not None:
            s = self._stories[s].merged_into  # type: ignore[assignment]
        return s

    # ------------------------------------------------------------ second thoughts

    def _reconsider(self, edges: dict[int, list[tuple[int, float]]], first: int) -> set[str]:
        """Move earlier articles that fit a new article's story better than their own.

        Only articles the batch links to are looked at, so the cost follows the
        batch. An article moves when its linkage score to the other story
        reaches the threshold and beats its score to the rest of its own story;
        its copies go with it, and a story it would leave empty keeps it.
        Returns the ids of the moved articles and copies.
        """
        moved: set[str] = set()
        checked: set[tuple[int, int]] = set()
        for i, near in edges.items():
            for j, _ in near:
                if j >= first or self._arts[j].original is not None:
                    continue  # the batch's own articles were just grouped together; a near-copy follows its original
                to, frm = self._live(self._arts[i].story), self._live(self._arts[j].story)
                if to == frm or self._stories[frm].n < 2 or (j, to) in checked:
                    continue
                checked.add((j, to))
                here = self._article_node(j)
                gain = score(here, self._story_node(to), self.params)
                if gain >= self.params.threshold and gain > self._stay_score(here, frm):
                    self._move(j, frm, to)
                    moved.update(self._arts[m].id for m in (j, *self._followers(j)))
        return moved

    def _stay_score(self, here: Node, s: int) -> float:
        """Linkage score of an article to the rest of its story, without building the rest.

        The rest's summed similarity is the story's less the article's own, and
        its time span is taken as the story's: staying is never charged for time.
        """
        own = self._story_node(s)
        sim = self._similarity_to_rest(here, own)
        rest = Node(
            [], own.idx, own.val, own.dense, own.r_sum - here.r_sum, own.lo, own.hi, story=s, pen=own.pen,
            unlisted=own.n - 1, inner=own.inner - 2.0 * sim,
        )
        return score(here, rest, self.params, sim)

    def _inner(self, s: int) -> float:
        """A story's summed similarity over ordered pairs of distinct members, from its sum vector."""
        own = self._story_node(s)
        members = [self._article_node(m) for m in self._stories[s].members if self._linked(m)]
        return similarity_sum(own, own, self.params) - sum(similarity_sum(x, x, self.params) for x in members)

    def _similarity_to_rest(self, here: Node, own: Node) -> float:
        """Summed similarity of a member to the other members of its story."""
        return similarity_sum(here, own, self.params) - similarity_sum(here, here, self.params)

    def _followers(self, j: int) -> list[int]:
        """The copies and near-copies of an article, and theirs (a copy may copy a near-copy)."""
        out, todo = [], [j]
        while todo:
            for c in self._copies.get(todo.pop(), ()):
                out.append(c)
                todo.append(c)
        return out

    def _move(self, j: int, frm: int, to: int) -> None:
        copies = self._followers(j)
        src, here = self._stories[frm], self._article_node(j)
        src.inner -= 2.0 * self._similarity_to_rest(here, self._story_node(frm))
        idx, val = add_vectors(src.idx, src.val, here.idx, -here.val)
        keep = val != 0  # the article's own terms leave the story's sum
        src.idx, src.val = idx[keep], val[keep]
        src.dense = src.dense if src.dense is None or here.dense is None else src.dense - here.dense
        src.pen = src.pen if src.pen is None or here.pen is None else src.pen - here.pen
        src.r_sum -= here.r_sum
        src.n -= 1
        gone = {j, *copies}
        src.members = [m for m in src.members if m not in gone]
        days = [d for m in src.members if self._linked(m) and (d := self._arts[m].day) is not None]
        src.lo, src.hi = min(days, default=None), max(days, default=None)
        dst = self._story_node(to)
        self._commit(merge_nodes(dst, here, similarity_sum(dst, here, self.params)))
        if copies:
            dst = self._stories[to]
            dst.members = sorted(dst.members + copies)
            for m in copies:
                self._arts[m].story = to

    # ------------------------------------------------------------ refinement

    def _refine_touched(self, first: int, n_stories: int) -> set[str]:
        """Group afresh the earlier stories that the batch's articles are in; returns the ids of
        the earlier articles that split off.

        ``first`` is the batch's first article index, ``n_stories`` the number
        of stories before it: a story made of the batch alone was just grouped,
        and one that gained only copies groups as before.
        """
        touched = {self._live(self._arts[i].story) for i in range(first, len(self._arts)) if self._arts[i].vec is not None}
        return {self._arts[m].id for s in sorted(t for t in touched if t < n_stories) for m in self._refine(s, first) if m < first}

    def _refine(self, s: int, first: int) -> list[int]:
        """Group a story's members afresh; parts that do not join become new stories.

        The part with most members from before the batch (``first``) keeps
        the story, then the larger, then the one with the earliest member.
        Copies follow their originals. Returns the articles that left.
        """
        import numpy as np

        st = self._stories[s]
        mem = [m for m in st.members if self._linked(m)]
        if len(mem) > self.config.refine_max:
            st.sims, st.known = {}, set()  # it is not grouped again: its pairs are not needed
        if not 2 <= len(mem) <= self.config.refine_max or sum(m >= first for m in mem) < (len(mem) - self.config.refine_always) / self.config.refine_every:
            return []
        # Every pair's similarity is given, so the linkage never reads a sum
        # vector: the nodes go without, and only the parts of a split get theirs.
        none_idx, none_val = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        nodes = {}
        for k, m in enumerate(mem):
            a = self._arts[m]
            nodes[k] = Node([m], none_idx, none_val, None, a.r, a.day, a.day)
        sims = self._member_pairs(st, mem)
        pairs: dict[tuple[int, int], float | None] = {}
        for k in range(len(mem) - 1):
            for d in range(k + 1, len(mem)):
                pairs[(k, d)] = sims[_pair(mem[k], mem[d])]
        survivors, _ = agglomerate(nodes, pairs, self.params, len(nodes))
        if len(survivors) == 1:
            return []
        parts = sorted(survivors.values(), key=lambda nd: (-sum(m < first for m in nd.members), -nd.n, min(nd.members)))
        for node in parts:
            self._fill_sums(node)
        copies = [m for m in st.members if not self._linked(m)]  # and near-copies
        st.members = []
        parts[0].story = s
        for node in parts:  # the first writes the story back, the others become new stories
            part = self._stories[self._commit(node)]
            inside = set(node.members)
            part.sims = {p: v for p, v in sims.items() if p[0] in inside and p[1] in inside}
            part.known = inside
        for c in copies:
            t = self._arts[self._root(c)].story
            self._arts[c].story = t
            insort(self._stories[t].members, c)
        return [m for m in (*mem, *copies) if self._arts[m].story != s]

    def _member_pairs(self, st: _Story, mem: list[int]) -> dict[tuple[int, int], float]:
        """Every pair similarity of these members, scoring only pairs the story has not seen.

        A pair is always scored from its later article's side, as though the
        story had none cached: float sums depend on the side, and a story
        reloaded from a saved state (which keeps no cache) must score alike.
        """
        cache = st.sims
        known = st.known & set(mem)  # members that left are no longer vouched for
        ordered = sorted(mem)
        for k, hi in enumerate(ordered):
            lower = ordered[:k] if hi not in known else [lo for lo in ordered[:k] if lo not in known]
            if lower:
                for lo, sim in zip(lower, self._similarities(hi, lower).tolist()):
                    cache[(lo, hi)] = sim
        st.known = set(mem)
        return cache

    def _fill_sums(self, node: Node) -> None:
        """Give a node built without sum vectors the sums of its members' vectors."""
        import numpy as np

        arts = [self._arts[m] for m in node.members]
        vecs = [a.vec for a in arts]
        node.idx, node.val = add_vectors(np.concatenate([v.idx for v in vecs]), np.concatenate([v.val for v in vecs]), node.idx, node.val)  # type: ignore[union-attr]
        pens = [p for v in vecs if (p := _pen(v)) is not None]  # type: ignore[arg-type]
        node.pen = sum(pens[1:], pens[0]) if pens else None
        if all(a.dense is not None for a in arts):
            node.dense = np.sum([a.dense for a in arts], axis=0)

    def _root(self, i: int) -> int:
        """The original an article copies or follows (itself when it is neither)."""
        while self._arts[i].original is not None:
            i = self._arts[i].original  # type: ignore[assignment]
        return i

    def _linked(self, i: int) -> bool:
        """Whether an article is in the linkage: neither a copy nor a near-copy."""
        return self._arts[i].original is None

    # ------------------------------------------------------------ answers

    def story_of(self, article_id: str) -> str | None:
        i = self._by_id.get(article_id)
        return None if i is None else self._stories[self._live(self._arts[i].story)].id

    def stories(self) -> list[Story]:
        """Live stories, in order of creation; articles in arrival order."""
        return [
            Story(id=st.id, articles=[self._arts[m].id for m in st.members], absorbed=list(st.absorbed))
            for st in self._stories
            if st.merged_into is None
        ]

    def __len__(self) -> int:
        return len(self._arts)

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to go on clustering later (JSON-ready).

        The embedder itself is not saved: pass the same one to ``from_dict``.
        """
        return {
            # 3: the configuration and calibration saved whole; 2: arrays as base64
            # (``newsprism.arrays``); 1 (lists). All still load.
            "version": 3,
            # The settings go with the state: a later run goes on as this one went.
            "embedder": _name(self.embedder),
            "config": self.config.to_dict(),
            "calibration": None if self.calibration is None else self.calibration.to_dict(),
            "id_prefix": self.id_prefix,
            "featurizer": self.featurizer.to_dict(),
            "articles": [_art_to_dict(a) for a in self._arts],
            "stories": [_story_to_dict(s) for s in self._stories],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], embedder: "Embedder | None" = None) -> "StoryClusterer":
        """A clusterer saved by ``to_dict``; ``embedder`` must be of the kind it was made with
        (the saved vectors and calibration are that embedder's)."""
        if "embedder" in d and d["embedder"] != _name(embedder):  # states saved before 2026-12-02 do not say
            made, now = d["embedder"] or "tfidf", _name(embedder) or "tfidf"
            raise InputError(f"the state was clustered with the {made} embedder, not {now}: go on with --embedder {made}, or start a new state")
        if "config" in d:
            config = ClusterConfig.from_dict(d["config"])
            calibration = None if d["calibration"] is None else Calibration.from_dict(d["calibration"])
        else:
            config, calibration = _settings_before_v3(d, embedder)
        c = cls(embedder, config=config, id_prefix=d["id_prefix"], featurizer=Featurizer.from_dict(d["featurizer"], config.features))
        c.calibration, c.params = calibration, config.linkage(calibration)
        c._arts = [_art_from_dict(a, config.r_neighbours) for a in d["articles"]]
        c._by_id = {a.id: i for i, a in enumerate(c._arts)}
        c._stories = [_story_from_dict(s) for s in d["stories"]]
        for s, st in enumerate(d["stories"]):
            if "inner" not in st:  # saved before stories kept it
                c._stories[s].inner = c._inner(s)
        for i, a in enumerate(c._arts):
            if a.original is not None:
                c._copies.setdefault(a.original, []).append(i)
        c._post_loaded([i for i, a in enumerate(c._arts) if a.vec is not None])
        return c

    def merge(self, other: "StoryClusterer") -> dict[str, str]:
        """Fold in a clusterer that ran elsewhere (its prefix must differ).

        Its articles are taken in here in the order they arrived there,
        ``config.batch`` at a time, and each lot is grouped as ``add`` groups a
        batch: with their vectors (mapped onto this vocabulary, not made
        again) they are searched among all the articles here, grouped,
        reconsidered and refined, so the result is what one clusterer that
        saw both streams, this one's first, would give. An article known here
        already keeps its place here.

        Its stories keep their ids where they can: each maps to the story here
        that holds most of its articles. A story the merge made takes the id
        of the first of the other's stories to map to it; any other maps into
        the story it maps to and is recorded there as absorbed, with the ids it
        had absorbed itself. Returns those absorbed ids (of the other's live
        stories), mapped to the story that absorbed them.
        """
        if other.id_prefix == self.id_prefix:
            raise ValueError(f"both clusterers give story ids '{self.id_prefix}N': use distinct id_prefix values")
        if _name(other.embedder) != _name(self.embedder):
            raise ValueError(f"the clusterers embed with {_name(other.embedder)} and {_name(self.embedder)}: their similarities do not mix")
        self._post_taken()
        remap = self.featurizer.absorb(other.featurizer)
        n_stories = len(self._stories)
        here: dict[int, int] = {}  # the other's article index -> the index here
        for start in range(0, len(other._arts), self.config.batch):
            first = len(self._arts)
            copies = []
            for k in range(start, min(start + self.config.batch, len(other._arts))):
                a = other._arts[k]
                if a.id in self._by_id:
                    here[k] = self._by_id[a.id]
                elif a.vec is None:
                    copies.append((k, a))
                else:
                    here[k] = self._by_id[a.id] = len(self._arts)
                    self._arts.append(_Art(a.id, -1, _remap(a.vec, remap), a.dense, 0.0, a.day))
                    self._post(here[k])
            near = [self._neighbours(i) for i in range(first, len(self._arts))]
            # A copy follows its original there, so the original has its index here by now.
            rows = [(a.id, here[a.original], a.day) for _, a in copies]  # type: ignore[index]
            for n, (k, _) in enumerate(copies):
                here[k] = len(self._arts) + n
            self._settle(first, near, rows)
        return self._keep_ids(other, here, n_stories)

    def _keep_ids(self, other: "StoryClusterer", here: dict[int, int], n_stories: int) -> dict[str, str]:
        """Give the other's story ids to the stories ``merge`` made (``n_stories`` on); see ``merge``."""
        made = {self._stories[s].id for s in range(n_stories, len(self._stories))}  # never given out
        claimed: set[int] = set()
        target: dict[str, int] = {}
        for st in other._stories:
            members = [here[m] for m in st.members if m in here]
            if st.merged_into is not None or not members:
                continue
            votes = Counter(self._live(self._arts[m].story) for m in members)
            t = min(votes, key=lambda s: (-votes[s], s))
            dst = self._stories[t]
            if t >= n_stories and t not in claimed:
                claimed.add(t)
                dst.id = st.id
            else:
                dst.absorbed.append(st.id)
                target[st.id] = t
            dst.absorbed.extend(st.absorbed)
        for st in self._stories:  # a story the merge made and absorbed again leaves no trace
            if st.absorbed and not made.isdisjoint(st.absorbed):
                st.absorbed = [sid for sid in st.absorbed if sid not in made]
        return {sid: self._stories[self._live(t)].id for sid, t in target.items()}

def cluster_stories(articles: list[Article], embedder: "Embedder | None" = None) -> list[Story]:
    """Set ``Article.story`` on every article and return the stories."""
    clusterer = StoryClusterer(embedder)
    clusterer.add(articles)
    for a in articles:
        a.story = clusterer.story_of(a.id)
    return clusterer.stories()


def _settings_before_v3(d: dict[str, Any], embedder: "Embedder | None") -> tuple[ClusterConfig, Calibration | None]:
    """The settings a state saved before version 3 ran with: the defaults of
    the day, but the threshold, alpha and dense weight it saved (the oldest
    saved the threshold only) and its featurizer's weights and penalties."""
    f = d["featurizer"]
    features = FeatureConfig(weights=f["weights"], penalties=f.get("penalties", {}))
    if embedder is None:
        return ClusterConfig(threshold=d["threshold"], alpha=d.get("alpha", ClusterConfig.alpha), features=features), None
    # The saved threshold has the embedder's shift in it already.
    own = embedder.calibration
    calibration = Calibration(d.get("dense_weight", own.dense_weight), 0.0, d.get("alpha", own.alpha))
    return ClusterConfig(threshold=d["threshold"], features=features), calibration


def _name(embedder: "Embedder | None") -> str | None:
    return None if embedder is None else embedder.name


def embed_text(a: Article) -> str:
    return f"{a.title}\n{a.text}" if a.title else a.text


def _most_common(counts: Counter[int], n: int) -> list[int]:
    """The same keys, in the same order, as ``counts.most_common(n)`` (ties in
    insertion order), by numpy's stable radix sort rather than a heap walked
    in Python over thousands of candidates."""
    import numpy as np

    # A count is the number of query keys that list the article: at most ``query_keys``, so 16 bits hold it.
    c = np.fromiter(counts.values(), dtype=np.int16, count=len(counts))
    keys = list(counts)
    return [keys[k] for k in np.argsort(-c, kind="stable")[:n].tolist()]


def _pen(vec: SparseVector) -> "np.ndarray | None":
    import numpy as np

    return np.asarray(vec.present, dtype=np.float64) if vec.present else None


def _remap(vec: SparseVector, remap: "np.ndarray") -> SparseVector:
    """A vector of another featurizer in this one's term ids (``Featurizer.absorb``)."""
    import numpy as np

    idx = remap[vec.idx]
    order = np.argsort(idx)
    keys = remap[np.asarray(vec.keys, dtype=np.int64)]
    return SparseVector(idx[order], vec.val[order], array("q", keys.tobytes()), list(vec.present))


def _art_to_dict(a: _Art) -> dict[str, Any]:
    import numpy as np

    return {
        "id": a.id,
        "story": a.story,
        "idx": None if a.vec is None else encode(a.vec.idx, "int64"),
        "val": None if a.vec is None else encode(a.vec.val, "float32"),
        "keys": None if a.vec is None else encode(np.asarray(a.vec.keys), "int32"),  # term ids fit: half the bytes
        "present": None if a.vec is None else a.vec.present,
        "dense": None if a.dense is None else encode(a.dense, "float32"),
        "r": a.r,
        "day": a.day,
        "top": a.top,
        "original": a.original,
    }


def _art_from_dict(d: dict[str, Any], r_neighbours: int) -> _Art:
    import numpy as np

    vec = None
    if d["idx"] is not None:
        keys = array("q", decode(d["keys"], "int32").astype(np.int64).tobytes())
        vec = SparseVector(decode(d["idx"], "int64"), decode(d["val"], "float32"), keys, list(d.get("present") or []))
    dense = None if d["dense"] is None else decode(d["dense"], "float32")
    # States saved before "top" was kept: r stands for its neighbours' mean.
    top = d.get("top") or ([d["r"]] * r_neighbours if vec is not None else [])
    return _Art(d["id"], d["story"], vec, dense, d["r"], d["day"], list(top), d.get("original"))


def _story_to_dict(s: _Story) -> dict[str, Any]:
    return {
        "id": s.id,
        "members": s.members,
        "idx": encode(s.idx, "int64"),
        "val": encode(s.val, "float32"),
        "dense": None if s.dense is None else encode(s.dense, "float32"),
        "r_sum": s.r_sum,
        "n": s.n,
        "lo": s.lo,
        "hi": s.hi,
        "absorbed": s.absorbed,
        "merged_into": s.merged_into,
        "pen": None if s.pen is None else encode(s.pen, "float64"),
        "inner": s.inner,
    }


def _story_from_dict(d: dict[str, Any]) -> _Story:
    return _Story(
        d["id"], list(d["members"]), decode(d["idx"], "int64"), decode(d["val"], "float32"),
        None if d["dense"] is None else decode(d["dense"], "float32"),
        d["r_sum"], d["n"], d["lo"], d["hi"], list(d["absorbed"]), d["merged_into"],
        None if d.get("pen") is None else decode(d["pen"], "float64"),
        d.get("inner", 0.0),
    )


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _ordinal(a: Article) -> int | None:
    day = a.published_day
    return day.toordinal() if day else None
