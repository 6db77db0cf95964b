"""Dates and quantities in sentences, normalised so that equal facts compare equal.

A date is a range of days (``DateValue``): "Monday" in an article of Tuesday
6 August 2024 is 5 August, "the end of June" is 21-30 June, "1962" is the
whole year. A quantity is a range too (``Quantity``): "about 12,000" covers
10,800-13,200, "more than 4,000" and "4,000+" both start at 4,000, a bare
round number covers its rounding interval. Two values agree when their
ranges overlap, which is what keeps "until 30 June" and "until the end of
June" (or "nearly 12,000" and "12,000") from being reported as conflicts.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_MONTH = r"(?P<m>(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?)"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>1[89]\d\d|20\d\d)"
_WD = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10}

# Order matters: longer, more specific patterns first; a span claimed by one
# pattern is not matched again by a shorter one. Matched on lower-cased text (``_lowered``):
# a case-blind pattern runs several times slower over a long text.
_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("dmy", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b(?!,\d)")),
    ("edge", re.compile(rf"\b(?:the\s+)?(?P<edge>end|beginning|start|middle)\s+of\s+(?:{_MONTH}(?:\s+{_YEAR})?|the\s+(?P<unit>month|year))\b")),
    ("my", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    ("m_last", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<rel>last|this|next)\s+year\b")),
    # "last August": the latest August before the publication month; not "last May 5" (a day of the
    # month), nor "the last may be" (the verb).
    ("m_rel", re.compile(rf"\b(?P<rel>last|next)\s+(?!may\b){_MONTH}\b(?![-\s]*\d)")),
    ("m", re.compile(rf"\b(?:in|since|until|by|from|late|early)\s+(?P<x>{_MONTH})\b(?![-\s]*\d)")),
    ("y", re.compile(rf"\b(?:in|since|of|until|by|from|before|after|year|early|late|mid)[\s-]+(?P<x>{_YEAR})\b(?![,.]?\d)")),
    # "every Sunday" recurs: no one day to place.
    ("wd", re.compile(rf"(?<!every )(?<!each )\b(?:(?P<rel>last|next|this|early|late)\s+)?{_WD}(?P<poss>['’]s)?\b")),
    ("rel_day", re.compile(r"\b(?P<word>yesterday|today|tomorrow|tonight|last night|this (?:morning|afternoon|evening))\b")),
    ("ago", re.compile(rf"\b(?P<n>\d{{1,2}}|{'|'.join(_COUNT_WORDS)})\s+(?P<unit>day|week|month|year)s?\s+ago\b")),
    ("rel_unit", re.compile(r"\b(?P<rel>last|next|this)\s+(?P<unit>week|month|year)\b")),
]

FUTURE = re.compile(
    r"\b(?:will|won't|shall|is due|are due|is expected|are expected|expects|plans? to|is set to|are set to|"
    r"is scheduled|are scheduled|is to|are to|next|upcoming|going to|would|expected to|until)\b|'ll\b",
)


@dataclass(frozen=True, slots=True)
class DateValue:
    first: date
    last: date
    precision: str  # "day", "month" or "year"

    def iso(self) -> str:
        """ISO 8601 at the value's precision: "2024-05-12", "2024-06", "2024"; a longer stretch as an
        interval, "2024-07-29/2024-08-04" for "last week", never one of its days that the text never gave."""
        first, last = (_at(d, self.precision) for d in (self.first, self.last))
        return first if first == last else f"{first}/{last}"

    def agrees(self, other: "DateValue") -> bool:
        return self.first <= other.last and other.first <= self.last


def _at(d: date, precision: str) -> str:
    if precision == "year":
        return f"{d.year:04d}"
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return d.isoformat()


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int  # offsets relative to the text that was scanned
    end: int
    text: str
    value: DateValue
    relative: bool  # needed the publication date to resolve


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _safe_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _pick_year(month: int, day: int, base: date, future: bool | None) -> int:
    """The year that puts a yearless "12 May" nearest the reference date, on the side the tense says."""
    candidates = [y for y in (base.year - 1, base.year, base.year + 1) if _safe_day(y, month, day or 1)]
    best = min(candidates, key=lambda y: abs((date(y, month, day or 1) - base).days))
    d = date(best, month, day or 1)
    # Papers name dates a few weeks ahead ("until 30 June"); a past-tense
    # "December" printed in August is last December, not next.
    if not future and d > base + timedelta(days=60):
        best -= 1
    if future and d < base - timedelta(days=31):
        best += 1
    return best


# A weekday that names a thing ("Monday's debate") lies ahead only within this many days of the
# publication day: a paper previews tomorrow's vote and the next day's, and looks back on the rest of
# the week, whatever the tense around it ("Monday's ruling will reverberate", "until Monday's
# announcement"). Read on PolNeAR and BASIL's possessive weekdays, labelled from their context.
_NAMED_AHEAD = 2


def _weekday(wd: int, rel: str, base: date, future: bool | None, names_a_thing: bool = False) -> date:
    """The day a weekday names: ahead for "next", for a verb in the future or the present ("the
    vote is on Friday") and for "this" unless its verb is past; behind for "last", the past and a
    weekday nothing times (news mostly reports what happened). A bare weekday that names a thing
    ("Tuesday's primary") is timed by no verb: ahead only when it is at most ``_NAMED_AHEAD`` days off."""
    if names_a_thing and not rel:
        future = 0 < (wd - base.weekday()) % 7 <= _NAMED_AHEAD
    if rel == "next" or (rel != "last" and (future or (rel == "this" and future is None))):
        delta = (wd - base.weekday()) % 7
        if rel == "next" and delta == 0:
            delta = 7
        return base + timedelta(days=delta)
    delta = (base.weekday() - wd) % 7
    if rel == "last" and delta == 0:
        delta = 7
    return base - timedelta(days=delta)


def _resolve(
    kind: str, g: dict[str, str | None], base: date | None, story_date: date | None, future: bool | None
) -> tuple[DateValue, bool] | None:
    """One matched date expression to a day range; None when it needs a reference it lacks."""
    month = MONTHS.get((g.get("m") or "").lower().rstrip("."))
    year_text = g.get("y")
    year = int(year_text) if year_text else None
    if base is None and year is None and story_date and month:
        year = _pick_year(month, int(g.get("d") or 0), story_date, future)
    if kind in ("dmy", "mdy"):
        day = int(g["d"] or 0)
        if not month or not 1 <= day <= 31:
            return None
        if year is None:
            if base is None:
                return None
            year = _pick_year(month, day, base, future)
        d = _safe_day(year, month, day)
        return (DateValue(d, d, "day"), False) if d else None
    if kind == "my" and month and year:
        return DateValue(*_month_range(year, month), "month"), False
    if kind == "m_last" and month:
        if base is None:
            return None
        year = base.year + {"last": -1, "this": 0, "next": 1}[(g["rel"] or "").lower()]
        return DateValue(*_month_range(year, month), "month"), True
    if kind == "m" and month:
        if year is None:
            if base is None:
                return None
            year = _pick_year(month, 0, base, future)
        return DateValue(*_month_range(year, month), "month"), False
    if kind == "y" and year:
        return DateValue(date(year, 1, 1), date(year, 12, 31), "year"), False
    if kind == "edge":
        return _resolve_edge(g, month, year, base, future)
    if base is None:
        return None
    if kind == "wd":
        rel = (g.get("rel") or "").lower()
        d = _weekday(WEEKDAYS[(g["wd"] or "").lower()], rel, base, future, names_a_thing=bool(g.get("poss")))
        return DateValue(d, d, "day"), True
    if kind == "m_rel" and month:
        if (g["rel"] or "").lower() == "last":
            year = base.year if month < base.month else base.year - 1
        else:
            year = base.year if month > base.month else base.year + 1
        return DateValue(*_month_range(year, month), "month"), True
    if kind == "rel_day":
        word = (g["word"] or "").lower()
        d = base - timedelta(days=1) if word in ("yesterday", "last night") else base + timedelta(days=word == "tomorrow")
        return DateValue(d, d, "day"), True
    if kind == "ago":
        n = _COUNT_WORDS.get((g["n"] or "").lower()) or int(g["n"] or 0)
        unit = (g["unit"] or "").lower()
        # Days ago is a day; weeks, months and years ago only as precise as their unit.
        if unit == "day":
            d = base - timedelta(days=n)
            return DateValue(d, d, "day"), True
        if unit == "week":
            return _week(base, -n), True
        if unit == "month":
            m0 = base.month - 1 - n
            return DateValue(*_month_range(base.year + m0 // 12, m0 % 12 + 1), "month"), True
        return DateValue(date(base.year - n, 1, 1), date(base.year - n, 12, 31), "year"), True
    if kind == "rel_unit":
        step = {"last": -1, "this": 0, "next": 1}[(g["rel"] or "").lower()]
        unit = (g["unit"] or "").lower()
        if unit == "year":
            y = base.year + step
            return DateValue(date(y, 1, 1), date(y, 12, 31), "year"), True
        if unit == "month":
            m0 = base.month - 1 + step
            y, m = base.year + m0 // 12, m0 % 12 + 1
            return DateValue(*_month_range(y, m), "month"), True
        return _week(base, step), True
    return None


def _week(base: date, step: int) -> DateValue:
    """The week (Monday to Sunday) ``step`` weeks from the one holding ``base``: "last week" is all
    of it, not a day of it."""
    monday = base - timedelta(days=base.weekday()) + timedelta(weeks=step)
    return DateValue(monday, monday + timedelta(days=6), "day")


def _resolve_edge(
    g: dict[str, str | None], month: int | None, year: int | None, base: date | None, future: bool | None
) -> tuple[DateValue, bool] | None:
    """ "the end of June", "the beginning of the month": the third of the period it names."""
    relative = month is None
    if month is None:
        if base is None:
            return None
        if (g.get("unit") or "").lower() == "year":
            first, last = date(base.year, 1, 1), date(base.year, 12, 31)
        else:
            first, last = _month_range(base.year, base.month)
    else:
        if year is None:
            if base is None:
                return None
            year = _pick_year(month, 0, base, future)
        first, last = _month_range(year, month)
    edge = (g.get("edge") or "").lower()
    whole_year = first.month != last.month
    # A year's thirds are its four-month runs, a month's its ten-day runs ("21-30 June"): a reader's
    # thirds, which no day count gives (a 366-day year's last third began on 31 August).
    if whole_year:
        cuts = (date(first.year, 5, 1), date(first.year, 9, 1))
    else:
        cuts = (first.replace(day=11), first.replace(day=21))
    if edge == "end":
        first = cuts[1]
    elif edge == "middle":
        first, last = cuts[0], cuts[1] - timedelta(days=1)
    else:
        last = cuts[0] - timedelta(days=1)
    return DateValue(first, last, "month" if whole_year else "day"), relative


def _lowered(text: str) -> str:
    """``text`` in lower case, each character still at its offset."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # "İ" lowers to two characters


def find_dates(text: str, base: date | None, *, story_date: date | None = None, future: bool | None = None,
               unresolved: list[tuple[int, int]] | None = None,
               tense: Callable[[int, int], bool | None] | None = None) -> list[DateMention]:
    """Date expressions in ``text`` resolved against the publication day ``base``.

    ``story_date`` (the latest publication day of the story) places a yearless
    "5 August" when the article's own date is unknown; relative words
    ("Monday") then stay unresolved, and their spans are added to ``unresolved``
    when a list is given. ``tense`` says whether the verb a date's span times lies
    ahead of ``base`` (True), behind it (False) or neither is known (None); where
    it does not say, ``future`` does for the whole text (by default, whether
    the text has a word of the future).
    """
    low = _lowered(text)
    if future is None:
        future = True if FUTURE.search(low) else None
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(low):
            # Some patterns need a preposition to tell "May" the month from "may" the verb.
            s, e = m.span("x") if "x" in pattern.groupindex else m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            # A span stays claimed even when it cannot be resolved: without a
            # publication day "August of last year" is unknown, not "August".
            taken.append((s, e))
            ahead = tense(s, e) if tense else None
            resolved = _resolve(kind, m.groupdict(), base, story_date, future if ahead is None else ahead)
            if resolved is None:
                if unresolved is not None:
                    unresolved.append((s, e))
                continue
            out.append(DateMention(s, e, text[s:e], resolved[0], resolved[1]))
    out.sort(key=lambda d: d.start)
    return out


# ---------------------------------------------------------------- quantities

_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
# (factor to the base unit, unit key)
_UNITS = {
    "percent": (1, "percent"), "per cent": (1, "percent"), "%": (1, "percent"),
    "km": (1000, "m"), "kilometres": (1000, "m"), "kilometers": (1000, "m"), "kilometre": (1000, "m"), "kilometer": (1000, "m"),
    "metres": (1, "m"), "meters": (1, "m"), "metre": (1, "m"), "meter": (1, "m"),
    "cm": (0.01, "m"), "centimetres": (0.01, "m"), "centimeters": (0.01, "m"),
    "miles": (1609.344, "m"), "mile": (1609.344, "m"),
    "kg": (1, "kg"), "kilograms": (1, "kg"), "kilos": (1, "kg"), "tonnes": (1000, "kg"), "tons": (1000, "kg"), "tonne": (1000, "kg"),
    "dollars": (1, "USD"), "euros": (1, "EUR"), "pounds": (1, "GBP"),
}
_CURRENCY = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP"}
_APPROX = {"about", "around", "roughly", "approximately", "some", "almost", "nearly", "close to", "an estimated", "estimated", "up to", "as many as"}
_QUAL = (
    r"(?P<q>more than|over|at least|upwards of|in excess of|nearly|almost|about|around|roughly|approximately|some|"
    r"close to|an estimated|estimated|up to|as many as|fewer than|less than|under|no more than)\s+"
)
_NUM = r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_QUANTITY = re.compile(
    rf"(?<![\w.,:/-])(?:{_QUAL})?(?P<cur>US\$|\$|€|£)?{_NUM}(?P<plus>\+)?"
    rf"(?:\s*(?:-|to|and)\s*(?P<n2>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?))?"
    rf"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kmb])\b)?"
    rf"(?:\s*(?P<unit>per cent|percent|%|km|kilomet(?:re|er)s?|met(?:re|er)s?|cm|centimet(?:re|er)s|miles?|kg|kilograms|kilos|tonnes?|tons|dollars|euros|pounds)\b)?"
    rf"(?![\w:/])",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float  # the nominal figure, in the base unit
    low: float
    high: float
    unit: str  # "", "percent", "m", "kg", "USD", ...

    def agrees(self, other: "Quantity") -> bool:
        return self.unit == other.unit and self.low <= other.high and other.low <= self.high

    def normal(self) -> str:
        v = self.value
        s = f"{int(v)}" if float(v).is_integer() else f"{v:g}"
        return f"{s} {self.unit}".strip()


def _rounding(value: float) -> float:
    """Half the unit of the last significant digit: a bare 12,000 stands for 11,500-12,500."""
    if value <= 0 or not float(value).is_integer():
        return 0.0
    n = int(value)
    unit = 1
    while n % 10 == 0 and n >= 10:
        n //= 10
        unit *= 10
    return unit / 2 if unit >= 100 else 0.0


def find_quantities(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Quantity]:
    """Figures in ``text`` (dates, times, years and ordinals excluded via ``skip``)."""
    out: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        s, e = m.span()
        if any(s < te and ts < e for ts, te in skip):
            continue
        raw = m.group("n").replace(",", "")
        value = float(raw)
        scale_word = (m.group("scale") or "").lower()
        # "5 m" is five metres, not five million, unless money is involved.
        if scale_word == "m" and not m.group("cur"):
            scale_word = ""
        scale = _SCALE.get(scale_word, 1.0)
        unit_key = (m.group("unit") or "").lower()
        factor, unit = _UNITS.get(unit_key, (1, ""))
        if m.group("cur"):
            unit = _CURRENCY[m.group("cur").lower()]
        # A lone small integer ("two officials", "G7") is not a figure worth comparing.
        if not (scale_word or unit or m.group("q") or m.group("plus") or value >= 10 or "." in raw):
            continue
        if re.fullmatch(r"1[89]\d\d|20\d\d", raw) and not (unit or scale_word or m.group("q")):
            continue  # a year: handled as a date
        mult = scale * factor
        nominal = value * mult
        tol = _rounding(value) * mult if scale_word else _rounding(nominal)
        low, high = nominal - tol, nominal + tol
        if m.group("n2"):
            high = float(m.group("n2").replace(",", "")) * mult
        q = (m.group("q") or "").lower()
        if q in ("more than", "over", "at least", "upwards of", "in excess of") or m.group("plus"):
            low, high = nominal, max(high, nominal * 1.3)
        elif q in ("fewer than", "less than", "under", "no more than", "up to", "as many as"):
            low, high = nominal * 0.7, nominal
        elif q in ("nearly", "almost", "close to"):
            low, high = min(low, nominal * 0.9), nominal
        elif q in _APPROX:
            low, high = min(low, nominal * 0.9), max(high, nominal * 1.1)
        out.append(Quantity(s, e, m.group(0), nominal, low, high, unit))
    return out
