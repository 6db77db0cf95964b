"""Where analysed articles and stories live between runs.

The in-memory store is the default for one-shot CLI runs; a persistent
embedded store implements the same Protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from newsprism.model import Article, Story


class Store(Protocol):
    def put_articles(self, articles: Iterable[Article]) -> None: ...
    def get_article(self, article_id: str) -> Article | None: ...
    def articles(self) -> Iterator[Article]: ...
    def put_stories(self, stories: Iterable[Story]) -> None: ...
    def stories(self) -> Iterator[Story]: ...


class MemoryStore:
    def __init__(self) -> None:
        self._articles: dict[str, Article] = {}
        self._stories: dict[str, Story] = {}

    def put_articles(self, articles: Iterable[Article]) -> None:
        for a in articles:
            self._articles[a.id] = a

    def get_article(self, article_id: str) -> Article | None:
        return self._articles.get(article_id)

    def articles(self) -> Iterator[Article]:
        return iter(self._articles.values())

    def put_stories(self, stories: Iterable[Story]) -> None:
        for s in stories:
            self._stories[s.id] = s

    def stories(self) -> Iterator[Story]:
        return iter(self._stories.values())
