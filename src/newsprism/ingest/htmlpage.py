"""Web pages: main text through trafilatura, boilerplate left out, and the page's metadata.

The text is read in precision mode. When that leaves only a scrap, or only
boilerplate (a cookie notice, a reprint line), the page is read again in recall
mode; a page that still yields nothing but boilerplate is skipped with a warning
rather than analysed as an article, as is one with no body (``base.require_body``:
less text than a sentence, or an error page). Title, byline, date and outlet come
from ``pagemeta``, which says where in the page it found each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from newsprism.errors import MissingExtraError
from newsprism.extract.metadata import is_boilerplate, parse_copyright, parse_syndication
from newsprism.ingest.base import MIN_BODY_LETTERS, Skip, Source, count_letters, read_whole, require_body
from newsprism.ingest.decode import clean_text, decode_html, drop_bad_char_refs
from newsprism.ingest.fields import element_paragraphs
from newsprism.ingest.pagemeta import PAGE_EVIDENCE, page_facts
from newsprism.model import Article, Problem, SourceRef

# Elements of trafilatura's output tree that each make one paragraph.
_PARAGRAPH_TAGS = {"p", "head", "quote", "item", "row", "code"}
# Elements that flow inside a paragraph; any other element starts a block of its own.
_INLINE_TAGS = {"hi", "ref", "del", "lb", "graphic", "span", "sub", "sup"}
# trafilatura's containers (its output is TEI-like XML, not HTML).
_CONTAINERS = {"body", "div", "list", "quote", "item", "table", "cell", "section", "article", "main", "doc"}
# A paragraph element holding one of these (a quote of several paragraphs) is read as a container.
_BLOCK_CHILDREN = {"p", "head", "quote", "list", "table", "item", "row"}
_LINE_BREAK = "\x00"  # a <br>, until _emit reads it as a space or, doubled, as a paragraph break
_PARAGRAPH_BREAK = re.compile(_LINE_BREAK + r"\s*" + _LINE_BREAK + r"[\s" + _LINE_BREAK + "]*")
# Less text than this in precision mode (``base.count_letters``) is a scrap worth a second,
# recall-mode read.
SCRAP_LETTERS = 250
# trafilatura's time grows with the square of a page's elements past about 20,000 (a page
# of 40,000 short paragraphs took 6 s of CPU, of 80,000 30 s, of a million it would take
# hours). Article pages hold a few thousand; a larger page is read without it.
MAX_EXTRACTED_ELEMENTS = 25_000
_PLAIN_JUNK = "//script|//style|//noscript|//template|//nav|//header|//footer|//aside|//form"


def read(src: Source, max_bytes: int) -> Iterator[Article | Problem]:
    page = decode_html(read_whole(src, max_bytes))
    yield page_article(page, key=src.key, ref=SourceRef(src.display))


def page_article(page: str, *, key: str, ref: SourceRef, url: str | None = None, fetched: str | None = None) -> Article:
    """One article from an HTML page; ``url`` and ``fetched`` come from a crawl record, if any."""
    tree = _parse(drop_bad_char_refs(page))
    if tree is None:
        raise Skip("no-body", "no article text found in the page", ref.line)
    if sum(1 for _ in tree.iter()) > MAX_EXTRACTED_ELEMENTS:
        paragraphs = _plain_paragraphs(tree)
    else:
        paragraphs = _main_text(tree, url)
    if _boilerplate_only(paragraphs):
        raise Skip("boilerplate", "only cookie, subscription or reprint notices found in the page, no article", ref.line)
    if not paragraphs:
        raise Skip("no-body", "no article text found in the page", ref.line)
    facts = page_facts(tree, url=url, fetched=fetched, body=paragraphs[:3])
    text = "\n\n".join(paragraphs)
    require_body(text, facts.title, ref.line)
    canonical = facts.url
    extra: dict[str, Any] = {PAGE_EVIDENCE: facts.evidence}
    if url and canonical and canonical != url:
        extra["canonical_url"] = canonical
    return Article(
        id=key,
        text=text,
        title=facts.title,
        outlet=facts.outlet,
        url=url or canonical,
        published=facts.published,
        byline=facts.byline,
        syndicated_from=facts.syndicated_from,
        extra=extra,
        source=ref,
    )


def _main_text(tree: Any, url: str | None) -> list[str]:
    """The paragraphs trafilatura finds, with precision first and recall when that finds scraps."""
    paragraphs = _paragraphs(_extract(tree, url, favor="precision"))
    if _scrap(paragraphs) or _boilerplate_only(paragraphs):
        again = _paragraphs(_extract(tree, url, favor="recall"))
        # Only for at least a short sentence more: on a short page that precision read whole,
        # recall adds the menu and runs it, the headline and the body into one paragraph
        # ("Home News Harbour office closed The Glenmoor harbour office will be closed on Monday.").
        if _letters(again) - _letters(paragraphs) >= MIN_BODY_LETTERS and not _boilerplate_only(again):
            return again
    return paragraphs


def _plain_paragraphs(tree: Any) -> list[str]:
    """Every paragraph of the page's body but its navigation, header, footer and forms:
    a page too large for trafilatura, whose time grows with the square of its elements."""
    import copy

    body = tree.find(".//body")
    return element_paragraphs(copy.deepcopy(tree if body is None else body), junk=_PLAIN_JUNK)


def _trafilatura() -> Any:
    try:
        import trafilatura
        import trafilatura.utils
    except ImportError as e:  # pragma: no cover - a core dependency
        raise MissingExtraError("trafilatura", "all", "Reading HTML") from e
    return trafilatura


def _parse(page: str) -> Any:
    """The page as an lxml tree, parsed once: trafilatura reads a copy of it, the metadata the rest."""
    return _trafilatura().utils.load_html(page)


def _extract(tree: Any, url: str | None, *, favor: str) -> Any:
    return _trafilatura().bare_extraction(
        tree,
        url=url,
        with_metadata=False,  # pagemeta reads the page's own; trafilatura's is asked for only when needed
        favor_precision=favor == "precision",
        favor_recall=favor == "recall",
        include_comments=False,
        include_images=False,
        include_links=False,
    )


def _paragraphs(doc: Any) -> list[str]:
    out: list[str] = []
    if doc is not None and doc.body is not None:
        _collect(doc.body, out)
    return out


def _letters(paragraphs: list[str], most: int | None = None) -> int:
    return count_letters("\n".join(paragraphs), most)


def _scrap(paragraphs: list[str]) -> bool:
    return _letters(paragraphs, SCRAP_LETTERS) < SCRAP_LETTERS


def _boilerplate_only(paragraphs: list[str]) -> bool:
    """Text that is nothing but notices: cookies, subscriptions, a reprint or copyright line."""
    notices = [p for p in paragraphs if p.strip()]
    return bool(notices) and all(
        is_boilerplate(p) or parse_syndication(p) is not None or parse_copyright(p) is not None for p in notices
    )


def _collect(el: Any, out: list[str]) -> None:
    """Paragraphs of trafilatura's tree, in order; a <br> inside one is a space.

    Blocks of a container in order; inline runs between them (its text, the tails)
    are paragraphs too: dropping text that trafilatura leaves loose (right after a
    heading, or between two blocks) loses whole opening paragraphs and crossheads.

    Only trafilatura's own containers hold loose text worth reading: when it gives
    up, it hands back a piece of the page as it was (a <nav>), whose loose text is
    menus and labels.
    """
    loose = el.tag in _CONTAINERS
    run: list[str] = [el.text or ""] if loose else []
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag == "lb":
            run.append(_LINE_BREAK)
        elif tag is None or tag in _INLINE_TAGS:
            if tag is not None and loose:
                run.extend(_spaced_text(child))
        else:
            _emit("".join(run), out)
            run = []
            if tag in _PARAGRAPH_TAGS and not any(
                isinstance(c.tag, str) and c.tag in _BLOCK_CHILDREN for c in child.iter()
                if c is not child
            ):
                _emit(_paragraph_words(child), out)
            else:
                _collect(child, out)
        if loose:
            run.append(child.tail or "")
    _emit("".join(run), out)


def _paragraph_words(el: Any) -> str:
    if el.tag == "row":
        cells = ("".join(_spaced_text(cell)).replace(_LINE_BREAK, " ") for cell in el if isinstance(cell.tag, str))
        return " | ".join(cells)
    return "".join(_spaced_text(el))


def _emit(words: str, out: list[str]) -> None:
    # Loose lines split by two <br> or more are paragraphs, as old-style pages lay them out.
    for part in _PARAGRAPH_BREAK.split(words):
        text = " ".join(clean_text(part.replace(_LINE_BREAK, " ")).split())
        if text:
            out.append(text)


def _spaced_text(el: Any) -> Iterator[str]:
    """itertext, with <lb/> (a <br>) marked: a space, or a paragraph break when doubled (see _emit)."""
    if el.text:
        yield el.text
    for child in el:
        if child.tag == "lb":
            yield _LINE_BREAK
        elif isinstance(child.tag, str):
            yield from _spaced_text(child)
        if child.tail:
            yield child.tail
