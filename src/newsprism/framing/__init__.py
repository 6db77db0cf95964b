"""Framing: how each outlet words the same story.

:func:`compare_framing` fills ``Brief.framing`` with this JSON shape (every
piece of evidence is a character span into an article's text)::

    {
      "method": "seed-lexicon+structure+contrast",
      "threshold": 0.6,               # flag score cut-off, see framing.loaded
      "outlets": [                    # one profile per outlet, most loaded first
        {"outlet", "articles": [ids], "words", "loaded", "quoted",
         "rate", "others_rate", "score", "categories": {category: n},
         "distinctive": [lemmas], "examples": [flag, ...]}
      ],
      "claims": [                     # aligned claims two or more outlets word differently
        {"claim": claim id, "text", "loaded": n, "overlap": share of content words the wordings share,
         "wordings": [{"outlet", "article", "start", "end", "text", "overlap",
                       "distinct": [{"start", "end", "text", "loaded": bool}]}]}
      ],
      "names": [                      # per merged entity, what each outlet calls it
        {"entity": entity id, "name", "label", "differs": bool,
         "outlets": [{"outlet", "names": [{"text", "kind": "name"|"descriptor",
                                           "count", "evidence": [{"article", "start", "end"}]}]}]}
      ],
      "flags": [                      # every loaded stretch found, in article order
        {"article", "start", "end", "text", "lemma", "category", "score",
         "reasons": [..], "quoted": bool}
      ]
    }

See :mod:`newsprism.framing.loaded` for how a flag is scored: a seed lexicon,
structural cues that need none, and a bonus for words an outlet chose where
the story's other outlets, reporting the same fact, chose different ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from newsprism.model import Article, Claim, Entity

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
) -> dict[str, Any]:
    """Wording differences between the outlets of one story (the ``Brief.framing`` dict)."""
    from newsprism.framing.lexicon import seed_lexicon
    from newsprism.framing.loaded import THRESHOLD, find_loaded
    from newsprism.framing.naming import entity_names
    from newsprism.framing.profile import outlet_profiles
    from newsprism.framing.wording import (
        contrast_claims,
        parallel_bonus,
        substitution_bonus,
        wordings_json,
    )

    lexicon = seed_lexicon()
    docs = dict(zip((a.id for a in articles), nlp.docs(articles), strict=True))
    by_id = {a.id: a for a in articles}
    contrasts = contrast_claims(claims, by_id, docs, outlet_of)
    bonus = _unique_bonus(articles, docs, outlet_of)
    for extra in (parallel_bonus(articles, docs, outlet_of, REWORDED_BONUS), substitution_bonus(contrasts, REWORDED_BONUS)):
        for article_id, lemmas in extra.items():
            bonus.setdefault(article_id, {}).update(lemmas)
    flags = {}
    for a in articles:
        try:
            flags[a.id] = find_loaded(a, docs[a.id], lexicon, bonus.get(a.id))
        except Exception:  # noqa: BLE001 - one odd article must not sink the story's framing
            flags[a.id] = []
    words = {a.id: sum(1 for t in docs[a.id] if t.is_alpha) for a in articles}
    return {
        "method": "seed-lexicon+structure+contrast",
        "threshold": THRESHOLD,
        "outlets": outlet_profiles(articles, flags, words, outlet_of),
        "claims": wordings_json(contrasts, flags, MAX_CLAIMS),
        "names": entity_names(entities, articles, docs, outlet_of),
        "flags": [f.as_dict() for a in articles for f in flags[a.id]],
    }


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
