"""The claim stage: every new article's claims, read and stored; its story's claim groups, statuses
and brief brought up to date with it, without recomputing the store.

``commit`` reads each article's claims (their slots need what the earlier stages stored in the
same transaction: the article's names and time expressions) and stores them, lets each new claim
join the group of its story it aligns with (``align.assign_claims``) and records the story's new
brief state with what changed. Claims are embedded (with the story clusterer's embedder, which the
Tracker hands over as ``encode``) only once their story has a second report: a report alone has
nothing to be aligned with, most stories of a stream stay single reports, and embedding every
claim sentence was most of the cost of ingest. ``follow`` regroups a merge's survivor
and both parts of a split as wholes (``align.group_claims``), so claim groups move with the
articles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from storyline.claims.align import DEFAULT_PARAMS, Aligned, AlignParams, assign_claims, group_claims
from storyline.claims.brief import changes, fact_record, make_brief
from storyline.claims.extract import extract_claims
from storyline.claims.story import story_claims
from storyline.models import Article, NewArticle, StoriesMerged, StoryEvent, StorySplitInTwo
from storyline.stage import BatchContext
from storyline.store import Store
from storyline.store.records import StoredClaim

# Sentence vectors for texts, from the embedder the store's stories were built with.
Encoder = Callable[[Sequence[str], Store], NDArray[np.float32]]


class ClaimStage:
    """Reads, stores, groups and compares the claims of stored articles (see the module docstring)."""

    name = "claims"

    def __init__(self, encode: Encoder, params: AlignParams = DEFAULT_PARAMS) -> None:
        self._encode = encode
        self._params = params

    # -- the stage protocol ---------------------------------------------------------------------
    def prepare(self, articles: Sequence[Article], store: Store) -> list[None]:
        """Nothing to do before the ids are known (see the module docstring)."""
        return [None] * len(articles)

    def begin(self, store: Store) -> None:
        """Nothing is kept in memory between transactions: groups are read from the store."""

    def commit(self, items: Sequence[tuple[NewArticle, None]], context: BatchContext) -> None:
        store = context.store
        read = []
        for new, _ in items:
            mentions = [m for m, _ in store.entities.article_entities(new.id)]
            expressions = [e.expression for e in store.time_expressions.for_article(new.id)]
            found = extract_claims(new.article, mentions, expressions)
            read.append((new.id, found.claims, found.credit))
        store.claims.record(read, context.now)
        story_of = store.stories.story_ids([new.id for new, _ in items])
        by_story: dict[int, list[int]] = {}
        for article_id, story_id in story_of.items():
            by_story.setdefault(story_id, []).append(article_id)
        for story_id, article_ids in sorted(by_story.items()):
            claims = self._add_to_groups(store, story_id)
            cause = "reports " + ", ".join(f"#{a}" for a in sorted(article_ids))
            self._record_brief(store, story_id, sorted(article_ids), cause, context.now, claims)

    def follow(self, events: Sequence[StoryEvent], context: BatchContext) -> None:
        store = context.store
        for event in events:
            if isinstance(event, StoriesMerged):
                store.claims.forget_story(event.absorbed)
                self._regroup(store, event.into, f"merged story #{event.absorbed}", (), context.now)
            elif isinstance(event, StorySplitInTwo):
                cause = f"split: story #{event.new_story_id} left #{event.story_id}"
                self._regroup(store, event.story_id, cause, (), context.now)
                self._regroup(store, event.new_story_id, cause, event.article_ids, context.now)

    def rollback(self) -> None:
        """Nothing in memory to forget (see ``begin``)."""

    def pending(self, store: Store) -> list[int]:
        return store.claims.unread_article_ids()

    # -- groups and the brief --------------------------------------------------------------------
    def _add_to_groups(self, store: Store, story_id: int) -> list[StoredClaim]:
        """Give the story's ungrouped claims their groups; the story's claims, grouped. The claims
        of a story with one report stay ungrouped (and unembedded) until a second report joins."""
        claims = store.claims.for_story(story_id)
        if not _several_reports(claims):
            return claims
        claims = self._embedded(store, claims)
        grouped = [c for c in claims if c.group is not None]
        new = [c for c in claims if c.group is None]
        if not new:
            return claims
        labels = assign_claims(
            [_aligned(c) for c in grouped], [c.group for c in grouped if c.group is not None],
            [_aligned(c) for c in new], self._params,
        )  # fmt: skip
        store.claims.set_groups(
            story_id,
            [(c.article_id, c.index, label) for c, label in zip(new, labels, strict=True)],
            replace=False,
        )
        given = {(c.article_id, c.index): label for c, label in zip(new, labels, strict=True)}
        return [replace(c, group=given.get((c.article_id, c.index), c.group)) for c in claims]

    def _regroup(
        self, store: Store, story_id: int, cause: str, article_ids: Sequence[int], now: datetime
    ) -> None:
        claims = store.claims.for_story(story_id)
        if _several_reports(claims):
            claims = self._embedded(store, claims)
            labels: list[int | None] = list(group_claims([_aligned(c) for c in claims], self._params))
        else:
            labels = [None] * len(claims)
        store.claims.set_groups(
            story_id,
            [
                (c.article_id, c.index, label)
                for c, label in zip(claims, labels, strict=True)
                if label is not None
            ],
            replace=True,
        )
        regrouped = [replace(c, group=label) for c, label in zip(claims, labels, strict=True)]
        self._record_brief(store, story_id, article_ids, cause, now, regrouped)

    def _embedded(self, store: Store, claims: list[StoredClaim]) -> list[StoredClaim]:
        """The claims, every one with its vector: those not embedded yet are, and stored so."""
        missing = [c for c in claims if not c.vector.size]
        if not missing:
            return claims
        vectors = self._encode([c.claim.text for c in missing], store)
        store.claims.set_vectors(
            [(c.article_id, c.index, vector) for c, vector in zip(missing, vectors, strict=True)]
        )
        fresh = {(c.article_id, c.index): vector for c, vector in zip(missing, vectors, strict=True)}
        return [replace(c, vector=fresh.get((c.article_id, c.index), c.vector)) for c in claims]

    @staticmethod
    def _record_brief(
        store: Store,
        story_id: int,
        article_ids: Sequence[int],
        cause: str,
        now: datetime,
        claims: list[StoredClaim],
    ) -> None:
        """A new state of the story's brief (from its claims, just grouped), when it differs from
        the last one."""
        story = story_claims(store, story_id, claims, dated=False)
        facts = [fact_record(s) for s in make_brief(story.groups, story.reports)]
        last = store.claims.last_brief_state(story_id)
        changed = changes(last.facts if last else [], facts, story.groups)
        if last is None or any(changed.values()):
            store.claims.add_brief_state(story_id, now, article_ids, cause, facts, changed)


def _several_reports(claims: Sequence[StoredClaim]) -> bool:
    return len({c.article_id for c in claims}) > 1


def _aligned(claim: StoredClaim) -> Aligned:
    return Aligned(claim.article_id, claim.claim, claim.vector)
