"""English recognition rules: where a time expression starts and ends, and what it says.

Spans follow TimeML's TIMEX3 conventions, as the evaluation data marks them: a determiner and a
modifier belong to the expression ('the third quarter', 'early next year', 'more than five
months'), a preposition does not ('on Tuesday' → 'Tuesday'). Where two rules match overlapping
text the longest match wins (``storyline.timex.recognise``), so a rule for 'last year' need not
worry about 'last year's third quarter'.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from storyline.timex.grammar import (
    APPROX_WORDS,
    DIGIT,
    MOD_WORDS,
    MONTH,
    PART,
    SEASON,
    UNIT,
    WEEKDAY,
    Groups,
    Rule,
    amount,
    day_and_month_valid,
    duration,
    mod,
    two_digit_year,
)
from storyline.timex.lexicon import ENGLISH, NIGHT, numbered
from storyline.timex.records import (
    Absolute,
    Anaphor,
    Duration,
    MonthDay,
    NamedPeriod,
    NotATime,
    Offset,
    Reading,
    Recurrence,
    Reference,
    Weekday,
)

_SHIFTS = {
    **dict.fromkeys(("last", "past", "previous", "prior", "this past", "the previous", "the prior"), -1),
    **dict.fromkeys(("the past", "the last"), -1),
    **dict.fromkeys(("this", "the current", "current", "the same"), 0),
    **dict.fromkeys(
        ("next", "coming", "this coming", "the coming", "the next", "the following", "following"), 1
    ),
}
_DEICTIC_DAYS = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
_DECADE_WORDS = numbered("twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties", start=2)
_CENTURY_WORDS = numbered(
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    "fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|twenty-first"
)

# 'nineteen ninety-six', 'twenty twenty', 'two thousand and one' (spoken years, in transcripts).
_TENS_ONES = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s]+(?:one|two|three|four|five"
    r"|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    r"|eighteen|nineteen)"
)
SPOKEN_YEAR = (
    rf"(?:(?:nineteen|twenty)[-\s]+{_TENS_ONES}|(?:nineteen|twenty)\s+hundred"
    r"|two\s+thousand(?:(?:\s+and)?[-\s]+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven"
    r"|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))?)"
)


def spoken_year(text: str) -> int | None:
    """'nineteen ninety-six' → 1996, 'two thousand and one' → 2001, 'nineteen hundred' → 1900."""
    words = text.lower().replace("-", " ").replace(" and ", " ").split()
    if words[:2] == ["two", "thousand"]:
        return 2000 + sum(ENGLISH.numbers.get(w) or 0 for w in words[2:])
    century = ENGLISH.numbers.get(words[0])
    if century is None:
        return None
    if words[1:] == ["hundred"]:
        return century * 100
    return century * 100 + sum(ENGLISH.numbers.get(w) or 0 for w in words[1:])


def day_number(text: str | None) -> int:
    """The day of '21st', '1er', '3'."""
    digits = re.match(r"\d+", text or "")
    return int(digits.group()) if digits else 0


def _year(g: Groups, name: str = "year") -> int | None:
    text = g[name]
    if text is None:
        return None
    return int(text) if text.isdigit() else spoken_year(text)


def _capitalised_month(g: Groups) -> bool:
    """Month names stand alone only capitalised: 'may' and 'march' are verbs, 'august' an
    adjective."""
    raw = g.raw("month") or ""
    return raw[:1].isupper()


def time_of_day(g: Groups) -> str | None:
    """'T17:00' from '5 p.m.', 'T24:00' from 'midnight', a part of the day 'TNI' from 'night'."""
    if g.has("noon"):
        return "T24:00" if g["noon"] == "midnight" else "T12:00"
    if g.has("hour"):
        hour = int(g["hour"] or 0)
        minute = int(g["minute"] or 0)
        meridiem = (g["ampm"] or "").replace(".", "").replace(" ", "")
        if hour > 24 or minute > 59 or (meridiem and not 1 <= hour <= 12):
            return None
        if meridiem == "pm" and hour < 12:
            hour += 12
        elif meridiem == "am" and hour == 12:
            hour = 0
        return f"T{hour:02d}:{minute:02d}"
    if g.has("part"):
        return "T" + g.lex.parts_of_day[g["part"] or ""]
    return None


# -- readers --------------------------------------------------------------------------------------


def read_full_date(g: Groups) -> Reading | None:
    month, day, year = g.lex.month(g["month"] or ""), day_number(g["day"]), _year(g)
    if year is None or not day_and_month_valid(day, month):
        return None
    return Absolute(f"{year:04d}-{month:02d}-{day:02d}", time=time_of_day(g))


def read_numeric_date(g: Groups) -> Reading | None:
    year = int(g["year"] or 0) if len(g["year"] or "") == 4 else two_digit_year(g["year"] or "0")
    month, day = int(g["month"] or 0), int(g["day"] or 0)
    if not day_and_month_valid(day, month):
        return None
    return Absolute(f"{year:04d}-{month:02d}-{day:02d}", time=time_of_day(g))


def read_month_day(g: Groups) -> Reading | None:
    month, day = g.lex.month(g["month"] or ""), day_number(g["day"])
    if not day_and_month_valid(day, month):
        return None
    return MonthDay(month, day, mod=mod(g["mod"]), time=time_of_day(g))


def read_month_year(g: Groups) -> Reading | None:
    year = _year(g)
    if year is None:
        return None
    value = f"{year:04d}-{g.lex.month(g['month'] or ''):02d}"
    return Absolute(value, mod(g["mod"]))


def read_month_of_relative_year(g: Groups) -> Reading | None:
    return MonthDay(g.lex.month(g["month"] or ""), mod=mod(g["mod"]), year_shift=_SHIFTS[g["rel"] or ""])


def read_relative_month(g: Groups) -> Reading | None:
    """'last April': the last April before the anchor's month; 'this September': this year's."""
    if not _capitalised_month(g):
        return None
    month, shift = g.lex.month(g["month"] or ""), _SHIFTS[g["rel"] or ""]
    if shift == 0:
        return MonthDay(month, mod=mod(g["mod"]), year_shift=0)
    return MonthDay(month, mod=mod(g["mod"]), shift=shift)


def full_month_name(g: Groups) -> int | None:
    """The month a full month name names; None for an abbreviation, which alone may be a name
    ('Jan') or an initial ('Oct.')."""
    word = g["month"] or ""
    return g.lex.months[word] if word in g.lex.months and not word.endswith(".") else None


def read_month(g: Groups) -> Reading | None:
    month = full_month_name(g)
    if month is None or not _capitalised_month(g):
        return None
    return MonthDay(month, mod=mod(g["mod"]))


def read_year(g: Groups) -> Reading | None:
    year = _year(g)
    if year is None:
        return None
    after = g["after"]
    modifier = mod(g["mod"]) or ("ON_OR_AFTER" if after and "earlier" not in after else None)
    return Absolute(f"{year:04d}", modifier or ("ON_OR_BEFORE" if after else None))


def read_decade(g: Groups) -> Reading | None:
    if g.has("decade"):
        value = (g["decade"] or "")[:3]
    elif g.has("short"):
        value = f"19{(g['short'] or '0')[0]}"
    else:
        value = f"19{_DECADE_WORDS[g['word'] or '']}"
    return Absolute(value, mod(g["mod"]))


def read_century(g: Groups) -> Reading | None:
    number = int((g["n"] or "0")[:-2]) if g.has("n") else _CENTURY_WORDS.get(g["nw"] or "", 0)
    if not 1 <= number <= 30:
        return None
    return Absolute(f"{number - 1:02d}", mod(g["mod"]))


def _period(g: Groups) -> tuple[str, int]:
    kind = "Q" if g["kind"] == "quarter" else "H"
    index = g.lex.ordinals.get(g["ord"] or "", 0) if g.has("ord") else (2 if g["which"] == "last" else 1)
    return kind, index


def read_period_of_year(g: Groups) -> Reading | None:
    kind, index = _period(g)
    year = _year(g)
    if year is None or index > (4 if kind == "Q" else 2):
        return None
    return Absolute(f"{year:04d}-{kind}{index}", mod(g["mod"]))


def read_period_of_relative_year(g: Groups) -> Reading | None:
    kind, index = _period(g)
    if index > (4 if kind == "Q" else 2):
        return None
    return NamedPeriod(kind, index, year_shift=_SHIFTS[g["rel"] or ""], mod=mod(g["mod"]))


def read_period(g: Groups) -> Reading | None:
    kind, index = _period(g)
    if index > (4 if kind == "Q" else 2):
        return None
    return NamedPeriod(kind, index, mod=mod(g["mod"]))


def read_period_ended(g: Groups) -> Reading | None:
    """'the quarter ended Sept. 30': the quarter the text is about, if it named one (a company's
    fiscal first quarter may end on 30 September), else the calendar quarter of those months."""
    # The three months that end that day lie mostly in the quarter of the month before it: a
    # quarter ended 31 July is May to July, the second quarter.
    month = (g.lex.month(g["month"] or "") - 2) % 12 + 1
    return Anaphor("period", NamedPeriod("Q", (month - 1) // 3 + 1))


def read_discourse_period(g: Groups) -> Reading | None:
    return Anaphor("period", Offset("quarter", -1))


def read_year_ago(g: Groups) -> Reading | None:
    return Anaphor("period", Offset("year", -1), years=-1, mod=mod(g["mod"]))


def read_period_of_year_anaphor(g: Groups) -> Reading | None:
    year = _year(g)
    if year is None:
        return None
    return Anaphor("period", Absolute(f"{year:04d}"), year=year)


def read_year_anaphor(g: Groups) -> Reading | None:
    shift = _SHIFTS.get(g["rel"] or "", 0)
    return Anaphor("year", Offset("year", shift), years=shift)


def read_ago(g: Groups) -> Reading | None:
    count = amount(g)
    if count is None or not count.is_integer():
        return Reference("PAST_REF")
    unit = g.lex.unit(g["unit"] or "")
    if unit in ("second", "minute", "hour"):
        return None  # 'two hours ago': the report's hour is rarely known to the minute
    return Offset(unit, -int(count), mod(g["mod"]) or ("APPROX" if g.has("approx") else None))


def read_deictic_day(g: Groups) -> Reading | None:
    word = g["word"] or ""
    time = time_of_day(g) or ("TNI" if word == "tonight" else None)
    return Offset("day", _DEICTIC_DAYS[word], mod(g["mod"]), time)


def read_part_of_day(g: Groups) -> Reading | None:
    day = -1 if g["rel"] in ("last", "yesterday") else 1 if g["rel"] == "tomorrow" else 0
    part = g.lex.parts_of_day[g["part"] or ""]
    if g["rel"] == "last" and part != NIGHT:
        return None  # 'last evening' is rare; 'last morning' no time
    return Offset("day", day, mod(g["mod"]), f"T{part}")


def read_relative_unit(g: Groups) -> Reading | None:
    rel, unit = g["rel"] or "", (g["unit"] or "").removeprefix("fiscal ")
    if rel in ("the previous", "the prior", "the following", "the same"):
        return Anaphor("year", Offset("year", _SHIFTS[rel]), years=_SHIFTS[rel]) if unit == "year" else None
    return Offset(unit, _SHIFTS[rel], mod(g["mod"]))


def read_part_of_unit(g: Groups) -> Reading | None:
    shift = _SHIFTS.get(g["rel"] or "this", 0)
    return Offset(g["unit"] or "", shift, mod(g["mod"]) or "END")


def read_weekday(g: Groups) -> Reading | None:
    return Weekday(
        g.lex.weekday(g["weekday"] or ""), _SHIFTS.get(g["rel"] or "", 0), mod(g["mod"]), time_of_day(g)
    )


def read_weekday_set(g: Groups) -> Reading | None:
    time = time_of_day(g) or ""
    return Recurrence(f"XXXX-WXX-{g.lex.weekday(g['weekday'] or '') + 1}{time}")


def read_month_set(g: Groups) -> Reading | None:
    return Recurrence(f"XXXX-{g.lex.month(g['month'] or ''):02d}")


def read_unit_set(g: Groups) -> Reading | None:
    unit = g.lex.unit(g["unit"] or "")
    count = amount(g) if g.has("num") else 1.0
    return Recurrence(duration(count, unit).value)


def read_season(g: Groups) -> Reading | None:
    season = g.lex.seasons[g["season"] or ""]
    year = _year(g)
    if year is not None:
        return Absolute(f"{year:04d}-{season}", mod(g["mod"]))
    rel = g["rel"] or ""
    if (not rel and not g.has("mod")) or (rel == "the" and g["season"] == "fall"):
        return None  # 'spring' the verb, 'the fall of the dollar'
    if rel == "the" and g.has("mod"):
        rel = ""
    shift = _SHIFTS.get(rel)
    return NamedPeriod(season, 0, year_shift=shift, mod=mod(g["mod"]))


def read_reference(value: str) -> Callable[[Groups], Reading | None]:
    return lambda g: Reference(value)


def read_duration(g: Groups) -> Reading | None:
    count = amount(g)
    if count is not None and g.has("half"):
        count += 0.5
    unit = g.lex.unit(g["unit"] or "")
    if count is not None and (count <= 0 or count > 10_000):
        return None
    if g["num"] == "a" and unit == "second":
        return None  # 'a second round'
    modifier = mod(g["mod"]) or ("APPROX" if g["num"] in ("a couple of", "a couple") else None)
    return duration(count, unit, modifier)


def read_vague_duration(g: Groups) -> Reading | None:
    return duration(None, g.lex.unit(g["unit"] or ""))


def read_fiscal_year_duration(g: Groups) -> Reading | None:
    return duration(1, "year")


def read_time(g: Groups) -> Reading | None:
    """A clock time, on the day the words around it name (the report's day when none)."""
    time = time_of_day(g)
    if time is None:
        return None
    modifier = mod(g["mod"])
    if g.has("weekday"):
        return Weekday(g.lex.weekday(g["weekday"] or ""), 0, modifier, time)
    if g.has("word"):
        return Offset("day", _DEICTIC_DAYS[g["word"] or ""], modifier, time)
    if g.has("month"):
        day = day_number(g["day"])
        month = g.lex.month(g["month"] or "")
        return MonthDay(month, day, modifier, time) if day_and_month_valid(day, month) else None
    return Offset("day", 0, modifier, time)


# -- the rules ------------------------------------------------------------------------------------

_MOD = rf"(?:(?P<mod>{MOD_WORDS})\s*)"
_APPROX = rf"(?:(?P<mod>{APPROX_WORDS})\s+)"
_WEEKDAY_PREFIX = r"(?:$weekday,?\s+)"
_DAY = r"(?P<day>$day)"
_MONTH = r"(?P<month>$month)"
_CLOCK = (
    r"(?:(?P<hour>[012]?\d)(?::(?P<minute>[0-5]\d))?\s*(?P<ampm>a\.\s?m\.?|p\.\s?m\.?|am|pm)(?!\w)"
    r"|(?P<noon>noon|midnight|midday))"
)
_ZONE = r"(?:\s+(?:[ecmp][sd]t|gmt|utc|bst|cet|cest))?"
_REL = r"(?P<rel>last|this\s+past|this\s+coming|this|next|coming|past)"
_ONE_OF = "|".join

# Dates in digits, in every language: ISO 8601 (with a time of day), and day first with dashes or
# dots ('05-02-2026', '5.2.2026'), as outside the United States and in datelines.
NUMERIC_DATES = (
    Rule(
        "ISO date",
        r"(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?:[t\s](?P<hour>[012]\d):(?P<minute>[0-5]\d))?",
        read_numeric_date,
        needs=(DIGIT,),
    ),
    Rule(
        "numeric date",
        r"(?P<day>3[01]|[12]\d|0?[1-9])(?P<sep>[-.])(?P<month>1[0-2]|0?[1-9])(?P=sep)(?P<year>\d{4})(?![\d.-]\d)",
        read_numeric_date,
        needs=(DIGIT,),
    ),
)

RULES: tuple[Rule, ...] = (
    # ---- dates the text states whole
    Rule(
        "date",
        rf"{_WEEKDAY_PREFIX}?{_MONTH}\s+{_DAY},?\s+(?P<year>$year|{SPOKEN_YEAR})",
        read_full_date,
        needs=(MONTH,),
    ),
    Rule(
        "date", rf"(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>$year)", read_full_date, needs=(MONTH,)
    ),
    *NUMERIC_DATES,
    # In English text a date with slashes is American: month first.
    Rule(
        "numeric date",
        r"(?P<month>1[0-2]|0?[1-9])/(?P<day>3[01]|[12]\d|0?[1-9])/(?P<year>\d{4}|\d\d)(?![\d/])",
        read_numeric_date,
        needs=(DIGIT,),
    ),
    Rule(
        "month and year",
        rf"{_MOD}?{_MONTH},?\s+(?:of\s+)?(?P<year>$year|{SPOKEN_YEAR})",
        read_month_year,
        needs=(MONTH,),
    ),
    Rule(
        "year",
        rf"(?<![$$#£€¥])(?:{_MOD}|(?:fiscal|calendar)\s+(?:year\s+)?)?"
        rf"(?P<year>$year)(?P<after>\s+(?:and\s+beyond|or\s+later|or\s+earlier|and\s+after))?",
        read_year,
        needs=(DIGIT,),
    ),
    Rule(
        "year",
        rf"(?:{_MOD}|the\s+year\s+|(?<=in\s))(?P<year>{SPOKEN_YEAR})",
        read_year,
        words="nineteen|twenty|thousand",
    ),
    Rule(
        "year",
        rf"(?<!\w)(?P<year>(?:nineteen|twenty)[-\s]+{_TENS_ONES})(?![-\s]+(?:\w+\s+)?{'$unit'})",
        read_year,
        words="nineteen|twenty",
    ),
    Rule(
        "decade",
        rf"(?:the\s+)?{_MOD}?(?:(?P<decade>1\d\d0|20\d0)'?s|'(?P<short>\d0)s"
        rf"|(?P<word>{_ONE_OF(_DECADE_WORDS)}))",
        read_decade,
        needs=(DIGIT,),
        words=_ONE_OF(_DECADE_WORDS),
    ),
    Rule(
        "century",
        rf"(?:the\s+)?{_MOD}?(?:(?P<n>\d{{1,2}}(?:st|nd|rd|th))|(?P<nw>{_ONE_OF(_CENTURY_WORDS)}))"
        r"[-\s]+century",
        read_century,
        needs=(UNIT,),
    ),
    # ---- a month or a day of one, the year from the anchor
    Rule(
        "month and day",
        rf"{_WEEKDAY_PREFIX}?{_MOD}?{_MONTH}\s+{_DAY}(?!\d|:\d)",
        read_month_day,
        needs=(MONTH,),
    ),
    Rule("month and day", rf"(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}", read_month_day, needs=(MONTH,)),
    Rule(
        "month of a relative year",
        rf"{_MOD}?{_MONTH}\s+(?:of\s+)?(?P<rel>this|last|next)\s+year",
        read_month_of_relative_year,
        needs=(MONTH,),
    ),
    Rule("relative month", rf"{_MOD}?{_REL}\s+{_MONTH}", read_relative_month, needs=(MONTH,)),
    Rule("month", rf"{_MOD}?{_MONTH}(?![-\s]*\d)", read_month, needs=(MONTH,)),
    # ---- quarters and halves
    Rule(
        "quarter of a year",
        rf"(?:the\s+)?{_MOD}?(?:fiscal[-\s]+)?(?:(?P<ord>$ord)|(?P<which>first|last))[-\s]+(?:fiscal[-\s]+)?"
        rf"(?P<kind>quarter|half)\s+of\s+(?:fiscal\s+)?(?P<year>$year)",
        read_period_of_year,
        needs=(DIGIT,),
    ),
    Rule(
        "quarter of a year",
        r"(?:the\s+)?(?:fiscal\s+)?(?P<year>$year)\s+(?:fiscal\s+)?(?P<ord>$ord)[-\s]+(?P<kind>quarter|half)",
        read_period_of_year,
        needs=(DIGIT,),
    ),
    Rule(
        "quarter of a relative year",
        rf"{_MOD}?(?P<rel>this|last|next)\s+year's\s+(?:fiscal\s+)?(?P<ord>$ord)[-\s]+(?P<kind>quarter|half)",
        read_period_of_relative_year,
        needs=(UNIT,),
    ),
    Rule(
        "quarter",
        rf"(?:(?:the|its|their|a)\s+)?{_MOD}?(?:(?:fiscal|calendar|flat|latest|current)[-\s]+)?(?P<ord>$ord)"
        r"[-\s]+(?:fiscal[-\s]+)?(?P<kind>quarter|half)(?![-\s]+of\s+\d)",
        read_period,
        needs=(UNIT,),
        words="half",
    ),
    Rule(
        "quarter ended",
        rf"(?:the\s+)?(?:fiscal\s+)?quarter(?=\s+(?:ended|ending)\s+{_MONTH}\.?\s+{_DAY})",
        read_period_ended,
        needs=(MONTH,),
    ),
    Rule(
        "the period in question",
        r"(?:the|that)\s+(?:(?:same|fiscal)\s+)?quarter(?!s|ly|\s+ended|\s+ending|\s+of|-)|the\s+same\s+period",
        read_discourse_period,
        needs=(UNIT,),
        words="period",
    ),
    Rule(
        "the last quarter reported",
        r"the\s+(?:latest|last|most\s+recent|recent|just-ended)\s+(?:fiscal\s+)?(?:quarter|period)(?!s|ly|-)",
        lambda g: Offset("quarter", -1),
        needs=(UNIT,),
        words="period",
    ),
    Rule(
        "a year before the period in question",
        r"(?:the\s+)?(?:comparable\s+|same\s+|corresponding\s+)?(?:year-ago|year-earlier|year\s+earlier|"
        r"year\s+ago|prior-year)(?:\s+(?:(?:$ord)\s+)?(?:quarter|period))?",
        read_year_ago,
        needs=(UNIT,),
    ),
    Rule(
        "a year before the period in question",
        r"the\s+(?:same|corresponding|comparable|year-ago)\s+(?:period|quarter|time)\s+(?:a\s+year\s+(?:ago|"
        r"earlier)|last\s+year|of\s+last\s+year|the\s+previous\s+year|of\s+the\s+previous\s+year)"
        r"|the\s+quarter\s+a\s+year\s+(?:ago|earlier)|last\s+year's\s+(?:quarter|period)",
        read_year_ago,
        needs=(UNIT,),
    ),
    Rule(
        "a year before the period in question",
        rf"{_APPROX}?(?:a|one)\s+year\s+(?:ago|earlier|before)",
        read_year_ago,
        needs=(UNIT,),
    ),
    Rule(
        "the period in question, of another year",
        r"the\s+(?P<year>$year)\s+(?:period|quarter)",
        read_period_of_year_anaphor,
        needs=(DIGIT,),
    ),
    Rule(
        "the year in question",
        r"(?P<rel>that|the\s+same|the\s+following|the\s+previous|the\s+prior)\s+year(?!s|-|'s\s+\w+\s+quarter)",
        read_year_anaphor,
        needs=(UNIT,),
    ),
    # ---- counted from the anchor
    Rule(
        "ago",
        rf"{_APPROX}?(?P<num>$num|$vague)\s+(?P<unit>$unit)\s+(?P<approx>or\s+so\s+)?ago",
        read_ago,
        needs=(UNIT,),
    ),
    Rule(
        "deictic day",
        rf"{_MOD}?(?P<word>yesterday|today|tomorrow|tonight)(?:\s+(?P<part>$part))?",
        read_deictic_day,
        words="yesterday|today|tomorrow|tonight",
    ),
    Rule(
        "deictic day",
        rf"{_MOD}?(?P<part>morning|afternoon|evening)\s+(?P<word>yesterday|today|tomorrow)",
        read_deictic_day,
        needs=(PART,),
    ),
    Rule(
        "part of the day",
        r"(?:(?P<mod>earlier|later|early|late)\s+)?(?P<rel>this|last)\s+(?P<part>$part)",
        read_part_of_day,
        needs=(PART,),
    ),
    Rule(
        "relative unit",
        rf"{_MOD}?(?P<rel>last|this\s+past|this\s+coming|this|next|the\s+past|the\s+last|the\s+current|"
        r"the\s+coming|the\s+next|the\s+previous|the\s+prior|the\s+following|the\s+same|current)\s+"
        r"(?P<unit>week|weekend|month|quarter|year|fiscal\s+year|decade|century)(?![-\w])(?!'s\s+\w+\s+quarter)",
        read_relative_unit,
        needs=(UNIT,),
    ),
    Rule(
        "part of a unit",
        r"(?P<mod>earlier|later)\s+in\s+the\s+(?P<unit>week|month|year)"
        r"|the\s+(?P<mod2>end)\s+of\s+the\s+(?P<unit2>week|month|year)",
        lambda g: Offset(g["unit"] or g["unit2"] or "", 0, mod(g["mod"] or g["mod2"])),
        needs=(UNIT,),
    ),
    Rule("year end", r"(?:around\s+)?(?:year-end|year\s+end|year's\s+end)", read_part_of_unit, needs=(UNIT,)),
    Rule("weekend", r"the\s+weekend", lambda g: Offset("weekend", 0), needs=(UNIT,)),
    Rule(
        "weekday",
        r"(?:(?P<rel>last|next|this\s+past|this\s+coming|this|the\s+previous|the\s+following)\s+)?"
        r"(?:(?P<mod>early|late|earlier|later)\s+)?(?P<weekday>$weekday)(?:\s+(?P<part>$part))?",
        read_weekday,
        needs=(WEEKDAY,),
    ),
    Rule(
        "time of day",
        rf"{_APPROX}?{_CLOCK}{_ZONE}(?:,?\s+(?:on\s+)?(?:(?P<weekday>$weekday)|(?P<word>yesterday|today|"
        rf"tomorrow)|{_MONTH}\s+{_DAY}))?",
        read_time,
        needs=(DIGIT, PART),
    ),
    Rule(
        "time of day",
        rf"{_MOD}?(?P<part>morning|afternoon|evening)\s+(?P<word>yesterday|today|tomorrow)"
        rf"|(?P<mod2>mid)-?\s*(?P<part2>afternoon|morning)",
        lambda g: Offset(
            "day",
            _DEICTIC_DAYS.get(g["word"] or "", 0),
            mod(g["mod"] or g["mod2"]),
            "T" + g.lex.parts_of_day[g["part"] or g["part2"] or ""],
        ),
        needs=(PART,),
    ),
    Rule(
        "season",
        rf"(?:(?P<rel>this\s+past|this\s+coming|last|this|next|the)\s+)?{_MOD}?(?P<season>$season)"
        rf"(?:\s+(?:of\s+)?(?P<year>$year|{SPOKEN_YEAR}))?",
        read_season,
        needs=(SEASON,),
    ),
    # ---- not times: a rate ('$2 million a year', 'four flights a week'), a share ('a quarter of')
    Rule(
        "rate",
        r"(?:\d[\d,.]*%?|million|billion|thousand|hundred|\w+s)\s+(?:a|per)\s+(?:year|month|week|day|hour)(?![-\w])"
        r"(?!\s+(?:ago|earlier|later|before|after|or|and))",
        lambda g: NotATime(),
        needs=(UNIT,),
    ),
    Rule(
        "share",
        r"(?:a|one|three|two)[-\s]+quarters?\s+of\s+(?!a\s+century|the\s+(?:year|century))",
        lambda g: NotATime(),
        needs=(UNIT,),
    ),
    # ---- sets
    Rule(
        "every weekday",
        r"(?:(?:every|each)\s+)?(?P<weekday>$weekday)s(?:\s+(?P<part>$part)s?)?",
        read_weekday_set,
        needs=(WEEKDAY,),
    ),
    Rule("every weekday", r"(?:every|each)\s+(?P<weekday>$weekday)", read_weekday_set, needs=(WEEKDAY,)),
    Rule("every month", rf"(?:every|each)\s+{_MONTH}", read_month_set, needs=(MONTH,)),
    Rule(
        "every unit", r"(?:every|each)\s+(?:(?P<num>$num)\s+)?(?P<unit>$unit)", read_unit_set, needs=(UNIT,)
    ),
    # ---- the present, past and future, undated
    Rule(
        "present",
        r"now|right\s+now|currently|at\s+present|presently|nowadays|these\s+days"
        r"|(?<!then\s)current(?![-\s]+(?:account|affairs|events|assets|liabilities))",
        read_reference("PRESENT_REF"),
        needs=(UNIT,),
        words="now|currently|current|present|presently|nowadays",
    ),
    Rule(
        "past",
        r"(?:more\s+)?recently|lately|(?<=in\s)recent\s+(?:years|days)|(?<=in\s)the\s+past"
        r"(?!\s+(?:$num|$vague|$unit))",
        read_reference("PAST_REF"),
        needs=(UNIT,),
        words="recently|lately|past",
    ),
    Rule(
        "future",
        r"the\s+(?:near\s+|distant\s+)?future|the\s+(?:near|short|long)\s+term"
        r"|as\s+soon\s+as\s+possible|a\s+later\s+date|(?:the\s+)?coming\s+(?:months|quarters|years)",
        read_reference("FUTURE_REF"),
        needs=(UNIT,),
        words="future|term|possible|date",
    ),
    # ---- durations
    Rule(
        "duration",
        rf"{_APPROX}?(?:the\s+)?(?:(?:first|last|past|next|coming|previous|following|latest|initial|final|"
        rf"remaining|same)\s+)?(?P<num>$num|$vague)(?:\s+(?:more|additional|extra|further))?\s+(?P<unit>$unit)"
        r"(?P<half>\s+and\s+a\s+half)?"
        r"(?!\s+old)",
        read_duration,
        needs=(UNIT,),
    ),
    # 'a two-year contract', 'an 8-month-old truce'; an age in years is no event's duration.
    Rule(
        "duration",
        rf"{_APPROX}?(?P<num>$num|several|multi)-(?P<unit>$unit)(?<!s)(?<!quarter)(?:-long|-old)?(?<!year-old)",
        read_duration,
        needs=(UNIT,),
    ),
    Rule(
        "duration",
        r"(?:the\s+)?(?:(?:last|past|next|coming)\s+)?(?:few|several)\s+(?P<unit>$unit)|"
        r"(?:recent|coming)\s+(?P<unit2>weeks|months|quarters)|the\s+(?P<unit3>weeks|months)\s+ahead",
        lambda g: duration(None, g.lex.unit(g["unit"] or g["unit2"] or g["unit3"] or "")),
        needs=(UNIT,),
    ),
    Rule(
        "duration",
        r"(?:(?<=for\s)|(?<=within\s)|(?<=after\s)|(?<=in\s))(?P<unit>years|months|weeks|decades|centuries)"
        r"(?!\s+(?:ago|of\s+the|earlier))",
        read_vague_duration,
        needs=(UNIT,),
    ),
    Rule(
        "duration",
        r"the\s+(?:fiscal\s+)?year(?=\s+(?:ended|ending|to\s+date))",
        read_fiscal_year_duration,
        needs=(UNIT,),
    ),
    Rule(
        "duration",
        r"(?<=for\s)(?:a\s+while|some\s+time|a\s+long\s+time)",
        lambda g: Duration("PXX"),
        words="while|time",
    ),
    Rule(
        "the year in progress",
        r"the\s+(?:full\s+|whole\s+|entire\s+)?year(?![-\w]|'s|\s+(?:ago|earlier|before|after|later|ended|ending|to\s+date|\d))",
        lambda g: Offset("year", 0),
        needs=(UNIT,),
    ),
)
