"""Watched sources: what a watcher knows of each feed or folder it polls, so a restarted watcher
resumes where the last one stopped (the same conditional GET, the same backoff, the same next
poll) instead of fetching everything again at once."""

from __future__ import annotations

from datetime import datetime

from storyline.store.database import Component, Database, Migration, Row
from storyline.store.records import WatchState

SCHEMA = Component(
    "watch",
    (
        Migration(
            1,
            "each watched source's validators, successes, failures and next poll",
            (
                """CREATE TABLE watched_sources (
                    source {text} PRIMARY KEY,
                    etag {text},
                    last_modified {text},
                    last_success {time},
                    last_attempt {time},
                    failures {int} NOT NULL,
                    last_error {text},
                    next_poll {time} NOT NULL
                )""",
            ),
        ),
    ),
)

_COLUMNS = "source, etag, last_modified, last_success, last_attempt, failures, last_error, next_poll"


class WatchRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, source: str) -> WatchState | None:
        row = self._db.query_one(f"SELECT {_COLUMNS} FROM watched_sources WHERE source = ?", (source,))
        return self._state(row) if row else None

    def sources(self) -> list[WatchState]:
        """Every source ever watched, by name."""
        rows = self._db.query(f"SELECT {_COLUMNS} FROM watched_sources ORDER BY source")
        return [self._state(r) for r in rows]

    def add(self, source: str, due: datetime) -> bool:
        """Watch ``source`` from now on, first polled at ``due``; False if it is watched already
        (its state is kept as it is)."""
        with self._db.write():
            if self.get(source) is not None:
                return False
            self.save(WatchState(source, due))
            return True

    def remove(self, source: str) -> bool:
        """Stop watching ``source`` and forget its state; False if it was not watched."""
        with self._db.write():
            return self._db.execute("DELETE FROM watched_sources WHERE source = ?", (source,)) > 0

    def save(self, state: WatchState) -> None:
        db = self._db
        with db.write():
            db.execute(
                f"""INSERT INTO watched_sources ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (source) DO UPDATE SET etag = excluded.etag,
                      last_modified = excluded.last_modified, last_success = excluded.last_success,
                      last_attempt = excluded.last_attempt, failures = excluded.failures,
                      last_error = excluded.last_error, next_poll = excluded.next_poll""",
                (
                    state.source,
                    state.etag,
                    state.last_modified,
                    db.time_or_none(state.last_success),
                    db.time_or_none(state.last_attempt),
                    state.failures,
                    state.last_error,
                    db.time(state.next_poll),
                ),
            )

    def _state(self, r: Row) -> WatchState:
        db = self._db
        return WatchState(
            source=r[0],
            etag=r[1],
            last_modified=r[2],
            last_success=db.read_time_or_none(r[3]),
            last_attempt=db.read_time_or_none(r[4]),
            failures=int(r[5]),
            last_error=r[6],
            next_poll=db.read_time(r[7]),
        )
