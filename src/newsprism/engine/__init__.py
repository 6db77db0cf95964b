"""Execution engines: how a stage's function is mapped over batches.

Stages are pure functions ``fn(batch) -> result``; an engine only decides
where they run. The local engine runs them in-process; the process engine in
a pool of worker processes on this machine, a few batches ahead of the
caller, so that stateful work (the copy index, the clusterer) goes on in
this process while the workers prepare what comes next; the Ray engine
(``newsprism.engine.ray``, the ``ray`` extra) runs them in a cluster's
worker actors, each holding a CPU of the cluster for the run. ``parallelism`` says how many
items an engine works on at once, so a caller can cut its work into enough
pieces.

A stateful step that must see every batch in order (the copy index) runs as
a *stage*: an object that lives where the engine puts it (``Engine.stage``;
an actor, in Ray's terms). Its methods are called on the batches in order,
and its state is a copy of the caller's, taken when the stage starts.
"""

from __future__ import annotations

import atexit
import copy
import os
import pickle
import queue
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from itertools import islice
from typing import Any, Protocol, TypeVar

from newsprism.errors import EngineError
from newsprism.interrupt import stop_fork_server

T = TypeVar("T")
R = TypeVar("R")


class Stage(Protocol):
    def calls(self, method: str, items: Iterable[Any]) -> Iterator[Any]:
        """Call the stage object's ``method`` on every item, in order, yielding the results in order."""
        ...


class Engine(Protocol):
    @property
    def parallelism(self) -> int:
        """How many items it works on at once."""
        ...

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to every item, yielding results in input order."""
        ...

    def stage(self, obj: Any) -> AbstractContextManager[Stage]:
        """A stage running (a copy of) ``obj``, for the ``with`` block."""
        ...


def make_engine(
    kind: str,
    workers: int | None,
    address: str | None = None,
    *,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
    preload: tuple[str, ...] = (),
) -> "LocalEngine | ProcessEngine | Any":
    """The engine a run's settings ask for, to use as a context manager: ``kind``
    "local" with ``workers`` processes (0: this process; None: one per core),
    or "ray" on the cluster at ``address`` (None: a local one), as many items
    at once as ``workers`` or, for None, as the cluster has CPUs free as it starts
    (each held by the run: ``engine.ray``).
    ``initializer(*initargs)`` runs in each worker as it starts (on Ray: once in
    each worker actor, as the engine starts); local workers start with the
    modules ``preload`` names already imported (``ProcessEngine``)."""
    if kind == "ray":
        from newsprism.engine.ray import RayEngine

        return RayEngine(address, workers=workers, initializer=initializer, initargs=initargs)
    n = (os.cpu_count() or 1) if workers is None else workers
    if n == 0:
        return LocalEngine()
    return ProcessEngine(n, initializer=initializer, initargs=initargs, preload=preload)


class LocalEngine:
    """Runs everything in this process, in order."""

    parallelism = 1

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    @contextmanager
    def stage(self, obj: Any) -> Iterator[Stage]:
        yield _LocalStage(copy.deepcopy(obj))  # a copy, as a stage elsewhere would hold


class _LocalStage:
    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def calls(self, method: str, items: Iterable[Any]) -> Iterator[Any]:
        return map(getattr(self.obj, method), items)


_END = object()
HOLD = 4  # results a map keeps waiting for their turn, per item it lets run at once
_ORPHAN_CHECK = 1.0  # seconds between a worker's looks at its parent


def _worker_start(parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]) -> None:
    """A worker of a ``ProcessEngine``: it ends when the process that started it is gone.
    A pool's workers wait on a queue whose writing end each of them holds too, so
    a parent killed outright (``kill -9`` of an ``add``) left them waiting for
    ever, each holding spaCy and the quote model (some 350 MB). A worker forked
    by a fork server is that server's child: the server ends with the engine's
    process, and the worker, whose parent then changes, with it."""
    _end_with(parent)
    atexit.register(end_now)  # registered last, so called first: the pool's own exit handlers have nothing to do here
    if initializer is not None:
        initializer(*initargs)


def _end_with(parent: int) -> None:
    """End this process (a worker, a stage) once ``parent``, the engine's process, is gone:
    it waits on a queue whose writing end it holds too, so it would wait for ever."""
    import threading
    import time

    forked_by = os.getppid()  # the engine's process, or its fork server

    def watch() -> None:
        while os.getppid() == forked_by and (forked_by == parent or _alive(parent)):
            time.sleep(_ORPHAN_CHECK)
        os._exit(1)

    threading.Thread(target=watch, name="newsprism-orphan-check", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # there, but not ours to signal
        return True
    return True


@contextmanager
def _out_of_ctrl_c() -> Iterator[None]:
    """Processes started in the block (workers, their fork server, a stage) start with SIGINT
    blocked, as multiprocessing's resource tracker starts itself: Ctrl+C in a terminal reaches
    every process of its group, and the run's process decides what stops and when. A fork
    server importing spaCy died of it with a traceback, and so broke the start of every
    worker (another traceback, from the thread that starts them); a worker died of it too."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def end_now() -> None:
    """The end of a process that holds models and nothing else to save (a worker, once
    the pool has let it go; a fork server, once its parent is gone): out at once,
    without freeing its models and modules object by object (0.6 s of CPU a worker
    with spaCy and the quote model, while the run waits for it); the system takes the
    memory back whole. Registered with ``atexit``."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(0)


class ProcessEngine:
    """Runs ``fn`` in ``workers`` processes, at most ``ahead`` items in flight.

    ``fn`` and the items must pickle (a module-level function, plain data).
    Workers start fresh ("spawn"): nothing of this process's state, threads
    or open files is inherited, so the result is the same as in-process.
    With ``preload`` (module names), a fork server, itself started fresh,
    imports those modules once and forks each worker from itself, so the
    workers start with them instead of each importing them (spaCy: half a
    second of CPU a worker); where fork servers are not available, workers
    are spawned.
    Results come back in input order; an exception in a worker is raised
    here, when its item's turn comes. Used as a context manager, the engine
    keeps one pool of workers until the block ends, whatever happens in it;
    otherwise each ``map`` starts its own and stops it when its results are
    all read.
    """

    def __init__(
        self,
        workers: int,
        ahead: int | None = None,
        *,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        preload: tuple[str, ...] = (),
    ) -> None:
        if workers < 1:
            raise ValueError("a process engine needs at least one worker")
        self.preload = preload
        self._starting: Any = None
        self._abandoned = False  # the block failed while workers were starting: their starts may fail
        self.workers = workers
        self.ahead = ahead if ahead is not None else workers + 1  # items unfinished at once
        self.hold = HOLD * self.ahead  # items sent and not yet read, finished or not
        self.initializer = initializer  # run in each worker as it starts (load a model once)
        self.initargs = initargs
        self._pool: Any = None

    @property
    def parallelism(self) -> int:
        return self.workers

    def __enter__(self) -> "ProcessEngine":
        import threading

        self._pool = self._start()
        self._abandoned = False
        # Every worker starts now (and runs the initializer), not as items come: the pool
        # starts a process for each item it cannot hand to an idle one, and none is idle
        # before its initializer ends. One item started one worker, and the others began
        # loading their models only once the caller sent work, after grouping. In a thread:
        # a fork server answers the first start only once it has imported its preload, and
        # the caller goes on meanwhile (the pool's submit is thread-safe).
        pool = self._pool

        def start() -> None:
            with _out_of_ctrl_c():
                for _ in range(self.workers):
                    try:
                        pool.submit(int)
                    except Exception:
                        if self._abandoned:  # the fork server was stopped under it (``__exit__``)
                            return
                        raise

        self._starting = threading.Thread(target=start, name="newsprism-workers-start", daemon=True)
        self._starting.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is not None and self._starting.is_alive():
            # The workers still to start wait for the fork server to import their models
            # (7-14 s at load 17 after a Ctrl+C in the first seconds of ``analyze``): the
            # fork server is stopped, their starts fail, and the next engine starts another.
            self._abandoned = True
            stop_fork_server()
        self._starting.join()
        _stop(self._pool, wanted=exc_type is None)
        self._pool = None

    def _start(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context: Any = multiprocessing.get_context("spawn")
        if self.preload and "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            # The server of this process (one for all its engines) imports these when it starts;
            # the last makes it leave at once when it ends.
            context.set_forkserver_preload(["__main__", *self.preload, "newsprism.engine.forkserver"])
        return ProcessPoolExecutor(
            self.workers, mp_context=context,
            initializer=_worker_start, initargs=(os.getpid(), self.initializer, self.initargs),
        )

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Submits the first items now, not at the first ``next``."""
        pool = self._pool or self._start()
        todo = iter(items)
        pending: deque = deque()
        self._top_up(pool, fn, todo, pending)
        return self._results(pool, fn, todo, pending, own_pool=pool is not self._pool)

    def _top_up(self, pool: Any, fn: Callable[[T], R], todo: Iterator[T], pending: deque) -> None:
        """Submit items while fewer than ``ahead`` are unfinished and fewer than ``hold`` wait
        to be read: the workers run ahead of the caller, but not through a whole corpus, and
        a long item at the head of the line keeps no other worker idle."""
        running = sum(not f.done() for f in pending)
        while running < self.ahead and len(pending) < self.hold:
            item = next(todo, _END)
            if item is _END:
                return
            with _out_of_ctrl_c():  # a submit may start a worker
                pending.append(pool.submit(fn, item))
            running += 1

    def _results(self, pool: Any, fn: Callable[[T], R], todo: Iterator[T], pending: deque, own_pool: bool) -> Iterator[R]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        finished = False  # else a failure, Ctrl+C, or the caller stopped reading
        try:
            while pending:
                while not pending[0].done():  # results in input order; others may end first
                    wait([f for f in pending if not f.done()], return_when=FIRST_COMPLETED)
                    self._top_up(pool, fn, todo, pending)
                try:
                    done = pending.popleft().result()
                except BrokenProcessPool as e:
                    raise EngineError(_DIED) from e
                self._top_up(pool, fn, todo, pending)
                yield done
            finished = True
        finally:
            for f in pending:
                f.cancel()
            if own_pool:
                _stop(pool, wanted=finished)

    def stage(self, obj: Any) -> "ProcessStage":
        return ProcessStage(obj, ahead=self.ahead)


def _stop(pool: Any, wanted: bool) -> None:
    """Stop a pool. Its work in flight waited for only when ``wanted``: otherwise (the run
    failed or was interrupted) its workers are ended at once, where ``shutdown`` waits for
    every running item: a story's brief can take a minute, and a Ctrl+C of ``analyze
    --workers 2`` had not stopped it 30 s later. The pool takes it as it takes a worker
    that dies (its futures fail, its queues close); ``ProcessPoolExecutor`` has no public
    way to end its workers before Python 3.14 (``terminate_workers``)."""
    if not wanted:
        for worker in tuple((pool._processes or {}).values()):  # tuple(): one step, as the pool's thread may add one
            worker.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


_DIED = (
    "a worker process stopped before its work was done (out of memory, or killed); "
    "work in this one process (no workers) does without them"
)


class ProcessStage:
    """A stage in a process of its own, started (``obj`` pickled to it) when the ``with`` block begins.

    At most ``ahead`` calls are in flight; an exception raised there is
    raised here, at its call's turn. The process starts fresh ("spawn"), as
    the process engine's workers do.
    """

    def __init__(self, obj: Any, ahead: int = 2) -> None:
        self.obj = obj
        self.ahead = max(1, ahead)
        self._proc: Any = None
        self._in_flight = 0

    def __enter__(self) -> "ProcessStage":
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        # Queues, not a pipe: their feeder threads send while this process works, so
        # neither side can block the other with a large batch half sent.
        self._tasks, self._results = ctx.Queue(), ctx.Queue()
        self._proc = ctx.Process(target=_serve, args=(self.obj, self._tasks, self._results, os.getpid()), daemon=True)
        with _out_of_ctrl_c():
            self._proc.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None:
            self._tasks.put(None)
            # Answers left unread would keep the process from ending: it waits until they are taken.
            while self._in_flight and self._proc.is_alive():
                with suppress(queue.Empty):
                    self._results.get(timeout=1.0)
                    self._in_flight -= 1
            self._proc.join(timeout=10)
        if self._proc.is_alive():  # the block failed or was interrupted: its work is not wanted
            self._proc.terminate()
            self._proc.join()
        # Items still queued for the stopped process would keep this one from ever exiting.
        self._tasks.cancel_join_thread()
        self._proc = None
        self._in_flight = 0

    def calls(self, method: str, items: Iterable[Any]) -> Iterator[Any]:
        """Sends the first items now, not at the first ``next``.

        Calls still in flight from an earlier ``calls`` left unread (its
        caller stopped, or an exception) are waited for and their answers
        dropped first; their effect on the stage's state stays.
        """
        while self._in_flight:
            self._in_flight -= 1
            with suppress(Exception):
                self._answer()
        todo = iter(items)
        for item in islice(todo, self.ahead):
            self._send(method, item)
        return self._answers(method, todo)

    def _send(self, method: str, item: Any) -> None:
        self._tasks.put((method, item))
        self._in_flight += 1

    def _answers(self, method: str, todo: Iterator[Any]) -> Iterator[Any]:
        while self._in_flight:
            self._in_flight -= 1
            answer = self._answer()
            for item in islice(todo, 1):  # keep the stage busy while the caller works on this answer
                self._send(method, item)
            yield answer

    def _answer(self) -> Any:
        while True:
            try:
                ok, value = self._results.get(timeout=1.0)
            except queue.Empty:
                if not self._proc.is_alive():
                    raise EngineError(_DIED) from None
                continue
            if not ok:
                raise value
            return value


def _serve(obj: Any, tasks: Any, results: Any, parent: int) -> None:
    """The stage process: call ``obj``'s methods on what arrives, in order, until None.
    It ends with ``parent`` too (``kill -9`` of a run left it waiting for ever)."""
    _end_with(parent)
    while (task := tasks.get()) is not None:
        method, item = task
        try:
            results.put((True, getattr(obj, method)(item)))
        except Exception as e:  # noqa: BLE001 - the caller raises it, at this call's turn
            try:
                pickle.dumps(e)
            except Exception:  # noqa: BLE001 - one that cannot travel is sent as its message
                e = EngineError(f"{type(e).__name__}: {e}")
            results.put((False, e))
