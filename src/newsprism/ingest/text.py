"""Plain text (.txt, .text, .md): the whole file is the article; a headline-like first line is the title."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsprism.ingest.base import Source, read_whole, require_body, require_text
from newsprism.ingest.decode import decode_bytes
from newsprism.model import Article, Problem, SourceRef

_MAX_TITLE_CHARS = 200
_MAX_TITLE_WORDS = 30
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_TRAILING_CLOSERS = "\"'”’»)]*_ "
_NOT_A_HEADLINE_END = ".,;:—–-"
_BYLINE = re.compile(r"^by\s", re.I)


def read(src: Source, max_bytes: int) -> Iterator[Article | Problem]:
    text = require_text(decode_bytes(read_whole(src, max_bytes)))
    yield text_article(src, text)


def text_article(src: Source, text: str) -> Article:
    title = headline(text)
    require_body(text, title)
    return Article(id=src.key, text=text, title=title, source=SourceRef(src.display))


def headline(text: str) -> str | None:
    """The first non-blank line when it reads like a headline: short, not a sentence, not alone."""
    lines = text.lstrip().split("\n", 1)
    if len(lines) < 2 or not lines[1].strip():
        return None  # a one-line file is all body
    first = _MD_HEADING.sub("", lines[0].strip()).strip()
    core = first.rstrip(_TRAILING_CLOSERS)
    if not core or len(first) > _MAX_TITLE_CHARS or len(first.split()) > _MAX_TITLE_WORDS:
        return None
    if core[-1] in _NOT_A_HEADLINE_END or _BYLINE.match(first):
        return None
    return first
