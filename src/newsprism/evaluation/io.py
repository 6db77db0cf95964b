"""Reading gold and prediction files: JSON objects, one a line, each bad line named."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsprism.errors import EvalError, InputError
from newsprism.model import Problem


def read_jsonl(
    path: str | Path, skipped: list[Problem] | None = None, *, need_id: bool = False, fields: tuple[str, ...] = ()
) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSONL file (with a string ``id`` each, if ``need_id``, and
    each of ``fields``).

    A line that is no such object is a ``Problem`` naming the file and the line
    (``bad-json``, ``no-id``, ``no-field``), added to ``skipped``, and reading goes on, as for
    article input: the first few of each kind, then one counting the rest. Without
    ``skipped`` a bad line is fatal (``EvalError``): a script's gold must be whole."""
    from newsprism.ingest import Limits

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():  # was an internal error (IsADirectoryError), exit 70
        raise InputError(f"{path}: a folder, not a JSONL file")
    shown = Limits().warnings_per_reason
    counts: Counter[str] = Counter()
    try:
        f = path.open(encoding="utf-8", errors="replace")
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror})") from e
    with f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                bad = None if isinstance(row, dict) else ("bad-json", "not a JSON object")
            except RecursionError:
                bad = ("bad-json", "not JSON (nested too deep)")
            except ValueError as e:  # a syntax error, or a number of over 4,300 digits
                bad = ("bad-json", f"not JSON ({e.msg if isinstance(e, json.JSONDecodeError) else str(e).split(';')[0]})")
            if bad is None and need_id and not isinstance(row.get("id"), str):
                bad = ("no-id", "no \"id\" string")
            if bad is None and (missing := [f for f in fields if f not in row]):
                bad = ("no-field", f"no \"{missing[0]}\"")
            if bad is None:
                yield row
                continue
            if skipped is None:
                raise EvalError(f"{path}:{n}: {bad[1]}")
            counts[bad[0]] += 1
            if counts[bad[0]] <= shown:
                skipped.append(Problem(str(path), bad[0], bad[1], line=n))
    for reason, n in sorted(counts.items()):
        if n > shown and skipped is not None:
            skipped.append(Problem(str(path), reason, f"{n - shown:,} more like the above in this file", count=n - shown))


def read_records(path: Path, skipped: list[Problem] | None = None) -> list[dict[str, Any]]:
    """The records of a JSONL file of documents or predictions, each with a string id."""
    return list(read_jsonl(path, skipped, need_id=True))
