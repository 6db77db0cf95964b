"""Engines map a stage's pure function over batches; where it runs must not change the result."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from newsprism.engine import LocalEngine, ProcessEngine


def test_the_process_engine_returns_results_in_input_order():
    assert list(ProcessEngine(2).map(math.sqrt, [16.0, 1.0, 9.0, 4.0, 25.0])) == [4.0, 1.0, 3.0, 2.0, 5.0]
    assert list(ProcessEngine(1).map(math.sqrt, [])) == []


def test_a_failure_in_a_worker_is_raised_in_the_caller_at_its_turn():
    results = ProcessEngine(1).map(math.sqrt, [4.0, -1.0, 9.0])
    assert next(results) == 2.0
    with pytest.raises(ValueError):
        next(results)


def test_the_process_engine_keeps_only_a_few_items_in_flight():
    taken = []

    def items():
        for x in range(1, 101):
            taken.append(float(x * x))
            yield float(x * x)

    engine = ProcessEngine(1, ahead=2)
    results = engine.map(math.sqrt, items())
    assert taken == [1.0, 4.0]  # submitted at once, before the first result is asked for
    assert next(results) == 1.0 and 3 <= len(taken) <= 1 + engine.hold
    assert list(results) == [float(x) for x in range(2, 101)]


def _sleep_then_time(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return time.time()


def test_a_long_item_at_the_head_keeps_no_worker_idle():
    """Results come in input order, but the items behind a long one go on in the
    other workers: they waited for it before, a worker idle the while."""
    with ProcessEngine(2) as engine:
        ends = list(engine.map(_sleep_then_time, [3.0] + [0.05] * 8))
    assert max(ends[1:]) < ends[0]


@pytest.mark.parametrize("own_pool", [False, True], ids=["with", "map"])
def test_a_run_that_fails_or_is_interrupted_ends_its_workers_at_once(own_pool: bool) -> None:
    """Work in flight is not waited for once the run has failed or is interrupted, or its
    results are dropped: a Ctrl+C of ``analyze --workers 2`` waited for the stories being
    briefed (still running 30 s on)."""
    import time

    long = [0.0, 150.0, 150.0]  # the first result once the workers are up; then both busy
    if own_pool:
        results = ProcessEngine(2).map(_sleep_then_time, long)
        next(results)
        time.sleep(0.5)
        start = time.monotonic()
        results.close()  # the caller stops reading (an error, or Ctrl+C, broke its loop)
    else:
        with pytest.raises(KeyboardInterrupt), ProcessEngine(2) as engine:
            results = engine.map(_sleep_then_time, long)
            next(results)
            time.sleep(0.5)
            start = time.monotonic()
            raise KeyboardInterrupt
    assert time.monotonic() - start < 60


def test_a_run_that_fails_while_its_workers_start_does_not_wait_for_them(tmp_path) -> None:
    """The workers' fork server imports their models before it starts any (spaCy: seconds):
    a Ctrl+C in the first seconds of ``analyze`` waited for that (7-14 s at load 17)."""
    import subprocess
    import sys
    import time

    (tmp_path / "slow_models.py").write_text("import time\ntime.sleep(150)\n")
    script = tmp_path / "run.py"
    script.write_text(
        """import time
from newsprism.engine import ProcessEngine

try:
    with ProcessEngine(2, preload=("slow_models",)):
        time.sleep(1)  # the fork server is importing
        raise KeyboardInterrupt
except KeyboardInterrupt:
    print("stopped")
""",
        encoding="utf-8",
    )
    start = time.monotonic()
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout, done.stderr) == (0, "stopped\n", "")
    assert time.monotonic() - start < 60


def test_engines_agree():
    items = [float(x) for x in range(7)]
    assert list(LocalEngine().map(math.sqrt, items)) == list(ProcessEngine(2).map(math.sqrt, items))
    with pytest.raises(ValueError):
        ProcessEngine(0)


def test_an_engine_used_as_a_context_keeps_one_pool_and_stops_it_at_the_end():
    with ProcessEngine(1) as engine:
        pool = engine._pool
        assert list(engine.map(math.sqrt, [4.0])) == [2.0]
        assert list(engine.map(math.sqrt, [9.0])) == [3.0] and engine._pool is pool
        engine.map(math.sqrt, [1.0, 4.0, 9.0])  # left unread: the block's end still stops the pool
    assert engine._pool is None and pool._processes is None


def test_a_worker_that_dies_is_a_typed_error_not_a_hang():
    import os

    from newsprism.errors import EngineError

    with pytest.raises(EngineError, match="worker process stopped"):
        list(ProcessEngine(1).map(os._exit, [3]))


class Tally:
    """A stateful stage object: what it has seen decides what it answers."""

    def __init__(self, start: int) -> None:
        self.total = start

    def add(self, x: int) -> int:
        if x < 0:
            raise ValueError("negative")
        self.total += x
        return self.total

    def exit(self, code: int) -> None:
        import os

        os._exit(code)


@pytest.mark.parametrize("engine", [LocalEngine(), ProcessEngine(1)], ids=["local", "process"])
def test_a_stage_answers_in_order_from_its_own_copy_of_the_state(engine) -> None:
    tally = Tally(10)
    with engine.stage(tally) as stage:
        assert list(stage.calls("add", [1, 2])) == [11, 13]
        assert list(stage.calls("add", [4])) == [17]  # the stage keeps its state from call to call
        answers = stage.calls("add", [1, -1, 5])
        assert next(answers) == 18
        with pytest.raises(ValueError, match="negative"):
            next(answers)
        # The call after the failure gets its own answer: 18 + 100, plus 5 where it was
        # already sent ahead (in a process), never the left-over answer for 5.
        assert list(stage.calls("add", [100])) in ([118], [123])
    assert tally.total == 10  # the caller's object is not the stage's


def test_a_stage_keeps_only_a_few_calls_in_flight_and_a_dead_one_is_a_typed_error() -> None:
    from newsprism.errors import EngineError

    taken = []

    def items():
        for x in (1, 2, 3, 4):
            taken.append(x)
            yield x

    with ProcessEngine(1, ahead=2).stage(Tally(0)) as stage:
        answers = stage.calls("add", items())
        assert taken == [1, 2]
        assert next(answers) == 1 and taken == [1, 2, 3]
        assert list(answers) == [3, 6, 10]
        stage.calls("add", [1, 2, 3])  # left unread: the block still ends, and the process with it
    with pytest.raises(EngineError, match="worker process stopped"), ProcessEngine(1).stage(Tally(0)) as stage:
        list(stage.calls("exit", [3]))


def test_a_caller_whose_stage_died_with_work_queued_still_exits(tmp_path) -> None:
    """Items queued for a stage process that is gone must not hold the caller at exit (Ctrl-C hung it once)."""
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "caller.py"
    script.write_text(
        f"""import sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_engine import Tally
from newsprism.engine import ProcessEngine
from newsprism.errors import EngineError

try:
    with ProcessEngine(1, ahead=3).stage(Tally(0)) as stage:
        list(stage.calls("exit", [3, b"x" * 20_000_000, b"y" * 20_000_000]))  # more than a pipe holds
except EngineError:
    print("stopped")
""",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "stopped", done.stderr


class _Note:
    """Writes its file when freed, as the interpreter tears down (with no module globals left to use)."""

    def __init__(self, path: str) -> None:
        import os

        self.path, self.open, self.write, self.close, self.flags = path, os.open, os.write, os.close, os.O_WRONLY | os.O_CREAT

    def __del__(self) -> None:
        fd = self.open(self.path, self.flags)
        self.write(fd, b"freed")
        self.close(fd)


_NOTES: list[_Note] = []


def _keep_a_note(path: str) -> None:
    _NOTES.append(_Note(path))  # freed only as the worker's interpreter tears down


def test_a_worker_ends_without_tearing_down_what_it_holds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Freeing spaCy and the quote model object by object cost each worker 0.6 s of CPU
    at the run's end, while the run waited: a worker leaves at once, its output flushed."""
    note = tmp_path / "note"
    with ProcessEngine(1, initializer=_keep_a_note, initargs=(str(note),)) as engine:
        assert list(engine.map(math.sqrt, [4.0])) == [2.0]
    assert not note.exists()


def _sign_in(folder: str) -> None:
    import os

    with open(os.path.join(folder, str(os.getpid())), "w") as f:
        f.write("up")


def test_every_worker_starts_with_the_engine_not_with_the_work(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The workers load their models while the caller groups: the pool started one
    worker per item it could not hand to an idle one, so the second began its
    two seconds of imports only when the briefs were sent."""
    import time

    with ProcessEngine(2, initializer=_sign_in, initargs=(str(tmp_path),)):
        deadline = time.monotonic() + 60
        while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(list(tmp_path.iterdir())) == 2  # no item sent


def _run_with_preload(tmp_path, module: str, source: str, code: str):  # type: ignore[no-untyped-def]
    """Run ``code`` as a script in a fresh process, with ``module`` (``source``) importable
    by the fork server: the server finds modules as any process started here would, on the
    path of the environment (it imports the caller's main module only when that was a
    script, and ignores its sys.path)."""
    import os
    import subprocess
    import sys

    (tmp_path / f"{module}.py").write_text(source)
    script = tmp_path / "run.py"
    script.write_text(code)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env)


def test_preloaded_modules_are_imported_once_and_every_worker_starts_with_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With ``preload``, a fork server imports the modules once and forks the workers
    from itself (spaCy was imported by every worker, half a second of CPU each)."""
    probe = "import os\nopen(os.path.join(os.path.dirname(__file__), 'imported-' + str(os.getpid())), 'w').close()\n"
    code = (
        "import os\n"
        "from newsprism.engine import ProcessEngine\n"
        "def pid(_): import np_probe; return os.getpid()\n"
        "if __name__ == '__main__':\n"
        "    with ProcessEngine(2, preload=('np_probe',)) as e:\n"
        "        print(len(set(e.map(pid, range(40)))))\n"
    )
    out = _run_with_preload(tmp_path, "np_probe", probe, code)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 1
    assert len(list(tmp_path.glob("imported-*"))) == 1  # the server's import; the workers had it


def test_the_fork_server_ends_without_freeing_what_it_holds_and_the_caller_keeps_its_status(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The server holds the run's stdout and stderr open until it ends, after the run's
    process: it leaves at once (``engine.end_now``), instead of freeing what its preload
    holds object by object while the reader of the output waits. Only the server does:
    the caller exits with its own status."""
    held = "class Held:\n    def __del__(self):\n        print('freed', flush=True)\nheld = Held()\n"
    code = (
        "import sys\n"
        "from newsprism.engine import ProcessEngine\n"
        "if __name__ == '__main__':\n"
        "    with ProcessEngine(1, preload=('np_held',)) as e:\n"
        "        print(list(e.map(abs, [-1])))\n"
        "    sys.exit(3)\n"
    )
    out = _run_with_preload(tmp_path, "np_held", held, code)
    assert (out.returncode, out.stdout.split()) == (3, ["[1]"])


def test_workers_forked_from_the_fork_server_start_with_its_preload_frozen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What the fork server preloaded is out of the workers' cyclic collections
    (``gc.freeze``): each worker's full collections walked it, and copied the pages
    it shares with the server, in its first job."""
    code = (
        "import gc\n"
        "from newsprism.engine import ProcessEngine\n"
        "def frozen(_): return gc.get_freeze_count()\n"
        "if __name__ == '__main__':\n"
        "    with ProcessEngine(1, preload=('np_big',)) as e:\n"
        "        print(*e.map(frozen, [0]))\n"
    )
    out = _run_with_preload(tmp_path, "np_big", "big = [[k] for k in range(50_000)]\n", code)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 50_000


def test_importing_every_module_keeps_a_process_exit_status_and_its_collector(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A process that imports every module of newsprism (as a test scanning their patterns does)
    still exits with the status it asks for, and still collects its cycles: the fork server's
    module acts only in the fork server. Imported by the slow suite's pattern scan, it made a
    pytest run with a failed test exit 0 (CI passed) and froze that process's objects."""
    code = (
        "import gc, importlib, pkgutil, sys\n"
        "import newsprism\n"
        "for info in pkgutil.walk_packages(newsprism.__path__, 'newsprism.'):\n"
        "    try:\n"
        "        importlib.import_module(info.name)\n"
        "    except ImportError:\n"
        "        pass\n"
        "print(gc.get_freeze_count(), 'newsprism.engine.forkserver' in sys.modules)\n"
        "sys.exit(3)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert (out.returncode, out.stdout.split()) == (3, ["0", "True"]), out.stderr[-2000:]
