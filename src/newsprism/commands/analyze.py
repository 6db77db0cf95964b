"""`newsprism analyze`: one brief per story."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import typer

from newsprism.commands._common import observing, say, write_output
from newsprism.commands._options import (
    ADDRESS_OPT,
    EMBEDDER_OPT,
    ENGINE_OPT,
    FRAMING_OPT,
    OUTPUT_OPT,
    PATHS_ARG,
    QUIET_OPT,
    SINGLE_STORY_OPT,
    STATE_OPT,
    STRICT_OPT,
    WORKERS_OPT,
    Command,
)


def analyze_command(
    paths: list[str] = PATHS_ARG,
    fmt: Literal["md", "json", "html"] = typer.Option("md", "--format", "-f", help="md, json or html."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
    single_story: bool = SINGLE_STORY_OPT,
    framing: bool = FRAMING_OPT,
    embedder: str = EMBEDDER_OPT,
    state: Path | None = STATE_OPT,
    workers: int | None = WORKERS_OPT,
    engine: Literal["local", "ray"] = ENGINE_OPT,
    address: str | None = ADDRESS_OPT,
) -> None:
    """Read articles, group them into stories and write a brief for each."""
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.report import render

    settings = Settings(
        embedder=embedder, single_story=single_story, framing=framing, strict=strict, state=state, workers=workers,
        engine=engine, address=address,
    )
    with observing(quiet) as observer:
        result = Pipeline(settings, observer=observer).run(paths, stdin=sys.stdin.buffer)
    if not quiet:
        say(f"{len(result.briefs)} story(ies)")  # as cluster says it
    write_output(render(result, fmt), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("analyze", cls=Command)(analyze_command)
