"""Inputs to articles as read, metadata and all, with no analysis: what `newsprism read` prints.

Stages 1 and 2 of the pipeline (reading, then the byline, dateline, syndication
and outlet the text itself carries), streamed in batches so a pile of any size
goes through in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from newsprism.ingest import Limits, iter_inputs
from newsprism.ingest.pagemeta import PAGE_EVIDENCE
from newsprism.model import Article, Problem

BATCH = 256
RECORD_FIELDS = ("id", "source", "title", "text", "outlet", "byline", "published", "url", "syndicated_from")


def read_articles(
    paths: list[str], *, stdin: BinaryIO | None = None, limits: Limits | None = None, batch: int = BATCH
) -> Iterator[Article | Problem]:
    """Each article read and prepared, and a Problem for each input skipped, in input order."""
    from newsprism.extract import prepare_articles

    pending: list[Article] = []
    for item in iter_inputs(paths, stdin=stdin, limits=limits):
        if isinstance(item, Problem):
            yield from prepare_articles(pending)
            pending = []
            yield item
            continue
        pending.append(item)
        if len(pending) >= batch:
            yield from prepare_articles(pending)
            pending = []
    yield from prepare_articles(pending)


def article_record(a: Article) -> dict[str, Any]:
    """One article as `newsprism read` prints it.

    ``evidence`` says where each inferred field came from: the part of the web
    page it was read from (``"from": "og:site_name"``) and/or the span of the
    text that says it (``"start", "end", "text"``, offsets into ``text``).
    """
    evidence: dict[str, Any] = {k: {"from": v} for k, v in (a.extra.get(PAGE_EVIDENCE) or {}).items()}
    for field, span in a.inferred.items():
        evidence.setdefault(field, {}).update(start=span.start, end=span.end, text=a.text[span.start : span.end])
    extra = {k: v for k, v in a.extra.items() if k != PAGE_EVIDENCE}
    return {
        "id": a.id,
        "source": {"path": a.source.path, "line": a.source.line} if a.source else None,
        "title": a.title,
        "text": a.text,
        "outlet": a.outlet,
        "byline": list(a.byline),
        "published": a.published,
        "url": a.url,
        "syndicated_from": a.syndicated_from,
        "evidence": evidence,
        "extra": extra,
    }
