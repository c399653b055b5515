"""Opening a store: which backend a location names, and a schema brought up to date once."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.store import DEFAULT_DB, default_location, open_database, open_store


def test_a_path_or_an_sqlite_url_is_an_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(tmp_path / "a.db") as store:
        assert (store.backend, store.location) == ("sqlite", str(tmp_path / "a.db"))
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///b.db") as store:
        assert store.backend == "sqlite" and (tmp_path / "b.db").is_file()


def test_the_default_location_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYLINE_DB", raising=False)
    assert default_location() == DEFAULT_DB
    monkeypatch.setenv("STORYLINE_DB", "postgresql://news@db.example/news")
    assert default_location() == "postgresql://news@db.example/news"


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
        "entities",
    }
