"""Cleaning of scraped page text: the seed pages plus invented pages of other shapes.

Seed texts are read from the shared seed folder at test time (news text is never copied into the repo);
the invented pages below are written for these tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storyline.ingest.clean import CleanedText, clean_scraped_text
from storyline.ingest.published import parse_dateline

SEEDS = Path(__file__).parents[2] / "shared" / "seeds"
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")


def _seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert found, f"seed {prefix} not found in {SEEDS} (../shared must sit beside the repo)"
    return found[0].read_text(encoding="utf-8")


def _lines(raw: str) -> list[str]:
    return [" ".join(line.split()) for line in raw.splitlines() if line.strip()]


def _sentences(paragraphs: list[str]) -> list[str]:
    return [sentence for paragraph in paragraphs for sentence in _SENTENCE_SPLIT.split(paragraph)]


def _paragraphs(cleaned: CleanedText) -> list[str]:
    return cleaned.text.split("\n\n") if cleaned.text else []


# --- seed 003: a page scraped with its site chrome -------------------------------------------------


@pytest.fixture(scope="module")
def page_003() -> tuple[str, CleanedText]:
    raw = _seed("003")
    return raw, clean_scraped_text(raw)


def test_003_title_and_dateline(page_003: tuple[str, CleanedText]) -> None:
    _, cleaned = page_003
    assert cleaned.title == "Exposing Truth and Securing Freedom: Guan Heng's Fight for Justice"
    assert cleaned.dateline == (
        "Devdiscourse News Desk | Washington DC | "
        "Updated: 05-02-2026 06:25 IST | Created: 05-02-2026 06:25 IST"
    )
    assert _paragraphs(cleaned)[0] == cleaned.title
    assert cleaned.text.count(cleaned.title) == 1  # the repeated title line is gone


@pytest.mark.parametrize(
    "chrome",
    [
        "TRENDING",
        "Left Menu",
        "Phone:",
        "Email:",
        "© Copyright 2026",
        "Turkey Seeks to Modernize EU Customs Union Amid Renewed Talks",
        "Country:",
        "United States",
        "OPINION / BLOG / INTERVIEW",
        "Subscribe to our Newsletter",
        "Privacy Policy",
        "LinkedIn",
        "SECTORS",
        "Latest News",
    ],
)
def test_003_chrome_is_removed(page_003: tuple[str, CleanedText], chrome: str) -> None:
    _, cleaned = page_003
    assert all(chrome not in paragraph for paragraph in _paragraphs(cleaned)), chrome


def test_003_nothing_after_the_report_survives(page_003: tuple[str, CleanedText]) -> None:
    raw, cleaned = page_003
    tail = _lines(raw.split("TRENDING", 1)[1])
    assert tail, "the seed is expected to have a trending block"
    kept = set(_paragraphs(cleaned))
    assert not kept & set(tail)
    assert set(tail) <= set(cleaned.removed)


def test_003_every_report_sentence_is_kept(page_003: tuple[str, CleanedText]) -> None:
    raw, cleaned = page_003
    report = [line for line in _lines(raw.split("TRENDING", 1)[0]) if len(line.split()) >= 20]
    assert len(report) == 4  # standfirst and three body paragraphs
    sentences = _sentences(report)
    assert len(sentences) == 11  # 3 + 2 + 3 + 3: the split really happened
    for sentence in sentences:
        assert sentence in cleaned.text
    assert _paragraphs(cleaned)[-1] == "(With inputs from agencies.)"


def test_003_dateline_parses_to_india_time(page_003: tuple[str, CleanedText]) -> None:
    raw, cleaned = page_003
    assert cleaned.dateline is not None
    for text in (raw, cleaned.text, cleaned.dateline):
        parsed = parse_dateline(text)
        assert parsed is not None
        assert parsed.isoformat() == "2026-02-05T06:25:00+05:30"


# --- seeds 000 and 004: clean reports come through unchanged but for whitespace ----------------------


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_clean_report_is_unchanged_but_whitespace(prefix: str) -> None:
    raw = _seed(prefix)
    cleaned = clean_scraped_text(raw)
    assert cleaned.text == "\n\n".join(_lines(raw))
    assert cleaned.title is None
    assert cleaned.dateline is None
    assert cleaned.removed == ()


def test_000_padding_is_gone() -> None:
    cleaned = clean_scraped_text(_seed("000"))
    assert cleaned.text == cleaned.text.strip()
    assert "\n\n\n" not in cleaned.text
    assert len(_paragraphs(cleaned)) == 8
    for sentence in _sentences(_lines(_seed("000"))):
        assert sentence in cleaned.text


@pytest.mark.parametrize("prefix", ["000", "003", "004"])
def test_cleaning_is_idempotent(prefix: str) -> None:
    once = clean_scraped_text(_seed(prefix))
    twice = clean_scraped_text(once.text)
    assert twice.text == once.text
    assert twice.title == once.title


# --- invented pages of other shapes -------------------------------------------------------------------

# Pipe menu, ads, share buttons, a numbered "Most read" list, social/legal/cookie footer.
PAGE_PIPE_MENU = """\
Skip to content
Home | News | Sport | Weather | Culture
Advertisement
Council approves new tram line for the city centre
By Jane Doe, Transport correspondent
3 March 2026 10:15 GMT
Share this article
The city council voted on Tuesday to build a tram line through the centre, ending a decade of argument \
over how to cut traffic on the main shopping streets.
Construction is due to start next spring.
Advertisement
"This is the biggest change to our streets in fifty years," said council leader Tom Baker, who backed \
the plan from the start.
Opponents said the cost, estimated at 400 million pounds, would fall on residents who never use the \
centre, and promised to fight the plan in court.
What happens next
The plan now goes to the transport ministry, which must approve the funding before any contracts are \
signed with builders.
Related Topics
Transport
Most read
1
Man rescued from river after six hours
2
Bakery wins national award for the third time.
3
School closes after burst pipe floods classrooms
Follow us on Facebook, X and Instagram
© 2026 Example News. All rights reserved.
We use cookies to improve your experience. By continuing to browse you agree to our cookie policy.
"""

# One-word menu lines, labelled dates, an inline "Read more", an ALL-CAPS subheading, a newsletter
# pitch after the body, unpunctuated related-story teasers, contact and legal lines.
PAGE_WORD_MENU = """\
Menu
Search
World
Business
Sign in

Storm closes schools across the north

Heavy snow forced hundreds of schools to shut on Monday.

Published: March 3, 2026 10:15 AM EST
Updated: March 3, 2026 2:40 PM EST

Heavy snow and freezing winds closed more than 300 schools across the northern counties on Monday, \
and forecasters warned that the worst of the storm was still to come.

Read more: How to keep your pipes from freezing

"We have never seen drifts like this," said Maria Lopez, a bus driver for 22 years.

WHAT HAPPENS NEXT

The weather service expects the snow to ease by Wednesday, but officials said schools would stay \
closed until roads had been cleared and checked.

Sign up for our morning newsletter to get the day's top stories.

Related stories
Town votes to keep its last library open
Power cuts hit thousands as winds pick up

Contact us: news@example.org
Terms of Service
"""

# Hard-wrapped paragraphs, a Title Cased question as headline, byline and dateline, a short footer.
PAGE_WRAPPED = """\
Can the Old Harbour Bridge Be Saved?

By Ana Lima
Mon 5 Feb 2026 09.12 GMT

Engineers say the old harbour bridge, which has carried traffic for more
than a century, needs urgent repairs to its steel frame before the winter
storms arrive.

The city has set aside money for a study, but not for the work itself.
Officials said a decision was expected in the spring.

Back to top
Comments (12)
Tel: +44 20 7946 0000
"""


def test_pipe_menu_page() -> None:
    cleaned = clean_scraped_text(PAGE_PIPE_MENU)
    assert cleaned.title == "Council approves new tram line for the city centre"
    assert cleaned.dateline == "3 March 2026 10:15 GMT"
    paragraphs = _paragraphs(cleaned)
    assert paragraphs[:3] == [cleaned.title, "By Jane Doe, Transport correspondent", cleaned.dateline]
    assert paragraphs[3].startswith("The city council voted on Tuesday")
    assert "Construction is due to start next spring." in paragraphs
    assert "What happens next" in paragraphs  # a subheading of the report
    assert paragraphs[-1].startswith("The plan now goes to the transport ministry")
    assert len(paragraphs) == 9
    for chrome in (
        "Skip to content",
        "Home |",
        "Advertisement",
        "Share this",
        "Most read",
        "Bakery",
        "©",
        "cookie",
    ):
        assert chrome not in cleaned.text, chrome


def test_word_menu_page() -> None:
    cleaned = clean_scraped_text(PAGE_WORD_MENU)
    assert cleaned.title == "Storm closes schools across the north"
    assert cleaned.dateline == "Published: March 3, 2026 10:15 AM EST"  # publication beats update
    assert _paragraphs(cleaned) == [
        "Storm closes schools across the north",
        "Heavy snow forced hundreds of schools to shut on Monday.",
        "Published: March 3, 2026 10:15 AM EST",
        "Updated: March 3, 2026 2:40 PM EST",
        _lines(PAGE_WORD_MENU)[9],
        '"We have never seen drifts like this," said Maria Lopez, a bus driver for 22 years.',
        "WHAT HAPPENS NEXT",
        _lines(PAGE_WORD_MENU)[13],
    ]
    assert cleaned.removed[:5] == ("Menu", "Search", "World", "Business", "Sign in")
    assert "Contact us: news@example.org" in cleaned.removed


def test_wrapped_page_joins_lines_and_drops_footer() -> None:
    cleaned = clean_scraped_text(PAGE_WRAPPED)
    assert cleaned.title == "Can the Old Harbour Bridge Be Saved?"
    assert cleaned.dateline == "Mon 5 Feb 2026 09.12 GMT"
    assert _paragraphs(cleaned) == [
        "Can the Old Harbour Bridge Be Saved?",
        "By Ana Lima",
        "Mon 5 Feb 2026 09.12 GMT",
        "Engineers say the old harbour bridge, which has carried traffic for more than a century, needs "
        "urgent repairs to its steel frame before the winter storms arrive.",
        "The city has set aside money for a study, but not for the work itself.",
        "Officials said a decision was expected in the spring.",
    ]
    assert cleaned.removed == ("Back to top", "Comments (12)", "Tel: +44 20 7946 0000")


def test_numbered_teasers_inside_the_body_are_removed() -> None:
    # A sidebar scraped into the middle of the report: unpunctuated teasers look like subheadings.
    body = (
        "The river rose two metres overnight and flooded the lower town, where several hundred people live."
    )
    page = (
        f"Flood waters reach the lower town\n{body}\nMost popular\n1\nMayor opens new bridge\n"
        f"2\nLocal team reaches cup final\nSport\n{body.replace('two', 'three')}\n"
    )
    cleaned = clean_scraped_text(page)
    assert _paragraphs(cleaned) == ["Flood waters reach the lower town", body, body.replace("two", "three")]
    assert cleaned.removed == (
        "Most popular",
        "1",
        "Mayor opens new bridge",
        "2",
        "Local team reaches cup final",
        "Sport",
    )


def test_removed_and_kept_lines_partition_the_page() -> None:
    cleaned = clean_scraped_text(PAGE_PIPE_MENU)
    assert sorted([*_paragraphs(cleaned), *cleaned.removed]) == sorted(_lines(PAGE_PIPE_MENU))


def test_a_sentence_title_is_not_taken_for_a_headline() -> None:
    text = "The minister resigned on Friday.\nShe had been in office for two years."
    cleaned = clean_scraped_text(text)
    assert cleaned.title is None
    assert cleaned.text == "The minister resigned on Friday.\n\nShe had been in office for two years."


def test_a_timestamp_line_is_not_taken_for_a_headline() -> None:
    body = "The port reopened on Sunday.\nShips began unloading at dawn."
    assert clean_scraped_text(f"POSTED: 04 / 02 / 07, 9: 00 PM PDT |\n{body}").title is None
    assert clean_scraped_text(f"Port reopens: 2 ships in, 40 to go\n{body}").title == (
        "Port reopens: 2 ships in, 40 to go"
    )


def test_short_report_without_long_paragraphs_is_kept() -> None:
    text = "Port reopens after strike\n\nThe port reopened on Sunday.\nShips began unloading at dawn.\n"
    cleaned = clean_scraped_text(text)
    assert cleaned.title == "Port reopens after strike"
    assert (
        cleaned.text
        == "Port reopens after strike\n\nThe port reopened on Sunday.\n\nShips began unloading at dawn."
    )


def test_whitespace_is_normalised() -> None:
    raw = (
        "\r\n  Rain\u00a0returns  to\tthe valley \r\n\r\n\r\nFarmers   welcomed the rain on Monday.  \r\n\n\n"
    )
    cleaned = clean_scraped_text(raw)
    assert cleaned.text == "Rain returns to the valley\n\nFarmers welcomed the rain on Monday."


def test_empty_input() -> None:
    assert clean_scraped_text(" \n\n\t\n") == CleanedText("", None, None, ())


def test_lines_with_any_whitespace_but_single_spaces_are_collapsed() -> None:
    # The cleaner skips collapsing printable lines: that is only right if every whitespace
    # character other than the space is unprintable.
    assert not [c for c in map(chr, range(0x110000)) if c.isspace() and c != " " and c.isprintable()]
    raw = "Un\u00a0été  chaud\u3000ici.\nTabbed\there.\u2028And \u202fthere.\n  Padded line.  "
    assert clean_scraped_text(raw).text == "Un été chaud ici.\n\nTabbed here.\n\nAnd there.\n\nPadded line."
