"""Parses kept between briefs of a growing story.

A watch briefs a story again each round it gains an article, and a story
that grows for days would be parsed whole each time: the parse and the
quote finding (the per-article part of a brief, half its CPU on a story of
190 articles) went with the story's size, not with what was new.
``ParseCache`` keeps each article's ``Parsed`` (its ``Doc`` as bytes and its
quotes, as a worker hands a large story's parses to the brief) so that the
next brief of its story parses only the articles it has not seen.

An entry is keyed by everything the article holds (``repr``: id, text,
metadata, paragraphs and sentences, all that its parse and quotes are made
from): an article changed in any way is parsed again. Entries are kept as
pickled bytes, compressed (zlib's fastest level: 36 KB an article of 1,500
characters comes to 9 KB, for some 0.5% of the parse's CPU), so each brief
gets objects of its own and what is held is one block an article, not many
small objects; the least recently used go once the cache holds ``budget``
bytes.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from typing import TYPE_CHECKING

from cachetools import LRUCache

if TYPE_CHECKING:
    from newsprism.model import Article
    from newsprism.pipeline import Parsed

PARSE_CACHE_BYTES = 16_000_000  # some 1,800 articles of 1,500 characters


class ParseCache:
    """Article -> ``Parsed``, within ``budget`` bytes; see the module docstring."""

    def __init__(self, budget: int = PARSE_CACHE_BYTES) -> None:
        self._entries: LRUCache[bytes, bytes] = LRUCache(maxsize=max(1, budget), getsizeof=len)

    @staticmethod
    def key(article: Article) -> bytes:
        return hashlib.blake2b(repr(article).encode("utf-8"), digest_size=16).digest()

    def get(self, key: bytes) -> Parsed | None:
        data = self._entries.get(key)
        return None if data is None else pickle.loads(zlib.decompress(data))  # bytes this cache made itself

    def put(self, key: bytes, parsed: Parsed) -> None:
        data = zlib.compress(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL), 1)
        if len(data) <= self._entries.maxsize:  # a larger one would not fit even alone
            self._entries[key] = data

    @property
    def size(self) -> int:
        """Bytes held."""
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)
