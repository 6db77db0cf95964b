"""Shared test fixtures.

Tests that read the real data in ../shared skip when it is absent, except in
CI (CI set), where a missing ../shared must fail loudly instead of letting
the quality gates pass silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "harlow-dam"


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
