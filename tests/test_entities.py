"""Entities through the front door (the ``Tracker``) on both backends: the seeds' people,
organisations and places and their aliases, entity lists that follow story merges and splits,
the user's alias edits surviving later ingests, and the backfill of articles the stage missed.

The spaCy model loads once per test process (``storyline.entities.tagger.load_model``); stories
use the hashing embedder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.entities import EntityNotFound, NameTagger
from storyline.models import EntityType
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.stories import dense_only, split_quakes

PEOPLE = ["Luo Yun", "Rayhan Asat", "Zhou Fengsuo", "Raja Krishnamoorthi", "Kristi Noem", "Ro Khanna"]
ORGANISATIONS = ["Human Rights in China", "Tom Lantos Human Rights Commission"]
PLACES = ["Xinjiang", "Uganda", "Binghamton", "Albany", "Ecuador", "Bahamas"]


@pytest.fixture
def seeded(location: str, seeds: Path) -> Tracker:
    tracker = Tracker(location, embedder=HashingEmbedder())
    report = tracker.ingest(seeds)
    assert report.counts.new == 3 and not report.warnings
    return tracker


def names_of(tracker: Tracker, story_id: int | None = None) -> dict[str, EntityType]:
    rows = tracker.entities(story_id)
    assert rows is not None
    return {row.entity.name: row.entity.type for row in rows}


def test_the_seeds_people_organisations_and_places(seeded: Tracker) -> None:
    with seeded:
        (story,) = seeded.stories().items
        found = names_of(seeded, story.id)
        assert {name: found.get(name) for name in PEOPLE} == dict.fromkeys(PEOPLE, EntityType.PERSON)
        assert {name: found.get(name) for name in ORGANISATIONS} == dict.fromkeys(
            ORGANISATIONS, EntityType.ORG
        )
        assert {name: found.get(name) for name in PLACES} == dict.fromkeys(PLACES, EntityType.PLACE)


def test_the_seeds_aliases_meet(seeded: Tracker) -> None:
    with seeded:
        guan = seeded.entity("Guan")
        assert guan is not None and guan.entity.name == "Guan Heng"
        assert dict(guan.spellings).keys() == {"Guan", "Guan Heng"}
        assert guan.summary.articles == 3  # the surname alone refers back, across the story's reports
        dhs = seeded.entity("DHS")
        assert dhs is not None
        assert {"DHS", "Homeland Security"} <= dict(dhs.spellings).keys()
        for other in ("Department of Homeland Security", "Homeland Security", "dhs"):
            same = seeded.entity(other)
            assert same is not None and same.entity.id == dhs.entity.id
        ice = seeded.entity("ICE")
        assert ice is not None and ice.entity.name == "Immigration and Customs Enforcement"
        ccp = seeded.entity("CCP")
        assert ccp is not None and ccp.entity.name == "Chinese Communist Party"
        us = seeded.entity("United States")
        assert us is not None and {"US", "U.S."} & dict(us.spellings).keys()
        assert seeded.entity("U.S.") == seeded.entity("US") == us


def test_an_entity_view_cites_its_first_and_last_mention(seeded: Tracker) -> None:
    with seeded:
        view = seeded.entity("Rayhan Asat")
        assert view is not None and view.first_mention is not None and view.last_mention is not None
        first = view.first_mention
        article = seeded.article(first.article_id)
        assert article is not None
        assert article.stored.article.text[first.mention.start : first.mention.end] == "Rayhan Asat"
        assert view.last_mention.mention.text == "Asat"  # the surname alone, later in the report
        assert seeded.entity(view.entity.id) == view
        assert seeded.entity("Nobody Here") is None


def test_two_people_sharing_a_surname_stay_apart(location: str) -> None:
    text = (
        "Anna Keller, the harbour master of Port Ambry, said the ferry would sail on Monday. "
        "Keller said the storm had passed. Her brother, Peter Keller, who runs the ferry company, "
        "disagreed. Keller said the engines needed a week of repairs."
    )
    with Tracker(location, embedder=HashingEmbedder()) as tracker:
        tracker.add([{"id": "ferry", "text": text}])
        anna, peter = tracker.entity("Anna Keller"), tracker.entity("Peter Keller")
        assert anna is not None and peter is not None and anna.entity.id != peter.entity.id
        assert dict(anna.spellings) == {"Anna Keller": 1, "Keller": 1}
        assert dict(peter.spellings) == {"Peter Keller": 1, "Keller": 1}


def test_a_split_divides_the_entity_list(location: str) -> None:
    with split_quakes(location) as tracker:
        ridgeford, ambry = names_of(tracker, 1), names_of(tracker, 2)
        assert {"Elena Brask", "Ridgeford"} <= ridgeford.keys()
        assert {"Tomas Oyelaran", "Port Ambry"} <= ambry.keys()
        assert not {"Tomas Oyelaran", "Port Ambry"} & ridgeford.keys()
        assert not {"Elena Brask", "Ridgeford"} & ambry.keys()


def test_a_merge_gives_one_entity_list_holding_both(location: str) -> None:
    params = dense_only(merge_threshold=0.3, bridge_threshold=99.0)
    records = [
        {"id": "a", "text": "Mayor Elena Brask praised Ridgeford"},
        {"id": "b", "text": "Governor Tomas Oyelaran thanked Kestoria"},
        # As close to the first story as to the second: the two merge.
        {"id": "c", "text": "Mayor Elena Brask praised Ridgeford Governor Tomas Oyelaran thanked Kestoria"},
    ]
    with Tracker(location, batch_size=1, story_params=params, embedder=HashingEmbedder()) as tracker:
        tracker.add(records)
        (story,) = tracker.stories().items
        assert {"Elena Brask", "Tomas Oyelaran"} <= names_of(tracker, story.id).keys()
        absorbed = 2 if story.id == 1 else 1
        assert names_of(tracker, absorbed) == names_of(tracker, story.id)  # the absorbed id redirects
        assert tracker.entities(99) is None


def test_alias_edits_win_over_the_rules_and_survive_later_ingests(seeded: Tracker, seeds: Path) -> None:
    later = {
        "id": "later",
        "text": (
            "Guan Heng, the Xinjiang whistleblower, spoke in Albany on Friday. Guan thanked the "
            "Department of Homeland Security and the Chinese Communist Party's critics in Congress."
        ),
    }
    with seeded:
        guan = seeded.split_alias("Guan Heng", "Guan")
        assert guan.entity.name == "Guan" and guan.entity.id != seeded.entity("Guan Heng").entity.id  # type: ignore[union-attr]
        renamed = seeded.rename_entity("DHS", "Homeland Security Department")
        assert renamed.entity.name == "Homeland Security Department" and renamed.entity.named_by_user
        seeded.add([later])
        full = seeded.entity("Guan Heng")
        assert full is not None and "Guan" not in dict(full.spellings)  # the split holds
        dhs = seeded.entity("DHS")
        assert dhs is not None and dhs.entity.name == "Homeland Security Department"
        assert "Department of Homeland Security" in dict(dhs.spellings)
        # Adding the alias back joins them again, in every story.
        joined = seeded.add_alias("Guan Heng", "Guan")
        assert {"Guan", "Guan Heng"} <= dict(joined.spellings).keys()
        with pytest.raises(EntityNotFound):
            seeded.add_alias("Nobody Here", "Guan")
        with pytest.raises(ValueError, match="another entity"):
            seeded.rename_entity("DHS", "Guan Heng")


def test_articles_the_stage_missed_are_tagged_by_the_next_run(
    location: str, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: NameTagger, texts: object) -> list[object]:
        raise RuntimeError("tagger down")

    with monkeypatch.context() as patched:
        patched.setattr(NameTagger, "tag", broken)
        with Tracker(location, embedder=HashingEmbedder()) as tracker:
            report = tracker.ingest(seeds)
            assert len(report.warnings) == 3 and "entities" in report.warnings[0].message
            assert tracker.entities() == []
    with Tracker(location, embedder=HashingEmbedder()) as tracker:
        assert tracker.ingest(seeds).counts.already_stored == 3
        assert "Rayhan Asat" in names_of(tracker)


def test_a_long_text_is_tagged_in_pieces_with_offsets_into_the_whole_text() -> None:
    text = "\n".join(f"On day {i}, Angela Merkel met Emmanuel Macron in Paris." for i in range(6))
    whole = NameTagger().tag([text])[0]
    in_pieces = NameTagger(piece_chars=120).tag([text])[0]
    assert in_pieces == whole
    assert {n.text for n in whole} >= {"Angela Merkel", "Emmanuel Macron", "Paris"}
    assert all(text[n.start : n.end] == n.text for n in in_pieces)
