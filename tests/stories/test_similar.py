"""Semantic search over the saved story table: found by meaning, and stories saved after the table
was loaded join the results once it reloads in the background, which applies only the change
records saved since."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from storyline.stories import StoryParams
from storyline.stories.embeddings import HashingEmbedder
from storyline.stories.similar import SimilarStories
from storyline.stories.state import StatePart, apply_story_rows, read_story_table
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


def test_the_change_records_saved_since_bring_a_table_up_to_date(tmp_path: Path) -> None:
    params, embedder = StoryParams.load(), HashingEmbedder()
    # Words no other record shares: each its own story, past the 64 rows a small table starts with.
    words = [f"{chr(97 + i % 26)}{chr(97 + i // 26)}zq" for i in range(70)]
    records = [{"id": w, "title": f"{w} {w}x", "text": f"The {w} {w}x {w}y report."} for w in words]
    with Tracker(
        tmp_path / "store.db", embedder=embedder, extract_entities=False, compare_sources=False
    ) as tracker:
        tracker.add([FERRY])
        first = tracker.store.clusterer_state.load()
        assert first is not None
        table = read_story_table(first.full, first.changes, params, embedder)
        tracker.add(records)
        newer = tracker.store.clusterer_state.changes_after(first.version)
        assert newer is not None, "the ingest saved change records, not a new full state"
        changes, reached = newer
        apply_story_rows(table, [StatePart.parse(change) for change in changes])
        whole = tracker.store.clusterer_state.load()
        assert whole is not None and reached == whole.version
        expected = read_story_table(whole.full, whole.changes, params, embedder)
    assert table.count == expected.count > 64
    rows = slice(0, expected.count + 1)
    for column in ("unit", "norm", "size", "into", "full"):
        assert np.array_equal(getattr(table, column)[rows], getattr(expected, column)[rows]), column
    assert table.nearest(embedder.encode(["glacier"])[0], 5) == expected.nearest(
        embedder.encode(["glacier"])[0], 5
    )
