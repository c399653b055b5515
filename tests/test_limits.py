"""The ceilings bench/limits.py reports rest on these cuts: a wrong cut would make a ceiling too low
(a goal declared out of reach that is not) or too high."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from limits import average_linkage, cut, divisive, spectral_halves


def blocks(sizes: list[int], within: float = 1.0, between: float = 0.1) -> NDArray[np.float64]:
    n = sum(sizes)
    scores = np.full((n, n), between)
    start = 0
    for size in sizes:
        scores[start : start + size, start : start + size] = within
        start += size
    return scores


def test_spectral_halves_finds_the_balanced_line_average_linkage_would_not_start_with() -> None:
    scores = blocks([4, 5])
    scores[0, 1:4] = scores[1:4, 0] = 0.6  # item 0 is the first block's loosest member
    assert spectral_halves(scores, range(9)) == ([0, 1, 2, 3], [4, 5, 6, 7, 8])


def test_spectral_halves_cuts_items_not_groups() -> None:
    with pytest.raises(ValueError, match="single items"):
        spectral_halves(blocks([3, 3]), [0, 0, 1, 2, 3, 4])


@pytest.mark.parametrize("cutter", ["average linkage", "spectral"])
def test_divisive_cuts_while_the_rule_agrees_and_no_further(cutter: str) -> None:
    three = blocks([3, 4, 3])
    parts = divisive(three, cutter, min_part=3, max_between=0.5, min_gap=0.3)
    assert sorted(parts) == [[0, 1, 2], [3, 4, 5, 6], [7, 8, 9]]
    # The first cut leaves two blocks on one side, whose mean within is only 0.49: a rule asking
    # for a gap of 0.5 stops there, though each later cut would pass it.
    assert divisive(three, cutter, min_part=3, max_between=0.5, min_gap=0.5) == [list(range(10))]


def test_a_cut_of_the_average_linkage_tree_keeps_what_scores_at_least_the_threshold_together() -> None:
    scores = blocks([3, 2], within=0.9, between=0.2)
    tree = average_linkage(scores)
    labels = cut(tree, scores, 0.5)
    assert labels[0] == labels[1] == labels[2] != labels[3] == labels[4]
    assert len(set(cut(tree, scores, 0.1))) == 1  # everything scores at least 0.1 on average
