"""What the library facade hands its callers: pages, views of one story or article, export records.

The CLI, and later the HTTP API and the web UI, format these and nothing else, so every interface
shows the same thing: the fields an export carries are defined here once, not per interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from storyline.claims import BriefOrder, BriefSentence, FactDate, GroupComparison
from storyline.claims.compare import Member, Report
from storyline.coverage import Coverage, story_coverage
from storyline.models import Notice, Rejection
from storyline.pipeline import ArticleWarning
from storyline.store.records import (
    ArticleHit,
    ArticleSummary,
    BriefStateRow,
    Correction,
    EntityRow,
    EntitySummary,
    IngestCounts,
    MentionRow,
    StoredArticle,
    StoredTimeExpression,
    StoryMergeRow,
    StoryRow,
    StorySplitRow,
)
from storyline.store.search import MARK_END, MARK_START
from storyline.timeline import Timeline, TimelineEntry

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """``items`` of a list of ``total``, starting at ``offset``; ``limit`` None is the rest of it."""

    items: list[T]
    total: int
    offset: int = 0
    limit: int | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def first(self) -> int:
        """1-based position of the first item shown (0 for an empty page)."""
        return self.offset + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.offset + len(self.items)


@dataclass
class IngestReport:
    """What one ingest did, for the CLI summary and for callers deciding on an exit code.

    ``rejections`` are inputs that did not become articles, each with its one-line reason;
    ``warnings`` are stored articles a later stage could not finish (it retries on the next run);
    ``notices`` tell about inputs without rejecting them (records of a crawl that are not pages).
    """

    run_id: int
    counts: IngestCounts
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[ArticleWarning] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.rejections)


@dataclass(frozen=True, slots=True)
class StoryView:
    """One story as a reader asks for it: ``requested_id`` may be an id the story absorbed."""

    story: StoryRow
    requested_id: int
    articles: list[ArticleSummary]
    merges: list[StoryMergeRow]
    splits: list[StorySplitRow]
    # Editors' corrections of this story and of the stories it merged with or split from.
    corrections: list[Correction] = field(default_factory=list)
    # What an editor muted of it, left out of ``articles`` and the counts: shown to editors, who
    # would otherwise have to know an id to unmute it.
    muted_articles: list[MutedArticle] = field(default_factory=list)
    muted_outlets: list[MutedOutlet] = field(default_factory=list)

    @property
    def redirected(self) -> bool:
        """The id asked for was merged into this story."""
        return self.requested_id != self.story.id

    def coverage(self, max_periods: int = 40) -> Coverage:
        """Reports per day, week or month (see :func:`storyline.coverage.story_coverage`)."""
        return story_coverage(((a.published, a.outlet) for a in self.articles), max_periods)

    @property
    def duplicate_groups(self) -> list[list[int]]:
        """The story's articles that are copies of one text, each group in the story's order
        (articles without a copy in the story are in none)."""
        groups: dict[int, list[int]] = {}
        for a in self.articles:
            groups.setdefault(a.duplicate_of or a.id, []).append(a.id)
        return [ids for ids in groups.values() if len(ids) > 1]


@dataclass(frozen=True, slots=True)
class MutedArticle:
    """An article of a story that an editor muted, with the mute (who, when, why); ``muted`` is
    None only for a mute the log does not hold."""

    article: ArticleSummary
    muted: Correction | None


@dataclass(frozen=True, slots=True)
class MutedOutlet:
    """A muted outlet that published ``articles`` of a story, with the mute that did it."""

    outlet: str
    articles: int
    muted: Correction | None


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One stored article with the ids of its duplicate group (itself included, ascending), its
    versions (oldest first, itself included: its input sent again with new texts), and the other
    current articles whose inputs carry the same id (two folders' ``report.txt``)."""

    stored: StoredArticle
    duplicate_group: list[int]
    versions: list[int] = field(default_factory=list)
    namesakes: list[int] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.stored.id


@dataclass(frozen=True, slots=True)
class TimeExpressionsView:
    """The time expressions of one article, or of one story's articles (``story_id``, and
    ``requested_id`` the id asked for, perhaps one the story absorbed in a merge).

    ``external_ids`` names each article by its input id; ``untagged`` are articles whose
    expressions are not known yet (stored before the stage ran: the next ingest run tags them), so
    that an article with none is told apart from one not looked at.
    """

    expressions: list[StoredTimeExpression]
    external_ids: dict[int, str]
    untagged: list[int]
    story_id: int | None = None
    requested_id: int | None = None

    @property
    def redirected(self) -> bool:
        """The story id asked for was merged into this story."""
        return self.story_id is not None and self.requested_id != self.story_id


@dataclass(frozen=True, slots=True)
class TimelineView:
    """A story's timeline (``story_id``; ``requested_id`` the id asked for, perhaps one the story
    absorbed in a merge), or the timeline of reports named by their ids (``story_id`` None).
    ``missing`` lists the ids asked for that name no stored report."""

    timeline: Timeline
    story_id: int | None = None
    requested_id: int | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def redirected(self) -> bool:
        """The story id asked for was merged into this story."""
        return self.story_id is not None and self.requested_id != self.story_id


@dataclass(frozen=True, slots=True)
class ChangesView:
    """What changed in the store, or in one story (``story_id``; ``requested_id`` the id asked
    for, perhaps one the story absorbed), from ``since`` up to ``until``.

    ``until`` is when the answer was read (or when an ingest still running began): a reader asks
    next for the changes since it, and misses nothing. New articles are the current, unmuted ones
    stored in that time; new stories those whose first article was; new time expressions are the
    new articles' own; new entities those first named (in the story, or anywhere) by a new
    article; ``timeline_entries`` the entries of the touched stories' timelines that a new article
    tells (story id, entry: a new happening, or a new report of one already known);
    ``corrections`` are editors'; ``brief_states`` the states the touched stories' briefs took in
    that time, each with the facts (claims) it gained and lost and the facts whose status changed
    (single-source → corroborated, → conflicting), and the reports that caused it.
    """

    since: datetime
    until: datetime
    articles: list[ArticleSummary]
    stories: list[StoryRow]
    merges: list[StoryMergeRow]
    splits: list[StorySplitRow]
    time_expressions: list[StoredTimeExpression]
    entities: list[EntitySummary]
    corrections: list[Correction]
    timeline_entries: list[tuple[int, TimelineEntry]] = field(default_factory=list)
    brief_states: list[BriefStateRow] = field(default_factory=list)
    story_id: int | None = None
    requested_id: int | None = None

    @property
    def empty(self) -> bool:
        """Nothing changed."""
        return not (
            self.articles
            or self.stories
            or self.merges
            or self.splits
            or self.time_expressions
            or self.entities
            or self.corrections
            or self.timeline_entries
            or self.brief_states
        )


@dataclass(frozen=True, slots=True)
class ArticleExport:
    """One article as ``storyline export`` writes it (JSONL or CSV)."""

    FIELDS: ClassVar[tuple[str, ...]] = (
        "external_id",
        "id",
        "title",
        "text",
        "outlet",
        "url",
        "author",
        "language",
        "published",
        "published_origin",
        "duplicate_group",
        "story_id",
        "superseded_by",
        "outlets",
        "sources",
        "warnings",
        "extra",
    )

    external_id: str
    id: int
    title: str | None
    text: str
    outlet: str | None
    url: str | None
    author: str | None
    language: str | None
    published: str | None
    published_origin: str
    duplicate_group: int
    story_id: int | None
    superseded_by: int | None  # a newer version of the same input
    outlets: list[str]  # every outlet that carried this text, its exact copies' included
    sources: list[str]
    warnings: list[str]
    extra: dict[str, Any]

    @classmethod
    def of(cls, stored: StoredArticle) -> ArticleExport:
        a = stored.article
        return cls(
            external_id=a.external_id,
            id=stored.id,
            title=a.title.value,
            text=a.text,
            outlet=a.outlet.value,
            url=a.url.value,
            author=a.author.value,
            language=a.language.value,
            published=a.published.value.isoformat() if a.published.value else None,
            published_origin=a.published.origin.value,
            duplicate_group=stored.duplicate_of or stored.id,
            story_id=stored.story_id,
            superseded_by=stored.superseded_by,
            outlets=stored.outlets,
            sources=[source.external_id for source in stored.sources],
            warnings=list(a.warnings),
            extra=dict(a.extra),
        )

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.FIELDS}


@dataclass(frozen=True, slots=True)
class AssignmentExport:
    """Which story each input ended in: one record per input id (an article read from three
    inputs gives three), for evaluation against gold labels."""

    FIELDS: ClassVar[tuple[str, ...]] = ("article_id", "story_id")

    article_id: str  # the input's own id
    story_id: int

    def as_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "story_id": self.story_id}


@dataclass(frozen=True, slots=True)
class EntityView:
    """One entity as a reader asks for it: how it is written, which stories and articles name it,
    and where it was first and last mentioned (by the articles' publication times, undated last)."""

    summary: EntitySummary
    spellings: list[tuple[str, int]]  # each way it is written, with its mentions, the most used first
    aliases: list[str]  # the normalised names that find it across the store
    stories: list[tuple[int, int]]  # (story id, mentions), the most mentioned first
    articles: list[int]  # ids of the articles naming it, in the order of its mentions
    first_mention: MentionRow | None
    last_mention: MentionRow | None

    @property
    def entity(self) -> EntityRow:
        return self.summary.entity

    @classmethod
    def of(
        cls,
        summary: EntitySummary,
        mentions: list[MentionRow],
        aliases: list[str],
        stories: list[tuple[int, int]],
    ) -> EntityView:
        written: dict[str, int] = {}
        for row in mentions:
            written[row.mention.text] = written.get(row.mention.text, 0) + 1
        return cls(
            summary,
            sorted(written.items(), key=lambda kv: (-kv[1], kv[0])),
            aliases,
            stories,
            list(dict.fromkeys(row.article_id for row in mentions)),
            mentions[0] if mentions else None,
            mentions[-1] if mentions else None,
        )


@dataclass(frozen=True, slots=True)
class ComparisonView:
    """A story's claim groups compared across its reports: each with its status, independent
    origins and why (copies and attributions folded), and the reports it rests on."""

    story_id: int
    requested_id: int
    reports: dict[int, Report]
    groups: list[GroupComparison]

    @property
    def redirected(self) -> bool:
        return self.requested_id != self.story_id

    def as_dict(self) -> dict[str, Any]:
        return {
            "story": self.story_id,
            "groups": [
                {
                    "group": g.group,
                    "status": g.status.value,
                    "reports": g.reports,
                    "origins": [{"name": o.name, "articles": list(o.article_ids)} for o in g.origins],
                    "folded": list(g.folded),
                    "conflicts": list(g.conflicts),
                    "superseded_by": _cited(g.superseded_by, self.reports) if g.superseded_by else None,
                    "date": _dated(g.date, self.reports),
                    "claims": [_cited(m, self.reports) for m in g.members],
                }
                for g in self.groups
            ],
        }


@dataclass(frozen=True, slots=True)
class BriefView:
    """A story's brief: a few sentences, each a claim of its reports, each cited."""

    story_id: int
    requested_id: int
    order: BriefOrder
    sentences: list[BriefSentence]
    reports: dict[int, Report]

    @property
    def redirected(self) -> bool:
        return self.requested_id != self.story_id

    def as_dict(self) -> dict[str, Any]:
        return {
            "story": self.story_id,
            "order": self.order.value,
            "sentences": [
                {
                    "text": s.text,
                    "status": s.status.value,
                    "note": s.note,
                    "origins": s.origins,
                    "reports": s.reports,
                    "date": _dated(s.date, self.reports),
                    "citations": [
                        _place(c.article_id, c.start, c.end, self.reports) | {"sentence": c.sentence}
                        for c in s.citations
                    ],
                }
                for s in self.sentences
            ],
        }


@dataclass(frozen=True, slots=True)
class BriefChangesView:
    """A story's brief history: each state with what it gained and lost and what caused it."""

    story_id: int
    requested_id: int
    states: list[BriefStateRow]

    def as_records(self) -> list[dict[str, Any]]:
        """Each state as a JSON-ready record: its version, cause, articles and changes."""
        return [
            {"version": s.version, "cause": s.cause, "articles": list(s.article_ids), **s.changes}
            for s in self.states
        ]


def _place(article_id: int, start: int, end: int, reports: dict[int, Report]) -> dict[str, Any]:
    """Where a claim is stated, as an export names it: the article (both ids), outlet, offsets."""
    report = reports[article_id]
    return {
        "article": article_id,
        "input_id": report.external_id,
        "outlet": report.outlet,
        "start": start,
        "end": end,
    }


def _dated(when: FactDate | None, reports: dict[int, Report]) -> dict[str, Any] | None:
    """When a fact happened, as an export gives it: the value and granularity, and its evidence
    (the time expression's place in its article, or the report whose publication day it is)."""
    if when is None:
        return None
    evidence = {"article": when.article_id, "input_id": reports[when.article_id].external_id}
    if when.stated:
        evidence |= {"start": when.start, "end": when.end, "text": when.text}
    return {
        "value": when.value,
        "granularity": when.granularity.value,
        "source": "text" if when.stated else "published",
    } | evidence


def _cited(member: Member, reports: dict[int, Report]) -> dict[str, Any]:
    claim = member.claim
    place = _place(member.article_id, claim.start, claim.end, reports)
    return place | {"text": claim.text, "kind": claim.kind.value, "speaker": claim.speaker}


@dataclass(frozen=True, slots=True)
class Marked:
    """A text with the parts a search matched marked: ``parts`` are (text, matched) in order, so
    an interface escapes every part and marks the matched ones its own way (``<mark>``, bold)."""

    parts: tuple[tuple[str, bool], ...]

    @classmethod
    def parse(cls, marked: str) -> Marked:
        parts: list[tuple[str, bool]] = []
        for i, piece in enumerate(marked.split(MARK_START)):
            matched, _, rest = piece.partition(MARK_END) if i else ("", "", piece)
            parts.extend((text, flag) for text, flag in ((matched, True), (rest, False)) if text)
        return cls(tuple(parts))

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An article a keyword search found, with its title and a snippet, matched terms marked."""

    article: ArticleSummary
    score: float
    title: Marked
    snippet: Marked

    @classmethod
    def of(cls, hit: ArticleHit) -> SearchHit:
        return cls(hit.article, hit.score, Marked.parse(hit.title), Marked.parse(hit.snippet))

    def as_dict(self) -> dict[str, Any]:
        """A flat record for the exports: the snippet as plain text."""
        a = self.article
        return {
            "id": a.id,
            "external_id": a.external_id,
            "title": a.title,
            "outlet": a.outlet,
            "published": a.published.isoformat() if a.published else None,
            "story_id": a.story_id,
            "score": self.score,
            "snippet": self.snippet.text,
        }


@dataclass(frozen=True, slots=True)
class StoryMatch:
    """A story a semantic search found: ``similarity`` is the cosine between the query's embedding
    and the story's centroid (the clusterer's own vectors)."""

    story: StoryRow
    similarity: float


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One search: the articles matching the keywords, ranked and paged, and the stories closest
    in meaning to the whole query."""

    query: str
    hits: Page[SearchHit]
    stories: list[StoryMatch]
