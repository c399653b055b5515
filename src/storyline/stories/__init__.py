"""Stories: the online clusterer that groups articles about one event, and what it embeds them with."""

from storyline.stories.clusterer import (
    Assignment,
    Halves,
    KeptHeadline,
    RegimeParams,
    StoryChange,
    StoryClusterer,
    StoryInput,
    StoryLabel,
    StoryMerge,
    StoryParams,
    StorySplit,
    line_gap,
    split_in_two,
    split_line,
)

__all__ = [
    "Assignment",
    "Halves",
    "KeptHeadline",
    "RegimeParams",
    "StoryChange",
    "StoryClusterer",
    "StoryInput",
    "StoryLabel",
    "StoryMerge",
    "StoryParams",
    "StorySplit",
    "line_gap",
    "split_in_two",
    "split_line",
]
