"""JSON (one article, a list, or {"articles": [...]}) and JSON Lines, streamed line by line."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, AnyStr, BinaryIO

from newsprism.ingest.base import Skip, Source, read_whole, require_given_body
from newsprism.ingest.decode import bom_encoding, clean_text, decode_bytes, valid_unicode
from newsprism.ingest.fields import html_to_text, iso_date, looks_like_html, names, one_line
from newsprism.ingest.sniff import shaped_like_lines
from newsprism.model import Article, Problem, SourceRef

# Article field -> accepted input keys (matched case-insensitively), most specific first.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "_id", "uuid"),
    "title": ("title", "headline"),
    "text": ("text", "body", "content", "maintext", "full_text", "fulltext", "article_text", "article"),
    "outlet": ("outlet", "source", "site", "publisher", "source_name", "site_name", "sitename"),
    "url": ("url", "link", "canonical_url", "uri"),
    "published": (
        "published", "date", "published_at", "publishedat", "pubdate", "publish_date",
        "date_publish", "pub_date", "datetime",
    ),
    "byline": ("byline", "author", "authors", "creator"),
}
_LIST_KEYS = ("articles", "items", "data", "results", "documents", "docs", "entries", "records")
# JSON that Python reads nests at most ~1,000 levels; writing it back out inside a report
# (a few levels deeper, from a deeper call stack) may not. No real field nests this deep.
MAX_FIELD_DEPTH = 64
_TOO_DEEP = "invalid JSON: nested too deeply to read"
_NOT_KEPT = f"(not kept: nested deeper than {MAX_FIELD_DEPTH} levels)"
_UTF_FAMILY = {"utf-16-le": "utf-16", "utf-16-be": "utf-16", "utf-32-le": "utf-32", "utf-32-be": "utf-32"}


def read_json(src: Source, max_bytes: int) -> Iterator[Article | Problem]:
    raw = read_whole(src, max_bytes)
    text = decode_bytes(raw)
    try:
        data = json.loads(text)
    except RecursionError as e:
        if not shaped_like_lines(text):
            raise Skip("bad-json", _TOO_DEEP) from e
        yield from _records_from_lines(src, io.BytesIO(raw), max_bytes)  # one deep line of JSON Lines
        return
    except json.JSONDecodeError as e:
        if e.msg == "Extra data" and text.lstrip().startswith("{"):
            # One object per line in a .json file: JSON Lines under another name.
            yield from _records_from_lines(src, io.BytesIO(raw), max_bytes)
            return
        raise Skip("bad-json", f"invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})") from e
    except ValueError as e:  # what json.loads refuses past its syntax: a number of over 4,300 digits
        raise Skip("bad-json", _refused(e)) from e
    if isinstance(data, dict) and _pick(_lowered(data), "text") is None:
        data = next((data[k] for k in _LIST_KEYS if isinstance(data.get(k), list)), data)
    if isinstance(data, dict):
        yield record_article(data, default_id=src.key, ref=SourceRef(src.display))
        return
    if not isinstance(data, list):
        raise Skip("bad-json", f"expected an article object or a list of them, got {_kind(data)}")
    if not data:
        raise Skip("empty", "the JSON list has no articles")
    for n, item in enumerate(data, start=1):
        yield _guarded_record(src, item, n, f"{src.key}#{n}")


def read_jsonl(src: Source, max_bytes: int) -> Iterator[Article | Problem]:
    with src.opener() as stream:
        yield from _records_from_lines(src, stream, max_bytes)


def _records_from_lines(src: Source, stream: BinaryIO, max_bytes: int) -> Iterator[Article | Problem]:
    found = False
    for n, line in _lines(stream, max_bytes):
        found = True
        if isinstance(line, Skip):
            yield src.problem(line.reason, line.message, n)
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            # A record cut short fails past its line's end, after the newline: json's own
            # column was then "column 1" (of the next line), which sent a user to the wrong end.
            where = f"column {e.pos + 1}" if e.pos < len(line.rstrip("\r\n")) else "the line ends before the record does"
            yield src.problem("bad-json", f"invalid JSON: {e.msg} ({where})", n)
            continue
        except RecursionError:
            yield src.problem("bad-json", _TOO_DEEP, n)
            continue
        except ValueError as e:
            yield src.problem("bad-json", _refused(e), n)
            continue
        yield _guarded_record(src, item, n, f"{src.key}#{n}")
    if not found:
        raise Skip("empty", "no JSON records in the file")


def _refused(e: ValueError) -> str:
    return "invalid JSON: " + str(e).split(";")[0]  # not Python's advice on how to raise its limit


def _guarded_record(src: Source, item: Any, n: int, default_id: str) -> Article | Problem:
    if not isinstance(item, dict):
        return src.problem("bad-json", f"expected an article object, got {_kind(item)}", n)
    try:
        return record_article(item, default_id=default_id, ref=SourceRef(src.display, n))
    except Skip as e:
        return src.problem(e.reason, e.message, n)
    except RecursionError:
        return src.problem("bad-json", _TOO_DEEP, n)


def record_article(record: dict[str, Any], *, default_id: str, ref: SourceRef) -> Article:
    """An Article from one JSON object; fields we do not know are kept in ``extra``."""
    fields = _lowered(record)
    used: set[str] = set()

    def take(name: str) -> Any:
        key = _pick(fields, name)
        if key is None:
            return None
        used.add(key)
        return fields[key]

    text = _text(take("text"))
    if not text.strip():
        raise Skip("no-text", "no article text (expected a non-empty 'text', 'body' or 'content' field)", ref.line)
    raw_id, title, outlet = take("id"), _title(take("title")), take("outlet")
    require_given_body(text, title, ref.line)
    url, published, byline = take("url"), take("published"), take("byline")
    extra = {valid_unicode(k): _kept(v) for k, v in record.items() if k.lower() not in used}
    iso = iso_date(published)
    if iso is None and published not in (None, ""):
        extra["published_raw"] = _kept(published)
    return Article(
        id=_id(raw_id) or default_id,
        text=text,
        title=title,
        outlet=one_line(_name(outlet)),
        url=one_line(url),
        published=iso,
        byline=names(byline),
        extra=extra,
        source=ref,
    )


def _kept(value: Any) -> Any:
    """An unknown field as it came (its strings valid Unicode), or a note in its place when it
    nests too deeply to keep."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_FIELD_DEPTH:
                return _NOT_KEPT
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return _valid(value)


def _valid(value: Any) -> Any:
    """``value`` with lone surrogates replaced in every string (it nests at most MAX_FIELD_DEPTH deep)."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        return {valid_unicode(k): _valid(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid(v) for v in value]
    return value


def _lowered(record: dict[str, Any]) -> dict[str, Any]:
    # The first spelling wins when a record has both "Title" and "title".
    out: dict[str, Any] = {}
    for k, v in record.items():
        out.setdefault(str(k).lower(), v)
    return out


def _pick(fields: dict[str, Any], name: str) -> str | None:
    """The first alias of ``name`` present with a non-empty value."""
    for key in ALIASES[name]:
        if fields.get(key) not in (None, "", [], {}):
            return key
    return None


def _text(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "\n\n".join(value)  # a list of paragraphs
    if not isinstance(value, str):
        return ""
    text = clean_text(value)
    return html_to_text(text) if looks_like_html(text) else text


def _title(value: Any) -> str | None:
    title = one_line(value)
    if title and looks_like_html(title):
        return one_line(html_to_text(title))
    return title


def _name(value: Any) -> Any:
    """NewsAPI-style {"id": ..., "name": ...} objects name the outlet by "name"."""
    if isinstance(value, dict):
        return value.get("name") or value.get("title")
    return value


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return valid_unicode(str(value)).strip() or None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string"}.get(type(value), type(value).__name__)


def _lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, str | Skip]]:
    """(1-based line number, decoded line or why it was skipped), never holding more than a line."""
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type]
    encoding = bom_encoding(buffered.peek(4)[:4])
    if encoding in _UTF_FAMILY:
        wide = io.TextIOWrapper(buffered, encoding=_UTF_FAMILY[encoding])
        try:
            yield from _capped_lines(wide, max_bytes, "")
        except UnicodeDecodeError as e:
            raise Skip("undecodable", f"invalid {encoding} text ({e.reason})") from e
        return
    if b"\x00" in buffered.peek(8192)[:8192]:
        raise Skip("binary", "binary file (contains NUL bytes), not JSON Lines")
    for n, line in _capped_lines(buffered, max_bytes, b""):
        if isinstance(line, Skip):
            yield n, line
            continue
        try:
            yield n, line.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError:
            try:
                yield n, decode_bytes(line)
            except Skip as e:
                yield n, e


def _capped_lines(stream: Any, max_bytes: int, empty: AnyStr) -> Iterator[tuple[int, AnyStr | Skip]]:
    """Non-blank lines of a binary or text stream; a line over max_bytes is read past, not kept."""
    newline = "\n" if isinstance(empty, str) else b"\n"
    n = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        n += 1
        if len(line) > max_bytes and not line.endswith(newline):
            while line and not line.endswith(newline):
                line = stream.readline(1 << 20)
            yield n, Skip("too-large", f"a line over the {max_bytes / 1_000_000:.1f} MB limit for one article")
        elif line.strip():
            yield n, line
