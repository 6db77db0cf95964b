"""Command-line paths (files, directories, globs, "-") to the sources to read, in order."""

from __future__ import annotations

import glob
import gzip
import io
import os
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO

from newsprism.ingest.base import HEAD_BYTES, Source
from newsprism.ingest.sniff import is_gzipped, is_gzipped_content, sniff, split_suffix, suffix_format
from newsprism.model import Problem

STDIN = "-"
STDIN_DISPLAY = "<stdin>"
# Documentation that sits next to articles in a folder (an example's README.md) is not news.
_NOT_ARTICLES = {"readme", "license", "licence", "changelog", "contributing", "notice", "authors"}


def expand(paths: list[str], stdin: BinaryIO | None) -> Iterator[Source | Problem]:
    seen: set[str] = set()  # real paths already read, so "dir dir/a.txt" reads a.txt once
    for raw in paths:
        if raw == STDIN:
            yield _stdin_source(stdin)
            continue
        try:
            yield from _expand_path(raw, seen)
        except OSError as e:  # e.g. a path inside a directory we may not enter
            yield Problem(path=raw, reason="unreadable", message=f"cannot access: {e.strerror or e}")


def _expand_path(raw: str, seen: set[str]) -> Iterator[Source | Problem]:
    path = Path(os.path.expanduser(raw))
    if path.is_dir():
        yield from _walk(path, path, seen)
    elif path.exists():
        yield from _once(_file_source(path, path.parent, explicit=True), seen)
    elif glob.has_magic(raw):
        yield from _expand_glob(raw, seen)
    else:
        yield Problem(path=raw, reason="not-found", message="no such file or directory")


def _expand_glob(pattern: str, seen: set[str]) -> Iterator[Source | Problem]:
    expanded = os.path.expanduser(pattern)
    matches = sorted(glob.glob(expanded, recursive=True))
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
            yield from _walk(path, root, seen)
        else:
            yield from _once(_file_source(path, root, explicit=explicit), seen)


def _literal_prefix(pattern: Path) -> Path:
    parts: list[str] = []
    for part in pattern.parts:
        if glob.has_magic(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def _walk(directory: Path, root: Path, seen: set[str]) -> Iterator[Source | Problem]:
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
            yield from _walk(path, root, seen)
        elif is_file and _is_article_name(entry.name):
            yield from _once(_file_source(path, root, explicit=False), seen)


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


def _file_source(path: Path, root: Path, *, explicit: bool) -> Source | Problem:
    stem, suffix = split_suffix(path.name)
    try:
        rel = path.parent.relative_to(root)
    except ValueError:
        rel = Path()
    key = (rel / stem).as_posix()
    try:
        size = path.stat().st_size if path.is_file() else None
    except OSError as e:
        return Problem(path=str(path), reason="unreadable", message=e.strerror or str(e))
    opener: Callable[[], BinaryIO] = partial(open, path, "rb")
    fmt = suffix_format(suffix)
    if is_gzipped(suffix) or (fmt is None and explicit and size is not None and _starts_gzipped(path)):
        # The readers see the decompressed bytes and cap them as they read (read_whole,
        # the JSON Lines reader); the size on disk says nothing about them.
        opener, size = partial(gzip.open, path, "rb"), None
    return Source(display=str(path), key=key, fmt=fmt, explicit=explicit, opener=opener, size=size)


def _starts_gzipped(path: Path) -> bool:
    """A file named without a known extension that holds gzip (not a web archive)."""
    try:
        with open(path, "rb") as f:
            return is_gzipped_content(f.read(HEAD_BYTES))
    except OSError:
        return False  # reported when the file is read


def _stdin_source(stdin: BinaryIO | None) -> Source | Problem:
    if stdin is None:
        return Problem(path=STDIN_DISPLAY, reason="unreadable", message="no standard input to read")
    try:
        head = stdin.read(HEAD_BYTES)
    except (OSError, ValueError) as e:  # closed, or not readable (as under pytest)
        return Problem(path=STDIN_DISPLAY, reason="unreadable", message=f"cannot read standard input: {e}")
    stream = io.BufferedReader(_Prefixed(head, stdin))
    if is_gzipped_content(head):
        # A gzipped page or feed piped in: read what is inside (warcio takes a gzipped archive as it is).
        inner = gzip.GzipFile(fileobj=stream, mode="rb")
        try:
            head = inner.read(HEAD_BYTES)
        except (OSError, EOFError) as e:
            return Problem(path=STDIN_DISPLAY, reason="unreadable", message=f"cannot decompress standard input: {e}")
        stream = io.BufferedReader(_Prefixed(head, inner))  # type: ignore[arg-type]
    return Source(
        display=STDIN_DISPLAY,
        key="stdin",
        fmt=sniff(head),
        explicit=True,
        opener=lambda: stream,
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
