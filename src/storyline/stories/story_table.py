"""The stories as rows of arrays: what the clusterer knows of each story.

Row ``sid`` is story ``sid`` (row 0 is unused, so ids index the arrays directly). Numpy columns keep
a million stories compact, let candidates be scored in one vectorised pass, and dump as they are
(``state``). The columns grow by doubling; ``count`` rows are in use.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from storyline.stories.features import F32, I32, Idf, TermBag, weighted_tf
from storyline.stories.params import Bags
from storyline.stories.records import KeptHeadline


class StoryMember(Protocol):
    """What a story is rebuilt from: one member's embedding, bags, time and full-text flag."""

    @property
    def full(self) -> bool: ...
    @property
    def time(self) -> float: ...
    @property
    def vector(self) -> NDArray[Any]: ...
    @property
    def bags(self) -> Bags[TermBag]: ...


class StoryTable:
    """Per story: centroid, size, newest publication time, whether it holds a full text, the story
    that absorbed it, its top terms per channel and its label candidates."""

    def __init__(self, dim: int, top_sizes: Bags[int], capacity: int = 64) -> None:
        self.top_sizes = top_sizes
        self.count = 0  # stories created; ids are 1..count
        self.unit = np.zeros((capacity, dim), dtype=np.float32)  # normalised centroid
        self.norm = np.zeros(capacity, dtype=np.float32)  # |sum of member vectors|
        self.size = np.zeros(capacity, dtype=np.int32)
        self.last = np.full(capacity, np.nan, dtype=np.float64)  # newest known publication time
        self.into = np.zeros(capacity, dtype=np.int32)  # 0 = alive, else the story that absorbed it
        self.full = np.zeros(capacity, dtype=np.bool_)  # has a full-text member (see ``params``)
        # Per channel: the story's top-k vocabulary ids (-1 = empty) and their accumulated tf; weighted
        # by the current IDF when read.
        self.top_ids: Bags[I32] = Bags(*(np.full((capacity, k), -1, dtype=np.int32) for k in top_sizes))
        self.top_tf: Bags[F32] = Bags(*(np.zeros((capacity, k), dtype=np.float32) for k in top_sizes))
        self.headlines: list[list[KeptHeadline]] = [[]]  # label candidates, one list per story row

    @property
    def dim(self) -> int:
        return int(self.unit.shape[1])

    @property
    def capacity(self) -> int:
        return len(self.size)

    def grow(self, capacity: int) -> None:
        def grown(a: NDArray[Any], fill: float) -> NDArray[Any]:
            out = np.full((capacity, *a.shape[1:]), fill, dtype=a.dtype)
            out[: len(a)] = a
            return out

        self.unit = grown(self.unit, 0.0)
        self.norm = grown(self.norm, 0.0)
        self.size = grown(self.size, 0)
        self.last = grown(self.last, np.nan)
        self.into = grown(self.into, 0)
        self.full = grown(self.full, False)
        self.top_ids = Bags(*(grown(a, -1) for a in self.top_ids))
        self.top_tf = Bags(*(grown(a, 0.0) for a in self.top_tf))

    def new_story(self) -> int:
        self.count += 1
        sid = self.count
        if sid >= self.capacity:
            self.grow(2 * self.capacity)
        self.headlines.append([])
        return sid

    def resolve(self, sid: int) -> int:
        """The live story a (possibly absorbed) id now refers to."""
        while 0 < sid <= self.count and self.into[sid]:
            sid = int(self.into[sid])
        return sid

    def live_count(self) -> int:
        return int(np.count_nonzero(self.into[1 : self.count + 1] == 0))

    def nearest(self, vector: NDArray[np.float32], limit: int) -> list[tuple[int, float]]:
        """The ``limit`` live stories whose centroids are closest to the unit ``vector``, closest
        first, with their cosine: an exact pass over every centroid (a million stories is one
        matrix-vector product), so a search never misses a story an approximate index dropped."""
        rows = slice(1, self.count + 1)
        # einsum's own loop rather than BLAS: a server's parallelism is its requests, and a threaded
        # BLAS matrix-vector product on a busy 2-core machine took 11 ms for 33k stories, this 3 ms.
        cosines = np.einsum("ij,j->i", self.unit[rows], vector)
        cosines[(self.into[rows] != 0) | (self.size[rows] == 0)] = -np.inf
        k = min(limit, int(np.count_nonzero(np.isfinite(cosines))))
        if k <= 0:
            return []
        top = np.argpartition(-cosines, k - 1)[:k]
        top = top[np.lexsort((top, -cosines[top]))]
        return [(int(i) + 1, float(cosines[i])) for i in top]

    def term_weights(self, sid: int, idf: Idf) -> NDArray[np.float64]:
        """tf x idf of the story's top terms, in ``top_ids.terms[sid]`` order."""
        return weighted_tf(self.top_ids.terms[sid], self.top_tf.terms[sid], idf)

    def add_member(self, sid: int, member: StoryMember, idf: Idf) -> None:
        """Count a new member into the story's centroid, size, flags, time and top terms."""
        total = self.unit[sid] * self.norm[sid] + member.vector
        self.set_centroid(sid, total)
        self.size[sid] += 1
        self.full[sid] |= member.full
        if not math.isnan(member.time):
            self.last[sid] = np.fmax(self.last[sid], member.time)
        for top_ids, top_tf, bag, k in zip(
            self.top_ids, self.top_tf, member.bags, self.top_sizes, strict=True
        ):
            top_ids[sid], top_tf[sid] = _merge_top(top_ids[sid], top_tf[sid], bag.ids, bag.tf, idf, k)

    def absorb(self, absorbed: int, into: int, idf: Idf) -> None:
        """Fold story ``absorbed`` into ``into`` (all but the label candidates) and redirect it."""
        total = self.unit[into] * self.norm[into] + self.unit[absorbed] * self.norm[absorbed]
        self.set_centroid(into, total)
        self.size[into] += self.size[absorbed]
        self.full[into] |= self.full[absorbed]
        self.last[into] = np.fmax(self.last[into], self.last[absorbed])
        for top_ids, top_tf, k in zip(self.top_ids, self.top_tf, self.top_sizes, strict=True):
            keep = top_ids[absorbed] >= 0
            top_ids[into], top_tf[into] = _merge_top(
                top_ids[into], top_tf[into], top_ids[absorbed][keep], top_tf[absorbed][keep], idf, k
            )
        self.into[absorbed] = into

    def remove_members(self, sid: int, members: Sequence[StoryMember]) -> None:
        """Take ``members`` out of story ``sid``'s centroid, size and top terms (a term whose
        weight falls to nothing leaves the top). Its newest time and full-text flag stay: what the
        story keeps cannot tell whether another member holds them."""
        moved = np.sum([m.vector for m in members], axis=0, dtype=np.float32)
        total = self.unit[sid] * self.norm[sid] - moved
        self.set_centroid(sid, total)
        self.size[sid] -= len(members)
        for channel, (top_ids, top_tf) in enumerate(zip(self.top_ids, self.top_tf, strict=True)):
            ids, tf = top_ids[sid], top_tf[sid]
            for m in members:
                bag = m.bags[channel]
                hit = (ids >= 0) & np.isin(ids, bag.ids)
                tf[hit] -= bag.tf[np.searchsorted(bag.ids, ids[hit])]  # a bag's ids are sorted
            gone = tf <= 0
            ids[gone], tf[gone] = -1, 0.0

    def rebuild(self, sid: int, members: Sequence[StoryMember], idf: Idf) -> None:
        """Make ``sid`` the story of exactly ``members`` (all but the label candidates)."""
        self.set_centroid(sid, np.sum([m.vector for m in members], axis=0, dtype=np.float32))
        self.size[sid] = len(members)
        self.full[sid] = any(m.full for m in members)
        times = [m.time for m in members if not math.isnan(m.time)]
        self.last[sid] = max(times) if times else math.nan
        for channel, (top_ids, top_tf, k) in enumerate(
            zip(self.top_ids, self.top_tf, self.top_sizes, strict=True)
        ):
            ids, tf = np.full(k, -1, dtype=np.int32), np.zeros(k, dtype=np.float32)
            for m in members:
                bag = m.bags[channel]
                ids, tf = _merge_top(ids, tf, bag.ids, bag.tf, idf, k)
            top_ids[sid], top_tf[sid] = ids, tf

    def set_centroid(self, sid: int, total: F32) -> None:
        norm = float(np.linalg.norm(total))
        self.norm[sid] = norm
        self.unit[sid] = total / norm if norm > 0 else total


def _merge_top(ids: I32, tf: F32, new_ids: I32, new_tf: F32, idf: Idf, k: int) -> tuple[I32, F32]:
    """Add a bag to a story's top-``k`` terms, keeping the ``k`` heaviest by accumulated tf x idf.

    Each side holds an id at most once, so an id's weight is one float32 pair summed: bincount's
    float64 sum rounded once to float32 is that sum to the bit, and much cheaper than ``add.at``.
    """
    keep = ids >= 0
    all_ids = np.concatenate([ids[keep], new_ids])
    all_tf = np.concatenate([tf[keep], new_tf])
    uniq, inverse = np.unique(all_ids, return_inverse=True)
    summed = np.bincount(inverse, weights=all_tf, minlength=len(uniq)).astype(np.float32)
    rank = summed * idf[uniq]
    order = np.lexsort((uniq, -rank))[:k]
    out_ids = np.full(k, -1, dtype=np.int32)
    out_tf = np.zeros(k, dtype=np.float32)
    out_ids[: len(order)] = uniq[order]
    out_tf[: len(order)] = summed[order]
    return out_ids, out_tf
