"""The learned part of attribution: which words are cues, and which phrase each one attributes.

PolNeAR counts far more than verbs of saying: beliefs ("he thinks"),
evidence ("polls show"), intentions ("she wants to"), stances ("criticized
the deal") and labels ("called him a liar"), about half of all
attributions, with a long tail of cue words. Word lists cannot keep up, so
two logistic regressions trained on PolNeAR train (``scripts/train_quotes.py``)
decide instead:

1. the cue model scores each candidate token (verbs, nouns, adjectives,
   "according") from its lemma, its part of speech, its dependency label and
   those of its children, crossed with the lemma, plus the parser's own
   96-wide vector of the token (``doc.tensor``, free once parsed), which
   carries the model to cue words train never saw;
2. the content model scores the phrases the parse offers for a cue (each
   complement subtree, with and without a trailing coordinated or relative
   clause, the object with its complement, the clause around an inserted
   "he said", the rest of the sentence, the quotation just before or after
   the cue) and the best one wins.

The feature functions here are the only ones: training and extraction share
them. Weights are plain ``{feature: weight}`` maps over lemmas and labels
(never article text) and one dense vector, scored with dict lookups and one
matrix product per article.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from newsprism.model import Span
from newsprism.nlp import text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from newsprism.quotes.marks import Quoted

MODEL_PATH = Path(__file__).with_name("attribution_model.json")

CUE_POS = frozenset({"VERB", "NOUN", "ADJ"})
# Children whose subtree may be what a cue attributes.
CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "oprd", "advcl", "attr", "acomp", "acl", "relcl", "conj", "parataxis", "nsubj", "appos"})
# Child labels worth crossing with the cue lemma.
_CUE_CHILD_DEPS = frozenset({"ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "agent", "prep", "advcl", "oprd", "dative", "poss", "acl", "mark", "aux", "auxpass", "neg", "prt", "attr", "acomp", "parataxis"})
QUOTE_CHARS = frozenset('"\u201c\u201d\u201e\u00ab\u00bb')
_MAX_CONTENT_TOKENS = 120
_TAIL_DEPS = frozenset({"conj", "cc", "relcl", "acl", "appos", "advcl", "parataxis"})
# Characters between a quotation and its cue: `"...," Jo Smith, director of a think tank in Ohio, told the Times`.
_MAX_QUOTE_GAP = 150
_STUB_CHARS = 12  # "But, according to X, ...": a side this short is not part of what was said


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A logistic regression as a weight map: P = sigmoid(bias + sum of the features' weights
    + the dense part), the dense part being a token's parser vector (``doc.tensor``) times ``dense``."""

    weights: dict[str, float]
    bias: float
    dense: tuple[float, ...] = ()

    def prob(self, features: Iterable[str], dense_score: float = 0.0) -> float:
        z = self.bias + dense_score + sum(map(self.weights.get, features, repeat(0.0)))  # the same sum, without a generator
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict:
        return {"bias": self.bias, "weights": self.weights, "dense": list(self.dense)}

    @classmethod
    def from_dict(cls, data: dict) -> "LinearModel":
        return cls(data["weights"], data["bias"], tuple(data.get("dense", ())))

    def dense_scores(self, doc: "Doc") -> list[float]:
        """The dense part for every token at once; zeros when the parse kept no vectors of that width."""
        tensor = doc.tensor
        if not self.dense or getattr(tensor, "shape", (0, 0))[-1] != len(self.dense) or len(tensor) != len(doc):
            return [0.0] * len(doc)
        import numpy as np

        return (np.asarray(tensor, dtype="float32") @ np.asarray(self.dense, dtype="float32")).tolist()


@dataclass(frozen=True, slots=True)
class AttributionModel:
    cue: LinearModel
    content: LinearModel
    cue_threshold: float
    content_threshold: float

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "AttributionModel":
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            cue=LinearModel.from_dict(data["cue"]),
            content=LinearModel.from_dict(data["content"]),
            cue_threshold=data["cue_threshold"],
            content_threshold=data["content_threshold"],
        )

    def to_json(self) -> str:
        return json.dumps({
            "cue": self.cue.to_dict(),
            "content": self.content.to_dict(),
            "cue_threshold": self.cue_threshold,
            "content_threshold": self.content_threshold,
        }, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class DocContext:
    """What the features need from one article beyond the token: its quotations, computed once."""

    text: str
    quoted: "list[Quoted]"
    inside: bytearray  # 1 for each character between quotation marks
    quote_sentence: bytearray  # 1 for each token whose sentence holds a quotation mark
    starts: list[int]  # outer starts of the quotations, in order
    ends: list[int]  # outer ends, in the same order

    @classmethod
    def build(cls, doc: "Doc", quoted: "list[Quoted]") -> "DocContext":
        flags = bytearray(len(doc))
        text = text_of(doc)
        for sent in doc.sents:
            if any(ch in QUOTE_CHARS for ch in text[sent.start_char : sent.end_char]):
                flags[sent.start : sent.end] = b"\x01" * (sent.end - sent.start)
        return cls(text, quoted, inside_quote_mask(len(text), quoted), flags,
                   [q.outer.start for q in quoted], [q.outer.end for q in quoted])


@dataclass(frozen=True, slots=True)
class Candidate:
    kind: str
    span: Span
    head: "Token"


# ---------------------------------------------------------------- spans


def inside_quote_mask(n: int, quoted: "list[Quoted]") -> bytearray:
    """1 for each character between quotation marks."""
    mask = bytearray(n)
    for q in quoted:
        for p in q.parts:
            mask[p.start : p.end] = b"\x01" * (p.end - p.start)
    return mask


def trim(text: str, span: Span) -> Span | None:
    """Drop surrounding spaces and punctuation (quotation marks included); None when nothing is left."""
    s, e = span.start, span.end
    while s < e and not (text[s].isalnum() or text[s] in "$£€%#@"):
        s += 1
    while e > s and not (text[e - 1].isalnum() or text[e - 1] in "%)?!."):
        e -= 1
    return Span(s, e) if s < e else None


def widen_to_quotations(span: Span, quoted: "list[Quoted]") -> Span:
    """The span grown over every quotation it touches, as extraction does with a content."""
    start, end = span.start, span.end
    for q in quoted:
        if q.span.start < end and start < q.span.end:
            start, end = min(start, q.span.start), max(end, q.span.end)
    return Span(start, end)


def subtree_span(tok: "Token") -> Span:
    left, right = tok.left_edge, tok.right_edge
    return Span(left.idx, right.idx + len(right))


# ---------------------------------------------------------------- cue


def is_cue_candidate(tok: "Token") -> bool:
    return tok.pos_ in CUE_POS or tok.lower_ == "according"


def cue_features(tok: "Token", ctx: DocContext) -> list[str]:
    lemma = tok.lemma_.lower()
    feats = [f"l={lemma}", f"p={tok.pos_}", f"t={tok.tag_}", f"d={tok.dep_}", f"l,d={lemma},{tok.dep_}",
             f"l,t={lemma},{tok.tag_}", f"h={tok.head.lemma_.lower()}", f"d,hp={tok.dep_},{tok.head.pos_}"]
    for c in tok.children:
        dep = c.dep_
        feats.append(f"c={dep}")
        if dep in _CUE_CHILD_DEPS:
            feats.append(f"l,c={lemma},{dep}")
        if dep == "prep":
            feats.append(f"pr={c.lower_}")
            feats.append(f"l,pr={lemma},{c.lower_}")
        elif dep in ("nsubj", "nsubjpass"):
            kind = c.ent_type_ or c.pos_
            feats.append(f"s={kind}")
            feats.append(f"l,s={lemma},{kind}")
            if c.pos_ == "NOUN":
                # "the poll shows", "the report found": who can hold a view.
                feats.append(f"sl={c.lemma_.lower()}")
        elif dep == "dobj" and c.pos_ == "NOUN":
            feats.append(f"ol={c.lemma_.lower()}")
        elif dep in ("xcomp", "advcl") and any(g.lower_ == "to" for g in c.children):
            feats.append(f"l,to={lemma}")
        elif dep == "ccomp" and any(g.dep_ == "mark" for g in c.children):
            feats.append(f"l,that={lemma}")
    doc = tok.doc
    prev = doc[tok.i - 1] if tok.i > 0 else None
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    feats.append(f"prev={prev.lower_ if prev is not None and prev.is_punct else 'w'}")
    feats.append(f"next={nxt.lower_ if nxt is not None and (nxt.is_punct or nxt.pos_ in ('ADP', 'SCONJ')) else 'w'}")
    if ctx.quote_sentence[tok.i]:
        feats.append("sentq")
        feats.append(f"l,sentq={lemma}")
    return feats


# ---------------------------------------------------------------- content


def content_candidates(tok: "Token", ctx: DocContext) -> list[Candidate]:
    """The phrases the parse offers as what ``tok`` attributes, each tagged with how it was found,
    and the quotations right before and after it (`"...," he told reporters`)."""
    out = _adjacent_quotations(tok, ctx)
    kids = list(tok.children)
    for c in kids:
        if c.dep_ in CONTENT_DEPS:
            out.extend(_with_core(f"c:{c.dep_}", c))
        elif c.dep_ == "prep":
            obj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                out.extend(_with_core(f"p:{c.lower_}", obj))
    # The wider fallbacks below are for cues the parser gave no clause complement.
    has_clause = any(c.dep_ in ("ccomp", "xcomp") for c in kids)
    right = [c for c in kids if c.i > tok.i and c.dep_ not in ("conj", "cc", "punct", "nsubj", "nsubjpass")]
    if len(right) > 1 and not has_clause:
        # Everything the cue governs to its right, without a coordinated second action.
        out.append(Candidate("right", Span(subtree_span(right[0]).start, subtree_span(right[-1]).end), right[0]))
    objs = [c for c in kids if c.i > tok.i and c.dep_ in ("dobj", "oprd", "ccomp", "xcomp", "prep")]
    if len(objs) > 1 and objs[0].dep_ == "dobj":
        out.append(Candidate("objs", Span(subtree_span(objs[0]).start, subtree_span(objs[-1]).end), objs[0]))
    if tok.dep_ != "ROOT" or tok.lower_ == "according":
        head = tok.head if tok.dep_ != "ROOT" else tok
        clause = clause_without(head, subtree_span(tok))
        if clause is not None:
            out.append(Candidate(f"clause:{tok.dep_}", clause, head))
    sent = tok.sent
    if tok.i + 1 < sent.end and not has_clause:
        rest = tok.doc[tok.i + 1 : sent.end]
        out.append(Candidate("rest", Span(rest.start_char, rest.end_char), tok))
    return [c for c in out if c.head.right_edge.i - c.head.left_edge.i < _MAX_CONTENT_TOKENS and trim(ctx.text, c.span) is not None]


def _with_core(kind: str, head: "Token") -> list[Candidate]:
    """A complement's subtree, and the same cut before what the parser hangs on its end
    (a coordinated clause, a relative clause, an apposition: "the party was fine, and urged ...")."""
    whole = Candidate(kind, subtree_span(head), head)
    cut = next((c for c in head.rights if c.dep_ in _TAIL_DEPS), None)
    if cut is None:
        return [whole]
    kept = [t for t in head.doc[head.left_edge.i : cut.left_edge.i] if not t.is_punct or t.i < head.i]
    if not kept:
        return [whole]
    return [whole, Candidate(kind + "/core", Span(kept[0].idx, kept[-1].idx + len(kept[-1])), head)]


def _adjacent_quotations(tok: "Token", ctx: DocContext) -> list[Candidate]:
    out = []
    k = bisect.bisect_right(ctx.ends, tok.idx) - 1
    if k >= 0 and _near(ctx.text[ctx.ends[k] : tok.idx]):
        out.append(Candidate("q:before", ctx.quoted[k].span, tok))
    end = tok.idx + len(tok)
    k = bisect.bisect_left(ctx.starts, end)
    if k < len(ctx.starts) and _near(ctx.text[end : ctx.starts[k]]):
        out.append(Candidate("q:after", ctx.quoted[k].span, tok))
    return out


def _near(gap: str) -> bool:
    return len(gap) <= _MAX_QUOTE_GAP and "\n" not in gap


def clause_without(head: "Token", cut: Span) -> Span | None:
    """The clause of ``head`` minus an inserted phrase: the longer side, or all if it is inside."""
    whole = subtree_span(head)
    sent = head.sent
    whole = Span(max(whole.start, sent.start_char), min(whole.end, sent.end_char))
    before = Span(whole.start, cut.start) if cut.start > whole.start else None
    after = Span(cut.end, whole.end) if cut.end < whole.end else None
    if before and after:
        # "But, according to X, ...": a side of a few characters is not part of what was said.
        if len(after) < _STUB_CHARS:
            return before
        if len(before) < _STUB_CHARS:
            return after
        return whole
    return before or after


def content_features(tok: "Token", cand: Candidate, cands: list[Candidate], ctx: DocContext) -> list[str]:
    """Features of one candidate content, some relative to the cue's other candidates."""
    n_candidates = len(cands)
    lemma = tok.lemma_.lower()
    kind = cand.kind
    head = cand.head
    size = len(cand.span) // 6 + 1
    if kind.startswith("q:"):
        lo, hi = (cand.span.end, tok.idx) if kind == "q:before" else (tok.idx + len(tok), cand.span.start)
        gap = ctx.text[lo:hi]
        between = tok.doc.char_span(lo, hi, alignment_mode="contract")
        verb = between is not None and any(t.pos_ in ("VERB", "AUX") for t in between)
        feats_gap = [f"k,gap={kind},{_bucket(len(gap.split()))}", f"l,k,colon={lemma},{kind},{':' in gap}", f"k,gapverb={kind},{verb}",
                     f"k,gapstop={kind},{any(c in gap for c in '.?!')}"]
    else:
        feats_gap = []
    size_bin = min(int(math.log2(size)), 6)
    side = "after" if cand.span.start >= tok.idx else "before"
    feats = [f"k={kind}", f"l,k={lemma},{kind}", f"p,k={tok.pos_},{kind}", f"d,k={tok.dep_},{kind}",
             f"k,n={kind},{min(n_candidates, 6)}", f"k,sz={kind},{size_bin}", f"k,side={kind},{side}",
             f"k,hp={kind},{head.pos_}", f"k,ht={kind},{head.tag_}", *feats_gap]
    span = cand.span
    longer = sum(len(c.span) > len(span) for c in cands)
    within = sum(c.span.start <= span.start and span.end <= c.span.end and c.span != span for c in cands)
    # Where the cue's clause complement sits: "X, the paper reported on Monday" wants X, not what follows.
    ccomp = next((c.span for c in cands if c.kind == "c:ccomp"), None)
    ccomp_side = "none" if ccomp is None else "before" if ccomp.start < tok.idx else "after"
    feats += [f"k,longer={kind},{min(longer, 3)}", f"k,within={kind},{min(within, 3)}",
              f"k,hasq={kind},{any(c.kind.startswith('q:') for c in cands)}", f"k,ccomp={kind},{ccomp_side},{side}"]
    first = tok.doc.char_span(cand.span.start, cand.span.end, alignment_mode="expand")
    if first is not None and len(first):
        feats.append(f"k,first={kind},{first[0].lower_ if first[0].is_punct or first[0].pos_ in ('SCONJ', 'ADP', 'DET', 'PRON') else first[0].pos_}")
        if any(ch in QUOTE_CHARS for t in first for ch in t.text):
            feats.append(f"k,q={kind}")
    return feats


def _bucket(n: int) -> int:
    """0, 1, 2, 3, then 4-7, 8-15, 16-31, ...: exact for the short gaps that matter."""
    return n if n < 4 else 2 + n.bit_length()
