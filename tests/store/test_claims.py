"""The claim repository on both backends: claims per article with their slots and vectors, which
articles were read, groups per story (added to, replaced, forgotten) and the brief's history."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from storyline.models import Claim, ClaimKind
from storyline.store import Store

from .helpers import NOW, add_articles

RELEASED = Claim(
    sentence=0,
    start=0,
    end=40,
    text="Guan Heng was released after five months.",
    kind=ClaimKind.STATEMENT,
    numbers=("5 month",),
    dates=("2026-02-03",),
    entities=("PERSON:guan heng",),
    states=("released",),
    attribution="Reuters",
)
QUOTE = Claim(
    sentence=1,
    start=41,
    end=80,
    text='"We\'re really happy," said Zhou Fengsuo.',
    kind=ClaimKind.QUOTE,
    speaker="zhou fengsuo",
    quote="We're really happy,",
    negated=True,
)


def vectors(count: int) -> NDArray[np.float32]:
    rows = np.random.default_rng(0).normal(size=(count, 8)).astype(np.float32)
    norms: NDArray[np.float32] = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / norms


def test_claims_come_back_whole_with_their_credit_and_vectors_once_set(store: Store) -> None:
    first, second = add_articles(store, 2)
    assert store.claims.unread_article_ids() == [first, second]
    with store.write():
        store.claims.record([(first, [RELEASED, QUOTE], "agencies"), (second, [], None)], NOW)
    assert store.claims.unread_article_ids() == []
    stored = store.claims.for_articles([first, second])
    assert [(s.article_id, s.index, s.claim, s.group, s.vector.size) for s in stored] == [
        (first, 0, RELEASED, None, 0),
        (first, 1, QUOTE, None, 0),
    ]
    assert store.claims.credits([first, second, 999]) == {first: "agencies", second: None}
    with store.write():
        store.claims.set_vectors([(first, index, vector) for index, vector in enumerate(vectors(2))])
    stored = store.claims.for_articles([first])
    np.testing.assert_array_equal(np.stack([s.vector for s in stored]), vectors(2))


def test_reading_an_article_again_replaces_its_claims(store: Store) -> None:
    (first,) = add_articles(store, 1)
    with store.write():
        store.claims.record([(first, [RELEASED, QUOTE], None)], NOW)
        store.claims.record([(first, [QUOTE], "Reuters")], NOW + timedelta(hours=1))
    assert [s.claim for s in store.claims.for_articles([first])] == [QUOTE]
    assert store.claims.credits([first]) == {first: "Reuters"}


def test_groups_belong_to_a_story_and_are_added_replaced_and_forgotten(store: Store) -> None:
    first, second = add_articles(store, 2)
    with store.write():
        store.stories.assign([(first, 1, 1.0), (second, 1, 1.0)])
        store.claims.record([(first, [RELEASED], None), (second, [RELEASED, QUOTE], None)], NOW)
        store.claims.set_groups(1, [(first, 0, 0), (second, 0, 0)], replace=False)
    assert [(s.article_id, s.index, s.group) for s in store.claims.for_story(1)] == [
        (first, 0, 0),
        (second, 0, 0),
        (second, 1, None),
    ]
    with store.write():
        store.claims.set_groups(1, [(second, 1, 1)], replace=False)
    assert [s.group for s in store.claims.for_story(1)] == [0, 0, 1]
    with store.write():
        store.claims.set_groups(1, [(first, 0, 5)], replace=True)
    assert [s.group for s in store.claims.for_story(1)] == [5, None, None]
    with store.write():
        store.claims.forget_story(1)
    assert [s.group for s in store.claims.for_story(1)] == [None, None, None]


def test_a_storys_brief_history_is_kept_in_order(store: Store) -> None:
    fact = {"text": "Guan Heng was released.", "status": "single-source", "members": ["1:0"]}
    changes = {"gained": [{"text": fact["text"], "status": "single-source"}], "lost": [], "status": []}
    with store.write():
        assert store.claims.add_brief_state(7, NOW, [1], "reports #1", [fact], changes) == 1
        assert (
            store.claims.add_brief_state(7, NOW + timedelta(hours=1), [2, 3], "reports #2, #3", [], {}) == 2
        )
    assert store.claims.last_brief_state(8) is None
    first, second = store.claims.brief_states(7)
    assert (first.version, first.article_ids, first.cause, first.facts, first.changes) == (
        1,
        (1,),
        "reports #1",
        [fact],
        changes,
    )
    assert (second.version, second.made_at, second.article_ids) == (2, NOW + timedelta(hours=1), (2, 3))
    with store.write():
        store.claims.forget_story(7)
    assert store.claims.brief_states(7) == []
