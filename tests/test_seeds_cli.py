"""Issue "Foundation", done-when: the seed articles through `newsprism analyze --format json`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, shared_path


@pytest.fixture(scope="module")
def report() -> dict:
    seeds = shared_path("corpora", "seeds")
    proc = subprocess.run(
        [sys.executable, "-m", "newsprism", "analyze", str(seeds), "--format", "json", "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _article(report: dict, prefix: str) -> dict:
    return next(a for a in report["articles"] if a["id"].startswith(prefix))


def test_reads_all_five(report: dict) -> None:
    assert len(report["articles"]) == 5
    assert report["skipped"] == []


def test_outlet_and_byline_of_the_first(report: dict) -> None:
    a = _article(report, "000_")
    assert a["outlet"] == "World Israel News"
    assert a["byline"] == ["Vered Weiss"]
    assert "byline" in a["inferred"]


def test_republished_copy_is_marked(report: dict) -> None:
    assert _article(report, "001_")["syndicated_from"] == "Jewish News Syndicate"


def test_name_variants_are_merged(report: dict) -> None:
    people = [e for s in report["stories"] for e in s["entities"] if e["label"] == "PERSON"]

    def entities_with(variant: str) -> list[dict]:
        return [e for e in people if variant in e["variants"] or e["name"] == variant]

    shoigu = entities_with("Sergey Shoigu")
    assert shoigu and {"Sergei Shoigu", "Shoigu"} <= set(shoigu[0]["variants"]) | {shoigu[0]["name"]}
    bagheri = entities_with("Gen. Bagheri")
    assert bagheri and "Mohammad Bagheri" in bagheri[0]["name"]
    clarke = entities_with("Colin Clarke")
    assert clarke and clarke[0]["name"] == "Colin P. Clarke"


def test_unnamed_outlets_stay_apart(report: dict) -> None:
    # Four seeds name no outlet: each is listed by its own article id, never merged into one "unknown"
    # and never listed as an outlet.
    story = report["stories"][0]
    assert len(story["outlets"]) == 1 and len(set(story["outlet_not_known"])) == 4
    assert set(story["outlet_not_known"]) < set(story["articles"])


def test_a_claims_outlets_are_counted_as_the_storys(report: dict) -> None:
    # A claim's "outlets" listed "unnamed outlet (001_...)" beside World Israel News, as if each
    # article whose outlet is not known were an outlet: it names the known ones, and lists the rest apart.
    story = report["stories"][0]
    core = max(story["claims"], key=lambda c: len(c["articles"]))
    assert core["outlets"] == story["outlets"] == ["World Israel News"]
    assert core["outlet_not_known"] == story["outlet_not_known"]
    for c in story["claims"]:
        assert set(c["outlets"]) <= set(story["outlets"]) and set(c["outlet_not_known"]) <= set(c["articles"])
        assert len(c["outlets"]) + len(c["outlet_not_known"]) >= 1


def test_summary_reads_on_its_own(report: dict) -> None:
    """No sentence points back at something the summary never said ("The comments followed ...",
    "Shoigu also met ..."), no two repeat each other, and each cites an article that carries it."""
    from newsprism.claims.summary import _DANGLING, NOVEL, REDUNDANT, _content, _words

    story = report["stories"][0]
    summary = story["summary"]
    assert 2 <= len(summary) <= 5
    assert not [s["text"] for s in summary if _DANGLING.match(s["text"])]
    for i, a in enumerate(summary):
        for b in summary[i + 1:]:
            wa, wb = _words(a["text"]), _words(b["text"])
            assert len(wa & wb) / len(wa | wb) <= REDUNDANT
            ca, cb = set(_content(a["text"])), set(_content(b["text"]))
            assert len(ca & cb) <= (1 - NOVEL) * max(len(ca), len(cb))  # the later-chosen one says something new
    # Each sentence is one a claim holds (its own or an article's wording of it), citing only articles
    # that carry the claim, the article that prints the sentence among them.
    for s in summary:
        holders = [c for c in story["claims"] if s["text"] in {c["text"].strip(), *(e["text"].strip() for e in c["evidence"])}]
        assert holders, s["text"]
        assert s["articles"] and any(set(s["articles"]) <= set(c["articles"]) for c in holders)
