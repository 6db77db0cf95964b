"""Fit the summary's sentence scorer on NeuS train and judge it by k-fold cross-validation.

    .venv/bin/python scripts/tune_summary.py --cache DIR [--folds 5] [--write] [--val]

Briefs every NeuS train and val story once, as ``newsprism eval summary`` does
(each gold story alone, no framing), and caches their claims, articles and
summaries in ``--cache`` (delete it to re-brief). Each candidate sentence
(``claims.summary.candidates``) gets its ``FEATURES`` row and, as its label, its
ROUGE-2 precision plus recall against the story's roundup. A fit is a ridge regression of
the labels on the standardised features, then the ``words_per_report`` and
``article_penalty`` of GRID that give the fitted stories the best summaries.

K-fold over train: fit on the other folds, score the held-out fold's summaries
(ROUGE-2 F, macro, as ``newsprism.evaluation.summary`` scores it), and print
per fold the new summaries, the lead baseline and the summaries cached from
the code as it was when the cache was made, with the mean and spread of the
differences. ``--write`` fits all of train and writes
``src/newsprism/claims/summary_scorer.json``; ``--val`` scores val with the
fitted scorer (look at val once, after the folds have decided).
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import statistics
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

from newsprism.claims import summary as S
from newsprism.evaluation.summary import group_by_story, lead_sentences, reference_text
from newsprism.pipeline import Pipeline, Settings

NEUS = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "neus"
GRID = [(w, p) for w in (10, 12, 15, 20, 25) for p in (0.0, 0.01, 0.02, 0.04, 0.08)]
ALPHA = 1.0  # ridge strength on standardised features
RECALL = 1.0  # the weight of a sentence's ROUGE-2 recall in its label, beside its precision


def brief_split(split: str) -> list[tuple[str, list[Any], list[Any], str, list[str]]]:
    def jsonl(name: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in (NEUS / f"{split}_{name}.jsonl").open()]

    refs = {str(r["story"]): r["reference"] for r in jsonl("reference_summaries")}
    articles = Pipeline(Settings()).read([str(NEUS / f"{split}_articles.jsonl")]).articles
    stories = group_by_story(articles, jsonl("gold_stories"))
    pipeline = Pipeline(Settings(single_story=True, framing=False))
    rows = []
    for sid in sorted(s for s in stories if s in refs):
        briefs = pipeline.analyze(stories[sid]).briefs
        rows.append((sid, [c for b in briefs for c in b.claims], stories[sid], reference_text(refs[sid]),
                     [s.text for b in briefs for s in b.summary]))
    return rows


class Story:
    """One story's candidates, features, labels and what ROUGE needs, computed once."""

    def __init__(self, row: tuple[str, list[Any], list[Any], str, list[str]], scorer: Any) -> None:
        self.id, claims, self.articles, ref, cached = row
        self.cands = S.candidates(claims, self.articles)
        self.rows = S.features(self.cands, self.articles)
        # Precision alone favours short sentences that say little of the roundup; recall, long ones.
        # Their sum beat precision alone on every fold of NeuS train (mean +0.0014 ROUGE-2) and F.
        rouges = [scorer.score(ref, x.text)["rouge2"] for x in self.cands]
        self.labels = [r.precision + RECALL * r.recall for r in rouges]
        tokenize = scorer._tokenizer.tokenize
        # The rouge-score tokenizer splits on spaces, so a summary's tokens are its sentences' in turn.
        self.tokens = {x.text: tokenize(x.text) for x in self.cands}
        ref_tokens = tokenize(ref)
        self.ref = Counter(pairwise(ref_tokens))
        self.lead = rouge2(self.ref, tokenize(" ".join(lead_sentences(self.articles))))
        self.before = rouge2(self.ref, tokenize(" ".join(cached)))

    def rouge(self, fitted: S.SentenceScorer, words: float | None = None, penalty: float | None = None) -> float:
        chosen = S.choose(self.cands, fitted.score(self.rows), self.articles,
                          fitted.words_per_report if words is None else words,
                          fitted.article_penalty if penalty is None else penalty)
        return rouge2(self.ref, [t for x in chosen for t in self.tokens[x.text]])


def rouge2(ref: Counter[tuple[str, str]], tokens: list[str]) -> float:
    """ROUGE-2 F as rouge-score computes it."""
    pairs = Counter(pairwise(tokens))
    hits = sum((ref & pairs).values())
    if not hits:
        return 0.0
    p, r = hits / sum(pairs.values()), hits / sum(ref.values())
    return 2 * p * r / (p + r)


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def fit(stories: list[Story]) -> S.SentenceScorer:
    import numpy as np
    from sklearn.linear_model import Ridge

    x = np.array([row for s in stories for row in s.rows])
    y = np.array([v for s in stories for v in s.labels])
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1.0
    model = Ridge(alpha=ALPHA).fit((x - mu) / sd, y)
    linear = S.SentenceScorer(tuple(mu.tolist()), tuple(sd.tolist()), tuple(model.coef_.tolist()),
                              float(model.intercept_), 0.0, 0.0)
    words, penalty = max(GRID, key=lambda g: mean([s.rouge(linear, *g) for s in stories]))
    return S.SentenceScorer(linear.mean, linear.scale, linear.weights, linear.intercept, words, penalty)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help="fit all of train and write the shipped scorer")
    ap.add_argument("--val", action="store_true", help="score NeuS val with the scorer fitted on all of train")
    args = ap.parse_args()
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    args.cache.mkdir(parents=True, exist_ok=True)
    data = {}
    for split in ("train", "val"):
        path = args.cache / f"{split}.pkl"
        if not path.exists():
            path.write_bytes(pickle.dumps(brief_split(split)))
        data[split] = [Story(row, scorer) for row in sorted(pickle.loads(path.read_bytes()), key=lambda r: r[0])]
    train = data["train"]
    idx = list(range(len(train)))
    random.Random(1).shuffle(idx)
    vs_lead, vs_before = [], []
    print("fold  stories  new     lead    before  words  penalty")
    for k in range(args.folds):
        held = set(idx[k :: args.folds])
        fitted = fit([train[i] for i in idx if i not in held])
        test = [train[i] for i in sorted(held)]
        new, lead, before = (mean([s.rouge(fitted) for s in test]), mean([s.lead for s in test]),
                             mean([s.before for s in test]))
        vs_lead.append(new - lead)
        vs_before.append(new - before)
        print(f"{k:4d}  {len(test):7d}  {new:.4f}  {lead:.4f}  {before:.4f}  {fitted.words_per_report:5g}  {fitted.article_penalty:g}")
    print(f"held out, new - lead: mean {mean(vs_lead):+.4f}, sd {statistics.pstdev(vs_lead):.4f}, min {min(vs_lead):+.4f}")
    print(f"held out, new - before: mean {mean(vs_before):+.4f}, sd {statistics.pstdev(vs_before):.4f}, min {min(vs_before):+.4f}")
    if not (args.write or args.val):
        return
    fitted = fit(train)
    print(f"all of train ({len(train)} stories): words_per_report {fitted.words_per_report:g}, "
          f"article_penalty {fitted.article_penalty:g}")
    if args.write:
        S.MODEL_PATH.write_text(fitted.to_json(
            fitted_on=f"NeuS train, {len(train)} stories, {sum(len(s.cands) for s in train)} sentences",
            label=f"ROUGE-2 precision + {RECALL:g} x recall of the sentence against the roundup", model=f"ridge regression, alpha {ALPHA}",
            made_by="scripts/tune_summary.py --write"), encoding="utf-8")
        print(f"wrote {S.MODEL_PATH}")
    if args.val:
        val = data["val"]
        print(f"val ({len(val)} stories) ROUGE-2: new {mean([s.rouge(fitted) for s in val]):.4f}, "
              f"lead {mean([s.lead for s in val]):.4f}, before {mean([s.before for s in val]):.4f}")


if __name__ == "__main__":
    main()
