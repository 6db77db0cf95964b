"""`newsprism export`: a database's articles, stories and briefs as JSON Lines."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TextIO

import typer
from rich.progress import Progress

from newsprism.atomic import atomic_file
from newsprism.commands._common import progress, say
from newsprism.commands._db import EXISTING_DB_OPT, opened
from newsprism.commands._options import OUTPUT_OPT, QUIET_OPT, Command
from newsprism.report.escape import dumps


def export_command(
    db: str = EXISTING_DB_OPT,
    fmt: Literal["jsonl"] = typer.Option("jsonl", "--format", "-f", help="jsonl: one object a line, its \"type\" article, story or brief."),
    output: Path | None = OUTPUT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Export everything a database holds: articles (as in analyze's JSON), stories with their times, and briefs."""
    with opened(db, create=False) as store, progress(quiet) as bar:
        if output is None:
            n = _write(_rows(store, bar), sys.stdout)
        else:
            with atomic_file(output) as f:
                n = _write(_rows(store, bar), f)
    if output is not None:
        say(f"wrote {n:,} lines to {output}")


def _write(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for row in rows:
        out.write(dumps(row) + "\n")
        n += 1
    return n


def _rows(store: Any, bar: Progress) -> Iterator[dict[str, Any]]:
    """Streamed: an export of a large database never holds it all in memory. Each part
    counts on its own bar (minutes of articles on a large database)."""
    from newsprism.report.jsonout import article_to_dict

    for a in bar.track(store.iter_articles(), total=store.count_articles(), description="exporting articles"):
        yield {"type": "article", **article_to_dict(a)}
    for s in bar.track(store.stories(), description="exporting stories"):
        yield {
            "type": "story", "id": s.id, "title": s.title, "articles": s.articles, "absorbed": s.absorbed,
            "first_seen": s.first_seen, "last_updated": s.last_updated, "first_day": s.first_day, "last_day": s.last_day,
        }
    for b in bar.track(store.iter_briefs(), description="exporting briefs"):
        yield {"type": "brief", "made_at": b.made_at, **b.body}


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("export", cls=Command)(export_command)
