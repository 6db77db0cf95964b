"""Per-stretch provenance on real data, read at run time from ../shared.

* `newsprism eval provenance` agrees exactly with the reference scorer.
* Floors on PolNeAR dev (slow: `pytest -m slow`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsprism.evaluation.provenance import score_provenance

from conftest import ROOT, shared_path

ARTICLES = shared_path("eval", "polnear", "dev_articles.jsonl")
GOLD = shared_path("eval", "polnear", "dev_gold_attributions.jsonl")
# Floors on PolNeAR dev (measured attributed P 0.9265, F1 0.8579, source accuracy 0.9355, less ~0.005; P was
# pinned at an earlier measure, P 0.9266):
# a change that makes one worse fails. The targets: source 0.93 met; P 0.93 and F1 0.86 not yet.
GATES = {"attributed_p": 0.921, "attributed_f1": 0.852, "source_acc": 0.930}


def _reference(pred: Path) -> dict:
    scorer = shared_path("eval", "scorers", "score_provenance.py")
    proc = subprocess.run([sys.executable, str(scorer), str(ARTICLES), str(GOLD), str(pred), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_eval_provenance_matches_reference_on_second_annotator(tmp_path: Path) -> None:
    """Second annotators' attributions as predictions (sources by span, by text, by name, or none;
    stretches overlapping, out of range, missing documents) exercise every rule of the scorer."""
    seen: set[str] = set()
    rows = []
    for n, g in enumerate(_rows(GOLD)):
        first = g["id"] not in seen
        seen.add(g["id"])
        if first and n % 3:
            continue  # most documents: score the second annotator (or nothing)
        spans = []
        for k, a in enumerate(g["attributions"]):
            parts = [tuple(x) for key in ("source", "cue", "content") for x in (a.get(key) or {}).get("spans") or []]
            if not parts:
                continue
            src = a.get("source") or {}
            ss = src.get("spans") or []
            source = (None if k % 5 == 0 else {"start": ss[0][0], "end": ss[0][1], "text": src.get("text")} if ss and k % 2
                      else {"text": src.get("text"), "name": (src.get("text") or "").upper()})
            spans.append({"start": min(s for s, _ in parts) + k % 3, "end": max(e for _, e in parts), "source": source})
        if n % 17 == 0:
            spans.append({"start": -5, "end": 10, "source": None})
        rows.append({"id": g["id"], "spans": spans})
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    articles = _rows(ARTICLES)
    ours = score_provenance(articles, _rows(GOLD), rows)
    assert ours == _reference(pred)
    assert ours["pred_bad_offsets"] > 0 and 0.3 < ours["source_acc"] < 1.0
    proc = subprocess.run([sys.executable, "-m", "newsprism", "eval", "provenance", str(ARTICLES), "--gold", str(GOLD),
                           "--pred", str(pred), "--format", "json", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == ours


@pytest.mark.slow
def test_polnear_dev_provenance_gates_and_reference_agreement(tmp_path: Path) -> None:
    pred = tmp_path / "pred.jsonl"
    out = tmp_path / "scores.json"
    proc = subprocess.run(
        [sys.executable, "-m", "newsprism", "eval", "provenance", str(ARTICLES), "--gold", str(GOLD),
         "--save-pred", str(pred), "--format", "json", "-q", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    ours = json.loads(out.read_text(encoding="utf-8"))
    assert ours == _reference(pred)
    failed = {k: ours[k] for k, floor in GATES.items() if ours[k] < floor}
    assert not failed, f"below the quality gates {GATES}: {failed}"
    # Every stretch names its act, and its source (when named) is where the text says.
    texts = {r["id"]: r["text"] for r in _rows(ARTICLES)}
    for row in _rows(pred):
        for s in row["spans"]:
            assert s["act"] in ("speech", "belief", "intention", "finding")
            src = s["source"]
            if src and src.get("start") is not None:
                assert texts[row["id"]][src["start"] : src["end"]] == src["text"]
