"""The README's path with the real sentence model: ``storyline ingest`` as a process, on both
backends, and the defining example: the three seed reports are one story."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storyline.tracker import EMBEDDER_VARIABLE, Tracker

from .support.paths import SAMPLES

pytestmark = pytest.mark.slow


def storyline(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != EMBEDDER_VARIABLE} | {"COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "storyline", *args], capture_output=True, text=True, env=env, timeout=900
    )


def test_the_sample_corpus_through_the_command_line(location: str) -> None:
    ingested = storyline("ingest", str(SAMPLES), "--db", location)
    assert ingested.returncode == 0, ingested.stderr
    assert "new articles" in ingested.stdout
    assignments = [
        json.loads(line)
        for line in storyline("export", "--what", "assignments", "--db", location).stdout.splitlines()
    ]
    story = {a["article_id"]: a["story_id"] for a in assignments}
    # The two developing stories of the samples stay apart, and each holds its reports.
    assert story["wire-kessel-001"] == story["wire-kessel-002"] == story["pages/kessel-day2.html"]
    assert story["wire-dunmore-001"] == story["pages/dunmore-update.txt"]
    assert story["wire-kessel-001"] != story["wire-dunmore-001"]
    shown = storyline("story", str(story["wire-kessel-001"]), "--db", location)
    assert shown.returncode == 0 and "coverage per day" in shown.stdout


def test_the_three_seed_reports_are_one_story(seeds: Path, location: str) -> None:
    with Tracker(location) as tracker:
        report = tracker.ingest(seeds)
        assert report.counts.new == 3
        stories = tracker.stories()
        assert stories.total == 1 and stories.items[0].article_count == 3
