"""What a stage after de-duplication is, and what it is handed while a batch is written.

A batch of new articles passes every ``ArticleStage`` in order, in two phases:

1. ``prepare`` — work on the articles alone (embedding, tagging), outside the store's write lock,
   so that a second writer, or a server reading, is not held up by model inference;
2. ``commit`` — inside the batch's one write transaction, with the ids the articles were stored
   under: the stage decides what needs the store (which story an article joins) and writes its own
   tables.

A stage may publish story changes (an article assigned, two stories merged, one split); after every
stage has committed, each other stage ``follow``s them, so what it derived per story moves with the
articles without the Tracker knowing what that is. A stage that keeps state in memory
(the clusterer, an index) catches up with other writers in ``begin`` and forgets what a failed
transaction did in ``rollback``.

The pipeline (``storyline.pipeline``) isolates failures per stage and per article: an exception
becomes a warning on the articles concerned, and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from storyline.models import Article, NewArticle, StoryEvent
from storyline.store import Store

Prepared = TypeVar("Prepared")


class BatchContext(Protocol):
    """What a stage may use while a batch is being written."""

    @property
    def store(self) -> Store: ...

    @property
    def now(self) -> datetime: ...

    def warn(self, article_id: int, message: str) -> None:
        """Keep a one-line warning on the article (stored with it and reported by the run)."""

    def publish(self, events: Sequence[StoryEvent]) -> None:
        """Tell the other stages about story changes, in the order they happened."""


class ArticleStage(Protocol[Prepared]):
    """A stage that derives something from each new article (see the module docstring)."""

    @property
    def name(self) -> str:
        """Names the stage in warnings: 'stories: could not prepare (…)'."""

    def prepare(self, articles: Sequence[Article], store: Store) -> list[Prepared]:
        """One prepared item per article, in order. It may read the store (to load a model the
        store was built with), but writes nothing and decides nothing."""

    def begin(self, store: Store) -> None:
        """At the start of a write transaction: catch up with what other writers stored."""

    def commit(self, items: Sequence[tuple[NewArticle, Prepared]], context: BatchContext) -> None:
        """Inside the write transaction: decide and store what needs the articles' ids."""

    def follow(self, events: Sequence[StoryEvent], context: BatchContext) -> None:
        """Story changes another stage published in this batch; called after every commit."""

    def rollback(self) -> None:
        """The transaction (or this stage's part of it) was rolled back: forget in-memory changes."""

    def pending(self, store: Store) -> list[int]:
        """Stored articles this stage has not processed yet (stored while it was off, or left by a
        failure), oldest first; the pipeline runs them through before new input."""
