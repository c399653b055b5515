"""Claim groups: the same statement in other words, across a story's reports.

Two claims are scored by what they say (the cosine of their sentence vectors), by what the reports
around them are about (the cosine of their reports' mean vectors: 'police arrested a suspect' is
one fact only within one event), and by the slots they share: names, numbers, dates, the speaker of
a quote, and the names each of the two reports gives in that claim alone ('Binghamton', named once
in each report: the two sentences place the same happening, however differently they word it)
unless the two give different days. Groups are made by average linkage over that score
(``group_claims``: a merge of stories or a split regroups), and a new report's claims join the
group they score best with on average (``assign_claims``: one new article costs its claims against
the story's, not a regrouping; each scored as the story stood when its report arrived).
Slots that *differ* never keep claims apart: '23 hours at sea' and '30 hours at sea' are one
statement whose outlets disagree, which is what ``storyline.claims.compare`` reports. Two things
do: a state and the state that overturns it ('held' / 'released': a development, two facts), and
two quotes of different words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix

from storyline.claims.extract import OVERTURNS, days_of
from storyline.models import Claim

Vectors = NDArray[np.float32]
_WORD = re.compile(r"\w+")
_NAMED = ("PERSON:", "ORG:", "PLACE:")  # the entity slot's values that are names


@dataclass(frozen=True, slots=True)
class AlignParams:
    """The score's weights and the linkage threshold (tuned on ECB+'s development topics,
    ``bench/claims.py``)."""

    text: float = 1.0
    context: float = 1.0
    entities: float = 0.1
    numbers: float = 0.05
    dates: float = 0.05
    speaker: float = 0.1
    distinctive: float = 0.1
    clash: float = 1.0
    threshold: float = 0.8


DEFAULT_PARAMS = AlignParams()


@dataclass(frozen=True, slots=True)
class Aligned:
    """A claim as the aligner sees it: which report it is from, what it says, its vector."""

    article_id: int
    claim: Claim
    vector: Vectors


def context_vectors(items: Sequence[Aligned]) -> Vectors:
    """Each claim's report vector: the normalised mean of its report's claim vectors."""
    by_article: dict[int, list[int]] = {}
    for i, item in enumerate(items):
        by_article.setdefault(item.article_id, []).append(i)
    width = items[0].vector.shape[0] if items else 0
    out = np.zeros((len(items), width), dtype=np.float32)
    for rows in by_article.values():
        mean = np.mean([items[i].vector for i in rows], axis=0)
        norm = float(np.linalg.norm(mean))
        out[rows] = mean / norm if norm else mean
    return out


def similarity(
    left: Sequence[Aligned],
    right: Sequence[Aligned],
    left_context: Vectors,
    right_context: Vectors,
    params: AlignParams = DEFAULT_PARAMS,
    centre: float | NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """The score of every (left, right) pair (see the module docstring). ``centre`` is what two
    reports' context cosine is measured from (one value, or one per left row); by default the mean
    over these pairs."""
    if not left or not right:
        return np.zeros((len(left), len(right)))
    a = np.stack([item.vector for item in left]).astype(np.float64)
    b = np.stack([item.vector for item in right]).astype(np.float64)
    context = left_context.astype(np.float64) @ right_context.T.astype(np.float64)
    # Reports count by how much more alike they are than the set's reports are on average: within
    # one story every report is about the event, and the text decides; across events it separates.
    if centre is None:
        centre = float(context.mean())
    elif isinstance(centre, np.ndarray):
        centre = centre[:, np.newaxis]
    score = params.text * (a @ b.T) + params.context * (context - centre)
    left_claims, right_claims = [i.claim for i in left], [i.claim for i in right]
    for weight, slot in (
        (params.entities, lambda c: c.entities),
        (params.numbers, lambda c: c.numbers),
        (params.dates, lambda c: c.dates),
        (params.speaker, lambda c: (c.speaker,) if c.speaker else ()),
    ):
        score += weight * _overlap([slot(c) for c in left_claims], [slot(c) for c in right_claims])
    distinctive = _overlap(_distinctive_names(left), _distinctive_names(right))
    for i, j in zip(*np.nonzero(distinctive), strict=True):
        if _days_differ(left_claims[i], right_claims[j]):
            distinctive[i, j] = 0.0
    score += params.distinctive * distinctive
    for i, j in _clashes([item.claim for item in left], [item.claim for item in right]):
        score[i, j] -= params.clash
    return score


def _clashes(left: Sequence[Claim], right: Sequence[Claim]) -> list[tuple[int, int]]:
    """Pairs that are two facts however alike their words: one reports a state the other's
    overturns ('held at the centre' / 'released from the centre'), or both quote different words."""
    pairs: list[tuple[int, int]] = []
    marked = [(i, c) for i, c in enumerate(left) if c.states or c.quote]
    others = [(j, c) for j, c in enumerate(right) if c.states or c.quote]
    for i, a in marked:
        for j, b in others:
            if (
                _overturn(a, b)
                or _overturn(b, a)
                or (a.quote and b.quote and _quote_overlap(a.quote, b.quote) < 0.5)
            ):
                pairs.append((i, j))
    return pairs


def _overturn(earlier: Claim, later: Claim) -> bool:
    return any(OVERTURNS.get(state) in earlier.states for state in later.states)


def _quote_overlap(first: str, second: str) -> float:
    a, b = set(_WORD.findall(first.lower())), set(_WORD.findall(second.lower()))
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _overlap(left: Sequence[Sequence[str]], right: Sequence[Sequence[str]]) -> NDArray[np.float64]:
    """Shared values of a slot (each claim's values given) over the smaller claim's count (0 when
    either has none)."""
    vocabulary: dict[str, int] = {}
    left_m, left_sizes = _incidence(left, vocabulary, grow=True)
    if not vocabulary:
        return np.zeros((len(left), len(right)))
    # Only the left side's values can be shared: a new report's few claims against a story's many
    # look up the story's values rather than index them all.
    right_m, right_sizes = _incidence(right, vocabulary, grow=False)
    shared: NDArray[np.float64] = np.asarray((left_m @ right_m.T).toarray(), dtype=np.float64)
    sizes = np.minimum.outer(left_sizes, right_sizes)
    out = np.zeros_like(shared)
    np.divide(shared, sizes, out=out, where=sizes > 0)
    return out


def _distinctive_names(items: Sequence[Aligned]) -> list[tuple[str, ...]]:
    """Each claim's names that no other claim of its report gives (``items`` hold whole reports):
    a report names the subject in most sentences, a place or a witness in one."""
    counts: dict[tuple[int, str], int] = {}
    for item in items:
        for value in set(item.claim.entities):
            counts[item.article_id, value] = counts.get((item.article_id, value), 0) + 1
    return [
        tuple(v for v in item.claim.entities if v.startswith(_NAMED) and counts[item.article_id, v] == 1)
        for item in items
    ]


def _days_differ(first: Claim, second: Claim) -> bool:
    """Whether both claims name days and share none."""
    days = days_of(first), days_of(second)
    return bool(days[0] and days[1] and not days[0] & days[1])


def _incidence(
    claims: Sequence[Sequence[str]], vocabulary: dict[str, int], *, grow: bool
) -> tuple[csr_matrix, NDArray[np.float64]]:
    """Which values of ``vocabulary`` each claim has (new values join it when ``grow``), and how
    many distinct values each claim has in all."""
    indptr = [0]
    indices: list[int] = []
    sizes = np.zeros(len(claims), dtype=np.float64)
    for row, claim_values in enumerate(claims):
        if not claim_values:  # most claims give no number, date or speaker
            indptr.append(len(indices))
            continue
        values = set(claim_values)
        sizes[row] = len(values)
        if grow:
            indices.extend(sorted(vocabulary.setdefault(v, len(vocabulary)) for v in values))
        else:
            indices.extend(sorted(vocabulary[v] for v in values if v in vocabulary))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    return csr_matrix((data, indices, indptr), shape=(len(claims), max(len(vocabulary), 1))), sizes


def group_claims(items: Sequence[Aligned], params: AlignParams = DEFAULT_PARAMS) -> list[int]:
    """A group label per claim (0, 1, …, in order of first appearance), by average linkage."""
    if len(items) < 2:
        return [0] * len(items)
    context = context_vectors(items)
    score = similarity(items, items, context, context, params)
    # Linkage wants distances: the score's ceiling less the score (scores pass 1 with the slots).
    ceiling = (
        params.text
        + 2 * params.context
        + params.entities
        + params.numbers
        + params.dates
        + params.speaker
        + params.distinctive
    )
    condensed = np.clip(ceiling - score, 0.0, None)[np.triu_indices(len(items), k=1)]
    labels = fcluster(
        linkage(condensed, method="average"), t=ceiling - params.threshold, criterion="distance"
    )
    first: dict[int, int] = {}
    return [first.setdefault(int(label), len(first)) for label in labels]


def assign_claims(
    existing: Sequence[Aligned],
    groups: Sequence[int],
    new: Sequence[Aligned],
    params: AlignParams = DEFAULT_PARAMS,
) -> list[int]:
    """The group of each new claim: the existing group it scores best with on average, when that
    reaches the threshold, else a new group (numbered after the largest), which the next new claims
    may join.

    A claim is scored as its story stood when its report arrived: against the claims before it, its
    report's context measured from the mean of the reports up to its own. So reports added one at
    a time get the groups they get when added in one batch (new claims come report by report, in
    arrival order)."""
    everything = [*existing, *new]
    context = context_vectors(everything)
    centres = _arrival_centres(everything, context, len(existing))
    score = similarity(new, everything, context[len(existing) :], context, params, centres)
    labels = np.full(len(everything), -1, dtype=np.int64)
    labels[: len(existing)] = groups
    next_label = int(labels.max(initial=-1)) + 1
    for row in range(len(new)):
        # Each group's mean score over the claims labelled so far (the new ones before this row
        # included): one pass of sums and counts per row rather than a pass per group.
        column = len(existing) + row
        known = labels[:column]
        counts = np.bincount(known, minlength=next_label)
        sums = np.bincount(known, weights=score[row, :column], minlength=next_label)
        means = np.divide(sums, counts, out=np.full(next_label, -np.inf), where=counts > 0)
        best_label = int(np.argmax(means)) if next_label else -1
        if best_label < 0 or means[best_label] < params.threshold:
            best_label, next_label = next_label, next_label + 1
        labels[column] = best_label
    return [int(label) for label in labels[len(existing) :]]


def _arrival_centres(everything: Sequence[Aligned], context: Vectors, first_new: int) -> NDArray[np.float64]:
    """For each new claim, the mean context cosine of the claims up to the end of its report (the
    story when that report arrived): the squared length of their mean context vector, from one
    running sum over the new reports."""
    running = context[:first_new].astype(np.float64).sum(axis=0)
    centres = np.zeros(len(everything) - first_new)
    start = first_new
    for end in range(first_new + 1, len(everything) + 1):
        if end < len(everything) and everything[end].article_id == everything[start].article_id:
            continue
        running += context[start:end].astype(np.float64).sum(axis=0)
        mean = running / end
        centres[start - first_new : end - first_new] = float(mean @ mean)
        start = end
    return centres
