"""Web archives (WARC, ARC): every HTML response record goes through the HTML reader."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from typing import Any

from newsprism.errors import MissingExtraError
from newsprism.ingest.base import Skip, Source, read_head
from newsprism.ingest.decode import decode_html
from newsprism.ingest.htmlpage import page_article
from newsprism.ingest.limits import InputCapReached
from newsprism.ingest.sniff import is_archive
from newsprism.model import Article, Problem, SourceRef

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def read(src: Source, max_bytes: int) -> Iterator[Article | Problem]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as e:  # pragma: no cover - a core dependency
        raise MissingExtraError("warcio", "all", "Reading WARC files") from e
    head = read_head(src)
    if not head:
        raise Skip("empty", "empty file")
    if not is_archive(head):
        raise Skip("bad-warc", "not a WARC or ARC file (no WARC/ or filedesc:// header)")
    with src.opener() as stream:
        archive = ArchiveIterator(stream, arc2warc=True)
        n = 0
        while (record := _next_record(archive, n + 1)) is not None:
            n += 1
            item = _record_article(src, record, n, max_bytes) if _is_html_page(record) else None
            _check_complete(record, n)  # after reading: a cut-off page must not become an article
            if item is not None:
                yield item


def _next_record(archive: Any, n: int) -> Any | None:
    """The next record, or None at the end; a broken record stops the file with a Problem.

    warcio prints its complaints about bad record boundaries straight to stderr, so they
    are caught here (only around the call, never across a yield) and turned into the Problem.
    """
    noise = io.StringIO()
    try:
        with contextlib.redirect_stderr(noise):
            record = next(archive)
    except Skip:
        raise  # the input's cap (ingest.limits), reached while warcio read
    except StopIteration:
        # warcio ends quietly on a record cut short; bytes left after the last whole record tell.
        if archive.offset < archive.fh.tell():
            raise Skip("bad-warc", "truncated archive record, stopped reading this file", n) from None
        return None
    except Exception as e:  # noqa: BLE001 - warcio raises many types on corrupt input
        raise Skip("bad-warc", f"broken archive record, stopped reading this file: {_first_line(str(e))}", n) from e
    if noise.getvalue().strip():
        raise Skip("bad-warc", f"broken archive record, stopped reading this file: {_first_line(noise.getvalue())}", n)
    return record


def _check_complete(record: Any, n: int) -> None:
    """Read the rest of the record and fail if the file ended before its Content-Length."""
    if record.rec_type is None or record.length is None:
        raise Skip("bad-warc", "archive record with a cut-off or malformed header, stopped reading this file", n)
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    if getattr(raw, "limit", 0) > 0:
        raise Skip("bad-warc", "truncated archive record, stopped reading this file", n)


def _is_html_page(record: Any) -> bool:
    if record.rec_type not in ("response", "resource"):
        return False
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        if record.rec_type == "response" and not status.startswith("2"):
            return False  # redirects and error pages are not articles
    return _content_type(record).split(";")[0].strip().lower() in _HTML_TYPES


def _content_type(record: Any) -> str:
    if record.http_headers is not None:
        return record.http_headers.get_header("Content-Type") or ""
    return record.rec_headers.get_header("Content-Type") or ""


def _record_article(src: Source, record: Any, n: int, max_bytes: int) -> Article | Problem:
    try:
        data = record.content_stream().read(max_bytes + 1)
        if len(data) > max_bytes:
            raise Skip("too-large", f"record over the {max_bytes / 1_000_000:.1f} MB limit for one article")
        charset = _CHARSET.search(_content_type(record))
        page = decode_html(data, declared=charset.group(1) if charset else None)
        return page_article(
            page,
            key=f"{src.key}#{n}",
            ref=SourceRef(src.display, n),
            url=record.rec_headers.get_header("WARC-Target-URI"),
            fetched=record.rec_headers.get_header("WARC-Date"),
        )
    except InputCapReached:
        raise
    except Skip as e:
        return src.problem(e.reason, e.message, n)


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"
