"""Quality of quotes and speakers on real data, read at run time from ../shared.

* The seed story: who said what, and the same statement across outlets.
* `newsprism eval quotes` agrees exactly with the reference scorer.
* Quality gates on the PolNeAR dev split (slow: run with `pytest -m slow`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newsprism.evaluation.quotes import score_files
from newsprism.model import GroupSpeaker

from conftest import ROOT, shared_path

# Quality floors on PolNeAR dev (first annotator, content matched at Jaccard >= 0.5)
# with the learned attribution model (scripts/train_quotes.py, trained on train only)
# and the quotation, span and speaker rules (each checked on train as well): measured direct_f1 0.9022,
# indirect_f1 0.6223, e2e_f1 0.6756 (speaker_acc 0.9470, e2e_f1 0.6807 since; speaker_acc 0.9491 in the tenth
# session, 0.9498 in the eleventh), less ~0.005, so that a change
# that makes them worse fails; indirect_f1 is pinned at the target (0.62), which
# it reaches like the direct_f1 (0.90), speaker_acc (0.93) and e2e_f1 (0.65) targets.
GATES = {"direct_f1": 0.897, "indirect_f1": 0.62, "speaker_acc": 0.945, "e2e_f1": 0.67}


@pytest.fixture(scope="module")
def seeds():
    from newsprism.extract.entities import extract_mentions, merge_entities
    from newsprism.nlp import NLP
    from newsprism.pipeline import Pipeline
    from newsprism.quotes import QuoteExtractor, extract_quotes, group_quotes

    arts = Pipeline().read([str(shared_path("corpora", "seeds"))]).articles
    nlp = NLP()
    nlp.docs(arts)
    extract_mentions(arts, nlp)
    entities = merge_entities(arts)
    extractor = QuoteExtractor()
    quotes = {a.id: extract_quotes(a, nlp, extractor) for a in arts}
    return {a.id: a for a in arts}, quotes, group_quotes(arts, quotes, entities)


def _group_with(groups, needle: str):
    hits = [g for g in groups if any(needle in v.text for v in g.variants)]
    assert hits, f"no quote group holds {needle!r}"
    return max(hits, key=lambda g: len(g.variants))


def test_seed_shoigu_statement_is_one_group_from_four_articles(seeds) -> None:
    _, _, groups = seeds
    g = _group_with(groups, "ready for full cooperation with Iran")
    assert g.speaker.kind == "person" and "Shoigu" in g.speaker.name
    assert len({v.article for v in g.variants}) == 4
    texts = " | ".join(v.text for v in g.variants)
    assert "cooperate fully with Iran in various areas" in texts
    assert "readiness for comprehensive regional cooperation" in texts


def test_seed_bagheri_statement_is_one_group_from_three_articles(seeds) -> None:
    _, _, groups = seeds
    g = _group_with(groups, "deep, long term and strategic")
    assert "Mohammad Bagheri" in g.speaker.name
    assert len({v.article for v in g.variants}) == 3
    assert any("long-term" in v.text for v in g.variants)


def test_seed_both_clarke_statements_attributed_to_colin_p_clarke(seeds) -> None:
    _, _, groups = seeds
    clarke = [g for g in groups if "Clarke" in g.speaker.name]
    assert clarke and all(g.speaker == GroupSpeaker("Colin P. Clarke", "person") for g in clarke)
    # His two direct statements, each printed by two outlets (one as "Colin Clarke").
    assert sum(1 for g in clarke if len({v.article for v in g.variants}) >= 2) >= 2


def test_seed_wear_us_out_is_the_anonymous_israeli_official(seeds) -> None:
    arts, quotes, groups = seeds
    hits = [(aid, q) for aid, qs in quotes.items() for q in qs if "wear us out" in arts[aid].text[q.content.start : q.content.end]]
    assert len(hits) == 1
    _, q = hits[0]
    assert q.direct
    assert q.speaker.kind == "anonymous"
    assert q.speaker.name.lower() == "an israeli official"
    assert "NBC" not in q.speaker.name
    g = _group_with(groups, "wear us out")
    assert g.speaker.kind == "anonymous"


def test_seed_pronoun_speaker_resolved(seeds) -> None:
    arts, quotes, _ = seeds
    names = [q.speaker.name for aid, qs in quotes.items() for q in qs
             if "assuage Tehran" in arts[aid].text[q.content.start : q.content.end] and q.speaker.text == "he"]
    assert names, "the quote spoken by 'he' is no longer found"
    assert set(names) <= {"Colin Clarke", "Colin P. Clarke"}


def _reference(articles: Path, gold: Path, pred: Path) -> dict:
    scorer = shared_path("eval", "scorers", "score_quotes.py")
    proc = subprocess.run([sys.executable, str(scorer), str(articles), str(gold), str(pred), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_scorer_matches_reference_on_second_annotator(tmp_path: Path) -> None:
    """Second annotators' attributions, used as predictions, exercise every rule of the scorer."""
    articles = shared_path("eval", "polnear", "dev_articles.jsonl")
    gold = shared_path("eval", "polnear", "dev_gold_attributions.jsonl")
    seen: set[str] = set()
    rows = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        first = g["id"] not in seen
        seen.add(g["id"])
        if first and len(rows) % 3:
            continue  # most documents: score the second annotator (or nothing)
        quotes = []
        for k, a in enumerate(g["attributions"]):
            spans = (a.get("content") or {}).get("spans") or []
            src = a.get("source") or {}
            ss = src.get("spans") or []
            speaker = None if k % 5 == 0 else {"start": ss[0][0], "end": ss[0][1], "text": src.get("text")} if ss and k % 2 else {"text": src.get("text")}
            content = {"spans": spans} if k % 3 == 0 else {"start": spans[0][0] + 2, "end": spans[-1][1]} if spans else {}
            quotes.append({"content": content, "speaker": speaker, "direct": bool(k % 4)})
        rows.append({"id": g["id"], "quotes": quotes})
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ours = score_files(articles, gold, pred)
    assert ours == _reference(articles, gold, pred)
    assert ours["tp"] > 100


@pytest.mark.slow
def test_polnear_dev_quality_gates_and_reference_agreement(tmp_path: Path) -> None:
    articles = shared_path("eval", "polnear", "dev_articles.jsonl")
    gold = shared_path("eval", "polnear", "dev_gold_attributions.jsonl")
    pred = tmp_path / "pred.jsonl"
    out = tmp_path / "scores.json"
    proc = subprocess.run(
        [sys.executable, "-m", "newsprism", "eval", "quotes", str(articles), "--gold", str(gold),
         "--save-pred", str(pred), "--json", "-q", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    ours = json.loads(out.read_text(encoding="utf-8"))
    assert ours == _reference(articles, gold, pred)
    failed = {k: ours[k] for k, floor in GATES.items() if ours[k] < floor}
    assert not failed, f"below the quality gates {GATES}: {failed}"
