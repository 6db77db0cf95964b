"""Who a speaker mention is: its span, its fullest name in the article, its kind.

PolNeAR's convention is kept: the span is the mention in the sentence (often
a pronoun, "who", "the official"); ``name`` is what it refers to:

* a person's name -> the fullest form the article gives, titles included
  ("Bagheri" -> "Brig. Gen. Mohammad Bagheri"), matched with
  ``newsprism.extract.names`` (the one implementation of name matching);
* he / she / I -> the latest person named as a subject before it;
* who / that -> the noun the relative clause hangs on;
* "the official", "the source" -> the earlier indefinite description with the
  same head noun ("an Israeli official"), kind anonymous;
* "the general" -> the latest person whose title has that word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsprism.model import Span, Speaker, SpeakerKind
from newsprism.quotes import lexicon as L

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from newsprism.model import Article

_ORG_LABELS = ("ORG", "GPE", "NORP", "FAC", "LOC")
_MAX_DESCRIPTION_WORDS = 10
_PRONOUN_LOOKBACK_SENTENCES = 4


class SpeakerResolver:
    """Resolves speaker tokens of one parsed article; built once per article."""

    def __init__(self, doc: "Doc", article: "Article") -> None:
        from newsprism.extract.entities import LABELS, clean_mentions
        from newsprism.extract.names import NameIndex

        self.doc = doc
        self.text = article.text
        # The entity stage's cleaned mentions (titles joined, mislabelled surnames fixed);
        # computed here when the quotes stage runs on its own.
        mentions = article.mentions or clean_mentions(
            self.text, [(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in LABELS]
        )
        self.ents: list[SpacySpan] = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
            if span is not None and len(span):
                self.ents.append(span)
        self.ent_of: dict[int, SpacySpan] = {t.i: e for e in self.ents for t in e}
        self.chunk_of: dict[int, SpacySpan] = {}
        try:
            for nc in doc.noun_chunks:
                for t in nc:
                    self.chunk_of[t.i] = nc
        except ValueError:  # a Doc without a parser has no noun chunks
            pass
        self.persons = [e for e in self.ents if e.label_ == "PERSON"]
        self.names = NameIndex([self.text[e.start_char : e.end_char] for e in self.persons])

    # ------------------------------------------------------------ public

    def resolve(self, tok: "Token | None") -> Speaker | None:
        if tok is None:
            return None
        mention = self.mention_span(tok)
        surface = self.text[mention.start : mention.end]
        name, kind = self._refer(tok, surface)
        return Speaker(start=mention.start, end=mention.end, text=surface, name=name, kind=kind)

    def mention_span(self, tok: "Token") -> Span:
        ent = self.ent_of.get(tok.i)
        chunk = self.chunk_of.get(tok.i)
        if ent is not None:
            span = Span(ent.start_char, ent.end_char)
        elif chunk is not None and chunk.root.i == tok.i:
            span = Span(chunk.start_char, chunk.end_char)
        else:
            return Span(tok.idx, tok.idx + len(tok))
        # The parser may run a phrase over a paragraph break ("Iran\n\nRussian Security ..."): keep the token's line.
        line = self._line(tok)
        return Span(max(span.start, line.start), min(span.end, line.end))

    # ------------------------------------------------------------ reference

    def _refer(self, tok: "Token", surface: str) -> tuple[str, SpeakerKind]:
        low = tok.lower_
        if low in L.RELATIVE_PRONOUNS and tok.head.dep_ == "relcl":
            antecedent = tok.head.head
            span = self.mention_span(antecedent)
            return self._refer(antecedent, self.text[span.start : span.end])
        if low in L.PERSON_PRONOUNS:
            person = self._previous_person(tok)
            return (person, "person") if person else (surface, "unknown")
        if low in L.GROUP_PRONOUNS:
            return surface, "unknown"
        ent = self.ent_of.get(tok.i)
        if ent is not None and ent.label_ == "PERSON":
            return self._full_name(ent), "person"
        if tok.pos_ == "PROPN":
            # A surname the tagger mislabelled ("Shoigu" as ORG) still names a person seen before.
            person = self.names.resolve(surface)
            if person:
                return person, "person"
        if _is_media(surface, tok):
            return _strip_det(surface), "media"
        if (tok.lemma_.lower() in L.ANONYMOUS_HEADS or _of_anonymous(tok)) and not self._names_person(tok):
            return self._anonymous(tok), "anonymous"
        titled = self._title_reference(tok)
        if titled:
            return titled, "person"
        if ent is not None and ent.label_ in _ORG_LABELS:
            return _strip_det(surface), "organisation"
        if tok.lower_ in L.ORGANISATION_HEADS:
            return _strip_det(surface), "organisation"
        if tok.pos_ == "PROPN":
            # A name the tagger left unlabelled, speaking: nearly always a person.
            return self.names.resolve(surface) or surface, "person"
        return surface, "unknown"

    def _full_name(self, ent: "SpacySpan") -> str:
        return self.names.resolve(self.text[ent.start_char : ent.end_char]) or ent.text

    def _names_person(self, tok: "Token") -> bool:
        return any(self.ent_of.get(t.i) is not None and self.ent_of[t.i].label_ == "PERSON" for t in tok.subtree)

    def _previous_person(self, tok: "Token") -> str | None:
        """The latest person named before ``tok`` in the last few sentences, preferring subjects."""
        window_start = tok.sent.start
        for _ in range(_PRONOUN_LOOKBACK_SENTENCES):
            if window_start == 0:
                break
            window_start = self.doc[window_start - 1].sent.start
        before = [e for e in self.ents if e.label_ == "PERSON" and e.end <= tok.i]
        candidates = [e for e in before if e.start >= window_start] or before
        if not candidates:
            return None
        subjects = [e for e in candidates if e.root.dep_ in ("nsubj", "nsubjpass") or e.root.head.dep_ in ("nsubj", "appos")]
        return self._full_name((subjects or candidates)[-1])

    def _anonymous(self, tok: "Token") -> str:
        """The description; "the official" -> the earlier "an Israeli official"."""
        desc = self._description(tok)
        first = next((t for t in tok.subtree), tok)
        if first.lower_ in ("the", "that", "this", "those", "these") and tok.i > 0:
            lemma = tok.lemma_.lower()
            for t in reversed(self.doc[: first.i]):
                if t.lemma_.lower() == lemma and t.pos_ == "NOUN":
                    lead = next(iter(t.subtree), t)
                    if lead.lower_ not in ("the", "that", "this", "those", "these"):
                        return self._description(t)
        return desc

    def _description(self, tok: "Token") -> str:
        """The noun phrase without relative clauses and appositions, on its own line, capped in length."""
        cut = [c for c in tok.children if c.i > tok.i and (c.dep_ in ("relcl", "acl", "appos") or c.dep_ == "punct")]
        end = min((c.left_edge.i for c in cut), default=tok.right_edge.i + 1)
        line = self._line(tok)
        words = [t for t in self.doc[tok.left_edge.i : end] if line.start <= t.idx < line.end][:_MAX_DESCRIPTION_WORDS]
        if not words:
            return tok.text
        return " ".join(self.text[words[0].idx : words[-1].idx + len(words[-1])].split()).strip(" ,")

    def _line(self, tok: "Token") -> Span:
        start = self.text.rfind("\n", 0, tok.idx) + 1
        end = self.text.find("\n", tok.idx)
        return Span(start, len(self.text) if end < 0 else end)

    def _title_reference(self, tok: "Token") -> str | None:
        """"the general" -> the latest person whose printed title has that word."""
        if tok.pos_ != "NOUN":
            return None
        word = tok.lower_
        for span in reversed(self.persons):
            if span.start_char >= tok.idx:
                continue
            titled = span.text.lower()
            if word in titled.replace(".", " ").split() or (word[:3] + ".") in titled.split():
                return self.names.resolve(span.text) or span.text
        return None


def _of_anonymous(tok: "Token") -> bool:
    """ "one of the engineers", "two of his aides": a part of an unnamed group."""
    if not (tok.pos_ == "NUM" or tok.lower_ in L.QUANTIFIERS):
        return False
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return obj is not None and obj.lemma_.lower() in L.ANONYMOUS_HEADS


def _strip_det(s: str) -> str:
    for det in ("the ", "The ", "a ", "an "):
        if s.startswith(det):
            return s[len(det) :]
    return s


def _is_media(surface: str, tok: "Token") -> bool:
    from newsprism.extract.outlets import canonical_outlet

    if canonical_outlet(surface) is not None:
        return True
    words = {w.strip(".,'’\"").lower() for w in surface.split()}
    return bool(words & L.MEDIA_WORDS) and (tok.pos_ == "PROPN" or tok.lower_ in L.MEDIA_WORDS)
