"""Command-line paths (files, directories, globs, "-") to the sources to read, in order."""

from __future__ import annotations

import glob
import gzip
import io
import os
import zlib
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO

from newsprism.ingest.base import HEAD_BYTES, Skip, Source
from newsprism.ingest.limits import Limits, is_fifo, maybe_gunzip, open_fifo, open_file
from newsprism.ingest.sniff import sniff, split_suffix, suffix_format
from newsprism.model import Problem

STDIN = "-"
STDIN_DISPLAY = "<stdin>"
# Documentation that sits next to articles in a folder (an example's README.md) is not news.
_NOT_ARTICLES = {"readme", "license", "licence", "changelog", "contributing", "notice", "authors"}


def expand(paths: list[str], stdin: BinaryIO | None, limits: Limits | None = None) -> Iterator[Source | Problem]:
    limits = limits or Limits()
    seen: set[str] = set()  # real paths already read, so "dir dir/a.txt" reads a.txt once
    for raw in paths:
        if raw == STDIN:
            yield _stdin_source(stdin, limits)
            continue
        try:
            yield from _expand_path(raw, seen, limits)
        except OSError as e:  # e.g. a path inside a directory we may not enter
            yield Problem(path=raw, reason="unreadable", message=f"cannot access: {e.strerror or e}")


def _expand_path(raw: str, seen: set[str], limits: Limits) -> Iterator[Source | Problem]:
    path = Path(os.path.expanduser(raw))
    if path.is_dir():
        yield from _walk(path, path, seen, limits)
    elif is_fifo(path):
        yield _fifo_source(path, limits)
    elif path.exists():
        yield from _once(_file_source(path, path.parent, limits, explicit=True), seen)
    elif glob.has_magic(raw):
        yield from _expand_glob(raw, seen, limits)
    else:
        yield Problem(path=raw, reason="not-found", message="no such file or directory")


def _expand_glob(pattern: str, seen: set[str], limits: Limits) -> Iterator[Source | Problem]:
    expanded = os.path.expanduser(pattern)
    matches = _glob(expanded)
    if not matches:
        yield Problem(path=pattern, reason="not-found", message="no file matches this pattern")
        return
    root = _literal_prefix(Path(expanded))
    # "*.dat" names its files as surely as "a.dat" does; a bare "*" sweeps like a directory.
    suffix = Path(expanded).suffix
    explicit = bool(suffix) and not glob.has_magic(suffix)
    for match in matches:
        path = Path(match)
        if path.is_dir():
            yield from _walk(path, root, seen, limits)
        else:
            yield from _once(_file_source(path, root, limits, explicit=explicit), seen)


def _glob(pattern: str) -> list[str]:
    """The paths matching a pattern, sorted; "**" descends into real directories only.

    glob.glob follows symlinked directories under "**", so a link back to a parent
    (``loop -> ..``) makes ``loop/loop/loop/...`` until the path is too long, and two
    such links make the search exponential. pathlib's "**" does not follow them, as
    our directory walk does not. Hidden files and folders are left out, as glob.glob
    and the walk leave them out, unless the pattern names them (".*").
    """
    root = _literal_prefix(Path(pattern))
    rest = Path(pattern).relative_to(root).as_posix() if root != Path(".") or Path(pattern).is_absolute() else pattern
    rest_parts = Path(rest).parts
    out = []
    for match in root.glob(rest):
        rel = match.relative_to(root).parts
        if any(part.startswith(".") and not (i < len(rest_parts) and rest_parts[i].startswith("."))
               for i, part in enumerate(rel)):
            continue
        out.append(str(match))
    return sorted(out)


def _literal_prefix(pattern: Path) -> Path:
    parts: list[str] = []
    for part in pattern.parts:
        if glob.has_magic(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def _walk(directory: Path, root: Path, seen: set[str], limits: Limits) -> Iterator[Source | Problem]:
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        yield Problem(path=str(directory), reason="unreadable", message=f"cannot list the directory: {e.strerror}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)  # symlinked dirs could loop
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if is_dir:
            yield from _walk(path, root, seen, limits)
        elif is_file and _is_article_name(entry.name):
            yield from _once(_file_source(path, root, limits, explicit=False), seen)


def _is_article_name(name: str) -> bool:
    stem, suffix = split_suffix(name)
    return suffix_format(suffix) is not None and stem.lower() not in _NOT_ARTICLES


def _once(source: Source | Problem, seen: set[str]) -> Iterator[Source | Problem]:
    if isinstance(source, Source):
        real = os.path.realpath(source.display)
        if real in seen:
            return
        seen.add(real)
    yield source


def _file_source(path: Path, root: Path, limits: Limits, *, explicit: bool) -> Source | Problem:
    stem, suffix = split_suffix(path.name)
    key = _key(path, root, stem)
    try:
        # A gzipped file's size says nothing of what it holds: its readers cap what comes out.
        size = path.stat().st_size if path.is_file() and not suffix.endswith(".gz") else None
    except OSError as e:
        return Problem(path=str(path), reason="unreadable", message=e.strerror or str(e))
    opener: Callable[[], BinaryIO] = partial(open_file, path, limits)
    return Source(display=str(path), key=key, fmt=suffix_format(suffix), explicit=explicit, opener=opener, size=size)


def _key(path: Path, root: Path, stem: str) -> str:
    try:
        rel = path.parent.relative_to(root)
    except ValueError:
        rel = Path()
    return (rel / stem).as_posix()


def _fifo_source(path: Path, limits: Limits) -> Source | Problem:
    """A named pipe given by name is read once, as stdin is, if a writer comes within the wait."""
    try:
        stream = open_fifo(path, limits)
    except Skip as e:
        return Problem(path=str(path), reason=e.reason, message=e.message)
    except OSError as e:
        return Problem(path=str(path), reason="unreadable", message=f"cannot open: {e.strerror or e}")
    stem, suffix = split_suffix(path.name)
    return _stream_source(stream, display=str(path), key=_key(path, path.parent, stem), fmt=suffix_format(suffix))


def _stdin_source(stdin: BinaryIO | None, limits: Limits) -> Source | Problem:
    if stdin is None:
        return Problem(path=STDIN_DISPLAY, reason="unreadable", message="no standard input to read")
    try:
        stream = maybe_gunzip(stdin, limits)
    except (OSError, ValueError) as e:  # closed, or not readable (as under pytest)
        return Problem(path=STDIN_DISPLAY, reason="unreadable", message=f"cannot read standard input: {e}")
    return _stream_source(stream, display=STDIN_DISPLAY, key="stdin", fmt=None)


def _stream_source(stream: BinaryIO, *, display: str, key: str, fmt: str | None) -> Source | Problem:
    """A stream read once: its head is kept for sniffing and read again before the rest."""
    try:
        head = stream.read(HEAD_BYTES)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        return Problem(path=display, reason="bad-gzip", message=f"corrupt or truncated gzip data ({e})")
    except (OSError, ValueError) as e:  # closed, or not readable
        return Problem(path=display, reason="unreadable", message=f"cannot read: {e}")
    prefixed = io.BufferedReader(_Prefixed(head, stream))
    return Source(
        display=display,
        key=key,
        fmt=fmt or sniff(head),
        explicit=True,
        opener=lambda: prefixed,
        head=head,
    )


class _Prefixed(io.RawIOBase):
    """Bytes already read (to sniff the format) followed by the rest of a stream."""

    def __init__(self, prefix: bytes, rest: BinaryIO):
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
