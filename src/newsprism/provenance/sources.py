"""Who a source is: one stable node id per outlet, person or group, however it is written.

"Two Iranian officials", "Iranian officials" and "the Iranian officials
familiar with the plans" are one node (``official:iranian-officials``);
"Colin Clarke" and "Colin P. Clarke" are one person; "the Times" and "The New
York Times" are one outlet (through ``newsprism.extract.outlets``, the single
implementation of outlet naming).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsprism.extract import names
from newsprism.extract.outlets import find_outlet_mentions, is_wire, outlet_identity
from newsprism.model import SourceKind

_LEAD_WORDS = re.compile(
    r"^(?:(?:one|two|three|four|five|several|some|many|a|an|the|other|senior|top|unnamed|anonymous|of|few)\s+)+",
    re.I,
)
# Post-modifiers that describe a group rather than name it.
_TAIL = re.compile(r"(?<!\s)\s++(?:who|that|with|familiar|at|in|from|close|briefed|speaking|knowledgeable|on)\b.*$", re.I)
# Matched on lower-cased text: a case-blind search is slower by half on a long text.
_OFFICIAL = re.compile(r"\b(?:officials?|ministers?|ministry|spokes(?:man|woman|person)|government|authorit(?:y|ies)|police|military)\b")
_MEDIA = re.compile(r"\b(?:media|television|tv|newspapers?|news\s+(?:agency|agencies|site|outlets?)|press|broadcaster)\b", re.I)
_THE = re.compile(r"^the\s+", re.I)


@dataclass(frozen=True, slots=True)
class Source:
    id: str  # stable node id, "media:nytimes", "official:iranian-officials", "person:colin-clarke"
    name: str  # as printed (the fullest form seen wins at graph level)
    kind: SourceKind


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", text.casefold()).strip("-") or "unknown"


def media_source(name_or_id: str, *, known_id: str | None = None, display: str | None = None) -> Source:
    oid, shown = (known_id, display or name_or_id) if known_id else outlet_identity(name_or_id)
    return Source(f"media:{oid}", display or shown, "syndicate" if is_wire(oid) else "media")


def group_key(phrase: str) -> str:
    """ "Two Iranian officials familiar with the plans" -> "iranian officials"."""
    core = _TAIL.sub("", phrase.strip())
    core = _LEAD_WORDS.sub("", core)
    return core.casefold().strip() or phrase.casefold().strip()


def person_key(name: str) -> str:
    """ "Brig. Gen. Mohammad Bagheri" -> "mohammad-bagheri"; "Colin P. Clarke" -> "colin-clarke"."""
    return _slug(names.person_key(name) or name)


def speaker_source(name: str, kind: str) -> Source | None:
    """A quote speaker (model.Speaker name and kind) as a source node; None for unusable speakers."""
    name = re.sub(r"\s+", " ", name).strip(" ,.;:")
    if not name or kind in ("unknown", "document"):  # a document is its article's: document_source
        return None
    if kind == "media":
        return generic_source(name)
    if kind == "person":
        return Source(f"person:{person_key(name)}", name, "person")
    if kind == "organisation":
        return Source("org:" + _slug(_THE.sub("", name)), name, "organisation")
    return group_source(name)


def document_source(phrase: str, article_id: str) -> Source:
    """A poll, study, finding or memo an article cites by description ("A subsequent US intelligence
    finding"): one node per article. Two outlets' "the study" may be two studies; one node would
    count them as one source."""
    return Source(f"document:{_slug(article_id)}:{_slug(group_key(phrase))}", phrase.strip(), "document")


def group_source(phrase: str) -> Source:
    """An unnamed group or description: officials, sources, engineers.

    The id ignores number ("one engineer" / "two engineers") and whether the
    description sounds official, so every mention of one group is one node.
    """
    kind: SourceKind = "official" if _OFFICIAL.search(phrase.lower()) else "anonymous"
    key = re.sub(r"(?<=[a-z])s\b", "", group_key(phrase))
    return Source(f"group:{_slug(key)}", phrase.strip(), kind)


def generic_source(phrase: str) -> Source:
    """ "Iranian media", "Iranian state television", or an outlet name the table knows.

    A phrase that names one known outlet is that outlet, however it is dressed ("Iran's Press
    TV", "PressTV"): its words would otherwise make a media description of their own
    ("media:press-tv" beside the table's "media:presstv"), and one outlet would count twice.
    """
    named = {oid for _, _, oid in find_outlet_mentions(phrase)}
    if len(named) == 1:
        oid = named.pop()
        return media_source(oid, known_id=oid, display=outlet_identity(oid)[1])
    if not _MEDIA.search(phrase):
        return media_source(phrase)
    return Source(f"media:{_slug(group_key(phrase))}", _THE.sub("", phrase.strip()), "media")
