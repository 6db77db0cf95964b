"""Numeric arrays in JSON state files, as base64 of their little-endian bytes.

The state of a large corpus holds tens of millions of numbers (vectors,
fingerprints); written as JSON lists they took most of the time to save and
load, and most of the file. A state saved with plain lists still loads.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def encode(a: "np.ndarray", dtype: str) -> str:
    import numpy as np

    return base64.b64encode(np.ascontiguousarray(a, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()).decode("ascii")


def decode(value: "str | list", dtype: str) -> "np.ndarray":
    """An array saved by ``encode`` (or as a list, by earlier versions), in the native byte order."""
    import numpy as np

    if isinstance(value, str):
        return np.frombuffer(binascii.a2b_base64(value), dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)
    return np.asarray(value, dtype=dtype)
