"""Stage 5: mentions, name matching and entities merged across a story."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.extract import prepare_articles
from newsprism.extract.entities import clean_mentions, extract_mentions, merge_entities
from newsprism.extract.names import NameIndex, fullest_name, person_key, same_person, strip_titles
from newsprism.model import Article
from newsprism.nlp import NLP

from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "extract"


@pytest.fixture(scope="module")
def nlp() -> NLP:
    return NLP()


def article(aid: str, text: str, people: list[str] = (), orgs: list[str] = ()) -> Article:
    """An article whose mentions are every occurrence of the given names (no spaCy)."""
    a = Article(id=aid, text=text)
    spans = []
    for label, names in (("PERSON", people), ("ORG", orgs)):
        for name in names:
            start = text.find(name)
            while start >= 0:
                spans.append((start, start + len(name), label))
                start = text.find(name, start + len(name))
    a.mentions = clean_mentions(text, spans)
    return a


def by_name(entities, name):
    return next(e for e in entities if e.name == name)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name,stripped,key",
    [
        ("Brig. Gen. Omar Haddad", "Omar Haddad", "omar haddad"),
        ("Brigadier General Omar Haddad", "Omar Haddad", "omar haddad"),
        ("Gen. Haddad", "Haddad", "haddad"),
        ("Colin R. Voight", "Colin R. Voight", "colin voight"),
        ("Ayatollah Karim Dastani", "Karim Dastani", "karim dastani"),
        ("Hana Lutz's", "Hana Lutz", "hana lutz"),
        ("Ilse von der Brenn", "Ilse von der Brenn", "ilse von der brenn"),
        ("King", "King", "king"),  # the last word is never stripped
    ],
)
def test_strip_titles_and_key(name, stripped, key):
    assert strip_titles(name) == stripped
    assert person_key(name) == key


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("Yevgeni Marchenko", "Yevgeny Marchenko", True),
        ("Sergei Voloshin", "Sergey Voloshin", True),
        ("Ivan Shoygu", "Ivan Shoigu", True),
        ("Mohammad Rahimi", "Muhammed Rahimi", True),
        ("Colin Voight", "Colin R. Voight", True),
        ("C. Voight", "Colin Voight", True),
        ("Voight", "Colin Voight", True),
        ("Gen. Haddad", "Brig. Gen. Omar Haddad", True),
        ("Lina Ortiz", "Pablo Ortiz", False),
        ("Omar Haddad", "Omar Hadley", False),
        ("Colin Voight", "Karen Voight", False),
    ],
)
def test_same_person(a, b, same):
    assert same_person(a, b) is same
    assert same_person(b, a) is same


def test_fullest_name_prefers_title_first_last_then_middle_initial():
    assert fullest_name(["Haddad", "Omar Haddad", "Gen. Haddad", "Brig. Gen. Omar Haddad"]) == "Brig. Gen. Omar Haddad"
    assert fullest_name(["Colin Voight", "Colin R. Voight", "Colin Voight"]) == "Colin R. Voight"
    assert fullest_name(["Yevgeny Marchenko", "Yevgeni Marchenko", "Yevgeni Marchenko"]) == "Yevgeni Marchenko"


def test_name_index_resolves_surnames_and_titles():
    index = NameIndex(["Brig. Gen. Omar Haddad", "Haddad", "Yevgeni Marchenko", "Colin Voight", "Colin R. Voight"])
    assert index.resolve("Haddad") == "Brig. Gen. Omar Haddad"
    assert index.resolve("Gen. Haddad") == "Brig. Gen. Omar Haddad"
    assert index.resolve("General Haddad") == "Brig. Gen. Omar Haddad"
    assert index.resolve("Marchenko's") == "Yevgeni Marchenko"
    assert index.resolve("Yevgeny Marchenko") == "Yevgeni Marchenko"
    assert index.resolve("Voight") == "Colin R. Voight"
    assert index.resolve("Dastani") is None


def test_name_index_keeps_shared_surnames_apart():
    index = NameIndex(["Lina Ortiz", "Pablo Ortiz", "Ortiz"])
    assert index.resolve("Ortiz") == "Ortiz"  # a person of its own, attributed to neither
    assert index.resolve("Ortíz") == "Ortiz"
    assert NameIndex(["Lina Ortiz", "Pablo Ortiz"]).resolve("Ortiz") is None
    assert index.resolve("Lina Ortiz") == "Lina Ortiz"
    names = sorted(name for name, _ in index.groups())
    assert names == ["Lina Ortiz", "Ortiz", "Pablo Ortiz"]
    # A full name never joins through a bare surname: "Pablo" must not join {"Lina Ortiz", "Ortiz"}.
    assert NameIndex(["Lina Ortiz", "Ortiz", "Pablo Ortiz"]).resolve("Pablo Ortiz") == "Pablo Ortiz"


# ---------------------------------------------------------------- mention cleaning


def test_clean_mentions_edges_and_title_fragments():
    text = 'Brig. Gen. Omar Haddad met the Coastal Defence Force\'s chief and "Lina Ortiz". Haddad left.'
    raw = [
        (0, 4, "PERSON"),  # "Brig": a title split off by the model
        (11, 22, "PERSON"),  # "Omar Haddad"
        (27, 53, "ORG"),  # "the Coastal Defence Force's"
        (65, 77, "PERSON"),  # '"Lina Ortiz"'
        (79, 85, "GPE"),  # "Haddad" mislabelled
    ]
    got = [(m.text, m.label) for m in clean_mentions(text, raw)]
    assert got == [
        ("Brig. Gen. Omar Haddad", "PERSON"),
        ("Coastal Defence Force", "ORG"),
        ("Lina Ortiz", "PERSON"),
        ("Haddad", "PERSON"),
    ]


def test_clean_mentions_outlets_become_orgs_and_offices_are_dropped():
    text = "Axios said the Defense office and the Supreme Leader agreed."
    raw = [(0, 5, "NORP"), (15, 22, "ORG"), (38, 52, "ORG")]
    assert [(m.text, m.label) for m in clean_mentions(text, raw)] == [("Axios", "ORG")]


# ---------------------------------------------------------------- merging


def test_merge_entities_people_orgs_and_ids():
    a = article(
        "a",
        "Brig. Gen. Omar Haddad of the Coastal Defence Force met Lina Ortiz. Ortiz thanked Haddad.",
        people=["Brig. Gen. Omar Haddad", "Lina Ortiz", "Ortiz", "Haddad"],
        orgs=["Coastal Defence Force"],
    )
    b = article(
        "b",
        "Gen. Haddad said the CDF cleared the channel. Pablo Ortiz, a ferry owner, and Yevgeny Marchenko agreed.",
        people=["Gen. Haddad", "Pablo Ortiz", "Yevgeny Marchenko"],
        orgs=["CDF"],
    )
    c = article(
        "c",
        "Brigadier General Omar Haddad and Yevgeni Marchenko spoke.",
        people=["Brigadier General Omar Haddad", "Yevgeni Marchenko"],
    )
    entities = merge_entities([a, b, c])
    haddad = by_name(entities, "Brig. Gen. Omar Haddad")
    assert set(haddad.variants) == {"Brig. Gen. Omar Haddad", "Haddad", "Gen. Haddad", "Brigadier General Omar Haddad"}
    assert haddad.articles == ["a", "b", "c"] and haddad.mentions == 4
    assert entities[0] is haddad and haddad.id == "e1"
    marchenko = [e for e in entities if "Marchenko" in e.name]
    assert len(marchenko) == 1 and marchenko[0].articles == ["b", "c"]
    cdf = by_name(entities, "Coastal Defence Force")
    assert set(cdf.variants) == {"Coastal Defence Force", "CDF"}
    # "Ortiz" in article a is Lina (named there); Pablo stays a different person.
    lina, pablo = by_name(entities, "Lina Ortiz"), by_name(entities, "Pablo Ortiz")
    assert lina.mentions == 2 and pablo.mentions == 1 and lina.id != pablo.id
    assert [e.id for e in merge_entities([a, b, c])] == [e.id for e in entities]
    assert [e.id for e in entities] == [f"e{i}" for i in range(1, len(entities) + 1)]
    counts = [(len(e.articles), e.mentions) for e in entities]
    assert counts == sorted(counts, reverse=True)


def test_bare_surname_shared_by_two_people_in_a_story_stays_apart():
    a = article("a", "Lina Ortiz and Pablo Ortiz spoke.", people=["Lina Ortiz", "Pablo Ortiz"])
    b = article("b", "Ortiz spoke again.", people=["Ortiz"])
    names = sorted(e.name for e in merge_entities([a, b]))
    assert names == ["Lina Ortiz", "Ortiz", "Pablo Ortiz"]


def test_org_containment_and_outlet_spellings():
    a = article(
        "a",
        "The Islamic Revolutionary Guard Corps and The New York Times. The NYT said so.",
        orgs=["Islamic Revolutionary Guard Corps", "The New York Times", "NYT"],
    )
    b = article("b", "The Revolutionary Guards Corps and the IRGC spoke.", orgs=["Revolutionary Guards Corps", "IRGC"])
    entities = merge_entities([a, b])
    irgc = by_name(entities, "Islamic Revolutionary Guard Corps")
    assert set(irgc.variants) == {"Islamic Revolutionary Guard Corps", "Revolutionary Guards Corps", "IRGC"}
    nyt = by_name(entities, "The New York Times")
    assert set(nyt.variants) == {"New York Times", "NYT"}


def test_merge_entities_empty():
    assert merge_entities([]) == []
    assert merge_entities([Article(id="x", text="")]) == []


# ---------------------------------------------------------------- with spaCy


def test_extract_mentions_on_fixture(nlp):
    arts = prepare_articles(
        [Article(id=p.stem, text=p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("entities_*.txt"))]
    )
    extract_mentions(arts, nlp)
    assert arts
    for a in arts:
        assert a.mentions
        for m in a.mentions:
            assert a.text[m.start : m.end] == m.text
            assert m.text == m.text.strip() and not m.text.lower().startswith("the ")
    entities = merge_entities(arts)
    haddad = [e for e in entities if "Haddad" in e.name]
    assert len(haddad) == 1 and haddad[0].name in ("Brig. Gen. Omar Haddad", "Brigadier General Omar Haddad")
    assert {"Gen. Haddad", "Brigadier General Omar Haddad"} <= set(haddad[0].variants)


def test_seed_entities(seeds_dir: Path, nlp):
    arts = prepare_articles(
        [Article(id=p.stem, text=p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))]
    )
    extract_mentions(arts, nlp)
    entities = merge_entities(arts)

    def only(surname: str):
        hits = [e for e in entities if e.label == "PERSON" and any(surname in v for v in e.variants)]
        assert len(hits) == 1, [(e.name, e.variants) for e in hits]
        return hits[0]

    shoigu = only("Shoigu")
    assert {"Sergei Shoigu", "Sergey Shoigu", "Shoigu"} <= set(shoigu.variants)
    assert len(shoigu.articles) == 5
    bagheri = only("Bagheri")
    assert bagheri.name in ("Brig. Gen. Mohammad Bagheri", "Brigadier General Mohammad Bagheri")
    assert only("Clarke").name == "Colin P. Clarke"
