"""The README and the command line agree (as sqlite-utils checks its docs): every command and option
the README shows exists, and every command and option that exists is in the README."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
# Options the paragraph under the command table names once for all the commands that take them.
COMMON = ("-o", "-q", "--strict")


def _root() -> Any:
    from newsprism.cli import app

    return typer.main.get_command(app)


def _commands(cmd: Any, path: tuple[str, ...] = ("newsprism",)) -> Iterator[tuple[str, Any]]:
    subs = getattr(cmd, "commands", None)
    if not subs:
        yield " ".join(path), cmd
        return
    for name, sub in subs.items():
        yield from _commands(sub, (*path, name))


def _options(cmd: Any) -> set[str]:
    return {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}


def _shown() -> list[str]:
    """The command lines the README shows: lines of its code blocks and its inline code that start with `newsprism `."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", README, re.S | re.M)
    prose = re.sub(r"^```[a-z]*\n.*?^```", "", README, flags=re.S | re.M)
    lines = [re.sub(r"^\$\s+", "", line) for b in blocks for line in b.replace("\\\n", " ").splitlines()]
    return [line.split(" #")[0] for line in lines + re.findall(r"`([^`\n]+)`", prose) if line.startswith("newsprism ")]


def _resolve(line: str) -> tuple[str, Any, list[str]]:
    """The command a README line runs, and the words after its name."""
    cmd, path, words = _root(), ["newsprism"], line.split()[1:]
    while words and words[0] in (getattr(cmd, "commands", None) or {}):
        cmd = cmd.commands[words[0]]
        path.append(words.pop(0))
    return " ".join(path), cmd, words


def test_the_readme_shows_command_lines() -> None:
    assert len(_shown()) >= 20 and any(" eval summary " in line for line in _shown())


@pytest.mark.parametrize("line", sorted(set(_shown())))
def test_every_command_and_option_the_readme_shows_exists(line: str) -> None:
    name, cmd, words = _resolve(line)
    if getattr(cmd, "commands", None):  # a group: the next word must be one of its commands
        assert not words or not re.fullmatch(r"[a-z][a-z-]+", words[0]), f"{name} has no command {words[0]!r}"
    unknown = [w for w in re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", " ".join(words)) if w not in _options(cmd)]
    assert not unknown, f"README: `{line[:60]}...`: {name} has no {unknown}"


def _row(name: str) -> str:
    """The row of the README's command table for the command ``name``."""
    rows = [line for line in README.splitlines() if line.startswith(f"| `{name} ")]
    assert len(rows) == 1, f"README's command table has {len(rows)} rows for {name}"
    return rows[0]


@pytest.mark.parametrize("name", [name for name, _ in _commands(_root())])
def test_every_command_and_its_options_are_in_the_readme_table(name: str) -> None:
    (cmd,) = [c for n, c in _commands(_root()) if n == name]
    row = _row(name)
    missing = [
        p.opts[0] for p in cmd.params
        if p.opts[0].startswith("-") and p.opts[0] != "--help" and not set(p.opts) & set(COMMON)
        and not any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", row) for o in (*p.opts, *p.secondary_opts))
    ]
    assert not missing, f"README's row for {name} does not show {missing}"


def test_the_common_options_are_named_under_the_table() -> None:
    after = README.split("| `newsprism --version` |", 1)[1].split("\n\n", 2)[1]
    assert all(f"`{o}" in after for o in COMMON), after




def _stated_defaults() -> Iterator[tuple[str, str, str]]:
    """What the README's command table says of each option's default: (command, option, what it says).
    In a command's usage, ``[--port 8000]`` states the default 8000, ``[--format md|json|html]`` the first
    of the choices, a bare flag ``[--no-framing]`` that the default is the other way; a value in capitals
    (``[--state FILE]``) or ``...`` names what to give. In its description, "(default: one per core)"
    after an option says its default in words."""
    for name, _ in _commands(_root()):
        usage, text = _row(name).split("` |", 1)
        for option, value in re.findall(r"\[(--?[\w-]+)(?: ([^\]\s]+))?\]", usage):
            if not re.fullmatch(r"[A-Z_]+|\.\.\.", value):
                yield name, option, value
        for said in re.finditer(r"\((?:the )?default: ([^;)]+)", text):
            option = re.findall(r"`(--[\w-]+)", text[: said.start()])[-1]  # the option named last before it
            yield name, option, f"({said[1]})"


def _param(name: str, option: str) -> Any:
    (cmd,) = [c for n, c in _commands(_root()) if n == name]
    (param,) = [p for p in cmd.params if option in (*p.opts, *p.secondary_opts)]
    return param


def test_the_readme_states_defaults() -> None:
    stated = {(n, o) for n, o, _ in _stated_defaults()}
    assert {("newsprism serve", "--port"), ("newsprism watch", "--every"), ("newsprism analyze", "--format"),
            ("newsprism analyze", "--no-framing"), ("newsprism cluster", "--workers")} <= stated, sorted(stated)


@pytest.mark.parametrize(("name", "option", "value"), sorted(_stated_defaults()))
def test_every_default_the_readme_states_is_the_commands(name: str, option: str, value: str) -> None:
    param = _param(name, option)
    default = param.default
    if value.startswith("("):  # in words: as --help shows it
        assert value == f"({param.show_default})", f"README: {name} {option} {value}; --help: {param.show_default}"
    elif not value:  # a flag: giving it changes the default
        assert param.is_flag and default is (option in param.secondary_opts), f"README: {name} [{option}] is the default"
    else:
        first = value.split("\\|")[0]  # the README's table escapes the pipe between choices
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            assert float(first) == default, f"README: {name} {option} {first}; the command's default: {default}"
        else:
            assert first == default, f"README: {name} {option} {first}; the command's default: {default}"
