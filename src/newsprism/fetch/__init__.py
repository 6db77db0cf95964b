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

from newsprism.errors import FetchError
from newsprism.fetch.client import Fetcher, FetchSettings, Response

__all__ = ["FetchError", "FetchSettings", "Fetcher", "Response"]
