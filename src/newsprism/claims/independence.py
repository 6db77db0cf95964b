"""How many independent sources stand behind each claim, and which.

Each supporting sentence is traced to an origin through the provenance graph:

1. the attribution read from that sentence, else from the sentence before it
   in the same paragraph, else from the paragraph's lead sentence;
2. an outlet credited there is the independent source ("according to the
   Times, citing two officials": the Times, via which the officials speak);
3. people quoted with no outlet credited come via the article's *dominant*
   source when the article as a whole rests on another outlet's report
   (credited at least twice and in most of its credits), else via the
   article's own outlet (its own reporting);
4. a sentence with no attribution at all rests on the dominant source if
   there is one, else on the outlet that printed it.

Copies count as their original's outlet (or the syndicate's), so a
republished article never adds a source; agency copy counts as the agency,
whichever papers printed it. Two supporting sentences are
independent when they trace to different outlets: everything the Times
reported counts once, however many outlets repeat it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from newsprism.claims.align import copy_roots
from newsprism.extract.agencies import agency_copies
from newsprism.extract.outlets import outlet_identity
from newsprism.model import Article, Claim, Origin, Provenance, ProvNode
from newsprism.provenance import article_node
from newsprism.unionfind import UnionFind

_REPORTER_KINDS = frozenset({"media", "syndicate"})
# An outlet is an article's dominant source when it is credited this often...
DOMINANT_MIN = 2
# ...and accounts for at least this share of the article's credits to outlets.
DOMINANT_SHARE = 0.5


@dataclass
class _Attribution:
    reporter: ProvNode | None
    informants: list[ProvNode] = field(default_factory=list)


class _Tracer:
    def __init__(self, articles: list[Article], provenance: Provenance) -> None:
        self.nodes = {n.id: n for n in provenance.nodes}
        self.by_id = {a.id: a for a in articles}
        self.roots = copy_roots(articles)
        outgoing: dict[tuple[str, str, int, int], list[str]] = defaultdict(list)
        cited_by: dict[str, Counter[str]] = defaultdict(Counter)
        for e in provenance.edges:
            if e.relation in ("cites", "quotes"):
                outgoing[(e.source, e.article, e.start, e.end)].append(e.target)
                cited_by[e.source][e.target] += 1
        self.cited_by = cited_by
        self.attributions: dict[str, dict[tuple[int, int], _Attribution]] = defaultdict(dict)
        for (src, art, start, end), targets in outgoing.items():
            if src != article_node(art):
                continue
            att = _Attribution(None)
            for t in targets:
                node = self.nodes[t]
                if node.kind in _REPORTER_KINDS and att.reporter is None:
                    att.reporter = node
                    att.informants.extend(self.nodes[x] for x in outgoing.get((t, art, start, end), []))
                elif node.kind not in _REPORTER_KINDS or att.reporter is not None:
                    att.informants.append(node)
            self.attributions[art][(start, end)] = att
        self.dominant = {a.id: self._dominant(a.id) for a in articles}
        self.agencies = agency_copies(articles)

    def _dominant(self, article_id: str) -> ProvNode | None:
        counts = Counter(att.reporter.id for att in self.attributions[article_id].values() if att.reporter)
        if not counts:
            return None
        top, n = counts.most_common(1)[0]
        if n >= DOMINANT_MIN and n / sum(counts.values()) >= DOMINANT_SHARE:
            return self.nodes[top]
        return None

    def carrier(self, article_id: str) -> tuple[str, str, str]:
        """(key, name, kind) of whoever printed the article: agency copy is the agency's, whichever
        paper printed it; other copies resolve to their original, or to the syndicate its note names."""
        agency = self.agencies.get(article_id)
        if agency is not None:
            return f"media:{agency}", outlet_identity(agency)[1], "syndicate"
        a = self.by_id[self.roots[article_id]]
        if a.syndicated_from and a.syndicated_from not in self.by_id:
            oid, name = outlet_identity(a.syndicated_from)
            return f"media:{oid}", name, "syndicate"
        if a.outlet_id or a.outlet:
            oid = a.outlet_id or outlet_identity(a.outlet or "")[0]
            return f"media:{oid}", a.outlet or oid, "outlet"
        return article_node(a.id), a.label, "outlet"

    def _sentence_attribution(self, a: Article, start: int, end: int) -> _Attribution | None:
        atts = self.attributions.get(a.id, {})
        idx = next((i for i, s in enumerate(a.sentences) if s.start <= start < s.end), None)
        if idx is None:
            return atts.get((start, end))
        s = a.sentences[idx]
        candidates = [(s.start, s.end)]
        if idx > 0 and a.sentences[idx - 1].paragraph == s.paragraph:
            candidates.append((a.sentences[idx - 1].start, a.sentences[idx - 1].end))
        lead = next(x for x in a.sentences if x.paragraph == s.paragraph)
        candidates.append((lead.start, lead.end))
        return next((atts[c] for c in candidates if c in atts), None)

    def _usual_informant(self, reporter: ProvNode) -> ProvNode | None:
        """Whom an outlet is most often cited as citing, story-wide (the Times -> Iranian officials)."""
        people = [(n, t) for t, n in self.cited_by[reporter.id].items() if self.nodes[t].kind not in _REPORTER_KINDS]
        if not people:
            return None
        return self.nodes[max(people, key=lambda x: x[0])[1]]

    def origin(self, article_id: str, start: int, end: int) -> tuple[str, Origin, str | None]:
        """(independence key, origin, id of the named person credited) of one supporting sentence."""
        a = self.by_id[article_id]
        att = self._sentence_attribution(a, start, end)
        dominant = self.dominant.get(self.roots[article_id]) or self.dominant.get(article_id)
        reporter = att.reporter if att and att.reporter else dominant
        informants = [n for n in (att.informants if att else []) if n.kind not in _REPORTER_KINDS]
        person = informants[0].id if informants and informants[0].kind == "person" else None
        if reporter is not None:
            who = informants[0] if informants else (self._usual_informant(reporter) if att is None or att.reporter is None else None)
            if who is None:
                return reporter.id, Origin(reporter.name, reporter.kind), person
            return reporter.id, Origin(who.name, who.kind, [reporter.name]), person
        key, name, kind = self.carrier(article_id)
        if informants:
            return key, Origin(informants[0].name, informants[0].kind, [name]), person
        return key, Origin(name, kind), person


def assign_independence(claims: list[Claim], articles: list[Article], provenance: Provenance) -> None:
    """Fill ``independent_sources`` and ``origins`` of every claim, in place."""
    if not claims:
        return
    tracer = _Tracer(articles, provenance)
    for claim in claims:
        by_key: dict[str, Counter[tuple[str, str, tuple[str, ...]]]] = {}
        people: dict[str, set[str]] = {}
        for ev in claim.evidence:
            key, origin, person = tracer.origin(ev.article, ev.start, ev.end)
            by_key.setdefault(key, Counter())[(origin.name, origin.kind, tuple(origin.via))] += 1
            if person:
                people.setdefault(key, set()).add(person)
        usual = {key: Origin(name, kind, list(via)) for key, ((name, kind, via), _) in
                 ((k, c.most_common(1)[0]) for k, c in by_key.items())}
        claim.origins = _collapse(usual, people, tracer)
        claim.independent_sources = len(claim.origins)


def _collapse(origins: dict[str, Origin], people: dict[str, set[str]], tracer: _Tracer) -> list[Origin]:
    """One origin per independent source, joining origins that are not independent of each other.

    * A source the story shows citing another: when the Times is seen citing
      Iranian media anywhere in the story, a fact supported both "via the
      Times" and "via Iranian media" may well be the Times repeating Iranian
      media; shown as the upstream source via the one citing it
      ("Iranian media <- The New York Times").
    * The same named person relayed by different outlets: Shoigu's statement
      carried by the Times and by Iranian state media is one source, Shoigu.
      Unnamed groups ("two Iranian officials") are not joined this way: two
      outlets' officials may be different people.
    """
    keys = list(origins)
    sets = UnionFind(len(keys))
    upstream: dict[int, set[int]] = {}
    for i, x in enumerate(keys):
        for j, y in enumerate(keys):
            if i == j:
                continue
            if tracer.cited_by.get(x, {}).get(y):
                sets.union(j, i)
                upstream.setdefault(i, set()).add(j)
            elif people.get(x, set()) & people.get(y, set()):
                sets.union(i, j)
    out: list[Origin] = []
    for group in sets.groups():
        # The most upstream member: one that cites no other member of the group.
        top = next((k for k in group if not upstream.get(k)), group[0])
        origin = origins[keys[top]]
        citing = [k for k in group if k != top and upstream.get(k)]
        downstream = [origins[keys[k]].via[-1] if origins[keys[k]].via else origins[keys[k]].name for k in citing]
        out.append(Origin(origin.name, origin.kind, [*downstream, *origin.via]) if downstream else origin)
    return out
