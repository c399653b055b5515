"""Following stories through the HTTP API and the pages, on both backends: feeds watched from the
API (listed with their state, added and removed with the token, polled on demand and by the
server's own watcher), and what is new since a time in the store and in a story, as JSON, on the
story page and in the Atom feeds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient

from storyline.ingest.watch import Poll
from storyline.interfaces.http.app import create_app
from storyline.interfaces.http.schemas import WatchList
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.curation import quake_record
from .support.feed_server import FeedServer, Gate, Reply, feed_server, rss
from .support.http import AUTH, fast_client, fast_context
from .support.texts import QUAKE_A_THIRD, QUAKE_B_FOLLOW

PUBLISHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FEED = [
    ("urn:w1", "Aid reaches northern Valdoria", QUAKE_A_THIRD, PUBLISHED),
    ("urn:w2", "Port Ambry counts the damage", QUAKE_B_FOLLOW, PUBLISHED + timedelta(hours=1)),
]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as served:
        served.replies["/feed.xml"] = Reply(body=rss(FEED), etag='"v1"')
        yield served


@pytest.fixture
def client(location: str) -> Iterator[TestClient]:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False, compare_sources=False) as t:
        t.add([quake_record("a1", 2)])
    with fast_client(location) as opened:
        yield opened


def test_a_feed_is_watched_polled_listed_and_removed_through_the_api(
    client: TestClient, server: FeedServer, tmp_path: Path
) -> None:
    url = server.url("/feed.xml")
    assert client.get("/api/watch").json()["items"] == []
    assert client.post("/api/watch", json={"source": url}).status_code == 401
    for bad in ("ftp://example.org/feed.xml", str(tmp_path / "missing.xml"), "https:///feed"):
        refused = client.post("/api/watch", json={"source": bad}, headers=AUTH)
        assert refused.status_code == 400 and refused.json()["detail"], bad
    added = client.post("/api/watch", json={"source": url}, headers=AUTH)
    assert added.status_code == 201 and added.json()["source"] == url and added.json()["last_success"] is None
    polls = client.post("/api/watch/poll", headers=AUTH).json()["polls"]
    assert [(p["source"], p["outcome"], p["counts"]["new"]) for p in polls] == [(url, "fetched", 2)]
    listing = client.get("/api/watch").json()
    WatchList.model_validate(listing)  # as /openapi.json describes it
    (state,) = listing["items"]
    assert state["etag"] == '"v1"' and state["failures"] == 0 and state["last_success"]
    assert state["next_poll"] > state["last_success"]
    assert client.get("/api/inputs/urn:w2").status_code == 200
    assert client.post("/api/watch/poll", headers=AUTH).json()["polls"] == []  # not due yet
    assert client.delete("/api/watch", params={"source": url}).status_code == 401
    assert client.delete("/api/watch", params={"source": url}, headers=AUTH).json()["removed"] is True
    gone = client.delete("/api/watch", params={"source": url}, headers=AUTH)
    assert gone.status_code == 404 and "not watched" in gone.json()["detail"]
    assert client.get("/api/watch", params={"format": "csv"}).text.strip() == "source"


def test_the_servers_watcher_polls_a_source_added_through_the_api(location: str, server: FeedServer) -> None:
    Tracker(location, embedder=HashingEmbedder(), extract_entities=False).close()
    ctx = fast_context(location)
    ctx.watch_every = 3600
    said: list[str] = []
    fetched = threading.Event()

    def say(line: str) -> None:
        said.append(line)
        if "new articles" in line:
            fetched.set()

    ctx.start_watching(say)
    with TestClient(create_app(ctx)) as client:
        url = server.url("/feed.xml")
        assert client.post("/api/watch", json={"source": url}, headers=AUTH).status_code == 201
        assert fetched.wait(120), said
        assert said == [f"{url}: 2 new articles (2 read, 0 already stored, 0 rejected)"]
        assert client.get("/api/inputs/urn:w1").status_code == 200


def test_a_write_is_not_held_up_while_a_slow_feed_is_fetched(location: str, server: FeedServer) -> None:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False, compare_sources=False) as t:
        t.add([quake_record("a1", 2)])
        story_id = t.stories().items[0].id
    gate = Gate()
    url = server.url("/slow.xml")
    server.replies["/slow.xml"] = Reply(body=rss(FEED), etag='"v1"', gate=gate)
    ctx = fast_context(location)
    polls: list[list[Poll]] = []
    with TestClient(create_app(ctx)) as client:
        assert client.post("/api/watch", json={"source": url}, headers=AUTH).status_code == 201
        polling = threading.Thread(target=lambda: polls.append(ctx.poll_watched()))
        polling.start()
        try:
            assert gate.reached.wait(60), "the watcher never fetched"
            # The feed has not answered: a watcher holding the writer would keep this rename
            # waiting until the fetch ended (the watcher's timeout, or the gate's).
            renamed = client.post(f"/api/stories/{story_id}/rename", json={"name": "Held up?"}, headers=AUTH)
            assert renamed.status_code == 200 and not gate.expired.is_set()
            assert not polls, "the rename waited for the fetch to end"
        finally:
            gate.opened.set()
            polling.join()
    ((poll,),) = polls
    assert poll.counts is not None and poll.counts.new == 2


def test_what_is_new_since_a_time_in_the_store_and_in_a_story(client: TestClient) -> None:
    since = client.get("/api/changes", params={"since": "2000-01-01"}).json()["until"]
    assert (
        client.post("/api/ingest", json={"records": [quake_record("b1", 9)]}, headers=AUTH).status_code == 200
    )
    client.post("/api/stories/1/rename", json={"name": "Valdoria quake", "why": "clearer"}, headers=AUTH)
    store = client.get("/api/changes", params={"since": since}).json()
    assert [a["external_id"] for a in store["articles"]] == ["b1"]
    assert [s["id"] for s in store["stories"]] == [2]
    assert [c["action"] for c in store["corrections"]] == ["rename"]
    assert store["since"] <= store["until"]
    story = client.get("/api/stories/1/changes", params={"since": since}).json()
    assert story["story"] == 1 and story["articles"] == [] and story["corrections"][0]["why"] == "clearer"
    assert client.get("/api/changes").status_code == 422
    assert client.get("/api/stories/99/changes", params={"since": since}).status_code == 404
    page = client.get("/stories/2", params={"since": since[:19]}).text
    assert "New since" in page and 'class="new-article">new report: <a href="/articles/2">' in page
    feed = feedparser.parse(client.get("/api/changes/atom", params={"since": since}).content)
    assert not feed.bozo
    titles = [entry.title for entry in feed.entries]
    assert any(t.startswith("new report:") for t in titles) and any(
        t.startswith("new story:") for t in titles
    )
    assert any("rename of story 1 to 'Valdoria quake'" in t for t in titles)
    story_feed = feedparser.parse(client.get("/api/stories/1/atom").content)
    assert not story_feed.bozo and len({e.id for e in story_feed.entries}) == len(story_feed.entries)
    assert {e.title.split(":")[0] for e in story_feed.entries} >= {"new report", "correction"}
