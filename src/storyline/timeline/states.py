"""States a report gives the story's subject, and the order they usually come in.

A developing story is mostly a few slots changing value: someone is detained, then released; a
deportation is planned, then dropped; asylum is sought, then granted. ``state_of`` reads which slot
and value a sentence reports, from the words news uses for them. Within a slot, values have a
``rank``: the usual course of events. It decides nothing about what happened — reports in time
order do — but when one report tells both a plan and its dropping, the plan came first.

A sentence can carry words of two values ('released from federal detention', 'withdraw its request
to deport'): the later value in the course is what the sentence reports, since the words of the
earlier one only name what changed. A negation right before the words ('not released', 'refused
to drop') reports no change, so it reports nothing here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.timeline.records import State


@dataclass(frozen=True, slots=True)
class _Value:
    name: str
    pattern: re.Pattern[str]


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


# Slot → its values in their usual course. English first; the Romance languages' commonest forms.
_SLOTS: dict[str, tuple[_Value, ...]] = {
    "custody": (
        _Value(
            "detained",
            _words(
                r"detained",
                r"arrested",
                r"jailed",
                r"imprisoned",
                r"taken into custody",
                r"in (?:federal |ICE |police )?custody",
                r"listed as a detainee",
                r"remains? in detention",
                r"detention by",
                r"detenid[oa]s?",
                r"arrestad[oa]s?",
                r"arrêtée?s?",
                r"incarcérée?s?",
                r"arrestat[oaie]",
            ),
        ),
        _Value(
            "released",
            _words(
                r"released",
                r"freed",
                r"set free",
                r"walked free",
                r"liberad[oa]s?",
                r"puest[oa] en libertad",
                r"libérée?s?",
                r"rilasciat[oaie]",
                r"liberat[oaie]",
                r"scarcerat[oaie]",
            ),
        ),
    ),
    "deportation": (
        _Value(
            "planned",
            _words(
                r"faces? deportation",
                r"facing deportation",
                r"possibility of deportation",
                r"potential deportation",
                r"(?:effort|request|plan|order|bid|attempt)s? to (?:deport|send|remove|expel)",
                r"ordered (?:deported|removed)",
                r"deportation (?:order|proceedings|plan|request)",
            ),
        ),
        _Value(
            "dropped",
            _words(
                r"abandon(?:ed|s)?",
                r"withdr(?:ew|awn|aw|aws|awing)",
                r"dropped",
                r"drop(?:s|ping)? the deportation",
                r"averted",
                r"halted",
                r"cancell?ed",
                r"called off",
            ),
        ),
    ),
    "asylum": (
        _Value(
            "sought",
            _words(
                r"sought asylum",
                r"seek(?:s|ing)? asylum",
                r"applied for asylum",
                r"asylum (?:application|request|claim|bid)",
            ),
        ),
        _Value("denied", _words(r"denied asylum", r"asylum (?:was |has been )?(?:denied|rejected)")),
        _Value(
            "granted",
            _words(
                r"granted asylum",
                r"granted (?:him|her|them) asylum",
                r"asylum (?:was |has been )?granted",
                r"successful asylum",
                r"won (?:his|her|their) asylum",
            ),
        ),
    ),
}

# A change slot needs its topic word in the sentence: 'abandoned' alone is no dropped deportation.
_TOPIC = {"deportation": _words(r"deport\w*", r"removal", r"to send")}
_NEGATION = re.compile(
    r"\b(?:not|never|no longer|refused to|declined to|failed to|yet to|won't|wouldn't|didn't|hasn't|"
    r"haven't|wasn't|weren't|isn't|no)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# Words a sentence about what someone asks or plans for (not what happened) starts its verb with.
_WISH = re.compile(
    r"\b(?:urged?|called for|calls? for|demand(?:ed|s)?|to secure|seek(?:s|ing)? to|would)"
    r"\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)


# Any word of any state: most sentences hold none, and one search tells so.
_ANY = re.compile(
    "|".join(value.pattern.pattern for values in _SLOTS.values() for value in values), re.IGNORECASE
)


def state_of(sentence: str) -> State | None:
    """The state ``sentence`` reports (see the module docstring), or None. A change (a value past
    its slot's first) is the news over a state that holds: 'released …, following a successful
    asylum application' reports the release; between slots, the first listed wins."""
    if not _ANY.search(sentence):
        return None
    found = [state for state in (state_of_slot(slot, sentence) for slot in _SLOTS) if state is not None]
    changes = [state for state in found if state.rank > 0]
    chosen = changes or found
    return chosen[0] if chosen else None


def state_of_slot(slot: str, sentence: str) -> State | None:
    """The value of one slot that ``sentence`` reports, or None."""
    topic = _TOPIC.get(slot)
    found: State | None = None
    for rank, value in enumerate(_SLOTS[slot]):
        for match in value.pattern.finditer(sentence):
            before = sentence[max(0, match.start() - 40) : match.start()]
            if _NEGATION.search(before) or _WISH.search(before):
                continue
            if rank > 0 and topic is not None and not topic.search(sentence):
                continue
            if found is None or rank > found.rank:
                found = State(slot, value.name, rank, match.group(0))
            break
    return found
