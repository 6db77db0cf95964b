"""ROUGE of story summaries against human roundups (NeuS format), beside the lead baseline.

Scoring rule (there is no reference scorer for summaries in eval/scorers, so
this is the definition):

- stories: the gold story of each article (``{"id", "story"}`` lines); a
  story is scored when it has a reference and at least one article;
- reference: the text after ``ARTICLE=>`` in ``{"story", "reference"}``
  lines (the roundup itself, not its ``TITLE=>`` headline), or the whole
  reference when there is no marker;
- system summary: the sentences of ``claims.summarize`` for the story, run
  through the full pipeline with the story's articles as one story,
  joined by spaces;
- lead baseline: the first body sentence of each article, in gold order;
- ROUGE-1, ROUGE-2 and ROUGE-L F-measure from the rouge-score package with
  its Porter stemmer, averaged over stories (macro).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from newsprism.errors import EvalError, MissingExtraError
from newsprism.model import Article

METRICS = ("rouge1", "rouge2", "rougeL")


@dataclass
class StoryResult:
    story: str
    articles: list[str]
    summary: list[dict[str, Any]]
    lead: list[str]
    scores: dict[str, float] = field(default_factory=dict)
    lead_scores: dict[str, float] = field(default_factory=dict)


def reference_text(raw: str) -> str:
    """The roundup without its headline: "TITLE=> ... ARTICLE=> text" -> "text"."""
    head, sep, body = raw.partition("ARTICLE=>")
    return (body if sep else head.replace("TITLE=>", "")).strip()


def lead_sentences(articles: list[Article]) -> list[str]:
    out = []
    for a in articles:
        body = a.body_sentences()
        if body:
            out.append(a.text[body[0].start : body[0].end].strip())
    return out


def _scorer() -> Any:
    try:
        from rouge_score import rouge_scorer
    except ImportError as e:
        raise MissingExtraError("rouge-score", "eval", "ROUGE scoring") from e
    return rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)


def rouge(scorer: Any, reference: str, summary: str) -> dict[str, float]:
    scores = scorer.score(reference, summary)
    return {m: scores[m].fmeasure for m in METRICS}


def group_by_story(articles: list[Article], gold: Iterable[dict[str, Any]]) -> dict[str, list[Article]]:
    """Articles per gold story, in gold order; articles without a gold line are left out."""
    by_id = {a.id: a for a in articles}
    stories: dict[str, list[Article]] = {}
    for row in gold:
        if "id" not in row or "story" not in row:
            raise EvalError(f"gold line without id or story: {row}")
        a = by_id.get(row["id"])
        if a is not None:
            stories.setdefault(str(row["story"]), []).append(a)
    return stories


def score_stories(
    stories: dict[str, list[Article]],
    references: dict[str, str],
    summarize: Callable[[list[Article]], list[dict[str, Any]]],
    on_story: Callable[[], None] | None = None,
) -> tuple[dict[str, Any], list[StoryResult]]:
    """Macro ROUGE of ``summarize`` and of the lead baseline over stories that have a reference."""
    scorer = _scorer()
    results: list[StoryResult] = []
    for sid, arts in stories.items():
        ref = references.get(sid)
        if ref is None:
            continue
        summary = summarize(arts)
        lead = lead_sentences(arts)
        r = StoryResult(sid, [a.id for a in arts], summary, lead)
        r.scores = rouge(scorer, reference_text(ref), " ".join(s["text"] for s in summary))
        r.lead_scores = rouge(scorer, reference_text(ref), " ".join(lead))
        results.append(r)
        if on_story:
            on_story()
    if not results:
        raise EvalError("no story has both articles and a reference")
    n = len(results)
    report = {
        "summary": {m: sum(r.scores[m] for r in results) / n for m in METRICS},
        "lead": {m: sum(r.lead_scores[m] for r in results) / n for m in METRICS},
        "stories": n,
    }
    return report, results


def format_report(report: dict[str, Any]) -> str:
    lines = [f"stories: {report['stories']}", f"{'':10}{'ROUGE-1':>9}{'ROUGE-2':>9}{'ROUGE-L':>9}"]
    for name in ("summary", "lead"):
        s = report[name]
        lines.append(f"{name:10}" + "".join(f"{s[m]:9.4f}" for m in METRICS))
    return "\n".join(lines)
