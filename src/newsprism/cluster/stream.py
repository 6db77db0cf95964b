"""Copies and stories for a whole corpus, batch by batch, with state kept."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from newsprism.cluster.clusterer import Found, StoryClusterer
from newsprism.cluster.features import TermBatch, Texts, count_terms
from newsprism.dedup import CopyIndex, apply_copies
from newsprism.dedup.index import Fingerprint, fingerprints
from newsprism.dedup.shingles import body_text
from newsprism.errors import InputError
from newsprism.model import Article

if TYPE_CHECKING:
    from newsprism.cluster.embedders import Embedder
    from newsprism.engine import Engine

BATCH = 1000


@dataclass(slots=True)
class Searched:
    """The per-article work of one batch and the copies found in it, done by the search stage."""

    matches: list[str | None]  # per article, as ``CopyIndex.add`` returns them
    # Of the articles at positions ``counted``, those that are no copy: their term
    # counts, or when the stage runs the stories' neighbour search, what it found
    # (with their vectors, so the counts are not sent).
    terms: TermBatch | None
    counted: list[int]
    found: Found | None


class _Texts(NamedTuple):
    """What the search stage is sent of an article: its strings, its copy
    fingerprint (made in the sending process, since the stage is the busier
    of the two) and the fields the copy index keeps."""

    id: str
    title: str | None
    text: str
    print: Fingerprint | None
    published: str | None
    outlet_id: str | None
    syndicated_from: str | None


class _Ref(NamedTuple):
    """What ``StoryClusterer.search`` reads of an article."""

    id: str
    duplicate_of: str | None


class _Work(NamedTuple):
    """One call of the search stage: a batch to search, and maybe one to take in first
    (``StoryClusterer.take``'s arguments: the batch the copy index holds already, but
    the stage's clusterer not yet, since this process clusters it while the stage starts)."""

    texts: list[_Texts]
    taken: tuple[list[_Ref], TermBatch, list[int]] | None = None


class SearchStage:
    """The searches of each batch that need only what earlier batches held,
    never the stories: a copy of the copy index looks for copies, and a copy
    of the clusterer's blocking index (``StoryClusterer.searcher``) finds each
    new article's nearest neighbours; the per-article work (fingerprints,
    term counts) is done on the way. A stage, since both indexes must see
    every batch, in order.
    """

    def __init__(self, copies: CopyIndex, neighbours: StoryClusterer | None = None) -> None:
        self.copies = copies
        self.neighbours = neighbours

    def search(self, work: "_Work") -> Searched:
        if work.taken is not None and self.neighbours is not None:
            self.neighbours.take(*work.taken)
        batch = work.texts
        matches = self.copies.add(batch, [t.print for t in batch])  # type: ignore[misc]
        refs, terms, counted = self._originals(batch)
        if self.neighbours is None:
            return Searched(matches, terms, counted, None)
        return Searched(matches, None, counted, self.neighbours.search(refs, terms, counted))

    def _originals(self, batch: list[_Texts]) -> tuple[list[_Ref], TermBatch, list[int]]:
        return _counted(batch, [_Ref(t.id, self.copies.original_of(t.id)) for t in batch])


def _counted(batch: Sequence[Texts], refs: list[_Ref]) -> tuple[list[_Ref], TermBatch, list[int]]:
    """The batch as the clusterer reads it (``refs``), and the term counts of the articles that
    are no copy, with their positions: a copy joins its original's story, so only the others'
    terms are needed."""
    counted = [k for k, r in enumerate(refs) if r.duplicate_of is None]
    return refs, count_terms([batch[k] for k in counted]), counted


def _texts(batch: list[Article], prints: list[Fingerprint] | None = None) -> list[_Texts]:
    return [
        _Texts(a.id, a.title, a.text, None if prints is None else prints[k], a.published, a.outlet_id, a.syndicated_from)
        for k, a in enumerate(batch)
    ]


def group_corpus(
    articles: list[Article],
    copies: CopyIndex,
    clusterer: StoryClusterer,
    batch_size: int = BATCH,
    on_batch: Callable[[int], None] | None = None,
    engine: "Engine | None" = None,
) -> dict[str, str]:
    """Mark copies and assign stories, ``batch_size`` articles at a time.

    Copies are marked before each batch is clustered, so a copy joins its
    original's story; at the end copy links are refreshed for all articles,
    since an original may arrive after its copies. Returns the articles the
    clusterer held from before (a saved state) that moved to another story,
    with the story they are in now.

    Without an engine, everything runs here. With one (``ProcessEngine``),
    after the first batch the searches run as a stage of the engine
    (``SearchStage``), a batch or two ahead, while this process clusters:
    a copy of the copy index searches each later batch for copies and counts
    its terms, and (unless the clusterer has an embedder, whose model stays
    in this process) a copy of the clusterer's blocking index finds the
    batch's nearest neighbours. ``copies`` takes the matches without
    searching again and ``clusterer`` the neighbours. Either way only the
    originals' terms are counted, and the stories are the same.
    """
    moved: dict[str, str] = {}
    starts = range(0, len(articles), batch_size)

    def cluster(
        batch: list[Article], terms: TermBatch | None = None, counted: list[int] | None = None, found: Found | None = None
    ) -> None:
        apply_copies(batch, copies)
        moved.update(clusterer.add(batch, terms, counted, found))
        if on_batch:
            on_batch(len(batch))

    if engine is None or len(starts) < 2:
        for k in starts:
            batch = articles[k : k + batch_size]
            copies.add(batch)
            cluster(batch)
    else:
        first = articles[:batch_size]
        copies.add(first)
        apply_copies(first, copies)
        # The stage starts from the indexes as they are now, and searches the
        # later batches while this process clusters the first.
        neighbours = clusterer.searcher() if clusterer.embedder is None else None
        sent: deque[list[Fingerprint]] = deque()

        def later_batches(taken: tuple[list[_Ref], TermBatch, list[int]] | None) -> Iterator[_Work]:
            for k in starts[1:]:
                batch = articles[k : k + batch_size]
                sent.append(fingerprints([body_text(a) for a in batch]))
                yield _Work(_texts(batch, sent[-1]), taken)
                taken = None

        with engine.stage(SearchStage(copies, neighbours)) as stage:
            # The first batch's terms are counted once, while the stage starts, for
            # both this process and the stage's clusterer, which has to take it in.
            refs, terms, counted = _counted(first, [_Ref(a.id, a.duplicate_of) for a in first])
            later = stage.calls("search", later_batches(None if neighbours is None else (refs, terms, counted)))
            cluster(first, terms, counted)
            for k, found in zip(starts[1:], later):
                batch = articles[k : k + batch_size]
                copies.add(batch, sent.popleft(), found.matches)
                cluster(batch, found.terms, found.counted, found.found)
    apply_copies(articles, copies)
    for a in articles:
        a.story = clusterer.story_of(a.id)
    given = {a.id for a in articles}
    return {aid: clusterer.story_of(aid) for aid in moved if aid not in given}  # type: ignore[misc]


def load_state(path: Path | None, embedder: "Embedder | None") -> tuple[CopyIndex, StoryClusterer]:
    """The copy index and clusterer saved at ``path``, or fresh ones."""
    if path is None or not path.exists():
        return CopyIndex(), StoryClusterer(embedder)
    try:
        d: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return CopyIndex.from_dict(d["copies"]), StoryClusterer.from_dict(d["clusterer"], embedder)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InputError(f"{path}: not a newsprism cluster state ({e})") from e


def save_state(path: Path, copies: CopyIndex, clusterer: StoryClusterer) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps({"copies": copies.to_dict(), "clusterer": clusterer.to_dict()}), encoding="utf-8")
    tmp.replace(path)  # never leave a half-written state behind


def make_embedder(spec: str) -> "Embedder | None":
    """The embedder a command-line name stands for (tfidf is the built-in default);
    ``minilm:DIR`` or ``model2vec:DIR`` loads that model from a local directory."""
    from newsprism.cluster import embedders

    name, _, path = spec.partition(":")
    choices: dict[str, Callable[..., Embedder | None]] = {
        "tfidf": lambda **_: None,
        "minilm": embedders.MiniLMEmbedder,
        "model2vec": embedders.Model2VecEmbedder,
    }
    if name not in choices or (path and name == "tfidf"):
        raise InputError(f"unknown embedder {spec!r}; choose one of {', '.join(choices)} (minilm and model2vec take :DIR)")
    return choices[name](model_path=path) if path else choices[name]()
