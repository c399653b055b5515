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
from typing import Any

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

# Digits: '23', '2.5', '2 1/2', '1/2'.
_DIGITS = r"\d+(?:\.\d+)?(?:\s+\d/\d)?|\d/\d"

# TimeML's code for the night (the other parts of the day: MO, AF, EV).
NIGHT = "NI"


def alternation(words: Iterable[str]) -> str:
    """A regex that matches any of ``words``, the longest it can ('sept.' rather than 'sep'),
    spaces matching any run of whitespace.

    It is written as a trie ('ju(?:ly|ne)', not 'july|june'): the regex engine tries the
    alternatives of a group one by one at every word of a text, and sixty rules over long word
    lists made that most of the tagger's time."""
    trie: dict[str, dict[str, Any]] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _trie_pattern(trie)


_END = ""  # the key that marks the end of a word in a trie


def _trie_pattern(node: dict[str, dict[str, Any]]) -> str:
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items())
        if char != _END
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    # A word that ends here, where longer ones go on: the optional rest is tried first (greedy).
    return f"(?:{body})?" if _END in node else body


@dataclass(frozen=True)
class Lexicon:
    """The words of one language. Keys are lower case; a key ending in '.' is an abbreviation
    (the recogniser also accepts it without the stop)."""

    language: str
    months: Mapping[str, int]
    weekdays: Mapping[str, int]  # 0 = Monday
    numbers: Mapping[str, int | None]  # number words: 'two' → 2, 'twenty' → 20
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
    def number_pattern(self) -> str:
        """Digits, or a number in words: 'five', 'twenty four', 'twenty-four', 'a hundred', 'two
        thousand and one'; never two numbers run together ('a two-year' is 'a' and 'two-year')."""
        by_value: dict[int, list[str]] = {}
        for word, value in self.numbers.items():
            by_value.setdefault(value or 0, []).append(word)
        below_twenty = alternation(w for v, ws in by_value.items() if 0 < v < 20 for w in ws)
        # After a ten only a digit word, never an article: 'twenty one', not 'twenty a'.
        ones = alternation(w for v, ws in by_value.items() if 0 < v < 10 for w in ws if len(w) > 2)
        tens = alternation(w for v, ws in by_value.items() if 20 <= v < 100 for w in ws)
        scales = alternation(w for v, ws in by_value.items() if v >= 100 for w in ws)
        below_hundred = f"(?:(?:{tens})(?:[-\\s]+(?:{ones}))?|(?:{below_twenty}))"
        words = f"{below_hundred}(?:\\s+(?:{scales})(?:\\s+(?:and\\s+)?{below_hundred})?)?"
        return f"(?:{_DIGITS}|{words})"

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
    """Full words as they are; an abbreviation with its stop or without ('Sept.' and 'Sept')."""
    return alternation([*table, *(w[:-1] for w in table if w.endswith("."))])


def numbered(groups: str, start: int = 1) -> dict[str, int]:
    """Words numbered in order, the forms of each separated by spaces and the groups by '|':
    'january jan.|february feb.' → {'january': 1, 'jan.': 1, 'february': 2, 'feb.': 2}."""
    return {form: number for number, group in enumerate(groups.split("|"), start) for form in group.split()}


def valued(words: str, values: Iterable[int | None]) -> dict[str, int | None]:
    """Words (separated by '|', so that one may hold spaces) and their values, in order."""
    return dict(zip((w.strip() for w in words.split("|")), values, strict=True))


def grouped(**forms: str) -> dict[str, str]:
    """Each keyword's forms (separated by '|') → the keyword: unit=… or part-of-day codes."""
    return {form.strip(): key for key, group in forms.items() for form in group.split("|")}


_ONE_TO_TWENTY = range(1, 21)
_TENS = (30, 40, 50, 60, 70, 80, 90)

ENGLISH = Lexicon(
    language="en",
    months=numbered(
        "january jan.|february feb.|march mar.|april apr.|may|june jun.|july jul.|august aug.|"
        "september sept. sep.|october oct.|november nov.|december dec.",
    ),
    weekdays=numbered(
        "monday|tuesday|wednesday|thursday|friday|saturday|sunday",
        start=0,
    ),
    numbers={
        **valued(
            "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
            "sixteen|seventeen|eighteen|nineteen|twenty",
            _ONE_TO_TWENTY,
        ),
        **valued("thirty|forty|fifty|sixty|seventy|eighty|ninety", _TENS),
        **valued("hundred|thousand|a|an", (100, 1000, 1, 1)),
    },
    vague_numbers=valued(
        "several|a few|few|many|some|a couple of|a couple|couple of|a number of",
        (None, None, None, None, None, 2, 2, 2, None),
    ),
    units=grouped(
        second="second|seconds",
        minute="minute|minutes",
        hour="hour|hours",
        day="day|days|trading day|trading days|business day|business days|working day|working days",
        week="week|weeks",
        month="month|months",
        quarter="quarter|quarters",
        year="year|years",
        decade="decade|decades",
        century="century|centuries",
        millennium="millennium|millennia",
    ),
    parts_of_day=grouped(MO="morning", AF="afternoon", EV="evening", NI="night|overnight"),
    seasons=grouped(SP="spring", SU="summer", FA="fall|autumn", WI="winter"),
    ordinals=numbered(
        "first 1st|second 2nd|third 3rd|fourth 4th",
    ),
)

SPANISH = Lexicon(
    language="es",
    months=numbered(
        "enero ene.|febrero feb.|marzo mar.|abril abr.|mayo|junio jun.|julio jul.|agosto ago.|"
        "septiembre setiembre sept. sep.|octubre oct.|noviembre nov.|diciembre dic.",
    ),
    weekdays=numbered(
        "lunes|martes|miércoles miercoles|jueves|viernes|sábado sabado|domingo",
        start=0,
    ),
    numbers=valued(
        "un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|quince|veinte|treinta|"
        "cuarenta|cincuenta|cien",
        (1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 40, 50, 100),
    ),
    vague_numbers=dict.fromkeys("varios varias unos unas algunos algunas pocos pocas".split()),
    units=grouped(
        second="segundo|segundos",
        minute="minuto|minutos",
        hour="hora|horas",
        day="día|días|dia|dias",
        week="semana|semanas",
        month="mes|meses",
        quarter="trimestre|trimestres",
        year="año|años",
        decade="década|décadas",
        century="siglo|siglos",
    ),
    parts_of_day=grouped(MO="mañana", AF="tarde", NI="noche|madrugada"),
    seasons=grouped(SP="primavera", SU="verano", FA="otoño", WI="invierno"),
)

FRENCH = Lexicon(
    language="fr",
    months=numbered(
        "janvier janv.|février fevrier févr. fév.|mars|avril avr.|mai|juin|juillet juil.|"
        "août aout|septembre sept.|octobre oct.|novembre nov.|décembre decembre déc.",
    ),
    weekdays=numbered(
        "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
        start=0,
    ),
    numbers=valued(
        "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|"
        "cinquante|cent",
        (1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 40, 50, 100),
    ),
    vague_numbers=dict.fromkeys(("plusieurs", "quelques")),
    units=grouped(
        second="seconde|secondes",
        minute="minute|minutes",
        hour="heure|heures",
        day="jour|jours|journée|journées",
        week="semaine|semaines",
        month="mois",
        quarter="trimestre|trimestres",
        year="an|ans|année|années",
        decade="décennie|décennies",
        century="siècle|siècles",
    ),
    parts_of_day=grouped(MO="matin", AF="après-midi", EV="soir|soirée", NI="nuit"),
    seasons=grouped(SP="printemps", SU="été", FA="automne", WI="hiver"),
)

ITALIAN = Lexicon(
    language="it",
    months=numbered(
        "gennaio gen.|febbraio feb.|marzo mar.|aprile apr.|maggio mag.|giugno giu.|"
        "luglio lug.|agosto ago.|settembre set. sett.|ottobre ott.|novembre nov.|"
        "dicembre dic.",
    ),
    weekdays=numbered(
        "lunedì lunedi|martedì martedi|mercoledì mercoledi|giovedì giovedi|venerdì venerdi|sabato|domenica",
        start=0,
    ),
    numbers=valued(
        "un|uno|una|un'|due|tre|quattro|cinque|sei|sette|otto|nove|dieci|undici|dodici|quindici|venti|"
        "trenta|quaranta|cinquanta|cento",
        (1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 20, 30, 40, 50, 100),
    ),
    vague_numbers=dict.fromkeys("diversi diverse alcuni alcune pochi poche parecchi".split()),
    units=grouped(
        second="secondo|secondi",
        minute="minuto|minuti",
        hour="ora|ore",
        day="giorno|giorni",
        week="settimana|settimane",
        month="mese|mesi",
        quarter="trimestre|trimestri",
        year="anno|anni",
        decade="decennio|decenni",
        century="secolo|secoli",
    ),
    parts_of_day=grouped(MO="mattina|mattino", AF="pomeriggio", EV="sera|serata", NI="notte"),
    seasons=grouped(SP="primavera", SU="estate", FA="autunno", WI="inverno"),
)

LEXICONS: dict[str, Lexicon] = {lex.language: lex for lex in (ENGLISH, SPANISH, FRENCH, ITALIAN)}
