"""The faster rule components (``spacy_rules``) annotate exactly as spaCy's own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import EXAMPLE, shared_path

# Every kind of pattern the English attribute ruler holds: REGEX and two-token ones
# (ain't, y'all, nothin', gonna, gotta, let's, c'mon), IN and NOT_IN, DEP, spaces.
CRAFTED = [
    "Y'all ain't gonna believe it, but nothin' changed. Let's go, c'mon, we gotta leave.",
    "It isn't what I'd said: there's no way they've done it, and I'm sure you're wrong.\n\n  \tShe gets it.",
    "Whether or not it rains, that which is done is done; those who did it will say so.",
    "",
    " ",
    "\n",
    "OK",
]


@pytest.fixture(scope="module")
def pipelines():  # type: ignore[no-untyped-def]
    from newsprism.nlp import NLP, import_spacy

    spacy = import_spacy()
    fast = NLP().language
    plain = spacy.load(NLP().model)
    plain.add_pipe("newsprism_line_breaks", before="parser")
    assert plain.pipe_names == fast.pipe_names
    return plain, fast


def _texts() -> list[str]:
    texts = list(CRAFTED)
    texts += [p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.iterdir()) if p.is_file()]
    return texts


def test_the_fast_components_are_in_place(pipelines) -> None:  # type: ignore[no-untyped-def]
    plain, fast = pipelines
    assert type(fast.get_pipe("attribute_ruler")).__name__ == "QuickAttributeRuler"
    index = fast.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert index and all(isinstance(words, frozenset) for words in index.values())
    ruler, quick = plain.get_pipe("attribute_ruler"), fast.get_pipe("attribute_ruler")
    assert quick.attrs == ruler.attrs and quick.indices == ruler.indices
    assert quick.patterns == ruler.patterns


def _same_parses(plain, fast, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, SENT_START, TAG

    ruler, quick = plain.get_pipe("attribute_ruler"), fast.get_pipe("attribute_ruler")
    with plain.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
        before = list(plain.pipe(texts))
    n_matches = 0
    for doc in before:
        expected = ruler.match(doc)
        n_matches += len(expected)
        assert sorted(set(quick.match(doc))) == sorted(set(expected))
    assert n_matches > 0
    cols = [ORTH, LOWER, TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START, IS_SPACE]
    for a, b in zip(plain.pipe(texts), fast.pipe(texts), strict=True):
        assert np.array_equal(a.to_array(cols), b.to_array(cols))
        assert [t.lemma_ for t in a] == [t.lemma_ for t in b]
        assert [str(t.morph) for t in a] == [str(t.morph) for t in b]
        assert a.to_bytes() == b.to_bytes()


def test_the_same_annotations_as_spacy(pipelines) -> None:  # type: ignore[no-untyped-def]
    plain, fast = pipelines
    _same_parses(plain, fast, _texts())


def test_the_same_annotations_on_the_seeds(pipelines) -> None:  # type: ignore[no-untyped-def]
    plain, fast = pipelines
    seeds = shared_path("corpora", "seeds")
    _same_parses(plain, fast, [p.read_text(encoding="utf-8") for p in sorted(Path(seeds).iterdir())])


def test_a_pipeline_without_the_components_is_left_alone() -> None:
    from newsprism.nlp import NLP, import_spacy
    from newsprism.spacy_rules import speed_up

    nlp = import_spacy().load(NLP().model, exclude=["attribute_ruler", "lemmatizer"])
    names = list(nlp.pipe_names)
    speed_up(nlp)
    assert nlp.pipe_names == names
