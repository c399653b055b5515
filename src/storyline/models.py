"""Typed records that flow between pipeline stages.

Each stage reads the record of the stage before it and produces its own; nothing downstream
reaches back into raw input. Every derived value keeps where it came from (``Origin``) because
the people who use storyline have to be able to say *why* a date or an outlet is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Origin(StrEnum):
    """Where a metadata value came from, most trusted first."""

    SUPPLIED = "supplied"  # a field of the input record (JSON/JSONL) given by whoever fed us
    FEED = "feed"  # an RSS/Atom entry field
    META = "meta"  # HTML metadata (meta tags, JSON-LD, <title>) read by the extractor
    DATELINE = "dateline"  # visible text of the article ("Updated: 05-02-2026 06:25 IST")
    TEXT = "text"  # derived from the body text itself (first line as title)
    URL = "url"  # derived from the URL (outlet from the host name)
    WARC = "warc"  # the WARC record header (target URI)
    DETECTED = "detected"  # inferred from the text by a statistical model (language identification)
    NONE = "none"  # not known


class ContentKind(StrEnum):
    HTML = "html"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Supplied:
    """Metadata handed to us alongside the content, before any extraction."""

    origin: Origin
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    author: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Document:
    """One input record as read from a source: decoded content plus what came with it.

    ``external_id`` is the id the outside world knows the record by (JSONL ``id``, a file's
    relative path, a feed entry's guid, a WARC target URI); exports and evaluations use it.
    ``locator`` says where exactly it was read (``file.jsonl:12``) for error messages and provenance.
    ``warnings`` are one-line doubts about how the record was read (an encoding the decoder could not
    be sure of, a declared charset that did not fit); they travel on to the article so a reader can
    check the text instead of trusting it blindly.

    ``container`` is the input the record was read from (a file's absolute path, a feed's URL, the
    records handed to the library), within which ``external_id`` names the same thing over time: a
    record sent again there with the same id and a new text is a new *version* of that article.
    None when nothing names the record lastingly (a text piped in on stdin, a record without an
    id): then an id says nothing about what it was before. Two folders' ``report.txt`` are two
    containers, never one article's versions.
    """

    external_id: str
    locator: str
    kind: ContentKind
    content: str
    raw_sha256: str
    supplied: Supplied
    warnings: tuple[str, ...] = ()
    container: str | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not become an article, with a one-line human reason."""

    locator: str
    reason: str

    def __str__(self) -> str:
        return f"{self.locator}: {self.reason}"


def one_line(error: BaseException) -> str:
    """An exception as a reason fit for one line: its type and message, whitespace folded, short.

    Reasons are printed one per input and kept in the store; a library's multi-line message must
    not break either."""
    reason = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {reason}" if reason else type(error).__name__


@dataclass(frozen=True, slots=True)
class Notice:
    """Something worth telling about an input that is neither a document nor a rejection.

    Records an archive holds but that are not articles (``skipped`` counts them), or a library's
    warning about the input, rewritten as one line. The run goes on; the notice is for the summary.
    """

    locator: str
    message: str
    skipped: int = 0

    def __str__(self) -> str:
        return f"{self.locator}: {self.message}"


@dataclass(frozen=True, slots=True)
class MetaValue:
    value: str | None
    origin: Origin

    @classmethod
    def missing(cls) -> MetaValue:
        return cls(None, Origin.NONE)


@dataclass(frozen=True, slots=True)
class PublishedTime:
    """When a report was published, as its evidence says: an aware ``datetime`` when a time of day
    was given, a ``date`` when only the day was (never a midnight that nobody wrote), or None."""

    value: datetime | date | None
    origin: Origin
    raw: str | None = None

    @classmethod
    def unknown(cls) -> PublishedTime:
        return cls(None, Origin.NONE)


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range ``[start, end)`` into an article's cleaned text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    paragraph: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned report ready for de-duplication and story assignment."""

    external_id: str
    locator: str
    raw_sha256: str
    text: str
    title: MetaValue
    outlet: MetaValue
    url: MetaValue
    author: MetaValue
    language: MetaValue
    published: PublishedTime
    paragraphs: tuple[Span, ...]
    sentences: tuple[Sentence, ...]
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article just stored, as the stages after de-duplication see it.

    ``duplicate_of`` is the canonical member of its near-duplicate group, if it joined one: such an
    article always lands in that member's story and counts once towards independent reporting.
    """

    id: int
    article: Article
    duplicate_of: int | None = None


# -- story changes ----------------------------------------------------------------------------------
# What the story stage decided, in the order it decided it. Stages that derive data per story
# (entities, claims, timelines) follow these so that what they derived moves with the articles.


@dataclass(frozen=True, slots=True)
class ArticleAssigned:
    """``article_id`` joined ``story_id`` (which it started when ``created``)."""

    article_id: int
    story_id: int
    score: float
    created: bool


@dataclass(frozen=True, slots=True)
class StoriesMerged:
    """Every article of ``absorbed`` now belongs to ``into``; the absorbed id redirects there."""

    absorbed: int
    into: int
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class StorySplitInTwo:
    """``article_ids`` left ``story_id`` (which keeps its id) for the new story ``new_story_id``."""

    story_id: int
    new_story_id: int
    article_ids: tuple[int, ...]
    score: float
    reason: str


StoryEvent = ArticleAssigned | StoriesMerged | StorySplitInTwo


# -- time expressions -------------------------------------------------------------------------------
# What the time-expression stage (``storyline.timex``) derives from an article and the store keeps.


class TimexType(StrEnum):
    """TIMEX3's four types."""

    DATE = "DATE"  # a calendar date or period: 2026-02-03, 2025-08, 1989-Q3, PAST_REF
    TIME = "TIME"  # a time of day, or part of a day: 2026-02-03T10:00, 2026-02-03TMO
    DURATION = "DURATION"  # a length of time: P5M, PT23H
    SET = "SET"  # a recurring time: XXXX-WXX-1 (every Monday), P1D (daily)


class Granularity(StrEnum):
    """How fine a value is: a date is never finer than its evidence. ``range`` is part of a period
    or an open stretch up to the anchor ('earlier this month': the month up to the report);
    ``reference`` is the present, past or future without a date (PRESENT_REF, PAST_REF…)."""

    MINUTE = "minute"
    HOUR = "hour"
    PART_OF_DAY = "part of day"
    DAY = "day"
    WEEKEND = "weekend"
    WEEK = "week"
    MONTH = "month"
    SEASON = "season"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"
    MILLENNIUM = "millennium"
    RANGE = "range"
    REFERENCE = "reference"
    UNKNOWN = "unknown"  # a duration or set of no stated unit ('a while', 'from time to time')


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """A time expression of an article, found and resolved: what the store keeps.

    ``start``/``end`` index the article's stored text and ``sentence`` is the index of the sentence
    it lies in, so every date cites its evidence. ``value`` is TIMEX3 ('2026-02-03', '2025-08',
    'P5M', 'PAST_REF'), or None when it could not be resolved, with the ``reason`` (a relative
    expression in a report with no published time is never given a guessed date). ``anchor`` is
    what the value was counted from: the report's published time in its own zone, or the value of
    an earlier expression for an anaphor ('a year earlier'); None when the text states the value
    whole. ``rule`` names the recognition and resolution rules that fired; ``mod`` is TimeML's
    modifier (START for 'earlier this month', MORE_THAN for 'more than five months').
    """

    sentence: int
    start: int
    end: int
    text: str
    type: TimexType
    value: str | None
    granularity: Granularity
    anchor: str | None
    rule: str
    mod: str | None = None
    reason: str | None = None

    @property
    def resolved(self) -> bool:
        return self.value is not None


# -- entities ---------------------------------------------------------------------------------------


class EntityType(StrEnum):
    """What a name names. ``PLACE`` gathers the tagger's GPE, LOC and FAC: a reader looking for
    where something happened does not care which of the three the model chose."""

    PERSON = "PERSON"
    ORG = "ORG"
    PLACE = "PLACE"


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of an article's text naming a person, organisation or place.

    ``start``/``end`` are offsets into the article's stored text (``text`` is that slice), and
    ``sentence`` the index of the sentence holding ``start``. ``norm`` is the name's own normalised
    form ('U.S.' and 'United States' → 'united states'; 'Guan' → 'guan'); ``key`` is what it refers
    to within its report ('Guan' after 'Guan Heng' → 'guan heng'), which the story and the store
    then resolve to an entity.
    """

    sentence: int
    start: int
    end: int
    text: str
    type: EntityType
    norm: str
    key: str


# -- claims -----------------------------------------------------------------------------------------
# What the claim stage (``storyline.claims``) derives from an article and the store keeps.


class ClaimKind(StrEnum):
    STATEMENT = "statement"  # a checkable statement in the report's own voice
    QUOTE = "quote"  # someone's words in quotation marks, given to a speaker


@dataclass(frozen=True, slots=True)
class Claim:
    """A checkable statement of an article: who did what, a number, a date, a place, a quote.

    ``start``/``end`` index the article's stored text (``text`` is that slice) and ``sentence`` is
    the sentence it lies in, so every fact compared across outlets cites its evidence. The slots a
    comparison needs are kept beside the text: ``numbers`` ('23 hour', '5 month': value and unit),
    ``dates`` (resolved TIMEX3 values of the time expressions it holds), ``entities`` ('PERSON:guan
    heng': type and the report's key of each name in it), ``speaker`` and ``quote`` for a quote,
    ``negated`` when the statement is denied ('refused to resign'), ``states`` the state words it
    reports ('detained', 'released': see ``storyline.claims.extract``) and ``attribution`` the
    outlet or wire it is credited to in its own words ('according to Reuters').
    """

    sentence: int
    start: int
    end: int
    text: str
    kind: ClaimKind
    speaker: str | None = None
    quote: str | None = None
    numbers: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    negated: bool = False
    states: tuple[str, ...] = ()
    attribution: str | None = None
