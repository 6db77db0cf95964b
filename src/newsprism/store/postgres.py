"""The store on a PostgreSQL server (psycopg 3), for a team sharing one database.

The tables live in their own schema (``newsprism``), so the database may hold
others. Full-text search is a ``tsvector`` of each article, with a GIN
index, in a narrow table of its own (``articles_words``: the article's story,
its words out of line), and each story's words in another (``stories_words``):
a one-word search reads the rows of the stories it matches, one of several
words those of the articles. One process writes at a time: ``writer()`` holds a session-level
advisory lock on a connection of its own, which the server lets go when
that connection ends, however the process ends.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from newsprism.errors import MissingExtraError, StoreError
from newsprism.store.records import Placement
from newsprism.store.schema import APPLICATION, TIME_COLUMNS
from newsprism.store.sql import Row, SQLStore, translated

if TYPE_CHECKING:
    import psycopg

SCHEMA = "newsprism"
# A tsvector holds at most 1 MB: the index reads this much of a text (a few hundred pages).
_FTS_CHARS = 200_000
# Pages a bitmap scan asks the system for ahead of reading them (effective_io_concurrency).
_READ_AHEAD = 64
# Each article's words, in a row that names its story. A search of several words reads
# one row per matching article (the index alone cannot say which: a bitmap of rows), so
# the rows must be narrow: the words (1.2 KB an article on average) out of line. The
# server moves values out of line only from a row of about 2 KB (TOAST_TUPLE_THRESHOLD;
# toast_tuple_target alone does not lower it), so each row also has 2,100 spaces, which
# make it that long and which it stores compressed to some 35 bytes; then the words go
# out of line until the row is under 128 bytes. At 100,000 articles: 1,235 pages, not
# 8,342. A plain search never reads the words themselves: the index answers an AND of
# words exactly (``plainto_tsquery`` makes nothing else), so no match is checked again.
_WORDS_TABLE = (
    "CREATE TABLE articles_words (seq bigint PRIMARY KEY, story text, tsv tsvector NOT NULL, "
    "pad text GENERATED ALWAYS AS (repeat(' ', 2100)) STORED) WITH (toast_tuple_target = 128)"
)
_WORDS_INDEX = "CREATE INDEX articles_words_tsv ON articles_words USING gin (tsv)"
# A story's words: its articles' lexemes, without positions (a search asks for words, not phrases).
_STORY_WORDS = "SELECT a.story, array_to_tsvector(array_agg(u.lexeme)) FROM articles a JOIN articles_words w ON w.seq = a.seq CROSS JOIN LATERAL unnest(w.tsv) u"


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as e:
        raise MissingExtraError("psycopg", "postgres", "A PostgreSQL database") from e
    return psycopg


@functools.cache
def _time_loader() -> type:
    """A psycopg loader of timestamptz values as the store's time strings."""
    import datetime

    from psycopg.types.datetime import TimestamptzLoader

    class StoreTime(TimestamptzLoader):
        def load(self, data: Any) -> Any:
            return super().load(data).astimezone(datetime.UTC).isoformat(timespec="microseconds")

    return StoreTime


def redact(url: str) -> str:
    """The URL without its password, to show in messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PostgresStore(SQLStore):
    types: ClassVar[dict[str, str]] = {"int": "BIGINT", "real": "DOUBLE PRECISION", "blob": "BYTEA", "serial": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"}

    def __init__(self, url: str, *, schema: str = SCHEMA) -> None:
        super().__init__()
        self.url = url
        self.schema = schema
        self.location = redact(url)
        self._lock_name = f"newsprism writer {schema}"  # one writer per store, not per server
        self._pg = _psycopg()
        self._errors: tuple[type[BaseException], ...] = (self._pg.Error,)
        self._depth = 0  # transactions open on the connection
        self._db = self._connect()
        try:
            self._open()
        except BaseException:
            self._db.close()
            raise

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            db: psycopg.Connection[Any] = self._pg.connect(self.url, autocommit=True, connect_timeout=10)
        except self._pg.Error as e:
            raise StoreError(f"{self.location}: cannot connect ({str(e).strip().splitlines()[0]})") from e
        # A time without an offset (a user's --since day) is UTC, as normalize_time reads it,
        # and a timestamptz comes back as the store's clock writes it (``now``).
        db.execute("SET TIME ZONE 'UTC'")
        # A search's bitmap scan reads its matches' rows of the words table, spread over
        # thousands of pages; one at a time from disk after a restart ("police said" at
        # 100,000 articles: 0.55-0.74 s) where asking for the next ones ahead reads them
        # in parallel (0.14-0.27 s). The server's default asks for 1.
        with contextlib.suppress(self._pg.errors.InvalidParameterValue):  # a platform without posix_fadvise takes 0 alone
            db.execute(f"SET effective_io_concurrency = {_READ_AHEAD}")
        db.adapters.register_loader("timestamptz", _time_loader())
        return db

    def _open(self) -> None:
        exists = self._rows("SELECT 1 FROM information_schema.schemata WHERE schema_name = ?", (self.schema,))
        if exists:
            tables = self._rows("SELECT table_name FROM information_schema.tables WHERE table_schema = ?", (self.schema,))
            ours = ("meta",) in tables and self._rows(
                f'SELECT value FROM "{self.schema}".meta WHERE key = ?', ("application",)
            ) == [(APPLICATION,)]
            if tables and not ours:
                raise StoreError(f"{self.location}: schema {self.schema!r} holds tables that are not newsprism's; nothing was changed")
        else:
            self._run(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
        self._run(f"SET search_path TO \"{self.schema}\"")
        self._migrate()

    # ------------------------------------------------------------ dialect

    def _schema_version(self) -> int | None:
        if self._rows("SELECT to_regclass(?)", (f'"{self.schema}".meta',)) == [(None,)]:
            return None
        value = self._meta("schema_version")
        return None if value is None else int(value)

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with translated(self.location, self._errors):
            try:
                return list(self._live().execute(self._sql(sql), params).fetchall())
            except self._pg.OperationalError:
                if not self._reconnect():
                    raise
                return list(self._db.execute(self._sql(sql), params).fetchall())

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        with translated(self.location, self._errors):
            self._live().execute(self._sql(sql), params)

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with translated(self.location, self._errors), self._live().cursor() as cur:
            cur.executemany(self._sql(sql), rows)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with translated(self.location, self._errors), ExitStack() as stack:
            try:
                stack.enter_context(self._live().transaction())
            except self._pg.OperationalError:  # the server dropped the connection before BEGIN
                if not self._reconnect():
                    raise
                stack.enter_context(self._db.transaction())
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1

    def _live(self) -> psycopg.Connection[Any]:
        """The connection; one the server dropped (restarted, or ended it) is made again
        before the next statement, unless a transaction was in flight on it (that fails whole)."""
        if self._db.broken:
            self._reconnect()
        return self._db

    def _reconnect(self) -> bool:
        """Connect again if the connection broke outside a transaction: a long ``serve``
        goes on after the server restarts, where every request failed until it did."""
        if not self._db.broken or self._depth:
            return False
        self._db.close()
        self._db = self._connect()
        self._db.execute(f'SET search_path TO "{self.schema}"')
        return True

    def _fts_ddl(self) -> list[str]:
        return [_WORDS_TABLE, _WORDS_INDEX]

    def _words_ddl(self) -> list[str]:
        """Before version 5 the words were a generated column of the articles: moved out."""
        old = self._rows(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = ? AND table_name = 'articles' AND column_name = 'tsv'",
            (self.schema,),
        )
        if not old:
            return []
        return [*self._fts_ddl(), "INSERT INTO articles_words (seq, tsv) SELECT seq, tsv FROM articles", "ALTER TABLE articles DROP COLUMN tsv"]

    def _search_ddl(self) -> list[str]:
        """The articles' words again, in rows that hold their story and keep the words out of line
        (the index made after the rows: faster than kept up row by row); and the stories by id
        with what a search reads of them, so that each match's story is read from an index
        alone (the planner, which cannot know how many articles hold two words together,
        may look each up: "prime minister", 1,377 stories, 117 ms of a 192 ms search cold
        in the stories' rows)."""
        return [
            "CREATE INDEX IF NOT EXISTS stories_found ON stories (id) INCLUDE (merged_into, last_updated)",
            "DROP INDEX articles_words_tsv",
            "ALTER TABLE articles_words RENAME TO articles_words_6",
            "ALTER INDEX articles_words_pkey RENAME TO articles_words_6_pkey",
            _WORDS_TABLE,
            "INSERT INTO articles_words (seq, story, tsv) SELECT w.seq, a.story, w.tsv FROM articles_words_6 w JOIN articles a ON a.seq = w.seq",
            "DROP TABLE articles_words_6",
            _WORDS_INDEX,
        ]

    def _story_words_ddl(self) -> list[str]:
        """Made from the articles' words (afresh, should a table be there already)."""
        return [
            "CREATE TABLE IF NOT EXISTS stories_words (story text PRIMARY KEY, tsv tsvector NOT NULL) WITH (toast_tuple_target = 128)",
            "CREATE INDEX IF NOT EXISTS stories_words_tsv ON stories_words USING gin (tsv)",
            "TRUNCATE stories_words",
            f"INSERT INTO stories_words (story, tsv) {_STORY_WORDS} WHERE a.story IS NOT NULL GROUP BY a.story",
        ]

    def _story_words_moving(self, placements: Sequence[Placement]) -> tuple[list[str], list[str]]:
        """The stories that lose an article to another, and the articles that move."""
        to = {p.article: p.story for p in placements}
        rows = self._rows("SELECT id, story FROM articles WHERE id = ANY(?)", (list(to),))
        moved = [(aid, old) for aid, old in rows if old != to[aid]]
        return sorted({old for _aid, old in moved if old is not None}), [aid for aid, _old in moved]

    def _index_stories(self, first_seq: int | None, moving: tuple[list[str], list[str]] | None) -> None:
        """The articles that moved carry their new story in their words' rows. A story that
        lost an article has its words made again from its articles; any other the batch
        touched has the words of its new articles added to its own (a story of thousands
        of articles, touched by every batch, is not read whole)."""
        lost, moved = moving or ([], [])
        if moved:
            self._run("UPDATE articles_words w SET story = a.story FROM articles a WHERE a.id = ANY(?) AND w.seq = a.seq", (moved,))
        if lost:
            self._run("DELETE FROM stories_words WHERE story = ANY(?)", (lost,))
            self._run(f"INSERT INTO stories_words (story, tsv) {_STORY_WORDS} WHERE a.story = ANY(?) GROUP BY a.story", (lost,))
        add = f"{_STORY_WORDS} WHERE {{}} AND a.story IS NOT NULL AND a.story <> ALL(?) GROUP BY a.story ON CONFLICT (story) DO UPDATE SET tsv = stories_words.tsv || excluded.tsv"
        if first_seq is not None:
            self._run("INSERT INTO stories_words (story, tsv) " + add.format("a.seq >= ?"), (first_seq, lost))
        if moved:
            self._run("INSERT INTO stories_words (story, tsv) " + add.format("a.id = ANY(?)"), (moved, lost))

    def _times_ddl(self) -> list[str]:
        return [
            f"ALTER TABLE {table} " + ", ".join(f"ALTER COLUMN {c} TYPE timestamptz USING {c}::timestamptz" for c in columns)
            for table, columns in TIME_COLUMNS.items()
        ]

    def _index_texts(self, first_seq: int) -> None:
        self._run(
            f"INSERT INTO articles_words (seq, story, tsv) SELECT seq, story, to_tsvector('english', left(coalesce(title, '') || ' ' || text, {_FTS_CHARS})) "
            "FROM articles WHERE seq >= ?",
            (first_seq,),
        )

    def _matching_stories(self, query: str) -> tuple[str, list[Any]]:
        # One word: the stories' words hold it exactly when one of their articles does.
        # Several must stand in one article: the articles' words, whose rows name their
        # story. The planner keeps one branch (the query's word count is a constant).
        return (
            "SELECT story FROM stories_words WHERE numnode(plainto_tsquery('english', ?)) = 1 AND tsv @@ plainto_tsquery('english', ?) "
            "UNION ALL SELECT story FROM articles_words "
            "WHERE numnode(plainto_tsquery('english', ?)) > 1 AND tsv @@ plainto_tsquery('english', ?)",
            [query] * 4,
        )

    def _search_rows(self, sql: str, params: Sequence[Any], query: str | None) -> list[Row]:
        if not (query and query.strip()):
            return self._rows(sql, params)
        # The planner prices a scan of articles_words by its narrow rows, not by the words
        # kept out of line that each row's match reads: for a common word it scans the
        # table, reading every article's words, where the GIN index reads the matches
        # alone (at 100,000 articles, warm: 0.28-0.34 s against 0.11-0.20 s).
        with self._transaction():
            self._run("SET LOCAL enable_seqscan = off")
            return self._rows(sql, params)

    @contextmanager
    def _writer(self, on_wait: Callable[[str], None] | None) -> Iterator[None]:
        lock = self._connect()
        try:
            with translated(self.location, self._errors):
                got = lock.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (self._lock_name,)).fetchone()
                if not (got and got[0]):
                    if on_wait is not None:
                        on_wait(f"another newsprism process is writing to {self.location}; waiting for it to finish")
                    lock.execute("SELECT pg_advisory_lock(hashtext(%s))", (self._lock_name,))
            yield
        finally:
            lock.close()  # the session's advisory lock goes with it

    def writer(self, on_wait: Callable[[str], None] | None = None) -> AbstractContextManager[None]:
        return self._writer(on_wait)

    def close(self) -> None:
        with self._lock:
            self._db.close()
