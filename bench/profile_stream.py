"""Where the driver's time goes in `bench_cluster.py --stream`, interval by interval.

    python bench/profile_stream.py [--n 1000000] [--stop 300000] [--profile 100000:150000 ...]
        [--rows-every 1] [--workers 1] [--set hot_days=30] [--out DIR]

Streams the articles of ``bench_cluster.py --stream --in-date-order --among ecbplus``
for ``--n`` articles (dated over the whole ``--n``, in the same order), and stops after
``--stop`` of them: a later interval of the million is reached without running the
million. Every 10,000 articles it prints the driver's CPU an article over the last
10,000 (drawing and preparing left out, as the bench does), the copy candidates an
article, and the open stories: how many, the median and largest member count
(copies too), how many have more linked members than ``refine_max``.
``--profile A:B`` runs cProfile on this process from article A to B (DIR/prof-A-B.pstats;
it charges small Python calls several times their cost: sample with py-spy for shares).
``--rows-every K`` draws from every K-th source row only, so stories grow K times as fast.
Run two at once (another checkout's ``src`` first on PYTHONPATH) to compare two versions
in the same run.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_cluster as bc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="the stream the articles are dated over")
    ap.add_argument("--stop", type=int, default=300_000, help="stop after this many articles")
    ap.add_argument("--profile", action="append", default=[], metavar="A:B", help="cProfile from article A to B")
    ap.add_argument("--rows-every", type=int, default=1, help="draw from every k-th source row only")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--set", action="append", default=[], help="FIELD=VALUE of the clusterer's configuration")
    ap.add_argument("--out", type=Path, default=Path("."))
    args = ap.parse_args()
    config = bc._tune_cluster().configure(args.set)
    if args.rows_every > 1:
        every_row = bc.base_rows
        bc.base_rows = lambda exclude=None: every_row(exclude)[:: args.rows_every]
    intervals = [tuple(int(x) for x in span.split(":")) for span in args.profile]

    import newsprism
    from newsprism.cluster import StoryClusterer, group_corpus
    from newsprism.cluster.stream import group_batches
    from newsprism.dedup import CopyIndex
    from newsprism.engine import ProcessEngine
    from newsprism.extract import prepare_articles

    print(f"newsprism from {Path(newsprism.__file__).parent}", flush=True)
    group_corpus(bc.make_corpus(20, seed=1), CopyIndex(), StoryClusterer(None))  # lazy imports, outside the timing
    copies, clusterer = bc._counting_copy_index(), StoryClusterer(None, config=config)
    engine = ProcessEngine(args.workers) if args.workers else None
    left_out = [0.0]  # CPU of drawing and preparing
    done = [0]
    profiler: list[cProfile.Profile] = []
    last = [time.process_time(), 0, 0]  # CPU, candidates checked and articles looked at, at the last line

    def batches():
        drawn = islice(bc.iter_corpus(args.n, exclude="ecbplus", in_date_order=True), args.stop)
        while True:
            c = time.process_time()
            batch = prepare_articles(list(islice(drawn, 1000)))
            left_out[0] += time.process_time() - c
            if not batch:
                return
            yield batch

    def report(size: int) -> None:
        done[0] += size
        n = done[0]
        for a, b in intervals:
            if n == a:
                profiler.append(cProfile.Profile())
                profiler[-1].enable()
            if n == b and profiler:
                profiler[-1].disable()
                profiler.pop().dump_stats(args.out / f"prof-{a}-{b}.pstats")
        if n % 10_000:
            return
        cpu = time.process_time() - left_out[0]
        candidates = (copies.checked - last[1]) / max(1, copies.looked - last[2])
        opened = clusterer.table.open_stories()
        sizes = sorted(len(st.members) for _, st in opened) or [0]
        large = sum(st.n > config.refine_max for _, st in opened)
        print(
            f"{n:>9,} articles: driver CPU {1e3 * (cpu - last[0]) / 10_000:.3f} ms an article, copy candidates "
            f"{candidates:.1f}; open stories {len(opened):,}, members median {sizes[len(sizes) // 2]} largest {sizes[-1]:,}, "
            f"{large} past refine_max; spilled {clusterer.table.n_spilled:,}; load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        last[:] = [time.process_time() - left_out[0], copies.checked, copies.looked]  # the line's own cost left out

    group_batches(batches(), copies, clusterer, on_batch=report, engine=engine)


if __name__ == "__main__":  # the worker process imports this module again
    main()
