"""Scoring quote extraction against PolNeAR-format gold attributions.

The figures equal those of the reference scorer ``eval/scorers/score_quotes.py``
on the same input (a test runs both). The matching rule:

* Only alphanumeric characters inside a span count, so quotation marks,
  punctuation, spacing and the cue between the halves of a split quote
  hardly matter. A gold content is the union of its spans. (A span with no
  alphanumeric character counts its non-space characters.)
* A predicted and a gold content are candidates when the Jaccard overlap of
  those characters is at least the threshold (0.5). Candidates are accepted
  greedily, best overlap first, one-to-one, per document.
* Only the first gold line per document id is scored (the first annotator).
  Gold attributions without content are dropped.
* Direct vs indirect: a gold content with a double quotation mark is direct.
  A matched prediction takes its gold partner's class; an unmatched one is
  direct when its span (two characters wider on each side) has a double
  quotation mark. The predicted ``direct`` flag is scored apart
  (``direct_flag_acc``).
* Speaker: right when the predicted span overlaps a gold source span, or
  the normalised predicted text equals or is a contiguous run of the
  normalised gold source text; when gold has no source, right only if the
  prediction has none either.
* End to end: a matched pair with the right speaker; P over all predictions,
  R over all gold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.errors import EvalError
from newsprism.evaluation.io import read_jsonl
from newsprism.model import Article

# Gold cues of reported speech (verbs of saying, speech tags, a bare colon), for the
# recall breakdown only. Kept identical to the reference scorer's list.
SPEECH_CUE = re.compile(
    r"\b(?:sa(?:y|ys|id|ying)|t(?:ell|ells|old|elling)|add(?:s|ed|ing)?|according|"
    r"wr(?:ite|ites|ote|iting|itten)|not(?:e|es|ed|ing)|ask(?:s|ed|ing)?|report(?:s|ed|ing)?|"
    r"announc\w*|explain\w*|argu\w*|claim\w*|tweet\w*|stat(?:e|es|ed|ing|ement)|insist\w*|"
    r"declar\w*|warn\w*|acknowledg\w*|admit\w*|recall\w*|repl(?:y|ies|ied|ying)|respond\w*|"
    r"continu\w*|suggest\w*|conclu\w*|testif\w*|comment\w*|remark\w*|quip\w*|jok(?:e|es|ed|ing)|"
    r"confirm\w*|den(?:y|ies|ied|ying)|predict\w*|assert\w*|alleg\w*|contend\w*|maintain\w*|"
    r"stress\w*|emphasi\w*|observ\w*|complain\w*|conced\w*|promis\w*|pledg\w*|vow\w*|urg\w*|"
    r"post(?:s|ed)?|exclaim\w*|interview\w*|speech|remarks)\b|^\W*:\W*$",
    re.I,
)
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you", "it", "who", "which", "that",
                      "his", "her", "their", "him", "them", "us", "me", "one", "whom"})
# Double quotation marks that make a content "direct" (single quotes collide with apostrophes).
_DQ = frozenset('"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02')
_DROP = frozenset({"the", "a", "an", "mr", "mrs", "ms", "miss", "dr"})


def raw_articles(rows: Iterable[dict[str, Any]], wanted: set[str]) -> list[Article]:
    """The documents to extract from, as read: gold offsets refer to the raw texts, unprepared."""
    return [Article(id=r["id"], text=r.get("text") or "") for r in rows if r["id"] in wanted]


def has_double_quote(s: str) -> bool:
    return any(c in _DQ for c in s) or "``" in s or "''" in s


def charset(text: str, spans: Iterable[tuple[int, int]]) -> set[int]:
    """Positions of the alphanumeric characters in the union of ``spans``."""
    spans = [(max(0, int(s)), min(len(text), int(e))) for s, e in spans]
    pos = {i for s, e in spans for i in range(s, e) if text[i].isalnum()}
    if not pos:
        pos = {i for s, e in spans for i in range(s, e) if not text[i].isspace()}
    return pos


def norm_tokens(s: str | None) -> list[str]:
    s = (s or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    s = re.sub(r"'s\b", " ", s)
    toks = re.findall(r"[^\W_]+", s)
    kept = toks
    while kept and kept[0] in _DROP:
        kept = kept[1:]
    return kept or toks


def _contains(small: list[str], big: list[str]) -> bool:
    n = len(small)
    return n > 0 and any(big[i : i + n] == small for i in range(len(big) - n + 1))


def pred_spans(content: dict[str, Any] | None) -> list[tuple[int, int]]:
    if content is None:
        return []
    if content.get("spans"):
        return [(int(s), int(e)) for s, e in content["spans"]]
    if "start" in content and "end" in content:
        return [(int(content["start"]), int(content["end"]))]
    return []


def speaker_ok(text: str, pred: dict[str, Any] | None, gold_source: dict[str, Any] | None) -> bool:
    gspans = (gold_source or {}).get("spans") or []
    gtext = (gold_source or {}).get("text") or " ".join(text[s:e] for s, e in gspans)
    has_span = pred is not None and pred.get("start") is not None and pred.get("end") is not None
    pred_null = not pred or (not (pred.get("text") or "").strip() and not has_span)
    if not gspans and not (gtext or "").strip():
        return pred_null
    if pred_null:
        return False
    assert pred is not None
    if has_span:
        ps, pe = int(pred["start"]), int(pred["end"])
        if any(ps < e and s < pe for s, e in gspans):
            return True
        ptext = pred.get("text") or text[ps:pe]
    else:
        ptext = pred.get("text") or ""
    p, g = norm_tokens(ptext), norm_tokens(gtext)
    return bool(p) and (p == g or _contains(p, g))


def _prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


@dataclass
class _Gold:
    chars: set[int]
    direct: bool
    source: dict[str, Any] | None
    speech: bool


@dataclass
class _Pred:
    chars: set[int]
    text_direct: bool
    flag: bool
    speaker: dict[str, Any] | None


@dataclass
class _Counts:
    c: dict[str, int] = field(default_factory=lambda: dict.fromkeys((
        "gold pred tp gold_skipped_no_content gold_dir gold_ind tp_dir tp_ind fp_dir fp_ind "
        "spk_ok spk_ok_dir spk_ok_ind matched_gold_nosrc matched_gold_pron spk_ok_pron flag_ok "
        "pred_bad_offsets docs_without_pred gold_speech tp_speech e2e_speech gold_other tp_other e2e_other"
    ).split(), 0))

    def add(self, key: str, n: int | bool = 1) -> None:
        self.c[key] += int(n)


def _gold_items(text: str, gold: dict[str, Any], counts: _Counts) -> list[_Gold]:
    items = []
    for a in gold.get("attributions") or []:
        spans = (a.get("content") or {}).get("spans") or []
        if not spans:
            counts.add("gold_skipped_no_content")
            continue
        ctext = a["content"].get("text") or " ".join(text[s:e] for s, e in spans)
        cue = (a.get("cue") or {}).get("text") or ""
        items.append(_Gold(charset(text, spans), has_double_quote(ctext), a.get("source"), bool(SPEECH_CUE.search(cue))))
    return items


def _pred_items(text: str, quotes: list[dict[str, Any]], counts: _Counts) -> list[_Pred]:
    items = []
    for q in quotes:
        spans = pred_spans(q.get("content"))
        if not spans or any(s < 0 or e > len(text) or s >= e for s, e in spans):
            counts.add("pred_bad_offsets")
            spans = [(max(0, s), min(len(text), e)) for s, e in spans]
        lo = min((s for s, _ in spans), default=0)
        hi = max((e for _, e in spans), default=0)
        items.append(_Pred(charset(text, spans) if spans else set(), has_double_quote(text[max(0, lo - 2) : hi + 2]),
                           bool(q.get("direct")), q.get("speaker")))
    return items


def _match(P: list[_Pred], G: list[_Gold], threshold: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, best Jaccard first (ties: lower indices first)."""
    cands = []
    for i, p in enumerate(P):
        if not p.chars:
            continue
        for j, g in enumerate(G):
            inter = len(p.chars & g.chars)
            if inter:
                jac = inter / len(p.chars | g.chars)
                if jac >= threshold:
                    cands.append((-jac, i, j))
    cands.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in cands:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


def _score_doc(text: str, G: list[_Gold], P: list[_Pred], counts: _Counts, threshold: float) -> None:
    counts.add("gold", len(G))
    counts.add("pred", len(P))
    counts.add("gold_dir", sum(g.direct for g in G))
    counts.add("gold_ind", sum(not g.direct for g in G))
    counts.add("gold_speech", sum(g.speech for g in G))
    counts.add("gold_other", sum(not g.speech for g in G))
    matched = set()
    for i, j in _match(P, G, threshold):
        matched.add(i)
        g, p = G[j], P[i]
        cls = "dir" if g.direct else "ind"
        counts.add("tp")
        counts.add("tp_" + cls)
        counts.add("flag_ok", p.flag == g.direct)
        ok = speaker_ok(text, p.speaker, g.source)
        if not ((g.source or {}).get("spans") or []):
            counts.add("matched_gold_nosrc")
        elif " ".join(norm_tokens((g.source or {}).get("text", ""))) in PRONOUNS:
            counts.add("matched_gold_pron")
            counts.add("spk_ok_pron", ok)
        counts.add("spk_ok", ok)
        counts.add("spk_ok_" + cls, ok)
        kind = "speech" if g.speech else "other"
        counts.add("tp_" + kind)
        counts.add("e2e_" + kind, ok)
    for i, p in enumerate(P):
        if i not in matched:
            counts.add("fp_dir" if p.text_direct else "fp_ind")


def score_quotes(
    articles: Iterable[dict[str, Any]],
    gold: Iterable[dict[str, Any]],
    predictions: Iterable[dict[str, Any]],
    threshold: float = 0.5,
) -> dict[str, Any]:
    """All figures as one dict, keys as in the reference scorer's --json output."""
    texts = {a["id"]: a["text"] for a in articles}
    first_gold: dict[str, dict[str, Any]] = {}
    for g in gold:
        first_gold.setdefault(g["id"], g)
    preds: dict[str, list[dict[str, Any]]] = {}
    for p in predictions:
        preds.setdefault(p["id"], []).extend(p.get("quotes") or [])
    missing = [d for d in first_gold if d not in texts]
    if missing:
        raise EvalError(f"{len(missing)} gold ids have no article text, e.g. {missing[0]}")
    counts = _Counts()
    for did, g in first_gold.items():
        text = texts[did]
        if did not in preds:
            counts.add("docs_without_pred")
        _score_doc(text, _gold_items(text, g, counts), _pred_items(text, preds.get(did, []), counts), counts, threshold)
    c = counts.c
    r: dict[str, Any] = {"docs": len(first_gold), "threshold": threshold, **c}
    r["content_p"], r["content_r"], r["content_f1"] = _prf(c["tp"], c["pred"], c["gold"])
    r["direct_p"], r["direct_r"], r["direct_f1"] = _prf(c["tp_dir"], c["tp_dir"] + c["fp_dir"], c["gold_dir"])
    r["indirect_p"], r["indirect_r"], r["indirect_f1"] = _prf(c["tp_ind"], c["tp_ind"] + c["fp_ind"], c["gold_ind"])
    r["speaker_acc"] = _ratio(c["spk_ok"], c["tp"])
    r["speaker_acc_direct"] = _ratio(c["spk_ok_dir"], c["tp_dir"])
    r["speaker_acc_indirect"] = _ratio(c["spk_ok_ind"], c["tp_ind"])
    r["direct_flag_acc"] = _ratio(c["flag_ok"], c["tp"])
    r["e2e_p"], r["e2e_r"], r["e2e_f1"] = _prf(c["spk_ok"], c["pred"], c["gold"])
    for kind in ("speech", "other"):
        r[kind + "_cue_content_r"] = _ratio(c["tp_" + kind], c["gold_" + kind])
        r[kind + "_cue_e2e_r"] = _ratio(c["e2e_" + kind], c["gold_" + kind])
    return r


def score_files(articles: str | Path, gold: str | Path, predictions: str | Path, threshold: float = 0.5) -> dict[str, Any]:
    return score_quotes(read_jsonl(articles), read_jsonl(gold), read_jsonl(predictions), threshold)


def format_report(r: dict[str, Any]) -> str:
    """The human-readable summary, the same lines the reference scorer prints."""
    lines = [
        f"docs={r['docs']} gold={r['gold']} (direct {r['gold_dir']}, indirect {r['gold_ind']}, "
        f"skipped_no_content {r['gold_skipped_no_content']}) pred={r['pred']} "
        f"docs_without_pred={r['docs_without_pred']} bad_offsets={r['pred_bad_offsets']}",
        f"{'':10s} {'P':>7s} {'R':>7s} {'F1':>7s}",
    ]
    for key, name in (("content", "content"), ("direct", "direct"), ("indirect", "indirect"), ("e2e", "end2end")):
        lines.append(f"{name:10s} {r[key + '_p']:7.4f} {r[key + '_r']:7.4f} {r[key + '_f1']:7.4f}")
    lines.append(
        f"speaker_acc={r['speaker_acc']:.4f} (direct {r['speaker_acc_direct']:.4f}, "
        f"indirect {r['speaker_acc_indirect']:.4f}) on {r['tp']} matched; "
        f"matched with no gold source={r['matched_gold_nosrc']}, pronoun gold source={r['matched_gold_pron']} "
        f"(speaker ok {r['spk_ok_pron']}); direct_flag_acc={r['direct_flag_acc']:.4f}"
    )
    lines.append(
        f"recall by gold cue: speech-verb cues n={r['gold_speech']} content_r={r['speech_cue_content_r']:.4f} "
        f"e2e_r={r['speech_cue_e2e_r']:.4f}; other cues n={r['gold_other']} "
        f"content_r={r['other_cue_content_r']:.4f} e2e_r={r['other_cue_e2e_r']:.4f}"
    )
    lines.append(f"e2e_f1={r['e2e_f1']:.4f}")
    return "\n".join(lines) + "\n"
