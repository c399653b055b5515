"""The entity stage: the people, organisations and places of every new article, resolved per story
and across the store, with the user's alias choices applied on every resolution.

``prepare`` tags the batch (outside the write lock) and resolves each report's names
(``resolution.resolve_report``); ``commit`` stores the mentions and resolves the stories they
joined. A story is resolved as a whole from its stored names (``resolution.resolve_story``), so
``follow`` keeps a story's entity list right after a merge (the survivor is resolved again, the
absorbed story's resolution dropped) or a split (both parts are resolved again) without touching a
mention.

Across the store, a story's entity finds the store-wide entity through its keys (a full name, an
organisation's name and acronym, a place's normalised name): the first story to name 'Department of
Homeland Security (DHS)' makes the entity, and a later story that only says 'DHS' finds it. When a
story's names reach two store-wide entities, the two are merged (the older id stays).

The user's alias edits win over the rules: an added alias names its entity wherever it occurs; a
split alias never names the entity again (it becomes one of its own); a rename is kept (its name is
never replaced by a rule). They are stored, so every later ingest, merge, split and backfill
applies them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from storyline.entities import names
from storyline.entities.resolution import StoryEntity, resolve_report, resolve_story
from storyline.entities.tagger import NameTagger, TaggedName, sentence_of, with_known_names
from storyline.models import (
    Article,
    ArticleAssigned,
    EntityType,
    Mention,
    NewArticle,
    StoriesMerged,
    StoryEvent,
    StorySplitInTwo,
)
from storyline.stage import BatchContext
from storyline.store import Store
from storyline.store.records import AliasAction, EntityRow

# Languages the English tagger is run on; an article whose language is unknown is tried too.
LANGUAGES = ("en",)


@dataclass(frozen=True, slots=True)
class Tagged:
    """What ``prepare`` found in an article: its names, if it is in a language the tagger reads."""

    english: bool
    names: list[TaggedName]


class EntityNotFound(LookupError):
    """No entity is known by that name."""


@dataclass
class AliasRules:
    """The user's alias edits as resolution applies them: the last edit of an alias wins."""

    added: dict[str, int] = field(default_factory=dict)  # norm → the entity it names
    split: set[tuple[str, int]] = field(default_factory=set)  # (norm, entity) it never names

    @classmethod
    def of(cls, store: Store) -> AliasRules:
        rules = cls()
        for edit in store.entities.edits():
            if edit.action is AliasAction.ADD:
                rules.added[edit.alias] = edit.entity_id
                rules.split.discard((edit.alias, edit.entity_id))
            elif edit.action is AliasAction.SPLIT:
                rules.split.add((edit.alias, edit.entity_id))
                if rules.added.get(edit.alias) == edit.entity_id:
                    del rules.added[edit.alias]
        return rules


class EntityStage:
    """Tags, stores and resolves the names of stored articles (see the module docstring)."""

    name = "entities"

    def __init__(self, tagger: NameTagger | None = None) -> None:
        self._tagger = tagger or NameTagger()
        self._rules: AliasRules | None = None  # loaded once per transaction
        self._resolved: set[int] = set()  # stories resolved by this transaction's commit
        # Entities merged by this transaction: absorbed → survivor. The store follows merges; ids
        # held in memory (a story's rows being built, the alias rules) are followed through this.
        self._merged: dict[int, int] = {}

    def warm_up(self) -> None:
        self._tagger.warm_up()

    # -- the stage protocol ---------------------------------------------------------------------
    def prepare(self, articles: Sequence[Article], store: Store) -> list[Tagged]:
        tagged_positions = [i for i, a in enumerate(articles) if _taggable(a)]
        found = self._tagger.tag([articles[i].text for i in tagged_positions])
        out = [Tagged(False, []) for _ in articles]
        for i, tagged in zip(tagged_positions, found, strict=True):
            out[i] = Tagged(True, tagged)
        return out

    def begin(self, store: Store) -> None:
        self._rules = None
        self._resolved = set()
        self._merged = {}

    def commit(self, items: Sequence[tuple[NewArticle, Tagged]], context: BatchContext) -> None:
        """Each report's names, with those its story already knows found again in its text, are
        resolved within the report and stored; then the stories they joined are resolved."""
        store = context.store
        story_of = store.stories.story_ids([article.id for article, _ in items])
        known: dict[int, dict[str, EntityType]] = {}
        for article, tagged in items:
            story_id = story_of.get(article.id)
            names_found = tagged.names
            if tagged.english and story_id is not None:
                if story_id not in known:
                    known[story_id] = store.entities.story_names(story_id)
                story_names = known[story_id]
                names_found = with_known_names(article.article.text, names_found, story_names)
                for name in tagged.names:  # the next report of the story in this batch knows them
                    story_names.setdefault(name.text, name.type)
            store.entities.add_mentions(
                article.id, _mentions(article.article, names_found), self._tagger.model_name, context.now
            )
        stories = sorted(set(story_of.values()))
        self.resolve_stories(store, stories, context.now)
        self._resolved.update(stories)

    def follow(self, events: Sequence[StoryEvent], context: BatchContext) -> None:
        store = context.store
        touched: set[int] = set()
        for event in events:
            if isinstance(event, ArticleAssigned):
                touched.add(event.story_id)
            elif isinstance(event, StoriesMerged):
                store.entities.delete_story_forms(event.absorbed)
                touched.discard(event.absorbed)
                touched.add(event.into)
            elif isinstance(event, StorySplitInTwo):
                touched.update((event.story_id, event.new_story_id))
        # This transaction's commit resolved its stories after every story change was stored:
        # what is left are stories it had no article in (a merge's survivor, a split's other part).
        self.resolve_stories(store, sorted(touched - self._resolved), context.now)

    def rollback(self) -> None:
        self._rules = None
        self._resolved = set()
        self._merged = {}

    def pending(self, store: Store) -> list[int]:
        return store.entities.untagged_article_ids()

    # -- resolution ------------------------------------------------------------------------------
    def resolve_stories(self, store: Store, story_ids: Iterable[int], now: datetime) -> None:
        """Resolve each story's names to store-wide entities again, from its stored mentions."""
        if self._rules is None:
            self._rules = AliasRules.of(store)
        for story_id in story_ids:
            self._resolve_story(store, story_id, self._rules, now)

    def _resolve_story(self, store: Store, story_id: int, rules: AliasRules, now: datetime) -> None:
        forms = store.entities.story_forms(story_id)
        if not forms:
            store.entities.delete_story_forms(story_id)
            return
        groups = resolve_story(forms)
        wanted = {(g.type, k) for g in groups for k in g.keys} | {
            (g.type, f.norm) for g in groups for f in g.forms
        }
        found = store.entities.lookup(wanted)
        rows: list[tuple[EntityType, str, str, int, int]] = []
        for group in groups:
            entity_id = self._entity_for(store, group, found, rules, now)
            for form in group.forms:
                target = rules.added.get(form.norm)
                if target is None and (form.norm, entity_id) in rules.split:
                    target = self._own_entity(store, group.type, form.norm, form.surface, found, now)
                rows.append((form.type, form.norm, form.key, target or entity_id, form.mentions))
        store.entities.replace_story_forms(
            story_id, [(kind, norm, key, self._survivor(e), n) for kind, norm, key, e, n in rows]
        )

    def _survivor(self, entity_id: int) -> int:
        while entity_id in self._merged:
            entity_id = self._merged[entity_id]
        return entity_id

    def _entity_for(
        self,
        store: Store,
        group: StoryEntity,
        found: dict[tuple[EntityType, str], int],
        rules: AliasRules,
        now: datetime,
    ) -> int:
        """The store-wide entity of one of a story's entities: found by its keys (merging two it
        reaches, unless the user split them), else new; its keys become its aliases."""
        hits = {key: found[group.type, key] for key in group.keys if (group.type, key) in found}
        if not hits:
            entity_id = store.entities.create(group.type, group.key, group.name, now)
        else:
            entity_id = hits.get(group.key) or min(hits.values())
            for key, other in sorted(hits.items()):
                if other != entity_id and (key, entity_id) not in rules.split:
                    store.entities.merge(other, entity_id)
                    self._merged[other] = entity_id
                    for known, value in list(found.items()):
                        if value == other:
                            found[known] = entity_id
            if group.key not in hits and not names.is_acronym(group.name):
                self._prefer_spelled_out(store, entity_id, group.name)
        new_keys = [
            (group.type, key, entity_id)
            for key in sorted(group.keys)
            if (group.type, key) not in found and (key, entity_id) not in rules.split
        ]
        store.entities.add_aliases(new_keys)
        found.update({(t, k): e for t, k, e in new_keys})
        return entity_id

    @staticmethod
    def _prefer_spelled_out(store: Store, entity_id: int, name: str) -> None:
        """An entity first known by an acronym takes the spelled-out name once a story gives it
        (unless a user named it)."""
        entity = store.entities.get(entity_id)
        if entity and not entity.named_by_user and names.is_acronym(entity.name):
            store.entities.rename(entity_id, name, by_user=False)

    @staticmethod
    def _own_entity(
        store: Store,
        kind: EntityType,
        norm: str,
        surface: str,
        found: dict[tuple[EntityType, str], int],
        now: datetime,
    ) -> int:
        """The entity a name the user split off its entity names: its own, made once."""
        if (kind, norm) not in found:
            entity_id = store.entities.create(kind, norm, surface, now)
            store.entities.add_aliases([(kind, norm, entity_id)])
            found[kind, norm] = entity_id
        return found[kind, norm]

    # -- the user's alias edits -------------------------------------------------------------------
    def find(self, store: Store, name: str) -> EntityRow:
        """The entity known by ``name`` (any of its aliases, or its shown name), the most mentioned
        when several are; ``EntityNotFound`` when none is."""
        keys = {names.normalise(name, kind) for kind in EntityType if names.words(name)}
        for key in sorted(keys):
            for entity_id in store.entities.find(key, name):
                entity = store.entities.get(entity_id)
                if entity is not None:
                    return entity
        raise EntityNotFound(f"no entity is known as {name!r}")

    def add_alias(self, store: Store, name: str, alias: str, now: datetime) -> int:
        """``alias`` names the entity known as ``name`` from now on, in every story; its id."""
        with store.write():
            entity = self.find(store, name)
            key = _alias_key(alias, entity.type)
            store.entities.add_edit(AliasAction.ADD, entity.type, key, entity.id, alias, now)
            store.entities.point_alias(entity.type, key, entity.id)
            self._after_edit(store, key, entity.id, now)
            return entity.id

    def split_alias(self, store: Store, name: str, alias: str, now: datetime) -> int:
        """``alias`` no longer names the entity known as ``name``: it becomes an entity of its own,
        whose id is returned."""
        with store.write():
            entity = self.find(store, name)
            key = _alias_key(alias, entity.type)
            if key == entity.key:
                raise ValueError(f"{alias!r} is the entity's own name: rename the entity instead")
            store.entities.add_edit(AliasAction.SPLIT, entity.type, key, entity.id, alias, now)
            store.entities.remove_alias(entity.type, key, entity.id)
            self._after_edit(store, key, entity.id, now)
            own = store.entities.lookup([(entity.type, key)]).get((entity.type, key))
            return own if own is not None else store.entities.create(entity.type, key, alias, now)

    def rename_entity(self, store: Store, name: str, new_name: str, now: datetime) -> int:
        """Show the entity known as ``name`` as ``new_name`` (which finds it from now on too)."""
        with store.write():
            entity = self.find(store, name)
            key = _alias_key(new_name, entity.type)
            others = [e for e in store.entities.find(key, new_name.strip()) if e != entity.id]
            if others:
                raise ValueError(
                    f"{new_name!r} names another entity (#{others[0]}): add it as an alias to merge"
                )
            store.entities.rename(entity.id, new_name.strip(), by_user=True)
            store.entities.add_edit(AliasAction.RENAME, entity.type, key, entity.id, new_name, now)
            store.entities.add_aliases([(entity.type, key, entity.id)])
            return entity.id

    def _after_edit(self, store: Store, key: str, entity_id: int, now: datetime) -> None:
        self._rules = AliasRules.of(store)
        self._merged = {}
        self.resolve_stories(store, store.entities.stories_naming(key, entity_id), now)
        self._rules = None


def _alias_key(alias: str, kind: EntityType) -> str:
    if not names.words(alias):
        raise ValueError(f"{alias!r} is not a name")
    return names.normalise(alias, kind)


def _mentions(article: Article, tagged: Sequence[TaggedName]) -> list[Mention]:
    starts = [s.start for s in article.sentences]
    return resolve_report(tagged, [sentence_of(article.sentences, starts, t.start) for t in tagged])


def _taggable(article: Article) -> bool:
    language = article.language.value
    return language is None or language.split("-")[0].lower() in LANGUAGES
