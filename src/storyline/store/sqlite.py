"""SQLite backend: the embedded default, one file, no server.

WAL journaling lets readers go on while a writer writes; ``synchronous=NORMAL`` is safe with WAL
(a power cut may lose the last commits, never corrupt the file) and much faster than FULL. The
writer lock is SQLite's own: ``BEGIN IMMEDIATE`` takes the file's write lock at ``BEGIN``, so the
transaction never has to upgrade a read lock later (which could fail with nothing to wait for).

A store this process cannot write (the file, or the folder that must hold the WAL's ``-wal`` and
``-shm`` files, is not writable to it) is opened read-only, so that it can still be read: every
write then raises ``StoreReadOnly``. Without a ``-wal`` file beside it and with no way to create
one, SQLite can read the file only as ``immutable`` (it then takes no locks): nothing can be
missing from it, since every commit of a WAL store that has no ``-wal`` file is in the main file.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from storyline.store.database import (
    Database,
    OnWait,
    Params,
    Row,
    StoreNotFound,
    StoreReadOnly,
    ThreadConnections,
    utc,
)

# How long one SQLite call waits on a lock before it reports busy. Readers under WAL meet a lock
# only in brief moments (recovering the WAL after a crash, switching the journal mode of a new
# file), and waiting for the writer lock loops over this (``_begin_write``), so it only bounds how
# often the loop wakes.
_BUSY_TIMEOUT_MS = 5_000


class SQLiteDatabase(Database):
    dialect: ClassVar[str] = "sqlite"
    # Instants are TEXT: ISO 8601 in UTC ("+00:00"), which sorts in time order as text, with or
    # without a fraction of a second ("…:00+00:00" < "…:00.5+00:00" since "+" < ".").
    types: ClassVar[dict[str, str]] = {
        "id": "INTEGER PRIMARY KEY",
        "int": "INTEGER",
        "real": "REAL",
        "text": "TEXT",
        "blob": "BLOB",
        "time": "TEXT",
        "clustered": "WITHOUT ROWID",
    }

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        """Open the file at ``path``; ``create`` False refuses (``StoreNotFound``) where there is
        none, and then leaves the file as it finds it (a reader converts nothing to WAL)."""
        super().__init__(str(path))
        self.path = Path(path)
        folder = self.path.parent  # Path("store.db").parent is Path(".")
        exists = self.path.exists()
        if not exists and not create:
            raise StoreNotFound(f"no store at {path}")
        if not exists and not _writable(folder):
            raise StoreReadOnly(f"cannot create a store at {path}: its folder is not writable")
        self.read_only = exists and not (_writable(self.path) and _writable(folder))
        mode = "ro" if self.read_only else "rwc" if create else "rw"
        immutable = self.read_only and not _writable(folder) and not Path(f"{self.path}-wal").exists()
        self._uri = f"file:{quote(str(self.path.absolute()))}?mode={mode}" + "&immutable=1" * immutable
        self._connections = ThreadConnections(self._connect, sqlite3.Connection.close)
        connection = self._connections.get()
        if create and not self.read_only:
            # WAL is a property of the file: set once, it holds for every later connection.
            connection.execute("PRAGMA journal_mode=WAL")

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: transactions are begun and ended by this class alone.
        # check_same_thread=False only so close() may close another thread's connection.
        conn = sqlite3.connect(
            self._uri,
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            timeout=_BUSY_TIMEOUT_MS / 1000,
        )
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def close(self) -> None:
        self._connections.close_all()

    # -- statements -------------------------------------------------------------------------
    def _query(self, sql: str, params: Params) -> list[Row]:
        return self._connections.get().execute(sql, params).fetchall()

    def _execute(self, sql: str, params: Params) -> int:
        return self._connections.get().execute(sql, params).rowcount

    def _executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._connections.get().executemany(sql, rows)

    def _insert(self, sql: str, params: Params) -> int:
        # The row id without the RETURNING clause, which doubles what a small insert costs SQLite.
        row_id = self._connections.get().execute(_without_returning_id(sql), params).lastrowid
        if row_id is None:
            raise RuntimeError(f"the insert made no row: {sql}")
        return row_id

    def tables(self) -> set[str]:
        return {str(r[0]) for r in self._query("SELECT name FROM sqlite_schema WHERE type = 'table'", ())}

    # -- timestamps -------------------------------------------------------------------------
    def time(self, value: datetime) -> str:
        return _utc_text(value)

    def read_time(self, value: Any) -> datetime:
        return utc(datetime.fromisoformat(value))

    # -- transactions -----------------------------------------------------------------------
    def _begin_write(self, on_wait: OnWait | None) -> None:
        if self.read_only:
            raise StoreReadOnly(
                f"the store at {self.location} is read-only here (its file or its folder is not"
                " writable): it can be read, not written"
            )
        conn = self._connections.get()
        # The first try must not wait, so that on_wait is called before any waiting; afterwards
        # each try waits up to the busy time-out inside SQLite, and the loop waits for good.
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            if _try_begin_immediate(conn):
                return
        finally:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        if on_wait is not None:
            on_wait()
        while not _try_begin_immediate(conn):
            pass

    def _commit(self) -> None:
        self._connections.get().execute("COMMIT")

    def _rollback(self) -> None:
        conn = self._connections.get()
        if conn.in_transaction:  # SQLite ends the transaction itself on some errors (disk full)
            conn.execute("ROLLBACK")

    def _begin_snapshot(self) -> None:
        conn = self._connections.get()
        conn.execute("BEGIN DEFERRED")
        # A deferred transaction takes its snapshot at its first read: read now, so the snapshot
        # is the state at snapshot() and not at whatever the caller happens to read first.
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchall()

    def _end_snapshot(self) -> None:
        self._rollback()


@functools.lru_cache(maxsize=64)
def _without_returning_id(sql: str) -> str:
    statement = sql.rstrip()
    if not statement.upper().endswith("RETURNING ID"):
        raise ValueError(f"insert() takes an INSERT … RETURNING id: {sql}")
    return statement[: -len("RETURNING ID")].rstrip()


@functools.lru_cache(maxsize=256)
def _utc_text(value: datetime) -> str:
    # Cached: a batch writes the same few instants (its clock's "now") on every row. A naive value
    # raises, and a raised call is not cached.
    return utc(value).isoformat()


def _writable(path: Path) -> bool:
    # access() answers for this process's real user and its capabilities: root is refused only
    # what a read-only mount or dropped capabilities refuse it.
    return os.access(path, os.W_OK | (os.X_OK if path.is_dir() else 0))


def _try_begin_immediate(conn: sqlite3.Connection) -> bool:
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:  # an extended code's low byte
            return False
        raise
    return True
