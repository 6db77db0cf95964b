"""Adding to a database: idempotent, incremental, stable story ids; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from newsprism.errors import SettingsError
from newsprism.ingest import iter_inputs
from newsprism.model import Article, Problem
from newsprism.pipeline import Settings
from newsprism.store import open_store
from newsprism.updater import HotWindow, Updater, load_state

from conftest import ROOT
from fixtures.brief.stories import shared_nlp

CLUSTER = ROOT / "tests" / "fixtures" / "cluster" / "articles.jsonl"
GOLD = {json.loads(line)["id"]: json.loads(line)["story"] for line in (CLUSTER.parent / "gold.jsonl").read_text().splitlines()}


def _write(tmp_path: Path, ids: list[str], name: str) -> Path:
    rows = {json.loads(line)["id"]: line for line in CLUSTER.read_text().splitlines()}
    path = tmp_path / name
    path.write_text("".join(rows[i] + "\n" for i in ids), encoding="utf-8")
    return path


def _read(path: Path) -> list[Article | Problem]:
    return list(iter_inputs([str(path)]))


@pytest.fixture
def store(store_target: str):  # type: ignore[no-untyped-def]
    s = open_store(store_target)
    yield s
    s.close()


def _updater(store, **kw):  # type: ignore[no-untyped-def]
    return Updater(store, Settings(framing=False), nlp=shared_nlp(), **kw)


def _partition(store) -> set[frozenset[str]]:  # type: ignore[no-untyped-def]
    return {frozenset(s.articles) for s in store.stories()}


def test_add_groups_briefs_and_a_rerun_changes_nothing(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, list(GOLD), "all.jsonl")
    summary = _updater(store).add(_read(path))
    assert (summary.added, summary.copies, summary.new_stories, summary.updated_stories, summary.skipped) == (9, 1, 3, 0, 0)
    assert summary.line() == "added 9 articles (1 copy), 3 new stories, 0 updated stories, skipped 0"
    gold: dict[str, set[str]] = {}
    for aid, s in GOLD.items():
        gold.setdefault(s, set()).add(aid)
    assert _partition(store) == {frozenset(g) for g in gold.values()}
    assert store.stale_stories() == []
    briefs = {b.story: b for b in store.iter_briefs()}
    assert set(briefs) == {s.id for s in store.stories()}
    copy = store.article("b1-copy")
    assert copy.duplicate_of == "b1" and copy.story == store.article("b1").story
    generation = store.generation()

    again = _updater(store).add(_read(path))
    assert (again.added, again.unchanged, again.new_stories, again.updated_stories) == (0, 9, 0, 0)
    assert again.line().endswith("9 already in the database")
    assert store.generation() == generation
    assert {b.story: b.made_at for b in store.iter_briefs()} == {k: b.made_at for k, b in briefs.items()}


def test_adding_rebriefs_only_the_stories_touched_and_ids_stay(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _updater(store).add(_read(_write(tmp_path, ["a1", "a2", "b1", "b2", "c1", "c2"], "first.jsonl")))
    before = {s.id: set(s.articles) for s in store.stories()}
    made = {b.story: b.made_at for b in store.iter_briefs()}
    story_of = {aid: store.article(aid).story for aid in ("a1", "b1", "c1")}

    summary = _updater(store).add(_read(_write(tmp_path, ["a3", "b3", "b1-copy"], "second.jsonl")))
    assert (summary.added, summary.new_stories, summary.updated_stories) == (3, 0, 2)
    assert {aid: store.article(aid).story for aid in story_of} == story_of  # ids are stable
    after = {b.story: b.made_at for b in store.iter_briefs()}
    untouched = story_of["c1"]
    assert after[untouched] == made[untouched]  # not briefed again
    for aid in ("a1", "b1"):
        sid = story_of[aid]
        assert after[sid] > made[sid]
        assert set(store.story(sid).articles) > before[sid]
    a3 = store.article("a3")
    events = store.events(a3.story)
    assert [(e.kind, e.article) for e in events if e.article == "a3"] == [("joined", "a3")]


def test_an_id_taken_by_other_content_gets_a_suffix(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _updater(store).add(_read(_write(tmp_path, ["a1"], "one.jsonl")))
    other = tmp_path / "other.jsonl"
    row = json.loads(CLUSTER.read_text().splitlines()[3])  # b1's content, under a1's id
    row["id"] = "a1"
    other.write_text(json.dumps(row) + "\n")
    summary = _updater(store).add(_read(other))
    assert summary.added == 1
    moved = store.article("a1~2")
    assert moved is not None and moved.extra["original_id"] == "a1" and moved.title == row["title"]


def test_skipped_inputs_are_recorded(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    summary = _updater(store).add(_read(bad))
    assert summary.skipped == 1 and summary.added == 0
    assert [p.path for _, p in store.skipped()] == [str(bad)]


def test_small_batches_give_the_same_briefs_as_one(tmp_path: Path) -> None:
    """One transaction per batch changes what is written when, not what it says."""
    path = _write(tmp_path, list(GOLD), "all.jsonl")
    bodies = []
    for batch in (100, 2):
        s = open_store(str(tmp_path / f"b{batch}.db"))
        _updater(s, batch_size=batch).add(_read(path))
        bodies.append({frozenset(b.body["articles"]) for b in s.iter_briefs()})
        s.close()
    assert bodies[0] == bodies[1]


def test_a_database_of_schema_1_goes_on_from_its_whole_state(store_target: str, tmp_path: Path) -> None:
    """Schema 1 kept the clustering state as one blob (zlib JSON, rewritten each batch):
    the migration keeps it as the state's one legacy part, the next batch replaces it
    by parts, and the stories come out as when every batch had been saved in parts."""
    import zlib

    from newsprism.updater import load_state

    first = _read(_write(tmp_path, ["a1", "a2", "b1", "b2", "c1"], "first.jsonl"))
    second = _read(_write(tmp_path, ["a3", "b3", "c2", "b1-copy"], "second.jsonl"))
    s = open_store(store_target)
    _updater(s).add(first)
    copies, clusterer, _ = load_state(s.state()[1], None, s.location)
    blob = b"NPS1" + zlib.compress(json.dumps({"copies": copies.to_dict(), "clusterer": clusterer.to_dict()}).encode(), 1)
    # The database as schema 1 left it.
    s._run("DROP TABLE cluster_state")  # type: ignore[attr-defined]
    s._run(f"CREATE TABLE state (name TEXT PRIMARY KEY, saved_at TEXT NOT NULL, body {s.types['blob']} NOT NULL)")  # type: ignore[attr-defined]
    s._run("INSERT INTO state VALUES ('clustering', '2026-01-01', ?)", (blob,))  # type: ignore[attr-defined]
    for sql in ("DROP INDEX articles_seq_story", "DROP INDEX stories_list", "CREATE INDEX stories_live ON stories (merged_into, last_updated)"):
        s._run(sql)  # type: ignore[attr-defined]
    s._run("UPDATE meta SET value = '1' WHERE key = 'schema_version'")  # type: ignore[attr-defined]
    s.close()

    s = open_store(store_target)
    try:
        assert [p.part for p in s.state()[1]] == ["legacy"]
        _updater(s).add(second)
        assert "legacy" not in {p.part for p in s.state()[1]}
        migrated = _partition(s), {a.id: (a.story, a.duplicate_of) for a in s.articles()}
    finally:
        s.close()
    fresh = open_store(str(tmp_path / "fresh.db"))
    _updater(fresh).add(first)
    _updater(fresh).add(second)
    assert migrated == (_partition(fresh), {a.id: (a.story, a.duplicate_of) for a in fresh.articles()})
    fresh.close()


def test_a_batch_that_fails_to_land_is_not_kept_by_a_long_running_updater(tmp_path: Path) -> None:
    """A watch keeps one updater for hours: when a batch's write fails (disk full, a
    lost server), the clusterer and state parts it holds are ahead of the store, so
    the next add reads the state again rather than going on from them."""
    first = _read(_write(tmp_path, ["a1", "a2", "b1", "b2", "c1"], "first.jsonl"))
    second = _read(_write(tmp_path, ["a3", "b3", "c2", "b1-copy"], "second.jsonl"))
    s = open_store(str(tmp_path / "failed.db"))
    updater = _updater(s)
    updater.add(first)
    write = s.write
    calls = [0]

    def failing(batch, **kw):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if batch.articles:
            raise OSError("no space left on device")
        return write(batch, **kw)

    s.write = failing  # type: ignore[method-assign]
    with pytest.raises(OSError):
        updater.add(second)
    assert calls[0] and s.count_articles() == 5
    s.write = write  # type: ignore[method-assign]
    updater.add(second)
    got = _partition(s), {a.id: (a.story, a.duplicate_of) for a in s.articles()}, [p.part for p in s.state()[1]]
    s.close()
    clean = open_store(str(tmp_path / "clean.db"))
    _updater(clean).add(first)
    _updater(clean).add(second)
    assert got == (_partition(clean), {a.id: (a.story, a.duplicate_of) for a in clean.articles()}, [p.part for p in clean.state()[1]])
    clean.close()


def test_a_long_running_updater_keeps_none_of_the_words_its_briefs_met(tmp_path: Path) -> None:
    """A watch runs for days, and spaCy keeps every new string it meets (its vocabulary,
    its lemmatizer's cache) for the life of the process: memory would grow with every
    new name read. The briefs run in spaCy's memory zone (``NLP.zone``), so the words
    one add met are gone after it, and its briefs are whole."""
    s = open_store(str(tmp_path / "news.db"))
    updater = _updater(s)
    updater.add(_read(_write(tmp_path, ["a1", "a2"], "first.jsonl")))
    language = updater.nlp.language
    strings = len(language.vocab.strings)
    text = (
        "Zorbulon Quaxtrel, the mayor of Sprakenfell, said on Tuesday that the Vindreth bridge "
        'would reopen next month. "The Vindreth bridge is safe again," Quaxtrel told reporters.\n'
        "Engineers from Ploombworks inspected the span for six weeks, the council said."
    )
    novel = Article(id="novel", text=text, title="Sprakenfell bridge to reopen", outlet="Kestrel Gazette", published="2026-12-01")
    assert updater.add([novel]).added == 1
    assert s.stale_stories() == []
    brief = next(b for b in s.iter_briefs() if b.story == s.article("novel").story)
    assert "Quaxtrel" in json.dumps(brief.body)
    assert "Zorbulon" not in language.vocab.strings and len(language.vocab.strings) == strings
    assert not language.get_pipe("lemmatizer").cache
    s.close()


def _redated(tmp_path: Path, ids: list[str], name: str) -> list[Article | Problem]:
    """The fixture articles dated 2025 (theirs, 2031, lie past tomorrow: they never move the clock of forgetting)."""
    items = _read(_write(tmp_path, ids, name))
    return [replace(a, published=a.published.replace("2031", "2025")) if isinstance(a, Article) and a.published else a for a in items]


@pytest.mark.parametrize(("hot", "joins"), [(HotWindow(), True), (HotWindow(days=7, articles=0, faded_count=0.5), False)])
def test_the_hot_window_decides_whether_a_late_article_joins_a_quiet_story(store, tmp_path: Path, hot: HotWindow, joins: bool) -> None:  # type: ignore[no-untyped-def]
    """Two March articles, then the May story, then a late March article. Within the
    window (the database's default keeps the latest 20,000 arrivals) it joins its
    story; with a week and no arrivals kept, the March story was spilled when May
    came in, and the late article starts a story of its own. The database keeps
    the spilled story whole either way."""
    _updater(store, hot=hot).add(_redated(tmp_path, ["a1", "a2"], "march.jsonl"))
    march = store.article("a1").story
    _updater(store, hot=hot).add(_redated(tmp_path, ["b1", "b2", "b3"], "may.jsonl"))
    _updater(store, hot=hot).add(_redated(tmp_path, ["a3"], "late.jsonl"))
    assert (store.article("a3").story == march) is joins
    assert store.article("a2").story == march and store.story(march) is not None
    _copies, clusterer, _saver = load_state(store.state()[1], None, store.location)
    config = clusterer.config
    assert (config.hot_days, config.hot_articles, config.features.faded_count) == (hot.days, hot.articles, hot.faded_count)
    assert next(r for r in clusterer.table.records if r.id == march).spilled is not joins


def test_the_hot_window_options_default_to_the_database_s_window() -> None:
    """The command line shows the updater's own defaults (HotWindow's, BATCH) in its help."""
    import re

    from typer.testing import CliRunner

    from newsprism.cli import app
    from newsprism.updater import BATCH

    for command in ("add", "watch"):
        shown = re.sub(r"[\s│|]+", " ", CliRunner().invoke(app, [command, "--help"], terminal_width=200).output)
        for option, value in (("--hot-days", HotWindow().days), ("--hot-articles", HotWindow().articles), ("--batch", BATCH)):
            first_default = re.search(r"\[default: ([^\]]*)\]", shown[shown.index(f" {option} ") :])
            assert first_default and first_default[1] == str(value), (command, option)
    with pytest.raises(SettingsError):
        HotWindow(days=-1)
    with pytest.raises(SettingsError):
        HotWindow(faded_count=0)
