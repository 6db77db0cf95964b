"""The default text representation: TF-IDF over several blocks of cheap features.

Each block is its own L2-normalised TF-IDF vector, scaled by the square root
of its weight, so the dot product of two articles is the weighted sum of the
blocks' cosines. That keeps similarity linear, which lets the clusterer hold a
story as one sum vector (see ``clusterer``).

Blocks, chosen by measurement on the dev sets (see bench/ and the report):

* ``W`` words of title and body, lower-cased, stop words dropped, cut to 6
  letters (a poor man's stemmer: "flooding"/"floods", "evacuations"/"evacuate");
* ``L`` the same over the lead (first ``LEAD_CHARS``): what happened, who, where;
* ``T`` title words: two headlines of one story share rare words;
* ``E`` capitalised words and pairs inside sentences: a cheap proxy for the
  people, places and organisations (who and where) that tell two earthquakes
  in Iran apart;
* ``N`` numbers: dates, tolls, magnitudes (when and how much);
* ``F`` salient figures in the title or lead (a number with a scale or
  unit, "6.6 million", "5.4%"), rounded to two digits: this week's jobless
  claims against last week's, July's jobs report against June's;
* ``D`` weekdays and months named in the title or lead: the court ruled on
  Monday, the reversal came on Wednesday.

Document frequencies are running counts (state saved with the clusterer), so
IDF needs no background corpus and no fitting pass. IDF reads them as they
stood over about the latest ``FeatureConfig.idf_window_docs`` articles (each batch fades
the earlier counts), so that a similarity means the same in the thousandth
article of a stream and in the hundred-thousandth: with counts over the whole
of a large corpus, every rare word's IDF rises by about the log of the
corpus size, a topic's words gain on the names and numbers that tell its
events apart, and the threshold chosen on sets of a thousand articles merges
more (ECB+ among 100,000 other articles: 0.921 against 0.932 alone; with the
window 0.929; bench/README.md).

Mismatch penalties (``FeatureConfig.penalties``): two articles that both name
people or places (a non-empty ``E`` block) lose a constant from their
similarity, which their shared names must win back; with the block's weight
this amounts to "same topic, different who" scoring lower, while short texts
without names are not held back. ``F`` and ``D`` work the same way for "how
much" and "when": a penalty below the block's weight, so a match still adds
and a mismatch costs. Each article carries sqrt(penalty) per
penalised block it has (``SparseVector.present``), so the penalty of two
clusters is the dot product of their sums: linear like the rest.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress, pairwise, repeat
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from newsprism.arrays import decode, encode
from newsprism.cluster.config import FeatureConfig

if TYPE_CHECKING:
    import numpy as np

# What a term is (the weights and IDF are settings, ``config.FeatureConfig``):
# changing these changes every saved vocabulary.
LEAD_CHARS = 400
PREFIX = 6
BLOCKS = ("W", "L", "T", "E", "N", "F", "D")  # raw_features returns them in this order
KEY_BLOCKS = ("W", "E")  # blocks whose rarest terms are used as blocking keys

# Runs of two or more letters: "Shoigu's" gives "shoigu" (the "s" is too short),
# "air-defence" gives "air" and "defence". Simple on purpose: this is the hot loop.
_WORD = re.compile(r"[^\W\d_]{2,}")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# A capitalised word, optionally followed by more; split() on it gives the
# text between names too, and so what precedes each name.
_CAPS = re.compile(r"([A-Z][\w'’-]*[\w](?:\s+[A-Z][\w'’-]*[\w])*)")
# Punctuation and at most two spaces (of the three characters before a name): it starts a sentence.
_SENTENCE_START = re.compile(r"[.!?:;\"“”'‘’\n—–-]\s*$")
# Weekdays and months named in the title or lead: when the event happened.
_WHEN = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|June|July|August"
    r"|September|October|November|December)\b"
)
# Salient figures: a number with a scale or unit, or with thousands separators
# ("6.6 million", "$1.9T", "943K", "5.4%", "212,000"); years and counts of a few do not qualify.
# The leading lookahead changes no match: it lets the scan skip to digits (2.5 times faster).
# The lookbehind starts a figure where its digits start: tried from every digit, a long run of
# digits cost time quadratic in its length.
_FIGURE = re.compile(
    r"(?<![\d.,])(?=\d)(?:(\d+(?:\.\d+)?)\s*(million|billion|trillion|[mbtk]\b|%|percent)|(\d{1,3}(?:,\d{3})+)(?![\d,]))",
    re.IGNORECASE,
)
_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "b": 1e9, "trillion": 1e12, "t": 1e12, "k": 1e3}
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own said same says she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself yourselves mr mrs ms
    s t will would could one two new told say like get got just""".split()
)


class _Terms(dict):
    """Lower-cased word -> its term (cut to PREFIX letters), or "" for a stop
    word; filled as words are met. One per batch: a batch's texts share most
    of their words, so each is normalised once, and counting stays in C."""

    def __missing__(self, word: str) -> str:
        term = self[word] = "" if word in _STOP else word[:PREFIX]
        return term


def _words(text: str, terms: _Terms) -> list[str]:
    """The text's word terms in order, stop words as ""."""
    return list(map(terms.__getitem__, _WORD.findall(text.lower())))


def _count(*words: list[str]) -> Counter:
    out = Counter(chain(*words))
    del out[""]  # the stop words
    return out


def name_runs(text: str) -> list[str]:
    """Runs of capitalised words inside sentences, as written (a run may span
    a line break): a word capitalised only because it starts a sentence is
    left out of its run."""
    out: list[str] = []
    starts = _SENTENCE_START.search
    pieces = _CAPS.split("\n" + text)  # the text's start is a sentence start
    for before, name in zip(pieces[::2], pieces[1::2]):
        # Three characters before a name may reach into the name before it,
        # which ends in a letter or digit and so starts no sentence.
        if starts(before[-3:]):
            name = (name.split(None, 1) + [""])[1]
        if name:
            out.append(name)
    return out


def _capitalised(text: str) -> list[str]:
    """Names inside sentences, single words and adjacent pairs."""
    out: list[str] = []
    for run in name_runs(text):
        parts = [p for p in run.lower().split() if p not in _STOP]
        out += parts
        if len(parts) > 1:
            out += map("_".join, pairwise(parts))
    return out


def _figures(text: str) -> list[str]:
    """Salient figures rounded to two significant digits: outlets round one figure differently."""
    out = []
    for num, unit, plain in _FIGURE.findall(text):
        if plain:
            out.append(f"{float(plain.replace(',', '')):.2g}")
        elif unit.lower() in ("%", "percent"):
            out.append(f"{float(num):.2g}%")
        else:
            out.append(f"{float(num) * _SCALE[unit.lower()]:.2g}")
    return out


class Texts(Protocol):
    """What features are read from: an ``Article``, or the plain strings a worker process is sent."""

    @property
    def title(self) -> str | None: ...

    @property
    def text(self) -> str: ...


def raw_features(article: Texts, terms: _Terms | None = None) -> dict[str, Counter]:
    """Term counts per block (``BLOCKS``, in that order) for one article;
    ``terms``, the normalised words of the batch so far."""
    terms = _Terms() if terms is None else terms
    text = article.text
    lead, rest = _words(text[:LEAD_CHARS], terms), _words(text[LEAD_CHARS:], terms)
    title = _words(article.title or "", terms)
    head = f"{article.title or ''}\n{text[:LEAD_CHARS]}"
    return {
        "W": _count(title, lead, rest),  # title's terms first
        "L": _count(lead),
        "T": _count(title),
        "E": Counter(_capitalised(text)),
        "N": Counter(n.replace(",", "") for n in _NUMBER.findall(text)),
        "F": Counter(_figures(head)),
        "D": Counter(_WHEN.findall(head)),
    }


@dataclass(slots=True)
class TermBatch:
    """The term counts of a batch of articles, packed: each distinct term once,
    each article's counts as positions into them.

    Packed so that it pickles in a few flat arrays (a worker process sends it
    back) and so that the featurizer looks each distinct term up once per
    batch, not once per article.
    """

    terms: list[str]  # distinct terms, first seen first
    term_block: "np.ndarray"  # int8, per term: its block's position in BLOCKS
    index: "np.ndarray"  # int32, per entry: a position in ``terms``
    counts: "np.ndarray"  # float64, per entry
    # Entries of article a, block b: index[bounds[a * len(BLOCKS) + b] : bounds[a * len(BLOCKS) + b + 1]].
    bounds: "np.ndarray"

    def __len__(self) -> int:
        return (len(self.bounds) - 1) // len(BLOCKS)


class _Positions(dict):
    """One block's term -> its position in the batch's terms; a new term is appended."""

    def __init__(self, block: int, terms: list[str], term_block: list[int]) -> None:
        self.block, self.terms, self.term_block = block, terms, term_block

    def __missing__(self, term: str) -> int:
        pos = self[term] = len(self.terms)
        self.terms.append(term)
        self.term_block.append(self.block)
        return pos


def count_terms(articles: Iterable[Texts]) -> TermBatch:
    """``raw_features`` of each article, packed into one ``TermBatch`` (a pure function)."""
    import numpy as np

    terms: list[str] = []
    term_block: list[int] = []
    seen = [_Positions(b, terms, term_block) for b in range(len(BLOCKS))]
    index: list[int] = []
    counts: list[int] = []
    bounds = [0]
    words = _Terms()
    for a in articles:
        for local, block_counts in zip(seen, raw_features(a, words).values()):
            index += map(local.__getitem__, block_counts)
            counts += block_counts.values()
            bounds.append(len(index))
    return TermBatch(
        terms,
        np.array(term_block, dtype=np.int8),
        np.array(index, dtype=np.int32),
        np.array(counts, dtype=np.float64),
        np.array(bounds, dtype=np.int64),
    )


@dataclass(slots=True)
class SparseVector:
    """Sorted term ids and their weights."""

    idx: "np.ndarray"  # int64 as made here (int32 in the ``VectorStore``), sorted, unique
    val: "np.ndarray"  # float32
    # Rarest heavy terms: blocking keys, heaviest first. An ``array("q")`` as made
    # here (an int32 array in the ``VectorStore``), never a list of Python ints.
    keys: "Sequence[int] | np.ndarray" = field(default_factory=list)
    # sqrt(penalty) per penalised block the article has, else 0: the penalty
    # of a pair is the dot product of these (see ``Featurizer.penalties``).
    present: list[float] = field(default_factory=list)

    def dot(self, other: "SparseVector") -> float:
        return float(self.dots([other])[0])

    def dots(self, others: list["SparseVector"], scratch: "np.ndarray | None" = None) -> "np.ndarray":
        """Dot products with many vectors in one vectorised pass (``sparse_dots``)."""
        return sparse_dots(self.idx, self.val, [o.idx for o in others], [o.val for o in others], scratch)


def sparse_dots(
    idx: "np.ndarray", val: "np.ndarray", others_idx: Sequence["np.ndarray"], others_val: Sequence["np.ndarray"],
    scratch: "np.ndarray | None" = None,
) -> "np.ndarray":
    """Dot products of one sparse vector (sorted ``idx``, ``val``) with many, in one vectorised pass.

    The one vector is spread over ``scratch`` (float32 zeros, longer than any
    term id; zero again on return) so that the others' terms are looked up in
    one gather rather than binary-searched. Callers that score often keep one
    scratch; without it a fitting one is made.
    """
    import numpy as np

    n = len(others_idx)
    if not n or not len(idx):
        return np.zeros(n)
    o_idx = np.concatenate(others_idx)
    o_val = np.concatenate(others_val)
    if scratch is None:
        scratch = np.zeros(int(max(idx[-1], o_idx.max(initial=0))) + 1, dtype=np.float32)
    scratch[idx] = val
    prod = scratch[o_idx] * o_val
    scratch[idx] = 0.0
    sizes = np.fromiter(map(len, others_idx), dtype=np.int64, count=n)
    out = np.zeros(n)
    nonempty = sizes > 0
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])[nonempty]
    if len(prod):
        out[nonempty] = np.add.reduceat(prod, starts)
    return out


@dataclass(slots=True)
class VectorBatch:
    """A batch's vectors, packed (a worker process sends them as a few flat
    arrays), with what making them changed in the featurizer: a copy of it
    takes them in (``Featurizer.take``) without counting the terms again."""

    idx: "np.ndarray"  # the articles' term ids, article after article, each article's sorted
    val: "np.ndarray"
    ends: list[int]  # the r-th article's entries end at ends[r]
    keys: "np.ndarray"  # int64
    key_ends: list[int]
    present: list[list[float]]
    first_term: int  # the id the first new term got
    new_terms: list[str]  # in id order
    new_blocks: "np.ndarray"  # their blocks' positions in BLOCKS
    df_ids: "np.ndarray"  # the terms whose document frequencies grew
    df_add: "np.ndarray"  # by how much
    n_docs: int  # articles counted

    def unpack(self) -> list[SparseVector]:
        out = []
        start = key_first = 0
        for end, key_end, present in zip(self.ends, self.key_ends, self.present):
            out.append(SparseVector(self.idx[start:end], self.val[start:end], array("q", self.keys[key_first:key_end].tobytes()), present))
            start, key_first = end, key_end
        return out


class CountLog(NamedTuple):
    """One change of a featurizer's counts, as ``vectorize`` or ``take`` made it:
    ``n_docs`` articles counted (the counts so far faded by as many), the term
    ids they hold and how many of them hold each, and the new terms (with their
    blocks' positions in ``BLOCKS``), which took the next ids in this order.
    ``recount`` makes the same change of the counts, to the same bits."""

    n_docs: int
    ids: "np.ndarray"
    add: "np.ndarray"
    new_terms: list[str]
    new_blocks: "np.ndarray"


class Featurizer:
    """Vocabulary and running document frequencies; turns articles into vectors."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        self.weights, self.penalties = self.config.weights, self.config.penalties
        self.vocab: dict[str, dict[str, int]] = {}  # block -> term -> term id
        self.df: "np.ndarray" = _zeros(1024)  # by term id; grows by doubling
        self.n_terms = 0
        self.n_docs = 0
        # The same counts faded (see FeatureConfig.idf_window_docs), for IDF; ``df`` stays whole for blocking.
        self.recent: "np.ndarray" = _zeros(1024)
        self.recent_docs = 0.0
        # When a list, each change of the counts is logged to it as a ``CountLog``, so
        # that a database keeps the changes of a batch rather than every count
        # (``parts``).
        self.log: list[CountLog] | None = None

    def vectors(self, batch: TermBatch, rows: Sequence[int] | None = None, n_keys: int = 8) -> list[SparseVector]:
        """Count the document frequencies of a batch's articles (``rows`` of
        it, default all), then return their vectors, in the order of ``rows``.

        New terms get the next ids in the order the batch first saw them.
        """
        return self.vectorize(batch, rows, n_keys).unpack()

    def vectorize(self, batch: TermBatch, rows: Sequence[int] | None = None, n_keys: int = 8) -> VectorBatch:
        """``vectors``, packed, with what they changed here."""
        import numpy as np

        nb = len(BLOCKS)
        rows = np.arange(len(batch)) if rows is None else np.asarray(rows, dtype=np.int64)
        # Every (article, block) segment of the rows, in order, then their entries.
        seg = (rows[:, None] * nb + np.arange(nb)).ravel()
        lo, hi = batch.bounds[seg], batch.bounds[seg + 1]
        sizes = hi - lo
        weights = np.array([self.weights.get(block, 0.0) for block in BLOCKS])
        sizes[np.tile(weights == 0, len(rows))] = 0  # unweighted blocks are dropped
        entry = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
        pos = batch.index[entry]
        first_term = self.n_terms
        self._fade(len(rows))
        ids, df_ids, df_add, new_terms, new_blocks = self._term_ids(batch, pos)
        self.n_docs += len(rows)
        self.recent_docs += len(rows)
        if self.log is not None:
            self.log.append(CountLog(len(rows), df_ids, df_add, new_terms, new_blocks))
        tfidf = (1.0 + np.log(batch.counts[entry])) * self._idf(self.recent[ids])
        seg_of = np.repeat(np.arange(len(seg)), sizes)
        norms = np.sqrt(np.bincount(seg_of, weights=tfidf * tfidf, minlength=len(seg)))
        seg_block = np.tile(np.arange(nb), len(rows))
        # A block whose terms weigh nothing (all in every document) is left out.
        kept_seg = norms > 0
        scale = np.zeros(len(seg))
        scale[kept_seg] = np.sqrt(weights[seg_block[kept_seg]]) / norms[kept_seg]
        val = (tfidf * scale[seg_of]).astype(np.float32)
        kept = kept_seg[seg_of]
        row_of = seg_of // nb
        # One sort for the whole batch instead of one per article: each article's
        # kept entries by term id, and its key entries by weight, heaviest first
        # (both stable: equal weights keep their order in the batch).
        order = np.flatnonzero(kept)
        order = order[np.argsort(row_of[order] << 40 | ids[order])]  # an article's ids are distinct: no ties
        idx, vals, ends = ids[order], val[order], np.searchsorted(row_of[order], np.arange(1, len(rows) + 1)).tolist()
        is_key = np.isin(seg_block, [BLOCKS.index(k) for k in KEY_BLOCKS])[seg_of] & kept
        key_at = np.flatnonzero(is_key)
        key_at = key_at[np.argsort(-tfidf[key_at], kind="stable")]
        key_at = key_at[np.argsort(row_of[key_at].astype(np.int16 if len(rows) < 2**15 else np.int64), kind="stable")]  # radix
        key_row = row_of[key_at]
        key_start = np.searchsorted(key_row, np.arange(len(rows)))
        heaviest = np.arange(len(key_at)) - key_start[key_row] < n_keys
        keys, key_ends = ids[key_at[heaviest]], np.searchsorted(key_row[heaviest], np.arange(1, len(rows) + 1)).tolist()
        penalised = [BLOCKS.index(block) for block in self.penalties]
        roots = np.sqrt(np.array(list(self.penalties.values()), dtype=np.float64))
        present = np.where(kept_seg.reshape(len(rows), nb)[:, penalised], roots, 0.0).tolist()
        return VectorBatch(idx, vals, ends, keys, key_ends, present, first_term, new_terms, new_blocks, df_ids, df_add, len(rows))

    def take(self, made: VectorBatch) -> list[SparseVector]:
        """Vectors that a copy of this featurizer made (``vectorize``), taken in
        as though made here: the same new terms with the same ids, the same counts."""
        import numpy as np

        if made.first_term != self.n_terms:
            raise ValueError(f"vectors made after term {made.first_term} do not fit a featurizer of {self.n_terms} terms")
        ids = np.arange(self.n_terms, self.n_terms + len(made.new_terms))
        self._add_terms(made.new_terms, made.new_blocks, ids)
        self._fade(made.n_docs)
        self.df[made.df_ids] += made.df_add
        self.recent[made.df_ids] += made.df_add
        self.n_docs += made.n_docs
        self.recent_docs += made.n_docs
        if self.log is not None:
            self.log.append(CountLog(made.n_docs, made.df_ids, made.df_add, made.new_terms, made.new_blocks))
        return made.unpack()

    def _add_terms(self, terms: list[str], blocks: "np.ndarray", ids: "np.ndarray") -> None:
        """New terms, with their blocks' positions and their ids (the next ones, in order)."""
        import numpy as np

        for b, block in enumerate(BLOCKS):
            vocab = self.vocab.setdefault(block, {})
            at = np.flatnonzero(blocks == b)
            if len(at):
                vocab.update(zip(map(terms.__getitem__, at.tolist()), ids[at].tolist()))
        self.n_terms += len(terms)
        self._grow()

    def forget_terms(self, ids: "np.ndarray") -> None:
        """Take terms out of the vocabulary (those only forgotten articles had, see
        ``NeighbourIndex._release``): such a term seen again is a new one. Their
        ids stay taken, so the ids of the others and of the terms to come do not
        change, in every copy of this featurizer."""
        import numpy as np

        if not len(ids):
            return
        gone = np.zeros(self.n_terms, dtype=bool)
        gone[ids] = True
        for vocab in self.vocab.values():
            held = np.fromiter(vocab.values(), dtype=np.int64, count=len(vocab))
            for term in compress(list(vocab), gone[held].tolist()):
                del vocab[term]

    @property
    def n_held(self) -> int:
        """Terms in the vocabulary (``n_terms`` less those forgotten)."""
        return sum(map(len, self.vocab.values()))

    def _term_ids(self, batch: TermBatch, pos: "np.ndarray") -> tuple["np.ndarray", "np.ndarray", "np.ndarray", list[str], "np.ndarray"]:
        """Our ids of the terms at these positions of the batch, each counted as one
        more document; new terms get the next ids, first seen first. Also returns
        the ids counted and by how much, and the new terms with their blocks."""
        import numpy as np

        vocabs = [self.vocab.setdefault(block, {}) for block in BLOCKS]
        terms = batch.terms
        # Each term is once per article and block, so every entry counts one document.
        docs = np.bincount(pos, minlength=len(terms))
        used = np.flatnonzero(docs)
        blocks = batch.term_block[used]
        found = np.empty(len(used), dtype=np.int64)
        # Looked up a block at a time, in C (map over dict.get): this runs over every distinct term of a batch.
        for b, vocab in enumerate(vocabs):
            at = np.flatnonzero(blocks == b)
            if len(at):
                found[at] = list(map(vocab.get, map(terms.__getitem__, used[at].tolist()), repeat(-1)))
        new = np.flatnonzero(found < 0)  # in position order: first seen first
        found[new] = np.arange(self.n_terms, self.n_terms + len(new))
        new_terms, new_blocks = list(map(terms.__getitem__, used[new].tolist())), blocks[new]
        self._add_terms(new_terms, new_blocks, found[new])
        add = docs[used]
        self.df[found] += add  # the ids are distinct: no np.add.at needed
        self.recent[found] += add
        lookup = np.zeros(len(terms), dtype=np.int64)
        lookup[used] = found
        return lookup[pos], found, add, new_terms, new_blocks

    def _fade(self, n: int) -> None:
        """Fade the counts so far as ``n`` more articles come (a batch does not fade its own)."""
        import math

        if self.recent_docs:
            g = math.exp(-n / self.config.idf_window_docs)
            self.recent[: self.n_terms] *= g
            self.recent_docs *= g

    def recount(self, n_docs: int, ids: "np.ndarray", add: "np.ndarray") -> None:
        """Make a logged change of the counts again (``CountLog``: on the counts it
        was made on, its terms known already): the same floating-point operations
        in the same order, so the same bits. A term added later has a count of 0
        here, and fading 0 leaves 0."""
        self._fade(n_docs)
        self.df[ids] += add
        self.recent[ids] += add
        self.n_docs += n_docs
        self.recent_docs += n_docs

    def _grow(self) -> None:
        if self.n_terms > len(self.df):
            size = max(self.n_terms, 2 * len(self.df))
            for name in ("df", "recent"):
                bigger = _zeros(size)
                bigger[: len(getattr(self, name))] = getattr(self, name)
                setattr(self, name, bigger)

    def _idf(self, df: "np.ndarray") -> "np.ndarray":
        """Running IDF, shrunk towards a flat weight while the corpus is small.

        In a handful of articles on one story, the story's own words are in
        every document and would get no weight at all; until there are enough
        documents to tell topic words from common ones, counts matter more.
        """
        import numpy as np

        n = self.n_docs
        c = self.config
        trust = n / (n + c.idf_trust_docs)
        return trust * (np.log((1.0 + self.recent_docs) / (1.0 + df)) + c.idf_floor) + (1.0 - trust) * c.flat_idf

    def to_dict(self) -> dict[str, Any]:
        """The counts and vocabulary; the settings are saved with the clusterer's (``ClusterConfig.features``)."""
        return {
            "vocab": self.vocab,
            "df": encode(self.df[: self.n_terms], "float64"), "n_docs": self.n_docs,
            "recent": encode(self.recent[: self.n_terms], "float64"), "recent_docs": self.recent_docs,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], config: FeatureConfig | None = None) -> "Featurizer":
        f = cls(config)
        f.vocab = {block: dict(terms) for block, terms in d["vocab"].items()}
        df = decode(d["df"], "float64")
        f.n_terms, f.n_docs = d.get("n_terms", len(df)), d["n_docs"]
        f.df, f.recent = _zeros(max(1024, f.n_terms)), _zeros(max(1024, f.n_terms))
        # A database's parts give the counts of a checkpoint (``n_terms``: the terms known since, at 0).
        f.df[: len(df)] = df
        # A state saved before the counts faded goes on from its whole counts.
        f.recent[: len(df)] = decode(d["recent"], "float64") if "recent" in d else df
        f.recent_docs = d.get("recent_docs", f.n_docs)
        for n_docs, ids, add in d.get("log", ()):  # a database's parts: the changes since these counts
            f.recount(n_docs, ids, add)
        return f


def _zeros(n: int) -> "np.ndarray":
    import numpy as np

    return np.zeros(n, dtype=np.float64)
