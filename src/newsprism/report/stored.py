"""Markdown for what only a database knows: its story list, and what is new in a story since a time."""

from __future__ import annotations

from collections.abc import Sequence

from newsprism.model import Article
from newsprism.report.escape import md, md_code
from newsprism.report.markdown import _table
from newsprism.store.records import StoryEvent, StoryRecord


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


def render_news_since(since: str, added: Sequence[Article], events: Sequence[StoryEvent]) -> list[str]:
    """A story's section "New since ...": the articles added since then, and the moves and merges."""
    out = [f"### New since {since[:19].replace('T', ' ')} UTC", ""]
    if not added and not events:
        return [*out, "Nothing new.", ""]
    titles = {a.id: a for a in added}
    for a in added:
        out.append(f"- {md_code(a.id)} {md(a.label)}: {md(a.title or a.text[:80])}")
    for e in events:
        if e.kind == "merged":
            out.append(f"- story {md_code(e.other)} merged into this one")
        elif e.kind == "moved" and e.article not in titles:
            out.append(f"- {md_code(e.article)} moved here from story {md_code(e.other)}")
    return [*out, ""]
