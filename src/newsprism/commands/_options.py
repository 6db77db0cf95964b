"""The options several commands share, and how ``--help`` shows them.

Every command that takes one of these takes it from here, so a flag reads
and behaves the same everywhere. The options that change what a run does
become one ``pipeline.Settings`` in the command; the rest (format, output,
quiet) only change how it is shown.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

PATHS_ARG = typer.Argument(..., help="Files, directories (read recursively), globs, or - for stdin.", show_default=False)
STRICT_OPT = typer.Option(False, "--strict", help="Exit with code 3 if any input had to be skipped.")
def _a_file(path: Path | None) -> Path | None:
    """A folder given as the output or state file is a usage error, said before the run, not after it."""
    if path is not None and path.is_dir():
        raise typer.BadParameter(f"{path} is a directory; give a file")
    return path


OUTPUT_OPT = typer.Option(None, "-o", "--output", metavar="FILE", callback=_a_file, help="Write here instead of standard output.")
QUIET_OPT = typer.Option(False, "-q", "--quiet", help="No progress bar or summary on stderr.")
EMBEDDER_OPT = typer.Option(
    "tfidf", "--embedder", metavar="NAME",
    help="Text representation: tfidf (fast, default), minilm or model2vec; minilm:DIR or model2vec:DIR loads a local model.",
)
# What --workers does differs by command (cluster writes no briefs and runs at most one worker; only
# analyze has --engine): each command's --workers says what it does there.
_BRIEF_WORKERS = "The briefs of the stories are written in N worker processes, each loading the models once."


def _workers(help: str, shown: str = "one per core") -> Any:
    return typer.Option(None, "--workers", min=0, metavar="N", show_default=shown, help=help)


WORKERS_OPT = _workers(  # analyze
    f"Worker processes (0: none, all in this process). {_BRIEF_WORKERS} The term counts, the vectors and (with tfidf) "
    "the neighbour search of each grouping batch after the first run in one more, a batch or two ahead, on a corpus of "
    "more than one batch. With --engine ray: the CPUs held on the cluster, a brief at a time each (default: those "
    "free as the run starts).",
)
BRIEF_WORKERS_OPT = _workers(f"Worker processes (0: none, all in this process). {_BRIEF_WORKERS}")  # add
GROUPING_WORKERS_OPT = _workers(  # cluster, eval cluster
    "0: all in this process; any other N: one worker process runs the term counts, the vectors and (with tfidf) the "
    "neighbour search of each grouping batch after the first, a batch or two ahead, on a corpus of more than one batch. "
    "The stories and copies are the same either way.",
    shown="one",
)


ENGINE_OPT = typer.Option(
    "local", "--engine", help="Where the briefs are written: local (this machine's cores) or ray (a Ray cluster; "
    "needs the ray extra: pip install 'newsprism[ray]')."
)
ADDRESS_OPT = typer.Option(
    None, "--address", metavar="ADDR",
    help="With --engine ray: the cluster to join (HOST:PORT of its head, or auto); without it, Ray starts one here.",
)
STATE_OPT = typer.Option(
    None, "--state", metavar="FILE", callback=_a_file,
    help="Load copies and stories from this JSON file if it exists, add the inputs, save it back.",
)
SINGLE_STORY_OPT = typer.Option(False, "--single-story", help="Treat all inputs as one story.")
FRAMING_OPT = typer.Option(True, "--framing/--no-framing", help="Compare the outlets' wording in the briefs (on by default).")


# ------------------------------------------------------------------ help


class _Flag(TyperOption):
    """An option that takes no value: its help shows no type (typer would print ``--quiet <bool>``)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class _Argument(TyperArgument):
    """A positional argument, shown by its name in capitals (``PATHS...``), with no type
    (typer would print ``{paths}...`` and ``<list[str]>``)."""

    @property
    def display_name_raw(self) -> str:
        return (self.metavar or self.name or "").upper()

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw + ("..." if self.nargs != 1 else "")
        return name if self.required else f"[{name}]"


def _plain(params: list[Any]) -> list[Any]:
    for p in params:
        if type(p) is TyperOption and p.is_flag:
            p.__class__ = _Flag
        elif type(p) is TyperArgument:
            p.__class__ = _Argument
    return params


def _as_written(command: Any) -> None:
    """Help shown as written. Typer reads Rich markup in every help text, so a bracketed word
    vanished: ``--engine`` told to ``pip install 'newsprism'`` (written ``newsprism[ray]``),
    ``provenance`` showed ``"via": ,``. And the list of commands kept the line breaks of a
    command's first paragraph (a command's own page joins them)."""
    if command.help:
        first, *rest = inspect.cleandoc(command.help).split("\n\n")
        command.help = "\n\n".join(escape(p) for p in [" ".join(first.split("\n")), *rest])
    for param in command.params:
        if getattr(param, "help", None):
            param.help = escape(param.help)


class _OneLineUsageErrors:
    """Usage errors, of parsing a command's options or of running it, said in one line
    (``usage_errors_in_one_line``)."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        # The parser raises some errors with no context to name the command by ("Option '--db'
        # requires an argument."): it is named from here.
        path = " ".join(p for p in (parent.command_path if parent is not None else None, info_name) if p)
        with usage_errors_in_one_line(path):
            return super().make_context(info_name, args, parent, **extra)  # type: ignore[misc]

    def invoke(self, ctx: Any) -> Any:
        with usage_errors_in_one_line(ctx.command_path):
            return super().invoke(ctx)  # type: ignore[misc]


class Command(_OneLineUsageErrors, TyperCommand):
    """A command whose ``--help`` shows a flag as a flag, an argument by its name, and
    every text as written, and whose usage errors are one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _as_written(self)

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))


class Group(_OneLineUsageErrors, TyperGroup):
    """A group of commands whose ``--help`` shows a flag as a flag, and every text as written,
    and whose usage errors (an unknown command) are one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _as_written(self)

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain(super().get_params(ctx))


# ------------------------------------------------------------------ usage errors

# The click typer uses (a copy of its own in recent typers, click in older ones): typer.BadParameter
# is one of its exceptions. Click before 8.2 has no NoArgsIsHelpError (it printed the help itself).
_CLICK_ERRORS = sys.modules[typer.BadParameter.__module__]
_NO_ARGS_IS_HELP = getattr(_CLICK_ERRORS, "NoArgsIsHelpError", ())
EXIT_USAGE = 2


@contextmanager
def usage_errors_in_one_line(command_path: str) -> Iterator[None]:
    """A usage error as every other error of the command line is said: one line, ``error: ...``,
    exit 2. Typer draws a box of the usage line, a hint and the message, wrapped at the terminal's
    width, and says a value outside its choices in pydantic's words ("Value error, 'xml' is not
    one of ..."). A command left without its arguments still shows its help (exit 2)."""
    from newsprism.report.escape import visible

    try:
        yield
    except _NO_ARGS_IS_HELP:
        raise
    except _CLICK_ERRORS.UsageError as e:
        path = e.ctx.command_path if e.ctx is not None else command_path
        typer.secho(f"error: {visible(_what_was_wrong(e))} (see {path} --help)", err=True, fg=typer.colors.RED)
        raise typer.Exit(EXIT_USAGE) from e


def _what_was_wrong(e: Any) -> str:
    """The message of a usage error: a bad value named by its option (``--format: 'xml' is not one
    of 'md', 'json', 'html'``), anything else in click's words."""
    if not isinstance(e, _CLICK_ERRORS.BadParameter) or isinstance(e, _CLICK_ERRORS.MissingParameter):
        text = e.format_message().rstrip(".")
        return text[:1].lower() + text[1:] if text[1:2].islower() else text
    detail = e.message
    errors = getattr(e.__cause__, "errors", None)  # typer checks values with pydantic, in pydantic's words
    if callable(errors) and errors():
        first = errors()[0]
        if first.get("type") == "value_error" and "error" in first.get("ctx", {}):
            detail = str(first["ctx"]["error"])  # the ValueError typer raised: "'xml' is not one of ..."
        else:  # "Input should be a valid integer, ..."
            detail = str(first.get("msg", detail)).replace("Input", repr(first.get("input")), 1)
    param = e.param
    if param is None:
        return detail
    name = max(param.opts, key=len) if param.param_type_name == "option" else (param.metavar or param.name or "").upper()
    return f"{name}: {detail.rstrip('.')}"
