"""`newsprism quotes`: direct quotes and reported speech with resolved speakers, per article."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import typer

from newsprism.commands._common import jsonl, observing, write_output
from newsprism.commands._options import OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, Command


def quotes_command(
    paths: list[str] = PATHS_ARG,
    fmt: Literal["jsonl", "md"] = typer.Option("jsonl", "--format", "-f", help="jsonl (one line per article) or md."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Find who said what in each article: content, cue and speaker spans, offsets into the text."""
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.report.markdown import render_quote_list

    with observing(quiet) as observer:
        pipeline = Pipeline(Settings(strict=strict), observer=observer)
        articles = pipeline.read(paths, stdin=sys.stdin.buffer).articles
        rows = pipeline.quote_rows(articles)
    write_output(jsonl(rows) if fmt == "jsonl" else render_quote_list(rows, articles), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("quotes", cls=Command)(quotes_command)
