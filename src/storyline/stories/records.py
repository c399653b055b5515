"""What enters the story stage (``StoryInput``) and what it reports back: assignments, merges,
splits and labels. Plain frozen records, so callers (the Tracker, a pipeline stage, the benchmarks)
depend on these and not on how the clusterer keeps its stories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from storyline.models import Article

# An opening line standing in for a missing title is cut to this many characters.
_MAX_LEAD_HEADLINE = 160


class KeptHeadline(NamedTuple):
    """A label candidate; ``titled`` is False for an untitled article's opening line standing in."""

    text: str
    titled: bool


@dataclass(frozen=True, slots=True)
class StoryInput:
    """One article as the story stage sees it.

    ``duplicate_of`` is the ``article_id`` of an earlier member of the article's (near-)duplicate
    group; such an article always lands in that member's story.
    """

    article_id: int
    title: str | None
    text: str
    published: datetime | date | None = None
    outlet: str | None = None
    duplicate_of: int | None = None

    @classmethod
    def from_article(cls, article_id: int, article: Article, duplicate_of: int | None) -> StoryInput:
        """The story stage's view of a cleaned ``article``: its text and the values (not the
        provenance) of its title, publication time and outlet."""
        return cls(
            article_id=article_id,
            title=article.title.value,
            text=article.text,
            published=article.published.value,
            outlet=article.outlet.value,
            duplicate_of=duplicate_of,
        )

    def headline(self) -> KeptHeadline:
        """The title, else the opening line standing in for one, cut at a word and marked as cut."""
        if self.title and self.title.strip():
            return KeptHeadline(" ".join(self.title.split()), titled=True)
        first = " ".join(self.text.strip().split("\n", 1)[0].split())
        if len(first) > _MAX_LEAD_HEADLINE:
            first = first[: _MAX_LEAD_HEADLINE - 1].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"
        return KeptHeadline(first, titled=False)


@dataclass(frozen=True, slots=True)
class Assignment:
    article_id: int
    story_id: int
    score: float  # the winning candidate's score; 1.0 for a duplicate, 0.0 when a story was created
    created: bool


@dataclass(frozen=True, slots=True)
class StoryMerge:
    """``absorbed`` now redirects to ``into``; ``after_article`` is the arrival that triggered it
    (None: an editor merged them)."""

    absorbed: int
    into: int
    score: float
    reason: str
    after_article: int | None


@dataclass(frozen=True, slots=True)
class StorySplit:
    """``article_ids`` left ``story_id`` (which keeps its id and its first report) for the new story
    ``new_story_id``; ``score`` is the mean score between the two parts (when an editor moved the
    articles, the score between the two stories after the move), ``after_article`` the arrival
    that triggered it (None: an editor moved them)."""

    story_id: int
    new_story_id: int
    article_ids: tuple[int, ...]
    score: float
    reason: str
    after_article: int | None


StoryChange = StoryMerge | StorySplit


@dataclass(frozen=True, slots=True)
class StoryConstraints:
    """What editors decided and the clusterer respects from then on.

    ``kept_apart``: pairs of stories an editor separated, never merged again; ``settled``: stories
    an editor shaped, never split by the machine. Ids as recorded: the clusterer resolves them
    through later merges.
    """

    kept_apart: frozenset[tuple[int, int]] = frozenset()
    settled: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class StoryLabel:
    story_id: int
    headline: str
    key_terms: tuple[str, ...]
    size: int
