"""What the database commands share: --db, opening the store, the updater's progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from newsprism.commands._common import progress, warn
from newsprism.updater import BATCH, HotWindow

if TYPE_CHECKING:
    from newsprism.store import Store
    from newsprism.updater import Progress

def iso_time(value: str | None) -> str | None:
    """A --since that is no ISO 8601 date or time is a usage error (one line, exit 2),
    said before the database opens; was an error of the database, exit 1."""
    from newsprism.errors import StoreError
    from newsprism.store import normalize_time

    if value is not None:
        try:
            normalize_time(value)
        except StoreError as e:
            raise typer.BadParameter(str(e)) from e
    return value


DB_OPT = typer.Option(..., "--db", metavar="FILE|URL", help="The database: a SQLite file (created if missing) or a postgresql:// URL.")
# The commands that only read a database (``opened(..., create=False)``) stop at a missing one.
EXISTING_DB_OPT = typer.Option(..., "--db", metavar="FILE|URL", help="The database: a SQLite file or a postgresql:// URL.")
BATCH_OPT = typer.Option(BATCH, "--batch", min=1, metavar="N", help="Articles per transaction: a kill loses at most one batch.")
HOT_DAYS_OPT = typer.Option(
    HotWindow().days, "--hot-days", min=0, metavar="DAYS",
    help="Keep a story open to new articles in memory until its latest article is this many days older than the newest "
    "(and past --hot-articles); then it stays in the database, and a late article starts a new story.",
)
HOT_ARTICLES_OPT = typer.Option(
    HotWindow().articles, "--hot-articles", min=0, metavar="N",
    help="The latest N articles stay open in memory whatever their dates (raise it to add a larger archive out of date order).",
)


@contextmanager
def opened(target: str, *, create: bool = True) -> Iterator[Store]:
    from newsprism.store import open_store

    store = open_store(target, create=create)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def updater_progress(quiet: bool) -> Iterator[Progress]:
    """The updater's callbacks wired to two Rich bars (grouping, briefing) and a waiting note."""
    from newsprism.updater import Progress

    with progress(quiet) as bar:
        tasks: dict[str, object] = {}

        def start(n: int) -> None:
            tasks["group"] = bar.add_task("grouping", total=n)

        def briefs(n: int) -> None:
            tasks["brief"] = bar.add_task("briefing stories", total=n)

        yield Progress(
            on_wait=lambda msg: warn(msg, "waiting:"),
            on_start=start,
            on_batch=lambda n: bar.advance(tasks["group"], n),  # type: ignore[arg-type]
            on_briefs=briefs,
            on_brief=lambda _sid: bar.advance(tasks["brief"]),  # type: ignore[arg-type]
        )
