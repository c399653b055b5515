"""The entity repository's contract on every backend: mentions in and out, a story's resolution
as the reads see it, entity merges that keep old ids resolving, aliases and user edits."""

from __future__ import annotations

from storyline.models import EntityType, Mention
from storyline.store import Store
from storyline.store.records import AliasAction
from tests.store.helpers import NOW, add_articles

PERSON, ORG = EntityType.PERSON, EntityType.ORG


def mention(start: int, text: str, kind: EntityType, norm: str, key: str | None = None) -> Mention:
    return Mention(0, start, start + len(text), text, kind, norm, key or norm)


def stored_story(store: Store) -> tuple[list[int], int, int]:
    """Two articles in story 7 naming one person and one organisation; (ids, person, org)."""
    ids = add_articles(store, 3, hours_apart=1)
    with store.write():
        store.stories.assign([(ids[0], 7, 1.0), (ids[1], 7, 1.0), (ids[2], 8, 1.0)])
        store.entities.add_mentions(
            ids[0],
            [
                mention(0, "Elena Brask", PERSON, "elena brask"),
                mention(20, "Brask", PERSON, "brask", "elena brask"),
            ],
            "model",
            NOW,
        )
        store.entities.add_mentions(
            ids[1], [mention(5, "Valdorian Red Cross", ORG, "valdorian red cross")], "m", NOW
        )
        person = store.entities.create(PERSON, "elena brask", "Elena Brask", NOW)
        org = store.entities.create(ORG, "valdorian red cross", "Valdorian Red Cross", NOW)
        store.entities.add_aliases(
            [(PERSON, "elena brask", person), (ORG, "valdorian red cross", org), (ORG, "vrc", org)]
        )
        store.entities.replace_story_forms(
            7,
            [
                (PERSON, "elena brask", "elena brask", person, 1),
                (PERSON, "brask", "elena brask", person, 1),
                (ORG, "valdorian red cross", "valdorian red cross", org, 1),
            ],
        )
    return ids, person, org


def test_mentions_come_back_with_their_entities_and_untagged_articles_are_pending(store: Store) -> None:
    ids, person, _ = stored_story(store)
    found = store.entities.article_entities(ids[0])
    assert [(m.text, m.start, m.end, m.key, e) for m, e in found] == [
        ("Elena Brask", 0, 11, "elena brask", person),
        ("Brask", 20, 25, "elena brask", person),
    ]
    assert store.entities.untagged_article_ids() == [ids[2]]
    with store.write():
        store.entities.add_mentions(ids[2], [], "model", NOW)  # tagged, no names: not pending
    assert store.entities.untagged_article_ids() == []


def test_a_story_lists_its_entities_with_counts_and_forms(store: Store) -> None:
    _ids, person, org = stored_story(store)
    rows = store.entities.story_entities(7)
    assert [(r.entity.id, r.mentions, r.articles) for r in rows] == [(person, 2, 1), (org, 1, 1)]
    assert store.entities.story_entities(8) == []
    forms = store.entities.story_forms(7)
    assert [(f.norm, f.key, f.mentions, f.surface) for f in forms] == [
        ("valdorian red cross", "valdorian red cross", 1, "Valdorian Red Cross"),
        ("brask", "elena brask", 1, "Brask"),
        ("elena brask", "elena brask", 1, "Elena Brask"),
    ]
    assert store.entities.stories_naming("brask", -1) == [7]
    assert [m.mention.text for m in store.entities.mentions_of(person)] == ["Elena Brask", "Brask"]
    assert store.entities.story_counts(person) == [(7, 2)]


def test_a_merged_entity_keeps_resolving_to_the_one_it_went_into(store: Store) -> None:
    _, person, org = stored_story(store)
    with store.write():
        other = store.entities.create(ORG, "vrc", "VRC", NOW)
        store.entities.merge(other, org)
    entity = store.entities.get(other)
    assert entity is not None and entity.id == org
    assert store.entities.lookup([(ORG, "vrc"), (PERSON, "vrc"), (PERSON, "elena brask")]) == {
        (ORG, "vrc"): org,
        (PERSON, "elena brask"): person,
    }
    assert store.entities.find("vrc", "nothing") == [org]
    assert store.entities.find("brask", "nothing") == [person]  # a story's form finds it too


def test_alias_edits_are_kept_in_order_and_follow_merges(store: Store) -> None:
    _, person, org = stored_story(store)
    with store.write():
        store.entities.add_edit(AliasAction.SPLIT, PERSON, "brask", person, "Brask", NOW)
        store.entities.add_edit(AliasAction.RENAME, ORG, "red cross", org, "Red Cross", NOW)
        store.entities.rename(org, "Red Cross", by_user=True)
        store.entities.remove_alias(ORG, "vrc", org)
    edits = store.entities.edits()
    assert [(e.action, e.alias, e.entity_id, e.name) for e in edits] == [
        (AliasAction.SPLIT, "brask", person, "Brask"),
        (AliasAction.RENAME, "red cross", org, "Red Cross"),
    ]
    renamed = store.entities.get(org)
    assert renamed is not None and renamed.name == "Red Cross" and renamed.named_by_user
    assert store.entities.aliases_of(org) == ["valdorian red cross"]
    with store.write():
        store.entities.merge(person, org)
    assert {e.entity_id for e in store.entities.edits()} == {org}


def test_deleting_a_story_resolution_empties_its_list(store: Store) -> None:
    stored_story(store)
    with store.write():
        store.entities.delete_story_forms(7)
    assert store.entities.story_entities(7) == []
    assert store.entities.count() == 0
