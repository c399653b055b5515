"""Scorer parameters and streams of invented articles shared by the story tests.

The parameters are hand-set for ``HashingEmbedder`` (a bag of words, not MiniLM), under which the
invented reports of one earthquake score ~1.5 with each other and ~0.4 with the other earthquake's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from storyline.stories import RegimeParams, StoryClusterer, StoryInput, StoryParams
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .texts import (
    QUAKE_A,
    QUAKE_A_FOLLOW,
    QUAKE_A_THIRD,
    QUAKE_B,
    QUAKE_B_FOLLOW,
    QUAKE_B_THIRD,
    TWO_QUAKES,
    UNRELATED,
)

REGIME = RegimeParams(
    w_dense=1.0,
    w_terms=0.5,
    w_names=0.5,
    w_numbers=0.2,
    threshold=0.9,
    merge_threshold=1.6,
    bridge_threshold=1.2,
    bridge_margin=0.05,
    cold_days=3.0,
    cold_penalty_per_day=0.05,
    max_cold_penalty=0.6,
)
PARAMS = replace(StoryParams.load(), headline=REGIME, full_text=REGIME, mixed=REGIME)

# Joining so loosely that both earthquakes land in one story, merging off: what the split must undo.
LOOSE = replace(REGIME, threshold=0.3, merge_threshold=9.0, bridge_threshold=99.0)
# Pairs within one earthquake score ~1.5 here, across the two ~0.4.
SPLITTING = replace(LOOSE, split_threshold=1.0, split_gap=0.5)


def split_test_params(regime: RegimeParams = SPLITTING, **top: Any) -> StoryParams:
    """``regime`` for every kind of pair (splitting on by default), and ``top`` for the rest."""
    return replace(PARAMS, headline=regime, full_text=regime, mixed=regime, **top)


def dense_only(**thresholds: float) -> StoryParams:
    """Scoring by the embedding alone, so word overlap decides in hand-made merge cases."""
    regime = replace(REGIME, w_terms=0.0, w_names=0.0, w_numbers=0.0, threshold=0.5, **thresholds)
    return replace(PARAMS, headline=regime, full_text=regime, mixed=regime)


def article(
    i: int,
    text: str,
    title: str | None = None,
    published: datetime | None = None,
    duplicate_of: int | None = None,
) -> StoryInput:
    return StoryInput(article_id=i, title=title, text=text, published=published, duplicate_of=duplicate_of)


def stories_of(clusterer: StoryClusterer, ids: Iterable[int]) -> list[int | None]:
    return [clusterer.story_of(i) for i in ids]


BRIDGED = [
    article(1, "", "alpha beta gamma delta"),
    article(2, "", "epsilon zeta eta theta"),
    # As close to story 1 as to story 2: one story that started twice.
    article(3, "", "alpha beta gamma delta epsilon zeta eta theta"),
]
# Bridging on, centroid merging off: the merges seen are bridges.
BRIDGING = dense_only(merge_threshold=99.0, bridge_threshold=0.6, bridge_margin=0.05)


def quake_stream() -> list[StoryInput]:
    return [
        article(1, QUAKE_A, "Earthquake kills 12 in northern Valdoria"),
        article(2, QUAKE_B, "Strong quake hits Kestoria's Port Ambry, 40 dead"),
        article(3, QUAKE_A_FOLLOW, "Survivors pulled from Ridgeford rubble"),
        article(4, QUAKE_B_FOLLOW, "Port Ambry quake toll rises to 58"),
    ]


def two_quakes_interleaved() -> list[StoryInput]:
    """Both earthquakes' reports, untitled, alternating: under ``LOOSE`` all join one story."""
    return [
        article(1, QUAKE_A),
        article(2, QUAKE_B),
        article(3, QUAKE_A_FOLLOW),
        article(4, QUAKE_B_FOLLOW),
        article(5, QUAKE_A_THIRD),
        article(6, QUAKE_B_THIRD),
    ]


def batched_stream() -> list[list[StoryInput]]:
    """Eight articles in four batches, with a duplicate and an unrelated story: what a store sees."""
    stream = [
        *quake_stream(),
        article(5, UNRELATED, "Lindmoor votes for a library"),
        article(6, QUAKE_B_FOLLOW, "Kestoria counts its dead"),
        article(7, QUAKE_A, "Ridgeford quake: the first report again", duplicate_of=1),
        article(8, UNRELATED + " Work starts in May.", "Library to open on old depot site"),
    ]
    return [stream[:3], stream[3:4], stream[4:7], stream[7:]]


def splitting_batches() -> list[list[StoryInput]]:
    """Both earthquakes interleaved, then a follow-up, an unrelated report and a duplicate, in four
    batches: under ``split_test_params`` the one story splits in the third batch."""
    stream = [
        *two_quakes_interleaved(),
        article(7, QUAKE_B_FOLLOW, "Kestoria counts its dead"),
        article(8, UNRELATED, "Lindmoor votes for a library"),
        article(9, QUAKE_A, "Ridgeford quake: the first report again", duplicate_of=1),
    ]
    return [stream[:2], stream[2:4], stream[4:6], stream[6:]]


def split_quakes(location: str, **options: Any) -> Tracker:
    """A tracker on ``location`` that has taken in ``TWO_QUAKES`` two at a time and split them:
    story 1 holds the Ridgeford reports, story 2 the Port Ambry ones. ``options`` go to the
    Tracker (``stages``, ``extract_entities``…)."""
    tracker = Tracker(
        location, batch_size=2, story_params=split_test_params(), embedder=HashingEmbedder(), **options
    )
    tracker.add([{"id": key, "text": text} for key, text in TWO_QUAKES.items()])
    return tracker
