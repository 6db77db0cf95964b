"""Stage 1: files, directories, globs and stdin to Articles, and a Problem for each input skipped.

Formats: plain text, HTML (trafilatura), JSON / JSON Lines, WARC/ARC, RSS/Atom.
Reading never raises for bad input: whatever cannot be read becomes a ``Problem``
and the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from newsprism.ingest import feed, htmlpage, jsonrecords, text, warc
from newsprism.ingest.base import Skip, Source, read_head
from newsprism.ingest.ids import IdRegistry
from newsprism.ingest.inputs import expand
from newsprism.ingest.sniff import sniff
from newsprism.model import Article, Problem

__all__ = ["IdRegistry", "IngestResult", "ingest", "iter_inputs"]

DEFAULT_MAX_BYTES = 50_000_000

Reader = Callable[[Source, int], Iterator[Article | Problem]]
READERS: dict[str, Reader] = {
    "text": text.read,
    "html": htmlpage.read,
    "json": jsonrecords.read_json,
    "jsonl": jsonrecords.read_jsonl,
    "warc": warc.read,
    "feed": feed.read,
}


@dataclass
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def iter_inputs(
    paths: list[str],
    *,
    stdin: BinaryIO | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ids: IdRegistry | None = None,
) -> Iterator[Article | Problem]:
    """Each article read, and a Problem for each input (or record) skipped, in input order.

    ``ids`` carries the ids already taken (by an earlier batch); articles whose id
    is taken get a ``~2``, ``~3``... suffix and keep the old one in ``extra["original_id"]``.
    """
    ids = ids if ids is not None else IdRegistry()
    for src in expand(paths, stdin):
        if isinstance(src, Problem):
            yield src
            continue
        for item in _read(src, max_bytes):
            if isinstance(item, Article):
                unique = ids.claim(item.id)
                if unique != item.id:
                    item.extra["original_id"] = item.id
                    item.id = unique
            yield item


def ingest(paths: list[str], *, stdin: BinaryIO | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    result = IngestResult()
    for item in iter_inputs(paths, stdin=stdin, max_bytes=max_bytes):
        (result.problems if isinstance(item, Problem) else result.articles).append(item)  # type: ignore[arg-type]
    return result


def _read(src: Source, max_bytes: int) -> Iterator[Article | Problem]:
    """One source's items; any failure ends this source with one Problem, never the batch."""
    try:
        fmt = _format(src)
        if fmt is None:
            return
        yield from READERS[fmt](src, max_bytes)
    except Skip as e:
        yield src.problem(e.reason, e.message, e.line)
    except PermissionError:
        yield src.problem("unreadable", "permission denied")
    except OSError as e:
        yield src.problem("unreadable", f"cannot read: {e.strerror or e}")
    except Exception as e:  # noqa: BLE001 - third-party parsers fail in many ways on hostile input
        yield src.problem("parse-error", f"could not parse ({type(e).__name__}: {e})")


def _format(src: Source) -> str | None:
    """The reader to use; None to pass over a file found in a directory that is not for us."""
    if src.fmt not in (None, "xml", "json"):
        return src.fmt
    head = read_head(src)
    if not head.strip():
        raise Skip("empty", "empty file")
    found = sniff(head)
    if src.fmt == "json":
        return "jsonl" if found == "jsonl" else "json"
    if src.fmt == "xml":
        if found in ("feed", "html"):
            return found
        if src.explicit:
            raise Skip("unsupported", "an XML file that is neither an RSS/Atom feed nor a web page")
        return None
    return "text" if found == "xml" else found
