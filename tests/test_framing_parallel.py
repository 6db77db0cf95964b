"""The parallel-sentence bonus pairs sentences through a sparse product: the same
pairs as comparing every sentence with every other outlet's, one by one."""

from __future__ import annotations

import random

import pytest

from newsprism.framing import wording
from newsprism.framing.wording import _most_similar
from newsprism.model import Article


def _one_by_one(articles, sentences, outlet_of):  # type: ignore[no-untyped-def]
    """The all-pairs loop the product replaced (max() keeps the first of equal maxima)."""
    out = []
    for a in articles:
        others = [s for b in articles if outlet_of(b) != outlet_of(a) for s in sentences[b.id] if s]
        for lemmas in sentences[a.id]:
            if not lemmas:
                continue
            best = max(others, key=lambda o: len(lemmas & o) / len(lemmas | o), default=None)
            out.append((0.0, None) if best is None else (len(lemmas & best) / len(lemmas | best), best))
    return out


@pytest.mark.parametrize("cells", [wording.CELLS, 1, 300])
def test_the_product_finds_the_pairs_the_loop_found(cells: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """In one block, and in blocks of one row and of a few (a story larger than ``CELLS`` pairs)."""
    monkeypatch.setattr(wording, "CELLS", cells)
    rng = random.Random(7)
    words = [f"w{k}" for k in range(40)]  # few words: many ties and many equal sets
    for trial in range(30):
        articles = [Article(id=f"a{k}", text="") for k in range(rng.randint(1, 7))]
        outlets = {a.id: f"o{rng.randint(0, 2)}" for a in articles}
        sentences = {
            a.id: [set(rng.sample(words, rng.randint(0, 6))) for _ in range(rng.randint(0, 9))] for a in articles
        }
        outlet_of = outlets.__getitem__
        got = _most_similar(articles, sentences, lambda a, o=outlet_of: o(a.id))
        want = _one_by_one(articles, sentences, lambda a, o=outlet_of: o(a.id))
        assert [(s, o) for s, o in got] == want, trial
        # The very set the loop chose, not only an equal one: its words decide the bonus's order.
        assert all(g[1] is w[1] for g, w in zip(got, want, strict=True))
