"""What the database costs: `add` against `analyze` on the same articles, database size, and
time to first byte of the web app over a large database.

    python bench/bench_store.py add [--n 10000] [--batch 500] [--framing]
    python bench/bench_store.py ttfb [--n 100000] [--db PATH | --pg]
    python bench/bench_store.py grow [--n 51500] [--batch 500] [--marks 1000,10000,50000]

``add``: the bench corpus (real dev articles from ../shared/eval, perturbed as
in bench_cluster.py) goes through the one-shot analysis (``Pipeline.analyze``:
grouping batch by batch and one brief per story, as `newsprism analyze` does,
nothing stored), then through
`newsprism add`'s updater into a new SQLite database in batches of
``--batch``, in the same process, one after the other. Wall and CPU time of
each, their ratio, and the part of the add spent in the store itself (every
call to the store, and finding what each batch changed of the clustering
state) are printed, then the
database's size per article. Framing is off in both unless ``--framing``.

``ttfb``: a database of ``--n`` articles is written straight through the
store (articles from the bench corpus, stories of 2 to 12 articles, each
with a brief as `add` writes it, copied from one real brief), then served by
`newsprism serve --db` in its own process; the time to the first byte of the
story list, of a search (of one word, and of several, which must stand in one
article), and of story pages is measured with plain HTTP
requests, ten of each; then ten searches of each kind and ten story pages each with the
database's pages dropped from the system's cache first (``posix_fadvise``,
that file alone), and five of each as the first request of a server just
started on the evicted database. ``--pg`` builds and serves it on a throwaway
PostgreSQL server (``tests/pgserver.py``); its cold requests drop the data
directory from the cache, and the fresh-server ones restart PostgreSQL first,
so its own buffers are empty too.

``grow``: one `add` of ``--n`` articles of the bench corpus into a new SQLite
database, batch after batch, without the briefs (their cost follows the
stories a batch touches, not the database's size): the time of each batch
(read in, copies, stories, the batch's transaction with the clustering
state), from the updater's own progress calls, so the same script times any
commit's updater (``PYTHONPATH`` at its ``src``). Of each batch, also the
time making the clustering state it writes (``save_state``, the whole state
as one blob, before schema 2; ``StateParts.changes`` since), the time of its
transaction, and the bytes of state written. Prints each batch, and the mean
of the three batches after each of ``--marks`` articles were stored.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cluster import make_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


class Timed:
    """A store whose every call is timed (the updater is handed this)."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr) or name == "writer":
            return attr

        def timed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return attr(*a, **k)
            finally:
                self.seconds += time.perf_counter() - t

        return timed


def bench_add(args: argparse.Namespace) -> None:
    from newsprism.cluster.parts import StateParts
    from newsprism.extract import prepare_articles
    from newsprism.nlp import NLP
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.store import open_store
    from newsprism.updater import Updater

    corpus = make_corpus(args.n)
    nlp = NLP()
    settings = Settings(framing=args.framing, workers=0)  # all in this process, as add
    # spaCy and every stage's modules load outside the timing; each run below
    # still loads its own quote model, as each command does.
    Pipeline(settings, nlp=nlp).analyze(prepare_articles(make_corpus(5, seed=9)))

    t0, c0 = time.perf_counter(), time.process_time()
    result = Pipeline(settings, nlp=nlp).analyze(prepare_articles(corpus))
    t_analyze, c_analyze = time.perf_counter() - t0, time.process_time() - c0
    print(f"analyze: {args.n:,} articles, {len(result.briefs):,} stories in {t_analyze:,.0f} s "
          f"({args.n / t_analyze:,.1f} articles/s; CPU {c_analyze:,.0f} s)", flush=True)
    del result

    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    db = tmp / "news.db"
    store = open_store(str(db))
    timed = Timed(store)
    state_seconds = [0.0]
    changes = StateParts.changes

    def timed_changes(self: StateParts) -> Any:
        t = time.perf_counter()
        try:
            return changes(self)
        finally:
            state_seconds[0] += time.perf_counter() - t

    StateParts.changes = timed_changes  # type: ignore[method-assign]
    fresh = make_corpus(args.n)  # the same articles, as read, new objects
    t0, c0 = time.perf_counter(), time.process_time()
    summary = Updater(timed, settings, nlp=nlp, batch_size=args.batch).add(fresh)  # type: ignore[arg-type]
    t_add, c_add = time.perf_counter() - t0, time.process_time() - c0
    store_part = timed.seconds + state_seconds[0]
    print(f"add:     {summary.line()} in {t_add:,.0f} s ({args.n / t_add:,.1f} articles/s; CPU {c_add:,.0f} s)")
    print(f"add / analyze: wall {t_add / t_analyze:.3f}, CPU {c_add / c_analyze:.3f}")
    print(f"in the store: {store_part:,.1f} s ({timed.seconds:,.1f} s of store calls, {state_seconds[0]:,.1f} s finding what "
          f"changed of the clustering state) = {store_part / t_add:.1%} of add, {store_part / t_analyze:.1%} on top of analyze")
    store.close()
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (state_bytes,) = c.execute("SELECT sum(length(body)) FROM cluster_state").fetchone()
    size = db.stat().st_size
    print(f"database: {size / 1e6:,.1f} MB for {args.n:,} articles = {size / args.n / 1024:,.1f} KiB per article "
          f"(clustering state {state_bytes / 1e6:,.1f} MB); {db}")


def bench_grow(args: argparse.Namespace) -> None:
    import newsprism.updater as updater_module
    from newsprism.pipeline import Settings
    from newsprism.store import open_store
    from newsprism.updater import Progress, Updater

    class NoBriefs(Updater):
        def brief_stale(self, summary: Any = None) -> int:
            return 0

    marks = [int(m) for m in args.marks.split(",")]
    corpus = make_corpus(args.n)
    db = Path(tempfile.mkdtemp(prefix="bench-grow-")) / "news.db"
    store = open_store(str(db))
    # The clustering state's part of each batch, whichever way this commit keeps it:
    # making what is written (a whole blob: save_state; parts: StateParts.changes),
    # and the batch's transaction (which writes it) with the bytes of state it wrote.
    made = [0.0]
    if hasattr(updater_module, "save_state"):  # the state as one blob
        owner, name = updater_module, "save_state"
    else:
        from newsprism.cluster.parts import StateParts

        owner, name = StateParts, "changes"
    inner = getattr(owner, name)

    def timed_make(*a: Any) -> Any:
        t = time.perf_counter()
        try:
            return inner(*a)
        finally:
            made[0] += time.perf_counter() - t

    setattr(owner, name, timed_make)
    wrote = [0.0, 0]
    write = store.write

    def timed_write(batch: Any, *a: Any, **kw: Any) -> Any:
        state = batch.state
        if state is not None:
            wrote[1] += len(state) if isinstance(state, bytes) else sum(len(p.body) for p in state.put)
        t = time.perf_counter()
        try:
            return write(batch, *a, **kw)
        finally:
            wrote[0] += time.perf_counter() - t

    store.write = timed_write  # type: ignore[method-assign]
    # (articles stored before the batch, its seconds, seconds making the state, seconds in its transaction, state bytes)
    times: list[tuple[int, float, float, float, int]] = []
    stored = [0]
    last = [0.0]

    def on_start(n: int) -> None:
        last[0] = time.perf_counter()

    def on_batch(n: int) -> None:
        t = time.perf_counter()
        times.append((stored[0], t - last[0], made[0], wrote[0], wrote[1]))
        made[0] = wrote[0] = 0.0
        wrote[1] = 0
        stored[0] += n
        last[0] = t
        b = times[-1]
        print(f"{b[0]:7,d} stored: batch of {n} in {b[1]:6.2f} s; state made in {b[2]:5.2f} s, "
              f"transaction {b[3]:5.2f} s, {b[4] / 1e6:6.1f} MB of state", flush=True)

    settings = Settings(framing=False, workers=0)
    NoBriefs(store, settings, progress=Progress(on_start=on_start, on_batch=on_batch), batch_size=args.batch).add(corpus)
    store.close()
    for mark in marks:
        after = [b for b in times if b[0] >= mark][:3]
        if after:
            mean = [sum(b[i] for b in after) / len(after) for i in range(1, 5)]
            print(f"at {mark:,} stored (mean of {len(after)} batches of {args.batch}): batch {mean[0]:.2f} s, state made "
                  f"{mean[1]:.2f} s, transaction {mean[2]:.2f} s, state written {mean[3] / 1e6:.1f} MB")
    print(f"load average {os.getloadavg()[0]:.1f}; database {db.stat().st_size / 1e6:,.0f} MB")


def build_large(target: str, n: int, template_db: Path) -> list[str]:
    """A database of ``n`` articles written straight through the store at ``target`` (a
    SQLite path or a postgresql:// URL); returns its story ids."""
    from newsprism.extract import prepare_articles
    from newsprism.pipeline import Settings
    from newsprism.store import Batch, StoredBrief, StoryEvent, StoryUpdate, now, open_store
    from newsprism.updater import Updater

    template_store = open_store(str(template_db))
    Updater(template_store, Settings(framing=False)).add(make_corpus(12, seed=5))
    template = next(template_store.iter_briefs()).body
    template_store.close()

    rng = random.Random(0)
    store = open_store(target)
    corpus = make_corpus(min(n, 2_000), seed=1)
    prepared = prepare_articles(corpus)  # once per text; each copy below has its own URL, so its own content
    story_ids: list[str] = []
    k, s = 0, 0
    while k < n:
        batch = Batch()
        while len(batch.articles) < 500 and k < n:
            size = min(rng.randint(2, 12), n - k)
            sid = f"s{s + 1}"
            s += 1
            ids = []
            for _ in range(size):
                url = f"https://bench.example/{k}"
                a = replace(corpus[k % len(corpus)], id=f"b{k}", url=url)
                batch.articles.append((a, replace(prepared[k % len(prepared)], id=a.id, url=url, story=sid)))
                ids.append(a.id)
                k += 1
            batch.stories.append(StoryUpdate(sid, f"Story {sid}", ids, None, None, []))
            batch.events.extend(StoryEvent(now(), sid, "joined", i) for i in ids)
            story_ids.append(sid)
        store.write(batch)
        store.put_briefs([StoredBrief(st.id, now(), {**template, "id": st.id, "articles": st.articles}) for st in batch.stories])
    store.close()
    return story_ids


def ttfb(port: int, path: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    t = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse()
    r.read(1)
    first = time.perf_counter() - t
    r.read()
    conn.close()
    assert r.status == 200, (path, r.status)
    return first


class Served:
    """The database a ttfb run serves: a SQLite file, or a throwaway PostgreSQL server
    (``--pg``) whose data directory is dropped from the system's cache and which
    restarts with empty buffers for the cold requests."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.pg: Any = None
        if args.pg:
            sys.path.insert(0, str(ROOT / "tests"))
            import pgserver

            self.pg = pgserver.start()
            self.target = self.pg.url
            self.files = self.pg.home / "data"
            self.tmp = Path(tempfile.mkdtemp(prefix="bench-ttfb-"))
        else:
            db = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="bench-ttfb-")) / "news.db"
            self.target, self.files, self.tmp = str(db), db, db.parent

    def build(self, n: int) -> list[str]:
        from newsprism.store import open_store

        if not self.pg and Path(self.target).exists():  # built by an earlier run (--db): served as it is
            with sqlite3.connect(self.target) as c:
                stories = [r[0] for r in c.execute("SELECT id FROM stories WHERE merged_into IS NULL")]
            print(f"{self.target}: {len(stories):,} stories; {self.size() / 1e6:,.0f} MB", flush=True)
            return stories
        t = time.perf_counter()
        build_large(self.target, n, self.tmp / "template.db")
        store = open_store(self.target)
        stories = [st.id for st in store.stories()]
        store.close()
        print(f"built {n:,} articles in {len(stories):,} stories in {time.perf_counter() - t:,.0f} s; "
              f"{self.size() / 1e6:,.0f} MB ({'PostgreSQL' if self.pg else 'SQLite'})", flush=True)
        return stories

    def size(self) -> int:
        if self.files.is_file():
            return self.files.stat().st_size
        return sum(p.stat().st_size for p in self.files.rglob("*") if p.is_file())

    def evict(self) -> None:
        """Drop the database's files from the system's page cache (``posix_fadvise``), them alone."""
        if self.files.is_file():
            paths = [self.files.with_name(self.files.name + x) for x in ("", "-wal", "-shm")]
        else:
            paths = [p for p in self.files.rglob("*") if p.is_file()]
        for p in paths:
            with contextlib.suppress(FileNotFoundError, PermissionError):
                fd = os.open(p, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)

    def restart(self) -> None:
        """PostgreSQL: a restart empties its shared buffers (SQLite has none to empty)."""
        if self.pg:
            # The log file, not a pipe, takes the new server's output (a pipe would never close).
            subprocess.run([*self.pg.as_user, str(self.pg.bindir / "pg_ctl"), "-D", str(self.files), "-l", str(self.pg.home / "log"),
                            "-m", "fast", "-w", "restart"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120)

    def close(self) -> None:
        if self.pg:
            self.pg.stop()


def start_server(target: str) -> tuple[subprocess.Popen[bytes], int]:
    """`newsprism serve --db` in its own process, once it accepts connections."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "newsprism", "serve", "--db", target, "--port", str(port), "-q"],
                            cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, "the server did not start"
            time.sleep(0.1)


def bench_ttfb(args: argparse.Namespace) -> None:
    served = Served(args)
    try:
        stories = served.build(args.n)
        measure_ttfb(served, stories)
    finally:
        served.close()


def measure_ttfb(served: Served, stories: list[str]) -> None:
    proc, port = start_server(served.target)
    rng = random.Random(1)
    try:
        ttfb(port, "/")
        for label, paths in (
            ("story list /", ["/"] * 10),
            ("search /?q=", [f"/?q={w}" for w in ("minister", "election", "fire", "court", "police") * 2]),
            ("search, several words", [f"/?q={w}" for w in ("police+said", "prime+minister", "court+ruled", "said+police+officers", "fire+killed") * 2]),
            ("story page", [f"/stories/{rng.choice(stories)}" for _ in range(10)]),
            ("story page, new since", [f"/stories/{rng.choice(stories)}?since=2020-01-01" for _ in range(10)]),
            ("JSON story list", ["/api/stories"] * 10),
        ):
            times = sorted(ttfb(port, p) for p in paths)
            print(f"{label:24s} median {1e3 * times[len(times) // 2]:6.0f} ms, worst {1e3 * times[-1]:6.0f} ms", flush=True)
        # Cold: the database's files dropped from the system's cache before each request
        # (PostgreSQL keeps its own buffers: see the fresh server below for those emptied too).
        for label, paths in (
            ("story list, cold", ["/"] * 5 + ["/?page=50"] * 5),
            ("search, cold", [f"/?q={w}" for w in ("budget", "storm", "strike", "vote", "trade", "border", "flood", "bank", "school", "virus")]),
            ("several words, cold", [f"/?q={w}" for w in ("police+said", "prime+minister", "court+ruled", "said+police+officers", "fire+killed") * 2]),
            ("story page, cold", [f"/stories/{rng.choice(stories)}" for _ in range(10)]),
        ):
            times = []
            for p in paths:
                served.evict()
                times.append(ttfb(port, p))
            times.sort()
            print(f"{label:24s} median {1e3 * times[len(times) // 2]:6.0f} ms, worst {1e3 * times[-1]:6.0f} ms", flush=True)
    finally:
        proc.terminate()
        proc.wait(30)
    # Colder still: the first request of a server just started, on a database out of the
    # cache (and, on PostgreSQL, a database server just restarted).
    for label, paths in (("story list, fresh server", ["/"] * 5),
                         ("search, fresh server", [f"/?q={w}" for w in ("minister", "election", "fire", "court", "police")]),
                         ("several words, fresh server", [f"/?q={w}" for w in ("police+said", "prime+minister", "court+ruled", "said+police+officers", "fire+killed")]),
                         ("story page, fresh server", [f"/stories/{rng.choice(stories)}" for _ in range(5)])):
        times = []
        for p in paths:
            served.restart()
            proc, port = start_server(served.target)
            try:
                served.evict()
                times.append(ttfb(port, p))
            finally:
                proc.terminate()
                proc.wait(30)
        times.sort()
        print(f"{label:24s} median {1e3 * times[len(times) // 2]:6.0f} ms, worst {1e3 * times[-1]:6.0f} ms", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("add", "ttfb", "grow"))
    ap.add_argument("--n", type=int)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--framing", action="store_true")
    ap.add_argument("--marks", default="1000,10000,50000")
    ap.add_argument("--db", help="ttfb: the SQLite database to serve, built there first if missing")
    ap.add_argument("--pg", action="store_true", help="ttfb: build and serve the database on a throwaway PostgreSQL server")
    args = ap.parse_args()
    if args.what == "add":
        args.n = args.n or 10_000
        bench_add(args)
    elif args.what == "grow":
        args.n = args.n or 51_500
        bench_grow(args)
    else:
        args.n = args.n or 100_000
        bench_ttfb(args)


if __name__ == "__main__":
    main()
