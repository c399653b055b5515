"""Online story assignment on short invented articles (and the shared seed reports with the real model):
joining, bridging, merging, regimes, cold stories, duplicates, and embedding apart from adding."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from storyline.ingest.articles import build_article
from storyline.ingest.sources import document_from_record
from storyline.models import Article, Document
from storyline.stories import (
    HashingEmbedder,
    StoryChange,
    StoryClusterer,
    StoryInput,
    StoryMerge,
    StoryParams,
)
from storyline.stories.features import featurise
from storyline.stories.scoring import PairScorer

from ..support.stories import (
    BRIDGED,
    BRIDGING,
    PARAMS,
    article,
    dense_only,
    quake_stream,
    stories_of,
)
from ..support.texts import QUAKE_A, QUAKE_A_FOLLOW, QUAKE_B, UNRELATED

SEED_003_TITLE = "Exposing Truth and Securing Freedom: Guan Heng's Fight for Justice"


def merges_in(changes: list[StoryChange]) -> list[StoryMerge]:
    """The merges among ``changes``; a split there fails the test that expects none."""
    assert all(isinstance(change, StoryMerge) for change in changes), changes
    return [change for change in changes if isinstance(change, StoryMerge)]


def test_two_events_of_the_same_kind_stay_apart() -> None:
    c = StoryClusterer(PARAMS, HashingEmbedder())
    assignments, changes = c.add(quake_stream())
    assert [a.story_id for a in assignments] == [1, 2, 1, 2]
    assert [a.created for a in assignments] == [True, True, False, False]
    assert changes == []


def test_wire_copy_with_a_new_headline_joins_its_original() -> None:
    c = StoryClusterer(PARAMS, HashingEmbedder())
    c.add(
        [
            article(1, QUAKE_A, "Earthquake kills 12 in northern Valdoria"),
            article(2, UNRELATED, "Library vote"),
        ]
    )
    (copy,), _ = c.add([article(3, QUAKE_A, "Valdoria quake: Ridgeford mourns its dead")])
    assert copy.story_id == 1 and not copy.created


def test_duplicate_of_is_honoured_even_against_the_scorer() -> None:
    c = StoryClusterer(PARAMS, HashingEmbedder())
    c.add([article(1, QUAKE_A), article(2, UNRELATED)])
    (dup,), _ = c.add([article(3, UNRELATED, duplicate_of=1)])
    assert dup.story_id == 1 and dup.score == 1.0


def test_unknown_duplicate_of_falls_back_to_scoring() -> None:
    c = StoryClusterer(PARAMS, HashingEmbedder())
    (a,), _ = c.add([article(1, QUAKE_A, duplicate_of=999)])
    assert a.created and a.story_id == 1


def test_same_input_gives_same_stories_and_state() -> None:
    runs = []
    for _ in range(2):
        c = StoryClusterer(PARAMS, HashingEmbedder())
        assignments, _ = c.add([*quake_stream(), article(5, UNRELATED)])
        runs.append((assignments, c.dump_state()))
    assert runs[0] == runs[1]


def test_vectors_embedded_apart_give_what_adding_alone_gives() -> None:
    stream = [*quake_stream(), article(5, UNRELATED), article(6, "", "Ridgeford earthquake toll at 12")]
    alone = StoryClusterer(PARAMS, HashingEmbedder())
    expected = alone.add(stream)

    apart = StoryClusterer(PARAMS, HashingEmbedder())
    before = apart.dump_state()
    vectors = apart.embed(stream)
    assert vectors.shape == (len(stream), HashingEmbedder().dim) and vectors.dtype == np.float32
    assert apart.dump_state() == before  # embedding touches no state
    assert apart.add(stream, vectors) == expected
    assert apart.dump_state() == alone.dump_state()
    assert apart.embed([]).shape == (0, HashingEmbedder().dim)


def test_vectors_must_match_the_items() -> None:
    c = StoryClusterer(PARAMS, HashingEmbedder())
    stream = quake_stream()
    with pytest.raises(ValueError, match="vectors"):
        c.add(stream, c.embed(stream[:2]))


def test_stories_merge_and_the_absorbed_id_redirects() -> None:
    # Bridging off: this test is about centroids converging.
    c = StoryClusterer(dense_only(merge_threshold=0.3, bridge_threshold=99.0), HashingEmbedder())
    # Article 3 joins story 1, whose centroid then comes close enough to story 2.
    assignments, changes = c.add(BRIDGED)
    assert [a.story_id for a in assignments] == [1, 2, 1]
    assert [(m.absorbed, m.into, m.after_article) for m in merges_in(changes)] == [(2, 1, 3)]
    assert merges_in(changes)[0].reason == "centroids converged"
    assert c.resolve(2) == 1
    assert stories_of(c, [1, 2, 3]) == [1, 1, 1]
    assert c.story_count == 1
    assert c.label(2).story_id == 1 and c.label(1).size == 3


def test_two_full_text_stories_are_compared_as_full_text_when_a_short_report_joins_one() -> None:
    # Headline pairs merge easily here, full-text pairs never: a one-line report joining a full-text
    # story must not bring the headline threshold to a comparison of two full texts.
    hair_trigger = dense_only(merge_threshold=0.3, bridge_threshold=99.0)
    params = replace(hair_trigger, full_text=replace(hair_trigger.full_text, merge_threshold=99.0))
    long_stream = [
        article(1, " ".join(["alpha beta gamma delta"] * 8)),
        article(2, " ".join(["epsilon zeta eta theta"] * 8)),
        article(3, "", "alpha beta gamma delta epsilon zeta eta theta"),
    ]
    c = StoryClusterer(params, HashingEmbedder())
    assignments, changes = c.add(long_stream)
    assert [a.story_id for a in assignments] == [1, 2, 1]
    assert changes == [] and c.story_count == 2
    # The same three as headlines are a headline pair, and merge as in the test above.
    assignments, changes = StoryClusterer(params, HashingEmbedder()).add(BRIDGED)
    assert [(m.absorbed, m.into) for m in merges_in(changes)] == [(2, 1)]


def test_each_pair_is_scored_in_the_regime_of_what_its_two_sides_hold() -> None:
    never = {"threshold": 99.0, "merge_threshold": 99.0, "bridge_threshold": 99.0}
    base = dense_only()
    params = replace(
        base,
        headline=replace(base.headline, **never),
        full_text=replace(base.full_text, **never),
        mixed=replace(base.mixed, **{**never, "threshold": 0.5}),
    )
    full = " ".join(["alpha beta gamma delta"] * 8)
    assignments, changes = StoryClusterer(params, HashingEmbedder()).add(
        [
            article(1, full),
            article(2, "", "alpha beta gamma delta"),  # a headline and a full-text story: mixed, joins
            article(3, full),  # full text and a story holding one: full_text, never joins
            article(4, "", "epsilon zeta eta"),
            article(5, "", "epsilon zeta eta"),  # a headline and a headline-only story: never joins
        ]
    )
    assert [a.story_id for a in assignments] == [1, 1, 2, 3, 4]
    assert changes == []


def test_an_article_matching_two_stories_equally_well_merges_them() -> None:
    c = StoryClusterer(BRIDGING, HashingEmbedder())
    assignments, changes = c.add(BRIDGED)
    assert [a.story_id for a in assignments] == [1, 2, 1]
    assert [(m.absorbed, m.into, m.after_article, m.reason) for m in merges_in(changes)] == [
        (2, 1, 3, "one article matched both equally well")
    ]
    assert stories_of(c, [1, 2, 3]) == [1, 1, 1]


def test_a_clear_winner_bridges_nothing() -> None:
    lopsided = [*BRIDGED[:2], article(3, "", "alpha beta gamma delta epsilon zeta")]
    c = StoryClusterer(BRIDGING, HashingEmbedder())
    assignments, changes = c.add(lopsided)
    assert [a.story_id for a in assignments] == [1, 2, 1]
    assert changes == [] and c.story_count == 2


def test_headline_only_and_dateless_inputs() -> None:
    c = StoryClusterer(PARAMS, HashingEmbedder())
    assignments, _ = c.add(
        [
            article(1, "", "Valdoria earthquake kills 12 in Ridgeford"),
            article(2, "", "Ridgeford earthquake: Valdoria death toll at 12"),
            article(3, "", "Lindmoor council votes for new library"),
        ]
    )
    assert [a.story_id for a in assignments] == [1, 1, 2]
    label = c.label(1)
    assert label.headline in {
        "Valdoria earthquake kills 12 in Ridgeford",
        "Ridgeford earthquake: Valdoria death toll at 12",
    }
    assert {"ridgeford", "valdoria"} <= set(label.key_terms)


def test_cold_story_is_revived_only_by_a_strong_match() -> None:
    day0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    weak = article(
        2, QUAKE_A_FOLLOW, "Survivors pulled from Ridgeford rubble", published=day0 + timedelta(days=40)
    )
    strong = article(3, QUAKE_A, "Valdoria quake revisited", published=day0 + timedelta(days=40))
    first = article(1, QUAKE_A, "Earthquake kills 12 in northern Valdoria", published=day0)

    warm = StoryClusterer(PARAMS, HashingEmbedder())
    (_, a), _ = warm.add([first, replace(weak, published=day0 + timedelta(days=1))])
    assert a.story_id == 1  # control: the same follow-up a day later joins

    cold = StoryClusterer(PARAMS, HashingEmbedder())
    (_, b, c), _ = cold.add([first, weak, strong])
    assert b.created  # the story went cold: a moderate match starts a new one
    assert c.story_id == 1  # a near-identical report revives it


def test_an_old_story_is_found_through_the_ann_index() -> None:
    # Two stories searched exactly, no posting lists: an older story can only be found through the index.
    params = replace(PARAMS, recent_window=2, posting_terms=0)
    ferry = "The Orsk ferry company added two sailings to Lake Varn for the summer, its director said."
    c = StoryClusterer(params, HashingEmbedder())
    c.add([article(1, QUAKE_A), article(2, UNRELATED), article(3, ferry)])
    loaded = StoryClusterer.load_state(c.dump_state(), params, HashingEmbedder())
    for clusterer in (c, loaded):
        (follow,), _ = clusterer.add([article(4, QUAKE_A_FOLLOW)])
        assert follow.story_id == 1


def test_the_member_scores_a_split_uses_rank_the_same_event_above_another() -> None:
    c = StoryClusterer(PARAMS, HashingEmbedder())
    c.add(quake_stream()[:2])
    probe = [article(11, QUAKE_A), article(12, QUAKE_A_FOLLOW), article(13, QUAKE_B)]
    vocabulary = c.state.vocabulary
    members = featurise(probe, c.embed(probe), vocabulary, PARAMS)
    scores = PairScorer(PARAMS, c.state.stories).matrix(members, vocabulary.idf())
    assert scores.shape == (3, 3) and np.allclose(scores, scores.T)
    assert scores[0, 1] > scores[0, 2]  # same earthquake above the other earthquake


# ---------------------------------------------------------------------------------------- real MiniLM


@pytest.fixture(scope="module")
def real() -> StoryParams:
    return StoryParams.load()


def seed_reports(seeds: Path) -> list[StoryInput]:
    paths = sorted(seeds.glob("*.txt"))
    assert len(paths) == 3
    return [article(i, p.read_text(encoding="utf-8")) for i, p in enumerate(paths, start=1)]


@pytest.mark.slow
def test_seed_reports_form_one_story(real: StoryParams, seeds: Path) -> None:
    c = StoryClusterer(real)
    assignments, _ = c.add(seed_reports(seeds))
    assert {c.story_of(a.article_id) for a in assignments} == {1}
    assert "Guan" in c.label(1).headline or "guan" in c.label(1).key_terms


@pytest.mark.slow
def test_cleaned_seed_reports_form_one_story_in_every_arrival_order(real: StoryParams, seeds: Path) -> None:
    paths = sorted(seeds.glob("*.txt"))
    assert len(paths) == 3
    reports = []
    for i, path in enumerate(paths, start=1):
        document = document_from_record({"text": path.read_text(encoding="utf-8")}, path.name, path.name)
        assert isinstance(document, Document)
        built = build_article(document, now=datetime(2026, 11, 1, tzinfo=UTC))
        assert isinstance(built, Article)
        reports.append(StoryInput.from_article(i, built, duplicate_of=None))
    for order in itertools.permutations(reports):
        c = StoryClusterer(real)
        c.add(list(order))
        assert {c.story_of(r.article_id) for r in reports} == {c.story_of(order[0].article_id)}, [
            r.article_id for r in order
        ]
        # The one report with a real title labels the story, not a more central opening line.
        assert c.label(c.story_of(1) or 0).headline == SEED_003_TITLE


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_seed_and_an_unrelated_article_are_two_stories(
    real: StoryParams, seeds: Path, seed: int
) -> None:
    c = StoryClusterer(real)
    assignments, _ = c.add(
        [seed_reports(seeds)[seed], article(10, UNRELATED, "Lindmoor votes for a new library")]
    )
    assert [a.story_id for a in assignments] == [1, 2]


@pytest.mark.slow
def test_real_model_keeps_two_earthquakes_apart(real: StoryParams) -> None:
    c = StoryClusterer(real)
    assignments, _ = c.add(quake_stream())
    assert [a.story_id for a in assignments] == [1, 2, 1, 2]
