"""The record the quote passes share: one attribution while it is being found.

Cues (``cues``), quotation marks (``quotations``) and trimming
(``trimming``) each read and amend a list of these; ``extract`` turns the
survivors into ``newsprism.model.Quote``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsprism.model import Act, Span

if TYPE_CHECKING:
    from spacy.tokens import Token


@dataclass
class Found:
    """One attribution: what is attributed, the cue that says so, and the token of who says it."""

    content: Span
    cue: Span | None
    speaker: "Token | None"  # the subject token; None for agentless
    speech: bool = False  # the cue is a verb of saying, which says one thing
    act: Act | None = None  # what it reports, where the finder knows (a poll: a finding); else read from the cue


# Fewer words than this make no phrase: `said "CNN" five times`, a scare quote, a bare source.
MIN_PHRASE_WORDS = 2
# Characters after which a quotation opens a clause, and before which a clause ends.
CLAUSE_BREAKS = frozenset("\n.?!:;,(\u2014\u2013-\"\u201d\u201c")
