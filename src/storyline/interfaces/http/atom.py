"""Atom feeds ('what is new in this story', 'what is new in the store', 'what is new for this
search'): built with an XML library, so titles and outlets from the articles are always escaped,
never pasted into markup.

A story's feed and the store's carry every kind of change (``ChangesView``), each an entry of its
own with a stable id, so a feed reader shows each once: a new report, a new story, a merge or a
split, an editor's correction, a timeline entry a new report tells, and a new state of a brief
(the facts it gained and lost, and those whose status changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from lxml import etree

from storyline.clock import as_utc
from storyline.interfaces.lineage import correction_line
from storyline.store.records import ArticleSummary
from storyline.views import ChangesView

_ATOM = "http://www.w3.org/2005/Atom"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The most entries a feed carries, the newest: a reader polls it far more often than this fills.
MAX_ENTRIES = 200


@dataclass(frozen=True, slots=True)
class Entry:
    """One Atom entry: ``id`` a stable URI, ``updated`` None for the feed's own time."""

    id: str
    title: str
    link: str
    updated: datetime | None
    author: str | None = None
    summary: str | None = None


def article_entry(article: ArticleSummary, base: str, title: str | None = None) -> Entry:
    link = f"{base}/articles/{article.id}"
    return Entry(
        link,
        title or article.title or article.external_id,
        link,
        _instant(article.published),
        article.outlet or "unknown outlet",
    )


def change_entries(view: ChangesView, base: str) -> list[Entry]:
    """Every change ``view`` holds as an entry, the newest first (an undated one first of all:
    it is dated by the feed)."""
    published = {a.id: _instant(a.published) for a in view.articles}
    entries = [article_entry(a, base, f"new report: {a.title or a.external_id}") for a in view.articles]
    entries += [
        Entry(f"{base}/stories/{s.id}", f"new story: {s.label}", f"{base}/stories/{s.id}", s.first_seen)
        for s in view.stories
    ]
    entries += [
        Entry(
            f"{base}/stories/{m.into}#merge-{m.absorbed}",
            f"story {m.absorbed} merged into story {m.into}",
            f"{base}/stories/{m.into}",
            m.merged_at,
            summary=m.reason,
        )
        for m in view.merges
    ]
    entries += [
        Entry(
            f"{base}/stories/{s.story_id}#split-{s.new_story_id}",
            f"{s.article_count} reports split off story {s.story_id} into story {s.new_story_id}",
            f"{base}/stories/{s.new_story_id}",
            s.split_at,
            summary=s.reason,
        )
        for s in view.splits
    ]
    entries += [
        Entry(
            f"{base}/corrections/{c.id}",
            f"correction: {correction_line(c)}",
            f"{base}/stories/{c.story_id}" if c.story_id is not None else f"{base}/",
            c.at,
            c.by,
        )
        for c in view.corrections
    ]
    for story_id, entry in view.timeline_entries:
        told = entry.events[0].citations[0]
        new = [published[a] for a in entry.articles if a in published]
        entries.append(
            Entry(
                f"{base}/stories/{story_id}#told-{told.article_id}-{told.start}",
                f"{entry.when or 'undated'}: {told.text}",
                f"{base}/articles/{told.article_id}#s-{told.sentence}",
                max((when for when in new if when is not None), default=None),
                told.outlet,
            )
        )
    for state in view.brief_states:
        changes = state.changes
        lines = [f"+ {fact['text']}" for fact in changes.get("gained", [])]
        lines += [f"- {fact['text']} ({fact['why']})" for fact in changes.get("lost", [])]
        lines += [f"{fact['from']} → {fact['to']}: {fact['text']}" for fact in changes.get("status", [])]
        entries.append(
            Entry(
                f"{base}/stories/{state.story_id}#brief-{state.version}",
                f"story {state.story_id}'s brief, version {state.version}: {state.cause}",
                f"{base}/stories/{state.story_id}",
                state.made_at,
                summary="\n".join(lines) or "no change to the facts shown",
            )
        )
    entries.sort(
        key=lambda e: as_utc(e.updated) if e.updated else datetime.max.replace(tzinfo=UTC), reverse=True
    )
    return entries[:MAX_ENTRIES]


def _instant(value: datetime | date | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def atom_feed(feed_id: str, title: str, updated: datetime | None, entries: Sequence[Entry]) -> bytes:
    """An Atom feed of ``entries`` (in the order given). An undated entry is dated by the feed,
    since Atom needs a time per entry."""
    feed = etree.Element(f"{{{_ATOM}}}feed", nsmap={None: _ATOM})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    feed_updated = as_utc(updated) if updated else _EPOCH
    _text(feed, "updated", feed_updated.isoformat())
    etree.SubElement(feed, f"{{{_ATOM}}}link", href=feed_id, rel="alternate")
    for item in entries:
        entry = etree.SubElement(feed, f"{{{_ATOM}}}entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _text(entry, "updated", (as_utc(item.updated) if item.updated else feed_updated).isoformat())
        etree.SubElement(entry, f"{{{_ATOM}}}link", href=item.link, rel="alternate")
        author = etree.SubElement(entry, f"{{{_ATOM}}}author")
        _text(author, "name", item.author or "storyline")
        if item.summary:
            _text(entry, "summary", item.summary)
    return bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8"))


def _text(parent: etree._Element, name: str, value: str) -> None:
    etree.SubElement(parent, f"{{{_ATOM}}}{name}").text = _xml_safe(value)


def _xml_safe(value: str) -> str:
    """XML 1.0 has no way to write most control characters: they are dropped."""
    return "".join(c for c in value if c in "\t\n\r" or ord(c) >= 0x20)
