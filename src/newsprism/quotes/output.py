"""Quotes as plain JSON, the shape `newsprism quotes --format jsonl` prints."""

from __future__ import annotations

from typing import Any

from newsprism.model import Quote


def quote_to_dict(q: Quote) -> dict[str, Any]:
    """One quote; a split direct quote also lists its quoted pieces as "spans"."""
    spk = q.speaker
    content: dict[str, Any] = {"start": q.content.start, "end": q.content.end}
    if len(q.parts) > 1:
        content["spans"] = [[p.start, p.end] for p in q.parts]
    return {
        "content": content,
        "speaker": None if spk is None else {
            "start": spk.start, "end": spk.end, "text": spk.text, "name": spk.name, "kind": spk.kind,
        },
        "cue": None if q.cue is None else {"start": q.cue.start, "end": q.cue.end},
        "direct": q.direct,
    }


def article_row(article_id: str, quotes: list[Quote]) -> dict[str, Any]:
    """The JSONL line of one article."""
    return {"id": article_id, "quotes": [quote_to_dict(q) for q in quotes]}
