"""Quotes as plain JSON, the shape `newsprism quotes --format jsonl` prints."""

from __future__ import annotations

from typing import Any

from newsprism.model import Quote, Span
from newsprism.quotes.marks import Quoted, find_quoted


def content_parts(text: str, q: Quote, quoted: list[Quoted] | None = None) -> list[Span]:
    """The quoted words of a direct quote split by its cue, without the cue between them.

    `"A," he said after a long speech. "B."` is one statement in two parts; a
    content that starts inside a quotation and holds several is cut back to
    the quotations (marks included). Any other content is one part.
    """
    if not q.direct:
        return [q.content]
    quoted = find_quoted(text) if quoted is None else quoted
    inside = [p for qq in quoted for p in qq.parts if q.content.start <= p.start and p.end <= q.content.end + 1]
    if len(inside) < 2 or inside[0].start > q.content.start + 1:
        return [q.content]
    return [Span(max(0, p.start - 1), min(len(text), p.end + 1)) for p in inside]


def quote_to_dict(q: Quote, text: str | None = None, quoted: list[Quoted] | None = None) -> dict[str, Any]:
    """One quote; with the article text, a split direct quote also lists its parts as "spans"."""
    spk = q.speaker
    content: dict[str, Any] = {"start": q.content.start, "end": q.content.end}
    if text is not None:
        parts = content_parts(text, q, quoted)
        if len(parts) > 1:
            content["spans"] = [[p.start, p.end] for p in parts]
    return {
        "content": content,
        "speaker": None if spk is None else {
            "start": spk.start, "end": spk.end, "text": spk.text, "name": spk.name, "kind": spk.kind,
        },
        "cue": None if q.cue is None else {"start": q.cue.start, "end": q.cue.end},
        "direct": q.direct,
    }


def article_row(article_id: str, text: str, quotes: list[Quote]) -> dict[str, Any]:
    """The JSONL line of one article."""
    quoted = find_quoted(text)
    return {"id": article_id, "quotes": [quote_to_dict(q, text, quoted) for q in quotes]}
