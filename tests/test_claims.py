"""Claims and independent sources: the invented ferry story, the bundled example, the seed articles."""

from __future__ import annotations

import pytest

from newsprism.claims import align_claims, assign_independence, coverage, story_title
from newsprism.model import Claim, ProvEdge, Provenance, ProvNode, Speaker, Stretch
from newsprism.provenance.sources import media_source

from fixtures.brief.stories import FERRY, REWRITE, brief, load, shared_nlp


def _claim(b, *words: str) -> Claim:
    """The widest claim whose representative sentence has all ``words``."""
    found = [c for c in b.claims if all(w.casefold() in c.text.casefold() for w in words)]
    assert found, f"no claim with {words}"
    return max(found, key=lambda c: len(c.articles))


def _stretch_at(b, article_prefix: str, words: str) -> Stretch:
    """The innermost stretch of the article whose id starts so, covering the words."""
    a = next(a for a in b.articles if a.id.startswith(article_prefix))
    at = a.text.index(words)
    hits = [s for s in b.stretches if s.article == a.id and s.start <= at < s.end]
    assert hits, f"no stretch holds {words!r}"
    return min(hits, key=lambda s: s.end - s.start)


def test_claim_evidence_is_a_span_of_its_article() -> None:
    b = brief(FERRY)
    by_id = {a.id: a for a in b.articles}
    assert b.claims
    for c in b.claims:
        assert len(c.evidence) == len(set(c.articles)), "one sentence per supporting article"
        for ev in c.evidence:
            assert by_id[ev.article].text[ev.start : ev.end] == ev.text
        assert c.text in {ev.text for ev in c.evidence}


def test_paraphrases_align_across_outlets() -> None:
    c = _claim(brief(FERRY), "aground", "Gull Point")
    assert set(c.articles) == {"chronicle", "post", "gazette", "voice"}


def test_copies_and_shared_source_count_once() -> None:
    # Chronicle's own report, Post citing it, Gazette republishing Post, Voice citing it: one source.
    c = _claim(brief(FERRY), "aground", "Gull Point")
    assert c.independent_sources == 1
    assert c.origins[0].via == ["The Bay Chronicle"]
    assert c.origins[0].name == "three crew members"


def test_own_witness_is_a_second_source() -> None:
    c = _claim(brief(FERRY), "passengers", "lifeboats")
    assert c.independent_sources == 2
    names = {o.name for o in c.origins}
    assert "Tomas Berg" in names


def test_independence_without_attribution_falls_back_to_outlet() -> None:
    arts = load(FERRY)
    claims = align_claims(arts, shared_nlp())
    assign_independence(claims, arts, Provenance())
    # No graph: every original outlet is its own source, and the copy folds into Coastal Post.
    c = next(c for c in claims if {"post", "gazette"} <= set(c.articles))
    assert c.independent_sources == len({"post" if a == "gazette" else a for a in c.articles})


def _credit(ev, name: str, kind: str = "media", via: list[str] | None = None, act: str = "speech") -> Stretch:
    """A stretch crediting the whole of a supporting sentence to ``name``."""
    return Stretch(ev.article, ev.start, ev.end, Speaker(None, None, name, name, kind), via or [], act)


def test_independence_follows_a_cited_outlet() -> None:
    arts = load(FERRY)
    claims = align_claims(arts, shared_nlp())
    c = next(c for c in claims if {"chronicle", "voice"} <= set(c.articles) and "aground" in c.text)
    ev = next(e for e in c.evidence if e.article == "voice")
    assign_independence([c], arts, Provenance(), [_credit(ev, "X Daily")])
    assert any(o.name == "X Daily" for o in c.origins)


def _outlet_unknown(arts, *ids: str) -> None:
    """Strip the named articles of their outlet, as a pasted text with no byline or footer has none."""
    for a in arts:
        if a.id in ids:
            a.outlet = a.outlet_id = None


def test_an_article_whose_outlet_is_not_known_is_not_counted_beside_a_known_source() -> None:
    # The Harbour Voice's text names no outlet: its own voice may be the Chronicle's or the Post's
    # (it could be either paper's own web copy), so it cannot be shown independent of them.
    arts = load(FERRY)
    claims = align_claims(arts, shared_nlp())
    c = next(c for c in claims if {"chronicle", "voice"} <= set(c.articles) and "aground" in c.text)
    assign_independence([c], arts, Provenance())
    with_voice = c.independent_sources
    _outlet_unknown(arts, "voice")
    assign_independence([c], arts, Provenance())
    assert c.independent_sources == with_voice - 1 == len(c.origins)
    assert [o.name for o in c.not_counted] == [next(a for a in arts if a.id == "voice").label]
    assert not any(o.name.startswith("unnamed outlet") for o in c.origins)


def test_articles_whose_outlets_are_not_known_count_once_together() -> None:
    # Nothing else stands behind the claim: someone printed it, one source; two such articles may be one outlet.
    arts = load(FERRY)
    _outlet_unknown(arts, "chronicle", "post", "voice")
    claims = align_claims(arts, shared_nlp())
    c = next(c for c in claims if {"chronicle", "post", "voice"} <= set(c.articles) and "aground" in c.text)
    assign_independence([c], arts, Provenance())
    assert c.independent_sources == len(c.origins) == 1
    assert len(c.not_counted) == 2  # the Gazette republishes the Post: one with it


def test_a_stance_is_no_source() -> None:
    # "X Daily doubts that ...": the holder of a belief is its subject; the sentence rests on the outlet.
    arts = load(FERRY)
    claims = align_claims(arts, shared_nlp())
    c = next(c for c in claims if {"chronicle", "voice"} <= set(c.articles) and "aground" in c.text)
    ev = next(e for e in c.evidence if e.article == "voice")
    assign_independence([c], arts, Provenance(), [_credit(ev, "X Daily", act="belief")])
    assert not any(o.name == "X Daily" for o in c.origins)


def test_a_source_seen_citing_another_is_not_independent_of_it() -> None:
    # Voice credits X Daily; elsewhere in the story X Daily is seen citing the Chronicle.
    arts = load(FERRY)
    claims = align_claims(arts, shared_nlp())
    c = next(c for c in claims if {"chronicle", "voice"} <= set(c.articles) and "aground" in c.text)
    ev = next(e for e in c.evidence if e.article == "voice")
    chronicle = next(a for a in arts if a.id == "chronicle")
    x = media_source("X Daily").id
    prov = Provenance(
        nodes=[ProvNode("article:voice", "Harbour Voice", "article"), ProvNode(x, "X Daily", "media"),
               ProvNode(f"media:{chronicle.outlet_id}", chronicle.label, "media")],
        edges=[ProvEdge(x, f"media:{chronicle.outlet_id}", "cites", "voice", 0, 1, "")],
    )
    assign_independence([c], arts, prov, [_credit(ev, "X Daily")])
    merged = next(o for o in c.origins if o.name == chronicle.label)
    assert merged.via == ["X Daily"]
    # The Chronicle (also via X Daily), and the Coastal Post with its copy in the Gazette.
    assert c.independent_sources == len(c.origins) == 2


def test_coverage_adds_and_omits() -> None:
    b = brief(FERRY)
    notes = {n.article: n for n in b.coverage}
    by_id = {c.id: c for c in b.claims}
    assert any("Piet Ruys" in by_id[i].text for i in notes["post"].adds)
    assert notes["gazette"].adds == []  # a copy adds nothing
    assert any("steering" in by_id[i].text for i in notes["voice"].omits)
    assert coverage([], b.articles)[0].adds == []


def test_story_title_prefers_an_original_headline() -> None:
    arts = load(FERRY)
    assert story_title(arts) != "Ferry stranded near Gull Point"  # the copy's new headline
    assert story_title(arts) in {a.title for a in arts}


def test_align_handles_articles_without_body() -> None:
    arts = load(FERRY)
    empty = arts[0].__class__(id="empty", text="")
    assert align_claims([empty], shared_nlp()) == []


def test_example_cracks_claim(example_dir) -> None:
    b = brief(example_dir)
    c = _claim(b, "cracks", "spillway")
    assert len(c.articles) >= 5
    assert c.independent_sources == 1
    assert c.origins[0].via == ["The Kestrel Courier"]


def test_example_evacuation_has_two_sources(example_dir) -> None:
    # The Courier's report, and the mayor speaking to the Pinecrest Post.
    c = _claim(brief(example_dir), "12,000")
    assert c.independent_sources == 2
    assert {o.name for o in c.origins} == {"The Kestrel Courier", "Daniel Osei"}


def test_seed_core_claim_rests_on_the_times(seeds_dir) -> None:
    b = brief(seeds_dir)
    c = _claim(b, "deliver", "radar")
    assert len(c.articles) == 5
    assert c.independent_sources == 1
    (origin,) = c.origins
    assert origin.via == ["The New York Times"]
    assert "Iranian officials" in origin.name


def test_seed_articles_that_name_no_outlet_add_no_independent_source(seeds_dir) -> None:
    # Three seeds name no outlet of their own (no byline, dateline, footer or URL); a claim four
    # articles carry was counted 4 independent sources, two of them such articles' own voice.
    b = brief(seeds_dir)
    unknown = {a.label for a in b.articles if not (a.outlet or a.outlet_id or a.syndicated_from)}
    assert len(unknown) == 3
    c = _claim(b, "met", "Bagheri", "directing")
    # #3's own voice; #5 names the Times for the meeting ("The New York Times highlighted that ...").
    assert len({o.name for o in c.not_counted} & unknown) == 1
    for c in b.claims:  # such an article's own voice, or a source only it reached, counts only alone
        assert c.independent_sources == len(c.origins)
        if any((o.via or [o.name])[0] in unknown for o in c.origins):
            assert len(c.origins) == 1
        assert all((o.via or [o.name])[0] in unknown for o in c.not_counted if not o.cites)


def test_seed_own_words_of_an_outlet_citing_the_times_are_not_a_second_source(seeds_dir) -> None:
    # JNS writes "The request came following a day-long visit to Tehran by ... Shoigu" in its own
    # words, and cites the Times for the story; World Israel News gives the Times for it. Counted 2
    # (the Times; JNS): JNS is not shown independent of the Times, nor credited to it.
    b = brief(seeds_dir)
    c = _claim(b, "Pezeshkian had requested the military aid")
    assert c.independent_sources == 1 and [o.name for o in c.origins] == ["The New York Times"]
    jns = next(o for o in c.not_counted if o.cites)
    assert (jns.name, jns.via, jns.cites) == ("Jewish News Syndicate", [], ["The New York Times"])
    # "Shoigu also met with ... Bagheri" in JNS's own words, beside "According to Iranian media, Shoigu
    # ... met with ... Bagheri" and #5's "The New York Times highlighted that ... Shoigu ... held
    # discussions with ... Bagheri": JNS cites the Times, which the claim rests on (seen citing Iranian
    # media). Counted 2 (JNS; Iranian media).
    c = _claim(b, "met", "Bagheri", "directing")
    assert c.independent_sources == 1 and [(o.name, o.via) for o in c.origins] == [("Iranian media", ["The New York Times"])]
    jns = next(o for o in c.not_counted if o.cites)
    assert (jns.name, jns.cites) == ("Jewish News Syndicate", ["The New York Times"])


def test_seed_security_council_meeting_cites_only_who_reports_it(seeds_dir) -> None:
    # World Israel News names Shoigu as "Russian Security Council Secretary" and never
    # mentions a meeting with the secretary of Iran's Supreme National Security Council.
    c = _claim(brief(seeds_dir), "met", "Supreme National Security Council")
    assert len(c.articles) == 4
    assert not any(a.startswith("000_") for a in c.articles)


def test_a_supporter_names_no_rival_institution() -> None:
    from newsprism.claims.align import states
    from newsprism.claims.text import SentenceItem

    def item(*names: str) -> SentenceItem:
        return SentenceItem("a", 0, 0, 1, 0, "", [], frozenset(),
                            frozenset((f"e:{n.split()[-1]}", frozenset(n.split())) for n in names))

    claim = item("harlow water board", "kestrel courier")
    assert states(claim, item("harlow water board"))
    assert states(claim, item())  # the board left unnamed
    assert states(claim, item("water board"))  # a shorter name of it
    assert states(claim, item("kestrel school board", "harlow water board"))  # it, and another board too
    assert not states(claim, item("kestrel school board"))  # another board only


def _asserts_same(claim: str, other: str, sim: float = 0.4) -> bool:
    """``asserts_same`` on two one-sentence articles, below the similarity that settles it alone."""
    from newsprism.claims.align import asserts_same
    from newsprism.claims.text import sentence_items
    from newsprism.extract.prepare import prepare_articles
    from newsprism.model import Article

    arts = prepare_articles([Article(id="a", text=claim), Article(id="b", text=other)])
    nlp = shared_nlp()
    nlp.docs(arts)
    a, b = sentence_items(arts, nlp)
    return asserts_same(a, b, sim, dict.fromkeys(a.content | b.content, 1.0))


def _two_items(claim: str, other: str):
    from newsprism.claims.text import sentence_items
    from newsprism.extract.prepare import prepare_articles
    from newsprism.model import Article

    arts = prepare_articles([Article(id="a", text=claim), Article(id="b", text=other)])
    nlp = shared_nlp()
    nlp.docs(arts)
    return sentence_items(arts, nlp)


def test_a_supporter_gives_no_other_amount_of_the_claims_unit() -> None:
    from newsprism.claims.align import states

    def says(claim: str, other: str) -> bool:
        a, b = _two_items(claim, other)
        return states(a, b)

    # Another amount of money: another cut, not this one.
    assert not says("His health care plan would cut Medicare by $800 billion over ten years.",
                    "Now when you need it, Obama has cut $716 billion from Medicare.")
    # The same amount, or one its wording allows ("more than $700 billion"), or none at all.
    assert says("The law cuts $716 billion from Medicare over ten years.",
                "Obama has cut more than $700 billion from Medicare, the advertisement says.")
    assert says("The law cuts $716 billion from Medicare over ten years.", "Obama has cut Medicare, the ad says.")
    # Counts of people are not held to it: two outlets' tolls of one evacuation are a conflict to show.
    assert says("The authority ordered 12,000 people in Millbrook to evacuate.",
                "More than 15,000 residents of Millbrook were ordered to leave.")


def test_a_supporter_asserts_what_the_claim_asserts() -> None:
    # Another fact about the same people and things.
    assert not _asserts_same("Colorado voters approved Amendment 64 in 2012.",
                             "Like many elected officials in Colorado, Mr. Suthers had opposed Amendment 64.")
    assert not _asserts_same("Romney joined Republicans in calling on Todd Akin to quit the Senate race.",
                             "Mr. Romney criticized Todd Akin's remarks on Sunday.")
    # The same assertion: the same verb through a verb of saying; the same figure.
    assert _asserts_same("Officials said Patrick appointed William Cowan to the Senate seat on Wednesday.",
                         "Governor Deval Patrick on Wednesday appointed Mo Cowan, his former chief of staff.")
    assert _asserts_same("The authority has ordered 12,000 people in Millbrook to evacuate.",
                         "Nearly 12,000 residents of Millbrook have left their homes.")


def test_a_predicate_met_only_as_a_noun_needs_more_likeness() -> None:
    # "questioned" in the claim, "questions" in the other: another fact about the questions.
    assert not _asserts_same("Investigators questioned the captain on Friday.",
                             "A list of questions about the ferry's lifeboats was never answered.", sim=0.35)
    # The verb itself, in another voice, at the same likeness.
    assert _asserts_same("Investigators questioned the captain on Friday.",
                         "The captain was questioned by investigators on Friday.", sim=0.35)
    # A noun for the act counts only among closer sentences.
    assert not _asserts_same("Prosecutors subpoenaed the campaign on Monday.",
                             "Grand jury subpoenas were issued on Monday to the governor's re-election team.", sim=0.35)
    assert _asserts_same("Prosecutors subpoenaed the campaign on Monday.",
                         "Grand jury subpoenas were issued on Monday to the governor's re-election team.", sim=0.45)


def test_under_nominal_likeness_one_weak_sign_is_not_enough() -> None:
    # The claim's verb met only in a side clause of the other, and little else in common: another
    # fact about the same road. Among closer sentences that sign still counts.
    claim = "The water board closed the road to all traffic on Tuesday."
    side = "Drivers in Millbrook complained bitterly to their councillors on Tuesday after the water board closed it."
    assert not _asserts_same(claim, side, sim=0.35)
    assert _asserts_same(claim, side, sim=0.45)
    # The side-clause verb and what the two say beside the names: two signs.
    assert _asserts_same(claim, "Drivers stuck after the water board closed the road to all traffic complained on "
                                "Tuesday.", sim=0.35)
    # The same act in other words is a shared main predicate, which is enough on its own.
    assert _asserts_same("Officials said the board has started delivering sandbags to Millbrook.",
                         "The board has begun transferring sandbags to Millbrook, officials say.", sim=0.35)


def test_verbs_that_report_the_same_act_are_one_predicate() -> None:
    a, b = _two_items("Officials said the board has started delivering sandbags to Millbrook.",
                      "The board has begun transferring sandbags to Millbrook, officials say.")
    assert a.predicates == b.predicates
    a, b = _two_items("Mr. Sestak went on to win the primary against Senator Specter.",
                      "Sestak went on to defeat Senator Specter in the primary.")
    assert a.predicates & b.predicates
    # Verbs of other acts stay apart.
    a, b = _two_items("The board delivered sandbags to Millbrook.", "The board promised sandbags to Millbrook.")
    assert not a.predicates & b.predicates


def test_shared_words_that_only_name_someone_are_not_the_same_words() -> None:
    # Five words in a row, but only a description of a name: another fact about the same man.
    assert not _asserts_same(
        "Dock workers walked out across three container terminals and blocked the harbour gates on Friday after the "
        "arrest of union leader Tomas Varga.",
        "The official said shipping firms fear weeks of strikes and lost cargo in response to the arrest of union "
        "leader Tomas Varga.")
    # The same quotation, with no shared verb: still the same words.
    assert _asserts_same("The mayor dismissed the audit as 'a politically motivated fishing expedition'.",
                         "Ms. Osei called it 'a politically motivated fishing expedition' on Tuesday.")


def test_a_sentence_with_no_main_verb_must_still_share_the_assertion() -> None:
    # "is the only route": no act, only another fact about the road.
    assert not _asserts_same(
        "The water board closed the road to all traffic and sent inspectors to the spillway on Tuesday.",
        "The road is the only route into Millbrook for delivery lorries and school buses.")
    # A copula that says the claim's act in the claim's own words still does.
    assert _asserts_same("The water board closed the road to all traffic on Tuesday.",
                         "The road is closed to all traffic, the water board said.")


def test_seed_killing_of_haniyeh_is_not_what_the_israeli_official_said(seeds_dir) -> None:
    # #4 mentions "the killing of Hamas political leader Ismail Haniyeh" only in what an Israeli
    # official fears; it never says the situation escalated after it.
    c = _claim(brief(seeds_dir), "situation escalated", "Haniyeh")
    assert not any(a.startswith("003_") for a in c.articles)
    assert len(c.articles) >= 2


def test_seed_according_to_x_rests_on_x_not_on_who_met(seeds_dir) -> None:
    # "According to Iranian media, Shoigu ... met with ...": Iranian media, not Shoigu.
    b = brief(seeds_dir)
    st = _stretch_at(b, "003_", "According to Iranian media")
    assert st.source is not None and st.source.name == "Iranian media" and st.act == "speech"
    c = _claim(b, "Shoigu", "Bagheri", "met")
    assert "Sergei Shoigu" not in {o.name for o in c.origins}
    assert "Iranian media" in {o.name for o in c.origins}


def test_seed_an_outlet_seen_citing_a_media_description_is_not_independent_of_it(seeds_dir) -> None:
    # The Times is seen citing "Iranian media"; a claim resting on the Times (JNS) and on Iranian
    # media (#3) counted them 2: the count looked the description up under another id than the graph's.
    b = brief(seeds_dir)
    c = _claim(b, "report in Iranian media", "air-defense systems")
    assert c.independent_sources == 1
    assert [(o.name, o.via) for o in c.origins] == [("Iranian media", ["The New York Times"])]


def test_seed_shoigu_statement_is_one_source_whoever_relays_it(seeds_dir) -> None:
    # Relayed by the Times and by Iranian state media: one source, Shoigu.
    c = _claim(brief(seeds_dir), "ready for full cooperation")
    assert len(c.articles) >= 3
    assert c.independent_sources == 1
    assert c.origins[0].name == "Sergei Shoigu"


def test_seed_drone_figure_cites_the_journal(seeds_dir) -> None:
    c = _claim(brief(seeds_dir), "4,000", "Shahed")
    assert len(c.articles) == 1
    assert c.independent_sources == 1
    assert c.origins[0].name == "The Wall Street Journal"


@pytest.mark.slow
def test_embedder_alignment_keeps_the_core_claim(seeds_dir) -> None:
    from newsprism.embedders import MiniLMEmbedder

    arts = load(seeds_dir)
    claims = align_claims(arts, shared_nlp(), embedder=MiniLMEmbedder())
    assert max(len(c.articles) for c in claims) == 5


def _timeline(*articles):
    from newsprism.claims import build_timeline, story_values
    from newsprism.extract.prepare import prepare_articles

    arts = prepare_articles(list(articles))
    nlp = shared_nlp()
    nlp.docs(arts)
    return build_timeline(arts, story_values(arts, nlp))


def test_timeline_reads_relative_dates_against_the_articles_own_date() -> None:
    from newsprism.model import Article

    text = ("Harbour plan delayed\n\nIn August of last year, the Harbour Gazette reported that the port would build "
            "a new quay by 2026.\n\nThe mayor approved the budget on Monday.")
    events = _timeline(Article(id="a", text=text, published="2024-08-07"))
    by_date = {e.date: e.text for e in events}
    assert "2023-08" in by_date and "In August of last year" in by_date["2023-08"]
    assert by_date.get("2024-08-05", "").startswith("The mayor approved")


def test_timeline_places_days_ago_last_night_and_last_month_name() -> None:
    from newsprism.model import Article

    text = ("Gate fails\n\nEngineers found a crack in the sluice gate two days ago.\n\nThe riverside road was "
            "closed last night.\n\nThe council had approved the new quay last August.")
    dated = {e.date: e.text for e in _timeline(Article(id="a", text=text, published="2024-08-07"))}
    assert dated.get("2024-08-05", "").startswith("Engineers found a crack")
    assert dated.get("2024-08-06", "").startswith("The riverside road")
    assert dated.get("2023-08", "").startswith("The council had approved")
    # With no date of its own, the same article places none of them.
    assert _timeline(Article(id="u", text=text)) == []


def test_timeline_times_a_weekday_by_its_own_verb() -> None:
    from newsprism.model import Article

    # Tuesday 6 August 2024. The present of a scheduled thing is its future; a past verb looks
    # back even when another clause of its sentence speaks of the future; "Monday's reports" is a
    # name, not a time of "come", and "Monday's ruling" is yesterday's whatever the tense around it.
    # A caption's present (a photo credit after it, or a credit line before it) is a moment already
    # past; a dateline's "(AP)" is no credit.
    text = ("Harbour vote set\n\nHARBOURVIEW (AP) — The vote on the quay is on Friday.\n\nThe mayor travels to the "
            "capital on Thursday.\n\nThe council said on Monday that the bridge will reopen in September.\n\n"
            "Police arrested two men this Sunday.\n\nThe minister is meeting the mayor this Saturday.\n\n"
            "Monday's reports come amid a row over the budget.\n\nThe harbour board has met on Sunday.\n\n"
            "Monday's ruling on the quay will reverberate for years.\n\n"
            "The mayor speaks to ferry crews on the quay on Thursday. (Photo: Ann Lee/Harbour Gazette)\n\n"
            "Tom Reed via Getty Images.\n\nFerry crews march to the town hall on Saturday.")
    dated = {(e.date, e.text) for e in _timeline(Article(id="a", text=text, published="2024-08-06"))}
    assert dated == {
        ("2024-08-09", "The vote on the quay is on Friday."),
        ("2024-08-08", "The mayor travels to the capital on Thursday."),
        ("2024-08-05", "The council said on Monday that the bridge will reopen in September."),
        ("2024-09", "The council said on Monday that the bridge will reopen in September."),
        ("2024-08-04", "Police arrested two men this Sunday."),
        ("2024-08-10", "The minister is meeting the mayor this Saturday."),
        ("2024-08-05", "Monday's reports come amid a row over the budget."),
        ("2024-08-04", "The harbour board has met on Sunday."),
        ("2024-08-05", "Monday's ruling on the quay will reverberate for years."),
        ("2024-08-01", "The mayor speaks to ferry crews on the quay on Thursday."),
        ("2024-08-03", "Ferry crews march to the town hall on Saturday."),
    }


def test_timeline_leaves_an_undated_articles_events_undated() -> None:
    from newsprism.model import Article

    undated = Article(id="u", text=("Quay plan\n\nIn August of last year, the Harbour Gazette reported that the port "
                                    "would build a new quay by 2026.\n\nThe council has opposed the quay since October 7th."))
    dated = Article(id="d", text="Quay vote\n\nThe council voted against the quay in March 2024.", published="2024-08-07")
    events = _timeline(undated, dated)
    assert [e.date for e in events] == ["2024-03"]  # not 2026 for last August's report, nor a guessed October 7th


def test_own_words_beside_an_outlet_it_cites_are_not_counted_apart() -> None:
    # The Ledger cites the Chronicle and writes the grounding in its own words: a rewrite of the
    # Chronicle as likely as a report of its own, so it is not shown independent of the Chronicle.
    # Nor is the sentence credited to the Chronicle: the Ledger does not say so there. The Gazette's
    # own words cite no one: a report of its own as far as the text shows.
    c = _claim(brief(REWRITE), "ran aground", "Gull Point")
    assert set(c.articles) == {"chronicle", "ledger", "gazette"}
    assert {o.name for o in c.origins} == {"three crew members", "Isle Gazette"}
    assert c.independent_sources == 2
    (ledger,) = c.not_counted
    assert (ledger.name, ledger.via, ledger.cites) == ("Harbour Ledger", [], ["The Bay Chronicle"])


def test_each_sentences_best_match_in_every_other_article_with_the_earlier_sentence_winning_a_tie() -> None:
    """``group_sentences``' table of best matches, against every pair looked at one by one."""
    import random
    from types import SimpleNamespace

    import numpy as np
    from scipy import sparse

    from newsprism.claims.align import _BestMatches

    rng = random.Random(7)
    articles = [rng.choice("pqrst") for _ in range(40)]  # each sentence's article, in no order
    dense = np.array([[rng.choice([0.0, 0.0, 0.25, 0.5, 0.75]) for _ in articles] for _ in articles])
    best = _BestMatches([SimpleNamespace(article=a) for a in articles], sparse.csr_matrix(dense))  # type: ignore[misc]
    story_order = list(dict.fromkeys(articles))
    for i, a in enumerate(articles):
        want = []
        for b in story_order:
            if b == a:
                continue
            stored = [(dense[i, j], -j) for j in range(len(articles)) if articles[j] == b and dense[i, j] != 0]
            if stored:
                v, j = max(stored)
                want.append((v, -j))
        assert best.row(i) == want
        for j in range(len(articles)):
            mine = {articles[m]: v for v, m in best.row(j)}
            assert best.value(j, i) == mine.get(a, 0.0)


@pytest.mark.parametrize("cells", [1, 40])
def test_the_similarity_is_the_same_computed_a_few_rows_at_a_time(cells: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A story larger than ``CELLS`` pairs is compared in blocks of rows: the same matrix, bit for bit."""
    from newsprism.claims import text
    from newsprism.claims.text import sentence_items, similarity

    items = sentence_items(load(FERRY), shared_nlp())
    whole = similarity(items)
    assert len(items) ** 2 <= text.CELLS and len(items) > 40 // len(items) > 1  # one block; rows of one, or of a few
    monkeypatch.setattr(text, "CELLS", cells)
    blocked = similarity(items)
    for part in ("indptr", "indices", "data"):
        assert getattr(blocked, part).tobytes() == getattr(whole, part).tobytes()


def test_the_sentence_items_hold_one_object_for_each_word() -> None:
    """A story's items hold every sentence's words at once (a brief's largest holding after the
    parses): a word in many sentences is one string, not one for each token that reads it."""
    from newsprism.claims.text import sentence_items

    items = sentence_items(load(FERRY), shared_nlp())
    first: dict[str, str] = {}
    repeated = 0
    for it in items:
        for w in [*it.lemmas, *it.stems, *it.verbs, *it.content]:
            repeated += w in first
            assert first.setdefault(w, w) is w, w
    assert repeated > 100  # the story's words recur across its sentences and articles
