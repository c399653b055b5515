"""The story timeline: what happened when, across a story's reports, and how its state changed.

A view over the store, built when asked (``build_timeline``): each report's events (``events``) are
the sentences that date a happening or report a change of state; events that tell the same
happening in several reports become one entry (``grouping``); a change of state between entries
is a development (``states``). Nothing is stored, so an article added to a story, a merge or a
split shows in the story's next timeline with nothing to keep in step.
"""

from storyline.timeline.build import build_timeline, timeline_of_articles
from storyline.timeline.records import (
    Citation,
    Development,
    Event,
    EventDate,
    Placement,
    State,
    Timeline,
    TimelineEntry,
)

__all__ = [
    "Citation",
    "Development",
    "Event",
    "EventDate",
    "Placement",
    "State",
    "Timeline",
    "TimelineEntry",
    "build_timeline",
    "timeline_of_articles",
]
