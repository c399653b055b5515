"""Editors correct the machine: merge stories, move articles out, rename a story, mute an article or
an outlet. Through the Tracker on both backends: each correction is logged and shown in the story's
lineage, later stages follow it, and later ingests (in this process or a new one) respect it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from storyline.models import StoriesMerged, StorySplitInTwo
from storyline.store.records import CorrectionAction
from storyline.stories import StoryClusterer, StoryConstraints, StoryInput
from storyline.stories.curation import StoryNotFound
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.curation import JOIN_WITHIN_SPLIT_APART, MERGE_EAGERLY, EventRecorder, quake_record
from .support.stories import article
from .support.texts import QUAKE_A, QUAKE_A_FOLLOW, QUAKE_A_THIRD


def tracker_at(location: str, **options: Any) -> Tracker:
    return Tracker(location, embedder=HashingEmbedder(), extract_entities=False, **options)


def stories_of(tracker: Tracker) -> dict[str, int]:
    return {row.article_id: row.story_id for row in tracker.export_assignments()}


def test_an_editors_merge_is_logged_followed_and_never_split_again(location: str) -> None:
    recorder = EventRecorder()
    with tracker_at(location, story_params=JOIN_WITHIN_SPLIT_APART, stages=[recorder]) as tracker:
        tracker.add(
            [quake_record("a1", 2), quake_record("a2", 3), quake_record("b1", 3), quake_record("b2", 5)]
        )
        assert stories_of(tracker) == {"a1": 1, "a2": 1, "b1": 2, "b2": 2}
        view = tracker.merge_stories(2, 1, by="alice", why="one disaster desk")
        assert view.story.id == 1 and view.story.article_count == 4
        assert [e for e in recorder.events if isinstance(e, StoriesMerged)][-1].absorbed == 2
        (merge,) = view.merges
        assert (merge.absorbed, merge.into, merge.reason) == (2, 1, "merged by alice: one disaster desk")
        (correction,) = view.corrections
        assert (correction.action, correction.by, correction.why) == (
            CorrectionAction.MERGE,
            "alice",
            "one disaster desk",
        )
        redirected = tracker.story(2)
        assert redirected is not None and redirected.redirected and redirected.story.id == 1
    # A new process: the machine would split the merged story in two here (see the clusterer
    # test below); the editor's merge holds.
    with tracker_at(location, story_params=JOIN_WITHIN_SPLIT_APART) as tracker:
        tracker.add([quake_record("a3", 4), quake_record("b3", 6)])
        assert set(stories_of(tracker).values()) == {1}


def test_articles_moved_out_stay_out_through_later_ingests_and_a_reingest(location: str) -> None:
    recorder = EventRecorder()
    records = [quake_record("a1", 2), quake_record("a2", 3)]
    with tracker_at(location, story_params=MERGE_EAGERLY, stages=[recorder]) as tracker:
        tracker.add(records)
        a2 = tracker.article("a2")
        assert a2 is not None and a2.stored.story_id == 1
        view = tracker.move_articles(1, ["a2"], by="bob", why="a second rescue operation")
        assert view.story.id == 2 and [a.external_id for a in view.articles] == ["a2"]
        (split,) = view.splits
        assert (split.story_id, split.new_story_id, split.article_count) == (1, 2, 1)
        assert split.reason == "moved by bob: a second rescue operation"
        (correction,) = view.corrections
        assert (correction.action, correction.article_ids) == (CorrectionAction.MOVE, (a2.id,))
        (event,) = [e for e in recorder.events if isinstance(e, StorySplitInTwo)]
        assert (event.story_id, event.new_story_id, event.article_ids) == (1, 2, (a2.id,))
        kept = tracker.story(1)
        assert kept is not None and kept.story.article_count == 1 and kept.corrections == [correction]
    with tracker_at(location, story_params=MERGE_EAGERLY) as tracker:
        tracker.add([quake_record("a3", 4)])  # merging eagerly, it would merge the two back
        tracker.add(records)  # sent again: already stored
        assigned = stories_of(tracker)
        assert assigned["a1"] != assigned["a2"] and tracker.stories().total == 2
        # A new version of the moved report, rewritten so that it reads like story 1's: it stays
        # where the editor put the report.
        rewrite = " ".join(text.split(". ")[0] + "." for text in (QUAKE_A, QUAKE_A_FOLLOW, QUAKE_A_THIRD))
        tracker.add([{**quake_record("a2", 5), "text": rewrite}])
        rewritten = tracker.article("a2")
        assert rewritten is not None and len(rewritten.versions) == 2
        assert rewritten.stored.story_id == assigned["a2"]


def test_the_constraints_are_what_keeps_corrections_from_being_undone() -> None:
    """The same arrivals with and without the editors' constraints: without, the clusterer undoes
    the move (it merges the two stories back) and splits the merge."""
    for constrained in (True, False):
        clusterer = StoryClusterer(MERGE_EAGERLY, HashingEmbedder())
        clusterer.add([article(1, QUAKE_A), article(2, QUAKE_A_FOLLOW)])
        moved = [article(2, QUAKE_A_FOLLOW)]
        split = clusterer.move_out(1, moved, clusterer.embed(moved), "moved by test")
        if constrained:
            clusterer.constraints = StoryConstraints(frozenset({(1, split.new_story_id)}), frozenset({1, 2}))
        clusterer.add([article(3, QUAKE_A_THIRD)])
        apart = clusterer.story_of(1) != clusterer.story_of(2)
        assert apart == constrained


def test_moving_out_of_a_story_too_large_to_keep_its_members(location: str) -> None:
    """A story past ``split_max_members`` keeps no members: the moved reports are taken out of its
    summary, and the clusterer state saved after it loads in a new process."""
    params = replace(MERGE_EAGERLY, split_max_members=2)
    with tracker_at(location, story_params=params) as tracker:
        tracker.add([quake_record("a1", 2), quake_record("a2", 3), quake_record("a3", 4)])
        assert set(stories_of(tracker).values()) == {1}
        view = tracker.move_articles(1, ["a3"], by="bob")
        assert view.story.article_count == 1 and view.corrections[0].why == ""
    with tracker_at(location, story_params=params) as tracker:
        clusterer_view = tracker.story(1)
        assert clusterer_view is not None and clusterer_view.story.article_count == 2
        tracker.add([quake_record("b1", 5)])
        assert stories_of(tracker)["a3"] == view.story.id


def test_a_renamed_story_keeps_its_name_as_reports_join(location: str) -> None:
    with tracker_at(location, story_params=MERGE_EAGERLY) as tracker:
        tracker.add([quake_record("a1", 2)])
        view = tracker.rename_story(1, "  Valdoria   earthquake ", by="carol", why="house style")
        assert view.story.label == "Valdoria earthquake"
        tracker.add([quake_record("a2", 3)])
        again = tracker.story(1)
        assert (
            again is not None
            and again.story.label == "Valdoria earthquake"
            and again.story.article_count == 2
        )
        assert [row.label for row in tracker.stories()] == ["Valdoria earthquake"]
        assert [(c.action, c.name) for c in again.corrections] == [
            (CorrectionAction.RENAME, "Valdoria earthquake")
        ]
        with pytest.raises(ValueError):
            tracker.rename_story(1, "  ", by="carol")


def test_muted_articles_and_outlets_are_left_out_of_story_views_and_counts(location: str) -> None:
    with tracker_at(location, story_params=MERGE_EAGERLY) as tracker:
        tracker.add(
            [quake_record("a1", 2), quake_record("a2", 3, "Beta Times"), quake_record("a3", 4, "Beta Times")]
        )
        a1 = tracker.article("a1")
        assert a1 is not None
        assert tracker.mute(article=a1.id, by="dan", why="retracted")
        assert not tracker.mute(article=a1.id, by="dan")  # muted already: nothing logged twice
        view = tracker.story(1)
        assert view is not None
        assert [a.external_id for a in view.articles] == ["a2", "a3"]
        assert (view.story.article_count, view.story.outlet_count) == (2, 1)
        assert view.story.first_seen is not None and view.story.first_seen.day == 3
        (shown,) = view.muted_articles  # where it was muted, with who, when and why
        assert (shown.article.id, shown.article.outlet) == (a1.id, "Alpha News")
        assert shown.muted is not None and (shown.muted.by, shown.muted.why) == ("dan", "retracted")
        assert view.muted_outlets == [] and [s.id for s in tracker.stories()] == [1]
        assert tracker.mute(outlet="beta times", by="dan", why="unreliable")
        muted = tracker.story(1)
        assert muted is not None and muted.articles == [] and muted.story.article_count == 0
        (outlet,) = muted.muted_outlets
        assert (outlet.outlet, outlet.articles) == ("Beta Times", 2)
        assert outlet.muted is not None and outlet.muted.why == "unreliable"
        # Empty to readers: not listed, whether filtered or not.
        assert tracker.stories().items == [] and tracker.stories().total == 0
        assert tracker.stories(outlet="Beta Times").items == []
        assert tracker.unmute(outlet="BETA TIMES", by="dan") and tracker.unmute(article=a1.id, by="dan")
        back = tracker.story(1)
        assert back is not None and back.story.article_count == 3
        assert (back.muted_articles, back.muted_outlets) == ([], [])
        actions = [c.action for c in tracker.store.curation.since(datetime(2000, 1, 1, tzinfo=UTC))]
        assert actions == [
            CorrectionAction.MUTE,
            CorrectionAction.MUTE,
            CorrectionAction.UNMUTE,
            CorrectionAction.UNMUTE,
        ]
        with pytest.raises(LookupError):
            tracker.mute(article=999, by="dan")


def test_impossible_corrections_are_refused_and_leave_nothing_behind(location: str) -> None:
    with tracker_at(location, story_params=MERGE_EAGERLY) as tracker:
        tracker.add([quake_record("a1", 2), quake_record("a2", 3), quake_record("b1", 9)])
        with pytest.raises(StoryNotFound):
            tracker.merge_stories(1, 42, by="eve")
        with pytest.raises(ValueError, match="one story already"):
            tracker.merge_stories(1, 1, by="eve")
        with pytest.raises(ValueError, match="nothing would be left"):
            tracker.move_articles(1, ["a1", "a2"], by="eve")
        with pytest.raises(ValueError, match="not in story 1"):
            tracker.move_articles(1, ["b1"], by="eve")
        with pytest.raises(LookupError):
            tracker.move_articles(1, ["nope"], by="eve")
        view = tracker.story(1)
        assert view is not None and view.corrections == [] and view.splits == []
        # The clusterer was rolled back with the store: a valid correction still works.
        assert tracker.move_articles(1, ["a2"], by="eve").story.article_count == 1


def test_a_correction_a_later_stage_cannot_follow_is_not_made(location: str) -> None:
    recorder = EventRecorder(fails=True)
    with tracker_at(location, story_params=MERGE_EAGERLY, stages=[recorder]) as tracker:
        tracker.add([quake_record("a1", 2), quake_record("b1", 9)])
        with pytest.raises(RuntimeError, match="cannot follow"):
            tracker.merge_stories(1, 2, by="eve")
        absorbed = tracker.story(2)
        assert absorbed is not None and not absorbed.redirected and absorbed.corrections == []
        recorder.fails = False
        assert tracker.merge_stories(1, 2, by="eve").story.article_count == 2


def test_move_out_leaves_the_story_summary_as_if_the_articles_had_never_joined() -> None:
    """Taking members out of a story that kept none gives the centroid of the members that stay."""
    embedder = HashingEmbedder()
    params = replace(MERGE_EAGERLY, split_max_members=1)
    items: list[StoryInput] = [article(1, QUAKE_A), article(2, QUAKE_A_FOLLOW), article(3, QUAKE_A_THIRD)]
    clusterer = StoryClusterer(params, embedder)
    clusterer.add(items)
    clusterer.move_out(1, items[2:], clusterer.embed(items[2:]), "moved by test")
    staying = clusterer.embed(items[:2]).sum(axis=0)
    unit = clusterer.state.stories.unit[1]
    assert np.allclose(unit, staying / np.linalg.norm(staying), atol=1e-3)
    assert clusterer.state.stories.size[1] == 2
