"""Splitting a story that holds two events: where the line falls, when it separates two stories, what
a story keeps of its members, and the splits and merges the clusterer makes or declines."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from numpy.typing import NDArray

from storyline.stories import (
    Bags,
    HashingEmbedder,
    KeptHeadline,
    SplitRule,
    StoryClusterer,
    StorySplit,
    line_gap,
    split_in_two,
    split_line,
)
from storyline.stories.features import TermBag
from storyline.stories.splitting import KeptMember, KeptMemberIndex

from ..support.stories import LOOSE, SPLITTING, article, split_test_params, stories_of, two_quakes_interleaved
from ..support.texts import QUAKE_A, QUAKE_A_FOLLOW, QUAKE_A_THIRD, QUAKE_B, QUAKE_B_FOLLOW, QUAKE_B_THIRD


def test_split_in_two_follows_the_scores_and_keeps_groups_whole() -> None:
    scores = np.full((5, 5), 0.1)
    scores[np.ix_([0, 1, 2], [0, 1, 2])] = 1.0
    scores[np.ix_([3, 4], [3, 4])] = 1.0
    assert split_in_two(scores, [0, 1, 2, 3, 4]) == ([0, 1, 2], [3, 4])
    # Item 4 belongs to item 0's group (a near-duplicate): it goes where its group goes.
    assert split_in_two(scores, [0, 1, 2, 3, 0]) == ([0, 1, 2, 4], [3])


def two_blocks(within: float = 1.0, between: float = 0.1) -> NDArray[np.float64]:
    scores = np.full((6, 6), between)
    scores[np.ix_([0, 1, 2], [0, 1, 2])] = within
    scores[np.ix_([3, 4, 5], [3, 4, 5])] = within
    return scores


def test_split_line_cuts_only_parts_that_are_large_and_far_enough_apart() -> None:
    scores = two_blocks()
    rule = SplitRule(min_part=3, max_between=0.5, min_gap=0.5)
    line = split_line(scores, range(6), rule)
    assert line is not None and line[:2] == ([0, 1, 2], [3, 4, 5]) and line[2] == pytest.approx(0.1)
    assert line_gap(scores, [0, 1, 2], [3, 4, 5]) == pytest.approx(0.9)
    assert split_line(scores, range(6), replace(rule, min_part=4)) is None
    assert split_line(scores, range(6), replace(rule, max_between=0.1)) is None
    assert split_line(scores, range(6), replace(rule, min_gap=0.95)) is None
    # A line drawn elsewhere is judged on its own parts: this one mixes both blocks.
    assert replace(rule, min_part=1).between(scores, [0, 3], [1, 2, 4, 5]) is None


def test_the_rule_follows_what_the_story_holds_and_zero_turns_it_off() -> None:
    params = split_test_params()  # split_threshold 1.0, split_gap 0.5
    params = replace(params, headline=replace(params.headline, split_threshold=0.0))
    assert SplitRule.for_story(params, full=True) == SplitRule(params.split_min_part, 1.0, 0.5)
    assert SplitRule.for_story(params, full=False) is None


def kept_member(article_id: int) -> KeptMember:
    empty = TermBag(np.zeros(0, np.int32), np.zeros(0, np.float32))
    return KeptMember(
        article_id,
        article_id,
        False,
        float("nan"),
        np.ones(4, np.float16),
        Bags(empty, empty, empty),
        KeptHeadline(f"report {article_id}", titled=True),
    )


def test_a_story_keeps_its_members_up_to_max_members_and_then_none() -> None:
    kept = KeptMemberIndex(max_members=2)
    assert kept.keep(1, kept_member(10), story_size=1) == []
    assert kept.keep(1, kept_member(11), story_size=2) == []
    assert kept.of_story(1) == [10, 11]
    assert kept.keep(1, kept_member(12), story_size=3) == [10, 11]  # dropped, for the change record
    assert kept.of_story(1) == [] and not kept.by_article
    # A story whose earlier members are unknown (as after loading an old state) keeps none either.
    assert kept.keep(2, kept_member(20), story_size=2) == [] and kept.of_story(2) == []


def test_merged_stories_keep_their_members_only_while_both_did_and_few_enough() -> None:
    kept = KeptMemberIndex(max_members=3)
    for sid, aid in ((1, 10), (2, 20), (2, 21)):
        kept.keep(sid, kept_member(aid), story_size=len(kept.of_story(sid)) + 1)
    assert kept.of_both(1, 1, 2, 2) == [10, 20, 21]
    assert kept.of_both(1, 2, 2, 2) is None  # story 1 has a member it does not keep
    assert kept.merge(2, 2, 1, 1) == [] and kept.of_story(1) == [10, 20, 21]
    kept.keep(3, kept_member(30), story_size=1)
    assert sorted(kept.merge(3, 1, 1, 3)) == [10, 20, 21, 30] and not kept.by_article


# ------------------------------------------------------------------------------ splits the clusterer makes


def test_without_splitting_a_loose_join_leaves_two_earthquakes_in_one_story() -> None:
    c = StoryClusterer(split_test_params(LOOSE), HashingEmbedder())
    assignments, changes = c.add(two_quakes_interleaved())
    assert {a.story_id for a in assignments} == {1} and not changes


def test_a_story_holding_two_events_is_split_once_both_show() -> None:
    c = StoryClusterer(split_test_params(), HashingEmbedder())
    assignments, changes = c.add(two_quakes_interleaved())
    assert {a.story_id for a in assignments} == {1}  # each joined the one story on arrival
    (split,) = changes
    assert isinstance(split, StorySplit)
    # The part with the story's first report keeps its id; the other becomes a new story.
    assert (split.story_id, split.new_story_id, split.article_ids, split.after_article) == (
        1,
        2,
        (2, 4, 6),
        6,
    )
    assert split.score < 1.0
    assert stories_of(c, range(1, 7)) == [1, 2, 1, 2, 1, 2]
    assert c.label(1).size == 3 and c.label(2).size == 3
    assert "ridgeford" in c.label(1).key_terms and "ambry" in c.label(2).key_terms
    # The new story is a story like any other: the next Port Ambry report finds it.
    (more,), _ = c.add([article(7, QUAKE_B_FOLLOW, "Kestoria counts its dead")])
    assert more.story_id == 2


def test_a_part_smaller_than_split_min_part_is_not_split_off() -> None:
    c = StoryClusterer(split_test_params(split_min_part=4), HashingEmbedder())
    _, changes = c.add(two_quakes_interleaved())
    assert not changes and set(stories_of(c, range(1, 7))) == {1}


def test_a_story_past_split_max_members_is_settled() -> None:
    c = StoryClusterer(split_test_params(split_max_members=5), HashingEmbedder())
    _, changes = c.add(two_quakes_interleaved())
    assert not changes and set(stories_of(c, range(1, 7))) == {1}
    assert not c.state.kept.by_article  # nothing is kept for a story that will not be split


def test_a_duplicate_group_is_never_split_apart() -> None:
    stream = two_quakes_interleaved()
    # Article 6 reads like Port Ambry but is flagged a near-duplicate of article 1.
    stream[5] = replace(stream[5], duplicate_of=1)
    c = StoryClusterer(split_test_params(), HashingEmbedder())
    c.add(stream)
    assert c.story_of(6) == c.story_of(1)


def test_two_stories_that_would_split_again_at_once_are_not_merged() -> None:
    bridging = replace(SPLITTING, threshold=0.9, bridge_threshold=0.5, bridge_margin=0.5)
    c = StoryClusterer(split_test_params(bridging), HashingEmbedder())
    a = [article(1, QUAKE_A), article(2, QUAKE_A_FOLLOW), article(3, QUAKE_A_THIRD)]
    b = [article(4, QUAKE_B), article(5, QUAKE_B_FOLLOW), article(6, QUAKE_B_THIRD)]
    _, changes = c.add(a + b)
    assert not changes and stories_of(c, range(1, 7)) == [1, 1, 1, 2, 2, 2]
    # A round-up of both earthquakes matches both stories about equally: a bridge, were it not that
    # the merged story's members would fall apart again straight away.
    (roundup,), changes = c.add([article(7, QUAKE_A + " " + QUAKE_B)])
    assert not changes and c.story_count == 2
    assert roundup.story_id in (1, 2)
