"""What names an article: inputs within their container, versions, duplicate groups' origins, the
outlets that carried a text, and publication times no finer than their evidence. Both backends,
through the front door, with the hashing embedder."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.corpus import invented_text


def tracker_at(location: str, **options: Any) -> Tracker:
    return Tracker(location, embedder=HashingEmbedder(), **options)


def test_two_folders_report_txt_are_two_articles_and_an_id_lookup_names_the_other(
    tmp_path: Path, location: str
) -> None:
    rng = random.Random(1)
    for folder in ("monday", "tuesday"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(invented_text(rng))
    with tracker_at(location) as tracker:
        report = tracker.ingest([str(tmp_path / "monday"), str(tmp_path / "tuesday")])
        assert (report.counts.new, report.counts.already_stored) == (2, 0)
        first = tracker.article("report.txt")
        assert first is not None and len(first.namesakes) == 1
        other = tracker.article(first.namesakes[0])
        assert other is not None and other.stored.article.text != first.stored.article.text
        again = tracker.ingest([str(tmp_path / "monday"), str(tmp_path / "tuesday")])
        assert (again.counts.new, again.counts.already_stored) == (0, 2)


def test_a_record_sent_again_with_a_new_text_is_a_new_version_and_the_old_one_is_kept(location: str) -> None:
    rng = random.Random(2)
    first, second = invented_text(rng), invented_text(rng)
    with tracker_at(location) as tracker:
        tracker.add([{"id": "w1", "title": "Ferry halted", "text": first}])
        old = tracker.article("w1")
        assert old is not None
        report = tracker.add([{"id": "w1", "title": "Ferry halted, then resumed", "text": second}])
        assert report.counts.new == 1
        new = tracker.article("w1")
        assert new is not None and new.id != old.id
        assert new.stored.article.text == second and new.versions == [old.id, new.id]
        kept = tracker.article(old.id)
        assert kept is not None and kept.stored.superseded_by == new.id
        assert kept.stored.article.text == first  # history is never overwritten
        exported = {r.id: r for r in tracker.export_articles()}
        assert exported[old.id].superseded_by == new.id and exported[new.id].superseded_by is None
        story = tracker.story(new.stored.story_id or 0)
        assert story is not None and old.id not in [a.id for a in story.articles]
        # The old version's story no longer counts it (nor lists, when it was all that story had).
        counts = {s.id: s.article_count for s in tracker.stories().items}
        assert old.stored.story_id != new.stored.story_id  # the new text is another story
        assert counts == {new.stored.story_id: 1}
        # The same text again (another spacing of the same record) is no new version.
        tracker.add([{"title": "Ferry halted, then resumed", "id": "w1", "text": second}])
        assert tracker.article("w1") is not None and tracker.articles().total == 2


def test_records_without_an_id_are_never_taken_for_versions_of_each_other(location: str) -> None:
    rng = random.Random(3)
    with tracker_at(location) as tracker:
        tracker.add([{"text": invented_text(rng)}])
        tracker.add([{"text": invented_text(rng)}])
        rows = tracker.articles().items
        assert len(rows) == 2
        assert all(
            (view := tracker.article(row.id)) is not None and view.versions == [row.id] for row in rows
        )


def test_the_same_entry_in_two_feeds_is_one_article_with_both_sources(tmp_path: Path, location: str) -> None:
    body = invented_text(random.Random(4))
    for name, outlet in (("a.xml", "Harbour Post"), ("b.xml", "Valley Times")):
        (tmp_path / name).write_text(
            f"<rss><channel><title>{outlet}</title><item><guid>wire-77</guid><title>Bridge reopens</title>"
            f"<description>{body}</description></item></channel></rss>"
        )
    with tracker_at(location) as tracker:
        report = tracker.ingest([str(tmp_path)])
        c = report.counts
        assert (c.new, c.exact_duplicates, c.already_stored) == (1, 1, 0)
        view = tracker.article("wire-77")
        assert view is not None and len(view.stored.sources) == 2
        assert tracker.ingest([str(tmp_path)]).counts.already_stored == 2


def test_an_exact_copy_from_a_second_outlet_counts_as_that_outlet_s_report(location: str) -> None:
    body = invented_text(random.Random(5))
    with tracker_at(location) as tracker:
        tracker.add(
            [
                {"id": "a", "text": body, "outlet": "Harbour Post"},
                {"id": "b", "text": body, "outlet": "Valley Times"},
            ]
        )
        view = tracker.article("a")
        assert view is not None and view.stored.outlets == ["Harbour Post", "Valley Times"]
        (story,) = tracker.stories().items
        assert (story.article_count, story.outlet_count) == (1, 2)
        (record,) = list(tracker.export_articles())
        assert record.outlets == ["Harbour Post", "Valley Times"] and record.sources == ["a", "b"]


def test_a_duplicate_group_s_origin_is_its_earliest_published_member(location: str) -> None:
    rng = random.Random(6)
    sentences = [invented_text(rng, sentences=1) for _ in range(8)]
    wire = " ".join(sentences)
    rewrite = " ".join(sentences[:7])  # the wire copy trimmed by one sentence
    with tracker_at(location) as tracker:
        tracker.add([{"id": "rewrite", "text": rewrite, "published": "2026-03-02T14:20:00+00:00"}])
        tracker.add([{"id": "wire", "text": wire, "published": "2026-03-02T11:00:00+00:00"}])
        first, origin = tracker.article("rewrite"), tracker.article("wire")
        assert first is not None and origin is not None
        assert origin.stored.duplicate_of is None and first.stored.duplicate_of == origin.id
        assert first.stored.story_id == origin.stored.story_id
        # A later copy joins the group under the same origin.
        tracker.add([{"id": "late", "text": rewrite + " Updated.", "published": "2026-03-03T09:00:00+00:00"}])
        late = tracker.article("late")
        assert late is not None and late.stored.duplicate_of == origin.id
        assert late.duplicate_group == sorted([first.id, origin.id, late.id])


def test_a_publication_time_is_an_aware_instant_or_a_day(location: str) -> None:
    with tracker_at(location) as tracker:
        tracker.add(
            [
                {
                    "id": "day",
                    "text": "The council met on the day the budget passed.",
                    "published": "2026-03-02",
                },
                {
                    "id": "naive",
                    "text": "The ferry sailed late in the evening.",
                    "published": "2026-03-02 19:15",
                },
                {
                    "id": "zoned",
                    "text": "The bridge opened at dawn.",
                    "published": "2026-03-02T06:00:00+05:30",
                },
            ]
        )
        published = {r.external_id: r.published for r in tracker.export_articles()}
        assert published == {
            "day": "2026-03-02",
            "naive": "2026-03-02T19:15:00+00:00",
            "zoned": "2026-03-02T06:00:00+05:30",
        }
        naive = tracker.article("naive")
        assert naive is not None
        assert (
            "published time '2026-03-02 19:15' gives no time zone; read as UTC"
            in naive.stored.article.warnings
        )
        lines = [json.dumps(r.as_dict()) for r in tracker.export_articles()]
        assert all("T00:00:00" not in line for line in lines)  # no midnight that nobody wrote


def test_a_spanish_story_s_key_terms_are_not_its_function_words(location: str) -> None:
    spanish = (
        "El puerto de Valdoria cerró el lunes por la huelga de los estibadores. Los sindicatos de la "
        "ciudad dijeron que la huelga seguirá hasta que el gobierno retire el plan de automatización. "
        "En la terminal norte, los barcos esperan en la bahía desde el domingo por la noche."
    )
    follow = (
        "La huelga de los estibadores en el puerto de Valdoria cumplió el martes su segundo día. "
        "Los barcos siguen en la bahía y el gobierno de la región pidió a los sindicatos volver a la mesa."
    )
    with tracker_at(location) as tracker:
        tracker.add([{"id": "es-1", "text": spanish}, {"id": "es-2", "text": follow}])
        view = tracker.article("es-1")
        assert view is not None and view.stored.article.language.value == "es"
        for story in tracker.stories():
            assert not {"de", "el", "la", "en", "los"} & set(story.key_terms), story.key_terms
            assert story.key_terms
