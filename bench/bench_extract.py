"""Speed of the extract stage (segmentation and metadata inference, no spaCy).

Usage: python bench/bench_extract.py [--n 2000]
Prints articles per second on synthetic 500-word articles and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import time

from newsprism.extract import prepare_articles
from newsprism.model import Article

PARA = (
    "Officials in the Lennox Valley said on Tuesday that Dr. Ana Ruiz, who leads the U.S. team, "
    'had met Brig. Gen. Omar Haddad. "We are ready," she said. The talks cost $3.5 million.'
)
TEXT = "Valley talks resume\n\nBy Vela Moreno, Tamsin Herald\n\nMay 3, 2024\n\n" + "\n\n".join([PARA] * 14)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="articles to prepare")
    n = ap.parse_args().n
    arts = [Article(id=str(i), text=TEXT) for i in range(n)]
    prepare_articles(arts[:20])  # warm the compiled patterns
    t0 = time.perf_counter()
    prepare_articles(arts)
    secs = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles={n} words/article={len(TEXT.split())} articles/s={n / secs:,.0f} peak_rss_mb={peak:.0f}")


if __name__ == "__main__":
    main()
