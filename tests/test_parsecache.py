"""A story briefed again parses only its new articles (``ParseCache``), and its brief is the same."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from newsprism.model import Article
from newsprism.parsecache import ParseCache
from newsprism.pipeline import Parsed
from newsprism.store import open_store
from test_updater import _read, _updater, _write

from fixtures.brief.stories import shared_nlp

ROUNDS = (["a1", "a2", "b1", "b2", "c1", "c2"], ["a3", "b3", "b1-copy"])


def _rounds(tmp_path: Path, name: str, parse_cache: int, parsed: list[set[str]]) -> list[dict[str, str]]:
    """The stored briefs (JSON text by story) after each round of one updater; ``parsed``
    gets the articles each round parsed."""
    nlp = shared_nlp()
    docs = nlp.docs
    seen: set[str] = set()

    def spy(articles, *a, **k):  # type: ignore[no-untyped-def]
        seen.update(x.id for x in articles if nlp._cached(x) is None)
        return docs(articles, *a, **k)

    store = open_store(str(tmp_path / f"{name}.db"))
    try:
        updater = _updater(store, parse_cache=parse_cache)
        out = []
        for k, ids in enumerate(ROUNDS):
            seen.clear()
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(nlp, "docs", spy)
                updater.add(_read(_write(tmp_path, ids, f"{name}{k}.jsonl")))
            parsed.append(set(seen))
            out.append({b.story: json.dumps(b.body, sort_keys=True) for b in store.iter_briefs()})
        return out
    finally:
        store.close()


def test_a_story_briefed_again_parses_only_its_new_articles_and_its_brief_is_the_same(tmp_path: Path) -> None:
    fresh_parsed: list[set[str]] = []
    kept_parsed: list[set[str]] = []
    fresh = _rounds(tmp_path, "fresh", 0, fresh_parsed)
    kept = _rounds(tmp_path, "kept", 1_000_000, kept_parsed)
    assert kept == fresh  # byte for byte, round after round
    assert len(kept[1]) == 3
    # Without the cache the second round parses its stories whole; with it, the new articles only.
    assert fresh_parsed[1] == {"a1", "a2", "a3", "b1", "b2", "b3", "b1-copy"}
    assert kept_parsed[1] == set(ROUNDS[1])


def test_the_cache_keeps_its_budget_and_an_article_changed_in_any_way_is_new() -> None:
    a = Article(id="x", text="The council met on Monday.", outlet="Kestrel Courier")
    entry = Parsed("x", random.Random(0).randbytes(1000), [])  # as good as incompressible
    cache = ParseCache(budget=2500)
    cache.put(cache.key(a), entry)
    assert cache.get(cache.key(a)) == entry
    assert cache.get(cache.key(Article(id="x", text="The council met on Monday.", outlet="Kestrel Courier"))) == entry
    assert cache.get(cache.key(Article(id="x", text="The council met on Monday.", outlet="Other"))) is None
    for k in range(5):
        cache.put(cache.key(Article(id=f"y{k}", text="t")), entry)
    assert cache.size <= 2500 and len(cache) == 2
    assert cache.get(cache.key(a)) is None  # the least recently used went first
    ParseCache(budget=10).put(cache.key(a), entry)  # larger than the budget: not kept, no error
