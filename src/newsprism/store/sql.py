"""The store over SQL: every query, written once for SQLite and PostgreSQL.

A dialect (``SQLiteStore``, ``PostgresStore``) supplies the connection, its
transactions, the writer lock, the column types and the full-text search;
the queries here use ``?`` placeholders, which a dialect may rewrite.
"""

from __future__ import annotations

import datetime
import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar

from newsprism.errors import StoreError
from newsprism.model import Article, Problem
from newsprism.store.codec import ARTICLE_COLUMNS, article_from_row, article_row, dumps, read_article_from_row
from newsprism.store.records import (
    Batch,
    FetchRecord,
    Placement,
    SourceRecord,
    StatePart,
    StoredBrief,
    StoryEvent,
    StoryRecord,
)
from newsprism.store.schema import APPLICATION, MIGRATIONS, SCHEMA_VERSION

Row = tuple[Any, ...]
_STORY_COLUMNS = "id, title, first_seen, last_updated, first_day, last_day, absorbed, articles"
_ARTICLE_SELECT = ", ".join(ARTICLE_COLUMNS)
_IN_CHUNK = 512  # ids per IN (...) list: SQLite allows 32,766 variables, but long lists plan slowly


def now() -> str:
    """The store's clock: UTC, ISO 8601 with microseconds (sorts as text)."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")


def normalize_time(value: str) -> str:
    """A user's ISO date or datetime (naive means UTC) in the store's format."""
    try:
        t = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as e:
        raise StoreError(f"not an ISO 8601 date or time: {value!r}") from e
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.UTC)
    return t.astimezone(datetime.UTC).isoformat(timespec="microseconds")


class SQLStore(ABC):
    """The ``Store`` protocol over a SQL connection (see ``newsprism.store``)."""

    location: str
    types: ClassVar[dict[str, str]]

    def __init__(self) -> None:
        # One connection per store, used by one thread at a time (the web app's
        # handlers run in a thread pool).
        self._lock = threading.RLock()

    # ------------------------------------------------------------ dialect

    @abstractmethod
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    @abstractmethod
    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[None]:
        """One write transaction: all of it lands, or none of it."""

    @abstractmethod
    def _fts_ddl(self) -> list[str]: ...

    def _words_ddl(self) -> list[str]:
        """Version 5: what moves the full-text index out of the articles' rows, where it was in them."""
        return []

    def _story_words_ddl(self) -> list[str]:
        """Version 6: each story's words in a table of its own, where the dialect keeps one."""
        return []

    def _search_ddl(self) -> list[str]:
        """Version 7: what a search of several words reads, made narrow, where the dialect
        keeps the articles' words in a table of its own."""
        return []

    def _story_words_moving(self, placements: Sequence[Placement]) -> Any:
        """Before a batch moves stored articles: what ``_index_stories`` needs to know of where they were."""
        return None

    @abstractmethod
    def _index_stories(self, first_seq: int | None, moving: Any) -> None:
        """Bring the stories' words up to date after a batch's articles and placements (in the open transaction)."""

    @abstractmethod
    def _times_ddl(self) -> list[str]:
        """What turns the clock's time columns (``schema.TIME_COLUMNS``) into the dialect's time type, if any."""

    @abstractmethod
    def _index_texts(self, first_seq: int) -> None:
        """Put the articles from ``first_seq`` on into the full-text index (in the open transaction)."""

    @abstractmethod
    def _matching_stories(self, query: str) -> tuple[str, list[Any]]:
        """A query of the stories of the articles that match ``query`` (full-text index), and its parameters."""

    def _search_rows(self, sql: str, params: Sequence[Any], query: str | None) -> list[Row]:
        """The rows of a story query, which searches the full-text index when ``query`` has words."""
        return self._rows(sql, params)

    @abstractmethod
    def writer(self, on_wait: Callable[[str], None] | None = None) -> AbstractContextManager[None]:
        """Hold the one writer's place for a whole run; ``on_wait`` hears why when another holds it."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ schema

    @abstractmethod
    def _schema_version(self) -> int | None:
        """The version the database says it has; None when it holds no newsprism tables."""

    def _migrate(self) -> None:
        """Bring the schema up to ``SCHEMA_VERSION``, all in one transaction."""
        version = self._schema_version() or 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.location}: the database has schema version {version}, newer than this newsprism "
                f"understands ({SCHEMA_VERSION}); upgrade newsprism"
            )
        if version == SCHEMA_VERSION:
            return
        hooks = {  # statements of the dialect's own
            "{fts}": self._fts_ddl, "{times}": self._times_ddl, "{words}": self._words_ddl,
            "{storywords}": self._story_words_ddl, "{search}": self._search_ddl,
        }
        with self._transaction():
            for statements in MIGRATIONS[version:]:
                for sql in statements:
                    for s in hooks[sql]() if sql in hooks else [sql.format(**self.types)]:
                        self._run(s)
            self._run(
                "INSERT INTO meta (key, value) VALUES ('application', ?), ('schema_version', ?), ('generation', '0') "
                "ON CONFLICT (key) DO NOTHING",
                (APPLICATION, str(SCHEMA_VERSION)),
            )
            self._run("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))

    def _meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    # ------------------------------------------------------------ writing

    def write(self, batch: Batch) -> None:
        """Everything a batch changed, in one transaction."""
        at = now()
        with self._lock, self._transaction():
            first: int | None = None
            if batch.articles:
                (top,) = self._rows("SELECT coalesce(max(seq), 0) FROM articles")[0]
                first = int(top) + 1
                self._run_many(
                    f"INSERT INTO articles (seq, added_at, {_ARTICLE_SELECT}) VALUES (?, ?, {', '.join('?' * len(ARTICLE_COLUMNS))})",
                    [(first + k, at, *article_row(r, p)) for k, (r, p) in enumerate(batch.articles)],
                )
                self._index_texts(first)
            moving = self._story_words_moving(batch.placements) if batch.placements else None
            if batch.placements:
                self._run_many(
                    "UPDATE articles SET story = ?, duplicate_of = ?, syndicated_from = ? WHERE id = ?",
                    [(p.story, p.duplicate_of, p.syndicated_from, p.article) for p in batch.placements],
                )
            if batch.stories:
                self._run_many(
                    "INSERT INTO stories (id, title, articles, n_articles, first_seen, last_updated, first_day, last_day, absorbed, merged_into, brief_stale) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET "
                    "title = coalesce(excluded.title, stories.title), articles = excluded.articles, n_articles = excluded.n_articles, "
                    "last_updated = excluded.last_updated, first_day = excluded.first_day, last_day = excluded.last_day, "
                    "absorbed = excluded.absorbed, merged_into = excluded.merged_into, brief_stale = 1",
                    [
                        (s.id, s.title, dumps(s.articles), len(s.articles), at, at, s.first_day, s.last_day, dumps(s.absorbed), s.merged_into)
                        for s in batch.stories
                    ],
                )
                gone = [(s.id,) for s in batch.stories if s.merged_into is not None]
                if gone:
                    self._run_many("DELETE FROM briefs WHERE story = ?", gone)
            if batch.articles or batch.placements:
                self._index_stories(first, moving)
            if batch.events:
                self._run_many(
                    "INSERT INTO story_events (at, story, kind, article, other) VALUES (?, ?, ?, ?, ?)",
                    [(at, e.story, e.kind, e.article, e.other) for e in batch.events],
                )
            if batch.state is not None:
                for part in batch.state.drop:
                    self._run("DELETE FROM cluster_state WHERE part = ?", (part,))
                self._run_many(
                    "INSERT INTO cluster_state (part, key, body) VALUES (?, ?, ?) ON CONFLICT (part, key) DO UPDATE SET "
                    "body = excluded.body",
                    [(p.part, p.key, p.body) for p in batch.state.put],
                )

            if batch.state is not None or batch.articles or batch.stories:
                self._run(
                    "UPDATE meta SET value = ? WHERE key = 'generation'", (str(int(self._meta("generation") or 0) + 1),)
                )
            if batch.skipped:
                self._run_many(
                    "INSERT INTO skipped (at, path, line, reason, message) VALUES (?, ?, ?, ?, ?)",
                    [(at, p.path, p.line, p.reason, p.message) for p in batch.skipped],
                )
            for s in batch.sources:
                self._put_source(s)

    def put_briefs(self, briefs: Sequence[StoredBrief], titles: dict[str, str | None] | None = None) -> None:
        """Store the latest brief of each story (one transaction) and clear its stale mark."""
        titles = titles or {}
        with self._lock, self._transaction():
            self._run_many(
                "INSERT INTO briefs (story, made_at, body) VALUES (?, ?, ?) ON CONFLICT (story) DO UPDATE SET "
                "made_at = excluded.made_at, body = excluded.body",
                [(b.story, b.made_at, dumps(b.body)) for b in briefs],
            )
            self._run_many(
                "UPDATE stories SET brief_stale = 0, title = coalesce(?, title) WHERE id = ?",
                [(titles.get(b.story, b.body.get("title")), b.story) for b in briefs],
            )

    def put_source(self, source: SourceRecord) -> None:
        with self._lock, self._transaction():
            self._put_source(source)

    def _put_source(self, s: SourceRecord) -> None:
        self._run(
            "INSERT INTO sources (id, kind, added_at, etag, last_modified, last_checked, last_outcome, files) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, etag = excluded.etag, "
            "last_modified = excluded.last_modified, last_checked = excluded.last_checked, "
            "last_outcome = excluded.last_outcome, files = excluded.files",
            (s.id, s.kind, s.added_at, s.etag, s.last_modified, s.last_checked, s.last_outcome, dumps(s.files)),
        )

    def record_fetches(self, records: Sequence[FetchRecord]) -> None:
        if not records:
            return
        with self._lock, self._transaction():
            self._run_many(
                "INSERT INTO fetches (at, source, url, outcome, status, bytes, elapsed, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(r.at, r.source, r.url, r.outcome, r.status, r.bytes, r.elapsed, r.message) for r in records],
            )

    def record_skipped(self, problems: Sequence[Problem]) -> None:
        if problems:
            self.write(Batch(skipped=list(problems)))

    # ------------------------------------------------------------ reading

    def _select_in(self, sql: str, ids: Sequence[str], tail: str = "") -> list[Row]:
        """``sql`` ending in ``IN``, run over ``ids`` in chunks.

        Each list is padded to a power of two by repeating its last id (which
        ``IN`` reads once), so a query takes ten shapes of statement, not one
        for every length: a connection keeps the statements it prepared
        (Python's sqlite3 the latest 128, each list's placeholders in its
        program), and a watch's rounds, asking for a few ids here and a few
        hundred there, kept adding shapes for hours."""
        out: list[Row] = []
        for k in range(0, len(ids), _IN_CHUNK):
            chunk = list(ids[k : k + _IN_CHUNK])
            chunk += chunk[-1:] * ((1 << (len(chunk) - 1).bit_length()) - len(chunk))
            out.extend(self._rows(f"{sql} ({', '.join('?' * len(chunk))}) {tail}", chunk))
        return out

    def known_contents(self, content_ids: Sequence[str]) -> set[str]:
        with self._lock:
            return {r[0] for r in self._select_in("SELECT content_id FROM articles WHERE content_id IN", list(content_ids))}

    def known_urls(self, urls: Sequence[str]) -> set[str]:
        """Those of ``urls`` that a stored article has (a watch does not fetch them again)."""
        with self._lock:
            return {r[0] for r in self._select_in("SELECT url FROM articles WHERE url IN", list(urls))}

    def taken_ids(self, ids: Sequence[str]) -> set[str]:
        """Those of ``ids`` already held by a stored article, or with a ``~N`` suffix taken."""
        with self._lock:
            return {r[0] for r in self._select_in("SELECT id FROM articles WHERE id IN", list(ids))}

    def placements(self, ids: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
        """The story and publication date of those of ``ids`` that are stored."""
        with self._lock:
            return {r[0]: (r[1], r[2]) for r in self._select_in("SELECT id, story, published FROM articles WHERE id IN", list(ids))}

    def generation(self) -> int:
        """How many batches changed articles, stories or the clustering state: a reader that
        holds what it read (the updater's state, the web app's counts) knows when to read again."""
        with self._lock:
            return int(self._meta("generation") or 0)

    def state(self) -> tuple[int, list[StatePart]]:
        """The saved clustering state's parts and its generation, read together."""
        with self._lock, self._transaction():
            rows = self._rows("SELECT part, key, body FROM cluster_state ORDER BY part, key")
            return int(self._meta("generation") or 0), [StatePart(r[0], int(r[1]), bytes(r[2])) for r in rows]

    def count_articles(self) -> int:
        with self._lock:
            return int(self._rows("SELECT count(*) FROM articles")[0][0])

    def articles(self, ids: Sequence[str] | None = None) -> list[Article]:
        """Stored articles, as prepared, in arrival order (``ids``: only those)."""
        with self._lock:
            if ids is None:
                rows = self._rows(f"SELECT {_ARTICLE_SELECT} FROM articles ORDER BY seq")
            else:
                rows = self._select_in(f"SELECT seq, {_ARTICLE_SELECT} FROM articles WHERE id IN", list(ids))
                rows = [r[1:] for r in sorted(rows, key=lambda r: int(r[0]))]
        return [article_from_row(r) for r in rows]

    def iter_articles(self, chunk: int = 1000) -> Iterator[Article]:
        """All stored articles in arrival order, ``chunk`` rows at a time (for exports)."""
        last = 0
        while True:
            with self._lock:
                rows = self._rows(f"SELECT seq, {_ARTICLE_SELECT} FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (last, chunk))
            if not rows:
                return
            last = int(rows[-1][0])
            yield from (article_from_row(r[1:]) for r in rows)

    def article(self, article_id: str) -> Article | None:
        found = self.articles([article_id])
        return found[0] if found else None

    def articles_as_read(self, ids: Sequence[str]) -> list[Article]:
        """Stored articles as they were read, before stage 2."""
        with self._lock:
            rows = self._select_in(f"SELECT {_ARTICLE_SELECT} FROM articles WHERE id IN", list(ids))
        return [read_article_from_row(r) for r in rows]

    def added_at(self, ids: Sequence[str]) -> dict[str, str]:
        with self._lock:
            return {r[0]: r[1] for r in self._select_in("SELECT id, added_at FROM articles WHERE id IN", list(ids))}

    def story_articles(self, story_ids: Sequence[str]) -> dict[str, list[str]]:
        """Each story's article ids, in the clusterer's order (the order its brief numbers them)."""
        out: dict[str, list[str]] = {s: [] for s in story_ids}
        with self._lock:
            rows = self._select_in("SELECT id, articles FROM stories WHERE id IN", list(story_ids))
        out.update({r[0]: json.loads(r[1]) for r in rows})
        return out

    def _story_filter(self, since: str | None, query: str | None) -> tuple[str, list[Any]]:
        where, params = ["merged_into IS NULL"], list[Any]()
        if since is not None:
            where.append("last_updated >= ?")
            params.append(normalize_time(since))
        if query is not None and query.strip():
            stories, qparams = self._matching_stories(query)
            where.append(f"id IN ({stories})")
            params.extend(qparams)
        return " AND ".join(where), params

    def stories(
        self,
        *,
        since: str | None = None,
        query: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        ids: Sequence[str] | None = None,
    ) -> list[StoryRecord]:
        """Live stories by latest activity, newest first; ``since``: updated at or after it;
        ``query``: with an article whose title or text matches (full-text index);
        ``ids``: only these (at most 500)."""
        where, params = self._story_filter(since, query)
        if ids is not None:
            where += f" AND id IN ({', '.join('?' * len(ids))})" if ids else " AND 1 = 0"
            params.extend(ids)
        sql = f"SELECT {_STORY_COLUMNS} FROM stories WHERE {where} ORDER BY last_updated DESC, id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params.extend((limit, offset))
        with self._lock:
            rows = self._search_rows(sql, params, query)
        return [_story_record(r) for r in rows]

    def story_ids(self, *, since: str | None = None, query: str | None = None) -> list[str]:
        """The ids ``stories`` would list, all of them, in its order: a search runs once,
        and its matches are counted and paged from this."""
        where, params = self._story_filter(since, query)
        with self._lock:
            return [r[0] for r in self._search_rows(f"SELECT id FROM stories WHERE {where} ORDER BY last_updated DESC, id", params, query)]

    def count_stories(self, *, since: str | None = None, query: str | None = None) -> int:
        """How many stories ``stories`` would list with these filters."""
        where, params = self._story_filter(since, query)
        with self._lock:
            return int(self._search_rows(f"SELECT count(*) FROM stories WHERE {where}", params, query)[0][0])

    def live_story(self, story_id: str) -> str | None:
        """The live story that ``story_id`` is, or was merged into; None if unknown."""
        seen: set[str] = set()
        current: str | None = story_id
        with self._lock:
            while current is not None and current not in seen:
                seen.add(current)
                rows = self._rows("SELECT merged_into FROM stories WHERE id = ?", (current,))
                if not rows:
                    return None
                if rows[0][0] is None:
                    return current
                current = rows[0][0]
        return None

    def story(self, story_id: str) -> StoryRecord | None:
        """One story, following merges: an absorbed id gives the story that absorbed it."""
        live = self.live_story(story_id)
        if live is None:
            return None
        with self._lock:
            rows = self._rows(f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = ?", (live,))
        return _story_record(rows[0])

    def events(self, story_id: str, since: str | None = None) -> list[StoryEvent]:
        """A story's membership history, oldest first (``since``: at or after it)."""
        sql, params = "SELECT at, story, kind, article, other FROM story_events WHERE story = ?", [story_id]
        if since is not None:
            sql += " AND at >= ?"
            params.append(normalize_time(since))
        with self._lock:
            return [StoryEvent(*r) for r in self._rows(sql + " ORDER BY seq", params)]

    def stale_stories(self) -> list[str]:
        """Live stories whose brief is missing or older than their articles."""
        with self._lock:
            return [r[0] for r in self._rows("SELECT id FROM stories WHERE brief_stale = 1 AND merged_into IS NULL ORDER BY id")]

    def brief(self, story_id: str) -> StoredBrief | None:
        live = self.live_story(story_id)
        with self._lock:
            rows = self._rows("SELECT story, made_at, body FROM briefs WHERE story = ?", (live,))
        return StoredBrief(rows[0][0], rows[0][1], json.loads(rows[0][2])) if rows else None

    def briefs(self, story_ids: Sequence[str]) -> dict[str, StoredBrief]:
        """The latest briefs of these (live) stories, in one query per 512."""
        with self._lock:
            rows = self._select_in("SELECT story, made_at, body FROM briefs WHERE story IN", list(story_ids))
        return {r[0]: StoredBrief(r[0], r[1], json.loads(r[2])) for r in rows}

    def iter_briefs(self) -> Iterator[StoredBrief]:
        with self._lock:
            ids = [r[0] for r in self._rows("SELECT story FROM briefs ORDER BY story")]
        for sid in ids:
            b = self.brief(sid)
            if b is not None:
                yield b

    def sources(self) -> list[SourceRecord]:
        with self._lock:
            rows = self._rows(
                "SELECT id, kind, added_at, etag, last_modified, last_checked, last_outcome, files FROM sources ORDER BY added_at, id"
            )
        return [SourceRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7])) for r in rows]

    def source(self, source_id: str) -> SourceRecord | None:
        return next((s for s in self.sources() if s.id == source_id), None)

    def fetches(self, source: str | None = None, limit: int = 100) -> list[FetchRecord]:
        """The latest fetches, newest first."""
        sql, params = "SELECT at, source, url, outcome, status, bytes, elapsed, message FROM fetches", list[Any]()
        if source is not None:
            sql += " WHERE source = ?"
            params.append(source)
        with self._lock:
            rows = self._rows(sql + " ORDER BY seq DESC LIMIT ?", [*params, limit])
        return [FetchRecord(*r) for r in rows]

    def skipped(self, limit: int = 1000) -> list[tuple[str, Problem]]:
        """The latest inputs skipped, newest first, with when."""
        with self._lock:
            rows = self._rows("SELECT at, path, line, reason, message FROM skipped ORDER BY seq DESC LIMIT ?", (limit,))
        return [(r[0], Problem(path=r[1], line=r[2], reason=r[3], message=r[4])) for r in rows]

    def check(self) -> list[str]:
        """Problems the database itself reports (empty when it is sound)."""
        return []


def _story_record(row: Row) -> StoryRecord:
    sid, title, first_seen, last_updated, first_day, last_day, absorbed, articles = row
    return StoryRecord(sid, title, json.loads(articles), first_seen, last_updated, first_day, last_day, json.loads(absorbed))


@contextmanager
def translated(location: str, errors: tuple[type[BaseException], ...]) -> Iterator[None]:
    """A database's own errors as one ``StoreError`` line naming the database."""
    try:
        yield
    except errors as e:
        raise StoreError(f"{location}: {e}".rstrip()) from e
