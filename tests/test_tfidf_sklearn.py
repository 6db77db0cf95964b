"""claims.text.tfidf gives scikit-learn's TfidfVectorizer rows bit for bit (the alignment's
lexical similarity, and so the briefs, must not move by one ulp), without importing it."""

import random
import subprocess
import sys

import numpy as np
import pytest

from newsprism.claims.text import tfidf

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")


def _docs(rng: random.Random) -> list[list[str]]:
    words = [f"w{i}" for i in range(200)] + ["défen", "Zebra", "aa", "a", "", "ñ", "b"]
    return [
        [rng.choice(words[: rng.randint(2, len(words))]) for _ in range(rng.randint(0, 25))]
        for _ in range(rng.randint(1, 40))
    ]


def test_tfidf_is_sklearns_bit_for_bit() -> None:
    rng = random.Random(7)
    checked = 0
    for _ in range(400):
        docs = _docs(rng)
        if not any(docs):
            continue
        ref = sklearn_text.TfidfVectorizer(analyzer=list, sublinear_tf=True).fit_transform(docs)
        got = tfidf(docs)
        assert type(got) is type(ref) and got.shape == ref.shape
        assert np.array_equal(got.indptr, ref.indptr) and np.array_equal(got.indices, ref.indices)
        assert got.indices.dtype == ref.indices.dtype and got.data.dtype == ref.data.dtype
        assert got.data.tobytes() == ref.data.tobytes()
        assert got.has_sorted_indices == ref.has_sorted_indices
        assert (got @ got.T).toarray().tobytes() == (ref @ ref.T).toarray().tobytes()  # as claims.text uses them
        checked += 1
    assert checked > 300


def test_tfidf_of_no_words() -> None:
    assert tfidf([[], []]).shape == (2, 0)  # scikit-learn raises on an empty vocabulary


def test_the_briefs_workers_do_not_import_sklearn() -> None:
    """What the fork server preloads for every run's workers stays clear of scikit-learn."""
    code = "import sys, newsprism.preload; print(sorted(m for m in ('sklearn', 'scipy.stats') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
