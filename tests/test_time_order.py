"""Batch ordering for story assignment: by published time where known, arrival order otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.stories import StoryInput
from storyline.stories.stage import in_time_order


def _report(article_id: int, when: datetime | None) -> StoryInput:
    return StoryInput(article_id, f"Report {article_id}", f"Report {article_id} text.", when)


def test_dated_articles_sort_and_undated_ones_follow_their_predecessor() -> None:
    march = [datetime(2026, 3, day, tzinfo=UTC) for day in (1, 2, 3)]
    batch = [_report(1, march[2]), _report(2, None), _report(3, march[0]), _report(4, march[1])]
    assert [item.article_id for item in in_time_order(batch, lambda item: item.published)] == [3, 4, 1, 2]


def test_naive_and_aware_times_compare() -> None:
    batch = [_report(1, datetime(2026, 3, 2, 12, 0)), _report(2, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))]
    assert [item.article_id for item in in_time_order(batch, lambda item: item.published)] == [2, 1]
