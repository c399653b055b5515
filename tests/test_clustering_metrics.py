"""B-cubed and pairwise scores on examples small enough to compute by hand."""

from __future__ import annotations

import pytest

from clustering_metrics import score_clustering


def test_perfect_clustering_scores_one() -> None:
    gold = {1: "a", 2: "a", 3: "b"}
    s = score_clustering(gold, {1: 10, 2: 10, 3: 11})
    assert s.bcubed_f1 == pytest.approx(1.0)
    assert s.pairwise_f1 == pytest.approx(1.0)
    assert (s.articles, s.gold_clusters, s.predicted_clusters) == (3, 2, 2)


def test_everything_in_one_cluster() -> None:
    # gold {1,2} {3}; predicted {1,2,3}.
    # precision per item: 1 -> 2/3, 2 -> 2/3, 3 -> 1/3  => 5/9;  recall = 1.
    s = score_clustering({1: "a", 2: "a", 3: "b"}, {1: 0, 2: 0, 3: 0})
    assert s.bcubed_precision == pytest.approx(5 / 9)
    assert s.bcubed_recall == pytest.approx(1.0)
    assert s.bcubed_f1 == pytest.approx(2 * (5 / 9) / (5 / 9 + 1))
    # pairs: predicted 3, gold 1, shared 1.
    assert s.pairwise_precision == pytest.approx(1 / 3)
    assert s.pairwise_recall == pytest.approx(1.0)
    assert s.pairwise_f1 == pytest.approx(0.5)


def test_split_and_mixed() -> None:
    # gold: a={1,2,3,4}, b={5,6}; predicted: X={1,2}, Y={3,4,5}, Z={6}.
    gold = {1: "a", 2: "a", 3: "a", 4: "a", 5: "b", 6: "b"}
    pred = {1: "X", 2: "X", 3: "Y", 4: "Y", 5: "Y", 6: "Z"}
    s = score_clustering(gold, pred)
    # precision: 1,2 -> 1; 3,4 -> 2/3; 5 -> 1/3; 6 -> 1  => (2 + 4/3 + 1/3 + 1) / 6 = 14/18
    assert s.bcubed_precision == pytest.approx((2 + 4 / 3 + 1 / 3 + 1) / 6)
    # recall: 1..4 -> 2/4 each; 5 -> 1/2; 6 -> 1/2  => 3/6
    assert s.bcubed_recall == pytest.approx(0.5)
    # pairs: predicted X 1 + Y 3 = 4, gold 6 + 1 = 7, shared {1,2} {3,4} = 2.
    assert s.pairwise_precision == pytest.approx(2 / 4)
    assert s.pairwise_recall == pytest.approx(2 / 7)


def test_missing_prediction_is_a_singleton_and_unknown_items_are_ignored() -> None:
    gold = {1: "a", 2: "a"}
    s = score_clustering(gold, {1: 0, 99: 0})
    # 1 and 2 end up apart: precision 1, recall 1/2 each.
    assert s.bcubed_precision == pytest.approx(1.0)
    assert s.bcubed_recall == pytest.approx(0.5)
    assert s.predicted_clusters == 2
    assert s.articles == 2


def test_empty_gold() -> None:
    assert score_clustering({}, {1: 1}).bcubed_f1 == 0.0
