"""Shared test fixtures.

Tests that read the real data in ../shared skip when it is absent, except in
CI (CI set, as .ci/run does), where a missing ../shared must fail loudly
instead of letting the quality gates pass silently. So does a missing
package: CI installs newsprism[dev], so a test that `pytest.importorskip`s
one of them fails there rather than skipping (the browser, server and store
tests would otherwise pass CI by not running).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "harlow-dam"


def _no_import_skip_in_ci(report: pytest.CollectReport | pytest.TestReport) -> None:
    if not (os.environ.get("CI") and report.skipped) or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if "could not import" in reason:
        report.outcome = "failed"
        report.longrepr = f"{reason}: CI installs newsprism[dev], so this must run, not skip"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):  # type: ignore[no-untyped-def]
    outcome = yield
    _no_import_skip_in_ci(outcome.get_result())  # a module-level importorskip


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    _no_import_skip_in_ci(outcome.get_result())  # one in a test or a fixture


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``newsprism ARGS`` in this process, through the console script's ``main`` (its one-line
    errors and exit codes): (exit code, stdout, stderr)."""
    import sys

    from newsprism.cli import main

    saved = sys.argv
    sys.argv = ["newsprism", *args]
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    finally:
        sys.argv = saved
    out, err = capsys.readouterr()
    return code, out, err


def loaded_by(imports: str, modules: set[str]) -> set[str]:
    """Which of ``modules`` a fresh interpreter holds after ``import IMPORTS`` (a comma-separated list)."""
    import subprocess
    import sys

    code = f"import sys, {imports}; print(' '.join(sorted(set({sorted(modules)!r}) & set(sys.modules))))"
    return set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split())


def shared_path(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{p} is missing; CI needs ../shared beside the project")
        pytest.skip(f"{p} not available")
    return p


@pytest.fixture
def seeds_dir() -> Path:
    return shared_path("corpora", "seeds")


@pytest.fixture
def example_dir() -> Path:
    return EXAMPLE


# ---------------------------------------------------------------- stores
# The store suite runs on SQLite and on a throwaway PostgreSQL server
# (tests/pgserver.py). Without a server the PostgreSQL half skips, but in CI
# (CI set) it fails: .ci/run installs Debian's postgresql package.


@pytest.fixture(scope="session")
def pg_server():  # type: ignore[no-untyped-def]
    import pgserver

    try:
        import psycopg  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("psycopg is not installed; CI installs newsprism[dev], which has it")
        pytest.skip("psycopg not installed (pip install 'newsprism[postgres]')")
    try:
        server = pgserver.start()
    except RuntimeError as e:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is needed in CI: {e}")
        pytest.skip(str(e))
    yield server
    server.stop()


_databases = iter(range(1, 1_000_000))


@pytest.fixture
def pg_url(pg_server) -> str:  # type: ignore[no-untyped-def]
    """A fresh, empty database on the throwaway server."""
    import psycopg

    name = f"t{next(_databases)}"
    with psycopg.connect(pg_server.url, autocommit=True) as db:
        db.execute(f"CREATE DATABASE {name}")
    return pg_server.database_url(name)


@pytest.fixture(params=["sqlite", "postgres"])
def store_target(request, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    """Where a store test opens its store: a SQLite file, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "news.db")
    return str(request.getfixturevalue("pg_url"))
