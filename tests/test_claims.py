"""Comparing the sources through the front door (the ``Tracker``), on both backends: the seeds'
claim groups, statuses, origins and quotes, a syndicated copy and a changed copy, the brief and its
change log fed one report at a time, merges and splits carrying claims, and citations that resolve
to the stored text over many generated stories.

The seed tests group claims in MiniLM's vectors (what the product uses; the model loads once per
test process); the others use the hashing embedder, whose vectors align only near-identical
sentences, which is what they need.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from storyline.claims import GroupComparison, Status
from storyline.stories.embeddings import HashingEmbedder, MiniLMEmbedder
from storyline.tracker import Tracker

from .support.curation import quake_record
from .support.stories import dense_only, split_quakes

PUBLISHED = {"004": "2025-12-20", "000": "2026-02-05"}  # 003 carries its own dateline


def seed_record(seeds: Path, name: str, **fields: Any) -> dict[str, Any]:
    (path,) = seeds.glob(f"{name}_*.txt")
    record: dict[str, Any] = {"id": name, "text": path.read_text(encoding="utf-8")}
    if name in PUBLISHED:
        record["published"] = PUBLISHED[name]
    return record | fields


def fed_one_by_one(location: str, records: list[dict[str, Any]]) -> Tracker:
    tracker = Tracker(location, embedder=MiniLMEmbedder())
    for record in records:
        report = tracker.add([record])
        assert report.counts.new == 1 and not report.warnings
    return tracker


@pytest.fixture
def seeded(location: str, seeds: Path) -> Tracker:
    """The seeds fed 004, then 003, then 000."""
    return fed_one_by_one(location, [seed_record(seeds, name) for name in ("004", "003", "000")])


def groups_of(tracker: Tracker) -> list[GroupComparison]:
    (story,) = tracker.stories().items
    view = tracker.compare(story.id)
    assert view is not None
    return view.groups


def group_saying(groups: list[GroupComparison], words: str) -> GroupComparison:
    found = [g for g in groups if any(words in m.claim.text for m in g.members)]
    assert found, f"no claim says {words!r}"
    return found[0]


def input_ids(tracker: Tracker, group: GroupComparison) -> set[str]:
    """The input ids of the reports a group's claims are from."""
    found = [tracker.article(m.article_id) for m in group.members]
    return {view.stored.article.external_id for view in found if view is not None}


def test_the_seeds_detention_is_superseded_by_the_release(seeded: Tracker) -> None:
    with seeded:
        detainee = group_saying(groups_of(seeded), "remains listed as a detainee")
        assert detainee.status is Status.SUPERSEDED
        assert detainee.superseded_by is not None and "released" in detainee.superseded_by.claim.text
        assert input_ids(seeded, detainee) == {"004"}  # kept and shown, never deleted


@pytest.mark.parametrize(
    ("words", "outlet"),
    [
        ("Ro Khanna", "000"),
        ("Ecuador", "004"),
        ("23 hours at sea", "004"),
        ("Tom Lantos Human Rights Commission", "004"),
        ("wrote directly to Homeland Security Secretary Kristi Noem", "004"),
    ],
)
def test_the_seeds_single_source_facts(seeded: Tracker, words: str, outlet: str) -> None:
    with seeded:
        group = group_saying(groups_of(seeded), words)
        assert group.status is Status.SINGLE_SOURCE
        assert input_ids(seeded, group) == {outlet} and len(group.origins) == 1


@pytest.mark.parametrize("words", ["more than five months", "Taiwan", "Binghamton"])
def test_the_seeds_facts_two_outlets_report(seeded: Tracker, words: str) -> None:
    with seeded:
        groups = [g for g in groups_of(seeded) if any(words in m.claim.text for m in g.members)]
        assert any({"000", "003"} <= input_ids(seeded, g) for g in groups)
        shared = next(g for g in groups if {"000", "003"} <= input_ids(seeded, g))
        assert shared.status is Status.CORROBORATED and len(shared.origins) == 2


def test_the_seeds_quotes_have_their_speakers(seeded: Tracker) -> None:
    with seeded:
        groups = groups_of(seeded)
        speakers = {
            words: group_saying(groups, words).members[0].claim.speaker
            for words in (
                "We're really happy",
                "proceed smoothly and favorably",
                "Guan Heng put himself at risk",
            )
        }
        assert speakers == {
            "We're really happy": "zhou fengsuo",
            "proceed smoothly and favorably": "rayhan asat",
            "Guan Heng put himself at risk": "tom lantos human rights commission",
        }


def test_a_report_crediting_agencies_counts_once_with_the_wire_in_the_story(
    location: str, seeds: Path
) -> None:
    # 000 as a Reuters wire: 003 ends '(With inputs from agencies.)', so what both carry is Reuters'.
    records = [
        seed_record(seeds, "004"),
        seed_record(seeds, "003"),
        seed_record(seeds, "000", outlet="Reuters"),
    ]
    with fed_one_by_one(location, records) as tracker:
        mother = group_saying(groups_of(tracker), "Taiwan")
        assert mother.reports == 2 and [o.name for o in mother.origins] == ["Reuters"]
        assert any("credits agencies and Reuters carries it" in line for line in mother.folded)
        assert mother.status is Status.SINGLE_SOURCE


def test_a_syndicated_copy_adds_a_report_and_a_changed_copy_a_conflict(location: str, seeds: Path) -> None:
    original = seed_record(seeds, "004", outlet="Rights Wire")
    paragraphs = original["text"].split("\n")
    trimmed = "\n".join(paragraphs[:-3])  # a new headline, the last paragraphs cut
    copy = {
        "id": "copy",
        "outlet": "Valley Courier",
        "published": "2025-12-21",
        "title": "Whistleblower wins reprieve",
    }
    with fed_one_by_one(location, [original, copy | {"text": trimmed}]) as tracker:
        sea = group_saying(groups_of(tracker), "23 hours at sea")
        assert sea.reports == 2 and len(sea.origins) == 1 and sea.status is Status.SINGLE_SOURCE
        assert any("is a copy of" in line for line in sea.folded)
        changed = {"id": "changed", "outlet": "Coast Herald", "published": "2025-12-21"}
        tracker.add([changed | {"text": trimmed.replace("23 hours", "30 hours")}])
        sea = group_saying(groups_of(tracker), "30 hours at sea")
        assert sea.status is Status.CONFLICTING
        assert any("23 hour" in line and "30 hour" in line for line in sea.conflicts)


def test_the_seeds_brief_says_released_cites_every_sentence_and_follows_time(seeded: Tracker) -> None:
    with seeded:
        (story,) = seeded.stories().items
        brief = seeded.brief(story.id)
        assert brief is not None and len(brief.sentences) == 5
        texts = [s.text for s in brief.sentences]
        assert any("released" in t for t in texts)
        assert not any("remains listed as a detainee" in t for t in texts)
        for sentence in brief.sentences:
            assert sentence.citations
            first = sentence.citations[0]
            stored = seeded.store.articles.text(first.article_id) or ""
            assert stored[first.start : first.end].strip() == sentence.text
        chronological = seeded.brief(story.id, order="chronological")
        assert chronological is not None and {s.text for s in chronological.sentences} == set(texts)
        # Every current fact, by when it happened: the date its own text gives, else its report's
        # publication day. The 2020 filming and the 2021 journey (004, published in December 2025)
        # come before the August 2025 detention it tells of, and that before the 2026 release.
        whole = seeded.brief(story.id, order="chronological", size=100)
        assert whole is not None
        in_order = [s.text for s in whole.sentences]

        def place_of(words: str) -> int:
            return next(i for i, text in enumerate(in_order) if words in text)

        filming, journey = place_of("actions in 2020"), place_of("left mainland China in 2021")
        detention, release = place_of("detention by ICE agents in August"), place_of("has been released")
        assert filming < journey < detention < release
        filmed, detained = whole.sentences[filming].date, whole.sentences[detention].date
        assert filmed is not None and (filmed.value, filmed.granularity.value) == ("2020", "year")
        assert detained is not None and (detained.value, detained.granularity.value) == ("2025-08", "month")
        years = [s.date.value[:4] for s in whole.sentences if s.date is not None]
        assert years == sorted(years)


def test_the_seeds_change_log_shows_the_plan_dropped_then_asylum_and_release(seeded: Tracker) -> None:
    with seeded:
        (story,) = seeded.stories().items
        history = seeded.brief_changes(story.id)
        assert history is not None
        gained = [" ".join(g["text"] for g in state.changes["gained"]) for state in history.states]
        assert "abandoned its effort to deport" in gained[0]
        later = " ".join(gained[1:])
        assert "asylum" in later and "released" in later
        assert history.states[0].cause == "reports #1"


def test_a_split_divides_the_claims(location: str) -> None:
    with split_quakes(location, extract_entities=False) as tracker:
        texts = {}
        for story in tracker.stories():
            view = tracker.compare(story.id)
            assert view is not None
            texts[story.id] = " ".join(m.claim.text for g in view.groups for m in g.members)
        assert "Ridgeford" in texts[1] and "Port Ambry" not in texts[1]
        assert "Port Ambry" in texts[2] and "Ridgeford" not in texts[2]
        for story_id, other_place in ((1, "Port Ambry"), (2, "Ridgeford")):
            brief, history = tracker.brief(story_id), tracker.brief_changes(story_id)
            assert brief is not None and brief.sentences
            assert not any(other_place in s.text for s in brief.sentences)
            assert history is not None and history.states[-1].facts == [
                {"text": s.text, "status": s.status.value, "members": list(s.members)}
                for s in brief.sentences
            ]  # the brief's last state is what it says now


def test_a_merge_joins_the_two_stories_claims(location: str) -> None:
    params = dense_only(merge_threshold=0.3, bridge_threshold=99.0)
    records = [
        {"id": "a", "text": "Mayor Elena Brask praised Ridgeford on Monday."},
        {"id": "b", "text": "Governor Tomas Oyelaran thanked Kestoria on Friday."},
        # As close to the first story as to the second: the two merge.
        {
            "id": "c",
            "text": "Mayor Elena Brask praised Ridgeford on Monday. "
            "Governor Tomas Oyelaran thanked Kestoria on Friday.",
        },
    ]
    with Tracker(
        location, batch_size=1, story_params=params, embedder=HashingEmbedder(), extract_entities=False
    ) as tracker:
        tracker.add(records)
        (story,) = tracker.stories().items
        view = tracker.compare(story.id)
        assert view is not None
        praised = group_saying(view.groups, "praised Ridgeford")
        assert praised.reports == 2  # 'a' and 'c' say it: one group across the merged stories
        absorbed = 2 if story.id == 1 else 1
        redirected = tracker.compare(absorbed)
        assert redirected is not None and redirected.redirected and redirected.story_id == story.id
        assert tracker.compare(99) is None and tracker.brief(99) is None and tracker.brief_changes(99) is None


FACTS = [
    "Officials in {place} said {n} people were hurt when a bridge gave way on {day}.",
    "The mayor of {place}, {person}, ordered an inquiry into the collapse.",
    '"We will find out what went wrong," said {person}.',
    "Engineers had inspected the bridge in {place} {m} months ago.",
    "Traffic through {place} was diverted to the ring road.",
    "Police said the bridge in {place} remains closed.",
    "The bridge in {place} reopened to traffic on {day}.",
]
PLACES, PEOPLE, DAYS = (
    ["Vell", "Ostra", "Marsk", "Selt"],
    ["Ana Brel", "Ivo Tamm", "Kai Strand"],
    ["Monday", "Friday"],
)


def generated_story(rng: random.Random, number: int) -> list[dict[str, Any]]:
    """Reports of one invented event: each a random choice of its facts with random numbers, some
    from the same outlet, some published the day after."""
    slots = {"place": rng.choice(PLACES), "person": rng.choice(PEOPLE), "day": rng.choice(DAYS)}
    reports = []
    for index in range(rng.randint(2, 5)):
        facts = rng.sample(FACTS, rng.randint(2, len(FACTS)))
        text = " ".join(f.format(n=rng.randint(2, 9), m=rng.randint(2, 9), **slots) for f in facts)
        reports.append(
            {
                "id": f"s{number}-r{index}",
                "outlet": rng.choice(["Vell Today", "Coast FM", "Reuters", None]),
                "published": f"2026-03-0{rng.randint(1, 2)}",
                "text": text + rng.choice(["", " (With inputs from agencies.)"]),
            }
        )
    return reports


@pytest.mark.parametrize("seed", range(4))
def test_every_brief_sentence_and_claim_resolves_to_the_stored_text(location: str, seed: int) -> None:
    rng = random.Random(seed)
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        for number in range(6):
            tracker.add([{k: v for k, v in r.items() if v is not None} for r in generated_story(rng, number)])
        checked = 0
        for story in tracker.stories():
            comparison, brief = tracker.compare(story.id), tracker.brief(story.id)
            assert comparison is not None and brief is not None
            for group in comparison.groups:
                for member in group.members:
                    stored = tracker.store.articles.text(member.article_id) or ""
                    assert stored[member.claim.start : member.claim.end] == member.claim.text
                    checked += 1
            cited = {(m.article_id, m.claim.start, m.claim.end) for g in comparison.groups for m in g.members}
            for sentence in brief.sentences:
                assert sentence.citations
                assert all((c.article_id, c.start, c.end) in cited for c in sentence.citations)
                first = sentence.citations[0]
                stored = tracker.store.articles.text(first.article_id) or ""
                assert stored[first.start : first.end].strip() == sentence.text
        assert checked > 0


def claim_groups_by_input(tracker: Tracker) -> set[tuple[frozenset[tuple[str, str]], str, int]]:
    """Every story's claim groups as (its claims by input id and text, its status, its origin count)."""
    input_id = {a.id: a.external_id for a in tracker.articles()}
    found = set()
    for story in tracker.stories():
        view = tracker.compare(story.id)
        assert view is not None
        for group in view.groups:
            claims = frozenset((input_id[m.article_id], m.claim.text) for m in group.members)
            found.add((claims, group.status.value, len(group.origins)))
    return found


@pytest.mark.parametrize("seed", range(3))
def test_reports_added_one_at_a_time_group_as_when_added_at_once(
    location: str, empty_location: str, seed: int
) -> None:
    rng = random.Random(seed)
    records = [
        {k: v for k, v in r.items() if v is not None}
        for number in range(2)
        for r in generated_story(rng, number)
    ]
    with (
        Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as online,
        Tracker(empty_location, embedder=HashingEmbedder(), extract_entities=False) as at_once,
    ):
        for record in records:
            online.add([record])
        at_once.add(records)
        assert claim_groups_by_input(online) == claim_groups_by_input(at_once)


def test_a_reader_keeps_a_storys_views_only_while_the_story_stays_as_it_was(location: str) -> None:
    """A reading tracker keeps a story's timeline and compared claims, and derives them again
    once a writer changed the story: claims made by a later run (a catch-up), a mute."""
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False, compare_sources=False) as t:
        t.add([quake_record("a1", 2), quake_record("a2", 3, "Beta Times")])
    reader = Tracker(location, embedder=HashingEmbedder(), extract_entities=False, create=False)
    (story,) = reader.stories().items
    before, timeline = reader.compare(story.id), reader.timeline(story.id)
    assert before is not None and before.groups == [] and timeline is not None
    again = reader.timeline(story.id)
    assert again is not None and again.timeline is timeline.timeline  # kept, not derived again
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as writer:
        writer.add([])  # catches up: the claims of both reports
        caught_up = reader.compare(story.id)
        assert caught_up is not None and caught_up.groups
        a1 = writer.article("a1")
        assert a1 is not None and writer.mute(article=a1.id, by="dan")
    muted = reader.compare(story.id)
    assert muted is not None and a1.id not in {m.article_id for g in muted.groups for m in g.members}
    after = reader.timeline(story.id)
    assert after is not None and after.timeline is not timeline.timeline
    assert all(a1.id not in entry.articles for entry in after.timeline.entries)
    reader.close()


def test_a_report_alone_in_its_story_is_compared_unembedded_until_a_second_report_joins(
    location: str,
) -> None:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        tracker.add([quake_record("a1", 2)])
        (alone,) = tracker.stories().items
        (first,) = [a.id for a in tracker.articles().items]
        assert all(c.vector.size == 0 for c in tracker.store.claims.for_articles([first]))
        view = tracker.compare(alone.id)
        assert view is not None and view.groups  # each claim its own group, single-source
        assert all(g.status is Status.SINGLE_SOURCE for g in view.groups)
        tracker.add([quake_record("a2", 3, "Beta Times")])
        (story,) = tracker.stories().items
        assert story.article_count == 2
        embedded = tracker.store.claims.for_articles([a.id for a in tracker.articles().items])
        assert embedded and all(c.vector.size > 0 for c in embedded)
