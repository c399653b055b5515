"""Storage behind one interface; ``open_store`` picks the backend from the location."""

from __future__ import annotations

import os
from pathlib import Path

from storyline.store.base import Store
from storyline.store.sqlite import SQLiteStore

DEFAULT_DB = "storyline.db"


def default_location() -> str:
    return os.environ.get("STORYLINE_DB", DEFAULT_DB)


def open_store(location: str | Path | None = None) -> Store:
    """Open (creating and migrating if needed) the store at ``location``.

    A plain path or ``sqlite:///path`` is an SQLite file; ``postgresql://`` URLs are reserved for
    the PostgreSQL backend.
    """
    target = str(location) if location is not None else default_location()
    if target.startswith(("postgresql://", "postgres://")):
        raise ValueError(
            f"{target}: the PostgreSQL store is not available in this version; use an SQLite file"
        )
    if target.startswith("sqlite:///"):
        target = target.removeprefix("sqlite:///")
    return SQLiteStore(target)


__all__ = ["DEFAULT_DB", "SQLiteStore", "Store", "default_location", "open_store"]
