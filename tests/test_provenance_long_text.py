"""The patterns of quotes/, provenance/ and claims/ stay linear on a text of one endless token.

A pattern that backtracks quadratically takes minutes on a million characters (the old
"quoted by" pattern took 25 s on 50,000); linear ones take a fraction of a second, so the
generous budget below still tells the two apart on a busy machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import pytest

from newsprism.claims import values
from newsprism.model import Span
from newsprism.provenance import graph as G
from newsprism.provenance import stretches as ST
from newsprism.provenance.sources import group_source, speaker_source
from newsprism.quotes import marks
from newsprism.quotes.quotations import _SIGNATURE
from newsprism.quotes.trimming import _without_trailing_links, after_dateline

N = 1_000_000
# Seconds of this process's CPU, not of the clock: a loaded machine (other jobs, the other test
# workers) stretches the wall time of linear work past any budget that still catches quadratic
# work, but not its CPU time. Each call takes well under one on an idle machine; quadratic work takes hours.
BUDGET = 5.0
TOKENS = {"letters": "a" * N, "capitals": "A" * N, "spaces": " " * N, "hyphenated": "A-" * (N // 2), "newlines": "\n" * N,
          "separators": ", " * (N // 2), "digits": "1" * N}

CALLS: dict[str, Callable[[str], object]] = {
    "signature": lambda t: _SIGNATURE.match("\n" + t + "-" + t, 0),
    "dateline": lambda t: after_dateline(t + " \u2014 x", Span(0, len(t) + 4)),
    "trailing links": lambda t: _without_trailing_links(t + " and"),
    "citing": lambda t: ST._CITING.search(", citing " + t),
    "quoted by": lambda t: ST._QUOTED_BY.match(" quoted by " + t),
    "told": lambda t: ST._TOLD.match(" " + t),
    "cited": lambda t: G._CITED.search("according to " + t + " "),
    "group source": lambda t: group_source(t + " who"),
    "speaker source": lambda t: speaker_source(t, "anonymous"),
    "quotation marks": lambda t: marks.find_quoted('"' + t + '"'),
    "dates": lambda t: values.find_dates(t + " in May 2024, last Monday", date(2024, 8, 6)),
    "quantities": lambda t: values.find_quantities(t + " 12"),
}


@pytest.mark.parametrize("call", list(CALLS))
@pytest.mark.parametrize("token", list(TOKENS))
def test_linear_on_a_million_character_token(call: str, token: str) -> None:
    start = time.process_time()
    CALLS[call](TOKENS[token])
    assert time.process_time() - start < BUDGET
