"""Real-browser fixtures: Debian's Chromium driven by Playwright, the app on a loopback port.

Install the browser with scripts/install-browser.sh; Playwright never
downloads one. Without /usr/bin/chromium the tests skip, except under CI,
where they fail.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _need(condition: bool, why: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    _need(CHROMIUM.exists(), f"{CHROMIUM} is missing: run scripts/install-browser.sh")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A uvicorn server in a background thread, stopped by the fixture that made it."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def example_analysis():  # type: ignore[no-untyped-def]
    from newsprism.pipeline import Pipeline, Settings

    return Pipeline(Settings(strict=True)).run([str(ROOT / "examples" / "harlow-dam")])


@pytest.fixture(scope="session")
def example_server(example_analysis) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    from newsprism.serve import create_app

    with LiveServer(create_app(example_analysis)) as server:
        yield server


@pytest.fixture(scope="session")
def hostile_server() -> Iterator[LiveServer]:
    from newsprism.model import Analysis
    from newsprism.serve import create_app

    from fixtures.framing.sample import make_brief

    brief = make_brief()
    with LiveServer(create_app(Analysis(articles=brief.articles, stories=[brief.story], briefs=[brief]))) as server:
        yield server
