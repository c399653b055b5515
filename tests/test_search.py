"""Search through the facade on both backends: keywords ranked with marked snippets, filters, the
stories closest in meaning, and the story list's filters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from storyline.store.search import BadQuery
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker
from storyline.views import SearchResults

FERRY = [
    {
        "id": "ferry-1",
        "title": "Harbour ferry runs aground near Kessel",
        "text": "The harbour ferry ran aground near Kessel on Monday morning. All forty passengers were "
        "taken ashore by lifeboat crews. The ferry operator said a steering fault caused the grounding.",
        "outlet": "Harbour Post",
        "published": "2026-03-02T08:00:00+00:00",
    },
    {
        "id": "ferry-2",
        "title": "Kessel ferry grounding blamed on steering fault",
        "text": "A steering fault caused the harbour ferry to run aground near Kessel, the operator said. "
        "Lifeboat crews took forty passengers ashore. Inspectors boarded the ferry on Tuesday.",
        "outlet": "Coast Wire",
        "published": "2026-03-03T09:00:00+00:00",
    },
]
GLACIER = {
    "id": "glacier-1",
    "title": "Glacier retreat measured by satellite survey",
    "text": "A satellite survey measured the glacier's retreat at ninety metres this year. Scientists "
    "at the mountain station said the melt season began early.",
    "outlet": "Alpine Daily",
    "published": "2026-02-20T12:00:00+00:00",
}


@pytest.fixture
def tracker(location: str) -> Iterator[Tracker]:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as opened:
        opened.add([*FERRY, GLACIER])
        yield opened


def test_keywords_find_the_articles_holding_every_word_with_the_words_marked(tracker: Tracker) -> None:
    results = tracker.search("ferry steering", stories=0)
    assert {hit.article.external_id for hit in results.hits} == {"ferry-1", "ferry-2"}
    assert results.hits.total == 2 and results.stories == []
    for hit in results.hits:
        assert ("steering", True) in [(text.lower(), matched) for text, matched in hit.snippet.parts]
        assert "ferry" in hit.title.text.lower()
    # The report whose title holds the words ranks first.
    assert results.hits.items[0].article.external_id == "ferry-2"


def test_filters_by_outlet_story_and_time(tracker: Tracker) -> None:
    def ids(results: SearchResults) -> set[str]:
        return {hit.article.external_id for hit in results.hits}

    assert ids(tracker.search("ferry", outlet="coast wire", stories=0)) == {"ferry-2"}
    assert ids(tracker.search("ferry", since=datetime(2026, 3, 3, tzinfo=UTC), stories=0)) == {"ferry-2"}
    assert ids(tracker.search("ferry", until=datetime(2026, 3, 3, tzinfo=UTC), stories=0)) == {"ferry-1"}
    story = tracker.search("ferry", stories=0).hits.items[0].article.story_id
    assert story is not None
    assert ids(tracker.search("ferry", story=story, stories=0)) == {"ferry-1", "ferry-2"}


def test_pages_of_hits(tracker: Tracker) -> None:
    first = tracker.search("ferry", limit=1, stories=0)
    second = tracker.search("ferry", limit=1, offset=1, stories=0)
    assert first.hits.total == second.hits.total == 2
    assert {first.hits.items[0].article.id, second.hits.items[0].article.id} == {
        hit.article.id for hit in tracker.search("ferry", stories=0).hits
    }


def test_the_story_closest_in_meaning_comes_first(tracker: Tracker) -> None:
    results = tracker.search("satellite survey of the glacier melt", stories=2)
    glacier_story = tracker.search("glacier", stories=0).hits.items[0].article.story_id
    assert results.stories and results.stories[0].story.id == glacier_story
    assert results.stories[0].similarity > (results.stories[1].similarity if len(results.stories) > 1 else 0)


def test_a_query_without_a_word_is_refused(tracker: Tracker) -> None:
    with pytest.raises(BadQuery):
        tracker.search("-ferry")


def test_the_story_list_filters_by_keywords_outlet_and_change_time(tracker: Tracker) -> None:
    everything = tracker.stories()
    ferry = tracker.stories(text="aground")
    assert len(ferry) == 1 and ferry.total == 1 and "ferry" in ferry.items[0].label.lower()
    assert {s.id for s in tracker.stories(outlet="Alpine Daily")} == {
        s.id for s in everything if "glacier" in s.label.lower()
    }
    assert tracker.stories(since=datetime(2100, 1, 1, tzinfo=UTC)).total == 0
    assert tracker.stories(since=datetime(2000, 1, 1, tzinfo=UTC)).total == everything.total
