"""`newsprism add`: read inputs into a database, grouping and briefing only what is new."""

from __future__ import annotations

import sys

import typer

from newsprism.commands._common import PATHS_ARG, QUIET_OPT, STRICT_OPT, err_console, progress, warn_problem
from newsprism.commands._db import BATCH_OPT, DB_OPT, opened, updater_progress
from newsprism.commands.cluster import EMBEDDER_OPT
from newsprism.errors import StrictModeError
from newsprism.model import Article, Problem


def add_command(
    paths: list[str] = PATHS_ARG,
    db: str = DB_OPT,
    embedder: str = EMBEDDER_OPT,
    no_framing: bool = typer.Option(False, "--no-framing", help="Skip the framing comparison in the briefs."),
    batch: int = BATCH_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Add articles to a database: read, find copies, group into stories, brief the stories they touched, store."""
    from newsprism.cluster.stream import make_embedder
    from newsprism.ingest import iter_inputs
    from newsprism.pipeline import Options
    from newsprism.updater import Updater

    items: list[Article | Problem] = []
    with progress(quiet) as bar:
        task = bar.add_task("reading", total=None)
        for item in iter_inputs(list(paths), stdin=sys.stdin.buffer):
            if isinstance(item, Problem):
                warn_problem(item)
            items.append(item)
            bar.advance(task)
    skipped = sum(isinstance(i, Problem) for i in items)
    if strict and skipped:
        raise StrictModeError(f"{skipped} input(s) skipped and --strict was given; nothing was added")
    options = Options(embedder=make_embedder(embedder), framing=not no_framing)
    with opened(db) as store, updater_progress(quiet) as callbacks:
        summary = Updater(store, options, batch_size=batch, progress=callbacks).add(items)
    if not quiet or summary.skipped:
        err_console.print(summary.line(), highlight=False, soft_wrap=True)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("add")(add_command)
