"""The seed lexicon of loaded wording, read from ``seed_lexicon.txt``.

The lexicon is only a prior: :mod:`newsprism.framing.loaded` combines it with
structural cues and with what the story's other outlets wrote instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

# spaCy splits hyphens and apostrophes off, so phrase entries are split the same way.
_TOKEN = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")


@dataclass(frozen=True, slots=True)
class Entry:
    category: str
    weight: float


@dataclass
class Lexicon:
    words: dict[str, Entry] = field(default_factory=dict)
    # first token -> [(all tokens, entry)], longest first
    phrases: dict[str, list[tuple[tuple[str, ...], Entry]]] = field(default_factory=dict)

    def add(self, term: str, entry: Entry) -> None:
        tokens = tuple(_TOKEN.findall(term.lower()))
        if not tokens:
            return
        if len(tokens) == 1:
            self.words.setdefault(tokens[0], entry)
            return
        bucket = self.phrases.setdefault(tokens[0], [])
        bucket.append((tokens, entry))
        bucket.sort(key=lambda p: -len(p[0]))

    def lookup(self, *forms: str) -> Entry | None:
        for f in forms:
            e = self.words.get(f)
            if e is not None:
                return e
        return None


def parse_lexicon(text: str) -> Lexicon:
    """Parse the ``[category weight]`` sectioned format of ``seed_lexicon.txt``."""
    lex = Lexicon()
    entry: Entry | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        header = re.fullmatch(r"\[(\S+)\s+([0-9.]+)\]", line)
        if header:
            entry = Entry(header.group(1), float(header.group(2)))
            continue
        if entry is None:
            raise ValueError(f"lexicon term before any [category weight] header: {line!r}")
        for term in line.split(","):
            lex.add(term.strip(), entry)
    return lex


@lru_cache(maxsize=1)
def seed_lexicon() -> Lexicon:
    """The bundled seed lexicon (read once; it is immutable data, not state)."""
    text = resources.files("newsprism.framing").joinpath("seed_lexicon.txt").read_text(encoding="utf-8")
    return parse_lexicon(text)
