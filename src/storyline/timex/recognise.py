"""Finding time expressions in an article's sentences, and tagging an article whole.

Every rule of the article's language runs once over the lower-cased text, or only over the
sentences holding the kind of word all its matches hold (a month, a unit of time, a digit…: see
``Rule.needs``); where matches overlap, the longest wins (then the rule listed first), and a match
that would cross a sentence boundary is dropped, so each expression lies in one sentence and cites
it by index. Offsets index the stored text, as every derived thing in storyline does.

Each mention also gets its sentence's tense before it (``Tense``): whether the sentence looks back
('was reunited on Tuesday') or ahead ('will meet on Thursday') decides which Tuesday or which
'Feb. 3' a report means. The last cue before the mention wins; with none, the resolver takes the
nearest date (a weekday: the last one, as news mostly reports what happened). On TimeBank the cues
change few values either way (most sentences have none, or the nearest date is already right);
they are kept because a report about what will happen needs them.

Rule-based and fast by design: the issue's goal is 20,000 words a second on one core, which no
neural tagger per sentence meets.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from storyline.models import Sentence, TimeExpression
from storyline.timex import rules_en, rules_romance
from storyline.timex.grammar import DIGIT, Groups, Read, expand, trigger_kinds, triggers_of
from storyline.timex.lexicon import ENGLISH, LEXICONS, Lexicon
from storyline.timex.records import Mention, NotATime, Reading, Tense
from storyline.timex.resolve import Discourse, resolve_time_expression

_CLAUSE = 80  # characters: about a clause, the reach of a verb's tense


@dataclass(frozen=True)
class _TenseCues:
    """A language's words that put a sentence in the future or the past, and the prepositions
    that, right before a date, say which way it lies whatever the verb ('by May', 'since March')."""

    future: str
    past: str
    future_prepositions: str
    past_prepositions: str


# 'said' is no cue: it is the report's own verb, in every sentence, and says nothing about the
# event's time.
_TENSE_CUES: dict[str, _TenseCues] = {
    "en": _TenseCues(
        r"will|won't|'ll|shall|going\s+to|scheduled|expected\s+to|expects?\s+to|plans?\s+to|"
        r"intends?\s+to|set\s+to|is\s+to|are\s+to|payable|effective|would|upcoming|next|until",
        # What was planned before the report, or had been, lies behind it: 'had been scheduled to'.
        r"(?:was|were|had\s+been)\s+(?:\w+\s+)?(?:scheduled|expected|set|due|supposed|planned|going)"
        r"|was|were|had|did|ended|began|closed|ago|last|earlier",
        r"by|until|till|ahead\s+of",
        r"since",
    ),
    "es": _TenseCues(
        r"\w+rá|\w+rán|\w+remos|va\s+a|van\s+a|próxim[oa]s?|prevé|previst[oa]s?",
        r"\w+ó|\w+aron|\w+ieron|fue|fueron|había|habían|ha|han|pasad[oa]s?",
        r"hasta|para\s+(?:el|la)",
        r"desde",
    ),
    "fr": _TenseCues(
        r"\w+ra|\w+ront|\w+rons|va|vont|prochaine?s?|prévue?s?",
        r"a|ont|avait|avaient|était|fut|\w+ée?s?|derni[eè]re?s?",
        r"jusqu['’](?:à|au)|d['’]ici",
        r"depuis",
    ),
    "it": _TenseCues(
        r"\w+rà|\w+ranno|\w+remo|prossim[oa]|previst[oa]",
        r"ha|hanno|aveva|avevano|era|fu|\w+at[oaie]|\w+ut[oaie]|\w+it[oaie]|scors[oa]",
        r"entro|fino\s+a",
        r"dal|dalla|dall['’]",
    ),
}


@dataclass(frozen=True)
class _CompiledRule:
    name: str
    pattern: re.Pattern[str]
    read: Read
    needs: tuple[str, ...]


@dataclass(frozen=True)
class _Grammar:
    lexicon: Lexicon
    rules: tuple[_CompiledRule, ...]
    triggers: re.Pattern[str]  # any digit, or any word of a kind a rule needs
    kinds: dict[str, re.Pattern[str]]  # each kind's words, to tell all the kinds a word is of
    tense: re.Pattern[str]
    preposition: re.Pattern[str]
    kinds_of_word: dict[str, frozenset[str]] = field(default_factory=dict)  # filled as words are met

    def kinds_of(self, word: str) -> frozenset[str]:
        """The kinds a trigger word is of: 'mañana' is a part of the day and a deictic day."""
        found = self.kinds_of_word.get(word)
        if found is None:
            found = frozenset(kind for kind, pattern in self.kinds.items() if pattern.fullmatch(word))
            self.kinds_of_word[word] = found
        return found


@cache
def _grammar(language: str) -> _Grammar:
    """The compiled rules of a language (English for any language without rules of its own)."""
    lexicon = LEXICONS.get(language, ENGLISH)
    rules = rules_en.RULES if lexicon is ENGLISH else rules_romance.RULES[lexicon.language]
    own_words = list(dict.fromkeys(rule.words for rule in rules if rule.words))
    compiled = tuple(
        _CompiledRule(
            rule.name,
            re.compile(rf"(?<!\w)(?:{expand(rule.pattern, lexicon)})(?!\w)"),
            rule.read,
            triggers_of(rule, own_words),
        )
        for rule in rules
    )
    cues = _TENSE_CUES[lexicon.language]
    tense = re.compile(rf"(?<!\w)(?:(?P<future>{cues.future})|(?P<past>{cues.past}))(?!\w)")
    preposition = re.compile(
        rf"(?<!\w)(?:(?P<future>{cues.future_prepositions})|(?P<past>{cues.past_prepositions}))\s+$"
    )
    kinds = trigger_kinds(lexicon, own_words)
    # A plural counts: 'on Mondays' needs a weekday.
    words = "|".join(f"(?:{pattern})" for pattern in kinds.values())
    triggers = re.compile(rf"\d|(?<!\w)(?:{words})s?(?!\w)")
    fullmatch = {kind: re.compile(rf"(?:{pattern})s?") for kind, pattern in kinds.items()}
    return _Grammar(lexicon, compiled, triggers, fullmatch, tense, preposition)


def recognise(text: str, sentences: Sequence[Sentence] = (), language: str | None = None) -> list[Mention]:
    """The time expressions in ``text``, in reading order, each within one of ``sentences``
    (the whole text is one sentence when none are given). ``language`` is an ISO 639-1 code; a
    language without rules of its own is read with the English ones, which also find its ISO
    dates and years."""
    grammar = _grammar(language or "en")
    folded = _lower_case(text)
    bounds = [(s.start, s.end) for s in sentences] or [(0, len(text))]
    starts = [start for start, _ in bounds]
    candidates: list[tuple[int, int, int, str, Reading | NotATime]] = []
    tenses: dict[int, list[tuple[int, Tense]]] = {}
    holding = _sentences_holding(grammar, folded, starts)
    everywhere = [(0, len(text))]
    for priority, rule in enumerate(grammar.rules):
        regions = (
            _regions(sorted(set().union(*(holding[kind] for kind in rule.needs))), bounds, len(text))
            if rule.needs
            else everywhere
        )
        for region_start, region_end in regions:
            for match in rule.pattern.finditer(folded, region_start, region_end):
                start, end = match.span()
                index = bisect.bisect_right(starts, start) - 1
                if index < 0 or end > bounds[index][1] or start == end:
                    continue
                reading = rule.read(Groups(match, text, grammar.lexicon))
                if reading is not None:
                    candidates.append((start, end, priority, rule.name, reading))
    chosen: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for start, end, _, name, reading in sorted(candidates, key=lambda c: (c[0] - c[1], c[2], c[0])):
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        taken.append((start, end))
        if isinstance(reading, NotATime):
            continue
        sentence = bisect.bisect_right(starts, start) - 1
        cues = tenses.get(sentence)
        if cues is None:
            cues = tenses[sentence] = _cues(grammar, folded, *bounds[sentence])
        tense = _tense(grammar, folded, bounds[sentence][0], start, cues)
        chosen.append(Mention(sentence, start, end, text[start:end], name, reading, tense))
    chosen.sort(key=lambda m: m.start)
    return chosen


def _sentences_holding(grammar: _Grammar, folded: str, starts: list[int]) -> dict[str, set[int]]:
    """For each kind of trigger word, the sentences that hold one (one scan of the text)."""
    holding: dict[str, set[int]] = defaultdict(set)
    for match in grammar.triggers.finditer(folded):
        word = match.group()
        sentence = bisect.bisect_right(starts, match.start()) - 1
        for kind in (DIGIT,) if word.isdigit() else grammar.kinds_of(word):
            holding[kind].add(sentence)
    return holding


def _regions(sentences: list[int], bounds: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Runs of consecutive sentences as (start, end) spans of the text. A run reaches to where the
    next sentence begins, so that a rule's look at the character after a match sees the text's."""
    regions: list[tuple[int, int]] = []
    for index in sentences:
        if index < 0:
            continue
        end = bounds[index + 1][0] if index + 1 < len(bounds) else length
        if regions and regions[-1][1] >= bounds[index][0]:
            regions[-1] = (regions[-1][0], end)
        else:
            regions.append((bounds[index][0], end))
    return regions


def _lower_case(text: str) -> str:
    """``text`` in lower case, character for character: the rules match it instead of matching
    case-insensitively (a third faster), and offsets must stay those of the text. The few
    characters whose lower case is longer ('İ') are left as they are."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(char if len(char.lower()) != 1 else char.lower() for char in text)


def tag(
    text: str, sentences: Sequence[Sentence], language: str | None, published: datetime | date | None
) -> list[TimeExpression]:
    """Find an article's time expressions and resolve each against its published time (in the
    report's own zone), anaphors against what the article mentioned before them."""
    discourse = Discourse()
    expressions = []
    for mention in recognise(text, sentences, language):
        expression = resolve_time_expression(mention, published, discourse)
        discourse.note(mention.reading, expression)
        expressions.append(expression)
    return expressions


def _cues(grammar: _Grammar, text: str, start: int, end: int) -> list[tuple[int, Tense]]:
    return [
        (match.start(), Tense.FUTURE if match.group("future") else Tense.PAST)
        for match in grammar.tense.finditer(text, start, end)
    ]


def _tense(
    grammar: _Grammar, text: str, sentence_start: int, start: int, cues: list[tuple[int, Tense]]
) -> Tense:
    """A preposition right before the span decides ('by May', 'since March'); else the verb of
    its clause."""
    before = grammar.preposition.search(text, max(sentence_start, start - 16), start)
    if before:
        return Tense.FUTURE if before.group("future") else Tense.PAST
    return _tense_at(cues, start)


def _tense_at(cues: list[tuple[int, Tense]], start: int) -> Tense:
    """The tense of the last cue before the span in its clause (at most ``_CLAUSE`` characters
    back): a verb governs what follows it ('will meet Bush on Thursday'), while a cue after the
    span belongs to another clause ('said on Tuesday that Iraq would retaliate')."""
    tense = Tense.UNKNOWN
    for position, cue in cues:
        if position >= start:
            break
        if start - position <= _CLAUSE:
            tense = cue
    return tense
