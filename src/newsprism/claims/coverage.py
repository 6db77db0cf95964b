"""What each outlet adds to a story, and what it leaves out.

Copies are folded into their original first: a republished article adds
nothing of its own, and an outlet is not said to omit a claim just because
two copies of one report both carry it.
"""

from __future__ import annotations

from newsprism.claims.align import copy_roots
from newsprism.model import Article, Claim, CoverageNote

# A claim "most others carry" is carried by at least this share of the other originals...
MOST = 0.5
# ...and by at least this many of them.
MIN_OTHERS = 2


def coverage(claims: list[Claim], articles: list[Article]) -> list[CoverageNote]:
    """One note per article: claims only it (and its copies) carry, and widely carried claims it lacks."""
    roots = copy_roots(articles)
    originals = list(dict.fromkeys(roots.values()))
    carried = {c.id: {roots[a] for a in c.articles} for c in claims}
    notes: list[CoverageNote] = []
    for a in articles:
        me = roots[a.id]
        others = len(originals) - 1
        has = {c.id for c in claims if a.id in c.articles}
        if a.id == me:
            adds = [c.id for c in claims if carried[c.id] == {me}]
        else:
            # A copy adds only what its original lacks (a new headline paragraph, say).
            adds = [c.id for c in claims if set(c.articles) == {a.id}]
        omits = [
            c.id
            for c in claims
            if c.id not in has
            and me not in carried[c.id]
            and len(carried[c.id]) >= max(MIN_OTHERS, MOST * others)
        ]
        notes.append(CoverageNote(outlet=a.label, article=a.id, adds=adds, omits=omits))
    return notes
