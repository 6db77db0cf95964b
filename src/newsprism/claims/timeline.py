"""The timeline of a story: dated events, earliest first, merged across articles.

Dates are resolved against each article's own publication day; an article
with none places only dates that carry their year, and a sentence with a
relative date nothing places ("In August of last year ...") is left undated,
whatever other date it holds. A date that says
when something was said counts too ("the town council said on Tuesday" is
when the schools were closed, as far as the story knows). Mentions of one day in sentences about the same event (same
governing verb, or the same wording) become one event citing every article.
"""

from __future__ import annotations

import re

from newsprism.claims.mentions import ValueMention
from newsprism.claims.values import DateValue
from newsprism.model import Article, Evidence, TimelineEvent
from newsprism.verbs import RELAYS

# Word-set overlap above which two sentences of one day tell one event.
SAME_WORDS = 0.4
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _words(article: Article, sentence: int) -> set[str]:
    s = article.sentences[sentence]
    return {w.casefold() for w in _WORD.findall(article.text[s.start : s.end])}


def build_timeline(articles: list[Article], values: list[ValueMention]) -> list[TimelineEvent]:
    """Dated events of a story from its ``story_values`` mentions, earliest first."""
    by_id = {a.id: a for a in articles}
    # Dates the article's own date places: with none, "last year" or a yearless "October 7th" is left undated, not guessed.
    dated = [m for m in values if m.kind == "date" and not m.guessed]
    texts = {
        (m.article, m.sentence): _words(by_id[m.article], m.sentence) for m in dated
    }
    events: list[tuple[DateValue, str, list[ValueMention]]] = []
    for m in dated:
        assert isinstance(m.value, DateValue)
        iso = m.value.iso()
        same = next((e for e in events if e[1] == iso and any(_same_event(m, x, texts) for x in e[2])), None)
        if same is None:
            events.append((m.value, iso, [m]))
        elif m.article not in {x.article for x in same[2]}:
            same[2].append(m)
    events.sort(key=lambda e: (e[0].first, e[0].last))
    out: list[TimelineEvent] = []
    for _, iso, members in events:
        evidence = []
        for m in members:
            s = by_id[m.article].sentences[m.sentence]
            evidence.append(Evidence(m.article, s.start, s.end, by_id[m.article].text[s.start : s.end]))
        text = min((e.text for e in evidence), key=len)
        out.append(TimelineEvent(date=iso, text=text, articles=[m.article for m in members], evidence=evidence))
    return out


def _same_event(x: ValueMention, y: ValueMention, texts: dict[tuple[str, int], set[str]]) -> bool:
    """Same day and the same action, or nearly the same words ("said" alone proves nothing)."""
    if x.verb and x.verb == y.verb and x.verb not in RELAYS:
        return True
    a, b = texts[(x.article, x.sentence)], texts[(y.article, y.sentence)]
    return len(a & b) / max(len(a | b), 1) >= SAME_WORDS
