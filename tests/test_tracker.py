"""End-to-end ingest through the library: seeds, idempotency, duplicates, bad input, crash safety."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from storyline.models import Origin
from storyline.stories import HashingEmbedder, StoryClusterer, StoryParams
from storyline.tracker import Tracker

from .conftest import SAMPLES, invented_text
from .support.stories import split_test_params
from .support.texts import QUAKE_A, QUAKE_A_FOLLOW, QUAKE_A_THIRD, QUAKE_B, QUAKE_B_FOLLOW, QUAKE_B_THIRD
from .test_duplicates import edited_copy

pytestmark = pytest.mark.slow  # the story stage loads the real sentence-embedding model

SEED_003 = "003_da356aaa87fc9689.txt"
SEED_000 = "000_b85230806259d9d3.txt"
SEED_004 = "004_e649c01a3f39ea4e.txt"


def test_three_seeds_become_three_clean_articles_and_reingest_changes_nothing(
    seeds: Path, tmp_path: Path
) -> None:
    db = tmp_path / "s.db"
    with Tracker(db) as tracker:
        report = tracker.ingest([str(seeds)])
        assert (report.counts.read, report.counts.new, report.counts.rejected) == (3, 3, 0)

        scraped = tracker.article(SEED_003)
        assert scraped is not None
        a = scraped.article
        assert a.title.value == "Exposing Truth and Securing Freedom: Guan Heng's Fight for Justice"
        assert a.published.value == datetime(
            2026, 2, 5, 6, 25, tzinfo=timezone(timedelta(hours=5, minutes=30))
        )
        assert a.published.origin is Origin.DATELINE
        assert a.outlet.value == "Devdiscourse"
        for chrome in ("TRENDING", "Left Menu", "Phone:", "Copyright", "Turkey Seeks", "Country:"):
            assert chrome not in a.text
        assert "His case highlights the importance of safeguarding human rights activists." in a.text
        assert (
            "Despite the relief surrounding his release, Guan remains uncertain about his long-term plans."
            in a.text
        )
        # sentences cite the stored text exactly
        assert all(a.text[s.start : s.end].strip() == a.text[s.start : s.end] for s in a.sentences)

        padded = tracker.article(SEED_000)
        assert padded is not None
        assert padded.article.text == padded.article.text.strip()
        assert "\n\n\n" not in padded.article.text

        again = tracker.ingest([seeds])  # a Path names the same inputs as its str
        assert (again.counts.new, again.counts.already_stored) == (0, 3)
        for lone in (seeds / SEED_000, str(seeds / SEED_000)):  # one path, not a list of one
            once_more = tracker.ingest(lone)
            assert (once_more.counts.read, once_more.counts.already_stored) == (1, 1)
        assert tracker.store.article_count() == 3


def test_edited_copy_joins_the_seed_group_but_rewrites_do_not(seeds: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (SEED_000, SEED_003, SEED_004):
        (folder / name).write_text((seeds / name).read_text())
    (folder / "zz_edited_copy.txt").write_text(edited_copy((seeds / SEED_004).read_text()))
    with Tracker(tmp_path / "d.db") as tracker:
        report = tracker.ingest([str(folder)])
        assert report.counts.near_duplicates == 1
        copy = tracker.article("zz_edited_copy.txt")
        original = tracker.article(SEED_004)
        assert copy is not None and original is not None
        assert copy.duplicate_of == original.id
        assert copy.story_id == original.story_id
        for name in (SEED_000, SEED_003):
            rewrite = tracker.article(name)
            assert rewrite is not None and rewrite.duplicate_of is None


def test_exact_duplicate_is_stored_once_with_every_source(tmp_path: Path) -> None:
    body = "Dock workers at Port Kessel walked off the job on Monday over an automation plan. " * 3
    records = [
        {"id": "a", "text": body, "source": "Harbor Wire"},
        {"id": "b", "text": body.upper(), "source": "Other Paper"},
    ]
    with Tracker(tmp_path / "e.db") as tracker:
        report = tracker.add(records)
        assert (report.counts.new, report.counts.exact_duplicates) == (1, 1)
        stored = tracker.article("b")
        assert stored is not None
        assert [s.external_id for s in stored.sources] == ["a", "b"]
        assert sorted(ext for ext, _ in tracker.assignments()) == ["a", "b"]


def test_sample_corpus_ingests_with_every_format(tmp_path: Path) -> None:
    with Tracker(tmp_path / "samples.db") as tracker:
        report = tracker.ingest([str(SAMPLES)])
        assert report.rejections == []
        ids = {row.external_id for row in tracker.articles()}
        assert "wire-kessel-001" in ids
        assert "pages/kessel-day2.html" in ids
        assert "https://inlandcourier.news/business/kessel-mediator" in ids
        html = tracker.article("pages/kessel-day2.html")
        assert html is not None
        assert html.article.outlet.value == "The Coastal Ledger"
        assert "Most read" not in html.article.text and "cookies" not in html.article.text
        # the feed's copy of the wire story is a lightly edited copy: one duplicate group
        feed_copy = tracker.article("https://inlandcourier.news/business/kessel-talks-break-down")
        wire = tracker.article("wire-kessel-002")
        assert feed_copy is not None and wire is not None
        # the host gives 'Inlandcourier'; the feed's title spells the name
        assert feed_copy.article.outlet.value == "Inland Courier"
        assert (feed_copy.duplicate_of or feed_copy.id) == (wire.duplicate_of or wire.id)
        assert feed_copy.story_id == wire.story_id


def test_bad_inputs_are_reported_one_line_each_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "good.txt").write_text("A ferry ran aground near the harbour on Sunday. Nobody was hurt.\n")
    (folder / "empty.txt").write_text("")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (folder / "records.jsonl").write_text(
        json.dumps({"id": "r1", "text": "The river burst its banks after three days of rain."})
        + "\n{not json\n"
        + json.dumps({"id": "r3", "title": "Headline-only record about the rain"})
        + "\n"
    )
    (folder / "feed.xml").write_text("<rss><channel><item><title>broken")
    with Tracker(tmp_path / "b.db") as tracker:
        report = tracker.ingest([str(folder)])
        assert report.partial
        located = {r.locator.split("/")[-1].split(":")[0].split("#")[0] for r in report.rejections}
        assert {"empty.txt", "image.txt", "nav.html", "records.jsonl", "feed.xml"} <= located
        assert all("\n" not in r.reason for r in report.rejections)
        ids = {row.external_id for row in tracker.articles()}
        assert {"good.txt", "r1", "r3"} <= ids


def test_kill_minus_nine_mid_ingest_then_resume_finishes_without_duplicates(tmp_path: Path) -> None:
    rng = random.Random(7)
    total = 1200
    data = tmp_path / "stream.jsonl"
    with data.open("w") as fh:
        for i in range(total):
            fh.write(json.dumps({"id": f"n{i}", "title": f"Report {i}", "text": invented_text(rng)}) + "\n")
    db = tmp_path / "k.db"
    command = [sys.executable, "-m", "storyline", "ingest", str(data), "--db", str(db)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            if _stored_articles(db) > 0:
                break
            time.sleep(0.2)
        assert process.poll() is None, "ingest finished before it could be killed: make the input larger"
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    stored = _count(db, "SELECT COUNT(*) FROM articles")
    assert 0 < stored < total
    # whole batches only: every stored article has its source, sentences and story
    assert (
        _count(db, "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM article_sources)")
        == 0
    )
    assert _count(db, "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM sentences)") == 0
    assert (
        _count(db, "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM story_articles)")
        == 0
    )

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert _count(db, "SELECT COUNT(*) FROM articles") == total
    assert _count(db, "SELECT COUNT(DISTINCT external_id) FROM article_sources") == total
    assert _count(db, "SELECT COUNT(*) FROM article_sources") == total
    # the resumed run saw that the killed one's process was gone
    assert _count(db, "SELECT COUNT(*) FROM ingest_runs WHERE status = 'running'") == 0
    assert _count(db, "SELECT COUNT(*) FROM ingest_runs WHERE status = 'interrupted'") == 1


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def _stored_articles(db: Path) -> int:
    """Articles stored so far by an ingest still starting up: its file can exist before its schema."""
    if not db.exists():
        return 0
    try:
        return _count(db, "SELECT COUNT(*) FROM articles")
    except sqlite3.OperationalError:  # no such table yet
        return 0


def test_a_crash_inside_one_record_is_a_rejection_not_a_lost_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.ingest.articles as articles

    real = articles.clean_scraped_text

    def explode_on_marker(raw: str) -> object:
        if "EXPLODE" in raw:
            raise RuntimeError("cleaner blew up\non two lines")
        return real(raw)

    monkeypatch.setattr(articles, "clean_scraped_text", explode_on_marker)
    records = [
        {"id": "fine-1", "text": "The new ferry terminal opened on Monday after two years of work."},
        {"id": "boom", "text": "EXPLODE this record please, it is a trap for the cleaner."},
        {"id": "fine-2", "text": "Farmers reported the driest spring in forty years across the valley."},
    ]
    with Tracker(tmp_path / "c.db") as tracker:
        report = tracker.add(records)
        assert [r.reason for r in report.rejections] == [
            "could not process (RuntimeError: cleaner blew up on two lines)"
        ]
        assert {row.external_id for row in tracker.articles()} == {"fine-1", "fine-2"}


def test_bulk_load_without_stories_is_assigned_by_the_next_run(tmp_path: Path) -> None:
    db = tmp_path / "bulk.db"
    with Tracker(db, assign_stories=False) as loader:
        loader.ingest([str(SAMPLES)])
        assert all(row.story_id is None for row in loader.articles())
    with Tracker(db) as tracker:
        tracker.add([{"id": "late", "text": "Fire crews in Dunmore stood down on Friday as rain fell."}])
        rows = tracker.articles()
        assert rows and all(row.story_id is not None for row in rows)
        assert tracker.stories()


def test_story_state_is_saved_as_change_records_that_load_to_the_live_state(tmp_path: Path) -> None:
    rng = random.Random(11)
    records = [{"id": f"s{i}", "title": f"Report {i}", "text": invented_text(rng)} for i in range(30)]
    db = tmp_path / "state.db"
    with_changes = 0
    with Tracker(db, batch_size=6) as tracker:
        for start in range(0, len(records), 6):
            tracker.add(records[start : start + 6])
            live = tracker._story_clusterer().dump_state()
            state = tracker.store.load_clusterer_state()
            assert state is not None
            with_changes += bool(state.changes)
            assert StoryClusterer.load_state(state.full, changes=state.changes).dump_state() == live
    assert with_changes  # some batches saved only what they changed


def test_a_batch_that_fails_after_assigning_leaves_stories_and_state_in_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(12)
    records = [{"id": f"c{i}", "title": f"Report {i}", "text": invented_text(rng)} for i in range(30)]
    db = tmp_path / "crash.db"
    with Tracker(db, batch_size=6) as tracker:
        real = tracker.store.append_clusterer_changes
        saves = 0

        def fail_on_third_save(data: bytes) -> None:
            nonlocal saves
            saves += 1
            if saves == 2:  # the third batch (the first saved a full state)
                raise RuntimeError("disk full")
            real(data)

        monkeypatch.setattr(tracker.store, "append_clusterer_changes", fail_on_third_save)
        with pytest.raises(RuntimeError, match="disk full"):
            tracker.add(records)
        assert len(tracker.articles()) == 12  # the failed batch rolled back whole
        tracker.add(records)  # resumes from the stored state
        assignments = dict(tracker.assignments())
    with Tracker(db) as reopened:
        state = reopened.store.load_clusterer_state()
        assert state is not None
        clusterer = StoryClusterer.load_state(state.full, changes=state.changes)
        for row in reopened.articles():
            assert clusterer.story_of(row.id) == reopened.store.resolve_story(assignments[row.external_id])
    assert len(assignments) == 30


def test_story_params_given_to_the_tracker_survive_a_rolled_back_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = StoryParams.load()
    # Thresholds no score reaches: every article must start its own story, before and after the failure.
    never = {"threshold": 99.0, "merge_threshold": 99.0, "bridge_threshold": 99.0}
    apart = replace(
        shipped,
        headline=replace(shipped.headline, **never),
        full_text=replace(shipped.full_text, **never),
        mixed=replace(shipped.mixed, **never),
    )
    rng = random.Random(13)
    records = [{"id": f"r{i}", "title": f"Report {i}", "text": invented_text(rng)} for i in range(12)]
    with Tracker(tmp_path / "p.db", batch_size=6, story_params=apart) as tracker:
        real = tracker.store.append_clusterer_changes

        def fail_once(data: bytes) -> None:
            monkeypatch.setattr(tracker.store, "append_clusterer_changes", real)
            raise RuntimeError("disk full")

        monkeypatch.setattr(tracker.store, "append_clusterer_changes", fail_once)
        with pytest.raises(RuntimeError, match="disk full"):
            tracker.add(records)
        tracker.add(records)
        assert tracker._story_clusterer().params is apart
        assert len(tracker.stories()) == 12


def ingest_two_quakes_in_one_loose_story(db: Path) -> dict[str, int]:
    """Six reports of two earthquakes, two per batch, into a store whose scorer joins loosely enough
    that both land in one story until the split; returns each input id's story."""
    texts = {
        "quake-a1": QUAKE_A,
        "quake-b1": QUAKE_B,
        "quake-a2": QUAKE_A_FOLLOW,
        "quake-b2": QUAKE_B_FOLLOW,
        "quake-a3": QUAKE_A_THIRD,
        "quake-b3": QUAKE_B_THIRD,
    }
    params = split_test_params()
    with Tracker(db, batch_size=2, story_params=params, embedder=HashingEmbedder()) as tracker:
        tracker.add([{"id": key, "text": text} for key, text in texts.items()])
        return dict(tracker.assignments())


def test_a_split_moves_articles_in_the_store_and_is_recorded(tmp_path: Path) -> None:
    db = tmp_path / "split.db"
    assignments = ingest_two_quakes_in_one_loose_story(db)
    assert assignments == {
        "quake-a1": 1,
        "quake-b1": 2,
        "quake-a2": 1,
        "quake-b2": 2,
        "quake-a3": 1,
        "quake-b3": 2,
    }
    with Tracker(db, story_params=split_test_params(), embedder=HashingEmbedder()) as tracker:
        kept, new = tracker.story(1), tracker.story(2)
        assert kept is not None and new is not None
        assert kept.story.article_count == 3 and new.story.article_count == 3
        assert "Ridgeford" in kept.story.label and "Ambry" in new.story.label
        assert kept.splits == new.splits
        (split,) = new.splits
        assert (split.story_id, split.new_story_id, split.article_count) == (1, 2, 3)
        # The store and the clusterer's saved state agree on every article's story.
        state = tracker.store.load_clusterer_state()
        assert state is not None
        clusterer = StoryClusterer.load_state(
            state.full, split_test_params(), HashingEmbedder(), changes=state.changes
        )
        for row in tracker.articles():
            assert row.story_id == clusterer.story_of(row.id)
