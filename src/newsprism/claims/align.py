"""Claims: the same fact, reported in different words, aligned across articles.

A claim is a pivot sentence plus, in every other article, the sentence most
like it when that one is similar enough (a star, not a chain: every supporter
must match the pivot itself, so groups cannot drift) and asserts what the
pivot asserts, not another fact about its people (``asserts_same``). One
sentence can support several claims, because reporters pack facts differently: "engineers
found cracks, and 12,000 were told to leave" supports both the cracks claim
and the evacuation claim of outlets that state them apart. Pivots are taken
greedily, widest support first; a sentence already inside an accepted claim
is not a pivot again. A sentence nobody else carries is a claim of its own,
so coverage can say what each outlet adds.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from newsprism.claims.text import SentenceItem, embed_items, sentence_items, similarity
from newsprism.model import Article, Claim, Evidence, outlets_of
from newsprism.nlp import NLP

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse

    from newsprism.embedders import Embedder

# Tuned on the bundled example and the seed articles (see tests/test_claims.py).
THRESHOLD_LEXICAL = 0.30
THRESHOLD_EMBEDDING = 0.45
# A supporter must rank the pivot within this fraction of its own best match in the pivot's article.
MUTUAL = 0.75
# Similar enough that the words alone show the same assertion (see ``asserts_same``).
CLEAR = 0.5
# A predicate met in the other sentence only as a noun or another word, not as a verb, shows the
# same assertion from this similarity ("issued subpoenas" / "subpoenaed"), not under it ("was not
# questioned by Mueller" / "obtained a list of questions"): see ``asserts_same``.
NOMINAL = 0.4
# Or this much of the two sentences' content other than names (IDF-weighted cosine of the word sets).
SAYS_MORE = 0.3
# With an embedder, a supporter's cosine to the claim must reach this too.
AGREE = 0.5


def states(pivot: SentenceItem, other: SentenceItem) -> bool:
    """Whether ``other`` can say what ``pivot`` says, as far as the institutions it names and the amounts it gives show.

    Similar words are not enough: "Pezeshkian requested aid from Russian Security Council
    Secretary Shoigu" shares most of its words with "Shoigu also met the Secretary of Iran's
    Supreme National Security Council". Where the claim names an institution of two or
    more words, a supporter must not name another one of the same kind (the same last
    word, neither name inside the other).

    Nor must it give another amount of the same unit and none of the claim's: "cut
    Medicare by $800 billion" is not "has cut $716 billion from Medicare" (money,
    percent, lengths: ``SentenceItem.measures``; counts of people stay, as two
    outlets' tolls of one event are a conflict to show, ``claims.conflicts``).
    Requiring every figure of the claim (dates aside) was tried and left out: it
    cost the NeuS summaries 0.003 ROUGE-2 (sentences with figures lost the
    supporters that make them central).
    """
    for key, words in pivot.names:
        rivals = [w for k, w in other.names if k == key]
        if rivals and not any(w <= words or words <= w for w in rivals):
            return False
    for unit in {q.unit for q in pivot.measures} & {q.unit for q in other.measures}:
        mine = [q for q in pivot.measures if q.unit == unit]
        if not any(q.agrees(r) for q in mine for r in other.measures if r.unit == unit):
            return False
    return True


def asserts_same(
    pivot: SentenceItem, other: SentenceItem, sim: float, idf: dict[str, float], cosine: float | None = None
) -> bool:
    """Whether ``other`` asserts what ``pivot`` asserts, not just another fact about its people.

    Most wrong supporters share the claim's names and say something else about
    them: "Colorado voters approved Amendment 64" is not "Mr. Suthers had opposed
    Amendment 64". Under ``CLEAR`` similarity the two must show the same
    assertion in one of these ways: one's main predicate (``text.main_predicates``)
    is a verb of the other (or, from ``NOMINAL`` similarity, any word of it: a noun
    names the act as often as another fact about it, "the plan was for Sestak to
    remain" for "Sestak was planning a run"); they share a run of words (the same
    quotation, which must carry words beyond names and their titles: "the killing
    of Hamas political leader Ismail Haniyeh" is a name, ``text.CARRIED``) or a
    figure outside a name ("ordered 12,000 people to evacuate", "12,000 residents
    have left their homes": a paraphrase no stem shows); or
    ``SAYS_MORE`` of what they say beside the names (``SentenceItem.content``,
    weighted by ``idf``). Under ``NOMINAL`` similarity one of those signs is not enough:
    the two must share a main predicate (verbs of one act count, "started delivering" /
    "begun transferring") or show two of the others. Where only one of the two has a main verb, that verb
    must be met in the other in the same way, or they must share words, a figure or content
    as above: a copula or a fragment beside a sentence that asserts an act ("The
    report came just hours before tariff exemptions were due to expire" for "Trump
    imposed a 25 percent tariff") is most often another fact (on the development
    pairs, 18 of the 29 such supporters were wrong). Two sentences with no main verb
    (headlines, fragments) are not judged this way. With an embedder its ``cosine`` must also reach
    ``AGREE``: an embedding tells a paraphrase from a neighbouring fact better
    than shared words do. Measured on the hand-judged pairs of
    bench/alignment_check.py (bench/README.md): it lifts precision on every
    label set and costs recall, because a paraphrased verb ("found",
    "discovered") shows no shared stem.
    """
    if cosine is not None and cosine < AGREE:
        return False
    if sim >= CLEAR:
        return True
    verb = bool(pivot.predicates & other.verbs or other.predicates & pivot.verbs)
    words = bool(pivot.runs & other.runs or pivot.figures & other.figures)
    both = sum(idf[w] for w in pivot.content & other.content)
    says_more = both > 0 and both >= SAYS_MORE * math.sqrt(
        sum(idf[w] for w in pivot.content) * sum(idf[w] for w in other.content)
    )
    if sim < NOMINAL and not pivot.predicates & other.predicates:
        # Down here one weak sign is wrong more often than right on the development pairs (right: the
        # claim's verb met in a side clause 9 of 26, content 14 of 29, the same words or a figure 6 of 16,
        # two verbless sentences 2 of 5; from NOMINAL on 10 of 15, 6 of 8, 5 of 6, 5 of 6), a shared
        # main predicate 12 of 16. A false supporter is a false source, so it takes two.
        return verb + words + says_more >= 2
    if verb or not (pivot.predicates or other.predicates):
        return True
    if sim >= NOMINAL and (pivot.predicates & other.stems or other.predicates & pivot.stems):
        return True
    return words or says_more


def group_sentences(
    items: list[SentenceItem],
    sim: "sparse.csr_matrix",
    threshold: float,
    roots: dict[str, str] | None = None,
    vectors: "np.ndarray | None" = None,
) -> tuple[list[list[int]], list[list[int]]]:
    """Claims as lists of indices into ``items`` (pivot first), at most one sentence per article,
    and each sentence's star: itself and the sentences of other articles that say it (the claim
    it would make as the pivot), by the one rule claims are made by.

    ``vectors``: the items' unit embeddings, when an embedder is in use.
    """
    roots = roots or {}
    best = _BestMatches(items, sim)
    df = Counter(w for it in items for w in it.content)
    idf = {w: math.log((1 + len(items)) / (1 + n)) + 1 for w, n in df.items()}
    diagonal = sim.diagonal()
    stars: list[tuple[tuple, list[int]]] = []  # in item order, then sorted to pick pivots
    for i, it in enumerate(items):
        members, values = [i], [float(diagonal[i])]
        for v, j in best.row(i):
            # The match must hold both ways: i is (nearly) j's best match in i's article too.
            if (
                v >= threshold
                and v >= MUTUAL * best.value(j, i)
                and states(it, items[j])
                and asserts_same(it, items[j], v, idf, None if vectors is None else float(vectors[i] @ vectors[j]))
            ):
                members.append(j)
                values.append(v)
        support = len({roots.get(items[m].article, items[m].article) for m in members})
        cohesion = sum(values) / len(values)
        stars.append(((-support, -len(members), -cohesion, i), members))
    star_of = [members for _, members in stars]
    stars.sort(key=lambda s: s[0])
    covered: set[int] = set()
    groups: list[list[int]] = []
    for _, members in stars:
        if members[0] in covered:
            continue
        groups.append(members)
        covered.update(members)
    return groups, star_of


class _BestMatches:
    """Each sentence's best match in every other article of the story, as (similarity, index);
    the earlier sentence wins a tie. Only stored (non-negligible) pairs count. Held as flat
    arrays sorted by sentence, then article (in story order): a sentence of a large story has
    a match in most of its articles, and a dict of tuples for each (190 articles, 2,850
    sentences) made some 90 MB of small objects for the length of one brief."""

    def __init__(self, items: list[SentenceItem], sim: "sparse.csr_matrix") -> None:
        import numpy as np

        rank = {a: k for k, a in enumerate(dict.fromkeys(it.article for it in items))}
        self._of = np.array([rank[it.article] for it in items], dtype=np.int64)  # each sentence's article
        sentence = np.repeat(np.arange(len(items), dtype=np.int64), np.diff(sim.indptr))
        match = sim.indices.astype(np.int64)
        value = np.asarray(sim.data, dtype=np.float64)
        keep = self._of[match] != self._of[sentence]
        sentence, match, value = sentence[keep], match[keep], value[keep]
        article = self._of[match]
        # By sentence, then article, then the best value, then the earlier sentence: the first of each run wins.
        order = np.lexsort((match, -value, article, sentence))
        sentence, article, value, match = sentence[order], article[order], value[order], match[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (sentence[1:] != sentence[:-1]) | (article[1:] != article[:-1])
        self._article, self._value, self._match = article[first], value[first], match[first]
        self._start = np.searchsorted(sentence[first], np.arange(len(items) + 1))

    def row(self, i: int) -> list[tuple[float, int]]:
        """Sentence ``i``'s best matches, one an article, in story order."""
        lo, hi = self._start[i], self._start[i + 1]
        return list(zip(self._value[lo:hi].tolist(), self._match[lo:hi].tolist(), strict=True))

    def value(self, j: int, i: int) -> float:
        """The similarity of sentence ``j``'s best match in sentence ``i``'s article (0 for none)."""
        import numpy as np

        lo, hi = int(self._start[j]), int(self._start[j + 1])
        b = self._of[i]
        k = lo + int(np.searchsorted(self._article[lo:hi], b))
        return float(self._value[k]) if k < hi and self._article[k] == b else 0.0


def _copy_root(a: Article, by_id: dict[str, Article]) -> str:
    """The article a copy was taken from, when it is in the story; else the article itself."""
    seen = {a.id}
    while True:
        nxt = a.duplicate_of if a.duplicate_of in by_id else a.syndicated_from if a.syndicated_from in by_id else None
        if nxt is None or nxt in seen:
            return a.id
        seen.add(nxt)
        a = by_id[nxt]


def copy_roots(articles: list[Article]) -> dict[str, str]:
    """Article id -> id of the original it copies (itself when it is an original)."""
    by_id = {a.id: a for a in articles}
    return {a.id: _copy_root(a, by_id) for a in articles}


def align_claims(articles: list[Article], nlp: NLP, embedder: "Embedder | None" = None) -> list[Claim]:
    """Claims of a story, best supported first (independence is filled in later)."""
    items = sentence_items(articles, nlp)
    if not items:
        return []
    vectors = embed_items(items, embedder) if embedder is not None else None
    sim = similarity(items, vectors)
    roots = copy_roots(articles)
    threshold = THRESHOLD_EMBEDDING if embedder is not None else THRESHOLD_LEXICAL
    groups, star_of = group_sentences(items, sim, threshold, roots, vectors)
    order = {a.id: i for i, a in enumerate(articles)}
    by_id = {a.id: a for a in articles}

    def rank(g: list[int]) -> tuple:
        originals = {roots[items[i].article] for i in g}
        first = min((order[items[i].article], items[i].index) for i in g)
        return (-len(originals), -len(g), first[1], first[0])

    claims: list[Claim] = []
    for n, g in enumerate(sorted(groups, key=rank), start=1):
        rep = items[g[0]]
        g = sorted(g, key=lambda i: order[items[i].article])
        ids = [items[i].article for i in g]
        # As the story's head lists them: an article whose outlet is not known is no outlet of its own.
        outlets, not_known = outlets_of(by_id[i] for i in ids)
        claims.append(
            Claim(
                id=f"c{n}",
                text=rep.text,
                articles=ids,
                outlets=outlets,
                independent_sources=0,
                origins=[],
                evidence=[
                    Evidence(items[i].article, items[i].start, items[i].end, items[i].text,
                             [items[m].article for m in star_of[i]])
                    for i in g
                ],
                outlet_not_known=not_known,
            )
        )
    return claims
