"""A report's events: the sentences that date a happening or report a change of state.

A sentence is an event when its text dates something (a resolved date of a day, week, month,
season, quarter or year — not a duration, a recurrence or 'now'; or a date no published time
could resolve, placed by its report's order) or reports a state
(``states``), and the report's lead is one whatever it says: the news peg of the report, placed
on the day it was published when it gives no date. Any other sentence is a *supporting* event: it
joins another report's event of the same happening (the second report of a reunion that gives no
date) but makes no entry of its own. Only what reads as a sentence counts (several words and a
full stop): a headline, a byline or a dateline reports nothing. The sentences right after a dated one in its
paragraph that give no date of their own go on with its narrative ('He left mainland China in
2021 for Hong Kong, then flew to Ecuador. From there, he traveled to the Bahamas.'): they join its
event, at most ``_CONTINUATION`` of them, since a paragraph drifts from its first date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from storyline.models import TimeExpression, TimexType
from storyline.placing import placing_expression
from storyline.store.records import StoredArticle
from storyline.timeline.records import Citation, Event, EventDate
from storyline.timeline.states import state_of

_CONTINUATION = 3
# A sentence, not a headline or a dateline: several words and a full stop.
_SENTENCE = re.compile(r"(?:\S+\s+){5,}\S*[.!?…][\"'”’)]*\s*$")


def find_events(article: StoredArticle, expressions: Sequence[TimeExpression]) -> list[Event]:
    """The events of one stored report, in reading order."""
    a = article.article
    by_sentence: dict[int, list[TimeExpression]] = {}
    for expression in expressions:
        by_sentence.setdefault(expression.sentence, []).append(expression)
    reported = reported_day(a.published.value)
    origin = article.duplicate_of or article.id

    events: list[Event] = []
    open_event: tuple[int, int] | None = None  # (index in events, paragraph) a narrative goes on from
    for index, sentence in enumerate(a.sentences):
        text = a.text[sentence.start : sentence.end]
        if not _SENTENCE.search(text):
            open_event = None
            continue
        citation = Citation(
            article.id, a.external_id, a.outlet.value, index, sentence.start, sentence.end, text
        )
        when = _event_date(article.id, by_sentence.get(index, ()))
        state = state_of(text)
        continues = (
            open_event is not None
            and open_event[1] == sentence.paragraph
            and when is None
            and state is None
            and len(events[open_event[0]].citations) <= _CONTINUATION
        )
        if continues and open_event is not None:
            previous = events[open_event[0]]
            events[open_event[0]] = _with_citation(previous, citation)
            continue
        # A time the text names but no published time resolves ('on Tuesday' in an undated
        # report) still marks a happening: its entry is placed by its report's order.
        unresolved = any(
            e.value is None and e.type in (TimexType.DATE, TimexType.TIME) for e in by_sentence.get(index, ())
        )
        primary = when is not None or state is not None or unresolved or not events
        events.append(Event((citation,), when, reported, state, index, origin, primary))
        open_event = (len(events) - 1, sentence.paragraph) if when is not None else None
    return events


def _event_date(article_id: int, expressions: Sequence[TimeExpression]) -> EventDate | None:
    """The finest date a sentence's expressions place a happening on (the first, on a tie)."""
    best = placing_expression(expressions)
    if best is None or best.value is None:
        return None
    return EventDate(best.value, best.granularity, article_id, best.start, best.end, best.text, best.rule)


def _with_citation(event: Event, citation: Citation) -> Event:
    return Event(
        (*event.citations, citation),
        event.date,
        event.reported,
        event.state,
        event.position,
        event.origin,
        event.primary,
    )


def reported_day(published: datetime | date | None) -> date | None:
    """The calendar day a report was published on, in its own zone."""
    return published.date() if isinstance(published, datetime) else published
