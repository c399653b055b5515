"""The online clusterer's state: one full state and the change records written over it, in order.

A batch saves what it touched (a change record) instead of rewriting the whole state; now and then
a full state replaces the old one and every change record. ``StateVersion`` names what a store
holds: the full state's generation (1 for the first) and the number of change records written over
it, so a process can tell cheaply whether another one has moved the stories on since it last read
or wrote.
"""

from __future__ import annotations

from datetime import datetime

from storyline.store.database import Component, Database, Migration
from storyline.store.records import ClustererState, StateVersion

SCHEMA = Component(
    "clusterer_state",
    (
        Migration(
            1,
            "a full state with its generation, and the change records written over it",
            (
                """CREATE TABLE clusterer_state (
                    id {int} PRIMARY KEY CHECK (id = 1),
                    generation {int} NOT NULL,
                    data {blob} NOT NULL,
                    saved_at {time} NOT NULL
                )""",
                # seq counts from 1 within a generation (not an identity column: those differ in
                # whether they restart after a delete, and the version must not differ by backend)
                """CREATE TABLE clusterer_state_changes (
                    seq {int} PRIMARY KEY,
                    data {blob} NOT NULL,
                    saved_at {time} NOT NULL
                )""",
            ),
        ),
    ),
)

_VERSION = """SELECT s.generation, (SELECT COALESCE(MAX(seq), 0) FROM clusterer_state_changes)
              FROM clusterer_state s WHERE s.id = 1"""


class ClustererStateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def save_full(self, data: bytes, now: datetime) -> StateVersion:
        """Replace the state and every change record: the next generation."""
        saved_at = self._db.time(now)
        with self._db.write():
            current = self.version()
            generation = (current.generation if current else 0) + 1
            self._db.execute(
                """INSERT INTO clusterer_state (id, generation, data, saved_at) VALUES (1, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET generation = excluded.generation,
                     data = excluded.data, saved_at = excluded.saved_at""",
                (generation, data, saved_at),
            )
            self._db.execute("DELETE FROM clusterer_state_changes")
        return StateVersion(generation, 0)

    def append_changes(self, data: bytes, now: datetime) -> StateVersion:
        """Add a change record, to be applied after those before it over the full state."""
        saved_at = self._db.time(now)
        with self._db.write():
            current = self.version()
            if current is None:
                raise RuntimeError("no clusterer state to write changes over: save a full state first")
            seq = current.last_change + 1
            self._db.execute(
                "INSERT INTO clusterer_state_changes (seq, data, saved_at) VALUES (?, ?, ?)",
                (seq, data, saved_at),
            )
        return StateVersion(current.generation, seq)

    def load(self) -> ClustererState | None:
        with self._db.snapshot():  # the full state and its changes as one process last wrote them
            full = self._db.query_one("SELECT generation, data FROM clusterer_state WHERE id = 1")
            if full is None:
                return None
            changes = self._db.query("SELECT seq, data FROM clusterer_state_changes ORDER BY seq")
        return ClustererState(
            bytes(full[1]),
            [bytes(data) for _, data in changes],
            StateVersion(int(full[0]), int(changes[-1][0]) if changes else 0),
        )

    def changes_after(self, version: StateVersion) -> tuple[list[bytes], StateVersion] | None:
        """The change records saved after ``version``, oldest first, and the version they reach;
        None when the store holds another generation (a full state was saved since: ``load``)."""
        with self._db.snapshot():
            current = self.version()
            if current is None or current.generation != version.generation:
                return None
            rows = self._db.query(
                "SELECT data FROM clusterer_state_changes WHERE seq > ? AND seq <= ? ORDER BY seq",
                (version.last_change, current.last_change),
            )
        return [bytes(r[0]) for r in rows], current

    def version(self) -> StateVersion | None:
        """Which state the store holds, without reading it."""
        row = self._db.query_one(_VERSION)
        return StateVersion(int(row[0]), int(row[1])) if row else None
