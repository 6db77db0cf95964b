"""The Markdown brief: one section per story, the most telling facts first.

Articles are cited by their number in the story's source table ([1][3]), so
every line of the brief can be checked against the article it rests on. Every
string an input brought goes through ``escape.md`` (ids through ``md_code``):
an article's ``<svg onload=...>`` or ``[x](javascript:...)`` prints as those
characters, as the HTML brief shows them, never as markup a viewer would act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from newsprism.cluster.names import story_names
from newsprism.extract.agencies import agency_copies, agency_printers, agency_short_name
from newsprism.model import Analysis, Article, Brief, Claim, QuoteVariant, Story, outlet_counts
from newsprism.quotes.output import statement
from newsprism.report.escape import md, md_code, visible
from newsprism.report.glance import article_order, claim_order, counting_rules, finding, origin_text, readable_names, rewrites, stretch_chain, uncounted_text
from newsprism.report.html import short

MAX_ROWS = 25  # long sections are cut, saying what was cut; the JSON and the HTML brief carry everything
WHERE_ALL = "the JSON (`--format json`) and the HTML brief hold them all"


_PIPE = re.compile(r"(?<!\\)\|")


def _cell(markdown: str) -> str:
    """Markdown (escaped text and our own marks) safe in a table cell: one line, no bare pipe."""
    return _PIPE.sub(r"\\|", re.sub(r"\s+", " ", markdown)).strip()


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _outlet_cell(arts: Sequence[Article]) -> str:
    named, not_known = outlet_counts(arts)
    return f"{named} (+{not_known} not known)" if not_known else str(named)


def _outlets(arts: Sequence[Article], unknown: str = " and {} whose outlet is not known") -> str:
    """ "3 outlets", and how many articles have no outlet named (``unknown``, "{}" for the number)."""
    named, not_known = outlet_counts(arts)
    return _n(named, "outlet") + (unknown.format(not_known) if not_known else "")


def _shown(items: Sequence[Any], what: str, limit: int = MAX_ROWS) -> tuple[list[Any], list[str]]:
    """The first ``limit`` items, and the line that says how many more there are and where
    (none when nothing is cut): a cut the reader is not told of reads as "there is no more"."""
    items = list(items)
    if len(items) <= limit:
        return items, []
    return items[:limit], [f"*{len(items) - limit} more {what} not shown: {WHERE_ALL}.*"]


def _more(count: int) -> str:
    """The tail of a list cut inside a line: " (and 3 more)"."""
    return f" (and {count} more)" if count > 0 else ""


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out


class _Cites:
    """Numbers the articles of one story in table order."""

    def __init__(self, articles: list[Article]) -> None:
        self.num = {a.id: i for i, a in enumerate(articles, 1)}
        self.by_id = {a.id: a for a in articles}
        self.names = readable_names(articles)

    def name(self, label: str) -> str:
        """An outlet's name as the brief shows it (an unknown outlet by its short readable label)."""
        return self.names.get(label, label)

    def __call__(self, ids: Sequence[str]) -> str:
        nums = sorted({self.num[i] for i in ids if i in self.num})
        return "".join(f"[{n}]" for n in nums)

    def outlet(self, article_id: str) -> str:
        a = self.by_id.get(article_id)
        return self.name(a.label) if a else article_id


def _copy_note(a: Article, cites: _Cites, agency: str | None = None, rewrite_of: str | None = None) -> str:
    if agency is not None and a.outlet_id != agency:
        same = next((r for r in (a.duplicate_of, a.syndicated_from) if r in cites.num), None)
        return f"{agency_short_name(agency)} copy" + (f", as {cites([same])}" if same else "")
    if a.syndicated_from in cites.num:
        return f"republished from {cites([a.syndicated_from])}"
    if a.duplicate_of:
        return f"duplicate of {cites([a.duplicate_of]) or md_code(a.duplicate_of)}"
    if a.syndicated_from:
        return f"republished from {md(a.syndicated_from)}"
    if rewrite_of:
        return f"rewrite of {md(cites.name(rewrite_of))}"
    return ""


def _diff(v: QuoteVariant) -> str:
    """The variant's words against the group's wording: ~~dropped~~ and **added**."""
    if not v.diff or all(op == "=" for op, _ in v.diff):
        return md(v.text)
    marks = {"=": "{}", "-": "~~{}~~", "+": "**{}**"}
    return " ".join(marks.get(op, "{}").format(md(words)) for op, words in v.diff if words.strip())


def _headline(brief: Brief) -> str:
    copies = sum(1 for a in brief.articles if a.duplicate_of or a.syndicated_from)
    parts = [_n(len(brief.articles), "article"), _outlets(brief.articles, " · {} whose outlet is not known")]
    if copies:
        parts.append(f"{copies} syndicated or duplicate")
    for k in brief.key_sources[:3]:
        parts.append(f"{len(k.articles)} of {len(brief.articles)} credit {md(k.name)}")
    if brief.claims:
        top = max(brief.claims, key=lambda c: len(c.articles))
        parts.append(
            f"main claim carried by {_n(len(top.articles), 'article')} resting on "
            f"{_n(top.independent_sources, 'independent source')}"
        )
    return " · ".join(parts)


def _sources(arts: list[Article], cites: _Cites, ids: bool = False, rewritten: dict[str, str] | None = None) -> list[str]:
    """The table of a story's articles, numbered as they are cited (with their ids: ``ids``), and
    which copy or rewrite (``rewritten``: article id to outlet, see ``glance.rewrites``) each is.
    An untitled article shows its opening words in italics, as the HTML page does.
    Then which papers printed each agency's copy: one source, however many print it."""
    agencies = agency_copies(arts)
    rows = [
        [
            f"[{cites.num[a.id]}]",
            *([md_code(a.id)] if ids else []),
            md(cites.name(a.label)),
            md((a.published or "")[:10]),
            md(", ".join(a.byline)),
            md(a.title) or (f"*{md(short(a.text, 70))}*" if a.text.strip() else ""),
            _copy_note(a, cites, agencies.get(a.id), (rewritten or {}).get(a.id)),
        ]
        for a in arts
    ]
    printed = [
        f"- {agency_short_name(agency)} copy, printed by "
        + _and([f"{md(cites.name(a.label))} {cites([a.id])}" for a in copies])
        + ": one source, however many print it."
        for agency, copies in agency_printers(arts)
    ]
    return _table(["#", *(["article"] if ids else []), "outlet", "date", "byline", "title", "copy"], rows) + [""] + (
        [*printed, ""] if printed else []
    )


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def stretches_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    """What each article credits to someone other than itself, stretch by stretch; the rest is its own voice."""
    from newsprism.provenance.stretches import ACT_LABELS, credited

    shown_stretches = credited(brief.stretches, brief.articles)
    if not shown_stretches:
        return []
    out = ["### Who each article credits", "", "Every other sentence rests on the outlet that printed it.", ""]
    by_id = {a.id: a for a in brief.articles}
    for a in article_order(brief.articles):
        own = [st for st in shown_stretches if st.article == a.id]
        if not own:
            continue
        out.append(f"- {cites([a.id])} {md(cites.outlet(a.id))}")
        kept, cut = _shown(own, "credited stretches of this article")
        for st in kept:
            text = " ".join(by_id[a.id].text[st.start : st.end].split())
            shown = md(text[:160]) + ("…" if len(text) > 160 else "")  # cut before escaping, never inside an escape
            out.append(f"  - “{shown}” — {md(stretch_chain(st))} ({ACT_LABELS[st.act]})")
        out += [f"  - {c}" for c in cut]
    return out + [""]


def render_brief(brief: Brief) -> list[str]:
    """One story's brief: its heading and head line, then each section that has
    something to show, in ``SECTIONS`` order (a section function returns its
    lines, heading and trailing blank line included, or none)."""
    arts = article_order(brief.articles)
    cites = _Cites(arts)
    title = brief.story.title or (arts[0].title if arts else None) or brief.story.id
    out = [f"## {md(title)}", "", f"*Story {md_code(brief.story.id)}: {_headline(brief)}.*", ""]
    found = finding(brief, cites.name)
    if found:
        out += [f"**{md(found)}**", ""]
    for section in SECTIONS:
        out += section(brief, arts, cites)
    return out


def _section(heading: str, lines: list[str]) -> list[str]:
    return [f"### {heading}", "", *lines, ""] if lines else []


def summary_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    return _section("Summary", [f"- {md(s.text)} {cites(s.articles)}" for s in brief.summary])


def sources_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    return ["### Sources", "", *_sources(arts, cites, rewritten=rewrites(brief))]


def _claim_rows(claims: Sequence[Claim], cites: _Cites) -> list[list[str]]:
    return [
        [md(c.text), cites(c.articles), str(c.independent_sources),
         "; ".join([*(md(origin_text(o, cites.name)) for o in c.origins),
                    *([f"*{md(uncounted_text(c, cites.name))}*"] if c.not_counted else [])])]
        for c in claims
    ]


def claims_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    if not brief.claims:
        return []
    header = ["claim", "articles", "independent", "rests on"]
    spread, unsure, single = claim_order(brief.claims)
    out = ["### Claims and independent sources", ""]
    if rule := counting_rules(brief.claims, cites.names):
        out += [f"*{md(rule)}*", ""]
    for claims, title, what in ((spread, "Carried by several outlets", "claims carried by several outlets"),
                                (unsure, "Carried by several articles, not shown to be several outlets",
                                 "claims carried by several articles not shown to be several outlets"),
                                (single, "Printed by one outlet only", "claims printed by one outlet")):
        if claims:
            kept, cut = _shown(claims, what)
            out += [f"**{title}** ({len(claims)})", "", *_table(header, _claim_rows(kept, cites)), "", *cut, *([""] if cut else [])]
    return out


def quotes_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    out: list[str] = []
    kept, cut = _shown(brief.quotes, "quotes")
    for q in kept:
        spk = q.speaker.name or "unknown speaker"
        kind = q.speaker.kind
        out.append(f"- **{md(spk)}**{f' ({md(kind)})' if kind and kind != 'person' else ''}: {md(statement(q))}")
        if len(q.variants) > 1:
            for v in q.variants:
                mode = "direct" if v.direct else "reported"
                out.append(f"  - {cites([v.article])} {md(cites.outlet(v.article))} ({mode}): {_diff(v)}")
        else:
            out[-1] += f" {cites([q.variants[0].article])}" if q.variants else ""
    return _section("Who said what", out + cut)


def chains_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    names = {n.id: n.name for n in brief.provenance.nodes}
    edges, cut = _shown(brief.provenance.edges, "attribution links", MAX_ROWS * 2)
    return _section("Attribution chains", [
        f"- {md(cites.name(names.get(e.source, e.source)))} ← {md(cites.name(names.get(e.target, e.target)))} "
        f"({e.relation}) {cites([e.article])}: “{md(e.text)}”"
        for e in edges
    ] + cut)


def conflicts_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    out = []
    for c in brief.conflicts:
        vals = "; ".join(f"{md(v.text)} ({visible(v.value)}) {cites([v.article])}" for v in c.values)
        out.append(f"- **{c.kind}**, {md(c.topic)}: {vals}")
    return _section("Conflicts", out)


def timeline_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    return _section("Timeline", [f"- **{t.date}** {md(t.text)} {cites(t.articles)}" for t in brief.timeline])


def coverage_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    claim_text = {c.id: c.text for c in brief.claims}
    out = []
    for n in brief.coverage:
        bits = []
        if n.adds:
            bits.append("adds: " + "; ".join(md(claim_text.get(i, i)) for i in n.adds[:5]) + _more(len(n.adds) - 5))
        if n.omits:
            bits.append("leaves out: " + "; ".join(md(claim_text.get(i, i)) for i in n.omits[:5]) + _more(len(n.omits) - 5))
        if bits:
            out.append(f"- {cites([n.article])} **{md(cites.name(n.outlet))}** " + " — ".join(bits))
    return _section("What each outlet adds or leaves out", out)


def framing_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    """Each outlet's rate of loaded words in its own voice, then the actors outlets name differently
    (shown only when some outlet has a profile)."""
    framing = brief.framing
    if framing is None or not framing.outlets:
        return []
    out = []
    profiles, cut = _shown(framing.outlets, "outlets' framing")
    for prof in profiles:
        own, quoted = (
            list(dict.fromkeys(md(f.text).strip("\"“”‘’'") for f in prof.examples if f.quoted is q))[:8]
            for q in (False, True)
        )
        rate = f"{prof.rate or 0:.1f} loaded words per 1,000"
        if prof.others_rate is not None:
            rate += f" (others {prof.others_rate:.1f})"
        # The rate counts the outlet's own words; quoted ones are the source's, shown apart.
        shown = ", ".join(f"“{w}”" for w in own) if own else "no loaded wording of its own"
        if quoted:
            shown += "; in quotations: " + ", ".join(f"“{w}”" for w in quoted)
        out.append(f"- **{md(cites.name(prof.outlet))}** {cites(prof.articles)}: {rate}; {shown}")
    names, cut_names = _shown([n for n in framing.names if n.differs], "actors named differently")
    for n in names:
        per = "; ".join(f"{md(cites.name(o.outlet))}: " + ", ".join(md(x.text) for x in o.names[:4]) + _more(len(o.names) - 4) for o in n.outlets)
        out.append(f"- *{md(n.name)}* is called — {per}")
    return _section("Framing", out + cut + cut_names)


def entities_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    if not brief.entities:
        return []
    out = []
    groups = (("People", {"PERSON"}), ("Organisations", {"ORG"}), ("Places", {"GPE", "LOC", "FAC"}))
    for label, kinds in groups:
        ents = [e for e in brief.entities if e.label in kinds]
        if ents:
            items = []
            for e in ents[:MAX_ROWS]:
                others = [md(v) for v in e.variants if v != e.name]
                alias = f" (also {', '.join(others[:4])}{_more(len(others) - 4)})" if others else ""
                items.append(f"{md(e.name)}{alias} {cites(e.articles)}")
            out.append(f"- **{label}:** " + "; ".join(items) + _more(len(ents) - MAX_ROWS))
    # A story with entities of other labels only still has the heading, as it always had.
    return ["### People, organisations and places", "", *out, ""]


def shared_section(brief: Brief, arts: list[Article], cites: _Cites) -> list[str]:
    shared, cut = _shown(brief.shared_sentences, "shared sentences")
    return _section("Sentences several articles share", [f"- “{md(s.text)}” {cites(s.articles)}" for s in shared] + cut)


Section = Callable[[Brief, list[Article], _Cites], list[str]]
SECTIONS: tuple[Section, ...] = (
    summary_section, sources_section, claims_section, quotes_section, stretches_section, chains_section, conflicts_section,
    timeline_section, coverage_section, framing_section, entities_section, shared_section,
)


def render_story_list(stories: Sequence[Story], articles: Sequence[Article]) -> str:
    """What ``newsprism cluster --format md`` prints: the stories, largest first,
    in one table, then each story's articles with their copies under their
    originals. Articles known only to a saved state are counted, not listed."""
    by_id = {a.id: a for a in articles}
    # A saved state may hold many more stories: only those this run's articles are in are listed.
    touched = {a.story for a in articles}
    ordered = sorted((s for s in stories if s.id in touched), key=lambda s: -len(s.articles))  # stable
    out = [f"# {_n(len(articles), 'article')} in {_n(len(ordered), 'story', 'stories')}", ""]
    if len(stories) > len(ordered):
        out += [f"The state holds {_n(len(stories) - len(ordered), 'other story', 'other stories')}.", ""]
    rows = []
    for st in ordered:
        arts = [by_id[i] for i in st.articles if i in by_id]
        days = sorted(str(d) for d in (a.published_day for a in arts) if d is not None)
        span = f"{days[0]} to {days[-1]}" if days and days[0] != days[-1] else (days[0] if days else "")
        rows.append([md_code(st.id), str(len(st.articles)), _outlet_cell(arts), span, md(st.title)])
    out += _table(["story", "articles", "outlets", "days", "title"], rows) + [""]
    for st in ordered:
        arts = article_order([by_id[i] for i in st.articles if i in by_id])
        out += [f"## {md_code(st.id)} {md(st.title)}".rstrip(), ""]
        if names := story_names(arts):
            out += [f"Names: {', '.join(md(n) for n in names)}.", ""]
        if st.absorbed:
            out += [f"Absorbed: {', '.join(md_code(i) for i in st.absorbed)}.", ""]
        out += _sources(arts, _Cites(arts), ids=True)
        if len(arts) < len(st.articles):
            out += [f"and {_n(len(st.articles) - len(arts), 'article')} from earlier runs.", ""]
    return "\n".join(out).rstrip() + "\n"


def render_markdown(analysis: Analysis) -> str:
    out = [
        "# newsprism brief",
        "",
        f"{_n(len(analysis.articles), 'article')} from {_outlets(analysis.articles, ' and {} whose outlet is not known,')} "
        f"in {_n(len(analysis.briefs), 'story', 'stories')}.",
        "",
    ]
    for b in analysis.briefs:
        out += render_brief(b)
    if analysis.skipped:
        out += ["## Skipped inputs", ""]
        out += [f"- {md_code(p.where())}: {md(p.message)}" for p in analysis.skipped]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_quote_list(rows: Sequence[dict[str, Any]], articles: Sequence[Article]) -> str:
    """What ``newsprism quotes --format md`` prints: each article's quotes, speaker first."""
    by_id = {a.id: a for a in articles}
    out = []
    for row in rows:
        text = by_id[row["id"]].text
        out += [f"## {md(row['id'])}", ""]
        for q in row["quotes"]:
            spk = q["speaker"]
            who = f"{md(spk['name'])} ({spk['kind']})" if spk else "unknown speaker"
            content = md(text[q["content"]["start"] : q["content"]["end"]])
            out.append(f"- **{who}** {'“' + content + '”' if q['direct'] else content}")
        out.append("")
    return "\n".join(out)
