"""What every format reader shares: the input it reads and how it gives up on it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from newsprism.model import Problem


class Skip(Exception):
    """This input (or record) cannot become an article; ``reason`` is a Problem reason key."""

    def __init__(self, reason: str, message: str, line: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Source:
    """One file, or stdin, to read."""

    display: str  # the path as the user will recognise it in warnings
    key: str  # id stem: path relative to the input root, without extension
    fmt: str | None  # "text", "html", "json", "jsonl", "warc", "feed", "xml"; None = sniff
    explicit: bool  # named by the user, so an unknown format is read rather than ignored
    opener: Callable[[], BinaryIO]
    size: int | None = None  # bytes, when known without reading
    head: bytes | None = None  # the first bytes, when already read (stdin cannot be reopened)

    def problem(self, reason: str, message: str, line: int | None = None, count: int = 1) -> Problem:
        return Problem(path=self.display, reason=reason, message=message, line=line, count=count)


HEAD_BYTES = 65536


def read_head(src: Source) -> bytes:
    """The first bytes of the input, to sniff its format."""
    if src.head is not None:
        return src.head
    with src.opener() as f:
        return f.read(HEAD_BYTES)


def mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def read_whole(src: Source, max_bytes: int) -> bytes:
    """The bytes of a single-article input, refusing ones over max_bytes without reading them."""
    if src.size is not None and src.size > max_bytes:
        raise Skip("too-large", f"{mb(src.size)}, over the {mb(max_bytes)} limit for one article")
    with src.opener() as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Skip("too-large", f"over the {mb(max_bytes)} limit for one article")
    if not data:
        raise Skip("empty", "empty file")
    return data


def require_text(text: str) -> str:
    if not text.strip():
        raise Skip("empty", "the file has only whitespace")
    return text


# Fewer letters than this besides the headline is no article body: a label, a menu, "no article
# here" (13), "Page not found" (12), "Click here to read more" (19). A short sentence of six or
# seven words is one ("Ferry crews returned to work on Thursday.", 34); a brief of two or three
# sentences holds 150 or more (a wide CJK character counts two: a one-sentence Japanese brief of
# 23 characters is 46). Measured (S13): of the 10,255 inputs of every eval corpus, the shortest
# body holds 36 (a NeuS headline and "Game over?"), the one a floor of 40 skipped; the 92 pages of
# article_extraction with their article cut out read as 44 letters or more of dates, bylines and
# share buttons, so no floor low enough to keep a one-sentence item tells those from an article
# (the boilerplate and error-notice rules do what can be done there).
MIN_BODY_LETTERS = 30
# A body this short whose opening says what a server or a site says in place of a page is an
# error page, not an article ("Sorry, the page you were looking for could not be found.", 45
# letters; "The requested URL /x was not found on this server."). Only a short body: an article
# may report such words, but not in an opening of a body of a few sentences.
MAX_NOTICE_LETTERS = 300
_NOTICE_OPENING = 200  # characters of the body searched for the notice
_NOT = r"(?:\s+not|n['’]t)"
_ERROR_NOTICE = re.compile(
    rf"""\b(?:page|url|article|content|resource)(?:\s+you\s+(?:were|are|have\s+been)\s+looking\s+for
           |\s+you\s+requested|\s+\S+)?
        \s+(?:(?:could|can|was|is){_NOT}\s+(?:be\s+)?found|cannot\s+be\s+found|(?:is\s+)?not\s+found
           |(?:is|are)\s+no\s+longer\s+(?:exists|available)|no\s+longer\s+exists|(?:is|are){_NOT}\s+available
           |does{_NOT}\s+exist|(?:is|are)\s+(?:currently\s+)?unavailable|has\s+been\s+(?:removed|deleted))\b
      | \b(?:error|http)\s*[45]\d\d\b | \b[45]\d\d\s*[-:]?\s*(?:not\s+found|forbidden|gone|internal\s+server\s+error
           |bad\s+gateway|service\s+unavailable)\b
      | \bnothing\s+(?:was\s+)?found\s+(?:at|here)\b
      | \b(?:we|i)\s+(?:can(?:not|['’]t)|could{_NOT})\s+find\s+(?:the|that|this|your)\s+page\b
      | \bdo{_NOT}\s+have\s+permission\s+to\s+access\b
      | \b(?:enable|turn\s+on)\s+javascript\b | \bchecking\s+your\s+browser\b""",
    re.I | re.X,
)


def require_body(text: str, title: str | None, line: int | None = None) -> None:
    """Skip (``no-body``) an input whose text, less its headline, is no article: less than a
    short sentence, or an error page's notice. The one rule of what an article body is,
    for every reader that applies it."""
    body = text.replace(title, "", 1) if title else text
    letters = count_letters(body, MAX_NOTICE_LETTERS)
    if letters >= MAX_NOTICE_LETTERS:
        return
    shown = " ".join(text[:400].split())[:80]
    if letters < MIN_BODY_LETTERS:
        raise Skip("no-body", f"no article body, only {shown!r}", line)
    if _ERROR_NOTICE.search(body.lstrip()[:_NOTICE_OPENING]):
        raise Skip("no-body", f"an error page, not an article: {shown!r}", line)


def require_given_body(text: str, title: str | None, line: int | None = None) -> None:
    """``require_body`` for a record that was given its headline (a JSON record, a feed entry):
    the headline counts with the text, as it is a field the record holds, not the ``<h1>`` or
    first line every page and file has, menus and error pages too. A dataset of headlines and
    one-sentence leads (NeuS), or a feed of headlines and one-line summaries, holds articles."""
    require_body(f"{title}\n\n{text}" if title else text, None, line)


def count_letters(text: str, most: int | None = None) -> int:
    """How much text ``text`` holds, for every rule of page reading that weighs it (the body
    minimum here, ``htmlpage``'s scrap test): its letters and digits, a wide (CJK) character
    counting two, as it holds about what two letters of an alphabet do. Counted up to ``most``
    when given (an article of megabytes is not read to the end to pass a minimum)."""
    n = 0
    for c in text:
        if c.isalnum():
            n += 2 if unicodedata.east_asian_width(c) in "WF" else 1
            if most is not None and n >= most:
                break
    return n
