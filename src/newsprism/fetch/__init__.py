"""Fetching feeds and pages for ``newsprism watch``: a polite, robust HTTP client.

``Fetcher(FetchSettings(...)).get(url, source=...)`` returns a ``Response``
whose ``outcome`` says how the request went (``ok``, ``not-modified``,
``robots``, ``http-error``, ``too-large``, ``timeout``, ``redirects``,
``error``) and whose ``records`` are the fetch log entries for the store
(robots.txt reads and redirect hops included). It never raises for what a
server does, nor for a malformed URL (a feed's links are the server's text);
``response.raise_for_outcome()`` raises ``FetchError`` (a ``NewsprismError``)
for a caller who wants a failed fetch to stop it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsprism.errors import FetchError
from newsprism.fetch.settings import FetchSettings

if TYPE_CHECKING:
    from newsprism.fetch.client import Fetcher, Response

__all__ = ["FetchError", "FetchSettings", "Fetcher", "Response"]


def __getattr__(name: str) -> Any:
    # The client imports httpx (half a second): only a fetch pays for it, not the
    # command line that reads FetchSettings' defaults.
    if name in ("Fetcher", "Response"):
        from newsprism.fetch import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
