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
import os
import random
import resource
import sys
import threading
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
# In a stream in date order (``iter_corpus``) a copy reprints an article of at most this many days before.
COPY_LAG_DAYS = 7
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


def iter_corpus(n: int, seed: int = 0, exclude: str | None = None, in_date_order: bool = False):
    """A corpus of ``make_corpus``'s kind, one article at a time, holding none of
    it: article i is drawn from a random stream of its own, so a copy re-draws
    the earlier article it copies instead of keeping it. (A million articles
    held at once would take some 6 GB, more than the clustering.)
    ``in_date_order``: the two years go by as the articles come (article i
    is dated i / n of the way through), as a stream would bring them, and a
    copy is of an article of the week before it (``COPY_LAG_DAYS``), as
    syndication reprints the news of the day, not one drawn from the whole past."""
    rows = base_rows(exclude)
    for i in range(n):
        yield _drawn(i, seed, rows, n if in_date_order else None)


def _drawn(i: int, seed: int, rows: list[dict], dated_over: int | None = None):
    from newsprism.model import Article

    rng = random.Random(f"{seed}:{i}")  # a str seed is hashed (sha512): the same in every process
    if i and rng.random() < 0.1:
        if dated_over is None:
            earlier = rng.randrange(i)
        else:
            earlier = i - 1 - rng.randrange(min(i, max(1, COPY_LAG_DAYS * dated_over // 730)))
        src = _drawn(earlier, seed, rows, dated_over)
        paras = src.text.split("\n")
        text = "By Staff Writer\n" + "\n".join(paras[: max(1, len(paras) - 1)])
        return Article(id=f"b{i}", text=text, title=src.title, published=src.published, outlet=f"Reprinter {i % 50}")
    r, other = rows[rng.randrange(len(rows))], rows[rng.randrange(len(rows))]
    offset = rng.randrange(730) if dated_over is None else i * 730 // dated_over
    day = dt.date.fromordinal(dt.date(2022, 1, 1).toordinal() + offset).isoformat()
    return Article(id=f"b{i}", text=perturb(r["text"], other["text"], rng), title=r.get("title"), published=day, outlet=r.get("outlet"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RssSampler(threading.Thread):
    """The resident memory of this process and its descendants (the worker), read
    from /proc twice a second: their peak sum, and each one's peak; and the CPU
    time each descendant had used when last seen (``workers_cpu``)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_total = self.peak_here = self.peak_workers = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()

    @property
    def workers_cpu(self) -> float:
        return sum(self._cpu.values())

    def run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def stop(self) -> None:
        self._stop.set()
        self.sample()

    def sample(self) -> None:
        here = _rss_kb(os.getpid())
        kids = _descendants(os.getpid())
        workers = sum(_rss_kb(pid) for pid in kids)
        for pid in kids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                self._cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                pass
        self.peak_here, self.peak_workers = max(self.peak_here, here), max(self.peak_workers, workers)
        self.peak_total = max(self.peak_total, here + workers)


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    out = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids = [int(k) for k in children.read_text().split()]
        except OSError:
            continue
        for kid in kids:
            out += [kid, *_descendants(kid)]
    return out


def stream(args, embedder) -> None:
    """``--stream``: draw, prepare and cluster the corpus a batch at a time, as a
    stream of that size would come, with the worker process on if asked; the
    drawing and preparing are timed apart and left out of dedup + cluster."""
    from itertools import islice

    from newsprism.cluster import StoryClusterer
    from newsprism.cluster.stream import group_batches
    from newsprism.engine import ProcessEngine
    from newsprism.extract import prepare_articles

    copies, clusterer = _counting_copy_index(), StoryClusterer(embedder, config=args.config)
    engine = ProcessEngine(args.workers) if args.workers else None
    spent = [0.0, 0.0]  # wall and CPU of drawing and preparing
    checked = [0, 0]  # copy candidates checked, and articles checked, at the last report
    done = [0]
    sampler = RssSampler()
    found: dict[str, str | None] = {}  # with --assignments: article id -> the original it copies, as found
    sent: list[list] = []  # with --assignments: batches drawn, not yet clustered (a worker draws ahead)

    def batches():
        drawn = iter_corpus(args.n, exclude=args.among, in_date_order=args.in_date_order)
        while True:
            t, c = time.perf_counter(), time.process_time()
            batch = prepare_articles(list(islice(drawn, args.batch)))
            spent[0] += time.perf_counter() - t
            spent[1] += time.process_time() - c
            if not batch:
                return
            if args.assignments:
                sent.append(batch)
            yield batch

    def report(size: int) -> None:
        if args.assignments:  # a batch is marked (copies) before it is clustered, in the order drawn
            found.update((a.id, a.duplicate_of) for a in sent.pop(0))
        done[0] += size
        n = done[0]
        if n == args.n or (n >= 10_000 and n % min(100_000, max(10_000, args.n // 10)) == 0) or n in (1_000, 10_000):
            wall, cpu = time.perf_counter() - t0 - spent[0], time.process_time() - c0 - spent[1]
            per = (copies.checked - checked[0]) / max(1, copies.looked - checked[1])
            checked[:] = [copies.checked, copies.looked]
            print(
                f"  {n:>9,} articles: {1e3 * wall / n:.3f} ms/article wall, {1e3 * cpu / n:.3f} CPU here; "
                f"copy candidates checked {per:.1f} an article since the last line; "
                f"RSS now {_rss_kb(os.getpid()) / 1024:,.0f} MB here + {sum(map(_rss_kb, _descendants(os.getpid()))) / 1024:,.0f} MB workers; "
                f"load {os.getloadavg()[0]:.1f}; stories spilled {clusterer.table.n_spilled:,}",
                flush=True,
            )

    sampler.start()
    t0, c0 = time.perf_counter(), time.process_time()
    group_batches(batches(), copies, clusterer, on_batch=report, engine=engine)
    t_group, c_group = time.perf_counter() - t0 - spent[0], time.process_time() - c0 - spent[1]
    sampler.stop()
    n = len(clusterer)
    n_copies = sum(len(g) - 1 for g in copies.groups()) + getattr(copies, "copies_forgotten", 0)
    print(f"articles={n} embedder={args.embedder} batch={args.batch} workers={args.workers} stories={len(clusterer.stories())} copies={n_copies}")
    if hasattr(copies, "held"):  # what the indexes hold at the end (counts; see ``held``)
        print(f"held: {clusterer.index.held()}; copy index {copies.held()}")
    table = clusterer.table  # a closed story (spilled or merged) keeps no Record
    merged = sum(table.merged_into(s) is not None for s in range(table.n_stories))
    print(f"stories made {table.n_stories:,}: open {len(table.open_stories()):,}, spilled {table.n_spilled:,}, merged {merged:,}")
    if args.assignments:
        args.assignments.write_text(json.dumps({aid: [clusterer.story_of(aid), dup] for aid, dup in found.items()}), encoding="utf-8")
    print(f"draw + prepare (left out): {spent[0]:,.0f} s wall, {spent[1]:,.0f} s CPU")
    print(f"dedup + cluster:         {n / t_group:,.0f} articles/s  ({1e3 * t_group / n:.3f} ms/article; {t_group / 60:.1f} min)")
    print(f"dedup + cluster, CPU:    {n / c_group:,.0f} articles/s  ({1e3 * c_group / n:.3f} ms/article, this process)")
    workers_cpu = sampler.workers_cpu
    print(f"  and the workers' CPU:  {workers_cpu:,.0f} s ({1e3 * workers_cpu / n:.3f} ms/article); both: {1e3 * (c_group + workers_cpu) / n:.3f} ms/article")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"peak RSS: {sampler.peak_total / 1024:,.0f} MB in all (this process {sampler.peak_here / 1024:,.0f} MB, workers {sampler.peak_workers / 1024:,.0f} MB)")
    if args.among:
        m = score_among(args.among, copies, clusterer)
        print(f"{args.among} after {n:,} articles: BCubed F1 {m['bcubed_f1']:.3f} (P {m['bcubed_p']:.3f}, R {m['bcubed_r']:.3f})")


def _counting_copy_index():
    """A ``CopyIndex`` that counts the candidates its containment check reads
    (``checked``, over ``looked`` articles; the copy search runs a batch or two
    ahead of the clustering): the copy finder's work grows with them until ``MOST_CHECKED``."""
    from newsprism.dedup import CopyIndex

    class Counting(CopyIndex):
        checked = looked = 0

        def _closest(self, e, near):
            near = list(near)
            self.checked += len(near)
            self.looked += 1
            return super()._closest(e, near)

    return Counting()


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
    ap.add_argument("--set", action="append", default=[], help="FIELD=VALUE of the clusterer's configuration (as scripts/tune_cluster.py)")
    ap.add_argument("--in-date-order", action="store_true", help="with --stream: the articles come in date order (see iter_corpus)")
    ap.add_argument(
        "--stream", action="store_true",
        help="draw and prepare the corpus a batch at a time (iter_corpus), never held whole; report the peak RSS of the workers too",
    )
    args = ap.parse_args()
    args.config = _tune_cluster().configure(args.set)

    from newsprism.cluster import StoryClusterer, group_corpus
    from newsprism.dedup import CopyIndex
    from newsprism.embedders import make_embedder
    from newsprism.engine import ProcessEngine
    from newsprism.extract import prepare_articles

    embedder = make_embedder(args.embedder)
    if embedder is not None:
        embedder.embed(["warm up the model before timing"])  # models load once, outside the timing
    # Lazy imports (numpy paths, regexes) happen here, outside the timing.
    group_corpus(make_corpus(20, seed=1), CopyIndex(), StoryClusterer(embedder))
    if args.stream:
        stream(args, embedder)
        return

    articles = make_corpus(args.n, exclude=args.among)
    rss_corpus = peak_rss_mb()
    t0 = time.perf_counter()
    articles = prepare_articles(articles)
    t_prepare = time.perf_counter() - t0
    copies, clusterer = CopyIndex(), StoryClusterer(embedder, config=args.config)
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


def _tune_cluster():
    """scripts/tune_cluster.py, whose ``--set`` parsing ``--set`` shares."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tune_cluster", Path(__file__).resolve().parents[1] / "scripts" / "tune_cluster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
