"""Imported by a ``ProcessEngine``'s fork server, last of its preload; it acts only there.

Anything else that imports it (a test importing every module of the package,
as one does to scan their patterns) gets a module that does nothing: its acts
are the fork server's, and in another process they were harm. Registered
there, ``end_now`` made a pytest run that had failed tests exit 0, so CI passed
with a failing slow suite; ``gc.freeze`` took every object alive in that
process out of the cyclic collector for good, and a later memory test saw its
cycles as growth.

The server ends when the run's process has ended, and holds the run's output
(stdout and stderr) open until then: freeing spaCy and every module one by one
there was time the run's reader (a pipe, the shell) waited for after the run
was done. So the server leaves at once (``end_now``). Only the server: any
other process that registered it would exit 0 whatever it meant to exit (a
test run's failures were reported with exit status 0 that way).

What the preload made is frozen out of the cyclic garbage collector
(``gc.freeze``) before any worker is forked: a worker's full collections
walked every object of spaCy, the models and the modules (115,000 here), and
writing their headers copied the pages it shared with the server into the
worker. That was paid by each worker, in its first job, while the run waited:
0.12 s of CPU more for a worker's first job than for the same job again,
0.06 s with the preload frozen; the server's objects live as long as it does
anyway.
"""

import atexit
import gc
import sys
from multiprocessing import forkserver
from types import FrameType

from newsprism.engine import end_now


def _imported_by_the_fork_server() -> bool:
    """Whether multiprocessing's fork server is importing this module as its preload: its
    ``main`` is on the stack (it imports each module of the preload by name, before serving)."""
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        if frame.f_code is forkserver.main.__code__:
            return True
        frame = frame.f_back
    return False


if _imported_by_the_fork_server():
    atexit.register(end_now)  # imported last, so called first of the server's exit handlers
    gc.collect()  # the preload's garbage goes now, not frozen with the rest
    gc.freeze()
