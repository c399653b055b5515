"""What only the PostgreSQL backend has to get right: a URL's password, lost connections."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from storyline.store import open_store
from storyline.store.postgres import PostgresDatabase
from tests.store.helpers import NOW, make_article

from ..support.postgres import TEMPLATE, PostgresServer


@pytest.fixture
def database(postgres: PostgresServer) -> Iterator[str]:
    name = postgres.create_database(TEMPLATE)
    yield name
    postgres.drop_database(name)


def test_a_postgresql_location_is_printed_without_its_password(
    postgres: PostgresServer, database: str
) -> None:
    # The server trusts local connections, so any password is accepted and must not show.
    url = postgres.url(database).replace("postgres:@", "postgres:s3cret@")
    assert "s3cret" in url
    db = PostgresDatabase(url)
    assert "s3cret" not in db.location and db.location.startswith("postgresql://postgres@")
    db.close()
    for scheme in ("postgresql", "postgres"):
        with open_store(url.replace("postgresql://", f"{scheme}://")) as store:
            assert store.backend == "postgresql" and "s3cret" not in store.location


def test_a_lost_connection_is_replaced_but_never_inside_a_transaction(
    postgres: PostgresServer, database: str
) -> None:
    def drop_connections() -> None:
        with postgres.admin() as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = %s",
                (database,),
            )

    with open_store(postgres.url(database)) as store:
        assert store.articles.count() == 0
        drop_connections()
        with pytest.raises(psycopg.OperationalError):
            store.articles.count()  # the loss shows once…
        assert store.articles.count() == 0  # …then the thread has a new connection
        with pytest.raises(psycopg.OperationalError), store.write():
            store.runs.start(["lost"], NOW)
            drop_connections()
            store.runs.start(["would run outside the transaction"], NOW)
        assert store.runs.list() == []


def test_ctrl_c_inside_a_copy_rolls_back_the_write_and_the_store_goes_on(
    postgres: PostgresServer, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C cuts a COPY short and leaves its connection taking no statement, not even ROLLBACK:
    the interrupt must come out as itself, undo the write, and leave a store that still works."""

    def interrupted(self: psycopg.Copy) -> psycopg.Copy:
        raise KeyboardInterrupt  # the COPY has begun on the server; nothing will end it

    with open_store(postgres.url(database)) as store:
        with monkeypatch.context() as patched:
            patched.setattr(psycopg.Copy, "__enter__", interrupted)
            with pytest.raises(KeyboardInterrupt), store.write(), store.savepoint():
                store.articles.insert(make_article("Lost when the copy was cut short."), NOW)
        assert store.articles.count() == 0
        with store.write():
            store.articles.insert(make_article("Stored once the store went on."), NOW)
        assert store.articles.count() == 1
