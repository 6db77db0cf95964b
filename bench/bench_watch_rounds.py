"""What a long watch keeps, round by round: `Updater.add` of a few articles at a time in one
process, as `watch` runs it, with the resident memory after each round and, from
``--trace-from`` on, the allocation sites that grew most since the round before (tracemalloc).

    python bench/bench_watch_rounds.py unrelated|story|bench [--rounds 12] [--per 50] [--trace-from 2] [--trim] [--hot-articles N]

``unrelated``: each article drawn from a different source article and event of the
bench corpus (real dev articles from ../shared/eval, perturbed as in bench_cluster.py), so
stories stay small; ``story``: every article a perturbed copy of one source article,
so one story grows by ``--per`` articles a round and is briefed again each round;
``bench``: bench_cluster's corpus, as bench_watch.py publishes it. ``--trim`` calls
``malloc_trim`` after each round as the watch does (``watch.release_memory``) and
prints the resident memory before it too. tracemalloc slows a round several times over.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cluster import base_rows, make_corpus, perturb  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def event(row_id: str) -> str:
    """The event a source article reports, where its id says (NeuS triples, ECB+ topics)."""
    if row_id.startswith("neus"):
        return row_id.rsplit("-", 1)[0]
    return row_id.split("_")[0] if "ecb" in row_id else row_id


def feed(kind: str, n: int):  # type: ignore[no-untyped-def]
    from newsprism.model import Article

    if kind == "bench":
        return make_corpus(n)
    rng = random.Random(1)
    rows = base_rows()
    if kind == "story":
        # One source article of ordinary length, the longest of the first 2,000 under 6,000 characters.
        r = max(rows[:2000], key=lambda r: len(r["text"]) if len(r["text"]) < 6000 else 0)
        picked = [r] * n
    else:
        order = list(range(len(rows)))
        rng.shuffle(order)
        seen: set[str] = set()
        picked = []
        for i in order:
            if event(rows[i]["id"]) not in seen and len(picked) < n:
                seen.add(event(rows[i]["id"]))
                picked.append(rows[i])
    return [Article(id=f"{kind[0]}{i}", text=perturb(r["text"], "", rng), title=r.get("title"), published="2024-01-01",
                    outlet=f"Outlet {i % 40}") for i, r in enumerate(picked)]


def main() -> None:
    from newsprism.pipeline import Settings
    from newsprism.store import open_store
    from newsprism.updater import HotWindow, Updater
    from newsprism.watch import release_memory

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=["unrelated", "story", "bench"])
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--per", type=int, default=50, help="articles a round")
    ap.add_argument("--trace-from", type=int, default=2, help="the round tracemalloc starts at (after the models load)")
    ap.add_argument("--trim", action="store_true", help="hand freed memory back after each round, as the watch does")
    ap.add_argument("--hot-articles", type=int, default=None, help="the updater's HotWindow.articles (default: the database's own)")
    args = ap.parse_args()
    articles = feed(args.kind, args.rounds * args.per)
    store = open_store(str(Path(tempfile.mkdtemp(prefix="bench-rounds-")) / "news.db"))
    updater = Updater(store, Settings(), hot=HotWindow() if args.hot_articles is None else HotWindow(articles=args.hot_articles))
    previous = None
    for k in range(args.rounds):
        if k == args.trace_from:
            tracemalloc.start(1)
        t = time.perf_counter()
        summary = updater.add(articles[k * args.per : (k + 1) * args.per])
        gc.collect()
        before = rss_mb()
        if args.trim:
            release_memory()
        traced = tracemalloc.get_traced_memory()[0] / 1e6 if tracemalloc.is_tracing() else 0.0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"round {k}: {time.perf_counter() - t:5.1f} s; resident {before:5.0f} MB"
              + (f", {rss_mb():5.0f} MB trimmed" if args.trim else "")
              + f", process peak {peak:5.0f} MB; traced {traced:5.1f} MB | {summary.line()}", flush=True)
        if tracemalloc.is_tracing():
            snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
            if previous is not None:
                for stat in snap.compare_to(previous, "lineno")[:8]:
                    print("    ", stat, flush=True)
            previous = snap


if __name__ == "__main__":
    main()
