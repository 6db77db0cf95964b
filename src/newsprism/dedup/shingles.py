"""Word shingles of an article's body, hashed to stable 32-bit integers.

Hashes must be the same in every process (a saved ``CopyIndex`` is reloaded
elsewhere), so words are hashed with CRC-32, never with Python's ``hash``.
"""

from __future__ import annotations

import re
import zlib
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
    return np.fromiter(map(table.__getitem__, words), dtype=np.uint64, count=len(words))


def shingle_hashes(text: str) -> "np.ndarray":
    """Sorted unique 32-bit hashes of the text's overlapping word 5-grams.

    A text shorter than one shingle yields one shingle over all its words.
    """
    import numpy as np

    w = word_hashes(text)
    if len(w) == 0:
        return np.empty(0, dtype=np.uint32)
    n = max(1, len(w) - SHINGLE + 1)
    acc = np.zeros(n, dtype=np.uint64)
    for k in range(min(SHINGLE, len(w))):
        acc = (acc * np.uint64(_MIX[k]) + w[k : k + n]) & np.uint64(0xFFFFFFFF)
    acc ^= acc >> np.uint64(15)
    acc = (acc * np.uint64(0x2C1B3C6D)) & np.uint64(0xFFFFFFFF)
    acc ^= acc >> np.uint64(12)
    return np.unique(acc.astype(np.uint32))


def sample(shingles: "np.ndarray") -> tuple["np.ndarray", bool]:
    """The fixed 1-in-SAMPLE_MOD sample used to measure containment, and
    whether it is sampled (short texts keep every shingle).

    A mod-sample keeps the same shingles whatever else the text holds, so
    |A ∩ B| / |A| on samples estimates containment without bias, where a
    MinHash signature would only estimate Jaccard.
    """
    if len(shingles) < FULL_BELOW:
        return shingles, False
    return shingles[shingles % SAMPLE_MOD == 0], True


def overlap(a: "np.ndarray", a_sampled: bool, b: "np.ndarray", b_sampled: bool) -> tuple[float, float]:
    """Shared shingles, and their share of the smaller text's.

    Two full sets are compared exactly; otherwise the full one is sampled the
    same way first. The count is on the sampled scale either way, so one
    absolute floor fits every pair.
    """
    import numpy as np

    scale = 1.0
    if a_sampled != b_sampled:
        a = a if a_sampled else a[a % SAMPLE_MOD == 0]
        b = b if b_sampled else b[b % SAMPLE_MOD == 0]
    elif not a_sampled:
        scale = 1.0 / SAMPLE_MOD
    small = min(len(a), len(b))
    if small == 0:
        return 0.0, 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared * scale, shared / small
