"""The JSON report (schema documented in the README; bump SCHEMA_VERSION on breaking changes)."""

from __future__ import annotations

from typing import Any

from newsprism import __version__
from newsprism.model import Analysis, Article, Brief, Story, outlets_of, to_jsonable
from newsprism.report.escape import dumps

SCHEMA_VERSION = 1


def article_to_dict(a: Article) -> dict[str, Any]:
    d = to_jsonable(a)
    d["inferred"] = {k: {"start": s.start, "end": s.end, "text": a.text[s.start : s.end]} for k, s in a.inferred.items()}
    return d


def story_head(story: Story, by_id: dict[str, Article]) -> dict[str, Any]:
    """What a story is before what it says: id, title, articles, outlets, the
    articles whose outlet is not known (no outlet of their own: ``outlet_key``) and
    the days it spans. Articles missing from ``by_id`` (known only to a saved
    state) are listed but add no outlet or day."""
    arts = [by_id[i] for i in story.articles if i in by_id]
    days = sorted(d for d in (a.published_day for a in arts) if d is not None)
    outlets, not_known = outlets_of(arts)
    return {
        "id": story.id,
        "title": story.title,
        "articles": list(story.articles),
        "absorbed": list(story.absorbed),
        "outlets": outlets,
        "outlet_not_known": not_known,
        "first_day": days[0].isoformat() if days else None,
        "last_day": days[-1].isoformat() if days else None,
    }


def brief_to_dict(b: Brief) -> dict[str, Any]:
    return {
        **story_head(b.story, {a.id: a for a in b.articles}),
        "summary": to_jsonable(b.summary),
        "claims": to_jsonable(b.claims),
        "quotes": to_jsonable(b.quotes),
        "provenance": to_jsonable(b.provenance),
        "stretches": to_jsonable(b.stretches),
        "key_sources": to_jsonable(b.key_sources),
        "conflicts": to_jsonable(b.conflicts),
        "timeline": to_jsonable(b.timeline),
        "coverage": to_jsonable(b.coverage),
        "entities": to_jsonable(b.entities),
        "shared_sentences": to_jsonable(b.shared_sentences),
        "framing": {} if b.framing is None else to_jsonable(b.framing),  # {}: not compared
    }


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "generator": f"newsprism {__version__}",
        "articles": [article_to_dict(a) for a in analysis.articles],
        "stories": [brief_to_dict(b) for b in analysis.briefs],
        "skipped": [to_jsonable(p) for p in analysis.skipped],
    }


def render_json(analysis: Analysis) -> str:
    return dumps(analysis_to_dict(analysis), indent=2)


def grouping_row(a: Article) -> dict[str, Any]:
    """An article as ``newsprism cluster`` prints it: its story and what it copies."""
    return {"id": a.id, "story": a.story, "duplicate_of": a.duplicate_of, "syndicated_from": a.syndicated_from}


def story_row(story: Story, by_id: dict[str, Article]) -> dict[str, Any]:
    """A story as ``newsprism cluster --format json`` prints it: its head (as in
    the brief), the names most of its articles share, and its copies, each
    mapped to the article it copies. Only the articles in ``by_id`` (this
    run's) are read."""
    from newsprism.cluster.names import story_names

    arts = [by_id[i] for i in story.articles if i in by_id]
    return {
        **story_head(story, by_id),
        "names": story_names(arts),
        "copies": {a.id: a.duplicate_of for a in arts if a.duplicate_of},
    }
