"""Copies and stories for a whole corpus, batch by batch, with state kept."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from newsprism.cluster.clusterer import StoryClusterer
from newsprism.cluster.features import TermBatch, count_terms
from newsprism.dedup import CopyIndex, apply_copies
from newsprism.dedup.index import Fingerprint, fingerprints
from newsprism.dedup.shingles import body_text
from newsprism.engine import batched
from newsprism.errors import InputError
from newsprism.model import Article

if TYPE_CHECKING:
    from newsprism.cluster.embedders import Embedder
    from newsprism.engine import Engine

BATCH = 1000


@dataclass(slots=True)
class Prepared:
    """The per-article work of one batch, done before the stateful steps."""

    prints: list[Fingerprint]
    terms: TermBatch


class _Texts(NamedTuple):
    """What a worker is sent of an article: its strings, not the parsed article."""

    title: str | None
    text: str
    body: str


def prepare(texts: list[_Texts]) -> Prepared:
    """Fingerprints and term counts of a batch: a pure function, run by the engine."""
    return Prepared(fingerprints([t.body for t in texts]), count_terms(texts))


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

    Without an engine, everything runs here and only the originals' terms
    are counted; with one (``ProcessEngine``), the per-article work of each
    batch after the first (``prepare``) runs on it, ahead of the copy index
    and the clusterer, which take the same steps on its results.
    """
    moved: dict[str, str] = {}
    batches = list(batched(articles, batch_size))
    prepared: Iterable[Prepared | None] = [None] * len(batches)
    if engine is not None and len(batches) > 1:
        # The first batch is done here while the engine starts on the next ones.
        later = engine.map(prepare, ([_Texts(a.title, a.text, body_text(a)) for a in b] for b in batches[1:]))
        prepared = chain([None], later)
    for batch, prep in zip(batches, prepared):
        copies.add(batch, prep.prints if prep else None)
        apply_copies(batch, copies)
        moved.update(clusterer.add(batch, prep.terms if prep else None))
        if on_batch:
            on_batch(len(batch))
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
