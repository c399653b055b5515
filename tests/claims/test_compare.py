"""Statuses and independent origins of invented claim groups: copies, same outlet, attributions and
credit lines fold; numbers, negation and speakers conflict; a later state supersedes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storyline.claims.compare import Member, Report, Status, compare_groups
from storyline.models import Claim, ClaimKind

DAY = date(2026, 3, 2)


def claim(text: str, **slots: object) -> Claim:
    return Claim(sentence=0, start=0, end=len(text), text=text, kind=ClaimKind.STATEMENT, **slots)  # type: ignore[arg-type]


def report(article_id: int, outlet: str | None, **fields: object) -> Report:
    values: dict[str, object] = {"published": DAY, "duplicate_of": None, "credit": None} | fields
    return Report(article_id, f"r{article_id}", outlet, **values)  # type: ignore[arg-type]


def test_copies_same_outlet_attribution_and_credit_lines_count_once() -> None:
    said = "Two workers were hurt in the fire."
    reports = {
        1: report(1, "Reuters"),
        2: report(2, "Harbour Times", credit="agencies"),  # carries the wire's fact
        3: report(3, "Coastal Post"),
        4: report(4, "Bayside Daily", duplicate_of=3),  # a syndicated copy
        5: report(5, "Coastal Post"),  # the same outlet again
        6: report(6, "City Ledger"),
    }
    # Each in its own words (the same words would make it a copy); #4 is one by its duplicate group.
    members = [Member(a, 0, claim(f"{said} (version {a})")) for a in (1, 2, 3, 4, 5)]
    members.append(Member(6, 0, claim(said + " according to Reuters", attribution="Reuters")))
    (group,) = compare_groups({0: members}, reports)
    assert group.reports == 6 and [o.name for o in group.origins] == ["Reuters", "Coastal Post"]
    assert group.status is Status.CORROBORATED
    assert group.folded == (
        "#2 credits agencies and Reuters carries it",
        "#4 is a copy of #3",
        "#5 is Coastal Post again: one outlet counts once",
        "#6 attributes it to Reuters",
    )


def test_numbers_negation_and_speakers_conflict() -> None:
    reports = {1: report(1, "AFP"), 2: report(2, "Lakeside Courier")}
    numbers = [
        Member(1, 0, claim("23 hours at sea", numbers=("23 hour",))),
        Member(2, 0, claim("30 hours at sea", numbers=("30 hour",))),
    ]
    negation = [
        Member(1, 1, claim("He resigned.")),
        Member(2, 1, claim("He refused to resign.", negated=True)),
    ]
    quote = "We are happy"
    speakers = [
        Member(1, 2, Claim(0, 0, 5, quote, ClaimKind.QUOTE, speaker="ana brel", quote=quote)),
        Member(2, 2, Claim(0, 0, 5, quote, ClaimKind.QUOTE, speaker="ivo tamm", quote=quote)),
    ]
    found = compare_groups({0: numbers, 1: negation, 2: speakers}, reports)
    assert [g.status for g in found] == [Status.CONFLICTING] * 3
    assert found[0].conflicts == ("numbers differ: 23 hour vs 30 hour",)
    assert found[1].conflicts == ("negation differs: #2 say the opposite",)
    assert found[2].conflicts == ("the quote is given to different speakers: ana brel vs ivo tamm",)


def test_a_later_report_supersedes_an_earlier_state_never_the_same_day() -> None:
    reports = {
        1: report(1, "Rights Wire", published=date(2025, 12, 20)),
        2: report(2, "Devdiscourse", published=datetime(2026, 2, 5, 0, 55, tzinfo=UTC)),
        3: report(3, "Valley News", published=date(2025, 12, 20)),
    }
    detained = Member(
        1, 0, claim("Guan remains listed as a detainee.", states=("detained",), entities=("PERSON:guan",))
    )
    released = Member(
        2, 0, claim("Guan Heng was released.", states=("released",), entities=("PERSON:guan heng",))
    )
    same_day = Member(3, 0, claim("Guan was freed.", states=("released",), entities=("PERSON:guan",)))
    found = compare_groups({0: [detained], 1: [released], 2: [same_day]}, reports)
    assert found[0].status is Status.SUPERSEDED and found[0].superseded_by == released
    assert [g.status for g in found[1:]] == [Status.SINGLE_SOURCE, Status.SINGLE_SOURCE]
    undated = {**reports, 2: report(2, "Devdiscourse", published=None)}
    assert compare_groups({0: [detained], 1: [released]}, undated)[0].status is Status.SINGLE_SOURCE
