"""Stage 5: named-entity mentions per article, and entities merged across a story.

Mentions come from the cached spaCy parse (``nlp.docs``), with their edges
cleaned and a few cheap corrections of the small model's habits: titles split
off a name ("Brig" PERSON + "Mohammad Bagheri" PERSON), known people's
surnames tagged as places or groups ("Shoigu" GPE), outlets tagged as
anything but an organisation ("Axios" NORP).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsprism.extract.names import HONORIFICS, NameIndex, fold, is_title, same_word
from newsprism.extract.outlets import canonical_outlet, find_outlet_mentions, outlet_identity
from newsprism.model import Article, Entity, Mention
from newsprism.nlp import NLP

LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"})
# Labels whose mentions may merge with each other's (a city tagged GPE here, LOC there).
_FAMILY = {"GPE": "place", "LOC": "place", "FAC": "place"}
_STOP = frozenset("of the and for on in at to & de".split())

_HONORIFIC_RUN = re.compile(
    r"(?:(?<![\w.])(?:" + "|".join(sorted((h.capitalize() for h in HONORIFICS), key=len, reverse=True)) + r")\.?\s+)+$"
)
_LEAD = re.compile(r"(?:[\s\"'“”‘’(\[]|[Tt]he\s+)+")
_TAIL = re.compile(r"(?:['’]s?|[\s\"'“”‘’)\],;:!?])+$")


def extract_mentions(articles: list[Article], nlp: NLP) -> None:
    """Fill ``Article.mentions`` from the cached parse of each article."""
    for article, doc in zip(articles, nlp.docs(articles), strict=True):
        raw = [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS]
        article.mentions = clean_mentions(article.text, raw)


def clean_mentions(text: str, raw: Iterable[tuple[int, int, str]]) -> list[Mention]:
    """Tidy spaCy's entity spans (offsets into ``text``); drop what is left empty."""
    spans: list[tuple[int, int, str]] = []
    for start, end, label in raw:
        start, end = _clean_edges(text, start, end)
        if end <= start:
            continue
        surface = text[start:end]
        if label == "PERSON":
            start, end = _person_span(text, start, end)
            surface = text[start:end]
            if is_title(surface):
                continue  # "Brig" alone: the title joins the next name instead
        elif canonical_outlet(surface):
            label = "ORG"
        elif all(is_title(w) for w in surface.split()):
            continue  # "Supreme", "Defense", "State": a fragment of an office, not an entity
        if not any(c.isupper() for c in surface):
            continue  # "us", "the government": a pronoun or common noun the model tagged
        spans.append((start, end, label))
    spans = _drop_overlaps(spans)
    return _relabel_surnames(text, spans)


def _clean_edges(text: str, start: int, end: int) -> tuple[int, int]:
    lead = _LEAD.match(text, start, end)
    if lead and lead.end() < end:
        start = lead.end()
    tail = _TAIL.search(text, start, end)
    if tail and tail.start() > start:
        end = tail.start()
    # A final full stop belongs to an abbreviation ("U.S.", "Inc.") but not to a sentence.
    if end > start and text[end - 1] == "." and not re.search(r"(?:\.\w+|\b\w{1,3})\.$", text[start:end]):
        end -= 1
    return start, end


def _person_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the titles printed before a name; drop title words spaCy left at its end."""
    run = _HONORIFIC_RUN.search(text, max(0, start - 40), start)
    if run:
        start = run.start()
    words = list(re.finditer(r"\S+", text[start:end]))
    while len(words) > 1 and is_title(words[-1].group()):
        words.pop()
    return start, start + words[-1].end()


def _drop_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int, str]] = []
    for s in spans:
        if out and s[0] < out[-1][1]:
            continue
        out.append(s)
    return out


def _relabel_surnames(text: str, spans: list[tuple[int, int, str]]) -> list[Mention]:
    """ "Shoigu" tagged GPE in an article that names Sergei Shoigu is that person."""
    index = NameIndex(text[s:e] for s, e, label in spans if label == "PERSON")
    surnames = {g[0].split()[-1] for g in index.groups()}
    out = []
    for s, e, label in spans:
        surface = text[s:e]
        if label != "PERSON" and " " not in surface and surface in surnames and index.resolve(surface):
            label = "PERSON"
        out.append(Mention(s, e, surface, label))
    return out


# ---------------------------------------------------------------- merging across articles


@dataclass
class _Group:
    label_votes: Counter[str] = field(default_factory=Counter)
    surfaces: Counter[str] = field(default_factory=Counter)
    articles: dict[str, None] = field(default_factory=dict)  # ordered set
    first: int = 0
    outlet: str | None = None  # canonical outlet id, for outlet entities

    def absorb(self, other: _Group) -> None:
        self.label_votes.update(other.label_votes)
        self.surfaces.update(other.surfaces)
        self.articles.update(other.articles)
        self.first = min(self.first, other.first)

    @property
    def label(self) -> str:
        return self.label_votes.most_common(1)[0][0]

    @property
    def mentions(self) -> int:
        return sum(self.surfaces.values())


def merge_entities(articles: list[Article]) -> list[Entity]:
    """Entities of a story, each with every spelling the articles used.

    Sorted by number of articles, then mentions, then first appearance; ids
    "e1", "e2", ... follow that order, so the same input gives the same ids.
    """
    seen: list[tuple[str, Mention]] = [(a.id, m) for a in articles for m in a.mentions]
    people = NameIndex(m.text for _, m in seen if m.label == "PERSON")
    # A bare surname is read first against its own article: "Ortiz" after "Lina Ortiz" is
    # Lina even when another article of the story names Pablo Ortiz.
    local = {a.id: NameIndex(m.text for m in a.mentions if m.label == "PERSON") for a in articles}
    outlets = {a.id: find_outlet_mentions(a.text, context=[a.outlet_id] if a.outlet_id else ()) for a in articles}
    groups: dict[str, _Group] = {}
    for order, (aid, m) in enumerate(seen):
        key = _outlet_key(m, outlets[aid]) or _group_key(m, local[aid], people)
        if not key:
            continue
        g = groups.setdefault(key, _Group(first=order, outlet=key[7:] if key.startswith("outlet:") else None))
        g.label_votes[m.label if not key.startswith("person:") else "PERSON"] += 1
        g.surfaces[m.text] += 1
        g.articles[aid] = None
    _merge_aliases(groups)
    ordered = sorted(groups.values(), key=lambda g: (-len(g.articles), -g.mentions, g.first))
    return [
        Entity(
            id=f"e{i}",
            name=_display(g, people),
            label=g.label,
            variants=[s for s, _ in sorted(g.surfaces.items(), key=lambda kv: -kv[1])],
            articles=list(g.articles),
            mentions=g.mentions,
        )
        for i, g in enumerate(ordered, 1)
    ]


def _outlet_key(m: Mention, spans: list[tuple[int, int, str]]) -> str:
    """ "NYT", "the Times" and "The New York Times" are one outlet."""
    if m.label == "PERSON":
        return ""
    for start, end, oid in spans:
        if start <= m.start and m.end <= end:
            return "outlet:" + oid
    return ""


def _group_key(m: Mention, local: NameIndex, people: NameIndex) -> str:
    """People by resolved name; everything else by normalised text."""
    if m.label == "PERSON" or " " not in m.text:
        name = people.resolve(local.resolve(m.text) or m.text)
        if name and (m.label == "PERSON" or m.text in name.split()):
            return "person:" + name
    norm = _norm(m.text)
    return "name:" + norm if norm else ""


def _norm(text: str) -> str:
    t = re.sub(r"^the\s+", "", text.casefold())
    t = t.replace(".", "").replace("’", "'")
    return re.sub(r"[^\w&]+", " ", t).strip()


def _display(g: _Group, people: NameIndex) -> str:
    if g.label == "PERSON":
        return people.resolve(next(iter(g.surfaces))) or g.surfaces.most_common(1)[0][0]
    if g.outlet:
        return outlet_identity(g.outlet)[1]
    # The spelled-out form over an acronym, then the most used, then the longest.
    return max(g.surfaces, key=lambda s: (not _is_acronym(s), g.surfaces[s], len(s)))


def _is_acronym(surface: str) -> bool:
    letters = surface.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isupper() and letters.isalpha()


def _significant(norm: str) -> list[str]:
    return [w for w in norm.split() if w not in _STOP]


def _merge_aliases(groups: dict[str, _Group]) -> None:
    """Acronyms into the one spelled-out name they abbreviate ("IRGC"), and shorter names into
    the one longer name containing all their words ("Revolutionary Guards Corps")."""
    words = {k: [fold(w) for w in _significant(k[5:])] for k in groups if k.startswith("name:")}
    acronyms = {k for k, w in words.items() if len(w) == 1 and any(_is_acronym(s) for s in groups[k].surfaces)}
    by_family: dict[str, list[str]] = defaultdict(list)
    for k in words:
        by_family[_FAMILY.get(groups[k].label, groups[k].label)].append(k)
    for family_keys in by_family.values():
        longest_first = sorted(family_keys, key=lambda k: -len(words[k]))
        for k in reversed(longest_first):
            short = words[k]
            if len(short) < 2 and k not in acronyms:
                continue
            targets = [
                t
                for t in longest_first
                if len(words[t]) > len(short) and t in groups and _abbreviates(short, words[t], k in acronyms)
            ]
            if len(targets) == 1:
                groups[targets[0]].absorb(groups.pop(k))


def _abbreviates(short: list[str], long_: list[str], acronym: bool) -> bool:
    if acronym:
        return short[0] == "".join(w[0] for w in long_)
    initials = {w[0] for w in long_}
    if any(w[0] not in initials for w in short):
        return False
    return all(any(same_word(w, lw) for lw in long_) for w in short)
