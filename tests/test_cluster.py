"""Story clustering: grouping, incremental ids, merges, state, CLI, scorer parity."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.cluster import ClusterConfig, FeatureConfig, StoryClusterer, cluster_stories
from newsprism.dedup import find_copies
from newsprism.embedders import Calibration, Embedder
from newsprism.errors import InputError, SettingsError
from newsprism.evaluation.clusters import score_clusters
from newsprism.extract import prepare_articles
from newsprism.model import Article

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cluster"
ARTICLES = FIXTURES / "articles.jsonl"
GOLD = FIXTURES / "gold.jsonl"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
REFERENCE = SHARED / "eval" / "scorers" / "score_clusters.py"
STORY = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "b3": "B", "b1-copy": "B", "c1": "C", "c2": "C"}


def fixture_articles() -> list[Article]:
    rows = [json.loads(line) for line in ARTICLES.read_text().splitlines()]
    return prepare_articles([Article(**r) for r in rows])


def partition(assign: dict[str, str | None]) -> set[frozenset[str]]:
    groups: dict[str | None, set[str]] = {}
    for aid, s in assign.items():
        groups.setdefault(s, set()).add(aid)
    return {frozenset(g) for g in groups.values()}


def expected(ids) -> set[frozenset[str]]:
    return partition({i: STORY[i] for i in ids})


def test_groups_the_fixture_stories_and_keeps_same_topic_events_apart():
    arts = find_copies(fixture_articles())
    stories = cluster_stories(arts)
    assert partition({a.id: a.story for a in arts}) == expected(a.id for a in arts)
    assert sorted(a for s in stories for a in s.articles) == sorted(a.id for a in arts)
    assert [s.id for s in stories] == ["s1", "s2", "s3"]  # numbered in arrival order


def test_story_ids_never_change_across_batches():
    arts = find_copies(fixture_articles())
    c = StoryClusterer()
    first = c.add([a for a in arts if a.id in ("a1", "b1", "c1")])
    later = c.add([a for a in arts if a.id not in first])
    for aid, story in first.items():
        assert c.story_of(aid) == story
    assert later["a2"] == first["a1"]
    assert later["b1-copy"] == first["b1"]  # a copy joins its original's story
    assert partition({a.id: c.story_of(a.id) for a in arts}) == expected(a.id for a in arts)


def test_any_arrival_order_gives_the_same_grouping():
    arts = find_copies(fixture_articles())
    c = StoryClusterer()
    for a in reversed(arts):
        c.add([a])
    assert partition({a.id: c.story_of(a.id) for a in arts}) == expected(a.id for a in arts)


def test_state_round_trips_through_json():
    arts = find_copies(fixture_articles())
    c = StoryClusterer()
    c.add(arts[:4])
    restored = StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict())))
    c.add(arts[4:])
    restored.add(arts[4:])
    assert {a.id: restored.story_of(a.id) for a in arts} == {a.id: c.story_of(a.id) for a in arts}


def test_a_loaded_state_posts_its_articles_as_one_by_one_posting_would():
    c = StoryClusterer(config=ClusterConfig(posting_cap=1))  # lists of more than 2 get trimmed: some keys have 3
    c.add(find_copies(fixture_articles()))
    loaded = StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict()))).index
    by_hand = StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict()))).index
    by_hand._postings, by_hand._pending = {}, {}
    for i in range(len(by_hand)):
        if by_hand.vectors.has(i):
            by_hand._post(i)
    assert loaded._postings == by_hand._postings
    assert list(loaded._pending.items()) == list(by_hand._pending.items()) and loaded._pending


def test_a_state_saved_with_plain_lists_still_loads():
    from newsprism.arrays import decode

    saved = json.loads((FIXTURES / "state-v2.json").read_text())["clusterer"]
    as_lists = json.loads(json.dumps(saved))
    dtypes = {"idx": "int64", "val": "float32", "keys": "int32", "dense": "float32", "pen": "float64"}
    for row in as_lists["articles"] + as_lists["stories"]:
        row.update({k: decode(row[k], dtype).tolist() for k, dtype in dtypes.items() if isinstance(row.get(k), str)})
    as_lists["featurizer"]["df"] = decode(as_lists["featurizer"]["df"], "float64").tolist()
    as_lists["version"] = 1  # as versions before arrays were packed wrote it
    assert StoryClusterer.from_dict(as_lists).to_dict() == StoryClusterer.from_dict(saved).to_dict()


@pytest.mark.parametrize("version", ["v2", "v3", "v2-model2vec"])
def test_a_state_file_of_an_earlier_version_loads_and_goes_on_as_a_run_of_this_version_would(version):
    """``state-VERSION.json``: the fixture articles but the last two, saved by
    ``cluster --state`` as earlier versions wrote it: 2 (a record per article,
    the linkage's threshold, alpha and dense weight), 3 (with the configuration
    and calibration), and 2 with an embedder (``_Constant`` named model2vec)."""
    from newsprism.cluster import group_corpus, load_state

    class Static(_Constant):
        name = "model2vec"
        calibration = Calibration(dense_weight=0.35, threshold_shift=0.1, alpha=0.4)  # model2vec's then

    embedder = Static() if version.endswith("model2vec") else None
    arts, fresh = fixture_articles(), fixture_articles()
    copies, old = load_state(FIXTURES / f"state-{version}.json", embedder)
    copies_here, here = load_state(None, embedder)
    # A state of version 2 says only the threshold with the embedder's shift in it: the same linkage.
    assert old.params == here.params and old.config.features == here.config.features
    group_corpus(arts[-2:], copies, old)
    group_corpus(fresh[:-2], copies_here, here)
    group_corpus(fresh[-2:], copies_here, here)
    assert [old.story_of(a.id) for a in arts] == [a.story for a in fresh]
    assert [(a.story, a.duplicate_of) for a in arts[-2:]] == [(a.story, a.duplicate_of) for a in fresh[-2:]]
    mine = lambda c: {k: v for k, v in c.to_dict().items() if k not in ("config", "calibration")}  # noqa: E731
    assert mine(old) == mine(here)


def test_an_earlier_article_learns_of_closer_neighbours_that_arrive_later():
    arts = find_copies(fixture_articles())
    c = StoryClusterer()
    c.add([a for a in arts if a.id in ("a1", "c1")])
    a1, table = c.index.by_id["a1"], c.table
    before = table.r[a1]
    c.add([a for a in arts if a.id in ("a2", "a3")])
    top = table.top(a1)
    assert table.r[a1] > before  # its own story's articles are closer than anything it met first
    assert table.r[a1] == pytest.approx(sum(top) / len(top)) and top == sorted(top, reverse=True)
    story = table.records[table.live_of(a1)]
    assert story.r_sum == pytest.approx(sum(table.r[m] for m in story.members))
    restored = StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict())))
    assert restored.table.top(a1) == top


def test_an_article_that_joined_the_wrong_story_moves_when_its_own_arrives():
    arts = {a.id: a for a in find_copies(fixture_articles())}
    c = StoryClusterer()
    c.add([arts["c1"], arts["c2"]])  # another footbridge collapse, two years earlier
    default = c.params
    c.params = dataclasses.replace(default, threshold=-1.0)  # as if a1 had nothing better to join
    c.add([arts["a1"]])
    assert c.story_of("a1") == c.story_of("c1")
    copy = dataclasses.replace(arts["a1"], id="a1-copy", duplicate_of="a1")
    c.add([copy])
    c.params = dataclasses.replace(default, threshold=0.3)  # a stricter bar keeps a2 and a3 out of s1
    moved = c.add([arts["a2"], arts["a3"]])
    assert c.story_of("a1") == c.story_of("a2") == c.story_of("a1-copy") != c.story_of("c1")
    assert moved["a1"] == moved["a1-copy"] == c.story_of("a2")
    left = next(s for s in c.stories() if s.id == c.story_of("c1"))
    assert left.id == "s1" and sorted(left.articles) == ["c1", "c2"]  # the story keeps its id
    restored = StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict())))
    assert restored.table.copies == c.table.copies


def test_a_story_a_stream_merged_wrongly_splits_once_its_members_tell_otherwise():
    arts = {a.id: a for a in find_copies(fixture_articles())}
    c = StoryClusterer()
    default = c.params
    c.params = dataclasses.replace(default, threshold=-1.0)  # as if the stream had seen too little to tell
    assert c.add([arts["c1"], arts["a1"]]) == {"c1": "s1", "a1": "s1"}  # two footbridge collapses, two years apart
    c.add([dataclasses.replace(arts["a1"], id="a1-copy", duplicate_of="a1")])
    c.params = default
    moved = c.add([arts["c2"]])  # c2 joins s1, and s1 grouped afresh keeps c1 and c2 only
    assert moved == {"c2": "s1", "a1": "s2", "a1-copy": "s2"}
    assert c.add([arts["a2"]]) == {"a2": "s2"}
    assert partition({a: c.story_of(a) for a in ("a1", "a1-copy", "a2", "c1", "c2")}) == {
        frozenset({"a1", "a1-copy", "a2"}), frozenset({"c1", "c2"})
    }
    from newsprism.cluster.linkage import add_vectors

    for s, st in enumerate(c.table.records):
        assert st.inner == pytest.approx(_expected_inner(c, s), abs=1e-4)
        assert st.n == sum(c.index.vectors.has(m) for m in st.members)
        store = c.index.vectors
        held = [m for m in st.members if store.has(m)]
        idx, val = store.idx(held[0]), store.val(held[0])
        for m in held[1:]:
            idx, val = add_vectors(idx, val, store.idx(m), store.val(m))
        assert st.idx.tolist() == idx.tolist() and st.val.tolist() == pytest.approx(val.tolist(), abs=1e-5)
        assert st.pen.tolist() == pytest.approx(sum(store.present(m) for m in held).tolist())
    restored = StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict())))
    assert [s.articles for s in restored.stories()] == [s.articles for s in c.stories()]


def _expected_inner(c: StoryClusterer, s: int) -> float:
    """Summed similarity over the ordered pairs of a story's distinct members, pair by pair."""
    from newsprism.cluster.linkage import similarity_sum

    nodes = [c._article_node(m) for m in c.table.records[s].members if c.index.vectors.has(m)]
    return sum(similarity_sum(x, y, c.params) for i, x in enumerate(nodes) for j, y in enumerate(nodes) if i != j)


def test_stories_keep_the_summed_similarity_of_their_member_pairs_through_merges_moves_and_saves():
    arts = {a.id: a for a in find_copies(fixture_articles())}
    c = StoryClusterer()
    c.add([arts["c1"], arts["c2"]])
    default = c.params
    c.params = dataclasses.replace(default, threshold=-1.0)
    c.add([arts["a1"]])  # joins the wrong story, then moves out of it
    c.params = dataclasses.replace(default, threshold=0.3)
    c.add([arts["a2"], arts["a3"], arts["b1"], arts["b2"]])
    records = c.table.records
    live = [s for s, st in enumerate(records) if st.merged_into is None]
    assert any(records[s].n >= 3 for s in live)
    for s in live:
        assert records[s].inner == pytest.approx(_expected_inner(c, s), abs=1e-4)
    restored = StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict())))
    assert [st.inner for st in restored.table.records] == [st.inner for st in records]


def test_a_state_saved_before_stories_kept_their_pair_sums_rebuilds_them_from_the_members():
    saved = json.loads((FIXTURES / "state-v2.json").read_text())
    kept = StoryClusterer.from_dict(saved["clusterer"])
    for st in saved["clusterer"]["stories"]:
        del st["inner"]  # as versions before the sum was kept wrote it
    rebuilt = StoryClusterer.from_dict(saved["clusterer"])
    assert any(st.n >= 3 for st in kept.table.records)
    assert [st.inner for st in rebuilt.table.records] == pytest.approx([st.inner for st in kept.table.records], abs=1e-4)


def test_two_tight_groups_merge_only_when_their_cross_similarity_nears_their_cohesion():
    import numpy as np

    from newsprism.cluster.linkage import LinkageParams, Node, score

    def group(n: int, cohesion: float) -> Node:
        # n members on one shared term: each pair across two such groups scores 1.
        return Node([0] * n, np.array([7]), np.array([float(n)], dtype=np.float32), None, 0.0, None, None,
                    inner=cohesion * n * (n - 1))

    p = LinkageParams(threshold=0.1, alpha=0.0, dense_weight=0.0, window_days=None, cohesion_ratio=0.65)
    assert group(3, 1.2).cohesion == pytest.approx(1.2) and group(1, 0.0).cohesion == 0.0
    assert score(group(3, 1.2), group(3, 1.4), p) == pytest.approx(1.0)  # 1.0 >= 0.65 * 1.2
    assert score(group(3, 1.2), group(3, 1.8), p) == pytest.approx(1.0)  # the looser group sets the bar
    assert score(group(3, 1.6), group(2, 1.8), p) == float("-inf")  # 1.0 < 0.65 * 1.6
    assert score(group(1, 0.0), group(3, 1.8), p) == pytest.approx(1.0)  # a lone article is no group
    assert score(group(3, 1.6), group(2, 1.8), dataclasses.replace(p, cohesion_ratio=0.0)) == pytest.approx(1.0)


def test_group_corpus_reports_earlier_articles_that_moved():
    from newsprism.cluster.stream import group_corpus
    from newsprism.dedup import CopyIndex

    arts = {a.id: a for a in fixture_articles()}
    copies, c = CopyIndex(), StoryClusterer()
    group_corpus([arts["c1"], arts["c2"]], copies, c)
    default = c.params
    c.params = dataclasses.replace(default, threshold=-1.0)  # as if a1 had nothing better to join
    assert group_corpus([arts["a1"]], copies, c) == {}
    c.params = dataclasses.replace(default, threshold=0.3)
    moved = group_corpus([arts["a2"], arts["a3"]], copies, c)
    assert moved == {"a1": c.story_of("a2")}  # the run's own articles are not listed


def _rewrite(a: Article) -> Article:
    """A light rewrite of every sentence (every fifth word swapped): too changed for the copy finder."""
    words = a.text.split(" ")
    text = " ".join("also" if k % 5 == 2 else w for k, w in enumerate(words))
    return Article(id=f"{a.id}-rewrite", text=text, title=a.title, outlet="Rewrite Daily", published=a.published)


@pytest.mark.parametrize("order", ["one batch", "one by one, rewrites first"])
def test_a_near_copy_follows_the_article_it_rewrites_and_stays_out_of_the_linkage(order):
    originals = [a for a in fixture_articles() if a.id != "b1-copy"]
    rewrites = prepare_articles([_rewrite(a) for a in originals])
    arts = find_copies(originals + rewrites)
    assert all(a.duplicate_of is None for a in arts)  # the dedup stage lets them through
    c = StoryClusterer()
    if order == "one batch":
        c.add(arts)
    else:
        for a in rewrites + originals:
            c.add([a])
    assign = {a.id: c.story_of(a.id) for a in arts}
    assert partition(assign) == partition({a.id: STORY[a.id.removesuffix("-rewrite")] for a in arts})
    ids, table = c.index.ids, c.table
    followers = [i for i in range(len(c)) if table.original_of(i) is not None]
    # Of each pair, the later one follows the earlier.
    assert len(followers) == len(originals)
    for f in followers:
        assert ids[table.original_of(f)].removesuffix("-rewrite") == ids[f].removesuffix("-rewrite")
        assert c.index.vectors.has(f)  # kept for the neighbour search
    for st in table.records:
        if st.merged_into is None:
            assert st.n == sum(table.linked(m) for m in st.members)  # only the linked count
    restored = StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict())))
    late = prepare_articles([dataclasses.replace(originals[0], id="a1-again", text=originals[0].text + " Repairs start in June.")])
    assert restored.add(late) == c.add(late)
    assert restored.stories() == c.stories()


def test_versions_of_one_text_all_follow_one_of_them_whatever_their_order():
    # Four rewrites of each article, each swapping other words: every version's
    # nearest neighbour is as likely to come after it as before.
    originals = [a for a in fixture_articles() if a.id != "b1-copy"]
    versions = [
        Article(id=f"{a.id}~{k}", text=" ".join("also" if n % 5 == k else w for n, w in enumerate(a.text.split(" "))),
                title=a.title, outlet=f"Rewrite {k}", published=a.published)
        for a in originals
        for k in range(4)
    ]
    arts = find_copies(prepare_articles(versions) + originals)
    assert all(a.duplicate_of is None for a in arts)
    c = StoryClusterer()
    c.add(arts)
    text_of = {a.id: a.id.partition("~")[0] for a in arts}
    assert partition({a.id: c.story_of(a.id) for a in arts}) == partition({a.id: STORY[text_of[a.id]] for a in arts})
    ids, table = c.index.ids, c.table
    linked = Counter(text_of[ids[i]] for i in range(len(c)) if table.linked(i))
    assert linked == Counter({a.id: 1 for a in originals})
    for i in range(len(c)):
        assert text_of[ids[table.root(i)]] == text_of[ids[i]]


def test_distant_publication_dates_never_share_a_story():
    a = fixture_articles()[0]
    later = dataclasses.replace(a, id="a1-years-later", published="2033-03-05")
    c = StoryClusterer()
    c.add([a, later])
    assert c.story_of(a.id) != c.story_of(later.id)


def test_empty_and_odd_articles_do_not_break_a_batch():
    odd = [Article(id="e", text=""), Article(id="n", text="12 34 56"), Article(id="d", text="Quiet.", published="not a date")]
    stories = cluster_stories(odd)
    assert sorted(a for s in stories for a in s.articles) == ["d", "e", "n"]


class _Constant:
    """An embedder that says every text means the same: tests the dense path."""

    name = "constant"
    calibration = Calibration(dense_weight=1.0, threshold_shift=0.0, alpha=0.3)

    def embed(self, texts):
        import numpy as np

        return np.ones((len(texts), 4), dtype=np.float32) / 2.0


def test_an_embedder_is_mixed_into_the_similarity():
    assert isinstance(_Constant(), Embedder)
    # Undated, so that only similarity decides (the events are two years apart).
    arts = find_copies([dataclasses.replace(a, published=None) for a in fixture_articles()])
    # The cosine of 1 lifts pairs within a story as much as across: the
    # cohesion rule would keep the two groups apart, and this test is about the
    # cosine (weighed by _Constant's own calibration, not a model's).
    c = StoryClusterer(_Constant(), config=ClusterConfig(threshold=0.4, cohesion_ratio=0.0))
    assert (c.params.dense_weight, c.params.alpha, c.params.threshold) == (1.0, 0.3, 0.4)
    c.add(arts)
    # A cosine of 1 between every candidate pair joins the two footbridge
    # events, which the lexical blocks alone keep apart.
    assert c.story_of("a1") == c.story_of("c1")
    assert StoryClusterer.from_dict(c.to_dict(), _Constant()).story_of("a1") == c.story_of("a1")


def test_each_embedder_is_weighed_by_its_own_calibration():
    from newsprism.embedders import MiniLMEmbedder, Model2VecEmbedder

    class Static(_Constant):
        name = "model2vec"
        calibration = Calibration(dense_weight=2.0, threshold_shift=0.2, alpha=0.9)

    class Recalibrated(Static):  # the same model, measured again since
        calibration = Calibration(dense_weight=0.5, threshold_shift=0.0, alpha=0.1)

    config = ClusterConfig()
    plain = StoryClusterer().params
    assert (plain.dense_weight, plain.threshold, plain.alpha) == (0.0, config.threshold, config.alpha)
    for emb in (Static(), _Constant(), MiniLMEmbedder(), Model2VecEmbedder()):
        p, cal = StoryClusterer(emb).params, emb.calibration
        assert (p.dense_weight, p.threshold, p.alpha) == (cal.dense_weight, config.threshold + cal.threshold_shift, cal.alpha)
    assert MiniLMEmbedder.calibration != Model2VecEmbedder.calibration
    assert StoryClusterer(Static(), config=ClusterConfig(threshold=0.5)).params.threshold == 0.5 + 0.2
    # A saved state goes on with the configuration and calibration it was made with.
    made = StoryClusterer(Static(), config=ClusterConfig(threshold=0.3, window_days=30))
    loaded = StoryClusterer.from_dict(json.loads(json.dumps(made.to_dict())), Recalibrated())
    assert loaded.params == made.params and loaded.config == made.config
    # Another embedder's vectors and calibration do not fit it: one clear error, not quiet nonsense.
    for other in (None, _Constant()):
        with pytest.raises(InputError, match="clustered with the model2vec embedder"):
            StoryClusterer.from_dict(made.to_dict(), other)


# ---------------------------------------------------------------- scorer


def test_scorer_on_a_hand_computed_case():
    gold = {"1": "x", "2": "x", "3": "y", "4": "y"}
    pred = {"1": "p", "2": "p", "3": "p", "9": "q"}  # 4 missing -> singleton, 9 extra
    m = score_clusters(gold, pred)
    assert m["bcubed_p"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert m["bcubed_r"] == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert m["pairwise_p"] == pytest.approx(1 / 3)
    assert m["pairwise_r"] == pytest.approx(1 / 2)
    assert (m["n_pred_clusters"], m["n_gold_clusters"], m["extra_pred_ids"], m["coverage"]) == (2, 2, 1, 0.75)


# ---------------------------------------------------------------- CLI


def test_cluster_command_prints_one_line_per_article():
    result = CliRunner().invoke(app, ["cluster", "-q", str(ARTICLES)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in rows] == [a.id for a in fixture_articles()]
    assert set(rows[0]) == {"id", "story", "duplicate_of", "syndicated_from"}
    copy = next(r for r in rows if r["id"] == "b1-copy")
    assert copy["duplicate_of"] == copy["syndicated_from"] == "b1"
    assert partition({r["id"]: r["story"] for r in rows}) == expected(STORY)
    summary = CliRunner().invoke(app, ["cluster", str(ARTICLES)]).stderr.splitlines()[-1]
    assert summary == "9 article(s) in 3 story(ies); 1 copy(ies) of another article, 1 syndicated"


def test_cluster_command_json_describes_each_story():
    result = CliRunner().invoke(app, ["cluster", "-q", "--format", "json", str(ARTICLES)])
    assert result.exit_code == 0, result.output
    stories = {frozenset(s["articles"]): s for s in json.loads(result.stdout)}
    assert set(stories) == expected(STORY)
    mayor = stories[frozenset({"b1", "b2", "b3", "b1-copy"})]
    # The copy's new headline is not the story's; the typical original one is.
    assert mayor["title"] in {"Orla Brandt wins Dunmere mayoral race", "Brandt unseats Lute as Dunmere picks a new mayor"}
    assert mayor["outlets"] == ["Dunmere Chronicle", "Harbour Herald", "Civic Ledger", "Westreach Times"]
    assert (mayor["first_day"], mayor["last_day"]) == ("2031-05-12", "2031-05-13")
    assert mayor["copies"] == {"b1-copy": "b1"}
    assert mayor["names"][0] == "Orla Brandt"
    assert stories[frozenset({"c1", "c2"})]["copies"] == {}


def test_cluster_command_md_lists_the_stories_largest_first_with_copies_under_their_originals(tmp_path):
    result = CliRunner().invoke(app, ["cluster", "-q", "--format", "md", str(ARTICLES)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "# 9 articles in 3 stories"
    table = [line for line in lines[2:7] if line.startswith("| `")]
    assert [row.split(" | ")[1] for row in table] == ["4", "3", "2"]  # articles per story, largest first
    assert "2031-05-12 to 2031-05-13" in table[0]
    mayor = lines[lines.index(next(line for line in lines if line.startswith("## ") and "Dunmere" in line)):]
    rows = [line for line in mayor if line.startswith("| [")][:4]
    copy_row = next(r for r in rows if "`b1-copy`" in r)
    # The copy sits right under its original and says which one it copies.
    assert rows.index(copy_row) == next(k for k, r in enumerate(rows) if "`b1`" in r) + 1
    assert copy_row.rstrip(" |").endswith("republished from [1]")  # syndicated_from names b1 too
    assert next(line for line in mayor if line.startswith("Names: ")).startswith("Names: Orla Brandt, Dunmere")
    # A pipe in a headline cannot break the table; an untitled article shows its opening words.
    odd = tmp_path / "odd.jsonl"
    odd.write_text(json.dumps({"id": "p", "title": "Left | right", "text": "Words here, in a sentence of some length."}) + "\n"
                   + json.dumps({"id": "q", "text": "Opening words | of an untitled piece on the ferry strike."}) + "\n")
    out = CliRunner().invoke(app, ["cluster", "-q", "--format", "md", str(odd)]).stdout
    assert "Left \\| right" in out and "*Opening words \\| of an untitled piece on the ferry strike.*" in out


def test_a_storys_names_are_those_most_of_its_articles_share_in_their_fullest_form():
    from newsprism.cluster.names import story_names

    mayor = [a for a in fixture_articles() if STORY[a.id] == STORY["b1"]]
    assert story_names(mayor)[:2] == ["Orla Brandt", "Dunmere"]
    one = Article(
        id="x",
        title="Every Word Of This Headline Is Capitalised",
        text="The Harbour Board met on Monday. Board chair Ines Calloway spoke for The Tessel Post.\n\n"
        "Calloway said the Quay would reopen in May. Reporters from Tessel Post asked Calloway why.",
    )
    # Titles, a leading "The", weekdays and months are no names; a surname counts
    # for the full name; a name never runs on across a paragraph break.
    names = story_names([one], k=10)
    assert names[:3] == ["Harbour Board", "Ines Calloway", "Tessel Post"]
    assert not {"Every", "Headline", "Monday", "May", "Calloway", "Post Calloway"} & set(names)
    # With two articles or more, only shared names count.
    other = Article(id="y", text="Officials of the Harbour Board said nothing else.")
    assert story_names([one, other]) == ["Harbour Board"]
    # A possessive ends a name; a surname two full names end with stands for the one listed.
    gulf = [
        Article(id="g1", text="Ships left Iran's Qeshm Island. Running back Reggie Bush watched, as did Ray Bush, whom Bush hugged."),
        Article(id="g2", text="Near Qeshm Island, fans of Reggie Bush waved. They said Bush found Iran calm."),
    ]
    assert story_names(gulf) == ["Iran", "Qeshm Island", "Reggie Bush"]


def test_cluster_command_state_file_continues_a_corpus(tmp_path):
    state = tmp_path / "state.json"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    lines = ARTICLES.read_text().splitlines()
    first.write_text("\n".join(lines[:4]) + "\n")
    second.write_text("\n".join(lines[4:]) + "\n")
    runner = CliRunner()
    one = runner.invoke(app, ["cluster", "-q", "--state", str(state), str(first)])
    two = runner.invoke(app, ["cluster", "-q", "--state", str(state), str(second)])
    assert one.exit_code == 0 and two.exit_code == 0, one.output + two.output
    rows = [json.loads(line) for out in (one, two) for line in out.stdout.splitlines() if line.startswith("{")]
    assert partition({r["id"]: r["story"] for r in rows}) == expected(STORY)
    # As Markdown, a story's articles from earlier runs are counted, not listed (their texts are not in the state).
    listed = runner.invoke(app, ["cluster", "-q", "--format", "md", "--state", str(tmp_path / "md-state.json"), str(first)])
    again = runner.invoke(app, ["cluster", "-q", "--format", "md", "--state", str(tmp_path / "md-state.json"), str(second)])
    assert listed.exit_code == 0 and again.exit_code == 0, listed.output + again.output
    assert "from earlier runs." in again.stdout
    # Going on with another embedder than the state was made with is a typed error (one line from the CLI); the state is kept.
    saved = state.read_bytes()
    other = runner.invoke(app, ["cluster", "-q", "--embedder", "model2vec", "--state", str(state), str(second)])
    assert isinstance(other.exception, InputError) and "clustered with the tfidf embedder" in str(other.exception)
    assert state.read_bytes() == saved


def test_an_opened_state_is_kept_out_of_the_collectors_scans_only_while_it_is_open(tmp_path):
    import gc

    from newsprism.cluster import group_corpus, load_state, open_state, save_state
    from newsprism.dedup import CopyIndex

    assert gc.get_freeze_count() == 0
    path = tmp_path / "state.json"
    copies, c = CopyIndex(), StoryClusterer()
    group_corpus(fixture_articles(), copies, c)
    save_state(path, copies, c)
    assert gc.get_freeze_count() == 0  # a run freezes each batch's survivors until it ends
    load_state(path, None)
    assert gc.get_freeze_count() == 0
    with open_state(path, None) as (_, loaded):
        assert gc.get_freeze_count() > 0 and len(loaded) == len(c)
    assert gc.get_freeze_count() == 0  # a process that opens states again and again keeps none of the old ones
    path.write_text("{not json")
    with pytest.raises(InputError, match="not a newsprism cluster state"), open_state(path, None):
        pass
    assert gc.get_freeze_count() == 0


def test_unknown_format_or_embedder_is_one_clean_error():
    runner = CliRunner()
    assert runner.invoke(app, ["cluster", "-q", "--format", "xml", str(ARTICLES)]).exit_code == 2
    for spec in ("nope", "tfidf:/models"):
        # a usage error: cli.main prints it on one line and exits 2 (SettingsError.exit_code)
        result = runner.invoke(app, ["cluster", "-q", "--embedder", spec, str(ARTICLES)])
        assert isinstance(result.exception, SettingsError), (spec, result.exception)


def _reference() -> Path:
    if not REFERENCE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{REFERENCE} is missing")
        pytest.skip(f"{REFERENCE} is missing")
    return REFERENCE


@pytest.mark.parametrize("gold_rows", ["fixture", "with-missing-and-extra"])
def test_eval_cluster_matches_the_reference_scorer(tmp_path, gold_rows):
    reference = _reference()
    gold = GOLD
    if gold_rows == "with-missing-and-extra":
        gold = tmp_path / "gold.jsonl"
        lines = GOLD.read_text().splitlines()
        extra = json.dumps({"id": "never-predicted", "story": "A"})
        gold.write_text("\n".join([*lines[1:], extra, lines[2]]) + "\n")  # one dropped, one unknown, one repeated
    pred = tmp_path / "pred.jsonl"
    ours = CliRunner().invoke(
        app, ["eval", "cluster", "-q", "--gold", str(gold), "--save-pred", str(pred), "--format", "json", str(ARTICLES)]
    )
    assert ours.exit_code == 0, ours.output
    ours_json = json.loads(next(line for line in ours.stdout.splitlines() if line.startswith("{")))
    theirs = subprocess.run(
        [sys.executable, str(reference), str(gold), str(pred), "--json"], capture_output=True, text=True, check=True
    )
    assert ours_json == json.loads(theirs.stdout)
    scored = CliRunner().invoke(app, ["eval", "cluster", "--gold", str(gold), "--pred", str(pred), "--format", "json"])
    assert json.loads(scored.stdout.strip().splitlines()[-1]) == ours_json


# ---------------------------------------------------------------- small one-story corpora


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "harlow-dam"


def _rows(*paths: str) -> list[dict]:
    result = CliRunner().invoke(app, ["cluster", "-q", *paths])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_the_example_story_is_one_story_with_one_copy():
    if not EXAMPLE.exists():
        pytest.skip("examples/harlow-dam is missing")
    rows = _rows(str(EXAMPLE))
    assert len(rows) == 7 and len({r["story"] for r in rows}) == 1
    copy = next(r for r in rows if r["id"].startswith("03-"))
    assert copy["duplicate_of"] == copy["syndicated_from"] == "02-northern-ledger"
    assert [r["id"] for r in rows if r["duplicate_of"]] == [copy["id"]]


def test_the_seed_articles_are_one_story():
    seeds = SHARED / "corpora" / "seeds"
    if not seeds.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{seeds} is missing")
        pytest.skip(f"{seeds} is missing")
    rows = _rows(str(seeds))
    assert len(rows) == 5 and len({r["story"] for r in rows}) == 1


def test_a_follow_up_weeks_later_still_joins_its_story():
    a = fixture_articles()[0]
    weeks_later = dataclasses.replace(a, id="a1-follow-up", published="2031-04-20")
    c = StoryClusterer()
    c.add([a, weeks_later])
    assert c.story_of(a.id) == c.story_of(weeks_later.id)


def test_sparse_dot_matches_the_dense_dot_product():
    import numpy as np

    from newsprism.cluster.linkage import sparse_dot

    rng = np.random.default_rng(0)
    for size_a, size_b in ((0, 5), (3, 40), (40, 3), (25, 25)):
        a_idx = np.sort(rng.choice(100, size_a, replace=False)).astype(np.int64)
        b_idx = np.sort(rng.choice(100, size_b, replace=False)).astype(np.int64)
        a_val, b_val = rng.random(size_a).astype(np.float32), rng.random(size_b).astype(np.float32)
        dense_a, dense_b = np.zeros(100), np.zeros(100)
        dense_a[a_idx], dense_b[b_idx] = a_val, b_val
        assert sparse_dot(a_idx, a_val, b_idx, b_val) == pytest.approx(float(dense_a @ dense_b), rel=1e-5)


def _node(members: int, pen: float | None, r: float = 0.0, day: int | None = None):
    import numpy as np

    from newsprism.cluster.linkage import Node

    # Every member holds the same single term with weight 1: pair similarity 1.
    return Node(
        [0] * members, np.array([7]), np.array([float(members)], dtype=np.float32), None, r * members, day, day,
        pen=None if pen is None else np.array([pen * members]),
    )


def test_mismatch_penalty_time_cost_and_join_bonus_move_the_score():
    from newsprism.cluster.linkage import LinkageParams, score

    plain = LinkageParams(threshold=0.1, alpha=0.0, dense_weight=0.0, window_days=None)
    assert score(_node(1, None), _node(1, None), plain) == pytest.approx(1.0)
    # Both articles have a penalised block: the product of their sqrt(penalty) is subtracted.
    assert score(_node(1, 0.5), _node(1, 0.2), plain) == pytest.approx(0.9)
    assert score(_node(1, 0.5), _node(1, None), plain) == pytest.approx(1.0)
    timed = dataclasses.replace(plain, time_penalty=0.1, time_scale_days=10.0, window_days=100)
    assert score(_node(1, None, day=0), _node(1, None, day=10), timed) == pytest.approx(1.0 - 0.1 * math.log(2))
    assert score(_node(1, None, day=0), _node(1, None, day=101), timed) == float("-inf")
    joining = dataclasses.replace(plain, join_bonus=0.05, join_min=3)
    assert score(_node(1, None), _node(3, None), joining) == pytest.approx(1.05)
    assert score(_node(2, None), _node(3, None), joining) == pytest.approx(1.0)


def test_featurizer_marks_the_penalised_blocks_an_article_has():
    from newsprism.cluster.features import Featurizer, count_terms

    f = Featurizer(FeatureConfig(weights={"W": 1.0, "E": 0.2}, penalties={"E": 0.04}))
    named = Article(id="n", text="The mayor met Olwen Brask in Tarrow on Monday.")
    nameless = Article(id="x", text="the mayor met nobody on monday.")
    named_vec, nameless_vec = f.vectors(count_terms([named, nameless]))
    assert named_vec.present == [pytest.approx(0.2)]
    assert nameless_vec.present == [0.0]
    assert Featurizer.from_dict(f.to_dict(), f.config).penalties == {"E": 0.04}


def test_add_vectors_sums_shared_terms_and_keeps_ids_sorted():
    import numpy as np

    from newsprism.cluster.linkage import add_vectors

    idx, val = add_vectors(
        np.array([1, 4, 9]), np.array([1.0, 2.0, 3.0], dtype=np.float32), np.array([4, 5]), np.array([0.5, 1.0], dtype=np.float32)
    )
    assert idx.tolist() == [1, 4, 5, 9] and val.tolist() == [1.0, 2.5, 1.0, 3.0]
    empty = np.array([], dtype=np.int64), np.array([], dtype=np.float32)
    assert add_vectors(*empty, *empty)[0].tolist() == []


def test_adding_a_few_terms_to_a_large_sum_gives_the_bits_a_full_sort_gives():
    import numpy as np

    from newsprism.cluster.linkage import add_sorted, add_vectors

    rng = np.random.default_rng(0)
    fast = 0
    for t in range(500):
        a = np.unique(rng.integers(0, 5000, rng.integers(0, 3000))).astype(np.int32)
        b = np.unique(rng.integers(0, 5000, rng.integers(0, 60))).astype(np.int32)
        av, bv = rng.normal(size=len(a)).astype(np.float32), rng.normal(size=len(b)).astype(np.float32)
        if t % 2:
            a, av, b, bv = b, bv, a, av
        fast += 8 * min(len(a), len(b)) <= max(len(a), len(b))
        (xi, xv), (yi, yv) = add_vectors(a, av, b, bv), add_sorted(a, av, b, bv)
        assert xi.dtype == yi.dtype and xi.tolist() == yi.tolist() and xv.dtype == yv.dtype and xv.tobytes() == yv.tobytes()
    assert fast > 300  # most took the binary search
    a, av = np.array([3, 5, 9], dtype=np.int32), np.array([0.5, 0.25, 2.0], dtype=np.float32)
    for b in ([], [9], [1], [10], [1, 4, 10], [3, 5, 9]):  # none, hits only, new terms first, last, between, all
        b_idx, b_val = np.array(b, dtype=np.int32), np.linspace(1.0, 2.0, len(b), dtype=np.float32)
        for x, y in ((a, b_idx), (b_idx, a)):
            xv, yv = (av, b_val) if x is a else (b_val, av)
            (pi, pv), (qi, qv) = add_vectors(x, xv, y, yv), add_sorted(x, xv, y, yv)
            assert pi.tolist() == qi.tolist() and pv.tobytes() == qv.tobytes() and (qi.dtype, qv.dtype) == (np.int32, np.float32)
            assert qi is not x and qv is not xv  # new arrays: a story's sums are replaced, never changed in place


def test_salient_figures_are_rounded_and_years_are_not_figures():
    from newsprism.cluster.features import _figures

    text = "In 2024 some 6.6 million filed, 943K found work, a $1.9T plan, 212,000 arrests, 5.4% and 3.5 percent; 12 towns."
    assert _figures(text) == ["6.6e+06", "9.4e+05", "1.9e+12", "2.1e+05", "5.4%", "3.5%"]
    assert _figures("Some 948,311 and about 950,000 claims.") == ["9.5e+05", "9.5e+05"]


def test_names_inside_sentences_count_a_sentences_first_word_does_not():
    from newsprism.cluster.features import raw_features

    text = "Police said Ana Lima left. “Storm Bert” hit Varn.  Then Olo Bay;   Kest Port flooded, the Mayor said"
    feats = raw_features(Article(id="n", title="Title Words", text=text))
    assert feats["E"] == {
        "ana": 1, "lima": 1, "ana_lima": 1,  # "Police" starts the text
        "bert": 1,  # "Storm" follows a quotation mark
        "varn": 1,
        "olo": 1, "bay": 1, "olo_bay": 1,  # "Then" follows a full stop and two spaces
        "kest": 1, "port": 1, "kest_port": 1,  # three spaces are no sentence break
        "mayor": 1,
    }
    assert feats["W"]["police"] == 1 and "the" not in feats["W"] and list(feats["W"])[:2] == ["title", "words"]


def test_weekdays_months_and_figures_are_read_from_the_title_and_lead_only():
    from newsprism.cluster.features import LEAD_CHARS, raw_features

    body = "The Varn council met on Monday over 4.5 million. " + "x " * LEAD_CHARS + "It met again on Friday over 7.1 million."
    feats = raw_features(Article(id="d", title="Council votes 12% rise in July", text=body))
    assert feats["D"] == {"July": 1, "Monday": 1}
    assert feats["F"] == {"12%": 1, "4.5e+06": 1}


def test_a_different_figure_and_weekday_lower_the_similarity_a_shared_one_raises():
    import numpy as np

    from newsprism.cluster.features import Featurizer, count_terms

    body = "Claims for benefits in Varnland {} last week, the Varn labour office said on {}."
    arts = [
        Article(id="a", text=body.format("reached 3.2 million", "Thursday")),
        Article(id="b", text=body.format("totalled 3.2 million", "Thursday")),
        Article(id="c", text=body.format("reached 5.7 million", "Tuesday")),
    ]

    def sims(weights: dict[str, float], penalties: dict[str, float]) -> tuple[float, float]:
        a, b, c = Featurizer(FeatureConfig(weights=weights, penalties=penalties)).vectors(count_terms(arts))
        net = lambda x, y: x.dot(y) - float(np.dot(x.present, y.present))  # noqa: E731
        return net(a, b), net(a, c)

    default = FeatureConfig()
    without = {k: v for k, v in default.weights.items() if k not in "FD"}
    same_before, other_before = sims(without, {"E": default.penalties["E"]})
    same_after, other_after = sims(dict(default.weights), dict(default.penalties))
    assert same_after > same_before and other_after < other_before - 0.05


def test_candidates_are_ranked_like_counter_most_common():
    import random
    from collections import Counter

    import numpy as np

    from newsprism.cluster.index import _most_common

    rng = random.Random(3)
    for _ in range(50):
        listed = [rng.randrange(300) for _ in range(rng.randrange(0, 900))]
        counts = Counter(listed)
        for n in (1, 40, 1000):
            assert _most_common(np.array(listed, dtype=np.int32), n) == [k for k, _ in counts.most_common(n)]
        keep = lambda arts: arts % 3 != 0  # noqa: E731
        assert _most_common(np.array(listed, dtype=np.int32), 40, keep) == [k for k, _ in counts.most_common() if k % 3][:40]


def test_dots_through_a_scratch_array_leave_it_zero_and_match_dot():
    import numpy as np

    from newsprism.cluster.features import SparseVector

    rng = np.random.default_rng(2)

    def vec(size: int) -> SparseVector:
        return SparseVector(np.sort(rng.choice(60, size, replace=False)).astype(np.int64), rng.random(size).astype(np.float32))

    me, others = vec(20), [vec(0), vec(15), vec(60), vec(1)]
    scratch = np.zeros(64, dtype=np.float32)
    sims = me.dots(others, scratch)
    assert not scratch.any()
    assert sims.tolist() == me.dots(others).tolist()
    dense = np.zeros(60)
    dense[me.idx] = me.val
    for o, s in zip(others, sims):
        assert s == pytest.approx(float(dense[o.idx] @ o.val), rel=1e-5)


def test_embedder_spec_takes_a_local_model_directory(tmp_path) -> None:
    from newsprism.embedders import Model2VecEmbedder, make_embedder

    emb = make_embedder(f"model2vec:{tmp_path}")  # nothing loads until the first text
    assert isinstance(emb, Model2VecEmbedder) and emb.model_path == tmp_path
    assert make_embedder("tfidf") is None
    with pytest.raises(SettingsError):  # a usage error (exit 2), as the README says
        make_embedder("tfidf:/models")


@pytest.mark.parametrize("resumed", [False, True])
def test_copies_and_stories_are_the_same_when_a_worker_process_searches_copies_and_neighbours(resumed):
    from newsprism.cluster.stream import group_corpus
    from newsprism.dedup import CopyIndex
    from newsprism.engine import ProcessEngine

    def run(engine):
        arts = fixture_articles()
        copies, c = CopyIndex(), StoryClusterer()
        if resumed:  # the stage starts from a saved state: its copy holds every earlier article
            group_corpus(arts[:5], copies, c)
            copies, c = CopyIndex.from_dict(copies.to_dict()), StoryClusterer.from_dict(json.loads(json.dumps(c.to_dict())))
        group_corpus(arts[5 if resumed else 0 :], copies, c, batch_size=2, engine=engine)
        return [(a.id, a.story, a.duplicate_of, a.syndicated_from) for a in arts], _document_frequencies(c.featurizer)

    here, there = run(None), run(ProcessEngine(1))
    assert here[0] == there[0]
    assert any(dup for _, _, dup, _ in here[0])  # the fixture holds copies
    # The same document frequencies: the worker counts the terms of the same articles, the originals.
    assert here[1] == there[1]


def test_after_a_worker_run_the_clusterer_goes_on_alike_with_a_worker_or_without():
    """Articles taken in with the stage's neighbours are posted only when the clusterer next searches."""
    from newsprism.cluster.stream import group_corpus
    from newsprism.dedup import CopyIndex
    from newsprism.engine import ProcessEngine

    def run(second):
        arts = fixture_articles()
        copies, c = CopyIndex(), StoryClusterer()
        group_corpus(arts[:6], copies, c, batch_size=2, engine=ProcessEngine(1))
        group_corpus(arts[6:], copies, c, batch_size=1, engine=second)
        return [(a.id, a.story, a.duplicate_of) for a in arts], c.to_dict()

    assert run(None) == run(ProcessEngine(1))


def test_a_featurizer_copy_takes_in_the_vectors_made_by_another_as_its_own():
    from newsprism.cluster.features import Featurizer, count_terms

    arts = fixture_articles()
    maker, taker, alone = Featurizer(), Featurizer(), Featurizer()
    for batch in (arts[:4], arts[4:]):
        made = maker.vectorize(count_terms(batch), n_keys=32)
        for x, y in zip(taker.take(made), alone.vectors(count_terms(batch), n_keys=32), strict=True):
            assert x.idx.tolist() == y.idx.tolist() and x.val.tolist() == y.val.tolist() and x.keys == y.keys
    assert taker.to_dict() == alone.to_dict() == maker.to_dict()
    with pytest.raises(ValueError, match="do not fit"):
        Featurizer().take(made)  # made after the first batch's terms


def test_document_frequencies_fade_for_idf_over_later_batches_and_stay_whole_for_blocking():
    import math

    from newsprism.cluster.features import Featurizer, count_terms

    arts = fixture_articles()
    head, tail = arts[:4], arts[4:6]
    window = FeatureConfig(idf_window_docs=4)
    f, first, second = Featurizer(window), Featurizer(window), Featurizer(window)
    f.vectors(count_terms(head))
    f.vectors(count_terms(tail))
    first.vectors(count_terms(head))
    second.vectors(count_terms(tail))
    g = math.exp(-len(tail) / 4)
    whole = _document_frequencies(f)
    recent = {(b, t): float(f.recent[tid]) for b, terms in f.vocab.items() for t, tid in terms.items()}
    before, after = _document_frequencies(first), _document_frequencies(second)
    assert whole == {k: before.get(k, 0.0) + after.get(k, 0.0) for k in whole}
    assert recent == pytest.approx({k: before.get(k, 0.0) * g + after.get(k, 0.0) for k in whole})
    assert f.n_docs == 6 and f.recent_docs == pytest.approx(4 * g + 2)

    # A batch does not fade its own counts: alone, the window changes nothing; after it, the weights.
    def weights(featurizer, batch):
        return [v.val.tolist() for v in featurizer.vectors(count_terms(batch))]

    faded, unfaded = Featurizer(window), Featurizer(FeatureConfig(idf_window_docs=10**18))
    assert weights(faded, head) == weights(unfaded, head)
    assert weights(faded, tail) != weights(unfaded, tail)


def test_a_featurizer_saved_before_counts_faded_goes_on_from_its_whole_counts():
    from newsprism.cluster.features import Featurizer, count_terms

    f = Featurizer()
    f.vectors(count_terms(fixture_articles()))
    saved = json.loads(json.dumps(f.to_dict()))
    assert Featurizer.from_dict(saved).to_dict() == f.to_dict()
    del saved["recent"], saved["recent_docs"]
    old = Featurizer.from_dict(saved)
    assert old.recent[: old.n_terms].tolist() == old.df[: old.n_terms].tolist() and old.recent_docs == old.n_docs


def test_with_an_embedder_the_stage_leaves_the_neighbour_search_here_and_stories_are_the_same():
    from newsprism.cluster.stream import SearchStage, group_corpus
    from newsprism.dedup import CopyIndex
    from newsprism.engine import LocalEngine

    seen: list[object] = []

    class Watched(LocalEngine):
        def stage(self, obj):
            seen.append(obj)
            return super().stage(obj)

    def run(engine):
        arts = fixture_articles()
        group_corpus(arts, CopyIndex(), StoryClusterer(_Constant()), batch_size=2, engine=engine)
        return [(a.id, a.story, a.duplicate_of) for a in arts]

    assert run(None) == run(Watched())
    (stage,) = seen
    assert isinstance(stage, SearchStage) and stage.neighbours is None  # the model is not loaded a second time


def test_a_copy_of_the_neighbour_index_finds_the_neighbours_that_add_would_find():
    import copy

    from newsprism.cluster.index import Found

    arts = find_copies(fixture_articles())
    head, tail = arts[:6], arts[6:]
    c, alone = StoryClusterer(), StoryClusterer()
    c.add(head)
    alone.add(head)
    mirror = copy.deepcopy(c.index)  # as the search stage holds it, in a worker process
    found = mirror.search(tail)
    assert found.first == 6 and len(found.near) == sum(1 for a in tail if a.duplicate_of is None)
    assert any(found.near) and all(j < len(arts) and s > 0 for near in found.near for j, s in near)
    assert c.add(tail, found=found) == alone.add(tail)
    assert [s.articles for s in c.stories()] == [s.articles for s in alone.stories()]
    assert len(mirror) == len(c) and mirror.ids == c.index.ids  # the copy took every article in, in the same order
    with pytest.raises(ValueError, match="do not fit"):
        StoryClusterer().add(tail, found=Found(6, found.near, found.vectors))


def _document_frequencies(f) -> dict[tuple[str, str], float]:
    return {(block, term): float(f.df[tid]) for block, terms in f.vocab.items() for term, tid in terms.items()}


def _by_term(f, vec) -> tuple[dict[tuple[str, str], float], list[tuple[str, str]]]:
    """A vector's weights and blocking keys by (block, term): term ids depend on arrival order."""
    names = {tid: (block, term) for block, terms in f.vocab.items() for term, tid in terms.items()}
    return {names[i]: v for i, v in zip(vec.idx.tolist(), vec.val.tolist())}, [names[k] for k in vec.keys]


def test_vectors_of_some_rows_of_a_batch_are_those_of_those_articles_alone():
    from newsprism.cluster.features import Featurizer, count_terms

    arts = fixture_articles()[:4]
    f, g = Featurizer(), Featurizer()
    some = f.vectors(count_terms(arts), rows=[3, 1])
    alone = g.vectors(count_terms([arts[3], arts[1]]))
    assert _document_frequencies(f) == _document_frequencies(g) and f.n_docs == g.n_docs == 2
    for x, y in zip(some, alone, strict=True):
        assert _by_term(f, x) == _by_term(g, y) and len(x.keys) == 8 and x.present == y.present


def test_a_story_keeps_its_members_pair_similarities_and_scores_only_new_pairs():
    arts = find_copies(fixture_articles())
    c = StoryClusterer()
    half = len(arts) // 2
    c.add(arts[:half])
    c.add(arts[half:])
    stories = [st for st in c.table.records if st.merged_into is None and len(st.known) > 2]
    assert stories, "the fixture's stories are grouped again after the second batch"
    for st in stories:
        mem = sorted(st.known)
        assert set(mem) <= set(st.members)
        for k, hi in enumerate(mem):
            # Scored from the later article's side, as a story reloaded without its cache scores them.
            assert [st.sims[(lo, hi)] for lo in mem[:k]] == c.index.similarities(hi, mem[:k]).tolist()

    calls = []
    scorer = c.index.similarities
    c.index.similarities = lambda i, others: calls.append((i, list(others))) or scorer(i, others)  # type: ignore[method-assign]
    st = stories[0]
    mem = sorted(st.known)
    c._member_pairs(st, mem)
    assert calls == []  # every pair is known: nothing is scored again
    st.known.discard(mem[-1])
    c._member_pairs(st, mem)
    assert calls == [(mem[-1], mem[:-1])]  # one pass: the newcomer against the others
    calls.clear()
    st.known.discard(mem[0])
    c._member_pairs(st, mem)
    assert calls == [(m, [mem[0]]) for m in mem[1:]]  # an earlier newcomer: each later member's side


@pytest.mark.slow
def test_model2vec_is_distilled_once_quietly_into_its_cache(tmp_path, capfd) -> None:
    pytest.importorskip("model2vec.distill")
    from newsprism.embedders import Model2VecEmbedder

    cache = tmp_path / "m2v"
    vecs = Model2VecEmbedder(cache_dir=cache).embed(["Iran receives Russian radar", "Russia ships radar to Iran"])
    assert vecs.shape[0] == 2 and float(vecs[0] @ vecs[1]) > 0.5
    assert "Encoding tokens" not in capfd.readouterr().err  # distill's own bars stay off the terminal
    assert (cache / "config.json").exists() and [p.name for p in tmp_path.iterdir()] == ["m2v"]  # no temp left
    again = Model2VecEmbedder(cache_dir=cache)
    assert again._distilled() == cache and again.embed(["Russia ships radar to Iran"]).tolist() == vecs[1:].tolist()


def test_stories_that_keep_no_pair_similarities_group_exactly_as_those_that_keep_them():
    import random

    arts = find_copies(fixture_articles() + prepare_articles([_rewrite(a) for a in fixture_articles()]))
    random.Random(4).shuffle(arts)
    kept, forgetful = StoryClusterer(), StoryClusterer(config=ClusterConfig(cached_stories=1))
    for k in range(0, len(arts), 3):
        assert kept.add(arts[k : k + 3]) == forgetful.add(arts[k : k + 3])
    assert sum(bool(st.known) for st in forgetful.table.records) <= 1 < sum(bool(st.known) for st in kept.table.records)
    assert kept.to_dict() == {**forgetful.to_dict(), "config": kept.config.to_dict()}


@pytest.mark.parametrize("seed", range(40))
def test_grouping_on_given_similarities_merges_as_the_heap_does_bit_for_bit(seed):
    """``agglomerate_given`` (a story grouped afresh, ``_refine``) must make the
    merges ``agglomerate`` makes, in the same order and with the same float
    sums (a member list's order sets how a part's sum vector is added up),
    ties included: similarities drawn from a few values tie often."""
    import math
    import random

    import numpy as np

    from newsprism.cluster.linkage import LinkageParams, Node, agglomerate, agglomerate_given

    rng = random.Random(seed)
    n = rng.randint(2, 32)
    p = LinkageParams(threshold=0.14, alpha=0.3, dense_weight=0.0, window_days=rng.choice([None, 40]), time_penalty=0.03,
                      join_bonus=0.06, join_min=rng.choice([2, 8]), cohesion_ratio=0.65)
    empty_idx, empty_val = np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
    days = [None if rng.random() < 0.2 else 700_000 + rng.randint(0, 60) for _ in range(n)]
    r = [rng.choice([0.1, 0.2, 0.25, rng.random() / 2]) for _ in range(n)]
    levels = [0.0, 0.1, 0.3, 0.3, 0.5, 0.8]
    sims = {(k, d): rng.choice(levels) if rng.random() < 0.7 else rng.random() for k in range(n) for d in range(k + 1, n)}

    def fresh() -> list[Node]:
        return [Node([100 + k], empty_idx, empty_val, None, r[k], days[k], days[k]) for k in range(n)]

    heap_made, _ = agglomerate(dict(enumerate(fresh())), dict(sims), p, n)
    made = agglomerate_given(fresh(), sims, p)

    def seen(nodes) -> list[tuple]:
        return sorted((nd.members, nd.n, nd.r_sum.hex(), nd.inner.hex(), nd.lo, nd.hi) for nd in nodes)

    assert seen(made) == seen(heap_made.values())
    assert not any(math.isnan(nd.inner) for nd in made)
