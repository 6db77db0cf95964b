"""The provenance graph of a story: article -> cited source -> its sources.

Nodes: one per article (``article:<id>``) and one per source (outlets,
syndicates, people, officials, anonymous groups; ids from ``sources``).
Edges point from the one who cites to the one cited, each with the stretch
it was read from: the graph is the per-stretch provenance
(``newsprism.provenance.stretches``) as chains, so the brief's stretches, its
attribution chains and ``claims.assign_independence`` (which asks the graph
who was seen citing whom) tell one story:

- ``article -> outlet`` "cites" (the stretch came through another outlet);
- ``outlet -> person/group/outlet`` "quotes"/"cites" (whom that outlet cites);
- ``article -> person/group`` "quotes", ``article -> outlet`` "cites" (the
  article's own reporting);
- ``article -> article`` "copy-of" and "republishes" (dedup and syndication notes),
  ``article -> syndicate`` "republishes" when the syndicate is not in the story.
"""

from __future__ import annotations

import re
from typing import Literal

from newsprism.extract.outlets import outlet_identity
from newsprism.model import Article, KeySource, NodeKind, ProvEdge, Provenance, ProvNode, Relation, Speaker, Stretch
from newsprism.provenance.sources import Source, document_source, generic_source, media_source, speaker_source
from newsprism.provenance.stretches import SOURCE_ACTS, is_source
from newsprism.quotes.lexicon import names_one_member


def article_node(article_id: str) -> str:
    return f"article:{article_id}"


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, ProvNode] = {}
        self.edges: dict[tuple, ProvEdge] = {}

    def node(self, id: str, name: str, kind: NodeKind) -> str:
        old = self.nodes.get(id)
        # The fullest spelling is the most informative name for a merged node; an unnamed group's is
        # a description of the group ("Two Iranian officials"), never of one member ("one of two
        # Iranian officials"), which the articles that say "Iranian officials" never said.
        if old is None or _name_rank(name, kind) > _name_rank(old.name, old.kind):
            self.nodes[id] = ProvNode(id, name, kind)
        return id

    def source(self, src: Source) -> str:
        return self.node(src.id, src.name, src.kind)

    def edge(self, source: str, target: str, relation: Relation, article: Article, start: int, end: int) -> None:
        key = (source, target, relation, article.id, start, end)
        if key not in self.edges and source != target:
            self.edges[key] = ProvEdge(source, target, relation, article.id, start, end, article.text[start:end])


def _name_rank(name: str, kind: NodeKind) -> tuple[bool, int]:
    return not (kind in ("anonymous", "official") and names_one_member(name)), len(name)


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


def _source_node(speaker: Speaker, article_id: str) -> Source | None:
    """The graph node of a stretch's source: an outlet (its name resolved by the stretches), a person, a body,
    an unnamed group or the article's document; None for a mention that names no one ("it", an unresolved
    description)."""
    if speaker.kind == "media":
        return generic_source(speaker.name)
    if speaker.kind == "document":
        return document_source(speaker.name, article_id)
    return speaker_source(speaker.name, speaker.kind)


# "citing three crew members", "according to two officials": a source cited, not one heard.
_CITED = re.compile(r"(?:\bciting|\baccording\s{1,3}to)\s{1,3}$", re.I)


def _cited(text: str, speaker: Speaker) -> bool:
    return speaker.start is not None and _CITED.search(text, max(0, speaker.start - 20), speaker.start) is not None


def build_provenance(articles: list[Article], stretches: list[Stretch]) -> Provenance:
    """Who cites whom across the articles of one story, read from the per-stretch provenance
    (``newsprism.provenance.stretches``): one chain per stretch whose source says or finds what it
    covers, article -> each outlet it came through, outermost first -> its source, with the stretch
    as evidence. So the graph, the brief's stretches and the independence counts read one account.
    """
    b = _Builder()
    by_id = {a.id: a for a in articles}
    for a in articles:
        b.node(article_node(a.id), a.label, "article")
    own = {a.id: {n for n in (a.outlet, a.outlet_id) if n} for a in articles}
    own_ids = {a.id: {f"media:{outlet_identity(n)[0]}" for n in own[a.id]} for a in articles}
    # A name in a chain is an outlet or the source of an enclosing stretch ("Osei said the authority
    # warned ..."): that source's node.
    named = {(st.article, st.source.name): node for st in stretches if st.source is not None
             and st.source.kind != "media" and (node := _source_node(st.source, st.article)) is not None}
    of_article: dict[str, list[Stretch]] = {}
    for st in stretches:
        of_article.setdefault(st.article, []).append(st)
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
        for st in of_article.get(a.id, []):
            # A belief, stance or intention has its holder for its subject: it rests on whoever reports it.
            if st.act not in SOURCE_ACTS or st.source is None or not is_source(st.source):
                continue
            source = _source_node(st.source, a.id)
            if source is None:
                continue
            chain = [named.get((a.id, v)) or media_source(v) for v in st.via if v not in own[a.id]]
            chain = [c for c in chain if c.id not in own_ids[a.id]] + [source]
            if chain[-1].id in own_ids[a.id]:
                continue  # the article's own outlet: its own voice
            cited_by = article_node(a.id)
            for k, node in enumerate(chain):
                cited = node.kind in ("media", "syndicate", "document") or (k == len(chain) - 1 and _cited(a.text, st.source))
                relation: Relation = "cites" if cited else "quotes"
                target = b.source(node)
                b.edge(cited_by, target, relation, a, st.start, st.end)
                cited_by = target
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
