"""`newsprism provenance`: which stretches of each article rest on someone other than the outlet."""

from __future__ import annotations

from pathlib import Path

import typer

from newsprism.commands._common import OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, check_format, jsonl, progress, read_articles, write_output

FORMATS = ("jsonl",)


def provenance_command(
    paths: list[str] = PATHS_ARG,
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl: one line per article."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """One line per article: {"id", "spans": [{"start", "end", "source": {"start", "end", "text", "name",
    "kind"} | null, "via": [names], "act"}]}, the stretches credited to a source (offsets into the text);
    the rest is the outlet's own voice. act: speech, belief, intention or finding."""
    from newsprism.provenance.stretches import provenance_rows

    check_format(fmt, FORMATS)
    articles = read_articles(paths, strict=strict, quiet=quiet)
    with progress(quiet) as bar:
        task = bar.add_task("tracing attributions", total=len(articles))
        rows = provenance_rows(articles, advance=lambda: bar.advance(task))
    write_output(jsonl(rows), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("provenance")(provenance_command)
