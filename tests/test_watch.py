"""Watching feeds and folders: conditional GET, backoff, one line per failure, never a duplicate, and
a watcher that resumes from the store. A real feed server on loopback changes between polls; the
clock is a fake one, so hours of polling take no time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storyline.ingest.watch import Poll, PollOutcome
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.feed_server import FakeClock, FeedServer, Reply, feed_server, rss
from .support.texts import QUAKE_A, QUAKE_A_FOLLOW, QUAKE_B, UNRELATED

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ENTRIES = [
    ("urn:e1", "Earthquake kills 12 in northern Valdoria", QUAKE_A, START - timedelta(hours=3)),
    ("urn:e2", "Survivors pulled from Ridgeford rubble", QUAKE_A_FOLLOW, START - timedelta(hours=2)),
    ("urn:e3", "Strong quake hits Port Ambry", QUAKE_B, START - timedelta(hours=1)),
    ("urn:e4", "Lindmoor votes for a library", UNRELATED, START),
]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as served:
        yield served


def of(polls: list[Poll], source: str) -> Poll:
    (poll,) = [p for p in polls if p.source == source]
    return poll


def tracker_at(location: str, clock: FakeClock) -> Tracker:
    return Tracker(location, embedder=HashingEmbedder(), extract_entities=False, clock=clock)


def test_a_feed_is_polled_with_conditional_get_and_never_stored_twice(
    location: str, server: FeedServer
) -> None:
    clock = FakeClock(START)
    url = server.url("/feed.xml")
    server.replies["/feed.xml"] = Reply(body=rss(ENTRIES[:2]), etag='"v1"')
    with tracker_at(location, clock) as tracker, tracker.watcher([url], every=60) as watcher:
        (first,) = watcher.poll_due()
        assert first.outcome is PollOutcome.FETCHED and first.counts is not None and first.counts.new == 2
        assert str(first).startswith(f"{url}: 2 new articles")
        clock.sleep(30)
        assert watcher.poll_due() == []  # not due yet
        clock.sleep(30)
        (unchanged,) = watcher.poll_due()
        assert unchanged.outcome is PollOutcome.UNCHANGED and server.requests[-1].if_none_match == '"v1"'
        server.replies["/feed.xml"] = Reply(body=rss(ENTRIES[:3]), etag='"v2"')
        clock.sleep(60)
        (grown,) = watcher.poll_due()
        assert grown.counts is not None and (grown.counts.new, grown.counts.already_stored) == (1, 2)
        # A server that sends no validators: every poll fetches in full, and stores nothing twice.
        server.replies["/feed.xml"] = Reply(body=rss(ENTRIES[:3]))
        clock.sleep(60)
        (again,) = watcher.poll_due()
        assert again.counts is not None and (again.counts.new, again.counts.already_stored) == (0, 3)
        assert tracker.articles().total == 3
        story = tracker.article("urn:e3")
        assert story is not None and story.stored.story_id is not None  # through the whole pipeline


def test_failures_back_off_per_source_each_in_one_line(location: str, server: FeedServer) -> None:
    clock = FakeClock(START)
    broken, good = server.url("/broken.xml"), server.url("/good.xml")
    server.replies["/good.xml"] = Reply(body=rss(ENTRIES[:1]), etag='"g"')
    server.replies["/broken.xml"] = Reply(status=500)
    with (
        tracker_at(location, clock) as tracker,
        tracker.watcher([broken, good], every=60, max_backoff=300) as w,
    ):
        failed, fetched = w.poll_due()
        assert fetched.outcome is PollOutcome.FETCHED
        assert (failed.outcome, failed.reason, failed.failures) == (
            PollOutcome.FAILED,
            "HTTP 500 Internal Server Error",
            1,
        )
        assert failed.next_poll == START + timedelta(seconds=120)
        line = str(failed)
        assert line.startswith(f"{broken}: HTTP 500") and "\n" not in line
        clock.sleep(60)
        assert [p.source for p in w.poll_due()] == [good]  # the failing source waits longer
        clock.sleep(60)
        second = of(w.poll_due(), broken)
        assert second.failures == 2 and second.next_poll == clock.now + timedelta(seconds=240)
        server.replies["/broken.xml"] = Reply(body=b"<rss><channel><item><<<<>>>", etag='"bad"')
        clock.sleep(240)
        third = of(w.poll_due(), broken)
        assert third.reason is not None and third.reason.startswith("broken feed XML")
        assert third.next_poll == clock.now + timedelta(seconds=300)  # capped
        server.replies["/broken.xml"] = Reply(body=rss(ENTRIES[1:2]), delay=1.0)
        clock.sleep(300)
        slow = tracker.watcher([broken], every=60, timeout=0.2)
        with slow:
            (timed_out,) = slow.poll_due()
        assert timed_out.reason == "timed out after 0.2 s" and timed_out.failures == 4
        server.replies["/broken.xml"] = Reply(body=rss(ENTRIES[1:2]))
        recovered = w.poll(broken)  # backing off for 16 minutes: polled by hand
        assert recovered.outcome is PollOutcome.FETCHED and recovered.failures == 0
        # The broken reply's ETag was not kept: the poll after it asked for the whole feed.
        assert all(r.if_none_match is None for r in server.requests if r.path == "/broken.xml")
        assert tracker.articles().total == 2


def test_a_restarted_watcher_resumes_from_the_store(location: str, server: FeedServer) -> None:
    clock = FakeClock(START)
    url = server.url("/feed.xml")
    server.replies["/feed.xml"] = Reply(
        body=rss(ENTRIES[:2]), etag='"v1"', last_modified="Mon, 02 Mar 2026 08:00:00 GMT"
    )
    with tracker_at(location, clock) as tracker, tracker.watcher([url], every=600) as watcher:
        watcher.poll_due()
    clock.sleep(300)
    with tracker_at(location, clock) as tracker, tracker.watcher([url], every=600) as watcher:
        assert watcher.poll_due() == [] and watcher.next_poll() == START + timedelta(seconds=600)
        clock.sleep(300)
        (poll,) = watcher.poll_due()
        assert poll.outcome is PollOutcome.UNCHANGED
        last = server.requests[-1]
        assert (last.if_none_match, last.if_modified_since) == ('"v1"', "Mon, 02 Mar 2026 08:00:00 GMT")


def test_feed_files_and_folders_are_watched_too(location: str, tmp_path: Path) -> None:
    clock = FakeClock(START)
    feed = tmp_path / "harbour.xml"
    feed.write_bytes(rss(ENTRIES[:1]))
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "one.txt").write_text(UNRELATED, encoding="utf-8")
    missing = str(tmp_path / "nowhere")
    with (
        tracker_at(location, clock) as tracker,
        tracker.watcher([feed, folder], every=60) as watcher,
    ):
        from_feed, from_folder = watcher.poll_due()
        assert from_feed.counts is not None and from_feed.counts.new == 1
        assert from_folder.counts is not None and from_folder.counts.new == 1
        assert watcher.poll(missing).reason == "cannot read: No such file or directory"
        clock.sleep(60)
        unchanged, folder_again = watcher.poll_due()
        assert unchanged.outcome is PollOutcome.UNCHANGED
        assert folder_again.counts is not None and folder_again.counts.already_stored == 1
        feed.write_bytes(rss(ENTRIES[:2]))
        (folder / "two.txt").write_text(QUAKE_B, encoding="utf-8")
        clock.sleep(60)
        grown_feed, grown_folder = watcher.poll_due()
        assert grown_feed.counts is not None and grown_feed.counts.new == 1
        assert grown_folder.counts is not None and grown_folder.counts.new == 1


class _Stop(Exception):
    pass


def test_run_polls_each_source_when_due_until_stopped(location: str, server: FeedServer) -> None:
    clock = FakeClock(START)
    url = server.url("/feed.xml")
    server.replies["/feed.xml"] = Reply(body=rss(ENTRIES[:1]), etag='"v1"')
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.sleep(seconds)
        if len(slept) == 3:
            raise _Stop

    reported: list[PollOutcome] = []
    with tracker_at(location, clock) as tracker, tracker.watcher([url], every=120) as watcher:
        with pytest.raises(_Stop):
            watcher.run(sleep=sleep, report=lambda poll: reported.append(poll.outcome))
        assert slept == [120.0, 120.0, 120.0]
        assert reported == [PollOutcome.FETCHED, PollOutcome.UNCHANGED, PollOutcome.UNCHANGED]
        assert [p.outcome for p in watcher.run(once=True)] == [PollOutcome.UNCHANGED]
