"""Hostile input at the edges of the tool: what reaches a terminal, a Markdown viewer, a
browser, and what Ctrl+C leaves behind.

- a file name or an id is printed as text: never read as Rich markup ("a[/x]b.txt"),
  and its control characters (terminal escape sequences) are shown escaped;
- the Markdown brief escapes article text as the HTML brief does: no raw HTML, no link;
- the web app shows every article, also one whose id holds "/" (a file in a subfolder);
- Ctrl+C exits 130, says "interrupted", and leaves no half-written -o file, pressed once or
  again while the run stops, or while the command line is still starting.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from newsprism.model import Analysis

from conftest import EXAMPLE, ROOT
from fixtures.framing.sample import make_brief

ESC, BEL, CSI = "\x1b", "\x07", "\x9b"


def newsprism(*args: str, stdin: str | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsprism", *args], cwd=ROOT, capture_output=True, text=True,
        input=stdin, timeout=timeout,
    )


def _no_control(text: str) -> bool:
    return not any(c in text for c in (ESC, BEL, CSI, "\u202e"))


# ---------------------------------------------------------------- what reaches the terminal


def test_file_names_are_printed_as_text_with_control_characters_escaped(tmp_path: Path) -> None:
    (tmp_path / "a[").mkdir()
    (tmp_path / "a[" / "x]b.txt").write_text((EXAMPLE / "02-northern-ledger.txt").read_text())
    (tmp_path / f"e{ESC}[31mvil{CSI}2J.txt").write_text((EXAMPLE / "05-eastbrook-gazette.txt").read_text())
    (tmp_path / f"empty[bold]{ESC}]0;pwned{BEL}.txt").write_bytes(b"")
    for fmt in ("md", "jsonl"):
        proc = newsprism("cluster", "--format", fmt, str(tmp_path))
        assert proc.returncode == 0, proc.stderr
        assert _no_control(proc.stdout) and _no_control(proc.stderr)
        assert "a[/x]b" in proc.stdout
    assert f"warning: {tmp_path}/empty[bold]\\x1b]0;pwned\\x07.txt: empty file (skipped)" in proc.stderr
    md = newsprism("cluster", "--format", "md", str(tmp_path)).stdout
    assert "e\\x1b[31mvil\\x9b2J" in md


def test_ids_in_quotes_md_reach_the_terminal_escaped(tmp_path: Path) -> None:
    rows = [
        {"id": f"wire{ESC}]0;pwned{BEL}", "outlet": f"Evil{ESC}[2J Post", "text": (EXAMPLE / "05-eastbrook-gazette.txt").read_text()},
        {"id": "rtl\u202egnp.exe", "text": "Elena Marsh said: \"We will not gamble with the safety of any family.\""},
    ]
    (tmp_path / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    proc = newsprism("quotes", "--format", "md", str(tmp_path / "wire.jsonl"), "-q")
    assert proc.returncode == 0, proc.stderr
    assert _no_control(proc.stdout) and _no_control(proc.stderr)
    # Shown as \x1b, whose backslash Markdown escapes too (a viewer renders "\x1b"), as the "]".
    assert "## wire\\\\x1b\\]0;pwned\\\\x07" in proc.stdout
    assert "rtl\\\\u202egnp.exe" in proc.stdout


HOSTILE = f"{ESC}]0;pwned{BEL}{ESC}[2J{CSI}31m\u202e"  # set the title, clear, 8-bit CSI, right-to-left


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every field a report shows, and a file name, holding terminal escapes."""
    root = tmp_path_factory.mktemp("hostile")
    rows = []
    for i, f in enumerate(sorted(EXAMPLE.glob("*.txt"))):
        text = f.read_text().replace("Harlow", f"Harlow{HOSTILE}", 2)
        rows.append({
            "id": f"id{i}{HOSTILE}", "title": f"Title{HOSTILE} {i}", "outlet": f"Outlet{HOSTILE}{i}",
            "author": f"Ann{HOSTILE} Lee", "url": f"https://x.example/{HOSTILE}",
            "text": f'{text}\n\n"We will not gamble{HOSTILE}," said Elena Marsh{HOSTILE}.',
        })
    (root / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (root / f"file{HOSTILE}.txt").write_text((EXAMPLE / "02-northern-ledger.txt").read_text())
    return root


@pytest.mark.parametrize("command,fmt", [
    ("analyze", "md"), ("analyze", "json"), ("analyze", "html"), ("cluster", "md"), ("cluster", "json"),
    ("cluster", "jsonl"), ("quotes", "md"), ("quotes", "jsonl"), ("provenance", "jsonl"), ("read", "jsonl"),
])
def test_no_command_lets_a_terminal_escape_through(hostile_corpus: Path, command: str, fmt: str) -> None:
    """Whatever an input holds, what a command prints is text (the HTML page printed its C1
    escapes and bidi overrides raw: now character references)."""
    from typer.testing import CliRunner

    from newsprism.cli import app

    workers = ["--workers", "0"] if command == "analyze" else []
    result = CliRunner().invoke(app, [command, "--format", fmt, *workers, str(hostile_corpus)])
    assert result.exit_code == 0, (result.output[-2000:], result.exception)
    assert _no_control(result.stdout) and _no_control(result.stderr)
    assert "Elena Marsh" in result.stdout or command in ("cluster", "read")


# ---------------------------------------------------------------- the Markdown brief


def _rendered(markdown: str) -> str:
    """The HTML a CommonMark viewer makes of the brief (raw HTML allowed, as GitHub's allows some)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").render(markdown)


def test_markdown_brief_escapes_article_text_as_the_html_brief_does() -> None:
    from newsprism.report.markdown import render_markdown

    brief = make_brief()  # every field of its fourth article holds script and event handlers
    link, image = "[read more](javascript:alert(1))", "![x](javascript:alert(2))"
    brief.claims[0].text += f" {link} <svg onload=alert(3)> `code` *emph* ~~gone~~ | pipe"
    brief.summary[0].text += f" {image} <https://evil.example> <javascript:alert(4)>"
    brief.articles[2].title = f"{link} <iframe src=javascript:alert(5)>"
    brief.entities[0].name = "<svg/onload=alert(6)>"
    brief.timeline[0].text = f"{image}"
    markdown = render_markdown(Analysis(articles=brief.articles, stories=[brief.story], briefs=[brief]))
    tags = _tags(_rendered(markdown))
    # Only the brief's own structure: no link, image, frame, script or handler from an article.
    assert {t for t, _ in tags} <= {"h1", "h2", "h3", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
                                    "strong", "em", "code", "s"}
    assert [a for _, attrs in tags for a in attrs] == []
    text = _rendered(markdown)
    for shown in ("&lt;svg onload=alert(3)&gt;", "[read more](javascript:alert(1))", "`code` *emph* ~~gone~~ | pipe",
                  "![x](javascript:alert(2))", "&lt;script&gt;alert(4)&lt;/script&gt;", "&lt;javascript:alert(4)&gt;"):
        assert shown in text, shown  # what the article said, as text
    # The table stays a table: the claim's pipe is escaped, not a new cell.
    claim_row = next(line for line in markdown.splitlines() if "read more" in line)
    assert claim_row.count(" | ") == 5


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Tags().feed(html)
    return found


def test_markdown_of_plain_text_is_unchanged() -> None:
    from newsprism.report.escape import md, md_code

    assert md("Harlow Dam cracks: 12,000 told to leave (about 12,000).") == "Harlow Dam cracks: 12,000 told to leave (about 12,000)."
    assert md("a\n\n b\tc") == "a b c"
    assert md_code("s1") == "`s1`" and md_code("a`b") == "``a`b``" and md_code("`a") == "`` `a ``"


# ---------------------------------------------------------------- the web app


def _renamed(obj: Any, names: dict[str, str]) -> Any:
    """``obj`` with every string in ``names`` replaced, through dataclasses, lists and dicts."""
    if isinstance(obj, str):
        return names.get(obj, obj)
    if isinstance(obj, list):
        return [_renamed(x, names) for x in obj]
    if isinstance(obj, tuple):
        return tuple(_renamed(x, names) for x in obj)
    if isinstance(obj, dict):
        return {_renamed(k, names): _renamed(v, names) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            setattr(obj, f.name, _renamed(getattr(obj, f.name), names))
    return obj


def test_web_app_shows_articles_whose_id_holds_a_slash() -> None:
    import re

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsprism.serve import create_app

    names = {"bay-1": "2031/march/bay-1", "coast-1": "wire/coast?1#x", "harbor-1": "../harbor 1%"}
    brief = _renamed(make_brief(), names)
    client = TestClient(create_app(Analysis(articles=brief.articles, stories=[brief.story], briefs=[brief])))
    story = client.get("/stories/s1")
    assert story.status_code == 200
    pages = {re.sub(r"\?.*", "", h) for h in re.findall(r'href="(/articles/[^"#]+)', story.text)}
    assert len(pages) == 4
    for page in pages:
        got = client.get(page.replace("&amp;", "&"))
        assert got.status_code == 200, page
        (api,) = re.findall(r'href="(/api/articles/[^"]+)"', got.text)
        assert client.get(api).json()["id"] in {*names.values(), "evil<1>"}
    for article_id in names.values():
        from urllib.parse import quote

        assert client.get(f"/api/articles/{quote(article_id, safe='')}").json()["id"] == article_id


# ---------------------------------------------------------------- Ctrl+C


@pytest.mark.parametrize("again", [False, True], ids=["once", "again"])
def test_ctrl_c_exits_130_says_so_and_leaves_the_output_as_it_was(tmp_path: Path, again: bool) -> None:
    corpus = tmp_path / "wire.jsonl"
    words = (EXAMPLE / "02-northern-ledger.txt").read_text().split()
    with corpus.open("w") as f:
        for i in range(20_000):
            f.write(json.dumps({"id": str(i), "text": " ".join(words[i % 50 :] + [str(i)])}) + "\n")
    out = tmp_path / "stories.jsonl"
    out.write_text("the last run's stories\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsprism", "cluster", str(corpus), "-o", str(out)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # As from a terminal: SIGINT not ignored (a shell's background job would ignore it).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads here
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()  # "read 20000 article(s)": clustering has begun
    assert line.startswith("read 20000"), line
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    # Again and again until it has exited (pressed twice; a terminal sends it to every process of
    # the group): one that came once Python had put the default action back for its exit killed
    # the process by the signal (-2) after it had said "interrupted".
    deadline = time.monotonic() + 120
    while again and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in err
    assert out.read_text() == "the last run's stories\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stories.jsonl", "wire.jsonl"]


# A process whose queue's semaphores are named (as a stage's and the workers' are), slow to stop.
_SLOW_TO_STOP = """
import multiprocessing, time
from newsprism.interrupt import handle_ctrl_c
handle_ctrl_c()
tasks = multiprocessing.get_context("spawn").Queue()
try:
    print("ready", flush=True)
    time.sleep(120)
finally:
    time.sleep(120)  # stopping takes long: Ctrl+C again
"""


def test_ctrl_c_again_removes_the_runs_semaphores_itself() -> None:
    """A second Ctrl+C ends the process at once (``os._exit``); its queues' named semaphores
    were then removed by multiprocessing's resource tracker, which said so after
    "interrupted": "UserWarning: resource_tracker: There appear to be 3 leaked semaphore
    objects to clean up at shutdown"."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_TO_STOP], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads here
    )
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)  # the tracker shares stderr: read to its end too
    assert (proc.returncode, err) == (130, "interrupted\n")


def _has_fork_server(pid: int) -> bool:
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        with contextlib.suppress(OSError):  # gone meanwhile
            if b"multiprocessing.forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                return True
    return False


def test_ctrl_c_to_the_terminals_group_while_the_workers_start(tmp_path: Path) -> None:
    """A terminal sends Ctrl+C to every process of its group: the workers and their fork server
    too. They leave the stopping to the run: the fork server, importing spaCy, died of it with a
    traceback, and the thread starting the workers printed another."""
    corpus = tmp_path / "wire.jsonl"
    words = (EXAMPLE / "02-northern-ledger.txt").read_text().split()
    corpus.write_text("".join(json.dumps({"id": str(i), "text": " ".join(words[i % 50 :])}) + "\n" for i in range(300)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsprism", "analyze", str(corpus), "--workers", "2", "-o", str(tmp_path / "brief.md")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads here
    )
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline and not _has_fork_server(proc.pid):
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it started a fork server"
    time.sleep(0.3)  # the fork server imports what its workers share (seconds)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err, err


# Ctrl+C while the command line is being imported (Typer, Rich, every command: seconds on a busy
# machine), which printed a traceback and killed the process by the signal (-2): at the moment
# Typer is looked for, this process sends itself SIGINT.
_CTRL_C_WHILE_STARTING = """
import importlib.abc, os, signal, sys
class CtrlC(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "typer":
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, CtrlC())
sys.argv = ["newsprism", "--version"]
"""


@pytest.mark.parametrize("start", [
    # the `newsprism` command, as its console script starts it
    "from importlib.metadata import entry_points; entry_points(group='console_scripts')['newsprism'].load()()",
    "import runpy; runpy.run_module('newsprism', run_name='__main__', alter_sys=True)",  # python -m newsprism
])
def test_ctrl_c_while_the_command_line_starts_exits_130_and_says_so(start: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _CTRL_C_WHILE_STARTING + start], cwd=ROOT, capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads here
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "interrupted\n")


# Ctrl+C while Python runs code it made from a string (a dataclass's methods, a named tuple's, as
# a module is imported: under load, the half second after "read 20000 article(s)" of the test
# above). CPython marks the KeyboardInterrupt as one nothing handled, whoever catches it, and
# ``python -m`` then ended by killing itself with SIGINT (-2) after "interrupted" was said.
# At the moment ``module`` is looked for, this process sends itself SIGINT from such code.
_CTRL_C_IN_CODE_FROM_A_STRING = """
import importlib.abc, os, signal, sys
class CtrlC(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == {module!r}:
            exec("os.kill(os.getpid(), signal.SIGINT)\\nwhile True: pass")
        return None
sys.meta_path.insert(0, CtrlC())
sys.argv = ["newsprism", *{args!r}]
from newsprism.__main__ import main
main()
"""


@pytest.mark.parametrize("module,args", [
    ("typer", ["--version"]),  # while the command line is imported: newsprism.__main__ says it
    ("newsprism.report.jsonout", ["cluster", str(EXAMPLE / "02-northern-ledger.txt")]),  # in the command: Typer exits 130
], ids=["starting", "running"])
def test_ctrl_c_in_code_made_from_a_string_exits_130_under_python_m(tmp_path: Path, module: str, args: list[str]) -> None:
    (tmp_path / "ctrl_c_from_a_string.py").write_text(_CTRL_C_IN_CODE_FROM_A_STRING.format(module=module, args=args))
    proc = subprocess.run(
        [sys.executable, "-m", "ctrl_c_from_a_string"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - no threads here
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "interrupted\n")


def test_output_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from newsprism.atomic import atomic_file
    from newsprism.commands._common import write_output

    out = tmp_path / "brief.md"
    out.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_file(out) as f:
        f.write("half of a new bri")
        raise KeyboardInterrupt
    assert out.read_text() == "old" and os.listdir(tmp_path) == ["brief.md"]
    write_output("new", out)
    assert out.read_text() == "new\n" and os.listdir(tmp_path) == ["brief.md"]
    assert oct(out.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
