"""Stage 2: segment each article and infer the metadata its text carries.

Cheap by design (regex only, no spaCy): it runs on every article read. The
input's own metadata always wins; what the text says is still recorded in
``Article.inferred`` as evidence spans.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from newsprism.extract import metadata as md
from newsprism.extract.agencies import AgencyMark, find_agency_marks
from newsprism.extract.outlets import canonical_outlet, host_of, is_wire, outlet_identity, outlet_info
from newsprism.extract.segment import split_paragraphs, split_sentences
from newsprism.model import Article, Paragraph, ParagraphKind, Sentence, Span
from newsprism.verbs import speech_forms

HEADER_PARAS = 6  # bylines and datelines sit among the first paragraphs
FOOTER_PARAS = 4  # notes and credits among the last
NOTE_MAX_WORDS = 60
HEADLINE_MAX_WORDS = 20
CROSSHEAD_MAX_WORDS = 10
SUBTITLE_MAX_WORDS = 70  # a deck between the title and the byline/dateline
_TERMINAL = ".!?\"”’'…)"
# A short line ending in a reporting verb introduces what follows ("Jane Doe tweeted").
_LEADS_IN = re.compile(r"\b(?:" + "|".join(speech_forms({
    "say": "said says", "tweet": "tweeted", "write": "wrote writes", "add": "added", "report": "reported",
    "state": "stated", "announce": "announced", "explain": "explained", "note": "noted",
})) + ")$")


@dataclass(slots=True)
class _Para:
    start: int
    end: int
    kind: ParagraphKind = "body"


def prepare_articles(articles: list[Article]) -> list[Article]:
    """Paragraphs, sentences, byline, dateline, syndication and canonical outlet.

    Returns new Article objects; the inputs are left untouched.
    """
    return [prepare_article(a) for a in articles]


def _copy(article: Article) -> Article:
    return dataclasses.replace(article, byline=list(article.byline), inferred=dict(article.inferred))


def prepare_article(article: Article) -> Article:
    """One article prepared (see ``prepare_articles``). It is regex over text, with no parser
    that may fail on odd input: an exception is a bug (exit 70), not an article to skip."""
    a = _copy(article)
    paras = [_Para(s, e) for s, e in split_paragraphs(a.text)]
    _apply_outlet(a)
    _classify(a, paras)
    a.paragraphs = [Paragraph(p.start, p.end, p.kind) for p in paras]
    a.sentences = [Sentence(s, e, i) for i, p in enumerate(paras) for s, e in split_sentences(a.text, p.start, p.end)]
    if a.outlet and not a.outlet_id:
        a.outlet_id = outlet_identity(a.outlet)[0]
    return a


# ---------------------------------------------------------------- metadata setters


def _infer(a: Article, field: str, value: object, start: int, end: int) -> None:
    """Record the evidence; set the field only when the input left it empty."""
    a.inferred.setdefault(field, Span(start, end))
    if not getattr(a, field):
        setattr(a, field, value)


def _apply_outlet(a: Article) -> None:
    """Outlet from the input, else from the URL when the table knows the host."""
    if a.outlet:
        a.outlet_id = a.outlet_id or outlet_identity(a.outlet)[0]
    elif a.url and (known := canonical_outlet(a.url)):
        a.outlet_id, a.outlet = known


def _outlet_from_url_fallback(a: Article) -> None:
    if not a.outlet and a.url and host_of(a.url):
        a.outlet_id, a.outlet = outlet_identity(a.url)


def _set_outlet(a: Article, name: str, start: int, end: int) -> None:
    oid, display = outlet_identity(name)
    if not a.outlet:
        a.outlet_id = oid
    _infer(a, "outlet", display if canonical_outlet(name) else name, start, end)


def _set_syndication(a: Article, name: str, start: int, end: int) -> None:
    oid, display = outlet_identity(name)
    if oid == a.outlet_id or (a.url and host_of(a.url) and outlet_identity(a.url)[0] == oid):
        # An outlet's own copyright, dateline or "first published on" note is not syndication,
        # also before its name is known from anything but its address.
        return
    _infer(a, "syndicated_from", display if canonical_outlet(name) else name, start, end)


def _apply_agency(a: Article, marks: list[AgencyMark]) -> None:
    """The agency whose marks the text carries: the host stays the outlet, the agency is
    ``syndicated_from``; with no host known, the agency is the outlet (its own story)."""
    if not marks:
        return
    mark = marks[0]
    info = outlet_info(mark.agency)
    display = info.display if info else mark.agency
    if not a.outlet:
        a.outlet_id = mark.agency
        _infer(a, "outlet", display, mark.start, mark.end)
    else:
        _set_syndication(a, display, mark.start, mark.end)


# ---------------------------------------------------------------- layout


def _words(text: str) -> int:
    return len(text.split())


def _classify(a: Article, paras: list[_Para]) -> None:
    text = a.text
    spans = [(p.start, p.end) for p in paras]
    host = a.outlet_id
    marks = find_agency_marks(text, spans, host=host)
    first_meta = _header(a, paras, marks)
    _title_and_deck(a, paras, first_meta)
    _wire_dateline(a, paras, marks)
    _notes(a, paras, marks)
    _crossheads(text, paras)
    _outlet_from_url_fallback(a)
    if a.outlet_id != host:  # the text named the host: its own name is no agency mark
        marks = find_agency_marks(text, spans, host=a.outlet_id)
    _apply_agency(a, marks)


def _header(a: Article, paras: list[_Para], marks: list[AgencyMark]) -> int | None:
    """Bylines and dateline paragraphs near the top; index of the first one."""
    first_meta = None
    agency_bylines = {m.start for m in marks if m.kind == "byline"}
    for i, p in enumerate(paras[:HEADER_PARAS]):
        line = a.text[p.start : p.end]
        if _words(line) > 20:
            continue
        byline = md.parse_byline(line)
        if byline is None and i and paras[i - 1].kind == "byline":
            byline = md.parse_outlet_line(line)  # "By JANE DOE" then "Associated Press" on a line of its own
        if byline:
            p.kind = "byline"
            _apply_byline(a, byline, p.start)
        else:
            dateline = md.parse_dateline(line)
            if dateline is not None:
                p.kind = "dateline"
                date = dateline.date
                _infer(a, "published", date.value, p.start + date.start, p.start + date.end)
                if dateline.source and not _is_agency(dateline.source.value):
                    src = dateline.source
                    _set_syndication(a, src.value, p.start + src.start, p.start + src.end)
            elif p.start in agency_bylines:
                p.kind = "byline"  # an agency's name alone on a line of the header
            else:
                continue
        first_meta = i if first_meta is None else first_meta
    return first_meta


def _is_agency(name: str) -> bool:
    """Agencies are told by their marks (``agencies``), not by the layout parsers here."""
    known = canonical_outlet(name)
    return known is not None and is_wire(known[0])


def _apply_byline(a: Article, b: md.Byline, offset: int) -> None:
    if b.names:
        _infer(a, "byline", [n.value for n in b.names], offset + b.names[0].start, offset + b.names[-1].end)
    if b.org and not _is_agency(b.org.value):
        _set_outlet(a, b.org.value, offset + b.org.start, offset + b.org.end)
    if b.date:
        _infer(a, "published", b.date.value, offset + b.date.start, offset + b.date.end)


def _norm(s: str) -> str:
    return re.sub(r"[\W_]+", " ", s.casefold()).strip()


def _is_headline(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= HEADLINE_MAX_WORDS
        and len(line) <= 200
        and line[-1] not in ".,;:"
        and (line[0].isupper() or line[0].isdigit() or line[0] in "\"“‘'")
    )


def _title_and_deck(a: Article, paras: list[_Para], first_meta: int | None) -> None:
    if len(paras) < 2 or paras[0].kind != "body":
        return
    p0 = paras[0]
    line = a.text[p0.start : p0.end]
    given = _norm(a.title) if a.title else ""
    same = bool(given) and (_norm(line) == given or (len(given) >= 20 and given.startswith(_norm(line))))
    meta_follows = first_meta is not None and first_meta <= 3
    if not (same or (_is_headline(line) and (a.title is None or meta_follows))):
        return
    p0.kind = "title"
    _infer(a, "title", line, p0.start, p0.end)
    if meta_follows:
        # Everything between the headline and the byline/dateline is the deck.
        for p in paras[1:first_meta]:
            if p.kind == "body" and _words(a.text[p.start : p.end]) <= SUBTITLE_MAX_WORDS:
                p.kind = "subtitle"
        return
    p1 = paras[1]
    deck = a.text[p1.start : p1.end]
    if len(paras) >= 3 and p1.kind == "body" and _words(deck) <= 25 and deck[-1] not in _TERMINAL + ",;:":
        p1.kind = "subtitle"


def _wire_dateline(a: Article, paras: list[_Para], marks: list[AgencyMark]) -> None:
    """ "LONDON, May 3 (AP) — ..." opens the lede: split it off as a dateline paragraph."""
    hit = _find_wire_dateline(a.text, paras, marks)
    if hit is None:
        return
    i, end, found = hit
    p = paras[i]
    # What comes before the lede's dateline is a deck or pull quote, not story text.
    for q in paras[:i]:
        if q.kind == "body" and _words(a.text[q.start : q.end]) <= SUBTITLE_MAX_WORDS:
            q.kind = "subtitle"
    paras[i : i + 1] = [_Para(p.start, end, "dateline"), _Para(end, p.end)]
    _trim_para(a.text, paras[i])
    if found is None:
        return
    a.inferred.setdefault("dateline", Span(p.start + found.place.start, p.start + found.place.end))
    if found.date:
        _infer(a, "published", found.date.value, p.start + found.date.start, p.start + found.date.end)


def _find_wire_dateline(
    text: str, paras: list[_Para], marks: list[AgencyMark]
) -> tuple[int, int, md.WireDateline | None] | None:
    """(paragraph index, where the story starts, the parsed place and date if any) of the lede's dateline."""
    agency = {m.start: m.end for m in marks if m.kind == "dateline"}
    for i, p in enumerate(paras[:HEADER_PARAS]):
        if p.kind != "body":
            continue
        found = md.parse_wire_dateline(text[p.start : p.end])
        end = p.start + found.end if found is not None else agency.get(p.start)
        if end is None:
            continue
        end = max(end, agency.get(p.start, end))
        while end < p.end and text[end].isspace():
            end += 1
        if end < p.end:
            return i, end, found
    return None


def _trim_para(text: str, p: _Para) -> None:
    while p.end > p.start and (text[p.end - 1].isspace() or text[p.end - 1] in "-–—:"):
        p.end -= 1


_CLOSING_MARKS = frozenset({"closing", "copyright", "signoff"})


def _notes(a: Article, paras: list[_Para], marks: list[AgencyMark]) -> None:
    n = len(paras)
    candidates = sorted(set(range(min(3, n))) | set(range(max(0, n - FOOTER_PARAS), n)))
    closing = [m for m in marks if m.kind in _CLOSING_MARKS]
    for i in reversed(candidates):  # reversed: splitting a paragraph shifts later indices
        p = paras[i]
        if p.kind not in ("body", "subtitle"):
            continue
        line = a.text[p.start : p.end]
        hit = md.parse_syndication(line)
        if hit:
            cut = _note_start(line, hit.start)
            if cut is None:
                continue
            _set_syndication(a, hit.value, p.start + hit.start, p.start + hit.end)
            _mark_note(a.text, paras, i, p.start + cut)
            continue
        mark = next((m for m in closing if p.start <= m.start < p.end), None)
        if mark is not None:
            _mark_note(a.text, paras, i, mark.start)  # an agency's credit, copyright or sign-off
            if md.is_boilerplate(a.text[mark.start : p.end]):
                _credits(a, a.text[mark.start : p.end], mark.start)
            continue
        if _words(line) > NOTE_MAX_WORDS:
            continue
        copyright_ = md.parse_copyright(line)
        if copyright_:
            p.kind = "note"
            s, e = p.start + copyright_.start, p.start + copyright_.end
            if not a.outlet and not _is_agency(copyright_.value):
                _set_outlet(a, copyright_.value, s, e)
        elif md.is_boilerplate(line):
            p.kind = "note"
            _credits(a, line, p.start)


def _credits(a: Article, line: str, offset: int) -> None:
    credits = md.parse_credits(line)
    if credits:
        _infer(a, "byline", [c.value for c in credits], offset + credits[0].start, offset + credits[-1].end)


def _note_start(line: str, hit_start: int) -> int | None:
    """Where the note begins: the paragraph start, or the sentence holding the match."""
    head = line[:hit_start]
    sentence_start = max(head.rfind(". "), head.rfind("? "), head.rfind("! "), head.rfind(".” "), head.rfind('." '))
    cut = 0 if sentence_start < 0 else sentence_start + head[sentence_start:].index(" ") + 1
    if cut == 0:
        return 0 if _words(line) <= NOTE_MAX_WORDS else None
    return cut if _words(line[cut:]) <= NOTE_MAX_WORDS else None


def _mark_note(text: str, paras: list[_Para], i: int, cut: int) -> None:
    p = paras[i]
    if cut <= p.start:
        p.kind = "note"
        return
    head = _Para(p.start, cut, p.kind)
    while head.end > head.start and text[head.end - 1].isspace():
        head.end -= 1
    paras[i : i + 1] = [head, _Para(cut, p.end, "note")]


def _crossheads(text: str, paras: list[_Para]) -> None:
    """Short unpunctuated headings between body paragraphs ("Deliveries have already begun")."""
    for prev, p, nxt in zip(paras, paras[1:], paras[2:], strict=False):
        if p.kind != "body" or prev.kind not in ("body", "subtitle") or nxt.kind != "body":
            continue
        line = text[p.start : p.end]
        if (
            _words(line) <= CROSSHEAD_MAX_WORDS
            and line[-1] not in _TERMINAL + ",;:"
            and line[0].isupper()
            and not _LEADS_IN.search(line)
            and text[prev.end - 1] in _TERMINAL
            and text[nxt.end - 1] in _TERMINAL
        ):
            p.kind = "subtitle"
