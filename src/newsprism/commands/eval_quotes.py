"""`newsprism eval quotes`: score quote extraction against PolNeAR-format gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import typer

from newsprism.commands._common import gold_and_predictions, write_output
from newsprism.commands._options import OUTPUT_OPT, QUIET_OPT, STRICT_OPT, Command


def _jaccard(value: float) -> float:
    # A Jaccard overlap lies in (0, 1]: 2 matched nothing, 0 or less paired spans that share no character.
    if not 0 < value <= 1:
        raise typer.BadParameter(f"{value} is no Jaccard overlap: give more than 0, at most 1")
    return value


def eval_quotes_command(
    paths: list[str] = typer.Argument(..., help="Article JSONL file(s) with the gold documents' texts.", show_default=False),
    gold: Path = typer.Option(..., "--gold", metavar="FILE", help="Gold attributions JSONL (PolNeAR format)."),
    pred: Path | None = typer.Option(None, "--pred", metavar="FILE", help="Score these predictions (as `newsprism quotes` prints) instead of extracting."),
    save_pred: Path | None = typer.Option(None, "--save-pred", metavar="FILE", help="Also write the predictions made here."),
    threshold: float = typer.Option(0.5, "--threshold", metavar="J", callback=_jaccard, help="Minimum Jaccard of alphanumeric characters for a content match."),
    fmt: Literal["text", "json"] = typer.Option("text", "--format", "-f", help="text or json (one object, as score_quotes.py --json)."),
    as_json: bool = typer.Option(False, "--json", help="The same as --format json."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Content P/R/F1 (direct and indirect apart), speaker accuracy, end-to-end F1.

    Matching (same as eval/scorers/score_quotes.py): alphanumeric characters
    only, Jaccard >= threshold, greedy one-to-one per document, first
    annotator per document; speaker right when its span overlaps the gold
    source or its words are a run of the gold source's words.
    """
    from newsprism.evaluation.quotes import format_report, raw_articles, score_quotes

    articles, gold_rows, predictions = gold_and_predictions(
        paths, gold, pred, save_pred, quiet, strict, lambda pipeline, rows, ids: pipeline.quote_rows(raw_articles(rows, ids)))
    result = score_quotes(articles, gold_rows, predictions, threshold)
    write_output(json.dumps(result) if as_json or fmt == "json" else format_report(result), output)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("quotes", cls=Command)(eval_quotes_command)
