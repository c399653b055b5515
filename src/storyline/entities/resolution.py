"""Alias resolution: which names in a report, and then in a story, name the same thing.

This is storyline's own code, because it is what the product is about: a reader asks for 'Guan'
and must get every report about Guan Heng, and must not get his mother.

**Within a report** (``resolve_report``), over the mentions in text order:

- one type per name: a name the tagger called a person twice and a place once is a person;
- a person's full names that agree on first and last word are one ('George W. Bush', 'George Bush');
- a one-word person name is the full name it is the first or last word of ('Guan' → 'Guan Heng',
  'Lindsay' → 'Lindsay Lohan'); when two full names share it ('Guan Heng' and his mother 'Guan
  Li'), the two people stay apart and the one word goes to the nearest of them before it (the
  one the text just spoke of), else the nearest after;
- an acronym is the organisation or place whose initials it is ('DHS' → 'Department of Homeland
  Security', 'CCP' → 'Chinese Communist Party'), the nearest one when several fit;
- normalised forms meet ('U.S.' = 'US' = 'United States'; 'Homeland Security' = 'the U.S.
  Department of Homeland Security': ``names.normalise``).

**Within a story** (``resolve_story``), the same rules over the report-level names of all its
reports, counted: a surname alone in one report joins the full name another report gives, an
acronym its expansion. Where two people of the story share the surname, the lone surname goes to
the one the story mentions at least twice as often, else stays apart.

Across the store, a story's resolved names meet by their keys (``storyline.entities.stage``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storyline.entities import names
from storyline.entities.tagger import TaggedName
from storyline.models import EntityType, Mention
from storyline.store.records import StoryForm

# In a story, an ambiguous short name goes to the most mentioned candidate only if it has at least
# this many times the mentions of the next one.
DOMINANCE = 2.0
# Last words that make a name the organisation or facility of the name before them: 'Promises' and
# 'Promises Treatment Center' are one place.
GENERIC_TAILS = frozenset(
    {
        "center", "centre", "clinic", "hospital", "treatment", "recovery", "rehab", "foods", "inc",
        "corp", "corporation", "company", "co", "group", "hotel", "store", "stores", "club", "plant",
        "factory", "airport", "station", "prison", "jail", "ltd", "llc", "plc", "bank", "shop",
    }
)  # fmt: skip
# Initials shorter than this are too ambiguous to find an entity across the store ('HS', 'HR').
MIN_STORE_ACRONYM = 3


@dataclass(frozen=True, slots=True)
class _Name:
    """A distinct name and what the rules need of it."""

    type: EntityType
    form: str  # normalised
    acronym_of: str | None  # initials of the form's surface, for organisations and places


def resolve_report(tagged: Sequence[TaggedName], sentence_of: Iterable[int]) -> list[Mention]:
    """The report's mentions with their report-level keys (see the module docstring);
    ``sentence_of`` gives each tagged name's sentence index, in the same order."""
    if not tagged:
        return []
    votes: dict[str, Counter[EntityType]] = defaultdict(Counter)
    forms: list[str] = []
    for name in tagged:
        # The form is taken as a person's when the tagger said so; type votes then settle it.
        form = names.normalise(name.text, name.type)
        forms.append(form)
        votes[form][name.type] += 1
    types = [votes[form].most_common(1)[0][0] for form in forms]
    # A form seen as one type is normalised as that type (an organisation loses its generic head).
    forms = [
        names.normalise(n.text, t) if t is not n.type else f
        for n, t, f in zip(tagged, types, forms, strict=True)
    ]
    types = _as_persons(types, forms)
    keys = _report_keys(tagged, types, forms)
    return [
        Mention(sentence, name.start, name.end, name.text, kind, form, key)
        for name, sentence, kind, form, key in zip(tagged, sentence_of, types, forms, keys, strict=True)
    ]


def _as_persons(types: Sequence[EntityType], forms: Sequence[str]) -> list[EntityType]:
    """A one-word name that is the first or last word of a person's full name in the same text is
    that person's, whatever the tagger called it there ('Lohan' tagged a place after 'Lindsay
    Lohan')."""
    parts = {
        part
        for kind, form in zip(types, forms, strict=True)
        if kind is EntityType.PERSON
        for part in names.person_parts(form) or ()
    }
    return [
        EntityType.PERSON if form in parts and " " not in form else kind
        for kind, form in zip(types, forms, strict=True)
    ]


def _report_keys(
    tagged: Sequence[TaggedName], types: Sequence[EntityType], forms: Sequence[str]
) -> list[str]:
    positions: dict[str, list[int]] = defaultdict(list)
    kinds: dict[str, EntityType] = {}
    initials: dict[str, set[str]] = defaultdict(set)  # acronym → forms it abbreviates
    for i, (name, kind, form) in enumerate(zip(tagged, types, forms, strict=True)):
        positions[form].append(i)
        kinds.setdefault(form, kind)
        if kind is not EntityType.PERSON and not names.is_acronym(name.text):
            abbreviation = names.acronym(name.text)
            if abbreviation:
                initials[abbreviation].add(form)
    full_names = _person_names([f for f, k in kinds.items() if k is EntityType.PERSON])
    full_names.update(_shortened_names(kinds.items()))
    by_part = _by_part(full_names.values())
    keys: list[str] = []
    for i, (name, kind, form) in enumerate(zip(tagged, types, forms, strict=True)):
        if form in full_names:
            keys.append(_followed(full_names, form))
        elif kind is EntityType.PERSON and form in by_part:
            keys.append(_nearest(by_part[form], positions, i, full_names))
        elif names.is_acronym(name.text) and form in initials:
            keys.append(_nearest(initials[form], positions, i, {}))
        else:
            keys.append(form)
    return keys


def _person_names(forms: Iterable[str]) -> dict[str, str]:
    """Each person's name of two words or more → the name it stands for:

    - a name of three words or more that starts or ends with a shorter full name of the text is
      that name with words around it (a title-case headline read as one name: 'Lindsay Lohan
      Checks Into Rehab', 'Comedian Ellen DeGeneres');
    - names that agree on first and last word are one, the longest ('george bush' →
      'george w bush').

    One-word names are not in it."""
    multi = sorted({f for f in forms if names.person_parts(f)}, key=lambda f: (len(f.split()), f))
    trimmed: dict[str, str] = {}
    for form in multi:
        words = form.split()
        inner = [
            shorter
            for shorter in multi
            if len(words) >= 3
            and len(shorter.split()) < len(words)
            and shorter.split() in (words[: len(shorter.split())], words[-len(shorter.split()) :])
        ]
        trimmed[form] = max(inner, key=lambda f: (len(f.split()), f)) if inner else form
    merged: dict[str, str] = {}
    for form in sorted(set(trimmed.values()), key=lambda f: (-len(f.split()), f)):
        parts = names.person_parts(form)
        merged[form] = next(
            (longer for longer in merged.values() if names.person_parts(longer) == parts and longer != form),
            form,
        )
    return {form: merged[target] for form, target in trimmed.items()}


def _shortened_names(forms: Iterable[tuple[str, EntityType]]) -> dict[str, str]:
    """An organisation's or place's name that is exactly one longer name of the same type without
    its first words ('Saints' → 'New Orleans Saints', 'Richmond Hill' → 'South Richmond Hill'), or
    one longer organisation's or place's name without generic last words ('Promises' → 'Promises
    Treatment Center', 'Kraft' → 'Kraft Foods'), is that one."""
    unique = sorted({(f, k) for f, k in forms if k is not EntityType.PERSON})
    shortened: dict[str, str] = {}
    for form, kind in unique:
        words = form.split()
        n = len(words)
        longer = {
            f
            for f, k in unique
            if len(f.split()) > n
            and (
                (k is kind and f.split()[-n:] == words)
                or (f.split()[:n] == words and all(w in GENERIC_TAILS for w in f.split()[n:]))
            )
        }
        if len(longer) == 1:
            shortened[form] = longer.pop()
    return shortened


def _by_part(full_names: Iterable[str]) -> dict[str, set[str]]:
    """First word and last word of each full name → the full names they may stand for."""
    by_part: dict[str, set[str]] = defaultdict(set)
    for form in full_names:
        parts = names.person_parts(form)
        if parts:
            by_part[parts[0]].add(form)
            by_part[parts[1]].add(form)
    return by_part


def _nearest(candidates: set[str], positions: dict[str, list[int]], i: int, canonical: dict[str, str]) -> str:
    """Of ``candidates``, the one mentioned last before position ``i``, else first after it."""
    before = [(max((p for p in positions[c] if p < i), default=-1), c) for c in candidates]
    best_before = max(before)
    chosen = best_before[1] if best_before[0] >= 0 else min((min(positions[c]), c) for c in candidates)[1]
    return canonical.get(chosen, chosen)


# -- within a story ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoryEntity:
    """Names of a story that name one thing: ``key`` is the canonical one (a full name, an
    expansion), ``keys`` every key that may find it again across the store, ``name`` how to show
    it."""

    type: EntityType
    key: str
    name: str
    keys: frozenset[str]
    forms: tuple[StoryForm, ...]


def resolve_story(forms: Sequence[StoryForm]) -> list[StoryEntity]:
    """Group a story's report-level names into its entities (see the module docstring)."""
    counts: Counter[str] = Counter()  # mentions per key
    types: dict[str, Counter[EntityType]] = defaultdict(Counter)
    for form in forms:
        types[form.key][form.type] += form.mentions
        counts[form.key] += form.mentions
    key_type = {key: votes.most_common(1)[0][0] for key, votes in types.items()}
    target: dict[str, str] = {}  # key → the key it joins
    full_names = _person_names(k for k, t in key_type.items() if t is EntityType.PERSON)
    target.update(full_names)
    target.update(_shortened_names(key_type.items()))
    by_part = _by_part(set(full_names.values()))
    expansions: dict[str, set[str]] = defaultdict(set)  # acronym → keys whose names it abbreviates
    acronyms: set[str] = set()  # keys written as an acronym
    for form in forms:
        if key_type[form.key] is EntityType.PERSON:
            continue
        if names.is_acronym(form.surface):
            if form.key == form.norm:
                acronyms.add(form.key)
        else:
            abbreviation = names.acronym(form.surface)
            if abbreviation and abbreviation != form.key:
                expansions[abbreviation].add(form.key)
    for key, kind in key_type.items():
        if key in target:
            continue
        if kind is EntityType.PERSON and key in by_part:
            target[key] = _dominant(by_part[key], counts) or key
        elif key in acronyms and key in expansions:
            target[key] = _dominant(expansions[key], counts) or key
    groups: dict[str, list[StoryForm]] = defaultdict(list)
    for form in forms:
        groups[_followed(target, form.key)].append(form)
    return [
        _story_entity(key, key_type.get(key, members[0].type), members) for key, members in groups.items()
    ]


def _followed(target: dict[str, str], key: str) -> str:
    """Where ``key`` ends up when each rule's target may itself have joined another."""
    seen = {key}
    while key in target and target[key] not in seen:
        key = target[key]
        seen.add(key)
    return key


def _dominant(candidates: set[str], counts: Counter[str]) -> str | None:
    """The candidate a short name goes to: the only one, or one mentioned ``DOMINANCE`` times as
    often as any other; None when the story does not say which."""
    ranked = sorted(candidates, key=lambda c: (-counts[c], c))
    if len(ranked) == 1 or counts[ranked[0]] >= DOMINANCE * counts[ranked[1]]:
        return ranked[0]
    return None


def _story_entity(key: str, kind: EntityType, members: list[StoryForm]) -> StoryEntity:
    """The story's entity of canonical ``key``, with the keys that may find it across the store:
    its own name, a person's variants that agree on first and last word, and an organisation's or
    place's acronyms. A name that joined it only within this story (a lone surname, 'Saints' for
    'New Orleans Saints', 'Philadelphia' inside 'Northeast Philadelphia') is no key: another
    story's 'Guan' or 'Philadelphia' may be something else."""
    keys = {key}
    parts = names.person_parts(key)
    for form in members:
        for k in (form.key, form.norm):
            if kind is EntityType.PERSON:
                if parts and names.person_parts(k) == parts:
                    keys.add(k)
            elif names.is_acronym(form.surface) and k == form.norm:
                keys.add(k)
        if kind is not EntityType.PERSON and not names.is_acronym(form.surface):
            abbreviation = names.acronym(form.surface)
            if abbreviation and len(abbreviation) >= MIN_STORE_ACRONYM:
                keys.add(abbreviation)
    return StoryEntity(kind, key, display_name(key, members), frozenset(keys), tuple(members))


def display_name(key: str, members: Sequence[StoryForm]) -> str:
    """How the entity is shown: the surface most often written for its canonical key, else for its
    longest name; never an acronym when a spelled-out name exists."""
    written: Counter[str] = Counter()
    for form in members:
        written[form.surface] += form.mentions
    canonical = [f.surface for f in members if f.norm == key]
    pool = canonical or list(written)
    return max(pool, key=lambda s: (not names.is_acronym(s), len(s.split()), written[s], s))
