"""Opening a store: which backend a location names, and a schema brought up to date once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storyline.store import DEFAULT_DB, StoreNotFound, default_location, open_database, open_store

from ..support.postgres import PostgresServer


def test_a_path_or_an_sqlite_url_is_an_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(tmp_path / "a.db") as store:
        assert (store.backend, store.location) == ("sqlite", str(tmp_path / "a.db"))
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///b.db") as store:
        assert store.backend == "sqlite" and (tmp_path / "b.db").is_file()


def test_the_default_location_comes_from_the_environment_else_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STORYLINE_DB", raising=False)
    assert default_location() == DEFAULT_DB  # where a first ingest creates it
    (tmp_path / "demo.db").touch()
    assert default_location() == "demo.db"
    (tmp_path / DEFAULT_DB).touch()
    assert default_location() == DEFAULT_DB
    monkeypatch.setenv("STORYLINE_DB", "postgresql://news@db.example/news")
    assert default_location() == "postgresql://news@db.example/news"


def test_a_reader_finds_no_store_where_there_is_none_and_creates_nothing(empty_location: str) -> None:
    with pytest.raises(StoreNotFound, match="no store at"):
        open_store(empty_location, create=False)
    if empty_location.startswith("postgresql://"):
        db = open_database(empty_location)
        try:
            assert db.tables() == set()
        finally:
            db.close()
    else:
        assert not Path(empty_location).exists()


def test_a_postgresql_database_that_does_not_exist_is_no_store(postgres: PostgresServer) -> None:
    """Not the server's connection error: the same answer a missing SQLite file gives, naming the
    database (the password, were there one, left out)."""
    for create in (False, True):
        with pytest.raises(StoreNotFound, match=r"no store at .*no_such_database"):
            open_store(postgres.url("no_such_database"), create=create)


def test_a_reader_leaves_an_sqlite_file_without_a_store_as_it_found_it(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreNotFound):
        open_store(path, create=False)
    assert path.read_bytes() == before  # not even switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_a_reader_opens_a_store_that_exists(location: str) -> None:
    open_store(location).close()  # an SQLite store is made on first use
    with open_store(location, create=False) as store:
        assert store.articles.count() == 0


def test_reopening_applies_no_migration_twice(location: str) -> None:
    versions = "SELECT component, version, applied_at FROM schema_versions ORDER BY component"
    open_store(location).close()
    db = open_database(location)
    try:
        applied = db.query(versions)
        open_store(location).close()
        assert db.query(versions) == applied
    finally:
        db.close()
    assert {component for component, _, _ in applied} == {
        "runs",
        "articles",
        "duplicates",
        "stories",
        "clusterer_state",
        "time_expressions",
        "entities",
        "curation",
        "watch",
        "claims",
        "search",
    }
