"""The JSON report (schema documented in the README; bump SCHEMA_VERSION on breaking changes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from newsprism import __version__
from newsprism.model import Article, Brief, Problem, to_jsonable
from newsprism.pipeline import Analysis

SCHEMA_VERSION = 1


def article_to_dict(a: Article) -> dict[str, Any]:
    d = to_jsonable(a)
    d["inferred"] = {k: {"start": s.start, "end": s.end, "text": a.text[s.start : s.end]} for k, s in a.inferred.items()}
    return d


def brief_to_dict(b: Brief) -> dict[str, Any]:
    by_id = {a.id: a for a in b.articles}
    return {
        "id": b.story.id,
        "title": b.story.title,
        "articles": list(b.story.articles),
        "absorbed": list(b.story.absorbed),
        "outlets": list(dict.fromkeys(by_id[i].label for i in b.story.articles)),
        "summary": to_jsonable(b.summary),
        "claims": to_jsonable(b.claims),
        "quotes": to_jsonable(b.quotes),
        "provenance": to_jsonable(b.provenance),
        "key_sources": to_jsonable(b.key_sources),
        "conflicts": to_jsonable(b.conflicts),
        "timeline": to_jsonable(b.timeline),
        "coverage": to_jsonable(b.coverage),
        "entities": to_jsonable(b.entities),
        "shared_sentences": to_jsonable(b.shared_sentences),
        "framing": to_jsonable(b.framing),
    }


def analysis_to_dict(analysis: Analysis, problems: Sequence[Problem] = ()) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "generator": f"newsprism {__version__}",
        "articles": [article_to_dict(a) for a in analysis.articles],
        "stories": [brief_to_dict(b) for b in analysis.briefs],
        "skipped": [to_jsonable(p) for p in problems],
    }


def render_json(analysis: Analysis, problems: Sequence[Problem] = ()) -> str:
    return json.dumps(analysis_to_dict(analysis, problems), ensure_ascii=False, indent=2)
