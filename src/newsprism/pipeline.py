"""The orchestrator: from read articles to one brief per story.

Stages, in order (each a function over a batch, in its own subpackage):

1. ingest      ``ingest.iter_inputs``            files, dirs, globs, stdin -> Article | Problem
2. extract     ``extract.prepare_articles``      paragraphs, sentences, byline, dateline,
                                                 syndication note, canonical outlet
3. dedup       ``dedup.find_copies``             exact, near-duplicate and syndicated copies
4. cluster     ``cluster.cluster_stories``       incremental story clustering
5. entities    ``extract.entities``              NER, names merged across a story
6. quotes      ``quotes.extract_quotes``         direct and reported speech, resolved speakers;
               ``quotes.group_quotes``           the same statement across outlets
7. claims      ``claims.align_claims``           the same fact in different words
8. provenance  ``provenance.build_provenance``   who cites whom, as a graph;
               ``provenance.key_sources``        the outlets several articles rest on;
               ``claims.assign_independence``    independent sources per claim
9. compare     ``claims.coverage``, ``claims.story_values`` (dates and figures, once),
               ``claims.find_conflicts``, ``claims.build_timeline``
10. summary    ``claims.summarize``              cited summary sentences
11. framing    ``framing.compare_framing``       wording differences per outlet
12. report     ``report``                        Markdown, JSON, HTML (done by the caller)

Swappable parts (the NLP pipeline, the embedder, the engine) are passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsprism.engine import Engine, LocalEngine
from newsprism.model import Article, Brief, Story
from newsprism.nlp import NLP

if TYPE_CHECKING:
    from newsprism.cluster.embedders import Embedder
    from newsprism.quotes import QuoteExtractor


def _quote_extractor() -> "QuoteExtractor":
    from newsprism.quotes import QuoteExtractor

    return QuoteExtractor()  # cheap: its model is read on first use


@dataclass
class Options:
    """Knobs of one analysis run."""

    embedder: "Embedder | None" = None  # None: the built-in TF-IDF representation
    single_story: bool = False  # treat all inputs as one story (skip clustering)
    framing: bool = True
    # One extractor per run, so the attribution model is read once, not once per article.
    quotes: "QuoteExtractor" = field(default_factory=_quote_extractor)


@dataclass
class Analysis:
    articles: list[Article]
    stories: list[Story]
    briefs: list[Brief] = field(default_factory=list)


def group_stories(articles: list[Article], options: Options) -> tuple[list[Article], list[Story]]:
    """Stages 3 and 4: mark copies, then group into stories."""
    from newsprism.cluster import cluster_stories
    from newsprism.dedup import find_copies

    articles = find_copies(articles)
    if options.single_story or len(articles) <= 1:
        story = Story(id="s1", articles=[a.id for a in articles])
        for a in articles:
            a.story = story.id
        return articles, [story] if articles else []
    stories = cluster_stories(articles, embedder=options.embedder)
    return articles, stories


def build_brief(story: Story, by_id: dict[str, Article], nlp: NLP, options: Options) -> Brief:
    """Stages 5 to 11 for one story."""
    from newsprism import claims as C
    from newsprism.claims.shared import shared_sentences
    from newsprism.extract.entities import extract_mentions, merge_entities
    from newsprism.provenance import build_provenance, key_sources
    from newsprism.quotes import extract_quotes, group_quotes

    arts = [by_id[i] for i in story.articles]
    nlp.docs(arts)  # one batched parse per story; the stages below reuse it
    extract_mentions(arts, nlp)
    entities = merge_entities(arts)
    quotes = {a.id: extract_quotes(a, nlp, options.quotes) for a in arts}
    brief = Brief(story=story, articles=arts, entities=entities)
    brief.shared_sentences = shared_sentences(arts)
    brief.quotes = group_quotes(arts, quotes, entities)
    brief.claims = C.align_claims(arts, nlp, embedder=options.embedder)
    brief.provenance = build_provenance(arts, quotes, nlp)
    brief.key_sources = key_sources(brief.provenance, arts)
    C.assign_independence(brief.claims, arts, brief.provenance)
    brief.coverage = C.coverage(brief.claims, arts)
    values = C.story_values(arts, nlp)
    brief.conflicts = C.find_conflicts(arts, brief.claims, values, nlp)
    brief.timeline = C.build_timeline(arts, values)
    brief.summary = C.summarize(brief.claims, arts)
    if options.framing:
        from newsprism.framing import compare_framing

        brief.framing = compare_framing(arts, brief.claims, entities, nlp)
    if story.title is None:
        story.title = C.story_title(arts)
    # The brief holds plain data only: drop the parses so memory stays flat over many stories.
    nlp.forget(story.articles)
    return brief


def analyze(
    articles: list[Article],
    *,
    nlp: NLP | None = None,
    engine: Engine | None = None,
    options: Options | None = None,
    on_story: Callable[[Brief], None] | None = None,
) -> Analysis:
    """Run stages 3 to 11 over prepared articles (stages 1-2 are the caller's)."""
    options = options or Options()
    nlp = nlp or NLP()
    engine = engine or LocalEngine()
    articles, stories = group_stories(articles, options)
    by_id = {a.id: a for a in articles}
    result = Analysis(articles=articles, stories=stories)
    for brief in engine.map(lambda s: build_brief(s, by_id, nlp, options), stories):
        result.briefs.append(brief)
        if on_story:
            on_story(brief)
    return result
