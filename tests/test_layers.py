"""The layers the README's Architecture section draws: nothing imports upward,
and a command never imports another."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

SRC = ROOT / "src" / "newsprism"
# Lowest first; a module may import its own layer and those below.
LAYERS = [
    {"model", "errors", "nlp", "spacy_rules", "embedders", "engine", "verbs", "arrays", "unionfind", "atomic", "ids", "interrupt"},
    {"ingest", "extract", "dedup", "cluster", "quotes", "provenance", "claims", "framing", "evaluation"},
    {"store"},
    {"report", "serve"},
    {"pipeline", "preload", "updater", "fetch", "watch"},
    {"commands", "cli", "__main__"},
]
LAYER_OF = {name: k for k, names in enumerate(LAYERS) for name in names}
SHARED_COMMAND_MODULES = {"_options", "_common", "_db"}


def _imports(path: Path) -> list[str]:
    """Every ``newsprism.x.y`` a module imports, at the top or inside a function."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newsprism."):
            out.append(node.module)
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("newsprism.")]
    return out


def _modules() -> list[tuple[str, Path]]:
    return [(p.relative_to(SRC).parts[0].removesuffix(".py"), p) for p in sorted(SRC.rglob("*.py")) if p.name != "__init__.py" or p.parent != SRC]


def test_every_package_has_a_layer() -> None:
    assert {top for top, _ in _modules()} <= set(LAYER_OF)


def test_nothing_imports_upward() -> None:
    upward = []
    for top, path in _modules():
        for name in _imports(path):
            target = name.split(".")[1]
            if target in LAYER_OF and LAYER_OF[target] > LAYER_OF[top]:
                upward.append(f"{path.relative_to(SRC)} imports {name}")
    assert not upward, "\n".join(upward)


def test_a_command_never_imports_another() -> None:
    crossed = []
    for path in sorted((SRC / "commands").glob("*.py")):
        for name in _imports(path):
            parts = name.split(".")
            if parts[1] == "commands" and len(parts) > 2 and parts[2] not in SHARED_COMMAND_MODULES:
                crossed.append(f"{path.name} imports {name}")
    assert not crossed, "\n".join(crossed)


def test_the_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from newsprism.pipeline import Pipeline\n")
    assert _imports(bad) == ["newsprism.pipeline"]
    assert LAYER_OF["pipeline"] > LAYER_OF["model"]



_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def _raises_naming_a_flag(path: Path) -> list[str]:
    """Every ``raise`` in a module whose exception's text names a command-line flag."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None and _FLAG.search(text := ast.unparse(node.exc)):
            out.append(f"{node.lineno}: {text[:100]}")
    return out


def test_library_errors_name_no_flag() -> None:
    """Only the command line knows its flags: a library error says what is wrong in the library's words."""
    flagged = [f"{path.relative_to(SRC)}:{hit}" for top, path in _modules() if top not in {"commands", "cli"} for hit in _raises_naming_a_flag(path)]
    assert not flagged, "\n".join(flagged)


def test_the_flag_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('def f(made):\n    raise InputError(f"go on with --embedder {made}")\n    raise ValueError("a-- b")\n')
    assert [hit.split(":")[0] for hit in _raises_naming_a_flag(bad)] == ["2"]
