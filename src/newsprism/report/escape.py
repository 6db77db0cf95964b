r"""Untrusted text written out as text: anything an input brought (article text, titles,
names, ids, file names) is shown, never obeyed.

- ``visible``: control characters (ESC and the rest of C0 and C1, DEL, the
  bidirectional overrides) as escapes (``\\x1b``, ``\\u202e``), so a terminal shows
  them instead of acting on them. For every line printed to a terminal.
- ``md``: Markdown text on one line, with what Markdown would act on escaped (raw
  HTML, links and images, emphasis, code, tables), as the HTML output escapes it.
- ``md_code``: a code span (ids) that no backtick inside can end.
- ``html_refs``: a page with those controls written as character references, which
  a browser shows as it would the characters and a terminal shows as text.
- ``dumps``: JSON as json.dumps writes it with ensure_ascii=False, but with the controls
  it leaves raw (DEL, C1, the bidirectional marks) written as \u escapes: the same JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 and C1 controls, DEL, and the marks that reorder text on screen (LRE..RLO, LRI..PDI).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # json.dumps escapes C0
_RAW_IN_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")
# CommonMark's backslash escapes for the characters that start markup inside a line:
# HTML and autolinks (<), links and images ([ ]), emphasis (* _), code (`), strikethrough (~),
# table cells (|), and the backslash itself. "javascript:" is harmless once it cannot be a link.
_MARKUP = re.compile(r"([\\`*_\[\]<>~|])")
_TICKS = re.compile(r"`+")


def visible(text: str) -> str:
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def html_refs(page: str) -> str:
    """An HTML page (escaped by its templates) with no control character left raw: a page
    printed to a terminal, or opened in ``less``, otherwise obeys an outlet's C1 escape."""
    return _RAW_IN_HTML.sub(lambda m: f"&#x{ord(m.group()):x};", page)


def md(text: str | None) -> str:
    """``text`` as Markdown that renders as the same words: one line, markup escaped."""
    return _MARKUP.sub(r"\\\1", visible(_SPACE.sub(" ", text or "").strip()))


def md_code(text: str | None) -> str:
    """``text`` as a Markdown code span, fenced by more backticks than it holds in a row."""
    text = visible(_SPACE.sub(" ", text or "").strip())
    fence = "`" * (max((len(t) for t in _TICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def dumps(obj: Any, **kwargs: Any) -> str:
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False, **kwargs))
