"""Find loaded or evaluative wording in one article.

A token's score is the strongest of several signals, plus what the story's
other outlets say about it:

* the seed lexicon (by lemma or surface form, also ``-ly`` adverbs of
  lexicon adjectives: "fierce" seeds "fiercely");
* structure, which needs no lexicon: a reporting verb that is not a neutral
  one ("bristled", "scoffed" introducing what someone said), a manner adverb
  on a reporting verb ("said flatly"), an adjective someone intensified
  ("too generous"), a superlative, and scare quotes (a few quoted words inside
  the writer's own sentence);
* contrast, passed in by the caller: a bonus for lemmas this article uses
  where the other outlets, reporting the same fact, chose other words, and
  for lemmas no other outlet of the story uses at all.

Context-dependent lexicon entries ("regime", "militant", "war") score below
the threshold alone, so they are flagged only where another signal agrees.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsprism.framing.lexicon import Lexicon
from newsprism.model import Article, LoadedWords, Span
from newsprism.verbs import PLAIN, UNLOADED

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

THRESHOLD = 0.6

# Verbs that carry no judgement of the speaker: the unloaded verbs of saying, thinking and
# reporting (``newsprism.verbs``), and common verbs that say nothing of how words were said.
NEUTRAL_VERBS = UNLOADED | frozenset(
    "call remain continue begin start become make take give get go come try need like prefer mean".split()
)
NEUTRAL_ADVERBS = frozenset(
    ["also", "later", "again", "then", "previously", "earlier", "publicly", "privately", "separately", "recently", "first", "further", "already", "still", "once", "twice", "now", "today", "yesterday", "tomorrow", "here", "there", "not", "never", "n't", "however", "instead", "too", "so", "only", "just", "even", "meanwhile", "subsequently", "repeatedly", "directly", "initially", "originally", "officially", "formally", "briefly", "generally", "specifically", "immediately", "quickly", "soon", "swiftly", "promptly", "quietly", "yet", "ago", "back"]
)
# Verbs whose manner an adverb colours ("said angrily", "reported incorrectly"): the plain ones,
# which say nothing of how by themselves (a loaded verb is flagged itself).
_SPEECH_HEADS = PLAIN
INTENSIFYING_ADVERBS = frozenset(["very", "so", "too", "most", "deeply", "extremely", "highly", "utterly", "really", "truly"])
_WORD = re.compile(r"\w+")


@dataclass
class Flag:
    """One stretch of loaded wording, as evidence."""

    article: str
    start: int
    end: int
    text: str
    lemma: str
    category: str  # lexicon category, or "reporting-verb", "speech-manner", "intensified", "scare-quote"
    score: float
    reasons: list[str] = field(default_factory=list)
    quoted: bool = False  # inside quotation marks: the source's words, not the outlet's

    def record(self) -> LoadedWords:
        """The flag as the brief keeps it (``Framing.flags``)."""
        return LoadedWords(
            self.article, self.start, self.end, self.text, self.lemma, self.category,
            round(self.score, 3), self.reasons, self.quoted,
        )


def quoted_spans(article: Article) -> list[tuple[int, int]]:
    """Character ranges of the article's quotations, marks included, one per paragraph a quote runs over.

    The quotes stage's scanner decides what is quoted, so framing and quotes
    agree on whose words are whose.
    """
    from newsprism.extract.segment import paragraphs_of
    from newsprism.quotes.marks import find_quoted

    text = article.text
    out = []
    for q in find_quoted(text, [Span(p.start, p.end) for p in paragraphs_of(article)]):
        for part in q.parts:
            start, end = part.start, part.end
            # Widen over the marks themselves where printed (not over a paragraph break).
            if start > 0 and not text[start - 1].isspace():
                start -= 1
            if end < len(text) and not text[end].isspace():
                end += 1
            out.append((start, end))
    return out


class _Ranges:
    """Character ranges, asked whether one of them holds ``start..end``: the latest end
    among the ranges starting at or before ``start``, found by bisection (find_loaded
    asks for every token, and scanning every paragraph each time was most of its cost)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.reach: list[int] = []
        for _, e in ordered:
            self.reach.append(max(e, self.reach[-1]) if self.reach else e)

    def hold(self, start: int, end: int) -> bool:
        k = bisect_right(self.starts, start)
        return k > 0 and end <= self.reach[k - 1]


def _adverb_base(lower: str) -> list[str]:
    """Adjectives an -ly adverb may come from: fiercely->fierce, angrily->angry, horribly->horrible."""
    if not lower.endswith("ly") or len(lower) < 5:
        return []
    stem = lower[:-2]
    return [stem, stem[:-1] + "y" if stem.endswith("i") else stem, lower[:-1] + "e" if lower.endswith("bly") else stem]


SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def _is_reporting_verb(tok: Token) -> bool:
    """A verb by which a person or body introduces what it said: '..., he scoffed', 'she insisted that'."""
    if tok.pos_ != "VERB":
        return False
    speaker = any(
        c.dep_ == "nsubj" and (c.pos_ in ("PRON", "PROPN") or c.ent_type_ in SPEAKER_LABELS) for c in tok.children
    )
    if not speaker:
        return False
    for c in tok.children:
        if c.dep_ != "ccomp":
            continue
        # A finite "that" clause, or the speech placed before the verb as in quotes.
        if c.i < tok.i or any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
            return True
    return False


def _speech_head(tok: Token, lexicon: Lexicon) -> bool:
    head = tok.head
    if head.i == tok.i or head.pos_ != "VERB":
        return False
    lemma = head.lemma_.lower()
    entry = lexicon.lookup(lemma)
    return lemma in _SPEECH_HEADS or (entry is not None and entry.category.startswith("speech"))


def _token_score(tok: Token, lexicon: Lexicon) -> tuple[float, str, list[str]]:
    lower, lemma = tok.lower_, tok.lemma_.lower()
    best, category, reasons = 0.0, "", []
    entry = lexicon.lookup(lemma, lower)
    if entry is not None:
        best, category = entry.weight, entry.category
        reasons.append(f"lexicon:{entry.category}")
    elif tok.pos_ == "ADV":
        base = lexicon.lookup(*_adverb_base(lower))
        if base is not None:
            best, category = base.weight * 0.9, base.category
            reasons.append(f"lexicon:{base.category}:adverb")
    structural: list[tuple[float, str]] = []
    if tok.pos_ == "VERB" and lemma not in NEUTRAL_VERBS and _is_reporting_verb(tok):
        structural.append((0.5, "reporting-verb"))
    if tok.pos_ == "ADV" and tok.dep_ == "advmod" and lower not in NEUTRAL_ADVERBS and _speech_head(tok, lexicon):
        structural.append((0.6, "speech-manner"))
    if tok.pos_ == "ADJ" and any(c.dep_ == "advmod" and c.lower_ in INTENSIFYING_ADVERBS for c in tok.children):
        structural.append((0.45, "intensified"))
    for weight, name in structural:
        reasons.append(name)
        if weight > best:
            best, category = weight, name
        else:
            best = min(1.0, best + 0.1)  # agreeing signals reinforce each other
    if best and tok.tag_ in ("JJS", "RBS"):
        best = min(1.0, best + 0.15)
        reasons.append("superlative")
    return best, category, reasons


def _phrase_at(doc: Doc, i: int, lexicon: Lexicon) -> tuple[int, float, str] | None:
    """The longest lexicon phrase starting at token i: (end token, weight, category)."""
    tok = doc[i]
    for first in (tok.lower_, tok.lemma_.lower()):
        for tokens, entry in lexicon.phrases.get(first, ()):
            j = i + len(tokens)
            if j <= len(doc) and all(
                t in (d.lower_, d.lemma_.lower()) for t, d in zip(tokens, doc[i:j], strict=True)
            ):
                return j, entry.weight, entry.category
    return None


def _scare_quotes(article: Article, spans: list[tuple[int, int]]) -> list[Flag]:
    """Short quoted fragments inside the writer's own sentence ("so-called 'reform'")."""
    flags = []
    text = article.text
    for s, e in spans:
        inner = text[s + 1 : e - 1]
        words = _WORD.findall(inner)
        # Titles and names in quotes ("Today" show) and quoted questions are not scare quotes.
        if not 1 <= len(words) <= 3 or "?" in inner or all(w[:1].isupper() for w in words):
            continue
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line_end = len(text) if line_end < 0 else line_end
        lead = text[line_start:s].rstrip()
        before = _WORD.findall(lead)
        after = text[e:line_end].strip()
        # After a colon or comma the fragment is a short quote someone said, not
        # the writer's distancing: require several of the writer's words before it.
        if len(before) < 3 or lead.endswith((":", ",")):
            continue
        if not after and len(before) < 5:
            continue
        flags.append(
            Flag(article.id, s, e, text[s:e], " ".join(w.lower() for w in words), "scare-quote", 0.65, ["scare-quote"], True)
        )
    return flags


def _allowed(article: Article) -> list[tuple[int, int]] | None:
    """Character ranges worth reading: the body and headings, not bylines or notes."""
    if not article.paragraphs:
        return None
    return [(p.start, p.end) for p in article.paragraphs if p.kind in ("title", "subtitle", "body")]


def find_loaded(
    article: Article,
    doc: Doc,
    lexicon: Lexicon,
    bonus: Mapping[str, tuple[float, str]] | None = None,
    threshold: float = THRESHOLD,
) -> list[Flag]:
    """Loaded wording in ``article``; ``bonus`` maps a lemma to (extra score, reason)."""
    bonus = bonus or {}
    quotes = quoted_spans(article)
    quoted = _Ranges(quotes)
    paragraphs = _allowed(article)
    allowed = None if paragraphs is None else _Ranges(paragraphs)
    flags: list[Flag] = []
    i = 0
    while i < len(doc):
        tok = doc[i]
        if allowed is not None and not allowed.hold(tok.idx, tok.idx + len(tok)):
            i += 1
            continue
        phrase = _phrase_at(doc, i, lexicon)
        if phrase is not None:
            j, score, category = phrase
            reasons = [f"lexicon:{category}"]
            span = doc[i:j]
        elif tok.is_alpha and tok.pos_ in ("ADJ", "ADV", "VERB", "NOUN"):
            j = i + 1
            score, category, reasons = _token_score(tok, lexicon)
            span = doc[i:j]
        else:
            i += 1
            continue
        lemma = " ".join(t.lemma_.lower() for t in span)
        extra = bonus.get(lemma)
        if score and extra is not None:
            score = min(1.0, score + extra[0])
            reasons = [*reasons, extra[1]]
        if score >= threshold:
            start, end = span.start_char, span.end_char
            flags.append(
                Flag(article.id, start, end, article.text[start:end], lemma, category, score, reasons, quoted.hold(start, end))
            )
        i = j
    for f in _scare_quotes(article, quotes):
        if allowed is not None and not allowed.hold(f.start, f.end):
            continue
        # Loaded words inside a scare quote are part of it: keep the one wider flag.
        flags = [g for g in flags if not (f.start <= g.start and g.end <= f.end)]
        flags.append(f)
    flags.sort(key=lambda f: f.start)
    return flags
