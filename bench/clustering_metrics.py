"""Clustering scores against gold labels: B-cubed (Bagga & Baldwin 1998) and pairwise P/R/F1.

Every gold article counts; one missing from the prediction is scored as a singleton of its own.
Predicted articles without a gold label are ignored (they cannot be judged).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

Item = TypeVar("Item", bound=Hashable)


@dataclass(frozen=True, slots=True)
class ClusteringScores:
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    articles: int
    gold_clusters: int
    predicted_clusters: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def score_clustering(gold: Mapping[Item, Hashable], predicted: Mapping[Item, Hashable]) -> ClusteringScores:
    """Scores of ``predicted`` (item -> cluster) against ``gold`` (item -> cluster)."""
    missing = object()
    pred = {item: predicted.get(item, (missing, item)) for item in gold}
    joint = Counter((gold[item], pred[item]) for item in gold)
    gold_sizes = Counter(gold.values())
    pred_sizes = Counter(pred.values())
    n = len(gold)
    if n == 0:
        return ClusteringScores(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0, 0)
    # For an item in gold cluster g and predicted cluster c, B-cubed precision is |g∩c|/|c| and recall
    # |g∩c|/|g|; summing over the |g∩c| items of each cell gives |g∩c|²/|c| (resp. /|g|).
    precision = sum(k * k / pred_sizes[c] for (_, c), k in joint.items()) / n
    recall = sum(k * k / gold_sizes[g] for (g, _), k in joint.items()) / n
    together = sum(_pairs(k) for k in joint.values())
    pred_pairs = sum(_pairs(k) for k in pred_sizes.values())
    gold_pairs = sum(_pairs(k) for k in gold_sizes.values())
    pw_p = together / pred_pairs if pred_pairs else 1.0
    pw_r = together / gold_pairs if gold_pairs else 1.0
    return ClusteringScores(
        bcubed_precision=precision,
        bcubed_recall=recall,
        bcubed_f1=_f1(precision, recall),
        pairwise_precision=pw_p,
        pairwise_recall=pw_r,
        pairwise_f1=_f1(pw_p, pw_r),
        articles=n,
        gold_clusters=len(gold_sizes),
        predicted_clusters=len(pred_sizes),
    )
