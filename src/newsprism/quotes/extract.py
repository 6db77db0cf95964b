"""Direct quotes and reported speech in one article, from the spaCy parse.

The passes, each in its own module, over the cached ``Doc`` and one list of
``found.Found`` records:

1. ``cues``: attributions led by a cue word the learned model accepts (and
   the idiom "as X put it", a name and a colon leading a line, "in a poll");
2. ``quotations``: quotation marks widen the contents they overlap, or find
   their own cue, colon, signature or earlier quotation of the same speaker;
3. ``trimming``: where each content ends, and one attribution per content.

This module runs them in order and turns what survives into ``Quote``s with
resolved speakers (``speakers``). Paragraphs are ``extract.segment.paragraphs_of``'s:
the article's own, or the segmenter's for an unprepared article.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from newsprism.model import Act, Article, Quote, Span
from newsprism.quotes import attribution as A
from newsprism.quotes.attribution import MODEL_PATH, AttributionModel
from newsprism.quotes.cues import cue_attributions, headline_colons, hearsay, in_polls
from newsprism.quotes.found import Found
from newsprism.quotes.marks import find_quoted
from newsprism.quotes.quotations import attach_quotations
from newsprism.quotes.speakers import SpeakerResolver
from newsprism.quotes.trimming import (
    after_dateline,
    clip_after_quotations,
    clip_at_inner_cues,
    clip_quoted_source,
    clip_to_paragraphs,
    cut_adjuncts,
    dedupe,
    finish_phrases,
    only_its_source,
    split_parts,
)
from newsprism.verbs import ACT_WITH_OBJECT, FINDING_SOURCES, SPEECH_WITH_CLAUSE, act_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from newsprism.nlp import NLP


class QuoteExtractor:
    """Finds the quotes of articles; the attribution model is read on first use, once per extractor."""

    def __init__(self, model: AttributionModel | None = None, path: Path = MODEL_PATH) -> None:
        self._model = model
        self._path = path

    @property
    def model(self) -> AttributionModel:
        if self._model is None:
            self._model = AttributionModel.load(self._path)
        return self._model

    def extract(self, article: Article, nlp: "NLP") -> list[Quote]:
        """Every direct quote and reported statement in ``article``, in text order."""
        try:
            doc = nlp.doc(article)
        except ValueError:
            return []
        return self.from_doc(article, doc)

    def from_doc(self, article: Article, doc: "Doc") -> list[Quote]:
        """As extract, on an existing parse (offsets of ``doc`` = offsets of the article)."""
        text = article.text
        paragraphs = _paragraphs(article)
        quoted = find_quoted(text, paragraphs)
        ctx = A.DocContext.build(doc, quoted)
        found, bare, rejected = cue_attributions(doc, ctx, self.model)
        clip_to_paragraphs(found, paragraphs)
        found = attach_quotations(doc, quoted, found, bare, rejected)
        clip_at_inner_cues(text, found)
        clip_after_quotations(doc, quoted, found)
        finish_phrases(doc, quoted, found)
        cut_adjuncts(doc, found, ctx.inside)
        clip_quoted_source(text, quoted, found)
        found.extend(headline_colons(doc, ctx.inside, paragraphs))
        found.extend(in_polls(doc, ctx.inside))
        found.extend(hearsay(doc, ctx.inside))
        found = [f for f in dedupe(found) if not _names_an_act(doc, f)]
        resolver = SpeakerResolver(doc, article)
        quotes = []
        for f in sorted(found, key=lambda f: f.content.start):
            content = A.trim(text, after_dateline(text, f.content))
            if content is None:
                continue
            speaker = resolver.resolve(f.speaker)
            direct = any(q.outer.overlaps(content) or content.overlaps(q.span) for q in quoted)
            if not direct and only_its_source(text, content, speaker):
                continue
            parts = split_parts(text, content, quoted) if direct else []
            phrase = resolver.phrase(f.speaker, Span(min(content.start, f.cue.start), max(content.end, f.cue.end)) if f.cue else content)
            quotes.append(Quote(content=content, speaker=speaker, cue=f.cue, direct=direct, article=article.id, parts=parts,
                                act=_act(doc, f, direct), headline=in_headline(article, content), source_phrase=phrase))
        return quotes


def extract_quotes(article: Article, nlp: "NLP", extractor: QuoteExtractor | None = None) -> list[Quote]:
    """Every direct quote and reported statement in ``article``; pass one ``extractor`` for many articles."""
    return (extractor or QuoteExtractor()).extract(article, nlp)


def _act(doc: "Doc", f: Found, direct: bool) -> Act:
    """What the attribution reports, from its cue word and its source (``newsprism.verbs``).

    A colon, a signature dash, "according to" and "as X put it" pass on words; a poll, study
    or survey states a finding whatever its verb; a stance verb with a clause passes on words ("the
    Times highlighted that ...", ``SPEECH_WITH_CLAUSE``). A cue word the lexicon does not know
    (`criticized`, `distancing itself`, `declined`) reports a stance, unless it tags words in
    quotation marks, which were said.
    """
    if f.act is not None:
        return f.act
    if f.speaker is not None and f.speaker.lemma_.lower() in FINDING_SOURCES:
        return "finding"
    cue = doc.char_span(f.cue.start, f.cue.end, alignment_mode="expand") if f.cue is not None else None
    if cue is None or not any(t.is_alpha for t in cue) or any(t.lower_ == "according" for t in cue):
        return "speech"
    head = cue.root
    if head.lemma_.lower() in SPEECH_WITH_CLAUSE and any(
        c.dep_ == "ccomp" and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children) for c in head.children
    ):
        return "speech"
    return act_of(head.lemma_) or act_of(head.lower_) or ("speech" if direct else "belief")


def _names_an_act(doc: "Doc", f: Found) -> bool:
    """ "The two countries concluded an agreement": a cue verb whose object is a noun, where its
    reporting sense takes a clause ("concluded that ..."), does something; it attributes nothing."""
    if f.cue is None:
        return False
    cue = doc.char_span(f.cue.start, f.cue.end, alignment_mode="expand")
    if cue is None or not len(cue):
        return False
    head = cue.root
    return head.lemma_.lower() in ACT_WITH_OBJECT and any(c.dep_ == "dobj" for c in head.children)


def in_headline(article: Article, content: Span) -> bool:
    """The content sits in the title or the deck under it: a headline is never a statement."""
    return any(p.kind in ("title", "subtitle") and p.start <= content.start < p.end for p in article.paragraphs)


def _paragraphs(article: Article) -> list[Span]:
    from newsprism.extract.segment import paragraphs_of

    return [Span(p.start, p.end) for p in paragraphs_of(article)]
