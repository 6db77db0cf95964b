"""Agency copy: the marks news agencies print on their stories, and one matcher.

An agency signs its copy in a few fixed places, and a paper that prints it
usually keeps at least one of them:

* the **dateline** that opens the story: ``WASHINGTON (AP) —``,
  ``Washington (AFP) -``, ``LONDON, May 3 (Reuters) -``, ``(ANSA) - ROME``,
  ``MOSCOW, January 5. /TASS/.``, ``(August 6, 2024 / JNS)``, with a dash of
  any kind, at the start of one of the first paragraphs (after a headline
  and deck);
* the **byline**: ``By JOHN DOE Associated Press``, ``By Jane Doe, AFP``,
  ``By A and B | Reuters``, or the agency alone on a line of the header,
  perhaps with a date;
* **closing lines** each agency has its own form of: Reuters'
  ``(Reporting by ...; Editing by ...)``, AP's ``Associated Press writer ...
  contributed``, AFP's editors' initials (``jm/ec``), Kyodo's ``==Kyodo``,
  Bloomberg's ``To contact the reporter on this story: ...``;
* a **copyright line** (``Copyright 2016 The Associated Press. All rights
  reserved.``, ``© AFP``) or a **sign-off** (``— AFP``, ``(Reuters)``,
  ``-- dpa``) closing the story;
* a few house conventions: AP's ``___`` section rules, AP's standing
  feature openers.

``AGENCIES`` below is the data: for each agency (an id of the outlets table,
where its names live), the tags it prints in datelines and sign-offs, and the
closing and opening lines only it prints. ``AgencyMatcher`` compiles all of
it into one header pattern and one footer pattern, tried only at paragraph
starts near the top and at the end of the last paragraphs, so a mention
inside the story ("AP reported that ...", "told Reuters", "the Associated
Press (AP) said") is a citation and never a mark. Every pattern is linear in
the length of the text it is tried on (bounded repetitions, no nested
unbounded quantifiers), and it is only tried on a bounded window.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from newsprism.extract.metadata import (
    DASHES,
    DATELINE_DATE,
    DATELINE_PLACE,
    DATELINE_REGION,
    MONTH,
    ROLE_WORDS,
    WEEKDAY,
)
from newsprism.extract.outlets import canonical_outlet, is_wire, outlet_info, trie_regex, wire_outlets
from newsprism.extract.segment import split_paragraphs
from newsprism.model import Article
from newsprism.unionfind import UnionFind

HEAD_PARAS = 6  # datelines and bylines sit in the first paragraphs, after the headline and deck
TAIL_PARAS = 4  # credits, sign-offs and copyright lines in the last ones
TAIL_CHARS = 600  # a closing line starts at most this far before its paragraph's end
HEAD_SHORT = 200  # a header paragraph this short may be a byline
HINT_CHARS = 120  # a dateline's bracket opens this close to its paragraph's start
RULES_MIN = 2  # section rules are a house style only when the story is built of sections


@dataclass(frozen=True, slots=True)
class Agency:
    """How one agency marks its copy (its names are the outlets table's)."""

    id: str  # the outlets table id ("ap", "reuters", ...)
    tags: tuple[str, ...]  # printed in datelines and sign-offs, "(AP)"; the first is its short name
    closings: tuple[str, ...] = ()  # templates of closing lines only this agency prints
    openings: tuple[str, ...] = ()  # templates of standing lines that open its copy
    rules: tuple[str, ...] = ()  # a line of these characters alone separates its sections


# Template placeholders: {NAMES} people's names ("A in Dubai, B and C"),
# {CREDITS} "Reporting by ...; Writing by ...; " credits, {INITIALS} editors'
# initials ("jm/ec", "bur-sst/jm"), {REST} the rest of the line, {s} an
# optional plural s. Words match in any letter case, spaces any spacing.
AGENCIES: tuple[Agency, ...] = (
    Agency(
        "ap",
        ("AP",),
        closings=("Associated Press writer{s} {NAMES} contributed{REST}", "AP writer{s} {NAMES} contributed{REST}"),
        # AP's daily "Things to Know" feature opens with this line (chosen after reading PolNeAR's misses).
        openings=("Your daily look at late-breaking news, upcoming events and the stories that will be talked about today",),
        rules=("___",),  # AP's section rule (chosen after reading PolNeAR's misses)
    ),
    Agency("reuters", ("Reuters",), closings=("({CREDITS}Editing by {NAMES})", "{CREDITS}Editing by {NAMES}")),
    Agency("afp", ("AFP",), closings=("{INITIALS}",)),
    Agency("upi", ("UPI",)),
    Agency("dpa", ("dpa", "DPA")),
    Agency("ansa", ("ANSA",)),
    Agency("efe", ("EFE",)),
    Agency("xinhua", ("Xinhua",), closings=("Enditem",)),
    Agency("kyodo", ("Kyodo",), closings=("==Kyodo",)),
    Agency("yonhap", ("Yonhap",)),
    Agency("pa", ("PA",)),
    Agency(
        "bloomberg",
        ("Bloomberg",),
        closings=(
            "To contact the reporter{s} on this story:{REST}",
            "To contact the editor{s} responsible for this story:{REST}",
            "--With assistance from {NAMES}{REST}",
            "This column does not necessarily reflect the opinion of the editorial board or Bloomberg LP and its owners{REST}",
        ),
    ),
    # "(CNA)" is the Central News Agency of Taiwan's dateline, and the Catholic News Agency's.
    Agency("cna", ("CNA",), closings=("Enditem/{INITIALS}",)),
    Agency("catholicnewsagency", ("CNA", "CNA/EWTN News")),
    Agency("pti", ("PTI",)),
    Agency("ians", ("IANS",)),
    Agency("ani", ("ANI",)),
    Agency("tass", ("TASS",)),
    Agency("interfax", ("Interfax",)),
    Agency("ria", ("RIA Novosti",)),
    Agency("anadolu", ("Anadolu Agency", "Anadolu")),
    Agency("irna", ("IRNA",)),
    Agency("bernama", ("Bernama",)),
    Agency("antara", ("ANTARA", "Antara")),
    Agency("kuna", ("KUNA",)),
    Agency("wam", ("WAM",)),
    Agency("qna", ("QNA",)),
    Agency("mena", ("MENA",)),
    Agency("app", ("APP",)),
    Agency("bss", ("BSS",)),
    Agency("prensalatina", ("Prensa Latina",)),
    Agency("cp", ("CP",)),
    Agency("aap", ("AAP",)),
    Agency("jns", ("JNS",)),
    Agency("jta", ("JTA",)),
)

KIND_ORDER = ("dateline", "byline", "opening", "closing", "copyright", "signoff", "rule")


@dataclass(frozen=True, slots=True)
class AgencyMark:
    """One mark of agency copy, with its evidence span in the article text."""

    agency: str  # outlets table id
    kind: str  # one of KIND_ORDER
    start: int
    end: int


# ---------------------------------------------------------------- pattern pieces

_TOKEN = r"[A-ZÀ-Þ][\w'’.-]{0,30}+"
_PARTICLE = r"(?:de|da|di|du|del|della|der|den|van|von|la|le|al|el|bin|ibn|ben|abu|y)"
_PERSON = rf"{_TOKEN}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_TOKEN}){{1,4}}"
_CAPS_TOKEN = r"[A-ZÀ-Þ][A-ZÀ-Þ'’.-]{0,30}+"
_CAPS_PERSON = rf"{_CAPS_TOKEN}(?:[ \t]+{_CAPS_TOKEN}){{1,4}}"
_IN_PLACE = r"(?:[ \t]+in[ \t]+[A-Z][\w.'’-]{0,30}+(?:[ \t]+[A-Z][\w.'’-]{0,30}+){0,2})?"
_NAME_SEP = r"(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+|[ \t]*&[ \t]*)"
_NAMES = rf"{_PERSON}{_IN_PLACE}(?:{_NAME_SEP}{_PERSON}{_IN_PLACE}){{0,8}}"
_CAPS_NAMES = rf"{_CAPS_PERSON}(?:{_NAME_SEP}{_CAPS_PERSON}){{0,4}}"
_CREDIT = rf"(?:(?:Additional|Further)[ \t]+)?(?:[Rr]eporting|[Ww]riting|[Cc]ompiled|[Tt]ext)[ \t]+[Bb]y[ \t]+{_NAMES}"
_CREDITS = rf"(?:{_CREDIT}[ \t]*[;,]?[ \t]*){{0,6}}"
_INITIALS = r"(?:burs?-)?[a-z]{2,4}(?:-[a-z]{2,4}){0,2}(?:/[a-z]{2,4}(?:-[a-z]{2,4}){0,2}){1,4}"
_PLACEHOLDERS = {
    "NAMES": _NAMES,
    "CREDITS": _CREDITS,
    "INITIALS": _INITIALS,
    "REST": r"[^\n]{0,300}",
    "s": "s?",
}
_DESK = (
    r"(?:[ \t]*,?[ \t]*(?:[A-Za-z][\w-]{0,20}[ \t]+){0,3}(?i:"
    + "|".join(sorted(ROLE_WORDS, key=len, reverse=True))
    + r")s?\b)?"
)
# When a byline or sign-off line also carries a date: "Reuters | Aug 6, 2024 02:16PM".
_WHEN = (
    rf"(?:[ \t]*[|,·•–—-]?[ \t]*(?:(?:Updated|Published|Posted)\b[: \t]*)?(?:{WEEKDAY}[, \t]+)?"
    rf"(?:{MONTH}[ \t]+\d|\d{{1,2}}[ \t]+{MONTH}|\d{{1,2}}[:.]\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{4}}-\d\d-\d\d)[^\n]{{0,40}})?"
)


def _template(template: str) -> str:
    """A closing or opening template as a regex: literal words in any case, placeholders as above."""
    out = []
    for i, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if i % 2:
            out.append(_PLACEHOLDERS[piece])
        elif piece:
            words = [re.escape(w) for w in piece.split()]
            lead, trail = piece[:1].isspace(), piece[-1:].isspace()
            body = r"\s+".join(words)
            out.append((r"\s+" if lead else "") + (f"(?i:{body})" if body else "") + (r"\s+" if trail and body else ""))
    return "".join(out)


@dataclass(frozen=True)
class _Compiled:
    opening: re.Pattern[str]  # datelines and standing opening lines
    byline: re.Pattern[str]
    tail: re.Pattern[str]  # credits, sign-offs, copyright lines
    inline: re.Pattern[str]  # where a closing line may start after a sentence
    groups: dict[str, str]  # template group name -> agency id
    rule_starts: frozenset[str]  # the first characters of section rules
    openers: tuple[str, ...]  # the first words of the opening templates
    by_name: dict[str, tuple[str, ...]]  # name or tag as printed -> agency ids (several when ambiguous)


def _agency_names() -> dict[str, tuple[str, ...]]:
    """Every way an agency is printed: the names of the outlets table's agencies and syndicates, and the tags above."""
    out: dict[str, list[str]] = {}
    tags = {ag.id: ag.tags for ag in AGENCIES}
    for info in wire_outlets():
        for n in (*tags.get(info.id, ()), info.display, *info.aliases):
            bare = re.sub(r"^The\s+", "", n)
            for form in {n, bare}:
                if info.id not in out.setdefault(form, []):
                    out[form].append(info.id)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    by_name = _agency_names()
    tags = sorted({t for ag in AGENCIES for t in ag.tags})
    tag_re, name_re = trie_regex(tags), trie_regex(by_name)
    end = r"(?![\w-])"
    bracket = rf"[(/](?:{DATELINE_DATE}[ \t]*/[ \t]*)?(?P<dl_tag>{tag_re}){end}(?:/[A-Z][\w ]{{0,20}})?[)/]"
    # What follows a dateline is the story: a capital, a digit or a quote.
    story = r"[ \t]*[\"“‘'(]?[A-Z0-9À-Þ]"
    dateline = (
        rf"(?P<dateline>(?P<dl_place>(?:The[ \t]+Hague|THE[ \t]+HAGUE|(?!The[ \t]|THE[ \t]){DATELINE_PLACE})"
        rf"(?:{DATELINE_REGION})?)?(?:{DATELINE_DATE})?"
        rf"[ \t]*{bracket}(?:{DASHES}|(?={story}))(?={story})"
        r")"
    )
    sep = r"(?:[ \t]*(?:[,|–—-]|\bfor\b)[ \t]*|[ \t]*\([ \t]*)"
    byline = (
        rf"(?P<byline>(?:(?:By|BY|by)[: \t]+)?(?:{_NAMES}{sep}|{_CAPS_NAMES}[ \t]+)?(?:[Tt]he[ \t]+)?"
        rf"(?P<by_name>{name_re}){end}\)?{_DESK}{_WHEN}[ \t.]*$)"
    )
    groups: dict[str, str] = {}
    openings, closings = [], []
    for ag in AGENCIES:
        for t in ag.openings:
            groups[f"g{len(groups)}"] = ag.id
            openings.append(f"(?P<g{len(groups) - 1}>{_template(t)})")
        for t in ag.closings:
            groups[f"g{len(groups)}"] = ag.id
            closings.append(rf"(?P<g{len(groups) - 1}>{_template(t)}[ \t.]*$)")
    # Tried at paragraph starts; the lookbehind only keeps a search from trying every position of a long word.
    opening = rf"(?<![^\s])(?:{'|'.join([dateline, *openings])})"
    # A sign-off is a line of its own, or follows a sentence in brackets or after a dash ("... on Friday. (AFP)").
    signoff = (
        rf"(?P<signoff>(?:(?:\(|--|==|[–—-])[ \t]*|(?<![^\n])[ \t]*)(?:[Tt]he[ \t]+)?"
        rf"(?P<so_name>{name_re}){end}[ \t.)]*$)"
    )
    copyright_ = (
        r"(?P<copyright>(?:©|\([cC]\)|Copyright|COPYRIGHT)[ \t]*(?:©[ \t]*)?(?:\(?\d{4}\)?[ \t]*,?[ \t]*)?"
        rf"(?:[Tt]he[ \t]+)?(?P<cr_name>{name_re}){end}[^\n]{{0,250}}$)"
    )
    # A closing line starts a line, or follows the end of a sentence in the last paragraph.
    tail = rf"(?:^|(?<=[.!?\"”’)][ \t]))(?:{'|'.join([signoff, copyright_, *closings])})"
    # Where a closing line may start inside a paragraph: a bracket, a dash, ©, or a closing template's first letter.
    first = {t[0] for ag in AGENCIES for t in ag.closings if t[0] != "{"} | set("(-–—=©Cc")
    inline = rf"[.!?\"”’)][ \t]+(?=[{re.escape(''.join(sorted(first | {c.swapcase() for c in first})))}])"
    return _Compiled(
        opening=re.compile(opening, re.M),
        byline=re.compile(rf"(?<![^\s]){byline}", re.M),
        tail=re.compile(tail, re.M),
        inline=re.compile(inline),
        groups=groups,
        rule_starts=frozenset(r[0] for ag in AGENCIES for r in ag.rules),
        openers=tuple({t.split()[0] for ag in AGENCIES for t in ag.openings}),
        by_name=by_name,
    )


# ---------------------------------------------------------------- the matcher


def _resolve(name: str, host: str | None) -> str | None:
    """The agency a printed name or tag stands for; None when it is the host's own name."""
    ids = _compiled().by_name.get(name) or _compiled().by_name.get(re.sub(r"^The\s+", "", name))
    if not ids or (host is not None and host in ids):
        return None
    return ids[0]


def _head_mark(m: re.Match[str], host: str | None) -> AgencyMark | None:
    c = _compiled()
    found = m.groupdict()
    if found.get("dateline") is not None:
        place = (m["dl_place"] or "").strip()
        # "Associated Press (AP) — ..." opens a sentence about the agency, not a dateline.
        if place and (known := canonical_outlet(place)) and is_wire(known[0]):
            return None
        agency = _resolve(m["dl_tag"], host)
        end = m.end("dateline")
        return AgencyMark(agency, "dateline", m.start(), end) if agency else None
    if found.get("byline") is not None:
        agency = _resolve(m["by_name"], host)
        return AgencyMark(agency, "byline", m.start(), _rstrip(m.string, m.start(), m.end())) if agency else None
    name = next(g for g, v in found.items() if v is not None and g in c.groups)
    agency = c.groups[name]
    return AgencyMark(agency, "opening", m.start(), m.end()) if agency != host else None


def _tail_mark(m: re.Match[str], host: str | None) -> AgencyMark | None:
    c = _compiled()
    end = _rstrip(m.string, m.start(), m.end())
    for kind, group in (("signoff", "so_name"), ("copyright", "cr_name")):
        if m[kind] is not None:
            agency = _resolve(m[group], host)
            return AgencyMark(agency, kind, m.start(), end) if agency else None
    name = next(g for g, v in m.groupdict().items() if v is not None and g in c.groups)
    agency = c.groups[name]
    return AgencyMark(agency, "closing", m.start(), end) if agency != host else None


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _rule_marks(text: str, paragraphs: Sequence[tuple[int, int]], host: str | None) -> list[AgencyMark]:
    out = []
    for ag in AGENCIES:
        for rule in ag.rules:
            hits = [(s, e) for s, e in paragraphs if text.startswith(rule, s) and not text[s:e].rstrip(". ").strip(rule[0])]
            if len(hits) >= RULES_MIN and ag.id != host:
                out.append(AgencyMark(ag.id, "rule", hits[0][0], hits[0][1]))
    return out


def find_agency_marks(
    text: str, paragraphs: Sequence[tuple[int, int]] | None = None, *, host: str | None = None
) -> list[AgencyMark]:
    """Every agency mark in ``text``, strongest kind first, then in text order.

    ``paragraphs``: the article's paragraph spans (split here when not given).
    ``host``: the outlet id of whoever printed the text; its own name is no mark
    (AP's own story is not AP copy).
    """
    paras = paragraphs if paragraphs is not None else split_paragraphs(text)
    if not paras:
        return []
    c = _compiled()
    marks: list[AgencyMark] = []
    for s, e in paras[:HEAD_PARAS]:
        # A dateline's bracket opens near its paragraph's start (str.find is far cheaper than the pattern).
        near = min(e, s + HINT_CHARS)
        hinted = text.find("(", s, near) >= 0 or text.find("/", s, near) >= 0 or text.startswith(c.openers, s)
        m = c.opening.match(text, s, e) if hinted else None
        if m is None and e - s <= HEAD_SHORT:
            m = c.byline.match(text, s, e)
        if m is not None and (mark := _head_mark(m, host)) is not None:
            marks.append(mark)
    tail = paras[-TAIL_PARAS:]
    for s, e in tail[:-1]:
        if e - s <= TAIL_CHARS and (m := c.tail.match(text, s, e)) is not None and (mark := _tail_mark(m, host)):
            marks.append(mark)
    # The last paragraph may also end with a closing line that follows its last sentence.
    s, e = tail[-1]
    starts = [g.end() for g in c.inline.finditer(text, max(s, e - TAIL_CHARS), e)]
    for start in [s, *starts] if e - s <= TAIL_CHARS else starts:
        if (m := c.tail.match(text, start, e)) is not None:
            if mark := _tail_mark(m, host):
                marks.append(mark)
            break
    if c.rule_starts & {text[s] for s, _ in paras}:
        marks.extend(_rule_marks(text, paras, host))
    if len(marks) > 1:
        marks = sorted(set(marks), key=lambda m: (_KIND_RANK[m.kind], m.start))
    return marks


_KIND_RANK = {k: i for i, k in enumerate(KIND_ORDER)}


def agency_short_name(agency_id: str) -> str:
    """How a brief names an agency: "AFP", "AP", "Reuters"; its display name when it has no tag."""
    for ag in AGENCIES:
        if ag.id == agency_id:
            return ag.tags[0]
    info = outlet_info(agency_id)
    return info.display if info else agency_id


# ---------------------------------------------------------------- agency copy across a story


def agency_copies(articles: Sequence[Article]) -> dict[str, str]:
    """Article id -> the agency (outlets id) whose copy it is, for a story's articles.

    A copy group (articles the copy finder linked through ``duplicate_of`` or
    ``syndicated_from``) is one agency's copy when its members name exactly one
    agency, in their marks (``syndicated_from``) or as their outlet: a paper's
    trimmed print of an AFP story is AFP's copy even when only another print
    kept the dateline. Articles whose outlet is the agency are its own stories;
    they are listed too, and tell who the printers are not.
    """
    by_id = {a.id: a for a in articles}
    ids = list(by_id)
    index = {aid: i for i, aid in enumerate(ids)}
    groups = UnionFind(len(ids))
    for a in articles:
        for ref in (a.duplicate_of, a.syndicated_from):
            if ref in by_id and ref != a.id:
                groups.union(index[a.id], index[ref])
    out: dict[str, str] = {}
    for members in groups.groups():
        named = {agency for k in members if (agency := _agency_named(by_id[ids[k]], by_id))}
        if len(named) == 1:
            agency = named.pop()
            out.update((ids[k], agency) for k in members)
    return out


def _agency_named(a: Article, by_id: dict[str, Article]) -> str | None:
    if a.syndicated_from and a.syndicated_from not in by_id:
        known = canonical_outlet(a.syndicated_from)
        if known and is_wire(known[0]):
            return known[0]
    return a.outlet_id if a.outlet_id and is_wire(a.outlet_id) else None


def agency_printers(articles: Sequence[Article]) -> list[tuple[str, list[Article]]]:
    """(agency id, the articles other outlets printed of its copy), in story order: "AFP copy, printed by ..."."""
    of = agency_copies(articles)
    out = []
    for agency in dict.fromkeys(of[a.id] for a in articles if a.id in of):
        printed = [a for a in articles if of.get(a.id) == agency and a.outlet_id != agency]
        if printed:
            out.append((agency, printed))
    return out
