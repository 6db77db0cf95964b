"""Copies and stories for a whole corpus, batch by batch, with state kept."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from newsprism.cluster.clusterer import StoryClusterer
from newsprism.cluster.features import TermBatch, count_terms
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
    """The per-article work of one batch and the copies found in it, done by the copy stage."""

    prints: list[Fingerprint]
    matches: list[str | None]  # per article, as ``CopyIndex.add`` returns them
    terms: TermBatch  # of the articles at positions ``counted``: those that are no copy
    counted: list[int]


class _Texts(NamedTuple):
    """What the copy stage is sent of an article: its strings and the fields the copy index keeps."""

    id: str
    title: str | None
    text: str
    body: str
    published: str | None
    outlet_id: str | None
    syndicated_from: str | None


class CopyStage:
    """A copy index that searches each batch for copies, and does the batch's
    per-article work (fingerprints, term counts) on the way: a stage, since
    the index must see every batch, in order.
    """

    def __init__(self, copies: CopyIndex) -> None:
        self.copies = copies

    def search(self, batch: list[_Texts]) -> Searched:
        prints = fingerprints([t.body for t in batch])
        matches = self.copies.add(batch, prints)
        # A copy joins its original's story, so only the others' terms are needed.
        counted = [k for k, t in enumerate(batch) if self.copies.original_of(t.id) is None]
        return Searched(prints, matches, count_terms([batch[k] for k in counted]), counted)


def _texts(batch: list[Article]) -> list[_Texts]:
    return [_Texts(a.id, a.title, a.text, body_text(a), a.published, a.outlet_id, a.syndicated_from) for a in batch]


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
    after the first batch a copy of the copy index runs as a stage of the
    engine (``CopyStage``): it searches each later batch for copies and
    counts its terms, a batch or two ahead, while this process clusters;
    ``copies`` takes its answers without searching again. Either way only
    the originals' terms are counted.
    """
    moved: dict[str, str] = {}
    starts = range(0, len(articles), batch_size)

    def cluster(batch: list[Article], terms: TermBatch | None = None, counted: list[int] | None = None) -> None:
        apply_copies(batch, copies)
        moved.update(clusterer.add(batch, terms, counted))
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
        # The stage starts from the index as it is now, and searches the later
        # batches while this process clusters the first.
        with engine.stage(CopyStage(copies)) as stage:
            later = stage.calls("search", (_texts(articles[k : k + batch_size]) for k in starts[1:]))
            cluster(first)
            for k, found in zip(starts[1:], later):
                batch = articles[k : k + batch_size]
                copies.add(batch, found.prints, found.matches)
                cluster(batch, found.terms, found.counted)
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
