"""Claims read from invented reports: what is a claim, and the slots a comparison needs."""

from __future__ import annotations

import re

from storyline.claims.extract import extract_claims, numbers_in, states_in
from storyline.models import Article, ClaimKind, MetaValue, Origin, PublishedTime, Sentence, Span


def article_of(*sentences: str) -> Article:
    """One paragraph per sentence, as the segmenter would cut them."""
    text = "\n\n".join(sentences)
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    missing = MetaValue.missing()
    return Article(
        external_id="a", locator="a", raw_sha256="", text=text, title=missing, outlet=missing, url=missing,
        author=missing, language=MetaValue("en", Origin.SUPPLIED), published=PublishedTime.unknown(),
        paragraphs=tuple(Span(a, b) for a, b in spans),
        sentences=tuple(Sentence(i, a, b) for i, (a, b) in enumerate(spans)),
    )  # fmt: skip


def test_statements_are_claims_and_headings_questions_and_credit_lines_are_not() -> None:
    read = extract_claims(
        article_of(
            "Legal Victory and Path to Asylum",
            "Guan Heng was released from detention on Tuesday.",
            "What happens next?",
            "(With inputs from agencies.)",
        )
    )
    assert [c.text for c in read.claims] == ["Guan Heng was released from detention on Tuesday."]
    assert read.credit == "agencies"
    article = article_of("Guan Heng was released from detention on Tuesday.")
    (claim,) = extract_claims(article).claims
    assert article.text[claim.start : claim.end] == claim.text


def test_a_credit_line_naming_a_wire_names_it() -> None:
    assert extract_claims(
        article_of("The bridge reopened on Saturday morning.", "(Reporting by Reuters)")
    ).credit == ("Reuters")


def test_negation_states_and_attribution() -> None:
    resigned, refused, listed, released, according = extract_claims(
        article_of(
            "The minister resigned on Monday over the scandal.",
            "The minister refused to resign on Monday over the scandal.",
            "Guan remains listed as a detainee in the database.",
            "Guan was released from federal detention on Tuesday.",
            "The plant will close in May, according to Reuters.",
        )
    ).claims
    assert not resigned.negated and refused.negated
    assert listed.states == ("detained",) and released.states == ("released",)
    assert according.attribution == "Reuters"


def test_what_someone_asks_for_is_no_state() -> None:
    assert states_in("Lawmakers called for him to be granted safe haven.") == ()
    assert states_in("He was granted asylum by a judge.") == ("granted",)
    assert states_in("The authorities abandoned their effort to deport him.") == ("dropped",)


def test_a_quote_has_its_speaker_across_sentences() -> None:
    said, opened, inside = extract_claims(
        article_of(
            '"We\'re really happy," said Zhou Fengsuo.',
            'Ana Brel, the mayor, wrote: "The bridge was safe.',
            'We will rebuild it."',
        )
    ).claims
    assert (
        said.kind is ClaimKind.QUOTE
        and said.speaker == "zhou fengsuo"
        and said.quote == "We're really happy,"
    )
    assert opened.kind is ClaimKind.QUOTE and inside.kind is ClaimKind.QUOTE
    assert inside.speaker == opened.speaker


def test_numbers_carry_their_unit_and_years_are_left_to_the_dates() -> None:
    assert numbers_in("After 23 hours at sea, in 2021, some 3,000 residents and 1 million people") == (
        "1000000 people",
        "23 hour",
        "3000 resident",
    )
