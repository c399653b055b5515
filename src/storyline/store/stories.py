"""Stories: which story each article belongs to, each story's summary row, and its lineage.

Story ids are the clusterer's. When one story absorbs another, the absorbed id keeps resolving to
the survivor: every redirect that led to the absorbed id is pointed at the survivor in the same
step, so a chain of merges is followed with one lookup. A split gives some of a story's articles
to a new story and records where they came from.
"""

from __future__ import annotations

import builtins  # `list` inside the repository class names its own list() method
import json
from collections.abc import Iterator, Sequence
from datetime import datetime

from storyline.store.articles import SUMMARY_SELECT, summary
from storyline.store.curation import NOT_MUTED
from storyline.store.database import NO_LIMIT, Component, Database, Migration, Row, in_chunks, keyset, marks
from storyline.store.records import ArticleSummary, StoryMergeRow, StoryRow, StorySplitRow

SCHEMA = Component(
    "stories",
    (
        Migration(
            1,
            "stories, their articles, merge redirects and split lineage",
            (
                """CREATE TABLE stories (
                    id {int} PRIMARY KEY,
                    label {text} NOT NULL,
                    key_terms {text} NOT NULL,
                    article_count {int} NOT NULL,
                    outlet_count {int} NOT NULL,
                    first_seen {time},
                    last_seen {time},
                    updated_at {time} NOT NULL
                )""",
                """CREATE TABLE story_articles (
                    article_id {int} PRIMARY KEY REFERENCES articles (id),
                    story_id {int} NOT NULL,
                    score {real} NOT NULL
                )""",
                "CREATE INDEX story_articles_story ON story_articles (story_id)",
                """CREATE TABLE story_merges (
                    id {id},
                    absorbed {int} NOT NULL UNIQUE,
                    into_ {int} NOT NULL,
                    merged_at {time} NOT NULL,
                    score {real} NOT NULL,
                    reason {text} NOT NULL
                )""",
                "CREATE INDEX story_merges_into ON story_merges (into_)",
                """CREATE TABLE story_splits (
                    id {id},
                    story_id {int} NOT NULL,
                    new_story_id {int} NOT NULL UNIQUE,
                    split_at {time} NOT NULL,
                    score {real} NOT NULL,
                    reason {text} NOT NULL,
                    article_count {int} NOT NULL
                )""",
                "CREATE INDEX story_splits_story ON story_splits (story_id)",
            ),
        ),
        Migration(
            2,
            "the story list's order as an index: the list's first page without sorting every story",
            (),
            by_dialect={
                # SQLite sorts NULL first, so DESC already puts undated stories last.
                "sqlite": (
                    "CREATE INDEX stories_recent ON stories (last_seen DESC, updated_at DESC, id DESC)",
                ),
                "postgresql": (
                    """CREATE INDEX stories_recent
                       ON stories (last_seen DESC NULLS LAST, updated_at DESC, id DESC)""",
                ),
            },
        ),
        Migration(
            3,
            "each story's revision: counts every change to what is derived from it, so a reader"
            " may keep its timeline and compared claims until it changes",
            ("ALTER TABLE stories ADD COLUMN revision {int} NOT NULL DEFAULT 0",),
        ),
    ),
)

_STORY_COLUMNS = "id, label, key_terms, article_count, outlet_count, first_seen, last_seen, updated_at"
# A story as it is read: an editor's name for it wins over the machine's label.
_STORY_SELECT = """SELECT s.id, COALESCE(n.name, s.label), s.key_terms, s.article_count, s.outlet_count,
    s.first_seen, s.last_seen, s.updated_at FROM stories s LEFT JOIN story_names n ON n.story_id = s.id"""


class StoryRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def assign(self, rows: Sequence[tuple[int, int, float]]) -> None:
        """(article id, story id, score) rows; an article already in a story moves."""
        with self._db.write():
            self._db.executemany(
                """INSERT INTO story_articles (article_id, story_id, score) VALUES (?, ?, ?)
                   ON CONFLICT (article_id) DO UPDATE
                   SET story_id = excluded.story_id, score = excluded.score""",
                rows,
            )

    def refresh(self, story_id: int, label: str, key_terms: Sequence[str], now: datetime) -> None:
        """Store the story's label (an editor's name for it, kept apart, wins when it is read)
        and recompute its counts (``recount``)."""
        db = self._db
        with db.write():
            db.execute(
                f"""INSERT INTO stories ({_STORY_COLUMNS}) VALUES (?, ?, ?, 0, 0, NULL, NULL, ?)
                    ON CONFLICT (id) DO UPDATE SET label = excluded.label,
                      key_terms = excluded.key_terms""",
                (story_id, label, json.dumps(list(key_terms)), db.time(now)),
            )
            self.recount([story_id], now)

    def recount(self, story_ids: Sequence[int], now: datetime) -> None:
        """Recompute the stories' counts and first/last seen from their articles.

        A story is seen when its articles were published: first/last seen are the earliest and
        latest publication times, and None when no article is dated. Never the ingest time: a
        bulk load of last year's news would otherwise all look like today's. Its articles are the
        current ones (an article superseded by a newer version of its input is history) that no
        editor muted; its outlets are every outlet that carried one of them, an exact copy's second
        outlet included, a muted outlet left out.
        """
        db = self._db
        updated_at = db.time(now)
        with db.write():
            for story_id in story_ids:
                rows = db.query(
                    f"""SELECT a.outlet, a.published_utc FROM story_articles sa
                       JOIN articles a ON a.id = sa.article_id
                       WHERE sa.story_id = ? AND a.superseded_by IS NULL AND {NOT_MUTED}""",
                    (story_id,),
                )
                published = [db.read_time(t) for _, t in rows if t is not None]
                copied = db.query(
                    f"""SELECT DISTINCT s.outlet FROM story_articles sa
                       JOIN articles a ON a.id = sa.article_id
                       JOIN article_sources s ON s.article_id = sa.article_id
                       WHERE sa.story_id = ? AND a.superseded_by IS NULL AND s.outlet IS NOT NULL
                         AND {NOT_MUTED}
                         AND LOWER(s.outlet) NOT IN (SELECT outlet FROM muted_outlets)""",
                    (story_id,),
                )
                outlets = {outlet for outlet, _ in rows if outlet is not None} | {r[0] for r in copied}
                db.execute(
                    """UPDATE stories SET article_count = ?, outlet_count = ?, first_seen = ?,
                         last_seen = ?, updated_at = ?, revision = revision + 1 WHERE id = ?""",
                    (
                        len(rows),
                        len(outlets),
                        db.time(min(published)) if published else None,
                        db.time(max(published)) if published else None,
                        updated_at,
                        story_id,
                    ),
                )

    def touch(self, story_ids: Sequence[int]) -> None:
        """Count a change to what is derived from the stories (claims, time expressions, entities
        made for their articles after they were placed) in their ``revision``."""
        with self._db.write():
            for chunk in in_chunks(sorted(set(story_ids))):
                self._db.execute(
                    f"UPDATE stories SET revision = revision + 1 WHERE id IN ({marks(len(chunk))})", chunk
                )

    def revision(self, story_id: int) -> int | None:
        """How many times the story changed (``recount``, ``touch``): what a reader's copy of its
        derived views is good for; None for no such story."""
        row = self._db.query_one("SELECT revision FROM stories WHERE id = ?", (story_id,))
        return int(row[0]) if row else None

    def record_merge(self, merge: StoryMergeRow) -> None:
        """Move the absorbed story's articles into the survivor, point every redirect that led to
        the absorbed id at the survivor, and delete the absorbed story's row."""
        db = self._db
        merged_at = db.time(merge.merged_at)
        with db.write():
            db.execute(
                "UPDATE story_articles SET story_id = ? WHERE story_id = ?", (merge.into, merge.absorbed)
            )
            db.execute("UPDATE story_merges SET into_ = ? WHERE into_ = ?", (merge.into, merge.absorbed))
            db.execute(
                "INSERT INTO story_merges (absorbed, into_, merged_at, score, reason) VALUES (?, ?, ?, ?, ?)",
                (merge.absorbed, merge.into, merged_at, merge.score, merge.reason),
            )
            db.execute("DELETE FROM stories WHERE id = ?", (merge.absorbed,))

    def record_split(self, split: StorySplitRow, article_ids: Sequence[int]) -> None:
        """Move ``article_ids`` to the new story and record where they came from."""
        db = self._db
        split_at = db.time(split.split_at)
        with db.write():
            db.executemany(
                "UPDATE story_articles SET story_id = ? WHERE article_id = ?",
                [(split.new_story_id, article_id) for article_id in article_ids],
            )
            db.execute(
                """INSERT INTO story_splits
                   (story_id, new_story_id, split_at, score, reason, article_count)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (
                    split.story_id,
                    split.new_story_id,
                    split_at,
                    split.score,
                    split.reason,
                    split.article_count,
                ),
            )

    def resolve(self, story_id: int) -> int | None:
        """The story ``story_id`` is now: itself, or the survivor of the merges that absorbed it;
        None for an id that never existed."""
        row = self._db.query_one("SELECT into_ FROM story_merges WHERE absorbed = ?", (story_id,))
        if row:
            return int(row[0])
        row = self._db.query_one(
            """SELECT id FROM stories WHERE id = ?
               UNION SELECT story_id FROM story_articles WHERE story_id = ?""",
            (story_id, story_id),
        )
        return int(row[0]) if row else None

    def get(self, story_id: int) -> StoryRow | None:
        row = self._db.query_one(f"{_STORY_SELECT} WHERE s.id = ?", (story_id,))
        return self._story(row) if row else None

    def list(self, limit: int | None = None, offset: int = 0) -> list[StoryRow]:
        """Newest news first: by last seen (undated stories last), then last updated. A story with
        no article to show (every one muted) is left out: it is empty to readers."""
        rows = self._db.query(
            f"""{_STORY_SELECT} WHERE s.article_count > 0
                ORDER BY s.last_seen DESC NULLS LAST, s.updated_at DESC, s.id DESC LIMIT ? OFFSET ?""",
            (NO_LIMIT if limit is None else limit, offset),
        )
        return [self._story(r) for r in rows]

    def count(self) -> int:
        """How many stories ``list`` holds."""
        row = self._db.query_one("SELECT COUNT(*) FROM stories WHERE article_count > 0")
        return int(row[0]) if row else 0

    def languages(self, story_id: int) -> builtins.list[str]:
        """The languages the story's current articles are written in (known ones), each once."""
        rows = self._db.query(
            """SELECT DISTINCT a.language FROM story_articles sa JOIN articles a ON a.id = sa.article_id
               WHERE sa.story_id = ? AND a.superseded_by IS NULL AND a.language IS NOT NULL
               ORDER BY a.language""",
            (story_id,),
        )
        return [str(r[0]) for r in rows]

    def articles(self, story_id: int) -> builtins.list[ArticleSummary]:
        """The story's current articles (not those a newer version superseded, nor those an editor
        muted) in publication order, undated ones last, then by id."""
        rows = self._db.query(
            f"""{SUMMARY_SELECT} WHERE sa.story_id = ? AND a.superseded_by IS NULL AND {NOT_MUTED}
                ORDER BY a.published_utc NULLS LAST, a.id""",
            (story_id,),
        )
        return [summary(r) for r in rows]

    def muted_articles(self, story_id: int) -> builtins.list[ArticleSummary]:
        """The story's current articles an editor muted one by one, in the order of ``articles``:
        what an editor would unmute, and readers never see."""
        rows = self._db.query(
            f"""{SUMMARY_SELECT} WHERE sa.story_id = ? AND a.superseded_by IS NULL
                  AND a.id IN (SELECT article_id FROM muted_articles)
                ORDER BY a.published_utc NULLS LAST, a.id""",
            (story_id,),
        )
        return [summary(r) for r in rows]

    def muted_outlets(self, story_id: int) -> builtins.list[tuple[str, int]]:
        """The muted outlets that published current articles of the story: (the outlet as one of
        them spells it, how many), by name."""
        rows = self._db.query(
            """SELECT MIN(a.outlet), COUNT(*) FROM story_articles sa JOIN articles a ON a.id = sa.article_id
               WHERE sa.story_id = ? AND a.superseded_by IS NULL
                 AND LOWER(a.outlet) IN (SELECT outlet FROM muted_outlets)
               GROUP BY LOWER(a.outlet) ORDER BY LOWER(a.outlet)""",
            (story_id,),
        )
        return [(str(r[0]), int(r[1])) for r in rows]

    def articles_since(self, since: datetime, story_id: int | None = None) -> builtins.list[ArticleSummary]:
        """Current, unmuted articles stored at or after ``since`` (in the story, when given), in
        the order they were stored."""
        within = "" if story_id is None else "AND sa.story_id = ?"
        rows = self._db.query(
            f"""{SUMMARY_SELECT} WHERE a.created_at >= ? AND a.superseded_by IS NULL AND {NOT_MUTED}
                {within} ORDER BY a.id""",
            [self._db.time(since), *([] if story_id is None else [story_id])],
        )
        return [summary(r) for r in rows]

    def created_since(self, since: datetime) -> builtins.list[StoryRow]:
        """Stories whose first article was stored at or after ``since``, the newest news first."""
        rows = self._db.query(
            f"""{_STORY_SELECT} WHERE (SELECT MIN(a.created_at) FROM story_articles sa
                  JOIN articles a ON a.id = sa.article_id WHERE sa.story_id = s.id) >= ?
                ORDER BY s.last_seen DESC NULLS LAST, s.updated_at DESC, s.id DESC""",
            (self._db.time(since),),
        )
        return [self._story(r) for r in rows]

    def merges_since(self, since: datetime, story_id: int | None = None) -> builtins.list[StoryMergeRow]:
        """Merges at or after ``since`` (the story took part in, when given), oldest first."""
        within = "" if story_id is None else "AND (into_ = ? OR absorbed = ?)"
        ids = [] if story_id is None else [story_id, story_id]
        return self._merges(f"merged_at >= ? {within}", [self._db.time(since), *ids])

    def splits_since(self, since: datetime, story_id: int | None = None) -> builtins.list[StorySplitRow]:
        """Splits at or after ``since`` (the story took part in, when given), oldest first."""
        within = "" if story_id is None else "AND (story_id = ? OR new_story_id = ?)"
        ids = [] if story_id is None else [story_id, story_id]
        return self._splits(f"split_at >= ? {within}", [self._db.time(since), *ids])

    def merges(self, story_id: int) -> builtins.list[StoryMergeRow]:
        """Merges the story absorbed or was absorbed by, oldest first."""
        return self._merges("into_ = ? OR absorbed = ?", (story_id, story_id))

    def splits(self, story_id: int) -> builtins.list[StorySplitRow]:
        """Splits the story came from or gave articles to, oldest first."""
        return self._splits("story_id = ? OR new_story_id = ?", (story_id, story_id))

    def _merges(self, where: str, params: Sequence[object]) -> builtins.list[StoryMergeRow]:
        rows = self._db.query(
            f"SELECT absorbed, into_, merged_at, score, reason FROM story_merges WHERE {where} ORDER BY id",
            params,
        )
        return [StoryMergeRow(r[0], r[1], self._db.read_time(r[2]), r[3], r[4]) for r in rows]

    def _splits(self, where: str, params: Sequence[object]) -> builtins.list[StorySplitRow]:
        rows = self._db.query(
            f"""SELECT story_id, new_story_id, split_at, score, reason, article_count FROM story_splits
                WHERE {where} ORDER BY id""",
            params,
        )
        return [StorySplitRow(r[0], r[1], self._db.read_time(r[2]), r[3], r[4], r[5]) for r in rows]

    def assignments(self) -> Iterator[tuple[str, int]]:
        """(external id of every source, story id): one row per input record, in arrival order."""
        for _, external_id, story_id in keyset(
            self._db,
            """SELECT s.id, s.external_id, sa.story_id FROM article_sources s
               JOIN story_articles sa ON sa.article_id = s.article_id
               WHERE s.id > ? ORDER BY s.id LIMIT ?""",
        ):
            yield str(external_id), int(story_id)

    def story_ids(self, article_ids: Sequence[int]) -> dict[int, int]:
        """The story each of ``article_ids`` is in (an article in none is left out)."""
        found: dict[int, int] = {}
        for chunk in in_chunks(sorted(set(article_ids))):
            rows = self._db.query(
                f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks(len(chunk))})",
                chunk,
            )
            found.update((int(a), int(s)) for a, s in rows)
        return found

    def with_outlet(self, outlet: str) -> builtins.list[int]:
        """Stories holding an article ``outlet`` (any case) published or carried as an exact copy."""
        rows = self._db.query(
            """SELECT DISTINCT sa.story_id FROM story_articles sa JOIN articles a ON a.id = sa.article_id
               WHERE LOWER(a.outlet) = ? OR EXISTS (SELECT 1 FROM article_sources s
                 WHERE s.article_id = a.id AND LOWER(s.outlet) = ?)
               ORDER BY sa.story_id""",
            (outlet.strip().lower(), outlet.strip().lower()),
        )
        return [int(r[0]) for r in rows]

    def unassigned_article_ids(self) -> builtins.list[int]:
        """Articles in no story yet (stored while story assignment was off), in arrival order."""
        rows = self._db.query(
            """SELECT a.id FROM articles a
               WHERE NOT EXISTS (SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id)
               ORDER BY a.id"""
        )
        return [int(r[0]) for r in rows]

    def _story(self, r: Row) -> StoryRow:
        return StoryRow(
            id=r[0],
            label=r[1],
            key_terms=tuple(json.loads(r[2])),
            article_count=r[3],
            outlet_count=r[4],
            first_seen=self._db.read_time_or_none(r[5]),
            last_seen=self._db.read_time_or_none(r[6]),
            updated_at=self._db.read_time(r[7]),
        )
