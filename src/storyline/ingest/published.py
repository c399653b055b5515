"""Publication-time parsing: in-text datelines, supplied/meta/feed date strings, sanity checks.

Conventions (callers rely on them):

* A datetime is **tz-aware when the input names a zone** (``IST``, ``+05:30``, ``Z``, ``GMT+1``) and
  **naive when it does not**. A naive value means "local time of the outlet, zone unknown"; we do not
  guess a zone because a wrong guess silently shifts event dates by a day near midnight.
* A date without a time of day comes back as midnight (naive unless a zone is given).
* Zone abbreviations mean what *news sites* mean by them (``IST`` is India, not Israel; ``CST`` is US
  Central, not China; ``BST`` is British Summer Time), see ``TIMEZONE_OFFSETS``.
* Ambiguous all-numeric dates (``05/02/2026``) are read in **the order of the outlet's locale**, which
  callers find with ``day_first_for``: the country the page declares ('en-US') or its URL's country
  domain ('.in', '.us'), else its language ('fr' is day first; English is written both ways). When
  nothing says, the date is read **day first** (most of the world's order; Devdiscourse prints
  ``Updated: 05-02-2026 06:25 IST`` for 5 February; US outlets mostly write the month as a word) and
  ``read_in_order`` reports it as ambiguous so the article can say so. When one reading is impossible
  (``03/15/2026``) the other is used, whatever the locale.
* A field the text does not state is never filled in: not from today's date, and not from a word that
  means a month in some language the text is not in (dateparser reads 'Sun' as June in Tongan): given
  the article's language, dateparser reads only that language and English, and a reading of its whose
  weekday contradicts the weekday written beside it ('Sun, 16 … 2012' read as a Saturday) is dropped.
* Nothing here reads the wall clock: callers pass ``now`` where it matters, and relative expressions
  ("3 hours ago") are not resolved (they return ``None``) because there is no base to resolve them against.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache, partial
from types import MappingProxyType
from typing import Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

from storyline.clock import as_utc

_H: Final = timedelta(hours=1)

TIMEZONE_OFFSETS: Final[Mapping[str, timedelta]] = MappingProxyType(
    {
        # Universal / Europe / Africa
        "UTC": timedelta(0),
        "GMT": timedelta(0),
        "WET": timedelta(0),
        "WEST": _H,
        "BST": _H,  # British Summer Time (not Bangladesh)
        "IST": timedelta(hours=5, minutes=30),  # India Standard Time (not Israel, not Irish)
        "CET": _H,
        "CEST": 2 * _H,
        "EET": 2 * _H,
        "EEST": 3 * _H,
        "MSK": 3 * _H,
        "WAT": _H,
        "CAT": 2 * _H,
        "SAST": 2 * _H,
        "EAT": 3 * _H,
        # Middle East / Asia / Pacific
        "GST": 4 * _H,  # Gulf Standard Time
        "PKT": 5 * _H,
        "NPT": timedelta(hours=5, minutes=45),
        "ICT": 7 * _H,
        "WIB": 7 * _H,
        "SGT": 8 * _H,
        "HKT": 8 * _H,
        "PHT": 8 * _H,
        "AWST": 8 * _H,
        "JST": 9 * _H,
        "KST": 9 * _H,
        "ACST": timedelta(hours=9, minutes=30),
        "AEST": 10 * _H,
        "AEDT": 11 * _H,
        "NZST": 12 * _H,
        "NZDT": 13 * _H,
        # Americas (CST is US Central as in US news, not China Standard Time)
        "EST": -5 * _H,
        "EDT": -4 * _H,
        "CST": -6 * _H,
        "CDT": -5 * _H,
        "MST": -7 * _H,
        "MDT": -6 * _H,
        "PST": -8 * _H,
        "PDT": -7 * _H,
        "AKST": -9 * _H,
        "AKDT": -8 * _H,
        "HST": -10 * _H,
        "AST": -4 * _H,  # Atlantic Standard Time (Caribbean, Atlantic Canada)
    }
)

# US outlets write "10:15 a.m. ET": the offset depends on the date (EST or EDT), so these need tz rules.
_REGIONAL_ZONES: Final[Mapping[str, str]] = MappingProxyType(
    {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles"}
)

_MONTHS: Final[Mapping[str, int]] = MappingProxyType(
    {
        name: number
        for number, names in enumerate(
            (
                ("jan", "january"),
                ("feb", "february"),
                ("mar", "march"),
                ("apr", "april"),
                ("may",),
                ("jun", "june"),
                ("jul", "july"),
                ("aug", "august"),
                ("sep", "sept", "september"),
                ("oct", "october"),
                ("nov", "november"),
                ("dec", "december"),
            ),
            start=1,
        )
        for name in names
    }
)

_MONTH = "(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:\b(?i:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?i:day|sday|nesday|rsday|urday)?\.?,?\s+)?"
_ORD = r"(?i:st|nd|rd|th)?"
_ZONE_NAMES = "|".join(sorted([*TIMEZONE_OFFSETS, *_REGIONAL_ZONES], key=len, reverse=True))
_ZONE = (
    r"(?:\s*\(?(?P<zone>Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|"
    + _ZONE_NAMES
    + r")(?![\w+-])\)?)?"
)
# A time only counts when it directly follows the date (so "2026 14, 15" in a phone number is no time).
_TIME = (
    r"(?:(?:T|\s*,?\s*(?i:at\s+)?|\s*[-|]\s*)"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<ampm>(?i:[ap]\.?m\.?))?" + _ZONE + ")?"
)
_ISO_DATE = r"(?<!\d)(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})(?!\d)"
_NUMERIC_DATE = r"(?<![\d+])(?P<num_a>\d{1,2})(?P<sep>[-/.])(?P<num_b>\d{1,2})(?P=sep)(?P<num_y>\d{4})(?!\d)"
_DAY_MONTH_YEAR = (
    _WEEKDAY + r"(?<!\d)(?P<dmy_d>\d{1,2})" + _ORD + r"\s+(?P<dmy_m>" + _MONTH + r"),?\s+(?P<dmy_y>\d{4})\b"
)
_MONTH_DAY_YEAR = (
    _WEEKDAY + r"(?P<mdy_m>\b" + _MONTH + r")\s+(?P<mdy_d>\d{1,2})" + _ORD + r",?\s+(?P<mdy_y>\d{4})\b"
)
_DATE = "(?:" + "|".join((_ISO_DATE, _NUMERIC_DATE, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR)) + ")"
_LABEL = (
    r"(?P<label>\b(?i:(?P<pub>published|posted|created|first\s+published)|"
    r"(?:last\s+)?(?:updated|modified|edited))\b\s*(?i:on|at)?\s*[:\-]?\s*)?"
)
# The leading \b lets the search skip positions inside words cheaply (every form starts a word).
_DATETIME_RE: Final = re.compile(r"\b" + _LABEL + _DATE + _TIME)

# Label strength of a dateline hit: publication labels beat update labels (we want when the report was
# first published), and any label beats a bare date.
_LABEL_PUBLISHED: Final = 2
_LABEL_UPDATED: Final = 1
_LABEL_NONE: Final = 0

# A bare (unlabelled) date only counts as a dateline on a short line that is not a sentence: a date
# inside body prose ("The vote is on March 3, 2026.") is an event date, not the publication time.
_MAX_DATELINE_WORDS: Final = 16
# Cheap gates before the date pattern, which is slow on long paragraphs: every date form has a 4-digit
# year, and on long lines only labelled dates count.
_YEAR_RE: Final = re.compile(r"(?<!\d)\d{4}(?!\d)")
_LABEL_WORD_RE: Final = re.compile(r"\b(?:published|posted|created|updated|modified|edited)\b")  # lowered
_LEADING_LABEL_RE: Final = re.compile(
    r"\s*(?i:first\s+|last\s+)?(?i:published|posted|created|updated|modified)\b"
)
_DATELINE_SCAN_LINES: Final = 20

_EARLIEST: Final = datetime(1990, 1, 1)
_CLOCK_SKEW: Final = timedelta(days=1)

# English weekday names, by their first three letters, as date strings write them ('Sun,', 'Monday').
_WEEKDAY_RE: Final = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b\.?", re.I)
_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Countries whose numeric dates put the month first: the US with its territories, the Philippines,
# and the Pacific states in free association with the US. Canada writes both orders. Countries that
# write year first (China, Japan, Korea, Hungary ...) have no day-month convention for 'dd/mm/yyyy'.
_MONTH_FIRST_REGIONS: Final = frozenset("us um pr vi gu as mp ph fm mh pw".split())
_UNDECIDED_REGIONS: Final = frozenset("ca cn tw hk mo jp kr kp hu lt mn ir".split())
# English is written in both orders; the year-first languages have no day-month convention either.
_UNDECIDED_LANGUAGES: Final = frozenset("en zh ja ko hu lt mn fa".split())
# Country-code domains sold as generic names ('.io', '.tv', '.fm' radio): they say nothing of a country.
_GENERIC_COUNTRY_DOMAINS: Final = frozenset(
    {"ai", "am", "cc", "co", "fm", "gg", "io", "ly", "me", "nu", "sh", "so", "tk", "to", "tv", "ws"}
)
_REGION_SUBTAG_RE: Final = re.compile(r"^[a-z]{2}$")

# A day in a URL's path: '/2026/02/05/', '/2026-02-05-', '_20260205_'.
_URL_DAY_RE: Final = re.compile(
    r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<sep>[/_-]?)(?P<m>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)(?![\d])"
)
# The zones in use run from UTC-12 to UTC+14: a local day further than that from an instant is not its.
_EARLIEST_OFFSET: Final = timedelta(hours=-12)
_LATEST_OFFSET: Final = timedelta(hours=14)


@dataclass(frozen=True, slots=True)
class DateHit:
    """A date found in one line of text."""

    value: datetime
    label: int  # _LABEL_PUBLISHED, _LABEL_UPDATED or _LABEL_NONE
    has_time: bool

    @property
    def rank(self) -> tuple[int, bool, bool]:
        """Higher is a better publication-time candidate: label, then time of day, then zone."""
        return self.label, self.has_time, self.value.tzinfo is not None


def date_in_line(line: str, *, day_first: bool = True) -> DateHit | None:
    """Best date/time in one line, or None: highest ``rank`` wins, then the earliest."""
    best: DateHit | None = None
    if _YEAR_RE.search(line) is None:
        return None
    for match in _DATETIME_RE.finditer(line):
        value = _datetime_from_match(match, day_first=day_first)
        if value is None:
            continue
        hit = DateHit(value, _label_strength(match), bool(match.group("hour")))
        if best is None or hit.rank > best.rank:
            best = hit
    return best


def find_dateline(lines: Sequence[str], *, day_first: bool = True) -> tuple[int, DateHit] | None:
    """Index and date of the line that best looks like the text's dateline (first lines only)."""
    best: tuple[int, DateHit] | None = None
    for index, line in enumerate(lines[:_DATELINE_SCAN_LINES]):
        hit = _dateline_hit(line, day_first=day_first)
        if hit is not None and (best is None or hit.rank > best[1].rank):
            best = (index, hit)
    return best


def parse_dateline(text: str, *, day_first: bool = True) -> datetime | None:
    """Publication time printed near the top of an article text, or None.

    Finds 'Updated: 05-02-2026 06:25 IST', 'Published: March 3, 2026 10:15 AM EST',
    'Mon 5 Feb 2026 09.12 GMT', '2026-02-05T06:25:00Z', ' date 2026-02-05'. 'Published'/'Created'/'Posted'
    labels are preferred over 'Updated', labelled dates over bare ones.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    found = find_dateline(lines, day_first=day_first)
    return found[1].value if found else None


def parse_published(value: str, *, day_first: bool = True, languages: Sequence[str] = ()) -> datetime | None:
    """A supplied, meta or feed date string (ISO 8601, RFC 822, common formats), or None.

    ``day_first`` decides ambiguous numeric dates ('05/02/2026'), see the module docstring.
    ``languages`` are the ISO 639-1 codes the string may be written in (the article's language); month
    and weekday names are then read in those and English only. Relative expressions are not resolved.
    """
    text = " ".join(value.split())
    if not text:
        return None
    # Our own pattern goes before RFC 822: email.utils silently drops zones it does not know ('IST').
    own_pattern = partial(_parse_pattern, day_first=day_first)
    for parse in (_parse_timestamp, _parse_iso, own_pattern, _parse_rfc822):
        parsed = parse(text)
        if parsed is not None:
            return parsed
    parsed = _parse_with_dateparser(text, day_first=day_first, languages=languages)
    return parsed if parsed is not None and _weekday_agrees(text, parsed) else None


def read_in_order(
    read: Callable[[bool], datetime | None], day_first: bool | None
) -> tuple[datetime | None, bool]:
    """``read(day_first)`` in the locale's order; ``(value, ambiguous)``.

    With no order known (``None``) the value is read day first, and ``ambiguous`` says whether reading
    month first would have given another date: the caller should then say the value may be wrong.
    """
    if day_first is not None:
        return read(day_first), False
    value = read(True)
    return value, value is not None and read(False) != value


def reads_both_ways(raw: str) -> bool:
    """Whether ``raw`` is a numeric date ('05/02/2026', '05.02.2026 10:30') that reads as two dates."""
    match = _DATETIME_RE.fullmatch(" ".join(raw.split()))
    if match is None or not match.group("num_y"):
        return False
    first, second = int(match.group("num_a")), int(match.group("num_b"))
    return first != second and first <= 12 and second <= 12


def day_first_for(
    language: str | None = None, region: str | None = None, url: str | None = None
) -> bool | None:
    """Whether the outlet's locale writes numeric dates day first (True), month first (False), or
    either (None).

    ``region`` is the country the page declares (the 'US' of 'en-US'); failing that, the URL's
    country-code domain; failing that, ``language`` (a primary subtag such as 'fr').
    """
    region = (region or "").lower() or region_of_url(url)
    if region:
        if region in _MONTH_FIRST_REGIONS:
            return False
        return None if region in _UNDECIDED_REGIONS else True
    if language:
        return None if language.lower() in _UNDECIDED_LANGUAGES else True
    return None


def split_language_tag(tag: str) -> tuple[str | None, str | None]:
    """('en', 'us') from 'en-US', 'en_us' or 'en-Latn-US'; (None, None) when it is no language tag."""
    subtags = tag.strip().replace("_", "-").lower().split("-")
    primary = subtags[0]
    if not (primary.isalpha() and len(primary) in (2, 3)):
        return None, None
    region = next((sub for sub in subtags[1:] if _REGION_SUBTAG_RE.match(sub)), None)
    return primary, region


def region_of_url(url: str | None) -> str | None:
    """Country of a URL's country-code domain ('lemonde.fr' -> 'fr'), None for '.com', '.io' ..."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return None
    tld = host.rsplit(".", 1)[-1]
    if "." not in host or not _REGION_SUBTAG_RE.match(tld) or tld in _GENERIC_COUNTRY_DOMAINS:
        return None
    return "gb" if tld == "uk" else tld


def url_day(url: str | None) -> date | None:
    """The calendar day a URL's path names ('/2026/02/05/', '-20260205-'), or None."""
    if not url:
        return None
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
    for match in _URL_DAY_RE.finditer(path):
        try:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            continue
    return None


def local_day_shown(instant: datetime | date, day: date | None) -> date | None:
    """``day`` when it is the local calendar day of ``instant`` somewhere, yet not the day the instant
    was written in; else None.

    A page stamped '2026-02-04T23:30:00Z' whose URL says /2026/02/05/ was published on 5 February
    where the outlet is: the instant stays as written (its day is 4 February in UTC), and this is the
    day a reader of the page sees. A naive instant has no zone to compare with, so nothing is shown.
    """
    if day is None or not isinstance(instant, datetime) or instant.tzinfo is None or instant.date() == day:
        return None
    utc = instant.astimezone(UTC).replace(tzinfo=None)
    reachable = (utc + _EARLIEST_OFFSET).date() <= day <= (utc + _LATEST_OFFSET).date()
    return day if reachable else None


# A time of day written out: '08:15', '8.15', '14h30', 'T08', '8 pm', 'noon'. A bare number is a
# Unix timestamp, which is a time too.
_CLOCK_TIME = re.compile(
    r"\d{1,2}\s*[:h.]\s*\d{2}|T\d{2}|\d{1,2}\s*[ap]\.?\s?m\b|\bnoon\b|\bmidnight\b", re.I
)


def states_time(raw: str) -> bool:
    """Whether a date string gives a time of day, not only a day: a parser's midnight for
    '2011-01-26' is a day, and storing it as 00:00 would make it finer than its evidence."""
    text = raw.strip()
    return text.isdigit() or _CLOCK_TIME.search(text) is not None


def check_published(
    value: datetime | date | None, *, now: datetime
) -> tuple[datetime | date | None, str | None]:
    """Reject impossible publication times: after ``now`` (plus a day of clock skew) or before 1990.

    Returns ``(value, None)`` when plausible, ``(None, warning)`` when not. A time without a zone is
    read as UTC (``as_utc``); the day of margin covers any zone it may really have been in.
    """
    if value is None:
        return None, None
    if as_utc(value).replace(tzinfo=None) < _EARLIEST:
        return None, f"published time {value.isoformat()} is before {_EARLIEST.year}; ignored"
    if as_utc(value) > as_utc(now) + _CLOCK_SKEW:
        return None, f"published time {value.isoformat()} is in the future (now {now.isoformat()}); ignored"
    return value, None


def _dateline_hit(line: str, *, day_first: bool) -> DateHit | None:
    """The line's date if the line can be a dateline, else None.

    A bare date counts on a short line that is not a sentence; a labelled one on any line that is not a
    sentence or that starts with the label ('Published on 3 March 2026.'), but not inside prose ('The
    report, published on March 3, 2026, found …' dates the report, not the article).
    """
    sentence = line.rstrip("\"'”’)] ").endswith((".", "!", "?"))
    if not sentence and line.count(" ") < _MAX_DATELINE_WORDS:
        return date_in_line(line, day_first=day_first)
    if sentence and not _LEADING_LABEL_RE.match(line):
        return None
    if _YEAR_RE.search(line) is None or _LABEL_WORD_RE.search(line.lower()) is None:
        return None  # cheap gates: the date pattern is slow on long paragraphs
    hit = date_in_line(line, day_first=day_first)
    return hit if hit is not None and hit.label != _LABEL_NONE else None


def _label_strength(match: re.Match[str]) -> int:
    if not match.group("label"):
        return _LABEL_NONE
    return _LABEL_PUBLISHED if match.group("pub") else _LABEL_UPDATED


def _datetime_from_match(match: re.Match[str], *, day_first: bool) -> datetime | None:
    year, month, day = _ymd(match, day_first=day_first)
    hour, minute, second = _hms(match)
    zone = _zone(match.group("zone"))
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:  # 31 February, hour 25 …: not a date
        return None
    return naive if zone is None else naive.replace(tzinfo=zone)


def _ymd(match: re.Match[str], *, day_first: bool) -> tuple[int, int, int]:
    groups = match.groupdict()
    if groups["iso_y"]:
        return int(groups["iso_y"]), int(groups["iso_m"]), int(groups["iso_d"])
    if groups["num_y"]:
        first, second = int(groups["num_a"]), int(groups["num_b"])
        # Only an impossible reading overrides the preferred order (day 15 cannot be a month).
        if (day_first and second > 12) or (not day_first and first <= 12):
            return int(groups["num_y"]), first, second
        return int(groups["num_y"]), second, first
    if groups["dmy_y"]:
        return int(groups["dmy_y"]), _month(groups["dmy_m"]), int(groups["dmy_d"])
    return int(groups["mdy_y"]), _month(groups["mdy_m"]), int(groups["mdy_d"])


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def _hms(match: re.Match[str]) -> tuple[int, int, int]:
    if not match.group("hour"):
        return 0, 0, 0
    hour = int(match.group("hour"))
    ampm = match.group("ampm")
    if ampm:
        is_pm = ampm[0] in "pP"
        if hour == 12:
            hour = 0
        if is_pm:
            hour += 12
    return hour, int(match.group("minute")), int(match.group("second") or 0)


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    if name == "Z":
        return UTC
    if name in TIMEZONE_OFFSETS:
        return timezone(TIMEZONE_OFFSETS[name], name)
    if name in _REGIONAL_ZONES:
        return _regional_zone(_REGIONAL_ZONES[name])
    return _offset_zone(name.removeprefix("GMT").removeprefix("UTC").replace(" ", ""))


def _offset_zone(offset: str) -> tzinfo | None:
    """'+05:30', '+0530', '+1', '-3:00' → fixed-offset zone; None when out of range."""
    sign = -1 if offset.startswith("-") else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    delta = sign * timedelta(hours=int(hours), minutes=int(minutes))
    if abs(delta) >= timedelta(hours=24):
        return None
    return timezone(delta)


@cache
def _regional_zone(key: str) -> tzinfo | None:
    try:
        return ZoneInfo(key)
    except ZoneInfoNotFoundError:  # no tz database on this machine: the zone stays unknown
        return None


def _parse_timestamp(text: str) -> datetime | None:
    """Unix seconds or milliseconds (feeds and JSON APIs) → aware UTC."""
    if not text.isdigit() or len(text) not in (10, 13):
        return None
    seconds = int(text) / (1000 if len(text) == 13 else 1)
    return datetime.fromtimestamp(seconds, UTC)


def _parse_iso(text: str) -> datetime | None:
    if not text[:4].isdigit():
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_pattern(text: str, *, day_first: bool) -> datetime | None:
    match = _DATETIME_RE.fullmatch(text)
    return _datetime_from_match(match, day_first=day_first) if match else None


def _parse_rfc822(text: str) -> datetime | None:
    if "," not in text[:5] and not text[:2].strip().isdigit():
        return None
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


_ZONE_WORD_RE: Final = re.compile(r"\b(" + "|".join(TIMEZONE_OFFSETS) + r")\b")


def _parse_with_dateparser(text: str, *, day_first: bool, languages: Sequence[str]) -> datetime | None:
    # Replace abbreviations by numeric offsets first: dateparser reads IST as Israel and CST as China.
    with_offsets = _ZONE_WORD_RE.sub(lambda m: _format_offset(TIMEZONE_OFFSETS[m.group(1)]), text)
    if languages:
        try:
            return _dateparser(with_offsets, day_first=day_first, languages=["en", *languages])
        except ValueError:  # a language dateparser does not know: read as if it were not given
            pass
    return _dateparser(with_offsets, day_first=day_first, languages=None)


def _dateparser(text: str, *, day_first: bool, languages: list[str] | None) -> datetime | None:
    return dateparser.parse(  # type: ignore[no-any-return]
        text,
        languages=languages,
        settings={
            "DATE_ORDER": "DMY" if day_first else "MDY",
            # Without these dateparser fills a missing day from today's date and parses "3 hours ago"
            # against the wall clock; requiring month and year keeps results independent of when we run.
            "PREFER_DAY_OF_MONTH": "first",
            "REQUIRE_PARTS": ["month", "year"],
            "PARSERS": ["custom-formats", "absolute-time"],
        },
    )


def _weekday_agrees(text: str, value: datetime) -> bool:
    """False when the text names a weekday that the date does not fall on."""
    named = _WEEKDAY_RE.search(text)
    return named is None or _WEEKDAYS.index(named.group(1).lower()) == value.weekday()


def _format_offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"
