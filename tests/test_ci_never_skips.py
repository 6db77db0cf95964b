"""CI runs every test: what CI installs is never a reason to skip there."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

MISSING = "newsprism_no_such_module"
TESTS = f'''
import pytest


def test_in_a_test():
    pytest.importorskip("{MISSING}")

@pytest.fixture
def needs():
    pytest.importorskip("{MISSING}")

def test_in_a_fixture(needs):
    pass

@pytest.mark.skipif(True, reason="a fact about the machine")
def test_marked():
    pass
'''


MODULE = f'import pytest\n{MISSING} = pytest.importorskip("{MISSING}")\n\ndef test_x():\n    pass\n'


def _run(tmp_path: Path, ci: bool) -> str:
    """The last line of a pytest run, with our conftest, over TESTS and a module that skips as a whole."""
    (tmp_path / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text())
    (tmp_path / "test_parts.py").write_text(TESTS)
    (tmp_path / "test_module.py").write_text(MODULE)
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "1"} if ci else {})
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--continue-on-collection-errors", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
    )
    return proc.stdout.strip().splitlines()[-1]


def test_a_missing_package_skips_on_a_laptop(tmp_path: Path) -> None:
    last = _run(tmp_path, ci=False)
    assert re.match(r"4 skipped in ", last), last


def test_a_missing_package_fails_in_ci(tmp_path: Path) -> None:
    last = _run(tmp_path, ci=True)
    # in a test, in a fixture (an error at set-up), in a module; a skipif mark states a machine fact: it stands
    assert re.match(r"1 failed, 1 skipped, 2 errors in ", last), last


def test_ci_runs_the_tests_as_ci() -> None:
    """.ci/run says it is CI before the tests run: without CI set, every "fail in CI" guard skips instead."""
    steps = (ROOT / ".ci" / "run").read_text().splitlines()
    exports = [i for i, line in enumerate(steps) if re.match(r"export CI=\S", line)]
    tests = [i for i, line in enumerate(steps) if "scripts/test.sh" in line]
    assert exports and tests and exports[0] < tests[0]
