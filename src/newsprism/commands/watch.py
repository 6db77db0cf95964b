"""`newsprism watch`: keep a database fed from folders, feeds and article URLs."""

from __future__ import annotations

import typer

from newsprism.commands._common import say, warn, warn_problem
from newsprism.commands._db import BATCH_OPT, DB_OPT, HOT_ARTICLES_OPT, HOT_DAYS_OPT, opened
from newsprism.commands._options import EMBEDDER_OPT, FRAMING_OPT, QUIET_OPT, STRICT_OPT, Command
from newsprism.errors import InputError
from newsprism.fetch import FetchSettings

FETCH = FetchSettings()  # the options' defaults are its own


def _seconds(text: str) -> str:
    """A bad --every is a usage error (one line, exit 2), checked before the database opens."""
    from newsprism.watch import parse_every

    try:
        parse_every(text)
    except InputError as e:
        raise typer.BadParameter(str(e)) from e
    return text


def watch_command(
    sources: list[str] = typer.Argument(..., help="Folders (new or changed files), RSS/Atom feed URLs, article URLs.", show_default=False),
    db: str = DB_OPT,
    every: str = typer.Option("10m", "--every", metavar="TIME", callback=_seconds, help="Time between two rounds of polling: 30s, 10m, 1h ..."),
    once: bool = typer.Option(False, "--once", help="Poll every source once, add what is new, and stop."),
    max_pages: int = typer.Option(FETCH.max_pages, "--max-pages", min=0, metavar="N", help="Pages fetched per feed and round (the newest entries first)."),
    timeout: float = typer.Option(FETCH.deadline, "--timeout", min=1, metavar="SECONDS", help="Seconds a whole response may take."),
    max_mb: float = typer.Option(FETCH.max_bytes / 1_000_000, "--max-mb", min=0.1, metavar="MB", help="Largest response read, in MB (decompressed)."),
    delay: float = typer.Option(FETCH.per_host, "--delay", min=0.0, metavar="SECONDS", help="Seconds between two requests to one host (a robots.txt Crawl-delay may ask for more)."),
    embedder: str = EMBEDDER_OPT,
    framing: bool = FRAMING_OPT,
    batch: int = BATCH_OPT,
    hot_days: int = HOT_DAYS_OPT,
    hot_articles: int = HOT_ARTICLES_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Poll sources and add what is new to a database, every --every, until Ctrl+C (or --once)."""
    from newsprism.fetch import Fetcher
    from newsprism.pipeline import Settings
    from newsprism.updater import HotWindow, Progress, Updater
    from newsprism.watch import Watcher, check_sources, parse_every

    check_sources(sources)  # before the database is made
    seconds = parse_every(every)
    fetching = FetchSettings(deadline=timeout, max_bytes=int(max_mb * 1_000_000), per_host=delay, max_pages=max_pages)
    settings = Settings(embedder=embedder, framing=framing)
    waiting = Progress(on_wait=lambda msg: warn(msg, "waiting:"))
    with opened(db) as store, Fetcher(fetching) as fetcher:
        updater = Updater(store, settings, batch_size=batch, hot=HotWindow(hot_days, hot_articles), progress=waiting)
        watcher = Watcher(sources, store, updater, fetcher, on_problem=warn_problem, strict=strict)
        if not quiet and not once:
            say(f"watching {len(watcher.sources)} source(s) every {every} into {store.location} (Ctrl+C to stop)")
        try:
            watcher.run(seconds, once=once, on_round=None if quiet else lambda r: say(r.line()))
        except KeyboardInterrupt:
            say("stopped")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("watch", cls=Command)(watch_command)
