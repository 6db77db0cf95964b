"""Attribution per sentence: which outlet a sentence rests on, and whom that outlet cites.

Two layers per sentence. The *reporter* is the outlet the sentence credits
("according to the Times", "The New York Times reported", "as reported by X",
"X highlighted", "notes X", "a source ... tells the Times", "Iranian media
reported", "according to the newspaper"): any other outlet named in the
sentence, or a generic "Iranian state media", or "the newspaper" pointing back
to the last outlet the article named. The *informants* are the people and
groups the fact comes from: quote speakers (from the quotes stage), "citing
two engineers", "officials quoted by X", "confirmed by two officials", and
further outlets cited by the first ("according to the Times, citing Iranian
media"). With no reporter, the informants spoke to the article's own outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsprism.extract.outlets import find_outlet_mentions, outlet_identity
from newsprism.model import Article, Quote, Relation, Speaker
from newsprism.provenance.sources import Source, generic_source, group_source, media_source, speaker_source
from newsprism.verbs import RELAYS, forms

# A verb that passes a fact on from its source ("reported", "citing"), or "according to", "quoted by".
_CUE_FORMS = frozenset(f for v in RELAYS for f in forms(v))
_CUE_PHRASES = re.compile(r"\b(?:according to|quoted by)\b", re.I)
_WORDS = re.compile(r"[a-z]+", re.I)
_GENERIC_MEDIA = re.compile(
    r"\b(?:[A-Z][a-z]+\s+)?(?:state\s+|official\s+|local\s+)?(?:media|television|TV|news agency|news site)\b"
)
_ANAPHOR = re.compile(r"\b(?:the|that) (?:newspaper|paper|outlet|broadcaster|report|daily|agency)\b", re.I)
# Bounded runs keep these linear on a text of one endless word or space (no phrase is longer).
_CITING = re.compile(r"\bciting\s{1,10}([^,.;:]{1,200}?)(?=\s{0,10}(?:[,.;:]|$|\s(?:who|that|and|as|on)\b))", re.I)
_QUOTED_BY = re.compile(r"\bquoted by\b")
# The one or two words before "quoted by", read backwards from it: "Iranian officials quoted by".
_QUOTED_WHO = re.compile(r"\s{1,10}([\w-]{1,40})(?:\s{1,10}([\w-]{0,40}[A-Z]))?")
_CONFIRMED_BY = re.compile(r"\bconfirmed by\s{1,10}([^,.;:]{1,200}?)(?=\s{0,10}(?:[,.;:]|$|\s(?:who|that|and)\b))", re.I)
# Quote cues that are about citing, not speaking: the quotes stage reads
# "according to X" as X speaking, which this module already handles as a reporter.
_CITING_CUES = frozenset({"according to", "citing", "cited", "as reported by", "reported by"})
# Characters between "The mayor" and "Daniel Osei" in "The mayor of Ashford, Daniel Osei, said".
APPOSITION_GAP = 30
# Paragraph kinds whose sentences can credit a source (a subtitle often names the original report).
ATTRIBUTED_KINDS = frozenset({"body", "subtitle"})


@dataclass
class SentenceAttribution:
    article: str
    start: int
    end: int
    paragraph: int
    reporter: Source | None  # an outlet other than the article's own
    informants: list[tuple[Source, Relation]] = field(default_factory=list)  # (source, relation)


def own_outlet_id(article: Article) -> str | None:
    if article.outlet_id:
        return article.outlet_id
    return outlet_identity(article.outlet)[0] if article.outlet else None


def _phrase_source(phrase: str, outlets: list[str]) -> Source:
    hits = find_outlet_mentions(phrase, outlets=outlets)
    if hits:
        return media_source(phrase[hits[0][0] : hits[0][1]], known_id=hits[0][2], display=_display(hits[0][2], outlets))
    if _GENERIC_MEDIA.search(phrase):
        return generic_source(phrase)
    return group_source(phrase)


def _display(outlet_id: str, outlets: list[str]) -> str:
    """The display name of an outlet: the corpus spelling when it is a story outlet."""
    for name in outlets:
        if outlet_identity(name)[0] == outlet_id:
            return name
    from newsprism.extract.outlets import outlet_info

    info = outlet_info(outlet_id)
    return info.display if info else outlet_id


def _named_apposition(article: Article, speaker: Speaker) -> str | None:
    """ "The mayor of Ashford, Daniel Osei, said": the PERSON right after an unresolved description."""
    if speaker.end is None:
        return None
    for m in article.mentions:
        gap = article.text[speaker.end : m.start]
        if m.label == "PERSON" and 0 <= len(gap) <= APPOSITION_GAP and gap.rstrip().endswith(","):
            return m.text
    return None


def _quote_informants(
    article: Article, quotes: list[Quote], start: int, end: int, outlets: list[str], context: list[str]
) -> list[tuple[Source, Relation]]:
    out: list[tuple[Source, Relation]] = []
    for q in quotes:
        sp = q.speaker
        # Whom a sentence is about is not whom it rests on: beliefs, stances and intentions have
        # their holder for their subject ("Moscow has been distancing itself").
        if sp is None or (not q.statement and q.act != "finding") or not (q.content.start < end and start < q.content.end):
            continue
        cue = article.text[q.cue.start : q.cue.end].casefold() if q.cue else ""
        if cue in _CITING_CUES:
            continue
        if sp.kind == "media":
            if _ANAPHOR.fullmatch(sp.text.strip()):
                continue
            # Short forms resolve only after "the": the quotes stage may have dropped it.
            phrase = sp.text if sp.text[:4].casefold() == "the " else f"the {sp.text}"
            hits = find_outlet_mentions(phrase, outlets=outlets, context=context)
            src = (
                media_source(sp.text, known_id=hits[0][2], display=_display(hits[0][2], outlets))
                if hits
                else speaker_source(sp.name, sp.kind)
            )
        elif sp.kind == "unknown":
            name = _named_apposition(article, sp)
            src = speaker_source(name, "person") if name else None
        else:
            src = speaker_source(sp.name, sp.kind)
        if src is not None:
            out.append((src, "quotes"))
    return out


def _quoted_by(text: str) -> list[str]:
    """Who is "quoted by" an outlet: the word before it, with a capitalised word before that."""
    out = []
    for m in _QUOTED_BY.finditer(text):
        window = text[max(0, m.start() - 100) : m.start()][::-1]
        w = _QUOTED_WHO.match(window)
        if w is not None:
            out.append(" ".join(g[::-1] for g in (w.group(2), w.group(1)) if g))
    return out


def attribute_article(article: Article, quotes: list[Quote], outlets: list[str]) -> list[SentenceAttribution]:
    """The attribution of every body sentence that has one, in text order."""
    own = own_outlet_id(article)
    # Outlets the article has named so far: "the Times" later on means the one named earlier.
    context = [own] if own else []
    last_reporter: Source | None = None
    out: list[SentenceAttribution] = []
    for s in article.sentences:
        if article.paragraphs[s.paragraph].kind not in ATTRIBUTED_KINDS:
            continue
        text = article.text[s.start : s.end]
        hits = find_outlet_mentions(text, outlets=outlets, context=context)
        context.extend(oid for _, _, oid in hits if oid not in context)
        media = [
            media_source(text[a:b], known_id=oid, display=_display(oid, outlets)) for a, b, oid in hits if oid != own
        ]
        has_cue = bool(_CUE_PHRASES.search(text)) or any(w.lower() in _CUE_FORMS for w in _WORDS.findall(text))
        if not media and has_cue:
            generic = _GENERIC_MEDIA.search(text)
            if generic:
                media = [generic_source(generic.group(0))]
            elif last_reporter is not None and _ANAPHOR.search(text):
                media = [last_reporter]
        media = list({m.id: m for m in media}.values())
        informants: list[tuple[Source, Relation]] = [(m, "cites") for m in media[1:]]
        informants += [(_phrase_source(m.group(1), outlets), "cites") for m in _CITING.finditer(text)]
        informants += [(group_source(who), "quotes") for who in _quoted_by(text)]
        informants += [(_phrase_source(m.group(1), outlets), "cites") for m in _CONFIRMED_BY.finditer(text)]
        informants += _quote_informants(article, quotes, s.start, s.end, outlets, context)
        reporter = media[0] if media else None
        if reporter is None:
            # A media speaker with no outlet named ("Iranian media reported that ...") is the reporter.
            spoken = [src for src, _ in informants if src.kind in ("media", "syndicate")]
            reporter = spoken[0] if spoken else None
        seen = {reporter.id} if reporter else set()
        uniq: list[tuple[Source, Relation]] = []
        for src, rel in informants:
            if src.id not in seen and src.id != f"media:{own}":
                seen.add(src.id)
                uniq.append((src, rel))
        if reporter is None and not uniq:
            continue
        if reporter is not None:
            last_reporter = reporter
        out.append(SentenceAttribution(article.id, s.start, s.end, s.paragraph, reporter, uniq))
    return out
