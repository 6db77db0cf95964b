"""Articles and briefs to the store's rows and back.

An article is kept twice over: its text and the columns a query reads
(title, outlet, url, dates, story, copy links) once, then ``read`` (the
metadata as the input gave it, before the extract stage inferred anything)
and ``prepared`` (what the extract stage made: byline, evidence spans,
paragraphs, sentences, unknown input fields) as compact JSON.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from typing import Any, Union, get_args, get_origin, get_type_hints

from newsprism.model import Article, Brief, Paragraph, Sentence, SourceRef, Span, Story

# The columns of the articles table that hold an article, in this order.
ARTICLE_COLUMNS = (
    "id", "content_id", "title", "outlet", "outlet_id", "url", "published",
    "story", "duplicate_of", "syndicated_from", "text", "read", "prepared",
)


def content_id(a: Article) -> str:
    """The article's identity in the store, from what it says and where it was
    printed (never from the file it came in): the same input added twice, from
    any path, is the same article. Whitespace runs count as one space."""
    parts = (a.title or "", " ".join(a.text.split()), a.url or "", a.outlet or "")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def article_row(read: Article, prepared: Article) -> tuple[Any, ...]:
    """The row of a new article; ``read`` is the article as ingested, ``prepared`` after stage 2."""
    as_read = {
        "title": read.title, "outlet": read.outlet, "url": read.url,
        "published": read.published, "byline": read.byline, "syndicated_from": read.syndicated_from,
    }
    p = prepared
    prepared_json = {
        "byline": p.byline,
        "inferred": {k: [s.start, s.end] for k, s in p.inferred.items()},
        "extra": p.extra,
        "source": None if p.source is None else [p.source.path, p.source.line],
        "paragraphs": [[x.start, x.end, x.kind] for x in p.paragraphs],
        "sentences": [[x.start, x.end, x.paragraph] for x in p.sentences],
    }
    return (
        p.id, content_id(read), p.title, p.outlet, p.outlet_id, p.url, p.published,
        p.story, p.duplicate_of, p.syndicated_from, p.text, dumps(as_read), dumps(prepared_json),
    )


def article_from_row(row: tuple[Any, ...]) -> Article:
    """The prepared article of a row in ``ARTICLE_COLUMNS`` order."""
    aid, _cid, title, outlet, outlet_id, url, published, story, dup, synd, text, _read, prepared = row
    d = json.loads(prepared)
    source = d.get("source")
    return Article(
        id=aid, text=text, title=title, outlet=outlet, outlet_id=outlet_id, url=url, published=published,
        byline=list(d.get("byline", [])), syndicated_from=synd, duplicate_of=dup, story=story,
        inferred={k: Span(s, e) for k, (s, e) in d.get("inferred", {}).items()},
        extra=dict(d.get("extra", {})),
        source=None if source is None else SourceRef(source[0], source[1]),
        paragraphs=[Paragraph(s, e, k) for s, e, k in d.get("paragraphs", [])],
        sentences=[Sentence(s, e, n) for s, e, n in d.get("sentences", [])],
    )


def read_article_from_row(row: tuple[Any, ...]) -> Article:
    """The article of a row as it was read, before stage 2."""
    aid, _cid, _t, _o, _oi, _u, _p, _s, _d, _sy, text, read, prepared = row
    r = json.loads(read)
    source = json.loads(prepared).get("source")
    return Article(
        id=aid, text=text, title=r.get("title"), outlet=r.get("outlet"), url=r.get("url"),
        published=r.get("published"), byline=list(r.get("byline") or []), syndicated_from=r.get("syndicated_from"),
        source=None if source is None else SourceRef(source[0], source[1]),
    )


# ------------------------------------------------------------------ briefs


def brief_from_dict(body: dict[str, Any], articles: dict[str, Article]) -> Brief:
    """A brief as stored (``report.jsonout.brief_to_dict``) back into the model,
    its articles taken from ``articles`` (the store's prepared articles)."""
    story = Story(id=body["id"], articles=list(body["articles"]), absorbed=list(body.get("absorbed", [])), title=body.get("title"))
    hints = get_type_hints(Brief)
    fields = {f.name for f in dataclasses.fields(Brief)} - {"story", "articles"}
    # A brief made without the framing comparison stores {} for it: None in the model.
    values = {name: decode(hints[name], body[name]) for name in fields if name in body and body[name] != {}}
    return Brief(story=story, articles=[articles[i] for i in story.articles if i in articles], **values)


def decode(tp: Any, value: Any) -> Any:
    """``value`` (plain JSON) as the type ``tp``: the inverse of ``model.to_jsonable``
    for dataclasses, lists, tuples, dicts, optionals and literals."""
    if value is None:
        return None
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = [t for t in get_args(tp) if t is not type(None)]
        return decode(options[0], value) if len(options) == 1 else value
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp) if f.metadata.get("json", True) and f.name in value}
        return tp(**{name: decode(hints[name], value[name]) for name in known})
    if origin is list:
        (item,) = get_args(tp) or (Any,)
        return [decode(item, v) for v in value]
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v) for v in value)
        return tuple(decode(t, v) for t, v in zip(args, value, strict=True))
    if origin is dict:
        _key, item = get_args(tp) or (str, Any)
        return {k: decode(item, v) for k, v in value.items()}
    if origin is typing.Literal or tp is Any:
        return value
    return value
