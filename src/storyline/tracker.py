"""The library facade: one object to ingest news into a store and to read what it made of it.

``Tracker`` composes the stages (articles → duplicates → stories, see ``storyline.pipeline``) over
one store and answers every question an interface asks (a page of articles, a story with its
lineage, an export), so the CLI, the HTTP API and the web UI format its answers and hold no logic
of their own. Reads are safe from any thread while an ingest writes.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import replace
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

import httpx

from storyline.claims import BriefOrder, ClaimStage
from storyline.claims.brief import BRIEF_SIZE, make_brief
from storyline.claims.story import StoryClaims, story_claims
from storyline.clock import Clock, system_clock
from storyline.duplicates import DuplicateStage
from storyline.entities import EntityStage
from storyline.ingest import extract_html, language
from storyline.ingest.sources import count_inputs, document_from_record, iter_documents
from storyline.ingest.stage import ArticleBuilder
from storyline.ingest.watch import (
    DEFAULT_EVERY,
    DEFAULT_TIMEOUT,
    MAX_BACKOFF,
    Watcher,
    Writing,
    checked_source,
)
from storyline.models import Document, Notice, Rejection
from storyline.pipeline import IngestPipeline, Tally
from storyline.stage import ArticleStage
from storyline.store import Store, open_store
from storyline.store.records import (
    ArticleSummary,
    Correction,
    EntitySummary,
    IngestRun,
    RunStatus,
    SearchFilters,
    StoryRow,
    WatchState,
)
from storyline.store.search import parse_query
from storyline.stories import StoryParams
from storyline.stories.curation import StoryNotFound, mute, rename_story
from storyline.stories.embeddings import Embedder
from storyline.stories.stage import StoryStage
from storyline.timeline import Timeline, TimelineEntry, timeline_of_articles
from storyline.timex.stage import TimexStage
from storyline.views import (
    ArticleExport,
    ArticleView,
    AssignmentExport,
    BriefChangesView,
    BriefView,
    ChangesView,
    ComparisonView,
    EntityView,
    IngestReport,
    MutedArticle,
    MutedOutlet,
    Page,
    SearchHit,
    SearchResults,
    StoryMatch,
    StoryView,
    TimeExpressionsView,
    TimelineView,
)

BATCH_SIZE = 512
EMBEDDER_VARIABLE = "STORYLINE_EMBEDDER"
# Stories whose derived views (articles, timeline, compared claims, time expressions) a tracker
# keeps: a story of 2,000 reports takes 150-250 ms to derive, a visit to it again costs a lookup.
MEMO_STORIES = 128

T = TypeVar("T")

ProgressCallback = Callable[[int], None]
WaitCallback = Callable[[str], None]


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped an ingest after its run began. ``report`` holds what the run stored: whole
    batches only, which a re-run of the same inputs skips, so a caller can say where it resumes."""

    def __init__(self, report: IngestReport) -> None:
        super().__init__(f"ingest run {report.run_id} interrupted")
        self.report = report


class _StoryMemo(Generic[T]):
    """One view derived from a story, kept per story while the story's revision (which every
    change to the story's articles, claims or time expressions counts) stays the one it was made
    at; the least recently asked story goes first beyond ``size``. Shared by the threads that read
    through a tracker: two that miss at once both derive it, and either copy is right."""

    def __init__(self, size: int = MEMO_STORIES) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[int, tuple[int, T]] = OrderedDict()

    def get(self, store: Store, story_id: int, derive: Callable[[], T]) -> T:
        """The view of ``story_id``, derived by ``derive`` unless kept from its current revision.
        Called inside the snapshot ``derive`` reads, so that the revision is the one it sees."""
        revision = store.stories.revision(story_id)
        with self._lock:
            kept = self._kept.get(story_id)
            if kept is not None and kept[0] == revision:
                self._kept.move_to_end(story_id)
                return kept[1]
        view = derive()
        if revision is not None:
            with self._lock:
                self._kept[story_id] = (revision, view)
                self._kept.move_to_end(story_id)
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        return view


class Tracker:
    """Ingests news into a store and keeps its duplicate groups and stories current.

    ``db`` is a store location (an SQLite file, ``sqlite:///path`` or ``postgresql://…``; default
    ``$STORYLINE_DB``, else ``./storyline.db``) or an open ``Store``. Models and indexes load
    lazily and once: opening a tracker to list articles costs nothing.

    ``story_params`` and ``embedder`` default to the shipped parameters and to the embedder the
    store's stories were built with (``$STORYLINE_EMBEDDER``, else MiniLM, for a new store): a
    different embedder is refused when the stories load. ``assign_stories=False`` bulk-loads
    articles only; the next run with stories enabled assigns everything left unassigned, in
    arrival order. After the story stage come the time expressions, then people, organisations
    and places, tagged and resolved per story (``storyline.entities``); ``extract_entities=False``
    leaves those for a later run, which catches up the same way. Then each story's claims are
    grouped and compared across its reports (``storyline.claims``; ``compare_sources=False``
    leaves them for a later run too). ``stages`` run after them, in order (see
    ``storyline.stage``). ``clock`` is the one source of "now" (default: the system
    clock). ``create`` False opens only a store that exists (``storyline.store.StoreNotFound``
    otherwise), as a reader wants.
    """

    def __init__(
        self,
        db: str | Path | Store | None = None,
        *,
        batch_size: int = BATCH_SIZE,
        clock: Clock | None = None,
        story_params: StoryParams | None = None,
        embedder: Embedder | None = None,
        assign_stories: bool = True,
        extract_entities: bool = True,
        compare_sources: bool = True,
        stages: Sequence[ArticleStage[Any]] = (),
        create: bool = True,
    ) -> None:
        self.store = db if isinstance(db, Store) else open_store(db, create=create)
        self._batch_size = batch_size
        self._clock = clock or system_clock
        self._builder = ArticleBuilder(self._clock)
        self._duplicates = DuplicateStage()
        self._stories = StoryStage(
            story_params, embedder, default_embedder=os.environ.get(EMBEDDER_VARIABLE) or "minilm"
        )
        self._entities = EntityStage()
        self._stages: list[ArticleStage[Any]] = [
            *([self._stories] if assign_stories else []),
            TimexStage(),
            *([self._entities] if extract_entities else []),
            # Claims are grouped per story, in the vectors the story clusterer's embedder gives.
            *(
                [ClaimStage(lambda texts, store: self._stories.clusterer(store).embedder.encode(texts))]
                if assign_stories and compare_sources
                else []
            ),
            *stages,
        ]
        self._articles: _StoryMemo[list[ArticleSummary]] = _StoryMemo()
        self._timelines: _StoryMemo[Timeline] = _StoryMemo()
        self._claims: _StoryMemo[StoryClaims] = _StoryMemo()
        self._times: _StoryMemo[TimeExpressionsView] = _StoryMemo()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest -----------------------------------------------------------------------------------
    def ingest(
        self,
        paths: str | Path | Sequence[str | Path],
        *,
        stdin: BinaryIO | None = None,
        progress: ProgressCallback | None = None,
        on_wait: WaitCallback | None = None,
    ) -> IngestReport:
        """Ingest files, folders and ``-`` (stdin): one path or several.

        ``progress`` is told how many inputs each batch handled; ``on_wait`` gets one line when
        another process is writing to the store and this ingest waits for it. Ctrl-C once the run
        began raises ``IngestInterrupted``, which tells what the run stored.
        """
        # A lone string is one path, never a sequence of one-letter paths.
        names = [str(paths)] if isinstance(paths, str | Path) else [str(path) for path in paths]
        return self._run(iter_documents(names, stdin=stdin, notices=True), names, progress, on_wait)

    @staticmethod
    def count_inputs(paths: Sequence[str | Path]) -> int | None:
        """How many inputs ``ingest(paths)`` will read, when that is cheap to know (files counted by
        name, JSONL lines counted, nothing parsed); None otherwise (stdin, feeds, archives): for a
        progress bar's total."""
        return count_inputs([str(path) for path in paths])

    def add(
        self,
        records: Iterable[Mapping[str, Any]],
        *,
        progress: ProgressCallback | None = None,
        on_wait: WaitCallback | None = None,
    ) -> IngestReport:
        """Ingest in-memory records shaped like JSONL lines (id, title, text/html, outlet,
        published…). A record that cannot become an article is in the report's ``rejections``,
        with the reason. A record sent again with its ``id`` and a new text is a new version of
        the article it gave; a record without an id is never taken for another."""
        documents = (
            _as_record(document_from_record(record, f"record#{i}", f"record#{i}"), record)
            for i, record in enumerate(records, start=1)
        )
        return self._run(documents, ["<records>"], progress, on_wait)

    def warm_up(self) -> None:
        """Pay one-time costs now rather than on the first articles: the date search's set-up, the
        entity tagger's model and, when stories are assigned, the story model."""
        extract_html.warm_up()
        language.warm_up()
        if self._entities in self._stages:
            self._entities.warm_up()
        if self._stories in self._stages:
            self._stories.clusterer(self.store).embedder.encode(["warm up"])

    def _run(
        self,
        items: Iterable[Document | Rejection | Notice],
        arguments: list[str],
        progress: ProgressCallback | None,
        on_wait: WaitCallback | None,
    ) -> IngestReport:
        with self.store.write(on_wait=(lambda: on_wait(self._waiting_for(None))) if on_wait else None):
            run_id = self.store.runs.start(arguments, self._clock())
        pipeline = self._pipeline((lambda: on_wait(self._waiting_for(run_id))) if on_wait else None)
        tally = Tally()
        status = RunStatus.INTERRUPTED
        try:
            tally.add(pipeline.catch_up(self._batch_size))
            for batch in _batched(iter(items), self._batch_size):
                tally.add(pipeline.ingest(run_id, batch))
                if progress:
                    progress(len(batch))
            status = RunStatus.PARTIAL if tally.rejections else RunStatus.OK
        except KeyboardInterrupt as interrupt:
            report = IngestReport(run_id, tally.counts(), tally.rejections, tally.warnings, tally.notices)
            raise IngestInterrupted(report) from interrupt
        finally:
            with self.store.write(on_wait=(lambda: on_wait(self._waiting_for(run_id))) if on_wait else None):
                self.store.runs.finish(run_id, tally.counts(), status, self._clock())
        return IngestReport(run_id, tally.counts(), tally.rejections, tally.warnings, tally.notices)

    def watched(self) -> list[WatchState]:
        """Every source watched, by name, with its state: last fetch and attempt, validators
        (ETag, Last-Modified), failures in a row and the last error, next poll."""
        return self.store.watch.sources()

    def watch(self, source: str | Path) -> WatchState:
        """Watch a feed (an http(s) URL or a file) or a folder from now on: a watcher of the stored
        sources (``watcher(None)``) polls it at once. ValueError for a source that cannot be
        watched (another scheme, no such file); a source watched already keeps its state."""
        checked = checked_source(str(source))
        with self.store.write():
            self.store.watch.add(checked, self._clock())
            state = self.store.watch.get(checked)
        assert state is not None  # just added, in the same transaction
        return state

    def unwatch(self, source: str) -> bool:
        """Stop watching ``source`` and forget its state; False if it was not watched."""
        return self.store.watch.remove(source)

    def watcher(
        self,
        sources: Sequence[str | Path] | None,
        *,
        every: float = DEFAULT_EVERY,
        timeout: float = DEFAULT_TIMEOUT,
        max_backoff: float = MAX_BACKOFF,
        client: httpx.Client | None = None,
        writing: Writing = nullcontext,
    ) -> Watcher:
        """A watcher of feeds (http(s) URLs or files) and folders, polling each every ``every``
        seconds with conditional GET, backing off a failing one, and running what is new through
        the whole pipeline, one ingest run per poll that read something (``storyline.ingest.watch``).
        Its state is kept in the store: a watcher built later resumes it. ``sources`` None watches
        the sources the store holds (``watch``, and those watched before), as they change.
        ``writing`` is held while a poll stores what it read, never while it fetches: a server's
        one-writer lock, so that a slow feed holds up none of its writes."""
        return Watcher(
            self.store,
            None if sources is None else [str(source) for source in sources],
            lambda source, items: self._run(items, [source], None, None).counts,
            every=every,
            timeout=timeout,
            max_backoff=max_backoff,
            clock=self._clock,
            client=client,
            writing=writing,
        )

    def _pipeline(self, on_wait: Callable[[], None] | None = None) -> IngestPipeline:
        return IngestPipeline(
            self.store,
            clock=self._clock,
            builder=self._builder,
            duplicates=self._duplicates,
            stages=self._stages,
            on_wait=on_wait,
        )

    def _waiting_for(self, run_id: int | None) -> str:
        others = self.store.runs.running(excluding=run_id)
        if not others:
            return "waiting for another process writing to this store"
        named = ", ".join(f"run {r.id} (pid {r.pid} on {r.host})" for r in others)
        return f"waiting for another ingest writing to this store: {named}"

    # -- reads ------------------------------------------------------------------------------------
    def stories(
        self,
        limit: int | None = None,
        offset: int = 0,
        *,
        since: datetime | None = None,
        outlet: str | None = None,
        entity: int | str | None = None,
        text: str | None = None,
    ) -> Page[StoryRow]:
        """Stories, most recent news first; filtered to those that changed ``since``, that an
        ``outlet`` reported, that name an ``entity`` (id or any name; ``EntityNotFound`` when none
        is known) or with an article matching the keywords ``text`` (as ``search`` reads them)."""
        with self.store.snapshot():
            if since is None and outlet is None and entity is None and text is None:
                return Page(self.store.stories.list(limit, offset), self.store.stories.count(), offset, limit)
            filters = SearchFilters(outlet, self._entity_id(entity), since=since)
            terms = parse_query(text) if text is not None else None
            ids, total = self.store.search.story_ids(terms, filters, limit, offset)
            rows = [row for row in map(self.store.stories.get, ids) if row is not None]
            return Page(rows, total, offset, limit)

    def _entity_id(self, entity: int | str | None) -> int | None:
        if entity is None or isinstance(entity, int):
            return entity
        return self._entities.find(self.store, entity).id

    def story(self, story_id: int) -> StoryView | None:
        """A story with its articles in time order and its lineage; an id the story absorbed in a
        merge gives the story it was merged into (``StoryView.redirected``)."""
        with self.store.snapshot():
            resolved = self.store.stories.resolve(story_id)
            row = self.store.stories.get(resolved) if resolved is not None else None
            if resolved is None or row is None:
                return None
            merges = self.store.stories.merges(resolved)
            splits = self.store.stories.splits(resolved)
            related = {resolved, *(m.absorbed for m in merges), *(s.story_id for s in splits)}
            related |= {s.new_story_id for s in splits}
            muted_articles = self.store.stories.muted_articles(resolved)
            muted_outlets = self.store.stories.muted_outlets(resolved)
            # Mutes name no story: each is found by what it muted (the latest, when muted again).
            by_article: dict[int, Correction] = {}
            by_outlet: dict[str, Correction] = {}
            for mute_ in self.store.curation.mutes_of(
                [a.id for a in muted_articles], [outlet for outlet, _ in muted_outlets]
            ):
                if mute_.outlet is not None:
                    by_outlet[mute_.outlet.strip().lower()] = mute_
                for article_id in mute_.article_ids:
                    by_article[article_id] = mute_
            return StoryView(
                row,
                story_id,
                # A copy: the kept list is shared by every reader of the story.
                list(self._articles.get(self.store, resolved, lambda: self.store.stories.articles(resolved))),
                merges,
                splits,
                self.store.curation.for_stories(sorted(related)),
                [MutedArticle(a, by_article.get(a.id)) for a in muted_articles],
                [MutedOutlet(o, n, by_outlet.get(o.strip().lower())) for o, n in muted_outlets],
            )

    def article(self, key: int | str) -> ArticleView | None:
        """An article by its internal id (an ``int``) or by the id its input gave it (a ``str``):
        never one for the other, so '2' is always the input id '2'. An input id gives the current
        version of what its input stands for; when several inputs used the id (two folders'
        ``report.txt``), the first, and the view lists the others as ``namesakes``."""
        with self.store.snapshot():
            found = self._article_ids(key)
            stored = self.store.articles.get(found[0]) if found else None
            if stored is None:
                return None
            return ArticleView(
                stored,
                self.store.duplicates.members(stored.duplicate_of or stored.id),
                self.store.articles.versions(stored.id),
                [other for other in found if other != stored.id],
            )

    def _article_ids(self, key: int | str) -> list[int]:
        """An internal id as it is; the articles stored under an input id, the first first."""
        return [key] if isinstance(key, int) else self.store.articles.ids_for_external_id(key)

    def time_expressions(self, article: int | str) -> TimeExpressionsView | None:
        """An article's time expressions in reading order, each resolved against the article's own
        published time; the article is named as in ``article``. None for an unknown article."""
        with self.store.snapshot():
            found = self._article_ids(article)
            stored = self.store.articles.get(found[0]) if found else None
            if stored is None:
                return None
            return TimeExpressionsView(
                self.store.time_expressions.for_article(stored.id),
                {stored.id: stored.article.external_id},
                [] if self.store.time_expressions.tagged([stored.id]) else [stored.id],
            )

    def story_time_expressions(self, story_id: int) -> TimeExpressionsView | None:
        """The time expressions of a story's articles: articles in publication order, each one's in
        reading order. An id the story absorbed in a merge gives the story it was merged into."""
        with self.store.snapshot():
            resolved = self.store.stories.resolve(story_id)
            if resolved is None:
                return None
            view = self._times.get(self.store, resolved, lambda: self._story_times(resolved))
            return replace(view, requested_id=story_id)

    def _story_times(self, story_id: int) -> TimeExpressionsView:
        articles = self.store.stories.articles(story_id)
        ids = [a.id for a in articles]
        tagged = self.store.time_expressions.tagged(ids)
        return TimeExpressionsView(
            self.store.time_expressions.for_story(story_id),
            {a.id: a.external_id for a in articles},
            [i for i in ids if i not in tagged],
            story_id=story_id,
            requested_id=story_id,
        )

    def timeline(self, story_id: int) -> TimelineView | None:
        """The story's timeline: what its reports say happened, when, in time order, each entry
        with every report that tells it, and the developments (changes of state). Built from the
        story's current articles, and kept until the story changes, so it always shows the story
        as it stands. An id the story absorbed in a merge gives the story it was merged into; None
        for an unknown id."""
        with self.store.snapshot():
            resolved = self.store.stories.resolve(story_id)
            if resolved is None:
                return None
            timeline = self._timelines.get(
                self.store,
                resolved,
                lambda: timeline_of_articles(
                    self.store, [a.id for a in self.store.stories.articles(resolved)]
                ),
            )
            return TimelineView(timeline, resolved, story_id)

    def articles_timeline(self, keys: Sequence[int | str]) -> TimelineView:
        """The timeline of any reports, named as in ``article`` (a topic, a search's results, a
        story as an editor would cut it); ids naming no report are listed in ``missing``."""
        with self.store.snapshot():
            found: list[int] = []
            missing: list[str] = []
            for key in keys:
                ids = self._article_ids(key)
                # An internal id is taken as it is: whether it names a report, only the store says.
                if ids and (isinstance(key, str) or self.store.articles.get(ids[0]) is not None):
                    found.append(ids[0])
                else:
                    missing.append(str(key))
            return TimelineView(timeline_of_articles(self.store, found), missing=missing)

    def changes(self, since: datetime, story: int | None = None) -> ChangesView | None:
        """What changed since ``since`` (an aware instant) in the whole store, or in one story (an
        absorbed id gives the story it went into); None for a story that never was. Ask next for
        the changes since the answer's ``until``."""
        with self.store.snapshot():
            # An ingest still running stamps what it stores with its batch's start, which may
            # come before now: answering up to its run's start, the next question overlaps it.
            until = min([self._clock(), *(run.started_at for run in self.store.runs.running())])
            resolved = None if story is None else self.store.stories.resolve(story)
            if story is not None and resolved is None:
                return None
            articles = self.store.stories.articles_since(since, resolved)
            corrections = self.store.curation.since(since)
            if resolved is not None:
                corrections = [c for c in corrections if resolved in (c.story_id, c.other_story_id)]
            return ChangesView(
                since=since,
                until=until,
                articles=articles,
                stories=self.store.stories.created_since(since) if resolved is None else [],
                merges=self.store.stories.merges_since(since, resolved),
                splits=self.store.stories.splits_since(since, resolved),
                time_expressions=[
                    expression
                    for article in articles
                    for expression in self.store.time_expressions.for_article(article.id)
                ],
                entities=self.store.entities.named_first_since(since, resolved),
                corrections=corrections,
                timeline_entries=self._new_entries(articles),
                brief_states=self.store.claims.brief_states_since(since, resolved),
                story_id=resolved,
                requested_id=story,
            )

    def _new_entries(self, articles: Sequence[ArticleSummary]) -> list[tuple[int, TimelineEntry]]:
        """The timeline entries, in the stories ``articles`` went into, that those articles tell."""
        new = {a.id for a in articles}
        found: list[tuple[int, TimelineEntry]] = []
        for story_id in dict.fromkeys(a.story_id for a in articles if a.story_id is not None):
            ids = [a.id for a in self.store.stories.articles(story_id)]
            for entry in timeline_of_articles(self.store, ids).entries:
                if new.intersection(entry.articles):
                    found.append((story_id, entry))
        return found

    def articles(self, limit: int | None = None, offset: int = 0) -> Page[ArticleSummary]:
        """Stored articles in the order they were stored."""
        with self.store.snapshot():
            return Page(
                self.store.articles.summaries(limit, offset), self.store.articles.count(), offset, limit
            )

    def runs(self) -> list[IngestRun]:
        """Every ingest run, oldest first, with its counts and status."""
        return self.store.runs.list()

    def entities(self, story_id: int | None = None, limit: int | None = None) -> list[EntitySummary] | None:
        """The people, organisations and places of a story (an absorbed id gives the story it went
        into), or of the whole store, the most mentioned first; None for a story that never was."""
        with self.store.snapshot():
            if story_id is None:
                return self.store.entities.entities(limit)
            resolved = self.store.stories.resolve(story_id)
            if resolved is None:
                return None
            return self.store.entities.story_entities(resolved)[:limit]

    def entity(self, key: int | str) -> EntityView | None:
        """An entity by its id (an ``int``; a merged id gives the entity it went into) or by any of
        its names (a ``str``: 'DHS', 'Homeland Security', 'U.S. Department of Homeland Security'),
        with its spellings, stories, articles and first and last mention."""
        with self.store.snapshot():
            if isinstance(key, int):
                entity_id: int | None = key
            else:
                try:
                    entity_id = self._entities.find(self.store, key).id
                except LookupError:
                    entity_id = None
            summary = self.store.entities.summary(entity_id) if entity_id is not None else None
            if summary is None:
                return None
            found = summary.entity.id
            return EntityView.of(
                summary,
                self.store.entities.mentions_of(found),
                self.store.entities.aliases_of(found),
                self.store.entities.story_counts(found),
            )

    def add_alias(self, name: str, alias: str) -> EntityView:
        """From now on ``alias`` names the entity known as ``name``, in every story, before any rule
        (``storyline.entities.EntityNotFound`` when no entity is known as ``name``)."""
        return self._edited(self._entities.add_alias(self.store, name, alias, self._clock()))

    def split_alias(self, name: str, alias: str) -> EntityView:
        """``alias`` stops naming the entity known as ``name`` and becomes an entity of its own,
        which is returned; later ingests keep them apart."""
        return self._edited(self._entities.split_alias(self.store, name, alias, self._clock()))

    def rename_entity(self, name: str, new_name: str) -> EntityView:
        """Show the entity known as ``name`` as ``new_name``; no rule renames it after that."""
        return self._edited(self._entities.rename_entity(self.store, name, new_name, self._clock()))

    def _edited(self, entity_id: int) -> EntityView:
        view = self.entity(entity_id)
        if view is None:  # an edit leaves the entity it names in the store
            raise RuntimeError(f"entity {entity_id} vanished")
        return view

    # -- editors' corrections ---------------------------------------------------------------------
    # Each is logged with when, ``by`` whom (a person, or the API token's name) and ``why``, shown
    # in the story's lineage, and respected by every later ingest. Unknown stories or articles
    # raise ``LookupError`` (``StoryNotFound`` for a story), impossible corrections ``ValueError``.
    def merge_stories(self, story_id: int, other_id: int, *, by: str, why: str = "") -> StoryView:
        """Make two stories one: the older id survives, the other redirects to it, and the
        machine never splits the result."""
        self._live_stories(story_id, other_id)
        into = self._pipeline().correct(
            self._stories, lambda context: self._stories.merge(context, story_id, other_id, by, why)
        )
        return self._corrected(into)

    def move_articles(
        self, story_id: int, articles: Sequence[int | str], *, by: str, why: str = ""
    ) -> StoryView:
        """Move ``articles`` (named as in ``article``) out of a story into a new story of their own,
        which is returned. The two are never merged again and neither is split by the machine: the
        articles stay where the editor put them."""
        (resolved,) = self._live_stories(story_id)
        ids: list[int] = []
        for key in articles:
            found = self._article_ids(key)
            if not found:
                raise LookupError(f"no article {key}")
            ids.append(found[0])
        new = self._pipeline().correct(
            self._stories, lambda context: self._stories.move_out(context, resolved, ids, by, why)
        )
        return self._corrected(new)

    def rename_story(self, story_id: int, name: str, *, by: str, why: str = "") -> StoryView:
        """Show a story as ``name`` from now on, whatever later reports suggest."""
        return self._corrected(rename_story(self.store, story_id, name, by, why, self._clock()))

    def mute(self, *, article: int | None = None, outlet: str | None = None, by: str, why: str = "") -> bool:
        """Leave one article (a storyline id) or every article of one outlet (any case) out of
        story views and counts; False if it was muted already."""
        return mute(self.store, True, by, why, self._clock(), article_id=article, outlet=outlet)

    def unmute(
        self, *, article: int | None = None, outlet: str | None = None, by: str, why: str = ""
    ) -> bool:
        """Undo ``mute``; False if it was not muted."""
        return mute(self.store, False, by, why, self._clock(), article_id=article, outlet=outlet)

    def _live_stories(self, *story_ids: int) -> list[int]:
        resolved = [self.store.stories.resolve(story_id) for story_id in story_ids]
        for story_id, found in zip(story_ids, resolved, strict=True):
            if found is None:
                raise StoryNotFound(f"no story {story_id}")
        if self._stories not in self._stages:
            raise ValueError("this tracker does not assign stories: open it with assign_stories=True")
        return [r for r in resolved if r is not None]

    def _corrected(self, story_id: int) -> StoryView:
        view = self.story(story_id)
        if view is None:  # a correction leaves the story it names in the store
            raise RuntimeError(f"story {story_id} vanished")
        return view

    def compare(self, story_id: int) -> ComparisonView | None:
        """A story's claim groups compared across its reports: status (corroborated, single-source,
        conflicting, superseded), independent origins and why; an absorbed id gives the story it
        went into; None for a story that never was."""
        with self.store.snapshot():
            resolved = self.store.stories.resolve(story_id)
            if resolved is None:
                return None
            story = self._claims.get(self.store, resolved, lambda: story_claims(self.store, resolved))
            return ComparisonView(resolved, story_id, story.reports, story.groups)

    def brief(
        self, story_id: int, order: BriefOrder | str = BriefOrder.IMPORTANCE, size: int = BRIEF_SIZE
    ) -> BriefView | None:
        """A story's brief: ``size`` of its claims, by importance or chronological, each cited by
        article, outlet and offsets, single-source and conflicting facts marked, never a superseded
        one; None for a story that never was."""
        with self.store.snapshot():
            resolved = self.store.stories.resolve(story_id)
            if resolved is None:
                return None
            story = self._claims.get(self.store, resolved, lambda: story_claims(self.store, resolved))
            chosen = BriefOrder(order)
            sentences = make_brief(story.groups, story.reports, size, chosen)
            return BriefView(resolved, story_id, chosen, sentences, story.reports)

    def brief_changes(self, story_id: int) -> BriefChangesView | None:
        """What a story's brief gained and lost at each state since the story began, with the
        reports (or the merge or split) that caused it; None for a story that never was."""
        with self.store.snapshot():
            resolved = self.store.stories.resolve(story_id)
            if resolved is None:
                return None
            return BriefChangesView(resolved, story_id, self.store.claims.brief_states(resolved))

    def search(
        self,
        query: str,
        *,
        outlet: str | None = None,
        entity: int | str | None = None,
        story: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 20,
        offset: int = 0,
        stories: int = 5,
    ) -> SearchResults:
        """Articles whose title or text hold every word of ``query`` (``"a phrase"``, ``-word``
        to exclude, ``word*`` for any word it begins), the best first, with marked snippets; and
        the ``stories`` stories closest in meaning to the query (0: none, and no model loads).

        Filters: an outlet, an entity (id or any of its names; ``EntityNotFound`` when none is
        known), a story (an absorbed id gives the story it went into) and a publication window.
        ``storyline.store.search.BadQuery`` when the query has no word to look for."""
        terms = parse_query(query)
        with self.store.snapshot():
            entity_id = self._entity_id(entity)
            story_id = self.store.stories.resolve(story) if story is not None else None
            filters = SearchFilters(outlet, entity_id, story_id, since, until)
            hits, total = self.store.search.articles(terms, filters, limit, offset)
        matches = []
        for similar_id, similarity in (
            self._stories.similar_stories(self.store, query, stories) if stories else []
        ):
            row = self.store.stories.get(similar_id)
            if row is not None:
                matches.append(StoryMatch(row, similarity))
        return SearchResults(query, Page([SearchHit.of(hit) for hit in hits], total, offset, limit), matches)

    def export_articles(self) -> Iterator[ArticleExport]:
        """Every stored article as an export record, in the order they were stored."""
        for stored in self.store.articles.iter_stored():
            yield ArticleExport.of(stored)

    def export_assignments(self) -> Iterator[AssignmentExport]:
        """(input id, story id) for every input, in the order the inputs were stored."""
        for external_id, story_id in self.store.stories.assignments():
            yield AssignmentExport(external_id, story_id)


RECORDS_CONTAINER = "<records>"


def _as_record(item: Document | Rejection, record: Mapping[str, Any]) -> Document | Rejection:
    """A document handed to ``Tracker.add``: its id names it lastingly only if the record had one."""
    if isinstance(item, Document) and record.get("id") is not None:
        return replace(item, container=RECORDS_CONTAINER)
    return item


def _batched(
    items: Iterator[Document | Rejection | Notice], size: int
) -> Iterator[list[Document | Rejection | Notice]]:
    while batch := list(islice(items, size)):
        yield batch
