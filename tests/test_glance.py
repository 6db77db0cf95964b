"""What a brief shows first (report.glance): readable names for unknown outlets, one chain
direction in Markdown and HTML, the finding in words."""

from __future__ import annotations

import dataclasses
import functools
import html as htmllib
import json
import re

from newsprism.model import Analysis, Article, KeySource, SourceRef
from newsprism.report.glance import chain_text, finding, readable_names, rewrites
from newsprism.report.html import render_html
from newsprism.report.markdown import render_brief

from fixtures.framing.sample import make_brief


def test_unknown_outlets_get_short_names_that_tell_them_apart() -> None:
    arts = [
        Article(id="a", text="x", outlet="Bay Chronicle"),
        Article(id="001_8b69053090cb6bed", text="x", syndicated_from="Jewish News Syndicate"),
        Article(id="002_41c31995671b5aa2", text="x", source=SourceRef("/in/002_41c31995671b5aa2.txt")),
        Article(id="h", text="x", url="https://www.harbour-voice.example/2024/story"),
        Article(id="d", text="x", duplicate_of="002_41c31995671b5aa2"),
        Article(id="e", text="x", source=SourceRef("/in/notes.txt")),
    ]
    names = readable_names(arts)
    assert "Bay Chronicle" not in names  # a named outlet keeps its name
    assert names[arts[1].label] == "#2, JNS republication"  # the agency's short name
    assert names[arts[2].label] == "#3, outlet not known"  # never its file name: a hash, or a name that reads as an outlet
    assert names[arts[4].label] == "#4, copy of #3"  # a copy is numbered under its original
    assert names[arts[3].label] == "#5, harbour-voice.example"
    assert names[arts[5].label] == "#6, outlet not known"
    assert len(set(names.values())) == len(names)
    assert all(len(n) <= 40 for n in names.values())


def test_markdown_and_html_number_the_articles_alike() -> None:
    """A copy listed before its original: both briefs number the original first, the copy under it,
    and cite every article by the same number."""
    brief = make_brief()
    bay, coast, harbor, evil = brief.articles
    brief.articles = [harbor, dataclasses.replace(coast, duplicate_of="bay-1"), bay, evil]
    md = "\n".join(render_brief(brief))
    page = htmllib.unescape(render_html([brief]))
    in_md = dict(re.findall(r"^\| \[(\d)\] \| ([^|]+?) \|", md, re.M))
    in_html = dict(re.findall(r'<td class="num">(\d)</td>\s*<td>([^<]+)', page))
    first = {"1": "Harbor Voice", "2": "Bay Chronicle", "3": "Coastline Daily"}
    assert {n: in_md[n] for n in first} == {n: in_html[n] for n in first} == first


def test_chains_read_one_way_in_markdown_and_html() -> None:
    """Outlet first, original source last: "Coastline Daily ← Bay Chronicle" (the fixture's claim c1
    came from the Bay Chronicle through the Coastline Daily), never the reverse, in both briefs."""
    assert chain_text("two Iranian officials", ["The New York Times"]) == "The New York Times ← two Iranian officials"
    brief = make_brief()
    md = "\n".join(render_brief(brief))
    page = htmllib.unescape(render_html([brief]))
    for text in (md, page):
        assert "Coastline Daily ← Bay Chronicle" in text
        assert "Bay Chronicle ← Coastline Daily" not in text
    assert "—cites→" not in md and " via " not in page


def test_finding_says_what_the_story_rests_on() -> None:
    brief = make_brief()
    ids = [a.id for a in brief.articles]
    brief = dataclasses.replace(brief, key_sources=[KeySource("n1", "The Kestrel Courier", "media", ids)])
    text = finding(brief)
    assert text.startswith("Every article credits The Kestrel Courier")
    assert "rests on one independent source: Coastline Daily ← Bay Chronicle" in text
    # No source every article credits, and claims of several sources: no "every".
    mixed = dataclasses.replace(brief, key_sources=[KeySource("n1", "The Kestrel Courier", "media", ids[:2])])
    assert "Every article" not in finding(mixed)
    assert finding(mixed).startswith("The most widely carried claim (4 of 4 articles) rests on one independent source")


def test_an_article_that_only_retells_one_outlet_is_a_rewrite_of_it(example_dir) -> None:
    """07 (Lakeside Weekly) says of each sentence that the Courier reported it: a rewrite of the
    Courier. The others mix what they were told with their own reporting or first-hand quotes."""
    from fixtures.brief.stories import brief as analyse

    b = analyse(example_dir)
    assert rewrites(b) == {"07-lakeside-weekly": "The Kestrel Courier"}
    md = "\n".join(render_brief(b))
    assert "| Harlow Dam cracks force thousands from their homes | rewrite of The Kestrel Courier |" in md
    page = htmllib.unescape(render_html([b]))
    assert page.count(">rewrite of The Kestrel Courier<") == 1 and page.count(">own report<") == 5
    # One sentence in its own voice (no stretch credits it to anyone) and it is a report of its own.
    b.stretches = [s for s in b.stretches if not (s.article == "07-lakeside-weekly" and "Sunday" in b.articles[-1].text[s.start : s.end])]
    assert rewrites(b) == {}


def test_no_seed_article_is_a_rewrite(seeds_dir) -> None:
    """Every seed article rests on The New York Times, but per-stretch provenance credits the Times
    with at most two of each article's 14 to 18 sentences; most are in the outlet's own voice. A
    rewrite label there would be a wrong origin."""
    from fixtures.brief.stories import brief as analyse

    assert rewrites(analyse(seeds_dir)) == {}


@functools.cache
def _quay() -> Analysis:
    """Three invented reports of one storm, the third with no outlet named anywhere."""
    from newsprism.extract import prepare_articles
    from newsprism.pipeline import Pipeline, Settings

    from fixtures.brief.stories import shared_nlp

    texts = [
        ("Bay Chronicle", "Quay storm\n\nA storm destroyed two fishing boats at the old quay in Port Ellis on Tuesday night. "
         "The harbour master, Ines Varga, said the sea wall would be checked this week. Ferries ran as usual."),
        ("Coastal Post", "Port Ellis counts the cost\n\nA storm destroyed two fishing boats at the old quay in Port Ellis on Tuesday. "
         "Fishermen gathered on the beach at dawn to look at the wreckage. The town council meets on Friday."),
        (None, "Boats lost in Port Ellis storm\n\nTwo fishing boats were destroyed by a storm at the old quay in Port Ellis on "
         "Tuesday. Local schools stayed open, and the coastal road reopened by noon after crews cleared fallen branches."),
    ]
    arts = prepare_articles([Article(id=f"quay-{i}", outlet=o, text=t) for i, (o, t) in enumerate(texts)])
    return Pipeline(Settings(single_story=True, framing=False), nlp=shared_nlp()).analyze(arts)


def _views(analysis: Analysis) -> dict[str, str]:
    """Markdown, HTML and (with the serve extra) the web app's story page, as text."""
    import importlib.util

    from newsprism.report.markdown import render_markdown

    views = {"md": render_markdown(analysis), "html": htmllib.unescape(render_html(analysis.briefs))}
    if importlib.util.find_spec("fastapi") is not None:  # the web app needs the serve extra; the rest do not
        from fastapi.testclient import TestClient

        from newsprism.serve import create_app

        views["app"] = htmllib.unescape(TestClient(create_app(analysis)).get(f"/stories/{analysis.briefs[0].story.id}").text)
    return {name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).replace("*", "") for name, text in views.items()}


def test_own_words_beside_a_cited_outlet_are_shown_not_counted_in_every_view() -> None:
    """The Ledger's own words on the grounding, while it cites the Chronicle: not counted, with why,
    and the rule said, in the Markdown, JSON, HTML and the web app alike."""
    import json

    from newsprism.pipeline import Pipeline, Settings
    from newsprism.report.glance import REWRITE_RULE, UNKNOWN_OUTLET_RULE
    from newsprism.report.jsonout import render_json

    from fixtures.brief.stories import REWRITE, load, shared_nlp

    analysis = Pipeline(Settings(single_story=True, framing=False), nlp=shared_nlp()).analyze(load(REWRITE))
    (row,) = [c for c in json.loads(render_json(analysis))["stories"][0]["claims"] if len(c["articles"]) == 3]
    assert row["independent_sources"] == 2
    assert row["not_counted"] == [{"name": "Harbour Ledger", "kind": "outlet", "via": [], "cites": ["The Bay Chronicle"]}]
    for name, flat in _views(analysis).items():
        assert "not counted: Harbour Ledger (its own words; it cites The Bay Chronicle)" in flat, name
        assert REWRITE_RULE in flat and UNKNOWN_OUTLET_RULE not in flat, name


def test_an_article_whose_outlet_is_not_known_is_shown_apart_in_every_view() -> None:
    """A claim three articles print, one of them with no outlet named anywhere: two independent
    sources, the third shown by its number as not counted, and the rule said, in the Markdown,
    JSON, HTML and the web app alike."""
    import json

    from newsprism.report.glance import UNKNOWN_OUTLET_RULE
    from newsprism.report.jsonout import render_json

    analysis = _quay()
    (claim,) = [c for c in analysis.briefs[0].claims if len(c.articles) == 3]
    assert claim.independent_sources == 2 and {o.name for o in claim.origins} == {"Bay Chronicle", "Coastal Post"}
    assert [o.name for o in claim.not_counted] == ["unnamed outlet (quay-2)"]
    (row,) = [c for c in json.loads(render_json(analysis))["stories"][0]["claims"] if len(c["articles"]) == 3]
    assert row["independent_sources"] == 2 and row["not_counted"] == [{"name": "unnamed outlet (quay-2)", "kind": "outlet", "via": [], "cites": []}]
    for name, flat in _views(analysis).items():
        assert "Bay Chronicle; Coastal Post; not counted: #3, outlet not known" in flat, name
        assert UNKNOWN_OUTLET_RULE in flat, name
        assert "quay-2" not in flat, name  # no id or file name stands for an outlet


def test_an_article_whose_outlet_is_not_known_is_no_outlet_of_its_own_in_the_counts() -> None:
    """Three articles, two outlets named: "3 articles from 3 outlets" would count the third
    article's unknown outlet as a new one, when it may be either of the others."""
    from newsprism.report.markdown import render_story_list

    analysis = _quay()
    views = _views(analysis)
    assert "3 articles from 2 outlets and 1 whose outlet is not known, in 1 story." in views["md"]
    assert "3 articles · 2 outlets · 1 whose outlet is not known ·" in views["md"]
    for name in views.keys() - {"md"}:
        assert "3 articles 2 outlets 1 whose outlet is not known" in views[name], name
    table = render_story_list([b.story for b in analysis.briefs], analysis.articles)
    assert re.search(r"^\| `\S+` \| 3 \| 2 \(\+1 not known\) \|", table, re.M)


def test_a_claim_is_carried_by_several_outlets_only_when_two_named_outlets_carry_it() -> None:
    """An article whose outlet is not known may be from the named outlet beside it, and two such
    may be one outlet: a claim they carry is not "carried by several outlets", nor "printed by one
    outlet only", but listed apart, the most widely carried first."""
    from newsprism.model import Claim, outlets_of
    from newsprism.report.glance import claim_order

    arts = [Article(id="a", text="x", outlet="Bay Chronicle"), Article(id="b", text="x", outlet="Coastal Post"),
            Article(id="c", text="x"), Article(id="d", text="x"), Article(id="a2", text="x", outlet="Bay Chronicle")]
    by_id = {a.id: a for a in arts}
    carried = {"two named": ["a", "b"], "named and not known": ["a", "c"], "two not known": ["c", "d"], "one": ["a"],
               "one not known": ["c"], "all": ["a", "b", "c", "d"], "one outlet twice": ["a", "a2"]}
    claims = []
    for k, v in carried.items():
        outlets, not_known = outlets_of(by_id[i] for i in v)
        claims.append(Claim(id=k, text=k, articles=v, outlets=outlets, independent_sources=1, origins=[], outlet_not_known=not_known))
    spread, unsure, single = claim_order(claims)
    assert [c.id for c in spread] == ["all", "two named"]
    assert [c.id for c in unsure] == ["named and not known", "two not known"]
    assert [c.id for c in single] == ["one", "one not known", "one outlet twice"]


def test_one_outlet_spelled_two_ways_carries_a_claim_as_one_outlet(tmp_path) -> None:
    """Records of "BBC News" and "BBC" (one outlet, ``outlet_id`` bbc): the brief's head said 1 outlet and
    its claims section "Carried by several outlets" for the claim both carry."""
    from newsprism.model import Claim, outlets_of
    from newsprism.report.glance import claim_order

    arts = [Article(id="a", text="x", outlet="BBC News", outlet_id="bbc"), Article(id="b", text="x", outlet="BBC", outlet_id="bbc"),
            Article(id="c", text="x", outlet="Coastal Post", outlet_id="coastalpost"), Article(id="d", text="x")]
    by_id = {a.id: a for a in arts}
    carried = {"one outlet two ways": ["a", "b"], "two outlets": ["a", "b", "c"], "and one not known": ["a", "b", "d"]}
    claims = []
    for k, v in carried.items():
        outlets, not_known = outlets_of(by_id[i] for i in v)
        claims.append(Claim(id=k, text=k, articles=v, outlets=outlets, outlet_not_known=not_known, independent_sources=1, origins=[]))
    assert claims[0].outlets == ["BBC News"]
    spread, unsure, single = claim_order(claims)
    assert ([c.id for c in spread], [c.id for c in unsure], [c.id for c in single]) == (
        ["two outlets"], ["and one not known"], ["one outlet two ways"])

    records = [{"id": f"b{i}", "outlet": outlet, "title": title, "published": "2024-05-13", "text": text} for i, (outlet, title, text) in enumerate([
        ("BBC News", "Glenmoor ferry crews strike over pay", "Ferry crews at Glenmoor harbour walked out on Monday over pay, the union said. "
         "The strike stranded hundreds of island commuters. The operator said talks would resume on Thursday."),
        ("BBC", "Glenmoor ferry strike strands commuters", "Ferry crews at Glenmoor harbour walked out on Monday over pay, the union said. "
         "Hundreds of island commuters were stranded by the strike. Talks are due on Thursday, the operator said."),
    ])]
    (tmp_path / "bbc.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    from fixtures.brief.stories import brief as analyse

    md = "\n".join(render_brief(analyse(tmp_path)))
    assert "2 articles · 1 outlet" in md and "Carried by several outlets" not in md and "Printed by one outlet only" in md


def test_the_seeds_claims_are_not_carried_by_several_outlets(seeds_dir) -> None:
    """One seed names its outlet (World Israel News); the other four do not: none of the seeds'
    claims is shown carried by several outlets, and the claims of several articles, the core claim
    first, are listed as not shown to be several outlets. The core claim still rests on one
    independent source, via The New York Times, in all five articles."""
    from fixtures.brief.stories import brief as analyse

    b = analyse(seeds_dir)
    md = "\n".join(render_brief(b))
    assert "**Carried by several outlets**" not in md
    section = md.split("**Carried by several articles, not shown to be several outlets**")[1].split("**Printed by one outlet only**")[0]
    top = max(b.claims, key=lambda c: len(c.articles))
    assert len(top.articles) == 5 and top.independent_sources == 1
    assert any("The New York Times" in o.via for o in top.origins)
    assert section.index(top.text[:40]) < min(section.index(c.text[:40]) for c in b.claims if c is not top and len(c.outlets) + len(c.outlet_not_known) > 1)


def test_every_story_list_counts_an_article_whose_outlet_is_not_known_as_no_outlet(tmp_path) -> None:
    """JSON's story head names the two outlets and lists the third article apart; the web app's
    story list and /api/stories count 2 outlets and 1 whose outlet is not known, over an analysis
    and over a database alike (they counted 3 outlets)."""
    import json

    import pytest

    from newsprism.report.jsonout import brief_to_dict, render_json

    analysis = _quay()
    head = json.loads(render_json(analysis))["stories"][0]
    assert head["outlets"] == ["Bay Chronicle", "Coastal Post"] and head["outlet_not_known"] == ["quay-2"]

    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from newsprism.serve import create_app
    from newsprism.serve.stored import StoredCorpus
    from newsprism.store import Batch, StoredBrief, StoryUpdate, now, open_store

    b = analysis.briefs[0]
    store = open_store(str(tmp_path / "news.db"))
    try:
        store.write(Batch(stories=[StoryUpdate(b.story.id, b.story.title, [], None, None, [])]))
        store.put_briefs([StoredBrief(b.story.id, now(), brief_to_dict(b))])
        for corpus in (analysis, StoredCorpus(store)):
            client = TestClient(create_app(corpus))
            (row,) = client.get("/api/stories").json()
            assert (row["outlets"], row["unknown_outlets"]) == (2, 1), corpus
            index = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", htmllib.unescape(client.get("/").text)))
            assert "2 outlets · 1 whose outlet is not known · " in index, corpus
    finally:
        store.close()
