"""Conflicts: figures, dates and named facts that differ between articles about the same thing.

Named facts ("killed in Tehran" / "killed in Beirut") are found by
``newsprism.claims.facts``; this module handles figures and dates.

Two mentions are about the same thing when their sentences support the same
claim and they count the same kind of thing (people and residents are one
kind), or, outside a shared claim, when both the counted noun and the
governing verb match. Values are compared after normalisation (dates against
each article's publication day, figures as ranges), so "Monday" and
"5 August", or "more than 4,000" and "4,000+", never conflict. Copies are
left out: a copy cannot disagree with its original.
"""

from __future__ import annotations

import re
from collections import defaultdict

from newsprism.claims.align import copy_roots
from newsprism.claims.facts import find_fact_conflicts
from newsprism.claims.mentions import ValueMention, is_reporting
from newsprism.claims.values import DateValue, Quantity
from newsprism.model import Article, Claim, Conflict, ConflictValue
from newsprism.nlp import NLP
from newsprism.unionfind import UnionFind

# Nouns that count the same thing in news about people moved, hurt or killed.
_SAME_KIND = [
    frozenset("people person resident civilian inhabitant citizen villager evacuee family household".split()),
    frozenset("death fatality victim dead".split()),
    frozenset("injury injured wounded casualty".split()),
    frozenset("dollar usd".split()),
]
# Verbs that describe one event in different words.
_SAME_EVENT = [
    frozenset("find discover spot detect uncover notice identify reveal".split()),
    frozenset("evacuate leave flee move order force displace clear relocate".split()),
    frozenset("kill die".split()),
    frozenset("visit travel arrive".split()),
]


def _related(a: str, b: str, groups: list[frozenset[str]]) -> bool:
    return bool(a) and bool(b) and (a == b or any(a in g and b in g for g in groups))


def _comparable(x: ValueMention, y: ValueMention, shared_claim: bool) -> bool:
    if x.kind != y.kind:
        return False
    if x.kind == "number":
        qx, qy = x.value, y.value
        assert isinstance(qx, Quantity) and isinstance(qy, Quantity)
        if qx.unit != qy.unit:
            return False
        if shared_claim:
            return _related(x.noun, y.noun, _SAME_KIND) or (not x.noun and not y.noun and bool(qx.unit))
        return x.noun == y.noun != "" and _related(x.verb, y.verb, _SAME_EVENT)
    dx, dy = x.value, y.value
    assert isinstance(dx, DateValue) and isinstance(dy, DateValue)
    if "year" in (dx.precision, dy.precision) and dx.precision != dy.precision:
        return False  # "in 2019" and "on 5 May" rarely date the same thing
    return _related(x.verb, y.verb, _SAME_EVENT)


def _agree(x: ValueMention, y: ValueMention) -> bool:
    return x.value.agrees(y.value)  # type: ignore[arg-type]


_MORE = re.compile(r"^(?:more than|over|at least|upwards of|in excess of)\b|\+", re.I)
_LESS = re.compile(r"^(?:nearly|almost|close to|fewer than|less than|under|no more than|up to|as many as)\b", re.I)
_ABOUT = re.compile(r"^(?:about|around|roughly|approximately|some|an estimated|estimated)\b", re.I)


def _normal(m: ValueMention) -> str:
    """ "2024-05-12", "12000", ">15000" (more than), "<12000" (nearly, up to), "~12000" (about)."""
    if isinstance(m.value, DateValue):
        return m.value.iso()
    base = m.value.normal()
    for pattern, sign in ((_MORE, ">"), (_LESS, "<"), (_ABOUT, "~")):
        if pattern.search(m.text):
            return sign + base
    return base


def find_conflicts(
    articles: list[Article], claims: list[Claim], values: list[ValueMention], nlp: NLP
) -> list[Conflict]:
    """Groups of mentions about one thing whose values do not all agree.

    ``values`` are the story's mentions from ``story_values``.
    """
    mentions = [m for m in values if not is_reporting(m)]
    by_id = {a.id: a for a in articles}
    claim_of: dict[tuple[str, int], set[str]] = defaultdict(set)
    for c in claims:
        for ev in c.evidence:
            a = by_id[ev.article]
            for i, s in enumerate(a.sentences):
                if s.start <= ev.start < s.end:
                    claim_of[(ev.article, i)].add(c.id)
    sets = UnionFind(len(mentions))
    for i, x in enumerate(mentions):
        cx = claim_of.get((x.article, x.sentence), set())
        for j in range(i + 1, len(mentions)):
            y = mentions[j]
            if x.article == y.article:
                continue
            shared = bool(cx & claim_of.get((y.article, y.sentence), set()))
            if _comparable(x, y, shared):
                sets.union(j, i)

    out: list[Conflict] = []
    for members in ([mentions[i] for i in g] for g in sets.groups()):
        if len({m.article for m in members}) < 2:
            continue
        if all(_agree(x, y) for x in members for y in members if x.article != y.article):
            continue
        first = members[0]
        topic = first.noun or first.verb or first.kind
        if first.kind == "number" and first.verb:
            topic = f"{first.noun or 'figure'} ({first.verb})"
        elif first.kind == "date":
            topic = f"when: {first.verb}"
        found = [ConflictValue(_normal(m), m.article, m.start, m.end, m.text) for m in members]
        out.append(Conflict(kind=first.kind, topic=topic, values=found))
    out.extend(find_fact_conflicts(articles, claims, nlp, copy_roots(articles)))
    return out
