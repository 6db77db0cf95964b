"""Dates and figures: normalisation, conflicts, timeline."""

from __future__ import annotations

import importlib.util
from datetime import date

import pytest

from newsprism.claims.values import find_dates, find_quantities

from fixtures.brief.stories import FERRY, brief

TUE_6_AUG = date(2024, 8, 6)


@pytest.mark.parametrize(
    "text,base,iso",
    [
        ("Shoigu arrived in Tehran on Monday", TUE_6_AUG, "2024-08-05"),
        ("the cracks were found during an inspection last Saturday", date(2024, 5, 14), "2024-05-11"),
        ("Marsh will visit Millbrook on Wednesday", date(2024, 5, 14), "2024-05-15"),
        ("spotted on May 12", date(2024, 5, 13), "2024-05-12"),
        ("repairs were expected to take until 30 June", date(2024, 5, 13), "2024-06-30"),
        ("since October 7th", TUE_6_AUG, "2023-10-07"),
        ("completed in 1962", None, "1962"),
        ("In July of 2022, officials said", None, "2022-07"),
        ("7:13 AM EDT, August 6, 2024", None, "2024-08-06"),
        # Relative to the publication day: the latest such month before it, days, months and years back.
        ("the quay was approved last August", TUE_6_AUG, "2023-08"),
        ("the council met last March", TUE_6_AUG, "2024-03"),
        ("the vote is due next March", TUE_6_AUG, "2025-03"),
        ("the gate failed two days ago", TUE_6_AUG, "2024-08-04"),
        ("the road was closed last night", TUE_6_AUG, "2024-08-05"),
        ("the pumps were started this morning", TUE_6_AUG, "2024-08-06"),
        ("the works began three months ago", TUE_6_AUG, "2024-05"),
        ("two years ago the dam was inspected", TUE_6_AUG, "2022"),
        # A stretch of days is shown whole, as an ISO 8601 interval, never as one of its days.
        ("the storm hit the coast last week", TUE_6_AUG, "2024-07-29/2024-08-04"),
        ("the plant closed two weeks ago", TUE_6_AUG, "2024-07-22/2024-07-28"),
        ("the works will go on next week", TUE_6_AUG, "2024-08-12/2024-08-18"),
        # "The end of" a period is its last third as a reader counts it: ten days of a month, four months of a year.
        ("repairs will last until the end of June", date(2024, 5, 13), "2024-06-21/2024-06-30"),
        ("the pier reopens at the beginning of the month", TUE_6_AUG, "2024-08-01/2024-08-10"),
        ("the count will end in the middle of February", TUE_6_AUG, "2025-02-11/2025-02-20"),
        ("the plant will close by the end of the year", TUE_6_AUG, "2024-09/2024-12"),
        ("a vote is planned for the start of the year", TUE_6_AUG, "2024-01/2024-04"),
        ("the middle of the year", TUE_6_AUG, "2024-05/2024-08"),
        # "this" looks ahead unless a verb says otherwise (find_dates has no parse here).
        ("the board meets this Friday", TUE_6_AUG, "2024-08-09"),
        # A weekday that names a thing is timed by no verb: ahead only a day or two off, else behind,
        # whatever the tense around it (the ruling was yesterday; the announcement last Friday).
        ("Monday's ruling on the quay will reverberate for years", TUE_6_AUG, "2024-08-05"),
        ("Monday’s ruling will shape the vote", TUE_6_AUG, "2024-08-05"),
        ("until Friday's announcement the shares were cheap", TUE_6_AUG, "2024-08-02"),
        ("the mayor hopes Thursday's vote will settle it", TUE_6_AUG, "2024-08-08"),
        ("the ferry crews met before Wednesday's vote", TUE_6_AUG, "2024-08-07"),
        ("next Tuesday's vote", TUE_6_AUG, "2024-08-13"),
    ],
)
def test_dates_resolve_against_publication_day(text: str, base: date | None, iso: str) -> None:
    assert [d.value.iso() for d in find_dates(text, base)] == [iso]


def test_relative_dates_need_a_publication_day() -> None:
    assert find_dates("on Monday", None) == []
    assert find_dates("on 5 August", None, story_date=TUE_6_AUG)[0].value.iso() == "2024-08-05"
    # Unresolvable, not read as this August of the story.
    assert find_dates("In August of last year, the Ledger reported", None, story_date=TUE_6_AUG) == []
    for text in ("approved last August", "failed two days ago", "closed last night", "began three months ago"):
        unplaced: list[tuple[int, int]] = []
        assert find_dates(text, None, story_date=TUE_6_AUG, unresolved=unplaced) == []
        assert unplaced  # claimed, so the sentence is left undated rather than placed by another date
    # "may" after "last" is the verb, not the month.
    assert find_dates("the last may be the hardest", TUE_6_AUG) == []
    # A weekday that recurs is no day.
    assert find_dates("you need not be in the pews every Sunday, or each Friday", TUE_6_AUG) == []


def test_monday_and_5_august_agree() -> None:
    (monday,) = find_dates("on Monday", TUE_6_AUG)
    (fifth,) = find_dates("on 5 August", TUE_6_AUG)
    assert monday.value.agrees(fifth.value)


def test_end_of_month_agrees_with_its_last_day() -> None:
    (end,) = find_dates("until the end of June", date(2024, 5, 13))
    (day,) = find_dates("until 30 June", date(2024, 5, 13))
    assert end.value.agrees(day.value)


def _q(text: str):
    (q,) = find_quantities(text)
    return q


@pytest.mark.parametrize(
    "a,b,agree",
    [
        ("more than 4,000 drones", "4,000+ drones", True),
        ("about 12,000 residents", "nearly 12,000 residents", True),
        ("12,000 people", "11,800 people", True),  # rounding
        ("about 12,000 residents", "more than 15,000 residents", False),
        ("$4 billion", "$4bn", True),
        ("5 km", "5,000 metres", True),
        ("35 percent", "35 km", False),
    ],
)
def test_quantities_agree_after_normalisation(a: str, b: str, agree: bool) -> None:
    assert _q(a).agrees(_q(b)) is agree


def test_small_counts_and_years_are_not_figures() -> None:
    assert find_quantities("two engineers in G7 countries in 2019") == []


def test_ferry_conflicts() -> None:
    conflicts = brief(FERRY).conflicts
    number = next(c for c in conflicts if c.kind == "number")
    assert {v.value for v in number.values} >= {"~240", ">300"}
    date_conflict = next(c for c in conflicts if c.kind == "date")
    assert {(v.article, v.value) for v in date_conflict.values} >= {
        ("chronicle", "2024-03-04"), ("post", "2024-03-04"), ("voice", "2024-03-03")
    }
    # The copy never conflicts with its original, and repairs (30 April / end of April) agree.
    assert all(v.article != "gazette" for c in conflicts for v in c.values)
    assert not any("April" in v.text for c in conflicts for v in c.values)


def test_conflict_values_are_spans() -> None:
    b = brief(FERRY)
    by_id = {a.id: a for a in b.articles}
    assert b.conflicts and all(c.values for c in b.conflicts)
    for c in b.conflicts:
        for v in c.values:
            assert by_id[v.article].text[v.start : v.end] == v.text


def test_ferry_timeline() -> None:
    events = brief(FERRY).timeline
    dates = [e.date for e in events]
    assert dates == sorted(dates)
    aground = next(e for e in events if e.date == "2024-03-04")
    assert set(aground.articles) == {"chronicle", "post"}
    assert "2024-04-30" in dates


def test_example_conflicts(example_dir) -> None:
    b = brief(example_dir)
    number = next(c for c in b.conflicts if c.kind == "number")
    assert ">15000" in {v.value for v in number.values}
    assert "~12000" in {v.value for v in number.values}
    date_c = next(c for c in b.conflicts if c.kind == "date")
    assert {v.value for v in date_c.values} == {"2024-05-12", "2024-05-11"}
    assert not any("June" in v.text for c in b.conflicts for v in c.values)


def test_example_timeline(example_dir) -> None:
    dates = {e.date for e in brief(example_dir).timeline}
    assert {"1962", "2019", "2024-05-12", "2024-05-13", "2024-05-14", "2024-05-15", "2024-06-30"} <= dates


# ---------------------------------------------------------------- named facts (invented text)


def _fact_conflicts(*texts: str):
    """Fact conflicts among articles whose first sentences are aligned as one claim."""
    from newsprism.claims.facts import find_fact_conflicts
    from newsprism.extract import prepare_articles
    from newsprism.model import Article, Claim, Evidence

    from fixtures.brief.stories import shared_nlp

    arts = prepare_articles([Article(id=f"a{i}", text=t, outlet=f"Outlet {i}") for i, t in enumerate(texts)])
    evidence = []
    for a in arts:
        s = a.sentences[0]
        evidence.append(Evidence(a.id, s.start, s.end, a.text[s.start : s.end]))
    claim = Claim("c1", evidence[0].text, [a.id for a in arts], [], 1, [], evidence)
    return find_fact_conflicts(arts, [claim], shared_nlp(), {a.id: a.id for a in arts})


def test_place_conflict_found() -> None:
    (c,) = _fact_conflicts(
        "The smuggler Tomas Brenner was killed in Lisbon on Tuesday, police said.\n",
        "The smuggler Tomas Brenner was killed in Madrid on Tuesday, police said.\n",
    )
    assert c.kind == "fact" and c.topic == "place of: killed in"
    assert {(v.article, v.value, v.text) for v in c.values} == {("a0", "Lisbon", "Lisbon"), ("a1", "Madrid", "Madrid")}


def test_person_in_same_role_conflict_found() -> None:
    (c,) = _fact_conflicts(
        "The army commander, Anton Kessler, ordered the retreat on Tuesday.\n",
        "The army commander, Maria Oduya, ordered the retreat on Tuesday.\n",
    )
    assert c.topic == "person of: army commander"
    assert {v.value for v in c.values} == {"Anton Kessler", "Maria Oduya"}


def test_spelling_variants_of_a_person_are_not_a_conflict() -> None:
    assert not _fact_conflicts(
        "The raid was led by Sergei Volkanov, the officials confirmed on Tuesday.\n",
        "The raid was led by Gen. Sergey Volkanov, the officials confirmed on Tuesday.\n",
    )
    assert not _fact_conflicts(
        "The raid was led by Brig. Gen. Pavel Orlik, officials confirmed.\n",
        "The raid was led by Gen. Orlik, officials confirmed.\n",
    )


def test_place_named_in_both_articles_is_not_a_conflict() -> None:
    assert not _fact_conflicts(
        "The smuggler Tomas Brenner was killed in Lisbon on Tuesday.\nHe had travelled from Madrid a week earlier.\n",
        "The smuggler Tomas Brenner was killed in Madrid on Tuesday.\nHe had long lived in Lisbon.\n",
    )


def test_coordinated_slot_is_not_a_conflict() -> None:
    assert not _fact_conflicts(
        "Protests were held in Lisbon and Porto on Tuesday.\n",
        "Protests were held in Madrid on Tuesday.\n",
    )


def test_entity_spellings() -> None:
    from newsprism.claims.facts import same_entity

    assert same_entity("NYT", "The New York Times", "ORG")
    assert same_entity("U.S.", "the United States", "GPE")
    assert same_entity("Gen. Bagheri", "Mohammad Bagheri", "PERSON")
    assert not same_entity("Lisbon", "Madrid", "GPE")


def test_no_fact_conflicts_in_example_or_ferry(example_dir) -> None:
    for path in (example_dir, FERRY):
        assert not [c for c in brief(path).conflicts if c.kind == "fact"]


def test_a_role_many_hold_is_not_a_conflict() -> None:
    assert not _fact_conflicts(
        "Anton Kessler, a director at the institute, said the talks had failed.\n",
        "Maria Oduya, a director at the institute, said the talks had failed.\n",
    )


def test_a_week_shows_as_a_range_in_every_view() -> None:
    """ "Last week" is a week in the Markdown, JSON, HTML and the web app, not the Sunday it ends on."""
    from newsprism.extract import prepare_articles
    from newsprism.model import Article
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.report.html import render_html
    from newsprism.report.jsonout import render_json
    from newsprism.report.markdown import render_markdown

    from fixtures.brief.stories import shared_nlp

    arts = prepare_articles([
        Article(id=f"a{i}", outlet=outlet, published="2024-08-06", text=(
            "Quay storm\n\nA storm damaged the old quay in Port Ellis last week, the harbour board said. "
            f"Repairs will cost about {cost} euros."))
        for i, (outlet, cost) in enumerate((("Bay Chronicle", "40,000"), ("Coastal Post", "45,000")))
    ])
    analysis = Pipeline(Settings(single_story=True, framing=False), nlp=shared_nlp()).analyze(arts)
    (event,) = analysis.briefs[0].timeline
    assert event.date == "2024-07-29/2024-08-04"
    views = {"md": render_markdown(analysis), "json": render_json(analysis), "html": render_html(analysis.briefs)}
    if importlib.util.find_spec("fastapi") is not None:  # the web app's two views need the serve extra; the rest do not
        from fastapi.testclient import TestClient

        from newsprism.serve import create_app

        client = TestClient(create_app(analysis))
        story = analysis.briefs[0].story.id
        views["app"] = client.get(f"/stories/{story}").text
        views["api"] = client.get(f"/api/stories/{story}").text
    for name, text in views.items():
        assert "2024-07-29/2024-08-04" in text, name
        assert "2024-08-04" not in text.replace("2024-07-29/2024-08-04", ""), name
