"""What the web app reads: an analysis held in memory, or a database (``serve.stored``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from newsprism.model import Analysis, Article, Brief, outlet_counts

PAGE = 50  # stories on one page of the list


class Corpus(Protocol):
    """What the app reads: an analysis held in memory (``MemoryCorpus``) or a
    database read at every request (``serve.stored.StoredCorpus``), so a
    database's new stories show without a restart."""

    # A database knows when each article came: its story pages offer what is new since a time.
    dated: ClassVar[bool]

    def rows(self, q: str, limit: int | None = None, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Story rows (``story_row``) matching ``q`` (all when empty), and how many match."""
        ...

    def totals(self) -> tuple[int, int]:
        """Stories and articles held."""
        ...

    def brief(self, story_id: str) -> Brief | None: ...
    def article(self, article_id: str) -> Article | None: ...
    def briefs_of(self, article_id: str) -> list[Brief]: ...
    def analysis(self) -> dict[str, Any] | None:
        """The whole report, as ``analyze --format json`` prints it; None when too large to send whole."""
        ...

    def news(self, story_id: str, since: str) -> dict[str, Any] | None:
        """What is new in a story since ``since`` (articles added, moves, merges); None if not known."""
        ...


@dataclass
class MemoryCorpus:
    """Lookups over one analysis, built once when the app starts."""

    dated: ClassVar[bool] = False

    result: Analysis
    briefs: dict[str, Brief]
    articles: dict[str, Article]
    story_of: dict[str, list[Brief]]
    # One casefolded text per brief, so a search does not fold the corpus again.
    haystacks: list[tuple[Brief, str]]

    @classmethod
    def of(cls, analysis: Analysis) -> MemoryCorpus:
        story_of: dict[str, list[Brief]] = {}
        for b in analysis.briefs:
            for a in b.articles:
                story_of.setdefault(a.id, []).append(b)
        haystacks = [(b, _haystack(b)) for b in analysis.briefs]
        return cls(
            analysis, {b.story.id: b for b in analysis.briefs}, {a.id: a for a in analysis.articles}, story_of, haystacks
        )

    def search(self, q: str) -> list[Brief]:
        """Stories whose title, or an article's title, outlet or text, contains ``q`` (any case)."""
        q = q.strip().casefold()
        if not q:
            return list(self.result.briefs)
        return [b for b, text in self.haystacks if q in text]

    def rows(self, q: str, limit: int | None = None, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        found = self.search(q)
        end = None if limit is None else offset + limit
        return [story_row(b) for b in found[offset:end]], len(found)

    def totals(self) -> tuple[int, int]:
        return len(self.briefs), len(self.articles)

    def brief(self, story_id: str) -> Brief | None:
        return self.briefs.get(story_id)

    def article(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def briefs_of(self, article_id: str) -> list[Brief]:
        return self.story_of.get(article_id, [])

    def analysis(self) -> dict[str, Any] | None:
        from newsprism.report.jsonout import analysis_to_dict

        return analysis_to_dict(self.result)

    def news(self, story_id: str, since: str) -> dict[str, Any] | None:
        return None


def _haystack(b: Brief) -> str:
    # The separator keeps a query from matching across two fields.
    parts = [b.story.title or ""]
    for a in b.articles:
        parts.extend((a.title or "", a.outlet or "", a.text))
    return "\x00".join(parts).casefold()


def story_row(b: Brief) -> dict[str, Any]:
    named, not_known = outlet_counts(b.articles)
    return {
        "id": b.story.id,
        "title": b.story.title or (b.articles[0].title if b.articles else None) or b.story.id,
        "articles": len(b.articles),
        "outlets": named,
        "unknown_outlets": not_known,
        "claims": len(b.claims),
        "quotes": len(b.quotes),
        "conflicts": len(b.conflicts),
    }
