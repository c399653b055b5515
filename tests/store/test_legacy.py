"""A store written by storyline 0.1 (SQLite, ``schema_migrations`` at version 5) is converted in
place when opened: every row survives, with its id."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from storyline.models import Rejection
from storyline.store import open_store
from storyline.store.records import (
    ClustererState,
    IngestCounts,
    RunStatus,
    SourceRecord,
    StateVersion,
    StoryMergeRow,
    StorySplitRow,
)
from tests.store.helpers import NOW, make_article

LEGACY_DDL = (Path(__file__).parent / "legacy_v01.sql").read_text()
IST = timezone(timedelta(hours=5, minutes=30))
SIGNATURE = np.arange(128, dtype=np.uint64) * 7

# One row or more in every 0.1 table, written as 0.1 wrote them: its own clock's times as UTC text
# to the second, caller-given times (merges, splits, story updates) as the caller's isoformat().
ROWS: dict[str, list[tuple[object, ...]]] = {
    "ingest_runs": [
        # from before hosts were recorded, counts never filled in (NULL)
        (
            1,
            "2026-01-05T09:00:00+00:00",
            None,
            '["old"]',
            "running",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            2,
            "2026-01-05T10:00:00+00:00",
            "2026-01-05T10:05:00+00:00",
            '["feeds/"]',
            "partial",
            4,
            3,
            0,
            1,
            0,
            1,
            "vm-1",
            4242,
        ),
    ],
    "articles": [
        (
            1,
            "doc1",
            "hash1",
            "Harbour council meets. The mayor spoke.",
            "Council",
            "supplied",
            "Harbor Wire",
            "supplied",
            "https://x/1",
            "supplied",
            None,
            "none",
            "en",
            "supplied",
            "2026-01-04T08:15:00+00:00",
            "supplied",
            "2026-01-04T08:15Z",
            "2026-01-04T08:15:00+00:00",
            '{"section": "local"}',
            "[]",
            SIGNATURE.tobytes(),
            None,
            None,
            "2026-01-05T10:01:00+00:00",
        ),
        (
            2,
            "doc2",
            "hash2",
            "Harbour council meets! The mayor spoke.",
            "Council",
            "supplied",
            "Daily Tide",
            "supplied",
            None,
            "none",
            None,
            "none",
            "en",
            "supplied",
            "2026-01-04T14:00:00+05:30",
            "supplied",
            "04-01-2026 14:00 IST",
            "2026-01-04T08:30:00+00:00",
            "{}",
            '["no author"]',
            SIGNATURE.tobytes(),
            1,
            0.91,
            "2026-01-05T10:01:00+00:00",
        ),
        (
            3,
            "doc3",
            "hash3",
            "An undated note.",
            None,
            "none",
            None,
            "none",
            None,
            "none",
            None,
            "none",
            None,
            "none",
            None,
            "none",
            None,
            None,
            "{}",
            "[]",
            None,
            None,
            None,
            "2026-01-05T10:02:00+00:00",
        ),
    ],
    "article_sources": [
        (1, 1, "doc1", "feeds/a.jsonl:1", "a" * 64, 2, '{"origin": "supplied"}', "2026-01-05T10:01:00+00:00"),
        (2, 2, "doc2", "feeds/a.jsonl:2", "b" * 64, 2, "{}", "2026-01-05T10:01:00+00:00"),
        (3, 1, "mirror-1", "feeds/b.jsonl:1", "c" * 64, 2, "{}", "2026-01-05T10:01:30+00:00"),
        (4, 3, "doc3", "feeds/a.jsonl:3", "d" * 64, 2, "{}", "2026-01-05T10:02:00+00:00"),
    ],
    "paragraphs": [(1, 0, 0, 39)],
    "sentences": [(1, 0, 0, 0, 22), (1, 1, 0, 23, 39)],
    "rejections": [(1, 2, "feeds/a.jsonl:4", "malformed JSON: Expecting value", "2026-01-05T10:03:00+00:00")],
    "stories": [
        (
            1,
            "Harbour council",
            '["council", "harbour"]',
            2,
            2,
            "2026-01-04T08:15:00+00:00",
            "2026-01-04T08:30:00+00:00",
            "2026-01-05T11:00:00.250000+01:00",
        ),
        # 0.1 fell back on the ingest time for a story with no dated article
        (
            3,
            "A note",
            '["note"]',
            1,
            0,
            "2026-01-05T10:02:00+00:00",
            "2026-01-05T10:02:00+00:00",
            "2026-01-05T10:04:00",
        ),
    ],
    "story_articles": [(1, 1, 0.9), (2, 1, 0.8), (3, 3, 0.5)],
    "story_merges": [(1, 2, 1, "2026-01-05T11:00:00.250000+01:00", 0.75, "centroids converged")],
    "story_splits": [(1, 1, 3, "2026-01-05T10:04:00", 0.3, "two groups", 1)],
    "clusterer_state": [(1, b"full-state", "2026-01-05T10:04:00+00:00")],
    "clusterer_state_changes": [
        (4, b"change-a", "2026-01-05T10:05:00+00:00"),
        (7, b"change-b", "2026-01-05T10:06:00+00:00"),
    ],
}


def legacy_store(path: Path, rows: dict[str, list[tuple[object, ...]]], version: int = 5) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
        conn.executescript(LEGACY_DDL)
        conn.executemany(
            "INSERT INTO schema_migrations VALUES (?, '2026-01-01T00:00:00+00:00')",
            [(v,) for v in range(1, version + 1)],
        )
        for table, table_rows in rows.items():
            marks = ", ".join("?" * len(table_rows[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)
    conn.close()
    return path


def test_every_row_of_a_0_1_store_survives_its_conversion(tmp_path: Path) -> None:
    path = legacy_store(tmp_path / "old.db", ROWS)
    with open_store(path) as store:
        old, finished = store.runs.list()
        assert (old.id, old.status, old.counts, old.arguments, old.host, old.pid) == (
            1,
            RunStatus.RUNNING,
            IngestCounts(),
            ("old",),
            None,
            None,
        )
        assert old.started_at == datetime(2026, 1, 5, 9, tzinfo=UTC) and old.finished_at is None
        assert finished.counts == IngestCounts(4, 3, 0, 1, 0, 1)
        assert (finished.status, finished.host, finished.pid) == (RunStatus.PARTIAL, "vm-1", 4242)
        assert finished.finished_at == datetime(2026, 1, 5, 10, 5, tzinfo=UTC)
        assert store.runs.rejections(2) == [Rejection("feeds/a.jsonl:4", "malformed JSON: Expecting value")]

        first, copy, note = store.articles.get_many([1, 2, 3])
        assert first.article.text == "Harbour council meets. The mayor spoke."
        assert (first.article.title.value, first.article.outlet.value, first.article.url.value) == (
            "Council",
            "Harbor Wire",
            "https://x/1",
        )
        assert first.article.published.value == datetime(2026, 1, 4, 8, 15, tzinfo=UTC)
        assert first.article.published.raw == "2026-01-04T08:15Z"
        assert first.article.extra == {"section": "local"}
        assert [(s.start, s.end) for s in first.article.paragraphs] == [(0, 39)]
        assert [(s.paragraph, s.start, s.end) for s in first.article.sentences] == [(0, 0, 22), (0, 23, 39)]
        assert first.sources == (
            SourceRecord("doc1", "feeds/a.jsonl:1", "a" * 64, 2, {"origin": "supplied"}),
            SourceRecord("mirror-1", "feeds/b.jsonl:1", "c" * 64, 2, {}),
        )
        assert (first.article.locator, first.article.raw_sha256) == ("feeds/a.jsonl:1", "a" * 64)
        assert (first.content_hash, first.duplicate_of, first.story_id) == ("hash1", None, 1)
        assert copy.article.published.value == datetime(2026, 1, 4, 14, 0, tzinfo=IST)
        value = copy.article.published.value
        assert isinstance(value, datetime) and value.utcoffset() == timedelta(hours=5, minutes=30)
        assert copy.article.warnings == ("no author",)
        assert (copy.content_hash, copy.duplicate_of, copy.duplicate_similarity) == ("hash2", 1, 0.91)
        assert note.article.published.value is None and note.article.title.value is None
        assert store.articles.ids_for_external_id("mirror-1") == [1]
        assert store.articles.stored_sources([(None, "doc3", "d" * 64)]) == {(None, "doc3", "d" * 64)}

        assert store.duplicates.by_hash("hash2") == 2
        assert store.duplicates.members(1) == [1, 2]
        signatures = list(store.duplicates.signatures())
        assert [i for i, _ in signatures] == [1, 2]
        assert all(np.array_equal(s, SIGNATURE) for _, s in signatures)

        assert store.stories.resolve(2) == 1
        survivor = store.stories.get(1)
        assert survivor is not None
        assert (survivor.label, survivor.key_terms, survivor.article_count, survivor.outlet_count) == (
            "Harbour council",
            ("council", "harbour"),
            2,
            2,
        )
        assert (survivor.first_seen, survivor.last_seen) == (
            datetime(2026, 1, 4, 8, 15, tzinfo=UTC),
            datetime(2026, 1, 4, 8, 30, tzinfo=UTC),
        )
        assert survivor.updated_at == datetime(2026, 1, 5, 10, 0, 0, 250000, tzinfo=UTC)
        undated = store.stories.get(3)
        assert undated is not None
        assert (undated.first_seen, undated.last_seen) == (None, None)  # no ingest time as news time
        assert undated.updated_at == datetime(2026, 1, 5, 10, 4, tzinfo=UTC)  # naive was taken as UTC
        assert store.stories.merges(1) == [
            StoryMergeRow(
                2, 1, datetime(2026, 1, 5, 10, 0, 0, 250000, tzinfo=UTC), 0.75, "centroids converged"
            )
        ]
        assert store.stories.splits(3) == [
            StorySplitRow(1, 3, datetime(2026, 1, 5, 10, 4, tzinfo=UTC), 0.3, "two groups", 1)
        ]
        assert dict(store.stories.assignments()) == {"doc1": 1, "doc2": 1, "mirror-1": 1, "doc3": 3}
        assert store.clusterer_state.load() == ClustererState(
            b"full-state", [b"change-a", b"change-b"], StateVersion(1, 2)
        )

    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
    conn.close()
    assert "schema_migrations" not in tables and not any(t.startswith("legacy_") for t in tables)
    for table, rows in ROWS.items():  # every row, none doubled
        assert counts[table] == len(rows), table
    assert counts["article_duplicates"] == len(ROWS["articles"])

    with open_store(path) as store:
        # Reopened, the converted store goes on like any other: new ids follow the old ones.
        with store.write():
            article_id = store.articles.insert(make_article("After the upgrade."), NOW)
            store.duplicates.record(article_id, "hash4", None, None, None)
        assert article_id == 4
        assert store.clusterer_state.append_changes(b"change-c", NOW) == StateVersion(1, 3)


def test_a_0_1_store_without_change_records_keeps_its_state(tmp_path: Path) -> None:
    state_only = {"clusterer_state": ROWS["clusterer_state"]}
    with open_store(legacy_store(tmp_path / "old.db", state_only)) as store:
        assert store.clusterer_state.load() == ClustererState(b"full-state", [], StateVersion(1, 0))
        store.clusterer_state.append_changes(b"next", NOW)
        assert store.clusterer_state.load() == ClustererState(b"full-state", [b"next"], StateVersion(1, 1))
    with open_store(tmp_path / "old.db") as reopened:  # converted once; opening again changes nothing
        assert reopened.clusterer_state.version() == StateVersion(1, 1)


def test_a_store_at_another_0_1_version_is_refused_untouched(tmp_path: Path) -> None:
    path = legacy_store(tmp_path / "dev.db", {"clusterer_state": ROWS["clusterer_state"]}, version=3)
    with pytest.raises(RuntimeError, match="version 3"):
        open_store(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT data FROM clusterer_state").fetchall() == [(b"full-state",)]
    conn.close()
