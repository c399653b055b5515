"""The alias rules on invented names, without the tagger: within a report, within a story."""

from __future__ import annotations

from storyline.entities.names import acronym, normalise, trim_span
from storyline.entities.resolution import resolve_report, resolve_story
from storyline.entities.tagger import TaggedName
from storyline.models import EntityType, Mention
from storyline.store.records import StoryForm

PERSON, ORG, PLACE = EntityType.PERSON, EntityType.ORG, EntityType.PLACE


def report(*names: tuple[str, EntityType]) -> list[Mention]:
    """The report-level mentions of names given in text order (offsets are their order)."""
    tagged = [TaggedName(10 * i, 10 * i + len(text), text, kind) for i, (text, kind) in enumerate(names)]
    return resolve_report(tagged, [0] * len(tagged))


def keys(mentions: list[Mention]) -> list[str]:
    return [m.key for m in mentions]


def test_normalised_forms_meet() -> None:
    assert {normalise(n, PLACE) for n in ("U.S.", "US", "United States", "the United States")} == {
        "united states"
    }
    assert normalise("Rep. Ro Khanna", PERSON) == normalise("Ro Khanna", PERSON) == "ro khanna"
    assert (
        normalise("U.S. Department of Homeland Security", ORG)
        == normalise("Homeland Security Department", ORG)
        == normalise("Homeland Security", ORG)
    )
    assert acronym("Department of Homeland Security") == "dhs"
    assert acronym("U.S. Immigration and Customs Enforcement") == "ice"
    assert acronym("Chinese Communist Party") == "ccp"


def test_a_span_is_trimmed_to_the_name() -> None:
    text = "Officials said the United States and Mara Veld's lawyer met."
    start = text.index("the United")
    assert trim_span(text, start, start + len("the United States")) == (start + 4, start + 17)
    veld = text.index("Mara")
    assert trim_span(text, veld, veld + len("Mara Veld's")) == (veld, veld + len("Mara Veld"))
    assert trim_span(text, 9, 14) is None  # " said": no capital, not a name


def test_a_surname_refers_back_to_the_full_name() -> None:
    mentions = report(("Tomas Oyelaran", PERSON), ("Oyelaran", PERSON), ("Oyelaran", PLACE))
    assert keys(mentions) == ["tomas oyelaran"] * 3
    # The tagger's 'place' for a surname of the report's person is overruled.
    assert {m.type for m in mentions} == {PERSON}


def test_two_people_sharing_a_surname_stay_apart() -> None:
    mentions = report(
        ("Ilse Marrow", PERSON),
        ("Marrow", PERSON),
        ("Pieter Marrow", PERSON),
        ("Marrow", PERSON),
    )
    # Each bare surname goes to the person the text last named.
    assert keys(mentions) == ["ilse marrow", "ilse marrow", "pieter marrow", "pieter marrow"]


def test_acronyms_meet_their_expansions() -> None:
    mentions = report(
        ("Department of Coastal Defence", ORG),
        ("DCD", ORG),
        ("Coastal Defence", ORG),
        ("Kestorian Labour Party", ORG),
        ("KLP", ORG),
    )
    assert keys(mentions) == ["coastal defence"] * 3 + ["kestorian labour party"] * 2


def test_headline_words_around_a_full_name_do_not_make_another_person() -> None:
    mentions = report(("Elena Brask Resigns Today", PERSON), ("Elena Brask", PERSON), ("Brask", PERSON))
    assert keys(mentions) == ["elena brask"] * 3


def form(kind: EntityType, norm: str, key: str, mentions: int, surface: str) -> StoryForm:
    return StoryForm(kind, norm, key, mentions, surface)


def test_a_story_joins_a_lone_surname_to_the_full_name_another_report_gives() -> None:
    entities = resolve_story(
        [
            form(PERSON, "tomas oyelaran", "tomas oyelaran", 3, "Tomas Oyelaran"),
            form(PERSON, "oyelaran", "oyelaran", 2, "Oyelaran"),
            form(ORG, "kfr", "kfr", 1, "KFR"),
            form(ORG, "kestorian fire rescue", "kestorian fire rescue", 2, "Kestorian Fire Rescue"),
        ]
    )
    by_key = {e.key: e for e in entities}
    assert set(by_key) == {"tomas oyelaran", "kestorian fire rescue"}
    assert by_key["tomas oyelaran"].name == "Tomas Oyelaran"
    assert "kfr" in by_key["kestorian fire rescue"].keys  # the acronym finds it across the store
    assert "oyelaran" not in by_key["tomas oyelaran"].keys  # a lone surname never does


def test_a_story_leaves_an_ambiguous_surname_alone_unless_one_person_dominates() -> None:
    two = [
        form(PERSON, "ilse marrow", "ilse marrow", 3, "Ilse Marrow"),
        form(PERSON, "pieter marrow", "pieter marrow", 2, "Pieter Marrow"),
        form(PERSON, "marrow", "marrow", 4, "Marrow"),
    ]
    assert len(resolve_story(two)) == 3
    dominated = [*two[:1], form(PERSON, "pieter marrow", "pieter marrow", 1, "Pieter Marrow"), two[2]]
    joined = {e.key: e for e in resolve_story(dominated)}
    assert {f.norm for f in joined["ilse marrow"].forms} == {"ilse marrow", "marrow"}
