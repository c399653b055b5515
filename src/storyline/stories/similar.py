"""Semantic search over stories: the query's embedding against every story's centroid, as the
store last saved them.

A reader needs only the story table of the clusterer's saved state (no ANN index, no vocabulary
work), and must never wait for it while an ingest keeps moving the stories on: the table is loaded
once, then reloaded in the background at most every ``refresh_seconds`` when the stored state
changed, while searches go on against the table in hand. A new story therefore joins semantic
results within that delay; keyword search reads the store and is always current.
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
from storyline.stories.state import read_state
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
        self._lock = threading.Lock()
        # Replaced whole on a reload, never changed in place: a search reads the pair it took.
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
        return table.nearest(embedder.encode([text])[0], limit)

    def _load(self, store: Store) -> None:
        saved = store.clusterer_state.load()
        self._checked = time.monotonic()
        if saved is None:
            return
        embedder = self._embedder_for(saved)
        table = read_state(saved.full, saved.changes, self._params(), embedder).stories
        self._loaded, self._version = (table, embedder), saved.version

    def _reload(self, store: Store) -> None:
        try:
            saved = store.clusterer_state.load()
            if saved is not None:
                embedder = self._embedder_for(saved)
                table = read_state(saved.full, saved.changes, self._params(), embedder).stories
                with self._lock:
                    self._loaded, self._version = (table, embedder), saved.version
        finally:
            self._reloading = False
