"""Seconds per story and peak memory of the brief stages.

Two workloads, read at run time from ../shared/eval (never copied):

- ``story50``: one story of 50 articles (the largest ECB+ topics pooled and
  analysed as a single story, the worst case for claim alignment);
- ``corpus1000``: 1,000 articles in 100 stories of 10 (ECB+, BASIL,
  NewsWCL50 and NeuS val articles in gold-story order, cut into consecutive
  groups).

Each story runs the full per-story pipeline (``pipeline.analyze`` with
``single_story``: dedup, entities, quotes, claims, provenance, conflicts,
timeline, summary, framing); the brief stages of this package are also timed
on their own. Peak memory is the process's maximum resident set size.

    python bench/bench_brief.py [--workload story50|corpus1000|all] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections import defaultdict
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"


def _rows(name: str, split: str = "") -> list[dict]:
    path = SHARED / name / f"{split}articles.jsonl"
    gold = {}
    with (SHARED / name / f"{split}gold_stories.jsonl").open() as f:
        for line in f:
            g = json.loads(line)
            gold[g["id"]] = f"{name}:{g['story']}"
    rows = []
    with path.open() as f:
        for line in f:
            r = json.loads(line)
            if r.get("text") and r["id"] in gold:
                r["gold"] = gold[r["id"]]
                rows.append(r)
    rows.sort(key=lambda r: r["gold"])
    return rows


def _articles(rows: list[dict]):
    from newsprism.extract import prepare_articles
    from newsprism.model import Article

    return prepare_articles(
        [Article(id=r["id"], text=r["text"], title=r.get("title"), outlet=r.get("outlet"), published=r.get("published")) for r in rows]
    )


def workloads() -> dict[str, list[list[dict]]]:
    ecb = _rows("ecbplus")
    by_topic: dict[str, list[dict]] = defaultdict(list)
    for r in ecb:
        by_topic[r["gold"].split(":")[1].rsplit("_", 1)[0]].append(r)
    pooled = [r for t in sorted(by_topic, key=lambda t: -len(by_topic[t])) for r in by_topic[t]][:50]
    corpus = (ecb + _rows("basil") + _rows("newswcl50") + _rows("neus", "val_"))[:1000]
    return {"story50": [pooled], "corpus1000": [corpus[i : i + 10] for i in range(0, len(corpus), 10)]}


def _brief_stages(arts, nlp, quotes_extractor) -> float:
    """Seconds spent in this package's stages alone (claims, provenance, compare, summary)."""
    from newsprism import claims as C
    from newsprism.provenance import build_provenance
    from newsprism.provenance.stretches import article_stretches
    from newsprism.quotes import extract_quotes

    quotes = {a.id: extract_quotes(a, nlp, quotes_extractor) for a in arts}
    t = time.perf_counter()
    claims = C.align_claims(arts, nlp)
    stretches = [st for a in arts for st in article_stretches(a, quotes[a.id])]
    prov = build_provenance(arts, stretches)
    C.assign_independence(claims, arts, prov, stretches)
    C.coverage(claims, arts)
    values = C.story_values(arts, nlp)
    C.find_conflicts(arts, claims, values, nlp)
    C.build_timeline(arts, values)
    C.summarize(claims, arts)
    C.story_title(arts)
    return time.perf_counter() - t


def run(name: str, stories: list[list[dict]]) -> dict:
    from newsprism.nlp import NLP
    from newsprism.pipeline import Pipeline, Settings

    nlp = NLP()
    _ = nlp.language  # load spaCy outside the timed region
    pipeline = Pipeline(Settings(single_story=True), nlp=nlp)
    total = brief_only = 0.0
    n_articles = 0
    for rows in stories:
        arts = _articles(rows)
        n_articles += len(arts)
        t = time.perf_counter()
        pipeline.analyze(arts)
        total += time.perf_counter() - t
        brief_only += _brief_stages(arts, nlp, pipeline.briefer.quotes)
        nlp.forget(a.id for a in arts)
    return {
        "workload": name,
        "stories": len(stories),
        "articles": n_articles,
        "seconds_per_story": round(total / len(stories), 3),
        "brief_stages_seconds_per_story": round(brief_only / len(stories), 3),
        "total_seconds": round(total, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workload", choices=("story50", "corpus1000", "all"), default="all")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"{SHARED} not found: the benchmark reads ../shared/eval")
    loads = workloads()
    names = list(loads) if args.workload == "all" else [args.workload]
    for name in names:
        result = run(name, loads[name])
        print(json.dumps(result) if args.json else "  ".join(f"{k}={v}" for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
