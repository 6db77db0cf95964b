"""The names a story's articles share: who and where, for a reader scanning stories.

Read with the clustering's own cheap name finder (capitalised runs inside
sentences), not the NER of the brief: ``newsprism cluster`` stays fast.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from newsprism.cluster.features import _WHEN, name_runs
from newsprism.extract.names import NameIndex, is_title, strip_possessive
from newsprism.model import Article

NAMES = 5
_ARTICLES = frozenset({"the", "a", "an"})
_POSSESSIVE = re.compile(r"['’]s$")


def _names(run: str) -> Iterator[str]:
    """A run's names: one per line it spans ("World Israel News" and, across a
    paragraph break, "Iranian officials"), and a possessive ends one ("Iran's
    Qeshm Island" is Iran and Qeshm Island)."""
    for k, line in enumerate(run.split("\n")):
        words = line.split()[1 if k else 0 :]  # a line's first word starts a sentence or a heading
        ends = [i + 1 for i, w in enumerate(words[:-1]) if _POSSESSIVE.search(w)]
        for lo, hi in zip([0, *ends], [*ends, len(words)]):
            if name := _name(words[lo:hi]):
                yield name


def _name(words: list[str]) -> str:
    """The name in these words, or "": what follows the last title ("Security
    Council Secretary Sergei Shoigu" -> "Sergei Shoigu"), without a leading
    "The", weekdays, months or a possessive."""
    words = [w for w in words if not _WHEN.fullmatch(base := strip_possessive(w)) and base != "May"]  # the month, mid-sentence
    titles = [k for k, w in enumerate(words) if is_title(w)]
    if titles and titles[-1] < len(words) - 1:
        words = words[titles[-1] + 1 :]
    while words and words[0].lower() in _ARTICLES:
        words.pop(0)
    name = strip_possessive(" ".join(words))
    return name if len(name) > 1 and not all(is_title(w) for w in words) else ""


def story_names(articles: Sequence[Article], k: int = NAMES) -> list[str]:
    """The ``k`` names the most of a story's articles mention (copies count
    with their originals; ties go to the name met first), each in its
    fullest form ("Shoigu" counts for "Sergei Shoigu"); with two articles or
    more, only names that at least two of them share."""
    originals = [a for a in articles if a.duplicate_of is None] or list(articles)
    found = [
        # Not the title: many outlets capitalise every word of a headline.
        list(dict.fromkeys(n for run in name_runs(a.text) for n in _names(run)))
        for a in originals
    ]
    index = NameIndex(n for names in found for n in names)
    count: Counter[str] = Counter()  # in the order names are first met
    for names in found:
        count.update(list(dict.fromkeys(index.resolve(n) or n for n in names)))
    first = {n: i for i, n in enumerate(count)}
    least = 2 if len(originals) > 1 else 1
    ranked = sorted((n for n, c in count.items() if c >= least), key=lambda n: (-count[n], first[n]))
    # A surname that stayed apart (two full names of the story end with it)
    # stands for the one full name among those listed: "Bush" beside "Reggie Bush".
    fuller: dict[str, list[str]] = {}
    for n in ranked:
        if " " in n:
            fuller.setdefault(n.rsplit(None, 1)[-1], []).append(n)
    named = [fuller[n][0] if len(fuller.get(n, ())) == 1 else n for n in ranked]
    return list(dict.fromkeys(named))[:k]
