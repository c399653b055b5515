"""The pipeline as one object: sources → articles → duplicates → stories, written to the store.

``Tracker`` is the library's front door; the CLI (and later the API and web UI) are thin layers over
it. Work is done in batches: each batch is read and cleaned outside the database, then written,
de-duplicated and assigned to stories inside one transaction, so a crash leaves whole batches only
and a re-run skips every input it has already stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from storyline.coverage import Coverage, story_coverage
from storyline.duplicates import NearDuplicateIndex, fingerprint
from storyline.ingest import extract_html
from storyline.ingest.articles import build_article
from storyline.ingest.sources import document_from_record, iter_documents
from storyline.models import Article, Document, Rejection
from storyline.store import Store, open_store
from storyline.store.base import (
    ArticleSummary,
    IngestCounts,
    SourceRecord,
    StoredArticle,
    StoryMergeRow,
    StoryRow,
    StorySplitRow,
)
from storyline.stories import StoryClusterer, StoryInput, StoryMerge, StoryParams
from storyline.stories.embeddings import Embedder

BATCH_SIZE = 512

ProgressCallback = Callable[[int], None]


@dataclass
class IngestReport:
    """What one ingest did, for the CLI summary and for callers deciding on an exit code."""

    run_id: int
    counts: IngestCounts
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return bool(self.rejections)


@dataclass(frozen=True, slots=True)
class StoryView:
    story: StoryRow
    articles: list[ArticleSummary]
    merges: list[StoryMergeRow]
    splits: list[StorySplitRow]

    def coverage(self, max_periods: int = 40) -> Coverage:
        """Reports per day, week or month (see :func:`storyline.coverage.story_coverage`)."""
        return story_coverage(((a.published, a.outlet) for a in self.articles), max_periods)


@dataclass
class _Counter:
    read: int = 0
    new: int = 0
    exact: int = 0
    near: int = 0
    stored: int = 0
    rejected: int = 0

    def freeze(self) -> IngestCounts:
        return IngestCounts(self.read, self.new, self.exact, self.near, self.stored, self.rejected)


class Tracker:
    """Ingests news into a store and keeps its duplicate groups and stories current.

    Models and indexes load lazily and once: opening a tracker to list articles costs nothing.
    """

    def __init__(
        self,
        db: str | Path | Store | None = None,
        *,
        batch_size: int = BATCH_SIZE,
        clock: Callable[[], datetime] | None = None,
        story_params: StoryParams | None = None,
        embedder: Embedder | None = None,
        assign_stories: bool = True,
    ) -> None:
        """``assign_stories=False`` bulk-loads articles only; the next run with stories enabled
        assigns everything left unassigned, in arrival order.

        ``story_params`` and ``embedder`` default to the shipped ones. The clusterer's state always
        comes from the store, so they must be the ones the store's stories were built with (a
        different embedder is refused when the state loads)."""
        self.store = db if isinstance(db, Store) else open_store(db)
        self._assign = assign_stories
        self._batch_size = batch_size
        self._clock = clock or (lambda: datetime.now(UTC))
        self._near: NearDuplicateIndex | None = None
        self._story_params = story_params
        self._embedder = embedder
        self._clusterer: StoryClusterer | None = None
        # Bytes of the stored full clusterer state and of the change records since; None: none stored.
        self._state_size: tuple[int, int] | None = None

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest -----------------------------------------------------------------------------
    def ingest(
        self,
        paths: str | Path | Sequence[str | Path],
        *,
        stdin: BinaryIO | None = None,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Ingest files, folders and ``-`` (stdin): one path or several."""
        # A lone string is one path, never a sequence of one-letter paths.
        names = [str(paths)] if isinstance(paths, str | Path) else [str(path) for path in paths]
        return self._run(iter_documents(names, stdin=stdin), names, progress)

    def add(
        self, records: Iterable[Mapping[str, Any]], *, progress: ProgressCallback | None = None
    ) -> IngestReport:
        """Ingest in-memory records shaped like JSONL lines (id, title, text/html, source, published…)."""
        documents = (
            document_from_record(record, f"record#{i}", f"record#{i}")
            for i, record in enumerate(records, start=1)
        )
        return self._run(documents, ["<records>"], progress)

    def _run(
        self,
        items: Iterable[Document | Rejection],
        arguments: list[str],
        progress: ProgressCallback | None,
    ) -> IngestReport:
        run_id = self.store.start_run(arguments)
        counter = _Counter()
        rejections: list[Rejection] = []
        status = "interrupted"
        try:
            self._assign_pending()
            for batch in _batched(iter(items), self._batch_size):
                self._ingest_batch(run_id, batch, counter, rejections)
                if progress:
                    progress(len(batch))
            status = "partial" if rejections else "ok"
        finally:
            self.store.finish_run(run_id, counter.freeze(), status)
        return IngestReport(run_id, counter.freeze(), rejections)

    def _ingest_batch(
        self,
        run_id: int,
        batch: list[Document | Rejection],
        counter: _Counter,
        rejections: list[Rejection],
    ) -> None:
        now = self._clock()
        prepared: list[tuple[Document, Article]] = []
        batch_rejections: list[Rejection] = []
        stored = self.store.stored_sources(
            [(item.external_id, item.raw_sha256) for item in batch if isinstance(item, Document)]
        )
        for item in batch:
            counter.read += 1
            if isinstance(item, Rejection):
                batch_rejections.append(item)
                continue
            if (item.external_id, item.raw_sha256) in stored:
                counter.stored += 1
                continue
            built = build_article(item, now=now)
            if isinstance(built, Rejection):
                batch_rejections.append(built)
            else:
                prepared.append((item, built))
        near = self._near_index()
        added_to_index: list[int] = []
        try:
            with self.store.transaction():
                for rejection in batch_rejections:
                    self.store.add_rejection(run_id, rejection)
                new_articles = self._store_articles(run_id, prepared, counter, added_to_index)
                if self._assign:
                    self._assign_stories(new_articles)
        except BaseException:
            # The batch rolled back: forget index entries and clusterer state that never got stored.
            for article_id in added_to_index:
                near.remove(article_id)
            self._clusterer = None
            raise
        rejections.extend(batch_rejections)
        counter.rejected = len(rejections)

    def _store_articles(
        self,
        run_id: int,
        prepared: list[tuple[Document, Article]],
        counter: _Counter,
        added_to_index: list[int],
    ) -> list[tuple[int, Article, int | None]]:
        near = self._near_index()
        new_articles: list[tuple[int, Article, int | None]] = []
        for document, article in prepared:
            source = SourceRecord(
                external_id=document.external_id,
                locator=document.locator,
                raw_sha256=document.raw_sha256,
                run_id=run_id,
                supplied=_supplied_dict(document),
            )
            article_print = fingerprint(article.text)
            existing = self.store.article_id_by_hash(article_print.content_hash)
            if existing is not None:
                counter.exact += 1
                self.store.add_source(existing, source)
                continue
            sig = article_print.signature
            match = near.best_match(article_print.shingles, sig) if sig is not None else None
            # Groups are flat: a copy of a copy joins the group of the first article.
            canonical = self.store.canonical_article(match.article_id) if match is not None else None
            if match is not None:
                counter.near += 1
            article_id = self.store.insert_article(
                article, article_print.content_hash, sig, canonical, match.similarity if match else None
            )
            self.store.add_source(article_id, source)
            if sig is not None:
                near.add(article_id, sig)
                added_to_index.append(article_id)
            counter.new += 1
            new_articles.append((article_id, article, canonical))
        return new_articles

    def _near_index(self) -> NearDuplicateIndex:
        if self._near is None:
            self._near = NearDuplicateIndex(self.store.article_text)
            self._near.add_many(self.store.minhash_signatures())
        return self._near

    # -- stories ----------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Pay one-time costs now rather than on the first articles: the date search's set-up, the
        duplicate index and, when stories are assigned, the story model."""
        extract_html.warm_up()
        self._near_index()
        if self._assign:
            self._story_clusterer().embedder.encode(["warm up"])

    def _assign_pending(self) -> None:
        if not self._assign:
            return
        pending = self.store.unassigned_article_ids()
        # A batch of articles at a time: a bulk load may be far larger than memory wants to hold.
        for start in range(0, len(pending), self._batch_size):
            batch = [self.store.get_article(i) for i in pending[start : start + self._batch_size]]
            with self.store.transaction():
                self._assign_stories([(s.id, s.article, s.duplicate_of) for s in batch if s is not None])

    def _story_clusterer(self) -> StoryClusterer:
        if self._clusterer is None:
            state = self.store.load_clusterer_state()
            self._clusterer = (
                StoryClusterer(self._story_params, self._embedder)
                if state is None
                else StoryClusterer.load_state(
                    state.full, self._story_params, self._embedder, changes=state.changes
                )
            )
            self._state_size = state.size if state else None
        return self._clusterer

    def _save_clusterer_state(self, clusterer: StoryClusterer) -> None:
        """Save what this batch changed, or the whole state once the change records together
        outgrow the last full one: a batch then costs what it touched, amortised, instead of the
        whole corpus, and a load reads at most about twice the full state. Called inside the batch's
        transaction, so the state never gets out of step with the assignments it belongs to."""
        if self._state_size is None or self._state_size[1] >= self._state_size[0]:
            data = clusterer.dump_state()
            self.store.save_clusterer_state(data)
            self._state_size = (len(data), 0)
        else:
            data = clusterer.dump_changes()
            self.store.append_clusterer_changes(data)
            self._state_size = (self._state_size[0], self._state_size[1] + len(data))

    def _assign_stories(self, new_articles: list[tuple[int, Article, int | None]]) -> None:
        if not new_articles:
            return
        clusterer = self._story_clusterer()
        inputs = in_time_order(
            [
                StoryInput(
                    article_id=article_id,
                    title=article.title.value,
                    text=article.text,
                    published=article.published.value,
                    outlet=article.outlet.value,
                    duplicate_of=canonical,
                )
                for article_id, article, canonical in new_articles
            ]
        )
        assignments, changes = clusterer.add(inputs)
        now = self._clock()
        touched: set[int] = set()
        for assignment in assignments:
            self.store.assign_story(assignment.article_id, assignment.story_id, assignment.score)
            touched.add(assignment.story_id)
        # Replayed in the order they happened, merges and splits over the assignments leave every
        # article in the story the clusterer now holds it in.
        for change in changes:
            if isinstance(change, StoryMerge):
                self.store.record_merge(
                    StoryMergeRow(change.absorbed, change.into, now, change.score, change.reason)
                )
                touched.discard(change.absorbed)
                touched.add(change.into)
            else:
                row = StorySplitRow(
                    change.story_id,
                    change.new_story_id,
                    now,
                    change.score,
                    change.reason,
                    len(change.article_ids),
                )
                self.store.record_split(row, change.article_ids)
                touched.update((change.story_id, change.new_story_id))
        for story_id in sorted(touched):
            label = clusterer.label(story_id)
            self.store.refresh_story(story_id, label.headline, label.key_terms, now)
        self._save_clusterer_state(clusterer)

    # -- views ------------------------------------------------------------------------------
    def stories(self) -> list[StoryRow]:
        return self.store.stories()

    def story(self, story_id: int) -> StoryView | None:
        resolved = self.store.resolve_story(story_id)
        if resolved is None:
            return None
        row = self.store.story(resolved)
        if row is None:
            return None
        return StoryView(
            row,
            self.store.story_articles(resolved),
            self.store.story_merges(resolved),
            self.store.story_splits(resolved),
        )

    def article(self, key: str) -> StoredArticle | None:
        article_id = self.store.find_article(key)
        return self.store.get_article(article_id) if article_id is not None else None

    def articles(self, limit: int | None = None, offset: int = 0) -> list[ArticleSummary]:
        return self.store.list_articles(limit, offset)

    def assignments(self) -> Iterator[tuple[str, int]]:
        return self.store.story_assignments()


def _batched(items: Iterator[Document | Rejection], size: int) -> Iterator[list[Document | Rejection]]:
    while batch := list(islice(items, size)):
        yield batch


def _supplied_dict(document: Document) -> dict[str, Any]:
    s = document.supplied
    fields = {
        "origin": s.origin.value,
        "title": s.title,
        "url": s.url,
        "outlet": s.outlet,
        "published": s.published,
        "language": s.language,
        "author": s.author,
    }
    return {k: v for k, v in fields.items() if v is not None} | ({"extra": s.extra} if s.extra else {})


def in_time_order(batch: Sequence[StoryInput]) -> list[StoryInput]:
    """Order a batch by published time where known; an undated article keeps its place after the
    dated one that arrived before it, so arrival order still decides among undated records.

    This is the order the clusterer sees a batch in, so ``bench/fit_stories.py`` fits it too."""
    keyed: list[tuple[float, int, StoryInput]] = []
    last = float("-inf")
    for position, item in enumerate(batch):
        if item.published is not None:
            last = _timestamp(item.published)
        keyed.append((last, position, item))
    keyed.sort(key=lambda k: (k[0], k[1]))
    return [item for _, _, item in keyed]


def _timestamp(value: datetime) -> float:
    # Naive times carry no zone; treat them as UTC for ordering only.
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
