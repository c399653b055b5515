"""Coverage over time: how many reports (and from how many outlets) a story drew, period by period.

An editor following a story wants its shape at a glance: the burst when it broke, the quiet weeks,
the revival when something new happened. The periods are calendar days, ISO weeks or months, the
finest that keeps the chart to at most ``max_periods`` rows, and empty periods are kept so that
silences show. Days are UTC days, so reports from different time zones share one axis. Reports
without a known publication time are counted apart rather than placed at their ingest time, which
says when we read them, not when the story moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from storyline.clock import as_utc

Period = Literal["day", "week", "month"]


@dataclass(frozen=True, slots=True)
class CoverageBucket:
    """The reports of one period: ``start`` is its first day (a Monday for weeks, the 1st for months)."""

    start: date
    articles: int
    outlets: int


@dataclass(frozen=True, slots=True)
class Coverage:
    period: Period
    buckets: tuple[CoverageBucket, ...]
    undated: int  # reports with no known publication time

    @property
    def peak(self) -> int:
        return max((b.articles for b in self.buckets), default=0)


def _period_start(day: date, period: Period) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_start(start: date, period: Period) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(weeks=1)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _periods_between(first: date, last: date, period: Period) -> int:
    if period == "day":
        return (last - first).days + 1
    if period == "week":
        return (_period_start(last, "week") - _period_start(first, "week")).days // 7 + 1
    return (last.year - first.year) * 12 + last.month - first.month + 1


def story_coverage(
    reports: Iterable[tuple[datetime | date | None, str | None]], max_periods: int = 40
) -> Coverage:
    """Coverage of a story from its reports' ``(published, outlet)`` pairs.

    Months are the coarsest period: a story followed for years gets one row per month beyond
    ``max_periods``, since merging months would hide exactly the revivals the chart is for.
    """
    dated: list[tuple[date, str | None]] = []
    undated = 0
    for published, outlet in reports:
        if published is None:
            undated += 1
        else:
            dated.append((as_utc(published).date(), outlet))
    if not dated:
        return Coverage("day", (), undated)
    first = min(day for day, _ in dated)
    last = max(day for day, _ in dated)
    period: Period = next(
        (p for p in ("day", "week") if _periods_between(first, last, p) <= max_periods), "month"
    )
    counts: dict[date, int] = {}
    outlets: dict[date, set[str]] = {}
    for day, outlet in dated:
        start = _period_start(day, period)
        counts[start] = counts.get(start, 0) + 1
        if outlet:
            outlets.setdefault(start, set()).add(outlet)
    buckets = []
    start = _period_start(first, period)
    while start <= last:
        buckets.append(CoverageBucket(start, counts.get(start, 0), len(outlets.get(start, ()))))
        start = _next_start(start, period)
    return Coverage(period, tuple(buckets), undated)
