"""Which stories an arriving article is scored against: a few dozen, never the whole corpus.

Three sources, each covering what the others miss:

- exact dense search over the ``recent_window`` most recently created stories (live news, whose
  centroids still move with every report);
- an HNSW index over the older stories (old and cold ones a report may revive);
- posting lists: the stories listed under the article's most salient terms (a story whose centroid
  drifted away from a report that still names its people and places).

Candidates are only proposed here; every one is scored exactly (``scoring``).
"""

from __future__ import annotations

from array import array

import hnswlib
import numpy as np

from storyline.stories.features import F32, I32, Idf, TermBag
from storyline.stories.params import StoryParams
from storyline.stories.story_table import StoryTable


def salient_terms(terms: TermBag, idf: Idf, k: int) -> list[int]:
    """The ``k`` heaviest ids of a term bag by tf x idf (ties: lowest id)."""
    weights = terms.tf * idf[terms.ids]
    order = np.lexsort((terms.ids, -weights))
    return [int(terms.ids[i]) for i in order[:k]]


class Postings:
    """Per term id, the stories listed under it, oldest first; at most ``2 x cap`` per list (cut back
    to the newest ``cap`` when it overflows, so appends stay amortised O(1))."""

    def __init__(self, lists: dict[int, array[int]] | None = None) -> None:
        self.lists: dict[int, array[int]] = lists if lists is not None else {}

    def post(self, sid: int, term_ids: list[int], cap: int) -> list[int]:
        """List story ``sid`` under ``term_ids``; returns the ids whose list changed."""
        changed = []
        for tid in term_ids:
            posting = self.lists.setdefault(tid, array("i"))
            if not posting or posting[-1] != sid:
                posting.append(sid)
                changed.append(tid)
                if len(posting) > 2 * cap:
                    del posting[:-cap]
        return changed


class CandidateIndex:
    """Finds candidate stories in ``stories`` and keeps the ANN index and posting lists current.

    The ANN index is derived data: built here from the centroids of the stories no longer searched
    exactly, so a loaded state needs none stored.
    """

    def __init__(self, params: StoryParams, stories: StoryTable, postings: Postings) -> None:
        self._params = params
        self._stories = stories
        self.postings = postings
        self._index = hnswlib.Index(space="ip", dim=stories.dim)
        self._index.init_index(
            max_elements=stories.capacity,
            M=params.hnsw_m,
            ef_construction=params.hnsw_ef_construction,
            random_seed=params.seed,
        )
        self._index.set_ef(params.hnsw_ef)
        self._index.set_num_threads(1)
        self._deleted = 0
        # Story size when its vector was last written to the index; 0 = not in the index.
        self._indexed_size = np.zeros(stories.capacity, dtype=np.int32)
        indexed = max(0, stories.count - params.recent_window)
        alive = np.flatnonzero(stories.into[1 : indexed + 1] == 0) + 1
        if len(alive):
            # One thread: the graph, hence which candidates it proposes, must not depend on timing.
            self._index.add_items(stories.unit[alive], alive, num_threads=1)
            self._indexed_size[alive] = stories.size[alive]

    @property
    def indexed_count(self) -> int:
        """Stories in the ANN index (absorbed ones excluded)."""
        return int(self._index.get_current_count()) - self._deleted

    def find(self, vector: F32, terms: TermBag, idf: Idf) -> I32:
        """Live candidate stories (ascending ids) for an article with embedding ``vector`` and
        content terms ``terms``."""
        p = self._params
        stories = self._stories
        n = stories.count
        found: set[int] = set()
        if n:
            lo = max(1, n - p.recent_window + 1)
            sims = stories.unit[lo : n + 1] @ vector
            k = min(p.recent_k, len(sims))
            top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
            found.update(int(i) + lo for i in top)
            if lo > 1 and self._index.get_current_count() > 0:
                k = min(p.ann_k, self.indexed_count)
                if k > 0:
                    labels, _ = self._index.knn_query(vector[None, :], k=k, num_threads=1)
                    found.update(int(i) for i in labels[0])
            for tid in salient_terms(terms, idf, p.posting_terms):
                posting = self.postings.lists.get(tid)
                if posting is not None:
                    found.update(posting[-p.posting_depth :])
        alive = sorted({stories.resolve(s) for s in found})
        return np.array(alive, dtype=np.int32)

    def post(self, sid: int, terms: TermBag, idf: Idf) -> list[int]:
        """List story ``sid`` under the salient terms of a member's ``terms``; returns the term ids
        whose posting list changed."""
        p = self._params
        return self.postings.post(sid, salient_terms(terms, idf, p.posting_terms), p.posting_cap)

    def story_created(self, sid: int) -> None:
        """A new story pushes the oldest of the recent window out: it enters the ANN index now."""
        leaving = sid - self._params.recent_window
        if leaving > 0 and not self._stories.into[leaving]:
            self.sync(leaving)

    def sync(self, sid: int) -> None:
        """Write a story's centroid to the ANN index when it has grown by a quarter since last time.

        The index only proposes candidates (scores use the exact centroid), and a centroid moves less
        with every member, so re-indexing at geometric sizes keeps it close at O(log size) updates
        instead of one costly graph update per article. A story among the ``recent_window`` newest
        is searched exactly and enters the index only when it leaves them (``story_created``): one
        insert with a settled centroid instead of several while it grows fastest.
        """
        stories = self._stories
        if sid > stories.count - self._params.recent_window:
            return
        if sid >= len(self._indexed_size):
            self._indexed_size = np.concatenate(
                [self._indexed_size, np.zeros(stories.capacity - len(self._indexed_size), np.int32)]
            )
        size = int(stories.size[sid])
        indexed = self._indexed_size[sid]
        if indexed and size * 4 < indexed * 5:
            return
        self._indexed_size[sid] = size
        if self._index.get_max_elements() <= sid:
            self._index.resize_index(2 * self._index.get_max_elements())
        self._index.add_items(stories.unit[sid][None, :], np.array([sid]), num_threads=1)

    def reindex(self, sid: int) -> None:
        """Write the centroid of ``sid`` again whatever its growth: it was rebuilt and moved by more
        than growth would move it."""
        if sid < len(self._indexed_size):
            self._indexed_size[sid] = 0
        self.sync(sid)

    def remove(self, sid: int) -> None:
        """Story ``sid`` was absorbed: it is no longer proposed."""
        if sid < len(self._indexed_size) and self._indexed_size[sid]:
            self._index.mark_deleted(sid)
            self._deleted += 1
