"""`newsprism eval cluster`: score story clustering against gold story labels."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal

import typer

from newsprism.commands._common import jsonl, lines_read, observing, require_gold, write_output
from newsprism.commands._options import EMBEDDER_OPT, GROUPING_WORKERS_OPT, OUTPUT_OPT, QUIET_OPT, STRICT_OPT, Command
from newsprism.errors import InputError
from newsprism.model import Problem


def eval_cluster_command(
    paths: list[str] = typer.Argument(None, help="Articles to cluster (files, directories, globs).", show_default=False),
    gold: Path = typer.Option(..., "--gold", metavar="FILE", help="Gold JSONL, one {\"id\", \"story\"} per line."),
    pred: Path | None = typer.Option(None, "--pred", metavar="FILE", help="Score these predictions ({\"id\", \"story\"} lines) instead of clustering."),
    save_pred: Path | None = typer.Option(None, "--save-pred", metavar="FILE", help="Also write the predictions made here."),
    fmt: Literal["text", "json"] = typer.Option("text", "--format", "-f", help="text or json (one object, as score_clusters.py --json)."),
    embedder: str = EMBEDDER_OPT,
    workers: int | None = GROUPING_WORKERS_OPT,
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """BCubed and pairwise precision, recall and F1, adjusted Rand index, cluster counts.

    Same rules and figures as eval/scorers/score_clusters.py: scored over the
    gold ids; a gold id left unpredicted is a singleton; extra ids are ignored.
    """
    from newsprism.evaluation.clusters import as_json, format_report, labels_from_rows, read_labels, score_clusters
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.report.jsonout import grouping_row

    skipped: list[Problem] = []
    gold_labels, gold_dups = read_labels(gold, skipped)
    read_pred = read_labels(pred, skipped) if pred is not None else None
    lines_read(skipped, strict)
    require_gold(gold, len(gold_labels))
    if read_pred is not None:
        pred_labels, pred_dups = read_pred
    else:
        if not paths:
            raise InputError("give the articles to cluster, or --pred with predictions")
        with observing(quiet) as observer:
            pipeline = Pipeline(Settings(embedder=embedder, workers=workers, strict=strict), observer=observer)
            articles = pipeline.read(paths, stdin=sys.stdin.buffer).articles
            pipeline.group(articles)
        rows = [grouping_row(a) for a in articles]
        if save_pred is not None:
            write_output(jsonl(rows), save_pred)
        pred_labels, pred_dups = labels_from_rows(rows)
    metrics = score_clusters(gold_labels, pred_labels)
    metrics["duplicates"] = {"gold": gold_dups, "pred": pred_dups}
    write_output(as_json(metrics) if fmt == "json" else format_report(metrics), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("cluster", cls=Command)(eval_cluster_command)
