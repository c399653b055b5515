"""The ingest pipeline: documents → articles → duplicates → stories (→ later stages), a batch at a time.

Each batch goes through the stages in two phases (see ``storyline.stage``):

- outside the store's write lock, work on the inputs alone: articles are built (an input that
  cannot become one is rejected with its reason), then fingerprinted and prepared by every later
  stage (embeddings, tags) side by side, each stage in a thread of its own: the models spend their
  time in numpy and torch, which let go of the GIL, so the sentence embedder and the name tagger
  use both cores of a small machine instead of taking turns;
- inside one write transaction: inputs already stored are skipped, each article is stored once
  with all its sources, then every later stage commits in order, and the story changes they
  published are handed to the others.

Failures are kept to what they concern. An article the store refuses is a rejection; a stage that
fails on one article (or on the whole batch) leaves a warning on the articles concerned, its own
part rolled back to a savepoint and its in-memory state forgotten, and the batch goes on; the stage
finds those articles again through ``pending`` on the next run. Only a failure of the store itself
ends the batch, which then rolls back whole: a killed process leaves whole batches only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from storyline.clock import Clock
from storyline.duplicates import AlreadyStored, DuplicateStage, ExactDuplicate, source_key
from storyline.ingest.stage import ArticleBuilder
from storyline.models import Article, Document, NewArticle, Notice, Rejection, StoryEvent, one_line
from storyline.stage import ArticleStage, BatchContext
from storyline.store import Store
from storyline.store.records import IngestCounts

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ArticleWarning:
    """Something a stage could not do for a stored article, in one line."""

    article_id: int
    locator: str
    message: str

    def __str__(self) -> str:
        return f"{self.locator}: {self.message}"


@dataclass
class Tally:
    """What a run has done so far; a batch's part is added only once the batch is committed, so an
    interrupted run counts only what it stored."""

    read: int = 0
    new: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    already_stored: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[ArticleWarning] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.read += other.read
        self.new += other.new
        self.exact_duplicates += other.exact_duplicates
        self.near_duplicates += other.near_duplicates
        self.already_stored += other.already_stored
        self.rejections.extend(other.rejections)
        self.warnings.extend(other.warnings)
        self.notices.extend(other.notices)

    def counts(self) -> IngestCounts:
        return IngestCounts(
            self.read,
            self.new,
            self.exact_duplicates,
            self.near_duplicates,
            self.already_stored,
            len(self.rejections),
            sum(notice.skipped for notice in self.notices),
        )


@dataclass(frozen=True, slots=True)
class _Failed:
    """A stage could not prepare this article."""

    reason: str


class _Batch:
    """The ``BatchContext`` stages are handed inside one write transaction."""

    def __init__(self, store: Store, now: datetime, locators: dict[int, str]) -> None:
        self._store = store
        self._now = now
        self._locators = locators
        self.warnings: list[ArticleWarning] = []
        self.published: list[StoryEvent] = []

    @property
    def store(self) -> Store:
        return self._store

    @property
    def article_ids(self) -> list[int]:
        """The batch's articles, in order."""
        return list(self._locators)

    @property
    def now(self) -> datetime:
        return self._now

    def warn(self, article_id: int, message: str) -> None:
        self._store.articles.add_warning(article_id, message)
        self.warnings.append(
            ArticleWarning(article_id, self._locators.get(article_id, f"#{article_id}"), message)
        )

    def publish(self, events: Sequence[StoryEvent]) -> None:
        self.published.extend(events)


class IngestPipeline:
    """The stages composed in order over one store (see the module docstring).

    ``stages`` are the stages after de-duplication, in the order they commit (stories first: later
    stages may read which story an article joined). The stages keep what they hold in memory (an
    index, the clusterer) from one pipeline to the next, so a caller builds them once and a
    pipeline per run. ``on_wait`` is called when another writer holds the store and a batch has to
    wait for it.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock,
        builder: ArticleBuilder,
        duplicates: DuplicateStage,
        stages: Sequence[ArticleStage[Any]],
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._builder = builder
        self._duplicates = duplicates
        self._stages = list(stages)
        self._on_wait = on_wait

    @property
    def stages(self) -> list[ArticleStage[Any]]:
        return list(self._stages)

    def ingest(self, run_id: int, batch: Sequence[Document | Rejection | Notice]) -> Tally:
        """Read, build, store and enrich one batch of inputs; what it did, once committed.

        A ``Notice`` is no input record: it is kept with the run and reported, never counted as read."""
        tally = Tally(notices=[item for item in batch if isinstance(item, Notice)])
        tally.read = len(batch) - len(tally.notices)
        documents = [item for item in batch if isinstance(item, Document)]
        tally.rejections.extend(item for item in batch if isinstance(item, Rejection))
        # Inputs an earlier run stored are skipped before any work; the write below checks again,
        # for inputs another writer stored meanwhile.
        stored = self._store.articles.stored_sources([source_key(d) for d in documents])
        fresh = [d for d in documents if source_key(d) not in stored]
        tally.already_stored += len(documents) - len(fresh)
        arrivals: list[tuple[Document, Article]] = []
        for document, built in zip(fresh, self._builder.build(fresh), strict=True):
            if isinstance(built, Rejection):
                tally.rejections.append(built)
            else:
                arrivals.append((document, built))
        articles = [article for _, article in arrivals]
        with ThreadPoolExecutor(max_workers=1 + len(self._stages)) as threads:
            fingerprinting = threads.submit(self._duplicates.prepare, articles)
            preparing = [threads.submit(self._prepare, stage, articles) for stage in self._stages]
            prints = fingerprinting.result()
            prepared = [future.result() for future in preparing]
        now = self._clock()
        with self._transaction():
            for rejection in tally.rejections:
                self._store.runs.add_rejection(run_id, rejection, now)
            for notice in tally.notices:
                self._store.runs.add_notice(run_id, notice, now)
            outcomes = self._duplicates.commit(
                self._store,
                [(d, a, p) for (d, a), p in zip(arrivals, prints, strict=True)],
                run_id=run_id,
                now=now,
            )
            new: list[tuple[NewArticle, int]] = []  # each new article and its place in ``arrivals``
            for position, outcome in enumerate(outcomes):
                if isinstance(outcome, NewArticle):
                    tally.new += 1
                    tally.near_duplicates += outcome.duplicate_of is not None
                    new.append((outcome, position))
                elif isinstance(outcome, ExactDuplicate):
                    tally.exact_duplicates += 1
                elif isinstance(outcome, AlreadyStored):
                    tally.already_stored += 1
                else:
                    self._store.runs.add_rejection(run_id, outcome, now)
                    tally.rejections.append(outcome)
            locators = {article.id: arrivals[position][0].locator for article, position in new}
            context = _Batch(self._store, now, locators)
            self._run_stages(
                context,
                [[(article, items[position]) for article, position in new] for items in prepared],
            )
        tally.warnings.extend(context.warnings)
        return tally

    def catch_up(self, batch_size: int, progress: Callable[[int], None] | None = None) -> Tally:
        """Run every stage over the stored articles it has not processed (``pending``): articles
        stored while it was off, or left by a failure. Only that stage commits; the others follow
        the story changes it publishes."""
        tally = Tally()
        for stage in self._stages:
            pending = stage.pending(self._store)
            for start in range(0, len(pending), batch_size):
                stored = self._store.articles.get_many(pending[start : start + batch_size])
                news = [NewArticle(s.id, s.article, s.duplicate_of) for s in stored]
                prepared = self._prepare(stage, [s.article for s in stored])
                locators = {s.id: s.article.locator or s.article.external_id for s in stored}
                context = _Batch(self._store, self._clock(), locators)
                with self._transaction():
                    self._run_stages(
                        context,
                        [list(zip(news, prepared, strict=True)) if s is stage else [] for s in self._stages],
                    )
                    # What a stage derives late changes the stories of its articles for readers.
                    self._store.stories.touch(
                        list(self._store.stories.story_ids([n.id for n in news]).values())
                    )
                tally.warnings.extend(context.warnings)
                if progress:
                    progress(len(stored))
        return tally

    def correct(self, stage: ArticleStage[Any], change: Callable[[BatchContext], T]) -> T:
        """Apply an editor's correction, which ``stage`` makes through ``change`` inside one write
        transaction; the other stages follow the story changes it publishes there. An exception
        in ``change``, or in a stage following it (there is no article to leave a warning on, and
        no later run to retry), rolls the whole correction back and propagates: nothing is half
        corrected."""
        context = _Batch(self._store, self._clock(), {})
        with self._transaction():
            result = change(context)
            self._follow(context, [(stage, context.published)], isolate=False)
        return result

    # -- inside the write transaction -------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """The store's write transaction, with every in-memory stage told how it went: ``begin``
        once the lock is held (to catch up with other writers), ``rollback`` if it did not commit."""
        try:
            with self._store.write(on_wait=self._on_wait):
                self._duplicates.begin(self._store)
                for stage in self._stages:
                    stage.begin(self._store)
                yield
        except BaseException:
            self._duplicates.rollback()
            for stage in self._stages:
                stage.rollback()
            raise

    def _run_stages(self, context: _Batch, work: Sequence[Sequence[tuple[NewArticle, Any]]]) -> None:
        """Each stage commits its items under a savepoint; then each follows what the others
        published."""
        published: list[tuple[ArticleStage[Any], list[StoryEvent]]] = []
        for stage, items in zip(self._stages, work, strict=True):
            ready = []
            for article, item in items:
                if isinstance(item, _Failed):
                    context.warn(article.id, f"{stage.name}: could not prepare ({item.reason})")
                else:
                    ready.append((article, item))
            if not ready:
                continue
            context.published = []
            try:
                with self._store.savepoint():
                    stage.commit(ready, context)
            except Exception as exc:
                stage.rollback()
                for article, _ in ready:
                    context.warn(article.id, f"{stage.name}: {one_line(exc)}; the next run retries")
                continue
            published.append((stage, context.published))
        self._follow(context, published)

    def _follow(
        self,
        context: _Batch,
        published: Sequence[tuple[ArticleStage[Any], list[StoryEvent]]],
        *,
        isolate: bool = True,
    ) -> None:
        """Each stage follows the story changes the others published; a stage that fails leaves a
        warning on the batch's articles, or, not ``isolate``d, fails the whole transaction."""
        for stage in self._stages:
            events = [e for publisher, batch in published if publisher is not stage for e in batch]
            if not events:
                continue
            try:
                with self._store.savepoint():
                    stage.follow(events, context)
            except Exception as exc:
                if not isolate:
                    raise
                stage.rollback()
                for article_id in context.article_ids:
                    context.warn(
                        article_id, f"{stage.name}: could not follow story changes ({one_line(exc)})"
                    )

    def _prepare(self, stage: ArticleStage[Any], articles: Sequence[Article]) -> list[Any]:
        """``stage.prepare`` over the batch; if it fails, article by article, so that one bad
        article costs a warning on itself only."""
        if not articles:
            return []
        try:
            return stage.prepare(articles, self._store)
        except Exception:
            out: list[Any] = []
            for article in articles:
                try:
                    out.extend(stage.prepare([article], self._store))
                except Exception as exc:
                    out.append(_Failed(one_line(exc)))
            return out
