"""Semantic search over stories: the query's embedding against every story's centroid, as the
store last saved them.

A reader needs only the story rows of the clusterer's saved state (no ANN index, no vocabulary,
posting lists or kept members), and must never wait for them while an ingest keeps moving the
stories on: the table is read once, then brought up to date in the background at most every
``refresh_seconds`` when the stored state changed, while searches go on against the table in
hand. Bringing it up to date reads only the change records saved since (the writer saves one per
batch): it costs what changed, not the whole state, which is read again only when the writer
started a new generation (a full state). A new story therefore joins semantic results within that
delay; keyword search reads the store and is always current.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from storyline.store import Store
from storyline.store.records import ClustererState, StateVersion
from storyline.stories.embeddings import Embedder
from storyline.stories.params import StoryParams
from storyline.stories.state import StatePart, apply_story_rows, read_story_table
from storyline.stories.story_table import StoryTable

REFRESH_SECONDS = 60.0


class SimilarStories:
    """``params`` and ``embedder_for`` give what the saved state is read with (the stage's)."""

    def __init__(
        self,
        params: Callable[[], StoryParams],
        embedder_for: Callable[[ClustererState], Embedder],
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        self._params = params
        self._embedder_for = embedder_for
        self._refresh_seconds = refresh_seconds
        # Held to swap or update the table, and by a search while it reads the table: change
        # records are decoded outside it, and applied in place (a few rows) under it.
        self._lock = threading.Lock()
        self._loaded: tuple[StoryTable, Embedder] | None = None
        self._version: StateVersion | None = None
        self._checked = -math.inf
        self._reloading = False

    def find(self, store: Store, text: str, limit: int) -> list[tuple[int, float]]:
        """(story id, cosine) of the ``limit`` live stories closest to ``text``, closest first."""
        with self._lock:
            if self._loaded is None:
                self._load(store)  # the first search waits for the table; later ones never do
            elif time.monotonic() - self._checked >= self._refresh_seconds and not self._reloading:
                self._checked = time.monotonic()
                if store.clusterer_state.version() != self._version:
                    self._reloading = True
                    threading.Thread(target=self._reload, args=(store,), daemon=True).start()
            loaded = self._loaded
        if loaded is None:
            return []
        table, embedder = loaded
        vector = embedder.encode([text])[0]
        with self._lock:
            return table.nearest(vector, limit)

    def _load(self, store: Store) -> None:
        saved = store.clusterer_state.load()
        self._checked = time.monotonic()
        if saved is None:
            return
        embedder = self._embedder_for(saved)
        table = read_story_table(saved.full, saved.changes, self._params(), embedder)
        self._loaded, self._version = (table, embedder), saved.version

    def _reload(self, store: Store) -> None:
        try:
            # Only this thread replaces the table once it is loaded: what it read stays current.
            loaded, version = self._loaded, self._version
            newer = store.clusterer_state.changes_after(version) if version is not None else None
            if loaded is None or newer is None:  # a new generation: read it whole, then swap
                saved = store.clusterer_state.load()
                if saved is not None:
                    embedder = self._embedder_for(saved)
                    table = read_story_table(saved.full, saved.changes, self._params(), embedder)
                    with self._lock:
                        self._loaded, self._version = (table, embedder), saved.version
                return
            records, reached = newer
            parts = [StatePart.parse(record) for record in records]
            with self._lock:
                apply_story_rows(loaded[0], parts)
                self._version = reached
        finally:
            self._reloading = False
