"""Web pages: main text and metadata through trafilatura, boilerplate left out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from newsprism.errors import MissingExtraError
from newsprism.ingest.base import Skip, Source, read_whole
from newsprism.ingest.decode import clean_text, decode_html
from newsprism.ingest.fields import iso_date, names, one_line
from newsprism.model import Article, Problem, SourceRef

# Elements of trafilatura's output tree that each make one paragraph.
_PARAGRAPH_TAGS = {"p", "head", "quote", "item", "row", "code"}
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+$")
# Publication-time metadata that carries a full timestamp; htmldate keeps only the day.
_PUBLISHED_KEYS = {
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "pubdate", "publishdate", "publish-date", "dc.date.issued", "parsely-pub-date", "sailthru.date",
}
_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_JSONLD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_DATE_PARAMS = {
    "original_date": True,
    # Dates printed in the body are the extract stage's business, not page metadata.
    "extensive_search": False,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def read(src: Source, max_bytes: int) -> Iterator[Article | Problem]:
    page = decode_html(read_whole(src, max_bytes))
    yield page_article(page, key=src.key, ref=SourceRef(src.display))


def page_article(page: str, *, key: str, ref: SourceRef, url: str | None = None, fetched: str | None = None) -> Article:
    """One article from an HTML page; ``url`` and ``fetched`` come from a crawl record, if any."""
    doc = _extract(page, url)
    text = _body_text(doc.body) if doc is not None and doc.body is not None else ""
    if not text.strip():
        raise Skip("no-body", "no article text found in the page", ref.line)
    canonical = one_line(doc.url)
    extra: dict[str, Any] = {}
    if url and canonical and canonical != url:
        extra["canonical_url"] = canonical
    return Article(
        id=key,
        text=text,
        title=one_line(doc.title),
        outlet=_outlet(one_line(doc.sitename)),
        url=url or canonical,
        published=_published(page, doc.date) or iso_date(fetched),
        byline=names(doc.author),
        extra=extra,
        source=ref,
    )


def _extract(page: str, url: str | None) -> Any:
    try:
        import trafilatura
    except ImportError as e:  # pragma: no cover - a core dependency
        raise MissingExtraError("trafilatura", "all", "Reading HTML") from e
    return trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        favor_precision=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        date_extraction_params=_DATE_PARAMS,
    )


def _body_text(body: Any) -> str:
    """Paragraphs of trafilatura's tree joined by blank lines; <br> inside one becomes a space."""
    paragraphs: list[str] = []
    _collect(body, paragraphs)
    return "\n\n".join(paragraphs)


def _collect(el: Any, out: list[str]) -> None:
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _PARAGRAPH_TAGS:
            if child.tag == "row":
                words = " | ".join("".join(_spaced_text(cell)) for cell in child if isinstance(cell.tag, str))
            else:
                words = "".join(_spaced_text(child))
            text = " ".join(clean_text(words).split())
            if text:
                out.append(text)
        else:
            _collect(child, out)


def _spaced_text(el: Any) -> Iterator[str]:
    """itertext, with <lb/> (a <br>) read as a space so lines do not run together."""
    if el.text:
        yield el.text
    for child in el:
        if child.tag == "lb":
            yield " "
        elif isinstance(child.tag, str):
            yield from _spaced_text(child)
        if child.tail:
            yield child.tail


def _outlet(sitename: str | None) -> str | None:
    # trafilatura falls back to the host name; outlets from hosts are the extract stage's job.
    if sitename is None or _DOMAIN.match(sitename):
        return None
    return sitename


def _published(page: str, extracted: str | None) -> str | None:
    """The page's own publication timestamp, else htmldate's day."""
    head = page[:65536]
    for tag in _META_TAG.findall(head):
        attrs = {m[0].lower(): m[1] or m[2] or m[3] for m in _ATTR.findall(tag)}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in _PUBLISHED_KEYS and (value := iso_date(attrs.get("content"))):
            return value
    m = _JSONLD_PUBLISHED.search(page)
    if m and (value := iso_date(m.group(1))):
        return value
    value = iso_date(extracted)
    if value and value.endswith("T00:00:00"):
        return value[:10]  # htmldate pads a bare date with midnight
    return value
