"""One happening, many reports: grouping a story's events across its reports.

Two events of different reports tell the same happening when their words agree — cosine of their
words weighted by how rare each is among the story's events (a name or 'reunited' says more than
'said') — and their times can be one time. Each event covers a stretch of days: its date's (a day;
all of August for '2025-08'), or, with no date in its text, the ``RECENT_DAYS`` up to its report
(a report that gives no date tells recent news). Two events may be one when their stretches meet
and their dates, if both have one, are one inside the other ('2025-08' holds '2025-08-14').

Pairs join strongest first; a join is refused when the group's stretches would no longer share a
day or would hold two dates that cannot be one, so a group never chains across time. Candidate
pairs come from the words events share that are not the story's own (in more than ``_COMMON`` of
its events): the words that can tell a happening apart.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import sparse

from storyline.timeline.records import Event

SAME_HAPPENING = 0.3  # cosine; the seeds' reports of one happening score 0.3–0.6, other pairs < 0.2
RECENT_DAYS = 7
_WORD = re.compile(r"\w{2,}")
_COMMON = 0.05
_FEW = 12  # in a small story every word is in a large share of its events: a floor for _COMMON


@dataclass(frozen=True, slots=True)
class _Span:
    """The days an event may have happened on (ordinals), and its date value if it has one."""

    first: int
    last: int
    value: str | None


def group_events(events: Sequence[Event], threshold: float = SAME_HAPPENING) -> list[list[Event]]:
    """``events`` in groups of one happening each, in the order of each group's first event. A
    supporting event (not ``primary``) joins only a primary one of another report."""
    spans = [_span(event) for event in events]
    groups = _Groups(spans)
    for first, second in _similar_pairs(events, spans, threshold):
        groups.join(first, second)
    members: dict[int, list[Event]] = {}
    for index, event in enumerate(events):
        members.setdefault(groups.root(index), []).append(event)
    return list(members.values())


def _similar_pairs(
    events: Sequence[Event], spans: Sequence[_Span | None], threshold: float
) -> list[tuple[int, int]]:
    """Pairs of events that may be one (different reports, one of them primary, stretches that
    meet, dates that nest) with a cosine of at least ``threshold``, the strongest first.

    Sparse matrices do the counting: a story of months has tens of thousands of sentences."""
    if not events:
        return []
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    counts: list[int] = []
    for row, event in enumerate(events):
        text = " ".join(c.text for c in event.citations).lower()
        for word, count in Counter(_WORD.findall(text)).items():
            rows.append(row)
            columns.append(vocabulary.setdefault(word, len(vocabulary)))
            counts.append(count)
    shape = (len(events), len(vocabulary))
    counted = sparse.csr_matrix((np.array(counts, dtype=np.float64), (rows, columns)), shape=shape)
    frequency = np.bincount(np.array(columns, dtype=np.int64), minlength=len(vocabulary))
    weights = counted.copy()
    weights.data = 1 + np.log(weights.data)
    weights = sparse.csr_matrix(weights.multiply(np.log(1 + len(events) / np.maximum(frequency, 1))))
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    weights = sparse.csr_matrix(sparse.diags(1 / np.where(norms > 0, norms, 1)) @ weights)

    # Candidates share a word that is not the story's own, and the second of a pair is primary.
    telling = sparse.diags((frequency <= max(_FEW, int(_COMMON * len(events)))).astype(np.float64))
    shared = sparse.csr_matrix((counted > 0).astype(np.float64) @ telling)
    primary = np.flatnonzero([e.primary and s is not None for e, s in zip(events, spans, strict=True)])
    candidates = (shared @ shared[primary].T).tocoo()
    first, second = candidates.row, primary[candidates.col]
    is_primary = np.zeros(len(events), dtype=bool)
    is_primary[primary] = True
    # A pair of two primary events is met twice: keep it once.
    keep = (first < second) | ~is_primary[first]
    placed = np.array([s is not None for s in spans])
    articles = np.array([e.article_id for e in events])
    starts = np.array([s.first if s else 0 for s in spans])
    ends = np.array([s.last if s else 0 for s in spans])
    keep &= placed[first] & (articles[first] != articles[second])
    keep &= (starts[first] <= ends[second]) & (starts[second] <= ends[first])
    first, second = first[keep], second[keep]
    similarity = np.asarray(weights[first].multiply(weights[second]).sum(axis=1)).ravel()
    strong = similarity >= threshold
    first, second, similarity = first[strong], second[strong], similarity[strong]
    order = np.lexsort((second, first, -similarity))
    pairs = []
    for a, b in zip(first[order].tolist(), second[order].tolist(), strict=True):
        span_a, span_b = spans[a], spans[b]
        if span_a is not None and span_b is not None and _may_be_one(span_a, span_b):
            pairs.append((a, b))
    return pairs


def _span(event: Event) -> _Span | None:
    """The days ``event`` may have happened on; None when nothing places it in time."""
    if event.date is not None:
        period = _period(event.date.value)
        return None if period is None else _Span(period[0], period[1], event.date.value)
    if event.reported is None:
        return None
    last = event.reported.toordinal()
    return _Span(last - RECENT_DAYS, last, None)


def _period(value: str) -> tuple[int, int] | None:
    """The first and last day (ordinals) of a date value: a day, a month, or a year ('2025-W32',
    a quarter or a season count as their year: a date is never made finer than it is)."""
    try:
        year = int(value[:4])
        if len(value) >= 10 and value[7] == "-" and value[5:7].isdigit() and value[8:10].isdigit():
            day = date(year, int(value[5:7]), int(value[8:10])).toordinal()
            return day, day
        if len(value) >= 7 and value[5:7].isdigit():
            month = int(value[5:7])
            end = calendar.monthrange(year, month)[1]
            return date(year, month, 1).toordinal(), date(year, month, end).toordinal()
        return date(year, 1, 1).toordinal(), (date(year + 1, 1, 1) - timedelta(days=1)).toordinal()
    except ValueError:
        return None


def _may_be_one(a: _Span, b: _Span) -> bool:
    if a.first > b.last or b.first > a.last:
        return False
    return a.value is None or b.value is None or _nested(a.value, b.value)


def _nested(first: str, second: str) -> bool:
    """Whether two date values can be one date: equal, or one a stretch holding the other."""
    return first.startswith(second) or second.startswith(first)


class _Groups:
    """Union-find over events whose every group keeps a day all its events may have happened on
    and dates that can all be one."""

    def __init__(self, spans: Sequence[_Span | None]) -> None:
        self._parent = list(range(len(spans)))
        self._first = [s.first if s else 0 for s in spans]
        self._last = [s.last if s else 0 for s in spans]
        self._values: list[set[str]] = [{s.value} if s and s.value else set() for s in spans]

    def root(self, index: int) -> int:
        while self._parent[index] != index:
            self._parent[index] = self._parent[self._parent[index]]
            index = self._parent[index]
        return index

    def join(self, first: int, second: int) -> None:
        a, b = self.root(first), self.root(second)
        if a == b:
            return
        low, high = max(self._first[a], self._first[b]), min(self._last[a], self._last[b])
        values = self._values[a] | self._values[b]
        if low > high or any(not _nested(x, y) for x in values for y in values):
            return
        keep, gone = min(a, b), max(a, b)
        self._parent[gone] = keep
        self._first[keep], self._last[keep], self._values[keep] = low, high, values
