"""`newsprism stories`: a database's stories, by latest activity."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from newsprism.commands._common import write_output
from newsprism.commands._db import EXISTING_DB_OPT, iso_time, opened
from newsprism.commands._options import OUTPUT_OPT, Command
from newsprism.report.escape import dumps


def stories_command(
    db: str = EXISTING_DB_OPT,
    since: str | None = typer.Option(None, "--since", metavar="TIME", callback=iso_time, help="Only stories updated at or after this ISO 8601 date or time (UTC unless it says)."),
    query: str | None = typer.Option(None, "--query", metavar="WORDS", help="Only stories with an article whose title or text has all these words (full-text index)."),
    limit: int | None = typer.Option(None, "--limit", min=1, metavar="N", help="At most this many stories."),
    fmt: Literal["jsonl", "md"] = typer.Option("jsonl", "--format", "-f", help="jsonl (one story a line) or md (a table)."),
    output: Path | None = OUTPUT_OPT,
) -> None:
    """List the stories of a database, latest activity first."""
    with opened(db, create=False) as store:
        stories = store.stories(since=since, query=query, limit=limit)
    if fmt == "jsonl":
        rows = [
            {"id": s.id, "title": s.title, "articles": s.articles, "first_seen": s.first_seen, "last_updated": s.last_updated}
            for s in stories
        ]
        if rows or output is not None:  # no stories: no line at all
            write_output("".join(dumps(r) + "\n" for r in rows), output)
        return
    from newsprism.report.stored import render_stored_stories

    write_output(render_stored_stories(stories), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("stories", cls=Command)(stories_command)
