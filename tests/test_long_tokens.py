"""Long tokens: the work per article stays bounded.

Two classes:
- every regular expression newsprism compiles at module level runs in time linear in its
  input, on the strings that make a regex backtrack (runs of one character class);
- every stage that reads article text finishes in seconds on an article holding a
  1,000,000-character token (a base64 blob, a long URL, a run of word characters).
"""

from __future__ import annotations

import base64
import importlib
import pkgutil
import random
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import newsprism

MILLION = 1_000_000
LONGEST = 32_000  # the longest hostile string a module pattern is timed on

# Strings that make a careless pattern backtrack: long runs of one class of character,
# and short units of two classes repeated.
_UNITS = [
    "a", "A", "Aa ", "1", "1,", "1.", " ", "\n", "a.", "A. ", '"', "'", "“a", "-", "a-", "<", "<a ", "Aa a ",
    "said the ", "Aa-", ".", "a ", "Aa, ", "Aa. ", "a\n \n", "&", "Mr. Aa ", "a:", "(", "A1", "Aa Aa, said ", "_",
    "a/", "%", "#", "in A ", "a=", "<meta ",
]


def _b64(n: int) -> str:
    return base64.b64encode(random.Random(n).randbytes(n)).decode()[:n]


def hostile_strings(n: int) -> Iterator[tuple[str, str]]:
    for unit in _UNITS:
        yield f"{unit!r} repeated", unit * (n // len(unit))
    yield "base64", _b64(n)
    yield "url", "https://example.com/" + "ab/cd-ef_" * (n // 9)


def module_patterns() -> dict[str, re.Pattern[str]]:
    """Every str pattern bound at module level in newsprism, also inside tuples, lists and dicts."""
    found: dict[str, re.Pattern[str]] = {}

    def collect(name: str, value: object, depth: int = 0) -> None:
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
            found.setdefault(f"{value.pattern}\0{value.flags}", value)
            found[name] = found.pop(f"{value.pattern}\0{value.flags}")
        elif depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
            for i, v in enumerate(value):
                collect(f"{name}[{i}]", v, depth + 1)
        elif depth < 2 and isinstance(value, dict):
            for k, v in value.items():
                collect(f"{name}[{k!r}]", v, depth + 1)

    for info in pkgutil.walk_packages(newsprism.__path__, "newsprism."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra (the web app, Ray) that is not installed
            continue
        for attr, value in vars(module).items():
            collect(f"{info.name}.{attr}", value)
    return found


def _scan_time(pattern: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    for _ in pattern.finditer(text):
        pass
    return time.perf_counter() - start


def _grows_too_fast(pattern: re.Pattern[str], text: Callable[[int], str], factor: int = 8) -> bool:
    """Does scanning ``text(factor * n)`` cost more than about linear against ``text(n)``?

    A quadratic pattern costs factor**2 times more, a linear one factor times. Timings on a
    shared machine are noisy, so a pattern that seems to grow too fast is timed again
    (judged three times) before it is judged. A scan too quick to time (under 10 ms) is
    judged on strings ``factor`` times longer, up to ``LONGEST``: '<a ' * 1,333 took 3 ms
    through a quadratic pattern, where a floor of 10 ms let it pass.
    """
    n, judged = 500, 0
    while judged < 3:
        big = _scan_time(pattern, text(factor * n))
        if big < 3 * factor * max(_scan_time(pattern, text(n)), 1e-5):
            return False
        if big < 0.01:
            if factor * factor * n > LONGEST:
                return False
            n *= factor
            continue
        judged += 1
    return True


def _anchored_only(name: str) -> bool:
    """Is the pattern only ever matched at one place (``.match``/``.fullmatch``)? Then its cost
    is bounded by the text after that place, once, not by a scan from every character."""
    attr = name.rsplit(".", 1)[1]
    attr = attr.split("[")[0]
    uses = re.compile(rf"\b{re.escape(attr)}\.(\w+)\(")
    methods = {m for path in Path(newsprism.__file__).parent.rglob("*.py") for m in uses.findall(path.read_text())}
    return bool(methods) and methods <= {"match", "fullmatch"}


@pytest.mark.slow  # some 40 strings through each of 100 patterns: half a minute of CPU
def test_every_module_regex_scans_in_linear_time() -> None:
    patterns = module_patterns()
    assert len(patterns) > 80  # the collector sees the package
    strings = {n: dict(hostile_strings(n)) for n in (500, 4000, LONGEST)}
    slow = [
        f"{name} on {kind}: {pattern.pattern[:80]!r}"
        for name, pattern in patterns.items()
        for kind in strings[500]
        if _grows_too_fast(pattern, lambda n, kind=kind: strings[n][kind]) and not _anchored_only(name)
    ]
    assert slow == []


# ---------------------------------------------------------------- every stage, on a 1,000,000-character token

# Stage -> (module, function): what a run of one story calls (the quotes command, too).
STAGES = [
    ("newsprism.extract", "prepare_articles"), ("newsprism.dedup", "find_copies"),
    ("newsprism.extract.entities", "extract_mentions"),
    ("newsprism.extract.entities", "merge_entities"), ("newsprism.quotes", "extract_quotes"),
    ("newsprism.quotes", "group_quotes"), ("newsprism.claims.shared", "shared_sentences"),
    ("newsprism.claims", "align_claims"), ("newsprism.provenance", "build_provenance"),
    ("newsprism.provenance", "key_sources"), ("newsprism.claims", "assign_independence"),
    ("newsprism.claims", "coverage"), ("newsprism.claims", "story_values"), ("newsprism.claims", "find_conflicts"),
    ("newsprism.claims", "build_timeline"), ("newsprism.claims", "summarize"),
    ("newsprism.framing", "compare_framing"), ("newsprism.claims", "story_title"), ("newsprism.nlp", "NLP.docs"),
]
# Seconds any one stage may take over all the story's articles. A stage that backtracks
# quadratically on the token takes hours; a linear one, about a second on this text.
STAGE_BUDGET = 15.0

TOKENS: dict[str, Callable[[int], str]] = {
    "base64": _b64,
    "url": lambda n: "https://example.com/" + ("ab/cd-ef_" * (n // 9 + 1))[: n - 20],
    "word": lambda n: "a" * n,
    "Word": lambda n: "A" + "a" * (n - 1),
    "CAPS": lambda n: "A" * n,
    "digits": lambda n: "1" * n,
    "dots": lambda n: "." * n,
    "quotes": lambda n: '"' * n,
    "spaces": lambda n: "a" + " " * (n - 2) + "b",
}


def _timed(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    times: dict[str, float] = {}
    for module_name, attr in STAGES:
        owner: object = importlib.import_module(module_name)
        name = attr
        if "." in attr:
            cls, name = attr.split(".")
            owner = getattr(owner, cls)
        func = getattr(owner, name)

        def timed(*args, __func=func, __key=f"{module_name}.{attr}", **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return __func(*args, **kwargs)
            finally:
                times[__key] = times.get(__key, 0.0) + time.perf_counter() - start

        monkeypatch.setattr(owner, name, timed)
    return times


def _story_with(tokens: list[str]) -> list:
    """The bundled example's articles, the first few each with a token inside a sentence."""
    from newsprism.ingest import ingest

    from conftest import EXAMPLE

    articles = ingest([str(EXAMPLE)]).articles
    for article, token in zip(articles, tokens):
        paragraphs = article.text.split("\n\n")
        paragraphs[1] += f" The file {token} was quoted by officials, Reuters reported."
        article.text = "\n\n".join(paragraphs)
    return articles


def _analyze_within_budget(tokens: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from newsprism import extract
    from newsprism.pipeline import Pipeline, Settings

    articles = _story_with(tokens)
    times = _timed(monkeypatch)
    start = time.perf_counter()
    analysis = Pipeline(Settings(single_story=True)).analyze(extract.prepare_articles(articles))
    total = time.perf_counter() - start
    over = {stage: round(t, 1) for stage, t in times.items() if t > STAGE_BUDGET}
    assert over == {}, f"stages over {STAGE_BUDGET} s (whole run {total:.0f} s)"
    assert len(times) == len(STAGES)  # every stage ran
    (brief,) = analysis.briefs
    assert brief.claims and brief.quotes  # the good text around the token is still read
    for article in analysis.articles:
        for s in article.sentences:
            assert 0 <= s.start < s.end <= len(article.text)


def test_every_stage_is_bounded_on_million_character_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    _analyze_within_budget([TOKENS[k](MILLION) for k in ("base64", "url", "word")], monkeypatch)


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(TOKENS))
def test_every_stage_is_bounded_on_each_kind_of_long_run(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _analyze_within_budget([TOKENS[kind](MILLION)], monkeypatch)


