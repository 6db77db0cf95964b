"""What a long watch keeps, round by round: `Updater.add` of a few articles at a time in one
process, as `watch` runs it, with the resident memory after each round and, from
``--trace-from`` on, the allocation sites that grew most since the round before (tracemalloc).

    python bench/bench_watch_rounds.py unrelated|story|bench [--rounds 12] [--per 50] [--trace-from 2] [--trim] [--hot-articles N]

``unrelated``: each article drawn from a different source article and event of the
bench corpus (real dev articles from ../shared/eval, perturbed as in bench_cluster.py), so
stories stay small; ``story``: every article a perturbed copy of one source article,
so one story grows by ``--per`` articles a round and is briefed again each round;
``bench``: bench_cluster's corpus, as bench_watch.py publishes it (``--untitled``: an
article without a title headed "Untitled", as bench_watch.py serves it, so those
gather into one story that grows all run). ``--trim`` calls
``malloc_trim`` after each round as the watch does (``watch.release_memory``) and
prints the resident memory before it too. Each round's line also splits the memory:
Python's object arenas (1 MiB each, ``sys._debugmallocstats``) and the bytes of the
blocks in use in them, and ``malloc``'s bytes in use (``mallinfo2``): arenas that grow
while their blocks do not are arenas pinned by a few objects, not objects kept.
``--alive R,R``: trace those rounds alone (tracemalloc from the round's start, to
``--frames`` deep) and print, by traceback, what their allocations leave alive once
the round is over. tracemalloc slows a round several times over.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
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


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


def malloc_in_use_mb() -> float:
    """``malloc``'s bytes in use (glibc's ``mallinfo2``; 0 elsewhere)."""
    try:
        info = ctypes.CDLL(None).mallinfo2
    except (AttributeError, OSError):
        return 0.0
    info.restype = _Mallinfo2
    return info().uordblks / 1e6


def arenas_mb() -> tuple[float, float]:
    """Python's object allocator: MB of arenas held, MB of blocks in use in them
    (``sys._debugmallocstats``, which writes to the C stderr; 0 and 0 while tracemalloc
    wraps the allocator, when it says nothing)."""
    read, write = os.pipe()
    saved = os.dup(2)
    os.dup2(write, 2)
    try:
        sys._debugmallocstats()
    finally:
        os.dup2(saved, 2)
        os.close(write)
        os.close(saved)
    with os.fdopen(read, "rb") as f:
        text = f.read().decode()
    held = used = 0.0
    for line in text.splitlines():
        if line.startswith("# arenas allocated current"):
            held = int(line.split("=")[1].replace(",", "")) * (1 << 20) / 1e6
        elif line.startswith("# bytes in allocated blocks"):
            used = int(line.split("=")[1].replace(",", "")) / 1e6
    return held, used


def event(row_id: str) -> str:
    """The event a source article reports, where its id says (NeuS triples, ECB+ topics)."""
    if row_id.startswith("neus"):
        return row_id.rsplit("-", 1)[0]
    return row_id.split("_")[0] if "ecb" in row_id else row_id


def feed(kind: str, n: int, untitled: bool = False):  # type: ignore[no-untyped-def]
    from newsprism.model import Article

    if kind == "bench":
        articles = make_corpus(n)
        for a in articles:
            if untitled and not a.title:
                a.title = "Untitled"
        return articles
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


def left_alive(k: int, per: int, frames: int) -> None:
    """Print what round ``k``'s allocations left alive, by traceback, and stop tracing."""
    gc.collect()
    snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    tracemalloc.stop()
    stats = snap.statistics("traceback")
    total = sum(st.size for st in stats)
    print(f"    round {k} left {total / 1e6:.2f} MB alive ({total / per:,.0f} bytes a new article); the largest sites:")
    for st in stats[:25]:
        print(f"    {st.size / 1e3:9.1f} KB in {st.count:,} blocks, allocated at:")
        for line in [x for x in st.traceback.format() if x.startswith("  File")][::-1]:
            print("        " + line.strip())


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
    ap.add_argument("--untitled", action="store_true", help="bench: an article without a title is headed 'Untitled', as bench_watch.py serves it")
    ap.add_argument("--alive", default="", help="rounds (from 0, comma-separated) traced alone: what they leave alive, by traceback")
    ap.add_argument("--frames", type=int, default=12, help="traceback depth for --alive")
    args = ap.parse_args()
    alive = {int(k) for k in args.alive.split(",") if k}
    if alive and 0 <= args.trace_from <= max(alive):
        sys.exit("--alive: trace from a later round (--trace-from -1 for none): a round traced alone counts its own allocations only")
    articles = feed(args.kind, args.rounds * args.per, args.untitled)
    store = open_store(str(Path(tempfile.mkdtemp(prefix="bench-rounds-")) / "news.db"))
    updater = Updater(store, Settings(), hot=HotWindow() if args.hot_articles is None else HotWindow(articles=args.hot_articles))
    previous = None
    for k in range(args.rounds):
        if k == args.trace_from:
            tracemalloc.start(1)
        if k in alive and not tracemalloc.is_tracing():
            tracemalloc.start(args.frames)
        t = time.perf_counter()
        summary = updater.add(articles[k * args.per : (k + 1) * args.per])
        gc.collect()
        before = rss_mb()
        if args.trim:
            release_memory()
        traced = tracemalloc.get_traced_memory()[0] / 1e6 if tracemalloc.is_tracing() else 0.0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        held, used = arenas_mb()
        print(f"round {k}: {time.perf_counter() - t:5.1f} s; resident {before:5.0f} MB"
              + (f", {rss_mb():5.0f} MB trimmed" if args.trim else "")
              + f", process peak {peak:5.0f} MB; arenas {held:5.1f} MB, blocks {used:5.1f}, malloc {malloc_in_use_mb():5.1f}"
              + f"; traced {traced:5.1f} MB | {summary.line()}", flush=True)
        if k in alive:
            left_alive(k, args.per, args.frames)
            continue
        if tracemalloc.is_tracing():
            snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
            if previous is not None:
                for stat in snap.compare_to(previous, "lineno")[:8]:
                    print("    ", stat, flush=True)
            previous = snap


if __name__ == "__main__":
    main()
