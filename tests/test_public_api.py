"""The public API, ``import newsprism``: every name it lists imports, the import stays light,
and the README's library example runs as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import newsprism

from conftest import ROOT, loaded_by


def test_every_public_name_imports() -> None:
    assert len(newsprism.__all__) == len(set(newsprism.__all__)) >= 20
    for name in newsprism.__all__:
        assert getattr(newsprism, name) is not None, name
    assert set(newsprism.__all__) <= set(dir(newsprism))
    with pytest.raises(AttributeError):
        newsprism.Briefer  # noqa: B018 - internal: not part of the API


def test_the_public_names_are_the_ones_the_library_defines() -> None:
    from newsprism import errors, model, pipeline, store
    from newsprism.fetch import FetchSettings

    assert newsprism.Pipeline is pipeline.Pipeline and newsprism.Settings is pipeline.Settings
    assert newsprism.FetchSettings is FetchSettings and newsprism.open_store is store.open_store
    assert newsprism.Brief is model.Brief and newsprism.Store is store.Store
    # The exception tree: each error the package lists is a NewsprismError.
    errors_listed = [getattr(newsprism, n) for n in newsprism.__all__ if n.endswith("Error")]
    assert len(errors_listed) >= 5 and all(issubclass(e, errors.NewsprismError) for e in errors_listed)
    # ... and every error the library defines is listed (httpx's way: one tree, all of it public), so a
    # caller can catch by name what a run raises (StateInUseError to retry, EngineError, ...).
    defined = {
        v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, errors.NewsprismError)
    }
    assert len(defined) >= 12 and defined == set(errors_listed), defined ^ set(errors_listed)


def test_import_newsprism_loads_nothing_heavy() -> None:
    heavy = {"newsprism.model", "newsprism.pipeline", "newsprism.store", "numpy", "httpx", "spacy", "typer"}
    assert loaded_by("newsprism", heavy) == set()
    assert loaded_by("newsprism, newsprism.pipeline", heavy) >= {"newsprism.pipeline", "newsprism.model"}  # the check can fail


def _readme_example() -> str:
    section = re.search(r"^## Use it as a library\n(.*?)^## ", (ROOT / "README.md").read_text(encoding="utf-8"), re.S | re.M)
    assert section, "README has no 'Use it as a library' section"
    blocks = re.findall(r"^```python\n(.*?)^```", section.group(1), re.S | re.M)
    assert len(blocks) == 1
    return blocks[0]


def test_the_readme_library_example_runs(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    out = subprocess.run([sys.executable, "-c", _readme_example()], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("Harlow Dam") and lines[0].endswith(": 7 articles"), out.stdout
    assert "carried by 6, resting on 1 independent source(s)" in lines[1], out.stdout
    assert lines[-1] == "0 stories in the database" and (tmp_path / "news.db").exists()


def test_the_version_is_said_once() -> None:
    """pyproject.toml takes the version from ``newsprism.__version__`` (it repeated "0.1.0")."""
    import tomllib
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert version("newsprism") == newsprism.__version__


def test_the_public_names_agree_wherever_they_are_said() -> None:
    """``__init__.py`` says each lazy name three times (the imports mypy reads, ``_LAZY`` that
    loads it, ``__all__``) and the README's table once more: a name added to one and not the
    others would type-check and fail at run time, or load and not be listed."""
    import ast

    tree = ast.parse((ROOT / "src" / "newsprism" / "__init__.py").read_text(encoding="utf-8"))
    (typed,) = [n for n in tree.body if isinstance(n, ast.If) and isinstance(n.test, ast.Name) and n.test.id == "TYPE_CHECKING"]
    for_mypy = {
        a.name: node.module for node in typed.body if isinstance(node, ast.ImportFrom) and node.module != "typing"
        for a in node.names
    }
    assert for_mypy == newsprism._LAZY  # type: ignore[attr-defined]
    (errors,) = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "newsprism.errors"]
    loaded = {a.name for a in errors.names}
    assert sorted(newsprism.__all__) == sorted({*loaded, *newsprism._LAZY, "__version__"})  # type: ignore[attr-defined]
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Use it as a library", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ")[0] for line in section.splitlines() if line.startswith("| `")]
    listed = {name for row in rows for name in re.findall(r"`(\w+)`", row)}
    assert listed == set(newsprism.__all__) - {"__version__"}, listed ^ (set(newsprism.__all__) - {"__version__"})
