"""The one seam between the store's repositories and a database server.

Repositories are written once against ``Database``: SQL with ``?`` placeholders (the PostgreSQL
backend translates them), DDL with type placeholders rendered per dialect, and four ways into a
transaction. Everything about threads and transactions is decided here, once, for both backends:

- Reads run on a connection of the calling thread's own, made on first use, so a server can read
  from many threads while an ingest writes; reads never block behind a writer (SQLite WAL,
  PostgreSQL MVCC). Outside ``write()`` and ``snapshot()`` each statement sees the latest commit.
- ``write()`` opens the one write transaction: one writer at a time across every process using the
  store (the backends take a database-wide lock at ``BEGIN``). ``on_wait()`` is called once when
  another process holds it, before waiting; waiting has no short time-out, since an ingest batch can
  take seconds. A nested ``write()`` in the writing thread joins the outer transaction; other threads
  of this process queue on a lock first. Statements that change anything are refused outside
  ``write()``, so no write can slip past the writer lock.
- ``savepoint()`` inside ``write()``: an exception inside undoes the work since the savepoint only,
  and propagates (Ctrl-C is left to ``write()``). An exception that leaves ``write()`` undoes the
  whole transaction: a caller that wants to survive a failed statement and go on writing wraps it
  in a savepoint (PostgreSQL refuses any further statement in a transaction after an error until
  then).
- ``snapshot()``: the calling thread's reads inside see one consistent committed state (inside
  ``write()`` the writing transaction already is one, and ``snapshot()`` joins it).

Timestamps (``{time}`` columns) are instants: written through ``time()`` from aware datetimes (a
naive one is refused: its zone is unknown and guessing shifts it by hours) and read back through
``read_time()`` as aware UTC datetimes.

Schema: each repository owns a ``Component`` whose ``Migration``s are applied in order by
``migrate``, under the writer lock, and recorded in ``schema_versions(component, version,
applied_at)``. Released migrations are never edited; a change is a new migration of its component.
DDL is written once with type placeholders rendered per dialect: ``{id}`` (an identity primary
key), ``{int}`` (64-bit), ``{real}``, ``{text}``, ``{blob}`` and ``{time}`` (an instant: TEXT
ISO 8601 UTC on SQLite, TIMESTAMPTZ on PostgreSQL).
"""

from __future__ import annotations

import functools
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar

Params = Sequence[Any]
Row = tuple[Any, ...]
OnWait = Callable[[], None]

# Bound parameters per statement in the ``IN (...)`` lists repositories build: SQLite builds before
# 3.32 allow no more than 999, and one limit for both backends keeps their statements alike.
MAX_PARAMETERS = 900

# What a nested write() returns: repositories open one around every change, and most of them run
# inside the caller's batch, so joining costs nothing.
_JOINED: AbstractContextManager[None] = nullcontext()

# "No limit" for ``LIMIT ?``: SQLite refuses LIMIT NULL and PostgreSQL has no LIMIT -1.
NO_LIMIT = 2**63 - 1


class StoreError(Exception):
    """A store that cannot be used as asked; its message is one line a user can act on."""


class StoreNotFound(StoreError):
    """No store at a location a reader opened without creating one (``open_store(create=False)``)."""


class StoreReadOnly(StoreError):
    """A write to a store this process may only read (an SQLite file or folder it cannot write)."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One released step of a component's schema: DDL statements with type placeholders.

    ``by_dialect`` holds statements for one backend only, run after ``statements``: what has no
    common SQL (a full-text index is an FTS5 table in SQLite and a ``tsvector`` in PostgreSQL).
    """

    version: int
    description: str
    statements: tuple[str, ...]
    by_dialect: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def statements_for(self, dialect: str) -> tuple[str, ...]:
        return (*self.statements, *self.by_dialect.get(dialect, ()))


@dataclass(frozen=True, slots=True)
class Component:
    """The tables one repository owns and the migrations that built them, oldest first."""

    name: str
    migrations: tuple[Migration, ...]


C = TypeVar("C")


class ThreadConnections(Generic[C]):
    """One connection per thread, made on first use; ``close_all`` closes every one.

    A connection whose thread has ended is closed when the next one is made, so a server that
    starts a thread per request does not pile up connections.
    """

    def __init__(self, connect: Callable[[], C], close: Callable[[C], None]) -> None:
        self._connect = connect
        self._close = close
        self._local = threading.local()
        self._lock = threading.Lock()
        self._by_thread: dict[threading.Thread, C] = {}
        self._closed = False

    def get(self) -> C:
        if self._closed:
            raise RuntimeError("the store is closed")
        conn: C | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        conn = self._connect()
        with self._lock:
            if self._closed:  # closed while this one was being made
                self._close(conn)
                raise RuntimeError("the store is closed")
            for thread in [t for t in self._by_thread if not t.is_alive()]:
                self._close(self._by_thread.pop(thread))
            self._by_thread[threading.current_thread()] = conn
        self._local.conn = conn
        return conn

    def replace(self) -> C:
        """A new connection for this thread in place of its old one (which is closed)."""
        old: C | None = getattr(self._local, "conn", None)
        if old is not None:
            with self._lock:
                self._by_thread.pop(threading.current_thread(), None)
            self._local.conn = None
            self._close(old)
        return self.get()

    def close_all(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._by_thread = list(self._by_thread.values()), {}
        for conn in connections:
            self._close(conn)


class Database(ABC):
    """A store's database: per-thread reads, one writer across processes, dialect-neutral SQL."""

    dialect: ClassVar[str]
    # DDL type placeholders, rendered per dialect: {id} {int} {real} {text} {blob} {time}.
    types: ClassVar[dict[str, str]]

    def __init__(self, location: str) -> None:
        self.location = location  # printable: never holds a password
        self._write_lock = threading.Lock()  # the threads of this process take turns writing
        self._writer: int | None = None  # ident of the thread inside write()
        self._savepoints = 0
        self._snapshots = threading.local()

    # -- statements -------------------------------------------------------------------------
    def query(self, sql: str, params: Params = ()) -> list[Row]:
        return self._query(sql, params)

    def query_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = self._query(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run a statement that changes something; the number of rows it changed."""
        if self._writer != threading.get_ident():
            raise _outside_write()
        return self._execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        if self._writer != threading.get_ident():
            raise _outside_write()
        self._executemany(sql, rows)

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        """Insert ``rows`` into ``table``'s ``columns`` (the few rows of one article: its paragraphs,
        its sentences) in as few round trips as the backend allows.

        By default ``INSERT INTO … VALUES (…), (…), …``, one statement per ``MAX_PARAMETERS``
        values, where ``executemany`` would pay a pipeline's sync per call, or a statement per row."""
        if self._writer != threading.get_ident():
            raise _outside_write()
        if rows:
            self._insert_rows(table, columns, rows)

    def _insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Params]) -> None:
        width = len(columns)
        per_statement = max(1, MAX_PARAMETERS // width)
        into = f"{table} ({', '.join(columns)})"
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            self._execute(_values_insert(into, width, len(chunk)), [value for row in chunk for value in row])

    def insert(self, sql: str, params: Params) -> int:
        """Run an ``INSERT … RETURNING id``; the new row's id."""
        if self._writer != threading.get_ident():
            raise _outside_write()
        return self._insert(sql, params)

    def render(self, ddl: str) -> str:
        """A DDL statement with its type placeholders in this dialect."""
        return ddl.format_map(self.types)

    # -- transactions -----------------------------------------------------------------------
    def write(self, on_wait: OnWait | None = None) -> AbstractContextManager[None]:
        if self._writer == threading.get_ident():
            return _JOINED  # nested: joins the outer transaction
        return self._transaction(on_wait)

    @contextmanager
    def _transaction(self, on_wait: OnWait | None) -> Iterator[None]:
        if getattr(self._snapshots, "depth", 0):
            raise RuntimeError("write() inside snapshot(): a snapshot is read-only")
        with self._write_lock:
            self._begin_write(on_wait)
            self._writer = threading.get_ident()
            try:
                try:
                    yield
                except BaseException:
                    self._rollback()
                    raise
                try:
                    self._commit()
                except BaseException:
                    self._rollback()  # SQLite keeps a transaction open when COMMIT fails
                    raise
            finally:
                self._writer = None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        if self._writer != threading.get_ident():
            raise RuntimeError("savepoint() needs write() in this thread")
        name = f"storyline_{self._savepoints}"
        self._savepoints += 1
        self._execute(f"SAVEPOINT {name}", ())
        try:
            yield
        except Exception:
            self._execute(f"ROLLBACK TO SAVEPOINT {name}", ())
            self._execute(f"RELEASE SAVEPOINT {name}", ())
            raise
        # Ctrl-C (or SystemExit) is not undone to the savepoint: it leaves write() too, which rolls
        # back everything, and it may have cut a command short (a PostgreSQL COPY), leaving a
        # connection no further statement can use until that rollback deals with it.
        else:
            self._execute(f"RELEASE SAVEPOINT {name}", ())
        finally:
            self._savepoints -= 1

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        depth: int = getattr(self._snapshots, "depth", 0)
        if depth or self._writer == threading.get_ident():
            self._snapshots.depth = depth + 1
            try:
                yield
            finally:
                self._snapshots.depth = depth
            return
        self._begin_snapshot()
        self._snapshots.depth = 1
        try:
            yield
        finally:
            self._snapshots.depth = 0
            self._end_snapshot()

    def in_transaction(self) -> bool:
        """Whether the calling thread is inside ``write()`` or ``snapshot()``."""
        return self._writer == threading.get_ident() or bool(getattr(self._snapshots, "depth", 0))

    # -- timestamps -------------------------------------------------------------------------
    @abstractmethod
    def time(self, value: datetime) -> Any:
        """The parameter that stores the instant ``value`` in a ``{time}`` column; a naive
        ``value`` is refused (``require_aware``)."""

    def time_or_none(self, value: datetime | None) -> Any:
        return None if value is None else self.time(value)

    @abstractmethod
    def read_time(self, value: Any) -> datetime:
        """An aware UTC datetime from a ``{time}`` column's value."""

    def read_time_or_none(self, value: Any) -> datetime | None:
        return None if value is None else self.read_time(value)

    # -- catalogue --------------------------------------------------------------------------
    @abstractmethod
    def tables(self) -> set[str]:
        """Names of the tables the store's schema holds."""

    # -- backend primitives, all on the calling thread's connection -------------------------
    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def _query(self, sql: str, params: Params) -> list[Row]: ...

    @abstractmethod
    def _execute(self, sql: str, params: Params) -> int: ...

    @abstractmethod
    def _executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    @abstractmethod
    def _insert(self, sql: str, params: Params) -> int: ...

    @abstractmethod
    def _begin_write(self, on_wait: OnWait | None) -> None:
        """Begin a transaction holding the store's writer lock, calling ``on_wait`` once first if
        another process holds it."""

    @abstractmethod
    def _commit(self) -> None: ...

    @abstractmethod
    def _rollback(self) -> None:
        """Undo the open transaction; nothing when there is none."""

    @abstractmethod
    def _begin_snapshot(self) -> None: ...

    @abstractmethod
    def _end_snapshot(self) -> None: ...


def _outside_write() -> RuntimeError:
    # Checked on every statement that changes something, so that none slips past the writer lock.
    return RuntimeError("a statement that changes the store must run inside write()")


def require_aware(value: datetime) -> datetime:
    """``value`` if it names an instant; a naive datetime's zone is unknown, so it is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()}: the store needs an aware datetime")
    return value


def utc(value: datetime) -> datetime:
    """An aware datetime as the same instant in UTC."""
    return require_aware(value).astimezone(UTC)


def in_chunks(items: Sequence[Any], size: int = MAX_PARAMETERS) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    """``?, ?, …`` for an ``IN`` list of ``count`` values."""
    return ", ".join("?" * count)


@functools.lru_cache(maxsize=512)
def _values_insert(into: str, width: int, count: int) -> str:
    one = f"({marks(width)})"
    return f"INSERT INTO {into} VALUES {', '.join([one] * count)}"


def keyset(
    db: Database, sql: str, params: Params = (), after: Any = 0, batch_size: int = 10_000
) -> Iterator[Row]:
    """Every row of ``sql`` whose key is past ``after``, read ``batch_size`` at a time so a large
    table never sits in memory.

    ``sql`` selects the key first and ends ``<key> > ? ORDER BY <key> LIMIT ?``; ``params`` are its
    parameters before those two. Keys must be unique: a page starts after the last one.
    """
    while True:
        rows = db.query(sql, (*params, after, batch_size))
        yield from rows
        if len(rows) < batch_size:
            return
        after = rows[-1][0]


_VERSIONS_DDL = """
CREATE TABLE IF NOT EXISTS schema_versions (
    component {text} NOT NULL,
    version {int} NOT NULL,
    applied_at {time} NOT NULL,
    PRIMARY KEY (component, version)
)"""


def applied_versions(db: Database) -> set[tuple[str, int]]:
    if "schema_versions" not in db.tables():
        return set()
    return {(str(c), int(v)) for c, v in db.query("SELECT component, version FROM schema_versions")}


def migrate(db: Database, components: Sequence[Component]) -> None:
    """Apply every migration the store lacks, in the components' order, under the writer lock.

    Opening an up-to-date store only reads. Two processes opening a new store at once both find it
    empty, and the second to get the writer lock finds the first one's work done.
    """
    wanted = {(c.name, m.version) for c in components for m in c.migrations}
    if wanted <= applied_versions(db):
        return
    with db.write():
        db.execute(db.render(_VERSIONS_DDL))
        applied = applied_versions(db)
        for component in components:
            for migration in component.migrations:
                if (component.name, migration.version) in applied:
                    continue
                for statement in migration.statements_for(db.dialect):
                    db.execute(db.render(statement))
                db.execute(
                    "INSERT INTO schema_versions (component, version, applied_at) VALUES (?, ?, ?)",
                    (component.name, migration.version, db.time(datetime.now(UTC))),
                )
