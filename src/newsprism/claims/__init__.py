"""The brief of a story: claims and their independent sources, coverage, conflicts, timeline, summary.

``shared`` (near-verbatim shared sentences) lives beside these stages but is
imported by the orchestrator directly.
"""

from newsprism.claims.align import align_claims
from newsprism.claims.conflicts import find_conflicts
from newsprism.claims.coverage import coverage
from newsprism.claims.independence import assign_independence
from newsprism.claims.mentions import story_values
from newsprism.claims.summary import story_title, summarize
from newsprism.claims.timeline import build_timeline

__all__ = [
    "align_claims",
    "assign_independence",
    "build_timeline",
    "coverage",
    "find_conflicts",
    "story_title",
    "story_values",
    "summarize",
]
