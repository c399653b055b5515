"""Batch ordering for story assignment: by published time where known, arrival order otherwise."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from storyline.models import Article, Origin, PublishedTime
from storyline.tracker import _in_time_order

from .test_store import make_article


def _dated(external_id: str, when: datetime | None) -> Article:
    published = PublishedTime(when, Origin.SUPPLIED) if when else PublishedTime.unknown()
    return replace(make_article(f"Report {external_id} text.", external_id), published=published)


def test_dated_articles_sort_and_undated_ones_follow_their_predecessor() -> None:
    march = [datetime(2026, 3, day, tzinfo=UTC) for day in (1, 2, 3)]
    batch = [
        (1, _dated("c", march[2]), None),
        (2, _dated("u1", None), None),
        (3, _dated("a", march[0]), None),
        (4, _dated("b", march[1]), None),
    ]
    ordered = [article_id for article_id, _, _ in _in_time_order(batch)]
    assert ordered == [3, 4, 1, 2]


def test_naive_and_aware_times_compare() -> None:
    batch = [
        (1, _dated("late", datetime(2026, 3, 2, 12, 0)), None),
        (2, _dated("early", datetime(2026, 3, 2, 9, 0, tzinfo=UTC)), None),
    ]
    assert [i for i, _, _ in _in_time_order(batch)] == [2, 1]
