"""Paragraph and sentence segmentation, pure regex and Python (no spaCy).

Offsets are into the original text, stripped of surrounding whitespace.
The sentence splitter is tuned for news copy: titles and ranks before names
("Brig. Gen."), initials ("Colin P. Clarke"), acronyms ("U.S."), quotes that
close after the full stop, and elisions ("we will ... continue").
"""

from __future__ import annotations

import re
from itertools import pairwise

from newsprism.model import Article, Paragraph
from newsprism.nlp import NEVER_END
from newsprism.verbs import speech_forms

# A line this long is a paragraph of its own: the file puts one paragraph per
# line rather than hard-wrapping at a fixed width.
LONG_LINE = 100
# Below this width a block of short lines is a list (headline, byline, date),
# never a hard-wrapped paragraph.
MIN_WRAP = 50

_BLANK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE = re.compile(r"[^\n]+")

# Abbreviations that may also end a sentence: end it only before a typical sentence opener.
_MAYBE_END = frozenset("inc corp co ltd llc plc jr sr etc bros al".split())
_OPENERS = frozenset(
    """the a an he she it they we i you this that these those there his her its their our my your but and
    so yet or in on at as after before while when if meanwhile however still also then now since though
    although because for from with without according officials some many most no one two three
    last earlier later""".split()
)

_BOUNDARY = re.compile(
    r"""(?<![.!?…])(?P<punct>[.!?…]+)    # terminal punctuation, from the first (once per run)
        [\"'”’»)\]]*                       # quotes or brackets closing after it
        (?=\s+[\"'“‘«(\[]*[A-Z0-9À-ÖØ-Þ])  # then space and a capitalised start
    """,
    re.X,
)
_SPEECH_TAIL = re.compile(
    r"\s+(?:[A-Z][\w.'’-]*\s+){1,3}(?:" + "|".join(speech_forms({
        "say": "said says", "ask": "asked asks", "add": "added adds", "tell": "told", "write": "wrote writes",
        "reply": "replied", "explain": "explained", "note": "noted",
    })) + r")\b"
)
_NEXT_WORD = re.compile(r"\s+[\"'“‘«(\[]*([\w'’-]+)")


def paragraphs_of(article: Article) -> list[Paragraph]:
    """An article's paragraphs: the extract stage's (``Article.paragraphs``, each
    with its kind), or, for an article it did not prepare, this module's split
    of the text, every paragraph body. The one way every stage finds them."""
    if article.paragraphs:
        return article.paragraphs
    return [Paragraph(s, e) for s, e in split_paragraphs(article.text)]


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank lines always separate; single newlines when lines are long."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for sep in _BLANK.finditer(text):
        spans.extend(_block_paragraphs(text, pos, sep.start()))
        pos = sep.end()
    spans.extend(_block_paragraphs(text, pos, len(text)))
    return spans


def _block_paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    lines = [_strip(text, m.start(), m.end()) for m in _LINE.finditer(text, start, end)]
    lines = [(s, e) for s, e in lines if e > s]
    if len(lines) <= 1:
        return lines
    wrap = max(e - s for s, e in lines)
    hard_wrapped = MIN_WRAP <= wrap <= LONG_LINE
    # A line continues into the next when it was cut at the wrap width, or
    # when the next line carries on in lower case.
    out: list[tuple[int, int]] = []
    cur_start, cur_end = lines[0]
    for (s, e), (ns, ne) in pairwise(lines):
        wrapped = hard_wrapped and (e - s) >= 0.6 * wrap and text[e - 1] not in ".!?:\"”’'"
        if wrapped or text[ns].islower():
            cur_end = ne
        else:
            out.append((cur_start, cur_end))
            cur_start, cur_end = ns, ne
    out.append((cur_start, cur_end))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    seg = text[start:end]
    core = seg.strip()
    if not core:
        return start, start
    lead = start + len(seg) - len(seg.lstrip())
    return lead, lead + len(core)


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end] (one paragraph)."""
    out: list[tuple[int, int]] = []
    cur = start
    for m in _BOUNDARY.finditer(text, start, end):
        if _ends_sentence(text, m, start):
            s, e = _strip(text, cur, m.end())
            if e > s:
                out.append((s, e))
            cur = m.end()
    s, e = _strip(text, cur, end)
    if e > s:
        out.append((s, e))
    return out


def _ends_sentence(text: str, m: re.Match[str], floor: int) -> bool:
    punct = m.group("punct")
    p = m.start()
    if "…" in punct or "..." in punct:
        # " ... " with a space before is an elision inside a quote, not an ending.
        return p > floor and not text[p - 1].isspace()
    if punct[0] in "!?":
        # '"Is it safe?" Marsh asked.' continues the sentence.
        closed = m.end() > p + len(punct)
        return not (closed and _SPEECH_TAIL.match(text, m.end()))
    if len(punct) > 1:
        return True
    word = _word_before(text, p, floor)
    if not word:
        return True
    low = word.lower()
    if low in NEVER_END:
        return False
    if low == "no":
        return not text[m.end() :].lstrip()[:1].isdigit()
    if len(word) == 1 and word.isupper():
        return False  # an initial: "Colin P. Clarke"
    if "." in word or low in _MAYBE_END:
        # "U.S.", "a.m.", "Inc.": only before a word that typically opens a sentence.
        nxt = _NEXT_WORD.match(text, m.end())
        return nxt is not None and nxt.group(1).lower() in _OPENERS
    return True


def _word_before(text: str, p: int, floor: int) -> str:
    i = p
    while i > floor and not text[i - 1].isspace() and text[i - 1] not in "\"'“‘(«[—–":
        i -= 1
    return text[i:p]
