"""`newsprism read`: the articles as read, one per line, with no analysis."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Literal, TextIO

import typer

from newsprism.commands._common import err_console, observing
from newsprism.commands._options import OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, Command
from newsprism.model import Problem


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

    out = sys.stdout if output is None else _open(output)
    skipped: list[Problem] = []
    rows = []
    n = 0
    with observing(quiet) as observer:
        pipeline = Pipeline(Settings(strict=strict), observer=observer)
        try:
            for article in pipeline.read_stream(paths, skipped, stdin=sys.stdin.buffer):
                n += 1
                row = article_record(article)
                if fmt == "jsonl":
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")  # streamed: a pile of any size
                else:
                    rows.append(row)
            if fmt == "json":
                out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        finally:
            if output is not None:
                out.close()
        if output is not None and not quiet:
            err_console.print(f"wrote {output}", highlight=False)
        pipeline.read_done(n, skipped)


def _open(path: Path) -> TextIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("read", cls=Command)(read_command)
