"""The library facade end to end, through the front door: ingest, duplicates, stories, views, failures.

Every test here runs on both store backends (``location``: SQLite and PostgreSQL) with the hashing
embedder, so the whole pipeline runs in seconds; the real sentence model is in the slow tests
(``test_end_to_end.py``).
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from storyline.models import (
    Article,
    ArticleAssigned,
    Granularity,
    NewArticle,
    Origin,
    StoriesMerged,
    StoryEvent,
    StorySplitInTwo,
    TimexType,
)
from storyline.stage import BatchContext
from storyline.store import Store
from storyline.stories import StoryClusterer, StoryParams
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.corpus import edited_copy, invented_text
from .support.paths import SAMPLES, SEED_000, SEED_003, SEED_004
from .support.stories import split_quakes


def tracker_at(url: str, **options: Any) -> Tracker:
    return Tracker(url, embedder=HashingEmbedder(), **options)


def test_three_seeds_become_three_clean_articles_and_reingest_changes_nothing(
    seeds: Path, location: str
) -> None:
    with tracker_at(location) as tracker:
        report = tracker.ingest([str(seeds)])
        assert (report.counts.read, report.counts.new, report.counts.rejected) == (3, 3, 0)
        scraped = tracker.article(SEED_003)
        assert scraped is not None
        a = scraped.stored.article
        assert a.title.value == "Exposing Truth and Securing Freedom: Guan Heng's Fight for Justice"
        assert a.published.value is not None and a.published.value.isoformat() == "2026-02-05T06:25:00+05:30"
        assert a.published.origin is Origin.DATELINE
        assert a.outlet.value == "Devdiscourse"
        for chrome in ("TRENDING", "Left Menu", "Phone:", "Copyright", "Turkey Seeks", "Country:"):
            assert chrome not in a.text
        assert "His case highlights the importance of safeguarding human rights activists." in a.text
        # sentences cite the stored text exactly
        assert all(a.text[s.start : s.end].strip() == a.text[s.start : s.end] for s in a.sentences)

        again = tracker.ingest([seeds])  # a Path names the same inputs as its str
        assert (again.counts.new, again.counts.already_stored) == (0, 3)
        for lone in (seeds / SEED_000, str(seeds / SEED_000)):  # one path, not a list of one
            once_more = tracker.ingest(lone)
            assert (once_more.counts.read, once_more.counts.already_stored) == (1, 1)
        assert tracker.articles().total == 3
        assert [run.status.value for run in tracker.runs()] == ["ok"] * 4


def test_an_input_id_is_never_taken_for_an_internal_id(location: str) -> None:
    # The first stored article gets internal id 1 but input id "2"; the second the other way round.
    records = [
        {"id": "2", "text": "The harbour ferry resumed its winter timetable on Monday morning."},
        {"id": "1", "text": "Farmers in the valley reported the driest spring in forty years."},
    ]
    with tracker_at(location) as tracker:
        tracker.add(records)
        by_input = tracker.article("2")
        assert by_input is not None and by_input.stored.article.external_id == "2"
        first = tracker.article(by_input.id)
        assert first is not None and first.stored.article.external_id == "2"
        other = tracker.article("1")
        assert other is not None and other.id != by_input.id
        assert tracker.article("3") is None and tracker.article(999) is None


def test_edited_copy_joins_the_seed_group_but_rewrites_do_not(
    seeds: Path, tmp_path: Path, location: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (SEED_000, SEED_003, SEED_004):
        (folder / name).write_text((seeds / name).read_text())
    (folder / "zz_edited_copy.txt").write_text(edited_copy((seeds / SEED_004).read_text()))
    with tracker_at(location) as tracker:
        report = tracker.ingest([str(folder)])
        assert report.counts.near_duplicates == 1
        copy, original = tracker.article("zz_edited_copy.txt"), tracker.article(SEED_004)
        assert copy is not None and original is not None
        assert copy.stored.duplicate_of == original.id
        assert copy.duplicate_group == original.duplicate_group == sorted([original.id, copy.id])
        assert copy.stored.story_id == original.stored.story_id
        for name in (SEED_000, SEED_003):
            rewrite = tracker.article(name)
            assert rewrite is not None and rewrite.stored.duplicate_of is None


def test_exact_duplicate_is_stored_once_with_every_source(location: str) -> None:
    body = "Dock workers at Port Kessel walked off the job on Monday over an automation plan. " * 3
    records = [
        {"id": "a", "text": body, "source": "Harbor Wire"},
        {"id": "b", "text": body.upper(), "source": "Other Paper"},
        {"id": "a", "text": body, "source": "Harbor Wire"},  # the very same input again
    ]
    with tracker_at(location) as tracker:
        report = tracker.add(records)
        c = report.counts
        assert (c.new, c.exact_duplicates, c.already_stored) == (1, 1, 1)
        stored = tracker.article("b")
        assert stored is not None
        assert [s.external_id for s in stored.stored.sources] == ["a", "b"]
        assert sorted(r.article_id for r in tracker.export_assignments()) == ["a", "b"]


def test_sample_corpus_ingests_with_every_format(location: str) -> None:
    with tracker_at(location) as tracker:
        report = tracker.ingest([str(SAMPLES)])
        assert report.rejections == [] and report.warnings == []
        ids = {row.external_id for row in tracker.articles().items}
        assert {"wire-kessel-001", "pages/kessel-day2.html"} <= ids
        assert "https://inlandcourier.news/business/kessel-mediator" in ids
        html = tracker.article("pages/kessel-day2.html")
        assert html is not None
        assert html.stored.article.outlet.value == "The Coastal Ledger"
        assert "Most read" not in html.stored.article.text
        # the feed's copy of the wire story is a lightly edited copy: one duplicate group, one story
        feed_copy = tracker.article("https://inlandcourier.news/business/kessel-talks-break-down")
        wire = tracker.article("wire-kessel-002")
        assert feed_copy is not None and wire is not None
        assert feed_copy.stored.article.outlet.value == "Inland Courier"  # the feed's title spells it
        assert feed_copy.duplicate_group == wire.duplicate_group
        assert feed_copy.stored.story_id == wire.stored.story_id
        page = tracker.articles(limit=3, offset=2)
        assert (len(page.items), page.first, page.last, page.total) == (3, 3, 5, len(ids))
        stories = tracker.stories()
        assert stories.total == len(stories.items) > 0
        assert all(story.article_count >= 1 for story in stories.items)


def test_bad_inputs_are_reported_one_line_each_and_the_batch_goes_on(tmp_path: Path, location: str) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "good.txt").write_text("A ferry ran aground near the harbour on Sunday. Nobody was hurt.\n")
    (folder / "empty.txt").write_text("")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    (folder / "records.jsonl").write_text(
        json.dumps({"id": "r1", "text": "The river burst its banks after three days of rain."})
        + "\n{not json\n"
        + json.dumps({"id": "r3", "title": "Headline-only record about the rain"})
        + "\n"
    )
    (folder / "feed.xml").write_text("<rss><channel><item><title>broken")
    with tracker_at(location) as tracker:
        report = tracker.ingest([str(folder)])
        assert report.partial
        located = {r.locator.split("/")[-1].split(":")[0].split("#")[0] for r in report.rejections}
        assert {"empty.txt", "image.txt", "nav.html", "records.jsonl", "feed.xml"} <= located
        assert all("\n" not in r.reason for r in report.rejections)
        assert {row.external_id for row in tracker.articles().items} >= {"good.txt", "r1", "r3"}
        (run,) = tracker.runs()
        assert run.status.value == "partial" and run.counts.rejected == len(report.rejections)


def test_a_crash_inside_one_record_is_a_rejection_not_a_lost_batch(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.ingest.clean import clean_scraped_text as real

    def explode_on_marker(raw: str) -> object:
        if "EXPLODE" in raw:
            raise RuntimeError("cleaner blew up\non two lines")
        return real(raw)

    monkeypatch.setattr("storyline.ingest.articles.clean_scraped_text", explode_on_marker)
    records = [
        {"id": "fine-1", "text": "The new ferry terminal opened on Monday after two years of work."},
        {"id": "boom", "text": "EXPLODE this record please, it is a trap for the cleaner."},
        {"id": "fine-2", "text": "Farmers reported the driest spring in forty years across the valley."},
    ]
    with tracker_at(location) as tracker:
        report = tracker.add(records)
        assert [r.reason for r in report.rejections] == [
            "could not process (RuntimeError: cleaner blew up on two lines)"
        ]
        assert {row.external_id for row in tracker.articles().items} == {"fine-1", "fine-2"}


def test_an_article_the_store_refuses_is_a_rejection_and_its_batch_is_kept(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the store refuses of itself (a NUL) is refused when read now: the refusal is staged.
    from storyline.store.articles import ArticleRepository

    real = ArticleRepository.insert

    def refuse_on_marker(self: ArticleRepository, article: Article, now: datetime) -> int:
        if "REFUSE" in article.text:
            raise ValueError("the store refuses this article")
        return real(self, article, now)

    monkeypatch.setattr(ArticleRepository, "insert", refuse_on_marker)
    records = [
        {"id": "fine", "text": "The council approved the new library budget on Tuesday evening."},
        {"id": "refused", "text": "REFUSE this record: the store will not take it."},
    ]
    with tracker_at(location) as tracker:
        report = tracker.add(records)
        assert [r.locator for r in report.rejections] == ["record#2"]
        assert "could not store" in report.rejections[0].reason
        assert [row.external_id for row in tracker.articles().items] == ["fine"]


def test_bulk_load_without_stories_is_assigned_by_the_next_run(location: str) -> None:
    with tracker_at(location, assign_stories=False) as loader:
        loader.ingest([str(SAMPLES)])
        assert all(row.story_id is None for row in loader.articles().items)
        assert loader.stories().total == 0
    with tracker_at(location) as tracker:
        tracker.add([{"id": "late", "text": "Fire crews in Dunmore stood down on Friday as rain fell."}])
        rows = tracker.articles().items
        assert rows and all(row.story_id is not None for row in rows)


def test_story_state_is_saved_as_change_records_that_load_to_the_live_state(location: str) -> None:
    rng = random.Random(11)
    records = [{"id": f"s{i}", "title": f"Report {i}", "text": invented_text(rng)} for i in range(30)]
    with_changes = 0
    stage = StoryStageProbe()
    with tracker_at(location, batch_size=6, stages=[stage]) as tracker:
        for start in range(0, len(records), 6):
            tracker.add(records[start : start + 6])
            state = tracker.store.clusterer_state.load()
            assert state is not None
            with_changes += bool(state.changes)
            loaded = StoryClusterer.load_state(state.full, embedder=HashingEmbedder(), changes=state.changes)
            for article_id, story_id in stage.assigned.items():
                assert loaded.story_of(article_id) == tracker.store.stories.resolve(story_id)
    assert with_changes  # some batches saved only what they changed


def test_a_story_stage_that_fails_leaves_its_articles_stored_with_a_warning_and_the_next_run_assigns_them(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(12)
    records = [{"id": f"c{i}", "title": f"Report {i}", "text": invented_text(rng)} for i in range(18)]
    with tracker_at(location, batch_size=6) as tracker:
        store = tracker.store
        real = store.clusterer_state.append_changes
        calls = 0

        def fail_on_second(data: bytes, now: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 1:  # the second batch (the first saved a full state)
                raise OSError("disk full")
            return real(data, now)

        monkeypatch.setattr(store.clusterer_state, "append_changes", fail_on_second)
        report = tracker.add(records)
        assert report.rejections == [] and report.counts.new == 18
        assert len(report.warnings) == 6
        assert all(w.message == "stories: OSError: disk full; the next run retries" for w in report.warnings)
        unassigned = [row.external_id for row in tracker.articles().items if row.story_id is None]
        assert unassigned == [f"c{i}" for i in range(6, 12)]
        warned = tracker.article("c6")
        assert warned is not None and warned.stored.article.warnings == (
            "stories: OSError: disk full; the next run retries",
        )
        tracker.add([])  # the next run assigns what was left
        assert all(row.story_id is not None for row in tracker.articles().items)
        state = store.clusterer_state.load()
        assert state is not None
        clusterer = StoryClusterer.load_state(state.full, embedder=HashingEmbedder(), changes=state.changes)
        for row in tracker.articles().items:
            assert row.story_id == clusterer.story_of(row.id)


def test_story_params_given_to_the_tracker_survive_a_failed_batch(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = StoryParams.load()
    # Thresholds no score reaches: every article starts its own story, before and after the failure.
    never = {"threshold": 99.0, "merge_threshold": 99.0, "bridge_threshold": 99.0}
    apart = replace(
        shipped,
        headline=replace(shipped.headline, **never),
        full_text=replace(shipped.full_text, **never),
        mixed=replace(shipped.mixed, **never),
    )
    rng = random.Random(13)
    records = [{"id": f"r{i}", "title": f"Report {i}", "text": invented_text(rng)} for i in range(12)]
    with tracker_at(location, batch_size=6, story_params=apart) as tracker:
        store = tracker.store
        real = store.clusterer_state.append_changes

        def fail_once(data: bytes, now: Any) -> Any:
            monkeypatch.setattr(store.clusterer_state, "append_changes", real)
            raise OSError("disk full")

        monkeypatch.setattr(store.clusterer_state, "append_changes", fail_once)
        tracker.add(records)
        tracker.add([])
        assert tracker.stories().total == 12


class StoryStageProbe:
    """A stage after the story stage that records every story change it is told about: the way a
    later stage (entities, claims) follows stories without the Tracker knowing it."""

    name = "probe"

    def __init__(self, fail_on: str | None = None) -> None:
        self.events: list[StoryEvent] = []
        self.assigned: dict[int, int] = {}
        self.committed: list[int] = []
        self._fail_on = fail_on

    def prepare(self, articles: Sequence[Article], store: Store) -> list[int]:
        if self._fail_on is not None and any(self._fail_on in a.text for a in articles):
            raise ValueError(f"cannot prepare {self._fail_on}")
        return [len(a.text) for a in articles]

    def begin(self, store: Store) -> None:
        pass

    def commit(self, items: Sequence[tuple[NewArticle, int]], context: BatchContext) -> None:
        self.committed.extend(article.id for article, _ in items)

    def follow(self, events: Sequence[StoryEvent], context: BatchContext) -> None:
        self.events.extend(events)
        for event in events:
            if isinstance(event, ArticleAssigned):
                self.assigned[event.article_id] = event.story_id
            elif isinstance(event, StoriesMerged):
                self.assigned = {
                    a: event.into if s == event.absorbed else s for a, s in self.assigned.items()
                }
            else:
                self.assigned.update(dict.fromkeys(event.article_ids, event.new_story_id))

    def rollback(self) -> None:
        pass

    def pending(self, store: Store) -> list[int]:
        return []


def test_a_later_stage_follows_assignments_and_splits_without_the_tracker_knowing_it(location: str) -> None:
    probe = StoryStageProbe()
    with split_quakes(location, stages=[probe]) as tracker:
        splits = [e for e in probe.events if isinstance(e, StorySplitInTwo)]
        assert len(splits) == 1 and (splits[0].story_id, splits[0].new_story_id) == (1, 2)
        assert len([e for e in probe.events if isinstance(e, ArticleAssigned)]) == 6
        stored = {row.id: row.story_id for row in tracker.articles().items}
        assert probe.assigned == stored  # what it followed is what the store holds
        assert sorted(probe.committed) == sorted(stored)
        kept, new = tracker.story(1), tracker.story(2)
        assert kept is not None and new is not None
        assert kept.story.article_count == new.story.article_count == 3
        assert "Ridgeford" in kept.story.label and "Ambry" in new.story.label
        (split,) = new.splits
        assert (split.story_id, split.new_story_id, split.article_count) == (1, 2, 3)


def test_a_stage_failing_on_one_article_warns_on_that_article_only(location: str) -> None:
    probe = StoryStageProbe(fail_on="TRAP")
    records = [
        {"id": "ok-1", "text": "The new ferry terminal opened on Monday after two years of work."},
        {"id": "trap", "text": "TRAP: the probe stage cannot prepare this one article."},
        {"id": "ok-2", "text": "Farmers reported the driest spring in forty years across the valley."},
    ]
    with tracker_at(location, stages=[probe]) as tracker:
        report = tracker.add(records)
        assert [(w.locator, w.message) for w in report.warnings] == [
            ("record#2", "probe: could not prepare (ValueError: cannot prepare TRAP)")
        ]
        trap = tracker.article("trap")
        assert trap is not None and trap.stored.story_id is not None  # the other stages did their part
        assert len(probe.committed) == 2 and trap.id not in probe.committed


def test_reads_from_another_thread_while_an_ingest_writes(location: str) -> None:
    rng = random.Random(5)
    records = [{"id": f"t{i}", "title": f"Report {i}", "text": invented_text(rng)} for i in range(60)]
    seen: list[int] = []
    errors: list[BaseException] = []
    with tracker_at(location, batch_size=10) as tracker:
        done = threading.Event()

        def read() -> None:
            try:
                while not done.is_set():
                    seen.append(tracker.articles().total)
                    tracker.stories()
            except BaseException as exc:
                errors.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        try:
            tracker.add(records)
        finally:
            done.set()
            reader.join()
        assert not errors
        assert seen == sorted(seen) and seen[-1] <= 60
        assert tracker.articles().total == 60


# -- time expressions ------------------------------------------------------------------------------


def _seed_record(seeds: Path, name: str, published: str) -> dict[str, str]:
    """A seed as a record with the published time the seeds do not state."""
    return {"id": name, "text": (seeds / name).read_text(), "published": published}


def test_seed_time_expressions_resolve_against_the_published_time_given_with_them(
    seeds: Path, location: str
) -> None:
    with tracker_at(location) as tracker:
        tracker.add(
            [_seed_record(seeds, SEED_000, "2026-02-05"), _seed_record(seeds, SEED_004, "2025-12-20")]
        )
        guan = tracker.time_expressions(SEED_000)
        assert guan is not None and guan.untagged == []
        found = {s.expression.text: s.expression for s in guan.expressions}
        # 'reunited with his mother on Tuesday': the Tuesday on or before 5 February 2026.
        tuesday = found["Tuesday"]
        assert (tuesday.value, tuesday.type, tuesday.granularity) == (
            "2026-02-03",
            TimexType.DATE,
            Granularity.DAY,
        )
        assert tuesday.anchor == "2026-02-05"  # only the day was given: the anchor is that day
        five_months = found["more than five months"]
        assert (five_months.value, five_months.type, five_months.mod) == (
            "P5M",
            TimexType.DURATION,
            "MORE_THAN",
        )
        assert found["2020"].value == "2020"
        text = tracker.article(SEED_000)
        assert text is not None
        for stored in guan.expressions:
            e = stored.expression
            assert text.stored.article.text[e.start : e.end] == e.text
            sentence = text.stored.article.sentences[e.sentence]
            assert sentence.start <= e.start < e.end <= sentence.end

        dhs = tracker.time_expressions(SEED_004)
        assert dhs is not None
        found = {s.expression.text: s.expression for s in dhs.expressions}
        assert found["August of this year"].value == "2025-08"
        assert (found["2020"].value, found["2021"].value) == ("2020", "2021")
        assert (found["23 hours"].value, found["23 hours"].type) == ("PT23H", TimexType.DURATION)

        seed_004 = tracker.article(SEED_004)
        assert seed_004 is not None and seed_004.stored.story_id is not None
        story = tracker.story_time_expressions(seed_004.stored.story_id)
        assert story is not None and story.untagged == [] and story.story_id == seed_004.stored.story_id
        assert {s.article_id for s in story.expressions} <= set(story.external_ids)
        assert tracker.time_expressions("no-such-article") is None
        assert tracker.story_time_expressions(999) is None


def test_a_seed_with_no_published_time_leaves_tuesday_unresolved(seeds: Path, location: str) -> None:
    with tracker_at(location) as tracker:
        tracker.ingest(seeds / SEED_000)
        view = tracker.time_expressions(SEED_000)
        assert view is not None
        (tuesday,) = [s.expression for s in view.expressions if s.expression.text == "Tuesday"]
        assert tuesday.value is None and not tuesday.resolved and tuesday.anchor is None
        assert tuesday.reason == "no published time to count from"


def test_articles_a_failed_tagging_left_are_tagged_on_the_next_run_and_never_twice(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [
        {"id": "dated", "text": "The harbour ferry resumed service on Monday.", "published": "2026-03-04"},
        {"id": "timeless", "text": "Farmers in the valley grow apples and pears."},
    ]
    with tracker_at(location) as tracker:
        with monkeypatch.context() as patched:
            patched.setattr(tracker.store.time_expressions, "record", _refuse)
            report = tracker.add(records)
        assert [w.message for w in report.warnings] == [
            "time expressions: OSError: disk full; the next run retries"
        ] * 2
        for record in records:
            view = tracker.time_expressions(record["id"])
            assert view is not None and view.expressions == [] and list(view.external_ids) == view.untagged

        tracker.add([])  # the next run tags what was left
        dated, timeless = (tracker.time_expressions(r["id"]) for r in records)
        assert dated is not None and timeless is not None
        assert [(s.expression.text, s.expression.value) for s in dated.expressions] == [
            ("Monday", "2026-03-02")
        ]
        assert timeless.expressions == [] and timeless.untagged == []
        # An article with no expression is not tagged again.
        assert tracker.store.time_expressions.untagged_article_ids() == []


def _refuse(*args: object) -> None:
    raise OSError("disk full")
