"""The ``storyline`` command in-process (typer's runner) on both backends, with the hashing embedder."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from .support.cli import storyline
from .support.paths import SAMPLES
from .support.stories import split_quakes

pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
def sample_db(location: str) -> str:
    result = storyline("ingest", str(SAMPLES), "--db", location)
    assert result.exit_code == 0, result.output
    assert "new articles" in result.stdout
    return location


def test_articles_table_lists_every_input_and_pages(sample_db: str) -> None:
    result = storyline("articles", "--db", sample_db)
    assert result.exit_code == 0
    assert "wire-kessel-001" in result.stdout and "pages/kessel-day2.html" in result.stdout
    page = storyline("articles", "--db", sample_db, "--limit", "2", "--offset", "1")
    assert "articles 2–3 of" in page.stdout


def test_article_by_input_id_or_by_internal_id(sample_db: str) -> None:
    result = storyline(
        "article", "https://inlandcourier.news/business/kessel-talks-break-down", "--db", sample_db
    )
    assert result.exit_code == 0, result.output
    assert "feed" in result.stdout  # provenance of title/published
    assert "duplicate group" in result.stdout
    assert "Fuel distributors reported the first shortages" in result.stdout
    by_id = storyline("article", "--id", "1", "--db", sample_db)
    assert by_id.exit_code == 0 and "article 1" in by_id.stdout
    missing = storyline("article", "no-such-id", "--db", sample_db)
    assert missing.exit_code == 1 and "no article with input id no-such-id" in missing.stderr
    # An internal id is never looked up as an input id, nor the other way round.
    assert storyline("article", "1", "--db", sample_db).exit_code == 1
    assert storyline("article", "--db", sample_db).exit_code == 2


def test_export_jsonl_and_csv_have_one_record_per_article(sample_db: str) -> None:
    records = [json.loads(line) for line in storyline("export", "--db", sample_db).stdout.splitlines()]
    assert set(records[0]) == {
        "external_id",
        "id",
        "title",
        "text",
        "outlet",
        "url",
        "author",
        "language",
        "published",
        "published_origin",
        "duplicate_group",
        "story_id",
        "superseded_by",
        "outlets",
        "sources",
        "warnings",
        "extra",
    }
    by_id = {r["external_id"]: r for r in records}
    assert by_id["wire-kessel-001"]["published"] == "2026-03-02T08:15:00+00:00"
    assert by_id["wire-kessel-001"]["published_origin"] == "supplied"
    assert by_id["agg-1"]["sources"] == ["agg-1", "agg-3"]  # an exact duplicate is one article
    rows = list(csv.DictReader(io.StringIO(storyline("export", "--format", "csv", "--db", sample_db).stdout)))
    assert len(rows) == len(records)
    assert json.loads(rows[0]["sources"]) == records[0]["sources"]


def test_assignments_export_gives_every_input_id_a_story(sample_db: str) -> None:
    result = storyline("export", "--what", "assignments", "--db", sample_db)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    story = {line["article_id"]: line["story_id"] for line in lines}
    assert {"agg-1", "agg-3", "wire-kessel-001", "pages/dunmore-update.txt"} <= set(story)
    assert story["agg-1"] == story["agg-3"]


def test_stories_story_and_runs(sample_db: str) -> None:
    listing = storyline("stories", "--db", sample_db)
    assert listing.exit_code == 0 and "stories" in listing.stdout
    assignments = [
        json.loads(x)
        for x in storyline("export", "--what", "assignments", "--db", sample_db).stdout.splitlines()
    ]
    kessel = next(a["story_id"] for a in assignments if a["article_id"] == "wire-kessel-001")
    shown = storyline("story", str(kessel), "--db", sample_db)
    assert shown.exit_code == 0 and "wire-kessel-001" in shown.stdout, shown.stdout
    # The Kessel strike runs from 2 to 7 March in the samples: one bar row per day, quiet days too.
    chart = shown.stdout[shown.stdout.index("coverage per day (UTC)") :]
    assert all(f"2026-03-0{d}" in chart for d in range(2, 8))
    assert "█" in chart
    assert storyline("story", "999", "--db", sample_db).exit_code == 1
    runs = storyline("runs", "--db", sample_db)
    assert runs.exit_code == 0 and "ok" in runs.stdout and "samples" in runs.stdout


def test_partial_ingest_exits_3_and_names_the_bad_record(location: str) -> None:
    stdin = json.dumps({"id": "ok", "text": "The mayor opened the new bridge on Friday."}) + "\n{broken\n"
    result = storyline("ingest", "-", "--db", location, stdin=stdin)
    assert result.exit_code == 3
    assert "-:2" in result.stderr
    assert "ok" in storyline("articles", "--db", location).stdout


def test_unreadable_store_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-db"
    bogus.write_text("this is not sqlite" * 100)
    result = storyline("articles", "--db", str(bogus))
    assert result.exit_code == 1
    assert "cannot open store" in result.stderr


def test_story_view_shows_where_a_split_story_came_from(location: str) -> None:
    split_quakes(location).close()
    for story_id in ("1", "2"):
        shown = storyline("story", story_id, "--db", location)
        assert shown.exit_code == 0, shown.output
        assert "split 3 reports off story 1 into story 2" in shown.stdout


def test_times_shows_an_articles_and_a_storys_time_expressions(location: str) -> None:
    records = [
        {
            "id": "ferry-1",
            "text": "The ferry sank on Tuesday after 23 hours at sea.",
            "published": "2026-02-05",
        },
        {"id": "ferry-2", "text": "Divers searched the ferry wreck on Wednesday."},
    ]
    stdin = "".join(json.dumps(r) + "\n" for r in records)
    assert storyline("ingest", "-", "--db", location, stdin=stdin).exit_code == 0
    shown = storyline("times", "ferry-1", "--db", location)
    assert shown.exit_code == 0, shown.output
    for cell in ("Tuesday", "2026-02-03", "DATE (day)", "2026-02-05", "weekday: on or before the"):
        assert cell in shown.stdout
    assert "PT23H" in shown.stdout and "DURATION (hour)" in shown.stdout
    by_id = storyline("times", "--id", "2", "--db", location)
    assert by_id.exit_code == 0 and "no published time to count from" in by_id.stdout
    assignments = [
        json.loads(x)
        for x in storyline("export", "--what", "assignments", "--db", location).stdout.splitlines()
    ]
    story = next(a["story_id"] for a in assignments if a["article_id"] == "ferry-1")
    in_story = storyline("times", "--story", str(story), "--db", location)
    assert in_story.exit_code == 0 and "ferry-1" in in_story.stdout and f"in story {story}" in in_story.stdout
    assert storyline("times", "no-such-id", "--db", location).exit_code == 1
    assert storyline("times", "--story", "999", "--db", location).exit_code == 1
    assert storyline("times", "--db", location).exit_code == 2
    assert storyline("times", "ferry-1", "--story", "1", "--db", location).exit_code == 2


def test_entities_entity_and_alias_edits(location: str, seeds: Path) -> None:
    assert storyline("ingest", str(seeds), "--db", location).exit_code == 0
    listing = storyline("entities", "--db", location)
    assert listing.exit_code == 0 and "Guan Heng" in listing.stdout and "PERSON" in listing.stdout
    story = storyline("entities", "1", "--db", location)
    assert story.exit_code == 0 and "Tom Lantos Human Rights Commission" in story.stdout
    assert storyline("entities", "99", "--db", location).exit_code == 1
    shown = storyline("entity", "DHS", "--db", location)
    assert shown.exit_code == 0, shown.output
    assert "ORG" in shown.stdout and "first mention" in shown.stdout and "DHS (4)" in shown.stdout
    assert storyline("entity", "Nobody Here", "--db", location).exit_code == 1
    split = storyline("alias", "split", "Guan Heng", "Guan", "--db", location)
    assert split.exit_code == 0 and "Guan (PERSON)" in split.stdout
    renamed = storyline("alias", "rename", "Guan Heng", "Heng Guan", "--db", location)
    assert renamed.exit_code == 0 and "Heng Guan (PERSON)" in renamed.stdout
    added = storyline("alias", "add", "Heng Guan", "Guan", "--db", location)
    assert added.exit_code == 0 and "Guan (17)" in added.stdout
    refused = storyline("alias", "add", "Nobody Here", "Guan", "--db", location)
    assert refused.exit_code == 1 and "no entity is known" in refused.stderr
