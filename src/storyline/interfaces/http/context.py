"""What every request handler shares: the reading tracker, the one writer, the token, and the
watcher of feeds when the server runs one.

Reads go through one ``Tracker`` opened read-only: its store gives each thread a connection of its
own (the server runs handlers on a thread pool), so reads run side by side and never wait for a
write. Writes go through a second tracker, made on the first write and used by one request (or
the watcher storing what one poll fetched) at a time, as the store allows one writer. The watcher
fetches without it: a feed that takes its whole timeout to answer holds up no request.

The token never leaves the server once presented: corrections are recorded under its *label* (a
name given with it, else a short hash of it), and the pages' session cookie and form token are
keyed hashes of it, so that neither can be used as the token, and changing the token ends every
session.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from storyline.ingest.watch import DEFAULT_EVERY, Poll, PollOutcome, Watcher
from storyline.models import one_line
from storyline.tracker import Tracker

# The most records one ingest request may hold: checked whole and stored as one batch (one
# transaction); bigger bodies go through the CLI.
MAX_RECORDS = 5_000


def _keyed(token: str, purpose: str) -> str:
    return hmac.new(token.encode(), purpose.encode(), hashlib.sha256).hexdigest()


@dataclass
class ServerContext:
    """``token`` authorises writes (and reads, unless ``open_reads``); ``token_name`` labels the
    corrections made with it (default: ``token-`` and a short hash of it)."""

    location: str
    token: str
    open_reads: bool
    reader: Tracker
    make_writer: Callable[[], Tracker] = field(repr=False)
    token_name: str = ""
    watch_every: float = DEFAULT_EVERY
    _writer: Tracker | None = field(default=None, repr=False)
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _wake: threading.Event = field(default_factory=threading.Event, repr=False)
    _stopping: threading.Event = field(default_factory=threading.Event, repr=False)
    _watching: threading.Thread | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # 32 bits of a hash tell nothing useful about a token of 24 random bytes, and tell apart
        # the tokens a server had over time.
        self.token_name = self.token_name or f"token-{hashlib.sha256(self.token.encode()).hexdigest()[:8]}"

    @classmethod
    def open(cls, location: str, token: str, open_reads: bool, token_name: str = "") -> ServerContext:
        # The writer's batch holds a whole request, so that a request is stored whole or not at all.
        return cls(
            location,
            token,
            open_reads,
            Tracker(location, create=False),
            lambda: Tracker(location, batch_size=MAX_RECORDS),
            token_name,
        )

    def authorised(self, presented: str | None) -> bool:
        """Whether ``presented`` is the token (compared in constant time)."""
        return presented is not None and hmac.compare_digest(presented.encode(), self.token.encode())

    @property
    def session(self) -> str:
        """The value of a signed-in page reader's cookie."""
        return _keyed(self.token, "storyline page session")

    def signed_in(self, cookie: str | None) -> bool:
        return cookie is not None and hmac.compare_digest(cookie.encode(), self.session.encode())

    @property
    def form_token(self) -> str:
        """What every page form that writes carries, and a post from another site cannot know."""
        return _keyed(self.token, "storyline page form")

    def form_token_matches(self, presented: str | None) -> bool:
        return presented is not None and hmac.compare_digest(presented.encode(), self.form_token.encode())

    @contextmanager
    def writer(self) -> Iterator[Tracker]:
        """The one writing tracker, for one request at a time."""
        with self._write_lock:
            if self._writer is None:
                self._writer = self.make_writer()
            yield self._writer

    # -- the watcher --------------------------------------------------------------------------
    def poll_watched(self) -> list[Poll]:
        """Poll the watched sources that are due now; their polls. Each stores what it fetched
        through the writer, which it holds only for that."""
        with self._watcher() as watcher:
            return watcher.poll_due()

    def _watcher(self) -> Watcher:
        """A watcher of the stored sources over the writer, holding it only while storing."""
        with self.writer() as tracker:
            return tracker.watcher(None, every=self.watch_every, writing=lambda: self._write_lock)

    def start_watching(self, say: Callable[[str], None]) -> None:
        """Poll the stored sources in a thread of their own until ``close``, each every
        ``watch_every`` seconds, telling ``say`` one line per poll; a source added meanwhile
        (``watch_added``) is polled at once."""

        def report(poll: Poll) -> None:
            say(f"failed {poll}" if poll.outcome is PollOutcome.FAILED else str(poll))

        def loop() -> None:
            with self._watcher() as watcher:
                while not self._stopping.is_set():
                    wait = self.watch_every
                    try:
                        watcher.poll_due(report)
                        wait = watcher.due_in()
                    except Exception as exc:  # the server goes on; the next round tries again
                        say(f"watcher: {one_line(exc)}")
                    self._wake.wait(wait)
                    self._wake.clear()

        self._watching = threading.Thread(target=loop, name="storyline-watch", daemon=True)
        self._watching.start()

    def watch_added(self) -> None:
        self._wake.set()

    def close(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._watching is not None:
            self._watching.join()
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
        self.reader.close()
