"""The words each language names times with: months, weekdays, numbers, units, parts of the day.

A ``Lexicon`` maps every form the recogniser accepts to what it means (a month number, a weekday,
a unit key of ``UNITS``), and gives the regular-expression alternations the rules are written with,
so the rules of ``storyline.timex.rules`` say *where* a month goes, never how each language spells
it. English is the fullest; Spanish, French and Italian cover what dated news in those languages
needs most (dates, months, weekdays, the deictic days, counted units).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

# A unit of time: the TIMEX3 letter a duration uses, whether it is a time (after 'T') unit, and
# how many of the next smaller unit make one (to write 2 1/2 years as P2Y6M, as TimeML does).
UNITS: dict[str, tuple[str, bool, tuple[str, int] | None]] = {
    "second": ("S", True, None),
    "minute": ("M", True, ("second", 60)),
    "hour": ("H", True, ("minute", 60)),
    "day": ("D", False, ("hour", 24)),
    "week": ("W", False, ("day", 7)),
    "month": ("M", False, ("day", 30)),
    "quarter": ("Q", False, ("month", 3)),
    "year": ("Y", False, ("month", 12)),
    "decade": ("E", False, ("year", 10)),
    "century": ("C", False, ("year", 100)),
    "millennium": ("L", False, ("year", 1000)),
}

# TimeML's codes for parts of the day.
MORNING, AFTERNOON, EVENING, NIGHT = "MO", "AF", "EV", "NI"


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first (so 'sept.' wins over 'sep'), spaces
    matching any run of whitespace."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


@dataclass(frozen=True)
class Lexicon:
    """The words of one language. Keys are lower case; a key ending in '.' is an abbreviation
    (the recogniser also accepts it without the stop)."""

    language: str
    months: Mapping[str, int]
    weekdays: Mapping[str, int]  # 0 = Monday
    numbers: Mapping[str, int]  # number words: 'two' → 2, 'twenty' → 20
    vague_numbers: Mapping[str, int | None]  # 'several' → None (X), 'a couple of' → 2
    units: Mapping[str, str]  # singular and plural forms → a UNITS key
    parts_of_day: Mapping[str, str]  # 'morning' → MO
    seasons: Mapping[str, str] = field(default_factory=dict)  # 'summer' → SU
    ordinals: Mapping[str, int] = field(default_factory=dict)  # 'third' → 3

    def month(self, word: str) -> int:
        return self.months[_key(word, self.months)]

    def weekday(self, word: str) -> int:
        return self.weekdays[_key(word, self.weekdays)]

    def unit(self, word: str) -> str:
        return self.units[_norm(word)]

    @cached_property
    def month_pattern(self) -> str:
        return _abbreviations(self.months)

    @cached_property
    def weekday_pattern(self) -> str:
        return _abbreviations(self.weekdays)

    @cached_property
    def number_word_pattern(self) -> str:
        return alternation(self.numbers)

    @cached_property
    def vague_number_pattern(self) -> str:
        return alternation(self.vague_numbers)

    @cached_property
    def unit_pattern(self) -> str:
        return alternation(self.units)

    @cached_property
    def part_of_day_pattern(self) -> str:
        return alternation(self.parts_of_day)

    @cached_property
    def season_pattern(self) -> str:
        return alternation(self.seasons)

    @cached_property
    def ordinal_pattern(self) -> str:
        return alternation(self.ordinals)


def _norm(word: str) -> str:
    return " ".join(word.lower().split())


def _key(word: str, table: Mapping[str, int]) -> str:
    word = _norm(word)
    return word if word in table else f"{word}."


def _abbreviations(table: Mapping[str, int]) -> str:
    """Full words as they are; an abbreviation's stop optional ('Sept.' and 'Sept')."""
    full = [w for w in table if not w.endswith(".")]
    short = [w[:-1] for w in table if w.endswith(".")]
    ordered = sorted(set(full) | set(short), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) + (r"\.?" if w in short and w not in full else "") for w in ordered)


def _plural(forms: Mapping[str, str], plural: str = "s") -> dict[str, str]:
    return {**forms, **{f"{word}{plural}": unit for word, unit in forms.items()}}


_EN_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "thousand": 1000, "a": 1, "an": 1,
}  # fmt: skip

ENGLISH = Lexicon(
    language="en",
    months={
        "january": 1, "jan.": 1, "february": 2, "feb.": 2, "march": 3, "mar.": 3, "april": 4,
        "apr.": 4, "may": 5, "june": 6, "jun.": 6, "july": 7, "jul.": 7, "august": 8, "aug.": 8,
        "september": 9, "sept.": 9, "sep.": 9, "october": 10, "oct.": 10, "november": 11,
        "nov.": 11, "december": 12, "dec.": 12,
    },  # fmt: skip
    weekdays={
        "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
        "sunday": 6,
    },  # fmt: skip
    numbers=_EN_NUMBERS,
    vague_numbers={"several": None, "a few": None, "few": None, "many": None, "some": None,
                   "a couple of": 2, "a couple": 2, "a number of": None},  # fmt: skip
    units=_plural(
        {
            "second": "second", "minute": "minute", "hour": "hour", "day": "day", "week": "week",
            "month": "month", "quarter": "quarter", "year": "year", "decade": "decade",
            "millennium": "millennium", "trading day": "day", "business day": "day",
            "working day": "day",
        }  # fmt: skip
    )
    | {"century": "century", "centuries": "century", "millennia": "millennium"},
    parts_of_day={
        "morning": MORNING, "afternoon": AFTERNOON, "evening": EVENING, "night": NIGHT,
        "overnight": NIGHT,
    },  # fmt: skip
    seasons={"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"},
    ordinals={"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4},
)

SPANISH = Lexicon(
    language="es",
    months={
        "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
        "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
        "diciembre": 12, "ene.": 1, "feb.": 2, "mar.": 3, "abr.": 4, "jun.": 6, "jul.": 7,
        "ago.": 8, "sept.": 9, "sep.": 9, "oct.": 10, "nov.": 11, "dic.": 12,
    },  # fmt: skip
    weekdays={
        "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
        "sábado": 5, "sabado": 5, "domingo": 6,
    },  # fmt: skip
    numbers={
        "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
        "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15,
        "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "cien": 100,
    },  # fmt: skip
    vague_numbers={"varios": None, "varias": None, "unos": None, "unas": None, "algunos": None,
                   "algunas": None, "pocos": None, "pocas": None},  # fmt: skip
    units={
        "segundo": "second", "segundos": "second", "minuto": "minute", "minutos": "minute",
        "hora": "hour", "horas": "hour", "día": "day", "días": "day", "dia": "day", "dias": "day",
        "semana": "week", "semanas": "week", "mes": "month", "meses": "month", "año": "year",
        "años": "year", "trimestre": "quarter", "trimestres": "quarter", "década": "decade",
        "décadas": "decade", "siglo": "century", "siglos": "century",
    },  # fmt: skip
    parts_of_day={"mañana": MORNING, "tarde": AFTERNOON, "noche": NIGHT, "madrugada": NIGHT},
    seasons={"primavera": "SP", "verano": "SU", "otoño": "FA", "invierno": "WI"},
)

FRENCH = Lexicon(
    language="fr",
    months={
        "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
        "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
        "décembre": 12, "decembre": 12, "janv.": 1, "févr.": 2, "fév.": 2, "avr.": 4,
        "juil.": 7, "sept.": 9, "oct.": 10, "nov.": 11, "déc.": 12,
    },  # fmt: skip
    weekdays={
        "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
        "dimanche": 6,
    },  # fmt: skip
    numbers={
        "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
        "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
        "trente": 30, "quarante": 40, "cinquante": 50, "cent": 100,
    },  # fmt: skip
    vague_numbers={"plusieurs": None, "quelques": None},
    units={
        "seconde": "second", "secondes": "second", "minute": "minute", "minutes": "minute",
        "heure": "hour", "heures": "hour", "jour": "day", "jours": "day", "journée": "day",
        "journées": "day", "semaine": "week", "semaines": "week", "mois": "month", "an": "year",
        "ans": "year", "année": "year", "années": "year", "trimestre": "quarter",
        "trimestres": "quarter", "décennie": "decade", "décennies": "decade", "siècle": "century",
        "siècles": "century",
    },  # fmt: skip
    parts_of_day={"matin": MORNING, "après-midi": AFTERNOON, "soir": EVENING, "soirée": EVENING,
                  "nuit": NIGHT},  # fmt: skip
    seasons={"printemps": "SP", "été": "SU", "automne": "FA", "hiver": "WI"},
)

ITALIAN = Lexicon(
    language="it",
    months={
        "gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6,
        "luglio": 7, "agosto": 8, "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
        "gen.": 1, "feb.": 2, "mar.": 3, "apr.": 4, "mag.": 5, "giu.": 6, "lug.": 7, "ago.": 8,
        "set.": 9, "sett.": 9, "ott.": 10, "nov.": 11, "dic.": 12,
    },  # fmt: skip
    weekdays={
        "lunedì": 0, "lunedi": 0, "martedì": 1, "martedi": 1, "mercoledì": 2, "mercoledi": 2,
        "giovedì": 3, "giovedi": 3, "venerdì": 4, "venerdi": 4, "sabato": 5, "domenica": 6,
    },  # fmt: skip
    numbers={
        "un": 1, "uno": 1, "una": 1, "un'": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
        "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "undici": 11, "dodici": 12,
        "quindici": 15, "venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "cento": 100,
    },  # fmt: skip
    vague_numbers={"diversi": None, "diverse": None, "alcuni": None, "alcune": None, "pochi": None,
                   "poche": None, "parecchi": None},  # fmt: skip
    units={
        "secondo": "second", "secondi": "second", "minuto": "minute", "minuti": "minute",
        "ora": "hour", "ore": "hour", "giorno": "day", "giorni": "day", "settimana": "week",
        "settimane": "week", "mese": "month", "mesi": "month", "anno": "year", "anni": "year",
        "trimestre": "quarter", "trimestri": "quarter", "decennio": "decade", "decenni": "decade",
        "secolo": "century", "secoli": "century",
    },  # fmt: skip
    parts_of_day={"mattina": MORNING, "mattino": MORNING, "pomeriggio": AFTERNOON, "sera": EVENING,
                  "serata": EVENING, "notte": NIGHT},  # fmt: skip
    seasons={"primavera": "SP", "estate": "SU", "autunno": "FA", "inverno": "WI"},
)

LEXICONS: dict[str, Lexicon] = {lex.language: lex for lex in (ENGLISH, SPANISH, FRENCH, ITALIAN)}
