"""Dated and numbered mentions in a story's sentences, with what they are about.

A figure is about the noun it counts ("12,000 *residents*") and the verb that
governs it ("*ordered*", "*forced*"); a date is about the verb it modifies
("found ... on *Sunday*"). Conflicts compare mentions about the same thing;
the timeline lists dated events, leaving out dates that only say when
something was reported ("the Courier reported on Monday").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from newsprism.claims.values import DateValue, Quantity, find_dates, find_quantities
from newsprism.model import Article
from newsprism.nlp import NLP
from newsprism.verbs import RELAYS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")


@dataclass
class ValueMention:
    kind: Literal["date", "number"]
    article: str
    sentence: int  # index into Article.sentences
    start: int  # offsets into Article.text
    end: int
    text: str
    value: DateValue | Quantity
    noun: str  # lemma of the counted noun ("" for dates)
    verb: str  # lemma of the governing verb
    # A date the article's own date does not place: its year taken from the story's latest
    # article, or beside a relative date nothing places ("In August of last year ... by 2025").
    guessed: bool = False


def story_date(articles: list[Article]) -> date | None:
    """The latest publication day of the story, to place "5 August" when an article has no date."""
    days = [a.published_day for a in articles if a.published_day]
    return max(days) if days else None


def _verb(tok: "Token") -> "Token | None":
    for t in (tok, *tok.ancestors):
        if t.pos_ in ("VERB", "AUX"):
            return t
    return None


def _anchor(doc: "Doc", start: int, end: int) -> tuple[str, str]:
    """(counted noun lemma, governing verb lemma) of the words at [start, end)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return "", ""
    head = span.root
    noun = ""
    if (head.dep_ in ("nummod", "quantmod", "compound") and head.head.pos_ in ("NOUN", "PROPN")) or (head.pos_ == "NUM" and head.head.pos_ in ("NOUN", "PROPN") and head.head.i > head.i):
        noun = head.head.lemma_.casefold()
    verb = _verb(head.head if noun else head)
    return noun, verb.lemma_.casefold() if verb else ""


def sentence_values(article: Article, doc: "Doc", latest: date | None) -> Iterator[ValueMention]:
    """Every date and figure in the article's body sentences."""
    base = article.published_day
    body = {id(s) for s in article.body_sentences()}
    for i, s in enumerate(article.sentences):
        if id(s) not in body:
            continue
        text = article.text[s.start : s.end]
        unplaced: list[tuple[int, int]] = []
        dates = find_dates(text, base, story_date=latest, unresolved=unplaced)
        own = {(d.start, d.end) for d in find_dates(text, base)} if base is None else None
        for d in dates:
            noun, verb = _anchor(doc, s.start + d.start, s.start + d.end)
            guessed = bool(unplaced) or (own is not None and (d.start, d.end) not in own)
            yield ValueMention("date", article.id, i, s.start + d.start, s.start + d.end, d.text, d.value, "", verb, guessed)
        skip = [(d.start, d.end) for d in dates] + [m.span() for m in _TIME.finditer(text)]
        for q in find_quantities(text, skip):
            noun, verb = _anchor(doc, s.start + q.start, s.start + q.end)
            yield ValueMention("number", article.id, i, s.start + q.start, s.start + q.end, q.text, q, noun, verb)


def is_reporting(m: ValueMention) -> bool:
    """A date that only says when something was said or reported."""
    return m.kind == "date" and m.verb in RELAYS


def story_values(articles: list[Article], nlp: NLP) -> list[ValueMention]:
    """Dates and figures in the story's original articles (copies would only repeat them).

    Computed once per story and shared by the conflict finder and the timeline.
    """
    from newsprism.claims.align import copy_roots

    latest = story_date(articles)
    roots = copy_roots(articles)
    out: list[ValueMention] = []
    for a in articles:
        if roots[a.id] == a.id and a.body_sentences():
            out.extend(sentence_values(a, nlp.doc(a), latest))
    return out
