"""`newsprism read` (a pile of inputs to clean article JSONL) and `newsprism eval extraction`
(body text with the benchmark's metric, metadata against labels) on invented inputs."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsprism.evaluation.extraction import field_matches, half_ids, norm_outlet, score_bodies, score_metadata
from newsprism.ingest.reading import RECORD_FIELDS

from conftest import ROOT

PAGE = (ROOT / "tests" / "fixtures" / "ingest" / "site" / "02-sorrel-times.html").read_text(encoding="utf-8")
BODY = [
    "Ferry crews at Glenmoor harbour walked out on Tuesday, stranding roughly 3,000 commuters who cross to Sorrel Island each morning, according to the crews' union.",
    "The union says the operator, Bluewake Lines, has ignored complaints about long shifts and thin rosters since early 2023, and that two crew members fainted on duty last winter.",
]


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsprism", *args], cwd=ROOT, capture_output=True, input=stdin, timeout=300)


def _pile(tmp_path: Path) -> Path:
    pile = tmp_path / "pile"
    pile.mkdir()
    (pile / "a-ferry.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (pile / "b-bridge.txt").write_text(
        "Alder Bridge closed after crack found\n\nBy Vela Moreno, Tamsin Herald\n\n"
        "The Alder Bridge was closed on Friday after engineers found a crack in one of its piers, the county said.\n",
        encoding="utf-8",
    )
    rows = [{"id": "w1", "title": "Pilots strike", "text": "Harbour pilots struck on Monday, the guild said.", "outlet": "Tamsin Wire"},
            {"id": "w2", "text": ""}]
    (pile / "c-wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return pile


def test_read_prints_each_article_as_read_with_its_evidence(tmp_path: Path) -> None:
    proc = _run("read", str(_pile(tmp_path)))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["id"] for r in rows] == ["a-ferry", "b-bridge", "w1"]
    assert all(set(RECORD_FIELDS) <= set(r) and "evidence" in r for r in rows)
    ferry, bridge, wire = rows
    assert ferry["source"] == {"path": str(tmp_path / "pile" / "a-ferry.html.gz"), "line": None}
    assert (ferry["outlet"], ferry["byline"], ferry["published"]) == ("Sorrel Island Times", ["Malik Brennan"], "2025-03-04T09:30:00+01:00")
    assert ferry["evidence"]["outlet"] == {"from": "og:site_name"}
    assert bridge["byline"] == ["Vela Moreno"] and bridge["outlet"] == "Tamsin Herald"
    span = bridge["evidence"]["byline"]
    assert bridge["text"][span["start"] : span["end"]] == span["text"] == "Vela Moreno"
    assert wire["source"] == {"path": str(tmp_path / "pile" / "c-wire.jsonl"), "line": 1}
    err = proc.stderr.decode()
    assert "c-wire.jsonl:2" in err and "read 3 article(s), skipped 1" in err


def test_read_json_is_one_list_and_strict_fails_on_a_skip(tmp_path: Path) -> None:
    pile = _pile(tmp_path)
    proc = _run("read", str(pile), "--format", "json", "-q")
    assert proc.returncode == 0
    assert [r["id"] for r in json.loads(proc.stdout)] == ["a-ferry", "b-bridge", "w1"]
    assert _run("read", str(pile), "--strict", "-q").returncode == 3
    assert _run("read", str(pile), "--format", "xml").returncode == 2


def test_read_output_reads_back_as_the_same_articles(tmp_path: Path) -> None:
    first = _run("read", str(_pile(tmp_path)), "-o", str(tmp_path / "out.jsonl"), "-q")
    assert first.returncode == 0
    again = [json.loads(line) for line in _run("read", str(tmp_path / "out.jsonl"), "-q").stdout.decode().splitlines()]
    before = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert before
    for a, b in zip(before, again, strict=True):
        assert {k: a[k] for k in ("id", "title", "text", "outlet", "byline", "published", "url")} == {
            k: b[k] for k in ("id", "title", "text", "outlet", "byline", "published", "url")
        }


# ---------------------------------------------------------------- eval extraction


def test_body_scores_follow_the_benchmark_metric() -> None:
    truth = {"a": "one two three four five six", "b": "alpha beta gamma delta", "c": ""}
    m = score_bodies(truth, {"a": "one two three four five six", "b": "", "c": ""})
    # a: exact (P=R=1); b: nothing predicted (R=0, left out of precision); c: both empty (left out of
    # both, but exact).
    assert (m["precision"], m["recall"], m["exact"], m["missing"]) == (1.0, 0.5, round(2 / 3, 4), 0)
    half = score_bodies(truth, {"a": "one two three four five six seven"})
    assert half["missing"] == 2 and half["precision"] == 0.75 and half["recall"] == 0.5


def test_halves_alternate_over_the_sorted_ids() -> None:
    ids = ["d", "a", "c", "b", "e"]
    assert half_ids(ids, "dev") == ["a", "c", "e"] and half_ids(ids, "other") == ["b", "d"]
    assert sorted(half_ids(ids, "dev") + half_ids(ids, "other")) == half_ids(ids, "all")


@pytest.mark.parametrize(
    ("field", "label", "got", "ok"),
    [
        ("title", "‘Meth. We’re on it.’: Spokane", "'Meth. We're on it.': Spokane", True),
        ("title", "Clymer workshop manual review", "Clymer workshop manual review | MoreBikes", False),
        ("byline", ["Sarah E. Needleman"], ["Sarah E Needleman"], True),
        ("byline", ["Lisa Mascaro", "Eric Tucker"], ["ERIC TUCKER", "LISA MASCARO"], True),
        ("byline", [], ["Admin"], False),
        ("published", "2019-11-18", "2019-11-19T02:24:00+00:00", True),  # 9:24pm in New York
        ("published", "2019-11-18", "2019-11-19T02:24:00", False),  # no offset: the printed day counts
        ("published", "2019-11-18", "2019-11-20", False),
        ("published", "2019-11-18", "0001-01-01T00:00:00+00:00", False),
        ("outlet", "Sportsnet", "Sportsnet.ca", True),
        ("outlet", "The Wall Street Journal", "Wall Street Journal", True),
        ("outlet", ["Express", "Daily Express"], "Daily Express", True),
        ("outlet", "Slate", "Slate Magazine", False),
        ("outlet", "Slate", None, False),
    ],
)
def test_metadata_matching_rules(field: str, label: object, got: object, ok: bool) -> None:
    assert field_matches(field, label, got) is ok


def test_metadata_scores_leave_undated_pages_out_of_the_date_score() -> None:
    labels = {"p1": {"title": "A b", "byline": [], "published": None, "outlet": "X"},
              "p2": {"title": "C d", "byline": ["Ana Ruiz"], "published": "2024-01-02", "outlet": "Y"}}
    rows = {"p1": {"title": "A b", "byline": [], "published": "2024-01-01", "outlet": "X.com"},
            "p2": {"title": "C d!", "byline": ["Ana Ruiz"], "published": "2024-01-03", "outlet": "Z"}}
    m = score_metadata(labels, rows)
    assert m["published"] == {"accuracy": 0.0, "right": 0, "scored": 1}
    assert m["outlet"]["accuracy"] == 0.5 and m["title"]["accuracy"] == 1.0
    assert norm_outlet("The Spokesman-Review") == "spokesmanreview"


def test_eval_extraction_reads_a_benchmark_folder(tmp_path: Path) -> None:
    bench = tmp_path / "bench"
    (bench / "html").mkdir(parents=True)
    (bench / "html" / "p1.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (bench / "ground_truth.json").write_text(json.dumps({"p1": {"articleBody": "\n".join(BODY), "url": "u"}}))
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"id": "p1", "title": "Glenmoor ferry strike strands island commuters",
                                  "byline": ["Malik Brennan"], "published": "2025-03-04", "outlet": "Sorrel Island Times"}) + "\n")
    proc = _run("eval", "extraction", str(bench), "--labels", str(labels), "--format", "json", "-q",
                "--save-pred", str(tmp_path / "pred.jsonl"))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    # The page has two paragraphs more than this truth: every true shingle found, about half the rest extra.
    assert out["pages"] == 1 and out["missing"] == 0 and out["recall"] == 1.0 and 0.4 < out["precision"] < 0.6
    assert all(out["metadata"][f]["accuracy"] == 1.0 for f in ("title", "byline", "published", "outlet"))
    again = json.loads(_run("eval", "extraction", str(bench), "--pred", str(tmp_path / "pred.jsonl"), "-f", "json", "-q").stdout)
    assert {k: again[k] for k in ("f1", "precision", "recall")} == {k: out[k] for k in ("f1", "precision", "recall")}
