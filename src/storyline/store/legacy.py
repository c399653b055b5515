"""In-place conversion of a store written by storyline 0.1.

A 0.1 store is an SQLite file whose ``schema_migrations`` table records versions 1–5 of one
monolithic schema: content hashes, signatures and duplicate groups sat in ``articles``, and the
clusterer state had no generation. Conversion renames the old tables aside, creates the current
schema, copies every row across (ids kept, so story ids, article ids and external references stay
valid), and drops the old tables — all in one write transaction, so a conversion killed half-way
leaves the 0.1 store as it was, and two processes opening it at once convert it once.

Instants the old store wrote with its own clock are already ISO 8601 UTC text, the current SQLite
form, and are copied as they are. Those a caller handed in (a story's update time, merge and split
times) are normalised to UTC; a naive one is taken as UTC, as 0.1 itself took naive times. A
story's first and last seen are recomputed by the current rule (publication times only): 0.1 fell
back on the ingest time for a story with no dated article.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storyline.clock import as_utc
from storyline.store.database import Component, Database, migrate

LEGACY_VERSION = 5

# The 0.1 tables, each before those whose foreign keys point at it.
_TABLES = (
    "ingest_runs",
    "articles",
    "article_sources",
    "paragraphs",
    "sentences",
    "rejections",
    "stories",
    "story_articles",
    "story_merges",
    "story_splits",
    "clusterer_state",
    "clusterer_state_changes",
)
# Its indexes keep their names through a table rename; dropped first, their names are free again.
_INDEXES = (
    "articles_duplicate_of",
    "article_sources_article",
    "stories_updated",
    "story_articles_story",
    "story_splits_story",
)

_COPIES = (
    """INSERT INTO ingest_runs (id, started_at, finished_at, arguments, status, host, pid, read, new,
           exact_duplicates, near_duplicates, already_stored, rejected)
       SELECT id, started_at, finished_at, arguments, status, host, pid, COALESCE(read, 0),
           COALESCE(new, 0), COALESCE(exact_duplicates, 0), COALESCE(near_duplicates, 0),
           COALESCE(already_stored, 0), COALESCE(rejected, 0)
       FROM legacy_ingest_runs""",
    """INSERT INTO rejections (id, run_id, locator, reason, rejected_at)
       SELECT id, run_id, locator, reason, rejected_at FROM legacy_rejections""",
    """INSERT INTO articles (id, external_id, text, title, title_origin, outlet, outlet_origin, url,
           url_origin, author, author_origin, language, language_origin, published, published_origin,
           published_raw, published_utc, extra, warnings, created_at)
       SELECT id, external_id, text, title, title_origin, outlet, outlet_origin, url, url_origin,
           author, author_origin, language, language_origin, published, published_origin,
           published_raw, published_utc, extra, warnings, created_at
       FROM legacy_articles""",
    """INSERT INTO article_sources (id, article_id, external_id, locator, raw_sha256, run_id, supplied,
           added_at)
       SELECT id, article_id, external_id, locator, raw_sha256, run_id, supplied, added_at
       FROM legacy_article_sources""",
    """INSERT INTO paragraphs (article_id, idx, start, end_)
       SELECT article_id, idx, start, end_ FROM legacy_paragraphs""",
    """INSERT INTO sentences (article_id, idx, paragraph, start, end_)
       SELECT article_id, idx, paragraph, start, end_ FROM legacy_sentences""",
    """INSERT INTO article_duplicates (article_id, content_hash, signature, duplicate_of, similarity)
       SELECT id, content_hash, minhash, duplicate_of, duplicate_similarity FROM legacy_articles""",
    """INSERT INTO story_articles (article_id, story_id, score)
       SELECT article_id, story_id, score FROM legacy_story_articles""",
    """INSERT INTO clusterer_state (id, generation, data, saved_at)
       SELECT id, 1, data, saved_at FROM legacy_clusterer_state""",
    """INSERT INTO clusterer_state_changes (seq, data, saved_at)
       SELECT ROW_NUMBER() OVER (ORDER BY seq), data, saved_at FROM legacy_clusterer_state_changes""",
)


def convert(db: Database, components: Sequence[Component]) -> None:
    """Convert a 0.1 store in place to the schema of ``components``; nothing for any other store."""
    if db.dialect != "sqlite" or "schema_migrations" not in db.tables():
        return
    with db.write():
        if "schema_migrations" not in db.tables():  # another process converted it while we waited
            return
        row = db.query_one("SELECT MAX(version) FROM schema_migrations")
        version = row[0] if row else None
        if version != LEGACY_VERSION:
            raise RuntimeError(
                f"{db.location}: a storyline 0.1 store at schema version {version}; only version "
                f"{LEGACY_VERSION} (the released 0.1) can be converted"
            )
        # Checked at COMMIT, not per statement: the old tables point at each other while they go.
        db.execute("PRAGMA defer_foreign_keys = ON")
        for index in _INDEXES:
            db.execute(f"DROP INDEX {index}")
        for table in _TABLES:
            db.execute(f"ALTER TABLE {table} RENAME TO legacy_{table}")
        migrate(db, components)
        for statement in _COPIES:
            db.execute(statement)
        _copy_stories(db)
        for table in reversed(_TABLES):
            db.execute(f"DROP TABLE legacy_{table}")
        db.execute("DROP TABLE schema_migrations")


def _copy_stories(db: Database) -> None:
    stories = db.query(
        """SELECT s.id, s.label, s.key_terms, s.article_count, s.outlet_count,
               (SELECT MIN(a.published_utc) FROM legacy_story_articles sa
                JOIN legacy_articles a ON a.id = sa.article_id WHERE sa.story_id = s.id),
               (SELECT MAX(a.published_utc) FROM legacy_story_articles sa
                JOIN legacy_articles a ON a.id = sa.article_id WHERE sa.story_id = s.id),
               s.updated_at
           FROM legacy_stories s"""
    )
    db.executemany(
        """INSERT INTO stories (id, label, key_terms, article_count, outlet_count, first_seen,
               last_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [(*r[:7], _instant(db, r[7])) for r in stories],
    )
    merges = db.query("SELECT id, absorbed, into_, merged_at, score, reason FROM legacy_story_merges")
    db.executemany(
        """INSERT INTO story_merges (id, absorbed, into_, merged_at, score, reason)
           VALUES (?, ?, ?, ?, ?, ?)""",
        [(*r[:3], _instant(db, r[3]), *r[4:]) for r in merges],
    )
    splits = db.query(
        "SELECT id, story_id, new_story_id, split_at, score, reason, article_count FROM legacy_story_splits"
    )
    db.executemany(
        """INSERT INTO story_splits (id, story_id, new_story_id, split_at, score, reason, article_count)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [(*r[:3], _instant(db, r[3]), *r[4:]) for r in splits],
    )


def _instant(db: Database, text: str) -> object:
    value = datetime.fromisoformat(text)
    return db.time(as_utc(value))
