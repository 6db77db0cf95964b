"""Per-stretch provenance: which stretches of an article rest on someone other than the outlet.

Each attribution the quotes stage finds (a statement, a belief or stance, an intention
or demand, a finding) credits one stretch: its source, its cue and what it attributes,
taken whole ("X said that Y", as PolNeAR's annotators mark it). Everything else is the
outlet's own voice: an article's frequent source is never carried onto sentences that
attribute nothing, and a continuation counts only where the text signals it (the rest
of a quotation, or a new cue: "the report said ... It added").

A stretch inside what another attributes came through it: "According to the Times, two
officials confirmed X" rests on the officials, via the Times. An outlet the source spoke
to ("a source ... tells the Times"), that quoted it ("officials quoted by the Times") or
that it cites ("according to the Times, citing Iranian media") joins the chain.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsprism.model import Article, Quote, Span, Speaker, Stretch
from newsprism.verbs import forms

# A speaker mention this far from what it says (a resolved name elsewhere) is not part of the stretch.
_NEAR = 150
_NAME = r"((?:the[ \t]+)?[A-Z][\w'’&-]{0,40}(?:\.(?=[A-Za-z]))?[\w'’&-]{0,40}(?:[ \t]{1,3}(?:of[ \t]{1,3})?[A-Z][\w'’&-]{0,40}){0,5})"
# "... tells the Times", "told NBC News": the outlet the source spoke to.
_TOLD = re.compile(r"\s{0,3}" + _NAME)
# "officials quoted by The New York Times", "according to the Times, citing Iranian media".
_QUOTED_BY = re.compile(r"\s{1,3}quoted\s{1,3}by\s{1,3}" + _NAME)
_CITING = re.compile(r",[ \t]{0,3}citing[ \t]{1,3}((?:the[ \t]+)?[\w.'’&-]{1,40}(?:[ \t]{1,3}[\w.'’&-]{1,40}){0,11}?)(?=[ \t]{0,3}(?:[,.;:]|$))")
_TELL = forms("tell")
# Acts after which the source is who says or finds it; beliefs, stances and intentions have the
# one who holds them for their subject, so the sentence rests on whoever reports them.
SOURCE_ACTS = frozenset({"speech", "finding"})


def is_source(speaker: Speaker | None) -> bool:
    """Whether a speaker can be who says something: someone, a body, an outlet, or an unnamed report
    (None); not a thing ("This visit highlights ...")."""
    return speaker is None or speaker.can_speak


@dataclass
class _Attribution:
    start: int
    end: int
    quote: Quote
    source: Speaker | None
    own_via: list[str]  # outlets named with the source itself (told, quoted by, citing)


def _media(name: str) -> bool:
    from newsprism.extract.outlets import canonical_outlet
    from newsprism.quotes.lexicon import MEDIA_WORDS

    words = {w.strip(".,'’").lower() for w in name.split()}
    return canonical_outlet(name) is not None or bool(words & MEDIA_WORDS)


@dataclass
class _Outlets:
    """The outlets an article may mean by a short form: the story's, and those it named in full."""

    names: list[str]  # the story's outlets' display names
    context: list[str]  # outlet ids named in the article

    def display(self, name: str) -> str:
        """The outlet's display name; "the Times" is the outlet the article named in full."""
        return self.find(name) or re.sub(r"^the\s+", "", name.strip(), flags=re.I).rstrip(".,")

    def find(self, name: str) -> str | None:
        """The display name of the outlet ``name`` names, if it names one."""
        from newsprism.extract.outlets import find_outlet_mentions, outlet_identity, outlet_info

        cleaned = re.sub(r"^the\s+", "", name.strip(), flags=re.I).rstrip(".,")
        phrase = name if name[:4].lower() == "the " else f"the {cleaned}"
        hits = [h for h in find_outlet_mentions(phrase, outlets=self.names, context=self.context) if h[1] - h[0] >= len(cleaned) - 1]
        if not hits:
            return None
        oid = hits[0][2]
        story = next((n for n in self.names if outlet_identity(n)[0] == oid), None)
        info = outlet_info(oid)
        return story or (info.display if info else outlet_identity(cleaned)[1])


def _attribution(article: Article, q: Quote, outlets: _Outlets) -> _Attribution:
    text = article.text
    start, end = q.content.start, q.content.end
    if q.cue is not None:
        start, end = min(start, q.cue.start), max(end, q.cue.end)
    source = q.speaker
    if source is not None and not source.name.strip():
        source = None
    # The source's whole phrase where the article names it beside the cue, else its mention if near.
    phrase = q.source_phrase or (Span(source.start, source.end) if source is not None and source.start is not None
                                 and source.end is not None else None)
    if source is not None and phrase is not None:
        gap = max(phrase.start - end, start - phrase.end, 0)
        if gap <= _NEAR and "\n" not in text[min(phrase.end, start) : max(phrase.start, end)]:
            start, end = min(start, phrase.start), max(end, phrase.end)
    via: list[str] = []
    if source is not None and source.end is not None:
        after = text[source.end : source.end + 200]
        m = _QUOTED_BY.match(after)
        if m and _media(m.group(1)):
            via.append(outlets.display(m.group(1)))
    if q.cue is not None and text[q.cue.start : q.cue.end].split()[-1:] and text[q.cue.start : q.cue.end].split()[-1].lower() in _TELL:
        m = _TOLD.match(text, q.cue.end, min(len(text), q.cue.end + 120))
        if m and _media(m.group(1)):
            via.append(outlets.display(m.group(1)))
    if source is not None and source.kind == "media":
        source = Speaker(source.start, source.end, source.text, outlets.display(source.name), "media")
    elif source is not None and (source.kind in ("organisation", "unknown") or source.text[:4].lower() == "the ") and (
            outlet := outlets.find(source.text)):
        source = Speaker(source.start, source.end, source.text, outlet, "media")  # "the Bay Chronicle reported"
    if source is not None and source.kind == "media" and source.end is not None:
        line_end = text.find("\n", source.end)
        m = _CITING.search(text, source.end, min(source.end + 250, len(text) if line_end < 0 else line_end))
        if m:
            upstream = m.group(1).rstrip(".,;:")
            via.append(source.name)
            kind = "media" if _media(upstream) else "anonymous"
            name = outlets.display(upstream) if kind == "media" else upstream
            source = Speaker(m.start(1), m.start(1) + len(upstream), upstream, name, "media" if kind == "media" else "anonymous")
            end = max(end, source.end or end)
    mention = (q.speaker.start, q.speaker.end) if q.speaker is not None else None
    if source is not None and phrase is not None and source.start is not None and source.end is not None \
            and (source.start, source.end) == mention and phrase.start <= source.start and source.end <= phrase.end:
        # The source as the article names it: its whole phrase ("the results of the latest Quinnipiac poll",
        # "Paul Krugman of the New York Times"), not the head word alone; the name stays the resolved one.
        # A pronoun keeps its mention: "we, languishing here" would read as a thing that cannot speak.
        words = text[phrase.start : phrase.end].rstrip(" ,;:")  # "The mayor of Ashford, Daniel Osei," said
        whole = Speaker(phrase.start, phrase.start + len(words), words, source.name, source.kind)
        source = whole if whole.can_speak == source.can_speak else source
    return _Attribution(start, end, q, source, via)


def credited(stretches: Sequence[Stretch], articles: Sequence[Article]) -> list[Stretch]:
    """The stretches the brief lists as credited to a source.

    Not a mention of no one ("This visit highlights", "the two countries concluded": ``is_source``),
    nor a headline's stance ("Iran seeks Russian missile aid" is the outlet's account of what its
    subject wants; in a headline only speech or a finding credits anyone). Such stretches stay in
    the JSON and in ``newsprism provenance``: PolNeAR marks most of them as attributions (dropping
    the stances of untyped mentions cost 3 points of attributed recall over five folds, dropping
    headline stances 0.2 in every fold). No claim rests on them and the graph has no node for them.
    """
    from newsprism.quotes.extract import in_headline

    by_id = {a.id: a for a in articles}
    return [st for st in stretches if is_source(st.source) and not (
        st.act not in SOURCE_ACTS and st.article in by_id and in_headline(by_id[st.article], Span(st.start, st.end)))]


def article_stretches(article: Article, quotes: list[Quote], outlets: Sequence[str] = ()) -> list[Stretch]:
    """One stretch per attribution of the article, in text order, each with the chain it came
    through (the sources of the attributions whose content holds it, outermost first)."""
    from newsprism.extract.outlets import find_outlet_mentions

    names = sorted({*outlets, *([article.outlet] if article.outlet else [])})
    # "the Times" after "The New York Times"
    context = list(dict.fromkeys(oid for _, _, oid in find_outlet_mentions(article.text, outlets=names)))
    outlets_of = _Outlets(names, context)
    atts = [_attribution(article, q, outlets_of) for q in quotes]
    own_names = {article.outlet, outlets_of.find(article.outlet)} - {None} if article.outlet else set()
    out = []
    for a in atts:
        enclosing = sorted(
            (o for o in atts if o is not a and o.quote.content.start <= a.start and a.end <= o.quote.content.end
             and (o.quote.content.end - o.quote.content.start) > (a.end - a.start)),
            key=lambda o: o.start - o.end,
        )
        via = []
        for o in enclosing:
            for name in ([o.source.name] if o.source is not None else []) + o.own_via:
                if name not in via:
                    via.append(name)
        for name in a.own_via:
            if name not in via:
                via.append(name)
        # "Osei told the Pinecrest Post", in the Pinecrest Post: its own reporting, no outlet between.
        via = [name for name in via if name not in own_names]
        out.append(Stretch(article.id, a.start, a.end, a.source, via, a.quote.act, a.quote.cue))
    return sorted(out, key=lambda s: (s.start, -s.end))


ACT_LABELS = {"speech": "statement", "belief": "belief or stance", "intention": "intention or demand", "finding": "finding"}


def flatten(stretches: list[Stretch]) -> list[Stretch]:
    """Non-overlapping pieces: each character credited to the innermost stretch that covers it."""
    if not stretches:
        return []
    lo = min(s.start for s in stretches)
    hi = max(s.end for s in stretches)
    owner: list[int] = [-1] * (hi - lo)
    # Larger first, so a smaller (inner) stretch overwrites it where it takes over (``_takes_over``).
    for k in sorted(range(len(stretches)), key=lambda k: stretches[k].start - stretches[k].end):
        s = stretches[k]
        for i in range(s.start - lo, s.end - lo):
            if owner[i] < 0 or _takes_over(s, stretches[owner[i]]):
                owner[i] = k
    out: list[Stretch] = []
    i = 0
    while i < len(owner):
        k = owner[i]
        j = i
        while j < len(owner) and owner[j] == k:
            j += 1
        if k >= 0:
            s = stretches[k]
            out.append(Stretch(s.article, lo + i, lo + j, s.source, s.via, s.act, s.cue))
        i = j
    return out


def _takes_over(inner: Stretch, outer: Stretch) -> bool:
    """Whether a stretch inside another is credited with its characters. A belief, stance or intention
    inside what a source says stays that source's ("the Times reported that Iran wants ..."); so does
    an attribution that names no one who can speak ("reportedly", "this visit highlights") inside one
    that names its source ("according to the Times, Iran has reportedly asked ...")."""
    if inner.act not in SOURCE_ACTS and outer.act in SOURCE_ACTS:
        return False
    return outer.source is None or (inner.source is not None and inner.source.can_speak)


def stretch_row(article_id: str, stretches: list[Stretch]) -> dict[str, object]:
    """The JSONL line of one article (`newsprism provenance`): its flattened stretches."""
    spans = []
    for s in flatten(stretches):
        src = s.source
        source: dict[str, object] | None = None
        if src is not None:
            # A source with no mention of its own (start None) is given by name only.
            source = {"start": src.start, "end": src.end} if src.start is not None and src.end is not None else {}
            source.update(text=src.text, name=src.name, kind=src.kind)
        spans.append({"start": s.start, "end": s.end, "source": source, "via": s.via, "act": s.act})
    return {"id": article_id, "spans": spans}

