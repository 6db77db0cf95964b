"""`newsprism serve`: analyse the inputs, then browse the briefs in a local web app."""

from __future__ import annotations

import ipaddress

import typer

from newsprism.commands._common import (
    PATHS_ARG,
    QUIET_OPT,
    STRICT_OPT,
    err_console,
    progress,
    read_articles,
)
from newsprism.errors import InputError, MissingExtraError


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(
    paths: list[str] = PATHS_ARG,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; loopback by default (the app has no login)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
    single_story: bool = typer.Option(False, "--single-story", help="Treat all inputs as one story."),
) -> None:
    """Analyse the inputs and serve the story list, briefs, articles and JSON API."""
    try:
        import uvicorn
    except ImportError as e:
        raise MissingExtraError("uvicorn", "serve", "newsprism serve") from e
    from newsprism.pipeline import Options, analyze
    from newsprism.serve import create_app

    articles = read_articles(paths, strict=strict, quiet=quiet)
    if not articles:
        raise InputError("no readable articles in the input")
    with progress(quiet) as bar:
        task = bar.add_task("analysing stories", total=None)
        result = analyze(articles, options=Options(single_story=single_story), on_story=lambda _b: bar.advance(task))
    if not _is_loopback(host):
        err_console.print(f"[yellow]warning:[/] serving on {host}: anyone who can reach it can read the corpus", markup=True)
    n = len(result.briefs)
    err_console.print(f"{n} {'story' if n == 1 else 'stories'} at http://{host}:{port}/  (Ctrl+C to stop)", highlight=False)
    uvicorn.run(create_app(result), host=host, port=port, log_level="warning" if quiet else "info")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("serve")(serve_command)
