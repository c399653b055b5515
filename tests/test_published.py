"""Publication-time parsing: in-text datelines, supplied date strings, sanity checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from storyline.ingest.published import (
    TIMEZONE_OFFSETS,
    check_published,
    day_first_for,
    local_day_shown,
    parse_dateline,
    parse_published,
    read_in_order,
    reads_both_ways,
    split_language_tag,
    url_day,
)


def _tz(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


def _same(actual: datetime | None, expected: datetime) -> None:
    """Equal instant *and* equal offset (aware datetimes in different zones compare equal)."""
    assert actual is not None
    assert actual == expected
    assert actual.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Updated: 05-02-2026 06:25 IST", datetime(2026, 2, 5, 6, 25, tzinfo=_tz(5.5))),
        ("Published: March 3, 2026 10:15 AM EST", datetime(2026, 3, 3, 10, 15, tzinfo=_tz(-5))),
        ("Mon 5 Feb 2026 09.12 GMT", datetime(2026, 2, 5, 9, 12, tzinfo=UTC)),
        ("2026-02-05T06:25:00Z", datetime(2026, 2, 5, 6, 25, tzinfo=UTC)),
        ("2026-02-05T06:25:00.123+05:30", datetime(2026, 2, 5, 6, 25, tzinfo=_tz(5.5))),
        ("Posted on Tuesday, 3rd March 2026 at 9:05 p.m. ET", datetime(2026, 3, 3, 21, 5, tzinfo=_tz(-5))),
        ("Sept. 3, 2026 12:30 AM PT", datetime(2026, 9, 3, 0, 30, tzinfo=_tz(-7))),  # summer time
        ("By Ana Lima | 03/15/2026 | 10:15 GMT+1", datetime(2026, 3, 15, 10, 15, tzinfo=_tz(1))),
        ("Published 1 July 2026 12:05 PM CST", datetime(2026, 7, 1, 12, 5, tzinfo=_tz(-6))),
        ("Thursday, February 5, 2026 - 17:40 +0100", datetime(2026, 2, 5, 17, 40, tzinfo=_tz(1))),
    ],
)
def test_parse_dateline_with_zone(text: str, expected: datetime) -> None:
    _same(parse_dateline(text), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" date 2026-02-05 Left Menu", datetime(2026, 2, 5)),
        ("Last updated 5 February 2026, 18:30", datetime(2026, 2, 5, 18, 30)),
        ("12.01.2026", datetime(2026, 1, 12)),  # day first
        ("01/13/2026", datetime(2026, 1, 13)),  # month first only because day 13 cannot be a month
    ],
)
def test_parse_dateline_without_zone_is_naive(text: str, expected: datetime) -> None:
    parsed = parse_dateline(text)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is None


def test_dateline_prefers_labelled_and_publication_dates() -> None:
    text = (
        "date 2026-01-30 Menu\n\n"
        "Storm closes schools\n"
        "Updated: 05-02-2026 08:00 IST | Published: 04-02-2026 21:10 IST\n"
        "Snow closed more than 300 schools on Monday.\n"
    )
    _same(parse_dateline(text), datetime(2026, 2, 4, 21, 10, tzinfo=_tz(5.5)))


@pytest.mark.parametrize(
    "text",
    [
        "Storm warning\nThe vote is on March 3, 2026.\nIt was delayed twice.",
        "Storm warning\nThe audit, published on March 3, 2026, found that the storm drains were blocked.",
    ],
)
def test_dateline_ignores_dates_inside_sentences(text: str) -> None:
    assert parse_dateline(text) is None


def test_dateline_sentence_that_starts_with_its_label() -> None:
    assert parse_dateline("Storm warning\nPublished on 3 March 2026.\nSnow fell.") == datetime(2026, 3, 3)


def test_dateline_is_only_looked_for_near_the_top() -> None:
    body = "\n".join(f"Sentence number {i} of the report." for i in range(30))
    assert parse_dateline(body + "\nPublished: March 3, 2026") is None
    assert parse_dateline("Published: March 3, 2026\n" + body) == datetime(2026, 3, 3)


@pytest.mark.parametrize(
    "text", ["Updated: 31-02-2026 06:25 IST", "no date here", "", "Phone: +91-720-6444012"]
)
def test_parse_dateline_rejects_non_dates(text: str) -> None:
    assert parse_dateline(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-05T06:25:00Z", datetime(2026, 2, 5, 6, 25, tzinfo=UTC)),
        ("2026-02-05T06:25:00+05:30", datetime(2026, 2, 5, 6, 25, tzinfo=_tz(5.5))),
        ("Thu, 05 Feb 2026 06:25:00 +0530", datetime(2026, 2, 5, 6, 25, tzinfo=_tz(5.5))),
        ("Thu, 05 Feb 2026 06:25:00 GMT", datetime(2026, 2, 5, 6, 25, tzinfo=UTC)),
        ("5 Feb 2026 06:25 IST", datetime(2026, 2, 5, 6, 25, tzinfo=_tz(5.5))),  # India, not Israel
        ("February 5, 2026 6:25 am EDT", datetime(2026, 2, 5, 6, 25, tzinfo=_tz(-4))),
        ("1738736700", datetime(2025, 2, 5, 6, 25, tzinfo=UTC)),
        ("1738736700000", datetime(2025, 2, 5, 6, 25, tzinfo=UTC)),
        ("5 février 2026 à 06:25 IST", datetime(2026, 2, 5, 6, 25, tzinfo=_tz(5.5))),  # via dateparser
    ],
)
def test_parse_published_with_zone(value: str, expected: datetime) -> None:
    _same(parse_published(value), expected)


@pytest.mark.parametrize(
    ("value", "day_first", "expected"),
    [
        ("2026-02-05", False, datetime(2026, 2, 5)),
        ("2026-02-05 06:25:00", False, datetime(2026, 2, 5, 6, 25)),
        ("05/02/2026", False, datetime(2026, 5, 2)),
        ("05/02/2026", True, datetime(2026, 2, 5)),
        ("15/02/2026", False, datetime(2026, 2, 15)),  # the only possible reading
        ("March 2025", False, datetime(2025, 3, 1)),  # not today's day of the month
        ("5 février 2026", True, datetime(2026, 2, 5)),
    ],
)
def test_parse_published_naive(value: str, day_first: bool, expected: datetime) -> None:
    parsed = parse_published(value, day_first=day_first)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is None


@pytest.mark.parametrize("value", ["", "   ", "garbage", "3 hours ago", "yesterday", "Feb 5"])
def test_parse_published_rejects_unparseable_or_relative(value: str) -> None:
    assert parse_published(value) is None


NOW = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 2, 5, 6, 25, tzinfo=_tz(5.5)),
        datetime(2026, 2, 6, 10, 0, tzinfo=UTC),  # within the clock-skew margin
        datetime(2026, 2, 6, 8, 0),  # naive, local time somewhere ahead of UTC
        datetime(1990, 1, 1),
    ],
)
def test_check_published_accepts_plausible_times(value: datetime) -> None:
    assert check_published(value, now=NOW) == (value, None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (datetime(2026, 2, 7, tzinfo=UTC), "future"),
        (datetime(2027, 1, 1), "future"),
        (datetime(1989, 12, 31, tzinfo=UTC), "before 1990"),
        (datetime(1970, 1, 1), "before 1990"),
    ],
)
def test_check_published_rejects_impossible_times(value: datetime, reason: str) -> None:
    checked, warning = check_published(value, now=NOW)
    assert checked is None
    assert warning is not None and reason in warning


def test_check_published_with_naive_now_and_missing_value() -> None:
    naive_now = NOW.replace(tzinfo=None)
    assert check_published(datetime(2026, 2, 5, 6, 25, tzinfo=_tz(5.5)), now=naive_now)[1] is None
    assert check_published(datetime(2026, 3, 1, tzinfo=UTC), now=naive_now)[0] is None
    assert check_published(None, now=NOW) == (None, None)


def test_timezone_offsets_use_news_meanings() -> None:
    assert TIMEZONE_OFFSETS["IST"] == timedelta(hours=5, minutes=30)
    assert TIMEZONE_OFFSETS["CST"] == timedelta(hours=-6)
    assert TIMEZONE_OFFSETS["BST"] == timedelta(hours=1)
    assert TIMEZONE_OFFSETS["AEDT"] == timedelta(hours=11)
    with pytest.raises(TypeError):
        TIMEZONE_OFFSETS["XYZ"] = timedelta(0)  # type: ignore[index]


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 16 zzz 2012 11:47:32 GMT",  # 'Sun' is June in Tongan; 16 June 2012 was a Saturday
        "Sun, 16 2012 11:47:32 GMT",
    ],
)
def test_parse_published_never_invents_a_month(value: str) -> None:
    assert parse_published(value) is None
    assert parse_published(value, languages=["en"]) is None


def test_parse_published_reads_month_names_in_the_articles_language() -> None:
    assert parse_published("5 février 2026", languages=["fr"]) == datetime(2026, 2, 5)
    assert parse_published("Thursday, 5 February 2026", languages=["fr"]) == datetime(2026, 2, 5)
    assert parse_published("5 février 2026", languages=["xx-unknown"]) == datetime(2026, 2, 5)


def test_weekday_beside_a_date_dateparser_read_must_agree_with_it() -> None:
    assert parse_published("Saturday 16th of June 2012") == datetime(2012, 6, 16)
    assert parse_published("Sunday 16th of June 2012") is None  # something was misread


@pytest.mark.parametrize(
    ("language", "region", "url", "expected"),
    [
        ("en", "us", None, False),
        ("en", "gb", None, True),
        ("en", None, "https://elmsby.example.us/x", False),
        ("en", None, "https://elmsby.example.co.uk/x", True),
        ("en", None, "https://elmsby.example.in/x", True),
        ("en", None, "https://elmsby.example.com/x", None),  # English on a generic domain: either
        ("en", None, "https://elmsby.example.io/x", None),  # '.io' is sold as a generic name
        ("en", "ca", None, None),  # Canada writes both
        ("fr", None, "https://elmsby.example.com/x", True),
        ("fr", "us", None, False),  # the country decides over the language
        ("ja", None, None, None),  # year-first languages have no day-month convention
        (None, None, None, None),
        (None, None, "hard::elmsby.fr-x.html", None),
    ],
)
def test_day_first_follows_country_then_language(
    language: str | None, region: str | None, url: str | None, expected: bool | None
) -> None:
    assert day_first_for(language, region, url) is expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en-US", ("en", "us")),
        ("en_gb", ("en", "gb")),
        ("zh-Hant-TW", ("zh", "tw")),
        ("de", ("de", None)),
        ("", (None, None)),
        ("x1", (None, None)),
    ],
)
def test_split_language_tag(tag: str, expected: tuple[str | None, str | None]) -> None:
    assert split_language_tag(tag) == expected


def test_read_in_order_reports_what_stays_ambiguous() -> None:
    def read(text: str) -> Callable[[bool], datetime | None]:
        return lambda day_first: parse_published(text, day_first=day_first)

    assert read_in_order(read("05/02/2026"), None) == (datetime(2026, 2, 5), True)
    assert read_in_order(read("05/02/2026"), False) == (datetime(2026, 5, 2), False)
    assert read_in_order(read("15/02/2026"), None) == (datetime(2026, 2, 15), False)
    assert read_in_order(read("2026-02-05"), None) == (datetime(2026, 2, 5), False)
    assert read_in_order(read("garbage"), None) == (None, False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/02/2026", True),
        ("05.02.2026 10:30", True),
        ("15/02/2026", False),
        ("05/05/2026", False),
        ("2026-02-05", False),
        ("05/02/2026, day first", False),
    ],
)
def test_reads_both_ways(raw: str, expected: bool) -> None:
    assert reads_both_ways(raw) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://elmsby.example.org/2026/02/05/quay", date(2026, 2, 5)),
        ("https://elmsby.example.org/news/2026-02-05-quay", date(2026, 2, 5)),
        ("https://elmsby.example.org/quay_20260205_1.html", date(2026, 2, 5)),
        ("https://elmsby.example.org/2026/13/45/quay", None),
        ("https://elmsby.example.org/article/120260205", None),
        ("https://elmsby.example.org/quay", None),
        (None, None),
    ],
)
def test_url_day(url: str | None, expected: date | None) -> None:
    assert url_day(url) == expected


@pytest.mark.parametrize(
    ("instant", "day", "expected"),
    [
        (datetime(2026, 2, 4, 23, 30, tzinfo=UTC), date(2026, 2, 5), date(2026, 2, 5)),  # east of UTC
        (datetime(2026, 2, 5, 3, 0, tzinfo=UTC), date(2026, 2, 4), date(2026, 2, 4)),  # the Americas
        (datetime(2026, 2, 4, 23, 30, tzinfo=UTC), date(2026, 2, 4), None),  # same day
        (datetime(2026, 2, 4, 5, 0, tzinfo=UTC), date(2026, 2, 5), None),  # UTC+19 is no zone
        (datetime(2026, 2, 4, 23, 30), date(2026, 2, 5), None),  # naive: no zone to compare
        (datetime(2026, 2, 4, 23, 30, tzinfo=UTC), None, None),
    ],
)
def test_local_day_shown(instant: datetime, day: date | None, expected: date | None) -> None:
    assert local_day_shown(instant, day) == expected


def test_dateline_order_is_the_callers() -> None:
    assert parse_dateline("Updated: 05-02-2026 06:25") == datetime(2026, 2, 5, 6, 25)
    assert parse_dateline("Updated: 05-02-2026 06:25", day_first=False) == datetime(2026, 5, 2, 6, 25)
