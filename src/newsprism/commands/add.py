"""`newsprism add`: read inputs into a database, grouping and briefing only what is new."""

from __future__ import annotations

import sys

import typer

from newsprism.commands._common import progress, say, summarize, warn_problem
from newsprism.commands._db import BATCH_OPT, DB_OPT, HOT_ARTICLES_OPT, HOT_DAYS_OPT, opened, updater_progress
from newsprism.commands._options import BRIEF_WORKERS_OPT, EMBEDDER_OPT, FRAMING_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, Command
from newsprism.errors import StrictModeError
from newsprism.model import Article, Problem


def add_command(
    paths: list[str] = PATHS_ARG,
    db: str = DB_OPT,
    embedder: str = EMBEDDER_OPT,
    framing: bool = FRAMING_OPT,
    batch: int = BATCH_OPT,
    hot_days: int = HOT_DAYS_OPT,
    hot_articles: int = HOT_ARTICLES_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
    workers: int | None = BRIEF_WORKERS_OPT,
) -> None:
    """Add articles to a database: read, find copies, group into stories, brief the stories they touched, store."""
    from newsprism.ingest import iter_inputs
    from newsprism.pipeline import Settings, require_articles
    from newsprism.updater import HotWindow, Updater

    items: list[Article | Problem] = []
    with progress(quiet) as bar:
        task = bar.add_task("reading", total=None)
        for item in iter_inputs(list(paths), stdin=sys.stdin.buffer):
            if isinstance(item, Problem):
                warn_problem(item)
            items.append(item)
            bar.advance(task)
    problems = [i for i in items if isinstance(i, Problem)]
    if strict and problems:
        raise StrictModeError(f"{len(problems)} input(s) skipped and --strict was given; nothing was added")
    # Nothing read stops as analyze does, before the database is opened: a mistyped path
    # leaves no new empty database behind.
    n_read = len(items) - len(problems)
    if not n_read and (not quiet or problems):
        summarize(0, problems)
    require_articles(n_read)
    settings = Settings(embedder=embedder, framing=framing, workers=workers)
    with opened(db) as store, updater_progress(quiet) as callbacks:
        summary = Updater(store, settings, batch_size=batch, hot=HotWindow(hot_days, hot_articles), progress=callbacks).add(items)
    if not quiet or summary.skipped:
        say(summary.line())


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("add", cls=Command)(add_command)
