"""Entities: the names tagged in each article, the store-wide entities they resolve to, and the
aliases and user edits that decide it.

- ``entity_mentions``: one row per name in an article (offsets into its text, type, normalised
  form, report-level key); ``entity_tagged`` marks each article the tagger has seen, names or not,
  so a store ingested before the stage existed is caught up (``untagged_article_ids``).
- ``entities``: one row per person, organisation or place across the store; an entity merged into
  another keeps its row with ``merged_into`` set, so an id once shown keeps resolving.
- ``entity_aliases``: (type, normalised name) → entity, the keys by which a story's names find
  their entity across the store.
- ``story_entity_forms``: for each story, which entity each of its (type, norm, key) names is. A
  mention's entity is found through its article's story; a story's list follows merges and splits
  by re-resolving the story, without touching its mentions.
- ``entity_edits``: the user's alias choices (add, split, rename), applied on every resolution.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from storyline.models import EntityType, Mention
from storyline.store.database import NO_LIMIT, Component, Database, Migration, Row, in_chunks, marks
from storyline.store.records import (
    AliasAction,
    AliasEdit,
    EntityRow,
    EntitySummary,
    MentionRow,
    StoryForm,
)

SCHEMA = Component(
    "entities",
    (
        Migration(
            1,
            "entity mentions, store-wide entities, aliases, per-story resolution and user edits",
            (
                """CREATE TABLE entity_tagged (
                    article_id {int} PRIMARY KEY REFERENCES articles (id),
                    model {text} NOT NULL,
                    tagged_at {time} NOT NULL
                )""",
                """CREATE TABLE entity_mentions (
                    article_id {int} NOT NULL REFERENCES articles (id),
                    idx {int} NOT NULL,
                    sentence {int} NOT NULL,
                    start {int} NOT NULL,
                    end_ {int} NOT NULL,
                    text {text} NOT NULL,
                    type {text} NOT NULL,
                    norm {text} NOT NULL,
                    key {text} NOT NULL,
                    PRIMARY KEY (article_id, idx)
                ) {clustered}""",
                """CREATE TABLE entities (
                    id {id},
                    type {text} NOT NULL,
                    key {text} NOT NULL,
                    name {text} NOT NULL,
                    named_by_user {int} NOT NULL,
                    merged_into {int},
                    created_at {time} NOT NULL
                )""",
                """CREATE TABLE entity_aliases (
                    type {text} NOT NULL,
                    alias {text} NOT NULL,
                    entity_id {int} NOT NULL,
                    PRIMARY KEY (type, alias)
                )""",
                "CREATE INDEX entity_aliases_entity ON entity_aliases (entity_id)",
                """CREATE TABLE story_entity_forms (
                    story_id {int} NOT NULL,
                    type {text} NOT NULL,
                    norm {text} NOT NULL,
                    key {text} NOT NULL,
                    entity_id {int} NOT NULL,
                    mentions {int} NOT NULL,
                    PRIMARY KEY (story_id, type, norm, key)
                )""",
                "CREATE INDEX story_entity_forms_entity ON story_entity_forms (entity_id)",
                "CREATE INDEX story_entity_forms_norm ON story_entity_forms (norm)",
                """CREATE TABLE entity_edits (
                    id {id},
                    action {text} NOT NULL,
                    type {text} NOT NULL,
                    alias {text} NOT NULL,
                    entity_id {int} NOT NULL,
                    name {text} NOT NULL,
                    created_at {time} NOT NULL
                )""",
            ),
        ),
    ),
)

_MENTION_COLUMNS = ("article_id", "idx", "sentence", "start", "end_", "text", "type", "norm", "key")
_ENTITY_COLUMNS = "e.id, e.type, e.key, e.name, e.named_by_user, e.created_at"
# A mention and the entity it names: through its article's story, the story's resolution of its name.
_MENTION_ENTITY = """
    FROM entity_mentions m
    JOIN story_articles sa ON sa.article_id = m.article_id
    JOIN story_entity_forms f ON f.story_id = sa.story_id AND f.type = m.type AND f.norm = m.norm
         AND f.key = m.key"""


class EntityRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- mentions -----------------------------------------------------------------------------
    def add_mentions(self, article_id: int, mentions: Sequence[Mention], model: str, now: datetime) -> None:
        """Store an article's mentions (none is fine) and mark it tagged by ``model``."""
        db = self._db
        with db.write():
            db.execute(
                "INSERT INTO entity_tagged (article_id, model, tagged_at) VALUES (?, ?, ?)",
                (article_id, model, db.time(now)),
            )
            db.insert_rows(
                "entity_mentions",
                _MENTION_COLUMNS,
                [
                    (article_id, i, m.sentence, m.start, m.end, m.text, m.type.value, m.norm, m.key)
                    for i, m in enumerate(mentions)
                ],
            )

    def untagged_article_ids(self) -> list[int]:
        """Articles the tagger has not seen (stored before the stage existed, or left by a failure),
        in arrival order."""
        rows = self._db.query(
            """SELECT a.id FROM articles a
               WHERE NOT EXISTS (SELECT 1 FROM entity_tagged t WHERE t.article_id = a.id) ORDER BY a.id"""
        )
        return [int(r[0]) for r in rows]

    def article_entities(self, article_id: int) -> list[tuple[Mention, int | None]]:
        """The article's mentions in text order, each with the entity it names (None while the
        article is in no story: entities are resolved per story)."""
        rows = self._db.query(
            """SELECT m.sentence, m.start, m.end_, m.text, m.type, m.norm, m.key, f.entity_id
               FROM entity_mentions m
               LEFT JOIN story_articles sa ON sa.article_id = m.article_id
               LEFT JOIN story_entity_forms f ON f.story_id = sa.story_id AND f.type = m.type
                    AND f.norm = m.norm AND f.key = m.key
               WHERE m.article_id = ? ORDER BY m.idx""",
            (article_id,),
        )
        return [(_mention(r), None if r[7] is None else int(r[7])) for r in rows]

    # -- per story ----------------------------------------------------------------------------
    def story_names(self, story_id: int) -> dict[str, EntityType]:
        """Each way the story's reports wrote a name, with the type it was tagged most often."""
        rows = self._db.query(
            """SELECT m.text, m.type, COUNT(*) FROM entity_mentions m
               JOIN story_articles sa ON sa.article_id = m.article_id
               WHERE sa.story_id = ? GROUP BY m.text, m.type""",
            (story_id,),
        )
        best: dict[str, tuple[int, str]] = {}
        for text, kind, count in rows:
            best[text] = max(best.get(text, (0, "")), (int(count), str(kind)))
        return {text: EntityType(kind) for text, (_, kind) in sorted(best.items())}

    def story_forms(self, story_id: int) -> list[StoryForm]:
        """The story's distinct (type, norm, key) names with their mention counts, each with the
        spelling written most often (ties: the longest, then the first in sort order)."""
        rows = self._db.query(
            """SELECT m.type, m.norm, m.key, m.text, COUNT(*) FROM entity_mentions m
               JOIN story_articles sa ON sa.article_id = m.article_id
               WHERE sa.story_id = ? GROUP BY m.type, m.norm, m.key, m.text""",
            (story_id,),
        )
        spellings: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
        for kind, norm, key, text, count in rows:
            spellings[kind, norm, key][text] += int(count)
        forms = []
        for (kind, norm, key), written in sorted(spellings.items()):
            surface = min(written, key=lambda s: (-written[s], -len(s), s))
            forms.append(StoryForm(EntityType(kind), norm, key, sum(written.values()), surface))
        return forms

    def replace_story_forms(
        self, story_id: int, rows: Sequence[tuple[EntityType, str, str, int, int]]
    ) -> None:
        """The story's resolution: (type, norm, key, entity id, mentions) rows, replacing the last."""
        with self._db.write():
            self.delete_story_forms(story_id)
            self._db.insert_rows(
                "story_entity_forms",
                ("story_id", "type", "norm", "key", "entity_id", "mentions"),
                [(story_id, t.value, norm, key, entity_id, n) for t, norm, key, entity_id, n in rows],
            )

    def delete_story_forms(self, story_id: int) -> None:
        with self._db.write():
            self._db.execute("DELETE FROM story_entity_forms WHERE story_id = ?", (story_id,))

    def stories_naming(self, norm: str, entity_id: int) -> list[int]:
        """Stories with a name whose norm or key is ``norm``, or naming the entity: the ones an
        alias edit about them may change."""
        rows = self._db.query(
            """SELECT DISTINCT story_id FROM story_entity_forms
               WHERE norm = ? OR key = ? OR entity_id = ? ORDER BY story_id""",
            (norm, norm, entity_id),
        )
        return [int(r[0]) for r in rows]

    # -- entities and aliases -------------------------------------------------------------------
    def create(self, kind: EntityType, key: str, name: str, now: datetime) -> int:
        with self._db.write():
            return self._db.insert(
                """INSERT INTO entities (type, key, name, named_by_user, merged_into, created_at)
                   VALUES (?, ?, ?, 0, NULL, ?) RETURNING id""",
                (kind.value, key, name, self._db.time(now)),
            )

    def lookup(self, keys: Iterable[tuple[EntityType, str]]) -> dict[tuple[EntityType, str], int]:
        """The entity each (type, key) is an alias of, for those that are one."""
        wanted = sorted({(t.value, k) for t, k in keys})
        found: dict[tuple[EntityType, str], int] = {}
        for chunk in in_chunks(sorted({k for _, k in wanted})):
            rows = self._db.query(
                f"SELECT type, alias, entity_id FROM entity_aliases WHERE alias IN ({marks(len(chunk))})",
                chunk,
            )
            found.update({(EntityType(t), a): int(e) for t, a, e in rows})
        return {k: v for k, v in found.items() if (k[0].value, k[1]) in set(wanted)}

    def add_aliases(self, rows: Sequence[tuple[EntityType, str, int]]) -> None:
        """(type, key, entity id): a key that already names an entity keeps it."""
        with self._db.write():
            self._db.executemany(
                """INSERT INTO entity_aliases (type, alias, entity_id) VALUES (?, ?, ?)
                   ON CONFLICT (type, alias) DO NOTHING""",
                [(t.value, alias, entity_id) for t, alias, entity_id in rows],
            )

    def point_alias(self, kind: EntityType, alias: str, entity_id: int) -> None:
        """Make (type, alias) name ``entity_id``, whatever it named before."""
        with self._db.write():
            self._db.execute(
                """INSERT INTO entity_aliases (type, alias, entity_id) VALUES (?, ?, ?)
                   ON CONFLICT (type, alias) DO UPDATE SET entity_id = excluded.entity_id""",
                (kind.value, alias, entity_id),
            )

    def remove_alias(self, kind: EntityType, alias: str, entity_id: int) -> None:
        with self._db.write():
            self._db.execute(
                "DELETE FROM entity_aliases WHERE type = ? AND alias = ? AND entity_id = ?",
                (kind.value, alias, entity_id),
            )

    def merge(self, absorbed: int, into: int) -> None:
        """Every story name, alias and edit of ``absorbed`` goes to ``into``; the absorbed id keeps
        resolving to it (and so does every id merged into the absorbed one before)."""
        db = self._db
        with db.write():
            db.execute("UPDATE story_entity_forms SET entity_id = ? WHERE entity_id = ?", (into, absorbed))
            db.execute("UPDATE entity_aliases SET entity_id = ? WHERE entity_id = ?", (into, absorbed))
            db.execute("UPDATE entity_edits SET entity_id = ? WHERE entity_id = ?", (into, absorbed))
            db.execute(
                "UPDATE entities SET merged_into = ? WHERE id = ? OR merged_into = ?",
                (into, absorbed, absorbed),
            )

    def rename(self, entity_id: int, name: str, *, by_user: bool) -> None:
        with self._db.write():
            self._db.execute(
                "UPDATE entities SET name = ?, named_by_user = ? WHERE id = ?",
                (name, int(by_user), entity_id),
            )

    def get(self, entity_id: int) -> EntityRow | None:
        """The entity, following merges: an absorbed id gives the entity it went into."""
        row = self._db.query_one(
            f"""SELECT {_ENTITY_COLUMNS} FROM entities e
                WHERE e.id = (SELECT COALESCE(merged_into, id) FROM entities WHERE id = ?)""",
            (entity_id,),
        )
        return _entity(self._db, row) if row else None

    def get_many(self, entity_ids: Iterable[int]) -> dict[int, EntityRow]:
        found: dict[int, EntityRow] = {}
        for chunk in in_chunks(sorted(set(entity_ids))):
            rows = self._db.query(
                f"SELECT {_ENTITY_COLUMNS} FROM entities e WHERE e.id IN ({marks(len(chunk))})", chunk
            )
            found.update({int(r[0]): _entity(self._db, r) for r in rows})
        return found

    def find(self, key: str, name: str) -> list[int]:
        """Live entities that ``key`` (a normalised name, of any type) is an alias of, that are
        shown as ``name``, or that a story resolved a name of that form to ('Guan', which is no
        alias across the store); the most mentioned first."""
        rows = self._db.query(
            """SELECT e.id, COALESCE((SELECT SUM(f.mentions) FROM story_entity_forms f
                                      WHERE f.entity_id = e.id), 0) AS n
               FROM entities e
               WHERE e.merged_into IS NULL
                 AND (e.id IN (SELECT entity_id FROM entity_aliases WHERE alias = ?) OR e.name = ?
                      OR e.id IN (SELECT entity_id FROM story_entity_forms WHERE norm = ?))
               ORDER BY n DESC, e.id""",
            (key, name, key),
        )
        return [int(r[0]) for r in rows]

    # -- user edits -----------------------------------------------------------------------------
    def add_edit(
        self, action: AliasAction, kind: EntityType, alias: str, entity_id: int, name: str, now: datetime
    ) -> None:
        with self._db.write():
            self._db.execute(
                """INSERT INTO entity_edits (action, type, alias, entity_id, name, created_at)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (action.value, kind.value, alias, entity_id, name, self._db.time(now)),
            )

    def edits(self) -> list[AliasEdit]:
        """Every alias edit, oldest first: a later edit of the same alias overrides an earlier."""
        rows = self._db.query(
            "SELECT id, action, type, alias, entity_id, name, created_at FROM entity_edits ORDER BY id"
        )
        return [
            AliasEdit(r[0], AliasAction(r[1]), EntityType(r[2]), r[3], r[4], r[5], self._db.read_time(r[6]))
            for r in rows
        ]

    # -- reads ----------------------------------------------------------------------------------
    def story_entities(self, story_id: int) -> list[EntitySummary]:
        """The story's entities, the most mentioned first."""
        return self._summaries(
            f"""SELECT {_ENTITY_COLUMNS}, SUM(f.mentions), COUNT(DISTINCT f.story_id)
                FROM story_entity_forms f JOIN entities e ON e.id = f.entity_id WHERE f.story_id = ?
                GROUP BY {_ENTITY_COLUMNS} ORDER BY SUM(f.mentions) DESC, e.id""",
            (story_id,),
            story_id,
        )

    def entities(self, limit: int | None = None, offset: int = 0) -> list[EntitySummary]:
        """Entities across the store, the most mentioned first."""
        return self._summaries(
            f"""SELECT {_ENTITY_COLUMNS}, SUM(f.mentions), COUNT(DISTINCT f.story_id)
                FROM story_entity_forms f JOIN entities e ON e.id = f.entity_id
                GROUP BY {_ENTITY_COLUMNS} ORDER BY SUM(f.mentions) DESC, e.id LIMIT ? OFFSET ?""",
            (NO_LIMIT if limit is None else limit, offset),
        )

    def _summaries(
        self, sql: str, params: Sequence[object], story_id: int | None = None
    ) -> list[EntitySummary]:
        """Entity rows with (mentions, stories) from ``sql``, and the articles naming each (within
        ``story_id`` when given)."""
        rows = self._db.query(sql, params)
        articles = self._article_counts([int(r[0]) for r in rows], story_id)
        return [
            EntitySummary(_entity(self._db, r[:6]), int(r[6]), articles.get(int(r[0]), 0), int(r[7]))
            for r in rows
        ]

    def count(self) -> int:
        row = self._db.query_one("SELECT COUNT(DISTINCT entity_id) FROM story_entity_forms")
        return int(row[0]) if row else 0

    def _article_counts(self, entity_ids: Sequence[int], story_id: int | None = None) -> dict[int, int]:
        counts: dict[int, int] = {}
        within = "" if story_id is None else "AND sa.story_id = ?"
        for chunk in in_chunks(entity_ids):
            rows = self._db.query(
                f"""SELECT f.entity_id, COUNT(DISTINCT m.article_id) {_MENTION_ENTITY}
                    WHERE f.entity_id IN ({marks(len(chunk))}) {within} GROUP BY f.entity_id""",
                [*chunk, *([] if story_id is None else [story_id])],
            )
            counts.update({int(e): int(n) for e, n in rows})
        return counts

    def summary(self, entity_id: int) -> EntitySummary | None:
        entity = self.get(entity_id)
        if entity is None:
            return None
        row = self._db.query_one(
            """SELECT COALESCE(SUM(mentions), 0), COUNT(DISTINCT story_id) FROM story_entity_forms
               WHERE entity_id = ?""",
            (entity.id,),
        )
        mentions, stories = (int(row[0]), int(row[1])) if row else (0, 0)
        return EntitySummary(entity, mentions, self._article_counts([entity.id]).get(entity.id, 0), stories)

    def named_first_since(self, since: datetime, story_id: int | None = None) -> list[EntitySummary]:
        """Entities first named (in the story, or anywhere) by an article stored at or after
        ``since``, the most mentioned first."""
        within = "" if story_id is None else "WHERE sa.story_id = ?"
        rows = self._db.query(
            f"""SELECT f.entity_id {_MENTION_ENTITY} JOIN articles a ON a.id = m.article_id {within}
                GROUP BY f.entity_id HAVING MIN(a.created_at) >= ?""",
            [*([] if story_id is None else [story_id]), self._db.time(since)],
        )
        found = {int(r[0]) for r in rows}
        if story_id is not None:
            return [e for e in self.story_entities(story_id) if e.entity.id in found]
        summaries = [self.summary(entity_id) for entity_id in sorted(found)]
        ranked = sorted((s for s in summaries if s is not None), key=lambda s: (-s.mentions, s.entity.id))
        return ranked

    def mentions_of(self, entity_id: int) -> list[MentionRow]:
        """Every mention of the entity, in the order its articles were published (undated last),
        then by article and offset."""
        rows = self._db.query(
            f"""SELECT m.article_id, a.external_id, a.published_utc,
                       m.sentence, m.start, m.end_, m.text, m.type, m.norm, m.key {_MENTION_ENTITY}
                JOIN articles a ON a.id = m.article_id
                WHERE f.entity_id = ? ORDER BY a.published_utc NULLS LAST, m.article_id, m.start""",
            (entity_id,),
        )
        return [MentionRow(r[0], r[1], self._db.read_time_or_none(r[2]), _mention(r[3:])) for r in rows]

    def story_counts(self, entity_id: int) -> list[tuple[int, int]]:
        """(story id, mentions) of every story naming the entity, the most mentioned first."""
        rows = self._db.query(
            """SELECT story_id, SUM(mentions) FROM story_entity_forms WHERE entity_id = ?
               GROUP BY story_id ORDER BY SUM(mentions) DESC, story_id""",
            (entity_id,),
        )
        return [(int(s), int(n)) for s, n in rows]

    def aliases_of(self, entity_id: int) -> list[str]:
        """The normalised names that find the entity across the store, sorted."""
        rows = self._db.query(
            "SELECT DISTINCT alias FROM entity_aliases WHERE entity_id = ? ORDER BY alias", (entity_id,)
        )
        return [str(r[0]) for r in rows]


def _mention(r: Row) -> Mention:
    return Mention(int(r[0]), int(r[1]), int(r[2]), str(r[3]), EntityType(r[4]), str(r[5]), str(r[6]))


def _entity(db: Database, r: Row) -> EntityRow:
    return EntityRow(int(r[0]), EntityType(r[1]), str(r[2]), str(r[3]), bool(r[4]), db.read_time(r[5]))
