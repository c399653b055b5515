"""The CLI as a user runs it: a real process, a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLES
from .test_tracker import ingest_two_quakes_in_one_loose_story

pytestmark = pytest.mark.slow


def storyline(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storyline", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=600,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
    )


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("cli") / "demo.db")
    result = storyline("ingest", str(SAMPLES), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "new articles" in result.stdout
    return db


def test_articles_table_lists_every_input(sample_db: str) -> None:
    result = storyline("articles", "--db", sample_db)
    assert result.returncode == 0
    assert "wire-kessel-001" in result.stdout
    assert "pages/kessel-day2.html" in result.stdout


def test_article_shows_text_metadata_provenance_and_duplicates(sample_db: str) -> None:
    result = storyline(
        "article", "https://inlandcourier.news/business/kessel-talks-break-down", "--db", sample_db
    )
    assert result.returncode == 0, result.stderr
    assert "feed" in result.stdout  # provenance of title/published
    assert "duplicate group" in result.stdout
    assert "Fuel distributors reported the first shortages" in result.stdout
    missing = storyline("article", "no-such-id", "--db", sample_db)
    assert missing.returncode == 1 and "no article no-such-id" in missing.stderr


def test_export_jsonl_and_csv_have_one_record_per_article(sample_db: str) -> None:
    jsonl = storyline("export", "--format", "jsonl", "--db", sample_db)
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert {
        "external_id",
        "id",
        "title",
        "text",
        "outlet",
        "url",
        "published",
        "published_origin",
        "duplicate_group",
    } <= set(records[0])
    by_id = {r["external_id"]: r for r in records}
    assert by_id["wire-kessel-001"]["published"] == "2026-03-02T08:15:00+00:00"
    assert by_id["wire-kessel-001"]["published_origin"] == "supplied"
    rows = list(csv.DictReader(io.StringIO(storyline("export", "--format", "csv", "--db", sample_db).stdout)))
    assert len(rows) == len(records)


def test_assignments_export_gives_every_input_id_a_story(sample_db: str) -> None:
    result = storyline("export", "--what", "assignments", "--db", sample_db)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    ids = {line["article_id"] for line in lines}
    assert {"agg-1", "agg-3", "wire-kessel-001", "pages/dunmore-update.txt"} <= ids
    story = {line["article_id"]: line["story_id"] for line in lines}
    assert story["agg-1"] == story["agg-3"]  # an exact duplicate is one article in one story


def test_stories_and_story_views(sample_db: str) -> None:
    listing = storyline("stories", "--db", sample_db)
    assert listing.returncode == 0
    assignments = [
        json.loads(x)
        for x in storyline("export", "--what", "assignments", "--db", sample_db).stdout.splitlines()
    ]
    kessel = next(a["story_id"] for a in assignments if a["article_id"] == "wire-kessel-001")
    shown = storyline("story", str(kessel), "--db", sample_db)
    assert shown.returncode == 0
    assert "wire-kessel-001" in shown.stdout
    # The Kessel strike runs from 2 to 7 March in the samples: one bar row per day, quiet days too.
    chart = shown.stdout[shown.stdout.index("coverage per day (UTC)") :]
    assert all(f"2026-03-0{d}" in chart for d in range(2, 8))
    assert "█" in chart


def test_partial_ingest_exits_3_and_names_the_bad_record(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    stdin = json.dumps({"id": "ok", "text": "The mayor opened the new bridge on Friday."}) + "\n{broken\n"
    result = storyline("ingest", "-", "--db", db, stdin=stdin)
    assert result.returncode == 3
    assert "-:2" in result.stderr or "stdin" in result.stderr
    assert "ok" in storyline("articles", "--db", db).stdout


def test_unreadable_store_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-db"
    bogus.write_text("this is not sqlite" * 100)
    result = storyline("articles", "--db", str(bogus))
    assert result.returncode == 1
    assert "cannot open store" in result.stderr


def test_story_view_shows_where_a_split_story_came_from(tmp_path: Path) -> None:
    db = tmp_path / "split.db"
    ingest_two_quakes_in_one_loose_story(db)
    for story_id in ("1", "2"):
        shown = storyline("story", story_id, "--db", str(db))
        assert shown.returncode == 0, shown.stderr
        assert "split 3 reports off story 1 into story 2" in shown.stdout
