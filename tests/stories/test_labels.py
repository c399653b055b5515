"""Story labels: a member's real title before an opening line standing in for one, the opening line
cut at a word, and key terms without bare numbers."""

from __future__ import annotations

from storyline.stories import HashingEmbedder, StoryClusterer

from ..support.stories import PARAMS, article
from ..support.texts import QUAKE_A, QUAKE_A_FOLLOW


def test_label_of_an_untitled_story_is_its_opening_cut_at_a_word() -> None:
    opening = "Rescue teams " + "searched the collapsed homes of the old town through the night " * 4
    c = StoryClusterer(PARAMS, HashingEmbedder())
    c.add([article(1, opening + "\nMore text follows here.")])
    headline = c.label(1).headline
    assert headline.endswith("…") and len(headline) <= 160
    assert opening.startswith(headline[:-1])
    assert headline[:-1].endswith(("night", "town", "the", "of", "homes", "through", "searched"))


def test_key_terms_leave_out_bare_numbers() -> None:
    c = StoryClusterer(PARAMS, HashingEmbedder())
    c.add([article(1, "Updated: 05-02-2026 06:25 IST\n" + QUAKE_A, "Earthquake kills 12 in Valdoria")])
    terms = c.label(1).key_terms
    assert terms and not any(t[0].isdigit() for t in terms)
    assert "ridgeford" in terms


def test_a_members_title_beats_a_more_central_opening_line() -> None:
    c = StoryClusterer(PARAMS, HashingEmbedder())
    c.add([article(1, QUAKE_A), article(2, QUAKE_A_FOLLOW, "Ridgeford survivors")])
    assert c.story_of(2) == 1
    assert c.label(1).headline == "Ridgeford survivors"
