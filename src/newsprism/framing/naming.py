"""The names and descriptions each outlet gives to the same entity.

Mentions are tied to the story's merged entities (``extract.entities``) by
their surface form. Around each mention the parse gives the words an outlet
chose to describe it: the rest of its noun phrase ("North Korean *dictator*
Kim Jong-un", "*President* Trump") and an apposition ("Kim, *the North Korean
leader*,"). Those descriptions are where outlets differ most.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from newsprism.model import Article, Entity, EntityNames, Mention, NameUse, OutletName, OutletNames

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

MAX_DESCRIPTOR_TOKENS = 8
# Words that locate rather than describe ("nearby Carrow").
LEFT_DEPS = frozenset({"compound", "amod", "nmod", "poss", "nn"})
PLACE_WORDS = frozenset(["nearby", "neighbouring", "neighboring", "local", "same", "other", "both"])
_SPACE = re.compile(r"\s+")


def normalize_name(text: str) -> str:
    """Case, spacing, a leading article and a possessive do not make a different name."""
    t = _SPACE.sub(" ", text.strip().lower().replace("\u2019", "'"))
    t = re.sub(r"^(the|a|an) ", "", t)
    return re.sub(r"'s?$", "", t).strip(" ,.;:")


def _descriptors(doc: Doc, ent: SpacySpan) -> list[SpacySpan]:
    """Descriptive words around a mention: the rest of its noun phrase, an apposition."""
    out: list[SpacySpan] = []
    root = ent.root
    # Modifiers to the left of the name, with their own dependents: "Secretary of
    # State" in "Secretary of State Rex Tillerson", "North Korean dictator".
    left = [c for c in root.children if c.i < ent.start and c.dep_ in LEFT_DEPS]
    if left:
        span = doc[min(c.left_edge.i for c in left) : ent.start]
        while len(span) and span[0].pos_ in ("DET", "PUNCT"):
            span = span[1:]
        if len(span) and len(span) <= MAX_DESCRIPTOR_TOKENS and not all(t.lower_ in PLACE_WORDS for t in span):
            out.append(span)
    for child in root.children:
        # "Kim, the North Korean leader,": a common-noun apposition describes the
        # mention; a named one ("the mayor of Ashford, Daniel Osei") is another entity.
        if child.dep_ == "appos" and child.pos_ == "NOUN" and not child.ent_type_:
            sub = doc[child.left_edge.i : child.right_edge.i + 1]
            if len(sub) <= MAX_DESCRIPTOR_TOKENS and not (sub.start < ent.end and ent.start < sub.end):
                out.append(sub)
    if root.dep_ == "appos" and root.head.pos_ in ("NOUN", "PROPN"):
        head = root.head
        sub = doc[head.left_edge.i : head.i + 1]
        if len(sub) <= MAX_DESCRIPTOR_TOKENS and sub.end <= ent.start:
            out.append(sub)
    return out


def _mentions(article: Article, doc: Doc) -> list[Mention]:
    if article.mentions:
        return article.mentions
    return [Mention(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]


def entity_names(
    entities: list[Entity],
    articles: list[Article],
    docs: dict[str, Doc],
    outlet_of: Callable[[Article], str],
) -> list[EntityNames]:
    """Per entity, the names and descriptions each outlet uses, with evidence spans:
    entities named by two or more outlets first, the ones outlets describe
    differently (``differs``) before the rest.
    """
    by_variant: dict[str, Entity] = {}
    for e in entities:
        for v in (e.name, *e.variants):
            by_variant.setdefault(normalize_name(v), e)
    # entity id -> outlet -> normalized form -> [kind, display text, evidence list]
    table: dict[str, dict[str, dict[str, tuple[Literal["name", "descriptor"], str, list[NameUse]]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for art in articles:
        doc = docs[art.id]
        outlet = outlet_of(art)
        for m in _mentions(art, doc):
            ent = by_variant.get(normalize_name(m.text))
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if ent is None or span is None:
                continue
            uses: list[tuple[Literal["name", "descriptor"], int, int]] = [("name", m.start, m.end)]
            uses += [("descriptor", d.start_char, d.end_char) for d in _descriptors(doc, span)]
            for kind, start, end in uses:
                surface = art.text[start:end]
                key = normalize_name(surface)
                if not key:
                    continue
                row = table[ent.id][outlet].setdefault(key, (kind, surface, []))
                row[2].append(NameUse(art.id, start, end))
    out = []
    for ent in entities:
        per_outlet = table.get(ent.id)
        if not per_outlet:
            continue
        # Surname versus full name is style, not framing: compare the descriptions.
        forms = {o: frozenset(k for k, row in rows.items() if row[0] == "descriptor") for o, rows in per_outlet.items()}
        out.append(
            EntityNames(
                entity=ent.id,
                name=ent.name,
                label=ent.label,
                differs=len(set(forms.values())) > 1,
                outlets=[
                    OutletNames(
                        o,
                        [
                            OutletName(text, kind, len(ev), ev)
                            for kind, text, ev in sorted(rows.values(), key=lambda r: (r[0] != "name", -len(r[2]), r[1]))
                        ],
                    )
                    for o, rows in per_outlet.items()
                ],
            )
        )
    out.sort(key=lambda r: (len(r.outlets) < 2, not r.differs))
    return out
