"""Fuzzing every reader: mutated and generated inputs, each read as a user's file would be.

Every reader (text, Markdown, HTML, gzipped HTML, JSON, JSON Lines plain and gzipped,
WARC plain and gzipped, RSS, Atom, and standard input) gets inputs made from a valid
seed of its format: cut short, bytes flipped, inserted or dropped, two seeds spliced,
a field repeated to megabytes, nesting thousands deep, other encodings, NUL bytes,
and (for JSON) records Hypothesis builds field by field with every type in every field.

What must hold for each input: reading it ends within a deadline, yields only articles
(with text) and Problems with a documented reason and a one-line message; the articles
go through the extract stage; and memory does not grow over the run.

Budget: ``NEWSPRISM_FUZZ_EXAMPLES`` inputs per reader (default 30: a few seconds in the
fast suite); the slow run takes 300 per reader. By hand, for instance:
``NEWSPRISM_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py -p no:randomly -s``; each run
prints how many inputs it read.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import signal
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from newsprism.extract import prepare_articles  # noqa: E402
from newsprism.ingest import Limits, iter_inputs  # noqa: E402
from newsprism.model import Article, Problem  # noqa: E402
from newsprism.report.escape import dumps  # noqa: E402
from newsprism.report.jsonout import article_to_dict  # noqa: E402

from conftest import EXAMPLE  # noqa: E402

# Why an input may be skipped: the reasons README's "What bad input gets" lists.
DOCUMENTED = {
    "empty", "binary", "undecodable", "bad-json", "no-text", "no-body", "boilerplate", "bad-feed", "unsupported",
    "bad-warc", "bad-gzip", "too-large", "too-many-records", "unreadable",
}
EXAMPLES = int(os.environ.get("NEWSPRISM_FUZZ_EXAMPLES", "30"))
DEADLINE = 20  # seconds of CPU one input may take to read (3 MB at most); a hang takes forever
MAX_INPUT = 3_000_000  # bytes: mutations that grow an input stop here
# Small limits, so the caps are reached by fuzzed inputs too, and quickly.
LIMITS = Limits(article_bytes=2_000_000, input_bytes=4_000_000, records=500, bomb_floor=1_000_000, fifo_wait=0.1)
RAN = {"inputs": 0, "articles": 0, "problems": 0}


# ---------------------------------------------------------------- seeds


def _warc(html: bytes) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for uri in ("https://x.example/a", "https://x.example/b"):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(html), http_headers=headers))
    return out.getvalue()


def _seeds() -> dict[str, tuple[str, bytes]]:
    """reader -> (file name, a valid input of its format)."""
    text = (EXAMPLE / "02-northern-ledger.txt").read_bytes()
    html = (EXAMPLE / "01-kestrel-courier.html").read_bytes()
    record = json.loads((EXAMPLE / "04-meridian-news.json").read_text())
    lines = b"".join(json.dumps({**record, "id": f"r{i}"}).encode() + b"\n" for i in range(3))
    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Times</title>'
        b"<entry><title>Dam cracks</title><id>urn:1</id><updated>2024-05-14T06:30:00Z</updated>"
        b'<content type="html">&lt;p&gt;Deep cracks have been found in the spillway.&lt;/p&gt;</content></entry></feed>'
    )
    return {
        "txt": ("story.txt", text),
        "md": ("story.md", b"# Harlow Dam cracks\n\n" + text.split(b"\n\n", 1)[1]),
        "html": ("page.html", html),
        "html.gz": ("page.html.gz", gzip.compress(html)),
        "json": ("story.json", (EXAMPLE / "04-meridian-news.json").read_bytes()),
        "jsonl": ("wire.jsonl", lines),
        "jsonl.gz": ("wire.jsonl.gz", gzip.compress(lines)),
        "warc": ("crawl.warc", _warc(html)),
        "warc.gz": ("crawl.warc.gz", gzip.compress(_warc(html))),
        "rss": ("feed.rss", (EXAMPLE / "03-harbour-times.rss").read_bytes()),
        "atom": ("feed.atom", atom),
        "stdin": ("-", text),
    }


SEEDS = _seeds()


# ---------------------------------------------------------------- mutations


def _unzipped(data: bytes) -> tuple[bytes, bool]:
    if data[:2] == b"\x1f\x8b":
        return zlib.decompressobj(31).decompress(data), True
    return data, False


NESTS = [(b"[", b"]"), (b"{\"a\":", b"}"), (b"<div>", b"</div>"), (b"<b><i>", b"</i></b>")]


def _nest(data: bytes, depth: int, where: int, kind: int) -> bytes:
    opener, closer = NESTS[kind]
    return data[:where] + opener * depth + data[where:] + closer * depth


def _encode(data: bytes, codec: str) -> bytes:
    text = data.decode("utf-8", errors="replace")
    return text.encode(codec, errors="replace")


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """``seed`` put through one to three mutations, each as a hostile user or a broken disk would."""
    data, zipped = _unzipped(seed)
    for _ in range(draw(st.integers(1, 3))):
        n = len(data)
        at = draw(st.integers(0, n))
        kind = draw(st.sampled_from(
            ["cut", "flip", "insert", "drop", "splice", "repeat", "nest", "encode", "nul", "huge-token", "gzip-cut",
             "no-char"]
        ))
        if kind == "cut":
            data = data[:at]
        elif kind == "flip" and n:
            for i in draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=20)):
                data = data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=200)) + data[at:]
        elif kind == "drop":
            data = data[:at] + data[at + draw(st.integers(1, 500)) :]
        elif kind == "splice":
            _, other = draw(st.sampled_from(sorted(SEEDS.values())))
            other = _unzipped(other)[0]
            data = data[:at] + other[draw(st.integers(0, len(other))) :]
        elif kind == "repeat" and n:
            chunk = data[at : at + draw(st.integers(1, 64))] or data[:1]
            data = data[:at] + chunk * (draw(st.integers(1000, MAX_INPUT)) // len(chunk)) + data[at:]
        elif kind == "nest":
            where = draw(st.sampled_from([0, at]))  # at the start, a format is told by what it nests
            data = _nest(data, draw(st.sampled_from([50, 1000, 5000, 100_000])), where, draw(st.integers(0, 3)))
        elif kind == "encode":
            data = _encode(data, draw(st.sampled_from(["utf-16", "utf-16-be", "utf-32", "latin-1", "cp1252", "shift_jis"])))
        elif kind == "nul":
            data = data[:at] + b"\x00" * draw(st.integers(1, 100)) + data[at:]
        elif kind == "huge-token":
            data = data[:at] + draw(st.sampled_from([b"a", b"A", b"1", b"/", b".", b" ", b"\n", b'"'])) * draw(
                st.integers(10_000, 500_000)) + data[at:]
        elif kind == "no-char":  # a reference or escape to what no text holds, or a terminal escape
            data = data[:at] + draw(st.sampled_from(NO_CHARS)) + data[at:]
        elif kind == "gzip-cut":
            data = gzip.compress(data)[: draw(st.integers(0, 400))]
            zipped = False
        data = data[:MAX_INPUT]
    return gzip.compress(data, compresslevel=1) if zipped else data


NO_CHARS = [b"&#xD800;", b"&#56320;", b"&#x110000;", b"&#99999999999999999999999;", b"&#x1b;[31m", b"&#0;",
            b"\\ud800", b"\\udfff\\ud800", b"\\u001b[2J", b"\x1b]8;;file:///etc/passwd\x07", b"\xed\xa0\x80"]
# Hypothesis' text leaves out lone surrogates, which JSON's "\ud800" makes.
JSON_LEAVES = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50)
               | st.sampled_from(["\ud800", "a\udfffb", "\x1b[31m", "&#xD800;"]))
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=30)
FIELDS = ["id", "title", "text", "body", "content", "outlet", "source", "url", "published", "date", "byline", "author", "authors"]


@st.composite
def json_records(draw: st.DrawFn) -> bytes:
    """JSON Lines of article records with any type in any field, as CMS exports and scrapers make them."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        record = {key: draw(JSON_VALUES | st.text()) for key in draw(st.lists(st.sampled_from(FIELDS), max_size=8))}
        if draw(st.booleans()):
            record["text"] = draw(st.text(min_size=1))
        lines.append(json.dumps(record, ensure_ascii=draw(st.booleans())))
    return "\n".join(lines).encode("utf-8", errors="surrogatepass")


# ---------------------------------------------------------------- the oracle


class Hang(Exception):
    pass


@contextlib.contextmanager
def deadline(cpu_seconds: int) -> Iterator[None]:
    """A Hang after ``cpu_seconds`` of this process's CPU (a loop), or ten times as long on
    the clock (a read that blocks): the shared machine's load stretches the clock, not the CPU."""
    def on_signal(signum: int, frame: object) -> None:
        raise Hang(f"no answer in {cpu_seconds} s of CPU" if signum == signal.SIGPROF else "blocked")

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    signal.alarm(10 * cpu_seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.alarm(0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def read(tmp: Path, name: str, data: bytes) -> list[Article | Problem]:
    """Read ``data`` as the file ``name`` (or as stdin): what holds for every input holds here."""
    with deadline(DEADLINE):
        if name == "-":
            items = list(iter_inputs(["-"], stdin=io.BytesIO(data), limits=LIMITS))
        else:
            path = tmp / name
            path.write_bytes(data)
            items = list(iter_inputs([str(path)], limits=LIMITS))
        articles = [i for i in items if isinstance(i, Article)]
        prepare_articles(articles)  # and the extract stage takes what the readers give
    assert all(isinstance(i, (Article, Problem)) for i in items)
    for item in items:
        if isinstance(item, Problem):
            assert item.reason in DOCUMENTED, (item.reason, item.message)
            assert "\n" not in item.message and item.message
        else:
            assert isinstance(item.text, str) and item.text.strip() and isinstance(item.id, str)
            # and it can be written out: valid Unicode everywhere (a lone surrogate stops any writer)
            dumps(article_to_dict(item)).encode("utf-8")
    RAN["inputs"] += 1
    RAN["articles"] += len(articles)
    RAN["problems"] += len(items) - len(articles)
    return items


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


FUZZ = settings(
    max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                           HealthCheck.function_scoped_fixture],
)


def _fuzz(reader: str, tmp_path: Path, examples: int) -> None:
    name, seed = SEEDS[reader]
    assert any(isinstance(i, Article) for i in read(tmp_path, name, seed))  # the seed itself reads
    before = _rss_mb()

    @settings(FUZZ, max_examples=examples)
    @given(mutated(seed))
    def each(data: bytes) -> None:
        read(tmp_path, name, data)

    each()
    assert _rss_mb() - before < 400, "memory grew over the run"


@pytest.mark.parametrize("reader", sorted(SEEDS))
def test_fuzz_reader(reader: str, tmp_path: Path) -> None:
    _fuzz(reader, tmp_path, EXAMPLES)


def test_fuzz_json_records(tmp_path: Path) -> None:
    @settings(FUZZ, max_examples=EXAMPLES * 3)
    @given(json_records())
    def each(data: bytes) -> None:
        read(tmp_path, "wire.jsonl", data)

    each()


@pytest.mark.slow
@pytest.mark.parametrize("reader", sorted(SEEDS))
def test_fuzz_reader_longer(reader: str, tmp_path: Path) -> None:
    _fuzz(reader, tmp_path, max(EXAMPLES, 300))


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Say how many inputs the run read (on the terminal, past pytest's capture)."""
    yield
    line = f"fuzz: {RAN['inputs']} inputs read ({RAN['articles']} articles, {RAN['problems']} problems)"
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\n{line}")
