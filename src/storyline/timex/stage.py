"""The time-expression stage: every new article's time expressions, found, resolved and stored.

``prepare`` tags the batch outside the store's write lock (it needs the articles alone: their text,
sentences, language and published time); ``commit`` stores what it found under the articles' ids,
and marks them tagged, so that an article with no expression is not tagged again and a store
written before this stage existed is tagged on its next run (``pending``).
"""

from __future__ import annotations

from collections.abc import Sequence

from storyline.models import Article, NewArticle, StoryEvent, TimeExpression
from storyline.stage import BatchContext
from storyline.store import Store
from storyline.timex.recognise import tag


class TimexStage:
    """Tags each new article's time expressions (see the module docstring)."""

    name = "time expressions"

    def prepare(self, articles: Sequence[Article], store: Store) -> list[list[TimeExpression]]:
        return [
            tag(article.text, article.sentences, article.language.value, article.published.value)
            for article in articles
        ]

    def begin(self, store: Store) -> None:
        """Nothing is held in memory between batches: nothing to catch up with."""

    def commit(self, items: Sequence[tuple[NewArticle, list[TimeExpression]]], context: BatchContext) -> None:
        context.store.time_expressions.record(
            [(article.id, expressions) for article, expressions in items], context.now
        )

    def follow(self, events: Sequence[StoryEvent], context: BatchContext) -> None:
        """Nothing moves: expressions belong to their article, whatever story it is in, and a
        story's expressions are read through the story's current articles. A merge or a split
        changes which articles a story has, and so which expressions it shows, with no copy here
        to keep in step."""

    def rollback(self) -> None:
        """Nothing is held in memory: the store's rollback undoes everything this stage wrote."""

    def pending(self, store: Store) -> list[int]:
        return store.time_expressions.untagged_article_ids()
