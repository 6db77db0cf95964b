"""The store's tables, by schema version, for SQLite and PostgreSQL alike.

``MIGRATIONS[n]`` takes a database from version ``n`` to ``n + 1``; a new
database runs them all. Each is a list of statements in which ``{int}``,
``{real}``, ``{blob}`` and ``{serial}`` stand for the dialect's types
(``Dialect.types``); the full-text index is the dialect's own
(``Dialect.fts_ddl``), created with version 1 (on PostgreSQL, moved to a
table of its own by version 5, with each story's words in another by
version 6, and the articles' words made narrow rows by version 7). Times are ISO 8601 strings in
UTC with microseconds, which sort as text; PostgreSQL keeps them as
``timestamptz`` since version 4 (``Dialect.times_ddl``), read back as the
same strings. A story's
articles are listed in its row (JSON, in the clusterer's order, the order
its brief numbers them) and each article names its story. The clustering
state is rows of ``(part, key, body)`` (``cluster.parts``).
"""

from __future__ import annotations

SCHEMA_VERSION = 7
APPLICATION = "newsprism"

_V1 = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # seq: arrival order, and the row id the SQLite full-text index points at.
    """CREATE TABLE articles (
        seq {int} PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        content_id TEXT NOT NULL UNIQUE,
        added_at TEXT NOT NULL,
        title TEXT, outlet TEXT, outlet_id TEXT, url TEXT, published TEXT,
        story TEXT, duplicate_of TEXT, syndicated_from TEXT,
        text TEXT NOT NULL,
        read TEXT NOT NULL,
        prepared TEXT NOT NULL)""",
    "CREATE INDEX articles_story ON articles (story, seq)",
    "CREATE INDEX articles_added ON articles (added_at)",
    "CREATE INDEX articles_url ON articles (url)",
    """CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT,
        articles TEXT NOT NULL,
        n_articles {int} NOT NULL,
        first_seen TEXT NOT NULL,
        last_updated TEXT NOT NULL,
        first_day TEXT, last_day TEXT,
        absorbed TEXT NOT NULL,
        merged_into TEXT,
        brief_stale {int} NOT NULL)""",
    "CREATE INDEX stories_live ON stories (merged_into, last_updated)",
    "CREATE INDEX stories_stale ON stories (brief_stale)",
    """CREATE TABLE story_events (
        seq {serial},
        at TEXT NOT NULL, story TEXT NOT NULL, kind TEXT NOT NULL, article TEXT, other TEXT)""",
    "CREATE INDEX story_events_story ON story_events (story, at)",
    "CREATE TABLE briefs (story TEXT PRIMARY KEY, made_at TEXT NOT NULL, body TEXT NOT NULL)",
    "CREATE TABLE state (name TEXT PRIMARY KEY, saved_at TEXT NOT NULL, body {blob} NOT NULL)",
    """CREATE TABLE sources (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, added_at TEXT NOT NULL,
        etag TEXT, last_modified TEXT, last_checked TEXT, last_outcome TEXT, files TEXT NOT NULL)""",
    """CREATE TABLE fetches (
        seq {serial},
        at TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL, outcome TEXT NOT NULL,
        status {int}, bytes {int} NOT NULL, elapsed {real} NOT NULL, message TEXT NOT NULL)""",
    "CREATE INDEX fetches_source ON fetches (source, seq)",
    """CREATE TABLE skipped (
        seq {serial},
        at TEXT NOT NULL, path TEXT NOT NULL, line {int}, reason TEXT NOT NULL, message TEXT NOT NULL)""",
    "{fts}",
]

# The clustering state in parts, of which a batch writes only what it changed
# (``cluster.parts``); a state saved whole by version 1 becomes the one
# ``legacy`` part, which the next batch replaces.
_V2 = [
    "CREATE TABLE cluster_state (part TEXT NOT NULL, key {int} NOT NULL, body {blob} NOT NULL, PRIMARY KEY (part, key))",
    "INSERT INTO cluster_state (part, key, body) SELECT 'legacy', 0, body FROM state WHERE name = 'clustering'",
    "DROP TABLE state",
]

# A search maps each matching article to its story, then lists those stories
# by latest activity: both from indexes alone. Read through the articles'
# rows, a word in a tenth of 100,000 articles took 0.25 s (each row holds the
# text); the story list's index now holds the ids it returns.
_V3 = [
    "CREATE INDEX articles_seq_story ON articles (seq, story)",
    "CREATE INDEX stories_list ON stories (merged_into, last_updated, id)",
    "DROP INDEX stories_live",
]

# The store's clock times in the server's own type, where the database has one
# (PostgreSQL: timestamptz, so other programs reading a team's database can
# compute with them); SQLite has none and keeps the strings.
TIME_COLUMNS = {
    "articles": ("added_at",),
    "stories": ("first_seen", "last_updated"),
    "story_events": ("at",),
    "briefs": ("made_at",),
    "sources": ("added_at", "last_checked"),
    "fetches": ("at",),
    "skipped": ("at",),
}
_V4 = ["{times}"]

# PostgreSQL: the words of each article in a narrow table of their own
# (``Dialect.words_ddl``), out of the articles' rows. A search reads the rows of
# the articles it matches; read cold from the articles (about 1.4 KB a row),
# a common word's search at 100,000 articles took 0.3-1.5 s, from the narrow
# table 0.09-0.2 s. SQLite's index is a table of its own already.
_V5 = ["{words}"]

# PostgreSQL: each live story's words (the union of its articles', without
# positions) in a table of its own (``Dialect.story_words_ddl``), kept by every
# write. A one-word search reads the stories' rows, not the articles': at 100,000
# articles (14,299 stories), cold, 0.2-1.9 s from the articles' words against
# 0.05-0.09 s. A search of several words still needs them in one article, and
# reads the articles' words. SQLite has no such table.
_V6 = ["{storywords}"]

# PostgreSQL: a search of several words reads a row of the articles' words per
# match, and those rows held the words (1.2 KB on average, in line: the server
# moves a value out of line only from a row of about 2 KB), 8,342 pages at 100,000
# articles, then each match's story from the articles' index. Each row now holds
# the article's story and its words out of line, 1,235 pages; and an index of the
# stories by id holds what the search reads of them (``Dialect.search_ddl``).
# SQLite's full-text index is a table of its own already.
_V7 = ["{search}"]

MIGRATIONS: list[list[str]] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7]
assert len(MIGRATIONS) == SCHEMA_VERSION
