"""The storage interface every backend implements (SQLite by default, PostgreSQL later).

The pipeline only talks to this interface. Writes happen inside ``transaction()`` so that a batch
is stored whole or not at all: a ``kill -9`` mid-ingest leaves the last committed batch and nothing
half-written, and the next run resumes by skipping sources it already has.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from storyline.models import Article, Rejection


@dataclass(frozen=True, slots=True)
class ClustererState:
    """The stored clusterer state: a full state and the change records written since, in order."""

    full: bytes
    changes: list[bytes]

    @property
    def size(self) -> tuple[int, int]:
        """Bytes of the full state and of all change records together."""
        return len(self.full), sum(len(c) for c in self.changes)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One place an article was read from; an article read from three places has three."""

    external_id: str
    locator: str
    raw_sha256: str
    run_id: int
    supplied: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    id: int
    external_id: str
    title: str | None
    outlet: str | None
    published: datetime | None
    published_origin: str
    duplicate_of: int | None
    source_count: int
    story_id: int | None


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    article: Article
    content_hash: str
    duplicate_of: int | None
    duplicate_similarity: float | None
    sources: tuple[SourceRecord, ...]
    story_id: int | None


@dataclass(frozen=True, slots=True)
class IngestCounts:
    read: int = 0
    new: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    already_stored: int = 0
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class IngestRun:
    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    counts: IngestCounts


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: int
    label: str
    key_terms: tuple[str, ...]
    article_count: int
    outlet_count: int
    first_seen: datetime | None
    last_seen: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoryMergeRow:
    absorbed: int
    into: int
    merged_at: datetime
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class StorySplitRow:
    """``article_count`` articles left ``story_id`` for the new story ``new_story_id``."""

    story_id: int
    new_story_id: int
    split_at: datetime
    score: float
    reason: str
    article_count: int


class Store(ABC):
    """Persistent state of a storyline corpus."""

    # -- lifecycle --------------------------------------------------------------------------
    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside commit together or not at all."""

    # -- ingest runs ------------------------------------------------------------------------
    @abstractmethod
    def start_run(self, arguments: Sequence[str]) -> int: ...

    @abstractmethod
    def finish_run(self, run_id: int, counts: IngestCounts, status: str) -> None: ...

    @abstractmethod
    def runs(self) -> list[IngestRun]: ...

    @abstractmethod
    def add_rejection(self, run_id: int, rejection: Rejection) -> None: ...

    # -- articles ---------------------------------------------------------------------------
    @abstractmethod
    def stored_sources(self, sources: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (external id, raw sha256) inputs were stored before: a re-ingest skips them.

        Asked once per batch: batches, not per-record queries, on the ingest path.
        """

    @abstractmethod
    def article_id_by_hash(self, content_hash: str) -> int | None: ...

    @abstractmethod
    def insert_article(
        self,
        article: Article,
        content_hash: str,
        minhash: np.ndarray | None,
        duplicate_of: int | None,
        duplicate_similarity: float | None,
    ) -> int: ...

    @abstractmethod
    def add_source(self, article_id: int, source: SourceRecord) -> None: ...

    @abstractmethod
    def article_text(self, article_id: int) -> str | None: ...

    @abstractmethod
    def minhash_signatures(self) -> Iterator[tuple[int, np.ndarray]]: ...

    @abstractmethod
    def get_article(self, article_id: int) -> StoredArticle | None: ...

    @abstractmethod
    def find_article(self, key: str) -> int | None:
        """Resolve an internal id or an external id to the internal id."""

    @abstractmethod
    def list_articles(self, limit: int | None = None, offset: int = 0) -> list[ArticleSummary]: ...

    @abstractmethod
    def iter_articles(self) -> Iterator[StoredArticle]: ...

    @abstractmethod
    def duplicate_members(self, canonical_id: int) -> list[int]: ...

    @abstractmethod
    def article_count(self) -> int: ...

    @abstractmethod
    def canonical_article(self, article_id: int) -> int:
        """The canonical member of the article's duplicate group (itself when it has none)."""

    # -- stories ----------------------------------------------------------------------------
    @abstractmethod
    def unassigned_article_ids(self) -> list[int]:
        """Articles with no story yet (stored while story assignment was off), in arrival order."""

    @abstractmethod
    def assign_story(self, article_id: int, story_id: int, score: float) -> None: ...

    @abstractmethod
    def refresh_story(self, story_id: int, label: str, key_terms: Sequence[str], now: datetime) -> None:
        """Store a story's label and recompute its counts and first/last seen from its articles."""

    @abstractmethod
    def record_merge(self, merge: StoryMergeRow) -> None:
        """Move the absorbed story's articles into the surviving one and keep a redirect."""

    @abstractmethod
    def record_split(self, split: StorySplitRow, article_ids: Sequence[int]) -> None:
        """Move ``article_ids`` to the new story and record where it came from."""

    @abstractmethod
    def resolve_story(self, story_id: int) -> int | None:
        """Follow merge redirects; None for an id that never existed."""

    @abstractmethod
    def stories(self) -> list[StoryRow]: ...

    @abstractmethod
    def story(self, story_id: int) -> StoryRow | None: ...

    @abstractmethod
    def story_articles(self, story_id: int) -> list[ArticleSummary]: ...

    @abstractmethod
    def story_merges(self, story_id: int) -> list[StoryMergeRow]: ...

    @abstractmethod
    def story_splits(self, story_id: int) -> list[StorySplitRow]:
        """Splits the story came from or gave articles to, oldest first."""

    @abstractmethod
    def story_assignments(self) -> Iterator[tuple[str, int]]:
        """(external id of every source, story id) — one row per input record."""

    @abstractmethod
    def save_clusterer_state(self, data: bytes) -> None:
        """Store a full clusterer state, replacing the previous one and every change record."""

    @abstractmethod
    def append_clusterer_changes(self, data: bytes) -> None:
        """Store a change record to be applied, after those before it, over the full state."""

    @abstractmethod
    def load_clusterer_state(self) -> ClustererState | None: ...
