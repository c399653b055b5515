"""What every request handler shares: the reading tracker, the one writer, and the token.

Reads go through one ``Tracker`` opened read-only: its store gives each thread a connection of its
own (the server runs handlers on a thread pool), so reads run side by side and never wait for a
write. Writes go through a second tracker, made on the first write and used by one request at a
time, as the store allows one writer.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from storyline.tracker import Tracker

# The most records one ingest request may hold: checked whole and stored as one batch (one
# transaction); bigger bodies go through the CLI.
MAX_RECORDS = 5_000


@dataclass
class ServerContext:
    """``token`` authorises writes (and reads, unless ``open_reads``)."""

    location: str
    token: str
    open_reads: bool
    reader: Tracker
    make_writer: Callable[[], Tracker] = field(repr=False)
    _writer: Tracker | None = field(default=None, repr=False)
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, location: str, token: str, open_reads: bool) -> ServerContext:
        # The writer's batch holds a whole request, so that a request is stored whole or not at all.
        return cls(
            location,
            token,
            open_reads,
            Tracker(location, create=False),
            lambda: Tracker(location, batch_size=MAX_RECORDS),
        )

    def authorised(self, presented: str | None) -> bool:
        """Whether ``presented`` is the token (compared in constant time)."""
        return presented is not None and hmac.compare_digest(presented.encode(), self.token.encode())

    @contextmanager
    def writer(self) -> Iterator[Tracker]:
        """The one writing tracker, for one request at a time."""
        with self._write_lock:
            if self._writer is None:
                self._writer = self.make_writer()
            yield self._writer

    def close(self) -> None:
        with self._write_lock:
            if self._writer is not None:
                self._writer.close()
        self.reader.close()
