"""K-fold cross-validation of the summary's length and centrality over NeuS val + train.

    .venv/bin/python scripts/tune_summary.py --cache DIR [--train 450] [--folds 5]

Briefs every NeuS val story and ``--train`` stories drawn from train (a fixed
shuffle) once, as ``newsprism eval summary`` does (each gold story alone, no
framing), and caches their claims and articles in ``--cache``. Then scores
``claims.summarize`` on the cache for each pair of ``CENTRAL_WEIGHT`` and
``WORDS_PER_REPORT`` in the grid (ROUGE-2 F, as ``newsprism.evaluation.summary``
scores it), and for each fold picks the pair that does best on the other folds
and reports its gain on the held-out fold over the summaries cached from the
code as it was when the cache was made: per fold, the mean and the spread. It
also prints val alone for the shipped values. Delete the cache to re-brief.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import statistics
from pathlib import Path
from typing import Any

from newsprism.claims import summary as S
from newsprism.evaluation.summary import group_by_story, reference_text
from newsprism.pipeline import Pipeline, Settings

NEUS = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "neus"
GRID = [(w, n) for w in (0.0, 1.0, 2.0, 3.0) for n in (15, 20, 25, 1000)]


def brief_split(split: str, limit: int | None) -> list[tuple[str, list[Any], list[Any], str, list[str]]]:
    def jsonl(name: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in (NEUS / f"{split}_{name}.jsonl").open()]

    refs = {str(r["story"]): r["reference"] for r in jsonl("reference_summaries")}
    articles = Pipeline(Settings()).read([str(NEUS / f"{split}_articles.jsonl")]).articles
    stories = group_by_story(articles, jsonl("gold_stories"))
    ids = sorted(s for s in stories if s in refs)
    random.Random(0).shuffle(ids)
    pipeline = Pipeline(Settings(single_story=True, framing=False))
    rows = []
    for sid in ids[:limit]:
        briefs = pipeline.analyze(stories[sid]).briefs
        rows.append((sid, [c for b in briefs for c in b.claims], stories[sid], reference_text(refs[sid]),
                     [s.text for b in briefs for s in b.summary]))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--train", type=int, default=450)
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    from rouge_score import rouge_scorer

    args.cache.mkdir(parents=True, exist_ok=True)
    rows = []
    for split, limit in (("val", None), ("train", args.train)):
        path = args.cache / f"{split}-{limit}.pkl"
        if not path.exists():
            path.write_bytes(pickle.dumps(brief_split(split, limit)))
        rows += pickle.loads(path.read_bytes())
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    old = [scorer.score(ref, " ".join(s))["rouge2"].fmeasure for _, _, _, ref, s in rows]
    shipped = (S.CENTRAL_WEIGHT, S.WORDS_PER_REPORT)
    scores = {}
    for w, n in GRID:
        S.CENTRAL_WEIGHT, S.WORDS_PER_REPORT = w, n
        scores[(w, n)] = [scorer.score(ref, " ".join(x.text for x in S.summarize(cl, ar)))["rouge2"].fmeasure
                          for _, cl, ar, ref, _ in rows]
    S.CENTRAL_WEIGHT, S.WORDS_PER_REPORT = shipped

    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs)

    idx = list(range(len(rows)))
    random.Random(1).shuffle(idx)
    gains = []
    for k in range(args.folds):
        test = set(idx[k :: args.folds])
        train = [i for i in idx if i not in test]
        best = max(scores, key=lambda p: mean([scores[p][i] for i in train]))
        gain = mean([scores[best][i] - old[i] for i in test])
        gains.append(gain)
        print(f"fold {k}: chose CENTRAL_WEIGHT={best[0]} WORDS_PER_REPORT={best[1]}, held-out ROUGE-2 gain {gain:+.4f}")
    print(f"{len(rows)} stories; held-out gain mean {mean(gains):+.4f}, spread (sd) {statistics.pstdev(gains):.4f}")
    val = [i for i, r in enumerate(rows) if r[0].startswith("neus-val")]
    if shipped in scores:
        print(f"val, shipped values {shipped}: {mean([scores[shipped][i] for i in val]):.4f} "
              f"(cached summaries: {mean([old[i] for i in val]):.4f})")


if __name__ == "__main__":
    main()
