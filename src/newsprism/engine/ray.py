"""The Ray engine: a stage's function mapped over items as Ray tasks, on a cluster.

``RayEngine`` keeps the ``Engine`` protocol of the local engines: results come
back in input order, a few items ahead of the caller, and an exception
raised in a task is raised here, at its item's turn. At most ``workers``
tasks are in flight at once, over every ``map`` running together, as a
process engine of that many workers would run them; without ``workers``,
twice the cluster's CPUs (one queued behind each running task, so no CPU
waits for the next). Functions and items go to the tasks pickled, as they go to
a local worker process: the briefer pickles as its settings and in each Ray
worker process is made once, with its models (``pipeline.Briefer``).

Stateful steps run as actors: ``RayEngine.stage`` puts (a copy of) an
object in an actor and calls its methods in order. The pipeline keeps its
own (the copy index, the clusterer, the store writer) on the driver.

Ray is the optional extra ``newsprism[ray]``; it is imported when an engine
starts, never with this module.

A Ray this engine starts (no ``address``) serves this machine only: its node is
127.0.0.1 and its servers listen on loopback. Left to itself, on Linux, Ray
gives such a node the machine's routable address and listens on every
interface, with token authentication off (``ray.init``'s default): any host
that reaches this one could run code in it. Ray's one switch for a loopback
node is the variable ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER`` (0), read when Ray
is imported; the engine sets it then, unless it is set already (1 exposes the
node on purpose). A cluster joined by address is Ray's own configuration.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import islice
from typing import Any, TypeVar

from newsprism.engine import _END, HOLD
from newsprism.errors import EngineError, MissingExtraError, SettingsError

T = TypeVar("T")
R = TypeVar("R")

QUEUED_PER_CPU = 1  # tasks sent beyond the ones running, so a CPU never waits for the caller
LOOPBACK_NODE = ("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # see the module docstring


def _ray() -> Any:
    try:
        import ray
    except ImportError as e:
        raise MissingExtraError("ray", "ray", "The ray engine") from e
    return ray


def _call(fn: Callable[[Any], Any], item: Any) -> Any:
    return fn(item)


def _start(initializer: Callable[..., object], initargs: tuple[Any, ...]) -> None:
    initializer(*initargs)


class RayEngine:
    """Maps over Ray tasks on the cluster at ``address`` (a running one: "HOST:PORT"
    of its head, or "auto"), or on one Ray starts in this process when it is None
    (``init`` is passed to ``ray.init`` then, e.g. ``num_cpus=2``).

    Use it as a context manager: Ray starts (or joins) at ``with`` and, if this
    engine started it, stops at the end. ``workers`` caps the tasks running at
    once (None: the cluster's CPUs).
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        workers: int | None = None,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        **init: Any,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError("the ray engine needs at least one task at a time")
        self.address = address
        self.workers = workers
        self.initializer = initializer  # run once per task slot as the engine starts (load a model)
        self.initargs = initargs
        self.init = init
        self._started = False  # this engine called ray.init, so it shuts Ray down
        self._call: Any = None
        self._live: set[Any] = set()  # every task sent and not yet known to be done, over all maps

    def __enter__(self) -> "RayEngine":
        if self.address is None and "ray" not in sys.modules:
            os.environ.setdefault(*LOOPBACK_NODE)
        ray = _ray()
        if not ray.is_initialized():
            try:
                ray.init(
                    address=self.address,
                    log_to_driver=False,  # the workers' own warnings stay in the cluster's logs
                    include_dashboard=False,
                    configure_logging=False,
                    **self.init,
                )
            except ConnectionError as e:
                raise EngineError(f"cannot join the Ray cluster at {self.address}: {e}") from e
            except ValueError as e:  # Ray's own reading of the address: "HOST:PORT", "ray://HOST:PORT" or "auto"
                raise SettingsError(f"not a Ray cluster address: {self.address!r} ({e})") from e
            self._started = True
        self._call = ray.remote(_call)
        if self.initializer is not None:
            # One task per slot the engine will fill, each on a worker process of its
            # own (each holds a CPU): their models load while the driver groups, not
            # in the first task of each. Nobody waits for them; the work queues
            # behind. A model that fails to load is met again by the first task.
            # They run the work's own function and count among the tasks in flight,
            # so the work follows on the workers they warmed. As tasks of a function
            # of their own, beside the cap, the first task of the work found the
            # other CPU free or queued for it: with one task at a time on two nodes
            # the work alternated between two workers, each loading the models, and
            # with two, Ray at times started a third and fourth, cold.
            slots = min(self._cap(), max(1, int(ray.cluster_resources().get("CPU", 1))))
            for _ in range(slots):
                self._live.add(self._call.remote(partial(_start, self.initializer), self.initargs))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started:
            _ray().shutdown()
            self._started = False
        self._call = None
        self._live.clear()

    @property
    def parallelism(self) -> int:
        if self.workers is not None:
            return self.workers
        if self._call is None:
            return 1
        return max(1, int(_ray().cluster_resources().get("CPU", 1)))

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Sends the first items now, not at the first ``next``."""
        if self._call is None:
            raise EngineError("the ray engine is not started: use it in a with block")
        ray = _ray()
        fn_ref = ray.put(fn)  # sent once, not with every task
        todo = iter(items)
        pending = deque(self._send(ray, fn_ref, item) for item in islice(todo, self._cap()))
        return self._results(ray, fn_ref, todo, pending)

    def _cap(self) -> int:
        return self.workers if self.workers is not None else self.parallelism * (1 + QUEUED_PER_CPU)

    def _send(self, ray: Any, fn_ref: Any, item: Any) -> Any:
        """One task, once fewer than the cap are in flight (waiting for any to end, whichever map sent it)."""
        while len(self._live) >= self._cap():
            done, _ = ray.wait(list(self._live), num_returns=1)
            self._live.difference_update(done)
        ref = self._call.remote(fn_ref, item)
        self._live.add(ref)
        return ref

    def _top_up(self, ray: Any, fn_ref: Any, todo: Iterator[Any], pending: deque) -> None:
        """Send items while fewer than the cap are in flight and fewer than ``HOLD`` times
        the cap wait to be read: a long task at the head of the line keeps no CPU idle."""
        while len(self._live) < self._cap() and len(pending) < HOLD * self._cap():
            item = next(todo, _END)
            if item is _END:
                return
            pending.append(self._send(ray, fn_ref, item))

    def _results(self, ray: Any, fn_ref: Any, todo: Iterator[Any], pending: deque) -> Iterator[Any]:
        try:
            while pending:
                ref = pending[0]
                while not ray.wait([ref], timeout=0)[0]:  # results in input order; others may end first
                    done, _ = ray.wait(list(self._live), num_returns=1)
                    self._live.difference_update(done)
                    self._top_up(ray, fn_ref, todo, pending)
                pending.popleft()
                try:
                    done = ray.get(ref)
                except ray.exceptions.RayTaskError as e:
                    raise e.as_instanceof_cause() from None
                except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError) as e:
                    raise EngineError(f"a Ray worker stopped before its work was done: {e}") from e
                finally:
                    self._live.discard(ref)
                self._top_up(ray, fn_ref, todo, pending)
                yield done
        finally:
            for ref in pending:
                ray.cancel(ref)
                self._live.discard(ref)

    @contextmanager
    def stage(self, obj: Any) -> Iterator["RayStage"]:
        """A stage running (a copy of) ``obj`` in an actor, for the ``with`` block."""
        if self._call is None:
            raise EngineError("the ray engine is not started: use it in a with block")
        ray = _ray()
        actor = ray.remote(_Holder).remote(obj)
        try:
            yield RayStage(actor)
        finally:
            ray.kill(actor)


class _Holder:
    """The actor behind a stage: holds the object, calls its methods."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def call(self, method: str, item: Any) -> Any:
        return getattr(self.obj, method)(item)


class RayStage:
    """The calls of a stage, in order; an actor runs them one after another, in the order sent."""

    def __init__(self, actor: Any, ahead: int = 2) -> None:
        self.actor = actor
        self.ahead = max(1, ahead)

    def calls(self, method: str, items: Iterable[Any]) -> Iterator[Any]:
        ray = _ray()
        todo = iter(items)
        pending = deque(self.actor.call.remote(method, item) for item in islice(todo, self.ahead))

        def answers() -> Iterator[Any]:
            while pending:
                try:
                    answer = ray.get(pending.popleft())
                except ray.exceptions.RayTaskError as e:
                    raise e.as_instanceof_cause() from None
                pending.extend(self.actor.call.remote(method, item) for item in islice(todo, 1))
                yield answer

        return answers()
