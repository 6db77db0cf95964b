"""How much one input may cost, and the one way every reader opens a file.

A hostile or broken input must not take the run down with it: a gzip bomb, a
2 GB file of junk lines, a named pipe nobody writes to. Every file is opened by
``open_file`` (gzip is recognised by its magic bytes, whatever the name, and
decompressed here, once, for every format: ``.jsonl.gz``, ``.warc.gz``,
``.html.gz``...), and every reader's stream goes through ``CappedReader``,
which counts the bytes as decompressed and stops the input at
``Limits.input_bytes``. What was read before the cap is kept.
"""

from __future__ import annotations

import gzip
import io
import os
import select
import stat
from dataclasses import dataclass
from typing import BinaryIO

from newsprism.ingest.base import Skip, mb

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Limits:
    """What one run allows per input; each input over a limit gets a warning that names it."""

    article_bytes: int = 50_000_000  # one article: a file, a JSON line, an archive record
    input_bytes: int = 2_000_000_000  # one input as read, after decompression
    # Gzipped news text expands 3 to 10 times; a bomb expands a thousand. Past ``bomb_floor``
    # bytes out, an input that has expanded more than ``gzip_ratio`` times is stopped.
    gzip_ratio: int = 100
    bomb_floor: int = 16_000_000
    records: int = 1_000_000  # articles and skipped records from one input
    warnings_per_reason: int = 10  # per input; the rest of the same kind are counted in one warning
    fifo_wait: float = 10.0  # seconds to wait for a writer on a named pipe given by name


class InputCapReached(Skip):
    """The input went over ``Limits.input_bytes``: reading it stops, what came before is kept.

    Readers that turn a record's ``Skip`` into a Problem and go on must let this one through.
    """


class CappedReader(io.RawIOBase):
    """A binary stream that raises InputCapReached once it has given more than the limits allow."""

    def __init__(self, raw: BinaryIO, limits: Limits):
        self._raw = raw
        self._limits = limits
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        self._check()
        data = self._raw.read(min(len(buffer), self._limits.input_bytes + 1 - self.count))
        n = len(data)
        buffer[:n] = data
        self.count += n
        self._check()
        return n

    def _check(self) -> None:
        cap = self._limits.input_bytes
        if self.count > cap:
            raise InputCapReached("too-large", f"over the {mb(cap)} limit for one input, stopped reading it")

    def close(self) -> None:
        self._raw.close()
        super().close()


def capped(stream: BinaryIO, limits: Limits) -> io.BufferedReader:
    return io.BufferedReader(CappedReader(stream, limits))


class _Counting:
    """A stream's bytes as read, counted (how much gzip went in, against what came out)."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        return data


class _Gunzip(gzip.GzipFile):
    """A gzip stream that stops a bomb (see Limits.gzip_ratio) and closes the stream it
    reads from (GzipFile leaves a stream it was given open)."""

    def __init__(self, stream: BinaryIO, limits: Limits):
        self._packed = _Counting(stream)
        self._limits = limits
        self._out = 0
        super().__init__(fileobj=self._packed, mode="rb")  # type: ignore[arg-type]

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self._out += len(data)
        limits, packed = self._limits, self._packed.count
        if self._out > limits.bomb_floor and self._out > limits.gzip_ratio * packed:
            raise InputCapReached(
                "too-large",
                f"{mb(packed)} of gzip expanded to over {mb(self._out)}, more than {limits.gzip_ratio} times "
                "(a gzip bomb?), stopped reading it",
            )
        return data

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._packed.stream.close()


def maybe_gunzip(stream: BinaryIO, limits: Limits) -> BinaryIO:
    """The stream, decompressed when it starts with the gzip magic bytes."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type]
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        return _Gunzip(buffered, limits)  # type: ignore[return-value]
    return buffered


def open_file(path: str | os.PathLike[str], limits: Limits) -> BinaryIO:
    """A regular file (or a device, or a pipe that has a writer), decompressed if gzipped."""
    return maybe_gunzip(open(path, "rb"), limits)  # noqa: SIM115 - the caller closes it


def is_fifo(path: str | os.PathLike[str]) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


def open_fifo(path: str | os.PathLike[str], limits: Limits) -> BinaryIO:
    """A named pipe, once a writer has written to it (or closed it) within ``limits.fifo_wait`` seconds.

    A plain open() of a pipe nobody writes to blocks forever; opening without blocking and
    polling bounds the wait. A pipe that already has a writer (``<(cmd)``) is ready at once.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP)
        if not poller.poll(int(limits.fifo_wait * 1000)):
            raise Skip("unreadable", f"a named pipe with no writer (waited {limits.fifo_wait:g} s)")
        os.set_blocking(fd, True)
        return maybe_gunzip(open(fd, "rb", closefd=True), limits)  # noqa: SIM115 - the caller closes it
    except BaseException:
        os.close(fd)
        raise
