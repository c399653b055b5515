"""The keyword index on both backends: kept in step with article inserts and versions, ranked,
filtered, with marked snippets; the migration indexes what was stored before it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storyline.store import Store, open_database, open_store
from storyline.store.articles import ArticleRepository
from storyline.store.database import migrate
from storyline.store.records import SearchFilters
from storyline.store.runs import RunRepository
from storyline.store.search import MARK_END, MARK_START, BadQuery, parse_query
from storyline.store.store import COMPONENTS

from .helpers import NOW, make_article

TEXTS = {
    "ferry": "The harbour ferry resumed its timetable after the storm. Pilots praised the crew.",
    "bridge": "Engineers closed the river bridge for repairs. The ferry service doubled its crossings.",
    "budget": "The council passed the school budget late on Tuesday.",
}


def _add(store: Store, texts: dict[str, str], outlet: str = "Harbor Wire") -> dict[str, int]:
    ids = {}
    with store.write():
        for key, text in texts.items():
            ids[key] = store.articles.insert(make_article(text, key, outlet=outlet), NOW)
    return ids


def _found(store: Store, query: str, filters: SearchFilters | None = None) -> list[int]:
    hits, _ = store.search.articles(parse_query(query), filters or SearchFilters(), None)
    return [hit.article.id for hit in hits]


def test_an_article_is_found_by_its_words_once_stored(store: Store) -> None:
    ids = _add(store, TEXTS)
    assert set(_found(store, "ferry")) == {ids["ferry"], ids["bridge"]}
    assert _found(store, "Budget") == [ids["budget"]]  # any case
    assert _found(store, "submarine") == []


def test_the_article_saying_it_more_often_ranks_first_and_the_total_counts_every_hit(store: Store) -> None:
    ids = _add(store, {"once": "A ferry left.", "thrice": "The ferry, the ferry and the ferry left."})
    hits, total = store.search.articles(parse_query("ferry"), SearchFilters(), 1)
    assert [hit.article.id for hit in hits] == [ids["thrice"]] and total == 2
    assert hits[0].score > 0


def test_phrases_exclusions_and_prefixes(store: Store) -> None:
    ids = _add(store, TEXTS)
    assert _found(store, '"ferry resumed"') == [ids["ferry"]]
    assert _found(store, "ferry -bridge") == [ids["ferry"]]
    assert set(_found(store, "cross*")) == {ids["bridge"]}
    assert set(_found(store, "harb* ferry")) == {ids["ferry"]}


def test_words_that_look_like_operators_are_words(store: Store) -> None:
    ids = _add(store, {"or": "Ferry OR bridge: NOT a question, AND* no NEAR(miss)."})
    assert _found(store, "NOT OR NEAR( AND*") == [ids["or"]]


@pytest.mark.parametrize("query", ["", "   ", "-ferry", '""', "!!"])
def test_a_query_with_nothing_to_look_for_is_refused(query: str) -> None:
    with pytest.raises(BadQuery):
        parse_query(query)


def test_snippets_mark_the_matched_words(store: Store) -> None:
    _add(store, TEXTS)
    (hit,) = store.search.articles(parse_query("timetable"), SearchFilters(), None)[0]
    assert f"{MARK_START}timetable{MARK_END}" in hit.snippet
    assert hit.title == "A title"


def test_a_superseded_version_is_no_longer_a_hit(store: Store) -> None:
    ids = _add(store, {"v1": "The ferry timetable changed."})
    with store.write():
        newer = store.articles.insert(make_article("The ferry schedule changed again.", "v1"), NOW)
        store.articles.supersede(ids["v1"], newer)
    assert _found(store, "ferry") == [newer]
    assert _found(store, "timetable") == []


def test_filters_by_outlet_story_and_publication_window(store: Store) -> None:
    wire = _add(store, {"w": "The ferry sailed at dawn."})
    post = _add(store, {"p": "The ferry sailed at dusk."}, outlet="Harbour Post")
    assert _found(store, "ferry", SearchFilters(outlet="harbour post")) == [post["p"]]
    with store.write():
        store.stories.assign([(wire["w"], 7, 1.0)])
    assert _found(store, "ferry", SearchFilters(story_id=7)) == [wire["w"]]
    published = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)  # make_article's
    assert len(_found(store, "ferry", SearchFilters(since=published))) == 2
    assert _found(store, "ferry", SearchFilters(until=published)) == []


def test_articles_stored_before_the_index_existed_are_indexed_by_its_migration(empty_location: str) -> None:
    db = open_database(empty_location)
    try:
        migrate(db, tuple(c for c in COMPONENTS if c.name != "search"))
        with db.write():
            RunRepository(db).start(["test"], NOW)
            old = ArticleRepository(db).insert(make_article("The lighthouse keeper retired.", "old"), NOW)
    finally:
        db.close()
    with open_store(empty_location) as store:
        assert _found(store, "lighthouse") == [old]
        assert store.schema_versions()["search"] == 1
