"""What every command shares: reading inputs with warnings, --strict, output."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from newsprism.errors import InputError, StrictModeError
from newsprism.model import Article, Problem

err_console = Console(stderr=True, highlight=False)

PATHS_ARG = typer.Argument(..., help="Files, directories (read recursively), globs, or - for stdin.")
STRICT_OPT = typer.Option(False, "--strict", help="Exit non-zero if any input had to be skipped.")
OUTPUT_OPT = typer.Option(None, "-o", "--output", help="Write here instead of standard output.")
QUIET_OPT = typer.Option(False, "-q", "--quiet", help="No progress bar or summary on stderr.")


def check_format(fmt: str, choices: Sequence[str]) -> None:
    if fmt not in choices:
        raise InputError(f"unknown --format {fmt!r}; choose one of {', '.join(choices)}")


def progress(quiet: bool = False) -> Progress:
    """A Rich progress bar on stderr; silent when quiet or not a terminal."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet or not err_console.is_terminal,
    )


def warn_problem(p: Problem) -> None:
    err_console.print(f"[yellow]warning:[/] {p.where()}: {p.message} (skipped)", markup=True, soft_wrap=True)


def read_articles(paths: Sequence[str], *, strict: bool, quiet: bool) -> list[Article]:
    """Ingest and prepare the inputs; warn once per bad input; honour --strict."""
    return read_inputs(paths, strict=strict, quiet=quiet)[0]


def read_inputs(paths: Sequence[str], *, strict: bool, quiet: bool) -> tuple[list[Article], list[Problem]]:
    """As read_articles, also returning what was skipped (for the report)."""
    problems: list[Problem] = []
    articles = list(stream_inputs(paths, problems, quiet=quiet))
    finish_reading(len(articles), problems, strict=strict, quiet=quiet)
    return articles, problems


def stream_inputs(paths: Sequence[str], problems: list[Problem], *, quiet: bool) -> Iterator[Article]:
    """Each article read and prepared, in input order, under a progress bar; each input
    skipped is warned about as it comes and added to ``problems``."""
    from newsprism.ingest.reading import read_articles

    with progress(quiet) as bar:
        task = bar.add_task("reading", total=None)
        for item in read_articles(list(paths), stdin=sys.stdin.buffer):
            if isinstance(item, Problem):
                problems.append(item)
                warn_problem(item)
            else:
                yield item
            bar.advance(task)


def finish_reading(n_read: int, problems: Sequence[Problem], *, strict: bool, quiet: bool) -> None:
    """The summary line, and --strict."""
    if not quiet or problems:
        summarize(n_read, problems)
    if strict and problems:
        raise StrictModeError(f"{sum(p.count for p in problems)} input(s) skipped and --strict was given")


def summarize(n_read: int, problems: Iterable[Problem]) -> None:
    counts: Counter[str] = Counter()
    for p in problems:
        counts[p.reason] += p.count
    skipped = sum(counts.values())
    line = f"read {n_read} article(s)"
    if skipped:
        line += f", skipped {skipped}: " + ", ".join(f"{n} {r}" for r, n in sorted(counts.items()))
    err_console.print(line, highlight=False, soft_wrap=True)


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        if not text.endswith("\n"):
            sys.stdout.write("\n")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        err_console.print(f"wrote {output}", highlight=False)


def jsonl(rows: Iterable[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
