"""`newsprism eval summary`: ROUGE of the story summaries against human roundups, beside the lead baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from newsprism.commands._common import check_format, OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, jsonl, progress, read_articles, write_output
from newsprism.errors import InputError


def eval_summary_command(
    paths: list[str] = PATHS_ARG,
    references: Path = typer.Option(..., "--references", help="Reference summaries JSONL: {\"story\", \"reference\"}."),
    gold: Path = typer.Option(..., "--gold", help="Gold stories JSONL: {\"id\", \"story\"}."),
    fmt: str = typer.Option("text", "--format", help="text or json."),
    summaries: Path | None = typer.Option(None, "--summaries", help="Also write each story's summary and lead (JSONL)."),
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
    from newsprism.nlp import NLP

    check_format(fmt, ("text", "json"))
    for p in (references, gold):
        if not p.exists():
            raise InputError(f"{p}: no such file")
    refs = {str(r["story"]): r["reference"] for r in read_jsonl(references) if "story" in r and "reference" in r}
    articles = read_articles(paths, strict=strict, quiet=quiet)
    stories = group_by_story(articles, list(read_jsonl(gold)))
    nlp = NLP()

    def summarize(arts: list) -> list[dict[str, Any]]:
        from newsprism.model import to_jsonable
        from newsprism.pipeline import Options, analyze

        result = analyze(arts, nlp=nlp, options=Options(single_story=True, framing=False))
        nlp.forget(a.id for a in arts)
        return [to_jsonable(s) for b in result.briefs for s in b.summary]

    with progress(quiet) as bar:
        task = bar.add_task("summarising", total=sum(1 for s in stories if s in refs))
        report, results = score_stories(stories, refs, summarize, on_story=lambda: bar.advance(task))
    if summaries is not None:
        rows = [
            {"story": r.story, "articles": r.articles, "summary": r.summary, "lead": r.lead,
             "rouge": r.scores, "lead_rouge": r.lead_scores}
            for r in results
        ]
        write_output(jsonl(rows), summaries)
    write_output(json.dumps(report) if fmt == "json" else format_report(report), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("summary")(eval_summary_command)
