"""The provenance graph: who cites whom, with the sentence that says so."""

from __future__ import annotations

import pytest

from newsprism.model import Article
from newsprism.provenance import build_provenance
from newsprism.provenance.sources import generic_source, group_source, person_key

from fixtures.brief.stories import FERRY, brief


def _edges(b, source: str) -> set[tuple[str, str]]:
    return {(e.target, e.relation) for e in b.provenance.edges if e.source == source}


def test_edges_carry_their_evidence_span() -> None:
    b = brief(FERRY)
    by_id = {a.id: a for a in b.articles}
    assert b.provenance.edges
    for e in b.provenance.edges:
        assert by_id[e.article].text[e.start : e.end] == e.text
    ids = {n.id for n in b.provenance.nodes}
    assert all(e.source in ids and e.target in ids for e in b.provenance.edges)


def test_reported_citing_and_told_chains() -> None:
    b = brief(FERRY)
    # "the Bay Chronicle reported, citing three crew members": article -> Chronicle -> crew.
    assert ("media:baychronicle", "cites") in _edges(b, "article:post")
    assert ("group:crew-member", "cites") in _edges(b, "media:baychronicle")
    # "three crew members told The Bay Chronicle" in the Chronicle itself: its own reporting.
    assert any(t == "group:crew-member" for t, _ in _edges(b, "article:chronicle"))
    # "passenger Tomas Berg told the Harbour Voice": the Voice's own witness.
    assert ("person:tomas-berg", "quotes") in _edges(b, "article:voice")


def test_copies_point_to_their_original() -> None:
    b = brief(FERRY)
    assert {("article:post", "copy-of"), ("article:post", "republishes")} <= _edges(b, "article:gazette")


def test_short_form_resolves_to_the_outlet_named_earlier() -> None:
    b = brief(FERRY)
    chronicle = [e for e in b.provenance.edges if e.article == "post" and e.target == "media:baychronicle"]
    assert any("according to the Chronicle" in e.text for e in chronicle)


def test_node_ids_are_stable_across_spellings() -> None:
    assert group_source("Two Iranian officials").id == group_source("Iranian officials familiar with the plans").id
    assert group_source("one engineer").id == group_source("the engineers").id
    assert person_key("Colin P. Clarke") == person_key("Colin Clarke")
    assert person_key("Brig. Gen. Mohammad Bagheri") == "mohammad-bagheri"


def test_an_outlet_the_table_knows_is_one_node_however_it_is_written() -> None:
    # "Press TV" holds "press" and "TV", words of a media description: it was
    # "media:press-tv" beside the table's "media:presstv", one outlet counted twice.
    ids = {generic_source(p).id for p in ("Press TV", "PressTV", "Iran's Press TV", "the Press TV network")}
    assert ids == {"media:presstv"}
    assert generic_source("Reuters news agency").kind == "syndicate"
    assert generic_source("Iranian state television").id == "media:iranian-state-television"


def test_seed_press_tv_is_one_node(seeds_dir) -> None:
    b = brief(seeds_dir)
    assert [n.id for n in b.provenance.nodes if n.name == "Press TV"] == ["media:presstv"]


def test_syndicate_outside_the_story_is_a_node() -> None:
    a = Article(id="x", text="Body text here.", syndicated_from="Jewish News Syndicate")
    prov = build_provenance([a], [])
    assert [(e.target, e.relation) for e in prov.edges] == [("media:jns", "republishes")]
    assert {n.kind for n in prov.nodes} == {"article", "syndicate"}


def test_example_everyone_rests_on_the_courier(example_dir) -> None:
    b = brief(example_dir)
    citing = {e.article for e in b.provenance.edges if e.target == "media:kestrelcourier" and e.source.startswith("article:")}
    others = {a.id for a in b.articles if a.outlet != "The Kestrel Courier"}
    assert citing == others
    assert ("group:engineer", "cites") in _edges(b, "media:kestrelcourier")
    assert [(k.name, sorted(k.articles)) for k in b.key_sources] == [("The Kestrel Courier", sorted(others))]


def test_seed_graph_times_cites_iranian_officials(seeds_dir) -> None:
    b = brief(seeds_dir)
    assert ("group:iranian-official", "quotes") in _edges(b, "media:nytimes")
    assert any(t == "media:wsj" for t, _ in {(e.target, e.relation) for e in b.provenance.edges})
    assert any(e.relation == "republishes" and e.target == "media:jns" for e in b.provenance.edges)
    top = b.key_sources[0]
    assert (top.name, len(top.articles)) == ("The New York Times", 5)
    # One republished article is a detail, not a source the story rests on.
    assert "media:jns" not in {k.node for k in b.key_sources}


# ---------------------------------------------------------------- the seeds' error classes (issue 24)


def _stretches_over(b, prefix: str, words: str):
    a = next(a for a in b.articles if a.id.startswith(prefix))
    at = a.text.index(words)
    return a, [s for s in b.stretches if s.article == a.id and s.start <= at < s.end]


def _claim_with(b, *words: str):
    found = [c for c in b.claims if all(w in c.text for w in words)]
    assert found, words
    return max(found, key=lambda c: len(c.articles))


def test_seed_background_rests_on_the_outlet_itself(seeds_dir) -> None:
    # World Israel News's own lines on trade and sanctions credit no one: they are its own voice.
    b = brief(seeds_dir)
    for words in ("Trade between Iran and Russia", "Both countries have also faced sanctions"):
        _, over = _stretches_over(b, "000_", words)
        assert over == []
        c = _claim_with(b, words)
        assert [o.name for o in c.origins] == ["World Israel News"]


def test_seed_subject_is_not_source(seeds_dir) -> None:
    b = brief(seeds_dir)
    # "Moscow has been distancing itself": a stance, whose holder is what the sentence is about.
    _, over = _stretches_over(b, "000_", "Moscow has been distancing")
    assert over and all(s.act != "speech" for s in over)
    assert "Moscow" not in {g.speaker.name for g in b.quotes}
    # "Khamenei has reportedly ordered": an unnamed report, carried by the outlet.
    c = next(c for c in b.claims if any("has reportedly ordered" in e.text for e in c.evidence))
    assert c.origins and all("Khamenei" not in o.name for o in c.origins)
    _, over = _stretches_over(b, "004_", "has reportedly ordered")
    assert any(s.source is None and s.act == "speech" for s in over)


def test_seed_he_is_one_of_the_two_officials(seeds_dir) -> None:
    # "One of them is a member of the IRGC. He confirmed ...": an anonymous official, not Shoigu.
    b = brief(seeds_dir)
    _, over = _stretches_over(b, "002_", "He confirmed that Iran asked Moscow")
    (st,) = [s for s in over if s.source is not None]
    assert st.source.text == "He" and st.source.kind == "anonymous"
    assert "Iranian officials" in st.source.name and "Shoigu" not in st.source.name


def test_seed_who_said_what_holds_statements_only(seeds_dir) -> None:
    b = brief(seeds_dir)
    said = " | ".join(v.text for g in b.quotes for v in g.variants)
    cues = {(v.cue or "").lower() for g in b.quotes for v in g.variants}
    # A headline is never a statement; stances, requests, intentions and findings are not statements.
    assert "seeks Russian missile aid" not in said
    assert not cues & {"seeks", "has been distancing", "has requested", "highlights", "concluded", "looks"}
    assert "Iran" not in {g.speaker.name for g in b.quotes}
    assert "ready for full cooperation" in said


def test_seed_outlet_named_in_quotation_marks_is_the_source(seeds_dir) -> None:
    # `"... cooperation," notes "The New York Times."`: the Times, not the outlet, nor an unnamed report.
    b = brief(seeds_dir)
    _, over = _stretches_over(b, "002_", "Iran has provided Russia with military drones")
    assert [s.source.name for s in over if s.source is not None] == ["The New York Times"]
    c = _claim_with(b, "finalized an agreement")
    assert "The New York Times" in {o.name for o in c.origins} | {v for o in c.origins for v in o.via}


def test_seed_headline_is_no_stance_of_its_subject(seeds_dir) -> None:
    # "Iran seeks Russian missile aid": the outlet's headline, not Iran's stance nor anyone's statement.
    from newsprism.model import Analysis
    from newsprism.report.markdown import render_markdown

    b = brief(seeds_dir)
    md = render_markdown(Analysis(articles=b.articles, stories=[b.story], briefs=[b]))
    credits = md.split("### Who each article credits", 1)[1].split("\n### ", 1)[0]
    assert "Iran seeks Russian missile aid" not in credits
    assert "reports the \"NYT" in credits  # the headline's deck names a source speaking: still credited
    assert not [e for e in b.provenance.edges if e.article.startswith("002_") and e.start == 0]


def test_seed_what_the_times_highlighted_rests_on_the_times(seeds_dir) -> None:
    # #5: "The New York Times highlighted that on 5 August, ... Shoigu visited Tehran, where he held
    # discussions with ... Bagheri": the Times's report, not a stance of it, so the meeting rests on it.
    b = brief(seeds_dir)
    _, over = _stretches_over(b, "004_", "The New York Times highlighted that on 5 August")
    assert [(s.source.name, s.act) for s in over if s.source is not None] == [("The New York Times", "speech")]
    c = _claim_with(b, "current security official Sergei Shoigu met with")
    assert not any("004_" in o.name for o in c.not_counted)
    assert c.independent_sources == 1


def test_seed_a_finding_is_a_document_source(seeds_dir) -> None:
    # "A subsequent US intelligence finding said ...": a document the article cites, not an unknown mention.
    b = brief(seeds_dir)
    a, over = _stretches_over(b, "003_", "A subsequent US intelligence finding said")
    (st,) = [s for s in over if s.source is not None and s.source.text.endswith("finding")]
    assert (st.source.kind, st.act) == ("document", "finding")
    c = _claim_with(b, "A subsequent US intelligence finding said")
    assert [(o.name, o.kind) for o in c.origins] == [("A subsequent US intelligence finding", "document")]
    assert ("document:" + a.id.lower().replace("_", "-"), "cites") in {
        (t.rsplit(":", 1)[0], r) for t, r in _edges(b, f"article:{a.id}")}


def test_seed_a_thing_is_no_source(seeds_dir) -> None:
    # "This visit highlights ...", "the two countries recently concluded an agreement": no one is credited,
    # while the document "A subsequent US intelligence finding" is.
    from types import SimpleNamespace

    from newsprism.model import Analysis
    from newsprism.report.html import _stretches_view
    from newsprism.report.markdown import render_markdown

    b = brief(seeds_dir)
    md = render_markdown(Analysis(articles=b.articles, stories=[b.story], briefs=[b]))
    credits = md.split("### Who each article credits", 1)[1].split("\n### ", 1)[0]
    sources = [SimpleNamespace(article=a, outlet=a.outlet) for a in b.articles]
    html = " | ".join(st["chain"] + " " + st["text"] for v in _stretches_view(b, sources) for st in v["stretches"])
    for words, claim in (("This visit highlights", "underscores the close alliance"),
                         ("the two countries recently concluded", "finalized an agreement")):
        assert words not in credits and words not in html, words
        # The claim rests on #5 itself for its sentence: #5 names no outlet, so it is listed, not counted.
        c = _claim_with(b, claim)
        assert [o.kind for o in c.not_counted if "004_" in o.name] == ["outlet"]
        assert not any("004_" in o.name for o in c.origins)
    assert "A subsequent US intelligence finding said" in credits and "A subsequent US intelligence finding" in html


def test_seed_concluding_an_agreement_is_an_act_not_a_finding(seeds_dir) -> None:
    # "the two countries recently concluded an agreement": what they did, not what they found; the
    # sentence is #5's own account, in the JSON provenance too, not a stretch hidden from the brief.
    b = brief(seeds_dir)
    _, over = _stretches_over(b, "004_", "the two countries recently concluded")
    assert not [s for s in over if s.source is not None and "two countries" in s.source.text]
    a = next(a for a in b.articles if a.id.startswith("004_"))
    assert not [s for s in b.stretches if s.cue is not None and a.text[s.cue.start : s.cue.end] == "concluded"]


def test_seed_a_thing_keeps_kind_unknown(seeds_dir) -> None:
    # "This visit highlights": no one speaks; kind unknown is what names no one, not a group of people.
    b = brief(seeds_dir)
    _, over = _stretches_over(b, "004_", "This visit highlights")
    (st,) = [s for s in over if s.source is not None]
    assert (st.source.text, st.source.kind, st.source.can_speak) == ("This visit", "unknown", False)


@pytest.mark.parametrize("noun", ["The study", "A report"])
def test_unnamed_documents_of_two_outlets_stay_two_sources(tmp_path, noun: str) -> None:
    # Two outlets' "the study" or "a report" may be two documents: never one node, never one source.
    import json

    lines = [{"id": o, "outlet": name, "published": "2024-05-02", "text": text} for o, name, text in (
        ("ledger", "The Arden Ledger", f"Ferry fares rise\n\n{noun} found that ferry fares in Arden rose by a third last year. "
                                      "Officials declined to comment on the figures."),
        ("gazette", "Kestrel Gazette", f"Fares climb\n\n{noun} found that ferry fares in Arden rose by a third last year, "
                                       "a sharp rise for commuters. The operator did not answer questions."))]
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    b = brief(path)
    docs = {n.id for n in b.provenance.nodes if n.kind == "document"}
    assert len(docs) == 2
    c = _claim_with(b, "ferry fares in Arden rose by a third")
    assert len(c.articles) == 2 and c.independent_sources == 2


def test_seed_the_officials_are_named_as_a_group(seeds_dir) -> None:
    # "one of two Iranian officials" is #3's "He" alone: the articles that say "Iranian officials" or "Two
    # Iranian officials" are not shown crediting one member, in the graph nor in who said what.
    b = brief(seeds_dir)
    (node,) = [n for n in b.provenance.nodes if n.id == "group:iranian-official"]
    assert not node.name.lower().startswith("one of")
    confirmed = next(g for g in b.quotes if any("asked Moscow for help" in v.text for v in g.variants))
    assert len({v.article[:4] for v in confirmed.variants}) >= 2 and not confirmed.speaker.name.lower().startswith("one of")
    _, over = _stretches_over(b, "002_", "He confirmed that Iran asked Moscow")
    assert [s.source.name for s in over if s.source is not None] == ["one of two Iranian officials"]


def test_seed_a_rank_ends_no_attribution(seeds_dir) -> None:
    # #4: "According to Iranian media, Shoigu ... met ... the commander of the Iranian armed forces, Brig. Gen.
    # Mohammad Bagheri.": the attribution runs to the name, not to "Brig.".
    b = brief(seeds_dir)
    _, over = _stretches_over(b, "003_", "Gen. Mohammad Bagheri")
    assert [s.source.name for s in over if s.source is not None] == ["Iranian media"]


def test_seed_a_source_told_the_times(seeds_dir) -> None:
    b = brief(seeds_dir)
    _, over = _stretches_over(b, "000_", "Russia has financial problems")
    assert any(s.source is not None and s.source.name == "a source with knowledge of the meeting"
               and s.via == ["The New York Times"] for s in over)


def test_chains_are_the_stretches() -> None:
    # The graph is the per-stretch provenance as chains: every link is read from a stretch the brief
    # shows, and every stretch whose named source says what it covers is a chain of the graph.
    from newsprism.provenance.stretches import SOURCE_ACTS

    b = brief(FERRY)
    spans = {(st.article, st.start, st.end) for st in b.stretches}
    links = [e for e in b.provenance.edges if e.relation in ("cites", "quotes")]
    assert links and all((e.article, e.start, e.end) in spans for e in links)
    linked = {(e.article, e.start, e.end) for e in links}
    said = [st for st in b.stretches if st.act in SOURCE_ACTS and st.source is not None and st.source.kind == "person"]
    assert said and all((st.article, st.start, st.end) in linked for st in said)


def test_an_inner_attribution_that_names_no_speaker_leaves_the_outer_source() -> None:
    """`According to the Times, Iran has reportedly asked for radars, and this visit highlights the
    ties; two officials confirmed it`: what is inside the Times's stretch rests on the Times unless an
    inner attribution names someone who can speak (the officials, via the Times), not on the unnamed
    report of "reportedly" nor on "this visit"."""
    from newsprism.model import Speaker, Stretch
    from newsprism.provenance.stretches import stretch_row

    times = Speaker(13, 22, "the Times", "The Times", "media")
    visit = Speaker(68, 78, "this visit", "this visit", "unknown")
    officials = Speaker(103, 116, "two officials", "two officials", "anonymous")
    row = stretch_row("a", [Stretch("a", 0, 130, times, [], "speech", None),
                            Stretch("a", 24, 66, None, [], "speech", None),
                            Stretch("a", 68, 100, visit, [], "speech", None),
                            Stretch("a", 103, 130, officials, ["The Times"], "speech", None)])
    names = [(s["start"], s["end"], s["source"] and s["source"]["name"]) for s in row["spans"]]
    assert names == [(0, 103, "The Times"), (103, 130, "two officials")]


def test_a_source_is_named_by_its_whole_phrase() -> None:
    """The source as the article names it is the speaker's whole phrase, as the quotes stage found it
    ("The results of the latest Harbourview poll, out on Monday", not "The results"; the comma before the cue
    is no part of it); the name stays the resolved one, and a pronoun keeps its own mention ("we", not
    "we, gathered on the quay,")."""
    from newsprism.model import Quote, Span, Speaker
    from newsprism.provenance.stretches import article_stretches, stretch_row

    text = ("The results of the latest Harbourview poll, out on Monday, show that most voters favour the dam. "
            "But we, gathered on the quay, said that the ferry must stay.")
    poll_at = text.index("The results")
    results = Speaker(poll_at, poll_at + len("The results"), "The results", "The results", "document")
    poll = Quote(Span(text.index("most voters"), text.index(" dam.") + 4), results,
                 Span(text.index("show"), text.index("show") + 4), False, "a", act="finding",
                 source_phrase=Span(poll_at, text.index(" show")))
    we_at = text.index("we,")
    we = Speaker(we_at, we_at + 2, "we", "we", "unknown")
    quay = Quote(Span(text.index("the ferry"), len(text) - 1), we, Span(text.index("said"), text.index("said") + 4), False, "a",
                 source_phrase=Span(we_at, text.index(", said")))
    row = stretch_row("a", article_stretches(Article(id="a", text=text), [poll, quay]))
    sources = [(s["source"]["text"], s["source"]["name"]) for s in row["spans"]]
    assert sources == [("The results of the latest Harbourview poll, out on Monday", "The results"), ("we", "we")]
    first = row["spans"][0]["source"]
    assert text[first["start"] : first["end"]] == "The results of the latest Harbourview poll, out on Monday"


def test_a_group_node_is_named_by_the_group_not_one_member() -> None:
    # "Harbour officials say" in one article, "one of two harbour officials" in another: one node, named
    # by the group's fullest description, not by the member's longer wording.
    from newsprism.model import Speaker, Stretch

    texts = {"a": "Harbour officials say the ferry will stop on Friday.",
             "b": "Two harbour officials spoke. One of them is a pilot. He said the ferry will stop on Friday.",
             "c": "One harbour official said the ferry will stop on Friday."}
    arts = [Article(id=k, text=t, outlet=f"Outlet {k.upper()}") for k, t in texts.items()]
    stretches = [Stretch("a", 22, 51, Speaker(0, 17, "Harbour officials", "Harbour officials", "anonymous"), [], "speech", None),
                 Stretch("b", 60, 88, Speaker(52, 54, "He", "one of two harbour officials", "anonymous"), [], "speech", None)]
    p = build_provenance(arts[:2], stretches)
    (node,) = [n for n in p.nodes if n.id.startswith("group:")]
    assert node.name == "Harbour officials"
    # With no group's description in the story, a member's names the node.
    p = build_provenance(arts[1:], stretches[1:] + [
        Stretch("c", 29, 56, Speaker(0, 20, "One harbour official", "One harbour official", "anonymous"), [], "speech", None)])
    (node,) = [n for n in p.nodes if n.id.startswith("group:")]
    assert node.name == "one of two harbour officials"
