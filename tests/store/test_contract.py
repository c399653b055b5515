"""The store's contract, the same on every backend: what goes in comes back, a transaction is whole
or absent, and the rules the pipeline relies on (sources, duplicates, stories, runs, state)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from storyline.models import Rejection
from storyline.store import Store
from storyline.store.database import Database
from storyline.store.records import (
    ClustererState,
    IngestCounts,
    RunStatus,
    SourceRecord,
    StateVersion,
    StoryMergeRow,
    StorySplitRow,
)
from tests.store.helpers import NOW, add_articles, make_article

IST = timezone(timedelta(hours=5, minutes=30))


# -- articles ---------------------------------------------------------------------------------
def test_article_round_trip_keeps_metadata_provenance_and_offsets(store: Store) -> None:
    run = store.runs.start(["test"], NOW)
    article = make_article("First sentence here. Second one.\n\nNext paragraph.")
    with store.write():
        article_id = store.articles.insert(article, NOW)
        store.duplicates.record(article_id, "h1", None, None, None)
        assert store.articles.add_source(
            article_id, SourceRecord("x", "x:1", "0" * 64, run, {"origin": "supplied", "n": 1}), NOW
        )
    stored = store.articles.get(article_id)
    assert stored is not None
    assert stored.article == article
    assert stored.content_hash == "h1"
    assert stored.sources == (SourceRecord("x", "x:1", "0" * 64, run, {"origin": "supplied", "n": 1}),)
    assert store.articles.text(article_id) == article.text
    assert store.articles.text(article_id + 1) is None
    assert store.articles.get(article_id + 1) is None


def test_published_keeps_the_reports_own_offset(store: Store) -> None:
    published = datetime(2026, 2, 5, 6, 25, tzinfo=IST)
    with store.write():
        article_id = store.articles.insert(make_article("Dated in India.", published=published), NOW)
    stored = store.articles.get(article_id)
    assert stored is not None and stored.article.published.value is not None
    value = stored.article.published.value
    assert isinstance(value, datetime) and value.utcoffset() == timedelta(hours=5, minutes=30)
    assert stored.article.published.value == published


def test_stored_sources_tells_which_inputs_are_stored_in_batches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_articles(store, 1)
    stored = (None, "a0", "0" * 64)
    other_container = ("feeds/b.xml", "a0", "0" * 64)  # the same id and bytes read from elsewhere
    assert store.articles.stored_sources(
        [stored, (None, "a0", "1" * 64), (None, "y", "0" * 64), other_container]
    ) == {stored}
    assert store.articles.stored_sources([]) == set()
    queries = []
    original = Database.query

    def counting(self: Database, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        queries.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(Database, "query", counting)
    many: list[tuple[str | None, str, str]] = [(None, f"id{i}", "0" * 64) for i in range(2000)]
    many.append(stored)  # more than one statement's worth
    assert store.articles.stored_sources(many) == {stored}
    assert len(queries) == 3  # one per 900 ids, never one per record


def test_add_source_ignores_a_repeat(store: Store) -> None:
    (article_id,) = add_articles(store, 1)
    again = SourceRecord("a0", "elsewhere:9", "0" * 64, 1, {"other": True})
    assert not store.articles.add_source(article_id, again, NOW)
    stored = store.articles.get(article_id)
    assert stored is not None and [s.locator for s in stored.sources] == ["a0:1"]
    other = SourceRecord("feed-7", "feed.xml:7", "f" * 64, 1, {})
    assert store.articles.add_source(article_id, other, NOW)
    assert store.articles.ids_for_external_id("feed-7") == [article_id]
    summary = store.articles.summaries()[0]
    assert summary.source_count == 2


def test_get_many_returns_the_ids_order_and_leaves_out_unknown_ids(store: Store) -> None:
    ids = add_articles(store, 5)
    wanted = [ids[3], ids[0], 999, ids[4]]
    assert [s.id for s in store.articles.get_many(wanted)] == [ids[3], ids[0], ids[4]]
    assert [s.article.text for s in store.articles.get_many(wanted)] == [
        "Story text number 3.",
        "Story text number 0.",
        "Story text number 4.",
    ]
    assert store.articles.get_many([]) == []


def test_iter_stored_reads_every_article_once_in_id_order(store: Store) -> None:
    ids = add_articles(store, 7)
    assert [s.id for s in store.articles.iter_stored(batch_size=3)] == ids
    assert store.articles.count() == 7


def test_summaries_page_by_id(store: Store) -> None:
    ids = add_articles(store, 5)
    assert [s.id for s in store.articles.summaries()] == ids
    assert [s.id for s in store.articles.summaries(limit=2, offset=1)] == ids[1:3]
    assert [s.id for s in store.articles.summaries(offset=3)] == ids[3:]
    first = store.articles.summaries(limit=1)[0]
    assert (first.external_id, first.title, first.outlet, first.source_count) == (
        "a0",
        "A title",
        "Harbor Wire",
        1,
    )
    assert first.published == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert (first.published_origin, first.duplicate_of, first.story_id) == ("supplied", None, None)


def test_ids_for_external_id_ascending(store: Store) -> None:
    ids = add_articles(store, 2)
    with store.write():
        store.articles.add_source(ids[1], SourceRecord("a0", "again", "9" * 64, 1, {}), NOW)
    assert store.articles.ids_for_external_id("a0") == ids
    assert store.articles.ids_for_external_id("nobody") == []


def test_a_warning_is_appended(store: Store) -> None:
    (article_id,) = add_articles(store, 1)
    store.articles.add_warning(article_id, "title guessed from the text")
    store.articles.add_warning(article_id, "no date")
    stored = store.articles.get(article_id)
    assert stored is not None and stored.article.warnings == ("title guessed from the text", "no date")


def test_text_with_a_nul_character_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="NUL"):
        store.articles.insert(make_article("Bad\x00text."), NOW)
    with pytest.raises(ValueError, match="NUL"), store.write():
        store.articles.insert(make_article("Fine text."), NOW)
        store.articles.insert(make_article("Fine text.", external_id="bad\x00id"), NOW)
    assert store.articles.count() == 0


def test_a_naive_instant_is_refused_and_a_publication_time_without_a_zone_is_kept(store: Store) -> None:
    naive = datetime(2026, 3, 2, 8, 15)
    with pytest.raises(ValueError, match="naive"):
        store.articles.insert(make_article("Undated zone.", published=naive), naive)
    with pytest.raises(ValueError, match="naive"):
        store.runs.start(["x"], naive)
    with pytest.raises(ValueError, match="naive"):
        store.clusterer_state.save_full(b"state", naive)
    with pytest.raises(ValueError, match="naive"):
        store.stories.refresh(1, "label", [], naive)
    with pytest.raises(ValueError, match="naive"):
        store.stories.record_merge(StoryMergeRow(2, 1, naive, 0.5, "converged"))
    assert store.articles.count() == 0 and store.runs.list() == [] and store.stories.count() == 0
    # A report's wall time with no zone is kept as written; it is ordered as UTC (clock.as_utc).
    kept = store.articles.insert(make_article("Zone unknown.", published=naive), NOW)
    stored = store.articles.get(kept)
    assert stored is not None and stored.article.published.value == naive


def test_instants_come_back_as_aware_utc(store: Store) -> None:
    started = datetime(2026, 3, 2, 13, 45, 30, 123456, tzinfo=IST)
    run_id = store.runs.start(["x"], started)
    run = store.runs.get(run_id)
    assert run is not None
    assert run.started_at == started and run.started_at.tzinfo is UTC


# -- transactions -----------------------------------------------------------------------------
def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write():
        store.articles.insert(make_article("Will be rolled back."), NOW)
        raise RuntimeError("crash mid-batch")
    assert store.articles.count() == 0


def test_a_batch_redone_after_a_rollback_is_stored_once(store: Store) -> None:
    def batch(fail: bool) -> None:
        with store.write():
            run = store.runs.start(["batch"], NOW)
            for n in range(3):
                article_id = store.articles.insert(make_article(f"Text {n}.", f"b{n}"), NOW)
                store.duplicates.record(article_id, f"h{n}", None, None, None)
                store.articles.add_source(article_id, SourceRecord(f"b{n}", "l", "0" * 64, run, {}), NOW)
            if fail:
                raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        batch(fail=True)
    batch(fail=False)
    assert store.articles.count() == 3
    assert len(store.runs.list()) == 1
    assert store.articles.stored_sources([(None, f"b{n}", "0" * 64) for n in range(3)]) == {
        (None, f"b{n}", "0" * 64) for n in range(3)
    }


def test_a_nested_write_joins_the_outer_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write():
        with store.write():
            store.articles.insert(make_article("Inner."), NOW)
        assert store.articles.count() == 1  # the writing thread reads its own uncommitted writes
        raise RuntimeError("the outer batch fails")
    assert store.articles.count() == 0


def test_a_savepoint_undoes_only_its_own_work(store: Store) -> None:
    with store.write():
        kept = store.articles.insert(make_article("Kept."), NOW)
        store.duplicates.record(kept, "same", None, None, None)
        with pytest.raises(RuntimeError), store.savepoint():
            store.articles.insert(make_article("Undone."), NOW)
            raise RuntimeError("this one article failed")
        # A failed statement too: PostgreSQL aborts the transaction until the savepoint is undone.
        clash = store.articles.insert(make_article("Clashes."), NOW)
        with pytest.raises(Exception, match=r"(?i)unique"), store.savepoint():
            store.duplicates.record(clash, "same", None, None, None)
        store.duplicates.record(clash, "other", None, None, None)
    assert [s.article.text for s in store.articles.iter_stored()] == ["Kept.", "Clashes."]
    assert store.duplicates.by_hash("other") == clash


def test_savepoint_and_writes_need_write(store: Store) -> None:
    with pytest.raises(RuntimeError, match="write"), store.savepoint():
        pass
    with pytest.raises(RuntimeError, match="write"):
        store._db.execute("DELETE FROM articles")


def test_a_snapshot_is_read_only(store: Store) -> None:
    with pytest.raises(RuntimeError, match="snapshot"), store.snapshot():
        store.runs.start(["x"], NOW)


# -- duplicates -------------------------------------------------------------------------------
def test_duplicate_groups_hashes_and_signatures(store: Store) -> None:
    ids = add_articles(store, 4)
    first, copy = np.arange(128, dtype=np.uint64), np.arange(128, dtype=np.uint64) * 3
    with store.write():
        article = store.articles.insert(make_article("Original."), NOW)
        store.duplicates.record(article, "orig", first, None, None)
        near = store.articles.insert(make_article("Original!"), NOW)
        store.duplicates.record(near, "near", copy, article, 0.93)
    assert store.duplicates.by_hash("orig") == article
    assert store.duplicates.by_hash("missing") is None
    assert store.duplicates.canonical(near) == article
    assert store.duplicates.canonical(article) == article
    assert store.duplicates.canonical(ids[0]) == ids[0]
    assert store.duplicates.members(article) == [article, near]
    stored = store.articles.get(near)
    assert stored is not None
    assert (stored.content_hash, stored.duplicate_of, stored.duplicate_similarity) == ("near", article, 0.93)
    assert store.articles.summaries()[-1].duplicate_of == article
    signatures = list(store.duplicates.signatures())
    assert [i for i, _ in signatures] == [article, near]
    assert np.array_equal(signatures[0][1], first) and np.array_equal(signatures[1][1], copy)
    assert [i for i, _ in store.duplicates.signatures(after_id=article)] == [near]


# -- runs -------------------------------------------------------------------------------------
def test_runs_and_rejections_are_recorded(store: Store) -> None:
    run = store.runs.start(["a", "b"], NOW)
    store.runs.add_rejection(run, Rejection("a.jsonl:3", "malformed JSON: Expecting value"), NOW)
    assert store.runs.rejections(run) == [Rejection("a.jsonl:3", "malformed JSON: Expecting value")]
    assert [r.id for r in store.runs.running()] == [run]
    assert store.runs.running(excluding=run) == []
    store.runs.finish(
        run, IngestCounts(read=3, new=2, rejected=1), RunStatus.PARTIAL, NOW + timedelta(seconds=5)
    )
    (only,) = store.runs.list()
    assert only == store.runs.get(run)
    assert only.status == RunStatus.PARTIAL and only.counts == IngestCounts(read=3, new=2, rejected=1)
    assert (only.started_at, only.finished_at) == (NOW, NOW + timedelta(seconds=5))
    assert only.arguments == ("a", "b") and only.pid is not None and only.host
    assert store.runs.running() == []
    assert store.runs.get(run + 1) is None


# -- stories ----------------------------------------------------------------------------------
def test_merged_story_id_keeps_resolving(store: Store) -> None:
    ids = add_articles(store, 3)
    store.stories.assign([(ids[0], 1, 1.0), (ids[1], 2, 1.0), (ids[2], 3, 1.0)])
    for story_id in (1, 2, 3):
        store.stories.refresh(story_id, f"label {story_id}", ["kessel"], NOW)
    store.stories.record_merge(StoryMergeRow(2, 1, NOW, 0.8, "centroids converged"))
    store.stories.record_merge(StoryMergeRow(1, 3, NOW, 0.7, "centroids converged"))
    store.stories.refresh(3, "label 3", ["kessel"], NOW)
    assert store.stories.resolve(2) == 3  # a chain of merges still lands on the survivor
    assert store.stories.resolve(1) == 3
    assert store.stories.resolve(3) == 3
    assert store.stories.resolve(99) is None
    assert [a.id for a in store.stories.articles(3)] == ids
    story = store.stories.get(3)
    assert story is not None and story.article_count == 3 and story.outlet_count == 1
    assert store.stories.get(1) is None and store.stories.get(2) is None  # absorbed rows are gone
    assert store.stories.count() == 1
    assert store.stories.merges(3) == [
        StoryMergeRow(2, 3, NOW, 0.8, "centroids converged"),  # redirect compacted to the survivor
        StoryMergeRow(1, 3, NOW, 0.7, "centroids converged"),
    ]


def test_a_split_moves_only_the_listed_articles_and_keeps_its_lineage(store: Store) -> None:
    ids = add_articles(store, 4)
    store.stories.assign([(article_id, 1, 1.0) for article_id in ids])
    split = StorySplitRow(1, 2, NOW, 0.4, "its reports fell into two groups that score apart", 2)
    store.stories.record_split(split, ids[2:])
    for story_id in (1, 2):
        store.stories.refresh(story_id, f"label {story_id}", ["kessel"], NOW)
    assert [a.id for a in store.stories.articles(1)] == ids[:2]
    assert [a.id for a in store.stories.articles(2)] == ids[2:]
    assert store.stories.resolve(2) == 2
    assert store.stories.splits(1) == store.stories.splits(2) == [split]
    assert dict(store.stories.assignments()) == {"a0": 1, "a1": 1, "a2": 2, "a3": 2}


def test_assign_moves_an_article_and_unassigned_are_in_arrival_order(store: Store) -> None:
    ids = add_articles(store, 4)
    assert store.stories.unassigned_article_ids() == ids
    store.stories.assign([(ids[1], 5, 0.5), (ids[3], 5, 0.6)])
    store.stories.assign([(ids[1], 6, 0.9)])
    assert store.stories.unassigned_article_ids() == [ids[0], ids[2]]
    assert dict(store.stories.assignments()) == {"a1": 6, "a3": 5}
    stored = store.articles.get(ids[1])
    assert stored is not None and stored.story_id == 6


def test_first_and_last_seen_are_publication_times_never_ingest_times(store: Store) -> None:
    ids = add_articles(store, 3, hours_apart=5)
    with store.write():
        undated = store.articles.insert(make_article("No date.", "u", published=None, outlet=None), NOW)
        alone = store.articles.insert(make_article("Alone, no date.", "v", published=None), NOW)
    store.stories.assign(
        [(ids[2], 1, 1.0), (undated, 1, 1.0), (ids[0], 1, 1.0), (ids[1], 1, 1.0), (alone, 2, 1.0)]
    )
    store.stories.refresh(1, "dated", ["a"], NOW)
    store.stories.refresh(2, "undated", ["b"], NOW)
    story = store.stories.get(1)
    assert story is not None
    assert story.first_seen == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert story.last_seen == datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    assert (story.article_count, story.outlet_count, story.updated_at) == (4, 1, NOW)
    assert story.first_seen is not None and story.first_seen.tzinfo is UTC
    assert [a.id for a in store.stories.articles(1)] == [*ids, undated]  # publication order, undated last
    lonely = store.stories.get(2)
    assert lonely is not None and lonely.first_seen is None and lonely.last_seen is None


def test_stories_list_newest_news_first(store: Store) -> None:
    ids = add_articles(store, 3, hours_apart=1)
    with store.write():
        undated = store.articles.insert(make_article("No date.", "u", published=None), NOW)
    store.stories.assign(
        [(ids[0], 1, 1.0), (ids[2], 2, 1.0), (undated, 3, 1.0), (ids[1], 4, 1.0), (ids[1], 4, 1.0)]
    )
    store.stories.refresh(1, "oldest news", [], NOW)
    store.stories.refresh(2, "newest news", [], NOW - timedelta(days=1))
    store.stories.refresh(3, "undated", [], NOW + timedelta(days=1))
    store.stories.refresh(4, "middle", [], NOW)
    assert [s.id for s in store.stories.list()] == [2, 4, 1, 3]
    assert [s.id for s in store.stories.list(limit=2, offset=1)] == [4, 1]
    assert store.stories.count() == 4


# -- clusterer state --------------------------------------------------------------------------
def test_clusterer_state_is_a_full_state_plus_ordered_change_records(store: Store) -> None:
    states = store.clusterer_state
    assert states.load() is None and states.version() is None
    with pytest.raises(RuntimeError, match="full state"):
        states.append_changes(b"orphan", NOW)
    assert states.save_full(b"full-1", NOW) == StateVersion(1, 0)
    assert states.append_changes(b"change-a", NOW) == StateVersion(1, 1)
    assert states.append_changes(b"change-b", NOW) == StateVersion(1, 2)
    state = states.load()
    assert state == ClustererState(b"full-1", [b"change-a", b"change-b"], StateVersion(1, 2))
    assert state.size == (6, 16)
    assert states.version() == StateVersion(1, 2)
    # A new full state supersedes the records written over the old one.
    assert states.save_full(b"full-2", NOW) == StateVersion(2, 0)
    assert states.load() == ClustererState(b"full-2", [], StateVersion(2, 0))
    assert states.append_changes(b"change-c", NOW) == StateVersion(2, 1)
    assert StateVersion(1, 2) < StateVersion(2, 0) < StateVersion(2, 1)


def test_a_rolled_back_batch_leaves_no_change_record(store: Store) -> None:
    store.clusterer_state.save_full(b"full", NOW)
    with pytest.raises(RuntimeError), store.write():
        store.clusterer_state.append_changes(b"lost", NOW)
        raise RuntimeError("crash mid-batch")
    assert store.clusterer_state.load() == ClustererState(b"full", [], StateVersion(1, 0))
