"""What only a database knows, shown: its story list, and what is new in a story since a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsprism.model import Article
from newsprism.report.escape import md, md_code
from newsprism.report.markdown import _table
from newsprism.store import Store, normalize_time
from newsprism.store.records import StoryEvent, StoryRecord


@dataclass(frozen=True)
class StoryNews:
    """What is new in a story since a time: the articles added since then (with when), and
    its membership events since then (``joined`` ones included: they are those articles)."""

    since: str  # normalised, UTC
    articles: list[Article]
    added_at: dict[str, str]
    events: list[StoryEvent]


def story_news(store: Store, record: StoryRecord, since: str) -> StoryNews:
    """What is new in ``record``'s story since ``since`` (ISO 8601, UTC unless it says)."""
    t = normalize_time(since)
    added_at = store.added_at(record.articles)
    fresh = list(store.articles([i for i in record.articles if added_at.get(i, "") >= t]))
    return StoryNews(t, fresh, added_at, list(store.events(record.id, since=t)))


def news_view(news: StoryNews) -> dict[str, Any]:
    """``news`` as the HTML pages show it (the brief's page and the web app's story page)."""
    return {
        "since": news.since,
        "articles": [{"id": a.id, "title": a.title, "outlet": a.label, "added": news.added_at[a.id]} for a in news.articles],
        "events": [
            {"at": e.at, "kind": e.kind, "article": e.article, "other": e.other}
            for e in news.events
            if e.kind != "joined"  # the articles above
        ],
    }


def render_stored_stories(stories: Sequence[StoryRecord]) -> str:
    """The stories, latest activity first, as one table."""
    if not stories:
        return "No stories.\n"
    rows = [
        [md(s.title or s.id), str(len(s.articles)), md(s.first_day), md(s.last_day), md(s.last_updated[:19].replace("T", " ")), md_code(s.id)]
        for s in stories
    ]
    out = [f"# {len(stories)} {'story' if len(stories) == 1 else 'stories'}, latest activity first", ""]
    out += _table(["story", "articles", "first day", "last day", "updated (UTC)", "id"], rows)
    return "\n".join(out) + "\n"


def render_news_since(news: StoryNews) -> list[str]:
    """A story's section "New since ...": the articles added since then, and the moves and merges."""
    out = [f"### New since {news.since[:19].replace('T', ' ')} UTC", ""]
    if not news.articles and not news.events:
        return [*out, "Nothing new.", ""]
    titles = {a.id: a for a in news.articles}
    for a in news.articles:
        out.append(f"- {md_code(a.id)} {md(a.label)}: {md(a.title or a.text[:80])}")
    for e in news.events:
        if e.kind == "merged":
            out.append(f"- story {md_code(e.other)} merged into this one")
        elif e.kind == "moved" and e.article not in titles:
            out.append(f"- {md_code(e.article)} moved here from story {md_code(e.other)}")
    return [*out, ""]
