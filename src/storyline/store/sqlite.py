"""SQLite implementation of the store: the embedded default, one file, no server.

WAL journaling keeps readers (``storyline articles`` while an ingest runs) unblocked, and every
batch is one ``BEGIN IMMEDIATE`` transaction so a killed process leaves only whole batches.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from storyline.models import (
    Article,
    MetaValue,
    Origin,
    PublishedTime,
    Rejection,
    Sentence,
    Span,
)
from storyline.store.base import (
    ArticleSummary,
    ClustererState,
    IngestCounts,
    IngestRun,
    SourceRecord,
    Store,
    StoredArticle,
    StoryMergeRow,
    StoryRow,
    StorySplitRow,
)
from storyline.store.migrations import SQLITE_MIGRATIONS


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0 delivers nothing; it only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


_SUMMARY_COLUMNS = """
    a.id, a.external_id, a.title, a.outlet, a.published, a.published_origin, a.duplicate_of,
    (SELECT COUNT(*) FROM article_sources s WHERE s.article_id = a.id), sa.story_id
"""
_SUMMARY_FROM = "FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id"
# Bound parameters per statement: SQLite builds before 3.32 allow no more than 999.
_MAX_PARAMETERS = 900


class SQLiteStore(Store):
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves so batches are explicit.
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._in_transaction = False
        self._migrate()

    # -- lifecycle --------------------------------------------------------------------------
    def _migrate(self) -> None:
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)"
        )
        applied = {row[0] for row in self._db.execute("SELECT version FROM schema_migrations")}
        for version, script in enumerate(SQLITE_MIGRATIONS, start=1):
            if version in applied:
                continue
            with self.transaction():
                for statement in script.split(";\n"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, _now()))

    @property
    def schema_version(self) -> int:
        row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_transaction:  # nested use joins the outer batch
            yield
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._in_transaction = False

    # -- ingest runs ------------------------------------------------------------------------
    def start_run(self, arguments: Sequence[str]) -> int:
        host = socket.gethostname()
        with self.transaction():
            # A run still 'running' whose process is gone was killed mid-way; its batches were each
            # committed whole, so only its status needs telling. Runs from other hosts, and runs from
            # before hosts were recorded (host NULL), can't be checked and are left as they are.
            stale = self._db.execute(
                "SELECT id, pid FROM ingest_runs WHERE status = 'running' AND host = ?", (host,)
            ).fetchall()
            for run_id, pid in stale:
                if not _process_alive(pid):
                    self._db.execute("UPDATE ingest_runs SET status = 'interrupted' WHERE id = ?", (run_id,))
            cur = self._db.execute(
                """INSERT INTO ingest_runs (started_at, arguments, status, host, pid)
                   VALUES (?, ?, 'running', ?, ?)""",
                (_now(), json.dumps(list(arguments)), host, os.getpid()),
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, counts: IngestCounts, status: str) -> None:
        with self.transaction():
            self._db.execute(
                """UPDATE ingest_runs SET finished_at = ?, status = ?, read = ?, new = ?,
                   exact_duplicates = ?, near_duplicates = ?, already_stored = ?, rejected = ?
                   WHERE id = ?""",
                (
                    _now(),
                    status,
                    counts.read,
                    counts.new,
                    counts.exact_duplicates,
                    counts.near_duplicates,
                    counts.already_stored,
                    counts.rejected,
                    run_id,
                ),
            )

    def runs(self) -> list[IngestRun]:
        rows = self._db.execute(
            """SELECT id, started_at, finished_at, status, read, new, exact_duplicates,
                      near_duplicates, already_stored, rejected FROM ingest_runs ORDER BY id"""
        ).fetchall()
        return [
            IngestRun(
                id=r[0],
                started_at=datetime.fromisoformat(r[1]),
                finished_at=_dt(r[2]),
                status=r[3],
                counts=IngestCounts(*(int(v or 0) for v in r[4:10])),
            )
            for r in rows
        ]

    def add_rejection(self, run_id: int, rejection: Rejection) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO rejections (run_id, locator, reason, rejected_at) VALUES (?, ?, ?, ?)",
                (run_id, rejection.locator, rejection.reason, _now()),
            )

    # -- articles ---------------------------------------------------------------------------
    def stored_sources(self, sources: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        wanted = set(sources)
        ids = sorted({external_id for external_id, _ in wanted})
        found: set[tuple[str, str]] = set()
        for start in range(0, len(ids), _MAX_PARAMETERS):
            chunk = ids[start : start + _MAX_PARAMETERS]
            rows = self._db.execute(
                "SELECT external_id, raw_sha256 FROM article_sources "
                f"WHERE external_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update(row for row in rows if row in wanted)
        return found

    def article_id_by_hash(self, content_hash: str) -> int | None:
        row = self._db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return int(row[0]) if row else None

    def insert_article(
        self,
        article: Article,
        content_hash: str,
        minhash: np.ndarray | None,
        duplicate_of: int | None,
        duplicate_similarity: float | None,
    ) -> int:
        with self.transaction():
            cur = self._db.execute(
                """INSERT INTO articles (
                    external_id, content_hash, text, title, title_origin, outlet, outlet_origin,
                    url, url_origin, author, author_origin, language, language_origin,
                    published, published_origin, published_raw, published_utc, extra, warnings,
                    minhash, duplicate_of, duplicate_similarity, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    article.external_id,
                    content_hash,
                    article.text,
                    *_meta(article.title),
                    *_meta(article.outlet),
                    *_meta(article.url),
                    *_meta(article.author),
                    *_meta(article.language),
                    article.published.value.isoformat() if article.published.value else None,
                    article.published.origin.value,
                    article.published.raw,
                    _utc(article.published.value),
                    json.dumps(article.extra, default=str, sort_keys=True),
                    json.dumps(list(article.warnings)),
                    minhash.astype(np.uint64).tobytes() if minhash is not None else None,
                    duplicate_of,
                    duplicate_similarity,
                    _now(),
                ),
            )
            article_id = int(cur.lastrowid or 0)
            self._db.executemany(
                "INSERT INTO paragraphs (article_id, idx, start, end_) VALUES (?, ?, ?, ?)",
                [(article_id, i, span.start, span.end) for i, span in enumerate(article.paragraphs)],
            )
            self._db.executemany(
                "INSERT INTO sentences (article_id, idx, paragraph, start, end_) VALUES (?, ?, ?, ?, ?)",
                [(article_id, i, s.paragraph, s.start, s.end) for i, s in enumerate(article.sentences)],
            )
        return article_id

    def add_source(self, article_id: int, source: SourceRecord) -> None:
        with self.transaction():
            self._db.execute(
                """INSERT OR IGNORE INTO article_sources
                   (article_id, external_id, locator, raw_sha256, run_id, supplied, added_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    article_id,
                    source.external_id,
                    source.locator,
                    source.raw_sha256,
                    source.run_id,
                    json.dumps(source.supplied, default=str, sort_keys=True),
                    _now(),
                ),
            )

    def article_text(self, article_id: int) -> str | None:
        row = self._db.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        return str(row[0]) if row else None

    def minhash_signatures(self) -> Iterator[tuple[int, np.ndarray]]:
        cur = self._db.execute("SELECT id, minhash FROM articles WHERE minhash IS NOT NULL ORDER BY id")
        for article_id, blob in cur:
            yield int(article_id), np.frombuffer(blob, dtype=np.uint64)

    def get_article(self, article_id: int) -> StoredArticle | None:
        row = self._db.execute(
            """SELECT a.id, a.external_id, a.text, a.title, a.title_origin, a.outlet, a.outlet_origin,
                      a.url, a.url_origin, a.author, a.author_origin, a.language, a.language_origin,
                      a.published, a.published_origin, a.published_raw, a.extra, a.warnings,
                      a.content_hash, a.duplicate_of, a.duplicate_similarity, sa.story_id
               FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id WHERE a.id = ?""",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        paragraphs = tuple(
            Span(start, end)
            for start, end in self._db.execute(
                "SELECT start, end_ FROM paragraphs WHERE article_id = ? ORDER BY idx", (article_id,)
            )
        )
        sentences = tuple(
            Sentence(paragraph, start, end)
            for paragraph, start, end in self._db.execute(
                "SELECT paragraph, start, end_ FROM sentences WHERE article_id = ? ORDER BY idx",
                (article_id,),
            )
        )
        sources = tuple(
            SourceRecord(ext, loc, sha, run, json.loads(supplied))
            for ext, loc, sha, run, supplied in self._db.execute(
                """SELECT external_id, locator, raw_sha256, run_id, supplied FROM article_sources
                   WHERE article_id = ? ORDER BY id""",
                (article_id,),
            )
        )
        article = Article(
            external_id=row[1],
            locator=sources[0].locator if sources else "",
            raw_sha256=sources[0].raw_sha256 if sources else "",
            text=row[2],
            title=MetaValue(row[3], Origin(row[4])),
            outlet=MetaValue(row[5], Origin(row[6])),
            url=MetaValue(row[7], Origin(row[8])),
            author=MetaValue(row[9], Origin(row[10])),
            language=MetaValue(row[11], Origin(row[12])),
            published=PublishedTime(_dt(row[13]), Origin(row[14]), row[15]),
            paragraphs=paragraphs,
            sentences=sentences,
            extra=json.loads(row[16]),
            warnings=tuple(json.loads(row[17])),
        )
        return StoredArticle(
            id=row[0],
            article=article,
            content_hash=row[18],
            duplicate_of=row[19],
            duplicate_similarity=row[20],
            sources=sources,
            story_id=row[21],
        )

    def find_article(self, key: str) -> int | None:
        if key.isdigit():
            row = self._db.execute("SELECT id FROM articles WHERE id = ?", (int(key),)).fetchone()
            if row:
                return int(row[0])
        row = self._db.execute(
            "SELECT article_id FROM article_sources WHERE external_id = ? ORDER BY id LIMIT 1", (key,)
        ).fetchone()
        return int(row[0]) if row else None

    def list_articles(self, limit: int | None = None, offset: int = 0) -> list[ArticleSummary]:
        rows = self._db.execute(
            f"SELECT {_SUMMARY_COLUMNS} {_SUMMARY_FROM} ORDER BY a.id LIMIT ? OFFSET ?",
            (limit if limit is not None else -1, offset),
        ).fetchall()
        return [_summary(r) for r in rows]

    def iter_articles(self) -> Iterator[StoredArticle]:
        ids = [int(r[0]) for r in self._db.execute("SELECT id FROM articles ORDER BY id")]
        for article_id in ids:
            stored = self.get_article(article_id)
            if stored is not None:
                yield stored

    def duplicate_members(self, canonical_id: int) -> list[int]:
        rows = self._db.execute(
            "SELECT id FROM articles WHERE id = ? OR duplicate_of = ? ORDER BY id",
            (canonical_id, canonical_id),
        )
        return [int(r[0]) for r in rows]

    def article_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def canonical_article(self, article_id: int) -> int:
        row = self._db.execute(
            "SELECT COALESCE(duplicate_of, id) FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return int(row[0]) if row else article_id

    # -- stories ----------------------------------------------------------------------------
    def unassigned_article_ids(self) -> list[int]:
        rows = self._db.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM story_articles) ORDER BY id"
        )
        return [int(r[0]) for r in rows]

    def assign_story(self, article_id: int, story_id: int, score: float) -> None:
        with self.transaction():
            self._db.execute(
                """INSERT INTO story_articles (article_id, story_id, score) VALUES (?, ?, ?)
                   ON CONFLICT(article_id) DO UPDATE
                   SET story_id = excluded.story_id, score = excluded.score""",
                (article_id, story_id, score),
            )

    def refresh_story(self, story_id: int, label: str, key_terms: Sequence[str], now: datetime) -> None:
        # A story is seen when its articles were published; only if none has a date, when stored.
        with self.transaction():
            self._db.execute(
                """INSERT INTO stories (id, label, key_terms, article_count, outlet_count, first_seen,
                                        last_seen, updated_at)
                   SELECT ?, ?, ?, COUNT(*), COUNT(DISTINCT a.outlet),
                          COALESCE(MIN(a.published_utc), MIN(a.created_at)),
                          COALESCE(MAX(a.published_utc), MAX(a.created_at)), ?
                   FROM story_articles sa JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = ?
                   ON CONFLICT(id) DO UPDATE SET label = excluded.label, key_terms = excluded.key_terms,
                     article_count = excluded.article_count, outlet_count = excluded.outlet_count,
                     first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                     updated_at = excluded.updated_at""",
                (story_id, label, json.dumps(list(key_terms)), now.isoformat(), story_id),
            )

    def record_merge(self, merge: StoryMergeRow) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE story_articles SET story_id = ? WHERE story_id = ?", (merge.into, merge.absorbed)
            )
            self._db.execute(
                "UPDATE story_merges SET into_ = ? WHERE into_ = ?", (merge.into, merge.absorbed)
            )
            self._db.execute(
                "INSERT INTO story_merges (absorbed, into_, merged_at, score, reason) VALUES (?, ?, ?, ?, ?)",
                (merge.absorbed, merge.into, merge.merged_at.isoformat(), merge.score, merge.reason),
            )
            self._db.execute("DELETE FROM stories WHERE id = ?", (merge.absorbed,))

    def record_split(self, split: StorySplitRow, article_ids: Sequence[int]) -> None:
        with self.transaction():
            self._db.executemany(
                "UPDATE story_articles SET story_id = ? WHERE article_id = ?",
                [(split.new_story_id, a) for a in article_ids],
            )
            self._db.execute(
                """INSERT INTO story_splits (story_id, new_story_id, split_at, score, reason, article_count)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (
                    split.story_id,
                    split.new_story_id,
                    split.split_at.isoformat(),
                    split.score,
                    split.reason,
                    split.article_count,
                ),
            )

    def resolve_story(self, story_id: int) -> int | None:
        row = self._db.execute("SELECT into_ FROM story_merges WHERE absorbed = ?", (story_id,)).fetchone()
        if row:
            return int(row[0])
        row = self._db.execute("SELECT id FROM stories WHERE id = ?", (story_id,)).fetchone()
        return int(row[0]) if row else None

    def stories(self) -> list[StoryRow]:
        rows = self._db.execute(
            """SELECT id, label, key_terms, article_count, outlet_count, first_seen, last_seen, updated_at
               FROM stories ORDER BY updated_at DESC, id DESC"""
        ).fetchall()
        return [_story(r) for r in rows]

    def story(self, story_id: int) -> StoryRow | None:
        row = self._db.execute(
            """SELECT id, label, key_terms, article_count, outlet_count, first_seen, last_seen, updated_at
               FROM stories WHERE id = ?""",
            (story_id,),
        ).fetchone()
        return _story(row) if row else None

    def story_articles(self, story_id: int) -> list[ArticleSummary]:
        rows = self._db.execute(
            f"""SELECT {_SUMMARY_COLUMNS} {_SUMMARY_FROM} WHERE sa.story_id = ?
                ORDER BY a.published_utc IS NULL, a.published_utc, a.id""",
            (story_id,),
        ).fetchall()
        return [_summary(r) for r in rows]

    def story_merges(self, story_id: int) -> list[StoryMergeRow]:
        rows = self._db.execute(
            """SELECT absorbed, into_, merged_at, score, reason FROM story_merges
               WHERE into_ = ? OR absorbed = ? ORDER BY id""",
            (story_id, story_id),
        ).fetchall()
        return [StoryMergeRow(r[0], r[1], datetime.fromisoformat(r[2]), r[3], r[4]) for r in rows]

    def story_splits(self, story_id: int) -> list[StorySplitRow]:
        rows = self._db.execute(
            """SELECT story_id, new_story_id, split_at, score, reason, article_count FROM story_splits
               WHERE story_id = ? OR new_story_id = ? ORDER BY id""",
            (story_id, story_id),
        ).fetchall()
        return [StorySplitRow(r[0], r[1], datetime.fromisoformat(r[2]), r[3], r[4], r[5]) for r in rows]

    def story_assignments(self) -> Iterator[tuple[str, int]]:
        cur = self._db.execute(
            """SELECT s.external_id, sa.story_id FROM article_sources s
               JOIN story_articles sa ON sa.article_id = s.article_id ORDER BY s.id"""
        )
        for external_id, story_id in cur:
            yield str(external_id), int(story_id)

    def save_clusterer_state(self, data: bytes) -> None:
        with self.transaction():
            self._db.execute(
                """INSERT INTO clusterer_state (id, data, saved_at) VALUES (1, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at""",
                (data, _now()),
            )
            self._db.execute("DELETE FROM clusterer_state_changes")

    def append_clusterer_changes(self, data: bytes) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO clusterer_state_changes (data, saved_at) VALUES (?, ?)", (data, _now())
            )

    def load_clusterer_state(self) -> ClustererState | None:
        row = self._db.execute("SELECT data FROM clusterer_state WHERE id = 1").fetchone()
        if row is None:
            return None
        changes = self._db.execute("SELECT data FROM clusterer_state_changes ORDER BY seq")
        return ClustererState(bytes(row[0]), [bytes(c[0]) for c in changes])


def _utc(value: datetime | None) -> str | None:
    """A sortable UTC form; a naive time (zone unknown) is taken as UTC, off by hours at most."""
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def _meta(value: MetaValue) -> tuple[str | None, str]:
    return value.value, value.origin.value


def _summary(r: Any) -> ArticleSummary:
    return ArticleSummary(
        id=r[0],
        external_id=r[1],
        title=r[2],
        outlet=r[3],
        published=_dt(r[4]),
        published_origin=r[5],
        duplicate_of=r[6],
        source_count=r[7],
        story_id=r[8],
    )


def _story(r: Any) -> StoryRow:
    return StoryRow(
        id=r[0],
        label=r[1],
        key_terms=tuple(json.loads(r[2])),
        article_count=r[3],
        outlet_count=r[4],
        first_seen=_dt(r[5]),
        last_seen=_dt(r[6]),
        updated_at=datetime.fromisoformat(r[7]),
    )
