"""'What is new since T', for the store and for one story, through the Tracker on both backends: new
articles and stories, merges and splits, time expressions, newly named entities, timeline entries
and editors' corrections. A fake clock stamps each batch, so 'since' falls between them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from storyline.store.records import CorrectionAction
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.curation import MERGE_EAGERLY, quake_record
from .support.feed_server import FakeClock

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def tracker_at(location: str, clock: FakeClock, **options: Any) -> Tracker:
    return Tracker(location, embedder=HashingEmbedder(), story_params=MERGE_EAGERLY, clock=clock, **options)


def test_changes_since_a_time_in_the_store_and_in_a_story(location: str) -> None:
    clock = FakeClock(T0)
    with tracker_at(location, clock) as tracker:
        tracker.add([quake_record("a1", 2), quake_record("a2", 3)])
        clock.sleep(3600)
        t1 = clock.now
        tracker.add([quake_record("b1", 9), quake_record("a3", 4)])
        b1, a3 = tracker.article("b1"), tracker.article("a3")
        assert b1 is not None and a3 is not None and a3.stored.story_id == 1
        clock.sleep(60)
        everything = tracker.changes(t1)
        assert everything is not None and everything.until == clock.now
        assert [a.external_id for a in everything.articles] == ["b1", "a3"]
        assert [s.id for s in everything.stories] == [b1.stored.story_id]
        assert {e.article_id for e in everything.time_expressions} == {b1.id, a3.id}
        assert (everything.merges, everything.splits, everything.corrections) == ([], [], [])
        # The other earthquake's people and places are new to the store; Ridgeford is not.
        named = {e.entity.name for e in everything.entities}
        assert "Port Ambry" in named and "Ridgeford" not in named
        # The new reports' lead sentences are timeline entries of the stories they went into.
        told = {(story_id, a) for story_id, entry in everything.timeline_entries for a in entry.articles}
        assert (1, a3.id) in told and (b1.stored.story_id, b1.id) in told
        assert all(story_id in (1, b1.stored.story_id) for story_id, _ in everything.timeline_entries)
        story = tracker.changes(t1, story=1)
        assert story is not None and story.story_id == 1
        assert [a.external_id for a in story.articles] == ["a3"] and story.stories == []
        assert {e.article_id for e in story.time_expressions} == {a3.id}
        assert "Port Ambry" not in {e.entity.name for e in story.entities}
        quiet = tracker.changes(clock.now)
        assert quiet is not None and quiet.empty


def test_changes_carry_merges_splits_and_corrections(location: str) -> None:
    clock = FakeClock(T0)
    with tracker_at(location, clock, extract_entities=False) as tracker:
        tracker.add([quake_record("a1", 2), quake_record("a2", 3), quake_record("b1", 9)])
        clock.sleep(3600)
        t1 = clock.now
        tracker.merge_stories(1, 2, by="alice", why="one desk")
        moved = tracker.move_articles(1, ["b1"], by="bob", why="another country")
        through_absorbed = tracker.changes(t1, story=2)
        assert through_absorbed is not None
        assert (through_absorbed.story_id, through_absorbed.requested_id) == (1, 2)
        assert [(m.absorbed, m.into) for m in through_absorbed.merges] == [(2, 1)]
        assert [(s.story_id, s.new_story_id) for s in through_absorbed.splits] == [(1, moved.story.id)]
        assert [c.action for c in through_absorbed.corrections] == [
            CorrectionAction.MERGE,
            CorrectionAction.MOVE,
        ]
        assert through_absorbed.articles == []  # nothing stored since: the story changed all the same
        new_story = tracker.changes(t1, story=moved.story.id)
        assert new_story is not None and [c.action for c in new_story.corrections] == [CorrectionAction.MOVE]
        assert tracker.changes(t1, story=99) is None
        before = tracker.changes(t1 - timedelta(hours=2))
        assert before is not None and len(before.articles) == 3 and len(before.stories) == 2
