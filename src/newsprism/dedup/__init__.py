"""Stage 3: exact duplicates, syndicated and wire copies, and articles that
contain another's text."""

from __future__ import annotations

from newsprism.dedup.index import CopyIndex
from newsprism.extract.outlets import is_wire, outlet_identity
from newsprism.model import Article

__all__ = ["CopyIndex", "apply_copies", "find_copies"]


def find_copies(articles: list[Article]) -> list[Article]:
    """Set ``duplicate_of`` and ``syndicated_from`` on every copy; returns the same list."""
    index = CopyIndex()
    index.add(articles)
    apply_copies(articles, index)
    return articles


def apply_copies(articles: list[Article], index: CopyIndex) -> None:
    """Write what ``index`` knows onto the articles.

    A copy points at its original through ``duplicate_of``; its
    ``syndicated_from`` becomes the original's id, replacing a syndicate name
    the text gave, except when both come from the same outlet (a re-post or
    a re-ingested page is a duplicate, not syndication) and when the text names
    a news agency: two papers' prints of one AP story are both AP copy, and
    ``syndicated_from`` keeps saying so.
    """
    for a in articles:
        original = index.original_of(a.id)
        a.duplicate_of = original
        if original is not None and not index.same_outlet(a.id, original) and not _names_agency(a):
            a.syndicated_from = original


def _names_agency(a: Article) -> bool:
    return bool(a.syndicated_from) and is_wire(outlet_identity(a.syndicated_from or "")[0])
