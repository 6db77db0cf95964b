"""The Ray engine: the same stage functions as Ray tasks, the same JSON as the local engine.

The equality test starts a local Ray (two CPUs) and is slow; ``.ci/run`` also
runs ``newsprism analyze --engine ray`` against a two-node cluster on this
machine (``scripts/ray_cluster_check.sh``).
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys

import pytest

from newsprism.errors import MissingExtraError
from newsprism.pipeline import Pipeline, Settings
from newsprism.report import render

from conftest import EXAMPLE, ROOT
from fixtures.brief.stories import shared_nlp

CLUSTER_FIXTURE = ROOT / "tests" / "fixtures" / "cluster" / "articles.jsonl"


def test_a_missing_ray_extra_is_one_line_naming_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism.engine.ray import RayEngine

    monkeypatch.setitem(sys.modules, "ray", None)  # as if the extra were not installed
    with pytest.raises(MissingExtraError, match=r"pip install 'newsprism\[ray\]'"), RayEngine():
        pass


def test_the_cli_says_so_in_one_line_with_exit_4(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys; sys.modules['ray'] = None; from newsprism.cli import main; "
        f"sys.argv = ['newsprism', 'analyze', '--engine', 'ray', '-q', {str(EXAMPLE)!r}]; main()"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 4, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "pip install 'newsprism[ray]'" in proc.stderr


def test_an_address_needs_the_ray_engine() -> None:
    from newsprism.errors import SettingsError

    with pytest.raises(SettingsError):
        Settings(address="127.0.0.1:6379")


@pytest.fixture(scope="module")
def local_ray():  # type: ignore[no-untyped-def]
    import os

    from newsprism.engine.ray import LOOPBACK_NODE, RayEngine

    os.environ.setdefault(*LOOPBACK_NODE)  # read when Ray is imported, as the engine sets it (engine/ray.py)
    pytest.importorskip("ray")
    import ray.cloudpickle

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a throwaway cluster on loopback
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # Tally: the workers cannot import tests/
    with RayEngine(num_cpus=2) as engine:
        # Without a token, a node beyond loopback would take work from anyone reaching this host.
        assert [n["NodeManagerAddress"] for n in ray.nodes()] == ["127.0.0.1"]
        yield engine


@pytest.mark.slow
def test_ray_tasks_write_the_same_json_as_the_local_engine(local_ray) -> None:  # type: ignore[no-untyped-def]
    paths = [str(CLUSTER_FIXTURE), str(EXAMPLE)]
    here = render(Pipeline(Settings(), nlp=shared_nlp()).run(paths), "json")
    there = render(Pipeline(Settings(engine="ray"), engine=local_ray).run(paths), "json")
    assert local_ray.parallelism == 2
    assert there == here
    # One large story: its articles parsed in chunks on both CPUs, then its brief.
    settings = Settings(single_story=True)
    here = render(Pipeline(settings, nlp=shared_nlp()).run([str(EXAMPLE)]), "json")
    there = render(Pipeline(Settings(single_story=True, engine="ray"), engine=local_ray).run([str(EXAMPLE)]), "json")
    assert there == here


@pytest.mark.slow
def test_ray_results_come_in_order_and_errors_at_their_turn(local_ray) -> None:  # type: ignore[no-untyped-def]
    assert list(local_ray.map(math.sqrt, [16.0, 1.0, 9.0, 4.0, 25.0, 36.0, 49.0])) == [4.0, 1.0, 3.0, 2.0, 5.0, 6.0, 7.0]
    results = local_ray.map(math.sqrt, [4.0, -1.0, 9.0])
    assert next(results) == 2.0
    with pytest.raises(ValueError):
        next(results)


class Tally:
    def __init__(self, start: int) -> None:
        self.total = start

    def add(self, x: int) -> int:
        self.total += x
        return self.total


@pytest.mark.slow
def test_a_ray_stage_is_an_actor_that_keeps_its_state(local_ray) -> None:  # type: ignore[no-untyped-def]
    tally = Tally(10)
    with local_ray.stage(tally) as stage:
        assert list(stage.calls("add", [1, 2, 3])) == [11, 13, 16]
        assert list(stage.calls("add", [4])) == [20]
    assert tally.total == 10  # the actor held a copy


def _nap(seconds: float) -> tuple[float, float]:
    import time

    start = time.time()
    time.sleep(seconds)
    return start, time.time()


@pytest.mark.slow
def test_workers_caps_the_tasks_at_once_over_every_map(local_ray) -> None:  # type: ignore[no-untyped-def]
    """``--workers 1`` on a two-CPU cluster runs one task at a time, even with two maps going
    (a large story's parses and the briefs), as one worker process would."""
    from newsprism.engine.ray import RayEngine

    with RayEngine(workers=1) as one:  # the running Ray, capped at one task
        first = one.map(_nap, [0.3, 0.3])
        second = one.map(_nap, [0.3, 0.3])
        spans = sorted([*first, *second])
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))  # never two at once
    both = sorted(local_ray.map(_nap, [0.5, 0.5]))
    assert both[1][0] < both[0][1]  # uncapped: the two CPUs run two at once


@pytest.mark.slow
def test_a_long_task_at_the_head_keeps_no_cpu_idle(local_ray) -> None:  # type: ignore[no-untyped-def]
    """Results come in input order, but the tasks behind a long one go on in the other
    CPU: they waited for it before, a CPU idle the while."""
    from newsprism.engine.ray import RayEngine

    with RayEngine(workers=2) as two:  # the running Ray, two tasks at a time
        spans = list(two.map(_nap, [4.0] + [0.05] * 4))
    assert max(end for _, end in spans[1:]) < spans[0][1]


def _sign_in(folder: str) -> None:
    import os

    with open(os.path.join(folder, str(os.getpid())), "w") as f:
        f.write("up")


@pytest.mark.slow
def test_a_ray_engine_loads_the_models_in_every_slot_as_it_starts(local_ray, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The first task on each CPU loaded spaCy (a second or two) while the driver waited:
    the initializer runs once per slot as the engine starts, on two worker processes here."""
    import ray

    from newsprism.engine.ray import RayEngine

    with RayEngine(initializer=_sign_in, initargs=(str(tmp_path),)) as engine:
        ray.get(list(engine._live))
        assert len(list(tmp_path.iterdir())) == 2
    (tmp_path / "one").mkdir()
    with RayEngine(workers=1, initializer=_sign_in, initargs=(str(tmp_path / "one"),)) as engine:
        ray.get(list(engine._live))
        assert len(list((tmp_path / "one").iterdir())) == 1


def _niceness(_: object) -> int:
    import os

    return os.nice(0)


@pytest.mark.slow
def test_a_ray_the_engine_starts_runs_its_workers_at_the_callers_priority(local_ray) -> None:  # type: ignore[no-untyped-def]
    """Ray lowers its workers' priority by 15 nice levels: the Ray that ``--engine ray`` starts
    without ``--address`` ran the briefs at nice 15 to 19, and beside other work one article
    took over two minutes, most of it the actors loading their models."""
    import os

    assert set(local_ray.map(_niceness, range(4))) == {os.nice(0)}


def _pid(_: object) -> int:
    import os

    return os.getpid()


@pytest.mark.slow
def test_the_work_runs_on_the_workers_the_engine_warmed(local_ray, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The start-up tasks count among the tasks in flight and run the work's own function:
    with one task at a time on a two-CPU cluster, every task runs on the one worker that
    loaded the models. Before, the first task went to the other CPU while the start-up
    ran, and a second worker process loaded them all again (on a two-node cluster the
    work alternated between two workers, each paying the start-up)."""
    from newsprism.engine.ray import RayEngine

    with RayEngine(workers=1, initializer=_sign_in, initargs=(str(tmp_path),)) as engine:
        pids = set(engine.map(_pid, range(8)))
    assert pids == {int(p.name) for p in tmp_path.iterdir()}


@pytest.mark.slow
def test_the_next_run_finds_the_workers_warm(local_ray) -> None:  # type: ignore[no-untyped-def]
    """Each run (`newsprism analyze --engine ray --address ...`) is a driver of its own that joins
    the cluster and leaves: the next works in the worker processes the last one left, models
    loaded. Ray's task workers were new to every driver, and each spent 1.8 s of CPU starting."""
    import ray

    from newsprism.engine.ray import NAMESPACE

    for actor in ray.util.list_named_actors(all_namespaces=True):  # none this process holds: the runs make their own
        if actor["namespace"] == NAMESPACE:
            ray.kill(ray.get_actor(actor["name"], namespace=NAMESPACE))
    code = (
        "import sys; from newsprism.engine.ray import RayEngine\n"
        "with RayEngine(sys.argv[1], workers=2) as engine:\n"
        "    print(sorted(set(engine.map(lambda _: __import__('os').getpid(), range(8)))))\n"
    )
    address = ray.get_runtime_context().gcs_address
    runs = [subprocess.run([sys.executable, "-c", code, address], capture_output=True, text=True, cwd=ROOT, timeout=300)
            for _ in range(2)]
    assert all(proc.returncode == 0 for proc in runs), [proc.stderr for proc in runs]
    first, second = (set(eval(proc.stdout)) for proc in runs)
    assert len(first) == 2 and second == first


@pytest.mark.slow
def test_an_item_whose_worker_is_gone_goes_to_a_new_one(local_ray) -> None:  # type: ignore[no-untyped-def]
    """A worker actor may end (idle too long, or killed) between the run's finding it and its
    first item: the item is sent again, once, to a new actor in its slot."""
    import ray

    from newsprism.engine.ray import RayEngine

    with RayEngine(workers=1) as engine:
        gone = engine._actors[0]
        ray.kill(gone)
        assert list(engine.map(math.sqrt, [4.0, 9.0, 16.0])) == [2.0, 3.0, 4.0]
        assert engine._actors[0] is not gone


@pytest.mark.slow
def test_a_worker_left_idle_ends(local_ray) -> None:  # type: ignore[no-untyped-def]
    """The worker actors that outlive a run end once idle ``keep_warm`` seconds: each holds
    spaCy and the quote model (some 400 MB)."""
    import time

    import ray

    from newsprism.engine.ray import NAMESPACE, RayEngine, _code_key

    with RayEngine(workers=1) as engine:
        ray.kill(engine._actors[0])  # one left by the tests before, waiting KEEP_WARM
    with RayEngine(workers=1, keep_warm=1.0) as engine:
        assert list(engine.map(math.sqrt, [4.0])) == [2.0]
        node, k = engine._slots[0]
    name = f"worker-{_code_key()}-{node}-{k}"
    for _ in range(60):
        try:
            ray.get_actor(name, namespace=NAMESPACE)
        except ValueError:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the idle worker actor did not end")
