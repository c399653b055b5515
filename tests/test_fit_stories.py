"""The arrival orders the story fit averages over: the file order first, then fixed seeded shuffles."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from fit_stories import arrival_orders


def test_file_order_comes_first_then_one_permutation_per_seed() -> None:
    orders = arrival_orders(50, [1, 2])
    assert len(orders) == 3
    assert orders[0] == list(range(50))
    for order in orders[1:]:
        assert sorted(order) == list(range(50))
        assert order != orders[0]
    assert orders[1] != orders[2]


def test_the_same_seed_gives_the_same_order_every_time() -> None:
    # Reported figures (and `bench/clustering.py --shuffle SEED`) must be reproducible.
    assert arrival_orders(50, [7]) == arrival_orders(50, [7])
    assert arrival_orders(50, []) == [list(range(50))]
