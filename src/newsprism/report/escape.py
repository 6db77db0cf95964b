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
import math
import re
from contextlib import suppress
from json.encoder import encode_basestring  # C, when _json is there: what json.dumps(ensure_ascii=False) uses
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
    indent = kwargs.get("indent")
    text = None
    if kwargs.keys() == {"indent"} and type(indent) is int and indent >= 0:
        with suppress(_Unusual, RecursionError):
            text = _indented(obj, indent)
    if text is None:
        text = json.dumps(obj, ensure_ascii=False, **kwargs)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _Unusual(Exception):
    """A value ``_indented`` leaves to json.dumps: a key not a string, a subclass, NaN."""


def _indented(obj: Any, indent: int) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=indent)``, the same text, about
    four times faster: the standard library indents in pure Python, through a
    generator for each level every piece passes up (a brief's JSON is 10 MB for 84
    articles), while only ``separators`` and no indent reach its C encoder. Strings
    here go through the C escaper json.dumps uses; containers and plain values are
    written as it writes them. Anything else raises ``_Unusual``, for json.dumps."""
    out: list[str] = []
    add = out.append
    string = encode_basestring
    pads: list[str] = []

    def pad(level: int) -> str:
        while len(pads) <= level:
            pads.append("\n" + " " * (indent * len(pads)))
        return pads[level]

    def value(v: Any, level: int) -> None:
        t = type(v)
        if t is str:
            add(string(v))
        elif t is int:
            add(int.__repr__(v))
        elif v is None:
            add("null")
        elif v is True:
            add("true")
        elif v is False:
            add("false")
        elif t is float:
            if v != v or v in (math.inf, -math.inf):
                raise _Unusual
            add(float.__repr__(v))
        elif t is dict:
            if not v:
                add("{}")
                return
            between, comma = "{" + pad(level + 1), "," + pad(level + 1)
            for k, item in v.items():
                if type(k) is not str:
                    raise _Unusual
                if type(item) is str:  # the commonest value, without a call
                    add(f"{between}{string(k)}: {string(item)}")
                else:
                    add(f"{between}{string(k)}: ")
                    value(item, level + 1)
                between = comma
            add(pad(level) + "}")
        elif t is list or t is tuple:
            if not v:
                add("[]")
                return
            between, comma = "[" + pad(level + 1), "," + pad(level + 1)
            for item in v:
                add(between)
                value(item, level + 1)
                between = comma
            add(pad(level) + "]")
        else:
            raise _Unusual

    value(obj, 0)
    return "".join(out)
