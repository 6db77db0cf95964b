"""A cited summary of the story, and a title for it.

Extractive: the summary is up to 8 claims, each printed as its representative
sentence and citing the articles that say it. Alignment puts an article's
sentence in a claim when it is like the claim's sentence, which is not the same
as saying it ("Pezeshkian asked Security Council Secretary Shoigu for aid" is
like "Shoigu met the Secretary of the Supreme National Security Council"), so
each citation is checked on its own: the article must use every name the
sentence uses, and one of its sentences must carry at least SAYS of the
sentence's content (see ``_sayer``). Claims are ranked by how
many original reports carry them and how many independent sources stand
behind them, with a bonus for facts outlets put near the top (news is
written in inverted pyramid) and for words the other reports use too (what
the story is about rather than one outlet's aside); near-repeats of a chosen
sentence are skipped, and so is a sentence that opens by pointing back at
something the summary never said ("The comments followed ...", "He added");
sentences are added until about WORDS_PER_REPORT words per original report
(at least MIN_SENTENCES), then printed in the order the stories tell them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from itertools import pairwise

from newsprism.claims.align import copy_roots
from newsprism.claims.text import STEM
from newsprism.model import Article, Claim, SummarySentence

MIN_SENTENCES = 2
MAX_SENTENCES = 8
# Length: sentences are added until this many words per original report (NeuS roundups run
# about 56 words for 3 reports). With CENTRAL_WEIGHT, chosen by 5-fold cross-validation over
# 757 NeuS stories (all 307 val, 450 drawn from train; 4 of 5 folds chose these values):
# ROUGE-2 +0.0021 held out (fold spread 0.0030); val 0.1757 -> 0.1816 (lead 0.1721).
WORDS_PER_REPORT = 20
# Weight of sharing content words with the story's other reports.
CENTRAL_WEIGHT = 1.0
# Word-set overlap above which a candidate repeats a chosen sentence.
REDUNDANT = 0.5
# Share of a summary sentence's content (its rare words and word pairs, weighted by how rare they
# are in the story) that one sentence of a cited article must carry. Set by reading the aligned pairs
# of the seeds and the bundled example: at 0.35 "Nearly 12,000 residents of Millbrook and Ashford have
# left their homes" still says "The authority has ordered 12,000 people in Millbrook and Ashford to
# evacuate"; looser rewordings fall below it and lose their citation ("Shoigu expressed Russia's
# readiness for comprehensive regional cooperation" for "We are ready for full cooperation", 0.30).
# Wrong citations are dropped first of all by the names check.
SAYS = 0.35
# Sentences longer than this many words read badly in a summary.
LONG = 45
# Weight of being near the top of the articles (tuned on NeuS val: ROUGE-2 0.173 -> 0.176).
LEAD_WEIGHT = 3.0
TITLE_HEADLINES = 200
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
_QUOTE_OPEN = ("\"", "“", "‘", "'")
# A sentence that opens by pointing back at something said before it: alone in a summary it dangles.
_DANGLING = re.compile(
    r"^\W*(?:he|she|it|they|them|his|her|its|their|this|these|those|that|such|also|but|and|however|meanwhile"
    r"|the (?:comments?|remarks?|move|decision|statement|announcement|request|report|situation|news|incident"
    r"|newspaper|paper|agency|broadcaster|network|outlet|visit|talks|meeting|call|letter|plan|deal|same|latter|former))\b"
    r"|^\W*(?:[\w.'’-]+\s+){1,3}(?:also|too)\b"  # "Shoigu also met ...": also, beside what?
    r"|^\W*(?:one|some|many|most|all|both|each|none|several|two|three|four) of (?:them|those|these|whom)\b",
    re.IGNORECASE,
)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _content(text: str) -> list[str]:
    """The sentence's content words in order, cut to STEM letters so inflections meet."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return [w.casefold()[:STEM] for w in _WORD.findall(text) if len(w) > 1 and w.casefold() not in STOP_WORDS]


def _names(text: str) -> set[str]:
    """The names and figures the sentence uses: capitalised words inside it (not its first word),
    plural folded, and its numbers ("12,000" as "12000")."""
    words = _WORD.findall(text)
    names = {w.casefold().removesuffix("s") for w in words[1:] if w[:1].isupper() and len(w) > 3}
    return names | {n.replace(",", "") for n in _NUMBER.findall(text)}


def _sayer(articles: list[Article]) -> Callable[[str, str], bool]:
    """``says(text, article_id)``: whether the article states the sentence, not just something like it.

    The article must use every name and number in the sentence (anywhere: a later "He" still names
    Shoigu once),
    and one of its sentences must carry SAYS of the sentence's content: the mean of the share of its
    content words and the share of its adjacent content-word pairs found there, words weighted by
    inverse frequency over the story's sentences (a name every report repeats says little).
    """
    # Each body sentence's content words and adjacent pairs, as sets: built once, read for every citation.
    sents: dict[str, list[tuple[set[str], set[tuple[str, str]]]]] = {}
    for a in articles:
        contents = (_content(a.text[s.start : s.end]) for s in a.body_sentences())
        sents[a.id] = [(set(words), set(pairwise(words))) for words in contents]
    names = {
        a.id: {w.casefold().removesuffix("s") for w in _WORD.findall(a.text)}
        | {n.replace(",", "") for n in _NUMBER.findall(a.text)}
        for a in articles
    }
    n = sum(len(v) for v in sents.values())
    df: dict[str, int] = {}
    for v in sents.values():
        for words, _ in v:
            for w in words:
                df[w] = df.get(w, 0) + 1

    def idf(w: str) -> float:
        return math.log((n + 1) / (df.get(w, 0) + 0.5))

    def says(text: str, article: str) -> bool:
        if _names(text) - names.get(article, set()):
            return False
        words = _content(text)
        keys, pairs = set(words), set(pairwise(words))
        total = sum(idf(w) for w in keys)
        if not total:
            return True
        for other, other_pairs in sents.get(article, []):
            share = sum(idf(w) for w in keys & other) / total
            paired = len(pairs & other_pairs) / len(pairs) if pairs else share
            if (share + paired) / 2 >= SAYS:
                return True
        return False

    return says


def _positions(claims: list[Claim], articles: list[Article]) -> dict[str, float]:
    """Each claim's earliest relative position in the articles that carry it (0 = lead)."""
    body = {a.id: a.body_sentences() for a in articles}
    out = {}
    for c in claims:
        best = 1.0
        for ev in c.evidence:
            sents = body[ev.article]
            idx = next((i for i, s in enumerate(sents) if s.start <= ev.start < s.end), len(sents))
            best = min(best, idx / max(len(sents), 1))
        out[c.id] = best
    return out


def _centrality(articles: list[Article], roots: dict[str, str]) -> Callable[[Claim], float]:
    """How much of a claim's content the story's other reports share: the mean, over its content
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

    def central(c: Claim) -> float:
        words = _words(c.text) - STOP_WORDS
        return sum(reports.get(w, 1) - 1 for w in words) / (len(words) * others) if words else 0.0

    return central


def _score(c: Claim, position: float, roots: dict[str, str], central: float = 0.0) -> float:
    support = len({roots[a] for a in c.articles})
    words = len(_WORD.findall(c.text))
    score = math.log1p(support) * 2 + math.log1p(c.independent_sources) + (1 - position) * LEAD_WEIGHT + central * CENTRAL_WEIGHT
    if c.text.lstrip().startswith(_QUOTE_OPEN):
        score -= 1.0  # a quotation is one voice, not the story
    if words > LONG or words < 6:
        score -= 1.0
    return score


def summary_length(articles: list[Article]) -> int:
    """The most sentences a summary takes: one per original report, MIN_SENTENCES to MAX_SENTENCES."""
    originals = len(set(copy_roots(articles).values()))
    return max(MIN_SENTENCES, min(MAX_SENTENCES, originals))


def summarize(claims: list[Claim], articles: list[Article]) -> list[SummarySentence]:
    """Up to 8 cited sentences, about WORDS_PER_REPORT words per original report."""
    if not claims:
        return []
    roots = copy_roots(articles)
    pos = _positions(claims, articles)
    central = _centrality(articles, roots)
    ranked = sorted(claims, key=lambda c: -_score(c, pos[c.id], roots, central(c)))
    most = summary_length(articles)
    budget = WORDS_PER_REPORT * len(set(roots.values()))
    chosen: list[Claim] = []
    words = 0
    for c in ranked:
        if len(chosen) >= most or (len(chosen) >= MIN_SENTENCES and words >= budget):
            break
        w = _words(c.text)
        if any(len(w & _words(x.text)) / max(len(w | _words(x.text)), 1) > REDUNDANT for x in chosen):
            continue
        if _DANGLING.match(c.text) or c.text.count('"') % 2:  # or a cut quotation: one mark unmatched
            continue
        chosen.append(c)
        words += len(c.text.split())
    if not chosen:  # every claim dangles or repeats: the best one, rather than nothing
        chosen = ranked[:1]
    chosen.sort(key=lambda c: pos[c.id])
    says = _sayer(articles)
    out = []
    for c in chosen:
        text = c.text.strip()
        cited = [a for a in c.articles if says(text, a)]
        # The article the sentence is taken from says it, whatever the check makes of its wording.
        source = next((ev.article for ev in c.evidence if ev.text.strip() == text), c.articles[0] if c.articles else None)
        if source is not None and source not in cited:
            cited.insert(0, source)
        out.append(SummarySentence(text=text, articles=[a for a in c.articles if a in cited]))
    return out


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
