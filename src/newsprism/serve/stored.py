"""The web app over a database: every request reads the store, so new articles
and stories show without a restart. The story list is one indexed query for
a page of stories (latest activity first) and their briefs; a search uses the
store's full-text index; a story page reads one brief and its articles."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, ClassVar

from newsprism.model import Article, Brief
from newsprism.report.stored import news_view, story_news
from newsprism.serve.corpus import PAGE
from newsprism.store import Store
from newsprism.store.codec import brief_from_dict

_CACHE = 64  # briefs kept decoded, by (story, made_at): a newer brief is a new key
MAX_ROWS = 1000  # stories listed at most by one request


class StoredCorpus:
    """``serve.Corpus`` over a ``Store``."""

    dated: ClassVar[bool] = True

    def __init__(self, store: Store) -> None:
        self.store = store
        self._briefs: OrderedDict[tuple[str, str], Brief] = OrderedDict()
        self._totals: tuple[int, tuple[int, int]] | None = None

    def rows(self, q: str, limit: int | None = None, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """A page of stories (``PAGE`` when no limit is given, at most ``MAX_ROWS``): a database may hold many."""
        query = q.strip() or None
        limit = min(limit or PAGE, MAX_ROWS)
        if query is None:
            records = self.store.stories(limit=limit, offset=offset)
            matched = self.totals()[0]
        else:  # the full-text search runs once: its matches are counted and paged here
            found = self.store.story_ids(query=query)
            records, matched = self.store.stories(ids=found[offset : offset + limit]), len(found)
        briefs = self.store.briefs([r.id for r in records])
        out = []
        for r in records:
            stored = briefs.get(r.id)
            body = stored.body if stored else {}
            out.append({
                "id": r.id,
                "title": r.title or r.id,
                "articles": len(r.articles),
                "outlets": len(body.get("outlets", [])),
                "unknown_outlets": len(body.get("outlet_not_known", [])),
                "claims": len(body.get("claims", [])),
                "quotes": len(body.get("quotes", [])),
                "conflicts": len(body.get("conflicts", [])),
                "last_updated": r.last_updated,
            })
        return out, matched

    def totals(self) -> tuple[int, int]:
        """Counted again only when a batch has landed since (a count scans a table)."""
        generation = self.store.generation()
        if self._totals is None or self._totals[0] != generation:
            self._totals = (generation, (self.store.count_stories(), self.store.count_articles()))
        return self._totals[1]

    def brief(self, story_id: str) -> Brief | None:
        stored = self.store.brief(story_id)
        if stored is None:
            return None
        key = (stored.story, stored.made_at)
        if key not in self._briefs:
            articles = {a.id: a for a in self.store.articles(stored.body["articles"])}
            self._briefs[key] = brief_from_dict(stored.body, articles)
            while len(self._briefs) > _CACHE:
                self._briefs.popitem(last=False)
        self._briefs.move_to_end(key)
        return self._briefs[key]

    def article(self, article_id: str) -> Article | None:
        return self.store.article(article_id)

    def briefs_of(self, article_id: str) -> list[Brief]:
        a = self.store.article(article_id)
        b = self.brief(a.story) if a is not None and a.story else None
        return [b] if b is not None else []

    def analysis(self) -> dict[str, Any] | None:
        return None

    def news(self, story_id: str, since: str) -> dict[str, Any] | None:
        record = self.store.story(story_id)
        return None if record is None else news_view(story_news(self.store, record, since))

