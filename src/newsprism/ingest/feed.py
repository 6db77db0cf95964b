"""RSS and Atom feeds: one article per entry, the feed's title as the outlet; an entry with no
article text (no-text, or the no-body rule with its headline counted) is skipped."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from newsprism.errors import MissingExtraError
from newsprism.ingest.base import Skip, Source, mb, require_given_body
from newsprism.ingest.decode import clean_text, drop_bad_char_refs
from newsprism.ingest.fields import author_names, html_to_text, iso_date, one_line
from newsprism.model import Article, Problem, SourceRef

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# No real feed declares entities of its own; an entity bomb (a billion laughs, or one
# large entity repeated: expat stops the first, not always the second) must. A
# declaration can only stand in the document type, before the root element.
_ENTITY = re.compile(rb"<!ENTITY", re.I)
_ELEMENT = re.compile(rb"<[A-Za-z_]")
ENTITY_BOMB = "the feed declares XML entities (refused: the shape of an entity bomb)"


def declares_entities(data: bytes) -> bool:
    """Whether an XML document declares entities (in its document type, before its root element)."""
    root = _ELEMENT.search(data)
    return _ENTITY.search(data, 0, root.start() if root else len(data)) is not None


def read(src: Source, max_bytes: int) -> Iterator[Article | Problem]:
    # feedparser needs the whole document: a feed may be as large as one article may.
    try:
        import feedparser
    except ImportError as e:  # pragma: no cover - a core dependency
        raise MissingExtraError("feedparser", "all", "Reading RSS/Atom feeds") from e
    with src.opener() as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Skip("too-large", f"a feed over the {mb(max_bytes)} limit")
    if not data.strip():
        raise Skip("empty", "empty file")
    if declares_entities(data):
        raise Skip("bad-feed", ENTITY_BOMB)
    try:
        parsed = feedparser.parse(drop_bad_char_refs(data.decode("latin-1")).encode("latin-1"))
    except Exception as e:  # noqa: BLE001 - feedparser reports a broken feed as "bozo", but some breaks raise
        raise Skip("bad-feed", f"not a readable RSS/Atom feed ({type(e).__name__}: {e})") from e
    if not parsed.entries:
        if parsed.get("bozo"):
            raise Skip("bad-feed", f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}")
        raise Skip("empty", "the feed has no entries")
    outlet = one_line(parsed.feed.get("title"))
    for n, entry in enumerate(parsed.entries, start=1):
        text = _entry_text(entry)
        if not text.strip():
            yield src.problem("no-text", "feed entry has no text (no content or summary)", n)
            continue
        title = _title(entry)
        try:
            # A headline of its own and a one-line summary is an article; "Home" and "Read more" is not.
            require_given_body(text, title, n)
        except Skip as e:
            yield src.problem(e.reason, e.message, n)
            continue
        yield Article(
            id=f"{src.key}#{n}",
            text=text,
            title=title,
            outlet=outlet,
            url=one_line(entry.get("link")),
            published=_published(entry),
            byline=author_names(entry.get("authors") or entry.get("author")),
            extra={"guid": entry["id"]} if entry.get("id") else {},
            source=SourceRef(src.display, n),
        )


def _entry_text(entry: Any) -> str:
    """The longest of the entry's content blocks and summary, as plain text."""
    blocks = list(entry.get("content") or [])
    if entry.get("summary_detail"):
        blocks.append(entry["summary_detail"])
    elif entry.get("summary"):
        blocks.append({"value": entry["summary"], "type": "text/html"})
    texts = [_as_text(b.get("value") or "", b.get("type") or "text/html") for b in blocks]
    return max(texts, key=len, default="")


def _as_text(value: str, mime: str) -> str:
    return html_to_text(value) if mime in _HTML_TYPES else clean_text(value).strip()


def _title(entry: Any) -> str | None:
    detail = entry.get("title_detail") or {}
    title = entry.get("title")
    if title and detail.get("type") in _HTML_TYPES:
        title = html_to_text(title)
    return one_line(title)


def _published(entry: Any) -> str | None:
    """The date as written (keeping its time zone), else feedparser's UTC reading of it."""
    for raw, parsed in (("published", "published_parsed"), ("updated", "updated_parsed")):
        value = iso_date(entry.get(raw))
        if value:
            return value
        if entry.get(parsed):
            return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", entry[parsed])
    return None
