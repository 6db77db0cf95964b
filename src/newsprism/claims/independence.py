"""How many independent sources stand behind each claim, and which.

Each supporting sentence is traced to an origin through the article's own
stretches (``newsprism.provenance.stretches``): the stretch that covers most of
the sentence and whose source says or finds it (a statement or a finding; a
belief, stance or intention has its holder for its subject, and rests on
whoever reports it):

1. an outlet credited in the chain is the independent source ("two officials
   confirmed X, according to the Times": the officials, via the Times);
2. a named person is the source whoever relays them;
3. an unnamed group the article credits to no outlet ("Iranian officials say")
   is the same source as the same description another article credits to an
   outlet, since nothing tells them apart; one credited to an outlet stays with it;
4. a sentence that rests on an unnamed report ("reportedly") adds no source to a
   claim that has a named one;
5. a sentence no stretch covers is the outlet's own voice: it rests on the outlet
   that printed it (a copy on its original). An article's frequent source is
   never carried onto it. But where that outlet cites, in the story, an outlet
   the claim also rests on (or one seen citing it: JNS cites the Times, the
   Times cites Iranian media), its own words are not shown independent of it:
   they are a rewrite as likely as a report of its own. They are listed as
   ``not_counted`` (``Uncounted.cites``: whom it cites), credited to no one;
6. an article whose outlet is not known (no outlet, syndicate, agency or
   original named in it or its metadata) cannot be shown independent of any
   other: what rests on that outlet alone (its own voice, a source only it is
   seen reaching, an unnamed report) may be one of the claim's other sources,
   or all such articles one outlet. It counts only when nothing else supports
   the claim, and then once; otherwise it is listed as ``not_counted``.

Copies count as their original's outlet (or the syndicate's), so a
republished article never adds a source; an agency copy counts as the agency,
whichever papers printed it. Two supporting sentences are independent when
they trace to different origins, after ``_collapse`` joins those that could be one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from newsprism.claims.align import copy_roots
from newsprism.extract.agencies import agency_copies
from newsprism.extract.outlets import outlet_identity
from newsprism.model import Article, Claim, Origin, OriginKind, Provenance, Stretch, Uncounted, outlet_key
from newsprism.provenance import article_node
from newsprism.provenance.sources import generic_source, group_source, media_source, person_key
from newsprism.provenance.stretches import SOURCE_ACTS, is_source
from newsprism.unionfind import UnionFind

# A stretch covering less than this share of a sentence leaves the sentence in the outlet's voice.
MIN_COVER = 0.5
UNNAMED = "an unnamed report"
# The key of what rests on an article's outlet when the article names none (``_Tracer.carrier``).
_UNKNOWN_OUTLET = article_node("")


@dataclass
class _Traced:
    key: str
    origin: Origin
    person: str | None = None  # node id of the named person credited
    unreached: set[str] = field(default_factory=set)  # unnamed groups no outlet is credited for
    groups: set[str] = field(default_factory=set)  # every unnamed group credited
    unnamed: bool = False  # rests on an unnamed report
    own: bool = False  # the outlet's own voice: no source named


class _Tracer:
    def __init__(self, articles: list[Article], provenance: Provenance, stretches: list[Stretch]) -> None:
        self.by_id = {a.id: a for a in articles}
        self.roots = copy_roots(articles)
        self.cited_by: dict[str, Counter[str]] = defaultdict(Counter)
        for e in provenance.edges:
            if e.relation in ("cites", "quotes"):
                self.cited_by[e.source][e.target] += 1
        self.stretches: dict[str, list[Stretch]] = defaultdict(list)
        for st in stretches:
            if st.act in SOURCE_ACTS and is_source(st.source):
                self.stretches[st.article].append(st)
        self.agencies = agency_copies(articles)
        self.cites = self._cited_outlets(provenance)

    def _cited_outlets(self, provenance: Provenance) -> dict[str, dict[str, list[str]]]:
        """For each printer (``carrier``'s key), the outlets its articles cite or quote in the story,
        each with the names on the way to it: the outlet an article cites, then whom that one is
        seen citing ({"media:iranian-media": ["The New York Times", "Iranian media"]})."""
        names = {n.id: n.name for n in provenance.nodes}
        onward: dict[str, set[str]] = defaultdict(set)
        direct: dict[str, set[str]] = defaultdict(set)
        for e in provenance.edges:
            if e.relation not in ("cites", "quotes") or not e.target.startswith("media:"):
                continue
            if e.source.startswith("media:"):
                onward[e.source].add(e.target)
            elif (aid := e.source.removeprefix(article_node(""))) in self.by_id:
                direct[self.carrier(aid)[0]].add(e.target)
        out: dict[str, dict[str, list[str]]] = {}
        for key, first in direct.items():
            paths = {m: [names.get(m, m)] for m in sorted(first) if m != key}
            todo = list(paths)
            while todo:
                m = todo.pop(0)
                for n in sorted(onward.get(m, ())):
                    if n != key and n not in paths:
                        paths[n] = [*paths[m], names.get(n, n)]
                        todo.append(n)
            out[key] = paths
        return out

    def carrier(self, article_id: str) -> tuple[str, str, OriginKind]:
        """(key, name, kind) of whoever printed the article: agency copy is the agency's, whichever
        paper printed it; other copies resolve to their original, or to the syndicate its note names."""
        agency = self.agencies.get(article_id)
        if agency is not None:
            return f"media:{agency}", outlet_identity(agency)[1], "syndicate"
        a = self.by_id[self.roots[article_id]]
        if a.syndicated_from and a.syndicated_from not in self.by_id:
            oid, name = outlet_identity(a.syndicated_from)
            return f"media:{oid}", name, "syndicate"
        if outlet_key(a) is not None:
            oid = a.outlet_id or outlet_identity(a.outlet or "")[0]
            return f"media:{oid}", a.outlet or oid, "outlet"
        return article_node(a.id), a.label, "outlet"

    def _stretch(self, article_id: str, start: int, end: int) -> Stretch | None:
        """The innermost stretch that covers most of the sentence (the officials, not the Times that
        reports what they confirmed: the chain carries the Times); None when none covers enough."""
        text = self.by_id[article_id].text
        chars = sum(c.isalnum() for c in text[start:end]) or 1
        best: tuple[int, int, Stretch] | None = None
        for st in self.stretches.get(article_id, []):
            lo, hi = max(start, st.start), min(end, st.end)
            if lo >= hi:
                continue
            covered = sum(c.isalnum() for c in text[lo:hi])
            key = (-(st.end - st.start), covered)
            if covered >= MIN_COVER * chars and (best is None or key > best[:2]):
                best = (*key, st)
        return best[2] if best is not None else None

    def origin(self, article_id: str, start: int, end: int) -> _Traced:
        """The origin of one supporting sentence."""
        key, name, kind = self.carrier(article_id)
        st = self._stretch(article_id, start, end)
        if st is None:
            return _Traced(key, Origin(name, kind), own=True)
        own = self.by_id[self.roots[article_id]]
        own_names = {n for n in (own.outlet, self.by_id[article_id].outlet) if n}
        via = [v for v in st.via if v not in own_names]
        src = st.source
        if src is None:
            return _Traced(f"{key}|unnamed", Origin(UNNAMED, "unnamed", via or [name]), unnamed=True)
        if src.kind == "media" and not via:
            m = generic_source(src.name)  # the node the provenance graph gives it, so its citing edges are found
            return _Traced(m.id, Origin(m.name, m.kind))
        person = f"person:{person_key(src.name)}" if src.kind == "person" else None
        group = group_source(src.name).id if src.kind in ("anonymous", "organisation") else None
        if via:
            outlet = media_source(via[0])
            traced = _Traced(outlet.id, Origin(src.name, _kind(src.kind), via), person)
        elif person is not None:
            traced = _Traced(person, Origin(src.name, "person"), person)
        else:
            # Reached by the article's own outlet, as far as the text says: that outlet's source.
            traced = _Traced(key, Origin(src.name, _kind(src.kind), [name]), None, {group} if group else set())
        if group:
            traced.groups.add(group)
        return traced


_KINDS: dict[str, OriginKind] = {"anonymous": "anonymous", "organisation": "organisation", "media": "media", "person": "person",
                                 "document": "document"}


def _kind(speaker_kind: str) -> OriginKind:
    return _KINDS.get(speaker_kind, "anonymous")


def assign_independence(claims: list[Claim], articles: list[Article], provenance: Provenance,
                        stretches: list[Stretch] | None = None) -> None:
    """Fill ``independent_sources`` and ``origins`` of every claim, in place."""
    if not claims:
        return
    tracer = _Tracer(articles, provenance, stretches or [])
    for claim in claims:
        by_key: dict[str, list[_Traced]] = {}
        for ev in claim.evidence:
            t = tracer.origin(ev.article, ev.start, ev.end)
            by_key.setdefault(t.key, []).append(t)
        claim.origins, claim.not_counted = _count(by_key, tracer)
        claim.independent_sources = len(claim.origins)


def _count(by_key: dict[str, list[_Traced]], tracer: _Tracer) -> tuple[list[Origin], list[Uncounted]]:
    """(the independent origins, the origins not counted). An origin that rests on nothing but
    an outlet not known may be any other origin of the claim, and two such may be one outlet: it
    counts only when nothing else supports the claim, and then once. An outlet's own words beside
    an outlet it cites never count (``_rewrites``)."""
    rewrites = _rewrites(by_key, tracer)
    found = _collapse({k: ts for k, ts in by_key.items() if k not in rewrites}, tracer)
    known = [o for o, unknown in found if not unknown]
    unknown = [o for o, unknown in found if unknown]
    if not known:  # (never beside a rewrite: the outlet it cites stays in, and is known)
        known, unknown = unknown[:1], unknown[1:]
    return known, [*rewrites.values(), *(Uncounted(o.name, o.kind, o.via) for o in unknown)]


def _rewrites(by_key: dict[str, list[_Traced]], tracer: _Tracer) -> dict[str, Uncounted]:
    """By key, each known outlet whose own words support the claim while it cites, in the story, an
    outlet the claim also rests on, or one seen citing it: not shown independent of that outlet
    ("the request followed Shoigu's visit" in JNS's own words, while JNS cites the Times elsewhere
    and another article gives the Times for it), and not credited to it either (JNS does not say
    the Times said it there). The cited outlet must stand on its own in the claim: not itself such
    own words, so two outlets citing each other do not both drop out."""
    candidates = {k: cited for k, ts in by_key.items() if all(t.own for t in ts) and not k.startswith(_UNKNOWN_OUTLET)
                  and (cited := [y for y in by_key if y != k and y in tracer.cites.get(k, {})])}
    out: dict[str, Uncounted] = {}
    for k, cited in candidates.items():
        # Two outlets whose own words each cite the other: neither is shown to rest on the other.
        upstream = [y for y in cited if y not in candidates]
        if upstream:
            origin = _usual(by_key[k])
            nearest = min(upstream, key=lambda y: (len(tracer.cites[k][y]), y))
            out[k] = Uncounted(origin.name, origin.kind, origin.via, tracer.cites[k][nearest])
    return out


def _collapse(by_key: dict[str, list[_Traced]], tracer: _Tracer) -> list[tuple[Origin, bool]]:
    """One origin per independent source, joining origins that are not independent of each other;
    each with whether it rests on nothing but outlets not known. An outlet's own words beside an
    outlet it cites (``_rewrites``) are left out.

    * A source the story shows citing another: when the Times is seen citing
      Iranian media anywhere in the story, a fact supported both "via the
      Times" and "via Iranian media" may well be the Times repeating Iranian
      media; shown as the upstream source via the one citing it
      ("Iranian media <- The New York Times").
    * The same named person relayed by different outlets: one source.
    * An unnamed group no outlet is credited for, and the same description
      credited elsewhere: one source (nothing tells them apart). Two outlets'
      own unnamed officials stay apart.
    * A sentence resting on an unnamed report joins the others.
    """
    keys = [k for k, ts in by_key.items() if not all(t.unnamed for t in ts)]
    if not keys:
        keys = list(by_key)
    origins = {k: _usual(by_key[k]) for k in keys}
    people = {k: {t.person for t in by_key[k] if t.person} for k in keys}
    unreached = {k: set().union(*(t.unreached for t in by_key[k])) for k in keys}
    groups = {k: set().union(*(t.groups for t in by_key[k])) for k in keys}
    # An outlet's own voice is its own, whatever it cites elsewhere: its frequent source is not carried onto it.
    own = {k for k in keys if all(t.own for t in by_key[k])}
    unknown = [k.startswith(_UNKNOWN_OUTLET) for k in keys]
    sets = UnionFind(len(keys))
    upstream: dict[int, set[int]] = {}
    for i, x in enumerate(keys):
        for j, y in enumerate(keys):
            if i == j:
                continue
            # An outlet seen citing another; not an article that cites it somewhere else (that is carrying).
            if x not in own and not unknown[i] and tracer.cited_by.get(x, Counter())[y]:
                sets.union(j, i)
                upstream.setdefault(i, set()).add(j)
            elif people[x] & people[y] or unreached[x] & groups[y]:
                sets.union(i, j)
    out: list[tuple[Origin, bool]] = []
    for group in sets.groups():
        # The most upstream member (one that cites no other member), credited through a known outlet if one is.
        candidates = [k for k in group if not upstream.get(k)] or group
        top = min(candidates, key=lambda k: (unknown[k], bool(unreached[keys[k]]), origins[keys[k]].kind in ("outlet", "syndicate"), k))
        origin = origins[keys[top]]
        citing = [k for k in group if k != top and upstream.get(k)]
        downstream = [origins[keys[k]].via[-1] if origins[keys[k]].via else origins[keys[k]].name for k in citing]
        out.append((Origin(origin.name, origin.kind, [*downstream, *origin.via]) if downstream else origin, all(unknown[k] for k in group)))
    return out


def _usual(traced: list[_Traced]) -> Origin:
    """The most frequent wording of one key's origin."""
    counts = Counter((t.origin.name, t.origin.kind, tuple(t.origin.via)) for t in traced if not t.unnamed) or Counter(
        (t.origin.name, t.origin.kind, tuple(t.origin.via)) for t in traced)
    # The most frequent; on a tie, the one who spoke rather than an outlet in between.
    (name, kind, via), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0][1] not in ("media", "outlet", "syndicate")))
    return Origin(name, kind, list(via))
