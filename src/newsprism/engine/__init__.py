"""Execution engines: how a stage's function is mapped over batches.

Stages are pure functions ``fn(batch) -> result``; an engine only decides
where they run. The local engine runs them in-process; the process engine in
a pool of worker processes on this machine, a few batches ahead of the
caller, so that stateful work (the copy index, the clusterer) goes on in
this process while the workers prepare what comes next; a distributed
engine (Ray) implements the same Protocol.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, Protocol, TypeVar

from newsprism.errors import EngineError

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Apply ``fn`` to every item, yielding results in input order."""
        ...


class LocalEngine:
    """Runs everything in this process, in order."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)


class ProcessEngine:
    """Runs ``fn`` in ``workers`` processes, at most ``ahead`` items in flight.

    ``fn`` and the items must pickle (a module-level function, plain data).
    Workers start fresh ("spawn"): nothing of this process's state, threads
    or open files is inherited, so the result is the same as in-process.
    Results come back in input order; an exception in a worker is raised
    here, when its item's turn comes. Used as a context manager, the engine
    keeps one pool of workers until the block ends, whatever happens in it;
    otherwise each ``map`` starts its own and stops it when its results are
    all read.
    """

    def __init__(self, workers: int, ahead: int | None = None) -> None:
        if workers < 1:
            raise ValueError("a process engine needs at least one worker")
        self.workers = workers
        self.ahead = ahead if ahead is not None else workers + 1
        self._pool: Any = None

    def __enter__(self) -> "ProcessEngine":
        self._pool = self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def _start(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Submits the first items now, not at the first ``next``."""
        pool = self._pool or self._start()
        todo = iter(items)
        # Bounded: the workers run ahead of the caller, but not through a whole corpus.
        pending = deque(pool.submit(fn, item) for item in islice(todo, self.ahead))
        return self._results(pool, fn, todo, pending, own_pool=pool is not self._pool)

    @staticmethod
    def _results(pool: Any, fn: Callable[[T], R], todo: Iterator[T], pending: deque, own_pool: bool) -> Iterator[R]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            while pending:
                try:
                    done = pending.popleft().result()
                except BrokenProcessPool as e:
                    raise EngineError(
                        "a worker process stopped before its work was done (out of memory, or killed); "
                        "in-process work (--workers 0) does without workers"
                    ) from e
                pending.extend(pool.submit(fn, item) for item in islice(todo, 1))
                yield done
        finally:
            for f in pending:
                f.cancel()
            if own_pool:
                pool.shutdown(wait=True, cancel_futures=True)


def default_workers() -> int:
    """Worker processes that leave one core to the caller's own stateful work."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores - 1)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
