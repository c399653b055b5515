"""A story's brief: a few of its claims, each shown with every report that carries it, and the change
log between the brief's states.

Extractive: every sentence of the brief is a claim's own sentence, cited by article, outlet and
character offsets, for each report of its group; there is no sentence without a source. A group
that a later report overturned is never shown as current. What is chosen, most important first:
facts several independent origins carry, developments (a claim that overturns an earlier state),
the newest reports' facts, and what reports put in their first sentences. Single-source and
conflicting facts are marked as such (``note``). ``order`` shows the chosen ones by importance or in
the order they happened: by the date of each group's fact (``FactDate``: the date its claims' text
gives, else the day its first report was published; a year before the days inside it), then as
the story learned them; a fact of no known date last.

Change log: each state of the brief keeps its facts (``fact_record``); ``changes`` says what a new
state gained and lost against the one before it — a fact that came in, a fact dropped (with the
claim that overturned it, when one did), a fact whose status changed (single-source → corroborated,
→ conflicting) — so a reader sees what each report changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from storyline.claims.compare import FactDate, GroupComparison, Member, Report, Status
from storyline.placing import in_time

BRIEF_SIZE = 5


class BriefOrder(StrEnum):
    IMPORTANCE = "importance"
    CHRONOLOGICAL = "chronological"


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a brief sentence's fact is stated: the stored text ``[start, end)`` of the article,
    in its sentence ``sentence`` (what a page links to, ``#s-N``)."""

    article_id: int
    outlet: str | None
    start: int
    end: int
    sentence: int


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """One sentence of a brief: a claim's text, its group's status and origins, a citation per
    report of the group (the shown claim's first) and when its fact happened, when known."""

    group: int
    text: str
    status: Status
    origins: int
    reports: int
    citations: tuple[Citation, ...]
    note: str
    date: FactDate | None = None

    @property
    def members(self) -> tuple[str, ...]:
        """The cited claims as 'article:start', what a later state of the brief matches it by."""
        return tuple(f"{c.article_id}:{c.start}" for c in self.citations)


def make_brief(
    comparisons: Sequence[GroupComparison],
    reports: Mapping[int, Report],
    size: int = BRIEF_SIZE,
    order: BriefOrder = BriefOrder.IMPORTANCE,
) -> list[BriefSentence]:
    """The story's brief (see the module docstring)."""
    current = [c for c in comparisons if c.status is not Status.SUPERSEDED]
    developments = {c.superseded_by.article_id for c in comparisons if c.superseded_by is not None}
    overturning = {
        (c.superseded_by.article_id, c.superseded_by.index)
        for c in comparisons
        if c.superseded_by is not None
    }
    ranks = _recency_ranks(reports)
    scored = sorted(
        current,
        key=lambda c: (-_importance(c, ranks, overturning, developments), _first_seen(c, reports)),
    )
    chosen = scored[:size]
    if order is BriefOrder.CHRONOLOGICAL:
        chosen.sort(
            key=lambda c: (c.date is None, in_time(c.date.value) if c.date else "", _first_seen(c, reports))
        )
    return [_sentence(c, reports, ranks) for c in chosen]


def _importance(
    comparison: GroupComparison,
    ranks: Mapping[int, float],
    overturning: set[tuple[int, int]],
    developments: set[int],
) -> float:
    members = comparison.members
    score = 1.5 * len(comparison.origins) + 0.25 * min(comparison.reports, 4)
    if any((m.article_id, m.index) in overturning for m in members):
        score += 2.0  # a development: it overturned an earlier state
    score += 1.5 * max(ranks.get(m.article_id, 0.0) for m in members)
    lead = min(m.claim.sentence for m in members)
    score += 1.0 if lead <= 1 else 0.5 if lead <= 3 else 0.0
    if all(m.claim.quote for m in members):
        score -= 0.5  # a quote says what someone said; the brief tells what happened first
    return score


def _recency_ranks(reports: Mapping[int, Report]) -> dict[int, float]:
    """Each report's place from oldest (0) to newest (1) by published day; undated reports 0."""
    days = sorted({_day(r.published) for r in reports.values() if r.published is not None})
    if len(days) < 2:
        return dict.fromkeys(reports, 0.0)
    place = {day: i / (len(days) - 1) for i, day in enumerate(days)}
    return {a: place[_day(r.published)] if r.published is not None else 0.0 for a, r in reports.items()}


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _first_seen(comparison: GroupComparison, reports: Mapping[int, Report]) -> tuple[date, int, int]:
    """When the story first carried the fact: the earliest published day of its reports (undated
    last), then the report and sentence, so the order is stable."""
    first = min(comparison.members, key=lambda m: _member_order(m, reports))
    return _member_order(first, reports)


def _member_order(member: Member, reports: Mapping[int, Report]) -> tuple[date, int, int]:
    published = reports[member.article_id].published
    return (_day(published) if published is not None else date.max, member.article_id, member.claim.sentence)


def _sentence(
    comparison: GroupComparison, reports: Mapping[int, Report], ranks: Mapping[int, float]
) -> BriefSentence:
    # The newest report's wording (its lead sentence first) is shown; every report is cited.
    shown = max(
        comparison.members, key=lambda m: (ranks.get(m.article_id, 0.0), -m.claim.sentence, -m.article_id)
    )
    others = [m for m in comparison.members if m is not shown]
    citations = tuple(
        Citation(m.article_id, reports[m.article_id].outlet, m.claim.start, m.claim.end, m.claim.sentence)
        for m in [shown, *others]
    )
    origins = len(comparison.origins)
    if comparison.status is Status.CONFLICTING:
        note = "conflicting: " + "; ".join(comparison.conflicts)
    elif comparison.status is Status.SINGLE_SOURCE:
        note = f"single source: {comparison.origins[0].name}"
    else:
        note = f"{comparison.reports} reports, {origins} independent origins"
    return BriefSentence(
        comparison.group,
        shown.claim.text.strip(),
        comparison.status,
        origins,
        comparison.reports,
        citations,
        note,
        comparison.date,
    )


def fact_record(sentence: BriefSentence) -> dict[str, Any]:
    """A brief sentence as a state of the brief keeps it (JSON-ready)."""
    return {"text": sentence.text, "status": sentence.status.value, "members": list(sentence.members)}


def changes(
    before: Sequence[Mapping[str, Any]],
    after: Sequence[Mapping[str, Any]],
    comparisons: Sequence[GroupComparison],
) -> dict[str, Any]:
    """What the brief gained and lost from ``before`` to ``after`` (fact records), and the facts
    whose status changed; a lost fact says what overturned it, when a later claim did."""
    overturned = {
        f"{m.article_id}:{m.claim.start}": c.superseded_by.claim.text.strip()
        for c in comparisons
        if c.superseded_by is not None
        for m in c.members
    }

    def match(fact: Mapping[str, Any], others: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
        return next((o for o in others if set(o["members"]) & set(fact["members"])), None)

    gained = [{"text": f["text"], "status": f["status"]} for f in after if match(f, before) is None]
    lost: list[dict[str, Any]] = []
    for fact in before:
        if match(fact, after) is not None:
            continue
        by = next((overturned[m] for m in fact["members"] if m in overturned), None)
        lost.append(
            {"text": fact["text"], "why": f"superseded by: {by}" if by else "outranked by newer facts"}
        )
    status = [
        {"text": f["text"], "from": old["status"], "to": f["status"]}
        for f in after
        if (old := match(f, before)) is not None and old["status"] != f["status"]
    ]
    return {"gained": gained, "lost": lost, "status": status}
