"""The Ray engine: a stage's function mapped over items on a cluster's workers.

``RayEngine`` keeps the ``Engine`` protocol of the local engines: results come
back in input order, a few items ahead of the caller, and an exception
raised in the work is raised here, at its item's turn. At most ``workers``
items are in flight at once, over every ``map`` running together, as a
process engine of that many workers would run them; without ``workers``, as
many as the CPUs it holds (below). Functions and items go to the workers pickled,
as they go to a local worker process: the briefer pickles as its settings and
in each worker process is made once, with its models (``pipeline.Briefer``).

The work runs on **worker actors that hold the CPUs they use**: as the engine
starts it reserves one CPU bundle per task slot in a placement group (Ray's
gang reservation, strategy SPREAD: the slots spread over the nodes, so two
slots of a two-node cluster are on two nodes) and starts one actor (``_Worker``)
in each bundle, which loads the models once. While the run goes on, the
cluster shows those CPUs taken, and no other job, nor a second run, is put on
them; at the end the placement group is removed, and with it its actors (Ray
kills the actors of a removed group) and the reservation. With ``workers`` the
engine asks for that many CPUs and waits up to ``reserve_timeout`` seconds for
them (an autoscaling cluster adds nodes for a reservation it cannot place),
then fails with an ``EngineError`` naming what the cluster has: the output is
the same with fewer workers, but a run quietly given fewer CPUs than it asked
for is slower than planned, and running more than the CPUs held is what the
reservation is there to stop. Without ``workers`` it asks for the CPUs free as
it starts (at least one). A Ray the engine starts itself (no ``address``) has
``workers`` CPUs, as a process engine has that many processes; without
``workers``, one per core. An item whose actor is gone (killed) is sent once
more, to a new actor in its bundle, the old one ended first.

Stateful steps run as actors too: ``RayEngine.stage`` puts (a copy of) an
object in an actor of the run and calls its methods in order. The pipeline keeps
its own (the copy index, the clusterer, the store writer) on the driver.

Ray is the optional extra ``newsprism[ray]``; it is imported when an engine
starts, never with this module.

A Ray this engine starts (no ``address``) serves this machine only: its node is
127.0.0.1 and its servers listen on loopback. Left to itself, on Linux, Ray
gives such a node the machine's routable address and listens on every
interface, with token authentication off (``ray.init``'s default): any host
that reaches this one could run code in it. Ray's one switch for a loopback
node is the variable ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER`` (0), read when Ray
is imported; the engine sets it then, unless it is set already (1 exposes the
node on purpose). Its workers run at the caller's priority (``WORKERS_AT_OUR_NICENESS``):
Ray lowers a worker's by 15 nice levels (``worker_niceness``), which on a machine
doing other work starved the briefs: one article took 137 s at load 6 to 12, 100 s
of it its two actors at nice 19 loading the models on 2.3 s of CPU each; 62 s at
load 13 to 15 with them at the caller's nice 10. A cluster joined by address is
Ray's own configuration (``scripts/ray_cluster_check.sh`` starts its nodes so).
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from itertools import islice
from typing import Any, TypeVar

from newsprism.engine import _END, HOLD
from newsprism.errors import EngineError, MissingExtraError, SettingsError

T = TypeVar("T")
R = TypeVar("R")

LOOPBACK_NODE = ("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # see the module docstring
WORKERS_AT_OUR_NICENESS = ("RAY_worker_niceness", "0")  # read by the node as it starts: see the module docstring
RESERVE_TIMEOUT = 60.0  # seconds the engine waits for the CPUs it asks for (see the module docstring)
INTERRUPT_STEP = 0.1  # seconds: the longest Ctrl+C waits while the engine waits for its CPUs (_placed)


def _ray() -> Any:
    try:
        import ray
    except ImportError as e:
        raise MissingExtraError("ray", "ray", "The ray engine") from e
    return ray


def connect(address: str | None = None, **init: Any) -> bool:
    """Joins the Ray cluster at ``address`` ("HOST:PORT" of its head, or "auto"), or starts one
    on this machine when it is None (``init``: more of ``ray.init``'s arguments, e.g.
    ``num_cpus=2``), unless this process is connected already. True if it started Ray."""
    if address is None and "ray" not in sys.modules:
        os.environ.setdefault(*LOOPBACK_NODE)
    ray = _ray()
    if ray.is_initialized():
        return False
    if address is None:
        os.environ.setdefault(*WORKERS_AT_OUR_NICENESS)
    try:
        ray.init(
            address=address,
            log_to_driver=False,  # the workers' own warnings stay in the cluster's logs
            include_dashboard=False,
            configure_logging=False,
            **init,
        )
    except ConnectionError as e:
        raise EngineError(f"cannot join the Ray cluster at {address}: {e}") from e
    except ValueError as e:  # Ray's own reading of the address: "HOST:PORT", "ray://HOST:PORT" or "auto"
        raise SettingsError(f"not a Ray cluster address: {address!r} ({e})") from e
    return True


def _start(initializer: Callable[..., object], initargs: tuple[Any, ...]) -> None:
    initializer(*initargs)


class _Worker:
    """A worker actor: runs the calls sent to its bundle, one at a time, in a process that keeps
    what they load (the briefer and its models: ``pipeline._briefer_for``)."""

    def call(self, fn: Callable[[Any], Any], item: Any) -> Any:
        return fn(item)


class _Sent:
    """An item sent to a worker actor, and what came of it (``ref``) while it is read."""

    __slots__ = ("actor", "item", "ref", "slot", "tries")

    def __init__(self, item: Any) -> None:
        self.item = item
        self.ref: Any = None
        self.slot = 0  # sent to the actor of this slot (its bundle's index)
        self.actor: Any = None  # that actor
        self.tries = 0


class RayEngine:
    """Maps over the worker actors of the cluster at ``address`` (a running one: "HOST:PORT"
    of its head, or "auto"), or of one Ray starts in this process when it is None
    (``init`` is passed to ``ray.init`` then, e.g. ``num_cpus=2``).

    Use it as a context manager: Ray starts (or joins) at ``with``, the engine reserves
    its CPUs and starts its actors; at the end it gives them back and, if this engine
    started Ray, stops it. ``workers``: the CPUs held, and items running at once (None:
    the CPUs free as it starts). ``reserve_timeout``: seconds to wait for them.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        workers: int | None = None,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        reserve_timeout: float = RESERVE_TIMEOUT,
        **init: Any,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError("the ray engine needs at least one task at a time")
        self.address = address
        self.workers = workers
        self.initializer = initializer  # run once in each worker actor as the engine starts (load a model)
        self.initargs = initargs
        self.reserve_timeout = reserve_timeout
        self.init = init
        self._started = False  # this engine called ray.init, so it shuts Ray down
        self._running = False
        self._group: Any = None  # the placement group of the run's CPUs
        self._actors: list[Any] = []  # one a bundle of the group
        self._flight: list[int] = []  # calls in flight, per actor
        self._live: dict[Any, int] = {}  # every call sent and not yet known to be done, over all maps -> its actor

    def __enter__(self) -> "RayEngine":
        init = dict(self.init)
        if self.address is None and self.workers is not None:
            init.setdefault("num_cpus", self.workers)  # a Ray started here: a CPU a worker, as a process engine's
        self._started = connect(self.address, **init)
        ray = _ray()
        self._running = True
        try:  # whatever stops the start (an error, Ctrl+C), the group goes and a Ray started here stops
            self._reserve(ray)
            self._actors = [self._actor(ray, k) for k in range(self._group.bundle_count)]
            self._flight = [0] * len(self._actors)
            if self.initializer is not None:
                # Each actor loads the models while the driver reads and groups, not in its first
                # job. Nobody waits for it: the work queues behind, on the same actor. A model that
                # fails to load is met again by the first job, which raises it.
                for k, actor in enumerate(self._actors):
                    self._flight[k] += 1
                    self._live[actor.call.remote(partial(_start, self.initializer), self.initargs)] = k
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        failing = bool(exc) and exc[0] is not None  # the run stops for an error of its own
        try:
            self._remove_group(quiet=failing)
        finally:  # even if Ray cannot remove the group: shut down the Ray started here, forget the run
            if self._started:
                self._started = False
                _ray().shutdown()
            self._running = False
            self._actors, self._flight = [], []
            self._live.clear()

    def _remove_group(self, quiet: bool = False) -> None:
        """Gives the run's CPUs back: Ray kills the group's actors with it. ``quiet``: an error of Ray's
        here is dropped, so that it does not hide the one the run is stopping for (the group, if Ray
        kept it, ends with this driver's job, as a group not detached does)."""
        group, self._group = self._group, None
        if group is None:
            return
        from ray.util import remove_placement_group

        try:
            remove_placement_group(group)
        except Exception:
            if not quiet:
                raise

    def _reserve(self, ray: Any) -> None:
        """Places the run's group, one CPU a slot (``workers`` of them, or the CPUs free now), in
        ``self._group`` from the moment it exists: whatever stops the wait, ``__exit__`` removes it."""
        from ray.util import placement_group

        want = self.workers if self.workers is not None else max(1, int(ray.available_resources().get("CPU", 0)))
        self._group = placement_group([{"CPU": 1}] * want, strategy="SPREAD")
        if self._placed(ray, self._group):
            return
        self._remove_group()  # before counting the CPUs free: a group placed late would take them
        total, free = (int(r.get("CPU", 0)) for r in (ray.cluster_resources(), ray.available_resources()))
        raise EngineError(
            f"the Ray cluster did not give the {want} CPU(s) asked for in {self.reserve_timeout:g} s: "
            f"it has {total}, {free} free"
        )

    def _placed(self, ray: Any, group: Any) -> bool:
        """Waits up to ``reserve_timeout`` seconds for ``group`` to be placed, in steps of
        ``INTERRUPT_STEP``: Ctrl+C stops the wait at once. ``group.wait`` would block in Ray's C++
        for the whole timeout, and Python runs its SIGINT handler only after it returns."""
        ready = group.ready()
        deadline = time.monotonic() + self.reserve_timeout
        while not ray.wait([ready], timeout=min(INTERRUPT_STEP, max(0.0, deadline - time.monotonic())))[0]:
            if time.monotonic() >= deadline:
                return False
        return True

    def _actor(self, ray: Any, k: int) -> Any:
        """A worker actor in bundle ``k`` of the run's placement group, holding its CPU."""
        from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

        return ray.remote(_Worker).options(
            num_cpus=1, max_restarts=0,
            scheduling_strategy=PlacementGroupSchedulingStrategy(self._group, placement_group_bundle_index=k),
        ).remote()

    @property
    def parallelism(self) -> int:
        if self._actors:
            return len(self._actors)
        return self.workers or 1

    def _cap(self) -> int:
        return self.parallelism

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Sends the first items now, not at the first ``next``."""
        if not self._running:
            raise EngineError("the ray engine is not started: use it in a with block")
        ray = _ray()
        fn_ref = ray.put(fn)  # sent once, not with every item
        todo = iter(items)
        pending: deque[_Sent] = deque()
        for item in islice(todo, self._cap()):
            pending.append(self._send(ray, fn_ref, _Sent(item)))
        return self._results(ray, fn_ref, todo, pending)

    def _settle(self, done: Iterable[Any]) -> None:
        for ref in done:
            k = self._live.pop(ref, None)
            if k is not None:
                self._flight[k] -= 1

    def _send(self, ray: Any, fn_ref: Any, sent: _Sent) -> _Sent:
        """``sent`` to an actor with no call in flight, once there is one (waiting for any call to
        end, whichever map sent it): one call an actor, as one task a CPU."""
        while len(self._live) >= self._cap():
            done, _ = ray.wait(list(self._live), num_returns=1)
            self._settle(done)
        k = self._flight.index(min(self._flight))
        sent.slot, sent.actor = k, self._actors[k]
        sent.ref = sent.actor.call.remote(fn_ref, sent.item)
        sent.tries += 1
        self._flight[k] += 1
        self._live[sent.ref] = k
        return sent

    def _top_up(self, ray: Any, fn_ref: Any, todo: Iterator[Any], pending: deque[_Sent]) -> None:
        """Send items while fewer than the cap are in flight and fewer than ``HOLD`` times
        the cap wait to be read: a long item at the head of the line keeps no CPU idle."""
        while len(self._live) < self._cap() and len(pending) < HOLD * self._cap():
            item = next(todo, _END)
            if item is _END:
                return
            pending.append(self._send(ray, fn_ref, _Sent(item)))

    def _results(self, ray: Any, fn_ref: Any, todo: Iterator[Any], pending: deque[_Sent]) -> Iterator[Any]:
        try:
            while pending:
                sent = pending[0]
                while not ray.wait([sent.ref], timeout=0)[0]:  # results in input order; others may end first
                    done, _ = ray.wait(list(self._live), num_returns=1)
                    self._settle(done)
                    self._top_up(ray, fn_ref, todo, pending)
                self._settle([sent.ref])
                try:
                    done = ray.get(sent.ref)
                except ray.exceptions.RayTaskError as e:
                    raise e.as_instanceof_cause() from None
                except ray.exceptions.RayActorError as e:
                    if sent.tries > 1:
                        raise EngineError(f"a Ray worker stopped before its work was done: {e}") from e
                    if self._actors[sent.slot] is sent.actor:  # not replaced yet (by another item it held)
                        # Ended first: an actor Ray calls unavailable (ActorUnavailableError, a transient
                        # failure) may live on, holding the bundle's one CPU its replacement needs.
                        ray.kill(sent.actor, no_restart=True)
                        self._actors[sent.slot] = self._actor(ray, sent.slot)
                    self._send(ray, fn_ref, sent)
                    continue
                except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError) as e:
                    raise EngineError(f"a Ray worker stopped before its work was done: {e}") from e
                pending.popleft()
                self._top_up(ray, fn_ref, todo, pending)
                yield done
        finally:
            for sent in pending:
                with suppress(Exception):  # done already, or its actor gone
                    ray.cancel(sent.ref)
                self._settle([sent.ref])

    @contextmanager
    def stage(self, obj: Any) -> Iterator["RayStage"]:
        """A stage running (a copy of) ``obj`` in an actor, for the ``with`` block."""
        if not self._running:
            raise EngineError("the ray engine is not started: use it in a with block")
        ray = _ray()
        # No CPU of the cluster's: the run's workers hold them all, and a stage is the driver's
        # own stateful step put beside (the driver reserves none either); left to Ray's default
        # (one CPU to be placed) it would wait for the run to end.
        actor = ray.remote(_Holder).options(num_cpus=0).remote(obj)
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
