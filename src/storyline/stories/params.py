"""What the story stage is tuned by: the scorer's weights and thresholds per regime, and its sizes.

Weights and thresholds are fitted per *regime*, the kind of pair being compared, chosen from what the
two sides hold, never from where they came from: two headline-only sides (``headline``), two that
hold full texts (``full_text``), or one of each (``mixed``, as when a feed's one-line summary meets
a story of full reports). A story holds a full text once any member does.

Parameters fitted on one kind of pair are miscalibrated for another: when a one-line report joined a
full-text story and the merge check that followed ran in the headline regime, its threshold (0.72
against 1.331) merged two different jewel heists.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

T = TypeVar("T")


class Bags(NamedTuple, Generic[T]):
    """One value per lexical channel the scorer compares besides the embedding: content terms,
    names (who and where) and numbers (what tells two earthquakes apart)."""

    terms: T
    names: T
    numbers: T


class Regime(StrEnum):
    """The kind of pair compared, named as in ``story_params.json``."""

    HEADLINE = "headline"
    MIXED = "mixed"
    FULL_TEXT = "full_text"


# The regime of a pair by how many of its two sides hold a full text: 0, 1 or 2.
PAIR_REGIMES = (Regime.HEADLINE, Regime.MIXED, Regime.FULL_TEXT)


@dataclass(frozen=True, slots=True)
class RegimeParams:
    """Scorer weights and thresholds for one regime: headline pairs, full-text pairs or mixed pairs."""

    w_dense: float
    w_terms: float  # TF-IDF cosine of content words
    w_names: float  # cosine of capitalised names (who and where)
    w_numbers: float  # cosine of numbers (dates, ages, tolls, magnitudes)
    threshold: float  # join the best story when its score reaches this; else start a new one
    merge_threshold: float  # two stories whose score reaches this become one
    # An article that reaches this against a second story, within ``bridge_margin`` of its best, shows
    # the two are one story told twice: it bridges them (they merge).
    bridge_threshold: float
    bridge_margin: float
    cold_days: float  # a story silent for longer than this is cold ...
    cold_penalty_per_day: float  # ... and its score drops by this per further day ...
    max_cold_penalty: float  # ... up to this cap, so a strong match can still revive it
    # A story of this regime whose members fall into two parts that score below ``split_threshold``
    # with each other on average, and at least ``split_gap`` below the members of either part among
    # themselves, is two stories: the first report of a second event of the same kind joined it
    # before anything told them apart (see ``splitting.SplitRule``). 0 turns splitting off.
    # A story is headline-only or holds a full text, so the mixed regime's values are never used.
    split_threshold: float = 0.0
    split_gap: float = 0.0

    @property
    def bag_weights(self) -> Bags[float]:
        return Bags(self.w_terms, self.w_names, self.w_numbers)


@dataclass(frozen=True, slots=True)
class StoryParams:
    headline: RegimeParams
    full_text: RegimeParams
    mixed: RegimeParams
    # A record whose body (beyond its title) has fewer words than this counts as headline-only.
    min_body_words: int = 25
    embed_chars: int = 600  # title + this much of the body is embedded (the model truncates further)
    lex_chars: int = 3000  # title + this much of the body feeds the term and name vectors
    top_terms: int = 32  # terms kept per story (its lexical centroid)
    top_names: int = 16  # names kept per story
    top_numbers: int = 8  # numbers kept per story
    # IDF counts this many background documents in which no term occurs (see ``features.Idf``).
    idf_prior_docs: int = 300
    recent_window: int = 2048  # most recent stories searched exactly
    recent_k: int = 12
    ann_k: int = 12
    posting_terms: int = 3  # salient terms per article used to find and index stories
    posting_depth: int = 16  # newest stories read per posting list
    posting_cap: int = 64  # stories kept per posting list
    label_candidates: int = 3  # headlines kept per story to choose its label from
    # Each part of a split needs this many members: fewer is an outlier of the story, not a second one.
    split_min_part: int = 3
    # Members are kept (vector, term bags) while a story has at most this many, so splitting costs
    # bounded time and memory; a larger story is settled and no longer split.
    split_max_members: int = 64
    hnsw_m: int = 16
    hnsw_ef_construction: int = 100
    hnsw_ef: int = 64
    seed: int = 20140310
    fitted_on: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def top_sizes(self) -> Bags[int]:
        """How many ids a story keeps per channel."""
        return Bags(self.top_terms, self.top_names, self.top_numbers)

    def regime(self, regime: Regime) -> RegimeParams:
        params: RegimeParams = getattr(self, regime.value)
        return params

    def with_regime(self, regime: Regime, params: RegimeParams) -> StoryParams:
        changes: dict[str, Any] = {regime.value: params}
        return replace(self, **changes)

    @property
    def pair_regimes(self) -> tuple[RegimeParams, ...]:
        """The regimes' parameters by how many of the two sides compared hold a full text (0, 1, 2):
        what a vectorised scorer indexes with the full-text flags of both sides added up."""
        return tuple(self.regime(regime) for regime in PAIR_REGIMES)

    @classmethod
    def load(cls, path: Path | None = None) -> StoryParams:
        path = path if path is not None else Path(__file__).with_name("story_params.json")
        return cls.from_dict(json.loads(path.read_text("utf-8")))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoryParams:
        data = dict(data)
        for regime in Regime:
            data[regime.value] = RegimeParams(**data[regime.value])
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
