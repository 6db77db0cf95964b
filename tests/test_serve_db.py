"""The web app over a database (serve --db): what it shows, and what it shows as the database grows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.ingest import iter_inputs
from newsprism.pipeline import Settings
from newsprism.store import Batch, StoredBrief, StoryUpdate, now, open_store
from newsprism.updater import Updater

from fixtures.brief.stories import shared_nlp

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from newsprism.serve import create_app  # noqa: E402
from newsprism.serve.stored import StoredCorpus  # noqa: E402

from conftest import ROOT  # noqa: E402

CLUSTER = ROOT / "tests" / "fixtures" / "cluster" / "articles.jsonl"


def _add(target: str, ids: list[str], tmp_path: Path) -> None:
    rows = {json.loads(line)["id"]: line for line in CLUSTER.read_text().splitlines()}
    path = tmp_path / f"in-{ids[0]}.jsonl"
    path.write_text("".join(rows[i] + "\n" for i in ids))
    writer = open_store(target)  # another connection, as another process would have
    try:
        Updater(writer, Settings(framing=False), nlp=shared_nlp()).add(list(iter_inputs([str(path)])))
    finally:
        writer.close()


def test_serves_the_database_as_it_grows(store_target: str, tmp_path: Path) -> None:
    _add(store_target, ["a1", "a2"], tmp_path)
    store = open_store(store_target)
    try:
        client = TestClient(create_app(StoredCorpus(store)))
        (first,) = store.stories()
        index = client.get("/").text
        assert index.count('class="story"') == 1 and f'href="/stories/{first.id}"' in index
        plain = client.get(f"/stories/{first.id}").text
        assert "New since" not in plain
        assert 'id="since-form"' in plain and 'name="since"' in plain and ">last day</a>" in plain  # the page offers the choice
        t = now()
        _add(store_target, ["a3", "b1", "b2", "c1", "c2"], tmp_path)  # while the app runs
        assert client.get("/").text.count('class="story"') == 3  # no restart
        assert len(client.get("/api/stories").json()) == 3
        found = client.get("/", params={"q": "rowing club cyclists"}).text  # full-text: words, any order
        assert found.count('class="story"') == 1 and "1 of 3 stories match" in found
        news = client.get(f"/stories/{first.id}", params={"since": t}).text
        assert 'id="new-since"' in news and 'href="/articles/a3"' in news and 'href="/articles/a1"' not in news.split("</section>")[0]
        assert client.get(f"/stories/{first.id}", params={"since": "not a time"}).status_code == 400
        local = client.get(f"/stories/{first.id}", params={"since": t[:19]}).text  # as the form's datetime-local sends it: UTC
        assert 'href="/articles/a3"' in local.split('id="new-since"')[1].split("</section>")[0]
        art = client.get("/articles/a1").text
        assert f"/stories/{first.id}" in art
        assert client.get("/stories/nope").status_code == 404
        assert client.get("/api/analysis").status_code == 404  # a database is exported, not sent whole
    finally:
        store.close()


def test_the_story_list_pages_a_large_database(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "news.db"))
    try:
        for k in range(3):
            stories = [StoryUpdate(f"s{k * 40 + j}", f"Story {k * 40 + j}", [], None, None, []) for j in range(40)]
            store.write(Batch(stories=stories))
            store.put_briefs([StoredBrief(s.id, now(), {"id": s.id, "title": s.title, "articles": []}) for s in stories])
        client = TestClient(create_app(StoredCorpus(store)))
        first = client.get("/").text
        assert first.count('class="story"') == 50 and "Page 1 of 3" in first and 'href="?page=2"' in first
        last = client.get("/", params={"page": 3}).text
        assert last.count('class="story"') == 20 and "Story 9<" in last and "Story 80<" not in last  # the oldest activity last
    finally:
        store.close()


def test_the_app_compiles_its_templates_before_the_first_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new `serve`'s first story page took 0.5-1.1 s at 100,000 articles, a quarter of
    a second of it compiling the brief's template: the app compiles them as it starts."""
    import jinja2

    target = str(tmp_path / "news.db")
    _add(target, ["a1", "a2"], tmp_path)
    store = open_store(target)
    try:
        client = TestClient(create_app(StoredCorpus(store)))
        compiled: list[str | None] = []
        real = jinja2.Environment.compile
        monkeypatch.setattr(jinja2.Environment, "compile", lambda self, source, name=None, *a, **k: compiled.append(name) or real(self, source, name, *a, **k))
        (story,) = store.stories()
        pages = [client.get(p) for p in ("/", f"/stories/{story.id}", f"/articles/{story.articles[0]}", "/nowhere")]
        assert [r.status_code for r in pages] == [200, 200, 200, 404] and compiled == []
    finally:
        store.close()
