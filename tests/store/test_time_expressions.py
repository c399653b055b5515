"""The time-expression repository on both backends: per article, per story through its articles,
and which articles were tagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storyline.models import Granularity, TimeExpression, TimexType
from storyline.store import Store
from storyline.store.records import StoryMergeRow

from .helpers import NOW, add_articles

TUESDAY = TimeExpression(
    sentence=1,
    start=40,
    end=47,
    text="Tuesday",
    type=TimexType.DATE,
    value="2026-02-03",
    granularity=Granularity.DAY,
    anchor="2026-02-05T06:25:00+05:30",
    rule="weekday: on or before the anchor",
)
FIVE_MONTHS = TimeExpression(
    sentence=0,
    start=10,
    end=31,
    text="more than five months",
    type=TimexType.DURATION,
    value="P5M",
    granularity=Granularity.MONTH,
    anchor=None,
    rule="duration: as stated",
    mod="MORE_THAN",
)
UNRESOLVED = TimeExpression(
    sentence=2,
    start=60,
    end=67,
    text="Tuesday",
    type=TimexType.DATE,
    value=None,
    granularity=Granularity.UNKNOWN,
    anchor=None,
    rule="weekday: unresolved",
    reason="no published time to count from",
)


def test_an_articles_expressions_come_back_whole_in_reading_order(store: Store) -> None:
    first, second = add_articles(store, 2)
    with store.write():
        store.time_expressions.record([(first, [FIVE_MONTHS, TUESDAY]), (second, [UNRESOLVED])], NOW)
    stored = store.time_expressions.for_article(first)
    assert [s.expression for s in stored] == [FIVE_MONTHS, TUESDAY]
    assert {s.article_id for s in stored} == {first}
    (unresolved,) = store.time_expressions.for_article(second)
    assert unresolved.expression == UNRESOLVED and not unresolved.expression.resolved


def test_tagging_again_replaces_and_an_article_with_none_is_tagged(store: Store) -> None:
    first, second, third = add_articles(store, 3)
    assert store.time_expressions.untagged_article_ids() == [first, second, third]
    with store.write():
        store.time_expressions.record([(first, [FIVE_MONTHS, TUESDAY]), (second, [])], NOW)
    assert store.time_expressions.untagged_article_ids() == [third]
    assert store.time_expressions.tagged([first, second, third, 999]) == {first, second}
    with store.write():
        store.time_expressions.record([(first, [UNRESOLVED])], NOW + timedelta(hours=1))
    assert [s.expression for s in store.time_expressions.for_article(first)] == [UNRESOLVED]
    assert store.time_expressions.for_article(second) == []


def test_a_stories_expressions_follow_its_articles_through_a_merge(store: Store) -> None:
    # Article n is published n hours after the first: the story lists them in that order.
    first, second, third = add_articles(store, 3, hours_apart=1)
    with store.write():
        store.stories.assign([(third, 1, 1.0), (first, 1, 1.0), (second, 2, 1.0)])
        store.time_expressions.record(
            [(third, [TUESDAY]), (first, [FIVE_MONTHS]), (second, [UNRESOLVED])], NOW
        )
    assert [(s.article_id, s.expression) for s in store.time_expressions.for_story(1)] == [
        (first, FIVE_MONTHS),
        (third, TUESDAY),
    ]
    with store.write():
        store.stories.record_merge(StoryMergeRow(2, 1, datetime(2026, 3, 3, tzinfo=UTC), 0.9, "test"))
    assert [s.article_id for s in store.time_expressions.for_story(1)] == [first, second, third]
    assert store.time_expressions.for_story(2) == []


def test_a_rolled_back_tagging_leaves_the_article_untagged(store: Store) -> None:
    (article,) = add_articles(store, 1)
    try:
        with store.write():
            store.time_expressions.record([(article, [TUESDAY])], NOW)
            raise RuntimeError("the batch fails after tagging")
    except RuntimeError:
        pass
    assert store.time_expressions.for_article(article) == []
    assert store.time_expressions.untagged_article_ids() == [article]
