"""A file written whole or not at all: every file newsprism writes outside a database
(a command's output, the clustering state) goes through ``atomic_file``."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from newsprism.errors import OutputError


@contextmanager
def atomic_file(path: Path) -> Iterator[TextIO]:
    """``path`` opened to be written whole or not at all: the text goes to a temporary file
    of its own beside it, flushed to disk, then renamed over it. Ctrl+C or a kill mid-write
    leaves the old file (or none), never half of one, and two writers never share a
    temporary file. The file gets the mode ``open()`` would have given it (umask applied),
    not mkstemp's 0600.

    A file that cannot be made or put in place (``path`` is a directory, its folder cannot
    be made or written, the disk is full at the end) is an ``OutputError``: one line, not
    a traceback; an error of the caller's own, inside the ``with``, passes as it is."""
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yield f
            try:
                f.flush()
                os.fsync(f.fileno())
            except OSError as e:
                raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
        try:
            os.replace(tmp, path)
        except OSError as e:
            raise OutputError(f"cannot write {path}: {e.strerror or e}") from e
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
