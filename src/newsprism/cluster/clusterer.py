"""Incremental story clustering: the clusterer, which groups, reconsiders and refines.

It holds a neighbour index (``index``: the articles, their vectors and the
blocking index), the stories (``stories``: which article is in which, and
what the linkage keeps of each) and its configuration (``config``); the
state file is ``state``. Articles arrive in batches, in any order. For each
batch:

1. features, running document frequencies, TF-IDF vectors (``features``);
2. candidates by blocking: each article's rarest heavy terms are keys of an
   inverted index whose posting lists keep the latest ``posting_cap``
   articles, so a query costs the same at 1,000 and at 1,000,000 articles
   (``index``);
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
   its id;
7. spilling: a story that no article can join any more (every member too
   old by date and by arrival for the neighbour search, see
   ``ClusterConfig.hot_days``) drops its sums and its members' vectors
   and keeps its id and members (``_spill``): memory follows the stories
   still open, not the whole history.

Copies (``Article.duplicate_of`` set by the dedup stage) join their
original's story directly: they say nothing new about the story's wording.
So do near-copies the dedup stage let through (a rewrite of every sentence,
an updated version of a report): an article with an earlier neighbour that
scores ``near_copy`` of what the two score with themselves follows the one
that scores most so (``StoryTable.original``), keeps its vector for the neighbour
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

import math
from bisect import insort
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from newsprism.cluster.config import ClusterConfig
from newsprism.cluster.features import Featurizer, TermBatch
from newsprism.cluster.index import NO_DAY, Found, NeighbourIndex
from newsprism.cluster.linkage import (
    Node,
    add_sorted,
    add_vectors,
    agglomerate,
    agglomerate_given,
    merge_nodes,
    score,
    similarity_sum,
)
from newsprism.cluster.stories import StoryTable
from newsprism.model import Article, Story

if TYPE_CHECKING:
    import numpy as np

    from newsprism.embedders import Calibration, Embedder


class StoryClusterer:
    """Groups articles into stories, batch after batch; see the module docstring."""

    def __init__(
        self,
        embedder: "Embedder | None" = None,
        *,
        config: ClusterConfig | None = None,
        id_prefix: str = "s",
        featurizer: Featurizer | None = None,
        calibration: "Calibration | None" = None,
    ) -> None:
        """``calibration``: the embedder's, unless given (a saved state keeps the one it was made with)."""
        self.embedder = embedder
        self.config = config or ClusterConfig()
        self.calibration = calibration if calibration is not None or embedder is None else embedder.calibration
        self.params = self.config.linkage(self.calibration)
        self.index = NeighbourIndex(self.config, featurizer, self.params.dense_weight)
        self.table = StoryTable(id_prefix, self.config.r_neighbours)
        # Stories that keep their members' pair similarities, least recently refined first.
        self._cached: dict[int, None] = {}
        # Stories spilled since a ``StateParts`` last asked (it writes them again), and
        # the clock of forgetting when stories were last looked over for spilling.
        self.spilled: list[int] = []
        self._spill_clock = (0, NO_DAY)

    @property
    def id_prefix(self) -> str:
        return self.table.id_prefix

    @property
    def featurizer(self) -> Featurizer:
        return self.index.featurizer

    # ------------------------------------------------------------ adding

    def add(
        self,
        batch: Sequence[Article],
        terms: TermBatch | None = None,
        counted: Sequence[int] | None = None,
        found: Found | None = None,
    ) -> dict[str, str]:
        """Cluster a batch; returns article id -> story id for its articles.

        ``terms``, the ``count_terms`` of the batch's articles at positions
        ``counted`` (default: all of them), computed elsewhere (e.g. in a
        worker process), saves counting them here; it must hold every
        article that is no copy (``duplicate_of`` None). ``found``, what
        ``NeighbourIndex.search`` returned for this batch on a copy of this
        clusterer's index as it is now, saves the vectors and the neighbour
        search (``terms`` are then not needed).
        """
        index = self.index
        originals, copies = index.split(batch)
        days, dense = [_ordinal(a) for a in originals], self._embed(originals)
        ids = [a.id for a in originals]
        if found is None:
            first = index.admit(ids, index.vectorize(batch, originals, terms, counted).unpack(), dense, days=days)
            near = [index.neighbours(i) for i in range(first, len(index))]
        elif found.first != len(index) or len(found.near) != len(originals):
            raise ValueError(f"neighbours found for articles {found.first}.. do not fit this batch ({len(index)}..)")
        else:
            first = index.admit(ids, index.featurizer.take(found.vectors), dense, post=False, days=days)
            near = found.near
        self.table.add_articles(days)
        moved = self._settle(first, near, [(a.id, index.by_id[a.duplicate_of], _ordinal(a)) for a in copies])  # type: ignore[index]
        out = {a.id: self.story_of(a.id) for a in batch if a.id in index}
        return {**out, **{aid: self.story_of(aid) for aid in moved}}  # type: ignore[dict-item]

    def _settle(self, first: int, near: list[list[tuple[int, float]]], copies: list[tuple[str, int, int | None]]) -> set[str]:
        """Group the articles from ``first`` on, just taken in, as one batch
        (steps 3 to 6 of the module docstring), given each one's nearest
        neighbours; ``copies`` (id, index of the original, day) join their
        originals' stories. Returns the ids of earlier articles that moved."""
        batch_idx = list(range(first, len(self.index)))
        followers = self._near_copies(batch_idx, near)
        edges = {}
        for i, e in zip(batch_idx, near):
            if i not in followers:
                # ``r`` reads the ``neighbours`` nearest places, where a near-copy's
                # counts nothing. Filled from farther down instead, it rose on
                # corpora of rewrites and cost recall (ECB+ with one rewrite of
                # each article: 0.878 -> 0.854).
                self._set_top(i, e[: self.config.neighbours])
                edges[i] = self._edges(i, e)
        self._raise_hubness(edges, first)
        n_stories = self.table.n_stories
        self._group([i for i in batch_idx if i not in followers], edges)
        moved = self._reconsider(edges, first)
        for i in followers:
            self._follow(i)
        for copy in copies:
            self._add_copy(*copy)
        moved |= self._refine_touched(first, n_stories)
        self._spill()
        return moved

    def _near_copies(self, batch_idx: list[int], near: list[list[tuple[int, float]]]) -> set[int]:
        """The batch's articles that follow an earlier one as near-copies (see the
        module docstring), each with ``original`` set to the article it follows."""
        table = self.table
        out: set[int] = set()
        own: dict[int, float] = {}  # self-similarities, each scored once a batch

        def self_similarity(k: int) -> float:
            if k not in own:
                own[k] = self.index.self_similarity(k)
            return own[k]

        for i, e in zip(batch_idx, near):
            # Only earlier neighbours can be followed (so no cycle), but not only
            # the nearest: of five versions of one text, each one's nearest is as
            # likely to come after it as before, and half of them stayed apart.
            best, best_ratio = None, self.config.near_copy
            di = table.day(i)
            for j, sim in e:
                if j >= i:
                    continue
                dj = table.day(j)
                if di is not None and dj is not None and abs(di - dj) > self.config.window_days:
                    continue  # the same text years apart (a republished piece) is another story's
                both = self_similarity(i) * self_similarity(j)
                if both > 0 and (ratio := sim / math.sqrt(both)) >= best_ratio:
                    best, best_ratio = j, ratio
            if best is not None:
                table.original[i] = table.root(best)
                out.add(i)
        return out

    def _follow(self, i: int) -> None:
        """Put a near-copy in the story of the article it follows, as a copy is put."""
        table = self.table
        original = table.original[i]
        s = table.story[i] = table.live_of(original)
        table.copies.setdefault(original, []).append(i)
        insort(table.open(s).members, i)

    def _add_copy(self, article_id: str, original: int, day: int | None) -> None:
        table = self.table
        s = table.live_of(original)
        i = self.index.admit_empty([article_id], [day])
        table.add_articles([day], story=s, original=original)
        table.copies.setdefault(original, []).append(i)
        table.add_member(s, i)  # a copy's original may be in a spilled story: it joins it there

    def _embed(self, articles: list[Article]) -> "np.ndarray | None":
        if self.embedder is None or not articles:
            return None
        return self.embedder.embed([embed_text(a) for a in articles])

    # ------------------------------------------------------------ neighbours

    def _edges(self, i: int, near: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The first ``config.neighbours`` neighbours that stand for different originals
        other than the article's own. Five versions of one text otherwise take
        each other's places, and the text never meets another outlet's."""
        out: list[tuple[int, float]] = []
        seen = {i}
        for j, sim in near:
            root = self.table.root(j)
            if root not in seen:
                seen.add(root)
                out.append((j, sim))
                if len(out) == self.config.neighbours:
                    break
        return out

    def _set_top(self, i: int, near: list[tuple[int, float]]) -> None:
        """An article's hubness ``r`` from its nearest neighbours (``neighbours`` >= ``r_neighbours`` of them when it has so many)."""
        table, k = self.table, self.config.r_neighbours
        # A near-copy repeats the article it follows: counted, it would count one text twice.
        top = [s for j, s in near if table.linked(j)][:k]
        table.set_top(i, top)
        table.r[i] = sum(top) / k

    def _raise_hubness(self, edges: dict[int, list[tuple[int, float]]], first: int) -> None:
        """Let earlier articles learn of closer neighbours that arrived after them.

        An article's ``r`` is measured when it arrives, against what is there
        then: in a stream of small batches the first articles of a topic meet
        few of their kind, keep a low ``r`` and so a low bar, and pull later
        articles of other events of the topic into their story. Articles of
        the same batch have already seen each other (``first`` is the batch's
        first index), so only older ones are updated. ``r`` only rises.
        """
        table, k = self.table, self.config.r_neighbours
        for near in edges.values():
            for j, sim in near:
                if j >= first or not table.linked(j):
                    continue  # a near-copy is out of the linkage
                top = table.top(j)
                if len(top) == k and sim <= top[-1]:
                    continue
                top = sorted([*top, sim], reverse=True)[:k]
                table.set_top(j, top)
                r = sum(top) / k
                if r > table.r[j]:
                    table.open(table.live_of(j)).r_sum += r - table.r[j]
                    table.r[j] = r

    # ------------------------------------------------------------ grouping

    def _group(self, batch_idx: list[int], edges: dict[int, list[tuple[int, float]]]) -> None:
        table = self.table
        nodes: dict[int, Node] = {}
        key_of_art: dict[int, int] = {}
        key_of_story: dict[int, int] = {}
        for i in batch_idx:
            key_of_art[i] = len(nodes)
            nodes[len(nodes)] = self._article_node(i)
        pairs: dict[tuple[int, int], float | None] = {}
        for i, near in edges.items():
            for j, sim in near:
                if not table.linked(j):
                    j, sim = table.root(j), None  # a near-copy stands for the article it follows
                    if j == i:
                        continue
                if j in key_of_art:
                    pairs.setdefault((key_of_art[i], key_of_art[j]), sim)
                    continue
                s = table.live_of(j)
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
        store, day = self.index.vectors, self.table.day(i)
        pen = store.present(i) if store.n_present else None  # zeros too: a story's sums add them
        return Node([i], store.idx(i), store.val(i), store.dense(i), self.table.r[i], day, day, pen=pen)

    def _story_node(self, s: int) -> Node:
        st = self.table.open(s)
        # Only the count matters to the linkage; the real list stays with the story.
        return Node([], st.idx, st.val, st.dense, st.r_sum, st.lo, st.hi, story=s, pen=st.pen, unlisted=st.n, inner=st.inner)

    def _absorb(self, keep: int, drop: int) -> None:
        table = self.table
        k, d = table.open(keep), table.open(drop)
        k.absorbed.extend([d.id, *d.absorbed])
        k.members = sorted(k.members + d.members)
        for m in d.members:
            table.story[m] = keep
        d.members = []  # the survivor scores the absorbed members as new ones
        table.close(drop, into=keep)
        self._cached.pop(drop, None)

    def _commit(self, node: Node) -> int:
        """Write a surviving node back as a new story or into its story; returns the story."""
        table = self.table
        new_members = node.members
        s = table.new_record(node.idx, node.val, node.dense) if node.story is None else node.story
        st = table.open(s)
        if new_members:  # a story's list is kept sorted: untouched, it needs no new sort
            new_members = sorted(new_members)
            if not st.members or st.members[-1] < new_members[0]:
                st.members.extend(new_members)  # a batch's articles come after the story's: no sort of the whole
            else:
                st.members = sorted(set(st.members) | set(new_members))
        # A story of one article has that article's arrays: copied, not views, so that
        # a segment of the vector store can be freed once its articles are spilled.
        st.idx, st.val, st.dense = _owned(node.idx), _owned(node.val), node.dense
        st.r_sum, st.n, st.lo, st.hi, st.pen, st.inner = node.r_sum, node.n, node.lo, node.hi, node.pen, node.inner
        for m in new_members:
            table.story[m] = s
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
        table, ids = self.table, self.index.ids
        moved: set[str] = set()
        checked: set[tuple[int, int]] = set()
        for i, near in edges.items():
            for j, _ in near:
                if j >= first or not table.linked(j):
                    continue  # the batch's own articles were just grouped together; a near-copy follows its original
                to, frm = table.live_of(i), table.live_of(j)
                if to == frm or table.open(frm).n < 2 or (j, to) in checked:
                    continue
                checked.add((j, to))
                here = self._article_node(j)
                gain = score(here, self._story_node(to), self.params)
                if gain >= self.params.threshold and gain > self._stay_score(here, frm):
                    self._move(j, frm, to)
                    moved.update(ids[m] for m in (j, *table.followers(j)))
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
        members = [self._article_node(m) for m in self.table.open(s).members if self.table.linked(m)]
        return similarity_sum(own, own, self.params) - sum(similarity_sum(x, x, self.params) for x in members)

    def _similarity_to_rest(self, here: Node, own: Node) -> float:
        """Summed similarity of a member to the other members of its story."""
        return similarity_sum(here, own, self.params) - similarity_sum(here, here, self.params)

    def _move(self, j: int, frm: int, to: int) -> None:
        table = self.table
        copies = table.followers(j)
        src, here = table.open(frm), self._article_node(j)
        src.inner -= 2.0 * self._similarity_to_rest(here, self._story_node(frm))
        idx, val = add_sorted(src.idx, src.val, here.idx, -here.val)
        keep = val != 0  # the article's own terms leave the story's sum
        src.idx, src.val = idx[keep], val[keep]
        src.dense = src.dense if src.dense is None or here.dense is None else src.dense - here.dense
        src.pen = src.pen if src.pen is None or here.pen is None else src.pen - here.pen
        src.r_sum -= here.r_sum
        src.n -= 1
        gone = {j, *copies}
        src.members = [m for m in src.members if m not in gone]
        days = [d for m in src.members if table.linked(m) and (d := table.day(m)) is not None]
        src.lo, src.hi = min(days, default=None), max(days, default=None)
        dst = self._story_node(to)
        self._commit(merge_nodes(dst, here, similarity_sum(dst, here, self.params)))
        if copies:
            dst_record = table.open(to)
            dst_record.members = sorted(dst_record.members + copies)
            for m in copies:
                table.story[m] = to

    # ------------------------------------------------------------ refinement

    def _refine_touched(self, first: int, n_stories: int) -> set[str]:
        """Group afresh the earlier stories that the batch's articles are in; returns the ids of
        the earlier articles that split off.

        ``first`` is the batch's first article index, ``n_stories`` the number
        of stories before it: a story made of the batch alone was just grouped,
        and one that gained only copies groups as before.
        """
        table, has = self.table, self.index.vectors.has
        touched = {table.live_of(i) for i in range(first, len(self.index)) if has(i)}
        ids = self.index.ids
        return {ids[m] for s in sorted(t for t in touched if t < n_stories) for m in self._refine(s, first) if m < first}

    def _refine(self, s: int, first: int) -> list[int]:
        """Group a story's members afresh; parts that do not join become new stories.

        The part with most members from before the batch (``first``) keeps
        the story, then the larger, then the one with the earliest member.
        Copies follow their originals. Returns the articles that left.
        """
        import numpy as np

        c, table = self.config, self.table
        st = table.open(s)
        if st.n > c.refine_max:  # ``n`` counts the members in the linkage: no need to list them
            st.sims, st.known = {}, set()  # it is not grouped again: its pairs are not needed
            return []
        mem = [m for m in st.members if table.linked(m)]
        if not 2 <= len(mem) <= c.refine_max or sum(m >= first for m in mem) < (len(mem) - c.refine_always) / c.refine_every:
            return []
        # Every pair's similarity is given, so the linkage never reads a sum
        # vector: the nodes go without, and only the parts of a split get theirs.
        none_idx, none_val = np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        nodes = [Node([m], none_idx, none_val, None, table.r[m], day, day) for m in mem for day in (table.day(m),)]
        sims = self._member_pairs(st, mem)
        self._keep_cached(s)
        # ``mem`` is sorted, so (k, d) with k < d is the pair (mem[k], mem[d]) in ``sims``.
        given = {(k, d): sims[(lo, hi)] for k, lo in enumerate(mem) for d, hi in enumerate(mem[k + 1 :], k + 1)}
        survivors = agglomerate_given(nodes, given, self.params)
        if len(survivors) == 1:
            return []
        parts = sorted(survivors, key=lambda nd: (-sum(m < first for m in nd.members), -nd.n, min(nd.members)))
        for node in parts:
            self._fill_sums(node)
        copies = [m for m in st.members if not table.linked(m)]  # and near-copies
        st.members = []
        parts[0].story = s
        for node in parts:  # the first writes the story back, the others become new stories
            t = self._commit(node)
            part, inside = table.open(t), set(node.members)
            part.sims = {p: v for p, v in sims.items() if p[0] in inside and p[1] in inside}
            part.known = inside
            self._keep_cached(t)
        for m in copies:
            t = table.story[table.root(m)]  # its original was just written back into a part
            table.story[m] = t
            insort(table.open(t).members, m)
        return [m for m in (*mem, *copies) if table.story[m] != s]

    def _keep_cached(self, s: int) -> None:
        """Mark story s's pair similarities as the latest used; drop the least recently used
        stories' beyond ``config.cached_stories`` (a story grouped again scores them anew)."""
        cached = self._cached
        cached.pop(s, None)
        cached[s] = None
        while len(cached) > self.config.cached_stories:
            old = next(iter(cached))
            del cached[old]
            record = self.table.open(old)
            record.sims, record.known = {}, set()

    def _member_pairs(self, st: Any, mem: list[int]) -> dict[tuple[int, int], float]:
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
                for lo, sim in zip(lower, self.index.similarities(hi, lower).tolist()):
                    cache[(lo, hi)] = sim
        st.known = set(mem)
        return cache

    def _fill_sums(self, node: Node) -> None:
        """Give a node built without sum vectors the sums of its members' vectors."""
        import numpy as np

        store = self.index.vectors
        idx, val = store.gather(node.members)
        node.idx, node.val = add_vectors(np.concatenate(idx), np.concatenate(val), node.idx, node.val)
        pens = [store.present(m) for m in node.members] if store.n_present else []
        node.pen = sum(pens[1:], pens[0]) if pens else None
        dense = [store.dense(m) for m in node.members]
        if all(d is not None for d in dense):
            node.dense = np.sum(dense, axis=0)

    # ------------------------------------------------------------ spilling

    def _spill(self) -> None:
        """Spill the stories that no article can join any more: every member is
        forgotten by the neighbour index (``NeighbourIndex.searchable``), so no
        search finds one, and the copy index forgets them alike (``CopyIndex.forget_window``),
        so no copy of one joins either (one that came while the copy index still
        held its original joins the story spilled). A spilled story keeps its id,
        members, absorbed ids and scalars; its sum vectors, pair similarities and
        its members' vectors leave memory. What it would be is what it is: spilling
        changes no story, only what memory holds (``tests/test_cluster_spill.py``).

        The stories are looked over when the clock has moved by a twentieth of
        ``hot_articles`` or by a day since the last look: a story spilled a little
        late costs only memory, for a while.
        """
        index, c = self.index, self.config
        hot_from, horizon = index.hot_from, index.horizon
        last_from, last_horizon = self._spill_clock
        if not hot_from or (hot_from - last_from < max(1, c.hot_articles // 20) and horizon <= last_horizon):
            return
        self._spill_clock = (hot_from, horizon)
        table, has, searchable = self.table, index.vectors.has, index.searchable
        for s, st in table.open_stories():  # the open ones only: a spilled story stays spilled
            if (
                st.members and st.members[-1] < hot_from and (st.hi is None or st.hi < horizon)
                # A near-copy keeps its vector for the search, and its day counts in no
                # ``hi``: dated up to ``window_days`` after the one it follows, it is still
                # found after them. Spilled before it, its story was found (by a worker's
                # search, which holds the vectors its clock holds) and could not be joined.
                and not any(searchable(m) for m in st.members if not table.linked(m) and has(m))
            ):
                self._spill_story(s)

    def _spill_story(self, s: int) -> None:
        self.index.vectors.drop(self.table.open(s).members)
        self.table.close(s)
        self._cached.pop(s, None)
        self.spilled.append(s)

    # ------------------------------------------------------------ answers

    def story_of(self, article_id: str) -> str | None:
        i = self.index.by_id.get(article_id)
        return None if i is None else self.table.id_of(self.table.live_of(i))

    def stories(self) -> list[Story]:
        """Live stories, in order of creation; articles in arrival order."""
        return self.table.stories(self.index.ids)

    def __len__(self) -> int:
        return len(self.index)

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to go on clustering later (JSON-ready; see ``state``).

        The embedder itself is not saved: pass the same one to ``from_dict``.
        """
        from newsprism.cluster.state import clusterer_to_dict

        return clusterer_to_dict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], embedder: "Embedder | None" = None) -> "StoryClusterer":
        """A clusterer saved by ``to_dict`` (of any version); ``embedder`` must be of
        the kind it was made with (the saved vectors and calibration are that embedder's)."""
        from newsprism.cluster.state import clusterer_from_dict

        return clusterer_from_dict(d, embedder)



def cluster_stories(articles: list[Article], embedder: "Embedder | None" = None) -> list[Story]:
    """Set ``Article.story`` on every article and return the stories."""
    clusterer = StoryClusterer(embedder)
    clusterer.add(articles)
    for a in articles:
        a.story = clusterer.story_of(a.id)
    return clusterer.stories()


def _name(embedder: "Embedder | None") -> str | None:
    return None if embedder is None else embedder.name


def embed_text(a: Article) -> str:
    return f"{a.title}\n{a.text}" if a.title else a.text


def _owned(a: "np.ndarray") -> "np.ndarray":
    """The array itself, or a copy of it if it is a view of another."""
    return a if a.base is None else a.copy()


def _ordinal(a: Article) -> int | None:
    day = a.published_day
    return day.toordinal() if day else None
