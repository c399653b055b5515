"""What the curation tests share: dated records of the invented earthquakes, scorer parameters
under which editors' corrections make a difference, and a stage that records the story events it
is handed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from storyline.models import Article, NewArticle, StoryEvent
from storyline.stage import BatchContext
from storyline.store import Store
from storyline.stories import StoryParams

from .stories import REGIME, SPLITTING, split_test_params
from .texts import QUAKE_A, QUAKE_A_FOLLOW, QUAKE_A_THIRD, QUAKE_B, QUAKE_B_FOLLOW, QUAKE_B_THIRD

# Joining only within one earthquake, splitting on: two stories an editor merges would split again.
JOIN_WITHIN_SPLIT_APART: StoryParams = split_test_params(replace(SPLITTING, threshold=0.9))
# Merging eagerly: reports an editor moved out of their story would be merged back.
MERGE_EAGERLY: StoryParams = split_test_params(replace(REGIME, merge_threshold=1.0))

_TEXTS = {
    "a1": QUAKE_A,
    "a2": QUAKE_A_FOLLOW,
    "a3": QUAKE_A_THIRD,
    "b1": QUAKE_B,
    "b2": QUAKE_B_FOLLOW,
    "b3": QUAKE_B_THIRD,
}


def quake_record(key: str, day: int, outlet: str = "Alpha News") -> dict[str, Any]:
    """Report ``key`` ('a1'…'a3' of one earthquake, 'b1'…'b3' of the other) as a record."""
    return {"id": key, "text": _TEXTS[key], "outlet": outlet, "published": f"2026-03-{day:02d}T10:00:00Z"}


class EventRecorder:
    """A stage that derives nothing and records every story event it is told to follow (or, when
    ``fails``, raises instead)."""

    name = "recorder"

    def __init__(self, fails: bool = False) -> None:
        self.events: list[StoryEvent] = []
        self.fails = fails

    def prepare(self, articles: Sequence[Article], store: Store) -> list[None]:
        return [None for _ in articles]

    def begin(self, store: Store) -> None:
        pass

    def commit(self, items: Sequence[tuple[NewArticle, None]], context: BatchContext) -> None:
        pass

    def follow(self, events: Sequence[StoryEvent], context: BatchContext) -> None:
        if self.fails:
            raise RuntimeError("the recorder cannot follow")
        self.events.extend(events)

    def rollback(self) -> None:
        pass

    def pending(self, store: Store) -> list[int]:
        return []
