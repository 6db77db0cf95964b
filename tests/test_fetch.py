"""The HTTP client against a local server (tests/newsserver.py); no network."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from newsprism.fetch import Fetcher, FetchSettings

from newsserver import Site, serve

FAST = FetchSettings(
    connect_timeout=2, read_timeout=1.0, deadline=3.0, max_bytes=1_000_000, retries=2, backoff=0.01, per_host=0.0
)


@pytest.fixture
def site() -> Iterator[tuple[str, Site]]:
    with serve() as s:
        yield s


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as f:
        yield f


def test_a_page_and_its_log(site: tuple[str, Site], fetcher: Fetcher) -> None:
    base, _ = site
    r = fetcher.get(f"{base}/news/1.html", source="src")
    assert r.ok and r.status == 200 and b"update 1" in r.body
    assert [rec.outcome for rec in r.records] == ["robots:ok", "ok"]
    assert r.records[-1].bytes == len(r.body) and r.records[-1].source == "src"
    r2 = fetcher.get(f"{base}/news/2.html", source="src")
    assert [rec.outcome for rec in r2.records] == ["ok"]  # robots.txt is read once per host


def test_conditional_requests(site: tuple[str, Site], fetcher: Fetcher) -> None:
    base, s = site
    first = fetcher.get(f"{base}/feed.xml", source="feed")
    assert first.ok and first.etag and first.last_modified
    again = fetcher.get(f"{base}/feed.xml", source="feed", etag=first.etag, last_modified=first.last_modified)
    assert again.outcome == "not-modified" and again.body == b""
    s.articles += 1  # the feed changes: a new ETag, a whole answer
    changed = fetcher.get(f"{base}/feed.xml", source="feed", etag=first.etag)
    assert changed.ok and changed.etag != first.etag


def test_robots_txt_is_obeyed_on_every_hop(site: tuple[str, Site], fetcher: Fetcher) -> None:
    base, s = site
    assert fetcher.get(f"{base}/private/secret.html", source="x").outcome == "robots"
    r = fetcher.get(f"{base}/to-private", source="x")
    assert r.outcome == "robots"
    assert s.hits["/private/secret.html"] == 0


def test_robots_crawl_delay_spaces_requests_to_a_host() -> None:
    slept: list[float] = []
    clock = [0.0]
    with (
        serve(Site(robots="User-agent: *\nCrawl-delay: 5\n")) as (base, _),
        Fetcher(FAST, clock=lambda: clock[0], sleep=lambda s: (slept.append(s), clock.__setitem__(0, clock[0] + s))) as f,
    ):
        f.get(f"{base}/news/1.html", source="x")
        f.get(f"{base}/news/2.html", source="x")
    assert slept and slept[-1] == pytest.approx(5.0)


def test_per_host_rate_limit() -> None:
    with serve() as (base, _), Fetcher(FetchSettings(per_host=0.3, backoff=0.01)) as f:
        t = time.monotonic()
        for n in (1, 2, 3):
            assert f.get(f"{base}/news/{n}.html", source="x").ok
        assert time.monotonic() - t >= 0.3 * 3 - 0.05  # robots.txt, then three pages


def test_http_errors_retries_and_backoff(site: tuple[str, Site], fetcher: Fetcher) -> None:
    base, s = site
    r404 = fetcher.get(f"{base}/missing", source="x")
    assert (r404.outcome, r404.status) == ("http-error", 404) and s.hits["/missing"] == 1  # not tried again
    r500 = fetcher.get(f"{base}/broken", source="x")
    assert (r500.outcome, r500.status) == ("http-error", 500) and s.hits["/broken"] == 3  # 1 + 2 retries
    flaky = fetcher.get(f"{base}/flaky", source="x")
    assert flaky.ok and s.hits["/flaky"] == 3


def test_size_cap_on_declared_and_undeclared_and_compressed_bodies(site: tuple[str, Site], fetcher: Fetcher) -> None:
    base, _ = site
    for path in ("/huge", "/huge-undeclared", "/gzip-bomb"):
        t = time.monotonic()
        r = fetcher.get(f"{base}{path}", source="x")
        assert r.outcome == "too-large", path
        assert r.body == b"" and time.monotonic() - t < 5, path


def test_a_dripping_body_and_a_silent_server_time_out(site: tuple[str, Site], fetcher: Fetcher) -> None:
    base, s = site
    t = time.monotonic()
    slow = fetcher.get(f"{base}/slow", source="x")
    assert slow.outcome == "timeout" and "3 s" in slow.message and s.hits["/slow"] == 1
    hang = fetcher.get(f"{base}/hang", source="x")
    assert hang.outcome == "timeout"
    assert time.monotonic() - t < 15


def test_redirects_within_limits(site: tuple[str, Site], fetcher: Fetcher) -> None:
    base, _ = site
    ok = fetcher.get(f"{base}/hop-3", source="x")
    assert ok.ok and ok.url.endswith("/hop-0") and [r.outcome for r in ok.records][-4:] == ["redirect"] * 3 + ["ok"]
    assert fetcher.get(f"{base}/hop-9", source="x").outcome == "redirects"
    loop = fetcher.get(f"{base}/loop-a", source="x")
    assert loop.outcome == "redirects" and "loop" in loop.message


def test_unreachable_and_non_http(fetcher: Fetcher) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    r = fetcher.get(f"http://127.0.0.1:{port}/feed.xml", source="x")
    assert r.outcome == "robots"  # robots.txt unreachable: RFC 9309 says assume disallowed
    assert r.message.startswith("robots.txt unreachable (") and "disallowed by robots.txt" not in r.message  # says why
    assert fetcher.get("file:///etc/passwd", source="x").outcome == "error"


def test_an_unreachable_robots_txt_is_asked_again_soon_not_trusted_for_an_hour() -> None:
    t = [0.0]
    with serve(Site(robots="", robots_status=503)) as (base, s), Fetcher(FAST, clock=lambda: t[0], sleep=lambda _: None) as f:
        down = f.get(f"{base}/news/1.html", source="x")
        assert down.outcome == "robots" and "HTTP 503" in down.message
        s.robots_status, asked = 200, s.hits["/robots.txt"]  # the site is back
        t[0] += FAST.robots_retry / 2
        assert f.get(f"{base}/news/1.html", source="x").outcome == "robots"  # not asked again yet
        assert s.hits["/robots.txt"] == asked
        t[0] += FAST.robots_retry
        assert f.get(f"{base}/news/1.html", source="x").ok  # asked again, well before robots_ttl
        assert s.hits["/robots.txt"] == asked + 1 and FAST.robots_retry < FAST.robots_ttl / 10


@pytest.mark.parametrize("status, allowed", [(404, True), (403, True), (200, True), (503, False)])
def test_robots_4xx_allows_and_5xx_denies(status: int, allowed: bool) -> None:
    with serve(Site(robots="", robots_status=status)) as (base, s), Fetcher(FAST) as f:
        r = f.get(f"{base}/news/1.html", source="x")
        assert r.ok is allowed and s.hits["/news/1.html"] == int(allowed)


def test_raise_for_outcome_gives_one_typed_error_for_every_failure(site: tuple[str, Site], fetcher: Fetcher) -> None:
    """For a library caller, as httpx's raise_for_status: a failed fetch raises FetchError,
    in newsprism's one exception tree, saying in one line what failed; a good one is returned."""
    from newsprism.errors import FetchError, NewsprismError

    base, _ = site
    ok = fetcher.get(f"{base}/news/1.html", source="x")
    assert ok.raise_for_outcome() is ok and ok.error is None
    again = fetcher.get(f"{base}/feed.xml", source="x", etag=fetcher.get(f"{base}/feed.xml", source="x").etag)
    assert again.outcome == "not-modified" and again.raise_for_outcome() is again
    for path, outcome, status in (("/missing", "http-error", 404), ("/loop-a", "redirects", None), ("/private/x.html", "robots", None)):
        with pytest.raises(FetchError) as e:
            fetcher.get(f"{base}{path}", source="x").raise_for_outcome()
        assert isinstance(e.value, NewsprismError) and e.value.exit_code == 1
        assert (e.value.outcome, e.value.status) == (outcome, status)
        assert str(e.value).startswith(f"{base}{path}: could not fetch: ") and "\n" not in str(e.value)


def test_a_malformed_url_is_an_error_outcome_never_an_exception(site: tuple[str, Site], fetcher: Fetcher) -> None:
    """A feed's links and a server's redirects are the server's text: one that no URL parser
    accepts is a failed fetch, recorded, not an exception that stops the watch."""
    base, _ = site
    for url in ("http://[::1/feed.xml", f"{base}/to-malformed", "http:///no-host"):
        r = fetcher.get(url, source="x")
        assert r.outcome == "error" and r.records[-1].outcome == "error", (url, r)
    assert "not a valid URL" in fetcher.get("http://[::1/feed.xml", source="x").message
