"""`newsprism eval quotes`: score quote extraction against PolNeAR-format gold."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsprism.commands._common import OUTPUT_OPT, QUIET_OPT, write_output
from newsprism.errors import EvalError, InputError


def eval_quotes_command(
    paths: list[str] = typer.Argument(..., help="Article JSONL file(s) with the gold documents' texts."),
    gold: Path = typer.Option(..., "--gold", help="Gold attributions JSONL (PolNeAR format)."),
    pred: Path | None = typer.Option(None, "--pred", help="Score these predictions (as `newsprism quotes` prints) instead of extracting."),
    save_pred: Path | None = typer.Option(None, "--save-pred", help="Also write the predictions made here."),
    threshold: float = typer.Option(0.5, "--threshold", help="Minimum Jaccard of alphanumeric characters for a content match."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    output: Path | None = OUTPUT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Content P/R/F1 (direct and indirect apart), speaker accuracy, end-to-end F1.

    Matching (same as eval/scorers/score_quotes.py): alphanumeric characters
    only, Jaccard >= threshold, greedy one-to-one per document, first
    annotator per document; speaker right when its span overlaps the gold
    source or its words are a run of the gold source's words.
    """
    from newsprism.commands._common import jsonl
    from newsprism.evaluation.quotes import format_report, score_quotes

    articles = [r for p in paths for r in _read(Path(p))]
    if not articles:
        raise InputError("no articles in the input")
    gold_rows = list(_read(gold))
    if pred is not None:
        predictions = list(_read(pred))
    else:
        predictions = _predict(articles, {g["id"] for g in gold_rows}, quiet)
        if save_pred is not None:
            write_output(jsonl(predictions), save_pred)
    result = score_quotes(articles, gold_rows, predictions, threshold)
    write_output(json.dumps(result) if as_json else format_report(result), output)


def _read(path: Path) -> list[dict]:
    from newsprism.evaluation.io import read_jsonl

    if not path.exists():
        raise InputError(f"{path}: no such file")
    rows = list(read_jsonl(path))
    for n, r in enumerate(rows, 1):
        if not isinstance(r, dict) or "id" not in r:
            raise EvalError(f"{path}: record {n} has no id")
    return rows


def _predict(rows: list[dict], wanted: set[str], quiet: bool) -> list[dict]:
    """Extract quotes from the raw article texts: gold offsets refer to them, unprepared."""
    from newsprism.commands.quotes import quote_rows
    from newsprism.model import Article

    return quote_rows([Article(id=r["id"], text=r.get("text") or "") for r in rows if r["id"] in wanted], quiet)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("quotes")(eval_quotes_command)
