"""Rows the store hands back: small frozen records, one per thing a reader asks for.

They are the store's read model. The pipeline's own records (``Document``, ``Article``) live in
``storyline.models``; these add what storing gave them (internal ids, sources, story membership).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.models import Article, Claim, EntityType, Mention, TimeExpression


class RunStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    PARTIAL = "partial"  # some inputs were rejected, each with its reason
    INTERRUPTED = "interrupted"  # the process stopped (Ctrl-C, kill) before the run finished


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One place an article was read from; an article read from three places has three."""

    external_id: str
    locator: str
    raw_sha256: str
    run_id: int
    supplied: dict[str, Any]
    # The outlet of the article this input gave: an exact copy from a second outlet is the same
    # article, but the second outlet still reported it.
    outlet: str | None = None
    # The input the record was read from (``Document.container``); None when nothing names it lastingly.
    container: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    id: int
    external_id: str
    title: str | None
    outlet: str | None
    published: datetime | date | None
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
    # The article that is a newer version of this one (same input, new text), if any.
    superseded_by: int | None = None

    @property
    def outlets(self) -> list[str]:
        """Every outlet that carried this text: its own, then its sources' (an exact copy from a
        second outlet is one article with two outlets), each once."""
        found = [self.article.outlet.value, *(source.outlet for source in self.sources)]
        return list(dict.fromkeys(outlet for outlet in found if outlet))


@dataclass(frozen=True, slots=True)
class IngestCounts:
    read: int = 0
    new: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    already_stored: int = 0
    rejected: int = 0
    skipped: int = 0  # records a source holds that are not articles (a crawl's requests, metadata)


@dataclass(frozen=True, slots=True)
class IngestRun:
    id: int
    started_at: datetime
    finished_at: datetime | None
    status: RunStatus
    counts: IngestCounts
    arguments: tuple[str, ...] = ()
    host: str | None = None
    pid: int | None = None


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


@dataclass(frozen=True, slots=True, order=True)
class StateVersion:
    """Which clusterer state a store holds: the full state's generation and the last change record
    written over it. A writer that sees a version other than the one it last wrote or read knows
    another process has moved the stories on, and reloads before deciding anything."""

    generation: int
    last_change: int


@dataclass(frozen=True, slots=True)
class ClustererState:
    """The stored clusterer state: a full state and the change records written since, in order."""

    full: bytes
    changes: list[bytes]
    version: StateVersion

    @property
    def size(self) -> tuple[int, int]:
        """Bytes of the full state and of all change records together."""
        return len(self.full), sum(len(c) for c in self.changes)


@dataclass(frozen=True, slots=True)
class StoredTimeExpression:
    """A stored time expression and the article whose text it is in."""

    article_id: int
    expression: TimeExpression


# -- entities ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryForm:
    """A name as a story's reports resolved it: (type, norm, key) with its mentions in the story
    and the way it was written most often. What story-level resolution works on."""

    type: EntityType
    norm: str
    key: str
    mentions: int
    surface: str


@dataclass(frozen=True, slots=True)
class EntityRow:
    """A store-wide entity; ``named_by_user`` when a user's rename chose its name."""

    id: int
    type: EntityType
    key: str
    name: str
    named_by_user: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """An entity with how much it is mentioned (in one story, or across the store)."""

    entity: EntityRow
    mentions: int
    articles: int
    stories: int


@dataclass(frozen=True, slots=True)
class MentionRow:
    """A stored mention with the article it is in (and when that was published, if known)."""

    article_id: int
    external_id: str
    published: datetime | None
    mention: Mention


class AliasAction(StrEnum):
    ADD = "add"  # the alias names the entity
    SPLIT = "split"  # the alias does not name the entity: it is one of its own
    RENAME = "rename"  # the entity is shown under this name


@dataclass(frozen=True, slots=True)
class AliasEdit:
    """A user's choice about an entity's names, kept and applied on every later resolution."""

    id: int
    action: AliasAction
    type: EntityType
    alias: str  # normalised
    entity_id: int
    name: str  # as the user wrote it
    created_at: datetime


# -- curation ---------------------------------------------------------------------------------------


class CorrectionAction(StrEnum):
    MERGE = "merge"  # two stories are one
    MOVE = "move"  # these articles are a story of their own
    RENAME = "rename"  # the story is shown under this name
    MUTE = "mute"  # an article or an outlet is left out of story views and counts
    UNMUTE = "unmute"


@dataclass(frozen=True, slots=True)
class Correction:
    """An editor's correction, as recorded: what, when, by whom and why.

    ``story_id`` is the story corrected (a merge's survivor, the story a move took articles out
    of, the story renamed); ``other_story_id`` the one a merge absorbed or a move created.
    ``article_ids`` are the articles moved or the article (un)muted; ``outlet`` the outlet
    (un)muted; ``name`` a rename's new name.
    """

    id: int
    action: CorrectionAction
    at: datetime
    by: str
    why: str
    story_id: int | None = None
    other_story_id: int | None = None
    article_ids: tuple[int, ...] = ()
    outlet: str | None = None
    name: str | None = None


# -- watched sources --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WatchState:
    """What a watcher knows of one source (a feed URL, a feed file, a folder).

    ``etag`` and ``last_modified`` are the validators of the last good fetch, sent back so that an
    unchanged feed costs a 304 (for a file, ``last_modified`` is its modification time and size);
    ``failures`` counts failed polls in a row, which set how long the watcher backs off.
    """

    source: str
    next_poll: datetime
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    failures: int = 0
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class StoredClaim:
    """A claim as stored: its article, its index among the article's claims, its sentence vector
    (what the story clusterer's embedder made of it; empty until its story has a second report)
    and, once its story grouped it, its group within that story."""

    article_id: int
    index: int
    claim: Claim
    vector: NDArray[np.float32]
    group: int | None = None


@dataclass(frozen=True, slots=True)
class BriefStateRow:
    """One state of a story's brief: made after ``article_ids`` reached the story (or a merge or
    split changed it, ``cause``), with the brief's facts then and what changed since the state
    before, as the claim stage wrote them (plain JSON-ready values)."""

    story_id: int
    version: int
    made_at: datetime
    article_ids: tuple[int, ...]
    cause: str
    facts: list[dict[str, Any]]
    changes: dict[str, Any]


# -- search -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What narrows a search: an outlet (any case), an entity's articles, a story's, and a
    publication window (``since`` inclusive, ``until`` exclusive; undated articles fall outside)."""

    outlet: str | None = None
    entity_id: int | None = None
    story_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class ArticleHit:
    """An article a search found: ``score`` higher is better; ``title`` and ``snippet`` carry the
    store's marks around each matched term (``storyline.store.search.MARK_START``/``MARK_END``)."""

    article: ArticleSummary
    score: float
    title: str
    snippet: str
