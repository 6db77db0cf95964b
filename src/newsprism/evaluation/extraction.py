"""Reading real web pages, scored.

Body text: the article-extraction benchmark's own metric, figure for figure
those of eval/scorers/score_extraction.py. Each text is cut into ``\\w+``
tokens and overlapping 4-token shingles; per page, true positives, false
positives and false negatives are counted over shingles (with repeats) and
scaled to sum to 1; precision is averaged over the pages where anything was
predicted, recall over the pages with a true body (so an empty prediction of a
body counts 0 for recall only), and F1 is taken from the two means. ``exact`` is the share of pages whose tokens
equal the truth's. A page missing from the predictions is an empty extraction.
``f1_std`` is a bootstrap estimate (200 resamples, seeded here, unseeded in the
scorer), so it is the one figure that varies a little between the two.

Halves: the benchmark's pages sorted by id; the dev half is every other page
from the first (positions 0, 2, 4, ...), the other half the rest.

Metadata, against labels of what each page visibly shows (one JSON line per
page: ``{"id", "title", "byline": [names], "published": "YYYY-MM-DD" | null,
"outlet": name | [names]}``):

- title: equal once normalised (NFKC, case folded, every run of characters
  that are not letters or digits read as one space);
- byline: the same set of names, each normalised as a title; a page that
  shows no person's name needs an empty byline;
- published: scored on pages that show a date (the others are counted apart).
  A bare date must be the shown day; a time with a UTC offset may fall on the
  shown day in any time zone from UTC-12 to UTC+14 (the page prints its local
  day); a time without an offset must be on the shown day;
- outlet: equal to one of the label's names once a leading "The", a trailing
  domain ending (".com", ".co.uk") and every character that is not a letter or
  digit are dropped, case folded ("Sportsnet.ca" = "Sportsnet").
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from newsprism.errors import EvalError, InputError
from newsprism.evaluation.io import read_jsonl
from newsprism.model import Problem

HALVES = ("dev", "other", "all")
FIELDS = ("title", "byline", "published", "outlet")
_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
_NOT_WORD = re.compile(r"[\W_]+")
_DOMAIN_END = re.compile(r"\.(?:com|net|org|info|co|us|ca|uk|au|in|ru|br|it|de|fr|kr|jp|tv|news)(?:\.[a-z]{2})?$")
_BOOTSTRAP = 200


@dataclass(frozen=True)
class Bench:
    """An article-extraction benchmark folder: true bodies and the pages they came from."""

    root: Path
    truth: dict[str, str]  # page id -> true body

    @property
    def pages(self) -> Path:
        return self.root / "html"

    def ids(self, half: str = "all") -> list[str]:
        return half_ids(self.truth, half)


def load_bench(root: str | Path) -> Bench:
    root = Path(root)
    path = root / "ground_truth.json"
    if not path.is_file():
        raise InputError(f"{root}: no ground_truth.json (give the article_extraction folder)")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise EvalError(f"{path}: cannot read ({e})") from e
    if not isinstance(raw, dict):
        raise EvalError(f"{path}: expected an object of page id -> {{articleBody}}")
    odd = next((k for k, v in raw.items() if v is not None and not isinstance(v, dict)), None)
    if odd is not None:
        raise EvalError(f"{path}: page {odd!r} is not an object with an articleBody")
    return Bench(root, {k: (v or {}).get("articleBody") or "" for k, v in raw.items()})


def half_ids(ids: Iterable[str], half: str) -> list[str]:
    """The page ids of one half (see the module docstring), sorted."""
    ordered = sorted(ids)
    if half == "dev":
        return ordered[0::2]
    if half == "other":
        return ordered[1::2]
    if half == "all":
        return ordered
    raise InputError(f"unknown half {half!r}; choose one of {', '.join(HALVES)}")


# ---------------------------------------------------------------- body text


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _tokens(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def _page_counts(true: str, pred: str) -> tuple[float, float, float]:
    t, p = _shingles(true), _shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _prf(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    p = _mean([_precision(*c) for c in counts if c[0] + c[1] > 0])
    r = _mean([_recall(*c) for c in counts if c[0] + c[2] > 0])
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_bodies(truth: Mapping[str, str], predicted: Mapping[str, str]) -> dict[str, Any]:
    """Benchmark figures over the pages in ``truth``; ``predicted`` maps page id -> text."""
    if not truth:
        raise EvalError("no pages to score")
    ids = list(truth)
    counts = [_page_counts(truth[i], predicted.get(i) or "") for i in ids]
    p, r, f1 = _prf(counts)
    rng = random.Random(0)
    boot = [_prf([counts[rng.randrange(len(counts))] for _ in counts])[2] for _ in range(_BOOTSTRAP)]
    mean = _mean(boot)
    std = (sum((b - mean) ** 2 for b in boot) / (len(boot) - 1)) ** 0.5
    exact = _mean([float(_tokens(truth[i]) == _tokens(predicted.get(i) or "")) for i in ids])
    return {
        "pages": len(ids),
        "missing": sum(1 for i in ids if i not in predicted),
        "f1": round(f1, 4),
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1_std": round(std, 4),
        "exact": round(exact, 4),
    }


# ---------------------------------------------------------------- metadata


def read_labels(path: str | Path, skipped: list[Problem] | None = None) -> dict[str, dict[str, Any]]:
    """id -> labels; a bad line goes to ``skipped`` (fatal without it), as ``evaluation.io.read_jsonl`` says."""
    return {row["id"]: row for row in read_jsonl(path, skipped, need_id=True)}


def norm_text(value: Any) -> str:
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", str(value or "")).casefold()).strip()


def norm_outlet(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).casefold().strip()
    text = _DOMAIN_END.sub("", re.sub(r"^the\s+", "", text))
    return _NOT_WORD.sub("", text)


def _names(value: Any) -> set[str]:
    items = value if isinstance(value, list) else ([value] if value else [])
    return {n for n in (norm_text(v) for v in items) if n}


def _date_matches(shown: str, predicted: Any) -> bool:
    if not isinstance(predicted, str) or len(predicted) < 10:
        return False
    try:
        day = date.fromisoformat(shown)
        if len(predicted) == 10:
            return date.fromisoformat(predicted) == day
        moment = datetime.fromisoformat(predicted)
    except ValueError:
        return False
    if moment.tzinfo is None:
        return moment.date() == day
    try:
        utc = moment.astimezone(UTC).replace(tzinfo=None)
        return (utc - timedelta(hours=12)).date() <= day <= (utc + timedelta(hours=14)).date()
    except OverflowError:  # year 1 or 9999: no real day
        return False


def field_matches(field: str, label: Any, predicted: Any) -> bool:
    if field == "title":
        return norm_text(label) == norm_text(predicted)
    if field == "byline":
        return _names(label) == _names(predicted)
    if field == "published":
        return _date_matches(label, predicted)
    if field == "outlet":
        forms = label if isinstance(label, list) else [label]
        got = norm_outlet(predicted)
        return bool(got) and any(norm_outlet(f) == got for f in forms)
    raise ValueError(field)


def score_metadata(labels: Mapping[str, Mapping[str, Any]], rows: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Accuracy per field over the labelled pages, and each miss (page id, label, prediction)."""
    if not labels:
        raise EvalError("no labelled pages to score")
    out: dict[str, Any] = {"pages": len(labels)}
    misses: dict[str, list[dict[str, Any]]] = {}
    for field in FIELDS:
        right = scored = 0
        for pid, label in labels.items():
            if field == "published" and not label.get(field):
                continue  # the page shows no date: nothing to check a date against
            scored += 1
            got = (rows.get(pid) or {}).get(field)
            if field_matches(field, label.get(field), got):
                right += 1
            else:
                misses.setdefault(field, []).append({"id": pid, "label": label.get(field), "got": got})
        out[field] = {"accuracy": round(right / scored, 4) if scored else None, "right": right, "scored": scored}
    out["misses"] = misses
    return out


def format_report(body: Mapping[str, Any] | None, meta: Mapping[str, Any] | None, half: str) -> str:
    lines = [f"pages: {half} half" if half != "all" else "pages: all"]
    if body is not None:
        lines += [f"body {k:10} {body[k]}" for k in ("pages", "missing", "f1", "precision", "recall", "f1_std", "exact")]
    if meta is not None:
        for field in FIELDS:
            m = meta[field]
            lines.append(f"{field:15} {m['accuracy']} ({m['right']} of {m['scored']})")
        for field, rows in meta["misses"].items():
            for r in rows:
                lines.append(f"  miss {field}: {r['id'][:12]} label={r['label']!r} got={r['got']!r}")
    return "\n".join(lines)
