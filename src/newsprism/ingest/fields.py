"""Metadata values from any format, normalised to what model.Article expects."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from newsprism.ingest.decode import clean_text, drop_bad_char_refs

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HAS_TIME = re.compile(r"\d[T ]\d")
# Two far-apart defaults: a component that comes out differently was not in the input.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2001, 2, 2, 1, 1, 1)
_HTML_TAG = re.compile(r"</?(?:p|br|div|span|a|em|strong|b|i|h[1-6]|li|ul|ol|blockquote|figure|img)\b[^<>]*>", re.I)  # [^<>]: an unclosed tag ends its scan at the next one, not at the text's end
_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
    "tr", "table", "section", "article", "header", "footer", "figure", "figcaption", "pre", "dd", "dt",
}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_MS_EPOCH = 10**11  # a timestamp above this is in milliseconds (year 5138 in seconds)


def one_line(value: Any) -> str | None:
    """A short metadata string with whitespace collapsed, or None when blank."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = " ".join(clean_text(str(value)).split())
    return text or None


def iso_date(value: Any) -> str | None:
    """ISO 8601 for a date, datetime, epoch or free-form date string; as precise as given."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > _MS_EPOCH else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _DATE_ONLY.fullmatch(text):
        return text
    try:  # the common case, and 50x faster than dateutil
        parsed = datetime.fromisoformat(text)
        return parsed.isoformat() if _HAS_TIME.search(text) else parsed.date().isoformat()
    except ValueError:
        pass
    import warnings

    from dateutil import parser

    try:
        with warnings.catch_warnings():
            # "EDT" and friends: dateutil warns and returns a naive time, which is what we keep.
            warnings.simplefilter("ignore")
            a = parser.parse(text, default=_DEFAULT_A)
            b = parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        return None
    if a.year != b.year:
        return None
    if a.month != b.month:
        return f"{a.year:04d}"
    if a.day != b.day:
        return f"{a.year:04d}-{a.month:02d}"
    if (a.hour, a.minute) != (b.hour, b.minute):
        return a.date().isoformat()
    return a.isoformat()


def names(value: Any) -> list[str]:
    """Author names from a string ("A; B"), a list, or objects with a "name"."""
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, list):  # of names or of objects; a list inside it is not a name
        return [n for item in value if not isinstance(item, list) for n in names(item)]
    text = one_line(value)
    if text is None:
        return []
    # trafilatura and many CMS exports join several authors with ";" or "|".
    return [part.strip() for part in re.split(r"[;|]", text) if part.strip()]


def author_names(value: Any) -> list[str]:
    """The people an author field of page or feed metadata names, each piece cleaned by the
    byline rule (extract.metadata.parse_author_field): roles, outlets, dates and CMS accounts out."""
    from newsprism.extract.metadata import parse_author_field

    people = [n.value for raw in names(value) for n in parse_author_field(raw).names]
    return list(dict.fromkeys(people))


def looks_like_html(text: str) -> bool:
    return len(_HTML_TAG.findall(text[:5000])) >= 2


def html_to_text(markup: str) -> str:
    """Paragraphs of an HTML fragment (feed content, CMS exports), separated by blank lines."""
    from lxml import etree
    from lxml import html as lxml_html

    markup = drop_bad_char_refs(clean_text(markup))  # lxml refuses control characters and lone surrogates
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return clean_text(markup)
    return "\n\n".join(element_paragraphs(root))


def element_paragraphs(root: Any, junk: str = "//script|//style|//noscript") -> list[str]:
    """The paragraphs of a parsed element's text, its blocks apart; changes the element
    (``junk``, an XPath, is dropped first)."""
    for el in root.xpath(junk):
        el.drop_tree()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag in _BLOCK_TAGS:
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(clean_text(root.text_content())))
    return [p for p in paragraphs if p]
