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


def signatures(values: "np.ndarray", bounds: "np.ndarray", perms: "np.ndarray") -> "np.ndarray":
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


def signature(values: "np.ndarray", perms: "np.ndarray") -> "np.ndarray":
    """The MinHash of one set of uint32 values (see ``signatures``)."""
    return signatures(values, [0, len(values)], perms)[0]


class BandIndex:
    """LSH over signatures cut into ``bands`` bands of two values: two keys
    are candidates when any band of their signatures is equal.

    A band is read as one uint64 (its two uint32 values side by side), so a
    bucket key is a plain int. Most buckets hold one key: it is stored bare,
    not in a list of its own (16 lists per article would cost some 100 MB at
    100,000 articles).
    """

    def __init__(self, bands: int) -> None:
        self.bands = bands
        self._tables: list[dict[int, str | list[str]]] = [{} for _ in range(bands)]

    def _keys(self, sig: "np.ndarray") -> list[int]:
        import numpy as np

        return np.ascontiguousarray(sig[: 2 * self.bands], dtype=np.uint32).view(np.uint64).tolist()

    def insert(self, key: str, sig: "np.ndarray") -> None:
        for table, band in zip(self._tables, self._keys(sig)):
            held = table.get(band)
            if held is None:
                table[band] = key
            elif isinstance(held, str):
                table[band] = [held, key]
            else:
                held.append(key)

    def insert_many(self, keys: list[str], sigs: "np.ndarray") -> None:
        """``insert`` of each key with its row of ``sigs``, in order, a table at a time."""
        import numpy as np

        bands = np.ascontiguousarray(sigs[:, : 2 * self.bands], dtype=np.uint32).view(np.uint64)
        for b, table in enumerate(self._tables):
            column = bands[:, b]
            order = np.argsort(column, kind="stable")  # stable: a bucket's keys stay in insertion order
            values = column[order]
            starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if len(values) else np.empty(0, dtype=np.int64)
            ends = np.r_[starts[1:], len(values)]
            ranked = [keys[k] for k in order.tolist()]
            for band, s, e in zip(values[starts].tolist(), starts.tolist(), ends.tolist()):
                held = table.get(band)
                if held is None and e - s == 1:
                    table[band] = ranked[s]
                elif held is None:
                    table[band] = ranked[s:e]
                elif isinstance(held, str):
                    table[band] = [held, *ranked[s:e]]
                else:
                    held.extend(ranked[s:e])

    def query(self, sig: "np.ndarray") -> set[str]:
        found: set[str] = set()
        for table, band in zip(self._tables, self._keys(sig)):
            held = table.get(band)
            if held is None:
                continue
            if isinstance(held, str):
                found.add(held)
            else:
                found.update(held)
        return found
