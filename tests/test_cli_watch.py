"""``storyline watch`` on the command line: polls a feed server on loopback once, prints a line per
poll, and names each failing source in one line on stderr."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.cli import storyline
from .support.feed_server import Reply, feed_server, rss
from .support.texts import QUAKE_A, QUAKE_B

pytestmark = pytest.mark.usefixtures("cli_environment")

WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_watch_once_ingests_new_entries_and_reports_failures(location: str) -> None:
    with feed_server() as server:
        good, bad = server.url("/good.xml"), server.url("/bad.xml")
        server.replies["/good.xml"] = Reply(
            body=rss(
                [("urn:1", "Quake in Valdoria", QUAKE_A, WHEN), ("urn:2", "Quake in Kestoria", QUAKE_B, WHEN)]
            ),
            etag='"1"',
        )
        server.replies["/bad.xml"] = Reply(status=503)
        result = storyline("watch", good, bad, "--once", "--db", location)
        assert result.exit_code == 3, result.output
        assert f"{good}: 2 new articles" in result.stdout
        (failure,) = [line for line in result.stderr.splitlines() if line.startswith("failed")]
        assert failure.startswith(f"failed {bad}: HTTP 503 Service Unavailable (failure 1 in a row")
        # Run again at once: neither source is due (the good one polls every 300 s, the bad one
        # backs off), so nothing is fetched and nothing fails.
        again = storyline("watch", good, bad, "--once", "--db", location)
        assert again.exit_code == 0 and again.stdout == "" and len(server.requests) == 2
    articles = storyline("articles", "--db", location)
    assert "urn:1" in articles.stdout and "urn:2" in articles.stdout


def test_watch_without_a_source_polls_the_sources_the_store_holds(location: str) -> None:
    with feed_server() as server:
        url = server.url("/feed.xml")
        server.replies["/feed.xml"] = Reply(body=rss([("urn:1", "Quake in Valdoria", QUAKE_A, WHEN)]))
        with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
            tracker.watch(url)  # as POST /api/watch does
        result = storyline("watch", "--once", "--db", location)
        assert result.exit_code == 0 and f"{url}: 1 new articles" in result.stdout, result.output
