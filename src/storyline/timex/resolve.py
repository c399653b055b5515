"""Resolving a mention against the report's own published time: 'on Tuesday' → 2026-02-03.

The anchor is the published time *in the report's own zone*: a report published at 06:25 +05:30 on
5 February is dated 5 February, though it is still the 4th in UTC. A time with no zone is the
report's own wall time already. With no published time at all, nothing relative is resolved: the
expression is kept with no value and the reason, since a date is never finer than its evidence and
never invented. Values the text states whole ('2020', 'August 2025'), durations ('P5M') and sets
need no anchor.

An anaphor ('a year earlier', 'the quarter') is told from the period the text mentioned last, not
from the report's time: ``Discourse`` carries that along an article's mentions, in reading order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from storyline.models import Granularity, TimeExpression, TimexType
from storyline.timex.records import (
    Absolute,
    Anaphor,
    Duration,
    Mention,
    MonthDay,
    NamedPeriod,
    Offset,
    Reading,
    Recurrence,
    Reference,
    Tense,
    Weekday,
)

_SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# Mods that narrow a value to part of it, or open it towards one side: the value is a range.
_RANGE_MODS = {"START", "MID", "END", "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER"}
_PERIOD = re.compile(r"^\d{4}-[QH]\d$")
NO_ANCHOR = "no published time to count from"
AS_STATED = "as stated"  # the rule of a value that needs no anchor: '2020', 'P5M', 'PRESENT_REF'


@dataclass
class Discourse:
    """What an article has mentioned so far, for the anaphors that follow: the last quarter or
    half (``period``) and the last dated value (``date``)."""

    period: str | None = None
    date: str | None = None

    def note(self, reading: Reading, expression: TimeExpression) -> None:
        """Remember a resolved date. An anaphor that moved to another year is not what the text
        goes on talking about ('… a year earlier. Sales in the quarter …' is this year's). A
        stretch of months or years ends the talk of a quarter: 'in the first nine months, … a year
        earlier' compares years."""
        value = expression.value
        if value is None or (isinstance(reading, Anaphor) and (reading.years or reading.year)):
            return
        if expression.type is TimexType.DURATION and expression.granularity in (
            Granularity.MONTH,
            Granularity.YEAR,
        ):
            self.period = None
        if expression.type not in (TimexType.DATE, TimexType.TIME) or not value[:4].isdigit():
            return
        self.date = value
        if _PERIOD.match(value):
            self.period = value


def resolve_time_expression(
    mention: Mention, published: datetime | date | None, discourse: Discourse | None = None
) -> TimeExpression:
    """``mention`` with its TIMEX3 value, counted from ``published`` (the report's published
    time in its own zone, or its day when only that was given) or, for an anaphor, from the period
    ``discourse`` last noted; ``rule`` names the recognition rule and the resolution rule that
    fired."""
    found = _resolve(mention, mention.reading, published, discourse or Discourse())
    return replace(found, rule=f"{mention.rule}: {found.rule}")


def _resolve(
    mention: Mention, reading: Reading, published: datetime | date | None, discourse: Discourse
) -> TimeExpression:
    if isinstance(reading, Absolute):
        return _dated(mention, reading.value + (reading.time or ""), None, AS_STATED, reading.mod)
    if isinstance(reading, Reference):
        return _expression(mention, TimexType.DATE, reading.value, Granularity.REFERENCE, None, AS_STATED)
    if isinstance(reading, Duration):
        granularity = _unit_granularity(reading.value)
        return _expression(
            mention, TimexType.DURATION, reading.value, granularity, None, AS_STATED, reading.mod
        )
    if isinstance(reading, Recurrence):
        granularity = _unit_granularity(reading.value)
        return _expression(mention, TimexType.SET, reading.value, granularity, None, AS_STATED)
    if isinstance(reading, Anaphor):
        resolved = _anaphor(mention, reading, discourse)
        if resolved is not None:
            return resolved
        fallback = _resolve(mention, reading.fallback, published, discourse)
        return replace(fallback, rule=f"no earlier {reading.source}: {fallback.rule}")
    if published is None:
        time = getattr(reading, "time", None)
        kind = TimexType.TIME if time else TimexType.DATE
        return _expression(
            mention, kind, None, Granularity.UNKNOWN, None, "unresolved", reading.mod, NO_ANCHOR
        )
    anchor = published.isoformat()
    # A report may give only its day (a date, no time): every rule below counts in days.
    day = published.date() if isinstance(published, datetime) else published
    tense = mention.tense
    if isinstance(reading, MonthDay):
        year, how = _month_day_year(reading, tense, day)
        value = f"{year:04d}-{reading.month:02d}" + (f"-{reading.day:02d}" if reading.day else "")
        return _dated(mention, value + (reading.time or ""), anchor, how, reading.mod)
    if isinstance(reading, Weekday):
        found, how = _weekday(reading, tense, day)
        return _dated(mention, found.isoformat() + (reading.time or ""), anchor, how, reading.mod)
    if isinstance(reading, Offset):
        value = _offset(reading, day, tense) + (reading.time or "")
        return _dated(mention, value, anchor, f"{reading.unit} {reading.amount:+d}", reading.mod)
    value, how = _named_period(reading, tense, day)
    return _dated(mention, value, anchor, how, reading.mod)


def _expression(
    mention: Mention,
    kind: TimexType,
    value: str | None,
    granularity: Granularity,
    anchor: str | None,
    rule: str,
    mod: str | None = None,
    reason: str | None = None,
) -> TimeExpression:
    return TimeExpression(
        mention.sentence,
        mention.start,
        mention.end,
        mention.text,
        kind,
        value,
        granularity,
        anchor,
        rule,
        mod,
        reason,
    )


def _dated(mention: Mention, value: str, anchor: str | None, rule: str, mod: str | None) -> TimeExpression:
    kind = TimexType.TIME if "T" in value else TimexType.DATE
    granularity = Granularity.RANGE if mod in _RANGE_MODS else date_granularity(value)
    return _expression(mention, kind, value, granularity, anchor, rule, mod)


# -- relative to the anchor -----------------------------------------------------------------------


def _month_day_year(reading: MonthDay, tense: Tense, day: date) -> tuple[int, str]:
    """The year a month (and day) without one falls in, and how it was chosen."""
    if reading.year_shift is not None:
        return day.year + reading.year_shift, f"year {reading.year_shift:+d}"
    this_year = (reading.month, reading.day or 0)
    today = (day.month, day.day if reading.day else 0)
    if reading.shift < 0:
        return (day.year if this_year < today else day.year - 1), "last before the anchor"
    if reading.shift > 0:
        return (day.year if this_year > today else day.year + 1), "next after the anchor"
    if tense is Tense.PAST or (tense is Tense.UNKNOWN and reading.day is None):
        # A month alone with no tense is a past one: news reports what happened 'in March'.
        return (day.year if this_year <= today else day.year - 1), "on or before the anchor"
    if tense is Tense.FUTURE:
        return (day.year if this_year >= today else day.year + 1), "on or after the anchor (future tense)"
    # A day with no tense: the nearest, counting in months ('Nov. 16' in late October is ahead).
    months = (reading.month - day.month) + ((reading.day or day.day) - day.day) / 31
    if months > 6:
        return day.year - 1, "nearest to the anchor"
    if months < -6:
        return day.year + 1, "nearest to the anchor"
    return day.year, "nearest to the anchor"


def _weekday(reading: Weekday, tense: Tense, day: date) -> tuple[date, str]:
    back = (day.weekday() - reading.weekday) % 7
    ahead = (reading.weekday - day.weekday()) % 7
    if reading.shift < 0:
        return day - timedelta(days=back or 7), "last before the anchor"
    if reading.shift > 0:
        return day + timedelta(days=ahead or 7), "next after the anchor"
    if tense is Tense.FUTURE:
        return day + timedelta(days=ahead), "on or after the anchor (future tense)"
    return day - timedelta(days=back), "on or before the anchor"


def _offset(reading: Offset, day: date, tense: Tense) -> str:
    n, unit = reading.amount, reading.unit
    if unit == "day":
        return (day + timedelta(days=n)).isoformat()
    if unit in ("week", "weekend"):
        # 'The weekend' seen from a weekday is the one before it ('over the weekend', on a
        # Monday), unless the sentence looks ahead ('ahead of the weekend').
        if unit == "weekend" and n == 0 and day.weekday() < 4 and tense is not Tense.FUTURE:
            n = -1
        year, week, _ = (day + timedelta(weeks=n)).isocalendar()
        return f"{year:04d}-W{week:02d}" + ("-WE" if unit == "weekend" else "")
    if unit == "month":
        months = day.year * 12 + day.month - 1 + n
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    if unit == "quarter":
        quarters = day.year * 4 + (day.month - 1) // 3 + n
        return f"{quarters // 4:04d}-Q{quarters % 4 + 1}"
    if unit == "decade":
        return f"{day.year // 10 + n:03d}"
    if unit == "century":
        return f"{day.year // 100 + n:02d}"
    return f"{day.year + n:04d}"


def _named_period(reading: NamedPeriod, tense: Tense, day: date) -> tuple[str, str]:
    """A quarter, half or season: of the year given, of the anchor's year shifted, or else the last
    one begun by the anchor (the next one in a future sentence)."""
    if reading.kind in _SEASON_START:
        code, begins = reading.kind, _SEASON_START[reading.kind]
    else:
        code, begins = (
            f"{reading.kind}{reading.index}",
            (reading.index - 1) * (3 if reading.kind == "Q" else 6) + 1,
        )
    if reading.year is not None:
        year, how = reading.year, "as stated"
    elif reading.year_shift is not None:
        year, how = day.year + reading.year_shift, f"year {reading.year_shift:+d}"
    elif begins <= day.month or tense is Tense.FUTURE:
        year, how = day.year, "the anchor's year"
    else:
        year, how = day.year - 1, "the last one begun by the anchor"
    return f"{year:04d}-{code}", how


# -- relative to what the text mentioned before ---------------------------------------------------


def _anaphor(mention: Mention, reading: Anaphor, discourse: Discourse) -> TimeExpression | None:
    base = discourse.period if reading.source == "period" else discourse.date
    if base is None:
        return None
    year = reading.year if reading.year is not None else int(base[:4]) + reading.years
    value = f"{year:04d}" if reading.source == "year" else f"{year:04d}{base[4:]}"
    how = "the period mentioned before" if reading.source == "period" else "the year mentioned before"
    if reading.years:
        how += f", year {reading.years:+d}"
    return _dated(mention, value, base, how, reading.mod)


# -- granularity of a value -----------------------------------------------------------------------

_DATE_GRANULARITY = (
    (re.compile(r"T\d\d:\d\d"), Granularity.MINUTE),
    (re.compile(r"T\d\d$"), Granularity.HOUR),
    (re.compile(r"T[A-Z]{2}$"), Granularity.PART_OF_DAY),
    (re.compile(r"^\d{4}-\d\d-\d\d$"), Granularity.DAY),
    (re.compile(r"-WE$"), Granularity.WEEKEND),
    (re.compile(r"-W\d\d$"), Granularity.WEEK),
    (re.compile(r"^\d{4}-\d\d$"), Granularity.MONTH),
    (re.compile(r"-Q\d$"), Granularity.QUARTER),
    (re.compile(r"-H\d$"), Granularity.HALF),
    (re.compile(r"-(?:SP|SU|FA|WI)$"), Granularity.SEASON),
    (re.compile(r"^\d{4}$"), Granularity.YEAR),
    (re.compile(r"^\d{3}$"), Granularity.DECADE),
    (re.compile(r"^\d{2}$"), Granularity.CENTURY),
)
_DURATION_UNIT = re.compile(r"^P(T?)[\dX.]+([A-Z])")
_UNIT_LETTERS = {
    "Y": Granularity.YEAR,
    "W": Granularity.WEEK,
    "D": Granularity.DAY,
    "Q": Granularity.QUARTER,
    "E": Granularity.DECADE,
    "C": Granularity.CENTURY,
    "L": Granularity.MILLENNIUM,
    "H": Granularity.HOUR,
    "S": Granularity.MINUTE,
}


def date_granularity(value: str) -> Granularity:
    """How fine a DATE or TIME value is: '2026-02-03' → day, '1989-Q3' → quarter."""
    for pattern, granularity in _DATE_GRANULARITY:
        if pattern.search(value):
            return granularity
    return Granularity.UNKNOWN


def _unit_granularity(value: str) -> Granularity:
    """The unit of a duration or set, its largest one: P5M → month, PT23H → hour, P2Y6M → year,
    XXXX-WXX-1 → day."""
    if "WXX" in value:  # a weekday of every week, perhaps at a part of the day
        return Granularity.PART_OF_DAY if "T" in value else Granularity.DAY
    if not value.startswith("P"):
        return date_granularity(value.replace("XXXX", "0000"))
    unit = _DURATION_UNIT.match(value)
    if unit is None:
        return Granularity.UNKNOWN
    if unit.group(2) == "M":
        return Granularity.MINUTE if unit.group(1) else Granularity.MONTH
    return _UNIT_LETTERS.get(unit.group(2), Granularity.UNKNOWN)
