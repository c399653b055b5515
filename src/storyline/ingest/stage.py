"""The first stage: each input document becomes an article, or a rejection saying why not."""

from __future__ import annotations

from collections.abc import Sequence

from storyline.clock import Clock
from storyline.ingest.articles import build_article
from storyline.models import Article, Document, Rejection


class ArticleBuilder:
    """Documents → articles: clean text, metadata with provenance, paragraphs and sentences.

    Pure work (no store), run outside the store's write lock. ``now`` comes from the injected
    clock: it bounds implausible publication dates, so a replay of an old crawl can fix it.
    """

    name = "articles"

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def build(self, documents: Sequence[Document]) -> list[Article | Rejection]:
        """One article or rejection per document, in order; a failure in one never sinks the rest
        (``build_article`` turns any exception into that document's rejection)."""
        now = self._clock()
        return [build_article(document, now=now) for document in documents]
