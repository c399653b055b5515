"""Time expressions: what each article's text says about time, resolved, with where it says it.

Expressions belong to an article, never to a story: a story's expressions are its articles', read
through ``story_articles``, so a merge or a split of stories moves nothing here. ``time_tagged``
records that an article was tagged (and how many expressions it had), so an article with none is
not tagged again on every run, and a store that predates the stage is tagged once, on its next run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storyline.models import Granularity, TimeExpression, TimexType
from storyline.store.database import Component, Database, Migration, Row, in_chunks, marks
from storyline.store.records import StoredTimeExpression

SCHEMA = Component(
    "time_expressions",
    (
        Migration(
            1,
            "time expressions per article, and which articles were tagged",
            (
                """CREATE TABLE time_expressions (
                    article_id {int} NOT NULL REFERENCES articles (id),
                    idx {int} NOT NULL,
                    sentence {int} NOT NULL,
                    start {int} NOT NULL,
                    end_ {int} NOT NULL,
                    text {text} NOT NULL,
                    type {text} NOT NULL,
                    value {text},
                    granularity {text} NOT NULL,
                    modifier {text},
                    anchor {text},
                    rule {text} NOT NULL,
                    resolved {int} NOT NULL,
                    reason {text},
                    PRIMARY KEY (article_id, idx)
                ) {clustered}""",
                """CREATE TABLE time_tagged (
                    article_id {int} PRIMARY KEY REFERENCES articles (id),
                    expressions {int} NOT NULL,
                    tagged_at {time} NOT NULL
                )""",
            ),
        ),
    ),
)

_COLUMNS = (
    "article_id",
    "idx",
    "sentence",
    "start",
    "end_",
    "text",
    "type",
    "value",
    "granularity",
    "modifier",
    "anchor",
    "rule",
    "resolved",
    "reason",
)
_SELECT = f"SELECT {', '.join(f'te.{c}' for c in _COLUMNS)} FROM time_expressions te"


class TimeExpressionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, tagged: Sequence[tuple[int, Sequence[TimeExpression]]], now: datetime) -> None:
        """Store each (article id, its expressions in reading order), replacing what an earlier
        tagging of the article stored, and mark the articles tagged."""
        if not tagged:
            return
        db = self._db
        ids = [article_id for article_id, _ in tagged]
        rows = [
            _row(article_id, index, expression)
            for article_id, expressions in tagged
            for index, expression in enumerate(expressions)
        ]
        tagged_at = db.time(now)
        with db.write():
            for chunk in in_chunks(ids):
                db.execute(f"DELETE FROM time_expressions WHERE article_id IN ({marks(len(chunk))})", chunk)
            db.insert_rows("time_expressions", _COLUMNS, rows)
            db.executemany(
                """INSERT INTO time_tagged (article_id, expressions, tagged_at) VALUES (?, ?, ?)
                   ON CONFLICT (article_id) DO UPDATE
                   SET expressions = excluded.expressions, tagged_at = excluded.tagged_at""",
                [(article_id, len(expressions), tagged_at) for article_id, expressions in tagged],
            )

    def for_article(self, article_id: int) -> list[StoredTimeExpression]:
        """The article's expressions in reading order."""
        rows = self._db.query(f"{_SELECT} WHERE te.article_id = ? ORDER BY te.idx", (article_id,))
        return [_stored(r) for r in rows]

    def for_articles(self, article_ids: Sequence[int]) -> dict[int, list[TimeExpression]]:
        """The expressions of each of ``article_ids`` that has any, each article's in reading
        order."""
        found: dict[int, list[TimeExpression]] = {}
        for chunk in in_chunks(article_ids):
            rows = self._db.query(
                f"{_SELECT} WHERE te.article_id IN ({marks(len(chunk))}) ORDER BY te.article_id, te.idx",
                tuple(chunk),
            )
            for r in rows:
                stored = _stored(r)
                found.setdefault(stored.article_id, []).append(stored.expression)
        return found

    def for_story(self, story_id: int) -> list[StoredTimeExpression]:
        """The expressions of the story's articles: articles in publication order (undated last,
        then by id, as a story lists them), each article's in reading order."""
        rows = self._db.query(
            f"""{_SELECT}
                JOIN story_articles sa ON sa.article_id = te.article_id
                JOIN articles a ON a.id = te.article_id
                WHERE sa.story_id = ?
                ORDER BY a.published_utc NULLS LAST, te.article_id, te.idx""",
            (story_id,),
        )
        return [_stored(r) for r in rows]

    def tagged(self, article_ids: Sequence[int]) -> set[int]:
        """Which of ``article_ids`` were tagged (an article may have been tagged and had none)."""
        found: set[int] = set()
        for chunk in in_chunks(sorted(set(article_ids))):
            rows = self._db.query(
                f"SELECT article_id FROM time_tagged WHERE article_id IN ({marks(len(chunk))})", chunk
            )
            found.update(int(r[0]) for r in rows)
        return found

    def untagged_article_ids(self) -> list[int]:
        """Stored articles not tagged yet (stored before the stage existed, or while it failed), in
        arrival order."""
        rows = self._db.query(
            """SELECT a.id FROM articles a
               WHERE NOT EXISTS (SELECT 1 FROM time_tagged t WHERE t.article_id = a.id)
               ORDER BY a.id"""
        )
        return [int(r[0]) for r in rows]


def _row(article_id: int, index: int, e: TimeExpression) -> tuple[object, ...]:
    return (
        article_id,
        index,
        e.sentence,
        e.start,
        e.end,
        e.text,
        e.type.value,
        e.value,
        e.granularity.value,
        e.mod,
        e.anchor,
        e.rule,
        int(e.resolved),
        e.reason,
    )


def _stored(r: Row) -> StoredTimeExpression:
    return StoredTimeExpression(
        article_id=r[0],
        expression=TimeExpression(
            sentence=r[2],
            start=r[3],
            end=r[4],
            text=r[5],
            type=TimexType(r[6]),
            value=r[7],
            granularity=Granularity(r[8]),
            mod=r[9],
            anchor=r[10],
            rule=r[11],
            reason=r[13],
        ),
    )
