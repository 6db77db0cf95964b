"""Quotes as plain JSON (the shape `newsprism quotes --format jsonl` prints), and a statement as
a reader should take it."""

from __future__ import annotations

import re
from typing import Any

from newsprism.model import Quote, QuoteGroup
from newsprism.verbs import PLAIN, forms

_MARKS = "\"“”"
_THAT = re.compile(r"^that\s+", re.IGNORECASE)
# Verbs that only pass a statement on: the brief prints what was said without them. Any other
# cue says what the source did with it, and a denial printed as a bare statement would assert
# what the source denied: `denied that the dam leaks`, `seeks Russian missile aid`.
_PLAIN_CUES = frozenset({"according", ":", "-"}).union(*(forms(v) for v in PLAIN))


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
        "act": q.act,
    }


def article_row(article_id: str, quotes: list[Quote]) -> dict[str, Any]:
    """The JSONL line of one article."""
    return {"id": article_id, "quotes": [quote_to_dict(q) for q in quotes]}


def statement(group: QuoteGroup) -> str:
    """A group's wording as a reader should take it.

    Quotation marks go only around words quoted verbatim, and once (a quote that spans two
    quotations carries its own outer marks). Reported speech and partial quotes (`that ties are
    "deep" and ...`) go without added marks, and with their cue when it says more than that the
    words were said (`denied that the dam leaks`); a plainly said one loses the "that" that tied
    it to its verb.
    """
    rep = next((v for v in group.variants if v.text == group.text), None)
    text = re.sub(r"\s+", " ", group.text).strip()
    inner = text.strip(_MARKS)
    if rep is not None and rep.direct and not any(m in inner for m in _MARKS):
        return f"“{inner}”"
    if rep is None or rep.cue is None or _plain(rep.cue):
        return _THAT.sub("", text)
    cue = re.sub(r"\s+", " ", rep.cue).strip()
    return f"{cue} {text}" if rep.cue_start is not None and rep.cue_start < rep.start else f"{text} ({cue})"


def _plain(cue: str) -> bool:
    return any(w in _PLAIN_CUES for w in cue.casefold().split())
