"""`newsprism provenance`: which stretches of each article rest on someone other than the outlet."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import typer

from newsprism.commands._common import jsonl, observing, write_output
from newsprism.commands._options import OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, Command


def provenance_command(
    paths: list[str] = PATHS_ARG,
    fmt: Literal["jsonl"] = typer.Option("jsonl", "--format", "-f", help="jsonl: one line per article."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """One line per article: {"id", "spans": [{"start", "end", "source": {"start", "end", "text", "name",
    "kind"} | null, "via": [names], "act"}]}, the stretches credited to a source (offsets into the text);
    the rest is the outlet's own voice. act: speech, belief, intention or finding."""
    from newsprism.pipeline import Pipeline, Settings

    with observing(quiet) as observer:
        pipeline = Pipeline(Settings(strict=strict), observer=observer)
        rows = pipeline.provenance_rows(pipeline.read(paths, stdin=sys.stdin.buffer).articles)
    write_output(jsonl(rows), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("provenance", cls=Command)(provenance_command)
