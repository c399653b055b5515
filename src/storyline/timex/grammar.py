"""The building blocks the recognition rules are written with: a rule, what a match gives its
reader, numbers in words and digits, modifiers, and the durations and values the readers build.

A ``Rule`` is a regular expression with ``$placeholders`` for a language's words (``$month``,
``$weekday``, ``$num``…, see ``expand``) and a ``read`` function that turns a match into a
``Reading``, or refuses it (returns None) when the words matched but do not name a time ('may' the
verb). A rule that reads ``NotATime`` claims words for no expression at all ('$2 million a
year'), so that no other rule finds a time in them. The rules themselves are in ``rules_en`` and
``rules_romance``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from string import Template

from storyline.timex.lexicon import UNITS, Lexicon
from storyline.timex.records import Duration, NotATime, Reading


class Groups:
    """A rule's match as its reader sees it: named groups (lower case, whitespace folded), the
    matched text as written, and the language's lexicon. Rules match the lower-cased text; the
    text as written is kept for the readers that look at case ('May' the month, 'may' the verb)."""

    __slots__ = ("_match", "_text", "lex")

    def __init__(self, match: re.Match[str], text: str, lex: Lexicon) -> None:
        self._match = match
        self._text = text
        self.lex = lex

    def __getitem__(self, name: str) -> str | None:
        """The group, lower case and whitespace folded; None as for ``raw``."""
        try:
            value = self._match.group(name)
        except IndexError:
            return None
        return " ".join(value.split()) if value is not None else None

    def raw(self, name: str) -> str | None:
        """The group as written; None when it did not match, or the rule has no such group."""
        try:
            start, end = self._match.span(name)
        except IndexError:
            return None
        return None if start < 0 else self._text[start:end]

    def has(self, name: str) -> bool:
        try:
            return self._match.span(name)[0] >= 0
        except IndexError:
            return False


Read = Callable[[Groups], Reading | NotATime | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """``pattern`` is matched between word boundaries against the lower-cased text, so it is
    written in lower case; ``name`` is what a stored expression says found it.

    ``needs`` names the kinds of words (``DIGIT``, ``MONTH``…) and ``words`` the words of its own
    (an alternation: 'yesterday|today') of which every match holds at least one: the rule then
    runs only over the sentences that have one ('Sept. 30' needs a month). Most sentences name no
    time, and sixty rules scanning every sentence were most of the tagger's time. With neither,
    the rule runs over the whole text."""

    name: str
    pattern: str
    read: Read
    needs: tuple[str, ...] = ()
    words: str = ""


# The kinds of words a rule may need (``Rule.needs``): the sentences holding each are found with
# one scan of the text.
DIGIT, MONTH, WEEKDAY, UNIT, PART, SEASON = "digit", "month", "weekday", "unit", "part", "season"


def triggers_of(rule: Rule, own_words: Sequence[str]) -> tuple[str, ...]:
    """The trigger groups a rule runs on: its kinds, and its own words' group (``word_group``)."""
    return (*rule.needs, *([word_group(own_words.index(rule.words))] if rule.words else []))


def word_group(index: int) -> str:
    return f"words{index}"


def trigger_kinds(lex: Lexicon, own_words: Sequence[str]) -> dict[str, str]:
    """Each kind of trigger word (but digits) and each rule's own words (``own_words``, in order,
    as ``word_group`` names them), with the regex of its words, for a language."""
    kinds = {
        MONTH: lex.month_pattern,
        WEEKDAY: lex.weekday_pattern,
        # 'weekend' is no unit of duration, but rules about weeks name it.
        UNIT: f"{lex.unit_pattern}|weekends?",
        PART: f"{lex.part_of_day_pattern}|noon|midnight|midday",
        SEASON: lex.season_pattern or "(?!)",
    }
    return kinds | {word_group(index): words for index, words in enumerate(own_words)}


# -- placeholders ---------------------------------------------------------------------------------


def expand(pattern: str, lex: Lexicon) -> str:
    """``pattern`` with a language's words in place of its placeholders:

    ``$month`` ``$weekday`` ``$num`` (a number) ``$vague`` ('several') ``$unit`` ``$part`` (of
    the day) ``$season`` ``$ord`` ('third') ``$year`` (four digits, 1500–2099) ``$day`` (1–31,
    with an ordinal suffix)."""
    return Template(pattern).substitute(
        month=f"(?:{lex.month_pattern})",
        weekday=f"(?:{lex.weekday_pattern})",
        num=lex.number_pattern,
        vague=f"(?:{lex.vague_number_pattern})",
        unit=f"(?:{lex.unit_pattern})",
        part=f"(?:{lex.part_of_day_pattern})",
        season=f"(?:{lex.season_pattern or '(?!)'})",
        ord=f"(?:{lex.ordinal_pattern or '(?!)'})",
        year=r"(?:1[5-9]\d\d|20\d\d)(?![\d%])(?!,\d|\.\d)",
        day=r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er|º|°)?(?!\d|[.,]\d|%)",
    )


# -- numbers --------------------------------------------------------------------------------------

_FRACTION = re.compile(r"^(\d+)?\s*(\d)/(\d)$")


def number_value(text: str, lex: Lexicon) -> float | None:
    """The number a phrase names: '23' → 23, 'twenty four' → 24, 'two thousand' → 2000,
    '2 1/2' → 2.5; None if it names none."""
    text = text.strip().lower().replace(",", "")
    fraction = _FRACTION.match(text)
    if fraction:
        whole, numerator, denominator = fraction.groups()
        return (int(whole) if whole else 0) + int(numerator) / int(denominator)
    try:
        return float(text)
    except ValueError:
        pass
    total, current = 0, 0
    for word in re.split(r"[-\s]+", text):
        if word == "and":
            continue
        value = lex.numbers.get(word)
        if value is None:
            return None
        if value == 100:
            current = max(current, 1) * 100
        elif value == 1000:
            total += max(current, 1) * 1000
            current = 0
        else:
            current += value
    return float(total + current)


def amount(g: Groups, name: str = "num") -> float | None:
    """The group's number: a vague one ('several') is None, a 'couple' two."""
    text = g[name]
    if text is None:
        return None
    if text in g.lex.vague_numbers:
        vague = g.lex.vague_numbers[text]
        return None if vague is None else float(vague)
    return number_value(text, g.lex)


# -- modifiers ------------------------------------------------------------------------------------

_MODS = {
    "early": "START",
    "earlier": "START",
    "beginning": "START",
    "start": "START",
    "mid": "MID",
    "middle": "MID",
    "late": "END",
    "later": "END",
    "end": "END",
    "close": "END",
    "about": "APPROX",
    "around": "APPROX",
    "roughly": "APPROX",
    "approximately": "APPROX",
    "some": "APPROX",
    "or so": "APPROX",
    "nearly": "LESS_THAN",
    "almost": "LESS_THAN",
    "less than": "LESS_THAN",
    "under": "LESS_THAN",
    "more than": "MORE_THAN",
    "over": "MORE_THAN",
    "at least": "EQUAL_OR_MORE",
    "up to": "EQUAL_OR_LESS",
    "no more than": "EQUAL_OR_LESS",
    "at most": "EQUAL_OR_LESS",
    # Spanish, French, Italian
    "principios": "START",
    "comienzos": "START",
    "inicios": "START",
    "mediados": "MID",
    "finales": "END",
    "fines": "END",
    "début": "START",
    "mi": "MID",
    "fin": "END",
    "inizio": "START",
    "metà": "MID",
    "fine": "END",
    "más de": "MORE_THAN",
    "plus de": "MORE_THAN",
    "più di": "MORE_THAN",
    "oltre": "MORE_THAN",
    "casi": "LESS_THAN",
    "près de": "APPROX",
    "environ": "APPROX",
    "circa": "APPROX",
    "quasi": "LESS_THAN",
    "unos": "APPROX",
}

# Words a modifier may be written as: 'mid-', 'the end of', 'more than' …
MOD_WORDS = r"(?:early|earlier|late|later|mid-?|the\s+(?:beginning|start|end|middle|close)\s+of)"
APPROX_WORDS = (
    r"(?:about|around|roughly|approximately|nearly|almost|less\s+than|more\s+than|at\s+least|"
    r"up\s+to|no\s+more\s+than|at\s+most)"
)


def mod(word: str | None) -> str | None:
    """TimeML's ``mod`` for a modifier word ('early' → START, 'more than' → MORE_THAN)."""
    if word is None:
        return None
    word = word.strip(" -").removeprefix("the ").removesuffix(" of").strip()
    return _MODS.get(word)


# -- values ---------------------------------------------------------------------------------------


def duration(count: float | None, unit: str, modifier: str | None = None) -> Duration:
    """A TIMEX3 duration: (5, 'month') → P5M, (23, 'hour') → PT23H, (None, 'year') → PXY, and a
    fraction in the next smaller unit, as TimeML writes it: (2.5, 'year') → P2Y6M."""
    return Duration("P" + _duration_body(count, unit), modifier)


def _duration_body(count: float | None, unit: str) -> str:
    letter, is_time, smaller = UNITS[unit]
    if count is None:
        return f"{'T' if is_time else ''}X{letter}"
    whole = int(count)
    rest = count - whole
    head = f"{'T' if is_time else ''}{whole}{letter}" if whole else ""
    if not rest:
        return head or f"{'T' if is_time else ''}0{letter}"
    if smaller is not None and (rest * smaller[1]).is_integer():
        tail = _duration_body(rest * smaller[1], smaller[0])
        # A date unit followed by a time unit needs its 'T' ('P1DT12H'); two time units share one.
        if head and is_time and tail.startswith("T"):
            tail = tail[1:]
        return head + tail
    return f"{'T' if is_time else ''}{count:g}{letter}"


def day_and_month_valid(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def two_digit_year(text: str) -> int:
    """'89 → 1989, '05 → 2005: news digits name the nearest century's year."""
    value = int(text)
    return value + (1900 if value >= 50 else 2000)
