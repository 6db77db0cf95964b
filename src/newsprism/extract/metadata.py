"""Parsers for the metadata lines news text carries: bylines, datelines,
syndication and copyright notes. Each takes one paragraph's text and returns
what it found with offsets relative to that text, or None.

Regex only, no spaCy: ``prepare_articles`` runs these on every article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsprism.extract.outlets import canonical_outlet, host_of, is_wire

# ---------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_TZ = {
    "EDT": "-04:00", "EST": "-05:00", "CDT": "-05:00", "CST": "-06:00", "MDT": "-06:00", "MST": "-07:00",
    "PDT": "-07:00", "PST": "-08:00", "GMT": "+00:00", "UTC": "+00:00", "Z": "+00:00", "BST": "+01:00",
    "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00", "EEST": "+03:00", "MSK": "+03:00", "IDT": "+03:00",
    "JST": "+09:00", "KST": "+09:00", "AEST": "+10:00", "AEDT": "+11:00", "SGT": "+08:00", "HKT": "+08:00",
}  # fmt: skip
_DATE = re.compile(
    rf"""(?<!\w)(?:
        (?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})
      | (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{MONTH}),?\s+(?P<y2>\d{{4}})
      | (?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})
            (?:[T\s](?P<h3>\d{{2}}):(?P<n3>\d{{2}})(?::\d{{2}}(?:\.\d+)?)?(?P<z3>Z|[+-]\d{{2}}:?\d{{2}})?)?
      | (?P<m4>\d{{1,2}})\s?/\s?(?P<d4>\d{{1,2}})\s?/\s?(?P<y4>\d{{4}}|\d{{2}})
    )(?!\w)""",
    re.X | re.I,
)
_TIME = re.compile(
    r"""(?<![\w:.])(?:(?P<h>\d{1,2})[:.](?P<n>\d{2})(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?
                   |(?P<h2>\d{1,2})\s*(?P<ap2>[ap])\.?\s?m\b\.?)
        (?:\s*\(?(?-i:(?P<tz>[A-Z]{1,4}))\)?(?!\w))?""",
    re.X | re.I,
)
WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?"
_DATE_LABEL = (
    r"(?:(?:first|originally|last)\s+)?(?:published|updated|posted|modified|created|date|dated)(?:\s+(?:on|at))?"
)
# What may surround a date on a line that is only a date (a dateline paragraph).
_DATE_NOISE = re.compile(rf"(?:{_DATE_LABEL}|{WEEKDAY}|\bat\b|\bon\b|[\s,|·•/:()\-–—])+", re.I)


@dataclass(frozen=True, slots=True)
class Found:
    """One value parsed from a paragraph, with its offsets in that paragraph."""

    value: str
    start: int
    end: int


def _iso_date(m: re.Match[str]) -> str | None:
    g = m.groupdict()
    if g["y1"] or g["y2"]:
        mon = _MONTHS[(g["m1"] or g["m2"])[:3].lower()]
        day, year = int(g["d1"] or g["d2"]), int(g["y1"] or g["y2"])
    elif g["y3"]:
        year, mon, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
    else:
        mon, day, year = int(g["m4"]), int(g["d4"]), int(g["y4"])
        if year < 100:  # "09/10/10"
            year += 2000 if year < 70 else 1900
        if mon > 12 >= day:  # 13/05/2024 is day-first
            mon, day = day, mon
    if not (1 <= mon <= 12 and 1 <= day <= 31 and 1900 <= year <= 2100):
        return None
    return f"{year:04d}-{mon:02d}-{day:02d}"


def _iso_time(m: re.Match[str]) -> str | None:
    hour, minute = int(m["h"] or m["h2"]), int(m["n"] or 0)
    ap = (m["ap"] or m["ap2"] or "").lower()
    if ap == "p" and hour < 12:
        hour += 12
    elif ap == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    tz = _TZ.get(m["tz"] or "", "")
    return f"{hour:02d}:{minute:02d}:00{tz}"


def find_date(text: str) -> Found | None:
    """The first calendar date in ``text`` (ISO), joined with a time next to it when there is one."""
    for m in _DATE.finditer(text):
        day = _iso_date(m)
        if day is None:
            continue
        if m["h3"]:
            zone = m["z3"] or ""
            zone = "+00:00" if zone.upper() == "Z" else (zone[:3] + ":" + zone[-2:] if zone else "")
            return Found(f"{day}T{m['h3']}:{m['n3']}:00{zone}", m.start(), m.end())
        start, end, clock = m.start(), m.end(), None
        # A time printed just before or after the date ("7:13 AM EDT, August 6, 2024").
        for t in _TIME.finditer(text):
            gap = text[t.end() : m.start()] if t.end() <= m.start() else text[m.end() : t.start()]
            if len(gap) <= 8 and re.fullmatch(r"[\s,|·•\-–—]*(?:at|on)?[\s,|·•\-–—]*", gap, re.I):
                clock = _iso_time(t)
                if clock:
                    start, end = min(start, t.start()), max(end, t.end())
                    break
        return Found(f"{day}T{clock}" if clock else day, start, end)
    return None


@dataclass(frozen=True, slots=True)
class Dateline:
    date: Found
    source: Found | None  # an agency printed on the line: "Reuters Sep 18, 2013, 02.16PM IST"


def parse_dateline(text: str) -> Dateline | None:
    """A paragraph that is only a publication date/time, perhaps with the agency's name."""
    if len(text) > 90:
        return None
    found = find_date(text)
    if found is None:
        return None
    rest = text[: found.start] + " " + text[found.end :]
    if _DATE_NOISE.fullmatch(rest):
        return Dateline(found, None)
    name = re.sub(r"\s+", " ", _DATE_NOISE.sub(" ", rest)).strip()
    if not canonical_outlet(name):
        return None
    start = text.find(name)
    return Dateline(found, Found(name, start, start + len(name))) if start >= 0 else None


# ---------------------------------------------------------------- bylines

_BY = re.compile(
    r"^[\s*_•·\-–—]*(?:(?:Written|Words|Story|Text|Reported|Reporting|Report|Analysis|Opinion|Commentary|Review"
    r"|Interview|Posted|Compiled)\s+by|By|BY|by)\b[:\s]\s*"
)
ROLE_WORDS = frozenset(
    """reporter correspondent writer editor staff contributor columnist chief journalist producer analyst
    intern desk bureau senior special political diplomatic foreign national deputy managing associate
    agencies agency wires contributing freelance photographer""".split()
)
_ORG_WORDS = frozenset(
    """news times post press journal herald gazette tribune daily radio tv channel group network media
    courier ledger chronicle observer telegraph guardian independent wire review report today star mail
    express standard monitor digital institute foundation university council ministry department office
    association center centre syndicate broadcasting corporation service online magazine weekly""".split()
)
_PARTICLES = frozenset("de da di du del della der den van von la le al el bin ibn bint ben abu y".split())
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-Þ][\w'’.-]*|[A-Z]\.|(?:al|el|bin|ibn)-[A-Z][\w'’-]*)$")
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december".split()
)
# Short forms of dates that are no one's name ("Nov", "Thu"); "Jan" and "May" are names too.
_DATE_ABBREVIATIONS = frozenset("feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun".split())
# Accounts a CMS signs pages with when no person is named.
_HANDLES = frozenset(
    "admin administrator webmaster editor editors staff team guest anonymous unknown user redaktion redazione"
    " redaction redacción redaksi".split()
)
# Leading whitespace is taken only from where it starts ((?<!\s)): the same matches, but a long
# run of spaces is tried once, not once from each of its characters (time quadratic in its length).
_PIECE_SEP = re.compile(r"(?:(?<!\s)\s+)?(?:\||\s[–—-]\s|\s/\s|•|·|\bfor\b|\(|\)|;)\s*")
_NAME_SEP = re.compile(r"(?:(?<!\s)\s+)?,\s*|(?<!\s)\s+(?:and|&)\s+")
_LAST_WORD = re.compile(r"(?<!\s)\s+(\S+)$")
_ROLE_LINE = re.compile(r"^(?P<name>[^,]{3,50}),\s*(?P<role>[^,]{3,60})$")


@dataclass
class Byline:
    names: list[Found] = field(default_factory=list)
    org: Found | None = None  # outlet or agency named in the byline
    date: Found | None = None


def looks_like_person(name: str) -> bool:
    tokens = name.split()
    if not 2 <= len(tokens) <= 5 or len(name) > 50:
        return False
    if any(t.lower().strip(".,") in _ORG_WORDS or ROLE_WORDS.intersection(t.lower().split("-")) for t in tokens):
        return False
    if canonical_outlet(name):
        return False
    names = [t for t in tokens if t.lower() not in _PARTICLES]
    return len(names) >= 2 and all(_is_name_token(t) for t in names) and not any(c.isdigit() for c in name)


def _is_name_token(token: str) -> bool:
    """A capitalised word in any cased script ("Needleman", "Буслаева"), an initial or "al-Assad"."""
    if _NAME_TOKEN.match(token):
        return True
    return token[:1].isupper() and all(c.isalpha() or c in "'’.-" for c in token)


def _single_name(piece: str) -> bool:
    """One capitalised given name, as blogs sign ("Catherine"), not initials, a date word or a CMS account."""
    low = piece.lower()
    return (
        " " not in piece
        and len(piece) >= 3
        and _is_name_token(piece)
        and not piece.isupper()
        and "admin" not in low
        and low.rstrip(".") not in _HANDLES | _WEEKDAYS | _MONTH_NAMES | _DATE_ABBREVIATIONS | ROLE_WORDS | _ORG_WORDS
        and canonical_outlet(piece) is None
    )


def _drop_weekday(text: str, s: int, e: int) -> int:
    """The end of a name with a weekday glued on by a page's layout ("Jeff Foust Monday") cut off."""
    m = _LAST_WORD.search(text[s:e])
    if m and m[1].lower().strip(".,") in _WEEKDAYS and len(text[s : s + m.start()].split()) >= 2:
        return s + m.start()
    return e


def _wire_in_role(piece: str) -> str | None:
    """The agency a role names ("AP Sports Writer"), when it is one we know."""
    for word in piece.replace("-", " ").split():
        known = canonical_outlet(word)
        if known and is_wire(known[0]):
            return word
    return None


def _is_role(piece: str) -> bool:
    words = piece.lower().replace("-", " ").split()
    return 0 < len(words) <= 6 and any(w.strip(".,") in ROLE_WORDS for w in words)


def _looks_like_org(piece: str) -> bool:
    words = piece.split()
    if not 1 <= len(words) <= 6 or piece[-1:] == ".":
        return False
    caps = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return words[0][:1].isupper() and caps >= len(words) - 1


def _pieces(text: str, start: int, end: int, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in sep.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if text[s:e].strip(" .,:;")]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t.,:;\"'“”‘’":
        s += 1
    while e > s and text[e - 1] in " \t,:;\"'“”‘’":
        e -= 1
    # Keep the full stop of an initial or abbreviation ("Jr.") but not a final one.
    if e > s and text[e - 1] == "." and not re.search(r"(?:\b[A-Z]|Jr|Sr)\.$", text[s:e]):
        e -= 1
    return s, e


def parse_byline(text: str) -> Byline | None:
    """ "By Vered Weiss, World Israel News" / "By A and B | Reuters" / "Jane Doe, Staff Writer"."""
    if len(text) > 140 or len(text.split()) > 18 or "\n" in text.strip():
        return None
    m = _BY.match(text)
    if m is None:
        return _parse_role_line(text)
    result = Byline()
    tail: list[tuple[int, int]] = []
    pieces = _pieces(text, m.end(), len(text), _PIECE_SEP)
    if not pieces:
        return None
    for s, e in _pieces(text, *pieces[0], _NAME_SEP):
        s, e = _trim(text, s, e)
        e = _drop_weekday(text, s, e)
        if tail or not looks_like_person(text[s:e]):
            split = None if tail or result.org else _name_then_outlet(text, s, e)
            if split is None:
                tail.append((s, e))
            else:
                result.names.append(split[0])
                result.org = split[1]
        else:
            result.names.append(Found(text[s:e], s, e))
    for s, e in [*tail, *pieces[1:]]:
        s, e = _trim(text, s, e)
        piece = text[s:e]
        date = find_date(piece)
        if date:
            result.date = result.date or Found(date.value, s + date.start, s + date.end)
        elif _is_role(piece):
            continue
        elif canonical_outlet(piece) or _looks_like_org(piece):
            result.org = result.org or Found(piece, s, e)
        else:
            return None
    if not result.names and not (result.org and canonical_outlet(result.org.value)):
        return None
    return result


def parse_author_field(text: str) -> Byline:
    """The people an author field of page or feed metadata names ("STEVE PEOPLES, AP National
    Political Writer", "Condé Nast; Molly Wood", "Jeff Foust Monday").

    The rule parse_byline applies to a byline line, made lenient: a piece that names
    no person (a role, a date, a desk, credentials, a CMS account) is left out rather
    than the whole field refused. An outlet or agency named is returned as ``org``,
    also when a role names it ("Ap Auto Writer").
    """
    result = Byline()
    m = _BY.match(text)
    for ps, pe in _pieces(text, m.end() if m else 0, len(text), _PIECE_SEP):
        for s, e in _pieces(text, ps, pe, _NAME_SEP):
            s, e = _trim(text, s, e)
            if (label := _BY.match(text, s)) is not None and label.end() < e:
                s = label.end()
            e = _drop_weekday(text, s, e)
            piece = text[s:e]
            if not piece or find_date(piece):
                continue
            split = _name_then_outlet(text, s, e)
            if looks_like_person(piece) or _single_name(piece):
                result.names.append(Found(piece, s, e))
            elif split is not None:
                result.names.append(split[0])
                result.org = result.org or split[1]
            elif _is_role(piece):
                wire = _wire_in_role(piece)
                if wire and result.org is None:
                    start = s + piece.find(wire)
                    result.org = Found(wire, start, start + len(wire))
            elif canonical_outlet(piece) and result.org is None:
                result.org = Found(piece, s, e)
    return result


def parse_outlet_line(text: str) -> Byline | None:
    """A line that is only the name of an outlet we know ("Associated Press"), as a byline's organisation."""
    s, e = _trim(text, 0, len(text))
    if not 0 < len(text[s:e].split()) <= 5 or canonical_outlet(text[s:e]) is None:
        return None
    return Byline(org=Found(text[s:e], s, e))


def _name_then_outlet(text: str, s: int, e: int) -> tuple[Found, Found] | None:
    """ "JANE DOE Associated Press": a name, then an outlet we know, with no comma (as AP prints them)."""
    words = [(s + m.start(), s + m.end()) for m in re.finditer(r"\S+", text[s:e])]
    for k in range(1, min(4, len(words) - 2) + 1):
        name_end, cut = words[-k - 1][1], words[-k][0]
        if canonical_outlet(text[cut:e]) and looks_like_person(text[s:name_end]):
            return Found(text[s:name_end], s, name_end), Found(text[cut:e], cut, e)
    return None


def _parse_role_line(text: str) -> Byline | None:
    m = _ROLE_LINE.match(text.strip())
    if m is None or not looks_like_person(m["name"].strip()) or not _is_role(m["role"]):
        return None
    offset = len(text) - len(text.lstrip())
    s, e = _trim(text, offset + m.start("name"), offset + m.end("name"))
    return Byline(names=[Found(text[s:e], s, e)])


_CREDIT = re.compile(r"(?:Additional\s+)?(?:Reporting|Writing)\s+by\s+(?P<names>[^;)\]]+)", re.I)
_IN_PLACE = re.compile(r"(?<!\s)\s+in\s+[A-Z][\w .'-]*$")


def parse_credits(text: str) -> list[Found]:
    """Wire-style footer credits: "(Reporting by A and B in Dubai; Editing by C)"."""
    out: list[Found] = []
    for m in _CREDIT.finditer(text):
        for s, e in _pieces(text, m.start("names"), m.end("names"), _NAME_SEP):
            s, e = _trim(text, s, e)
            place = _IN_PLACE.search(text, s, e)
            e = place.start() if place else e
            if looks_like_person(text[s:e]):
                out.append(Found(text[s:e], s, e))
    return out


# ---------------------------------------------------------------- syndication

_SYNDICATION = re.compile(
    r"""(?:
        (?:re)?published\s+(?:here\s+)?(?:with|by|under)\s+(?:the\s+)?(?:kind\s+)?permission\s+(?:of|from)
      | republished\s+from
      | reprinted\s+(?:here\s+)?(?:with\s+(?:the\s+)?(?:kind\s+)?permission\s+)?(?:of|from|by)
      | (?:this|the)\s+(?:article|story|piece|post|report|column|essay|interview|op-ed|commentary)\s+
            (?:was\s+|is\s+)?(?:originally|first)\s+(?:appeared|published|ran|posted|printed)(?:\s+(?:in|on|at|by))?
      | (?:originally|first)\s+(?:appeared|published|ran|posted)\s+(?:in|on|at|by)
      | (?:distributed|syndicated)\s+by
      | (?:this|the)\s+(?:article|story|piece|post|report|column|essay|interview|op-ed|commentary)\s+
            (?:is|was|has\s+been)\s+(?:republished|reprinted)\s+(?:here\s+)?
            (?:with\s+(?:the\s+)?(?:kind\s+)?permission\s+)?(?:from|of|by)
    )\s+(?P<src>\S.*)""",
    re.I | re.X | re.S,
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(?P<src>\S.*)$", re.I | re.S
)
_SOURCE_END = re.compile(
    r"\.(?:\s|$)|[;,:(|]|\s[–—-]\s|(?<!\s)\s+(?:and|under|with|on|as|via|who|which|where|is|was|in\s+partnership)\s"
)


def _source(text: str, start: int) -> Found | None:
    cut = _SOURCE_END.search(text, start)
    s, e = _trim(text, start, cut.start() if cut else len(text))
    name = text[s:e]
    if name[:4] == "the ":
        s, name = s + 4, name[4:]
    if not name or len(name.split()) > 8 or "rights reserved" in name.lower():
        return None
    if not (name[0].isupper() or name[0].isdigit() or host_of(name)):
        return None
    return Found(name, s, e)


_SYNDICATION_HINTS = ("permission", "republished", "reprinted", "originally", "first", "distributed", "syndicated")


def parse_syndication(text: str) -> Found | None:
    """ "Republished with permission from Harbour Press Syndicate" -> "Harbour Press Syndicate"."""
    low = text.lower()
    # Plain substring tests first: the full pattern is slow to search on long paragraphs.
    if not any(h in low for h in _SYNDICATION_HINTS):
        return None
    for m in _SYNDICATION.finditer(text):
        # Only a sentence that is the note itself, not "a vaccine distributed by the government".
        before = text[: m.start()].rstrip(" \t\n*_([—–-")
        if not before or before[-1] in '.!?:"”’':
            return _source(text, m.start("src"))
    return None


def parse_copyright(text: str) -> Found | None:
    """ "(c) 2024 The Associated Press. All rights reserved." -> "The Associated Press"."""
    m = _COPYRIGHT.match(text.strip())
    if m is None:
        return None
    return _source(text, len(text) - len(text.lstrip()) + m.start("src"))


# ---------------------------------------------------------------- wire datelines

# The pieces of a dateline, shared with the agency marks (``newsprism.extract.agencies``):
# a place ("WASHINGTON", "Mexico City", "LONDON/NEW YORK") and region (", Iowa", " [India]"),
# a date (", Nov. 19", " 5 Jan", ", January 5.", ", Jul 13, 2009 / 02:00 pm") and a
# dash of any kind (EFE prints ".-", ANI ":", TASS ".").
_PLACE_NAME = r"[A-ZÀ-Þ][\w.'’-]{0,30}+(?:[ \t]++[A-ZÀ-Þ][\w.'’-]{0,30}+){0,3}"
DATELINE_PLACE = rf"{_PLACE_NAME}(?:/{_PLACE_NAME}){{0,3}}"  # Reuters joins places: "LONDON/NEW YORK"
DATELINE_REGION = r",[ \t]*+[A-Z][\w.'’-]{0,30}+(?:[ \t]++[A-Z][\w.'’-]{0,30}+){0,2}|[ \t]*+\[[A-Z][\w .'’-]{0,30}\]"
DATELINE_DATE = (
    rf"[ \t]*+[,.]?[ \t]*+(?:{MONTH}[ \t]++\d{{1,2}}|\d{{1,2}}(?:st|nd|rd|th)?[ \t]++{MONTH})(?:,?[ \t]++\d{{4}})?\.?"
    r"(?:[ \t]*+/[ \t]*+\d{1,2}[:.]\d{2}[ \t]*+(?:[AaPp]\.?[Mm]\.?)?)?"
)
DASHES = r"[ \t]*+(?:\.?[ \t]*+(?:--?|[‐‑‒–—―−]{1,2})|:|\.)"

_WIRE_DATELINE = re.compile(
    rf"""^(?P<place>{DATELINE_PLACE})(?P<region>{DATELINE_REGION})?
        (?P<date>{DATELINE_DATE})?
        [ \t]*+(?:\((?P<wire>[A-Za-z][\w.&'/ -]{{1,40}})\))?
        (?P<dash>{DASHES})[ \t]++(?=[\"“‘'(]?[A-Z0-9À-Þ])""",
    re.X,
)


@dataclass
class WireDateline:
    end: int  # where the story text starts
    place: Found
    wire: Found | None  # the agency in brackets, when it is one we know
    date: Found | None  # only when the dateline prints a year


def parse_wire_dateline(text: str) -> WireDateline | None:
    """ "WASHINGTON (Reuters) -" / "LONDON, May 3 (AP) —" / "TEHRAN, Iran —" at a paragraph start."""
    m = _WIRE_DATELINE.match(text)
    if m is None or sum(c.isalpha() for c in m["place"]) < 3:
        return None
    # Without an agency's bracket only a capitalised place is a dateline ("TEHRAN, Iran —", not "Meanwhile —").
    if not m["wire"] and not m["place"].isupper():
        return None
    wire = None
    if m["wire"] and canonical_outlet(m["wire"]):
        wire = Found(m["wire"], m.start("wire"), m.end("wire"))
    # A lone capitalised word and a hyphen is too weak ("NATO - the alliance").
    if not (wire or m["region"] or m["date"] or m["dash"].strip() in ("—", "–", "--")):
        return None
    if m["wire"] and not wire:
        return None
    date = None
    if m["date"]:
        d = find_date(m["date"])
        if d:
            date = Found(d.value, m.start("date") + d.start, m.start("date") + d.end)
    return WireDateline(m.end(), Found(m["place"], m.start("place"), m.end("place")), wire, date)


# ---------------------------------------------------------------- boilerplate

_BOILERPLATE = re.compile(
    r"^[\s*_(\[]*(?:read\s+more\b|related\b|also\s+read\b|subscribe\b|sign\s+up\b|follow\s+(?:us|him|her|the)\b"
    r"|click\s+here\b|advertisement\b|share\s+this\b|(?:photo|image|video)\s*(?:credit)?\s*:|editing\s+by\b"
    r"|(?:additional\s+)?(?:reporting|writing)\s+by\b|contact\s+the\s+(?:author|writer|reporter)\b"
    r"|all\s+rights\s+reserved\b"
    r"|(?:we|this\s+(?:web)?site|our\s+(?:web)?site|this\s+page)\s+uses?\s+cookies\b|by\s+continuing\s+to\s+(?:use|browse)\b)",
    re.I,
)


def is_boilerplate(text: str) -> bool:
    """Newsletter plugs, "Read more:", photo credits, wire credit lines, cookie notices."""
    return len(text.split()) <= 40 and bool(_BOILERPLATE.match(text))
