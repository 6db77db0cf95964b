"""How outlets word the same aligned claim differently.

``claims.align_claims`` already says which sentences report the same fact; here
each outlet's wording is compared with the others': the content words only
that outlet chose ("elimination" where the others wrote "killing") are its
framing choices for that fact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsprism.framing.loaded import Flag
from newsprism.model import Article, Claim, ClaimWordings, DistinctWords, OutletWording

if TYPE_CHECKING:
    from spacy.tokens import Doc

CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "PROPN", "NUM"})
# Sentence pairs compared at once by ``_most_similar`` (rows of a block against every sentence):
# 2 MB per dense array whatever the story's size. Blocks of 2^22 (32 MB an array) made the framing's
# peak about 100 MB above its start in a story of 190 articles (2,850 sentences).
CELLS = 1 << 18


@dataclass
class Wording:
    outlet: str
    article: str
    start: int
    end: int
    text: str
    lemmas: set[str] = field(default_factory=set)
    distinct: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, lemma)


@dataclass
class ClaimContrast:
    claim: Claim
    wordings: list[Wording]


def _content(doc: Doc, start: int, end: int) -> list[tuple[int, int, str]]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return []
    return [
        (t.idx, t.idx + len(t), t.lemma_.lower())
        for t in span
        if t.pos_ in CONTENT_POS and not t.is_stop and (t.is_alpha or t.like_num)
    ]


def contrast_claims(
    claims: list[Claim],
    by_id: dict[str, Article],
    docs: dict[str, Doc],
    outlet_of: Callable[[Article], str],
) -> list[ClaimContrast]:
    """For each claim two or more outlets carry, the words each outlet alone used."""
    out = []
    for claim in claims:
        wordings: dict[str, Wording] = {}
        for ev in claim.evidence:
            art = by_id.get(ev.article)
            if art is None or ev.article not in docs:
                continue
            outlet = outlet_of(art)
            # One wording per outlet: a second sentence from the same outlet is a repeat.
            if outlet in wordings:
                continue
            tokens = _content(docs[ev.article], ev.start, ev.end)
            w = Wording(outlet, art.id, ev.start, ev.end, art.text[ev.start : ev.end], {t[2] for t in tokens})
            w.distinct = tokens
            wordings[outlet] = w
        if len(wordings) < 2:
            continue
        for w in wordings.values():
            others = set().union(*(o.lemmas for o in wordings.values() if o is not w))
            w.distinct = [t for t in w.distinct if t[2] not in others]
        if any(w.distinct for w in wordings.values()):
            out.append(ClaimContrast(claim, list(wordings.values())))
    return out


def substitution_bonus(contrasts: list[ClaimContrast], bonus: float) -> dict[str, dict[str, tuple[float, str]]]:
    """article id -> lemma -> (bonus, reason) for words chosen where other outlets chose others."""
    out: dict[str, dict[str, tuple[float, str]]] = {}
    for c in contrasts:
        for w in c.wordings:
            for _, _, lemma in w.distinct:
                out.setdefault(w.article, {})[lemma] = (bonus, f"reworded:{c.claim.id}")
    return out


def _overlap(w: Wording) -> float:
    """Share of this wording's content words that other outlets also used."""
    return 1 - len(w.distinct) / max(len(w.lemmas), 1)


def claim_wordings(contrasts: list[ClaimContrast], flags: dict[str, list[Flag]], limit: int) -> list[ClaimWordings]:
    """The ``framing.claims`` list, claims whose differing words are loaded first."""

    def is_loaded(article: str, start: int, end: int) -> bool:
        return any(f.start < end and start < f.end for f in flags.get(article, ()))

    rows: list[tuple[tuple[int, float, int], ClaimWordings]] = []
    for c in contrasts:
        wordings = []
        n_loaded = 0
        for w in c.wordings:
            distinct = []
            for s, e, _ in w.distinct:
                loaded = is_loaded(w.article, s, e)
                n_loaded += loaded
                distinct.append(DistinctWords(s, e, w.text[s - w.start : e - w.start], loaded))
            wordings.append(OutletWording(w.outlet, w.article, w.start, w.end, w.text, round(_overlap(w), 3), distinct))
        # Loosely aligned sentences share few words; a close rewording shares most.
        overlap = sum(_overlap(w) for w in c.wordings) / len(c.wordings)
        row = ClaimWordings(c.claim.id, c.claim.text, n_loaded, round(overlap, 3), wordings)
        rows.append(((-n_loaded, -overlap, -len(wordings)), row))
    rows.sort(key=lambda kr: kr[0])
    return [row for _, row in rows[:limit]]


def _sentence_lemmas(article: Article, doc: Doc) -> list[set[str]]:
    spans = [(s.start, s.end) for s in article.sentences] or [(s.start_char, s.end_char) for s in doc.sents]
    return [{t[2] for t in _content(doc, s, e)} for s, e in spans]


def parallel_bonus(
    articles: list[Article],
    docs: dict[str, Doc],
    outlet_of: Callable[[Article], str],
    bonus: float,
    min_overlap: float = 0.3,
) -> dict[str, dict[str, tuple[float, str]]]:
    """article id -> lemma -> (bonus, reason) for words that replace another outlet's words.

    Claim alignment groups sentences by meaning and may leave a heavily
    reworded sentence on its own; here a sentence is paired with its most
    word-similar sentence in any other outlet, and when they share enough
    content words the words only it has are treated as that outlet's choice.
    """
    sentences = {a.id: _sentence_lemmas(a, docs[a.id]) for a in articles}
    best = _most_similar(articles, sentences, outlet_of)
    out: dict[str, dict[str, tuple[float, str]]] = {}
    k = 0
    for a in articles:
        for lemmas in sentences[a.id]:
            if not lemmas:
                continue
            score, other = best[k]
            k += 1
            if other is None or score < min_overlap:
                continue
            for lemma in lemmas - other:
                out.setdefault(a.id, {})[lemma] = (bonus, "reworded:parallel-sentence")
    return out


def _most_similar(
    articles: list[Article], sentences: dict[str, list[set[str]]], outlet_of: Callable[[Article], str]
) -> list[tuple[float, set[str] | None]]:
    """For each non-empty sentence, in article and sentence order: the highest word
    overlap (Jaccard) with a non-empty sentence of another outlet, and that
    sentence (the first in the same order on a tie; None when there is none).

    The overlaps are counted as a sparse sentence x lemma product, a block of
    rows at a time (about ``CELLS`` pairs), so a story of thousands of sentences
    costs neither all pairs in Python nor a dense all-pairs matrix.
    """
    import numpy as np
    from scipy import sparse

    flat = [(outlet_of(a), s) for a in articles for s in sentences[a.id] if s]
    n = len(flat)
    if n == 0:
        return []
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, (_, lemmas) in enumerate(flat):
        for lemma in lemmas:
            rows.append(r)
            cols.append(vocab.setdefault(lemma, len(vocab)))
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(vocab)))
    sizes = np.asarray([len(lemmas) for _, lemmas in flat], dtype=np.float64)
    codes: dict[str, int] = {}
    outlet = np.asarray([codes.setdefault(o, len(codes)) for o, _ in flat])
    m_t = m.T.tocsr()  # once, not once a block (scipy's product converts to CSR)
    block = max(1, CELLS // n)
    out: list[tuple[float, set[str] | None]] = []
    for r0 in range(0, n, block):
        r1 = min(n, r0 + block)
        inter = (m[r0:r1] @ m_t).toarray()
        score = inter / (sizes[r0:r1, None] + sizes[None, :] - inter)  # exact counts: Python's own division
        score[outlet[r0:r1, None] == outlet[None, :]] = -1.0  # the same outlet's sentences are not candidates
        first = score.argmax(axis=1)  # the first of equal maxima, as max() takes
        for i, j in enumerate(first.tolist()):
            value = float(score[i, j])
            out.append((value, flat[j][1]) if value >= 0.0 else (0.0, None))
    return out
