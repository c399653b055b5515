"""Ingest runs and the inputs each one rejected.

A run records the host and process that ran it, so a run killed mid-way (its status still
``running``) can be told from one still going: the next run started on the same host checks.
"""

from __future__ import annotations

import builtins  # `list` inside the repository class names its own list() method
import json
import os
import socket
from collections.abc import Sequence
from datetime import datetime

from storyline.models import Notice, Rejection
from storyline.store.database import Component, Database, Migration, Row
from storyline.store.records import IngestCounts, IngestRun, RunStatus

SCHEMA = Component(
    "runs",
    (
        Migration(
            1,
            "ingest runs with their process, and the inputs they rejected",
            (
                """CREATE TABLE ingest_runs (
                    id {id},
                    started_at {time} NOT NULL,
                    finished_at {time},
                    arguments {text} NOT NULL,
                    status {text} NOT NULL,
                    host {text},
                    pid {int},
                    read {int} NOT NULL DEFAULT 0,
                    new {int} NOT NULL DEFAULT 0,
                    exact_duplicates {int} NOT NULL DEFAULT 0,
                    near_duplicates {int} NOT NULL DEFAULT 0,
                    already_stored {int} NOT NULL DEFAULT 0,
                    rejected {int} NOT NULL DEFAULT 0
                )""",
                "CREATE INDEX ingest_runs_status ON ingest_runs (status)",
                """CREATE TABLE rejections (
                    id {id},
                    run_id {int} NOT NULL REFERENCES ingest_runs (id),
                    locator {text} NOT NULL,
                    reason {text} NOT NULL,
                    rejected_at {time} NOT NULL
                )""",
                "CREATE INDEX rejections_run ON rejections (run_id)",
            ),
        ),
        Migration(
            2,
            "what a run skipped without rejecting it (a crawl's request and metadata records), with notes",
            (
                "ALTER TABLE ingest_runs ADD COLUMN skipped {int} NOT NULL DEFAULT 0",
                """CREATE TABLE run_notices (
                    id {id},
                    run_id {int} NOT NULL REFERENCES ingest_runs (id),
                    locator {text} NOT NULL,
                    message {text} NOT NULL,
                    skipped {int} NOT NULL,
                    noted_at {time} NOT NULL
                )""",
                "CREATE INDEX run_notices_run ON run_notices (run_id)",
            ),
        ),
    ),
)

_COLUMNS = """id, started_at, finished_at, status, read, new, exact_duplicates, near_duplicates,
    already_stored, rejected, skipped, arguments, host, pid"""


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0 delivers nothing; it only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


class RunRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def start(self, arguments: Sequence[str], now: datetime) -> int:
        """Record a run of this process, first marking ``interrupted`` the runs of this host still
        marked running whose process is gone: each of their batches was committed whole, so only
        their status needs telling. Runs of other hosts, and runs from before hosts were recorded,
        cannot be checked from here and stay as they are."""
        host = socket.gethostname()
        started_at = self._db.time(now)  # a naive time is refused before anything is written
        with self._db.write():
            stale = self._db.query(
                "SELECT id, pid FROM ingest_runs WHERE status = ? AND host = ?",
                (RunStatus.RUNNING.value, host),
            )
            gone = [(RunStatus.INTERRUPTED.value, run_id) for run_id, pid in stale if not process_alive(pid)]
            self._db.executemany("UPDATE ingest_runs SET status = ? WHERE id = ?", gone)
            return self._db.insert(
                """INSERT INTO ingest_runs (started_at, arguments, status, host, pid)
                   VALUES (?, ?, ?, ?, ?) RETURNING id""",
                (started_at, json.dumps(list(arguments)), RunStatus.RUNNING.value, host, os.getpid()),
            )

    def finish(self, run_id: int, counts: IngestCounts, status: RunStatus, now: datetime) -> None:
        finished_at = self._db.time(now)
        with self._db.write():
            self._db.execute(
                """UPDATE ingest_runs SET finished_at = ?, status = ?, read = ?, new = ?,
                   exact_duplicates = ?, near_duplicates = ?, already_stored = ?, rejected = ?,
                   skipped = ? WHERE id = ?""",
                (
                    finished_at,
                    RunStatus(status).value,
                    counts.read,
                    counts.new,
                    counts.exact_duplicates,
                    counts.near_duplicates,
                    counts.already_stored,
                    counts.rejected,
                    counts.skipped,
                    run_id,
                ),
            )

    def add_rejection(self, run_id: int, rejection: Rejection, now: datetime) -> None:
        rejected_at = self._db.time(now)
        with self._db.write():
            self._db.execute(
                "INSERT INTO rejections (run_id, locator, reason, rejected_at) VALUES (?, ?, ?, ?)",
                (run_id, rejection.locator, rejection.reason, rejected_at),
            )

    def add_notice(self, run_id: int, notice: Notice, now: datetime) -> None:
        noted_at = self._db.time(now)
        with self._db.write():
            self._db.execute(
                """INSERT INTO run_notices (run_id, locator, message, skipped, noted_at)
                   VALUES (?, ?, ?, ?, ?)""",
                (run_id, notice.locator, notice.message, notice.skipped, noted_at),
            )

    def notices(self, run_id: int) -> list[Notice]:
        rows = self._db.query(
            "SELECT locator, message, skipped FROM run_notices WHERE run_id = ? ORDER BY id", (run_id,)
        )
        return [Notice(locator, message, skipped) for locator, message, skipped in rows]

    def rejections(self, run_id: int) -> list[Rejection]:
        rows = self._db.query(
            "SELECT locator, reason FROM rejections WHERE run_id = ? ORDER BY id", (run_id,)
        )
        return [Rejection(locator, reason) for locator, reason in rows]

    def list(self) -> list[IngestRun]:
        return [self._run(r) for r in self._db.query(f"SELECT {_COLUMNS} FROM ingest_runs ORDER BY id")]

    def get(self, run_id: int) -> IngestRun | None:
        row = self._db.query_one(f"SELECT {_COLUMNS} FROM ingest_runs WHERE id = ?", (run_id,))
        return self._run(row) if row else None

    def running(self, excluding: int | None = None) -> builtins.list[IngestRun]:
        """Runs still marked running (other than ``excluding``): an ingest about to wait for the
        writer lock names them."""
        rows = self._db.query(
            f"SELECT {_COLUMNS} FROM ingest_runs WHERE status = ? AND id <> ? ORDER BY id",
            (RunStatus.RUNNING.value, -1 if excluding is None else excluding),
        )
        return [self._run(r) for r in rows]

    def _run(self, r: Row) -> IngestRun:
        return IngestRun(
            id=r[0],
            started_at=self._db.read_time(r[1]),
            finished_at=self._db.read_time_or_none(r[2]),
            status=RunStatus(r[3]),
            counts=IngestCounts(*r[4:11]),
            arguments=tuple(json.loads(r[11])),
            host=r[12],
            pid=r[13],
        )
