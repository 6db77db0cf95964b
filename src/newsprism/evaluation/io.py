"""Reading gold and prediction files: JSON lines, strict, with the bad line named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsprism.errors import EvalError, InputError


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSONL file; unlike article input, a bad line here is fatal (gold must be whole)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as e:
                raise EvalError(f"{path}:{n}: not JSON ({e.msg})") from e


def read_records(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSONL file of documents or predictions, each of which must carry an id."""
    rows = list(read_jsonl(path))
    for n, r in enumerate(rows, 1):
        if not isinstance(r, dict) or "id" not in r:
            raise EvalError(f"{path}: record {n} has no id")
    return rows
