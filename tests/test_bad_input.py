"""Bad input: each bad file or record is one Problem and the rest of the batch goes on.

Checked through ``iter_inputs``, the pipeline's ``read`` and end to end through the CLI.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from newsprism.errors import StrictModeError
from newsprism.ingest import Limits, ingest, iter_inputs
from newsprism.model import Article, Problem
from newsprism.pipeline import Observer, Pipeline, Settings

from conftest import ROOT

GOOD = "Harbour reopens\n\nFerry crews at Glenmoor harbour returned to work on Thursday.\n"
WARC_PAGE = (ROOT / "tests" / "fixtures" / "ingest" / "site" / "02-sorrel-times.html").read_bytes()


def _undecodable() -> bytes:
    # Random high bytes with no NUL: charset-normalizer finds no plausible encoding.
    rnd = random.Random(7)
    return bytes(rnd.randrange(1, 256) for _ in range(3000))


def _truncated_warc(path: Path) -> None:
    from test_ingest import make_warc

    make_warc(path, [
        ("https://sorreltimes.example/a", WARC_PAGE, "text/html", "200 OK", None),
        ("https://sorreltimes.example/b", WARC_PAGE, "text/html", "200 OK", None),
    ], gz=False)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 500])  # cut inside the third record


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(data)
        return path

    return build


def _build_warc(directory: Path) -> Path:
    path = directory / "crawl.warc"
    _truncated_warc(path)
    return path


# (case, builder, reason, line, articles the bad file still yields)
CASES = [
    ("empty", _write("empty.txt", b""), "empty", None, 0),
    ("whitespace", _write("blank.txt", b"  \n\n\t\n"), "empty", None, 0),
    ("binary", _write("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))), "binary", None, 0),
    ("undecodable", _write("garbled.txt", _undecodable()), "undecodable", None, 0),
    ("bad-json-line", _write("wire.jsonl", b'{"text": "The first ferry of the day left Glenmoor harbour at six."}\n{"text": "The second ferry of the day was full by half past seven.",\n{"text": "The third ferry of the day was cancelled for lack of crew."}\n'), "bad-json", 2, 2),
    ("jsonl-not-an-object", _write("list.jsonl", b'{"text": "The first ferry of the day left Glenmoor harbour at six."}\n[1, 2]\n'), "bad-json", 2, 1),
    ("jsonl-no-text", _write("notext.jsonl", b'{"text": "The first ferry of the day left Glenmoor harbour at six."}\n{"title": "no body"}\n'), "no-text", 2, 1),
    ("bad-json-file", _write("broken.json", b'{"text": "The first ferry of the day left Glenmoor harbour at six.",\n "title": }'), "bad-json", None, 0),
    ("json-no-text", _write("item.json", b'{"title": "Headline only", "text": "  "}'), "no-text", None, 0),
    ("html-no-body", _write("menu.html", b"<html><body><nav>Home</nav></body></html>"), "no-body", None, 0),
    ("html-empty", _write("blank.html", b""), "empty", None, 0),
    ("feed-broken", _write("news.rss", b"<?xml version='1.0'?><rss><chan"), "bad-feed", None, 0),
    ("xml-not-a-feed", _write("sitemap.xml", b"<?xml version='1.0'?><urlset></urlset>"), "unsupported", None, 0),
    ("warc-truncated", _build_warc, "bad-warc", 3, 1),
    ("warc-not-a-warc", _write("fake.warc", b"this is not an archive\n" * 5), "bad-warc", None, 0),
]


@pytest.mark.parametrize("case,build,reason,line,still_read", CASES, ids=[c[0] for c in CASES])
def test_each_bad_input_is_one_problem_and_the_batch_goes_on(
    tmp_path: Path, case: str, build: Callable[[Path], Path], reason: str, line: int | None, still_read: int
) -> None:
    (tmp_path / "a-good.txt").write_text(GOOD)
    bad = build(tmp_path)
    (tmp_path / "z-good.txt").write_text(GOOD)
    # Named explicitly (first: a file is read once, as first named) so that formats a
    # directory walk passes over are read too.
    result = ingest([str(bad), str(tmp_path)])
    assert len(result.problems) == 1, result.problems
    (problem,) = result.problems
    assert (problem.path, problem.reason, problem.line) == (str(bad), reason, line)
    assert problem.message and "\n" not in problem.message
    assert [a.id for a in result.articles if a.id in ("a-good", "z-good")] == ["a-good", "z-good"]
    assert len(result.articles) == 2 + still_read


def test_missing_path_and_empty_glob(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD)
    result = ingest([str(tmp_path / "nope.txt"), str(tmp_path / "*.nothing"), str(tmp_path)])
    assert [(p.reason, p.path) for p in result.problems] == [
        ("not-found", str(tmp_path / "nope.txt")),
        ("not-found", str(tmp_path / "*.nothing")),
    ]
    assert [a.id for a in result.articles] == ["good"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without read permission")
def test_file_without_read_permission(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD)
    locked.chmod(0)
    try:
        result = ingest([str(tmp_path)])
    finally:
        locked.chmod(0o644)
    assert [(p.reason, p.path) for p in result.problems] == [("unreadable", str(locked))]


def test_os_errors_while_reading_are_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "b.txt").write_text(GOOD)
    real_open = open

    def flaky_open(path, *args, **kwargs):
        if str(path).endswith("a.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", flaky_open)
    result = ingest([str(tmp_path)])
    assert [(p.reason, Path(p.path).name) for p in result.problems] == [("unreadable", "a.txt")]
    assert [a.id for a in result.articles] == ["b"]


def test_single_article_over_max_bytes_is_too_large(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("Headline\n\n" + "word " * 400)
    (tmp_path / "big.html").write_text("<html><body><p>" + "word " * 400 + "</p></body></html>")
    (tmp_path / "big.json").write_text(json.dumps({"text": "word " * 400}))
    result = ingest([str(tmp_path)], limits=Limits(article_bytes=1000))
    assert [(Path(p.path).name, p.reason) for p in result.problems] == [
        ("big.html", "too-large"), ("big.json", "too-large"), ("big.txt", "too-large"),
    ]


def test_multi_record_files_are_streamed_not_refused_for_size(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"record {i} " + "x" * 80}) for i in range(100)]
    lines.insert(50, json.dumps({"text": "y" * 5000}))  # one record over the limit
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 5 * 1000
    result = ingest([str(path)], limits=Limits(article_bytes=1000))
    assert len(result.articles) == 100
    assert [(p.reason, p.line) for p in result.problems] == [("too-large", 51)]
    assert result.articles[50].source.line == 52  # line numbering continues past the long line


def test_200_mb_text_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(200_000_000)  # sparse: instant to make, and would be slow to read
    (tmp_path / "small.txt").write_text(GOOD)
    result = ingest([str(tmp_path)])
    assert [(p.reason, Path(p.path).name) for p in result.problems] == [("too-large", "huge.txt")]
    assert "200.0 MB" in result.problems[0].message
    assert [a.id for a in result.articles] == ["small"]


def test_directory_of_10000_files_is_read_whole(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for i in range(100):
        sub = corpus / f"d{i:03d}"
        sub.mkdir(parents=True)
        for j in range(100):
            (sub / f"{j:03d}.txt").write_text(f"Story {i} {j}\n\nThe body of story {i} {j}, which the harbour office wrote on Thursday.\n")
    n = sum(1 for item in iter_inputs([str(corpus)]) if isinstance(item, Article))
    assert n == 10_000


def test_never_raises_when_a_parser_breaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.html").write_bytes(WARC_PAGE)
    (tmp_path / "b.txt").write_text(GOOD)

    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("trafilatura.bare_extraction", broken)
    items = list(iter_inputs([str(tmp_path)]))
    assert [type(i) for i in items] == [Problem, Article]
    assert items[0].reason == "parse-error"


# ---------------------------------------------------------------- through the CLI


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    (tmp_path / "01-good.txt").write_text(GOOD)
    (tmp_path / "02-empty.txt").write_bytes(b"")
    (tmp_path / "03-photo.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "04-wire.jsonl").write_text('{"text": "The first ferry of the day left Glenmoor harbour at six."}\n{"text": oops}\n{"text": "The third ferry of the day was cancelled for lack of crew."}\n')
    return tmp_path


class _Seen(Observer):
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.read_counts: list[tuple[int, int]] = []

    def problem(self, problem: Problem) -> None:
        self.problems.append(problem)

    def read(self, articles: int, problems: Sequence[Problem]) -> None:
        self.read_counts.append((articles, len(problems)))


def test_reading_reports_each_skipped_input_to_the_observer_and_goes_on(messy: Path) -> None:
    seen = _Seen()
    articles, skipped = Pipeline(observer=seen).read([str(messy)])
    assert len(articles) == 3
    assert seen.problems == skipped
    assert [(p.where(), p.reason) for p in skipped] == [
        (str(messy / "02-empty.txt"), "empty"),
        (str(messy / "03-photo.txt"), "binary"),
        (f"{messy / '04-wire.jsonl'}:2", "bad-json"),
    ]
    assert seen.read_counts == [(3, 3)]


def test_a_strict_run_stops_once_every_input_was_read(messy: Path) -> None:
    seen = _Seen()
    with pytest.raises(StrictModeError, match="3 input") as e:
        Pipeline(Settings(strict=True), observer=seen).read([str(messy)])
    assert "--strict" not in str(e.value)  # a library error names no flag
    assert len(seen.problems) == 3 and seen.read_counts == [(3, 3)]


def test_cli_warns_per_file_and_counts_skips(messy: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newsprism", "cluster", str(messy)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    err = proc.stderr
    assert f"warning: {messy / '02-empty.txt'}: empty file (skipped)" in err
    assert f"{messy / '03-photo.txt'}: binary file" in err
    assert f"warning: {messy / '04-wire.jsonl'}:2: invalid JSON" in err
    assert "read 3 article(s), skipped 3: 1 bad-json, 1 binary, 1 empty" in err
    assert "Traceback" not in err


def test_cli_strict_exit_is_one_line_without_traceback(messy: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newsprism", "analyze", str(messy), "--strict", "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == StrictModeError.exit_code
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("error: 3 input(s) skipped")
    assert sum(line.startswith("warning:") for line in lines) == 3
