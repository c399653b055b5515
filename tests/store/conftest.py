"""The store's contract suite: every test that takes ``store`` or ``location`` runs on SQLite and on
PostgreSQL (the backend fixtures are in ``tests/conftest.py``, shared with the end-to-end tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storyline.store import Store, open_store


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    with open_store(location) as opened:
        yield opened
