"""What a name is, written down once: trimming a tagged span to the name, its normalised form, its
acronym, and the parts of a person's name.

Every alias rule compares names through these functions, so 'U.S.', 'US' and 'the United States'
meet as one form, 'Rep. Ro Khanna' and 'Ro Khanna' as one person, and 'DHS' can be told to be the
initials of 'Department of Homeland Security'. The tables are small and general (honorifics,
function words, a few country spellings that news writes several ways); nothing here knows a
particular story.
"""

from __future__ import annotations

import re
import unicodedata

from storyline.models import EntityType

# Words an acronym skips ('Department of Homeland Security' → DHS) and a name may hold in lower case
# ('Human Rights in China').
FUNCTION_WORDS = frozenset({"of", "and", "for", "the", "on", "in", "to", "at", "by", "de", "du", "la", "&"})

# Titles before a person's name: the person is the same with or without them.
HONORIFICS = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
        "president", "vice", "prime", "minister", "rep", "representative", "sen", "senator", "gov",
        "governor", "secretary", "judge", "justice", "gen", "general", "col", "colonel", "capt",
        "captain", "lt", "sgt", "sergeant", "officer", "det", "detective", "chief", "mayor", "pope",
        "king", "queen", "prince", "princess", "rev", "reverend", "father", "st", "saint", "speaker",
        "chairman", "chairwoman", "ambassador", "commissioner", "coach", "adm", "admiral", "sheriff",
        "attorney", "deputy", "leader",
    }
)  # fmt: skip

GENERATIONAL_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

# Spellings news uses for the same country or union; each maps to one form.
VARIANTS = {
    "us": "united states",
    "usa": "united states",
    "united states of america": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "un": "united nations",
    "eu": "european union",
    "uae": "united arab emirates",
    "peoples republic of china": "china",
    "prc": "china",
    "ussr": "soviet union",
}

# A country before an organisation's name ('U.S. Immigration and Customs Enforcement') does not
# make it another organisation.
_COUNTRY_PREFIXES = ("united states ", "us ", "united kingdom ", "uk ")
# Generic heads of a government body: 'Department of Homeland Security', 'Homeland Security
# Department' and 'Homeland Security' are one body.
_ORG_HEADS = ("department of ", "dept of ", "ministry of ", "ministry for ")
_ORG_TAILS = (" department", " ministry")

_DROPPED = str.maketrans({".": "", "'": "", "’": "", "‘": "", "`": ""})
_NOT_A_NAME_CHARACTER = re.compile(r"[^\w&]+")
_ACRONYM = re.compile(r"[A-Z]{2,6}|(?:[A-Z]\.){2,6}")
_LEADING_ARTICLE = re.compile(r"(?:the|The|THE)\s+")
_TRAILING_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_TRAILING_JUNK = re.compile(r"[\s\-–—,;:.!?\"“”'’()\[\]]+$")
_LEADING_JUNK = re.compile(r"^[\s\-–—,;:.!?\"“”'’()\[\]]+")


def trim_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The part of ``text[start:end]`` that is the name: without a leading 'the', a trailing
    possessive or punctuation, and cut at a line break (a heading glued to the next line is not
    one name); None when nothing name-like is left.

    The tagger's spans include such things ('the United States', "Guan Heng's"); the stored
    offsets must cite the name itself."""
    span = text[start:end]
    newline = span.find("\n")
    if newline >= 0:
        span = span[:newline]
    lead = _LEADING_JUNK.match(span)
    if lead:
        start += lead.end()
        span = span[lead.end() :]
    article = _LEADING_ARTICLE.match(span)
    if article and len(span) > article.end():
        start += article.end()
        span = span[article.end() :]
    for pattern in (_TRAILING_POSSESSIVE, _TRAILING_JUNK, _TRAILING_POSSESSIVE):
        found = pattern.search(span)
        if found and found.start() > 0:
            span = span[: found.start()]
    # An acronym's last dot ('U.S.') belongs to it.
    if text[start + len(span) : start + len(span) + 1] == "." and _ACRONYM.fullmatch(span + "."):
        span += "."
    if not any(c.isupper() for c in span) or len(span) < 2:
        return None
    return start, start + len(span)


def words(text: str) -> list[str]:
    """The name's words, case-folded, dots and apostrophes dropped ('U.S.' → 'us', "O'Brien" →
    'obrien'), everything else that is not a letter or digit a word break."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_DROPPED)
    return [w for w in _NOT_A_NAME_CHARACTER.split(folded) if w]


def normalise(text: str, kind: EntityType) -> str:
    """The form two spellings of one name share: 'the U.S.' = 'US' = 'United States' →
    'united states'; 'Rep. Ro Khanna' → 'ro khanna'; 'U.S. Department of Homeland Security' =
    'Homeland Security Department' = 'Homeland Security' → 'homeland security'."""
    tokens = words(text)
    if tokens[:1] == ["the"] and len(tokens) > 1:
        tokens = tokens[1:]
    if kind is EntityType.PERSON:
        while len(tokens) > 1 and tokens[0] in HONORIFICS:
            tokens = tokens[1:]
        while len(tokens) > 2 and tokens[-1] in GENERATIONAL_SUFFIXES:
            tokens = tokens[:-1]
    form = " ".join(tokens)
    form = VARIANTS.get(form, form)
    if kind is EntityType.ORG:
        form = organisation_core(form)
    return form


def organisation_core(form: str) -> str:
    """An organisation's normalised form without a country before it or a generic head."""
    for prefix in _COUNTRY_PREFIXES:
        if form.startswith(prefix) and len(form) > len(prefix):
            form = form[len(prefix) :]
            break
    for head in _ORG_HEADS:
        if form.startswith(head) and len(form) > len(head):
            return form[len(head) :]
    for tail in _ORG_TAILS:
        if form.endswith(tail) and len(form) > len(tail):
            return form[: -len(tail)]
    return form


def is_acronym(text: str) -> bool:
    """'DHS', 'ICE', 'U.N.': two to six capitals, dotted or not."""
    return _ACRONYM.fullmatch(text) is not None


def acronym(text: str) -> str | None:
    """The initials a multi-word name is abbreviated to, lower case ('Department of Homeland
    Security' → 'dhs', 'U.S. Immigration and Customs Enforcement' → 'ice'); None for one word."""
    form = " ".join(words(text))
    for prefix in _COUNTRY_PREFIXES:
        if form.startswith(prefix) and len(form) > len(prefix):
            form = form[len(prefix) :]
            break
    significant = [w for w in form.split() if w not in FUNCTION_WORDS]
    if len(significant) < 2:
        return None
    return "".join(w[0] for w in significant)


def person_parts(form: str) -> tuple[str, str] | None:
    """(first word, last word) of a normalised person's name of two words or more, else None."""
    tokens = form.split()
    return (tokens[0], tokens[-1]) if len(tokens) > 1 else None
