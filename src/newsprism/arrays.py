"""Numeric arrays in saved states: in JSON state files as base64 of their
little-endian bytes (``encode``, ``decode``); in a database's state parts as
raw bytes behind a JSON header (``pack``, ``unpack``).

The state of a large corpus holds tens of millions of numbers (vectors,
fingerprints); written as JSON lists they took most of the time to save and
load, and most of the file. A state saved with plain lists still loads.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


def encode(a: "np.ndarray", dtype: str) -> str:
    import numpy as np

    return base64.b64encode(np.ascontiguousarray(a, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()).decode("ascii")


def decode(value: "str | list | np.ndarray", dtype: str) -> "np.ndarray":
    """An array saved by ``encode`` (or as a list, by earlier versions; or an array
    already, from ``unpack``), in the native byte order."""
    import numpy as np

    if isinstance(value, str):
        return np.frombuffer(binascii.a2b_base64(value), dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)
    return np.asarray(value, dtype=dtype)


_PACKED, _PACKED_RAW = b"NPA1", b"NPA0"


def pack(header: dict[str, Any], arrays: Mapping[str, "np.ndarray | None"], compress: bool = False) -> bytes:
    """A JSON-ready ``header`` and named arrays as one blob: the arrays'
    little-endian bytes end to end after a JSON line that says what they are
    (no base64, no pickle), zlib-compressed with ``compress`` (term weights and
    hashes hardly compress, and compressing them took more time than anything
    else in saving a batch). ``None`` stands for an array that is not there."""
    import numpy as np

    specs: list[list[Any]] = []
    chunks: list[bytes] = []
    for name, a in arrays.items():
        if a is None:
            specs.append([name, None, None])
            continue
        little = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<"))
        specs.append([name, a.dtype.str.lstrip("<>|="), list(a.shape)])
        chunks.append(little.tobytes())
    head = json.dumps({"h": header, "a": specs}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    raw = len(head).to_bytes(4, "little") + head + b"".join(chunks)
    return _PACKED + zlib.compress(raw, 1) if compress else _PACKED_RAW + raw


def unpack(blob: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """What ``pack`` packed (each array, or None where ``pack`` was given None); raises ValueError on anything else."""
    import numpy as np

    if blob.startswith(_PACKED_RAW):
        raw = blob[len(_PACKED_RAW) :]
    elif blob.startswith(_PACKED):
        try:
            raw = zlib.decompress(blob[len(_PACKED) :])
        except zlib.error as e:
            raise ValueError(f"a packed blob is damaged ({e})") from e
    else:
        raise ValueError("not a packed blob")
    size = int.from_bytes(raw[:4], "little")
    meta = json.loads(raw[4 : 4 + size])
    at = 4 + size
    arrays: dict[str, Any] = {}
    for name, dtype, shape in meta["a"]:
        if dtype is None:
            arrays[name] = None
            continue
        dt = np.dtype(dtype).newbyteorder("<")
        count = int(np.prod(shape, dtype=np.int64))
        end = at + count * dt.itemsize
        if end > len(raw):
            raise ValueError("a packed blob is truncated")
        arrays[name] = np.frombuffer(raw, dtype=dt, count=count, offset=at).astype(dtype).reshape(shape)
        at = end
    return meta["h"], arrays
