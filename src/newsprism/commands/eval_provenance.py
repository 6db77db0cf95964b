"""`newsprism eval provenance`: score per-stretch provenance against PolNeAR-format gold."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsprism.commands._common import OUTPUT_OPT, QUIET_OPT, check_format, progress, write_output
from newsprism.errors import InputError

FORMATS = ("text", "json")


def eval_provenance_command(
    paths: list[str] = typer.Argument(..., help="Article JSONL file(s) with the gold documents' texts."),
    gold: Path = typer.Option(..., "--gold", help="Gold attributions JSONL (PolNeAR format)."),
    pred: Path | None = typer.Option(None, "--pred", help="Score these predictions (as `newsprism provenance` prints) instead of tracing."),
    save_pred: Path | None = typer.Option(None, "--save-pred", help="Also write the predictions made here."),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json (one object)."),
    output: Path | None = OUTPUT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Attributed precision, recall and F1 (characters credited to a source) and source accuracy.

    Matching (same as eval/scorers/score_provenance.py): alphanumeric characters only; a gold
    attribution covers its source, cue and content from first to last character; the first
    annotator per document; a source is right when its span overlaps the gold source or its
    name or words equal, hold or sit in the gold source's words.
    """
    from newsprism.commands._common import jsonl
    from newsprism.commands.eval_quotes import _read
    from newsprism.evaluation.provenance import format_report, score_provenance

    check_format(fmt, FORMATS)
    rows = [r for p in paths for r in _read(Path(p))]
    if not rows:
        raise InputError("no articles in the input")
    gold_rows = _read(gold)
    if pred is not None:
        predictions = _read(pred)
    else:
        predictions = _predict(rows, {g["id"] for g in gold_rows}, quiet)
        if save_pred is not None:
            write_output(jsonl(predictions), save_pred)
    result = score_provenance(rows, gold_rows, predictions)
    write_output(json.dumps(result) if fmt == "json" else format_report(result), output)


def _predict(rows: list[dict], wanted: set[str], quiet: bool) -> list[dict]:
    """Trace the gold documents' texts as read (prepared, the text itself untouched: gold offsets refer to it)."""
    from newsprism.extract.prepare import prepare_articles
    from newsprism.model import Article
    from newsprism.provenance.stretches import provenance_rows

    articles = prepare_articles([Article(id=r["id"], text=r.get("text") or "", title=r.get("title"), outlet=r.get("outlet"))
                                 for r in rows if r["id"] in wanted])
    with progress(quiet) as bar:
        task = bar.add_task("tracing attributions", total=len(articles))
        return provenance_rows(articles, advance=lambda: bar.advance(task))


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    eval_app.command("provenance")(eval_provenance_command)
