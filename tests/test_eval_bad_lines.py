"""A bad line in an eval command's gold, article or prediction file is skipped as bad article
input is: one warning naming the file and the line, a count, the other lines scored as if the
bad one were not there; --strict makes it exit 3 (tests/test_strict_every_command.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.errors import EvalError
from newsprism.evaluation.io import read_jsonl

from conftest import run_main

TEXTS = {
    "d1": "The mayor said the bridge will reopen on Friday. Crews worked through the night.",
    "d2": "Ferry crews walked out on Monday, the union said in a statement.",
}


def _span(doc: str, words: str) -> list[int]:
    start = TEXTS[doc].index(words)
    return [start, start + len(words)]


def _files(tmp: Path) -> dict[str, list[str]]:
    """Articles, gold attributions and the predictions of both scorers, one JSON line each."""
    def attribution(doc: str, source: str, cue: str, content: str) -> dict[str, object]:
        return {part: {"text": words, "spans": [_span(doc, words)]} for part, words in (("source", source), ("cue", cue), ("content", content))}

    gold = {"d1": attribution("d1", "The mayor", "said", "the bridge will reopen on Friday"),
            "d2": attribution("d2", "the union", "said", "Ferry crews walked out on Monday")}
    quotes, spans = [], []
    for doc, g in gold.items():
        (cs, ce), (ss, se), (us, ue) = g["content"]["spans"][0], g["source"]["spans"][0], g["cue"]["spans"][0]  # type: ignore[index]
        who = {"start": ss, "end": se, "text": TEXTS[doc][ss:se], "name": TEXTS[doc][ss:se], "kind": "person"}
        quotes.append({"id": doc, "quotes": [{"content": {"start": cs, "end": ce}, "speaker": who, "cue": {"start": us, "end": ue}, "direct": False, "act": "speech"}]})
        spans.append({"id": doc, "spans": [{"start": min(cs, ss), "end": max(ce, ue), "source": who, "via": [], "act": "speech"}]})
    return {
        "articles": [json.dumps({"id": d, "text": t}) for d, t in TEXTS.items()],
        "gold": [json.dumps({"id": d, "annotator": "a", "attributions": [g]}) for d, g in gold.items()],
        "quotes": [json.dumps(q) for q in quotes],
        "provenance": [json.dumps(s) for s in spans],
    }


def _write(path: Path, lines: list[str]) -> str:
    path.write_text("".join(line + "\n" for line in lines))
    return str(path)


@pytest.mark.parametrize("scorer", ["quotes", "provenance"])
def test_bad_lines_are_warned_counted_and_the_rest_scored(scorer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = _files(tmp_path)
    clean = [_write(tmp_path / f"clean-{k}.jsonl", files[k]) for k in ("articles", "gold", scorer)]
    code, out, err = run_main(capsys, "eval", scorer, clean[0], "--gold", clean[1], "--pred", clean[2], "--format", "json", "-q")
    assert code == 0 and err == "", err
    expected = json.loads(out)
    assert expected["docs"] == 2 and expected["e2e_f1" if scorer == "quotes" else "attributed_f1"] > 0.9, expected

    bad = ["{not json", "[1, 2]", json.dumps({"text": "no id"}), json.dumps({"id": 7, "text": "a number"})]
    messy = [_write(tmp_path / f"messy-{k}.jsonl", [files[k][0], *bad, files[k][1]]) for k in ("articles", "gold", scorer)]
    code, out, err = run_main(capsys, "eval", scorer, messy[0], "--gold", messy[1], "--pred", messy[2], "--format", "json", "-q")
    assert code == 0, err  # was: exit 1 at the first bad line, nothing scored
    assert json.loads(out) == expected  # the good lines, all of them, scored as before
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 12
    for path in messy:
        for n, why in ((2, "not JSON"), (3, "not a JSON object"), (4, 'no "id" string'), (5, 'no "id" string')):
            assert any(w.startswith(f"warning: {path}:{n}: {why}") for w in warnings), (path, n, err)
    assert "skipped 12: 6 bad-json, 6 no-id" in err.splitlines()[-1]


def test_eval_cluster_and_extraction_skip_bad_lines_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = _write(tmp_path / "gold.jsonl", [json.dumps({"id": "a", "story": "s"}), "oops", json.dumps({"id": "b", "story": "s"})])
    pred = _write(tmp_path / "pred.jsonl", [json.dumps({"id": "a", "story": "x"}), json.dumps({"id": "b", "story": "x"})])
    code, out, err = run_main(capsys, "eval", "cluster", "--gold", gold, "--pred", pred, "--format", "json", "-q")
    assert code == 0 and json.loads(out)["bcubed_f1"] == 1.0, err
    assert err.startswith(f"warning: {gold}:2: not JSON")

    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "ground_truth.json").write_text(json.dumps({"p1": {"articleBody": "Ferry crews walked out."}}))
    pages = _write(tmp_path / "read.jsonl", ["", "{", json.dumps({"id": "p1", "text": "Ferry crews walked out."})])
    code, out, err = run_main(capsys, "eval", "extraction", str(bench), "--pred", pages, "--format", "json", "-q")
    assert code == 0 and json.loads(out)["f1"] == 1.0, err
    assert err.startswith(f"warning: {pages}:2: not JSON")


def test_thousands_of_bad_lines_are_ten_warnings_and_one_count(tmp_path: Path) -> None:
    path = _write(tmp_path / "gold.jsonl", ["x"] * 5000 + [json.dumps({"id": "a"})])
    skipped: list = []
    assert [r["id"] for r in read_jsonl(path, skipped, need_id=True)] == ["a"]
    assert [p.line for p in skipped] == [*range(1, 11), None]
    assert skipped[-1].count == 4990 and "4,990 more like the above" in skipped[-1].message
    with pytest.raises(EvalError, match=r"gold.jsonl:1: not JSON"):  # a library caller without a list: gold must be whole
        list(read_jsonl(path))


def test_a_line_without_the_fields_a_file_needs_is_skipped_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """eval summary's references left out a line without "story" or "reference" with no word; a gold
    line without one stopped the run (exit 1). Both are skipped lines now; --strict stops at them."""
    pile = tmp_path / "articles.jsonl"
    pile.write_text(json.dumps({"id": "a1", "text": "Ferry crews walked out on Monday, the union said."}) + "\n")
    refs = _write(tmp_path / "refs.jsonl", [json.dumps({"story": "s1"}), json.dumps({"story": "s1", "reference": "Crews walked out."})])
    gold = _write(tmp_path / "gold.jsonl", [json.dumps({"id": "a1", "story": "s1"}), json.dumps({"id": "a2"})])
    skipped: list = []
    assert list(read_jsonl(refs, skipped, fields=("story", "reference"))) == [{"story": "s1", "reference": "Crews walked out."}]
    assert [(p.line, p.reason, p.message) for p in skipped] == [(1, "no-field", 'no "reference"')]
    code, _, err = run_main(capsys, "eval", "summary", str(pile), "--gold", gold, "--references", refs, "--strict", "-q")
    assert code == 3, err
    assert f"warning: {refs}:1: no \"reference\"" in err and f"warning: {gold}:2: no \"story\"" in err
    assert err.strip().splitlines()[-1].startswith("error: 2 line(s) skipped")
