"""A cited summary of the story, and a title for it.

Extractive: the summary is up to 8 sentences that the story's articles print,
each citing the articles that say it. Every sentence of a claim (its own and
the other articles' wordings of it) is a candidate; a small linear model
(``summary_scorer.json``, fitted by ``scripts/tune_summary.py`` on NeuS train:
ridge regression of each sentence's ROUGE-2 precision plus recall against the
human roundup) scores each one from the features in ``FEATURES``: where it stands in
its article (news is written in inverted pyramid), how many original reports
and independent sources carry its claim, how much of its content the other
reports and the headlines share, its length, names, numbers and quotation or
attribution marks. The summary first takes a wording of the claim the most
original reports carry and of the statement the most carry (``leading``); then
sentences are taken best first, a sentence from a report
already used weighing ``article_penalty`` less (a roundup draws on every
report), until about ``words_per_report`` words per original report (at
least MIN_SENTENCES); near-repeats of a chosen sentence are skipped, and so
is a sentence half of whose content words the chosen ones already hold, and
a sentence that opens by pointing back at something the summary never said
("The comments followed ...", "He added"). They are printed in the order the
stories tell them.

Each sentence cites the articles that say it by the rule claims are made by
(``claims.align``): those of the claim the sentence would make as its pivot,
which for a claim's own sentence are the claim's articles. The claims table and
the summary so never disagree on who says what.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from newsprism.claims.align import copy_roots
from newsprism.claims.text import STEM
from newsprism.errors import ModelError
from newsprism.model import Article, Claim, SummarySentence
from newsprism.verbs import speech_forms

MIN_SENTENCES = 2
MAX_SENTENCES = 8
# Word-set overlap above which a candidate repeats a chosen sentence.
REDUNDANT = 0.5
# Share of a candidate's content words that must be new to the summary so far (to all the chosen
# sentences together, not to each one: two sentences each telling the 12,000 evacuees beside another
# fact repeat one another). 5-fold over NeuS train: ROUGE-2 level with the 60%-of-one-sentence rule
# it replaces (mean +0.0071 over the lead against +0.0072, least fold +0.0035 against +0.0024).
NOVEL = 0.5
# The sentences scored, in claim order (best supported first): a story of thousands of articles
# would otherwise compare every sentence with every other one (``features``: "nearest").
MAX_CANDIDATES = 400
# The fitted sentence scorer, shipped with the package.
MODEL_PATH = Path(__file__).with_name("summary_scorer.json")
TITLE_HEADLINES = 200
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
_QUOTE_OPEN = ("\"", "“", "‘", "'")
_QUOTE_MARKS = ("\"", "“", "”")
# The "attributed" feature (FEATURES): the sentence says who told it. The scorer in summary_scorer.json was
# fitted on these forms of the lexicon's verbs of speech (and "according to"), so the choice is frozen with it;
# a refit may take every form of them. What the verbs are and their forms are the lexicon's (``verbs``).
_FITTED_CUES = {"say": "say says said", "tell": "tells told", "state": "stated", "add": "added",
                "announce": "announced", "claim": "claimed", "report": "reported", "write": "wrote", "tweet": "tweeted"}


def _cue_pattern(fitted: dict[str, str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join([*speech_forms(fitted), "according to"]) + r")\b", re.IGNORECASE)


_ATTRIBUTED = _cue_pattern(_FITTED_CUES)
_FIRST_PERSON = re.compile(r"\b(?:I|[Ww]e|[Mm]y|[Oo]ur|us|me)\b")
_SECOND_PERSON = re.compile(r"\b(?:you|your)\b", re.IGNORECASE)
# Verbs that end a tagged quotation ('"...," she said.'), as the summary's rules were tuned on them.
_TAGS = (*speech_forms({"say": "said says", "add": "added"}), r"told \w+",
         *speech_forms({"write": "wrote", "warn": "warned", "explain": "explained"}))
# A sentence that opens by pointing back at something said before it: alone in a summary it dangles.
_DANGLING = re.compile(
    r"^\W*(?:he|she|it|they|them|his|her|its|their|this|these|those|that|such|also|but|and|however|meanwhile"
    r"|the (?:comments?|remarks?|move|decision|statement|announcement|request|report|situation|news|incident"
    r"|newspaper|paper|agency|broadcaster|network|outlet|visit|talks|meeting|call|letter|plan|deal|same|latter|former))\b"
    r"|^\W*(?:[\w.'’-]+\s+){1,3}(?:also|too)\b"  # "Shoigu also met ...": also, beside what?
    r"|^\W*(?:one|some|many|most|all|both|each|none|several|two|three|four) of (?:them|those|these|whom)\b"
    # '"We will not gamble ...," she said.': words whose speaker the summary never named.
    r"|.*[\"”’],?\s+(?:he|she|they)\s+\w+"
    r"|.*,\s+(?:he|she|they)\s+(?:" + "|".join(_TAGS) + r")\W*$",
    re.IGNORECASE,
)
# What the scorer reads of a candidate sentence, in the order of the model's weights.
FEATURES = (
    "lead",  # 1 - its relative position in its article
    "first",  # it opens its article
    "index",  # its sentence number in its article, capped at 5, over 5
    "claim_lead",  # 1 - the earliest relative position of its claim in any article
    "support",  # log(1 + original reports carrying its claim)
    "independent",  # log(1 + independent sources behind its claim)
    "central",  # mean share of the other reports that use each of its content words
    "central_idf",  # the same, as log(1 + reports) over log(1 + other reports)
    "central_pairs",  # share of the other reports that use each of its adjacent content-word pairs
    "nearest",  # word overlap with the most alike candidate of another report
    "title",  # share of its content words that a headline of the story uses
    "title_pairs",  # share of its adjacent content-word pairs that a headline uses
    "length",  # words, capped at 60, over 30
    "short",  # under 8 words
    "long",  # over 40 words
    "numbers",  # numbers, capped at 3, over 3
    "names",  # capitalised words after the first, per word
    "quote_open",  # opens with a quotation mark
    "quoted",  # holds a quotation mark
    "attributed",  # holds a reporting verb ("said", "according to")
    "first_person",  # "I", "we", "our": a voice, not the story
    "second_person",  # "you": an opinion piece addressing its reader
    "question",  # ends with "?" or "!"
    "copy",  # taken from a copy of another article
)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _content(text: str) -> list[str]:
    """The sentence's content words in order, cut to STEM letters so inflections meet."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return [w.casefold()[:STEM] for w in _WORD.findall(text) if len(w) > 1 and w.casefold() not in STOP_WORDS]


@dataclass(frozen=True)
class Candidate:
    """A sentence an article prints for a claim: the claim's own sentence or another article's wording."""

    claim: Claim
    text: str
    article: str
    index: int  # its number among the article's body sentences
    of: int  # how many body sentences the article has
    said_by: tuple[str, ...] = ()  # the articles that say it (``Evidence.said_by``)


def candidates(claims: list[Claim], articles: list[Article]) -> list[Candidate]:
    """Each distinct sentence the claims hold, in claim order (the first article that prints it),
    the first MAX_CANDIDATES of them."""
    body = {a.id: a.body_sentences() for a in articles}
    out: list[Candidate] = []
    seen: set[str] = set()
    for c in claims:
        if len(out) >= MAX_CANDIDATES:
            break
        for ev in c.evidence[: MAX_CANDIDATES - len(out)]:
            text = ev.text.strip()
            if text in seen or ev.article not in body:
                continue
            seen.add(text)
            sents = body[ev.article]
            idx = next((i for i, s in enumerate(sents) if s.start <= ev.start < s.end), len(sents))
            out.append(Candidate(c, text, ev.article, idx, len(sents), tuple(ev.said_by)))
    return out


def _centrality(articles: list[Article], roots: dict[str, str]) -> Callable[[str], float]:
    """How much of a sentence's content the story's other reports share: the mean, over its content
    words, of the share of the other original reports that use the word (0 to 1)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    texts: dict[str, set[str]] = {}
    for a in articles:
        texts.setdefault(roots[a.id], set()).update(_words(a.text))
    reports: dict[str, int] = {}
    for words in texts.values():
        for w in words - STOP_WORDS:
            reports[w] = reports.get(w, 0) + 1
    others = max(len(texts) - 1, 1)

    def central(text: str) -> float:
        words = _words(text) - STOP_WORDS
        return sum(reports.get(w, 1) - 1 for w in words) / (len(words) * others) if words else 0.0

    return central


def features(cands: Sequence[Candidate], articles: list[Article]) -> list[list[float]]:
    """One row of FEATURES per candidate."""
    roots = copy_roots(articles)
    central = _centrality(articles, roots)
    title_words: set[str] = set()
    title_pairs: set[tuple[str, str]] = set()
    for a in articles:
        if a.title:
            words = _content(a.title)
            title_words.update(words)
            title_pairs.update(pairwise(words))
    # How many original reports use each content word and each adjacent pair of them.
    report_words: dict[str, set[str]] = {}
    report_pairs: dict[str, set[tuple[str, str]]] = {}
    for a in articles:
        r = roots[a.id]
        for s in a.body_sentences():
            words = _content(a.text[s.start : s.end])
            report_words.setdefault(r, set()).update(words)
            report_pairs.setdefault(r, set()).update(pairwise(words))
    reports: dict[str, int] = {}
    for ws in report_words.values():
        for w in ws:
            reports[w] = reports.get(w, 0) + 1
    pair_reports: dict[tuple[str, str], int] = {}
    for ps in report_pairs.values():
        for p in ps:
            pair_reports[p] = pair_reports.get(p, 0) + 1
    others = max(len(report_words) - 1, 1)
    contents = [_content(x.text) for x in cands]
    sets = [set(c) for c in contents]
    claim_lead: dict[str, float] = {}  # the claim's earliest relative position among its sentences
    for x in cands:
        claim_lead[x.claim.id] = min(claim_lead.get(x.claim.id, 1.0), x.index / max(x.of, 1))
    rows = []
    for x, content in zip(cands, contents, strict=True):
        t, me = x.text, roots[x.article]
        words = _WORD.findall(t)
        n = len(words)
        keys, pairs = set(content), set(pairwise(content))
        # A candidate's own report uses its words and pairs: the others are the count less one.
        central_pairs = sum(pair_reports.get(p, 1) - 1 for p in pairs) / (len(pairs) * others) if pairs else 0.0
        nearest = max(
            (len(keys & o) / max(len(keys | o), 1) for y, o in zip(cands, sets, strict=True) if roots[y.article] != me),
            default=0.0,
        )
        central_idf = (
            sum(math.log1p(reports.get(w, 1) - 1) for w in keys) / (len(keys) * math.log1p(others))
            if keys and len(report_words) > 1 else 0.0
        )
        rows.append([
            1 - x.index / max(x.of, 1),
            float(x.index == 0),
            min(x.index, 5) / 5,
            1 - claim_lead[x.claim.id],
            math.log1p(len({roots[a] for a in x.claim.articles if a in roots})),
            math.log1p(x.claim.independent_sources),
            central(t),
            central_idf,
            central_pairs,
            nearest,
            len(keys & title_words) / len(keys) if keys else 0.0,
            len(pairs & title_pairs) / len(pairs) if pairs else 0.0,
            min(n, 60) / 30,
            float(n < 8),
            float(n > 40),
            min(len(_NUMBER.findall(t)), 3) / 3,
            sum(1 for w in words[1:] if w[:1].isupper()) / max(n, 1),
            float(t.startswith(_QUOTE_OPEN)),
            float(any(q in t for q in _QUOTE_MARKS)),
            float(bool(_ATTRIBUTED.search(t))),
            float(bool(_FIRST_PERSON.search(t))),
            float(bool(_SECOND_PERSON.search(t))),
            float(t.endswith(("?", "!"))),
            float(roots[x.article] != x.article),
        ])
    return rows


@dataclass(frozen=True)
class SentenceScorer:
    """A linear score over FEATURES (standardised by ``mean`` and ``scale``), and how the summary uses it."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    words_per_report: float  # sentences are added until about this many words per original report
    article_penalty: float  # taken off a sentence for each sentence already chosen from its report

    def score(self, rows: list[list[float]]) -> list[float]:
        return [
            self.intercept + sum(w * (v - m) / s for w, v, m, s in zip(self.weights, row, self.mean, self.scale, strict=True))
            for row in rows
        ]

    def to_json(self, **about: object) -> str:
        body = {"features": list(FEATURES), "mean": self.mean, "scale": self.scale, "weights": self.weights,
                "intercept": self.intercept, "words_per_report": self.words_per_report,
                "article_penalty": self.article_penalty, **about}
        return json.dumps(body, indent=1) + "\n"

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SentenceScorer:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ModelError(f"cannot read the summary scorer {path}: {e}") from e
        if tuple(raw.get("features", ())) != FEATURES:
            raise ModelError(f"{path} was fitted on other features; refit it with scripts/tune_summary.py")
        return cls(tuple(raw["mean"]), tuple(raw["scale"]), tuple(raw["weights"]), float(raw["intercept"]),
                   float(raw["words_per_report"]), float(raw["article_penalty"]))


@functools.cache
def default_scorer() -> SentenceScorer:
    return SentenceScorer.load()


def summary_length(articles: list[Article]) -> int:
    """The most sentences a summary takes: one per original report, MIN_SENTENCES to MAX_SENTENCES."""
    originals = len(set(copy_roots(articles).values()))
    return max(MIN_SENTENCES, min(MAX_SENTENCES, originals))


def _unfit(text: str) -> bool:
    """The sentence cannot stand in a summary: it points back, or cuts a quotation (one mark unmatched)."""
    return bool(_DANGLING.match(text)) or text.count('"') % 2 == 1


def _statement(text: str) -> bool:
    """A quoted, attributed sentence: someone's words, with who said them."""
    return bool(_ATTRIBUTED.search(text)) and any(q in text for q in _QUOTE_MARKS)


def leading(cands: Sequence[Candidate], scores: Sequence[float], roots: dict[str, str]) -> list[int]:
    """The candidates a summary takes before any other: the best scored wording of the claim the most
    original reports carry, then of the statement the most carry, each when two reports or more carry it.
    What the story is, and what was said in it, whatever the scorer makes of them (5-fold over NeuS
    train: ROUGE-2 +0.0083 +- 0.0017 over the lead against +0.0085 +- 0.0014 without them, every fold
    above it by +0.0059 or more)."""
    reports = [len({roots[a] for a in x.claim.articles if a in roots}) for x in cands]
    out: list[int] = []
    for pool in (range(len(cands)), [j for j, x in enumerate(cands) if _statement(x.text)]):
        top = max((reports[j] for j in pool), default=0)
        best = [j for j in pool if reports[j] == top and not _unfit(cands[j].text)]
        if top >= 2 and best:
            i = max(best, key=lambda j: (scores[j], -j))
            if i not in out:
                out.append(i)
    return out


def choose(
    cands: Sequence[Candidate], scores: Sequence[float], articles: list[Article], words_per_report: float, article_penalty: float
) -> list[Candidate]:
    """The summary's sentences, the ``leading`` ones then best first as scored, in the order the stories
    tell them."""
    if not cands:
        return []
    roots = copy_roots(articles)
    first = leading(cands, scores, roots)
    most = summary_length(articles)
    budget = words_per_report * len(set(roots.values()))
    left = list(range(len(cands)))
    chosen: list[Candidate] = []
    used: dict[str, int] = {}
    words = 0
    said: set[str] = set()  # the chosen sentences' content words
    while left and len(chosen) < most and (len(chosen) < MIN_SENTENCES or words < budget):
        i = first.pop(0) if first else max(
            left, key=lambda j: (scores[j] - article_penalty * used.get(roots[cands[j].article], 0), -j))
        left.remove(i)
        x = cands[i]
        w, c = _words(x.text), set(_content(x.text))
        if any(len(w & _words(y.text)) / max(len(w | _words(y.text)), 1) > REDUNDANT for y in chosen):
            continue  # near a chosen sentence
        if c and len(c - said) < NOVEL * len(c):
            continue  # most of what it says, the summary has said
        if _unfit(x.text):
            continue
        chosen.append(x)
        used[roots[x.article]] = used.get(roots[x.article], 0) + 1
        words += len(x.text.split())
        said |= c
    if not chosen:  # every sentence dangles or repeats: the best one, rather than nothing
        chosen = [cands[max(range(len(cands)), key=lambda j: (scores[j], -j))]]
    return sorted(chosen, key=lambda x: (x.index / max(x.of, 1), x.index))


def summarize(claims: list[Claim], articles: list[Article], scorer: SentenceScorer | None = None) -> list[SummarySentence]:
    """Up to 8 cited sentences, about ``words_per_report`` words per original report."""
    cands = candidates(claims, articles)
    if not cands:
        return []
    scorer = scorer or default_scorer()
    chosen = choose(cands, scorer.score(features(cands, articles)), articles, scorer.words_per_report,
                    scorer.article_penalty)
    order = {a.id: k for k, a in enumerate(articles)}
    return [SummarySentence(text=x.text, articles=cite(x, order)) for x in chosen]


def cite(x: Candidate, order: dict[str, int]) -> list[str]:
    """The articles that say the sentence, in story order: the article it is taken from and those
    the claims' rule finds saying it (``Evidence.said_by``)."""
    return sorted({x.article, *x.said_by}, key=lambda a: order.get(a, len(order)))


def story_title(articles: list[Article]) -> str:
    """The headline that shares most words with the other headlines (the most typical one).

    Copies are left out: a republisher's new headline is not the story's. Only
    the first TITLE_HEADLINES headlines are compared (all pairs of them): the
    cost stays bounded in a story of thousands, and its title stops changing
    once it has that many.
    """
    roots = copy_roots(articles)
    titles = [a.title.strip() for a in articles if a.title and a.title.strip() and roots[a.id] == a.id][:TITLE_HEADLINES]
    if not titles:
        for a in articles:
            body = a.body_sentences()
            if body:
                return a.text[body[0].start : body[0].end].strip()
        return "Untitled story"
    sets = [_words(t) for t in titles]

    def typicality(i: int) -> float:
        return sum(len(sets[i] & sets[j]) / max(len(sets[i] | sets[j]), 1) for j in range(len(sets)) if j != i)

    return titles[max(range(len(titles)), key=lambda i: (typicality(i), -i))]
