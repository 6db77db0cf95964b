"""The `newsprism` command line.

Each command lives in its own module under ``newsprism.commands`` and adds
itself to ``app`` (or ``eval_app``) through a ``register`` function, so a
stage's owner can change its command without touching the others. Commands
never import one another: the options they share are in
``newsprism.commands._options``, the way they show a run in
``newsprism.commands._common``.

Exit codes: 0 done; 1 an input or model error (one line on stderr); 2 a
usage error (one line: what was wrong, and which ``--help`` to read); 3 an input skipped with
``--strict``; 4 an optional extra missing; 70 a bug (one line; the
traceback with ``NEWSPRISM_DEBUG=1``); 130 interrupted.
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from newsprism import __version__
from newsprism.commands._options import Group
from newsprism.errors import NewsprismError
from newsprism.interrupt import EXIT_INTERRUPTED, interrupted
from newsprism.report.escape import visible

app = typer.Typer(
    name="newsprism",
    cls=Group,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score newsprism against human-labelled gold data.", cls=Group, no_args_is_help=True)
app.add_typer(eval_app, name="eval")

COMMAND_MODULES = (
    "read", "analyze", "cluster", "quotes", "provenance", "serve", "add", "watch", "stories", "brief", "export",
    "eval_cluster", "eval_quotes", "eval_provenance", "eval_summary", "eval_extraction",
)

EXIT_BUG = 70


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsprism {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Group news articles into stories and build evidence-backed briefs: see how a story is
    reported, sourced and framed across outlets."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"newsprism.commands.{_name}").register(app, eval_app)


def main() -> None:
    """Run the command line (``newsprism.__main__.main`` is the console script: it handles
    Ctrl+C from before this module is imported)."""
    try:
        # Typer answers --help and a bare command (its help, exit 2), and our commands
        # a usage error (one line, exit 2: ``_options.usage_errors_in_one_line``); Ctrl+C it turns
        # into exit 130, silently: that one is said here.
        app(prog_name="newsprism", standalone_mode=True)
    except SystemExit as e:
        if e.code == EXIT_INTERRUPTED:
            interrupted()
        raise
    except KeyboardInterrupt:  # before or after the command ran
        interrupted()
    except NewsprismError as e:
        typer.secho(f"error: {visible(str(e))}", err=True, fg=typer.colors.RED)
        sys.exit(e.exit_code)
    except Exception as e:
        if os.environ.get("NEWSPRISM_DEBUG"):
            raise
        # A bug, not bad input: one line for the user, the traceback on request.
        typer.secho(
            f"internal error: {type(e).__name__}: {visible(str(e))} (set NEWSPRISM_DEBUG=1 for the traceback)",
            err=True, fg=typer.colors.RED,
        )
        sys.exit(EXIT_BUG)
