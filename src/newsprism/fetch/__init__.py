"""Fetching feeds and pages for ``newsprism watch``: a polite, robust HTTP client.

``Fetcher(FetchSettings(...)).get(url, source=...)`` returns a ``Response``
whose ``outcome`` says how the request went (``ok``, ``not-modified``,
``robots``, ``http-error``, ``too-large``, ``timeout``, ``redirects``,
``error``) and whose ``records`` are the fetch log entries for the store
(robots.txt reads and redirect hops included). It never raises for what a
server does.
"""

from newsprism.fetch.client import Fetcher, FetchSettings, Response

__all__ = ["FetchSettings", "Fetcher", "Response"]
