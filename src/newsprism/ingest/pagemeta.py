"""What a web page says about itself: headline, byline, date and outlet.

Each field comes from the first source that holds a plausible value, and the
name of that source is kept as evidence ("h1", "og:site_name", "json-ld
datePublished"). The rules, and why:

- headline: the page's last visible <h1> before the article text starts, as
  the reader sees it; a share title (og:title, <title>) often differs from it
  or carries the site's name ("... | The Beachbody Blog"), which is cut off.
- byline: the article's own JSON-LD authors when it names people, since a
  page's ``<meta name="author">`` is often its publisher ("Condé Nast"); every
  value is cleaned by the byline rule that cleans bylines in text
  (``extract.metadata.parse_author_field``): roles, outlets, dates, handles out.
- date: every candidate is checked, not only the first: a placeholder
  ("0001-01-01"), anything before 1990 or later than the fetch is passed over.
- outlet: og:site_name (the brand) before a JSON-LD publisher (often the
  parent company), then trafilatura's site name, then the alt text of the
  site's logo; junk ("Copyright 2014", a URL) is passed over and a tagline cut
  off ("Remember 80/90 - Memorabilia anni 80/90"). A news agency named as
  publisher on another site is what the page was syndicated from, not its outlet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from newsprism.extract.metadata import parse_author_field
from newsprism.extract.outlets import canonical_outlet, host_of, is_wire, readable_host_name
from newsprism.ingest.fields import iso_date, names, one_line

# Article.extra key under which the HTML reader says where in the page each field was read.
PAGE_EVIDENCE = "page_metadata"
EARLIEST_YEAR = 1990  # no news page in any corpus we read is older; earlier values are placeholders
# Keys of <meta> tags that carry the publication time, in the order they are trusted.
PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "dc.date.issued", "dcterms.created", "parsely-pub-date",
    "sailthru.date", "date",
)  # fmt: skip
DATE_SEARCH = {
    "original_date": True,
    # Dates printed in the body are the extract stage's business, not page metadata.
    "extensive_search": False,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}
AUTHOR_KEYS = (
    "author", "article:author", "authors", "byl", "citation_author", "creator", "dc.creator", "dc:creator",
    "dcterms.creator", "parsely-author", "sailthru.author", "shareaholic:article_author_name",
)  # fmt: skip
ARTICLE_TYPES = frozenset(
    """Article NewsArticle BlogPosting ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle
    BackgroundNewsArticle ReviewNewsArticle AskPublicNewsArticle SatiricalArticle Report TechArticle
    ScholarlyArticle LiveBlogPosting Review""".split()
)
# Leading whitespace only from where it starts ((?<!...)): linear on a long run of it.
_SEPARATORS = re.compile(r"(?<!\s)\s+(?:[|–—\-·•:»]|::)\s+")
_LOGO_WORDS = re.compile(
    r"(?:(?<![\s_-])[\s_-]+)?\b(?:logo|logotype|header|footer|print|image|img|icon|svg|png|jpg)\b[\s_-]*", re.I
)
_URLISH = re.compile(r"^(?:https?:|www\.)|/", re.I)
_JUNK_OUTLET = re.compile(r"©|\bcopyright\b|\ball rights\b|^\W*\d{4}\b", re.I)


@dataclass
class PageFacts:
    title: str | None = None
    byline: list[str] = field(default_factory=list)
    published: str | None = None
    outlet: str | None = None
    syndicated_from: str | None = None
    url: str | None = None  # the page's own (canonical) address
    evidence: dict[str, str] = field(default_factory=dict)  # field -> where in the page it was read


def page_facts(tree: Any, *, url: str | None, fetched: str | None, body: list[str]) -> PageFacts:
    """The page's metadata. ``tree`` is the parsed page (left as it is), ``body`` the
    article's first paragraphs (to find where the story starts in the page)."""
    meta = _meta_tags(tree)
    ld = list(_json_ld(tree))
    article = [o for o in ld if _types(o) & ARTICLE_TYPES] or [o for o in ld if any(t.endswith("WebPage") for t in _types(o))]
    facts = PageFacts(url=_canonical(tree, meta))
    host = host_of(url or "") or host_of(facts.url or "")
    doc = _Searches(tree, url or facts.url)  # htmldate reads a date in the address too
    _outlet(facts, meta, article, ld, doc, tree, host)
    sites = [n for n in (facts.outlet, facts.syndicated_from, *meta.get("og:site_name", [])) if n]
    if host:
        sites.append(readable_host_name(host))
    _title(facts, meta, article, doc, tree, body, sites)
    _byline(facts, meta, article, ld, doc, sites)
    _published(facts, meta, article, doc, tree, fetched)
    return facts


class _Searches:
    """trafilatura's and htmldate's searches of the page itself, each run only when the
    page's marked-up metadata leave its field empty (htmldate's is the slow one)."""

    def __init__(self, tree: Any, url: str | None):
        self._tree, self._url = tree, url

    def title(self) -> str | None:
        from trafilatura.metadata import extract_title

        return one_line(extract_title(self._tree))

    def author(self) -> str | None:
        from trafilatura.metadata import extract_author

        return one_line(extract_author(self._tree))

    def sitename(self) -> str | None:
        from trafilatura.metadata import extract_sitename

        return one_line(extract_sitename(self._tree))

    def date(self) -> str | None:
        from htmldate import find_date

        value = iso_date(find_date(self._tree, url=self._url, **DATE_SEARCH))
        return value[:10] if value and value.endswith("T00:00:00") else value  # htmldate pads a day with midnight


def _canonical(tree: Any, meta: dict[str, list[str]]) -> str | None:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and host_of(link.get("href") or ""):
            return one_line(link.get("href"))
    url = (meta.get("og:url") or [None])[0]
    return url if url and host_of(url) else None


# ---------------------------------------------------------------- sources


def _meta_tags(tree: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = one_line(el.get("content"))
        if key and value:
            out.setdefault(key, []).append(value)
    return out


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, @graph and lists flattened."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().removeprefix("<!--").removesuffix("-->"), strict=False)
        except (ValueError, RecursionError):  # broken, or nested deeper than the parser goes
            continue
        yield from _flatten(data)


def _flatten(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _flatten(data["@graph"], depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    return {str(x) for x in t} if isinstance(t, list) else ({str(t)} if t else set())


def _ld_values(objs: Iterable[dict[str, Any]], key: str) -> Iterator[Any]:
    for o in objs:
        if o.get(key) is not None:
            yield o[key]


# ---------------------------------------------------------------- outlet


def _clean_outlet(name: str | None) -> str | None:
    """A site name as a reader would write it, or None for junk."""
    name = one_line(name)
    if not name or _URLISH.search(name) or _JUNK_OUTLET.search(name) or not any(c.isalpha() for c in name):
        return None
    name = name.lstrip("@")
    parts = _SEPARATORS.split(name)
    if len(parts) > 1 and len(parts[0]) >= 2:
        name = parts[0]  # "Autoracing | F1 | Indy", "Remember 80/90 - Memorabilia anni 80/90"
    if len(name) > 60 or len(name.split()) > 8:
        return None
    known = canonical_outlet(name)
    return known[1] if known and not host_of(name) else name


def _logo_alt(tree: Any, host: str | None) -> str | None:
    """The alt text of the site's logo: an image linking to the home page, or one named a logo."""
    home = {"/", "./"} | ({f"{scheme}://{w}{host}{slash}" for scheme in ("http", "https") for w in ("", "www.") for slash in ("", "/")} if host else set())
    linked = [img for a in tree.iter("a") if (a.get("href") or "").strip() in home for img in a.iter("img")]
    marked = [img for img in tree.iter("img") if "logo" in " ".join(img.get(k) or "" for k in ("class", "id", "src", "alt")).lower()]
    for img in linked[:1] + marked[:1]:
        alt = one_line(img.get("alt"))
        # A file-ish alt text ("express_logo", "ascom-image-Logo") is no name.
        if not alt or (" " not in alt and ("_" in alt or "-" in alt)):
            continue
        name = " ".join(_LOGO_WORDS.sub(" ", alt).split())
        if len(name) >= 2:
            return name
    return None


def _outlet(
    facts: PageFacts, meta: dict[str, list[str]], article: list[dict[str, Any]], ld: list[dict[str, Any]],
    doc: _Searches, tree: Any, host: str | None,
) -> None:
    publishers = [p.get("name") if isinstance(p, dict) else p for p in _ld_values(article or ld, "publisher")]
    candidates: list[tuple[str | None, str]] = [(v, "og:site_name") for v in meta.get("og:site_name", [])]
    candidates += [(p, "json-ld publisher") for p in publishers if isinstance(p, str)]
    cleaned = [(name, source) for raw, source in candidates if (name := _clean_outlet(raw))]
    plain = [n for n, _ in cleaned if not _is_wire_elsewhere(n, host)]
    if not plain or host_of(plain[0]):
        sitename = doc.sitename()
        if sitename and not (host and host_of(sitename) == host):  # trafilatura's fallback to the host name
            candidates.append((sitename, "site name"))
        candidates.append((_logo_alt(tree, host), "logo"))
        cleaned = [(name, source) for raw, source in candidates if (name := _clean_outlet(raw))]
    for i, (name, source) in enumerate(cleaned):
        if host_of(name):
            # "Spokesman.com": the same brand written out ("The Spokesman-Review") reads better.
            label = _norm(readable_host_name(host_of(name) or "")).replace(" ", "")
            spelled = [(n, s) for n, s in cleaned[i + 1 :] if not host_of(n) and label and _norm(n).replace(" ", "").removeprefix("the").startswith(label)]
            if spelled:
                name, source = spelled[0]
        if _is_wire_elsewhere(name, host):
            # An agency's copy on another site: the site stays the outlet.
            if facts.syndicated_from is None:
                facts.syndicated_from, facts.evidence["syndicated_from"] = (canonical_outlet(name) or (name, name))[1], source
        elif facts.outlet is None:
            facts.outlet, facts.evidence["outlet"] = name, source


def _is_wire_elsewhere(name: str, host: str | None) -> bool:
    """A news agency named on a site that is not the agency's own."""
    known = canonical_outlet(name)
    return bool(known and is_wire(known[0]) and not (host and canonical_outlet(host) == known))


# ---------------------------------------------------------------- headline


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def _is_site_name(text: str, sites: list[str]) -> bool:
    t = _norm(text).replace(" ", "")
    return any(t == _norm(s).replace(" ", "") for s in sites)


def _strip_site(title: str, sites: list[str]) -> str:
    """ "Clymer workshop manual review | MoreBikes" -> "Clymer workshop manual review"."""
    head, colon, rest = title.partition(": ")
    if colon and rest and _is_site_name(head, sites):
        title = rest  # "MoreBikes: Clymer workshop manual review"
    for _ in range(2):
        parts = _SEPARATORS.split(title)
        seps = _SEPARATORS.findall(title)
        if len(parts) < 2:
            break
        if _is_site_name(parts[-1], sites) or any(
            _norm(title[title.rfind(sep) + len(sep) :]) == _norm(s) for s in sites for sep in seps[-1:]
        ):
            title = title[: title.rfind(seps[-1])].strip()
        elif _is_site_name(parts[0], sites):
            title = title[len(parts[0]) + len(seps[0]) :].strip()
        else:
            # A site name that itself holds a separator: "... - Remember 80/90 - Memorabilia anni 80/90".
            for s in sites:
                for sep in set(seps):
                    if _norm(title).endswith(_norm(s)) and title.endswith(sep.rstrip() + " " + s.strip()):
                        return title[: -len(sep.rstrip() + " " + s.strip())].strip()
            break
    return title


_HIDDEN = "ancestor::script or ancestor::style or ancestor::noscript or ancestor::template or ancestor::head"


def _story_start(tree: Any, body: list[str]) -> tuple[Any, dict[Any, int]] | None:
    """The first element, in page order, whose own text begins one of the story's opening paragraphs.

    A probe of a paragraph's first words, or (when it opens with a bold dateline or a
    link, which splits the text) of words from its middle, is looked for in the
    page's visible text nodes; scripts are left out (JSON-LD repeats the story).
    """
    order: dict[Any, int] | None = None
    best: tuple[int, Any] | None = None
    for para in body[:3]:
        text = " ".join(para.split())
        for probe in (text[:24], text[len(text) // 2 : len(text) // 2 + 24]):
            if len(probe) < 12 or ('"' in probe and "'" in probe):
                continue
            quote = "'" if '"' in probe else '"'
            nodes = tree.xpath(f"//body//text()[contains(normalize-space(.), {quote}{probe.strip()}{quote})][not({_HIDDEN})]")
            if not nodes:
                continue
            order = order if order is not None else {el: i for i, el in enumerate(tree.iter())}
            el = nodes[0].getparent()
            i = order.get(el, len(order))
            if best is None or i < best[0]:
                best = (i, el)
            break
    if best is None or order is None:
        return None
    return best[1], order


def _headline_h1(tree: Any, body: list[str], sites: list[str]) -> str | None:
    """The last visible <h1> before the article text starts, unless it is the site's name."""
    h1s = tree.xpath(f"//h1[not({_HIDDEN})]")
    if not h1s:
        return None
    found = _story_start(tree, body)
    if found is None:
        return None
    start, order = found
    limit = order.get(start, len(order))
    before = []
    for h in h1s:
        text = " ".join("".join(h.itertext()).split())
        if (text and order.get(h, limit + 1) < limit) or (text and h is start):
            before.append((text, "headline" in (h.get("itemprop") or "").split()))
    if not before:
        return None
    # schema.org's headline mark beats position (an in-article "More on ..." box can sit between).
    heading = next((h for h, marked in reversed(before) if marked), before[-1][0])
    words = heading.split()
    if _is_site_name(heading, sites) or len(heading) > 300 or (len(words) < 2 and len(heading) < 12):
        return None
    return heading


def _title(
    facts: PageFacts, meta: dict[str, list[str]], article: list[dict[str, Any]], doc: _Searches, tree: Any,
    body: list[str], sites: list[str],
) -> None:
    heading = _headline_h1(tree, body, sites)
    if heading:
        facts.title, facts.evidence["title"] = heading, "h1"
        return
    candidates: list[tuple[Any, str]] = [(v, "og:title") for v in meta.get("og:title", [])]
    candidates += [(h, "json-ld headline") for h in _ld_values(article, "headline")]
    candidates += [(v, "twitter:title") for v in meta.get("twitter:title", [])]
    for raw, source in [*candidates, (None, "title")]:
        if source == "title":
            raw = doc.title()  # trafilatura's: <title>, then headings
        title = one_line(raw)
        if title and not _is_site_name(title, sites):
            facts.title, facts.evidence["title"] = _strip_site(title, sites), source
            return


# ---------------------------------------------------------------- byline


def _person_names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Names of the people in a JSON-LD author value (Organization authors are not people);
    a reference ({"@id": ...}, as Yoast's graphs give) is looked up in the page's objects."""
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
            item = by_id.get(item["@id"], item)
        if isinstance(item, dict):
            if _types(item) & {"Organization", "NewsMediaOrganization", "Corporation"}:
                continue
            out += names(item.get("name"))
        elif isinstance(item, str):
            out += names(item)
    return out


def _byline(
    facts: PageFacts, meta: dict[str, list[str]], article: list[dict[str, Any]], ld: list[dict[str, Any]], doc: _Searches,
    sites: list[str],
) -> None:
    by_id = {o["@id"]: o for o in ld if isinstance(o.get("@id"), str)}
    candidates: list[tuple[list[str], str]] = [(_person_names(a, by_id), "json-ld author") for a in _ld_values(article, "author")]
    for key in AUTHOR_KEYS:
        # article:author is often a URL
        candidates += [(names(v), "meta " + key if key == "author" else key) for v in meta.get(key, []) if not host_of(v)]
    # An author field naming an agency or a desk says who wrote it; one holding the site's
    # name or a CMS account ("gto", "admin") is a placeholder, and the page is searched.
    stated = any(not _placeholder(v, sites) for raw, _ in candidates for v in raw)
    for raw, source in [*candidates, ([], "byline element")]:
        if source == "byline element":
            if stated:
                return
            raw = names(doc.author())  # trafilatura's search of the page for a byline
        people: list[str] = []
        for value in raw:
            parsed = parse_author_field(value)
            if parsed.org and facts.syndicated_from is None:
                known = canonical_outlet(parsed.org.value)
                if known and is_wire(known[0]) and not _is_site_name(parsed.org.value, sites):
                    facts.syndicated_from = known[1]
                    facts.evidence.setdefault("syndicated_from", source)
            people += [n.value for n in parsed.names if not _is_site_name(n.value, sites) and not _in_site_name(n.value, sites)]
        people = list(dict.fromkeys(people))
        people = [p for p in people if not any(p != q and p.casefold() in q.casefold() for q in people)]
        if people:
            facts.byline, facts.evidence["byline"] = _dedupe_case(people), source
            return


def _placeholder(value: str, sites: list[str]) -> bool:
    word = value.strip()
    one_word = " " not in word
    return _is_site_name(word, sites) or _in_site_name(word, sites) or (one_word and (word.islower() or "admin" in word.lower()))


def _in_site_name(name: str, sites: list[str]) -> bool:
    """A one-word author that is a word of the site's name is the site's own account ("Vortex")."""
    if " " in name.strip():
        return False
    word = _norm(name)
    return any(word in _norm(s).split() or _norm(s).replace(" ", "").startswith(word) for s in sites)


def _dedupe_case(people: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for p in people:
        seen.setdefault(_norm(p), p)
    return list(seen.values())


# ---------------------------------------------------------------- date


def _plausible(value: str | None, latest: datetime) -> bool:
    if not value or len(value) < 4 or not value[:4].isdigit():
        return False
    if int(value[:4]) < EARLIEST_YEAR:
        return False
    try:
        moment = datetime.fromisoformat(value if len(value) >= 10 else value[:4] + "-01-01")
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment <= latest


def _zoned(value: str, tree_times: list[str]) -> str:
    """A time without an offset takes the offset of another candidate naming the same minute."""
    if len(value) <= 10 or re.search(r"(?:[+-]\d\d:\d\d|Z)$", value):
        return value
    for other in tree_times:
        if other[:16] == value[:16] and len(other) > 19 and re.search(r"[+-]\d\d:\d\d$", other):
            return other
    return value


def _published(
    facts: PageFacts, meta: dict[str, list[str]], article: list[dict[str, Any]], doc: _Searches, tree: Any, fetched: str | None
) -> None:
    latest = datetime.now(UTC) + timedelta(days=1)
    fetch = iso_date(fetched)
    if fetch and _plausible(fetch, latest):
        try:
            moment = datetime.fromisoformat(fetch)
            latest = min(latest, (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) + timedelta(days=1))
        except ValueError:
            pass
    candidates: list[tuple[Any, str]] = []
    for key in PUBLISHED_KEYS:
        candidates += [(v, key) for v in meta.get(key, [])]
    for key in ("datePublished", "dateCreated"):
        candidates += [(v, f"json-ld {key}") for v in _ld_values(article, key)]
    times = [t for t in (iso_date(el.get("datetime")) for el in tree.iter("time")) if t]
    times += [t for t in (iso_date(v) for v, _ in candidates) if t]
    for raw, source in [*candidates, (None, "htmldate")]:
        if source == "htmldate":
            raw = doc.date()
        value = iso_date(raw)
        if value and _plausible(value, latest):
            facts.published, facts.evidence["published"] = _zoned(value, times), source
            return
    if fetch:
        facts.published, facts.evidence["published"] = fetch, "fetched"
