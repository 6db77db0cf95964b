"""Measure story clustering on the dev sets in one process (for tuning).

    python scripts/tune_cluster.py [--sets ecbplus,basil,newswcl50,neus,neus_train] [--set FIELD=VALUE ...]

Reads ../shared/eval at run time, prepares each set once (cached under
/tmp/newsprism-tune), then runs dedup + clustering as ``newsprism eval cluster``
does and prints BCubed F1 per set. ``--set`` changes a setting of the
clusterer's configuration (``newsprism.cluster.ClusterConfig``, made with
``dataclasses.replace``): ``--set threshold=0.2``, ``--set
features.weights={...}`` for a setting of its ``FeatureConfig``; so a grid can
be run without editing the code. ``--halves`` also scores ECB+ on
the odd and even topics apart, as a guard against fitting one half; ``--pr``
adds BCubed precision and recall; ``--errors SET`` lists that set's merged and
split stories; ``--embedder minilm|model2vec[:PATH]`` mixes in a dense
embedder (a model2vec PATH is a local static model), whose vectors are kept
per text under ``--embed-cache`` so that a grid embeds each set once;
``--streams 1,2``
also scores each set as a stream of shuffled batches of 100 with those seeds
(as the stream gates of tests/test_cluster_quality.py do); ``--chunks N``
also clusters each set in N parts of whole stories (in story order) and
prints their mean and each part's F1: ``--sets neus_train --chunks 8`` gives
eight sets the size of NeuS val, that no configuration was tuned on (their
mean measured 0.899 when NeuS val measured 0.884); ``--rewrites K`` also
scores each set with K light rewrites of each article mixed in (shuffled, in
batches of 1,000), made as bench/bench_cluster.py perturbs its corpus
without another article's tail: near-copies that the copy finder mostly
does not take for copies. Delete the cache after changing the extract stage.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
import pickle
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
CACHE = Path("/tmp/newsprism-tune")
SETS = {
    "ecbplus": ("ecbplus/articles.jsonl", "ecbplus/gold_stories.jsonl"),
    "basil": ("basil/articles.jsonl", "basil/gold_stories.jsonl"),
    "newswcl50": ("newswcl50/articles.jsonl", "newswcl50/gold_stories.jsonl"),
    "neus": ("neus/val_articles.jsonl", "neus/val_gold_stories.jsonl"),
    "neus_train": ("neus/train_articles.jsonl", "neus/train_gold_stories.jsonl"),
}


def load(name: str):
    from newsprism.evaluation.clusters import read_labels
    from newsprism.extract import prepare_articles
    from newsprism.ingest import iter_inputs
    from newsprism.model import Article

    rel, gold = SETS[name]
    CACHE.mkdir(exist_ok=True)
    cached = CACHE / f"{name}.pkl"
    if cached.exists():
        articles = pickle.loads(cached.read_bytes())
    else:
        articles = prepare_articles([a for a in iter_inputs([str(SHARED / "eval" / rel)]) if isinstance(a, Article)])
        cached.write_bytes(pickle.dumps(articles))
    rows = [json.loads(line) for line in (SHARED / "eval" / gold).read_text().splitlines() if line.strip()]
    return articles, read_labels(SHARED / "eval" / gold)[0], rows


def run(articles, config, embedder=None, shuffle_seed: int | None = None, batch_size: int = 1000) -> dict[str, str | None]:
    import copy
    import random

    from newsprism.cluster import StoryClusterer
    from newsprism.cluster.stream import group_corpus
    from newsprism.dedup import CopyIndex

    articles = copy.deepcopy(articles)
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(articles)
    group_corpus(articles, CopyIndex(), StoryClusterer(embedder, config=config), batch_size=batch_size)
    return {a.id: a.story for a in articles}


class CachedEmbedder:
    """An embedder whose vectors are remembered on disk by text, for grids over the same sets.

    The model loads only when a text is missing from the cache.
    """

    def __init__(self, spec: str, directory: Path) -> None:
        import hashlib

        from newsprism.embedders import make_embedder

        model = make_embedder(spec)  # nothing loads until the first text
        self.name, self.calibration = model.name, model.calibration
        self.spec = spec
        self.path = directory / f"{hashlib.sha1(spec.encode()).hexdigest()[:12]}.pkl"
        self._inner = None
        self._vecs: dict[str, object] = pickle.loads(self.path.read_bytes()) if self.path.exists() else {}

    def embed(self, texts):
        import hashlib

        import numpy as np

        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = {k: t for k, t in zip(keys, texts) if k not in self._vecs}
        if missing:
            from newsprism.embedders import make_embedder

            self._inner = self._inner or make_embedder(self.spec)
            self._vecs.update(zip(missing, self._inner.embed(list(missing.values()))))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(pickle.dumps(self._vecs))
        return np.stack([self._vecs[k] for k in keys])


def bench():
    """bench/bench_cluster.py, whose corpus maker makes the rewrites."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_cluster", Path(__file__).resolve().parents[1] / "bench" / "bench_cluster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def configure(specs: list[str]) -> Any:
    """The default ``ClusterConfig`` with each ``FIELD=VALUE`` (``features.FIELD=VALUE``
    for a feature setting) replaced; values are Python literals."""
    from newsprism.cluster import ClusterConfig

    config = ClusterConfig()
    for spec in specs:
        target, _, value = spec.partition("=")
        section, _, name = target.rpartition(".")
        if section not in ("", "features"):
            raise SystemExit(f"--set {spec}: a setting is FIELD or features.FIELD")
        try:
            if section:
                config = dataclasses.replace(config, features=dataclasses.replace(config.features, **{name: ast.literal_eval(value)}))
            else:
                config = dataclasses.replace(config, **{name: ast.literal_eval(value)})
        except (TypeError, ValueError, SyntaxError) as e:
            raise SystemExit(f"--set {spec}: {e}") from e
    return config


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="ecbplus,basil,newswcl50,neus,neus_train")
    ap.add_argument("--set", action="append", default=[], help="FIELD=VALUE of the configuration (repeatable)")
    ap.add_argument("--halves", action="store_true")
    ap.add_argument("--pr", action="store_true", help="also print BCubed precision and recall")
    ap.add_argument("--errors", default="")
    ap.add_argument("--embedder", default="tfidf", help="tfidf, minilm, model2vec, or minilm|model2vec:PATH")
    ap.add_argument("--embed-cache", default="/tmp/newsprism-tune/embeddings", help="where vectors are kept per text")
    ap.add_argument("--streams", default="", help="seeds of shuffled streams in batches of 100, e.g. 1,2")
    ap.add_argument("--chunks", type=int, default=0, help="also cluster each set in this many parts of whole stories")
    ap.add_argument("--rewrites", type=int, default=0, help="also score each set with this many light rewrites of each article")
    args = ap.parse_args()
    config = configure(args.set)
    from newsprism.evaluation.clusters import score_clusters

    embedder = None if args.embedder == "tfidf" else CachedEmbedder(args.embedder, Path(args.embed_cache))

    out = {}
    for name in args.sets.split(","):
        articles, gold, rows = load(name)
        pred = run(articles, config, embedder)
        m = score_clusters(gold, pred)
        out[name] = round(m["bcubed_f1"], 4)
        if args.pr:
            out[f"{name}_pr"] = (round(m["bcubed_p"], 3), round(m["bcubed_r"], 3))
        if args.halves and name == "ecbplus":
            topics = sorted({r["topic"] for r in rows}, key=str)
            for half in (0, 1):
                keep = {r["id"] for r in rows if topics.index(r["topic"]) % 2 == half}
                sub = {k: v for k, v in gold.items() if k in keep}
                out[f"ecb_h{half}"] = round(score_clusters(sub, {k: pred[k] for k in sub})["bcubed_f1"], 4)
        for seed in filter(None, args.streams.split(",")):
            streamed = run(articles, config, embedder, shuffle_seed=int(seed), batch_size=100)
            out[f"{name}_stream{seed}"] = round(score_clusters(gold, streamed)["bcubed_f1"], 4)
        if args.chunks:
            parts = chunk_scores(articles, gold, config, embedder, args.chunks)
            out[f"{name}_chunks"] = (round(sum(parts) / len(parts), 4), parts)
        if args.rewrites:
            mixed, mixed_gold = bench().with_rewrites(articles, gold, args.rewrites)
            m = score_clusters(mixed_gold, run(mixed, config, embedder))
            out[f"{name}_rewrites{args.rewrites}"] = round(m["bcubed_f1"], 4)
            if args.pr:
                out[f"{name}_rewrites{args.rewrites}_pr"] = (round(m["bcubed_p"], 3), round(m["bcubed_r"], 3))
        if name == args.errors:
            dump_errors(articles, gold, pred)
    print(json.dumps(out))


def chunk_scores(articles, gold, config, embedder, n: int) -> list[float]:
    """BCubed F1 of each of n parts of whole stories, taken in story order, clustered apart."""
    from newsprism.evaluation.clusters import score_clusters

    stories = list(dict.fromkeys(gold[a.id] for a in articles if a.id in gold))
    size = -(-len(stories) // n)
    out = []
    for k in range(n):
        keep = set(stories[k * size : (k + 1) * size])
        part = [a for a in articles if gold.get(a.id) in keep]
        pred = run(part, config, embedder)
        out.append(round(score_clusters({a.id: gold[a.id] for a in part}, pred)["bcubed_f1"], 4))
    return out


def dump_errors(articles, gold, pred) -> None:
    from collections import defaultdict

    by_pred = defaultdict(list)
    for a in articles:
        by_pred[pred[a.id]].append(a)
    for sid, arts in by_pred.items():
        golds = {gold.get(a.id) for a in arts}
        if len(golds) > 1:
            print(f"== MERGED pred {sid}: gold {sorted(map(str, golds))}")
            for a in arts:
                print(f"   [{gold.get(a.id)}] {a.id}: {(a.title or '')[:90]} | {a.text[:150]!r}")
    by_gold = defaultdict(list)
    for a in articles:
        by_gold[gold.get(a.id)].append(a)
    for g, arts in by_gold.items():
        preds = {pred[a.id] for a in arts}
        if len(preds) > 1:
            print(f"== SPLIT gold {g}: pred {sorted(map(str, preds))}")
            for a in arts:
                print(f"   [{pred[a.id]}] {a.id}: {(a.title or '')[:90]} | {a.text[:150]!r}")


if __name__ == "__main__":
    main()
