"""Sentences that several articles of a story print (near-)verbatim.

Cheap and exact-ish: word 3-gram shingles, an inverted index for blocking
(never all pairs), Jaccard over shingles, union-find over matches. Claim
alignment (paraphrase) is a different, heavier stage; this one shows the
copy-paste backbone of a story at a glance.
"""

from __future__ import annotations

import re
from collections import defaultdict

from newsprism.model import Article, Evidence, SharedSentence
from newsprism.unionfind import UnionFind

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_WORDS = 6
THRESHOLD = 0.6
# A shingle found in more sentences than this is boilerplate, not a signal.
MAX_POSTING = 50


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return frozenset()
    return frozenset(tuple(words[i : i + 3]) for i in range(len(words) - 2))


def shared_sentences(articles: list[Article], threshold: float = THRESHOLD) -> list[SharedSentence]:
    """Groups of body sentences from at least two different articles."""
    items: list[tuple[Article, int, int, frozenset]] = []
    for a in articles:
        for s in a.body_sentences():
            sh = _shingles(a.text[s.start : s.end])
            if sh:
                items.append((a, s.start, s.end, sh))

    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, (_, _, _, sh) in enumerate(items):
        for g in sh:
            postings[g].append(i)

    sets = UnionFind(len(items))
    seen: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) > MAX_POSTING:
            continue
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                i, j = ids[x], ids[y]
                if items[i][0].id == items[j][0].id or (i, j) in seen:
                    continue
                seen.add((i, j))
                sa, sb = items[i][3], items[j][3]
                if len(sa & sb) / len(sa | sb) >= threshold:
                    sets.union(j, i)

    out: list[SharedSentence] = []
    for members in sets.groups():
        arts = list(dict.fromkeys(items[i][0].id for i in members))
        if len(arts) < 2:
            continue
        evidence = []
        for i in members:
            art, lo, hi, _ = items[i]
            evidence.append(Evidence(article=art.id, start=lo, end=hi, text=art.text[lo:hi]))
        # The longest wording is the most complete one to show.
        text = max((ev.text for ev in evidence), key=len)
        out.append(SharedSentence(text=text, articles=arts, evidence=evidence))
    out.sort(key=lambda g: (-len(g.articles), g.evidence[0].article, g.evidence[0].start))
    return out
