"""Memory of a long `newsprism watch`: a local feed server publishes articles at a steady rate
and the watch polls it; the watch process's resident memory is sampled as it runs.

    python bench/bench_watch.py [--minutes 60] [--rate 50] [--every 60] [--speed 1] [--delay 0.2] [--nice 10] [--story-cap N]

The server (a thread here, on 127.0.0.1) publishes ``--rate`` articles a
minute from the bench corpus (real dev articles from ../shared/eval,
perturbed as in bench_cluster.py), each a web page linked from /feed.xml
(the latest 100 entries). ``--speed 10`` runs ten times faster: ten times
the rate, a tenth of the interval, a tenth of the minutes. The watch is
the real command in its own process (``nice``), with a SQLite database in
a temporary directory. Prints one line per sample (minutes, articles in
the database, resident MB, and the lowest and highest of the RSS read every
second since the last sample: the lowest is the floor between two rounds),
and the first and last tenth's mean RSS and lowest floor. The RSS is the
watch's and its child processes' (the workers that brief, their fork
server), added up.

The bench corpus's stories grow all hour: every article its sources have
without a title is served as "Untitled", and those (some 6%) gather into one
story that the watch re-briefs whole each round (189 articles after the
hour). ``--story-cap N`` serves at most N articles under one title (a draw
of a source and its copies share it), so new stories keep arriving and each
stops growing, as real news does.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cluster import make_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def page(a) -> bytes:  # type: ignore[no-untyped-def]
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in a.text.split("\n") if p.strip())
    title = html.escape(a.title or "Untitled")
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='og:site_name' content='{html.escape(a.outlet or 'Bench Wire')}'>"
        f"<meta property='article:published_time' content='{a.published}'></head>"
        f"<body><article><h1>{title}</h1>{paras}</article></body></html>"
    ).encode()


def serve(articles, started: float, per_second: float):  # type: ignore[no-untyped-def]
    def released() -> int:
        return min(len(articles), int((time.monotonic() - started) * per_second) + 1)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            n = released()
            if self.path == "/feed.xml":
                items = "".join(
                    f"<item><title>{html.escape(articles[i].title or 'Untitled')}</title>"
                    f"<link>http://{self.headers['Host']}/a/{i}.html</link><guid>a{i}</guid></item>"
                    for i in range(n - 1, max(-1, n - 101), -1)
                )
                body = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Bench Wire</title>{items}</channel></rss>".encode()
                ctype = "application/rss+xml"
            elif self.path.startswith("/a/") and self.path[3:-5].isdigit() and int(self.path[3:-5]) < n:
                body, ctype = page(articles[int(self.path[3:-5])]), "text/html; charset=utf-8"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Last-Modified", formatdate(usegmt=True))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def capped(articles: list, cap: int, n: int) -> list:  # type: ignore[type-arg]
    """The first ``n`` of ``articles`` with at most ``cap`` under one title (no title counts as one)."""
    seen: dict[str | None, int] = {}
    kept = []
    for a in articles:
        seen[a.title] = seen.get(a.title, 0) + 1
        if seen[a.title] <= cap:
            kept.append(a)
    if len(kept) < n:
        sys.exit(f"--story-cap {cap}: only {len(kept)} articles of the {n} needed")
    return kept[:n]


def rss_mb(pid: int) -> float:
    """The resident memory of ``pid`` and every process under it (the watch's workers, their fork server)."""
    total = 0.0
    with contextlib.suppress(OSError):  # a worker that ended meanwhile
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += sum(rss_mb(int(child)) for child in (task / "children").read_text().split())
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--rate", type=float, default=50, help="articles published a minute")
    ap.add_argument("--every", type=float, default=60, help="seconds between the watch's polls")
    ap.add_argument("--speed", type=float, default=1, help="run this many times faster")
    ap.add_argument("--delay", type=float, default=0.2, help="the watch's --delay (seconds between requests to one host)")
    ap.add_argument("--sample", type=float, default=30, help="seconds between memory samples (before --speed)")
    ap.add_argument("--hot-articles", type=int, default=None, help="the watch's --hot-articles (default: the watch's own)")
    ap.add_argument("--hot-days", type=int, default=None, help="the watch's --hot-days (default: the watch's own)")
    ap.add_argument("--story-cap", type=int, default=None, help="at most this many articles served under one title (the bench's stories stop growing)")
    ap.add_argument("--nice", type=int, default=10, help="niceness added to the watch's (0: the bench's own, for a quiet window or a fair share)")
    args = ap.parse_args()

    minutes = args.minutes / args.speed
    per_second = args.rate * args.speed / 60
    n = int(args.rate * args.minutes) + 200
    articles = make_corpus(n) if args.story_cap is None else capped(make_corpus(2 * n), args.story_cap, n)
    tmp = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    db = tmp / "news.db"
    started = time.monotonic()
    server = serve(articles, started, per_second)
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    log = (tmp / "watch.log").open("w")
    cmd = ["nice", "-n", str(args.nice), sys.executable, "-m", "newsprism", "watch", url, "--db", str(db),
           "--every", f"{args.every / args.speed:g}s", "--delay", str(args.delay), "--max-pages", "200"]
    cmd += [x for opt, v in (("--hot-articles", args.hot_articles), ("--hot-days", args.hot_days)) if v is not None for x in (opt, str(v))]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=log, stdout=log)
    print(f"watch of {url}: {args.rate * args.speed:g} articles/min for {minutes:g} min, polled every {args.every / args.speed:g} s; "
          f"speed x{args.speed:g}; db {db}")
    print("minutes  articles  rss_mb  low  high")
    samples: list[tuple[float, int, float]] = []
    lows: list[float] = []
    try:
        while time.monotonic() - started < minutes * 60:
            # RSS read every second in between: the lowest is the floor between two
            # rounds when the interval holds one (a sample alone falls at the same
            # point of every round once the rounds run on time each minute).
            seen: list[float] = []
            until = time.monotonic() + args.sample / args.speed
            while time.monotonic() < until and proc.poll() is None:
                time.sleep(min(1.0, max(0.0, until - time.monotonic())))
                seen.append(rss_mb(proc.pid))
            if proc.poll() is not None:
                sys.exit(f"the watch stopped: see {tmp / 'watch.log'}")
            n = 0
            if db.exists():
                with sqlite3.connect(db) as c, contextlib.suppress(sqlite3.Error):
                    n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
            m = (time.monotonic() - started) / 60
            samples.append((m, n, rss_mb(proc.pid)))
            lows.append(min(seen))
            print(f"{m:7.1f}  {n:8,d}  {samples[-1][2]:6.0f}  {lows[-1]:4.0f}  {max(seen):4.0f}", flush=True)
    finally:
        proc.terminate()
        proc.wait(30)
        server.shutdown()
    tenth = max(1, len(samples) // 10)
    first = sum(s[2] for s in samples[:tenth]) / tenth
    last = sum(s[2] for s in samples[-tenth:]) / tenth
    print(f"lowest RSS of each interval, first tenth's least {min(lows[:tenth]):.0f} MB, last tenth's {min(lows[-tenth:]):.0f} MB")
    print(f"RSS, first tenth {first:.0f} MB, last tenth {last:.0f} MB, peak {max(s[2] for s in samples):.0f} MB; "
          f"{samples[-1][1]:,} articles in {samples[-1][0]:.1f} min; watch log {tmp / 'watch.log'}")


if __name__ == "__main__":
    main()
