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


# Auxiliaries that put a verb ahead of the moment of writing ("wo" is the parse of "won't").
_AHEAD = frozenset("will shall 'll wo would".split())
# A date says when the verb happened only as the verb's adverbial: "on Friday", "Friday", "by Friday";
# in "Monday's reports" or "Friday's vote" it names a thing, whatever the clause's tense.
_ADVERBIAL = frozenset("prep npadvmod advmod tmod obl".split())


# A photo credit ("(AP Photo/Ann Lee)", "(Photo: Harbour Gazette)", "Ann Lee via Getty Images"), not a
# dateline's "(AP)": the sentence it ends or follows in its paragraph is a caption ("Marsh speaks on the
# quay on Friday."), whose present tense is the moment the picture was taken. A credit on a line of its
# own comes before its caption, as some sites print them.
_PHOTO_CREDIT = re.compile(
    r"\((?:AP|AFP|Reuters|REUTERS|Getty)\b[^)]*?(?:Photo|Images?|/)[^)]*\)|\((?:Photo|Picture|Image)\b[^)]*\)|"
    r"\b(?:AP|AFP) Photo\b|\bvia Getty Images\b|/Getty Images\b|\bREUTERS/|\b(?:Photo|Photograph|Picture)(?: by|:)"
)
_CREDIT_LINE = 80  # longest paragraph read as a credit on its own line


def date_tense(doc: "Doc", start: int, end: int, caption: bool = False) -> bool | None:
    """Whether the verb that the date at [start, end) times lies ahead of the publication day (True:
    "will vote on Friday", and the present of things scheduled, "the vote is on Friday", "Marsh
    travels to Paris on Friday") or behind it (False: "voted", "has voted", "was voting", and a
    caption's present, "Marsh speaks on the quay on Friday"); None where the parse does not say (no
    verb, a date inside a noun phrase, a bare participle)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span.root
    if tok.dep_ == "pobj":
        tok = tok.head
    verb = tok.head
    if tok.dep_ not in _ADVERBIAL or verb.pos_ not in ("VERB", "AUX") or verb is tok:
        return None
    return _verb_tense(verb, caption)


def _is_caption(article: Article, i: int) -> bool:
    """Whether sentence ``i`` is a photo's caption: it, or the next sentence of its paragraph, holds a
    credit, or the paragraph before it is a credit line."""
    here = article.sentences[i]
    after = article.sentences[i + 1 : i + 2]
    end = after[0].end if after and after[0].paragraph == here.paragraph else here.end
    if _PHOTO_CREDIT.search(article.text, here.start, end):
        return True
    if i == 0 or article.sentences[i - 1].paragraph == here.paragraph:
        return False
    before = article.paragraphs[article.sentences[i - 1].paragraph]
    return before.end - before.start <= _CREDIT_LINE and _PHOTO_CREDIT.search(article.text, before.start, before.end) is not None


def _verb_tense(verb: "Token", caption: bool = False) -> bool | None:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _AHEAD for a in auxes):
        return True
    tags = {verb.tag_, *(a.tag_ for a in auxes)}
    if "VBD" in tags or any(a.lemma_ == "have" for a in auxes):
        return False  # past, or the present perfect ("has met on Monday")
    if any(a.tag_ == "MD" for a in auxes):
        return True  # "could vote on Friday", "must leave by Sunday"
    if verb.tag_ == "VB" and verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
        # "plans to vote on Friday", "is going to vote": ahead when its head is; "was expected
        # to vote on Friday" may be yesterday's vote, so a past head says nothing.
        return True if _verb_tense(verb.head, caption) else None
    if tags & {"VBZ", "VBP"}:
        # The present of a scheduled thing is its future, a caption's is the photo's moment;
        # "the ministry says on Friday" is neither.
        return None if verb.lemma_ in RELAYS else not caption
    return None


def sentence_values(article: Article, doc: "Doc", latest: date | None) -> Iterator[ValueMention]:
    """Every date and figure in the article's body sentences."""
    base = article.published_day
    body = {id(s) for s in article.body_sentences()}
    for i, s in enumerate(article.sentences):
        if id(s) not in body:
            continue
        text = article.text[s.start : s.end]
        unplaced: list[tuple[int, int]] = []
        def tense(a: int, b: int, at: int = s.start, caption: bool = _is_caption(article, i)) -> bool | None:
            return date_tense(doc, at + a, at + b, caption)

        dates = find_dates(text, base, story_date=latest, unresolved=unplaced, tense=tense)
        own = {(d.start, d.end) for d in find_dates(text, base, tense=tense)} if base is None else None
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
