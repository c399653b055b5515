"""``storyline compare`` and ``storyline brief`` in-process on both backends: one facade call each,
formatted as a table, text, Markdown or JSON whose citations give back the stored text."""

from __future__ import annotations

import json

import pytest

from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.cli import storyline

WIRE = (
    "Police in Varno arrested opposition leader Dalia Korrin at her home on Thursday. "
    "About 400 supporters gathered outside the police station in the evening."
)
COPY = (
    "Police in Varno arrested opposition leader Dalia Korrin at her home on Thursday. "
    "About 900 supporters gathered outside the police station in the evening."
)


@pytest.fixture
def store(location: str, cli_environment: None) -> str:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        tracker.add(
            [
                {"id": "wire", "outlet": "Associated Press", "published": "2026-04-10", "text": WIRE},
                {"id": "herald", "outlet": "Northern Herald", "published": "2026-04-10", "text": COPY},
            ]
        )
    return location


def test_compare_shows_each_groups_status_origins_and_why(store: str) -> None:
    result = storyline("compare", "1", "--db", store)
    assert result.exit_code == 0, result.output
    assert "conflicting" in result.output and "numbers differ" in result.output
    assert "Associated" in result.output and "Northern" in result.output  # the two origins, named


def test_brief_in_text_markdown_and_json(store: str) -> None:
    text = storyline("brief", "1", "--db", store, "--changes")
    assert text.exit_code == 0, text.output
    assert "Dalia Korrin" in text.output and "Changes" in text.output and "reports #1" in text.output
    markdown = storyline("brief", "1", "--db", store, "--format", "md", "--order", "chronological")
    assert markdown.exit_code == 0 and markdown.output.startswith("# Brief of story 1")
    record = json.loads(storyline("brief", "1", "--db", store, "--format", "json").output)
    articles = {"wire": WIRE, "herald": COPY}
    for sentence in record["sentences"]:
        first = sentence["citations"][0]
        assert articles[first["input_id"]][first["start"] : first["end"]] == sentence["text"]
    assert {s["status"] for s in record["sentences"]} <= {"corroborated", "conflicting", "single-source"}


def test_compare_and_brief_say_when_each_fact_happened(store: str) -> None:
    """The arrest is dated by its own 'on Thursday' (the day before publication), cited; the crowd,
    which no date of its own places, by its reports' publication day, said as such."""
    table = storyline("compare", "1", "--db", store)
    assert "2026-04-09 (day)" in table.output and "2026-04-10 (published)" in table.output
    record = json.loads(
        storyline("brief", "1", "--db", store, "--format", "json", "--order", "chronological").output
    )
    dates = [s["date"] for s in record["sentences"]]
    assert [d["value"] for d in dates] == ["2026-04-09", "2026-04-10"]
    arrest, crowd = dates
    assert arrest["granularity"] == "day" and arrest["source"] == "text"
    assert WIRE[arrest["start"] : arrest["end"]] == arrest["text"] == "Thursday"
    assert crowd["source"] == "published" and "start" not in crowd
    text = storyline("brief", "1", "--db", store, "--order", "chronological")
    assert text.output.splitlines()[1].startswith("1. [2026-04-09 (day)] Police in Varno arrested")


def test_an_unknown_story_fails_with_a_message(store: str) -> None:
    for command in ("compare", "brief"):
        result = storyline(command, "99", "--db", store)
        assert result.exit_code == 1 and "no story 99" in result.output
