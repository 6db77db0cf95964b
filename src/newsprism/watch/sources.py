"""What a watched source has that is new: a folder's new or changed files, a
feed's new entries (each entry's page read through the same HTML reader as
a file, the entry's own text when the page cannot be had), an article URL
that changed. Polling never raises for a bad source: whatever fails becomes
a ``Problem`` (a warning, counted as skipped) and a fetch record."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from newsprism.fetch import Fetcher, Response
from newsprism.ingest import Limits, read_source
from newsprism.ingest.base import Skip, Source
from newsprism.ingest.inputs import expand
from newsprism.ingest.sniff import sniff
from newsprism.model import Article, Problem, SourceRef
from newsprism.store import FetchRecord, SourceKind, SourceRecord, Store, now

FEED_TYPES = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_TYPES = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass
class Polled:
    """One poll of one source."""

    source: SourceRecord
    items: list[Article | Problem] = field(default_factory=list)
    fetches: list[FetchRecord] = field(default_factory=list)


def is_url(source: str) -> bool:
    try:
        return urlsplit(source).scheme in ("http", "https")
    except ValueError:  # "http://[::1/x": not a URL the fetcher can ask for
        return False


def source_id(source: str) -> str:
    """How the store names a source: the URL as given, or the folder's absolute path."""
    return source if is_url(source) else str(Path(source).expanduser().resolve())


def poll(source: str, record: SourceRecord | None, store: Store, fetcher: Fetcher) -> Polled:
    """What is new at ``source`` since ``record`` (None: never polled)."""
    sid = source_id(source)
    if is_url(source):
        kind: SourceKind = record.kind if record else "page"
        record = record or SourceRecord(sid, kind, now())
        return _poll_url(source, record, store, fetcher)
    record = record or SourceRecord(sid, "folder", now())
    return _poll_folder(Path(sid), record)


# ------------------------------------------------------------------ folders


def _poll_folder(folder: Path, record: SourceRecord) -> Polled:
    """The files that are new or changed (size or modification time) since the last poll."""
    if not folder.exists():
        problem = Problem(str(folder), "not-found", "the watched folder does not exist")
        return Polled(replace(record, last_checked=now(), last_outcome="not-found"), [problem])
    files: dict[str, list[float]] = {}
    items: list[Article | Problem] = []
    for src in expand([str(folder)], None, Limits()):
        if isinstance(src, Problem):
            items.append(src)
            continue
        try:
            st = os.stat(src.display)
        except OSError as e:
            items.append(Problem(src.display, "unreadable", e.strerror or str(e)))
            continue
        files[src.display] = [float(st.st_size), st.st_mtime]
        if record.files.get(src.display) != files[src.display]:
            items.extend(read_source(src))
    return Polled(replace(record, files=files, last_checked=now(), last_outcome="ok"), items)


# ------------------------------------------------------------------ feeds and pages


def _poll_url(url: str, record: SourceRecord, store: Store, fetcher: Fetcher) -> Polled:
    r = fetcher.get(url, source=record.id, etag=record.etag, last_modified=record.last_modified,
                    accept=FEED_TYPES if record.kind == "feed" else PAGE_TYPES)
    polled = Polled(replace(record, last_checked=now(), last_outcome=r.outcome), fetches=list(r.records))
    if r.outcome == "not-modified":
        return polled
    if not r.ok:
        polled.items.append(_problem(url, r))
        return polled
    kind: SourceKind = "feed" if sniff(r.body[:65536]) == "feed" else "page"
    polled.source = replace(polled.source, kind=kind, etag=r.etag, last_modified=r.last_modified)
    if kind == "page":
        polled.items.extend(_page(r, url))
        return polled
    entries = [e for e in _feed_entries(r.body, url) if not _known(e, store)]
    for n, entry in enumerate(entries):
        if isinstance(entry, Problem) or not entry.url or n >= fetcher.settings.max_pages:
            polled.items.append(entry)
            continue
        page = fetcher.get(entry.url, source=record.id, accept=PAGE_TYPES)
        polled.fetches.extend(page.records)
        polled.items.append(_entry_article(entry, page))
    return polled


# What the feed reader skips an entry for when the entry's own text is no article: no text at
# all (many feeds give only titles), or too little of it ("Home" and "Read more"). Such an entry
# with a link is a page to fetch; if the page cannot be had, there is no article to fall back on.
_NO_TEXT_OF_ITS_OWN = ("no-text", "no-body")


def _feed_entries(body: bytes, url: str) -> list[Article | Problem]:
    """The feed's entries as the file reader reads them; an entry with a link but
    no article text of its own becomes an empty article whose page is then fetched."""
    import feedparser

    from newsprism.ingest.fields import one_line

    # Every entry, none folded into a count: each entry without text is a page to fetch, not a
    # warning (the reader shows the first ten of a kind and counts the rest, which lost all but
    # the ten newest pages of a feed that gives only titles).
    items = list(_read_bytes(body, url, "feed", _EVERY_ENTRY))
    if not any(isinstance(i, Problem) and i.reason in _NO_TEXT_OF_ITS_OWN for i in items):
        return items
    entries = feedparser.parse(body).entries
    out: list[Article | Problem] = []
    for item in items:
        link = (entries[item.line - 1].get("link")
                if isinstance(item, Problem) and item.reason in _NO_TEXT_OF_ITS_OWN and item.line else None)
        if isinstance(item, Problem) and link:
            entry = entries[item.line - 1]  # type: ignore[operator]
            out.append(Article(id=article_id(link), text="", title=one_line(entry.get("title")), url=one_line(link), source=SourceRef(url, item.line)))
        else:
            out.append(item)
    return out


def _known(item: Article | Problem, store: Store) -> bool:
    """An entry whose page the store holds already is not fetched again."""
    return isinstance(item, Article) and item.url is not None and bool(store.known_urls([item.url]))


def _entry_article(entry: Article, page: Response) -> Article | Problem:
    """The entry's page read as an article, the feed's metadata filling what the page lacks;
    the entry itself when the page cannot be had or read."""
    unread: list[Problem] = []
    if page.ok:
        for item in _page(page, entry.url or page.url):
            if isinstance(item, Problem):
                unread.append(item)
            else:
                item.title = item.title or entry.title
                item.outlet = item.outlet or entry.outlet
                item.published = item.published or entry.published
                item.byline = item.byline or entry.byline
                item.extra = {**entry.extra, **item.extra}
                return item
    if entry.text.strip():
        entry.id = article_id(entry.url or entry.id)
        entry.extra["page"] = f"{page.outcome}: {page.message}" if not page.ok else "no article text in the page"
        return entry
    return unread[0] if unread else _problem(entry.url or entry.id, page)


def _page(r: Response, url: str) -> list[Article | Problem]:
    """An HTML page read as one article, through the reader used for files; its URL
    the one asked for (the page's own canonical URL is kept in ``extra``), so
    the next poll knows it."""
    if sniff(r.body[:65536]) not in ("html", "xml", "text"):
        return [Problem(r.url, "bad-content", f"not a web page ({r.content_type or 'unknown type'})")]
    items = list(_read_bytes(r.body, r.url, "html"))
    for item in items:
        if isinstance(item, Article):
            if item.url and item.url != url:
                item.extra["canonical_url"] = item.url
            item.id, item.url, item.source = article_id(url), url, SourceRef(url)
    return items


_EVERY_ENTRY = replace(Limits(), warnings_per_reason=Limits().records)


def _read_bytes(body: bytes, url: str, fmt: str, limits: Limits | None = None) -> Iterator[Article | Problem]:
    opener: Callable[[], BinaryIO] = partial(io.BytesIO, body)
    src = Source(display=url, key=article_id(url), fmt=fmt, explicit=True, opener=opener, size=len(body))
    try:
        yield from read_source(src, limits)
    except Skip as e:  # pragma: no cover - read_source turns these into Problems already
        yield src.problem(e.reason, e.message)


def _problem(url: str, r: Response) -> Problem:
    """A failed fetch as a skipped source: the failure ``r.raise_for_outcome()`` would raise."""
    error = r.error
    if error is None:  # a 304 to a request that asked for no validation: nothing to read
        return Problem(url, "no-body", f"the server sent no page ({r.status} {r.outcome})")
    return Problem(url, f"fetch-{error.outcome}", error.what)


def article_id(url: str) -> str:
    """A readable id from a URL: host and path, without the scheme, query or a trailing slash."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a feed's malformed link: the fetcher refuses it, the id is the text
        return url
    path = parts.path.rstrip("/")
    return f"{parts.netloc}{path}" or url
