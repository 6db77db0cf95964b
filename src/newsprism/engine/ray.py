"""The Ray engine: a stage's function mapped over items on a cluster's workers.

``RayEngine`` keeps the ``Engine`` protocol of the local engines: results come
back in input order, a few items ahead of the caller, and an exception
raised in the work is raised here, at its item's turn. At most ``workers``
items are in flight at once, over every ``map`` running together, as a
process engine of that many workers would run them; without ``workers``, as
many as the cluster has CPUs. Functions and items go to the workers pickled,
as they go to a local worker process: the briefer pickles as its settings and
in each worker process is made once, with its models (``pipeline.Briefer``).

The work runs on **worker actors that outlive the run** (``_Worker``): one per
task slot, a slot a CPU, taken in turn from each node, each pinned to its node
and named after the slot and the newsprism code the driver runs, in Ray's
namespace ``newsprism``. The next run on the cluster finds them with the models
loaded: a Ray task's worker is new to every run (Ray keeps no worker across
drivers) and spent 1.8 s of CPU starting (Ray's own boot, spaCy, the models, a
first brief) while the run waited, in a run of 10 to 20 s. An actor ends once it
has waited ``KEEP_WARM`` seconds for work, or at its first idle moment after
``MAX_AGE`` (spaCy keeps every string it meets for the life of its process), and
with its cluster. The actors hold no CPU of the cluster's (``num_cpus=0``): an
idle one would keep the CPU from any other work, and the engine caps what runs
at once itself. An item whose actor is gone (ended while the run looked it up,
or killed) is sent once more, to a new actor in its slot.

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
from functools import cache, partial
from itertools import islice, zip_longest
from typing import Any, TypeVar

from newsprism.engine import _END, HOLD
from newsprism.errors import EngineError, MissingExtraError, SettingsError

T = TypeVar("T")
R = TypeVar("R")

LOOPBACK_NODE = ("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # see the module docstring
WORKERS_AT_OUR_NICENESS = ("RAY_worker_niceness", "0")  # read by the node as it starts: see the module docstring
NAMESPACE = "newsprism"  # Ray's namespace of the worker actors, shared by every run on a cluster
KEEP_WARM = 600.0  # seconds a worker actor waits for the next run before it ends
MAX_AGE = 3600.0  # seconds after which a worker actor ends at its first idle moment
IDLE_AT_AGE = 5.0  # ... an idle moment: this long without work (a run's jobs follow one another closer)


def _ray() -> Any:
    try:
        import ray
    except ImportError as e:
        raise MissingExtraError("ray", "ray", "The ray engine") from e
    return ray


def _start(initializer: Callable[..., object], initargs: tuple[Any, ...]) -> None:
    initializer(*initargs)


@cache
def _code_key() -> str:
    """Names this process's newsprism (its version and files): a worker actor started by another
    code runs that code, so a run with changed code starts its own actors."""
    import hashlib
    from pathlib import Path

    import newsprism

    root = Path(newsprism.__file__).parent
    h = hashlib.sha1(newsprism.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            st = path.stat()
            h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:16]


class _Worker:
    """A worker actor: runs the calls sent to its slot, one at a time, run after run, in a
    process that keeps what they load (the briefer and its models: ``pipeline._briefer_for``).
    It ends itself once idle ``keep`` seconds, or ``IDLE_AT_AGE`` seconds once older than
    ``max_age``, through Ray (``__ray_terminate__``, run after any call already queued)."""

    def __init__(self, keep: float, max_age: float) -> None:
        import threading

        self._busy = False
        self._born = self._last = time.monotonic()
        threading.Thread(target=self._watch, args=(keep, max_age), name="newsprism-idle-end", daemon=True).start()

    def call(self, fn: Callable[[Any], Any], item: Any) -> Any:
        self._busy = True
        try:
            return fn(item)
        finally:
            self._busy, self._last = False, time.monotonic()

    def _watch(self, keep: float, max_age: float) -> None:
        import ray

        while True:
            time.sleep(min(keep / 2, IDLE_AT_AGE))
            now = time.monotonic()
            idle = 0.0 if self._busy else now - self._last
            if idle > keep or (now - self._born > max_age and idle > IDLE_AT_AGE):
                ray.get_runtime_context().current_actor.__ray_terminate__.remote()
                return


def _slots(ray: Any, n: int) -> list[tuple[str, int]]:
    """The first ``n`` task slots (at most the cluster's CPUs): a slot a CPU, (node id, k),
    taken in turn from each node, so two slots of a two-node cluster are on two nodes."""
    nodes = sorted((node["NodeID"], int(node["Resources"].get("CPU", 0))) for node in ray.nodes() if node["Alive"])
    by_node = [[(node, k) for k in range(cpus)] for node, cpus in nodes]
    slots = [slot for turn in zip_longest(*by_node) for slot in turn if slot is not None]
    if not slots:
        raise EngineError("the Ray cluster has no CPU to run on")
    return slots[:n]


class _Sent:
    """An item sent to a worker actor, and what came of it (``ref``) while it is read."""

    __slots__ = ("actor", "item", "ref", "slot", "tries")

    def __init__(self, item: Any) -> None:
        self.item = item
        self.ref: Any = None
        self.slot = 0  # sent to the actor of this slot
        self.actor: Any = None  # that actor
        self.tries = 0


class RayEngine:
    """Maps over the worker actors of the cluster at ``address`` (a running one: "HOST:PORT"
    of its head, or "auto"), or of one Ray starts in this process when it is None
    (``init`` is passed to ``ray.init`` then, e.g. ``num_cpus=2``).

    Use it as a context manager: Ray starts (or joins) at ``with`` and, if this
    engine started it, stops at the end. ``workers`` caps the items running at
    once (None: the cluster's CPUs). ``keep_warm``: seconds the worker actors
    wait idle for another run (``KEEP_WARM``).
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        workers: int | None = None,
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        keep_warm: float = KEEP_WARM,
        **init: Any,
    ) -> None:
        if workers is not None and workers < 1:
            raise ValueError("the ray engine needs at least one task at a time")
        self.address = address
        self.workers = workers
        self.initializer = initializer  # run once in each worker actor as the engine starts (load a model)
        self.initargs = initargs
        self.keep_warm = keep_warm
        self.init = init
        self._started = False  # this engine called ray.init, so it shuts Ray down
        self._running = False
        self._slots: list[tuple[str, int]] = []
        self._actors: list[Any] = []  # one a slot
        self._flight: list[int] = []  # calls in flight, per actor
        self._live: dict[Any, int] = {}  # every call sent and not yet known to be done, over all maps -> its actor

    def __enter__(self) -> "RayEngine":
        if self.address is None and "ray" not in sys.modules:
            os.environ.setdefault(*LOOPBACK_NODE)
        ray = _ray()
        if not ray.is_initialized():
            if self.address is None:
                os.environ.setdefault(*WORKERS_AT_OUR_NICENESS)
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
        self._running = True
        self._slots = _slots(ray, self._cap())
        self._actors = [self._actor(ray, slot) for slot in self._slots]
        self._flight = [0] * len(self._actors)
        if self.initializer is not None:
            # Each actor loads the models (a new one; one from an earlier run has them) while
            # the driver reads and groups, not in its first job. Nobody waits for it: the
            # work queues behind, on the same actor. A model that fails to load is met
            # again by the first job, which raises it.
            for k, actor in enumerate(self._actors):
                self._flight[k] += 1
                self._live[actor.call.remote(partial(_start, self.initializer), self.initargs)] = k
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started:
            _ray().shutdown()
            self._started = False
        self._running = False
        self._actors, self._flight = [], []
        self._live.clear()

    def _actor(self, ray: Any, slot: tuple[str, int]) -> Any:
        """The worker actor of ``slot``: the one there (from an earlier run), else a new one.
        In a Ray this engine started, which stops with the run, the actors are the run's own:
        a node stopped while an actor lives on it waits 30 s for it before killing it."""
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        node, k = slot
        return ray.remote(_Worker).options(
            name=f"worker-{_code_key()}-{node}-{k}", namespace=NAMESPACE, get_if_exists=True,
            lifetime=None if self._started and self.address is None else "detached", num_cpus=0, max_restarts=0,
            scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False),
        ).remote(self.keep_warm, MAX_AGE)

    @property
    def parallelism(self) -> int:
        if self.workers is not None:
            return self.workers
        if not self._running:
            return 1
        return max(1, int(_ray().cluster_resources().get("CPU", 1)))

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
        """``sent`` to the actor with the fewest calls in flight, once fewer than the cap are in
        flight and that actor has fewer than its share (waiting for any to end, whichever map sent it)."""
        share = -(-self._cap() // len(self._actors))
        while len(self._live) >= self._cap() or min(self._flight) >= share:
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
                        self._actors[sent.slot] = self._actor(ray, self._slots[sent.slot])
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
