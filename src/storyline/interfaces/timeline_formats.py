"""A timeline as people read it: a dated strip for the terminal, Markdown, and JSON.

The CLI prints these and the HTTP API serves the JSON; both take a ``TimelineView`` from the
facade. Every line keeps its citations: which report (input id, outlet) and which characters of
its stored text say it, so a reader can check each entry against its sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from storyline.timeline import Citation, Development, Placement, TimelineEntry
from storyline.views import TimelineView

STRIP_WIDTH = 64
# A dated entry, one placed by its report's day, and one where the story's state changed.
MARKS = {Placement.DATED: "●", Placement.REPORTED: "○"}
DEVELOPMENT_MARK = "◆"


def entry_start(entry: TimelineEntry) -> date | None:
    """The first day an entry's place in time covers ('2025-08' → 1 August 2025)."""
    when = entry.when
    if not when[:4].isdigit():
        return None
    try:
        year = int(when[:4])
        month = int(when[5:7]) if len(when) >= 7 and when[5:7].isdigit() else 1
        day = int(when[8:10]) if len(when) >= 10 and when[8:10].isdigit() else 1
        return date(year, month, day)
    except ValueError:  # a week ('2025-W32'), a quarter ('2025-Q3') or a season: its year
        return date(int(when[:4]), 1, 1)


@dataclass(frozen=True, slots=True)
class StripMark:
    """Where an entry falls on a dated strip: ``position`` from 0 (the first day) to 1 (the last),
    ``development`` when the story's state changed there."""

    entry: int  # the entry's index in the timeline
    day: date
    position: float
    development: bool


def strip_marks(view: TimelineView) -> list[StripMark]:
    """The dated entries placed on a strip from the first entry's day to the last, in time order;
    the terminal strip and the story page's drawing both place their marks from these."""
    timeline = view.timeline
    changed = {id(entry) for development in timeline.developments for entry in development.later[:1]}
    placed = [
        (day, number, entry)
        for number, entry in enumerate(timeline.entries)
        if (day := entry_start(entry)) is not None
    ]
    if not placed:
        return []
    first, last = min(day for day, _, _ in placed), max(day for day, _, _ in placed)
    span = max(1, (last - first).days)
    return [
        StripMark(number, day, (day - first).days / span, id(entry) in changed)
        for day, number, entry in sorted(placed, key=lambda item: (item[0], item[1]))
    ]


def strip(view: TimelineView, width: int = STRIP_WIDTH) -> list[str]:
    """The timeline as a dated strip: one column per stretch of days from the first entry to the
    last, a mark where entries fall (``◆`` where the story's state changed, ``●`` dated by the
    text, ``○`` placed by a report's day), and the first and last day under its ends."""
    marks = strip_marks(view)
    if not marks:
        return []
    cells = ["─"] * width
    for mark in marks:
        column = round(mark.position * (width - 1))
        placement = view.timeline.entries[mark.entry].placement
        symbol = DEVELOPMENT_MARK if mark.development else MARKS.get(placement, "●")
        if cells[column] != DEVELOPMENT_MARK:
            cells[column] = symbol
    first, last = marks[0].day, marks[-1].day
    ends = f"{first.isoformat()}{' ' * max(1, width - 20)}{last.isoformat()}"
    return ["".join(cells), ends]


def cite(citation: Citation) -> str:
    """A citation as one short line: the report's input id, its outlet, and the characters."""
    outlet = f", {citation.outlet}" if citation.outlet else ""
    return f"{citation.external_id}{outlet}, s{citation.sentence} {citation.start}–{citation.end}"


def describe_development(development: Development) -> str:
    """'custody: detained (2025-08, 2025-12-20) → released (2026-02-05)'."""
    before = ", ".join(dict.fromkeys(entry.when for entry in development.earlier))
    after = ", ".join(dict.fromkeys(entry.when for entry in development.later))
    return f"{development.slot}: {development.before} ({before}) → {development.after} ({after})"


def to_markdown(view: TimelineView) -> str:
    """The timeline as Markdown: a table of entries, then the developments."""
    timeline = view.timeline
    title = f"story {view.story_id}" if view.story_id is not None else "the reports asked for"
    lines = [f"# Timeline of {title}", "", "| when | what happened | reports |", "| --- | --- | --- |"]
    for entry in timeline.entries:
        when = entry.when or "undated"
        if entry.placement is Placement.REPORTED:
            when += " (reported)"
        text = _markdown_cell(entry.events[0].citations[0].text)
        reports = "; ".join(_markdown_cell(cite(e.citations[0])) for e in entry.events)
        lines.append(f"| {when} | {text} | {reports} |")
    if timeline.developments:
        lines += ["", "## Developments", ""]
        lines += [f"- {_markdown_cell(describe_development(d))}" for d in timeline.developments]
    return "\n".join(lines) + "\n"


def _markdown_cell(text: str) -> str:
    """Text safe in a Markdown table cell: no line breaks, pipes and markup characters escaped."""
    escaped = " ".join(text.split())
    for character in "\\|*_`[]<>#":
        escaped = escaped.replace(character, "\\" + character)
    return escaped


def to_json(view: TimelineView) -> dict[str, Any]:
    """The timeline as plain JSON values, every sentence with its citation."""
    timeline = view.timeline
    entries = [entry_json(entry) for entry in timeline.entries]
    index = {id(entry): number for number, entry in enumerate(timeline.entries)}
    return {
        "story_id": view.story_id,
        "requested_id": view.requested_id,
        "missing": view.missing,
        "entries": entries,
        "developments": [
            {
                "slot": d.slot,
                "before": d.before,
                "after": d.after,
                "earlier_entries": [index[id(e)] for e in d.earlier],
                "later_entries": [index[id(e)] for e in d.later],
            }
            for d in timeline.developments
        ],
    }


def entry_json(entry: TimelineEntry) -> dict[str, Any]:
    """One entry as plain JSON values, every sentence with its citation (the 'what is new' answers
    list the entries new reports tell this way too)."""
    return {
        "when": entry.when,
        "placement": entry.placement.value,
        "date": None
        if entry.date is None
        else {
            "value": entry.date.value,
            "granularity": entry.date.granularity.value,
            "article_id": entry.date.article_id,
            "start": entry.date.start,
            "end": entry.date.end,
            "text": entry.date.text,
            "rule": entry.date.rule,
        },
        "reported": entry.reported.isoformat() if entry.reported else None,
        "state": None if entry.state is None else {"slot": entry.state.slot, "value": entry.state.value},
        "articles": entry.articles,
        "outlets": entry.outlets,
        "origins": entry.origins,
        "events": [
            {
                "article_id": event.article_id,
                "date": event.date.value if event.date else None,
                "reported": event.reported.isoformat() if event.reported else None,
                "sentences": [
                    {
                        "article_id": c.article_id,
                        "external_id": c.external_id,
                        "outlet": c.outlet,
                        "sentence": c.sentence,
                        "start": c.start,
                        "end": c.end,
                        "text": c.text,
                    }
                    for c in event.citations
                ],
            }
            for event in entry.events
        ],
    }
