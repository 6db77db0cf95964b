"""The local web app: story list, story pages, article pages and a JSON API.

Article text is untrusted: templates autoescape everything, pages load only
this app's own CSS and JS, and a strict Content-Security-Policy forbids inline
script, so a ``<script>`` or ``onerror=`` in an article can never run.

JSON API (also described by ``/openapi.json``), the same dicts as
``newsprism analyze --format json``:

* ``GET /api/analysis``: the whole report, ``{"version": 1, "articles", "stories", ...}``
* ``GET /api/stories?q=``: ``[{"id", "title", "articles", "outlets", "claims", "quotes", "conflicts"}]``
* ``GET /api/stories/{id}``: one brief, as in the report's ``stories`` list
* ``GET /api/articles/{id}``: one article, as in the report's ``articles`` list
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from newsprism.errors import MissingExtraError, NewsprismError
from newsprism.model import Analysis, Article, Brief

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["CSP", "Corpus", "MemoryCorpus", "create_app"]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE = 50  # stories on one page of the list
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class Corpus(Protocol):
    """What the app reads: an analysis held in memory (``MemoryCorpus``) or a
    database read at every request (``serve.stored.StoredCorpus``), so a
    database's new stories show without a restart."""

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
    return {
        "id": b.story.id,
        "title": b.story.title or (b.articles[0].title if b.articles else None) or b.story.id,
        "articles": len(b.articles),
        "outlets": len({a.label for a in b.articles}),
        "claims": len(b.claims),
        "quotes": len(b.quotes),
        "conflicts": len(b.conflicts),
    }


def parse_highlight(hl: str | None, text: str) -> tuple[int, int] | None:
    """``"120-185"`` to a span inside ``text``; anything else means no highlight."""
    if not hl:
        return None
    start, sep, end = hl.partition("-")
    if not sep or not start.isdigit() or not end.isdigit():
        return None
    s, e = int(start), int(end)
    return (s, e) if 0 <= s < e <= len(text) else None


def article_paragraphs(article: Article) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each paragraph, from the extractor or from blank lines."""
    if article.paragraphs:
        return [(p.start, p.end, p.kind) for p in article.paragraphs]
    out, pos = [], 0
    for chunk in article.text.split("\n\n"):
        if chunk.strip():
            out.append((pos, pos + len(chunk), "body"))
        pos += len(chunk) + 2
    return out


def article_evidence(article: Article, briefs: list[Brief]) -> list[dict[str, Any]]:
    """What the briefs cite from this article, each linked to its highlighted span."""
    rows = []
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


def create_app(source: Analysis | Corpus) -> FastAPI:
    """A FastAPI app over an analysis, or a ``Corpus`` (a database: ``serve.stored``).
    Bind it to loopback: it has no authentication."""
    try:
        from fastapi import FastAPI, HTTPException, Query, Request
        from fastapi.responses import (
            HTMLResponse,
            JSONResponse,
            PlainTextResponse,
            Response,
        )
    except ImportError as e:
        raise MissingExtraError("fastapi", "serve", "The web app") from e
    from newsprism.report.html import AppLinks, brief_view, render_page, static_text
    from newsprism.report.jsonout import article_to_dict, brief_to_dict

    corpus: Corpus = MemoryCorpus.of(source) if isinstance(source, Analysis) else source
    links = AppLinks()
    app = FastAPI(
        title="newsprism",
        version="1",
        description="Stories, briefs and articles of one newsprism analysis; the same JSON as `newsprism analyze --format json`.",
        # The bundled Swagger/ReDoc pages load scripts from a CDN: serve the schema only.
        docs_url=None,
        redoc_url=None,
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        # Link checkers and monitors probe with HEAD: answer it as GET without the body.
        head = request.method == "HEAD"
        if head:
            request.scope["method"] = "GET"
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if head:
            return Response(status_code=response.status_code, headers=dict(response.headers))
        return response

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(render_page(template, inline=False, links=links, **context), status_code=status)

    def brief_or_404(story_id: str) -> Brief:
        b = corpus.brief(story_id)
        if b is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return b

    def article_or_404(article_id: str) -> Article:
        a = corpus.article(article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return a

    @app.exception_handler(HTTPException)
    async def not_found(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return page("app_error.html", status=exc.status_code, title="Not found", message=str(exc.detail))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(q: str = "", page_no: int = Query(1, alias="page", ge=1)) -> HTMLResponse:
        rows, matched = corpus.rows(q, PAGE, (page_no - 1) * PAGE)
        total, n_articles = corpus.totals()
        return page("app_index.html", title="newsprism stories", stories=rows, q=q, total=total, matched=matched,
                    n_articles=n_articles, page_no=page_no, pages=max(1, -(-matched // PAGE)))

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story(story_id: str, since: str | None = None) -> HTMLResponse:
        v = brief_view(brief_or_404(story_id))
        try:
            news = corpus.news(v["id"], since) if since else None
        except NewsprismError as e:
            raise HTTPException(400, str(e)) from e
        return page("app_story.html", title=v["title"], v=v, news=news)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article(article_id: str, hl: str | None = None) -> HTMLResponse:
        a = article_or_404(article_id)
        span = parse_highlight(hl, a.text)
        briefs = corpus.briefs_of(a.id)
        return page(
            "app_article.html", title=a.title or a.id, a=a, span=span, paragraphs=article_paragraphs(a),
            stories=[story_row(b) for b in briefs], evidence=article_evidence(a, briefs),
        )

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        routes = [(r.path, r.summary or r.name, (r.description or "").strip()) for r in app.routes if getattr(r, "include_in_schema", False)]
        return page("app_api.html", title="newsprism JSON API", routes=routes)

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
        """One row per story: id, title and the counts of articles, outlets, claims, quotes and conflicts."""
        return corpus.rows(q, limit, offset)[0]

    @app.get("/api/stories/{story_id}", summary="One story's brief")
    def api_story(story_id: str) -> dict[str, Any]:
        """The brief as in the report's `stories` list: claims, quotes, provenance, conflicts, timeline, summary, framing."""
        return brief_to_dict(brief_or_404(story_id))

    @app.get("/api/articles/{article_id}", summary="One article")
    def api_article(article_id: str) -> dict[str, Any]:
        """The article as in the report's `articles` list, with its full text."""
        return article_to_dict(article_or_404(article_id))

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        media = {"brief.css": "text/css", "brief.js": "text/javascript"}.get(name)
        if media is None:
            raise HTTPException(404, "no such file")
        return PlainTextResponse(static_text(name), media_type=media, headers={"Cache-Control": "no-cache"})

    return app
