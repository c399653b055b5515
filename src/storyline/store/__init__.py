"""Storage: one ``Store`` over SQLite (a file, the default) or PostgreSQL (a server).

``open_store`` picks the backend from the location: a path or ``sqlite:///path`` is an SQLite
file, a ``postgresql://`` or ``postgres://`` URL a PostgreSQL database.

- ``database`` — ``Database``, the one seam to a server: dialect-neutral SQL, per-thread reads, one
  writer across processes, savepoints, snapshots; components, migrations and ``migrate``.
- ``sqlite`` / ``postgres`` — ``SQLiteDatabase`` and ``PostgresDatabase`` (psycopg 3).
- ``runs``, ``articles``, ``duplicates``, ``stories``, ``clusterer_state``, ``entities`` — one
  repository each, written once over ``Database``, each owning its tables (its ``SCHEMA`` component).
- ``legacy`` — in-place conversion of a store written by storyline 0.1.
- ``store`` — ``Store``, the aggregate the pipeline uses; ``records`` — the rows it hands back.

Every timestamp is handed in by the caller: the store never reads a clock for data.
"""

from __future__ import annotations

import os
from pathlib import Path

from storyline.store.database import Database
from storyline.store.store import Store

DEFAULT_DB = "storyline.db"


def default_location() -> str:
    """``$STORYLINE_DB``, else ``storyline.db`` in the working directory."""
    return os.environ.get("STORYLINE_DB", DEFAULT_DB)


def open_store(location: str | Path | None = None) -> Store:
    """Open the store at ``location`` (``default_location()`` when None), creating it or bringing
    its schema up to date as needed."""
    db = open_database(location)
    try:
        return Store(db)
    except BaseException:
        db.close()
        raise


def open_database(location: str | Path | None = None) -> Database:
    """The database at ``location`` without any schema work: a path or ``sqlite:///path`` is an
    SQLite file, ``postgresql://…`` a PostgreSQL database. ``open_store`` is what a caller wants."""
    target = str(location) if location is not None else default_location()
    if target.startswith(("postgresql://", "postgres://")):
        # Imported here: an SQLite user needs no PostgreSQL driver loaded.
        from storyline.store.postgres import PostgresDatabase

        return PostgresDatabase(target)
    else:
        from storyline.store.sqlite import SQLiteDatabase

        return SQLiteDatabase(target.removeprefix("sqlite:///"))


__all__ = ["DEFAULT_DB", "Database", "Store", "default_location", "open_database", "open_store"]
