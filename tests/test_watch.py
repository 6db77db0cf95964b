"""newsprism watch against a local news site (tests/newsserver.py): feeds, pages, folders, bad sources."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsprism.errors import InputError
from newsprism.fetch import Fetcher, FetchSettings
from newsprism.model import Problem
from newsprism.pipeline import Settings
from newsprism.store import Store, open_store
from newsprism.updater import Updater
from newsprism.watch import Watcher, parse_every

from fixtures.brief.stories import shared_nlp
from newsserver import Site, serve, story_text

FAST = FetchSettings(connect_timeout=2, read_timeout=1.0, deadline=2.0, max_bytes=2_000_000, retries=1, backoff=0.01, per_host=0.0)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(str(tmp_path / "news.db"))
    yield s
    s.close()


def _watcher(sources: list[str], store: Store, problems: list[Problem] | None = None) -> Watcher:
    updater = Updater(store, Settings(framing=False), nlp=shared_nlp())
    return Watcher(sources, store, updater, Fetcher(FAST), on_problem=None if problems is None else problems.append)


def test_a_feed_its_pages_and_only_what_is_new(store: Store) -> None:
    with serve() as (base, site):
        w = _watcher([f"{base}/feed.xml"], store)
        first = w.poll_once()
        assert first.summary.added == 6 and not first.failed
        a = store.article(f"127.0.0.1:{base.rsplit(':', 1)[1]}/news/3.html")
        assert a is not None and a.url == f"{base}/news/3.html"
        assert "Officials counted 37 people" in a.text  # the page's text, not the feed's summary
        assert a.outlet == "Valley Wire" and a.published and a.published.startswith("2024-05-13")
        assert {s.id: s.kind for s in store.sources()} == {f"{base}/feed.xml": "feed"}
        assert store.source(f"{base}/feed.xml").etag  # type: ignore[union-attr]

        second = w.poll_once()
        assert second.summary.added == 0
        assert [f.outcome for f in store.fetches(f"{base}/feed.xml", limit=1)] == ["not-modified"]

        site.articles = 8
        third = w.poll_once()
        assert third.summary.added == 2
        assert all(site.hits[f"/news/{n}.html"] == 1 for n in range(1, 9))  # no page fetched twice
        assert store.count_articles() == 8
        w.fetcher.close()


def test_a_feed_of_titles_only_has_every_page_fetched(store: Store) -> None:
    # More entries without text than the reader shows warnings of one kind (ten): each is a page
    # to fetch, none may be folded into a count (all but the ten newest were lost).
    with serve(Site(articles=18, summaries=False)) as (base, site):
        w = _watcher([f"{base}/feed.xml"], store)
        assert w.poll_once().summary.added == 18
        assert all(site.hits[f"/news/{n}.html"] == 1 for n in range(1, 19))
        w.fetcher.close()


def test_a_feed_has_at_most_max_pages_pages_fetched_a_round(store: Store) -> None:
    """``FetchSettings.max_pages`` (``--max-pages``): the newest entries' pages are fetched,
    the others are added from the feed's own text, without a request."""
    from dataclasses import replace

    with serve() as (base, site):
        updater = Updater(store, Settings(framing=False), nlp=shared_nlp())
        w = Watcher([f"{base}/feed.xml"], store, updater, Fetcher(replace(FAST, max_pages=2)))
        assert w.poll_once().summary.added == 6
        w.fetcher.close()
    fetched = sorted(p for p, n in site.hits.items() if p.startswith("/news/") and n)
    assert len(fetched) == 2, site.hits


def test_the_watch_options_default_to_the_fetch_settings() -> None:
    """One place for the fetch defaults: the command's options read them from ``FetchSettings``."""
    import typer

    from newsprism.cli import app

    defaults = {p.name: p.default for p in typer.main.get_command(app).commands["watch"].params}  # type: ignore[attr-defined]
    f = FetchSettings()
    assert (defaults["timeout"], defaults["max_mb"] * 1_000_000, defaults["delay"], defaults["max_pages"]) == (
        f.deadline, f.max_bytes, f.per_host, f.max_pages,
    )


def test_pages_robots_refuses_fall_back_to_the_entry(store: Store) -> None:
    with serve(Site(robots="User-agent: *\nDisallow: /news/\n", articles=2)) as (base, site):
        w = _watcher([f"{base}/feed.xml"], store)
        w.poll_once()
        stored = store.articles()
        assert len(stored) == 2 and site.hits["/news/1.html"] == 0
        assert stored[0].text.startswith("Summary of") and stored[0].extra["page"].startswith("robots")
        w.fetcher.close()


@pytest.mark.parametrize("robots", ["User-agent: *\nDisallow: /private\n", "User-agent: *\nDisallow: /news/\n"])
def test_a_feed_entry_without_a_body_has_its_page_fetched_and_is_no_fallback(store: Store, robots: str) -> None:
    """An entry of "Home" and "Summary of Home." is too little to be an article (the feed reader's no-body):
    its page is fetched as a title-only entry's is, and where the page cannot be had nothing is stored
    (before: the entry's 16 letters were stored as an article)."""
    with serve(Site(robots=robots, articles=2, text=lambda n: ("Home", story_text(n)[1]))) as (base, site):
        problems: list[Problem] = []
        w = _watcher([f"{base}/feed.xml"], store, problems)
        w.poll_once()
        w.fetcher.close()
    stored = store.articles()
    if "/news/" in robots:
        assert stored == [] and site.hits["/news/1.html"] == 0 and len(problems) == 2
    else:
        assert len(stored) == 2 and all("Officials counted" in a.text for a in stored) and site.hits["/news/1.html"] == 1


def test_an_article_url_is_fetched_again_only_when_it_changed(store: Store) -> None:
    with serve() as (base, _site):
        w = _watcher([f"{base}/news/2.html"], store)
        assert w.poll_once().summary.added == 1
        assert w.poll_once().summary.added == 0
        assert store.sources()[0].kind == "page"
        w.fetcher.close()


def test_a_folder_new_and_changed_files(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for n in (1, 2):
        title, body = story_text(n)
        (folder / f"a{n}.txt").write_text(f"{title}\n\n{body}\n")
    w = _watcher([str(folder)], store)
    assert w.poll_once().summary.added == 2
    assert w.poll_once().summary.added == 0
    title, body = story_text(3)
    (folder / "a3.txt").write_text(f"{title}\n\n{body}\n")
    time.sleep(0.01)
    (folder / "a1.txt").write_text(f"{story_text(1)[0]}\n\n{story_text(1)[1]}\n\nA correction was added.\n")
    third = w.poll_once()
    assert third.summary.added == 2  # the new file, and the new version of a1
    assert store.article("a1~2") is not None


def test_bad_sources_warn_are_recorded_and_the_watch_goes_on(store: Store) -> None:
    bad = ["/missing", "/broken", "/hang", "/huge", "/huge-undeclared", "/gzip-bomb", "/entity-bomb.xml", "/loop-a", "/malformed.xml", "/not-a-page"]
    problems: list[Problem] = []
    with serve() as (base, _):
        w = _watcher([f"{base}{p}" for p in bad] + [f"{base}/feed.xml"], store, problems)
        t = time.monotonic()
        r = w.poll_once()
        assert time.monotonic() - t < 60
        assert r.summary.added == 6  # the good feed's pages
        w.fetcher.close()
    by_source = {p.path.removeprefix(base): p.reason for p in problems}
    assert by_source["/missing"] == by_source["/broken"] == "fetch-http-error"
    assert by_source["/hang"] == "fetch-timeout"
    assert by_source["/huge"] == by_source["/huge-undeclared"] == by_source["/gzip-bomb"] == "fetch-too-large"
    assert by_source["/entity-bomb.xml"] == "bad-feed"
    assert by_source["/loop-a"] == "fetch-redirects"
    assert by_source["/not-a-page"] == "binary"  # the HTML reader refuses it, as it would a file
    assert "/malformed.xml" in by_source or "/malformed.xml:1" in by_source
    outcomes = {s.id.removeprefix(base): s.last_outcome for s in store.sources()}
    assert outcomes["/broken"] == "http-error" and outcomes["/gzip-bomb"] == "too-large" and outcomes["/feed.xml"] == "ok"
    logged = {f.url.removeprefix(base) for f in store.fetches(limit=1000)}
    assert {"/broken", "/hang", "/gzip-bomb", "/loop-b"} <= logged
    assert len(store.skipped()) == len(problems)


def test_run_rounds_and_every() -> None:
    assert parse_every("10m") == 600 and parse_every("30s") == 30 and parse_every("1.5h") == 5400 and parse_every("90") == 90
    for bad in ("soon", "0", "-5m", "10x"):
        with pytest.raises(InputError):
            parse_every(bad)


def test_each_round_hands_freed_memory_back(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A round's briefs free what they took, but glibc keeps the pages: without a trim
    after each round a long watch sits at the high-water mark of its largest round."""
    import newsprism.watch as watch

    released: list[int] = []
    monkeypatch.setattr(watch, "release_memory", lambda: released.append(len(slept)))
    slept: list[float] = []
    (tmp_path / "inbox").mkdir()
    assert _watcher([str(tmp_path / "inbox")], store).run(30, rounds=3, sleep=slept.append) == 3
    assert released == [0, 1, 2] and len(slept) == 2 and all(0 < s <= 30 for s in slept)


def test_the_watch_command_feeds_either_database(store_target: str) -> None:
    """`newsprism watch --once` through the command line, into SQLite and PostgreSQL (a
    team's database): the feed's pages are added, grouped and briefed, the source
    and its fetches are kept, and a second round adds nothing."""
    from typer.testing import CliRunner

    from newsprism.cli import app

    with serve() as (base, _site):
        feed = f"{base}/feed.xml"
        args = ["watch", feed, "--db", store_target, "--once", "--delay", "0", "--no-framing"]
        first = CliRunner().invoke(app, args)
        assert first.exit_code == 0, (first.output, first.exception)
        assert "0 source problem(s); added 6 articles" in first.stderr, first.stderr
        second = CliRunner().invoke(app, args)
        assert second.exit_code == 0, (second.output, second.exception)
        assert "added 0 articles" in second.stderr, second.stderr
    s = open_store(store_target)
    try:
        assert s.count_articles() == 6 and s.stale_stories() == []
        stories = s.stories()
        assert stories and sum(len(x.articles) for x in stories) == 6
        assert {b.story for b in s.iter_briefs()} == {x.id for x in stories}
        assert [x.id for x in s.sources()] == [feed]
        assert [f.outcome for f in s.fetches(feed, limit=1)] == ["not-modified"]
    finally:
        s.close()


class _OddLinks(Site):
    """A feed of titles only whose entries link to a malformed URL, a page that is no web page,
    and a good article."""

    def feed(self, base: str) -> str:
        from newsserver import feed_xml

        links = [("http://[::1/broken", "Broken link"), (f"{base}/not-a-page", "Not a page"), (f"{base}/news/1.html", story_text(1)[0])]
        return feed_xml(links, summaries=False)


def test_a_feed_entry_with_a_malformed_link_is_skipped_and_the_round_goes_on(store: Store) -> None:
    problems: list[Problem] = []
    with serve(_OddLinks()) as (base, _):
        w = _watcher([f"{base}/feed.xml"], store, problems)
        r = w.poll_once()  # raised ValueError (Invalid IPv6 URL): the watch stopped, every round
        w.fetcher.close()
    assert r.summary.added == 1 and store.article(f"127.0.0.1:{base.rsplit(':', 1)[1]}/news/1.html") is not None
    reasons = {p.path.removeprefix(base): p.reason for p in problems}
    assert reasons == {"http://[::1/broken": "fetch-error", "/not-a-page": "binary"}  # not "fetch-ok"
    assert [p.reason for p in r.failed] == ["fetch-error"]

