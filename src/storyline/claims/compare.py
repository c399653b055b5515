"""A story's claim groups compared: how many independent origins report each, and its status.

Independence. Each report starts as its outlet's origin (a report of no known outlet is its own).
Then what is not independent is folded, and each fold is said: a copy in a duplicate group counts
as the report it copies; several reports of one outlet are one origin; a claim that credits an
outlet or a wire ('according to Reuters') counts toward that one; a report whose credit line names a
wire counts as that wire, and one crediting unnamed 'agencies' counts as the wire that carries the
same fact in the story, when one does.

Status, the first that holds:

* superseded — a later report overturns it: a claim of a report published strictly later (a day
  given without a time is compared as a day) reports the state that overturns this one's ('released'
  after 'remains listed as a detainee') about a person or organisation they both name. It stays in
  the story, marked, with the claim that overturned it;
* conflicting — the reports disagree on a slot: a number of the same unit, a date of the same
  precision, the place, the speaker of a quote, or one denies what the other states;
* corroborated — two independent origins or more;
* single-source — one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache

from storyline.claims.extract import OVERTURNS, days_of
from storyline.models import Claim, ClaimKind, Granularity, TimeExpression
from storyline.placing import placing_expression

# Wires and agencies whose copy other outlets carry; compared as squashed names.
WIRES = frozenset(
    {
        "reuters", "thomsonreuters", "associatedpress", "ap", "apnews", "afp", "agencefrancepresse",
        "pti", "presstrustofindia", "ani", "ians", "upi", "unitedpressinternational", "xinhua",
        "dpa", "efe", "ansa", "kyodo", "kyodonews", "yonhap", "tass", "bernama", "anadolu",
        "anadoluagency", "aap", "bloomberg",
    }
)  # fmt: skip


_Values = Callable[[Claim], set[str]]  # reads one slot's values off a claim


class Status(StrEnum):
    CORROBORATED = "corroborated"
    SINGLE_SOURCE = "single-source"
    CONFLICTING = "conflicting"
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Report:
    """What independence and supersession need of one article of the story."""

    article_id: int
    external_id: str
    outlet: str | None
    published: datetime | date | None
    duplicate_of: int | None
    credit: str | None


@dataclass(frozen=True, slots=True)
class Member:
    """One claim of a group: the article it is from and its index among the article's claims."""

    article_id: int
    index: int
    claim: Claim


@dataclass(frozen=True, slots=True)
class Origin:
    """One independent origin of a group: its name and the reports that count as it."""

    name: str
    article_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FactDate:
    """When a group's fact happened, never finer than its evidence: the date its claims' own text
    gives (``stated``: a time expression's TIMEX3 value and granularity, at ``start``/``end`` of
    the article ``article_id``, written ``text``) or, when none gives one, the day the first of its
    reports was published (the article that was)."""

    value: str
    granularity: Granularity
    stated: bool
    article_id: int
    start: int | None = None
    end: int | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class GroupComparison:
    """A claim group with its status, origins and why (``folded``: the copies and attributions
    counted once; ``conflicts``: the slots the reports disagree on; ``superseded_by``: the claim
    that overturned it) and, when the story's time expressions were read, when its fact happened
    (``date``)."""

    group: int
    members: tuple[Member, ...]
    status: Status
    origins: tuple[Origin, ...]
    folded: tuple[str, ...]
    conflicts: tuple[str, ...]
    superseded_by: Member | None
    date: FactDate | None = None

    @property
    def reports(self) -> int:
        return len({m.article_id for m in self.members})


@lru_cache(maxsize=4096)
def squash(name: str) -> str:
    """An outlet or wire name as a comparison key: 'The Associated Press' → 'associatedpress'
    (kept: a story's few names are squashed once per report and group on every comparison)."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"^the\s+", "", name.strip().lower()))


def compare_groups(
    groups: Mapping[int, Sequence[Member]], reports: Mapping[int, Report]
) -> list[GroupComparison]:
    """Every group of a story compared (see the module docstring), in group order."""
    outlets = {squash(r.outlet) for r in reports.values() if r.outlet}
    out: list[GroupComparison] = []
    everything = [m for members in groups.values() for m in members]
    copied = copies(everything, reports)
    overturning = [m for m in everything if any(state in OVERTURNS for state in m.claim.states)]
    for group, members in sorted(groups.items()):
        origins, folded = independent_origins(members, reports, outlets, copied)
        overturned_by = _overturned_by(members, overturning, reports)
        conflicts = _conflicts(members)
        if overturned_by is not None:
            status = Status.SUPERSEDED
        elif conflicts:
            status = Status.CONFLICTING
        elif len(origins) >= 2:
            status = Status.CORROBORATED
        else:
            status = Status.SINGLE_SOURCE
        out.append(
            GroupComparison(
                group, tuple(members), status, origins, tuple(folded), tuple(conflicts), overturned_by
            )
        )
    return out


COPY_SHARE = 0.5


def copies(everything: Sequence[Member], reports: Mapping[int, Report]) -> dict[int, int]:
    """Reports that copy another of the story: its duplicate group's canonical member, else the
    earliest report (by published time, then arrival) from which at least half of its claims are
    taken word for word (a syndicated copy with a new headline, trimmed, that the near-duplicate
    finder did not pair)."""
    texts: dict[int, set[str]] = {}
    for member in everything:
        texts.setdefault(member.article_id, set()).add(" ".join(member.claim.text.lower().split()))
    copied: dict[int, int] = {
        a: r.duplicate_of
        for a, r in reports.items()
        if r.duplicate_of is not None and r.duplicate_of in reports
    }
    order = sorted(texts, key=lambda a: (_sort_day(reports[a].published), a))
    for position, article_id in enumerate(order):
        if article_id in copied:
            continue
        own = texts[article_id]
        for earlier in order[:position]:
            if len(own & texts[earlier]) >= COPY_SHARE * len(own):
                copied[article_id] = copied.get(earlier, earlier)
                break
    return copied


def fact_date(
    members: Sequence[Member],
    reports: Mapping[int, Report],
    expressions: Mapping[int, Sequence[TimeExpression]],
) -> FactDate | None:
    """When the members' fact happened (see ``FactDate``): the finest date a member's own sentence
    places it on (the earliest report's, on a tie), else the earliest day its reports were
    published; None when neither is known. ``expressions`` are the time expressions by article."""
    ordered = sorted(members, key=lambda m: (_sort_day(reports[m.article_id].published), m.article_id))
    found: list[tuple[int, TimeExpression]] = []
    for member in ordered:
        own = [
            e
            for e in expressions.get(member.article_id, ())
            if member.claim.start <= e.start < member.claim.end
        ]
        best = placing_expression(own)
        if best is not None:
            found.append((member.article_id, best))
    chosen = placing_expression(e for _, e in found)
    if chosen is not None and chosen.value is not None:
        article_id = found[[e for _, e in found].index(chosen)][0]
        return FactDate(
            chosen.value, chosen.granularity, True, article_id, chosen.start, chosen.end, chosen.text
        )
    first = ordered[0] if ordered else None
    published = reports[first.article_id].published if first is not None else None
    if first is None or published is None:
        return None
    return FactDate(_day(published).isoformat(), Granularity.DAY, False, first.article_id)


def _sort_day(value: datetime | date | None) -> date:
    return date.max if value is None else _day(value)


def independent_origins(
    members: Sequence[Member],
    reports: Mapping[int, Report],
    story_outlets: set[str],
    copied: Mapping[int, int],
) -> tuple[tuple[Origin, ...], list[str]]:
    """The origins the members' reports count as, and a line per fold saying why."""
    articles = sorted({m.article_id for m in members})
    present_wires = {
        squash(reports[a].outlet or ""): reports[a].outlet or ""
        for a in articles
        if squash(reports[a].outlet or "") in WIRES
    }
    names: dict[str, str] = {}  # origin key → shown name
    origin_of: dict[int, str] = {}
    folded: list[str] = []
    attributions = _attributions(members, story_outlets)
    for article_id in articles:
        report = reports[article_id]
        key, name = _own_origin(report)
        before = len(folded)
        source = copied.get(article_id)
        if source is not None:
            key, name = _own_origin(reports[source])
            folded.append(f"#{article_id} is a copy of #{source}")
        attributed = attributions.get(article_id)
        if attributed is not None:
            key, name = squash(attributed), attributed
            folded.append(f"#{article_id} attributes it to {attributed}")
        elif report.credit is not None:
            credited = squash(report.credit)
            if credited in WIRES:
                key, name = credited, report.credit
                folded.append(f"#{article_id} credits {report.credit}")
            elif report.credit == "agencies" and present_wires and key not in present_wires:
                key, name = sorted(present_wires.items())[0]
                folded.append(f"#{article_id} credits agencies and {name} carries it")
        if key in names and len(folded) == before:
            folded.append(f"#{article_id} is {names[key]} again: one outlet counts once")
        names.setdefault(key, name)
        origin_of[article_id] = key
    origins = tuple(
        Origin(names[key], tuple(a for a in articles if origin_of[a] == key))
        for key in dict.fromkeys(origin_of[a] for a in articles)
    )
    return origins, folded


def _own_origin(report: Report) -> tuple[str, str]:
    if report.outlet:
        return squash(report.outlet), report.outlet
    return f"#{report.article_id}", f"report #{report.article_id}"


def _attributions(members: Sequence[Member], story_outlets: set[str]) -> dict[int, str]:
    """The outlet or wire each article's claims credit, when they credit one (a wire, or an outlet
    of the story; the first such claim of the article); an official source ('according to the ICE
    database') is no origin of its own."""
    found: dict[int, str] = {}
    for member in members:
        who = member.claim.attribution
        if who and member.article_id not in found and (squash(who) in WIRES or squash(who) in story_outlets):
            found[member.article_id] = who
    return found


def later(first: datetime | date | None, second: datetime | date | None) -> bool:
    """Whether ``second`` is strictly after ``first``; a day without a time compares as a day, and
    an unknown time is never after anything."""
    if first is None or second is None:
        return False
    if isinstance(first, datetime) and isinstance(second, datetime):
        return second > first
    return _day(second) > _day(first)


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


_ACTORS = ("PERSON:", "ORG:", "PLACE:")  # what a state is of: a person, a body, a place


def _overturned_by(
    members: Sequence[Member], overturning: Sequence[Member], reports: Mapping[int, Report]
) -> Member | None:
    """The first claim of a later report (of the story's claims that report a later state) that
    overturns every member's state, if one does."""
    earlier = {state for m in members for state in m.claim.states if state in OVERTURNS.values()}
    if not earlier or any(not set(m.claim.states) & earlier for m in members):
        return None
    newest = [reports[m.article_id].published for m in members]
    for candidate in overturning:
        overturned = {OVERTURNS[s] for s in candidate.claim.states if s in OVERTURNS}
        if not overturned & earlier:
            continue
        if not all(later(when, reports[candidate.article_id].published) for when in newest):
            continue
        if any(_same_actor(candidate.claim, m.claim) for m in members):
            return candidate
    return None


def _same_actor(first: Claim, second: Claim) -> bool:
    """Whether two claims are about one person, body or place: a name of one is the other's, or
    part of it ('Guan' and 'Guan Heng'); two claims naming none are about the story's subject."""
    actors = [
        [set(e.split(":", 1)[1].split()) for e in c.entities if e.startswith(_ACTORS)]
        for c in (first, second)
    ]
    if not actors[0] or not actors[1]:
        return not actors[0] and not actors[1]
    return any(a <= b or b <= a for a in actors[0] for b in actors[1] if a and b)


def _conflicts(members: Sequence[Member]) -> list[str]:
    """What the members of different reports disagree on, one line per slot."""
    found: list[str] = []
    by_article: dict[int, list[Claim]] = {}
    for member in members:
        by_article.setdefault(member.article_id, []).append(member.claim)
    if len(by_article) < 2:
        return found
    units: dict[str, dict[int, set[str]]] = {}
    for article_id, claims in by_article.items():
        for claim in claims:
            for number in claim.numbers:
                value, _, unit = number.partition(" ")
                if unit:
                    units.setdefault(unit, {}).setdefault(article_id, set()).add(value)
    for unit, values in sorted(units.items()):
        if len(values) >= 2 and len({frozenset(v) for v in values.values()}) > 1:
            shown = sorted({f"{v} {unit}" for vs in values.values() for v in vs})
            found.append("numbers differ: " + " vs ".join(shown))
    # Days are compared as days: '2026-03-02' and '2026-03-02TMO' (that morning) agree.
    found.extend(_disagree(by_article, "dates differ", days_of))
    found.extend(
        _disagree(by_article, "places differ", lambda c: {e for e in c.entities if e.startswith("PLACE:")})
    )
    found.extend(
        _disagree(
            by_article,
            "the quote is given to different speakers",
            lambda c: {c.speaker} if c.kind is ClaimKind.QUOTE and c.speaker else set(),
        )
    )
    negated = {a: any(c.negated for c in claims) for a, claims in by_article.items()}
    if len(set(negated.values())) > 1:
        deniers = ", ".join(f"#{a}" for a, n in sorted(negated.items()) if n)
        found.append(f"negation differs: {deniers} say the opposite")
    return found


def _disagree(by_article: Mapping[int, Sequence[Claim]], what: str, values: _Values) -> list[str]:
    """A line when two reports each give the slot one value, and not the same one (a report that
    names several places or dates says more than the slot, not something else)."""
    per_article = {a: set().union(*(values(c) for c in claims)) for a, claims in by_article.items()}
    given = [v for v in per_article.values() if v]
    if len(given) >= 2 and all(len(v) == 1 for v in given) and not set.intersection(*given):
        shown = " vs ".join(sorted(", ".join(sorted(v)) for v in given))
        return [f"{what}: {shown}"]
    return []
