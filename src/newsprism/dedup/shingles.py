"""Word shingles of an article's body, hashed to stable 32-bit integers.

Hashes must be the same in every process (a saved ``CopyIndex`` is reloaded
elsewhere), so words are hashed with CRC-32, never with Python's ``hash``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING

from newsprism.model import Article

if TYPE_CHECKING:
    import numpy as np

SHINGLE = 5  # words per shingle: long enough that two different reports rarely share one
FULL_BELOW = 200  # texts with fewer shingles keep them all: a sample of a short text is too noisy
SAMPLE_MOD = 4  # keep the shingles whose hash is 0 mod this: a fixed sample, stable under trims
_WORD = re.compile(r"[^\W_]++(?:['’][^\W_]++)*+")  # possessive: the same words, without the regex trying shorter ones (2x faster)
_MIX = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F, 0x165667B1)
# A dateline paragraph is kept: the extract stage marks the whole lead paragraph
# that starts with "CITY —", and it is body text.
SKIPPED_KINDS = frozenset({"title", "subtitle", "byline", "note"})


def body_text(article: Article) -> str:
    """The body paragraphs when the extract stage marked them, else the whole text.

    Headlines, bylines and republication notes are what a syndicating
    outlet rewrites, so they would only hide a copy.
    """
    body = [article.text[p.start : p.end] for p in article.paragraphs if p.kind not in SKIPPED_KINDS]
    return "\n".join(body) if body else article.text


def shingle_sets(texts: Sequence[str]) -> tuple["np.ndarray", "np.ndarray"]:
    """Sorted unique 32-bit hashes of each text's overlapping word 5-grams:
    (all texts' hashes end to end, bounds); text k's are
    ``hashes[bounds[k]:bounds[k + 1]]``.

    A text shorter than one shingle yields one shingle over all its words.
    A batch of texts is hashed in one numpy pass: per text, the dozen small
    numpy calls would cost more than the hashing.
    """
    import numpy as np

    words = [_WORD.findall(t.lower()) for t in texts]
    flat = list(chain.from_iterable(words))
    # Hash each distinct word once: texts repeat most of their words, and each other's.
    table = {w: zlib.crc32(w.encode()) for w in set(flat)}
    w = np.fromiter(map(table.__getitem__, flat), dtype=np.uint32, count=len(flat))
    lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    n = np.where(lens > 0, np.maximum(1, lens - SHINGLE + 1), 0)  # shingles per text
    text_of = np.repeat(np.arange(len(texts), dtype=np.uint64), n)
    first_shingle = np.cumsum(n) - n
    pos = np.arange(len(text_of)) + np.repeat(np.cumsum(lens) - lens - first_shingle, n)
    last = np.repeat(np.minimum(SHINGLE, lens) - 1, n)  # a short text's one shingle stops at its end
    w = np.concatenate([w, np.zeros(SHINGLE, dtype=np.uint32)])
    # uint32 arithmetic wraps, which is the modulo 2^32 of the hash.
    acc = w[pos]
    for k in range(1, SHINGLE):
        step = acc * np.uint32(_MIX[k]) + w[pos + k]
        acc = np.where(last >= k, step, acc)
    acc ^= acc >> np.uint32(15)
    acc *= np.uint32(0x2C1B3C6D)
    acc ^= acc >> np.uint32(12)
    # One sort for the batch: each text's hashes, sorted, after the text's number.
    keyed = np.sort((text_of << np.uint64(32)) | acc.astype(np.uint64))
    first = np.empty(len(keyed), dtype=bool)
    first[:1] = True
    np.not_equal(keyed[1:], keyed[:-1], out=first[1:])
    keyed = keyed[first]
    counts = np.bincount((keyed >> np.uint64(32)).astype(np.int64), minlength=len(texts))
    return keyed.astype(np.uint32), np.concatenate([[0], np.cumsum(counts)])


def shingle_hashes(text: str) -> "np.ndarray":
    """``shingle_sets`` of one text."""
    return shingle_sets([text])[0]


def sample_sets(hashes: "np.ndarray", bounds: "np.ndarray") -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """The fixed 1-in-SAMPLE_MOD sample of each of many sets (``shingle_sets``)
    used to measure containment: (kept hashes, their bounds, whether each set
    is sampled). Short sets keep every shingle: a sample of a short text is
    too noisy.

    A mod-sample keeps the same shingles whatever else the text holds, so
    |A ∩ B| / |A| on samples estimates containment without bias, where a
    MinHash signature would only estimate Jaccard.
    """
    import numpy as np

    sizes = np.diff(bounds)
    sampled = sizes >= FULL_BELOW
    keep = ~np.repeat(sampled, sizes) | _in_sample(hashes)
    kept_sizes = np.bincount(np.repeat(np.arange(len(sizes)), sizes)[keep], minlength=len(sizes))
    return hashes[keep], np.concatenate([[0], np.cumsum(kept_sizes)]), sampled


def overlaps(a: "np.ndarray", a_sampled: bool, others: "Sequence[tuple[np.ndarray, bool]]") -> tuple["np.ndarray", "np.ndarray"]:
    """Shared shingles of ``a`` with each of many (set, sampled) pairs, and
    their share of the smaller set's: (shared, share) arrays.

    Two full sets are compared exactly; otherwise the full one is sampled the
    same way first. The count is on the sampled scale either way, so one
    absolute floor fits every pair. One binary search covers all the others'
    shingles, where pair by pair each cost its own handful of numpy calls.
    """
    import numpy as np

    n = len(others)
    sets = [b for b, _ in others]
    sizes = np.fromiter(map(len, sets), dtype=np.int64, count=n)
    b_sampled = np.fromiter((sampled for _, sampled in others), dtype=bool, count=n)
    owner = np.repeat(np.arange(n), sizes)
    flat = np.concatenate(sets) if n else np.empty(0, dtype=np.uint32)
    counts = np.zeros(n, dtype=np.int64)
    if len(a) and len(flat):
        pos = np.searchsorted(a, flat)
        pos[pos == len(a)] = 0
        # A sample holds sampled hashes only, so a full set meets it in sampled
        # hashes alone: the count is the same as after sampling the full one.
        counts = np.bincount(owner[a[pos] == flat], minlength=n)
    # The smaller set's size, each side as it is compared: sampled unless both are full.
    if a_sampled:
        small = np.minimum(len(a), np.where(b_sampled, sizes, np.bincount(owner[_in_sample(flat)], minlength=n)))
    else:
        small = np.minimum(sizes, np.where(b_sampled, np.count_nonzero(_in_sample(a)), len(a)))
    scale = np.where(b_sampled | a_sampled, 1.0, 1.0 / SAMPLE_MOD)
    some = small > 0
    share = np.zeros(n)
    share[some] = counts[some] / small[some]
    return np.where(some, counts * scale, 0.0), share


def _in_sample(shingles: "np.ndarray") -> "np.ndarray":
    return shingles % SAMPLE_MOD == 0

