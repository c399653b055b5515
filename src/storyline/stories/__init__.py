"""Stories: the online clusterer that groups articles about one event, and what it embeds them with.

``clusterer`` makes the decisions (join, bridge, merge, split) over parts with one job each:
``features`` (terms, names, numbers; the vocabulary and its IDF), ``story_table`` (what is known of
each story), ``candidates`` (which stories an article is compared with), ``scoring`` (the pair score
per regime), ``splitting`` (when one story is two), ``labels`` and ``state`` (the saved form).
``params`` holds what all of them are tuned by and ``records`` what goes in and comes out.
"""

from storyline.stories.clusterer import StoryClusterer
from storyline.stories.embeddings import Embedder, HashingEmbedder, MiniLMEmbedder, embedder_named
from storyline.stories.params import Bags, Regime, RegimeParams, StoryParams
from storyline.stories.records import (
    Assignment,
    KeptHeadline,
    StoryChange,
    StoryConstraints,
    StoryInput,
    StoryLabel,
    StoryMerge,
    StorySplit,
)
from storyline.stories.splitting import SplitRule, line_gap, split_in_two, split_line
from storyline.stories.state import StoryState, state_embedder_name

__all__ = [
    "Assignment",
    "Bags",
    "Embedder",
    "HashingEmbedder",
    "KeptHeadline",
    "MiniLMEmbedder",
    "Regime",
    "RegimeParams",
    "SplitRule",
    "StoryChange",
    "StoryClusterer",
    "StoryConstraints",
    "StoryInput",
    "StoryLabel",
    "StoryMerge",
    "StoryParams",
    "StorySplit",
    "StoryState",
    "embedder_named",
    "line_gap",
    "split_in_two",
    "split_line",
    "state_embedder_name",
]
