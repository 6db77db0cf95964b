"""`newsprism serve`: browse the briefs in a local web app: of inputs analysed once, or of a database as it grows."""

from __future__ import annotations

import ipaddress
import socket
import sys
from typing import Any

import typer

from newsprism.commands._common import observing, say, warn
from newsprism.commands._options import QUIET_OPT, SINGLE_STORY_OPT, STRICT_OPT, Command
from newsprism.errors import MissingExtraError, OutputError


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_command(
    paths: list[str] | None = typer.Argument(
        None, help="Files, directories (read recursively), globs, or - for stdin: analysed once, then served.", show_default=False
    ),
    db: str | None = typer.Option(
        None, "--db", metavar="FILE|URL", help="Serve this database (a SQLite file or a postgresql:// URL) as it grows, instead of PATHs."
    ),
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS", help="Address to bind; loopback by default (the app has no login)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, metavar="PORT", help="Port to listen on."),
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
    single_story: bool = SINGLE_STORY_OPT,
) -> None:
    """Serve the story list, briefs, articles and JSON API: of the inputs, analysed once, or of a database as it grows."""
    try:
        import uvicorn  # noqa: F401 - the extra is checked before any work
    except ImportError as e:
        raise MissingExtraError("uvicorn", "serve", "newsprism serve") from e
    if bool(paths) == bool(db):
        raise typer.BadParameter("give PATHs to analyse, or --db to serve a database (not both)")
    sock = _listen(host, port)  # before any work: a port in use is said at once
    if db is not None:
        _serve_db(db, sock, quiet)
        return
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.serve import create_app

    with observing(quiet) as observer:
        result = Pipeline(Settings(single_story=single_story, strict=strict), observer=observer).run(
            paths or [], stdin=sys.stdin.buffer
        )
    _warn_if_open(host)
    n = len(result.briefs)
    say(f"{n} {'story' if n == 1 else 'stories'} at {_url(sock)}  (Ctrl+C to stop)")
    _run(create_app(result), sock, quiet)


def _listen(host: str, port: int) -> socket.socket:
    """The socket the app will answer on, bound now. Left to uvicorn, an address in use
    was found only after the analysis, and ended the run with uvicorn's exit code 3 (a
    strict run's skipped input, here)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as uvicorn chooses
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise OutputError(f"cannot serve on {host}:{port}: {e.strerror or e}") from e
    return sock


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if sock.family == socket.AF_INET6 else f"http://{host}:{port}/"


def _run(app: Any, sock: socket.socket, quiet: bool) -> None:
    import uvicorn

    uvicorn.Server(uvicorn.Config(app, log_level="warning" if quiet else "info")).run(sockets=[sock])


def _serve_db(db: str, sock: socket.socket, quiet: bool) -> None:
    from newsprism.serve import create_app
    from newsprism.serve.stored import StoredCorpus
    from newsprism.store import open_store

    store = open_store(db, create=False)
    try:
        _warn_if_open(sock.getsockname()[0])
        say(
            f"{store.count_stories():,} stories from {store.count_articles():,} articles in {store.location}, "
            f"served as they grow at {_url(sock)}  (Ctrl+C to stop)"
        )
        _run(create_app(StoredCorpus(store)), sock, quiet)
    finally:
        store.close()


def _warn_if_open(host: str) -> None:
    if not _is_loopback(host):
        warn(f"serving on {host}: anyone who can reach it can read the corpus")


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("serve", cls=Command)(serve_command)
