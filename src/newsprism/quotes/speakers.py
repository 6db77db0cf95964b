"""Who a speaker mention is: its span, its fullest name in the article, its kind.

PolNeAR's convention is kept: the span is the mention in the sentence (often
a pronoun, "who", "the official"); ``name`` is what it refers to:

* a person's name -> the fullest form the article gives, titles included
  ("Bagheri" -> "Brig. Gen. Mohammad Bagheri"), matched with
  ``newsprism.extract.names`` (the one implementation of name matching);
* he / she / I -> the latest person named as a subject before it;
* they -> the latest plural subject before it that names people or bodies
  ("Voters are angry. They want ...");
* who / that -> the noun the relative clause hangs on;
* "the official", "the source" -> the earlier indefinite description with the
  same head noun ("an Israeli official"), kind anonymous;
* "the general", "The mayor", a headline's "Security Council Secretary" ->
  the person the article gives that title or role ("the mayor of Ashford,
  Daniel Osei"), before the mention or, for a headline, after it;
* "the spokesman for water, Ravi Chandran" -> the appositive name;
* "the newspaper", "a report in The Kestrel Courier" -> the outlet named
  there or last before, by the outlet's canonical display name;
* "voters", "the inspectors", an unnamed "mayor" -> people named by role or
  group (kind anonymous); "the two countries" -> an organisation. Kind
  ``unknown`` is left for what names no one ("This visit highlights").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from newsprism.model import Span, Speaker, SpeakerKind
from newsprism.quotes import lexicon as L
from newsprism.quotes.attribution import QUOTE_CHARS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from newsprism.model import Article

_PLACE_LABELS = ("GPE", "NORP", "FAC", "LOC")
_ORG_LABELS = ("ORG", *_PLACE_LABELS)
_MAX_DESCRIPTION_WORDS = 10
_PRONOUN_LOOKBACK_SENTENCES = 4
_TITLE_CONTEXT_CHARS = 80
_DETERMINERS = ("the", "a", "an", "this", "that", "these", "those")


class SpeakerResolver:
    """Resolves speaker tokens of one parsed article; built once per article."""

    def __init__(self, doc: "Doc", article: "Article") -> None:
        from newsprism.extract.entities import LABELS, clean_mentions
        from newsprism.extract.names import NameIndex
        from newsprism.extract.outlets import outlet_identity

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
        self.own_outlet = outlet_identity(article.outlet)[1] if article.outlet else None
        self.outlets = _outlet_mentions(self.text, article, {id(c): c for c in self.chunk_of.values()}.values())

    # ------------------------------------------------------------ public

    def resolve(self, tok: "Token | None") -> Speaker | None:
        if tok is None:
            return None
        mention = self.mention_span(tok)
        appositive = self._appositive_person(tok)
        if appositive is not None:
            # "The head of the fund, Ana Berg, said": the span runs to the name, which is who speaks.
            mention = Span(mention.start, max(mention.end, min(appositive.end_char, self._line(tok).end)))
        surface = self.text[mention.start : mention.end]
        name, kind = self._refer(tok, surface)
        return Speaker(start=mention.start, end=mention.end, text=surface, name=name, kind=kind)

    def phrase(self, tok: "Token | None", said: Span) -> Span | None:
        """The speaker's whole noun phrase on its line, its description included ("William M. Daley,
        President Obama's former chief of staff," or "Stanley B. Greenberg, a pollster who ..."), as
        PolNeAR marks a source; cut where it would run into what is attributed (``said``, the cue and
        content), and None when the speaker stands in another sentence (a pronoun's antecedent)."""
        if tok is None:
            return None
        mention = self.mention_span(tok)
        sent, line = tok.sent, self._line(tok)
        if not (sent.start_char <= said.start < sent.end_char or sent.start_char < said.end <= sent.end_char):
            return None
        lo = self._past_quotation(max(tok.left_edge.idx, sent.start_char, line.start), tok.idx)
        hi = min(tok.right_edge.idx + len(tok.right_edge), sent.end_char, line.end)
        start, end = min(lo, mention.start), max(hi, mention.end)
        if mention.end <= said.start:
            end = min(end, said.start)
        elif mention.start >= said.end:
            start = max(start, said.end)
        else:
            return mention  # the mention inside what is said ("The plan, he said, ..."): only itself
        return Span(start, end) if start < end else mention

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
        start, end = max(span.start, line.start), min(span.end, line.end)
        start = self._past_quotation(start, tok.idx)
        while start < end - 1 and not self.text[start].isalnum():
            start += 1  # a signature's dash ("- Sanders", "-President Obama") is no part of the name
        return Span(start, end)

    def _past_quotation(self, start: int, head: int) -> int:
        """ `until spring,”a harbour source said`: a closing mark with no space after it glues the
        quotation's last word to the speaker's phrase; the speaker starts after the mark."""
        ends = [k for k in range(start + 1, head) if self.text[k] in QUOTE_CHARS and self.text[k - 1] in ",.?!"]
        return ends[-1] + 1 if ends else start

    # ------------------------------------------------------------ reference

    def _refer(self, tok: "Token", surface: str) -> tuple[str, SpeakerKind]:
        low = tok.lower_
        if low in L.RELATIVE_PRONOUNS and tok.head.dep_ == "relcl":
            antecedent = tok.head.head
            span = self.mention_span(antecedent)
            return self._refer(antecedent, self.text[span.start : span.end])
        if low in L.PERSON_PRONOUNS:
            described = self._previous_description(tok)
            if described is not None:
                return described, "anonymous"
            person = self._previous_person(tok)
            return (person, "person") if person else (surface, "unknown")
        if low in ("they", "them"):
            group = self._previous_group(tok)
            if group is None:
                return surface, "unknown"
            span = self.mention_span(group)
            return self._refer(group, self.text[span.start : span.end])
        if low in L.GROUP_PRONOUNS:
            return surface, "unknown"
        if low == "it":
            body = self._previous_body(tok)
            if body is None:
                return surface, "unknown"
            span = self.mention_span(body)
            return self._refer(body, self.text[span.start : span.end])
        ent = self.ent_of.get(tok.i)
        if ent is not None and ent.label_ == "PERSON":
            return self._full_name(ent), "person"
        if tok.pos_ == "PROPN":
            # A surname the tagger mislabelled ("Shoigu" as ORG) still names a person seen before.
            person = self.names.resolve(surface)
            if person:
                return person, "person"
        appositive = self._appositive_person(tok)
        if appositive is not None:
            return self._full_name(appositive), "person"
        if _is_media(surface, tok):
            outlet = self._outlet_name(tok, surface)
            # "A report found ..." with no outlet named for it, nor one before "the report": the article's
            # document, not an outlet called "report" that every article citing "a report" would share.
            if tok.lower_ in L.DOCUMENT_HEADS and outlet == _strip_det(surface):
                return surface, "document"
            return outlet, "media"
        if (tok.lemma_.lower() in L.ANONYMOUS_HEADS or _of_anonymous(tok)) and not self._names_person(tok):
            return self._anonymous(tok), "anonymous"
        if tok.lower_ in L.DOCUMENT_HEADS and not (ent is not None and ent.label_ in _ORG_LABELS):
            return surface, "document"
        # "Iran seeks aid" is the country, even where the article calls someone "Iran's new president"
        # (an ORG may hold a title: "Russian Security Council Secretary").
        place = ent is not None and ent.label_ in _PLACE_LABELS
        titled = self._title_reference(tok, surface) if _is_definite_singular(tok) and not place else None
        if titled:
            return titled, "person"
        if ent is not None and ent.label_ == "ORG" and tok.pos_ == "PROPN" and self._described_as_person(tok):
            return self.names.resolve(surface) or surface, "person"  # a surname the tagger took for a body
        if ent is not None and ent.label_ in _ORG_LABELS:
            return _strip_det(surface), "organisation"
        if tok.lower_ in L.ORGANISATION_HEADS:
            return _strip_det(surface), "organisation"
        if tok.pos_ == "PROPN":
            # A name the tagger left unlabelled, speaking: nearly always a person.
            return self.names.resolve(surface) or surface, "person"
        if (tok.lemma_.lower() in L.PEOPLE_HEADS or tok.lemma_.lower() in L.ANONYMOUS_HEADS) and tok.pos_ != "PRON":
            return self._anonymous(tok), "anonymous"  # "voters want", "the inspectors concluded"
        return surface, "unknown"

    def _full_name(self, ent: "SpacySpan") -> str:
        return self.names.resolve(self.text[ent.start_char : ent.end_char]) or ent.text

    def _names_person(self, tok: "Token") -> bool:
        return any(self.ent_of.get(t.i) is not None and self.ent_of[t.i].label_ == "PERSON" for t in tok.subtree)

    def _previous_person(self, tok: "Token") -> str | None:
        """The latest person named before ``tok`` in the last few sentences, preferring subjects."""
        window_start = self._window_start(tok)
        before = [e for e in self.ents if e.label_ == "PERSON" and e.end <= tok.i]
        candidates = [e for e in before if e.start >= window_start] or before
        if not candidates:
            return None
        subjects = [e for e in candidates if e.root.dep_ in ("nsubj", "nsubjpass") or e.root.head.dep_ in ("nsubj", "appos")]
        return self._full_name((subjects or candidates)[-1])

    def _previous_description(self, tok: "Token") -> str | None:
        """ "Two officials spoke. One of them is a member of the Guards. He confirmed ...": a he or she
        whose nearest antecedent is an unnamed person, the subject of the sentence just before, more
        recent than any named one, is that person: "one of two Iranian officials", not the last name."""
        sent = tok.sent
        if sent.start == 0:
            return None
        prev = self.doc[sent.start - 1].sent
        subj = next((t for t in prev if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT"), None)
        if subj is None or self.ent_of.get(subj.i) is not None or self._names_person(subj):
            return None
        if any(e.label_ == "PERSON" and prev.start <= e.start and e.end <= tok.i for e in self.ents):
            return None  # a person named since is nearer
        if subj.tag_ in ("NNS", "NNPS"):
            return None
        if _of_anonymous(subj) or (subj.lower_ == "one" and self._of_group(subj) is not None):
            group = self._of_group(subj)
            return f"one of {group}" if group else self._description(subj)
        if subj.lemma_.lower() in L.ANONYMOUS_HEADS:
            return self._anonymous(subj)
        return None

    def _of_group(self, one: "Token") -> str | None:
        """ "one of them" / "one of the officials": the group, the plural description it points to."""
        of = next((c for c in one.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if obj is None:
            return None
        if obj.lower_ in ("them", "those"):
            for t in reversed(self.doc[max(0, one.sent.start - 60) : one.sent.start]):
                if t.tag_ == "NNS" and t.lemma_.lower() in L.ANONYMOUS_HEADS:
                    return self._description(t)
            return None
        return self._description(obj) if obj.lemma_.lower() in L.ANONYMOUS_HEADS else None

    def _previous_body(self, tok: "Token") -> "Token | None":
        """What a speaking "it" stands for: the latest organisation or outlet that was a subject shortly before."""
        start = self._window_start(tok)
        for t in reversed(self.doc[start : tok.i]):
            if t.dep_ not in ("nsubj", "nsubjpass") or t.lower_ == "it":
                continue
            ent = self.ent_of.get(t.i)
            if (ent is not None and ent.label_ == "ORG") or t.lower_ in L.ORGANISATION_HEADS or t.lower_ in L.MEDIA_WORDS:
                return t
        return None

    def _previous_group(self, tok: "Token") -> "Token | None":
        """What a speaking "they" stands for: the latest plural subject shortly before that names people or
        bodies ("Voters are angry. They want ..."), not a plural thing ("The rules ... they")."""
        plural = [t for t in reversed(self.doc[self._window_start(tok) : tok.i]) if t.tag_ in ("NNS", "NNPS") and self._names_group(t)]
        # A subject first; else any such plural ("Osei met the engineers. They said ...").
        return next((t for t in plural if t.dep_ in ("nsubj", "nsubjpass")), plural[0] if plural else None)

    def _names_group(self, t: "Token") -> bool:
        ent = self.ent_of.get(t.i)
        lemma = t.lemma_.lower()
        return (ent is not None and ent.label_ in ("NORP", "ORG")) or lemma in L.PEOPLE_HEADS or (
            lemma in L.ANONYMOUS_HEADS or t.lower_ in L.ANONYMOUS_HEADS or t.lower_ in L.ORGANISATION_HEADS)

    def _window_start(self, tok: "Token") -> int:
        start = tok.sent.start
        for _ in range(_PRONOUN_LOOKBACK_SENTENCES):
            if start == 0:
                break
            start = self.doc[start - 1].sent.start
        return start

    def _anonymous(self, tok: "Token") -> str:
        """The description; "the official" -> the earlier "an Israeli official"."""
        desc = self._description(tok)
        first = next((t for t in tok.subtree), tok)
        if first.lower_ in ("the", "that", "this", "those", "these") and tok.i > 0:
            lemma, plural = tok.lemma_.lower(), _plural(tok)
            # "The engineers" are the "two engineers" of before, not the "One engineer" named since.
            for t in reversed(self.doc[: first.i]):
                if t.lemma_.lower() == lemma and t.pos_ == "NOUN" and _plural(t) == plural:
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
        start = self._past_quotation(words[0].idx, tok.idx)
        return " ".join(self.text[start : words[-1].idx + len(words[-1])].split()).strip(" ,")

    def _line(self, tok: "Token") -> Span:
        start = self.text.rfind("\n", 0, tok.idx) + 1
        end = self.text.find("\n", tok.idx)
        return Span(start, len(self.text) if end < 0 else end)

    def _appositive_person(self, tok: "Token") -> "SpacySpan | None":
        """ "The opposition spokesman for water, Ravi Chandran, said": the name set beside the role
        (not `According to Iranian media, Shoigu, who ...`: an outlet is no role)."""
        if tok.lower_ in L.MEDIA_WORDS or tok.lower_ in L.ORGANISATION_HEADS:
            return None
        for c in tok.children:
            ent = self.ent_of.get(c.i)
            if c.dep_ == "appos" and ent is not None and ent.label_ == "PERSON":
                return ent
        return None

    @staticmethod
    def _described_as_person(tok: "Token") -> bool:
        """ "Brandt, a Castell supporter, said": a name set beside a role only a person has."""
        return any(c.dep_ == "appos" and (c.lemma_.lower() in L.ANONYMOUS_HEADS or c.lemma_.lower() in L.PEOPLE_HEADS)
                   for c in tok.children)

    def _title_reference(self, tok: "Token", surface: str) -> str | None:
        """The person the article gives this title or role: the latest before the mention, else the first after it."""
        if tok.pos_ not in ("NOUN", "PROPN") or tok.lower_ in L.ORGANISATION_HEADS:
            return None
        words = _title_words(surface)
        if not words:
            return None
        # A name hung deeper in the mention's own phrase is someone else ("Brandt, a Mira Castell
        # supporter", "the spokesman for Mira Castell"); a name set right beside it is its holder
        # ("former Pennsylvania Gov. Ed Rendell", "The director ..., Ina Kirsch").
        own = range(tok.left_edge.i, tok.right_edge.i + 1)
        before = [p for p in self.persons if p.end_char <= tok.idx and not _hung_below(p.root, tok, own)]
        after = [p for p in self.persons if p.start_char > tok.idx + len(tok) and not _hung_below(p.root, tok, own)]
        for span in [*reversed(before), *after]:
            if words <= self._title_context(span):
                return self._full_name(span)
        return None

    def _title_context(self, person: "SpacySpan") -> set[str]:
        """The words of the person's name and of what precedes it in its sentence ("The mayor of Ashford, Daniel Osei")."""
        line = self._line(person[0])
        start = max(line.start, person.sent.start_char, person.start_char - _TITLE_CONTEXT_CHARS)
        return set(_title_words(self.text[start : person.end_char]))

    def _outlet_name(self, tok: "Token", surface: str) -> str:
        """The outlet's display name; for "the newspaper" or "a report in X", the outlet named there or last before."""
        earlier = [name for start, _, name in self.outlets if start < tok.idx]
        mention = self.mention_span(tok)
        # The name right after the noun ("news site Axios") even where the parser hung it elsewhere.
        named_next = Span(mention.end, mention.end + 2)
        name = self._outlet_of_report(tok) or self._outlet_at(mention) or self._outlet_at(named_next)
        if name is None and tok.pos_ != "PROPN":
            # "the newspaper" is one the article quoted, not the article's own outlet in its byline;
            # "Iranian media" is no earlier outlet.
            anaphor = surface.split(" ", 1)[0].lower() in ("the", "that", "this")
            others = [n for n in earlier if n != self.own_outlet] if anaphor else []
            name = others[-1] if others else _strip_det(surface)
        if name is None:
            from newsprism.extract.outlets import outlet_identity

            name = outlet_identity(_strip_lower_det(surface))[1]
        # "the Courier" after "The Kestrel Courier": the fuller name the article gave.
        fuller = [n for n in earlier if _title_words(name) < _title_words(n)]
        return fuller[-1] if fuller else name

    def _outlet_of_report(self, tok: "Token") -> str | None:
        """ "a report in The Kestrel Courier", "news site Axios": the outlet named with the noun."""
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "by", "from", "on"):
                objs = [obj for obj in c.children if obj.dep_ == "pobj"]
            elif c.dep_ in ("appos", "npadvmod", "nmod", "compound") and c.i > tok.i:
                objs = [c]
            else:
                continue
            named = next((n for n in (self._outlet_at(self.mention_span(obj)) for obj in objs) if n), None)
            if named:
                return named
        return None

    def _outlet_at(self, span: Span) -> str | None:
        return next((name for start, end, name in self.outlets if start < span.end and span.start < end), None)


def _hung_below(root: "Token", tok: "Token", own: range) -> bool:
    """Whether ``root`` sits in ``tok``'s phrase under another word (not ``tok`` itself or its child)."""
    return root.i in own and root.i != tok.i and root.head.i != tok.i


def _plural(tok: "Token") -> bool:
    return tok.tag_ in ("NNS", "NNPS")


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


def _strip_lower_det(s: str) -> str:
    """ "the Times" -> "Times", while "The Kestrel Courier" keeps the article of its name."""
    for det in ("the ", "a ", "an "):
        if s.startswith(det):
            return s[len(det) :]
    return s


def _title_words(s: str) -> set[str]:
    words = {w.strip(".,;:'’\"()").lower().removesuffix("'s").removesuffix("’s") for w in s.split()}
    return {w for w in words if w and w not in _DETERMINERS and w not in ("of", "for", "and")}


def _is_definite_singular(tok: "Token") -> bool:
    """ "the mayor", "Secretary": one particular holder of a role, not "an official" or "officials"."""
    if tok.tag_ in ("NNS", "NNPS"):
        return False
    det = next((c for c in tok.children if c.dep_ in ("det", "poss") and c.i < tok.i), None)
    return det is None or det.lower_ in ("the", "this", "that") or det.dep_ == "poss"


def _outlet_mentions(text: str, article: "Article", chunks: Iterable["SpacySpan"]) -> list[tuple[int, int, str]]:
    """Outlets named in the text, as (start, end, display name), in text order: the table's, the
    article's own, and proper names that read as outlets ("The Kestrel Courier")."""
    from newsprism.extract.outlets import find_outlet_mentions, outlet_identity, outlet_info

    own = [article.outlet] if article.outlet else []
    context = [article.outlet_id] if article.outlet_id else []
    displays = {outlet_identity(o)[0]: outlet_identity(o)[1] for o in own}
    found = []
    for s, e, oid in find_outlet_mentions(text, outlets=own, context=context):
        info = outlet_info(oid)
        found.append((s, e, info.display if info else displays.get(oid) or outlet_identity(_strip_lower_det(text[s:e]))[1]))
    for nc in chunks:
        proper = [t for t in nc if t.pos_ == "PROPN"]
        named = len(proper) >= 2 or nc.root.lower_ in L.MEDIA_WORDS  # "The Kestrel Courier", "the Courier"
        if (
            named and nc.root.pos_ == "PROPN" and _is_media(nc.text, nc.root) and "\n" not in nc.text
            and not any(s < nc.end_char and nc.start_char < e for s, e, _ in found)
        ):
            found.append((nc.start_char, nc.end_char, outlet_identity(_strip_lower_det(nc.text))[1]))
    return sorted(found)


def _is_media(surface: str, tok: "Token") -> bool:
    from newsprism.extract.outlets import canonical_outlet

    if canonical_outlet(surface) is not None:
        return True
    words = {w.strip(".,'’\"").lower() for w in surface.split()}
    return bool(words & L.MEDIA_WORDS) and (tok.pos_ == "PROPN" or tok.lower_ in L.MEDIA_WORDS)
