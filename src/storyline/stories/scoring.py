"""The linear score of a pair, in the regime of what its two sides hold (see ``params``).

score = w_dense x dense cosine (embedding to centroid) + per channel w x TF-IDF cosine (terms,
names, numbers) - a penalty for the time gap when both sides have a real publication time and the
story has gone cold (capped, so a strong enough match still revives it).

Two shapes: one side (an article, or a story when merging) against many candidate stories, for the
decisions; and every pair of a few members, for splitting and for measuring the features.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from storyline.stories.features import F32, I32, ArticleFeatures, Idf, weighted_tf
from storyline.stories.params import Bags, RegimeParams, StoryParams
from storyline.stories.story_table import StoryMember, StoryTable

F64 = NDArray[np.float64]


class WeightedBag(NamedTuple):
    """Sorted vocabulary ids and their tf x idf (an id of -1 is an empty slot, weighted 0)."""

    ids: I32
    weights: F64


class Side(NamedTuple):
    """One side compared with candidate stories: an article, or a story when merging."""

    full: bool  # holds a full text
    vector: F32
    bags: Bags[WeightedBag]
    time: float  # newest publication time, seconds since epoch; NaN when unknown


def article_side(article: ArticleFeatures, idf: Idf) -> Side:
    bags = Bags(*(WeightedBag(bag.ids, (bag.tf * idf[bag.ids]).astype(np.float64)) for bag in article.bags))
    return Side(article.full, article.vector, bags, article.time)


def story_side(stories: StoryTable, sid: int, idf: Idf) -> Side:
    bags = []
    for top_ids, top_tf in zip(stories.top_ids, stories.top_tf, strict=True):
        order = np.argsort(top_ids[sid], kind="stable")
        bags.append(WeightedBag(top_ids[sid][order], weighted_tf(top_ids[sid], top_tf[sid], idf)[order]))
    return Side(bool(stories.full[sid]), stories.unit[sid], Bags(*bags), float(stories.last[sid]))


class PairScorer:
    """Scores pairs with ``params``; stories are read from ``stories``."""

    def __init__(self, params: StoryParams, stories: StoryTable) -> None:
        self._params = params
        self._stories = stories

    def per_pair(self, full_sides: NDArray[np.intp], value: Callable[[RegimeParams], float]) -> F64:
        """``value`` of each pair's regime, for pairs of which ``full_sides`` hold a full text."""
        return np.array([value(regime) for regime in self._params.pair_regimes])[full_sides]

    def against(self, side: Side, cands: I32, idf: Idf) -> tuple[F64, NDArray[np.intp]]:
        """Scores of ``side`` against candidate stories ``cands``, each pair in its own regime, and
        how many sides of each pair hold a full text (its index in ``StoryParams.pair_regimes``)."""
        full_sides = self._stories.full[cands].astype(np.intp) + int(side.full)
        scores = np.zeros(len(cands))
        regimes = self._params.pair_regimes
        for kind in np.unique(full_sides).tolist():
            mask = full_sides == kind
            scores[mask] = self._score(regimes[kind], side, cands[mask], idf)
        return scores, full_sides

    def _score(self, regime: RegimeParams, side: Side, cands: I32, idf: Idf) -> F64:
        stories = self._stories
        dense = (stories.unit[cands] @ side.vector).astype(np.float64)
        score = regime.w_dense * dense
        for weight, bag, top_ids, top_tf in zip(
            regime.bag_weights, side.bags, stories.top_ids, stories.top_tf, strict=True
        ):
            if weight:
                c_ids = top_ids[cands]
                c_weights = weighted_tf(c_ids, top_tf[cands], idf)
                score += weight * _sparse_cos(bag.ids, bag.weights, c_ids, c_weights)
        if not math.isnan(side.time):
            gap_days = np.abs(stories.last[cands] - side.time) / 86400.0
            penalty = np.minimum(
                regime.max_cold_penalty,
                regime.cold_penalty_per_day * np.maximum(gap_days - regime.cold_days, 0.0),
            )
            score -= np.nan_to_num(penalty, nan=0.0)
        return score

    def matrix(self, members: Sequence[StoryMember], idf: Idf) -> F64:
        """The score of every pair of ``members``, each pair in its own regime (no time penalty:
        members of one story are compared for what they say)."""
        full = np.array([m.full for m in members], dtype=np.intp)
        full_sides = full[:, None] + full[None, :]
        vectors = np.stack([m.vector for m in members]).astype(np.float64)
        scores: F64 = self.per_pair(full_sides, lambda r: r.w_dense) * (vectors @ vectors.T)
        channel_bags = zip(*(m.bags for m in members), strict=True)  # per channel: every member's bag
        # Per channel: its weight in each regime, by full sides.
        channel_weights = zip(*(r.bag_weights for r in self._params.pair_regimes), strict=True)
        for bags, weights in zip(channel_bags, channel_weights, strict=True):
            vocab = np.unique(np.concatenate([bag.ids for bag in bags]))
            matrix = np.zeros((len(members), len(vocab)))
            for row, bag in zip(matrix, bags, strict=True):
                row[np.searchsorted(vocab, bag.ids)] = bag.tf * idf[bag.ids]
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
            scores += np.array(weights)[full_sides] * (matrix @ matrix.T)
        return scores


def _sparse_cos(ids: I32, weights: F64, cand_ids: I32, cand_weights: F64) -> F64:
    """Cosine of one sparse vector (sorted ``ids``) with each row of a padded sparse matrix."""
    if len(ids) == 0 or cand_ids.size == 0:
        return np.zeros(len(cand_ids), dtype=np.float64)
    pos = np.searchsorted(ids, cand_ids)
    pos = np.minimum(pos, len(ids) - 1)
    hit = (ids[pos] == cand_ids) & (cand_ids >= 0)
    dot = np.where(hit, weights[pos] * cand_weights, 0.0).sum(axis=1)
    norms = np.sqrt((cand_weights**2).sum(axis=1)) * math.sqrt(float((weights**2).sum()))
    cos: F64 = np.divide(dot, norms, out=np.zeros_like(dot), where=norms > 0)
    return cos
