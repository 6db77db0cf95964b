"""The memory of a long watch, as a test: many rounds of the watch (`Watcher.poll_once`
and the trim after it, as `newsprism watch` runs them) on a local news site that
publishes new stories every round, with a small hot window so that stories
spill from the first rounds on. What the rounds leave behind must stop
growing: the Python memory alive between two rounds (tracemalloc, which numpy's
and spaCy's allocations report to as well) may rise by no more than ``BOUND``
bytes an article. That is not flat: at 2bab503 (closed stories in flat
arrays) the rounds keep about 400 bytes an article (660 before it), some of it
by design (the clusterer keeps every article's id and story, so that story ids
stay stable and a late copy finds its story), the rest not yet told apart.
``BOUND`` is that level with a margin: a guard against a new leak of a few
hundred bytes an article or more, not a proof that nothing grows.

The memo caches bounded by a size (``functools.lru_cache``s of 64 entries or
more, ours and the libraries', and ``re``'s) are emptied before each reading:
each stops at its size, but they fill for hundreds of articles (trafilatura
keeps the latest 1,024 lines it cleaned), which a short test would read as
growth. The same rounds with a deliberate leak of 1 KB an article must fail
the bound, so the measure sees a leak of the size that matters (a day of watch
at 50 articles a minute is 72,000 articles: 1 KB an article is 70 MB a day).
"""

from __future__ import annotations

import functools
import gc
import random
import re
import statistics
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from newsprism.fetch import Fetcher, FetchSettings
from newsprism.model import Article
from newsprism.pipeline import Settings
from newsprism.store import Store, open_store
from newsprism.updater import HotWindow, Updater
from newsprism.watch import Watcher, release_memory

from fixtures.brief.stories import shared_nlp
from newsserver import Site, serve

pytestmark = pytest.mark.slow

PER = 8  # articles published a round
PER_STORY = 4  # articles telling one story
WARM = 8  # rounds before the measure: models loaded, the window full, every word of the stock used
ROUNDS = 40  # rounds measured
HOT = HotWindow(days=0, articles=24)  # stories with no article in the latest 24 and the newest day spill
BOUND = 600  # bytes an article the memory between rounds may still grow by (about 400 measured)
LEAK = 1000  # bytes an article the deliberate leak keeps

_SYL = ["ka", "lo", "mer", "ti", "van", "su", "bro", "de", "nal", "os", "pri", "gu"]
WORDS = [a + b + c for a in _SYL for b in _SYL[:5] for c in ("n", "st")]  # 120 invented words
STORY_WORDS = 12
FIRST = ["Alma", "Boris", "Celia", "Dario", "Edith", "Fabian", "Greta", "Hugo", "Ines", "Jonas"]
LAST = ["Varn", "Oskel", "Pradd", "Lunde", "Moray", "Tessin", "Quill", "Rendel", "Sorby", "Ulm"]
PLACES = ["Harlow", "Millbrook", "Ashford", "Eastbrook", "Kessing", "Orwin", "Dunmere", "Galloway"]
TOPICS = ["council", "harbour", "railway", "hospital", "school", "bridge", "market", "election"]


def text(n: int) -> tuple[str, str]:
    """Article ``n``: one of ``PER_STORY`` tellings of story ``n // PER_STORY``, each story
    told with its own words, place and speaker, each telling in its own order.

    Every term comes from a small fixed stock that the rounds before the measure
    have all used (a story takes the next twelve words; the stock is gone
    through every ten stories, from a shifted start each time), with no
    number: the clusterer's vocabulary holds a term for about 70,000 articles
    after its last use (``idf_window_docs``, ``FeatureConfig.faded_count``), so new words would
    fill it far past this test's length. The hour bench (bench_watch.py)
    reads real articles."""
    s = n // PER_STORY
    start = (STORY_WORDS * s + 5 * (s // (len(WORDS) // STORY_WORDS))) % len(WORDS)
    words = [WORDS[(start + i) % len(WORDS)] for i in range(STORY_WORDS)]
    story = random.Random(s)
    place, speaker, topic = story.choice(PLACES), f"{story.choice(FIRST)} {story.choice(LAST)}", story.choice(TOPICS)
    rng = random.Random(n)
    sentences = ["The " + " ".join(rng.sample(words, 9)) + "." for _ in range(6)]
    quote = "The " + " ".join(rng.sample(words, 7))
    body = (f"{place.upper()} - " + " ".join(sentences[:3]) + f"\n\n\"{quote},\" said {speaker} on {rng.choice(['Monday', 'Tuesday'])}."
            + "\n\n" + " ".join(sentences[3:]))
    return f"{place}: {speaker} on the {topic}", body


def published(n: int) -> str:
    """A new day each round, so the window's days move as a watch's do."""
    return f"{date(2024, 1, 1) + timedelta(days=(n - 1) // PER)}T08:00:00+00:00"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(str(tmp_path / "news.db"))
    yield s
    s.close()


def empty_bounded_caches() -> None:
    """Empty every memo cache bounded by a size (see the module docstring); the smaller
    ``lru_cache``s hold loaded tables and models, which stay."""
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper) and (obj.cache_info().maxsize or 0) >= 64:
            obj.cache_clear()
    re.purge()
    gc.collect()


def between_rounds(store: Store, around: Callable[[list[Article]], None] = lambda articles: None) -> list[int]:
    """The traced bytes alive after each measured round; ``around`` sees each round's articles."""
    site = Site(articles=0, feed_limit=2 * PER, text=text, published=published)
    updater = Updater(store, Settings(framing=False), nlp=shared_nlp(), hot=HOT)
    add = updater.add

    def watched_add(items, **kw):  # type: ignore[no-untyped-def]
        around([a for a in items if isinstance(a, Article)])
        return add(items, **kw)

    updater.add = watched_add  # type: ignore[method-assign]
    fetch = FetchSettings(connect_timeout=2, read_timeout=2.0, deadline=5.0, retries=0, per_host=0.0)
    traced: list[int] = []
    with serve(site) as (base, _):
        watcher = Watcher([f"{base}/feed.xml"], store, updater, Fetcher(fetch))
        try:
            for k in range(WARM + ROUNDS):
                if k == WARM:
                    empty_bounded_caches()
                    tracemalloc.start()
                site.articles += PER
                done = watcher.poll_once()
                assert done.summary.added == PER and not done.failed, done.line()
                release_memory()
                with site.lock:
                    site.hits.clear()  # the test server's own count of every page it served
                if tracemalloc.is_tracing():
                    empty_bounded_caches()
                    traced.append(tracemalloc.get_traced_memory()[0])
        finally:
            tracemalloc.stop()
    return traced


def growth(traced: list[int]) -> float:
    """Bytes an article between the median of the second quarter of the measured
    rounds and that of the last: the first quarter still holds what tracing began
    mid-way through (a cache's first entries), medians ride over one round's spike."""
    q = len(traced) // 4
    rounds_apart = 2 * q  # from the middle of the second quarter to the middle of the last
    return (statistics.median(traced[-q:]) - statistics.median(traced[q : 2 * q])) / (rounds_apart * PER)


def test_the_memory_between_rounds_stops_growing(store: Store) -> None:
    traced = between_rounds(store)
    assert store.count_articles() == PER * (WARM + ROUNDS)
    assert growth(traced) < BOUND, (growth(traced), [round(t / 1e3) for t in traced])


def test_a_leak_of_a_kilobyte_an_article_fails_the_bound(store: Store) -> None:
    """The test above can fail: the same rounds keeping ``LEAK`` bytes for each article."""
    kept: list[bytes] = []
    traced = between_rounds(store, lambda articles: kept.extend(bytes(LEAK) for _ in articles))
    assert growth(traced) >= BOUND, (growth(traced), [round(t / 1e3) for t in traced])
