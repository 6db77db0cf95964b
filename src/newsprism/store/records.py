"""What the store keeps besides articles: stories, their history, fetches, skips, a batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from newsprism.model import Article, Problem

EventKind = Literal["joined", "moved", "merged"]
SourceKind = Literal["folder", "feed", "page"]


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story as the store lists it: ``first_seen`` and ``last_updated`` are
    the store's clock (when the story appeared, when an article last joined,
    moved in or out, or a story merged into it), ``first_day`` and
    ``last_day`` the publication days of its articles."""

    id: str
    title: str | None
    articles: list[str]
    first_seen: str
    last_updated: str
    first_day: str | None = None
    last_day: str | None = None
    absorbed: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """One change of a story's membership: an article ``joined`` it (new to the
    store), ``moved`` into it from ``other``, or the story ``other`` ``merged``
    into it (``article`` is then None)."""

    at: str
    story: str
    kind: EventKind
    article: str | None = None
    other: str | None = None


@dataclass(frozen=True, slots=True)
class StoryUpdate:
    """A story's row after a batch; ``merged_into`` set when it was absorbed."""

    id: str
    title: str | None
    articles: list[str]
    first_day: str | None
    last_day: str | None
    absorbed: list[str]
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where an already stored article stands after a batch (story, copy links)."""

    article: str
    story: str | None
    duplicate_of: str | None
    syndicated_from: str | None


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """One request made for a watched source, and how it went.

    ``outcome``: ``ok``, ``not-modified``, ``robots`` (disallowed), ``http-error``,
    ``too-large``, ``timeout``, ``error``, ``bad-content``."""

    at: str
    source: str
    url: str
    outcome: str
    status: int | None = None
    bytes: int = 0
    elapsed: float = 0.0
    message: str = ""


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A watched source and what the next poll needs: the validators of its
    last response (feed or page), or the files of a folder with their
    (size, mtime) when last read."""

    id: str  # the URL, or the folder's absolute path
    kind: SourceKind
    added_at: str
    etag: str | None = None
    last_modified: str | None = None
    last_checked: str | None = None
    last_outcome: str | None = None
    files: dict[str, list[float]] = field(default_factory=dict)


class StatePart(NamedTuple):
    """One row of the clustering state (see ``cluster.parts``)."""

    part: str
    key: int
    body: bytes


@dataclass
class StateChange:
    """What a batch changes of the clustering state: the parts named in ``drop``
    are cleared, then each row of ``put`` replaces the row of its part and key."""

    put: list[StatePart] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)


@dataclass
class Batch:
    """Everything one batch writes, in one transaction: the new articles (as read
    and as prepared), where the stored ones now stand, the stories it changed
    (their briefs marked stale), their history, the clustering state, and
    what was skipped."""

    articles: list[tuple[Article, Article]] = field(default_factory=list)  # (as read, as prepared)
    placements: list[Placement] = field(default_factory=list)
    stories: list[StoryUpdate] = field(default_factory=list)
    events: list[StoryEvent] = field(default_factory=list)
    state: StateChange | None = None
    skipped: list[Problem] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StoredBrief:
    story: str
    made_at: str
    body: dict[str, Any]  # the brief as ``analyze --format json`` prints a story
