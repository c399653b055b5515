"""The timeline's records: a report's events, the entries they form, and the developments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from storyline.models import Granularity


@dataclass(frozen=True, slots=True)
class Citation:
    """A sentence of a stored report: what every timeline line cites."""

    article_id: int
    external_id: str
    outlet: str | None
    sentence: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an event happened, as finely as its evidence says: a TIMEX3 date value ('2026-02-03',
    '2025-08', '2020') and the time expression it comes from (``start``/``end`` in the article
    ``article_id``; ``text`` as written; ``rule`` that resolved it)."""

    value: str
    granularity: Granularity
    article_id: int
    start: int
    end: int
    text: str
    rule: str

    @property
    def day(self) -> str | None:
        """The calendar day, when the evidence names one."""
        return self.value[:10] if len(self.value) >= 10 and self.value[4] == "-" else None


class Placement(StrEnum):
    """How an entry got its place in time."""

    DATED = "dated"  # the text says when ('on Tuesday', 'in August of this year', '2020')
    REPORTED = "reported"  # no date in the text: placed on the day its first report was published
    UNPLACED = "unplaced"  # neither: placed by its reports' order


@dataclass(frozen=True, slots=True)
class State:
    """A state a sentence gives the story's subject: ``slot`` (custody, deportation, asylum…),
    ``value`` (detained, released…) and its ``rank`` in the slot's usual course (a report that
    tells both the plan and its dropping lists the plan first). ``cue`` is the words that say it."""

    slot: str
    value: str
    rank: int
    cue: str


@dataclass(frozen=True, slots=True)
class Event:
    """One report's account of a happening: its sentences (the first states it; the others go on
    with the same narrative), its date if the text gives one, the day its report was published,
    the state it reports, and where it stands in its report. A ``primary`` event makes an entry;
    a supporting one only joins another report's (see ``storyline.timeline.events``)."""

    citations: tuple[Citation, ...]
    date: EventDate | None
    reported: datetime.date | None
    state: State | None
    position: int
    origin: int  # the article's duplicate group: copies of one text count once
    primary: bool = True

    @property
    def article_id(self) -> int:
        return self.citations[0].article_id


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A happening as the story's reports tell it: every report's event of it, the date the best
    evidence gives, and who reports it."""

    events: tuple[Event, ...]
    date: EventDate | None
    placement: Placement
    reported: datetime.date | None  # the earliest report of it
    state: State | None

    @property
    def when(self) -> str:
        """The entry's place in time as text: its date, else the day it was first reported."""
        if self.date is not None:
            return self.date.value
        return self.reported.isoformat() if self.reported is not None else ""

    @property
    def articles(self) -> list[int]:
        return list(dict.fromkeys(e.article_id for e in self.events))

    @property
    def outlets(self) -> list[str]:
        return list(dict.fromkeys(c.outlet for e in self.events for c in e.citations[:1] if c.outlet))

    @property
    def origins(self) -> int:
        """Independent reports: the duplicate groups among its events."""
        return len({e.origin for e in self.events})


@dataclass(frozen=True, slots=True)
class Development:
    """A change of the story's state: ``before`` held (the entries that report it, kept), then
    ``after`` (the entries that report the change)."""

    slot: str
    before: str
    after: str
    earlier: tuple[TimelineEntry, ...]
    later: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    """A story's entries in time order, and its developments in the order they happened."""

    entries: tuple[TimelineEntry, ...]
    developments: tuple[Development, ...]

    def key_dates(self, count: int) -> list[str]:
        """The ``count`` days the story's reports most support, best first (ties: earlier day).

        A day's support is its independent reports: an origin whose text dates an event to the
        day counts whole, one that only reported something that day counts a quarter (a report's
        date says when it was written, not when what it tells happened)."""
        dated: dict[str, set[int]] = {}
        reported: dict[str, set[int]] = {}
        for entry in self.entries:
            day = entry.date.day if entry.date is not None else None
            for event in entry.events:
                if day is not None:
                    dated.setdefault(day, set()).add(event.origin)
                elif entry.placement is Placement.REPORTED and event.reported is not None:
                    reported.setdefault(event.reported.isoformat(), set()).add(event.origin)
        support = {
            day: len(dated.get(day, ())) + 0.25 * len(reported.get(day, set()) - dated.get(day, set()))
            for day in dated.keys() | reported.keys()
        }
        return sorted(support, key=lambda day: (-support[day], day))[:count]
