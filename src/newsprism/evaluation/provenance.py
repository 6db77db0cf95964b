"""Scoring who each stretch of an article rests on, against PolNeAR-format gold.

The figures equal those of the reference scorer ``eval/scorers/score_provenance.py``
on the same input (a test runs both). The rule:

* Only alphanumeric characters count.
* A gold attribution covers every character from the first to the last
  character of its source, cue and content spans together ("X said that Y"
  is covered whole); characters no gold attribution covers are the outlet's
  own voice. Only the first gold line per document id is scored.
* A predicted stretch credits its characters to its source; where stretches
  overlap, the first one listed wins.
* attributed P/R/F1: characters credited to a source by the prediction
  against those the gold credits to one.
* source accuracy: over characters both credit to a source, the share where
  the predicted source is right: its span overlaps the gold source span of an
  attribution covering the character, or its normalised name or text equals,
  contains or is contained in that gold source's text (a gold pronoun only by
  overlap). Where the gold names no source, right only when none is given.
* Gold documents missing from the prediction count as all own voice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from newsprism.model import Article

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "its", "him", "them", "us"})


def _norm(s: str | None) -> str:
    return _NON_WORD.sub(" ", (s or "").lower()).strip()


def _spans(part: dict[str, Any] | None) -> list[tuple[int, int]]:
    if not part:
        return []
    return [(int(a), int(b)) for a, b in part.get("spans") or [] if b > a]


def gold_articles(rows: Iterable[dict[str, Any]], wanted: set[str]) -> list[Article]:
    """The documents to trace, read as `newsprism provenance` reads them (prepared: paragraphs,
    headline), their texts untouched, so the gold offsets still hold."""
    from newsprism.extract.prepare import prepare_articles

    return prepare_articles([Article(id=r["id"], text=r.get("text") or "", title=r.get("title"), outlet=r.get("outlet"))
                             for r in rows if r["id"] in wanted])


def source_ok(pred: dict[str, Any] | None, gold: dict[str, Any] | None) -> bool:
    """Whether a predicted source matches one gold attribution's source."""
    g_spans = _spans(gold)
    if not g_spans and not (gold or {}).get("text"):
        return not pred  # the gold names no source ("it was reported"): right only if none is named
    if not pred:
        return False
    if "start" in pred and "end" in pred and pred["start"] is not None and pred["end"] is not None:
        s, e = int(pred["start"]), int(pred["end"])
        if any(s < ge and gs < e for gs, ge in g_spans):
            return True
    gt = _norm((gold or {}).get("text"))
    if not gt or gt in _PRONOUNS:
        return False
    for key in ("name", "text"):
        pt = _norm(pred.get(key))
        if pt and (pt == gt or f" {pt} " in f" {gt} " or f" {gt} " in f" {pt} "):
            return True
    return False


def score_provenance(
    articles: Iterable[dict[str, Any]], gold: Iterable[dict[str, Any]], predictions: Iterable[dict[str, Any]]
) -> dict[str, Any]:
    """All figures as one dict, keys as in the reference scorer's --json output."""
    texts = {a["id"]: a["text"] for a in articles}
    first: dict[str, list[dict[str, Any]]] = {}
    for g in gold:
        if g["id"] in texts and g["id"] not in first:
            first[g["id"]] = g.get("attributions") or []
    pred = {p["id"]: p.get("spans") or [] for p in predictions}
    tp = fp = fn = both = ok = bad = 0
    for doc_id, attrs in first.items():
        text = texts[doc_id]
        n = len(text)
        cover: list[list[int]] = [[] for _ in range(n)]
        for k, a in enumerate(attrs):
            parts = _spans(a.get("source")) + _spans(a.get("cue")) + _spans(a.get("content"))
            if parts:
                for i in range(max(0, min(s for s, _ in parts)), min(n, max(e for _, e in parts))):
                    cover[i].append(k)
        source: list[dict[str, Any] | None] = [None] * n
        credited = bytearray(n)
        for sp in pred.get(doc_id, []):
            s, e = int(sp.get("start", -1)), int(sp.get("end", -1))
            if not 0 <= s < e <= n:
                bad += 1
                continue
            for i in range(s, e):
                if not credited[i]:
                    credited[i] = 1
                    source[i] = sp.get("source")
        for i, ch in enumerate(text):
            if not ch.isalnum():
                continue
            if credited[i] and cover[i]:
                tp += 1
                both += 1
                ok += any(source_ok(source[i], attrs[k].get("source")) for k in cover[i])
            elif credited[i]:
                fp += 1
            elif cover[i]:
                fn += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "docs": len(first),
        "docs_without_pred": sum(1 for d in first if d not in pred),
        "pred_bad_offsets": bad,
        "chars_attributed_gold": tp + fn,
        "chars_attributed_pred": tp + fp,
        "attributed_p": round(p, 4),
        "attributed_r": round(r, 4),
        "attributed_f1": round(f, 4),
        "source_acc": round(ok / both, 4) if both else 0.0,
    }


def format_report(r: dict[str, Any]) -> str:
    """The human-readable lines the reference scorer prints."""
    return "".join(f"{k:24} {v}\n" for k, v in r.items())
