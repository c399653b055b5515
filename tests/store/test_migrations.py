"""A store made by an earlier release of the schema is brought up to date in place, every row kept."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.store import open_database, open_store
from storyline.store.database import Component, migrate
from storyline.store.records import SourceRecord
from storyline.store.store import COMPONENTS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_sources_of_a_store_from_before_containers_are_kept_and_named_by_no_container(
    empty_location: str,
) -> None:
    db = open_database(empty_location)
    try:
        migrate(db, tuple(Component(c.name, c.migrations[:1]) for c in COMPONENTS))  # every first release
        with db.write():
            run = db.insert(
                "INSERT INTO ingest_runs (started_at, arguments, status) VALUES (?, ?, ?) RETURNING id",
                (db.time(NOW), "[]", "ok"),
            )
            article = db.insert(
                """INSERT INTO articles (external_id, text, title_origin, outlet_origin, url_origin,
                       author_origin, language_origin, published_origin, extra, warnings, created_at)
                   VALUES (?, ?, 'none', 'none', 'none', 'none', 'none', 'none', '{}', '[]', ?)
                   RETURNING id""",
                ("w1", "The harbour ferry resumed its timetable.", db.time(NOW)),
            )
            db.execute(
                """INSERT INTO article_sources (article_id, external_id, locator, raw_sha256, run_id,
                       supplied, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (article, "w1", "wire.jsonl:1", "a" * 64, run, "{}", db.time(NOW)),
            )
    finally:
        db.close()
    with open_store(empty_location) as store:
        stored = store.articles.get(article)
        assert stored is not None and stored.superseded_by is None
        (source,) = stored.sources
        assert (source.external_id, source.locator, source.container, source.outlet) == (
            "w1",
            "wire.jsonl:1",
            None,
            None,
        )
        assert store.articles.stored_sources([(None, "w1", "a" * 64)]) == {(None, "w1", "a" * 64)}
        # The same id and bytes read from a named input are another input now.
        with store.write():
            added = store.articles.add_source(
                article,
                SourceRecord("w1", "feed.xml#1", "a" * 64, run, {}, "Harbour Post", "/feeds/feed.xml"),
                NOW,
            )
        assert added
        assert store.schema_versions()["articles"] == 2
