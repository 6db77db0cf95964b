"""Story-clustering scores, figure for figure those of eval/scorers/score_clusters.py.

Scored over the gold ids only: a gold id missing from the predictions (or
with story null) is its own singleton; predicted ids not in gold are counted
as extra and ignored; a repeated id keeps its first line. BCubed P/R/F1 are
averaged over items; pairwise P/R/F1 are over unordered pairs (0/0 = 1.0);
the adjusted Rand index follows Hubert and Arabie.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from newsprism.errors import EvalError
from newsprism.evaluation.io import read_jsonl
from newsprism.model import Problem


def labels_from_rows(rows: Iterable[Mapping[str, Any]], where: str = "input") -> tuple[dict[str, str | None], int]:
    """id -> story from {"id", "story"} rows, and how many repeated ids were dropped."""
    labels: dict[str, str | None] = {}
    dups = 0
    for n, r in enumerate(rows, 1):
        if not isinstance(r, Mapping) or "id" not in r:
            raise EvalError(f"{where}: record {n} has no id")
        if r["id"] in labels:
            dups += 1
            continue
        labels[r["id"]] = r.get("story")
    return labels, dups


def read_labels(path: Path, skipped: list[Problem] | None = None) -> tuple[dict[str, str | None], int]:
    """id -> story from a JSONL file, and how many repeated ids were dropped; a bad line goes to
    ``skipped`` (fatal without it), as ``evaluation.io.read_jsonl`` says."""
    rows = list(read_jsonl(path, skipped, need_id=True))
    return labels_from_rows(rows, str(path))


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_clusters(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> dict[str, Any]:
    """The metrics, as floats, for gold and predicted labels (dicts id -> story)."""
    ids = list(gold)
    n = len(ids)
    g = [gold[i] for i in ids]
    p = [("__label__", pred[i]) if pred.get(i) is not None else ("__singleton__", i) for i in ids]
    g_size, p_size, joint = Counter(g), Counter(p), Counter(zip(g, p))

    bp = sum(joint[(gi, pi)] / p_size[pi] for gi, pi in zip(g, p)) / n if n else 0.0
    br = sum(joint[(gi, pi)] / g_size[gi] for gi, pi in zip(g, p)) / n if n else 0.0

    tp = sum(_pairs(c) for c in joint.values())
    pp = sum(_pairs(c) for c in p_size.values())
    gp = sum(_pairs(c) for c in g_size.values())
    pw_p = tp / pp if pp else 1.0
    pw_r = tp / gp if gp else 1.0

    total = _pairs(n)
    expected = pp * gp / total if total else 0.0
    max_index = (pp + gp) / 2
    ari = 1.0 if max_index == expected else (tp - expected) / (max_index - expected)

    covered = sum(1 for i in ids if i in pred)
    return {
        "n_gold_items": n,
        "bcubed_p": bp,
        "bcubed_r": br,
        "bcubed_f1": _f1(bp, br),
        "pairwise_p": pw_p,
        "pairwise_r": pw_r,
        "pairwise_f1": _f1(pw_p, pw_r),
        "ari": ari,
        "n_pred_clusters": len(p_size),
        "n_gold_clusters": len(g_size),
        "coverage": covered / n if n else 0.0,
        "extra_pred_ids": sum(1 for i in pred if i not in gold),
    }


def as_json(metrics: Mapping[str, Any]) -> str:
    """One JSON object, floats rounded to 6 places as the reference prints them."""
    return json.dumps({k: round(v, 6) if isinstance(v, float) else v for k, v in metrics.items()})


def format_report(m: Mapping[str, Any]) -> str:
    return "\n".join(
        [
            f"items={m['n_gold_items']} coverage={m['coverage']:.4f} extra_pred_ids={m['extra_pred_ids']}",
            f"clusters: pred={m['n_pred_clusters']} gold={m['n_gold_clusters']}",
            f"bcubed:   P={m['bcubed_p']:.4f} R={m['bcubed_r']:.4f} F1={m['bcubed_f1']:.4f}",
            f"pairwise: P={m['pairwise_p']:.4f} R={m['pairwise_r']:.4f} F1={m['pairwise_f1']:.4f}",
            f"ari={m['ari']:.4f}",
            f"bcubed_f1={m['bcubed_f1']:.4f}",
        ]
    )
