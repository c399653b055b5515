"""Documents → articles: the feed-entry edge cases and the warnings an article carries.

Every feed and page here is invented for these tests.
"""

from __future__ import annotations

import io
import sys
import threading
import warnings
from datetime import UTC, datetime

import pytest

from storyline.ingest.articles import build_article
from storyline.ingest.extract_html import extract_html
from storyline.ingest.messages import listening
from storyline.ingest.sources import iter_documents
from storyline.models import Article, ContentKind, Document, Origin, Rejection, Supplied

NOW = datetime(2026, 2, 10, 12, 0, tzinfo=UTC)


def feed_articles(items: str) -> list[Article | Rejection]:
    feed = f'<rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
    documents = iter_documents(["-"], stdin=io.BytesIO(feed.encode()))
    return [build_article(item, now=NOW) if isinstance(item, Document) else item for item in documents]


def article(item: Article | Rejection) -> Article:
    assert isinstance(item, Article), item
    return item


def test_summary_cut_inside_a_character_reference_keeps_the_entry() -> None:
    item = (
        "<item><title>Dam holds</title><description>Engineers say the dam holds &amp;#2</description></item>"
    )
    (built,) = feed_articles(item)
    assert article(built).text == "Engineers say the dam holds"


@pytest.mark.parametrize(
    "summary",
    [
        "<description>&lt;img src='https://example.org/dam.jpg'&gt;</description>",
        "<description>&lt;p&gt;&lt;img src='dam.jpg'&gt;&lt;/p&gt; &lt;br/&gt;</description>",
        "",
    ],
)
def test_entry_with_image_only_summary_is_a_headline_like_one_without(summary: str) -> None:
    (built,) = feed_articles(f"<item><title>Dam holds after storm</title>{summary}</item>")
    assert article(built).text == "Dam holds after storm"


def test_entry_without_title_or_text_is_refused() -> None:
    (built,) = feed_articles(
        "<item><description>&lt;img src='dam.jpg'&gt;</description><link>https://e.org/1</link></item>"
    )
    assert isinstance(built, Rejection) and "no text" in built.reason


def test_document_warnings_come_first_among_the_article_warnings() -> None:
    text = "Harbour council approves the budget.\n\nThe vote was close."
    doc = Document(
        "d1",
        "d1.txt",
        ContentKind.TEXT,
        text,
        "0" * 64,
        Supplied(Origin.SUPPLIED, published="not a date"),
        warnings=("encoding uncertain: read as cp1252, but cp1250 fits these bytes as well",),
    )
    built = article(build_article(doc, now=NOW))
    assert built.warnings == (
        "encoding uncertain: read as cp1252, but cp1250 fits these bytes as well",
        "unreadable published date 'not a date'",
    )


def test_library_warnings_become_one_line_article_warnings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def noisy(html: str, url: str | None, *, now: datetime | None = None) -> object:
        warnings.warn(
            "tzname XYZT identified but not understood.\n  Pass `tzinfos`.", RuntimeWarning, stacklevel=2
        )
        return extract_html(html, url, now=now)

    monkeypatch.setattr("storyline.ingest.articles.extract_html", noisy)
    page = (
        "<html><body><article><p>"
        + "The harbour council met on Monday to debate the budget. " * 8
        + "</p></article></body></html>"
    )
    (doc,) = iter_documents(["-"], stdin=io.BytesIO(page.encode()))
    assert isinstance(doc, Document)
    built = article(build_article(doc, now=NOW))
    assert built.warnings == ("library warning: tzname XYZT identified but not understood. Pass `tzinfos`.",)
    assert capsys.readouterr().err == ""


def test_other_threads_keep_their_stderr_while_a_library_is_heard(capsys: pytest.CaptureFixture[str]) -> None:
    # A progress bar refreshing from its own thread must reach the terminal, not an article.
    heard: list[str] = []
    with listening(heard):
        worker = threading.Thread(target=lambda: print("progress 50%", file=sys.stderr))
        worker.start()
        worker.join()
        print("warcio: Record not followed by newline", file=sys.stderr)
    assert heard == ["library warning: warcio: Record not followed by newline"]
    assert capsys.readouterr().err == "progress 50%\n"
