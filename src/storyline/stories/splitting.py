"""When one story is two: where its members part, whether that line separates two stories, and what
a story keeps of its members so that the question can be asked at all.

Single-pass assignment cannot tell two events of the same kind apart when the second one's first
report arrives: it is the best match of the first event's story, and later reports of the second
event follow it there. Once both events have several reports the story's members show it: they fall
into two parts that score lower between each other than within.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from storyline.stories.features import TermBag
from storyline.stories.params import Bags, Regime, StoryParams
from storyline.stories.records import KeptHeadline


def split_in_two(scores: NDArray[np.float64], groups: Sequence[int]) -> tuple[list[int], list[int]]:
    """The two parts average-linkage clustering of items scored pairwise by ``scores`` ends with,
    each as ascending item indices, the part holding item 0 first.

    Items of one group start (and so stay) together. Ties join the lowest-numbered parts first, so
    the result depends on the scores alone.
    """
    first_of: dict[int, int] = {}
    parts: list[list[int]] = []
    for i, group in enumerate(groups):
        if group not in first_of:
            first_of[group] = len(parts)
            parts.append([])
        parts[first_of[group]].append(i)
    if len(parts) < 2:
        return parts[0] if parts else [], []
    member_of = np.zeros((len(parts), len(groups)))
    for k, part in enumerate(parts):
        member_of[k, part] = 1.0
    sums = member_of @ scores @ member_of.T  # summed pair scores between parts
    sizes = member_of.sum(axis=1)
    alive = np.ones(len(parts), dtype=np.bool_)
    for _ in range(len(parts) - 2):
        mean = sums / np.outer(sizes, sizes)
        mean[~alive, :] = -np.inf
        mean[:, ~alive] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        i, j = sorted(int(x) for x in np.unravel_index(int(np.argmax(mean)), mean.shape))
        parts[i] += parts[j]
        sums[i, :] += sums[j, :]
        sums[:, i] += sums[:, j]
        sizes[i] += sizes[j]
        alive[j] = False
    a, b = (sorted(parts[k]) for k in np.flatnonzero(alive))
    return (a, b) if a[0] == 0 else (b, a)


def _mean_off_diagonal(scores: NDArray[np.float64], part: Sequence[int]) -> float:
    n = len(part)
    if n < 2:
        return math.inf  # a lone member has no pairs: nothing to fall short of
    block = scores[np.ix_(part, part)]
    return float((block.sum() - np.trace(block)) / (n * (n - 1)))


def line_gap(scores: NDArray[np.float64], first: Sequence[int], second: Sequence[int]) -> float:
    """How much lower two parts score between each other than the less coherent part within."""
    within = min(_mean_off_diagonal(scores, first), _mean_off_diagonal(scores, second))
    return within - float(scores[np.ix_(first, second)].mean())


@dataclass(frozen=True, slots=True)
class SplitRule:
    """When two parts of items scored pairwise are two stories: each has ``min_part`` items, they
    score below ``max_between`` on average, and at least ``min_gap`` below the items of the less
    coherent part among themselves."""

    min_part: int
    max_between: float
    min_gap: float

    @classmethod
    def for_story(cls, params: StoryParams, full: bool) -> SplitRule | None:
        """The rule for a story (``full`` if it holds a full text); None where splitting is off."""
        regime = params.regime(Regime.FULL_TEXT if full else Regime.HEADLINE)
        if regime.split_threshold <= 0:
            return None
        return cls(params.split_min_part, regime.split_threshold, regime.split_gap)

    def between(
        self, scores: NDArray[np.float64], first: Sequence[int], second: Sequence[int]
    ) -> float | None:
        """The mean score between parts ``first`` and ``second`` if they are two stories, else None."""
        if min(len(first), len(second)) < self.min_part:
            return None
        between = float(scores[np.ix_(first, second)].mean())
        if between >= self.max_between or line_gap(scores, first, second) < self.min_gap:
            return None
        return between


def split_line(
    scores: NDArray[np.float64], groups: Sequence[int], rule: SplitRule
) -> tuple[list[int], list[int], float] | None:
    """Where items scored pairwise by ``scores`` fall into two stories: the two parts
    ``split_in_two`` draws (the part holding item 0 first) and their mean score between, or None if
    ``rule`` says they are one."""
    first, second = split_in_two(scores, groups)
    between = rule.between(scores, first, second)
    return None if between is None else (first, second, between)


class KeptMember(NamedTuple):
    """What a story keeps of a member while it may still be split: enough to score its members
    against each other and to rebuild each part's centroid, term bags and label candidates."""

    article_id: int
    group: int  # the first article of its near-duplicate group: a group is never split apart
    full: bool
    time: float
    vector: NDArray[np.float16]  # half precision: enough to compare members and rebuild a centroid
    bags: Bags[TermBag]
    headline: KeptHeadline


class KeptMemberIndex:
    """The members kept by stories that may still be split.

    A story keeps its members while all of them are known (a state written before members were kept
    knows none) and there are at most ``max_members``: splitting then costs bounded time and memory,
    and a larger story is settled. Methods that stop keeping members return their article ids, which
    a change record must list as dropped.
    """

    def __init__(self, max_members: int) -> None:
        self.max_members = max_members
        self.by_article: dict[int, KeptMember] = {}
        self.by_story: dict[int, list[int]] = {}  # per story its members' article ids, ascending

    def of_story(self, sid: int) -> list[int]:
        return self.by_story.get(sid, [])

    def of_articles(self, article_ids: Iterable[int]) -> list[KeptMember]:
        return [self.by_article[aid] for aid in article_ids]

    def keep(self, sid: int, member: KeptMember, story_size: int) -> list[int]:
        """Keep ``member``, which has just made story ``sid`` ``story_size`` members large, if the
        story keeps its members."""
        kept = self.by_story.pop(sid, [])
        if len(kept) != story_size - 1 or story_size > self.max_members:
            return self._forget(kept)
        self.by_article[member.article_id] = member
        bisect.insort(kept, member.article_id)
        self.by_story[sid] = kept
        return []

    def of_both(self, sid: int, sid_size: int, other: int, other_size: int) -> list[int] | None:
        """The members of two stories together (ascending), if a story of both would keep them:
        each keeps all of its own and together they are at most ``max_members``."""
        both = self.of_story(sid) + self.of_story(other)
        if len(both) != sid_size + other_size or len(both) > self.max_members:
            return None
        return sorted(both)

    def merge(self, absorbed: int, absorbed_size: int, into: int, into_size: int) -> list[int]:
        """Story ``absorbed`` joined ``into``: the merged story keeps both's members if it can."""
        both = self.of_both(absorbed, absorbed_size, into, into_size)
        if both is not None:
            self.by_story[into] = both
            self.by_story.pop(absorbed, None)
            return []
        return self._forget(self.by_story.pop(absorbed, []) + self.by_story.pop(into, []))

    def split(self, sid: int, kept: Sequence[KeptMember], new: int, moved: Sequence[KeptMember]) -> None:
        """Story ``sid`` keeps the members ``kept``; ``moved`` left it for the new story ``new``."""
        self.by_story[sid] = [m.article_id for m in kept]
        self.by_story[new] = [m.article_id for m in moved]

    def _forget(self, article_ids: Sequence[int]) -> list[int]:
        for aid in article_ids:
            del self.by_article[aid]
        return list(article_ids)
