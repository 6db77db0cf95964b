"""``FetchSettings``: how the fetcher behaves, one typed object.

Kept apart from the client so that the command line can read its defaults
without importing httpx.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsprism import __version__


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How the client behaves; one object, passed to ``Fetcher``."""

    user_agent: str = f"newsprism/{__version__} (news monitoring; honours robots.txt)"
    robots_agent: str = "newsprism"  # the name robots.txt rules are matched against
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # between two reads
    deadline: float = 60.0  # for a whole response, body included
    max_bytes: int = 10_000_000  # of the decompressed body
    max_redirects: int = 5
    retries: int = 2  # tries after the first
    backoff: float = 2.0  # seconds before the first retry, doubled after each
    max_retry_after: float = 120.0
    per_host: float = 1.0  # seconds between two requests to one host
    max_crawl_delay: float = 60.0  # a robots.txt Crawl-delay is honoured up to this
    robots: bool = True
    robots_ttl: float = 3600.0  # seconds a host's robots.txt is trusted before it is read again
    # An unreachable robots.txt (no answer, a 5xx) bars the host only until it is asked again
    # this many seconds later: a site down for one round is not shut out for an hour.
    robots_retry: float = 60.0
    # Article pages fetched per feed and round, the newest entries first; the rest wait for the next round.
    max_pages: int = 50
