"""MinHash signatures and their LSH band index, vectorised with numpy.

Signatures are bit-for-bit those of datasketch 2's ``MinHash(scheme="affine32",
hashfunc=int)`` with the same seed, so indexes saved by versions that used
datasketch load and match unchanged; computing them here costs one numpy
pass per article instead of datasketch's per-value Python hashing, and spares
the command datasketch's import (it pulls in scipy).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np

_EMPTY = 0xFFFFFFFF  # the signature of an empty set: no value has been seen


@functools.cache  # drawn once per process; read-only, so every caller sees the same values
def permutations(num_perm: int, seed: int) -> "np.ndarray":
    """The affine permutations (a odd, b) as datasketch draws them: uint32[2, num_perm]."""
    import numpy as np

    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    perms = np.array([a, b])
    perms.setflags(write=False)
    return perms


def signatures(values: "np.ndarray", bounds: "np.ndarray | Sequence[int]", perms: "np.ndarray") -> "np.ndarray":
    """MinHash of many sets of uint32 values (set k is ``values[bounds[k]:bounds[k + 1]]``):
    uint32[sets, num_perm], per permutation the minimum of a * fmix32(v) + b mod 2^32."""
    import numpy as np

    sizes = np.diff(bounds)
    out = np.full((len(sizes), perms.shape[1]), _EMPTY, dtype=np.uint32)
    some = sizes > 0
    if not some.any():
        return out
    # MurmurHash3's finalizer spreads the inputs first; uint32 wraparound is the modulo.
    hv = values.astype(np.uint32)
    hv ^= hv >> np.uint32(16)
    hv *= np.uint32(0x85EBCA6B)
    hv ^= hv >> np.uint32(13)
    hv *= np.uint32(0xC2B2AE35)
    hv ^= hv >> np.uint32(16)
    # Empty sets dropped, each start's segment runs to the next set's start.
    starts = np.asarray(bounds[:-1])[some]
    for j, (a, b) in enumerate(perms.T):
        out[some, j] = np.minimum.reduceat(hv * a + b, starts)
    return out


class BandIndex:
    """LSH over signatures cut into ``bands`` bands of two values: two keys
    (article numbers) are candidates when any band of their signatures is equal.

    A band is read as one uint64 (its two uint32 values side by side). Keys
    sit in sorted runs, a numpy array of band values and one of keys per
    band (12 bytes a key and band), merged as a log-structured tree keeps
    them: a run is merged into the one before it once it has grown as large,
    so there are about log2(n / ``flush_at``) runs. The latest keys wait in a
    small dict per band until ``flush_at`` of them have come. Sixteen dicts
    of every key cost about 1.1 KB an article, these about 200 bytes.

    ``query_many`` looks a batch of signatures up in the runs in a few numpy
    calls per run; ``query_recent`` then looks each up in the dicts, which
    hold what came since (a batch's own earlier articles too): the two
    together are ``query``.
    """

    def __init__(self, bands: int, flush_at: int = 4096, most_recent: int | None = None) -> None:
        self.bands = bands
        self.flush_at = flush_at
        # At most this many keys of one band value (the latest) in an answer: a few thousand
        # near-identical articles (a template, a wire story printed everywhere) share band
        # values, and every one of them proposed every other, a cost that grew with the square.
        self.most_recent = most_recent
        self._recent: list[dict[int, int | list[int]]] = [{} for _ in range(bands)]
        self._n_recent = 0
        self._first_recent = 0  # the smallest recent key
        self._runs: list[tuple["np.ndarray", "np.ndarray"]] = []  # (values, keys), each bands x n, sorted per band

    def _bands(self, sigs: "np.ndarray") -> "np.ndarray":
        import numpy as np

        return np.ascontiguousarray(np.atleast_2d(sigs)[:, : 2 * self.bands], dtype=np.uint32).view(np.uint64)

    def insert(self, key: int, sig: "np.ndarray") -> None:
        """Add a key; it is in ``query_recent``'s answers from now on."""
        for table, band in zip(self._recent, self._bands(sig)[0].tolist()):
            held = table.get(band)
            if held is None:
                table[band] = key
            elif isinstance(held, int):
                table[band] = [held, key]
            else:
                held.append(key)
        if not self._n_recent:
            self._first_recent = key
        self._first_recent = min(self._first_recent, key)
        self._n_recent += 1

    def flush(self, force: bool = False) -> None:
        """Move the recent keys into a run once there are ``flush_at`` of them (or now)."""
        import numpy as np

        if not self._n_recent or (self._n_recent < self.flush_at and not force):
            return
        values, keys = [], []
        for table in self._recent:
            band_values, band_keys = [], []
            for band, held in table.items():
                if isinstance(held, int):
                    band_values.append(band)
                    band_keys.append(held)
                else:
                    band_values += [band] * len(held)
                    band_keys += held
            values.append(band_values)
            keys.append(band_keys)
        self._add_run(np.array(values, dtype=np.uint64), np.array(keys, dtype=np.int32))
        self._recent = [{} for _ in range(self.bands)]
        self._n_recent = 0

    def insert_many(self, keys: list[int], sigs: "np.ndarray") -> None:
        """Add many keys at once, straight into a run (a loaded index)."""
        import numpy as np

        if keys:
            self.flush(force=True)
            bands = self._bands(sigs).T  # bands x n
            self._add_run(np.ascontiguousarray(bands), np.tile(np.asarray(keys, dtype=np.int32), (self.bands, 1)))

    def _add_run(self, values: "np.ndarray", keys: "np.ndarray") -> None:
        import numpy as np

        while self._runs and self._runs[-1][0].shape[1] <= values.shape[1]:
            older = self._runs.pop()
            values, keys = np.concatenate([older[0], values], axis=1), np.concatenate([older[1], keys], axis=1)
        order = np.argsort(values, axis=1, kind="stable")
        self._runs.append((np.take_along_axis(values, order, axis=1), np.take_along_axis(keys, order, axis=1)))

    def drop(self, keys: Sequence[int], sigs: "np.ndarray") -> None:
        """Forget keys, given their signatures (one row each): no answer gives them
        any more, and they hold no memory."""
        import numpy as np

        if not len(keys):
            return
        keys_arr = np.asarray(keys, dtype=np.int32)
        gone = np.unique(keys_arr)
        runs = []
        for values, held in self._runs:
            kept = ~np.isin(held, gone)
            if kept.all():
                runs.append((values, held))
                continue
            # Every band of a run holds the same keys: one count a band.
            n = int(kept[0].sum())
            values, held = values[kept].reshape(self.bands, n), held[kept].reshape(self.bands, n)
            if n:
                runs.append((values, held))
        self._runs = runs
        recent = np.flatnonzero(keys_arr >= self._first_recent)
        if not self._n_recent or not len(recent):  # the recent keys are the latest: seldom any forgotten
            return
        for key, bands in zip(keys_arr[recent].tolist(), self._bands(sigs[recent]).tolist()):
            for table, band in zip(self._recent, bands):
                waiting = table.get(band)
                if waiting == key:
                    del table[band]
                elif isinstance(waiting, list) and key in waiting:
                    waiting.remove(key)
                    if len(waiting) == 1:
                        table[band] = waiting[0]

    @property
    def n_keys(self) -> int:
        """How many keys the index holds (each in every band)."""
        recent = self._recent[0].values() if self._recent else ()  # each key is once in every band
        return sum(held.shape[1] for _, held in self._runs) + sum(1 if isinstance(v, int) else len(v) for v in recent)

    def query_many(self, sigs: "np.ndarray") -> list[set[int]]:
        """For each signature, the keys in the runs that share a band with it."""
        return [set(hits) for hits in self.hits_many(sigs)]

    def hits_many(self, sigs: "np.ndarray") -> list[dict[int, int]]:
        """For each signature, the keys in the runs that share a band with it, with
        how many bands each shares. A band value gives its ``most_recent`` latest
        keys over all the runs (the newest run first): per run, a corpus of
        near-identical articles had every run add its own latest, and the
        candidates grew with the number of runs."""
        import numpy as np

        bands = self._bands(sigs)
        queries, found_keys = [], []  # every (signature, key) of a shared band, counted at the end in numpy
        quota = None if self.most_recent is None else np.full(bands.shape, self.most_recent, dtype=np.int64)
        for values, keys in reversed(self._runs):
            for b in range(self.bands):
                q = bands[:, b]
                lo = np.searchsorted(values[b], q, "left")
                counts = np.searchsorted(values[b], q, "right") - lo
                if quota is not None:
                    counts = np.minimum(counts, quota[:, b])
                    quota[:, b] -= counts
                hit = np.flatnonzero(counts)
                if not len(hit):
                    continue
                n = counts[hit]
                # The last keys of an equal run are the latest (stable sort).
                lo = np.searchsorted(values[b], q[hit], "right") - n
                at = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
                queries.append(np.repeat(hit, n))
                found_keys.append(keys[b][at])
        found: list[dict[int, int]] = [{} for _ in range(len(bands))]
        if queries:
            pairs, counts = np.unique(np.concatenate(queries).astype(np.int64) << 32 | np.concatenate(found_keys), return_counts=True)
            bounds = np.searchsorted(pairs >> 32, np.arange(len(bands) + 1)).tolist()
            keys_found, counted = (pairs & 0xFFFFFFFF).tolist(), counts.tolist()
            for k in range(len(bands)):
                found[k] = dict(zip(keys_found[bounds[k] : bounds[k + 1]], counted[bounds[k] : bounds[k + 1]]))
        return found

    def query_recent(self, sig: "np.ndarray") -> set[int]:
        """The recent keys (not yet in a run) that share a band with the signature."""
        return set(self.hits_recent(sig))

    def hits_recent(self, sig: "np.ndarray") -> dict[int, int]:
        """``query_recent`` with how many bands each key shares."""
        found: dict[int, int] = {}
        for table, band in zip(self._recent, self._bands(sig)[0].tolist()):
            held = table.get(band)
            if held is None:
                continue
            for key in [held] if isinstance(held, int) else held if self.most_recent is None else held[-self.most_recent :]:
                found[key] = found.get(key, 0) + 1
        return found

    def query(self, sig: "np.ndarray") -> set[int]:
        return self.query_many(sig)[0] | self.query_recent(sig)
