"""What the story stage is handed of a cleaned article."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.ingest.articles import build_article
from storyline.ingest.sources import document_from_record
from storyline.models import Article, Document
from storyline.stories import StoryInput

from ..support.texts import QUAKE_A


def test_an_article_is_handed_over_as_its_values() -> None:
    record = {
        "id": "quake-a",
        "title": "Earthquake kills 12 in northern Valdoria",
        "text": QUAKE_A,
        "source": "Valdoria Herald",
        "published": "2026-03-02T09:00:00Z",
    }
    document = document_from_record(record, "r", "r")
    assert isinstance(document, Document)
    built = build_article(document, now=datetime(2026, 11, 1, tzinfo=UTC))
    assert isinstance(built, Article)
    item = StoryInput.from_article(7, built, duplicate_of=3)
    assert item == StoryInput(
        article_id=7,
        title=built.title.value,
        text=built.text,
        published=built.published.value,
        outlet=built.outlet.value,
        duplicate_of=3,
    )
    assert item.title == "Earthquake kills 12 in northern Valdoria"
    assert item.published == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert item.outlet == "Valdoria Herald" and "Ridgeford" in item.text
