"""Spilling cold stories (``StoryClusterer._spill``): memory follows the window, stories do not change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random

import pytest

from newsprism.cluster import ClusterConfig, StoryClusterer
from newsprism.cluster.stream import group_corpus
from newsprism.dedup import CopyIndex
from newsprism.extract import prepare_articles
from newsprism.model import Article

HOT = ClusterConfig(hot_days=20, hot_articles=30)
START = dt.date(2020, 3, 2).toordinal()
COMMON = "the a of in on said was were and to for with by at from that this".split()


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def _text(rng: random.Random, vocab: list[str]) -> str:
    sentences = []
    for _ in range(4):
        words = [rng.choice(vocab) if rng.random() < 0.6 else rng.choice(COMMON) for _ in range(14)]
        sentences.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(sentences)


def corpus(events: int = 30, per_event: int = 4) -> tuple[list[Article], list[list[str]]]:
    """Events a week apart in date order, each told by a few outlets in its own words."""
    rng = random.Random(7)
    out, vocabs = [], []
    for e in range(events):
        vocab = [_word(rng) for _ in range(25)]
        vocabs.append(vocab)
        for k in range(per_event):
            day = dt.date.fromordinal(START + 7 * e + rng.randrange(3)).isoformat()
            out.append(Article(id=f"e{e}-{k}", title=f"{vocab[0].title()} {vocab[1]}", text=_text(rng, vocab), published=day, outlet=f"Outlet {k}"))
    return prepare_articles(out), vocabs


def run(config: ClusterConfig = HOT, spill: bool = True, engine=None, monkeypatch=None):
    arts, _ = corpus()
    copies, c = CopyIndex(), StoryClusterer(config=config)
    if not spill:
        monkeypatch.setattr(c, "_spill", lambda: None)
    group_corpus(arts, copies, c, batch_size=10, engine=engine)
    return arts, copies, c


def stories_of(c: StoryClusterer) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(s.id, tuple(s.articles), tuple(s.absorbed)) for s in c.stories()]


def test_spilling_frees_the_vectors_of_cold_stories_and_changes_no_story(monkeypatch):
    from newsprism.cluster import vectors

    monkeypatch.setattr(vectors, "ENTRIES", 400)  # small segments, so that whole ones empty
    monkeypatch.setattr(vectors, "_ROW_BITS", 4)
    monkeypatch.setattr(vectors, "ROWS", 16)
    arts, _, c = run()
    spilled = [s for s, st in enumerate(c.table.records) if st.spilled]
    assert len(spilled) >= 20  # all but the last few weeks' events
    for s in spilled:
        st = c.table.records[s]
        assert st.merged_into is None and not len(st.idx) and st.pen is None
        assert not any(c.index.vectors.has(m) for m in st.members)
        assert not any(c.index.searchable(m) for m in st.members)
    store = c.index.vectors
    assert sum(not len(p) for p in store._entries.parts) >= 5  # freed segments
    came = sum(e - b for b, e in zip(store._start, store._end))
    freed = [not p.strides[0] for p in store._keys.parts]  # per-article rows: whole segments of spilled articles
    assert sum(freed) >= 3 and freed == [not p.strides[0] for p in store._present.parts]
    assert all(store.keys(i).tolist() == [] for i in range(len(store)) if freed[i // 16])
    assert sum(len(p) for p in store._entries.parts) < came / 2  # what is held follows the open stories
    _, _, kept = run(spill=False, monkeypatch=monkeypatch)
    for i in range(len(store)):  # the vectors still held read as they were, wherever they moved
        if store.has(i):
            assert store.idx(i).tolist() == kept.index.vectors.idx(i).tolist()
            assert store.val(i).tolist() == kept.index.vectors.val(i).tolist()
    assert not any(st.spilled for st in kept.table.records)
    assert stories_of(c) == stories_of(kept)
    assert [a.story for a in arts] == [kept.story_of(a.id) for a in arts]
    assert len({a.story for a in arts}) == 30  # one story an event


def test_a_late_article_or_copy_cannot_reach_a_spilled_story():
    arts, copies, c = run()
    _, vocabs = corpus()
    first = arts[0]
    assert c.table.records[c.table.live_of(c.index.by_id[first.id])].spilled
    rng = random.Random(11)
    late = Article(id="late", title=first.title, text=_text(rng, vocabs[0]), published=first.published, outlet="Outlet 9")
    copy = Article(id="copy", title=first.title, text=first.text, published="2020-09-30", outlet="Reprinter")
    added = prepare_articles([late, copy])
    group_corpus(added, copies, c)
    # The copy index forgot the articles out of the window (``CopyIndex.forget_window``):
    # a reprint from beyond it is no copy, and neither reaches the old story.
    assert added[1].duplicate_of is None and first.id not in copies
    assert first.duplicate_of is None  # what the corpus was found to be stays on it
    old = {a.story for a in arts}
    assert added[0].story not in old and added[1].story not in old
    # Without spilling (the default window of two years), the late article joins its event's story.
    arts2, copies2 = corpus()[0], CopyIndex()
    c2 = StoryClusterer()
    group_corpus(arts2, copies2, c2, batch_size=10)
    again = prepare_articles([late, copy])
    group_corpus(again, copies2, c2)
    assert again[0].story == arts2[0].story == again[1].story


def test_story_ids_stay_and_spilled_stories_stay_spilled_through_a_saved_state():
    _, copies, c = run()
    before = stories_of(c)
    loaded = StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict())))
    assert stories_of(loaded) == before
    assert [st.spilled for st in loaded.table.records] == [st.spilled for st in c.table.records]
    assert (loaded.index.newest, loaded.index.hot_from) == (c.index.newest, c.index.hot_from)
    assert any(st.spilled for st in loaded.table.records)
    for st in loaded.table.records:
        if st.spilled:
            assert not any(loaded.index.vectors.has(m) for m in st.members)
    # Both go on alike: the next event joins neither a spilled story nor a story it does not belong to.
    rng = random.Random(3)
    vocab = [_word(rng) for _ in range(25)]
    day = dt.date.fromordinal(START + 7 * 30).isoformat()
    new = [Article(id=f"n{k}", title=f"{vocab[0].title()} {vocab[1]}", text=_text(rng, vocab), published=day) for k in range(4)]
    a, b = prepare_articles(new), prepare_articles(new)
    group_corpus(a, copies, c)
    group_corpus(b, CopyIndex.from_dict(copies.to_dict()), loaded)
    assert [x.story for x in a] == [x.story for x in b] and len({x.story for x in a}) == 1


def test_the_database_parts_write_a_story_again_when_it_is_spilled_and_load_it_spilled():
    from newsprism.cluster.parts import StateParts, load_parts

    arts, _ = corpus()
    copies, c = CopyIndex(), StoryClusterer(config=HOT)
    parts = StateParts(copies, c)
    rows: dict[tuple[str, int], bytes] = {}
    rewritten: set[int] = set()
    for k in range(0, len(arts), 10):
        before = {s for s, st in enumerate(c.table.records) if st.spilled}
        group_corpus(arts[k : k + 10], copies, c, batch_size=10)
        put, drop = parts.changes()
        for name in drop:
            rows = {key: v for key, v in rows.items() if key[0] != name}
        rows.update({(name, key): body for name, key, body in put})
        newly = {s for s, st in enumerate(c.table.records) if st.spilled} - before
        written = {key for name, key, _ in put if name == "sums"}
        assert newly <= written
        rewritten |= newly
    assert len(rewritten) >= 20
    loaded_copies, loaded, _ = load_parts([(name, key, body) for (name, key), body in rows.items()], None)
    assert stories_of(loaded) == stories_of(c)
    # The parts keep every article's fingerprints; loaded, the copy index forgets on its clock again.
    assert len(loaded_copies) == len(copies) == len(arts) and loaded_copies.held()["articles"] == len(arts)
    loaded_copies.window = HOT.hot_window
    loaded_copies.add([])
    assert loaded_copies.held() == copies.held()
    assert [st.spilled for st in loaded.table.records] == [st.spilled for st in c.table.records]


@pytest.mark.parametrize("hot", [HOT, dataclasses.replace(HOT, hot_days=None)])
def test_with_a_worker_process_the_stories_are_the_same_and_its_copy_forgets_alike(hot):
    from newsprism.engine import ProcessEngine

    arts, _, here = run(hot)
    arts2, _, there = run(hot, engine=ProcessEngine(1))
    assert [a.story for a in arts] == [a.story for a in arts2]
    assert stories_of(here) == stories_of(there)
    assert [st.spilled for st in here.table.records] == [st.spilled for st in there.table.records]


def test_a_dated_stream_holds_the_same_past_the_window_whatever_its_length():
    """Memory is bounded by the window, not the stream: past it, the counts of what
    the clusterer's index, its vocabulary and the copy index hold stay flat while
    the articles taken in grow threefold (counts, not RSS)."""
    held = []
    for events in (40, 120):
        arts, _ = corpus(events=events)
        # Each event's first report is reprinted by another outlet: a group of copies.
        reprints = prepare_articles([
            Article(id=f"{a.id}-r", title=a.title, text=a.text, published=a.published, outlet="Reprinter") for a in arts[::4]
        ])
        stream = [a for k, r in enumerate(reprints) for a in (*arts[4 * k : 4 * k + 4], r)]
        # Counts fade within a few weeks' articles, so forgotten terms leave the vocabulary (``FeatureConfig.faded_count``).
        config = dataclasses.replace(HOT, features=dataclasses.replace(HOT.features, idf_window_docs=10))
        copies, c = CopyIndex(), StoryClusterer(config=config)
        group_corpus(stream, copies, c, batch_size=10)
        assert all(r.duplicate_of == a.id for r, a in zip(reprints, arts[::4]))  # found, and kept once forgotten
        # The open stories: a ``Record`` each, and what the look for stories to spill reads.
        opened = {"open_stories": len(c.table.open_stories())}
        held.append({**c.index.held(), **{f"copies_{k}": n for k, n in copies.held().items()}, **opened})
    short, long = held
    assert long["articles"] == 3 * short["articles"]  # ids stay (stories keep their members)
    assert short["vectors"] < short["articles"] / 2 and short["copies_groups"] >= 1
    names = ("vectors", "keys", "postings", "pending", "terms", "copies_articles", "copies_lsh_keys", "copies_groups", "open_stories")
    for name in names:
        # 120 events of 25 words each: without letting go, 3x the 40 events' terms
        assert long[name] <= 1.3 * short[name] + 10, (name, short, long)


def test_a_forgotten_article_keeps_its_place_in_the_database_parts_even_when_its_id_comes_again():
    arts, _ = corpus(events=12)
    copies = CopyIndex()
    copies.window = HOT.hot_window
    for k in range(0, len(arts), 8):
        copies.add(arts[k : k + 8])
    first = arts[0]
    assert first.id not in copies and copies.held()["articles"] < len(arts)
    again = Article(id=first.id, title=first.title, text=first.text, published=arts[-1].published, outlet="Again")
    copies.add(prepare_articles([again]))
    loaded = CopyIndex.from_segments(copies.containment_threshold, [copies.segment(0)])
    assert len(loaded) == len(copies) == len(arts) + 1 and first.id in loaded
    assert loaded.original_of(first.id) is None


def test_a_closed_story_keeps_no_record_and_reads_as_the_story_it_was(monkeypatch):
    """A spilled or merged story is kept in the table's flat arrays, not as a ``Record``,
    and reads as the run that never spilled has it."""
    _, _, c = run()
    _, _, kept = run(spill=False, monkeypatch=monkeypatch)
    table = c.table
    spilled = [s for s in range(table.n_stories) if not table.is_open(s) and table.merged_into(s) is None]
    assert len(spilled) == table.n_spilled >= 20 and not kept.table.n_spilled
    assert len(table.open_stories()) == sum(st.merged_into is None for st in table.records) - len(spilled) <= 10
    fields = ("id", "members", "absorbed", "merged_into", "r_sum", "n", "lo", "hi", "inner")
    assert table.n_stories == kept.table.n_stories
    for here, there in zip(table.records, kept.table.records, strict=True):
        assert [getattr(here, f) for f in fields] == [getattr(there, f) for f in fields]
        if here.merged_into is not None:  # a merged story's sums are dropped, as a spilled one's
            assert not len(here.idx) and here.dense is None and not len(there.idx)


def test_a_closed_story_takes_copies_keeps_its_id_and_saves_as_a_record():
    import numpy as np

    from newsprism.cluster.stories import StoryTable

    table = StoryTable("s", 2)
    table.add_articles([1, 2, 3, 4, 5, 6])
    empty = np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    for members in ([0, 2], [1, 3], [4]):
        s = table.new_record(*empty, None)
        st = table.open(s)
        st.members, st.n, st.lo, st.hi, st.r_sum = list(members), len(members), members[0] + 1, members[-1] + 1, 0.5
        for m in members:
            table.story[m] = s
    table.open(0).absorbed = ["x7"]
    table.open(1).members, table.open(2).members = [1, 3, 4], []  # story 2 merges into 1
    table.close(2, into=1)
    table.close(0)  # spilled
    table.open(1).id = "s9"  # an id other than its number's (as a state saved with one loads) is kept apart
    table.close(1)
    table.add_member(0, 5)  # a copy of a spilled story's article joins it (its members move to the end)
    assert [table.members(s) for s in range(3)] == [[0, 2, 5], [1, 3, 4], []]
    assert [table.id_of(s) for s in range(3)] == ["s1", "s9", "s3"] == table.story_ids()
    assert table.live(2) == 1 and table.n_spilled == 2 and not table.open_stories()
    assert table.record(0).absorbed == ["x7"] and table.record(0).spilled and not table.record(2).spilled
    with pytest.raises(KeyError):
        table.open(0)
    loaded = StoryTable.from_dict(json.loads(json.dumps(table.to_dict())), "s", 2)
    assert [vars_of(r) for r in loaded.records] == [vars_of(r) for r in table.records]
    assert [st.id for st in table.stories(list("abcdef"))] == ["s1", "s9"]


def vars_of(r):
    return (r.id, r.members, r.absorbed, r.merged_into, r.spilled, r.r_sum, r.n, r.lo, r.hi, r.inner, r.idx.tolist())


@pytest.mark.parametrize("workers", [0, 1])
def test_a_story_stays_open_while_a_near_copy_of_it_is_still_found(workers):
    """A near-copy keeps its vector for the search, and its date counts in no story's
    days: a rewrite printed weeks after the report it follows is found after the
    report's own articles are forgotten. Its story stays open until the rewrite is
    forgotten too; a late article that finds the rewrite joins it, in one process as
    with a worker (whose search holds what its clock holds)."""
    from newsprism.engine import ProcessEngine

    arts, vocabs = corpus(events=20)
    first = arts[0]
    words = first.text.split(" ")
    rewritten = " ".join("also" if k % 5 == 2 else w for k, w in enumerate(words))
    later = dt.date.fromordinal(START + 60).isoformat()
    rewrite = Article(id="e0-rewrite", title=first.title, text=rewritten, published=later, outlet="Rewrite Daily")
    rng = random.Random(5)
    late = Article(id="late", title=first.title, text=_text(rng, vocabs[0]), published=later, outlet="Outlet 9")
    stream = [*arts[:4], *prepare_articles([rewrite]), *arts[4:40], *prepare_articles([late]), *arts[40:]]
    copies, c = CopyIndex(), StoryClusterer(config=HOT)
    group_corpus(stream[:42], copies, c, batch_size=10, engine=ProcessEngine(1) if workers else None)
    table, at = c.table, c.index.by_id
    assert table.original_of(at["e0-rewrite"]) == at[first.id]  # it follows the report
    story = table.live_of(at[first.id])
    assert at[first.id] < c.index.hot_from and not c.index.searchable(at[first.id])
    assert c.index.searchable(at["e0-rewrite"]) and table.is_open(story)
    assert c.story_of("late") == c.story_of(first.id)
    group_corpus(stream[42:], copies, c, batch_size=10)
    assert not c.index.searchable(at["e0-rewrite"]) and not table.is_open(story)  # then it spills, the late article with it


def test_a_larger_faded_count_lets_forgotten_terms_leave_the_vocabulary_sooner():
    """``FeatureConfig.faded_count`` sets how long the vocabulary holds a term that only
    forgotten articles had (a watch's memory): past the window, a larger one holds fewer."""
    arts, _ = corpus(events=60)
    held = {}
    for faded in (1e-3, 0.5):
        config = dataclasses.replace(HOT, features=dataclasses.replace(HOT.features, idf_window_docs=100, faded_count=faded))
        c = StoryClusterer(config=config)
        group_corpus(arts, CopyIndex(), c, batch_size=10)
        held[faded] = c.index.held()["terms"]
        assert ClusterConfig.from_dict(config.to_dict()).features.faded_count == faded  # saved with the state
    assert held[0.5] < 0.85 * held[1e-3], held  # (measured 2,316 against 3,114)
