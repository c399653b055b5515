"""The tests' PostgreSQL server: a handle to it, and whether a run may do without it."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg

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
