"""An article's claims: its sentences that state something checkable, with the slots a comparison
across outlets needs (numbers, dates, names, the speaker of a quote, negation, state words, an
attribution), and the credit line that says where the report came from.

A sentence is a claim when it is a statement (it ends like one and has at least a few words): a
heading, a byline, a question or a credit line is not. Each claim keeps the sentence's offsets, so
whatever is shown of it cites the stored text. The slots are read by rules, not by a model: no model
shipped on PyPI tells 'resigned' from 'refused to resign' (``/work/shared/dependencies.md``), so
negation, numbers and states are what tell two similar sentences apart.

States are the few words that say where a situation stands and which later word overturns them: a
report that he 'remains listed as a detainee' is overturned by a later one that he was 'released';
a 'plan to deport' by one that it was 'dropped'. A sentence that names both ('released from
detention', 'abandoned its effort to deport') reports the later state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.models import Article, Claim, ClaimKind, Mention, TimeExpression, TimexType

MIN_WORDS = 4
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STATEMENT_END = re.compile(r"[.!\"”’')\]]\s*$")
_QUOTE_MARKS = re.compile(r"[\"“”]")

# A credit line names where a report came from; it is no claim of its own.
_CREDIT = re.compile(
    r"^\W*(?:with inputs? from|inputs? from|reporting by|additional reporting by|written by|"
    r"editing by|compiled by|source:)\s*(?P<who>[^)]*)",
    re.IGNORECASE,
)
_AGENCIES = re.compile(r"\b(?:agencies|agency|wires?)\b", re.IGNORECASE)

# Phrases crediting a fact to an outlet or a wire in the report's own words.
_NAME = r"(?P<who>(?:the )?[A-Z][\w.&'’-]*(?:\s+(?:of\s+)?[A-Z][\w.&'’-]*){0,4})"
_ATTRIBUTIONS = (
    re.compile(r"\baccording to " + _NAME),
    re.compile(r"\b(?:as )?(?:first )?reported by " + _NAME),
    re.compile(_NAME + r" (?:reported|first reported|news agency reported)\b"),
    re.compile(r"\b(?:told|cited by|quoted by) " + _NAME),
)

_PRONOUN_SUBJECT = re.compile(r"\s*(?:he|she|they)\b", re.IGNORECASE)
# What someone wants, asks for or expects is no state: 'called for him to be granted safe haven'.
_ASPIRATION = re.compile(
    r"\b(?:called for|calls? for|urged?|urging|asked|asks|told to|hopes?|expects?|working to|seeking|"
    r"to secure|would|could|may|might)\b[^,.;]*",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no longer|refused to|refuses to|declined to|denied|denies|failed to|"
    r"did not|has not|have not|was not|is not)\b|n['’]t\b",
    re.IGNORECASE,
)

# State words, each with the states that overturn it. Earlier states first; a sentence holding
# a state and one that overturns it reports the later one.
STATES: dict[str, re.Pattern[str]] = {
    "detained": re.compile(
        r"\b(?:detained|in detention|in custody|listed as a detainee|remains? (?:in )?jail(?:ed)?|"
        r"behind bars|imprisoned|arrested|held (?:in|at|by) )",
        re.IGNORECASE,
    ),
    "released": re.compile(r"\b(?:released|freed|set free|walked free|let go)\b", re.IGNORECASE),
    "planned": re.compile(
        r"\b(?:plan(?:s|ned)?|effort to|request to|sought to|seeks? to|faces?|faced|"
        r"possibility of|threat of|move to)\b",
        re.IGNORECASE,
    ),
    "dropped": re.compile(
        r"\b(?:abandon(?:ed|s)?|dropp(?:ed|ing)|drop the|withdr[ae]w|withdrawn|withdraw|"
        r"called off|scrapped|averted|cancell?ed|reversed)\b",
        re.IGNORECASE,
    ),
    "pending": re.compile(
        r"\b(?:asylum (?:application|request|claim|hearing)|applied for|sought asylum|awaiting|"
        r"pending)\b",
        re.IGNORECASE,
    ),
    "granted": re.compile(
        r"\b(?:granted|approved|successful (?:\w+ )?application|won (?:his|her|their) )",
        re.IGNORECASE,
    ),
    "closed": re.compile(r"\b(?:closed|shut|shut down|suspended|halted)\b", re.IGNORECASE),
    "reopened": re.compile(r"\b(?:reopen(?:ed|s)?|resum(?:ed|es)|restarted|lifted)\b", re.IGNORECASE),
    "missing": re.compile(r"\b(?:missing|unaccounted for|disappeared)\b", re.IGNORECASE),
    "found": re.compile(
        r"\bfound\b[^,.;]{0,40}\b(?:alive|dead|safe)\b|\b(?:(?:was|were) found|rescued|located)\b",
        re.IGNORECASE,
    ),
}
# Which state a later state overturns.
OVERTURNS: dict[str, str] = {
    "released": "detained",
    "dropped": "planned",
    "granted": "pending",
    "reopened": "closed",
    "found": "missing",
}

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_NUMBER = re.compile(
    r"(?<![\w.,])(?P<value>\d+(?:[.,]\d+)*|" + "|".join(_NUMBER_WORDS) + r")"
    r"(?:\s+(?P<scale>" + "|".join(_SCALES) + r"))?"
    r"(?:\s*(?P<percent>%|per ?cent\b)|[\s-]+(?P<unit>[a-z]+(?:-[a-z]+)*))?",
    re.IGNORECASE,
)
_UNIT_STOP = {"of", "and", "or", "to", "in", "on", "at", "the", "a", "an", "for", "by", "with", "from"}


@dataclass(frozen=True, slots=True)
class ArticleClaims:
    """The claims of one article, and whom its credit line names ('agencies', 'Reuters'), if any."""

    claims: list[Claim]
    credit: str | None


def extract_claims(
    article: Article, mentions: Sequence[Mention] = (), expressions: Sequence[TimeExpression] = ()
) -> ArticleClaims:
    """Split an article into claims (see the module docstring). ``mentions`` and ``expressions``
    are the article's names and time expressions, as the entity and time stages stored them."""
    text = article.text
    claims: list[Claim] = []
    credit: str | None = None
    open_quote: str | None = None  # the speaker of a quote still open at the end of a sentence
    subject = ""  # the first person or organisation the last claim named: whom 'He said' means
    for index, sentence in enumerate(article.sentences):
        body = text[sentence.start : sentence.end]
        credited = _CREDIT.match(body.strip())
        if credited:
            credit = credited["who"].strip(" .;") or "agencies"
            continue
        marks = _QUOTE_MARKS.findall(body)
        if not _is_statement(body) and open_quote is None:
            continue
        inside = _quoted_spans(body, open_quote is not None)
        own = [m for m in mentions if sentence.start <= m.start < sentence.end]
        outside = _outside(body, inside)
        speaker: str | None = None
        if inside:
            speaker = open_quote if open_quote else _speaker(body, inside, own, sentence.start)
            if _PRONOUN_SUBJECT.match(outside) and subject:
                speaker = subject
        subject = next((m.key for m in own if m.type.value in ("PERSON", "ORG")), subject)
        if len(marks) % 2 == 1:  # a quote opens (or closes) here and runs across sentences
            open_quote = None if open_quote is not None else (speaker or "")
        quote = " ".join(body[a:b] for a, b in inside).strip() or None
        claims.append(
            Claim(
                sentence=index,
                start=sentence.start,
                end=sentence.end,
                text=body,
                kind=ClaimKind.QUOTE if quote else ClaimKind.STATEMENT,
                speaker=speaker or None,
                quote=quote,
                numbers=numbers_in(body),
                dates=tuple(
                    sorted(
                        {
                            e.value
                            for e in expressions
                            if e.value
                            and e.type in (TimexType.DATE, TimexType.TIME)
                            and sentence.start <= e.start < sentence.end
                        }
                    )
                ),
                entities=tuple(sorted({f"{m.type.value}:{m.key}" for m in own})),
                negated=bool(_NEGATION.search(outside)),
                states=states_in(outside),
                attribution=_attribution(outside),
            )
        )
    return ArticleClaims(claims, _credit_name(credit))


def days_of(claim: Claim) -> set[str]:
    """The calendar days a claim's dates name ('2026-03-02TMO', that morning, names 2026-03-02);
    a month, a year or a reference to the present names none."""
    return {d[:10] for d in claim.dates if len(d) >= 10 and d[:4].isdigit() and d[4] == "-"}


def _is_statement(body: str) -> bool:
    stripped = body.strip()
    return (
        len(_WORD.findall(stripped)) >= MIN_WORDS
        and bool(_STATEMENT_END.search(stripped))
        and not stripped.rstrip("\"”’' )").endswith("?")
    )


def _quoted_spans(body: str, starts_inside: bool) -> list[tuple[int, int]]:
    """The spans of ``body`` inside quotation marks (one open from an earlier sentence counts)."""
    spans: list[tuple[int, int]] = []
    inside_from = 0 if starts_inside else None
    for mark in _QUOTE_MARKS.finditer(body):
        if inside_from is None:
            inside_from = mark.end()
        else:
            spans.append((inside_from, mark.start()))
            inside_from = None
    if inside_from is not None:
        spans.append((inside_from, len(body)))
    return [(a, b) for a, b in spans if b > a]


def _outside(body: str, inside: Sequence[tuple[int, int]]) -> str:
    """The sentence with its quoted words blanked: the report's own voice."""
    chars = list(body)
    for a, b in inside:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


_SAID_AFTER = re.compile(r"(?:said|says|stated|added|told)\s+(?P<who>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)")
_SAID_BEFORE = re.compile(r"(?P<who>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)\s+(?:said|says|stated|added|wrote)\b")


def _speaker(body: str, inside: Sequence[tuple[int, int]], own: Sequence[Mention], offset: int) -> str:
    """Whom a quote is given to: the name beside the speech verb ('said Zhou Fengsuo'), else the
    first person or organisation named outside the quote (the sentence's subject)."""
    outside = _outside(body, inside)
    for pattern in (_SAID_AFTER, _SAID_BEFORE):
        found = pattern.search(outside)
        if found and found["who"] not in {"He", "She", "They", "It", "The", "We", "I"}:
            named = [m for m in own if m.start - offset <= found.start("who") < m.end - offset]
            return named[0].key if named else found["who"].lower()
    for mention in own:
        if mention.type.value in ("PERSON", "ORG") and not any(
            a <= mention.start - offset < b for a, b in inside
        ):
            return mention.key
    return ""


def numbers_in(text: str) -> tuple[str, ...]:
    """The quantities a text states, as 'value unit' ('23 hour', '1000000 ethnic'), years left to
    the time expressions."""
    found: set[str] = set()
    for match in _NUMBER.finditer(text):
        raw = match["value"].lower()
        if raw in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[raw])
        else:
            try:
                value = float(raw.replace(",", ""))
            except ValueError:
                continue
        unit = "%" if match["percent"] else (match["unit"] or "").lower()
        if match["scale"]:
            value *= _SCALES[match["scale"].lower()]
        if not unit and 1900 <= value <= 2100 and raw.isdigit():
            continue  # a year: the time expressions hold it
        if unit in _UNIT_STOP:
            unit = ""
        shown = str(int(value)) if value.is_integer() else f"{value:g}"
        found.add(f"{shown} {_singular(unit)}".strip())
    return tuple(sorted(found))


def _singular(unit: str) -> str:
    return unit[:-1] if unit.endswith("s") and not unit.endswith("ss") and len(unit) > 3 else unit


def states_in(text: str) -> tuple[str, ...]:
    """The state words a text reports (what someone asks for or expects left out), a state it
    overturns in the same breath left out too."""
    reported = _ASPIRATION.sub(" ", text)
    found = {state for state, pattern in STATES.items() if pattern.search(reported)}
    found -= {OVERTURNS[state] for state in found if state in OVERTURNS}
    return tuple(sorted(found))


def _attribution(text: str) -> str | None:
    for pattern in _ATTRIBUTIONS:
        found = pattern.search(text)
        if found:
            who = re.sub(r"^the\s+", "", found["who"].strip(" .,;:"), flags=re.IGNORECASE)
            return who or None
    return None


def _credit_name(credit: str | None) -> str | None:
    if credit is None:
        return None
    return "agencies" if _AGENCIES.search(credit) else credit
