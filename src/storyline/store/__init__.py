"""Storage: one ``Store`` over SQLite (a file, the default) or PostgreSQL (a server).

``open_store`` picks the backend from the location: a path or ``sqlite:///path`` is an SQLite
file, a ``postgresql://`` or ``postgres://`` URL a PostgreSQL database.

- ``database`` — ``Database``, the one seam to a server: dialect-neutral SQL, per-thread reads, one
  writer across processes, savepoints, snapshots; components, migrations and ``migrate``.
- ``sqlite`` / ``postgres`` — ``SQLiteDatabase`` and ``PostgresDatabase`` (psycopg 3).
- ``runs``, ``articles``, ``duplicates``, ``stories``, ``clusterer_state``, ``time_expressions``,
  ``entities`` — one repository each, written once over ``Database``, each owning its tables (its
  ``SCHEMA`` component).
- ``legacy`` — in-place conversion of a store written by storyline 0.1.
- ``store`` — ``Store``, the aggregate the pipeline uses; ``records`` — the rows it hands back.

Every timestamp is handed in by the caller: the store never reads a clock for data.

A reader opens a store with ``create=False``: where there is none it gets ``StoreNotFound`` and
nothing is created (an SQLite file that does not exist or holds no storyline schema; a PostgreSQL
database without storyline's schema — one that does not exist at all fails to connect, with the
server's own message). A store that can be read but not written (an SQLite file in a read-only
folder) opens, and every write to it raises ``StoreReadOnly``.
"""

from __future__ import annotations

import os
from pathlib import Path

from storyline.store.database import Database, StoreError, StoreNotFound, StoreReadOnly
from storyline.store.store import Store

DB_VARIABLE = "STORYLINE_DB"
DEFAULT_DB = "storyline.db"
# Where a store is looked for when none is named, in order: the default, then what `make demo` writes.
DEFAULT_CANDIDATES = (DEFAULT_DB, "demo.db")
# The schema bookkeeping tables of a storyline store: the current one, and storyline 0.1's.
_SCHEMA_TABLES = frozenset({"schema_versions", "schema_migrations"})


def default_location() -> str:
    """``$STORYLINE_DB``, else the first of ``DEFAULT_CANDIDATES`` in the working directory that
    exists, else ``storyline.db`` there (where a first ingest creates it)."""
    named = os.environ.get(DB_VARIABLE)
    if named:
        return named
    return next((name for name in DEFAULT_CANDIDATES if Path(name).is_file()), DEFAULT_DB)


def open_store(location: str | Path | None = None, *, create: bool = True) -> Store:
    """Open the store at ``location`` (``default_location()`` when None), creating it or bringing
    its schema up to date as needed; with ``create`` False, ``StoreNotFound`` where there is no
    store, and nothing is created."""
    db = open_database(location, create=create)
    try:
        if not create and not _SCHEMA_TABLES & db.tables():
            raise StoreNotFound(f"no store at {db.location}")
        return Store(db)
    except BaseException:
        db.close()
        raise


def open_database(location: str | Path | None = None, *, create: bool = True) -> Database:
    """The database at ``location`` without any schema work: a path or ``sqlite:///path`` is an
    SQLite file, ``postgresql://…`` a PostgreSQL database. ``open_store`` is what a caller wants."""
    target = str(location) if location is not None else default_location()
    if target.startswith(("postgresql://", "postgres://")):
        # Imported here: an SQLite user needs no PostgreSQL driver loaded.
        from storyline.store.postgres import PostgresDatabase

        return PostgresDatabase(target)  # a server never creates a database for a client
    else:
        from storyline.store.sqlite import SQLiteDatabase

        return SQLiteDatabase(target.removeprefix("sqlite:///"), create=create)


__all__ = [
    "DB_VARIABLE",
    "DEFAULT_CANDIDATES",
    "DEFAULT_DB",
    "Database",
    "Store",
    "StoreError",
    "StoreNotFound",
    "StoreReadOnly",
    "default_location",
    "open_database",
    "open_store",
]
