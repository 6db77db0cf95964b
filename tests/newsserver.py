"""A local news site for the fetch and watch tests: a thread in the test
process serving, on 127.0.0.1 only, a feed, its article pages, a robots.txt,
and the sources a watch must survive (slow, hanging, huge, gzip bomb, XML
entity bomb, redirect loop, 404, 500, malformed). Every loop it runs is
bounded, and it stops with the test."""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GZIP_BOMB_SIZE = 100_000_000  # decompressed bytes; about 450 KB on the wire
HUGE_SIZE = 2_000_000_000


def article_page(n: int, title: str, body: str, outlet: str = "Valley Wire", published: str | None = None) -> str:
    published = published or f"2024-05-{10 + n % 18:02d}T08:00:00+00:00"
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} | {outlet}</title>"
        f"<meta property='og:site_name' content='{outlet}'><meta property='og:title' content='{title}'>"
        f"<meta property='article:published_time' content='{published}'></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright Valley Wire</footer></body></html>"
    )


def story_text(n: int) -> tuple[str, str]:
    """A title and body for article ``n``: three stories, each told in its own words, varied by ``n``."""
    topics = [
        ("Harlow Dam", "MILLBROOK", "Water Minister Elena Marsh",
         "Engineers found deep cracks in the spillway of the Harlow Dam and the water authority ordered "
         "the evacuation of Millbrook and Ashford. The reservoir level was lowered overnight.",
         "We will not gamble with the safety of families in this valley"),
        ("Ashford port strike", "ASHFORD", "union leader Tomas Brandt",
         "Dock workers at the Port of Ashford walked out over pay, halting container traffic and leaving "
         "ships anchored offshore. Shipping firms warned of shortages in supermarkets.",
         "Our members have not had a raise in six years"),
        ("Eastbrook library fire", "EASTBROOK", "fire chief Amara Collins",
         "A fire gutted the old Eastbrook public library overnight; firefighters saved the rare book room "
         "and the town archive. Investigators suspect faulty wiring in the reading hall.",
         "The crews fought the blaze for six hours in freezing wind"),
    ]
    name, place, speaker, what, quote = topics[n % len(topics)]
    title = f"{name}: latest report {n}"
    body = (
        f"{place}, May {10 + n % 18} - {what}\n\n"
        f"\"{quote},\" said {speaker} in remarks number {n}.\n\n"
        f"Officials counted {n * 10 + 7} people affected in update {n}."
    )
    return title, body


def feed_xml(items: list[tuple[int, str]], title: str = "Valley Wire", summaries: bool = True) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Mon, 13 May 2024 08:00:00 GMT</pubDate>"
        + (f"<description>Summary of {t}.</description>" if summaries else "")
        + "</item>"
        for link_n, (link, t) in enumerate(items)
        if link_n >= 0
    )
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>{entries}</channel></rss>"


ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
    + ']>\n<rss version="2.0"><channel><title>Bomb</title><item><title>&lol9;</title>'
    + "<description>&lol9;</description></item></channel></rss>"
)


@dataclass
class Site:
    """What the server serves; tests change it while it runs."""

    robots: str = "User-agent: *\nDisallow: /private\n"
    robots_status: int = 200
    articles: int = 6  # pages /news/1.html ... /news/N.html, all in /feed.xml
    feed_limit: int = 20  # the feed lists the latest this many
    summaries: bool = True  # False: the feed gives titles and links only, as many do
    hits: Counter[str] = field(default_factory=Counter)
    flaky_failures: int = 2  # /flaky answers 503 this many times, then 200
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Page n's title and body, and its date (None: a day of May 2024 by n).
    text: Callable[[int], tuple[str, str]] = story_text
    published: Callable[[int], str | None] = lambda n: None

    def feed(self, base: str) -> str:
        first = max(1, self.articles - self.feed_limit + 1)
        return feed_xml([(f"{base}/news/{n}.html", self.text(n)[0]) for n in range(self.articles, first - 1, -1)],
                        summaries=self.summaries)

    def page(self, n: int) -> str:
        return article_page(n, *self.text(n), published=self.published(n))


def _bomb() -> bytes:
    out = gzip.compress(b"\0" * GZIP_BOMB_SIZE, compresslevel=1)
    return out


class _Handler(BaseHTTPRequestHandler):
    site: Site
    bomb: bytes

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - one branch per kind of source
        site = self.site
        path = self.path.split("?")[0]
        with site.lock:
            site.hits[path] += 1
            hits = site.hits[path]
        base = f"http://{self.headers['Host']}"
        try:
            if path == "/robots.txt":
                self._send(site.robots_status, site.robots.encode(), "text/plain")
            elif path == "/feed.xml":
                body = site.feed(base).encode()
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self._send(200, body, "application/rss+xml", {"ETag": etag, "Last-Modified": formatdate(usegmt=True)})
            elif path.startswith("/news/") and path.endswith(".html"):
                n = int(path[len("/news/") : -len(".html")])
                if not 1 <= n <= site.articles:
                    self._send(404, b"not found")
                    return
                self._send(200, site.page(n).encode())
            elif path == "/private/secret.html":
                self._send(200, article_page(99, "Secret", "Nobody should fetch this.").encode())
            elif path == "/missing":
                self._send(404, b"no such page")
            elif path == "/broken":
                self._send(500, b"internal server error")
            elif path == "/flaky":
                if hits <= site.flaky_failures:
                    self._send(503, b"try later", headers={"Retry-After": "0"})
                else:
                    title, body = story_text(7)
                    self._send(200, article_page(7, title, body).encode())
            elif path == "/malformed.xml":
                self._send(200, b"<rss><channel><title>Broken</title><item><title>unclosed", "application/rss+xml")
            elif path == "/not-a-page":
                self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "image/png")
            elif path == "/entity-bomb.xml":
                self._send(200, ENTITY_BOMB.encode(), "application/rss+xml")
            elif path == "/gzip-bomb":
                self._send(200, self.bomb, "text/html", {"Content-Encoding": "gzip"})
            elif path in ("/huge", "/huge-undeclared"):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                if path == "/huge":
                    self.send_header("Content-Length", str(HUGE_SIZE))
                self.end_headers()
                chunk = b"<p>" + b"x" * 65530 + b"</p>"
                for _ in range(HUGE_SIZE // len(chunk)):  # bounded; the client hangs up long before
                    self.wfile.write(chunk)
            elif path == "/slow":  # a body that drips: 1 byte every 0.2 s, for at most 60 s
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "300")
                self.end_headers()
                for _ in range(300):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif path == "/hang":  # never answers (at most 30 s)
                time.sleep(30)
            elif path.startswith("/loop-"):
                self._send(302, b"", headers={"Location": "/loop-b" if path == "/loop-a" else "/loop-a"})
            elif path.startswith("/hop-"):
                n = int(path[len("/hop-") :])
                if n == 0:
                    title, body = story_text(8)
                    self._send(200, article_page(8, title, body).encode())
                else:
                    self._send(301, b"", headers={"Location": f"/hop-{n - 1}"})
            elif path == "/to-private":
                self._send(302, b"", headers={"Location": "/private/secret.html"})
            elif path == "/to-malformed":  # a Location no URL parser accepts
                self._send(302, b"", headers={"Location": "http://[::1/x"})
            else:
                self._send(404, b"not found")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up, as it should on a huge body


@contextmanager
def serve(site: Site | None = None) -> Iterator[tuple[str, Site]]:
    """Serve ``site`` on a free loopback port; yields the base URL and the site."""
    site = site or Site()
    handler = type("Handler", (_Handler,), {"site": site, "bomb": _bomb_cached()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", site
    finally:
        server.shutdown()
        server.server_close()


_BOMB: list[bytes] = []


def _bomb_cached() -> bytes:
    if not _BOMB:
        _BOMB.append(_bomb())
    return _BOMB[0]
