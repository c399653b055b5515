from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storyline.ingest.segment import segment
from storyline.models import (
    Article,
    MetaValue,
    Origin,
    PublishedTime,
    Rejection,
)
from storyline.store import Store, open_store
from storyline.store.base import (
    ClustererState,
    IngestCounts,
    SourceRecord,
    StoryMergeRow,
    StorySplitRow,
)
from storyline.store.migrations import SQLITE_MIGRATIONS
from storyline.store.sqlite import SQLiteStore


def make_article(text: str, external_id: str = "x") -> Article:
    paragraphs, sentences = segment(text)
    return Article(
        external_id=external_id,
        locator=f"{external_id}:1",
        raw_sha256="0" * 64,
        text=text,
        title=MetaValue("A title", Origin.SUPPLIED),
        outlet=MetaValue("Harbor Wire", Origin.SUPPLIED),
        url=MetaValue.missing(),
        author=MetaValue.missing(),
        language=MetaValue("en", Origin.SUPPLIED),
        published=PublishedTime(
            datetime(2026, 3, 2, 8, 15, tzinfo=UTC), Origin.SUPPLIED, "2026-03-02T08:15Z"
        ),
        paragraphs=paragraphs,
        sentences=sentences,
        extra={"section": "business"},
    )


def test_fresh_store_applies_every_migration(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "m.db")
    assert store.schema_version == len(SQLITE_MIGRATIONS)
    store.close()
    reopened = SQLiteStore(tmp_path / "m.db")  # re-opening applies nothing twice
    assert reopened.schema_version == len(SQLITE_MIGRATIONS)


def test_article_round_trip_keeps_metadata_provenance_and_offsets(tmp_path: Path) -> None:
    store = open_store(tmp_path / "r.db")
    run = store.start_run(["test"])
    article = make_article("First sentence here. Second one.\n\nNext paragraph.")
    article_id = store.insert_article(article, "h1", None, None, None)
    store.add_source(article_id, SourceRecord("x", "x:1", "0" * 64, run, {"origin": "supplied"}))
    stored = store.get_article(article_id)
    assert stored is not None
    assert stored.article == article
    assert store.find_article("x") == article_id
    assert store.find_article(str(article_id)) == article_id
    assert store.stored_sources([("x", "0" * 64), ("x", "1" * 64), ("y", "0" * 64)]) == {("x", "0" * 64)}
    assert store.stored_sources([]) == set()
    many = [(f"id{i}", "0" * 64) for i in range(2000)] + [("x", "0" * 64)]  # more than one statement's worth
    assert store.stored_sources(many) == {("x", "0" * 64)}


def test_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    store = open_store(tmp_path / "t.db")
    with pytest.raises(RuntimeError), store.transaction():
        store.insert_article(make_article("Will be rolled back."), "h2", None, None, None)
        raise RuntimeError("crash mid-batch")
    assert store.article_count() == 0


def test_runs_and_rejections_are_recorded(tmp_path: Path) -> None:
    store = open_store(tmp_path / "runs.db")
    run = store.start_run(["a", "b"])
    store.add_rejection(run, Rejection("a.jsonl:3", "malformed JSON: Expecting value"))
    store.finish_run(run, IngestCounts(read=3, new=2, rejected=1), "partial")
    (only,) = store.runs()
    assert only.status == "partial" and only.counts.rejected == 1 and only.finished_at is not None


def test_a_run_whose_process_is_gone_is_marked_interrupted_by_the_next(tmp_path: Path) -> None:
    store = open_store(tmp_path / "runs.db")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead_pid = int(finished.stdout)
    dead, elsewhere, live = (store.start_run([name]) for name in ("dead", "elsewhere", "live"))
    with sqlite3.connect(tmp_path / "runs.db") as db:
        db.execute("UPDATE ingest_runs SET pid = ? WHERE id = ?", (dead_pid, dead))
        db.execute(
            "UPDATE ingest_runs SET host = 'another-host', pid = ? WHERE id = ?", (dead_pid, elsewhere)
        )
    store.start_run(["next"])
    status = {run.id: run.status for run in store.runs()}
    assert status[dead] == "interrupted"
    assert status[elsewhere] == "running"  # another machine's process can't be checked from here
    assert status[live] == "running"  # this test's own process


def _store_with_articles(tmp_path: Path, count: int) -> tuple[Store, list[int]]:
    """A store holding ``count`` short articles with sources ``a0``, ``a1``, …; their ids."""
    store = open_store(tmp_path / "s.db")
    run = store.start_run(["x"])
    ids = []
    for n in range(count):
        article_id = store.insert_article(
            make_article(f"Story text number {n}.", f"a{n}"), f"h{n}", None, None, None
        )
        store.add_source(article_id, SourceRecord(f"a{n}", f"a{n}", str(n) * 64, run, {}))
        ids.append(article_id)
    return store, ids


def test_merged_story_id_keeps_resolving(tmp_path: Path) -> None:
    store, ids = _store_with_articles(tmp_path, 3)
    now = datetime(2026, 3, 3, tzinfo=UTC)
    store.assign_story(ids[0], 1, 1.0)
    store.assign_story(ids[1], 2, 1.0)
    store.assign_story(ids[2], 3, 1.0)
    for story_id in (1, 2, 3):
        store.refresh_story(story_id, f"label {story_id}", ["kessel"], now)
    store.record_merge(StoryMergeRow(2, 1, now, 0.8, "centroids converged"))
    store.record_merge(StoryMergeRow(1, 3, now, 0.7, "centroids converged"))
    store.refresh_story(3, "label 3", ["kessel"], now)
    assert store.resolve_story(2) == 3  # a chain of merges still lands on the survivor
    assert store.resolve_story(1) == 3
    assert store.resolve_story(99) is None
    assert [a.id for a in store.story_articles(3)] == ids
    story = store.story(3)
    assert story is not None and story.article_count == 3 and story.outlet_count == 1
    assert {m.absorbed for m in store.story_merges(3)} == {1, 2}


def test_a_split_moves_only_the_listed_articles_and_keeps_its_lineage(tmp_path: Path) -> None:
    store, ids = _store_with_articles(tmp_path, 4)
    for article_id in ids:
        store.assign_story(article_id, 1, 1.0)
    now = datetime(2026, 3, 3, tzinfo=UTC)
    split = StorySplitRow(1, 2, now, 0.4, "its reports fell into two groups that score apart", 2)
    store.record_split(split, ids[2:])
    for story_id in (1, 2):
        store.refresh_story(story_id, f"label {story_id}", ["kessel"], now)
    assert [a.id for a in store.story_articles(1)] == ids[:2]
    assert [a.id for a in store.story_articles(2)] == ids[2:]
    assert store.resolve_story(2) == 2
    assert store.story_splits(1) == store.story_splits(2) == [split]
    assert dict(store.story_assignments()) == {"a0": 1, "a1": 1, "a2": 2, "a3": 2}


def test_clusterer_state_is_a_full_state_plus_ordered_change_records(tmp_path: Path) -> None:
    store = open_store(tmp_path / "c.db")
    assert store.load_clusterer_state() is None
    store.save_clusterer_state(b"full-1")
    store.append_clusterer_changes(b"change-a")
    store.append_clusterer_changes(b"change-b")
    state = store.load_clusterer_state()
    assert state is not None
    assert (state.full, state.changes, state.size) == (b"full-1", [b"change-a", b"change-b"], (6, 16))
    # A new full state supersedes the records written over the old one.
    store.save_clusterer_state(b"full-2")
    assert store.load_clusterer_state() == ClustererState(b"full-2", [])


def test_a_rolled_back_batch_leaves_no_change_record(tmp_path: Path) -> None:
    store = open_store(tmp_path / "r.db")
    store.save_clusterer_state(b"full")
    with pytest.raises(RuntimeError), store.transaction():
        store.append_clusterer_changes(b"lost")
        raise RuntimeError("crash mid-batch")
    assert store.load_clusterer_state() == ClustererState(b"full", [])


def test_a_store_from_before_change_records_keeps_its_state(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
    for version, script in enumerate(SQLITE_MIGRATIONS[:2], start=1):
        conn.executescript(script)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, "2026-01-01"))
    conn.execute("INSERT INTO clusterer_state VALUES (1, ?, ?)", (b"old-full", "2026-01-01"))
    conn.commit()
    conn.close()
    store = SQLiteStore(db)
    assert store.schema_version == len(SQLITE_MIGRATIONS)
    assert store.load_clusterer_state() == ClustererState(b"old-full", [])
    store.append_clusterer_changes(b"next")
    assert store.load_clusterer_state() == ClustererState(b"old-full", [b"next"])
