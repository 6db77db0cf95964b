"""The FastAPI application: security headers on every response, errors as pages
(or JSON under ``/api/``), and the routes of ``serve.routes`` over a corpus."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsprism.errors import MissingExtraError
from newsprism.model import Analysis
from newsprism.serve.corpus import Corpus, MemoryCorpus

if TYPE_CHECKING:
    from fastapi import FastAPI
    from jinja2 import Environment

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HTTP_TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 422: "Bad request"}


def templates() -> Environment:
    """The app's own pages (``serve/templates``) over the report's (the brief, the page frame, CSS and JS)."""
    from newsprism.report.html import environment

    return environment("newsprism.serve")


def create_app(source: Analysis | Corpus) -> FastAPI:
    """A FastAPI app over an analysis, or a ``Corpus`` (a database: ``serve.stored``).
    Bind it to loopback: it has no authentication."""
    try:
        from fastapi import FastAPI, Request
        from fastapi.exception_handlers import request_validation_exception_handler
        from fastapi.exceptions import RequestValidationError
        from fastapi.responses import HTMLResponse, JSONResponse, Response
        from starlette.exceptions import HTTPException as StarletteHTTPException
    except ImportError as e:
        raise MissingExtraError("fastapi", "serve", "The web app") from e
    from newsprism.report.html import AppLinks, render_page
    from newsprism.serve.routes import Lookups, add_api, add_pages

    corpus: Corpus = MemoryCorpus.of(source) if isinstance(source, Analysis) else source
    links = AppLinks()
    env = templates()
    # Compiled now, not by the first request: the brief's template alone takes a quarter
    # of a second, and a database's first story page took 0.5-1.1 s.
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
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
        return HTMLResponse(render_page(template, inline=False, env=env, links=links, **context), status_code=status)

    # Starlette's own HTTPException (an unknown path, a method not allowed) and
    # FastAPI's (an unknown story) alike: JSON under /api/, an HTML page elsewhere.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
        message = "No such page." if exc.detail == "Not Found" else str(exc.detail)
        response = page("error.html", status=exc.status_code, title=HTTP_TITLES.get(exc.status_code, "Error"), message=message)
        response.headers.update(headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_query(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, exc)
        wrong = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ())[1:])}: {e.get('msg', '')}" for e in exc.errors())
        return page("error.html", status=422, title=HTTP_TITLES[422], message=wrong or "Bad request.")

    at = Lookups(corpus, page)
    add_pages(app, at)
    add_api(app, at)
    return app
