"""The clustering state as a database keeps it: in parts, of which a batch writes only what it changed.

A state file (``state``) is the copy index and the clusterer written whole,
which is right for a run that saves once at its end. A database saves the
state with every batch, in the batch's transaction; written whole, it cost
each batch time in proportion to the corpus (hundreds of MB at 100,000
articles). Here it is rows of ``(part, key, body)``, each body packed
(``arrays.pack``), of these parts:

* ``meta`` (key 0): the clusterer's settings (``state.clusterer_settings``)
  and how many of each thing the other parts hold; rewritten every batch;
* ``copies`` (key: the first entry's arrival number): the copy index's
  entries (``CopyIndex.segment``), a row per batch, never rewritten;
* ``terms`` (key: the first term id): the vocabulary, a row per batch;
* ``vectors`` (key: the first article's index): the articles' ids and
  vectors (``VectorStore.segment``), a row per batch;
* ``counts`` (key 0): the document frequencies at a checkpoint, and
  ``count-log`` (key: 0, 1, ...): each change of them since
  (``features.CountLog``). The faded counts change for every term with
  every batch, so a batch logs its change and a checkpoint rewrites them
  all only every ``CHECKPOINT_EVERY`` batches; loading replays the log to
  the same bits (``Featurizer.recount``);
* ``columns`` (key: chunk number): the stories table's per-article columns
  (``StoryTable.columns``) in chunks of ``CHUNK`` articles; a batch
  rewrites the chunks of its own articles and of the earlier articles
  whose story or hubness changed, found by comparing the columns with a
  copy of them as last saved (some 45 bytes an article: a few milliseconds
  at 100,000 articles);
* ``stories`` (key: the story's index): a row per story, rewritten when
  the story changed: it is new, or an article came into it or left it
  (every such change shows in the articles' columns: the story each article
  was in and is in now, and any story either merged into, are rewritten),
  or a member's hubness changed (its sums hold it), or it was spilled
  (``clusterer._spill``: its sums are dropped); and ``sums`` (the same
  keys): the story's sum vectors, rewritten only when they were replaced
  (a hubness that rose changes a story's scalars, not its vectors);
* ``legacy`` (key 0): a state saved whole by an earlier newsprism, read
  once and replaced by parts with the next batch.

Loading assembles the dict form of ``state`` from the parts and builds the
objects through the same ``from_dict`` paths a state file takes, so a
state loaded from parts is the state loaded from its file.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsprism.arrays import pack, unpack
from newsprism.cluster.clusterer import StoryClusterer
from newsprism.cluster.features import BLOCKS
from newsprism.cluster.state import _collector_paused, clusterer_from_dict, clusterer_settings
from newsprism.cluster.stories import RECORD_ARRAYS, StoryTable, closed_sums, record_fields
from newsprism.cluster.vectors import VectorStore
from newsprism.dedup import CopyIndex

if TYPE_CHECKING:
    import numpy as np

    from newsprism.embedders import Embedder

Part = tuple[str, int, bytes]
PARTS_VERSION = 1
CHUNK = 4096  # articles per row of the stories table's columns
CHECKPOINT_EVERY = 32  # count changes logged before the counts are written whole again
ALL_PARTS = ("meta", "copies", "terms", "vectors", "counts", "count-log", "columns", "stories", "sums", "legacy")
_LEGACY_MAGIC = b"NPS1"  # zlib-compressed JSON of the copy index and clusterer, as one blob


class StateDamaged(ValueError):
    """The parts do not make a state (a bug, or a database changed by hand)."""


@dataclass
class _Saved:
    """How much of each part is saved, and the columns as saved."""

    copies: int
    terms: int
    articles: int
    stories: int
    logs: int
    columns: dict[str, "np.ndarray"]
    # Per story, its arrays as saved: an array is never changed in place, only
    # replaced, so a story whose arrays are these objects has them saved (and
    # holding them here keeps their ids from being reused).
    sums: list[tuple[Any, ...]]


class StateParts:
    """What a batch changed of a copy index and clusterer, as parts to write; see the module docstring.

    ``changes()`` returns the rows to write (each replaces the row of its
    part and key) and the parts to clear first, and takes them as saved: the
    caller writes them in the batch's transaction, or, if that fails,
    drops these objects (they hold a batch the database does not).
    """

    def __init__(self, copies: CopyIndex, clusterer: StoryClusterer, saved: _Saved | None = None) -> None:
        self.copies, self.clusterer = copies, clusterer
        self._saved = saved  # None: nothing saved yet, the next changes are the whole state
        clusterer.featurizer.log = []
        clusterer.spilled = []  # the whole state is written first, or it is loaded as saved
        # The stories the last ``changes`` wrote (by index): every story whose
        # members changed since the save before, and the stories they merged into.
        self.touched: set[int] = set()

    def changes(self) -> tuple[list[Part], list[str]]:
        c, copies, saved = self.clusterer, self.copies, self._saved
        full = saved is None
        if saved is None:
            saved = _Saved(0, 0, 0, 0, 0, {}, [])
        drop = list(ALL_PARTS) if full else []
        put: list[Part] = []
        if len(copies) > saved.copies:
            put.append(("copies", saved.copies, pack(*copies.segment(saved.copies))))
        f = c.featurizer
        log, f.log = f.log, []
        if f.n_terms > saved.terms:
            put.append(("terms", saved.terms, _terms(f, saved.terms, None if full else log)))
        logs = saved.logs
        if full or log is None or logs + len(log) > CHECKPOINT_EVERY:
            drop.append("count-log")
            n = f.n_terms
            counts = {"df": f.df[:n], "recent": f.recent[:n]}
            put.append(("counts", 0, pack({"n_docs": f.n_docs, "recent_docs": f.recent_docs}, counts, compress=True)))
            logs = 0
        else:
            for change in log:
                put.append(("count-log", logs, pack({"n_docs": change.n_docs}, {"ids": change.ids, "add": change.add}, compress=True)))
                logs += 1
        index, n = c.index, len(c.index)
        if n > saved.articles:
            segment = index.vectors.segment(saved.articles, n)
            put.append(("vectors", saved.articles, pack({"ids": index.ids[saved.articles : n]}, segment)))
        columns = c.table.columns()
        changed = _changed_rows(saved.columns, columns)
        chunks = {int(i) // CHUNK for i in changed} | set(range(saved.articles // CHUNK, math.ceil(n / CHUNK)))
        for k in sorted(chunks):
            put.append(("columns", k, pack({}, {name: a[k * CHUNK : (k + 1) * CHUNK] for name, a in columns.items()}, compress=True)))
        table = c.table
        sums = saved.sums
        self.touched = _changed_stories(table, saved, columns, changed) | set(c.spilled)
        c.spilled = []
        for s in sorted(self.touched):
            plain, arrays = record_fields(table.record(s))
            put.append(("stories", s, pack(plain, {})))
            held = _held(arrays)
            if s >= len(sums) or any(a is not b for a, b in zip(held, sums[s], strict=True)):
                typed = {k: None if a is None else a.astype(RECORD_ARRAYS[k], copy=False) for k, a in arrays.items()}
                put.append(("sums", s, pack({}, typed)))
            if s < len(sums):
                sums[s] = held
            else:
                sums.extend([()] * (s - len(sums)) + [held])
        self._saved = _Saved(len(copies), f.n_terms, n, table.n_stories, logs, columns, sums)
        meta = {
            "version": PARTS_VERSION,
            "clusterer": clusterer_settings(c),
            "copies": {"containment_threshold": copies.containment_threshold, "n": len(copies)},
            "terms": f.n_terms, "articles": n, "stories": table.n_stories, "logs": logs, "k": table.k,
        }
        put.append(("meta", 0, pack(meta, {})))
        return put, drop


def _held(arrays: dict[str, Any]) -> tuple[Any, ...]:
    """A story's arrays as ``_Saved.sums`` holds them: a closed story's are the one tuple they all share."""
    held = tuple(arrays.values())
    closed = closed_sums()
    return closed if all(a is b for a, b in zip(held, closed, strict=True)) else held


def _terms(f: Any, start: int, log: list[Any] | None) -> bytes:
    """The featurizer's terms from id ``start`` on, with their blocks (from the log, or
    when there is none, looked up in the whole vocabulary)."""
    import numpy as np

    if log is not None and sum(len(ch.new_terms) for ch in log) == f.n_terms - start:
        terms = [t for ch in log for t in ch.new_terms]
        blocks = np.concatenate([np.asarray(ch.new_blocks, dtype=np.int8) for ch in log]) if log else np.empty(0, np.int8)
    else:
        terms = [""] * (f.n_terms - start)
        blocks = np.zeros(f.n_terms - start, dtype=np.int8)
        for b, block in enumerate(BLOCKS):
            for term, tid in f.vocab.get(block, {}).items():
                if tid >= start:
                    terms[tid - start], blocks[tid - start] = term, b
    return pack({"terms": terms}, {"blocks": blocks}, compress=True)


def _changed_rows(before: dict[str, "np.ndarray"], now: dict[str, "np.ndarray"]) -> "np.ndarray":
    """The articles saved before whose columns differ now (bit for bit)."""
    import numpy as np

    if not before:
        return np.empty(0, dtype=np.int64)
    n = len(before["story"])
    differs = np.zeros(n, dtype=bool)
    for name, old in before.items():
        new = now[name][:n]
        if old.dtype.kind == "f":  # bits, so that NaN equals NaN and -0.0 differs from 0.0
            old, new = old.view(np.int64), new.view(np.int64)
        diff = old != new
        differs |= diff.any(axis=1) if diff.ndim == 2 else diff
    return np.flatnonzero(differs)


def _changed_stories(table: StoryTable, saved: _Saved, columns: dict[str, "np.ndarray"], changed: "np.ndarray") -> set[int]:
    """The stories to write again: new ones, and each story an article was in as saved or
    is in now, for the new articles and every saved one whose columns changed, with
    every story those merged into."""
    seeds = set(columns["story"][saved.articles :].tolist()) | set(columns["story"][changed].tolist())
    if len(changed):
        seeds |= set(saved.columns["story"][changed].tolist())
    seeds |= set(range(saved.stories, table.n_stories))
    out: set[int] = set()
    for s in seeds:
        while s >= 0 and s not in out:
            out.add(s)
            into = table.merged_into(s)
            s = -1 if into is None else into
    return out


# ------------------------------------------------------------------ loading


def load_parts(parts: Iterable[Part], embedder: "Embedder | None") -> tuple[CopyIndex, StoryClusterer, StateParts]:
    """The copy index and clusterer the parts hold (fresh ones when there are none), with
    the ``StateParts`` that saves what later batches change. Raises ``StateDamaged``
    (a ValueError) when the parts do not make a state; ``InputError`` when the
    state was made with another embedder or by a later newsprism."""
    by: dict[str, list[tuple[int, bytes]]] = {}
    for name, key, body in parts:
        by.setdefault(name, []).append((key, bytes(body)))
    for rows in by.values():
        rows.sort()
    if "meta" not in by:
        if "legacy" in by:
            copies, clusterer = _legacy(by["legacy"][0][1], embedder)
        else:
            copies, clusterer = CopyIndex(), StoryClusterer(embedder)
        return copies, clusterer, StateParts(copies, clusterer)
    try:
        with _collector_paused():
            return _load(by, embedder)
    except (KeyError, IndexError, TypeError) as e:
        raise StateDamaged(f"the clustering state's parts do not fit together ({type(e).__name__}: {e})") from e


def _load(by: dict[str, list[tuple[int, bytes]]], embedder: "Embedder | None") -> tuple[CopyIndex, StoryClusterer, StateParts]:
    import numpy as np

    meta, _ = unpack(by["meta"][0][1])
    if meta["version"] > PARTS_VERSION:
        raise StateDamaged(f"the clustering state was saved by a later newsprism (parts version {meta['version']})")
    rows = {name: [unpack(body) for _key, body in by.get(name, [])] for name in ALL_PARTS if name not in ("meta", "legacy")}
    _contiguous(by, meta)
    copies = CopyIndex.from_segments(meta["copies"]["containment_threshold"], rows["copies"])

    vocab: dict[str, dict[str, int]] = {}
    tid = 0
    for head, arrays in rows["terms"]:
        for term, b in zip(head["terms"], arrays["blocks"].tolist(), strict=True):
            vocab.setdefault(BLOCKS[b], {})[term] = tid
            tid += 1
    (counts_head, counts), = rows["counts"]
    featurizer = {
        "vocab": vocab, "n_terms": tid, "df": counts["df"], "recent": counts["recent"],
        "n_docs": counts_head["n_docs"], "recent_docs": counts_head["recent_docs"],
        "log": [(head["n_docs"], arrays["ids"], arrays["add"]) for head, arrays in rows["count-log"]],
    }

    ids: list[str] = [i for head, _ in rows["vectors"] for i in head["ids"]]
    segments = [arrays for _, arrays in rows["vectors"]]
    vectors: dict[str, Any] = {name: _joined([s[name] for s in segments], name) for name in VectorStore.DTYPES if name != "dense"}
    dims = {s["dense"].shape[1] for s in segments if s["dense"] is not None}
    if dims:
        (dim,) = dims
        vectors["dense"] = np.concatenate([
            s["dense"] if s["dense"] is not None else np.full((len(s["has"]), dim), np.nan, dtype=np.float32) for s in segments
        ])
    else:
        vectors["dense"] = None
    vectors["dense_dim"] = dims.pop() if dims else None

    columns = {name: _joined([arrays[name] for _, arrays in rows["columns"]], name) for name in StoryTable.COLUMNS}
    if not rows["columns"]:
        columns["top"] = np.zeros((0, meta["k"]), dtype=np.float64)
    stories = [{**head, **arrays} for (head, _), (_, arrays) in zip(rows["stories"], rows["sums"], strict=True)]
    d = {**meta["clusterer"], "index": {"featurizer": featurizer, "ids": ids, "vectors": vectors}, "stories": {**columns, "stories": stories}}
    clusterer = clusterer_from_dict(d, embedder)
    if (len(copies), len(clusterer.index), len(clusterer.table), clusterer.table.n_stories, clusterer.featurizer.n_terms) != (
        meta["copies"]["n"], meta["articles"], meta["articles"], meta["stories"], meta["terms"]
    ):
        raise StateDamaged("the clustering state's parts do not hold what their meta part says")
    sums = [_held(record_fields(r)[1]) for r in clusterer.table.records]
    saved = _Saved(len(copies), meta["terms"], meta["articles"], meta["stories"], meta["logs"], clusterer.table.columns(), sums)
    return copies, clusterer, StateParts(copies, clusterer, saved)


def _joined(arrays: list["np.ndarray"], name: str) -> "np.ndarray":
    import numpy as np

    if not arrays:
        return np.empty(0, dtype=VectorStore.DTYPES.get(name) or StoryTable.COLUMNS[name])
    return np.concatenate(arrays)


def _contiguous(by: dict[str, list[tuple[int, bytes]]], meta: dict[str, Any]) -> None:
    """Every part's keys as the saves wrote them: no row missing, none left over."""
    keys = {name: [k for k, _ in rows] for name, rows in by.items()}
    expect = {
        "stories": list(range(meta["stories"])),
        "sums": list(range(meta["stories"])),
        "columns": list(range(math.ceil(meta["articles"] / CHUNK))),
        "count-log": list(range(meta["logs"])),
        "counts": [0],
    }
    for name, want in expect.items():
        if keys.get(name, []) != want:
            raise StateDamaged(f"the clustering state's {name!r} rows are not all there")
    if "legacy" in by:
        raise StateDamaged("the clustering state holds both parts and a whole state")


def _legacy(blob: bytes, embedder: "Embedder | None") -> tuple[CopyIndex, StoryClusterer]:
    """A state an earlier newsprism saved whole in the database (zlib-compressed JSON)."""
    if not blob.startswith(_LEGACY_MAGIC):
        raise StateDamaged("the saved clustering state is in an unknown format")
    try:
        with _collector_paused():
            d = json.loads(zlib.decompress(blob[len(_LEGACY_MAGIC) :]))
            return CopyIndex.from_dict(d["copies"]), StoryClusterer.from_dict(d["clusterer"], embedder)
    except (zlib.error, KeyError, TypeError) as e:
        raise StateDamaged(f"the saved clustering state cannot be read ({e})") from e
