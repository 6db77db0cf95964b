"""The embedded store: one SQLite file, in WAL mode, written one batch per transaction.

Crash safety rests on SQLite's own: a transaction is in the file or not, and
``synchronous=FULL`` makes a committed batch survive a power cut as well as
a ``kill -9``. The file says it is ours (``PRAGMA application_id``), so a
foreign SQLite database is refused instead of written into. One process
writes at a time: ``writer()`` holds an ``flock`` on the database file for a
whole run (the kernel lets go when the process dies, however it dies);
readers never wait, WAL lets them read while a batch is written.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, ClassVar

from newsprism.errors import StoreError
from newsprism.store.sql import Row, SQLStore, translated

APPLICATION_ID = 0x4E505253  # "NPRS"
_HEADER = b"SQLite format 3\x00"
_ERRORS = (sqlite3.Error,)


class SQLiteStore(SQLStore):
    types: ClassVar[dict[str, str]] = {"int": "INTEGER", "real": "REAL", "blob": "BLOB", "serial": "INTEGER PRIMARY KEY"}

    def __init__(self, path: str | Path, *, create: bool = True, busy_timeout: float = 60.0) -> None:
        super().__init__()
        self.path = Path(path)
        self.location = str(path)
        self._writer_fd: int | None = None  # the writers' lock (``_writer``), opened once
        existed = self.path.exists() and self.path.stat().st_size > 0
        if existed:
            _check_file(self.path)
        elif not create:
            raise StoreError(f"{self.location}: no such database")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with translated(self.location, _ERRORS):
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=busy_timeout)
        try:
            self._open(existed)
        except BaseException:
            self._db.close()
            raise

    def _open(self, existed: bool) -> None:
        with translated(self.location, _ERRORS):
            app = self._db.execute("PRAGMA application_id").fetchone()[0]
            tables = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if existed and app != APPLICATION_ID and tables:
                raise StoreError(f"{self.location}: not a newsprism database (a SQLite file holding other tables); nothing was changed")
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":
                raise StoreError(f"{self.location}: cannot use write-ahead logging here (journal mode {mode})")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            if not tables:
                self._db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        self._migrate()

    # ------------------------------------------------------------ dialect

    def _schema_version(self) -> int | None:
        if not self._rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'"):
            return None
        value = self._meta("schema_version")
        return None if value is None else int(value)

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with translated(self.location, _ERRORS):
            return self._db.execute(sql, params).fetchall()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> None:
        with translated(self.location, _ERRORS):
            self._db.execute(sql, params)

    def _run_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with translated(self.location, _ERRORS):
            self._db.executemany(sql, rows)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        if self._db.in_transaction:  # nested: the outer transaction decides
            yield
            return
        # IMMEDIATE takes the write lock now, so the batch never fails half-way on a busy database.
        self._run("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with translated(self.location, _ERRORS):
                self._db.rollback()
            raise
        self._run("COMMIT")

    def _fts_ddl(self) -> list[str]:
        # External content: the index holds no second copy of the texts.
        return [
            "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='seq', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        ]

    def _times_ddl(self) -> list[str]:
        return []  # no time type: the ISO strings sort as text

    def _index_texts(self, first_seq: int) -> None:
        self._run("INSERT INTO articles_fts (rowid, title, text) SELECT seq, title, text FROM articles WHERE seq >= ?", (first_seq,))

    def _index_stories(self, first_seq: int | None, moving: Any) -> None:
        """SQLite keeps no words by story: its search reads the stories of the matching articles."""

    def _matching_stories(self, query: str) -> tuple[str, list[Any]]:
        # Each word a quoted string: the user's text is never read as FTS5 query syntax.
        terms = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
        # The planner reads each match's row by its rowid (the row holds the text, so
        # a common word reads most of the table); the index holds seq and story alone.
        return (
            "SELECT story FROM articles INDEXED BY articles_seq_story WHERE seq IN "
            "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
            [terms],
        )

    @contextmanager
    def _writer(self, on_wait: Callable[[str], None] | None) -> Iterator[None]:
        # The descriptor stays open until the store closes: closing any descriptor of the
        # database file drops every POSIX lock this process holds on it, SQLite's own
        # included, and then another process closing its connection (a reader, `serve`)
        # takes itself for the last one, checkpoints and deletes the write-ahead log under
        # this store: its later writes went to a deleted file ("disk I/O error" for readers).
        if self._writer_fd is None:
            self._writer_fd = os.open(self.path, os.O_RDONLY)
        fd = self._writer_fd
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            if on_wait is not None:
                on_wait(f"another newsprism process is writing to {self.location}; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def writer(self, on_wait: Callable[[str], None] | None = None) -> AbstractContextManager[None]:
        return self._writer(on_wait)

    def close(self) -> None:
        with self._lock:
            self._db.close()
            if self._writer_fd is not None:  # after SQLite's own: nothing of this store is locked any more
                os.close(self._writer_fd)
                self._writer_fd = None

    def check(self) -> list[str]:
        rows = self._rows("PRAGMA integrity_check")
        return [] if rows == [("ok",)] else [str(r[0]) for r in rows]


def _check_file(path: Path) -> None:
    """Refuse what is not a whole SQLite file before SQLite opens it (and might write to it)."""
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except OSError as e:
        raise StoreError(f"{path}: cannot read the database ({e.strerror or e})") from e
    if not head.startswith(_HEADER):
        raise StoreError(f"{path}: not a newsprism database (not a SQLite file); nothing was changed")
    if len(head) < 100:
        raise StoreError(f"{path}: the database file is truncated; nothing was changed")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96]  # the page count is valid only when these agree
    if valid and pages and path.stat().st_size < pages * page_size:
        raise StoreError(
            f"{path}: the database file is truncated ({path.stat().st_size} bytes, its header says "
            f"{pages * page_size}); nothing was changed"
        )
