"""The web app over a hand-built analysis: pages, links, the JSON API, and safety."""

from __future__ import annotations

import re

import pytest

from newsprism.model import Analysis

from fixtures.framing.sample import make_brief

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from newsprism.serve import CSP, create_app, parse_highlight


@pytest.fixture(scope="module")
def client() -> TestClient:
    brief = make_brief()
    return TestClient(create_app(Analysis(articles=brief.articles, stories=[brief.story], briefs=[brief])))


def test_index_lists_story_with_counts(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "Lakemont ferry strike" in r.text
    assert 'data-count="articles">4<' in r.text
    assert 'data-count="claims">3<' in r.text
    assert 'href="/stories/s1"' in r.text
    assert 'id="since-form"' not in client.get("/stories/s1").text  # one analysis knows no arrival times


def test_search_filters_stories(client: TestClient) -> None:
    assert "Lakemont ferry strike" in client.get("/", params={"q": "broken radios"}).text
    r = client.get("/", params={"q": "no such words anywhere"})
    assert "No story matches" in r.text and 'href="/stories/s1"' not in r.text
    assert [s["id"] for s in client.get("/api/stories", params={"q": "BROKEN Radios"}).json()] == ["s1"]


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    for url in ("/", "/stories/s1", "/api/stories"):
        got, head = client.get(url), client.head(url)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers["content-security-policy"] == CSP
    assert client.head("/stories/nope").status_code == 404


def test_story_page_links_every_claim_and_quote_to_its_sentence(client: TestClient) -> None:
    html = client.get("/stories/s1").text
    links = set(re.findall(r'href="(/articles/[^"]+\?hl=\d+-\d+#hl)"', html))
    brief = make_brief()
    assert brief.claims and brief.quotes
    for claim in brief.claims:
        for ev in claim.evidence:
            assert any(f"?hl={ev.start}-{ev.end}#hl" in link for link in links), claim.id
    for group in brief.quotes:
        for q in group.variants:
            assert any(f"?hl={q.start}-{q.end}#hl" in link for link in links)


def test_article_page_highlights_the_linked_span(client: TestClient) -> None:
    brief = make_brief()
    ev = brief.claims[1].evidence[1]
    r = client.get(f"/articles/{ev.article}", params={"hl": f"{ev.start}-{ev.end}"})
    assert r.status_code == 200
    m = re.search(r'<mark class="hl" id="hl">(.*?)</mark>', r.text)
    assert m and m.group(1) == ev.text


@pytest.mark.parametrize("hl", ["", "x-y", "5", "10-2", "0-999999", "-1-3"])
def test_bad_highlight_is_ignored(client: TestClient, hl: str) -> None:
    r = client.get("/articles/bay-1", params={"hl": hl})
    assert r.status_code == 200 and 'id="hl"' not in r.text


def test_parse_highlight() -> None:
    assert parse_highlight("2-4", "abcdef") == (2, 4)
    assert parse_highlight("2-40", "abcdef") is None


def test_hostile_article_is_escaped_everywhere(client: TestClient) -> None:
    for url in ("/", "/stories/s1", "/articles/evil%3C1%3E", "/articles/evil%3C1%3E?hl=0-30"):
        r = client.get(url)
        assert r.status_code == 200, url
        body = r.text
        assert "<script>alert" not in body and "<script>document" not in body
        assert "<img src=x" not in body and "<b onclick" not in body and "<b onmouseover" not in body
        assert "javascript:alert" not in body
        # The only scripts are the app's own file.
        assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/brief.js" defer>']
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in client.get("/articles/evil%3C1%3E").text


def test_security_headers(client: TestClient) -> None:
    for url in ("/", "/stories/s1", "/api/stories", "/static/brief.css", "/nope"):
        r = client.get(url)
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP


def test_json_api_mirrors_cli_json(client: TestClient) -> None:
    data = client.get("/api/analysis").json()
    assert data["version"] == 1
    assert [s["id"] for s in data["stories"]] == ["s1"]
    assert len(data["articles"]) == 4
    story = client.get("/api/stories/s1").json()
    assert story == data["stories"][0]
    assert {c["id"] for c in story["claims"]} == {"c1", "c2", "c3"}
    rows = client.get("/api/stories", params={"q": "ferry"}).json()
    assert rows[0]["id"] == "s1" and rows[0]["articles"] == 4
    art = client.get("/api/articles/bay-1").json()
    assert art["outlet"] == "Bay Chronicle" and art["text"].startswith("Ferry crews strike")


def test_openapi_documents_the_api_and_no_cdn_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/analysis", "/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 404
    page = client.get("/api").text
    assert "/api/stories/{story_id}" in page and "/openapi.json" in page
    # The endpoints' docstrings mark code with backticks: shown as code, never as literal backticks.
    assert "`" not in page
    assert "<code>newsprism analyze --format json</code>" in page and "<code>stories</code>" in page


def test_missing_things_are_404(client: TestClient) -> None:
    assert client.get("/stories/nope").status_code == 404
    assert client.get("/articles/nope").status_code == 404
    assert client.get("/api/stories/nope").json() == {"detail": "no story 'nope'"}
    assert client.get("/static/../../etc/passwd").status_code == 404


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [("GET", "/nope", 404), ("GET", "/stories/nope", 404), ("GET", "/articles/nope", 404),
     ("GET", "/static/nope.css", 404), ("POST", "/", 405), ("GET", "/?page=0", 422)],
)
def test_page_errors_are_html_pages(client: TestClient, method: str, url: str, status: int) -> None:
    """An unknown page and an unknown story answer alike: an HTML page, with the site's headers."""
    r = client.request(method, url)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    assert "<h1>" in r.text and 'href="/"' in r.text
    if status == 405:
        assert r.headers["allow"] == "GET"


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [("GET", "/api/nope", 404), ("GET", "/api/stories/nope", 404), ("GET", "/api/articles/nope", 404),
     ("POST", "/api/stories", 405), ("GET", "/api/stories?limit=0", 422)],
)
def test_api_errors_are_json(client: TestClient, method: str, url: str, status: int) -> None:
    r = client.request(method, url)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    assert "detail" in r.json()


def test_serve_command_is_registered() -> None:
    from typer.testing import CliRunner

    from newsprism.cli import app

    out = CliRunner().invoke(app, ["serve", "--help"])
    assert out.exit_code == 0
    assert "--host" in out.output and "--port" in out.output and "127.0.0.1" in out.output


@pytest.mark.slow
def test_serve_command_end_to_end() -> None:
    """`newsprism serve` analyses the example, binds to loopback and answers until stopped."""
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    from conftest import EXAMPLE

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsprism", "serve", str(EXAMPLE), "--port", str(port), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/stories", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.5)
        assert r.status_code == 200
        assert sum(row["articles"] for row in r.json()) == 7
        assert r.headers["content-security-policy"] == CSP
    finally:
        proc.terminate()
        proc.wait(timeout=20)
