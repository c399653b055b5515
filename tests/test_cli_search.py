"""``storyline search`` and ``storyline serve`` through the command line."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .support.cli import storyline
from .support.paths import SAMPLES
from .support.processes import first_line_with
from .support.server import serving


@pytest.mark.usefixtures("cli_environment")
def test_search_prints_the_hits_with_their_story_and_the_closest_stories(location: str) -> None:
    assert storyline("ingest", str(SAMPLES), "--db", location).exit_code == 0
    result = storyline("search", "Kessel strike", "--db", location)
    assert result.exit_code == 0, result.output
    assert "matching 'Kessel strike'" in result.stdout and "stories closest in meaning" in result.stdout
    filtered = storyline("search", "Kessel", "--outlet", "no such outlet", "--db", location, "--stories", "0")
    assert filtered.exit_code == 0 and "articles 0–0 of 0" in filtered.stdout


@pytest.mark.usefixtures("cli_environment")
def test_search_refuses_a_query_without_a_word_and_a_bad_date(location: str) -> None:
    assert storyline("ingest", str(SAMPLES), "--db", location).exit_code == 0
    refused = storyline("search", "--db", location, "--", "-strike")
    assert refused.exit_code == 1 and "nothing to search for" in refused.stderr
    bad_date = storyline("search", "strike", "--since", "yesterday", "--db", location)
    assert bad_date.exit_code == 2 and "not an ISO" in bad_date.stderr


@pytest.mark.usefixtures("cli_environment")
def test_serve_prints_a_token_when_none_is_set_and_refuses_writes_without_it(tmp_path: Path) -> None:
    location = str(tmp_path / "store.db")
    assert storyline("ingest", str(SAMPLES), "--db", location).exit_code == 0
    with serving(location, token=None) as server:
        line = first_line_with(server.process, "write token", within=10)
        assert line is not None
        token = line.rsplit(" ", 1)[-1].strip()
        assert httpx.get(f"{server.url}/api/stories").status_code == 200  # open on loopback
        record = {"records": [{"id": "w1", "text": "The lighthouse keeper retired after forty years."}]}
        refused = httpx.post(f"{server.url}/api/ingest", json=record)
        assert refused.status_code == 401 and "token" in refused.json()["detail"]
        accepted = httpx.post(
            f"{server.url}/api/ingest", json=record, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        assert accepted.status_code == 200 and accepted.json()["counts"]["new"] == 1
