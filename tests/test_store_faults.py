"""Faults, as tests: add killed with SIGKILL at random moments, two adds at once.

Slow: each test runs `newsprism add` as a process many times.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow
CLUSTER = ROOT / "tests" / "fixtures" / "cluster" / "articles.jsonl"


def make_corpus(path: Path, n: int, seed: int = 0) -> Path:
    """``n`` articles drawn from the cluster fixture's nine, each with a third of its
    sentences dropped and a tenth of its words swapped (so few are copies)."""
    rng = random.Random(seed)
    base = [json.loads(line) for line in CLUSTER.read_text(encoding="utf-8").splitlines()]
    fillers = ("also", "reportedly", "local", "new", "the", "on")
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            src = base[i % len(base)]
            sentences = src["text"].split(". ")
            kept = [s for s in sentences if rng.random() > 0.3] or sentences[:1]
            words = ". ".join(kept).split(" ")
            for _ in range(max(1, len(words) // 10)):
                words[rng.randrange(len(words))] = rng.choice(fillers)
            row = {**src, "id": f"{src['id']}-{i}", "text": " ".join(words), "outlet": f"{src['outlet']} {i % 7}"}
            f.write(json.dumps(row) + "\n")
    return path


def _add(corpus: Path, db: str, batch: int = 10) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsprism", "add", str(corpus), "--db", db, "--batch", str(batch), "--no-framing", "-q"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    _out, err = proc.communicate(timeout=600)
    return proc.returncode, err


def snapshot(db: str) -> dict[str, Any]:
    """Everything a run decides, without the clock's times."""
    with sqlite3.connect(db) as c:
        return {
            "articles": c.execute(
                "SELECT seq, id, content_id, story, duplicate_of, syndicated_from, title, prepared FROM articles ORDER BY seq"
            ).fetchall(),
            "stories": c.execute(
                "SELECT id, title, articles, n_articles, first_day, last_day, absorbed, merged_into, brief_stale FROM stories ORDER BY id"
            ).fetchall(),
            "events": c.execute("SELECT story, kind, article, other FROM story_events ORDER BY seq").fetchall(),
            "briefs": c.execute("SELECT story, body FROM briefs ORDER BY story").fetchall(),
            # Every row of the clustering state as written: a row a batch failed to
            # rewrite, or one left over, differs from the clean run's.
            "state": c.execute("SELECT part, key, body FROM cluster_state ORDER BY part, key").fetchall(),
        }


def _sound(db: str) -> None:
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        n, distinct = c.execute("SELECT count(*), count(DISTINCT content_id) FROM articles").fetchone()
        assert n == distinct  # no article twice
        assert c.execute("SELECT count(*) FROM articles WHERE story IS NULL").fetchone() == (0,)
        stored = {r[0] for r in c.execute("SELECT id FROM articles")}
        listed = [a for (arts,) in c.execute("SELECT articles FROM stories WHERE merged_into IS NULL") for a in json.loads(arts)]
        assert sorted(listed) == sorted(stored)  # every article in exactly one live story, none missing


def _stored(db: str) -> int | None:
    """Articles committed so far, read as a separate read-only reader (WAL readers do
    not block the writer); None while the file or its schema is not there yet."""
    if not Path(db).exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0)) as c:
            return int(c.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return None


def _wal_stamp(db: str) -> tuple[int, int] | None:
    try:
        st = os.stat(db + "-wal")
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


def _kill_when(proc: subprocess.Popen[str], db: str, target: int, jitter: float | None) -> bool:
    """Kill ``proc`` once ``target`` articles are committed: then either after ``jitter``
    seconds or, with ``jitter`` None, the instant the write-ahead log next changes (in the
    middle of, or just after, a batch's write). True when SIGKILL ended a running add."""
    deadline = time.monotonic() + 600
    while (_stored(db) or 0) < target or not Path(db).exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    if jitter is None:
        seen = _wal_stamp(db)
        while _wal_stamp(db) == seen:
            if proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.0005)
    else:
        time.sleep(jitter)
    proc.send_signal(signal.SIGKILL)
    return proc.wait() == -signal.SIGKILL


def test_kill_9_at_twenty_random_moments(tmp_path: Path) -> None:
    """Twenty SIGKILLs, each while ``add`` writes the database. The moments come from
    the writer's observed progress, not from the clock, so a loaded machine cannot
    push them before the first write or after the last: a random number of articles
    committed, then a random fraction of one batch's time, or (every third kill) the
    instant the write-ahead log changes."""
    n, batch = 150, 10
    corpus = make_corpus(tmp_path / "corpus.jsonl", n)
    clean_db = str(tmp_path / "clean.db")
    proc = _add(corpus, clean_db, batch)
    commits: list[tuple[float, int]] = []
    while proc.poll() is None:  # when each batch's commit shows: the time one batch takes
        stored = _stored(clean_db)
        if stored and (not commits or stored > commits[-1][1]):
            commits.append((time.monotonic(), stored))
        time.sleep(0.02)
    code, err = _finish(proc)
    assert code == 0, err
    clean = snapshot(clean_db)
    assert len(clean["articles"]) == n and clean["briefs"]
    assert len(commits) >= 3, commits  # the batches commit one by one, and the poll saw it
    per_batch = (commits[-1][0] - commits[0][0]) / (len(commits) - 1)
    rng = random.Random(26)
    kills = attempts = 0
    at: list[int | None] = []  # articles committed when each kill landed
    while kills < 20:
        attempts += 1
        assert attempts <= 40, f"only {kills} of {attempts} kills landed while add was writing"
        db = str(tmp_path / f"k{attempts}.db")
        proc = _add(corpus, db, batch)
        target = rng.randrange(0, n - batch)  # at least one batch still to write
        jitter = None if attempts % 3 == 0 else rng.uniform(0, per_batch)
        if not _kill_when(proc, db, target, jitter):
            proc.communicate()  # it ended before the moment came: not a kill; try another
            assert proc.returncode == 0 and snapshot(db) == clean
            continue
        kills += 1
        at.append(_stored(db))
        _sound(db)  # after the kill: sound, no duplicate, every article placed
        code, err = _finish(_add(corpus, db, batch))  # the rerun finishes the job
        assert code == 0, err
        _sound(db)
        assert snapshot(db) == clean, f"kill {kills} (target {target}, jitter {jitter}): the state differs from one clean run"
    print(f"20 kills in {attempts} attempts, one batch every {per_batch:.1f} s; articles stored at each kill: {at}")


def _holds_flock(path: str) -> bool:
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _race(first: Path, second: Path, db: str, holding: Callable[[], bool]) -> None:
    """Start an add of ``first``; once it holds the writer's place, one of ``second``:
    both must land, and the second must say that it waits."""
    a = _add(first, db)
    deadline = time.monotonic() + 300
    while not holding():
        assert a.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    b = _add(second, db)
    (code_a, err_a), (code_b, err_b) = _finish(a), _finish(b)
    assert code_a == 0 and code_b == 0, err_a + err_b
    assert "waiting: another newsprism process is writing to" in err_b


def test_two_adds_at_once_both_land_the_second_waits(tmp_path: Path) -> None:
    first = make_corpus(tmp_path / "first.jsonl", 60, seed=1)
    second = make_corpus(tmp_path / "second.jsonl", 60, seed=2)
    db = str(tmp_path / "news.db")
    _race(first, second, db, lambda: Path(db).exists() and _holds_flock(db))
    _sound(db)
    # No lost update: the state holds both runs' articles, as when they run one after the other.
    both = snapshot(db)
    assert len(both["articles"]) == 120
    from newsprism.store import open_store
    from newsprism.updater import load_state

    s = open_store(db)
    copies, clusterer, _ = load_state(s.state()[1], None, db)
    s.close()
    assert len(clusterer) == 120 and len(copies) == 120
    serial = str(tmp_path / "serial.db")
    for corpus in (first, second):
        assert _finish(_add(corpus, serial))[0] == 0
    assert snapshot(serial) == both


def test_two_adds_on_postgres_both_land(tmp_path: Path, pg_url: str) -> None:
    import psycopg

    first = make_corpus(tmp_path / "first.jsonl", 40, seed=3)
    second = make_corpus(tmp_path / "second.jsonl", 40, seed=4)
    with psycopg.connect(pg_url, autocommit=True) as c:
        query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        _race(first, second, pg_url, lambda: bool(c.execute(query).fetchone()[0]))  # type: ignore[index]
    from newsprism.store import open_store
    from newsprism.updater import load_state

    s = open_store(pg_url)
    try:
        assert s.count_articles() == 80
        copies, clusterer, _ = load_state(s.state()[1], None, s.location)
        assert len(clusterer) == 80 and len(copies) == 80
        assert sorted(a for st in s.stories() for a in st.articles) == sorted(a.id for a in s.articles())
    finally:
        s.close()
