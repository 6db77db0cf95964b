"""Hostile input, one class per test: bombs and huge inputs, deep nesting, pipes, link loops.

Every hostile input is made here, small on disk: a gzip bomb is a few hundred kilobytes
of deflate blocks that would expand to gigabytes, and the test passes only if the cap
cuts it off. Each test also checks that the good articles beside the bad input come
through.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import threading
import time
import zlib
from pathlib import Path

import pytest

from newsprism.ingest import Limits, ingest, iter_inputs
from newsprism.model import Article, Problem

GOOD = "Harbour reopens\n\nFerry crews at Glenmoor harbour returned to work on Thursday.\n"
# JSON records of one sentence each: more than the no-body rule's short sentence.
W = {k: f"The {k} ferry of the day left Glenmoor harbour on time." for k in ("first", "second", "third", "fourth")}
GB = 1_000_000_000


def _deflated(data: bytes) -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)  # stands alone, not final


def gzip_bomb(path: Path, block: bytes, expands_to: int, prefix: bytes = b"") -> None:
    """A gzip file of ``prefix``, then ``block`` repeated to ``expands_to`` bytes, written in
    a fraction of a second: a megabyte of blocks is compressed once and its deflate output
    repeated. It has no trailer: a reader that gets that far has already failed."""
    unit = block * (1_000_000 // len(block))
    chunk = _deflated(unit)
    with path.open("wb") as f:
        f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + _deflated(prefix))
        for _ in range(expands_to // len(unit)):
            f.write(chunk)


def _good_dir(tmp_path: Path) -> Path:
    (tmp_path / "a-good.txt").write_text(GOOD)
    (tmp_path / "z-good.txt").write_text(GOOD)
    return tmp_path


def _good_ids(result) -> list[str]:
    return [a.id for a in result.articles if a.id in ("a-good", "z-good")]


# ---------------------------------------------------------------- bombs and huge inputs


def test_gzip_bomb_of_valid_lines_is_cut_off_and_keeps_what_came_before(tmp_path: Path) -> None:
    line = json.dumps({"title": "Ferry", "text": "Ferry crews returned to work on Thursday. " * 20}) + "\n"
    bomb = tmp_path / "wire.jsonl.gz"
    gzip_bomb(bomb, line.encode(), expands_to=GB // 4)
    assert bomb.stat().st_size < 1_500_000
    start = time.perf_counter()
    result = ingest([str(bomb), str(_good_dir(tmp_path))])
    elapsed = time.perf_counter() - start
    (problem,) = result.problems
    assert (problem.path, problem.reason) == (str(bomb), "too-large")
    assert "gzip bomb" in problem.message and "more than 100 times" in problem.message
    # Cut off after Limits.bomb_floor (16 MB) of the 250 MB: the lines before it are articles.
    n_from_bomb = len(result.articles) - 2
    assert 16_000_000 // len(line) - 100 < n_from_bomb < 17_000_000 // len(line)
    assert _good_ids(result) == ["a-good", "z-good"]
    assert elapsed < 60


def test_gzip_bomb_of_junk_lines_gives_a_few_warnings_and_a_count(tmp_path: Path) -> None:
    bomb = tmp_path / "junk.jsonl.gz"
    gzip_bomb(bomb, b"{not json at all}\n", expands_to=GB // 4)
    result = ingest([str(bomb), str(_good_dir(tmp_path))], limits=Limits(bomb_floor=2_000_000))
    bad = [p for p in result.problems if p.reason == "bad-json"]
    assert [p.line for p in bad[:10]] == list(range(1, 11))
    assert len(bad) == 11  # ten listed, the rest counted in one
    assert 1_950_000 // 18 <= bad[-1].count < 2_100_000 // 18 and "more like the above" in bad[-1].message
    (cut,) = [p for p in result.problems if p.reason == "too-large"]
    assert "gzip bomb" in cut.message
    assert _good_ids(result) == ["a-good", "z-good"]


@pytest.mark.parametrize("name", ["page.html.gz", "crawl.warc.gz", "feed.rss.gz", "story.txt.gz", "-"])
def test_every_gzipped_format_goes_through_the_one_capped_path(tmp_path: Path, name: str) -> None:
    """A bomb in any format (and on stdin) stops at the cap; a normal file of it reads."""
    page = b"<html><body><article><p>" + b"Ferry crews returned to work on Thursday. " * 5 + b"</p></article></body></html>"
    fill = {
        "page.html.gz": page, "story.txt.gz": GOOD.encode(),
        "feed.rss.gz": b"<?xml version='1.0'?><rss><channel><title>Harbour</title><item><title>Ferry</title>"
                       b"<description>Ferry crews returned to work on Thursday, the union said.</description></item></channel></rss>",
    }
    if name == "crawl.warc.gz":
        from test_ingest import make_warc

        make_warc(tmp_path / "plain.warc", [("https://x.example/a", page, "text/html", "200 OK", None)], gz=False)
        fill[name] = (tmp_path / "plain.warc").read_bytes()
        (tmp_path / "plain.warc").unlink()
    normal = tmp_path / ("normal-" + name if name != "-" else "normal.txt.gz")
    normal.write_bytes(gzip.compress(fill.get(name, GOOD.encode())))
    assert [type(i) for i in iter_inputs([str(normal)])] == [Article]

    bomb = tmp_path / ("bomb-" + name if name != "-" else "bomb")
    prefix = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://x.example/b\r\n"
              b"Content-Type: application/http; msgtype=response\r\nContent-Length: 1000000200\r\n\r\n"
              b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>") if name == "crawl.warc.gz" else b""
    gzip_bomb(bomb, b"<p>" + b"a " * 500 + b"</p>\n", expands_to=GB, prefix=prefix)
    limits = Limits(bomb_floor=1_000_000)
    if name == "-":
        with bomb.open("rb") as stdin:
            items = list(iter_inputs(["-", str(_good_dir(tmp_path))], stdin=stdin, limits=limits))
    else:
        items = list(iter_inputs([str(bomb), str(_good_dir(tmp_path))], limits=limits))
    problems = [i for i in items if isinstance(i, Problem)]
    assert [(p.reason, "gzip bomb" in p.message or "limit" in p.message) for p in problems] == [("too-large", True)]
    assert [i.id for i in items if isinstance(i, Article) and i.id.endswith("good")] == ["a-good", "z-good"]


@pytest.mark.parametrize("cut", [12, 30])  # in the gzip header; in the first deflate block
def test_a_truncated_gzip_on_stdin_is_bad_gzip_and_the_rest_is_read(tmp_path: Path, cut: int) -> None:
    stdin = io.BytesIO(gzip.compress(GOOD.encode() * 50)[:cut])
    items = list(iter_inputs(["-", str(_good_dir(tmp_path))], stdin=stdin))
    problems = [i for i in items if isinstance(i, Problem)]
    assert [(p.path, p.reason) for p in problems] == [("<stdin>", "bad-gzip")]
    assert [i.id for i in items if isinstance(i, Article)] == ["a-good", "z-good"]


def test_input_over_the_size_cap_stops_and_keeps_the_records_before(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps({"text": f"record {i} " + "x" * 80}) + "\n" for i in range(1000)))
    result = ingest([str(path), str(_good_dir(tmp_path))], limits=Limits(input_bytes=50_000))
    (problem,) = result.problems
    assert (problem.reason, problem.path) == ("too-large", str(path))
    assert "limit for one input" in problem.message
    assert 400 < len(result.articles) - 2 < 50_000 // 100
    assert _good_ids(result) == ["a-good", "z-good"]


def test_record_cap_stops_an_input_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps({"text": f"record {i}: {W['first']}"}) + "\n" for i in range(100)))
    result = ingest([str(path), str(_good_dir(tmp_path))], limits=Limits(records=30))
    (problem,) = result.problems
    assert problem.reason == "too-many-records" and "after line 30" in problem.message
    assert len(result.articles) == 30 + 2


def test_repeated_warnings_collapse_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsprism.commands._common import observing
    from newsprism.pipeline import Pipeline

    path = tmp_path / "junk.jsonl"
    path.write_text("{oops}\n" * 5000 + json.dumps({"text": W["first"]}) + "\n")
    with observing(quiet=True) as observer:  # what the commands show of a run
        articles = Pipeline(observer=observer).read([str(path), str(_good_dir(tmp_path))]).articles
    assert len(articles) == 3
    err = capsys.readouterr().err.splitlines()
    warnings = [line for line in err if line.startswith("warning:")]
    assert len(warnings) == 11
    assert warnings[-1].startswith(f"warning: {path}: 4,990 more like the above")
    assert "read 3 article(s), skipped 5000: 5000 bad-json" in err[-1]


# ---------------------------------------------------------------- deep nesting


def test_a_deeply_nested_jsonl_line_is_one_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    deep = '{"text": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    authors = json.dumps({"text": W["second"], "author": json.loads("[" * 500 + '"A"' + "]" * 500)})
    path.write_text(f'{{"text": "{W["first"]}"}}\n{deep}\n{authors}\n{{"text": "{W["third"]}"}}\n')
    result = ingest([str(path)])
    assert [(p.reason, p.line) for p in result.problems] == [("bad-json", 2)]
    assert "nested too deeply" in result.problems[0].message
    assert [a.text for a in result.articles] == [W["first"], W["second"], W["third"]]


@pytest.mark.parametrize("name", ["wire.json", "-"])
@pytest.mark.parametrize("pad", [0, 100_000])  # the first line within the sniffed head, and past it
def test_json_lines_whose_first_line_nests_too_deeply_keep_the_lines_after(tmp_path: Path, name: str, pad: int) -> None:
    """Told apart from one JSON document by its first line, which json cannot read: the stream
    crashed the run (RecursionError out of the format sniffer) or was lost whole."""
    deep = '{"text": "x", "pad": "' + "p" * pad + '", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    data = f'{deep}\n{{"text": "{W["second"]}"}}\n{{"text": "{W["third"]}", "n": {"9" * 5000}}}\n{{"text": "{W["fourth"]}"}}\n'.encode()
    if name == "-":
        items = list(iter_inputs(["-"], stdin=io.BytesIO(data)))
    else:
        (tmp_path / name).write_bytes(data)
        items = list(iter_inputs([str(tmp_path / name)]))
    problems = [(i.reason, i.line, i.message[:40]) for i in items if isinstance(i, Problem)]
    assert problems == [
        ("bad-json", 1, "invalid JSON: nested too deeply to read"),
        ("bad-json", 3, "invalid JSON: Exceeds the limit (4300 di"),
    ]
    assert [i.text for i in items if isinstance(i, Article)] == [W["second"], W["fourth"]]


def test_a_deeply_nested_unknown_field_is_kept_as_a_note_and_writes_as_json(tmp_path: Path) -> None:
    from newsprism.report.jsonout import to_jsonable

    path = tmp_path / "story.json"
    nested = "[" * 900 + "1" + "]" * 900
    path.write_text('{"text": "Ferry crews at Glenmoor harbour returned to work.", "shallow": {"a": [1, 2]}, "deep": ' + nested + "}")
    (article,) = ingest([str(path)]).articles
    assert article.extra["shallow"] == {"a": [1, 2]}
    assert article.extra["deep"].startswith("(not kept: nested deeper than 64 levels")
    json.dumps(to_jsonable(article))


# ---------------------------------------------------------------- pipes and link loops


def test_a_named_pipe_without_a_writer_is_skipped_after_a_bounded_wait(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.txt"
    os.mkfifo(fifo)
    start = time.perf_counter()
    result = ingest([str(fifo), str(_good_dir(tmp_path))], limits=Limits(fifo_wait=0.3))
    assert time.perf_counter() - start < 10
    assert [(p.path, p.reason) for p in result.problems] == [(str(fifo), "unreadable")]
    assert "no writer" in result.problems[0].message
    assert _good_ids(result) == ["a-good", "z-good"]


def test_a_named_pipe_with_a_writer_is_read_like_stdin(tmp_path: Path) -> None:
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("wb") as f:
            f.write(gzip.compress(f'{{"text": "{W["first"]}"}}\n{{"text": "{W["second"]}"}}\n'.encode()))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        result = ingest([str(fifo)], limits=Limits(fifo_wait=30))
    finally:
        writer.join(timeout=30)
    assert result.problems == []
    assert [(a.id, a.text) for a in result.articles] == [("feed#1", W["first"]), ("feed#2", W["second"])]


def test_a_recursive_glob_over_symlink_loops_ends_and_reads_each_file_once(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(GOOD)
    (root / "sub" / "b.txt").write_text(GOOD)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "c.txt").write_text(GOOD)
    for i in range(4):  # 4 loops: glob.glob's search would branch 4 ways at every level
        (root / f"loop{i}").symlink_to(root, target_is_directory=True)
        (root / "sub" / f"up{i}").symlink_to("..", target_is_directory=True)
    start = time.perf_counter()
    result = ingest([f"{root}/**/*.txt", f"{root}/**"])
    assert time.perf_counter() - start < 10
    assert result.problems == []
    assert [a.id for a in result.articles] == ["a", "sub/b"]


# ---------------------------------------------------------------- characters no text holds


NO_CHARS = ["&#xD800;", "&#56320;", "&#x110000;", "&#99999999999999999999999;", "&#x1b;[31m", "&#0;"]


@pytest.mark.parametrize("ref", NO_CHARS)
def test_a_reference_to_no_character_keeps_the_page_and_the_feed(tmp_path: Path, ref: str) -> None:
    """feedparser raised on the whole feed (a surrogate, past U+10FFFF, 20 digits) and
    trafilatura dropped every paragraph of a page with a control character's reference."""
    from conftest import EXAMPLE

    page = (EXAMPLE / "01-kestrel-courier.html").read_text()
    at = page.index("<p>") + 3
    (tmp_path / "page.html").write_text(page[:at] + ref + " " + page[at:])
    (tmp_path / "feed.rss").write_text(
        f"<?xml version='1.0'?><rss><channel><title>Harbour{ref}</title><item><title>Ferry {ref}</title>"
        f"<guid>g{ref}</guid><description>&lt;p&gt;Ferry crews {ref} returned to work on Thursday, the union said.&lt;/p&gt;</description>"
        "</item></channel></rss>"
    )
    result = ingest([str(tmp_path / "page.html"), str(tmp_path / "feed.rss")])
    assert result.problems == []
    page_article, entry = result.articles
    assert page_article.text.startswith("Engineers find cracks") and len(page_article.text) > 1000
    assert entry.text.startswith("Ferry crews") and entry.text.endswith("returned to work on Thursday, the union said.")
    for article in result.articles:
        _writable(article)


def test_lone_surrogates_in_json_are_replaced_and_every_format_writes(tmp_path: Path) -> None:
    """A JSON "\\ud800" escape is a string no writer takes: every report format exited 70."""
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.report.html import render_html
    from newsprism.report.jsonout import render_json
    from newsprism.report.markdown import render_markdown

    from fixtures.brief.stories import shared_nlp

    path = tmp_path / "wire.jsonl"
    path.write_text(
        '{"id": "a\\ud800", "title": "Ferry \\udfff", "outlet": "Harbour \\ud800", "author": "Ann \\ud800 Lee",'
        ' "text": "Ferry crews returned to work on Thursday \\ud800 in the harbour.", "tags": ["x\\ud800", {"k\\udc00": 1}]}\n'
        '{"text": "Ferry crews returned to work on Thursday in the harbour, \\"at last\\" \\udfff, the mayor said."}\n'
    )
    result = ingest([str(path)])
    assert result.problems == []
    first = result.articles[0]
    assert (first.id, first.title, first.outlet) == ("a\ufffd", "Ferry \ufffd", "Harbour \ufffd")
    assert first.extra["tags"] == ["x\ufffd", {"k\ufffd": 1}]
    pipeline = Pipeline(Settings(workers=0), nlp=shared_nlp())
    analysis = pipeline.analyze(pipeline.read([str(path)]).articles)
    for text in (render_markdown(analysis), render_json(analysis), render_html(analysis.briefs)):
        text.encode("utf-8")
    for article in result.articles:
        _writable(article)


def _writable(article: Article) -> None:
    from newsprism.report.escape import dumps
    from newsprism.report.jsonout import article_to_dict

    dumps(article_to_dict(article)).encode("utf-8")


# ---------------------------------------------------------------- pages of very many elements


def test_a_page_of_very_many_elements_is_read_without_trafilatura(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """trafilatura's time grows with the square of a page's elements: 80,000 short paragraphs
    took 30 s of CPU, a 50 MB page of them would take hours. Such a page is read plainly."""
    from newsprism.ingest import htmlpage

    from conftest import EXAMPLE

    page = (EXAMPLE / "01-kestrel-courier.html").read_text()
    at = page.index("<p>")
    n = htmlpage.MAX_EXTRACTED_ELEMENTS
    (tmp_path / "huge.html").write_text(page[:at] + "<p>Ferry crews returned to work.</p>" * n + page[at:])
    (tmp_path / "small.html").write_text(page)

    def no_trafilatura(tree, url, *, favor):  # noqa: ANN001, ANN202
        raise AssertionError("trafilatura was given a page of more elements than it can take")

    extract = htmlpage._extract
    monkeypatch.setattr(htmlpage, "_extract", lambda tree, url, *, favor: (
        no_trafilatura(tree, url, favor=favor) if sum(1 for _ in tree.iter()) > n else extract(tree, url, favor=favor)))
    result = ingest([str(tmp_path / "huge.html"), str(tmp_path / "small.html")])
    assert result.problems == []
    huge, small = result.articles
    assert huge.text.count("Ferry crews returned to work.") == n
    assert huge.text.startswith("Engineers find cracks in Harlow Dam spillway")
    assert set(small.text.split("\n\n")) <= set(huge.text.split("\n\n"))  # every paragraph, and a byline line
    assert (huge.title, huge.byline, huge.outlet) == (small.title, small.byline, small.outlet)
