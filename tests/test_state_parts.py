"""The clustering state in parts (cluster.parts): a batch writes what it changed, and
the parts load to the very state that was saved, batch after batch."""

from __future__ import annotations

import json
import random
import zlib
from pathlib import Path

import pytest

from newsprism.cluster.clusterer import StoryClusterer
from newsprism.cluster.parts import Part, StateDamaged, StateParts, load_parts
from newsprism.dedup import CopyIndex, apply_copies
from newsprism.extract import prepare_articles
from newsprism.model import Article

CLUSTER = Path(__file__).resolve().parent / "fixtures" / "cluster" / "articles.jsonl"


def corpus(n: int, seed: int = 0) -> list[Article]:
    """Articles drawn from the cluster fixture's nine: the first half fragments (a
    fifth of the sentences, half without a title), which start stories of their
    own that later, fuller articles (four fifths) bring together; words swapped;
    one in eight a trimmed reprint of an earlier one. Stories grow, merge and
    take copies, and earlier articles move."""
    rng = random.Random(seed)
    base = [json.loads(line) for line in CLUSTER.read_text(encoding="utf-8").splitlines()]
    out: list[Article] = []
    for i in range(n):
        if out and rng.random() < 0.125:
            src = out[rng.randrange(len(out))]
            out.append(Article(id=f"c{i}", text=src.text.rsplit(". ", 1)[0], title=src.title, outlet=f"Reprinter {i % 3}", published=src.published))
            continue
        row = base[rng.randrange(len(base))]
        sentences = row["text"].replace("\n", " ").split(". ")
        keep = 0.2 if i < n // 2 else 0.8
        kept = [s for s in sentences if rng.random() < keep] or [rng.choice(sentences)]
        words = ". ".join(kept).split(" ")
        for _ in range(max(1, len(words) // 10)):
            words[rng.randrange(len(words))] = rng.choice(("also", "reportedly", "local", "new", "the"))
        title = row.get("title") if rng.random() < 0.5 else None
        out.append(Article(id=f"a{i}", text=" ".join(words), title=title, outlet=f"{row.get('outlet')} {i % 5}", published=row.get("published")))
    return out


def add(copies: CopyIndex, clusterer: StoryClusterer, batch: list[Article]) -> None:
    batch = prepare_articles(batch)
    copies.add(batch)
    apply_copies(batch, copies)
    clusterer.add(batch)


class Table:
    """A database's cluster_state table, in a dict."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, int], bytes] = {}

    def write(self, changes: tuple[list[Part], list[str]]) -> list[Part]:
        put, drop = changes
        self.rows = {k: v for k, v in self.rows.items() if k[0] not in drop}
        self.rows.update({(name, key): body for name, key, body in put})
        return put

    def parts(self) -> list[Part]:
        return [(name, key, body) for (name, key), body in self.rows.items()]


def whole(copies: CopyIndex, clusterer: StoryClusterer) -> str:
    """Everything a state file would hold; the copy index's union-find as its groups."""
    d = {"copies": copies.to_dict(), "clusterer": clusterer.to_dict()}
    d["copies"].pop("parent")
    return json.dumps({**d, "groups": sorted(map(sorted, copies.groups()))}, sort_keys=True)


def test_every_batch_loads_back_to_the_state_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsprism.cluster.parts as parts_module

    monkeypatch.setattr(parts_module, "CHECKPOINT_EVERY", 4)  # checkpoints and logs of the counts both
    monkeypatch.setattr(parts_module, "CHUNK", 64)  # several chunks of columns
    articles = corpus(240, seed=1)
    copies, clusterer = CopyIndex(), StoryClusterer(None)
    parts, table = StateParts(copies, clusterer), Table()
    moved = merged = 0
    for k in range(0, len(articles), 20):
        absorbed_before = [r.merged_into is not None for r in clusterer.table.records]
        story_before = clusterer.table.columns()["story"]
        add(copies, clusterer, articles[k : k + 20])
        put = table.write(parts.changes())
        # Append-only parts get the batch's rows only.
        for name, first in (("copies", k), ("vectors", k)):
            assert [key for n, key, _ in put if n == name] == [first]
        merged += sum(r.merged_into is not None for r in clusterer.table.records) - sum(absorbed_before)
        moved += int((clusterer.table.columns()["story"][:k] != story_before).sum())
        loaded_copies, loaded, _ = load_parts(table.parts(), None)
        assert whole(loaded_copies, loaded) == whole(copies, clusterer), f"batch {k // 20}"
    assert clusterer.table.records and copies.groups()
    assert merged and moved  # the corpus exercised merges and changes to earlier articles
    assert {n for n, _ in table.rows} >= {"meta", "copies", "terms", "vectors", "counts", "count-log", "columns", "stories", "sums"}


def test_going_on_from_loaded_parts_is_going_on_in_memory() -> None:
    articles = corpus(160, seed=1)
    copies, clusterer = CopyIndex(), StoryClusterer(None)
    parts, table = StateParts(copies, clusterer), Table()
    for k in range(0, 80, 20):
        add(copies, clusterer, articles[k : k + 20])
        table.write(parts.changes())
    loaded_copies, loaded, loaded_parts = load_parts(table.parts(), None)
    other = Table()
    other.rows = dict(table.rows)
    for k in range(80, 160, 20):
        add(copies, clusterer, articles[k : k + 20])
        table.write(parts.changes())
        add(loaded_copies, loaded, articles[k : k + 20])
        other.write(loaded_parts.changes())
    assert [s.articles for s in loaded.stories()] == [s.articles for s in clusterer.stories()]
    assert other.rows == table.rows


def test_a_state_saved_whole_is_read_once_then_replaced_by_parts() -> None:
    copies, clusterer = CopyIndex(), StoryClusterer(None)
    articles = corpus(60, seed=2)
    add(copies, clusterer, articles[:40])
    data = json.dumps({"copies": copies.to_dict(), "clusterer": clusterer.to_dict()}).encode()
    table = Table()
    table.rows = {("legacy", 0): b"NPS1" + zlib.compress(data, 1)}
    got_copies, got, parts = load_parts(table.parts(), None)
    assert whole(got_copies, got) == whole(copies, clusterer)
    put, drop = parts.changes()
    assert "legacy" in drop and {n for n, _, _ in put} >= {"meta", "copies", "vectors", "stories", "sums", "counts"}
    table.write((put, drop))
    assert ("legacy", 0) not in table.rows
    add(got_copies, got, articles[40:])
    table.write(parts.changes())
    again_copies, again, _ = load_parts(table.parts(), None)
    assert whole(again_copies, again) == whole(got_copies, got)


def test_no_parts_is_a_new_state_and_broken_parts_are_refused() -> None:
    copies, clusterer, parts = load_parts([], None)
    assert len(copies) == 0 and len(clusterer) == 0
    add(copies, clusterer, corpus(30, seed=3))
    table = Table()
    table.write(parts.changes())
    for missing in (("stories", 0), ("counts", 0), ("sums", 1)):
        broken = Table()
        broken.rows = {k: v for k, v in table.rows.items() if k != missing}
        with pytest.raises(StateDamaged):
            load_parts(broken.parts(), None)
    with pytest.raises(ValueError):
        load_parts([("legacy", 0, b"not a state")], None)


def test_the_count_log_replays_to_the_same_bits() -> None:
    """The faded counts are rebuilt from a checkpoint and the changes since, not saved
    whole each batch: replayed, they must be the very floats the run computed."""
    copies, clusterer = CopyIndex(), StoryClusterer(None)
    parts, table = StateParts(copies, clusterer), Table()
    articles = corpus(100, seed=4)
    for k in range(0, 100, 10):
        add(copies, clusterer, articles[k : k + 10])
        table.write(parts.changes())
    assert ("count-log", 8) in table.rows
    _, loaded, _ = load_parts(table.parts(), None)
    f, g = clusterer.featurizer, loaded.featurizer
    n = f.n_terms
    assert f.df[:n].tobytes() == g.df[:n].tobytes() and f.recent[:n].tobytes() == g.recent[:n].tobytes()
    assert (f.n_docs, f.recent_docs) == (g.n_docs, g.recent_docs)
