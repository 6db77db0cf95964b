"""`newsprism eval summary`: ROUGE of the story summaries against human roundups, beside the lead baseline."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

import typer

from newsprism.commands._common import jsonl, lines_read, observing, write_output
from newsprism.commands._options import OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, Command
from newsprism.errors import InputError


def eval_summary_command(
    paths: list[str] = PATHS_ARG,
    references: Path = typer.Option(..., "--references", metavar="FILE", help="Reference summaries JSONL: {\"story\", \"reference\"}."),
    gold: Path = typer.Option(..., "--gold", metavar="FILE", help="Gold stories JSONL: {\"id\", \"story\"}."),
    fmt: Literal["text", "json"] = typer.Option("text", "--format", "-f", help="text or json."),
    summaries: Path | None = typer.Option(None, "--summaries", metavar="FILE", help="Also write each story's summary and lead (JSONL)."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Group the articles by gold story, summarise each, print ROUGE-1/2/L for the summaries and the lead baseline.

    Rule: see newsprism.evaluation.summary (reference = the roundup after
    ARTICLE=>, F-measure with stemming, macro-averaged over stories).
    """
    from newsprism.evaluation.io import read_jsonl
    from newsprism.evaluation.summary import format_report, group_by_story, score_stories
    from newsprism.model import Article, Problem, to_jsonable
    from newsprism.pipeline import Pipeline, Settings

    for p in (references, gold):
        if not p.exists():
            raise InputError(f"{p}: no such file")
    skipped: list[Problem] = []
    refs = {str(r["story"]): r["reference"] for r in read_jsonl(references, skipped, fields=("story", "reference"))}
    gold_rows = list(read_jsonl(gold, skipped, need_id=True, fields=("story",)))
    lines_read(skipped, strict)
    with observing(quiet) as observer:
        articles = Pipeline(Settings(strict=strict), observer=observer).read(paths, stdin=sys.stdin.buffer).articles
        stories = group_by_story(articles, gold_rows)
        # Each gold story is briefed alone, as one story, without the framing the summary does not read.
        pipeline = Pipeline(Settings(single_story=True, framing=False))

        def summarize(arts: list[Article]) -> list[dict[str, Any]]:
            return [to_jsonable(s) for b in pipeline.analyze(arts).briefs for s in b.summary]

        total = sum(1 for s in stories if s in refs)
        observer.start("summaries", total)
        report, results = score_stories(stories, refs, summarize, on_story=lambda: observer.advance("summaries"))
        observer.done("summaries")
    if summaries is not None:
        rows = [
            {"story": r.story, "articles": r.articles, "summary": r.summary, "lead": r.lead,
             "rouge": r.scores, "lead_rouge": r.lead_scores}
            for r in results
        ]
        write_output(jsonl(rows), summaries)
    write_output(json.dumps(report) if fmt == "json" else format_report(report), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("summary", cls=Command)(eval_summary_command)
