"""Word shingles of an article's body, hashed to stable 32-bit integers.

Hashes must be the same in every process (a saved ``CopyIndex`` is reloaded
elsewhere), so words are hashed with CRC-32, never with Python's ``hash``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from newsprism.model import Article

if TYPE_CHECKING:
    import numpy as np

SHINGLE = 5  # words per shingle: long enough that two different reports rarely share one
FULL_BELOW = 200  # texts with fewer shingles keep them all: a sample of a short text is too noisy
SAMPLE_MOD = 4  # keep the shingles whose hash is 0 mod this: a fixed sample, stable under trims
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
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


def word_hashes(text: str) -> "np.ndarray":
    import numpy as np

    words = _WORD.findall(text.lower())
    # Hash each distinct word once: a text repeats most of its words.
    table = {w: zlib.crc32(w.encode()) for w in set(words)}
    return np.fromiter(map(table.__getitem__, words), dtype=np.uint32, count=len(words))


def shingle_hashes(text: str) -> "np.ndarray":
    """Sorted unique 32-bit hashes of the text's overlapping word 5-grams.

    A text shorter than one shingle yields one shingle over all its words.
    """
    import numpy as np

    w = word_hashes(text)
    if len(w) == 0:
        return np.empty(0, dtype=np.uint32)
    n = max(1, len(w) - SHINGLE + 1)
    # uint32 arithmetic wraps, which is the modulo 2^32 of the hash.
    acc = w[:n].copy()
    for k in range(1, min(SHINGLE, len(w))):
        acc *= np.uint32(_MIX[k])
        acc += w[k : k + n]
    acc ^= acc >> np.uint32(15)
    acc *= np.uint32(0x2C1B3C6D)
    acc ^= acc >> np.uint32(12)
    acc.sort()
    # np.unique's own bookkeeping costs as much as the sort on texts this short.
    first = np.empty(len(acc), dtype=bool)
    first[0] = True
    np.not_equal(acc[1:], acc[:-1], out=first[1:])
    return acc[first]


def sample(shingles: "np.ndarray") -> tuple["np.ndarray", bool]:
    """The fixed 1-in-SAMPLE_MOD sample used to measure containment, and
    whether it is sampled (short texts keep every shingle).

    A mod-sample keeps the same shingles whatever else the text holds, so
    |A ∩ B| / |A| on samples estimates containment without bias, where a
    MinHash signature would only estimate Jaccard.
    """
    if len(shingles) < FULL_BELOW:
        return shingles, False
    return _sampled(shingles), True


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
    counts = np.zeros(n, dtype=np.int64)
    small = np.zeros(n, dtype=np.int64)
    scale = np.ones(n)
    for both_full in (True, False):
        rows = [k for k, (_, b_sampled) in enumerate(others) if (not a_sampled and not b_sampled) == both_full]
        if not rows:
            continue
        mine = a if both_full or a_sampled else _sampled(a)
        theirs = [b if both_full or b_sampled else _sampled(b) for b, b_sampled in (others[k] for k in rows)]
        sizes = np.fromiter(map(len, theirs), dtype=np.int64, count=len(rows))
        small[rows] = np.minimum(sizes, len(mine))
        if both_full:
            scale[rows] = 1.0 / SAMPLE_MOD
        if len(mine) and sizes.any():
            flat = np.concatenate(theirs)
            pos = np.searchsorted(mine, flat)
            pos[pos == len(mine)] = 0
            hit = mine[pos] == flat
            counts[rows] = np.bincount(np.repeat(np.arange(len(rows)), sizes)[hit], minlength=len(rows))
    some = small > 0
    share = np.zeros(n)
    share[some] = counts[some] / small[some]
    return np.where(some, counts * scale, 0.0), share


def _sampled(shingles: "np.ndarray") -> "np.ndarray":
    return shingles[shingles % SAMPLE_MOD == 0]
