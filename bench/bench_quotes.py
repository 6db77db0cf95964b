"""Speed and memory of quote extraction (spaCy parse included) on 1,000 real articles.

    python bench/bench_quotes.py [--n 1000] [--batch 64]

Articles come from ../shared/eval/polnear (train then dev, cycled to --n,
each a distinct id so nothing is cached). Prints articles per second for the
parse, for extraction alone and for both, quotes found, and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def load(n: int):
    from newsprism.model import Article

    rows = []
    for split in ("train", "dev"):
        path = SHARED / "eval" / "polnear" / f"{split}_articles.jsonl"
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not rows:
        sys.exit(f"no articles under {SHARED}")
    return [Article(id=f"{i}-{rows[i % len(rows)]['id']}", text=rows[i % len(rows)]["text"]) for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()

    from newsprism.nlp import NLP
    from newsprism.quotes import QuoteExtractor

    articles = load(args.n)
    nlp = NLP()
    _ = nlp.language  # load the models outside the timings
    extractor = QuoteExtractor()
    _ = extractor.model
    parse_s = extract_s = 0.0
    n_quotes = 0
    for start in range(0, len(articles), args.batch):
        batch = articles[start : start + args.batch]
        t0 = time.perf_counter()
        nlp.docs(batch)
        t1 = time.perf_counter()
        n_quotes += sum(len(extractor.extract(a, nlp)) for a in batch)
        t2 = time.perf_counter()
        nlp.forget(a.id for a in batch)
        parse_s += t1 - t0
        extract_s += t2 - t1
    n = len(articles)
    chars = sum(len(a.text) for a in articles)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "articles": n,
        "mean_chars": round(chars / n),
        "quotes": n_quotes,
        "parse_articles_per_s": round(n / parse_s, 1),
        "extract_articles_per_s": round(n / extract_s, 1),
        "total_articles_per_s": round(n / (parse_s + extract_s), 1),
        "peak_rss_mb": round(peak_mb),
    }))


if __name__ == "__main__":
    main()
