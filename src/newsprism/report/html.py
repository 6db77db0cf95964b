"""The HTML brief: one self-contained page, also the story page of ``newsprism serve``.

Templates live in ``report/templates`` and are rendered with autoescaping on:
article text is untrusted and only ever reaches the page escaped. The saved
page inlines its CSS and JS and pins both by hash in a Content-Security-Policy
meta tag, so it opens offline and runs nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from newsprism.extract.agencies import agency_copies, agency_printers, agency_short_name
from newsprism.model import Article, Brief, Claim, OutletWording, ProvEdge, ProvNode, QuoteGroup, outlet_counts
from newsprism.quotes.output import statement
from newsprism.report.escape import html_refs
from newsprism.report.glance import article_order, claim_order, counting_rules, finding, origin_text, readable_names, rewrites, stretch_chain, uncounted_text
from newsprism.report.layers import layer

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

STATIC_FILES = ("brief.css", "brief.js")
MAX_GRAPH_NODES = 60
# Graph labels wrap at this many characters (12px text in a 220px box), on up to this many lines.
LABEL_CHARS = 30
LABEL_LINES = 3
LABEL_LINE = 15  # px between the lines of a label
WAYPOINT_ROW = 12  # px a bundle of long lines takes where it crosses a column
MAX_WORDINGS = 12
KEY_SPREAD = 5  # the widely carried claims shown before the fold (several outlets first)
KEY_SINGLE = 3  # and the single-outlet ones (figures first)
MIN_WORDING_OVERLAP = 0.5


# ---------------------------------------------------------------- links


class Links:
    """Where evidence links point. The saved page links to its own source table."""

    def article(self, brief_id: str, number: int, article_id: str, start: int | None = None, end: int | None = None) -> str:
        return f"#src-{brief_id}-{number}"

    def story(self, story_id: str) -> str:
        return f"#story-{story_id}"

    def article_page(self, article_id: str) -> str | None:
        """The page showing an article's full text, where there is one."""
        return None


class AppLinks(Links):
    """Links of the web app: to the article page with the evidence highlighted."""

    def article(self, brief_id: str, number: int, article_id: str, start: int | None = None, end: int | None = None) -> str:
        url = self.article_page(article_id)
        if start is not None and end is not None:
            return f"{url}?hl={start}-{end}#hl"
        return url

    def story(self, story_id: str) -> str:
        return f"/stories/{quote(story_id, safe='')}"

    def article_page(self, article_id: str) -> str:
        return f"/articles/{quote(article_id, safe='')}"


# ---------------------------------------------------------------- environment


@cache
def environment(*packages: str) -> Environment:
    """The Jinja2 environment of the saved page; with ``packages``, their
    ``templates`` folders are searched first (the web app's pages, which
    extend this one's frame and import its brief)."""
    try:
        from jinja2 import ChoiceLoader, Environment, PackageLoader
    except ImportError as e:  # pragma: no cover - jinja2 is a core dependency
        from newsprism.errors import MissingExtraError

        raise MissingExtraError("jinja2", "all", "The HTML report") from e
    env = Environment(
        loader=ChoiceLoader([*(PackageLoader(p, "templates") for p in packages), PackageLoader("newsprism.report", "templates")]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["highlight"] = highlight
    env.filters["safe_url"] = safe_url
    env.filters["short"] = short
    env.filters["plural"] = plural
    env.filters["statement"] = statement
    return env


@cache
def static_text(name: str) -> str:
    from importlib import resources

    return resources.files("newsprism.report").joinpath("templates", name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# ---------------------------------------------------------------- filters


def highlight(
    text: str, spans: Sequence[tuple[int, int, str]] = (), offset: int = 0, anchor: str | None = None
) -> Markup:
    """``text`` escaped, with ``spans`` (start, end, css class; offsets minus ``offset``) wrapped in <mark>.

    ``anchor`` gives the first mark that id, so a link can jump to it.
    """
    from markupsafe import Markup, escape

    out: list[str] = []
    pos = 0
    for s, e, cls in sorted((s - offset, e - offset, c) for s, e, c in spans):
        s, e = max(s, pos), min(e, len(text))
        if e <= s:
            continue
        out.append(str(escape(text[pos:s])))
        id_attr = f' id="{escape(anchor)}"' if anchor else ""
        anchor = None
        out.append(f'<mark class="{escape(cls)}"{id_attr}>{escape(text[s:e])}</mark>')
        pos = e
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def safe_url(url: str | None) -> str | None:
    """Only web links: a ``javascript:`` or ``data:`` URL from an article is dropped."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def short(text: str | None, n: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------- view model


@dataclass
class Source:
    number: int
    article: Article
    outlet: str
    copy_of: int | None  # number of the article this one copies, when in the story
    syndicated_from: str | None
    agency: str | None = None  # "AFP" when the article is another outlet's print of an agency's copy
    rewrite_of: str | None = None  # the outlet it rewrites (see glance.rewrites)


def _sources(brief: Brief, names: dict[str, str]) -> list[Source]:
    arts = article_order(brief.articles)
    numbers = {a.id: i for i, a in enumerate(arts, 1)}
    agencies = agency_copies(brief.articles)
    rewritten = rewrites(brief)
    out = []
    for i, a in enumerate(arts, 1):
        copy_of = numbers.get(a.duplicate_of or "") or numbers.get(a.syndicated_from or "")
        synd = a.syndicated_from if a.syndicated_from and a.syndicated_from not in numbers else None
        agency = agencies.get(a.id)
        shown = agency_short_name(agency) if agency and agency != a.outlet_id else None
        rewrite = names.get(rewritten[a.id], rewritten[a.id]) if a.id in rewritten else None
        out.append(Source(i, a, names.get(a.label, a.label), copy_of, synd, shown, rewrite))
    return out


def _matrix(claims: list[Claim], sources: list[Source]) -> dict[str, Any]:
    """Claims x outlets: which outlet carries which claim, with the evidence to link."""
    outlets = list(dict.fromkeys(s.outlet for s in sources))
    by_article = {s.article.id: s for s in sources}
    rows = []
    for c in claims:
        cells: dict[str, list[dict]] = {o: [] for o in outlets}
        for ev in c.evidence:
            src = by_article.get(ev.article)
            if src is not None:
                cells[src.outlet].append(
                    {"number": src.number, "article": ev.article, "start": ev.start, "end": ev.end, "text": ev.text, "is_copy": bool(src.copy_of)}
                )
        for aid in c.articles:
            src = by_article.get(aid)
            if src is not None and not any(e["article"] == aid for e in cells[src.outlet]):
                cells[src.outlet].append(
                    {"number": src.number, "article": aid, "start": None, "end": None, "text": "", "is_copy": bool(src.copy_of)}
                )
        rows.append({"claim": c, "cells": [cells[o] for o in outlets]})
    return {"outlets": outlets, "rows": rows}


@dataclass
class GraphNode:
    node: ProvNode
    x: float
    y: float
    lines: list[str]  # the name, wrapped to the box
    height: float


def wrap_label(text: str, width: int = LABEL_CHARS, most: int = LABEL_LINES) -> list[str]:
    """A name wrapped to lines of ``width`` characters, at most ``most`` of them (the last cut with
    an ellipsis only when the name is longer still)."""
    lines = textwrap.wrap(text, width, break_long_words=True) or [""]
    if len(lines) > most:
        lines = [*lines[: most - 1], short(" ".join(lines[most - 1 :]), width)]
    return lines


def provenance_svg_model(
    brief: Brief, width: int = 220, gap: int = 70, name: Callable[[str], str] = str
) -> dict[str, Any] | None:
    """Layered layout of the provenance graph: who cites whom, left to right.

    A node's column is the length of the longest citing chain that reaches it
    (articles first, original sources last); cycles are cut by capping the
    number of relaxation rounds at the node count. Rows are ordered to keep
    lines from crossing (``report.layers``); a line that spans columns passes
    each one in a row of its own, between the boxes. Names wrap inside their
    box.
    """
    prov = brief.provenance
    if not prov.nodes:
        return None
    degree: dict[str, int] = {n.id: 0 for n in prov.nodes}
    for e in prov.edges:
        for k in (e.source, e.target):
            if k in degree:
                degree[k] += 1
    keep = {n.id for n in sorted(prov.nodes, key=lambda n: (n.kind != "article", -degree[n.id]))[:MAX_GRAPH_NODES]}
    nodes = [n for n in prov.nodes if n.id in keep]
    edges = [e for e in prov.edges if e.source in keep and e.target in keep and e.source != e.target]
    level = {n.id: 0 for n in nodes}
    for _ in range(len(nodes)):
        changed = False
        for e in edges:
            if level[e.target] < level[e.source] + 1:
                level[e.target] = level[e.source] + 1
                changed = True
        if not changed:
            break
    # One line per (citer, cited, relation): repeated citations thicken it instead.
    merged: dict[tuple[str, str, str], list[ProvEdge]] = {}
    for e in edges:
        merged.setdefault((e.source, e.target, e.relation), []).append(e)
    col_of = {c: i for i, c in enumerate(sorted(set(level.values())))}
    columns: list[list[str]] = [[] for _ in col_of]
    for n in nodes:
        columns[col_of[level[n.id]]].append(n.id)
    keys = list(merged)
    layering = layer(columns, [(s, t) for s, t, _ in keys])
    lines_of = {n.id: wrap_label(name(n.name)) for n in nodes}
    box = max(len(v) for v in lines_of.values()) * LABEL_LINE + 14  # every box as tall as the tallest
    row = box + 14
    # A waypoint takes a thin row: lines pass between the boxes, not through them.
    tall = [sum(WAYPOINT_ROW if isinstance(slot, tuple) else row for slot in col) for col in layering.columns]
    height = max(tall) + 20
    placed: dict[str, GraphNode] = {}
    passes: dict[tuple[str, int], float] = {}  # the y at which long lines into a node cross a column
    by_id = {n.id: n for n in nodes}
    for c, col in enumerate(layering.columns):
        y = (height - tall[c]) / 2 + 6
        for slot in col:
            if isinstance(slot, tuple):
                passes[slot] = y - 1  # mid-way between the box above (and its gap) and the next
                y += WAYPOINT_ROW
            else:
                placed[slot] = GraphNode(by_id[slot], 10 + c * (width + gap), y, lines_of[slot], box)
                y += row

    def curve(x1: float, y1: float, x2: float, y2: float) -> str:
        mid = (x1 + x2) / 2
        return f" C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"

    lines = []
    for i, (source, target, relation) in enumerate(keys):
        group = merged[(source, target, relation)]
        a, b = placed[source], placed[target]
        x, y = a.x + width, a.y + box / 2
        d = f"M{x:.0f},{y:.0f}"
        for way in layering.waypoints.get(i, []):
            wx = 10 + way[1] * (width + gap)
            d += curve(x, y, wx, passes[way]) + f" L{wx + width:.0f},{passes[way]:.0f}"
            x, y = wx + width, passes[way]
        x2 = b.x if b.x > a.x else b.x + width  # a back edge: into the right side
        d += curve(x, y, x2, b.y + box / 2)
        lines.append(
            {
                "relation": relation,
                "count": len(group),
                "width": round(min(1.2 + 0.6 * (len(group) - 1), 4.0), 1),
                "title": f"{name(a.node.name)} {relation} {name(b.node.name)} ({len(group)}×): {short(group[0].text, 120)}",
                "d": d,
            }
        )
    return {
        "width": 20 + len(columns) * (width + gap) - gap,
        "height": math.ceil(height),
        "box": width,
        "line": LABEL_LINE,
        "nodes": list(placed.values()),
        "edges": lines,
        "crossings": layering.crossings,
        "hidden": len(prov.nodes) - len(nodes),
        "kinds": sorted({n.kind for n in nodes}),
    }


def _wording_marks(w: OutletWording) -> list[tuple[int, int, str]]:
    """Loaded words always; other differing words only where the sentences are close rewordings."""
    close = w.overlap >= MIN_WORDING_OVERLAP
    return [(d.start, d.end, "loaded" if d.loaded else "distinct") for d in w.distinct if d.loaded or close]


def _framing_view(brief: Brief, numbers: dict[str, int]) -> dict[str, Any]:
    f = brief.framing
    outlets = f.outlets if f else []
    return {
        "outlets": outlets,
        "max_rate": max((p.rate or 0 for p in outlets), default=0) or 1,
        "claims": [
            {"text": c.text, "wordings": [{"wording": w, "outlet": w.outlet, "article": w.article, "text": w.text,
                                           "start": w.start, "distinct_spans": _wording_marks(w)} for w in c.wordings]}
            for c in (f.claims if f else [])
            # Loosely aligned sentences differ everywhere: show close rewordings and loaded ones.
            if c.loaded or c.overlap >= MIN_WORDING_OVERLAP
        ][:MAX_WORDINGS],
        "names": [n for n in (f.names if f else []) if n.differs and len(n.outlets) > 1][:15],
        "numbers": numbers,
    }


def _counts(brief: Brief, sources: list[Source]) -> dict[str, int]:
    """The head line's figures."""
    named, not_known = outlet_counts(s.article for s in sources)
    return {
        "articles": len(sources),
        "outlets": named,
        "unknown_outlets": not_known,
        # Copies of an article in the story and articles republished from outside it alike.
        "copies": sum(1 for s in sources if s.copy_of or s.syndicated_from),
        "claims": len(brief.claims),
        "single_source_claims": sum(1 for c in brief.claims if c.independent_sources <= 1),
        "quotes": len(brief.quotes),
        "conflicts": len(brief.conflicts),
        "events": len(brief.timeline),
    }


def _printed(brief: Brief, numbers: dict[str, int], name: Callable[[str], str]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Under the sources: which papers printed each agency's copy (one source, however many print it)."""
    return [(agency_short_name(agency), [(numbers[a.id], name(a.label)) for a in arts]) for agency, arts in agency_printers(brief.articles)]


def _quotes_view(brief: Brief) -> dict[str, list[QuoteGroup]]:
    """Statements several articles carry (most versions first), then the ones only one does."""
    return {
        "quotes": sorted((g for g in brief.quotes if len(g.variants) > 1), key=lambda g: -len(g.variants)),
        "lone_quotes": [g for g in brief.quotes if len(g.variants) <= 1],
    }


def brief_view(brief: Brief) -> dict[str, Any]:
    """Everything the brief template shows, computed once: one entry (or function) per section.
    What matters opens the page (the finding, summary, sources, the key claims, conflicts);
    the rest folds."""
    names = readable_names(brief.articles)

    def name(label: str) -> str:
        return names.get(label, label)

    sources = _sources(brief, names)
    numbers = {s.article.id: s.number for s in sources}
    spread, unsure, single = claim_order(brief.claims)
    carried = spread + unsure  # by several articles: several outlets first
    return {
        "brief": brief,
        "id": brief.story.id,
        "title": brief.story.title or (brief.articles[0].title if brief.articles else None) or brief.story.id,
        "numbers": numbers,
        "name": name,
        "origin": lambda o: origin_text(o, name),
        "not_counted": lambda c: uncounted_text(c, name),
        "counting_rules": counting_rules(brief.claims, names),
        "finding": finding(brief, name),
        "outlet_of": {s.article.id: s.outlet for s in sources},
        "counts": _counts(brief, sources),
        "sources": sources,
        "printed": _printed(brief, numbers, name),
        "key_claims": carried[:KEY_SPREAD] + single[:KEY_SINGLE],
        "matrix": _matrix(carried + single, sources),
        **_quotes_view(brief),
        "graph": provenance_svg_model(brief, name=name),
        "stretches": _stretches_view(brief, sources),
        "claim_text": {c.id: c.text for c in brief.claims},
        "framing": _framing_view(brief, numbers),
    }


def _stretches_view(brief: Brief, sources: list[Any]) -> list[dict[str, Any]]:
    """Per article, the stretches it credits to someone other than itself (text, chain, act)."""
    from newsprism.provenance.stretches import ACT_LABELS, credited

    by_id = {a.id: a for a in brief.articles}
    shown = credited(brief.stretches, brief.articles)
    out = []
    for src in sources:
        own = [st for st in shown if st.article == src.article.id]
        if own:
            out.append({"article": src.article.id, "outlet": src.outlet, "stretches": [
                {"start": st.start, "end": st.end, "text": by_id[st.article].text[st.start : st.end],
                 "chain": stretch_chain(st),
                 "act": ACT_LABELS[st.act]} for st in own]})
    return out


# ---------------------------------------------------------------- pages


def render_page(template: str, *, inline: bool, env: Environment | None = None, **context: Any) -> str:
    """Render a full page (from ``env``, by default the saved page's); ``inline``
    embeds CSS/JS and pins them in a CSP meta tag."""
    from markupsafe import Markup

    css, js = (static_text(n) for n in STATIC_FILES)
    csp = None
    if inline:
        csp = f"default-src 'none'; style-src {csp_hash(css)}; script-src {csp_hash(js)}; img-src data:; base-uri 'none'; form-action 'none'"
    return html_refs(
        (env or environment()).get_template(template).render(inline=inline, css=Markup(css), js=Markup(js), csp=csp, **context)
    )


def render_html(briefs: list[Brief], *, title: str | None = None, news: dict[str, Any] | None = None) -> str:
    """One self-contained HTML page for one or many briefs; ``news`` (``report.stored.news_view``)
    says what is new in a story since a time, above its brief."""
    views = [brief_view(b) for b in briefs]
    if title is None:
        title = views[0]["title"] if len(views) == 1 else f"newsprism: {len(views)} stories"
    return render_page("report.html", inline=True, title=title, views=views, links=Links(), news=news)
