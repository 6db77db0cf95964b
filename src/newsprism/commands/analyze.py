"""`newsprism analyze`: one brief per story."""

from __future__ import annotations

from pathlib import Path

import typer

from newsprism.commands.cluster import EMBEDDER_OPT
from newsprism.commands._common import check_format, OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, err_console, progress, read_inputs, write_output
from newsprism.errors import InputError


def analyze_command(
    paths: list[str] = PATHS_ARG,
    fmt: str = typer.Option("md", "--format", "-f", help="md, json or html."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
    single_story: bool = typer.Option(False, "--single-story", help="Treat all inputs as one story."),
    no_framing: bool = typer.Option(False, "--no-framing", help="Skip the framing comparison."),
    embedder: str = EMBEDDER_OPT,
) -> None:
    """Read articles, group them into stories and write a brief for each."""
    from newsprism.cluster.stream import make_embedder
    from newsprism.pipeline import Options, analyze
    from newsprism.report import FORMATS, render

    check_format(fmt, FORMATS)
    articles, problems = read_inputs(paths, strict=strict, quiet=quiet)
    if not articles:
        raise InputError("no readable articles in the input")
    options = Options(embedder=make_embedder(embedder), single_story=single_story, framing=not no_framing)
    with progress(quiet) as bar:
        task = bar.add_task("analysing stories", total=None)
        result = analyze(articles, options=options, on_story=lambda _b: bar.advance(task))
    if not quiet:
        err_console.print(f"{len(result.briefs)} stories", highlight=False)
    write_output(render(result, fmt, problems), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)
