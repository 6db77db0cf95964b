"""What every format reader shares: the input it reads and how it gives up on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from newsprism.model import Problem


class Skip(Exception):
    """This input (or record) cannot become an article; ``reason`` is a Problem reason key."""

    def __init__(self, reason: str, message: str, line: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Source:
    """One file, or stdin, to read."""

    display: str  # the path as the user will recognise it in warnings
    key: str  # id stem: path relative to the input root, without extension
    fmt: str | None  # "text", "html", "json", "jsonl", "warc", "feed", "xml"; None = sniff
    explicit: bool  # named by the user, so an unknown format is read rather than ignored
    opener: Callable[[], BinaryIO]
    size: int | None = None  # bytes, when known without reading
    head: bytes | None = None  # the first bytes, when already read (stdin cannot be reopened)

    def problem(self, reason: str, message: str, line: int | None = None, count: int = 1) -> Problem:
        return Problem(path=self.display, reason=reason, message=message, line=line, count=count)


HEAD_BYTES = 65536


def read_head(src: Source) -> bytes:
    """The first bytes of the input, to sniff its format."""
    if src.head is not None:
        return src.head
    with src.opener() as f:
        return f.read(HEAD_BYTES)


def mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def read_whole(src: Source, max_bytes: int) -> bytes:
    """The bytes of a single-article input, refusing ones over max_bytes without reading them."""
    if src.size is not None and src.size > max_bytes:
        raise Skip("too-large", f"{mb(src.size)}, over the {mb(max_bytes)} limit for one article")
    with src.opener() as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Skip("too-large", f"over the {mb(max_bytes)} limit for one article")
    if not data:
        raise Skip("empty", "empty file")
    return data


def require_text(text: str) -> str:
    if not text.strip():
        raise Skip("empty", "the file has only whitespace")
    return text
