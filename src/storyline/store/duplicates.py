"""What de-duplication knows of each article: its content hash, its MinHash signature, its group.

Groups are flat: every copy points at its group's canonical article, never at another copy, so a
group is read with one lookup. The canonical article is the group's origin: the earliest published
member (see ``duplicates.DuplicateStage``), so it can change as an earlier copy arrives.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from storyline.store.database import Component, Database, Migration, keyset

SCHEMA = Component(
    "duplicates",
    (
        Migration(
            1,
            "content hashes, MinHash signatures and duplicate groups",
            (
                """CREATE TABLE article_duplicates (
                    article_id {int} PRIMARY KEY REFERENCES articles (id),
                    content_hash {text} NOT NULL UNIQUE,
                    signature {blob},
                    duplicate_of {int} REFERENCES articles (id),
                    similarity {real}
                )""",
                "CREATE INDEX article_duplicates_group ON article_duplicates (duplicate_of)",
            ),
        ),
    ),
)


class DuplicateRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def by_hash(self, content_hash: str) -> int | None:
        """The article whose text has this content hash: an exact duplicate's original."""
        row = self._db.query_one(
            "SELECT article_id FROM article_duplicates WHERE content_hash = ?", (content_hash,)
        )
        return int(row[0]) if row else None

    def record(
        self,
        article_id: int,
        content_hash: str,
        signature: np.ndarray | None,
        duplicate_of: int | None,
        similarity: float | None,
    ) -> None:
        blob = np.asarray(signature, dtype=np.uint64).tobytes() if signature is not None else None
        with self._db.write():
            self._db.execute(
                """INSERT INTO article_duplicates
                   (article_id, content_hash, signature, duplicate_of, similarity)
                   VALUES (?, ?, ?, ?, ?)""",
                (article_id, content_hash, blob, duplicate_of, similarity),
            )

    def canonical(self, article_id: int) -> int:
        """The canonical member of the article's group (itself when it is in none)."""
        row = self._db.query_one(
            "SELECT duplicate_of FROM article_duplicates WHERE article_id = ?", (article_id,)
        )
        return int(row[0]) if row and row[0] is not None else article_id

    def make_canonical(self, old: int, new: int) -> None:
        """Make ``new`` (a member of ``old``'s group, or joining it) the group's canonical article:
        every member, ``old`` included, now points at ``new``, and ``new`` at nothing."""
        with self._db.write():
            self._db.execute(
                "UPDATE article_duplicates SET duplicate_of = ? WHERE duplicate_of = ? OR article_id = ?",
                (new, old, old),
            )
            self._db.execute("UPDATE article_duplicates SET duplicate_of = NULL WHERE article_id = ?", (new,))

    def members(self, canonical_id: int) -> list[int]:
        """The group of ``canonical_id``: itself and its duplicates, ascending."""
        rows = self._db.query(
            """SELECT article_id FROM article_duplicates WHERE article_id = ? OR duplicate_of = ?
               ORDER BY article_id""",
            (canonical_id, canonical_id),
        )
        return [int(r[0]) for r in rows]

    def signatures(self, after_id: int = 0) -> Iterator[tuple[int, np.ndarray]]:
        """(article id, signature) of every article after ``after_id`` that has one, ascending:
        the in-memory LSH index loads them all once and then catches up on what another process
        stored by asking after the last id it holds."""
        for article_id, blob in keyset(
            self._db,
            """SELECT article_id, signature FROM article_duplicates
               WHERE signature IS NOT NULL AND article_id > ? ORDER BY article_id LIMIT ?""",
            after=after_id,
        ):
            yield int(article_id), np.frombuffer(blob, dtype=np.uint64)
