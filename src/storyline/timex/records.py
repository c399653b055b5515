"""What the time-expression stage finds and what it makes of it.

A ``Mention`` is a span of an article's text that names a time, with what the recogniser read in
it (a ``Reading``: language-free, so that one resolver serves every language). Resolving it against
the report's published time gives a ``TimeExpression`` (in ``storyline.models``: the store keeps
it): the span with a TIMEX3 value (TimeML's format, the one the evaluation data and other tools
use), its type, granularity, the anchor it was computed from and the rules that fired, or no value
and the reason why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Tense(StrEnum):
    """Which way a sentence looks from the report's time: it decides whether 'Tuesday' or 'Feb. 3'
    is the last one or the next one."""

    PAST = "past"
    FUTURE = "future"
    UNKNOWN = "unknown"


# -- readings: what the recogniser read in a span, before any anchor -------------------------------


@dataclass(frozen=True, slots=True)
class Absolute:
    """A value the text states whole: '2020', 'August 1988', 'the 1980s', 'fiscal 1989'."""

    value: str
    mod: str | None = None
    time: str | None = None  # a time of day given with the date: 'T17:00', 'TNI'


@dataclass(frozen=True, slots=True)
class MonthDay:
    """A month (and day) without a year: 'Sept. 30', 'in August'; the year comes from the anchor.
    ``year_shift`` pins it to the anchor's year plus that many ('August of this year': 0);
    otherwise ``shift`` -1 is the last one before the anchor's month ('last April'), +1 the next one
    after it, and 0 the one the sentence's tense points at (the nearest, without a tense)."""

    month: int
    day: int | None = None
    mod: str | None = None
    time: str | None = None
    year_shift: int | None = None
    shift: int = 0


@dataclass(frozen=True, slots=True)
class Weekday:
    """'on Tuesday', 'last Friday', 'Saturday night'; 0 is Monday. ``shift`` -1 is 'last', +1
    'next', 0 the one the tense points at (on or before the anchor in a past sentence)."""

    weekday: int
    shift: int = 0
    mod: str | None = None
    time: str | None = None


@dataclass(frozen=True, slots=True)
class Offset:
    """A calendar unit counted from the anchor: 'yesterday' (day, -1), 'this month' (month, 0),
    'two weeks ago' (week, -2), 'this morning' (day, 0, time TMO)."""

    unit: str  # one of the UNITS keys: 'day', 'week', 'weekend', 'month', 'quarter', 'year', …
    amount: int
    mod: str | None = None
    time: str | None = None


@dataclass(frozen=True, slots=True)
class NamedPeriod:
    """A quarter, half or season of a year: 'the third quarter', 'this summer', 'the 1988 second
    quarter'. ``year`` when given; else ``year_shift`` from the anchor's year; else the last one
    begun by the anchor (in a past sentence) or the anchor year's (otherwise)."""

    kind: str  # 'Q', 'H' or a season code: 'SP', 'SU', 'FA', 'WI'
    index: int  # 1-4 for a quarter, 1-2 for a half, 0 for a season
    year: int | None = None
    year_shift: int | None = None
    mod: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """The present, past or future, undated: 'now', 'recently', 'the future'."""

    value: str  # PRESENT_REF, PAST_REF or FUTURE_REF


@dataclass(frozen=True, slots=True)
class Anaphor:
    """A time told from another time the text mentioned before, not from the report's own:

    - ``source`` 'period': the quarter or half last mentioned ('the quarter', 'the latest period';
      'a year earlier' and 'the year-ago quarter' with ``years`` -1; 'the 1988 period' with
      ``year`` 1988 in its place);
    - ``source`` 'year': the year of the date last mentioned ('that year'; 'the following year'
      with ``years`` +1).

    With no such earlier mention it means ``fallback``, counted from the report's time."""

    source: str
    fallback: Offset | Absolute | NamedPeriod
    years: int = 0
    year: int | None = None
    mod: str | None = None


@dataclass(frozen=True, slots=True)
class Duration:
    """A length of time: 'five months' (P5M), '23 hours' (PT23H), 'several years' (PXY)."""

    value: str
    mod: str | None = None


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A set: 'every Monday' (XXXX-WXX-1), 'daily' (P1D), 'each July' (XXXX-07)."""

    value: str


Reading = Absolute | MonthDay | Weekday | Offset | NamedPeriod | Reference | Anaphor | Duration | Recurrence


@dataclass(frozen=True, slots=True)
class NotATime:
    """Words that look like a time and are not one: '$2 million a year' is a rate, 'a quarter of
    the market' a share. Matched like a time, they keep the other rules off their words, and are
    dropped."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A span that names a time, as found: ``start``/``end`` index the article's stored text,
    ``sentence`` is the index of the sentence it lies in, ``rule`` the recognition rule that matched,
    ``tense`` the sentence's, around the span."""

    sentence: int
    start: int
    end: int
    text: str
    rule: str
    reading: Reading
    tense: Tense = Tense.UNKNOWN
