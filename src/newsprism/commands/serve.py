"""`newsprism serve`: analyse the inputs, then browse the briefs in a local web app."""

from __future__ import annotations

import ipaddress
import sys

import typer

from newsprism.commands._common import err_console, observing
from newsprism.commands._options import PATHS_ARG, QUIET_OPT, SINGLE_STORY_OPT, STRICT_OPT, Command
from newsprism.errors import MissingExtraError


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(
    paths: list[str] = PATHS_ARG,
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS", help="Address to bind; loopback by default (the app has no login)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, metavar="PORT", help="Port to listen on."),
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
    single_story: bool = SINGLE_STORY_OPT,
) -> None:
    """Analyse the inputs and serve the story list, briefs, articles and JSON API."""
    try:
        import uvicorn
    except ImportError as e:
        raise MissingExtraError("uvicorn", "serve", "newsprism serve") from e
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.serve import create_app

    with observing(quiet) as observer:
        result = Pipeline(Settings(single_story=single_story, strict=strict), observer=observer).run(
            paths, stdin=sys.stdin.buffer
        )
    if not _is_loopback(host):
        err_console.print(f"[yellow]warning:[/] serving on {host}: anyone who can reach it can read the corpus", markup=True)
    n = len(result.briefs)
    err_console.print(f"{n} {'story' if n == 1 else 'stories'} at http://{host}:{port}/  (Ctrl+C to stop)", highlight=False)
    uvicorn.run(create_app(result), host=host, port=port, log_level="warning" if quiet else "info")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("serve", cls=Command)(serve_command)
