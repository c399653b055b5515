"""The story stage: every new article joins a story the moment it is stored.

It embeds the batch outside the store's write lock, then, inside it, runs the online clusterer
(``storyline.stories.clusterer``), stores what it decided (assignments, merges with their redirects,
splits with their lineage, each touched story's label and counts) together with the clusterer's
state, and publishes the decisions as story events for the stages that follow stories.

One writer at a time holds the clusterer: before deciding anything, ``begin`` compares the stored
state's version with the one this process holds, and reloads when another process has moved the
stories on since.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from storyline.clock import as_utc
from storyline.models import (
    Article,
    ArticleAssigned,
    NewArticle,
    StoriesMerged,
    StoryEvent,
    StorySplitInTwo,
)
from storyline.stage import BatchContext
from storyline.store import Store
from storyline.store.records import (
    ClustererState,
    CorrectionAction,
    StateVersion,
    StoryMergeRow,
    StorySplitRow,
)
from storyline.stories.clusterer import StoryClusterer
from storyline.stories.embeddings import Embedder, embedder_named
from storyline.stories.labels import telling_terms
from storyline.stories.params import StoryParams
from storyline.stories.records import StoryChange, StoryConstraints, StoryInput, StoryMerge
from storyline.stories.similar import SimilarStories
from storyline.stories.state import state_embedder_name

T = TypeVar("T")
KEY_TERMS = 8  # shown with a story's label


class StoryStage:
    """Assigns stored articles to stories online and keeps the store in step with the clusterer.

    ``embedder`` None uses the one the store's stories were built with, or ``default_embedder``
    (a name, see ``embedder_named``) for a store with no stories yet. ``params`` None uses the
    shipped parameters.
    """

    name = "stories"

    def __init__(
        self,
        params: StoryParams | None = None,
        embedder: Embedder | None = None,
        *,
        default_embedder: str = "minilm",
    ) -> None:
        self._params = params
        self._embedder = embedder
        self._default_embedder = default_embedder
        self._clusterer: StoryClusterer | None = None
        self._version: StateVersion | None = None  # the stored state the clusterer in memory is at
        # Bytes of the stored full state and of the change records since; None: nothing stored.
        self._state_size: tuple[int, int] | None = None
        self._similar = SimilarStories(lambda: self._params or StoryParams.load(), self._embedder_for)

    # -- the stage protocol ---------------------------------------------------------------------
    def prepare(self, articles: Sequence[Article], store: Store) -> list[NDArray[np.float32]]:
        clusterer = self.clusterer(store)
        vectors = clusterer.embed([StoryInput.from_article(0, article, None) for article in articles])
        return list(vectors)

    def begin(self, store: Store) -> None:
        if self._clusterer is not None and store.clusterer_state.version() != self._version:
            self._forget()  # another process assigned articles since: decide on the stored state

    def commit(self, items: Sequence[tuple[NewArticle, NDArray[np.float32]]], context: BatchContext) -> None:
        if not items:
            return
        store = context.store
        clusterer = self.clusterer(store)
        ordered = in_time_order(items, lambda item: item[0].article.published.value)
        moved = store.curation.moved_articles()
        inputs = [
            StoryInput.from_article(new.id, new.article, _joins(store, new, moved)) for new, _ in ordered
        ]
        assignments, changes = clusterer.add(inputs, np.stack([vector for _, vector in ordered]))
        store.stories.assign([(a.article_id, a.story_id, a.score) for a in assignments])
        events: list[StoryEvent] = [
            ArticleAssigned(a.article_id, a.story_id, a.score, a.created) for a in assignments
        ]
        touched = {a.story_id for a in assignments}
        events += self._store_changes(store, changes, touched, context.now)
        self._refresh(store, clusterer, touched, context.now)
        self._save_state(store, clusterer, context.now)
        context.publish(events)

    def _store_changes(
        self, store: Store, changes: Sequence[StoryChange], touched: set[int], now: datetime
    ) -> list[StoryEvent]:
        """Store merges and splits and tell them as story events; ``touched`` gains the stories
        whose rows need refreshing, and loses the absorbed ones.

        Replayed in the order they happened, merges and splits over the assignments leave every
        article in the story the clusterer now holds it in."""
        events: list[StoryEvent] = []
        for change in changes:
            if isinstance(change, StoryMerge):
                store.stories.record_merge(
                    StoryMergeRow(change.absorbed, change.into, now, change.score, change.reason)
                )
                events.append(StoriesMerged(change.absorbed, change.into, change.score, change.reason))
                touched.discard(change.absorbed)
                touched.add(change.into)
            else:
                row = StorySplitRow(
                    change.story_id,
                    change.new_story_id,
                    now,
                    change.score,
                    change.reason,
                    len(change.article_ids),
                )
                store.stories.record_split(row, change.article_ids)
                events.append(
                    StorySplitInTwo(
                        change.story_id, change.new_story_id, change.article_ids, change.score, change.reason
                    )
                )
                touched.update((change.story_id, change.new_story_id))
        return events

    @staticmethod
    def _refresh(store: Store, clusterer: StoryClusterer, touched: set[int], now: datetime) -> None:
        for story_id in sorted(touched):
            # More terms than shown: a foreign story's function words are dropped before the cut.
            label = clusterer.label(story_id, n_terms=3 * KEY_TERMS)
            languages = store.stories.languages(story_id)
            key_terms = telling_terms(label.key_terms, languages, KEY_TERMS)
            store.stories.refresh(story_id, label.headline, key_terms, now)

    # -- editors' corrections --------------------------------------------------------------------
    def merge(self, context: BatchContext, story_id: int, other_id: int, by: str, why: str) -> int:
        """An editor's merge of two stories (see ``StoryClusterer.merge``); the surviving id. The
        machine never splits the result."""
        clusterer = self.clusterer(context.store)
        merge = clusterer.merge(story_id, other_id, _reason("merged", by, why))
        self._corrected(context, clusterer, merge, by, why)
        return merge.into

    def move_out(
        self, context: BatchContext, story_id: int, article_ids: Sequence[int], by: str, why: str
    ) -> int:
        """An editor's move of ``article_ids`` out of story ``story_id`` into a story of their own
        (see ``StoryClusterer.move_out``); the new story's id. The two are never merged again, and
        the machine splits neither."""
        clusterer = self.clusterer(context.store)
        stored = context.store.articles.get_many(sorted(set(article_ids)))
        items = [StoryInput.from_article(s.id, s.article, s.duplicate_of) for s in stored]
        split = clusterer.move_out(story_id, items, clusterer.embed(items), _reason("moved", by, why))
        self._corrected(context, clusterer, split, by, why)
        return split.new_story_id

    def _corrected(
        self, context: BatchContext, clusterer: StoryClusterer, change: StoryChange, by: str, why: str
    ) -> None:
        """Log an editor's merge or move with the constraints it leaves, store and tell what it
        changed, and hand the clusterer the constraints it respects from now on."""
        store, now = context.store, context.now
        if isinstance(change, StoryMerge):
            into, absorbed = change.into, change.absorbed
            store.curation.record(
                CorrectionAction.MERGE, now, by, why, story_id=into, other_story_id=absorbed
            )
            store.curation.settle([into])
        else:
            left, new = change.story_id, change.new_story_id
            store.curation.record(
                CorrectionAction.MOVE,
                now,
                by,
                why,
                story_id=left,
                other_story_id=new,
                article_ids=change.article_ids,
            )
            store.curation.keep_apart(left, new)
            store.curation.settle([left, new])
        touched: set[int] = set()
        events = self._store_changes(store, [change], touched, now)
        self._refresh(store, clusterer, touched, now)
        clusterer.constraints = _constraints(store)
        self._save_state(store, clusterer, now)
        context.publish(events)

    def follow(self, events: Sequence[StoryEvent], context: BatchContext) -> None:
        """The stage's own decisions are already stored; no other stage moves stories."""

    def rollback(self) -> None:
        self._forget()

    def pending(self, store: Store) -> list[int]:
        return store.stories.unassigned_article_ids()

    # -- the clusterer and its stored state ------------------------------------------------------
    def clusterer(self, store: Store) -> StoryClusterer:
        """The clusterer as the store last saved it (loaded once, then kept in step)."""
        if self._clusterer is None:
            state = store.clusterer_state.load()
            embedder = self._embedder_for(state)
            self._clusterer = (
                StoryClusterer(self._params, embedder)
                if state is None
                else StoryClusterer.load_state(state.full, self._params, embedder, changes=state.changes)
            )
            self._clusterer.constraints = _constraints(store)
            self._version = state.version if state else None
            self._state_size = state.size if state else None
        return self._clusterer

    def similar_stories(self, store: Store, text: str, limit: int) -> list[tuple[int, float]]:
        """(story id, cosine) of the live stories whose centroids are closest to ``text``'s
        embedding, closest first: semantic search with the vectors the clusterer keeps, as the
        store last saved them (see ``storyline.stories.similar``)."""
        return self._similar.find(store, text, limit)

    def _embedder_for(self, state: ClustererState | None) -> Embedder:
        if self._embedder is None:
            name = state_embedder_name(state.full) if state is not None else self._default_embedder
            self._embedder = embedder_named(name)
        return self._embedder

    def _forget(self) -> None:
        self._clusterer = None
        self._version = None
        self._state_size = None

    def _save_state(self, store: Store, clusterer: StoryClusterer, now: datetime) -> None:
        """Save what this batch changed, or the whole state once the change records together
        outgrow the last full one: a batch then costs what it touched, amortised, instead of the
        whole corpus, and a load reads at most about twice the full state. Called inside the batch's
        transaction, so the state never gets out of step with the assignments it belongs to."""
        if self._state_size is None or self._state_size[1] >= self._state_size[0]:
            data = clusterer.dump_state()
            self._version = store.clusterer_state.save_full(data, now)
            self._state_size = (len(data), 0)
        else:
            data = clusterer.dump_changes()
            self._version = store.clusterer_state.append_changes(data, now)
            self._state_size = (self._state_size[0], self._state_size[1] + len(data))


def _joins(store: Store, new: NewArticle, moved: set[int]) -> int | None:
    """The earlier article ``new`` must join the story of: its duplicate group's canonical one or,
    for a new version of an article an editor moved, that article, so an edit of the text does not
    undo the move."""
    if new.duplicate_of is not None or not moved:
        return new.duplicate_of
    earlier = [v for v in store.articles.versions(new.id) if v != new.id and v in moved]
    return earlier[-1] if earlier else None


def _constraints(store: Store) -> StoryConstraints:
    return StoryConstraints(frozenset(store.curation.kept_apart()), frozenset(store.curation.settled()))


def _reason(done: str, by: str, why: str) -> str:
    """A correction's reason in the story's lineage: 'merged by alice: same flood'."""
    return f"{done} by {by}" + (f": {why}" if why else "")


def in_time_order(items: Sequence[T], published: Callable[[T], datetime | date | None]) -> list[T]:
    """Order a batch by published time where known; an undated item keeps its place after the
    dated one that arrived before it, so arrival order still decides among undated items.

    This is the order the clusterer sees a batch in (``bench/fit_stories.py`` fits it too)."""
    keyed: list[tuple[float, int, T]] = []
    last = float("-inf")
    for position, item in enumerate(items):
        value = published(item)
        if value is not None:
            last = as_utc(value).timestamp()
        keyed.append((last, position, item))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [item for _, _, item in keyed]
