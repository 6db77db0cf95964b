"""Imported by a ``ProcessEngine``'s fork server, last of its preload, and by nothing else.

The server ends when the run's process has ended, and holds the run's output
(stdout and stderr) open until then: freeing spaCy and every module one by one
there was time the run's reader (a pipe, the shell) waited for after the run
was done. So the server leaves at once (``end_now``). Only the server: any
other process that registered it would exit 0 whatever it meant to exit (a
test run's failures were reported with exit status 0 that way).
"""

import atexit

from newsprism.engine import end_now

atexit.register(end_now)  # imported last, so called first of the server's exit handlers
