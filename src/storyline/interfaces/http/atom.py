"""Atom feeds ('what is new in this story', 'what is new for this search'): built with an XML
library, so titles and outlets from the articles are always escaped, never pasted into markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from lxml import etree

from storyline.clock import as_utc
from storyline.store.records import ArticleSummary

_ATOM = "http://www.w3.org/2005/Atom"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def atom_feed(
    feed_id: str, title: str, updated: datetime | None, articles: Sequence[ArticleSummary], base: str
) -> bytes:
    """An Atom feed of ``articles`` (newest first, as given); each entry links to its page under
    ``base``. An undated article is dated by the feed, since Atom needs a time per entry."""
    feed = etree.Element(f"{{{_ATOM}}}feed", nsmap={None: _ATOM})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    feed_updated = as_utc(updated) if updated else _EPOCH
    _text(feed, "updated", feed_updated.isoformat())
    etree.SubElement(feed, f"{{{_ATOM}}}link", href=feed_id, rel="alternate")
    for article in articles:
        entry = etree.SubElement(feed, f"{{{_ATOM}}}entry")
        link = f"{base}/articles/{article.id}"
        _text(entry, "id", link)
        _text(entry, "title", article.title or article.external_id)
        when = as_utc(article.published) if article.published else feed_updated
        _text(entry, "updated", when.isoformat())
        etree.SubElement(entry, f"{{{_ATOM}}}link", href=link, rel="alternate")
        author = etree.SubElement(entry, f"{{{_ATOM}}}author")
        _text(author, "name", article.outlet or "unknown outlet")
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8"))


def _text(parent: etree._Element, name: str, value: str) -> None:
    etree.SubElement(parent, f"{{{_ATOM}}}{name}").text = _xml_safe(value)


def _xml_safe(value: str) -> str:
    """XML 1.0 has no way to write most control characters: they are dropped."""
    return "".join(c for c in value if c in "\t\n\r" or ord(c) >= 0x20)
