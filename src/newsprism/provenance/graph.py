"""The provenance graph of a story: article -> cited source -> its sources.

Nodes: one per article (``article:<id>``) and one per source (outlets,
syndicates, people, officials, anonymous groups; ids from ``sources``).
Edges point from the one who cites to the one cited, and each carries the
sentence it was read from, so ``claims.assign_independence`` can trace a
claim's supporting sentence back through the graph:

- ``article -> outlet`` "cites" (the sentence credits another outlet);
- ``outlet -> person/group/outlet`` "quotes"/"cites" (whom that outlet cites,
  read from the same sentence);
- ``article -> person/group`` "quotes"/"cites" (the article's own reporting);
- ``article -> article`` "copy-of" and "republishes" (dedup and syndication notes),
  ``article -> syndicate`` "republishes" when the syndicate is not in the story.
"""

from __future__ import annotations

from typing import Literal

from newsprism.model import Article, KeySource, NodeKind, ProvEdge, Provenance, ProvNode, Quote, Relation
from newsprism.nlp import NLP
from newsprism.provenance.attribution import attribute_article
from newsprism.provenance.sources import Source, media_source


def article_node(article_id: str) -> str:
    return f"article:{article_id}"


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, ProvNode] = {}
        self.edges: dict[tuple, ProvEdge] = {}

    def node(self, id: str, name: str, kind: NodeKind) -> str:
        old = self.nodes.get(id)
        # The fullest spelling is the most informative name for a merged node.
        if old is None or len(name) > len(old.name):
            self.nodes[id] = ProvNode(id, name, kind)
        return id

    def source(self, src: Source) -> str:
        return self.node(src.id, src.name, src.kind)

    def edge(self, source: str, target: str, relation: Relation, article: Article, start: int, end: int) -> None:
        key = (source, target, relation, article.id, start, end)
        if key not in self.edges and source != target:
            self.edges[key] = ProvEdge(source, target, relation, article.id, start, end, article.text[start:end])


def _copy_evidence(a: Article) -> tuple[int, int]:
    """Where the text says it is a copy (the syndication note), else its first body sentence."""
    span = a.inferred.get("syndicated_from")
    if span is not None:
        return span.start, span.end
    notes = [p for p in a.paragraphs if p.kind == "note"]
    if notes:
        return notes[-1].start, notes[-1].end
    body = a.body_sentences()
    return (body[0].start, body[0].end) if body else (0, 0)


def build_provenance(articles: list[Article], quotes: dict[str, list[Quote]], nlp: NLP | None = None) -> Provenance:
    """Who cites whom across the articles of one story.

    ``nlp`` is accepted for the orchestrator's uniform signature; attribution
    reads the quotes stage's parse instead of parsing again.
    """
    b = _Builder()
    by_id = {a.id: a for a in articles}
    outlets = sorted({a.outlet for a in articles if a.outlet})
    for a in articles:
        b.node(article_node(a.id), a.label, "article")
    for a in articles:
        me = article_node(a.id)
        start, end = _copy_evidence(a)
        if a.duplicate_of in by_id:
            b.edge(me, article_node(a.duplicate_of), "copy-of", a, start, end)
        if a.syndicated_from:
            origin = by_id.get(a.syndicated_from) or next(
                (o for o in articles if o is not a and o.outlet and o.outlet == a.syndicated_from and not o.syndicated_from), None
            )
            if origin is not None:
                b.edge(me, article_node(origin.id), "republishes", a, start, end)
            else:
                b.edge(me, b.source(media_source(a.syndicated_from)), "republishes", a, start, end)
        for att in attribute_article(a, quotes.get(a.id, []), outlets):
            cited_by = me
            if att.reporter is not None:
                cited_by = b.source(att.reporter)
                b.edge(me, cited_by, "cites", a, att.start, att.end)
            for src, relation in att.informants:
                b.edge(cited_by, b.source(src), relation, a, att.start, att.end)
    return Provenance(nodes=sorted(b.nodes.values(), key=lambda n: n.id), edges=list(b.edges.values()))


def key_sources(provenance: Provenance, articles: list[Article]) -> list[KeySource]:
    """Outlets and syndicates credited by at least two articles, most credited first.

    "All five rest on the Times" is the first thing a reader should see; an
    outlet credited by one article is detail for the attribution chains.
    """
    nodes = {n.id: n for n in provenance.nodes}
    own = {article_node(a.id): a.id for a in articles}
    credited: dict[str, dict[str, None]] = {}
    kinds: dict[str, Literal["media", "syndicate"]] = {}
    for e in provenance.edges:
        target = nodes.get(e.target)
        if e.source in own and target is not None and (target.kind == "media" or target.kind == "syndicate"):
            credited.setdefault(e.target, {})[own[e.source]] = None
            kinds[e.target] = target.kind
    found = [KeySource(nid, nodes[nid].name, kinds[nid], list(arts)) for nid, arts in credited.items() if len(arts) >= 2]
    return sorted(found, key=lambda k: (-len(k.articles), k.name))
