"""Body sentences of a story as comparable vectors.

The default representation needs no model: TF-IDF over content lemmas cut to
their first five letters ("delivery"/"delivering", "defence"/"defense" meet),
with the words that only say who reported the fact left out ("X reported
that", "according to X"). A sentence embedder passed in by the caller
(``newsprism.embedders.Embedder``) is blended in when available; it
catches more paraphrase. Either way the overlap of named entities and
figures is blended in too, since paraphrase keeps those when every other
word changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsprism.claims.values import Quantity, find_quantities
from newsprism.model import Article
from newsprism.nlp import NLP
from newsprism.verbs import RELAYS, SAID, VERBS

if TYPE_CHECKING:
    import numpy as np
    from scipy import sparse
    from spacy.tokens import Span, Token

    from newsprism.embedders import Embedder

# Fewer content words than this and a "sentence" is a heading or a fragment.
MIN_CONTENT_WORDS = 3
STEM = 5
# Similarities under FLOOR are treated as none (every alignment threshold is far above it).
FLOOR = 0.1
# Pairs compared at once (a block of rows against every sentence): a few MB of dense arrays whatever
# the story's size. Rows of 1,024 were some 90 MB at a story of 190 articles (2,850 sentences).
CELLS = 1 << 18
_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"})
# Institutions and other many-word names: "the Supreme National Security Council" is not the
# "Russian Security Council", though the two share their last word (and so their key).
_NAME_LABELS = frozenset({"ORG", "FAC", "EVENT", "PRODUCT", "LAW"})
_NAME_FILLER = frozenset({"the", "of", "and", "for", "'s", "’s"})
# Verbs too general to be what a sentence asserts ("made clear that", "tried to reach"):
# the assertion is in their complement. Verbs of saying and believing (``verbs.VERBS``) too.
_LIGHT_VERBS = frozenset(
    {"be", "have", "do", "make", "take", "get", "go", "come", "give", "use", "show", "put", "see", "want", "know",
     "think", "try"}
)
_COMPLEMENTS = frozenset({"ccomp", "xcomp", "conj", "attr", "acomp", "dobj", "advcl"})
# Verbs that report the same act in other words, so two sentences asserting it share a predicate:
# "has started delivering radars" / "has begun transferring radar systems", "won the primary" /
# "defeated Specter" (no stem shows these). Only verbs whose news senses coincide; one group a line,
# a lemma in one group.
_SAME_ACT_GROUPS = """
begin start launch commence
end halt cease
deliver transfer supply ship
win defeat beat
reject dispute deny refute
raise increase boost hike
rise climb soar
fall drop plunge tumble
cut reduce slash lower
indict charge
kill slay
arrest detain
fire sack oust
resign quit
buy purchase acquire
request seek
suspend freeze
criticize criticise condemn denounce blast slam
praise commend hail
"""
_SAME_ACT = {w: line.split()[0] for line in _SAME_ACT_GROUPS.split("\n") for w in line.split()}
# Words in a row that two sentences share only when they quote or copy the same words,
# holding at least CARRIED words that say something (``_carriers``): five words that only
# name someone ("killing of Hamas political leader Ismail Haniyeh", "before U.S. District
# Judge Robert L. Wilkins") are another fact about the same people, not the same words.
RUN = 5
CARRIED = 2
# Relations by which a word describes the name it hangs on: "Hamas political leader Ismail
# Haniyeh", "America Rising, a conservative political action committee".
_DESCRIBES = frozenset({"compound", "amod", "appos", "nmod", "poss", "flat"})
# Parts of speech that carry no content of a fact beyond the names and figures it holds.
_NOT_CONTENT = frozenset({"PROPN", "NUM", "PRON", "DET", "ADP", "CCONJ", "SCONJ", "PART", "AUX", "SYM", "X", "PUNCT", "SPACE"})


@dataclass
class SentenceItem:
    article: str
    index: int  # position among the article's body sentences
    start: int
    end: int
    paragraph: int
    text: str
    lemmas: list[str]
    keys: frozenset[str]  # entities and figures, normalised
    # Institution names of two or more words, as (the key of their last word, all their words).
    names: frozenset[tuple[str, frozenset[str]]] = frozenset()
    # What the sentence asserts: the stems of its main clause's verbs (``main_predicates``), one for
    # verbs that report the same act (``_SAME_ACT``).
    predicates: frozenset[str] = frozenset()
    stems: frozenset[str] = frozenset()  # the stem of every word
    # The stems of its verbs (as ``predicates``): a predicate of another sentence met here as a verb, not a noun.
    verbs: frozenset[str] = frozenset()
    runs: frozenset[int] = frozenset()  # hashes of its runs of RUN words that carry CARRIED words
    # Stems of its content words other than names, figures and verbs of saying: what it says about them.
    content: frozenset[str] = frozenset()
    figures: frozenset[str] = frozenset()  # its figures outside names ("Amendment 64" holds none)
    # Its figures outside names that carry a unit (money, percent, metres): "$800 billion", "22 percent".
    measures: tuple[Quantity, ...] = ()


def attribution_tokens(span: "Span") -> set[int]:
    """Token indices that say who reported a fact rather than the fact itself.

    "X reported that ...", "..., the authority said", "according to X",
    "citing X", "as reported by X": two outlets stating the same fact on
    different authority should still match, and two facts that share only
    "the water authority said" should not.
    """
    out: set[int] = set()
    for t in span:
        if t.lemma_.casefold() in RELAYS and (t.dep_ == "ROOT" or any(c.dep_ == "ccomp" for c in t.children)):
            out.add(t.i)
            for c in t.children:
                if c.dep_ in ("nsubj", "nsubjpass", "agent", "dative", "aux", "advmod", "prep", "npadvmod"):
                    out.update(x.i for x in c.subtree)
        elif t.lower_ in ("according", "citing", "quoted") or (t.lower_ == "reported" and t.dep_ in ("advcl", "acl")):
            out.update(x.i for x in t.subtree)
    return out


def main_predicates(span: "Span") -> frozenset[str]:
    """Stems of the verbs that carry a sentence's main assertion.

    From the root down its coordinated verbs; a verb of saying or believing
    with a clause of its own ("said that", "expects to"; not "released water")
    or a light verb ("made clear that", "tried to") hands over to its complements. "Officials said Cowan was picked to fill
    the seat" asserts *picked*; "Obama has cut $716 billion from Medicare"
    asserts *cut*. Empty when the sentence has no such verb (a copula and a
    noun phrase, a fragment).
    """
    out: set[str] = set()
    todo = [t for t in span if t.dep_ == "ROOT"]
    seen: set[int] = set()
    while todo:
        t = todo.pop()
        if t.i in seen or not (span.start <= t.i < span.end):
            continue
        seen.add(t.i)
        lemma = t.lemma_.casefold()
        clausal = lemma in VERBS and any(c.dep_ in ("ccomp", "xcomp") for c in t.children)
        if t.pos_ == "AUX" or lemma in _LIGHT_VERBS or clausal:
            todo += [c for c in t.children if c.dep_ in _COMPLEMENTS]
        elif t.pos_ == "VERB":
            out.add(_act(lemma))
            todo += [c for c in t.children if c.dep_ in ("conj", "xcomp")]
    return frozenset(out)


def _is_content(t: "Token") -> bool:
    """A word that says something about the names and figures: no function word, name or verb of saying."""
    return (
        not (t.is_stop or t.ent_type_ or t.pos_ in _NOT_CONTENT)
        and t.lemma_[:1].isalpha()
        and t.lemma_.casefold() not in SAID
    )


def _content(span: "Span", one: Callable[[str, str], str]) -> frozenset[str]:
    """The stems of its content words, each the object ``one`` keeps for it (``sentence_items``)."""
    return frozenset(one(w, w) for t in span if _is_content(t) for w in (_stem(t.lemma_.casefold()),))


def _describing(span: "Span") -> set[int]:
    """Token indices of the names in a span and the words that describe them: the titles and
    modifiers a name heads ("Hamas political leader Ismail Haniyeh"), an apposition on either
    side ("Eric Cantor, the House majority leader"; "the CIA director, Mike Pompeo") and what
    modifies those."""
    named = {t.i for t in span if t.ent_type_}
    grown = True
    while grown:
        grown = False
        for t in span:
            if t.i in named:
                continue
            if (t.dep_ in _DESCRIBES and t.head.i in named) or any(
                c.dep_ == "appos" and c.i in named for c in t.children
            ):
                named.add(t.i)
                grown = True
    return named


def _runs(span: "Span") -> frozenset[int]:
    """Hashes of the runs of RUN words holding CARRIED content words outside names and their descriptions."""
    names = _describing(span)
    words = [(t.lower_, t.i not in names and _is_content(t)) for t in span if t.text[:1].isalnum()]
    return frozenset(
        hash(tuple(w for w, _ in words[k : k + RUN]))
        for k in range(len(words) - RUN + 1)
        if sum(c for _, c in words[k : k + RUN]) >= CARRIED
    )


def _entity_key(text: str) -> str:
    """ "Brig. Gen. Mohammad Bagheri" and "Bagheri" share a key: the last word."""
    words = [w for w in text.replace("’s", "").replace("'s", "").split() if w[:1].isalnum()]
    return "e:" + (words[-1].casefold() if words else text.casefold())


def _name(text: str) -> tuple[str, frozenset[str]] | None:
    words = [w.casefold() for w in text.replace("’s", " ’s").replace("'s", " 's").split()]
    words = [w for w in words if w not in _NAME_FILLER and w[:1].isalnum()]
    return (_entity_key(text), frozenset(words)) if len(words) >= 2 else None


def sentence_items(articles: list[Article], nlp: NLP) -> list[SentenceItem]:
    """Every body sentence long enough to state a fact, with lemmas and entity/figure keys."""
    items: list[SentenceItem] = []
    # One object for each word, however many sentences hold it: a lemma or stem made for each
    # token is a string of its own (some 50 bytes), and a story's items hold every sentence's
    # words at once in four collections (sharing them: 7.4 -> 5.5 MB of items at 100 articles).
    words: dict[str, str] = {}
    one = words.setdefault
    for a in articles:
        sents = a.body_sentences()
        if not sents:
            continue
        doc = nlp.doc(a)
        ents = [e for e in doc.ents if e.label_ in _ENTITY_LABELS]
        for i, s in enumerate(sents):
            span = doc.char_span(s.start, s.end, alignment_mode="expand")
            if span is None:
                continue
            noise = attribution_tokens(span)
            lemmas = [
                one(w, w)
                for t in span
                if not (t.is_stop or t.is_punct or t.is_space or t.i in noise) and t.lemma_.strip()
                for w in (t.lemma_.casefold(),)
            ]
            if len(lemmas) < MIN_CONTENT_WORDS:
                continue
            text = a.text[s.start : s.end]
            named = [e for e in ents if e.start_char >= s.start and e.end_char <= s.end]
            keys = {_entity_key(e.text) for e in named}
            quantities = find_quantities(text)
            keys |= {"n:" + q.normal() for q in quantities}
            # Found once: a figure inside a name is what find_quantities would skip given the names.
            spans = [(e.start_char - s.start, e.end_char - s.start) for e in named]
            outside = [q for q in quantities if not any(q.start < te and ts < q.end for ts, te in spans)]
            figures = frozenset(q.normal() for q in outside)
            inside = [e for e in ents if e.start_char >= s.start and e.end_char <= s.end and e.label_ in _NAME_LABELS]
            names = frozenset(n for n in map(_name, (e.text for e in inside)) if n is not None)
            stems = frozenset(one(w, w) for t in span if not (t.is_punct or t.is_space) for w in (_stem(t.lemma_.casefold()),))
            verbs = frozenset(one(w, w) for t in span if t.pos_ == "VERB" for w in (_act(t.lemma_.casefold()),))
            items.append(
                SentenceItem(
                    a.id, i, s.start, s.end, s.paragraph, text, lemmas, frozenset(keys), names,
                    main_predicates(span), stems, verbs, _runs(span), _content(span, one), figures,
                    tuple(q for q in outside if q.unit),
                )
            )
    return items


def _key_sets(items: list[SentenceItem]) -> "sparse.csr_matrix":
    """A sentence x key incidence matrix of the entity/figure keys."""
    import numpy as np
    from scipy import sparse

    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, it in enumerate(items):
        for k in it.keys:
            rows.append(r)
            cols.append(vocab.setdefault(k, len(vocab)))
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(items), max(len(vocab), 1)))


def tfidf(docs: list[list[str]]) -> "sparse.csr_matrix":
    """The rows scikit-learn's ``TfidfVectorizer(analyzer=list, sublinear_tf=True).fit_transform(docs)``
    gives, bit for bit, in scipy alone: importing scikit-learn (SciPy's stats come with
    it) took 1.0 of the 1.7 s of CPU a run's workers wait for before their first
    article, and this was all it did. The same steps in the same order: counts with
    terms numbered as first met, indices sorted, renumbered in term order (and left in
    that order), smoothed idf, 1 + log(tf), each row divided by its L2 norm summed in
    stored order. An empty vocabulary gives a matrix of no columns (scikit-learn
    raises)."""
    import numpy as np
    from scipy import sparse

    vocab: dict[str, int] = {}
    indices: list[int] = []
    counts: list[int] = []
    indptr = [0]
    for doc in docs:
        row: dict[int, int] = {}
        for term in doc:
            j = vocab.setdefault(term, len(vocab))
            row[j] = row.get(j, 0) + 1
        indices.extend(row)
        counts.extend(row.values())
        indptr.append(len(indices))
    x = sparse.csr_matrix(
        (np.asarray(counts, dtype=np.intc), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int32)),
        shape=(len(docs), len(vocab)), dtype=np.float64,
    )
    x.sort_indices()
    order = np.empty(len(vocab), dtype=x.indices.dtype)
    for new, term in enumerate(sorted(vocab)):
        order[vocab[term]] = new
    # A new matrix, so that whether its indices are sorted is found again (they no longer are, in general).
    x = sparse.csr_matrix((x.data, order.take(x.indices, mode="clip"), x.indptr), shape=x.shape)
    df = np.bincount(x.indices, minlength=x.shape[1]).astype(np.float64) + 1.0
    idf = np.full_like(df, fill_value=len(docs) + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    np.log(x.data, x.data)
    x.data += 1.0
    x.data *= idf[x.indices]
    data, ptr = x.data, x.indptr
    for r in range(len(docs)):
        a, b = ptr[r], ptr[r + 1]
        if a == b:
            continue
        square = data[a:b] * data[a:b]
        norm = np.cumsum(square)[-1]  # summed in stored order, one term after another
        if norm != 0.0:
            data[a:b] /= np.sqrt(norm)
    return x


def _stem(lemma: str) -> str:
    """Truncation stemming: "delivery"/"delivering" and "defence"/"defense" meet at five letters."""
    return lemma[:STEM]


def _act(lemma: str) -> str:
    """A verb's stem, the same for verbs that report the same act (``_SAME_ACT``)."""
    return _stem(_SAME_ACT.get(lemma, lemma))


def embed_items(items: list[SentenceItem], embedder: "Embedder") -> "np.ndarray":
    """Each item's text as a unit row of the embedder."""
    import numpy as np

    vec = np.asarray(embedder.embed([it.text for it in items]), dtype=np.float32)
    return vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-9)


def similarity(items: list[SentenceItem], vectors: "np.ndarray | None" = None) -> "sparse.csr_matrix":
    """Pairwise similarity in [0, 1] between sentence items, as a sparse matrix.

    ``vectors`` (``embed_items``), when given, blend the embedder's cosine in.

    Pairs under ``FLOOR`` are dropped: they are far below any alignment
    threshold, and keeping them would make a 6,000-sentence story cost
    hundreds of megabytes. Rows are computed in blocks of about ``CELLS``
    pairs, so the dense intermediate stays small whatever the story's size.
    """
    import numpy as np
    from scipy import sparse

    n = len(items)
    if n == 0:
        return sparse.csr_matrix((0, 0), dtype=np.float32)
    keys = _key_sets(items)
    key_sizes = np.asarray(keys.sum(axis=1), dtype=np.float32).ravel()
    words = tfidf([[_stem(t) for t in it.lemmas] for it in items])
    vec = vectors
    keys_t, words_t = keys.T.tocsr(), words.T.tocsr()  # once, not once a block (scipy's product converts to CSR)
    rows = max(1, CELLS // n)
    blocks = []
    for r0 in range(0, n, rows):
        r1 = min(n, r0 + rows)
        inter = (keys[r0:r1] @ keys_t).toarray()
        union = np.maximum(key_sizes[r0:r1, None] + key_sizes[None, :] - inter, 1.0)
        jaccard = inter / union
        lex = (words[r0:r1] @ words_t).toarray()
        if vec is None:
            block = 0.85 * lex + 0.15 * jaccard
        else:
            sem = np.clip(vec[r0:r1] @ vec.T, 0.0, 1.0)
            block = 0.5 * sem + 0.35 * lex + 0.15 * jaccard
        block[block < FLOOR] = 0.0
        blocks.append(sparse.csr_matrix(block.astype(np.float32)))
    return sparse.vstack(blocks, format="csr")
