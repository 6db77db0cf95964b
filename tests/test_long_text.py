"""Texts over spaCy's 1,000,000-character limit are parsed in pieces, with their offsets:
``analyze``, ``quotes`` and ``serve`` go through ``NLP``, so none of them stops on one.
"""

from __future__ import annotations

import base64
import random

import pytest

MILLION = 1_000_000


def _b64(n: int) -> str:
    return base64.b64encode(random.Random(n).randbytes(n)).decode()[:n]


# ---------------------------------------------------------------- texts over spaCy's limit


def _long_article(prose_chars: int, blob_chars: int) -> str:
    from conftest import EXAMPLE

    prose = (EXAMPLE / "02-northern-ledger.txt").read_text()
    head, body = prose.split("\n\n", 1)
    repeats = max(1, prose_chars // len(body))
    return head + "\n\n" + "\n\n".join([body.strip()] * repeats) + "\n\nThe file " + _b64(blob_chars) + " ends it.\n"


def test_a_text_over_the_parser_limit_is_parsed_in_pieces_with_its_offsets() -> None:
    from newsprism.model import Article
    from newsprism.nlp import CHUNK_CHARS, NLP

    text = _long_article(3 * CHUNK_CHARS // 2, MILLION)
    assert len(text) > MILLION  # over spaCy's max_length
    doc = NLP().doc(Article(id="long", text=text))
    assert len(doc.text) == len(text)
    for token in doc:
        if not token.text.startswith("#"):  # the blob stands as '#' tokens, each as long as its part
            assert text[token.idx : token.idx + len(token)] == token.text
    names = {e.text for e in doc.ents if e.label_ == "PERSON"}
    assert {"Tom Reyes", "Elena Marsh"} <= names  # found in every piece, past the first
    assert max(e.start_char for e in doc.ents) > 2 * CHUNK_CHARS // 2


def test_quotes_over_the_parser_limit_exit_0_with_offsets_into_the_text(tmp_path) -> None:
    import json
    import subprocess
    import sys

    from conftest import ROOT

    text = _long_article(20_000, MILLION)
    (tmp_path / "long.txt").write_text(text)
    proc = subprocess.run(
        [sys.executable, "-m", "newsprism", "quotes", str(tmp_path / "long.txt"), "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    (row,) = [json.loads(line) for line in proc.stdout.splitlines()]
    spans = [q["content"] for q in row["quotes"]]
    assert len(spans) > 10
    assert all(0 <= s["start"] < s["end"] <= len(text) for s in spans)
    assert any("gamble" in text[s["start"] : s["end"]] for s in spans)


@pytest.mark.slow
def test_analyze_on_a_long_report_of_real_prose(tmp_path) -> None:
    """1.2 million characters of prose (no blob): parsed in pieces, briefed, exit 0."""
    import subprocess
    import sys

    from conftest import ROOT

    text = _long_article(1_200_000, 300)
    (tmp_path / "report.txt").write_text(text)
    proc = subprocess.run(
        [sys.executable, "-m", "newsprism", "analyze", str(tmp_path / "report.txt"), "--format", "json", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=3600,
    )
    assert proc.returncode == 0, proc.stderr
    import json

    (story,) = json.loads(proc.stdout)["stories"]
    assert story["quotes"] and story["claims"]
