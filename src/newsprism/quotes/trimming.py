"""Where each content ends: the trimming passes of quote extraction.

Contents stay inside their cue's paragraph; contents that run over a later
cue and its quotation, or past a quotation into a new clause, are cut back;
a quotation that closes mid-phrase runs on to the phrase's end; a reported
content ends before a trailing circumstance of its cue or a comment on it,
and any content before a closing `, according to X`. Of nested or
overlapping contents the outermost cue's is kept; a reported content that is
only its own source ("by The New York Times") is dropped, and a statement
at the head of a paragraph starts after its dateline.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from newsprism.model import Span, Speaker
from newsprism.nlp import text_of
from newsprism.quotes import attribution as A
from newsprism.quotes.found import MIN_PHRASE_WORDS, Found
from newsprism.quotes.marks import Quoted, has_double_quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan


# "WASHINGTON (AP) — ", "CAMBRIDGE, Mass., Dec. 11 (UPI) — ", "Paris (AFP) – ", "LONDON (Reuters) - " at a
# paragraph's start (a hyphen set apart by spaces is a dash).
_DATELINE = re.compile(r"(?:[A-Z]{3,}[A-Za-z .,'’-]{0,50}?|[A-Z][A-Za-z .,'’-]{0,50}?\([A-Za-z .]{2,30}\))(?:\s*(?:—|–|--)|[ \t]-(?=[ \t]))\s*")
_CLAUSE_LINKS = frozenset("but while though although whereas".split())
# Prepositions of a cue's circumstances: `for`, `as`, `with` and the like often belong to what was
# said (`criticized him for ...`, `described himself as ...`), and `in`, `on`, `at` only say when
# or where it was said with a date or a medium (`in a statement`, `on Friday`; not `in the race`).
_CIRCUMSTANCE = frozenset("during since after before amid throughout".split())
_ASIDE_MARKS = frozenset({",", ";", "\u2014", "\u2013", "--"})
_WHEN_WHERE = frozenset("in on at".split())
_MEDIA = frozenset("""statement interview tweet remark speech debate ruling letter email post appearance rally
    forum hearing conference briefing television tv video show program book memoir article column report message
    filing opinion decision testimony address broadcast podcast episode segment call""".split())


def clip_to_paragraphs(found: list[Found], paragraphs: list[Span]) -> None:
    """Keep each content inside its cue's paragraph: the parser's sentences may run across them."""
    starts = [p.start for p in paragraphs]
    for f in found:
        anchor = f.cue.start if f.cue is not None else f.content.start
        k = bisect.bisect_right(starts, anchor) - 1
        if k < 0:
            continue
        para = paragraphs[k]
        f.content = Span(max(f.content.start, para.start), max(min(f.content.end, para.end), f.content.start, para.start))


def after_dateline(text: str, content: Span) -> Span:
    """A statement at the head of a paragraph starts after the dateline the parse ran into it."""
    if content.start > 0 and text[content.start - 1] != "\n":
        return content
    m = _DATELINE.match(text, content.start, content.end)
    return Span(m.end(), content.end) if m and m.end() < content.end else content


def only_its_source(text: str, content: Span, speaker: Speaker | None) -> bool:
    """ "as reported by The New York Times": a reported content that is its own source and a word or
    two says nothing. (A longer one may hold its source: `The plan, he said, is dead`.)"""
    if speaker is None or speaker.start is None or speaker.end is None or not content.start <= speaker.start < speaker.end <= content.end:
        return False
    rest = text[content.start : speaker.start] + " " + text[speaker.end : content.end]
    return sum(any(c.isalnum() for c in w) for w in rest.split()) <= MIN_PHRASE_WORDS


def split_parts(text: str, content: Span, quoted: list[Quoted]) -> list[Span]:
    """The quoted pieces of a direct quote split by its cue, marks included; [] for one piece.

    `"A," he said after a long speech. "B."` is one statement in two parts; a
    content that starts inside a quotation and holds several is cut back to
    the quotations, without the cue between them.
    """
    inside = [p for q in quoted for p in q.parts if content.start <= p.start and p.end <= content.end + 1]
    if len(inside) < 2 or inside[0].start > content.start + 1:
        return []
    return [Span(max(0, p.start - 1), min(len(text), p.end + 1)) for p in inside]


def clip_at_inner_cues(text: str, found: list[Found]) -> None:
    """`sent out a call, asking supporters to "donate $3 now"`: a content that runs over a later cue
    and its quotation ends before that cue, which says the quotation."""
    for o in found:
        inner = [f for f in found if f is not o and f.cue is not None and o.content.start < f.cue.start
                 and f.cue.end <= f.content.start and f.content.end <= o.content.end + 2
                 and has_double_quote(text[f.content.start - 1 : f.content.end + 1])]
        if inner and (o.cue is None or o.cue.start < o.content.start):
            cut = min(f.cue.start for f in inner if f.cue is not None)
            # `offered to resolve the war and said, "..."`: the conjunction before the cue goes with it
            head = _without_trailing_links(text[o.content.start : cut])
            o.content = A.trim(text, Span(o.content.start, o.content.start + len(head))) or o.content


_LINKS = ("and", "or", "but", "then")
_SEPARATORS = re.compile(r"[\s,;]+")


def _without_trailing_links(s: str) -> str:
    """ "offered to end the strike and " -> "offered to end the strike": the links (with the spaces,
    commas and semicolons around them) that end ``s``; ``s`` itself when it ends with no link."""

    backwards = s[::-1]  # the separators before a position are a match at its mirror: linear, however long

    def before_separators(end: int) -> int:
        m = _SEPARATORS.match(backwards, len(s) - end)
        return end - (m.end() - m.start()) if m else end

    end, cut = before_separators(len(s)), None
    while True:
        word = next((w for w in _LINKS if s.endswith(w, 0, end)), None)
        if word is None or end - len(word) < 1 or before_separators(end - len(word)) == end - len(word):
            break
        end = cut = before_separators(end - len(word))
    return s if cut is None else s[:cut]


def clip_after_quotations(doc: "Doc", quoted: list[Quoted], found: list[Found]) -> None:
    """`is promising lower taxes and "jobs, jobs," but he has also ...`: a content that runs on past a
    quotation into a new clause with its own subject ends with the quotation."""
    for f in found:
        for q in quoted:
            if not (f.content.start < q.outer.start and q.outer.end < f.content.end):
                continue
            rest = doc.char_span(q.outer.end, f.content.end, alignment_mode="contract")
            toks = [t for t in rest if not t.is_punct] if rest is not None else []
            if _new_clause(toks) or _aside(rest, text_of(doc)[q.span.end - 1] == ","):
                f.content = Span(f.content.start, q.outer.end)
                break


def clip_quoted_source(text: str, quoted: list[Quoted], found: list[Found]) -> None:
    """`"A," notes "The New York Times."`: a source the writer put in quotation marks after the cue
    is who says it, not a second part of what is said; the content ends before the cue."""
    for f in found:
        if f.cue is None or f.speaker is None or f.cue.start <= f.content.start:
            continue
        if any(q.span.start <= f.speaker.idx < q.span.end and f.content.end <= q.outer.end for q in quoted):
            f.content = A.trim(text, Span(f.content.start, f.cue.start)) or f.content


def _new_clause(toks: list["Token"]) -> bool:
    """`... "jobs, jobs," but he has also ...`: a link and a subject of its own."""
    return len(toks) >= 2 and toks[0].lower_ in _CLAUSE_LINKS and toks[1].dep_ in ("nsubj", "nsubjpass")


def _aside(rest: "SpacySpan | None", comma_inside: bool) -> bool:
    """`... "should be wrapped up," referring to the convention`, `... "baby," which ...` or `... "racist,"
    an extraordinary rebuke`: after a comma or dash, a participle, a relative clause or an apposition
    comments on the statement; it is not part of it."""
    if rest is None or len(rest) < 2 or has_double_quote(rest.text):
        return False  # `called him a "nasty guy," an "anchor baby" and "sick"`: a list of quotations goes on
    first = rest[0] if comma_inside else rest[1] if rest[0].text in (",", "\u2014", "\u2013", "--") else None
    return first is not None and (first.tag_ == "VBG" or first.lower_ in ("which", "who")
                                  or (first.dep_ == "det" and first.head.dep_ == "appos"))


def finish_phrases(doc: "Doc", quoted: list[Quoted], found: list[Found]) -> None:
    """`said CNN's business "is so much broader" than television ratings`: a quotation that closes
    mid-phrase leaves the content open; it runs on to where the phrase ends."""
    text = text_of(doc)
    ends = {q.span.end: q for q in quoted}
    for f in found:
        q = ends.get(f.content.end)
        if q is None:
            continue
        close = q.outer.end + text.startswith(("'", "\u2019"), q.outer.end)  # the second mark of ''...''
        if (not text[q.span.end - 1].isalnum() or len(text[q.span.start : q.span.end].split()) < MIN_PHRASE_WORDS
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


def cut_adjuncts(doc: "Doc", found: list[Found], inside: bytearray) -> None:
    """`attacked Machado in early-morning tweets`, `wants to sign up 5 million people, focusing on
    people under 30`, `the reality of climate change, which makes him an outlier`: a reported content
    ends before a trailing phrase that says when or where the cue happened, or comments on
    the content; the content is what was said, believed or wanted (PolNeAR's rule). Any content,
    a mixed quote's too, ends before a trailing `, according to X` outside the quotation marks:
    that names who reported the statement, and is an attribution of its own."""
    text = text_of(doc)
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


def _according_tail(span: "SpacySpan", inside: bytearray) -> int | None:
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


def _trailing_adjunct(span: "SpacySpan", cue: "Token") -> int | None:
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


def _turns(toks: "SpacySpan") -> bool:
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


def dedupe(found: list[Found]) -> list[Found]:
    """One attribution per content: when contents nest or overlap, keep the outermost cue; of two
    with the same content, the one whose cue stands outside it (`The plan, according to the memo,
    would cost $5m, the mayor said`: the mayor said it)."""
    out: list[Found] = []
    for f in sorted(found, key=lambda f: (f.content.start, -f.content.end, f.cue is not None and f.content.start <= f.cue.start < f.content.end)):
        dup = next((o for o in out if o.content.start <= f.content.start and f.content.end <= o.content.end
                    and (len(f.content) > 0.8 * len(o.content))), None)
        if dup is None:
            out.append(f)
    return out
