"""--strict means the same on every command that takes it: an input skipped is exit code 3, said in one line,
once every input was read (and nothing served, stored or scored). The commands that take it are the ones that
read inputs, and on each, nothing readable at all is exit code 1, said in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer

from conftest import run_main

GOOD = {"id": "g1", "title": "Ferry strike", "text": "Ferry crews walked out on Monday, the union said.", "outlet": "Alder Gazette"}


def _strict_commands() -> list[tuple[str, ...]]:
    from newsprism.cli import app

    root = typer.main.get_command(app)
    out: list[tuple[str, ...]] = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        for path, sub in ([((name, s), c) for s, c in cmd.commands.items()] if hasattr(cmd, "commands") else [((name,), cmd)]):
            if any("--strict" in p.opts for p in sub.params):
                out.append(path)
    return out


def _args(command: tuple[str, ...], tmp: Path, good: bool = True) -> tuple[list[str], str]:
    """The command's arguments with one bad input among good ones (or alone), and how its warning names it."""
    pile = tmp / "pile"
    pile.mkdir()
    (pile / "empty.txt").write_text("")
    if good:
        (pile / "good.jsonl").write_text(json.dumps(GOOD) + "\n")
    gold = tmp / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "story": "s1"}) + "\n")
    refs = tmp / "refs.jsonl"
    refs.write_text(json.dumps({"story": "s1", "reference": "Ferry crews walked out."}) + "\n")
    # eval quotes and provenance read JSONL files of articles and gold: the bad input is a line.
    articles = tmp / "articles.jsonl"
    articles.write_text((json.dumps(GOOD) if good else "") + "\n{not json\n")
    attributions = tmp / "attributions.jsonl"
    attributions.write_text(json.dumps({"id": "g1", "annotator": "a", "attributions": []}) + "\n")
    # eval extraction reads a benchmark folder: the bad input is a page the reader skips.
    bench = tmp / "bench"
    (bench / "html").mkdir(parents=True)
    (bench / "ground_truth.json").write_text(json.dumps({"p1": {"articleBody": "Ferry crews walked out."}}))
    (bench / "html" / "p1.html").write_text("")
    db = ["--db", str(tmp / "news.db")]
    args, bad = {
        ("add",): ([str(pile), *db], "empty.txt"),
        ("watch",): ([str(pile), *db, "--once"], "empty.txt"),
        ("serve",): ([str(pile), "--port", "1"], "empty.txt"),  # never served: the strict run stops first
        ("eval", "cluster"): ([str(pile), "--gold", str(gold)], "empty.txt"),
        ("eval", "summary"): ([str(pile), "--gold", str(gold), "--references", str(refs)], "empty.txt"),
        ("eval", "quotes"): ([str(articles), "--gold", str(attributions)], "articles.jsonl:2"),
        ("eval", "provenance"): ([str(articles), "--gold", str(attributions)], "articles.jsonl:2"),
        ("eval", "extraction"): ([str(bench)], "p1.html"),
    }.get(command, ([str(pile)], "empty.txt"))
    return [*command, *args], bad


def test_the_strict_commands_are_the_ones_that_read_inputs() -> None:
    assert {c[-1] for c in _strict_commands()} == {
        "read", "analyze", "cluster", "quotes", "provenance", "serve", "add", "watch", "summary", "extraction"}
    assert len(_strict_commands()) == 13  # cluster, quotes and provenance also as eval commands


@pytest.mark.parametrize("command", _strict_commands(), ids=" ".join)
def test_strict_skips_are_exit_3_in_one_line(command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args, bad = _args(command, tmp_path)
    code, _, err = run_main(capsys, *args, "--strict", "-q")
    assert code == 3, err
    assert err.startswith("warning: ") and f"{bad}: " in err.splitlines()[0], err
    assert [line for line in err.splitlines() if line.startswith("error")] == [err.splitlines()[-1]]
    assert "Traceback" not in err and "internal error" not in err
    if (tmp_path / "news.db").exists():  # watch opens its database before it polls
        from newsprism.store import open_store

        store = open_store(str(tmp_path / "news.db"))
        try:
            assert store.count_articles() == 0 and store.sources() == []  # nothing of the round stored
        finally:
            store.close()
    assert command == ("watch",) or not (tmp_path / "news.db").exists()  # add stores nothing


@pytest.mark.parametrize("command", [c for c in _strict_commands() if c != ("watch",)], ids=" ".join)
def test_nothing_readable_is_exit_1_in_one_line_and_no_output(
    command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cluster, quotes, provenance, read and eval extraction printed nothing (cluster an empty line) and exited 0
    where analyze, serve and add exit 1: a mistyped path passed for a pile with no stories in it. A watch is left
    out: a round with nothing new in a folder is what a watch mostly sees."""
    args, bad = _args(command, tmp_path, good=False)
    out_file = tmp_path / "out.txt"
    takes_output = command != ("serve",) and command != ("add",)
    code, out, err = run_main(capsys, *args, *(["-o", str(out_file)] if takes_output else []))
    assert code == 1, err
    assert err.startswith("warning: ") and f"{bad}: " in err.splitlines()[0], err
    assert err.splitlines()[-1] == "error: no readable articles in the input", err
    assert out == "" and not out_file.exists() and not (tmp_path / "news.db").exists()
