"""Outlet display names and comparison keys."""

from __future__ import annotations

import pytest

from storyline.ingest.outlets import is_host, normalise_outlet, outlet_for_host, outlet_key, web_url


@pytest.mark.parametrize(
    "spelling",
    [
        "devdiscourse.com",
        "www.devdiscourse.com",
        "https://www.devdiscourse.com/article/x",
        "Devdiscourse",
        "DEVDISCOURSE",
        "  devdiscourse  ",
    ],
)
def test_devdiscourse_spellings(spelling: str) -> None:
    assert normalise_outlet(spelling) == "Devdiscourse"
    assert outlet_key(spelling) == "devdiscourse"


@pytest.mark.parametrize(
    ("spellings", "display"),
    [
        (["bbc.co.uk", "BBC News", "https://www.bbc.com/news/world-1", "BBC"], "BBC News"),
        (["The New York Times", "nytimes.com", "New York Times", "NYT"], "The New York Times"),
        (["Wall Street Journal", "wsj.com", "The Wall Street Journal"], "The Wall Street Journal"),
        (["theguardian.com", "The Guardian", "Guardian"], "The Guardian"),
        (["apnews.com", "AP", "Associated Press"], "Associated Press"),
        (["abcnews.go.com", "ABC News"], "ABC News"),
        (["HTTP://WWW.REUTERS.COM/world", "Reuters"], "Reuters"),
    ],
)
def test_known_outlets_share_key_and_display(spellings: list[str], display: str) -> None:
    assert {normalise_outlet(s) for s in spellings} == {display}
    assert len({outlet_key(s) for s in spellings}) == 1


def test_unknown_outlets() -> None:
    assert normalise_outlet("lemonde.fr") == "Lemonde"
    assert normalise_outlet("Le Monde") == "Le Monde"  # mixed case is kept as written
    assert outlet_key("Le Monde") == outlet_key("lemonde.fr")
    assert normalise_outlet("NPR") == "NPR"  # short all-caps names stay acronyms
    assert normalise_outlet("news-medical.net") == "News-Medical"
    assert normalise_outlet("example.com:8080/path?q=1") == "Example"


def test_subdomains_and_private_suffixes() -> None:
    assert outlet_key("edition.cnn.com") == outlet_key("CNN")
    assert normalise_outlet("elmsby.blogspot.com") == "Elmsby"  # the blog, not Blogspot
    assert outlet_key("timesofindia.indiatimes.com") != outlet_key("economictimes.indiatimes.com")


def test_keys_ignore_case_accents_punctuation_and_the() -> None:
    assert outlet_key("Süddeutsche Zeitung") == outlet_key("suddeutsche-zeitung")
    assert outlet_key("The Hindu") == outlet_key("thehindu.com")
    assert outlet_key("Yahoo! News") == outlet_key("news.yahoo.com")


def test_empty_input() -> None:
    assert normalise_outlet("") == ""
    assert outlet_key("   ") == ""


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["Inland Courier – Business"], "Inland Courier"),
        ([None, "Kessel talks break down | Inland Courier"], "Inland Courier"),
        (["INLAND COURIER: Markets"], "Inland Courier"),
        # No title part is the host's name: sections and headlines never become the outlet.
        (["Business – Markets", "Inland news: Courier strike"], "Inlandcourier"),
        ([], "Inlandcourier"),
    ],
)
def test_outlet_for_host_takes_the_spelling_a_title_gives(titles: list[str | None], expected: str) -> None:
    assert outlet_for_host("https://inlandcourier.news/business/x", titles) == expected
    assert outlet_key(expected) == outlet_key("inlandcourier.news")


def test_outlet_for_host_keeps_the_table_name_of_known_outlets() -> None:
    assert outlet_for_host("https://www.nytimes.com/x", ["nytimes – World"]) == "The New York Times"


@pytest.mark.parametrize(
    "capture",
    [
        "https://web.archive.org/web/20260205083000/https://www.elmsbydaily.com/quay",
        "http://web.archive.org/web/20260205083000id_/elmsbydaily.com/quay",
        "https://web.archive.org/web/2026/http:/elmsbydaily.com/quay",  # one slash, as some tools write it
    ],
)
def test_web_archive_capture_is_the_archived_sites_outlet(capture: str) -> None:
    assert normalise_outlet(capture) == "Elmsbydaily"
    assert outlet_key(capture) == outlet_key("elmsbydaily.com")


def test_the_archive_itself_and_redirect_parameters() -> None:
    assert normalise_outlet("https://web.archive.org/") == "Archive"
    # an address in a query string is a parameter, not a capture
    assert normalise_outlet("https://elmsby.example.org/out?to=https://other.example.net/x") == "Example"


@pytest.mark.parametrize(
    ("host", "display"),
    [
        ("schleifen.ucoz.de", "Schleifen"),
        ("http://harbour-news.ucoz.ru/news/1", "Harbour-News"),
        ("elmsby.wordpress.com", "Elmsby"),
        ("www.ucoz.de", "Ucoz"),  # the platform's own site
    ],
)
def test_hosting_platform_subdomain_is_the_site(host: str, display: str) -> None:
    assert normalise_outlet(host) == display


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://elmsby.example.org/a", "https://elmsby.example.org/a"),
        ("  http://elmsby.example.org  ", "http://elmsby.example.org"),
        ("hard::bahamaslocal.com-atlantis.html", None),
        ("javascript:void(0)", None),
        ("ftp://elmsby.example.org/file", None),
        ("//elmsby.example.org/a", None),
        ("http://", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_addresses_are_urls(value: str | None, expected: str | None) -> None:
    assert web_url(value) == expected


def test_host_or_name() -> None:
    assert is_host("Sott.net") and is_host("https://sott.net/a")
    assert not is_host("Mr. Harbour's Weekly") and not is_host("U.S. ferry rules change")


def test_a_dated_path_with_a_file_is_no_capture() -> None:
    # '/20260205/1000200033.html' looks like a capture's timestamp and host; 'html' is no domain
    assert normalise_outlet("https://www.elmsbydaily.com/news/20260205/1000200033.html") == "Elmsbydaily"
