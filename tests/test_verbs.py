"""The one lexicon of speech and reporting verbs (``newsprism.verbs``)."""

from __future__ import annotations

import pytest

from newsprism import verbs as V


@pytest.mark.parametrize("lemma,act", [("say", "speech"), ("write", "speech"), ("deny", "speech"), ("think", "belief"),
                                       ("agree", "belief"), ("want", "intention"), ("urge", "intention"),
                                       ("vow", "intention"), ("show", "finding"), ("conclude", "finding")])
def test_each_verb_has_its_act(lemma: str, act: str) -> None:
    assert V.act_of(lemma) == act
    assert V.act_of(lemma.upper()) == act


def test_unknown_words_have_no_act() -> None:
    assert V.act_of("distance") is None
    assert V.act_of("") is None


def test_derived_sets() -> None:
    # A pledge is said; a wish is not.
    assert {"say", "ask", "vow", "wonder"} <= V.SAID and not {"want", "think", "show"} & V.SAID
    assert {"say", "tell", "add", "report", "state", "write", "note"} == V.PLAIN
    assert "insist" not in V.UNLOADED and {"say", "think", "highlight"} <= V.UNLOADED
    assert {"report", "cite", "quote", "claim"} <= V.RELAYS and "deny" not in V.RELAYS
    assert set(V.ACTS) == {v.act for v in V.VERBS.values()}


def test_a_lemma_is_listed_once() -> None:
    with pytest.raises(ValueError, match="twice"):
        V._parse("speech said plain: say\nbelief - neutral: say")
    with pytest.raises(ValueError, match="bad kind"):
        V._parse("speech said loud: shout")


@pytest.mark.parametrize("lemma,forms", [
    ("say", {"say", "says", "said", "saying"}),
    ("write", {"write", "writes", "wrote", "written", "writing"}),
    ("deny", {"deny", "denies", "denied", "denying"}),
    ("note", {"note", "notes", "noted", "noting"}),
    ("stress", {"stress", "stresses", "stressed", "stressing"}),
    ("quip", {"quip", "quips", "quipped", "quipping"}),
    ("agree", {"agree", "agrees", "agreed", "agreeing"}),
])
def test_forms(lemma: str, forms: set[str]) -> None:
    assert V.forms(lemma) == forms
