"""Agency-copy recognition against PolNeAR's ``wire`` labels, and what it flags on unlabelled sets.

Usage:
  python scripts/eval_agencies.py ../shared/eval/polnear/{train,dev}_articles.jsonl
  python scripts/eval_agencies.py --flags ../shared/eval/neus/val_articles.jsonl ...

With labelled files: recall and precision overall, per agency and per fold
(``--folds``, every k-th article id), which kinds of mark found the agencies,
the errors, and the same figures with only the marks written from the
agencies' published conventions (``--without opening,rule``: AP's standing
"Things to Know" opener and its ``___`` section rules were added after
reading PolNeAR's misses). With ``--flags``: every article the matcher calls
agency copy, with the mark, to check by hand (these sets have no labels).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter

from newsprism.evaluation.agencies import folds, gold_agency, predicted_agency, score_agencies
from newsprism.evaluation.io import read_jsonl
from newsprism.extract import prepare_articles
from newsprism.extract.agencies import find_agency_marks
from newsprism.extract.outlets import outlet_identity
from newsprism.extract.segment import split_paragraphs
from newsprism.model import Article


def _articles(paths: list[str]) -> tuple[list[Article], dict[str, str | None]]:
    arts, gold = [], {}
    for path in paths:
        for d in read_jsonl(path):
            arts.append(Article(id=d["id"], text=d["text"], title=d.get("title"), outlet=d.get("outlet"), url=d.get("url")))
            gold[d["id"]] = gold_agency(d.get("wire"))
    return arts, gold


def _marks(a: Article, without: set[str]) -> list:
    host = outlet_identity(a.outlet)[0] if a.outlet else None
    return [m for m in find_agency_marks(a.text, split_paragraphs(a.text), host=host) if m.kind not in without]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--without", default="opening,rule", help="mark kinds left out for the conventions-only figures")
    ap.add_argument("--flags", action="store_true", help="list what is flagged on unlabelled files")
    args = ap.parse_args()
    arts, gold = _articles(args.paths)
    prepared = prepare_articles(arts)
    if args.flags:
        for a, p in zip(arts, prepared, strict=True):
            marks = _marks(a, set())
            if marks:
                m = marks[0]
                print(json.dumps({"id": a.id, "outlet": a.outlet, "agency": m.agency, "kind": m.kind, "mark": a.text[m.start : m.end][:120],
                                  "syndicated_from": p.syndicated_from}, ensure_ascii=False))
        print(f"{sum(1 for a in arts if _marks(a, set()))} of {len(arts)} articles flagged")
        return
    pred = {p.id: predicted_agency(p) for p in prepared}
    overall = score_agencies((i, gold[i], pred[i]) for i in gold)
    print("pipeline (prepare_articles):", json.dumps(overall.as_dict()))
    for aid, g, p in overall.errors:
        print(f"  error {aid}: gold {g}, predicted {p}")
    kinds: Counter[str] = Counter()
    for a in arts:
        if gold[a.id] and (marks := _marks(a, set())):
            kinds[marks[0].kind] += 1
    print("strongest mark on the gold agency articles:", dict(kinds))
    without = set(filter(None, args.without.split(",")))
    for label, drop in (("matcher, every mark", set()), (f"matcher, without {sorted(without)}", without)):
        by_id = {a.id: (ms[0].agency if (ms := _marks(a, drop)) else None) for a in arts}
        s = score_agencies((i, gold[i], by_id[i]) for i in gold)
        per_fold = [score_agencies((i, gold[i], by_id[i]) for i in fold) for fold in folds(list(gold), args.folds)]
        rs, ps = [f.recall for f in per_fold], [f.precision for f in per_fold]
        print(
            f"{label}: recall {s.recall:.3f} precision {s.precision:.3f}; {args.folds} folds: recall mean {statistics.mean(rs):.3f} "
            f"(min {min(rs):.3f}, max {max(rs):.3f}, sd {statistics.pstdev(rs):.3f}), precision mean {statistics.mean(ps):.3f} "
            f"(min {min(ps):.3f}, max {max(ps):.3f}, sd {statistics.pstdev(ps):.3f})"
        )
        print("   per agency:", json.dumps(s.as_dict()["per_agency"]))


if __name__ == "__main__":
    main()
