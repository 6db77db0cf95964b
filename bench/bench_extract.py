"""Speed of the extract stage (segmentation and metadata inference, no spaCy).

Usage: python bench/bench_extract.py [--n 2000] [--jsonl FILE ...] [--rounds 3]

Prints articles per second on synthetic 500-word articles (or on the
articles of the given JSON-lines files, e.g. ../shared/eval/polnear/*_articles.jsonl),
for the whole stage and for segmentation alone (paragraphs and sentences,
the floor the stage cannot go below), and their ratio, best of ``--rounds``;
then the agency-mark matcher alone, and peak memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import time
from collections.abc import Callable

from newsprism.extract import prepare_articles
from newsprism.extract.segment import split_paragraphs, split_sentences
from newsprism.model import Article

PARA = (
    "Officials in the Lennox Valley said on Tuesday that Dr. Ana Ruiz, who leads the U.S. team, "
    'had met Brig. Gen. Omar Haddad. "We are ready," she said. The talks cost $3.5 million.'
)
TEXT = "Valley talks resume\n\nBy Vela Moreno, Tamsin Herald\n\nMay 3, 2024\n\n" + "\n\n".join([PARA] * 14)


def _segment(arts: list[Article]) -> None:
    for a in arts:
        for s, e in split_paragraphs(a.text):
            split_sentences(a.text, s, e)


def _agency_marks(arts: list[Article]) -> None:
    from newsprism.extract.agencies import find_agency_marks

    for a in arts:
        find_agency_marks(a.text)


def _rate(fn: Callable[[list[Article]], object], arts: list[Article], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn(arts)
        best = min(best, time.perf_counter() - t0)
    return len(arts) / best


def _load(paths: list[str], n: int) -> list[Article]:
    if not paths:
        return [Article(id=str(i), text=TEXT) for i in range(n)]
    arts = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                arts.append(Article(id=d["id"], text=d["text"], title=d.get("title"), outlet=d.get("outlet")))
    return arts[:n] if n else arts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=0, help="articles to prepare (default: 2000 synthetic, or every article read)")
    ap.add_argument("--jsonl", nargs="*", default=[], help="JSON-lines article files to time instead of synthetic text")
    ap.add_argument("--rounds", type=int, default=3, help="timings to take the best of")
    args = ap.parse_args()
    arts = _load(args.jsonl, args.n or (0 if args.jsonl else 2000))
    prepare_articles(arts[:20])  # warm the compiled patterns
    words = sum(len(a.text.split()) for a in arts) / len(arts)
    stage, floor = _rate(prepare_articles, arts, args.rounds), _rate(_segment, arts, args.rounds)
    print(f"articles={len(arts)} words/article={words:.0f} articles/s={stage:,.0f} segmentation_only={floor:,.0f} ratio={stage / floor:.3f}")
    with contextlib.suppress(ImportError):  # a checkout from before the agency matcher, timed for comparison
        print(f"agency_marks_only articles/s={_rate(_agency_marks, arts, args.rounds):,.0f}")
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
