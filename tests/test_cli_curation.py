"""Editors' corrections on the command line (merge, move, rename, mute and unmute), each shown in
``storyline story``, and ``storyline changes`` that reports them with the new articles; on both
backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .support.cli import storyline
from .support.curation import quake_record

pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
def quakes(location: str, tmp_path: Path) -> str:
    """A store holding both earthquakes' first two reports (two stories under the shipped
    parameters and the hashing embedder)."""
    lines = [quake_record("a1", 2), quake_record("a2", 3, "Beta Times"), quake_record("b1", 9)]
    path = tmp_path / "quakes.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    assert storyline("ingest", str(path), "--db", location).exit_code == 0
    return location


def test_merge_move_and_rename_are_shown_in_the_storys_lineage(quakes: str) -> None:
    merged = storyline("merge", "1", "2", "--why", "one disaster desk", "--by", "alice", "--db", quakes)
    assert merged.exit_code == 0, merged.output
    assert "merged by alice: one disaster desk" in merged.stdout
    assert "merge of story 2 into 1 by alice: one disaster desk" in merged.stdout
    moved = storyline("move", "1", "3", "--why", "another country", "--by", "bob", "--db", quakes)
    assert moved.exit_code == 0, moved.output
    assert (
        "story 3" in moved.stdout and "move of articles 3 out of story 1 into story 3 by bob" in moved.stdout
    )
    renamed = storyline("rename", "1", "Valdoria earthquake", "--db", quakes, "--by", "carol")
    assert renamed.exit_code == 0 and "story 1: Valdoria earthquake" in renamed.stdout
    shown = storyline("story", "2", "--db", quakes)
    assert "story 2 was merged into story 1" in shown.stdout
    assert "story 1: Valdoria earthquake" in shown.stdout
    for line in (
        "merge of story 2 into 1",
        "move of articles 3",
        "rename of story 1 to 'Valdoria earthquake' by carol",
    ):
        assert line in shown.stdout


def test_mute_and_unmute_an_article_and_an_outlet(quakes: str) -> None:
    muted = storyline("mute", "--outlet", "beta times", "--why", "unreliable", "--db", quakes)
    assert muted.exit_code == 0 and "outlet beta times muted" in muted.stdout
    assert "was muted already" in storyline("mute", "--outlet", "Beta Times", "--db", quakes).stdout
    shown = storyline("story", "1", "--db", quakes).stdout
    assert "a1" in shown and "a2" not in shown
    assert storyline("mute", "--article", "1", "--db", quakes).exit_code == 0
    assert storyline("unmute", "--outlet", "Beta Times", "--db", quakes).exit_code == 0
    assert storyline("unmute", "--article", "1", "--db", quakes).exit_code == 0
    shown = storyline("story", "1", "--db", quakes).stdout
    assert "a1" in shown and "a2" in shown


def test_impossible_corrections_are_one_line_errors(quakes: str) -> None:
    unknown = storyline("merge", "1", "42", "--db", quakes)
    assert unknown.exit_code == 1 and "no story 42" in unknown.stderr
    everything = storyline("move", "1", "1", "2", "--db", quakes)
    assert everything.exit_code == 1 and "nothing would be left" in everything.stderr
    assert storyline("mute", "--db", quakes).exit_code == 2  # neither --article nor --outlet
    assert storyline("mute", "--article", "99", "--db", quakes).exit_code == 1


def test_changes_since_shows_new_articles_and_corrections(quakes: str) -> None:
    assert storyline("merge", "1", "2", "--by", "alice", "--db", quakes).exit_code == 0
    recent = storyline("changes", "--since", "1h", "--db", quakes)
    assert recent.exit_code == 0, recent.output
    assert "changes in the store" in recent.stdout and "3 new articles" in recent.stdout
    assert "merged story 2 into 1: merged by alice" in recent.stdout
    story = storyline("changes", "--since", "2000-01-01", "--story", "2", "--db", quakes)
    assert "changes in story 1" in story.stdout and "story 2 was merged into story 1" in story.stdout
    assert "nothing changed" in storyline("changes", "--since", "2999-01-01T00:00", "--db", quakes).stdout
    assert storyline("changes", "--since", "yesterday-ish", "--db", quakes).exit_code == 2
    assert storyline("changes", "--since", "1d", "--story", "42", "--db", quakes).exit_code == 1
