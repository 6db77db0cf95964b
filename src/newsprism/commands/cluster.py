"""`newsprism cluster`: copies and stories, one line per article."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import typer

from newsprism.commands._common import jsonl, observing, say, write_output
from newsprism.commands._options import (
    EMBEDDER_OPT,
    GROUPING_WORKERS_OPT,
    OUTPUT_OPT,
    PATHS_ARG,
    QUIET_OPT,
    STATE_OPT,
    STRICT_OPT,
    Command,
)
from newsprism.model import Article, Story
from newsprism.report.escape import dumps


def cluster_command(
    paths: list[str] = PATHS_ARG,
    fmt: Literal["jsonl", "json", "md"] = typer.Option(
        "jsonl", "--format", "-f",
        help="jsonl (one line per article), json (stories: title, articles, outlets, days, names, copies) "
        "or md (the stories, largest first, with their names and articles, copies under their originals).",
    ),
    embedder: str = EMBEDDER_OPT,
    state: Path | None = STATE_OPT,
    workers: int | None = GROUPING_WORKERS_OPT,
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Group articles into stories and mark duplicates, syndicated and wire copies."""
    from newsprism.pipeline import Pipeline, Settings, title_stories
    from newsprism.report.jsonout import grouping_row, story_row

    settings = Settings(embedder=embedder, state=state, workers=workers, strict=strict)
    with observing(quiet) as observer:
        pipeline = Pipeline(settings, observer=observer)
        articles = pipeline.read(paths, stdin=sys.stdin.buffer).articles
        stories, moved = pipeline.group(articles)
    if not quiet:
        say(cluster_summary(articles, stories, moved, state is not None))
    if fmt == "jsonl":
        # Articles of earlier runs (--state) that this run moved to another story follow, marked "moved".
        rows = [grouping_row(a) for a in articles] + [{"id": aid, "story": sid, "moved": True} for aid, sid in moved.items()]
        write_output(jsonl(rows), output)
        return
    title_stories(stories, articles)
    if fmt == "json":
        by_id = {a.id: a for a in articles}
        write_output(dumps([story_row(s, by_id) for s in stories], indent=2), output)
    else:
        from newsprism.report.markdown import render_story_list

        write_output(render_story_list(stories, articles), output)


def cluster_summary(articles: list[Article], stories: list[Story], moved: dict[str, str], stateful: bool) -> str:
    """One line for stderr: how many stories the articles fell into, and how many copy another."""
    line = (
        f"{len(articles)} article(s) in {len({a.story for a in articles})} story(ies); "
        f"{sum(a.duplicate_of is not None for a in articles)} copy(ies) of another article, "
        f"{sum(a.syndicated_from is not None for a in articles)} syndicated"
    )
    if stateful:
        line += f"; {len(stories)} story(ies) in the state, {len(moved)} earlier article(s) moved"
    return line


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("cluster", cls=Command)(cluster_command)
