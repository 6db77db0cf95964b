"""The provenance graph: who cites whom, with the sentence that says so."""

from __future__ import annotations

from newsprism.model import Article
from newsprism.provenance import build_provenance
from newsprism.provenance.sources import group_source, person_key

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


def test_syndicate_outside_the_story_is_a_node() -> None:
    a = Article(id="x", text="Body text here.", syndicated_from="Jewish News Syndicate")
    prov = build_provenance([a], {})
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
