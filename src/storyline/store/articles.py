"""Articles: the cleaned text with its metadata and provenance, its segmentation, and its sources.

An article read from three places (two feeds and a crawl) is stored once with three sources; a
source is an (external id, raw sha256) pair, so a re-ingest of unchanged input is recognised by
``stored_sources`` before any work is spent on it.

``published`` is kept as the report gave it (its wall time and offset, as TEXT); ``published_utc``
is the same instant as a ``{time}``, for ordering.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime

from storyline.clock import as_utc
from storyline.models import Article, MetaValue, Origin, PublishedTime, Sentence, Span
from storyline.store.database import (
    NO_LIMIT,
    Component,
    Database,
    Migration,
    Row,
    in_chunks,
    marks,
)
from storyline.store.records import ArticleSummary, SourceRecord, StoredArticle

SCHEMA = Component(
    "articles",
    (
        Migration(
            1,
            "articles, their sources, paragraphs and sentences",
            (
                """CREATE TABLE articles (
                    id {id},
                    external_id {text} NOT NULL,
                    text {text} NOT NULL,
                    title {text}, title_origin {text} NOT NULL,
                    outlet {text}, outlet_origin {text} NOT NULL,
                    url {text}, url_origin {text} NOT NULL,
                    author {text}, author_origin {text} NOT NULL,
                    language {text}, language_origin {text} NOT NULL,
                    published {text}, published_origin {text} NOT NULL, published_raw {text},
                    published_utc {time},
                    extra {text} NOT NULL,
                    warnings {text} NOT NULL,
                    created_at {time} NOT NULL
                )""",
                """CREATE TABLE article_sources (
                    id {id},
                    article_id {int} NOT NULL REFERENCES articles (id),
                    external_id {text} NOT NULL,
                    locator {text} NOT NULL,
                    raw_sha256 {text} NOT NULL,
                    run_id {int} NOT NULL REFERENCES ingest_runs (id),
                    supplied {text} NOT NULL,
                    added_at {time} NOT NULL,
                    UNIQUE (external_id, raw_sha256)
                )""",
                "CREATE INDEX article_sources_article ON article_sources (article_id)",
                """CREATE TABLE paragraphs (
                    article_id {int} NOT NULL REFERENCES articles (id),
                    idx {int} NOT NULL,
                    start {int} NOT NULL,
                    end_ {int} NOT NULL,
                    PRIMARY KEY (article_id, idx)
                ) {clustered}""",
                """CREATE TABLE sentences (
                    article_id {int} NOT NULL REFERENCES articles (id),
                    idx {int} NOT NULL,
                    paragraph {int} NOT NULL,
                    start {int} NOT NULL,
                    end_ {int} NOT NULL,
                    PRIMARY KEY (article_id, idx)
                ) {clustered}""",
            ),
        ),
        Migration(
            2,
            "an input is named within its container (two folders' report.txt are two inputs); each source "
            "keeps the outlet it gave; a new text of the same input supersedes the old article",
            (
                # Rebuilt rather than altered: SQLite cannot drop the old UNIQUE constraint. Rows are
                # copied in id order, so new ids keep the order of the old.
                """CREATE TABLE input_sources (
                    id {id},
                    article_id {int} NOT NULL REFERENCES articles (id),
                    container {text} NOT NULL DEFAULT '',
                    external_id {text} NOT NULL,
                    locator {text} NOT NULL,
                    raw_sha256 {text} NOT NULL,
                    run_id {int} NOT NULL REFERENCES ingest_runs (id),
                    supplied {text} NOT NULL,
                    outlet {text},
                    added_at {time} NOT NULL,
                    UNIQUE (container, external_id, raw_sha256)
                )""",
                """INSERT INTO input_sources
                   (article_id, container, external_id, locator, raw_sha256, run_id, supplied, added_at)
                   SELECT article_id, '', external_id, locator, raw_sha256, run_id, supplied, added_at
                   FROM article_sources ORDER BY id""",
                "DROP TABLE article_sources",
                "ALTER TABLE input_sources RENAME TO article_sources",
                "CREATE INDEX article_sources_article ON article_sources (article_id)",
                "CREATE INDEX article_sources_external ON article_sources (external_id)",
                "ALTER TABLE articles ADD COLUMN superseded_by {int} REFERENCES articles (id)",
            ),
        ),
    ),
)

SourceKey = tuple[str | None, str, str]
"""(container, external id, raw sha256): one input, as read once."""

# Free-form metadata (a record's extra fields, what a source supplied) as JSON: keys sorted so equal
# dicts store equal text, and values JSON has no type for (a datetime) as their str(). One encoder
# for all: json.dumps with options builds a new one per call.
_to_json = json.JSONEncoder(default=str, sort_keys=True).encode

# What a list of articles shows, for the article listing and a story's articles alike.
SUMMARY_SELECT = """
    SELECT a.id, a.external_id, a.title, a.outlet, a.published, a.published_origin, d.duplicate_of,
           (SELECT COUNT(*) FROM article_sources s WHERE s.article_id = a.id), sa.story_id
    FROM articles a
    LEFT JOIN article_duplicates d ON d.article_id = a.id
    LEFT JOIN story_articles sa ON sa.article_id = a.id"""


def summary(r: Row) -> ArticleSummary:
    return ArticleSummary(
        id=r[0],
        external_id=r[1],
        title=r[2],
        outlet=r[3],
        published=_published(r[4]),
        published_origin=r[5],
        duplicate_of=r[6],
        source_count=r[7],
        story_id=r[8],
    )


_ARTICLE_SELECT = """
    SELECT a.id, a.external_id, a.text, a.title, a.title_origin, a.outlet, a.outlet_origin,
           a.url, a.url_origin, a.author, a.author_origin, a.language, a.language_origin,
           a.published, a.published_origin, a.published_raw, a.extra, a.warnings,
           d.content_hash, d.duplicate_of, d.similarity, sa.story_id, a.superseded_by
    FROM articles a
    LEFT JOIN article_duplicates d ON d.article_id = a.id
    LEFT JOIN story_articles sa ON sa.article_id = a.id"""


class ArticleRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def stored_sources(self, keys: Sequence[SourceKey]) -> set[SourceKey]:
        """Which inputs are stored: a re-ingest skips them. The same bytes under the same id from
        another container (a syndicated feed entry) are another input. Asked once per batch, one
        query per ``MAX_PARAMETERS`` ids: never a query per record."""
        wanted = set(keys)
        found: set[SourceKey] = set()
        for chunk in in_chunks(sorted({external_id for _, external_id, _ in wanted})):
            rows = self._db.query(
                "SELECT container, external_id, raw_sha256 FROM article_sources "
                f"WHERE external_id IN ({marks(len(chunk))})",
                chunk,
            )
            for container, external_id, sha in rows:
                key = (str(container) or None, str(external_id), str(sha))
                if key in wanted:
                    found.add(key)
        return found

    def insert(self, article: Article, now: datetime) -> int:
        """Store the article with its paragraphs and sentences; its id.

        Refused (ValueError) when a text field holds a NUL character, which PostgreSQL cannot store
        (and SQLite refuses too, so that the backends agree). A publication time without a zone is
        kept as the report wrote it; ``published_utc``, which orders and buckets it, reads it as
        UTC (``storyline.clock.as_utc``, the one rule for times whose zone is unknown).
        """
        _refuse_nul(article)
        published = article.published.value
        db = self._db
        # Every parameter is made (and checked) before the write begins: a refused article leaves
        # the caller's transaction untouched.
        row = (
            article.external_id,
            article.text,
            *_meta(article.title),
            *_meta(article.outlet),
            *_meta(article.url),
            *_meta(article.author),
            *_meta(article.language),
            published.isoformat() if published else None,
            article.published.origin.value,
            article.published.raw,
            db.time_or_none(as_utc(published) if published else None),
            _to_json(article.extra),
            json.dumps(list(article.warnings)),
            db.time(now),
        )
        with db.write():
            article_id = db.insert(
                """INSERT INTO articles (
                    external_id, text, title, title_origin, outlet, outlet_origin, url, url_origin,
                    author, author_origin, language, language_origin, published, published_origin,
                    published_raw, published_utc, extra, warnings, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                row,
            )
            db.insert_rows(
                "paragraphs",
                ("article_id", "idx", "start", "end_"),
                [(article_id, i, span.start, span.end) for i, span in enumerate(article.paragraphs)],
            )
            db.insert_rows(
                "sentences",
                ("article_id", "idx", "paragraph", "start", "end_"),
                [(article_id, i, s.paragraph, s.start, s.end) for i, s in enumerate(article.sentences)],
            )
        return article_id

    def add_source(self, article_id: int, source: SourceRecord, now: datetime) -> bool:
        """Record where the article was read; False (and nothing changes) when that input (its
        container, id and bytes) was recorded before."""
        _refuse_nul_in(
            "source",
            source.external_id,
            (source.container, source.external_id, source.locator, source.raw_sha256, source.outlet),
        )
        row = (
            article_id,
            source.container or "",
            source.external_id,
            source.locator,
            source.raw_sha256,
            source.run_id,
            _to_json(source.supplied),
            source.outlet,
            self._db.time(now),
        )
        with self._db.write():
            added = self._db.execute(
                """INSERT INTO article_sources (article_id, container, external_id, locator,
                       raw_sha256, run_id, supplied, outlet, added_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (container, external_id, raw_sha256) DO NOTHING""",
                row,
            )
        return added == 1

    def current_version(self, container: str, external_id: str) -> int | None:
        """The article the input ``external_id`` of ``container`` stands for now: the one its
        latest text gave (None when it was never stored)."""
        row = self._db.query_one(
            """SELECT s.article_id FROM article_sources s JOIN articles a ON a.id = s.article_id
               WHERE s.container = ? AND s.external_id = ? AND a.superseded_by IS NULL
               ORDER BY s.id DESC LIMIT 1""",
            (container, external_id),
        )
        return int(row[0]) if row else None

    def supersede(self, old_id: int, new_id: int) -> None:
        """``new_id`` is a newer version of ``old_id`` (its input sent again with a new text): the
        old article stays, with its history, and is no longer what its input stands for."""
        with self._db.write():
            self._db.execute("UPDATE articles SET superseded_by = ? WHERE id = ?", (new_id, old_id))

    def versions(self, article_id: int) -> list[int]:
        """The article's versions, oldest first, itself included (one when it has no other)."""
        chain = [article_id]
        while (
            row := self._db.query_one("SELECT id FROM articles WHERE superseded_by = ?", (chain[0],))
        ) is not None:
            chain.insert(0, int(row[0]))
        while True:
            row = self._db.query_one("SELECT superseded_by FROM articles WHERE id = ?", (chain[-1],))
            if row is None or row[0] is None or int(row[0]) in chain:
                return chain
            chain.append(int(row[0]))

    def published_instants(self, ids: Sequence[int]) -> dict[int, datetime | None]:
        """Each article's publication instant in UTC (None when undated)."""
        found: dict[int, datetime | None] = {}
        for chunk in in_chunks(sorted(set(ids))):
            for article_id, instant in self._db.query(
                f"SELECT id, published_utc FROM articles WHERE id IN ({marks(len(chunk))})", chunk
            ):
                found[int(article_id)] = self._db.read_time_or_none(instant)
        return found

    def get(self, article_id: int) -> StoredArticle | None:
        found = self.get_many([article_id])
        return found[0] if found else None

    def get_many(self, ids: Sequence[int]) -> list[StoredArticle]:
        """The stored articles of ``ids`` in that order (ids not stored are left out), read with a
        few queries per ``MAX_PARAMETERS`` ids, all in one snapshot."""
        rows: dict[int, Row] = {}
        paragraphs: dict[int, list[Span]] = {}
        sentences: dict[int, list[Sentence]] = {}
        sources: dict[int, list[SourceRecord]] = {}
        with self._db.snapshot():
            for chunk in in_chunks(sorted(set(ids))):
                where = f"IN ({marks(len(chunk))})"
                rows.update((r[0], r) for r in self._db.query(f"{_ARTICLE_SELECT} WHERE a.id {where}", chunk))
                for article_id, start, end in self._db.query(
                    f"SELECT article_id, start, end_ FROM paragraphs WHERE article_id {where} "
                    "ORDER BY article_id, idx",
                    chunk,
                ):
                    paragraphs.setdefault(article_id, []).append(Span(start, end))
                for article_id, paragraph, start, end in self._db.query(
                    f"SELECT article_id, paragraph, start, end_ FROM sentences WHERE article_id {where} "
                    "ORDER BY article_id, idx",
                    chunk,
                ):
                    sentences.setdefault(article_id, []).append(Sentence(paragraph, start, end))
                for article_id, *source in self._db.query(
                    "SELECT article_id, external_id, locator, raw_sha256, run_id, supplied, outlet, "
                    f"container FROM article_sources WHERE article_id {where} ORDER BY id",
                    chunk,
                ):
                    ext, loc, sha, run, supplied, outlet, container = source
                    sources.setdefault(article_id, []).append(
                        SourceRecord(ext, loc, sha, run, json.loads(supplied), outlet, container or None)
                    )
        return [
            _stored(rows[i], paragraphs.get(i, []), sentences.get(i, []), sources.get(i, []))
            for i in ids
            if i in rows
        ]

    def ids_for_external_id(self, external_id: str) -> list[int]:
        """Every article the outside world knows by ``external_id`` now, oldest first: for each
        input of that id (two folders may each hold a ``report.txt``), the current version of
        what it gave. An article's own external id is its first source's."""
        rows = self._db.query(
            """SELECT s.article_id, a.superseded_by FROM article_sources s
               JOIN articles a ON a.id = s.article_id WHERE s.external_id = ? ORDER BY s.article_id""",
            (external_id,),
        )
        current = [
            int(article_id) if newer is None else self.versions(int(article_id))[-1]
            for article_id, newer in rows
        ]
        return list(dict.fromkeys(current))

    def summaries(self, limit: int | None = None, offset: int = 0) -> list[ArticleSummary]:
        rows = self._db.query(
            f"{SUMMARY_SELECT} ORDER BY a.id LIMIT ? OFFSET ?",
            (NO_LIMIT if limit is None else limit, offset),
        )
        return [summary(r) for r in rows]

    def count(self) -> int:
        row = self._db.query_one("SELECT COUNT(*) FROM articles")
        return int(row[0]) if row else 0

    def iter_stored(self, batch_size: int = 500) -> Iterator[StoredArticle]:
        """Every article by id, ``batch_size`` at a time (an export of any size). Each article is
        read once; one consistent state throughout needs the caller's ``snapshot()``."""
        after = 0
        while True:
            ids = [
                int(r[0])
                for r in self._db.query(
                    "SELECT id FROM articles WHERE id > ? ORDER BY id LIMIT ?", (after, batch_size)
                )
            ]
            if not ids:
                return
            yield from self.get_many(ids)
            after = ids[-1]

    def text(self, article_id: int) -> str | None:
        row = self._db.query_one("SELECT text FROM articles WHERE id = ?", (article_id,))
        return str(row[0]) if row else None

    def add_warning(self, article_id: int, warning: str) -> None:
        with self._db.write():
            row = self._db.query_one("SELECT warnings FROM articles WHERE id = ?", (article_id,))
            if row is None:
                raise KeyError(f"no article {article_id}")
            warnings = [*json.loads(row[0]), warning]
            self._db.execute(
                "UPDATE articles SET warnings = ? WHERE id = ?", (json.dumps(warnings), article_id)
            )


def _refuse_nul(article: Article) -> None:
    _refuse_nul_in(
        "article",
        article.external_id,
        (
            article.external_id,
            article.text,
            article.published.raw,
            article.title.value,
            article.outlet.value,
            article.url.value,
            article.author.value,
            article.language.value,
        ),
    )


def _refuse_nul_in(what: str, external_id: str, values: tuple[str | None, ...]) -> None:
    # JSON fields (extra, warnings, supplied) are safe: json.dumps writes NUL as \u0000.
    for value in values:
        if value and "\x00" in value:
            raise ValueError(f"{what} {external_id!r}: text with a NUL character cannot be stored")


def _meta(value: MetaValue) -> tuple[str | None, str]:
    return value.value, value.origin.value


def _published(value: str | None) -> datetime | date | None:
    """A stored publication time: '2026-03-02' is a day (only the day was written), anything
    longer the instant with its own offset."""
    if not value:
        return None
    return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)


def _stored(
    r: Row, paragraphs: list[Span], sentences: list[Sentence], sources: list[SourceRecord]
) -> StoredArticle:
    first = sources[0] if sources else None
    article = Article(
        external_id=r[1],
        locator=first.locator if first else "",
        raw_sha256=first.raw_sha256 if first else "",
        text=r[2],
        title=MetaValue(r[3], Origin(r[4])),
        outlet=MetaValue(r[5], Origin(r[6])),
        url=MetaValue(r[7], Origin(r[8])),
        author=MetaValue(r[9], Origin(r[10])),
        language=MetaValue(r[11], Origin(r[12])),
        published=PublishedTime(_published(r[13]), Origin(r[14]), r[15]),
        paragraphs=tuple(paragraphs),
        sentences=tuple(sentences),
        extra=json.loads(r[16]),
        warnings=tuple(json.loads(r[17])),
    )
    return StoredArticle(
        id=r[0],
        article=article,
        content_hash=r[18] or "",
        duplicate_of=r[19],
        duplicate_similarity=r[20],
        sources=tuple(sources),
        story_id=r[21],
        superseded_by=r[22],
    )
