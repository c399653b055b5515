"""Articles and stores of articles the store's tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storyline.ingest.segment import segment
from storyline.models import Article, MetaValue, Origin, PublishedTime
from storyline.store import Store
from storyline.store.records import SourceRecord

# The tests' clock: the store never reads one, every time is handed in.
NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def make_article(
    text: str,
    external_id: str = "x",
    published: datetime | None = datetime(2026, 3, 2, 8, 15, tzinfo=UTC),
    outlet: str | None = "Harbor Wire",
) -> Article:
    paragraphs, sentences = segment(text)
    return Article(
        external_id=external_id,
        locator=f"{external_id}:1",
        raw_sha256="0" * 64,
        text=text,
        title=MetaValue("A title", Origin.SUPPLIED),
        outlet=MetaValue(outlet, Origin.SUPPLIED if outlet else Origin.NONE),
        url=MetaValue.missing(),
        author=MetaValue.missing(),
        language=MetaValue("en", Origin.SUPPLIED),
        published=PublishedTime(published, Origin.SUPPLIED, published.isoformat() if published else None),
        paragraphs=paragraphs,
        sentences=sentences,
        extra={"section": "business"},
    )


def add_articles(store: Store, count: int, hours_apart: int = 0) -> list[int]:
    """``count`` short articles with sources ``a0``, ``a1``, … in one run; their ids. With
    ``hours_apart``, article n is published n times that many hours after the first."""
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    ids = []
    with store.write():
        run = store.runs.start(["test"], NOW)
        for n in range(count):
            article = make_article(
                f"Story text number {n}.", f"a{n}", published=start + timedelta(hours=n * hours_apart)
            )
            article_id = store.articles.insert(article, NOW)
            store.duplicates.record(article_id, f"h{n}", None, None, None)
            store.articles.add_source(
                article_id, SourceRecord(f"a{n}", f"a{n}:1", str(n % 10) * 64, run, {}), NOW
            )
            ids.append(article_id)
    return ids
