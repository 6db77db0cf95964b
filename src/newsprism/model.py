"""The data model every stage reads and writes.

Stages are pure functions over lists of these dataclasses. Every piece of
evidence is a character span into ``Article.text``, so a claim, a quote or a
conflict can always be traced back to the exact words an outlet printed.

Field names match the JSON schema in the README: ``newsprism.report.jsonout``
serialises these objects with :func:`to_jsonable`, leaving out fields whose
metadata says ``json=False``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal


def _internal(default: Any = None, factory: Any = None) -> Any:
    """A field kept in memory but not written to JSON."""
    if factory is not None:
        return field(default_factory=factory, metadata={"json": False})
    return field(default=default, metadata={"json": False})


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def text(self, source: str) -> str:
        return source[self.start : self.end]

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return self.end - self.start


ParagraphKind = Literal["title", "subtitle", "byline", "dateline", "body", "note"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int
    kind: ParagraphKind = "body"


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index into Article.paragraphs


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention inside one article."""

    start: int
    end: int
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, LOC, FAC, EVENT, ...


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where an article came from, for warnings and provenance."""

    path: str
    line: int | None = None  # 1-based line for JSONL, record number for WARC/feeds


@dataclass
class Article:
    id: str
    text: str
    title: str | None = None
    outlet: str | None = None  # display name, e.g. "The New York Times"
    outlet_id: str | None = None  # canonical key shared by all spellings, e.g. "nytimes"
    url: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as precise as known
    byline: list[str] = field(default_factory=list)
    # The syndicate or wire the text says it came from ("Jewish News Syndicate"),
    # or, after dedup, the id of the original article when that is in the corpus.
    syndicated_from: str | None = None
    duplicate_of: str | None = None  # id of an identical/near-identical article
    story: str | None = None
    # field name -> evidence span for metadata inferred from the text
    inferred: dict[str, Span] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # unknown input fields, kept
    source: SourceRef | None = None
    paragraphs: list[Paragraph] = _internal(factory=list)
    sentences: list[Sentence] = _internal(factory=list)
    mentions: list[Mention] = _internal(factory=list)

    def span_text(self, span: Span | Sentence | Paragraph | Mention) -> str:
        return self.text[span.start : span.end]

    def body_sentences(self) -> list[Sentence]:
        return [s for s in self.sentences if self.paragraphs[s.paragraph].kind == "body"]

    @property
    def label(self) -> str:
        """How reports name the article's outlet; an unnamed one by its article id, so two stay apart."""
        return self.outlet or self.outlet_id or f"unnamed outlet ({self.id})"

    @property
    def published_day(self) -> datetime.date | None:
        """The calendar day of ``published``, or None (``day_of``)."""
        return day_of(self.published)


def day_of(published: str | None) -> datetime.date | None:
    """The calendar day of a ``published`` value (the one way every stage reads it), or None."""
    try:
        return datetime.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def outlet_key(a: Article) -> str | None:
    """The outlet an article counts for, or None where its outlet is not known: such an article may
    be from one of the story's named outlets or share one with another, so no count of outlets
    (a story's, a claim's) counts it as an outlet of its own."""
    return a.outlet_id or a.outlet or None


def outlets_of(arts: Iterable[Article]) -> tuple[list[str], list[str]]:
    """(the outlets named, each by its first label; the ids of the articles whose outlet is not
    known), each once, in order, by ``outlet_key``: what a story's or a claim's "outlets" and
    "outlet_not_known" list. "BBC News" and "BBC" (one outlet id) are one outlet, as the counts say."""
    named: dict[str, str] = {}
    not_known: dict[str, None] = {}
    for a in arts:
        key = outlet_key(a)
        if key is None:
            not_known.setdefault(a.id)
        else:
            named.setdefault(key, a.label)
    return list(named.values()), list(not_known)


def outlet_counts(arts: Iterable[Article]) -> tuple[int, int]:
    """(outlets named, articles whose outlet is not known), by ``outlet_key``."""
    keys = [outlet_key(a) for a in arts]
    return len({k for k in keys if k is not None}), keys.count(None)


@dataclass(frozen=True, slots=True)
class Problem:
    """One input that could not be read. Never fatal unless --strict."""

    path: str
    reason: str  # short machine-friendly key: "empty", "binary", "bad-json", "no-body", ...
    message: str
    line: int | None = None
    count: int = 1  # >1: this many inputs or records of one input, skipped for the same reason

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


# ---------------------------------------------------------------- stories


@dataclass
class Story:
    id: str
    articles: list[str]  # article ids, in arrival order
    absorbed: list[str] = field(default_factory=list)  # story ids merged into this one
    title: str | None = None


# ---------------------------------------------------------------- entities


@dataclass
class Entity:
    """One real-world entity, merged across the articles of a story."""

    id: str
    name: str  # fullest form: "Brig. Gen. Mohammad Bagheri"
    label: str
    variants: list[str]
    articles: list[str]
    mentions: int


# ---------------------------------------------------------------- quotes


SpeakerKind = Literal["person", "organisation", "media", "anonymous", "document", "unknown"]
_SPEAKING_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "you", "him", "her", "them", "us", "me", "who"})
# What an attribution reports: speech or writing, a belief or stance, an intention or demand,
# a finding (a poll, report or study shows). Only speech is a statement ("who said what").
Act = Literal["speech", "belief", "intention", "finding"]


@dataclass
class Speaker:
    start: int | None
    end: int | None
    text: str  # surface mention in the article, may be a pronoun
    name: str  # resolved fullest name, or the description for anonymous sources
    kind: SpeakerKind

    @property
    def can_speak(self) -> bool:
        """Someone, a body, an outlet or a document (or a pronoun that stands for one): not a thing
        ("This visit highlights")."""
        return self.kind != "unknown" or self.text.strip().lower() in _SPEAKING_PRONOUNS


@dataclass
class Quote:
    content: Span
    speaker: Speaker | None
    cue: Span | None
    direct: bool
    article: str = _internal("")
    # The quoted pieces of a split quote ("A," he said. "B."), inside content.
    parts: list[Span] = _internal(factory=list)
    act: Act = "speech"
    headline: bool = _internal(False)  # in a title or subtitle: a headline is never a statement
    # The source's whole phrase, its description included ("Jo Lee, a professor at Ashford who
    # studies dams,"), where the article names it beside the cue: what the attribution covers.
    source_phrase: Span | None = _internal(None)

    @property
    def statement(self) -> bool:
        """Speech or writing in the body, by someone who can speak: what "who said what" lists."""
        return self.act == "speech" and not self.headline and (self.speaker is None or self.speaker.can_speak)


@dataclass
class QuoteVariant:
    article: str
    outlet: str | None
    text: str
    direct: bool
    start: int
    end: int
    diff: list[tuple[str, str]] = field(default_factory=list)  # (op, words): op in "=", "+", "-"
    cue: str | None = None  # the cue's words as printed ("said", "denied", "according to")
    cue_start: int | None = None


@dataclass
class GroupSpeaker:
    """Who a group of quotes is attributed to, across its variants."""

    name: str  # the fullest name the variants give, or "" when none names the speaker
    kind: SpeakerKind


@dataclass
class QuoteGroup:
    speaker: GroupSpeaker
    text: str  # the representative wording
    variants: list[QuoteVariant]


# ---------------------------------------------------------------- claims and provenance


@dataclass
class Evidence:
    article: str
    start: int
    end: int
    text: str
    # For a claim's sentence: the articles that say it by the claims' own rule (``claims.align``), its own
    # first: those of the claim it would make as its pivot. The summary cites them.
    said_by: list[str] = _internal(factory=list)


# Who a source is: an outlet (media), a wire or syndicate, a named person or
# organisation, an unnamed official, or an anonymous group ("two officials").
SourceKind = Literal["media", "syndicate", "person", "organisation", "official", "anonymous", "document"]
# An origin may also be the printing outlet's own reporting.
# "unnamed": a claim the article attributes to no one it names ("reportedly").
OriginKind = Literal["media", "syndicate", "person", "organisation", "official", "anonymous", "document", "outlet", "unnamed"]
NodeKind = Literal["media", "syndicate", "person", "organisation", "official", "anonymous", "document", "article"]
Relation = Literal["cites", "quotes", "republishes", "copy-of"]


@dataclass
class Origin:
    name: str
    kind: OriginKind
    via: list[str] = field(default_factory=list)  # the chain, outermost first


@dataclass
class Uncounted(Origin):
    """An origin a claim also rests on but that is not shown independent of its counted ones:
    an outlet not known, or an outlet's own words where it cites, in the story, an outlet the
    claim rests on (``cites``: the outlets it cites, the one it cites first, then whom that one
    is seen citing). The words stay the outlet's: the cited outlet is not credited with them."""

    cites: list[str] = field(default_factory=list)


@dataclass
class Claim:
    id: str
    text: str
    articles: list[str]
    outlets: list[str]
    independent_sources: int
    origins: list[Origin]
    evidence: list[Evidence] = field(default_factory=list)
    # Origins not shown independent of the others: an outlet not known, or an outlet's own words
    # beside an outlet it cites (``Uncounted``).
    not_counted: list[Uncounted] = field(default_factory=list)
    # Its articles whose outlet is not known (``outlet_key``), which ``outlets`` leaves out.
    outlet_not_known: list[str] = field(default_factory=list)


@dataclass
class Stretch:
    """A stretch of an article that rests on someone other than the outlet: the source as the
    article names it (``source.start``/``end``/``text``; None where it names none, as in
    "reportedly") and as resolved (``source.name``), the outlets it came through (outermost
    first) and what the attribution reports. The rest of the article is the outlet's own voice."""

    article: str
    start: int
    end: int
    source: Speaker | None
    via: list[str]
    act: Act
    cue: Span | None = None


@dataclass
class ProvNode:
    id: str
    name: str
    kind: NodeKind


@dataclass
class ProvEdge:
    source: str  # node id of the one who cites
    target: str  # node id of the one cited
    relation: Relation
    article: str
    start: int
    end: int
    text: str


@dataclass
class Provenance:
    nodes: list[ProvNode] = field(default_factory=list)
    edges: list[ProvEdge] = field(default_factory=list)


@dataclass
class KeySource:
    """An outlet or syndicate that several of a story's articles credit: what the story rests on."""

    node: str  # ProvNode id
    name: str
    kind: Literal["media", "syndicate"]
    articles: list[str]  # the articles that credit it (cite, quote or republish)


@dataclass
class ConflictValue:
    value: str  # normalised value, e.g. "2024-08-05" or "4000"
    article: str
    start: int
    end: int
    text: str  # the surface words


ConflictKind = Literal["number", "date", "fact"]


@dataclass
class Conflict:
    kind: ConflictKind
    topic: str  # what the values are about
    values: list[ConflictValue]


@dataclass
class TimelineEvent:
    date: str  # ISO 8601: "2024-05-12", "2024-05", "2024", or an interval "2024-07-29/2024-08-04"
    text: str
    articles: list[str]
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class SummarySentence:
    text: str
    articles: list[str]


@dataclass
class SharedSentence:
    """A sentence that several articles print (near-)verbatim."""

    text: str
    articles: list[str]
    evidence: list[Evidence]


@dataclass
class CoverageNote:
    outlet: str
    article: str
    adds: list[str]  # claim ids only this outlet carries
    omits: list[str]  # claim ids most other outlets carry


# ---------------------------------------------------------------- framing


@dataclass
class LoadedWords:
    """One stretch of loaded or evaluative wording, as evidence."""

    article: str
    start: int
    end: int
    text: str
    lemma: str
    category: str  # a lexicon category, or "reporting-verb", "speech-manner", "intensified", "scare-quote"
    score: float
    reasons: list[str]
    quoted: bool  # inside quotation marks: the source's words, not the outlet's


@dataclass
class OutletProfile:
    """How loaded one outlet's own wording is, against the story's other outlets."""

    outlet: str
    articles: list[str]
    words: int
    loaded: int  # flags in the outlet's own voice
    quoted: int  # flags inside quotations
    rate: float  # own flags per 1,000 words
    others_rate: float | None  # the other outlets' mean rate
    score: float | None  # log2((rate + 1) / (others_rate + 1))
    categories: dict[str, int]
    distinctive: list[str]  # loaded lemmas no other outlet of the story uses
    examples: list[LoadedWords]


@dataclass
class DistinctWords:
    """Words of one outlet's wording of a claim that the other outlets did not use."""

    start: int
    end: int
    text: str
    loaded: bool


@dataclass
class OutletWording:
    outlet: str
    article: str
    start: int
    end: int
    text: str
    overlap: float  # share of its content words other outlets used too
    distinct: list[DistinctWords]


@dataclass
class ClaimWordings:
    """An aligned claim two or more outlets word differently."""

    claim: str  # Claim id
    text: str
    loaded: int
    overlap: float
    wordings: list[OutletWording]


@dataclass
class NameUse:
    article: str
    start: int
    end: int


@dataclass
class OutletName:
    text: str
    kind: Literal["name", "descriptor"]
    count: int
    evidence: list[NameUse]


@dataclass
class OutletNames:
    outlet: str
    names: list[OutletName]


@dataclass
class EntityNames:
    """What each outlet calls one of the story's entities."""

    entity: str  # Entity id
    name: str
    label: str
    differs: bool  # the outlets describe it differently
    outlets: list[OutletNames]


@dataclass
class Framing:
    """How each outlet words the story (``newsprism.framing.compare_framing``)."""

    method: str
    threshold: float  # the score from which a stretch of wording is flagged
    outlets: list[OutletProfile]  # most loaded first
    claims: list[ClaimWordings]
    names: list[EntityNames]
    flags: list[LoadedWords]  # every stretch flagged, in article order


# ---------------------------------------------------------------- briefs


@dataclass
class Brief:
    story: Story
    articles: list[Article]
    entities: list[Entity] = field(default_factory=list)
    shared_sentences: list[SharedSentence] = field(default_factory=list)
    quotes: list[QuoteGroup] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)
    stretches: list[Stretch] = field(default_factory=list)  # per article, in text order
    key_sources: list[KeySource] = field(default_factory=list)
    coverage: list[CoverageNote] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    summary: list[SummarySentence] = field(default_factory=list)
    framing: Framing | None = None  # None: not compared (written as {} in JSON)


@dataclass
class Analysis:
    """One run's result: the articles read (in input order), their stories, one
    brief per story that holds any of them, and the inputs skipped."""

    articles: list[Article]
    stories: list[Story]
    briefs: list[Brief] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    # Articles of earlier runs (a saved state) that this run moved to another story: id -> story id.
    moved: dict[str, str] = field(default_factory=dict)


_JSON_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's fields written to JSON, in order


def to_jsonable(obj: Any) -> Any:
    """Dataclasses to plain JSON values, skipping fields marked json=False."""
    kind = type(obj)
    if kind is str or kind is int or kind is float or obj is None or kind is bool:  # most values: nothing to do
        return obj
    names = _JSON_FIELDS.get(kind)  # dataclasses.fields read once per class, not for each of ~200,000 values a run
    if names is None and dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        names = _JSON_FIELDS[kind] = tuple(f.name for f in dataclasses.fields(obj) if f.metadata.get("json", True))
    if names is not None:
        return {name: to_jsonable(getattr(obj, name)) for name in names}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    return obj
