"""Golden reports of the bundled example: any change to the brief shows as a diff.

Regenerate with NEWSPRISM_UPDATE_GOLDEN=1 and review the diff before committing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
UPDATE = bool(os.environ.get("NEWSPRISM_UPDATE_GOLDEN"))


def _run(fmt: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "newsprism", "analyze", "examples/harlow-dam", "--format", fmt, "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("fmt,name", [("md", "harlow-dam.md"), ("json", "harlow-dam.json")])
def test_golden_report(fmt: str, name: str) -> None:
    out = _run(fmt)
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path} did not exist; written now, review and commit it")
    assert out == path.read_text(encoding="utf-8")


def test_json_report_shape() -> None:
    data = json.loads(_run("json"))
    assert data["version"] == 1
    assert len(data["articles"]) == 7
    ids = {a["id"] for a in data["articles"]}
    assert data["stories"]
    for story in data["stories"]:
        assert set(story["articles"]) <= ids
        for key in ("claims", "quotes", "provenance", "conflicts", "timeline", "summary", "entities"):
            assert key in story
