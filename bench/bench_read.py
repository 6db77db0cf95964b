"""Reading real web pages: body quality and speed of `newsprism read` beside trafilatura's own.

Usage: python bench/bench_read.py [BENCH_DIR] [--rounds 3]
BENCH_DIR defaults to ../shared/eval/article_extraction. Prints, for each half of the
pages (see newsprism.evaluation.extraction) and all of them, the benchmark's body
P/R/F1 for newsprism (pages read as `newsprism read` reads them) and for
trafilatura.extract with its default settings and with favor_precision, all in
this run; then pages per second of each, timed alternately over the same decoded
pages (best of --rounds), as a ratio to trafilatura's default, and peak RSS.
"""

from __future__ import annotations

import argparse
import gzip
import resource
import time
from collections.abc import Callable
from pathlib import Path

from newsprism.evaluation.extraction import half_ids, load_bench, score_bodies
from newsprism.extract import prepare_articles
from newsprism.ingest.base import Skip
from newsprism.ingest.decode import decode_html
from newsprism.ingest.htmlpage import page_article
from newsprism.model import SourceRef


def _newsprism(pages: dict[str, str]) -> dict[str, str]:
    out = {}
    for pid, page in pages.items():
        try:
            out[pid] = prepare_articles([page_article(page, key=pid, ref=SourceRef(pid))])[0].text
        except Skip:
            out[pid] = ""
    return out


def _trafilatura(**kw: bool) -> Callable[[dict[str, str]], dict[str, str]]:
    import trafilatura

    def run(pages: dict[str, str]) -> dict[str, str]:
        return {pid: trafilatura.extract(page, **kw) or "" for pid, page in pages.items()}

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "eval" / "article_extraction"))
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    b = load_bench(args.bench)
    pages = {pid: decode_html(gzip.decompress((b.pages / f"{pid}.html.gz").read_bytes())) for pid in b.ids()}
    readers = {
        "newsprism read": _newsprism,
        "trafilatura default": _trafilatura(),
        "trafilatura precision": _trafilatura(favor_precision=True),
    }
    texts = {name: run(pages) for name, run in readers.items()}
    print(f"{'':22} {'half':6} {'P':>7} {'R':>7} {'F1':>7}")
    for name, pred in texts.items():
        for half in ("dev", "other", "all"):
            ids = half_ids(b.truth, half)
            m = score_bodies({i: b.truth[i] for i in ids}, pred)
            print(f"{name:22} {half:6} {m['precision']:7.4f} {m['recall']:7.4f} {m['f1']:7.4f}")
    best = {name: float("inf") for name in readers}
    for _ in range(args.rounds):
        for name, run in readers.items():  # alternately, so load on the machine hits all alike
            t0 = time.perf_counter()
            run(pages)
            best[name] = min(best[name], time.perf_counter() - t0)
    base = best["trafilatura default"]
    for name, secs in best.items():
        print(f"{name:22} {len(pages) / secs:6.1f} pages/s  {secs / base:4.2f}x trafilatura default's time")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
