"""When a sentence places a happening: the finest resolved date among its time expressions, and an
order of such dates in time. Shared by what dates events (``storyline.timeline``) and what dates
claims (``storyline.claims``), which may not import each other.

A date is never finer than its evidence: the date is a time expression's own TIMEX3 value with its
granularity ('2020' stays a year), and a duration, a recurrence or 'now' places nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from storyline.models import Granularity, TimeExpression, TimexType

# Granularities that place a happening in time, finest first (a 'weekend' is two days).
PLACING = (
    Granularity.MINUTE,
    Granularity.HOUR,
    Granularity.PART_OF_DAY,
    Granularity.DAY,
    Granularity.WEEKEND,
    Granularity.WEEK,
    Granularity.MONTH,
    Granularity.SEASON,
    Granularity.QUARTER,
    Granularity.HALF,
    Granularity.YEAR,
)
_FINENESS = {granularity: rank for rank, granularity in enumerate(PLACING)}
# The month a part of a year starts in (the northern seasons: the corpus's outlets are mostly there).
_PART_START = {"Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10, "H1": 1, "H2": 7, "SP": 3, "SU": 6, "FA": 9, "WI": 12}
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")
_PART = re.compile(r"^(\d{4})-(Q[1-4]|H[12]|SP|SU|FA|WI)\b")


def placing_expression(expressions: Iterable[TimeExpression]) -> TimeExpression | None:
    """The finest resolved date among ``expressions`` (the first, on a tie), or None."""
    best: TimeExpression | None = None
    for e in expressions:
        if (
            e.value is None
            or e.type not in (TimexType.DATE, TimexType.TIME)
            or e.granularity not in _FINENESS
            or not e.value[:4].isdigit()
        ):
            continue
        if best is None or _FINENESS[e.granularity] < _FINENESS[best.granularity]:
            best = e
    return best


def in_time(value: str) -> str:
    """A date value as a key that sorts in time: a period by the day it starts ('2026-W05' by its
    Monday, '2025-Q3' by July), and a period before the days inside it ('2021' before '2021-01-01',
    '2025-08' before '2025-08-01')."""
    week = _WEEK.match(value)
    if week is not None:
        monday = date.fromisocalendar(int(week[1]), int(week[2]), 1)
        return monday.isoformat() + value[8:]
    part = _PART.match(value)
    if part is not None:
        return f"{part[1]}-{_PART_START[part[2]]:02d}{value[len(part[0]) :]}"
    return value
