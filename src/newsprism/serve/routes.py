"""The web app's pages and JSON API, over a ``Corpus``.

Pages (HTML, never in the OpenAPI schema): ``/`` the story list with search,
``/stories/{id}`` a brief, ``/articles/{id}`` an article with the cited words
highlighted, ``/api`` the API's own page. The JSON API: see the package docstring.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from newsprism.errors import NewsprismError
from newsprism.model import Article, Brief
from newsprism.serve.corpus import PAGE, Corpus, story_row

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse
    from markupsafe import Markup


def parse_highlight(hl: str | None, text: str) -> tuple[int, int] | None:
    """``"120-185"`` to a span inside ``text``; anything else means no highlight."""
    if not hl:
        return None
    start, sep, end = hl.partition("-")
    if not sep or not start.isdigit() or not end.isdigit():
        return None
    s, e = int(start), int(end)
    return (s, e) if 0 <= s < e <= len(text) else None


def code_spans(text: str) -> Markup:
    """A docstring's text escaped, with its `backticked` words set as code (the /api page)."""
    from markupsafe import Markup, escape

    parts = " ".join(text.split()).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick is text
        parts[-2:] = ["`".join(parts[-2:])]
    return Markup("".join(f"<code>{escape(p)}</code>" if i % 2 else str(escape(p)) for i, p in enumerate(parts)))


def article_paragraphs(article: Article) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each paragraph (``extract.segment.paragraphs_of``)."""
    from newsprism.extract.segment import paragraphs_of

    return [(p.start, p.end, p.kind) for p in paragraphs_of(article)]


def article_evidence(article: Article, briefs: list[Brief]) -> list[dict[str, Any]]:
    """What the briefs cite from this article, each linked to its highlighted span."""
    rows: list[dict[str, Any]] = []
    for b in briefs:
        for c in b.claims:
            rows += [{"kind": "claim", "story": b.story.id, "label": c.text, "start": e.start, "end": e.end} for e in c.evidence if e.article == article.id]
        for g in b.quotes:
            rows += [
                {"kind": "quote", "story": b.story.id, "label": g.speaker.name, "start": q.start, "end": q.end}
                for q in g.variants
                if q.article == article.id
            ]
    rows.sort(key=lambda r: r["start"])
    return rows


class Lookups:
    """The corpus, with what every route needs: a page renderer, and a 404 for what it does not hold."""

    def __init__(self, corpus: Corpus, page: Callable[..., HTMLResponse]) -> None:
        self.corpus = corpus
        self.page = page

    def brief(self, story_id: str) -> Brief:
        from fastapi import HTTPException

        b = self.corpus.brief(story_id)
        if b is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return b

    def article(self, article_id: str) -> Article:
        from fastapi import HTTPException

        a = self.corpus.article(article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return a


def add_pages(app: FastAPI, at: Lookups) -> None:
    """The HTML pages: the story list, a story's brief, an article, the API's page, the static files."""
    from fastapi import HTTPException, Query
    from fastapi.responses import HTMLResponse, PlainTextResponse, Response

    from newsprism.report.html import brief_view, static_text

    corpus, page = at.corpus, at.page

    def since_choices() -> list[tuple[str, str]]:
        """The story page's quick choices of what is new: since an hour, a day, a week ago (UTC)."""
        import datetime

        t = datetime.datetime.now(datetime.UTC).replace(microsecond=0, tzinfo=None)
        return [(label, (t - datetime.timedelta(hours=h)).isoformat()) for label, h in (("last hour", 1), ("last day", 24), ("last week", 168))]

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(q: str = "", page_no: int = Query(1, alias="page", ge=1)) -> HTMLResponse:
        rows, matched = corpus.rows(q, PAGE, (page_no - 1) * PAGE)
        total, n_articles = corpus.totals()
        return page("index.html", title="newsprism stories", stories=rows, q=q, total=total, matched=matched,
                    n_articles=n_articles, page_no=page_no, pages=max(1, -(-matched // PAGE)))

    # Ids may hold "/" (every file in a subfolder: "2024/may/harbour"): links quote it as %2F,
    # which the server decodes before routing, so the id is matched as a path.
    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story(story_id: str, since: str | None = None) -> HTMLResponse:
        v = brief_view(at.brief(story_id))
        try:
            news = corpus.news(v["id"], since) if since else None
        except NewsprismError as e:
            raise HTTPException(400, str(e)) from e
        return page("story.html", title=v["title"], v=v, news=news, since=since_choices() if corpus.dated else None)

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article(article_id: str, hl: str | None = None) -> HTMLResponse:
        a = at.article(article_id)
        span = parse_highlight(hl, a.text)
        briefs = corpus.briefs_of(a.id)
        return page(
            "article.html", title=a.title or a.id, a=a, span=span, paragraphs=article_paragraphs(a),
            stories=[story_row(b) for b in briefs], evidence=article_evidence(a, briefs),
        )

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        # path_format: the path as OpenAPI writes it ("{article_id}", not "{article_id:path}").
        routes = [
            (r.path_format, getattr(r, "summary", None) or r.name, code_spans(getattr(r, "description", None) or ""))  # type: ignore[attr-defined]
            for r in app.routes
            if getattr(r, "include_in_schema", False)
        ]
        return page("api.html", title="newsprism JSON API", routes=routes)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        media = {"brief.css": "text/css", "brief.js": "text/javascript"}.get(name)
        if media is None:
            raise HTTPException(404, "no such file")
        return PlainTextResponse(static_text(name), media_type=media, headers={"Cache-Control": "no-cache"})


def add_api(app: FastAPI, at: Lookups) -> None:
    """The JSON API: the same objects as ``newsprism analyze --format json``."""
    from fastapi import HTTPException, Query

    from newsprism.report.jsonout import article_to_dict, brief_to_dict

    corpus = at.corpus

    @app.get("/api/analysis", summary="The whole report")
    def api_analysis() -> dict[str, Any]:
        """The same object as `newsprism analyze --format json`: version, articles, stories
        (over a database, 404: `newsprism export` writes it whole)."""
        whole = corpus.analysis()
        if whole is None:
            raise HTTPException(404, "a database is not sent whole: use newsprism export")
        return whole

    @app.get("/api/stories", summary="Stories, with counts")
    def api_stories(
        q: str = Query("", description="Only stories whose title or articles contain this text."),
        limit: int | None = Query(
            None, ge=1, description="At most this many; over a database, latest activity first, 50 unless given, 1,000 at most."
        ),
        offset: int = Query(0, ge=0),
    ) -> list[dict[str, Any]]:
        """One row per story: id, title and the counts of articles, outlets (named), articles whose outlet is not known, claims, quotes and conflicts."""
        return corpus.rows(q, limit, offset)[0]

    @app.get("/api/stories/{story_id:path}", summary="One story's brief")
    def api_story(story_id: str) -> dict[str, Any]:
        """The brief as in the report's `stories` list: claims, quotes, provenance, conflicts, timeline, summary, framing."""
        return brief_to_dict(at.brief(story_id))

    @app.get("/api/articles/{article_id:path}", summary="One article")
    def api_article(article_id: str) -> dict[str, Any]:
        """The article as in the report's `articles` list, with its full text."""
        return article_to_dict(at.article(article_id))
