"""Pass 2 of quote extraction: the quotation marks.

A quotation that overlaps a content found by the cues widens it to the whole
quotation (the parser often cuts a long quote into sentences). Others are
attached to a cue verb left without a complement ("he said." after the
quote, "She said:" before it), to a colon (`Pat Caddell: "..."`, `He
released the following statement:` and the next paragraph), to a signature
(`"..." ― Jane Doe`), to the verb of saying right after them (even one the
model turned down), or join the previous quotation of the same speaker
(`"A," he said. "B."`, also as the next paragraph) unless another cue took
the second part (`"A," he said, adding later, "B."`). Quotations that find
no speaker are scare quotes or titles, and are dropped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from newsprism.model import Span
from newsprism.nlp import text_of
from newsprism.quotes.cues import cue_span, subject
from newsprism.quotes.found import CLAUSE_BREAKS, MIN_PHRASE_WORDS, Found
from newsprism.quotes.marks import Quoted, has_double_quote, is_title
from newsprism.verbs import ADDRESSEE

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan


_MAX_CONTINUATION_GAP = 250
_MAX_NAME_TOKENS = 5  # `Rep. Trey Gowdy (R-S.C.):` is a name; a longer lead is a sentence
_MAX_CUE_GAP = 110
_MAX_TAG_GAP = 60
# `"the whole game is screwed up" because "football has become soft"`: a link word between two quotations
_MAX_LINK_WORDS = 2
_NAME_GAP = re.compile(r"[\s\w.'’-]*")  # `" the 43-year-old asked`: words only, no clause break
# `"..." ― Jane Doe` closing a paragraph, or `- Jane Doe, in a tweet` as the next one: a quotation signed.
_SIGNATURE = re.compile(r"[ \t\u00a0]*+\n{0,2}+[ \t\u00a0]*+(?P<dash>\u2015|\u2014|\u2013|--?)[ \t\u00a0]*(?P<name>(?:[A-Z][\w.'’-]*[ \t\u00a0]+){0,4}[A-Z][\w'’-]+)\.?(?:,[^\n]*)?[ \t\u00a0]*(?:\n|$)")
# `"We will," she said`: a quotation that a following cue completes ends with one of these.
_QUOTE_END_PUNCT = frozenset(",?!")
_NEXT_SENTENCE = re.compile(r"[a-z]{3}[.?!]\s+[A-Z\"\u201c]")  # not after "Gov." or "Mr."
_ADJUNCTS = frozenset("prep npadvmod advmod punct dative tmod cc".split())


def attach_quotations(doc: "Doc", quoted: list[Quoted], found: list[Found], bare: list["Token"],
                       rejected: list["Token"]) -> list[Found]:
    text = text_of(doc)
    used_bare: set[int] = set()
    prev: Found | None = None
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


def _cue_after(text: str, q: Quoted, found: list[Found]) -> Found | None:
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


def _set_off(text: str, f: Found) -> bool:
    """`"A," Clinton responded, remarking that she is "looking for a team"`, `"B?" she said, but Kevin
    ...`: what follows the cue after a comma is an aside or another attribution, not what was said."""
    return f.cue is not None and text[f.cue.end : f.content.start + 1].lstrip()[:1] == ","


def _over_own_cue(text: str, q: Quoted, f: Found) -> bool:
    """`"I never said that," Trump said, after Quick said ...`: the parse ran the quotation's last
    sentence on over the verb of saying after it; what the verb says is the quotation."""
    return (f.speech and f.cue is not None and q.span.start <= f.content.start < q.span.end
            and 0 <= f.cue.start - q.outer.end <= _MAX_CUE_GAP and f.content.end > f.cue.end
            and text[q.span.end - 1] in _QUOTE_END_PUNCT and "\n" not in text[q.outer.end : f.cue.start])


def _runs_into(doc: "Doc", q: Quoted, found: list[Found]) -> Found | None:
    """`described families in the park, and a city of "honesty and straight talk."`: a content the
    parse closed early at a comma runs on into a quotation later in its sentence that nothing else says."""
    text = text_of(doc)
    start = doc.char_span(q.outer.start, q.outer.start + 1, alignment_mode="expand")
    if not start or len(text[q.span.start : q.span.end].split()) < MIN_PHRASE_WORDS:
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


def _claimed(f: Found, span: Span, found: list[Found]) -> bool:
    """Whether another cue took ``span`` as (part of) its own content: `"A," Trump said, adding
    later, "B."` or `"A," she said. "B" to drive up the price, she added.`"""
    return any(o is not f and o.cue is not None and o.content.overlaps(span) and not span.start <= o.cue.start < span.end
               for o in found)


def _overlapping(found: list[Found], q: Quoted) -> Found | None:
    """The attribution whose content covers most of the quotation."""
    best, best_overlap = None, 0
    for f in found:
        overlap = min(f.content.end, q.span.end) - max(f.content.start, q.span.start)
        if overlap > best_overlap:
            best, best_overlap = f, overlap
    return best


def _bare_cue(text: str, q: Quoted, bare: list["Token"], used: set[int]) -> Found | None:
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
    return Found(content=_lead_clause(best.doc, best.idx + len(best), q), cue=cue_span(best), speaker=subject(best))


def _speech_tag(text: str, q: Quoted, verbs: list["Token"], used: set[int]) -> Found | None:
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
        speaker = subject(v) or _gap_name(gap)
        if speaker is None:
            continue
        used.add(v.i)
        return Found(content=q.span, cue=cue_span(v), speaker=speaker, speech=True)
    return None


def _gap_name(words: "SpacySpan | None") -> "Token | None":
    """`" the 43-year-old asked`: the phrase between a quotation and its verb, when the parse did not
    make it the verb's subject."""
    if words is None or not len(words):
        return None
    root = words.root
    return root if root.pos_ in ("PROPN", "NOUN", "PRON", "ADJ") else None


def _lead_clause(doc: "Doc", cue_end: int, q: Quoted) -> Span:
    """What a cue before a quotation says: the quotation, or where a clause leads into it
    (`says the plan is "dead on arrival"`) that clause, from its "that" or its first word."""
    text = text_of(doc)
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


def _argument_start(doc: "Doc", cue_end: int, words: "SpacySpan") -> int | None:
    """Where the cue's own argument starts between it and a quotation, if one does: not who was
    told (`told reporters "..."`) nor when or where it was said (`said Thursday on CNN "..."`)."""
    cue = doc.char_span(cue_end - 1, cue_end, alignment_mode="expand")
    if cue is None or cue[0].lemma_.lower() in ADDRESSEE:
        return None
    if any(t.is_sent_end or t.text in (".", "?", "!") for t in words):
        return None  # `he said Ryan. "I would say ..."`: the quotation starts a sentence of its own
    for t in words:
        scope = [t, *(a for a in t.ancestors if a.i >= words.start)]
        if any(a.dep_ in _ADJUNCTS for a in scope):
            continue
        return t.idx if t.pos_ in ("NOUN", "PROPN", "PRON", "DET", "ADJ", "NUM") else None
    return None


def _colon_cue(doc: "Doc", text: str, q: Quoted, found: list[Found]) -> Found | None:
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
        head = subject(lead.root) or head
    if head.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    return Found(content=q.span, cue=Span(i, i + 1), speaker=head)


def _announces(doc: "Doc", lead: Span) -> bool:
    """ "the following statement", "a new campaign message" before a colon: a noun phrase that
    only announces the quotation after it."""
    span = doc.char_span(lead.start, lead.end, alignment_mode="expand")
    return span is not None and len(span) > 0 and span.root.pos_ in ("NOUN", "PROPN", "PRON")


def _signature(doc: "Doc", text: str, q: Quoted) -> Found | None:
    """`"..." ― Jane Doe` as a paragraph of its own: the name after the dash signs the quotation."""
    if q.outer.start > 0 and text[q.outer.start - 1] != "\n":
        return None
    m = _SIGNATURE.match(text, q.outer.end)
    if m is None:
        return None
    name = doc.char_span(m.start("name"), m.end("name"), alignment_mode="contract")
    if name is None or not len(name):
        return None
    return Found(content=q.span, cue=Span(m.start("dash"), m.end("dash")), speaker=name[-1])


def _continues(text: str, q: Quoted, owner: Found) -> bool:
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
    return i < 0 or text[i] in CLAUSE_BREAKS


def _next_paragraph(text: str, q: Quoted, owner: Found) -> bool:
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
