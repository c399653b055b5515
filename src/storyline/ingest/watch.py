"""Watching sources: RSS/Atom feeds (http(s) URLs or files) and folders, polled on an interval.

Each poll of a source ends one of three ways, and the source's state in the store
(``storyline.store.watch``) says so, so that a restarted watcher carries on where the last stopped:

- *unchanged*: the feed answered 304 to the validators of its last good fetch (ETag,
  Last-Modified), or the file's modification time and size are those of the last read;
- *fetched*: what was read goes through the whole pipeline (the caller's ``ingest``); an entry
  stored before is skipped there (same source, same id, same bytes), a changed entry becomes a new
  version, so a re-fetch never stores a duplicate;
- *failed*: an HTTP error, a timeout, a refused connection, a missing file, or bytes that hold no
  readable record (broken XML): one line names the source and the reason, and the source backs
  off: its next poll comes after ``every`` × 2^failures, at most ``max_backoff``. The validators of
  a failed fetch are not kept, so the next poll fetches in full.

A poll fetches and parses before it writes: only storing what it read (one ingest run, in its
batches' transactions) and then the source's new state happen inside ``writing`` (the server's one
writer), so a feed that takes its whole timeout to answer holds up no other write. A crash between
the two leaves the old state, whose next poll fetches again what was stored, and skips it.

The clock and the sleep are injected: a test drives the watcher through hours of polls at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

import httpx

from storyline.clock import Clock, system_clock
from storyline.ingest.sources import MAX_FEED_BYTES, iter_documents, read_fetched
from storyline.models import Document, Notice, Rejection, one_line
from storyline.store import Store
from storyline.store.records import IngestCounts, WatchState

Item = Document | Rejection | Notice
# Runs what a poll read through the pipeline: (the source's name, its items) → what was stored.
IngestItems = Callable[[str, Iterable[Item]], IngestCounts]
# Held while a poll stores what it read: the one writer of a process that has others.
Writing = Callable[[], AbstractContextManager[object]]

DEFAULT_EVERY = 300.0  # seconds between polls of a source that answers
DEFAULT_TIMEOUT = 30.0  # seconds a feed may take to answer
MAX_BACKOFF = 6 * 3600.0  # the longest a failing source waits for its next poll
_HTTP_SCHEMES = ("http://", "https://")


class PollOutcome(StrEnum):
    FETCHED = "fetched"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Poll:
    """One poll of one source: how it ended, what it stored (``counts``, when fetched), why it
    failed (``reason``), and when the source is polled next."""

    source: str
    outcome: PollOutcome
    at: datetime
    next_poll: datetime
    counts: IngestCounts | None = None
    reason: str | None = None
    failures: int = 0  # failed polls in a row, this one included

    def __str__(self) -> str:
        when = self.next_poll.strftime("%Y-%m-%d %H:%M:%S UTC")
        if self.outcome is PollOutcome.FAILED:
            return f"{self.source}: {self.reason} (failure {self.failures} in a row; next poll {when})"
        if self.outcome is PollOutcome.UNCHANGED:
            return f"{self.source}: unchanged"
        c = self.counts or IngestCounts()
        return (
            f"{self.source}: {c.new} new articles ({c.read} read, {c.already_stored} already stored,"
            f" {c.rejected} rejected)"
        )


class _SourceFailed(Exception):
    """A poll that failed, with its one-line reason."""


@dataclass(frozen=True, slots=True)
class _Read:
    """What a poll read: the items (None when unchanged; a folder's are read as they are stored)
    and the validators to keep."""

    items: Iterable[Item] | None
    etag: str | None = None
    last_modified: str | None = None


def checked_source(source: str) -> str:
    """``source`` as a watcher takes it: an http(s) URL naming a host, or a file or folder that
    exists here; ValueError otherwise, with the reason."""
    source = source.strip()
    if source.startswith(_HTTP_SCHEMES):
        if not urlsplit(source).hostname:
            raise ValueError(f"{source!r}: a URL names a host")
        return source
    if "://" in source:
        raise ValueError(f"{source!r}: only http(s) URLs are fetched")
    if not source or not os.path.exists(source):
        raise ValueError(f"{source!r}: no such file or folder")
    return source


class Watcher:
    """Polls ``sources`` (feed URLs, feed files, folders) whenever each is due, and hands what they
    hold to ``ingest`` (see the module docstring). ``sources`` None polls every source the store
    holds, read again each round, so that one added meanwhile (``Tracker.watch``) is polled too.
    ``client`` is the HTTP client (default: one of its own, closed by ``close``). ``writing`` is
    held while a poll stores what it fetched, never while it fetches."""

    def __init__(
        self,
        store: Store,
        sources: Sequence[str] | None,
        ingest: IngestItems,
        *,
        every: float = DEFAULT_EVERY,
        timeout: float = DEFAULT_TIMEOUT,
        max_backoff: float = MAX_BACKOFF,
        clock: Clock = system_clock,
        client: httpx.Client | None = None,
        writing: Writing = nullcontext,
    ) -> None:
        if every <= 0:
            raise ValueError("the interval between polls must be positive")
        self._store = store
        self._named = None if sources is None else list(dict.fromkeys(sources))
        self._ingest = ingest
        self._every = every
        self._timeout = timeout
        self._max_backoff = max(max_backoff, every)
        self._clock = clock
        self._writing = writing
        self._own_client = client is None
        self._client = client or httpx.Client(
            follow_redirects=True, timeout=timeout, headers={"User-Agent": "storyline-watch"}
        )

    @property
    def sources(self) -> list[str]:
        """The sources named, or every source the store holds now."""
        if self._named is not None:
            return self._named
        return [state.source for state in self._store.watch.sources()]

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(
        self,
        *,
        once: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        report: Callable[[Poll], None] | None = None,
    ) -> list[Poll]:
        """Poll every due source, then sleep until the next is due, until interrupted (Ctrl-C
        propagates); ``once`` stops after the first round. Each poll is ``report``ed as it ends;
        the polls of the last round are returned."""
        while True:
            polls = self.poll_due(report)
            if once:
                return polls
            sleep(self.due_in())

    def poll_due(self, report: Callable[[Poll], None] | None = None) -> list[Poll]:
        """Poll each source whose next poll has come (a source never polled is due at once)."""
        polls = []
        for source in self.sources:
            state = self._store.watch.get(source)
            if state is None or state.next_poll <= self._clock():
                # A stored source removed while it was fetched is forgotten, not polled.
                poll = self._poll(source, removable=self._named is None)
                if poll is None:
                    continue
                polls.append(poll)
                if report:
                    report(poll)
        return polls

    def next_poll(self) -> datetime:
        """When the first source is due next (now, for a source never polled; an interval from
        now when there is none, to look again for sources added meanwhile)."""
        now = self._clock()
        states = [self._store.watch.get(source) for source in self.sources]
        default = now + timedelta(seconds=self._every)
        return min((state.next_poll if state else now for state in states), default=default)

    def due_in(self) -> float:
        """Seconds until the first source is due (0 when one is due now)."""
        return max(0.0, (self.next_poll() - self._clock()).total_seconds())

    def poll(self, source: str) -> Poll:
        """Poll one source now, whether it is due or not, and keep its new state."""
        poll = self._poll(source, removable=False)
        assert poll is not None  # only a removable source is ever skipped
        return poll

    def _poll(self, source: str, *, removable: bool) -> Poll | None:
        """Fetch, then store under ``writing``; None when ``removable`` and the source stopped
        being watched meanwhile (storing its state would watch it again)."""
        state = self._store.watch.get(source) or WatchState(source, self._clock())
        at = self._clock()
        remote = source.startswith(_HTTP_SCHEMES)
        try:
            read: _Read | str = self._fetch(source, state) if remote else self._read(source, state)
        except _SourceFailed as failure:
            read = str(failure)  # why it failed
        with self._writing():
            if removable and self._store.watch.get(source) is None:
                return None
            if isinstance(read, str):
                return self._failed(state, at, read)
            counts = None if read.items is None else self._ingest(source, read.items)
            done = self._clock()
            state = replace(
                state,
                etag=read.etag if read.items is not None else state.etag,
                last_modified=read.last_modified if read.items is not None else state.last_modified,
                last_success=done,
                last_attempt=at,
                failures=0,
                last_error=None,
                next_poll=done + timedelta(seconds=self._every),
            )
            self._save(state)
        outcome = PollOutcome.UNCHANGED if counts is None else PollOutcome.FETCHED
        return Poll(source, outcome, at, state.next_poll, counts=counts)

    def _failed(self, state: WatchState, at: datetime, reason: str) -> Poll:
        """Keep a failed poll: no validators (the next poll fetches in full), a longer backoff."""
        failures = state.failures + 1
        backoff = min(self._every * 2**failures, self._max_backoff)
        state = replace(
            state,
            etag=None,
            last_modified=None,
            last_attempt=at,
            failures=failures,
            last_error=reason,
            next_poll=at + timedelta(seconds=backoff),
        )
        self._save(state)
        return Poll(state.source, PollOutcome.FAILED, at, state.next_poll, reason=reason, failures=failures)

    def _save(self, state: WatchState) -> None:
        with self._store.write():
            self._store.watch.save(state)

    # -- reading one source ---------------------------------------------------------------------
    def _fetch(self, url: str, state: WatchState) -> _Read:
        """A conditional GET: unchanged on 304, else the feed's records and its validators."""
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        try:
            with self._client.stream("GET", url, headers=headers, timeout=self._timeout) as response:
                if response.status_code == 304:
                    return _Read(None)
                if response.status_code != 200:
                    raise _SourceFailed(f"HTTP {response.status_code} {response.reason_phrase}".strip())
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_FEED_BYTES:
                        raise _SourceFailed(f"larger than {MAX_FEED_BYTES // (1024 * 1024)} MiB")
        except httpx.TimeoutException as exc:
            raise _SourceFailed(f"timed out after {self._timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise _SourceFailed(f"cannot fetch: {one_line(exc)}") from exc
        items = _readable(read_fetched(bytes(body), url), url)
        return _Read(items, response.headers.get("ETag"), response.headers.get("Last-Modified"))

    def _read(self, path: str, state: WatchState) -> _Read:
        """A feed file: unchanged while its modification time and size are; a folder: read again
        (what it held before is skipped as stored)."""
        try:
            status = os.stat(path)
        except OSError as exc:
            raise _SourceFailed(f"cannot read: {exc.strerror or exc}") from exc
        if os.path.isdir(path):
            return _Read(iter_documents([path], notices=True))
        validator = f"{status.st_mtime_ns}:{status.st_size}"
        if validator == state.last_modified:
            return _Read(None)
        return _Read(_readable(iter_documents([path], notices=True), path), last_modified=validator)


def _readable(items: Iterator[Item], locator: str) -> Sequence[Item]:
    """``items`` read whole (a feed is bounded, and parsed before the poll writes), unless they
    hold no record at all: then the poll failed, for what was said of the source as a whole
    (broken XML, not a feed) or else of its first entry."""
    said: list[Rejection | Notice] = []
    for item in items:
        if isinstance(item, Document):
            return [*said, item, *items]
        said.append(item)
    about_source = [item for item in said if item.locator == locator] or said
    if about_source:
        first = about_source[0]
        raise _SourceFailed(first.reason if isinstance(first, Rejection) else first.message)
    return said
