"""`newsprism brief`: one story's latest brief from a database."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from newsprism.commands._common import warn, write_output
from newsprism.commands._db import EXISTING_DB_OPT, iso_time, opened
from newsprism.commands._options import OUTPUT_OPT, Command
from newsprism.errors import InputError
from newsprism.report.escape import dumps


def brief_command(
    story_id: str = typer.Argument(..., help="The story's id (an id it absorbed leads to it too).", show_default=False),
    db: str = EXISTING_DB_OPT,
    fmt: Literal["md", "json", "html"] = typer.Option("md", "--format", "-f", help="md, json or html."),
    since: str | None = typer.Option(None, "--since", metavar="TIME", callback=iso_time, help="Also say what is new in the story since this ISO 8601 date or time."),
    output: Path | None = OUTPUT_OPT,
) -> None:
    """Print a story's latest brief."""
    from newsprism.report.stored import story_news
    from newsprism.store.codec import brief_from_dict

    with opened(db, create=False) as store:
        record = store.story(story_id)
        stored = store.brief(story_id)
        if record is None:
            raise InputError(f"no story {story_id!r} in {store.location}")
        if stored is None:
            raise InputError(f"story {record.id} has no brief yet: run newsprism add on {store.location} to make it")
        if stored.made_at < record.last_updated:
            warn(f"the brief of {record.id} predates its latest articles; newsprism add makes it again")
        articles = {a.id: a for a in store.articles(stored.body["articles"])}
        news = story_news(store, record, since) if since is not None else None
    if fmt == "json":
        body = dict(stored.body)
        if news is not None:
            body["new_since"] = {
                "since": news.since,
                "articles": [a.id for a in news.articles],
                "events": [{"at": e.at, "kind": e.kind, "article": e.article, "other": e.other} for e in news.events],
            }
        write_output(dumps(body, indent=2), output)
        return
    brief = brief_from_dict(stored.body, articles)
    if fmt == "md":
        from newsprism.report.markdown import render_brief
        from newsprism.report.stored import render_news_since

        lines = render_brief(brief)
        if news is not None:
            lines[4:4] = render_news_since(news)  # after the heading and the story line
        write_output("\n".join(lines).rstrip() + "\n", output)
    else:
        from newsprism.report.html import render_html
        from newsprism.report.stored import news_view

        write_output(render_html([brief], news=None if news is None else news_view(news)), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("brief", cls=Command)(brief_command)
