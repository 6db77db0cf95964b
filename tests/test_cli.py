"""The command line as a user meets it: entry points, errors as one line, exit codes."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


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
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "no/such/dir" in proc.stderr
    assert proc.stderr.strip().count("\n") <= 2


def test_unknown_format_is_rejected() -> None:
    proc = _run("analyze", "examples/harlow-dam", "--format", "pdf", "--quiet")
    assert proc.returncode != 0
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
    proc = _run("analyze", "-", "--format", "json", "--quiet", stdin=line)
    assert proc.returncode == 0, proc.stderr
    assert '"a1"' in proc.stdout
