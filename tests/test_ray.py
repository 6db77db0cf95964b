"""The Ray engine: the same stage functions as Ray tasks, the same JSON as the local engine.

The equality test starts a local Ray (two CPUs) and is slow; ``.ci/run`` also
runs ``newsprism analyze --engine ray`` against a two-node cluster on this
machine (``scripts/ray_cluster_check.sh``).
"""

from __future__ import annotations

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
    """A Ray of two CPUs on this machine, started as the engine starts one; each test runs its
    own engines on it (an engine holds the CPUs it uses: one kept for the module would hold both)."""
    import os

    from newsprism.engine.ray import LOOPBACK_NODE, connect

    os.environ.setdefault(*LOOPBACK_NODE)  # read when Ray is imported, as the engine sets it (engine/ray.py)
    pytest.importorskip("ray")
    import ray.cloudpickle

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a throwaway cluster on loopback
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # Tally: the workers cannot import tests/
    assert connect(num_cpus=2)
    try:
        # Without a token, a node beyond loopback would take work from anyone reaching this host.
        assert [n["NodeManagerAddress"] for n in ray.nodes()] == ["127.0.0.1"]
        yield ray
    finally:
        ray.shutdown()


@pytest.mark.slow
def test_ray_tasks_write_the_same_json_as_the_local_engine(local_ray) -> None:  # type: ignore[no-untyped-def]
    from newsprism.engine.ray import RayEngine

    paths = [str(CLUSTER_FIXTURE), str(EXAMPLE)]
    here = render(Pipeline(Settings(), nlp=shared_nlp()).run(paths), "json")
    _all_free(local_ray)
    with RayEngine() as engine:
        there = render(Pipeline(Settings(engine="ray"), engine=engine).run(paths), "json")
        assert engine.parallelism == 2
        assert there == here
        # One large story: its articles parsed in chunks on both CPUs, then its brief.
        settings = Settings(single_story=True)
        here = render(Pipeline(settings, nlp=shared_nlp()).run([str(EXAMPLE)]), "json")
        there = render(Pipeline(Settings(single_story=True, engine="ray"), engine=engine).run([str(EXAMPLE)]), "json")
        assert there == here


def _cpus_free(ray) -> float:  # type: ignore[no-untyped-def]
    return float(ray.available_resources().get("CPU", 0.0))


def _all_free(ray) -> None:  # type: ignore[no-untyped-def]
    """Waits for the CPUs of the engines before to be free: Ray frees a removed group's as its actors end."""
    import time

    for _ in range(120):
        if _cpus_free(ray) == 2.0:
            return
        time.sleep(0.5)
    raise AssertionError(f"the CPUs were not given back: {ray.available_resources()}")


@pytest.mark.slow
def test_the_workers_hold_the_cpus_they_use_and_give_them_back(local_ray) -> None:  # type: ignore[no-untyped-def]
    """While a run goes on, the cluster shows its CPUs taken, so no other job is put on them; they
    held none before (Ray said 2.0 CPUs free while both ran briefs). At the end, the placement
    group that held them is removed, its actors with it."""
    from newsprism.engine.ray import RayEngine

    _all_free(local_ray)  # an engine without workers takes the CPUs free as it starts
    with RayEngine() as engine:
        assert list(engine.map(math.sqrt, [4.0, 9.0, 16.0])) == [2.0, 3.0, 4.0]
        assert engine.parallelism == 2 and _cpus_free(local_ray) == 0.0
        group = engine._group
        table = local_ray.util.placement_group_table(group)
        assert table["state"] == "CREATED" and table["strategy"] == "SPREAD"
        assert [b["CPU"] for b in table["bundles"].values()] == [1.0, 1.0]
    assert local_ray.util.placement_group_table(group)["state"] == "REMOVED"
    _all_free(local_ray)


@pytest.mark.slow
def test_a_run_the_cluster_has_no_cpus_for_fails_in_one_line(local_ray) -> None:  # type: ignore[no-untyped-def]
    """A second run on a cluster whose CPUs a run holds waits for them (``reserve_timeout``), then
    stops with an ``EngineError`` that says what the cluster has; its reservation is withdrawn."""
    from newsprism.engine.ray import RayEngine
    from newsprism.errors import EngineError

    _all_free(local_ray)
    with RayEngine() as first:
        asked = r"^the Ray cluster did not give the 1 CPU\(s\) asked for in 1 s: it has 2, 0 free$"
        with pytest.raises(EngineError, match=asked), RayEngine(workers=1, reserve_timeout=1):
            pass
        assert list(first.map(math.sqrt, [4.0])) == [2.0]  # the first run goes on
        groups = local_ray.util.placement_group_table().values()
        assert [g["state"] for g in groups if g["state"] != "REMOVED"] == ["CREATED"]  # the first run's only


@pytest.mark.slow
def test_the_cli_says_in_one_line_that_the_cluster_lacks_the_cpus(local_ray) -> None:  # type: ignore[no-untyped-def]
    """``--workers 3`` on a cluster of two CPUs: the run waits for the third (``RESERVE_TIMEOUT``, as an
    autoscaling cluster would add a node), then stops in one line that says what the cluster has, exit 1.
    Before, the run went on with three tasks at a time on two CPUs it held none of."""
    import os

    _all_free(local_ray)
    address = local_ray.get_runtime_context().gcs_address
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    cmd = [sys.executable, "-m", "newsprism", "analyze", str(EXAMPLE), "-q", "-f", "json", "--engine", "ray",
           "--address", address, "--workers", "3"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert proc.stderr.strip() == "error: the Ray cluster did not give the 3 CPU(s) asked for in 60 s: it has 2, 2 free"
    assert proc.stdout == ""


_STARTED_HERE = (
    "import json, os, ray\n"
    "from newsprism.engine.ray import RayEngine\n"
    "with RayEngine(workers=3) as engine:\n"
    "    nice = sorted(set(engine.map(lambda _: os.nice(0), range(6))))\n"
    "    print(json.dumps({'cpus': ray.cluster_resources()['CPU'], 'free': ray.available_resources().get('CPU', 0),\n"
    "                      'parallelism': engine.parallelism, 'nice': nice, 'ours': os.nice(0)}))\n"
)


@pytest.mark.slow
def test_a_ray_started_here_has_a_cpu_a_worker_at_the_callers_priority() -> None:
    """``--engine ray --workers 3`` without ``--address`` runs three workers, as ``--workers 3`` runs
    three processes: the Ray it starts has three CPUs (Ray counts the cores otherwise: two here,
    and a third worker could not be placed). Its workers run at the caller's priority: Ray lowers
    its workers' by 15 nice levels, and beside other work one article took over two minutes."""
    import json
    import os

    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    proc = subprocess.run([sys.executable, "-c", _STARTED_HERE], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["cpus"] == 3 and seen["free"] == 0 and seen["parallelism"] == 3
    assert seen["nice"] == [seen["ours"]]


@pytest.mark.slow
def test_ray_results_come_in_order_and_errors_at_their_turn(local_ray) -> None:  # type: ignore[no-untyped-def]
    from newsprism.engine.ray import RayEngine

    with RayEngine(workers=2) as engine:
        assert list(engine.map(math.sqrt, [16.0, 1.0, 9.0, 4.0, 25.0, 36.0, 49.0])) == [4.0, 1.0, 3.0, 2.0, 5.0, 6.0, 7.0]
        results = engine.map(math.sqrt, [4.0, -1.0, 9.0])
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
    """The stage starts while the run's workers hold every CPU (it takes none)."""
    from newsprism.engine.ray import RayEngine

    tally = Tally(10)
    with RayEngine(workers=2) as engine, engine.stage(tally) as stage:
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
    """``--workers 2`` sends two tasks at a time over every map going (a large story's parses and
    the briefs), each to a worker with nothing to do, as two worker processes would take them: a
    second map's tasks go on in the worker the first map's long task leaves free. Were the cap
    counted per map, or not at all, one of them would wait behind the long task."""
    from newsprism.engine.ray import RayEngine

    with RayEngine(workers=2) as two:
        long = two.map(_nap, [3.0])  # sent at once, to one worker
        short = list(two.map(_nap, [0.05] * 4))
        ((start, end),) = list(long)
    assert max(e for _, e in short) < end
    assert min(s for s, _ in short) < end and start < max(e for _, e in short)  # two ran at once


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

    with RayEngine(workers=2, initializer=_sign_in, initargs=(str(tmp_path),)) as engine:
        ray.get(list(engine._live))
        assert len(list(tmp_path.iterdir())) == 2
    (tmp_path / "one").mkdir()
    with RayEngine(workers=1, initializer=_sign_in, initargs=(str(tmp_path / "one"),)) as engine:
        ray.get(list(engine._live))
        assert len(list((tmp_path / "one").iterdir())) == 1


def _pid(_: object) -> int:
    import os

    return os.getpid()


def _pid_after_a_nap(_: object) -> int:
    import os
    import time

    time.sleep(0.2)  # long enough that the next task goes to the other worker
    return os.getpid()


@pytest.mark.slow
def test_the_work_runs_on_the_workers_the_engine_warmed(local_ray, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With two workers, the work runs on both, and only in the two processes that ran the
    initializer (loaded the models) as the engine started: none loads them again in its first
    task. Before the worker actors, the first task went to another worker process while the
    start-up ran, and it loaded them all again."""
    from newsprism.engine.ray import RayEngine

    with RayEngine(workers=2, initializer=_sign_in, initargs=(str(tmp_path),)) as engine:
        pids = set(engine.map(_pid_after_a_nap, range(8)))
    warmed = {int(p.name) for p in tmp_path.iterdir()}
    assert len(warmed) == 2 and pids == warmed


@pytest.mark.slow
def test_an_item_whose_worker_is_gone_goes_to_a_new_one(local_ray) -> None:  # type: ignore[no-untyped-def]
    """A worker actor may end (killed) before its first item: the item is sent again, once, to a
    new actor in its bundle, whose CPU the dead one gave back."""
    import ray

    from newsprism.engine.ray import RayEngine

    with RayEngine(workers=1) as engine:
        gone = engine._actors[0]
        ray.kill(gone)
        assert list(engine.map(math.sqrt, [4.0, 9.0, 16.0])) == [2.0, 3.0, 4.0]
        assert engine._actors[0] is not gone


@pytest.mark.slow
def test_ctrl_c_stops_the_wait_for_the_cpus_at_once_and_withdraws_it(local_ray) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+C while the engine waits for CPUs another run holds stops it at once, and the pending
    reservation goes (else Ray would place it when they are free, for nobody). Before, the wait
    blocked in Ray's C++ for the whole ``reserve_timeout``, and the interrupt then left the group."""
    import signal
    import time

    from newsprism.engine.ray import RayEngine

    def ctrl_c(signum, frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    _all_free(local_ray)
    with RayEngine():  # holds both CPUs
        before = signal.signal(signal.SIGALRM, ctrl_c)
        try:
            start = time.monotonic()
            signal.setitimer(signal.ITIMER_REAL, 0.5)
            with pytest.raises(KeyboardInterrupt), RayEngine(workers=1, reserve_timeout=10):
                pass
            stopped = time.monotonic() - start
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, before)
        assert stopped < 3
        groups = local_ray.util.placement_group_table().values()
        assert [g["state"] for g in groups if g["state"] != "REMOVED"] == ["CREATED"]  # the first run's only


@pytest.mark.slow
def test_an_error_after_the_reservation_gives_the_cpus_back(local_ray) -> None:  # type: ignore[no-untyped-def]
    """An engine that fails as it starts its workers (here: an initializer's argument that cannot
    be pickled) removes its placement group. Before, ``__exit__`` never ran and the group held its
    CPUs for as long as the driver lived."""
    import threading

    from newsprism.engine.ray import RayEngine

    _all_free(local_ray)
    with pytest.raises(TypeError), RayEngine(workers=1, initializer=_sign_in, initargs=(threading.Lock(),)):
        pass
    assert all(g["state"] == "REMOVED" for g in local_ray.util.placement_group_table().values())
    _all_free(local_ray)


@pytest.mark.slow
def test_a_group_ray_cannot_remove_neither_hides_the_error_nor_keeps_ray_up(  # type: ignore[no-untyped-def]
    local_ray, monkeypatch
) -> None:
    """If Ray cannot remove the group (its GCS unreachable, as after a node died), the run's own
    error is the one raised, and a Ray the engine started is shut down all the same; with no error
    of the run's, Ray's is raised, after the shutdown. Before, Ray's error hid the run's, and the
    engine's Ray stayed up."""
    import newsprism.engine.ray as engine_ray
    from newsprism.engine.ray import RayEngine

    remove = local_ray.util.remove_placement_group
    kept: list[object] = []
    shutdowns: list[bool] = []

    def unreachable(group):  # type: ignore[no-untyped-def]
        kept.append(group)
        raise ConnectionError("the GCS is unreachable")

    _all_free(local_ray)
    monkeypatch.setattr(local_ray.util, "remove_placement_group", unreachable)
    monkeypatch.setattr(engine_ray, "connect", lambda *a, **k: True)  # as if the engine had started this Ray
    monkeypatch.setattr(local_ray, "shutdown", lambda: shutdowns.append(True))  # the module's Ray goes on
    try:
        with pytest.raises(ValueError, match="the run's own"), RayEngine(workers=1) as engine:
            raise ValueError("the run's own")
        assert shutdowns == [True] and not engine._running
        with pytest.raises(ConnectionError), RayEngine(workers=1):
            pass
        assert shutdowns == [True, True]
    finally:
        for group in kept:
            remove(group)


@pytest.mark.slow
def test_a_worker_ray_calls_unavailable_is_ended_before_its_replacement(  # type: ignore[no-untyped-def]
    local_ray, monkeypatch
) -> None:
    """Ray may call a worker actor unavailable (``ActorUnavailableError``, a ``RayActorError``: a
    transient failure, here made to happen) while it lives and holds its bundle's one CPU. Its item
    goes again to a new actor in that bundle, which could never start beside it: the engine ends
    the old one first. Before, the run waited for ever."""
    import threading

    from newsprism.engine.ray import RayEngine

    get = local_ray.get
    failed: list[object] = []

    def unavailable_once(ref, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not failed:
            failed.append(ref)
            raise local_ray.exceptions.ActorUnavailableError("a transient failure", None)
        return get(ref, *args, **kwargs)

    _all_free(local_ray)
    monkeypatch.setattr(local_ray, "get", unavailable_once)
    with RayEngine(workers=1) as engine:
        results: list[float] = []
        run = threading.Thread(target=lambda: results.extend(engine.map(math.sqrt, [4.0, 9.0])), daemon=True)
        run.start()
        run.join(30)  # a hang otherwise: the test ends, and the group's removal ends the thread's wait
        assert failed and results == [2.0, 3.0]
