"""English time expressions, found and resolved against an invented report's published time.

The reports are dated Thursday 5 February 2026 unless a test says otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storyline.models import Granularity, TimexType
from storyline.timex import recognise

from ..support.timex import tag_text, values

THURSDAY = datetime(2026, 2, 5, 9, 30)


@pytest.mark.parametrize(
    ("sentence", "span", "value"),
    [
        ("The ferry sank on Tuesday near the harbour.", "Tuesday", "2026-02-03"),
        ("Talks resumed on Thursday after a pause.", "Thursday", "2026-02-05"),
        ("The minister will visit the port on Monday.", "Monday", "2026-02-09"),
        ("The council met last Friday.", "last Friday", "2026-01-30"),
        ("The vote is due next Tuesday.", "next Tuesday", "2026-02-10"),
        ("Rescuers found two survivors yesterday.", "yesterday", "2026-02-04"),
        ("The bridge reopens tomorrow.", "tomorrow", "2026-02-06"),
        ("Shares fell 3% last week.", "last week", "2026-W05"),
        ("Prices rose last month.", "last month", "2026-01"),
        ("The plant closed in August 2025.", "August 2025", "2025-08"),
        ("The footage dates from 2020.", "2020", "2020"),
        ("The deal was signed on Feb. 3, 2026, in Oslo.", "Feb. 3, 2026", "2026-02-03"),
        ("Sales fell in the quarter ended Sept. 30.", "Sept. 30", "2025-09-30"),
        ("The offer expires Feb. 20.", "Feb. 20", "2026-02-20"),
        ("The strike began in November.", "November", "2025-11"),
        ("He was detained in August of this year.", "August of this year", "2026-08"),
        ("The factory will reopen early next year.", "early next year", "2027"),
        ("Profit rose in the third quarter.", "the third quarter", "2025-Q3"),
        ("The bank was founded in the 1980s.", "the 1980s", "198"),
        ("The stadium opened in the 20th century.", "the 20th century", "19"),
    ],
)
def test_a_date_is_resolved_against_the_published_day(sentence: str, span: str, value: str) -> None:
    assert values(sentence, THURSDAY)[span] == value


@pytest.mark.parametrize(
    ("sentence", "span", "value", "kind", "granularity"),
    [
        ("He was released after more than five months.", "more than five months", "P5M", "DURATION", "month"),
        ("After 23 hours at sea he reached the coast.", "23 hours", "PT23H", "DURATION", "hour"),
        ("They lived in camps for 2 1/2 years.", "2 1/2 years", "P2Y6M", "DURATION", "year"),
        (
            "A minute and a half later, the lights went out.",
            "A minute and a half",
            "PT1M30S",
            "DURATION",
            "minute",
        ),
        ("Construction crews signed a two-year contract.", "two-year", "P2Y", "DURATION", "year"),
        ("Prices have risen in recent weeks.", "recent weeks", "PXW", "DURATION", "week"),
        ("The market opens every Monday.", "every Monday", "XXXX-WXX-1", "SET", "day"),
        ("The ferry sails on Tuesdays.", "Tuesdays", "XXXX-WXX-2", "SET", "day"),
        ("Orangemen march each July.", "each July", "XXXX-07", "SET", "month"),
        ("The company now employs 300 people.", "now", "PRESENT_REF", "DATE", "reference"),
        ("The firm recently cut its dividend.", "recently", "PAST_REF", "DATE", "reference"),
        ("Officials met earlier this month.", "earlier this month", "2026-02", "DATE", "range"),
        ("Guards were posted this morning.", "this morning", "2026-02-05TMO", "TIME", "part of day"),
        (
            "The store was robbed at 10 p.m. Wednesday.",
            "10 p.m. Wednesday",
            "2026-02-04T22:00",
            "TIME",
            "minute",
        ),
    ],
)
def test_durations_sets_references_and_times_keep_their_type_and_granularity(
    sentence: str, span: str, value: str, kind: str, granularity: str
) -> None:
    (found,) = [e for e in tag_text(sentence, THURSDAY) if e.text == span]
    assert (found.value, found.type, found.granularity) == (value, TimexType(kind), Granularity(granularity))


def test_a_relative_expression_with_no_published_time_stays_unresolved() -> None:
    found = {e.text: e for e in tag_text("The ferry sank on Tuesday, after 23 hours at sea, in 2020.", None)}
    tuesday = found["Tuesday"]
    assert tuesday.value is None and not tuesday.resolved and tuesday.anchor is None
    assert tuesday.reason == "no published time to count from"
    assert tuesday.type is TimexType.DATE and tuesday.granularity is Granularity.UNKNOWN
    # What the text states whole needs no anchor.
    assert (found["2020"].value, found["23 hours"].value) == ("2020", "PT23H")


def test_the_anchor_is_the_published_time_in_the_reports_own_zone() -> None:
    # 00:30 in India on 5 February is still 4 February in UTC: the report's 'yesterday' is the 4th.
    published = datetime(2026, 2, 5, 0, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    (yesterday,) = tag_text("The minister resigned yesterday.", published)
    assert yesterday.value == "2026-02-04"
    assert yesterday.anchor == "2026-02-05T00:30:00+05:30"
    assert published.astimezone(UTC).date().isoformat() == "2026-02-04"


def test_an_anaphor_counts_from_the_period_mentioned_before() -> None:
    text = "Third-quarter profit rose 12%. A year earlier, the company lost money. Sales in the quarter grew."
    found = {e.text: e for e in tag_text(text, datetime(1989, 10, 26))}
    assert found["Third-quarter"].value == "1989-Q3"
    assert (found["A year earlier"].value, found["A year earlier"].anchor) == ("1988-Q3", "1989-Q3")
    assert found["the quarter"].value == "1989-Q3"
    # With no period mentioned before, 'a year ago' is a year before the report.
    assert values("Profit doubled from a year ago.", datetime(1989, 10, 26))["a year ago"] == "1988"


def test_spans_cite_the_stored_text_and_their_sentence() -> None:
    text = "Markets were calm.\n\nOn Tuesday the index fell. It recovered on Wednesday morning."
    found = tag_text(text, THURSDAY)
    assert [(e.text, e.sentence) for e in found] == [("Tuesday", 1), ("Wednesday morning", 2)]
    assert all(text[e.start : e.end] == e.text for e in found)
    assert found[1].value == "2026-02-04TMO"


def test_words_that_only_look_like_dates_are_left_alone() -> None:
    text = (
        "Prices may rise as workers march to the capital; the fall of the dollar cost 1,989 jobs and $2020."
    )
    assert recognise(text) == []


def test_each_expression_says_which_rules_fired() -> None:
    (tuesday,) = tag_text("The ferry sank on Tuesday.", THURSDAY)
    assert tuesday.rule == "weekday: on or before the anchor"
    (august,) = tag_text("It closed in August 2025.", THURSDAY)
    assert august.rule == "month and year: as stated" and august.anchor is None
