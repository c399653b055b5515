"""Assembling a story's timeline from its reports' events."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date

from storyline.models import TimeExpression
from storyline.placing import in_time
from storyline.store import Store
from storyline.store.records import StoredArticle
from storyline.timeline.events import find_events
from storyline.timeline.grouping import group_events
from storyline.timeline.records import (
    Development,
    Event,
    EventDate,
    Placement,
    Timeline,
    TimelineEntry,
)


def timeline_of_articles(store: Store, article_ids: Sequence[int]) -> Timeline:
    """The timeline of the stored articles ``article_ids`` (a story's, or any set of reports)."""
    articles = store.articles.get_many(article_ids)
    expressions = store.time_expressions.for_articles([a.id for a in articles])
    return build_timeline([(a, expressions.get(a.id, [])) for a in articles])


def build_timeline(reports: Sequence[tuple[StoredArticle, Sequence[TimeExpression]]]) -> Timeline:
    """The timeline of ``reports``: each stored article with its time expressions."""
    events = [event for article, expressions in reports for event in find_events(article, expressions)]
    groups = [group for group in group_events(events) if any(e.primary for e in group)]
    entries = sorted((_entry(group) for group in groups), key=_in_time)
    return Timeline(tuple(entries), tuple(_developments(entries)))


def _entry(events: Sequence[Event]) -> TimelineEntry:
    """An entry of one happening's events: dated by the finest date its reports give (the groups
    never hold two dates that cannot be one), its state the furthest one on in the slot its first
    report names."""
    ordered = sorted(
        events, key=lambda e: (e.reported is None, e.reported or date.min, e.article_id, e.position)
    )
    dates = [e.date for e in ordered if e.date is not None]
    when: EventDate | None = max(dates, key=lambda d: len(d.value), default=None)
    reported = min((e.reported for e in ordered if e.reported is not None), default=None)
    placement = (
        Placement.DATED
        if when is not None
        else Placement.REPORTED
        if reported is not None
        else Placement.UNPLACED
    )
    states = [e.state for e in ordered if e.state is not None]
    slot = states[0].slot if states else None
    state = max((s for s in states if s.slot == slot), key=lambda s: s.rank, default=None)
    return TimelineEntry(tuple(ordered), when, placement, reported, state)


def _in_time(entry: TimelineEntry) -> tuple[int, str, int, str, int]:
    """Dated and reported entries by their day (a period by the day it starts, and before the days
    inside it: '2026-W05' from its Monday, '2025' before '2025-01-01'), ties
    by the state's course, then by the first report's day and position; unplaced ones last, in
    their reports' order."""
    first = entry.events[0]
    return (
        entry.placement is Placement.UNPLACED,
        in_time(entry.when),
        entry.state.rank if entry.state else 0,
        first.reported.isoformat() if first.reported else "",
        first.article_id * 100_000 + first.position,
    )


def _developments(entries: Sequence[TimelineEntry]) -> list[Development]:
    """Each change of a slot's value along the timeline: the run of entries that held the value
    before (kept, never overwritten) and the run that reports the new one."""
    courses: dict[str, list[tuple[str, TimelineEntry]]] = {}
    for entry in entries:
        if entry.state is not None:
            courses.setdefault(entry.state.slot, []).append((entry.state.value, entry))
    found = []
    for slot, course in courses.items():
        runs: list[tuple[str, list[TimelineEntry]]] = []
        for value, entry in course:
            if runs and runs[-1][0] == value:
                runs[-1][1].append(entry)
            else:
                runs.append((value, [entry]))
        for (before, earlier), (after, later) in itertools.pairwise(runs):
            found.append(Development(slot, before, after, tuple(earlier), tuple(later)))
    return sorted(found, key=lambda d: _in_time(d.later[0]))
