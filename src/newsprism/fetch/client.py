"""A polite, robust HTTP client for feeds and pages (httpx underneath).

Polite: robots.txt is read once per host (RFC 9309: a 4xx means all is
allowed, a 5xx or no answer that nothing is) and obeyed, with its
Crawl-delay; one host is asked at most once per ``FetchSettings.per_host``
seconds; requests name newsprism in their User-Agent; a feed or page is
asked for again only if it changed (ETag, Last-Modified).

Robust: every request has connect and read timeouts and a deadline for the
whole body (a server that drips one byte a second is cut off); the body is
read as a stream and decompressed here, with the cap counted on the
decompressed bytes (a 2 GB body or a gzip bomb stops at the cap, having cost
no more than the cap); redirects are followed one hop at a time, each hop
checked against robots.txt, up to a limit and never in a loop; connection
errors, timeouts, 429 and 5xx answers are tried again with exponential
backoff (a Retry-After is honoured, up to a bound). Nothing raises for a bad
source: each request ends in a ``Response`` whose ``outcome`` says how it
went, and a ``FetchRecord`` for the store's fetch log.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import httpx

from newsprism.errors import FetchError
from newsprism.fetch.settings import FetchSettings
from newsprism.store.records import FetchRecord
from newsprism.store.sql import now

if TYPE_CHECKING:
    from protego import Protego

REDIRECTS = {301, 302, 303, 307, 308}
RETRIED = {429, 500, 502, 503, 504}
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: a crawler must read at least 500 KiB


@dataclass(slots=True)
class Response:
    """What one fetch gave: ``body`` only when ``outcome`` is ``ok``."""

    url: str  # after redirects
    outcome: str  # ok, not-modified, robots, http-error, too-large, timeout, redirects, error
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    message: str = ""
    records: list[FetchRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def error(self) -> FetchError | None:
        """How the fetch failed, as an exception not raised; None if it went well (``ok``,
        or ``not-modified``: nothing new)."""
        if self.outcome in ("ok", "not-modified"):
            return None
        return FetchError(self.url, self.outcome, self.message or self.outcome, self.status)

    def raise_for_outcome(self) -> Response:
        """This response if the fetch went well, else raise its ``error`` (as httpx's
        ``raise_for_status``)."""
        error = self.error
        if error is not None:
            raise error
        return self


class _TooLarge(Exception):
    pass


class _Deadline(Exception):
    pass


@dataclass(slots=True)
class _Robots:
    rules: Protego | None  # None: all allowed
    deny_all: bool
    read_at: float
    why: str = ""  # of deny_all: how robots.txt could not be read

    def allows(self, url: str, agent: str) -> bool:
        return not self.deny_all and (self.rules is None or bool(self.rules.can_fetch(url, agent)))


class Fetcher:
    """GET with manners; see the module docstring. Use as a context manager."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._clock = clock
        self._sleep = sleep
        s = self.settings
        self._client = httpx.Client(
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            follow_redirects=False,  # one hop at a time, see _get
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            transport=transport,
            trust_env=False,
        )
        self._next_at: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------ public

    def get(self, url: str, *, source: str, etag: str | None = None, last_modified: str | None = None, accept: str = "*/*") -> Response:
        """Fetch ``url`` for the watched ``source``; never raises for what the server does."""
        records: list[FetchRecord] = []
        conditional = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        seen: set[str] = set()
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            invalid = _invalid(current)
            if invalid:
                return self._done(records, source, Response(current, "error", message=invalid))
            if current in seen:
                return self._done(records, source, Response(current, "redirects", message=f"redirect loop at {current}"))
            seen.add(current)
            robots = self._robots_of(current, source, records)
            if robots is not None and not robots.allows(current, self.settings.robots_agent):
                message = f"robots.txt unreachable ({robots.why}), so nothing is fetched from this host (RFC 9309)" if robots.deny_all else "disallowed by robots.txt"
                return self._done(records, source, Response(current, "robots", message=message))
            got = self._get(current, {"Accept": accept, **conditional}, self.settings.max_bytes)
            location = got.location
            if got.response.status in REDIRECTS and location:
                records.append(self._record(source, got.response, got.started, "redirect", f"to {location}"))
                current = urljoin(current, location)
                continue
            return self._done(records, source, got.response, got.started)
        return self._done(records, source, Response(current, "redirects", message=f"more than {self.settings.max_redirects} redirects"))

    # ------------------------------------------------------------ internals

    def _done(self, records: list[FetchRecord], source: str, r: Response, started: float | None = None) -> Response:
        records.append(self._record(source, r, started, r.outcome, r.message))
        r.records = records
        return r

    def _record(self, source: str, r: Response, started: float | None, outcome: str, message: str) -> FetchRecord:
        elapsed = 0.0 if started is None else round(self._clock() - started, 3)
        return FetchRecord(now(), source, r.url, outcome, r.status, len(r.body), elapsed, message)

    def _get(self, url: str, headers: dict[str, str], cap: int) -> _Got:
        """One request, tried again on a transient failure."""
        s = self.settings
        wait = s.backoff
        for attempt in range(s.retries + 1):
            self._wait_turn(url)
            started = self._clock()
            got = self._once(url, headers, cap, started)
            retry = got.response.status in RETRIED or (got.response.outcome in ("timeout", "error") and got.transient)
            if not retry or attempt == s.retries:
                return got
            self._sleep(min(max(wait, got.retry_after or 0.0), s.max_retry_after))
            wait *= 2
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict[str, str], cap: int, started: float) -> _Got:
        s = self.settings
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                base = Response(
                    str(r.url), "ok", r.status_code, content_type=r.headers.get("content-type"),
                    etag=r.headers.get("etag"), last_modified=r.headers.get("last-modified"),
                )
                retry_after = _retry_after(r.headers.get("retry-after"))
                if r.status_code == 304:
                    return _Got(replace(base, outcome="not-modified"), started)
                if r.status_code in REDIRECTS:
                    return _Got(base, started, location=r.headers.get("location"))
                if r.status_code >= 400:
                    reason = r.reason_phrase or "error"
                    return _Got(replace(base, outcome="http-error", message=f"HTTP {r.status_code} {reason}"), started, retry_after=retry_after)
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > cap and not r.headers.get("content-encoding"):
                    return _Got(replace(base, outcome="too-large", message=f"{int(declared):,} bytes, over the {cap:,}-byte cap"), started)
                body = b"".join(self._body(r, cap, started + s.deadline))
                return _Got(replace(base, body=body), started)
        except _TooLarge:
            return _Got(Response(url, "too-large", message=f"over the {cap:,}-byte cap"), started)
        except _Deadline:
            return _Got(Response(url, "timeout", message=f"the response took over {s.deadline:g} s"), started)
        except httpx.TimeoutException as e:
            return _Got(Response(url, "timeout", message=f"timed out ({type(e).__name__})"), started, transient=True)
        except (httpx.HTTPError, httpx.InvalidURL, zlib.error, ValueError) as e:
            # Connection refused or reset, a malformed answer, a body that does not decompress.
            transient = isinstance(e, httpx.TransportError) and not isinstance(e, httpx.UnsupportedProtocol)
            return _Got(Response(url, "error", message=f"{type(e).__name__}: {e}"[:300]), started, transient=transient)

    def _body(self, r: httpx.Response, cap: int, deadline: float) -> Iterator[bytes]:
        """The decompressed body, stopped at ``cap`` bytes or at the deadline."""
        encoding = (r.headers.get("content-encoding") or "identity").strip().lower()
        if encoding not in ("identity", "gzip", "x-gzip", "deflate"):
            raise ValueError(f"unsupported content encoding {encoding!r}")
        # wbits 47: gzip or zlib, told apart by the header; raw deflate (wbits -15) if neither.
        inflate = None if encoding == "identity" else zlib.decompressobj(47)
        total = 0
        for raw in r.iter_raw():
            if self._clock() > deadline:
                raise _Deadline
            pieces = [raw] if inflate is None else _inflate(inflate, raw, cap - total + 1)
            for piece in pieces:
                total += len(piece)
                if total > cap:
                    raise _TooLarge
                yield piece
        if inflate is not None:
            tail = inflate.flush()
            if total + len(tail) > cap:
                raise _TooLarge
            yield tail

    def _wait_turn(self, url: str) -> None:
        """Sleep until this host may be asked again."""
        host = urlsplit(url).netloc.lower()
        t = self._clock()
        at = self._next_at.get(host, t)
        if at > t:
            self._sleep(at - t)
        self._next_at[host] = max(at, t) + self._delay.get(host, self.settings.per_host)

    def _robots_of(self, url: str, source: str, records: list[FetchRecord]) -> _Robots | None:
        """The host's robots.txt, read again once it is stale; None when robots are off."""
        if not self.settings.robots:
            return None
        parts = urlsplit(url)
        host = parts.netloc.lower()
        robots = self._robots.get(host)
        if robots is not None:
            ttl = self.settings.robots_retry if robots.deny_all else self.settings.robots_ttl
            if self._clock() - robots.read_at > ttl:
                robots = None
        if robots is None:
            robots = self._robots[host] = self._read_robots(f"{parts.scheme}://{parts.netloc}/robots.txt", host, source, records)
        return robots

    def _read_robots(self, url: str, host: str, source: str, records: list[FetchRecord]) -> _Robots:
        from protego import Protego

        got = self._get(url, {"Accept": "text/plain"}, ROBOTS_MAX_BYTES)
        r = got.response
        if r.outcome == "too-large":  # read what the cap allows, as RFC 9309 says
            r = replace(r, outcome="ok")
        records.append(self._record(source, r, got.started, f"robots:{r.outcome}", r.message))
        at = self._clock()
        status = r.status or 0
        if r.ok and status < 300:
            rules = Protego.parse(r.body.decode("utf-8", "replace"))
            delay = rules.crawl_delay(self.settings.robots_agent)
            if delay:
                self._delay[host] = min(max(float(delay), self.settings.per_host), self.settings.max_crawl_delay)
            return _Robots(rules, False, at)
        if 400 <= status < 500 or status in REDIRECTS:
            return _Robots(None, False, at)  # no robots.txt: everything is allowed
        why = f"HTTP {status}" if status else (r.message or r.outcome)
        return _Robots(None, True, at, why)  # unreachable: assume nothing is


@dataclass(slots=True)
class _Got:
    response: Response
    started: float
    location: str | None = None
    retry_after: float | None = None
    transient: bool = False


def _inflate(inflate: zlib._Decompress, data: bytes, room: int) -> Iterator[bytes]:
    """Decompress ``data`` without ever making more than ``room`` bytes at once."""
    chunk = inflate.decompress(data, max(room, 1))
    yield chunk
    while inflate.unconsumed_tail:
        room -= len(chunk)
        if room <= 0:
            raise _TooLarge
        chunk = inflate.decompress(inflate.unconsumed_tail, room)
        yield chunk


def _invalid(url: str) -> str | None:
    """Why ``url`` cannot be asked for (a feed's or a redirect's URL is the server's text), or None."""
    try:
        parts = urlsplit(url)
    except ValueError as e:  # "http://[::1/x": Invalid IPv6 URL
        return f"not a valid URL ({e}): {url}"
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL: {url}"
    if not parts.hostname:
        return f"no host in the URL: {url}"
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
