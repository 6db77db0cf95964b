"""Hand-check of claim alignment: does each article a claim lists have a sentence that says it?

    .venv/bin/python bench/alignment_check.py sample [--n 100] [--seed 24]   # print the pairs to judge
    .venv/bin/python bench/alignment_check.py score                          # precision and error types

Runs the claims stage on each gold story of BASIL (three outlets per event) and
NewsWCL50 (five outlets per event), ../shared/eval, and samples claim-article
pairs: a claim that lists two or more articles, and one article it lists other
than the claim's own (the representative sentence's). ``sample`` prints each
pair: the claim, and the sentence of the article cited for it. The judgements
(one per pair, written by a person who read both, no article text kept) are in
``alignment_judgements.tsv`` beside this script: pair number, story, article,
the supporting sentence's offsets, ``yes`` (the sentence says the claim) or
``no``, and for a ``no`` the error type. ``score`` recomputes the pairs, checks
that the judged ones are still the ones sampled, and prints the precision.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / ".." / "shared" / "eval"
JUDGED = Path(__file__).with_name("alignment_judgements.tsv")


def _stories() -> list[tuple[str, list]]:
    from newsprism.extract.prepare import prepare_articles
    from newsprism.model import Article

    out = []
    for name in ("basil", "newswcl50"):
        arts = {}
        for line in (EVAL / name / "articles.jsonl").read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            arts[d["id"]] = Article(id=d["id"], text=d["text"], title=d.get("title"), outlet=d.get("outlet"), published=d.get("published"))
        groups: dict[str, list] = defaultdict(list)
        for line in (EVAL / name / "gold_stories.jsonl").read_text(encoding="utf-8").splitlines():
            g = json.loads(line)
            if g["id"] in arts:
                groups[g["story"]].append(arts[g["id"]])
        out += [(f"{name}:{story}", prepare_articles(members)) for story, members in sorted(groups.items())]
    return out


def pairs(n: int, seed: int) -> list[dict]:
    from newsprism.claims import align_claims
    from newsprism.nlp import NLP

    nlp = NLP()
    found = []
    for story, arts in _stories():
        nlp.docs(arts)
        for c in align_claims(arts, nlp):
            if len(set(c.articles)) < 2:
                continue
            pivot = next(e for e in c.evidence if e.text == c.text)
            for ev in c.evidence:
                if ev.article != pivot.article:
                    found.append({"story": story, "claim": c.text, "pivot": pivot.article, "article": ev.article,
                                  "start": ev.start, "end": ev.end, "sentence": ev.text})
        nlp.forget(a.id for a in arts)
    random.Random(seed).shuffle(found)
    return found[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("sample", "score"))
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=24)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    sample = pairs(args.n, args.seed)
    if args.mode == "sample":
        for k, p in enumerate(sample, 1):
            print(f"#{k}\t{p['story']}\t{p['article']}\t{p['start']}\t{p['end']}")
            print(f"  CLAIM: {p['claim']}")
            print(f"  SAYS?: {p['sentence']}")
        return
    judged = {}
    for line in JUDGED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            k, story, article, start, end, label, *kind = line.split("\t")
            judged[int(k)] = (story, article, int(start), int(end), label, kind[0] if kind else "")
    labels, kinds = Counter(), Counter()
    for k, p in enumerate(sample, 1):
        story, article, start, end, label, kind = judged[k]
        assert (story, article, start, end) == (p["story"], p["article"], p["start"], p["end"]), f"pair {k} changed: judge again"
        labels[label] += 1
        if label == "no":
            kinds[kind] += 1
    total = sum(labels.values())
    print(f"precision {labels['yes']}/{total} = {labels['yes'] / total:.3f}; errors: {dict(kinds.most_common())}")


if __name__ == "__main__":
    main()
