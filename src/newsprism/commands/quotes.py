"""`newsprism quotes`: direct quotes and reported speech with resolved speakers, per article."""

from __future__ import annotations

from pathlib import Path

import typer

from newsprism.commands._common import check_format, OUTPUT_OPT, PATHS_ARG, QUIET_OPT, STRICT_OPT, jsonl, progress, read_articles, write_output
from newsprism.model import Article

FORMATS = ("jsonl", "md")


def quotes_command(
    paths: list[str] = PATHS_ARG,
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl (one line per article) or md."),
    output: Path | None = OUTPUT_OPT,
    strict: bool = STRICT_OPT,
    quiet: bool = QUIET_OPT,
) -> None:
    """Find who said what in each article: content, cue and speaker spans, offsets into the text."""
    check_format(fmt, FORMATS)
    articles = read_articles(paths, strict=strict, quiet=quiet)
    rows = quote_rows(articles, quiet)
    by_id = {a.id: a for a in articles}
    write_output(jsonl(rows) if fmt == "jsonl" else _markdown(rows, by_id), output)


def quote_rows(articles: list[Article], quiet: bool) -> list[dict]:
    """One `{"id", "quotes"}` row per article, parsing in batches to keep memory flat."""
    from newsprism.nlp import NLP
    from newsprism.quotes import QuoteExtractor, article_row

    nlp = NLP()
    extractor = QuoteExtractor()
    rows = []
    with progress(quiet) as bar:
        task = bar.add_task("finding quotes", total=len(articles))
        for start in range(0, len(articles), 64):
            batch = articles[start : start + 64]
            nlp.docs(batch)
            for a in batch:
                rows.append(article_row(a.id, extractor.extract(a, nlp)))
                bar.advance(task)
            nlp.forget(a.id for a in batch)
    return rows


def _markdown(rows: list[dict], by_id: dict) -> str:
    out = []
    for row in rows:
        text = by_id[row["id"]].text
        out += [f"## {row['id']}", ""]
        for q in row["quotes"]:
            spk = q["speaker"]
            who = f"{spk['name']} ({spk['kind']})" if spk else "unknown speaker"
            content = " ".join(text[q["content"]["start"] : q["content"]["end"]].split())
            out.append(f"- **{who}** {'“' + content + '”' if q['direct'] else content}")
        out.append("")
    return "\n".join(out)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.command("quotes")(quotes_command)
