"""The `newsprism` command line.

Each command lives in its own module under ``newsprism.commands`` and adds
itself to ``app`` (or ``eval_app``) through a ``register`` function, so a
stage's owner can change its command without touching the others.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from newsprism import __version__
from newsprism.errors import NewsprismError

app = typer.Typer(
    name="newsprism",
    help="Group news articles into stories and build evidence-backed briefs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score newsprism against human-labelled gold data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

COMMAND_MODULES = (
    "read", "analyze", "cluster", "quotes", "serve", "add", "watch", "stories", "brief", "export",
    "eval_cluster", "eval_quotes", "eval_summary", "eval_extraction",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsprism {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """newsprism: see how a story is reported, sourced and framed across outlets."""


for _name in COMMAND_MODULES:
    try:
        _mod = importlib.import_module(f"newsprism.commands.{_name}")
    except ModuleNotFoundError as _e:
        if _e.name != f"newsprism.commands.{_name}":
            raise
        continue
    _mod.register(app, eval_app)


def main() -> None:
    try:
        app(standalone_mode=False)
    except NewsprismError as e:
        typer.secho(f"error: {e}", err=True, fg=typer.colors.RED)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        typer.secho("interrupted", err=True)
        sys.exit(130)
    except typer.Exit as e:
        sys.exit(e.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as e:
        import click

        if isinstance(e, click.ClickException):
            e.show()
            sys.exit(e.exit_code)
        if os.environ.get("NEWSPRISM_DEBUG"):
            raise
        # A bug, not bad input: one line for the user, the traceback on request.
        typer.secho(
            f"internal error: {type(e).__name__}: {e} (set NEWSPRISM_DEBUG=1 for the traceback)",
            err=True, fg=typer.colors.RED,
        )
        sys.exit(70)
