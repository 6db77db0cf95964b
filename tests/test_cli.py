"""The command line as a user meets it: entry points, errors as one line, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, run_main


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsprism", *args], cwd=ROOT, capture_output=True, text=True,
        input=stdin, timeout=300,
    )


def test_version_via_python_m() -> None:
    proc = _run("--version")
    assert proc.returncode == 0
    assert proc.stdout.startswith("newsprism ")


def test_help_lists_commands() -> None:
    out = _run("--help").stdout
    for cmd in ("analyze", "cluster", "quotes", "eval", "serve"):
        assert cmd in out


def test_missing_path_is_one_line_and_nonzero() -> None:
    proc = _run("analyze", "no/such/dir", "--quiet")
    assert proc.returncode == 1  # an input error: the path is skipped with a warning, and nothing is left to read
    assert "Traceback" not in proc.stderr
    assert "no/such/dir" in proc.stderr
    assert proc.stderr.strip().count("\n") <= 2


def test_unknown_format_is_rejected() -> None:
    proc = _run("analyze", "examples/harlow-dam", "--format", "pdf", "--quiet")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "pdf" in proc.stderr


def test_strict_fails_on_a_skipped_input(tmp_path) -> None:
    (tmp_path / "empty.txt").write_text("")
    ok = tmp_path / "ok.txt"
    ok.write_text("Bridge closed\n\nThe Alder Bridge was closed on Friday after a crack was found, officials said.\n")
    lax = _run("analyze", str(tmp_path), "--quiet", "--format", "json")
    assert lax.returncode == 0, lax.stderr
    assert "empty.txt" in lax.stderr
    strict = _run("analyze", str(tmp_path), "--quiet", "--strict")
    assert strict.returncode == 3
    assert "Traceback" not in strict.stderr


def test_stdin_jsonl() -> None:
    line = '{"id": "a1", "title": "Ferry strike", "text": "Ferry crews walked out on Monday, the union said.", "outlet": "Alder Gazette"}\n'
    proc = _run("analyze", "-", "--format", "json", stdin=line)
    assert proc.returncode == 0, proc.stderr
    assert '"a1"' in proc.stdout
    assert proc.stderr.splitlines() == ["read 1 article(s)", "1 story(ies)"]  # was "1 stories"


# ---------------------------------------------------------------- conventions: exit codes, usage, help


FIXTURES = ROOT / "tests" / "fixtures"


@pytest.mark.parametrize("args", [(), ("analyze",), ("analyze", "--bogus"), ("eval",), ("eval", "cluster")])
def test_a_usage_error_is_one_line_and_exits_2(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    code, out, err = run_main(capsys, *args)
    assert code == 2, err
    if args in ((), ("eval",)):  # a group left without its command shows its help (on stdout, as typer does)
        assert "Usage: newsprism" in out
    else:  # a wrong command line: one line, naming where to read how it goes
        assert err.startswith("error: ") and err.count("\n") == 1, err
        assert err.rstrip().endswith(f"(see newsprism {' '.join(args[:-1] if args[-1] == '--bogus' else args)} --help)")
    assert "internal error" not in err and "Traceback" not in err


def test_usage_errors_exit_2_from_the_installed_entry_point() -> None:
    proc = _run()
    assert proc.returncode == 2 and "Usage: newsprism" in proc.stdout
    for args in (("analyze",), ("analyze", "--bogus")):
        proc = _run(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1, proc.stderr


def test_an_unknown_option_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run_main(capsys, "analyze", "--bogus")
    assert err == "error: no such option: --bogus (see newsprism analyze --help)\n"


@pytest.mark.parametrize(("args", "said"), [
    (("analyze", "x", "--workers", "many"), "error: --workers: 'many' should be a valid integer"),
    (("serve", "--port", "0"), "error: --port: '0' should be greater than or equal to 1"),
    (("stories", "--db"), "error: option '--db' requires an argument (see newsprism stories --help)"),
    (("eval", "nosuch"), "error: no such command 'nosuch' (see newsprism eval --help)"),
    (("analyze",), "error: missing argument 'PATHS' (see newsprism analyze --help)"),
])
def test_other_usage_errors_are_one_line_too(capsys: pytest.CaptureFixture[str], args: tuple[str, ...], said: str) -> None:
    code, _, err = run_main(capsys, *args)
    assert code == 2 and err.startswith(said) and err.count("\n") == 1, err


def test_a_value_outside_its_choices_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "cluster", "examples/harlow-dam", "--format", "pdf")
    assert code == 2
    assert err == "error: --format: 'pdf' is not one of 'jsonl', 'json', 'md' (see newsprism cluster --help)\n"


def test_a_bad_time_between_rounds_is_a_usage_error_naming_its_flag(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    code, _, err = run_main(capsys, "watch", str(tmp_path), "--db", str(tmp_path / "w.db"), "--every", "soon", "--once")
    assert code == 2
    assert err.startswith("error: --every: ") and "'soon'" in err and err.count("\n") == 1
    assert not (tmp_path / "w.db").exists()  # refused before the database is made


def test_settings_that_do_not_go_together_are_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    code, _, err = run_main(capsys, "analyze", "examples/harlow-dam", "--single-story", "--state", str(tmp_path / "s.json"), "-q")
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1


def test_a_malformed_ray_address_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """One line naming the address, exit 2 (it was exit 70, "internal error: ValueError", as if a bug)."""
    code, _, err = run_main(capsys, "analyze", "examples/harlow-dam", "-q", "--engine", "ray", "--address", "nope")
    assert code == 2, err
    assert err.startswith("error: not a Ray cluster address: 'nope'") and err.count("\n") == 1


def test_a_bug_is_one_line_and_exit_70(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism import pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline.Pipeline, "run", broken)
    monkeypatch.delenv("NEWSPRISM_DEBUG", raising=False)
    code, _, err = run_main(capsys, "analyze", "examples/harlow-dam", "-q")
    assert code == 70
    assert err.startswith("internal error: ZeroDivisionError: division by zero")
    assert err.count("\n") == 1 and "Traceback" not in err


def _commands() -> list[tuple[str, ...]]:
    import typer

    from newsprism.cli import app

    root = typer.main.get_command(app)
    out: list[tuple[str, ...]] = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        out += [(name, sub) for sub in subs] if subs else [(name,)]
    return out


def test_every_command_is_listed_for_the_help_test() -> None:
    assert {"read", "analyze", "cluster", "quotes", "serve", "add", "eval"} <= {c[0] for c in _commands()}


def _with_format() -> list[tuple[str, ...]]:
    import typer

    from newsprism.cli import app

    def command(path: tuple[str, ...]) -> Any:
        cmd: Any = typer.main.get_command(app)
        for name in path:
            cmd = cmd.commands[name]
        return cmd

    return [path for path in _commands() if any("--format" in getattr(p, "opts", ()) for p in command(path).params)]


def test_every_command_with_a_format_has_one_here() -> None:
    """The test below covers every command that takes --format, found from the app itself."""
    assert {" ".join(c) for c in _with_format()} == {
        "read", "analyze", "cluster", "quotes", "provenance", "stories", "brief", "export",
        "eval cluster", "eval quotes", "eval provenance", "eval summary", "eval extraction"}


@pytest.mark.parametrize("command", _with_format(), ids=" ".join)
def test_a_format_outside_its_choices_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], command: tuple[str, ...]) -> None:
    """Was Typer's box of the usage line, a hint and "Invalid value for '--format' / '-f': Value error,
    'xml' is not one of 'md', 'json', 'html'.", wrapped at the terminal's width."""
    code, out, err = run_main(capsys, *command, "--format", "xml")
    assert code == 2, err
    assert out == ""
    assert err.startswith("error: --format: 'xml' is not one of '") and err.count("\n") == 1, err
    assert err.endswith(f" (see newsprism {' '.join(command)} --help)\n")
    assert "Value error" not in err


@pytest.mark.parametrize("command", _commands())
def test_help_shows_flags_as_flags(capsys: pytest.CaptureFixture[str], command: tuple[str, ...]) -> None:
    code, out, _ = run_main(capsys, *command, "--help")
    assert code == 0
    for typed in ("<bool>", "<list[str]>", "<str>", "<path>", "<int>", "<float>", "{paths}", "{sources}", "{story_id}", "{bench}"):
        assert typed not in out, f"{' '.join(command)} --help shows {typed}"
    assert "--help" in out


@pytest.mark.parametrize("command", [(), ("eval",), *_commands()])
def test_help_shows_every_text_as_written(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]) -> None:
    """Typer reads Rich markup in help texts: a bracketed word vanished (``--engine``: "pip
    install 'newsprism'" for ``newsprism[ray]``; ``provenance``: ``"via": ,``)."""
    import inspect

    import typer

    from newsprism.cli import app

    click_command = typer.main.get_command(app)
    for name in command:
        click_command = click_command.commands[name]  # type: ignore[attr-defined]
    callback = click_command.callback
    written = [] if callback is None else [
        d.help for d in (p.default for p in inspect.signature(callback).parameters.values()) if getattr(d, "help", None)
    ]
    if callback is not None:  # the root's docstring too: it was written and never shown (the Typer's help won)
        written.append(inspect.cleandoc(callback.__doc__ or ""))
    monkeypatch.setenv("COLUMNS", "3000")  # a text on one line: whatever is dropped shows
    code, out, _ = run_main(capsys, *command, "--help")
    shown = " ".join(out.replace("│", " ").split())
    assert code == 0
    for text in written:
        assert " ".join(text.split()) in shown, text
    if not command:  # the list of commands: each one's first paragraph, as written
        code, out, _ = run_main(capsys, "--help")
        assert "clean articles: id, source, title, text, outlet," in out


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_help_names_only_options_the_command_has(command: tuple[str, ...]) -> None:
    """cluster's, eval cluster's and add's --workers told what it does "with --engine ray", an option
    none of them has, and that the briefs are written in N workers (cluster writes none; it runs one)."""
    import re

    import typer

    from newsprism.cli import app

    click_command = typer.main.get_command(app)
    for name in command:
        click_command = click_command.commands[name]  # type: ignore[attr-defined]
    options = {o for p in click_command.params for o in (*p.opts, *p.secondary_opts)}
    for text in [click_command.help or "", *(getattr(p, "help", None) or "" for p in click_command.params)]:
        named = set(re.findall(r"(?<!\.py )--[a-z][a-z-]*", text))  # "as score_clusters.py --json": the scorer's own
        assert named <= options, (named - options, text)
    workers = next((p for p in click_command.params if p.name == "workers"), None)
    if workers is not None and command != ("analyze",):  # analyze's groups and briefs
        assert ("brief" in workers.help) == (command == ("add",)), workers.help


@pytest.mark.parametrize("command", [("read",), ("analyze",), ("cluster",), ("quotes",), ("serve",), ("add",), ("eval", "summary")])
def test_help_names_the_paths_argument(capsys: pytest.CaptureFixture[str], command: tuple[str, ...]) -> None:
    code, out, _ = run_main(capsys, *command, "--help")
    assert code == 0 and "PATHS..." in out and "--quiet" in out


def test_root_help_shows_its_flags_as_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "--help")
    assert code == 0 and "--version" in out and "<bool>" not in out


def test_every_eval_command_prints_json_with_format_json(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    arts = FIXTURES / "cluster" / "articles.jsonl"
    gold = FIXTURES / "cluster" / "gold.jsonl"
    code, out, err = run_main(capsys, "eval", "cluster", "--gold", str(gold), str(arts), "--format", "json", "-q")
    assert code == 0, err
    assert "bcubed_f1" in json.loads(out)

    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "d1", "text": '"We are ready," said Ana Lobo.'}) + "\n")
    gold_q = tmp_path / "gold.jsonl"
    gold_q.write_text(json.dumps({"id": "d1", "annotator": "x", "attributions": [
        {"source": {"text": "Ana Lobo", "spans": [[21, 29]]}, "cue": {"text": "said", "spans": [[16, 20]]},
         "content": {"text": "We are ready,", "spans": [[1, 14]]}}]}) + "\n")
    code, as_format, err = run_main(capsys, "eval", "quotes", str(docs), "--gold", str(gold_q), "--format", "json", "-q")
    assert code == 0, err
    _, as_alias, _ = run_main(capsys, "eval", "quotes", str(docs), "--gold", str(gold_q), "--json", "-q")
    assert json.loads(as_format) == json.loads(as_alias)
    assert json.loads(as_format)["gold"] == 1

    code, out, err = run_main(
        capsys, "eval", "summary", str(FIXTURES / "brief" / "ferry.jsonl"), "--gold", str(FIXTURES / "brief" / "ferry_gold.jsonl"),
        "--references", str(FIXTURES / "brief" / "ferry_references.jsonl"), "--format", "json", "-q",
    )
    assert code == 0, err
    assert json.loads(out)["stories"] == 1


@pytest.mark.parametrize("bad", ["http://[::1/feed", "ftp://example.org/feed"])
def test_watch_a_source_that_is_no_valid_url_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, bad: str) -> None:
    """Exit 2 in one line, before the database is made (was: internal error, exit 70, for the
    first; the second was watched as a folder that does not exist)."""
    db = tmp_path / "news.db"
    code, _, err = run_main(capsys, "watch", bad, "--db", str(db), "--once")
    assert code == 2, err
    assert err.strip().splitlines() == [f"error: {bad}: not a folder or an http(s) URL"]
    assert not db.exists()


@pytest.mark.parametrize("command", ["stories", "brief"])
def test_a_since_that_is_no_date_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str) -> None:
    """Exit 2 with the usage line, before the database is opened (was exit 1, a database error)."""
    db = tmp_path / "news.db"
    story = ["s1"] if command == "brief" else []
    code, _, err = run_main(capsys, command, *story, "--db", str(db), "--since", "last tuesday")
    assert code == 2, err
    assert err.startswith("error: --since: not an ISO 8601 date or time: 'last tuesday'") and err.count("\n") == 1
    assert not db.exists()


@pytest.mark.parametrize("threshold", ["2", "1.5", "-1", "0"])
def test_eval_quotes_threshold_outside_jaccard_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path, threshold: str) -> None:
    """A Jaccard overlap lies in (0, 1]: --threshold 2 scored every match 0 and -1 (or 0) matched
    every prediction with a gold attribution it shares nothing with, each with exit 0."""
    code, _, err = run_main(capsys, "eval", "quotes", "--gold", str(tmp_path / "gold.jsonl"), str(tmp_path / "a.jsonl"), "--threshold", threshold)
    assert code == 2
    assert "--threshold" in err


@pytest.mark.parametrize("command", ["cluster", "quotes", "provenance"])
def test_an_eval_gold_of_nothing_readable_or_a_folder_is_one_line_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    """A gold file with no readable line was scored as if it were one: eval quotes and provenance
    printed figures of 0.0, eval cluster B3 F1 0 and pairwise 1.0, each exit 0. A folder given as
    the gold (or as the JSONL articles of quotes and provenance) was an internal error
    (IsADirectoryError), exit 70."""
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "a1", "title": "Ferry strike", "text": "Ferry crews walked out on Monday, the union said."}) + "\n")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("not json\n")
    code, out, err = run_main(capsys, "eval", command, "--gold", str(gold), str(articles), "-q")
    assert code == 1 and out == "", err
    assert err.splitlines()[-1] == f"error: {gold}: no gold records read"
    folders = [(tmp_path, articles)] + ([(gold, tmp_path)] if command != "cluster" else [])  # cluster reads folders
    for gold_path, articles_path in folders:
        code, out, err = run_main(capsys, "eval", command, "--gold", str(gold_path), str(articles_path), "-q")
        assert code == 1 and out == "", err
        assert err == f"error: {tmp_path}: a folder, not a JSONL file\n"
