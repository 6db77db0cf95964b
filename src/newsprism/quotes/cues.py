"""Pass 1 of quote extraction: attributions led by a cue word, learned.

The attribution model (``attribution.py``, trained on PolNeAR train) scores
every verb, noun and "according" as a cue and picks what it attributes among
the phrases the parse offers: a clause, a to-infinitive, an object
("criticized the deal"), an object with its label ("called him a liar"), the
clause around an inserted "he said" or "according to X", or the quotation
next to it. The subject (or the passive agent, or X of "according to X") is
the speaker. Beliefs, polls and labels are attributions in PolNeAR, so they
are found too. A cue the model doubts (just under its threshold) is kept
when its source is named. The idiom "as X put it" needs no model: it
attributes the quotation it introduces, or else the clause it is inserted
in. Two cues need no model either: a line led by a name and a colon
(`Lynch: No outside influence`, a transcript's `CLINTON: ...`) and a finding
stated "in a poll".

Cues inside a quotation are skipped: the speaker's own "I think" is part of
what they said, not a new attribution.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from newsprism.model import Span
from newsprism.nlp import text_of
from newsprism.quotes import attribution as A
from newsprism.quotes import lexicon as L
from newsprism.quotes.attribution import AttributionModel
from newsprism.quotes.found import CLAUSE_BREAKS, MIN_PHRASE_WORDS, Found
from newsprism.verbs import ADDRESSEE, EXPERIENCER_OBJECT, SAID

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan


_INHERIT_SUBJECT = ("xcomp", "conj", "advcl", "pcomp")
_MAX_INVERTED_SUBJECT = 6
# "He seems unsure", "the plan appears doomed": the impression is the writer's, its subject is what it is
# about (PolNeAR gives such cues no source three times in four, "he seemed to mock" included).
_IMPRESSION_CUES = frozenset({"seem", "appear"})
_DASHES = frozenset({"—", "–", "--"})
# How far below the cue threshold a cue is still taken when its source is named (``_named_source``).
_NAMED_CUE_MARGIN = 0.1
_NAMED_SOURCE_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_COPULAS = frozenset("be seem appear look sound remain become".split())
# Verbs whose passive subject is the one addressed, who answers ("When asked ..., she said").
_ASKED = ADDRESSEE | {"press", "question"}
_MAX_COLON_LEAD = 40
_FINITE = frozenset({"VBD", "VBZ", "VBP"})
# "Osei, speaking in Charleston, West Virginia, did not mention ...": a place or a date set off by commas
# is no speaker.
_PLACE_OR_TIME = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME"})


def cue_attributions(doc: "Doc", ctx: A.DocContext, model: AttributionModel) -> tuple[list[Found], list["Token"], list["Token"]]:
    """Attributions led by a cue word the model accepts, speech verbs that found no complement,
    and the speech verbs the model turned down (`"...?" the 43-year-old asked in the video's description`)."""
    found: list[Found] = []
    bare: list[Token] = []
    rejected: list[Token] = []
    dense = model.cue.dense_scores(doc)
    for tok in doc:
        if ctx.inside[tok.idx] or not A.is_cue_candidate(tok):
            continue
        if _as_reported_by(tok):
            content = A.clause_without(tok.head, A.subtree_span(tok)) if tok.head.i != tok.i else None
            if content is not None:
                found.append(Found(content=content, cue=cue_span(tok), speaker=subject(tok), speech=True))
                continue
        if _as_put_it(tok):
            content = _put_it_content(tok, ctx)
            if content is not None:
                found.append(Found(content=content, cue=cue_span(tok), speaker=subject(tok), speech=True))
            continue
        prob = model.cue.prob(A.cue_features(tok, ctx), dense[tok.i])
        if prob < model.cue_threshold and not (prob >= model.cue_threshold - _NAMED_CUE_MARGIN and _named_source(tok)):
            if tok.pos_ == "VERB" and tok.lemma_.lower() in SAID:
                rejected.append(tok)
            continue
        if _cites_source(tok):
            continue
        felt = _felt(tok)
        if felt is not None:
            found.append(Found(content=felt[1], cue=cue_span(tok), speaker=felt[0]))
            continue
        content = _best_content(tok, ctx, model)
        if content is None:
            if tok.lemma_.lower() in SAID:
                bare.append(tok)
            continue
        if tok.lower_ == "according":
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if source is not None:
                source = _author(source)
            cue = Span(tok.idx, to.idx + len(to)) if to is not None else Span(tok.idx, tok.idx + len(tok))
            found.append(Found(content=_with_subject(doc, content), cue=cue, speaker=source))
        else:
            source = _outside_quotation(_cue_source(tok), tok, ctx)
            if source is not None and _count_told(source, tok):
                continue
            found.append(Found(content=content, cue=cue_span(tok), speaker=source, speech=tok.lemma_.lower() in SAID))
    return found, bare, rejected


def _outside_quotation(source: "Token | None", verb: "Token", ctx: A.DocContext) -> "Token | None":
    """ `"Very good reporter, this guy," Trump said`: the parser may take the quotation's words for the
    verb's subject; whoever speaks is outside what they say: the verb's other subject outside it
    (`Washington, star of television's "Scandal," thanked`), else the first noun phrase between the
    quotation and the verb, else the name after the verb (`"Meh," wrote a Trump supporter`)."""
    if source is None or not ctx.inside[source.idx] or ctx.inside[verb.idx] or source.i > verb.i:
        return source
    other = max((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i and not ctx.inside[c.idx]),
                key=lambda c: c.i, default=None)
    if other is not None:
        return other
    outside = [t.i for t in verb.doc[source.i + 1 : verb.i] if not ctx.inside[t.idx] and not t.is_punct]
    if not outside:  # a quotation a verb of saying stands beside, not a quoted name ('a "super PAC" supporting ...')
        return _inverted_subject(verb) if verb.lemma_.lower() in SAID and _may_invert(verb) else None
    chunk = next((c for c in verb.doc.noun_chunks if outside[0] <= c.start and c.end <= verb.i), None)
    return chunk.root if chunk is not None else None


def _author(work: "Token") -> "Token":
    """ "according to an analysis by the Pew Research Center", "a recent report from Bloomberg New Energy
    Finance", "audio provided by Wyoming Public Radio": the one named as the work's author or giver says
    it; the work ("an analysis") is only how. A work with no name beside it stays the source."""
    if work.pos_ != "NOUN":
        return work
    for c in work.children:
        by: "Token | None"
        if c.dep_ == "prep" and c.lower_ in ("by", "from"):
            by = c
        elif c.dep_ == "acl" and c.tag_ == "VBN":
            by = next((a for a in c.children if a.dep_ == "agent"), None)
        else:
            continue
        named = next((o for o in by.children if o.dep_ == "pobj"), None) if by is not None else None
        # A person or a body, not a date or a place ("a report from Tuesday", "data from Iowa").
        if named is not None and (named.ent_type_ in ("PERSON", "ORG") or (named.pos_ == "PROPN" and not named.ent_type_)):
            return named
    return work


def _felt(verb: "Token") -> "tuple[Token, Span] | None":
    """ "The mayor's remarks had angered the ferry crews": the crews hold the stance (the source), and
    what it is about is the subject (the content), not what follows the verb; for "remarks that angered
    the crews", the remarks."""
    if verb.lemma_.lower() not in EXPERIENCER_OBJECT:
        return None
    held = next((c for c in verb.children if c.dep_ == "dobj"), None)
    cause = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj") and c.i < verb.i), None)
    if held is None or cause is None or not _same_line(cause, verb):
        return None
    if cause.lower_ in L.RELATIVE_PRONOUNS and verb.dep_ == "relcl" and verb.head.i < cause.i:
        before = [t for t in verb.head.subtree if t.i < cause.i and not t.is_punct]
        return held, Span(before[0].idx, before[-1].idx + len(before[-1]))
    return held, A.subtree_span(cause)


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


def _as_reported_by(tok: "Token") -> bool:
    """ "Iran has asked for air defences, as reported by The New York Times": the clause the idiom is
    set beside is what the agent reported (not "by The New York Times", nor the clause's subject)."""
    return (tok.tag_ == "VBN" and tok.lemma_.lower() in SAID and any(c.dep_ == "agent" for c in tok.children)
            and (any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children) or (tok.i > 0 and tok.nbor(-1).lower_ == "as")))


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
        if text[q.span.end - 1] in ".?!," or text[q.outer.end : q.outer.end + 2].strip()[:1] in ("", *CLAUSE_BREAKS):
            return q.span
    return A.clause_without(tok.head, own) if tok.head.i != tok.i else None


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
    """A noun cue's owner ("his statement", "the group's poll"), or the subject of a verb the tagger
    took for a noun; a verb's subject."""
    if tok.pos_ == "NOUN":
        return next((c for c in tok.children if c.dep_ == "poss"), None) or _subject_of_verb_read_as_noun(tok)
    if tok.lemma_.lower() in _IMPRESSION_CUES:
        return None
    return subject(tok)


def _subject_of_verb_read_as_noun(tok: "Token") -> "Token | None":
    """ "Trump claims he's worth $10 billion", "Trump predicts that ...", "the editorial read": the tagger
    takes a headline's or a short sentence's verb for a plural or a noun, and the parser hangs the one
    who speaks on it as its subject or as a modifier of the "noun". That one speaks where the parse
    still reads a verb: a subject before it, or, for the sentence's root, a modifier right before it
    and a clause it governs ("that ..." or the quotation before it)."""
    subj = next((c for c in tok.children if c.dep_ == "nsubj" and c.i < tok.i), None)
    if subj is not None:
        return subj if _same_line(subj, tok) else None
    if tok.dep_ != "ROOT" or tok.i == 0:
        return None
    before = tok.nbor(-1)
    if before.head.i != tok.i or before.dep_ not in ("compound", "amod", "nmod") or before.pos_ not in ("PROPN", "NOUN", "ADJ"):
        return None
    governs = any(c.dep_ in ("ccomp", "xcomp", "acl") and c.pos_ in ("VERB", "AUX") for c in tok.children)
    return before if governs else None


def subject(verb: "Token") -> "Token | None":
    """The one who speaks: the subject, the passive agent, the subject of the governing verb,
    or for an inverted `"...," said Ben Carson, asked about ...` the name the parser hung elsewhere."""
    if _reduced_passive(verb):
        return None
    speaker = _said_before(verb) or _said_over(verb)
    if speaker is not None:
        return subject(speaker)
    subj = _tree_subject(verb)
    if subj is not None:
        return _past_dateline(subj, verb)
    if verb.i == 0 or any(c.dep_ in ("nsubjpass", "expl") for c in verb.children):
        return subj
    if verb.nbor(-1).is_punct:
        # `"...," Gene Sperling, a top adviser, said at an event`: no name after the verb, so the one
        # set off by commas before it.
        return ((_inverted_subject(verb) if _may_invert(verb) else None) or _phrase_before(verb) or _apposition_before(verb)
                or _fronted_clause_subject(verb))
    adjacent = _adjacent_subject(verb)
    if adjacent is None and _after_comma(verb):
        # "the campaign chief, Paul Manafort, bluntly suggested"
        return _phrase_before(verb) or _apposition_before(verb)
    return adjacent


def _after_comma(verb: "Token") -> bool:
    """A comma just before the verb but for adverbs and auxiliaries ("..., bluntly suggested", "..., have said")."""
    for tok in reversed(verb.doc[max(0, verb.i - _MAX_INVERTED_SUBJECT) : verb.i]):
        if tok.pos_ == "ADV" or tok.dep_ in ("advmod", "aux", "neg"):
            continue
        return tok.text == ","
    return False


def _said_before(verb: "Token") -> "Token | None":
    """ "Osei said the ferry would run and added that fares would rise": the parser may coordinate the
    second speech verb with a verb of what the first says ("run"), whose subject ("the ferry") says
    nothing; both are the first speaker's. The first speech verb, where the parse reads so."""
    if verb.dep_ != "conj" or verb.lemma_.lower() not in SAID or verb.head.lemma_.lower() in SAID:
        return None
    said = verb.head
    while said.dep_ == "conj":
        said = said.head
    if said.dep_ != "ccomp" or said.head.lemma_.lower() not in SAID or said.head.i > verb.i or not _same_line(said.head, verb):
        return None
    return said.head


def _said_over(verb: "Token") -> "Token | None":
    """ "Khalif said some of the rhetoric has been patronizing, noting her comments ...": a participle set
    off by a comma after what a verb of saying says is the sayer's, but the parser hangs it on the last
    verb of what is said ("been"), whose subject ("some") says nothing. The verb of saying, where the
    participle hangs inside its complement; not across a clause with its own subject coordinated into
    it ("groups say the rules are ..., and the ACLU has sued, saying ...": the ACLU says it)."""
    if verb.tag_ != "VBG" or verb.dep_ != "advcl" or verb.i == 0 or verb.nbor(-1).text not in (",", *_DASHES):
        return None
    inner = verb.head
    while inner.dep_ in ("ccomp", "xcomp", "conj"):
        if inner.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in inner.children):
            return None
        inner = inner.head
        if inner.pos_ == "VERB" and inner.lemma_.lower() in SAID:
            return inner if inner.i < verb.i and _same_line(inner, verb) else None
    return None


def _may_invert(verb: "Token") -> bool:
    """After "told" or "urged" comes the one spoken to (`Buck, a spokesman for Ryan, told POLITICO`),
    not the speaker, unless the verb follows the quotation itself (`"Why?" asked Ms. Lee`)."""
    if verb.lemma_.lower() not in ADDRESSEE:
        return True
    before = verb.doc[verb.i - 2] if verb.i >= 2 else None
    return verb.nbor(-1).is_quote or (before is not None and before.is_quote and verb.nbor(-1).text == ",")


def _phrase_before(verb: "Token") -> "Token | None":
    """ `"Yes," Brent Bozell III, founder of the Media Research Center, tells Breitbart News`: a subject
    the parser hung elsewhere, set off by commas before the verb. The noun phrase that opens the stretch
    since the quotation, the dash or the start of the sentence; none where a clause of its own comes
    between ("She slammed the plan, said ..."), but a relative clause may ("a source, who was not
    authorized to speak, told ...")."""
    start = verb.i
    while start > verb.sent.start:
        t = verb.doc[start - 1]
        if (t.is_quote and start >= 2 and verb.doc[start - 2].is_punct) or t.text in _DASHES or t.text in (";", ":"):
            break
        if not _same_line(t, verb):
            break
        if t.tag_ in _FINITE and not any(a.dep_ in ("relcl", "acl") for a in [t, *t.ancestors] if a.i < verb.i):
            return None
        start -= 1
    while start < verb.i and (verb.doc[start].is_punct or verb.doc[start].pos_ in ("CCONJ", "ADV")):
        start += 1  # "And Sanders, meanwhile, ..."
    # The parser may hang the quotation's closing mark on the name, which opens its noun chunk ("” Gene Marsh").
    chunk = next((c for c in verb.doc.noun_chunks if c.start <= start < c.end <= verb.i
                  and all(t.is_punct for t in verb.doc[c.start : start])), None)
    if chunk is not None:
        return chunk.root
    # No noun chunk where the parser hung the name as no noun phrase of its own (`"...," Texas delegate
    # Bill Eastland, wearing a cowboy hat, said`: "Eastland" modifies the quotation's verb): the name's head.
    head = verb.doc[start]
    while head.dep_ in ("compound", "det", "amod", "nmod") and start <= head.head.i < verb.i:
        head = head.head
    return head if head.pos_ == "PROPN" and head.ent_type_ == "PERSON" else None


def _apposition_before(verb: "Token") -> "Token | None":
    """`At Boca West, where ..., Jay DiPietro, the club's president, suggested that ...`, `In a statement to
    the Observer, her adviser, Jake Sullivan, said`: the parser hangs the name set off by commas before a
    verb with no subject on the noun of the phrase that opens the sentence, as its apposition. The
    speaker is the outermost apposition, itself set off by a comma, that ends at the comma before the verb."""
    sent = verb.sent
    comma = verb.i - 1
    while comma > sent.start and (verb.doc[comma].pos_ == "ADV" or verb.doc[comma].dep_ in ("advmod", "aux", "neg")):
        comma -= 1
    if comma <= sent.start or verb.doc[comma].text != ",":
        return None
    found = None
    for tok in [verb.doc[comma - 1], *verb.doc[comma - 1].ancestors]:
        if tok.i >= comma or tok.right_edge.i != comma - 1:
            break
        if (tok.dep_ == "appos" and tok.pos_ in ("PROPN", "NOUN") and tok.ent_type_ not in _PLACE_OR_TIME
                and tok.left_edge.i > sent.start and verb.doc[tok.left_edge.i - 1].text == ","):
            found = tok
    return found if found is not None and _same_line(found, verb) else None


def _fronted_clause_subject(verb: "Token") -> "Token | None":
    """`Jeffrey Salkin, a Florida rabbi helping to organize the boycott, said ...`, `Sanders, meanwhile, who
    sits at zero endorsements, said ...`: the parser reads the words before the verb as a clause it says
    (a verb of its own: "rabbi", "sits") and leaves the verb without a subject. Where that clause opens
    the sentence with its subject (a name or a noun, not a quotation), that subject is the speaker."""
    clause = next((c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i), None)
    subj = min((c for c in clause.children if c.dep_ == "nsubj"), key=lambda c: c.i, default=None) if clause is not None else None
    if subj is None or subj.left_edge.i != verb.sent.start or verb.doc[verb.sent.start].is_quote:
        return None
    return subj if subj.pos_ in ("PROPN", "NOUN") and _same_line(subj, verb) else None


def _past_dateline(subj: "Token", verb: "Token") -> "Token":
    """ "WASHINGTON (AP) — Vice President Joe Biden said": the parser may take the dateline's
    place name for the subject; the speaker is the first name after the dash."""
    if subj.i >= verb.i or not _same_line(subj, verb):
        return subj
    dash = next((t for t in verb.doc[subj.i + 1 : verb.i] if t.text in _DASHES or _spaced_hyphen(t)), None)
    # Only a dateline ("CLEVELAND —", "Paris (AFP) –"), not "Ms. Lee — who ... — said".
    if dash is None or not (subj.is_upper or dash.nbor(-1).text == ")"):
        return subj
    after = (t for t in verb.doc[dash.i + 1 : verb.i] if t.pos_ in ("PROPN", "NOUN", "PRON") and t.dep_ != "compound")
    return next(after, subj)


def _spaced_hyphen(t: "Token") -> bool:
    """ "LONDON (Reuters) - Donald Trump said": a hyphen set apart by spaces is a dash."""
    return t.text == "-" and t.i > 0 and bool(t.whitespace_) and bool(t.nbor(-1).whitespace_)


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
    """ "Asked about the deal, Ms. Lee said ...": the one asking is unnamed; Ms. Lee answers, she does not ask.
    The tagger often reads "Asked" and "when asked" as a past tense (VBD), and the parser may hang
    "Trump, when asked about ..." on the name as a relative clause: a verb of asking or telling that opens
    its clause with no subject of its own is still that passive, its subject the one asked ("When asked
    whom she supported, Ms. Sherry smiled"). Not other verbs: "..., referred to immigrants as" and
    "Donald Trump called Wednesday for" are the tagger's VBD read right."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "agent", "aux", "auxpass", "expl") for c in verb.children):
        return False
    if verb.tag_ == "VBN" and verb.dep_ in ("advcl", "acl"):
        return True
    if verb.tag_ not in ("VBD", "VBN") or verb.dep_ not in ("advcl", "acl", "relcl") or verb.lemma_.lower() not in _ASKED:
        return False
    # Nothing before the verb in its clause but "when", "once", "later" ("When later pressed about ...").
    return all(t.pos_ in ("ADV", "SCONJ") or t.dep_ in ("advmod", "mark") for t in verb.doc[verb.left_edge.i : verb.i])


def _is_subject(c: "Token", verb: "Token") -> bool:
    """A subject that names someone: not the "it" of "it is said", "it seems", "it was reported"."""
    if c.dep_ not in ("nsubj", "csubj"):
        return False
    if c.lower_ != "it":
        return True
    return verb.lemma_ not in _COPULAS and not any(x.dep_ == "auxpass" for x in verb.children)


def _inverted_subject(verb: "Token") -> "Token | None":
    # `..., notes "The New York Times."`: a name the writer put in quotation marks is still the name;
    # a common noun in quotation marks is a quoted word, not the speaker.
    quoted = False
    for tok in verb.doc[verb.i + 1 : verb.i + 1 + _MAX_INVERTED_SUBJECT]:
        if tok.is_quote:
            quoted = True
            continue
        if tok.dep_ in ("det", "amod", "compound", "poss", "case") or tok.pos_ in ("DET", "ADJ"):
            continue
        named = tok.pos_ == "PROPN" or (tok.pos_ == "NOUN" and not quoted)
        return tok if named and _same_line(tok, verb) else None
    return None


def _tree_subject(verb: "Token") -> "Token | None":
    tok: Token = verb
    anchor = verb  # the highest verb of the chain still in the cue's paragraph
    for _ in range(4):
        if _same_line(tok, verb):
            anchor = tok
        # Two subjects is a misparse: a fronted relative ("what she said is"), a quotation's words
        # (`"Safety," said Grimm`); the verb's own subject is the one next to it.
        subj = min((c for c in tok.children if _is_subject(c, tok)), key=lambda c: abs(c.i - tok.i), default=None)
        if subj is not None:
            return subj if _same_line(subj, verb) else _nearest_noun_before(anchor)
        for c in tok.children:
            if c.dep_ == "agent":
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        perfect = _perfect_read_as_passive(tok)
        if perfect is not None:
            return perfect if _same_line(perfect, verb) else None
        if any(c.dep_ in ("nsubjpass", "expl") for c in tok.children):
            return None
        if tok.dep_ == "relcl":
            return tok.head
        if tok.head.i == tok.i:
            return None
        if tok.dep_ not in _INHERIT_SUBJECT:
            return _governing_subject(tok, verb)
        tok = tok.head
    return None


def _perfect_read_as_passive(verb: "Token") -> "Token | None":
    """ "he's said the same thing at every stop", "He's said he gets his ideas from ...", "she's tacked to the
    left, criticizing ...": the parser reads the "'s" of "has" as the "is" of a passive, and the one who
    speaks as its passive subject. With no agent, no infinitive and no "as" after the verb ("he's said
    to be ill", "she's seen as an insider", "that's been criticized" are passives), the verb is a perfect
    and that subject speaks; not "it" ("it's said that ...")."""
    if not any(c.dep_ == "auxpass" and c.lower_ in ("'s", "’s") for c in verb.children):
        return None
    if any(c.dep_ in ("agent", "xcomp") or c.lower_ in ("as", "been") for c in verb.children):
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    return subj if subj is not None and subj.lower_ != "it" else None


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
    line_start = text_of(verb.doc).rfind("\n", 0, verb.idx) + 1
    nouns = [t for t in verb.doc[verb.sent.start : verb.i]
             if t.idx >= line_start and t.pos_ in ("PROPN", "NOUN", "PRON") and t.dep_ != "compound"]
    return nouns[-1] if nouns else None


def _count_told(subj: "Token", verb: "Token") -> bool:
    """ "12,000 told to leave": a headline's passive, people counted are not speaking.
    A count that speaks ("43 said the same", "half said they ...") has what it said after the verb."""
    if not (subj.like_num and any(ch.isdigit() for ch in subj.text)) or any(c.dep_ == "prep" and c.lower_ == "of" for c in subj.children):
        return False
    return not any(c.dep_ in ("dobj", "dative", "ccomp", "parataxis") and c.i > verb.i for c in verb.children)


def cue_span(verb: "Token") -> Span:
    """The cue with its particle and auxiliaries ("has said", "pointed out")."""
    toks = [verb] + [c for c in verb.children if c.dep_ in ("prt", "aux", "auxpass", "neg") and _adjoins(c, verb)]
    return Span(min(t.idx for t in toks), max(t.idx + len(t) for t in toks))


def _adjoins(part: "Token", verb: "Token") -> bool:
    """ `"Absolutely not," he said`: a word the parse hangs on the verb from across a quotation mark
    or a comma is no part of its cue."""
    lo, hi = sorted((part.i, verb.i))
    return not any(t.is_punct for t in verb.doc[lo + 1 : hi])


def headline_colons(doc: "Doc", inside: bytearray, paragraphs: list[Span]) -> list[Found]:
    """`Lynch: No outside influence on FBI probe.` and transcripts (`CLINTON: Honestly, ...`): a line led by a name and a colon."""
    out: list[Found] = []
    text = text_of(doc)
    for line in paragraphs:
        # A transcript quoted paragraph by paragraph: `"WALLACE: ...` opens each turn with a mark.
        start = line.start + (text[line.start : line.start + 1] in A.QUOTE_CHARS)
        colon = text.find(":", start, min(line.end, start + _MAX_COLON_LEAD))
        if colon < 0 or colon + 2 >= line.end or (inside[colon] and not (start > line.start and text[start:colon].isupper())):
            continue
        lead = doc.char_span(start, colon, alignment_mode="contract")
        if lead is None or not len(lead) or len(lead) > 5 or not text[start].isupper():
            continue
        head = lead.root
        if head.pos_ not in ("PROPN", "NOUN") or not all(t.is_title or t.is_upper or not t.is_alpha for t in lead):
            continue
        if head.lower_ in L.NOT_SPEAKERS or (len(lead) > 1 and not lead.text.isupper() and not _names_someone(lead)):
            continue
        if line is not paragraphs[0] and not _clause_or_quotation(doc, colon + 1, line.end, inside):
            continue
        out.append(Found(content=Span(colon + 1, line.end), cue=Span(colon, colon + 1), speaker=head))
    return out


def _clause_or_quotation(doc: "Doc", start: int, end: int, inside: bytearray) -> bool:
    """Whether what follows a colon in the body can be something said: a clause (`MIRA KELL: We never did.`)
    or a quotation. A fragment there is a list's entry or a label (`Clinton: 547.`, `Iowa: Tim Albrecht, Brad
    Anderson, ...`, `Twitter: @Milbank.`, `Rubio: Finish second.`): PolNeAR credits none of the 26 such lines in
    the folds' training documents. A headline states what someone said as a fragment (`Lynch: No outside
    influence on FBI probe`), so the first line is not asked."""
    if any(inside[start:end]):
        return True
    words = doc.char_span(start, end, alignment_mode="expand")
    return words is not None and any(t.tag_ in _FINITE or t.tag_ == "MD" for t in words)


def _names_someone(lead: "SpacySpan") -> bool:
    """A lead of several words speaks only where it names someone ("Harlow camp", "Finance Secretary",
    "NY Daily News", "Wash Post Fact-Check") or is a word for a speaker ("Insiders"); a headline's
    title-cased phrase that names no one ("Stealth Over Health: ...") is the headline's own words. (A
    transcript's turn in capitals, "JAKE TAPPER:", is a name the tagger seldom knows: never asked.)"""
    heads = L.ANONYMOUS_HEADS | L.PEOPLE_HEADS | L.MEDIA_WORDS | L.ORGANISATION_HEADS | L.DOCUMENT_HEADS
    return (any(t.ent_type_ in _NAMED_SOURCE_TYPES or t.lower_ in L.MEDIA_WORDS for t in lead)
            or lead.root.lemma_.lower() in heads or lead.root.lower_ in heads)


_POLLS = frozenset("poll survey study".split())


def in_polls(doc: "Doc", inside: bytearray) -> list[Found]:
    """`In a CBS News poll released Monday, she led by 24 points` and `Trump is ahead in the polls`:
    a finding stated in a poll, survey or study is attributed to it, as a finding cited from a
    report is."""
    out: list[Found] = []
    text = text_of(doc)
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
        trimmed = A.trim(text, content)
        if trimmed is not None and len(text[trimmed.start : trimmed.end].split()) >= MIN_PHRASE_WORDS:
            out.append(Found(content=trimmed, cue=Span(tok.idx, tok.idx + len(tok)), speaker=obj, act="finding"))
    return out


_STANDINGS = frozenset("lead ahead behind trail win beat edge fare better worse gain fall drop rise top second third fourth percent point".split())


def _standing(clause: "SpacySpan") -> bool:
    """A finding a poll can make: a standing or a figure (`leads by 5 points`), not `took part in a survey`."""
    return any(t.like_num or t.lemma_.lower() in _STANDINGS for t in clause)


_HEARSAY = frozenset("reportedly allegedly purportedly reputedly".split())


def hearsay(doc: "Doc", inside: bytearray) -> list[Found]:
    """`Khamenei has reportedly ordered an attack`: the clause rests on an unnamed report, not on its
    subject; the attribution names no source."""
    out: list[Found] = []
    for tok in doc:
        if tok.lower_ not in _HEARSAY or tok.pos_ != "ADV" or inside[tok.idx]:
            continue
        # What the adverb qualifies is its head's clause; a parse that makes the adverb the root
        # ("Reportedly, the ferry sank" read so) leaves it qualifying its own sentence.
        whole, sent = A.subtree_span(tok.head), tok.sent
        content = A.trim(doc.text, Span(max(whole.start, sent.start_char), min(whole.end, sent.end_char)))
        if content is not None and len(doc.text[content.start : content.end].split()) >= MIN_PHRASE_WORDS:
            out.append(Found(content=content, cue=Span(tok.idx, tok.idx + len(tok)), speaker=None, act="speech"))
    return out
