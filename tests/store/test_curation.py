"""The curation repository on both backends: the corrections log, the clusterer's constraints,
story names and mutes, and how names and mutes change what the story repository reads."""

from __future__ import annotations

from datetime import timedelta

from storyline.store import Store
from storyline.store.records import CorrectionAction

from .helpers import NOW, add_articles


def test_corrections_are_logged_and_read_per_story_and_since_a_time(store: Store) -> None:
    with store.write():
        store.curation.record(
            CorrectionAction.MERGE, NOW, "alice", "same flood", story_id=1, other_story_id=2
        )
        store.curation.record(
            CorrectionAction.MOVE,
            NOW + timedelta(hours=1),
            "bob",
            "",
            story_id=1,
            other_story_id=3,
            article_ids=[4, 5],
        )
        store.curation.record(
            CorrectionAction.MUTE, NOW + timedelta(hours=2), "carol", "spam", outlet="spam wire"
        )
    assert [c.action for c in store.curation.for_stories([2])] == [CorrectionAction.MERGE]
    moved = store.curation.for_stories([3])
    assert [(c.by, c.story_id, c.other_story_id, c.article_ids) for c in moved] == [("bob", 1, 3, (4, 5))]
    assert [c.outlet for c in store.curation.since(NOW + timedelta(minutes=30))] == [None, "spam wire"]
    assert store.curation.since(NOW)[0].at == NOW


def test_constraints_are_kept_once_each(store: Store) -> None:
    with store.write():
        for _ in range(2):
            store.curation.keep_apart(1, 3)
            store.curation.settle([1, 3])
    assert store.curation.kept_apart() == [(1, 3)]
    assert store.curation.settled() == [1, 3]


def test_a_name_wins_over_the_label_and_mutes_leave_articles_out_of_views_and_counts(store: Store) -> None:
    ids = add_articles(store, 3, hours_apart=1)
    with store.write():
        store.stories.assign([(i, 1, 1.0) for i in ids])
        store.stories.refresh(1, "machine label", ["term"], NOW)
        store.curation.name_story(1, "Editor's name")
        store.stories.refresh(1, "a later machine label", ["term"], NOW)
    story = store.stories.get(1)
    assert story is not None and (story.label, story.article_count) == ("Editor's name", 3)
    with store.write():
        assert store.curation.mute_article(ids[0], True)
        assert not store.curation.mute_article(ids[0], True)
        store.stories.recount([1], NOW)
    assert [a.id for a in store.stories.articles(1)] == ids[1:]
    recounted = store.stories.get(1)
    assert recounted is not None and recounted.article_count == 2
    assert recounted.first_seen == NOW.replace(day=2, hour=9, minute=0)
    with store.write():
        assert store.curation.mute_outlet("HARBOR wire", True)
        store.stories.recount(store.stories.with_outlet("Harbor Wire"), NOW)
    assert store.stories.articles(1) == [] and store.curation.muted_outlets() == ["harbor wire"]
    with store.write():
        assert store.curation.mute_outlet("Harbor Wire", False) and store.curation.mute_article(ids[0], False)
        store.stories.recount([1], NOW)
    again = store.stories.get(1)
    assert again is not None and again.article_count == 3 and store.curation.muted_articles() == []
