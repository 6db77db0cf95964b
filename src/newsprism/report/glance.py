"""What a brief shows first, shared by the Markdown and HTML briefs: the finding in
one line, the claims in the order a reader needs them, attribution chains written
one way, the order its articles are numbered in, and a short readable name for an article whose outlet is unknown.

Chains are written as the news travelled, the printing side first: "The New York
Times ← two Iranian officials" reads "rests on", and the provenance graph draws
its arrows the same way (from the cited to the one who cites).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from newsprism.extract.agencies import agency_copies, agency_short_name
from newsprism.model import Article, Brief, Claim, Origin, Stretch, Uncounted, outlet_key

ARROW = " ← "
_FIGURE = re.compile(r"\d")
# An amount rather than a date: "4,000 drones", "$4 billion", "12%", "15 million".
_AMOUNT = re.compile(r"[$€£]\s?\d|(?<![\d,])\d{1,3}(?:,\d{3})+|(?<![\d.])\d[\d.]*\s?(?:%|percent\b|per cent\b|thousand\b|million\b|billion\b|trillion\b)")
# Share of each sentence that stretches credited to one outlet must cover for the article to be a
# rewrite of it: the rest is the attribution itself ("..., the Courier reported").
REWRITE_COVER = 0.5
UNKNOWN_OUTLET = "outlet not known"
UNKNOWN_OUTLET_RULE = (
    "An article whose outlet is not known may come from another source here, and two such may be one outlet: "
    "they count once, and only where nothing else supports a claim; otherwise they are listed as not counted."
)
REWRITE_RULE = (
    "An outlet's own words are not counted beside an outlet it cites in the story that the claim also rests on: "
    "they may be a rewrite of it (nor are they credited to it)."
)


def chain_text(who: str, via: Sequence[str] = ()) -> str:
    """"The New York Times ← two Iranian officials": the outlets a claim came through
    (outermost first, as ``via`` holds them), then its source."""
    return ARROW.join([*via, who])


def stretch_chain(stretch: Stretch) -> str:
    """Who a stretch of an article rests on, through whom: "The New York Times ← two Iranian officials"."""
    return chain_text(stretch.source.name if stretch.source is not None else "an unnamed report", stretch.via)


def origin_text(origin: Origin, name: Callable[[str], str] = str) -> str:
    return chain_text(name(origin.name), [name(v) for v in origin.via])


def uncounted_text(claim: Claim, name: Callable[[str], str] = str) -> str:
    """"not counted: Jewish News Syndicate (its own words; it cites The New York Times); #3, outlet
    not known": what a claim also rests on but is not shown independent of its other sources
    (``Claim.not_counted``); empty when nothing is."""

    def text(o: Uncounted) -> str:
        cites = f" (its own words; it cites {chain_text(name(o.cites[-1]), [name(c) for c in o.cites[:-1]])})" if o.cites else ""
        return origin_text(o, name) + cites

    return "not counted: " + "; ".join(text(o) for o in claim.not_counted) if claim.not_counted else ""


def counting_rules(claims: Sequence[Claim], names: dict[str, str]) -> str:
    """The rules that leave origins not counted, each said where the story has a case of it: articles
    whose outlet is not known, and an outlet's own words beside an outlet it cites."""
    unknown = any(not o.cites for c in claims for o in c.not_counted) or any(n.endswith(UNKNOWN_OUTLET) for n in names.values())
    rewrite = any(o.cites for c in claims for o in c.not_counted)
    return " ".join(rule for rule, said in ((UNKNOWN_OUTLET_RULE, unknown), (REWRITE_RULE, rewrite)) if said)


def article_order(arts: Sequence[Article]) -> list[Article]:
    """The order the brief numbers its articles in, [1] first, the same in Markdown and HTML:
    originals first, each followed by its copies, so copies sit under their original."""
    ids = {a.id for a in arts}

    def original(a: Article) -> str | None:
        for ref in (a.duplicate_of, a.syndicated_from):
            if ref in ids and ref != a.id:
                return ref
        return None

    copies: dict[str, list[Article]] = {}
    for a in arts:
        if (o := original(a)) is not None:
            copies.setdefault(o, []).append(a)
    out: list[Article] = []
    for a in arts:
        if original(a) is None:
            out.append(a)
            out += copies.get(a.id, [])
    placed = {id(a) for a in out}
    # A copy of a copy (its original is not an original here) goes last, in input order.
    return out + [a for a in arts if id(a) not in placed]


def claim_order(claims: Sequence[Claim]) -> tuple[list[Claim], list[Claim], list[Claim]]:
    """The claims several named outlets carry, the most widely carried first; then those several
    articles carry that are not shown to be several outlets, as an article whose outlet is not known
    (``outlet_key``) may be from the one named outlet beside it or share one with another, the most
    widely carried first; then those one outlet printed (a fact-checker's first doubt): amounts
    first, then other figures, each in the order they were found."""

    def named(c: Claim) -> int:
        return len(set(c.outlets))

    def printers(c: Claim) -> int:
        """Named outlets, and each article whose outlet is not known as one that may be apart."""
        return named(c) + len(set(c.outlet_not_known))

    def widest(c: Claim) -> tuple[int, int, str]:
        return -named(c), -len(c.articles), c.id

    spread = sorted((c for c in claims if named(c) > 1), key=widest)
    unsure = sorted((c for c in claims if named(c) <= 1 and printers(c) > 1), key=widest)
    single = [c for c in claims if printers(c) <= 1]
    single.sort(key=lambda c: (not _AMOUNT.search(c.text), not _FIGURE.search(c.text)))  # stable: found order within each
    return spread, unsure, single


def readable_names(articles: Sequence[Article]) -> dict[str, str]:
    """Each article whose outlet is unknown, by its label, to a short name that tells it apart
    in a narrow column: its number in the story, then its web host, what it republishes
    ("#2, JNS republication"), whose copy it is, or "outlet not known"."""
    numbers = {a.id: i for i, a in enumerate(article_order(articles), 1)}
    agencies = agency_copies(list(articles))
    out: dict[str, str] = {}
    for a in articles:
        if outlet_key(a) is not None:
            continue
        n = numbers[a.id]
        host = (urlsplit(a.url).hostname or "") if a.url else ""
        copied = next((numbers[r] for r in (a.duplicate_of, a.syndicated_from) if r in numbers and r != a.id), None)
        if host:
            what = host.removeprefix("www.")
        elif a.id in agencies:
            what = f"{agency_short_name(agencies[a.id])} republication"
        elif a.syndicated_from and copied is None:
            what = f"{a.syndicated_from} republication"
        elif copied is not None:
            what = f"copy of #{copied}"
        else:
            # Said plainly: a file name ("002_41c3…", "bbc-notes") is no outlet, and reads as one.
            what = UNKNOWN_OUTLET
        out[a.label] = f"#{n}, {what}"
    return out


def _first_hand(stretch: Stretch) -> str | None:
    """Whom a stretch credits first: the outlet it came through, or its source when it came direct."""
    return stretch.via[0] if stretch.via else (stretch.source.name if stretch.source else None)


def rewrites(brief: Brief) -> dict[str, str]:
    """The articles (by id) that rewrite one cited outlet, to that outlet's name.

    Said only where the per-stretch provenance credits the whole article to it: every body
    sentence (at least two) rests, for REWRITE_COVER of its length or more, on stretches that
    came through that one outlet ("the Courier reported", "according to the newspaper"), and the
    outlet is a news outlet of the graph other than the article's own. A sentence in the
    article's own voice, or resting first-hand on anyone else (a minister quoted directly), and
    it is a report of its own: a wrong origin is worse than none. Copies are labelled as copies.
    """
    outlets = {n.name for n in brief.provenance.nodes if n.kind in ("media", "syndicate")}
    stretches: dict[str, list[Stretch]] = {}
    for st in brief.stretches:
        stretches.setdefault(st.article, []).append(st)
    out: dict[str, str] = {}
    for a in brief.articles:
        sentences = a.body_sentences()
        if a.duplicate_of or a.syndicated_from or len(sentences) < 2:
            continue
        credited = set()
        for sent in sentences:
            cover: dict[str, int] = {}
            for st in stretches.get(a.id, []):
                first, overlap = _first_hand(st), min(st.end, sent.end) - max(st.start, sent.start)
                if first and overlap > 0:
                    cover[first] = cover.get(first, 0) + overlap
            best = max(cover, key=lambda k: cover[k], default=None)
            if best is None or cover[best] < REWRITE_COVER * (sent.end - sent.start):
                break
            credited.add(best)
        else:
            only = credited.pop() if len(credited) == 1 else None
            if only in outlets and only not in (a.outlet, a.outlet_id):
                out[a.id] = only
    return out


def finding(brief: Brief, name: Callable[[str], str] = str) -> str:
    """The story's sourcing in one or two sentences, said as a finding rather than a count:
    what every article credits, and what the most widely carried claim rests on."""
    n = len(brief.articles)
    parts = []
    everyone = [k for k in brief.key_sources if len(set(k.articles)) == n and n > 1]
    if everyone:
        names = " and ".join(name(k.name) for k in everyone[:2])
        parts.append(f"Every article credits {names}")
    claims = brief.claims
    if claims:
        single = sum(1 for c in claims if c.independent_sources <= 1)
        top = max(claims, key=lambda c: (len(c.articles), -c.independent_sources))
        if single == len(claims):
            parts.append(f"each of the {len(claims)} claims rests on one source")
        if len(top.articles) > 1:
            rest = "; ".join(origin_text(o, name) for o in top.origins[:2])
            src = "one independent source" if top.independent_sources == 1 else f"{top.independent_sources} independent sources"
            parts.append(f"the most widely carried claim ({len(top.articles)} of {n} articles) rests on {src}" + (f": {rest}" if rest else ""))
        elif single < len(claims):
            parts.append(f"{single} of {len(claims)} claims rest on one source")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
