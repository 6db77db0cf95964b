"""Speed and memory of copy detection + story clustering (`newsprism cluster`'s work).

    python bench/bench_cluster.py [--n 1000] [--embedder tfidf|minilm|model2vec[:PATH]] [--batch 1000] [--workers 0] [--state] [--among ecbplus|neus]

The corpus is made from the real dev articles under ../shared/eval (ECB+,
BASIL, NewsWCL50, NeuS train+val, PolNeAR), sampled with replacement and
perturbed so that no two are identical: 30% of sentences are dropped,
40% of another article's sentences are appended, a tenth of the words are swapped for fillers, and each article gets a publication day
spread over two years. About one in ten is a syndicated-style copy of an
earlier one (new byline, trimmed tail). Articles are segmented first
(``prepare_articles``, timed apart), then dedup and clustering run batch by
batch exactly as the command does; ``--workers 1`` runs the term counts,
vectors and neighbour search of each batch after the first in a worker
process (the search stage), as the command does by default on more than one batch. ``--state`` then
times an incremental run: the state saved and loaded, and the next 1,000
articles added to it. Run once per size (peak RSS is per process).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
SOURCES = (
    "ecbplus/articles.jsonl",
    "basil/articles.jsonl",
    "newswcl50/articles.jsonl",
    "neus/train_articles.jsonl",
    "neus/val_articles.jsonl",
    "polnear/train_articles.jsonl",
    "polnear/dev_articles.jsonl",
)
FILLERS = ("the", "also", "reportedly", "on", "new", "local")
GOLD = {  # the sets --among can score: articles, gold stories
    "ecbplus": ("ecbplus/articles.jsonl", "ecbplus/gold_stories.jsonl"),
    "neus": ("neus/val_articles.jsonl", "neus/val_gold_stories.jsonl"),
}


def base_rows(exclude: str | None = None) -> list[dict]:
    rows = []
    for rel in SOURCES:
        path = SHARED / "eval" / rel
        if exclude and rel == GOLD[exclude][0]:
            continue
        if path.exists():
            rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r.get("text")]
    if not rows:
        sys.exit(f"no articles under {SHARED / 'eval'}")
    return rows


def perturb(text: str, other: str, rng: random.Random) -> str:
    """Most of one article's sentences, a tail of another's (if given), a tenth of its words swapped.

    The dev sets hold about 10,000 articles, so a large corpus draws each many
    times. The swapped words keep two draws of one source from being copies
    of each other: few of the 5-word shingles they share survive in both.
    (With a fiftieth swapped, the copy finder rightly took a quarter of a
    10,000-article corpus and two thirds of a 100,000 one for copies, which
    skip the clustering: the larger sizes measured faster than they were.)
    """
    sentences = text.replace("\n", " \n ").split(". ")
    kept = [s for s in sentences if rng.random() > 0.3] or sentences[:1]
    tail = [s for s in other.replace("\n", " ").split(". ") if rng.random() < 0.4] if other else []
    words = ". ".join(kept + tail).split(" ")
    for _ in range(max(1, len(words) // 10)):
        words[rng.randrange(len(words))] = rng.choice(FILLERS)
    return " ".join(words).replace(" \n ", "\n")


def with_rewrites(articles: list, gold: dict, k: int) -> tuple[list, dict]:
    """The (prepared) articles and k light rewrites of each (``perturb`` without
    another's tail; ids ``ID~J``, in the story of the article rewritten),
    shuffled (seed 0); and the gold stories of them all. The copy finder
    takes few of them for copies: they test how near-copies are grouped."""
    from newsprism.extract import prepare_articles
    from newsprism.model import Article

    rng = random.Random(0)
    made = [
        Article(id=f"{a.id}~{j}", title=a.title, text=perturb(a.text, "", rng), outlet=a.outlet, published=a.published)
        for a in articles
        for j in range(1, k + 1)
    ]
    mixed = articles + prepare_articles(made)
    random.Random(0).shuffle(mixed)
    return mixed, {**gold, **{a.id: gold.get(a.id.rpartition("~")[0]) for a in made}}


def make_corpus(n: int, seed: int = 0, exclude: str | None = None):
    from newsprism.model import Article

    rng = random.Random(seed)
    rows = base_rows(exclude)
    start = dt.date(2022, 1, 1).toordinal()
    out: list[Article] = []
    for i in range(n):
        if out and rng.random() < 0.1:
            src = out[rng.randrange(len(out))]
            paras = src.text.split("\n")
            text = "By Staff Writer\n" + "\n".join(paras[: max(1, len(paras) - 1)])
            out.append(Article(id=f"b{i}", text=text, title=src.title, published=src.published, outlet=f"Reprinter {i % 50}"))
            continue
        r, other = rows[rng.randrange(len(rows))], rows[rng.randrange(len(rows))]
        day = dt.date.fromordinal(start + rng.randrange(730)).isoformat()
        text = perturb(r["text"], other["text"], rng)
        out.append(Article(id=f"b{i}", text=text, title=r.get("title"), published=day, outlet=r.get("outlet")))
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--embedder", default="tfidf")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=0, help="worker processes for the per-article work (0: all in this process)")
    ap.add_argument("--assignments", type=Path, help="write article id -> story id here (to compare two runs)")
    ap.add_argument(
        "--state", action="store_true",
        help="then save the state, load it and add the next 1,000 articles (an incremental run of `cluster --state`)",
    )
    ap.add_argument("--among", choices=sorted(GOLD), help="then add this dev set (left out of the corpus) and score its stories")
    args = ap.parse_args()

    from newsprism.cluster import StoryClusterer, group_corpus
    from newsprism.dedup import CopyIndex
    from newsprism.embedders import make_embedder
    from newsprism.engine import ProcessEngine
    from newsprism.extract import prepare_articles

    articles = make_corpus(args.n, exclude=args.among)
    rss_corpus = peak_rss_mb()
    t0 = time.perf_counter()
    articles = prepare_articles(articles)
    t_prepare = time.perf_counter() - t0

    embedder = make_embedder(args.embedder)
    if embedder is not None:
        embedder.embed(["warm up the model before timing"])  # models load once, outside the timing
    # Lazy imports (numpy paths, regexes) happen here, outside the timing.
    group_corpus(make_corpus(20, seed=1), CopyIndex(), StoryClusterer(embedder))
    copies, clusterer = CopyIndex(), StoryClusterer(embedder)
    engine = ProcessEngine(args.workers) if args.workers else None
    t0, c0 = time.perf_counter(), time.process_time()
    # The worker starts inside the timing, as it does in the command.
    group_corpus(articles, copies, clusterer, batch_size=args.batch, engine=engine)
    t_group, c_group = time.perf_counter() - t0, time.process_time() - c0
    if args.assignments:
        args.assignments.write_text(json.dumps({a.id: [a.story, a.duplicate_of] for a in articles}), encoding="utf-8")

    n = len(articles)
    stories = len(clusterer.stories())
    n_copies = sum(1 for a in articles if a.duplicate_of)
    print(f"articles={n} embedder={args.embedder} batch={args.batch} workers={args.workers} stories={stories} copies={n_copies}")
    print(f"prepare (extract stage): {n / t_prepare:,.0f} articles/s")
    print(f"dedup + cluster:         {n / t_group:,.0f} articles/s  ({1e3 * t_group / n:.3f} ms/article)")
    # CPU time tells the cost apart from other load on the machine (this process only: not the workers').
    print(f"dedup + cluster, CPU:    {n / c_group:,.0f} articles/s  ({1e3 * c_group / n:.3f} ms/article)")
    print(f"both:                    {n / (t_prepare + t_group):,.0f} articles/s")
    # This process only. A worker's own peak is not read here: RUSAGE_CHILDREN counts
    # the moment between fork and exec, when a child still maps all of this process.
    print(f"peak RSS: {peak_rss_mb():,.0f} MB (corpus alone {rss_corpus:,.0f} MB)")
    if args.state:
        incremental(args.n, copies, clusterer)
    if args.among:
        before = len(clusterer)
        m = score_among(args.among, copies, clusterer)
        print(f"{args.among} after {before:,} articles: BCubed F1 {m['bcubed_f1']:.3f} (P {m['bcubed_p']:.3f}, R {m['bcubed_r']:.3f})")


def score_among(name: str, copies, clusterer) -> dict:
    """Add a dev set after the corpus; returns the BCubed figures of its articles (the corpus's do not count)."""
    from newsprism.cluster import group_corpus
    from newsprism.evaluation.clusters import read_labels, score_clusters
    from newsprism.extract import prepare_articles
    from newsprism.ingest import iter_inputs
    from newsprism.model import Article

    rel, gold = GOLD[name]
    labels = read_labels(SHARED / "eval" / gold)[0]
    arts = prepare_articles([a for a in iter_inputs([str(SHARED / "eval" / rel)]) if isinstance(a, Article)])
    group_corpus(arts, copies, clusterer)
    return score_clusters(labels, {a.id: a.story for a in arts})


def incremental(n: int, copies, clusterer) -> None:
    """Save, load, then the next 1,000 articles of the same corpus, as a later `cluster --state` run does."""
    import tempfile

    from newsprism.cluster import group_corpus, open_state, save_state
    from newsprism.extract import prepare_articles

    later = prepare_articles(make_corpus(n + 1000)[n:])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "state.json"
        t0 = time.perf_counter()
        save_state(path, copies, clusterer)
        t_save = time.perf_counter() - t0
        t0 = time.perf_counter()
        with open_state(path, clusterer.embedder) as (copies, clusterer):
            t_load = time.perf_counter() - t0
            t0 = time.perf_counter()
            group_corpus(later, copies, clusterer)
            t_add = time.perf_counter() - t0
        size = path.stat().st_size / 1e6
    print(f"state of {n:,}: {size:,.0f} MB, saved in {t_save:.1f} s, loaded in {t_load:.1f} s; the next 1,000 articles: {t_add:.1f} s")


if __name__ == "__main__":
    main()
