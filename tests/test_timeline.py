"""The story timeline through the front door (the ``Tracker`` and the CLI) on both backends: the
seeds' events in time order with the reports that tell each, their developments, 'on Tuesday'
left undated without a published time, and timelines that follow merges and splits.

The seeds state no published time: 000 and 004 are given one (``support.seeds``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.models import Granularity
from storyline.stories.embeddings import HashingEmbedder
from storyline.timeline import Placement, Timeline, TimelineEntry
from storyline.tracker import Tracker

from .support.cli import storyline
from .support.paths import SEED_000, SEED_003, SEED_004
from .support.seeds import PUBLISHED, seed_records
from .support.stories import dense_only, split_quakes


@pytest.fixture
def seed_timeline(location: str, seeds: Path) -> Timeline:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        tracker.add(seed_records(seeds, PUBLISHED))
        (story,) = tracker.stories().items
        view = tracker.timeline(story.id)
        assert view is not None and view.story_id == story.id
        return view.timeline


def entry_saying(timeline: Timeline, *words: str) -> TimelineEntry:
    """The one entry whose sentences hold all ``words``."""
    found = [
        entry
        for entry in timeline.entries
        if any(all(w in c.text for w in words) for e in entry.events for c in e.citations)
    ]
    assert len(found) == 1, [e.events[0].citations[0].text for e in found]
    return found[0]


def reports(entry: TimelineEntry) -> set[str]:
    return {e.citations[0].external_id for e in entry.events}


def test_the_seed_timeline_holds_what_happened_in_time_order(seed_timeline: Timeline) -> None:
    filming = entry_saying(seed_timeline, "2020 footage")
    assert (
        filming.when == "2020" and filming.date is not None and filming.date.granularity is Granularity.YEAR
    )
    journey = entry_saying(seed_timeline, "left mainland China in 2021")
    assert journey.when == "2021" and reports(journey) == {SEED_004}
    told = " ".join(c.text for c in journey.events[0].citations)
    assert "Bahamas" in told and "23 hours at sea" in told  # the narrative goes on from its date
    detention = entry_saying(seed_timeline, "his detention by ICE agents")
    assert detention.when == "2025-08" and detention.state is not None and detention.state.value == "detained"
    dropped = entry_saying(seed_timeline, "withdraw its request")
    assert dropped.state is not None and (dropped.state.slot, dropped.state.value) == (
        "deportation",
        "dropped",
    )
    assert dropped.placement is Placement.REPORTED and dropped.when == "2025-12-20"
    reunion = entry_saying(seed_timeline, "reunited with his mother on Tuesday")
    assert reunion.when == "2026-02-03" and reunion.placement is Placement.DATED  # the Tuesday before 5 Feb
    assert reports(reunion) == {SEED_000, SEED_003}  # 003 tells the reunion without a date
    released = entry_saying(
        seed_timeline, "has been released from federal detention after more than five months"
    )
    assert {SEED_000, SEED_003} <= reports(released)
    granted = [e for e in seed_timeline.entries if e.state is not None and e.state.value == "granted"]
    assert granted and all(reports(e) <= {SEED_000, SEED_003} for e in granted)
    starts = [e.when for e in seed_timeline.entries]
    assert starts == sorted(starts)
    assert starts.index("2020") < starts.index("2021") < starts.index("2025-08") < starts.index("2026-02-03")


def test_the_seed_developments_keep_the_earlier_state(seed_timeline: Timeline) -> None:
    changes = {(d.slot, d.before, d.after): d for d in seed_timeline.developments}
    assert set(changes) == {
        ("custody", "detained", "released"),
        ("deportation", "planned", "dropped"),
        ("asylum", "sought", "granted"),
    }
    custody = changes[("custody", "detained", "released")]
    assert any(SEED_004 in reports(e) for e in custody.earlier)  # 'remains listed as a detainee' is kept
    assert all(reports(e) <= {SEED_000, SEED_003} for e in custody.later)
    assert seed_timeline.key_dates(2)[0] in {"2026-02-03", "2026-02-05"}


def test_every_timeline_citation_is_the_stored_text(location: str, seeds: Path) -> None:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        tracker.add(seed_records(seeds, PUBLISHED))
        (story,) = tracker.stories().items
        view = tracker.timeline(story.id)
        assert view is not None
        for entry in view.timeline.entries:
            for event in entry.events:
                for c in event.citations:
                    stored = tracker.article(c.article_id)
                    assert stored is not None and stored.stored.article.text[c.start : c.end] == c.text
            if entry.date is not None:
                dated = tracker.article(entry.date.article_id)
                assert dated is not None
                assert dated.stored.article.text[entry.date.start : entry.date.end] == entry.date.text


def test_on_tuesday_stays_undated_without_a_published_time(location: str, seeds: Path) -> None:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        tracker.add(seed_records(seeds, {}))
        (story,) = tracker.stories().items
        view = tracker.timeline(story.id)
        assert view is not None
        reunion = entry_saying(view.timeline, "reunited with his mother on Tuesday")
        assert reunion.date is None and reunion.placement is not Placement.DATED
        assert "2026-02-03" not in [e.when for e in view.timeline.entries]


def test_a_week_takes_its_place_in_time_among_days(location: str) -> None:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        tracker.add(
            [
                {
                    "id": "levee",
                    "title": "Levee repairs begin in Marlow",
                    "published": "2026-02-06T12:00:00Z",
                    "text": "Crews began repairing the Marlow levee on February 3. "
                    "The river breached the levee last week after days of rain. "
                    "The town council declared an emergency on January 20.",
                }
            ]
        )
        (story,) = tracker.stories().items
        view = tracker.timeline(story.id)
        assert view is not None
    whens = [e.when for e in view.timeline.entries if e.placement is Placement.DATED]
    # 'last week' is 2026-W05 (26 January - 1 February): after 20 January, before 3 February.
    assert whens == ["2026-01-20", "2026-W05", "2026-02-03"]


def test_a_split_divides_the_timeline(location: str) -> None:
    with split_quakes(location, extract_entities=False) as tracker:
        for story_id, place, other in ((1, "Ridgeford", "Ambry"), (2, "Ambry", "Ridgeford")):
            view = tracker.timeline(story_id)
            assert view is not None and view.timeline.entries
            told = " ".join(c.text for e in view.timeline.entries for ev in e.events for c in ev.citations)
            assert place in told and other not in told


def test_a_merge_gives_one_timeline_holding_both(location: str) -> None:
    params = dense_only(merge_threshold=0.3, bridge_threshold=99.0)
    first = "Mayor Elena Brask praised the Ridgeford rescue teams on Monday."
    second = "Governor Tomas Oyelaran thanked the Kestoria navy crews on Friday."
    records = [
        {"id": "a", "text": first, "published": "2026-03-03"},
        {"id": "b", "text": second, "published": "2026-03-07"},
        {"id": "c", "text": f"{first} {second}", "published": "2026-03-08"},
    ]
    with Tracker(
        location, batch_size=1, story_params=params, embedder=HashingEmbedder(), extract_entities=False
    ) as tracker:
        tracker.add(records)
        (story,) = tracker.stories().items
        merged = tracker.timeline(story.id)
        assert merged is not None
        whens = {e.when: reports(e) for e in merged.timeline.entries}
        assert whens == {"2026-03-02": {"a", "c"}, "2026-03-06": {"b", "c"}}
        chosen = tracker.articles_timeline(["a", 2, "nobody", 99])
        assert chosen.missing == ["nobody", "99"] and chosen.story_id is None
        assert {a for e in chosen.timeline.entries for a in reports(e)} == {"a", "b"}
        absorbed = tracker.timeline(2 if story.id == 1 else 1)
        assert absorbed is not None and absorbed.redirected and absorbed.timeline == merged.timeline
        assert tracker.timeline(99) is None


def test_the_timeline_command_draws_lists_and_exports(location: str, seeds: Path) -> None:
    stdin = "".join(json.dumps(r) + "\n" for r in seed_records(seeds, PUBLISHED))
    assert storyline("ingest", "-", "--db", location, stdin=stdin).exit_code == 0
    shown = storyline("timeline", "1", "--db", location)
    assert shown.exit_code == 0, shown.output
    assert "●" in shown.stdout and "◆" in shown.stdout and "2026-02-03" in shown.stdout
    assert "custody: detained" in shown.stdout and "released" in shown.stdout
    exported = json.loads(storyline("timeline", "1", "--format", "json", "--db", location).stdout)
    assert exported["story_id"] == 1 and exported["entries"] and exported["developments"]
    sentence = exported["entries"][0]["events"][0]["sentences"][0]
    assert {"external_id", "start", "end", "text"} <= sentence.keys()
    markdown = storyline("timeline", "1", "--format", "md", "--db", location).stdout
    assert markdown.startswith("# Timeline of story 1") and "| when | what happened | reports |" in markdown
    assert storyline("timeline", "99", "--db", location).exit_code == 1
