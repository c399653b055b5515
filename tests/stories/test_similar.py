"""Semantic search over the saved story table: found by meaning, and stories saved after the table
was loaded join the results once it reloads in the background."""

from __future__ import annotations

import time
from pathlib import Path

from storyline.stories import StoryParams
from storyline.stories.embeddings import HashingEmbedder
from storyline.stories.similar import SimilarStories
from storyline.tracker import Tracker

FERRY = {"id": "f", "title": "Harbour ferry aground", "text": "The harbour ferry ran aground near the pier."}
GLACIER = {"id": "g", "title": "Glacier retreat", "text": "A satellite survey measured the glacier retreat."}


def test_a_story_saved_after_loading_joins_the_results_after_a_reload(tmp_path: Path) -> None:
    with Tracker(tmp_path / "store.db", embedder=HashingEmbedder(), extract_entities=False) as tracker:
        similar = SimilarStories(StoryParams.load, lambda saved: HashingEmbedder(), refresh_seconds=0)
        assert similar.find(tracker.store, "glacier", 5) == []  # no stories saved yet
        tracker.add([FERRY])
        (ferry,) = similar.find(tracker.store, "harbour ferry", 5)
        tracker.add([GLACIER])
        deadline = time.monotonic() + 60  # the reload runs on a thread of its own
        found = similar.find(tracker.store, "glacier survey", 5)
        while len(found) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            found = similar.find(tracker.store, "glacier survey", 5)
        assert len(found) == 2 and found[0][0] != ferry[0] and found[0][1] > found[1][1]
