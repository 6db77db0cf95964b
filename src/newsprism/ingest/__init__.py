"""Stage 1: files, directories, globs and stdin to Articles, and a Problem for each input skipped.

Formats: plain text, HTML (trafilatura), JSON / JSON Lines, WARC/ARC, RSS/Atom.
Reading never raises for bad input: whatever cannot be read becomes a ``Problem``
and the rest of the batch goes on.
"""

from __future__ import annotations

import gzip
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from newsprism.ingest import feed, htmlpage, jsonrecords, text, warc
from newsprism.ingest.base import Skip, Source, read_head
from newsprism.ingest.ids import IdRegistry
from newsprism.ingest.inputs import expand
from newsprism.ingest.limits import Limits, capped
from newsprism.ingest.sniff import sniff
from newsprism.model import Article, Problem

__all__ = ["IdRegistry", "IngestResult", "Limits", "ingest", "iter_inputs", "read_source"]

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
    limits: Limits | None = None,
    ids: IdRegistry | None = None,
) -> Iterator[Article | Problem]:
    """Each article read, and a Problem for each input (or record) skipped, in input order.

    ``ids`` carries the ids already taken (by an earlier batch); articles whose id
    is taken get a ``~2``, ``~3``... suffix and keep the old one in ``extra["original_id"]``.
    """
    limits = limits or Limits()
    ids = ids if ids is not None else IdRegistry()
    for src in expand(paths, stdin, limits):
        if isinstance(src, Problem):
            yield src
            continue
        for item in _capped_items(src, limits):
            if isinstance(item, Article):
                unique = ids.claim(item.id)
                if unique != item.id:
                    item.extra["original_id"] = item.id
                    item.id = unique
            yield item


def ingest(paths: list[str], *, stdin: BinaryIO | None = None, limits: Limits | None = None) -> IngestResult:
    result = IngestResult()
    for item in iter_inputs(paths, stdin=stdin, limits=limits):
        (result.problems if isinstance(item, Problem) else result.articles).append(item)  # type: ignore[arg-type]
    return result


def _capped_items(src: Source, limits: Limits) -> Iterator[Article | Problem]:
    """One source's items within the limits: at most ``limits.records`` of them, and the
    first ``limits.warnings_per_reason`` Problems of each kind, the rest counted in one."""
    opener = src.opener
    items = _read(replace(src, opener=lambda: capped(opener(), limits)), limits.article_bytes)
    counts: Counter[str] = Counter()
    last_line: int | None = None
    try:
        for n, item in enumerate(items, start=1):
            if n > limits.records:
                where = f" after line {last_line}" if last_line is not None else ""
                yield src.problem("too-many-records", f"over the {limits.records:,} records limit for one input, "
                                  f"stopped reading{where}")
                break
            last_line = item.line if isinstance(item, Problem) else item.source.line if item.source else None
            if isinstance(item, Problem):
                counts[item.reason] += 1
                if counts[item.reason] > limits.warnings_per_reason:
                    continue
            yield item
    finally:
        items.close()
    for reason, n in counts.items():
        more = n - limits.warnings_per_reason
        if more > 0:
            yield src.problem(reason, f"{more:,} more like the above in this input", count=more)


def read_source(src: Source, limits: Limits | None = None) -> Iterator[Article | Problem]:
    """One source's articles and Problems, within the limits, for a caller that picks
    its sources (``newsprism watch`` reads only a folder's new or changed files and
    the pages it fetched)."""
    return _capped_items(src, limits or Limits())


def _read(src: Source, max_bytes: int) -> Iterator[Article | Problem]:
    """One source's items; any failure ends this source with one Problem, never the batch."""
    try:
        fmt = _format(src)
        if fmt is None:
            return
        yield from READERS[fmt](src, max_bytes)
    except Skip as e:
        yield src.problem(e.reason, e.message, e.line)
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        yield src.problem("bad-gzip", f"corrupt or truncated gzip data, stopped reading ({e})")
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
