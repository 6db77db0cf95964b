"""The attribution model's content candidates and features, on invented sentences (fast; one parse per sentence)."""

from __future__ import annotations

import pytest

from newsprism.model import Article
from newsprism.quotes import attribution as A


@pytest.fixture(scope="module")
def nlp():
    from newsprism.nlp import NLP

    return NLP()


def _candidates(nlp, text: str, cue: str) -> dict[str, str]:
    doc = nlp.doc(Article(id="t", text=text))
    ctx = A.DocContext.build(doc, [])
    tok = next(t for t in doc if t.text == cue)
    return {c.kind: text[c.span.start : c.span.end] for c in A.content_candidates(tok, ctx)}


def test_clause_complement_is_offered_whole_and_cut_before_a_coordinated_action(nlp) -> None:
    kinds = _candidates(nlp, "She said the party was fine, and urged calm.", "said")
    assert kinds.get("c:ccomp/core") == "the party was fine"
    assert kinds.get("c:ccomp") == "the party was fine, and urged calm"


def test_according_to_offers_the_clause_without_the_source(nlp) -> None:
    kinds = _candidates(nlp, "According to the survey, most drivers want wider roads.", "According")
    clause = next(v for k, v in kinds.items() if k.startswith("clause:"))
    assert "most drivers want wider roads" in clause
    assert "survey" not in clause


def test_cue_features_cross_the_lemma_with_its_clause(nlp) -> None:
    doc = nlp.doc(Article(id="t", text="The teacher said that the test was easy."))
    feats = A.cue_features(next(t for t in doc if t.text == "said"), A.DocContext.build(doc, []))
    assert "l=say" in feats and "l,that=say" in feats and "l,c=say,ccomp" in feats
