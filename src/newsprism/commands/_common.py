"""What every command shares to show a run: progress bars and warnings on stderr, output."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from newsprism.atomic import atomic_file
from newsprism.errors import InputError, StrictModeError
from newsprism.model import Problem
from newsprism.pipeline import Observer, Pipeline, require_articles
from newsprism.report.escape import dumps, visible

# markup=False: a path or a message is printed as it is ("a[/x]b.txt" is a file name, not a
# Rich tag); what may hold input text goes through ``say``, which escapes control characters.
err_console = Console(stderr=True, highlight=False, markup=False)

# What each stage of a run is called on its progress bar.
STAGE_LABELS = {"reading": "reading", "grouping": "clustering", "briefs": "analysing stories", "quotes": "finding quotes", "provenance": "tracing attributions", "summaries": "summarising"}


def progress(quiet: bool = False) -> Progress:
    """A Rich progress bar on stderr; silent when quiet or not a terminal. What a command
    writes to stdout while it shows goes where stdout goes: Rich would print it through the
    bar's console, onto stderr, which is right only when stdout is that same terminal (then
    the bar, redrawn, would otherwise erase the lines under it)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet or not err_console.is_terminal,
        redirect_stdout=sys.stdout is not None and sys.stdout.isatty(),  # None: started with stdout closed
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


def say(*parts: str | tuple[str, str]) -> None:
    """One line on stderr: plain strings, or (string, Rich style) pairs; every string as it is,
    its control characters escaped (a file name's ESC cannot reach the terminal)."""
    pieces = [(visible(p[0]), p[1]) if isinstance(p, tuple) else visible(p) for p in parts]
    err_console.print(Text.assemble(*pieces), soft_wrap=True)


def warn(message: str, label: str = "warning:") -> None:
    say((label, "yellow"), " ", message)


def warn_problem(p: Problem) -> None:
    warn(f"{p.where()}: {p.message} (skipped)")


def summarize(n_read: int, problems: Iterable[Problem]) -> None:
    line = f"read {n_read} article(s)"
    skipped = skip_counts(problems)
    say(f"{line}, {skipped}" if skipped else line)


def skip_counts(problems: Iterable[Problem]) -> str:
    """"skipped 3: 1 bad-json, 2 no-id", or "" when nothing was skipped."""
    counts: Counter[str] = Counter()
    for p in problems:
        counts[p.reason] += p.count
    skipped = sum(counts.values())
    return f"skipped {skipped}: " + ", ".join(f"{n} {r}" for r, n in sorted(counts.items())) if skipped else ""


def lines_read(skipped: Sequence[Problem], strict: bool) -> None:
    """An eval command has read its gold and prediction files: each line skipped is warned of,
    with its file and line, then counted in one line; a strict run stops here (exit 3)."""
    for p in skipped:
        warn_problem(p)
    if skipped:
        say(f"{skip_counts(skipped)} (lines of the gold, reference, article, label or prediction files)")
        if strict:
            raise StrictModeError(f"{sum(p.count for p in skipped)} line(s) skipped, and the run is strict")


def write_output(text: str, output: Path | None) -> None:
    text = text if text.endswith("\n") else text + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_file(output, text)
        say(f"wrote {output}")


def write_file(path: Path, text: str) -> None:
    with atomic_file(path) as f:
        f.write(text)


def jsonl(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(dumps(r) + "\n" for r in rows)


def require_gold(gold: Path, n: int) -> None:
    """An eval command stops when its gold file held nothing to score against (every line bad, or
    none): its figures were made of nothing (quotes and provenance 0.0, cluster pairwise 1.0), exit 0."""
    if not n:
        raise InputError(f"{gold}: no gold records read")


def gold_and_predictions(
    paths: Sequence[str], gold: Path, pred: Path | None, save_pred: Path | None, quiet: bool, strict: bool,
    predict: Callable[[Pipeline, list[dict[str, Any]], set[str]], list[dict[str, Any]]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """An eval command's records: the articles of ``paths``, the gold rows, and the predictions,
    read from ``pred`` or made by ``predict`` (a pipeline, the articles, the gold's ids) and
    saved to ``save_pred`` when asked. A bad line is skipped, as ``lines_read`` says."""
    from newsprism.evaluation.io import read_records

    skipped: list[Problem] = []
    articles = [r for p in paths for r in read_records(Path(p), skipped)]
    gold_rows = read_records(gold, skipped)
    predicted = read_records(pred, skipped) if pred is not None else None
    lines_read(skipped, strict)
    require_gold(gold, len(gold_rows))
    require_articles(len(articles))
    if predicted is not None:
        return articles, gold_rows, predicted
    with observing(quiet) as observer:
        predictions = predict(Pipeline(observer=observer), articles, {g["id"] for g in gold_rows})
    if save_pred is not None:
        write_output(jsonl(predictions), save_pred)
    return articles, gold_rows, predictions
