"""`newsprism eval provenance`: score per-stretch provenance against PolNeAR-format gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import typer

from newsprism.commands._common import gold_and_predictions, write_output
from newsprism.commands._options import OUTPUT_OPT, QUIET_OPT, STRICT_OPT, Command


def eval_provenance_command(
    paths: list[str] = typer.Argument(..., help="Article JSONL file(s) with the gold documents' texts.", show_default=False),
    gold: Path = typer.Option(..., "--gold", metavar="FILE", help="Gold attributions JSONL (PolNeAR format)."),
    pred: Path | None = typer.Option(None, "--pred", metavar="FILE", help="Score these predictions (as `newsprism provenance` prints) instead of tracing."),
    save_pred: Path | None = typer.Option(None, "--save-pred", metavar="FILE", help="Also write the predictions made here."),
    fmt: Literal["text", "json"] = typer.Option("text", "--format", "-f", help="text or json (one object, as score_provenance.py --json)."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Attributed precision, recall and F1 (characters credited to a source) and source accuracy.

    Matching (same as eval/scorers/score_provenance.py): alphanumeric characters only; a gold
    attribution covers its source, cue and content from first to last character; the first
    annotator per document; a source is right when its span overlaps the gold source or its
    name or words equal, hold or sit in the gold source's words.
    """
    from newsprism.evaluation.provenance import format_report, gold_articles, score_provenance

    rows, gold_rows, predictions = gold_and_predictions(
        paths, gold, pred, save_pred, quiet, strict, lambda pipeline, rows, ids: pipeline.provenance_rows(gold_articles(rows, ids)))
    result = score_provenance(rows, gold_rows, predictions)
    write_output(json.dumps(result) if fmt == "json" else format_report(result), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("provenance", cls=Command)(eval_provenance_command)
