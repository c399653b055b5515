"""Coverage over time: periods, empty periods, time zones and undated reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from storyline.coverage import CoverageBucket, story_coverage

IST = timezone(timedelta(hours=5, minutes=30))


def at(y: int, m: int, d: int, hour: int = 12, tz: timezone = UTC) -> datetime:
    return datetime(y, m, d, hour, tzinfo=tz)


def test_days_keep_their_silences_and_count_outlets_once() -> None:
    cov = story_coverage(
        [
            (at(2026, 3, 2), "Harbor Wire"),
            (at(2026, 3, 2, 18), "Harbor Wire"),
            (at(2026, 3, 2, 20), "Coast Daily"),
            (at(2026, 3, 5), None),
        ]
    )
    assert cov.period == "day"
    assert cov.buckets == (
        CoverageBucket(date(2026, 3, 2), 3, 2),
        CoverageBucket(date(2026, 3, 3), 0, 0),
        CoverageBucket(date(2026, 3, 4), 0, 0),
        CoverageBucket(date(2026, 3, 5), 1, 0),
    )
    assert cov.peak == 3 and cov.undated == 0


def test_days_are_utc_days() -> None:
    # 00:30 in India on 5 February is 19:00 UTC on 4 February.
    cov = story_coverage([(datetime(2026, 2, 5, 0, 30, tzinfo=IST), "Devdiscourse"), (at(2026, 2, 5), "AP")])
    assert [(b.start, b.articles) for b in cov.buckets] == [(date(2026, 2, 4), 1), (date(2026, 2, 5), 1)]


def test_a_longer_story_is_counted_per_week_from_monday() -> None:
    cov = story_coverage([(at(2026, 1, 1), "A"), (at(2026, 3, 1), "B"), (at(2026, 3, 2), "C")])
    assert cov.period == "week"
    assert cov.buckets[0].start == date(2025, 12, 29)  # the Monday of 1 January 2026's week
    assert cov.buckets[-2:] == (
        CoverageBucket(date(2026, 2, 23), 1, 1),
        CoverageBucket(date(2026, 3, 2), 1, 1),
    )
    assert len(cov.buckets) == 10 and sum(b.articles for b in cov.buckets) == 3


def test_a_story_followed_for_years_is_counted_per_month_across_new_year() -> None:
    cov = story_coverage([(at(2024, 11, 30), "A"), (at(2025, 1, 15), "A"), (at(2026, 2, 1), "B")])
    assert cov.period == "month"
    assert [b.start for b in cov.buckets[:3]] == [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1)]
    assert cov.buckets[-1] == CoverageBucket(date(2026, 2, 1), 1, 1)
    assert len(cov.buckets) == 16


def test_undated_reports_are_counted_apart() -> None:
    cov = story_coverage([(None, "A"), (None, None), (at(2026, 3, 2), "B")])
    assert cov.undated == 2 and [b.articles for b in cov.buckets] == [1]
    nothing_dated = story_coverage([(None, "A")])
    assert nothing_dated.buckets == () and nothing_dated.undated == 1 and nothing_dated.peak == 0


def test_max_periods_chooses_the_finest_period_that_fits() -> None:
    reports = [(at(2026, 3, 1), "A"), (at(2026, 3, 10), "A")]
    assert story_coverage(reports).period == "day"
    assert story_coverage(reports, max_periods=5).period == "week"
    assert story_coverage(reports, max_periods=1).period == "month"
