"""The clusterer's saved state: full states and change records load the clusterer that wrote them,
and states saved by older code (``tests/data``, see ``make_old_story_states.py``) still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.stories import HashingEmbedder, StoryClusterer, state_embedder_name

from ..support.stories import (
    BRIDGED,
    BRIDGING,
    PARAMS,
    article,
    batched_stream,
    quake_stream,
    split_test_params,
    splitting_batches,
    stories_of,
    two_quakes_interleaved,
)
from ..support.texts import QUAKE_A, QUAKE_A_FOLLOW, QUAKE_B_FOLLOW, UNRELATED

DATA = Path(__file__).resolve().parents[1] / "data"


def old_state(name: str) -> bytes:
    return (DATA / f"story-state-{name}.bin").read_bytes()


def test_dump_and_load_continue_identically() -> None:
    stream = [*quake_stream(), article(5, UNRELATED), article(6, QUAKE_B_FOLLOW, "Kestoria counts its dead")]
    whole = StoryClusterer(PARAMS, HashingEmbedder())
    expected, _ = whole.add(stream)

    first = StoryClusterer(PARAMS, HashingEmbedder())
    got, _ = first.add(stream[:3])
    resumed = StoryClusterer.load_state(first.dump_state(), PARAMS, HashingEmbedder())
    rest, _ = resumed.add(stream[3:])
    assert got + rest == expected
    assert resumed.dump_state() == whole.dump_state()
    assert resumed.label(2) == whole.label(2)


def test_change_records_over_a_full_state_load_the_same_clusterer() -> None:
    live = StoryClusterer(PARAMS, HashingEmbedder())
    first, *rest = batched_stream()
    live.add(first)
    full = live.dump_state()
    changes = []
    for batch in rest:
        live.add(batch)
        changes.append(live.dump_changes())
    loaded = StoryClusterer.load_state(full, PARAMS, HashingEmbedder(), changes=changes)
    assert loaded.dump_state() == live.dump_state()
    follow_up = [article(9, QUAKE_A_FOLLOW, "Ridgeford shelters fill"), article(10, UNRELATED)]
    assert loaded.add(follow_up) == live.add(follow_up)


def test_change_records_carry_a_merge() -> None:
    live = StoryClusterer(BRIDGING, HashingEmbedder())
    live.add(BRIDGED[:2])
    full = live.dump_state()
    _, merges = live.add(BRIDGED[2:])
    assert merges  # the absorbed story's row must travel in the change record
    loaded = StoryClusterer.load_state(full, BRIDGING, HashingEmbedder(), changes=[live.dump_changes()])
    assert loaded.dump_state() == live.dump_state()
    assert loaded.resolve(2) == 1 and loaded.story_count == 1


def test_a_full_dump_starts_a_new_change_log() -> None:
    live = StoryClusterer(PARAMS, HashingEmbedder())
    batches = batched_stream()
    live.add(batches[0])
    live.dump_changes()  # written, then superseded by the full state below
    live.add(batches[1])
    full = live.dump_state()
    live.add(batches[2])
    changes = [live.dump_changes()]
    loaded = StoryClusterer.load_state(full, PARAMS, HashingEmbedder(), changes=changes)
    assert loaded.dump_state() == live.dump_state()


def test_change_records_must_follow_their_full_state_in_order() -> None:
    live = StoryClusterer(PARAMS, HashingEmbedder())
    batches = batched_stream()
    live.add(batches[0])
    full = live.dump_state()
    live.add(batches[1])
    one = live.dump_changes()
    live.add(batches[2])
    two = live.dump_changes()
    with pytest.raises(ValueError, match="out of order"):
        StoryClusterer.load_state(full, PARAMS, HashingEmbedder(), changes=[two, one])
    with pytest.raises(ValueError, match="one full state"):
        StoryClusterer.load_state(one, PARAMS, HashingEmbedder())


def test_a_state_names_its_embedder_and_loads_with_no_other() -> None:
    live = StoryClusterer(PARAMS, HashingEmbedder())
    live.add(quake_stream())
    full = live.dump_state()
    assert state_embedder_name(full) == HashingEmbedder().name
    assert state_embedder_name(live.dump_changes()) == HashingEmbedder().name
    with pytest.raises(ValueError, match=f"built with {HashingEmbedder().name}"):
        StoryClusterer.load_state(full, PARAMS)  # the default embedder, MiniLM (never loaded)
    with pytest.raises(ValueError, match="not a storyline story state"):
        state_embedder_name(b"something else")


def test_kept_members_travel_in_the_state_so_a_resumed_clusterer_splits_the_same() -> None:
    params = split_test_params()
    stream = [*two_quakes_interleaved(), article(7, QUAKE_B_FOLLOW, "Kestoria counts its dead")]
    whole = StoryClusterer(params, HashingEmbedder())
    expected = whole.add(stream)

    first = StoryClusterer(params, HashingEmbedder())
    head = first.add(stream[:2])
    full = first.dump_state()
    middle = first.add(stream[2:4])
    changes = [first.dump_changes()]
    resumed = StoryClusterer.load_state(full, params, HashingEmbedder(), changes=changes)
    tail = resumed.add(stream[4:])
    assert head[0] + middle[0] + tail[0] == expected[0]
    assert expected[1] and tail[1] == expected[1]  # the split, found after a reload
    assert resumed.dump_state() == whole.dump_state()
    # And its state reloads again, moved articles and all.
    again = StoryClusterer.load_state(resumed.dump_state(), params, HashingEmbedder())
    assert stories_of(again, range(1, 8)) == stories_of(whole, range(1, 8))
    assert again.state.kept.by_story == whole.state.kept.by_story


# ----------------------------------------------------------------------------- states saved by older code


def test_a_state_saved_before_the_clusterer_was_split_into_parts_loads_and_continues_identically() -> None:
    """Written at 89dd906: a full state after the first batch and change records after the next two
    (the third splits the story)."""
    params = split_test_params()
    batches = splitting_batches()
    full, changes = old_state("89dd906"), [old_state(f"89dd906.changes-{i}") for i in (1, 2)]
    # Today's clusterer, fed the same batches, writes the same bytes: the format did not move.
    whole = StoryClusterer(params, HashingEmbedder())
    whole.add(batches[0])
    assert whole.dump_state() == full
    for batch, record in zip(batches[1:3], changes, strict=True):
        whole.add(batch)
        assert whole.dump_changes() == record
    old = StoryClusterer.load_state(full, params, HashingEmbedder(), changes=changes)
    assert old.add(batches[3]) == whole.add(batches[3])
    assert old.dump_state() == whole.dump_state()


def test_a_state_saved_before_titles_and_full_texts_were_flagged_still_loads() -> None:
    """Written at c29e73c: one story of an untitled report and a titled follow-up."""
    fresh = StoryClusterer(PARAMS, HashingEmbedder())
    fresh.add([article(1, QUAKE_A), article(2, QUAKE_A_FOLLOW, "Ridgeford survivors")])
    assert [h.titled for h in fresh.state.stories.headlines[1]] == [False, True]
    assert fresh.state.stories.full[1]
    old = StoryClusterer.load_state(old_state("c29e73c"), PARAMS, HashingEmbedder())
    assert old.story_of(2) == 1
    # Without flags every kept headline counts as a title, as every label candidate used to.
    assert [h.titled for h in old.state.stories.headlines[1]] == [True, True]
    # Without the full-text flag a story counts as headline-only until a full text joins it.
    assert not old.state.stories.full[1]
    old.add([article(3, QUAKE_A_FOLLOW)])
    assert old.story_of(3) == 1 and old.state.stories.full[1]


def test_a_state_saved_before_members_were_kept_loads_and_does_not_split() -> None:
    """Written at 319a04a: the first four reports of ``two_quakes_interleaved`` in one story."""
    params = split_test_params()
    old = StoryClusterer.load_state(old_state("319a04a"), params, HashingEmbedder())
    assert set(stories_of(old, range(1, 5))) == {1}
    _, changes = old.add(two_quakes_interleaved()[4:])
    assert not changes and set(stories_of(old, range(1, 7))) == {1}
