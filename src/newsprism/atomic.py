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


@contextmanager
def atomic_file(path: Path) -> Iterator[TextIO]:
    """``path`` opened to be written whole or not at all: the text goes to a temporary file
    of its own beside it, flushed to disk, then renamed over it. Ctrl+C or a kill mid-write
    leaves the old file (or none), never half of one, and two writers never share a
    temporary file. The file gets the mode ``open()`` would have given it (umask applied),
    not mkstemp's 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
