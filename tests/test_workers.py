"""The briefs on every core: the same JSON, byte for byte, whichever engine writes them.

Worker processes each load the models once; small stories go to them
together, and a large story's articles are parsed in chunks on several
workers before its brief.
"""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from newsprism.engine import ProcessEngine
from newsprism.model import Article, Story
from newsprism.pipeline import (
    BriefJob,
    ParseJob,
    Pipeline,
    Settings,
    StoryWork,
    chunk_size,
    plan_briefs,
    warm_worker,
)
from newsprism.report import render

from conftest import EXAMPLE, ROOT
from fixtures.brief.stories import shared_nlp

CLUSTER_FIXTURE = ROOT / "tests" / "fixtures" / "cluster" / "articles.jsonl"


class Recording:
    """A process engine that notes the kind of every job it is given."""

    def __init__(self, engine: ProcessEngine) -> None:
        self.engine = engine
        self.jobs: list[str] = []
        self.parallelism = engine.parallelism

    def map(self, fn, items):  # type: ignore[no-untyped-def]
        def noted():  # type: ignore[no-untyped-def]
            for item in items:
                self.jobs.append(type(item).__name__)
                yield item

        return self.engine.map(fn, noted())

    def stage(self, obj):  # type: ignore[no-untyped-def]
        return self.engine.stage(obj)


@pytest.fixture(scope="module")
def two_workers():  # type: ignore[no-untyped-def]
    from newsprism.pipeline import Briefer

    with ProcessEngine(2, initializer=warm_worker, initargs=(Briefer(Settings()),)) as engine:
        yield engine


def _json(settings: Settings, paths: list[str], engine=None) -> str:  # type: ignore[no-untyped-def]
    nlp = None if engine is not None else shared_nlp()
    return render(Pipeline(settings, nlp=nlp, engine=engine).run(paths), "json")


def test_two_workers_write_the_same_json_as_one_process(two_workers) -> None:  # type: ignore[no-untyped-def]
    paths = [str(CLUSTER_FIXTURE), str(EXAMPLE)]
    here = _json(Settings(), paths)
    engine = Recording(two_workers)
    there = _json(Settings(), paths, engine)
    assert there == here
    # Four stories in 15 articles, chunks of four articles or an eighth of the text
    # (1,099 characters): the small ones shared out in three jobs, the six-article
    # one parsed on both workers first; the streams run at once.
    assert sorted(engine.jobs) == ["BriefJob"] * 4 + ["ParseJob"] * 2


def test_a_large_story_is_parsed_on_every_worker_and_briefed_the_same(two_workers) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(single_story=True)
    paths = [str(EXAMPLE)]
    here = _json(settings, paths)
    engine = Recording(two_workers)
    there = _json(settings, paths, engine)
    assert there == here
    # Six articles, chunks of four: two parse jobs on the two workers, then the brief from their parses.
    assert engine.jobs == ["ParseJob", "ParseJob", "BriefJob"]


def test_small_stories_go_together_and_a_large_one_alone() -> None:
    def work(sid: str, n: int) -> StoryWork:
        arts = [Article(id=f"{sid}-{k}", text="x") for k in range(n)]
        return StoryWork(Story(id=sid, articles=[a.id for a in arts]), arts)

    works = [work("s1", 1), work("s2", 2), work("s3", 9), work("s4", 1), work("s5", 3), work("s6", 1)]
    plan = plan_briefs(works, chunk=4, split=True)
    assert [[w.story.id for w in job] for job in plan] == [["s1", "s2"], ["s3"], ["s4", "s5"], ["s6"]]
    # A job also closes at ``budget`` characters: s2's long articles close the first job at three.
    long = [work("s1", 1), work("s2", 2), work("s3", 1), work("s4", 1)]
    for a in long[1].articles:
        a.text = "x" * 50
    plan = plan_briefs(long, chunk=4, split=True, budget=100)
    assert [[w.story.id for w in job] for job in plan] == [["s1", "s2"], ["s3", "s4"]]
    # The last ``tail`` budgets of text go in jobs of half the budget, so the workers end together.
    even = [work(f"s{k}", 1) for k in range(1, 9)]
    for w in even:
        w.articles[0].text = "x" * 50
    plan = plan_briefs(even, chunk=32, split=True, budget=100, tail=2)
    assert [[w.story.id for w in job] for job in plan] == [["s1", "s2"], ["s3", "s4"], ["s5", "s6"], ["s7"], ["s8"]]
    assert len(plan_briefs(even, chunk=32, split=True, budget=100)) == 4
    plan = plan_briefs(works, chunk=4, split=False)  # one process: nothing to split for
    assert [[w.story.id for w in job] for job in plan] == [["s1", "s2", "s3"], ["s4", "s5"], ["s6"]]
    assert chunk_size(10_000, 1) == 32  # one process: nlp.pipe's batch
    assert chunk_size(84, 2) == 11  # every worker gets four jobs or more
    assert chunk_size(10, 2) == 4  # never a job too small to batch the parse


def test_a_parse_made_elsewhere_is_the_same_parse() -> None:
    """A large story's brief is written from parses another worker made: the bytes
    carry every annotation the stages read."""
    from newsprism.nlp import NLP, text_of

    from fixtures.brief.stories import load

    nlp = shared_nlp()
    arts = load(EXAMPLE)[:2]
    assert len(arts) == 2
    there = NLP()
    there._nlp = nlp.language  # the same model, another cache
    for a in arts:
        original = nlp.doc(a)
        copy = there.put(a, pickle.loads(pickle.dumps(nlp.to_bytes(a))))
        assert text_of(copy) == a.text == copy.text
        fields = ("text", "whitespace_", "lemma_", "pos_", "tag_", "dep_", "ent_type_", "ent_iob_", "is_sent_start", "is_stop")
        assert [[getattr(t, f) for f in fields] + [t.head.i] for t in copy] == [
            [getattr(t, f) for f in fields] + [t.head.i] for t in original
        ]
        assert [(e.start_char, e.end_char, e.label_) for e in copy.ents] == [
            (e.start_char, e.end_char, e.label_) for e in original.ents
        ]
        assert [(s.start, s.end) for s in copy.sents] == [(s.start, s.end) for s in original.sents]
    nlp.forget(a.id for a in arts)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="transparent huge pages are Linux's")
def test_a_process_that_parses_takes_no_huge_pages() -> None:
    """The parser's batches mapped fresh 2 MB pages for the kernel to zero, a third
    again on the parse's CPU: loading the model turns them off for that process."""
    code = (
        "import ctypes, re\n"
        "from newsprism.nlp import NLP\n"
        "ctypes.CDLL(None).prctl(41, 0, 0, 0, 0)\n"  # on, whatever this process inherited
        "def thp(): return re.search(r'THP_enabled:\\s*(\\d)', open('/proc/self/status').read())\n"
        "before = thp()\n"
        "NLP().language\n"
        "print(before and before.group(1), thp() and thp().group(1))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    if out[0] == "None":
        pytest.skip("this kernel does not report THP_enabled in /proc/self/status")
    assert out == ["1", "0"]


def test_spacy_is_imported_without_its_command_line_which_still_imports_when_asked() -> None:
    """``spacy.cli`` (Typer, weasel, httpx, requests: a third of ``import spacy``) was
    imported by every run's fork server, on the path before any worker starts, for
    ``spacy.info`` alone. It is left out, and is there for whoever imports it."""
    code = (
        "import sys\n"
        "from newsprism.nlp import NLP, import_spacy\n"
        "spacy = import_spacy()\n"
        "NLP().language\n"
        "print(sorted(m for m in ('spacy.cli', 'weasel', 'typer', 'httpx') if m in sys.modules))\n"
        "print(spacy.info()['spacy_version'] == spacy.__version__)\n"
        "import spacy.cli\n"
        "print(callable(spacy.cli.download), spacy.cli is sys.modules['spacy.cli'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[:3] == ["[]", "True", "True True"]


def test_a_job_pickles_for_a_worker() -> None:
    arts = [Article(id="a", text="Some text.")]
    job = BriefJob([StoryWork(Story(id="s1", articles=["a"]), arts)])
    assert pickle.loads(pickle.dumps(job)).works[0].articles[0].text == "Some text."
    assert pickle.loads(pickle.dumps(ParseJob(arts))).articles[0].id == "a"


def _left_after_kill_9(tmp_path, script: str) -> list[int]:  # type: ignore[no-untyped-def]
    """Run ``script`` (its first line out: the pids of the processes it started), kill it with
    SIGKILL, and give those processes 20 s to end: the ones still running (then killed)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    def running(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as f:  # a zombie is gone, waiting to be reaped
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    (tmp_path / "run.py").write_text(script)
    proc = subprocess.Popen([sys.executable, str(tmp_path / "run.py")], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert pids and all(running(p) for p in pids)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while any(running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [p for p in pids if running(p)]
    for p in left:  # the test's own mess, whatever it asserts
        os.kill(p, signal.SIGKILL)
    return left


def test_workers_end_when_their_process_is_killed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """kill -9 of a run (the store's kill test does it twenty times) must not leave its
    workers behind: they waited for ever on their queue, each holding the models."""
    script = (
        "import time\n"
        "from newsprism.engine import ProcessEngine\n"
        "if __name__ == '__main__':\n"
        "    with ProcessEngine(2) as e:\n"
        "        assert list(e.map(abs, [-1, -2, -3])) == [1, 2, 3]\n"
        "        assert len(e._pool._processes) == 2\n"
        "        print(' '.join(str(p) for p in e._pool._processes), flush=True)\n"
        "        time.sleep(600)\n"
    )
    assert _left_after_kill_9(tmp_path, script) == []


def test_a_stage_ends_when_its_process_is_killed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """kill -9 of a run whose copy-index stage is up (``cluster`` of more than one batch) left
    the stage process waiting on its queue for ever, as the workers did."""
    script = (
        "import time\n"
        "from newsprism.engine import ProcessEngine\n"
        "if __name__ == '__main__':\n"
        "    with ProcessEngine(1).stage([]) as stage:\n"
        "        assert list(stage.calls('append', [1, 2])) == [None, None]\n"
        "        print(stage._proc.pid, flush=True)\n"
        "        time.sleep(600)\n"
    )
    assert _left_after_kill_9(tmp_path, script) == []


def test_workers_forked_from_the_preloaded_server_start_warm_and_write_the_same_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A run's fork server loads spaCy and the quote model and briefs the made-up story
    (``newsprism.preload``): every worker forked from it briefs with those parts, and the
    briefs are the same, byte for byte, as in one process. In a process of its own: a
    process has one fork server, and its preload is fixed when it starts."""
    script = (
        "import sys\n"
        "from newsprism.engine import ProcessEngine\n"
        "from newsprism.pipeline import Briefer, Pipeline, Settings, warm_worker\n"
        "from newsprism.report import render\n"
        "def warm_parts(settings):\n"
        "    import newsprism.pipeline as p\n"
        "    b = p._briefer_for(settings)\n"
        "    return p._PRELOADED is not None and b.nlp is p._PRELOADED.nlp and b.quotes is p._PRELOADED.quotes \\\n"
        "        and b.nlp._nlp is not None and b.quotes._model is not None\n"
        "if __name__ == '__main__':\n"
        "    paths, settings = sys.argv[1:], Settings(workers=2)\n"
        "    here = render(Pipeline(settings).run(paths), 'json')\n"
        "    with ProcessEngine(2, initializer=warm_worker, initargs=(Briefer(settings),),\n"
        "                       preload=('newsprism.preload',)) as e:\n"
        "        there = render(Pipeline(settings, engine=e).run(paths), 'json')\n"
        "        print(all(e.map(warm_parts, [settings] * 4)), there == here)\n"
    )
    (tmp_path / "run.py").write_text(script)
    out = subprocess.run([sys.executable, str(tmp_path / "run.py"), str(CLUSTER_FIXTURE), str(EXAMPLE)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True"]


def test_a_process_that_imports_the_preload_keeps_its_exit_status() -> None:
    """``newsprism.preload`` is for a fork server, which ends at once at exit; any other
    process importing it still exits with its own status (a test run that imported it
    reported its failures with exit status 0)."""
    code = "import sys, newsprism.preload\nsys.exit(3)\n"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=300).returncode == 3
