"""Per-outlet profiles of loaded wording, relative to the story's other outlets."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from newsprism.framing.loaded import Flag
from newsprism.model import Article, OutletProfile

EXAMPLES = 5


def _rate(n: int, words: int) -> float:
    return 1000.0 * n / words if words else 0.0


def outlet_profiles(
    articles: list[Article],
    flags: dict[str, list[Flag]],
    words: dict[str, int],
    outlet_of: Callable[[Article], str],
) -> list[OutletProfile]:
    """One profile per outlet, most loaded first.

    ``rate`` counts flags in the outlet's own voice per 1000 words (quoted
    words are the source's choice and are counted apart, in ``quoted``);
    ``others_rate`` is the mean rate of the story's other outlets; ``score`` is
    log2((rate + 1) / (others_rate + 1)): above 0 the outlet words the story
    more loadedly than the others, below 0 more neutrally.
    """
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(outlet_of(a), []).append(a)
    stats = {}
    for outlet, arts in groups.items():
        fl = [f for a in arts for f in flags.get(a.id, ())]
        own = [f for f in fl if not f.quoted]
        n_words = sum(words.get(a.id, 0) for a in arts)
        stats[outlet] = (arts, fl, own, n_words, _rate(len(own), n_words))
    profiles = []
    for outlet, (arts, fl, own, n_words, rate) in stats.items():
        others = [s[4] for o, s in stats.items() if o != outlet]
        others_rate = sum(others) / len(others) if others else None
        score = math.log2((rate + 1) / (others_rate + 1)) if others_rate is not None else None
        examples = sorted(fl, key=lambda f: (f.quoted, -f.score, f.start))[:EXAMPLES]
        profiles.append(
            OutletProfile(
                outlet=outlet,
                articles=[a.id for a in arts],
                words=n_words,
                loaded=len(own),
                quoted=len(fl) - len(own),
                rate=round(rate, 2),
                others_rate=None if others_rate is None else round(others_rate, 2),
                score=None if score is None else round(score, 3),
                categories=dict(Counter(f.category for f in own).most_common()),
                distinctive=sorted({f.lemma for f in own if "only-this-outlet" in f.reasons}),
                examples=[f.record() for f in examples],
            )
        )
    profiles.sort(key=lambda p: -(p.score if p.score is not None else p.rate))
    return profiles
