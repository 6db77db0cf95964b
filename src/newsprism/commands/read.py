"""`newsprism read`: the articles as read, one per line, with no analysis."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Literal, TextIO

import typer

from newsprism.atomic import atomic_file
from newsprism.commands._common import observing, say
from newsprism.commands._options import OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, Command
from newsprism.model import Problem
from newsprism.report.escape import dumps


def read_command(
    paths: list[str] = PATHS_ARG,
    fmt: Literal["jsonl", "json"] = typer.Option("jsonl", "--format", "-f", help="jsonl (one article per line, as it is read) or json (one list)."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Read pages, feeds, archives and files into clean articles: id, source, title, text,
    outlet, byline, published, url, syndicated_from, and the evidence for each inferred field."""
    from newsprism.ingest.reading import article_record
    from newsprism.pipeline import Pipeline, Settings

    skipped: list[Problem] = []
    rows = []
    n = 0
    with observing(quiet) as observer:
        pipeline = Pipeline(Settings(strict=strict), observer=observer)
        with contextlib.ExitStack() as files:
            out: TextIO = sys.stdout if output is None else files.enter_context(atomic_file(output))
            for article in pipeline.read_stream(paths, skipped, stdin=sys.stdin.buffer):
                n += 1
                row = article_record(article)
                if fmt == "jsonl":
                    out.write(dumps(row) + "\n")  # streamed: a pile of any size
                else:
                    rows.append(row)
            # Inside the ``with``: a run that stops here (nothing read, or strict) leaves an -o file as it was.
            pipeline.read_done(n, skipped)
            if fmt == "json":
                out.write(dumps(rows, indent=2) + "\n")
        if output is not None and not quiet:
            say(f"wrote {output}")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("read", cls=Command)(read_command)
