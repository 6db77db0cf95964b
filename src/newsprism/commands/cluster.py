"""`newsprism cluster`: copies and stories, one line per article."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsprism.commands._common import check_format, err_console, OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, jsonl, progress, read_articles, write_output
from newsprism.model import Article, Story

FORMATS = ("jsonl", "json", "md")
EMBEDDER_OPT = typer.Option("tfidf", "--embedder", help="Text representation: tfidf (fast, default), minilm or model2vec; minilm:DIR or model2vec:DIR loads a local model.")
WORKERS_OPT = typer.Option(
    None,
    "--workers",
    min=0,
    help="Worker processes (0: none). With one, the term counts, the vectors and (with tfidf) the neighbour search "
    "of each batch after the first run in a worker, a batch or two ahead, while this process finds the copies and groups; "
    "used when there is more than one batch. "
    "More than one is not used yet. Default: 1.",
)
STATE_OPT = typer.Option(
    None, "--state", help="Load copies and stories from this JSON file if it exists, add the inputs, save it back."
)


def cluster_command(
    paths: list[str] = PATHS_ARG,
    fmt: str = typer.Option(
        "jsonl", "--format", "-f",
        help="jsonl (one line per article), json (stories: title, articles, outlets, days, names, copies) "
        "or md (the stories, largest first, with their names and articles, copies under their originals).",
    ),
    embedder: str = EMBEDDER_OPT,
    state: Path | None = STATE_OPT,
    workers: int | None = WORKERS_OPT,
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Group articles into stories and mark duplicates, syndicated and wire copies."""
    check_format(fmt, FORMATS)
    articles = read_articles(paths, strict=strict, quiet=quiet)
    stories, moved = cluster_articles(articles, embedder, state, quiet, workers)
    if not quiet:
        err_console.print(cluster_summary(articles, stories, moved, state is not None), highlight=False, soft_wrap=True)
    if fmt == "jsonl":
        # Articles of earlier runs (--state) that this run moved to another story follow, marked "moved".
        rows = [article_row(a) for a in articles] + [{"id": aid, "story": sid, "moved": True} for aid, sid in moved.items()]
        write_output(jsonl(rows), output)
    elif fmt == "json":
        by_id = {a.id: a for a in articles}
        write_output(json.dumps([story_row(s, by_id) for s in stories], ensure_ascii=False, indent=2), output)
    else:
        from newsprism.report.markdown import render_story_list

        by_id = {a.id: a for a in articles}
        write_output(render_story_list([titled(s, by_id) for s in stories], articles), output)


def cluster_articles(
    articles: list[Article], embedder: str, state: Path | None, quiet: bool, workers: int | None = None
) -> tuple[list[Story], dict[str, str]]:
    """Run dedup and clustering over the articles (and any saved state).

    Returns the stories and the earlier articles that moved to another story.
    """
    from newsprism.cluster.stream import BATCH, group_corpus, make_embedder, open_state, save_state
    from newsprism.engine import ProcessEngine

    # One worker runs the search stage (engine.Engine.stage); a second would idle.
    workers = 1 if workers is None else workers
    engine = ProcessEngine(workers) if workers and len(articles) > BATCH else None
    with open_state(state, make_embedder(embedder)) as (copies, clusterer), progress(quiet) as bar:
        task = bar.add_task("clustering", total=len(articles))
        moved = group_corpus(articles, copies, clusterer, on_batch=lambda n: bar.advance(task, n), engine=engine)
        if state is not None:
            save_state(state, copies, clusterer)
        return clusterer.stories(), moved


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


def story_row(story: Story, by_id: dict[str, Article]) -> dict:
    """A story as ``--format json`` prints it: its head (as in the brief), its
    title picked from the headlines of this run's articles, the names most of
    them share, and its copies, each mapped to the article it copies."""
    from newsprism.cluster.names import story_names
    from newsprism.report.jsonout import story_head

    arts = [by_id[i] for i in titled(story, by_id).articles if i in by_id]
    return {
        **story_head(story, by_id),
        "names": story_names(arts),
        "copies": {a.id: a.duplicate_of for a in arts if a.duplicate_of},
    }


def titled(story: Story, by_id: dict[str, Article]) -> Story:
    """The story, its title picked from the headlines of this run's articles if it has none."""
    from newsprism.claims.summary import story_title

    arts = [by_id[i] for i in story.articles if i in by_id]
    if story.title is None and arts:
        story.title = story_title(arts)
    return story


def article_row(a: Article) -> dict:
    return {"id": a.id, "story": a.story, "duplicate_of": a.duplicate_of, "syndicated_from": a.syndicated_from}


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("cluster")(cluster_command)
