"""Direct quotes and reported speech in one article, from the spaCy parse.

Two passes over the cached ``Doc``:

1. Cue words, learned. The attribution model (``attribution.py``, trained
   on PolNeAR train) scores every verb, noun and "according" as a cue and
   picks what it attributes among the phrases the parse offers: a clause,
   a to-infinitive, an object ("criticized the deal"), an object with its
   label ("called him a liar"), the clause around an inserted "he said" or
   "according to X", or the quotation next to it. The subject (or the
   passive agent, or X of "according to X") is the speaker. Beliefs, polls
   and labels are attributions in PolNeAR, so they are found too. A cue the
   model doubts (just under its threshold) is kept when its source is named.
   The idiom "as X put it" needs no model: it attributes the quotation it
   introduces, or else the clause it is inserted in.
2. Quotation marks. A quotation that overlaps a content found in pass 1
   widens it to the whole quotation (the parser often cuts a long quote into
   sentences). Others are attached to a cue verb left without a complement
   ("he said." after the quote, "She said:" before it), to a colon (`Pat
   Caddell: "..."`, `He released the following statement:` and the next
   paragraph), to a signature (`"..." ― Jane Doe`), to the verb of saying
   right after them (even one the model turned down), or join the previous
   quotation of the same speaker (`"A," he said. "B."`, also as the next
   paragraph) unless another cue took the second part (`"A," he said,
   adding later, "B."`). Quotations that find no speaker are scare quotes
   or titles, and dropped. Contents that run over a later cue and its
   quotation, or past a quotation into a new clause, are cut back; a
   reported content that is only its own source ("by The New York Times")
   is dropped.

Cues inside a quotation are skipped: the speaker's own "I think" is part of
what they said, not a new attribution. Paragraphs are the article's own
(``Article.paragraphs``), or the segmenter's for an unprepared article.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsprism.model import Article, Quote, Span, Speaker
from newsprism.quotes import attribution as A
from newsprism.quotes import lexicon as L
from newsprism.quotes.attribution import MODEL_PATH, AttributionModel
from newsprism.quotes.marks import Quoted, find_quoted, has_double_quote, is_title
from newsprism.quotes.speakers import SpeakerResolver

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from newsprism.nlp import NLP

_INHERIT_SUBJECT = ("xcomp", "conj", "advcl", "pcomp")
_MAX_CONTINUATION_GAP = 250
# "WASHINGTON (AP) — ", "CAMBRIDGE, Mass., Dec. 11 (UPI) — ", "Paris (AFP) – " at a paragraph's start.
_DATELINE = re.compile(r"(?:[A-Z]{3,}[A-Za-z .,'’-]{0,50}?|[A-Z][A-Za-z .,'’-]{0,50}?\([A-Za-z .]{2,30}\))\s*(?:—|–|--)\s*")
_MAX_COLON_LEAD = 40
_MAX_NAME_TOKENS = 5  # `Rep. Trey Gowdy (R-S.C.):` is a name; a longer lead is a sentence
_MAX_CUE_GAP = 110
_MAX_TAG_GAP = 60
# `"the whole game is screwed up" because "football has become soft"`: a link word between two quotations
_MAX_LINK_WORDS = 2
_NAME_GAP = re.compile(r"[\s\w.'’-]*")  # `" the 43-year-old asked`: words only, no clause break
_MAX_INVERTED_SUBJECT = 6
# "He seems unsure", "the plan appears doomed": the impression is the writer's, its subject is what it is
# about (PolNeAR gives such cues no source three times in four, "he seemed to mock" included).
_IMPRESSION_CUES = frozenset({"seem", "appear"})
_DASHES = frozenset({"—", "–", "--"})
# `"..." ― Jane Doe` closing a paragraph, or `- Jane Doe, in a tweet` as the next one: a quotation signed.
_SIGNATURE = re.compile(r"[ \t\u00a0]*\n{0,2}[ \t\u00a0]*(?P<dash>\u2015|\u2014|\u2013|--?)[ \t\u00a0]*(?P<name>(?:[A-Z][\w.'’-]*[ \t\u00a0]+){0,4}[A-Z][\w'’-]+)\.?(?:,[^\n]*)?[ \t\u00a0]*(?:\n|$)")
# `"We will," she said`: a quotation that a following cue completes ends with one of these.
_QUOTE_END_PUNCT = frozenset(",?!")
_NEXT_SENTENCE = re.compile(r"[a-z]{3}[.?!]\s+[A-Z\"\u201c]")  # not after "Gov." or "Mr."
_CLAUSE_BREAKS = frozenset("\n.?!:;,(\u2014\u2013-\"\u201d\u201c")
_CLAUSE_LINKS = frozenset("but while though although whereas".split())
_TRAILING_LINK = re.compile(r"(?:[\s,;]+(?:and|or|but|then))+[\s,;]*$")
_ADDRESSEE_CUES = frozenset("tell ask inform remind assure warn urge advise email text message".split())
_ADJUNCTS = frozenset("prep npadvmod advmod punct dative tmod cc".split())
_MIN_PHRASE_WORDS = 2
# How far below the cue threshold a cue is still taken when its source is named (``_named_source``).
_NAMED_CUE_MARGIN = 0.1
_NAMED_SOURCE_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_COPULAS = frozenset("be seem appear look sound remain become".split())


@dataclass
class _Found:
    content: Span
    cue: Span | None
    speaker: "Token | None"  # the subject token; None for agentless
    speech: bool = False  # the cue is a verb of saying, which says one thing


class QuoteExtractor:
    """Finds the quotes of articles; the attribution model is read on first use, once per extractor."""

    def __init__(self, model: AttributionModel | None = None, path: Path = MODEL_PATH) -> None:
        self._model = model
        self._path = path

    @property
    def model(self) -> AttributionModel:
        if self._model is None:
            self._model = AttributionModel.load(self._path)
        return self._model

    def extract(self, article: Article, nlp: "NLP") -> list[Quote]:
        """Every direct quote and reported statement in ``article``, in text order."""
        try:
            doc = nlp.doc(article)
        except ValueError:
            return []
        return self.from_doc(article, doc)

    def from_doc(self, article: Article, doc: "Doc") -> list[Quote]:
        """As extract, on an existing parse (offsets of ``doc`` = offsets of the article)."""
        text = article.text
        paragraphs = _paragraphs(article)
        quoted = find_quoted(text, paragraphs)
        ctx = A.DocContext.build(doc, quoted)
        found, bare, rejected = _cue_attributions(doc, ctx, self.model)
        _clip_to_paragraphs(found, paragraphs)
        found = _attach_quotations(doc, quoted, found, bare, rejected)
        _clip_at_inner_cues(text, found)
        _clip_after_quotations(doc, quoted, found)
        _finish_phrases(doc, quoted, found)
        _cut_adjuncts(doc, found, ctx.inside)
        found.extend(_headline_colons(doc, ctx.inside, paragraphs))
        found.extend(_in_polls(doc, ctx.inside))
        found = _dedupe(found)
        resolver = SpeakerResolver(doc, article)
        quotes = []
        for f in sorted(found, key=lambda f: f.content.start):
            content = A.trim(text, _after_dateline(text, f.content))
            if content is None:
                continue
            speaker = resolver.resolve(f.speaker)
            direct = any(q.outer.overlaps(content) or content.overlaps(q.span) for q in quoted)
            if not direct and _only_its_source(text, content, speaker):
                continue
            parts = _split_parts(text, content, quoted) if direct else []
            quotes.append(Quote(content=content, speaker=speaker, cue=f.cue, direct=direct, article=article.id, parts=parts))
        return quotes


def _only_its_source(text: str, content: Span, speaker: Speaker | None) -> bool:
    """ "as reported by The New York Times": a reported content that is its own source and a word or
    two says nothing. (A longer one may hold its source: `The plan, he said, is dead`.)"""
    if speaker is None or speaker.start is None or not content.start <= speaker.start < speaker.end <= content.end:
        return False
    rest = text[content.start : speaker.start] + " " + text[speaker.end : content.end]
    return sum(any(c.isalnum() for c in w) for w in rest.split()) <= _MIN_PHRASE_WORDS


def extract_quotes(article: Article, nlp: "NLP", extractor: QuoteExtractor | None = None) -> list[Quote]:
    """Every direct quote and reported statement in ``article``; pass one ``extractor`` for many articles."""
    return (extractor or QuoteExtractor()).extract(article, nlp)


def _after_dateline(text: str, content: Span) -> Span:
    """A statement at the head of a paragraph starts after the dateline the parse ran into it."""
    if content.start > 0 and text[content.start - 1] != "\n":
        return content
    m = _DATELINE.match(text, content.start, content.end)
    return Span(m.end(), content.end) if m and m.end() < content.end else content


def _paragraphs(article: Article) -> list[Span]:
    """The article's paragraphs, or the segmenter's where the article was not prepared."""
    if article.paragraphs:
        return [Span(p.start, p.end) for p in article.paragraphs]
    from newsprism.extract.segment import split_paragraphs

    return [Span(s, e) for s, e in split_paragraphs(article.text)]


def _split_parts(text: str, content: Span, quoted: list[Quoted]) -> list[Span]:
    """The quoted pieces of a direct quote split by its cue, marks included; [] for one piece.

    `"A," he said after a long speech. "B."` is one statement in two parts; a
    content that starts inside a quotation and holds several is cut back to
    the quotations, without the cue between them.
    """
    inside = [p for q in quoted for p in q.parts if content.start <= p.start and p.end <= content.end + 1]
    if len(inside) < 2 or inside[0].start > content.start + 1:
        return []
    return [Span(max(0, p.start - 1), min(len(text), p.end + 1)) for p in inside]


# ---------------------------------------------------------------- pass 1: cue words


def _cue_attributions(doc: "Doc", ctx: A.DocContext, model: AttributionModel) -> tuple[list[_Found], list["Token"], list["Token"]]:
    """Attributions led by a cue word the model accepts, speech verbs that found no complement,
    and the speech verbs the model turned down (`"...?" the 43-year-old asked in the video's description`)."""
    found: list[_Found] = []
    bare: list[Token] = []
    rejected: list[Token] = []
    dense = model.cue.dense_scores(doc)
    for tok in doc:
        if ctx.inside[tok.idx] or not A.is_cue_candidate(tok):
            continue
        if _as_put_it(tok):
            content = _put_it_content(tok, ctx)
            if content is not None:
                found.append(_Found(content=content, cue=_cue_span(tok), speaker=_subject(tok), speech=True))
            continue
        prob = model.cue.prob(A.cue_features(tok, ctx), dense[tok.i])
        if prob < model.cue_threshold and not (prob >= model.cue_threshold - _NAMED_CUE_MARGIN and _named_source(tok)):
            if tok.pos_ == "VERB" and tok.lemma_.lower() in L.SPEECH:
                rejected.append(tok)
            continue
        if _cites_source(tok):
            continue
        content = _best_content(tok, ctx, model)
        if content is None:
            if tok.lemma_.lower() in L.SPEECH:
                bare.append(tok)
            continue
        if tok.lower_ == "according":
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            cue = Span(tok.idx, to.idx + len(to)) if to is not None else Span(tok.idx, tok.idx + len(tok))
            found.append(_Found(content=_with_subject(doc, content), cue=cue, speaker=source))
        else:
            source = _cue_source(tok)
            if source is not None and _count_told(source, tok):
                continue
            found.append(_Found(content=content, cue=_cue_span(tok), speaker=source, speech=tok.lemma_.lower() in L.SPEECH))
    return found, bare, rejected


def _with_subject(doc: "Doc", content: Span) -> Span:
    """`ties were "deep" and would only expand ..., according to the Times`: what the Times reports
    is the whole clause; a predicate without its subject starts back at the subject it shares."""
    span = doc.char_span(content.start, content.end, alignment_mode="expand")
    if span is None:
        return content
    verb = span.root
    if verb.pos_ not in ("VERB", "AUX") or any(c.dep_ in ("nsubj", "nsubjpass", "expl") and c.i >= span.start for c in verb.children):
        return content
    while verb.dep_ == "conj" and verb.head.i < verb.i:
        verb = verb.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < span.start), None)
    if subj is None or subj.left_edge.i < span.sent.start:
        return content
    return Span(subj.left_edge.idx, content.end)


def _named_source(tok: "Token") -> bool:
    """A cue whose source is named (a person, an organisation, a country, a group): a doubtful cue
    word with a clear speaker is still worth taking; one with a pronoun or no subject mostly brings
    a wrong speaker (measured on PolNeAR train's held-out fifth)."""
    source = _cue_source(tok) if tok.lower_ != "according" else None
    return source is not None and source.ent_type_ in _NAMED_SOURCE_TYPES


def _as_put_it(tok: "Token") -> bool:
    """ "as a Homeland Security memo put it": the idiom attributes the words next to it."""
    return (tok.lemma_.lower() == "put" and any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children)
            and any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children))


def _put_it_content(tok: "Token", ctx: A.DocContext) -> Span | None:
    """The quotation the idiom introduces (`as the magazine put it, "the operator."`), or else the
    clause it is inserted in (`the requirement is "a lawful source," as a memo put it`, `as he puts
    it, "the best thing" is that ...`)."""
    own = A.subtree_span(tok)
    text = ctx.text
    k = bisect.bisect_left(ctx.starts, tok.idx)
    if k < len(ctx.quoted) and ctx.starts[k] < own.end + 3 and "\n" not in text[tok.idx : ctx.starts[k]]:
        q = ctx.quoted[k]
        if text[q.span.end - 1] in ".?!," or text[q.outer.end : q.outer.end + 2].strip()[:1] in ("", *_CLAUSE_BREAKS):
            return q.span
    return A.clause_without(tok.head, own) if tok.head is not tok else None


def _cites_source(tok: "Token") -> bool:
    """ "..., the Times reported, citing Iranian media": "citing X" names where the clause came from; X is no quote."""
    if tok.lemma_.lower() != "cite" or tok.tag_ != "VBG" or tok.dep_ not in ("advcl", "acl", "xcomp", "conj"):
        return False
    obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
    if obj is None or any(c.lower_ == "as" for c in [*tok.children, *obj.children]):
        return False  # "citing the show as his guilty pleasure" says something
    if obj.ent_type_ in ("PERSON", "ORG"):
        return True
    return bool({obj.lemma_.lower(), obj.lower_} & (L.ANONYMOUS_HEADS | L.MEDIA_WORDS | L.ORGANISATION_HEADS))


def _best_content(tok: "Token", ctx: A.DocContext, model: AttributionModel) -> Span | None:
    cands = A.content_candidates(tok, ctx)
    scored = [(model.content.prob(A.content_features(tok, c, cands, ctx)), c.span) for c in cands]
    best = max(scored, key=lambda x: x[0], default=None)
    return best[1] if best is not None and best[0] >= model.content_threshold else None


def _cue_source(tok: "Token") -> "Token | None":
    """A noun cue's owner ("his statement", "the group's poll"); a verb's subject."""
    if tok.pos_ == "NOUN":
        return next((c for c in tok.children if c.dep_ == "poss"), None)
    if tok.lemma_.lower() in _IMPRESSION_CUES:
        return None
    return _subject(tok)


def _subject(verb: "Token") -> "Token | None":
    """The one who speaks: the subject, the passive agent, the subject of the governing verb,
    or for an inverted `"...," said Ben Carson, asked about ...` the name the parser hung elsewhere."""
    if _reduced_passive(verb):
        return None
    subj = _tree_subject(verb)
    if subj is not None:
        return _past_dateline(subj, verb)
    if verb.i == 0 or any(c.dep_ in ("nsubjpass", "expl") for c in verb.children):
        return subj
    if verb.nbor(-1).is_punct:
        return _inverted_subject(verb)
    return _adjacent_subject(verb)


def _past_dateline(subj: "Token", verb: "Token") -> "Token":
    """ "WASHINGTON (AP) — Vice President Joe Biden said": the parser may take the dateline's
    place name for the subject; the speaker is the first name after the dash."""
    if subj.i >= verb.i or not _same_line(subj, verb):
        return subj
    dash = next((t for t in verb.doc[subj.i + 1 : verb.i] if t.text in _DASHES), None)
    # Only a dateline ("CLEVELAND —", "Paris (AFP) –"), not "Ms. Lee — who ... — said".
    if dash is None or not (subj.is_upper or dash.nbor(-1).text == ")"):
        return subj
    after = (t for t in verb.doc[dash.i + 1 : verb.i] if t.pos_ in ("PROPN", "NOUN", "PRON") and t.dep_ != "compound")
    return next(after, subj)


def _adjacent_subject(verb: "Token") -> "Token | None":
    """ "..., former president Bill Clinton said his wife ...": a finite verb the parser left without
    a subject, hanging the name before it elsewhere (as an apposition)."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    for tok in reversed(verb.doc[max(0, verb.i - _MAX_INVERTED_SUBJECT) : verb.i]):
        if tok.pos_ == "ADV" or tok.dep_ in ("advmod", "aux", "neg"):
            continue
        return tok if tok.pos_ in ("PROPN", "NOUN", "PRON") and _same_line(tok, verb) else None
    return None


def _reduced_passive(verb: "Token") -> bool:
    """ "Asked about the deal, Ms. Lee said ...": the one asking is unnamed; Ms. Lee answers, she does not ask."""
    return verb.tag_ == "VBN" and verb.dep_ in ("advcl", "acl") and not any(
        c.dep_ in ("nsubj", "nsubjpass", "agent", "aux", "auxpass") for c in verb.children
    )


def _is_subject(c: "Token", verb: "Token") -> bool:
    """A subject that names someone: not the "it" of "it is said", "it seems", "it was reported"."""
    if c.dep_ not in ("nsubj", "csubj"):
        return False
    if c.lower_ != "it":
        return True
    return verb.lemma_ not in _COPULAS and not any(x.dep_ == "auxpass" for x in verb.children)


def _inverted_subject(verb: "Token") -> "Token | None":
    for tok in verb.doc[verb.i + 1 : verb.i + 1 + _MAX_INVERTED_SUBJECT]:
        if tok.dep_ in ("det", "amod", "compound", "poss", "case") or tok.pos_ in ("DET", "ADJ"):
            continue
        return tok if tok.pos_ in ("PROPN", "NOUN") and _same_line(tok, verb) else None
    return None


def _tree_subject(verb: "Token") -> "Token | None":
    tok: Token = verb
    anchor = verb  # the highest verb of the chain still in the cue's paragraph
    for _ in range(4):
        if _same_line(tok, verb):
            anchor = tok
        for c in tok.children:
            if _is_subject(c, tok):
                return c if _same_line(c, verb) else _nearest_noun_before(anchor)
            if c.dep_ == "agent":
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        if any(c.dep_ in ("nsubjpass", "expl") for c in tok.children):
            return None
        if tok.dep_ == "relcl":
            return tok.head
        if tok.head is tok:
            return None
        if tok.dep_ not in _INHERIT_SUBJECT:
            return _governing_subject(tok, verb)
        tok = tok.head
    return None


def _governing_subject(tok: "Token", verb: "Token") -> "Token | None":
    """The subject of the nearest clause above, for parses that hang the cue on a noun ("the wall ... and adding")."""
    for anc in tok.ancestors:
        if anc.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((c for c in anc.children if c.dep_ == "nsubj" and _is_subject(c, anc)), None)
        if subj is not None:
            return subj if _same_line(subj, verb) else None
        if anc.dep_ not in _INHERIT_SUBJECT:
            return None
    return None


def _same_line(a: "Token", b: "Token") -> bool:
    # Token by token: Doc.text rebuilds the whole text on every access.
    lo, hi = sorted((a.i, b.i))
    return not any("\n" in t.text_with_ws for t in a.doc[lo:hi])


def _nearest_noun_before(verb: "Token") -> "Token | None":
    """A subject in another paragraph is a parse run over a headline: take the last noun before the verb on its line."""
    line_start = verb.doc.text.rfind("\n", 0, verb.idx) + 1
    nouns = [t for t in verb.doc[verb.sent.start : verb.i]
             if t.idx >= line_start and t.pos_ in ("PROPN", "NOUN", "PRON") and t.dep_ != "compound"]
    return nouns[-1] if nouns else None


def _count_told(subj: "Token", verb: "Token") -> bool:
    """ "12,000 told to leave": a headline's passive, people counted are not speaking.
    A count that speaks ("43 said the same", "half said they ...") has what it said after the verb."""
    if not (subj.like_num and any(ch.isdigit() for ch in subj.text)) or any(c.dep_ == "prep" and c.lower_ == "of" for c in subj.children):
        return False
    return not any(c.dep_ in ("dobj", "dative", "ccomp", "parataxis") and c.i > verb.i for c in verb.children)


def _cue_span(verb: "Token") -> Span:
    """The cue with its particle and auxiliaries ("has said", "pointed out")."""
    toks = [verb] + [c for c in verb.children if c.dep_ in ("prt", "aux", "auxpass", "neg") and _adjoins(c, verb)]
    return Span(min(t.idx for t in toks), max(t.idx + len(t) for t in toks))


def _adjoins(part: "Token", verb: "Token") -> bool:
    """ `"Absolutely not," he said`: a word the parse hangs on the verb from across a quotation mark
    or a comma is no part of its cue."""
    lo, hi = sorted((part.i, verb.i))
    return not any(t.is_punct for t in verb.doc[lo + 1 : hi])


def _clip_to_paragraphs(found: list[_Found], paragraphs: list[Span]) -> None:
    """Keep each content inside its cue's paragraph: the parser's sentences may run across them."""
    starts = [p.start for p in paragraphs]
    for f in found:
        anchor = f.cue.start if f.cue is not None else f.content.start
        k = bisect.bisect_right(starts, anchor) - 1
        if k < 0:
            continue
        para = paragraphs[k]
        f.content = Span(max(f.content.start, para.start), max(min(f.content.end, para.end), max(f.content.start, para.start)))


# ---------------------------------------------------------------- pass 2: quotation marks


def _attach_quotations(doc: "Doc", quoted: list[Quoted], found: list[_Found], bare: list["Token"],
                       rejected: list["Token"]) -> list[_Found]:
    text = doc.text
    used_bare: set[int] = set()
    prev: _Found | None = None
    for q in quoted:
        owner = _overlapping(found, q)
        if owner is not None and owner.content == q.span and owner.cue is not None:
            owner.content = _lead_clause(doc, owner.cue.end, q)
        elif owner is not None and _over_own_cue(text, q, owner):
            owner.content = q.span
        if owner is not None:
            owner.content = Span(min(owner.content.start, q.span.start), max(owner.content.end, q.span.end))
        else:
            owner = None if is_title(text, q) else (
                _bare_cue(text, q, bare, used_bare) or _colon_cue(doc, text, q, found) or _signature(doc, text, q)
                or _cue_after(text, q, found) or _runs_into(doc, q, found))
            if owner is not None and owner in found:  # its content already takes the quotation in
                prev = owner
                continue
            if owner is None and prev is not None and (_continues(text, q, prev) or _next_paragraph(text, q, prev)):
                owner = prev
                owner.content = Span(owner.content.start, q.span.end)
            else:
                owner = owner or _speech_tag(text, q, rejected, used_bare)
                if owner is not None:
                    found.append(owner)
        if owner is not None:
            prev = owner
    return found


def _cue_after(text: str, q: Quoted, found: list[_Found]) -> _Found | None:
    """The cue right after the quotation took a complement after it.

    `"A," Mr. Garin said, "B."`: it took "B"; "A" is its first half.
    `"A," Ms. Lee said in her first speech.`: a verb of saying took the phrase
    after it, but what it says is "A" (the content becomes the quotation).
    """
    if not _opens_clause(text, q):
        return None  # a title inside a sentence: `on ABC's "This Week," he said`
    for f in found:
        if f.cue is None or not (0 <= f.cue.start - q.outer.end <= _MAX_CUE_GAP) or f.content.start < f.cue.end:
            continue
        if "\n" in text[q.outer.end : f.content.start]:
            continue
        if has_double_quote(text[f.cue.end : f.content.start + 1]):
            f.content = q.span if _claimed(f, f.content, found) else Span(q.span.start, f.content.end)
            return f
        if f.speech and text[q.span.end - 1] in _QUOTE_END_PUNCT and (
                not has_double_quote(text[f.content.start : f.content.end]) or _set_off(text, f)):
            f.content = q.span
            return f
    return None


def _set_off(text: str, f: _Found) -> bool:
    """`"A," Clinton responded, remarking that she is "looking for a team"`, `"B?" she said, but Kevin
    ...`: what follows the cue after a comma is an aside or another attribution, not what was said."""
    return text[f.cue.end : f.content.start + 1].lstrip()[:1] == ","


def _over_own_cue(text: str, q: Quoted, f: _Found) -> bool:
    """`"I never said that," Trump said, after Quick said ...`: the parse ran the quotation's last
    sentence on over the verb of saying after it; what the verb says is the quotation."""
    return (f.speech and f.cue is not None and q.span.start <= f.content.start < q.span.end
            and 0 <= f.cue.start - q.outer.end <= _MAX_CUE_GAP and f.content.end > f.cue.end
            and text[q.span.end - 1] in _QUOTE_END_PUNCT and "\n" not in text[q.outer.end : f.cue.start])


def _runs_into(doc: "Doc", q: Quoted, found: list[_Found]) -> _Found | None:
    """`described families in the park, and a city of "honesty and straight talk."`: a content the
    parse closed early at a comma runs on into a quotation later in its sentence that nothing else says."""
    text = doc.text
    start = doc.char_span(q.outer.start, q.outer.start + 1, alignment_mode="expand")
    if not start or len(text[q.span.start : q.span.end].split()) < _MIN_PHRASE_WORDS:
        return None  # `what is called a "debate"`: a word in marks is a scare quote, not a statement
    sent = start[0].sent
    best = None
    for f in found:
        if (f.cue is None or not sent.start_char <= f.cue.start < f.cue.end <= f.content.start < f.content.end <= q.outer.start
                or any(c in text[f.content.end : q.outer.start] for c in ".?!;:\n\u2014\u2013")
                or (len(text[f.content.end : q.outer.start].split()) > _MAX_LINK_WORDS and _subordinates(doc, Span(f.content.end, q.outer.start)))
                or any(o.cue is not None and f.content.end <= o.cue.start < q.outer.start for o in found)):
            continue
        if best is None or f.content.end > best.content.end:
            best = f
    if best is not None:
        best.content = Span(best.content.start, q.span.end)
    return best


def _subordinates(doc: "Doc", gap: Span) -> bool:
    """`echo her concerns, in large part because ... "a lawful source"`: a subordinate clause between
    a content and a quotation says something else."""
    words = doc.char_span(gap.start, gap.end, alignment_mode="expand")
    return words is not None and any(t.pos_ == "SCONJ" for t in words)


def _claimed(f: _Found, span: Span, found: list[_Found]) -> bool:
    """Whether another cue took ``span`` as (part of) its own content: `"A," Trump said, adding
    later, "B."` or `"A," she said. "B" to drive up the price, she added.`"""
    return any(o is not f and o.cue is not None and o.content.overlaps(span) and not span.start <= o.cue.start < span.end
               for o in found)


def _overlapping(found: list[_Found], q: Quoted) -> _Found | None:
    """The attribution whose content covers most of the quotation."""
    best, best_overlap = None, 0
    for f in found:
        overlap = min(f.content.end, q.span.end) - max(f.content.start, q.span.start)
        if overlap > best_overlap:
            best, best_overlap = f, overlap
    return best


def _bare_cue(text: str, q: Quoted, bare: list["Token"], used: set[int]) -> _Found | None:
    """A speech verb without complement next to the quotation: `"...," he said.` or `He said: "..."`."""
    first, last = q.outer.start, q.outer.end
    best = None
    for v in bare:
        if v.i in used:
            continue
        sent = v.sent
        after = 0 <= v.idx - last < 60 and sent.start_char <= last + 2 and "\n" not in text[last : v.idx]
        before = 0 <= first - (v.idx + len(v)) < 60 and (sent.end_char >= first - 2 or text[v.idx + len(v) : first].strip().startswith(":"))
        if after or before:
            best = v
            break
    if best is None:
        return None
    used.add(best.i)
    return _Found(content=_lead_clause(best.doc, best.idx + len(best), q), cue=_cue_span(best), speaker=_subject(best))


def _speech_tag(text: str, q: Quoted, verbs: list["Token"], used: set[int]) -> _Found | None:
    """`"What if he had lessons?" the 43-year-old asked in the video's description`: a quotation that
    opens its clause and ends in a comma or a question, then its speaker and a verb of saying."""
    if not _opens_clause(text, q) or text[q.span.end - 1] not in _QUOTE_END_PUNCT:
        return None
    for v in verbs:
        if v.i in used or not 0 <= v.idx - q.outer.end < _MAX_TAG_GAP or not _NAME_GAP.fullmatch(text, q.outer.end, v.idx):
            continue
        gap = v.doc.char_span(q.outer.end, v.idx, alignment_mode="contract")
        if gap is not None and any(t.pos_ in ("VERB", "AUX") for t in gap):
            continue  # `"13 Hours," is based on a book co-written by`: the verb is not the quotation's tag
        speaker = _subject(v) or _gap_name(gap)
        if speaker is None:
            continue
        used.add(v.i)
        return _Found(content=q.span, cue=_cue_span(v), speaker=speaker, speech=True)
    return None


def _gap_name(words: "Doc | Span | None") -> "Token | None":
    """`" the 43-year-old asked`: the phrase between a quotation and its verb, when the parse did not
    make it the verb's subject."""
    if words is None or not len(words):
        return None
    root = words.root
    return root if root.pos_ in ("PROPN", "NOUN", "PRON", "ADJ") else None


def _lead_clause(doc: "Doc", cue_end: int, q: Quoted) -> Span:
    """What a cue before a quotation says: the quotation, or where a clause leads into it
    (`says the plan is "dead on arrival"`) that clause, from its "that" or its first word."""
    text = doc.text
    lead = text[cue_end : q.outer.start]
    if cue_end > q.outer.start or "\n" in lead or lead.rstrip()[-1:] in (":", ","):
        return q.span
    words = doc.char_span(cue_end, q.outer.start, alignment_mode="contract")
    if words is None:
        return q.span
    if not any(t.pos_ in ("VERB", "AUX") for t in words):
        # `said the plan "is dead"`: the quotation ends a clause whose subject stands before it
        head = _argument_start(doc, cue_end, words)
        return q.span if head is None else Span(head, q.span.end)
    that = re.search(r"\bthat\b", lead)
    return Span(cue_end + (that.start() if that else len(lead) - len(lead.lstrip())), q.span.end)


def _argument_start(doc: "Doc", cue_end: int, words: "Doc | Span") -> int | None:
    """Where the cue's own argument starts between it and a quotation, if one does: not who was
    told (`told reporters "..."`) nor when or where it was said (`said Thursday on CNN "..."`)."""
    cue = doc.char_span(cue_end - 1, cue_end, alignment_mode="expand")
    if cue is None or cue[0].lemma_.lower() in _ADDRESSEE_CUES:
        return None
    if any(t.is_sent_end or t.text in (".", "?", "!") for t in words):
        return None  # `he said Ryan. "I would say ..."`: the quotation starts a sentence of its own
    for t in words:
        scope = [t, *(a for a in t.ancestors if a.i >= words.start)]
        if any(a.dep_ in _ADJUNCTS for a in scope):
            continue
        return t.idx if t.pos_ in ("NOUN", "PROPN", "PRON", "DET", "ADJ", "NUM") else None
    return None


def _colon_cue(doc: "Doc", text: str, q: Quoted, found: list[_Found]) -> _Found | None:
    """A quotation after a colon, on its line or opening the next paragraph.

    A cue before the colon says it: `He released the following statement: "..."`
    (the quotation replaces the noun that announced it) or `He said the plan had
    three parts: "..."` (it completes the clause). Without a cue, the name right
    before the colon (`Pat Caddell: "..."`) or the subject of the colon's sentence speaks.
    """
    i = q.outer.start - 1
    while i >= 0 and text[i] in " \t\u00a0\n":
        i -= 1
    if i < 0 or text[i] != ":" or text.count("\n", i, q.outer.start) > 2:
        return None
    span = doc.char_span(i, i + 1, alignment_mode="expand")
    if span is None or span.start == 0:
        return None
    sent = span.sent
    before = [f for f in found if f.cue is not None and sent.start_char <= f.cue.start < i
              and sent.start_char <= f.content.start and f.content.end <= i + 1]
    if before:
        owner = max(before, key=lambda f: f.content.start)
        owner.content = q.span if _announces(doc, Span(owner.content.start, i)) else Span(owner.content.start, q.span.end)
        return owner
    head = doc[span.start - 1]
    lead = doc[sent.start : span.start]  # the parser may run the sentence on into the quotation
    # `Sanders made the following comment:` is a sentence whose subject speaks, however short
    if (len(lead) > _MAX_NAME_TOKENS or head.pos_ == "VERB" or head.dep_ == "dobj") and lead.root.pos_ in ("VERB", "AUX"):
        head = _subject(lead.root) or head
    if head.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    return _Found(content=q.span, cue=Span(i, i + 1), speaker=head)


def _announces(doc: "Doc", lead: Span) -> bool:
    """ "the following statement", "a new campaign message" before a colon: a noun phrase that
    only announces the quotation after it."""
    span = doc.char_span(lead.start, lead.end, alignment_mode="expand")
    return span is not None and len(span) > 0 and span.root.pos_ in ("NOUN", "PROPN", "PRON")


def _signature(doc: "Doc", text: str, q: Quoted) -> _Found | None:
    """`"..." ― Jane Doe` as a paragraph of its own: the name after the dash signs the quotation."""
    if q.outer.start > 0 and text[q.outer.start - 1] != "\n":
        return None
    m = _SIGNATURE.match(text, q.outer.end)
    if m is None:
        return None
    name = doc.char_span(m.start("name"), m.end("name"), alignment_mode="contract")
    if name is None or not len(name):
        return None
    return _Found(content=q.span, cue=Span(m.start("dash"), m.end("dash")), speaker=name[-1])


def _continues(text: str, q: Quoted, owner: _Found) -> bool:
    """The rest of a quote split by its cue: `"A," he said. "B."` (scare quotes between are absorbed)."""
    gap = text[owner.content.end : q.outer.start]
    if "\n" in gap or len(gap) > _MAX_CONTINUATION_GAP:
        return False
    return owner.cue is not None and owner.content.start <= owner.cue.start < q.outer.start


def _opens_clause(text: str, q: Quoted) -> bool:
    """The quotation starts a sentence or a clause, as a quote does (`He paused. "Well," he said`)."""
    i = q.outer.start - 1
    while i >= 0 and text[i] in " \t\u00a0'`":  # '' and `` open with two characters
        i -= 1
    return i < 0 or text[i] in _CLAUSE_BREAKS


def _next_paragraph(text: str, q: Quoted, owner: _Found) -> bool:
    """A paragraph opening with a quotation right after a quoted paragraph: the same voice goes on,
    also after the cue that closed the previous one (`"A," she said.` then `"B."`)."""
    gap = text[owner.content.end : q.outer.start]
    if "\n" not in gap or text[q.outer.start - 1] != "\n":
        return False
    if len(gap.strip(" \n\t\"'\u201d\u201c.,")) == 0:
        return True
    if owner.cue is None or not owner.content.start < owner.cue.start or owner.content.end > owner.cue.start:
        return False
    rest = text[owner.cue.end : q.outer.start].rstrip()
    # Only the cue's own clause may stand between: not `He then asked the crowd.`
    return "\n" not in gap.rstrip() and len(gap) <= _MAX_CONTINUATION_GAP and not _NEXT_SENTENCE.search(rest)


def _headline_colons(doc: "Doc", inside: bytearray, paragraphs: list[Span]) -> list[_Found]:
    """`Lynch: No outside influence on FBI probe.` and transcripts (`CLINTON: Honestly, ...`): a line led by a name and a colon."""
    out: list[_Found] = []
    text = doc.text
    for line in paragraphs:
        # A transcript quoted paragraph by paragraph: `"WALLACE: ...` opens each turn with a mark.
        start = line.start + (text[line.start : line.start + 1] in A.QUOTE_CHARS)
        colon = text.find(":", start, min(line.end, start + _MAX_COLON_LEAD))
        if colon < 0 or colon + 2 >= line.end or inside[colon] and not (start > line.start and text[start:colon].isupper()):
            continue
        lead = doc.char_span(start, colon, alignment_mode="contract")
        if lead is None or not len(lead) or len(lead) > 5 or not text[start].isupper():
            continue
        head = lead.root
        if head.pos_ not in ("PROPN", "NOUN") or not all(t.is_title or t.is_upper or not t.is_alpha for t in lead):
            continue
        if head.lower_ in L.NOT_SPEAKERS:
            continue
        out.append(_Found(content=Span(colon + 1, line.end), cue=Span(colon, colon + 1), speaker=head))
    return out


_POLLS = frozenset("poll survey study".split())


def _in_polls(doc: "Doc", inside: bytearray) -> list[_Found]:
    """`In a CBS News poll released Monday, she led by 24 points` and `Trump is ahead in the polls`:
    a finding stated in a poll, survey or study is attributed to it, as a finding cited from a
    report is."""
    out: list[_Found] = []
    text = doc.text
    for tok in doc:
        if tok.lower_ != "in" or tok.dep_ != "prep" or inside[tok.idx]:
            continue
        obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if obj is None or obj.lemma_.lower() not in _POLLS:
            continue
        sent, phrase = tok.sent, doc[tok.left_edge.i : tok.right_edge.i + 1]
        words = [t for t in sent if not t.is_punct and not t.is_space]
        if not words:
            continue
        if phrase.start <= words[0].i:  # the poll leads: the rest of the sentence is its finding
            content = Span(doc[phrase.end].idx if phrase.end < sent.end else sent.end_char, sent.end_char)
        elif phrase.end > words[-1].i and _standing(doc[sent.start : tok.i]):  # `X is ahead in the polls`
            content = Span(sent.start_char, tok.idx)
        else:
            continue
        content = A.trim(text, content)
        if content is not None and len(text[content.start : content.end].split()) >= _MIN_PHRASE_WORDS:
            out.append(_Found(content=content, cue=Span(tok.idx, tok.idx + len(tok)), speaker=obj))
    return out


_STANDINGS = frozenset("lead ahead behind trail win beat edge fare better worse gain fall drop rise top second third fourth percent point".split())


def _standing(clause: "Span") -> bool:
    """A finding a poll can make: a standing or a figure (`leads by 5 points`), not `took part in a survey`."""
    return any(t.like_num or t.lemma_.lower() in _STANDINGS for t in clause)


# ---------------------------------------------------------------- spans


def _clip_at_inner_cues(text: str, found: list[_Found]) -> None:
    """`sent out a call, asking supporters to "donate $3 now"`: a content that runs over a later cue
    and its quotation ends before that cue, which says the quotation."""
    for o in found:
        inner = [f for f in found if f is not o and f.cue is not None and o.content.start < f.cue.start
                 and f.cue.end <= f.content.start and f.content.end <= o.content.end + 2
                 and has_double_quote(text[f.content.start - 1 : f.content.end + 1])]
        if inner and (o.cue is None or o.cue.start < o.content.start):
            cut = min(f.cue.start for f in inner)
            # `offered to resolve the war and said, "..."`: the conjunction before the cue goes with it
            head = _TRAILING_LINK.sub("", text[o.content.start : cut])
            o.content = A.trim(text, Span(o.content.start, o.content.start + len(head))) or o.content


def _clip_after_quotations(doc: "Doc", quoted: list[Quoted], found: list[_Found]) -> None:
    """`is promising lower taxes and "jobs, jobs," but he has also ...`: a content that runs on past a
    quotation into a new clause with its own subject ends with the quotation."""
    for f in found:
        for q in quoted:
            if not (f.content.start < q.outer.start and q.outer.end < f.content.end):
                continue
            rest = doc.char_span(q.outer.end, f.content.end, alignment_mode="contract")
            toks = [t for t in rest if not t.is_punct] if rest is not None else []
            if _new_clause(toks) or _aside(rest, doc.text[q.span.end - 1] == ","):
                f.content = Span(f.content.start, q.outer.end)
                break


def _new_clause(toks: list["Token"]) -> bool:
    """`... "jobs, jobs," but he has also ...`: a link and a subject of its own."""
    return len(toks) >= 2 and toks[0].lower_ in _CLAUSE_LINKS and toks[1].dep_ in ("nsubj", "nsubjpass")


def _aside(rest: "Span | None", comma_inside: bool) -> bool:
    """`... "should be wrapped up," referring to the convention`, `... "baby," which ...` or `... "racist,"
    an extraordinary rebuke`: after a comma or dash, a participle, a relative clause or an apposition
    comments on the statement; it is not part of it."""
    if rest is None or len(rest) < 2 or has_double_quote(rest.text):
        return False  # `called him a "nasty guy," an "anchor baby" and "sick"`: a list of quotations goes on
    first = rest[0] if comma_inside else rest[1] if rest[0].text in (",", "\u2014", "\u2013", "--") else None
    return first is not None and (first.tag_ == "VBG" or first.lower_ in ("which", "who")
                                  or first.dep_ == "det" and first.head.dep_ == "appos")


def _finish_phrases(doc: "Doc", quoted: list[Quoted], found: list[_Found]) -> None:
    """`said CNN's business "is so much broader" than television ratings`: a quotation that closes
    mid-phrase leaves the content open; it runs on to where the phrase ends."""
    text = doc.text
    ends = {q.span.end: q for q in quoted}
    for f in found:
        q = ends.get(f.content.end)
        if q is None:
            continue
        close = q.outer.end + text.startswith(("'", "\u2019"), q.outer.end)  # the second mark of ''...''
        if (not text[q.span.end - 1].isalnum() or len(text[q.span.start : q.span.end].split()) < _MIN_PHRASE_WORDS
                or not re.match(r" [a-z]", text[close : close + 2])):
            continue  # `said "CNN" five times`: one word in marks is no phrase left open
        after = doc.char_span(close + 1, close + 2, alignment_mode="expand")
        if not after:
            continue
        end = close
        for t in doc[after.start : after[0].sent.end]:
            if (t.is_punct and t.text != "-") or t.pos_ in ("SCONJ", "CCONJ") or t.dep_ in ("mark", "agent") or "\n" in t.whitespace_:
                break
            end = t.idx + len(t)
        f.content = Span(f.content.start, end)


# Prepositions of a cue's circumstances: `for`, `as`, `with` and the like often belong to what was
# said (`criticized him for ...`, `described himself as ...`), and `in`, `on`, `at` only say when
# or where it was said with a date or a medium (`in a statement`, `on Friday`; not `in the race`).
_CIRCUMSTANCE = frozenset("during since after before amid throughout".split())
_ASIDE_MARKS = frozenset({",", ";", "\u2014", "\u2013", "--"})
_WHEN_WHERE = frozenset("in on at".split())
_MEDIA = frozenset("""statement interview tweet remark speech debate ruling letter email post appearance rally
    forum hearing conference briefing television tv video show program book memoir article column report message
    filing opinion decision testimony address broadcast podcast episode segment call""".split())


def _cut_adjuncts(doc: "Doc", found: list[_Found], inside: bytearray) -> None:
    """`attacked Machado in early-morning tweets`, `wants to sign up 5 million people, focusing on
    people under 30`, `the reality of climate change, which makes him an outlier`: a reported content
    ends before a trailing phrase that says when or where the cue happened, or comments on
    the content; the content is what was said, believed or wanted (PolNeAR's rule). Any content,
    a mixed quote's too, ends before a trailing `, according to X` outside the quotation marks:
    that names who reported the statement, and is an attribution of its own."""
    text = doc.text
    for f in found:
        span = doc.char_span(f.content.start, f.content.end, alignment_mode="expand")
        if span is None or len(span) < 3:
            continue
        cut = _according_tail(span, inside)
        if cut is None and f.cue is not None and f.cue.end <= f.content.start and not has_double_quote(
                text[max(0, f.content.start - 1) : f.content.end + 1]):
            cue = doc.char_span(f.cue.start, f.cue.end, alignment_mode="expand")
            cut = _trailing_adjunct(span, cue.root) if cue is not None else None
        if cut is not None:
            f.content = A.trim(text, Span(f.content.start, cut)) or f.content


def _according_tail(span: "Span", inside: bytearray) -> int | None:
    """Where a closing `, according to the Times, citing Iranian media` starts, if the span ends so."""
    for k in range(2, len(span) - 2):
        t = span[k]
        if t.lower_ != "according" or span[k + 1].lower_ != "to" or span[k - 1].text not in _ASIDE_MARKS or inside[t.idx]:
            continue
        rest = [x for x in span[k:] if not x.is_punct]
        heads = [t] + [x for x in rest if (c := _comment(x)) is not None and c.i == x.i]
        if all(any(h.i == x.i or h.is_ancestor(x) for h in heads) for x in rest):
            return span[k - 1].idx
    return None


def _trailing_adjunct(span: "Span", cue: "Token") -> int | None:
    """Where the trailing adjuncts of ``span`` start (a character offset), if it has any."""
    for k, t in enumerate(span[1:], start=1):
        top = _child_of(t, cue)
        if top is not None and top.i == t.i and (_circumstance(t) or t.dep_ == "cc"):
            if all(x.is_punct or _adjunct_of(x, cue, t.i) for x in span[k:]):
                return t.idx
        elif t.text in _ASIDE_MARKS and k + 1 < len(span):
            head = _comment(span[k + 1])
            if head is not None and all(x.is_punct or x.i == head.i or head.is_ancestor(x) for x in span[k + 1 :]):
                return t.idx
            if _turns(span[k + 1 : k + 5]):
                return t.idx
    return None


def _turns(toks: "Span") -> bool:
    """`, although he again refused to ...`: a link and a subject of its own start a clause the
    statement does not hold."""
    return len(toks) >= 2 and toks[0].lower_ in _CLAUSE_LINKS and any(x.dep_ in ("nsubj", "nsubjpass") for x in toks[1:])


def _child_of(t: "Token", cue: "Token") -> "Token | None":
    while t.head.i != t.i and t.head.i != cue.i:
        t = t.head
    return t if t.head.i == cue.i else None


def _adjunct_of(x: "Token", cue: "Token", start: int) -> bool:
    """Whether x belongs to a circumstance of the cue, or to a predicate coordinated with the cue
    (`declined that assignment and has since left the network`), from token ``start`` on."""
    top = _child_of(x, cue)
    return top is not None and (_circumstance(top) or top.dep_ in ("cc", "conj")) and top.i >= start


def _circumstance(t: "Token") -> bool:
    if t.dep_ != "prep":
        return False
    if t.lower_ in _CIRCUMSTANCE:
        return True
    obj = next((c for c in t.children if c.dep_ == "pobj"), None)
    return t.lower_ in _WHEN_WHERE and obj is not None and (obj.ent_type_ in ("DATE", "TIME") or obj.lemma_.lower() in _MEDIA)


def _comment(t: "Token") -> "Token | None":
    """The head of a participle, relative clause or apposition that starts at t and comments on
    what comes before it; None when t starts no such phrase."""
    if t.tag_ == "VBG" and t.dep_ in ("advcl", "acl", "xcomp"):
        return t
    if t.lower_ in ("which", "who", "when") and t.head.dep_ in ("relcl", "advcl"):
        return t.head
    head = t if t.dep_ == "appos" else t.head if t.head.dep_ == "appos" and t.head.left_edge.i == t.i else None
    # `tax fairness, the closure of loopholes and relief for ...` is a list the parse took for an apposition
    return None if head is None or any(c.dep_ == "cc" for c in head.children) else head


def _dedupe(found: list[_Found]) -> list[_Found]:
    """One attribution per content: when contents nest or overlap, keep the outermost cue; of two
    with the same content, the one whose cue stands outside it (`The plan, according to the memo,
    would cost $5m, the mayor said`: the mayor said it)."""
    out: list[_Found] = []
    for f in sorted(found, key=lambda f: (f.content.start, -f.content.end, f.cue is not None and f.content.start <= f.cue.start < f.content.end)):
        dup = next((o for o in out if o.content.start <= f.content.start and f.content.end <= o.content.end
                    and (len(f.content) > 0.8 * len(o.content))), None)
        if dup is None:
            out.append(f)
    return out
