"""Fact conflicts: the same fact told with different named entities.

"killed in Tehran" against "killed in Beirut", "led by X" against "led by Y",
"the commander, X" against "the commander, Y". Only sentences that the claim
alignment already put together are compared, and an entity is compared only
with an entity of the same spaCy label that fills the same syntactic slot:

* the object of the same preposition under the same governing word
  ("killed *in* Tehran", "led *by* X"), one filler per slot;
* an apposition to the same role noun, modifiers included
  ("the IRGC commander, X" / "X, the IRGC commander");
* the subject of a verb that has one doer (``_ONE_DOER``: "X claimed
  responsibility", "X led the raid"), never a reporting verb.

Precision comes first: a difference is reported only when neither entity
appears anywhere in the other article (name matching goes through
``extract.names`` and ``extract.outlets``, so "Sergei"/"Sergey Shoigu",
"Gen. Bagheri"/"Mohammad Bagheri" and "NYT"/"The New York Times" are one
entity), and slots filled by a coordination ("in Tehran and Beirut") are
skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsprism.extract.names import fold, fullest_name, name_parts, same_person, strip_titles
from newsprism.extract.outlets import canonical_outlet
from newsprism.model import Article, Claim, Conflict, ConflictValue
from newsprism.nlp import NLP
from newsprism.verbs import RELAYS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
_KIND = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place"}
# Verbs whose subject is normally one actor: two different subjects are two versions of the fact.
_ONE_DOER = frozenset("claim lead head command kill assassinate orchestrate mastermind carry perpetrate".split())
# Prepositions and governors too vague to pin one fact on.
_SKIP_PREP = frozenset("of with about than like as for against between among including".split())
_SKIP_GOVERNOR = frozenset("be have include one part some many most all other".split()) | RELAYS
_ARTICLES = re.compile(r"^(?:the|a|an)\s+", re.I)


@dataclass
class _Filler:
    article: str
    ent: "Span"
    key: tuple[str, ...]  # (label, relation, head lemma, ...): the slot
    topic: str


# ---------------------------------------------------------------- names


def _clean(text: str) -> str:
    text = re.sub(r"[’']s$", "", text.strip())
    return _ARTICLES.sub("", text).strip(" .,;:\"'")


def _norm(text: str) -> str:
    return " ".join(fold(w) for w in _clean(text).replace(".", "").split())


def _initials(text: str) -> str:
    words = [w for w in _clean(text).split() if w[:1].isupper()]
    return "".join(w[0] for w in words).casefold() if len(words) > 1 else ""


def same_entity(a: str, b: str, label: str) -> bool:
    """Could two surface names denote one entity of this label?"""
    if label == "PERSON":
        return same_person(a, b)
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    if label == "ORG":
        ca, cb = canonical_outlet(_clean(a)), canonical_outlet(_clean(b))
        if ca and cb and ca[0] == cb[0]:
            return True
    # "U.S." / "United States", "IRGC" / "Islamic Revolutionary Guard Corps"
    if na.replace(" ", "") in (_initials(b), _initials(b).replace("o", "")):
        return True
    if nb.replace(" ", "") in (_initials(a), _initials(a).replace("o", "")):
        return True
    # "Hezbollah" / "Hezbollah movement", "Gaza" / "Gaza Strip"
    wa, wb = f" {na} ", f" {nb} "
    return wa in wb or wb in wa


def _display(names: list[str], label: str) -> str:
    if label == "PERSON":
        return strip_titles(fullest_name(_clean(n) for n in names)) or _clean(names[0])
    if label == "ORG":
        for n in names:
            known = canonical_outlet(_clean(n))
            if known:
                return known[1]
    return max((_clean(n) for n in names), key=len)


def _appears_in(name: str, label: str, article: Article, doc: "Doc") -> bool:
    """Does the article name this entity anywhere (any label, any spelling we can match)?"""
    for ent in doc.ents:
        if same_entity(name, ent.text, label):
            return True
    for m in article.mentions:
        if same_entity(name, m.text, label):
            return True
    words = [_clean(name)]
    if label == "PERSON":
        parts = name_parts(name)
        if parts is not None:
            words = [parts.last]  # a surname anywhere is enough to doubt a conflict
    # fold's cache is sized for name words; a whole article would only evict them.
    text = fold.__wrapped__(article.text) if label == "PERSON" else article.text
    return any(w and re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.I) for w in words)


# ---------------------------------------------------------------- slots


def _coordinated(tok: "Token") -> bool:
    return tok.dep_ == "conj" or any(c.dep_ in ("conj", "cc") for c in tok.children)


def _one_of_many(noun: "Token") -> bool:
    """ "a director", "officials", "one of the commanders": a role many people hold."""
    if noun.tag_ in ("NNS", "NNPS"):
        return True
    many = ("a", "an", "another", "one", "some", "any")
    return any(c.dep_ in ("det", "nummod") and c.lower_ in many for c in noun.children)


def _role(noun: "Token", ent: "Span") -> tuple[str, str]:
    """Key and words of a role noun with its modifiers: ("irgc commander", "IRGC commander")."""
    mods = [c for c in noun.children if c.dep_ in ("compound", "amod") and not (ent.start <= c.i < ent.end)]
    of = [
        g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"
        for g in c.children if g.dep_ == "pobj" and not (ent.start <= g.i < ent.end)
    ]
    toks = sorted(mods + [noun], key=lambda t: t.i)
    key = " ".join(t.lemma_.lower() for t in toks)
    words = " ".join(t.text for t in toks)
    for g in of:
        sub = " ".join(t.text for t in g.subtree)
        key += " of " + _norm(sub)
        words += " of " + sub
    return key, words


def _slot(ent: "Span") -> tuple[tuple[str, ...], str] | None:
    """The slot an entity fills, and a short topic; None when it fills none we trust."""
    root = ent.root
    kind = _KIND[ent.label_]
    if _coordinated(root):
        return None
    if root.dep_ == "pobj" and root.head.dep_ in ("prep", "agent"):
        prep = root.head
        gov = prep.head
        if prep.lower_ in _SKIP_PREP or gov.pos_ not in ("VERB", "NOUN") or gov.lemma_.lower() in _SKIP_GOVERNOR:
            return None
        if _coordinated(prep) or (gov.pos_ == "NOUN" and _one_of_many(gov)):
            return None
        return (ent.label_, "prep", prep.lower_, gov.lemma_.lower()), f"{kind} of: {gov.lower_} {prep.lower_}"
    # "the commander, X": X is an apposition of the role noun
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and not (ent.start <= root.head.i < ent.end):
        if _one_of_many(root.head):
            return None
        key, words = _role(root.head, ent)
        return (ent.label_, "appos", key), f"{kind} of: {words.lower()}"
    # "X, the commander": the role noun is an apposition of X
    roles = [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if len(roles) == 1:
        if _one_of_many(roles[0]):
            return None
        key, words = _role(roles[0], ent)
        return (ent.label_, "appos", key), f"{kind} of: {words.lower()}"
    if root.dep_ == "nsubj" and root.head.pos_ == "VERB" and root.head.lemma_.lower() in _ONE_DOER:
        verb = root.head
        if any(c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN") for c in verb.children):
            return None
        objs = [c.lemma_.lower() for c in verb.children if c.dep_ in ("dobj", "prt")]
        if verb.lemma_.lower() == "claim" and "responsibility" not in objs:
            return None
        slot = (ent.label_, "nsubj", verb.lemma_.lower(), *sorted(objs))
        return slot, f"{kind} who: {' '.join([verb.lower_, *objs])}"
    return None


def _fillers(article: Article, doc: "Doc", start: int, end: int) -> list[_Filler]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    out = []
    for ent in span.ents:
        if ent.label_ not in LABELS or not _clean(ent.text):
            continue
        slot = _slot(ent)
        if slot is not None:
            out.append(_Filler(article.id, ent, slot[0], slot[1]))
    # A slot filled twice in one sentence is not one fact.
    count: dict[tuple[str, ...], int] = defaultdict(int)
    for f in out:
        count[f.key] += 1
    return [f for f in out if count[f.key] == 1]


# ---------------------------------------------------------------- conflicts


def find_fact_conflicts(
    articles: list[Article], claims: list[Claim], nlp: NLP, roots: dict[str, str]
) -> list[Conflict]:
    """Named facts that aligned sentences of different (original) articles state differently."""
    by_id = {a.id: a for a in articles}
    docs: dict[str, Doc] = {}

    def doc_of(aid: str) -> "Doc":
        if aid not in docs:
            docs[aid] = nlp.doc(by_id[aid])
        return docs[aid]

    out: list[Conflict] = []
    seen: set[frozenset[tuple[str, int]]] = set()
    for claim in claims:
        evidence = [
            ev
            for ev in claim.evidence
            if ev.article in by_id and roots.get(ev.article, ev.article) == ev.article
        ]
        if len({ev.article for ev in evidence}) < 2:
            continue
        slots: dict[tuple[str, ...], list[_Filler]] = defaultdict(list)
        for ev in evidence:
            for f in _fillers(by_id[ev.article], doc_of(ev.article), ev.start, ev.end):
                slots[f.key].append(f)
        for key, fillers in slots.items():
            if len({f.article for f in fillers}) < 2:
                continue
            label = key[0]
            clusters: list[list[_Filler]] = []
            for f in fillers:
                for c in clusters:
                    if any(same_entity(f.ent.text, g.ent.text, label) for g in c):
                        c.append(f)
                        break
                else:
                    clusters.append([f])
            if len(clusters) < 2:
                continue
            # Every pair across versions must be a real disagreement: neither name anywhere in the other article.
            ok = all(
                not _appears_in(f.ent.text, label, by_id[g.article], doc_of(g.article))
                and not _appears_in(g.ent.text, label, by_id[f.article], doc_of(f.article))
                for i, c in enumerate(clusters)
                for d in clusters[i + 1 :]
                for f in c
                for g in d
            )
            if not ok:
                continue
            ident = frozenset((f.article, f.ent.start_char) for f in fillers)
            if ident in seen:
                continue
            seen.add(ident)
            values = []
            for c in clusters:
                name = _display([f.ent.text for f in c], label)
                for f in c:
                    values.append(ConflictValue(name, f.article, f.ent.start_char, f.ent.end_char, f.ent.text))
            out.append(Conflict(kind="fact", topic=fillers[0].topic, values=values))
    return out
