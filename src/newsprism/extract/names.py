"""Person-name matching: the one implementation every stage uses.

"Sergei Shoigu" = "Sergey Shoigu" = "Shoigu"; "Brig. Gen. Mohammad Bagheri" =
"Brigadier General Mohammad Bagheri" = "Gen. Bagheri"; "Colin P. Clarke" =
"Colin Clarke". Titles are ignored for matching but kept in the display form;
a bare surname joins a full name only when exactly one full name ends with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Titles printed before a name and, with their abbreviation, kept as part of
# the name's display form ("Brig. Gen. Mohammad Bagheri").
HONORIFICS = frozenset(
    """mr mrs ms mx miss dr prof professor sir dame lord lady rev reverend fr father rabbi imam sheikh sheik
    ayatollah hojatoleslam grand gen general brig brigadier lt lieutenant col colonel maj major capt captain
    adm admiral sgt sergeant cpl corporal pvt cmdr cdr commander marshal sen senator rep gov""".split()
)
# Also stripped for matching, but job descriptions rather than part of a name.
_OFFICES = frozenset(
    """president vice prime minister premier chancellor secretary representative congressman congresswoman
    governor mayor judge justice ambassador attorney chairman chairwoman chair ceo spokesman spokeswoman
    spokesperson commissioner director deputy former late acting supreme leader king queen prince princess
    emir sultan pope cardinal bishop archbishop mufti chief foreign defense defence interior state""".split()
)
TITLES = HONORIFICS | _OFFICES
_SUFFIXES = frozenset("jr sr ii iii iv phd md".split())
_PARTICLES = frozenset("de da di du del della der den van von la le bin ibn bint ben abu al el".split())
FUZZY_MIN = 85  # rapidfuzz ratio for two spellings of one name


def _word(token: str) -> str:
    return token.casefold().replace("’", "'").strip(".,;:'\"()")


def is_title(token: str) -> bool:
    return _word(token) in TITLES


def strip_possessive(name: str) -> str:
    return re.sub(r"['’]s?$", "", name.strip())


def strip_titles(name: str) -> str:
    """ "Brig. Gen. Mohammad Bagheri" -> "Mohammad Bagheri"; never strips the last word."""
    tokens = strip_possessive(name).split()
    while len(tokens) > 1 and is_title(tokens[0]):
        tokens.pop(0)
    while len(tokens) > 1 and _word(tokens[-1]) in _SUFFIXES | TITLES:
        tokens.pop()
    return " ".join(tokens).strip(" ,")


@lru_cache(maxsize=4096)
def fold(token: str) -> str:
    """Spelling-insensitive form of one name word: accents, case, common transliteration variants."""
    t = unicodedata.normalize("NFKD", token)
    t = "".join(c for c in t if not unicodedata.combining(c)).casefold()
    t = re.sub(r"[.'’`]", "", t)
    t = re.sub(r"^(?:al|el)-", "", t)
    # Sergey/Sergei, Shoygu/Shoigu, Zelenskyy/Zelensky.
    t = t[:1] + t[1:].replace("y", "i")
    return re.sub(r"i{2,}", "i", t)


def _skeleton(t: str) -> str:
    return t[:1] + re.sub(r"[aeiou]", "", t[1:])


def same_word(a: str, b: str) -> bool:
    """Two folded name words that are spellings of one another (same initial, close)."""
    if a == b:
        return True
    if not a or not b or a[0] != b[0]:
        return False
    from rapidfuzz.fuzz import ratio

    if ratio(a, b) >= FUZZY_MIN:
        return True
    sa, sb = _skeleton(a), _skeleton(b)
    return len(sa) >= 4 and sa == sb  # Mohammad / Muhammed


@dataclass(frozen=True, slots=True)
class NameParts:
    first: str | None  # folded; None for a bare surname
    middle: tuple[str, ...]
    last: str  # folded, particles included ("von der leyen")


@lru_cache(maxsize=4096)
def name_parts(name: str) -> NameParts | None:
    tokens = [t for t in strip_titles(name).split() if _word(t) not in _SUFFIXES]
    tokens = [t.strip(",") for t in tokens if t.strip(",.")]
    if not tokens:
        return None
    last_i = len(tokens) - 1
    while last_i > 0 and _word(tokens[last_i - 1]) in _PARTICLES and tokens[last_i - 1][:1].islower():
        last_i -= 1
    last = " ".join(fold(t) for t in tokens[last_i:])
    if not last:
        return None
    if last_i == 0:
        return NameParts(None, (), last)
    given = [fold(t) for t in tokens[:last_i]]
    return NameParts(given[0], tuple(given[1:]), last)


def person_key(name: str) -> str:
    """Matching key without titles or middle names: "Brig. Gen. Mohammad Bagheri" -> "mohammad bagheri"."""
    p = name_parts(name)
    if p is None:
        return ""
    return p.last if p.first is None else f"{p.first} {p.last}"


def _given_compatible(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]  # an initial
    return same_word(a, b)


def _same_surname(a: NameParts, b: NameParts) -> bool:
    if a.last == b.last:
        return True
    la, lb = a.last.split(), b.last.split()
    return same_word(la[-1], lb[-1]) and len(la) == len(lb)


def same_person(a: str, b: str) -> bool:
    """Could these two names denote one person? A bare surname matches any full name ending with it."""
    pa, pb = name_parts(a), name_parts(b)
    if pa is None or pb is None or not _same_surname(pa, pb):
        return False
    if pa.first is None or pb.first is None:
        return True
    return _given_compatible(pa.first, pb.first)


def _has_title(name: str) -> bool:
    words = strip_possessive(name).split()
    return len(words) > 1 and _word(words[0]) in HONORIFICS


def fullest_name(names: Iterable[str]) -> str:
    """The display form: title + first + last name beats first + last beats surname; then middle
    initials ("Colin P. Clarke"), then the most frequent spelling, then the first seen."""
    counts = Counter(n.strip() for n in names if n and n.strip())
    if not counts:
        return ""
    order = {n: i for i, n in enumerate(counts)}

    def score(n: str) -> tuple:
        p = name_parts(n)
        full = p is not None and p.first is not None
        n_words = 0 if p is None else (2 if full else 1) + len(p.middle)
        return (full, n_words, _has_title(n), counts[n], -order[n])

    return max(counts, key=score)


class NameIndex:
    """Person names of an article or a story, clustered; maps any surface to the fullest name.

    Built from surfaces in reading order; clusters are recomputed lazily after ``add``.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._counts: Counter[str] = Counter()
        self._clusters: list[list[str]] | None = None
        self._of: dict[str, int] = {}
        self._buckets: dict[str, list[int]] = {}
        self._resolved: dict[str, str | None] = {}
        for n in names:
            self.add(n)

    def add(self, name: str) -> None:
        name = strip_possessive(name)
        if name_parts(name) is None:
            return
        self._counts[name] += 1
        self._clusters = None
        self._resolved.clear()

    def groups(self) -> list[tuple[str, list[str]]]:
        """(fullest name, surfaces in first-seen order) per person."""
        clusters = self._build()
        return [(fullest_name(self._expand(c)), c) for c in clusters]

    def resolve(self, surface: str) -> str | None:
        """The fullest name ``surface`` refers to, or None when unknown or ambiguous.

        A surname shared by several full names resolves to none of them; if the
        index holds that bare surname itself, it resolves to its own cluster.
        """
        if surface in self._resolved:
            return self._resolved[surface]
        clusters = self._build()
        name = strip_possessive(surface)
        i = self._of.get(name)
        if i is None:
            i = self._place(name)
        self._resolved[surface] = None if i is None else fullest_name(self._expand(clusters[i]))
        return self._resolved[surface]

    def _expand(self, cluster: list[str]) -> list[str]:
        return [n for n in cluster for _ in range(self._counts[n])]

    def _build(self) -> list[list[str]]:
        if self._clusters is not None:
            return self._clusters
        self._clusters = []
        self._buckets = defaultdict(list)
        full = [n for n in self._counts if name_parts(n).first is not None]  # type: ignore[union-attr]
        bare = [n for n in self._counts if name_parts(n).first is None]  # type: ignore[union-attr]
        for name in full + bare:
            i = self._place(name)
            if i is None:
                self._buckets[_initial(name)].append(len(self._clusters))
                self._clusters.append([name])
            else:
                self._clusters[i].append(name)
        self._of = {n: i for i, c in enumerate(self._clusters) for n in c}
        return self._clusters

    def _place(self, name: str) -> int | None:
        """The one cluster ``name`` belongs to; None if none or several (ambiguous)."""
        p = name_parts(name)
        if p is None:
            return None
        clusters = self._clusters or []

        def joins(member: str) -> bool:
            # A full name joins through full names only: "Hunter Biden" must not join {"Joe Biden", "Biden"}.
            q = name_parts(member)
            return q is not None and (p.first is None or q.first is not None) and same_person(name, member)

        # Spellings of one surname share its initial, so only that bucket can match.
        hits = [i for i in self._buckets.get(_initial(name), ()) if any(joins(m) for m in clusters[i])]
        if p.first is None and len(hits) > 1:
            # A surname shared by several people: only a cluster of bare surnames may take it.
            hits = [i for i in hits if all(name_parts(m).first is None for m in clusters[i])]  # type: ignore[union-attr]
        return hits[0] if len(hits) == 1 else None


def _initial(name: str) -> str:
    p = name_parts(name)
    return p.last.split()[-1][:1] if p else ""
