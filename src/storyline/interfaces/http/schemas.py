"""What the main JSON endpoints answer, described for ``/openapi.json``.

Documentation only: the handlers return their JSON already encoded (``encode.plain``), so FastAPI
never validates or re-encodes an answer against these, and they cost a request nothing. The
facade's own records (dataclasses) are named as they are, so the schema follows them as they grow;
the parts that are JSON of their own (a timeline, a claim comparison, a brief) are objects here,
each described by its own endpoint's summary.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from storyline.coverage import Coverage
from storyline.ingest.watch import Poll
from storyline.store.records import (
    ArticleSummary,
    BriefStateRow,
    Correction,
    EntitySummary,
    IngestCounts,
    IngestRun,
    StoredTimeExpression,
    StoryMergeRow,
    StoryRow,
    StorySplitRow,
    WatchState,
)
from storyline.views import MutedArticle, MutedOutlet

T = TypeVar("T")


class Listing(BaseModel, Generic[T]):
    """A page of a list: ``limit`` null is the rest of it."""

    items: list[T]
    total: int
    offset: int
    limit: int | None


class StoryDocument(BaseModel):
    """A story with everything known about it; ``corrections`` are editors', with who and why;
    ``muted_*`` what editors left out of it (mutes name no story, so they are not corrections of
    it), each with its mute."""

    story: StoryRow
    articles: list[ArticleSummary]
    duplicate_groups: list[list[int]]
    coverage: Coverage
    entities: list[EntitySummary]
    time_expressions: list[StoredTimeExpression]
    merges: list[StoryMergeRow]
    splits: list[StorySplitRow]
    corrections: list[Correction]
    muted_articles: list[MutedArticle]
    muted_outlets: list[MutedOutlet]
    timeline: dict[str, Any] | None
    claims: dict[str, Any] | None
    brief: dict[str, Any] | None


class Changes(BaseModel):
    """What is new from ``since`` to ``until`` (ask next from ``until``), in the store or in one
    story (``story``; ``requested`` the id asked for, perhaps one the story absorbed)."""

    since: datetime
    until: datetime
    story: int | None
    requested: int | None
    articles: list[ArticleSummary]
    stories: list[StoryRow]
    merges: list[StoryMergeRow]
    splits: list[StorySplitRow]
    time_expressions: list[StoredTimeExpression]
    entities: list[EntitySummary]
    corrections: list[Correction]
    brief_states: list[BriefStateRow]
    timeline_entries: list[dict[str, Any]]


class MuteResult(BaseModel):
    """Whether the mute or unmute changed anything (muting twice changes nothing)."""

    article: int | None
    outlet: str | None
    muted: bool
    changed: bool


class Removed(BaseModel):
    source: str
    removed: bool


class Polls(BaseModel):
    polls: list[Poll]


class Rejected(BaseModel):
    input: str
    reason: str


class IngestResult(BaseModel):
    run_id: int
    counts: IngestCounts
    rejections: list[Rejected]
    warnings: list[str]
    partial: bool


StoryList = Listing[StoryRow]
ArticleList = Listing[ArticleSummary]
RunList = Listing[IngestRun]
WatchList = Listing[WatchState]
