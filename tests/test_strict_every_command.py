"""--strict means the same on every command that takes it: an input skipped is exit code 3, said in one line,
once every input was read (and nothing served, stored or scored)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import typer

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


def _args(command: tuple[str, ...], tmp: Path) -> list[str]:
    pile = tmp / "pile"
    pile.mkdir()
    (pile / "empty.txt").write_text("")
    (pile / "good.jsonl").write_text(json.dumps(GOOD) + "\n")
    gold = tmp / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "story": "s1"}) + "\n")
    refs = tmp / "refs.jsonl"
    refs.write_text(json.dumps({"story": "s1", "reference": "Ferry crews walked out."}) + "\n")
    extra = {
        ("add",): ["--db", str(tmp / "news.db")],
        ("serve",): ["--port", "1"],  # never reached: the strict run stops first
        ("eval", "cluster"): ["--gold", str(gold)],
        ("eval", "summary"): ["--gold", str(gold), "--references", str(refs)],
    }.get(command, [])
    return [*command, str(pile), *extra, "--strict", "-q"]


def test_the_strict_commands_are_the_ones_that_read_paths() -> None:
    assert {c[-1] for c in _strict_commands()} >= {"read", "analyze", "cluster", "quotes", "provenance", "serve", "add", "summary"}


@pytest.mark.parametrize("command", _strict_commands(), ids=" ".join)
def test_strict_skips_are_exit_3_in_one_line(command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsprism.cli import main

    saved = sys.argv
    sys.argv = ["newsprism", *_args(command, tmp_path)]
    try:
        with pytest.raises(SystemExit) as e:
            main()
    finally:
        sys.argv = saved
    err = capsys.readouterr().err
    assert e.value.code == 3, err
    assert "empty.txt" in err and err.startswith("warning: ")
    assert [line for line in err.splitlines() if line.startswith("error")] == [err.splitlines()[-1]]
    assert "Traceback" not in err and "internal error" not in err
    assert not (tmp_path / "news.db").exists()  # add stores nothing
