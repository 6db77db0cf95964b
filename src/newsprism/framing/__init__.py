"""Framing: how each outlet words the same story.

:func:`compare_framing` makes ``Brief.framing``, a :class:`newsprism.model.Framing`
(every piece of evidence is a character span into an article's text):

* ``outlets``: one ``OutletProfile`` per outlet, most loaded first: its rate
  of loaded words per 1,000 in its own voice (quoted words apart) against the
  story's other outlets, the categories, the lemmas only it uses, examples;
* ``claims``: the aligned claims two or more outlets word differently, each
  outlet's wording with the words only it chose (``ClaimWordings``);
* ``names``: per merged entity, the names and descriptions each outlet gives
  it (``EntityNames``);
* ``flags``: every loaded stretch found (``LoadedWords``), in article order;
  ``method`` and ``threshold`` say how they were scored.

See :mod:`newsprism.framing.loaded` for how a flag is scored: a seed lexicon,
structural cues that need none, and a bonus for words an outlet chose where
the story's other outlets, reporting the same fact, chose different ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from newsprism.model import Article, Claim, Entity, Framing

if TYPE_CHECKING:
    from newsprism.nlp import NLP

__all__ = ["compare_framing"]

REWORDED_BONUS = 0.2
UNIQUE_BONUS = 0.1
MAX_CLAIMS = 50


def compare_framing(
    articles: list[Article],
    claims: list[Claim],
    entities: list[Entity],
    nlp: NLP,
    *,
    outlet_of: Callable[[Article], str] = lambda a: a.label,
) -> Framing:
    """Wording differences between the outlets of one story (``Brief.framing``)."""
    from newsprism.framing.lexicon import seed_lexicon
    from newsprism.framing.loaded import THRESHOLD, find_loaded
    from newsprism.framing.naming import entity_names
    from newsprism.framing.profile import outlet_profiles
    from newsprism.framing.wording import (
        claim_wordings,
        contrast_claims,
        parallel_bonus,
        substitution_bonus,
    )

    lexicon = seed_lexicon()
    docs = dict(zip((a.id for a in articles), nlp.docs(articles), strict=True))
    by_id = {a.id: a for a in articles}
    contrasts = contrast_claims(claims, by_id, docs, outlet_of)
    bonus = _unique_bonus(articles, docs, outlet_of)
    for extra in (parallel_bonus(articles, docs, outlet_of, REWORDED_BONUS), substitution_bonus(contrasts, REWORDED_BONUS)):
        for article_id, lemmas in extra.items():
            bonus.setdefault(article_id, {}).update(lemmas)
    # No exception is expected here (our own rules over our own parse): one is a bug, and is not hidden.
    flags = {a.id: find_loaded(a, docs[a.id], lexicon, bonus.get(a.id)) for a in articles}
    words = {a.id: sum(1 for t in docs[a.id] if t.is_alpha) for a in articles}
    return Framing(
        method="seed-lexicon+structure+contrast",
        threshold=THRESHOLD,
        outlets=outlet_profiles(articles, flags, words, outlet_of),
        claims=claim_wordings(contrasts, flags, MAX_CLAIMS),
        names=entity_names(entities, articles, docs, outlet_of),
        flags=[f.record() for a in articles for f in flags[a.id]],
    )


def _unique_bonus(articles: list[Article], docs: dict, outlet_of: Callable[[Article], str]) -> dict[str, dict[str, tuple[float, str]]]:
    """article id -> lemma -> bonus, for words no other outlet of the story uses."""
    lemmas_by_outlet: dict[str, set[str]] = {}
    for a in articles:
        lemmas_by_outlet.setdefault(outlet_of(a), set()).update(t.lemma_.lower() for t in docs[a.id] if t.is_alpha)
    if len(lemmas_by_outlet) < 2:
        return {}
    out = {}
    for a in articles:
        mine = outlet_of(a)
        others = set().union(*(s for o, s in lemmas_by_outlet.items() if o != mine))
        out[a.id] = dict.fromkeys(lemmas_by_outlet[mine] - others, (UNIQUE_BONUS, "only-this-outlet"))
    return out
