"""Spanish, French and Italian recognition rules: dates, months, weekdays, the deictic days
('ayer', 'hier', 'ieri'), units counted from the report ('el año pasado', 'il y a trois jours',
'due settimane fa') and durations.

The three languages write dates alike (day, month, year; months and weekdays in lower case), so
one set of rule shapes serves them, each with its own words. The readers are the English rules'
own: a reading says what a span means, whatever the language.
"""

from __future__ import annotations

from storyline.timex.grammar import DIGIT, MONTH, PART, UNIT, WEEKDAY, Groups, Rule, amount, duration, mod
from storyline.timex.records import Anaphor, MonthDay, Offset, Reading, Reference, Weekday
from storyline.timex.rules_en import (
    NUMERIC_DATES,
    full_month_name,
    read_ago,
    read_full_date,
    read_month_day,
    read_month_year,
    read_numeric_date,
    read_year,
    time_of_day,
)

_DAY = r"(?P<day>$day)"
_MONTH = r"(?P<month>$month)"
_YEAR = r"(?P<year>$year)"
_APOSTROPHE = "['’]"

_PROPER_NAMES = {"Mars"}

_SHIFTS = {
    "pasado": -1,
    "pasada": -1,
    "anterior": -1,
    "dernier": -1,
    "dernière": -1,
    "passé": -1,
    "passée": -1,
    "précédent": -1,
    "précédente": -1,
    "scorso": -1,
    "scorsa": -1,
    "passato": -1,
    "passata": -1,
    "precedente": -1,
    "próximo": 1,
    "próxima": 1,
    "proximo": 1,
    "proxima": 1,
    "que viene": 1,
    "prochain": 1,
    "prochaine": 1,
    "prossimo": 1,
    "prossima": 1,
    "venturo": 1,
    "este": 0,
    "esta": 0,
    "ce": 0,
    "cet": 0,
    "cette": 0,
    "questo": 0,
    "questa": 0,
    "quest'": 0,
    "quest’": 0,
}
_DEICTIC = {
    "ayer": -1,
    "anteayer": -2,
    "antier": -2,
    "hoy": 0,
    "mañana": 1,
    "pasado mañana": 2,
    "anoche": -1,
    "hier": -1,
    "avant-hier": -2,
    "aujourd'hui": 0,
    "aujourd’hui": 0,
    "demain": 1,
    "après-demain": 2,
    "ieri": -1,
    "l'altro ieri": -2,
    "l’altro ieri": -2,
    "avantieri": -2,
    "oggi": 0,
    "domani": 1,
    "dopodomani": 2,
    "stamattina": 0,
    "stamani": 0,
    "stasera": 0,
    "stanotte": 0,
}
_DEICTIC_TIME = {"anoche": "TNI", "stamattina": "TMO", "stamani": "TMO", "stasera": "TEV", "stanotte": "TNI"}
_UNITS_OF_THE_CALENDAR = {
    "año": "year",
    "an": "year",
    "année": "year",
    "anno": "year",
    "mes": "month",
    "mois": "month",
    "mese": "month",
    "semana": "week",
    "semaine": "week",
    "settimana": "week",
    "trimestre": "quarter",
}


def _shift(word: str | None) -> int:
    return _SHIFTS.get((word or "").replace("’", "'"), 0)


def read_date(g: Groups) -> Reading | None:
    return read_full_date(g) if g.has("year") else read_month_day(g)


def read_weekday(g: Groups) -> Reading | None:
    return Weekday(g.lex.weekday(g["weekday"] or ""), _shift(g["rel"] or g["rel2"]), time=time_of_day(g))


def read_month(g: Groups) -> Reading | None:
    """Months are written in lower case in these languages; alone, only a full name is one, and
    not a name that is also a planet's ('Mars')."""
    month = full_month_name(g)
    if month is None or g.raw("month") in _PROPER_NAMES:
        return None
    return MonthDay(month, mod=mod(g["mod"]))


def read_deictic(g: Groups) -> Reading | None:
    word = (g["word"] or "").replace("’", "'")
    part = g.lex.parts_of_day.get(g["part"] or "")
    time = f"T{part}" if part else _DEICTIC_TIME.get(word)
    return Offset("day", _DEICTIC[word], time=time)


def read_this_part_of_day(g: Groups) -> Reading | None:
    return Offset("day", 0, time="T" + g.lex.parts_of_day[g["part"] or ""])


def read_calendar_unit(g: Groups) -> Reading | None:
    unit = _UNITS_OF_THE_CALENDAR[g["unit"] or g["unit2"] or g["unit3"] or ""]
    rel = g["rel"] or g["rel2"] or g["rel3"]
    shift = _shift(rel)
    if rel in ("anterior", "précédent", "précédente", "precedente") and unit == "year":
        return Anaphor("year", Offset("year", -1), years=-1)
    return Offset(unit, shift, mod(g["mod"]))


def read_duration(g: Groups) -> Reading | None:
    count = amount(g)
    if count is not None and count <= 0:
        return None
    return duration(count, g.lex.unit(g["unit"] or ""), mod(g["mod"]))


def _rules(
    *,
    date: str,
    month_year: str,
    month: str,
    weekday: str,
    deictic: str,
    deictic_words: str,
    this_part: str,
    unit_relative: str,
    ago: str,
    duration_mods: str,
    present: str,
    past: str,
    future: str,
    reference_words: str,
) -> tuple[Rule, ...]:
    """One language's rules, from its patterns for each shape; ``deictic_words`` and
    ``reference_words`` are the words every deictic day and every reference holds (see
    ``Rule.words``)."""
    return (
        Rule("date", date, read_date, needs=(MONTH,)),
        *NUMERIC_DATES,
        Rule(
            "numeric date",
            r"(?P<day>3[01]|[12]\d|0?[1-9])/(?P<month>1[0-2]|0?[1-9])/(?P<year>\d{4})(?![\d/])",
            read_numeric_date,
            needs=(DIGIT,),
        ),
        Rule("month and year", month_year, read_month_year, needs=(MONTH,)),
        Rule("year", r"(?<![$$#£€¥])(?P<year>$year)", read_year, needs=(DIGIT,)),
        Rule("month", month, read_month, needs=(MONTH,)),
        Rule("weekday", weekday, read_weekday, needs=(WEEKDAY,)),
        Rule("deictic day", deictic, read_deictic, words=deictic_words),
        Rule("part of the day", this_part, read_this_part_of_day, needs=(PART,)),
        Rule("relative unit", unit_relative, read_calendar_unit, needs=(UNIT,)),
        Rule("ago", ago, read_ago, needs=(UNIT,)),
        Rule(
            "duration",
            rf"(?:(?P<mod>{duration_mods})\s+)?(?P<num>$num|$vague)\s+(?P<unit>$unit)",
            read_duration,
            needs=(UNIT,),
        ),
        Rule("present", present, lambda g: Reference("PRESENT_REF"), words=reference_words),
        Rule("past", past, lambda g: Reference("PAST_REF"), words=reference_words),
        Rule("future", future, lambda g: Reference("FUTURE_REF"), words=reference_words),
    )


RULES: dict[str, tuple[Rule, ...]] = {
    "es": _rules(
        date=rf"(?:$weekday,?\s+)?{_DAY}\s+de\s+{_MONTH}(?:\s+(?:de|del)\s+{_YEAR})?",
        month_year=rf"(?:(?P<mod>principios|comienzos|inicios|mediados|finales|fines)\s+de\s+)?{_MONTH}\s+"
        rf"(?:de|del)\s+{_YEAR}",
        month=rf"(?:(?P<mod>principios|comienzos|inicios|mediados|finales|fines)\s+de\s+)?{_MONTH}",
        weekday=r"(?:(?P<rel>pasado|próximo)\s+)?(?P<weekday>$weekday)(?:\s+(?P<rel2>pasado|próximo))?"
        r"(?:\s+por\s+la\s+(?P<part>$part))?",
        deictic=r"(?P<word>ayer|anteayer|antier|hoy|anoche|pasado\s+mañana|(?<!la\s)(?<!esta\s)(?<!una\s)mañana)"
        r"(?:\s+por\s+la\s+(?P<part>$part))?",
        deictic_words="ayer|anteayer|antier|hoy|anoche|mañana",
        this_part=r"(?:esta|la\s+pasada)\s+(?P<part>$part)",
        unit_relative=r"(?:el|la|este|esta)\s+(?P<unit>año|mes|semana|trimestre)\s+(?P<rel>pasad[oa]|anterior"
        r"|próxim[oa]|que\s+viene)|(?:el|la)\s+(?P<rel2>pasad[oa]|próxim[oa])\s+(?P<unit2>año|mes|semana)"
        r"|(?P<rel3>este|esta)\s+(?P<unit3>año|mes|semana|trimestre)",
        ago=r"hace\s+(?:(?P<mod>casi|unos|unas|más\s+de)\s+)?(?P<num>$num|$vague)\s+(?P<unit>$unit)",
        duration_mods=r"más\s+de|casi|unos|unas|cerca\s+de",
        present=r"actualmente|ahora|hoy\s+en\s+día|en\s+la\s+actualidad",
        past=r"recientemente|últimamente|anteriormente|en\s+el\s+pasado",
        future=r"próximamente|pronto|en\s+el\s+futuro",
        reference_words="actualmente|ahora|hoy|actualidad|recientemente|últimamente|anteriormente|pasado"
        "|próximamente|pronto|futuro",
    ),
    "fr": _rules(
        date=rf"(?:$weekday\s+)?{_DAY}\s+{_MONTH}(?:\s+{_YEAR})?",
        month_year=rf"(?:(?P<mod>début|mi|fin)[-\s]+)?{_MONTH}\s+{_YEAR}",
        month=rf"(?:(?P<mod>début|mi|fin)[-\s]+)?{_MONTH}",
        weekday=r"(?P<weekday>$weekday)(?:\s+(?P<rel>dernier|prochain))?(?:\s+(?P<part>$part))?",
        deictic=rf"(?P<word>hier|avant-hier|aujourd{_APOSTROPHE}hui|demain|après-demain)(?:\s+(?P<part>$part))?",
        deictic_words="hier|avant|aujourd|demain|après",
        this_part=r"(?:ce|cet|cette)\s+(?P<part>$part)",
        unit_relative=rf"(?:l{_APOSTROPHE}|la\s+|le\s+)?(?P<unit>année|an|mois|semaine|trimestre)\s+"
        r"(?P<rel>dernière?|passée?|précédente?|prochaine?)|(?P<rel3>cette|ce|cet)\s+(?P<unit3>année|mois|semaine)",
        ago=r"il\s+y\s+a\s+(?:(?P<mod>plus\s+de|près\s+de|environ)\s+)?(?P<num>$num|$vague)\s+(?P<unit>$unit)",
        duration_mods=r"plus\s+de|près\s+de|environ|moins\s+de",
        present=r"actuellement|désormais|à\s+présent|de\s+nos\s+jours",
        past=r"récemment|dernièrement|auparavant|par\s+le\s+passé",
        future=r"bientôt|prochainement|à\s+l['’]avenir",
        reference_words="actuellement|désormais|présent|jours|récemment|dernièrement|auparavant|passé|bientôt"
        "|prochainement|avenir",
    ),
    "it": _rules(
        date=rf"(?:$weekday\s+)?{_DAY}\s+{_MONTH}(?:\s+{_YEAR})?",
        month_year=rf"(?:(?P<mod>inizio|metà|fine)\s+)?{_MONTH}\s+(?:del\s+)?{_YEAR}",
        month=rf"(?:(?P<mod>inizio|metà|fine)\s+)?{_MONTH}",
        weekday=r"(?P<weekday>$weekday)(?:\s+(?P<rel>scorso|prossimo))?(?:\s+(?P<part>$part))?",
        deictic=rf"(?P<word>ieri|l{_APOSTROPHE}altro\s+ieri|avantieri|oggi|domani|dopodomani|stamattina|stamani"
        r"|stasera|stanotte)(?:\s+(?P<part>$part))?",
        deictic_words="ieri|avantieri|oggi|domani|dopodomani|stamattina|stamani|stasera|stanotte",
        this_part=r"(?:questa|questo)\s+(?P<part>$part)",
        unit_relative=rf"(?:l{_APOSTROPHE}|il\s+|la\s+)?(?P<unit>anno|mese|settimana|trimestre)\s+"
        rf"(?P<rel>scors[oa]|passat[oa]|precedente|prossim[oa])|(?P<rel3>quest{_APOSTROPHE}|questo|questa)\s*"
        r"(?P<unit3>anno|mese|settimana)",
        ago=r"(?:(?P<mod>circa|quasi|oltre)\s+)?(?P<num>$num|$vague)\s+(?P<unit>$unit)\s+fa",
        duration_mods=r"più\s+di|oltre|circa|quasi|meno\s+di",
        present=r"attualmente|adesso|ora|oggigiorno",
        past=r"recentemente|di\s+recente|in\s+passato",
        future=r"presto|prossimamente|in\s+futuro",
        reference_words="attualmente|adesso|ora|oggigiorno|recentemente|recente|passato|presto|prossimamente"
        "|futuro",
    ),
}
