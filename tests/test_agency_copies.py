"""Agency copy through the whole pipeline: one AFP story printed by two papers is one source.

The story is invented (Harbourton, its papers and people); the agency is real,
since its marks are what is being recognised.
"""

from __future__ import annotations

import pytest

from newsprism.dedup import find_copies
from newsprism.extract import prepare_articles
from newsprism.model import Article, Brief, Claim
from newsprism.pipeline import Pipeline, Settings
from newsprism.report.markdown import render_brief

from fixtures.brief.stories import shared_nlp

DATELINE = "Harbourton (AFP) – "
AFP = [
    "A steel floodgate on the Harbourton river barrier jammed half-open on Monday night as a storm surge rose.",
    "Board chair Winifred Oyelaran said crews had freed the gate by dawn and that no homes were flooded.",
    "The barrier, opened in 2019, protects some 40,000 residents of the lower Harbourton valley from storm surges.",
    "Engineers will inspect the gate motors on Wednesday, and the board will publish a report within a month.",
]
OWN = [
    "A floodgate on the Harbourton river barrier jammed half-open on Monday night as the storm surge rose.",
    "Ada Finch, who has lived on Quay Street for thirty years, said the water rose to her doorstep within an hour.",
    "Neighbours carried sandbags from the church hall until the tide turned shortly after midnight.",
]


def article(aid: str, outlet: str, title: str, paragraphs: list[str]) -> Article:
    return Article(id=aid, outlet=outlet, title=title, published="2031-03-04", text="\n\n".join([title, *paragraphs]))


def analyse(arts: list[Article]) -> Brief:
    found = find_copies(prepare_articles(arts))
    return Pipeline(Settings(single_story=True, framing=False), nlp=shared_nlp()).analyze(found).briefs[0]


def jammed(b: Brief) -> Claim:
    return max((c for c in b.claims if "jammed" in c.text), key=lambda c: len(c.articles))


HERALD = article("herald", "Tamsin Herald", "Floodgate jams at Harbourton barrier", [DATELINE + AFP[0], *AFP[1:]])


def test_two_papers_printing_one_agency_story_are_one_source():
    # The Ledger trimmed it (new headline, last paragraph dropped): the copy finder links the two.
    ledger = article("ledger", "Northern Ledger", "Harbourton gate fails in storm", [DATELINE + AFP[0], *AFP[1:3]])
    b = analyse([HERALD, ledger])
    arts = {a.id: a for a in b.articles}
    assert arts["ledger"].duplicate_of == "herald"
    assert arts["ledger"].syndicated_from == arts["herald"].syndicated_from == "Agence France-Presse"
    assert (arts["ledger"].outlet, arts["herald"].outlet) == ("Northern Ledger", "Tamsin Herald")
    c = jammed(b)
    assert set(c.articles) == {"herald", "ledger"}
    assert c.independent_sources == 1 and c.origins[0].name == "Agence France-Presse"


def test_one_source_even_when_the_copies_are_not_linked():
    # The Ledger kept two paragraphs and wrote three of its own: too little in common for a copy.
    ledger = article("ledger", "Northern Ledger", "Harbourton gate fails", [DATELINE + AFP[0], AFP[1], *OWN[1:], OWN[1].replace("thirty", "forty")])
    b = analyse([HERALD, ledger])
    assert {a.id: a.duplicate_of for a in b.articles} == {"herald": None, "ledger": None}
    c = jammed(b)
    assert set(c.articles) == {"herald", "ledger"}
    assert c.independent_sources == 1 and c.origins[0].name == "Agence France-Presse"


def test_a_copy_that_lost_the_dateline_is_still_the_agencys():
    ledger = article("ledger", "Northern Ledger", "Harbourton gate fails in storm", AFP[:3])
    b = analyse([HERALD, ledger])
    arts = {a.id: a for a in b.articles}
    # Linked either way round (the copy finder takes the one that credits no one for the original).
    assert {arts["ledger"].duplicate_of, arts["herald"].duplicate_of} == {None, "ledger"}
    c = jammed(b)
    assert c.independent_sources == 1 and c.origins[0].name == "Agence France-Presse"


def test_one_agency_copy_and_an_own_report_are_two_sources():
    courier = article("courier", "Kestrel Courier", "Quay Street floods as barrier gate sticks", OWN)
    b = analyse([HERALD, courier])
    c = jammed(b)
    assert set(c.articles) == {"herald", "courier"}
    assert c.independent_sources == 2
    assert {o.name for o in c.origins} == {"Agence France-Presse", "Kestrel Courier"}


@pytest.mark.parametrize("host", ["Tamsin Herald", "Agence France-Presse"])
def test_the_brief_says_whose_copy_and_who_printed_it(host):
    ledger = article("ledger", "Northern Ledger", "Harbourton gate fails in storm", [DATELINE + AFP[0], *AFP[1:3]])
    herald = article("herald", host, HERALD.title or "", HERALD.text.split("\n\n")[1:])
    md = "\n".join(render_brief(analyse([herald, ledger])))
    if host == "Tamsin Herald":
        assert "AFP copy, printed by Tamsin Herald [1] and Northern Ledger [2]" in md
    else:  # AFP's own story, and a paper that printed it
        assert "AFP copy, printed by Northern Ledger [2]" in md


def test_the_html_brief_says_it_too():
    from newsprism.report.html import render_html

    ledger = article("ledger", "Northern Ledger", "Harbourton gate fails in storm", [DATELINE + AFP[0], *AFP[1:3]])
    page = render_html([analyse([HERALD, ledger])])
    assert "AFP copy, printed by Tamsin Herald [1] and Northern Ledger [2]" in page
    assert page.count('<span class="tag synd">AFP copy</span>') == 2
