"""What every command shares to show a run: progress bars and warnings on stderr, output."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from newsprism.model import Problem
from newsprism.pipeline import Observer

err_console = Console(stderr=True, highlight=False)

# What each stage of a run is called on its progress bar.
STAGE_LABELS = {"reading": "reading", "grouping": "clustering", "briefs": "analysing stories", "quotes": "finding quotes", "provenance": "tracing attributions", "summaries": "summarising"}


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


class ConsoleObserver(Observer):
    """Shows a run on stderr: a progress bar per stage, one warning line per
    skipped input, and what was read (always when something was skipped)."""

    def __init__(self, bar: Progress, quiet: bool) -> None:
        self.bar = bar
        self.quiet = quiet
        self.tasks: dict[str, TaskID] = {}

    def start(self, stage: str, total: int | None) -> None:
        self.tasks[stage] = self.bar.add_task(STAGE_LABELS.get(stage, stage), total=total)

    def advance(self, stage: str, n: int = 1) -> None:
        if stage in self.tasks:
            self.bar.advance(self.tasks[stage], n)

    def done(self, stage: str) -> None:
        task = self.tasks.pop(stage, None)
        if task is not None:
            self.bar.remove_task(task)

    def problem(self, problem: Problem) -> None:
        warn_problem(problem)

    def read(self, articles: int, problems: Sequence[Problem]) -> None:
        if not self.quiet or problems:
            summarize(articles, problems)


@contextmanager
def observing(quiet: bool) -> Iterator[ConsoleObserver]:
    """A ``ConsoleObserver`` whose progress bars show for the ``with`` block."""
    with progress(quiet) as bar:
        yield ConsoleObserver(bar, quiet)


def warn_problem(p: Problem) -> None:
    err_console.print(f"[yellow]warning:[/] {p.where()}: {p.message} (skipped)", markup=True, soft_wrap=True)


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


def jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
