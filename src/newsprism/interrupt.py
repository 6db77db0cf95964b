"""Ctrl+C on the command line: one line, ``interrupted``, and exit code 130, whenever it comes.

The first Ctrl+C raises KeyboardInterrupt, which unwinds the run: its
workers are stopped, a half-written ``-o`` file is removed (the one before it
stays). A later one ends the process at once, its worker processes with it:
one pressed again while the run stops, or where the first was lost (Python
drops a KeyboardInterrupt raised inside a destructor). Python's own handler
raised KeyboardInterrupt for each, which could break out of the code that
says ``interrupted``, and a Ctrl+C in the second or so the interpreter takes
to exit, once it has put the default action back, killed the process by the
signal (-2 to a caller, not 130) after ``interrupted`` was said: Ctrl+C is
ignored for that last part. One that came while Python ran code it had made
from a string (the methods of a dataclass, of a named tuple, as a module is
imported) did the same under ``python -m``: see ``_forget_the_interrupt``.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from contextlib import suppress

# Not typing.TYPE_CHECKING: this loads before the command line, and the sooner the better.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType
    from typing import NoReturn

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it

_pressed = False  # Ctrl+C has been pressed: the run is stopping
_said = False


def handle_ctrl_c() -> None:
    """Ctrl+C as the module docstring says, from now on. Only in place of Python's own
    handler: where Ctrl+C is ignored (a shell's background job) it stays ignored."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_ctrl_c)
        atexit.register(_exiting)  # registered first, so called last of the exit handlers


def _on_ctrl_c(signum: int, frame: FrameType | None) -> None:
    global _pressed
    if _pressed:
        _now()
    _pressed = True
    raise KeyboardInterrupt


def _now() -> NoReturn:
    """Out at once, the worker processes ended (a pool's workers also end on their own
    once this process is gone; a stage process would wait for its next task for ever)."""
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None:
        stop_fork_server()  # it forks no more workers, which would open the semaphores removed below
        for child in multiprocessing.active_children():
            child.terminate()
        _remove_semaphores()
    _say()
    os._exit(EXIT_INTERRUPTED)


def stop_fork_server() -> None:
    """End this process's fork server, if it runs (``multiprocessing.forkserver`` keeps its pid
    and starts a new one when it is next needed; there is no public way to stop it)."""
    forkserver = sys.modules.get("multiprocessing.forkserver")
    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if pid:
        with suppress(OSError):  # gone already
            os.kill(pid, signal.SIGTERM)


def _remove_semaphores() -> None:
    """Remove the named semaphores of this process's queues and locks, as the interpreter's
    exit would have (each one's ``multiprocessing.util.Finalize``). ``os._exit`` skips that,
    and multiprocessing's resource tracker, finding them at this process's end, removed them
    itself with a warning after "interrupted" ("There appear to be 5 leaked semaphore
    objects"). In a thread given a second: the code the Ctrl+C interrupted may hold the
    tracker's lock. Not public API: where it changes, the tracker still removes them."""
    import threading

    util, synchronize = sys.modules.get("multiprocessing.util"), sys.modules.get("multiprocessing.synchronize")
    cleanup = getattr(getattr(synchronize, "SemLock", None), "_cleanup", None)
    registry = getattr(util, "_finalizer_registry", None)
    if cleanup is None or not isinstance(registry, dict):
        return
    finalizers = [f for f in tuple(registry.values()) if getattr(f, "_callback", None) is cleanup]

    def remove() -> None:
        for finalize in finalizers:
            with suppress(OSError):  # one already gone: the others still to remove
                finalize()

    thread = threading.Thread(target=remove, daemon=True)
    thread.start()
    thread.join(1.0)


def _exiting() -> None:
    # The interpreter's exit puts the default action back for SIGINT before it frees the
    # modules: a Ctrl+C then would kill the process by the signal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _pressed:
        _forget_the_interrupt()


def _forget_the_interrupt() -> None:
    """The run handled its Ctrl+C: it exits with the code it chose. CPython marks a
    KeyboardInterrupt that leaves code run from a string (``exec`` or ``eval`` of a str,
    as ``dataclasses`` and ``collections.namedtuple`` make their methods: a Ctrl+C while
    a module is imported) as one nothing handled, whatever catches it later, and under
    ``python -m`` an interpreter so marked ends by killing itself with SIGINT once its
    exit is done (``Py_RunMain``; -2 to a caller, after ``interrupted``, the 130 lost).
    Every ``exec`` of a string clears the mark as it begins: this one does nothing else.
    After the first Ctrl+C no KeyboardInterrupt is raised (``_on_ctrl_c``), so none can
    mark it again."""
    exec("")


def _say() -> None:
    global _said
    if not _said:
        _said = True
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()


def interrupted() -> NoReturn:
    """Say that the run was interrupted, and exit 130."""
    _say()
    sys.exit(EXIT_INTERRUPTED)
