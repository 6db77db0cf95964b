"""`newsprism eval extraction`: body text and page metadata of real web pages, scored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import typer

from newsprism.commands._common import jsonl, lines_read, observing, write_output
from newsprism.commands._options import OUTPUT_OPT, QUIET_OPT, STRICT_OPT, Command


def eval_extraction_command(
    bench: Path = typer.Argument(..., help="The article_extraction folder (ground_truth.json and html/ID.html.gz).", show_default=False),
    half: Literal["dev", "other", "all"] = typer.Option("all", "--half", help="dev, other or all pages (sorted by id: dev is every other page from the first)."),
    labels: Path | None = typer.Option(None, "--labels", metavar="FILE", help="Also score title, byline, date and outlet against these labels (JSONL)."),
    pred: Path | None = typer.Option(None, "--pred", metavar="FILE", help="Score these articles (as `newsprism read` prints them) instead of reading the pages."),
    save_pred: Path | None = typer.Option(None, "--save-pred", metavar="FILE", help="Also write the articles read here, as `newsprism read` prints them."),
    fmt: Literal["text", "json"] = typer.Option("text", "--format", "-f", help="text or json (one object; body figures as score_extraction.py --json)."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Body precision, recall and F1 with the benchmark's own metric (the same figures as
    eval/scorers/score_extraction.py on the same pages), and with --labels the accuracy of
    title, byline, date and outlet (matching rules in newsprism.evaluation.extraction)."""
    from newsprism.evaluation.extraction import format_report, load_bench, read_labels, score_bodies, score_metadata
    from newsprism.evaluation.io import read_jsonl
    from newsprism.model import Problem

    b = load_bench(bench)
    ids = b.ids(half)
    skipped: list[Problem] = []
    predicted = {r["id"]: r for r in read_jsonl(pred, skipped, need_id=True)} if pred is not None else None
    labelled = read_labels(labels, skipped) if labels is not None else None
    lines_read(skipped, strict)
    if predicted is not None:
        rows = predicted
    else:
        rows = _read_pages(b.pages, set(ids), quiet, strict)
        if save_pred is not None:
            write_output(jsonl(rows.values()), save_pred)
    body = score_bodies({i: b.truth[i] for i in ids}, {i: r.get("text") or "" for i, r in rows.items()})
    meta = None
    if labelled is not None:
        wanted = set(ids)
        meta = score_metadata({k: v for k, v in labelled.items() if k in wanted}, rows)
    if fmt == "json":
        write_output(json.dumps({"half": half, **body, **({"metadata": meta} if meta else {})}), output)
    else:
        write_output(format_report(body, meta, half), output)


def _read_pages(pages: Path, wanted: set[str], quiet: bool, strict: bool) -> dict[str, dict[str, Any]]:
    """The pages of one half read as `newsprism read` reads them; a page it skips is warned of
    and counts as empty (a strict run stops, exit 3)."""
    from newsprism.ingest.reading import article_record
    from newsprism.model import Problem
    from newsprism.pipeline import Pipeline, Settings

    paths = sorted(str(p) for p in pages.glob("*") if p.name.split(".")[0] in wanted)
    skipped: list[Problem] = []
    with observing(quiet) as observer:
        pipeline = Pipeline(Settings(strict=strict), observer=observer)
        rows = {a.id: article_record(a) for a in pipeline.read_stream(paths, skipped)}
        pipeline.read_done(len(rows), skipped)
    return rows


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("extraction", cls=Command)(eval_extraction_command)
