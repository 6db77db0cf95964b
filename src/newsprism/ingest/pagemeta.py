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
AUTHOR_KEYS = ("author", "article:author", "sailthru.author", "parsely-author", "dc.creator", "byl")
ARTICLE_TYPES = frozenset(
    """Article NewsArticle BlogPosting ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle
    BackgroundNewsArticle ReviewNewsArticle AskPublicNewsArticle SatiricalArticle Report TechArticle
    ScholarlyArticle LiveBlogPosting Review""".split()
)
_SEPARATORS = re.compile(r"\s+(?:[|–—\-·•:»]|::)\s+")
_LOGO_WORDS = re.compile(r"[\s_-]*\b(?:logo|logotype|header|footer|print|image|img|icon|svg|png|jpg)\b[\s_-]*", re.I)
_URLISH = re.compile(r"^(?:https?:|www\.)|/", re.I)
_JUNK_OUTLET = re.compile(r"©|\bcopyright\b|\ball rights\b|^\W*\d{4}\b", re.I)
_SKIP_TAGS = ("script", "style", "noscript", "template", "svg", "head")
_H1_MARK = "\ue000"  # a private-use character, never in a page, marks where each <h1> starts


@dataclass
class PageFacts:
    title: str | None = None
    byline: list[str] = field(default_factory=list)
    published: str | None = None
    outlet: str | None = None
    syndicated_from: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)  # field -> where in the page it was read


def page_facts(tree: Any, doc: Any, *, url: str | None, fetched: str | None, body: list[str]) -> PageFacts:
    """The page's metadata. ``tree`` is the parsed page (changed here: scripts go),
    ``doc`` trafilatura's document, ``body`` the article's first paragraphs."""
    meta = _meta_tags(tree)
    ld = list(_json_ld(tree))
    article = [o for o in ld if _types(o) & ARTICLE_TYPES] or [o for o in ld if any(t.endswith("WebPage") for t in _types(o))]
    facts = PageFacts()
    host = host_of(url or "") or host_of(one_line(doc.url) or "")
    _outlet(facts, meta, article, ld, doc, tree, host)
    sites = [n for n in (facts.outlet, facts.syndicated_from, one_line(doc.sitename)) if n]
    if host:
        sites.append(readable_host_name(host))
    _title(facts, meta, article, doc, tree, body, sites)
    _byline(facts, meta, article, doc, sites)
    _published(facts, meta, article, doc, tree, fetched)
    return facts


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
        except ValueError:
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


def _first(meta: dict[str, list[str]], *keys: str) -> tuple[str, str] | None:
    for k in keys:
        if meta.get(k):
            return meta[k][0], k
    return None


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
    doc: Any, tree: Any, host: str | None,
) -> None:
    publishers = [p.get("name") if isinstance(p, dict) else p for p in _ld_values(article or ld, "publisher")]
    candidates: list[tuple[str | None, str]] = [(v, "og:site_name") for v in meta.get("og:site_name", [])]
    candidates += [(p, "json-ld publisher") for p in publishers if isinstance(p, str)]
    sitename = one_line(doc.sitename)
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
        known = canonical_outlet(name)
        if known and is_wire(known[0]) and not (host and canonical_outlet(host) == known):
            # An agency's copy on another site: the site stays the outlet.
            if facts.syndicated_from is None:
                facts.syndicated_from, facts.evidence["syndicated_from"] = known[1], source
        elif facts.outlet is None:
            facts.outlet, facts.evidence["outlet"] = name, source


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


def _visible_text_with_h1s(tree: Any) -> tuple[str, list[tuple[int, str, bool]]]:
    """The page's text with whitespace collapsed, and each <h1> in it: (offset, text, marked headline)."""
    for el in list(tree.iter(*_SKIP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    headings: list[tuple[str, bool]] = []
    for h in tree.iter("h1"):
        text = " ".join("".join(h.itertext()).split())
        if text:
            headings.append((text, "headline" in (h.get("itemprop") or "").split()))
            h.text = f"{_H1_MARK}{len(headings) - 1}{_H1_MARK}" + (h.text or "")
    raw = " ".join("".join(tree.itertext()).split())
    out: list[str] = []
    found: list[tuple[int, str, bool]] = []
    pos = 0
    for i, piece in enumerate(raw.split(_H1_MARK)):
        if i % 2 == 1:
            found.append((pos, *headings[int(piece)]))
        else:
            out.append(piece)
            pos += len(piece)
    return "".join(out), found


def _headline_h1(tree: Any, body: list[str], sites: list[str]) -> str | None:
    """The last visible <h1> before the article text starts, unless it is the site's name."""
    text, h1s = _visible_text_with_h1s(tree)
    if not h1s:
        return None
    start = -1
    for para in body[:3]:
        probe = " ".join(para.split())[:40]
        if len(probe) >= 12 and (start := text.find(probe)) >= 0:
            break
    if start < 0:
        return None
    before = [(h, marked) for pos, h, marked in h1s if pos <= start]
    if not before:
        return None
    # schema.org's headline mark beats position (an in-article "More on ..." box can sit between).
    heading = next((h for h, marked in reversed(before) if marked), before[-1][0])
    words = heading.split()
    if _is_site_name(heading, sites) or len(heading) > 300 or (len(words) < 2 and len(heading) < 12):
        return None
    return heading


def _title(
    facts: PageFacts, meta: dict[str, list[str]], article: list[dict[str, Any]], doc: Any, tree: Any,
    body: list[str], sites: list[str],
) -> None:
    heading = _headline_h1(tree, body, sites)
    if heading:
        facts.title, facts.evidence["title"] = heading, "h1"
        return
    candidates: list[tuple[Any, str]] = [(v, "og:title") for v in meta.get("og:title", [])]
    candidates += [(h, "json-ld headline") for h in _ld_values(article, "headline")]
    candidates += [(v, "twitter:title") for v in meta.get("twitter:title", [])]
    candidates.append((doc.title, "title"))
    for raw, source in candidates:
        title = one_line(raw)
        if title and not _is_site_name(title, sites):
            facts.title, facts.evidence["title"] = _strip_site(title, sites), source
            return


# ---------------------------------------------------------------- byline


def _person_names(value: Any) -> list[str]:
    """Names of the people in a JSON-LD author value (Organization authors are not people)."""
    out: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            if _types(item) & {"Organization", "NewsMediaOrganization", "Corporation"}:
                continue
            out += names(item.get("name"))
        elif isinstance(item, str):
            out += names(item)
    return out


def _byline(facts: PageFacts, meta: dict[str, list[str]], article: list[dict[str, Any]], doc: Any, sites: list[str]) -> None:
    candidates: list[tuple[list[str], str]] = [(_person_names(a), "json-ld author") for a in _ld_values(article, "author")]
    for key in AUTHOR_KEYS:
        candidates += [(names(v), key) for v in meta.get(key, []) if not host_of(v)]  # article:author is often a URL
    candidates.append((names(doc.author), "author"))
    for raw, source in candidates:
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


def _published(facts: PageFacts, meta: dict[str, list[str]], article: list[dict[str, Any]], doc: Any, tree: Any, fetched: str | None) -> None:
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
    htmldate = iso_date(doc.date)
    if htmldate and htmldate.endswith("T00:00:00"):
        htmldate = htmldate[:10]  # htmldate pads a bare day with midnight
    candidates.append((htmldate, "htmldate"))
    times = [t for t in (iso_date(el.get("datetime")) for el in tree.iter("time")) if t]
    times += [t for t in (iso_date(v) for v, _ in candidates) if t]
    for raw, source in candidates:
        value = iso_date(raw)
        if value and _plausible(value, latest):
            facts.published, facts.evidence["published"] = _zoned(value, times), source
            return
    if fetch:
        facts.published, facts.evidence["published"] = fetch, "fetched"
