"""The store suite: every test runs on SQLite and on PostgreSQL (``store_target``)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from newsprism.errors import StoreError
from newsprism.extract import prepare_articles
from newsprism.model import Article, Problem, SourceRef
from newsprism.store import (
    Batch,
    FetchRecord,
    Placement,
    SourceRecord,
    StateChange,
    StatePart,
    StoredBrief,
    StoryEvent,
    StoryUpdate,
    content_id,
    now,
    open_store,
)
from newsprism.store.postgres import _STORY_WORDS
from newsprism.store.schema import SCHEMA_VERSION


def _read(n: int, prefix: str = "a") -> list[Article]:
    return [
        Article(
            id=f"{prefix}{k}",
            title=f"Dam report number {k}" if k % 3 else f"Harbour strike day {k}",
            text=f"KESTREL, May 13 (Wire) - Engineers found cracks in the spillway, report {prefix}{k} said.\n\n"
            f"\"We will not gamble,\" the minister said on day {k}.",
            outlet=f"Outlet {k % 4}",
            url=f"https://outlet{k % 4}.example/news/{k}",
            published=f"2024-05-{10 + k % 5:02d}",
            extra={"section": "world", "n": k},
            source=SourceRef(f"in/{prefix}{k}.json", k),
        )
        for k in range(n)
    ]


def _batch(read: list[Article], story: str = "s1") -> Batch:
    prepared = prepare_articles(read)
    for a in prepared:
        a.story = story
    ids = [a.id for a in prepared]
    return Batch(
        articles=list(zip(read, prepared)),
        stories=[StoryUpdate(story, "Dam", ids, "2024-05-10", "2024-05-14", [])],
        events=[StoryEvent(now(), story, "joined", aid) for aid in ids],
        state=StateChange([StatePart("meta", 0, b"\x00state\xff" * 3)]),
    )


@pytest.fixture
def store(store_target: str):  # type: ignore[no-untyped-def]
    s = open_store(store_target)
    yield s
    s.close()


def test_articles_round_trip_as_read_and_as_prepared(store) -> None:  # type: ignore[no-untyped-def]
    read = _read(5)
    batch = _batch(read)
    store.write(batch)
    got = store.articles()
    assert [a.id for a in got] == [a.id for a in read]
    for (_raw, p), g in zip(batch.articles, got):
        assert (g.text, g.title, g.outlet, g.outlet_id, g.url, g.published, g.byline) == (
            p.text, p.title, p.outlet, p.outlet_id, p.url, p.published, p.byline)
        assert g.paragraphs == p.paragraphs and g.sentences == p.sentences and g.inferred == p.inferred
        assert g.extra == p.extra and g.source == p.source and g.story == "s1"
    as_read = {a.id: a for a in store.articles_as_read([a.id for a in read])}
    assert as_read["a1"].outlet == read[1].outlet and as_read["a1"].byline == read[1].byline
    assert store.article("a3") is not None and store.article("nope") is None
    assert store.count_articles() == 5


def test_content_ids_make_reruns_idempotent(store) -> None:  # type: ignore[no-untyped-def]
    read = _read(4)
    store.write(_batch(read))
    again = _read(4)
    for a in again:  # the same content from other files
        a.id, a.source = "elsewhere/" + a.id, SourceRef("elsewhere")
    assert store.known_contents([content_id(a) for a in again]) == {content_id(a) for a in read}
    changed = _read(1)[0]
    changed.text += " Updated."
    assert store.known_contents([content_id(changed)]) == set()
    assert store.taken_ids(["a0", "a2", "zz"]) == {"a0", "a2"}
    assert store.known_urls([read[1].url, "https://elsewhere.example/"]) == {read[1].url}


def test_a_failed_batch_leaves_nothing(store) -> None:  # type: ignore[no-untyped-def]
    store.write(_batch(_read(2)))
    bad = _batch(_read(3, "b"), story="s2")
    bad.articles.append(bad.articles[0])  # the same id twice: the insert fails half-way
    with pytest.raises(StoreError):
        store.write(bad)
    assert store.count_articles() == 2
    assert [s.id for s in store.stories()] == ["s1"]
    assert store.generation() == 1
    store.write(_batch(_read(3, "b"), story="s2"))  # the store is still usable
    assert store.count_articles() == 5


def test_stories_by_latest_activity_since_and_search(store) -> None:  # type: ignore[no-untyped-def]
    store.write(_batch(_read(3, "a"), story="s1"))
    time.sleep(0.01)
    middle = now()
    store.write(_batch(_read(2, "b"), story="s2"))
    listed = store.stories()
    assert [s.id for s in listed] == ["s2", "s1"]
    assert listed[1].articles == ["a0", "a1", "a2"] and listed[1].title == "Dam"
    assert listed[0].first_seen <= listed[0].last_updated
    assert [s.id for s in store.stories(since=middle)] == ["s2"]
    assert [s.id for s in store.stories(since="2000-01-01")] == ["s2", "s1"]
    assert [s.id for s in store.stories(limit=1)] == ["s2"]
    assert [s.id for s in store.stories(limit=1, offset=1)] == ["s1"]
    # Full text: words of titles and texts, stemmed ("strikes" finds "strike"), any case.
    assert {s.id for s in store.stories(query="harbour strikes")} == {"s1", "s2"}
    assert {s.id for s in store.stories(query="GAMBLE minister")} == {"s1", "s2"}
    assert store.stories(query="nowhere-to-be-found") == []
    assert (store.count_stories(), store.count_stories(query="GAMBLE"), store.count_stories(since=middle)) == (2, 2, 1)
    assert store.stories(query='" OR * NEAR(') == []  # query syntax is never interpreted
    with pytest.raises(StoreError):
        store.stories(since="last tuesday")


def test_moves_merges_and_history(store) -> None:  # type: ignore[no-untyped-def]
    store.write(_batch(_read(2, "a"), story="s1"))
    store.write(_batch(_read(2, "b"), story="s2"))
    store.put_briefs([StoredBrief("s2", now(), {"id": "s2", "title": "B"})])
    t = now()
    store.write(
        Batch(
            placements=[Placement("b0", "s1", None, None), Placement("b1", "s1", "a0", "a0")],
            stories=[
                StoryUpdate("s1", None, ["a0", "a1", "b0", "b1"], "2024-05-10", "2024-05-14", ["s2"]),
                StoryUpdate("s2", None, [], None, None, [], merged_into="s1"),
            ],
            events=[StoryEvent(t, "s1", "merged", None, "s2"), StoryEvent(t, "s1", "moved", "b0", "s2")],
        )
    )
    assert [s.id for s in store.stories()] == ["s1"]
    s1 = store.story("s2")  # an absorbed id leads to the story that absorbed it
    assert s1 is not None and s1.id == "s1" and s1.absorbed == ["s2"] and s1.articles == ["a0", "a1", "b0", "b1"]
    assert store.brief("s2") is None  # the absorbed story's brief is gone
    assert [(e.kind, e.article, e.other) for e in store.events("s1", since=t)] == [("merged", None, "s2"), ("moved", "b0", "s2")]
    assert [e.kind for e in store.events("s1")] == ["joined", "joined", "merged", "moved"]
    b1 = store.article("b1")
    assert b1 is not None and b1.duplicate_of == "a0" and b1.syndicated_from == "a0"
    assert store.live_story("nope") is None and store.story("nope") is None


def test_briefs_and_stale_marks(store) -> None:  # type: ignore[no-untyped-def]
    store.write(_batch(_read(2, "a"), story="s1"))
    store.write(_batch(_read(2, "b"), story="s2"))
    assert store.stale_stories() == ["s1", "s2"]
    body = {"id": "s1", "title": "Cracks in the dam", "claims": [{"text": "x", "articles": ["a0"]}]}
    store.put_briefs([StoredBrief("s1", now(), body)], titles={"s1": "Cracks in the dam"})
    assert store.stale_stories() == ["s2"]
    got = store.brief("s1")
    assert got is not None and got.body == body
    assert store.story("s1").title == "Cracks in the dam"  # type: ignore[union-attr]
    store.write(_batch(_read(1, "c"), story="s1"))  # a new article makes the brief stale again
    assert store.stale_stories() == ["s1", "s2"]
    assert [b.story for b in store.iter_briefs()] == ["s1"]
    assert list(store.briefs(["s1", "s2", "nope"])) == ["s1"]


def test_state_generation_sources_fetches_skipped(store) -> None:  # type: ignore[no-untyped-def]
    assert store.state() == (0, [])
    store.write(_batch(_read(1)))
    blob = bytes(range(256)) * 100
    parts = [StatePart("vectors", 0, blob), StatePart("vectors", 500, blob[:3]), StatePart("stories", 7, b"")]
    store.write(Batch(state=StateChange(parts), skipped=[Problem("bad.json", "bad-json", "not JSON", 3)]))
    assert store.state() == (2, [StatePart("meta", 0, b"\x00state\xff" * 3), *sorted(parts)])
    # A part's row is replaced by its key; a part dropped is cleared first.
    store.write(Batch(state=StateChange([StatePart("vectors", 500, b"new"), StatePart("meta", 0, b"m")], drop=["stories"])))
    assert store.state() == (3, [StatePart("meta", 0, b"m"), StatePart("vectors", 0, blob), StatePart("vectors", 500, b"new")])
    store.record_skipped([Problem("late.json", "empty", "empty file")])
    assert store.generation() == 3  # nothing a reader holds changed
    assert store.skipped()[-1][1] == Problem("bad.json", "bad-json", "not JSON", 3)
    src = SourceRecord("https://feed.example/rss", "feed", now(), etag='"v1"', last_modified="Mon, 13 May 2024 10:00:00 GMT")
    store.put_source(src)
    store.put_source(SourceRecord("/data/in", "folder", now(), files={"a.txt": [12.0, 1715.5]}))
    assert store.source(src.id) == src
    assert store.source("/data/in").files == {"a.txt": [12.0, 1715.5]}  # type: ignore[union-attr]
    store.record_fetches([
        FetchRecord(now(), src.id, src.id, "ok", 200, 1234, 0.05),
        FetchRecord(now(), src.id, src.id + "/x", "http-error", 500, 0, 0.01, "server error"),
    ])
    assert [f.outcome for f in store.fetches(src.id)] == ["http-error", "ok"]
    assert store.fetches(limit=1)[0].message == "server error"


def test_iter_articles_in_chunks(store) -> None:  # type: ignore[no-untyped-def]
    store.write(_batch(_read(7)))
    assert [a.id for a in store.iter_articles(chunk=3)] == [f"a{k}" for k in range(7)]


def test_lists_of_ids_of_every_length_take_ten_shapes_of_statement(store, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A connection keeps the statements it prepared, and a list's placeholders are
    part of its statement: lists of 1 to 600 ids are asked as lists of powers of two
    (the last id repeated), ten shapes, with the same answers (500 shapes before,
    11.8 MB of SQLite's memory for three queries against 0.8 MB)."""
    import random

    store.write(_batch(_read(600)))
    ids, rng = [f"a{k}" for k in range(600)], random.Random(0)
    run, asked = store._rows, set[str]()

    def spied(sql: str, params=()):  # type: ignore[no-untyped-def]
        asked.add(sql)
        return run(sql, params)

    monkeypatch.setattr(store, "_rows", spied)
    for n in range(1, 601):
        picked = rng.sample(ids, n)
        assert store.taken_ids(picked) == set(picked)
        if n in (1, 3, 100, 511, 513, 600):
            assert [a.id for a in store.articles(picked)] == sorted(picked, key=lambda i: int(i[1:]))
    assert len({sql for sql in asked if sql.startswith("SELECT id FROM articles WHERE id IN")}) == 10


def test_second_writer_waits_with_a_message(store_target: str) -> None:
    first, second = open_store(store_target), open_store(store_target)
    heard: list[str] = []
    landed = threading.Event()

    def other() -> None:
        with second.writer(on_wait=heard.append):
            second.write(_batch(_read(1, "late"), story="s9"))
            landed.set()

    try:
        with first.writer(on_wait=heard.append):
            thread = threading.Thread(target=other)
            thread.start()
            time.sleep(0.5)
            assert not landed.is_set()  # it waits while the first holds the writer's place
            first.write(_batch(_read(1, "early")))
        thread.join(10)
        assert landed.is_set()
        assert len(heard) == 1 and "another newsprism process is writing" in heard[0]
        assert store_count(first) == 2
    finally:
        first.close()
        second.close()


def test_a_reader_that_closes_leaves_the_writers_log_alone(tmp_path: Path) -> None:
    """Another process that reads the database while a store writes to it (`serve`, a
    `stories` command, a watch's worker) and then closes must not take itself for the last
    connection: it would checkpoint and delete the write-ahead log under the store, whose
    later writes then went to a deleted file (before: "disk I/O error" for the next reader,
    the second article never seen)."""
    import subprocess
    import sys

    store = open_store(str(tmp_path / "news.db"))
    try:
        for k, prefix in enumerate(("early", "late")):
            with store.writer():
                store.write(_batch(_read(1, prefix), story=f"s{k}"))
            read = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM articles').fetchone(); c.close()"
            subprocess.run([sys.executable, "-c", read, str(tmp_path / "news.db")], check=True)
            assert (tmp_path / "news.db-wal").exists()
        with sqlite3.connect(tmp_path / "news.db") as reader:
            assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    finally:
        store.close()


def store_count(store) -> int:  # type: ignore[no-untyped-def]
    return int(store.count_articles())


def test_a_newer_schema_is_refused(store_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    open_store(store_target).close()
    import newsprism.store.sql as sql

    monkeypatch.setattr(sql, "SCHEMA_VERSION", 0)
    with pytest.raises(StoreError, match="newer than this newsprism understands"):
        open_store(store_target)


def test_migrations_run_once_in_order(store_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    s = open_store(store_target)
    s.write(_batch(_read(2)))
    s.close()
    import newsprism.store.sql as sql

    later = sql.SCHEMA_VERSION + 1
    monkeypatch.setattr(sql, "SCHEMA_VERSION", later)
    monkeypatch.setattr(sql, "MIGRATIONS", [*sql.MIGRATIONS, ["CREATE TABLE later (x TEXT)", "INSERT INTO later VALUES ('v2')"]])
    s = open_store(store_target)
    try:
        assert s._rows("SELECT x FROM later") == [("v2",)]  # type: ignore[attr-defined]
        assert s._meta("schema_version") == str(later)  # type: ignore[attr-defined]
        assert s.count_articles() == 2
    finally:
        s.close()
    open_store(store_target).close()  # nothing runs twice


# ---------------------------------------------------------------- SQLite files


def test_sqlite_uses_wal_and_stays_sound(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    s = open_store(str(path))
    s.write(_batch(_read(3)))
    assert s.check() == []
    s.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_sqlite_search_reads_indexes_not_article_rows(tmp_path: Path) -> None:
    """A search maps each matching article to its story through an index (a row holds
    the article's text: a common word read most of the table), and lists the stories
    from an index that holds their ids. Checked on the plan, not by a timing."""
    s = open_store(str(tmp_path / "news.db"))
    s.write(_batch(_read(3)))
    where, params = s._story_filter(None, "harbour")  # type: ignore[attr-defined]
    plan = " | ".join(r[3] for r in s._rows(f"EXPLAIN QUERY PLAN SELECT id FROM stories WHERE {where} ORDER BY last_updated DESC, id", params))  # type: ignore[attr-defined]
    s.close()
    assert "COVERING INDEX articles_seq_story" in plan and "COVERING INDEX stories_list" in plan, plan
    assert "INTEGER PRIMARY KEY" not in plan, plan


@pytest.mark.parametrize(
    "content, message",
    [
        (b"just some text, not a database at all" * 10, "not a SQLite file"),
        (b"SQLite format 3\x00" + b"\x10\x00", "truncated"),
    ],
)
def test_foreign_or_broken_files_are_refused_untouched(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "news.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=message):
        open_store(str(path))
    assert path.read_bytes() == content
    assert not (tmp_path / "news.db-wal").exists()


def test_another_programs_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE accounts (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a newsprism database"):
        open_store(str(path))
    assert path.read_bytes() == before


def test_a_truncated_newsprism_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    s = open_store(str(path))
    s.write(_batch(_read(40)))
    s.close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="truncated"):
        open_store(str(path))
    assert len(path.read_bytes()) == len(data) // 2


def test_postgres_refuses_a_foreign_schema(pg_url: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("CREATE SCHEMA newsprism")
        db.execute("CREATE TABLE newsprism.accounts (name TEXT)")
    with pytest.raises(StoreError, match="not newsprism's"):
        open_store(pg_url)


def test_postgres_unreachable_is_one_line(pg_server) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="cannot connect") as e:
        open_store(f"postgresql://postgres:secret@127.0.0.1:{pg_server.port + 1 if pg_server.port < 65535 else 1}/x")
    assert "secret" not in str(e.value) and "\n" not in str(e.value)


def test_postgres_without_psycopg_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from newsprism.errors import MissingExtraError

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    with pytest.raises(MissingExtraError, match=r"pip install 'newsprism\[postgres\]'"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_postgres_keeps_times_as_timestamptz_read_back_as_the_store_writes_them(pg_url: str) -> None:
    """A team's database holds its times as timestamptz (other programs compute with
    them); the store reads them back as the strings SQLite keeps. A database of
    schema 3 (times as text) keeps every time through the migration."""
    import datetime

    import psycopg

    from newsprism.store.schema import TIME_COLUMNS

    def typed(db: psycopg.Connection) -> set[tuple[str, str]]:  # type: ignore[type-arg]
        rows = db.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'newsprism' AND data_type = 'timestamp with time zone'"
        ).fetchall()
        return {(t, c) for t, c in rows}

    s = open_store(pg_url)
    s.write(_batch(_read(2)))
    s.put_briefs([StoredBrief("s1", "2026-12-06T09:30:00.000001+00:00", {"articles": ["a0", "a1"]})])
    (story,) = s.stories()
    events = s.events("s1")
    s.close()
    parsed = datetime.datetime.fromisoformat(story.last_updated)
    assert story.last_updated == parsed.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    with psycopg.connect(pg_url, autocommit=True) as db:
        assert typed(db) == {(t, c) for t, cs in TIME_COLUMNS.items() for c in cs}
        assert db.execute("SELECT last_updated FROM newsprism.stories").fetchone() == (parsed,)  # a real time, not text
        # Back to schema 3: the times as text, as it wrote them.
        for table, columns in TIME_COLUMNS.items():
            for c in columns:
                db.execute(
                    f"ALTER TABLE newsprism.{table} ALTER COLUMN {c} TYPE TEXT "
                    f"USING to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
                )
        db.execute("UPDATE newsprism.meta SET value = '3' WHERE key = 'schema_version'")
        assert typed(db) == set()
    s = open_store(pg_url)
    try:
        assert s.stories() == [story] and s.events("s1") == events
        assert s.brief("s1").made_at == "2026-12-06T09:30:00.000001+00:00"  # type: ignore[union-attr]
        assert [x.id for x in s.stories(since=story.last_updated)] == ["s1"]
        assert s.stories(since=(parsed + datetime.timedelta(microseconds=1)).isoformat()) == []
        assert [x.id for x in s.stories(since=story.last_updated[:10])] == ["s1"]  # a day: midnight UTC
    finally:
        s.close()
    with psycopg.connect(pg_url, autocommit=True) as db:
        assert typed(db) == {(t, c) for t, cs in TIME_COLUMNS.items() for c in cs}


def test_postgres_schema_4_words_move_to_their_own_table(pg_url: str) -> None:
    """Schema 4 kept each article's words in a generated column of its row; version 5
    moves them to a narrow table (a search reads a row per match: small rows, few
    pages). A schema-4 database is searched the same after the move, and grows on."""
    import psycopg

    s = open_store(pg_url)
    s.write(_batch(_read(3, "a"), story="s1"))
    s.close()
    with psycopg.connect(pg_url, autocommit=True) as db:  # back to schema 4, as it was made
        db.execute("DROP TABLE newsprism.articles_words")
        db.execute("DROP TABLE newsprism.stories_words")
        db.execute(
            "ALTER TABLE newsprism.articles ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
            "(to_tsvector('english', left(coalesce(title, '') || ' ' || text, 200000))) STORED"
        )
        db.execute("CREATE INDEX articles_tsv ON newsprism.articles USING gin (tsv)")
        db.execute("UPDATE newsprism.meta SET value = '4' WHERE key = 'schema_version'")
    s = open_store(pg_url)
    try:
        assert {x.id for x in s.stories(query="harbour strikes")} == {"s1"}
        s.write(_batch(_read(2, "b"), story="s2"))
        assert {x.id for x in s.stories(query="GAMBLE minister")} == {"s1", "s2"}
        assert s._meta("schema_version") == str(SCHEMA_VERSION)  # type: ignore[attr-defined]
    finally:
        s.close()
    with psycopg.connect(pg_url, autocommit=True) as db:
        columns = {r[0] for r in db.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'newsprism' AND table_name = 'articles'")}
        assert "tsv" not in columns
        assert db.execute("SELECT count(*) FROM newsprism.articles_words").fetchone() == (5,)


def test_a_postgres_search_reads_the_words_index(pg_url: str) -> None:
    """The planner would scan the articles_words table whole (its rows are narrow;
    the words each match reads are out of line), reading every article's words; a
    search never does."""
    s = open_store(pg_url)
    try:
        s.write(_batch(_read(3, "a"), story="s1"))
        # Thousands of articles (copies of these three, made in SQL), as a planner sees a real database.
        columns = [r[0] for r in s._rows(  # type: ignore[attr-defined]
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'newsprism' AND table_name = 'articles' ORDER BY ordinal_position"
        )]
        made = {"seq": "seq + 3 * k", "id": "id || '-' || k", "content_id": "content_id || '-' || k"}
        s._run(  # type: ignore[attr-defined]
            f"INSERT INTO articles ({', '.join(columns)}) SELECT {', '.join(made.get(c, c) for c in columns)} "
            "FROM articles, generate_series(1, 3000) AS k"
        )
        s._run("INSERT INTO articles_words (seq, story, tsv) SELECT seq, story, to_tsvector('english', coalesce(title, '') || ' ' || text) FROM articles WHERE seq > 3")  # type: ignore[attr-defined]
        s._run("ANALYZE")  # type: ignore[attr-defined]
        # Two words must stand in one article: the articles' words are searched.
        where, params = s._story_filter(None, "harbour strike")  # type: ignore[attr-defined]
        sql = f"EXPLAIN SELECT id FROM stories WHERE {where} ORDER BY last_updated DESC, id"
        plan = "\n".join(r[0] for r in s._search_rows(sql, params, "harbour strike"))  # type: ignore[attr-defined]
        assert "Seq Scan on articles_words" not in plan and "stories_words" not in plan, plan  # (at 100,000 articles: the GIN index)
        assert " on articles " not in plan and "articles_seq_story" not in plan, plan  # each match's story is in its words' row
        assert "Seq Scan on articles_words" in "\n".join(r[0] for r in s._rows(sql, params))  # type: ignore[attr-defined]  # left to itself
        assert [x.id for x in s.stories(query="harbour strike")] == ["s1"] and s.count_stories(query="harbour strike") == 1
        # One word: the stories' words alone, by their index.
        where, params = s._story_filter(None, "harbour")  # type: ignore[attr-defined]
        plan = "\n".join(r[0] for r in s._search_rows(f"EXPLAIN SELECT id FROM stories WHERE {where}", params, "harbour"))  # type: ignore[attr-defined]
        assert "Bitmap Index Scan on stories_words_tsv" in plan and "articles_words" not in plan, plan
        assert [x.id for x in s.stories(query="harbour")] == ["s1"]
    finally:
        s.close()


def test_postgres_story_words_follow_moves_and_merges(pg_url: str) -> None:
    """Each story's words are its articles' words: after new articles (added to the
    story's words), moves and merges (a story that lost an article made again), a
    one-word search finds the story an article stands in now, and the table equals
    the words made afresh from every story's articles."""
    s = open_store(pg_url)

    def story_words() -> dict[str, str]:
        return {r[0]: r[1] for r in s._rows("SELECT story, tsv::text FROM stories_words")}  # type: ignore[attr-defined]

    def afresh() -> dict[str, str]:
        # (and each article's words' row names the story its article stands in)
        assert s._rows("SELECT count(*) FROM articles a JOIN articles_words w ON w.seq = a.seq WHERE w.story IS DISTINCT FROM a.story") == [(0,)]  # type: ignore[attr-defined]
        return {r[0]: r[1] for r in s._rows(f"{_STORY_WORDS} WHERE a.story IS NOT NULL GROUP BY a.story")}  # type: ignore[attr-defined]

    try:
        s.write(_batch(_read(2, "a"), story="s1"))
        s.write(_batch(_read(2, "b"), story="s2"))
        assert [x.id for x in s.stories(query="b0")] == ["s2"] and story_words() == afresh()
        s.write(Batch(
            placements=[Placement("b0", "s1", None, None), Placement("b1", "s1", "a0", "a0")],
            stories=[
                StoryUpdate("s1", None, ["a0", "a1", "b0", "b1"], "2024-05-10", "2024-05-14", ["s2"]),
                StoryUpdate("s2", None, [], None, None, [], merged_into="s1"),
            ],
        ))
        assert [x.id for x in s.stories(query="b0")] == ["s1"] and set(story_words()) == {"s1"} and story_words() == afresh()
        moved = _read(3, "c")
        split = _batch(moved, story="s3")
        split.placements = [Placement("a1", "s3", None, None)]
        split.stories = [StoryUpdate("s3", "Dam", ["c0", "c1", "c2", "a1"], None, None, []), StoryUpdate("s1", None, ["a0", "b0", "b1"], None, None, [])]
        s.write(split)
        assert [x.id for x in s.stories(query="a1")] == ["s3"] and [x.id for x in s.stories(query="a0")] == ["s1"]
        assert "'a1'" not in story_words()["s1"] and story_words() == afresh()
    finally:
        s.close()


def test_postgres_schema_5_gets_its_stories_words(pg_url: str) -> None:
    """Version 6 makes each story's words from the articles a schema-5 database holds."""
    import psycopg

    s = open_store(pg_url)
    s.write(_batch(_read(3, "a"), story="s1"))
    s.close()
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("DROP TABLE newsprism.stories_words")
        db.execute("UPDATE newsprism.meta SET value = '5' WHERE key = 'schema_version'")
    s = open_store(pg_url)
    try:
        assert [x.id for x in s.stories(query="spillway")] == ["s1"] and s._meta("schema_version") == str(SCHEMA_VERSION)  # type: ignore[attr-defined]
        s.write(_batch(_read(2, "b"), story="s2"))
        assert {x.id for x in s.stories(query="b1")} == {"s2"} and {x.id for x in s.stories(query="gamble")} == {"s1", "s2"}
    finally:
        s.close()


def test_postgres_schema_6_words_become_narrow_rows_that_name_their_story(pg_url: str) -> None:
    """Version 7 makes each article's words a row that names its story and keeps the words
    out of line: a search of several words reads one narrow row per match (at 100,000
    articles 1,100 pages, not 8,300) and no article. The words of a long article are out
    of line too, in a row made by the migration and in one written after it."""
    import psycopg

    def toast(db) -> str:  # type: ignore[no-untyped-def]  # where the words out of line are
        return str(db.execute("SELECT reltoastrelid::regclass FROM pg_class WHERE oid = 'newsprism.articles_words'::regclass").fetchone()[0])

    long = _read(3, "a")
    long[0].text += "\n\n" + " ".join(f"Word{k} of the engineers' long account." for k in range(400))
    s = open_store(pg_url)
    s.write(_batch(long, story="s1"))
    s.close()
    with psycopg.connect(pg_url, autocommit=True) as db:  # back to schema 6, as it was made
        db.execute("DROP TABLE newsprism.articles_words")
        db.execute("CREATE TABLE newsprism.articles_words (seq bigint PRIMARY KEY, tsv tsvector NOT NULL) WITH (toast_tuple_target = 128)")
        db.execute("CREATE INDEX articles_words_tsv ON newsprism.articles_words USING gin (tsv)")
        db.execute("INSERT INTO newsprism.articles_words (seq, tsv) SELECT seq, to_tsvector('english', coalesce(title, '') || ' ' || text) FROM newsprism.articles")
        assert db.execute(f"SELECT count(DISTINCT chunk_id) FROM {toast(db)}").fetchone() == (1,)  # the long article's alone
        db.execute("UPDATE newsprism.meta SET value = '6' WHERE key = 'schema_version'")
    s = open_store(pg_url)
    try:
        assert s._meta("schema_version") == str(SCHEMA_VERSION)  # type: ignore[attr-defined]
        assert {x.id for x in s.stories(query="harbour strike")} == {"s1"}
        more = _read(2, "b")
        more[1].text = long[0].text.replace("report a0", "report b1")
        s.write(_batch(more, story="s2"))
        assert {x.id for x in s.stories(query="word399 engineers")} == {"s1", "s2"}
        assert {x.id for x in s.stories(query="report b1")} == {"s2"}
        rows = s._rows("SELECT a.id, w.story FROM articles_words w JOIN articles a ON a.seq = w.seq ORDER BY a.seq")  # type: ignore[attr-defined]
        assert rows == [("a0", "s1"), ("a1", "s1"), ("a2", "s1"), ("b0", "s2"), ("b1", "s2")]
    finally:
        s.close()
    with psycopg.connect(pg_url, autocommit=True) as db:
        assert db.execute(f"SELECT count(DISTINCT chunk_id) FROM {toast(db)}").fetchone() == (5,)  # every article's words, short or long


def test_a_postgres_store_connects_again_when_the_server_drops_it(pg_url: str) -> None:
    """A long `serve` or `watch` holds one connection. When the server ends it (a restart,
    an administrator), the next read or write connects again; before, every request
    after a restart failed until the process was restarted."""
    import psycopg

    s = open_store(pg_url)

    def drop() -> int:
        (pid,) = s._rows("SELECT pg_backend_pid()")[0]  # type: ignore[attr-defined]
        with psycopg.connect(pg_url, autocommit=True) as db:
            db.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return int(pid)

    try:
        s.write(_batch(_read(2)))
        pid = drop()
        assert [x.id for x in s.stories()] == ["s1"] and s._rows("SELECT pg_backend_pid()")[0][0] != pid  # type: ignore[attr-defined]
        drop()
        s.write(_batch(_read(2, "b"), story="s2"))  # a write's transaction begins on a new connection
        drop()
        assert [x.id for x in s.stories(query="b1")] == ["s2"]  # the search's own transaction
    finally:
        s.close()


def test_a_postgres_store_asks_for_a_search_s_pages_ahead(pg_url: str) -> None:
    """A cold search reads its matches' pages of the words table: the server's default reads
    them one at a time (bench/README: "police said" at 100,000 articles 0.55-0.74 s cold,
    0.14-0.27 s reading ahead). Every connection the store makes asks for read-ahead."""
    import psycopg

    from newsprism.store.postgres import _READ_AHEAD

    s = open_store(pg_url)
    try:
        assert s._rows("SHOW effective_io_concurrency") == [(str(_READ_AHEAD),)]  # type: ignore[attr-defined]
        (pid,) = s._rows("SELECT pg_backend_pid()")[0]  # type: ignore[attr-defined]
        with psycopg.connect(pg_url, autocommit=True) as db:
            db.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert s._rows("SHOW effective_io_concurrency") == [(str(_READ_AHEAD),)]  # type: ignore[attr-defined]
    finally:
        s.close()
