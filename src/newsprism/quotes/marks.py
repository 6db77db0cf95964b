"""Quotation marks in raw text: which stretches of an article are quoted.

Works on the text alone (no parse), so the spans stay exact even where the
sentence splitter cuts a quote in two. Straight double quotes are paired by
position (an opener follows a space or starts the paragraph); curly and
guillemet marks say their direction. Curly single quotes are accepted for
headlines (‘We are ready ...’) but only where they cannot be an apostrophe.
A quote left open at the end of a paragraph continues when the next
paragraph opens with a quotation mark, the newspaper convention for long
quotes. A curly quote inside a curly quote nests (`“he calls “hell” home”`);
a nickname (`Marcia "Cia" Price`) is no quotation; ``is_title`` tells the
names of works (`the book "X"`, `NBC's "Meet the Press"`) from quoted words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsprism.model import Span

OPEN_DOUBLE = "\u201c\u201e\u00ab"
CLOSE_DOUBLE = "\u201d\u201f\u00bb"
STRAIGHT = '"\u2033\uff02'
OPEN_SINGLE = "\u2018"
CLOSE_SINGLE = "\u2019"
ALL_DOUBLE = OPEN_DOUBLE + CLOSE_DOUBLE + STRAIGHT
_BEFORE_OPENER = " \t\n([{\u2014\u2013-/:;,"
# Every character ``_scan_paragraph`` acts on (' and ` only doubled): it jumps over the rest (``_MARK.search``).
_MARK = re.compile("[" + re.escape(ALL_DOUBLE + OPEN_SINGLE + CLOSE_SINGLE + "'`") + "]")


@dataclass(frozen=True, slots=True)
class Quoted:
    """One quotation: the words inside the marks, possibly over several paragraphs."""

    parts: tuple[Span, ...]  # the words inside the marks, one part per paragraph

    @property
    def span(self) -> Span:
        return Span(self.parts[0].start, self.parts[-1].end)

    @property
    def outer(self) -> Span:
        """The span with its quotation marks (one character each side, or two for '')."""
        return Span(self.parts[0].start - 1, self.parts[-1].end + 1)


def has_double_quote(text: str) -> bool:
    return any(c in ALL_DOUBLE for c in text) or "``" in text or "''" in text


def _is_opener(text: str, i: int, para_start: int) -> bool:
    """A straight or ambiguous mark opens when it starts a word."""
    prev = text[i - 1] if i > para_start else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return (prev in _BEFORE_OPENER or prev in OPEN_DOUBLE + OPEN_SINGLE) and not nxt.isspace()


def _single_closes(text: str, i: int) -> bool:
    """A right single quote closes a quote only where it cannot be an apostrophe."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return not nxt.isalnum()


def _scan_paragraph(text: str, para: Span) -> tuple[list[Span], int | None]:
    """Closed quotes inside one paragraph, and where an open quote's words begin (or None).

    Two apostrophes ('') and two backquotes (``) count as a double mark, as in
    some newspaper archives and in PTB-style text.
    """
    found: list[Span] = []
    open_at: int | None = None  # first character inside the open quote
    open_kind = ""
    i = para.start
    while i < para.end:
        mark = _MARK.search(text, i, para.end)  # what lies before it changes nothing
        if mark is None:
            break
        i = mark.start()
        c = text[i]
        pair = text[i : i + 2]
        width = 2 if pair in ("''", "``") else 1
        if pair == "``" or c in OPEN_DOUBLE or c == OPEN_SINGLE:
            if c == OPEN_SINGLE and (open_kind == "double" or not _is_opener(text, i, para.start)):
                i += 1
                continue  # a single quote nested in a double one, or an apostrophe
            nested_end = _nested_end(text, i, para) if open_kind == "double" and c in OPEN_DOUBLE else None
            if nested_end is not None and open_at is not None:
                found.append(Span(open_at, nested_end))
                open_at, open_kind = None, ""
                i = nested_end + 1
                continue
            if open_kind == "double" and open_at is not None and c in OPEN_DOUBLE and not _is_opener(text, i, para.start):
                # `... 36 percent.“` at the end of a quote: a left mark misprinted for the right one.
                found.append(Span(open_at, i))
                open_at, open_kind = None, ""
                i += width
                continue
            open_at, open_kind = i + width, "single" if c == OPEN_SINGLE else "double"
        elif pair == "''" or c in CLOSE_DOUBLE or c in STRAIGHT:
            if open_at is not None and open_kind == "double":
                found.append(Span(open_at, i))
                open_at, open_kind = None, ""
            elif pair == "''" or c in STRAIGHT or _is_opener(text, i, para.start):
                # Some texts print a right mark as the opener too.
                open_at, open_kind = i + width, "double"
        elif c == CLOSE_SINGLE and open_kind == "single" and open_at is not None and _single_closes(text, i):
            found.append(Span(open_at, i))
            open_at, open_kind = None, ""
        i += width
    return found, open_at if open_kind == "double" else None


def _nested_end(text: str, i: int, para: Span) -> int | None:
    """`“... what he calls “hell” than ...”`: a curly opener inside an open quote whose next two
    marks both close nests; the second closes the outer quote (returned). None otherwise."""
    marks = [j for j in range(i + 1, para.end) if text[j] in OPEN_DOUBLE + CLOSE_DOUBLE + STRAIGHT][:2]
    if len(marks) == 2 and text[marks[0]] in CLOSE_DOUBLE and (
        text[marks[1]] in CLOSE_DOUBLE or not _is_opener(text, marks[1], para.start)
    ):
        return marks[1]
    return None


def _trim(text: str, span: Span) -> Span | None:
    s, e = span.start, span.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Span(s, e) if any(ch.isalnum() for ch in text[s:e]) else None


def find_quoted(text: str, paragraphs: list[Span] | None = None) -> list[Quoted]:
    """Every quotation in ``text``, in order; ``paragraphs`` default to the segmenter's."""
    if paragraphs is None:
        from newsprism.extract.segment import split_paragraphs

        paragraphs = [Span(s, e) for s, e in split_paragraphs(text)]
    out: list[Quoted] = []
    carry: list[Span] = []  # parts of a quote still open at the end of the previous paragraph
    for para in paragraphs:
        found, open_at = _scan_paragraph(text, para)
        if carry:
            if found and found[0].start <= para.start + 2:
                out.append(Quoted((*carry, found[0])))
                found, carry = found[1:], []
            elif not found and open_at is not None and open_at <= para.start + 2:
                # Opens with a mark and never closes: the quote goes on.
                carry.append(Span(open_at, para.end))
                continue
            else:
                # The open mark was a stray one: keep what it covered.
                out.append(Quoted(tuple(carry)))
                carry = []
        out.extend(Quoted((s,)) for s in found)
        if open_at is not None:
            carry = [Span(open_at, para.end)]
    if carry:
        out.append(Quoted(tuple(carry)))
    cleaned = []
    for q in out:
        parts = tuple(p for p in (_trim(text, p) for p in q.parts) if p is not None)
        if parts and not _is_nickname(text, Quoted(parts)):
            cleaned.append(Quoted(parts))
    return cleaned


def _is_nickname(text: str, q: Quoted) -> bool:
    """`Marcia "Cia" Price`: one or two capitalized words between a first and a last name."""
    words = text[q.span.start : q.span.end].split()
    if not 1 <= len(words) <= 2 or not all(w[0].isupper() and w.strip(".").isalpha() for w in words):
        return False
    first = text[max(0, q.outer.start - 30) : q.outer.start].split(" ")[-2:]
    after = text[q.outer.end : q.outer.end + 2]
    return (len(first) == 2 and first[1] == "" and first[0].isalpha() and first[0][0].isupper()
            and after[:1] == " " and after[1:].isupper())


# Words that announce a title in quotation marks: `the book "Strangers No More"`, `titled "Scam."`.
_TITLE_NOUNS = frozenset(
    """book books memoir novel titled entitled show shows program programme series film films movie
    documentary song songs album anthem play musical column op-ed essay poem painting slogan hashtag""".split()
)
_POSSESSIVE = ("'s", "\u2019s", "s'", "s\u2019")


def is_title(text: str, q: Quoted) -> bool:
    """The quotation names a work rather than quoting words: after a title noun
    (`the book "X"`, `titled "X"`), or capitalized after a possessive (`NBC's "Meet the Press"`)."""
    i = q.outer.start - 1
    while i >= 0 and text[i] in " \t\u00a0,:'`":
        i -= 1
    j = i + 1
    while i >= 0 and (text[i].isalpha() or text[i] in "'\u2019-"):
        i -= 1
    word = text[i + 1 : j]
    if word.lower() in _TITLE_NOUNS:
        return True
    words = text[q.span.start : q.span.end].split()
    return word.endswith(_POSSESSIVE) and bool(words) and words[0][0].isupper() and words[-1][0].isupper()
