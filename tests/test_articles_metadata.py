"""Metadata merging in build_article: language, URL, date order, the local day a page shows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from storyline.ingest.articles import LOCAL_DATE_KEY, LOCAL_DATE_ORIGIN_KEY, build_article
from storyline.models import Article, ContentKind, Document, MetaValue, Origin, Supplied

NOW = datetime(2026, 11, 1, tzinfo=UTC)

ENGLISH = (
    "The harbour authority of Port Elmsby said on Tuesday that the northern quay will close for "
    "repairs in March, after inspectors found corrosion in the steel piles that carry the crane rails."
)
FRENCH = (
    "L'autorité portuaire de Port Elmsby a annoncé mardi que le quai nord fermera pour travaux en "
    "mars, après que des inspecteurs ont découvert de la corrosion dans les pieux d'acier."
)
SPANISH = (
    "La autoridad portuaria de Port Elmsby anunció el martes que el muelle norte cerrará por obras "
    "en marzo, después de que los inspectores encontraran corrosión en los pilotes de acero."
)


def _build(content: str, kind: ContentKind = ContentKind.TEXT, **supplied: Any) -> Article:
    document = Document(
        external_id="x1",
        locator="test.jsonl:1",
        kind=kind,
        content=content,
        raw_sha256="0" * 64,
        supplied=Supplied(origin=Origin.SUPPLIED, **supplied),
    )
    built = build_article(document, now=NOW)
    assert isinstance(built, Article), built
    return built


@pytest.mark.parametrize(("text", "language"), [(ENGLISH, "en"), (FRENCH, "fr"), (SPANISH, "es")])
def test_language_of_a_text_record_is_detected(text: str, language: str) -> None:
    assert _build(text).language == MetaValue(language, Origin.DETECTED)


def test_supplied_language_beats_detection() -> None:
    assert _build(FRENCH, language="fr-CA").language == MetaValue("fr-CA", Origin.SUPPLIED)


def test_headline_only_record_has_no_language_rather_than_a_guess() -> None:
    article = _build("", title="Quay to close for repairs")
    assert article.language == MetaValue.missing()


def test_page_declared_language_beats_detection() -> None:
    page = f"""<html lang="de"><head><title>Quay closes</title></head>
    <body><article><h1>Quay closes</h1><p>{ENGLISH}</p><p>{ENGLISH}</p></article></body></html>"""
    article = _build(page, kind=ContentKind.HTML, url="https://elmsby.example.org/quay")
    assert article.language == MetaValue("de", Origin.META)


def test_page_without_declared_language_gets_a_detected_one() -> None:
    page = f"""<html><head><title>Quay closes</title></head>
    <body><article><h1>Quay closes</h1><p>{FRENCH}</p><p>{FRENCH}</p></article></body></html>"""
    article = _build(page, kind=ContentKind.HTML, url="https://elmsby.example.org/quay")
    assert article.language == MetaValue("fr", Origin.DETECTED)


@pytest.mark.parametrize(
    ("supplied", "expected"),
    [
        ({"language": "fr"}, date(2026, 2, 5)),  # French writes the day first
        ({"url": "https://elmsby.example.co.uk/quay"}, date(2026, 2, 5)),  # a British domain
        ({"url": "https://elmsby.example.us/quay"}, date(2026, 5, 2)),  # a US domain: month first
    ],
)
def test_supplied_numeric_date_follows_the_outlets_locale(
    supplied: dict[str, str], expected: datetime
) -> None:
    article = _build(ENGLISH, ContentKind.TEXT, published="05/02/2026", **supplied)
    assert article.published.value == expected
    assert not any("day or month first" in warning for warning in article.warnings)


def test_numeric_date_that_stays_ambiguous_says_so() -> None:
    article = _build(ENGLISH, published="05/02/2026", url="https://elmsby.example.org/quay")
    assert article.published.value == date(2026, 2, 5)  # day first, most of the world's order
    assert any("'05/02/2026'" in w and "day or month first" in w for w in article.warnings)


def test_unambiguous_numeric_date_needs_no_warning() -> None:
    article = _build(ENGLISH, published="15/02/2026")
    assert article.published.value == date(2026, 2, 15)
    assert article.warnings == ()


def test_dateline_order_follows_the_text_language() -> None:
    english = _build(f"Quay to close for repairs\nUpdated: 05-02-2026 06:25\n{ENGLISH}")
    assert english.published.value == datetime(2026, 2, 5, 6, 25, tzinfo=UTC)
    assert any("day or month first" in warning for warning in english.warnings)
    french = _build(f"Le quai nord fermera\nMis à jour : 05-02-2026 06:25\n{FRENCH}")
    assert french.published.value == datetime(2026, 2, 5, 6, 25, tzinfo=UTC)
    assert not any(
        "day or month first" in warning for warning in french.warnings
    )  # the zone is another matter


def test_us_dateline_is_read_month_first() -> None:
    article = _build(
        f"Quay to close for repairs\nPublished: 05-02-2026 06:25\n{ENGLISH}",
        url="https://elmsby.example.us/quay",
    )
    assert article.published.value == datetime(2026, 5, 2, 6, 25, tzinfo=UTC)


def test_page_date_with_undecided_order_is_settled_by_the_detected_language() -> None:
    page = f"""<html><head><title>Le quai nord fermera</title></head><body><article>
    <h1>Le quai nord fermera</h1><p class="date">Publié le 05/02/2026</p><p>{FRENCH}</p><p>{FRENCH}</p>
    </article></body></html>"""
    article = _build(page, kind=ContentKind.HTML, url="https://elmsby.example.org/quai")
    assert article.published.value == date(2026, 2, 5)
    assert article.warnings == ()


def test_utc_instant_before_midnight_keeps_the_instant_and_records_the_local_day() -> None:
    article = _build(
        ENGLISH, published="2026-02-04T23:30:00Z", url="https://elmsby.example.org/2026/02/05/quay-closes"
    )
    assert article.published.value == datetime(2026, 2, 4, 23, 30, tzinfo=UTC)
    assert article.extra[LOCAL_DATE_KEY] == "2026-02-05"
    assert article.extra[LOCAL_DATE_ORIGIN_KEY] == "url"


@pytest.mark.parametrize(
    "url",
    [
        "https://elmsby.example.org/2026/02/04/quay-closes",  # the same day: nothing to add
        "https://elmsby.example.org/2026/01/20/quay-closes",  # no zone makes it that day
        "https://elmsby.example.org/news/quay-closes",
    ],
)
def test_no_local_day_when_the_url_agrees_or_cannot_be_the_local_day(url: str) -> None:
    article = _build(ENGLISH, published="2026-02-04T23:30:00Z", url=url)
    assert LOCAL_DATE_KEY not in article.extra


@pytest.mark.parametrize("url", ["hard::bahamaslocal.com-atlantis.html", "javascript:void(0)"])
def test_an_address_that_is_not_http_is_no_url_and_no_outlet(url: str) -> None:
    article = _build(ENGLISH, url=url)
    assert article.url == MetaValue.missing()
    assert article.outlet == MetaValue.missing()
    assert any(url in warning and "not an http(s) URL" in warning for warning in article.warnings)


def test_web_archive_capture_is_the_archived_outlet() -> None:
    article = _build(
        ENGLISH, url="https://web.archive.org/web/20260205083000/https://www.elmsbydaily.com/quay"
    )
    assert article.outlet == MetaValue("Elmsbydaily", Origin.URL)


def test_english_page_with_a_numeric_date_and_no_country_warns() -> None:
    page = f"""<html lang="en"><head><title>Quay to close</title></head><body><article>
    <h1>Quay to close</h1><p class="date">Published 05/02/2026</p><p>{ENGLISH}</p><p>{ENGLISH}</p>
    </article></body></html>"""
    article = _build(page, kind=ContentKind.HTML, url="https://elmsby.example.org/quay")
    assert article.published.value == date(2026, 2, 5)
    assert article.published.raw == "05/02/2026"
    assert any("'05/02/2026'" in w and "day or month first" in w for w in article.warnings)
