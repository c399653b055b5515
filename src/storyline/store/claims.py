"""Claims: each article's checkable statements with their vectors (once embedded), each story's
claim groups, and the states of each story's brief with what changed between them.

Claims belong to an article and are written once (``record``); ``claim_articles`` says an article
was read (and whom its credit line names), so an article without claims is not read again. Groups
belong to a story (``claim_groups``, keyed by claim): a merge or a split of stories regroups the
stories concerned, never the claims. ``brief_states`` is a story's history: every state of its
brief, in order, which the change log reads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.models import Claim, ClaimKind
from storyline.store.database import Component, Database, Migration, Row, in_chunks, marks
from storyline.store.records import BriefStateRow, StoredClaim

SCHEMA = Component(
    "claims",
    (
        Migration(
            1,
            "claims per article, claim groups per story, the states of each story's brief",
            (
                """CREATE TABLE claims (
                    article_id {int} NOT NULL REFERENCES articles (id),
                    idx {int} NOT NULL,
                    sentence {int} NOT NULL,
                    start {int} NOT NULL,
                    end_ {int} NOT NULL,
                    text {text} NOT NULL,
                    kind {text} NOT NULL,
                    speaker {text},
                    quote {text},
                    slots {text} NOT NULL,
                    vector {blob} NOT NULL,
                    PRIMARY KEY (article_id, idx)
                ) {clustered}""",
                """CREATE TABLE claim_articles (
                    article_id {int} PRIMARY KEY REFERENCES articles (id),
                    claims {int} NOT NULL,
                    credit {text},
                    read_at {time} NOT NULL
                )""",
                """CREATE TABLE claim_groups (
                    article_id {int} NOT NULL,
                    idx {int} NOT NULL,
                    story_id {int} NOT NULL,
                    grp {int} NOT NULL,
                    PRIMARY KEY (article_id, idx)
                )""",
                "CREATE INDEX claim_groups_story ON claim_groups (story_id)",
                """CREATE TABLE brief_states (
                    story_id {int} NOT NULL,
                    version {int} NOT NULL,
                    made_at {time} NOT NULL,
                    article_ids {text} NOT NULL,
                    cause {text} NOT NULL,
                    facts {text} NOT NULL,
                    changes {text} NOT NULL,
                    PRIMARY KEY (story_id, version)
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
    "kind",
    "speaker",
    "quote",
    "slots",
    "vector",
)
_SELECT = f"SELECT {', '.join(f'c.{c}' for c in _COLUMNS)}, g.grp FROM claims c"
_BRIEF_SELECT = "SELECT story_id, version, made_at, article_ids, cause, facts, changes FROM brief_states"


class ClaimRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(
        self,
        read: Sequence[tuple[int, Sequence[Claim], str | None]],
        now: datetime,
    ) -> None:
        """Store each (article id, its claims in reading order, its credit line's name), replacing
        what an earlier reading stored, and mark the articles read. The claims have no vector yet
        (an empty one) until ``set_vectors``: the stage embeds them once their story needs it."""
        if not read:
            return
        db = self._db
        ids = [article_id for article_id, *_ in read]
        rows = [
            _row(article_id, index, claim)
            for article_id, claims, _ in read
            for index, claim in enumerate(claims)
        ]
        with db.write():
            for chunk in in_chunks(ids):
                db.execute(f"DELETE FROM claims WHERE article_id IN ({marks(len(chunk))})", chunk)
            db.insert_rows("claims", _COLUMNS, rows)
            db.executemany(
                """INSERT INTO claim_articles (article_id, claims, credit, read_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (article_id) DO UPDATE
                   SET claims = excluded.claims, credit = excluded.credit, read_at = excluded.read_at""",
                [(article_id, len(claims), credit, db.time(now)) for article_id, claims, credit in read],
            )

    def set_vectors(self, vectors: Sequence[tuple[int, int, NDArray[np.float32]]]) -> None:
        """Give claims (article id, index, vector) their sentence vectors."""
        with self._db.write():
            self._db.executemany(
                "UPDATE claims SET vector = ? WHERE article_id = ? AND idx = ?",
                [
                    (np.asarray(vector, dtype=np.float32).tobytes(), article_id, index)
                    for article_id, index, vector in vectors
                ],
            )

    def unread_article_ids(self) -> list[int]:
        """Stored articles whose claims were not read yet, in arrival order."""
        rows = self._db.query(
            """SELECT a.id FROM articles a
               WHERE NOT EXISTS (SELECT 1 FROM claim_articles c WHERE c.article_id = a.id)
               ORDER BY a.id"""
        )
        return [int(r[0]) for r in rows]

    def credits(self, article_ids: Sequence[int]) -> dict[int, str | None]:
        """Whom each read article's credit line names (None: no credit line)."""
        found: dict[int, str | None] = {}
        for chunk in in_chunks(sorted(set(article_ids))):
            rows = self._db.query(
                f"SELECT article_id, credit FROM claim_articles WHERE article_id IN ({marks(len(chunk))})",
                chunk,
            )
            found.update({int(r[0]): r[1] for r in rows})
        return found

    def for_articles(self, article_ids: Sequence[int]) -> list[StoredClaim]:
        """The claims of the articles, each article's in reading order, with their group if any."""
        out: list[StoredClaim] = []
        for chunk in in_chunks(sorted(set(article_ids))):
            rows = self._db.query(
                f"""{_SELECT} LEFT JOIN claim_groups g ON g.article_id = c.article_id AND g.idx = c.idx
                    WHERE c.article_id IN ({marks(len(chunk))}) ORDER BY c.article_id, c.idx""",
                chunk,
            )
            out.extend(_stored(r) for r in rows)
        return out

    def for_story(self, story_id: int) -> list[StoredClaim]:
        """The claims of the story's articles, by article id then reading order, with the group
        each has in this story (None for a claim not grouped yet)."""
        rows = self._db.query(
            f"""{_SELECT}
                JOIN story_articles sa ON sa.article_id = c.article_id
                LEFT JOIN claim_groups g ON g.article_id = c.article_id AND g.idx = c.idx
                    AND g.story_id = sa.story_id
                WHERE sa.story_id = ?
                ORDER BY c.article_id, c.idx""",
            (story_id,),
        )
        return [_stored(r) for r in rows]

    def set_groups(self, story_id: int, groups: Sequence[tuple[int, int, int]], *, replace: bool) -> None:
        """Give claims (article id, index, group) their group in the story; ``replace`` first drops
        every group the story had (a regrouping after a merge or a split)."""
        db = self._db
        with db.write():
            if replace:
                db.execute("DELETE FROM claim_groups WHERE story_id = ?", (story_id,))
            db.executemany(
                """INSERT INTO claim_groups (article_id, idx, story_id, grp) VALUES (?, ?, ?, ?)
                   ON CONFLICT (article_id, idx) DO UPDATE
                   SET story_id = excluded.story_id, grp = excluded.grp""",
                [(article_id, index, story_id, group) for article_id, index, group in groups],
            )

    def forget_story(self, story_id: int) -> None:
        """A story absorbed in a merge: its groups and brief history go (the survivor regroups)."""
        with self._db.write():
            self._db.execute("DELETE FROM claim_groups WHERE story_id = ?", (story_id,))
            self._db.execute("DELETE FROM brief_states WHERE story_id = ?", (story_id,))

    def add_brief_state(
        self,
        story_id: int,
        made_at: datetime,
        article_ids: Sequence[int],
        cause: str,
        facts: list[dict[str, Any]],
        changes: dict[str, Any],
    ) -> int:
        """Append a state to the story's brief history; its version (1, 2, …)."""
        db = self._db
        with db.write():
            row = db.query_one("SELECT MAX(version) FROM brief_states WHERE story_id = ?", (story_id,))
            version = int(row[0]) + 1 if row and row[0] is not None else 1
            db.execute(
                """INSERT INTO brief_states (story_id, version, made_at, article_ids, cause, facts, changes)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    story_id,
                    version,
                    db.time(made_at),
                    json.dumps(list(article_ids)),
                    cause,
                    json.dumps(facts),
                    json.dumps(changes),
                ),
            )
        return version

    def brief_states(self, story_id: int) -> list[BriefStateRow]:
        """The story's brief history, oldest first."""
        rows = self._db.query(f"{_BRIEF_SELECT} WHERE story_id = ? ORDER BY version", (story_id,))
        return [self._brief_state(r) for r in rows]

    def brief_states_since(self, since: datetime, story_id: int | None = None) -> list[BriefStateRow]:
        """The states of briefs (the story's, when given) made at or after ``since``, oldest first."""
        within = "" if story_id is None else "AND story_id = ?"
        ids = [] if story_id is None else [story_id]
        rows = self._db.query(
            f"{_BRIEF_SELECT} WHERE made_at >= ? {within} ORDER BY made_at, story_id, version",
            (self._db.time(since), *ids),
        )
        return [self._brief_state(r) for r in rows]

    def last_brief_state(self, story_id: int) -> BriefStateRow | None:
        """The story's brief as it stands (one row read, however long the history)."""
        rows = self._db.query(
            f"{_BRIEF_SELECT} WHERE story_id = ? ORDER BY version DESC LIMIT 1", (story_id,)
        )
        return self._brief_state(rows[0]) if rows else None

    def _brief_state(self, r: Row) -> BriefStateRow:
        return BriefStateRow(
            int(r[0]),
            int(r[1]),
            self._db.read_time(r[2]),
            tuple(json.loads(r[3])),
            r[4],
            json.loads(r[5]),
            json.loads(r[6]),
        )


def _row(article_id: int, index: int, claim: Claim) -> tuple[object, ...]:
    slots = {
        "numbers": list(claim.numbers),
        "dates": list(claim.dates),
        "entities": list(claim.entities),
        "negated": claim.negated,
        "states": list(claim.states),
        "attribution": claim.attribution,
    }
    return (
        article_id,
        index,
        claim.sentence,
        claim.start,
        claim.end,
        claim.text,
        claim.kind.value,
        claim.speaker,
        claim.quote,
        json.dumps(slots),
        b"",  # not embedded yet
    )


def _stored(r: Row) -> StoredClaim:
    slots = json.loads(r[9])
    claim = Claim(
        sentence=r[2],
        start=r[3],
        end=r[4],
        text=r[5],
        kind=ClaimKind(r[6]),
        speaker=r[7],
        quote=r[8],
        numbers=tuple(slots["numbers"]),
        dates=tuple(slots["dates"]),
        entities=tuple(slots["entities"]),
        negated=bool(slots["negated"]),
        states=tuple(slots["states"]),
        attribution=slots["attribution"],
    )
    return StoredClaim(int(r[0]), int(r[1]), claim, np.frombuffer(bytes(r[10]), dtype=np.float32), r[11])
