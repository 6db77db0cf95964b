"""Copies and stories for a whole corpus, batch by batch, with state kept."""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

from newsprism.cluster.clusterer import StoryClusterer
from newsprism.cluster.features import TermBatch, count_terms
from newsprism.cluster.index import Found, NeighbourIndex
from newsprism.cluster.state import thawed_after
from newsprism.dedup import CopyIndex, apply_copies
from newsprism.model import Article

if TYPE_CHECKING:
    import datetime as dt

    from newsprism.engine import Engine



@dataclass(slots=True)
class Searched:
    """What the search stage did for the articles of a batch that are no copy:
    their term counts, or when it runs the stories' neighbour search, what it
    found (with their vectors, so the counts are not sent)."""

    terms: TermBatch | None
    found: Found | None


class _Texts(NamedTuple):
    """What the search stage reads of an article that is no copy: its strings."""

    title: str | None
    text: str


class _Ref(NamedTuple):
    """What ``NeighbourIndex.search`` reads of an article."""

    id: str
    duplicate_of: str | None
    published_day: "dt.date | None"


class _Work(NamedTuple):
    """One call of the search stage: a batch as the clusterer reads it, the strings
    of its articles that are no copy, in order, and maybe a batch to take in first
    (``NeighbourIndex.take``'s arguments: the stage's index starts before this
    process has clustered the first batch)."""

    refs: list[_Ref]
    texts: list[_Texts]
    taken: tuple[list[_Ref], TermBatch, list[int]] | None = None


class SearchStage:
    """The per-article work of each batch that needs only what earlier batches
    held, never the stories: the term counts of the articles that are no copy,
    and their nearest neighbours, found by a copy of the clusterer's neighbour
    index. A stage, since that index must see every batch, in order.
    """

    def __init__(self, neighbours: NeighbourIndex | None = None) -> None:
        self.neighbours = neighbours

    def search(self, work: _Work) -> Searched:
        terms = count_terms(work.texts)
        if self.neighbours is None:
            return Searched(terms, None)
        if work.taken is not None:
            self.neighbours.take(*work.taken)
        found = self.neighbours.search(work.refs, terms, _originals(work.refs))
        self.neighbours.forget()  # this copy only searches: what it no longer finds, it need not hold
        gc.freeze()  # see state.thawed_after: the index keeps what it took in
        return Searched(None, found)


def _refs(batch: list[Article]) -> list[_Ref]:
    return [_Ref(a.id, a.duplicate_of, a.published_day) for a in batch]


def _originals(refs: Sequence[_Ref]) -> list[int]:
    """Positions of the articles that are no copy: only their terms are counted, since a copy
    joins its original's story."""
    return [k for k, r in enumerate(refs) if r.duplicate_of is None]


def group_corpus(
    articles: list[Article],
    copies: CopyIndex,
    clusterer: StoryClusterer,
    batch_size: int | None = None,
    on_batch: Callable[[int], None] | None = None,
    engine: "Engine | None" = None,
) -> dict[str, str]:
    """Mark copies and assign stories, ``batch_size`` articles at a time
    (default: the clusterer's ``config.batch``; see ``group_batches``).

    At the end copy links are refreshed for all articles, since an original
    may arrive after its copies, and each article's ``story`` is set.
    Returns the articles the clusterer held from before (a saved state) that
    moved to another story, with the story they are in now.
    """
    batch_size = batch_size or clusterer.config.batch
    moved = group_batches(
        (articles[k : k + batch_size] for k in range(0, len(articles), batch_size)), copies, clusterer, on_batch, engine
    )
    # What the index forgot (cold stories' articles) keeps what it was found to be.
    apply_copies([a for a in articles if a.id in copies], copies)
    for a in articles:
        a.story = clusterer.story_of(a.id)
    given = {a.id for a in articles}
    return {aid: clusterer.story_of(aid) for aid in moved if aid not in given}  # type: ignore[misc]


def group_batches(
    batches: Iterable[list[Article]],
    copies: CopyIndex,
    clusterer: StoryClusterer,
    on_batch: Callable[[int], None] | None = None,
    engine: "Engine | None" = None,
) -> dict[str, str]:
    """Mark copies and assign stories, batch after batch, as the batches come
    (a stream holds one batch at a time); returns every article that moved
    to another story after it was first placed, with the story it moved to
    (which may since have merged into another: ``clusterer.story_of`` says).

    Copies are marked (``duplicate_of``) before each batch is clustered, so a
    copy joins its original's story.

    Without an engine, everything runs here. With one (``ProcessEngine``),
    after the first batch the per-article work that needs no stories runs
    as a stage of the engine (``SearchStage``), a batch or two ahead, while
    this process clusters: term counts and (unless the clusterer has an
    embedder, whose model stays in this process) the neighbour search on a
    copy of the clusterer's neighbour index, whose vectors the clusterer
    takes in. The copy search stays here, just before a batch is sent,
    since the stage needs to know the copies. Either way only the
    originals' terms are counted, and the stories are the same.
    """
    moved: dict[str, str] = {}
    copies.window = clusterer.config.hot_window  # the copy index forgets what the clusterer does

    def cluster(
        batch: list[Article], terms: TermBatch | None = None, counted: list[int] | None = None, found: Found | None = None
    ) -> None:
        moved.update(clusterer.add(batch, terms, counted, found))
        gc.freeze()  # see state.thawed_after
        if on_batch:
            on_batch(len(batch))

    def copies_of(batch: list[Article]) -> list[Article]:
        copies.add(batch)
        apply_copies(batch, copies)
        return batch

    todo = iter(batches)
    with thawed_after():
        first = next(todo, None)
        second = None if first is None or engine is None else next(todo, None)
        if first is None:
            return moved
        if engine is None or second is None:
            for batch in chain([first], todo):
                cluster(copies_of(batch))
            return moved
        first = copies_of(first)
        # The stage starts from the clusterer as it is now, and works on the
        # later batches while this process clusters the first.
        neighbours = None
        if clusterer.embedder is None:
            clusterer.index.post_taken()  # the stage's copy must hold every article posted
            neighbours = clusterer.index
        sent: deque[tuple[list[Article], list[int]]] = deque()

        def later_batches(taken: tuple[list[_Ref], TermBatch, list[int]] | None) -> Iterator[_Work]:
            for batch in chain([second], todo):
                batch = copies_of(batch)
                refs = _refs(batch)
                sent.append((batch, _originals(refs)))
                yield _Work(refs, [_Texts(batch[i].title, batch[i].text) for i in sent[-1][1]], taken)
                taken = None

        with engine.stage(SearchStage(neighbours)) as stage:
            # The first batch's terms are counted once, while the stage starts, for
            # both this process and the stage's index, which has to take it in.
            refs = _refs(first)
            counted = _originals(refs)
            terms = count_terms([first[i] for i in counted])
            later = stage.calls("search", later_batches(None if neighbours is None else (refs, terms, counted)))
            cluster(first, terms, counted)
            for done in later:
                batch, counted = sent.popleft()
                cluster(batch, done.terms, counted, done.found)
    return moved
