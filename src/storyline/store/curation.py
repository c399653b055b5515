"""Editors' corrections: the log of what they did, and what the rest of the system must respect.

An editor merges two stories, moves articles out into a story of their own, renames a story, mutes
an article or an outlet. Each correction is logged with when, by whom and why (the story's lineage
shows them). What must outlast it is kept apart from the log, in the form its readers consult:

- the clusterer's constraints: pairs of stories an editor separated (``kept_apart``: never merged
  again, whatever later reports suggest) and stories an editor shaped (``settled``: never split by
  the machine, whose split rule an editor has overruled);
- the names editors gave stories, which win over the machine's label;
- the muted articles and outlets, which story views and counts leave out (``NOT_MUTED``).

Story ids in the constraints are the ids as they were when recorded; a reader resolves them through
later merges.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from storyline.store.database import Component, Database, Migration, Row, marks
from storyline.store.records import Correction, CorrectionAction

SCHEMA = Component(
    "curation",
    (
        Migration(
            1,
            "editors' corrections, the clusterer's constraints, story names and mutes",
            (
                """CREATE TABLE corrections (
                    id {id},
                    action {text} NOT NULL,
                    at {time} NOT NULL,
                    by_ {text} NOT NULL,
                    why {text} NOT NULL,
                    story_id {int},
                    other_story_id {int},
                    article_ids {text} NOT NULL,
                    outlet {text},
                    name {text}
                )""",
                "CREATE INDEX corrections_story ON corrections (story_id)",
                "CREATE INDEX corrections_other_story ON corrections (other_story_id)",
                """CREATE TABLE stories_kept_apart (
                    story_id {int} NOT NULL,
                    other_story_id {int} NOT NULL,
                    PRIMARY KEY (story_id, other_story_id)
                )""",
                "CREATE TABLE stories_settled (story_id {int} PRIMARY KEY)",
                "CREATE TABLE story_names (story_id {int} PRIMARY KEY, name {text} NOT NULL)",
                "CREATE TABLE muted_articles (article_id {int} PRIMARY KEY)",
                # Lower-cased: an editor types 'Devdiscourse' or 'devdiscourse' for the same outlet.
                "CREATE TABLE muted_outlets (outlet {text} PRIMARY KEY)",
            ),
        ),
    ),
)

# What a query over ``articles a`` adds to leave muted articles and outlets out.
NOT_MUTED = """a.id NOT IN (SELECT article_id FROM muted_articles)
    AND (a.outlet IS NULL OR LOWER(a.outlet) NOT IN (SELECT outlet FROM muted_outlets))"""

_CORRECTION_COLUMNS = "id, action, at, by_, why, story_id, other_story_id, article_ids, outlet, name"


class CurationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- the log --------------------------------------------------------------------------------
    def record(
        self,
        action: CorrectionAction,
        at: datetime,
        by: str,
        why: str,
        *,
        story_id: int | None = None,
        other_story_id: int | None = None,
        article_ids: Sequence[int] = (),
        outlet: str | None = None,
        name: str | None = None,
    ) -> int:
        """Log a correction; its id."""
        with self._db.write():
            return self._db.insert(
                """INSERT INTO corrections
                   (action, at, by_, why, story_id, other_story_id, article_ids, outlet, name)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                (
                    action.value,
                    self._db.time(at),
                    by,
                    why,
                    story_id,
                    other_story_id,
                    json.dumps(list(article_ids)),
                    outlet,
                    name,
                ),
            )

    def for_stories(self, story_ids: Sequence[int]) -> list[Correction]:
        """Corrections naming any of ``story_ids`` (as the story corrected or the other one),
        oldest first."""
        if not story_ids:
            return []
        ids = marks(len(story_ids))
        rows = self._db.query(
            f"""SELECT {_CORRECTION_COLUMNS} FROM corrections
                WHERE story_id IN ({ids}) OR other_story_id IN ({ids}) ORDER BY id""",
            (*story_ids, *story_ids),
        )
        return [self._correction(r) for r in rows]

    def since(self, since: datetime) -> list[Correction]:
        """Corrections made at or after ``since``, oldest first."""
        rows = self._db.query(
            f"SELECT {_CORRECTION_COLUMNS} FROM corrections WHERE at >= ? ORDER BY id",
            (self._db.time(since),),
        )
        return [self._correction(r) for r in rows]

    def mutes_of(self, article_ids: Sequence[int], outlets: Sequence[str]) -> list[Correction]:
        """The mutes logged of any of ``article_ids`` or ``outlets`` (any case), oldest first."""
        if not article_ids and not outlets:
            return []
        # An article's mute logs its id alone, as ``record`` writes it.
        logged = [json.dumps([article_id]) for article_id in article_ids]
        keys = [outlet.strip().lower() for outlet in outlets]
        rows = self._db.query(
            f"""SELECT {_CORRECTION_COLUMNS} FROM corrections WHERE action = ?
                AND (article_ids IN ({marks(len(logged)) if logged else "NULL"})
                     OR LOWER(outlet) IN ({marks(len(keys)) if keys else "NULL"}))
                ORDER BY id""",
            (CorrectionAction.MUTE.value, *logged, *keys),
        )
        return [self._correction(r) for r in rows]

    def moved_articles(self) -> set[int]:
        """Every article an editor moved out of a story."""
        rows = self._db.query(
            "SELECT article_ids FROM corrections WHERE action = ?", (CorrectionAction.MOVE.value,)
        )
        return {int(article_id) for r in rows for article_id in json.loads(r[0])}

    # -- the clusterer's constraints ------------------------------------------------------------
    def keep_apart(self, story_id: int, other_story_id: int) -> None:
        with self._db.write():
            self._db.execute(
                """INSERT INTO stories_kept_apart (story_id, other_story_id) VALUES (?, ?)
                   ON CONFLICT DO NOTHING""",
                (story_id, other_story_id),
            )

    def settle(self, story_ids: Sequence[int]) -> None:
        with self._db.write():
            self._db.executemany(
                "INSERT INTO stories_settled (story_id) VALUES (?) ON CONFLICT DO NOTHING",
                [(story_id,) for story_id in story_ids],
            )

    def kept_apart(self) -> list[tuple[int, int]]:
        rows = self._db.query("SELECT story_id, other_story_id FROM stories_kept_apart ORDER BY 1, 2")
        return [(int(a), int(b)) for a, b in rows]

    def settled(self) -> list[int]:
        return [int(r[0]) for r in self._db.query("SELECT story_id FROM stories_settled ORDER BY 1")]

    # -- names and mutes ------------------------------------------------------------------------
    def name_story(self, story_id: int, name: str) -> None:
        with self._db.write():
            self._db.execute(
                """INSERT INTO story_names (story_id, name) VALUES (?, ?)
                   ON CONFLICT (story_id) DO UPDATE SET name = excluded.name""",
                (story_id, name),
            )

    def mute_article(self, article_id: int, muted: bool) -> bool:
        """Mute (or unmute) an article; whether that changed anything."""
        with self._db.write():
            if muted:
                return (
                    self._db.execute(
                        "INSERT INTO muted_articles (article_id) VALUES (?) ON CONFLICT DO NOTHING",
                        (article_id,),
                    )
                    > 0
                )
            return self._db.execute("DELETE FROM muted_articles WHERE article_id = ?", (article_id,)) > 0

    def mute_outlet(self, outlet: str, muted: bool) -> bool:
        """Mute (or unmute) an outlet, whatever its case; whether that changed anything."""
        key = outlet.strip().lower()
        with self._db.write():
            if muted:
                return (
                    self._db.execute(
                        "INSERT INTO muted_outlets (outlet) VALUES (?) ON CONFLICT DO NOTHING", (key,)
                    )
                    > 0
                )
            return self._db.execute("DELETE FROM muted_outlets WHERE outlet = ?", (key,)) > 0

    def muted_outlets(self) -> list[str]:
        return [str(r[0]) for r in self._db.query("SELECT outlet FROM muted_outlets ORDER BY 1")]

    def muted_articles(self) -> list[int]:
        return [int(r[0]) for r in self._db.query("SELECT article_id FROM muted_articles ORDER BY 1")]

    def _correction(self, r: Row) -> Correction:
        return Correction(
            id=int(r[0]),
            action=CorrectionAction(r[1]),
            at=self._db.read_time(r[2]),
            by=r[3],
            why=r[4],
            story_id=r[5],
            other_story_id=r[6],
            article_ids=tuple(json.loads(r[7])),
            outlet=r[8],
            name=r[9],
        )
