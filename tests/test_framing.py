"""Framing: loaded wording, rewordings of aligned claims, names per outlet.

The fast tests run on invented text; the slow ones measure against BASIL
(lexical-bias spans) and NewsWCL50 (naming of the same concept) in ../shared.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest

from newsprism.framing import compare_framing
from newsprism.framing.lexicon import Lexicon, parse_lexicon, seed_lexicon
from newsprism.framing.loaded import find_loaded, quoted_spans
from newsprism.framing.naming import normalize_name
from newsprism.model import Article, Framing, to_jsonable
from newsprism.nlp import NLP

from conftest import shared_path
from fixtures.framing.sample import make_brief


@pytest.fixture(scope="module")
def nlp() -> NLP:
    return NLP()


@pytest.fixture(scope="module")
def framing(nlp: NLP) -> dict:
    brief = make_brief()
    return _json(compare_framing(brief.articles, brief.claims, brief.entities, nlp))


def _json(framing: Framing) -> dict:
    """The framing as the JSON report writes it: the tests read its shape."""
    out: dict = to_jsonable(framing)
    return out


def _flags(nlp: NLP, text: str, lexicon: Lexicon | None = None, bonus=None) -> list[str]:
    a = Article(id="t", text=text)
    return [f.text for f in find_loaded(a, nlp.doc(a), lexicon if lexicon is not None else seed_lexicon(), bonus)]


def test_lexicon_format() -> None:
    lex = parse_lexicon("# c\n[evaluative 0.9]\nphony, witch hunt,\nso-called\n[charged 0.4]\nregime\n")
    assert lex.words["phony"].weight == 0.9 and lex.words["regime"].category == "charged"
    assert {p for p, _ in lex.phrases["witch"]} == {("witch", "hunt")}
    assert ("so", "-", "called") in {p for p, _ in lex.phrases["so"]}
    with pytest.raises(ValueError):
        parse_lexicon("orphan term\n")
    assert len(seed_lexicon().words) > 500


def test_quoted_spans_handle_apostrophes_and_open_quotes() -> None:
    text = "He said \u201cit\u2019s fine\u201d and \"ok\".\n\n\u201cUnclosed para\n\nnext"
    spans = [text[s:e] for s, e in quoted_spans(Article(id="q", text=text))]
    assert spans == ["\u201cit\u2019s fine\u201d", '"ok"', "\u201cUnclosed para"]


def test_lexicon_words_and_derived_adverbs(nlp: NLP) -> None:
    flags = _flags(nlp, "The senator fiercely attacked the phony plan in a witch hunt.")
    assert {"fiercely", "phony", "witch hunt"} <= set(flags)


def test_neutral_sentence_has_no_flags(nlp: NLP) -> None:
    assert _flags(nlp, "The council said on Monday that the bridge will reopen in June after repairs.") == []


def test_structure_flags_without_any_lexicon(nlp: NLP) -> None:
    empty = Lexicon()
    assert _flags(nlp, '"No," she said curtly.', empty) == ["curtly"]
    assert _flags(nlp, 'The council called it a "reform" of the port rules.', empty) == ['"reform"']
    # A non-neutral reporting verb alone is a weak cue; another outlet's different choice tips it.
    text = "Mr. Dale snorted that the plan was a joke."
    assert _flags(nlp, text, empty) == []
    assert _flags(nlp, text, empty, {"snort": (0.1, "only-this-outlet")}) == ["snorted"]


def test_charged_words_need_a_second_signal(nlp: NLP) -> None:
    text = "The regime announced new taxes."
    assert _flags(nlp, text) == []
    assert _flags(nlp, text, bonus={"regime": (0.2, "reworded:c1")}) == ["regime"]


def test_framing_shape(framing: dict) -> None:
    assert set(framing) == {"method", "threshold", "outlets", "claims", "names", "flags"}
    assert framing["flags"]
    for f in framing["flags"]:
        assert set(f) == {"article", "start", "end", "text", "lemma", "category", "score", "reasons", "quoted"}


def test_loaded_outlet_profile_is_first_and_evidence_backed(framing: dict) -> None:
    top = framing["outlets"][0]
    assert top["outlet"] == "Harbor Voice" and top["score"] > 1
    assert {"Radical", "embattled", "notorious", "furious"} <= {x["text"] for x in top["examples"]} | set(top["distinctive"]) | {
        f["text"] for f in framing["flags"] if f["article"] == "harbor-1"
    }
    texts = {a.id: a.text for a in make_brief().articles}
    for f in framing["flags"]:
        assert texts[f["article"]][f["start"] : f["end"]] == f["text"]
    bay = next(p for p in framing["outlets"] if p["outlet"] == "Bay Chronicle")
    assert bay["loaded"] == 0 and bay["score"] < 0


def test_reworded_claims_mark_distinct_words(framing: dict) -> None:
    c1 = next(c for c in framing["claims"] if c["claim"] == "c1")
    harbor = next(w for w in c1["wordings"] if w["outlet"] == "Harbor Voice")
    distinct = {d["text"]: d["loaded"] for d in harbor["distinct"]}
    assert distinct["Radical"] is True and distinct["abandoned"] is False
    bay = next(w for w in c1["wordings"] if w["outlet"] == "Bay Chronicle")
    assert bay["distinct"] == []


def test_names_per_outlet(framing: dict) -> None:
    voss = next(n for n in framing["names"] if n["name"] == "Petra Voss")
    assert voss["differs"]
    by_outlet = {o["outlet"]: {x["text"] for x in o["names"]} for o in voss["outlets"]}
    assert "Union leader" in by_outlet["Bay Chronicle"]
    assert {"Union boss", "a notorious agitator"} <= by_outlet["Harbor Voice"]


def test_odd_input_does_not_crash(nlp: NLP) -> None:
    arts = [Article(id="e", text=""), Article(id="w", text="\u201c\u201c\u201d \" ' \n\n\u201c")]
    out = _json(compare_framing(arts, [], [], nlp))
    assert out["flags"] == [] and len(out["outlets"]) == 2


def test_a_bug_in_the_flagging_is_not_hidden(nlp: NLP, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception while flagging an article is a bug: it stops the run (exit 70), where it
    was swallowed and the article shown as having no loaded words."""
    import newsprism.framing.loaded as loaded

    def broken(*args, **kwargs):
        raise IndexError("a bug")

    monkeypatch.setattr(loaded, "find_loaded", broken)
    with pytest.raises(IndexError, match="a bug"):
        compare_framing([Article(id="a", text="The senator fiercely attacked the plan.")], [], [], nlp)


def test_normalize_name() -> None:
    assert normalize_name("  The  Kremlin\u2019s ") == "kremlin"


# ---------------------------------------------------------------- quality gates


def _basil_flags(nlp: NLP) -> tuple[dict, dict, list[dict]]:
    base = shared_path("eval", "basil")
    arts = {}
    for line in (base / "articles.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        arts[d["id"]] = Article(id=d["id"], text=d["text"], title=d["title"], outlet=d["outlet"])
    story = {json.loads(line)["id"]: json.loads(line)["story"] for line in (base / "gold_stories.jsonl").open()}
    gold = {json.loads(line)["id"]: json.loads(line)["spans"] for line in (base / "gold_bias_spans.jsonl").open()}
    groups = defaultdict(list)
    for i, a in arts.items():
        groups[story[i]].append(a)
    flags = []
    for g in groups.values():
        flags += _json(compare_framing(g, [], [], nlp))["flags"]
    return arts, gold, flags


@pytest.mark.slow
def test_basil_lexical_bias_recall(nlp: NLP) -> None:
    arts, gold, flags = _basil_flags(nlp)
    by_article = defaultdict(list)
    for f in flags:
        by_article[f["article"]].append(f)
    hit = total = 0
    for aid, spans in gold.items():
        for s in spans:
            if s["bias"] != "lex":
                continue
            total += 1
            start = arts[aid].text.find(s["txt"])
            end = start + len(s["txt"])
            hit += any(f["start"] < end and start < f["end"] for f in by_article[aid])
    recall = hit / total
    print(f"BASIL lex recall {hit}/{total} = {recall:.3f}; {len(flags)} flags in {len(arts)} articles")
    assert total == 240
    assert recall >= 0.58
    assert len(flags) / len(arts) <= 9  # recall must not come from flagging everything


@pytest.mark.slow
def test_newswcl50_naming_differences(nlp: NLP) -> None:
    from newsprism.extract import prepare_articles
    from newsprism.extract.entities import extract_mentions, merge_entities

    base = shared_path("eval", "newswcl50")
    arts = []
    for line in (base / "articles.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        arts.append(Article(id=d["id"], text=d["text"], title=d["title"], outlet=d["id"].rsplit("-", 1)[1]))
    arts = prepare_articles(arts)
    lines = (base / "Annotations.csv").read_text(encoding="utf-8").splitlines()[1:]  # first line is "sep=,"
    gold: dict = defaultdict(lambda: defaultdict(set))
    for r in csv.DictReader(lines):
        if r["code_type"] in {"ACTOR", "ACTOR-I", "GROUP", "COUNTRY"}:
            gold[(r["event_id"], r["code_name"])][r["publisher_id"]].add(normalize_name(r["code_mention"]))
    # A naming difference: a name one outlet gives a concept that another outlet naming it does not use.
    diffs = [
        (ev, c, o, m)
        for (ev, c), per in gold.items()
        if len(per) > 1
        for o, ms in per.items()
        for m in ms
        if any(m not in other for o2, other in per.items() if o2 != o)
    ]
    found: dict = defaultdict(lambda: defaultdict(set))  # (event, outlet) -> entity -> forms
    events = defaultdict(list)
    for a in arts:
        events[a.id.split("-")[1]].append(a)
    for ev, group in events.items():
        extract_mentions(group, nlp)
        for n in _json(compare_framing(group, [], merge_entities(group), nlp))["names"]:
            for o in n["outlets"]:
                names = [normalize_name(x["text"]) for x in o["names"] if x["kind"] == "name"]
                descs = [normalize_name(x["text"]) for x in o["names"] if x["kind"] == "descriptor"]
                found[(ev, o["outlet"])][n["entity"]].update(names, descs, (f"{d} {nm}" for d in descs for nm in names))
    hit = 0
    for ev, c, o, m in diffs:
        concept = set().union(*gold[(ev, c)].values())
        # Recovered: listed for that outlet under an entity that holds this concept's names.
        hit += any(m in forms and forms & concept for forms in found[(ev, o)].values())
    rate = hit / len(diffs)
    print(f"NewsWCL50 naming differences recovered {hit}/{len(diffs)} = {rate:.3f}")
    assert rate >= 0.4
