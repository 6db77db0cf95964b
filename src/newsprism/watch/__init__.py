"""``newsprism watch``: poll folders, feeds and article URLs, and add what is new to a database.

Each round polls every source (``watch.sources``), writes the fetch log,
then hands everything new to the ``Updater`` in one ``add`` (the sources'
new validators and file lists land in its first transaction). A source that
fails (hangs, answers 404 or 500, sends 2 GB or a gzip bomb, loops its
redirects, serves a malformed feed) gives a warning and a record; the round
and the watch go on, unless the watch is strict: then a round that skipped
anything stops it (``StrictModeError``, exit 3) and adds nothing.
"""

from __future__ import annotations

import ctypes
import gc
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsprism.errors import InputError, SettingsError, StrictModeError
from newsprism.fetch import Fetcher
from newsprism.model import Article, Problem
from newsprism.store import Batch, SourceRecord, Store
from newsprism.updater import AddSummary, Updater
from newsprism.watch.sources import Polled, is_url, poll, source_id

__all__ = ["Round", "Watcher", "check_sources", "parse_every", "release_memory"]

_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_every(text: str) -> float:
    """``"10m"``, ``"30s"``, ``"1h"``, ``"90"`` (seconds) to seconds."""
    m = _EVERY.match(text)
    if not m or float(m.group(1)) <= 0:
        raise InputError(f"{text!r} is not a time between two rounds: give one such as 30s, 10m or 1h")
    return float(m.group(1)) * _UNITS[m.group(2)]


@dataclass
class Round:
    """What one round of polling did."""

    at: float
    fetches: int = 0
    failed: list[Problem] = field(default_factory=list)
    summary: AddSummary = field(default_factory=AddSummary)

    def line(self) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(self.at))
        return f"{stamp} {self.fetches} fetch(es), {len(self.failed)} source problem(s); {self.summary.line()}"


def check_sources(sources: Sequence[str]) -> None:
    """A source that looks like a URL (``scheme://``) but is no valid http(s) URL is a usage
    error; anything else is a folder (one that does not exist yet is warned about each round)."""
    for s in sources:
        if "://" in s and not is_url(s):
            raise SettingsError(f"{s}: not a folder or an http(s) URL")


class Watcher:
    """Polls ``sources`` into ``store`` through ``updater``; see the module docstring."""

    def __init__(
        self,
        sources: Sequence[str],
        store: Store,
        updater: Updater,
        fetcher: Fetcher,
        *,
        on_problem: Callable[[Problem], None] | None = None,
        strict: bool = False,
    ) -> None:
        check_sources(sources)
        self.sources = list(dict.fromkeys(sources))
        self.store = store
        self.updater = updater
        self.fetcher = fetcher
        self.on_problem = on_problem
        self.strict = strict

    def poll_once(self) -> Round:
        """Poll every source once and add what is new."""
        done = Round(time.time())
        known = {s.id: s for s in self.store.sources()}
        items: list[Article | Problem] = []
        records: list[SourceRecord] = []
        for source in self.sources:
            polled: Polled = poll(source, known.get(source_id(source)), self.store, self.fetcher)
            self.store.record_fetches(polled.fetches)
            done.fetches += len(polled.fetches)
            for item in polled.items:
                if isinstance(item, Problem) and self.on_problem is not None:
                    self.on_problem(item)
                if isinstance(item, Problem) and item.reason.startswith("fetch-"):
                    done.failed.append(item)
            items.extend(polled.items)
            records.append(polled.source)
        skipped = sum(i.count for i in items if isinstance(i, Problem))
        if self.strict and skipped:
            # As a strict add: nothing of the round is stored, not even the sources' new state, so
            # the next run polls the same files and pages again (the fetch log is kept).
            raise StrictModeError(f"{skipped} input(s) skipped, and the watch is strict; nothing of this round was added")
        done.summary = self.updater.add(items, extra_batch=Batch(sources=records))
        return done

    def run(
        self,
        every: float,
        *,
        once: bool = False,
        rounds: int | None = None,
        on_round: Callable[[Round], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> int:
        """Poll every ``every`` seconds (the time a round takes counts), until
        interrupted, or once, or ``rounds`` times; returns the rounds run."""
        n = 0
        while True:
            started = time.monotonic()
            r = self.poll_once()
            n += 1
            release_memory()
            if on_round is not None:
                on_round(r)
            if once or (rounds is not None and n >= rounds):
                return n
            sleep(max(0.0, every - (time.monotonic() - started)))


def release_memory() -> None:
    """Hand the memory a round freed back to the system.

    A round's briefs parse and compare many articles at once, then free it
    all; glibc's allocator keeps the freed pages, so between rounds a watch
    would sit at the high-water mark of its largest round so far (a story
    briefed again as it grows: 770 MB resident after a round that briefed a
    50-article story, 457 MB once trimmed). ``malloc_trim`` returns them.
    Elsewhere than glibc there is no such call, and nothing is done."""
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return
    trim(0)
