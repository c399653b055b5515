"""Time as storyline sees it: one injected clock, and one rule for times whose zone is unknown.

Every stage that needs "now" (bounding implausible publication dates, stamping runs and stories)
takes it from the ``Clock`` the ``Tracker`` was given, so a test or a replay of an old crawl can
fix it; nothing below the facade reads the system clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]
"""Returns the current instant, timezone-aware."""


def system_clock() -> datetime:
    """The machine's clock as an aware UTC instant: the default ``Clock``."""
    return datetime.now(UTC)


def as_utc(value: datetime | date) -> datetime:
    """``value`` as an aware UTC instant (a day without a time: its start, UTC).

    A report may give a wall time with no zone ('2026-03-02 08:15'). Its zone is unknown, so it is
    read as UTC: off by at most fourteen hours, which only ever moves it within a day or two of its
    place in a timeline. Every comparison, ordering and day bucket goes through here, so the rule
    is made once; the stored value keeps the report's own (naive) form.
    """
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
