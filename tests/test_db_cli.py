"""The database commands as a user runs them: add, stories, brief, export, and their errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT

GOLDEN = ROOT / "tests" / "golden" / "harlow-dam.md"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in its own process (exit codes, error lines)."""
    return subprocess.run([sys.executable, "-m", "newsprism", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def _out(*args: str) -> str:
    """What a command that succeeds prints, run in this process (no interpreter to start)."""
    from typer.testing import CliRunner

    from newsprism.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("db") / "news.db")
    proc = _run("add", str(EXAMPLE), "--db", db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "added 7 articles (1 copy), 1 new story, 0 updated stories, skipped 0"
    return db


def test_stored_brief_is_the_brief_analyze_writes(example_db: str) -> None:
    proc = _run("brief", "s1", "--db", example_db)
    assert proc.returncode == 0, proc.stderr
    golden = GOLDEN.read_text(encoding="utf-8")
    assert proc.stdout == golden[golden.index("## ") :]  # the one story's section, byte for byte
    as_json = json.loads(_out("brief", "s1", "--db", example_db, "--format", "json"))
    assert as_json["id"] == "s1" and len(as_json["articles"]) == 7 and as_json["claims"]
    html = _out("brief", "s1", "--db", example_db, "--format", "html")
    assert html.startswith("<!DOCTYPE html>") and "Harlow Dam" in html


def test_stories_jsonl_md_query_since(example_db: str) -> None:
    (line,) = _out("stories", "--db", example_db).splitlines()
    row = json.loads(line)
    assert list(row) == ["id", "title", "articles", "first_seen", "last_updated"]
    assert row["id"] == "s1" and len(row["articles"]) == 7 and row["title"].startswith("Harlow Dam")
    assert _out("stories", "--db", example_db, "--query", "spillway cracks").strip()
    assert _out("stories", "--db", example_db, "--query", "volcano") == ""
    assert _out("stories", "--db", example_db, "--since", "2999-01-01") == ""
    md = _out("stories", "--db", example_db, "--format", "md")
    assert "| Harlow Dam cracks force mass evacuation in Kestrel Valley | 7 |" in md


def test_brief_says_what_is_new_since(example_db: str) -> None:
    out = _out("brief", "s1", "--db", example_db, "--since", "2000-01-01")
    assert "### New since 2000-01-01 00:00:00 UTC" in out and "`02-northern-ledger` Northern Ledger" in out
    later = json.loads(_out("brief", "s1", "--db", example_db, "--since", "2999-01-01", "-f", "json"))
    assert later["new_since"]["articles"] == [] and later["new_since"]["events"] == []
    # the HTML page too: --since was dropped without a word
    html = _out("brief", "s1", "--db", example_db, "--since", "2000-01-01", "-f", "html")
    news = html.split('id="new-since"')[1].split("</section>")[0]
    assert "New since 2000-01-01 00:00:00 UTC" in news and "Northern Ledger" in news and news.count("<li>") == 7
    assert "Nothing new." in _out("brief", "s1", "--db", example_db, "--since", "2999-01-01", "-f", "html")


def test_export_jsonl(example_db: str) -> None:
    rows = [json.loads(line) for line in _out("export", "--db", example_db, "--format", "jsonl").splitlines()]
    kinds = [r["type"] for r in rows]
    assert kinds == ["article"] * 7 + ["story", "brief"]
    assert rows[0]["text"] and rows[7]["first_seen"] and rows[8]["claims"]


def test_export_shows_progress_on_stderr_never_in_the_data_and_is_quiet_with_q(
    example_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stderr a terminal, stdout a pipe: the bars show on stderr, and stdout holds the data
    alone (Rich printed what was written to stdout under a bar onto the bar's console)."""
    import io

    from rich.console import Console
    from rich.text import Text

    import newsprism.commands._common as common

    expected = _out("export", "--db", example_db, "-q")
    for quiet in (False, True):
        terminal = io.StringIO()
        monkeypatch.setattr(common, "err_console", Console(file=terminal, force_terminal=True, width=120, markup=False))
        out = _out("export", "--db", example_db, *(["-q"] if quiet else []))
        shown = Text.from_ansi(terminal.getvalue()).plain
        assert out == expected and len(out.splitlines()) == 9
        if quiet:
            assert shown == ""
        else:
            assert "exporting articles" in shown and "7/7" in shown and "exporting briefs" in shown
            assert '"type"' not in shown


def test_unknown_story_and_missing_database(example_db: str, tmp_path: Path) -> None:
    proc = _run("brief", "s99", "--db", example_db)
    assert proc.returncode == 1 and "no story 's99'" in proc.stderr
    missing = tmp_path / "none.db"
    proc = _run("stories", "--db", str(missing))
    assert proc.returncode == 1 and "no such database" in proc.stderr and not missing.exists()


def test_add_of_nothing_readable_stops_as_analyze_does_and_makes_no_database(tmp_path: Path) -> None:
    """A mistyped path made an empty database and exited 0, where analyze exits 1."""
    db = tmp_path / "new.db"
    (tmp_path / "empty").mkdir()
    for paths in (["no/such/file.txt"], ["no/such/file.txt", str(tmp_path / "empty")]):
        analyzed = _run("analyze", *paths)
        added = _run("add", *paths, "--db", str(db))
        assert analyzed.returncode == added.returncode == 1, added.stderr
        assert added.stderr == analyzed.stderr and "no/such/file.txt: no such file" in added.stderr
        assert added.stderr.strip().splitlines()[-1] == "error: no readable articles in the input"
        assert not db.exists() and list(tmp_path.iterdir()) == [tmp_path / "empty"]
    assert _run("add", "no/such/file.txt", "--db", str(db), "--strict", "-q").returncode == 3  # as analyze --strict


@pytest.mark.parametrize("command", [("stories",), ("brief", "s1"), ("export",), ("watch", "EMPTY", "--once")], ids=lambda c: c[0])
def test_db_help_says_created_if_missing_where_the_command_creates_it(
    command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """stories, brief and export said of --db "a SQLite file (created if missing)" and stop at a missing one."""
    from conftest import run_main

    (tmp_path / "empty").mkdir()
    db = tmp_path / "new.db"
    args = [str(tmp_path / "empty") if a == "EMPTY" else a for a in command]
    code, _, err = run_main(capsys, *args, "--db", str(db), "-q" if command[0] in ("export", "watch") else "--format=md")
    monkeypatch.setenv("COLUMNS", "3000")
    _, shown, _ = run_main(capsys, command[0], "--help")
    assert ("created if missing" in shown) == db.exists(), f"{command[0]} --help: created if missing? {db.exists()}"
    assert (code, db.exists()) == ((0, True) if command[0] == "watch" else (1, False)), err


@pytest.mark.parametrize("kind", ["foreign", "truncated", "newer", "text"])
def test_damaged_foreign_or_newer_databases_one_line_exit_1_untouched(example_db: str, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "news.db"
    if kind == "foreign":
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE accounts (name TEXT)")
    elif kind == "text":
        path.write_text("hello, I am a shopping list\n" * 50)
    else:
        src, db = sqlite3.connect(example_db), sqlite3.connect(path)
        src.backup(db)
        src.close()
        if kind == "newer":
            db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
            db.commit()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        if kind == "truncated":
            path.write_bytes(path.read_bytes()[:8192])
        for extra in ("-wal", "-shm"):
            Path(str(path) + extra).unlink(missing_ok=True)
    before = path.read_bytes()
    proc = _run("add", str(EXAMPLE), "--db", str(path), "-q")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0]
    assert path.read_bytes() == before


def test_the_commands_on_postgresql(pg_url: str) -> None:
    proc = _run("add", str(EXAMPLE), "--db", pg_url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "added 7 articles (1 copy), 1 new story, 0 updated stories, skipped 0"
    (row,) = [json.loads(line) for line in _out("stories", "--db", pg_url, "--query", "spillway").splitlines()]
    golden = GOLDEN.read_text(encoding="utf-8")
    assert _out("brief", row["id"], "--db", pg_url) == golden[golden.index("## ") :]
    assert len(_out("export", "--db", pg_url, "--format", "jsonl").splitlines()) == 9
    again = _run("add", str(EXAMPLE), "--db", pg_url, "-q")
    assert again.returncode == 0 and again.stderr == ""
