"""The pipeline owns a run: one way through it for every command, settings in one object."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from newsprism.errors import SettingsError
from newsprism.model import Article
from newsprism.pipeline import Briefer, Observer, Pipeline, Settings, StoryWork

from conftest import ROOT, shared_path
from fixtures.brief.stories import shared_nlp

CLUSTER_FIXTURE = ROOT / "tests" / "fixtures" / "cluster" / "articles.jsonl"


def _fixture_articles() -> list[Article]:
    return Pipeline().read([str(CLUSTER_FIXTURE)]).articles


def _stories(stories) -> list[tuple[str, list[str]]]:  # type: ignore[no-untyped-def]
    return [(s.id, list(s.articles)) for s in stories]


class _Stages(Observer):
    def __init__(self) -> None:
        self.events: list[tuple[str, str, int | None]] = []

    def start(self, stage: str, total: int | None) -> None:
        self.events.append(("start", stage, total))

    def advance(self, stage: str, n: int = 1) -> None:
        self.events.append(("advance", stage, n))

    def done(self, stage: str) -> None:
        self.events.append(("done", stage, None))


def test_settings_are_frozen_and_checked() -> None:
    s = Settings()
    with pytest.raises(AttributeError):
        s.workers = 3  # type: ignore[misc]
    with pytest.raises(SettingsError):
        Settings(workers=-1)
    with pytest.raises(SettingsError):
        Settings(single_story=True, state=Path("state.json"))
    assert pickle.loads(pickle.dumps(Settings(embedder="minilm", state=Path("s.json")))) == Settings(
        embedder="minilm", state=Path("s.json")
    )


def test_analyze_groups_batch_by_batch_as_cluster_does() -> None:
    """With batches of 3, the briefs' stories are those of the batched, stateful
    path, not of one batch: the same path ``newsprism cluster`` takes."""
    from newsprism.cluster import group_corpus, open_state

    settings = Settings(batch_size=3, framing=False)
    arts = _fixture_articles()
    with open_state(None, None) as (copies, clusterer):
        group_corpus(arts, copies, clusterer, batch_size=3)
        expected = _stories(clusterer.stories())
    seen = _Stages()
    result = Pipeline(settings, nlp=shared_nlp(), observer=seen).analyze(_fixture_articles())
    assert _stories(result.stories) == expected
    assert [(b.story.id, [a.id for a in b.articles]) for b in result.briefs] == expected
    assert all(b.story.title for b in result.briefs)
    grouped = [n for kind, stage, n in seen.events if kind == "advance" and stage == "grouping"]
    assert grouped == [3, 3, 3]
    assert ("start", "briefs", len(expected)) in seen.events
    assert seen.events[-1] == ("done", "briefs", None)


def test_analyze_keeps_a_state_across_runs(tmp_path: Path) -> None:
    """``analyze --state``: a later run adds to the stories of an earlier one, whose ids
    stay; it briefs the stories its own articles are in, over those articles."""
    arts = _fixture_articles()
    state = tmp_path / "state.json"
    settings = Settings(state=state, framing=False)
    Pipeline(settings, nlp=shared_nlp()).analyze(arts[:5])
    assert state.exists()
    later_ids = {a.id for a in arts[5:]}
    later = Pipeline(settings, nlp=shared_nlp()).analyze(_fixture_articles()[5:])
    from newsprism.cluster import group_corpus, open_state

    with open_state(None, None) as (copies, clusterer):  # one clusterer that takes both runs in turn
        group_corpus(_fixture_articles()[:5], copies, clusterer)
        group_corpus(_fixture_articles()[5:], copies, clusterer)
        expected = _stories(clusterer.stories())
    assert _stories(later.stories) == expected
    assert {a.id: a.story for a in later.articles} == {aid: sid for sid, ids in expected for aid in ids if aid in later_ids}
    assert later.briefs
    for b in later.briefs:
        assert {a.id for a in b.articles} <= {a.id for a in arts[5:]}
        assert set(b.story.articles) >= {a.id for a in b.articles}


def test_a_brief_is_a_picklable_function_of_a_story_and_the_settings() -> None:
    """An engine may run the brief of a story in another process: the briefer pickles
    (as its settings) and, made again there, writes the same brief; a process keeps
    one briefer per settings, so a worker loads its models once, not once per story."""
    from newsprism.report.jsonout import brief_to_dict

    pipeline = Pipeline(Settings(single_story=True), nlp=shared_nlp())
    arts = _fixture_articles()[:3]
    (story,), _ = pipeline.group(arts)
    here = json.dumps(brief_to_dict(pipeline.briefer(StoryWork(story, arts))))
    copy = pickle.loads(pickle.dumps(pipeline.briefer))
    assert isinstance(copy, Briefer) and copy.settings == pipeline.settings
    assert copy is not pipeline.briefer and copy._nlp is not pipeline.nlp  # its parts are made again where it runs
    assert pickle.loads(pickle.dumps(pipeline.briefer)) is copy
    story.title = None  # as it was before this process briefed it
    there = copy(pickle.loads(pickle.dumps(StoryWork(story, arts))))
    assert json.dumps(brief_to_dict(there)) == here


def test_the_pipeline_takes_any_engine_for_the_briefs() -> None:
    class Counting:
        def __init__(self) -> None:
            self.calls = 0

        def map(self, fn, items):  # type: ignore[no-untyped-def]
            for item in items:
                self.calls += 1
                yield fn(pickle.loads(pickle.dumps(item)))  # as another process would see it

        def stage(self, obj):  # type: ignore[no-untyped-def]
            raise AssertionError("not used for briefs")

    engine = Counting()
    result = Pipeline(Settings(framing=False), nlp=shared_nlp(), engine=engine).analyze(_fixture_articles())
    # An engine of one worker gets the small stories together: one job, one parse of their articles.
    assert engine.calls == 1 and len(result.briefs) > 1
    # The result holds the briefs' own (copied, titled) stories and articles.
    assert all(s.title for s in result.stories)
    by_id = {a.id: a for a in result.articles}
    assert all(by_id[a.id] is a for b in result.briefs for a in b.articles)


@pytest.mark.slow
def test_analyze_and_cluster_give_the_same_stories_over_several_batches(tmp_path: Path) -> None:
    """2,500 real short articles (NeuS train), three batches of the clusterer: the
    commands group them alike, through the search stage's worker process."""
    source = shared_path("eval", "neus", "train_articles.jsonl")
    corpus = tmp_path / "articles.jsonl"
    with source.open(encoding="utf-8") as f:
        corpus.write_text("".join(line for _, line in zip(range(2500), f)), encoding="utf-8")

    def run(*args: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "newsprism", *args, str(corpus), "--quiet", "--format", "json"],
            cwd=ROOT, capture_output=True, text=True, timeout=1800,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    clustered = json.loads(run("cluster"))
    analysed = json.loads(run("analyze", "--no-framing"))
    assert len(clustered) > 500
    assert [(s["id"], s["articles"]) for s in analysed["stories"]] == [(s["id"], s["articles"]) for s in clustered]
    assert [s["title"] for s in analysed["stories"]] == [s["title"] for s in clustered]
    copies = {a: o for s in clustered for a, o in s["copies"].items()}
    assert {a["id"]: a["duplicate_of"] for a in analysed["articles"] if a["duplicate_of"]} == copies


@pytest.mark.slow
def test_briefs_made_in_a_worker_process_are_the_briefs_made_here() -> None:
    """The seam the scale-out engines use: ``Engine.map`` with the pipeline's
    Briefer in a spawned process writes the same report as this process."""
    from newsprism.engine import ProcessEngine
    from newsprism.report.jsonout import render_json

    settings = Settings(framing=False)
    here = render_json(Pipeline(settings, nlp=shared_nlp()).analyze(_fixture_articles()))
    with ProcessEngine(1) as engine:
        there = render_json(Pipeline(settings, nlp=shared_nlp(), engine=engine).analyze(_fixture_articles()))
    assert there == here


@pytest.mark.parametrize("engine", ["local", "ray"])
def test_the_engine_starts_as_soon_as_the_run_knows_it_will_use_it(engine: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Its workers load their models while the rest is read: local workers once
    WORKERS_FROM articles are read, a Ray engine before the first; once a run."""
    from contextlib import contextmanager

    import newsprism.pipeline as P
    from newsprism.engine import LocalEngine

    events: list[object] = []

    class Noting(Observer):
        def advance(self, stage: str, n: int = 1) -> None:
            if stage == "reading":
                events.append("read")

    @contextmanager
    def start(settings, briefer, articles):  # type: ignore[no-untyped-def]
        events.append(("engine", articles))
        yield LocalEngine()

    monkeypatch.setattr(P, "start_engine", start)
    path = tmp_path / "many.jsonl"
    n = P.WORKERS_FROM + 5
    path.write_text("".join(json.dumps({"id": f"a{k}", "text": f"Item {k} was noted by the harbour office on Thursday."}) + "\n" for k in range(n)))
    Pipeline(Settings(workers=2, engine=engine, framing=False), nlp=shared_nlp(), observer=Noting()).run([str(path)])
    started = [k for k, e in enumerate(events) if e != "read"]
    assert len(started) == 1 and events.count("read") == n
    assert started[0] == (0 if engine == "ray" else P.WORKERS_FROM - 1)
